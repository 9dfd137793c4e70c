"""Content packs: platforms, guides and every version of them in one JSON file, with images.

A pack is a folder with `content.json` and an `images/` folder; images are referenced by the
SHA-256 of their bytes. docs/content-format.md describes format version 1. Reading checks the
whole pack before anything is written and reports every problem with where it is; loading then
writes in one transaction, never changes an existing version and never re-publishes an old one,
so loading the same pack twice changes nothing.

`version_data` turns a stored version back into the pack's form: loading compares with it, and an
export writes it.
"""

import hashlib
import json
import re
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from PIL import Image, UnidentifiedImageError

from .models import Guide, GuideVersion, Platform, Region, Screenshot, Source, Step

FORMAT = "opt-out-guides/content-pack"
FORMAT_VERSION = 1
CONTENT_FILE = "content.json"
IMAGE_EXTENSIONS = ("png", "jpg", "webp")
LANGUAGE_CODES = [code for code, _name in settings.LANGUAGES]

VERSION_TEXTS = ("title", "summary", "context", "check_text", "change_note", "needs_confirmation")
STEP_TEXTS = ("instruction", "menu_path", "target_value", "screenshot_alt")
# What an editor's later work may change on a stored version without it counting as different.
LIFECYCLE = ("number", "status", "based_on", "published_at", "verified_on")

# Fields of each object: (required, optional).
FIELDS = {
    "pack": ({"format", "version", "platforms"}, {"regions", "images", "notes"}),
    "region": ({"code", "name"}, {"position"}),
    "image": ({"sha256", "file"}, {"kind", "label"}),
    "platform": ({"slug", "name", "guides"}, {"website", "description", "position"}),
    "guide": ({"slug", "versions"}, {"topic", "regions", "position"}),
    "version": (
        {"number", "status", "title"},
        {"based_on", "published_at", "verified_on", "deep_link", "minutes", "steps", "sources"}
        | set(VERSION_TEXTS),
    ),
    "step": (
        {"key", "instruction"},
        {"device", "needs_confirmation", "screenshot"} | set(STEP_TEXTS),
    ),
    "source": ({"url"}, {"title"}),
}


class ContentPackError(Exception):
    """The pack cannot be loaded; `errors` lists every problem, each saying where it is."""

    def __init__(self, errors):
        self.errors = list(errors)
        super().__init__("\n".join(self.errors))


# Reading and checking -------------------------------------------------------------------------


def read_pack(path):
    """The pack at `path` (its folder or its JSON file), checked and in normal form.

    Normal form: every translated field is a dict with all site languages ("" when empty),
    every optional field present. Raises ContentPackError.
    """
    path = Path(path)
    file = path / CONTENT_FILE if path.is_dir() else path
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ContentPackError([f"{file}: no such file"]) from None
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        where = f", line {error.lineno} column {error.colno}" if hasattr(error, "lineno") else ""
        raise ContentPackError([f"{file}{where}: not valid JSON ({error})"]) from None
    checker = _Checker(file)
    with translation.override("en"):
        pack = checker.pack(data)
    if checker.errors:
        raise ContentPackError(checker.errors)
    return pack


