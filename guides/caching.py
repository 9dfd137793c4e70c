"""Whole-page caching of the anonymous reader pages, never stale.

Every cached page is keyed by a content token that changes on any write a reader could see
(a save, delete or many-to-many change of any model of the project's apps, see `watch_writes`).
The token lives in the "pages" cache, which is shared by every worker process (a file cache
under DATA_DIR, or Redis), so a publish in one worker shows in every other on the next request.
The token is random, not a counter: a rolled-back transaction cannot bring back an old value.
The key also holds the build (a fingerprint of the code, templates, catalogues and static files),
so a deploy does not serve pages rendered by the old code.
"""

import collections
import functools
import gzip
import hashlib
import secrets
import threading
from pathlib import Path

from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.http.cookie import parse_cookie
from django.utils import timezone
from django.utils.cache import get_conditional_response
from django.utils.http import http_date, parse_etags, parse_http_date_safe
from django.utils.translation import get_language, get_language_from_path

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


class SharedToken:
    """A random token in a cache every worker reads, replaced whenever what it stands for
    changes: keys that hold it go stale everywhere at once. Random, not a counter, so that a
    rolled-back transaction cannot bring back an old value."""

    def __init__(self, cache_alias, key):
        self.cache_alias = cache_alias
        self.key = key

    def _cache(self):
        return caches[self.cache_alias]

    def _replace(self):
        self._cache().set(self.key, secrets.token_hex(8), None)

    def replace(self):
        self._replace()
        # Again once the transaction commits: what was rendered from the old rows between the
        # first replacement and the commit must not stay kept under the new token.
        transaction.on_commit(self._replace)

    def current(self):
        token = self._cache().get(self.key)
        if token is None:
            token = secrets.token_hex(8)
            self._cache().add(self.key, token, None)
            token = self._cache().get(self.key, token)
        return token


CONTENT_TOKEN = SharedToken("pages", "content-token")


def _cache():
    return caches["pages"]


def content_changed():
    """Makes every cached page fresh. Call after a QuerySet.update() or bulk write readers see."""
    CONTENT_TOKEN.replace()


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
        CONTENT_TOKEN.current(),
    ]
    return "page:" + hashlib.sha256("\n".join(parts).encode()).hexdigest()


def _add_validators(response, etag, modified):
    response["ETag"] = etag
    response["Last-Modified"] = http_date(modified)
    response["Cache-Control"] = f"public, max-age={settings.PAGE_CACHE_MAX_AGE}"
    return response


def _accepts_gzip(accept_encoding):
    return "gzip" in accept_encoding


def _from_entry(request, entry):
    content, compressed, content_type, etag, modified = entry
    conditional = get_conditional_response(request, etag=etag, last_modified=modified)
    if conditional is not None:
        return _add_validators(conditional, etag, modified)
    # Reader pages hold no secrets, so compressing them opens no BREACH-style leak; the admin
    # is never compressed. Compressed once, when the page is stored.
    if _accepts_gzip(request.headers.get("Accept-Encoding", "")):
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
    # Tells EarlyAnswer (the WSGI layer outside Django) that this page may be answered early.
    response.page_entry = entry
    return response


class EarlyAnswer:
    """WSGI middleware: answers a repeat request for a cached reader page before Django runs.

    Wraps Django's WSGI application (config/wsgi.py). It keeps each page that `cache_page`
    rendered as the finished response, security headers included, in two places: the shared
    "pages" cache, so that every worker and container can answer it, and a small copy in this
    process's memory, so that a hit costs one read of the content token. Both are keyed by
    everything the page depends on that the request carries (scheme, host, path, query, and the
    language cookie and Accept-Language for a path without a language prefix), today's date,
    the build and the content token: a publish anywhere is seen on the very next request.
    A request with a session cookie, or other than GET or HEAD, passes straight to Django.
    """

    def __init__(self, application):
        self.application = application
        self.kept = KeptInMemory(settings.PAGE_CACHE_MEMORY_BYTES)
        if settings.PAGE_CACHE:
            build_id()  # at start-up, not on a reader's first request

    def __call__(self, environ, start_response):
        key = _environ_key(environ)
        if key is None:
            return self.application(environ, start_response)
        token = CONTENT_TOKEN.current()
        page = self.kept.get(key, token)
        if page is None:
            page = _cache().get(_shared_key(key, token))
            if page is not None:
                self.kept.put(key, token, page)
        if page is not None:
            return page.answer(environ, start_response)

        captured = []

        def capturing_start_response(status, headers, exc_info=None):
            captured[:] = [status, headers]
            return start_response(status, headers, exc_info)

        response = self.application(environ, capturing_start_response)
        entry = getattr(response, "page_entry", None)
        if entry is not None and captured and captured[0].startswith("200 "):
            page = _FinishedPage.of(entry, captured[1])
            if page is not None:
                _cache().set(_shared_key(key, token), page, settings.PAGE_CACHE_TIMEOUT)
                self.kept.put(key, token, page)
        return response


