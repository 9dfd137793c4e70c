"""Guide versions: numbering, drafts copied from published versions, publishing, locking."""

from datetime import date, timedelta
from unittest import mock

import time_machine
from django.conf import settings
from django.db import IntegrityError, transaction
from django.test import TestCase

from guides.models import Guide, GuideVersion, Screenshot, Step, VersionLocked

from .helpers import (
    TemporaryMediaMixin,
    add_step,
    make_guide,
    make_platform,
    make_screenshot,
    make_user,
    publish_draft,
)


class VersionTests(TemporaryMediaMixin, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.platform = make_platform()
        cls.publisher = make_user(groups=["Publisher"])

    def make_guide(self, **kwargs):
        return Guide.objects.get(pk=make_guide(platform=self.platform, **kwargs).pk)

    def test_versions_are_numbered_one_two_three_per_guide(self):
        guide, other = self.make_guide(), self.make_guide()
        for _ in range(2):
            publish_draft(guide)
        self.assertEqual(list(guide.versions.values_list("number", flat=True)), [3, 2, 1])
        self.assertEqual(other.new_draft().number, 2)

    def test_new_draft_copies_steps_with_their_keys_and_shares_screenshots(self):
        guide = self.make_guide(published=False, steps=0)
        version = guide.versions.get()
        screenshot = make_screenshot()
        add_step(version, screenshot_de=screenshot, screenshot_alt_de="Schalter")
        add_step(version, position=2)
        version.publish()

        draft = version.new_draft(by=self.publisher)

        self.assertEqual(
            list(draft.steps.values_list("key", "position", "instruction_de")),
            list(version.steps.values_list("key", "position", "instruction_de")),
        )
        self.assertEqual(draft.steps.first().screenshot_de, screenshot)
        self.assertEqual(Screenshot.objects.count(), 1)
        self.assertEqual(
            (draft.based_on, draft.created_by, draft.status), (version, self.publisher, "draft")
        )
        self.assertEqual(draft.title_en, version.title_en)
        self.assertEqual(draft.sources.count(), 1)

    def test_new_draft_starts_with_an_empty_change_note_in_every_language(self):
        guide = self.make_guide(change_note_de="Erste Fassung.", change_note_en="First version.")

        draft = guide.new_draft()

        self.assertFalse(draft.change_note_de)
        self.assertFalse(draft.change_note_en)
        self.assertEqual(draft.summary_en, guide.published_version.summary_en)

    def test_new_draft_opens_the_existing_draft(self):
        guide = self.make_guide()
        draft = guide.new_draft()
        self.assertEqual(guide.published_version.new_draft(), draft)
        self.assertEqual(guide.versions.count(), 2)

    def test_publish_archives_the_old_version_and_points_the_guide_at_the_new_one(self):
        guide = self.make_guide()
        old = guide.published_version
        draft = guide.new_draft()
        draft.change_note_de = "Geprüft."
        draft.save()
        draft.publish(by=self.publisher)
        guide.refresh_from_db()
        old.refresh_from_db()
        self.assertEqual(guide.published_version, draft)
        self.assertEqual((old.status, draft.status), ("archived", "published"))
        self.assertEqual(draft.published_by, self.publisher)

    def test_a_failure_in_the_middle_of_publishing_changes_nothing(self):
        guide = self.make_guide()
        old = guide.published_version
        draft = guide.new_draft()
        draft.change_note_de = "Geprüft."
        draft.save()
        with mock.patch.object(Guide, "save", side_effect=RuntimeError("power cut")):
            with self.assertRaises(RuntimeError):
                draft.publish(by=self.publisher)
        guide.refresh_from_db()
        old.refresh_from_db()
        draft.refresh_from_db()
        self.assertEqual(guide.published_version, old)
        self.assertEqual((old.status, draft.status), ("published", "draft"))
        self.assertIsNone(draft.published_at)

    def test_a_guide_cannot_have_two_drafts(self):
        guide = self.make_guide()
        guide.new_draft()
        with self.assertRaises(IntegrityError), transaction.atomic():
            GuideVersion.objects.create(guide=guide, number=9, title_de="Zweiter Entwurf")

    def test_a_guide_cannot_have_two_published_versions(self):
        guide = self.make_guide()
        with self.assertRaises(IntegrityError), transaction.atomic():
            GuideVersion.objects.create(
                guide=guide, number=9, title_de="Zweite", status=GuideVersion.Status.PUBLISHED
            )

    def test_published_content_cannot_be_saved_in_any_language(self):
        version = self.make_guide().published_version
        for field in ("title_de", "title_fr", "summary_en"):
            with self.subTest(field), self.assertRaises(VersionLocked):
                setattr(version, field, "Geändert")
                version.save()
        with self.assertRaises(VersionLocked):
            add_step(version, position=9)
        with self.assertRaises(VersionLocked):
            version.steps.first().delete()
        version.refresh_from_db()
        self.assertEqual(version.steps.count(), 2)

    def test_published_version_can_still_be_marked_verified(self):
        version = self.make_guide().published_version
        version.mark_verified(by=self.publisher, on=date(2026, 2, 1))
        version.refresh_from_db()
        self.assertEqual(
            (version.verified_on, version.verified_by), (date(2026, 2, 1), self.publisher)
        )

    def test_only_a_draft_can_be_published_or_discarded(self):
        version = self.make_guide().published_version
        with self.assertRaises(VersionLocked):
            version.publish()
        with self.assertRaises(VersionLocked):
            version.discard()

    def test_discarding_a_draft_removes_it_with_its_steps(self):
        guide = self.make_guide()
        draft = guide.new_draft()
        draft.discard()
        self.assertEqual(guide.versions.count(), 1)
        self.assertEqual(Step.objects.count(), 2)


class StaleTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        with time_machine.travel("2026-01-10 09:00 +01:00", tick=False):
            cls.version = make_guide().versions.get()

    def test_publishing_counts_as_a_check_on_that_day(self):
        self.assertEqual(self.version.verified_on, date(2026, 1, 10))

    def test_a_version_becomes_stale_the_day_after_the_limit(self):
        limit = date(2026, 1, 10) + timedelta(days=settings.STALE_AFTER_DAYS)
        with time_machine.travel(f"{limit} 12:00 +02:00", tick=False):
            self.assertFalse(self.version.is_stale())
        with time_machine.travel(f"{limit + timedelta(days=1)} 00:30 +02:00", tick=False):
            self.assertTrue(self.version.is_stale())

    def test_the_local_date_counts_not_utc(self):
        # 23:30 UTC on the limit day is already the next day in Berlin.
        limit = date(2026, 1, 10) + timedelta(days=settings.STALE_AFTER_DAYS)
        with time_machine.travel(f"{limit} 23:30 +00:00", tick=False):
            self.assertTrue(self.version.is_stale())

    def test_marking_verified_today_makes_it_fresh_again(self):
        with time_machine.travel("2027-01-01 12:00 +01:00", tick=False):
            self.assertTrue(self.version.is_stale())
            self.version.mark_verified()
            self.assertFalse(self.version.is_stale())

    def test_a_version_never_checked_is_stale(self):
        draft = self.version.new_draft()
        self.assertTrue(draft.is_stale())
