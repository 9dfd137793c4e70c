from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Reader reports")

    def ready(self):
        from guides.groups import ensure_groups

        # guides sets up the groups before this app's permissions exist; finish them now.
        post_migrate.connect(ensure_groups, sender=self)
