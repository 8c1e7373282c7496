"""Asset transfers (โอนสินทรัพย์): counts and value by status and by area, the overdue list
and the ageing of untransferred assets. Layout only: every number comes from
budget_metrics.assets.

The first screen is light HTML (ui/light.py: no chart library, no data grid): counts and
value per status and overdue, and the five overdue assets waiting longest, with downloads of
the whole tables. The by-area list, the charts and the full tables are tabs; only the open
tab runs.
"""

from __future__ import annotations

from functools import partial

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from budget_metrics import assets, reference
from budget_metrics.projects import resolve_as_of
from ui import light, palette
from ui.cache import cached
from ui.charts import FONT, PLOTLY_CONFIG, plain
from ui.context import PageContext
from ui.map_bar_charts import add_bar_totals
from ui.money_page import DownloadFile, area_section_heading, as_of_caption, download_pair, open_money_page
from ui.page_filters import page_choice
from ui.page_shell import lazy_tabs, no_data, render_safely
from ui.tables import data_table, first_rows

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
    hover = ctx.t(
        "%{x}<br>%{fullData.name} %{y:,d} รายการ<br>ทั้งช่วง %{customdata[1]:,d} รายการ "
        "มูลค่า %{customdata[0]:,.2f} ล้านบาท<extra></extra>",
        "%{x}<br>%{fullData.name} %{y:,d}<br>bucket total %{customdata[1]:,d} assets, "
        "%{customdata[0]:,.2f} million baht<extra></extra>",
    )
    fig = go.Figure()
    fig.add_trace(
        go.Bar(
            x=labels,
            y=waiting,
            name=ctx.t("ยังไม่เกินกำหนด", "Not yet overdue"),
            marker_color=palette.WATCH,
            customdata=custom,
            hovertemplate=hover,
        )
    )
    fig.add_trace(
        go.Bar(
            x=labels,
            y=table["overdue"],
            name=ctx.t(f"ค้างโอนเกิน {overdue_days} วัน", f"Overdue (> {overdue_days} days)"),
            marker_color=palette.BEHIND,
            customdata=custom,
            hovertemplate=hover,
        )
    )
    fig.update_layout(
        barmode="stack",
        height=340,
        font={"family": FONT},
        margin={"l": 10, "r": 10, "t": 40, "b": 10},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0},
    )
    fig.update_xaxes(title=ctx.t("จำนวนวันนับจากตรวจรับ (ยังไม่โอน)", "Days since completion (not transferred)"))
    fig.update_yaxes(title=ctx.t("จำนวนรายการ", "Assets"), tickformat=",d")
    return fig


def _area_chart(table: pd.DataFrame, ctx: PageContext) -> go.Figure:
    """Stacked horizontal bars of asset value by status per area (million baht)."""
    names = [plain(name) for name in table["area_name"]]
    fig = go.Figure()
    for status, (thai, english) in assets.STATUSES.items():
        fig.add_trace(
            go.Bar(
                y=names,
                x=table[f"{status}_value"] / 1e6,
                orientation="h",
                name=ctx.t(thai, english),
                marker_color=palette.ASSET_STATUS_COLORS[status],
                customdata=table[f"{status}_assets"],
                hovertemplate=ctx.t(
                    f"<b>%{{y}}</b><br>{thai} %{{customdata:,d}} รายการ %{{x:,.2f}} ล้านบาท<extra></extra>",
                    f"<b>%{{y}}</b><br>{english} %{{customdata:,d}} assets, %{{x:,.2f}} million baht<extra></extra>",
                ),
            )
        )
    add_bar_totals(fig, names, sum(table[f"{status}_value"] for status in assets.STATUSES) / 1e6)
    fig.update_layout(
        barmode="stack",
        height=max(260, 24 * len(table) + 110),
        font={"family": FONT},
        margin={"l": 10, "r": 50, "t": 40, "b": 10},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0},
    )
    fig.update_xaxes(title=ctx.million_baht, tickformat=",.0f")
    fig.update_yaxes(title=None, autorange="reversed", automargin=True)
    return fig


TOP_SHOWN = 5  # overdue assets listed on the first screen
AREAS_SHOWN = 10  # areas in the light "by area" table before the chart and grid tabs


def _figures(summary: pd.DataFrame, overdue: pd.DataFrame, ctx: PageContext) -> str:
    """Count and value (million baht) per status and of the overdue assets, as light figure boxes."""
    unit = ctx.million_baht
    by_status = summary.set_index("status")
    items = []
    for status, (thai, english) in assets.STATUSES.items():
        items.append(
            light.Figure(
                f"{status}_assets",
                ctx.t(f"{thai} (รายการ)", f"{english} (assets)"),
                f"{int(by_status.loc[status, 'assets']):,}",
            )
        )
    items.append(
        light.Figure("overdue_assets", ctx.t("ค้างโอนเกินกำหนด (รายการ)", "Overdue (assets)"), f"{len(overdue):,}")
    )
    for status, (thai, english) in assets.STATUSES.items():
        items.append(
            light.Figure(
                f"{status}_value",
                ctx.t(f"{thai} ({unit})", f"{english} ({unit})"),
                ctx.money(by_status.loc[status, "value"]),
            )
        )
    items.append(
        light.Figure(
            "overdue_value",
            ctx.t(f"ค้างโอนเกินกำหนด ({unit})", f"Overdue ({unit})"),
            ctx.money(overdue["value"].sum() if not overdue.empty else 0),
        )
    )
    return light.figures(items)


