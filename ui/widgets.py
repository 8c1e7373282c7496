"""Reusable page pieces: cached read-side calls, KPI cards, downloads, no-data notices.

Every page uses these so the dashboard looks and behaves the same everywhere:

- `cached(fn, *args)` calls a read-side function through `st.cache_data`, keyed on the
  data version and the arguments (filters included), so a page opens from memory
  after its first load and a new ETL load invalidates everything at once.
- `view_html(build, ctx, *args)` keeps what a first screen's HTML builder returns, once per
  published file and sidebar view, for every session of the process (no copy, no rebuild).
- `kpi_cards([KpiCard(...), ...])` draws a row of bordered metric cards.
- `download_buttons(frame, "lagging", ctx, columns)` offers a table as CSV (UTF-8 with BOM,
  so Excel shows Thai correctly) and as an Excel workbook, named for its scope and date
  ('lagging-2562-asof-2019-09-30-province-46.xlsx'), with title rows (what, where, as of
  when, the rules in force), exact rounded figures and an A4 landscape print setup
  (exports/table_file.py, exports/sheets.py).
- `no_data()` is the friendly "ไม่มีข้อมูล" notice; `missing_database(error)` the page
  shown when there is nothing loaded yet; `render_safely(fn)` turns any error into a
  clear message instead of a traceback.
- `money_frame(frame, columns)` / `money_column(label)` show baht columns as million
  baht with separators while keeping them numeric (sortable).
- `data_table(frame, spec, ctx, file_stem)` shows a read-side frame with localised
  headers (money in million baht, BE dates) and offers it as CSV/Excel (baht, real dates).
- `execution_kpi_cards(now, before, compared)` draws the headline cards: the money row,
  then the overall line and the investment line (each: % disbursed, its own target, gap in
  points and in baht, status), with the change against an earlier state, live or frozen.
- `area_lines_table(frame, ctx, lead)` shows areas with both target lines side by side;
  `comparison_lines_table(rows, ctx)` an area, its cluster and the nation as columns.
- `snapshot_changes(comparison)` draws the week-over-week movers and the newly flagged /
  cleared lagging projects of two snapshots.
"""

from __future__ import annotations

import importlib
import logging
import re
import threading
import traceback
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

import pandas as pd
import streamlit as st

from budget_metrics import reference
from budget_metrics.connection import NoDataError
from budget_metrics.filters import Filters
from budget_metrics.formatting import baht, percent, signed
from budget_metrics.projects import resolve_carryover_as_of
from budget_metrics.targets import LINE_DESCRIPTIONS, LINE_LABELS, LINES, frame_lines
from exports import rules
from exports.table_file import CSV_MIME, EXCEL_MIME, TableFile, table_csv, table_xlsx
from ui.context import PageContext, page_context
from ui.labels import BUDGET_TYPE_LABELS, PLAN_TYPE_LABELS, STATUS_LABELS, label
from ui.palette import STATUS_BADGES, STATUS_COLORS
from vocabulary import BUDGET_TYPES, FLAGS, PLAN_TYPES, STATUSES, word

if TYPE_CHECKING:
    from budget_metrics.snapshots import Comparison

T = TypeVar("T")
log = logging.getLogger(__name__)


# ---------------------------------------------------------------- caching
@st.cache_data(show_spinner=False, max_entries=1024)
def _cached_call(module: str, qualname: str, version: str, args: tuple, kwargs: tuple) -> Any:
    # `version` is unused in the body on purpose: it is part of the cache key, so a new
    # database file (new data_version) makes every earlier entry unreachable.
    target: Any = importlib.import_module(module)
    for part in qualname.split("."):
        target = getattr(target, part)
    return target(*args, **dict(kwargs))


