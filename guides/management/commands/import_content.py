"""Load a content pack (docs/content-format.md) into the database."""

from django.core.management.base import BaseCommand, CommandError

from guides.content_pack import ContentPackError, import_pack, read_pack


class Command(BaseCommand):
    help = (
        "Load a content pack: a folder with content.json and images/ (e.g. guides/demo). "
        "Adds what is missing and never changes a version that is already there, so running it "
        "again changes nothing. A pack with errors loads nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="The pack's folder, or its JSON file.")
        parser.add_argument(
            "--check", action="store_true", help="Only check the pack; write nothing."
        )

    def handle(self, *args, path, check=False, **options):
        try:
            if check:
                read_pack(path)
                self.stdout.write(self.style.SUCCESS(f"{path}: no problems found."))
                return
            report = import_pack(path)
        except ContentPackError as error:
            raise CommandError(error.refusal(path)) from None
        report.write_to(self)
