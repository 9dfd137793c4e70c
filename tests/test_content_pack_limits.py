"""Content-pack limits: sizes, nesting, numbers, dates, lengths, characters, files and rules.

Every bad pack is refused with one line per problem naming its place, and nothing is written.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

from django.core.management import CommandError
from django.test import TestCase, override_settings

from .content_pack_helpers import PackFolder, import_content, row_counts
from .helpers import TemporaryMediaMixin

ROOT = Path(__file__).resolve().parent.parent
GUIDE = "platform example, guide switch-off"


class ContentPackLimitsTests(TemporaryMediaMixin, TestCase):
    def setUp(self):
        self.pack = PackFolder(self)

    @property
    def version(self):
        return self.pack.version_2

    def assertRefused(self, *expected):
        with self.assertRaises(CommandError) as caught:
            import_content(self.pack.path)
        message = str(caught.exception)
        header, *problems = message.splitlines()
        self.assertIn("was not loaded (nothing changed)", header)
        self.assertTrue(all(line.startswith("  - ") for line in problems), message)
        for text in expected:
            self.assertIn(text, message)
        self.assertEqual(sum(row_counts().values()), 0, "nothing may be loaded")
        self.assertNotIn("Traceback", message)
        return message

    @override_settings(CONTENT_PACK_MAX_BYTES=1000)
    def test_a_content_file_above_the_size_limit_is_refused(self):
        self.assertRefused("bytes, more than the 1000 allowed (CONTENT_PACK_MAX_BYTES)")

    @override_settings(IMAGE_MAX_BYTES=20)
    def test_an_image_above_the_size_limit_is_refused(self):
        self.assertRefused(f"image {self.pack.image_sha}, file: ", "more than the 20 allowed")

    def test_json_nested_deeper_than_the_format_is_refused_before_parsing(self):
        self.pack.write(text='{"format": ' + "[" * 100_000 + "]" * 100_000 + "}")
        self.assertRefused("content.json, line 1: nested deeper than 20 levels")

    def test_numbers_beyond_what_the_database_holds_are_refused(self):
        self.version["number"] = 10**30
        self.version["minutes"] = 99_999
        self.pack.data["platforms"][0]["position"] = -1
        self.pack.write()
        self.assertRefused(
            f"{GUIDE}, version #2, number: must be a whole number from 1 to 2147483647",
            f"{GUIDE}, version #2, minutes: must be a whole number from 0 to 32767",
            "platform example, position: must be a whole number from 0 to 32767",
        )

    def test_numbers_too_long_to_read_and_not_numbers_are_refused(self):
        text = json.dumps(self.pack.data).replace('"number": 2', '"number": ' + "9" * 5000)
        self.pack.write(text=text)
        self.assertRefused("not valid JSON")
        self.pack.write(text=json.dumps(self.pack.data).replace('"number": 2', '"number": NaN'))
        self.assertRefused("not valid JSON (NaN is not a number)")

    def test_dates_out_of_range_are_refused(self):
        self.version["published_at"] = "9999-12-31T23:59:00-23:59"
        self.version["verified_on"] = "0001-01-01"
        self.pack.write()
        self.assertRefused(
            f"{GUIDE}, version 2, published_at: must be in the years 2000 to 2999",
            f"{GUIDE}, version 2, verified_on: must be in the years 2000 to 2999",
        )

    def test_texts_longer_than_their_field_are_refused_in_every_language(self):
        self.version["title"] = {"de": "T" * 10_000, "en": "T" * 201}
        self.pack.data["images"][0]["label"] = "L" * 201
        self.pack.write()
        self.assertRefused(
            f"{GUIDE}, version 2, title.de: Ensure this value has at most 200 characters",
            f"{GUIDE}, version 2, title.en: Ensure this value has at most 200 characters",
            "label: Ensure this value has at most 200 characters",
        )

    def test_control_characters_are_refused_in_texts_keys_and_ignored_fields(self):
        self.version["title"]["de"] = "Titel\x00"
        self.version["summary"]["en"] = "Broken \ud800 text"
        self.pack.data["notes"] = ["bell\x07"]
        self.pack.data["platforms"][0]["guides"][0]["versions"][0]["steps"][0]["x\x01"] = 1
        self.pack.write(text=json.dumps(self.pack.data))  # ensure_ascii spells \ud800
        self.assertRefused(
            "platforms[0].guides[0].versions[1].title.de: contains the control character U+0000",
            "platforms[0].guides[0].versions[1].summary.en: contains the control character U+D800",
            "notes[0]: contains the control character U+0007",
            "platforms[0].guides[0].versions[0].steps[0]: the key 'x\\x01' contains a control",
        )

    def test_an_image_behind_a_symlink_that_leaves_the_pack_is_not_read(self):
        outside = self.pack.path.parent / f"{self.pack.path.name}-outside.png"
        outside.write_bytes(self.pack.image)
        self.addCleanup(outside.unlink)
        image = self.pack.path / "images" / f"{self.pack.image_sha}.png"
        image.unlink()
        image.symlink_to(outside)
        self.assertRefused(f"{image} leads outside the pack's folder")

    def test_an_images_folder_that_leaves_the_pack_is_not_read(self):
        images = self.pack.path / "images"
        images.rename(self.pack.path.parent / f"{self.pack.path.name}-images")
        self.addCleanup(os.rename, self.pack.path.parent / f"{self.pack.path.name}-images", images)
        images.symlink_to(self.pack.path.parent / f"{self.pack.path.name}-images")
        self.addCleanup(images.unlink)
        self.assertRefused("leads outside the pack's folder")

    def test_a_published_version_without_steps_is_refused_by_the_publishing_rules(self):
        self.version["steps"] = []
        self.pack.write()
        self.assertRefused(f"{GUIDE}, version 2: cannot be published: It needs at least one step.")

    def test_a_second_version_without_a_german_change_note_is_refused(self):
        self.version["change_note"] = {"en": "Only English."}
        self.pack.write()
        self.assertRefused(
            f"{GUIDE}, version 2: cannot be published: It needs a German change note"
        )

    def test_an_archived_version_without_a_newer_published_one_is_refused(self):
        self.version["status"] = "archived"
        self.pack.write()
        self.assertRefused("archived versions [1, 2] are not older than a published one")


class ImportCommandExitTests(TestCase):
    def test_the_command_exits_non_zero_with_one_line_per_problem_and_no_traceback(self):
        pack = PackFolder(self)
        pack.write(text="[" * 100_000 + "]" * 100_000)
        result = subprocess.run(
            [sys.executable, "manage.py", "import_content", str(pack.path), "--check"],
            cwd=ROOT,
            env={**os.environ, "DJANGO_DEBUG": "1"},
            capture_output=True,
            text=True,
            timeout=120,
        )
        self.assertEqual(result.returncode, 1)
        self.assertNotIn("Traceback", result.stderr)
        self.assertIn("nested deeper than 20 levels", result.stderr)
