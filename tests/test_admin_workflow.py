"""The editors' workflow in the admin: create, draft, edit, preview, publish, verify, discard."""

import re
from datetime import timedelta
from pathlib import Path

import time_machine
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from guides.models import Guide, GuideVersion, Screenshot, Step

from .admin_helpers import AdminTestCase, action_data, change_form_data, change_url
from .helpers import (
    TemporaryMediaMixin,
    add_step,
    image_bytes,
    make_guide,
    make_platform,
    make_screenshot,
    make_user,
)


class AdminWorkflowTests(AdminTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = make_user(groups=["Editor"])
        cls.publisher = make_user(groups=["Publisher"])
        cls.platform = make_platform()
        cls.guide = Guide.objects.get(pk=make_guide(platform=cls.platform).pk)
        cls.published = cls.guide.published_version

    def open_draft(self, user=None):
        self.client.force_login(user or self.editor)
        response = self.client.post(
            change_url(self.published), action_data(self.published, "new_draft")
        )
        draft = self.guide.versions.get(status=GuideVersion.Status.DRAFT)
        self.assertRedirects(response, change_url(draft))
        return draft

    def test_creating_a_guide_leads_to_an_empty_first_draft(self):
        self.client.force_login(self.editor)
        platform = make_platform("Example")
        response = self.client.post(
            reverse("admin:guides_guide_add"),
            {"platform": platform.pk, "slug": "ads", "topic": "advertising", "position": 0},
        )
        guide = Guide.objects.get(slug="ads")
        self.assertRedirects(response, change_url(guide))
        page = self.client.get(change_url(guide))
        self.assertContains(page, 'value="new_draft"')

        response = self.client.post(change_url(guide), action_data(guide, "new_draft"))
        draft = guide.versions.get()
        self.assertRedirects(response, change_url(draft))
        self.assertEqual((draft.number, draft.status, draft.steps.count()), (1, "draft", 0))

    def test_a_second_guide_with_the_same_address_is_a_form_error(self):
        self.client.force_login(self.editor)
        data = {"platform": self.platform.pk, "slug": self.guide.slug, "topic": "other"}
        response = self.client.post(reverse("admin:guides_guide_add"), {**data, "position": 0})
        self.assertContains(response, "already exists")
        self.assertEqual(Guide.objects.filter(slug=self.guide.slug).count(), 1)

    def test_editor_fills_in_a_new_draft_with_steps(self):
        guide = make_guide(platform=self.platform, published=False, steps=0)
        draft = guide.versions.get()
        loaded = draft.revision
        self.client.force_login(self.editor)
        data = change_form_data(self.client.get(change_url(draft)))
        data.update(
            {
                "title_de": "Werbung abschalten",
                "steps-TOTAL_FORMS": "1",
                "steps-0-position": "1",
                "steps-0-device": "both",
                "steps-0-instruction_de": "Öffne die Einstellungen.",
                "steps-0-version": str(draft.pk),
            }
        )
        response = self.client.post(change_url(draft), data)
        self.assertRedirects(response, change_url(draft))
        draft.refresh_from_db()
        self.assertEqual(draft.title_de, "Werbung abschalten")
        self.assertEqual(draft.steps.get().instruction_de, "Öffne die Einstellungen.")
        self.assertEqual((draft.revision, draft.updated_by), (loaded + 1, self.editor))

    def test_new_draft_copies_the_published_version_and_opens_it_again_later(self):
        draft = self.open_draft()
        self.assertEqual((draft.number, draft.based_on), (2, self.published))
        self.assertEqual(draft.steps.count(), 2)
        again = self.open_draft()
        self.assertEqual(again, draft)
        self.assertEqual(self.guide.versions.count(), 2)

    def test_editor_edits_a_step_of_the_draft(self):
        draft = self.open_draft()
        data = change_form_data(self.client.get(change_url(draft)))
        data["steps-0-instruction_de"] = "Neuer Text"
        response = self.client.post(change_url(draft), data)
        self.assertRedirects(response, change_url(draft))
        self.assertEqual(draft.steps.first().instruction_de, "Neuer Text")
        self.assertEqual(self.published.steps.first().instruction_de, "Schritt 1")

    def test_draft_page_links_to_preview_and_offers_publish_only_to_publishers(self):
        draft = self.open_draft()
        page = self.client.get(change_url(draft))
        self.assertContains(page, reverse("guides:preview", args=[draft.pk]))
        self.assertNotContains(page, "View on site")
        self.assertNotContains(page, 'name="_publish"')
        self.assertContains(page, 'name="_request_review"')
        self.assertNotContains(page, "Discard draft")

        self.client.force_login(self.publisher)
        page = self.client.get(change_url(draft))
        self.assertContains(page, 'name="_publish"')
        self.assertContains(page, reverse("admin:guides_guideversion_delete", args=[draft.pk]))

    def test_publisher_publishes_the_draft(self):
        draft = self.open_draft()
        GuideVersion.objects.filter(pk=draft.pk).update(change_note_de="Schritt 1 neu.")
        self.client.force_login(self.publisher)
        response = self.client.post(change_url(draft), action_data(draft, "publish"))
        self.assertRedirects(response, change_url(draft), fetch_redirect_response=False)
        draft.refresh_from_db()
        self.published.refresh_from_db()
        self.guide.refresh_from_db()
        self.assertEqual((draft.status, draft.published_by), ("published", self.publisher))
        self.assertEqual(self.published.status, "archived")
        self.assertEqual(self.guide.published_version, draft)

    def test_editor_cannot_publish(self):
        draft = self.open_draft()
        response = self.client.post(change_url(draft), action_data(draft, "publish"), follow=True)
        self.assertContains(response, "No action selected")
        draft.refresh_from_db()
        self.guide.refresh_from_db()
        self.assertEqual(draft.status, "draft")
        self.assertEqual(self.guide.published_version, self.published)

    def test_publishing_an_untitled_draft_is_refused_with_a_message(self):
        guide = make_guide(platform=self.platform, published=False, steps=0, title_de="")
        draft = guide.versions.get()
        self.client.force_login(self.publisher)
        response = self.client.post(change_url(draft), action_data(draft, "publish"), follow=True)
        self.assertContains(response, "cannot be published yet: It needs a German title.")
        self.assertContains(response, "cannot be published yet: It needs at least one step.")
        draft.refresh_from_db()
        self.assertEqual(draft.status, "draft")

    def test_publishing_a_new_version_without_a_change_note_is_refused(self):
        draft = self.open_draft()
        self.assertFalse(draft.change_note_de)
        self.client.force_login(self.publisher)
        response = self.client.post(change_url(draft), action_data(draft, "publish"), follow=True)
        self.assertContains(response, "needs a German change note")
        draft.refresh_from_db()
        self.assertEqual(draft.status, "draft")

    def test_publisher_discards_a_draft_after_confirming(self):
        draft = self.open_draft()
        url = reverse("admin:guides_guideversion_delete", args=[draft.pk])
        self.assertEqual(self.client.post(url, {"post": "yes"}).status_code, 403)

        self.client.force_login(self.publisher)
        self.assertContains(self.client.get(url), "Step 1")
        self.client.post(url, {"post": "yes"})
        self.assertFalse(GuideVersion.objects.filter(pk=draft.pk).exists())
        self.assertEqual(Step.objects.filter(version=self.published).count(), 2)

    def test_published_versions_cannot_be_discarded(self):
        self.client.force_login(self.publisher)
        url = reverse("admin:guides_guideversion_delete", args=[self.published.pk])
        self.assertEqual(self.client.post(url, {"post": "yes"}).status_code, 403)
        response = self.client.post(
            reverse("admin:guides_guideversion_changelist"),
            {"action": "delete_selected", "_selected_action": [self.published.pk], "post": "yes"},
        )
        self.assertIn(response.status_code, (200, 403))
        self.assertTrue(GuideVersion.objects.filter(pk=self.published.pk).exists())

    def test_published_version_is_read_only(self):
        self.client.force_login(self.publisher)
        page = self.client.get(change_url(self.published))
        self.assertNotContains(page, 'name="title_de"')
        self.assertNotContains(page, 'name="steps-0-instruction_de"')
        self.assertNotContains(page, 'name="_save"')
        self.assertContains(page, 'value="mark_verified"')
        self.assertContains(page, 'value="new_draft"')
        self.assertContains(page, self.guide.get_absolute_url())

        data = {"title_de": "Geändert", "_save": "1"}
        response = self.client.post(change_url(self.published), data)
        self.assertContains(response, "your changes were not saved", status_code=409)
        self.published.refresh_from_db()
        self.assertNotEqual(self.published.title_de, "Geändert")

    @time_machine.travel("2026-03-02 10:00 +01:00", tick=False)
    def test_mark_verified_today_on_a_published_version(self):
        self.client.force_login(self.editor)
        response = self.client.post(
            change_url(self.published), action_data(self.published, "mark_verified"), follow=True
        )
        self.assertContains(response, "today")
        self.published.refresh_from_db()
        self.assertEqual(str(self.published.verified_on), "2026-03-02")
        self.assertEqual(self.published.verified_by, self.editor)

    def test_list_actions_verify_and_publish_several_versions(self):
        other = Guide.objects.get(pk=make_guide(platform=self.platform).pk)
        drafts = [self.guide.new_draft(), other.new_draft()]
        GuideVersion.objects.filter(pk__in=[d.pk for d in drafts]).update(change_note_de="Neu.")
        url = reverse("admin:guides_guideversion_changelist")
        self.client.force_login(self.publisher)
        published = [self.published.pk, other.published_version_id]
        with time_machine.travel("2026-05-04 12:00 +02:00", tick=False):
            self.client.post(url, {"action": "mark_verified", "_selected_action": published})
        self.client.post(url, {"action": "publish", "_selected_action": [d.pk for d in drafts]})
        verified = GuideVersion.objects.filter(pk__in=published, verified_on="2026-05-04")
        self.assertEqual(verified.count(), 2)
        self.assertEqual(GuideVersion.objects.filter(status="published").count(), 2)
        self.assertEqual(Guide.objects.filter(published_version__in=drafts).count(), 2)

    def test_guide_page_lists_its_versions(self):
        self.open_draft()
        page = self.client.get(change_url(self.guide))
        for version in self.guide.versions.all():
            self.assertContains(page, change_url(version))

    def test_admin_pages_load_nothing_from_other_hosts(self):
        draft = self.open_draft()
        for url in (change_url(draft), change_url(self.guide)):
            html = self.client.get(url).content.decode()
            assets = re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', html)
            self.assertTrue(any("jquery-ui" in asset for asset in assets) or "guide/" in url)
            for asset in assets:
                self.assertTrue(asset.startswith("/"), asset)
                self.assertFalse(asset.startswith("//"), asset)
            self.assertNotRegex(html, r"<script(?![^>]*\bsrc=)[^>]*>")
            self.assertNotRegex(html, r"<style|\sstyle=")


def _png(color="blue", size=(64, 48)):
    data = image_bytes(size=size, color=color)
    return SimpleUploadedFile("Bildschirmfoto.png", data, content_type="image/png")


class ScreenshotAdminTests(TemporaryMediaMixin, AdminTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = make_user(groups=["Editor"])

    def setUp(self):
        self.client.force_login(self.editor)

    def upload(self, file, label=""):
        url = reverse("admin:guides_screenshot_add")
        return self.client.post(url, {"upload": file, "kind": "screenshot", "label": label})

    def test_upload_is_stored_under_its_content_hash_with_its_size(self):
        response = self.upload(_png(), label="Einstellungen")
        screenshot = Screenshot.objects.get()
        self.assertRedirects(response, reverse("admin:guides_screenshot_changelist"))
        self.assertEqual((screenshot.width, screenshot.height), (64, 48))
        self.assertEqual(screenshot.file.name.rsplit("/", 1)[-1], f"{screenshot.sha256}.png")
        self.assertEqual(screenshot.label, "Einstellungen")

    def test_the_same_image_uploaded_twice_is_stored_once_and_the_editor_is_told(self):
        self.upload(_png(), label="Erstes Mal")
        response = self.upload(_png())
        screenshot = Screenshot.objects.get()
        self.assertContains(response, "This image is already stored as")
        self.assertContains(response, change_url(screenshot))
        self.assertEqual(screenshot.label, "Erstes Mal")

    def test_a_file_that_is_not_an_image_is_refused_with_a_form_error(self):
        fake = SimpleUploadedFile("notes.png", b"not an image at all", content_type="image/png")
        response = self.upload(fake)
        self.assertContains(response, "This file is not a complete PNG, JPEG or WebP image.")
        self.assertFalse(Screenshot.objects.exists())
        self.assertEqual(list(Path(settings.MEDIA_ROOT).rglob("*.*")), [])

    def test_change_page_shows_the_image_and_where_it_is_used(self):
        screenshot = make_screenshot(label="Schalter")
        version = make_guide(platform=make_platform(), published=False).versions.get()
        add_step(version, position=3, screenshot_de=screenshot, screenshot_alt_de="Schalter aus")
        page = self.client.get(change_url(screenshot))
        self.assertContains(
            page, f'<img src="{screenshot.file.url}" width="40" height="30" alt=""', html=False
        )
        self.assertContains(page, change_url(version))
        self.assertNotContains(page, 'name="upload"')


class VersionListTests(AdminTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = make_user(groups=["Editor"])
        cls.platform = make_platform()

    def setUp(self):
        self.client.force_login(self.editor)

    def list_page(self, **params):
        return self.client.get(reverse("admin:guides_guideversion_changelist"), params)

    def test_list_shows_status_check_and_complete_languages(self):
        make_guide(platform=self.platform, title_en="Complete", title_fr="", title_it="")
        page = self.list_page()
        self.assertContains(page, "Complete")
        self.assertContains(page, "Published")
        self.assertContains(page, '<td class="field-complete_languages">de, en</td>', html=True)

    def test_query_count_does_not_grow_with_the_number_of_versions(self):
        make_guide(platform=self.platform)
        with CaptureQueriesContext(connection) as one_guide:
            self.list_page()
        for _ in range(3):
            make_guide(platform=self.platform).versions.get().new_draft()
        with CaptureQueriesContext(connection) as four_guides:
            page = self.list_page()
        self.assertContains(page, "Draft")
        self.assertEqual(len(four_guides), len(one_guide))

    def test_versions_due_for_a_check_are_marked_and_filtered(self):
        with time_machine.travel("2026-01-05 10:00 +01:00", tick=False):
            old = make_guide(platform=self.platform, title_de="Alt").versions.get()
        with time_machine.travel("2026-01-05 10:00 +01:00", tick=False) as traveller:
            traveller.shift(timedelta(days=settings.STALE_AFTER_DAYS + 1))
            fresh = make_guide(platform=self.platform, title_de="Frisch").versions.get()
            due = self.list_page(stale="yes")
            recent = self.list_page(stale="no")
        self.assertEqual(list(due.context["cl"].result_list), [old])
        self.assertEqual(list(recent.context["cl"].result_list), [fresh])
        self.assertContains(due, 'alt="False"')