class _Checker:
    """Walks the raw JSON, collecting errors and building the normal form."""

    def __init__(self, file):
        self.file = file
        self.folder = file.parent
        self.errors = []

    def error(self, where, message):
        self.errors.append(f"{where}: {message}")

    def fields(self, data, where, kind):
        if not isinstance(data, dict):
            self.error(where, "must be a JSON object")
            return None
        required, optional = FIELDS[kind]
        for name in sorted(required - data.keys()):
            self.error(f"{where}, {name}", "is missing")
        for name in sorted(data.keys() - required - optional):
            self.error(f"{where}, {name}", f"is not a field of format version {FORMAT_VERSION}")
        return data

    def items(self, data, name, where):
        value = data.get(name, [])
        if not isinstance(value, list):
            self.error(f"{where}, {name}", "must be a list")
            return []
        return value

    def texts(self, data, name, where):
        """A translated field: {"de": …, "en": …} with every site language filled in."""
        value = data.get(name) or {}
        if not isinstance(value, dict):
            self.error(f"{where}, {name}", 'must be an object by language, e.g. {"de": "…"}')
            return dict.fromkeys(LANGUAGE_CODES, "")
        for code in sorted(value.keys() - set(LANGUAGE_CODES)):
            self.error(f"{where}, {name}.{code}", f"unknown language (known: {LANGUAGE_CODES})")
        for code, text in value.items():
            if not isinstance(text, str):
                self.error(f"{where}, {name}.{code}", "must be a string")
        return {
            code: text if isinstance(text := value.get(code), str) else ""
            for code in LANGUAGE_CODES
        }

    def typed(self, data, name, where, kind, default=None, null=False):
        """data[name] if it has the right type; a missing field was reported by fields()."""
        value = data.get(name, default)
        if name not in data or (null and value is None):
            return value
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            self.error(f"{where}, {name}", f"must be {_KIND_NAMES[kind]}")
            return default
        return value

    def https(self, value, where):
        if value and not value.startswith("https://"):
            self.error(where, f"{value!r} is not an https:// address")

    def model(self, instance, where, exclude):
        """Field checks that the model already knows: lengths, choices, URL syntax."""
        try:
            instance.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                self.error(f"{where}, {_pack_name(name)}", " ".join(messages))

    def unique(self, values, where, what):
        seen = set()
        for value in values:
            if value in seen:
                self.error(where, f"{what} {value!r} appears twice")
            seen.add(value)

    # The levels of the pack, top down.

    def pack(self, data):
        where = str(self.file)
        if not self.fields(data, where, "pack"):
            return None
        if data.get("format") != FORMAT:
            self.error(f"{where}, format", f"must be {FORMAT!r}, not {data.get('format')!r}")
            return None
        if data.get("version") != FORMAT_VERSION:
            self.error(
                f"{where}, version",
                f"format version {data.get('version')!r} is not supported "
                f"(this site reads version {FORMAT_VERSION})",
            )
            return None
        regions = [
            self.region(r, f"{where}, region {_label(r, 'code', n)}")
            for n, r in enumerate(self.items(data, "regions", where), start=1)
        ]
        images = [
            self.image(i, f"{where}, image {_label(i, 'sha256', n)}")
            for n, i in enumerate(self.items(data, "images", where), start=1)
        ]
        self.unique([r["code"] for r in regions], where, "region")
        self.unique([i["sha256"] for i in images], where, "image")
        pack = {
            "regions": regions,
            "images": {image["sha256"]: image for image in images},
            "platforms": [],
        }
        for n, platform in enumerate(self.items(data, "platforms", where), start=1):
            where_ = f"{where}, platform {_label(platform, 'slug', n)}"
            pack["platforms"].append(self.platform(platform, where_, pack))
        self.unique([p["slug"] for p in pack["platforms"]], where, "platform")
        return pack

    def region(self, data, where):
        if not self.fields(data, where, "region"):
            return {"code": None}
        region = {
            "code": self.typed(data, "code", where, str),
            "name": self.texts(data, "name", where),
            "position": self.typed(data, "position", where, int, 0),
        }
        if not region["name"]["de"]:
            self.error(f"{where}, name.de", "is missing: every region needs a German name")
        self.model(Region(code=region["code"]), where, exclude=["name", "position"])
        return region

    def image(self, data, where):
        if not self.fields(data, where, "image"):
            return {"sha256": None}
        image = {
            "sha256": self.typed(data, "sha256", where, str),
            "file": self.typed(data, "file", where, str),
            "kind": self.typed(data, "kind", where, str, Screenshot.Kind.SCREENSHOT),
            "label": self.typed(data, "label", where, str, ""),
        }
        if not re.fullmatch(r"[0-9a-f]{64}", image["sha256"] or ""):
            self.error(f"{where}, sha256", "must be 64 lowercase hexadecimal digits")
            return image
        if image["kind"] not in Screenshot.Kind.values:
            self.error(f"{where}, kind", f"must be one of {Screenshot.Kind.values}")
        expected = [f"images/{image['sha256']}.{ext}" for ext in IMAGE_EXTENSIONS]
        if image["file"] not in expected:
            self.error(f"{where}, file", "must be images/<sha256>.png (or .jpg, .webp)")
            return image
        image["path"] = self.folder / image["file"]
        self.image_file(image["path"], image["sha256"], f"{where}, file")
        return image

    def image_file(self, path, sha256, where):
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            self.error(where, f"{path} does not exist")
            return
        actual = hashlib.sha256(data).hexdigest()
        if actual != sha256:
            self.error(where, f"{path} has SHA-256 {actual}, not the {sha256} its name says")
            return
        try:
            with Image.open(path) as picture:
                picture.verify()
                image_format = picture.format
        except (UnidentifiedImageError, OSError, SyntaxError):
            image_format = None
        if image_format not in Screenshot.FORMATS:
            self.error(where, f"{path} is not a PNG, JPEG or WebP image")

    def platform(self, data, where, pack):
        if not self.fields(data, where, "platform"):
            return {"slug": None, "guides": []}
        platform = {
            "slug": self.typed(data, "slug", where, str),
            "name": self.typed(data, "name", where, str),
            "website": self.typed(data, "website", where, str, ""),
            "description": self.texts(data, "description", where),
            "position": self.typed(data, "position", where, int, 0),
        }
        self.https(platform["website"], f"{where}, website")
        self.model(Platform(**_without(platform, "description")), where, exclude=["description"])
        platform["guides"] = [
            self.guide(guide, f"{where}, guide {_label(guide, 'slug', n)}", pack)
            for n, guide in enumerate(self.items(data, "guides", where), start=1)
        ]
        self.unique([g["slug"] for g in platform["guides"]], where, "guide")
        return platform

    def guide(self, data, where, pack):
        if not self.fields(data, where, "guide"):
            return {"slug": None, "versions": []}
        guide = {
            "slug": self.typed(data, "slug", where, str),
            "topic": self.typed(data, "topic", where, str, Guide.Topic.OTHER),
            "regions": self.typed(data, "regions", where, list, []),
            "position": self.typed(data, "position", where, int, 0),
        }
        known = {region["code"] for region in pack["regions"]}
        for code in guide["regions"]:
            if not isinstance(code, str) or code not in known:
                self.error(f"{where}, regions", f"unknown region {code!r} (not in the pack)")
        self.model(Guide(**_without(guide, "regions")), where, exclude=["platform"])
        guide["versions"] = [
            self.version(version, f"{where}, version {_label(version, 'number', n)}", pack)
            for n, version in enumerate(self.items(data, "versions", where), start=1)
        ]
        self.history(guide["versions"], where)
        return guide

    def history(self, versions, where):
        """Statuses and numbers as an editor's publishing would leave them."""
        numbers = [v["number"] for v in versions if isinstance(v["number"], int)]
        self.unique(numbers, where, "version number")
        by_status = {status: [] for status in GuideVersion.Status.values}
        for version in versions:
            by_status.get(version["status"], []).append(version["number"] or 0)
        for status in ("published", "draft"):
            if len(by_status[status]) > 1:
                self.error(where, f"only one version may be {status}, not {by_status[status]}")
        if by_status["draft"] and max(numbers, default=0) not in by_status["draft"]:
            self.error(where, "the draft must have the highest version number")
        published = max(by_status["published"], default=0)
        newer = [n for n in by_status["archived"] if n > published]
        if by_status["published"] and newer:
            self.error(where, f"archived versions {newer} are newer than the published one")
        for version in versions:
            if version["based_on"] is not None and version["based_on"] not in numbers:
                self.error(
                    f"{where}, version {version['number']}, based_on",
                    f"there is no version {version['based_on']}",
                )

    def version(self, data, where, pack):
        if not self.fields(data, where, "version"):
            return {"number": None, "status": None, "based_on": None}
        version = {
            "number": self.typed(data, "number", where, int, None),
            "status": self.typed(data, "status", where, str),
            "based_on": self.typed(data, "based_on", where, int, null=True),
            "published_at": self.moment(data, "published_at", where, datetime),
            "verified_on": self.moment(data, "verified_on", where, date),
            **{name: self.texts(data, name, where) for name in VERSION_TEXTS},
            "deep_link": self.typed(data, "deep_link", where, str, ""),
            "minutes": self.typed(data, "minutes", where, int, 2),
        }
        if version["number"] is not None and version["number"] < 1:
            self.error(f"{where}, number", "must be 1 or more")
        self.lifecycle(version, where)
        if not version["title"]["de"]:
            self.error(f"{where}, title.de", "is missing: every version needs a German title")
        self.https(version["deep_link"], f"{where}, deep_link")
        self.model(_version(version), where, exclude=_NOT_CHECKED["version"])
        version["steps"] = [
            self.step(step, f"{where}, step {n}", pack)
            for n, step in enumerate(self.items(data, "steps", where), start=1)
        ]
        self.unique([step["key"] for step in version["steps"]], where, "step key")
        version["sources"] = [
            self.source(source, f"{where}, source {n}")
            for n, source in enumerate(self.items(data, "sources", where), start=1)
        ]
        return version

    def moment(self, data, name, where, kind):
        value = data.get(name)
        if value is None:
            return None
        try:
            parsed = kind.fromisoformat(value)
        except (TypeError, ValueError):
            parsed = None
        if parsed is None or (kind is datetime and parsed.tzinfo is None):
            example = "2025-10-29T12:00:00+01:00" if kind is datetime else "2025-10-29"
            self.error(f"{where}, {name}", f"{value!r} is not a date like {example}")
        return parsed

    def lifecycle(self, version, where):
        status = version["status"]
        if status not in GuideVersion.Status.values:
            self.error(f"{where}, status", f"must be one of {GuideVersion.Status.values}")
        elif status == GuideVersion.Status.DRAFT:
            for name in ("published_at", "verified_on"):
                if version[name]:
                    self.error(f"{where}, {name}", "a draft has not been published or verified")
        else:
            for name in ("published_at", "verified_on"):
                if not version[name]:
                    self.error(f"{where}, {name}", f"is missing: a {status} version needs it")
        if version["based_on"] is not None and version["based_on"] >= (version["number"] or 0):
            self.error(f"{where}, based_on", "must be the number of an earlier version")

    def step(self, data, where, pack):
        if not self.fields(data, where, "step"):
            return {"key": None}
        try:
            key = str(uuid.UUID(str(data.get("key"))))
        except ValueError:
            self.error(f"{where}, key", f"{data.get('key')!r} is not a UUID")
            key = None
        where = f"{where} ({key})" if key else where
        step = {
            "key": key,
            "device": self.typed(data, "device", where, str, Step.Device.BOTH),
            **{name: self.texts(data, name, where) for name in STEP_TEXTS},
            "needs_confirmation": self.typed(data, "needs_confirmation", where, bool, False),
            "screenshot": {
                code: sha or None for code, sha in self.texts(data, "screenshot", where).items()
            },
        }
        if not step["instruction"]["de"]:
            self.error(f"{where}, instruction.de", "is missing: every step needs German text")
        for code, sha in step["screenshot"].items():
            if sha and sha not in pack["images"]:
                self.error(f"{where}, screenshot.{code}", f"image {sha} is not listed in images")
            if sha and not step["screenshot_alt"][code]:
                self.error(f"{where}, screenshot_alt.{code}", "describe the screenshot")
        self.model(_step(step), where, exclude=_NOT_CHECKED["step"])
        return step

    def source(self, data, where):
        if not self.fields(data, where, "source"):
            return {}
        source = {
            "url": self.typed(data, "url", where, str),
            "title": self.typed(data, "title", where, str, ""),
        }
        if isinstance(source["url"], str):
            self.https(source["url"], f"{where}, url")
        self.model(Source(**source), where, exclude=["version", "position"])
        return source


