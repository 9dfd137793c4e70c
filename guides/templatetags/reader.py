"""Template helpers for the reader pages: languages and links that keep the query string."""

import functools

from django import template
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import Resolver404, get_script_prefix, resolve, reverse, translate_url
from django.utils import timezone
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import get_language, get_language_info, gettext, override

from .. import fragments
from ..reading import LANGUAGE_CODES, Text

register = template.Library()


def per_request_tag(function):
    """Registers function(request, *args, **kwargs) as a simple tag whose output depends on the
    request's query string or on today's date: in a page that is kept (guides.fragments
    .kept_page) it is called again for each request. Its arguments are kept with the page, so
    they must be plain values; it may read nothing of the request but its path and query, and
    what the view worked out from them for this request (the search page's `search_answer`)."""

    def tag(context, *args, **kwargs):
        holes = context.get(fragments.PerRequestParts.context_name)
        if holes is not None:
            return holes.mark(function, args, kwargs)
        return function(context.get("request"), *args, **kwargs)

    register.simple_tag(tag, takes_context=True, name=function.__name__)
    return function


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


@per_request_tag
def same_page_in(request, code):
    """The current page in language `code`, with the query string; the home page when the path
    names no page."""
    if request is None:
        return f"/{code}/"
    paths = page_paths(request)
    if paths is None:
        with override(code):
            return reverse("guides:home")
    query = request.GET.urlencode()
    return f"{paths[code]}?{query}" if query else paths[code]


@register.simple_tag
def language_links():
    """One link per site language, for the language switcher (no cookie); the address of each
    is `{% same_page_in link.code %}`."""
    current = get_language()
    return [
        {"code": code, "name": get_language_info(code)["name_local"], "current": code == current}
        for code, _name in settings.LANGUAGES
    ]


@per_request_tag
def full_path_in(request, code):
    """This page's address in language `code`, with the query string as the request spelt it."""
    return translate_url(request.get_full_path(), code)


@per_request_tag
def stale_notice(request, stale_from, days):
    """The warning that a guide's steps were not checked for `days` days, from the day
    `stale_from` on (GuideVersion.stale_from); nothing before that day or for None."""
    if stale_from is None or timezone.localdate() < stale_from:
        return ""
    return _stale_notice(get_language(), days)


@functools.lru_cache(maxsize=64)
def _stale_notice(language, days):
    # The same words for every stale page in a language.
    return render_to_string("guides/includes/stale_notice.html", {"days": days})


@per_request_tag
def query_with(request, **params):
    """The current query string with `params` replaced; a None value removes the parameter."""
    # The last value of each parameter, as QueryDict.items() gives them (without its deep copy).
    query = {name: values[-1] for name, values in request.GET.lists()}
    for name, value in params.items():
        query.pop(name, None)
        if value is not None:
            query[name] = value
    return "?" + urlencode(sorted(query.items())) if query else "?"


@per_request_tag
def search_title(request):
    query = request.search_answer["query"]
    if query:
        return gettext("Search for “%(query)s”") % {"query": query}
    return gettext("Search")


@per_request_tag
def search_words(request):
    return request.search_answer["query"]


@per_request_tag
def search_results(request):
    return render_to_string("guides/includes/search_results.html", request.search_answer)
