"""Check every settings link and source of the published guides (cron).

Exits with 0 when the check ran, whatever it found (the results are in the admin); a crash
exits with 1.
"""

from django.core.management.base import BaseCommand

from watch import checking
from watch.models import LinkCheck, published_addresses


class Command(BaseCommand):
    help = "Check the settings links and sources of published guides; results in the admin."

    def handle(self, *args, **options):
        addresses = published_addresses()
        counts = dict.fromkeys(LinkCheck.Status, 0)
        for number, url in enumerate(addresses, start=1):
            result = checking.check(url)
            counts[result.status] += 1
            status = result.http_status or "-"
            final = f" -> {result.final_url}" if result.final_url not in ("", url) else ""
            detail = f" ({result.message})" if result.message and not final else ""
            self.stdout.write(
                f"[{number}/{len(addresses)}] {result.status:<10} {status:>3} {url}{final}{detail}"
            )
        self.stdout.write("")
        self.stdout.write(f"{'result':<12} {'links':>5}")
        for status, count in counts.items():
            self.stdout.write(f"{status.value:<12} {count:>5}")
        self.stdout.write(f"{'total':<12} {len(addresses):>5}")
