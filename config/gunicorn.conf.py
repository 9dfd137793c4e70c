"""gunicorn in production: config/docker-entrypoint.sh (the container and `make serve`) uses it.

gevent workers serve every connection in a greenlet, so clients that send their request slowly
(a bad mobile network, or someone doing it on purpose) wait without holding a worker; sync
workers froze the site with four such connections. psycopg 3 and SQLite both work under gevent.
Variables: docs/configuration.md.
"""

import gc
import os

from gunicorn.glogging import Logger


def _env_int(name, default):
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise SystemExit(f"{name}={value!r} is not a whole number.") from None


def _env_bool(name):
    return os.environ.get(name, "").strip().lower() in ("1", "true", "yes", "on")


bind = f"{os.environ.get('LISTEN_ADDRESS', '0.0.0.0')}:{_env_int('PORT', 8000)}"
workers = _env_int("WEB_CONCURRENCY", 2)
worker_class = "gevent"
# Open connections per worker, slow ones included; each busy one may hold a database connection.
worker_connections = _env_int("WORKER_CONNECTIONS", 200)
timeout = 30
graceful_timeout = 30
keepalive = 5

# Access log on stdout without the client's address (personal data) and without the query string
# (search words are personal data too); no referrer or user agent for the same reasons.
accesslog = "-"
access_log_format = '%(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms'
if _env_bool("ACCESS_LOG_CLIENT_IP"):
    access_log_format = "%(h)s " + access_log_format
errorlog = "-"


class AccessLogWithoutHealthChecks(Logger):
    """The container's health check asks every 30 seconds; its lines would bury the readers'."""

    def access(self, resp, req, environ, request_time):
        if environ.get("PATH_INFO") != "/healthz":
            super().access(resp, req, environ, request_time)


logger_class = AccessLogWithoutHealthChecks

# gunicorn's control socket (gunicornc) is not used; several servers on one machine would share
# its default path.
control_socket_disable = True


def post_request(worker, req, environ, resp):
    # A greenlet that served a request goes on to read the next one on its keep-alive
    # connection, and a fast client has often sent it already: without giving way here the
    # greenlet serves its own connection again and again while the others wait (seconds, under
    # load). A timer, not sleep(0): gevent runs up to 50 sleep(0) wake-ups before it looks for
    # ready connections again, which still left some waiting half a second; a timer resumes the
    # greenlet only after the event loop has polled every connection.
    import gevent

    gevent.sleep(0.000001)


# New connections a worker takes from its listening socket in one turn of its event loop.
ACCEPT_PER_TURN = 8


def post_worker_init(worker):
    # With several workers gunicorn lets each take one new connection per turn of its event
    # loop, so that one worker does not take them all. A turn of a busy worker serves every
    # connection that is ready, 30 pages or more: readers who had just connected waited in the
    # listening socket, over a second at 64 connections, longer than a phone waits. Up to 8 per
    # turn drains it at once; workers woken together still take about equal shares.
    from gevent.server import StreamServer
    from gunicorn.workers import ggevent

    class StreamServerTakingBursts(StreamServer):
        def start(self):
            self.max_accept = ACCEPT_PER_TURN
            super().start()

    ggevent.StreamServer = StreamServerTakingBursts

    # Django, the project and its libraries are loaded now and stay for the worker's life.
    # Left out of the garbage collector's full passes, they no longer stop every connection
    # of the worker for 30-60 ms a few times a minute under load (90,000 objects).
    gc.freeze()