_KIND_NAMES = {int: "a whole number", str: "a string", bool: "true or false", list: "a list"}

# Left out of the model checks: relations and lifecycle (the rows do not exist yet), the
# untranslated base fields (they read the current language with fallback), and the German title
# and instruction (checked above with a clearer message).
_NOT_CHECKED = {
    "version": ["guide", "number", "status", "based_on", "published_at", "verified_on", "revision"]
    + ["created_at", "updated_at", "created_by", "published_by", "verified_by", "updated_by"]
    + list(VERSION_TEXTS)
    + ["title_de"],
    "step": ["version", "key", "position", "screenshot", *STEP_TEXTS]
    + [f"screenshot_{code}" for code in LANGUAGE_CODES]
    + ["instruction_de"],
}


def _label(data, key, n):
    """How an error names an object: by its slug, code or number, else by its position."""
    value = data.get(key) if isinstance(data, dict) else None
    return value if isinstance(value, str | int) and value != "" else f"#{n}"


def _pack_name(model_field):
    """title_en -> title.en: the field's name as the pack spells it."""
    base, _sep, code = model_field.rpartition("_")
    return f"{base}.{code}" if code in LANGUAGE_CODES else model_field


def _without(data, *names):
    return {key: value for key, value in data.items() if key not in names}


