"""Whole-page caching of the anonymous reader pages, never stale.

Every cached page is keyed by a content token that changes on any write a reader could see
(a save, delete or many-to-many change of any model of the project's apps, see `watch_writes`).
The token lives in the "pages" cache, which is shared by every worker process (a file cache
under DATA_DIR, or Redis), so a publish in one worker shows in every other on the next request.
The token is random, not a counter: a rolled-back transaction cannot bring back an old value.
The key also holds the build (a fingerprint of the code, templates, catalogues and static files),
so a deploy does not serve pages rendered by the old code.
"""

import functools
import gzip
import hashlib
import secrets
from pathlib import Path

from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import http_date
from django.utils.translation import get_language, get_language_from_path, get_language_from_request

TOKEN_KEY = "content-token"

# Models whose rows readers never see: writing them must not empty the page cache.
UNSEEN_MODELS = {
    "admin.logentry",
    "sessions.session",
    "axes.accessattempt",
    "axes.accessfailurelog",
    "axes.accesslog",
    # Reader reports and the source watch's and link checks' results: only editors see them.
    "reports.report",
    "watch.watchedpage",
    "watch.pagechange",
    "watch.linkcheck",
    # Pulls from an upstream, guides' upstream policies and waiting upstream versions (packs/).
    "packs.pull",
    "packs.guidepolicy",
    "packs.waitingversion",
}


def _cache():
    return caches["pages"]


def _bump():
    _cache().set(TOKEN_KEY, secrets.token_hex(8), None)


def content_changed():
    """Makes every cached page fresh. Call after a QuerySet.update() or bulk write readers see."""
    _bump()
    # Again once the transaction commits: a page rendered from the old rows between the first
    # bump and the commit must not stay cached under the new token.
    transaction.on_commit(_bump)


def _token():
    token = _cache().get(TOKEN_KEY)
    if token is None:
        token = secrets.token_hex(8)
        _cache().add(TOKEN_KEY, token, None)
        token = _cache().get(TOKEN_KEY, token)
    return token


def _seen_by_readers(sender):
    # Safe by default: a model is seen unless listed, whichever app it comes from.
    return sender._meta.label_lower not in UNSEEN_MODELS


def _on_write(sender, **kwargs):
    if _seen_by_readers(sender):
        content_changed()


def watch_writes():
    """Connects the token to every model's writes (called once from GuidesConfig.ready)."""
    for signal in (post_save, post_delete, m2m_changed):
        signal.connect(_on_write, dispatch_uid=f"page-cache-{id(signal)}")


def _cacheable(request):
    return (
        settings.PAGE_CACHE
        and request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
    )


# What a deploy changes: code, templates, catalogues, and the static files' manifest.
BUILD_SUFFIXES = {".py", ".html", ".txt", ".xml", ".mo", ".json"}
NOT_BUILD_DIRS = {".git", ".venv", "node_modules", "data", "media", "tests", "__pycache__"}


