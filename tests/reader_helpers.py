"""Shared by the reader tests: built assets and a few page checks.

The templates use whitenoise's manifest storage, which needs `collectstatic` to have run, and
the pages' words come from compiled message catalogues. The fixture below runs
`collectstatic` and `compilemessages` when their output is missing or older than their
sources, so a plain `pytest` works; tests/conftest.py makes it apply to every test.
"""

import gettext
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils.translation import trans_real

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


def _messages_are_fresh():
    for path in settings.LOCALE_PATHS:
        for po in Path(path).rglob("*.po"):
            mo = po.with_suffix(".mo")
            if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
                return False
    return True


@pytest.fixture(scope="session", autouse=True)
def reader_assets():
    if not _static_is_fresh():
        call_command("collectstatic", interactive=False, verbosity=0)
    if not _messages_are_fresh():
        call_command("compilemessages", verbosity=0, ignore_patterns=[".venv", "node_modules"])
        # Catalogues loaded before compiling are cached per process, by Django and by the
        # standard library's gettext (per .mo path); forget them.
        trans_real._translations = {}
        trans_real._default = None
        gettext._translations.clear()


def inline_code(html):
    """Inline scripts, style elements, style and event handler attributes found in `html`."""
    patterns = (_INLINE_SCRIPT, _STYLE_ELEMENT, _STYLE_ATTRIBUTE, _EVENT_ATTRIBUTE)
    return [match.group(0) for pattern in patterns for match in pattern.finditer(html)]
