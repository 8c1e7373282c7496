"""One dashboard table as a file to send: Excel or CSV, named and titled for its scope and date.

The dashboard's download buttons (ui/downloads.py) describe a table with a `TableFile` (what it
is, for which area, as of when, under which rules, in which language) and give the kind of
each column (exports.tables kinds: money in baht, pct 0-100, points, int, date, text); this
module writes the bytes, with no Streamlit in sight, so tests open the very same files.

- Excel: the sheet convention of exports/sheets.py, shared with the weekly workbook (title
  rows, header, widths from the content, A4 landscape one page wide with the header
  repeated, BE dates in Thai).
- CSV (UTF-8 with a BOM, so Excel shows Thai): the same title lines, a blank line, then the
  header and the rows; money, percentages and points with 2 decimals and no separators;
  dates as '13 ก.ย. 2562' in Thai and ISO '2019-09-13' in English.
Text never runs as a formula in either (exports/cells.py).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

import pandas as pd
import xlsxwriter

from budget_metrics.formatting import format_date
from exports.cells import safe_text
from exports.files import table_file_name
from exports.sheets import (
    WORKBOOK_OPTIONS,
    SheetColumn,
    SheetStyles,
    SheetTitle,
    as_of_line,
    fiscal_year_text,
    write_table,
)
from exports.tables import BOOL, DATE, INT, MONEY, PCT, POINTS, TEXT, as_date

EXCEL_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_MIME = "text/csv"


@dataclass(frozen=True)
class TableFile:
    """What a downloaded table is, for which area and date, under which rules, in which language.

    table: the file-name part naming the table ('lagging'); title: what it is, in `lang`;
    scope: the area and any narrower filter in words ('จังหวัดกาฬสินธุ์ · งบลงทุน');
    scope_parts: the same for the file name (('province', '46'); none for the nation);
    notes: the rules in force and other lines printed under the title.
    """

    table: str
    title: str
    lang: str
    fiscal_year: int
    as_of: date | None
    scope: str
    scope_parts: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()

    def file_name(self, extension: str) -> str:
        """'lagging-2562-asof-2019-09-30-province-46.xlsx'."""
        return table_file_name(self.table, self.fiscal_year, self.as_of, extension, self.scope_parts)

    def sheet_title(self) -> SheetTitle:
        return SheetTitle(
            self.title,
            f"{self.scope} · {fiscal_year_text(self.fiscal_year, self.lang)}",
            as_of_line(self.as_of, self.lang),
            self.notes,
        )

    @property
    def sheet_name(self) -> str:
        """The title as an Excel sheet name (at most 31 characters, none of []:*?/\\)."""
        return re.sub(r"[\[\]:*?/\\]", " ", self.title)[:31].strip() or "data"


def column_kinds(frame: pd.DataFrame, kinds: Mapping[str, str] | None) -> list[str]:
    """The kind of each column: as given, else guessed from its type (dates, whole numbers,
    other numbers as 2-decimal amounts, the rest text)."""
    out = []
    for name in frame.columns:
        if kinds and name in kinds:
            out.append(kinds[name])
            continue
        series = frame[name]
        if pd.api.types.is_bool_dtype(series):
            out.append(BOOL)
        elif pd.api.types.is_datetime64_any_dtype(series):
            out.append(DATE)
        elif pd.api.types.is_integer_dtype(series):
            out.append(INT)
        elif pd.api.types.is_float_dtype(series):
            out.append(MONEY)
        else:
            out.append(TEXT)
    return out


def _cells(frame: pd.DataFrame) -> list[list]:
    """Cell values by row; missing values (NaN, NaT, None) become None."""
    rows = []
    for record in frame.itertuples(index=False, name=None):
        rows.append(
            [None if not isinstance(value, (list, tuple, str)) and pd.isna(value) else value for value in record]
        )
    return rows


def table_xlsx(
    frame: pd.DataFrame, about: TableFile | None, kinds: Mapping[str, str] | None = None, sheet_name: str = "data"
) -> bytes:
    """The table as an .xlsx file (one sheet), per exports/sheets.py's convention; without
    `about` a plain table (header in the first row) on a sheet named `sheet_name`."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {**WORKBOOK_OPTIONS, "in_memory": True})
    if about:
        workbook.set_properties({"title": about.title, "subject": about.scope, "author": "budget monitor"})
    sheet = workbook.add_worksheet(about.sheet_name if about else sheet_name[:31])
    columns = [
        SheetColumn(str(name), kind) for name, kind in zip(frame.columns, column_kinds(frame, kinds), strict=True)
    ]
    styles = SheetStyles(workbook, about.lang if about else "th")
    write_table(sheet, styles, about.sheet_title() if about else None, columns, _cells(frame))
    workbook.close()
    return buffer.getvalue()


def csv_text(kind: str, value, lang: str) -> str:
    """One CSV cell: '' for missing, numbers with 2 decimals and no separators, dates per language."""
    if value is None:
        return ""
    if kind in (MONEY, PCT, POINTS):
        return f"{float(value):.2f}"
    if kind == INT:
        return str(int(value))
    if kind == DATE:
        day = as_date(value)
        return format_date(day, "th") if lang == "th" else day.isoformat()
    if kind == BOOL:
        return ("ใช่" if value else "ไม่ใช่") if lang == "th" else ("yes" if value else "no")
    return safe_text(str(value))


def table_csv(frame: pd.DataFrame, about: TableFile | None, kinds: Mapping[str, str] | None = None) -> bytes:
    """The table as CSV: the title lines, a blank line, the header, the rows (UTF-8 with a BOM);
    without `about` the header and the rows only."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    if about:
        for line in about.sheet_title().lines():
            writer.writerow([safe_text(line)])
        writer.writerow([])
    writer.writerow([safe_text(str(name)) for name in frame.columns])
    column_kind = column_kinds(frame, kinds)
    for row in _cells(frame):
        writer.writerow(
            [csv_text(kind, value, about.lang if about else "th") for kind, value in zip(column_kind, row, strict=True)]
        )
    return buffer.getvalue().encode("utf-8-sig")
