"""Carry-over (กันเงินเหลื่อมปี): carried with / without commitment, paid vs remaining,
days to deadline, the at-risk list, by province or cluster. Layout only: every number
comes from budget_metrics.carryover.

The first screen is light HTML (ui/light.py: no chart library, no data grid, so it draws as
fast as text): the totals, the at-risk count and money, and the five at-risk carry-overs with
most unpaid, with downloads of the whole tables. The by-area list, the weekly and area
charts and the full tables are tabs; only the open tab runs.
"""

from __future__ import annotations

from dataclasses import replace
from functools import partial
from urllib.parse import urlencode

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from budget_metrics import carryover
from ui import light, palette
from ui.cache import cached
from ui.charts import FONT, PLOTLY_CONFIG, date_axis, mark_date, plain
from ui.context import PageContext
from ui.map_bar_charts import add_bar_totals
from ui.money_page import DownloadFile, area_section_heading, as_of_caption, download_pair, open_money_page
from ui.page_filters import page_choice
from ui.page_shell import lazy_tabs, no_data, render_safely
from ui.tables import data_table, first_rows
from vocabulary import COMMITMENT, words_in

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
    custom = list(
        zip(table["carried"] / 1e6, table["pct_paid"].fillna(0), table["projects"], table["at_risk"], strict=True)
    )
    hover = ctx.t(
        "<b>%{y}</b><br>%{fullData.name} %{x:,.2f} ล้านบาท<br>กันไว้ %{customdata[0]:,.2f} ล้านบาท"
        "<br>เบิกจ่ายร้อยละ %{customdata[1]:.2f}<br>โครงการ %{customdata[2]:,d} "
        "(เสี่ยง %{customdata[3]:,d})<extra></extra>",
        "<b>%{y}</b><br>%{fullData.name} %{x:,.2f} million baht<br>carried %{customdata[0]:,.2f} "
        "million baht<br>paid %{customdata[1]:.2f}%<br>%{customdata[2]:,d} projects "
        "(%{customdata[3]:,d} at risk)<extra></extra>",
    )
    fig = go.Figure()
    for column, thai, english, colour in (
        ("paid", "เบิกจ่ายแล้ว", "Paid", palette.DISBURSED),
        ("remaining", "คงเหลือ", "Remaining", palette.UNPAID),
    ):
        fig.add_trace(
            go.Bar(
                y=names,
                x=table[column] / 1e6,
                orientation="h",
                name=ctx.t(thai, english),
                marker_color=colour,
                customdata=custom,
                hovertemplate=hover,
            )
        )
    add_bar_totals(fig, names, table["carried"] / 1e6)
    fig.update_layout(
        barmode="stack",
        height=max(260, 24 * len(table) + 110),
        margin={"l": 10, "r": 50, "t": 40, "b": 10},
        font={"family": FONT},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0},
    )
    fig.update_xaxes(title=ctx.million_baht, tickformat=",.0f")
    fig.update_yaxes(title=None, autorange="reversed", automargin=True)
    return fig


def _timeline_chart(curve: pd.DataFrame, as_of, ctx: PageContext) -> go.Figure:
    """Carry-over approved and paid from it, cumulative by week over the carry-over period
    (million baht), the as-of date marked."""
    fig = go.Figure()
    days = list(curve["week_end"])
    weeks = date_axis(fig, days, ctx.lang)
    unit = ctx.million_baht
    for column, thai, english, colour, dash in (
        ("carried", "เงินกันที่อนุมัติสะสม", "Carried over (approved)", palette.ALLOCATION, "solid"),
        ("paid", "เบิกจ่ายจากเงินกันสะสม", "Paid from carry-over", palette.DISBURSED, "solid"),
        ("remaining", "คงเหลือ", "Remaining", palette.UNPAID, "dot"),
    ):
        fig.add_trace(
            go.Scatter(
                x=weeks,
                y=curve[column] / 1e6,
                name=ctx.t(thai, english),
                mode="lines",
                line={"color": colour, "width": 3, "dash": dash},
                hovertemplate=f"{ctx.t(thai, english)} %{{y:,.2f}} {unit}<extra></extra>",
            )
        )
    if days:
        mark_date(fig, days, as_of, ctx.t(f"ณ {ctx.date(as_of)}", f"as of {ctx.date(as_of)}"))
    fig.update_yaxes(title=unit, tickformat=",.0f", rangemode="tozero")
    fig.update_layout(
        height=340,
        hovermode="x unified",
        font={"family": FONT},
        margin={"l": 10, "r": 10, "t": 40, "b": 10},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0},
    )
    return fig


