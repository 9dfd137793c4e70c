from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BrandingConfig(AppConfig):
    name = "branding"
    verbose_name = _("Your organisation")

    def ready(self):
        from . import checks  # noqa: F401  (registers the system checks)
