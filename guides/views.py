"""Placeholder reader views; the reader site issue replaces them."""

from django.contrib.admin.views.decorators import staff_member_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import get_language_from_request

from .models import Guide, GuideVersion, Platform


def language_redirect(request):
    return redirect(f"/{get_language_from_request(request)}/")


def home(request):
    guides = Guide.objects.published().select_related("platform", "published_version")
    lines = [f"{g.platform.name}: {g.published_version.title}" for g in guides]
    return HttpResponse("\n".join(["Opt-out Guides", *lines]), content_type="text/plain")


def platform(request, platform):
    platform = get_object_or_404(Platform, slug=platform)
    return HttpResponse(platform.name, content_type="text/plain")


def guide(request, platform, slug):
    guide = get_object_or_404(Guide.objects.published(), platform__slug=platform, slug=slug)
    return HttpResponse(guide.published_version.title, content_type="text/plain")


def version(request, platform, slug, number):
    version = get_object_or_404(
        GuideVersion.objects.public(),
        guide__platform__slug=platform,
        guide__slug=slug,
        number=number,
    )
    return HttpResponse(version.title, content_type="text/plain")


@staff_member_required
def preview(request, pk):
    version = get_object_or_404(GuideVersion, pk=pk)
    return HttpResponse(version.title, content_type="text/plain")
