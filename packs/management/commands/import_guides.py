"""Load a content pack, zipped (export_guides) or as a folder (import_content's form)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from guides.content_pack import ContentPackError, load_pack, read_pack
from packs import archive


class Command(BaseCommand):
    help = (
        "Load a content pack: a zip from export_guides, or a folder with content.json and "
        "images/. Adds what is missing and never changes a version that is already there, so "
        "running it again changes nothing. A pack with errors loads nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="The pack's zip file or folder.")
        parser.add_argument(
            "--check", action="store_true", help="Only check the pack; write nothing."
        )

    def handle(self, *args, path, check=False, **options):
        self.verbosity = options["verbosity"]
        try:
            if Path(path).is_dir():
                report = self._import(read_pack(path), path, check)
            else:
                with archive.opened(path) as (pack, _manifest):
                    report = self._import(pack, path, check)
        except ContentPackError as error:
            raise CommandError(error.refusal(path)) from None
        if report is None:
            return
        report.write_to(self)

    def _import(self, pack, path, check):
        guides = sum(len(platform["guides"]) for platform in pack["platforms"])
        self._say(
            f"{path}: checked {len(pack['platforms'])} platform(s), {guides} guide(s), "
            f"{len(pack['images'])} image(s)."
        )
        if check:
            self.stdout.write(self.style.SUCCESS(f"{path}: no problems found."))
            return None
        return load_pack(pack, progress=self._progress)

    def _progress(self, done, total, name):
        self._say(f"[{done}/{total}] {name}")

    def _say(self, line):
        if self.verbosity >= 1:
            self.stdout.write(line)
