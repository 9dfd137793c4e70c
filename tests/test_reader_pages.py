from unittest import mock

from django.core.exceptions import ValidationError
from django.test import TestCase, override_settings

from guides.models import Guide, Platform
from tests.helpers import make_guide, make_platform, make_region
from tests.reader_helpers import inline_code


class LanguageRedirectTests(TestCase):
    def test_root_sends_visitors_to_german_by_default(self):
        response = self.client.get("/")
        self.assertRedirects(response, "/de/")

    def test_root_follows_the_browser_language(self):
        response = self.client.get("/", headers={"accept-language": "fr-CH,fr;q=0.9,en;q=0.5"})
        self.assertRedirects(response, "/fr/")

    def test_root_sets_no_language_cookie(self):
        response = self.client.get("/", headers={"accept-language": "it"})
        self.assertEqual(response.cookies, {})


class HomePageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.platform = make_platform(name="LinkedIn")
        cls.guide = make_guide(
            platform=cls.platform,
            slug="ki-training",
            title_de="KI-Training abschalten",
            summary_de="Eine Zeile Zusammenfassung.",
            minutes=2,
        )
        cls.guide.regions.add(make_region())
        make_guide(platform=cls.platform, published=False, title_de="Unveröffentlicht")

    def test_home_lists_published_guides_with_summary_time_regions_and_check_date(self):
        response = self.client.get("/de/")
        self.assertContains(response, 'href="/de/linkedin/ki-training/"')
        self.assertContains(response, "KI-Training abschalten")
        self.assertContains(response, "Eine Zeile Zusammenfassung.")
        self.assertContains(response, "etwa 2 Minuten")
        self.assertContains(response, "EU/EWR")
        self.assertContains(response, "Zuletzt geprüft")
        self.assertNotContains(response, "Unveröffentlicht")

    def test_home_runs_a_fixed_number_of_queries(self):
        make_guide(platform=self.platform)
        with self.assertNumQueries(5):  # platforms (count, page), guides, regions, site settings
            self.client.get("/en/")

    def test_region_names_are_translated(self):
        response = self.client.get("/en/")
        self.assertContains(response, "EU/EEA")

    def test_platform_page_lists_its_guides(self):
        other = make_guide(platform=make_platform(name="Other"), title_de="Andere Plattform")
        response = self.client.get("/de/linkedin/")
        self.assertContains(response, "<h1>LinkedIn</h1>", html=True)
        self.assertContains(response, "KI-Training abschalten")
        self.assertNotContains(response, "Andere Plattform")
        self.assertEqual(self.client.get(other.platform.get_absolute_url()).status_code, 200)

    def test_platform_page_runs_a_fixed_number_of_queries(self):
        make_guide(platform=self.platform)
        with self.assertNumQueries(5):  # platform, count, guides, regions, site settings
            self.client.get("/en/linkedin/")

    def test_unknown_platform_is_not_found(self):
        self.assertEqual(self.client.get("/de/nothing-here/").status_code, 404)


class LanguageSwitcherTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.guide = make_guide(slug="ki-training")

    def test_switcher_links_to_the_same_page_in_every_language(self):
        response = self.client.get("/de/linkedin/ki-training/?labels=en")
        for code in ("de", "en", "fr", "it"):
            self.assertContains(response, f'href="/{code}/linkedin/ki-training/?labels=en"')
        self.assertContains(response, 'lang="de" hreflang="de" aria-current="true">Deutsch</a>')

    def test_page_language_follows_the_path_not_a_cookie(self):
        response = self.client.get("/it/")
        self.assertContains(response, '<html lang="it">')
        self.assertContains(response, "Cerca nelle guide")
        self.assertEqual(response.cookies, {})

    def test_switcher_on_a_missing_page_leads_to_the_other_homes(self):
        response = self.client.get("/en/no/such/page/at/all/")
        self.assertEqual(response.status_code, 404)
        self.assertContains(response, 'href="/de/"', status_code=404)


