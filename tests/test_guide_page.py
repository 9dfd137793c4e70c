import datetime

from django.test import TestCase, override_settings
from django.utils import timezone

from guides.models import Step
from tests.helpers import (
    TemporaryMediaMixin,
    add_step,
    forget_kept_parts,
    make_guide,
    make_platform,
    make_region,
    make_screenshot,
    make_user,
    publish_draft,
)


def _page(guide, language="de"):
    return f"/{language}/{guide.platform.slug}/{guide.slug}/"


class GuidePageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.platform = make_platform()
        cls.guide = make_guide(
            platform=cls.platform,
            slug="ki-training",
            steps=0,
            published=False,
            title_de="KI-Training abschalten",
            title_en="Turn off AI training",
            summary_de="Profildaten für generative KI.",
            context_de=(
                "Abschalten wirkt nicht rückwirkend.\n\nPrivate Nachrichten sind nicht betroffen."
            ),
            check_text_de="Der Eintrag zeigt jetzt „Aus“.",
            deep_link="https://www.linkedin.com/mypreferences/d/settings/data-for-ai-improvement",
            minutes=3,
        )
        cls.guide.regions.add(make_region())
        draft = cls.guide.draft
        add_step(
            draft,
            1,
            device=Step.Device.APP,
            instruction_de="Tippen Sie oben links auf Ihr Profilbild.",
        )
        add_step(
            draft,
            2,
            device=Step.Device.DESKTOP,
            instruction_de="Klicken Sie oben rechts auf „Ich“.",
        )
        add_step(
            draft,
            3,
            instruction_de="Schalten Sie den Schalter aus.",
            menu_path_de="Datenschutz › Daten zur Verbesserung generativer KI",
            menu_path_en="Data privacy › Data for Generative AI Improvement",
            needs_confirmation=True,
        )
        draft.publish()
        cls.guide.refresh_from_db()

    def test_guide_page_shows_title_summary_context_and_regions(self):
        response = self.client.get(_page(self.guide))
        self.assertContains(response, "<h1>KI-Training abschalten</h1>", html=True)
        self.assertContains(response, "Profildaten für generative KI.")
        self.assertContains(response, "<p>Private Nachrichten sind nicht betroffen.</p>", html=True)
        self.assertContains(response, "EU/EWR")
        self.assertContains(response, "etwa 3 Minuten")

    def test_settings_link_comes_before_the_caveats_and_the_caveats_before_the_steps(self):
        html = self.client.get(_page(self.guide)).content.decode()
        link = html.index("Einstellung bei LinkedIn öffnen")
        background = html.index("<summary>Bevor Sie beginnen: Hintergrund</summary>")
        steps = html.index('id="steps-heading"')
        self.assertLess(link, background)
        self.assertLess(background, steps)
        self.assertLess(html.index("EU/EWR"), link)  # what decides whether it applies stays first
        self.assertIn("Abschalten wirkt nicht rückwirkend.", html[background:steps])

    def test_steps_are_listed_per_device_and_shared_steps_appear_in_both(self):
        response = self.client.get(_page(self.guide))
        html = response.content.decode()
        app = html[html.index('id="steps-app"') : html.index('id="steps-desktop"')]
        desktop = html[html.index('id="steps-desktop"') :]
        self.assertIn("Tippen Sie oben links", app)
        self.assertNotIn("Klicken Sie oben rechts", app)
        self.assertIn("Klicken Sie oben rechts", desktop)
        self.assertIn("Schalten Sie den Schalter aus.", app)
        self.assertIn("Schalten Sie den Schalter aus.", desktop)
        # Without JavaScript the device choice is two anchors to the two lists.
        self.assertContains(response, 'href="#steps-app"')
        self.assertContains(response, 'href="#steps-desktop"')

    def test_guide_with_only_shared_steps_has_no_device_choice(self):
        guide = make_guide(platform=self.platform, steps=2)
        response = self.client.get(_page(guide))
        self.assertNotContains(response, "data-tabs")
        self.assertContains(response, 'id="steps-both"')

    def test_guide_with_desktop_steps_only_has_no_empty_app_list(self):
        guide = make_guide(platform=self.platform, steps=0, published=False)
        add_step(guide.draft, 1, device=Step.Device.DESKTOP)
        add_step(guide.draft, 2, device=Step.Device.DESKTOP)
        guide.draft.publish()

        response = self.client.get(_page(guide))

        self.assertNotContains(response, "data-tabs")
        self.assertNotContains(response, 'id="steps-app"')
        self.assertContains(response, "Schritte am Computer")
        self.assertContains(response, "bisher nur Schritte für den Computer")

    def test_menu_path_is_a_breadcrumb_and_the_target_value_stands_out(self):
        response = self.client.get(_page(self.guide))
        self.assertContains(
            response,
            '<ol class="menu-path" aria-label="Menüpfad"><li>Datenschutz</li>'
            "<li>Daten zur Verbesserung generativer KI</li></ol>",
            html=True,
        )
        self.assertContains(response, '<strong class="target-value">Aus</strong>', html=True)

    def test_unconfirmed_step_is_marked(self):
        response = self.client.get(_page(self.guide, "en"))
        self.assertContains(response, "Not yet confirmed: this step may look different", count=2)

    def test_deep_link_sources_check_text_and_history_link_are_shown(self):
        response = self.client.get(_page(self.guide, "en"))
        self.assertContains(response, 'href="https://www.linkedin.com/mypreferences/d/settings/')
        self.assertContains(response, "Open the setting on LinkedIn")
        self.assertContains(response, 'href="https://example.com/article"')
        self.assertContains(response, "How to check it worked")
        self.assertContains(response, f'href="/en/linkedin/{self.guide.slug}/history/"')

    def test_each_step_has_a_checkbox_for_the_browser_only_checklist(self):
        response = self.client.get(_page(self.guide, "en"))
        step = self.guide.published_version.steps.get(position=3)
        self.assertContains(response, f'data-step="{self.guide.pk}:{step.key}"', count=2)

    def test_labels_parameter_switches_menu_labels_but_not_instructions(self):
        response = self.client.get(_page(self.guide) + "?labels=en")
        self.assertContains(response, "Schalten Sie den Schalter aus.")
        self.assertContains(response, "<li>Data privacy</li>", html=True)
        self.assertContains(response, '<ol class="menu-path" aria-label="Menüpfad" lang="en">')
        self.assertContains(response, '<strong class="target-value" lang="en">Off</strong>')
        self.assertContains(response, "die Anleitungstexte nennen die Beschriftungen weiterhin")
        page_labels = self.client.get(_page(self.guide))
        self.assertNotContains(page_labels, "die Anleitungstexte nennen")

    def test_labels_choice_links_keep_the_page_language(self):
        response = self.client.get(_page(self.guide))
        self.assertContains(response, 'href="?labels=en#steps"')
        response = self.client.get(_page(self.guide) + "?labels=en")
        self.assertContains(response, 'href="?#steps"')

    def test_unknown_labels_parameter_is_ignored(self):
        response = self.client.get(_page(self.guide) + "?labels=xx")
        self.assertContains(response, "<li>Datenschutz</li>", html=True)

    def test_page_sets_no_cookie(self):
        response = self.client.get(_page(self.guide))
        self.assertEqual(response.cookies, {})

    def test_draft_only_guide_is_not_found(self):
        guide = make_guide(platform=self.platform, published=False)
        self.assertEqual(self.client.get(_page(guide)).status_code, 404)


class LanguageFallbackTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.guide = make_guide(steps=1, title_en="Turn it off", summary_en="English summary")

    def test_missing_french_text_falls_back_to_english_with_notice_and_lang(self):
        response = self.client.get(_page(self.guide, "fr"))
        self.assertContains(response, '<h1 lang="en">Turn it off</h1>')
        self.assertContains(response, "pas encore disponible en français")

    def test_partly_translated_guide_names_the_fallback_language(self):
        version = self.guide.new_draft()
        version.title_fr = "Désactiver"
        version.summary_fr = "Résumé"
        version.change_note_de = "Französisch ergänzt."
        version.save()
        version.publish()
        response = self.client.get(_page(self.guide, "fr"))
        self.assertContains(response, "<h1>Désactiver</h1>", html=True)
        self.assertContains(response, '<p class="instruction" lang="en">Step 1</p>')
        self.assertContains(response, "Certaines parties")

    def test_complete_translation_shows_no_notice(self):
        response = self.client.get(_page(self.guide, "de"))
        self.assertNotContains(response, "notice-language")
        self.assertNotContains(response, '<p class="instruction" lang=')
        self.assertNotContains(response, "<h1 lang=")


class StaleNoticeTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.guide = make_guide()

    def test_fresh_guide_shows_its_verification_date_without_notice(self):
        response = self.client.get(_page(self.guide, "en"))
        self.assertContains(response, "Last verified")
        self.assertNotContains(response, "notice-warning")

    def test_the_verification_date_names_its_month_as_each_language_writes_it(self):
        self.guide.refresh_from_db()
        self.guide.published_version.mark_verified(on=datetime.date(2025, 10, 29))
        expected = {
            "de": "29. Oktober 2025", "en": "29 October 2025",
            "fr": "29 octobre 2025", "it": "29 ottobre 2025",
        }  # fmt: skip
        for language, date in expected.items():
            with self.subTest(language):
                self.assertContains(self.client.get(_page(self.guide, language)), date)

    @override_settings(STALE_AFTER_DAYS=30)
    def test_guide_not_checked_for_longer_than_configured_days_shows_a_notice(self):
        old = timezone.localdate() - datetime.timedelta(days=31)
        self.guide.refresh_from_db()
        self.guide.published_version.mark_verified(on=old)
        response = self.client.get(_page(self.guide, "en"))
        self.assertContains(response, "for more than 30 days")
        self.assertContains(response, f'<time datetime="{old:%Y-%m-%d}">')


