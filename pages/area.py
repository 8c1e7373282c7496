"""Province / cluster (จังหวัด / กลุ่มจังหวัด): one area against its cluster and the nation.

Pick a province or a cluster (the overview's map and select boxes open this page on
one). Shows its KPIs beside its cluster's and the nation's, its curve against target,
splits by budget type and implementing agency, a searchable project table and, for a
cluster, its member provinces side by side.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pandas as pd
import streamlit as st

from budget_metrics import Filters, progress, projection, reference
from budget_metrics import snapshots as snaps
from budget_metrics.breakdown import project_table, split_totals
from budget_metrics.calendar import fiscal_year_bounds
from budget_metrics.formatting import percent
from budget_metrics.targets import LINE_LABELS, LINES, target_pct
from ui.charts import (
    PLOTLY_CONFIG,
    clicked_code,
    gap_ranking,
    projection_fan,
    split_bars,
)
from ui.context import PageContext, page_context
from ui.controls import page_text, request_area
from ui.widgets import (
    PROJECT_DOWNLOAD_COLUMNS,
    GridColumn,
    KpiCard,
    area_lines_table,
    cached,
    comparison_lines_table,
    download_buttons,
    execution_kpi_cards,
    headline_kpis,
    kpi_cards,
    no_data,
    project_detail,
    project_grid,
    render_safely,
    snapshot_changes,
)
from vocabulary import BUDGET_TYPES, FLAGS, PROJECTION_BAND, word

SELECTION_KEY = "area_selection"  # (kind, code) shown while the sidebar selects no area


def _first_province(provinces: pd.DataFrame, cluster: str | None = None) -> str:
    """The first province by Thai name (of a cluster): the same in both languages."""
    chosen = provinces if cluster is None else provinces[provinces["cluster_code"] == cluster]
    return str(chosen.sort_values("name_th")["province_code"].iloc[0])


def _shown_area(context: PageContext, provinces: pd.DataFrame) -> tuple[str, str]:
    """The sidebar's province, else its cluster, else the area shown last (first province)."""
    if context.filters.province:
        return ("province", context.filters.province)
    if context.filters.cluster:
        return ("cluster", context.filters.cluster)
    return st.session_state.setdefault(SELECTION_KEY, ("province", _first_province(provinces)))


def choose_area(context: PageContext) -> tuple[str, str]:
    """Draw the level radio and the area picker; return (kind, code).

    They show the sidebar's area and change it (ui.controls.request_area), so the area
    chosen here stays chosen on every page: one set of filters.
    """
    provinces = reference.provinces()
    clusters = reference.clusters()
    name_col = "name_th" if context.lang == "th" else "name_en"
    names = {
        "province": dict(zip(provinces["province_code"], provinces[name_col], strict=True)),
        "cluster": dict(zip(clusters["cluster_code"], clusters[name_col], strict=True)),
    }
    kind, code = _shown_area(context, provinces)
    if code not in names.get(kind, {}):
        kind, code = "province", _first_province(provinces)
    st.session_state[SELECTION_KEY] = (kind, code)
    # One widget per language (a radio answers with its displayed text); both always show
    # the sidebar's area, and a change goes to the sidebar before the next run draws it.
    kind_key, code_key = f"area_level.{context.lang}", f"area_code.{context.lang}"
    st.session_state[kind_key], st.session_state[code_key] = kind, code
    province_cluster = dict(zip(provinces["province_code"], provinces["cluster_code"], strict=True))

    def level_changed() -> None:
        wanted = st.session_state[kind_key]
        if wanted == "cluster":
            request_area("cluster", province_cluster.get(code, clusters["cluster_code"].iloc[0]))
        else:
            request_area("province", _first_province(provinces, code if kind == "cluster" else None))

    def area_changed() -> None:
        request_area(kind, st.session_state[code_key])

    left, right = st.columns([1, 3])
    with left:
        st.radio(context.t("ดูระดับ", "Level"), ["province", "cluster"], key=kind_key, horizontal=True,
                 on_change=level_changed,
                 format_func=lambda value: context.t("จังหวัด", "Province") if value == "province"
                 else context.t("กลุ่มจังหวัด", "Cluster"))
    options = sorted(names[kind], key=names[kind].get)
    with right:
        st.selectbox(context.t("เลือกจังหวัด" if kind == "province" else "เลือกกลุ่มจังหวัด",
                               "Province" if kind == "province" else "Cluster"),
                     options, key=code_key, format_func=names[kind].get, on_change=area_changed)
    return kind, code


