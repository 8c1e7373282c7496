"""Overview (ภาพรวม): KPIs with weekly change, curve against target, rankings, tile map, regions."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from budget_metrics import progress, reference
from budget_metrics import snapshots as snaps
from budget_metrics.targets import LINE_LABELS, LINES
from budget_metrics.tilemap import tiles_with_progress
from ui.charts import (
    PLOTLY_CONFIG,
    clicked_code,
    gap_ranking,
    progress_curve,
    ranking_extremes,
    tile_map,
)
from ui.context import PageContext, page_context
from ui.controls import request_area
from ui.widgets import (
    area_lines_table,
    cached,
    execution_kpi_cards,
    headline_kpis,
    no_data,
    render_safely,
    snapshot_changes,
)
from vocabulary import BUDGET_TYPES, PLAN_TYPES, STATUSES, pick, word

AREA_PAGE = "pages/area.py"


def scope_text(context: PageContext) -> str:
    """A one-line description of what the filters select, for page headers."""
    filters = context.filters
    parts = [context.t(f"ปีงบประมาณ พ.ศ. {filters.fiscal_year}", f"FY{filters.fiscal_year}"),
             context.t(f"ข้อมูล ณ วันที่ {context.date(context.as_of_shown)}",
                       f"as of {context.date(context.as_of_shown)}"),
             selection_text(context)]
    if context.snapshot_mode:
        parts.append(context.t("ภาพนิ่งรายสัปดาห์: ตัวเลขสรุปและการเปลี่ยนแปลงเป็นตัวเลขที่บันทึกไว้ "
                               "กราฟและตารางด้านล่างคำนวณจากข้อมูลปัจจุบัน ณ วันเดียวกัน",
                               "weekly snapshot: headline figures and changes are the frozen ones; the "
                               "charts and tables below are today's data for the same date"))
    return " · ".join(parts)


def selection_text(context: PageContext) -> str:
    """Which area, plan type and budget type the sidebar selects ('ทั้งประเทศ' when none)."""
    filters = context.filters
    parts = []
    for code, table, key in ((filters.province, reference.provinces(), "province_code"),
                             (filters.cluster, reference.clusters(), "cluster_code"),
                             (filters.region, reference.regions(), "region")):
        match = table[table[key] == code] if code else table.iloc[0:0]
        if not match.empty:
            parts.append(context.name(match.iloc[0]["name_th"], match.iloc[0]["name_en"]))
    if not parts:
        parts.append(context.t("ทั้งประเทศ", "whole country"))
    if filters.plan_type != "all":
        parts.append(word(PLAN_TYPES, filters.plan_type, context.lang))
    if filters.budget_type:
        parts.append(word(BUDGET_TYPES, filters.budget_type, context.lang))
    return " · ".join(parts)


def kpi_section(context: PageContext) -> None:
    """The headline cards: live with the change since the week before, or in snapshot mode
    the frozen figures with the change since the previous snapshot."""
    now, before, compared = headline_kpis(context.filters)
    if now is None:  # the sidebar offers only snapshot dates; a replace may have raced it
        no_data(context.t("ไม่มีภาพนิ่งของวันที่นี้", "no snapshot of this date"))
    elif now.projects == 0:
        no_data(context.t("ไม่มีโครงการตามตัวกรองที่เลือก", "no projects match the filters"))
    else:
        execution_kpi_cards(now, before, compared)


def area_table(context: PageContext, table: pd.DataFrame, name_title: str) -> None:
    """A sortable table of areas: allocation (million baht), then both target lines (% disbursed,
    gap in points and million baht, status) side by side; the targets in its caption."""
    # a cluster's name without its common prefix: the column header says what the rows are
    names = [name.removeprefix("กลุ่มจังหวัด") for name in context.names(table["name_th"], table["name_en"])]
    area_lines_table(table.assign(area_name=names), context, [
        ("area_name", name_title, name_title, "text"),
        ("current_allocation", "งบประมาณ", "Allocation", "money"),
    ], width="stretch")


def headline_name(context: PageContext, table: pd.DataFrame) -> str:
    """The headline line's name ('ภาพรวม' / 'Overall') of an area_progress table."""
    line = str(table["headline"].iloc[0]) if len(table) else "overall"
    return context.t(*LINE_LABELS[line])


