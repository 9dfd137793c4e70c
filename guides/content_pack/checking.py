"""Checking a content pack: read content.json and its images, refuse what the site cannot store.

Everything is checked before anything is written, and every problem is one line that says where
it is (file, platform, guide, version, step and field). What passes comes back in normal form:
every translated field a dict with all site languages ("" when empty), every optional field
present. docs/content-format.md describes format versions 1 and 2 and their limits.
"""

import hashlib
import json
import re
import uuid
from datetime import date, datetime
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.backends.base.operations import BaseDatabaseOperations
from django.utils import translation
from modeltranslation.translator import NotRegistered, translator
from modeltranslation.utils import build_localized_fieldname

from ..images import check_image
from ..models import Guide, GuideVersion, Platform, Region, Screenshot, Source, Step

FORMAT = "opt-out-guides/content-pack"
FORMAT_VERSION = 2
# Version 2 instructions may name labels by placeholders ({1}, {target}; Step.PLACEHOLDERS).
# Version 1 packs still load: their braces are stored escaped, so they read as written.
FORMAT_VERSIONS = (1, 2)
CONTENT_FILE = "content.json"
IMAGE_EXTENSIONS = ("png", "jpg", "webp")
LANGUAGE_CODES = [code for code, _name in settings.LANGUAGES]
# The format nests 10 levels at most (pack › platforms › platform › guides › guide › versions ›
# version › steps › step › text by language); deeper JSON is refused before it is parsed.
MAX_NESTING = 20
# Years a pack's dates may be in: nothing was published before 2000, and far-off years cannot
# be converted between time zones.
YEARS = (2000, 2999)
# Characters no text may hold: control characters other than tab and line breaks, and lone
# surrogates (JSON can spell them as \ud800, no database can store them).
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
_JSON_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]')


def translated_texts(model):
    """The model's translated text fields, from modeltranslation's registry, in field order."""
    names = translator.get_options_for_model(model).fields
    return tuple(f.name for f in model._meta.fields if f.name in names and not f.is_relation)


VERSION_TEXTS = translated_texts(GuideVersion)
STEP_TEXTS = translated_texts(Step)

# Fields of each object: (required, optional).
FIELDS = {
    "pack": ({"format", "version", "platforms"}, {"regions", "images", "notes", "unreviewed"}),
    "region": ({"code", "name"}, {"position"}),
    "image": ({"sha256", "file"}, {"kind", "label"}),
    "platform": ({"slug", "name", "guides"}, {"website", "description", "position"}),
    "guide": ({"slug", "versions"}, {"topic", "regions", "position"}),
    "version": (
        {"number", "status", "title"},
        {"based_on", "upstream_number", "published_at", "verified_on", "deep_link", "minutes"}
        | {"steps", "sources"}
        | set(VERSION_TEXTS),
    ),
    "step": (
        {"key", "instruction"},
        {"device", "needs_confirmation", "screenshot"} | set(STEP_TEXTS),
    ),
    "source": ({"url"}, {"title"}),
}
# The pack's names for a version's lifecycle fields: an editor's later work may change them
# without the version counting as different.
LIFECYCLE = tuple(
    name for name in GuideVersion.LIFECYCLE if name in set().union(*FIELDS["version"])
)


class ContentPackError(Exception):
    """The pack cannot be loaded; `errors` lists every problem, each saying where it is."""

    def __init__(self, errors):
        self.errors = list(errors)
        super().__init__("\n".join(self.errors))

    def refusal(self, path):
        """The message of an import command that loaded nothing: every problem, one a line."""
        problems = "\n".join(f"  - {line}" for line in self.errors)
        return (
            f"{path} was not loaded (nothing changed), {len(self.errors)} problem(s):\n{problems}"
        )


def read_pack(path):
    """The pack at `path` (its folder or its JSON file), checked and in normal form.

    Raises ContentPackError.
    """
    path = Path(path)
    file = path / CONTENT_FILE if path.is_dir() else path
    data = _read_json(file)
    checker = _Checker(file)
    with translation.override("en"):
        checker.forbidden_characters(data)
        pack = checker.pack(data)
    if checker.errors:
        raise ContentPackError(checker.errors)
    return pack


