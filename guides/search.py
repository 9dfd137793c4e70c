"""Search across published guides in the reader's language, from an index of words.

When a version is published, every reader text of it is split into words, in every site
language as the page shows it there (with modeltranslation's fallback), and stored as
SearchWord rows: one per word, language and version, with the weight of the most important
place the word appears in (title, summary, ..., sources). The menu labels and target values of
every language are indexed too, at the lowest weight: the reader can switch the labels to
them on the guide page, so on /en/ "KI" finds the AI guide through its German setting name
"Daten zur Verbesserung generativer KI".

Words are compared folded (composed, case-folded: "Übersicht" = "übersicht", "Straße" =
"strasse", but "ä" stays different from "a", as German readers expect). Each word of a query
must be a whole word or the start of a word of the guide ("ki" finds "KI-Training" and
"Kingdom", not "Aktivität"). Ranking, per query word, best place it is found in:
a whole word of the title, a word start in the title, a whole word elsewhere, a word start
elsewhere; within the last two, the more important field first. So "KI" on /en/ lists the
AI guide (whole word "KI") above the Microsoft guide ("Kingdom").

Folding happens in Python and the database only compares the folded words, with an index,
so SQLite and PostgreSQL give the same results. Results come a page at a time, equal scores in
the guides' own order: one query finds, ranks and counts the versions and returns the page's
with their guides' addresses; the results list shows each as a card kept for good
(guides.views).
"""

import re
import unicodedata
from typing import NamedTuple

from django.core.paginator import EmptyPage, Page, Paginator
from django.db import connection, transaction
from django.db.models import Prefetch

from . import reading
from .models import Guide, GuideVersion, Platform, SearchWord, Step

Weight = SearchWord.Weight
# The rank of a query word by where it is found; weights (1-5) are added to the last two.
WHOLE_TITLE_WORD, TITLE_WORD_START, WHOLE_WORD, WORD_START = 40, 30, 20, 10
MAX_QUERY_WORDS = 8
RESULTS_PER_PAGE = 20
# A code point above every other, for "starts with" as a range of the index (SQLite).
_LAST_CHARACTER = "\U0010ffff"


def fold(text):
    """Text in the form that matching compares: composed, case-folded ("Straße" -> "strasse")."""
    return unicodedata.normalize("NFKC", text).casefold()


def words(text):
    """The folded words of `text` in order, each cut to what SearchWord stores."""
    return [word[: SearchWord.MAX_LENGTH] for word in re.findall(r"\w+", fold(text or ""))]


class Hit(NamedTuple):
    """A published version found, with what the results list needs to know of its guide."""

    version_id: int
    published_at: object  # as the database returns it: part of the version's identity
    guide_slug: str
    platform_slug: str
    platform_name: str
    score: int


def _reader_texts(version, language):
    """(weight, text) of everything a reader of `version` sees in `language`."""
    text = reading.guide_text(version, language)
    yield Weight.TITLE, text.title
    yield Weight.SUMMARY, text.summary
    yield Weight.SUMMARY, version.guide.platform.name
    for value in (text.context, text.check_text, text.needs_confirmation):
        yield Weight.TEXT, value
    for step in version.steps.all():
        yield Weight.STEPS, step.rendered_instruction(language)
        for name in ("menu_path", "target_value"):
            yield Weight.STEPS, reading.localized(step, name, language)
        for code in reading.LANGUAGE_CODES:  # the labels the reader can switch to
            yield Weight.OTHER, getattr(step, f"menu_path_{code}")
            yield Weight.OTHER, getattr(step, f"target_value_{code}")
    for source in version.sources.all():
        yield Weight.OTHER, source.title


def _search_words(version):
    for language in reading.LANGUAGE_CODES:
        weights = {}
        for weight, text in _reader_texts(version, language):
            for word in words(text):
                weights[word] = max(weight, weights.get(word, 0))
        for word, weight in weights.items():
            yield SearchWord(version=version, language=language, word=word, weight=weight)


def _indexed_versions():
    return GuideVersion.objects.select_related("guide__platform").prefetch_related(
        Prefetch("steps", queryset=Step.objects.all()), "sources"
    )


def _delete_words(guide_id=None):
    """Delete the guide's indexed words (every guide's when None) in one statement.

    QuerySet.delete() may load each row first, to send post_delete to any receiver: thousands
    of rows per publish. The page cache sees this DELETE too (guides.caching).
    """
    table = SearchWord._meta.db_table
    versions = GuideVersion._meta.db_table
    with connection.cursor() as cursor:
        if guide_id is None:
            cursor.execute(f"DELETE FROM {table}")
        else:
            cursor.execute(
                f"DELETE FROM {table} WHERE version_id IN "
                f"(SELECT id FROM {versions} WHERE guide_id = %s)",
                [guide_id],
            )


def index_guide(guide_id):
    """Index the guide's published version in place of whatever the guide had indexed."""
    with transaction.atomic():
        _delete_words(guide_id)
        published = _indexed_versions().filter(
            guide_id=guide_id, status=GuideVersion.Status.PUBLISHED
        )
        for version in published:
            SearchWord.objects.bulk_create(_search_words(version), batch_size=1000)


