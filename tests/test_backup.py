"""`manage.py backup DIR` and `manage.py restore DIR`: everything back after a mishap."""

import json
import shutil
from io import StringIO
from pathlib import Path
from unittest import mock

import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import TransactionTestCase

from guides.models import Guide, Platform, Screenshot, Step
from tests.helpers import TemporaryMediaMixin, add_step, make_guide, make_screenshot

# On PostgreSQL the commands run pg_dump and pg_restore (SQLite needs no tool).
pytestmark = pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
    and not (shutil.which("pg_dump") and shutil.which("pg_restore")),
    reason="the PostgreSQL client tools are not installed",
)


def _call(*args):
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def _stored(screenshot):
    """Names of the screenshot's files that exist: the image and the copies made of it."""
    return [name for name in screenshot.file_names() if default_storage.exists(name)]


class BackupTests(TemporaryMediaMixin, TransactionTestCase):
    def setUp(self):
        self.shot = make_screenshot(size=(30, 30))
        self.guide = make_guide(steps=0, published=False)
        add_step(self.guide.draft, screenshot_de=self.shot, screenshot_alt_de="Einstellungen")
        self.guide.draft.publish()
        media = Path(settings.MEDIA_ROOT)
        self.folder = media.parent / f"{media.name}-backup"
        self.addCleanup(shutil.rmtree, self.folder, ignore_errors=True)

    def test_backup_holds_the_database_and_every_media_file(self):
        output = _call("backup", str(self.folder))

        manifest = json.loads((self.folder / "manifest.json").read_text())
        files = len(_stored(self.shot))  # the image and the copies readers get
        self.assertEqual(manifest["database"], connection.vendor)
        self.assertEqual(manifest["media_files"], files)
        self.assertEqual(
            (self.folder / "media" / self.shot.file.name).read_bytes(),
            default_storage.open(self.shot.file.name).read(),
        )
        database = "db.sqlite3" if connection.vendor == "sqlite" else "database.pgdump"
        self.assertGreater((self.folder / database).stat().st_size, 0)
        self.assertIn(
            f"database and {files} media files (from FileSystemStorage) to {self.folder}", output
        )

    def test_backup_of_a_site_without_uploads_has_no_media(self):
        with self.settings(MEDIA_ROOT=str(self.folder.parent / "never-created")):
            output = _call("backup", str(self.folder))

        self.assertIn("database and 0 media files", output)
        self.assertFalse((self.folder / "media").exists())

    def test_backup_never_writes_into_a_folder_that_has_files(self):
        self.folder.mkdir()
        (self.folder / "notes.txt").write_text("keep me")

        with self.assertRaisesMessage(CommandError, "is not an empty folder"):
            _call("backup", str(self.folder))

        self.assertEqual([p.name for p in self.folder.iterdir()], ["notes.txt"])

    def test_restore_brings_back_deleted_data_and_media(self):
        _call("backup", str(self.folder))
        name, original = self.shot.file.name, default_storage.open(self.shot.file.name).read()
        Guide.objects.all().delete()
        Screenshot.objects.all().delete()
        Platform.objects.update(name="Renamed after the backup")
        default_storage.delete(name)

        output = _call("restore", str(self.folder), "--noinput")

        files = len(_stored(self.shot))
        self.assertIn(f"Restored the {connection.vendor} database and {files} media files", output)
        guide = Guide.objects.get(pk=self.guide.pk)
        self.assertEqual(guide.platform.name, "LinkedIn")
        self.assertEqual(guide.published_version.steps.get().screenshot_de.file.name, name)
        self.assertEqual(default_storage.open(name).read(), original)
        self.assertEqual(self.client.get(guide.get_absolute_url()).status_code, 200)
        self.assertEqual(self.client.get(f"/media/{name}").status_code, 200)

    def test_a_guide_page_read_before_the_restore_shows_the_restored_content(self):
        _call("backup", str(self.folder))
        page = self.guide.get_absolute_url()
        self.client.get(page)
        self.guide.refresh_from_db()
        step = self.guide.published_version.steps.get()
        step.mark_verified(device=Step.Device.APP)
        self.assertContains(self.client.get(page), "Schritt in der App geprüft am")

        _call("restore", str(self.folder), "--noinput")

        self.assertNotContains(self.client.get(page), "Schritt in der App geprüft am")

    def test_restore_replaces_a_damaged_media_file(self):
        _call("backup", str(self.folder))
        name = self.shot.file.name
        original = default_storage.open(name).read()
        Path(default_storage.path(name)).write_bytes(b"damaged")

        _call("restore", str(self.folder), "--noinput")

        self.assertEqual(default_storage.open(name).read(), original)
        self.assertEqual(
            sorted(p.name for p in Path(default_storage.path(name)).parent.iterdir()),
            sorted(Path(stored).name for stored in _stored(self.shot)),
        )

    def test_restore_asks_first_and_changes_nothing_without_a_yes(self):
        _call("backup", str(self.folder))
        Guide.objects.all().delete()

        with mock.patch("builtins.input", return_value="no"):
            with self.assertRaisesMessage(CommandError, "Nothing was restored."):
                _call("restore", str(self.folder))

        self.assertFalse(Guide.objects.exists())

    def test_restore_refuses_a_folder_that_is_not_a_backup(self):
        self.folder.mkdir()

        with self.assertRaisesMessage(CommandError, "is not a backup"):
            _call("restore", str(self.folder), "--noinput")
