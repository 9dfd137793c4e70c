"""Settings for Opt-out Guides.

Every value that differs between deployments comes from the environment; the defaults let a fresh
checkout run on SQLite with no variables set (see docs/configuration.md).
"""

import os
import re
import sys
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from hosting.headers import static_file_headers

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name, default=""):
    return os.environ.get(name, default).strip()


def env_bool(name, default=False):
    value = env_str(name).lower()
    if not value:
        return default
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    raise ImproperlyConfigured(f"{name}={value!r} is not a boolean: use 1/0, true/false, yes/no.")


def env_int(name, default):
    value = env_str(name)
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r} is not a whole number.") from None


def env_list(name, default=()):
    value = env_str(name)
    if not value:
        return list(default)
    return [item.strip() for item in value.split(",") if item.strip()]


_ORIGIN = re.compile(r"https?://(\*\.)?[a-z0-9-]+(\.[a-z0-9-]+)*(:\d{1,5})?")


def env_origins(name):
    """Web origins (scheme://host[:port]) separated by spaces or commas; loud on anything else."""
    origins = env_str(name).replace(",", " ").split()
    for origin in origins:
        if not _ORIGIN.fullmatch(origin):
            raise ImproperlyConfigured(
                f"{name}: {origin!r} is not an origin like https://intranet.example.org "
                "(scheme and host, an optional port, no path)."
            )
    return origins


DEBUG = env_bool("DJANGO_DEBUG", False)

# Build-time commands (collectstatic, compilemessages) run without secrets; anything that serves
# or changes data refuses to start without them.
_COMMANDS_WITHOUT_SECRET = {"collectstatic", "compilemessages", "makemessages", "makemigrations"}
_command = sys.argv[1] if len(sys.argv) > 1 and sys.argv[0].endswith("manage.py") else None


def require_in_production(name, value, hint):
    if not value and not DEBUG and _command not in _COMMANDS_WITHOUT_SECRET:
        sys.exit(f"{name} is not set: {hint} (or DJANGO_DEBUG=1 for local development).")
    return value


SECRET_KEY = require_in_production(
    "SECRET_KEY", env_str("SECRET_KEY"), "set SECRET_KEY to a long random string"
)
if DEBUG and not SECRET_KEY:
    SECRET_KEY = "insecure-local-development-key"

ALLOWED_HOSTS = require_in_production(
    "ALLOWED_HOSTS",
    env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else []),
    "set ALLOWED_HOSTS to the site's host names, comma-separated",
)
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# Absolute links in feeds and QR codes; empty means "take scheme and host from the request".
SITE_URL = env_str("SITE_URL").rstrip("/")
# A guide whose last check is older than this shows readers a notice that steps may have changed.
STALE_AFTER_DAYS = env_int("STALE_AFTER_DAYS", 90)
# watch_sources and check_links fetch only public addresses unless this is on (tests, intranets).
FETCH_ALLOW_PRIVATE = env_bool("FETCH_ALLOW_PRIVATE", False)
# Content packs (manage.py import_content): the largest content.json it reads. Their images
# follow IMAGE_MAX_BYTES and IMAGE_MAX_PIXELS, like uploads.
CONTENT_PACK_MAX_BYTES = env_int("CONTENT_PACK_MAX_BYTES", 10 * 1024 * 1024)
# Zipped packs (packs/: export_guides, import_guides, pull_guides): the largest archive, and the
# most its members may unpack to together (a zip bomb is refused while it is read).
CONTENT_PACK_ZIP_MAX_BYTES = env_int("CONTENT_PACK_ZIP_MAX_BYTES", 200 * 1024 * 1024)
# Offering a pack (/packs/latest.zip): the Ed25519 private key made by generate_pack_keys.
# Without it, this instance offers no pack.
PACK_SIGNING_KEY_FILE = env_str("PACK_SIGNING_KEY_FILE")
# Following an upstream (pull_guides): its pack's URL and its public key (base64), and whether
# new upstream versions arrive as drafts ("review") or go live when a guide has no local
# changes ("auto"). docs/self-hosting.md explains them.
UPSTREAM_PACK_URL = env_str("UPSTREAM_PACK_URL")
UPSTREAM_PUBLIC_KEY = env_str("UPSTREAM_PUBLIC_KEY")
UPSTREAM_POLICY = env_str("UPSTREAM_POLICY", "review")
if UPSTREAM_POLICY not in ("review", "auto"):
    sys.exit(f"UPSTREAM_POLICY must be review or auto, not {UPSTREAM_POLICY!r}.")

INSTALLED_APPS = [
    "modeltranslation",  # must come before django.contrib.admin
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "axes",
    "guides",
    "branding",
    "hosting",
    "watch",
    "editorial",
    "reports",
    "packs",
]

