"""The production start (config/docker-entrypoint.sh, which the container and `make serve` run),
for real outside Docker: init, migrations one process at a time, then gunicorn."""

import sqlite3
import subprocess

import psycopg
import pytest

from tests.server_helpers import (
    ENTRYPOINT,
    ROOT,
    environment,
    free_port,
    fresh_postgres_database,
    postgres_url,
    production_environment,
    run_entrypoint,
    serving,
)

needs_postgres = pytest.mark.skipif(
    not postgres_url(), reason="runs when the suite runs on PostgreSQL (DATABASE_URL)"
)


def _start_together(envs, *args):
    processes = [
        subprocess.Popen(
            [str(ENTRYPOINT), *args],
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for env in envs
    ]
    return [(process.wait(timeout=180), process.stdout.read()) for process in processes]


def _applied_migrations_sqlite(path):
    with sqlite3.connect(path) as db:
        return db.execute("SELECT app, name FROM django_migrations").fetchall()


@pytest.mark.engine_independent
class EntrypointTests:
    def test_init_creates_the_database_of_a_new_installation(self, tmp_path):
        result = run_entrypoint(production_environment(tmp_path), "init")

        assert result.returncode == 0, result.stderr
        assert f"Creating a new database at {tmp_path / 'db.sqlite3'}" in result.stdout
        applied = {app for app, _ in _applied_migrations_sqlite(tmp_path / "db.sqlite3")}
        assert {"auth", "sessions", "guides"} <= applied

    def test_migrates_and_serves_without_demo_content(self, tmp_path):
        assert run_entrypoint(production_environment(tmp_path), "init").returncode == 0
        # A new migration arriving with an upgrade is applied at the next start.
        with sqlite3.connect(tmp_path / "db.sqlite3") as db:
            db.execute("DELETE FROM django_migrations WHERE app = 'sessions'")
            db.execute("DROP TABLE django_session")

        with serving(tmp_path) as server:
            response = server.get("/de/")

        assert response.status == 200, server.output()
        with sqlite3.connect(tmp_path / "db.sqlite3") as db:
            applied = {app for (app,) in db.execute("SELECT app FROM django_migrations")}
            guides = db.execute("SELECT COUNT(*) FROM guides_guide").fetchone()[0]
        assert "sessions" in applied
        assert guides == 0, "the entrypoint must not load demo content"

    def test_plain_http_is_sent_to_https(self, tmp_path):
        assert run_entrypoint(production_environment(tmp_path), "init").returncode == 0

        with serving(tmp_path, BEHIND_TLS_PROXY="0") as server:
            response = server.get("/de/", **{"X-Forwarded-Proto": "http"})

        assert response.status == 301
        assert response.getheader("Location") == "https://guides.example.org/de/"

    def test_refuses_to_start_on_a_missing_sqlite_file(self, tmp_path):
        # The usual cause: the data volume was not mounted. A new empty database would hide it.
        port = free_port()
        result = run_entrypoint(production_environment(tmp_path, PORT=str(port)))

        assert result.returncode != 0
        assert f"There is no database at {tmp_path / 'db.sqlite3'}" in result.stderr
        assert "init" in result.stderr
        assert not (tmp_path / "db.sqlite3").exists()

    def test_refuses_to_start_without_secret_key(self, tmp_path):
        env = environment(tmp_path, ALLOWED_HOSTS="127.0.0.1", PORT=str(free_port()))

        result = run_entrypoint(env, "init")

        assert result.returncode != 0
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1, result.stderr
        assert "SECRET_KEY" in lines[0]
        assert not (tmp_path / "db.sqlite3").exists()

    def test_make_serve_runs_it_and_names_a_missing_secret_key(self, tmp_path):
        env = environment(tmp_path, ALLOWED_HOSTS="guides.example.org", PORT=str(free_port()))

        result = subprocess.run(
            ["make", "--silent", "serve"],
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=300,
        )

        assert result.returncode != 0
        assert "SECRET_KEY is not set" in result.stderr
        assert not (tmp_path / "db.sqlite3").exists()

    def test_runs_any_other_command_in_the_same_environment(self, tmp_path):
        assert run_entrypoint(production_environment(tmp_path), "init").returncode == 0

        result = run_entrypoint(
            production_environment(tmp_path), "python", "manage.py", "showmigrations", "sessions"
        )

        assert result.returncode == 0, result.stderr
        assert "[X] 0001_initial" in result.stdout


class MigrationRaceTests:
    """Several containers starting at once: each migrates, none fails, every migration once."""

    @pytest.mark.engine_independent
    def test_two_starts_at_once_on_sqlite(self, tmp_path):
        envs = [production_environment(tmp_path), production_environment(tmp_path)]

        results = _start_together(envs, "init")

        assert [code for code, _ in results] == [0, 0], results
        applied = _applied_migrations_sqlite(tmp_path / "db.sqlite3")
        assert len(applied) == len(set(applied))
        assert ("guides", "0001_initial") in applied

    @needs_postgres
    def test_two_starts_at_once_on_postgresql(self, tmp_path):
        with fresh_postgres_database() as url:
            envs = [production_environment(tmp_path, DATABASE_URL=url) for _ in range(2)]

            results = _start_together(envs, "init")

            with psycopg.connect(url) as db:
                applied = db.execute("SELECT app, name FROM django_migrations").fetchall()
        assert [code for code, _ in results] == [0, 0], results
        assert len(applied) == len(set(applied))
        assert ("guides", "0001_initial") in applied