def _translated(data, names):
    """Model keyword arguments for translated fields: title_de=…, title_en=…; empty is None."""
    return {f"{name}_{code}": data[name][code] or None for name in names for code in LANGUAGE_CODES}


def _version(data, **fields):
    return GuideVersion(
        deep_link=data["deep_link"],
        minutes=data["minutes"],
        **_translated(data, VERSION_TEXTS),
        **fields,
    )


def _step(data, **fields):
    return Step(
        key=data["key"],
        device=data["device"],
        needs_confirmation=data["needs_confirmation"],
        **_translated(data, STEP_TEXTS),
        **fields,
    )


# The pack's form of stored rows (the export side) -------------------------------------------


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
        "published_at": version.published_at,
        "verified_on": version.verified_on,
        **{name: _texts(version, name) for name in VERSION_TEXTS},
        "deep_link": version.deep_link,
        "minutes": version.minutes,
        "steps": [step_data(step) for step in version.steps.all()],
        "sources": [{"url": s.url, "title": s.title} for s in version.sources.all()],
    }


def _content(data):
    return _without(data, *LIFECYCLE)


# Loading -------------------------------------------------------------------------------------


@dataclass
class Report:
    """What loading did, one line per guide."""

    created: list = field(default_factory=list)
    unchanged: list = field(default_factory=list)
    conflicts: list = field(default_factory=list)


