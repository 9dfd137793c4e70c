"""The organisation's settings: one page, no list (the admin's list goes straight to it)."""

from django.contrib import admin
from django.shortcuts import redirect
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TabbedTranslationAdmin

from . import privacy
from .forms import SiteSettingsForm
from .models import SiteSettings


@admin.register(SiteSettings)
class SiteSettingsAdmin(TabbedTranslationAdmin):
    form = SiteSettingsForm
    fieldsets = (
        (None, {"fields": ("name", "logo", "accent", "contact")}),
        (_("Home page"), {"fields": ("intro",)}),
        (_("Imprint and privacy statement"), {"fields": ("imprint", "privacy")}),
        (
            _("Privacy statement template"),
            {"classes": ("collapse",), "fields": ("privacy_template_de", "privacy_template_en")},
        ),
    )
    readonly_fields = ("privacy_template_de", "privacy_template_en")

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_object(self, request, object_id, from_field=None):
        # Defaults until the first save, as readers see them.
        found = super().get_object(request, object_id, from_field)
        if found is None and str(object_id) == str(SiteSettings.SINGLE_PK):
            return SiteSettings(pk=SiteSettings.SINGLE_PK)
        return found

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_or_change_permission(request):
            return super().changelist_view(request, extra_context)
        return redirect("admin:branding_sitesettings_change", SiteSettings.SINGLE_PK)

    @admin.display(description=_("German template"))
    def privacy_template_de(self, obj):
        return _paragraphs(privacy.template("de"))

    @admin.display(description=_("English template"))
    def privacy_template_en(self, obj):
        return _paragraphs(privacy.template("en"))


def _paragraphs(text):
    return format_html_join("", "<p>{}</p>", ((part,) for part in text.split("\n\n")))
