"""Connections to the application store: one SQLAlchemy engine per URL, and transactions.

Why a second database beside DuckDB: DuckDB's file has one writer and is published by
copying, which suits loads and analytics but not many people saving small things at once.
Everything users write (users and roles, follow-up responses, upload records, the audit
log) lives here instead, behind SQLAlchemy, so the same code runs on an embedded SQLite
file (the default; a fresh clone needs no set-up) and on a central PostgreSQL.

Concurrency, which is what this module is for:
- SQLite runs in WAL mode (set on every connect), so readers never block the writer.
  Every write transaction starts with BEGIN IMMEDIATE, taking the write lock at once:
  two writers then queue on the busy timeout instead of the second failing with
  "database is locked" when it upgrades a read transaction to a write. This is
  SQLAlchemy's documented pysqlite recipe (driver autocommit off, BEGIN emitted by us),
  which also makes DDL transactional, so migrations are all-or-nothing.
- PostgreSQL: saves of one project serialise on a row lock (SELECT ... FOR UPDATE);
  migrations on an advisory lock (appstore.migrate).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

import settings

# How long a SQLite writer waits for another writer's lock before giving up (seconds).
SQLITE_BUSY_SECONDS = 30

_engines: dict[str, Engine] = {}
_engines_lock = threading.Lock()


def resolve_url(url: str | None = None) -> str:
    """The URL given, or the configured one (env BUDGET_APP_DB, see settings)."""
    return url or settings.app_database_url()


def engine(url: str | None = None) -> Engine:
    """The process-wide engine for a URL (created on first use; pooled connections)."""
    url = resolve_url(url)
    with _engines_lock:
        found = _engines.get(url)
        if found is None:
            found = _engines[url] = _create_engine(url)
    return found


def dispose(url: str | None = None) -> None:
    """Close the pooled connections of a URL's engine and forget it (tests, shutdown)."""
    with _engines_lock:
        found = _engines.pop(resolve_url(url), None)
    if found is not None:
        found.dispose()


def dialect_name(url: str | None = None) -> str:
    """'sqlite' or 'postgresql' (the backend named by the URL)."""
    return make_url(resolve_url(url)).get_backend_name()


def _create_engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(parsed, pool_pre_ping=True)
    database = parsed.database
    if database and database != ":memory:" and not database.startswith("file:"):
        Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    created = create_engine(parsed, connect_args={"timeout": SQLITE_BUSY_SECONDS})
    event.listen(created, "connect", _sqlite_on_connect)
    event.listen(created, "begin", _sqlite_begin)
    return created


def _sqlite_on_connect(dbapi_connection, _connection_record) -> None:
    # The driver's own transaction handling would BEGIN late (DEFERRED, before DML only);
    # turn it off and let _sqlite_begin start every transaction.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_SECONDS * 1000}")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA synchronous = NORMAL")  # safe in WAL mode: a crash loses no committed data
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.close()


def _sqlite_begin(connection) -> None:
    # Reads (see `reading`) begin DEFERRED, so readers do not queue behind each other.
    mode = connection.get_execution_options().get("sqlite_begin", "IMMEDIATE")
    connection.exec_driver_sql(f"BEGIN {mode}")


@contextmanager
def transaction(url: str | None = None) -> Iterator[Session]:
    """A session in one transaction on an up-to-date schema: committed on exit, rolled
    back on an exception. Every write of the store goes through here."""
    from appstore.migrate import upgrade

    upgrade(url)
    with Session(engine(url), expire_on_commit=False) as session, session.begin():
        yield session


@contextmanager
def reading(url: str | None = None) -> Iterator[Session]:
    """A session for reads on an up-to-date schema (a fresh store reads as empty)."""
    from appstore.migrate import upgrade

    upgrade(url)
    bind = engine(url).execution_options(sqlite_begin="DEFERRED")
    with Session(bind, expire_on_commit=False) as session:
        yield session
