"""Admin forms: the version form that refuses stale saves, the step with its screenshot uploads
and the screenshot upload."""

import json

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from . import images
from .models import GuideVersion, Screenshot, Step

# More boxes than this on one image is a tampered form, not an editor at work.
MAX_REDACTIONS = 200
ACCEPTED_TYPES = "image/png,image/jpeg,image/webp"


class GuideVersionForm(forms.ModelForm):
    """A version form that remembers which revision of the draft the editor started from.

    When someone else saved the draft in between, the save is refused: the editor keeps what
    they typed in the form, and the colleague's work stays as it was saved.
    """

    loaded_revision = forms.IntegerField(widget=forms.HiddenInput, required=False)
    minor_change = forms.BooleanField(
        label=_("Minor change: translations stay valid"),
        help_text=_(
            "Tick when your change to the German text does not change its meaning (a typo, "
            "punctuation): the translations of the changed fields are confirmed as they are."
        ),
        required=False,
    )
    send_back_note = forms.CharField(
        label=_("Note for the editor"),
        help_text=_("What the editor should change; shown to them on the draft and the dashboard."),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,
    )

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
        if "_send_back" in self.data and not cleaned_data.get("send_back_note", "").strip():
            message = _("Say in a note what the editor should change.")
            self.add_error("send_back_note", ValidationError(message, code="note_required"))
        return cleaned_data

    def _conflict_message(self):
        version = self.instance
        saved_at = timezone.localtime(version.updated_at)
        return _(
            "%(user)s saved this draft on %(date)s at %(time)s, after you opened it. Nothing is "
            "wrong with what you typed, but it was not saved, so that their work is not "
            "overwritten. What you typed is still in this form: copy what you need, reload the "
            "page and make your changes again."
        ) % {
            "user": version.updated_by or _("Someone"),
            "date": date_format(saved_at, "DATE_FORMAT"),
            "time": date_format(saved_at, "TIME_FORMAT"),
        }


class ScreenshotUploadInput(forms.ClearableFileInput):
    """A file input that shows a thumbnail of the stored image and offers to remove it.

    static/admin-extra/redact.js turns it into a preview on which the editor draws boxes to black
    out; they go into the form's hidden `redactions…` field (see redactions_field()).
    """

    template_name = "admin/widgets/screenshot_upload.html"
    THUMBNAIL_WIDTH = 240

    def __init__(self, attrs=None):
        super().__init__({"accept": ACCEPTED_TYPES, "data-redact": "", **(attrs or {})})

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        screenshot = getattr(value, "instance", None)
        if context["widget"]["is_initial"] and isinstance(screenshot, Screenshot):
            width = min(self.THUMBNAIL_WIDTH, screenshot.width)
            context["thumbnail"] = {
                "url": value.url,
                "width": width,
                "height": round(screenshot.height * width / screenshot.width),
            }
        return context

    def _render(self, template_name, context, renderer=None):
        # The site's templates (templates/admin/…), not only the form renderer's own folders.
        return mark_safe(render_to_string(template_name, context))


def upload_field(required=False, **kwargs):
    return forms.FileField(
        label=_("image"),
        required=required,
        widget=ScreenshotUploadInput,
        help_text=_("A PNG, JPEG or WebP image. Its metadata (e.g. GPS position) is removed."),
        **kwargs,
    )


def redactions_field():
    return forms.CharField(required=False, widget=forms.HiddenInput)


def parse_redactions(text):
    """The boxes (left, top, right, bottom) of the hidden field's JSON; ValidationError if bad."""
    if not text:
        return []
    try:
        boxes = json.loads(text)
        if not isinstance(boxes, list) or len(boxes) > MAX_REDACTIONS:
            raise ValueError
        return [_box(box) for box in boxes]
    except (ValueError, TypeError):
        message = _(
            "The areas to black out could not be read. Choose the file and draw them again."
        )
        raise ValidationError(message, code="bad_redactions") from None


def _box(box):
    if not isinstance(box, list) or len(box) != 4:
        raise ValueError
    if not all(isinstance(value, int) and 0 <= value <= 10**6 for value in box):
        raise ValueError
    return tuple(box)


def _upload_fields():
    fields = {}
    for code, _name in settings.LANGUAGES:
        fields[f"upload_{code}"] = upload_field()
        fields[f"redactions_{code}"] = redactions_field()
    return fields