def comparison_table(context: PageContext, rows: list[tuple[str, object]]) -> None:
    """The area, its cluster and the nation side by side, with both target lines."""
    comparison_lines_table([(str(name).removeprefix("กลุ่มจังหวัด"), k) for name, k in rows], context)


def area_kpis(context: PageContext, filters: Filters):
    """KPI cards for the area with the change since the previous week (or snapshot);
    returns the current KPIs (progress.Kpis, or snapshots.SnapshotKpis in snapshot mode)."""
    now, before, compared = headline_kpis(filters)
    if now is None:
        return None
    execution_kpi_cards(now, before, compared)
    return now


def other_kpis(context: PageContext, filters: Filters):
    """The KPIs of a comparison row (cluster, nation): frozen in snapshot mode, else live."""
    return headline_kpis(filters)[0] if context.snapshot_mode else cached(progress.kpis, filters)


# The money, % disbursed, status and flags in view at 1400 px (the code pinned); the
# rest follows, and every field is in the detail panel of a selected row.
PROJECT_GRID = [
    GridColumn("project_code", "รหัสโครงการ", "Code", width=96, pinned=True),
    GridColumn("project_name", "ชื่อโครงการ", "Project", width=176),
    GridColumn("current_allocation", "งบประมาณ (ลบ.)", "Allocation (m฿)", "money", width=112),
    GridColumn("disbursed", "เบิกจ่าย (ลบ.)", "Disbursed (m฿)", "money", width=104),
    GridColumn("pct_disbursed", "% เบิกจ่าย", "% paid", "pct", width=74),
    GridColumn("status", "สถานะ", "Status", "status", width=112),
    GridColumn("flag_names", "ข้อสังเกต", "Flags", width=210),
    GridColumn("owner_name", "เจ้าของแผน", "Plan owner", width=150),
    GridColumn("budget_type_name", "ประเภทงบ", "Budget type", width=110),
    GridColumn("implementing_agency", "หน่วยดำเนินการ", "Implementing agency", width=200),
    GridColumn("committed", "ก่อหนี้ผูกพัน (ลบ.)", "Committed (m฿)", "money", width=120),
    GridColumn("reasons", "เหตุผล", "Why", width=360),
]


def project_section(context: PageContext, filters: Filters, file_stem: str) -> None:
    """The searchable, sortable project table with downloads."""
    table = cached(project_table, filters)
    st.subheader(context.t("รายการโครงการ", "Projects"))
    if table.empty:
        no_data()
        return
    query = page_text("search", context.t("ค้นหา (ชื่อ รหัส หรือหน่วยดำเนินการ)", "Search (name, code or agency)"))
    if query:
        needle = query.strip().casefold()
        haystack = (table["project_code"].astype(str) + " " + table["project_name"].astype(str) + " "
                    + table["implementing_agency"].fillna("").astype(str)).str.casefold()
        table = table[haystack.str.contains(needle, regex=False)]
    owner_name = table["owner_name_th" if context.lang == "th" else "owner_name_en"]
    st.caption(context.t(f"{len(table):,} โครงการ — คลิกหัวคอลัมน์เพื่อเรียงลำดับ",
                         f"{len(table):,} projects — click a column header to sort"))
    grid = table.assign(
        flag_names=[", ".join(word(FLAGS, f, context.lang) for f in flags) for flags in table["flags"]],
        owner_name=list(owner_name),
        budget_type_name=[word(BUDGET_TYPES, v, context.lang) for v in table["budget_type"]],
        reasons=table["reasons_th" if context.lang == "th" else "reasons_en"])
    selected = project_grid(grid, PROJECT_GRID, context, key="area_project_grid")
    if selected is not None:
        project_detail(selected, context)
    download_buttons(table, file_stem, context, PROJECT_DOWNLOAD_COLUMNS, key="area_projects", filters=filters)


