"""Reusable page pieces: cached read-side calls, KPI cards, downloads, no-data notices.

Every page uses these so the dashboard looks and behaves the same everywhere:

- `cached(fn, *args)` calls a read-side function through `st.cache_data`, keyed on the
  data version and the arguments (filters included), so a page opens from memory
  after its first load and a new ETL load invalidates everything at once.
- `kpi_cards([KpiCard(...), ...])` draws a row of bordered metric cards.
- `download_buttons(frame, "lagging")` offers a DataFrame as CSV (UTF-8 with BOM, so
  Excel shows Thai correctly) and as an Excel workbook.
- `no_data()` is the friendly "ไม่มีข้อมูล" notice; `missing_database(error)` the page
  shown when there is nothing loaded yet; `render_safely(fn)` turns any error into a
  clear message instead of a traceback.
- `money_frame(frame, columns)` / `money_column(label)` show baht columns as million
  baht with separators while keeping them numeric (sortable).
- `data_table(frame, spec, ctx, file_stem)` shows a read-side frame with localised
  headers (money in million baht, BE dates) and offers it as CSV/Excel (baht, ISO dates).
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
import io
import logging
import traceback
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

import pandas as pd
import streamlit as st

from budget_metrics.connection import NoDataError
from budget_metrics.filters import Filters
from budget_metrics.formatting import percent, signed
from budget_metrics.lagging import FLAGS
from budget_metrics.targets import LINE_DESCRIPTIONS, LINE_LABELS, LINES
from exports.cells import safe_frame
from ui.context import PageContext, page_context
from ui.labels import STATUS_BADGES, STATUS_COLORS, STATUS_LABELS, STATUS_SHORT, label

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


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """CSV in UTF-8 with a byte-order mark, so Excel opens Thai text correctly.

    Text that a spreadsheet would run as a formula is neutralised (exports/cells.py).
    """
    return safe_frame(frame).to_csv(index=False).encode("utf-8-sig")


def excel_bytes(frame: pd.DataFrame, sheet_name: str = "data") -> bytes:
    """An .xlsx workbook with the frame on one sheet (header row frozen).

    Text is written as text, never as a formula or link, and neutralised like the CSV.
    """
    buffer = io.BytesIO()
    options = {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}
    with pd.ExcelWriter(buffer, engine="xlsxwriter", engine_kwargs={"options": options}) as writer:
        safe_frame(frame).to_excel(writer, index=False, sheet_name=sheet_name[:31])
        writer.sheets[sheet_name[:31]].freeze_panes(1, 0)
    return buffer.getvalue()


def _plain_for_export(frame: pd.DataFrame) -> pd.DataFrame:
    """Lists become '; '-joined text and timezone-free values, so CSV/Excel accept them."""
    out = frame.copy()
    for column in out.columns:
        if out[column].map(lambda value: isinstance(value, list | tuple)).any():
            out[column] = out[column].map(
                lambda value: "; ".join(map(str, value)) if isinstance(value, list | tuple) else value)
    return out


def download_buttons(frame: pd.DataFrame, file_stem: str, key: str | None = None,
                     sheet_name: str = "data") -> None:
    """Two buttons: the frame as CSV (UTF-8 BOM) and as Excel, named <file_stem>.csv/.xlsx.

    The files are built only when a button is clicked, so a large table costs nothing
    until someone asks for it.
    """
    context = page_context()
    key = key or file_stem
    plain = _plain_for_export(frame)
    left, right = st.columns(2)
    with left:
        st.download_button(context.t("ดาวน์โหลด CSV", "Download CSV"), data=lambda: csv_bytes(plain),
                           file_name=f"{file_stem}.csv", mime="text/csv", key=f"{key}_csv",
                           icon=":material/download:", on_click="ignore")
    with right:
        st.download_button(
            context.t("ดาวน์โหลด Excel", "Download Excel"),
            data=lambda: excel_bytes(plain, sheet_name), file_name=f"{file_stem}.xlsx",
            mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            key=f"{key}_xlsx", icon=":material/download:", on_click="ignore")


# A column of a `data_table`: (source column, Thai header, English header, kind), kind one of
# 'money' (baht), 'pct' (0-100), 'points' (a change of a percentage, the unit in the header),
# 'date', 'int' or 'text'.
ColumnSpec = tuple[str, str, str, str]


def _localised(frame: pd.DataFrame, spec: Sequence[ColumnSpec], ctx: PageContext, short_unit: bool = False
               ) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    """(shown, export, column config) of a read-side frame per `spec` (see `data_table`);
    short_unit writes million baht as 'ลบ.' in the headers (narrow tables)."""
    shown, export, config = pd.DataFrame(index=frame.index), pd.DataFrame(index=frame.index), {}
    unit = ctx.t("ลบ.", "m฿") if short_unit else ctx.million_baht
    for column, thai, english, kind in spec:
        name = ctx.t(thai, english)
        values = frame[column]
        if kind == "money":
            label_text = f"{name} ({unit})"
            shown[label_text] = pd.to_numeric(values, errors="coerce").astype(float) / 1_000_000
            config[label_text] = money_column(label_text)
            export[f"{name} ({ctx.t('บาท', 'baht')})"] = pd.to_numeric(values, errors="coerce")
        elif kind == "pct":
            label_text = f"{name} (%)"
            shown[label_text] = export[label_text] = pd.to_numeric(values, errors="coerce").astype(float)
            config[label_text] = percent_column(label_text)
        elif kind == "points":
            shown[name] = export[name] = pd.to_numeric(values, errors="coerce").astype(float)
            config[name] = percent_column(name)
        elif kind == "date":
            shown[name] = [ctx.date(day) for day in values]
            export[name] = [None if pd.isna(day) else day.isoformat() for day in values]
        elif kind == "text":
            # An empty cell reads better than Streamlit's grey "None" (e.g. a CSV has no sheet).
            shown[name] = values.astype(object).where(values.notna(), "")
            export[name] = values
        else:
            shown[name] = export[name] = values
    return shown, export, config


def data_table(frame: pd.DataFrame, spec: Sequence[ColumnSpec], ctx: PageContext | None, file_stem: str,
               key: str | None = None, **dataframe_args: Any) -> None:
    """Show a read-side frame with localised headers and offer it for download.

    On screen: the spec's columns in order, headers in the current language, money
    (baht) as million baht with separators (the unit in the header), percentages with
    two decimals, dates in BE (Thai) / CE (English). In the CSV/Excel download: money in
    baht (exact figures for analysts), dates as ISO 'YYYY-MM-DD'. `key` keeps the
    download buttons apart when one page shows the same file_stem twice; extra keyword
    arguments go to st.dataframe (e.g. height, width).
    """
    ctx = ctx or page_context()
    shown, export, config = _localised(frame, spec, ctx)
    st.dataframe(shown, column_config=config, hide_index=True, **dataframe_args)
    download_buttons(export, file_stem, key=key)


# ---------------------------------------------------------------- target lines in tables
# Each line's columns after the first repeat the same short headers ("gap (points)", ...);
# Streamlit needs distinct column names, so the investment line's carry a zero-width space.
_SECOND = "\u200b"
# Pixel widths that fit the name, the allocation and both lines in the main area at 1400 px.
_LINE_WIDTHS = {"pct": 88, "gap_points": 68, "gap_baht": 78, "status": 68}


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
    targets = []
    for line in LINES:
        found = frame[f"{line}_target_pct"].dropna()
        value = f"{float(found.iloc[0]):.2f}%" if len(found) and found.nunique() == 1 else "-"
        targets.append(f"{ctx.t(*LINE_LABELS[line])}{'★' if line == headline else ''} {value}")
    st.caption(ctx.t("เป้าหมายของแต่ละเส้น: ", "Each line's target: ") + " · ".join(targets)
               + ctx.t(" · ห่าง = ร้อยละเบิกจ่าย − เป้าหมายของเส้นนั้น (จุด / ล้านบาท) · ลบ. = ล้านบาท · "
                       "★ ใช้กำหนดสีและอันดับ",
                       " · gap = % disbursed − the line's own target (points / million baht) · m฿ = million "
                       "baht · ★ drives colours and rankings"))
    shown, _, config = _localised(frame, lead, ctx, short_unit=True)
    for column in (kind_column for (_, _, _, kind), kind_column in zip(lead, shown.columns, strict=True)
                   if kind == "money"):
        config[column] = st.column_config.NumberColumn(column, format="%,.2f", width=104)
    colours = {label(STATUS_SHORT, status, ctx.lang): colour for status, colour in STATUS_COLORS.items()
               if status != "no_data"}
    status_columns = []
    for line in LINES:
        headers = _line_headers(ctx, line, headline)
        shown[headers["pct"]] = pd.to_numeric(frame[f"{line}_pct"], errors="coerce").astype(float)
        shown[headers["gap_points"]] = pd.to_numeric(frame[f"{line}_gap_points"], errors="coerce").astype(float)
        shown[headers["gap_baht"]] = pd.to_numeric(frame[f"{line}_gap_baht"], errors="coerce").astype(float) / 1e6
        shown[headers["status"]] = [label(STATUS_SHORT, status, ctx.lang)
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
            (f"{name}{star}: " + ctx.t("สถานะ", "status"), [label(STATUS_LABELS, x.status, ctx.lang) for x in lines]),
        ]
    first = ctx.t("รายการ", "Figure")
    table = pd.DataFrame({first: [text for text, _ in figures]})
    for position, (area, _) in enumerate(rows):
        table[area] = [values[position] for _, values in figures]
    colours = {label(STATUS_LABELS, status, ctx.lang): colour for status, colour in STATUS_COLORS.items()
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
    badge = f":{STATUS_BADGES.get(status, 'gray')}-badge[{label(STATUS_LABELS, status, ctx.lang)}]"
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
            KpiCard(ctx.t(f"{name}: ห่างเป้า ({unit})", f"{name}: gap ({unit})"),
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
    """Add display columns: owner_name / province_name in the current language, flag names, reasons."""
    out = frame.copy()
    if "owner_name_th" in out:
        out["owner_name"] = ctx.names(out["owner_name_th"], out["owner_name_en"])
    if "name_th" in out:
        out["province_name"] = ctx.names(out["name_th"], out["name_en"])
    if "flag_codes" in out:
        out["flag_names"] = [", ".join(ctx.t(*FLAGS[code]) for code in str(codes).split(",") if code in FLAGS)
                             for codes in out["flag_codes"]]
        out["reasons"] = out["reasons_th" if ctx.lang == "th" else "reasons_en"]
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