def _read_json(file):
    limit = settings.CONTENT_PACK_MAX_BYTES
    try:
        size = file.stat().st_size
        if size > limit:
            raise ContentPackError(
                [f"{file}: {size} bytes, more than the {limit} allowed (CONTENT_PACK_MAX_BYTES)"]
            )
        text = file.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ContentPackError([f"{file}: no such file"]) from None
    except UnicodeDecodeError as error:
        raise ContentPackError([f"{file}: not UTF-8 text (byte {error.start})"]) from None
    except OSError as error:
        raise ContentPackError([f"{file}: cannot be read ({error.strerror})"]) from None
    too_deep = _nesting_beyond_limit(text)
    if too_deep is not None:
        line = text.count("\n", 0, too_deep) + 1
        raise ContentPackError([f"{file}, line {line}: nested deeper than {MAX_NESTING} levels"])
    try:
        return json.loads(text, parse_constant=_no_constant)
    except json.JSONDecodeError as error:
        where = f"{file}, line {error.lineno} column {error.colno}"
        raise ContentPackError([f"{where}: not valid JSON ({error.msg})"]) from None
    except ValueError as error:  # NaN, Infinity, numbers of thousands of digits
        raise ContentPackError([f"{file}: not valid JSON ({error})"]) from None


def _nesting_beyond_limit(text):
    """Where the JSON text opens its (MAX_NESTING + 1)th level, or None."""
    depth = 0
    for match in _JSON_TOKENS.finditer(text):
        token = match.group()
        if token in ("[", "{"):
            depth += 1
            if depth > MAX_NESTING:
                return match.start()
        elif token in ("]", "}"):
            depth -= 1
    return None


def _no_constant(name):
    raise ValueError(f"{name} is not a number")