# The header middleware comes before WhiteNoise and CommonMiddleware, so that static files and
# the redirects those two answer with carry the security headers too.
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before whitenoise, so that static files get these headers too.
    "hosting.middleware.cross_origin_headers",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "config.middleware.HealthCheckMiddleware",
    # Django's session and message middleware, made lazy: a reader's page uses neither.
    "config.middleware.LazySessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Before CSRF: a PUT or TRACE to a reader page is a 405, not a missing token.
    "config.middleware.ReadOnlyOutsideAdminMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "config.middleware.LazyMessageMiddleware",
    "config.middleware.DatabaseUnavailableMiddleware",
    # Last, as django-axes asks: it turns a lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "branding.context_processors.site_settings",
            ],
        },
    },
]

# Database: an SQLite file in the git-ignored data/ folder unless DATABASE_URL says otherwise
# (postgres://user:password@host:5432/name switches to PostgreSQL).
DATA_DIR = Path(env_str("DATA_DIR") or BASE_DIR / "data")
DATABASE_URL = env_str("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'db.sqlite3'}"
# One connection per request (gevent serves each in its own greenlet, where a kept connection
# would never be reused): the site also reconnects by itself once a lost database is back.
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=0)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A database host that does not answer at all gets readers the 503 page within seconds.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 5)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers work while one request writes; IMMEDIATE takes the write lock at the start
    # of a transaction, so concurrent writers wait (up to the timeout) instead of failing with
    # "database is locked" halfway through.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        # A connection lasts one request, so SQLite's page cache (2 MB by default, one per
        # concurrent request) is hardly reused and only holds memory: 256 kB is enough.
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-256;"
        ),
    }
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Shared cache for several app processes or machines; without it each process keeps its own,
# and whole reader pages (guides/caching.py) go to files under DATA_DIR that every worker reads.
REDIS_URL = env_str("REDIS_URL")
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "pages": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(DATA_DIR / "page-cache"),
        "OPTIONS": {"MAX_ENTRIES": 5000},
    },
    # Parts of reader pages (guides/fragments.py): what a published version renders, kept for
    # good, and lookups kept until the next write readers see. A week: unread entries go.
    "fragments": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(DATA_DIR / "fragment-cache"),
        "TIMEOUT": 7 * 24 * 60 * 60,
        "OPTIONS": {"MAX_ENTRIES": 5000},
    },
}
if REDIS_URL:
    redis = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    CACHES = {
        "default": redis,
        "pages": {**redis, "KEY_PREFIX": "pages"},
        "fragments": {**redis, "KEY_PREFIX": "fragments", "TIMEOUT": 7 * 24 * 60 * 60},
    }
# Whole-page cache of anonymous reader pages; off to measure or debug the rendering itself.
PAGE_CACHE = env_bool("PAGE_CACHE", True)
# How long a proxy or browser may keep a reader page without asking again (seconds).
PAGE_CACHE_MAX_AGE = env_int("PAGE_CACHE_MAX_AGE", 60)
PAGE_CACHE_TIMEOUT = 24 * 60 * 60
# Finished pages each worker process keeps in memory (guides.caching.EarlyAnswer).
PAGE_CACHE_MEMORY_BYTES = env_int("PAGE_CACHE_MEMORY_BYTES", 8 * 1024 * 1024)

