"""The admin index as "what needs me today": one small function per section.

Each section function takes the request and returns a `Section`; `sections()` lists them in the
order the dashboard shows them. A section reads with a fixed number of queries, whatever the size
of the catalogue.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext_lazy as _

from guides import fragments
from guides.models import GuideVersion, TranslationState
from packs.models import WaitingVersion
from reports.models import Report
from watch.models import LinkCheck, PageChange

# A section lists at most this many rows and says how many more there are.
ROWS = 10


@dataclass
class Row:
    text: str
    url: str
    detail: str = ""
    # A published version from which the row offers "New draft" (one POST, lands on the draft).
    draft_from: GuideVersion | None = None


@dataclass
class Section:
    title: str
    rows: list = field(default_factory=list)
    more: int = 0
    more_url: str = ""


def _section(title, queryset, row, more_url=""):
    # Counted every time, so that the dashboard's query count does not depend on the data.
    return Section(
        title=title,
        rows=[row(item) for item in queryset[:ROWS]],
        more=max(0, queryset.count() - ROWS),
        more_url=more_url,
    )


def _version_url(version):
    return reverse("admin:guides_guideversion_change", args=[version.pk])


def _published():
    return GuideVersion.objects.filter(status=GuideVersion.Status.PUBLISHED).select_related(
        "guide__platform"
    )


def due_for_checking(request):
    today = timezone.localdate()
    versions = _published().due_for_checking(today)

    def row(version):
        if version.verified_on is None:
            detail = _("never checked")
        elif version.is_stale(today):
            detail = _("stale: last checked %(date)s") % {"date": _date(version.verified_on)}
        else:
            detail = _("due soon: last checked %(date)s") % {"date": _date(version.verified_on)}
        return Row(str(version.title), _version_url(version), detail, draft_from=version)

    return _section(_("Guides due for checking"), versions.order_by("verified_on", "pk"), row)


def waiting_for_publisher(request):
    """Drafts an editor marked ready for review, the longest waiting first."""
    versions = (
        GuideVersion.objects.waiting_for_publisher()
        .select_related("guide__platform", "review_requested_by")
        .order_by("review_requested_at", "pk")
    )

    def row(version):
        detail = _("asked for by %(who)s on %(date)s") % {
            "who": _who(version.review_requested_by),
            "date": _date(version.review_requested_at),
        }
        return Row(str(version.title) or str(version.guide.slug), _version_url(version), detail)

    return _section(_("Waiting for a publisher"), versions, row)


def sent_back(request):
    """Drafts sent back to the user, then those the user sent back and that wait for their
    editor (GuideVersion.objects.sent_back_for), the latest first."""
    versions = (
        GuideVersion.objects.sent_back_for(request.user)
        .select_related("guide__platform", "sent_back_by", "review_requested_by")
        .order_by("-to_user", "-sent_back_at", "pk")
    )

    def row(version):
        if version.to_user:
            detail = _("sent back by %(who)s on %(date)s: %(note)s") % {
                "who": _who(version.sent_back_by),
                "date": _date(version.sent_back_at),
                "note": version.sent_back_note,
            }
        else:
            detail = _("waiting for %(who)s, sent back by you on %(date)s: %(note)s") % {
                "who": _who(version.review_requested_by),
                "date": _date(version.sent_back_at),
                "note": version.sent_back_note,
            }
        return Row(str(version.title) or str(version.guide.slug), _version_url(version), detail)

    return _section(_("Sent back"), versions, row)


def drafts(request):
    versions = (
        GuideVersion.objects.filter(status=GuideVersion.Status.DRAFT)
        .select_related("guide__platform", "updated_by")
        .order_by("-updated_at", "pk")
    )

    def row(version):
        who = _who(version.updated_by)
        detail = _("version %(number)s, last changed %(date)s by %(who)s") % {
            "number": version.number,
            "date": _date(version.updated_at),
            "who": who,
        }
        return Row(str(version.title) or str(version.guide.slug), _version_url(version), detail)

    return _section(_("Drafts in progress"), versions, row)


def translations(request):
    """Published versions with a translation missing or outdated (German changed since).

    Worked out from every published version's texts: kept until the next write readers see
    (published versions change only by such writes, translation stamps are such writes).
    """
    rows, more = fragments.until_content_changes(
        "dashboard-translations", [get_language()], _translation_rows
    )
    return Section(_("Missing or outdated translations"), rows, more=more)


def _translation_rows():
    versions = (
        _published()
        .prefetch_related("steps", "translation_stamps")
        .order_by("guide__platform__position", "pk")
    )
    rows = []
    for version in versions:
        behind = [
            _("%(language)s: %(state)s") % {"language": _language_name(code), "state": state.label}
            for code, state in version.translation_status().items()
            if state != TranslationState.COMPLETE
        ]
        if behind:
            rows.append(Row(str(version.title), _version_url(version), ", ".join(behind)))
    return rows[:ROWS], max(0, len(rows) - ROWS)


def changed_sources(request):
    changes = PageChange.objects.open().select_related("page", "guide__published_version")

    def row(change):
        guide = (
            change.guide.published_version.title
            if change.guide.published_version
            else change.guide.slug
        )
        return Row(
            str(guide),
            reverse("admin:watch_pagechange_change", args=[change.pk]),
            _("%(url)s changed on %(date)s")
            % {"url": change.page.url, "date": _date(change.changed_at)},
            draft_from=change.guide.published_version,
        )

    return _section(
        _("Sources changed since the guide was last verified"),
        changes,
        row,
        more_url=reverse("admin:watch_pagechange_changelist") + "?state=open",
    )


def broken_links(request):
    def row(check):
        return Row(
            check.url,
            reverse("admin:watch_linkcheck_change", args=[check.pk]),
            _("HTTP %(status)s, checked %(date)s")
            % {"status": check.http_status or "–", "date": _date(check.checked_at)},
        )

    return _section(
        _("Broken links"),
        LinkCheck.objects.broken().order_by("url"),
        row,
        more_url=reverse("admin:watch_linkcheck_changelist") + "?status__exact=broken",
    )


def open_reports(request):
    """Open reader reports, one row per guide with how many there are."""
    guides = (
        Report.objects.open()
        .values("guide", "guide__slug", "guide__platform__slug")
        .annotate(count=Count("pk"), newest=Max("created_at"))
        .order_by("-newest", "guide")
    )
    changelist = reverse("admin:reports_report_changelist")

    def row(item):
        return Row(
            f"{item['guide__platform__slug']}/{item['guide__slug']}",
            f"{changelist}?guide__id__exact={item['guide']}&status__exact=open",
            ngettext(
                "%(count)s open report, newest %(date)s",
                "%(count)s open reports, newest %(date)s",
                item["count"],
            )
            % {"count": item["count"], "date": _date(item["newest"])},
        )

    return _section(_("Reader reports"), guides, row, more_url=f"{changelist}?status__exact=open")


def upstream_waiting(request):
    """Upstream versions an editor has to look at: drafts pulled for review, and versions that
    wait because the guide has a local draft (packs.pulling)."""
    drafts = (
        GuideVersion.objects.filter(status=GuideVersion.Status.DRAFT, upstream_number__isnull=False)
        .select_related("guide__platform")
        .order_by("-created_at", "pk")
    )
    waiting = WaitingVersion.objects.select_related("guide__platform").order_by("-noticed_at", "pk")
    rows = [
        Row(
            str(version.title),
            _version_url(version),
            _("upstream version %(upstream)s, a draft for review (version %(number)s)")
            % {"upstream": version.upstream_number, "number": version.number},
        )
        for version in drafts[:ROWS]
    ]
    rows += [
        Row(
            f"{item.guide.platform.slug}/{item.guide.slug}",
            reverse("admin:packs_waitingversion_change", args=[item.pk]),
            _("upstream version %(upstream)s waits: the guide has a local draft")
            % {"upstream": item.upstream_number},
        )
        for item in waiting[:ROWS]
    ]
    more = max(0, drafts.count() + waiting.count() - ROWS)
    return Section(_("Upstream versions waiting"), rows[:ROWS], more=more)


SECTIONS = (
    waiting_for_publisher,
    sent_back,
    open_reports,
    due_for_checking,
    drafts,
    changed_sources,
    broken_links,
    translations,
    upstream_waiting,
)


def sections(request):
    return [section(request) for section in SECTIONS]


def _date(value):
    from django.utils.formats import date_format

    if hasattr(value, "hour"):
        value = timezone.localtime(value).date()
    return date_format(value, "DATE_FORMAT")


def _who(user):
    return user.get_username() if user else _("nobody")


def _language_name(code):
    return str(dict(settings.LANGUAGES).get(code, code))