class ScreenshotTests(TemporaryMediaMixin, TestCase):
    def test_screenshots_have_size_alt_text_and_load_lazily_after_the_first(self):
        guide = make_guide(steps=0, published=False)
        first = make_screenshot(size=(120, 80))
        second = make_screenshot(size=(120, 80), color="blue")
        add_step(guide.draft, screenshot_de=first, screenshot_alt_de="Das Menü Ich")
        add_step(guide.draft, position=2, screenshot_de=second, screenshot_alt_de="Der Schalter")
        guide.draft.publish()
        response = self.client.get(_page(guide))
        sizes = "(max-width: 48rem) calc(100vw - 2rem), 46rem"
        self.assertContains(
            response,
            f'<img src="{first.file.url}" srcset="{first.file.url} 120w" sizes="{sizes}" '
            'width="120" height="80" alt="Das Menü Ich">',
            html=True,
        )
        self.assertContains(
            response,
            f'<img src="{second.file.url}" srcset="{second.file.url} 120w" sizes="{sizes}" '
            'width="120" height="80" alt="Der Schalter" loading="lazy">',
            html=True,
        )
        self.assertNotContains(response, "Schematische Darstellung")

    def test_illustration_is_captioned_and_follows_the_labels_language(self):
        guide = make_guide(steps=0, published=False)
        german = make_screenshot(color="blue", kind="illustration")
        english = make_screenshot(color="green")
        add_step(
            guide.draft,
            screenshot_de=german,
            screenshot_alt_de="Schalter",
            screenshot_en=english,
            screenshot_alt_en="Switch",
        )
        guide.draft.publish()
        response = self.client.get(_page(guide))
        self.assertContains(response, german.file.url)
        self.assertContains(response, "<figcaption>Schematische Darstellung</figcaption>")
        response = self.client.get(_page(guide) + "?labels=en")
        self.assertContains(response, english.file.url)
        self.assertContains(response, 'alt="Switch" lang="en"')


class GuideQueryCountTests(TemporaryMediaMixin, TestCase):
    def _guide_with_steps(self, count, platform):
        guide = make_guide(platform=platform, steps=0, published=False)
        guide.regions.add(make_region(), make_region("ch", "Schweiz", "Switzerland"))
        for position in range(1, count + 1):
            device = [Step.Device.APP, Step.Device.DESKTOP, Step.Device.BOTH][position % 3]
            add_step(
                guide.draft,
                position,
                device=device,
                screenshot_de=make_screenshot(color=(position, 0, 0), kind="illustration"),
                screenshot_alt_de="Bild",
                screenshot_en=make_screenshot(color=(0, position, 0)),
                screenshot_alt_en="Picture",
            )
        guide.draft.publish()
        return guide

    def test_guide_page_runs_the_same_queries_for_2_and_10_steps(self):
        # guide with platform and version, regions, steps with screenshots, sources, site settings;
        # a translation also reads the version's translation stamps (is it outdated?).
        platform = make_platform()
        for steps in (2, 10):
            guide = self._guide_with_steps(steps, platform)
            for language in ("de", "fr"):
                forget_kept_parts()
                with self.assertNumQueries(5 if language == "de" else 6):
                    response = self.client.get(_page(guide, language) + "?labels=en")
                self.assertEqual(response.status_code, 200)
                with self.assertNumQueries(0):  # all of it kept: the version, the lookups
                    again = self.client.get(_page(guide, language) + "?labels=en")
                self.assertEqual(again.content, response.content)


class ArchivedVersionTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.guide = make_guide(title_en="First title")
        cls.first = cls.guide.published_version
        draft = cls.guide.new_draft()
        draft.title_en = "Second title"
        draft.change_note_de = "Neuer Titel."
        draft.save()
        draft.publish()

    def test_archived_version_is_readable_and_marked_outdated(self):
        response = self.client.get(_page(self.guide, "en") + "v1/")
        self.assertContains(response, "First title")
        self.assertContains(response, "Outdated version.")
        self.assertContains(
            response, f'href="/en/linkedin/{self.guide.slug}/">Read the current version'
        )
        self.assertContains(response, '<meta name="robots" content="noindex">')

    def test_current_version_address_leads_to_the_guide_page(self):
        response = self.client.get(_page(self.guide, "en") + "v2/")
        self.assertRedirects(response, _page(self.guide, "en"))

    def test_drafts_have_no_public_address(self):
        self.guide.new_draft()
        self.assertEqual(self.client.get(_page(self.guide, "en") + "v3/").status_code, 404)


class PreviewTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.guide = make_guide(title_en="Published title")
        cls.draft = cls.guide.new_draft()
        cls.draft.title_en = "Draft title"
        cls.draft.save()
        cls.editor = make_user(groups=["Editor"])

    def test_staff_see_the_draft_with_a_preview_banner(self):
        self.client.force_login(self.editor)
        response = self.client.get(f"/en/preview/{self.draft.pk}/")
        self.assertContains(response, "Draft title")
        self.assertContains(response, "Preview of draft v2")
        self.assertContains(response, '<meta name="robots" content="noindex">')

    def test_readers_cannot_preview(self):
        response = self.client.get(f"/en/preview/{self.draft.pk}/")
        self.assertEqual(response.status_code, 302)
        self.assertIn("/admin/login/", response["Location"])

    def test_preview_of_a_published_version_leads_to_the_guide(self):
        self.client.force_login(self.editor)
        self.guide.refresh_from_db()
        response = self.client.get(f"/en/preview/{self.guide.published_version.pk}/")
        self.assertRedirects(response, _page(self.guide, "en"))


class PrintTests(TestCase):
    @override_settings(SITE_URL="https://optout.example.org")
    def test_print_block_has_the_address_as_text_and_qr_code(self):
        guide = make_guide()
        response = self.client.get(_page(guide, "en"))
        address = f"https://optout.example.org/en/linkedin/{guide.slug}/"
        self.assertContains(response, f"This guide online: {address}")
        self.assertContains(response, '<svg role="img" width=')
        self.assertContains(response, f"<title>{address}</title>")
        self.assertContains(response, f'<link rel="canonical" href="{address}">')

    def test_print_shows_the_settings_link_as_text_where_the_button_was(self):
        guide = make_guide(deep_link="https://www.linkedin.com/mypreferences/d/settings/ads")
        response = self.client.get(_page(guide, "de"))
        self.assertContains(
            response,
            '<p class="print-only print-deep-link">Link zur Einstellung bei LinkedIn: '
            "https://www.linkedin.com/mypreferences/d/settings/ads</p>",
            html=True,
        )

    @override_settings(SITE_URL="https://optout.example.org")
    def test_handout_names_the_site_at_the_top(self):
        response = self.client.get(_page(make_guide(), "en"))
        self.assertContains(
            response,
            '<p class="print-only print-site">Opt-out Guides · https://optout.example.org/</p>',
            html=True,
        )


class LabelsFallbackTests(TestCase):
    def test_the_language_labels_are_shown_in_is_marked_when_the_page_language_has_none(self):
        guide = make_guide(steps=1)  # menu paths in German and English only
        response = self.client.get(_page(guide, "fr"))
        self.assertContains(response, 'hreflang="en" aria-current="true">anglais</a>')
        self.assertContains(response, '<li><a href="?labels=de#steps" hreflang="de">allemand</a>')

    def test_archived_versions_show_no_stale_notice(self):
        guide = make_guide()
        guide.refresh_from_db()
        guide.published_version.mark_verified(on=datetime.date(2020, 1, 1))
        publish_draft(guide)
        response = self.client.get(_page(guide, "en") + "v1/")
        self.assertContains(response, "Outdated version.")
        self.assertNotContains(response, "notice-warning")


class MixedFallbackTests(TestCase):
    def test_notice_names_every_language_the_page_falls_back_to(self):
        guide = make_guide(steps=1, title_en="English title", context_de="Nur auf Deutsch.")
        response = self.client.get(_page(guide, "it"))
        self.assertContains(response, "viene mostrata in inglese.")
        self.assertContains(response, "Alcune parti vengono mostrate in tedesco.")
        self.assertContains(response, '<div class="context" lang="de">')
