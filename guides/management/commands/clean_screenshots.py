"""Re-encode screenshots stored before uploads were cleaned; run once after upgrading."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand

from guides.models import Screenshot


class Command(BaseCommand):
    help = (
        "Re-encode every screenshot stored before uploads were cleaned (metadata removed, "
        "upright, sRGB) and make its copies for readers. Rows stay and keep every reference; "
        "each gets the cleaned file, and the old file is deleted afterwards. Safe to run again."
    )

    def handle(self, *args, **options):
        cleaned = failed = 0
        # A row without copies for readers was stored before uploads were cleaned: cleaning
        # an already cleaned JPEG again would only lose quality.
        for screenshot in Screenshot.objects.filter(variants="").order_by("pk"):
            old = screenshot.file.name
            try:
                holder = screenshot.reencode()
            except (ValidationError, OSError) as error:
                failed += 1
                reason = " ".join(getattr(error, "messages", [str(error)]))
                self.stderr.write(f"kept {old} as it is: {reason}")
                continue
            cleaned += 1
            self.stdout.write(f"cleaned {old} -> {holder.file.name}")
        self.stdout.write(f"Cleaned {cleaned} screenshots; {failed} could not be read.")
