"""Images from outside are checked from their content, within limits, and cleaned of metadata."""

import io
from unittest import mock

from django.core.exceptions import ValidationError
from django.test import SimpleTestCase, override_settings
from django.utils import translation
from PIL import Image, PngImagePlugin

from guides.images import check_image, clean_image, read_limited

from .helpers import huge_png, image_bytes


def _jpeg_with_gps():
    exif = Image.Exif()
    exif[0x010F] = "SpyCam Inc."  # Make
    exif[0x0110] = "Model 7"  # Model
    exif[0x0112] = 6  # Orientation: rotate 90° clockwise to show upright
    gps = exif.get_ifd(0x8825)
    gps[2] = (52.0, 31.0, 12.0)  # GPSLatitude
    gps[1] = "N"
    return image_bytes("JPEG", size=(40, 20), exif=exif.tobytes())


class CheckImageTests(SimpleTestCase):
    def setUp(self):
        # The messages are asserted in English; an earlier test may have left another active.
        self.enterContext(translation.override("en"))

    def test_png_jpeg_and_webp_are_accepted_with_their_size(self):
        for image_format in ("PNG", "JPEG", "WEBP"):
            with self.subTest(image_format):
                checked = check_image(image_bytes(image_format, size=(40, 30)))
                self.assertEqual(
                    (checked.format, checked.width, checked.height), (image_format, 40, 30)
                )

    def test_other_formats_are_refused(self):
        svg = b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>'
        html = b"<!doctype html><script>alert(1)</script>"
        for data in (image_bytes("GIF"), image_bytes("BMP"), svg, html, b"%PDF-1.4\n"):
            with self.subTest(data[:10]), self.assertRaises(ValidationError) as refused:
                check_image(data)
            self.assertEqual(refused.exception.code, "invalid")

    def test_a_truncated_image_is_refused(self):
        data = image_bytes("PNG", size=(400, 300), color="blue")
        with self.assertRaises(ValidationError):
            check_image(data[: len(data) // 2])

    def test_an_empty_file_is_refused(self):
        with self.assertRaises(ValidationError) as refused:
            check_image(b"")
        self.assertEqual(refused.exception.code, "empty")

    def test_a_decompression_bomb_is_refused_before_decoding(self):
        data = huge_png(30000, 30000)
        self.assertLess(len(data), 200_000)
        with self.assertRaises(ValidationError) as refused:
            check_image(data)
        self.assertEqual(refused.exception.code, "too_many_pixels")
        with translation.override("en"):
            self.assertIn("40 megapixels", refused.exception.messages[0])

    @override_settings(IMAGE_MAX_PIXELS=1000)
    def test_the_pixel_limit_is_a_setting(self):
        with self.assertRaises(ValidationError):
            check_image(image_bytes(size=(40, 30)))
        self.assertEqual(check_image(image_bytes(size=(20, 20))).width, 20)

    @override_settings(IMAGE_MAX_BYTES=1000)
    def test_the_byte_limit_is_a_setting_and_named_in_the_message(self):
        data = image_bytes("PNG", size=(10, 10)) + b"\0" * 2000
        with self.assertRaises(ValidationError) as refused:
            check_image(data)
        self.assertEqual(refused.exception.code, "too_large")
        self.assertIn("1000", refused.exception.messages[0])


class ReadLimitedTests(SimpleTestCase):
    @override_settings(IMAGE_MAX_BYTES=1000)
    def test_an_upload_over_the_limit_is_refused_before_it_is_read(self):
        upload = mock.Mock(size=30_000_000)
        with self.assertRaises(ValidationError) as refused:
            read_limited(upload)
        self.assertEqual(refused.exception.code, "too_large")
        upload.read.assert_not_called()

    @override_settings(IMAGE_MAX_BYTES=1000)
    def test_a_file_without_a_size_is_read_no_further_than_the_limit(self):
        stream = io.BytesIO(b"x" * 5000)
        with self.assertRaises(ValidationError):
            read_limited(stream)
        self.assertEqual(stream.tell(), 1001)

    def test_a_file_within_the_limit_is_read_whole(self):
        data = image_bytes()
        self.assertEqual(read_limited(io.BytesIO(data)), data)


class CleanImageTests(SimpleTestCase):
    def test_gps_and_camera_data_are_removed_and_orientation_applied(self):
        original = _jpeg_with_gps()
        with Image.open(io.BytesIO(original)) as image:
            self.assertIn(0x8825, image.getexif())

        cleaned, checked = clean_image(original)

        with Image.open(io.BytesIO(cleaned)) as image:
            self.assertEqual(dict(image.getexif()), {})
            self.assertEqual(image.size, (20, 40))  # rotated upright
        self.assertEqual((checked.format, checked.width, checked.height), ("JPEG", 20, 40))
        self.assertNotIn(b"SpyCam", cleaned)

    def test_png_text_chunks_and_trailing_bytes_are_removed(self):
        info = PngImagePlugin.PngInfo()
        info.add_text("Author", "Erika Mustermann")
        info.add_itxt("Comment", "erika@example.org")
        original = image_bytes("PNG", pnginfo=info) + b"<html><script>alert(1)</script></html>"

        cleaned, checked = clean_image(original)

        self.assertNotIn(b"Mustermann", cleaned)
        self.assertNotIn(b"example.org", cleaned)
        self.assertNotIn(b"<script>", cleaned)
        self.assertTrue(cleaned.endswith(b"IEND\xaeB`\x82"))
        with Image.open(io.BytesIO(cleaned)) as image:
            self.assertEqual(image.getpixel((5, 5)), (255, 0, 0))
        self.assertEqual(checked.format, "PNG")

    def test_a_broken_file_is_refused_like_in_check_image(self):
        with self.assertRaises(ValidationError):
            clean_image(b"GIF89a not really")


class RedactionTests(SimpleTestCase):
    def test_pixels_inside_a_box_are_black_and_outside_unchanged(self):
        cleaned, _checked = clean_image(image_bytes(size=(40, 30), color="red"), [(5, 5, 15, 10)])
        with Image.open(io.BytesIO(cleaned)) as image:
            self.assertEqual(image.getpixel((5, 5)), (0, 0, 0))
            self.assertEqual(image.getpixel((14, 9)), (0, 0, 0))
            self.assertEqual(image.getpixel((15, 10)), (255, 0, 0))
            self.assertEqual(image.getpixel((4, 5)), (255, 0, 0))

    def test_boxes_apply_to_the_upright_image_and_are_clipped(self):
        # The JPEG is stored 40 × 20 with "rotate 90°": upright it is 20 × 40.
        cleaned, _checked = clean_image(_jpeg_with_gps(), [(0, 30, 500, 500)])
        with Image.open(io.BytesIO(cleaned)) as image:
            self.assertEqual(image.size, (20, 40))
            self.assertLess(max(image.getpixel((10, 35))), 20)
            self.assertGreater(image.getpixel((10, 5))[0], 200)

    def test_a_box_that_is_not_four_numbers_is_refused(self):
        with self.assertRaises(ValidationError):
            clean_image(image_bytes(), [("a", 1, 2, 3)])