def _with_labels(frame: pd.DataFrame, ctx: PageContext) -> pd.DataFrame:
    frame = frame.copy()
    frame["owner_name"] = ctx.names(frame["owner_name_th"], frame["owner_name_en"])
    frame["commitment"] = words_in(COMMITMENT, frame["with_commitment"], ctx.lang)
    frame["risk_text"] = frame["risk_th"] if ctx.lang == "th" else frame["risk_en"]
    return frame


TOP_SHOWN = 5  # at-risk carry-overs listed on the first screen
AREAS_SHOWN = 10  # areas listed in the light "by area" table before the chart and grid tabs


def _figures(totals: carryover.CarryoverTotals, ctx: PageContext) -> str:
    """The totals a user asks first (million baht, counts, percent 0-100) as light figure boxes."""
    unit = ctx.million_baht
    return light.figures(
        [
            light.Figure(
                "carried",
                ctx.t(f"เงินกันเหลื่อมปี ({unit})", f"Carried over ({unit})"),
                ctx.money(totals.carried),
                ctx.t(f"{totals.projects:,} โครงการ", f"{totals.projects:,} projects"),
            ),
            light.Figure(
                "with_commitment",
                ctx.t(f"มีหนี้ผูกพัน ({unit})", f"With commitment ({unit})"),
                ctx.money(totals.with_commitment),
            ),
            light.Figure(
                "without_commitment",
                ctx.t(f"ไม่มีหนี้ผูกพัน ({unit})", f"No commitment ({unit})"),
                ctx.money(totals.without_commitment),
            ),
            light.Figure("paid", ctx.t(f"เบิกจ่ายแล้ว ({unit})", f"Paid ({unit})"), ctx.money(totals.paid)),
            light.Figure(
                "pct_paid",
                ctx.t("ร้อยละเบิกจ่ายเงินกัน", "% of carry-over paid"),
                "-" if totals.pct_paid is None else f"{totals.pct_paid:,.2f}%",
            ),
            light.Figure("remaining", ctx.t(f"คงเหลือ ({unit})", f"Remaining ({unit})"), ctx.money(totals.remaining)),
            light.Figure("at_risk_projects", ctx.t("โครงการเสี่ยง", "At-risk projects"), f"{totals.at_risk_projects:,}"),
            light.Figure(
                "at_risk_remaining",
                ctx.t(f"คงเหลือที่เสี่ยง ({unit})", f"Unpaid at risk ({unit})"),
                ctx.money(totals.at_risk_remaining),
                ctx.t(
                    f"เลยกำหนดแล้ว {ctx.money(totals.past_deadline_remaining)} ล้านบาท",
                    f"past the deadline {ctx.money(totals.past_deadline_remaining)} million baht",
                ),
            ),
        ]
    )


