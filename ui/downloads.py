"""Download buttons and the files behind them: `download_buttons(frame, "lagging", ctx, columns)` offers
a table as CSV (UTF-8 with BOM, so Excel shows Thai correctly) and as an Excel workbook, named for its
scope and date ('lagging-2562-asof-2019-09-30-province-46.xlsx'), with title rows (what, where, as of
when, the rules in force), exact figures in baht and an A4 landscape print setup (exports/table_file.py,
exports/sheets.py). `DOWNLOAD_TITLES` titles each table by name, `table_file` names and titles its
files, `prepared_download` gives the table as written, `csv_bytes` / `excel_bytes` the bytes; the
`*_DOWNLOAD_COLUMNS` lists are what the pages' own tables download.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from budget_metrics import reference
from budget_metrics.filters import Filters
from budget_metrics.projects import resolve_carryover_as_of
from exports import rules
from exports.table_file import CSV_MIME, EXCEL_MIME, TableFile, table_csv, table_xlsx
from ui.columns import ColumnSpec, with_names
from ui.context import PageContext, page_context
from ui.labels import BUDGET_TYPE_LABELS, PLAN_TYPE_LABELS, label


def csv_bytes(frame: pd.DataFrame, about: TableFile | None = None, kinds: Mapping[str, str] | None = None) -> bytes:
    """CSV in UTF-8 with a byte-order mark (Excel opens Thai text correctly): the title lines
    of `about` (none without it), a blank line, the header and the rows (exports/table_file.py).

    Text that a spreadsheet would run as a formula is neutralised (exports/cells.py).
    """
    return table_csv(frame, about, kinds)


def excel_bytes(
    frame: pd.DataFrame,
    sheet_name: str = "data",
    about: TableFile | None = None,
    kinds: Mapping[str, str] | None = None,
) -> bytes:
    """An .xlsx workbook with the frame on one sheet: title rows from `about` (none without it),
    a frozen header repeated on every printed page, widths from the content, A4 landscape
    (exports/sheets.py).

    Text is written as text, never as a formula or link, and neutralised like the CSV.
    """
    return table_xlsx(frame, about, kinds, sheet_name)


def _plain_for_export(frame: pd.DataFrame) -> pd.DataFrame:
    """Lists become '; '-joined text and timezone-free values, so CSV/Excel accept them."""
    out = frame.copy()
    for column in out.columns:
        if out[column].map(lambda value: isinstance(value, list | tuple)).any():
            out[column] = out[column].map(
                lambda value: "; ".join(map(str, value)) if isinstance(value, list | tuple) else value
            )
    return out


@dataclass(frozen=True)
class Download:
    """A table offered for download, as the file names and titles it.

    table: the table in the file name ('lagging' -> lagging-2562-asof-2019-09-30-province-46.xlsx);
    title: what it is, (Thai, English); rules: the rules in force, one sentence each, in the
    page's language; scoped: False for a table the area filters do not narrow (the load
    log), whose file then names no area; carryover: the table is as of the carry-over
    period's latest data date when the sidebar picks no date (as the carry-over page is).
    """

    table: str
    title: tuple[str, str]
    rules: tuple[str, ...] = ()
    scoped: bool = True
    carryover: bool = False


@dataclass(frozen=True)
class TableTitle:
    """A DOWNLOAD_TITLES entry: the tables whose name matches `pattern` (a regular expression),
    their title (Thai, English), the rules in force (a function of the language) and how
    they are scoped and dated (see Download)."""

    pattern: str
    title: tuple[str, str]
    rules: Callable[[str], str] | None = None
    scoped: bool = True
    carryover: bool = False


# The titles (and rules) of the tables the pages offer through `data_table` and
# `download_buttons`, by the table name the page passes; first match wins.
DOWNLOAD_TITLES: list[TableTitle] = [
    TableTitle(r"lagging", ("โครงการล่าช้า", "Lagging projects"), rules.lagging_rules),
    TableTitle(r".*_newly_flagged", ("โครงการที่เริ่มล่าช้า", "Newly flagged lagging projects"), rules.lagging_rules),
    TableTitle(r".*_cleared", ("โครงการที่พ้นสถานะล่าช้า", "Projects cleared of lagging flags"), rules.lagging_rules),
    TableTitle(r".*_province_movers", ("จังหวัดที่ร้อยละเบิกจ่ายเปลี่ยนมากที่สุด", "Provinces whose % disbursed moved most")),
    TableTitle(r".*_project_movers", ("โครงการที่ร้อยละเบิกจ่ายเปลี่ยนมากที่สุด", "Projects whose % disbursed moved most")),
    TableTitle(r"projects(_.*)?", ("รายการโครงการ", "Projects")),
    TableTitle(
        r"assets_by_status", ("สินทรัพย์: จำนวนและมูลค่าตามสถานะ", "Assets: count and value by status"), rules.asset_rules
    ),
    TableTitle(r"assets_by_.*", ("สินทรัพย์รายพื้นที่", "Assets by area"), rules.asset_rules),
    TableTitle(r"assets_overdue", ("สินทรัพย์ค้างโอนเกินกำหนด", "Overdue asset transfers"), rules.asset_rules),
    TableTitle(r"assets_all", ("สินทรัพย์ทั้งหมด", "All assets"), rules.asset_rules),
    TableTitle(
        r"carryover_at_risk", ("เงินกันเหลื่อมปีที่เสี่ยง", "At-risk carry-overs"), rules.carryover_rules, carryover=True
    ),
    TableTitle(r"carryover.*", ("เงินกันเหลื่อมปีทุกโครงการ", "All carry-overs"), rules.carryover_rules, carryover=True),
    TableTitle(r"reallocations_net_.*", ("โอนเข้า-ออกสุทธิรายพื้นที่", "Net reallocations by area")),
    TableTitle(r"reallocations_ledger", ("ทะเบียนการโอนเปลี่ยนแปลงงบประมาณ", "Reallocation ledger")),
    TableTitle(
        r"reconciliation_mismatches", ("โครงการที่ยอดงบประมาณไม่กระทบกัน", "Projects whose figures do not reconcile")
    ),
    TableTitle(r"reconciliation_warnings", ("คำเตือนการกระทบยอด", "Reconciliation warnings")),
    TableTitle(r"reconciliation", ("กระทบยอดงบประมาณรายโครงการ", "Reconciliation of every project")),
    TableTitle(r"overspent_projects", ("โครงการที่เบิกจ่ายเกินงบประมาณ", "Overspent projects")),
    TableTitle(r"data_freshness", ("วันที่ข้อมูลล่าสุดรายจังหวัด", "Latest data date per province"), rules.freshness_rules),
    TableTitle(r"load_log", ("บันทึกการโหลดข้อมูล", "Load log"), scoped=False),
    TableTitle(r"rejected_rows", ("แถวที่ถูกปฏิเสธ", "Rejected rows"), scoped=False),
    TableTitle(r"snapshots_.*", ("ภาพนิ่งรายสัปดาห์ที่บันทึกไว้", "Stored weekly snapshots"), scoped=False),
    TableTitle(r"live_vs_snapshot.*", ("ข้อมูลปัจจุบันที่ต่างจากภาพนิ่ง", "Live figures that differ from the snapshot")),
]


def titled_download(table: str, ctx: PageContext) -> Download:
    """The Download of a table by name, titled from DOWNLOAD_TITLES (the name itself when
    none matches), with its rules in the page's language."""
    for entry in DOWNLOAD_TITLES:
        if re.fullmatch(entry.pattern, table):
            return Download(
                table, entry.title, (entry.rules(ctx.lang),) if entry.rules else (), entry.scoped, entry.carryover
            )
    words = table.replace("_", " ")
    return Download(table, (words, words))


