from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class GuidesConfig(AppConfig):
    name = "guides"
    verbose_name = _("Guides")

    def ready(self):
        from .caching import watch_writes
        from .fragments import watch_screenshots
        from .groups import ensure_groups
        from .search import index_if_empty

        # After every migrate, also on a test database that was flushed: the editors' groups
        # must exist for the admin workflow to make sense.
        post_migrate.connect(ensure_groups, sender=self)
        # An upgrade from a release without the search index fills it once, by itself.
        post_migrate.connect(index_if_empty, sender=self)
        watch_writes()
        watch_screenshots()
