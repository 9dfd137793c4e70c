"""Watched pages (a source or settings link, fetched and compared) and link checks.

One row per address, however many guides cite it; the guides citing an address are those whose
published version has it as its settings link or as a source (`published_addresses()`).
"""

import difflib
import hashlib

from django.conf import settings
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from guides.models import Guide, GuideVersion, Source


def published_addresses():
    """{url: [guide ids]} for every settings link and source of the published versions."""
    addresses = {}
    published = GuideVersion.objects.filter(status=GuideVersion.Status.PUBLISHED)
    for url, guide_id in published.exclude(deep_link="").values_list("deep_link", "guide"):
        addresses.setdefault(url, []).append(guide_id)
    sources = Source.objects.filter(version__status=GuideVersion.Status.PUBLISHED)
    for url, guide_id in sources.values_list("url", "version__guide"):
        addresses.setdefault(url, []).append(guide_id)
    return {url: sorted(set(guide_ids)) for url, guide_ids in sorted(addresses.items())}


def fingerprint(text):
    return hashlib.sha256(text.encode()).hexdigest()


class WatchedPageQuerySet(models.QuerySet):
    def changed(self):
        """Pages with a change no guide has been verified or acknowledged after."""
        return self.filter(pk__in=PageChange.objects.open().values("page"))


class WatchedPage(models.Model):
    url = models.URLField(_("address"), max_length=500, unique=True)
    watching = models.BooleanField(
        _("watching"), default=True, help_text=_("Fetch this page and report when it changes.")
    )
    fingerprint = models.CharField(_("fingerprint"), max_length=64, blank=True, editable=False)
    text = models.TextField(_("main text"), blank=True, editable=False)
    fetched_at = models.DateTimeField(_("last fetched"), null=True, blank=True, editable=False)
    checked_at = models.DateTimeField(_("last tried"), null=True, blank=True, editable=False)
    problem = models.TextField(_("problem at the last try"), blank=True, editable=False)

    objects = WatchedPageQuerySet.as_manager()

    class Meta:
        ordering = ("url",)
        verbose_name = _("watched page")
        verbose_name_plural = _("watched pages")

    def __str__(self):
        return self.url

    def record_failure(self, problem):
        self.checked_at = timezone.now()
        self.problem = problem
        self.save(update_fields=["checked_at", "problem"])

    def record_text(self, text, guide_ids):
        """Store the fetched text; a different text than before becomes a change per guide.

        The first text is the baseline. Returns True when the page changed.
        """
        now = timezone.now()
        new_fingerprint = fingerprint(text)
        changed = bool(self.fingerprint) and new_fingerprint != self.fingerprint
        with transaction.atomic():
            if changed:
                PageChange.objects.bulk_create(
                    PageChange(
                        page=self,
                        guide_id=guide_id,
                        changed_at=now,
                        previous_text=self.text,
                        text=text,
                    )  # fmt: skip
                    for guide_id in guide_ids
                )
            self.fingerprint, self.text, self.problem = new_fingerprint, text, ""
            self.fetched_at = self.checked_at = now
            self.save()
        return changed


class PageChangeQuerySet(models.QuerySet):
    def open(self):
        """Changes not followed by a verification of the guide nor acknowledged."""
        return self.filter(cleared_at__isnull=True)

    def clear(self, how, by=None):
        return self.open().update(cleared_at=timezone.now(), cleared_how=how, cleared_by=by)


class PageChange(models.Model):
    class Cleared(models.TextChoices):
        VERIFIED = "verified", _("Guide verified")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged")

    page = models.ForeignKey(
        WatchedPage, on_delete=models.CASCADE, related_name="changes", verbose_name=_("page")
    )
    guide = models.ForeignKey(
        Guide, on_delete=models.CASCADE, related_name="+", verbose_name=_("guide")
    )
    changed_at = models.DateTimeField(_("noticed at"), default=timezone.now)
    previous_text = models.TextField(_("text before"), blank=True)
    text = models.TextField(_("text after"), blank=True)
    cleared_at = models.DateTimeField(_("cleared at"), null=True, blank=True)
    cleared_how = models.CharField(
        _("how it was cleared"), max_length=20, choices=Cleared, blank=True
    )
    cleared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("cleared by"),
    )

    objects = PageChangeQuerySet.as_manager()

    class Meta:
        ordering = ("-changed_at", "id")
        verbose_name = _("source change")
        verbose_name_plural = _("source changes")
        permissions = [("acknowledge_pagechange", _("Can acknowledge a source change"))]
        indexes = [models.Index(fields=("guide", "cleared_at"), name="pagechange_guide_open")]

    def __str__(self):
        return f"{self.page.url} ({self.guide})"

    def diff_lines(self):
        """The change as a unified text diff, line by line, without the two file headers."""
        lines = difflib.unified_diff(
            self.previous_text.splitlines(), self.text.splitlines(), lineterm=""
        )
        return list(lines)[2:]


def clear_changes_of_verified_guide(guide_id, by=None):
    """A guide verified (or published) after a change: its source changes are no longer open."""
    PageChange.objects.filter(guide_id=guide_id).clear(PageChange.Cleared.VERIFIED, by=by)


class LinkCheckQuerySet(models.QuerySet):
    def broken(self):
        return self.filter(status=LinkCheck.Status.BROKEN)


class LinkCheck(models.Model):
    class Status(models.TextChoices):
        OK = "ok", _("OK")
        REDIRECTED = "redirected", _("Redirected")
        SIGN_IN = "sign-in", _("Needs sign-in")
        BROKEN = "broken", _("Broken")
        REFUSED = "refused", _("Refused (not a public address)")
        ERROR = "error", _("Error")

    url = models.URLField(_("address"), max_length=500, unique=True)
    status = models.CharField(_("result"), max_length=20, choices=Status)
    http_status = models.PositiveSmallIntegerField(_("HTTP status"), null=True, blank=True)
    final_url = models.URLField(_("final address"), max_length=2000, blank=True)
    checked_at = models.DateTimeField(_("checked at"), default=timezone.now)
    message = models.TextField(_("message"), blank=True)

    objects = LinkCheckQuerySet.as_manager()

    class Meta:
        ordering = ("url",)
        verbose_name = _("link check")
        verbose_name_plural = _("link checks")
        indexes = [models.Index(fields=("status",), name="linkcheck_status")]

    def __str__(self):
        return self.url

    def guides(self):
        return Guide.objects.filter(
            Q(published_version__deep_link=self.url) | Q(published_version__sources__url=self.url)
        ).distinct()