def _at_risk_card(risky: pd.DataFrame, totals: carryover.CarryoverTotals, ctx: PageContext) -> str:
    """The at-risk carry-overs with the most money unpaid (red), or a green 'none at risk' card."""
    if risky.empty:
        return light.card(
            ctx.t("ไม่มีเงินกันที่เสี่ยงตามเกณฑ์", "No carry-over is at risk by the thresholds"),
            "",
            light.status_colour("on_track"),
            key="at_risk",
        )
    shown = risky.head(TOP_SHOWN)
    title = ctx.t(
        f"โครงการเสี่ยง {totals.at_risk_projects:,} โครงการ: {len(shown)} รายการที่คงเหลือมากที่สุด",
        f"{totals.at_risk_projects:,} at-risk carry-overs: the {len(shown)} with most unpaid",
    )

    def name(row: dict) -> str:
        return (
            f"<b>{light.text(row['project_code'])}</b> {light.text(row['project_name'])}"
            f'<br><span class="bm-muted">{light.text(row["risk_th" if ctx.lang == "th" else "risk_en"])}</span>'
        )

    columns = [
        light.ListColumn(
            ctx.t("จังหวัด / กลุ่ม", "Province / cluster"),
            lambda row: light.text(ctx.name(row["owner_name_th"], row["owner_name_en"])),
        ),
        light.ListColumn(ctx.t("คงเหลือ (ลบ.)", "Unpaid (m฿)"), lambda row: f"<b>{ctx.money(row['remaining'])}</b>"),
        light.ListColumn(
            ctx.t("เบิกแล้ว", "Paid"), lambda row: "-" if pd.isna(row["pct_paid"]) else f"{row['pct_paid']:,.2f}%"
        ),
        light.ListColumn(
            ctx.t("กำหนดเบิกจ่ายถึง", "Deadline"),
            lambda row: light.text(
                f"{ctx.date(row['deadline'])} ({int(row['days_to_deadline']):,} {ctx.t('วัน', 'days')})"
            ),
        ),
    ]
    body = light.wide_list(light.ranked_list(shown.to_dict("records"), columns, ctx.t("โครงการ", "Project"), name))
    return light.card(
        title,
        body,
        light.status_colour("behind"),
        ctx.t(
            "เสี่ยง = เบิกจ่ายน้อยและใกล้ครบกำหนด หรือเลยกำหนดแล้วยังเบิกไม่ครบ · ตารางทั้งหมดอยู่ในแท็บด้านล่าง และดาวน์โหลดได้",
            "at risk = little paid with the deadline near, or past it with money left · "
            "the whole table is in the tabs below, and downloadable",
        ),
        key="at_risk",
    )


