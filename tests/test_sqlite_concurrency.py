"""SQLite as a self-hosting organisation runs it: a file database, several processes writing.

The test database is in memory, so this runs real processes against a file, like gunicorn
workers would.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent

# Each writer reads, then writes, inside one transaction: the pattern that fails with
# "database is locked" when SQLite's default (deferred) transactions meet a second writer.
_WRITER = """
import os, sys
import django
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
django.setup()
from django.db import transaction
from guides.models import Region

worker = sys.argv[1]
for n in range(40):
    with transaction.atomic():
        position = Region.objects.count()
        Region.objects.create(code=f"w{worker}-{n}", name_de="x", position=position)
print("ok")
"""

pytestmark = pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3",
    reason="about the SQLite configuration",
)


def _environment(tmp_path):
    return {
        "PATH": os.environ["PATH"],
        "LANG": "C.UTF-8",
        "DJANGO_DEBUG": "1",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }


class SQLiteConcurrencyTests:
    def test_concurrent_writers_wait_instead_of_failing(self, tmp_path):
        env = _environment(tmp_path)
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True
        )

        writers = [
            subprocess.Popen(
                [sys.executable, "-c", _WRITER, str(worker)],
                cwd=ROOT,
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for worker in range(4)
        ]
        results = [writer.communicate(timeout=120) for writer in writers]

        for stdout, stderr in results:
            assert "database is locked" not in stderr
            assert stdout.strip() == "ok", stderr
        count = subprocess.run(
            [sys.executable, "manage.py", "shell", "-c",
             "from guides.models import Region; print(Region.objects.count())"],
            cwd=ROOT, env=env, capture_output=True, text=True, check=True,
        )  # fmt: skip
        assert count.stdout.strip().splitlines()[-1] == "160"

    def test_database_file_uses_write_ahead_logging(self, tmp_path):
        env = _environment(tmp_path)
        result = subprocess.run(
            [sys.executable, "manage.py", "shell", "-c",
             "from django.db import connection\n"
             "with connection.cursor() as c:\n"
             "    c.execute('PRAGMA journal_mode'); print(c.fetchone()[0])"],
            cwd=ROOT, env=env, capture_output=True, text=True, check=True,
        )  # fmt: skip

        assert result.stdout.strip().splitlines()[-1] == "wal"
