"""The organisation's own settings: one row, edited in the admin, read on every reader page."""

import hashlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.validators import EmailValidator, URLValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _
from modeltranslation.utils import build_localized_fieldname

from guides import fragments, reading
from guides.images import clean_image
from guides.models import StoredTexts

from . import colours
from .privacy import validate_no_placeholders

LOGO_FOLDER = "branding"
LEGAL_TEXTS = ("imprint", "privacy")


def validate_contact(value):
    """An e-mail address, or a web address starting with http:// or https://."""
    if "@" in value and not value.startswith(("http://", "https://")):
        validator = EmailValidator()
    else:
        validator = URLValidator(schemes=("http", "https"))
    try:
        validator(value)
    except ValidationError:
        raise ValidationError(
            _(
                "Enter an e-mail address (name@example.org) or a web address starting with "
                "https:// (https://example.org/contact/)."
            ),
            code="invalid_contact",
        ) from None


def _legal_text_columns():
    return [
        build_localized_fieldname(name, code) if code else name
        for name in LEGAL_TEXTS
        for code in (None, *(code for code, _name in settings.LANGUAGES))
    ]


class SiteSettings(StoredTexts):
    """The one row of settings (pk 1): name, logo, colour, texts. Missing means all defaults."""

    SINGLE_PK = 1

    name = models.CharField(
        _("site name"),
        max_length=80,
        blank=True,
        help_text=_("Empty: “Opt-out Guides” in the reader's language."),
    )
    logo = models.FileField(
        _("logo"),
        upload_to=LOGO_FOLDER,
        blank=True,
        help_text=_(
            "A PNG, JPEG or WebP image, shown in the header about 40 pixels high; its metadata "
            "is removed."
        ),
    )
    logo_width = models.PositiveIntegerField(_("logo width"), null=True, editable=False)
    logo_height = models.PositiveIntegerField(_("logo height"), null=True, editable=False)
    accent = models.CharField(
        _("accent colour"),
        max_length=7,
        default=colours.DEFAULT_ACCENT,
        validators=[colours.validate_accent],
        help_text=_(
            "Links and buttons. It must be dark enough for white text on it and for links on "
            "light backgrounds (WCAG AA, 4.5:1)."
        ),
    )
    intro = models.TextField(
        _("home page introduction"),
        blank=True,
        help_text=_(
            "Shown on the home page above the guides, e.g. “Your works council recommends "
            "these three settings.” Plain text; an empty line starts a new paragraph."
        ),
    )
    contact = models.CharField(
        _("contact"),
        max_length=254,
        blank=True,
        validators=[validate_contact],
        help_text=_("An e-mail address or a web address, linked in the footer of every page."),
    )
    imprint = models.TextField(
        _("imprint"),
        blank=True,
        help_text=_(
            "The legal notice (Impressum). Plain text; an empty line starts a new paragraph, web "
            "and e-mail addresses become links."
        ),
    )
    privacy = models.TextField(
        _("privacy statement"),
        blank=True,
        validators=[validate_no_placeholders],
        help_text=_(
            "Plain text like the imprint. Empty: readers see the software's template (below), "
            "marked as not yet adapted by you."
        ),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("site settings")
        verbose_name_plural = _("site settings")
        constraints = [
            models.CheckConstraint(condition=Q(pk=1), name="branding_sitesettings_single_row"),
        ]

    def __str__(self):
        return gettext("Site settings")

    def save(self, *args, **kwargs):
        self.pk = self.SINGLE_PK
        self.accent = self.accent.lower()
        if not self.logo:
            self.logo_width = self.logo_height = None
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("guides:home")

    @classmethod
    def current(cls, legal_texts=False):
        """The stored settings, or unsaved defaults when none were saved yet. One query.

        The imprint and privacy statement (long, in every language) are left out unless asked
        for: only their own pages show them.
        """
        rows = cls.objects.filter(pk=cls.SINGLE_PK)
        if not legal_texts:
            rows = rows.defer(*_legal_text_columns())
        return rows.first() or cls(pk=cls.SINGLE_PK)

    @classmethod
    def for_request(cls, request, legal_texts=False):
        """current(), read once per request on first use: the next request sees any change.

        Without the legal texts (every page's header and footer) kept until the next write
        readers see, which a change of the settings is.
        """
        site = getattr(request, "_site_settings", None)
        if site is None or (legal_texts and site.get_deferred_fields()):
            if legal_texts:
                site = cls.current(legal_texts)
            else:
                site = fragments.until_content_changes("branding", [], cls.current)
            request._site_settings = site
        return site

    def store_logo(self, data):
        """Clean `data` (guides.images) and make it the logo, stored under its content hash.

        Raises ValidationError with the reason when it is not an image we accept; the logo
        stays as it was then.
        """
        cleaned, checked = clean_image(data)
        digest = hashlib.sha256(cleaned).hexdigest()
        name = f"{LOGO_FOLDER}/{digest}.{checked.extension}"
        storage = self.logo.storage
        if not storage.exists(name):  # same name, same bytes
            name = storage.save(name, ContentFile(cleaned))
        self.logo.name = name
        self.logo_width, self.logo_height = checked.width, checked.height

    @property
    def display_name(self):
        return self.name or gettext("Opt-out Guides")

    @property
    def contact_url(self):
        if self.contact and not self.contact.startswith(("http://", "https://")):
            return f"mailto:{self.contact}"
        return self.contact

    @property
    def stylesheet(self):
        """CSS that overrides site.css's variables (screen only: print stays black)."""
        # Checked again here: a value set outside the admin must not reach the CSS unchecked.
        valid = colours.HEX_COLOUR.fullmatch(self.accent or "")
        accent = self.accent.lower() if valid else colours.DEFAULT_ACCENT
        return f"@media screen {{\n  :root {{\n    --accent: {accent};\n  }}\n}}\n"

    @property
    def stylesheet_version(self):
        return hashlib.sha256(self.stylesheet.encode()).hexdigest()[:12]

    # The reader's texts in the page's language, or the first fallback language that has one.
    @property
    def intro_text(self):
        return reading.localized(self, "intro", get_language())

    @property
    def imprint_text(self):
        return reading.localized(self, "imprint", get_language())

    @property
    def privacy_text(self):
        return reading.localized(self, "privacy", get_language())
