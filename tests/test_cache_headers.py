"""Files whose name changes with their content may be kept by browsers and proxies for a year.

Static files (WhiteNoise, hashed names) and screenshots with their smaller and WebP copies are
served with `immutable`; reader pages, which change with every publish, only briefly.
"""

import re

from django.test import TestCase

from tests.helpers import TemporaryMediaMixin, make_guide_showing, make_screenshot

IMMUTABLE = "public, max-age=31536000, immutable"


class CacheHeaderTests(TemporaryMediaMixin, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.guide = make_guide_showing(make_screenshot(size=(2000, 1000)))

    def setUp(self):
        self.page = self.client.get(self.guide.get_absolute_url()).text

    def test_stylesheets_and_scripts_of_a_reader_page_are_immutable(self):
        assets = re.findall(r'(?:href|src)="(/static/[^"]+)"', self.page)
        self.assertTrue(any(asset.endswith(".css") for asset in assets))
        for asset in assets:
            with self.subTest(asset=asset):
                response = self.client.get(asset)
                self.assertEqual(response.status_code, 200)
                self.assertEqual(response["Cache-Control"], IMMUTABLE)

    def test_a_static_file_under_its_unhashed_name_is_not_immutable(self):
        hashed = re.search(r'href="(/static/[^"]+\.css)"', self.page).group(1)
        plain = re.sub(r"\.[0-9a-f]{12}\.css$", ".css", hashed)

        response = self.client.get(plain)

        self.assertEqual(response.status_code, 200)
        self.assertNotIn("immutable", response["Cache-Control"])

    def test_every_screenshot_size_and_format_on_the_page_is_immutable(self):
        sources = re.findall(r'(/media/[^"\s,]+)', self.page)
        self.assertGreater(len(set(sources)), 4)  # the original, smaller copies, WebP copies
        for source in set(sources):
            with self.subTest(source=source):
                response = self.client.get(source)
                self.assertEqual(response.status_code, 200)
                self.assertEqual(response["Cache-Control"], IMMUTABLE)

    def test_reader_pages_may_be_kept_only_briefly(self):
        response = self.client.get(self.guide.get_absolute_url())

        self.assertEqual(response["Cache-Control"], "public, max-age=60")
