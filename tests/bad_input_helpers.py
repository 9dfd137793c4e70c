"""Shared by the bad-input corpus (tests/test_bad_*.py): snapshots, clients and crafted files.

Every case of the corpus checks the same two promises: the answer is a 4xx or a clear error
(never a 500 or a traceback), and nothing changed, neither the database rows nor the media files.
"""

import hashlib
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
