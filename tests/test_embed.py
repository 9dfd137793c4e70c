"""The embeddable view of a guide: steps only, framed only by the origins the operator lists."""

import os
import subprocess
import sys
from pathlib import Path

from django.test import TestCase, override_settings
from django.utils import timezone

from branding.models import SiteSettings
from guides.models import FormerAddress, Step
from tests.helpers import (
    TemporaryMediaMixin,
    add_step,
    forget_kept_parts,
    make_guide,
    make_screenshot,
)

EMBED = "/de/linkedin/ki/embed/"
INTRANET = ["https://intranet.example.org", "https://wiki.example.org:8443"]
ROOT = Path(__file__).resolve().parent.parent


@override_settings(EMBED_FRAME_ANCESTORS=INTRANET)
class EmbedTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.guide = make_guide(slug="ki", title_de="KI-Training abschalten")

    def test_embed_shows_the_steps_without_site_chrome(self):
        response = self.client.get(EMBED)
        self.assertContains(response, "KI-Training abschalten")
        self.assertContains(response, "Schritt 1")
        self.assertContains(response, "Einstellungen")
        self.assertNotContains(response, 'role="search"')
        self.assertNotContains(response, "site-footer")
        self.assertNotContains(response, "<nav")

    def test_embed_carries_the_organisations_name_and_colour(self):
        SiteSettings.objects.create(pk=SiteSettings.SINGLE_PK, name="Betriebsrat", accent="#6b1d1d")
        response = self.client.get(EMBED)
        self.assertContains(response, "Betriebsrat")
        self.assertContains(response, "/branding.css?v=")

    def test_embed_links_to_the_whole_guide_in_a_new_window(self):
        response = self.client.get(EMBED)
        self.assertContains(
            response, 'href="http://testserver/de/linkedin/ki/" target="_blank" rel="noopener"'
        )

    def test_embed_is_framed_only_by_the_listed_origins(self):
        response = self.client.get(EMBED)
        self.assertIn(
            "frame-ancestors https://intranet.example.org https://wiki.example.org:8443",
            response["Content-Security-Policy"],
        )
        self.assertIn("script-src 'self'", response["Content-Security-Policy"])
        self.assertNotIn("X-Frame-Options", response)

    def test_a_cached_embed_keeps_its_frame_ancestors(self):
        first = self.client.get(EMBED)
        again = self.client.get(EMBED)
        self.assertEqual(first["ETag"], again["ETag"])
        self.assertIn("frame-ancestors https://intranet", again["Content-Security-Policy"])
        self.assertNotIn("X-Frame-Options", again)

    def test_every_other_page_still_refuses_frames(self):
        for path in ("/de/linkedin/ki/", "/de/", "/de/feed/", "/de/linkedin/nope/embed/"):
            with self.subTest(path):
                response = self.client.get(path)
                self.assertIn("frame-ancestors 'none'", response["Content-Security-Policy"])
                self.assertEqual(response["X-Frame-Options"], "DENY")

    def test_embed_is_not_indexed(self):
        self.assertContains(self.client.get(EMBED), '<meta name="robots" content="noindex">')

    def test_embed_of_a_draft_only_guide_is_not_found(self):
        draft_only = make_guide(platform=self.guide.platform, published=False)
        self.assertEqual(self.client.get(f"/de/linkedin/{draft_only.slug}/embed/").status_code, 404)

    def test_embed_under_a_former_address_moves_to_the_current_one(self):
        FormerAddress.objects.create(
            platform=self.guide.platform,
            guide=self.guide,
            platform_slug="linkedin",
            guide_slug="alt",
        )
        response = self.client.get("/de/linkedin/alt/embed/")
        self.assertRedirects(response, EMBED, status_code=301)

    def test_embed_is_in_the_readers_language(self):
        response = self.client.get("/en/linkedin/ki/embed/")
        self.assertContains(response, '<html lang="en">')
        self.assertContains(response, "Step 1")


def _steps(html):
    """The steps part of a page: from the device choice to the last list of steps."""
    start = html.index('<p class="device-question')
    return html[start : html.index("</ol>\n</section>", html.rindex('class="device-panel"'))]


