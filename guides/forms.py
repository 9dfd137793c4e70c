"""Admin forms: the version form that refuses stale saves, and the screenshot upload."""

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .models import GuideVersion, Screenshot


class GuideVersionForm(forms.ModelForm):
    """A version form that remembers which revision of the draft the editor started from.

    When someone else saved the draft in between, the save is refused: the editor keeps what
    they typed in the form, and the colleague's work stays as it was saved.
    """

    loaded_revision = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = GuideVersion
        fields = (
            "title", "summary", "minutes", "deep_link", "context", "check_text", "change_note",
            "needs_confirmation",
        )  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("loaded_revision", self.instance.revision)

    def clean(self):
        cleaned_data = super().clean()
        # The admin loaded self.instance with a row lock, so its revision is the stored one.
        if self.instance.pk and cleaned_data.get("loaded_revision") != self.instance.revision:
            raise ValidationError(self._conflict_message(), code="conflict")
        return cleaned_data

    def _conflict_message(self):
        version = self.instance
        return _(
            "%(user)s saved this draft at %(time)s, after you opened it. Your changes were not "
            "saved, so nothing of theirs is lost; what you typed is still in this form. Copy what "
            "you need, reload the page and make your changes again."
        ) % {
            "user": version.updated_by or _("Someone"),
            "time": date_format(timezone.localtime(version.updated_at), "DATETIME_FORMAT"),
        }


class ScreenshotForm(forms.ModelForm):
    """Uploads go through Screenshot.store(): one file per image content, whatever its name."""

    upload = forms.FileField(
        label=_("image"), required=False, help_text=_("A PNG, JPEG or WebP image.")
    )

    class Meta:
        model = Screenshot
        fields = ("kind", "label")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The file of a stored screenshot never changes: its name is its content.
        self.fields["upload"].required = self.instance.pk is None

    def clean(self):
        cleaned_data = super().clean()
        upload = cleaned_data.get("upload")
        if upload and not self.errors:
            try:
                self._store(upload, cleaned_data["kind"])
            except ValidationError as error:
                self.add_error("upload", error)
        return cleaned_data

    def _store(self, upload, kind):
        existing = Screenshot.stored_copy(upload)
        if existing:
            url = reverse("admin:guides_screenshot_change", args=[existing.pk])
            message = _('This image is already stored as <a href="{}">{}</a>; use that one.')
            raise ValidationError(format_html(message, url, existing))
        self.instance = Screenshot.store(upload, kind=kind)


def _boxes(text):
    """Rectangles from lines of "left, top, right, bottom" (pixels); ValidationError otherwise."""
    boxes = []
    for line in filter(None, (line.strip() for line in text.splitlines())):
        parts = [part.strip() for part in line.replace(";", ",").split(",")]
        if len(parts) != 4 or not all(part.isdigit() and len(part) <= 6 for part in parts):
            raise ValidationError(
                _("“%(line)s” is not four numbers: left, top, right, bottom."),
                code="bad_box",
                params={"line": line[:60]},
            )
        boxes.append(tuple(int(part) for part in parts))
    return boxes


class ScreenshotReplaceForm(forms.Form):
    """A replacement for a screenshot everywhere, stored through Screenshot.store()."""

    upload = forms.FileField(
        label=_("replacement image"), help_text=_("A PNG, JPEG or WebP image.")
    )
    redactions = forms.CharField(
        label=_("areas to black out"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Optional. One rectangle per line, in pixels of the upright image: "
            "left, top, right, bottom."
        ),
    )
    reason = forms.CharField(
        label=_("reason"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Why the image must go everywhere, e.g. “shows an editor’s name”. Logged."),
    )

    def __init__(self, *args, screenshot, **kwargs):
        super().__init__(*args, **kwargs)
        self.screenshot = screenshot
        self.replacement = None

    def clean_redactions(self):
        return _boxes(self.cleaned_data["redactions"])

    def clean(self):
        cleaned_data = super().clean()
        if self.errors:
            return cleaned_data
        old = self.screenshot
        try:
            new = Screenshot.store(
                cleaned_data["upload"],
                cleaned_data["redactions"],
                kind=old.kind,
                label=old.label,
            )
        except ValidationError as error:
            self.add_error("upload", error)
            return cleaned_data
        if new.pk == old.pk:
            self.add_error("upload", _("This is the same image; choose another file."))
        self.replacement = new
        return cleaned_data
