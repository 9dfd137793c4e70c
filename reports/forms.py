from django import forms
from django.conf import settings
from django.core import signing
from django.utils.translation import gettext_lazy as _

from .models import TEXT_MAX_LENGTH, Report

_SIGNER_SALT = "reports.form"


def form_stamp():
    """A signed timestamp: the form must be at least a few seconds and at most hours old."""
    return signing.TimestampSigner(salt=_SIGNER_SALT).sign("report")


class ReportForm(forms.ModelForm):
    # Hidden from people by CSS and aria-hidden; filled in only by bots.
    website = forms.CharField(required=False, label=_("Leave this field empty"))
    stamp = forms.CharField(widget=forms.HiddenInput)

    class Meta:
        model = Report
        fields = ("device", "app_version", "text")
        widgets = {"text": forms.Textarea(attrs={"rows": 5, "maxlength": TEXT_MAX_LENGTH})}
        help_texts = {
            "text": _(
                "Which menu or label do you see instead? Please leave out your name and "
                "anything else about you."
            ),
            "app_version": _("Optional, e.g. 4.1.9 (in the app under Settings › About)."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["device"].choices = [("", _("Please choose")), *Report.Device.choices]

    def clean_website(self):
        if self.cleaned_data["website"]:
            raise forms.ValidationError(_("Leave this field empty."))
        return ""

    def clean_stamp(self):
        signer = signing.TimestampSigner(salt=_SIGNER_SALT)
        stamp = self.cleaned_data["stamp"]
        try:
            signer.unsign(stamp, max_age=settings.REPORTS_MAX_HOURS * 3600)
        except signing.SignatureExpired:
            raise forms.ValidationError(
                _("This form was open too long. Please send it again.")
            ) from None
        except signing.BadSignature:
            raise forms.ValidationError(_("Please send the form again.")) from None
        try:
            signer.unsign(stamp, max_age=settings.REPORTS_MIN_SECONDS)
        except signing.SignatureExpired:
            return stamp
        raise forms.ValidationError(_("That was very fast. Please wait a moment and send again."))