@override_settings(EMBED_FRAME_ANCESTORS=INTRANET)
class EmbedStepsTests(TemporaryMediaMixin, TestCase):
    """The embed shows the guide page's steps, from the same templates."""

    @classmethod
    def setUpTestData(cls):
        guide = make_guide(slug="ki", steps=0, published=False)
        add_step(
            guide.draft,
            device=Step.Device.APP,
            instruction_de="Tippen Sie auf {1}, dann auf {2}. Stellen Sie ihn auf {target}.",
            screenshot_de=make_screenshot(color="red"),
            screenshot_alt_de="Das Menü Datenschutz mit dem Schalter",
        )
        add_step(guide.draft, position=2, device=Step.Device.DESKTOP, target_value_de="Nie")
        guide.draft.publish()
        guide.refresh_from_db()
        cls.desktop_step = guide.published_version.steps.get(position=2)
        cls.desktop_step.mark_verified(on=timezone.localdate())

    def setUp(self):
        self.page = self.client.get("/de/linkedin/ki/").content.decode()
        self.embed = self.client.get(EMBED).content.decode()

    def test_the_embed_shows_what_the_guide_pages_steps_show(self):
        for shown in (
            "Tippen Sie auf „Einstellungen“, dann auf „Datenschutz“.",  # placeholders filled in
            '<strong class="target-value">Nie</strong>',  # the value to set
            'alt="Das Menü Datenschutz mit dem Schalter"',  # a screenshot with its description
            "Schritt am Desktop geprüft am",  # a step's check
            "Wo möchten Sie es ändern?",  # the choice of device
            "Einstellung bei LinkedIn öffnen",  # the deep link
        ):
            with self.subTest(shown):
                self.assertIn(shown, self.page)
                self.assertIn(shown, self.embed)

    def test_the_embeds_steps_are_the_guide_pages_but_for_links_opening_a_new_window(self):
        embedded = _steps(self.embed).replace(' target="_blank" rel="noopener"', "")
        self.assertEqual(embedded, _steps(self.page))

    def test_links_that_leave_the_embed_open_a_new_window(self):
        report = f"/de/linkedin/ki/report/?step={self.desktop_step.key}"
        self.assertIn(f'href="{report}" target="_blank" rel="noopener"', self.embed)
        self.assertIn(f'href="{report}">', self.page)
        self.assertIn(
            'href="https://www.example.com/settings" target="_blank" rel="noopener noreferrer"',
            self.embed,
        )

    def test_the_embed_loads_the_script_of_the_device_choice_and_checklist(self):
        self.assertIn("/static/js/reader", self.embed)
        self.assertNotIn("<script>", self.embed)


class EmbedOffTests(TestCase):
    @override_settings(EMBED_FRAME_ANCESTORS=[])
    def test_without_listed_origins_there_is_no_embed(self):
        make_guide(slug="ki")
        response = self.client.get(EMBED)
        self.assertEqual(response.status_code, 404)
        self.assertIn("frame-ancestors 'none'", response["Content-Security-Policy"])


def _origins(value):
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "from django.conf import settings; print(settings.EMBED_FRAME_ANCESTORS)",
        ],
        cwd=ROOT,
        env={
            "PATH": os.environ["PATH"],
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DJANGO_DEBUG": "1",
            "EMBED_FRAME_ANCESTORS": value,
        },
        capture_output=True,
        text=True,
        timeout=60,
    )


class EmbedSettingTests:
    def test_origins_may_be_separated_by_spaces_or_commas(self):
        result = _origins("https://a.example.org, https://b.example.org:8443 http://127.0.0.1:8106")
        assert result.returncode == 0, result.stderr
        assert result.stdout.split("\n")[0] == (
            "['https://a.example.org', 'https://b.example.org:8443', 'http://127.0.0.1:8106']"
        )

    def test_an_address_with_a_path_is_refused_by_name(self):
        result = _origins("https://intranet.example.org/wiki/")
        assert result.returncode != 0
        assert "EMBED_FRAME_ANCESTORS" in result.stderr
        assert "'https://intranet.example.org/wiki/'" in result.stderr


@override_settings(EMBED_FRAME_ANCESTORS=INTRANET, PAGE_CACHE=False)
class EmbedQueryTests(TestCase):
    def test_an_embed_with_fifty_steps_takes_as_many_queries_as_one_with_two(self):
        make_guide(slug="two", steps=2)
        make_guide(slug="fifty", steps=50)
        for url in ("/de/linkedin/two/embed/", "/de/linkedin/fifty/embed/"):
            forget_kept_parts()
            with self.subTest(url=url), self.assertNumQueries(4):
                self.client.get(url)
