"""What the Dockerfile runs, run here (no Docker engine in CI): its build steps without
secrets, its health check against the production server, and its entrypoint is the tested one."""

import json
import re
import shutil
import subprocess

import pytest

from tests.server_helpers import (
    ENTRYPOINT,
    ROOT,
    environment,
    production_environment,
    run_entrypoint,
    serving,
)

DOCKERFILE = (ROOT / "Dockerfile").read_text()

# The image's steps run on SQLite files of their own, whatever database the suite runs on.
pytestmark = pytest.mark.engine_independent


def _instructions(keyword):
    """The arguments of every `keyword` instruction, continuation lines joined."""
    text = re.sub(r"\\\n\s*", " ", DOCKERFILE)
    return [line[len(keyword) + 1 :] for line in text.splitlines() if line.startswith(keyword)]


def _healthcheck_command():
    healthcheck = _instructions("HEALTHCHECK")[0]
    return json.loads(healthcheck.split(" CMD ", 1)[1])


def _copy_of_the_project(tmp_path):
    target = tmp_path / "app"
    ignored = shutil.ignore_patterns(
        *(ROOT / ".dockerignore").read_text().split(), "data", "*.mo", "staticfiles"
    )
    shutil.copytree(ROOT, target, ignore=ignored, symlinks=True)
    return target


class ContainerTests:
    def test_image_starts_through_the_tested_entrypoint(self):
        (entrypoint,) = _instructions("ENTRYPOINT")

        assert json.loads(entrypoint) == [f"/app/{ENTRYPOINT.relative_to(ROOT)}"]

    def test_build_steps_need_no_secret(self, tmp_path):
        app = _copy_of_the_project(tmp_path)
        (build,) = [run for run in _instructions("RUN") if "collectstatic" in run]

        result = subprocess.run(
            ["sh", "-c", build],
            cwd=app,
            env=environment(tmp_path),  # no SECRET_KEY, no ALLOWED_HOSTS
            capture_output=True,
            text=True,
            timeout=300,
        )

        assert result.returncode == 0, result.stderr
        assert (app / "staticfiles" / "staticfiles.json").exists()
        assert (app / "locale" / "de" / "LC_MESSAGES" / "django.mo").exists()

    def test_health_check_passes_while_the_database_answers_and_fails_when_not(self, tmp_path):
        assert run_entrypoint(production_environment(tmp_path), "init").returncode == 0
        database = tmp_path / "db.sqlite3"

        with serving(tmp_path) as server:
            env = environment(tmp_path, PORT=str(server.port))
            healthy = subprocess.run(_healthcheck_command(), env=env, capture_output=True)
            intact = database.read_bytes()
            database.write_bytes(b"not a database" * 100)
            broken = subprocess.run(_healthcheck_command(), env=env, capture_output=True)
            database.write_bytes(intact)

        assert healthy.returncode == 0, healthy.stderr
        assert broken.returncode != 0
