"""Builders for zipped-pack tests: export, rewrite members of a zip, empty the catalogue."""

import hashlib
import io
import json
import stat
import zipfile
from io import StringIO

from django.core.management import call_command

from guides.models import FormerAddress, Guide, Platform, Region, Screenshot
from packs import archive, signing


def run(command, *args):
    """Run a management command; returns (stdout, stderr)."""
    out, err = StringIO(), StringIO()
    call_command(command, *map(str, args), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def empty_catalogue():
    """Delete every guide, platform, region and screenshot row, as in a fresh database."""
    Guide.objects.all().delete()
    FormerAddress.objects.all().delete()
    Platform.objects.all().delete()
    Region.objects.all().delete()
    Screenshot.objects.all().delete()


def members(data):
    with zipfile.ZipFile(io.BytesIO(data)) as zipped:
        return {info.filename: zipped.read(info) for info in zipped.infolist()}


def rezip(contents, fix_manifest=True, key=None, symlinks=()):
    """A zip of `contents` ({name: bytes}); the manifest's hashes updated unless told not to."""
    contents = dict(contents)
    if fix_manifest and archive.MANIFEST in contents:
        manifest = json.loads(contents[archive.MANIFEST])
        manifest["files"] = {
            name: hashlib.sha256(data).hexdigest()
            for name, data in contents.items()
            if name not in (archive.MANIFEST, archive.SIGNATURE)
        }
        contents[archive.MANIFEST] = json.dumps(manifest).encode()
    if key is not None:
        contents[archive.SIGNATURE] = signing.sign(key, contents[archive.MANIFEST])
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zipped:
        for name, data in contents.items():
            info = zipfile.ZipInfo(name)
            info.compress_type = zipfile.ZIP_DEFLATED
            if name in symlinks:
                info.create_system = 3
                info.external_attr = (stat.S_IFLNK | 0o777) << 16
            zipped.writestr(info, data)
    return buffer.getvalue()


def with_manifest(data, **changes):
    """The pack's members with the manifest's fields changed."""
    contents = members(data)
    manifest = json.loads(contents[archive.MANIFEST])
    manifest.update(changes)
    contents[archive.MANIFEST] = json.dumps(manifest).encode()
    return contents
