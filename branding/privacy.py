"""The shipped privacy statement template (privacy_template/<language>.txt, also docs/privacy.md).

Readers see it while the organisation has not written its own statement, marked as the
software's template; its placeholders in square brackets must be replaced before a statement
can be saved (validate_no_placeholders).
"""

import functools
import re
from pathlib import Path

from django.core.exceptions import ValidationError
from django.utils.translation import ngettext
from modeltranslation.utils import resolution_order

from guides.reading import Text

FOLDER = Path(__file__).resolve().parent / "privacy_template"
PLACEHOLDER = re.compile(r"\[[^\[\]\n]+\]")


@functools.cache
def _templates():
    return {path.stem: path.read_text(encoding="utf-8").strip() for path in FOLDER.glob("*.txt")}


def template(language):
    """The template in `language` or its first fallback language that has one (a Text)."""
    templates = _templates()
    for code in (*resolution_order(language), "en"):
        if code in templates:
            return Text(templates[code], code)
    raise LookupError(f"no privacy statement template in {FOLDER}")


@functools.cache
def placeholders():
    """Every placeholder of the shipped templates, e.g. "[Name of the organisation]"."""
    return {match for text in _templates().values() for match in PLACEHOLDER.findall(text)}


def validate_no_placeholders(value):
    found = sorted({match for match in PLACEHOLDER.findall(value) if match in placeholders()})
    if found:
        raise ValidationError(
            ngettext(
                "Replace the template's placeholder %(placeholders)s with your own text.",
                "Replace the template's placeholders with your own text: %(placeholders)s.",
                len(found),
            ),
            code="placeholder",
            params={"placeholders": ", ".join(found)},
        )
