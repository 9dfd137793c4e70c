"""Fetch the upstream's signed pack and take its new versions (run it from cron)."""

from django.core.management.base import BaseCommand, CommandError

from packs.pulling import PullRefused, pull


class Command(BaseCommand):
    help = (
        "Fetch the pack at UPSTREAM_PACK_URL, verify it with UPSTREAM_PUBLIC_KEY, refuse a pack "
        "older than the last one applied, and take its new versions as UPSTREAM_POLICY says "
        "(review: drafts; auto: published when the guide has no local changes). Local drafts "
        "and locally edited versions are never overwritten."
    )

    def handle(self, *args, **options):
        try:
            done = pull()
        except PullRefused as error:
            raise CommandError(f"Nothing changed: {error}") from None
        lines = done.summary.splitlines()
        for line in lines:
            style = self.style.SUCCESS if line.startswith("added") else self.style.WARNING
            self.stdout.write(style(line) if not line.startswith("skipped") else line)
        counts = {kind: sum(line.startswith(kind) for line in lines) for kind in
                  ("added", "waiting", "skipped")}  # fmt: skip
        self.stdout.write(
            f"Pulled {done.url} (serial {done.serial or 'none'}): {counts['added']} added, "
            f"{counts['waiting']} waiting, {counts['skipped']} skipped."
        )
