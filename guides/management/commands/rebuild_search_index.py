"""Index the reader text of every published version for the site's search, afresh."""

from django.core.management.base import BaseCommand

from guides.search import rebuild_index


class Command(BaseCommand):
    help = (
        "Rebuild the search index from the published versions, in every language. Publishing "
        "keeps it up to date; run this once after upgrading to a release that changes what "
        "search covers."
    )

    def handle(self, *args, **options):
        count = rebuild_index()
        self.stdout.write(f"Indexed {count} published versions.")
