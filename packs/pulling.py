"""Following an upstream: fetch its signed pack, refuse replays, take its new versions.

An instance numbers its own versions; a version taken from the upstream keeps the upstream's
number as GuideVersion.upstream_number ("from upstream, version 4" in the history). Local work
is never overwritten: when a guide has a draft, the upstream version waits (WaitingVersion)
until the draft is published or discarded. With the policy "auto" a new upstream version goes
live at once, but only when the guide's published version came from the upstream unchanged;
otherwise, and with "review", it arrives as a draft beside the published version.
"""

from dataclasses import dataclass, field
from datetime import datetime
from hashlib import sha256

from django.conf import settings
from django.db import DatabaseError, transaction

from guides.content_pack import ContentPackError
from guides.content_pack.checking import unsaved_version
from guides.content_pack.loading import (
    PackImages,
    confirm_reviewed,
    store_steps_and_sources,
    stored_platform,
    stored_region,
)
from guides.models import CannotPublish, Guide, GuideVersion
from watch.fetching import FetchError, fetch

from . import archive, signing
from .models import GuidePolicy, Policy, Pull, WaitingVersion


class PullRefused(Exception):
    """The pull changed nothing; the message is one line that says why."""


@dataclass
class Summary:
    added: list = field(default_factory=list)
    waiting: list = field(default_factory=list)
    skipped: list = field(default_factory=list)

    def lines(self):
        return [
            *(f"added: {line}" for line in self.added),
            *(f"waiting: {line}" for line in self.waiting),
            *(f"skipped: {line}" for line in self.skipped),
        ]


def pull(by=None, url=None, public_key=None, policy=None):
    """Fetch, verify and apply the upstream's pack; returns the Pull logged.

    Raises PullRefused (after logging it) when the pack cannot be fetched, is not signed by
    the upstream's key, is older than the last pack applied, or does not pass the checks.
    """
    url = url or settings.UPSTREAM_PACK_URL
    public_key = public_key or settings.UPSTREAM_PUBLIC_KEY
    policy = policy or settings.UPSTREAM_POLICY
    if not url or not public_key:
        raise PullRefused("set UPSTREAM_PACK_URL and UPSTREAM_PUBLIC_KEY to follow an upstream")
    digest = ""
    try:
        key = signing.load_public_key(public_key)
        response = fetch(url, max_bytes=settings.CONTENT_PACK_ZIP_MAX_BYTES)
        if response.status != 200:
            raise PullRefused(f"{url} answered HTTP {response.status}")
        digest = sha256(response.body).hexdigest()
        with archive.opened(response.body, name=url, public_key=key) as (pack, manifest):
            with transaction.atomic():
                _refuse_replay(manifest["serial"])
                summary = apply(pack, policy)
                return Pull.objects.create(
                    by=by,
                    url=url,
                    outcome=Pull.Outcome.APPLIED,
                    serial=manifest["serial"],
                    sha256=digest,
                    summary="\n".join(summary.lines()),
                )
    except (ContentPackError, FetchError, ValueError, PullRefused, DatabaseError) as error:
        # A DatabaseError is most likely a second pull at the same moment: both wrote the same
        # guide's draft. This one's transaction was undone; the next pull takes what is left.
        reason = _one_line(error)
        Pull.objects.create(
            by=by, url=url, outcome=Pull.Outcome.REFUSED, sha256=digest, summary=reason
        )
        raise PullRefused(reason) from None


def _one_line(error):
    if isinstance(error, ContentPackError):
        more = len(error.errors) - 1
        return error.errors[0] + (f" (and {more} more problem(s))" if more > 0 else "")
    return str(error).splitlines()[0] if str(error) else type(error).__name__


def _moment(serial):
    return datetime.fromisoformat(serial) if serial else None


def _refuse_replay(serial):
    try:
        new = _moment(serial)
    except ValueError:
        raise PullRefused(f"the pack's serial {serial!r} is not a date") from None
    for applied in Pull.objects.applied().exclude(serial="").values_list("serial", flat=True):
        last = _moment(applied)
        if new is None or new < last:
            raise PullRefused(
                f"the pack (serial {serial or 'none'}) is older than one applied before "
                f"({applied}): a replayed pack is refused"
            )


def apply(pack, policy):
    """Take the upstream's new versions from a checked pack, in one transaction."""
    summary = Summary()
    with transaction.atomic():
        policies = {
            (p.guide.platform.slug, p.guide.slug): p.policy
            for p in GuidePolicy.objects.select_related("guide__platform")
        }
        regions = {data["code"]: stored_region(data) for data in pack["regions"]}
        images = PackImages(pack["images"])
        for platform_data in pack["platforms"]:
            platform = None
            for data in platform_data["guides"]:
                name = f"{platform_data['slug']}/{data['slug']}"
                chosen = policies.get((platform_data["slug"], data["slug"]), policy)
                upstream = [v for v in data["versions"] if v["status"] == "published"]
                if chosen == Policy.IGNORE:
                    summary.skipped.append(f"{name}: not followed (the guide's upstream policy)")
                elif not upstream:
                    summary.skipped.append(f"{name}: the upstream has not published it")
                else:
                    platform = platform or stored_platform(platform_data)
                    guide = _guide(platform, data, regions)
                    _take(guide, upstream[0], chosen, images, summary, name, pack["unreviewed"])
    return summary


def _guide(platform, data, regions):
    guide, created = Guide.objects.get_or_create(
        platform=platform,
        slug=data["slug"],
        defaults={"topic": data["topic"], "position": data["position"]},
    )
    if created:
        guide.regions.set([regions[code] for code in data["regions"]])
    return guide


def _take(guide, upstream, policy, images, summary, name, unreviewed):
    versions = list(guide.versions.all())
    number = upstream["number"]
    taken = max((v.upstream_number or 0 for v in versions), default=0)
    if number <= taken:
        WaitingVersion.objects.filter(guide=guide, upstream_number__lte=taken).delete()
        summary.skipped.append(f"{name}: upstream version {number} is here already")
        return
    draft = next((v for v in versions if v.status == GuideVersion.Status.DRAFT), None)
    if draft:
        reason = (
            f"the guide has a draft (version {draft.number}), which is never overwritten: "
            f"publish or discard it, then pull again"
        )
        WaitingVersion.objects.update_or_create(
            guide=guide, defaults={"upstream_number": number, "reason": reason}
        )
        summary.waiting.append(f"{name}: upstream version {number}: {reason}")
        return
    WaitingVersion.objects.filter(guide=guide).delete()
    published = guide.published_version
    local_changes = published is not None and published.upstream_number is None
    version = _draft(guide, upstream, images, unreviewed)
    where = f"{name}: upstream version {number} as version {version.number}"
    if policy == Policy.AUTO and not local_changes:
        try:
            version.publish(verified_on=upstream["verified_on"])
        except CannotPublish as error:
            summary.waiting.append(f"{where}, a draft: it cannot be published: {error}")
            return
        summary.added.append(f"{where}, published")
    elif policy == Policy.AUTO:
        summary.waiting.append(
            f"{where}, a draft for review: the published version {published.number} was edited here"
        )
    else:
        summary.added.append(f"{where}, a draft for review")


def _draft(guide, data, images, unreviewed):
    """A new draft of `guide` with the upstream version's content, steps and sources; its
    translations confirmed as with import_guides, but for the languages the upstream's pack
    names as unreviewed."""
    version = unsaved_version(
        data, guide=guide, based_on=guide.published_version, upstream_number=data["number"]
    )
    version.save()
    store_steps_and_sources(version, data, images)
    confirm_reviewed(version, unreviewed)
    return version
