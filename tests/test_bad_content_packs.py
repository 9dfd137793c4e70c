"""Bad-input corpus, part 3: content packs loaded with `manage.py import_content`.

A broken or hostile pack gets the command's error, one line per problem naming where it is, and
writes nothing: no row, no file. Never a traceback.
"""

import hashlib
import json
import os
import shutil
import tempfile
from pathlib import Path

import pytest
from django.core.management import CommandError

from .bad_input_helpers import snapshot
from .content_pack_helpers import PackFolder, import_content
from .helpers import black_png, padded_png

HUGE = 10**30


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


class _Cleanups:
    """What PackFolder needs from a TestCase, for a pytest test."""

    def __init__(self, request):
        self.request = request

    def addCleanup(self, function, *args, **kwargs):  # noqa: N802 (unittest's name)
        self.request.addfinalizer(lambda: function(*args, **kwargs))


@pytest.fixture
def pack(db, request):
    return PackFolder(_Cleanups(request))


def _outside(request, data):
    """A file outside the pack's folder holding `data`."""
    folder = Path(tempfile.mkdtemp(prefix="test-outside-"))
    request.addfinalizer(lambda: shutil.rmtree(folder, ignore_errors=True))
    (folder / "secret.png").write_bytes(data)
    return folder


def _version(pack):
    return pack.version_2


def _set(path, value):
    """A change that sets the field at `path` (keys and list indexes) of the pack's data."""

    def change(pack, request):
        target = pack.data
        for key in path[:-1]:
            target = _version(pack) if key == "v2" else target[key]
        target[path[-1]] = value
        pack.write()

    return change


def _step(name, value):
    def change(pack, request):
        _version(pack)["steps"][0][name] = value
        pack.write()

    return change


def _text(text):
    def change(pack, request):
        (pack.path / "content.json").write_text(text, encoding="utf-8")

    return change


def _bytes(data):
    def change(pack, request):
        (pack.path / "content.json").write_bytes(data)

    return change


def _nested(depth):
    return _text('{"notes": ' + "[" * depth + "]" * depth + "}")


def _huge_notes(size):
    def change(pack, request):
        pack.data["notes"] = "x" * size
        pack.write()

    return change


def _replace_image(data):
    """The pack's image replaced by `data`, listed and referenced under its own SHA-256."""

    def change(pack, request):
        sha = hashlib.sha256(data).hexdigest()
        (pack.path / "images" / f"{pack.image_sha}.png").unlink()
        (pack.path / "images" / f"{sha}.png").write_bytes(data)
        text = json.dumps(pack.data).replace(pack.image_sha, sha)
        (pack.path / "content.json").write_text(text, encoding="utf-8")

    return change


def _symlinked_image(pack, request):
    """images/<sha>.png is a link to a file outside the pack (with the right bytes)."""
    image = pack.path / "images" / f"{pack.image_sha}.png"
    outside = _outside(request, image.read_bytes())
    image.unlink()
    os.symlink(outside / "secret.png", image)


def _symlinked_images_folder(pack, request):
    images = pack.path / "images"
    outside = _outside(request, b"")
    shutil.move(str(images / f"{pack.image_sha}.png"), outside / f"{pack.image_sha}.png")
    images.rmdir()
    os.symlink(outside, images)


def _content_is_a_folder(pack, request):
    (pack.path / "content.json").unlink()
    (pack.path / "content.json").mkdir()


