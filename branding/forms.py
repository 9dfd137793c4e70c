from django import forms
from django.core.files.uploadedfile import UploadedFile

from .models import SiteSettings


class SiteSettingsForm(forms.ModelForm):
    """A new logo goes through guides.images.clean_image; a refused file keeps the old logo."""

    class Meta:
        model = SiteSettings
        fields = ("name", "logo", "accent", "intro", "contact", "imprint", "privacy")
        widgets = {"accent": forms.TextInput(attrs={"type": "color"})}

    def clean_logo(self):
        logo = self.cleaned_data.get("logo")
        if not isinstance(logo, UploadedFile):
            return logo  # unchanged, or False when "Clear" was ticked
        self.instance.store_logo(logo.read())  # ValidationError: a form error, nothing stored
        return self.instance.logo.name
