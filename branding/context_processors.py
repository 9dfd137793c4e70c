from django.utils.functional import SimpleLazyObject

from .models import SiteSettings


def site_settings(request):
    """`branding`: the organisation's settings (name, logo, accent colour, texts), read lazily."""
    return {"branding": SimpleLazyObject(lambda: SiteSettings.for_request(request))}
