"""Media on S3-compatible object storage (S3_BUCKET set), tested against a local emulator."""

import json
import re
import shutil
import tempfile
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import TestCase, TransactionTestCase, override_settings

from tests.helpers import make_guide_showing, make_screenshot
from tests.s3_helpers import S3_ENDPOINT, bucket_keys, new_bucket, s3_storages


class S3MediaMixin:
    """Keep media in a fresh bucket of the S3 emulator for the test class."""

    @classmethod
    def setUpClass(cls):
        cls.bucket = new_bucket()
        cls._storages = override_settings(
            STORAGES=s3_storages(cls.bucket), MEDIA_ROOT="/nonexistent"
        )
        cls._storages.enable()
        super().setUpClass()

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        cls._storages.disable()


@pytest.mark.usefixtures("s3_server")
class MediaObjectStorageTests(S3MediaMixin, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.shot = make_screenshot(size=(50, 20))
        cls.guide = make_guide_showing(cls.shot)

    def test_uploads_are_stored_in_the_bucket(self):
        self.assertIn(self.shot.file.name, bucket_keys(self.bucket))

    def test_guide_page_links_the_screenshot_through_this_site(self):
        page = self.client.get(self.guide.get_absolute_url())
        src = re.search(r'<img src="([^"]+)"', page.text).group(1)

        self.assertEqual(src, f"/media/{self.shot.file.name}")
        self.assertNotContains(page, S3_ENDPOINT)
        self.assertNotIn("127.0.0.1:8690", page["Content-Security-Policy"])

    def test_screenshot_is_served_from_the_bucket_with_long_caching(self):
        response = self.client.get(f"/media/{self.shot.file.name}")

        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "image/png")
        self.assertEqual(response["Cache-Control"], "public, max-age=31536000, immutable")
        self.assertEqual(b"".join(response.streaming_content), self.shot.file.open().read())

    def test_head_answers_without_a_body(self):
        response = self.client.head(f"/media/{self.shot.file.name}")

        self.assertEqual(response.status_code, 200)
        self.assertEqual(b"".join(response.streaming_content), b"")

    def test_unknown_file_and_folders_are_not_found(self):
        for path in (
            self.shot.file.name.replace(self.shot.sha256, "f" * 64),
            "screenshots/",
            "../" + self.shot.file.name,
        ):
            with self.subTest(path=path):
                self.assertEqual(self.client.get(f"/media/{path}", follow=True).status_code, 404)

    def test_same_image_uploaded_again_is_stored_once(self):
        keys = bucket_keys(self.bucket)  # the image and the copies readers get
        again = make_screenshot(size=(50, 20))

        self.assertEqual(again.pk, self.shot.pk)
        self.assertEqual(bucket_keys(self.bucket), keys)
        self.assertIn(self.shot.file.name, keys)


@pytest.mark.usefixtures("s3_server")
class MediaObjectStorageBackupTests(S3MediaMixin, TransactionTestCase):
    # A transaction test: SQLite's online backup waits for other open transactions to end.
    def setUp(self):
        self.shot = make_screenshot(size=(50, 20))

    def test_backup_copies_the_files_from_the_bucket(self):
        folder = Path(tempfile.mkdtemp(prefix="backup-")) / "backup"
        self.addCleanup(shutil.rmtree, folder.parent)

        call_command("backup", str(folder), stdout=StringIO())

        copied = folder / "media" / self.shot.file.name
        self.assertEqual(copied.read_bytes(), self.shot.file.open().read())
        manifest = json.loads((folder / "manifest.json").read_text())
        self.assertEqual(manifest["media_files"], len(bucket_keys(self.bucket)))
