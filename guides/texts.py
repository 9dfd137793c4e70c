"""The rule for every stored text: no invisible control characters, LF line endings.

Texts reach the database from the admin (browsers send CRLF from text areas), content packs and
the shell, and leave it as HTML pages and an Atom feed (XML 1.0 cannot carry most control
characters, so one stray \\x0b took the whole feed down). The models apply the rule on
validation and saving (guides.models.StoredTexts); `xml_safe` protects the output from text
stored before the rule existed.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

# The last two code points of every Unicode plane (U+FFFE, U+FFFF, U+1FFFE, …) are noncharacters.
_PLANE_ENDS = "".join(chr(plane << 16 | low) for plane in range(17) for low in (0xFFFE, 0xFFFF))
# C0 controls except tab and line feed (a carriage return is normalised away first), DEL, C1
# controls, lone surrogates (they cannot even be encoded as UTF-8) and the noncharacters.
_FORBIDDEN = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef{_PLANE_ENDS}]")
# What XML 1.0 may not contain; the feed drops it from text stored before the rule existed.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def normalize_newlines(text):
    """`text` with Windows (CRLF) and old Mac (CR) line endings turned into LF."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def check(text, label):
    """ValidationError naming `label` when `text` holds a character readers cannot see."""
    found = _FORBIDDEN.search(text)
    if found:
        raise ValidationError(
            _(
                "%(field)s contains the invisible control character %(character)s (character "
                "%(position)s); remove it. Only line breaks and tabs are allowed."
            ),
            code="control_character",
            params={
                "field": capfirst(label),
                "character": f"U+{ord(found.group()):04X}",
                "position": found.start() + 1,
            },
        )


def xml_safe(text):
    """`text` without the characters XML 1.0 cannot carry."""
    return _NOT_XML.sub("", text) if text else text
