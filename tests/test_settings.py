"""Settings come from the environment: defaults for a fresh checkout, loud failures on bad values.

Settings are read once per process, so each case imports them in a fresh interpreter with a clean
environment, as a server would start.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

_PRINT_SETTINGS = """
import json, os
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
from django.conf import settings
database = settings.DATABASES["default"]
print(json.dumps({
    "DEBUG": settings.DEBUG,
    "SECRET_KEY": settings.SECRET_KEY,
    "ALLOWED_HOSTS": settings.ALLOWED_HOSTS,
    "ENGINE": database["ENGINE"],
    "NAME": str(database["NAME"]),
    "HOST": database.get("HOST", ""),
    "MEDIA_ROOT": str(settings.MEDIA_ROOT),
    "SITE_URL": settings.SITE_URL,
    "STALE_AFTER_DAYS": settings.STALE_AFTER_DAYS,
    "SECURE_SSL_REDIRECT": settings.SECURE_SSL_REDIRECT,
    "SECURE_HSTS_SECONDS": settings.SECURE_HSTS_SECONDS,
    "SESSION_COOKIE_SECURE": settings.SESSION_COOKIE_SECURE,
}))
"""


def _run(args, **env):
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env={"PATH": os.environ["PATH"], "LANG": "C.UTF-8", **env},
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
    )


def _settings(**env):
    result = _run(["-c", _PRINT_SETTINGS], **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


class SettingsTests:
    def test_local_development_needs_no_variables_but_debug(self):
        settings = _settings(DJANGO_DEBUG="1")

        assert settings["DEBUG"] is True
        assert settings["SECRET_KEY"]
        assert settings["ALLOWED_HOSTS"] == ["127.0.0.1", "localhost"]
        assert settings["ENGINE"] == "django.db.backends.sqlite3"
        assert settings["NAME"] == str(ROOT / "data" / "db.sqlite3")
        assert settings["MEDIA_ROOT"] == str(ROOT / "media")
        assert settings["SITE_URL"] == ""
        assert settings["STALE_AFTER_DAYS"] == 90
        assert settings["SECURE_SSL_REDIRECT"] is False

    def test_production_is_the_default_and_uses_https(self):
        settings = _settings(SECRET_KEY="k" * 50, ALLOWED_HOSTS="guides.example.org")

        assert settings["DEBUG"] is False
        assert settings["ALLOWED_HOSTS"] == ["guides.example.org"]
        assert settings["SECURE_SSL_REDIRECT"] is True
        assert settings["SECURE_HSTS_SECONDS"] == 365 * 24 * 60 * 60
        assert settings["SESSION_COOKIE_SECURE"] is True

    def test_variables_override_the_defaults(self, tmp_path):
        settings = _settings(
            SECRET_KEY="k" * 50,
            ALLOWED_HOSTS="guides.example.org, www.guides.example.org",
            DATABASE_URL="postgres://guides:secret@db.example.org:5432/guides",
            MEDIA_ROOT=str(tmp_path / "uploads"),
            SITE_URL="https://guides.example.org/",
            STALE_AFTER_DAYS="30",
            SECURE_SSL_REDIRECT="0",
        )

        assert settings["ALLOWED_HOSTS"] == ["guides.example.org", "www.guides.example.org"]
        assert settings["ENGINE"] == "django.db.backends.postgresql"
        assert settings["HOST"] == "db.example.org"
        assert settings["MEDIA_ROOT"] == str(tmp_path / "uploads")
        assert settings["SITE_URL"] == "https://guides.example.org"
        assert settings["STALE_AFTER_DAYS"] == 30
        assert settings["SECURE_SSL_REDIRECT"] is False

    def test_data_dir_moves_the_sqlite_database(self, tmp_path):
        settings = _settings(DJANGO_DEBUG="1", DATA_DIR=str(tmp_path / "state"))

        assert settings["NAME"] == str(tmp_path / "state" / "db.sqlite3")
        assert (tmp_path / "state").is_dir()

    def test_server_refuses_to_start_without_secret_key(self):
        result = _run(["manage.py", "migrate", "--check"])

        assert result.returncode == 1
        assert result.stderr.strip().startswith("SECRET_KEY is not set")
        assert len(result.stderr.strip().splitlines()) == 1

    def test_server_refuses_to_start_without_allowed_hosts(self):
        result = _run(["manage.py", "migrate", "--check"], SECRET_KEY="k" * 50)

        assert result.returncode == 1
        assert result.stderr.strip().startswith("ALLOWED_HOSTS is not set")
        assert len(result.stderr.strip().splitlines()) == 1

    def test_build_commands_run_without_secret_key(self):
        result = _run(["manage.py", "makemigrations", "--check", "--dry-run"])

        assert result.returncode == 0, result.stderr

    def test_malformed_values_name_the_variable(self):
        for name, value in [("DJANGO_DEBUG", "maybe"), ("STALE_AFTER_DAYS", "soon")]:
            result = _run(["-c", _PRINT_SETTINGS], **{"DJANGO_DEBUG": "1", name: value})

            assert result.returncode != 0
            assert f"{name}={value!r}" in result.stderr