class BaseStepForm(forms.ModelForm):
    """A step whose screenshot can be uploaded in place, per language, with areas blacked out.

    An upload is checked in clean() and stored in save(), so a refused save (a bad file in
    another step, a colleague's newer revision) stores nothing and keeps the step's screenshot.
    """

    class Meta:
        model = Step
        # The admin passes the translated fields of StepInline.fields.
        fields = ("position", "device", "needs_confirmation")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._uploads = {}
        for code, _name in settings.LANGUAGES:
            field = self.fields.get(f"upload_{code}")
            if field is None:
                continue
            field.label = format_lazy("{} [{}]", _("Upload an image"), code)
            stored = self.fields.get(f"screenshot_{code}")
            if stored is not None:
                stored.label = format_lazy("{} [{}]", _("Or choose a stored screenshot"), code)
            # modeltranslation's classes put the upload of each language into its tab.
            field.widget.attrs["class"] = f"mt mt-field-upload-{code}"
            screenshot = getattr(self.instance, f"screenshot_{code}", None)
            if screenshot is not None:
                self.initial.setdefault(f"upload_{code}", screenshot.file)

    def clean(self):
        cleaned_data = super().clean()
        for code, _name in settings.LANGUAGES:
            self._clean_upload(cleaned_data, code)
        return cleaned_data

    def _clean_upload(self, cleaned_data, code):
        upload = cleaned_data.get(f"upload_{code}")
        field = f"screenshot_{code}"
        if upload is False and field in self.fields:
            cleaned_data[field] = None  # "Remove"
        if not isinstance(upload, UploadedFile):
            return
        try:
            boxes = parse_redactions(cleaned_data.get(f"redactions_{code}"))
            images.check_image(images.read_limited(upload))
            upload.seek(0)
        except ValidationError as error:
            self.add_error(f"upload_{code}", error)
            return
        self._uploads[code] = (upload, boxes)
        alt = f"screenshot_alt_{code}"
        # Without a stored screenshot the model's clean() cannot see that one is coming.
        if alt in self.fields and not cleaned_data.get(alt) and not cleaned_data.get(field):
            self.add_error(alt, _("Describe the screenshot for screen readers."))

    def save(self, commit=True):
        for code, (upload, boxes) in self._uploads.items():
            screenshot = Screenshot.store(upload, redactions=boxes)
            setattr(self.instance, f"screenshot_{code}", screenshot)
        return super().save(commit)


StepForm = type("StepForm", (BaseStepForm,), {**_upload_fields(), "__module__": __name__})


class ScreenshotForm(forms.ModelForm):
    """Uploads go through Screenshot.store(): one file per image content, whatever its name."""

    upload = upload_field()
    redactions = redactions_field()

    class Meta:
        model = Screenshot
        fields = ("kind", "label")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The file of a stored screenshot never changes: its name is its content.
        self.fields["upload"].required = self.instance.pk is None

    def _post_clean(self):
        # The model's own rules (e.g. no control characters in the label) come first: a form
        # that is refused stores no image.
        super()._post_clean()
        upload = self.cleaned_data.get("upload")
        if upload and not self.errors:
            try:
                boxes = parse_redactions(self.cleaned_data.get("redactions"))
                self._store(upload, boxes)
            except ValidationError as error:
                self.add_error("upload", error)

    def _store(self, upload, boxes):
        existing = None if boxes else Screenshot.stored_copy(upload)
        if existing:
            url = reverse("admin:guides_screenshot_change", args=[existing.pk])
            message = _('This image is already stored as <a href="{}">{}</a>; use that one.')
            raise ValidationError(format_html(message, url, existing))
        unsaved = self.instance
        self.instance = Screenshot.store(upload, redactions=boxes, kind=unsaved.kind)
        self.instance.kind, self.instance.label = unsaved.kind, unsaved.label


class ScreenshotReplaceForm(forms.Form):
    """A replacement for a screenshot everywhere, stored through Screenshot.store()."""

    upload = upload_field(required=True)
    redactions = redactions_field()
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

    def clean(self):
        cleaned_data = super().clean()
        if self.errors:
            return cleaned_data
        old = self.screenshot
        try:
            new = Screenshot.store(
                cleaned_data["upload"],
                parse_redactions(cleaned_data["redactions"]),
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
