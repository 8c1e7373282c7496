"""Text cells that spreadsheet programs cannot run: the one rule every writer uses.

Input files are written by many hands, and their text reaches officials' Excel through
every CSV and workbook this project produces. Excel (and LibreOffice, Google Sheets)
treat a cell starting with `=`, `+`, `-` or `@` as a formula, and a leading tab or
carriage return can hide one (OWASP, "CSV Injection"): `=HYPERLINK(...)` or
`=cmd|' /C calc'!A0` in a project name would run on the reader's machine. So text
starting with one of those characters gets a leading apostrophe, which spreadsheets
show as plain text. Numbers are never touched: writers pass real numbers as numbers,
and only `str` values go through here. A lone "-" (the tables' "none") stays as it is:
one character cannot be a formula.

Workbook cells (`sheet_text`) also show bidi overrides and control characters as visible
escapes and are cut to Excel's cell limit with a visible '…' instead of silently.
"""

from __future__ import annotations

import pandas as pd

from display_text import document_text, shorten

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
# Excel holds at most this many characters (UTF-16 units) in one cell; xlsxwriter would cut
# longer text there without a mark.
EXCEL_CELL_LIMIT = 32_767


def safe_text(value: str) -> str:
    """`value` with a leading apostrophe when it starts with a formula trigger."""
    return "'" + value if value.startswith(FORMULA_TRIGGERS) and value != "-" else value


def sheet_text(value: object) -> str:
    """Text as a workbook cell holds it: bidi and control characters shown as visible escapes
    (display_text.document_text), never a formula (`safe_text`), and cut to Excel's 32,767
    characters with a visible '…' (the CSV files carry it whole)."""
    return shorten(safe_text(document_text(value)), EXCEL_CELL_LIMIT, utf16=True)


def safe_cell(value: object) -> object:
    """`safe_text` for strings; every other value (numbers, dates, None) unchanged."""
    return safe_text(value) if isinstance(value, str) else value


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy whose text cells (in object/string columns and in the headers) are safe."""
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].map(safe_cell)
    out.columns = [safe_cell(name) for name in out.columns]
    return out