def cached(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """`fn(*args, **kwargs)` from the Streamlit cache, keyed on (data_version, fn, args).

    fn must be a module-level function (e.g. `progress.kpis`); arguments must be
    hashable/picklable (Filters, dates, strings, tuples). The result is a copy, so a
    page may modify a returned DataFrame freely.
    """
    version = page_context().data_version
    return _cached_call(fn.__module__, fn.__qualname__, version, args, tuple(sorted(kwargs.items())))


# Built first-screen HTML (view_html): a few hundred KB at most (the overview's longest list is ~30 KB)
_VIEW_HTML: OrderedDict[tuple, Any] = OrderedDict()
_VIEW_HTML_LOCK = threading.Lock()
VIEW_HTML_ENTRIES = 512


def view_html(build: Callable[..., T], ctx: PageContext, *args: Any) -> T:
    """`build(ctx, *args)`, built once per published file and view and then shared by every session
    of this process: the HTML (or other immutable result) a first screen draws.

    The key is the published file (ctx.data_version), the whole page context (filters, language,
    mode, the date shown, the page), the sidebar's URL parameters (what the links in the HTML carry:
    ui.controls.area_link_params) and args. So `build` must depend on nothing else: no st calls, no
    session state, no page-only filters; its result must not be changed by the caller (it is not
    copied: that is the saving over `cached`). The least recently used of VIEW_HTML_ENTRIES go first;
    a new published file makes every earlier entry unreachable.
    """
    from ui.controls import GLOBAL_URL

    url = tuple(sorted((name, repr(value)) for name, value in st.session_state.get(GLOBAL_URL, {}).items()))
    key = (build.__module__, build.__qualname__, ctx, url, args)
    with _VIEW_HTML_LOCK:
        if key in _VIEW_HTML:
            _VIEW_HTML.move_to_end(key)
            return _VIEW_HTML[key]
    value = build(ctx, *args)  # outside the lock: two sessions may build the same view once each
    with _VIEW_HTML_LOCK:
        _VIEW_HTML[key] = value
        while len(_VIEW_HTML) > VIEW_HTML_ENTRIES:
            _VIEW_HTML.popitem(last=False)
    return value


def forget_views() -> None:
    """Forget every view view_html built (as st.cache_data.clear() forgets cached reads): the next
    render builds from the database again."""
    with _VIEW_HTML_LOCK:
        _VIEW_HTML.clear()


# ---------------------------------------------------------------- KPI cards
@dataclass(frozen=True)
class KpiCard:
    """One metric card: label, value text, optional change text and colouring.

    delta_color: 'normal' (up = green), 'inverse' (up = red) or 'off'.
    """

    label: str
    value: str
    delta: str | None = None
    delta_color: str = "normal"
    help: str | None = None


def kpi_cards(cards: Sequence[KpiCard], per_row: int = 4) -> None:
    """Draw cards in rows of `per_row` bordered st.metric boxes."""
    for start in range(0, len(cards), per_row):
        columns = st.columns(per_row)
        for column, card in zip(columns, cards[start:start + per_row], strict=False):
            with column:
                st.metric(card.label, card.value, card.delta, delta_color=card.delta_color,
                          help=card.help, border=True)


# ---------------------------------------------------------------- tables and downloads
def money_column(label: str, decimals: int = 2) -> Any:
    """A numeric column config showing million baht with thousand separators."""
    return st.column_config.NumberColumn(label, format=f"%,.{decimals}f")


def percent_column(label: str, decimals: int = 2) -> Any:
    """A numeric column config for percent values 0-100 (shown with 2 decimals)."""
    return st.column_config.NumberColumn(label, format=f"%.{decimals}f")


def money_frame(frame: pd.DataFrame, columns: Iterable[str]) -> pd.DataFrame:
    """A copy with the given baht columns converted to million baht (float, for display)."""
    out = frame.copy()
    for column in columns:
        out[column] = pd.to_numeric(out[column], errors="coerce").astype(float) / 1_000_000
    return out


def csv_bytes(frame: pd.DataFrame, about: TableFile | None = None, kinds: Mapping[str, str] | None = None) -> bytes:
    """CSV in UTF-8 with a byte-order mark (Excel opens Thai text correctly): the title lines
    of `about` (none without it), a blank line, the header and the rows (exports/table_file.py).

    Text that a spreadsheet would run as a formula is neutralised (exports/cells.py).
    """
    return table_csv(frame, about, kinds)


def excel_bytes(frame: pd.DataFrame, sheet_name: str = "data", about: TableFile | None = None,
                kinds: Mapping[str, str] | None = None) -> bytes:
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
                lambda value: "; ".join(map(str, value)) if isinstance(value, list | tuple) else value)
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
    TableTitle(r".*_province_movers",
               ("จังหวัดที่ร้อยละเบิกจ่ายเปลี่ยนมากที่สุด", "Provinces whose % disbursed moved most")),
    TableTitle(r".*_project_movers",
               ("โครงการที่ร้อยละเบิกจ่ายเปลี่ยนมากที่สุด", "Projects whose % disbursed moved most")),
    TableTitle(r"projects(_.*)?", ("รายการโครงการ", "Projects")),
    TableTitle(r"assets_by_status", ("สินทรัพย์: จำนวนและมูลค่าตามสถานะ", "Assets: count and value by status"),
               rules.asset_rules),
    TableTitle(r"assets_by_.*", ("สินทรัพย์รายพื้นที่", "Assets by area"), rules.asset_rules),
    TableTitle(r"assets_overdue", ("สินทรัพย์ค้างโอนเกินกำหนด", "Overdue asset transfers"), rules.asset_rules),
    TableTitle(r"assets_all", ("สินทรัพย์ทั้งหมด", "All assets"), rules.asset_rules),
    TableTitle(r"carryover_at_risk", ("เงินกันเหลื่อมปีที่เสี่ยง", "At-risk carry-overs"), rules.carryover_rules,
               carryover=True),
    TableTitle(r"carryover.*", ("เงินกันเหลื่อมปีทุกโครงการ", "All carry-overs"), rules.carryover_rules,
               carryover=True),
    TableTitle(r"reallocations_net_.*", ("โอนเข้า-ออกสุทธิรายพื้นที่", "Net reallocations by area")),
    TableTitle(r"reallocations_ledger", ("ทะเบียนการโอนเปลี่ยนแปลงงบประมาณ", "Reallocation ledger")),
    TableTitle(r"reconciliation_mismatches",
               ("โครงการที่ยอดงบประมาณไม่กระทบกัน", "Projects whose figures do not reconcile")),
    TableTitle(r"reconciliation_warnings", ("คำเตือนการกระทบยอด", "Reconciliation warnings")),
    TableTitle(r"reconciliation", ("กระทบยอดงบประมาณรายโครงการ", "Reconciliation of every project")),
    TableTitle(r"overspent_projects", ("โครงการที่เบิกจ่ายเกินงบประมาณ", "Overspent projects")),
    TableTitle(r"data_freshness", ("วันที่ข้อมูลล่าสุดรายจังหวัด", "Latest data date per province"),
               rules.freshness_rules),
    TableTitle(r"load_log", ("บันทึกการโหลดข้อมูล", "Load log"), scoped=False),
    TableTitle(r"rejected_rows", ("แถวที่ถูกปฏิเสธ", "Rejected rows"), scoped=False),
    TableTitle(r"snapshots_.*", ("ภาพนิ่งรายสัปดาห์ที่บันทึกไว้", "Stored weekly snapshots"), scoped=False),
    TableTitle(r"live_vs_snapshot.*",
               ("ข้อมูลปัจจุบันที่ต่างจากภาพนิ่ง", "Live figures that differ from the snapshot")),
]


def titled_download(table: str, ctx: PageContext) -> Download:
    """The Download of a table by name, titled from DOWNLOAD_TITLES (the name itself when
    none matches), with its rules in the page's language."""
    for entry in DOWNLOAD_TITLES:
        if re.fullmatch(entry.pattern, table):
            return Download(table, entry.title, (entry.rules(ctx.lang),) if entry.rules else (), entry.scoped,
                            entry.carryover)
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
    return TableFile(download.table, ctx.t(*download.title), ctx.lang, filters.fiscal_year, as_of, scope,
                     parts, download.rules)


