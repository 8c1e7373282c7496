"""Carry-over (กันเงินเหลื่อมปี): carried with / without commitment, paid vs remaining,
days to deadline, the at-risk list, by province or cluster. Layout only: every number
comes from budget_metrics.carryover.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from budget_metrics import carryover
from ui.charts import FONT, plain
from ui.context import PageContext, page_context
from ui.controls import page_choice
from ui.widgets import (
    KpiCard,
    cached,
    data_table,
    kpi_cards,
    no_data,
    render_safely,
)

# (column, Thai, English, kind) — kind: text / money / pct / date / int
PROJECT_COLUMNS = [
    ("project_code", "รหัสโครงการ", "Project code", "text"),
    ("project_name", "ชื่อโครงการ", "Project", "text"),
    ("owner_name", "จังหวัด / กลุ่มจังหวัด", "Province / cluster", "text"),
    ("commitment", "ประเภทเงินกัน", "Kind", "text"),
    ("carried", "เงินกันเหลื่อมปี", "Carried", "money"),
    ("paid", "เบิกจ่ายแล้ว", "Paid", "money"),
    ("remaining", "คงเหลือ", "Remaining", "money"),
    ("pct_paid", "ร้อยละเบิกจ่าย", "% paid", "pct"),
    ("approved_date", "วันที่อนุมัติ", "Approved", "date"),
    ("deadline", "กำหนดเบิกจ่ายถึง", "Deadline", "date"),
    ("days_to_deadline", "เหลือเวลา (วัน)", "Days to deadline", "int"),
    ("risk_text", "ความเสี่ยง", "Risk", "text"),
]


def _area_chart(table: pd.DataFrame, ctx: PageContext) -> go.Figure:
    """Horizontal stacked bars: paid and remaining carry-over per area (million baht)."""
    names = [plain(ctx.name(th, en)) for th, en in zip(table["name_th"], table["name_en"], strict=True)]
    custom = list(zip(table["carried"] / 1e6, table["pct_paid"].fillna(0), table["projects"],
                      table["at_risk"], strict=True))
    hover = ctx.t(
        "<b>%{y}</b><br>%{fullData.name} %{x:,.2f} ล้านบาท<br>กันไว้ %{customdata[0]:,.2f} ล้านบาท"
        "<br>เบิกจ่ายร้อยละ %{customdata[1]:.2f}<br>โครงการ %{customdata[2]:,d} "
        "(เสี่ยง %{customdata[3]:,d})<extra></extra>",
        "<b>%{y}</b><br>%{fullData.name} %{x:,.2f} million baht<br>carried %{customdata[0]:,.2f} "
        "million baht<br>paid %{customdata[1]:.2f}%<br>%{customdata[2]:,d} projects "
        "(%{customdata[3]:,d} at risk)<extra></extra>")
    fig = go.Figure()
    for column, thai, english, colour in (("paid", "เบิกจ่ายแล้ว", "Paid", "#1565c0"),
                                          ("remaining", "คงเหลือ", "Remaining", "#ef6c00")):
        fig.add_trace(go.Bar(y=names, x=table[column] / 1e6, orientation="h", name=ctx.t(thai, english),
                             marker_color=colour, customdata=custom, hovertemplate=hover))
    fig.update_layout(barmode="stack", height=max(260, 24 * len(table) + 110),
                      margin={"l": 10, "r": 10, "t": 40, "b": 10}, font={"family": FONT},
                      legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0})
    fig.update_xaxes(title=ctx.million_baht, tickformat=",.0f")
    fig.update_yaxes(title=None, autorange="reversed", automargin=True)
    return fig


def _with_labels(frame: pd.DataFrame, ctx: PageContext) -> pd.DataFrame:
    frame = frame.copy()
    frame["owner_name"] = ctx.names(frame["owner_name_th"], frame["owner_name_en"])
    frame["commitment"] = [ctx.t("มีหนี้ผูกพัน", "With commitment") if flag
                           else ctx.t("ไม่มีหนี้ผูกพัน", "Without commitment") for flag in frame["with_commitment"]]
    frame["risk_text"] = frame["risk_th"] if ctx.lang == "th" else frame["risk_en"]
    return frame


def render() -> None:
    ctx = page_context()
    st.title(ctx.t("กันเงินเหลื่อมปี", "Carry-over"))
    with st.spinner(ctx.t("กำลังคำนวณ…", "Computing…")):
        totals = cached(carryover.carryover_totals, ctx.filters)
        projects = cached(carryover.carryover_projects, ctx.filters)
    st.caption(ctx.t(f"ข้อมูล ณ วันที่ {ctx.date(totals.as_of)} · ปีงบประมาณ พ.ศ. {ctx.filters.fiscal_year}"
                     " · เงินกันที่อนุมัติแล้ว ณ วันที่ข้อมูล; เบิกจ่ายจากเงินกัน = รายการเบิกจ่ายแหล่งเงินกันเหลื่อมปี",
                     f"As of {ctx.date(totals.as_of)} · FY{ctx.filters.fiscal_year} · carry-overs approved "
                     "by the as-of date; paid = disbursements from the carry-over"))
    if totals.projects == 0:
        no_data(ctx.t(f"ไม่มีเงินกันเหลื่อมปีที่อนุมัติ ณ วันที่ {ctx.date(totals.as_of)} ตามตัวกรองที่เลือก",
                      f"no carry-over approved by {ctx.date(totals.as_of)} for this selection"))
        first, last = cached(carryover.carryover_period, ctx.filters)
        if first is not None:
            st.caption(ctx.t(f"เงินกันเหลื่อมปีของตัวกรองนี้อนุมัติตั้งแต่ {ctx.date(first)} กำหนดเบิกจ่ายถึง "
                             f"{ctx.date(last)} — เลือกวันที่ข้อมูลในช่วงนั้นจากแถบด้านข้าง",
                             f"Carry-overs of this selection were approved from {ctx.date(first)}, deadlines up "
                             f"to {ctx.date(last)} — pick an as-of date in that period in the sidebar"))
        return

    unit = ctx.million_baht
    kpi_cards([
        KpiCard(ctx.t(f"เงินกันเหลื่อมปี ({unit})", f"Carried over ({unit})"), ctx.money(totals.carried),
                help=ctx.t(f"{totals.projects:,} โครงการ", f"{totals.projects:,} projects")),
        KpiCard(ctx.t(f"มีหนี้ผูกพัน ({unit})", f"With commitment ({unit})"), ctx.money(totals.with_commitment)),
        KpiCard(ctx.t(f"ไม่มีหนี้ผูกพัน ({unit})", f"Without commitment ({unit})"),
                ctx.money(totals.without_commitment)),
        KpiCard(ctx.t(f"เบิกจ่ายจากเงินกัน ({unit})", f"Paid from carry-over ({unit})"), ctx.money(totals.paid),
                help=ctx.t("ร้อยละของเงินกัน", "share of the carried amount")),
        KpiCard(ctx.t("ร้อยละเบิกจ่ายเงินกัน", "% of carry-over paid"),
                "-" if totals.pct_paid is None else f"{totals.pct_paid:,.2f}%"),
        KpiCard(ctx.t(f"คงเหลือ ({unit})", f"Remaining ({unit})"), ctx.money(totals.remaining)),
        KpiCard(ctx.t("โครงการเสี่ยง", "At-risk projects"), f"{totals.at_risk_projects:,}",
                help=ctx.t("เบิกจ่ายน้อยและใกล้ครบกำหนด หรือเลยกำหนดแล้วยังเบิกไม่ครบ",
                           "little paid with the deadline near, or past the deadline with money left")),
        KpiCard(ctx.t(f"เงินคงเหลือของโครงการเสี่ยง ({unit})", f"Unpaid at risk ({unit})"),
                ctx.money(totals.at_risk_remaining)),
    ])

    st.subheader(ctx.t("เงินกันเหลื่อมปีรายพื้นที่", "Carry-over by area"))
    level = page_choice(st.radio, "level", ctx.t("ระดับ", "Level"), ["province", "cluster"], horizontal=True,
                        format_func=lambda code: ctx.t("จังหวัด", "Province") if code == "province"
                        else ctx.t("กลุ่มจังหวัด", "Cluster"))
    areas = cached(carryover.carryover_by_area, ctx.filters, level)
    if areas.empty:
        no_data(ctx.t("ไม่มีเงินกันของแผนจังหวัดในตัวกรองนี้", "no province-plan carry-over in this selection"))
    else:
        st.plotly_chart(_area_chart(areas, ctx), key="carry_area_chart")

    st.subheader(ctx.t("โครงการเสี่ยง", "At-risk carry-overs"))
    risky = cached(carryover.at_risk_carryovers, ctx.filters)
    if risky.empty:
        st.success(ctx.t("ไม่มีเงินกันที่เสี่ยงตามเกณฑ์", "No carry-over is at risk by the thresholds"))
    else:
        data_table(_with_labels(risky, ctx), PROJECT_COLUMNS, ctx, "carryover_at_risk")

    st.subheader(ctx.t("เงินกันเหลื่อมปีทุกโครงการ", "All carry-overs"))
    st.caption(ctx.t("เรียงตามกำหนดเบิกจ่ายที่ใกล้ที่สุด", "Nearest deadline first"))
    data_table(_with_labels(projects, ctx), PROJECT_COLUMNS, ctx, "carryover")


render_safely(render)
