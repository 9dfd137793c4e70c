"""Fetch every watched source and settings link; record when its main text changed (cron)."""

from django.core.management.base import BaseCommand

from watch.extracting import page_text
from watch.fetching import FetchError, Refused, fetch
from watch.models import WatchedPage, published_addresses


class Command(BaseCommand):
    help = "Fetch the sources and settings links of published guides and note changed pages."

    def handle(self, *args, **options):
        counts = dict.fromkeys(("checked", "changed", "unchanged", "failed", "refused", "off"), 0)
        for url, guide_ids in published_addresses().items():
            page, _created = WatchedPage.objects.get_or_create(url=url)
            if not page.watching:
                counts["off"] += 1
                self.stdout.write(f"off       {url}")
                continue
            counts["checked"] += 1
            counts[self._watch(page, guide_ids)] += 1
        self.stdout.write(
            "Checked {checked}: changed {changed}, failed {failed}, refused {refused}; "
            "not watched {off}.".format(**counts)
        )

    def _watch(self, page, guide_ids):
        try:
            response = fetch(page.url)
            if response.status != 200:
                raise FetchError(f"HTTP {response.status}")
            text = page_text(response)
        except Refused as error:
            page.record_failure(str(error))
            self.stdout.write(f"refused   {page.url}: {error}")
            return "refused"
        except FetchError as error:
            page.record_failure(str(error))
            self.stdout.write(f"failed    {page.url}: {error}")
            return "failed"
        baseline = not page.fingerprint
        changed = page.record_text(text, guide_ids)
        label = "changed" if changed else "baseline" if baseline else "unchanged"
        self.stdout.write(f"{label:<9} {page.url}")
        return "changed" if changed else "unchanged"