def _earlier_year_card(ctx: PageContext, fiscal_year: int, totals: carryover.CarryoverTotals) -> str:
    """The previous fiscal year's carry-overs as of this view's date: carried, paid, remaining, lapsed
    (unpaid past the deadline) and the last deadline, said to be that year's obligations, outside this
    year's execution rate; a link to that year's own carry-over view."""
    unit = ctx.million_baht
    _, last_deadline = cached(carryover.carryover_period, replace(ctx.filters, fiscal_year=fiscal_year))
    body = light.figures(
        [
            light.Figure(
                "earlier_carried",
                ctx.t(f"เงินกันของปี {fiscal_year} ({unit})", f"FY{fiscal_year} carried ({unit})"),
                ctx.money(totals.carried),
                ctx.t(f"{totals.projects:,} โครงการ", f"{totals.projects:,} projects"),
            ),
            light.Figure(
                "earlier_paid",
                ctx.t(f"เบิกจ่ายแล้ว ({unit})", f"Paid ({unit})"),
                ctx.money(totals.paid),
                "-" if totals.pct_paid is None else f"{totals.pct_paid:,.2f}%",
            ),
            light.Figure(
                "earlier_remaining", ctx.t(f"คงเหลือ ({unit})", f"Remaining ({unit})"), ctx.money(totals.remaining)
            ),
            light.Figure(
                "earlier_lapsed",
                ctx.t(f"เลยกำหนด ยังไม่เบิก ({unit})", f"Lapsed: unpaid past deadline ({unit})"),
                ctx.money(totals.past_deadline_remaining),
            ),
            light.Figure(
                "earlier_deadline",
                ctx.t("กำหนดเบิกจ่ายถึง", "Deadline"),
                ctx.date(last_deadline) if last_deadline else "-",
            ),
        ]
    )
    kept = [(name, value) for name in st.query_params if name != "fy" for value in st.query_params.get_all(name)]
    link = light.link(
        "carryover?" + urlencode([*kept, ("fy", str(fiscal_year))]),
        light.text(ctx.t(f"ดูเงินกันเหลื่อมปีของปี {fiscal_year} →", f"Open FY{fiscal_year}'s carry-over →")),
    )
    return light.card(
        ctx.t(
            f"เงินกันเหลื่อมปีจากปีงบประมาณ {fiscal_year}: ภาระผูกพันของปีก่อน",
            f"Carried over from FY{fiscal_year}: the earlier year's obligations",
        ),
        body + f"<div>{link}</div>",
        None,
        ctx.t(
            f"ณ วันที่ {ctx.date(totals.as_of)} · เบิกจ่ายในปี {ctx.filters.fiscal_year} จากเงินของปี {fiscal_year} "
            f"จึงไม่นับในอัตราการเบิกจ่ายของปี {ctx.filters.fiscal_year}",
            f"as of {ctx.date(totals.as_of)} · paid during FY{ctx.filters.fiscal_year} from FY{fiscal_year}'s money, "
            f"so never part of FY{ctx.filters.fiscal_year}'s execution rate",
        ),
        key="earlier_year",
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


def _area_unit(level: str) -> tuple[str, str]:
    return ("จังหวัด", "provinces") if level == "province" else ("กลุ่มจังหวัด", "clusters")


def _area_list_view(ctx: PageContext, totals, projects) -> None:
    """The areas with the largest carry-over as a light table (million baht, percent 0-100)."""
    level = _level(ctx)
    areas = cached(carryover.carryover_by_area, ctx.filters, level)
    if areas.empty:
        no_data(ctx.t("ไม่มีเงินกันของแผนจังหวัดในตัวกรองนี้", "no province-plan carry-over in this selection"))
        return
    shown = areas.head(AREAS_SHOWN)
    columns = [
        light.ListColumn(ctx.t("โครงการ", "Projects"), lambda row: f"{int(row['projects']):,}"),
        light.ListColumn(ctx.t("กันไว้ (ลบ.)", "Carried (m฿)"), lambda row: ctx.money(row["carried"])),
        light.ListColumn(ctx.t("เบิกแล้ว (ลบ.)", "Paid (m฿)"), lambda row: ctx.money(row["paid"])),
        light.ListColumn(
            ctx.t("ร้อยละ", "% paid"), lambda row: "-" if pd.isna(row["pct_paid"]) else f"{row['pct_paid']:,.2f}%"
        ),
        light.ListColumn(ctx.t("คงเหลือ (ลบ.)", "Remaining (m฿)"), lambda row: ctx.money(row["remaining"])),
        light.ListColumn(
            ctx.t("เสี่ยง", "At risk"),
            lambda row: (
                f'<b style="color:{light.status_text_colour("behind")}">{int(row["at_risk"]):,}</b>'
                if row["at_risk"]
                else "0"
            ),
        ),
    ]
    unit = _area_unit(level)
    st.html(
        light.style_tag()
        + light.ranked_list(
            shown.to_dict("records"),
            columns,
            ctx.t(unit[0], unit[1].capitalize()),
            lambda row: light.text(ctx.name(row["name_th"], row["name_en"])),
        )
    )
    if len(areas) > len(shown):
        st.caption(
            ctx.t(
                f"แสดง {len(shown):,} จาก {len(areas):,} {unit[0]} ที่มีเงินกันมากที่สุด — ทุกพื้นที่อยู่ในแท็บกราฟรายพื้นที่",
                f"The {len(shown):,} of {len(areas):,} {unit[1]} with most carried "
                "— every area is in the area chart tab",
            )
        )


def _timeline_view(ctx: PageContext, totals, projects) -> None:
    curve = cached(carryover.carryover_curve, ctx.filters)
    if curve.empty:
        no_data()
        return
    st.markdown("**" + ctx.t("เงินกันและการเบิกจ่ายรายสัปดาห์ในช่วงเงินกัน", "Carry-over and payments by week") + "**")
    st.plotly_chart(_timeline_chart(curve, totals.as_of, ctx), key="carry_timeline_chart", config=PLOTLY_CONFIG)


def _area_chart_view(ctx: PageContext, totals, projects) -> None:
    level = _level(ctx)
    areas = cached(carryover.carryover_by_area, ctx.filters, level)
    if areas.empty:
        no_data(ctx.t("ไม่มีเงินกันของแผนจังหวัดในตัวกรองนี้", "no province-plan carry-over in this selection"))
        return
    st.plotly_chart(
        _area_chart(first_rows(areas, ctx, "carry_area_all", _area_unit(level)), ctx),
        key="carry_area_chart",
        config=PLOTLY_CONFIG,
    )


def _at_risk_view(ctx: PageContext, totals, projects) -> None:
    risky = cached(carryover.at_risk_carryovers, ctx.filters)
    if risky.empty:
        st.success(ctx.t("ไม่มีเงินกันที่เสี่ยงตามเกณฑ์", "No carry-over is at risk by the thresholds"))
    else:
        data_table(_with_labels(risky, ctx), PROJECT_COLUMNS, ctx, "carryover_at_risk", key="carryover_at_risk_grid")


def _all_view(ctx: PageContext, totals, projects) -> None:
    st.caption(ctx.t("เรียงตามกำหนดเบิกจ่ายที่ใกล้ที่สุด", "Nearest deadline first"))
    data_table(_with_labels(projects, ctx), PROJECT_COLUMNS, ctx, "carryover", key="carryover_grid")


def _views(ctx: PageContext, totals, projects) -> None:
    """The by-area list, charts and full tables as tabs; only the open tab runs (and loads a chart or grid)."""
    tabs = [
        (ctx.t("รายพื้นที่", "By area"), _area_list_view),
        (ctx.t("กราฟรายสัปดาห์", "Weekly chart"), _timeline_view),
        (ctx.t("กราฟรายพื้นที่", "Area chart"), _area_chart_view),
        (ctx.t("ตารางโครงการเสี่ยง", "At-risk table"), _at_risk_view),
        (ctx.t("ตารางทุกโครงการ", "All carry-overs"), _all_view),
    ]
    # one key per language: the labels (the tab's value) change with it
    lazy_tabs([(label, partial(draw, ctx, totals, projects)) for label, draw in tabs], f"carryover_view.{ctx.lang}")


def render() -> None:
    ctx = open_money_page("กันเงินเหลื่อมปี", "Carry-over")
    with st.spinner(ctx.t("กำลังคำนวณ…", "Computing…")):
        totals = cached(carryover.carryover_totals, ctx.filters)
        projects = cached(carryover.carryover_projects, ctx.filters)
    as_of_caption(
        ctx,
        totals.as_of,
        "เงินกันที่อนุมัติแล้ว ณ วันที่ข้อมูล; เบิกจ่ายจากเงินกัน = รายการเบิกจ่ายแหล่งเงินกันเหลื่อมปี",
        "carry-overs approved by the as-of date; paid = disbursements from the carry-over",
    )
    earlier = cached(carryover.earlier_year_carryover, ctx.filters)
    if earlier is not None:
        st.html(light.style_tag() + light.row(_earlier_year_card(ctx, *earlier)))
    if totals.projects == 0 and earlier is not None:  # this year's own: none yet (the earlier year's above)
        fy = ctx.filters.fiscal_year
        no_data(
            ctx.t(
                f"เงินกันเหลื่อมปีของปี {fy} เอง: ยังไม่มีที่อนุมัติ ณ วันที่ {ctx.date(totals.as_of)}",
                f"FY{fy}'s own carry-over: none approved by {ctx.date(totals.as_of)}",
            )
        )
        return
    if totals.projects == 0:
        no_data(
            ctx.t(
                f"ไม่มีเงินกันเหลื่อมปีที่อนุมัติ ณ วันที่ {ctx.date(totals.as_of)} ตามตัวกรองที่เลือก",
                f"no carry-over approved by {ctx.date(totals.as_of)} for this selection",
            )
        )
        first, last = cached(carryover.carryover_period, ctx.filters)
        if first is not None:
            st.caption(
                ctx.t(
                    f"เงินกันเหลื่อมปีของตัวกรองนี้อนุมัติตั้งแต่ {ctx.date(first)} กำหนดเบิกจ่ายถึง "
                    f"{ctx.date(last)} — เลือกวันที่ข้อมูลในช่วงนั้นจากแถบด้านข้าง",
                    f"Carry-overs of this selection were approved from {ctx.date(first)}, deadlines up "
                    f"to {ctx.date(last)} — pick an as-of date in that period in the sidebar",
                )
            )
        return

    # the first screen: light HTML only (no chart, no grid), so it draws as fast as text
    risky = cached(carryover.at_risk_carryovers, ctx.filters)
    st.html(light.style_tag() + _figures(totals, ctx) + light.row(_at_risk_card(risky, totals, ctx)))
    download_pair(
        ctx,
        DownloadFile(
            "ดาวน์โหลดโครงการเสี่ยงทั้งหมด",
            "Download every at-risk carry-over",
            _with_labels(risky, ctx),
            "carryover_at_risk",
            PROJECT_COLUMNS,
        ),
        DownloadFile(
            "ดาวน์โหลดเงินกันเหลื่อมปีทุกโครงการ (เรียงตามกำหนดเบิกจ่ายที่ใกล้ที่สุด)",
            "Download every carry-over (nearest deadline first)",
            _with_labels(projects, ctx),
            "carryover",
            PROJECT_COLUMNS,
        ),
    )

    area_section_heading(ctx)
    _views(ctx, totals, projects)


render_safely(render)
