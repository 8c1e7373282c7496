"""Reference data (regions, clusters, provinces, targets, thresholds, reporting settings) into DuckDB.

Facts that change by decree live in data/reference/, not in code; `reference_data` reads and
checks the files (the one reader, shared with budget_metrics/ and appstore/). Every write session
brings the reference tables up to date with the files, so a fresh database always has them and an
edited file takes effect on the next ETL command.

Replacing them is skipped when they already hold what the files make: each table carries, as its
DuckDB comment, the fingerprint of what it was made from (the files' bytes, the code that reads and
loads them, the tables' definitions) and how many rows it was given. A write session whose
fingerprint and row counts match reads no file and writes nothing (why: the replacement, with the
pandas it needs, was a fixed ~0.1 s of every load and ~0.6 CPU-s of every `python -m etl load`;
docs/benchmarks.md, "Test suite time, part 8"). An edited file, a changed reader or table, a table
dropped or re-created, or rows added or removed by hand all replace the tables again.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import duckdb

# Re-exported: the ETL's callers and tests name them here.
from reference_data import (
    CSV_TABLES,
    REPORTING_FILE,
    TARGET_LINES,
    THRESHOLDS_FILE,
    ReferenceError,
    folder_or_default,
    read_reference,
)

__all__ = ["REPORTING_FILE", "TARGET_LINES", "ReferenceError", "fingerprint", "load_reference", "read_reference"]

# The tables this module fills, in the order they are replaced.
TABLES = ("regions", "clusters", "provinces", "targets", "thresholds", "report_settings")
# The files they are made from (in the reference folder).
FILES = (*(f"{name}.csv" for name in CSV_TABLES), THRESHOLDS_FILE, REPORTING_FILE)
# The comment a current table carries: the fingerprint, then its row count.
COMMENT_PREFIX = "reference sha256:"


def _definition() -> bytes:
    """What the tables are made by, besides the files: the reader's and this module's source, and
    the tables' definitions."""
    import reference_data
    from etl.schema import TABLES as DDL

    parts = [Path(reference_data.__file__).read_bytes(), Path(__file__).read_bytes()]
    parts.extend(DDL[name].encode() for name in TABLES)
    return b"\0".join(parts)


DEFINITION = hashlib.sha256(_definition()).hexdigest()


def fingerprint(folder: Path | None = None) -> str | None:
    """sha256 (hex) of the reference files' bytes and DEFINITION, or None when a file cannot be read
    (the full read then says what is wrong)."""
    digest = hashlib.sha256(DEFINITION.encode())
    try:
        for name in FILES:
            data = (folder_or_default(folder) / name).read_bytes()
            digest.update(f"\0{name}\0{len(data)}\0".encode())
            digest.update(data)
    except OSError:
        return None
    return digest.hexdigest()


def _comment(digest: str, rows: int) -> str:
    return f"{COMMENT_PREFIX}{digest} rows:{rows}"


def _current(con: duckdb.DuckDBPyConnection, digest: str) -> bool:
    """Whether every reference table carries `digest` and still holds the rows it was given."""
    comments = dict(
        con.execute(
            "SELECT table_name, comment FROM duckdb_tables() WHERE database_name = current_database() "
            f"AND schema_name = 'main' AND NOT temporary AND table_name IN ({', '.join(map(repr, TABLES))})"
        ).fetchall()
    )
    if set(comments) != set(TABLES):
        return False
    counts = con.execute("SELECT " + ", ".join(f"(SELECT count(*) FROM {name})" for name in TABLES)).fetchone()
    return all(comments[name] == _comment(digest, rows) for name, rows in zip(TABLES, counts, strict=True))


def load_reference(con: duckdb.DuckDBPyConnection, folder: Path | None = None) -> None:
    """Replace the reference tables in the database with the files' contents, unless they already
    hold exactly them (module docstring)."""
    digest = fingerprint(folder)
    if digest is not None and _current(con, digest):
        return
    tables = read_reference(folder)
    clusters = tables["clusters"].copy()
    clusters["centre_province_code"] = clusters["centre_province_code"].replace("", None)
    tables["clusters"] = clusters
    # A file rewritten while it was read: record nothing, so the next session reads it again.
    if digest is not None and fingerprint(folder) != digest:
        digest = None
    con.execute("BEGIN TRANSACTION")
    try:
        for name in TABLES:
            frame = tables[name]  # read by DuckDB's replacement scan
            columns = ", ".join(frame.columns)
            con.execute(f"DELETE FROM {name}")
            con.execute(f"INSERT INTO {name} ({columns}) SELECT {columns} FROM frame")
            # (hex digits and a number: nothing to quote)
            con.execute(f"COMMENT ON TABLE {name} IS {repr(_comment(digest, len(frame))) if digest else 'NULL'}")
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
