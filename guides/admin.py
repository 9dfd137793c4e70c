"""The editors' workplace: guides, their versions with steps and sources, and screenshots.

Workflow steps (new draft, publish, mark verified) are admin actions, offered in the lists and
as buttons on the change pages (templates/admin/guides/*/change_form_object_tools.html).
Discarding a draft is the admin's delete, allowed for drafts only.
"""

import functools

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.options import IS_POPUP_VAR, ActionLocation
from django.contrib.admin.utils import flatten_fieldsets
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import formats, timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TabbedTranslationAdmin, TranslationStackedInline
from modeltranslation.translator import translator
from modeltranslation.utils import build_localized_fieldname

from .forms import GuideVersionForm, ScreenshotForm, ScreenshotReplaceForm, StepForm
from .models import (
    CannotPublish,
    Guide,
    GuideVersion,
    Platform,
    Region,
    Screenshot,
    ScreenshotReplacement,
    Source,
    Step,
    VersionLocked,
    next_position,
    step_labels,
)

LIST_AND_FORM = [ActionLocation.CHANGE_LIST, ActionLocation.CHANGE_FORM]
# The fieldset with the note for sending a draft back, shown to publishers only.
REVIEW = _("Send back to the editor")

admin.site.site_header = admin.site.site_title = "Opt-out Guides"
EXTRA_CSS = {"all": ("admin-extra/admin.css",)}


def _translator_only(request):
    """True for users who may translate drafts but not edit them (the Translator group)."""
    user = request.user
    return user.has_perm("guides.translate_guideversion") and not user.has_perm(
        "guides.change_guideversion"
    )


def _source_only(model, fields):
    """The names among `fields` a translator may not change: all but non-German translations.

    An untranslated name of a translated field (e.g. "title") stands for its German column.
    """
    translated = translator.get_options_for_model(model).all_fields
    translations = {
        build_localized_fieldname(name, code)
        for name in translated
        for code, _language in settings.LANGUAGES
        if code != settings.LANGUAGE_CODE
    }
    readonly = []
    for name in fields:
        if name in translated:
            name = build_localized_fieldname(name, settings.LANGUAGE_CODE)
        if name not in translations:
            readonly.append(name)
    return readonly


def _in_every_language(*names):
    """Search fields for translated fields in every language of settings.LANGUAGES.

    "versions__title" becomes versions__title_de, versions__title_en, …
    """
    return tuple(
        build_localized_fieldname(name, code)
        for name in names
        for code, _name in settings.LANGUAGES
    )


def _is_draft(version):
    return version is None or version.is_draft


def _open_drafts(modeladmin, request, sources):
    """Open (or create) the draft of each source; go straight to it when there is one."""
    drafts = [source.new_draft(by=request.user) for source in sources]
    for draft in drafts:
        modeladmin.message_user(
            request, _("The draft %(draft)s is open for editing.") % {"draft": draft}
        )
    if len(drafts) == 1:
        return redirect("admin:guides_guideversion_change", drafts[0].pk)
    return None


class SelectedIdsMixin:
    """Actions run only when every selected item exists: otherwise a message, never a 500.

    Without this, an id like 10^30 or "abc" in a tampered `_selected_action` reaches the
    database (OverflowError on SQLite, DataError on PostgreSQL) or the id field's ValueError,
    and an item deleted by a colleague meanwhile is skipped silently. Every ModelAdmin of the
    site uses this mixin.
    """

    def response_action(self, request, queryset, action_location=ActionLocation.CHANGE_LIST):
        selected = request.POST.getlist(helpers.ACTION_CHECKBOX_NAME)
        if selected and not self._all_exist(queryset, selected):
            message = _(
                "Some of the selected items do not exist (any more). No items have been changed."
            )
            self.message_user(request, message, messages.WARNING)
            return HttpResponseRedirect(request.get_full_path())
        return super().response_action(request, queryset, action_location)

    def _all_exist(self, queryset, selected):
        pks = set()
        for value in selected:
            try:
                # The primary key's own validation, including this database's integer range.
                pks.add(self.opts.pk.clean(value, None))
            except ValidationError:
                return False
        return queryset.filter(pk__in=pks).count() == len(pks)


