"""Engines of the application store: one SQLAlchemy engine per URL, set up for concurrency.

- SQLite runs in WAL mode (set on every connect), so readers never block the writer.
  Every write transaction starts with BEGIN IMMEDIATE, taking the write lock at once:
  two writers then queue on the busy timeout instead of the second failing with
  "database is locked" when it upgrades a read transaction to a write. This is
  SQLAlchemy's documented pysqlite recipe (driver autocommit off, BEGIN emitted by us),
  which also makes DDL transactional, so migrations are all-or-nothing.
- PostgreSQL: pooled connections are checked before use (pool_pre_ping), and a server that
  does not answer is given up after CONNECT_TIMEOUT_SECONDS instead of the operating system's minutes.

Why apart from `appstore.db`: the migrations (`appstore.migrate`) need an engine, and every session
of `appstore.db` needs the migrations run first; with the engines here, db imports migrate and
migrate imports engines, with no circle.
"""

from __future__ import annotations

import threading
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url

import settings

# How long a SQLite writer waits for another writer's lock before giving up (seconds).
SQLITE_BUSY_SECONDS = 30
# How long a connection attempt to PostgreSQL may take before the store counts as unavailable
# (seconds; a `connect_timeout` in the URL's query wins).
CONNECT_TIMEOUT_SECONDS = 5

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
        connect_args = {} if "connect_timeout" in parsed.query else {"connect_timeout": CONNECT_TIMEOUT_SECONDS}
        return create_engine(parsed, pool_pre_ping=True, connect_args=connect_args)
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