class _Checker:
    """Walks the raw JSON, collecting errors and building the normal form."""

    def __init__(self, file):
        self.file = file
        self.folder = file.parent
        self.errors = []

    def error(self, where, message):
        self.errors.append(f"{where}: {message}")

    def forbidden_characters(self, value, path=""):
        """Every key and string anywhere in the pack, including what the models never see.

        Places are named by their path in the JSON, e.g. platforms[0].guides[1].slug.
        """
        if isinstance(value, str):
            found = _FORBIDDEN.search(value)
            if found:
                message = f"contains the control character U+{ord(found.group()):04X}"
                self.error(f"{self.file}, {path or 'the pack'}", message)
        elif isinstance(value, dict):
            for key, item in value.items():
                if _FORBIDDEN.search(key):
                    self.error(
                        f"{self.file}, {path or 'the pack'}",
                        f"the key {key!r} contains a control character",
                    )
                    continue
                self.forbidden_characters(item, f"{path}.{key}" if path else key)
        elif isinstance(value, list):
            for n, item in enumerate(value):
                self.forbidden_characters(item, f"{path}[{n}]")

    def fields(self, data, where, kind):
        if not isinstance(data, dict):
            self.error(where, "must be a JSON object")
            return None
        required, optional = FIELDS[kind]
        for name in sorted(required - data.keys()):
            self.error(f"{where}, {name}", "is missing")
        for name in sorted(data.keys() - required - optional):
            self.error(f"{where}, {_printable(name)}", "is not a field of the pack format")
        return data

    def items(self, data, name, where, limit=None):
        value = data.get(name, [])
        if not isinstance(value, list):
            self.error(f"{where}, {name}", "must be a list")
            return []
        if limit is not None and len(value) > limit:
            self.error(f"{where}, {name}", f"has {len(value)} entries; at most {limit} are allowed")
            return []
        return value

    def texts(self, data, name, where):
        """A translated field: {"de": …, "en": …} with every site language filled in."""
        value = data.get(name) or {}
        if not isinstance(value, dict):
            self.error(f"{where}, {name}", 'must be an object by language, e.g. {"de": "…"}')
            return dict.fromkeys(LANGUAGE_CODES, "")
        for code in sorted(value.keys() - set(LANGUAGE_CODES)):
            self.error(
                f"{where}, {name}.{_printable(code)}", f"unknown language (known: {LANGUAGE_CODES})"
            )
        for code, text in value.items():
            if not isinstance(text, str):
                self.error(f"{where}, {name}.{_printable(code)}", "must be a string")
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

    def whole_number(self, data, name, where, field, default=None, lowest=0, null=False):
        """data[name] as a whole number the database column can hold (and >= lowest)."""
        value = self.typed(data, name, where, int, default, null=null)
        if not isinstance(value, int) or value == default:
            return value
        low, high = _column_range(field)
        low = max(low, lowest)
        if not low <= value <= high:
            self.error(f"{where}, {name}", f"must be a whole number from {low} to {high}")
            return default
        try:
            field.run_validators(value)  # the model's own bounds, e.g. MAX_VERSION_NUMBER
        except ValidationError as error:
            self.error(f"{where}, {name}", " ".join(error.messages))
            return default
        return value

    def https(self, value, where):
        if value and not value.startswith("https://"):
            self.error(where, f"{value!r} is not an https:// address")

    def model(self, instance, where, exclude=()):
        """What the model itself checks: lengths, choices, URL syntax, stored-text rules."""
        try:
            instance.full_clean(
                exclude=[*_left_to_the_checker(instance), *exclude],
                validate_unique=False,
                validate_constraints=False,
            )
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
        version = data.get("version")
        if version not in FORMAT_VERSIONS or isinstance(version, bool):
            self.error(
                f"{where}, version",
                f"format version {version!r} is not supported "
                f"(this site reads versions {', '.join(map(str, FORMAT_VERSIONS))})",
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
            "version": version,
            "unreviewed": self.unreviewed(data, f"{where}, unreviewed"),
            "regions": regions,
            "images": {image["sha256"]: image for image in images},
            "platforms": [],
        }
        for n, platform in enumerate(self.items(data, "platforms", where), start=1):
            where_ = f"{where}, platform {_label(platform, 'slug', n)}"
            pack["platforms"].append(self.platform(platform, where_, pack))
        self.unique([p["slug"] for p in pack["platforms"]], where, "platform")
        return pack

    def unreviewed(self, data, where):
        """Languages whose translations in the pack a person has not reviewed yet (machine-
        assisted): they load unconfirmed, so the admin lists them as translations to check."""
        value = data.get("unreviewed", [])
        translated = [code for code in LANGUAGE_CODES if code != "de"]
        if not isinstance(value, list) or not set(value) <= set(translated):
            self.error(where, f"must be a list of language codes out of {translated}")
            return []
        return value

    def region(self, data, where):
        if not self.fields(data, where, "region"):
            return {"code": None}
        region = {
            "code": self.typed(data, "code", where, str),
            "name": self.texts(data, "name", where),
            "position": self.whole_number(data, "position", where, _field(Region, "position"), 0),
        }
        if not region["name"]["de"]:
            self.error(f"{where}, name.de", "is missing: every region needs a German name")
        self.model(
            Region(
                code=region["code"], position=region["position"], **_translated(region, ["name"])
            ),
            where,
        )
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
        self.model(
            Screenshot(kind=image["kind"], label=image["label"]),
            where,
            exclude=["file", "sha256", "width", "height"],
        )
        expected = [f"images/{image['sha256']}.{ext}" for ext in IMAGE_EXTENSIONS]
        if image["file"] not in expected:
            self.error(f"{where}, file", "must be images/<sha256>.png (or .jpg, .webp)")
            return image
        image["path"] = self.folder / image["file"]
        self.image_file(image["path"], image["sha256"], f"{where}, file")
        return image

    def image_file(self, path, sha256, where):
        data = self.read_inside_pack(path, where, settings.IMAGE_MAX_BYTES)
        if data is None:
            return
        actual = hashlib.sha256(data).hexdigest()
        if actual != sha256:
            self.error(where, f"{path} has SHA-256 {actual}, not the {sha256} its name says")
            return
        try:
            check_image(data)
        except ValidationError as error:
            self.error(where, f"{path}: {' '.join(error.messages)}")

    def read_inside_pack(self, path, where, limit):
        """The bytes of a regular file inside the pack's folder (also after symlinks), or None."""
        try:
            resolved = path.resolve(strict=True)
        except (FileNotFoundError, RuntimeError):
            self.error(where, f"{path} does not exist")
            return None
        if not resolved.is_relative_to(self.folder.resolve()):
            self.error(where, f"{path} leads outside the pack's folder")
            return None
        if not resolved.is_file():
            self.error(where, f"{path} is not a file")
            return None
        size = resolved.stat().st_size
        if size > limit:
            self.error(where, f"{path} has {size} bytes, more than the {limit} allowed")
            return None
        return resolved.read_bytes()

    def platform(self, data, where, pack):
        if not self.fields(data, where, "platform"):
            return {"slug": None, "guides": []}
        platform = {
            "slug": self.typed(data, "slug", where, str),
            "name": self.typed(data, "name", where, str),
            "website": self.typed(data, "website", where, str, ""),
            "description": self.texts(data, "description", where),
            "position": self.whole_number(data, "position", where, _field(Platform, "position"), 0),
        }
        self.https(platform["website"], f"{where}, website")
        self.model(
            Platform(**_without(platform, "description"), **_translated(platform, ["description"])),
            where,
        )
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
            "position": self.whole_number(data, "position", where, _field(Guide, "position"), 0),
        }
        known = {region["code"] for region in pack["regions"]}
        for code in guide["regions"]:
            if not isinstance(code, str) or code not in known:
                self.error(f"{where}, regions", f"unknown region {code!r} (not in the pack)")
        self.model(Guide(**_without(guide, "regions")), where)
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
        if newer:
            self.error(where, f"archived versions {newer} are not older than a published one")
        for version in versions:
            if version["based_on"] is not None and version["based_on"] not in numbers:
                self.error(
                    f"{where}, version {version['number']}, based_on",
                    f"there is no version {version['based_on']}",
                )

    def version(self, data, where, pack):
        if not self.fields(data, where, "version"):
            return {"number": None, "status": None, "based_on": None}
        errors_before = len(self.errors)
        number_field = _field(GuideVersion, "number")
        version = {
            "number": self.whole_number(data, "number", where, number_field, lowest=1),
            "status": self.typed(data, "status", where, str),
            "based_on": self.whole_number(
                data, "based_on", where, number_field, lowest=1, null=True
            ),
            "upstream_number": self.whole_number(
                data, "upstream_number", where, number_field, lowest=1, null=True
            ),
            "published_at": self.moment(data, "published_at", where, datetime),
            "verified_on": self.moment(data, "verified_on", where, date),
            **{name: self.texts(data, name, where) for name in VERSION_TEXTS},
            "deep_link": self.typed(data, "deep_link", where, str, ""),
            "minutes": self.whole_number(
                data, "minutes", where, _field(GuideVersion, "minutes"), 2
            ),
        }
        self.lifecycle(version, where)
        if not version["title"]["de"]:
            self.error(f"{where}, title.de", "is missing: every version needs a German title")
        self.https(version["deep_link"], f"{where}, deep_link")
        self.model(unsaved_version(version, number=version["number"] or 1), where)
        limit = _column_range(_field(Step, "position"))[1]
        version["steps"] = [
            self.step(step, f"{where}, step {n}", pack)
            for n, step in enumerate(self.items(data, "steps", where, limit), start=1)
        ]
        self.unique([step["key"] for step in version["steps"]], where, "step key")
        version["sources"] = [
            self.source(source, f"{where}, source {n}")
            for n, source in enumerate(self.items(data, "sources", where, limit), start=1)
        ]
        if len(self.errors) == errors_before and version["status"] != GuideVersion.Status.DRAFT:
            self.publishing_rules(version, where)
        return version

    def publishing_rules(self, version, where):
        """What publish() will require (GuideVersion.publish_problems), before writing."""
        steps = [
            _step(step, position=position) for position, step in enumerate(version["steps"], 1)
        ]
        for problem in unsaved_version(version, number=version["number"]).publish_problems(steps):
            self.error(where, f"cannot be {version['status']}: {problem}")

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
            return None
        if not YEARS[0] <= parsed.year <= YEARS[1]:
            self.error(f"{where}, {name}", f"must be in the years {YEARS[0]} to {YEARS[1]}")
            return None
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
        if pack["version"] == 1:
            step["instruction"] = {
                code: _escape_braces(text) for code, text in step["instruction"].items()
            }
        if not step["instruction"]["de"]:
            self.error(f"{where}, instruction.de", "is missing: every step needs German text")
        for code, sha in step["screenshot"].items():
            if sha and sha not in pack["images"]:
                self.error(
                    f"{where}, screenshot.{code}",
                    f"image {_printable(sha)} is not listed in images",
                )
            if sha and not step["screenshot_alt"][code]:
                self.error(f"{where}, screenshot_alt.{code}", "describe the screenshot")
        self.model(_step(step), where, exclude=["key", "position"])
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
        self.model(Source(**source), where, exclude=["position"])
        return source