class ErrorPageTests(TestCase):
    def test_404_page_is_in_the_site_style_and_language(self):
        response = self.client.get("/fr/does-not/exist/")
        self.assertContains(response, "Page introuvable", status_code=404)
        self.assertContains(response, '<html lang="fr">', status_code=404)
        self.assertContains(response, "/static/css/site.", status_code=404)

    def test_500_page_is_in_the_site_style_and_language(self):
        self.client.raise_request_exception = False
        with mock.patch("guides.views._listed_guides", side_effect=RuntimeError("boom")):
            response = self.client.get("/de/")
        self.assertContains(response, "Etwas ist schiefgegangen", status_code=500)
        self.assertContains(response, "/static/css/site.", status_code=500)


class ReaderPrivacyTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.guide = make_guide(slug="ki-training")
        draft = cls.guide.new_draft()
        draft.change_note_de = "Neu"
        draft.save()
        draft.publish()

    def _pages(self):
        base = "/de/linkedin/ki-training/"
        return [
            "/de/",
            "/de/linkedin/",
            base,
            base + "?labels=en",
            base + "history/",
            base + "compare/?from=1&to=2",
            base + "v1/",
            "/de/search/?q=anleitung",
            "/de/nope/",
        ]

    def test_reader_pages_set_no_cookies(self):
        for url in self._pages():
            with self.subTest(url=url):
                self.assertEqual(self.client.get(url).cookies, {})

    def test_reader_pages_do_not_vary_by_cookie_so_they_can_be_cached_whole(self):
        for url in self._pages():
            with self.subTest(url=url):
                self.assertNotIn("Cookie", self.client.get(url).get("Vary", ""))

    def test_reader_pages_have_no_inline_script_or_style(self):
        for url in self._pages():
            with self.subTest(url=url):
                self.assertEqual(inline_code(self.client.get(url).content.decode()), [])

    def test_inline_code_check_can_fail(self):
        html = '<p style="color:red" onclick="x()"></p><script>alert(1)</script><style></style>'
        self.assertEqual(len(inline_code(html)), 4)

    def test_csp_header_forbids_inline_code(self):
        response = self.client.get("/de/linkedin/ki-training/")
        csp = response["Content-Security-Policy"]
        self.assertIn("default-src 'self'", csp)
        self.assertNotIn("unsafe-inline", csp)

    def test_search_form_uses_get_and_has_no_csrf_token(self):
        response = self.client.get("/de/")
        self.assertContains(response, 'method="get"')
        self.assertNotContains(response, "csrfmiddlewaretoken")


class ReservedPlatformSlugTests(TestCase):
    def test_platform_slugs_that_name_fixed_pages_are_refused(self):
        for slug in ("search", "feed", "preview"):
            with self.subTest(slug=slug), self.assertRaises(ValidationError):
                Platform(name="X", slug=slug).full_clean()

    def test_ordinary_platform_slug_is_accepted(self):
        Platform(name="Pinterest", slug="pinterest").full_clean()

    @override_settings(ROOT_URLCONF="tests.urls_other_app")
    def test_pages_another_app_adds_under_the_language_are_reserved_too(self):
        for slug in ("imprint", "privacy", "about", "search"):
            with self.subTest(slug=slug), self.assertRaises(ValidationError):
                Platform(name="X", slug=slug).full_clean()


class PlatformOrderTests(TestCase):
    def test_guides_of_platforms_with_the_same_position_are_grouped(self):
        first, second = make_platform(name="Alpha"), make_platform(name="Beta")
        for position, platform in enumerate([first, second, first, second]):
            guide = make_guide(platform=platform)
            Guide.objects.filter(pk=guide.pk).update(position=position)
        response = self.client.get("/en/")
        self.assertContains(response, '<h2 id="platform-alpha">', count=1)
        self.assertContains(response, '<h2 id="platform-beta">', count=1)
