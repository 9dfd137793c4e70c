"""Loading a checked content pack: one transaction, publishing through GuideVersion.publish().

Loading never changes an existing version and never re-publishes an old one, so loading the
same pack twice changes nothing. New versions are created as drafts with their steps and
sources, then published with the pack's dates: the same publish() and the same rules as in the
admin. `version_data` turns a stored version back into the pack's normal form, to compare.
"""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction

from ..models import (
    CannotPublish,
    Guide,
    GuideVersion,
    Platform,
    Region,
    Screenshot,
    Source,
    Step,
    translated_languages,
)
from .checking import (
    LANGUAGE_CODES,
    LIFECYCLE,
    STEP_TEXTS,
    VERSION_TEXTS,
    ContentPackError,
    _step,
    _translated,
    _without,
    read_pack,
    unsaved_version,
)


@dataclass
class Report:
    """What loading did, one line per guide."""

    created: list = field(default_factory=list)
    unchanged: list = field(default_factory=list)
    conflicts: list = field(default_factory=list)

    def write_to(self, command):
        """Prints the report as the import commands do: created, unchanged, then conflicts."""
        for line in self.created:
            command.stdout.write(command.style.SUCCESS(line))
        for line in self.unchanged:
            command.stdout.write(line)
        for line in self.conflicts:
            command.stderr.write(command.style.WARNING(f"Not loaded: {line}"))


def import_pack(path):
    """Read the pack at `path` and load it; nothing is written if it has errors."""
    return load_pack(read_pack(path))


def load_pack(pack, progress=None):
    """Write a pack from read_pack in one transaction; raises ContentPackError, writing nothing.

    `progress(done, total, name)` is called after each guide, for large packs.
    """
    report = Report()
    total = sum(len(data["guides"]) for data in pack["platforms"])
    done = 0
    try:
        with transaction.atomic():
            regions = {data["code"]: stored_region(data) for data in pack["regions"]}
            images = PackImages(pack["images"])
            for data in pack["platforms"]:
                platform = stored_platform(data)
                for guide_data in data["guides"]:
                    _load_guide(platform, guide_data, regions, images, report, pack["unreviewed"])
                    done += 1
                    if progress:
                        progress(done, total, f"{platform.slug}/{guide_data['slug']}")
    except DatabaseError as error:
        # The checks should leave nothing for the database to refuse; if it does, say so in
        # one line (the transaction has undone everything).
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else type(error)
        raise ContentPackError([f"the database refused the pack: {first_line}"]) from None
    return report


def stored_region(data):
    """The site's region of a pack's region `data`, created when new."""
    return Region.objects.get_or_create(
        code=data["code"],
        defaults={"position": data["position"], **_translated(data, ("name",))},
    )[0]


def stored_platform(data):
    """The site's platform of a pack's platform `data`, created when new."""
    return Platform.objects.get_or_create(
        slug=data["slug"],
        defaults={
            "name": data["name"],
            "website": data["website"],
            "position": data["position"],
            **_translated(data, ("description",)),
        },
    )[0]


class PackImages:
    """Screenshot rows for the pack's images, stored when a new step first needs them."""

    def __init__(self, images):
        self.images = images
        self.stored = {}

    def get(self, sha256):
        if sha256 not in self.stored:
            image = self.images[sha256]
            try:
                with open(image["path"], "rb") as file:
                    self.stored[sha256] = Screenshot.store(
                        file, kind=image["kind"], label=image["label"]
                    )
            except ValidationError as error:
                raise ContentPackError([f"{image['path']}: {' '.join(error.messages)}"]) from None
        return self.stored[sha256]

    def as_stored(self, version):
        """The pack's `version` with its images named as the site stores them, to compare.

        A pack names an image by the hash of its file; the site stores the cleaned image
        under the hash of the result and remembers the file's hash (Screenshot.source_sha256).
        """
        stored = {}
        for step in version["steps"]:
            for sha in filter(None, step["screenshot"].values()):
                if sha not in stored:
                    copy = Screenshot.stored_copy_of(sha)
                    stored[sha] = copy.sha256 if copy else sha
        steps = [
            {
                **step,
                "screenshot": {code: stored.get(sha) for code, sha in step["screenshot"].items()},
            }
            for step in version["steps"]
        ]
        return {**version, "steps": steps}


