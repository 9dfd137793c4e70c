"""Which platform slugs are taken by the site's own pages.

A platform's address is /<lang>/<platform>/, so a platform may not be called like a fixed page
under a language (/de/search/, /de/feed/, or another app's /de/imprint/). The list is read from
the root URLconf when asked, so pages that other apps add are reserved without guides knowing
them. This module sits below models.py and urls.py, which both use it.
"""

import re

from django.urls import URLResolver, get_resolver
from django.urls.resolvers import LocalePrefixPattern

_FIXED_SEGMENT = re.compile(r"[-\w.]+")


def reserved_platform_slugs():
    """First path segments of fixed pages under a language prefix, e.g. {"search", "feed"}."""
    reserved = set()
    for pattern in get_resolver().url_patterns:
        if isinstance(pattern, URLResolver) and isinstance(pattern.pattern, LocalePrefixPattern):
            reserved |= _first_segments(pattern.url_patterns)
    return reserved


def _first_segments(patterns):
    segments = set()
    for pattern in patterns:
        first = str(pattern.pattern).removeprefix("^").split("/")[0]
        if not first and isinstance(pattern, URLResolver):
            # include("app.urls") at the same level: its pages sit right under the language.
            segments |= _first_segments(pattern.url_patterns)
        elif _FIXED_SEGMENT.fullmatch(first):
            segments.add(first)
    return segments
