"""Zipped content packs: the folder format of guides.content_pack in one file, with a manifest.

A zip holds `manifest.json` (format, version, languages, serial and the SHA-256 of every other
member), `content.json` and `images/<sha256>.<ext>` exactly as in a pack's folder, and, when
signed, `signature` (packs.signing). Writing is deterministic: members in a fixed order with
fixed timestamps, JSON in a fixed key order, so the same content gives the same bytes.
Reading checks the archive itself (docs/content-format.md lists the rules), unpacks it into a
temporary folder and hands that to guides.content_pack.read_pack, which checks the content.
"""

import hashlib
import io
import json
import re
import stat
import tempfile
import zipfile
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings

from guides.content_pack import ContentPackError, read_pack
from guides.content_pack.checking import (
    CONTENT_FILE,
    FORMAT,
    FORMAT_VERSION,
    LANGUAGE_CODES,
    translated_texts,
)
from guides.content_pack.loading import version_data
from guides.models import Guide, GuideVersion, Platform, Region, Screenshot, TranslationState

from . import signing

MANIFEST = "manifest.json"
SIGNATURE = "signature"
ZIP_FORMAT = "opt-out-guides/content-pack-zip"
ZIP_FORMAT_VERSION = 1
# 1980-01-01, the earliest time a zip can hold: every member gets it, so bytes do not depend on
# when the pack was written.
ZIP_TIME = (1980, 1, 1, 0, 0, 0)
MANIFEST_MAX_BYTES = 1024 * 1024
_IMAGE_NAME = re.compile(r"images/[0-9a-f]{64}\.(png|jpg|webp)")


# Writing --------------------------------------------------------------------------------------


def export_pack(public_only=False, key=None):
    """The zip's bytes: every platform, region and guide with every version (drafts flagged by
    their status) or, with `public_only`, what readers may see. Signed when `key` is given."""
    content, images = _content(public_only)
    members = {CONTENT_FILE: _json_bytes(content)}
    for screenshot in images:
        with screenshot.file.storage.open(screenshot.file.name, "rb") as file:
            members[_image_name(screenshot)] = file.read()
    manifest = {
        "format": ZIP_FORMAT,
        "version": ZIP_FORMAT_VERSION,
        "languages": LANGUAGE_CODES,
        "serial": _serial(content),
        "files": {name: hashlib.sha256(data).hexdigest() for name, data in sorted(members.items())},
    }
    members = {MANIFEST: _json_bytes(manifest), **dict(sorted(members.items()))}
    if key is not None:
        members[SIGNATURE] = signing.sign(key, members[MANIFEST])
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # Unix, so that the mode below means what it says
            info.external_attr = (stat.S_IFREG | 0o644) << 16
            archive.writestr(info, data, compresslevel=9)
    return buffer.getvalue()


