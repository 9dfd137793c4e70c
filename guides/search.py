"""Search across published guides in the reader's language.

The texts are matched in Python rather than with SQL LIKE: SQLite folds only ASCII letters
("übersicht" would miss "Übersicht"), PostgreSQL folds all of them, and readers must get the
same results on both. The published guides are a few hundred rows at most; two queries load them.

Each query word must match the start of a word in the text ("ki" finds "KI-Training", not
"Aktivität"); matching anywhere in a word made short words like "AI" find "traits".
"""

import re
import unicodedata
from dataclasses import dataclass

from django.db.models import Prefetch

from . import reading
from .models import GuideVersion, Step

# Where a word is found, and how much that counts towards a result's rank.
WEIGHTS = {"title": 8, "summary": 4, "platform": 4, "steps": 1}


def fold(text):
    """Text in the form that matching compares: composed, case-folded ("Straße" -> "strasse")."""
    return unicodedata.normalize("NFKC", text).casefold()


@dataclass
class Result:
    version: GuideVersion
    text: reading.GuideText
    score: int

    @property
    def guide(self):
        return self.version.guide


def _fields(version, language):
    steps = version.steps.all()
    step_texts = [s.rendered_instruction(language) for s in steps]
    step_texts += [reading.localized(s, "menu_path", language) for s in steps]
    text = reading.guide_text(version, language)
    return text, {
        "title": fold(text.title),
        "summary": fold(text.summary),
        "platform": fold(version.guide.platform.name),
        "steps": fold("\n".join(step_texts)),
    }


def _word_start(word):
    """A pattern finding `word` (folded) at the start of a word."""
    return re.compile(r"(?<!\w)" + re.escape(word))


def search_guides(query, language):
    """Published guides with a word starting with each word of `query`, best first."""
    words = [_word_start(word) for word in fold(query).split()]
    if not words:
        return []
    versions = (
        GuideVersion.objects.filter(status=GuideVersion.Status.PUBLISHED)
        .select_related("guide__platform")
        .prefetch_related(Prefetch("steps", queryset=Step.objects.all()))
    )
    results = []
    for version in versions:
        text, fields = _fields(version, language)
        if not all(any(word.search(value) for value in fields.values()) for word in words):
            continue
        score = sum(
            WEIGHTS[name] for word in words for name, value in fields.items() if word.search(value)
        )
        results.append(Result(version=version, text=text, score=score))
    results.sort(key=lambda result: (-result.score, result.text.title.casefold()))
    return results