class WorkflowMixin:
    """Show the workflow actions allowed for the object as buttons above its change form."""

    # Which actions make sense for an object; None: all of them.
    def workflow_action_names(self, obj):
        return None

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            allowed = self.workflow_action_names(obj)
            actions = self.get_actions(request, action_location=ActionLocation.CHANGE_FORM)
            context["workflow_actions"] = [
                (name, action.description)
                for name, action in actions.items()
                if allowed is None or name in allowed
            ]
        return super().render_change_form(request, context, add, change, form_url, obj)

    def has_draft_permission(self, request):
        return request.user.has_perm("guides.add_guideversion")


@admin.register(Region)
class RegionAdmin(SelectedIdsMixin, TabbedTranslationAdmin):
    list_display = ("name", "code", "position")

    def get_changeform_initial_data(self, request):
        return {
            "position": next_position(Region.objects.all()),
            **super().get_changeform_initial_data(request),
        }

    search_fields = ("code", *_in_every_language("name"))


@admin.register(Platform)
class PlatformAdmin(SelectedIdsMixin, TabbedTranslationAdmin):
    list_display = ("name", "slug", "website")
    prepopulated_fields = {"slug": ("name",)}
    search_fields = ("name", "slug", *_in_every_language("description"))

    def get_changeform_initial_data(self, request):
        return {
            "position": next_position(Platform.objects.all()),
            **super().get_changeform_initial_data(request),
        }


class VersionInline(admin.TabularInline):
    """The guide's versions, newest first, as a read-only list with links."""

    model = GuideVersion
    fields = ("number", "title", "status", "verified_on", "updated_by", "updated_at")
    readonly_fields = fields
    show_change_link = True
    view_on_site = False
    extra = 0
    can_delete = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("updated_by")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Guide)
class GuideAdmin(SelectedIdsMixin, WorkflowMixin, admin.ModelAdmin):
    list_display = ("__str__", "platform", "topic", "slug", "published_version")
    list_filter = ("platform", "topic", "regions")
    list_select_related = ("platform", "published_version")
    filter_horizontal = ("regions",)
    search_fields = ("slug", *_in_every_language("versions__title"))
    fields = ("platform", "slug", "topic", "regions", "position")
    inlines = (VersionInline,)
    actions = ("new_draft",)

    class Media:
        css = EXTRA_CSS

    def get_inlines(self, request, obj):
        return self.inlines if obj else ()

    def get_changeform_initial_data(self, request):
        return {
            "position": next_position(Guide.objects.all()),
            **super().get_changeform_initial_data(request),
        }

    @admin.action(
        description=_("New draft"),
        description_plural=_("Open a draft of the selected guides"),
        permissions=["draft"],
        location=LIST_AND_FORM,
    )
    def new_draft(self, request, queryset):
        return _open_drafts(self, request, queryset)

    def response_add(self, request, obj, post_url_continue=None):
        # The next step is always "New draft", a button on the change page.
        response = super().response_add(request, obj, post_url_continue)
        if "_addanother" in request.POST or IS_POPUP_VAR in request.POST:
            return response
        return redirect("admin:guides_guide_change", obj.pk)


class ReaderNumberedSteps:
    """A step formset whose headings show the numbers readers see (App 2 · Desktop 2)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        steps = [form.instance for form in self.initial_forms]
        labels = step_labels(steps)
        for step in steps:
            step.reader_label = labels.get(step.pk)
            step.version = self.instance  # no query per step in step_check


class DraftInlineMixin:
    """Steps and sources can be added, changed and removed in drafts only."""

    def has_add_permission(self, request, obj):
        return _is_draft(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return _is_draft(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return _is_draft(obj) and super().has_delete_permission(request, obj)

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        if self.model is Step:
            formset = type(formset.__name__, (ReaderNumberedSteps, formset), {})
        position = formset.form.base_fields.get("position")
        if obj is not None and position is not None:
            # New rows ("Add another" clones them in the browser) go after the last one.
            position.initial = next_position(self.model.objects.filter(version=obj))
        return formset


def _upload_fields(code):
    """StepForm's fields that upload the screenshot of one language."""
    return (f"upload_{code}", f"redactions_{code}")


