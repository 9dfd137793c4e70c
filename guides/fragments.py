"""Parts of reader pages kept between requests, never stale, whether or not whole pages are cached.

Both kinds live in the "fragments" cache (files under DATA_DIR, or Redis), which every worker
process shares:

- What a page renders from a published or archived version (`for_version`), kept for good: a
  version's steps and sources are frozen once it is published (guides.models, DraftPart). The
  only exceptions are a step's check (Step.mark_verified) and the screenshots the steps show
  (replaced everywhere, cleaned again, new variants, another kind). `parts_changed`, whose
  token is in every key, is called by a screenshot's save and delete (`watch_screenshots`) and
  by every update() or bulk write of steps, sources and screenshots (guides.models,
  KeptPartQuerySet), the ways around DraftPart's check. Drafts are never kept.
- Lookups of rows that any edit may change (`until_content_changes`), kept under the page
  cache's content token (guides.caching), which the database connections replace after every
  write to a table readers see.

Every key holds the build, so that a deploy never serves what the old code rendered.
"""

import hashlib

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.db.models.signals import post_delete, post_save

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


def until_content_changes(kind, parts, compute):
    """compute(), kept until the next write readers see."""
    key = _key(kind, [*parts, caching.build_id(), caching.CONTENT_TOKEN.current()])
    return _kept(key, compute, timeout=settings.PAGE_CACHE_TIMEOUT)
