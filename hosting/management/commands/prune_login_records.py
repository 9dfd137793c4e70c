from datetime import timedelta

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone


class Command(BaseCommand):
    help = (
        "Delete login records (failed attempts, logins) older than LOGIN_RECORDS_DAYS days. "
        "Run it daily, e.g. from cron."
    )

    def handle(self, *args, **options):
        cutoff = timezone.now() - timedelta(days=settings.LOGIN_RECORDS_DAYS)
        deleted = sum(
            model.objects.filter(attempt_time__lt=cutoff).delete()[0]
            for model in (AccessAttempt, AccessFailureLog, AccessLog)
        )
        self.stdout.write(
            f"Deleted {deleted} login records older than {settings.LOGIN_RECORDS_DAYS} days."
        )
