"""The Excel workbook for officials (xlsxwriter), one sheet per export table.

Each sheet: a title line, a line with the as-of date and scope, then a header row
(Thai) that stays frozen and carries an autofilter, then the data. Money is written
as numbers with the format `#,##0.00` (baht), percentages as fractions with `0.00%`,
gaps in points as `+0.00`. The summary sheet comes first; its first data row is the
total and is bold. Document properties take the data's publication time, so the same
database and as-of produce the same file.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import xlsxwriter

from budget_metrics.formatting import format_date
from exports.cells import safe_text
from exports.tables import (
    BOOL,
    DATE,
    INT,
    MONEY,
    PCT,
    POINTS,
    ExportBundle,
    ExportTable,
    as_date,
)

HEADER_ROW = 2  # 0-based: title, as-of line, header
FIRST_DATA_ROW = HEADER_ROW + 1
DEFAULT_WIDTH = {MONEY: 18, PCT: 11, POINTS: 11, DATE: 12, INT: 10, BOOL: 8}
FONT = "Tahoma"  # present in every Office install and renders Thai

FORMATS = {
    MONEY: "#,##0.00",
    PCT: "0.00%",
    POINTS: "+0.00;-0.00;0.00",
    INT: "#,##0",
    DATE: "yyyy-mm-dd",
}


def write_workbook(bundle: ExportBundle, path: Path) -> Path:
    """Write the bundle's tables as an .xlsx file at `path` (the caller makes it atomic)."""
    workbook = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False, "strings_to_formulas": False,
                                               "strings_to_urls": False})
    created = bundle.generated_at or datetime(2000, 1, 1)
    workbook.set_properties({
        "title": f"รายงานผลการเบิกจ่ายงบประมาณ ณ วันที่ {format_date(bundle.as_of)}",
        "subject": f"{bundle.area_name_th} / {bundle.area_name_en}",
        "author": "budget monitor",
        "created": created,
    })
    base = {"font_name": FONT, "font_size": 10}
    styles = {
        "title": workbook.add_format({**base, "bold": True, "font_size": 13}),
        "subtitle": workbook.add_format({**base, "italic": True, "font_color": "#555555"}),
        "header": workbook.add_format({**base, "bold": True, "text_wrap": True, "valign": "top",
                                       "bg_color": "#DCE6F1", "border": 1}),
        "text": workbook.add_format(base),
        "wrap": workbook.add_format({**base, "text_wrap": True, "valign": "top"}),
    }
    for kind, number_format in FORMATS.items():
        styles[kind] = workbook.add_format({**base, "num_format": number_format})
        styles[f"{kind}_bold"] = workbook.add_format({**base, "num_format": number_format, "bold": True})
    styles["text_bold"] = workbook.add_format({**base, "bold": True})

    for table in bundle.tables:
        _write_sheet(workbook, styles, bundle, table)
    workbook.close()
    return path


def _write_sheet(workbook, styles, bundle: ExportBundle, table: ExportTable) -> None:
    sheet = workbook.add_worksheet(table.sheet)
    sheet.write_string(0, 0, table.title_th, styles["title"])
    sheet.write_string(1, 0, f"ข้อมูล ณ วันที่ {format_date(bundle.as_of)} · ปีงบประมาณ พ.ศ. "
                             f"{bundle.filters.fiscal_year} · {bundle.area_name_th}", styles["subtitle"])
    for col_index, col in enumerate(table.columns):
        sheet.write_string(HEADER_ROW, col_index, col.th, styles["header"])
        width = col.width or DEFAULT_WIDTH.get(col.kind, 20)
        sheet.set_column(col_index, col_index, width)
    sheet.set_row(HEADER_ROW, 45)

    rows = table.rows()
    for offset, row in enumerate(rows):
        row_index = FIRST_DATA_ROW + offset
        bold = table.total_row and offset == 0
        for col_index, (col, value) in enumerate(zip(table.columns, row, strict=True)):
            _write_cell(sheet, styles, row_index, col_index, col.kind, value, bold)

    last_col = len(table.columns) - 1
    sheet.freeze_panes(FIRST_DATA_ROW, 0)
    sheet.autofilter(HEADER_ROW, 0, HEADER_ROW + max(len(rows), 1), last_col)
    if table.name == "about":
        sheet.set_column(1, 1, table.columns[1].width, styles["wrap"])


def _write_cell(sheet, styles, row: int, col: int, kind: str, value, bold: bool) -> None:
    suffix = "_bold" if bold else ""
    if value is None:
        sheet.write_blank(row, col, None, styles.get(f"{kind}{suffix}", styles["text"]))
    elif kind == MONEY:
        sheet.write_number(row, col, round(float(value), 2), styles[f"{MONEY}{suffix}"])
    elif kind == PCT:
        # Stored as a fraction so Excel shows "69.33%" and sums/filters treat it as a number.
        sheet.write_number(row, col, float(value) / 100, styles[f"{PCT}{suffix}"])
    elif kind == POINTS:
        sheet.write_number(row, col, float(value), styles[f"{POINTS}{suffix}"])
    elif kind == INT:
        sheet.write_number(row, col, int(value), styles[f"{INT}{suffix}"])
    elif kind == DATE:
        day = as_date(value)
        if day is None:
            sheet.write_blank(row, col, None, styles[DATE])
        else:
            sheet.write_datetime(row, col, datetime(day.year, day.month, day.day), styles[DATE])
    elif kind == BOOL:
        sheet.write_boolean(row, col, bool(value), styles["text"])
    else:
        sheet.write_string(row, col, safe_text(str(value)), styles[f"text{suffix}"])
