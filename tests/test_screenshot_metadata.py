"""What a phone or an editor's tool writes into an image never reaches readers, whichever way
the image comes in: an upload in the admin or a content pack."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from guides.models import Screenshot

from .admin_helpers import AdminTestCase
from .content_pack_helpers import PackFolder, import_content
from .helpers import TemporaryMediaMixin, jpeg_with_gps, make_user, png_with_text

LEAKS = (b"Jane Doe", b"jane@example.com", b"Camera Maker", b"Model X", b"<html>")


class ScreenshotMetadataTests(TemporaryMediaMixin, AdminTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = make_user(groups=["Editor"])

    def assert_clean(self, screenshot, size):
        data = screenshot.file.read()
        for leak in LEAKS:
            self.assertNotIn(leak, data)
        with Image.open(screenshot.file.path) as image:
            self.assertEqual(dict(image.getexif()), {})
            self.assertEqual(image.size, size)
            self.assertFalse(set(image.info) & {"comment", "Author", "E-mail", "exif", "xmp"})
        for name in screenshot.variant_names().values():
            content = screenshot.file.storage.open(name).read()
            self.assertFalse([leak for leak in LEAKS if leak in content], name)

    def upload(self, data, name):
        self.client.force_login(self.editor)
        upload = SimpleUploadedFile(name, data, content_type="application/octet-stream")
        response = self.client.post(
            reverse("admin:guides_screenshot_add"), {"upload": upload, "kind": "screenshot"}
        )
        self.assertEqual(response.status_code, 302)
        return Screenshot.objects.get()

    def test_a_jpeg_with_gps_uploaded_in_the_admin_comes_out_clean_and_upright(self):
        self.assert_clean(self.upload(jpeg_with_gps(size=(900, 500)), "phone.jpg"), (500, 900))

    def test_a_png_with_text_and_trailing_bytes_uploaded_in_the_admin_comes_out_clean(self):
        self.assert_clean(self.upload(png_with_text(size=(700, 300)), "tool.png"), (700, 300))

    def test_a_jpeg_with_gps_in_a_content_pack_comes_out_clean(self):
        pack = PackFolder(self, image=jpeg_with_gps(size=(600, 400)), extension="jpg")
        import_content(pack.path)

        self.assert_clean(Screenshot.objects.get(), (400, 600))

    def test_a_png_with_text_in_a_content_pack_comes_out_clean_and_imports_again_unchanged(self):
        pack = PackFolder(self, image=png_with_text(size=(600, 400)))
        import_content(pack.path)
        out, _err = import_content(pack.path)

        self.assert_clean(Screenshot.objects.get(), (600, 400))
        self.assertIn("already there, unchanged", out)
