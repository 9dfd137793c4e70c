from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from .models import GuidePolicy, Pull, WaitingVersion
from .pulling import PullRefused, pull


class _ReadOnly(admin.ModelAdmin):
    """Rows the pulls write; editors read them."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Pull)
class PullAdmin(_ReadOnly):
    list_display = ("at", "outcome", "serial", "by", "first_line")
    list_filter = ("outcome",)
    list_select_related = ("by",)
    fields = ("at", "outcome", "url", "serial", "sha256", "by", "summary")
    readonly_fields = fields
    change_list_template = "admin/packs/pull/change_list.html"

    @admin.display(description=_("summary"))
    def first_line(self, pull):
        lines = pull.summary.splitlines()
        return f"{lines[0]} (+{len(lines) - 1})" if len(lines) > 1 else pull.summary

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        can_pull = request.user.has_perm("packs.pull_guides")
        return super().changelist_view(request, {**(extra_context or {}), "can_pull": can_pull})

    def get_urls(self):
        return [
            path("pull/", self.admin_site.admin_view(self.pull_view), name="packs_pull_now"),
            *super().get_urls(),
        ]

    @staticmethod
    @require_POST
    def pull_view(request):
        """The admin's "Pull from upstream now" button: what pull_guides does from cron."""
        if not request.user.has_perm("packs.pull_guides"):
            raise PermissionDenied
        try:
            done = pull(by=request.user)
        except PullRefused as error:
            messages.error(request, _("Nothing changed: %(reason)s") % {"reason": error})
        else:
            summary = done.summary or _("nothing new upstream")
            messages.success(request, _("Pulled from upstream: %(summary)s") % {"summary": summary})
        return redirect("admin:packs_pull_changelist")


@admin.register(WaitingVersion)
class WaitingVersionAdmin(_ReadOnly):
    list_display = ("guide", "upstream_number", "reason", "noticed_at")
    list_select_related = ("guide__platform", "guide__published_version")


@admin.register(GuidePolicy)
class GuidePolicyAdmin(admin.ModelAdmin):
    list_display = ("guide", "policy")
    list_filter = ("policy",)
    list_select_related = ("guide__platform", "guide__published_version")
    autocomplete_fields = ("guide",)