@functools.cache
def build_id():
    """A fingerprint of the files a deploy changes, the same in every worker and container."""
    digest = hashlib.sha256()
    roots = [Path(settings.BASE_DIR)]
    if settings.STATIC_ROOT:
        roots.append(Path(settings.STATIC_ROOT) / "staticfiles.json")
    for root in roots:
        for path in sorted(_build_files(root)):
            digest.update(str(path.relative_to(root.parent)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _build_files(root):
    if not root.is_dir():
        if root.is_file():
            yield root
        return
    for path in root.iterdir():
        if path.is_dir():
            if path.name not in NOT_BUILD_DIRS and path.resolve() != _static_root():
                yield from _build_files(path)
        elif path.suffix in BUILD_SUFFIXES:
            yield path


def _static_root():
    return Path(settings.STATIC_ROOT).resolve() if settings.STATIC_ROOT else None


def _key(request):
    # Scheme and host too: pages carry absolute addresses (canonical, hreflang, feeds, sitemap)
    # built from them when SITE_URL is empty.
    parts = [
        request.build_absolute_uri(),
        get_language(),
        str(timezone.localdate()),
        build_id(),
        _token(),
    ]
    return "page:" + hashlib.sha256("\n".join(parts).encode()).hexdigest()


def _add_validators(response, etag, modified):
    response["ETag"] = etag
    response["Last-Modified"] = http_date(modified)
    response["Cache-Control"] = f"public, max-age={settings.PAGE_CACHE_MAX_AGE}"
    return response


def _accepts_gzip(request):
    return "gzip" in request.headers.get("Accept-Encoding", "")


def _from_entry(request, entry):
    content, compressed, content_type, etag, modified = entry
    conditional = get_conditional_response(request, etag=etag, last_modified=modified)
    if conditional is not None:
        return _add_validators(conditional, etag, modified)
    # Reader pages hold no secrets, so compressing them opens no BREACH-style leak; the admin
    # is never compressed. Compressed once, when the page is stored.
    if _accepts_gzip(request):
        response = HttpResponse(compressed, content_type=content_type)
        response["Content-Encoding"] = "gzip"
    else:
        response = HttpResponse(content, content_type=content_type)
    response["Vary"] = "Accept-Encoding"
    return _add_validators(response, etag, modified)


def cache_page(view):
    """Serves an anonymous reader page from the shared cache; renders and keeps it otherwise."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if not _cacheable(request):
            return view(request, *args, **kwargs)
        key = _key(request)
        entry = _cache().get(key)
        if entry is not None:
            return _marked(_from_entry(request, entry), entry)
        response = view(request, *args, **kwargs)
        if response.status_code != 200 or response.cookies or response.streaming:
            return response
        if hasattr(response, "render") and callable(response.render):
            response.render()
        content = response.content
        etag = f'"{hashlib.sha256(content).hexdigest()[:32]}"'
        compressed = gzip.compress(content, compresslevel=6, mtime=0)
        modified = int(timezone.now().timestamp())
        entry = (content, compressed, response["Content-Type"], etag, modified)
        _cache().set(key, entry, settings.PAGE_CACHE_TIMEOUT)
        return _marked(_from_entry(request, entry), entry)

    return wrapper


def _marked(response, entry):
    # Tells EarlyPageCacheMiddleware that this page may be answered early next time.
    response.page_entry = (entry, get_language())
    return response


# Set again on every answer by _from_entry or by the middleware outside the early cache.
NOT_KEPT_HEADERS = {
    "content-length", "content-encoding", "etag", "last-modified", "cache-control", "vary",
}  # fmt: skip


# What a view may set on its response for the middleware outside the early cache to read
# (the embed's own CSP and its X-Frame-Options exemption): kept with the page.
KEPT_ATTRIBUTES = ("_csp_config", "_csp_ro_config", "xframe_options_exempt")


class EarlyPageCacheMiddleware:
    """Answers a repeat request for a cached reader page before the rest of Django runs.

    Sits after the middleware that sets security headers (so an early answer gets them too) and
    before sessions, locale, CSRF, authentication and URL resolving. It keeps the page that
    `cache_page` rendered with the headers the inner middleware added (Content-Language,
    Vary), under a key of the same parts as the page's own key.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        key = _early_key(request) if _cacheable(request) else None
        if key is not None:
            kept = _cache().get(key)
            if kept is not None:
                entry, headers, vary, attributes = kept
                response = _from_entry(request, entry)
                for name, value in headers:
                    response[name] = value
                for name, value in attributes.items():
                    setattr(response, name, value)
                patch_vary_headers(response, vary)
                return response
        response = self.get_response(request)
        marked = getattr(response, "page_entry", None)
        if key is not None and marked is not None and marked[1] == _request_language(request):
            headers = [
                (name, value)
                for name, value in response.items()
                if name.lower() not in NOT_KEPT_HEADERS
            ]
            vary = [v.strip() for v in response.get("Vary", "").split(",") if v.strip()]
            attributes = {
                name: getattr(response, name) for name in KEPT_ATTRIBUTES if hasattr(response, name)
            }
            kept = (marked[0], headers, vary, attributes)
            _cache().set(key, kept, settings.PAGE_CACHE_TIMEOUT)
        return response


def _request_language(request):
    # The language LocaleMiddleware will choose: the path's prefix, else the request's.
    return get_language_from_path(request.path_info) or get_language_from_request(request)


def _early_key(request):
    parts = [
        request.build_absolute_uri(),
        _request_language(request),
        str(timezone.localdate()),
        build_id(),
        _token(),
    ]
    return "early:" + hashlib.sha256("\n".join(parts).encode()).hexdigest()