# ---------------------------------------------------------------- year-end projection
def curve_to_year_end(curve: pd.DataFrame, fiscal_year: int) -> pd.DataFrame:
    """The weekly curve with the fiscal year's last day added (targets only), so the target
    lines reach 30 Sep where the projection fan ends."""
    _, year_end = fiscal_year_bounds(fiscal_year)
    if len(curve) and pd.Timestamp(curve["week_end"].iloc[-1]).date() >= year_end:
        return curve
    last = {"week_end": year_end, **{f"{line}_target_pct": target_pct(fiscal_year, line, year_end) for line in LINES}}
    return pd.concat([curve, pd.DataFrame([last])], ignore_index=True)


def projection_paths(filters: Filters) -> dict[str, pd.DataFrame]:
    """Each reported line's path to 30 Sep for the area: the overall line from all its selected
    projects, the investment line from its investment projects (none when the sidebar's budget
    type leaves no investment projects)."""
    paths = {"overall": cached(projection.projection_path, filters)}
    if filters.budget_type in (None, "investment"):
        paths["investment"] = cached(projection.projection_path, replace(filters, budget_type="investment"))
    return {line: path for line, path in paths.items() if path["projected_pct"].notna().any()}


def _pace_lines(context: PageContext, row: pd.Series, year_end: date) -> list[str]:
    """The baht per week needed to reach the next quarter's and the year-end target, and the
    last four weeks' pace against it, one short line each."""
    unit = context.million_baht
    lines = []
    quarter_end = row["next_quarter_end"]
    targets = [(row["target_year_end_pct"], row["required_weekly"], year_end, "สิ้นปี", "year-end")]
    if quarter_end is not None and not pd.isna(quarter_end) and quarter_end < year_end:
        targets.insert(0, (row["target_next_quarter_pct"], row["required_weekly_next_quarter"], quarter_end,
                           "สิ้นไตรมาส", "quarter-end"))
    for target, needed, day, thai, english in targets:
        if needed > 0:
            lines.append(context.t(
                f"ให้ถึงเป้าหมาย{thai} (ร้อยละ {target:.2f} ณ {context.date(day)}): ต้องเบิกจ่ายสัปดาห์ละ "
                f"**{context.money(needed)}** {unit}",
                f"To reach the {english} target ({target:.2f}% on {context.date(day)}): "
                f"**{context.money(needed)}** {unit} a week"))
        else:
            lines.append(context.t(f"ถึงเป้าหมาย{thai} (ร้อยละ {target:.2f}) แล้ว",
                                   f"The {english} target ({target:.2f}%) is already reached"))
    needed, recent = row["required_weekly"], row["recent_weekly"]
    pace = context.t(f"4 สัปดาห์ล่าสุดเบิกจ่ายเฉลี่ยสัปดาห์ละ **{context.money(recent)}** {unit}",
                     f"The last four weeks paid **{context.money(recent)}** {unit} a week on average")
    if needed > 0 and recent > 0 and needed > recent:
        pace += context.t(f" — ต้องเร่งเป็น {needed / recent:.1f} เท่าของอัตรานี้จึงจะถึงเป้าหมายสิ้นปี",
                          f" — {needed / recent:.1f} times that pace is needed for the year-end target")
    elif needed > 0:
        pace += context.t(" — อัตรานี้เพียงพอสำหรับเป้าหมายสิ้นปี", " — enough for the year-end target")
    return [*lines, pace]


