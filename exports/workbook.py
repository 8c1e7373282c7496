"""The Excel workbook for officials (xlsxwriter), one Thai sheet per export table.

Every sheet follows the convention of exports/sheets.py, shared with the dashboard's
downloads: title rows (what the table is, the area and fiscal year, the as-of date in BE,
the rules in force for that table), then a header row (Thai) that stays frozen, carries an
autofilter and repeats on every printed page; A4 landscape fitted to the page width.
Money is written as numbers rounded to 2 decimals with the format `#,##0.00` (baht),
percentages as fractions with `0.00%`, gaps in points as `+0.00`, dates as real Excel
dates shown in BE ('13 ก.ย. 2562'), regions by their Thai names. The summary sheet comes
first; its first data row is the total and is bold. Document properties take the data's
publication time, so the same database and as-of produce the same file.
"""

from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path

import xlsxwriter

from budget_metrics import reference
from budget_metrics.formatting import format_date
from exports import rules
from exports.sheets import (
    WORKBOOK_OPTIONS,
    SheetColumn,
    SheetStyles,
    SheetTitle,
    as_of_line,
    fiscal_year_text,
    write_table,
)
from exports.tables import ExportBundle, ExportTable

LANG = "th"  # the workbook is for Thai officials; the CSV files carry the English keys


def write_workbook(bundle: ExportBundle, path: Path) -> Path:
    """Write the bundle's tables as an .xlsx file at `path` (the caller makes it atomic).

    The workbook is built in memory and written with one plain file write: xlsxwriter writing
    to disk itself leaves an open zip behind on a full disk, whose clean-up prints a second
    error with a traceback after the first; no temporary files go to the system's /tmp either.
    """
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {**WORKBOOK_OPTIONS, "in_memory": True})
    created = bundle.generated_at or datetime(2000, 1, 1)
    workbook.set_properties(
        {
            "title": f"รายงานผลการเบิกจ่ายงบประมาณ ณ วันที่ {format_date(bundle.as_of)}",
            "subject": f"{bundle.area_name_th} / {bundle.area_name_en}",
            "author": "budget monitor",
            "created": created,
        }
    )
    styles = SheetStyles(workbook, LANG)
    for table in bundle.tables:
        _write_sheet(workbook, styles, bundle, table)
    workbook.close()
    with open(path, "wb") as handle:
        handle.write(buffer.getbuffer())
    return path


def sheet_notes(bundle: ExportBundle, table_name: str) -> tuple[str, ...]:
    """The rules in force for one sheet, printed under its title."""
    k = bundle.kpis
    if table_name == "summary":
        return (
            rules.status_rules(
                LANG, k.overall.target_pct, k.investment.target_pct, k.headline, bundle.filters.fiscal_year
            ),
            rules.budget_type_rules(LANG),
        )
    if table_name in ("provinces", "clusters"):
        return (
            rules.status_rules(
                LANG, k.overall.target_pct, k.investment.target_pct, k.headline, bundle.filters.fiscal_year
            ),
        )
    if table_name == "projects":
        return ("ร้อยละการเบิกจ่ายของแต่ละโครงการเทียบเป้าหมายของประเภทงบของตนเอง", rules.lagging_rules(LANG))
    if table_name == "lagging":
        return (rules.lagging_rules(LANG),)
    if table_name in ("followup", "followup_rates"):
        if bundle.responses_unknown:  # the store was down: say so above the blank answers
            return (bundle.response_rate_text(), rules.followup_rules(LANG, bundle.responses_frozen))
        return (rules.followup_rules(LANG, bundle.responses_frozen),)
    if table_name == "carryover":
        return (rules.carryover_rules(LANG),)
    if table_name == "assets":
        return (rules.asset_rules(LANG),)
    return ()


def projection_notes(table_name: str) -> tuple[str, ...]:
    """What the projection columns at the right of the area and project sheets are (the about
    sheet has the method, the band and the backtested error)."""
    if table_name in ("provinces", "clusters"):
        return (
            (
                "คอลัมน์คาดการณ์ (ท้ายตาราง): ร้อยละที่คาดว่าจะเบิกจ่ายได้ ณ 30 ก.ย. ตามเส้นภาพรวม พร้อมช่วงคาดการณ์ 80% "
                "เงินที่คาดว่าจะกันเหลื่อมปีและไม่ได้ใช้/ส่งคืน (ทุกประเภทงบ) และเงินที่ต้องเบิกจ่ายต่อสัปดาห์ให้ถึง"
                'เป้าหมายสิ้นปี คาดการณ์จากข้อมูล ณ วันที่รายงานเท่านั้น; วิธีคิดและความคลาดเคลื่อนดูที่แผ่น "เกี่ยวกับ"'
            ),
        )
    if table_name == "projects":
        return (
            (
                "คอลัมน์คาดการณ์ (ท้ายตาราง): เงินที่คาดว่าโครงการจะเบิกจ่ายได้ ณ 30 ก.ย. กันเหลื่อมปี และไม่ได้ใช้/ส่งคืน "
                '(รวมกันเท่ากับงบประมาณปัจจุบัน) พร้อมหลักการและเหตุผลของคาดการณ์; ดูแผ่น "เกี่ยวกับ"'
            ),
        )
    return ()


def _shown_values(table: ExportTable) -> list[list]:
    """The table's rows with codes a reader should not have to decode replaced by Thai names
    (a project's region: 'east' -> 'ภาคตะวันออก')."""
    rows = table.rows()
    keys = [col.key for col in table.columns]
    if "region" in keys:
        names = reference.regions().set_index("region")["name_th"].to_dict()
        index = keys.index("region")
        for row in rows:
            row[index] = names.get(row[index], row[index])
    return rows


def _write_sheet(workbook, styles: SheetStyles, bundle: ExportBundle, table: ExportTable) -> None:
    sheet = workbook.add_worksheet(table.sheet)
    title = SheetTitle(
        table.title_th,
        f"{bundle.area_name_th} · {fiscal_year_text(bundle.filters.fiscal_year, LANG)}",
        as_of_line(bundle.as_of, LANG),
        sheet_notes(bundle, table.name) + projection_notes(table.name),
    )
    columns = [SheetColumn(col.th, col.kind, col.width) for col in table.columns]
    write_table(sheet, styles, title, columns, _shown_values(table), first_row_bold=table.total_row)
