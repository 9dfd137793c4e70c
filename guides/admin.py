from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TabbedTranslationAdmin, TranslationStackedInline

from .models import Guide, GuideVersion, Platform, Region, Screenshot, Source, Step


@admin.register(Region)
class RegionAdmin(TabbedTranslationAdmin):
    list_display = ("name", "code", "position")
    search_fields = ("code", "name")


@admin.register(Platform)
class PlatformAdmin(TabbedTranslationAdmin):
    list_display = ("name", "slug", "website")
    prepopulated_fields = {"slug": ("name",)}
    search_fields = ("name", "slug")


@admin.register(Guide)
class GuideAdmin(admin.ModelAdmin):
    list_display = ("__str__", "platform", "topic", "published_version")
    list_filter = ("platform", "topic", "regions")
    list_select_related = ("platform", "published_version")
    filter_horizontal = ("regions",)
    search_fields = ("slug", "versions__title")


class StepInline(TranslationStackedInline):
    model = Step
    extra = 0
    fields = (
        "position", "device", "instruction", "menu_path", "target_value",
        "needs_confirmation", "screenshot", "screenshot_alt",
    )  # fmt: skip


class SourceInline(admin.TabularInline):
    model = Source
    extra = 0
    fields = ("position", "url", "title")


@admin.register(GuideVersion)
class GuideVersionAdmin(TabbedTranslationAdmin):
    list_display = ("title", "guide", "number", "status", "verified_on")
    list_filter = ("status", "guide__platform", "verified_on")
    list_select_related = ("guide__platform",)
    search_fields = ("title", "summary")
    inlines = (StepInline, SourceInline)
    fieldsets = (
        (None, {"fields": ("guide", "title", "summary", "minutes", "deep_link")}),
        (_("For readers"), {"fields": ("context", "check_text", "change_note")}),
        (_("For editors"), {"fields": ("needs_confirmation",)}),
    )


@admin.register(Screenshot)
class ScreenshotAdmin(admin.ModelAdmin):
    list_display = ("__str__", "kind", "width", "height", "created_at")
    list_filter = ("kind",)
    search_fields = ("label", "sha256")
