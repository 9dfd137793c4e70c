"""The organisation's pages (imprint, privacy statement) and its stylesheet."""

from django.http import HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_cache_control
from django.utils.translation import get_language
from django.views.decorators.http import require_safe

from . import privacy as privacy_template
from .models import SiteSettings

YEAR = 60 * 60 * 24 * 365


@require_safe
def imprint(request):
    site = SiteSettings.for_request(request, legal_texts=True)
    return render(request, "branding/imprint.html", {"text": site.imprint_text})


@require_safe
def privacy(request):
    site = SiteSettings.for_request(request, legal_texts=True)
    text = site.privacy_text
    template = None if text else privacy_template.template(get_language())
    context = {"text": text, "template": template}
    return render(request, "branding/privacy.html", context)


@require_safe
def stylesheet(request):
    """The accent colour as CSS; cached for a year when asked for with its current version."""
    site = SiteSettings.for_request(request)
    response = HttpResponse(site.stylesheet, content_type="text/css; charset=utf-8")
    if request.GET.get("v") == site.stylesheet_version:
        patch_cache_control(response, public=True, max_age=YEAR, immutable=True)
    else:
        patch_cache_control(response, no_cache=True)
    return response