def _load_guide(platform, data, regions, images, report, unreviewed=()):
    name = f"{platform.slug}/{data['slug']}"
    guide, created = Guide.objects.get_or_create(
        platform=platform,
        slug=data["slug"],
        defaults={"topic": data["topic"], "position": data["position"]},
    )
    if created:
        guide.regions.set([regions[code] for code in data["regions"]])
    stored = {
        version.number: version
        for version in guide.versions.select_related("based_on").prefetch_related(
            "sources", *(f"steps__screenshot_{code}" for code in LANGUAGE_CODES)
        )
    }
    conflict = _conflict([images.as_stored(v) for v in data["versions"]], stored)
    if conflict:
        report.conflicts.append(f"{name}: {conflict}; the guide was left as it is")
        return
    new = sorted((v for v in data["versions"] if v["number"] not in stored), key=_number)
    if not new:
        report.unchanged.append(f"{name}: versions {sorted(stored)} already there, unchanged")
        return
    for item in new:
        stored[item["number"]] = _create_version(guide, item, stored, images, name, unreviewed)
    report.created.append(f"{name}: created versions {[_number(v) for v in new]}")


def _number(version):
    return version["number"]


def _content(data):
    return _without(data, *LIFECYCLE)


def _conflict(versions, stored):
    """Why the pack's versions cannot be added to the stored ones, or ""."""
    for version in versions:
        existing = stored.get(version["number"])
        if existing and _content(version_data(existing)) != _content(version):
            return (
                f"version {version['number']} on the site differs from the pack's "
                f"(it was not overwritten)"
            )
    new = [v["number"] for v in versions if v["number"] not in stored]
    if new and stored and min(new) < max(stored):
        return f"the pack's versions {new} are older than the site's version {max(stored)}"
    drafts = [n for n, v in stored.items() if v.status == GuideVersion.Status.DRAFT]
    if new and drafts:
        return f"the site has a draft (version {drafts[0]}); publish or discard it first"
    return ""


def _create_version(guide, data, stored, images, name, unreviewed=()):
    """Create the version as a draft with its steps and sources, then publish it if it was.

    An archived version is published with its dates and archived by the next one, as an
    editor's publishing would have done (the checker refuses an archived version that no
    published one follows).
    """
    based_on = stored.get(data["based_on"])
    version = unsaved_version(
        data,
        guide=guide,
        number=data["number"],
        based_on=based_on,
        upstream_number=data["upstream_number"],
    )
    if data["published_at"]:
        version.created_at = data["published_at"]
    version.save()
    store_steps_and_sources(version, data, images)
    confirm_reviewed(version, unreviewed)
    if data["status"] != GuideVersion.Status.DRAFT:
        try:
            version.publish(published_at=data["published_at"], verified_on=data["verified_on"])
        except CannotPublish as error:
            where = f"{name}, version {data['number']}"
            problems = [f"{where}: cannot be published: {p}" for p in error.problems]
            raise ContentPackError(problems) from None
    return version


# The pack's form of stored rows -----------------------------------------------------------------


def _texts(obj, name):
    return {code: getattr(obj, f"{name}_{code}") or "" for code in LANGUAGE_CODES}


def step_data(step):
    return {
        "key": str(step.key),
        "device": step.device,
        **{name: _texts(step, name) for name in STEP_TEXTS},
        "needs_confirmation": step.needs_confirmation,
        "screenshot": {
            code: getattr(step, f"screenshot_{code}").sha256
            if getattr(step, f"screenshot_{code}_id")
            else None
            for code in LANGUAGE_CODES
        },
    }


def version_data(version):
    """A stored version in the pack's normal form (what read_pack returns for it)."""
    return {
        "number": version.number,
        "status": version.status,
        "based_on": version.based_on.number if version.based_on_id else None,
        "upstream_number": version.upstream_number,
        "published_at": version.published_at,
        "verified_on": version.verified_on,
        **{name: _texts(version, name) for name in VERSION_TEXTS},
        "deep_link": version.deep_link,
        "minutes": version.minutes,
        "steps": [step_data(step) for step in version.steps.all()],
        "sources": [{"url": s.url, "title": s.title} for s in version.sources.all()],
    }


def confirm_reviewed(version, unreviewed):
    """A pack's translations were reviewed where the pack was made: they start confirmed, except
    in the languages the pack names as unreviewed (machine-assisted), which editors check."""
    reviewed = [code for code in translated_languages() if code not in unreviewed]
    if reviewed:
        version.confirm_translations(languages=reviewed)


def store_steps_and_sources(version, data, images):
    """Stores a pack version's steps and sources under the saved `version`."""
    Step.objects.bulk_create(
        _step(
            step,
            version=version,
            position=position,
            **{
                f"screenshot_{code}": images.get(sha)
                for code, sha in step["screenshot"].items()
                if sha
            },
        )
        for position, step in enumerate(data["steps"], start=1)
    )
    Source.objects.bulk_create(
        Source(version=version, position=position, **source)
        for position, source in enumerate(data["sources"], start=1)
    )