class StepInline(DraftInlineMixin, TranslationStackedInline):
    model = Step
    form = StepForm
    extra = 0
    model_fields = (
        "position", "device", "instruction", "menu_path", "target_value",
        "needs_confirmation", "screenshot", "screenshot_alt",
    )  # fmt: skip
    # Uploading is the common way; the screenshot field below picks an image stored before.
    fields = (
        *model_fields[:-2],
        *(name for code, _name in settings.LANGUAGES for name in _upload_fields(code)),
        *model_fields[-2:],
    )
    raw_id_fields = ("screenshot",)

    class Media:
        js = ("admin-extra/redact.js",)

    @admin.display(description=_("last checked"))
    def step_check(self, step):
        """When and on which device the step was last checked, and buttons to check it today."""
        if step.pk is None:
            return "–"
        if step.verified_on:
            checked = _("%(device)s, %(date)s") % {
                "device": step.get_verified_device_display(),
                "date": formats.date_format(step.verified_on, "DATE_FORMAT"),
            }
        else:
            checked = _("not yet")
        if step.version.is_draft:
            # The buttons send the whole form elsewhere: in a draft, typed changes would be lost.
            return checked
        url = reverse("admin:guides_step_verify", args=[step.version_id, step.pk])
        devices = [
            device
            for device in (Step.Device.APP, Step.Device.DESKTOP)
            if step.device in (device, Step.Device.BOTH)
        ]
        buttons = format_html_join(
            " ",
            '<button type="submit" class="button" formaction="{}" name="device" value="{}">'
            "{}</button>",
            (
                (url, device, _("Checked today: %(device)s") % {"device": device.label})
                for device in devices
            ),
        )
        return format_html("{} {}", checked, buttons)

    def get_queryset(self, request):
        # Each step shows a thumbnail per language: no query per step and language.
        screenshots = (f"screenshot_{code}" for code, _name in settings.LANGUAGES)
        return super().get_queryset(request).select_related(*screenshots)

    def has_change_permission(self, request, obj=None):
        translates = _is_draft(obj) and _translator_only(request)
        return translates or super().has_change_permission(request, obj)

    def _step_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        if not self.has_change_permission(request, obj):
            return [name for name in fields if not name.startswith(("upload_", "redactions_"))]
        if _translator_only(request):
            return [name for name in fields if name not in _upload_fields(settings.LANGUAGE_CODE)]
        return fields

    def get_fields(self, request, obj=None):
        return [*self._step_fields(request, obj), "step_check"]

    def get_readonly_fields(self, request, obj=None):
        if _translator_only(request):
            return [*_source_only(Step, self.model_fields), "step_check"]
        return [*super().get_readonly_fields(request, obj), "step_check"]


class SourceInline(DraftInlineMixin, admin.TabularInline):
    model = Source
    extra = 0
    fields = ("position", "url", "title")


class StaleFilter(admin.SimpleListFilter):
    title = _("last check")
    parameter_name = "stale"

    def lookups(self, request, model_admin):
        return (("yes", _("Due for a check")), ("no", _("Checked recently")))

    def queryset(self, request, queryset):
        stale = GuideVersion.objects.stale().values("pk")
        if self.value() == "yes":
            return queryset.filter(pk__in=stale)
        if self.value() == "no":
            return queryset.exclude(pk__in=stale)
        return queryset


def _typed_texts(request, version):
    """(label, text) of each text a POST of `version`'s change form holds that is not stored.

    For the page shown when the draft was published while an editor was typing: nothing they
    typed is lost, they copy it into a new draft.
    """
    typed = []
    for name in translator.get_options_for_model(GuideVersion).all_fields:
        for code, _language in settings.LANGUAGES:
            field = build_localized_fieldname(name, code)
            text = request.POST.get(field, "").strip()
            if text and text != (getattr(version, field) or "").strip():
                label = GuideVersion._meta.get_field(name).verbose_name
                typed.append((f"{label} ({code})", text))
    steps = {str(step.pk): step for step in version.steps.all()}
    total = request.POST.get("steps-TOTAL_FORMS", "0")
    for index in range(min(int(total) if total.isdigit() else 0, 100)):
        step = steps.get(request.POST.get(f"steps-{index}-id"))
        for name in ("instruction", "menu_path", "target_value", "screenshot_alt"):
            for code, _language in settings.LANGUAGES:
                field = build_localized_fieldname(name, code)
                text = request.POST.get(f"steps-{index}-{field}", "").strip()
                if text and (step is None or text != (getattr(step, field) or "").strip()):
                    label = _("Step %(number)s, %(field)s (%(language)s)") % {
                        "number": index + 1,
                        "field": Step._meta.get_field(name).verbose_name,
                        "language": code,
                    }
                    typed.append((label, text))
    return typed


