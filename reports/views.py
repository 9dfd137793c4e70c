from urllib.parse import urlsplit

from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils.translation import get_language
from django.views.decorators.csrf import csrf_exempt

from config.middleware import accepts_forms
from guides import reading
from guides.models import Guide

from . import limits
from .forms import ReportForm, form_stamp


def _same_origin(request):
    """Origin (or, without it, Referer) names this site: the CSRF check without a cookie."""
    sent = request.headers.get("Origin") or request.headers.get("Referer") or ""
    parts = urlsplit(sent)
    return bool(parts.netloc) and (parts.scheme, parts.netloc) == (
        request.scheme,
        request.get_host(),
    )


def _reported_step(version, key):
    if not key:
        return None
    step = next((s for s in version.steps.all() if str(s.key) == key), None)
    if step is None:
        raise Http404
    return step


@csrf_exempt
@accepts_forms
def report(request, platform, slug):
    guide = get_object_or_404(
        Guide.objects.published().select_related("platform", "published_version"),
        platform__slug=platform,
        slug=slug,
    )
    version = guide.published_version
    step = _reported_step(version, request.GET.get("step", ""))
    context = {
        "guide": guide,
        "title": reading.localized(version, "title", get_language()),
        "step": step,
        "step_number": step and _step_number(version, step),
    }
    if request.method != "POST":
        form = ReportForm(initial={"stamp": form_stamp()})
        return render(request, "reports/report.html", {**context, "form": form})
    return _receive(request, guide, step, context)


def _receive(request, guide, step, context):
    form = ReportForm(request.POST)
    if not _same_origin(request):
        return _not_sent(request, context, "other_site", status=403)
    if not limits.allowed(request, guide):
        return _not_sent(request, context, "too_many", status=429)
    if not form.is_valid():
        # A fresh stamp, so that the corrected form can be sent.
        form.data = form.data.copy()
        form.data["stamp"] = form_stamp()
        return render(request, "reports/report.html", {**context, "form": form}, status=400)
    report = form.save(commit=False)
    report.guide = guide
    report.version = guide.published_version
    report.step_key = step and step.key
    report.language = get_language()
    report.save()
    limits.record(request, guide)
    return render(request, "reports/thanks.html", context)


def _not_sent(request, context, reason, status):
    return render(request, "reports/not_sent.html", {**context, "reason": reason}, status=status)


def _step_number(version, step):
    """The step's number as readers see it: counted within its device."""
    same_device = [s for s in version.steps.all() if s.device == step.device]
    return same_device.index(step) + 1
