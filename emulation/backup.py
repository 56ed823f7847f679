"""Backups: the database and the uploaded files in one archive, and the way back.

An archive (`.tar.gz`) holds `database.pgdump` (PostgreSQL, `pg_dump --format=custom`) or
`database.sqlite3` (SQLite, through SQLite's online backup), the `media/` folder (evidence
files, decision scans) and `backup.txt` saying what it is. It is written to a temporary file
beside the target and moved into place only when complete.

A restore goes into an *empty* database (a new one, or the one just created by the operator)
and an empty uploads folder: it never merges a backup into live data.
"""

from __future__ import annotations

import datetime
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path

from django.conf import settings
from django.db import connections

PG_DUMP = "database.pgdump"
SQLITE_FILE = "database.sqlite3"
MEDIA = "media"
MANIFEST = "backup.txt"


class BackupError(Exception):
    """The backup or the restore cannot go on; the message says why."""


def _engine(database: dict) -> str:
    engine = database["ENGINE"]
    if "postgresql" in engine:
        return "postgresql"
    if "sqlite3" in engine:
        return "sqlite"
    raise BackupError(f"Backups support PostgreSQL and SQLite, not {engine}.")


def _pg_args(database: dict) -> tuple[list[str], dict]:
    args = []
    for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if database.get(key):
            args += [flag, str(database[key])]
    env = {**os.environ}
    if database.get("PASSWORD"):
        env["PGPASSWORD"] = database["PASSWORD"]
    return args, env


def _run(command: list[str], env: dict) -> None:
    try:
        subprocess.run(command, env=env, check=True, capture_output=True, text=True)
    except FileNotFoundError as error:
        raise BackupError(f"{command[0]} is not installed (Debian: postgresql-client).") from error
    except subprocess.CalledProcessError as error:
        raise BackupError(f"{command[0]} failed: {error.stderr.strip()}") from error


def backup(output: Path, *, alias: str = "default", media_root: Path | None = None) -> Path:
    """Write the database of `alias` and the uploads folder into the archive `output`."""
    output = Path(output)
    media_root = Path(media_root or settings.MEDIA_ROOT)
    database = connections[alias].settings_dict
    engine = _engine(database)
    output.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="backup-") as work:
        work = Path(work)
        if engine == "postgresql":
            args, env = _pg_args(database)
            _run(
                ["pg_dump", "--format=custom", "--no-owner", "--no-privileges", *args]
                + ["--file", str(work / PG_DUMP), database["NAME"]],
                env,
            )
            dump = PG_DUMP
        else:
            connection = connections[alias]
            connection.ensure_connection()
            target = sqlite3.connect(work / SQLITE_FILE)
            try:
                connection.connection.backup(target)
            finally:
                target.close()
            dump = SQLITE_FILE
        (work / MANIFEST).write_text(
            f"Quản lý Cụm thi đua – backup\n"
            f"created: {datetime.datetime.now(datetime.UTC).isoformat(timespec='seconds')}\n"
            f"database: {engine} ({dump})\nmedia: {MEDIA}/\n"
        )
        handle, partial = tempfile.mkstemp(
            dir=output.parent, prefix=f".{output.name}.", suffix=".tmp"
        )
        os.close(handle)
        try:
            with tarfile.open(partial, "w:gz") as archive:
                archive.add(work / MANIFEST, MANIFEST)
                archive.add(work / dump, dump)
                if media_root.is_dir():
                    archive.add(media_root, MEDIA)
            os.chmod(partial, 0o600)  # a backup holds every account's password hash
            os.replace(partial, output)
        except BaseException:
            Path(partial).unlink(missing_ok=True)
            raise
    return output


def _is_empty(database: dict, engine: str) -> bool:
    if engine == "sqlite":
        path = Path(database["NAME"])
        return not path.exists() or path.stat().st_size == 0
    import psycopg2

    args = {
        "dbname": database["NAME"],
        "user": database.get("USER") or None,
        "password": database.get("PASSWORD") or None,
        "host": database.get("HOST") or None,
        "port": database.get("PORT") or None,
    }
    connection = psycopg2.connect(**{k: v for k, v in args.items() if v})
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"
            )
            return cursor.fetchone()[0] == 0
    finally:
        connection.close()


def restore(archive_path: Path, *, database: dict, media_root: Path) -> str:
    """Restore the archive into the empty `database` (a settings dictionary) and the empty
    `media_root`. Returns what was restored, for the operator."""
    archive_path = Path(archive_path)
    media_root = Path(media_root)
    engine = _engine(database)
    if not _is_empty(database, engine):
        raise BackupError(
            "The database is not empty: restore into a new, empty database (see README.md)."
        )
    if media_root.is_dir() and any(media_root.iterdir()):
        raise BackupError(f"The uploads folder {media_root} is not empty.")
    with tempfile.TemporaryDirectory(prefix="restore-") as work:
        work = Path(work)
        try:
            with tarfile.open(archive_path, "r:gz") as archive:
                archive.extractall(work, filter="data")
        except (tarfile.TarError, OSError) as error:
            raise BackupError(f"{archive_path} is not a readable backup: {error}") from error
        if engine == "postgresql":
            if not (work / PG_DUMP).exists():
                raise BackupError("The backup holds no PostgreSQL dump.")
            args, env = _pg_args(database)
            _run(
                ["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", *args]
                + ["--dbname", database["NAME"], str(work / PG_DUMP)],
                env,
            )
        else:
            if not (work / SQLITE_FILE).exists():
                raise BackupError("The backup holds no SQLite database.")
            target = Path(database["NAME"])
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(work / SQLITE_FILE, target)
        files = 0
        if (work / MEDIA).is_dir():
            media_root.mkdir(parents=True, exist_ok=True)
            shutil.copytree(work / MEDIA, media_root, dirs_exist_ok=True)
            files = sum(1 for p in media_root.rglob("*") if p.is_file())
    return f"{engine} database {database['NAME']} and {files} uploaded files restored"