def prepared_download(frame: pd.DataFrame, download: Download | str, ctx: PageContext,
                      columns: Sequence[ColumnSpec] | None = None, filters: Filters | None = None
                      ) -> tuple[TableFile, pd.DataFrame, dict[str, str] | None]:
    """What `download_buttons` offers, before any bytes: (how the files are named and titled,
    the table as written, each column's kind). See `download_buttons` for the arguments."""
    if isinstance(download, str):
        download = titled_download(download, ctx)
    if columns is not None:
        # display columns (owner name, flag names, ...) the page did not add itself
        missing = [column for column, *_ in columns if column not in frame]
        if missing:
            named = _with_names(frame, ctx)
            frame = frame.assign(**{column: named[column] for column in missing if column in named})
        export, kinds = _export_frame(frame, columns, ctx)
    else:
        export, kinds = frame, None
    return table_file(download, ctx, filters), _plain_for_export(export), kinds


def download_buttons(frame: pd.DataFrame, download: Download | str, ctx: PageContext | None = None,
                     columns: Sequence[ColumnSpec] | None = None, key: str | None = None,
                     filters: Filters | None = None) -> None:
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
        st.download_button(ctx.t("ดาวน์โหลด CSV", "Download CSV"), data=csv_file,
                           file_name=about.file_name("csv"), mime=CSV_MIME, key=f"{key}_csv",
                           icon=":material/download:", on_click="ignore")
    with right:
        st.download_button(ctx.t("ดาวน์โหลด Excel", "Download Excel"), data=excel_file,
                           file_name=about.file_name("xlsx"), mime=EXCEL_MIME, key=f"{key}_xlsx",
                           icon=":material/download:", on_click="ignore")


# A column of a `data_table`: (source column, Thai header, English header, kind), kind one of
# 'money' (baht), 'pct' (0-100), 'points' (a change of a percentage, the unit in the header),
# 'date', 'int' or 'text'.
ColumnSpec = tuple[str, str, str, str]

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


