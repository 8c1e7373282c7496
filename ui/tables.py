"""Data tables on screen: `data_table(frame, spec, ctx, file_stem)` shows a read-side frame with localised
headers (money in million baht, percentages, BE dates) and offers it as CSV/Excel (baht, real dates) below;
`localised` builds the shown frame and its column config; `project_grid(table, columns, ctx, key)` is a
project table sized to fit at 1400 px whose clicked row is returned (for `ui.project_detail`);
`first_rows` keeps a long ranking to its first rows behind a "show all" toggle.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd
import streamlit as st

from ui.columns import ColumnSpec, money_column, percent_column
from ui.context import PageContext, page_context
from ui.downloads import download_buttons
from ui.palette import STATUS_COLORS
from vocabulary import STATUSES, word


def localised(
    frame: pd.DataFrame, spec: Sequence[ColumnSpec], ctx: PageContext, short_unit: bool = False
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


def data_table(
    frame: pd.DataFrame,
    spec: Sequence[ColumnSpec],
    ctx: PageContext | None,
    file_stem: str,
    key: str | None = None,
    **dataframe_args: Any,
) -> None:
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
    shown, config = localised(frame, spec, ctx)
    st.dataframe(shown, column_config=config, hide_index=True, **dataframe_args)
    download_buttons(frame, file_stem, ctx, spec, key=key)


# ---------------------------------------------------------------- long rankings
def first_rows(frame: pd.DataFrame, ctx: PageContext, key: str, unit: tuple[str, str], limit: int = 20) -> pd.DataFrame:
    """The first `limit` rows of a ranked frame (e.g. 76 provinces), with a "show all" toggle
    and a caption saying how many are shown, so a chart keeps readable labels; all rows when
    there are no more than `limit`."""
    if len(frame) <= limit:
        return frame
    if st.toggle(ctx.t(f"แสดงทั้งหมด ({len(frame):,} {unit[0]})", f"Show all ({len(frame):,} {unit[1]})"), key=key):
        return frame
    st.caption(
        ctx.t(
            f"แสดง {limit:,} อันดับแรกจาก {len(frame):,} {unit[0]}",
            f"Showing the first {limit:,} of {len(frame):,} {unit[1]}",
        )
    )
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


def project_grid(
    table: pd.DataFrame, columns: Sequence[GridColumn], ctx: PageContext, key: str, height: int = 420
) -> pd.Series | None:
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
    colours = {
        word(STATUSES, status, ctx.lang): colour for status, colour in STATUS_COLORS.items() if status != "no_data"
    }
    styled = (
        shown.style.map(
            lambda value: f"color: {colours[value]}; font-weight: 600" if value in colours else "",
            subset=status_columns,
        )
        if status_columns
        else shown
    )
    event = st.dataframe(
        styled,
        column_config=config,
        hide_index=True,
        width="stretch",
        height=height,
        on_select="rerun",
        selection_mode="single-row",
        key=key,
    )
    rows = event.selection.rows if event is not None and event.selection else []
    if not rows or rows[0] >= len(values_of):
        st.caption(ctx.t("คลิกที่แถวเพื่อดูรายละเอียดทุกช่องของโครงการ", "Click a row to see every field of the project"))
        return None
    return values_of.iloc[rows[0]]
