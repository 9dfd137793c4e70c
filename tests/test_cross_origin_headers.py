"""Permissions-Policy and Cross-Origin-Resource-Policy on every kind of response."""

from django.templatetags.static import static
from django.test import TestCase

from tests.helpers import TemporaryMediaMixin, make_guide, make_screenshot


class CrossOriginHeadersTests(TemporaryMediaMixin, TestCase):
    def assert_headers(self, response):
        self.assertEqual(response["Cross-Origin-Resource-Policy"], "same-origin")
        policy = response["Permissions-Policy"]
        for feature in ("camera", "microphone", "geolocation", "browsing-topics", "payment"):
            self.assertIn(f"{feature}=()", policy)

    def test_reader_page_denies_powerful_features_and_embedding_elsewhere(self):
        guide = make_guide()

        self.assert_headers(self.client.get(guide.get_absolute_url()))

    def test_static_files_media_and_errors_carry_the_headers_too(self):
        for url, status in (
            (static("css/site.css"), 200),
            (make_screenshot().file.url, 200),
            ("/admin/login/", 200),
            ("/de/no/such/page/here/", 404),
        ):
            with self.subTest(url):
                response = self.client.get(url)
                self.assertEqual(response.status_code, status)
                self.assert_headers(response)
