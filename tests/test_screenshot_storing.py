"""Screenshot.store keeps only the cleaned image: no metadata, upright, redactions blacked out."""

import hashlib
import io
from pathlib import Path

from django.conf import settings
from django.test import TestCase
from PIL import Image

from guides.models import Screenshot

from .helpers import TemporaryMediaMixin, image_bytes, jpeg_with_gps, png_with_text


def _stored_files():
    return {path.read_bytes() for path in Path(settings.MEDIA_ROOT).rglob("*.*")}


class ScreenshotStoringTests(TemporaryMediaMixin, TestCase):
    def test_a_jpeg_loses_its_gps_camera_and_comment_and_is_turned_upright(self):
        upload = jpeg_with_gps(size=(60, 40))
        screenshot = Screenshot.store(io.BytesIO(upload))

        with Image.open(screenshot.file.path) as stored:
            self.assertEqual(dict(stored.getexif()), {})
            self.assertNotIn("comment", stored.info)
            self.assertEqual(stored.size, (40, 60))
        self.assertEqual((screenshot.width, screenshot.height), (40, 60))
        self.assertNotIn(b"Model X", Path(screenshot.file.path).read_bytes())

    def test_a_png_loses_its_text_chunks_and_trailing_bytes(self):
        screenshot = Screenshot.store(io.BytesIO(png_with_text()))

        data = Path(screenshot.file.path).read_bytes()
        self.assertNotIn(b"Jane Doe", data)
        self.assertNotIn(b"jane@example.com", data)
        self.assertTrue(data.endswith(b"IEND\xaeB`\x82"))

    def test_the_upload_itself_is_never_stored(self):
        before = _stored_files()
        upload = jpeg_with_gps(color="orange")
        screenshot = Screenshot.store(io.BytesIO(upload))

        self.assertEqual(_stored_files() - before, {screenshot.file.read()})
        self.assertNotIn(upload, _stored_files())

    def test_the_file_is_named_by_the_hash_of_the_cleaned_image(self):
        screenshot = Screenshot.store(io.BytesIO(png_with_text()))

        data = screenshot.file.read()
        self.assertEqual(screenshot.sha256, hashlib.sha256(data).hexdigest())
        self.assertIn(screenshot.sha256, screenshot.file.name)

    def test_the_same_upload_twice_is_the_same_stored_image(self):
        before = _stored_files()
        for upload in (
            jpeg_with_gps(color="navy"),
            png_with_text(color="teal"),
            image_bytes("WEBP"),
        ):
            with self.subTest(Image.open(io.BytesIO(upload)).format):
                first = Screenshot.store(io.BytesIO(upload))
                second = Screenshot.store(io.BytesIO(upload))
                self.assertEqual(second.pk, first.pk)
        self.assertEqual(len(_stored_files() - before), 3)

    def test_cleaning_the_same_file_twice_gives_the_same_bytes(self):
        first = Screenshot.store(io.BytesIO(jpeg_with_gps(color="gray")))
        data = first.file.read()
        first.file.delete(save=False)
        first.delete()

        self.assertEqual(
            Screenshot.store(io.BytesIO(jpeg_with_gps(color="gray"))).file.read(), data
        )

    def test_a_stored_file_uploaded_again_is_the_same_image(self):
        screenshot = Screenshot.store(io.BytesIO(jpeg_with_gps()))

        again = Screenshot.store(io.BytesIO(screenshot.file.read()))
        self.assertEqual(again.pk, screenshot.pk)

    def test_redaction_boxes_are_black_in_the_stored_file_and_nothing_else_is(self):
        upload = image_bytes(size=(100, 80), color=(255, 255, 255))
        screenshot = Screenshot.store(io.BytesIO(upload), redactions=[(10, 20, 50, 40)])

        with Image.open(screenshot.file.path) as stored:
            self.assertEqual(stored.getpixel((10, 20)), (0, 0, 0))
            self.assertEqual(stored.getpixel((49, 39)), (0, 0, 0))
            self.assertEqual(stored.getpixel((50, 40)), (255, 255, 255))
            self.assertEqual(stored.getpixel((5, 5)), (255, 255, 255))

    def test_a_redacted_upload_is_not_the_unredacted_one(self):
        upload = image_bytes(size=(100, 80), color=(255, 255, 255))
        plain = Screenshot.store(io.BytesIO(upload))

        redacted = Screenshot.store(io.BytesIO(upload), redactions=[(0, 0, 10, 10)])
        self.assertNotEqual(redacted.pk, plain.pk)
        self.assertEqual(Screenshot.store(io.BytesIO(upload)).pk, plain.pk)
