"""prune_screenshots removes what no version shows; clean_screenshots re-encodes old files."""

import io
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.test import TestCase
from PIL import Image

from guides.models import GuideVersion, Screenshot, Step

from .helpers import TemporaryMediaMixin, add_step, jpeg_with_gps, make_guide, make_screenshot
from .screenshot_helpers import guide_with_three_versions, stored_before_cleaning


def _run(name, *args):
    out, err = io.StringIO(), io.StringIO()
    call_command(name, *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def _exists(name):
    return Path(settings.MEDIA_ROOT, name).exists()


class PruneScreenshotsTests(TemporaryMediaMixin, TestCase):
    def setUp(self):
        self.guide, self.shots = guide_with_three_versions()
        self.unused = make_screenshot(color="yellow", size=(1000, 500), label="Leaked")
        storage = Screenshot.file.field.storage
        self.stray = storage.save("screenshots/ab/leftover.png", ContentFile(b"left over"))
        self.addCleanup(storage.delete, self.stray)

    def test_the_versions_are_archived_published_and_draft(self):
        statuses = set(self.guide.versions.values_list("status", flat=True))
        self.assertEqual(statuses, set(GuideVersion.Status))

    def test_every_referenced_screenshot_and_its_copies_are_kept(self):
        _run("prune_screenshots", "--min-age-hours=0")

        for status, shot in self.shots.items():
            with self.subTest(status):
                self.assertTrue(Screenshot.objects.filter(pk=shot.pk).exists())
                self.assertEqual(len(shot.file_names()), 4)
                for name in shot.file_names():
                    self.assertTrue(_exists(name), name)

    def test_unreferenced_screenshots_their_copies_and_unknown_files_are_removed(self):
        names = [self.unused.file.name, *self.unused.variant_names().values()]

        out, _err = _run("prune_screenshots", "--min-age-hours=0")

        self.assertFalse(Screenshot.objects.filter(pk=self.unused.pk).exists())
        self.assertEqual([name for name in names if _exists(name)], [])
        self.assertFalse(_exists(self.stray))
        self.assertIn(f"removed screenshot {self.unused.file.name} (Leaked)", out)
        self.assertIn(f"removed file {self.stray}", out)
        self.assertIn("Removed 1 screenshots and 1 other files; 3 kept.", out)

    def test_a_dry_run_lists_but_removes_nothing(self):
        out, _err = _run("prune_screenshots", "--dry-run", "--min-age-hours=0")

        self.assertIn(f"would remove screenshot {self.unused.file.name}", out)
        self.assertIn("Would remove 1 screenshots and 1 other files; 3 kept.", out)
        self.assertTrue(Screenshot.objects.filter(pk=self.unused.pk).exists())
        self.assertTrue(_exists(self.unused.file.name))
        self.assertTrue(_exists(self.stray))

    def test_what_was_stored_recently_is_kept_by_default(self):
        out, _err = _run("prune_screenshots")

        self.assertTrue(Screenshot.objects.filter(pk=self.unused.pk).exists())
        self.assertTrue(_exists(self.stray))
        self.assertIn("Removed 0 screenshots and 0 other files; 4 kept.", out)

    def test_the_untranslated_screenshot_column_counts_too(self):
        step = add_step(self.guide.draft, position=9)
        # The column behind the field itself, which modeltranslation hides behind the languages'.
        Step.objects.rewrite(False).filter(pk=step.pk).update(screenshot=self.unused)

        _run("prune_screenshots", "--min-age-hours=0")
        self.assertTrue(Screenshot.objects.filter(pk=self.unused.pk).exists())


class CleanScreenshotsTests(TemporaryMediaMixin, TestCase):
    def setUp(self):
        self.old = stored_before_cleaning(jpeg_with_gps(size=(1200, 800)), label="Phone")
        self.old_name, self.old_sha = self.old.file.name, self.old.sha256
        self.guide = make_guide(steps=0, published=False)
        add_step(self.guide.draft, screenshot_de=self.old, screenshot_alt_de="Menü")
        self.guide.draft.publish()

    def test_an_old_file_is_replaced_by_a_clean_one_and_the_row_and_references_stay(self):
        out, _err = _run("clean_screenshots")

        self.old.refresh_from_db()
        step = Step.objects.get(version__guide=self.guide)
        self.assertEqual(step.screenshot_de, self.old)
        self.assertFalse(_exists(self.old_name))
        with Image.open(self.old.file.path) as image:
            self.assertEqual(dict(image.getexif()), {})
            self.assertEqual(image.size, (800, 1200))  # turned upright
        self.assertEqual((self.old.width, self.old.height), (800, 1200))
        self.assertEqual(self.old.source_sha256, self.old_sha)
        self.assertEqual(self.old.variant_widths, [480, 800])
        self.assertIn(f"cleaned {self.old_name} -> {self.old.file.name}", out)

    def test_running_it_again_changes_nothing(self):
        _run("clean_screenshots")
        self.old.refresh_from_db()
        data = self.old.file.read()

        out, _err = _run("clean_screenshots")
        self.assertIn("Cleaned 0 screenshots", out)
        self.old.refresh_from_db()
        self.assertEqual(self.old.file.read(), data)

    def test_the_old_file_uploaded_again_finds_the_cleaned_row(self):
        _run("clean_screenshots")

        again = Screenshot.store(io.BytesIO(jpeg_with_gps(size=(1200, 800))))
        self.assertEqual(again.pk, self.old.pk)

    def test_two_old_files_that_clean_to_one_image_become_one_row(self):
        other = stored_before_cleaning(jpeg_with_gps(size=(1200, 800)) + b"trailing")
        add_step(self.guide.new_draft(), position=2, screenshot_en=other)

        _run("clean_screenshots")

        self.assertEqual(Screenshot.objects.count(), 1)
        shown = Step.objects.values_list("screenshot_de", "screenshot_en")
        self.assertEqual({pk for pair in shown for pk in pair if pk}, {self.old.pk})

    def test_a_file_that_cannot_be_read_is_kept_and_named(self):
        broken = stored_before_cleaning(jpeg_with_gps())
        Path(broken.file.path).write_bytes(b"not an image")

        _out, err = _run("clean_screenshots")
        self.assertIn(f"kept {broken.file.name} as it is", err)
        self.assertTrue(Screenshot.objects.filter(pk=broken.pk).exists())
