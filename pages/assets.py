"""Asset transfers (โอนสินทรัพย์): counts and value by status and by area, the overdue list
and the ageing of untransferred assets. Layout only: every number comes from
budget_metrics.assets.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from budget_metrics import assets, reference
from budget_metrics.projects import resolve_as_of
from ui import palette
from ui.charts import FONT, add_bar_totals, plain
from ui.context import PageContext, page_context
from ui.controls import page_choice
from ui.widgets import (
    KpiCard,
    cached,
    data_table,
    first_rows,
    kpi_cards,
    no_data,
    render_safely,
)

ASSET_COLUMNS = [
    ("asset_id", "รหัสสินทรัพย์", "Asset", "text"),
    ("description", "รายการสินทรัพย์", "Description", "text"),
    ("project_code", "รหัสโครงการ", "Project code", "text"),
    ("project_name", "ชื่อโครงการ", "Project", "text"),
    ("owner_name", "จังหวัด / กลุ่มจังหวัด", "Province / cluster", "text"),
    ("value", "มูลค่า", "Value", "money"),
    ("recipient", "หน่วยงานผู้รับโอน", "Recipient", "text"),
    ("completed_date", "วันที่ตรวจรับ", "Completed", "date"),
    ("days_since_completion", "จำนวนวันนับจากตรวจรับ", "Days since completion", "int"),
    ("transferred_date", "วันที่โอน", "Transferred", "date"),
    ("status_label", "สถานะ ณ วันที่ข้อมูล", "Status as of date", "text"),
]
AREA_COLUMNS = [
    ("code", "รหัส", "Code", "text"),
    ("area_name", "พื้นที่", "Area", "text"),
    ("pending_assets", "รอโอน (รายการ)", "Pending (count)", "int"),
    ("pending_value", "รอโอน", "Pending", "money"),
    ("in_progress_assets", "ระหว่างดำเนินการ (รายการ)", "In progress (count)", "int"),
    ("in_progress_value", "ระหว่างดำเนินการ", "In progress", "money"),
    ("transferred_assets", "โอนแล้ว (รายการ)", "Transferred (count)", "int"),
    ("transferred_value", "โอนแล้ว", "Transferred", "money"),
    ("overdue", "ค้างโอนเกินกำหนด (รายการ)", "Overdue (count)", "int"),
]


def _labelled(frame: pd.DataFrame, ctx: PageContext) -> pd.DataFrame:
    frame = frame.copy()
    frame["owner_name"] = ctx.names(frame["owner_name_th"], frame["owner_name_en"])
    frame["status_label"] = frame["status_th"] if ctx.lang == "th" else frame["status_en"]
    frame["days_since_completion"] = frame["days_since_completion"].astype("Int64")
    return frame


def _ageing_chart(table: pd.DataFrame, overdue_days: int, ctx: PageContext) -> go.Figure:
    """Bars of untransferred assets per age bucket: waiting in amber, the overdue part in red."""
    labels = [ctx.t(f"{bucket} วัน", f"{bucket} days") for bucket in table["bucket"]]
    waiting = table["assets"] - table["overdue"]
    custom = list(zip(table["value"] / 1e6, table["assets"], strict=True))
    hover = ctx.t("%{x}<br>%{fullData.name} %{y:,d} รายการ<br>ทั้งช่วง %{customdata[1]:,d} รายการ "
                  "มูลค่า %{customdata[0]:,.2f} ล้านบาท<extra></extra>",
                  "%{x}<br>%{fullData.name} %{y:,d}<br>bucket total %{customdata[1]:,d} assets, "
                  "%{customdata[0]:,.2f} million baht<extra></extra>")
    fig = go.Figure()
    fig.add_trace(go.Bar(x=labels, y=waiting, name=ctx.t("ยังไม่เกินกำหนด", "Not yet overdue"),
                         marker_color=palette.WATCH, customdata=custom, hovertemplate=hover))
    fig.add_trace(go.Bar(x=labels, y=table["overdue"],
                         name=ctx.t(f"ค้างโอนเกิน {overdue_days} วัน", f"Overdue (> {overdue_days} days)"),
                         marker_color=palette.BEHIND, customdata=custom, hovertemplate=hover))
    fig.update_layout(barmode="stack", height=340, font={"family": FONT},
                      margin={"l": 10, "r": 10, "t": 40, "b": 10},
                      legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0})
    fig.update_xaxes(title=ctx.t("จำนวนวันนับจากตรวจรับ (ยังไม่โอน)", "Days since completion (not transferred)"))
    fig.update_yaxes(title=ctx.t("จำนวนรายการ", "Assets"), tickformat=",d")
    return fig


def _area_chart(table: pd.DataFrame, ctx: PageContext) -> go.Figure:
    """Stacked horizontal bars of asset value by status per area (million baht)."""
    names = [plain(name) for name in table["area_name"]]
    fig = go.Figure()
    for status, (thai, english) in assets.STATUSES.items():
        fig.add_trace(go.Bar(
            y=names, x=table[f"{status}_value"] / 1e6, orientation="h", name=ctx.t(thai, english),
            marker_color=palette.ASSET_STATUS_COLORS[status], customdata=table[f"{status}_assets"],
            hovertemplate=ctx.t(f"<b>%{{y}}</b><br>{thai} %{{customdata:,d}} รายการ "
                                "%{x:,.2f} ล้านบาท<extra></extra>",
                                f"<b>%{{y}}</b><br>{english} %{{customdata:,d}} assets, "
                                "%{x:,.2f} million baht<extra></extra>")))
    add_bar_totals(fig, names, sum(table[f"{status}_value"] for status in assets.STATUSES) / 1e6)
    fig.update_layout(barmode="stack", height=max(260, 24 * len(table) + 110), font={"family": FONT},
                      margin={"l": 10, "r": 50, "t": 40, "b": 10},
                      legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0})
    fig.update_xaxes(title=ctx.million_baht, tickformat=",.0f")
    fig.update_yaxes(title=None, autorange="reversed", automargin=True)
    return fig


def render() -> None:
    ctx = page_context()
    st.title(ctx.t("โอนสินทรัพย์", "Asset transfers"))
    with st.spinner(ctx.t("กำลังคำนวณ…", "Computing…")):
        summary = cached(assets.status_summary, ctx.filters)
        overdue = cached(assets.overdue_assets, ctx.filters)
        limits = reference.thresholds()
    overdue_days = int(limits["asset_overdue_days"])
    as_of = ctx.as_of_shown or cached(resolve_as_of, ctx.filters)
    st.caption(ctx.t(f"ข้อมูล ณ วันที่ {ctx.date(as_of)} · ค้างโอน = ตรวจรับเกิน {overdue_days} วันแล้วยังไม่โอน",
                     f"As of {ctx.date(as_of)} · overdue = completed more than {overdue_days} days ago, "
                     "not transferred"))
    if summary["assets"].sum() == 0:
        no_data(ctx.t("ไม่มีรายการสินทรัพย์ตามตัวกรองที่เลือก", "no assets in this selection"))
        return

    unit = ctx.million_baht
    by_status = summary.set_index("status")
    cards = []
    for status, (thai, english) in assets.STATUSES.items():
        cards.append(KpiCard(ctx.t(f"{thai} (รายการ)", f"{english} (assets)"),
                             f"{int(by_status.loc[status, 'assets']):,}",
                             help=ctx.t(f"มูลค่า {ctx.money(by_status.loc[status, 'value'])} ล้านบาท",
                                        f"value {ctx.money(by_status.loc[status, 'value'])} million baht")))
    cards.append(KpiCard(ctx.t("ค้างโอนเกินกำหนด (รายการ)", "Overdue (assets)"), f"{len(overdue):,}"))
    for status, (thai, english) in assets.STATUSES.items():
        cards.append(KpiCard(ctx.t(f"{thai} ({unit})", f"{english} ({unit})"),
                             ctx.money(by_status.loc[status, "value"])))
    cards.append(KpiCard(ctx.t(f"ค้างโอนเกินกำหนด ({unit})", f"Overdue ({unit})"),
                         ctx.money(overdue["value"].sum() if not overdue.empty else 0)))
    kpi_cards(cards)

    left, right = st.columns(2)
    with left:
        st.subheader(ctx.t("อายุสินทรัพย์ที่ยังไม่โอน", "Ageing of untransferred assets"))
        ageing = cached(assets.ageing, ctx.filters)
        if ageing["assets"].sum() == 0:
            no_data(ctx.t("ไม่มีสินทรัพย์ที่ตรวจรับแล้วรอโอน", "no completed asset waiting for transfer"))
        else:
            st.plotly_chart(_ageing_chart(ageing, overdue_days, ctx), key="ageing_chart")
    with right:
        st.subheader(ctx.t("จำนวนและมูลค่าตามสถานะ", "Count and value by status"))
        shown = summary.copy()
        shown["status_label"] = shown["status_th"] if ctx.lang == "th" else shown["status_en"]
        data_table(shown, [("status_label", "สถานะ", "Status", "text"), ("assets", "จำนวนรายการ", "Assets", "int"),
                       ("value", "มูลค่า", "Value", "money")], ctx, "assets_by_status")

    st.subheader(ctx.t("สินทรัพย์รายพื้นที่", "Assets by area"))
    level = page_choice(st.radio, "level", ctx.t("ระดับ", "Level"), ["province", "cluster"], horizontal=True,
                        format_func=lambda code: ctx.t("จังหวัด", "Province") if code == "province"
                        else ctx.t("กลุ่มจังหวัด", "Cluster"))
    areas = cached(assets.assets_by_area, ctx.filters, level)
    if areas.empty:
        no_data(ctx.t("ไม่มีสินทรัพย์ของแผนจังหวัดในตัวกรองนี้", "no province-plan assets in this selection"))
    else:
        areas["area_name"] = ctx.names(areas["name_th"], areas["name_en"])
        unit = ("จังหวัด", "provinces") if level == "province" else ("กลุ่มจังหวัด", "clusters")
        st.plotly_chart(_area_chart(first_rows(areas, ctx, "asset_area_all", unit), ctx), key="asset_area_chart")
        data_table(areas, AREA_COLUMNS, ctx, f"assets_by_{level}")

    st.subheader(ctx.t(f"รายการค้างโอนเกิน {overdue_days} วัน", f"Overdue for more than {overdue_days} days"))
    if overdue.empty:
        st.success(ctx.t("ไม่มีสินทรัพย์ค้างโอนเกินกำหนด", "No asset is overdue for transfer"))
    else:
        data_table(_labelled(overdue, ctx), ASSET_COLUMNS, ctx, "assets_overdue")

    with st.expander(ctx.t("สินทรัพย์ทั้งหมด", "All assets")):
        data_table(_labelled(cached(assets.asset_list, ctx.filters), ctx), ASSET_COLUMNS, ctx, "assets_all")


render_safely(render)