def _scope(filters: Filters, ctx: PageContext) -> tuple[str, tuple[str, ...]]:
    """The area and narrower filters in words, and as file-name parts: province, else
    cluster, else region, else the whole country; then plan type and budget type."""
    words: list[str] = []
    parts: list[str] = []
    if filters.province:
        row = reference.provinces().set_index("province_code").loc[filters.province]
        words.append(ctx.t(f"จังหวัด{row['name_th']}", f"{row['name_en']} province"))
        parts += ["province", filters.province]
    elif filters.cluster:
        row = reference.clusters().set_index("cluster_code").loc[filters.cluster]
        words.append(ctx.t(row["name_th"], f"{row['name_en']} cluster"))
        parts += ["cluster", filters.cluster]
    elif filters.region:
        row = reference.regions().set_index("region").loc[filters.region]
        words.append(ctx.t(row["name_th"], f"{row['name_en']} region"))
        parts += ["region", filters.region]
    else:
        words.append(ctx.t("ทั้งประเทศ", "Nationwide"))
    if filters.plan_type in ("province", "cluster"):
        words.append(label(PLAN_TYPE_LABELS, filters.plan_type, ctx.lang))
        parts.append(f"{filters.plan_type}-plans")
    if filters.budget_type:
        words.append(label(BUDGET_TYPE_LABELS, filters.budget_type, ctx.lang))
        parts.append(filters.budget_type)
    return " · ".join(words), tuple(parts)


