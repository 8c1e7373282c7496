"""CSV files for analysts: one file per export table, UTF-8 with a BOM.

The BOM makes Excel open Thai text correctly; other tools skip it. The header row
holds the stable English column keys (the workbook carries the Thai headers). Values
are plain: money with two decimals and no separators, percentages 0-100 with four
decimals, dates ISO (CE); text that a spreadsheet would run as a formula gets a leading
apostrophe (exports/cells.py). No timestamps of the run go into the files, so the same
database and as-of produce the same bytes.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd

from exports.cells import safe_text
from exports.tables import (
    BOOL,
    DATE,
    INT,
    MONEY,
    PCT,
    POINTS,
    ExportTable,
    as_date,
    money,
)

ENCODING = "utf-8-sig"


def csv_value(kind: str, value) -> str:
    """One cell as CSV text ('' for missing)."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    if kind == MONEY:
        return f"{money(value):.2f}"
    if kind in (PCT, POINTS):
        return f"{float(value):.4f}"
    if kind == INT:
        return str(int(value))
    if kind == DATE:
        return as_date(value).isoformat()
    if kind == BOOL:
        return "true" if value else "false"
    return safe_text(str(value))


def write_csv(table: ExportTable, path: Path) -> Path:
    """Write one table to `path` (the caller makes it atomic); returns the path."""
    with open(path, "w", encoding=ENCODING, newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow([col.key for col in table.columns])
        for row in table.rows():
            writer.writerow([csv_value(col.kind, value) for col, value in zip(table.columns, row, strict=True)])
    return path