def status_counts_text(context: PageContext, table: pd.DataFrame, unit: tuple[str, str]) -> str:
    """'ภาพรวม: ล่าช้า 63 · เฝ้าระวัง 11 · ตามเป้าหมาย 2 จังหวัด | งบลงทุน: ...' for areas with projects."""
    with_projects = table[table["projects"] > 0]
    parts = []
    for line in LINES:
        counts = with_projects[f"{line}_status"].value_counts()
        figures = " · ".join(f"{word(STATUSES, status, context.lang)} {int(counts.get(status, 0)):,}"
                             for status in ("behind", "watch", "on_track", "no_data")
                             if status != "no_data" or counts.get(status, 0))
        parts.append(f"{context.t(*LINE_LABELS[line])}: {figures} {context.t(*unit)}")
    return " | ".join(parts)


def colour_words(lang: str) -> str:
    """'เขียว = ตามเป้าหมาย, เหลือง = เฝ้าระวัง, ...': what each status colour means, in the vocabulary's words."""
    colours = {"on_track": ("เขียว", "green"), "watch": ("เหลือง", "amber"), "behind": ("แดง", "red"),
               "no_data": ("เทา", "grey")}
    return ", ".join(f"{pick(colours[code], lang)} = {word(STATUSES, code, lang)}" for code in colours)


def open_area(kind: str, code: str) -> None:
    """Select the area in the sidebar (it stays selected on every page) and open its page."""
    request_area(kind, code)
    st.switch_page(AREA_PAGE)


def open_clicked_area(event, kind: str, position: int) -> None:
    """Open the area whose code a click on a chart selected (customdata[position]), if any."""
    code = clicked_code(event, position)
    if code:
        open_area(kind, code)


