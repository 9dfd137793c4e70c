"""Following an upstream instance: each pull, guides' own policies, upstream versions that wait.

Editors see these rows; readers never do (guides/caching.py lists them as unseen).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from guides.models import Guide


class Policy(models.TextChoices):
    REVIEW = "review", _("New upstream versions arrive as drafts for review")
    AUTO = "auto", _("Publish new upstream versions when the guide has no local changes")
    IGNORE = "ignore", _("Do not follow the upstream for this guide")


class PullQuerySet(models.QuerySet):
    def applied(self):
        return self.filter(outcome=Pull.Outcome.APPLIED)


class Pull(models.Model):
    """One attempt to fetch and apply the upstream's pack, with what it did or why it refused."""

    class Outcome(models.TextChoices):
        APPLIED = "applied", _("Applied")
        REFUSED = "refused", _("Refused")

    at = models.DateTimeField(_("pulled at"), auto_now_add=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("pulled by"),
    )
    url = models.URLField(_("address"), max_length=500)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome)
    serial = models.CharField(
        _("pack serial"),
        max_length=40,
        blank=True,
        help_text=_("When the upstream last published something in this pack."),
    )
    sha256 = models.CharField(_("SHA-256 of the pack"), max_length=64, blank=True)
    summary = models.TextField(_("summary"), blank=True)

    objects = PullQuerySet.as_manager()

    class Meta:
        ordering = ("-at", "-pk")
        verbose_name = _("pull from upstream")
        verbose_name_plural = _("pulls from upstream")
        permissions = [("pull_guides", _("Can pull guides from the upstream"))]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_outcome_display()}"


class GuidePolicy(models.Model):
    """A guide that follows the upstream differently from the instance's UPSTREAM_POLICY."""

    guide = models.OneToOneField(
        Guide, on_delete=models.CASCADE, related_name="+", verbose_name=_("guide")
    )
    policy = models.CharField(_("policy"), max_length=10, choices=Policy)

    class Meta:
        ordering = ("guide__platform__slug", "guide__slug")
        verbose_name = _("guide's upstream policy")
        verbose_name_plural = _("guides' upstream policies")

    def __str__(self):
        return f"{self.guide.platform.slug}/{self.guide.slug}: {self.policy}"


class WaitingVersion(models.Model):
    """An upstream version that was not taken, because taking it would overwrite local work."""

    guide = models.OneToOneField(
        Guide, on_delete=models.CASCADE, related_name="+", verbose_name=_("guide")
    )
    upstream_number = models.PositiveIntegerField(_("upstream version"))
    reason = models.TextField(_("why it waits"))
    noticed_at = models.DateTimeField(_("noticed at"), auto_now=True)

    class Meta:
        ordering = ("-noticed_at", "pk")
        verbose_name = _("waiting upstream version")
        verbose_name_plural = _("waiting upstream versions")

    def __str__(self):
        return f"{self.guide.platform.slug}/{self.guide.slug} v{self.upstream_number}"
