"""Two app servers on one database and one Redis, as behind a load balancer.

Each server is a real gunicorn process; what one of them changes, the other sees.
"""

import http.client
import os
import re
import subprocess
import sys
import time
import uuid
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.conf import settings

from tests.server_helpers import REDIS_TEST_URL, free_port

ROOT = Path(__file__).resolve().parent.parent


class Browser:
    """Just enough of a browser: cookies, and the CSRF token of the last form it saw."""

    def __init__(self):
        self.cookies = {}

    def request(self, port, method, path, form=None):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        headers = {
            "Host": "127.0.0.1",
            "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
        }
        body = None
        if form is not None:
            body = urlencode({**form, "csrfmiddlewaretoken": self.cookies["csrftoken"]})
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        response.text = response.read().decode()
        connection.close()
        for header in response.headers.get_all("Set-Cookie") or ():
            self.cookies.update({k: m.value for k, m in SimpleCookie(header).items()})
        return response

    def log_in(self, port, password):
        self.request(port, "GET", "/admin/login/")
        return self.request(
            port, "POST", "/admin/login/?next=/admin/", {"username": "boss", "password": password}
        )


def _database_url(tmp_path):
    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{tmp_path / 'db.sqlite3'}"
    # PostgreSQL: the test database itself; the tests are transactional, so the rows that the
    # servers write are removed afterwards.
    user, host, port = database["USER"], database["HOST"], database["PORT"]
    return f"postgres://{user}@{host}:{port}/{database['NAME']}"


def _manage(env, *args):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip


def _wait_until_serving(port, server, deadline):
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"gunicorn on {port} exited: {server.stderr.read()}")
        try:
            http.client.HTTPConnection("127.0.0.1", port, timeout=2).request(
                "HEAD", "/admin/login/"
            )
            return
        except OSError:
            time.sleep(0.2)
    pytest.fail(f"gunicorn on {port} did not start")


def _two_free_ports():
    return free_port(), free_port()


@pytest.fixture
def two_servers(tmp_path):
    """Two gunicorn processes on one database and one Redis; their ports."""
    env = {
        "PATH": os.environ["PATH"],
        "LANG": "C.UTF-8",
        "SECRET_KEY": "two-processes-" + "k" * 40,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "DATABASE_URL": _database_url(tmp_path),
        "MEDIA_ROOT": str(tmp_path / "media"),
        "REDIS_URL": REDIS_TEST_URL,
        "LOGIN_FAILURE_LIMIT": "3",
        "DJANGO_SUPERUSER_PASSWORD": "boss-password",
    }
    _manage(env, "migrate", "--noinput", "-v0")
    _manage(env, "createsuperuser", "--noinput", "--username", "boss", "--email", "b@example.org")
    ports = _two_free_ports()
    servers = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "config.wsgi",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "1",
                "--timeout",
                "30",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )  # fmt: skip
        for port in ports
    ]
    try:
        deadline = time.monotonic() + 60
        for port, server in zip(ports, servers, strict=True):
            _wait_until_serving(port, server, deadline)
        yield ports
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=30)


@pytest.mark.django_db(transaction=True)
class TwoAppProcessesTests:
    def test_login_on_one_server_is_valid_on_the_other(self, two_servers):
        first, second = two_servers
        browser = Browser()

        self.assert_redirect(browser.log_in(first, "boss-password"), "/admin/")
        response = browser.request(second, "GET", "/admin/")

        assert response.status == 200
        assert "Site administration" in response.text or "Website-Verwaltung" in response.text

    def test_failed_logins_on_one_server_lock_the_user_on_the_other(self, two_servers):
        first, second = two_servers
        for _ in range(3):
            Browser().log_in(first, "wrong")

        assert Browser().log_in(second, "boss-password").status == 429

    @pytest.mark.engine_independent
    def test_cache_entries_are_shared_through_redis(self):
        env = {"PATH": os.environ["PATH"], "DJANGO_DEBUG": "1", "REDIS_URL": REDIS_TEST_URL}
        key = f"two-processes-{uuid.uuid4()}"
        cache = "from django.core.cache import cache; "

        _manage(env, "shell", "--no-imports", "-c", f"{cache}cache.set({key!r}, 'seen', 60)")
        other = _manage(
            env,
            "shell",
            "--no-imports",
            "-c",
            f"{cache}print(cache.get({key!r})); cache.delete({key!r})",
        )

        assert other.stdout.strip() == "seen"

    @staticmethod
    def assert_redirect(response, location):
        assert response.status == 302, response.text[:500]
        assert re.sub(r"^https?://[^/]+", "", response.headers["Location"]) == location
