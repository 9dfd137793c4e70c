from django.apps import AppConfig
from django.db.models.signals import post_save
from django.utils.translation import gettext_lazy as _


def _verified(sender, instance, update_fields=None, **kwargs):
    """A published version marked verified clears its guide's source changes."""
    from guides.models import GuideVersion

    from .models import clear_changes_of_verified_guide

    if sender is GuideVersion:
        verified = update_fields and "verified_on" in update_fields
        if verified and instance.status == GuideVersion.Status.PUBLISHED and instance.verified_on:
            clear_changes_of_verified_guide(instance.guide_id, by=instance.verified_by)
    elif update_fields and "published_version" in update_fields:
        # Publishing a new version (guides.GuideVersion.publish) verifies it too.
        if instance.published_version_id:
            clear_changes_of_verified_guide(instance.pk)


class WatchConfig(AppConfig):
    name = "watch"
    verbose_name = _("Source watch and link checks")

    def ready(self):
        from guides.models import Guide, GuideVersion

        post_save.connect(_verified, sender=GuideVersion, dispatch_uid="watch-verified-version")
        post_save.connect(_verified, sender=Guide, dispatch_uid="watch-published-guide")
