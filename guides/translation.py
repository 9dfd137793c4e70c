from modeltranslation.translator import TranslationOptions, register

from .models import GuideVersion, Platform, Region, Step


@register(Region)
class RegionTranslationOptions(TranslationOptions):
    fields = ("name",)


@register(Platform)
class PlatformTranslationOptions(TranslationOptions):
    fields = ("description",)


@register(GuideVersion)
class GuideVersionTranslationOptions(TranslationOptions):
    fields = ("title", "summary", "context", "check_text", "change_note", "needs_confirmation")
    required_languages = {"de": ("title",)}


@register(Step)
class StepTranslationOptions(TranslationOptions):
    fields = ("instruction", "menu_path", "target_value", "screenshot", "screenshot_alt")
    required_languages = {"de": ("instruction",)}
