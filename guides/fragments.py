"""Parts of reader pages kept between requests, never stale, whether or not whole pages are cached.

All three kinds live in the "fragments" cache (files under DATA_DIR, or Redis), which every worker
process shares:

- What a page renders from a published or archived version (`for_version`), kept for good: a
  version's steps and sources are frozen once it is published (guides.models, DraftPart). The
  only exceptions are a step's check (Step.mark_verified) and the screenshots the steps show
  (replaced everywhere, cleaned again, new variants, another kind). `parts_changed`, whose
  token is in every key, is called by a screenshot's save and delete (`watch_screenshots`) and
  by every update() or bulk write of steps, sources and screenshots (guides.models,
  KeptPartQuerySet), the ways around DraftPart's check. Drafts are never kept.
- What a list shows of a published version (`for_published_versions`, a search result's card:
  the version's title and summary), kept for good in the same way, under keys that hold the
  rest of what it shows (the guide's address, the platform's name); as such a key never goes
  stale, each process also keeps the ones it used lately in its memory.
- Lookups and parts of pages that any edit may change (`until_content_changes`), kept under
  the page cache's content token (guides.caching), which the database connections replace
  after every write to a table readers see.
- Whole guide pages but for what depends on the query string or today's date (`kept_page`),
  under the content token too: the tags that render those parts are called again for each
  request (`KeptPage.html`, guides.templatetags.reader.per_request_tag).

Every key holds the build, so that a deploy never serves what the old code rendered.
"""

import hashlib
import secrets

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.db.models.signals import post_delete, post_save
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

from . import caching


def _cache():
    return caches["fragments"]


PARTS_TOKEN = caching.SharedToken("fragments", "parts-token")


def parts_changed():
    """Makes every kept version part fresh: a published step or a screenshot changed."""
    PARTS_TOKEN.replace()


def _on_screenshot_write(sender, created=False, **kwargs):
    # A new screenshot is in no published version yet.
    if not created:
        parts_changed()


def watch_screenshots():
    """Connects the parts token to the screenshots' writes (called once from GuidesConfig.ready)."""
    from .models import Screenshot

    for signal in (post_save, post_delete):
        signal.connect(
            _on_screenshot_write, sender=Screenshot, dispatch_uid=f"fragments-{id(signal)}"
        )


def _key(kind, parts):
    return f"{kind}:" + hashlib.sha256("\n".join(map(str, parts)).encode()).hexdigest()


def _kept(key, compute, timeout=DEFAULT_TIMEOUT):
    # Read before compute() reads the rows: a write meanwhile has changed the key already.
    entry = _cache().get(key)
    if entry is None:
        entry = (compute(),)  # a tuple, so that a computed None is kept too
        _cache().set(key, entry, timeout)
    return entry[0]


def for_version(version, parts, compute):
    """compute(), kept for good for a published or archived version; `parts` are whatever else
    the result depends on (language, labels language, the guide's address)."""
    if version.is_draft:
        return compute()
    # The publication time too: a database restored or built afresh may reuse a version's id.
    identity = [version.pk, version.status, version.published_at]
    key = _key("version", [*identity, *parts, caching.build_id(), PARTS_TOKEN.current()])
    return _kept(key, compute)


# Results of published versions this process has used lately: their keys never go stale.
KEPT_RESULTS_MEMORY_BYTES = 1024 * 1024
results_in_memory = caching.KeptInMemory(KEPT_RESULTS_MEMORY_BYTES, size=len)


def for_published_versions(identities, compute):
    """The results (strings) for published versions, each kept for good: in this process's
    memory, else read at once from the shared cache (one round trip to Redis); compute(identities)
    gives those kept nowhere yet, in order. An identity is the version's id and publication time,
    then whatever else the result depends on."""
    keys = [_key("published", [*identity, caching.build_id()]) for identity in identities]
    kept = {key: result for key in keys if (result := results_in_memory.get(key, None)) is not None}
    shared = [key for key in keys if key not in kept]
    if shared:
        kept |= _cache().get_many(shared)
    missing = [
        (key, identity) for key, identity in zip(keys, identities, strict=True) if key not in kept
    ]
    if missing:
        computed = dict(
            zip((key for key, _ in missing), compute([i for _, i in missing]), strict=True)
        )
        _cache().set_many({key: value for key, value in computed.items() if value is not None})
        kept |= computed
    for key in shared:
        if kept[key] is not None:
            results_in_memory.put(key, None, kept[key])
    return [kept[key] for key in keys]


def until_content_changes(kind, parts, compute):
    """compute(), kept until the next write readers see."""
    key = _key(kind, [*parts, caching.build_id(), caching.CONTENT_TOKEN.current()])
    return _kept(key, compute, timeout=settings.PAGE_CACHE_TIMEOUT)


class PerRequestParts:
    """Where the per-request tags (guides.templatetags.reader.per_request_tag) leave their
    output out of a page being kept: a marker in the HTML, and the call to make again."""

    context_name = "per_request_parts"

    def __init__(self):
        self.marker = f"<!--{secrets.token_hex(16)}-->"  # nothing a page could hold
        self.calls = []

    def mark(self, function, args, kwargs):
        self.calls.append((function, args, kwargs))
        return mark_safe(self.marker)


class KeptPage:
    """A page's HTML in pieces, with the per-request tags' calls between them."""

    def __init__(self, html, holes):
        self.pieces = html.split(holes.marker)
        self.calls = holes.calls
        self.size = len(html)

    def html(self, request):
        out = [self.pieces[0]]
        for (function, args, kwargs), piece in zip(self.calls, self.pieces[1:], strict=True):
            # Escaped as the template engine escapes a simple tag's output.
            out += [conditional_escape(function(request, *args, **kwargs)), piece]
        return "".join(out)


# Kept pages this process has used lately, as they are (their keys hold the content token).
KEPT_PAGES_MEMORY_BYTES = 4 * 1024 * 1024
pages_in_memory = caching.KeptInMemory(KEPT_PAGES_MEMORY_BYTES)


def kept_page(parts, render):
    """The page `render(holes)` renders (HTML, or None for a page not to keep) as a KeptPage,
    kept until the next write readers see; `parts` are whatever else the page depends on (its
    absolute address, the language). None when render() gave None."""
    # The content token alone: every write that changes a version's parts changes it too.
    key = _key("page", [*parts, caching.build_id(), caching.CONTENT_TOKEN.current()])
    page = pages_in_memory.get(key, None)
    if page is not None:
        return page
    page = _cache().get(key)
    if page is None:
        holes = PerRequestParts()
        html = render(holes)
        if html is None:
            return None
        page = KeptPage(html, holes)
        _cache().set(key, page, settings.PAGE_CACHE_TIMEOUT)
    pages_in_memory.put(key, None, page)
    return page
