"""The screenshot upload refuses every broken or oversized image with a form error."""

from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from guides.models import Screenshot

from .admin_helpers import AdminTestCase
from .helpers import TemporaryMediaMixin, huge_png, image_bytes, make_user


def _upload(data, name="Bildschirmfoto.png"):
    return SimpleUploadedFile(name, data, content_type="image/png")


class ScreenshotUploadLimitTests(TemporaryMediaMixin, AdminTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = make_user(groups=["Editor"])

    def setUp(self):
        self.client.force_login(self.editor)

    def upload(self, data):
        files_before = list(Path(settings.MEDIA_ROOT).rglob("*.*"))
        url = reverse("admin:guides_screenshot_add")
        response = self.client.post(url, {"upload": _upload(data), "kind": "screenshot"})
        self.assertEqual(response.status_code, 200)
        self.assertFalse(Screenshot.objects.exists())
        self.assertEqual(list(Path(settings.MEDIA_ROOT).rglob("*.*")), files_before)
        return response

    def assert_refused(self, data, message):
        response = self.upload(data)
        self.assertIn(message, " ".join(response.context["adminform"].form.errors["upload"]))

    def test_a_decompression_bomb_is_refused(self):
        self.assert_refused(huge_png(30000, 30000), "more pixels than the 40 megapixels")

    def test_an_image_just_over_the_pixel_limit_is_refused(self):
        self.assert_refused(huge_png(8000, 5001), "more pixels than the 40 megapixels")

    def test_a_truncated_image_is_refused(self):
        data = image_bytes(size=(400, 300), color="blue")
        self.assert_refused(data[: len(data) // 2], "not a complete PNG, JPEG or WebP image")

    def test_an_empty_file_is_refused(self):
        self.assert_refused(b"", "The submitted file is empty.")

    def test_an_image_with_no_pixels_in_its_header_is_refused(self):
        self.assert_refused(huge_png(0, 0), "not a complete PNG, JPEG or WebP image")

    @override_settings(IMAGE_MAX_BYTES=2000)
    def test_a_file_over_the_byte_limit_is_refused(self):
        data = image_bytes(size=(10, 10)) + b"\0" * 5000
        self.assert_refused(data, "The file is 5.0\xa0KB; images may have at most 2.0\xa0KB.")

    def test_the_default_byte_limit_reads_as_10_mb(self):
        data = image_bytes(size=(10, 10)) + b"\0" * 11 * 1024 * 1024
        self.assert_refused(data, "images may have at most 10.0\xa0MB.")

    @override_settings(IMAGE_MAX_PIXELS=1000)
    def test_the_pixel_limit_is_the_setting(self):
        self.assert_refused(image_bytes(size=(40, 30)), "more pixels than the 0.001 megapixels")

    def test_an_image_within_the_limits_is_stored(self):
        url = reverse("admin:guides_screenshot_add")
        data = {"upload": _upload(image_bytes(size=(800, 600))), "kind": "screenshot"}
        self.assertRedirects(
            self.client.post(url, data), reverse("admin:guides_screenshot_changelist")
        )
        self.assertEqual(Screenshot.objects.get().width, 800)
