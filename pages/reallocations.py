"""Reallocations (โอนเปลี่ยนแปลง / เงินเหลือจ่าย): savings and where they went, net in/out per
area, a Sankey of flows, the ledger and the reconciliation original + in − out = current.
Layout only: every number comes from budget_metrics.reallocations.

The first screen is light HTML (ui/light.py: no chart library, no data grid): the savings
and moves, the five largest transfers and the areas whose allocation moved most, whether
the reconciliation balances and whether any project overspent, with downloads of the ledger
and the net table. The charts and full tables are tabs; only the open tab runs.
"""

from __future__ import annotations

from functools import partial

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from budget_metrics import reallocations
from ui import light, palette
from ui.cache import cached
from ui.charts import FONT, PLOTLY_CONFIG, plain
from ui.context import PageContext
from ui.money_page import DownloadFile, area_section_heading, as_of_caption, download_pair, open_money_page
from ui.page_filters import page_choice
from ui.page_shell import lazy_tabs, no_data, render_safely
from ui.tables import data_table, first_rows
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
    fig = go.Figure(
        go.Sankey(
            arrangement="snap",
            textfont={"size": 12, "family": FONT},
            node={
                "label": labels,
                "color": colours,
                "pad": 12,
                "thickness": 14,
                "hovertemplate": ctx.t(
                    "%{label}<br>%{value:,.2f} ล้านบาท<extra></extra>",
                    "%{label}<br>%{value:,.2f} million baht<extra></extra>",
                ),
            },
            link={
                "source": [sources.index(key) for key in flow["source"]],
                "target": [len(sources) + targets.index(key) for key in flow["target"]],
                "value": flow["amount"] / 1e6,
                "customdata": flow["transfers"],
                "color": palette.LINK,
                "hovertemplate": ctx.t(
                    "%{source.label} → %{target.label}<br>%{value:,.2f} ล้านบาท "
                    "(%{customdata:,d} รายการ)<extra></extra>",
                    "%{source.label} → %{target.label}<br>%{value:,.2f} million baht "
                    "(%{customdata:,d} transfers)<extra></extra>",
                ),
            },
        )
    )
    fig.update_layout(
        height=max(360, 22 * max(len(sources), len(targets)) + 80),
        font={"family": FONT},
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
    )
    return fig


def _savings_chart(summary, ctx: PageContext) -> go.Figure:
    bars = [
        (ctx.t("เงินเหลือจ่ายที่เกิดขึ้น", "Savings generated"), summary.generated, palette.COMMITTED),
        (ctx.t("โอนไปใช้ในโครงการอื่น", "Reallocated"), summary.reallocated, palette.MOVED_IN),
        (ctx.t("ส่งคืน", "Returned"), summary.returned, palette.RETURNED),
        (ctx.t("ยังไม่ได้ใช้", "Not yet used"), summary.unused, palette.WATCH),  # savings idle: watch them
    ]
    fig = go.Figure(
        go.Bar(
            x=[name for name, _, _ in bars],
            y=[float(value) / 1e6 for _, value, _ in bars],
            marker_color=[colour for _, _, colour in bars],
            hovertemplate=ctx.t(
                "%{x}<br>%{y:,.2f} ล้านบาท<extra></extra>", "%{x}<br>%{y:,.2f} million baht<extra></extra>"
            ),
        )
    )
    fig.update_yaxes(title=ctx.million_baht, tickformat=",.0f")
    fig.update_layout(height=320, font={"family": FONT}, margin={"l": 10, "r": 10, "t": 30, "b": 10})
    return fig


