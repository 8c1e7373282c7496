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

Outages: every session of `transaction` and `reading` turns an error of the connection (server
stopped, network down, a file that cannot be opened or stays locked) into
appstore.StoreUnavailable, whose message names no host, port or driver; the driver's error
stays its `__cause__` for the server log. Pooled connections are checked before use
(pool_pre_ping), so the first session after the store comes back works without a restart, and
a PostgreSQL server that does not answer is given up after CONNECT_TIMEOUT_SECONDS instead of
the operating system's minutes.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, exc, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

import settings
from appstore.errors import StoreUnavailable

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


def is_outage(error: BaseException) -> bool:
    """Whether an error means the store cannot be reached or used now (rather than a refusal
    of what was sent, such as a unique key): connection, timeout and I/O errors."""
    if isinstance(error, (exc.OperationalError, exc.InterfaceError, exc.TimeoutError, OSError)):
        return True
    return isinstance(error, exc.DBAPIError) and error.connection_invalidated


@contextmanager
def outages_as_unavailable() -> Iterator[None]:
    """Raise StoreUnavailable (from the driver's error) for an outage inside the block."""
    try:
        yield
    except StoreUnavailable:
        raise
    except Exception as error:
        if is_outage(error):
            raise StoreUnavailable() from error
        raise


@contextmanager
def transaction(url: str | None = None) -> Iterator[Session]:
    """A session in one transaction on an up-to-date schema: committed on exit, rolled
    back on an exception. Every write of the store goes through here. StoreUnavailable when
    the store cannot be reached (nothing written)."""
    from appstore.migrate import upgrade

    with outages_as_unavailable():
        upgrade(url)
        with Session(engine(url), expire_on_commit=False) as session, session.begin():
            yield session


@contextmanager
def reading(url: str | None = None) -> Iterator[Session]:
    """A session for reads on an up-to-date schema (a fresh store reads as empty).
    StoreUnavailable when the store cannot be reached."""
    from appstore.migrate import upgrade

    with outages_as_unavailable():
        upgrade(url)
        bind = engine(url).execution_options(sqlite_begin="DEFERRED")
        with Session(bind, expire_on_commit=False) as session:
            yield session


def ensure_available(url: str | None = None) -> None:
    """Create or migrate the store if needed and check that it answers now; StoreUnavailable
    otherwise. Cheap once the schema is current (one pooled `SELECT 1`), so the app calls it on
    every run and notices an outage, and the store's return, at the next click."""
    from appstore.migrate import upgrade

    with outages_as_unavailable():
        upgrade(url)
        with engine(url).connect() as connection:
            connection.execute(text("SELECT 1"))