def _overdue_card(overdue: pd.DataFrame, overdue_days: int, ctx: PageContext) -> str:
    """The overdue assets waiting longest (red), or a green 'none overdue' card."""
    if overdue.empty:
        return light.card(
            ctx.t("ไม่มีสินทรัพย์ค้างโอนเกินกำหนด", "No asset is overdue for transfer"),
            "",
            light.status_colour("on_track"),
            key="overdue",
        )
    shown = overdue.head(TOP_SHOWN)
    title = ctx.t(
        f"ค้างโอนเกิน {overdue_days} วัน {len(overdue):,} รายการ: {len(shown)} รายการที่รอนานที่สุด",
        f"{len(overdue):,} assets overdue (> {overdue_days} days): the {len(shown)} waiting longest",
    )

    def name(row: dict) -> str:
        return (
            f'{light.text(row["description"])}<br><span class="bm-muted">{light.text(row["asset_id"])} · '
            f"{light.text(row['project_name'])}</span>"
        )

    columns = [
        light.ListColumn(
            ctx.t("จังหวัด / กลุ่ม", "Province / cluster"),
            lambda row: light.text(ctx.name(row["owner_name_th"], row["owner_name_en"])),
        ),
        light.ListColumn(ctx.t("มูลค่า (ลบ.)", "Value (m฿)"), lambda row: ctx.money(row["value"])),
        light.ListColumn(
            ctx.t("สถานะ", "Status"), lambda row: light.text(row["status_th"] if ctx.lang == "th" else row["status_en"])
        ),
        light.ListColumn(
            ctx.t("รอมาแล้ว (วัน)", "Waiting (days)"),
            lambda row: (
                f'<b style="color:{light.status_text_colour("behind")}">{int(row["days_since_completion"]):,}</b>'
            ),
        ),
    ]
    body = light.wide_list(light.ranked_list(shown.to_dict("records"), columns, ctx.t("สินทรัพย์", "Asset"), name))
    return light.card(
        title,
        body,
        light.status_colour("behind"),
        ctx.t("ตารางทั้งหมดอยู่ในแท็บด้านล่าง และดาวน์โหลดได้", "the whole table is in the tabs below, and downloadable"),
        key="overdue",
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


def _unit(level: str) -> tuple[str, str]:
    return ("จังหวัด", "provinces") if level == "province" else ("กลุ่มจังหวัด", "clusters")


def _areas(ctx: PageContext) -> tuple[str, pd.DataFrame]:
    """The level chosen and its areas (with `area_name`), most untransferred value first."""
    level = _level(ctx)
    areas = cached(assets.assets_by_area, ctx.filters, level)
    areas["area_name"] = ctx.names(areas["name_th"], areas["name_en"])
    return level, areas


def _area_list_view(ctx: PageContext, summary, overdue_days: int) -> None:
    level, areas = _areas(ctx)
    if areas.empty:
        no_data(ctx.t("ไม่มีสินทรัพย์ของแผนจังหวัดในตัวกรองนี้", "no province-plan assets in this selection"))
        return
    shown = areas.head(AREAS_SHOWN)

    def count_value(status: str):
        return lambda row: f"{int(row[f'{status}_assets']):,} · {ctx.money(row[f'{status}_value'])}"

    columns = [
        light.ListColumn(ctx.t(f"{thai} (รายการ · ลบ.)", f"{english} (assets · m฿)"), count_value(status))
        for status, (thai, english) in assets.STATUSES.items()
    ]
    columns.append(
        light.ListColumn(
            ctx.t("ค้างโอนเกินกำหนด", "Overdue"),
            lambda row: (
                f'<b style="color:{light.status_text_colour("behind")}">{int(row["overdue"]):,}</b>'
                if row["overdue"]
                else "0"
            ),
        )
    )
    unit = _unit(level)
    st.html(
        light.style_tag()
        + light.ranked_list(
            shown.to_dict("records"),
            columns,
            ctx.t(unit[0], unit[1].capitalize()),
            lambda row: light.text(row["area_name"]),
        )
    )
    if len(areas) > len(shown):
        st.caption(
            ctx.t(
                f"แสดง {len(shown):,} จาก {len(areas):,} {unit[0]} ที่มีมูลค่ายังไม่โอนมากที่สุด — ทุกพื้นที่อยู่ในแท็บกราฟรายพื้นที่",
                f"The {len(shown):,} of {len(areas):,} {unit[1]} with most value not yet transferred "
                "— every area is in the area chart tab",
            )
        )


def _ageing_view(ctx: PageContext, summary, overdue_days: int) -> None:
    left, right = st.columns(2)
    with left:
        st.markdown("**" + ctx.t("อายุสินทรัพย์ที่ยังไม่โอน", "Ageing of untransferred assets") + "**")
        ageing = cached(assets.ageing, ctx.filters)
        if ageing["assets"].sum() == 0:
            no_data(ctx.t("ไม่มีสินทรัพย์ที่ตรวจรับแล้วรอโอน", "no completed asset waiting for transfer"))
        else:
            st.plotly_chart(_ageing_chart(ageing, overdue_days, ctx), key="ageing_chart", config=PLOTLY_CONFIG)
    with right:
        st.markdown("**" + ctx.t("จำนวนและมูลค่าตามสถานะ", "Count and value by status") + "**")
        shown = summary.copy()
        shown["status_label"] = shown["status_th"] if ctx.lang == "th" else shown["status_en"]
        data_table(
            shown,
            [
                ("status_label", "สถานะ", "Status", "text"),
                ("assets", "จำนวนรายการ", "Assets", "int"),
                ("value", "มูลค่า", "Value", "money"),
            ],
            ctx,
            "assets_by_status",
        )


def _area_chart_view(ctx: PageContext, summary, overdue_days: int) -> None:
    level, areas = _areas(ctx)
    if areas.empty:
        no_data(ctx.t("ไม่มีสินทรัพย์ของแผนจังหวัดในตัวกรองนี้", "no province-plan assets in this selection"))
        return
    st.plotly_chart(
        _area_chart(first_rows(areas, ctx, "asset_area_all", _unit(level)), ctx),
        key="asset_area_chart",
        config=PLOTLY_CONFIG,
    )
    data_table(areas, AREA_COLUMNS, ctx, f"assets_by_{level}", key=f"assets_by_{level}_grid")


def _overdue_view(ctx: PageContext, summary, overdue_days: int) -> None:
    overdue = cached(assets.overdue_assets, ctx.filters)
    if overdue.empty:
        st.success(ctx.t("ไม่มีสินทรัพย์ค้างโอนเกินกำหนด", "No asset is overdue for transfer"))
    else:
        data_table(_labelled(overdue, ctx), ASSET_COLUMNS, ctx, "assets_overdue", key="assets_overdue_grid")


def _all_view(ctx: PageContext, summary, overdue_days: int) -> None:
    data_table(
        _labelled(cached(assets.asset_list, ctx.filters), ctx), ASSET_COLUMNS, ctx, "assets_all", key="assets_all_grid"
    )


def _views(ctx: PageContext, summary, overdue_days: int) -> None:
    """The by-area list, charts and full tables as tabs; only the open tab runs (and loads a chart or grid)."""
    tabs = [
        (ctx.t("รายพื้นที่", "By area"), _area_list_view),
        (ctx.t("อายุสินทรัพย์และสถานะ", "Ageing and status"), _ageing_view),
        (ctx.t("กราฟและตารางรายพื้นที่", "Area chart and table"), _area_chart_view),
        (ctx.t(f"ค้างโอนเกิน {overdue_days} วัน", f"Overdue > {overdue_days} days"), _overdue_view),
        (ctx.t("สินทรัพย์ทั้งหมด", "All assets"), _all_view),
    ]
    # one key per language: the labels (the tab's value) change with it
    lazy_tabs([(label, partial(draw, ctx, summary, overdue_days)) for label, draw in tabs], f"assets_view.{ctx.lang}")


def render() -> None:
    ctx = open_money_page("โอนสินทรัพย์", "Asset transfers")
    with st.spinner(ctx.t("กำลังคำนวณ…", "Computing…")):
        summary = cached(assets.status_summary, ctx.filters)
        overdue = cached(assets.overdue_assets, ctx.filters)
        limits = reference.thresholds()
    overdue_days = int(limits["asset_overdue_days"])
    as_of = ctx.as_of_shown or cached(resolve_as_of, ctx.filters)
    as_of_caption(
        ctx,
        as_of,
        f"ค้างโอน = ตรวจรับเกิน {overdue_days} วันแล้วยังไม่โอน",
        f"overdue = completed more than {overdue_days} days ago, not transferred",
    )
    if summary["assets"].sum() == 0:
        no_data(ctx.t("ไม่มีรายการสินทรัพย์ตามตัวกรองที่เลือก", "no assets in this selection"))
        return

    # the first screen: light HTML only (no chart, no grid), so it draws as fast as text
    st.html(light.style_tag() + _figures(summary, overdue, ctx) + light.row(_overdue_card(overdue, overdue_days, ctx)))
    download_pair(
        ctx,
        DownloadFile(
            f"ดาวน์โหลดสินทรัพย์ค้างโอนเกิน {overdue_days} วันทั้งหมด",
            f"Download every asset overdue for more than {overdue_days} days",
            _labelled(overdue, ctx),
            "assets_overdue",
            ASSET_COLUMNS,
        ),
        DownloadFile(
            "ดาวน์โหลดสินทรัพย์ทั้งหมด",
            "Download every asset",
            _labelled(cached(assets.asset_list, ctx.filters), ctx),
            "assets_all",
            ASSET_COLUMNS,
        ),
    )

    area_section_heading(ctx)
    _views(ctx, summary, overdue_days)


render_safely(render)