BAD_PACKS = [
    pytest.param(_text('{"format": '), id="malformed-json"),
    pytest.param(_text(""), id="empty-file"),
    pytest.param(_text("[]"), id="a-list-not-an-object"),
    pytest.param(_bytes(b'\xff\xfe{"format": 1}'), id="not-utf8"),
    pytest.param(_bytes(b"\xef\xbb\xbf{}"), id="byte-order-mark"),
    pytest.param(_text('{"a": NaN}'), id="nan"),
    pytest.param(_nested(100_000), id="nested-100000"),
    pytest.param(
        _huge_notes(50 * 1000 * 1000),
        id="50-megabytes",
    ),
    pytest.param(
        _content_is_a_folder,
        id="content-json-is-a-folder",
    ),
    pytest.param(_set(["version"], HUGE), id="format-version-10^30"),
    pytest.param(_set(["format"], "x" * 10_000), id="format-overlong"),
    pytest.param(_set(["v2", "number"], HUGE), id="version-number-10^30"),
    pytest.param(_set(["v2", "number"], 0), id="version-number-zero"),
    pytest.param(_set(["v2", "number"], "2"), id="version-number-a-string"),
    pytest.param(_set(["v2", "number"], True), id="version-number-a-boolean"),
    pytest.param(_set(["v2", "number"], 2.5), id="version-number-fraction"),
    pytest.param(_set(["v2", "based_on"], HUGE), id="based-on-10^30"),
    pytest.param(_set(["v2", "minutes"], HUGE), id="minutes-10^30"),
    pytest.param(
        _set(["v2", "minutes"], 99999),
        id="minutes-99999",
    ),
    pytest.param(_set(["v2", "minutes"], -1), id="minutes-negative"),
    pytest.param(_set(["regions", 0, "position"], HUGE), id="region-position-10^30"),
    pytest.param(_set(["platforms", 0, "position"], HUGE), id="platform-position-10^30"),
    pytest.param(_set(["platforms", 0, "position"], -1), id="platform-position-negative"),
    pytest.param(
        _set(["v2", "published_at"], "9999-12-31T23:59:59-23:59"),
        id="year-9999-offset-minus-23:59",
    ),
    pytest.param(
        _set(["v2", "published_at"], "0001-01-01T00:00:00+23:59"),
        id="year-1-offset-plus-23:59",
    ),
    pytest.param(_set(["v2", "published_at"], "2025-10-29T12:00:00"), id="date-without-offset"),
    pytest.param(_set(["v2", "published_at"], "yesterday"), id="date-not-a-date"),
    pytest.param(_set(["v2", "verified_on"], "9999-99-99"), id="impossible-date"),
    pytest.param(_set(["v2", "title"], {"de": "x" * 10_000}), id="title-10000"),
    pytest.param(_set(["v2", "title"], {"de": "KI\x00aus"}), id="title-nul"),
    pytest.param(_set(["v2", "title"], {"de": "KI\x0baus\x01"}), id="title-control"),
    pytest.param(
        _set(["v2", "title"], {"de": "KI\ud800"}),
        id="title-lone-surrogate",
    ),
    pytest.param(_set(["platforms", 0, "name"], "Linked\x00In"), id="platform-name-nul"),
    pytest.param(_step("instruction", {"de": "Klick\x1b"}), id="step-escape"),
    pytest.param(_set(["v2", "title"], {"de": 5}), id="title-not-a-string"),
    pytest.param(_set(["v2", "title"], {"xx": "?"}), id="title-unknown-language"),
    pytest.param(_set(["v2", "status"], "bogus"), id="status-unknown"),
    pytest.param(_set(["v2", "deep_link"], "javascript:alert(1)"), id="link-javascript"),
    pytest.param(_set(["v2", "surprise"], 1), id="unknown-field"),
    pytest.param(_step("key", "not-a-uuid"), id="step-key-not-a-uuid"),
    pytest.param(_step("screenshot", {"de": "0" * 64}), id="step-screenshot-not-listed"),
    pytest.param(_set(["images", 0, "file"], "../../etc/passwd"), id="image-path-leaves-pack"),
    pytest.param(_set(["images", 0, "sha256"], "A" * 64), id="image-sha-uppercase"),
    pytest.param(_replace_image(b"not an image"), id="image-not-an-image"),
    pytest.param(_replace_image(b"<svg/>"), id="image-svg"),
    pytest.param(_replace_image(black_png(30_000, 30_000)), id="image-bomb"),
    pytest.param(_replace_image(black_png(8_000, 6_000)), id="image-48-megapixels"),
    pytest.param(_replace_image(padded_png(11 * 1024 * 1024)), id="image-11-megabytes"),
    pytest.param(_symlinked_image, id="image-symlink-leaves-pack"),
    pytest.param(_symlinked_images_folder, id="images-folder-symlink"),
]


@pytest.mark.parametrize("spoil", BAD_PACKS)
def test_bad_pack_is_refused_with_a_clear_error_and_writes_nothing(pack, request, spoil):
    spoil(pack, request)
    before = snapshot()

    with pytest.raises(CommandError) as raised:
        import_content(pack.path)

    lines = str(raised.value).splitlines()
    assert "was not loaded (nothing changed)" in lines[0]
    assert all(str(pack.path) in line for line in lines[1:]), "a problem does not say where"
    assert snapshot() == before


def test_the_pack_of_the_corpus_loads_when_nothing_is_spoilt(pack):
    out, err = import_content(pack.path)

    assert "created versions [1, 2]" in out
    assert err == ""
