from django.conf import settings
from django.core.management.base import BaseCommand

from reports.models import Report


class Command(BaseCommand):
    help = "Delete reader reports older than REPORTS_KEEP_DAYS (their text may hold personal data)."

    def handle(self, *args, **options):
        deleted, _by_model = Report.objects.expired().delete()
        self.stdout.write(
            f"Deleted {deleted} reader report(s) older than {settings.REPORTS_KEEP_DAYS} days."
        )
