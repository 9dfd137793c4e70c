"""Write every platform, region and guide, with every version, into one zip (a content pack)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from packs import archive


class Command(BaseCommand):
    help = (
        "Write a content pack zip: all platforms, regions and guides, every published and "
        "archived version and drafts (flagged by their status), in every language, with the "
        "screenshots they show. No user names or e-mail addresses. The same content always "
        "gives the same bytes."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="The zip file to write, e.g. guides.zip.")
        parser.add_argument(
            "--public-only",
            action="store_true",
            help="Only what readers see: published guides, their published and archived versions.",
        )

    def handle(self, *args, path, public_only=False, **options):
        data = archive.export_pack(public_only=public_only)
        try:
            Path(path).write_bytes(data)
        except OSError as error:
            raise CommandError(f"{path}: cannot be written ({error.strerror})") from None
        self.stdout.write(self.style.SUCCESS(f"Wrote {path} ({len(data)} bytes)."))
