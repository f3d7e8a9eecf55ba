"""The bench's own databases: `avvik_bench` on the local PostgreSQL (dropped and created anew for every part
that uses it) and SQLite files under a work folder. Never the `test` database that CI and developers use."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import psycopg
from psycopg import sql
from sqlalchemy.engine import URL

from engine import Database
from engine.store.schema import upgrade

__all__ = ["BENCH_DATABASE", "Backend", "postgres_admin_dsn", "fresh_postgres", "fresh_sqlite", "drop_postgres",
           "migrated", "set_statement_timeout"]

# AVVIK_BENCH_DATABASE lets two benches share one PostgreSQL server without dropping each other's database.
BENCH_DATABASE = os.environ.get("AVVIK_BENCH_DATABASE", "avvik_bench")
_ADMIN_DSN = "postgresql://postgres@127.0.0.1:5432/postgres"


@dataclass(frozen=True)
class Backend:
    name: str  # "sqlite" or "postgresql"
    url: str  # SQLAlchemy URL, as AVVIK_DATABASE_URL takes it
    dsn: str  # what the plain driver connects with: libpq DSN or SQLite file path


def postgres_admin_dsn() -> str:
    """The maintenance database to create `avvik_bench` from (AVVIK_BENCH_POSTGRES overrides)."""
    return os.environ.get("AVVIK_BENCH_POSTGRES", _ADMIN_DSN)


def _bench_dsn() -> str:
    admin = psycopg.conninfo.conninfo_to_dict(postgres_admin_dsn())
    admin["dbname"] = BENCH_DATABASE
    return psycopg.conninfo.make_conninfo(**{k: str(v) for k, v in admin.items() if v is not None})


def drop_postgres() -> None:
    with psycopg.connect(postgres_admin_dsn(), autocommit=True) as connection:
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(BENCH_DATABASE)))


def fresh_postgres() -> Backend:
    """An empty `avvik_bench` (dropped first if it exists)."""
    drop_postgres()
    with psycopg.connect(postgres_admin_dsn(), autocommit=True) as connection:
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(BENCH_DATABASE)))
    dsn = _bench_dsn()
    parts = {key: str(value) for key, value in psycopg.conninfo.conninfo_to_dict(dsn).items() if value is not None}
    url = URL.create(
        "postgresql+psycopg",
        username=parts.get("user", "postgres"),
        password=parts.get("password"),
        host=parts.get("host", "127.0.0.1"),
        port=int(parts.get("port", "5432")),
        database=BENCH_DATABASE,
    )
    return Backend("postgresql", url.render_as_string(hide_password=False), dsn)


def set_statement_timeout(seconds: int) -> None:
    """Cap every statement on connections made to `avvik_bench` from now on."""
    with psycopg.connect(postgres_admin_dsn(), autocommit=True) as connection:
        connection.execute(sql.SQL("ALTER DATABASE {} SET statement_timeout = {}").format(
            sql.Identifier(BENCH_DATABASE), sql.Literal(f"{seconds}s")))


def fresh_sqlite(workdir: Path, name: str) -> Backend:
    """An SQLite file `name`.sqlite3 under workdir, removed first (with its WAL files) if it exists."""
    path = workdir / f"{name}.sqlite3"
    for leftover in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        leftover.unlink(missing_ok=True)
    return Backend("sqlite", f"sqlite:///{path}", str(path))


def migrated(backend: Backend) -> Database:
    """The engine's Database on the backend, with the schema at the newest migration."""
    db = Database(backend.url)
    upgrade(db)
    return db
