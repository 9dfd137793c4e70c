import html
import io
import re

from django.core.management import call_command
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext

from guides.models import SearchWord, Source
from tests.helpers import add_step, forget_kept_parts, make_guide, make_platform, published_copies

# The search view's queries, whatever the number of guides: branding, then finding and ranking
# the versions in one query and loading the shown ones in another (until their cards are kept).
SEARCH_QUERIES = 3


def result_titles(response):
    """The titles of the results listed, as a reader sees them."""
    found = re.findall(r'<h2><a href="[^"]+"[^>]*>([^<]*)</a></h2>', response.content.decode())
    return [html.unescape(title) for title in found]


class SearchTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        platform = make_platform()
        cls.ai = make_guide(
            platform=platform,
            slug="ki",
            steps=0,
            published=False,
            title_de="KI-Training abschalten",
            title_en="Turn off AI training",
            summary_de="Übersicht über Ihre Daten.",
            summary_en="Your data for generative AI.",
            context_de="Künstliche Intelligenz lernt aus Ihren Beiträgen.",
            context_en="AI models learn from your posts in the United Kingdom too.",
            check_text_de="Der Schalter steht danach auf „Aus“.",
            needs_confirmation_de="Die App-Menüs sind noch nicht bestätigt.",
        )
        add_step(
            cls.ai.draft,
            instruction_de="Öffnen Sie die Einstellungen.",
            instruction_en="Open the settings.",
            menu_path_de="Einstellungen › Datenschutz › Daten zur Verbesserung generativer KI",
            menu_path_en="Settings › Data privacy › Data for Generative AI Improvement",
            target_value_de="Aus",
            target_value_en="Off",
        )
        Source.objects.create(
            version=cls.ai.draft, url="https://example.com/n", title="netzpolitik.org"
        )
        cls.ai.draft.publish()
        cls.ads = make_guide(
            platform=platform,
            slug="ads",
            title_de="Anzeigendaten einschränken",
            title_en="Limit advertising data",
            summary_de="Werbung außerhalb von LinkedIn, Änderungen ab November.",
            summary_en="Outside the EU and the United Kingdom: ads based on traits.",
            context_en="In the US, LinkedIn honours Global Privacy Control (GPC).",
        )
        cls.hidden = make_guide(
            platform=platform, slug="hidden", published=False, title_de="Datenschutz-Entwurf"
        )

    def _titles(self, url):
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        return result_titles(response)

    def test_search_is_case_insensitive(self):
        self.assertIn("KI-Training abschalten", self._titles("/de/search/?q=datenschutz"))
        self.assertEqual(self._titles("/en/search/?q=gpc"), ["Limit advertising data"])

    def test_search_folds_umlauts_the_same_way_on_every_database(self):
        self.assertEqual(self._titles("/de/search/?q=übersicht"), ["KI-Training abschalten"])
        self.assertEqual(self._titles("/de/search/?q=ÜBERSICHT"), ["KI-Training abschalten"])
        self.assertEqual(self._titles("/de/search/?q=ausserhalb"), ["Anzeigendaten einschränken"])

    def test_umlauts_are_letters_of_their_own(self):
        self.assertEqual(self._titles("/de/search/?q=ä"), ["Anzeigendaten einschränken"])
        self.assertEqual(self._titles("/de/search/?q=Ä"), ["Anzeigendaten einschränken"])
        self.assertEqual(self._titles("/de/search/?q=anderungen"), [])
        # Typed with a combining mark, as some keyboards send it.
        self.assertEqual(
            self._titles("/de/search/?q=a\u0308nderungen"), ["Anzeigendaten einschränken"]
        )

    def test_every_reader_text_is_searched(self):
        for query, title in [
            ("Künstliche", "KI-Training abschalten"),  # context
            ("Schalter", "KI-Training abschalten"),  # what to check afterwards
            ("bestätigt", "KI-Training abschalten"),  # not yet confirmed
            ("Öffnen", "KI-Training abschalten"),  # step instruction
            ("Verbesserung", "KI-Training abschalten"),  # menu path
            ("netzpolitik", "KI-Training abschalten"),  # source title
        ]:
            with self.subTest(query):
                self.assertEqual(self._titles(f"/de/search/?q={query}"), [title])
        self.assertEqual(self._titles("/en/search/?q=GPC"), ["Limit advertising data"])
        # The target value "Aus" is a whole word; "außerhalb" only starts with it.
        self.assertEqual(
            self._titles("/de/search/?q=aus"),
            ["KI-Training abschalten", "Anzeigendaten einschränken"],
        )

    def test_every_word_must_match(self):
        self.assertEqual(self._titles("/de/search/?q=KI abschalten"), ["KI-Training abschalten"])
        self.assertEqual(self._titles("/de/search/?q=KI werbung"), [])

    def test_title_hits_rank_first(self):
        # "Daten" is in the AI guide's summary and the ads guide's title ("Anzeigendaten" does
        # not count: not a word start) -> in English "data" is in the ads guide's title.
        self.assertEqual(
            self._titles("/en/search/?q=data"),
            ["Limit advertising data", "Turn off AI training"],
        )

    def test_whole_words_rank_above_word_starts(self):
        # Both guides mention the United Kingdom; only the AI guide has the word "KI" (in its
        # German setting name, which the reader can switch the labels to).
        self.assertEqual(
            self._titles("/en/search/?q=KI"),
            ["Turn off AI training", "Limit advertising data"],
        )

    def test_words_match_only_at_the_start_of_a_word(self):
        self.assertEqual(self._titles("/en/search/?q=AI"), ["Turn off AI training"])
        self.assertEqual(self._titles("/de/search/?q=training"), ["KI-Training abschalten"])
        self.assertEqual(self._titles("/de/search/?q=anzeigend"), ["Anzeigendaten einschränken"])
        self.assertEqual(self._titles("/de/search/?q=ildung"), [])
        self.assertEqual(self._titles("/de/search/?q=telligenz"), [])

    def test_search_uses_the_reader_language_with_its_fallback(self):
        self.assertEqual(self._titles("/en/search/?q=generative"), ["Turn off AI training"])
        self.assertEqual(self._titles("/en/search/?q=abschalten"), [])
        self.assertEqual(self._titles("/en/search/?q=Künstliche"), [])
        # French falls back to English, then German, as the page does.
        self.assertEqual(self._titles("/fr/search/?q=generative"), ["Turn off AI training"])
        self.assertEqual(self._titles("/fr/search/?q=bestätigt"), ["Turn off AI training"])

    def test_labels_of_every_language_are_found(self):
        self.assertEqual(self._titles("/en/search/?q=Verbesserung"), ["Turn off AI training"])
        self.assertEqual(self._titles("/de/search/?q=Improvement"), ["KI-Training abschalten"])

    def test_drafts_are_not_found(self):
        self.assertEqual(self._titles("/de/search/?q=entwurf"), [])

    def test_a_new_version_replaces_the_old_one_in_search(self):
        draft = self.ads.new_draft()
        draft.title_de = "Werbedaten begrenzen"
        draft.change_note_de = "Neuer Titel."
        draft.save()
        draft.publish()
        self.assertEqual(self._titles("/de/search/?q=begrenzen"), ["Werbedaten begrenzen"])
        self.assertEqual(self._titles("/de/search/?q=einschränken"), [])

    def test_renaming_the_platform_is_searched(self):
        platform = self.ai.platform
        platform.name = "Xing"
        platform.save()
        self.assertEqual(len(self._titles("/de/search/?q=xing")), 2)

    def test_rebuild_command_indexes_every_published_version(self):
        SearchWord.objects.all().delete()
        self.assertEqual(self._titles("/de/search/?q=werbung"), [])
        call_command("rebuild_search_index", stdout=io.StringIO())
        self.assertEqual(self._titles("/de/search/?q=werbung"), ["Anzeigendaten einschränken"])
        self.assertEqual(self._titles("/de/search/?q=entwurf"), [])

    def test_results_page_links_to_the_guides_and_says_how_many(self):
        response = self.client.get("/de/search/?q=linkedin")
        self.assertContains(response, "2 Anleitungen gefunden für „linkedin“.")
        self.assertContains(response, 'href="/de/linkedin/ki/"')
        self.assertContains(response, 'value="linkedin"')
        self.assertNotContains(response, "besten Treffer")

    def test_results_page_says_plainly_when_nothing_is_found(self):
        self.assertContains(
            self.client.get("/de/search/?q=zzz"), "Keine Anleitung gefunden für „zzz“."
        )
        self.assertContains(self.client.get("/en/search/?q=zzz"), "No guides found for “zzz”.")
        one = self.client.get("/de/search/?q=werbung")
        self.assertContains(one, "Eine Anleitung gefunden für „werbung“.")
        self.assertContains(self.client.get("/de/search/?q=„…“"), "Keine Anleitung gefunden")

    def test_empty_search_shows_a_hint(self):
        response = self.client.get("/de/search/")
        self.assertContains(response, "Geben Sie oben ein Wort")

    def test_search_sets_no_cookie(self):
        self.assertEqual(self.client.get("/de/search/?q=ki").cookies, {})


