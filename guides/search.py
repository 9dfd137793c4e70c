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
the guides' own order: one query finds, ranks and counts the versions and returns the page's,
one loads those.
"""

import re
import unicodedata
from dataclasses import dataclass

from django.core.paginator import EmptyPage, Page, Paginator
from django.db import connection, transaction
from django.db.models import Case, F, IntegerField, Max, Prefetch, Q, Value, When

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


@dataclass
class Result:
    version: GuideVersion
    text: reading.CardText
    score: int

    @property
    def guide(self):
        return self.version.guide


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


def _starts_with(word):
    """Q for indexed words starting with `word`, written so that the index serves it."""
    if connection.vendor == "sqlite":  # SQLite's LIKE ignores the index; a range uses it
        return Q(word__gte=word, word__lt=word + _LAST_CHARACTER)
    return Q(word__startswith=word)  # LIKE 'word%' on the varchar_pattern_ops index


def _rank(word):
    """The best rank of one query word among a version's indexed words that start with it."""
    whole, title = Q(word=word), Q(weight=Weight.TITLE)
    return Max(
        Case(
            When(title & whole, then=Value(WHOLE_TITLE_WORD)),
            When(title, then=Value(TITLE_WORD_START)),
            When(whole, then=Value(WHOLE_WORD) + F("weight")),
            default=Value(WORD_START) + F("weight"),
            output_field=IntegerField(),
        )
    )


def _hits_sql(query_words, language):
    """SQL of (version_id, rank): per query word, its best rank in each version that has it.

    A UNION ALL of one indexed range scan per word (an OR of the words would scan the whole
    language).
    """
    per_word = [
        SearchWord.objects.filter(Q(language=language) & _starts_with(word))
        .values("version_id")
        .annotate(rank=_rank(word))
        .values_list("version_id", "rank")
        .order_by()
        for word in query_words
    ]
    return per_word[0].union(*per_word[1:], all=True).order_by().query.sql_with_params()


def _ranked_page(query_words, language, offset, limit):
    """(version id, score, total) of the versions at `offset` in the ranking, `limit` of them.

    One query: the database adds up the ranks of the versions that have every query word,
    orders them and counts them all (the window runs before LIMIT), so that only the page's
    rows come back. Equal scores keep the guides' own order, platform by platform.
    """
    hits, params = _hits_sql(query_words, language)
    versions, guides = GuideVersion._meta.db_table, Guide._meta.db_table
    platforms = Platform._meta.db_table
    sql = f"""
        SELECT ranked.version_id, ranked.score, COUNT(*) OVER () AS total
        FROM (
            SELECT hits.version_id, SUM(hits."rank") AS score
            FROM ({hits}) AS hits
            GROUP BY hits.version_id
            HAVING COUNT(*) = %s
        ) AS ranked
        JOIN {versions} AS v ON v.id = ranked.version_id
        JOIN {guides} AS g ON g.id = v.guide_id
        JOIN {platforms} AS p ON p.id = g.platform_id
        ORDER BY ranked.score DESC, p.position, p.slug, g.position, g.slug
        LIMIT %s OFFSET %s
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, len(query_words), limit, offset])
        return cursor.fetchall()


def _shown_versions(version_ids):
    """The versions of a page of results, with only what the results list shows."""
    fields = ("guide__slug", "guide__platform__slug", "guide__platform__name")
    return (
        GuideVersion.objects.select_related("guide__platform")
        .only(*fields, *reading.CARD_FIELDS)
        .in_bulk(version_ids)
    )


def search_guides(query, language, number=1, per_page=RESULTS_PER_PAGE):
    """Page `number` of the published guides matching every word of `query`, best first.

    The page's paginator counts every match. Raises EmptyPage for a page past the last.
    """
    query_words = list(dict.fromkeys(words(query)))[:MAX_QUERY_WORDS]
    rows = []
    if query_words:
        rows = _ranked_page(query_words, language, (number - 1) * per_page, per_page)
    if number > 1 and not rows:
        raise EmptyPage(f"Page {number} is past the last one.")
    total = rows[0][2] if rows else 0
    versions = _shown_versions([version_id for version_id, _score, _total in rows])
    results = []
    for version_id, score, _total in rows:
        if version := versions.get(version_id):  # unless republished in between
            text = reading.card_text(version, language)
            results.append(Result(version=version, text=text, score=score))
    # The paginator only counts and numbers the pages: the page's rows are loaded already.
    return Page(results, number, Paginator(range(total), per_page))