def _json_bytes(data):
    return (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode()


def _image_name(screenshot):
    return f"images/{screenshot.sha256}.{Screenshot.FORMATS[screenshot.format]}"


def _serial(content):
    """When the newest version in the pack was published: later packs have a larger serial."""
    moments = [
        version["published_at"]
        for platform in content["platforms"]
        for guide in platform["guides"]
        for version in guide["versions"]
        if version["published_at"]
    ]
    return max(moments, default="")


def _content(public_only):
    """content.json as a dict, and the screenshots its steps show."""
    versions = GuideVersion.objects.order_by("number").prefetch_related(
        "sources", "translation_stamps", *(f"steps__screenshot_{code}" for code in LANGUAGE_CODES)
    )
    guides = Guide.objects.order_by("position", "slug").prefetch_related("regions")
    if public_only:
        versions = versions.public()
        guides = guides.published()
    by_guide = {}
    for version in versions.select_related("based_on"):
        by_guide.setdefault(version.guide_id, []).append(version)
    by_platform = {}
    for guide in guides:
        by_platform.setdefault(guide.platform_id, []).append(guide)
    platforms = Platform.objects.order_by("position", "slug")
    if public_only:
        platforms = platforms.filter(pk__in=by_platform)
    images = {}
    content = {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "regions": [_region(region) for region in Region.objects.order_by("position", "code")],
        "images": [],
        "platforms": [
            _platform(platform, by_platform.get(platform.pk, []), by_guide, images)
            for platform in platforms
        ],
    }
    content["images"] = [_image(shot) for _sha, shot in sorted(images.items())]
    exported = [v for guide in guides for v in by_guide.get(guide.pk, [])]
    content["unreviewed"] = _unreviewed(exported)
    return content, [shot for _sha, shot in sorted(images.items())]


def _unreviewed(versions):
    """Languages with a translation nobody here has confirmed against its German text (as
    machine-assisted ones load): the receiving site must not take them as reviewed."""
    outdated = {
        code
        for version in versions
        for code, gaps in version.translation_gaps().items()
        if any(gap.state == TranslationState.OUTDATED for gap in gaps)
    }
    return [code for code in LANGUAGE_CODES if code in outdated]


def _texts(obj, name):
    return {code: getattr(obj, f"{name}_{code}") or "" for code in LANGUAGE_CODES}


def _region(region):
    return {
        "code": region.code,
        **{name: _texts(region, name) for name in translated_texts(Region)},
        "position": region.position,
    }


def _platform(platform, guides, by_guide, images):
    return {
        "slug": platform.slug,
        "name": platform.name,
        "website": platform.website,
        **{name: _texts(platform, name) for name in translated_texts(Platform)},
        "position": platform.position,
        "guides": [_guide(guide, by_guide.get(guide.pk, []), images) for guide in guides],
    }


def _guide(guide, versions, images):
    return {
        "slug": guide.slug,
        "topic": guide.topic,
        "regions": sorted(region.code for region in guide.regions.all()),
        "position": guide.position,
        "versions": [_version(version, images) for version in versions],
    }


def _version(version, images):
    data = version_data(version)
    for name in ("published_at", "verified_on"):
        data[name] = data[name].isoformat() if data[name] else None
    for step, stored in zip(data["steps"], version.steps.all(), strict=True):
        step["screenshot"] = {code: sha for code, sha in step["screenshot"].items() if sha}
        for code in step["screenshot"]:
            shot = getattr(stored, f"screenshot_{code}")
            images[shot.sha256] = shot
    return data


def _image(screenshot):
    return {
        "sha256": screenshot.sha256,
        "file": _image_name(screenshot),
        "kind": screenshot.kind,
        "label": screenshot.label,
    }


# Reading --------------------------------------------------------------------------------------


@contextmanager
def opened(source, name=None, public_key=None):
    """(pack, manifest) from a zip (a path or its bytes), both checked; raises ContentPackError.

    With `public_key` the manifest must carry a valid signature by its private key. The pack's
    image paths point into a temporary folder that exists until the block ends.
    """
    name = name or str(source)
    data = source if isinstance(source, bytes) else _read_archive(Path(source), name)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError):
        raise ContentPackError([f"{name}: not a zip archive"]) from None
    with archive, tempfile.TemporaryDirectory(prefix="pack-") as folder:
        manifest = _unpack(archive, Path(folder), name, public_key)
        try:
            pack = read_pack(folder)
        except ContentPackError as error:
            raise ContentPackError([line.replace(folder, name) for line in error.errors]) from None
        yield pack, manifest


def read_manifest(source, name=None, public_key=None):
    with opened(source, name, public_key) as (_pack, manifest):
        return manifest


def _read_archive(path, name):
    limit = settings.CONTENT_PACK_ZIP_MAX_BYTES
    try:
        size = path.stat().st_size
        if size > limit:
            message = f"{size} bytes, more than the {limit} allowed (CONTENT_PACK_ZIP_MAX_BYTES)"
            raise ContentPackError([f"{name}: {message}"])
        return path.read_bytes()
    except FileNotFoundError:
        raise ContentPackError([f"{name}: no such file"]) from None
    except IsADirectoryError:
        raise ContentPackError([f"{name}: a folder, not a zip archive"]) from None
    except OSError as error:
        raise ContentPackError([f"{name}: cannot be read ({error.strerror})"]) from None


