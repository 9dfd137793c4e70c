"""Remove screenshots and files that no step of any version shows."""

import datetime

from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import ProtectedError
from django.utils import timezone

from guides.models import Screenshot

FOLDER = "screenshots"


class Command(BaseCommand):
    help = (
        "Delete screenshots no step of any version (draft, published or archived, any "
        "language) shows, with their files and copies, and files under screenshots/ that no "
        "screenshot knows. A referenced screenshot is never touched."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Only list what would be removed."
        )
        parser.add_argument(
            "--min-age-hours",
            type=float,
            default=24,
            help="Keep what was stored more recently (an editor may be about to use it; "
            "default: 24).",
        )

    def handle(self, *args, dry_run=False, min_age_hours=24, **options):
        verb = "would remove" if dry_run else "removed"
        cutoff = timezone.now() - datetime.timedelta(hours=min_age_hours)
        rows = self._prune_rows(cutoff, dry_run, verb)
        files = self._prune_files(cutoff, dry_run, verb)
        kept = Screenshot.objects.count() - (rows if dry_run else 0)
        summary = "Would remove" if dry_run else "Removed"
        self.stdout.write(f"{summary} {rows} screenshots and {files} other files; {kept} kept.")

    def _prune_rows(self, cutoff, dry_run, verb):
        removed = 0
        unused = Screenshot.objects.exclude(pk__in=Screenshot.referenced_ids())
        for screenshot in unused.filter(created_at__lt=cutoff).order_by("pk"):
            if not dry_run:
                try:
                    with transaction.atomic():
                        screenshot.delete()
                except ProtectedError:
                    continue  # a step started to show it since the query: keep it
                screenshot.delete_files()
            removed += 1
            self.stdout.write(f"{verb} screenshot {screenshot.file.name} ({screenshot})")
        return removed

    def _prune_files(self, cutoff, dry_run, verb):
        storage = Screenshot._meta.get_field("file").storage
        known = {name for row in Screenshot.objects.all() for name in row.file_names()}
        removed = 0
        for name in _files(storage, FOLDER):
            if name in known or storage.get_modified_time(name) >= cutoff:
                continue
            if not dry_run:
                storage.delete(name)
            removed += 1
            self.stdout.write(f"{verb} file {name}")
        return removed


def _files(storage, folder):
    """Every file name under `folder` of `storage`, in sub-folders too."""
    if not storage.exists(folder):
        return
    folders, files = storage.listdir(folder)
    for name in sorted(files):
        yield f"{folder}/{name}"
    for sub in sorted(folders):
        yield from _files(storage, f"{folder}/{sub}")
