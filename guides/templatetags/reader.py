"""Template helpers for the reader pages: languages and links that keep the query string."""

import functools

from django import template
from django.conf import settings
from django.urls import Resolver404, get_script_prefix, resolve, reverse
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import get_language, get_language_info, override

from ..reading import LANGUAGE_CODES, Text

register = template.Library()


@register.filter
def lang_attr(text):
    """` lang="xx"` when `text` (a reading.Text, or a language code) is in another language than
    the page, so that screen readers pronounce fallback text right."""
    lang = text.lang if isinstance(text, Text) else text if text in LANGUAGE_CODES else None
    if lang and lang != get_language():
        return format_html(' lang="{}"', lang)
    return ""


@register.filter
def language_name(code):
    """The language's name in the page's language ("Englisch" on a German page)."""
    return dict(settings.LANGUAGES)[code]


@register.filter
def language_names(codes):
    return ", ".join(str(language_name(code)) for code in codes)


@functools.lru_cache(maxsize=2048)
def _path_in(code, script_prefix, view_name, args, kwargs):
    # reverse() walks the URL patterns each time; a page's address in a language never changes.
    with override(code):
        return reverse(view_name, args=args, kwargs=dict(kwargs))


def page_paths(request):
    """{language code: path of this page in that language}, without the query; None for a page
    outside the language prefix (the admin, an address that matches nothing). Once per request."""
    if not hasattr(request, "_page_paths"):
        match = request.resolver_match
        if match is None:  # a page answered before URL resolution
            try:
                match = resolve(request.path_info)  # in the active language: its prefix is in it
            except Resolver404:
                match = None
        paths = None
        # Any page under the language prefix (guides, the organisation's pages); not the admin.
        if match is not None and match.namespace not in ("", "admin"):
            kwargs = tuple(sorted(match.kwargs.items()))
            prefix = get_script_prefix()
            paths = {
                code: _path_in(code, prefix, match.view_name, tuple(match.args), kwargs)
                for code in LANGUAGE_CODES
            }
        request._page_paths = paths
    return request._page_paths


def _same_page_in(request, code):
    """The current page in language `code`; the home page when the path names no page."""
    paths = page_paths(request)
    if paths is None:
        with override(code):
            return reverse("guides:home")
    query = request.GET.urlencode()
    return f"{paths[code]}?{query}" if query else paths[code]


@register.simple_tag(takes_context=True)
def language_links(context):
    """One link per site language to the same page, for the language switcher (no cookie)."""
    request = context.get("request")
    current = get_language()
    links = []
    for code, _name in settings.LANGUAGES:
        url = _same_page_in(request, code) if request else f"/{code}/"
        info = get_language_info(code)
        links.append(
            {"code": code, "name": info["name_local"], "url": url, "current": code == current}
        )
    return links


@register.simple_tag(takes_context=True)
def query_with(context, **params):
    """The current query string with `params` replaced; a None value removes the parameter."""
    query = context["request"].GET.copy()
    for name, value in params.items():
        query.pop(name, None)
        if value is not None:
            query[name] = value
    return "?" + urlencode(sorted(query.items())) if query else "?"
