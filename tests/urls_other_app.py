"""A root URLconf in which another app adds pages under the language prefix (like branding)."""

from django.conf.urls.i18n import i18n_patterns
from django.http import HttpResponse
from django.urls import include, path

from config.urls import urlpatterns as site_urlpatterns


def _page(request):
    return HttpResponse("page")


urlpatterns = [
    *site_urlpatterns,
    *i18n_patterns(path("imprint/", _page), path("privacy/", _page)),
    *i18n_patterns(path("", include([path("about/", _page)]))),
]
