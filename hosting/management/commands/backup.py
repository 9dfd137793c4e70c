from django.core.management.base import BaseCommand, CommandError

from hosting.backups import BackupError, back_up


class Command(BaseCommand):
    help = (
        "Copy the database (consistently, while the site runs) and every media file into a new "
        "folder. Restore it with `manage.py restore DIR`."
    )

    def add_arguments(self, parser):
        parser.add_argument("folder", help="A folder that does not exist yet, or an empty one.")

    def handle(self, folder, **options):
        try:
            manifest = back_up(folder)
        except BackupError as error:
            raise CommandError(error) from None
        self.stdout.write(
            f"Backed up the {manifest['database']} database and {manifest['media_files']} media "
            f"files (from {manifest['media_storage']}) to {folder}."
        )
