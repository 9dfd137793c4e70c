"""Site-wide answers that come before any view: health check, allowed methods, database faults."""

import logging

from django.conf import settings
from django.contrib.messages.middleware import MessageMiddleware
from django.contrib.messages.storage import default_storage
from django.contrib.sessions.middleware import SessionMiddleware
from django.db import (
    DatabaseError,
    DataError,
    IntegrityError,
    NotSupportedError,
    ProgrammingError,
    connection,
)
from django.http import HttpResponse, HttpResponseNotAllowed
from django.template import loader
from django.utils.functional import SimpleLazyObject, empty

logger = logging.getLogger(__name__)

READ_METHODS = ("GET", "HEAD")
# Seconds a reader's browser or a proxy should wait before asking again during an outage.
RETRY_AFTER = 30


def is_outage(exc):
    """A database that cannot be reached or read, as opposed to a bad query or bad data."""
    faults_of_ours = (DataError, IntegrityError, NotSupportedError, ProgrammingError)
    return isinstance(exc, DatabaseError) and not isinstance(exc, faults_of_ours)


def _first_line(exc):
    lines = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {lines[0]}" if lines else type(exc).__name__


def database_unavailable():
    """The 503 page: rendered without a request, so no context processor touches the database."""
    body = loader.get_template("503.html").render()
    response = HttpResponse(body, status=503)
    response["Retry-After"] = str(RETRY_AFTER)
    return response


class HealthCheckMiddleware:
    """/healthz: 200 when the database answers, 503 otherwise, and no details either way.

    It answers before CommonMiddleware looks at the Host header, so a container's health check
    can call 127.0.0.1 whatever ALLOWED_HOSTS says (SECURE_REDIRECT_EXEMPT spares it the HTTPS
    redirect); SecurityMiddleware and the CSP middleware still add their headers.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path != "/healthz":
            return self.get_response(request)
        if request.method not in READ_METHODS:
            return HttpResponseNotAllowed(READ_METHODS)
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
        except DatabaseError as exc:
            logger.error("Health check: the database does not answer (%s).", _first_line(exc))
            return HttpResponse("unavailable\n", status=503, content_type="text/plain")
        return HttpResponse("ok\n", content_type="text/plain")


def accepts_forms(view):
    """Mark a view outside the admin that may take a POST (e.g. the password reset form)."""
    view.accepts_forms = True
    return view


class ReadOnlyOutsideAdminMiddleware:
    """Every page outside the admin answers GET and HEAD only; anything else gets 405.

    One rule for all reader views (and the feeds, and whatever page comes next), so no view can
    forget a decorator; a view that takes forms says so with @accepts_forms. Requests that match
    no URL still get their 404.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if (
            request.method in READ_METHODS
            or "admin" in request.resolver_match.namespaces
            or getattr(view_func, "accepts_forms", False)
        ):
            return None
        return HttpResponseNotAllowed(READ_METHODS)


class DatabaseUnavailableMiddleware:
    """A database that is down or broken gets readers a calm 503 page instead of a 500.

    Each request opens its own connection (CONN_MAX_AGE = 0), so the site answers again as soon
    as the database does.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not is_outage(exception):
            return None
        logger.error("Database unavailable (%s).", _first_line(exception))
        return database_unavailable()


def _unused(lazy):
    return isinstance(lazy, SimpleLazyObject) and lazy._wrapped is empty


class LazySessionMiddleware(SessionMiddleware):
    """Django's, but without a session cookie the session is made only when something uses it.

    A reader's page never does. Unused, there is nothing to save and no cookie to set or delete,
    just as Django's middleware would decide for a new, untouched session.
    """

    def process_request(self, request):
        if settings.SESSION_COOKIE_NAME in request.COOKIES:
            return super().process_request(request)
        request.session = SimpleLazyObject(lambda: self.SessionStore(None))

    def process_response(self, request, response):
        if _unused(getattr(request, "session", None)):
            return response
        return super().process_response(request, response)


class LazyMessageMiddleware(MessageMiddleware):
    """Django's, but the message storage (a cookie signer and the session) is made on first use:
    a reader's page never adds or shows a message, so there is nothing to store."""

    def process_request(self, request):
        request._messages = SimpleLazyObject(lambda: default_storage(request))

    def process_response(self, request, response):
        if _unused(getattr(request, "_messages", None)):
            return response
        return super().process_response(request, response)
