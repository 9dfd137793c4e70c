"""Whole-page caching of the anonymous reader pages, never stale.

Every cached page is keyed by a content token that changes on any write a reader could see:
every INSERT, UPDATE or DELETE the database connections send to the table of a model readers
see (`watch_writes`), whether from save(), QuerySet.update(), bulk_create() or raw SQL, so that
no code has to remember to call anything.
The token lives beside the "pages" cache, which every worker process shares (`SharedToken`: a
file under DATA_DIR that every worker maps into memory, or a Redis key), so a publish in one
worker shows in every other on the next request.
The token is random, not a counter: a rolled-back transaction cannot bring back an old value.
The key also holds the build (a fingerprint of the code, templates, catalogues and static files),
so a deploy does not serve pages rendered by the old code.
"""

import collections
import datetime
import functools
import gzip
import hashlib
import mmap
import operator
import os
import re
import secrets
import threading
import time
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.cache import caches
from django.db import connections, transaction
from django.db.backends.signals import connection_created
from django.http import HttpResponse
from django.http.cookie import parse_cookie
from django.utils import timezone
from django.utils.cache import get_conditional_response
from django.utils.http import http_date, parse_etags, parse_http_date_safe
from django.utils.translation import get_language, get_language_from_path

# Models whose rows readers never see: writing them must not empty the page cache.
UNSEEN_MODELS = {
    "admin.logentry",
    # Accounts, their groups and permissions: reader pages name no one (a login writes
    # last_login, which would otherwise empty the page cache).
    "auth.user",
    "auth.user_groups",
    "auth.user_user_permissions",
    "auth.group",
    "auth.group_permissions",
    "auth.permission",
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
    """A random token every worker reads, replaced whenever what it stands for changes: keys
    that hold it go stale everywhere at once. Random, not a counter, so that a rolled-back
    transaction cannot bring back an old value.

    It lives beside the entries of its cache: in a file mapped into every process's memory when
    the cache is a folder of files (one machine; reading it costs one stat() and no read), in the
    cache itself otherwise (Redis, for several machines).
    """

    def __init__(self, cache_alias, key):
        self.cache_alias = cache_alias
        self.key = key

    def _storage(self):
        config = settings.CACHES[self.cache_alias]
        if config["BACKEND"] == FILE_BASED_CACHE:
            return _mapped_token(config["LOCATION"], self.key)
        return _TokenInCache(caches[self.cache_alias], self.key)

    def replace(self, using=None):
        self.replace_now()
        # Again once the transaction commits: what was rendered from the old rows between the
        # first replacement and the commit must not stay kept under the new token. Once per
        # transaction: a rolled-back one (or savepoint) drops the callback, and the next write
        # adds it again. Outside a transaction the write is committed already.
        connection = transaction.get_connection(using)
        if connection.in_atomic_block and not any(
            func == self.replace_now for _sids, func, _robust in connection.run_on_commit
        ):
            connection.on_commit(self.replace_now)

    def replace_now(self):
        """A new token at once, whatever transaction is open (the tests start with one)."""
        self._storage().replace()

    def current(self):
        return self._storage().current()


FILE_BASED_CACHE = "django.core.cache.backends.filebased.FileBasedCache"


class _TokenInCache:
    def __init__(self, cache, key):
        self.cache = cache
        self.key = key

    def replace(self):
        self.cache.set(self.key, secrets.token_hex(8), None)

    def current(self):
        token = self.cache.get(self.key)
        if token is None:
            token = secrets.token_hex(8)
            self.cache.add(self.key, token, None)
            token = self.cache.get(self.key, token)
        return token


@functools.cache
def _mapped_token(folder, key):
    return _MappedToken(Path(folder) / f"{key}.token")


class _MappedToken:
    """The token as the first bytes of a small file that every process on the machine maps
    (MAP_SHARED): a write by one process is what every other reads next. The file is not one
    of the cache's entries, so clearing the cache leaves it. Should the file be deleted or
    replaced, the next read maps the new one."""

    SIZE = 8

    def __init__(self, path):
        self.path = path
        self.mapped = None  # (inode, mmap)
        self.lock = threading.Lock()

    def current(self):
        return self._map()[: self.SIZE].hex()

    def replace(self):
        self._map()[: self.SIZE] = secrets.token_bytes(self.SIZE)

    def _map(self):
        try:
            inode = os.stat(self.path).st_ino
        except FileNotFoundError:
            inode = None
        mapped = self.mapped
        if mapped is None or mapped[0] != inode:
            with self.lock:
                mapped = self.mapped = self._open()
        return mapped[1]

    def _open(self):
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            if os.fstat(fd).st_size < self.SIZE:
                # A new file: a random start, so that a file deleted and made again does not
                # bring back a token that pages were kept under. Another process doing the same
                # at once only means one more new token.
                os.pwrite(fd, secrets.token_bytes(self.SIZE), 0)
            return os.fstat(fd).st_ino, mmap.mmap(fd, self.SIZE)
        finally:
            os.close(fd)


CONTENT_TOKEN = SharedToken("pages", "content-token")


def _cache():
    return caches["pages"]


def content_changed():
    """Makes every cached page fresh. Writes through the database connections do so by
    themselves (`watch_writes`); call it only for rows written another way (a restore)."""
    CONTENT_TOKEN.replace()


def _seen_by_readers(model):
    # Safe by default: a model is seen unless listed, whichever app it comes from.
    return model._meta.label_lower not in UNSEEN_MODELS


@functools.cache
def _seen_tables():
    # Many-to-many tables too (auto-created models); tables of no model (a database cache,
    # django_migrations) are never shown to readers.
    models = apps.get_models(include_auto_created=True)
    return frozenset(model._meta.db_table for model in models if _seen_by_readers(model))


# A statement that writes, and its table: INSERT INTO "t", UPDATE "t", DELETE FROM "t", as
# Django writes them on SQLite and PostgreSQL. A read fails to match at its first word.
WRITE = re.compile(
    r'\s*(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)', re.IGNORECASE
)


def _replace_after_writes(execute, sql, params, many, context):
    result = execute(sql, params, many, context)
    write = WRITE.match(sql) if isinstance(sql, str) else None
    if write and write[1] in _seen_tables():
        CONTENT_TOKEN.replace(using=context["connection"].alias)
    return result


def _watch_connection(connection, **kwargs):
    if _replace_after_writes not in connection.execute_wrappers:
        connection.execute_wrappers.append(_replace_after_writes)


def watch_writes():
    """Replaces the content token after every write to a table readers see, on every database
    connection (called once from GuidesConfig.ready)."""
    connection_created.connect(_watch_connection, dispatch_uid="page-cache-writes")
    for connection in connections.all(initialized_only=True):
        _watch_connection(connection)


def _cacheable(request):
    return (
        settings.PAGE_CACHE
        and request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
    )


# What a deploy changes: code, templates, catalogues, and the static files' manifest.
BUILD_SUFFIXES = {".py", ".html", ".txt", ".xml", ".mo", ".json"}
# .ci holds CI's scripts and, under .ci/runs, the test runs' data folders, written meanwhile.
NOT_BUILD_DIRS = {
    ".git", ".venv", ".ci", "node_modules", "data", "media", "tests", "__pycache__",
}  # fmt: skip


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
        TODAY.iso(),
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
    # A tuple: the memory copy is looked up by it as it is; only the shared cache gets a digest.
    if not settings.PAGE_CACHE or environ.get("REQUEST_METHOD") not in ("GET", "HEAD"):
        return None
    cookie_header = environ.get("HTTP_COOKIE")
    cookies = parse_cookie(cookie_header) if cookie_header else {}
    if settings.SESSION_COOKIE_NAME in cookies:
        return None
    if "HTTP_IF_MATCH" in environ or "HTTP_IF_UNMODIFIED_SINCE" in environ:
        return None  # rare; Django answers those preconditions
    # Raw values: a request Django would treat alike but spells differently only costs a miss.
    parts = tuple(environ.get(name, "") for name in ENVIRON_KEY_PARTS)
    if not _has_language_prefix(environ.get("PATH_INFO", "")):
        language_cookie = cookies.get(settings.LANGUAGE_COOKIE_NAME, "")
        parts += (language_cookie, environ.get("HTTP_ACCEPT_LANGUAGE", ""))
    return (*parts, TODAY.iso(), build_id())


@functools.lru_cache(maxsize=4096)
def _has_language_prefix(path):
    return get_language_from_path(path) is not None


class _Today:
    """Today's date in the site's time zone, worked out again only when the day is over."""

    def __init__(self):
        self.span = (0.0, 0.0, "")  # start, end (seconds since the epoch), the date

    def iso(self):
        starts, ends, day = self.span
        if not starts <= time.time() < ends:
            midnight = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
            day = midnight.date().isoformat()
            self.span = (
                midnight.timestamp(),
                (midnight + datetime.timedelta(days=1)).timestamp(),
                day,
            )
        return day


TODAY = _Today()


# What decides the absolute address a page is rendered for (see `_key`).
ENVIRON_KEY_PARTS = (
    "wsgi.url_scheme", "HTTP_X_FORWARDED_PROTO", "HTTP_HOST", "HTTP_X_FORWARDED_HOST",
    "SERVER_NAME", "SERVER_PORT", "SCRIPT_NAME", "PATH_INFO", "QUERY_STRING",
)  # fmt: skip


def _shared_key(key, token):
    digest = hashlib.sha256("\n".join(key).encode()).hexdigest()
    return f"early:{digest}:{token}"


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
    """The pages most recently used by this process, up to a number of bytes; `size` gives what
    one weighs (its .size unless told otherwise)."""

    def __init__(self, max_bytes, size=operator.attrgetter("size")):
        self.max_bytes = max_bytes
        self.size = size
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
        size = self.size(page)
        if size > self.max_bytes:
            return
        with self.lock:
            if key in self.pages:
                self.bytes -= self.size(self.pages.pop(key)[1])
            self.pages[key] = (token, page)
            self.bytes += size
            while self.bytes > self.max_bytes:
                _, (_, oldest) = self.pages.popitem(last=False)
                self.bytes -= self.size(oldest)
