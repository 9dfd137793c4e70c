"""What the guide page renders from a published version is kept (guides/fragments.py), even with
the page cache off, and never shows a reader anything out of date."""

from django.test import TestCase, override_settings

from branding.models import SiteSettings
from guides import fragments
from guides.models import Screenshot, Step

from .helpers import (
    TemporaryMediaMixin,
    add_step,
    forget_kept_parts,
    make_guide,
    make_guide_showing,
    make_screenshot,
    make_user,
    publish_draft,
)

PAGE = "/{language}/linkedin/ki/"
NOTICE = "has not been checked against the current German original"


def _steps_of(guide, **fields):
    """Publish a new version of `guide` whose first step says `fields` instead."""
    draft = guide.new_draft()
    step = draft.steps.get(position=1)
    for name, value in fields.items():
        setattr(step, name, value)
    step.save()
    return publish_draft(guide)


@override_settings(PAGE_CACHE=False)
class KeptVersionPartsTests(TemporaryMediaMixin, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.guide = make_guide(slug="ki", steps=3)

    def page(self, language="de", query=""):
        return self.client.get(PAGE.format(language=language) + query)

    def test_every_language_and_labels_language_reads_as_when_rendered_afresh(self):
        for language in ("de", "en", "fr", "it"):
            for query in ("", "?labels=en", "?labels=de", "?labels=fr&utm=x"):
                with self.subTest(language=language, query=query):
                    forget_kept_parts()
                    afresh = self.page(language, query)
                    self.assertEqual(self.page(language, query).content, afresh.content)

    def test_the_labels_language_chosen_shows_its_labels(self):
        self.page("de", "?labels=de")
        self.assertContains(self.page("de", "?labels=en"), "Settings")
        self.assertContains(self.page("de", "?labels=de"), "Einstellungen")

    def test_a_new_published_version_shows_its_own_steps_at_once(self):
        self.assertContains(self.page(), '<p class="instruction">Schritt 1</p>')
        _steps_of(self.guide, instruction_de="Ganz neuer erster Schritt")
        response = self.page()
        self.assertContains(response, '<p class="instruction">Ganz neuer erster Schritt</p>')
        self.assertNotContains(response, '<p class="instruction">Schritt 1</p>')

    def test_the_replaced_version_shows_as_archived_without_report_links(self):
        self.assertContains(self.page(), "?step=")
        _steps_of(self.guide, instruction_de="Neu")
        archived = self.client.get(PAGE.format(language="de") + "v1/")
        self.assertContains(archived, "Schritt 1")
        self.assertNotContains(archived, "?step=")

    def test_a_draft_preview_shows_its_draft_steps(self):
        self.page()
        draft = self.guide.new_draft()
        step = draft.steps.get(position=1)
        step.instruction_de = "Entwurf des ersten Schritts"
        step.save()
        self.client.force_login(make_user(groups=["Editor"]))
        preview = self.client.get(f"/de/preview/{draft.pk}/")
        self.assertContains(preview, "Entwurf des ersten Schritts")
        step.instruction_de = "Zweiter Entwurf"
        step.save()
        self.assertContains(self.client.get(f"/de/preview/{draft.pk}/"), "Zweiter Entwurf")
        self.client.logout()
        self.assertNotContains(self.page(), "Entwurf des ersten Schritts")

    def test_a_branding_change_shows_at_once(self):
        self.page()
        SiteSettings.objects.create(name="Betriebsrat Nord")
        self.assertContains(self.page(), "Betriebsrat Nord")
        settings = SiteSettings.objects.get()
        settings.name = "Betriebsrat Süd"
        settings.save()
        self.assertContains(self.page(), "Betriebsrat Süd")

    def test_a_step_checked_on_the_published_version_shows_at_once(self):
        self.assertNotContains(self.page("en"), "Step checked")
        step = self.guide.published_version.steps.get(position=1)
        step.mark_verified(device=Step.Device.APP)
        self.assertContains(self.page("en"), "Step checked in the app on", count=1)

    def test_steps_changed_with_bulk_update_show_at_once(self):
        self.assertNotContains(self.page(), "Geänderter Schritt")
        steps = list(self.guide.published_version.steps.all())
        for step in steps:
            step.instruction_de = "Geänderter Schritt"
        Step.objects.bulk_update(steps, ["instruction_de"])
        self.assertContains(self.page(), "Geänderter Schritt", count=3)

    def test_a_new_draft_keeps_the_published_versions_parts(self):
        self.page()
        before = fragments.PARTS_TOKEN.current()
        self.guide.new_draft()  # copies the steps and sources in bulk, into a draft
        self.assertEqual(fragments.PARTS_TOKEN.current(), before)

    def test_a_renamed_platform_sends_reports_to_its_new_address(self):
        self.page()
        platform = self.guide.platform
        platform.slug = "linked-in"
        platform.save()
        response = self.client.get("/de/linked-in/ki/")
        self.assertContains(response, "/de/linked-in/ki/report/?step=")
        self.assertNotContains(response, "/de/linkedin/ki/report/")

    def test_confirming_a_translation_removes_the_notice_at_once(self):
        version = self.guide.published_version
        version.translation_stamps.filter(language="en").delete()
        self.assertContains(self.page("en"), NOTICE)
        version.confirm_translations(languages=["en"])
        self.assertNotContains(self.page("en"), NOTICE)


@override_settings(PAGE_CACHE=False)
class KeptScreenshotTests(TemporaryMediaMixin, TestCase):
    def test_a_screenshot_replaced_everywhere_shows_at_once(self):
        old, new = make_screenshot(color="red"), make_screenshot(color="blue")
        guide = make_guide_showing(old)
        page = guide.get_absolute_url()
        self.assertContains(self.client.get(page), old.file.url)
        old.replace_everywhere(new, by=None, reason="Shows a colleague's name")
        response = self.client.get(page)
        self.assertContains(response, new.file.url)
        self.assertNotContains(response, old.file.url)

    def test_a_screenshot_marked_as_an_illustration_gets_its_caption_at_once(self):
        screenshot = make_screenshot(color="green")
        guide = make_guide_showing(screenshot)
        self.assertNotContains(self.client.get(guide.get_absolute_url()), "<figcaption>")
        screenshot.kind = screenshot.Kind.ILLUSTRATION
        screenshot.save()
        response = self.client.get(guide.get_absolute_url())
        self.assertContains(response, "<figcaption>Schematische Darstellung</figcaption>")

    def test_a_screenshot_changed_with_update_gets_its_caption_at_once(self):
        screenshot = make_screenshot(color="green")
        guide = make_guide_showing(screenshot)
        self.assertNotContains(self.client.get(guide.get_absolute_url()), "<figcaption>")
        Screenshot.objects.filter(pk=screenshot.pk).update(kind=Screenshot.Kind.ILLUSTRATION)
        response = self.client.get(guide.get_absolute_url())
        self.assertContains(response, "<figcaption>Schematische Darstellung</figcaption>")

    def test_a_step_added_to_a_new_version_shows_its_screenshot(self):
        guide = make_guide(slug="ki", steps=1)
        self.client.get(guide.get_absolute_url())
        draft = guide.new_draft()
        screenshot = make_screenshot(color="yellow")
        add_step(draft, 2, screenshot_de=screenshot, screenshot_alt_de="Schalter")
        publish_draft(guide)
        self.assertContains(self.client.get(guide.get_absolute_url()), screenshot.file.url)
