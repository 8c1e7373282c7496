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
- `area_lines_table(frame, ctx, name_title)` shows areas (or KPI rows) with both target
  lines side by side; `kpi_rows(rows)` turns (name, Kpis) pairs into such a frame.
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

from budget_metrics.connection import LOAD_HINT, NoDataError
from budget_metrics.filters import Filters
from budget_metrics.formatting import percent, signed
from budget_metrics.lagging import FLAGS
from budget_metrics.targets import LINE_DESCRIPTIONS, LINE_LABELS, LINES
from ui.context import PageContext, page_context
from ui.labels import STATUS_BADGES, STATUS_COLORS, STATUS_LABELS, label

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
    """CSV in UTF-8 with a byte-order mark, so Excel opens Thai text correctly."""
    return frame.to_csv(index=False).encode("utf-8-sig")


def excel_bytes(frame: pd.DataFrame, sheet_name: str = "data") -> bytes:
    """An .xlsx workbook with the frame on one sheet (header row frozen)."""
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="xlsxwriter") as writer:
        frame.to_excel(writer, index=False, sheet_name=sheet_name[:31])
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


def _localised(frame: pd.DataFrame, spec: Sequence[ColumnSpec], ctx: PageContext
               ) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    """(shown, export, column config) of a read-side frame per `spec` (see `data_table`)."""
    shown, export, config = pd.DataFrame(index=frame.index), pd.DataFrame(index=frame.index), {}
    for column, thai, english, kind in spec:
        name = ctx.t(thai, english)
        values = frame[column]
        if kind == "money":
            label_text = f"{name} ({ctx.million_baht})"
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
def line_column_specs(headline: str | None = None) -> list[ColumnSpec]:
    """Columns of both reported lines for `area_lines_table` (keys as `progress.area_progress`
    names them): per line % disbursed, target, gap in points and in baht, status; the
    investment line also its own allocation. The headline line is marked with ★."""
    specs: list[ColumnSpec] = []
    for line in LINES:
        thai, english = LINE_LABELS[line]
        if line == headline:
            thai, english = f"{thai}★", f"{english}★"
        if line == "investment":
            specs.append(("investment_allocation", f"{thai}: งบประมาณ", f"{english}: allocation", "money"))
        specs += [
            (f"{line}_pct", f"{thai}: เบิกจ่าย", f"{english}: disbursed", "pct"),
            (f"{line}_target_pct", f"{thai}: เป้าหมาย", f"{english}: target", "pct"),
            (f"{line}_gap_points", f"{thai}: ห่างเป้า (จุด)", f"{english}: gap (points)", "points"),
            (f"{line}_gap_baht", f"{thai}: ห่างเป้า", f"{english}: gap", "money"),
            (f"{line}_status_label", f"{thai}: สถานะ", f"{english}: status", "text"),
        ]
    return specs


def _status_style(value: str, colours: dict[str, str]) -> str:
    colour = colours.get(value)
    return f"color: {colour}; font-weight: 600" if colour else ""


def area_lines_table(frame: pd.DataFrame, ctx: PageContext, lead: Sequence[ColumnSpec],
                     **dataframe_args: Any) -> None:
    """A table of areas (or `kpi_rows`) with both target lines side by side.

    `lead` are the first columns (name, projects, money...); then `line_column_specs`.
    Status cells are coloured like the map (the headline line, marked ★, drives colours
    and rankings). No download buttons: the exports carry the same columns.
    """
    out = frame.copy()
    headline = str(out["headline"].iloc[0]) if "headline" in out and len(out) else None
    for line in LINES:
        out[f"{line}_status_label"] = [label(STATUS_LABELS, status, ctx.lang)
                                       for status in out[f"{line}_status"].fillna("no_data")]
    shown, _, config = _localised(out, [*lead, *line_column_specs(headline)], ctx)
    colours = {label(STATUS_LABELS, status, ctx.lang): colour for status, colour in STATUS_COLORS.items()}
    status_columns = [column for column in shown.columns if column.endswith(ctx.t(": สถานะ", ": status"))]
    styled = shown.style.map(lambda value: _status_style(value, colours), subset=status_columns)
    st.dataframe(styled, column_config=config, hide_index=True, **dataframe_args)


def kpi_rows(rows: Sequence[tuple[str, Any]]) -> pd.DataFrame:
    """(name, Kpis or SnapshotKpis) pairs as a frame with `area_progress`'s column names:
    name, projects, current_allocation, committed, disbursed (float baht), then per line
    L_allocation, L_pct, L_target_pct, L_gap_points, L_gap_baht (float baht), L_status;
    headline."""
    records = []
    for name, k in rows:
        record = {"name": name, "projects": k.projects, "current_allocation": float(k.current_allocation),
                  "committed": float(k.committed), "disbursed": float(k.disbursed), "headline": k.headline}
        for line in LINES:
            figures = k.line(line)
            record.update({
                f"{line}_allocation": float(figures.allocation), f"{line}_pct": figures.pct,
                f"{line}_target_pct": figures.target_pct, f"{line}_gap_points": figures.gap_points,
                f"{line}_gap_baht": None if figures.gap_baht is None else float(figures.gap_baht),
                f"{line}_status": figures.status})
        records.append(record)
    return pd.DataFrame(records)


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
            KpiCard(ctx.t(f"{name}: ห่างจากเป้าหมาย (จุด)", f"{name}: gap to target (points)"),
                    signed(figures.gap_points), line_change(line, "gap_points"), "normal",
                    ctx.t("ร้อยละเบิกจ่าย − เป้าหมาย; ติดลบ = ต่ำกว่าเป้าหมาย",
                          "% disbursed − target; negative = behind target")),
            KpiCard(ctx.t(f"{name}: ห่างจากเป้าหมาย ({unit})", f"{name}: gap to target ({unit})"),
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
    """The page shown when no data is loaded: what happened and the one command to run."""
    context = page_context()
    st.title(context.t("ยังไม่มีข้อมูล", "No data loaded yet"))
    st.write(context.t(
        "ฐานข้อมูลยังว่างหรือยังไม่ได้สร้าง โหลดข้อมูลตัวอย่าง (หรือไฟล์ของท่าน) ด้วยคำสั่งนี้ "
        "แล้วกดรีเฟรชหน้านี้:",
        "The database is empty or missing. Load the demo data (or your files) with this "
        "command, then refresh this page:"))
    st.code(LOAD_HINT, language="bash")
    st.caption(context.t("หรือโหลดไฟล์ของท่าน: python -m etl load <ไฟล์หรือโฟลเดอร์>",
                         "or load your own files: python -m etl load <files or folder>"))
    if error is not None:
        st.caption(str(error))


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
