"""Short-lived read-only connections to the published DuckDB file.

The ETL publishes a new file with an atomic rename, so readers never hold the file
between requests: each read opens, queries and closes. `data_version()` changes
whenever a new file is published and serves as the cache key for everything above.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

import settings


class NoDataError(RuntimeError):
    """There is no database yet, or it holds no projects; the message says what to run."""


LOAD_HINT = "python -m etl demo"


def _path(db_path: Path | str | None) -> Path:
    return Path(db_path) if db_path else settings.database_path()


def data_version(db_path: Path | str | None = None) -> str:
    """An opaque token that changes whenever a load publishes a new database file."""
    path = _path(db_path)
    try:
        stat = path.stat()
    except FileNotFoundError:
        return "missing"
    return f"{stat.st_ino}-{stat.st_mtime_ns}-{stat.st_size}"


@contextmanager
def read_only(db_path: Path | str | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection, closed on exit. Raises NoDataError when there is no file."""
    path = _path(db_path)
    if not path.exists():
        raise NoDataError(
            f"ยังไม่มีฐานข้อมูล ({path}) — โหลดข้อมูลด้วยคำสั่ง: {LOAD_HINT} / "
            f"no database yet; load data with: {LOAD_HINT}"
        )
    con = duckdb.connect(str(path), read_only=True)
    try:
        yield con
    finally:
        con.close()


def has_data(db_path: Path | str | None = None) -> bool:
    """True when the database exists and holds at least one project."""
    try:
        with read_only(db_path) as con:
            found = con.execute(
                "SELECT count(*) FROM information_schema.tables WHERE table_name = 'projects'"
            ).fetchone()[0]
            return bool(found) and con.execute("SELECT count(*) > 0 FROM projects").fetchone()[0]
    except NoDataError:
        return False
