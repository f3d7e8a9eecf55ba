"""`avvik db backup` and `avvik db restore`: a consistent copy of the whole database, and putting one back into a
fresh, empty database. PostgreSQL through its own tools (pg_dump's custom format, pg_restore in one transaction);
SQLite through its online backup API, safe while the API and the worker write. What else to back up (the
attachment store, WAL archiving for point-in-time recovery) is in docs/operations.md."""

from __future__ import annotations

import os
import sqlite3
import subprocess
from contextlib import closing
from pathlib import Path

from sqlalchemy import inspect
from sqlalchemy.engine import URL

from engine.errors import AvvikError, Conflict
from engine.store.db import Database

__all__ = ["backup", "restore", "BackupFailed"]


class BackupFailed(AvvikError):
    code = "backup_failed"
    default_message = "Säkerhetskopieringen eller återläsningen misslyckades."


def _libpq(url: URL) -> tuple[str, dict[str, str]]:
    """The libpq connection string and environment for pg_dump/pg_restore: the password goes in PGPASSWORD, never
    on the command line where `ps` shows it."""
    env = {**os.environ}
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    plain = url.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def _run(command: list[str], env: dict[str, str]) -> None:
    try:
        done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=6 * 3600)
    except FileNotFoundError:
        raise BackupFailed(f"{command[0]} finns inte. Installera PostgreSQL:s klientprogram (postgresql-client).") \
            from None
    if done.returncode != 0:
        raise BackupFailed(f"{command[0]} misslyckades: {done.stderr.strip()[-500:]}")


def _sqlite_path(db: Database) -> str:
    path = db.engine.url.database
    if not path or path == ":memory:":
        raise BackupFailed("Bara en SQLite-fil kan säkerhetskopieras.")
    return path


def backup(db: Database, target: Path) -> None:
    if target.exists():
        raise Conflict(f"{target} finns redan; välj ett nytt filnamn.")
    target.parent.mkdir(parents=True, exist_ok=True)
    if db.dialect == "postgresql":
        dsn, env = _libpq(db.engine.url)
        _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--file={target}", f"--dbname={dsn}"],
             env)
        return
    with closing(sqlite3.connect(_sqlite_path(db))) as live, closing(sqlite3.connect(target)) as copy:
        live.backup(copy)


def restore(db: Database, source: Path) -> None:
    """Restore into an empty database only: restoring over live data is never what a drill or a recovery wants."""
    if not source.is_file():
        raise BackupFailed(f"Säkerhetskopian {source} finns inte.")
    if inspect(db.engine).get_table_names():
        raise Conflict("Databasen är inte tom. Återläs till en ny, tom databas och peka sedan AVVIK_DATABASE_URL dit.")
    if db.dialect == "postgresql":
        dsn, env = _libpq(db.engine.url)
        _run(["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction",
              f"--dbname={dsn}", str(source)], env)
        return
    db.dispose()  # no pooled connection may hold the file while it is written
    with closing(sqlite3.connect(source)) as copy, closing(sqlite3.connect(_sqlite_path(db))) as fresh:
        copy.backup(fresh)
