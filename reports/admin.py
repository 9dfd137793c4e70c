from django.contrib import admin, messages
from django.shortcuts import render
from django.utils.timesince import timesince
from django.utils.translation import gettext_lazy as _

from guides.models import GuideVersion

from .models import Report


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = (
        "guide",
        "step_label",
        "language",
        "device",
        "app_version",
        "text",
        "age",
        "status",
    )
    list_filter = ("status", "guide", "device", "language")
    list_select_related = ("guide__published_version", "guide__platform", "version")
    search_fields = ("text",)
    ordering = ("guide", "step_key", "-created_at")
    actions = ("mark_resolved", "dismiss")
    readonly_fields = (
        "guide",
        "version",
        "step_key",
        "language",
        "device",
        "app_version",
        "text",
        "created_at",
        "status",
        "resolved_by_version",
        "handled_by",
        "handled_at",
    )

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("version__steps")

    def has_add_permission(self, request):
        return False

    @admin.display(description=_("step"))
    def step_label(self, report):
        step = report.step()
        if step is None:
            return _("Whole guide")
        same_device = [s for s in report.version.steps.all() if s.device == step.device]
        label = f"{step.get_device_display()} {same_device.index(step) + 1}"
        return f"{label}: {step.menu_path}" if step.menu_path else label

    @admin.display(description=_("age"), ordering="created_at")
    def age(self, report):
        return timesince(report.created_at)

    @admin.action(description=_("Mark resolved"), permissions=("change",))
    def mark_resolved(self, request, queryset):
        if "apply" in request.POST:
            version = GuideVersion.objects.filter(pk=request.POST.get("version")).first()
            for report in queryset:
                fixed = (
                    version
                    if version and version.guide_id == report.guide_id
                    else (report.guide.published_version)
                )
                report.resolve(by=request.user, version=fixed)
            self.message_user(request, _("Reports marked resolved."), messages.SUCCESS)
            return None
        guides = {report.guide for report in queryset.select_related("guide")}
        versions = (
            GuideVersion.objects.filter(guide__in=guides)
            .exclude(status=GuideVersion.Status.DRAFT)
            .select_related("guide")
            .order_by("guide", "-number")
        )
        context = {
            **self.admin_site.each_context(request),
            "title": _("Mark reports resolved"),
            "reports": queryset,
            "versions": versions,
            "defaults": {g.published_version_id for g in guides},
            "opts": self.model._meta,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return render(request, "admin/reports/resolve.html", context)

    @admin.action(description=_("Dismiss"), permissions=("change",))
    def dismiss(self, request, queryset):
        for report in queryset:
            report.dismiss(by=request.user)
        self.message_user(request, _("Reports dismissed."), messages.SUCCESS)