def _search_queries(test, url):
    forget_kept_parts()  # the site settings, kept once read
    with CaptureQueriesContext(connection) as queries:
        response = test.client.get(url)
    test.assertEqual(response.status_code, 200)
    return response, len(queries)


class FewGuidesSearchQueryTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        for _ in range(3):
            make_guide(steps=3)

    def test_search_makes_a_fixed_number_of_queries(self):
        response, queries = _search_queries(self, "/de/search/?q=schritt einstellungen")
        self.assertEqual(len(result_titles(response)), 3)
        self.assertEqual(queries, SEARCH_QUERIES)


class ManyGuidesSearchTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        published_copies(make_guide(steps=3), 299)
        cls.summary_only = make_guide(
            steps=1, title_de="Werbung begrenzen", summary_de="Eine kurze Anleitung."
        )
        call_command("rebuild_search_index", stdout=io.StringIO())

    def test_search_makes_the_same_number_of_queries_with_300_guides(self):
        response, queries = _search_queries(self, "/de/search/?q=schritt einstellungen")
        self.assertEqual(queries, SEARCH_QUERIES)
        _response, queries = _search_queries(self, "/de/search/?q=zzz")
        self.assertEqual(queries, SEARCH_QUERIES - 1)

    def _result_links(self, url):
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        return re.findall(r'<h2><a href="([^"]+)"', response.content.decode())

    def test_many_results_come_a_page_at_a_time_and_say_how_many_there_are(self):
        response = self.client.get("/de/search/?q=anleitung")
        self.assertContains(response, "301 Anleitungen gefunden für „anleitung“.")
        self.assertEqual(response.content.count(b'<article class="card">'), 20)
        self.assertContains(response, "Seite 1 von 16")
        self.assertContains(response, 'rel="next" href="?q=anleitung&amp;page=2"')

    def test_the_next_page_shows_the_next_hits(self):
        first = self._result_links("/de/search/?q=anleitung")
        second = self.client.get("/de/search/?q=anleitung&page=2")
        self.assertContains(second, '<ol class="results" start="21">')
        self.assertContains(second, 'rel="prev" href="?q=anleitung&amp;page=1"')
        links = self._result_links("/de/search/?q=anleitung&page=2")
        self.assertEqual(len(links), 20)
        self.assertFalse(set(first) & set(links))

    def test_every_hit_is_on_exactly_one_page_and_the_weakest_on_the_last(self):
        links = []
        for page in range(1, 17):
            links += self._result_links(f"/de/search/?q=anleitung&page={page}")
        self.assertEqual(len(links), 301)
        self.assertEqual(len(set(links)), 301)
        # Only in its summary, the others have the word in their title.
        self.assertEqual(links[-1], self.summary_only.get_absolute_url())

    def test_a_page_that_does_not_exist_is_not_found(self):
        for page in ("17", "0", "-1", "zwei", "99999999999999999999"):
            with self.subTest(page=page):
                response = self.client.get(f"/de/search/?q=anleitung&page={page}")
                self.assertContains(response, "Seite nicht gefunden", status_code=404)
        self.assertEqual(self.client.get("/de/search/?q=zzz&page=2").status_code, 404)


class UpgradeTests(TestCase):
    """A site upgraded from a release without the index can search at once after migrate."""

    def test_migrate_indexes_published_guides_when_the_index_is_empty(self):
        make_guide(title_en="Turn off ad tracking")
        SearchWord.objects.all().delete()
        self.assertEqual(result_titles(self.client.get("/en/search/?q=tracking")), [])
        call_command("migrate", verbosity=0)
        results = result_titles(self.client.get("/en/search/?q=tracking"))
        self.assertEqual(results, ["Turn off ad tracking"])
