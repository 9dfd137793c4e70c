"""What readers see of the organisation: name, logo, colour, home intro, footer, legal pages."""

from unittest import mock
from xml.etree import ElementTree

from django.core import checks
from django.test import TestCase, override_settings

from branding.models import SiteSettings
from tests.helpers import TemporaryMediaMixin, make_guide, make_user, publish_draft
from tests.reader_helpers import inline_code
from tests.test_branding_settings import _png

ATOM = "{http://www.w3.org/2005/Atom}"


class _ReaderPagesMixin:
    @classmethod
    def setUpTestData(cls):
        cls.guide = make_guide(slug="ki", title_de="KI-Training", title_en="AI training")
        publish_draft(cls.guide)
        cls.draft = cls.guide.new_draft()
        cls.staff = make_user()

    def reader_pages(self, language="de"):
        guide = f"/{language}/linkedin/ki/"
        return {
            "home": f"/{language}/",
            "platform": f"/{language}/linkedin/",
            "guide": guide,
            "archived": guide + "v1/",
            "history": guide + "history/",
            "compare": guide + "compare/?from=1&to=2",
            "compare-same": guide + "compare/?from=1&to=1",
            "search": f"/{language}/search/?q=ki",
            "preview": f"/{language}/preview/{self.draft.pk}/",
            "imprint": f"/{language}/imprint/",
            "privacy": f"/{language}/privacy/",
            "not found": f"/{language}/no/such/page/",
        }

    def get_every_page(self, language="de"):
        self.client.force_login(self.staff)  # for the preview
        for name, url in self.reader_pages(language).items():
            response = self.client.get(url)
            self.assertEqual(response.status_code, 404 if name == "not found" else 200, url)
            yield name, response


class FooterTests(_ReaderPagesMixin, TestCase):
    def test_every_reader_page_links_imprint_and_privacy_in_its_language(self):
        for language, imprint, privacy in (("de", "Impressum", "Datenschutz"),
                                           ("en", "Imprint", "Privacy")):  # fmt: skip
            for name, response in self.get_every_page(language):
                with self.subTest(language=language, page=name):
                    html = response.text
                    self.assertInHTML(f'<a href="/{language}/imprint/">{imprint}</a>', html)
                    self.assertInHTML(f'<a href="/{language}/privacy/">{privacy}</a>', html)

    def test_the_contact_is_linked_when_set(self):
        response = self.client.get("/de/")
        self.assertNotContains(response, "Kontakt</a>")
        SiteSettings.objects.create(contact="betriebsrat@example.org")
        response = self.client.get("/de/")
        self.assertContains(response, '<a href="mailto:betriebsrat@example.org">Kontakt</a>',
                            html=True)  # fmt: skip

    def test_the_server_error_page_keeps_its_footer_without_a_request_context(self):
        self.client.raise_request_exception = False
        with mock.patch("guides.views._listed_guides", side_effect=RuntimeError("test")):
            response = self.client.get("/de/")
        self.assertEqual(response.status_code, 500)
        self.assertContains(response, "Opt-out Guides", status_code=500)
        self.assertContains(response, 'href="/de/imprint/"', status_code=500)