def _net_chart(table: pd.DataFrame, ctx: PageContext) -> go.Figure:
    names = [plain(name) for name in table["area_name"]]
    fig = go.Figure(
        go.Bar(
            y=names,
            x=table["net"] / 1e6,
            orientation="h",
            marker_color=[palette.MOVED_IN if value >= 0 else palette.MOVED_OUT for value in table["net"]],
            text=[f"{value / 1e6:+,.2f}" for value in table["net"]],
            textposition="outside",
            cliponaxis=False,
            textfont={"size": 11},
            customdata=list(zip(table["moved_in"] / 1e6, table["moved_out"] / 1e6, strict=True)),
            hovertemplate=ctx.t(
                "<b>%{y}</b><br>สุทธิ %{x:+,.2f} ล้านบาท<br>โอนเข้า %{customdata[0]:,.2f}"
                "<br>โอนออก %{customdata[1]:,.2f}<extra></extra>",
                "<b>%{y}</b><br>net %{x:+,.2f} million baht<br>in %{customdata[0]:,.2f}"
                "<br>out %{customdata[1]:,.2f}<extra></extra>",
            ),
        )
    )
    low, high = min(0.0, table["net"].min() / 1e6), max(0.0, table["net"].max() / 1e6)
    span = (high - low) or 1.0
    fig.update_xaxes(
        title=ctx.t("สุทธิ (ล้านบาท)", "Net (million baht)"),
        tickformat=",.1f",
        range=[low - 0.2 * span, high + 0.2 * span],  # room for the values beside the bars
        zeroline=True,
        zerolinecolor=palette.MARKER,
    )
    fig.update_yaxes(title=None, autorange="reversed", automargin=True)
    fig.update_layout(
        height=max(260, 22 * len(table) + 90), font={"family": FONT}, margin={"l": 10, "r": 10, "t": 30, "b": 10}
    )
    return fig


TOP_SHOWN = 5  # largest transfers and largest net moves listed on the first screen
AREAS_SHOWN = 20  # areas in the light "net by area" table before the chart and grid tabs


def _first_level(ctx: PageContext) -> str:
    """The first screen's area level: provinces, or clusters when the sidebar selects the cluster plans only."""
    return "cluster" if ctx.filters.plan_type == "cluster" else "province"


def _unit(level: str) -> tuple[str, str]:
    return ("จังหวัด", "provinces") if level == "province" else ("กลุ่มจังหวัด", "clusters")


def _figures(summary, transfers: int, ctx: PageContext) -> str:
    """Savings and moves (million baht) and the number of transfers as light figure boxes."""
    unit = ctx.million_baht
    return light.figures(
        [
            light.Figure(
                "generated",
                ctx.t(f"เงินเหลือจ่าย ({unit})", f"Savings ({unit})"),
                ctx.money(summary.generated),
                ctx.t(
                    "งบประมาณเดิม − วงเงินตามสัญญา ของสัญญาที่ลงนามแล้ว",
                    "original allocation − contract amount, signed contracts",
                ),
            ),
            light.Figure(
                "reallocated",
                ctx.t(f"โอนไปใช้ต่อ ({unit})", f"Reallocated ({unit})"),
                ctx.money(summary.reallocated),
                ctx.t("โอนออกจากโครงการที่เลือกไปยังโครงการอื่น", "moved out of the selection into other projects"),
            ),
            light.Figure("returned", ctx.t(f"ส่งคืน ({unit})", f"Returned ({unit})"), ctx.money(summary.returned)),
            light.Figure(
                "unused",
                ctx.t(f"ยังไม่ได้ใช้ ({unit})", f"Not yet used ({unit})"),
                ctx.money(summary.unused),
                ctx.t("ยังไม่ได้โอนไปใช้หรือส่งคืน", "neither reallocated nor returned"),
            ),
            light.Figure("moved_in", ctx.t(f"โอนเข้า ({unit})", f"Moved in ({unit})"), ctx.money(summary.moved_in)),
            light.Figure("moved_out", ctx.t(f"โอนออก ({unit})", f"Moved out ({unit})"), ctx.money(summary.moved_out)),
            light.Figure(
                "new_money", ctx.t(f"เงินจัดสรรเพิ่ม ({unit})", f"New money in ({unit})"), ctx.money(summary.new_money)
            ),
            light.Figure("transfers", ctx.t("จำนวนรายการโอน", "Transfers"), f"{transfers:,}"),
        ]
    )


