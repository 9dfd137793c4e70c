"""A Publisher replaces a leaked screenshot in every version, archived ones too; it is logged."""

from pathlib import Path

from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from guides.models import GuideVersion, Screenshot, ScreenshotReplacement, Step

from .admin_helpers import AdminTestCase, change_url
from .helpers import (
    TemporaryMediaMixin,
    add_step,
    image_bytes,
    jpeg_with_gps,
    make_guide,
    make_screenshot,
    make_user,
    publish_draft,
)


def _upload(data, name="replacement.jpg"):
    return SimpleUploadedFile(name, data, content_type="image/jpeg")


class ScreenshotReplaceTests(TemporaryMediaMixin, AdminTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.publisher = make_user(groups=["Publisher"])
        cls.editor = make_user(groups=["Editor"])

    def setUp(self):
        # Shown in the archived, the published and the draft version, in two languages.
        self.leaked = make_screenshot(color="red", size=(1000, 600), label="Profile")
        self.guide = make_guide(steps=0, published=False)
        add_step(self.guide.draft, screenshot_de=self.leaked, screenshot_alt_de="Profil")
        self.guide.draft.publish()
        self.guide.refresh_from_db()
        publish_draft(self.guide)
        self.guide.refresh_from_db()
        draft = self.guide.new_draft()
        Step.objects.filter(version=draft).update(
            screenshot_it=self.leaked, screenshot_alt_it="Profilo"
        )
        self.old_files = self.leaked.file_names()
        self.url = reverse("admin:guides_screenshot_replace", args=[self.leaked.pk])

    def replace(self, data=None, reason="Shows an editor's name", redactions=""):
        self.client.force_login(self.publisher)
        upload = _upload(data or jpeg_with_gps(size=(1000, 600)))
        form = {"upload": upload, "reason": reason, "redactions": redactions}
        with self.captureOnCommitCallbacks(execute=True):
            return self.client.post(self.url, form)

    def test_the_versions_are_archived_published_and_draft(self):
        statuses = set(self.guide.versions.values_list("status", flat=True))
        self.assertEqual(statuses, set(GuideVersion.Status))

    def test_every_reference_in_every_version_and_language_points_to_the_replacement(self):
        response = self.replace()

        new = Screenshot.objects.get()
        self.assertRedirects(response, change_url(new))
        shown = Step.objects.values_list("version__status", "screenshot_de", "screenshot_it")
        self.assertEqual(
            sorted(shown),
            sorted(
                [
                    (GuideVersion.Status.ARCHIVED, new.pk, None),
                    (GuideVersion.Status.PUBLISHED, new.pk, None),
                    (GuideVersion.Status.DRAFT, new.pk, new.pk),
                ]
            ),
        )

    def test_the_old_image_its_file_and_its_copies_are_deleted(self):
        self.replace()

        self.assertFalse(Screenshot.objects.filter(pk=self.leaked.pk).exists())
        left = [name for name in self.old_files if Path(settings.MEDIA_ROOT, name).exists()]
        self.assertEqual(left, [])

    def test_the_replacement_is_cleaned_like_every_upload(self):
        self.replace()

        with Image.open(Screenshot.objects.get().file.path) as image:
            self.assertEqual(dict(image.getexif()), {})

    def test_who_when_why_and_both_hashes_are_logged(self):
        old_sha256 = self.leaked.sha256
        self.replace(reason="Shows Jane's name")

        new = Screenshot.objects.get()
        log = ScreenshotReplacement.objects.get()
        self.assertEqual(
            (log.by, log.reason, log.old_sha256, log.new_sha256),
            (self.publisher, "Shows Jane's name", old_sha256, new.sha256),
        )
        entry = LogEntry.objects.get(object_id=str(new.pk))
        self.assertIn(f"Replaced {old_sha256} by {new.sha256}", entry.get_change_message())
        response = self.client.get(reverse("admin:guides_screenshotreplacement_changelist"))
        self.assertContains(response, "Shows Jane&#x27;s name")

    def test_boxes_are_blacked_out_in_the_replacement(self):
        white = image_bytes("PNG", size=(200, 100), color=(255, 255, 255))
        self.replace(white, redactions="[[10, 10, 60, 40], [100, 50, 120, 60]]")

        with Image.open(Screenshot.objects.get().file.path) as image:
            self.assertEqual(image.getpixel((20, 20)), (0, 0, 0))
            self.assertEqual(image.getpixel((110, 55)), (0, 0, 0))
            self.assertEqual(image.getpixel((80, 20)), (255, 255, 255))

    def test_a_bad_box_is_a_form_error_and_nothing_changes(self):
        response = self.replace(redactions='[["left", "top"]]')

        self.assertContains(response, "could not be read")
        self.assertEqual(list(Screenshot.objects.all()), [self.leaked])

    def test_the_page_offers_the_box_editor_of_the_upload(self):
        self.client.force_login(self.publisher)
        response = self.client.get(
            reverse("admin:guides_screenshot_replace", args=[self.leaked.pk])
        )

        self.assertContains(response, "admin-extra/redact")
        self.assertContains(response, 'name="redactions"')
        self.assertContains(response, "data-redact")

    def test_a_file_that_is_not_an_image_is_a_form_error_and_nothing_changes(self):
        response = self.replace(b"<svg></svg>")

        self.assertContains(response, "not a complete PNG, JPEG or WebP image")
        self.assertEqual(list(Screenshot.objects.all()), [self.leaked])
        self.assertFalse(ScreenshotReplacement.objects.exists())

    def test_the_same_image_is_refused(self):
        response = self.replace(self.leaked.file.read())

        self.assertContains(response, "This is the same image")
        self.assertTrue(Screenshot.objects.filter(pk=self.leaked.pk).exists())

    def test_a_reason_is_required(self):
        response = self.replace(reason="")

        self.assertContains(response, "This field is required.")
        self.assertEqual(list(Screenshot.objects.all()), [self.leaked])

    def test_an_editor_may_not_replace_and_sees_no_button(self):
        self.client.force_login(self.editor)
        form = {"upload": _upload(jpeg_with_gps()), "reason": "x"}

        self.assertEqual(self.client.post(self.url, form).status_code, 403)
        self.assertNotContains(self.client.get(change_url(self.leaked)), self.url)
        self.assertEqual(list(Screenshot.objects.all()), [self.leaked])

    def test_a_publisher_sees_the_button(self):
        self.client.force_login(self.publisher)

        self.assertContains(self.client.get(change_url(self.leaked)), self.url)
        self.assertContains(self.client.get(self.url), "Replace this image everywhere")
