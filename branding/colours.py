"""The accent colour: its format, and whether text stays readable with it (WCAG AA, 4.5:1).

static/css/site.css uses the accent in two ways: as a background with --accent-text on it
(buttons, the skip link, the current step number) and as the colour of links on the page's
backgrounds. Both must keep a contrast of at least 4.5:1 for normal text. The colours below are
the ones in site.css's :root (tests/test_branding_colours.py checks that they still are).
"""

import math
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

DEFAULT_ACCENT = "#0b3d91"
ACCENT_TEXT = "#ffffff"  # --accent-text
# Backgrounds that links (in the accent colour) are shown on, with how an editor would call them.
BACKGROUNDS = {
    "--bg": ("#ffffff", _("white page")),
    "--soft": ("#f2f4f7", _("light grey header and footer")),
    "--info-bg": ("#e8f0fe", _("light blue notices")),
    "--warn-bg": ("#fff4d6", _("light yellow warnings")),
}
MINIMUM_CONTRAST = 4.5
HEX_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")


def luminance(colour):
    """The relative luminance of a #rrggbb colour, as WCAG 2 defines it."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(first, second):
    """The WCAG contrast ratio of two #rrggbb colours, from 1 to 21."""
    lighter, darker = sorted((luminance(first), luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def _ratio(value):
    # Rounded down, so that a refused colour never shows "4.50:1".
    return f"{math.floor(value * 100) / 100:.2f}"


def validate_accent(value):
    """Refuse anything but #rrggbb, and colours that text on or in them would be hard to read."""
    if not HEX_COLOUR.fullmatch(value or ""):
        raise ValidationError(
            _("Enter the colour as # and six hexadecimal digits, for example #0b3d91."),
            code="invalid_colour",
        )
    colour = value.lower()
    on_accent = contrast(colour, ACCENT_TEXT)
    if on_accent < MINIMUM_CONTRAST:
        raise ValidationError(
            _(
                "White text on %(colour)s (buttons) has a contrast of only %(ratio)s:1; at least "
                "4.5:1 is needed to read it. Choose a darker colour."
            ),
            code="low_contrast",
            params={"colour": colour, "ratio": _ratio(on_accent)},
        )
    background, name = min(BACKGROUNDS.values(), key=lambda pair: contrast(colour, pair[0]))
    as_text = contrast(colour, background)
    if as_text < MINIMUM_CONTRAST:
        raise ValidationError(
            _(
                "Links in %(colour)s on the %(background)s have a contrast of only "
                "%(ratio)s:1; at least 4.5:1 is needed to read them. Choose a darker colour."
            ),
            code="low_contrast",
            params={"colour": colour, "background": name, "ratio": _ratio(as_text)},
        )
