import os
from pathlib import Path

import pytest

from tests.reader_helpers import reader_assets  # noqa: F401  (collectstatic, compilemessages)
from tests.s3_helpers import s3_server  # noqa: F401  (the S3 emulator)

# Fixtures that start a browser; a test that uses one is a browser test.
BROWSER_FIXTURES = {"page", "context", "browser", "new_context"}


def pytest_report_header(config):
    # Shows which database a run used (CI runs the suite on SQLite and on PostgreSQL).
    from django.conf import settings

    database = settings.DATABASES["default"]
    return f"database: {database['ENGINE'].rsplit('.', 1)[-1]} {database['NAME']}"


def pytest_collection_modifyitems(items):
    # `make test` deselects browser tests with -m "not browser" where Chromium is missing;
    # marking them here means no test can forget the marker.
    for item in items:
        if BROWSER_FIXTURES.intersection(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    # Playwright cannot download its own browser here: use Debian's chromium.
    return {
        **browser_type_launch_args,
        "executable_path": os.environ.get("CHROMIUM", "/usr/bin/chromium"),
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


def _serve_through_the_app(application):
    return application


@pytest.fixture(scope="session")
def live_server(request):
    """pytest-django's live server, with static files served as in production.

    pytest-django looks static files up by their source names, which fails for the hashed names
    that the manifest storage puts in pages; here whitenoise serves the collected files instead.
    """
    from django.conf import settings
    from pytest_django.live_server_helper import LiveServer

    if not (Path(settings.STATIC_ROOT) / "staticfiles.json").exists():
        pytest.fail("no collected static files: run `make test` or `manage.py collectstatic`")
    address = (
        request.config.getvalue("liveserver")
        or os.environ.get("DJANGO_LIVE_TEST_SERVER_ADDRESS")
        or "localhost"
    )
    server = LiveServer(address, start=False)
    server.thread.static_handler = _serve_through_the_app
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session", autouse=True)
def _fast_password_hasher():
    # Production's PBKDF2 takes about 0.3 s per password set or checked, and the suite creates
    # and logs in hundreds of users. Servers that tests start as separate processes
    # (tests/server_helpers.py, test_two_app_processes.py) still use the production hasher.
    from django.test import override_settings

    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


@pytest.fixture(autouse=True)
def _empty_page_cache():
    # A page cached in a test whose rows were rolled back must not answer in the next test,
    # nor a part of one kept for a version whose id the next test's rows reuse.
    from django.core.cache import caches

    from guides import caching, fragments

    caches["pages"].clear()
    caches["fragments"].clear()
    fragments.pages_in_memory.clear()
    fragments.results_in_memory.clear()
    # The tokens live beside the caches' entries, not in them; new ones also retire the pages
    # each worker process keeps in its memory.
    caching.CONTENT_TOKEN.replace_now()
    fragments.PARTS_TOKEN.replace_now()


@pytest.fixture(autouse=True)
def _default_language():
    # Each test starts in the default language, whatever language the test before it left
    # active (a request through the test client activates the page's language).
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)
