"""The container's entrypoint, run for real outside Docker: migrate, then gunicorn."""

import http.client
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ENTRYPOINT = ROOT / "config" / "docker-entrypoint.sh"


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _environment(tmp_path, **extra):
    # A clean environment, like a container's: nothing from the test run leaks in
    # (pytest-env sets SECRET_KEY, a developer may have DJANGO_DEBUG or DATABASE_URL set).
    return {
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "HOME": str(tmp_path),
        "LANG": "C.UTF-8",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "MEDIA_ROOT": str(tmp_path / "media"),
        "WEB_CONCURRENCY": "1",
        **extra,
    }


def _wait_for_http(port, process, log, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"entrypoint exited with {process.returncode}:\n{log.read_text()}")
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        try:
            connection.request("GET", "/")
            return connection.getresponse()
        except OSError:
            time.sleep(0.25)
        finally:
            connection.close()
    pytest.fail(f"gunicorn did not answer within {timeout} s:\n{log.read_text()}")


class EntrypointTests:
    def test_migrates_and_serves_without_demo_content(self, tmp_path):
        port = _free_port()
        env = _environment(
            tmp_path,
            SECRET_KEY="entrypoint-test-key-" + "x" * 40,
            ALLOWED_HOSTS="127.0.0.1",
            PORT=str(port),
        )
        log = tmp_path / "entrypoint.log"
        with log.open("wb") as out:
            process = subprocess.Popen(
                [str(ENTRYPOINT)],
                env=env,
                cwd=tmp_path,  # the script finds the project by its own path
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        try:
            response = _wait_for_http(port, process, log)
        finally:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()

        # Production settings: Django itself answers, sending plain HTTP to HTTPS.
        assert response.status == 301, log.read_text()
        assert response.getheader("Location") == f"https://127.0.0.1:{port}/"

        with sqlite3.connect(tmp_path / "db.sqlite3") as db:
            applied = {app for (app,) in db.execute("SELECT app FROM django_migrations")}
            guides = db.execute("SELECT COUNT(*) FROM guides_guide").fetchone()[0]
        assert {"auth", "sessions", "guides"} <= applied
        assert guides == 0, "the entrypoint must not load demo content"

    def test_refuses_to_start_without_secret_key(self, tmp_path):
        result = subprocess.run(
            [str(ENTRYPOINT)],
            env=_environment(tmp_path, ALLOWED_HOSTS="127.0.0.1", PORT=str(_free_port())),
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=60,
        )

        assert result.returncode != 0
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1, result.stderr
        assert "SECRET_KEY" in lines[0]
        assert not (tmp_path / "db.sqlite3").exists()
