"""Read-only connections to the published DuckDB file, and one database state per job.

The ETL publishes a new file with an atomic rename, so readers never hold the file
between requests: each read opens, queries and closes. `data_version()` changes
whenever a new file is published and serves as the cache key for everything above.

A page render or an export makes dozens of reads. If a load publishes between two of
them, the summary and the detail of one workbook (or one page) would describe two
different files. `pinned_read()` prevents that: inside it, every `read_only()` of the
same database returns one connection opened at the start, and `data_version()` reports
that connection's file, so cached results keyed on it stay consistent too. The pinned
file stays readable while pinned even after a new one replaces it (it is unlinked, not
overwritten), and the next render or export sees the new file.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path

import duckdb

import settings


class NoDataError(RuntimeError):
    """There is no database yet, or it holds no projects; the message says what to run."""


LOAD_HINT = "python -m etl demo"

# Test seam: called with the database path at the start of every read_only(), pinned or
# not (the tests publish a new file from here to prove a render/export reads one state).
read_hook: Callable[[Path], None] | None = None


@dataclass(frozen=True)
class _Pinned:
    path: Path
    connection: duckdb.DuckDBPyConnection
    version: str


# Per thread/task: Streamlit runs each session's script in its own thread.
_pinned: ContextVar[_Pinned | None] = ContextVar("budget_pinned_read", default=None)


def _path(db_path: Path | str | None) -> Path:
    return Path(db_path) if db_path else settings.database_path()


def _file_version(path: Path) -> str:
    try:
        stat = path.stat()
    except FileNotFoundError:
        return "missing"
    return f"{stat.st_ino}-{stat.st_mtime_ns}-{stat.st_size}"


def _current_pin(path: Path) -> _Pinned | None:
    pinned = _pinned.get()
    return pinned if pinned is not None and pinned.path == path else None


def data_version(db_path: Path | str | None = None) -> str:
    """An opaque token that changes whenever a load publishes a new database file.

    Inside `pinned_read()` it is the pinned file's token, not the newest file's.
    """
    path = _path(db_path)
    pinned = _current_pin(path)
    return pinned.version if pinned is not None else _file_version(path)


def _open(path: Path) -> duckdb.DuckDBPyConnection:
    """A read-only connection to the file now at `path`.

    Not `duckdb.connect(path)`: DuckDB caches one database instance per path within a
    process, so while any session holds a connection, a new connect to the same path
    returns the OLD file even after a load replaced it. Attaching to a fresh in-memory
    instance always opens the file the path names now.
    """
    connection = duckdb.connect(":memory:")
    try:
        connection.execute("ATTACH ? AS budget (READ_ONLY)", [str(path)])
        connection.execute("USE budget")
    except BaseException:
        connection.close()
        raise
    return connection


def _missing(path: Path) -> NoDataError:
    return NoDataError(
        f"ยังไม่มีฐานข้อมูล ({path}) — โหลดข้อมูลด้วยคำสั่ง: {LOAD_HINT} / no database yet; load data with: {LOAD_HINT}"
    )


def _connect_with_version(path: Path) -> tuple[duckdb.DuckDBPyConnection, str]:
    """A read-only connection and the version of the very file it opened.

    The file is stat'ed before and after connecting: when both agree, no publish
    happened in between, so the connection holds the file that version names.
    """
    for _ in range(10):
        before = _file_version(path)
        if before == "missing":
            raise _missing(path)
        connection = _open(path)
        if _file_version(path) == before:
            return connection, before
        connection.close()  # a load published meanwhile: open the new file instead
    raise RuntimeError(f"database {path} keeps changing; try again")


@contextmanager
def read_only(db_path: Path | str | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection, closed on exit. Raises NoDataError when there is no file.

    Inside `pinned_read()` for the same file, the pinned connection (left open).
    """
    path = _path(db_path)
    if read_hook is not None:
        read_hook(path)
    pinned = _current_pin(path)
    if pinned is not None:
        yield pinned.connection
        return
    if not path.exists():
        raise _missing(path)
    connection = _open(path)
    try:
        yield connection
    finally:
        connection.close()


@contextmanager
def pinned_read(db_path: Path | str | None = None) -> Iterator[str | None]:
    """Every read inside the block sees one published file; yields its data version.

    Nested use reuses the outer pin. With no database file the block runs unpinned
    (reads then raise NoDataError as usual) and yields None.
    """
    path = _path(db_path)
    outer = _current_pin(path)
    if outer is not None:
        yield outer.version
        return
    try:
        connection, version = _connect_with_version(path)
    except NoDataError:
        yield None
        return
    token = _pinned.set(_Pinned(path, connection, version))
    try:
        yield version
    finally:
        _pinned.reset(token)
        connection.close()


# (path, file version) -> has projects; every page run asks, a published file never changes.
_has_data_by_version: dict[tuple[Path, str], bool] = {}


def has_data(db_path: Path | str | None = None) -> bool:
    """True when the database exists and holds at least one project."""
    path = _path(db_path)
    version = data_version(path)
    known = _has_data_by_version.get((path, version))
    if known is not None:
        return known
    try:
        with read_only(path) as con:
            found = con.execute(
                "SELECT count(*) FROM information_schema.tables WHERE table_name = 'projects'"
            ).fetchone()[0]
            answer = bool(found) and bool(con.execute("SELECT count(*) > 0 FROM projects").fetchone()[0])
    except NoDataError:
        return False
    if version != "missing":
        if len(_has_data_by_version) > 64:  # bounded: one entry per published file
            _has_data_by_version.clear()
        _has_data_by_version[(path, version)] = answer
    return answer