def _largest_transfers_card(ledger: pd.DataFrame, ctx: PageContext) -> str:
    """The largest transfers of the ledger: from where to where, how much (million baht)."""
    title = ctx.t(
        f"{min(TOP_SHOWN, len(ledger))} รายการโอนที่มีมูลค่าสูงสุด", f"The {min(TOP_SHOWN, len(ledger))} largest transfers"
    )
    if ledger.empty:
        return light.card(title, light.text(ctx.t("ไม่มีรายการโอน", "no transfers")), key="largest_transfers")
    shown = ledger.sort_values(["amount", "ref_no"], ascending=[False, True]).head(TOP_SHOWN)
    nowhere = {"from": ctx.t("เงินจัดสรรเพิ่ม", "new money"), "to": ctx.t("ส่งคืน", "returned")}

    def end(row: dict, side: str) -> str:
        code = row[f"{side}_project_code"]
        if not isinstance(code, str):
            return light.text(nowhere[side])
        owner = ctx.names([row[f"{side}_owner_name_th"]], [row[f"{side}_owner_name_en"]], missing="")[0]
        return f'{light.text(owner)} <span class="bm-muted">{light.text(code)}</span>'

    columns = [
        light.ListColumn(ctx.t("จาก", "From"), lambda row: end(row, "from"), "bm-name"),
        light.ListColumn(ctx.t("ไปยัง", "To"), lambda row: end(row, "to"), "bm-name"),
        light.ListColumn(ctx.t("ลบ.", "m฿"), lambda row: f"<b>{ctx.money(row['amount'])}</b>"),
    ]

    def name(row: dict) -> str:
        return (
            f'{light.text(row["ref_no"])}<br><span class="bm-muted">'
            f"{light.text(row['kind_th' if ctx.lang == 'th' else 'kind_en'])} · "
            f"{light.text(ctx.date(row['approved_date']))}</span>"
        )

    return light.card(
        title,
        _scrolling(light.ranked_list(shown.to_dict("records"), columns, ctx.t("เลขที่", "Reference"), name)),
        palette.MOVED_IN,
        ctx.t("ทะเบียนทั้งหมดอยู่ในแท็บด้านล่าง และดาวน์โหลดได้", "the whole ledger is in the tabs below, and downloadable"),
        key="largest_transfers",
    )


def _scrolling(body: str) -> str:
    """`body` scrolling sideways on a phone rather than running past its card."""
    return f'<div style="overflow-x:auto">{body}</div>'


def _net_card(net: pd.DataFrame, level: str, ctx: PageContext) -> str:
    """The areas whose allocation moved most, either way (net in/out, million baht)."""
    unit = _unit(level)
    title = ctx.t(f"{unit[0]}ที่โอนเข้า-ออกสุทธิมากที่สุด", f"The {unit[1]} with the largest net moves")
    if net.empty:
        return light.card(title, light.text(ctx.t("ไม่มีการโอน", "no transfers")), key="largest_net")
    shown = net.reindex(net["net"].abs().sort_values(ascending=False, kind="stable").index).head(TOP_SHOWN)
    body = _scrolling(_net_list(shown, level, ctx))
    return light.card(
        title, body, palette.MOVED_OUT, ctx.t("สุทธิ = โอนเข้า − โอนออก", "net = in − out"), key="largest_net"
    )


