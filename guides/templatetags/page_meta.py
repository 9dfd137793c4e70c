"""The head of every reader page: absolute addresses, the page in every language (hreflang)."""

from django import template
from django.conf import settings

from .reader import page_paths

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
    paths = page_paths(request) if request else None
    if paths is None:
        return []
    languages = context.get("indexed_languages") or paths
    links = [(code, absolute(request, paths[code])) for code in languages]
    default = dict(links).get(settings.LANGUAGE_CODE, links[0][1])
    return [*links, ("x-default", default)]