def _unpack(archive, folder, name, public_key):
    """Check every member and write content.json and the images into `folder`; the manifest."""
    members = {}
    for info in archive.infolist():
        if info.is_dir():
            continue
        _check_member(info, name)
        if info.filename in members:
            raise ContentPackError([f"{name}: {info.filename} appears twice"])
        members[info.filename] = info
    if sum(info.file_size for info in members.values()) > settings.CONTENT_PACK_ZIP_MAX_BYTES:
        raise ContentPackError([f"{name}: unpacks to more than CONTENT_PACK_ZIP_MAX_BYTES"])
    if MANIFEST not in members:
        raise ContentPackError([f"{name}: {MANIFEST} is missing"])
    manifest_bytes = _read_member(archive, members[MANIFEST], MANIFEST_MAX_BYTES, name)
    if public_key is not None:
        if SIGNATURE not in members:
            raise ContentPackError([f"{name}: the pack is not signed"])
        signature = _read_member(archive, members[SIGNATURE], 1024, name)
        signing.verify(public_key, manifest_bytes, signature, name)
    manifest = _manifest(manifest_bytes, name)
    files = manifest["files"]
    for member in sorted(members.keys() - files.keys() - {MANIFEST, SIGNATURE}):
        raise ContentPackError([f"{name}: {member} is not listed in {MANIFEST}"])
    for member in sorted(files.keys() - members.keys()):
        raise ContentPackError([f"{name}: {member} is missing"])
    total = 0
    for member, sha256 in sorted(files.items()):
        limit = settings.CONTENT_PACK_MAX_BYTES
        if member != CONTENT_FILE:
            limit = settings.IMAGE_MAX_BYTES
        data = _read_member(archive, members[member], limit, name)
        total += len(data)
        if total > settings.CONTENT_PACK_ZIP_MAX_BYTES:
            raise ContentPackError([f"{name}: unpacks to more than CONTENT_PACK_ZIP_MAX_BYTES"])
        if hashlib.sha256(data).hexdigest() != sha256:
            raise ContentPackError([f"{name}: {member} does not match its SHA-256 in {MANIFEST}"])
        target = folder / member
        target.parent.mkdir(exist_ok=True)
        target.write_bytes(data)
    return manifest


def _check_member(info, name):
    member = info.filename
    parts = member.split("/")
    if member.startswith("/") or "\\" in member or ":" in parts[0] or ".." in parts:
        raise ContentPackError([f"{name}: the member {member!r} leads outside the pack"])
    if stat.S_ISLNK(info.external_attr >> 16):
        raise ContentPackError([f"{name}: the member {member!r} is a symbolic link"])
    if info.flag_bits & 0x1:
        raise ContentPackError([f"{name}: the member {member!r} is encrypted"])
    if member not in (MANIFEST, SIGNATURE, CONTENT_FILE) and not _IMAGE_NAME.fullmatch(member):
        raise ContentPackError([f"{name}: {member!r} is not a member a pack may have"])


def _read_member(archive, info, limit, name):
    """The member's bytes, reading no more than `limit` of them whatever its header claims."""
    if info.file_size > limit:
        raise ContentPackError(
            [f"{name}: {info.filename} has {info.file_size} bytes, more than the {limit} allowed"]
        )
    try:
        with archive.open(info) as member:
            data = member.read(limit + 1)
    except (zipfile.BadZipFile, NotImplementedError, OSError, EOFError) as error:
        raise ContentPackError([f"{name}: {info.filename} cannot be unpacked ({error})"]) from None
    if len(data) > limit:
        raise ContentPackError(
            [f"{name}: {info.filename} unpacks to more than the {limit} bytes allowed"]
        )
    return data


def _manifest(data, name):
    try:
        manifest = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as error:
        raise ContentPackError([f"{name}: {MANIFEST} is not valid JSON ({error})"]) from None
    if not isinstance(manifest, dict) or manifest.get("format") != ZIP_FORMAT:
        raise ContentPackError([f"{name}: {MANIFEST} is not the manifest of a content pack"])
    version = manifest.get("version")
    if version != ZIP_FORMAT_VERSION or isinstance(version, bool):
        raise ContentPackError(
            [
                f"{name}: format version {version!r} is not supported "
                f"(this site reads version {ZIP_FORMAT_VERSION})"
            ]
        )
    languages = manifest.get("languages")
    if not isinstance(languages, list) or not all(isinstance(c, str) for c in languages):
        raise ContentPackError([f"{name}: {MANIFEST}, languages must be a list of codes"])
    unknown = sorted(set(languages) - set(LANGUAGE_CODES))
    if unknown:
        raise ContentPackError(
            [f"{name}: unknown languages {unknown} (this site knows {LANGUAGE_CODES})"]
        )
    files = manifest.get("files")
    if not isinstance(files, dict) or not all(isinstance(v, str) for v in files.values()):
        raise ContentPackError([f"{name}: {MANIFEST}, files must map names to SHA-256"])
    if not isinstance(manifest.get("serial", ""), str):
        raise ContentPackError([f"{name}: {MANIFEST}, serial must be a string"])
    return manifest
