"""Tables of the two target lines (overall and investment): `area_lines_table(frame, ctx, lead)` shows
areas with both lines side by side (% disbursed, gap in points and in million baht, status in the map's
colours), `comparison_lines_table(rows, ctx)` an area, its cluster and the nation as columns with the
figures as rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd
import streamlit as st

from budget_metrics.formatting import percent, signed
from budget_metrics.targets import LINE_LABELS, LINES, frame_lines
from ui.columns import ColumnSpec
from ui.context import PageContext
from ui.palette import STATUS_COLORS
from ui.tables import localised
from vocabulary import STATUSES, word

# ---------------------------------------------------------------- target lines in tables
# Each line's columns after the first repeat the same short headers ("gap (points)", ...);
# Streamlit needs distinct column names, so the investment line's carry a zero-width space.
_SECOND = "\u200b"
# Pixel widths that fit the name, the allocation and both lines in the main area at 1400 px.
_LINE_WIDTHS = {"pct": 80, "gap_points": 68, "gap_baht": 78, "status": 108}


def _line_headers(ctx: PageContext, line: str, headline: str | None) -> dict[str, str]:
    star = "★" if line == headline else ""
    mark = _SECOND if line != LINES[0] else ""
    return {
        "pct": f"{ctx.t(*LINE_LABELS[line])}{star} %",
        "gap_points": ctx.t("ห่าง (จุด)", "gap (pts)") + mark,
        "gap_baht": ctx.t("ห่าง (ลบ.)", "gap (m฿)") + mark,
        "status": ctx.t("สถานะ", "status") + mark,
    }


def area_lines_table(frame: pd.DataFrame, ctx: PageContext, lead: Sequence[ColumnSpec], **dataframe_args: Any) -> None:
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
    st.caption(
        ctx.t("เป้าหมายของแต่ละเส้น: ", "Each line's target: ")
        + " · ".join(targets)
        + ctx.t(
            " · ห่าง = ร้อยละเบิกจ่าย − เป้าหมายของเส้นนั้น (จุด / ล้านบาท) · ลบ. = ล้านบาท · ★ ใช้กำหนดสีและอันดับ",
            " · gap = % disbursed − the line's own target (points / million baht) · m฿ = million "
            "baht · ★ drives colours and rankings",
        )
    )
    shown, config = localised(frame, lead, ctx, short_unit=True)
    for column in (
        kind_column for (_, _, _, kind), kind_column in zip(lead, shown.columns, strict=True) if kind == "money"
    ):
        config[column] = st.column_config.NumberColumn(column, format="%,.2f", width=110)
    colours = {
        word(STATUSES, status, ctx.lang): colour for status, colour in STATUS_COLORS.items() if status != "no_data"
    }
    status_columns = []
    for line in shown_lines:
        headers = _line_headers(ctx, line, headline)
        shown[headers["pct"]] = pd.to_numeric(frame[f"{line}_pct"], errors="coerce").astype(float)
        config[headers["pct"]] = st.column_config.NumberColumn(headers["pct"], format="%.2f", width=_LINE_WIDTHS["pct"])
        if frame[f"{line}_target_pct"].notna().any():  # a year without cabinet targets has no gap to show
            shown[headers["gap_points"]] = pd.to_numeric(frame[f"{line}_gap_points"], errors="coerce").astype(float)
            shown[headers["gap_baht"]] = pd.to_numeric(frame[f"{line}_gap_baht"], errors="coerce").astype(float) / 1e6
            config[headers["gap_points"]] = st.column_config.NumberColumn(
                headers["gap_points"], format="%.2f", width=_LINE_WIDTHS["gap_points"]
            )
            config[headers["gap_baht"]] = st.column_config.NumberColumn(
                headers["gap_baht"], format="%,.2f", width=_LINE_WIDTHS["gap_baht"]
            )
        shown[headers["status"]] = [
            word(STATUSES, status, ctx.lang) for status in frame[f"{line}_status"].fillna("no_data")
        ]
        config[headers["status"]] = st.column_config.TextColumn(headers["status"], width=_LINE_WIDTHS["status"])
        status_columns.append(headers["status"])
    styled = shown.style.map(
        lambda value: f"color: {colours[value]}; font-weight: 600" if value in colours else "", subset=status_columns
    )
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
            (
                f"{name}{star}: " + ctx.t(f"ห่างเป้า ({unit})", f"gap ({unit})"),
                [signed(None if x.gap_baht is None else float(x.gap_baht) / 1e6) for x in lines],
            ),
            (f"{name}{star}: " + ctx.t("สถานะ", "status"), [word(STATUSES, x.status, ctx.lang) for x in lines]),
        ]
    first = ctx.t("รายการ", "Figure")
    table = pd.DataFrame({first: [text for text, _ in figures]})
    for position, (area, _) in enumerate(rows):
        table[area] = [values[position] for _, values in figures]
    colours = {
        word(STATUSES, status, ctx.lang): colour for status, colour in STATUS_COLORS.items() if status != "no_data"
    }
    styled = table.style.map(
        lambda value: f"color: {colours[value]}; font-weight: 600" if value in colours else "",
        subset=list(table.columns[1:]),
    )
    config = {area: st.column_config.TextColumn(area, width="medium") for area, _ in rows}
    st.dataframe(styled, hide_index=True, column_config=config, height=35 * (len(table) + 1) + 3)