AUTHENTICATION_BACKENDS = [
    # django-axes refuses a locked-out login before the password is even checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# Login throttling (django-axes): after LOGIN_FAILURE_LIMIT wrong passwords for one user name from
# one address, that pair is locked for LOGIN_COOLOFF_MINUTES. Locking the pair, not the address,
# keeps one colleague's typos from locking out a whole office behind one NAT address.
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "hosting.throttling.locked_out"
AXES_CLIENT_IP_CALLABLE = "hosting.throttling.client_ip"
AXES_VERBOSE = False
# Reverse proxies in front of the app that append the client's address to X-Forwarded-For; 0
# means clients connect directly and REMOTE_ADDR is their address.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
# Days that login records (failed attempts, successful logins) are kept: `manage.py
# prune_login_records`, run daily, deletes older ones.
LOGIN_RECORDS_DAYS = env_int("LOGIN_RECORDS_DAYS", 30)

# Reader reports (reports/): limits are counted only in the cache, never stored with a report.
REPORTS_PER_ADDRESS_PER_HOUR = env_int("REPORTS_PER_ADDRESS_PER_HOUR", 10)
REPORTS_PER_GUIDE_PER_DAY = env_int("REPORTS_PER_GUIDE_PER_DAY", 200)
REPORTS_KEEP_DAYS = env_int("REPORTS_KEEP_DAYS", 90)
REPORTS_MIN_SECONDS = env_int("REPORTS_MIN_SECONDS", 3)
REPORTS_MAX_HOURS = env_int("REPORTS_MAX_HOURS", 6)

# E-mail, for password reset links: offered only when EMAIL_HOST names an SMTP server. Without
# one, mail goes to a local mail server on port 25 if there is one (Django's usual default).
PASSWORD_RESET_BY_EMAIL = bool(env_str("EMAIL_HOST"))
_email_port = env_int("EMAIL_PORT", 587 if PASSWORD_RESET_BY_EMAIL else 25)
MAILERS = {
    "default": {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {
            "host": env_str("EMAIL_HOST") or "localhost",
            "port": _email_port,
            "username": env_str("EMAIL_HOST_USER"),
            "password": env_str("EMAIL_HOST_PASSWORD"),
            # STARTTLS on the submission port 587, implicit TLS on 465.
            "use_tls": env_bool("EMAIL_USE_TLS", _email_port == 587),
            "use_ssl": env_bool("EMAIL_USE_SSL", _email_port == 465),
            "timeout": 20,
        },
    }
}
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL") or "webmaster@localhost"
SERVER_EMAIL = DEFAULT_FROM_EMAIL
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Languages: German is the default and the source every translation starts from.
LANGUAGE_CODE = "de"
LANGUAGES = [
    ("de", _("German")),
    ("en", _("English")),
    ("fr", _("French")),
    ("it", _("Italian")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Berlin"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["config.formats"]

MODELTRANSLATION_DEFAULT_LANGUAGE = "de"
MODELTRANSLATION_FALLBACK_LANGUAGES = {"default": ("de",), "fr": ("en", "de"), "it": ("en", "de")}
# modeltranslation's tabbed admin loads jQuery UI from a CDN unless told otherwise (these two
# setting names are modeltranslation's, without a prefix). jQuery itself is the admin's own.
JQUERY_URL = "admin/js/vendor/jquery/jquery.min.js"
JQUERY_UI_URL = "vendor/jquery-ui/jquery-ui.min.js"

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Hashed static files get the same immutable Cache-Control as screenshots (hosting/headers.py).
WHITENOISE_ADD_HEADERS_FUNCTION = static_file_headers
# Uploads (screenshots) are named by their content hash and served by the app under /media/,
# from MEDIA_ROOT or, when S3_BUCKET is set, from S3-compatible object storage. Readers only ever
# talk to this site: their browsers never contact the storage provider.
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT") or BASE_DIR / "media")
# Uploaded and imported images: larger files, or more pixels, are refused with a clear message
# (a few kilobytes of PNG can unpack into gigabytes of pixels).
# Binary units, as the messages show sizes (filesizeformat): 10 MB is 10 × 1024 × 1024 bytes.
IMAGE_MAX_BYTES = env_int("IMAGE_MAX_BYTES", 10 * 1024 * 1024)
IMAGE_MAX_PIXELS = env_int("IMAGE_MAX_PIXELS", 40 * 1000 * 1000)
S3_BUCKET = env_str("S3_BUCKET")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
if S3_BUCKET:
    STORAGES["default"] = {
        "BACKEND": "hosting.storage.S3MediaStorage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            "endpoint_url": env_str("S3_ENDPOINT_URL") or None,
            "region_name": env_str("S3_REGION") or None,
            "access_key": env_str("S3_ACCESS_KEY_ID"),
            "secret_key": env_str("S3_SECRET_ACCESS_KEY"),
            "location": env_str("S3_PREFIX"),
            # Private objects: the app reads them with its key and serves them itself.
            "default_acl": None,
            "file_overwrite": False,
        },
    }

# Sites that may show a guide's embeddable view (/<lang>/<platform>/<guide>/embed/) in a frame,
# e.g. "https://intranet.example.org". Empty: there is no embeddable view (404). Every other page
# may never be framed.
EMBED_FRAME_ANCESTORS = env_origins("EMBED_FRAME_ANCESTORS")

# Strict Content Security Policy: nothing but our own origin, no inline scripts or styles.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Sent on every response by hosting.middleware.cross_origin_headers: no page needs a camera,
# a microphone, a location or any other powerful browser feature, and no other site may embed
# our files.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer", "autoplay", "browsing-topics", "camera", "display-capture",
        "encrypted-media", "fullscreen", "geolocation", "gyroscope", "interest-cohort",
        "magnetometer", "microphone", "midi", "payment", "picture-in-picture",
        "publickey-credentials-get", "screen-wake-lock", "serial", "usb", "xr-spatial-tracking",
    )
)  # fmt: skip
CROSS_ORIGIN_RESOURCE_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
# The container's health check calls http://127.0.0.1/healthz (config/middleware.py).
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    if env_bool("BEHIND_TLS_PROXY", False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# HSTS preloading commits a whole domain; only its owner can decide (docs/configuration.md).
SILENCED_SYSTEM_CHECKS = [] if env_bool("SECURE_HSTS_PRELOAD", False) else ["security.W021"]


def _without_traceback(record):
    record.exc_info = record.exc_text = None
    return True


LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # A request with a foreign Host header is a scanner's or a misconfiguration, not a bug: one
    # line says which host, a traceback would add nothing (the response is a 400).
    "filters": {"without_traceback": {"()": lambda: _without_traceback}},
    "handlers": {
        "console": {"class": "logging.StreamHandler"},
        "console_one_line": {
            "class": "logging.StreamHandler",
            "filters": ["without_traceback"],
        },
    },
    "loggers": {
        "django.security.DisallowedHost": {"handlers": ["console_one_line"], "propagate": False},
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}