def _net_list(table: pd.DataFrame, level: str, ctx: PageContext) -> str:
    """Areas with money moved in and out and the net (million baht; gains in teal, losses in brown)."""

    def net(row: dict) -> str:
        colour = palette.MOVED_IN if row["net"] >= 0 else palette.MOVED_OUT
        return f'<b style="color:{light.text_colour(colour)}">{row["net"] / 1e6:+,.2f}</b>'

    columns = [
        light.ListColumn(ctx.t("เข้า (ลบ.)", "In (m฿)"), lambda row: ctx.money(row["moved_in"])),
        light.ListColumn(ctx.t("ออก (ลบ.)", "Out (m฿)"), lambda row: ctx.money(row["moved_out"])),
        light.ListColumn(ctx.t("สุทธิ", "Net"), net),
        light.ListColumn(ctx.t("รายการ", "Transfers"), lambda row: f"{int(row['transfers']):,}"),
    ]
    unit = _unit(level)
    return light.ranked_list(
        table.to_dict("records"),
        columns,
        ctx.t(unit[0], unit[1].capitalize()),
        lambda row: light.text(ctx.name(row["name_th"], row["name_en"])),
    )


def _level(ctx: PageContext) -> str:
    """The level of the by-area views (kept in the URL as ?level=)."""
    return page_choice(
        st.radio,
        "level",
        ctx.t("ระดับ", "Level"),
        ["province", "cluster"],
        horizontal=True,
        format_func=lambda code: ctx.t("จังหวัด", "Province") if code == "province" else ctx.t("กลุ่มจังหวัด", "Cluster"),
    )


def _net_list_view(ctx: PageContext, summary, ledger, recon) -> None:
    level = _level(ctx)
    net = cached(reallocations.net_by_area, ctx.filters, level)
    if net.empty:
        no_data(ctx.t("ไม่มีการโอนในพื้นที่ที่เลือก", "no transfers in this selection"))
        return
    shown = net.reindex(net["net"].abs().sort_values(ascending=False, kind="stable").index).head(AREAS_SHOWN)
    st.html(light.style_tag() + _net_list(shown, level, ctx))
    unit = _unit(level)
    if len(net) > len(shown):
        st.caption(
            ctx.t(
                f"แสดง {len(shown):,} จาก {len(net):,} {unit[0]} ที่โอนสุทธิมากที่สุด (เข้าหรือออก) — ทุกพื้นที่อยู่ในแท็บกราฟสุทธิรายพื้นที่",
                f"The {len(shown):,} of {len(net):,} {unit[1]} with the largest net moves (in or out) "
                "— every area is in the net chart tab",
            )
        )


def _savings_view(ctx: PageContext, summary, ledger, recon) -> None:
    st.markdown("**" + ctx.t("เงินเหลือจ่าย: เกิดขึ้น / โอน / ส่งคืน", "Savings: generated / moved / returned") + "**")
    st.plotly_chart(_savings_chart(summary, ctx), key="savings_chart", config=PLOTLY_CONFIG)


def _sankey_view(ctx: PageContext, summary, ledger, recon) -> None:
    internal = st.toggle(
        ctx.t("รวมการโอนระหว่างโครงการในจังหวัด/กลุ่มจังหวัดเดียวกัน", "Include moves within one province / cluster"),
        value=False,
        key="sankey_internal",
    )
    flow = cached(reallocations.flows, ctx.filters, internal)
    if flow.empty:
        no_data(ctx.t("ไม่มีรายการโอน", "no transfers"))
        return
    top = (
        st.slider(
            ctx.t("จำนวนเส้นทางที่แสดง (มากที่สุดก่อน)", "Flows shown (largest first)"),
            min_value=5,
            max_value=max(5, min(100, len(flow))),
            value=min(20, max(5, len(flow))),
            key="sankey_top",
        )
        if len(flow) > 5
        else len(flow)
    )
    st.plotly_chart(_sankey(flow.head(top), ctx), key="sankey_chart", config=PLOTLY_CONFIG)
    st.caption(
        ctx.t(
            f"แสดง {min(top, len(flow)):,} จาก {len(flow):,} เส้นทาง (ต้นทาง → ปลายทาง)",
            f"showing {min(top, len(flow)):,} of {len(flow):,} flows (source → destination)",
        )
    )


