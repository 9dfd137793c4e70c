"""Found and shared: robots.txt, sitemap.xml, hreflang, canonical links, Open Graph."""

import re
from xml.etree import ElementTree

from django.db import connection
from django.test import TestCase, override_settings
from django.test.utils import CaptureQueriesContext

from branding.models import SiteSettings
from guides.models import Guide
from tests.helpers import make_guide, make_platform, make_user, publish_draft

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"
LANGUAGES = ["de", "en", "fr", "it"]


def _meta(html, name):
    """The content of <meta name|property="name">, or None."""
    found = re.search(rf'<meta (?:name|property)="{re.escape(name)}" content="([^"]*)"', html)
    return found and found.group(1)


def _links(html, rel):
    return re.findall(rf'<link rel="{rel}"(?: hreflang="([^"]+)")? href="([^"]+)"', html)


class RobotsTests(TestCase):
    def test_robots_keeps_crawlers_out_of_admin_previews_and_search(self):
        response = self.client.get("/robots.txt")
        self.assertEqual(response["Content-Type"], "text/plain; charset=utf-8")
        lines = response.content.decode().splitlines()
        self.assertIn("Disallow: /admin/", lines)
        for code in LANGUAGES:
            self.assertIn(f"Disallow: /{code}/search/", lines)
            self.assertIn(f"Disallow: /{code}/preview/", lines)
        self.assertNotIn("Disallow: /", lines)

    def test_robots_points_to_the_sitemap(self):
        self.assertContains(
            self.client.get("/robots.txt"), "Sitemap: http://testserver/sitemap.xml"
        )

    @override_settings(SITE_URL="https://optout.example.org")
    def test_robots_names_the_sitemap_on_the_site_url(self):
        response = self.client.get("/robots.txt")
        self.assertContains(response, "Sitemap: https://optout.example.org/sitemap.xml")

    def test_robots_is_cached_and_answers_304(self):
        first = self.client.get("/robots.txt")
        again = self.client.get("/robots.txt", HTTP_IF_NONE_MATCH=first["ETag"])
        self.assertEqual(again.status_code, 304)


class SitemapTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.guide = make_guide(slug="ki", title_de="KI-Training", title_en="AI training")
        make_guide(platform=cls.guide.platform, slug="entwurf", published=False)
        make_platform("Empty")

    def _urls(self):
        response = self.client.get("/sitemap.xml")
        self.assertEqual(response.status_code, 200)
        root = ElementTree.fromstring(response.content)
        return {
            url.findtext(f"{SITEMAP}loc"): {
                link.get("hreflang"): link.get("href") for link in url.findall(f"{XHTML}link")
            }
            for url in root.findall(f"{SITEMAP}url")
        }

    def test_sitemap_lists_home_and_platform_in_every_language(self):
        urls = self._urls()
        for code in LANGUAGES:
            self.assertIn(f"http://testserver/{code}/", urls)
            self.assertIn(f"http://testserver/{code}/linkedin/", urls)

    def test_sitemap_lists_a_guide_only_in_the_languages_it_is_written_in(self):
        guides = {url for url in self._urls() if url.endswith("/linkedin/ki/")}
        self.assertEqual(
            guides, {"http://testserver/de/linkedin/ki/", "http://testserver/en/linkedin/ki/"}
        )
        publish_draft(self.guide, title_fr="Entraînement de l'IA")
        self.assertIn("http://testserver/fr/linkedin/ki/", self._urls())

    def test_sitemap_leaves_out_drafts_and_platforms_without_guides(self):
        urls = " ".join(self._urls())
        self.assertNotIn("entwurf", urls)
        self.assertNotIn("/empty/", urls)

    def test_sitemap_gives_the_guides_languages_and_a_default_as_alternates(self):
        alternates = self._urls()["http://testserver/en/linkedin/ki/"]
        self.assertEqual(
            alternates,
            {
                "de": "http://testserver/de/linkedin/ki/",
                "en": "http://testserver/en/linkedin/ki/",
                "x-default": "http://testserver/de/linkedin/ki/",
            },
        )
        platform = self._urls()["http://testserver/fr/linkedin/"]
        self.assertEqual(set(platform), {*LANGUAGES, "x-default"})

    def test_sitemap_dates_a_guide_by_its_publication(self):
        response = self.client.get("/sitemap.xml")
        published = self.guide.published_version.published_at.date().isoformat()
        self.assertContains(response, f"<lastmod>{published}</lastmod>")

    @override_settings(SITE_URL="https://optout.example.org")
    def test_sitemap_uses_the_site_url(self):
        self.assertIn("https://optout.example.org/en/linkedin/ki/", self._urls())

    def test_a_new_guide_shows_in_the_cached_sitemap_at_once(self):
        self._urls()
        make_guide(platform=self.guide.platform, slug="neu")
        self.assertIn("http://testserver/de/linkedin/neu/", self._urls())

    def test_cached_addresses_follow_the_requests_host(self):
        self.client.get("/sitemap.xml")
        with self.settings(ALLOWED_HOSTS=["testserver", "other.example.org"]):
            response = self.client.get("/sitemap.xml", HTTP_HOST="other.example.org")
        self.assertContains(response, "http://other.example.org/de/linkedin/ki/")


class PageHeadTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.guide = make_guide(
            slug="ki",
            title_de="KI-Training",
            title_en="AI training",
            summary_de="Abschalten.",
            summary_en="Switch it off.",
        )

    def _html(self, path):
        response = self.client.get(path)
        self.assertEqual(response.status_code, 200)
        return response.content.decode()

    def test_home_and_platform_name_themselves_in_every_language(self):
        for path in ("/en/", "/en/linkedin/"):
            with self.subTest(path):
                alternates = dict(_links(self._html(path), "alternate"))
                suffix = path.removeprefix("/en")
                for code in LANGUAGES:
                    self.assertEqual(alternates[code], f"http://testserver/{code}{suffix}")
                self.assertEqual(alternates["x-default"], f"http://testserver/de{suffix}")

    def test_a_guide_names_itself_only_in_the_languages_it_is_written_in(self):
        # Its French and Italian pages show the English title and name the English page as
        # canonical: listing them as alternates would contradict that.
        for path in ("/fr/linkedin/ki/", "/en/linkedin/ki/history/"):
            with self.subTest(path):
                alternates = dict(_links(self._html(path), "alternate"))
                suffix = path.removeprefix(path[:3])
                self.assertEqual(
                    alternates,
                    {
                        "de": f"http://testserver/de{suffix}",
                        "en": f"http://testserver/en{suffix}",
                        "x-default": f"http://testserver/de{suffix}",
                    },
                )

    def test_alternates_leave_out_the_query_string(self):
        alternates = dict(_links(self._html("/en/linkedin/ki/?labels=de"), "alternate"))
        self.assertEqual(alternates["de"], "http://testserver/de/linkedin/ki/")

    def test_home_platform_history_and_guide_have_a_canonical_link(self):
        for path in ("/it/", "/it/linkedin/", "/en/linkedin/ki/history/", "/en/linkedin/ki/"):
            with self.subTest(path):
                canonical = _links(self._html(path), "canonical")
                self.assertEqual(canonical, [("", f"http://testserver{path}")])

    def test_a_guide_shown_in_fallback_text_is_canonical_in_that_language(self):
        canonical = _links(self._html("/fr/linkedin/ki/"), "canonical")
        self.assertEqual(canonical, [("", "http://testserver/en/linkedin/ki/")])
        canonical = _links(self._html("/fr/linkedin/ki/history/"), "canonical")
        self.assertEqual(canonical, [("", "http://testserver/en/linkedin/ki/history/")])

    def test_an_archived_version_has_no_canonical_link(self):
        draft = self.guide.new_draft()
        draft.change_note_de = "Neu."
        draft.save()
        draft.publish()
        html = self._html("/de/linkedin/ki/v1/")
        self.assertEqual(_links(html, "canonical"), [])
        self.assertEqual(_meta(html, "robots"), "noindex")

    def test_a_shared_guide_link_previews_with_title_and_summary(self):
        html = self._html("/en/linkedin/ki/")
        self.assertEqual(_meta(html, "og:title"), "AI training")
        self.assertEqual(_meta(html, "og:description"), "Switch it off.")
        self.assertEqual(_meta(html, "description"), "Switch it off.")
        self.assertEqual(_meta(html, "og:type"), "article")
        self.assertEqual(_meta(html, "og:url"), "http://testserver/en/linkedin/ki/")
        self.assertEqual(_meta(html, "og:site_name"), "Opt-out Guides")
        self.assertIsNone(_meta(html, "og:image"))

    def test_og_site_name_is_the_organisations(self):
        SiteSettings.objects.create(pk=SiteSettings.SINGLE_PK, name="Betriebsrat Beispiel")
        self.assertEqual(_meta(self._html("/de/"), "og:site_name"), "Betriebsrat Beispiel")

    @override_settings(SITE_URL="https://optout.example.org")
    def test_the_logo_is_the_preview_image_on_the_site_url(self):
        SiteSettings.objects.create(pk=SiteSettings.SINGLE_PK, logo="branding/abc.png")
        image = _meta(self._html("/de/"), "og:image")
        self.assertEqual(image, "https://optout.example.org/media/branding/abc.png")

    def test_every_reader_page_has_a_description(self):
        paths = (
            "/de/",
            "/de/linkedin/",
            "/de/linkedin/ki/history/",
            "/de/search/?q=ki",
            "/de/linkedin/ki/report/",
            "/de/imprint/",
        )
        for path in paths:
            with self.subTest(path):
                html = self._html(path)
                self.assertTrue(_meta(html, "description"))
                self.assertTrue(_meta(html, "og:title"))
                self.assertEqual(html.count('<meta name="description"'), 1)

    def test_an_editors_preview_is_not_indexed(self):
        draft = self.guide.new_draft()
        self.client.force_login(make_user(is_superuser=True))
        html = self._html(f"/de/preview/{draft.pk}/")
        self.assertEqual(_meta(html, "robots"), "noindex")
        self.assertEqual(_links(html, "canonical"), [])


@override_settings(PAGE_CACHE=False)  # the rendering itself, as on a cache miss
class SitemapQueryTests(TestCase):
    def test_the_sitemap_takes_the_same_queries_for_three_guides_as_for_thirty(self):
        platform = make_platform()
        counts = []
        for total in (3, 30):
            while Guide.objects.count() < total:
                make_guide(platform=platform, steps=1)
            with CaptureQueriesContext(connection) as queries:
                self.assertEqual(self.client.get("/sitemap.xml").status_code, 200)
            counts.append(len(queries))
        # A fixed number for the three sections (home, platforms, guides), whatever their size.
        self.assertEqual(counts, [6, 6])