_KIND_NAMES = {int: "a whole number", str: "a string", bool: "true or false", list: "a list"}


def _field(model, name):
    return model._meta.get_field(name)


def _column_range(field):
    """The values every supported database can store in this integer column."""
    return BaseDatabaseOperations.integer_field_ranges[field.get_internal_type()]


def _left_to_the_checker(instance):
    """Fields full_clean() skips for an unsaved pack object.

    Relations (the rows do not exist yet), lifecycle fields (set by loading), the untranslated
    names of translated fields (they read the current language with fallback) and empty
    required translations (reported with a clearer message).
    """
    model = type(instance)
    skipped = [field.name for field in model._meta.fields if field.is_relation]
    skipped += getattr(model, "LIFECYCLE", ())
    try:
        options = translator.get_options_for_model(model)
    except NotRegistered:
        options = None
    if options:
        skipped += options.fields
        for code, names in dict(options.required_languages).items():
            for name in names:
                localized = build_localized_fieldname(name, code)
                if not getattr(instance, localized):
                    skipped.append(localized)
    return skipped


def _label(data, key, n):
    """How an error names an object: by its slug, code or number, else by its position."""
    value = data.get(key) if isinstance(data, dict) else None
    if isinstance(value, bool) or not isinstance(value, str | int):
        return f"#{n}"
    if isinstance(value, int):
        return value if abs(value) < 10**12 else f"#{n}"
    return value if value and value.isprintable() and len(value) <= 100 else f"#{n}"


