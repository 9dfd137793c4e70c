from django.test import TestCase

from tests.helpers import add_step, make_guide, make_platform


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
        )
        add_step(
            cls.ai.draft,
            instruction_de="Öffnen Sie die Einstellungen.",
            menu_path_de="Einstellungen › Datenschutz › Daten zur Verbesserung generativer KI",
            menu_path_en="Settings › Data privacy › Data for Generative AI Improvement",
        )
        cls.ai.draft.publish()
        cls.ads = make_guide(
            platform=platform,
            slug="ads",
            title_de="Anzeigendaten einschränken",
            title_en="Limit advertising data",
            summary_de="Werbung außerhalb von LinkedIn.",
            summary_en="Ads based on traits such as your job title.",
        )
        cls.hidden = make_guide(
            platform=platform, slug="hidden", published=False, title_de="Datenschutz-Entwurf"
        )

    def _titles(self, url):
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        return [result.text.title for result in response.context["results"]]

    def test_search_is_case_insensitive(self):
        self.assertIn("KI-Training abschalten", self._titles("/de/search/?q=datenschutz"))

    def test_search_folds_umlauts_the_same_way_on_every_database(self):
        self.assertEqual(self._titles("/de/search/?q=übersicht"), ["KI-Training abschalten"])
        self.assertEqual(self._titles("/de/search/?q=ÜBERSICHT"), ["KI-Training abschalten"])
        self.assertEqual(self._titles("/de/search/?q=ausserhalb"), ["Anzeigendaten einschränken"])

    def test_every_word_must_match_and_summary_matches_rank_above_step_matches(self):
        self.assertEqual(self._titles("/de/search/?q=KI abschalten"), ["KI-Training abschalten"])
        self.assertEqual(
            self._titles("/de/search/?q=daten"),
            ["KI-Training abschalten", "Anzeigendaten einschränken"],
        )

    def test_words_match_only_at_the_start_of_a_word(self):
        self.assertEqual(self._titles("/en/search/?q=AI"), ["Turn off AI training"])
        self.assertEqual(self._titles("/de/search/?q=training"), ["KI-Training abschalten"])
        self.assertEqual(self._titles("/de/search/?q=anzeigend"), ["Anzeigendaten einschränken"])
        self.assertEqual(self._titles("/de/search/?q=ildung"), [])

    def test_search_uses_the_reader_language(self):
        self.assertEqual(self._titles("/en/search/?q=generative"), ["Turn off AI training"])
        self.assertEqual(self._titles("/en/search/?q=datenschutz"), [])

    def test_drafts_are_not_found(self):
        self.assertEqual(self._titles("/de/search/?q=entwurf"), [])

    def test_results_page_links_to_the_guides_and_says_how_many(self):
        response = self.client.get("/de/search/?q=linkedin")
        self.assertContains(response, "2 Anleitungen gefunden für „linkedin“.")
        self.assertContains(response, 'href="/de/linkedin/ki/"')
        self.assertContains(response, 'value="linkedin"')

    def test_results_page_says_plainly_when_nothing_is_found(self):
        self.assertContains(
            self.client.get("/de/search/?q=zzz"), "Keine Anleitung gefunden für „zzz“."
        )
        self.assertContains(self.client.get("/en/search/?q=zzz"), "No guides found for “zzz”.")
        one = self.client.get("/de/search/?q=werbung")
        self.assertContains(one, "Eine Anleitung gefunden für „werbung“.")

    def test_empty_search_shows_a_hint(self):
        response = self.client.get("/de/search/")
        self.assertContains(response, "Geben Sie oben ein Wort")

    def test_search_sets_no_cookie(self):
        self.assertEqual(self.client.get("/de/search/?q=ki").cookies, {})
