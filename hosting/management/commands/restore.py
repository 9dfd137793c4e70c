from django.core.management.base import BaseCommand, CommandError

from hosting.backups import BackupError, read_manifest, restore


class Command(BaseCommand):
    help = (
        "Replace the database and the media files with a backup made by `manage.py backup`. "
        "Stop the site first."
    )

    def add_arguments(self, parser):
        parser.add_argument("folder", help="A folder written by `manage.py backup`.")
        parser.add_argument(
            "--noinput",
            "--no-input",
            action="store_false",
            dest="interactive",
            help="Do not ask for confirmation.",
        )

    def handle(self, folder, interactive, **options):
        try:
            manifest = read_manifest(folder)
            if interactive and not self._confirmed(folder, manifest):
                raise CommandError("Nothing was restored.")
            restore(folder)
        except BackupError as error:
            raise CommandError(error) from None
        self.stdout.write(
            f"Restored the {manifest['database']} database and {manifest['media_files']} media "
            f"files from the backup of {manifest['created']}."
        )

    def _confirmed(self, folder, manifest):
        self.stdout.write(
            f"This replaces the whole database and the media files with the backup of "
            f"{manifest['created']} in {folder}; changes since then are lost."
        )
        try:
            return input("Type 'yes' to continue: ").strip() == "yes"
        except EOFError:
            return False