def projection_words(context: PageContext, line: str, row: pd.Series, year_end: date) -> str:
    """One line's projected year end with its band and gap to the year-end target, then the pace
    needed, as markdown a provincial officer reads (figures from the read side)."""
    name = context.t(*LINE_LABELS[line])
    pct, low, high = row["projected_pct"], row["projected_low_pct"], row["projected_high_pct"]
    target, gap = row["target_year_end_pct"], row["projected_gap_points"]
    unit = context.million_baht
    band = context.t(*PROJECTION_BAND)
    text = context.t(
        f"**{name}**: ตามอัตราการเบิกจ่ายปัจจุบัน คาดว่าจะเบิกจ่ายได้ประมาณร้อยละ **{pct:.1f}** ภายใน "
        f"{context.date(year_end)} ({band}: ร้อยละ {low:.1f}–{high:.1f})",
        f"**{name}**: at the current pace it will likely reach **{pct:.1f}%** by {context.date(year_end)} "
        f"({band}: {low:.1f}–{high:.1f}%)")
    if gap < 0:
        text += context.t(f" ต่ำกว่าเป้าหมายสิ้นปี (ร้อยละ {target:g}) {-gap:.1f} จุด หรือประมาณ "
                          f"{context.money(row['baht_at_risk'])} {unit}",
                          f", {-gap:.1f} points ({context.money(row['baht_at_risk'])} {unit}) below the "
                          f"year-end target of {target:g}%")
    else:
        text += context.t(f" ถึงเป้าหมายสิ้นปี (ร้อยละ {target:g})", f", reaching the year-end target of {target:g}%")
    return text + "\n" + "".join(f"\n- {part}" for part in _pace_lines(context, row, year_end))


def _projected_pct_card(context: PageContext, line: str, row: pd.Series) -> KpiCard:
    """A line's projected % on 30 Sep (the section's heading says it is a projection); its band and
    year-end target in the help."""
    name, band = context.t(*LINE_LABELS[line]), context.t(*PROJECTION_BAND)
    low, high, target = row["projected_low_pct"], row["projected_high_pct"], row["target_year_end_pct"]
    return KpiCard(context.t(f"{name}: ณ 30 ก.ย.", f"{name}: by 30 Sep"), f"{row['projected_pct']:.1f}%",
                   help=context.t(f"{band}: ร้อยละ {low:.1f}–{high:.1f}; เป้าหมายสิ้นปี ร้อยละ {target:g}",
                                  f"{band}: {low:.1f}–{high:.1f}%; year-end target {target:g}%"))


def projection_section(context: PageContext, filters: Filters, kind: str, code: str) -> None:
    """Where the area will likely stand on 30 Sep: projected % of each line with its band, the
    money likely carried over and likely to lapse, and the weekly pace needed (budget_metrics.projection)."""
    rows = {}
    for line in LINES:
        frame = cached(projection.area_projection, filters, kind, line)
        found = frame[(frame["code"] == code) & (frame["projects"] > 0)]
        if len(found):
            rows[line] = found.iloc[0]
    if "overall" not in rows:
        return
    _, year_end = fiscal_year_bounds(filters.fiscal_year)
    made_on = projection.projection_as_of(filters)
    unit = context.million_baht
    overall = rows["overall"]
    st.markdown("#### " + context.t(f"คาดการณ์ ณ สิ้นปีงบประมาณ ({context.date(year_end)})",
                                    f"Projected year end ({context.date(year_end)})"))
    cards = [_projected_pct_card(context, line, row) for line, row in rows.items()]
    cards += [
        KpiCard(context.t(f"คาดกันเหลื่อมปี ({unit})", "Projected carry-over (m฿)"),
                context.money(overall["projected_carryover"]),
                help=context.t("ก่อหนี้ผูกพันแล้ว แต่คาดว่าจะเบิกจ่ายไม่ทัน 30 ก.ย. จึงต้องกันเงินไว้เบิกเหลื่อมปี",
                               "committed but not expected to be paid by 30 Sep: to be carried over")),
        KpiCard(context.t(f"คาดไม่ได้ใช้ ({unit})", "Projected lapse (m฿)"),
                context.money(overall["projected_lapse"]),
                help=context.t("ไม่ได้ก่อหนี้ผูกพันและคาดว่าจะไม่ได้เบิกจ่าย (รวมเงินเหลือจ่ายจากราคาสัญญา) "
                               "ตกพับหรือส่งคืนเมื่อสิ้นปีหากไม่กันเงินไว้",
                               "neither committed nor expected to be spent (savings below contract prices "
                               "included): lapses or is returned at year end unless carried over")),
    ]
    kpi_cards(cards)
    if made_on >= year_end:
        st.markdown(context.t(
            f"ปีงบประมาณสิ้นสุดแล้ว: เบิกจ่ายภาพรวมได้ร้อยละ {overall['projected_pct']:.1f} "
            f"ก่อหนี้ผูกพันแล้วแต่ยังไม่เบิกจ่าย {context.money(overall['projected_carryover'])} {unit} "
            f"(กันเงินไว้เบิกเหลื่อมปีได้) และไม่ได้ก่อหนี้ผูกพัน {context.money(overall['projected_lapse'])} {unit}",
            f"The fiscal year is over: {overall['projected_pct']:.1f}% paid overall; "
            f"{context.money(overall['projected_carryover'])} {unit} committed but unpaid (can be carried over) "
            f"and {context.money(overall['projected_lapse'])} {unit} not committed"))
        return
    for line, row in rows.items():
        st.markdown(projection_words(context, line, row, year_end))
    st.caption(context.t(
        f"คาดการณ์จากข้อมูล ณ {context.date(made_on)} เท่านั้น: แต่ละโครงการ = เบิกจ่ายแล้ว + ยอดคงค้าง × "
        "โอกาสเบิกได้ภายใน 30 ก.ย. ตามอัตราที่เห็นในปีนี้ (ตามสัญญา กำหนดแล้วเสร็จ และการลงนามสัญญา) "
        "แล้วรวมเป็นพื้นที่ · ดูคาดการณ์รายโครงการได้ที่หน้าโครงการล่าช้า",
        f"Projected from what was known on {context.date(made_on)} only: each project = paid + outstanding × "
        "the chance of paying it by 30 Sep at the rates seen this year (contracts, planned ends, signing), "
        "summed over the area · per-project projections are on the lagging page"))


