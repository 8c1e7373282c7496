"""Reallocations (โอนเปลี่ยนแปลง / เงินเหลือจ่าย): savings and where they went, net in/out per
area, a Sankey of flows, the ledger and the reconciliation original + in − out = current.
Layout only: every number comes from budget_metrics.reallocations.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from budget_metrics import reallocations
from ui import palette
from ui.charts import FONT, plain
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
from vocabulary import RECONCILIATION, word

LEDGER_COLUMNS = [
    ("ref_no", "เลขที่อนุมัติ", "Reference", "text"),
    ("approved_date", "วันที่อนุมัติ", "Approved", "date"),
    ("kind_label", "ประเภท", "Kind", "text"),
    ("amount", "จำนวนเงิน", "Amount", "money"),
    ("from_project_code", "โอนจากโครงการ", "From project", "text"),
    ("from_project_name", "ชื่อโครงการต้นทาง", "From project name", "text"),
    ("from_owner_name", "ต้นทาง (จังหวัด/กลุ่มจังหวัด)", "From (owner)", "text"),
    ("to_project_code", "โอนไปโครงการ", "To project", "text"),
    ("to_project_name", "ชื่อโครงการปลายทาง", "To project name", "text"),
    ("to_owner_name", "ปลายทาง (จังหวัด/กลุ่มจังหวัด)", "To (owner)", "text"),
    ("reason", "เหตุผล", "Reason", "text"),
]
NET_COLUMNS = [
    ("code", "รหัส", "Code", "text"),
    ("area_name", "พื้นที่", "Area", "text"),
    ("moved_in", "โอนเข้า", "In", "money"),
    ("moved_out", "โอนออก", "Out", "money"),
    ("net", "สุทธิ", "Net", "money"),
    ("transfers", "จำนวนรายการ", "Transfers", "int"),
]
RECONCILIATION_COLUMNS = [
    ("project_code", "รหัสโครงการ", "Project code", "text"),
    ("project_name", "ชื่อโครงการ", "Project", "text"),
    ("owner_name", "จังหวัด / กลุ่มจังหวัด", "Province / cluster", "text"),
    ("allocated_amount", "งบประมาณเดิม", "Original", "money"),
    ("moved_in", "โอนเข้า", "In", "money"),
    ("moved_out", "โอนออก", "Out", "money"),
    ("ledger_allocation", "เดิม + เข้า − ออก", "Original + in − out", "money"),
    ("current_allocation", "งบประมาณปัจจุบัน", "Current allocation", "money"),
    ("difference", "ผลต่าง", "Difference", "money"),
    ("status_text", "ผลตรวจสอบ", "Check", "text"),
]
OVERSPENT_COLUMNS = [
    ("project_code", "รหัสโครงการ", "Project code", "text"),
    ("project_name", "ชื่อโครงการ", "Project", "text"),
    ("owner_name", "จังหวัด / กลุ่มจังหวัด", "Province / cluster", "text"),
    ("current_allocation", "งบประมาณปัจจุบัน", "Current allocation", "money"),
    ("disbursed", "เบิกจ่าย", "Disbursed", "money"),
    ("excess", "เกินงบ", "Excess", "money"),
]


def _owner(frame: pd.DataFrame, prefix: str, ctx: PageContext) -> list[str]:
    return ctx.names(frame[f"{prefix}_name_th"], frame[f"{prefix}_name_en"], missing="")


def _sankey(flow: pd.DataFrame, ctx: PageContext) -> go.Figure:
    """Sources on the left, destinations on the right (an owner may appear on both sides)."""
    column = "th" if ctx.lang == "th" else "en"
    sources = list(dict.fromkeys(flow["source"]))
    targets = list(dict.fromkeys(flow["target"]))
    source_label = dict(zip(flow["source"], flow[f"source_{column}"], strict=True))
    target_label = dict(zip(flow["target"], flow[f"target_{column}"], strict=True))
    labels = [plain(source_label[key]) for key in sources] + [plain(target_label[key]) for key in targets]
    colours = ([palette.MOVED_OUT] * len(sources)) + ([palette.MOVED_IN] * len(targets))
    for index, key in enumerate(sources):
        if key == reallocations.NEW_MONEY:
            colours[index] = palette.NEW_MONEY
    for index, key in enumerate(targets):
        if key == reallocations.RETURNED:
            colours[len(sources) + index] = palette.RETURNED
    fig = go.Figure(go.Sankey(
        arrangement="snap", textfont={"size": 12, "color": "#212121", "family": FONT},
        node={"label": labels, "color": colours, "pad": 12, "thickness": 14,
              "hovertemplate": ctx.t("%{label}<br>%{value:,.2f} ล้านบาท<extra></extra>",
                                     "%{label}<br>%{value:,.2f} million baht<extra></extra>")},
        link={"source": [sources.index(key) for key in flow["source"]],
              "target": [len(sources) + targets.index(key) for key in flow["target"]],
              "value": flow["amount"] / 1e6, "customdata": flow["transfers"],
              "color": palette.LINK,
              "hovertemplate": ctx.t(
                  "%{source.label} → %{target.label}<br>%{value:,.2f} ล้านบาท "
                  "(%{customdata:,d} รายการ)<extra></extra>",
                  "%{source.label} → %{target.label}<br>%{value:,.2f} million baht "
                  "(%{customdata:,d} transfers)<extra></extra>")}))
    fig.update_layout(height=max(360, 22 * max(len(sources), len(targets)) + 80), font={"family": FONT},
                      margin={"l": 10, "r": 10, "t": 30, "b": 10})
    return fig


def _savings_chart(summary, ctx: PageContext) -> go.Figure:
    bars = [
        (ctx.t("เงินเหลือจ่ายที่เกิดขึ้น", "Savings generated"), summary.generated, palette.COMMITTED),
        (ctx.t("โอนไปใช้ในโครงการอื่น", "Reallocated"), summary.reallocated, palette.MOVED_IN),
        (ctx.t("ส่งคืน", "Returned"), summary.returned, palette.RETURNED),
        (ctx.t("ยังไม่ได้ใช้", "Not yet used"), summary.unused, palette.WATCH),  # savings idle: watch them
    ]
    fig = go.Figure(go.Bar(
        x=[name for name, _, _ in bars], y=[float(value) / 1e6 for _, value, _ in bars],
        marker_color=[colour for _, _, colour in bars],
        hovertemplate=ctx.t("%{x}<br>%{y:,.2f} ล้านบาท<extra></extra>",
                            "%{x}<br>%{y:,.2f} million baht<extra></extra>")))
    fig.update_yaxes(title=ctx.million_baht, tickformat=",.0f")
    fig.update_layout(height=320, font={"family": FONT}, margin={"l": 10, "r": 10, "t": 30, "b": 10})
    return fig


def _net_chart(table: pd.DataFrame, ctx: PageContext) -> go.Figure:
    names = [plain(name) for name in table["area_name"]]
    fig = go.Figure(go.Bar(
        y=names, x=table["net"] / 1e6, orientation="h",
        marker_color=[palette.MOVED_IN if value >= 0 else palette.MOVED_OUT for value in table["net"]],
        text=[f"{value / 1e6:+,.2f}" for value in table["net"]], textposition="outside", cliponaxis=False,
        textfont={"size": 11, "color": palette.MARKER},
        customdata=list(zip(table["moved_in"] / 1e6, table["moved_out"] / 1e6, strict=True)),
        hovertemplate=ctx.t(
            "<b>%{y}</b><br>สุทธิ %{x:+,.2f} ล้านบาท<br>โอนเข้า %{customdata[0]:,.2f}"
            "<br>โอนออก %{customdata[1]:,.2f}<extra></extra>",
            "<b>%{y}</b><br>net %{x:+,.2f} million baht<br>in %{customdata[0]:,.2f}"
            "<br>out %{customdata[1]:,.2f}<extra></extra>")))
    low, high = min(0.0, table["net"].min() / 1e6), max(0.0, table["net"].max() / 1e6)
    span = (high - low) or 1.0
    fig.update_xaxes(title=ctx.t("สุทธิ (ล้านบาท)", "Net (million baht)"), tickformat=",.1f",
                     range=[low - 0.2 * span, high + 0.2 * span],  # room for the values beside the bars
                     zeroline=True, zerolinecolor=palette.MARKER)
    fig.update_yaxes(title=None, autorange="reversed", automargin=True)
    fig.update_layout(height=max(260, 22 * len(table) + 90), font={"family": FONT},
                      margin={"l": 10, "r": 10, "t": 30, "b": 10})
    return fig


def render() -> None:
    ctx = page_context()
    st.title(ctx.t("โอนเปลี่ยนแปลง / เงินเหลือจ่าย", "Reallocations and savings"))
    with st.spinner(ctx.t("กำลังคำนวณ…", "Computing…")):
        summary = cached(reallocations.savings_summary, ctx.filters)
        ledger = cached(reallocations.ledger, ctx.filters)
        recon = cached(reallocations.reconciliation, ctx.filters)
    st.caption(ctx.t(f"ข้อมูล ณ วันที่ {ctx.date(summary.as_of)} · ปีงบประมาณ พ.ศ. {ctx.filters.fiscal_year}"
                     " · รายการโอนที่อนุมัติแล้ว ณ วันที่ข้อมูล",
                     f"As of {ctx.date(summary.as_of)} · FY{ctx.filters.fiscal_year} · transfers approved "
                     "by the as-of date"))

    if recon.empty:
        no_data(ctx.t("ไม่มีโครงการตามตัวกรองที่เลือก", "no projects in this selection"))
        return

    unit = ctx.million_baht
    kpi_cards([
        KpiCard(ctx.t(f"เงินเหลือจ่าย ({unit})", f"Savings ({unit})"),
                ctx.money(summary.generated),
                help=ctx.t("งบประมาณเดิม − วงเงินตามสัญญา ของสัญญาที่ลงนามแล้ว",
                           "original allocation − contract amount, signed contracts")),
        KpiCard(ctx.t(f"โอนไปใช้ต่อ ({unit})", f"Reallocated ({unit})"), ctx.money(summary.reallocated),
                help=ctx.t("รายการประเภทเงินเหลือจ่าย/โอนเปลี่ยนแปลง ออกจากโครงการที่เลือกไปยังโครงการอื่น",
                           "savings/change transfers out of the selected projects into another project")),
        KpiCard(ctx.t(f"ส่งคืน ({unit})", f"Returned ({unit})"), ctx.money(summary.returned)),
        KpiCard(ctx.t(f"ยังไม่ได้ใช้ ({unit})", f"Not yet used ({unit})"), ctx.money(summary.unused),
                help=ctx.t("เงินเหลือจ่ายที่ยังไม่ได้โอนไปใช้หรือส่งคืน", "savings neither reallocated nor returned")),
        KpiCard(ctx.t(f"โอนเข้า ({unit})", f"Moved in ({unit})"), ctx.money(summary.moved_in)),
        KpiCard(ctx.t(f"โอนออก ({unit})", f"Moved out ({unit})"), ctx.money(summary.moved_out)),
        KpiCard(ctx.t(f"เงินจัดสรรเพิ่ม ({unit})", f"New money in ({unit})"), ctx.money(summary.new_money)),
        KpiCard(ctx.t("จำนวนรายการโอน", "Transfers"), f"{len(ledger):,}"),
    ])

    # Savings chart beside the explanation; the Sankey gets the full width so its
    # province and cluster labels stay readable.
    st.subheader(ctx.t("เงินเหลือจ่าย: เกิดขึ้น / โอน / ส่งคืน", "Savings: generated / moved / returned"))
    st.plotly_chart(_savings_chart(summary, ctx), key="savings_chart")

    st.subheader(ctx.t("เส้นทางการโอนเงิน", "Where the money went"))
    internal = st.toggle(ctx.t("รวมการโอนระหว่างโครงการในจังหวัด/กลุ่มจังหวัดเดียวกัน",
                               "Include moves within one province / cluster"), value=False,
                         key="sankey_internal")
    flow = cached(reallocations.flows, ctx.filters, internal)
    if flow.empty:
        no_data(ctx.t("ไม่มีรายการโอน", "no transfers"))
    else:
        top = st.slider(ctx.t("จำนวนเส้นทางที่แสดง (มากที่สุดก่อน)", "Flows shown (largest first)"),
                        min_value=5, max_value=max(5, min(100, len(flow))),
                        value=min(20, max(5, len(flow))), key="sankey_top") if len(flow) > 5 else len(flow)
        st.plotly_chart(_sankey(flow.head(top), ctx), key="sankey_chart")
        st.caption(ctx.t(f"แสดง {min(top, len(flow)):,} จาก {len(flow):,} เส้นทาง (ต้นทาง → ปลายทาง)",
                         f"showing {min(top, len(flow)):,} of {len(flow):,} flows (source → destination)"))

    st.subheader(ctx.t("โอนเข้า-ออกสุทธิรายพื้นที่", "Net in / out by area"))
    level = page_choice(st.radio, "level", ctx.t("ระดับ", "Level"), ["province", "cluster"], horizontal=True,
                        format_func=lambda code: ctx.t("จังหวัด", "Province") if code == "province"
                        else ctx.t("กลุ่มจังหวัด", "Cluster"))
    net = cached(reallocations.net_by_area, ctx.filters, level)
    if net.empty:
        no_data(ctx.t("ไม่มีการโอนในพื้นที่ที่เลือก", "no transfers in this selection"))
    else:
        net["area_name"] = ctx.names(net["name_th"], net["name_en"])
        chart, table = st.columns([3, 2])
        with chart:
            unit = ("จังหวัด", "provinces") if level == "province" else ("กลุ่มจังหวัด", "clusters")
            # the largest moves either way; the table beside keeps every area
            largest = first_rows(net.reindex(net["net"].abs().sort_values(ascending=False).index), ctx,
                                 "net_area_all", unit)
            st.plotly_chart(_net_chart(largest.sort_values(["net", "code"], ascending=[False, True]), ctx),
                            key="net_chart")
        with table:
            data_table(net, NET_COLUMNS, ctx, f"reallocations_net_{level}")

    st.subheader(ctx.t("ทะเบียนการโอน", "Transfer ledger"))
    if ledger.empty:
        no_data(ctx.t("ไม่มีรายการโอน", "no transfers"))
    else:
        ledger["kind_label"] = ledger["kind_th"] if ctx.lang == "th" else ledger["kind_en"]
        ledger["from_owner_name"] = _owner(ledger, "from_owner", ctx)
        ledger["to_owner_name"] = _owner(ledger, "to_owner", ctx)
        data_table(ledger, LEDGER_COLUMNS, ctx, "reallocations_ledger")

    st.subheader(ctx.t("กระทบยอด: งบประมาณเดิม + โอนเข้า − โอนออก = งบประมาณปัจจุบัน",
                       "Reconciliation: original + in − out = current allocation"))
    with st.spinner(ctx.t("กำลังกระทบยอด…", "Reconciling…")):
        overspent = cached(reallocations.overspent_projects, ctx.filters)
    recon["owner_name"] = _owner(recon, "owner", ctx)
    recon["status_text"] = [
        word(RECONCILIATION, "balances" if ok else "mismatch" if known else "unknown", ctx.lang)
        for ok, known in zip(recon["matches"], recon["known"], strict=True)]
    bad = recon[~recon["matches"]]
    if bad.empty:
        st.success(ctx.t(f"ตรวจสอบแล้ว {len(recon):,} โครงการ — ยอดตรงกันทุกโครงการ",
                         f"Checked {len(recon):,} projects — every one balances"))
    else:
        st.warning(ctx.t(f"พบ {len(bad):,} รายการที่ยอดไม่ตรงกัน (จากที่ตรวจ {len(recon):,})",
                         f"{len(bad):,} mismatches found (of {len(recon):,} checked)"))
        data_table(bad, RECONCILIATION_COLUMNS, ctx, "reconciliation_mismatches")
    with st.expander(ctx.t("ผลกระทบยอดทุกโครงการ", "Reconciliation of every project")):
        data_table(recon, RECONCILIATION_COLUMNS, ctx, "reconciliation")

    if overspent.empty:
        st.success(ctx.t("ไม่มีโครงการที่เบิกจ่ายเกินงบประมาณปัจจุบัน",
                         "No project has disbursed more than its current allocation"))
    else:
        st.warning(ctx.t(f"{len(overspent):,} โครงการเบิกจ่ายเกินงบประมาณปัจจุบัน",
                         f"{len(overspent):,} projects disbursed more than their current allocation"))
        overspent["owner_name"] = _owner(overspent, "owner", ctx)
        data_table(overspent, OVERSPENT_COLUMNS, ctx, "overspent_projects")


render_safely(render)
