"""A database that goes away or breaks: readers get a calm 503 page and /healthz says 503, and
the site answers again by itself once the database is back. On the real production server."""

import pytest

from tests.server_helpers import (
    TcpProxy,
    fresh_postgres_database,
    postgres_url,
    production_environment,
    run_entrypoint,
    serving,
)

# A page already cached, or whose parts are kept (guides/fragments.py: the home page's list, a
# guide's steps), is still served while the database is away (by design); these tests are about
# the pages that need the database, such as search.
NO_PAGE_CACHE = {"PAGE_CACHE": "false"}


def _assert_unavailable(server):
    page = server.get("/en/search/?q=ai", **{"Accept-Language": "en"})
    assert page.status == 503, page.text
    assert page.getheader("Retry-After") == "30"
    assert "Back in a few minutes" in page.text
    assert "default-src 'self'" in page.getheader("Content-Security-Policy")

    german = server.get("/de/search/?q=ki")
    assert german.status == 503
    assert "Gleich wieder da" in german.text

    health = server.get("/healthz", host="127.0.0.1")
    assert health.status == 503
    assert health.text == "unavailable\n"


def _assert_available(server):
    assert server.get("/en/search/?q=ai").status == 200
    assert server.get("/healthz", host="127.0.0.1").status == 200


class DatabaseFaultTests:
    @pytest.mark.engine_independent
    def test_broken_sqlite_file_gives_503_until_it_is_repaired(self, tmp_path):
        assert run_entrypoint(production_environment(tmp_path), "init").returncode == 0
        database = tmp_path / "db.sqlite3"

        with serving(tmp_path, **NO_PAGE_CACHE) as server:
            _assert_available(server)
            intact = database.read_bytes()
            database.write_bytes(b"this is not an SQLite database\n" * 200)

            _assert_unavailable(server)

            database.write_bytes(intact)
            _assert_available(server)

        assert "Traceback" not in server.output()
        assert "Database unavailable (DatabaseError: file is not a database)" in server.output()

    @pytest.mark.skipif(not postgres_url(), reason="runs when the suite runs on PostgreSQL")
    def test_lost_postgresql_connection_gives_503_until_it_is_back(self, tmp_path):
        with fresh_postgres_database() as url:
            host, port = url.split("@", 1)[1].split("/", 1)[0].split(":")
            proxy = TcpProxy(host, int(port))
            proxy.restore()
            proxied = url.replace(f"@{host}:{port}/", f"@127.0.0.1:{proxy.port}/")
            env = production_environment(tmp_path, DATABASE_URL=proxied)
            assert run_entrypoint(env, "init").returncode == 0

            with serving(tmp_path, DATABASE_URL=proxied, **NO_PAGE_CACHE) as server:
                _assert_available(server)
                proxy.cut()

                _assert_unavailable(server)

                proxy.restore()
                _assert_available(server)
            proxy.cut()

        assert "Traceback" not in server.output()
