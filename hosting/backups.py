"""Backups: a consistent copy of the database and every media file, in one folder.

A backup folder holds manifest.json, the database (db.sqlite3, or database.pgdump made by
pg_dump) and media/ with the uploaded files under their stored names. `manage.py backup DIR`
writes one, `manage.py restore DIR` puts it back.
"""

import json
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.core.files import File
from django.core.files.storage import default_storage
from django.db import connection
from django.utils import timezone

from guides import caching, fragments

FORMAT = 1
SQLITE_FILE = "db.sqlite3"
POSTGRES_FILE = "database.pgdump"


class BackupError(Exception):
    """A backup or restore that cannot be done, with a message for the operator."""


def database_kind():
    if connection.vendor not in ("sqlite", "postgresql"):
        raise BackupError(f"Backups support SQLite and PostgreSQL, not {connection.vendor}.")
    return connection.vendor


def back_up(folder):
    """Copy the database and the media into `folder`, which must be new or empty."""
    folder = Path(folder)
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise BackupError(f"{folder} exists and is not an empty folder: choose a new one.")
    kind = database_kind()
    _check_tools(kind, "pg_dump")
    folder.mkdir(parents=True, exist_ok=True)
    if kind == "sqlite":
        # SQLite's online backup: a consistent copy even while the site keeps writing.
        connection.ensure_connection()
        with sqlite3.connect(folder / SQLITE_FILE) as target:
            connection.connection.backup(target)
        target.close()
    else:
        _postgres("pg_dump", "--format=custom", "--no-owner", f"--file={folder / POSTGRES_FILE}")
    names = list(_media_names())
    for name in names:
        path = folder / "media" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        with default_storage.open(name) as source, path.open("wb") as target:
            shutil.copyfileobj(source, target)
    manifest = {
        "format": FORMAT,
        "created": timezone.now().isoformat(timespec="seconds"),
        "database": kind,
        "media_files": len(names),
        "media_storage": default_storage.__class__.__name__,
    }
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    return manifest


def read_manifest(folder):
    try:
        manifest = json.loads((Path(folder) / "manifest.json").read_text())
    except (OSError, ValueError):
        raise BackupError(f"{folder} is not a backup: it has no readable manifest.json.") from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{folder} is a backup in a format this version cannot read.")
    if manifest["database"] != database_kind():
        raise BackupError(
            f"{folder} holds a {manifest['database']} database, but this site runs on "
            f"{connection.vendor}."
        )
    return manifest


def restore(folder):
    """Replace the database and the media files with those in the backup `folder`."""
    folder = Path(folder)
    manifest = read_manifest(folder)
    _check_tools(manifest["database"], "pg_restore")
    if manifest["database"] == "sqlite":
        connection.ensure_connection()
        with sqlite3.connect(folder / SQLITE_FILE) as source:
            source.backup(connection.connection)
        source.close()
    else:
        _postgres(
            "pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction",
            f"--dbname={connection.settings_dict['NAME']}", str(folder / POSTGRES_FILE),
        )  # fmt: skip
    media = folder / "media"
    files = sorted(path for path in media.rglob("*") if path.is_file()) if media.is_dir() else []
    for path in files:
        name = path.relative_to(media).as_posix()
        # Names are content hashes, but a damaged file must be replaced, not kept.
        default_storage.delete(name)
        with path.open("rb") as source:
            default_storage.save(name, File(source, name=name))
    # The rows were replaced by SQLite's backup API or pg_restore, not through the app's
    # database connection, which the page cache watches: no page or kept part may outlive them.
    caching.content_changed()
    fragments.parts_changed()
    return manifest


def _media_names(folder=""):
    try:
        folders, files = default_storage.listdir(folder)
    except FileNotFoundError:  # no upload yet: the media folder does not exist
        return
    for name in files:
        yield f"{folder}{name}"
    for sub in folders:
        yield from _media_names(f"{folder}{sub}/")


def _check_tools(kind, tool):
    if kind == "postgresql" and not shutil.which(tool):
        raise BackupError(
            f"{tool} is not installed: install the PostgreSQL client tools of the server's "
            "version (Debian: postgresql-client) and try again."
        )


def _postgres(tool, *args):
    settings = connection.settings_dict
    env = {
        **os.environ,
        "PGHOST": settings["HOST"] or "",
        "PGPORT": str(settings["PORT"] or ""),
        "PGUSER": settings["USER"] or "",
        "PGPASSWORD": settings["PASSWORD"] or "",
        "PGDATABASE": settings["NAME"],
    }
    result = subprocess.run([tool, *args], env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"{tool} failed: {result.stderr.strip()}")