@admin.register(GuideVersion)
class GuideVersionAdmin(SelectedIdsMixin, WorkflowMixin, TabbedTranslationAdmin):
    form = GuideVersionForm
    list_display = (
        "title", "number", "status", "platform", "verified_on", "checked_recently",
        "complete_languages", "translations", "updated_by", "updated_at",
    )  # fmt: skip
    list_filter = ("status", "guide__platform", StaleFilter, "verified_on")
    list_select_related = ("guide__platform", "guide__published_version", "updated_by")
    # Grouped by guide in the guides' order (the model orders by guide_id, which joins nothing).
    ordering = ("guide__platform__position", "guide__position", "guide__slug", "-number")
    search_fields = (*_in_every_language("title"), "guide__slug")
    inlines = (StepInline, SourceInline)
    actions = ("new_draft", "publish", "mark_verified", "confirm_translations")
    readonly_fields = (*GuideVersion.LIFECYCLE, "translation_freshness", "review_state")
    fieldsets = (
        (None, {"fields": (("guide", "number", "status"), "review_state", "title", "summary")}),
        (None, {"fields": ("minutes", "deep_link")}),
        (_("For readers"), {"fields": ("context", "check_text", "needs_confirmation")}),
        (_("What changed"), {"fields": ("change_note", "minor_change")}),
        (_("Translations"), {"fields": ("translation_freshness",)}),
        (REVIEW, {"fields": ("send_back_note",)}),
        (
            _("History"),
            {
                "classes": ("collapse",),
                "fields": (
                    "based_on", ("created_by", "created_at"), ("updated_by", "updated_at"),
                    ("published_by", "published_at"), ("verified_by", "verified_on"),
                ),
            },
        ),
    )  # fmt: skip
    # Which workflow buttons a version shows above its form, by status. A draft's own steps
    # (publish, ask for review, send back) are buttons of its form, so they save what was typed
    # first (change_form submit_line.html, response_change()).
    WORKFLOW = {
        GuideVersion.Status.DRAFT: (),
        GuideVersion.Status.PUBLISHED: ("new_draft", "mark_verified", "confirm_translations"),
        GuideVersion.Status.ARCHIVED: ("new_draft", "confirm_translations"),
    }
    # The buttons of a draft's form: what each does after the save, who may press it.
    HAND_OFF = ("_publish", "_request_review", "_send_back")

    class Media:
        css = EXTRA_CSS

    def workflow_action_names(self, obj):
        return self.WORKFLOW[obj.status]

    def view_on_site(self, version):
        # Drafts are not on the site; their change page links to the preview instead.
        return None if version.is_draft else version.get_absolute_url()

    def get_queryset(self, request):
        # Steps feed the "complete languages" column without one query per row.
        return super().get_queryset(request).prefetch_related("steps", "translation_stamps")

    def get_object(self, request, object_id, from_field=None):
        version = super().get_object(request, object_id, from_field)
        if version is not None and transaction.get_connection().in_atomic_block:
            # Saves compare the revision the editor loaded with the stored one (see
            # GuideVersionForm); the row lock makes compare-and-save one step.
            version = GuideVersion.objects.select_for_update().get(pk=version.pk)
        return version

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if self._may_send_back(request, obj):
            return fieldsets
        return [fieldset for fieldset in fieldsets if fieldset[0] is not REVIEW]

    def get_readonly_fields(self, request, obj=None):
        if _translator_only(request):
            fields = _source_only(GuideVersion, flatten_fieldsets(self.get_fieldsets(request)))
            return [name for name in fields if name not in ("minor_change", "send_back_note")]
        return self.readonly_fields

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except PermissionDenied:
            # Published while this editor was still editing: say so instead of "403 Forbidden".
            version = GuideVersion.objects.filter(pk=object_id).first() if object_id else None
            if request.method != "POST" or version is None or version.is_draft:
                raise
            return self._published_meanwhile(request, version)

    def _published_meanwhile(self, request, version):
        """A page that says so and shows what the editor typed, to copy into a new draft."""
        context = {
            **self.admin_site.each_context(request),
            "title": _("Published while you were editing"),
            "opts": self.opts,
            "version": version,
            "typed": _typed_texts(request, version),
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "may_draft": self.has_draft_permission(request),
        }
        template = "admin/guides/guideversion/published_meanwhile.html"
        return TemplateResponse(request, template, context, status=409)

    def has_add_permission(self, request):
        # Versions are made with "New draft" on a guide or a version: numbered, one per guide.
        return False

    def has_change_permission(self, request, obj=None):
        if not _is_draft(obj):
            return False
        return _translator_only(request) or super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return _is_draft(obj) and super().has_delete_permission(request, obj)

    def has_publish_permission(self, request):
        return request.user.has_perm("guides.publish_guideversion")

    def has_verify_permission(self, request):
        return request.user.has_perm("guides.change_guideversion")

    def has_translate_permission(self, request):
        user = request.user
        return user.has_perm("guides.translate_guideversion") or user.has_perm(
            "guides.change_guideversion"
        )

    def _may_send_back(self, request, version):
        return (
            version is not None
            and version.review == GuideVersion.Review.READY
            and self.has_publish_permission(request)
        )

    def _hand_off_buttons(self, request, version):
        """{button name: label} of the hand-off buttons `version`'s form offers this user."""
        if version is None or not version.is_draft:
            return {}
        buttons = {}
        may_edit = request.user.has_perm("guides.change_guideversion")
        if may_edit and version.review != GuideVersion.Review.READY:
            buttons["_request_review"] = _("Save and ask for review")
        if self._may_send_back(request, version):
            buttons["_send_back"] = _("Save and send back")
        if self.has_publish_permission(request):
            buttons["_publish"] = _("Save and publish")
        return buttons

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        # A colleague's save is no mistake in the input: say so at the top, without the
        # "Please correct the error below" header of form errors.
        form = context["adminform"].form
        errors = context.get("errors") or []
        if form.has_error(NON_FIELD_ERRORS, "conflict") and len(errors) == 1:
            for message in form.non_field_errors():
                self.message_user(request, message, messages.WARNING)
            context["errors"] = []
        context["hand_off_buttons"] = self._hand_off_buttons(request, obj).items()
        return super().render_change_form(request, context, add, change, form_url, obj)

    def response_change(self, request, obj):
        """After the save: publish, ask for review or send back when that button was pressed."""
        pressed = [name for name in self.HAND_OFF if name in request.POST]
        if not pressed:
            return super().response_change(request, obj)
        if pressed[0] not in self._hand_off_buttons(request, obj):
            raise PermissionDenied
        version = GuideVersion.objects.get(pk=obj.pk)
        if pressed[0] == "_publish":
            done = self._run(request, version, version.publish, _("Published %(version)s."))
        elif pressed[0] == "_request_review":
            done = self._run(
                request,
                version,
                version.request_review,
                _("%(version)s is waiting for a publisher."),
            )
        else:
            note = request.POST.get("send_back_note", "")
            send_back = functools.partial(version.send_back, note=note)
            done = self._run(request, version, send_back, _("%(version)s was sent back."))
        if not done:
            self.message_user(request, _("Your changes were saved."), messages.INFO)
        return redirect("admin:guides_guideversion_change", obj.pk)

    def get_urls(self):
        verify = self.admin_site.admin_view(self.verify_step_view)
        return [
            path("<int:pk>/steps/<int:step>/checked/", verify, name="guides_step_verify"),
            *super().get_urls(),
        ]

    def verify_step_view(self, request, pk, step):
        """Mark one step checked today on the device of the pressed button (POST only)."""
        if request.method != "POST":
            return redirect("admin:guides_guideversion_change", pk)
        if not self.has_verify_permission(request):
            raise PermissionDenied
        step = get_object_or_404(Step.objects.select_related("version"), pk=step, version=pk)
        try:
            step.mark_verified(by=request.user, device=request.POST.get("device"))
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
        else:
            message = _("Step %(number)s checked on %(device)s today.")
            number = step_labels(step.version.steps.all()).get(step.pk, step.position)
            device = step.get_verified_device_display()
            self.message_user(request, message % {"number": number, "device": device})
        return redirect("admin:guides_guideversion_change", pk)

    def save_model(self, request, obj, form, change):
        # The model's save() raises the revision, so later saves of older copies are refused.
        obj.updated_by = request.user
        # What the translations were before this save, to confirm the ones it changes.
        form.translation_texts_before = GuideVersion.objects.get(pk=obj.pk).translation_texts()
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        GuideVersion.objects.get(pk=form.instance.pk).confirm_translations(
            before=form.translation_texts_before, minor=form.cleaned_data.get("minor_change")
        )

    def delete_queryset(self, request, queryset):
        # queryset.delete() would bypass the model's guard against deleting published versions.
        for version in queryset:
            version.discard()

    @admin.display(description=_("platform"), ordering="guide__platform__name")
    def platform(self, version):
        return version.guide.platform

    @admin.display(description=_("checked recently"), boolean=True)
    def checked_recently(self, version):
        if version.is_draft:
            return None
        return not version.is_stale()

    @admin.display(description=_("complete in"))
    def complete_languages(self, version):
        missing = version.missing_languages()
        return ", ".join(code for code, _name in settings.LANGUAGES if code not in missing) or "–"

    @admin.display(description=_("translations"))
    def translations(self, version):
        status = version.translation_status()
        return format_html_join(
            ", ", "{}: {}", ((code, state.label) for code, state in status.items())
        )

    @admin.display(description=_("translation status"))
    def translation_freshness(self, version):
        if version.pk is None:
            return "–"
        gaps = version.translation_gaps()
        rows = []
        for code, state in version.translation_status().items():
            labels = ", ".join(str(gap.label) for gap in gaps[code])
            rows.append((code, state.label, f": {labels}" if labels else ""))
        return format_html(
            '<ul class="translation-status">{}</ul>',
            format_html_join("", "<li><strong>{}</strong> {}{}</li>", rows),
        )

    @admin.action(
        description=_("New draft from this version"),
        description_plural=_("New draft from the selected versions"),
        permissions=["draft"],
        location=LIST_AND_FORM,
    )
    def new_draft(self, request, queryset):
        return _open_drafts(self, request, queryset.select_related("guide"))

    @admin.action(
        description=_("Publish"),
        description_plural=_("Publish the selected drafts"),
        permissions=["publish"],
        location=LIST_AND_FORM,
    )
    def publish(self, request, queryset):
        for version in queryset.filter(status=GuideVersion.Status.DRAFT):
            self._run(request, version, version.publish, _("Published %(version)s."))

    @admin.action(
        description=_("Mark verified today"),
        description_plural=_("Mark the selected published versions verified today"),
        permissions=["verify"],
        location=LIST_AND_FORM,
    )
    def mark_verified(self, request, queryset):
        for version in queryset.filter(status=GuideVersion.Status.PUBLISHED):
            self._run(request, version, version.mark_verified, _("Verified %(version)s today."))

    @admin.action(
        description=_("Confirm translations"),
        description_plural=_("Confirm the translations of the selected versions"),
        permissions=["translate"],
        location=LIST_AND_FORM,
    )
    def confirm_translations(self, request, queryset):
        """Take every translation as valid for the German text as it stands now."""
        for version in queryset.prefetch_related("steps"):
            count = version.confirm_translations()
            message = _("Confirmed %(count)s translated texts of %(version)s.")
            self.message_user(request, message % {"count": count, "version": version})

    @admin.display(description=_("review"))
    def review_state(self, version):
        if version.review == GuideVersion.Review.READY:
            return _("Ready for review: asked for by %(who)s on %(date)s.") % {
                "who": version.review_requested_by or _("someone"),
                "date": formats.date_format(timezone.localtime(version.review_requested_at)),
            }
        if version.review == GuideVersion.Review.SENT_BACK:
            return _("Sent back by %(who)s on %(date)s: %(note)s") % {
                "who": version.sent_back_by or _("someone"),
                "date": formats.date_format(timezone.localtime(version.sent_back_at)),
                "note": version.sent_back_note,
            }
        return GuideVersion.Review.NONE.label if version.is_draft else "–"

    def _run(self, request, version, step, done):
        """Do one workflow step by the current user; failures become messages."""
        try:
            step(by=request.user)
        except CannotPublish as error:
            for problem in error.problems:
                message = _("%(version)s cannot be published yet: %(problem)s")
                self.message_user(
                    request, message % {"version": version, "problem": problem}, messages.ERROR
                )
        except VersionLocked as error:
            self.message_user(request, error, messages.ERROR)
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
        except IntegrityError:
            message = _("Someone changed %(version)s at the same time. Reload and try again.")
            self.message_user(request, message % {"version": version}, messages.ERROR)
        else:
            self.message_user(request, done % {"version": version}, messages.SUCCESS)
            return True
        return False