def render() -> None:
    context = page_context()
    filters = context.filters
    st.title(context.t("ภาพรวมการเบิกจ่ายงบประมาณ", "Budget execution overview"))

    with st.spinner(context.t("กำลังคำนวณ…", "Calculating…")):
        kpi_section(context)  # the headline cards first, also on a phone
        st.caption(scope_text(context))
        if context.snapshot_mode:
            st.subheader(context.t("การเปลี่ยนแปลงจากภาพนิ่งครั้งก่อน", "Change since the previous snapshot"))
            snapshot_changes(cached(snaps.week_over_week, filters), f"changes_{filters.fiscal_year}")
        curve = cached(progress.weekly_curve, filters)
        provinces = cached(progress.area_progress, filters, "province")
        clusters = cached(progress.area_progress, filters, "cluster")
        regions = cached(progress.area_progress, filters, "region")

    st.subheader(context.t("การเบิกจ่ายสะสมรายสัปดาห์เทียบเป้าหมาย ภาพรวมและงบลงทุน",
                           "Cumulative disbursement by week: overall and investment lines against their targets"))
    st.plotly_chart(progress_curve(curve, context.as_of_shown, context.lang), width="stretch",
                    key="overview_curve", config=PLOTLY_CONFIG)
    st.subheader(context.t("สรุปรายภาค", "By region"))
    area_table(context, regions, context.t("ภาค", "Region"))

    headline = headline_name(context, provinces)
    st.subheader(context.t(f"แผนที่จังหวัดตามสถานะเส้น{headline} (คลิกจังหวัดเพื่อดูรายละเอียด)",
                           f"Provinces by {headline.lower()} line status (click a province to drill down)"))
    st.caption(context.t("จังหวัดที่มีโครงการตามแผนพัฒนาจังหวัด — ", "Provinces with province-plan projects — ")
               + status_counts_text(context, provinces, ("จังหวัด", "provinces")))
    map_column, ranking_column = st.columns([2, 3])
    with map_column:
        tiles = tiles_with_progress(provinces)
        event = st.plotly_chart(tile_map(tiles, context.lang), on_select="rerun", selection_mode="points",
                                key="overview_tile_map", width="stretch", config={"displayModeBar": False})
        open_clicked_area(event, "province", 0)
        name_col = "name_th" if context.lang == "th" else "name_en"
        names = dict(zip(provinces["code"], provinces[name_col], strict=True))
        # one widget per language: a select box answers with its displayed name
        chosen = st.selectbox(context.t("หรือเลือกจังหวัด", "Or choose a province"),
                              ["", *sorted(names, key=names.get)], key=f"overview_pick_province.{context.lang}",
                              format_func=lambda code: names.get(code, "—"))
        if chosen:
            open_area("province", chosen)
    with ranking_column:
        with_projects = provinces[provinces["projects"] > 0]
        if with_projects.empty:
            no_data()
        else:
            show_all = st.toggle(context.t(f"แสดงทุกจังหวัด ({len(with_projects):,})",
                                           f"Show all provinces ({len(with_projects):,})"),
                                 key="overview_ranking_all")
            ranked = with_projects if show_all else ranking_extremes(with_projects)
            skipped = len(with_projects) - len(ranked)
            title = (context.t(f"อันดับจังหวัดตามระยะห่างจากเป้าหมาย เส้น{headline}",
                               f"Provinces ranked by {headline.lower()} gap to target") if not skipped else
                     context.t(f"ห่างจากเป้าหมายเส้น{headline}: {len(ranked) // 2} จังหวัดที่ต่ำที่สุดและสูงที่สุด",
                               f"{headline} gap: the {len(ranked) // 2} provinces furthest behind and ahead"))
            event = st.plotly_chart(gap_ranking(ranked, context.lang, title=title, skipped=skipped,
                                        unit=("จังหวัด", "provinces")),
                            width="stretch", key="overview_province_ranking", on_select="rerun",
                            selection_mode="points", config=PLOTLY_CONFIG)
            open_clicked_area(event, "province", -1)
            missing = len(provinces) - len(with_projects)
            if missing:
                st.caption(context.t(f"ไม่มีข้อมูล {missing} จังหวัด", f"{missing} provinces have no data"))

    st.subheader(context.t("กลุ่มจังหวัด", "Clusters"))
    st.caption(status_counts_text(context, clusters, ("กลุ่ม", "clusters")))
    cluster_left, cluster_right = st.columns([3, 2])
    with cluster_left:
        with_projects = clusters[clusters["projects"] > 0]
        if with_projects.empty:
            no_data()
        else:
            event = st.plotly_chart(
                gap_ranking(with_projects, context.lang,
                            title=context.t(f"อันดับกลุ่มจังหวัดตามระยะห่างจากเป้าหมาย เส้น{headline}",
                                            f"Clusters ranked by {headline.lower()} gap to target")),
                width="stretch", key="overview_cluster_ranking", on_select="rerun", selection_mode="points",
                config=PLOTLY_CONFIG)
            open_clicked_area(event, "cluster", -1)
    with cluster_right:
        name_col = "name_th" if context.lang == "th" else "name_en"
        cluster_names = dict(zip(clusters["code"], clusters[name_col], strict=True))
        chosen_cluster = st.selectbox(context.t("ดูรายละเอียดกลุ่มจังหวัด", "Open a cluster"),
                                      ["", *sorted(cluster_names, key=cluster_names.get)],
                                      key=f"overview_pick_cluster.{context.lang}",
                                      format_func=lambda code: cluster_names.get(code, "—"))
        if chosen_cluster:
            open_area("cluster", chosen_cluster)
    area_table(context, clusters, context.t("กลุ่มจังหวัด", "Cluster"))
    st.caption(context.t(
        "สองเส้นตามที่กรมบัญชีกลางรายงาน แต่ละเส้นเทียบเป้าหมายของตนเอง: ภาพรวม = เบิกจ่ายทุกประเภทงบ ÷ งบประมาณ"
        "ปัจจุบันทั้งหมด เทียบเป้าหมายภาพรวม; งบลงทุน = เฉพาะงบลงทุน เทียบเป้าหมายงบลงทุน · "
        f"★ เส้น{headline}ใช้กำหนดสีและอันดับ · "
        f"สถานะ: {colour_words('th')} "
        "(เส้นหลักและเกณฑ์สถานะเป็นค่าที่ผู้ดูแลระบบกำหนด)",
        "Two lines, as the Comptroller General reports them, each against its own target: overall = all budget "
        "types, disbursed ÷ current allocation, against the overall target; investment = investment budget only, "
        f"against the investment target · ★ the {headline.lower()} line drives colours and rankings · "
        f"Status: {colour_words('en')} "
        "(the leading line and the status thresholds are set by the system administrator)"))


render_safely(render)