def _export_frame(frame: pd.DataFrame, spec: Sequence[ColumnSpec], ctx: PageContext
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


def _localised(frame: pd.DataFrame, spec: Sequence[ColumnSpec], ctx: PageContext, short_unit: bool = False
               ) -> tuple[pd.DataFrame, dict]:
    """(shown frame, column config) of a read-side frame per `spec` (see `data_table`);
    short_unit writes million baht as 'ลบ.' in the headers (narrow tables).

    The columns are gathered first and framed once: adding them one by one to a frame took
    most of a table page's server time (docs/benchmarks.md, first paint)."""
    shown, config = {}, {}
    unit = ctx.t("ลบ.", "m฿") if short_unit else ctx.million_baht
    for column, thai, english, kind in spec:
        name = ctx.t(thai, english)
        values = frame[column]
        if kind == "money":
            name = f"{name} ({unit})"
            shown[name] = pd.to_numeric(values, errors="coerce").astype(float) / 1_000_000
            config[name] = money_column(name)
        elif kind in ("pct", "points"):
            name = f"{name} (%)" if kind == "pct" else name
            shown[name] = pd.to_numeric(values, errors="coerce").astype(float)
            config[name] = percent_column(name)
        elif kind == "date":
            shown[name] = [ctx.date(day) for day in values]
        elif kind == "text":
            # An empty cell reads better than Streamlit's grey "None" (e.g. a CSV has no sheet).
            shown[name] = values.astype(object).where(values.notna(), "")
        elif kind == "int":
            shown[name] = values
            config[name] = st.column_config.NumberColumn(name, format="%,d")  # 1,287 not 1287
        else:
            shown[name] = values
    return pd.DataFrame(shown, index=frame.index), config


def data_table(frame: pd.DataFrame, spec: Sequence[ColumnSpec], ctx: PageContext | None, file_stem: str,
               key: str | None = None, **dataframe_args: Any) -> None:
    """Show a read-side frame with localised headers and offer it for download.

    On screen: the spec's columns in order, headers in the current language, money
    (baht) as million baht with separators (the unit in the header), percentages with
    two decimals, dates in BE (Thai) / CE (English). The CSV/Excel download (see
    `download_buttons`) is named and titled after `file_stem` (DOWNLOAD_TITLES), the sidebar's
    area and the as-of date, with money in baht (exact figures for analysts) and real dates.
    `key` keeps the download buttons apart when one page shows the same file_stem twice;
    extra keyword arguments go to st.dataframe (e.g. height, width).
    """
    ctx = ctx or page_context()
    shown, config = _localised(frame, spec, ctx)
    st.dataframe(shown, column_config=config, hide_index=True, **dataframe_args)
    download_buttons(frame, file_stem, ctx, spec, key=key)


# ---------------------------------------------------------------- long rankings
def first_rows(frame: pd.DataFrame, ctx: PageContext, key: str, unit: tuple[str, str],
               limit: int = 20) -> pd.DataFrame:
    """The first `limit` rows of a ranked frame (e.g. 76 provinces), with a "show all" toggle
    and a caption saying how many are shown, so a chart keeps readable labels; all rows when
    there are no more than `limit`."""
    if len(frame) <= limit:
        return frame
    if st.toggle(ctx.t(f"แสดงทั้งหมด ({len(frame):,} {unit[0]})", f"Show all ({len(frame):,} {unit[1]})"), key=key):
        return frame
    st.caption(ctx.t(f"แสดง {limit:,} อันดับแรกจาก {len(frame):,} {unit[0]}",
                     f"Showing the first {limit:,} of {len(frame):,} {unit[1]}"))
    return frame.head(limit)


# ---------------------------------------------------------------- project tables with a detail panel
@dataclass(frozen=True)
class GridColumn:
    """A column of `project_grid`: source column, Thai and English header, kind ('text',
    'money' baht shown as million baht, 'pct' 0-100, 'date', 'status' a status code shown as
    its word in its colour), width in pixels (None = fit), pinned (stays in view when
    scrolling sideways)."""

    key: str
    th: str
    en: str
    kind: str = "text"
    width: int | None = None
    pinned: bool = False


def project_grid(table: pd.DataFrame, columns: Sequence[GridColumn], ctx: PageContext, key: str,
                 height: int = 420) -> pd.Series | None:
    """A project table whose columns are sized so the ones a user came for fit at 1400 px,
    money with thousand separators; a click on a row selects it. Returns the selected row
    of `table` (None when none is selected), for `project_detail`.

    The row numbers Streamlit reports are positions in the frame as given, whatever order
    the user sorted the view in, so they index `table` directly.
    """
    shown, config, status_columns = pd.DataFrame(index=range(len(table))), {}, []
    values_of = table.reset_index(drop=True)
    for column in columns:
        header = ctx.t(column.th, column.en)
        values = values_of[column.key]
        options = {"width": column.width, "pinned": column.pinned or None}
        if column.kind == "money":
            shown[header] = pd.to_numeric(values, errors="coerce").astype(float) / 1e6
            config[header] = st.column_config.NumberColumn(header, format="%,.2f", **options)
        elif column.kind == "pct":
            shown[header] = pd.to_numeric(values, errors="coerce").astype(float)
            config[header] = st.column_config.NumberColumn(header, format="%.2f", **options)
        elif column.kind == "date":
            shown[header] = [ctx.date(None if pd.isna(day) else pd.Timestamp(day).date()) for day in values]
            config[header] = st.column_config.TextColumn(header, **options)
        elif column.kind == "status":
            shown[header] = [word(STATUSES, code, ctx.lang) for code in values.fillna("no_data")]
            config[header] = st.column_config.TextColumn(header, **options)
            status_columns.append(header)
        else:
            shown[header] = values.astype(object).where(values.notna(), "")
            config[header] = st.column_config.TextColumn(header, **options)
    colours = {word(STATUSES, status, ctx.lang): colour for status, colour in STATUS_COLORS.items()
               if status != "no_data"}
    styled = shown.style.map(lambda value: f"color: {colours[value]}; font-weight: 600" if value in colours else "",
                             subset=status_columns) if status_columns else shown
    event = st.dataframe(styled, column_config=config, hide_index=True, width="stretch", height=height,
                         on_select="rerun", selection_mode="single-row", key=key)
    rows = event.selection.rows if event is not None and event.selection else []
    if not rows or rows[0] >= len(values_of):
        st.caption(ctx.t("คลิกที่แถวเพื่อดูรายละเอียดทุกช่องของโครงการ",
                         "Click a row to see every field of the project"))
        return None
    return values_of.iloc[rows[0]]


def markdown_text(text: object) -> str:
    """Text from input files, safe inside st.markdown (markdown characters escaped)."""
    if text is None or (not isinstance(text, str) and pd.isna(text)) or text == "":
        return "-"
    return "".join(f"\\{char}" if char in "\\`*_{}[]()#+-.!|<>~$:" else char for char in str(text))


def _day(value: Any) -> Any:
    return None if value is None or pd.isna(value) else pd.Timestamp(value).date()


def project_detail(row: pd.Series, ctx: PageContext) -> None:
    """Every field of one project (a row of `lagging.project_flags` / `breakdown.project_table`)
    in the current language: who owns it, its money in baht, its dates, its progress against
    its budget type's target, its flags and the reasons in full."""
    from budget_metrics import reference

    def money(column: str) -> str:
        value = row.get(column)
        return "-" if value is None or pd.isna(value) else f"{baht(value)} {ctx.t('บาท', 'baht')}"

    def area(table: pd.DataFrame, key: str, code: Any) -> str:
        match = table[table[key] == code] if isinstance(code, str) and code else table.iloc[0:0]
        return ctx.name(match.iloc[0]["name_th"], match.iloc[0]["name_en"]) if len(match) else "-"

    flags = row.get("flags")
    flags = list(flags) if isinstance(flags, list | tuple) or hasattr(flags, "tolist") else []
    gap = row.get("gap_points")
    if gap is None and row.get("target_pct") is not None and row.get("pct_disbursed") is not None:
        gap = row["pct_disbursed"] - row["target_pct"]
    groups = [
        [(ctx.t("แผน", "Plan"), word(PLAN_TYPES, row.get("owner_type"), ctx.lang)),
         (ctx.t("เจ้าของแผน", "Plan owner"), ctx.name(row.get("owner_name_th"), row.get("owner_name_en"))),
         (ctx.t("จังหวัด", "Province"), area(reference.provinces(), "province_code", row.get("province_code"))),
         (ctx.t("กลุ่มจังหวัด", "Cluster"), area(reference.clusters(), "cluster_code", row.get("cluster_code"))),
         (ctx.t("ภาค", "Region"), area(reference.regions(), "region", row.get("region"))),
         (ctx.t("ประเภทงบ", "Budget type"), word(BUDGET_TYPES, row.get("budget_type"), ctx.lang)),
         (ctx.t("หน่วยดำเนินการ", "Implementing agency"), row.get("implementing_agency")),
         (ctx.t("รหัส eMENSCR", "eMENSCR code"), row.get("emenscr_code"))],
        [(ctx.t("งบประมาณที่ได้รับจัดสรร", "Allocated"), money("allocated_amount")),
         (ctx.t("โอนเข้า", "Reallocated in"), money("reallocated_in")),
         (ctx.t("โอนออก", "Reallocated out"), money("reallocated_out")),
         (ctx.t("งบประมาณปัจจุบัน", "Current allocation"), money("current_allocation")),
         (ctx.t("วงเงินตามสัญญา", "Contract amount"), money("contract_amount")),
         (ctx.t("ก่อหนี้ผูกพัน", "Committed"), money("committed")),
         (ctx.t("เบิกจ่ายแล้ว", "Disbursed"), money("disbursed")),
         (ctx.t("เบิกจากเงินกันเหลื่อมปี", "Paid from carry-over"), money("disbursed_carryover")),
         (ctx.t("คงเหลือ", "Remaining"), money("remaining")),
         (ctx.t("เงินที่เสี่ยง", "Money at risk"), money("money_at_risk"))],
        [(ctx.t("ร้อยละเบิกจ่าย", "% disbursed"), percent(row.get("pct_disbursed"))),
         (ctx.t("เป้าหมายของประเภทงบ (ร้อยละ)", "Target for its budget type (%)"), percent(row.get("target_pct"))),
         (ctx.t("ห่างเป้า (จุด)", "Gap (points)"), signed(gap)),
         *([(ctx.t("สถานะ", "Status"), word(STATUSES, row["status"], ctx.lang))] if "status" in row else []),
         (ctx.t("วันเริ่มโครงการ", "Planned start"), ctx.date(_day(row.get("planned_start")))),
         (ctx.t("กำหนดแล้วเสร็จ", "Planned end"), ctx.date(_day(row.get("planned_end")))),
         (ctx.t("วันที่ลงนามสัญญา", "Contract signed"), ctx.date(_day(row.get("contract_date")))),
         (ctx.t("เบิกจ่ายครั้งล่าสุด", "Last payment"), ctx.date(_day(row.get("last_payment_date"))))],
    ]
    with st.container(border=True, key=f"project_detail_{row['project_code']}"):
        st.markdown(f"**{markdown_text(row['project_code'])}** · {markdown_text(row.get('project_name'))}")
        for column, fields in zip(st.columns(3), groups, strict=True):
            with column:
                st.markdown("  \n".join(f"{name}: **{markdown_text(value)}**" for name, value in fields))
        flag_words = ", ".join(word(FLAGS, code, ctx.lang) for code in flags) or ctx.t("ไม่มี", "none")
        st.markdown(f"{ctx.t('ข้อสังเกต', 'Flags')}: **{markdown_text(flag_words)}**")
        reasons = row.get("reasons_th" if ctx.lang == "th" else "reasons_en")
        if isinstance(reasons, str) and reasons:
            st.markdown(f"{ctx.t('เหตุผล', 'Why')}:  \n" + "  \n".join(
                f"• {markdown_text(part)}" for part in reasons.split("; ")))


# ---------------------------------------------------------------- target lines in tables
# Each line's columns after the first repeat the same short headers ("gap (points)", ...);
# Streamlit needs distinct column names, so the investment line's carry a zero-width space.
_SECOND = "\u200b"
# Pixel widths that fit the name, the allocation and both lines in the main area at 1400 px.
_LINE_WIDTHS = {"pct": 80, "gap_points": 68, "gap_baht": 78, "status": 108}


def _line_headers(ctx: PageContext, line: str, headline: str | None) -> dict[str, str]:
    star = "★" if line == headline else ""
    mark = _SECOND if line != LINES[0] else ""
    return {"pct": f"{ctx.t(*LINE_LABELS[line])}{star} %",
            "gap_points": ctx.t("ห่าง (จุด)", "gap (pts)") + mark,
            "gap_baht": ctx.t("ห่าง (ลบ.)", "gap (m฿)") + mark,
            "status": ctx.t("สถานะ", "status") + mark}


def area_lines_table(frame: pd.DataFrame, ctx: PageContext, lead: Sequence[ColumnSpec],
                     **dataframe_args: Any) -> None:
    """A table of areas with both target lines side by side.

    `lead` are the first columns (name, allocation...); then, per line (overall, investment):
    % disbursed (headed by the line's name, ★ for the headline line, which drives colours and
    rankings), gap in points, gap in million baht (ลบ.) and status, coloured like the map. The
    caption above names each line's target on the date. No download buttons: the exports
    carry the same columns with the targets.
    """
    headline = str(frame["headline"].iloc[0]) if "headline" in frame and len(frame) else None
    shown_lines = frame_lines(frame)  # a budget type chosen: its own line only (budget_metrics.targets)
    targets = []
    for line in shown_lines:
        found = frame[f"{line}_target_pct"].dropna()
        value = f"{float(found.iloc[0]):.2f}%" if len(found) and found.nunique() == 1 else "-"
        targets.append(f"{ctx.t(*LINE_LABELS[line])}{'★' if line == headline else ''} {value}")
    st.caption(ctx.t("เป้าหมายของแต่ละเส้น: ", "Each line's target: ") + " · ".join(targets)
               + ctx.t(" · ห่าง = ร้อยละเบิกจ่าย − เป้าหมายของเส้นนั้น (จุด / ล้านบาท) · ลบ. = ล้านบาท · "
                       "★ ใช้กำหนดสีและอันดับ",
                       " · gap = % disbursed − the line's own target (points / million baht) · m฿ = million "
                       "baht · ★ drives colours and rankings"))
    shown, config = _localised(frame, lead, ctx, short_unit=True)
    for column in (kind_column for (_, _, _, kind), kind_column in zip(lead, shown.columns, strict=True)
                   if kind == "money"):
        config[column] = st.column_config.NumberColumn(column, format="%,.2f", width=110)
    colours = {word(STATUSES, status, ctx.lang): colour for status, colour in STATUS_COLORS.items()
               if status != "no_data"}
    status_columns = []
    for line in shown_lines:
        headers = _line_headers(ctx, line, headline)
        shown[headers["pct"]] = pd.to_numeric(frame[f"{line}_pct"], errors="coerce").astype(float)
        shown[headers["gap_points"]] = pd.to_numeric(frame[f"{line}_gap_points"], errors="coerce").astype(float)
        shown[headers["gap_baht"]] = pd.to_numeric(frame[f"{line}_gap_baht"], errors="coerce").astype(float) / 1e6
        shown[headers["status"]] = [word(STATUSES, status, ctx.lang)
                                    for status in frame[f"{line}_status"].fillna("no_data")]
        for key in ("pct", "gap_points"):
            config[headers[key]] = st.column_config.NumberColumn(headers[key], format="%.2f",
                                                                 width=_LINE_WIDTHS[key])
        config[headers["gap_baht"]] = st.column_config.NumberColumn(headers["gap_baht"], format="%,.2f",
                                                                    width=_LINE_WIDTHS["gap_baht"])
        config[headers["status"]] = st.column_config.TextColumn(headers["status"], width=_LINE_WIDTHS["status"])
        status_columns.append(headers["status"])
    styled = shown.style.map(
        lambda value: f"color: {colours[value]}; font-weight: 600" if value in colours else "",
        subset=status_columns)
    dataframe_args.setdefault("height", 35 * (len(shown) + 1) + 3)  # every row, no inner scrolling
    st.dataframe(styled, column_config=config, hide_index=True, **dataframe_args)


def comparison_lines_table(rows: Sequence[tuple[str, Any]], ctx: PageContext) -> None:
    """Areas side by side as columns (e.g. a province, its cluster, the nation), figures as
    rows: projects, money, then each line's %, target, gap in points and million baht, status.

    rows: (name, `progress.Kpis` or `snapshots.SnapshotKpis`) pairs.
    """
    unit = ctx.million_baht
    figures: list[tuple[str, list[str]]] = [
        (ctx.t("โครงการ", "Projects"), [f"{k.projects:,}" for _, k in rows]),
        (ctx.t(f"งบประมาณ ({unit})", f"Allocation ({unit})"), [ctx.money(k.current_allocation) for _, k in rows]),
        (ctx.t(f"เบิกจ่าย ({unit})", f"Disbursed ({unit})"), [ctx.money(k.disbursed) for _, k in rows]),
    ]
    for line in LINES:
        name = ctx.t(*LINE_LABELS[line])
        star = "★" if rows and rows[0][1].headline == line else ""
        lines = [k.line(line) for _, k in rows]
        figures += [
            (f"{name}{star}: " + ctx.t("ร้อยละเบิกจ่าย", "% disbursed"), [percent(x.pct) for x in lines]),
            (f"{name}{star}: " + ctx.t("เป้าหมาย (%)", "target (%)"), [percent(x.target_pct) for x in lines]),
            (f"{name}{star}: " + ctx.t("ห่างเป้า (จุด)", "gap (points)"), [signed(x.gap_points) for x in lines]),
            (f"{name}{star}: " + ctx.t(f"ห่างเป้า ({unit})", f"gap ({unit})"),
             [signed(None if x.gap_baht is None else float(x.gap_baht) / 1e6) for x in lines]),
            (f"{name}{star}: " + ctx.t("สถานะ", "status"), [word(STATUSES, x.status, ctx.lang) for x in lines]),
        ]
    first = ctx.t("รายการ", "Figure")
    table = pd.DataFrame({first: [text for text, _ in figures]})
    for position, (area, _) in enumerate(rows):
        table[area] = [values[position] for _, values in figures]
    colours = {word(STATUSES, status, ctx.lang): colour for status, colour in STATUS_COLORS.items()
               if status != "no_data"}
    styled = table.style.map(lambda value: f"color: {colours[value]}; font-weight: 600" if value in colours
                             else "", subset=list(table.columns[1:]))
    config = {area: st.column_config.TextColumn(area, width="medium") for area, _ in rows}
    st.dataframe(styled, hide_index=True, column_config=config, height=35 * (len(table) + 1) + 3)


# ---------------------------------------------------------------- headline figures
def headline_kpis(filters: Filters) -> tuple[Any, Any, str]:
    """(now, before, compared text) for the headline cards of a set of projects.

    Live mode: `progress.Kpis` as of the date and seven days earlier. Snapshot mode
    (the sidebar's data mode): the frozen `snapshots.SnapshotKpis` of the date's snapshot
    and of the previous snapshot (before None for the year's first). now is None when
    the date has no snapshot.
    """
    from budget_metrics import progress
    from budget_metrics import snapshots as snaps

    ctx = page_context()
    if not ctx.snapshot_mode:
        now, before = cached(progress.kpis_with_previous_week, filters)
        return now, before, ctx.t("เทียบสัปดาห์ก่อน", "vs previous week")
    frozen = cached(snaps.snapshot_kpis_with_previous, filters)
    if frozen is None:
        return None, None, ""
    now, before = frozen
    if before is None:
        return now, None, ctx.t("ภาพนิ่งแรกของปี", "first snapshot of the year")
    return now, before, ctx.t(f"เทียบภาพนิ่งครั้งก่อน ({ctx.date(before.as_of)})",
                              f"vs previous snapshot ({ctx.date(before.as_of)})")


def line_caption(ctx: PageContext, line: str, status: str, headline: str) -> str:
    """One line's heading for the KPI rows: its name, what it covers, its status badge, and
    whether it is the headline line (markdown, text from code and reference data only)."""
    name = ctx.t(*LINE_LABELS[line])
    badge = f":{STATUS_BADGES.get(status, 'gray')}-badge[{word(STATUSES, status, ctx.lang)}]"
    text = f"**{ctx.t('เส้น', '')}{name}{ctx.t('', ' line')}** — {ctx.t(*LINE_DESCRIPTIONS[line])} · {badge}"
    if line == headline:
        text += " · " + ctx.t("★ ใช้กำหนดสีสถานะ สีแผนที่ และอันดับ", "★ drives status colours, map and rankings")
    return text


def execution_kpi_cards(now: Any, before: Any | None, compared: str) -> None:
    """The headline cards: allocation, committed, disbursed, remaining (million baht); then
    for each reported line (overall, then investment) its % disbursed, its own target, its
    gap in points and in million baht, under a heading with the line's status.

    `now` / `before` are `progress.Kpis` (live) or `snapshots.SnapshotKpis` (frozen): any
    object with projects, current_allocation, committed, disbursed, remaining (baht),
    headline, and `line('overall' | 'investment')` giving a `targets.TargetLine`. Each
    card's delta is the change from `before` (none when `before` is None); `compared` says
    against what, e.g. 'เทียบสัปดาห์ก่อน', and goes in the cards' help.
    """
    ctx = page_context()
    unit = ctx.million_baht

    def change(attribute: str) -> str | None:
        new, old = getattr(now, attribute), None if before is None else getattr(before, attribute)
        return None if new is None or old is None else f"{signed(float(new - old) / 1e6)} {unit}"

    def line_change(line: str, attribute: str, money: bool = False) -> str | None:
        new = getattr(now.line(line), attribute)
        old = None if before is None else getattr(before.line(line), attribute)
        if new is None or old is None:
            return None
        if money:
            return f"{signed(float(new - old) / 1e6)} {unit}"
        return f"{signed(new - old)} " + ctx.t("จุด", "pts")

    kpi_cards([
        KpiCard(ctx.t(f"งบประมาณ ({unit})", f"Allocation ({unit})"),
                ctx.money(now.current_allocation), change("current_allocation"), "off",
                ctx.t(f"งบประมาณจัดสรรปัจจุบัน (เดิม + โอนเข้า − โอนออก), {now.projects:,} โครงการ; {compared}",
                      f"Current allocation (original + in − out), {now.projects:,} projects; {compared}")),
        KpiCard(ctx.t(f"ก่อหนี้ผูกพัน ({unit})", f"Committed ({unit})"), ctx.money(now.committed),
                change("committed"), "normal", compared),
        KpiCard(ctx.t(f"เบิกจ่าย ({unit})", f"Disbursed ({unit})"), ctx.money(now.disbursed),
                change("disbursed"), "normal", compared),
        KpiCard(ctx.t(f"คงเหลือ ({unit})", f"Remaining ({unit})"), ctx.money(now.remaining),
                change("remaining"), "inverse", compared),
    ])
    for line in LINES:
        figures = now.line(line)
        name = ctx.t(*LINE_LABELS[line])
        covers = ctx.t(*LINE_DESCRIPTIONS[line])
        st.markdown(line_caption(ctx, line, figures.status, now.headline))
        kpi_cards([
            KpiCard(ctx.t(f"{name}: ร้อยละเบิกจ่าย", f"{name}: % disbursed"), percent(figures.pct),
                    line_change(line, "pct"), "normal",
                    ctx.t(f"{covers}; งบประมาณ {ctx.money(figures.allocation)} ล้านบาท เบิกจ่าย "
                          f"{ctx.money(figures.disbursed)} ล้านบาท; {compared}",
                          f"{covers}; allocation {ctx.money(figures.allocation)}, disbursed "
                          f"{ctx.money(figures.disbursed)} million baht; {compared}")),
            KpiCard(ctx.t(f"{name}: เป้าหมาย (ร้อยละ)", f"{name}: target (%)"), percent(figures.target_pct),
                    line_change(line, "target_pct"), "off",
                    ctx.t(f"เป้าหมายการเบิกจ่ายสะสม{name}ตามมติคณะรัฐมนตรี ณ {ctx.date(now.as_of)}; {compared}",
                          f"Cabinet's cumulative {name.lower()} target on {ctx.date(now.as_of)}; {compared}")),
            KpiCard(ctx.t(f"{name}: ห่างเป้า (จุด)", f"{name}: gap (points)"),
                    signed(figures.gap_points), line_change(line, "gap_points"), "normal",
                    ctx.t("ร้อยละเบิกจ่าย − เป้าหมาย; ติดลบ = ต่ำกว่าเป้าหมาย",
                          "% disbursed − target; negative = behind target")),
            # 'm฿' in English: "Investment: gap (million baht)" does not fit a card at 1400 px
            KpiCard(ctx.t(f"{name}: ห่างเป้า ({unit})", f"{name}: gap (m฿)"),
                    signed(float(figures.gap_baht) / 1e6) if figures.gap_baht is not None else "-",
                    line_change(line, "gap_baht", money=True), "normal",
                    ctx.t(f"เบิกจ่ายจริง − เป้าหมาย{name} × งบประมาณของเส้นนี้; "
                          "ติดลบ = ต้องเบิกจ่ายเพิ่มเท่านี้จึงถึงเป้า",
                          f"disbursed − {name.lower()} target × this line's allocation; negative = still to pay "
                          "to reach the target")),
        ])


PROVINCE_MOVER_COLUMNS: list[ColumnSpec] = [
    ("province_name", "จังหวัด", "Province", "text"),
    ("pct_before", "ก่อน", "Before", "pct"),
    ("pct_after", "หลัง", "After", "pct"),
    ("change_points", "เปลี่ยน (จุด)", "Change (points)", "points"),
    ("disbursed_change", "เบิกเพิ่ม", "Paid in the week", "money"),
]
# the project name last: it is long, and the figures should be visible without scrolling
PROJECT_MOVER_COLUMNS: list[ColumnSpec] = [
    ("project_code", "รหัสโครงการ", "Code", "text"),
    ("owner_name", "พื้นที่", "Area", "text"),
    ("pct_before", "ก่อน", "Before", "pct"),
    ("pct_after", "หลัง", "After", "pct"),
    ("change_points", "เปลี่ยน (จุด)", "Change (points)", "points"),
    ("disbursed_change", "เบิกเพิ่ม", "Paid in the week", "money"),
    ("project_name", "โครงการ", "Project", "text"),
]
FLAGGED_COLUMNS: list[ColumnSpec] = [
    ("project_code", "รหัสโครงการ", "Code", "text"),
    ("project_name", "โครงการ", "Project", "text"),
    ("owner_name", "พื้นที่", "Area", "text"),
    ("flag_names", "ประเด็น", "Flags", "text"),
    ("reasons", "เหตุผล", "Reasons", "text"),
    ("pct_disbursed", "ร้อยละเบิกจ่าย", "% disbursed", "pct"),
    ("money_at_risk", "เงินที่เสี่ยง", "Money at risk", "money"),
]


def _with_names(frame: pd.DataFrame, ctx: PageContext) -> pd.DataFrame:
    """Add display columns: owner_name / province_name in the current language, flag names
    (from flag_codes text or a flags list), reasons, budget_type_name."""
    out = frame.copy()
    if "owner_name_th" in out and "owner_name_en" in out:
        out["owner_name"] = ctx.names(out["owner_name_th"], out["owner_name_en"])
    if "name_th" in out and "name_en" in out:
        out["province_name"] = ctx.names(out["name_th"], out["name_en"])
    if "flag_codes" in out:
        out["flag_names"] = [", ".join(ctx.t(*FLAGS[code]) for code in str(codes).split(",") if code in FLAGS)
                             for codes in out["flag_codes"]]
        out["reasons"] = out["reasons_th" if ctx.lang == "th" else "reasons_en"]
    elif "flags" in out:
        out["flag_names"] = [", ".join(ctx.t(*FLAGS[code]) for code in codes if code in FLAGS)
                             for codes in out["flags"]]
        out["reasons"] = out["reasons_th" if ctx.lang == "th" else "reasons_en"]
    if "budget_type" in out:
        out["budget_type_name"] = [label(BUDGET_TYPE_LABELS, code, ctx.lang) for code in out["budget_type"]]
    if "status" in out:
        out["status_name"] = [label(STATUS_LABELS, code, ctx.lang) for code in out["status"]]
    return out


def snapshot_changes(comparison: Comparison | None, file_stem: str) -> None:
    """The week-over-week section of two snapshots: provinces and projects whose % disbursed
    moved most, and the projects newly flagged as lagging or cleared (frozen figures).
    None (no earlier snapshot) shows a short notice."""
    ctx = page_context()
    if comparison is None:
        no_data(ctx.t("ยังไม่มีภาพนิ่งก่อนหน้าให้เปรียบเทียบ", "no earlier snapshot to compare with"))
        return
    st.caption(ctx.t(f"เทียบภาพนิ่ง {ctx.date(comparison.current.as_of)} กับ {ctx.date(comparison.previous.as_of)}",
                     f"Snapshot of {ctx.date(comparison.current.as_of)} compared with "
                     f"{ctx.date(comparison.previous.as_of)}"))
    left, right = st.columns(2)
    with left:
        st.markdown(ctx.t("**จังหวัดที่ร้อยละเบิกจ่ายเปลี่ยนมากที่สุด**", "**Provinces whose % moved most**"))
        if comparison.province_movers.empty:
            no_data()
        else:
            data_table(_with_names(comparison.province_movers, ctx), PROVINCE_MOVER_COLUMNS, ctx,
                       f"{file_stem}_province_movers")
    with right:
        st.markdown(ctx.t("**โครงการที่ร้อยละเบิกจ่ายเปลี่ยนมากที่สุด**", "**Projects whose % moved most**"))
        if comparison.project_movers.empty:
            no_data()
        else:
            data_table(_with_names(comparison.project_movers, ctx), PROJECT_MOVER_COLUMNS, ctx,
                       f"{file_stem}_project_movers")
    for frame, stem, title, empty in (
            (comparison.newly_flagged, "newly_flagged", ("โครงการที่เริ่มล่าช้า", "Newly flagged projects"),
             ("ไม่มีโครงการที่เริ่มล่าช้า", "No newly flagged project")),
            (comparison.cleared, "cleared", ("โครงการที่พ้นสถานะล่าช้า", "Projects cleared"),
             ("ไม่มีโครงการที่พ้นสถานะล่าช้า", "No project cleared"))):
        st.markdown(f"**{ctx.t(*title)}** ({len(frame):,})")
        if frame.empty:
            st.caption(ctx.t(*empty))
        else:
            data_table(_with_names(frame, ctx), FLAGGED_COLUMNS, ctx, f"{file_stem}_{stem}")


DIFFERENCE_COLUMNS: list[ColumnSpec] = [
    ("project_code", "รหัสโครงการ", "Project code", "text"),
    ("project_name", "ชื่อโครงการ", "Project", "text"),
    ("owner_name_th", "จังหวัด / กลุ่มจังหวัด", "Province / cluster", "text"),
    ("figure", "รายการ", "Figure", "text"),
    ("snapshot_value", "ในภาพนิ่ง", "In the snapshot", "money"),
    ("live_value", "ข้อมูลปัจจุบัน", "Live", "money"),
    ("difference", "ผลต่าง (ปัจจุบัน − ภาพนิ่ง)", "Difference (live − snapshot)", "money"),
]
# the figures snapshots.live_vs_snapshot compares, in words
FIGURE_LABELS = {
    "current_allocation": ("งบประมาณปัจจุบัน", "Current allocation"),
    "committed": ("ก่อหนี้ผูกพัน", "Committed"),
    "disbursed": ("เบิกจ่าย", "Disbursed"),
    "remaining": ("คงเหลือ", "Remaining"),
}


def snapshot_differences_table(differences: pd.DataFrame, file_stem: str) -> None:
    """The rows of `snapshots.live_vs_snapshot` (live figures for a snapshot's date that now
    differ from the frozen ones), figure names in words, money in million baht."""
    ctx = page_context()
    shown = differences.assign(figure=[ctx.t(*FIGURE_LABELS.get(column, (column, column)))
                                       for column in differences["column"]])
    data_table(shown, DIFFERENCE_COLUMNS, ctx, file_stem)


# ---------------------------------------------------------------- notices
def no_data(what: str | None = None) -> None:
    """The friendly 'no data' notice (e.g. a province with no projects), never an error."""
    context = page_context()
    text = context.t("ไม่มีข้อมูล", "No data")
    if what:
        text = f"{text} — {what}"
    st.info(text, icon=":material/info:")


def missing_database(error: Exception | None = None) -> None:
    """The page shown when no data is loaded: what is missing and who can fix it, in plain words
    (the commands are in the README and docs/weekly-routine.md, for administrators)."""
    context = page_context()
    st.title(context.t("ยังไม่มีข้อมูล", "No data loaded yet"))
    st.info(context.t(
        "ระบบยังไม่มีข้อมูลการเบิกจ่ายให้แสดง โปรดแจ้งผู้ดูแลระบบให้โหลดข้อมูล "
        "(ไฟล์รายงานการเบิกจ่ายหรือข้อมูลตัวอย่าง) แล้วรีเฟรชหน้านี้",
        "There is no budget-execution data to show yet. Please ask the system administrator to load "
        "the data (the disbursement reports, or the demo data), then refresh this page."),
        icon=":material/info:")
    if error is not None:
        log.info("no data to show: %s", error)


def lazy_tabs(tabs: Sequence[tuple[str, Callable[[], None]]], key: str) -> None:
    """Tabs of which only the open one runs (and loads its chart or grid): `tabs` are
    (label, draw) pairs. The labels are the tab's value, so `key` must change with them
    (e.g. per language)."""
    containers = st.tabs([label for label, _ in tabs], key=key, on_change="rerun")
    for container, (_, draw) in zip(containers, tabs, strict=True):
        if container.open:
            with container:
                draw()


def render_safely(render: Callable[[], None]) -> None:
    """Run a page; a missing database shows `missing_database`, any other error a clear message.

    Streamlit's own control flow (st.rerun, st.stop, st.switch_page) derives from
    BaseException and passes through untouched.
    """
    context = page_context()
    try:
        render()
    except NoDataError as error:
        missing_database(error)
    except Exception as error:  # noqa: BLE001 - a viewer must never see a traceback
        log.error("page failed:\n%s", traceback.format_exc())
        st.error(context.t(
            f"ไม่สามารถแสดงหน้านี้ได้: {type(error).__name__}: {error} — "
            "ลองรีเฟรชหน้า หากยังพบปัญหาโปรดแจ้งผู้ดูแลระบบ",
            f"This page could not be shown: {type(error).__name__}: {error} — "
            "try refreshing; if it persists, tell the administrator."),
            icon=":material/error:")
