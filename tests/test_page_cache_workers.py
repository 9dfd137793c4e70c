"""The page cache under the production server: two workers, a publish in a third process."""

import pytest

from tests.server_helpers import REDIS_TEST_URL, environment, run_entrypoint, serving

SETUP = """
from tests.helpers import make_guide
make_guide(slug="ki-training", title_de="Alter Titel")
"""
PUBLISH = """
from guides.models import Guide
from tests.helpers import publish_draft
publish_draft(Guide.objects.get(slug="ki-training"), title_de="Neuer Titel")
"""
GUIDE = "/de/linkedin/ki-training/"

# The servers run on SQLite files of their own, whatever database the suite runs on.
pytestmark = pytest.mark.engine_independent


def _entrypoint(tmp_path, extra, *args):
    env = environment(tmp_path, SECRET_KEY="x" * 50, DJANGO_DEBUG="1", **extra)
    result = run_entrypoint(env, *args)
    assert result.returncode == 0, result.stderr


class PageCacheWorkerTests:
    # With the page cache off, each worker keeps the guide page in memory (guides.fragments).
    @pytest.mark.parametrize(
        ("cache", "page_cache"), [("files", "1"), ("redis", "1"), ("files", "0")]
    )
    def test_a_publish_shows_in_every_worker_on_the_next_request(self, tmp_path, cache, page_cache):
        extra = {"DATA_DIR": str(tmp_path / "data"), "WEB_CONCURRENCY": "2"}
        extra["PAGE_CACHE"] = page_cache
        if cache == "redis":
            extra["REDIS_URL"] = REDIS_TEST_URL
        _entrypoint(tmp_path, extra, "init")
        with serving(tmp_path, **extra) as server:
            _entrypoint(tmp_path, extra, "python", "manage.py", "shell", "-c", SETUP)
            for _ in range(8):  # enough for both workers to have the page cached
                assert "Alter Titel" in server.get(GUIDE).text
            _entrypoint(tmp_path, extra, "python", "manage.py", "shell", "-c", PUBLISH)
            pages = [server.get(GUIDE).text for _ in range(8)]
        assert all("Neuer Titel" in page and "Alter Titel" not in page for page in pages)