def _printable(name):
    return name if name.isprintable() else repr(name)


def _pack_name(model_field):
    """title_en -> title.en: the field's name as the pack spells it."""
    base, _sep, code = model_field.rpartition("_")
    return f"{base}.{code}" if code in LANGUAGE_CODES else model_field


def _without(data, *names):
    return {key: value for key, value in data.items() if key not in names}


def _translated(data, names):
    """Model keyword arguments for translated fields: title_de=…, title_en=…; empty is None."""
    return {
        build_localized_fieldname(name, code): data[name][code] or None
        for name in names
        for code in LANGUAGE_CODES
    }


def _escape_braces(text):
    """A format version 1 instruction as version 2 stores it: its braces are text."""
    return text.replace("{", "{{").replace("}", "}}")


def unsaved_version(data, **fields):
    """A GuideVersion (not saved) with the texts and fields of a pack's version `data`."""
    return GuideVersion(
        deep_link=data["deep_link"],
        minutes=data["minutes"],
        **_translated(data, VERSION_TEXTS),
        **fields,
    )


def _step(data, **fields):
    step = Step(
        key=data["key"],
        device=data["device"],
        needs_confirmation=data["needs_confirmation"],
        **_translated(data, STEP_TEXTS),
        **fields,
    )
    step.normalize_menu_paths()  # bulk_create skips save()
    return step
