"""System checks: warn the operator of a production site that has no imprint.

Tagged "database" because it reads the settings row: `migrate` (so every `make serve` and
container start) and `check --database default` run it, `check --deploy` alone does not.
"""

from django.conf import settings
from django.core.checks import Tags, Warning, register
from django.db import DatabaseError


@register(Tags.database)
def imprint_is_written(app_configs=None, databases=None, **kwargs):
    if settings.DEBUG or not databases:
        return []
    from .models import SiteSettings

    try:
        site = SiteSettings.current()
    except DatabaseError:
        return []  # Not migrated yet: the next start checks again.
    if any(getattr(site, f"imprint_{code}") for code, _name in settings.LANGUAGES):
        return []
    return [
        Warning(
            "The site has no imprint.",
            hint="Write one in the admin under Your organisation › Site settings; sites in "
            "Germany and Austria must have one (docs/branding.md).",
            id="branding.W001",
        )
    ]
