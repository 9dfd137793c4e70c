"""Readers get smaller and WebP copies of each screenshot, made once when it is stored."""

import io
from pathlib import Path

from django.conf import settings
from django.test import TestCase
from PIL import Image

from guides.models import Screenshot

from .helpers import TemporaryMediaMixin, add_step, image_bytes, make_guide, make_screenshot

SIZES = "(max-width: 48rem) calc(100vw - 2rem), 46rem"


def _files():
    return {path: path.stat().st_mtime_ns for path in Path(settings.MEDIA_ROOT).rglob("*.*")}


def _open(screenshot, width, image_format):
    name = screenshot.variant_names()[width, image_format]
    return Image.open(screenshot.file.storage.open(name))


class ScreenshotVariantTests(TemporaryMediaMixin, TestCase):
    def test_a_wide_image_gets_copies_480_960_and_1600_pixels_wide_as_webp_and_png(self):
        shot = make_screenshot(size=(2000, 1000))

        self.assertEqual(shot.variant_widths, [480, 960, 1600, 2000])
        for width in (480, 960, 1600):
            for image_format in ("WEBP", "PNG"):
                with _open(shot, width, image_format) as copy:
                    self.assertEqual((copy.format, copy.size), (image_format, (width, width // 2)))
        with _open(shot, 2000, "WEBP") as copy:
            self.assertEqual(copy.size, (2000, 1000))

    def test_only_widths_smaller_than_the_image_are_made(self):
        shot = make_screenshot(size=(1000, 700), color="blue")

        self.assertEqual(shot.variant_widths, [480, 960, 1000])

    def test_a_webp_image_gets_no_second_webp_of_its_own_width(self):
        shot = Screenshot.store(io.BytesIO(image_bytes("WEBP", size=(600, 300))))

        self.assertEqual(list(shot.variant_names()), [(480, "WEBP")])
        self.assertEqual(shot.webp_srcset(), "")

    def test_variants_are_made_once_not_per_request_or_per_store(self):
        shot = make_screenshot(size=(1000, 500), color="green")
        guide = make_guide(steps=0, published=False)
        add_step(guide.draft, screenshot_de=shot, screenshot_alt_de="Das Menü")
        guide.draft.publish()
        files = _files()

        Screenshot.store(io.BytesIO(shot.file.read()))
        shot.make_variants()
        self.client.get(f"/de/{guide.platform.slug}/{guide.slug}/")
        self.assertEqual(_files(), files)

    def test_the_reader_page_lists_every_copy_with_the_image_size(self):
        shot = make_screenshot(size=(1000, 500), color="purple")
        guide = make_guide(steps=0, published=False)
        add_step(guide.draft, screenshot_de=shot, screenshot_alt_de="Das Menü")
        guide.draft.publish()

        response = self.client.get(f"/de/{guide.platform.slug}/{guide.slug}/")
        base = shot.file.url.rsplit(".", 1)[0]
        webp = f"{base}-480w.webp 480w, {base}-960w.webp 960w, {base}-1000w.webp 1000w"
        png = f"{base}-480w.png 480w, {base}-960w.png 960w, {shot.file.url} 1000w"
        self.assertContains(
            response,
            f'<picture><source type="image/webp" srcset="{webp}" sizes="{SIZES}">'
            f'<img src="{shot.file.url}" srcset="{png}" sizes="{SIZES}" width="1000" '
            'height="500" alt="Das Menü"></picture>',
            html=True,
        )
        for url in (f"{base}-480w.webp", f"{base}-960w.png"):
            self.assertTrue(
                Path(settings.MEDIA_ROOT, url.removeprefix(settings.MEDIA_URL)).exists()
            )
