from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class GuidesConfig(AppConfig):
    name = "guides"
    verbose_name = _("Guides")

    def ready(self):
        from .caching import watch_writes
        from .groups import ensure_groups

        # After every migrate, also on a test database that was flushed: the editors' groups
        # must exist for the admin workflow to make sense.
        post_migrate.connect(ensure_groups, sender=self)
        watch_writes()
