"""The editors' view of watched pages, source changes (with their diff) and link checks."""

from django.contrib import admin, messages
from django.contrib.admin import ActionLocation
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from .models import LinkCheck, PageChange, WatchedPage


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows the commands write; editors look at them and change only what is editable."""

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(WatchedPage)
class WatchedPageAdmin(ReadOnlyAdmin):
    list_display = ("url", "watching", "fetched_at", "checked_at", "problem")
    list_editable = ("watching",)
    list_filter = ("watching",)
    search_fields = ("url",)
    fields = ("url", "watching", "fetched_at", "checked_at", "problem", "fingerprint", "text")
    readonly_fields = ("url", "fetched_at", "checked_at", "problem", "fingerprint", "text")


class OpenFilter(admin.SimpleListFilter):
    title = _("state")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return (("open", _("Open")), ("cleared", _("Cleared")))

    def queryset(self, request, queryset):
        if self.value() == "open":
            return queryset.open()
        if self.value() == "cleared":
            return queryset.filter(cleared_at__isnull=False)
        return queryset


@admin.register(PageChange)
class PageChangeAdmin(ReadOnlyAdmin):
    list_display = ("page", "guide", "changed_at", "is_open", "cleared_how", "cleared_at")
    list_filter = (OpenFilter, "changed_at")
    list_select_related = ("page", "guide__published_version")
    search_fields = ("page__url",)
    fields = ("page", "guide", "changed_at", "diff", "cleared_how", "cleared_by", "cleared_at")
    readonly_fields = fields
    actions = ("acknowledge",)

    class Media:
        css = {"all": ("admin-extra/watch.css",)}

    @admin.display(description=_("open"), boolean=True)
    def is_open(self, change):
        return change.cleared_at is None

    @admin.display(description=_("what changed"))
    def diff(self, change):
        lines = change.diff_lines()
        if not lines:
            return _("No difference in the text.")
        kinds = {"+": "diff-added", "-": "diff-removed", "@": "diff-place"}
        rows = format_html_join(
            "\n", '<span class="{}">{}</span>', ((kinds.get(line[:1], ""), line) for line in lines)
        )
        return format_html('<pre class="source-diff">{}</pre>', rows)

    def has_change_permission(self, request, obj=None):
        return False

    def has_acknowledge_permission(self, request):
        return request.user.has_perm("watch.acknowledge_pagechange")

    @admin.action(
        description=_("Acknowledge: the guide needs no change"),
        permissions=["acknowledge"],
        location=[ActionLocation.CHANGE_LIST, ActionLocation.CHANGE_FORM],
    )
    def acknowledge(self, request, queryset):
        count = queryset.clear(PageChange.Cleared.ACKNOWLEDGED, by=request.user)
        self.message_user(
            request,
            _("Acknowledged %(count)d source changes.") % {"count": count},
            messages.SUCCESS,
        )


@admin.register(LinkCheck)
class LinkCheckAdmin(ReadOnlyAdmin):
    list_display = ("url", "status", "http_status", "final_url", "checked_at")
    list_filter = ("status", "checked_at")
    search_fields = ("url", "final_url")
    readonly_fields = ("url", "status", "http_status", "final_url", "checked_at", "message")
    fields = (*readonly_fields, "cited_by")
    readonly_fields = fields

    @admin.display(description=_("cited by"))
    def cited_by(self, check):
        return ", ".join(str(guide) for guide in check.guides()) or "-"

    def has_change_permission(self, request, obj=None):
        return False
