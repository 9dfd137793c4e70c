"""Apply migrations when a server starts: one process at a time, never onto a lost SQLite file."""

import fcntl
import zlib
from contextlib import contextmanager
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

# Any number that is the same in every process; PostgreSQL advisory locks are keyed by one.
_LOCK_KEY = zlib.crc32(b"opt-out-guides migrate")

MISSING_DATABASE = """\
There is no database at {path}.
- A new installation creates it once with the argument "init": `docker run ... IMAGE init`, or \
`make init` outside a container.
- An existing installation has probably lost its data folder: check that the volume is mounted \
at {folder} (DATA_DIR) and start again. A new empty database would hide the real one."""


@contextmanager
def _file_lock(path):
    with open(path, "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


@contextmanager
def _advisory_lock():
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s)", [_LOCK_KEY])
        try:
            yield
        finally:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [_LOCK_KEY])


class Command(BaseCommand):
    help = (
        "Apply migrations at start, one process at a time (several containers may start at "
        "once). Refuses to create a missing SQLite file unless --create is given."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--create",
            action="store_true",
            help="create the SQLite database when there is none (first start of an installation)",
        )

    def handle(self, *args, create, verbosity, **options):
        if connection.vendor == "postgresql":
            with _advisory_lock():
                call_command("migrate", interactive=False, verbosity=verbosity)
        elif connection.vendor == "sqlite" and not connection.is_in_memory_db():
            self._migrate_sqlite(Path(connection.settings_dict["NAME"]), create, verbosity)
        else:
            call_command("migrate", interactive=False, verbosity=verbosity)

    def _migrate_sqlite(self, path, create, verbosity):
        with _file_lock(path.with_name(path.name + ".migrate-lock")):
            if not path.exists():
                if not create:
                    raise CommandError(MISSING_DATABASE.format(path=path, folder=path.parent))
                self.stdout.write(f"Creating a new database at {path}.")
            call_command("migrate", interactive=False, verbosity=verbosity)
