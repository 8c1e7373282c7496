"""Sessions of the application store: transactions and reads on an up-to-date schema, outages.

Why a second database beside DuckDB: DuckDB's file has one writer and is published by
copying, which suits loads and analytics but not many people saving small things at once.
Everything users write (users and roles, follow-up responses, upload records, the audit
log) lives here instead, behind SQLAlchemy, so the same code runs on an embedded SQLite
file (the default; a fresh clone needs no set-up) and on a central PostgreSQL.

Concurrency (engines per URL are set up in appstore.engines, which this module re-exports):
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
a PostgreSQL server that does not answer is given up after appstore.engines.CONNECT_TIMEOUT_SECONDS instead of
the operating system's minutes.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import exc, text
from sqlalchemy.orm import Session

# engine, dispose, dialect_name and resolve_url are re-exported: callers and tests name them here.
from appstore.engines import dialect_name, dispose, engine, resolve_url
from appstore.errors import StoreUnavailable
from appstore.migrate import upgrade

__all__ = [
    "dialect_name",
    "dispose",
    "engine",
    "ensure_available",
    "is_outage",
    "outages_as_unavailable",
    "reading",
    "resolve_url",
    "transaction",
]


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
    with outages_as_unavailable():
        upgrade(url)
        with Session(engine(url), expire_on_commit=False) as session, session.begin():
            yield session


@contextmanager
def reading(url: str | None = None) -> Iterator[Session]:
    """A session for reads on an up-to-date schema (a fresh store reads as empty).
    StoreUnavailable when the store cannot be reached."""
    with outages_as_unavailable():
        upgrade(url)
        bind = engine(url).execution_options(sqlite_begin="DEFERRED")
        with Session(bind, expire_on_commit=False) as session:
            yield session


def ensure_available(url: str | None = None) -> None:
    """Create or migrate the store if needed and check that it answers now; StoreUnavailable
    otherwise. Cheap once the schema is current (one pooled `SELECT 1`), so the app calls it on
    every run and notices an outage, and the store's return, at the next click."""
    with outages_as_unavailable():
        upgrade(url)
        with engine(url).connect() as connection:
            connection.execute(text("SELECT 1"))