def index_if_empty(using="default", verbosity=1, **kwargs):
    """After migrate: index every published version when nothing is indexed yet."""
    if using != "default" or SearchWord.objects.exists():
        return
    if not GuideVersion.objects.filter(status=GuideVersion.Status.PUBLISHED).exists():
        return
    count = rebuild_index()
    if verbosity:
        print(f"Search index: {count} published versions indexed.")


def rebuild_index():
    """Index every published version afresh; returns how many were indexed."""
    with transaction.atomic():
        _delete_words()
        published = _indexed_versions().filter(status=GuideVersion.Status.PUBLISHED)
        count = 0
        for version in published.iterator(chunk_size=100):
            SearchWord.objects.bulk_create(_search_words(version), batch_size=1000)
            count += 1
    return count


def _word_rows(number, word, language):
    """SQL and parameters of (version_id, word_number, rank) for query word `number`: one row
    per indexed word starting with it, read from the covering index alone."""
    if connection.vendor == "sqlite":  # SQLite's LIKE ignores the index; a range uses it
        starts, params = "word >= %s AND word < %s", [word, word + _LAST_CHARACTER]
    else:  # LIKE 'word%' on the varchar_pattern_ops index
        starts, params = "word LIKE %s", [connection.ops.prep_for_like_query(word) + "%"]
    title = int(Weight.TITLE)
    sql = f"""
        SELECT version_id, {int(number)} AS word_number, CASE
            WHEN weight = {title} AND word = %s THEN {WHOLE_TITLE_WORD}
            WHEN weight = {title} THEN {TITLE_WORD_START}
            WHEN word = %s THEN {WHOLE_WORD} + weight
            ELSE {WORD_START} + weight
        END AS "rank"
        FROM {SearchWord._meta.db_table}
        WHERE language = %s AND {starts}
    """
    return sql, [word, word, language, *params]


def _ranked_page(query_words, language, offset, limit):
    """The Hits at `offset` in the ranking, `limit` of them, and how many there are in all.

    One query, written out rather than built by the ORM (which took as long as running it): a
    UNION ALL of one indexed range scan per word (an OR of the words would scan the whole
    language), grouped by version once. A version's score adds up each query word's best rank
    in it; a word it lacks leaves its MAX NULL, and so the score, which drops the version. The
    versions found are joined to their guides through the guide's published version (a
    version's row holds its long texts in every language: only the page's rows read it, for
    the publication time), counted and ordered, so that only the page's rows come back. Equal
    scores keep the guides' own order, platform by platform. A GROUP BY per word and again
    over all of them, and a COUNT(*) OVER () beside the versions found, cost SQLite a third
    more with 300 guides.
    """
    word_rows = [_word_rows(number, word, language) for number, word in enumerate(query_words)]
    union = " UNION ALL ".join(sql for sql, _params in word_rows)
    score = " + ".join(
        f'MAX(CASE WHEN hits.word_number = {number} THEN hits."rank" END)'
        for number in range(len(query_words))
    )
    versions, guides = GuideVersion._meta.db_table, Guide._meta.db_table
    platforms = Platform._meta.db_table
    order = "score DESC, platform_position, platform_slug, guide_position, guide_slug"
    sql = f"""
        WITH found AS (
            SELECT ranked.version_id, ranked.score,
                g.slug AS guide_slug, g.position AS guide_position,
                p.slug AS platform_slug, p.name AS platform_name, p.position AS platform_position
            FROM (
                SELECT hits.version_id, {score} AS score
                FROM ({union}) AS hits
                GROUP BY hits.version_id
            ) AS ranked
            JOIN {guides} AS g ON g.published_version_id = ranked.version_id
            JOIN {platforms} AS p ON p.id = g.platform_id
            WHERE ranked.score IS NOT NULL
        )
        SELECT page.version_id, v.published_at, page.guide_slug, page.platform_slug,
            page.platform_name, page.score, (SELECT COUNT(*) FROM found) AS total
        FROM (SELECT * FROM found ORDER BY {order} LIMIT %s OFFSET %s) AS page
        JOIN {versions} AS v ON v.id = page.version_id
        ORDER BY {order}
    """
    params = [param for _sql, word_params in word_rows for param in word_params]
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, limit, offset])
        rows = cursor.fetchall()
    return [Hit(*row[:-1]) for row in rows], rows[0][-1] if rows else 0


def search_guides(query, language, number=1, per_page=RESULTS_PER_PAGE):
    """Page `number` of the published guides matching every word of `query`, best first, as
    Hits. The page's paginator counts every match. Raises EmptyPage for a page past the last.
    """
    query_words = list(dict.fromkeys(words(query)))[:MAX_QUERY_WORDS]
    hits, total = [], 0
    if query_words:
        hits, total = _ranked_page(query_words, language, (number - 1) * per_page, per_page)
    if number > 1 and not hits:
        raise EmptyPage(f"Page {number} is past the last one.")
    # The paginator only counts and numbers the pages: the page's rows are loaded already.
    return Page(hits, number, Paginator(range(total), per_page))