@admin.register(Screenshot)
class ScreenshotAdmin(SelectedIdsMixin, admin.ModelAdmin):
    form = ScreenshotForm
    list_display = ("thumbnail", "__str__", "kind", "width", "height", "created_at")
    list_filter = ("kind",)
    search_fields = ("label", "sha256")
    readonly_fields = ("image", "width", "height", "sha256", "used_in", "created_at")
    THUMBNAIL_WIDTH = 120

    class Media:
        css = EXTRA_CSS
        js = ("admin-extra/redact.js",)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ("upload", "redactions", "kind", "label")
        return ("image", "kind", "label", ("width", "height"), "sha256", "used_in")

    def get_urls(self):
        replace = self.admin_site.admin_view(self.replace_view)
        return [
            path("<int:pk>/replace/", replace, name="guides_screenshot_replace"),
            *super().get_urls(),
        ]

    def replace_view(self, request, pk):
        """Replace the image everywhere it is shown, published and archived versions too
        (data protection; Publishers only), and log who did it and why."""
        if not request.user.has_perm("guides.replace_screenshot"):
            raise PermissionDenied
        old = get_object_or_404(Screenshot, pk=pk)
        form = ScreenshotReplaceForm(request.POST or None, request.FILES or None, screenshot=old)
        if request.method == "POST" and form.is_valid():
            reason = form.cleaned_data["reason"]
            old_sha256 = old.sha256
            new = form.replacement
            old.replace_everywhere(new, by=request.user, reason=reason)
            self.log_change(
                request, new, f"Replaced {old_sha256} by {new.sha256} everywhere: {reason}"
            )
            self.message_user(request, _("The image was replaced in every version."))
            return redirect("admin:guides_screenshot_change", new.pk)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Replace this image everywhere"),
            "opts": self.opts,
            "original": old,
            "form": form,
            "used_in": self.used_in(old),
            "preview": self.thumbnail(old),
            "media": self.media + form.media,
        }
        return TemplateResponse(request, "admin/guides/screenshot/replace.html", context)

    @admin.display(description=_("image"))
    def image(self, screenshot):
        return self._img(screenshot, screenshot.width, screenshot.height)

    @admin.display(description=_("image"))
    def thumbnail(self, screenshot):
        width = min(self.THUMBNAIL_WIDTH, screenshot.width)
        return self._img(screenshot, width, round(screenshot.height * width / screenshot.width))

    def _img(self, screenshot, width, height):
        return format_html(
            '<img src="{}" width="{}" height="{}" alt="" class="screenshot-preview">',
            screenshot.file.url,
            width,
            height,
        )

    @admin.display(description=_("used in"))
    def used_in(self, screenshot):
        uses = Q()
        for code, _name in settings.LANGUAGES:
            uses |= Q(**{build_localized_fieldname("screenshot", code): screenshot})
        steps = Step.objects.filter(uses).select_related("version__guide__platform")
        return format_html_join(
            "\n",
            '<a href="{}">{}</a>, {} {}<br>',
            (
                (
                    reverse("admin:guides_guideversion_change", args=[step.version_id]),
                    step.version,
                    _("step"),
                    step.position,
                )
                for step in steps
            ),
        ) or _("Not used yet")


@admin.register(ScreenshotReplacement)
class ScreenshotReplacementAdmin(admin.ModelAdmin):
    """The log of images replaced everywhere; written only by the replace view."""

    list_display = ("at", "by", "old_sha256", "new_sha256", "reason")
    list_select_related = ("by",)
    search_fields = ("old_sha256", "new_sha256", "reason")
    readonly_fields = ("at", "by", "old_sha256", "new_sha256", "new", "reason")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