class NameLogoColourTests(TemporaryMediaMixin, _ReaderPagesMixin, TestCase):
    def test_without_settings_the_site_keeps_its_default_name_and_colour(self):
        response = self.client.get("/en/")
        self.assertContains(response, "<title>Opt-out Guides</title>")
        self.assertContains(response, 'class="site-name"')
        stylesheet = self.client.get("/branding.css")
        self.assertContains(stylesheet, "--accent: #0b3d91;")

    def test_the_site_name_is_in_every_title_and_the_header(self):
        SiteSettings.objects.create(name="Betriebsrat Beispiel")
        for name, response in self.get_every_page():
            with self.subTest(page=name):
                self.assertRegex(response.text, r"<title>[^<]*Betriebsrat Beispiel</title>")
                self.assertInHTML(
                    '<a class="site-name" href="/de/">Betriebsrat Beispiel</a>', response.text
                )

    def test_the_feed_is_titled_with_the_site_name(self):
        SiteSettings.objects.create(name="Betriebsrat Beispiel")
        feed = ElementTree.fromstring(self.client.get("/en/feed/").content)
        self.assertEqual(
            feed.findtext(f"{ATOM}title"), "Betriebsrat Beispiel: new and updated guides"
        )
        self.assertEqual(feed.findtext(f"{ATOM}author/{ATOM}name"), "Betriebsrat Beispiel")

    def test_the_logo_is_shown_with_its_size_and_the_name_as_alt_text(self):
        site = SiteSettings(name="Betriebsrat Beispiel")
        site.store_logo(_png(size=(120, 40)))
        site.save()
        response = self.client.get("/de/linkedin/ki/")
        self.assertContains(
            response,
            f'<img class="site-logo" src="/media/{site.logo.name}" width="120" height="40" '
            'alt="Betriebsrat Beispiel">',
            html=True,
        )

    def test_the_accent_colour_comes_from_a_stylesheet_linked_after_the_main_one(self):
        SiteSettings.objects.create(accent="#6b1d1d")
        html = self.client.get("/de/").text
        version = SiteSettings.current().stylesheet_version
        link = f'<link rel="stylesheet" href="/branding.css?v={version}">'
        self.assertIn(link, html)
        self.assertGreater(html.index(link), html.index("/static/css/site"))
        stylesheet = self.client.get(f"/branding.css?v={version}")
        self.assertEqual(stylesheet["Content-Type"], "text/css; charset=utf-8")
        self.assertContains(stylesheet, "--accent: #6b1d1d;")
        self.assertEqual(stylesheet["Cache-Control"], "public, max-age=31536000, immutable")

    def test_a_changed_colour_shows_on_the_next_request_under_a_new_address(self):
        SiteSettings.objects.create(accent="#6b1d1d")
        old = SiteSettings.current().stylesheet_version
        SiteSettings.objects.update(accent="#0b3d91")
        self.assertNotIn(old, self.client.get("/de/").text)
        stale = self.client.get(f"/branding.css?v={old}")
        self.assertContains(stale, "--accent: #0b3d91;")
        self.assertEqual(stale["Cache-Control"], "no-cache")

    def test_a_colour_stored_outside_the_admin_never_reaches_the_css_unchecked(self):
        SiteSettings.objects.create()
        SiteSettings.objects.update(accent="red;}a{")
        self.assertContains(self.client.get("/branding.css"), "--accent: #0b3d91;")

    def test_the_colour_leaves_the_printed_page_black(self):
        self.assertContains(self.client.get("/branding.css"), "@media screen")

    def test_no_page_has_inline_styles_or_scripts(self):
        site = SiteSettings(name="Betriebsrat", accent="#6b1d1d", contact="https://example.org/",
                            intro_de="Hallo", imprint_de="Impressum")  # fmt: skip
        site.store_logo(_png())
        site.save()
        for name, response in self.get_every_page():
            with self.subTest(page=name):
                self.assertEqual(inline_code(response.text), [])


class HomeIntroTests(TestCase):
    def test_the_introduction_is_shown_above_the_guides_in_the_page_language(self):
        make_guide(title_de="KI-Training")
        SiteSettings.objects.create(
            intro_de="Ihr Betriebsrat empfiehlt diese drei Einstellungen.\n\n"
            "Fragen? Schreiben Sie uns.",
            intro_en="Your works council recommends these three settings.",
        )
        html = self.client.get("/de/").text
        self.assertInHTML(
            '<div class="intro"><p>Ihr Betriebsrat empfiehlt diese drei Einstellungen.</p>'
            "<p>Fragen? Schreiben Sie uns.</p></div>",
            html,
        )
        self.assertLess(html.index("Ihr Betriebsrat"), html.index('<article class="card">'))
        self.assertContains(self.client.get("/en/"), "Your works council recommends")

    def test_a_missing_translation_falls_back_and_is_marked_with_its_language(self):
        SiteSettings.objects.create(intro_de="Ihr Betriebsrat empfiehlt das.")
        self.assertContains(self.client.get("/fr/"), '<div class="intro" lang="de">')

    def test_no_introduction_no_box(self):
        self.assertNotContains(self.client.get("/de/"), 'class="intro"')

    def test_the_introduction_is_plain_text(self):
        SiteSettings.objects.create(intro_de="<b>fett</b>")
        self.assertContains(self.client.get("/de/"), "&lt;b&gt;fett&lt;/b&gt;")


