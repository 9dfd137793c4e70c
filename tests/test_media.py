"""Uploaded screenshots are served by the app itself, with DEBUG off as in production."""

import os
import re
from pathlib import Path

from django.conf import settings
from django.test import TestCase

from tests.helpers import (
    TemporaryMediaMixin,
    make_guide_showing,
    make_screenshot,
)


class MediaTests(TemporaryMediaMixin, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.shot = make_screenshot(size=(60, 40))
        cls.guide = make_guide_showing(cls.shot)

    def test_screenshot_on_a_guide_page_is_served_with_its_bytes_and_type(self):
        page = self.client.get(self.guide.get_absolute_url())
        src = re.search(r'<img src="([^"]+)"', page.text).group(1)

        response = self.client.get(src)

        self.assertFalse(settings.DEBUG)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "image/png")
        self.assertEqual(b"".join(response.streaming_content), self.shot.file.open().read())

    def test_screenshot_may_be_cached_for_a_year_without_revalidation(self):
        response = self.client.get(self.shot.file.url)

        self.assertEqual(response["Cache-Control"], "public, max-age=31536000, immutable")

    def test_head_answers_like_get_without_a_body(self):
        response = self.client.head(self.shot.file.url)

        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "image/png")
        self.assertEqual(int(response["Content-Length"]), self.shot.file.size)
        self.assertEqual(b"".join(response.streaming_content), b"")

    def test_unknown_file_is_not_found(self):
        name = self.shot.file.name.replace(self.shot.sha256, "0" * 64)

        self.assertEqual(self.client.get(f"/media/{name}").status_code, 404)

    def test_folders_are_not_listed(self):
        folder = str(Path(self.shot.file.name).parent)

        for path in ("/media/", "/media/screenshots/", f"/media/{folder}/"):
            with self.subTest(path=path):
                # The reader site may first redirect to its language prefix (/de/media/...).
                self.assertEqual(self.client.get(path, follow=True).status_code, 404)

    def test_paths_outside_the_media_folder_are_not_found(self):
        # manage.py exists: a path that escaped the media folder would find it.
        escape = os.path.relpath(Path(__file__).parent.parent / "manage.py", settings.MEDIA_ROOT)
        for path in (
            f"/media/{escape}",
            "/media/" + escape.replace("..", "%2e%2e"),
            "/media/" + escape.replace("/", "%2f"),
            f"/media/screenshots/../{escape}",
            f"/media/{Path(__file__).parent.parent / 'manage.py'}",
            "/media/%2f" + str(Path(__file__).parent.parent / "manage.py").lstrip("/"),
        ):
            with self.subTest(path=path):
                self.assertEqual(self.client.get(path, follow=True).status_code, 404)

    def test_uploads_cannot_be_changed_through_the_media_address(self):
        response = self.client.post(self.shot.file.url, {"file": "x"})

        self.assertEqual(response.status_code, 405)