def table_file(download: Download, ctx: PageContext, filters: Filters | None = None) -> TableFile:
    """How the files of `download` are named and titled: scope from `filters` (the sidebar's
    when None); as of the filters' date, else the date the page shows (the carry-over
    period's latest data date for carry-over tables); words in the page's language."""
    filters = filters or ctx.filters
    if download.scoped:
        scope, parts = _scope(filters, ctx)
    else:
        scope, parts = ctx.t("ทุกพื้นที่", "All areas"), ()
    if filters.as_of:
        as_of = filters.as_of
    elif download.carryover:  # the carry-over pages run on past 30 Sep, to the last carry-over payment
        as_of = resolve_carryover_as_of(filters)
    else:
        as_of = ctx.as_of_shown
    return TableFile(
        download.table, ctx.t(*download.title), ctx.lang, filters.fiscal_year, as_of, scope, parts, download.rules
    )


def prepared_download(
    frame: pd.DataFrame,
    download: Download | str,
    ctx: PageContext,
    columns: Sequence[ColumnSpec] | None = None,
    filters: Filters | None = None,
) -> tuple[TableFile, pd.DataFrame, dict[str, str] | None]:
    """What `download_buttons` offers, before any bytes: (how the files are named and titled,
    the table as written, each column's kind). See `download_buttons` for the arguments."""
    if isinstance(download, str):
        download = titled_download(download, ctx)
    if columns is not None:
        # display columns (owner name, flag names, ...) the page did not add itself
        missing = [column for column, *_ in columns if column not in frame]
        if missing:
            named = with_names(frame, ctx)
            frame = frame.assign(**{column: named[column] for column in missing if column in named})
        export, kinds = _export_frame(frame, columns, ctx)
    else:
        export, kinds = frame, None
    return table_file(download, ctx, filters), _plain_for_export(export), kinds


def download_buttons(
    frame: pd.DataFrame,
    download: Download | str,
    ctx: PageContext | None = None,
    columns: Sequence[ColumnSpec] | None = None,
    key: str | None = None,
    filters: Filters | None = None,
) -> None:
    """Two buttons: the table as CSV (UTF-8 BOM) and as Excel, named and titled for its scope
    and date ('lagging-2562-asof-2019-09-30-province-46.xlsx').

    `download` describes the table (a name alone is titled from DOWNLOAD_TITLES); `columns`
    picks and heads the frame's columns like `data_table` (money in baht, percentages 0-100,
    dates as dates; the frame may be a read-side frame); without it the frame is written as
    it is. `filters` is the scope when it is not the sidebar's. The files are built only
    when a button is clicked, so a large table costs nothing until someone asks for it.
    """
    ctx = ctx or page_context()
    if isinstance(download, str):
        download = titled_download(download, ctx)
    about = table_file(download, ctx, filters)
    key = key or about.table

    def csv_file() -> bytes:  # the files are prepared on click only, not on every page run
        _, plain, kinds = prepared_download(frame, download, ctx, columns, filters)
        return csv_bytes(plain, about, kinds)

    def excel_file() -> bytes:
        _, plain, kinds = prepared_download(frame, download, ctx, columns, filters)
        return excel_bytes(plain, about=about, kinds=kinds)

    left, right = st.columns(2)
    with left:
        st.download_button(
            ctx.t("ดาวน์โหลด CSV", "Download CSV"),
            data=csv_file,
            file_name=about.file_name("csv"),
            mime=CSV_MIME,
            key=f"{key}_csv",
            icon=":material/download:",
            on_click="ignore",
        )
    with right:
        st.download_button(
            ctx.t("ดาวน์โหลด Excel", "Download Excel"),
            data=excel_file,
            file_name=about.file_name("xlsx"),
            mime=EXCEL_MIME,
            key=f"{key}_xlsx",
            icon=":material/download:",
            on_click="ignore",
        )