def render() -> None:
    context = page_context()
    st.title(context.t("จังหวัด / กลุ่มจังหวัด", "Province / cluster"))
    kind, code = choose_area(context)
    # The picked area replaces the sidebar's geography; year, date, plan and budget type stay.
    base = replace(context.filters, region=None, cluster=None, province=None)
    provinces = reference.provinces()
    clusters = reference.clusters().set_index("cluster_code")
    name_col = "name_th" if context.lang == "th" else "name_en"
    if kind == "province":
        filters = replace(base, province=code)
        row = provinces.set_index("province_code").loc[code]
        cluster_code = row["cluster_code"]
        area_name = row[name_col]
        st.subheader(area_name)
        st.caption(context.t(f"{clusters.at[cluster_code, 'name_th']} · ข้อมูล ณ วันที่ {context.date(context.as_of_shown)}",
                             f"{clusters.at[cluster_code, 'name_en']} · as of {context.date(context.as_of_shown)}"))
    else:
        filters = replace(base, cluster=code)
        cluster_code = code
        area_name = clusters.at[code, name_col]
        st.subheader(area_name)
        st.caption(context.t(f"รวมโครงการของกลุ่มจังหวัดและจังหวัดสมาชิก · ข้อมูล ณ วันที่ {context.date(context.as_of_shown)}",
                             f"Cluster plan and member provinces' projects · as of {context.date(context.as_of_shown)}"))

    with st.spinner(context.t("กำลังคำนวณ…", "Calculating…")):
        now = area_kpis(context, filters)
        if now is None:
            no_data(context.t("ไม่มีภาพนิ่งของวันที่นี้", "no snapshot of this date"))
            return
        if now.projects == 0:
            no_data(context.t("ไม่มีโครงการในพื้นที่นี้ตามตัวกรองที่เลือก",
                              "no projects in this area for the chosen filters"))
            return
        rows = [(area_name, now)]
        if kind == "province":
            rows.append((clusters.at[cluster_code, name_col], other_kpis(context, replace(base, cluster=cluster_code))))
        rows.append((context.t("ทั้งประเทศ", "Nation"), other_kpis(context, base)))
        curve = cached(progress.weekly_curve, filters)
        by_type = cached(split_totals, filters, "budget_type")
        by_agency = cached(split_totals, filters, "implementing_agency")

    st.markdown("#### " + context.t("เทียบกับกลุ่มจังหวัดและทั้งประเทศ", "Against its cluster and the nation"))
    comparison_table(context, rows)

    if context.snapshot_mode:
        st.markdown("#### " + context.t("การเปลี่ยนแปลงจากภาพนิ่งครั้งก่อน", "Change since the previous snapshot"))
        st.caption(context.t("ตัวเลขสรุปด้านบนและส่วนนี้เป็นตัวเลขที่บันทึกไว้ กราฟและรายการโครงการด้านล่าง"
                             "คำนวณจากข้อมูลปัจจุบัน ณ วันเดียวกัน",
                             "The figures above and this section are frozen; the charts and project list "
                             "below are today's data for the same date"))
        snapshot_changes(cached(snaps.week_over_week, filters), f"changes_{kind}_{code}")

    left, right = st.columns([3, 2])
    with left:
        st.plotly_chart(projection_fan(curve_to_year_end(curve, filters.fiscal_year), projection_paths(filters),
                                       context.as_of_shown, context.lang,
                                       title=context.t("การเบิกจ่ายสะสมและคาดการณ์ถึง 30 ก.ย. "
                                                       "เทียบเป้าหมายของแต่ละเส้น",
                                                       "Cumulative disbursement and projection to 30 Sep, "
                                                       "each line against its target")),
                        width="stretch", key="area_curve", config=PLOTLY_CONFIG)
    with right:
        by_type["category"] = [word(BUDGET_TYPES, v, context.lang) for v in by_type["category"]]
        st.plotly_chart(split_bars(by_type, "category", context.lang,
                                   title=context.t("แยกตามประเภทงบรายจ่าย", "By budget type")),
                        width="stretch", key="area_by_type", config=PLOTLY_CONFIG)
    projection_section(context, filters, kind, code)

    st.plotly_chart(split_bars(by_agency.head(15), "category", context.lang,
                               title=context.t("แยกตามหน่วยดำเนินการ (15 อันดับแรกตามงบประมาณ)",
                                               "By implementing agency (top 15 by allocation)")),
                    width="stretch", key="area_by_agency", config=PLOTLY_CONFIG)

    if kind == "cluster":
        st.markdown("#### " + context.t("จังหวัดสมาชิก", "Member provinces"))
        members = cached(progress.area_progress, filters, "province")
        members = members[members["cluster_code"] == code]
        own = cached(progress.kpis, replace(filters, plan_type="cluster"))
        line = str(members["headline"].iloc[0]) if len(members) else "overall"
        headline = context.t(*LINE_LABELS[line])
        event = st.plotly_chart(gap_ranking(members, context.lang,
                                            title=context.t(f"ระยะห่างจากเป้าหมายรายจังหวัด เส้น{headline}",
                                                            f"{headline} gap to target by province")),
                                width="stretch", key="area_members", config=PLOTLY_CONFIG,
                                on_select="rerun", selection_mode="points")
        clicked = clicked_code(event, -1)
        if clicked:  # a member province's bar: show that province (and select it in the sidebar)
            request_area("province", clicked)
            st.rerun()
        shown = members.assign(area_name=context.names(members["name_th"], members["name_en"]))
        area_lines_table(shown, context, [
            ("area_name", "จังหวัด", "Province", "text"),
            ("current_allocation", "งบประมาณ", "Allocation", "money"),
        ], width="stretch")
        if own.projects:
            st.caption(context.t(
                f"โครงการตามแผนพัฒนากลุ่มจังหวัดเอง: {own.projects:,} โครงการ, งบประมาณ "
                f"{context.money(own.current_allocation)} ล้านบาท, เบิกจ่ายร้อยละ ภาพรวม "
                f"{percent(own.overall.pct)} (เป้าหมาย {percent(own.overall.target_pct)}), งบลงทุน "
                f"{percent(own.investment.pct)} (เป้าหมาย {percent(own.investment.target_pct)})",
                f"The cluster plan's own projects: {own.projects:,}, allocation "
                f"{context.money(own.current_allocation)} million baht, overall {percent(own.overall.pct)}% "
                f"disbursed (target {percent(own.overall.target_pct)}%), investment {percent(own.investment.pct)}% "
                f"(target {percent(own.investment.target_pct)}%)"))

    project_section(context, filters, "projects")  # the file name adds the area and date


render_safely(render)
