"""Opening the DuckDB store for writing, safely while the dashboard reads it.

DuckDB lets one process write a file or several read it, not both. So writers never
touch the published file: a write session copies it to a private working file, loads
there (one transaction per input file), checkpoints, and publishes the result with an
atomic `os.replace`. Readers holding the old file keep a consistent old state; the
next reader opens the new one. A lock file serialises writers, so two ETL runs cannot
publish over each other. A crash or kill before publishing leaves the published file
exactly as it was.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import duckdb
from filelock import FileLock

import settings
from etl import reference
from etl.schema import INDEXES, MIGRATIONS, SCHEMA_VERSION, TABLES


class StoreError(RuntimeError):
    """The database cannot be used as it is; the message says what to do."""


def schema_version(con: duckdb.DuckDBPyConnection) -> int | None:
    """The schema version recorded in the file, or None for an empty file."""
    exists = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_info'"
    ).fetchone()[0]
    if not exists:
        return None
    row = con.execute("SELECT max(version) FROM schema_info").fetchone()
    return row[0]


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create missing tables, or upgrade an older file step by step."""
    found = schema_version(con)
    if found is not None and found > SCHEMA_VERSION:
        raise StoreError(
            f"ฐานข้อมูลเป็นรุ่น {found} ใหม่กว่าโปรแกรม (รุ่น {SCHEMA_VERSION}) — "
            f"database schema v{found} is newer than this code (v{SCHEMA_VERSION}); "
            "update the code (git pull) before loading."
        )
    for ddl in TABLES.values():
        con.execute(ddl)
    for version in range(found or SCHEMA_VERSION, SCHEMA_VERSION + 1):
        for statement in MIGRATIONS.get(version, []):
            con.execute(statement)
    for ddl in INDEXES:
        con.execute(ddl)
    if found != SCHEMA_VERSION:
        con.execute("INSERT INTO schema_info VALUES (?, ?)", [SCHEMA_VERSION, datetime.now()])


def _remove_quietly(*paths: Path) -> None:
    for path in paths:
        try:
            path.unlink()
        except FileNotFoundError:
            pass


def writer_lock(db_path: Path) -> FileLock:
    """The lock that serialises writers of one database file."""
    return FileLock(str(db_path) + ".lock")


@contextmanager
def write_session(db_path: Path | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection to a private copy of the store; published atomically on success.

    The schema and reference data are brought up to date first, so every command that
    writes leaves a database with current provinces, clusters, targets and thresholds.
    """
    path = Path(db_path) if db_path else settings.database_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    with writer_lock(path):
        work = path.with_name(f"{path.name}.writing-{os.getpid()}")
        _remove_quietly(work, Path(f"{work}.wal"))
        if path.exists():
            shutil.copyfile(path, work)
        con = duckdb.connect(str(work))
        try:
            ensure_schema(con)
            reference.load_reference(con)
            yield con
            con.execute("CHECKPOINT")
            con.close()
            with open(work, "rb") as handle:  # durable before it becomes visible
                os.fsync(handle.fileno())
            os.replace(work, path)
        except BaseException:
            con.close()
            _remove_quietly(work, Path(f"{work}.wal"))
            raise


def read_connection(db_path: Path | None = None) -> duckdb.DuckDBPyConnection:
    """A short-lived read-only connection to the published store (close it after use)."""
    path = Path(db_path) if db_path else settings.database_path()
    if not path.exists():
        raise StoreError(
            f"ยังไม่มีฐานข้อมูลที่ {path} — no database at {path}; "
            "load data with: python -m etl demo  (or python -m etl load FILES)"
        )
    return duckdb.connect(str(path), read_only=True)
