"""Shared by the bad-input corpus (tests/test_bad_*.py): snapshots, clients and crafted files.

Every case of the corpus checks the same two promises: the answer is a 4xx or a clear error
(never a 500 or a traceback), and nothing changed, neither the database rows nor the media files.
"""

import hashlib
import struct
import zlib
from functools import cache
from pathlib import Path

from django.conf import settings
from django.test import Client
from django.utils import translation

from .content_pack_helpers import dump

ON_SQLITE = settings.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3"


def media_files():
    """{relative path: SHA-256} of every file under MEDIA_ROOT."""
    root = Path(settings.MEDIA_ROOT)
    if not root.exists():
        return {}
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def snapshot():
    """The database rows of the guides app and the media files, to compare before and after."""
    # In one language: a translated field's base column (`title`) reads the active language, and
    # a request leaves a different one active than the test started with.
    with translation.override(settings.LANGUAGE_CODE):
        return {"rows": dump(), "media": media_files()}


def quiet_client(**defaults):
    """A test client that returns a 500 response instead of raising, as a browser would see it."""
    return Client(raise_request_exception=False, **defaults)


def assert_no_server_error(response):
    exc_info = getattr(response, "exc_info", None)
    assert response.status_code < 500, (
        f"{response.status_code}, raised {exc_info and exc_info[1]!r}"
    )


def _chunk(kind, data):
    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))


@cache
def black_png(width, height):
    """A valid 1-bit PNG of width x height black pixels, built without holding it decoded.

    Zeros compress about a thousand times, so 30000 x 30000 pixels are about 110 KB of file.
    """
    row = bytes(1 + (width + 7) // 8)  # filter byte, then the pixels
    compressor = zlib.compressobj(9)
    chunks = [compressor.compress(row) for _ in range(height)]
    idat = b"".join(chunks) + compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    signature = b"\x89PNG\r\n\x1a\n"
    return signature + _chunk(b"IHDR", header) + _chunk(b"IDAT", idat) + _chunk(b"IEND", b"")


def padded_png(size):
    """A small valid PNG grown to `size` bytes by a private ancillary chunk, which viewers skip."""
    image = black_png(8, 8)
    padding = size - len(image) - 12
    end = image.rindex(b"IEND") - 4
    return image[:end] + _chunk(b"prVt", bytes(padding)) + image[end:]
