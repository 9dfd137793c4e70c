"""Shared by the reader tests: static files for {% static %} and a few page checks.

The templates use whitenoise's manifest storage, which needs `collectstatic` to have run. The
fixture below runs it when the manifest is missing or older than a file in static/, so a plain
`pytest` works; import it into a test module (or tests/conftest.py) to use it:

    from tests.reader_helpers import collected_static  # noqa: F401
"""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

_INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
_STYLE_ELEMENT = re.compile(r"<style\b", re.IGNORECASE)
_STYLE_ATTRIBUTE = re.compile(r"<[^>]+\sstyle=", re.IGNORECASE)
_EVENT_ATTRIBUTE = re.compile(r"<[^>]+\son[a-z]+=", re.IGNORECASE)


def _static_is_fresh():
    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    if not manifest.exists():
        return False
    newest = max(
        (path.stat().st_mtime for d in settings.STATICFILES_DIRS for path in Path(d).rglob("*")),
        default=0,
    )
    return manifest.stat().st_mtime >= newest


@pytest.fixture(scope="session", autouse=True)
def collected_static():
    if not _static_is_fresh():
        call_command("collectstatic", interactive=False, verbosity=0)


def inline_code(html):
    """Inline scripts, style elements, style and event handler attributes found in `html`."""
    patterns = (_INLINE_SCRIPT, _STYLE_ELEMENT, _STYLE_ATTRIBUTE, _EVENT_ATTRIBUTE)
    return [match.group(0) for pattern in patterns for match in pattern.finditer(html)]
