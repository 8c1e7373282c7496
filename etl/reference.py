"""Reference data (regions, clusters, provinces, targets, thresholds, reporting settings) into DuckDB.

Facts that change by decree live in data/reference/, not in code; `reference_data` reads and
checks the files (the one reader, shared with budget_metrics/ and appstore/). Every write session
replaces the reference tables from the files, so a fresh database always has them and an edited
file takes effect on the next ETL command.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

# Re-exported: the ETL's callers and tests name them here.
from reference_data import REPORTING_FILE, TARGET_LINES, ReferenceError, read_reference

__all__ = ["REPORTING_FILE", "TARGET_LINES", "ReferenceError", "load_reference", "read_reference"]


def load_reference(con: duckdb.DuckDBPyConnection, folder: Path | None = None) -> None:
    """Replace the reference tables in the database with the files' contents."""
    tables = read_reference(folder)
    clusters = tables["clusters"].copy()
    clusters["centre_province_code"] = clusters["centre_province_code"].replace("", None)
    tables["clusters"] = clusters
    con.execute("BEGIN TRANSACTION")
    try:
        for name in ("regions", "clusters", "provinces", "targets", "thresholds", "report_settings"):
            frame = tables[name]  # read by DuckDB's replacement scan
            columns = ", ".join(frame.columns)
            con.execute(f"DELETE FROM {name}")
            con.execute(f"INSERT INTO {name} ({columns}) SELECT {columns} FROM frame")
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