def _net_chart_view(ctx: PageContext, summary, ledger, recon) -> None:
    level = _level(ctx)
    net = cached(reallocations.net_by_area, ctx.filters, level)
    if net.empty:
        no_data(ctx.t("ไม่มีการโอนในพื้นที่ที่เลือก", "no transfers in this selection"))
        return
    net["area_name"] = ctx.names(net["name_th"], net["name_en"])
    chart, table = st.columns([3, 2])
    with chart:
        # the largest moves either way; the table beside keeps every area
        largest = first_rows(
            net.reindex(net["net"].abs().sort_values(ascending=False).index), ctx, "net_area_all", _unit(level)
        )
        st.plotly_chart(
            _net_chart(largest.sort_values(["net", "code"], ascending=[False, True]), ctx),
            key="net_chart",
            config=PLOTLY_CONFIG,
        )
    with table:
        data_table(net, NET_COLUMNS, ctx, f"reallocations_net_{level}", key=f"reallocations_net_{level}_grid")


def _ledger_view(ctx: PageContext, summary, ledger, recon) -> None:
    if ledger.empty:
        no_data(ctx.t("ไม่มีรายการโอน", "no transfers"))
        return
    data_table(
        _labelled_ledger(ledger, ctx), LEDGER_COLUMNS, ctx, "reallocations_ledger", key="reallocations_ledger_grid"
    )


def _reconciliation_view(ctx: PageContext, summary, ledger, recon) -> None:
    st.markdown(
        "**"
        + ctx.t(
            "กระทบยอด: งบประมาณเดิม + โอนเข้า − โอนออก = งบประมาณปัจจุบัน",
            "Reconciliation: original + in − out = current allocation",
        )
        + "**"
    )
    recon = _labelled_recon(recon, ctx)
    bad = recon[~recon["matches"]]
    if not bad.empty:
        st.markdown(ctx.t("รายการที่ยอดไม่ตรงกัน", "Mismatches"))
        data_table(bad, RECONCILIATION_COLUMNS, ctx, "reconciliation_mismatches")
    every = st.expander(
        ctx.t("ผลกระทบยอดทุกโครงการ", "Reconciliation of every project"), key="reconciliation_every", on_change="rerun"
    )
    if every.open:
        with every:
            data_table(recon, RECONCILIATION_COLUMNS, ctx, "reconciliation")
    overspent = cached(reallocations.overspent_projects, ctx.filters)
    if not overspent.empty:
        st.markdown(
            ctx.t("โครงการที่เบิกจ่ายเกินงบประมาณปัจจุบัน", "Projects that disbursed more than their current allocation")
        )
        overspent["owner_name"] = _owner(overspent, "owner", ctx)
        data_table(overspent, OVERSPENT_COLUMNS, ctx, "overspent_projects")


def _labelled_ledger(ledger: pd.DataFrame, ctx: PageContext) -> pd.DataFrame:
    ledger = ledger.copy()
    ledger["kind_label"] = ledger["kind_th"] if ctx.lang == "th" else ledger["kind_en"]
    ledger["from_owner_name"] = _owner(ledger, "from_owner", ctx)
    ledger["to_owner_name"] = _owner(ledger, "to_owner", ctx)
    return ledger


def _labelled_recon(recon: pd.DataFrame, ctx: PageContext) -> pd.DataFrame:
    recon = recon.copy()
    recon["owner_name"] = _owner(recon, "owner", ctx)
    recon["status_text"] = [
        word(RECONCILIATION, "balances" if ok else "mismatch" if known else "unknown", ctx.lang)
        for ok, known in zip(recon["matches"], recon["known"], strict=True)
    ]
    return recon