def import_pack(path):
    """Read the pack at `path` and load it; nothing is written if it has errors."""
    return load_pack(read_pack(path))


def load_pack(pack):
    """Write a pack from read_pack in one transaction; see the module docstring for the rules."""
    report = Report()
    with transaction.atomic():
        regions = {data["code"]: _region(data) for data in pack["regions"]}
        images = _Images(pack["images"])
        for data in pack["platforms"]:
            platform = _platform(data)
            for guide_data in data["guides"]:
                _load_guide(platform, guide_data, regions, images, report)
    return report


def _region(data):
    return Region.objects.get_or_create(
        code=data["code"],
        defaults={"position": data["position"], **_translated(data, ("name",))},
    )[0]


def _platform(data):
    return Platform.objects.get_or_create(
        slug=data["slug"],
        defaults={
            "name": data["name"],
            "website": data["website"],
            "position": data["position"],
            **_translated(data, ("description",)),
        },
    )[0]


class _Images:
    """Screenshot rows for the pack's images, stored when a new step first needs them."""

    def __init__(self, images):
        self.images = images
        self.stored = {}

    def get(self, sha256):
        if sha256 not in self.stored:
            image = self.images[sha256]
            with open(image["path"], "rb") as file:
                self.stored[sha256] = Screenshot.store(
                    file, kind=image["kind"], label=image["label"]
                )
        return self.stored[sha256]


def _load_guide(platform, data, regions, images, report):
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
    conflict = _conflict(data["versions"], stored)
    if conflict:
        report.conflicts.append(f"{name}: {conflict}; the guide was left as it is")
        return
    new = sorted((v for v in data["versions"] if v["number"] not in stored), key=_number)
    if not new:
        report.unchanged.append(f"{name}: versions {sorted(stored)} already there, unchanged")
        return
    for item in new:
        stored[item["number"]] = _create_version(guide, item, stored, images)
    report.created.append(f"{name}: created versions {[_number(v) for v in new]}")


def _number(version):
    return version["number"]


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


def _create_version(guide, data, stored, images):
    """Create the version as a draft with its steps and sources, then give it its status."""
    based_on = stored.get(data["based_on"])
    version = _version(data, guide=guide, number=data["number"], based_on=based_on)
    if data["published_at"]:
        version.created_at = data["published_at"]
    version.save()
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
    if data["status"] == GuideVersion.Status.DRAFT:
        return version
    if data["status"] == GuideVersion.Status.PUBLISHED:
        guide.versions.filter(status=GuideVersion.Status.PUBLISHED).update(
            status=GuideVersion.Status.ARCHIVED
        )
    GuideVersion.objects.filter(pk=version.pk).update(
        status=data["status"], published_at=data["published_at"], verified_on=data["verified_on"]
    )
    if data["status"] == GuideVersion.Status.PUBLISHED:
        guide.published_version = version
        guide.save(update_fields=["published_version"])
    version.refresh_from_db()
    return version
