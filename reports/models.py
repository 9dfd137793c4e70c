"""What readers report when a guide looks different for them. Nothing about the reader is kept."""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from guides.models import Guide, GuideVersion

TEXT_MAX_LENGTH = 1000


class ReportQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status=Report.Status.OPEN)

    def expired(self, now=None):
        """Reports older than REPORTS_KEEP_DAYS (their free text may hold personal data)."""
        cutoff = (now or timezone.now()) - timedelta(days=settings.REPORTS_KEEP_DAYS)
        return self.filter(created_at__lt=cutoff)


class Report(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        RESOLVED = "resolved", _("Resolved")
        DISMISSED = "dismissed", _("Dismissed")

    class Device(models.TextChoices):
        IOS = "ios", _("App on iPhone or iPad")
        ANDROID = "android", _("App on Android")
        DESKTOP = "desktop", _("Web browser on a computer")
        MOBILE_WEB = "mobile-web", _("Web browser on a phone")

    guide = models.ForeignKey(
        Guide, on_delete=models.CASCADE, related_name="reports", verbose_name=_("guide")
    )
    version = models.ForeignKey(
        GuideVersion,
        on_delete=models.CASCADE,
        related_name="reports",
        verbose_name=_("version seen"),
    )
    # Null: the guide as a whole. Steps keep their key across versions.
    step_key = models.UUIDField(_("step"), null=True, blank=True)
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    device = models.CharField(_("device"), max_length=12, choices=Device)
    app_version = models.CharField(_("app version"), max_length=30, blank=True)
    text = models.TextField(_("what the reader sees instead"), max_length=TEXT_MAX_LENGTH)
    created_at = models.DateTimeField(_("reported at"), default=timezone.now, db_index=True)
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.OPEN)
    resolved_by_version = models.ForeignKey(
        GuideVersion,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="resolved_reports",
        verbose_name=_("fixed in version"),
    )
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("handled by"),
    )
    handled_at = models.DateTimeField(_("handled at"), null=True, blank=True)

    objects = ReportQuerySet.as_manager()

    class Meta:
        ordering = ("guide", "step_key", "-created_at")
        verbose_name = _("reader report")
        verbose_name_plural = _("reader reports")
        indexes = [models.Index(fields=("guide", "status"), name="report_guide_status")]

    def __str__(self):
        return f"{self.guide}: {self.text[:60]}"

    def step(self):
        """The step of the version the reader saw, or None for the guide as a whole."""
        # Read from version.steps.all(), so that a list prefetching them runs no query per row.
        return next((s for s in self.version.steps.all() if s.key == self.step_key), None)

    def resolve(self, by, version):
        self._handle(self.Status.RESOLVED, by, version)

    def dismiss(self, by):
        self._handle(self.Status.DISMISSED, by, None)

    def _handle(self, status, by, version):
        self.status = status
        self.resolved_by_version = version
        self.handled_by = by
        self.handled_at = timezone.now()
        self.save(update_fields=("status", "resolved_by_version", "handled_by", "handled_at"))