def _views(ctx: PageContext, summary, ledger, recon) -> None:
    """The net list, charts and full tables as tabs; only the open tab runs (and loads a chart or grid)."""
    tabs = [
        (ctx.t("สุทธิรายพื้นที่", "Net by area"), _net_list_view),
        (ctx.t("กราฟเงินเหลือจ่าย", "Savings chart"), _savings_view),
        (ctx.t("เส้นทางการโอน", "Where the money went"), _sankey_view),
        (ctx.t("กราฟสุทธิรายพื้นที่", "Net chart and table"), _net_chart_view),
        (ctx.t("ทะเบียนการโอน", "Transfer ledger"), _ledger_view),
        (ctx.t("กระทบยอด", "Reconciliation"), _reconciliation_view),
    ]
    # one key per language: the labels (the tab's value) change with it
    lazy_tabs(
        [(label, partial(draw, ctx, summary, ledger, recon)) for label, draw in tabs], f"reallocations_view.{ctx.lang}"
    )


def render() -> None:
    ctx = open_money_page("โอนเปลี่ยนแปลง / เงินเหลือจ่าย", "Reallocations and savings")
    with st.spinner(ctx.t("กำลังคำนวณ…", "Computing…")):
        summary = cached(reallocations.savings_summary, ctx.filters)
        ledger = cached(reallocations.ledger, ctx.filters)
        recon = cached(reallocations.reconciliation, ctx.filters)
        overspent = cached(reallocations.overspent_projects, ctx.filters)
    as_of_caption(ctx, summary.as_of, "รายการโอนที่อนุมัติแล้ว ณ วันที่ข้อมูล", "transfers approved by the as-of date")

    if recon.empty:
        no_data(ctx.t("ไม่มีโครงการตามตัวกรองที่เลือก", "no projects in this selection"))
        return

    # the first screen: light HTML and notices only (no chart, no grid), so it draws as fast as text
    level = _first_level(ctx)
    net = cached(reallocations.net_by_area, ctx.filters, level)
    st.html(
        light.style_tag()
        + _figures(summary, len(ledger), ctx)
        + light.row(_largest_transfers_card(ledger, ctx), _net_card(net, level, ctx))
    )
    bad = recon[~recon["matches"]]
    if bad.empty:
        st.success(
            ctx.t(
                f"กระทบยอดแล้ว {len(recon):,} โครงการ — ยอดตรงกันทุกโครงการ "
                "(งบประมาณเดิม + โอนเข้า − โอนออก = งบประมาณปัจจุบัน)",
                f"Reconciled {len(recon):,} projects — every one balances (original + in − out = current allocation)",
            )
        )
    else:
        st.warning(
            ctx.t(
                f"พบ {len(bad):,} รายการที่ยอดไม่ตรงกัน (จากที่ตรวจ {len(recon):,}) — ดูแท็บกระทบยอด",
                f"{len(bad):,} mismatches found (of {len(recon):,} checked) — see the reconciliation tab",
            )
        )
    if overspent.empty:
        st.success(
            ctx.t("ไม่มีโครงการที่เบิกจ่ายเกินงบประมาณปัจจุบัน", "No project has disbursed more than its current allocation")
        )
    else:
        st.warning(
            ctx.t(
                f"{len(overspent):,} โครงการเบิกจ่ายเกินงบประมาณปัจจุบัน — ดูแท็บกระทบยอด",
                f"{len(overspent):,} projects disbursed more than their current allocation "
                "— see the reconciliation tab",
            )
        )
    net_named = net.assign(area_name=ctx.names(net["name_th"], net["name_en"])) if not net.empty else net
    download_pair(
        ctx,
        DownloadFile(
            "ดาวน์โหลดทะเบียนการโอนทั้งหมด",
            "Download the whole transfer ledger",
            _labelled_ledger(ledger, ctx) if not ledger.empty else ledger,
            "reallocations_ledger",
            LEDGER_COLUMNS,
        ),
        DownloadFile(
            f"ดาวน์โหลดโอนเข้า-ออกสุทธิทุก{_unit(level)[0]}",
            f"Download the net moves of all {_unit(level)[1]}",
            net_named,
            f"reallocations_net_{level}",
            NET_COLUMNS,
        ),
    )

    area_section_heading(ctx)
    _views(ctx, summary, ledger, recon)


render_safely(render)