# What the pages' own tables download (read-side columns; money in baht, dates as dates).
LAGGING_DOWNLOAD_COLUMNS: list[ColumnSpec] = [
    ("project_code", "รหัสโครงการ", "Project code", "text"),
    ("project_name", "ชื่อโครงการ", "Project", "text"),
    ("owner_name", "เจ้าของแผน", "Plan owner", "text"),
    ("implementing_agency", "หน่วยดำเนินการ", "Implementing agency", "text"),
    ("budget_type_name", "ประเภทงบ", "Budget type", "text"),
    ("current_allocation", "งบประมาณ", "Allocation", "money"),
    ("disbursed", "เบิกจ่าย", "Disbursed", "money"),
    ("pct_disbursed", "ร้อยละเบิกจ่าย", "% disbursed", "pct"),
    ("target_pct", "เป้าหมายของประเภทงบ", "Target for its budget type", "pct"),
    ("money_at_risk", "เงินที่เสี่ยง", "Money at risk", "money"),
    ("flag_names", "ข้อสังเกต", "Flags", "text"),
    ("reasons", "เหตุผล", "Why", "text"),
    ("last_payment_date", "การเบิกจ่ายครั้งล่าสุด", "Last payment", "date"),
]
# The lagging download with each project's latest follow-up answer (ui/followup.with_followup columns).
FOLLOWUP_DOWNLOAD_COLUMNS: list[ColumnSpec] = [
    ("response_status", "สถานะการชี้แจง", "Follow-up status", "text"),
    ("response_cause", "สาเหตุที่ชี้แจง", "Cause given", "text"),
    ("response_action_taken", "การดำเนินการ", "Action taken", "text"),
    ("response_expected_payment_date", "คาดว่าจะเบิกจ่ายได้วันที่", "Expected payment date", "date"),
    ("response_expected_amount", "คาดว่าจะเบิกจ่ายได้", "Expected payment", "money"),
    ("response_note", "หมายเหตุการชี้แจง", "Follow-up note", "text"),
    ("response_saved_on", "ชี้แจงวันที่", "Answered on", "date"),
    ("response_saved_time", "เวลา (ไทย)", "Time (Bangkok)", "text"),
    ("response_updated_by", "ชี้แจงโดย", "Answered by", "text"),
]
LAGGING_FOLLOWUP_DOWNLOAD_COLUMNS: list[ColumnSpec] = LAGGING_DOWNLOAD_COLUMNS + FOLLOWUP_DOWNLOAD_COLUMNS
PROJECT_DOWNLOAD_COLUMNS: list[ColumnSpec] = [
    ("project_code", "รหัสโครงการ", "Project code", "text"),
    ("project_name", "ชื่อโครงการ", "Project", "text"),
    ("owner_name", "เจ้าของแผน", "Plan owner", "text"),
    ("budget_type_name", "ประเภทงบ", "Budget type", "text"),
    ("implementing_agency", "หน่วยดำเนินการ", "Implementing agency", "text"),
    ("current_allocation", "งบประมาณ", "Allocation", "money"),
    ("committed", "ก่อหนี้ผูกพัน", "Committed", "money"),
    ("disbursed", "เบิกจ่าย", "Disbursed", "money"),
    ("pct_disbursed", "ร้อยละเบิกจ่าย", "% disbursed", "pct"),
    ("status_name", "สถานะ (เทียบเป้าหมายของประเภทงบ)", "Status (vs its budget type's target)", "text"),
    ("flag_names", "ข้อสังเกต", "Flags", "text"),
    ("reasons", "เหตุผล", "Why", "text"),
]
FRESHNESS_DOWNLOAD_COLUMNS: list[ColumnSpec] = [
    ("code", "รหัส", "Code", "text"),
    ("province_name", "จังหวัด", "Province", "text"),
    ("projects", "จำนวนโครงการ", "Projects", "int"),
    ("latest_data_date", "วันที่ข้อมูลล่าสุด", "Latest data date", "date"),
    ("days_behind", "ช้ากว่าล่าสุด (วัน)", "Days behind latest", "int"),
    ("status_label", "สถานะ", "Status", "text"),
]


def _export_frame(
    frame: pd.DataFrame, spec: Sequence[ColumnSpec], ctx: PageContext
) -> tuple[pd.DataFrame, dict[str, str]]:
    """The download of a read-side frame per `spec`, and each header's kind: headers in the
    page's language, money in baht (the unit in the header), percentages 0-100, dates as
    dates (the files show them in BE in Thai)."""
    export, kinds = pd.DataFrame(index=frame.index), {}
    for column, thai, english, kind in spec:
        name = ctx.t(thai, english)
        values = frame[column]
        if kind == "money":
            name = f"{name} ({ctx.t('บาท', 'baht')})"
            values = pd.to_numeric(values, errors="coerce")
        elif kind == "pct":
            name = f"{name} (%)"
            values = pd.to_numeric(values, errors="coerce").astype(float)
        elif kind == "points":
            values = pd.to_numeric(values, errors="coerce").astype(float)
        elif kind == "date":
            values = [None if pd.isna(day) else pd.Timestamp(day).date() for day in values]
        export[name] = values
        kinds[name] = kind  # the spec's kinds are exports.tables' kinds
    return export, kinds
