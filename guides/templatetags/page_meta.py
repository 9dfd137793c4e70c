"""The head of every reader page: absolute addresses, the page in every language (hreflang)."""

from django import template
from django.conf import settings
from django.urls import Resolver404, resolve, reverse
from django.utils.translation import override

register = template.Library()


def absolute(request, path):
    """`path` on settings.SITE_URL when set, else on the request's scheme and host."""
    if settings.SITE_URL:
        return settings.SITE_URL + path
    return request.build_absolute_uri(path)


@register.simple_tag(takes_context=True)
def absolute_url(context, path):
    """An address of this site made absolute; empty for anything else (another host)."""
    request = context.get("request")
    if request is None or not path.startswith("/") or path.startswith("//"):
        return ""
    return absolute(request, path)


@register.simple_tag(takes_context=True)
def language_alternates(context):
    """(hreflang, absolute address) of this page in every site language, then x-default.

    Without the query string: the alternates name the pages search engines should index. A page
    may narrow the languages (`indexed_languages` in its context: a guide page lists only the
    languages it has its own title in). Pages outside the language prefix (the admin, errors
    without a match) get none.
    """
    request = context.get("request")
    try:
        match = resolve(request.path_info) if request else None
    except Resolver404:
        match = None
    if match is None or match.namespace in ("", "admin"):
        return []
    languages = context.get("indexed_languages") or [code for code, _name in settings.LANGUAGES]
    links = []
    for code in languages:
        with override(code):
            path = reverse(match.view_name, args=match.args, kwargs=match.kwargs)
        links.append((code, absolute(request, path)))
    default = dict(links).get(settings.LANGUAGE_CODE, links[0][1])
    return [*links, ("x-default", default)]