class ImprintPageTests(TestCase):
    def test_the_imprint_is_shown_per_language(self):
        SiteSettings.objects.create(
            imprint_de="Betriebsrat Beispiel GmbH\nMusterstraße 1", imprint_en="Works council"
        )
        de = self.client.get("/de/imprint/")
        self.assertContains(de, "<h1>Impressum</h1>", html=True)
        self.assertContains(de, "<p>Betriebsrat Beispiel GmbH<br>Musterstraße 1</p>", html=True)
        self.assertContains(self.client.get("/en/imprint/"), "Works council")

    def test_a_missing_translation_falls_back_to_german_marked_as_german(self):
        SiteSettings.objects.create(imprint_de="Betriebsrat Beispiel")
        response = self.client.get("/it/imprint/")
        self.assertContains(response, '<div class="legal-text" lang="de">')
        self.assertContains(response, "Betriebsrat Beispiel")

    def test_without_an_imprint_the_page_says_so(self):
        response = self.client.get("/en/imprint/")
        self.assertContains(response, "The operator of this site has not published an imprint yet.")

    def test_addresses_become_links_and_markup_stays_text(self):
        SiteSettings.objects.create(
            imprint_de="E-Mail: br@example.org, Web: https://example.org/\n<script>x</script>"
        )
        response = self.client.get("/de/imprint/")
        self.assertContains(response, '<a href="mailto:br@example.org">br@example.org</a>')
        self.assertContains(response, 'href="https://example.org/"')
        self.assertContains(response, "&lt;script&gt;x&lt;/script&gt;")

    def test_the_language_switcher_stays_on_the_imprint(self):
        response = self.client.get("/de/imprint/")
        self.assertContains(response, 'href="/en/imprint/"')
        self.assertContains(response, 'href="/fr/privacy/"', count=0)
        self.assertContains(response, 'href="/fr/imprint/"')

    def test_the_imprint_page_runs_one_query(self):
        SiteSettings.objects.create(imprint_de="Betriebsrat Beispiel", name="BR")
        with self.assertNumQueries(1):
            self.client.get("/de/imprint/")

    def test_only_get_and_head_are_answered(self):
        self.assertEqual(self.client.post("/de/imprint/").status_code, 405)


class PrivacyPageTests(TestCase):
    def test_the_organisations_own_statement_is_shown(self):
        SiteSettings.objects.create(
            privacy_de="Wir speichern nichts.", privacy_en="We store nothing."
        )
        response = self.client.get("/de/privacy/")
        self.assertContains(response, "<h1>Datenschutzerklärung</h1>", html=True)
        self.assertContains(response, "Wir speichern nichts.")
        self.assertNotContains(response, "[Name der Organisation]")
        self.assertContains(self.client.get("/en/privacy/"), "We store nothing.")

    def test_without_a_statement_the_template_is_shown_marked_as_not_adapted(self):
        de = self.client.get("/de/privacy/")
        self.assertContains(de, "noch keine eigene Datenschutzerklärung")
        self.assertContains(de, "[Name der Organisation] betreibt diese Website")
        self.assertContains(de, "setzt für Leserinnen und Leser keine Cookies")
        en = self.client.get("/en/privacy/")
        self.assertContains(en, "has not written its own privacy statement yet")
        self.assertContains(en, "The website sets no cookies for readers")

    def test_french_and_italian_readers_get_the_english_template_marked_as_english(self):
        response = self.client.get("/fr/privacy/")
        self.assertContains(response, '<div class="legal-text" lang="en">')
        self.assertContains(response, "[Name of the organisation]")

    def test_a_statement_in_german_only_falls_back_like_the_guides(self):
        SiteSettings.objects.create(privacy_de="Wir speichern nichts.")
        response = self.client.get("/en/privacy/")
        self.assertContains(response, '<div class="legal-text" lang="de">')
        self.assertNotContains(response, "[Name of the organisation]")


class ImprintCheckTests(TestCase):
    databases = {"default"}

    def _warnings(self):
        issues = checks.run_checks(tags=[checks.Tags.database], databases=["default"])
        return [issue.id for issue in issues if issue.id.startswith("branding.")]

    @override_settings(DEBUG=False)
    def test_production_without_an_imprint_is_warned(self):
        self.assertEqual(self._warnings(), ["branding.W001"])

    @override_settings(DEBUG=False)
    def test_an_imprint_in_any_language_silences_the_warning(self):
        SiteSettings.objects.create(imprint_en="Works council")
        self.assertEqual(self._warnings(), [])

    @override_settings(DEBUG=True)
    def test_development_is_not_warned(self):
        self.assertEqual(self._warnings(), [])