def _environ_key(environ):
    if not settings.PAGE_CACHE or environ.get("REQUEST_METHOD") not in ("GET", "HEAD"):
        return None
    cookies = parse_cookie(environ.get("HTTP_COOKIE", ""))
    if settings.SESSION_COOKIE_NAME in cookies:
        return None
    if "HTTP_IF_MATCH" in environ or "HTTP_IF_UNMODIFIED_SINCE" in environ:
        return None  # rare; Django answers those preconditions
    path = environ.get("PATH_INFO", "")
    # Raw values: a request Django would treat alike but spells differently only costs a miss.
    parts = [environ.get(name, "") for name in ENVIRON_KEY_PARTS]
    if get_language_from_path(path) is None:
        language_cookie = cookies.get(settings.LANGUAGE_COOKIE_NAME, "")
        parts += [language_cookie, environ.get("HTTP_ACCEPT_LANGUAGE", "")]
    parts += [str(timezone.localdate()), build_id()]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


# What decides the absolute address a page is rendered for (see `_key`).
ENVIRON_KEY_PARTS = (
    "wsgi.url_scheme", "HTTP_X_FORWARDED_PROTO", "HTTP_HOST", "HTTP_X_FORWARDED_HOST",
    "SERVER_NAME", "SERVER_PORT", "SCRIPT_NAME", "PATH_INFO", "QUERY_STRING",
)  # fmt: skip


def _shared_key(key, token):
    return f"early:{key}:{token}"


# Set on each answer: they depend on the encoding chosen for the request.
PER_ANSWER_HEADERS = {"content-length", "content-encoding"}


class _FinishedPage:
    """A reader page as Django sent it, in both encodings, ready to be sent again."""

    def __init__(self, headers, content, compressed, etag, modified):
        self.headers = headers
        self.content = content
        self.compressed = compressed
        self.etag = etag
        self.modified = modified

    @classmethod
    def of(cls, entry, headers):
        content, compressed, _content_type, etag, modified = entry
        if any(name.lower() == "set-cookie" for name, _ in headers):
            return None
        kept = [(name, value) for name, value in headers if name.lower() not in PER_ANSWER_HEADERS]
        return cls(kept, content, compressed, etag, modified)

    def answer(self, environ, start_response):
        if self._not_modified(environ):
            headers = [(n, v) for n, v in self.headers if n.lower() != "content-type"]
            start_response("304 Not Modified", headers)
            return [b""]
        # Reader pages hold no secrets, so compressing them opens no BREACH-style leak.
        if _accepts_gzip(environ.get("HTTP_ACCEPT_ENCODING", "")):
            body, headers = self.compressed, [*self.headers, ("Content-Encoding", "gzip")]
        else:
            body, headers = self.content, list(self.headers)
        headers.append(("Content-Length", str(len(body))))
        start_response("200 OK", headers)
        return [b"" if environ["REQUEST_METHOD"] == "HEAD" else body]

    def _not_modified(self, environ):
        if "HTTP_IF_NONE_MATCH" in environ:
            etags = parse_etags(environ["HTTP_IF_NONE_MATCH"])
            return "*" in etags or self.etag in [tag.removeprefix("W/") for tag in etags]
        if "HTTP_IF_MODIFIED_SINCE" in environ:
            since = parse_http_date_safe(environ["HTTP_IF_MODIFIED_SINCE"])
            return since is not None and self.modified <= since
        return False

    @property
    def size(self):
        return len(self.content) + len(self.compressed)


class KeptInMemory:
    """The pages most recently used by this process, up to a number of bytes."""

    def __init__(self, max_bytes):
        self.max_bytes = max_bytes
        self.pages = collections.OrderedDict()
        self.bytes = 0
        self.lock = threading.Lock()

    def get(self, key, token):
        with self.lock:
            kept = self.pages.get(key)
            if kept is None or kept[0] != token:
                return None
            self.pages.move_to_end(key)
            return kept[1]

    def clear(self):
        with self.lock:
            self.pages.clear()
            self.bytes = 0

    def put(self, key, token, page):
        if page.size > self.max_bytes:
            return
        with self.lock:
            if key in self.pages:
                self.bytes -= self.pages.pop(key)[1].size
            self.pages[key] = (token, page)
            self.bytes += page.size
            while self.bytes > self.max_bytes:
                _, (_, oldest) = self.pages.popitem(last=False)
                self.bytes -= oldest.size
