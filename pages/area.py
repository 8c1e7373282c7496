"""Province / cluster (จังหวัด / กลุ่มจังหวัด): one area against its targets, its cluster and the nation.

Pick a province or a cluster (the overview's map and select boxes open this page on one).
The first screen (1400x900) answers what a provincial office asks first, in light HTML
(ui/light.py: no chart library, so it draws as fast as text): both target lines against
their own targets, coloured by status, with the change since last week and the projection
to 30 Sep with its band and the weekly pace needed; how many projects are flagged (each
flag a link to the lagging page); and the money. Below, tabs that run only when opened:
the area beside its cluster and the nation, the projection fan with the pace in words,
splits by budget type and implementing agency, a cluster's member provinces, and the
searchable project table with downloads.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from urllib.parse import urlencode

import pandas as pd
import streamlit as st

from budget_metrics import Filters, progress, projection, reference, year_on_year
from budget_metrics import snapshots as snaps
from budget_metrics.breakdown import project_table, split_totals
from budget_metrics.calendar import fiscal_year_bounds
from budget_metrics.formatting import percent, signed
from budget_metrics.targets import (
    LINE_LABELS,
    LINE_TARGET,
    frame_lines,
    shown_lines,
    status_text,
    target_pct,
    whole_line,
)
from ui import light
from ui.area_links import request_area
from ui.cache import cached
from ui.cards import KpiCard, headline_kpis, kpi_cards
from ui.charts import PLOTLY_CONFIG, clicked_code, projection_fan
from ui.context import PageContext, page_context
from ui.downloads import PROJECT_DOWNLOAD_COLUMNS, download_buttons
from ui.headline import (
    budget_scope_note,
    line_cards,
    money_html,
    overall_not_shown_card,
    projected_money_figures,
    projection_html,
    since_words,
)
from ui.line_tables import area_lines_table
from ui.map_bar_charts import gap_ranking, split_bars
from ui.page_filters import page_text
from ui.page_shell import lazy_tabs, no_data, render_safely
from ui.project_detail import project_detail
from ui.snapshot_tables import snapshot_changes
from ui.tables import GridColumn, project_grid
from vocabulary import (
    BUDGET_TYPES,
    CHOOSE_PLACEHOLDER,
    FLAGS,
    NO_TARGETS_SHORT,
    NO_TARGETS_TO_JUDGE,
    PROJECTION_BAND,
    PROJECTION_BAND_CAVEAT,
    PROJECTION_CAVEATS,
    pick,
    word,
)

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

    They show the sidebar's area and change it (ui.area_links.request_area), so the area
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
        st.radio(
            context.t("ดูระดับ", "Level"),
            ["province", "cluster"],
            key=kind_key,
            horizontal=True,
            on_change=level_changed,
            format_func=lambda value: (
                context.t("จังหวัด", "Province") if value == "province" else context.t("กลุ่มจังหวัด", "Cluster")
            ),
        )
    options = sorted(names[kind], key=names[kind].get)
    with right:
        st.selectbox(
            context.t(
                "เลือกจังหวัด" if kind == "province" else "เลือกกลุ่มจังหวัด", "Province" if kind == "province" else "Cluster"
            ),
            options,
            key=code_key,
            format_func=names[kind].get,
            on_change=area_changed,
            placeholder=pick(CHOOSE_PLACEHOLDER, context.lang),
        )
    return kind, code


def other_kpis(context: PageContext, filters: Filters):
    """The KPIs of a comparison row (cluster, nation): frozen in snapshot mode, else live."""
    return headline_kpis(filters)[0] if context.snapshot_mode else cached(progress.kpis, filters)


def page_href(page: str, kind: str, code: str, **params: str) -> str:
    """A link to another page (e.g. 'lagging') on this area (`?area=province:46`, which the sidebar
    takes on any page), every other sidebar choice of this view kept, plus `params` (e.g. flag=idle)."""
    dropped = ("area", "province", "cluster", "search", *params)
    kept = [(name, value) for name in st.query_params if name not in dropped for value in st.query_params.get_all(name)]
    return f"{page}?" + urlencode([*kept, ("area", f"{kind}:{code}"), *params.items()])


# ---------------------------------------------------------------- the first screen
def area_projections(filters: Filters, kind: str, code: str) -> dict[str, pd.Series]:
    """Each shown line's projected year end for the area (a row of projection.area_projection,
    against the target the line is measured by); a line without projects in the area is left out."""
    rows = {}
    for line in shown_lines(filters.budget_type):
        frame = cached(projection.area_projection, filters, kind, LINE_TARGET[line])
        found = frame[(frame["code"] == code) & (frame["projects"] > 0)]
        if len(found):
            rows[line] = found.iloc[0]
    return rows


def flagged_projects(context: PageContext, filters: Filters, now) -> pd.DataFrame:
    """The area's projects with their lagging flags (a `flags` list each; money_at_risk in baht):
    live from budget_metrics.lagging, or the frozen rows of the snapshot in snapshot mode."""
    if context.snapshot_mode:
        rows = cached(snaps.snapshot_projects, now.snapshot_id, filters)
        return rows.assign(money_at_risk=rows["remaining"].clip(lower=0))
    return cached(project_table, filters)


def flags_card(context: PageContext, filters: Filters, kind: str, code: str, now, before, since: str) -> str:
    """How many of the area's projects are flagged as lagging, the change since the earlier state
    (`since` says which), the money at risk, and the count of each flag, each a link to the lagging page."""
    table = flagged_projects(context, filters, now)
    flagged = table[[bool(flags) for flags in table["flags"]]]
    title = context.t("โครงการที่มีข้อสังเกต", "Flagged projects")
    subtitle = context.t(
        f"จาก {now.projects:,} โครงการ · เงินที่เสี่ยง (งบคงเหลือ) {context.money(flagged['money_at_risk'].sum())} ล้านบาท",
        f"of {now.projects:,} projects · money at risk (unpaid allocation) "
        f"{context.money(flagged['money_at_risk'].sum())} million baht",
    )
    body = f'<div class="bm-big"><span data-figure="flagged">{len(flagged):,}</span></div>'
    if before is not None:
        earlier = (
            before.flagged
            if context.snapshot_mode
            else sum(bool(flags) for flags in cached(project_table, filters.with_as_of(before.as_of))["flags"])
        )
        body += (
            f'<div class="bm-week"><b><span data-figure="flagged_change">{len(flagged) - earlier:+,}</span></b> '
            f"{light.text(context.t('โครงการ', 'projects'))} {light.text(since)}</div>"
        )
    counts = [{"code": flag, "count": sum(flag in flags for flags in flagged["flags"])} for flag in FLAGS]
    judged = reference.has_targets(filters.fiscal_year)  # without targets no project can be behind one

    def count(row: dict) -> str:
        if row["code"] == "behind_target" and not judged:
            return f'<span data-figure="flag_{row["code"]}">{light.text(pick(NO_TARGETS_SHORT, context.lang))}</span>'
        return f'<span data-figure="flag_{row["code"]}">{row["count"]:,}</span>'

    def name(row: dict) -> str:
        return light.link(
            page_href("lagging", kind, code, flag=row["code"]), light.text(word(FLAGS, row["code"], context.lang))
        )

    body += light.ranked_list(
        counts,
        [light.ListColumn(context.t("โครงการ", "projects"), count)],
        context.t("ข้อสังเกต", "Flag"),
        name,
        numbered=False,
    )
    body += (
        '<div style="margin-top:6px">'
        + light.link(
            page_href("lagging", kind, code),
            light.text(context.t("เปิดรายการโครงการล่าช้าของพื้นที่นี้ →", "Open this area's lagging projects →")),
        )
        + "</div>"
    )
    return light.card(title, body, light.status_colour("behind" if len(flagged) else "on_track"), subtitle, key="flags")


def first_screen(context: PageContext, filters: Filters, kind: str, code: str):
    """The headline in light HTML: both lines, the flagged projects, the money. Returns the area's
    KPIs (progress.Kpis, or snapshots.SnapshotKpis in snapshot mode), None when there is nothing."""
    now, before, _ = headline_kpis(filters)
    if now is None:
        no_data(context.t("ไม่มีภาพนิ่งของวันที่นี้", "no snapshot of this date"))
        return None
    if now.projects == 0:
        no_data(context.t("ไม่มีโครงการในพื้นที่นี้ตามตัวกรองที่เลือก", "no projects in this area for the chosen filters"))
        return None
    projections = area_projections(filters, kind, code)
    since = since_words(context, before, context.snapshot_mode)
    # carry-over and lapse of all the selection's projects
    more = projected_money_figures(context, projections.get(whole_line(filters.budget_type)))
    cards = line_cards(
        context,
        now,
        before,
        since,
        {line: projection_html(context, row) for line, row in projections.items()},
        cached(year_on_year.last_year, filters, now.as_of),
    )
    if filters.budget_type:
        cards.insert(0, overall_not_shown_card(context, "area"))
    st.html(
        light.style_tag()
        + light.row(*cards, flags_card(context, filters, kind, code, now, before, since))
        + money_html(context, now, before, since, more)
    )
    if context.snapshot_mode:
        st.caption(
            context.t(
                "ตัวเลขสรุปและการเปลี่ยนแปลงด้านบนเป็นตัวเลขที่บันทึกไว้ในภาพนิ่ง "
                "คาดการณ์สิ้นปี กราฟ และรายการโครงการในแท็บด้านล่างคำนวณจากข้อมูลปัจจุบัน ณ วันเดียวกัน",
                "The headline figures and changes above are the frozen ones; the projection, charts "
                "and project list in the tabs below are today's data for the same date",
            )
        )
    return now


# ---------------------------------------------------------------- the area, its cluster and the nation
def comparison_html(context: PageContext, rows: list[tuple[str, str, object]]) -> str:
    """The area, its cluster and the nation as columns, figures as rows: projects, money, then each
    line's % disbursed, target, gap in points and million baht, status. rows: (key, name, Kpis);
    each figure in a `data-figure="<key>.<figure>"` span."""
    unit = context.million_baht

    def cells(figure: str, value) -> list[str]:
        return [f'<span data-figure="{key}.{figure}">{value(kpis)}</span>' for key, _, kpis in rows]

    body: list[tuple[str, list[str]]] = [
        (context.t("โครงการ", "Projects"), cells("projects", lambda k: f"{k.projects:,}")),
        (
            context.t(f"งบประมาณ ({unit})", f"Allocation ({unit})"),
            cells("allocation", lambda k: context.money(k.current_allocation)),
        ),
        (
            context.t(f"เบิกจ่าย ({unit})", f"Disbursed ({unit})"),
            cells("disbursed", lambda k: context.money(k.disbursed)),
        ),
    ]
    for line in (figures.scope for figures in rows[0][2].lines):
        name = context.t(*LINE_LABELS[line]) + ("★" if rows[0][2].headline == line else "")
        body += [
            (
                f"{name}: " + context.t("ร้อยละเบิกจ่าย", "% disbursed"),
                cells(f"{line}.pct", lambda k, line=line: percent(k.line(line).pct)),
            ),
            (
                f"{name}: " + context.t("เป้าหมาย (%)", "target (%)"),
                cells(f"{line}.target", lambda k, line=line: percent(k.line(line).target_pct)),
            ),
            (
                f"{name}: " + context.t("ห่างเป้า (จุด)", "gap (points)"),
                cells(f"{line}.gap_points", lambda k, line=line: signed(k.line(line).gap_points)),
            ),
            (
                f"{name}: " + context.t(f"ห่างเป้า ({unit})", f"gap ({unit})"),
                cells(
                    f"{line}.gap_baht",
                    lambda k, line=line: (
                        "-" if k.line(line).gap_baht is None else signed(float(k.line(line).gap_baht) / 1e6)
                    ),
                ),
            ),
            (
                f"{name}: " + context.t("สถานะ", "status"),
                [
                    light.badge(kpis.line(line).status, context.lang, status_text(kpis.line(line).status, context.lang))
                    for _, _, kpis in rows
                ],
            ),
        ]
    table = light.figure_table([context.t("รายการ", "Figure"), *(name for _, name, _ in rows)], body)
    return f'<section data-card="comparison">{table}</section>'


def comparison_view(context: PageContext, rows: list[tuple[str, str, object]]) -> None:
    st.html(light.style_tag() + comparison_html(context, rows))
    st.caption(
        context.t(
            "แต่ละเส้นเทียบเป้าหมายของตนเอง: ภาพรวม = เบิกจ่ายทุกประเภทงบ ÷ งบประมาณทั้งหมด; "
            "งบลงทุน = เฉพาะงบลงทุน · ★ เส้นหลักใช้กำหนดสีและอันดับ",
            "Each line against its own target: overall = all budget types, disbursed ÷ allocation; "
            "investment = investment budget only · ★ the headline line drives colours and rankings",
        )
    )


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
    """The searchable, sortable project table with downloads (the tab's label names it)."""
    table = cached(project_table, filters)
    if table.empty:
        no_data()
        return
    query = page_text("search", context.t("ค้นหา (ชื่อ รหัส หรือหน่วยดำเนินการ)", "Search (name, code or agency)"))
    if query:
        needle = query.strip().casefold()
        haystack = (
            table["project_code"].astype(str)
            + " "
            + table["project_name"].astype(str)
            + " "
            + table["implementing_agency"].fillna("").astype(str)
        ).str.casefold()
        table = table[haystack.str.contains(needle, regex=False)]
    owner_name = table["owner_name_th" if context.lang == "th" else "owner_name_en"]
    st.caption(
        context.t(
            f"{len(table):,} โครงการ — คลิกหัวคอลัมน์เพื่อเรียงลำดับ",
            f"{len(table):,} projects — click a column header to sort",
        )
    )
    grid = table.assign(
        flag_names=[", ".join(word(FLAGS, f, context.lang) for f in flags) for flags in table["flags"]],
        owner_name=list(owner_name),
        budget_type_name=[word(BUDGET_TYPES, v, context.lang) for v in table["budget_type"]],
        reasons=table["reasons_th" if context.lang == "th" else "reasons_en"],
    )
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
    last = {
        "week_end": year_end,
        **{f"{line}_target_pct": target_pct(fiscal_year, LINE_TARGET[line], year_end) for line in frame_lines(curve)},
        "lines": ",".join(frame_lines(curve)),
    }
    return pd.concat([curve, pd.DataFrame([last])], ignore_index=True)


def projection_paths(filters: Filters) -> dict[str, pd.DataFrame]:
    """Each shown line's path to 30 Sep for the area: the overall line from all its selected
    projects, the investment line from its investment projects; with a budget type chosen, that
    type's own line from the selected projects (all of that type)."""
    paths = {}
    for line in shown_lines(filters.budget_type):
        chosen = replace(filters, budget_type="investment") if line == "investment" else filters
        paths[line] = cached(projection.projection_path, chosen)
    return {line: path for line, path in paths.items() if path["projected_pct"].notna().any()}


def _pace_lines(context: PageContext, row: pd.Series, year_end: date) -> list[str]:
    """The baht per week needed to reach the next quarter's and the year-end target, and the
    last four weeks' pace against it, one short line each."""
    unit = context.million_baht
    lines = []
    quarter_end = row["next_quarter_end"]
    targets = [(row["target_year_end_pct"], row["required_weekly"], year_end, "สิ้นปี", "year-end")]
    if quarter_end is not None and not pd.isna(quarter_end) and quarter_end < year_end:
        targets.insert(
            0,
            (
                row["target_next_quarter_pct"],
                row["required_weekly_next_quarter"],
                quarter_end,
                "สิ้นไตรมาส",
                "quarter-end",
            ),
        )
    for target, needed, day, thai, english in targets:
        if needed > 0:
            lines.append(
                context.t(
                    f"ให้ถึงเป้าหมาย{thai} (ร้อยละ {target:.2f} ณ {context.date(day)}): ต้องเบิกจ่ายสัปดาห์ละ "
                    f"**{context.money(needed)}** {unit}",
                    f"To reach the {english} target ({target:.2f}% on {context.date(day)}): "
                    f"**{context.money(needed)}** {unit} a week",
                )
            )
        else:
            lines.append(
                context.t(
                    f"ถึงเป้าหมาย{thai} (ร้อยละ {target:.2f}) แล้ว",
                    f"The {english} target ({target:.2f}%) is already reached",
                )
            )
    needed, recent = row["required_weekly"], row["recent_weekly"]
    pace = context.t(
        f"4 สัปดาห์ล่าสุดเบิกจ่ายเฉลี่ยสัปดาห์ละ **{context.money(recent)}** {unit}",
        f"The last four weeks paid **{context.money(recent)}** {unit} a week on average",
    )
    if needed > 0 and recent > 0 and needed > recent:
        pace += context.t(
            f" — ต้องเร่งเป็น {needed / recent:.1f} เท่าของอัตรานี้จึงจะถึงเป้าหมายสิ้นปี",
            f" — {needed / recent:.1f} times that pace is needed for the year-end target",
        )
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
        f"({band}: {low:.1f}–{high:.1f}%)",
    )
    if gap < 0:
        text += context.t(
            f" ต่ำกว่าเป้าหมายสิ้นปี (ร้อยละ {target:g}) {-gap:.1f} จุด หรือประมาณ {context.money(row['baht_at_risk'])} {unit}",
            f", {-gap:.1f} points ({context.money(row['baht_at_risk'])} {unit}) below the "
            f"year-end target of {target:g}%",
        )
    else:
        text += context.t(f" ถึงเป้าหมายสิ้นปี (ร้อยละ {target:g})", f", reaching the year-end target of {target:g}%")
    return text + "\n" + "".join(f"\n- {part}" for part in _pace_lines(context, row, year_end))


def _projected_pct_card(context: PageContext, line: str, row: pd.Series) -> KpiCard:
    """A line's projected % on 30 Sep (the section's heading says it is a projection); its band and
    year-end target in the help."""
    name, band = context.t(*LINE_LABELS[line]), context.t(*PROJECTION_BAND)
    low, high, target = row["projected_low_pct"], row["projected_high_pct"], row["target_year_end_pct"]
    return KpiCard(
        context.t(f"{name}: ณ 30 ก.ย.", f"{name}: by 30 Sep"),
        f"{row['projected_pct']:.1f}%",
        help=context.t(
            f"{band}: ร้อยละ {low:.1f}–{high:.1f}; เป้าหมายสิ้นปี ร้อยละ {target:g}",
            f"{band}: {low:.1f}–{high:.1f}%; year-end target {target:g}%",
        ),
    )


def projection_section(context: PageContext, filters: Filters, kind: str, code: str) -> None:
    """Where the area will likely stand on 30 Sep: projected % of each line with its band, the
    money likely carried over and likely to lapse, and the weekly pace needed (budget_metrics.projection)."""
    rows = area_projections(filters, kind, code)
    judged = whole_line(filters.budget_type)  # the line of all the selection's projects
    if judged not in rows:
        return
    _, year_end = fiscal_year_bounds(filters.fiscal_year)
    made_on = projection.projection_as_of(filters)
    unit = context.million_baht
    overall = rows[judged]  # the selection's projects: carry-over and lapse of every one
    st.markdown(
        "#### "
        + context.t(
            f"คาดการณ์ ณ สิ้นปีงบประมาณ ({context.date(year_end)})", f"Projected year end ({context.date(year_end)})"
        )
    )
    cards = [_projected_pct_card(context, line, row) for line, row in rows.items()]
    cards += [
        KpiCard(
            context.t(f"คาดกันเหลื่อมปี ({unit})", "Projected carry-over (m฿)"),
            context.money(overall["projected_carryover"]),
            help=context.t(
                "ก่อหนี้ผูกพันแล้ว แต่คาดว่าจะเบิกจ่ายไม่ทัน 30 ก.ย. จึงต้องกันเงินไว้เบิกเหลื่อมปี",
                "committed but not expected to be paid by 30 Sep: to be carried over",
            ),
        ),
        KpiCard(
            context.t(f"คาดไม่ได้ใช้ ({unit})", "Projected lapse (m฿)"),
            context.money(overall["projected_lapse"]),
            help=context.t(
                "ไม่ได้ก่อหนี้ผูกพันและคาดว่าจะไม่ได้เบิกจ่าย (รวมเงินเหลือจ่ายจากราคาสัญญา) ตกพับหรือส่งคืนเมื่อสิ้นปีหากไม่กันเงินไว้",
                "neither committed nor expected to be spent (savings below contract prices "
                "included): lapses or is returned at year end unless carried over",
            ),
        ),
    ]
    kpi_cards(cards)
    if made_on >= year_end:
        line_th, line_en = LINE_LABELS[judged]
        st.markdown(
            context.t(
                f"ปีงบประมาณสิ้นสุดแล้ว: เบิกจ่าย{line_th}ได้ร้อยละ {overall['projected_pct']:.1f} "
                f"ก่อหนี้ผูกพันแล้วแต่ยังไม่เบิกจ่าย {context.money(overall['projected_carryover'])} {unit} "
                f"(กันเงินไว้เบิกเหลื่อมปีได้) และไม่ได้ก่อหนี้ผูกพัน {context.money(overall['projected_lapse'])} {unit}",
                f"The fiscal year is over: {overall['projected_pct']:.1f}% paid ({line_en.lower()} line); "
                f"{context.money(overall['projected_carryover'])} {unit} committed but unpaid (can be carried over) "
                f"and {context.money(overall['projected_lapse'])} {unit} not committed",
            )
        )
        return
    for line, row in rows.items():
        st.markdown(projection_words(context, line, row, year_end))
    st.caption(
        context.t(
            f"คาดการณ์จากข้อมูล ณ {context.date(made_on)} เท่านั้น: แต่ละโครงการ = เบิกจ่ายแล้ว + ยอดคงค้าง × "
            "โอกาสเบิกได้ภายใน 30 ก.ย. ตามอัตราที่เห็นในปีนี้ (ตามสัญญา กำหนดแล้วเสร็จ และการลงนามสัญญา) "
            "แล้วรวมเป็นพื้นที่ · ดูคาดการณ์รายโครงการได้ที่หน้าโครงการล่าช้า",
            f"Projected from what was known on {context.date(made_on)} only: each project = paid + outstanding × "
            "the chance of paying it by 30 Sep at the rates seen this year (contracts, planned ends, signing), "
            "summed over the area · per-project projections are on the lagging page",
        )
        + "  \n"
        + context.t(*PROJECTION_BAND_CAVEAT)
        + _projection_caveat(projection.caveat_kind(filters.fiscal_year, made_on), context)
    )


def _projection_caveat(kind: str | None, context: PageContext) -> str:
    """The caveat line under the projection's method (projection.caveat_kind): early in the year it runs low;
    while the year has signed fewer than projection.PAIR_FIRST_CONTRACTS investment contracts it leans on past
    years' averages and may be far off."""
    if kind is None:
        return ""
    return "  \n" + context.t(*PROJECTION_CAVEATS[kind])


# ---------------------------------------------------------------- the tabs below the first screen
def projection_view(context: PageContext, filters: Filters, kind: str, code: str) -> None:
    """The curve with each line's fan to 30 Sep, then the projected cards and the pace in words."""
    curve = cached(progress.weekly_curve, filters)
    st.plotly_chart(
        projection_fan(
            curve_to_year_end(curve, filters.fiscal_year),
            projection_paths(filters),
            context.as_of_shown,
            context.lang,
            title=context.t(
                "การเบิกจ่ายสะสมและคาดการณ์ถึง 30 ก.ย. เทียบเป้าหมายของแต่ละเส้น",
                "Cumulative disbursement and projection to 30 Sep, each line against its target",
            ),
        ),
        width="stretch",
        key="area_curve",
        config=PLOTLY_CONFIG,
    )
    projection_section(context, filters, kind, code)


def splits_view(context: PageContext, filters: Filters) -> None:
    """The money by budget type and by implementing agency (the 15 largest)."""
    by_type = cached(split_totals, filters, "budget_type")
    by_agency = cached(split_totals, filters, "implementing_agency")
    left, right = st.columns([2, 3])
    with left:
        by_type["category"] = [word(BUDGET_TYPES, v, context.lang) for v in by_type["category"]]
        st.plotly_chart(
            split_bars(by_type, "category", context.lang, title=context.t("แยกตามประเภทงบรายจ่าย", "By budget type")),
            width="stretch",
            key="area_by_type",
            config=PLOTLY_CONFIG,
        )
    with right:
        st.plotly_chart(
            split_bars(
                by_agency.head(15),
                "category",
                context.lang,
                title=context.t(
                    "แยกตามหน่วยดำเนินการ (15 อันดับแรกตามงบประมาณ)", "By implementing agency (top 15 by allocation)"
                ),
            ),
            width="stretch",
            key="area_by_agency",
            config=PLOTLY_CONFIG,
        )


def members_view(context: PageContext, filters: Filters, code: str) -> None:
    """A cluster's member provinces: gap ranking (a bar opens the province), both lines side by
    side, and the cluster plan's own projects."""
    members = cached(progress.area_progress, filters, "province")
    members = members[members["cluster_code"] == code]
    own = cached(progress.kpis, replace(filters, plan_type="cluster"))
    line = str(members["headline"].iloc[0]) if len(members) else "overall"
    headline = context.t(*LINE_LABELS[line])
    if not reference.has_targets(filters.fiscal_year, LINE_TARGET[line]):  # no gap to rank by
        with st.container(key="no_targets_members"):
            st.caption(pick(NO_TARGETS_TO_JUDGE, context.lang).format(year=filters.fiscal_year))
        event = None
    else:
        event = st.plotly_chart(
            gap_ranking(
                members,
                context.lang,
                title=context.t(f"ระยะห่างจากเป้าหมายรายจังหวัด เส้น{headline}", f"{headline} gap to target by province"),
            ),
            width="stretch",
            key="area_members",
            config=PLOTLY_CONFIG,
            on_select="rerun",
            selection_mode="points",
        )
    clicked = clicked_code(event, -1)
    if clicked:  # a member province's bar: show that province (and select it in the sidebar)
        request_area("province", clicked)
        st.rerun()
    shown = members.assign(area_name=context.names(members["name_th"], members["name_en"]))
    area_lines_table(
        shown,
        context,
        [
            ("area_name", "จังหวัด", "Province", "text"),
            ("current_allocation", "งบประมาณ", "Allocation", "money"),
        ],
        width="stretch",
    )
    if own.projects:  # each of the selection's lines (a budget type chosen: its own line only)
        thai = ", ".join(
            f"{LINE_LABELS[line.scope][0]} {percent(line.pct)} "
            + (f"(เป้าหมาย {percent(line.target_pct)})" if line.target_pct is not None else f"({NO_TARGETS_SHORT[0]})")
            for line in own.lines
        )
        english = ", ".join(
            f"{LINE_LABELS[line.scope][1].lower()} {percent(line.pct)}% disbursed "
            + (f"(target {percent(line.target_pct)}%)" if line.target_pct is not None else f"({NO_TARGETS_SHORT[1]})")
            for line in own.lines
        )
        st.caption(
            context.t(
                f"โครงการตามแผนพัฒนากลุ่มจังหวัดเอง: {own.projects:,} โครงการ, งบประมาณ "
                f"{context.money(own.current_allocation)} ล้านบาท, เบิกจ่ายร้อยละ {thai}",
                f"The cluster plan's own projects: {own.projects:,}, allocation "
                f"{context.money(own.current_allocation)} million baht, {english}",
            )
        )


def changes_view(context: PageContext, filters: Filters, kind: str, code: str) -> None:
    """Snapshot mode: the frozen movers and newly flagged / cleared projects since the previous snapshot."""
    st.markdown("**" + context.t("การเปลี่ยนแปลงจากภาพนิ่งครั้งก่อน", "Change since the previous snapshot") + "**")
    snapshot_changes(cached(snaps.week_over_week, filters), f"changes_{kind}_{code}")


def views(context: PageContext, filters: Filters, kind: str, code: str, comparison: list) -> None:
    """Everything below the first screen as tabs; only the open tab runs (and loads its chart or grid).
    The first tab (the comparison, or in snapshot mode the frozen changes) is light."""
    against = (
        context.t("เทียบกลุ่มจังหวัดและทั้งประเทศ", "Against cluster and nation")
        if kind == "province"
        else context.t("เทียบทั้งประเทศ", "Against the nation")
    )
    tabs = [
        (against, lambda: comparison_view(context, comparison)),
        (context.t("คาดการณ์ถึง 30 ก.ย.", "Projection to 30 Sep"), lambda: projection_view(context, filters, kind, code)),
        (context.t("แยกตามประเภทงบและหน่วยงาน", "By budget type and agency"), lambda: splits_view(context, filters)),
    ]
    if kind == "cluster":
        tabs.append((context.t("จังหวัดสมาชิก", "Member provinces"), lambda: members_view(context, filters, code)))
    # the file name adds the area and date
    tabs.append((context.t("รายการโครงการ", "Projects"), lambda: project_section(context, filters, "projects")))
    if context.snapshot_mode:  # the frozen week-over-week detail first
        tabs.insert(
            0, (context.t("การเปลี่ยนแปลงรายสัปดาห์", "Week over week"), lambda: changes_view(context, filters, kind, code))
        )
    # one key per language, level and mode: the labels (the tab's value) change with them
    lazy_tabs(tabs, view_key(context.lang, kind, context.snapshot_mode))


def view_key(lang: str, kind: str, snapshot_mode: bool) -> str:
    """The session-state key of the page's tabs (its value is the open tab's label)."""
    return f"area_view.{lang}.{kind}.{snapshot_mode}"


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
        shown_on = context.date(context.as_of_shown)
        st.caption(
            context.t(
                f"{clusters.at[cluster_code, 'name_th']} · ข้อมูล ณ วันที่ {shown_on}",
                f"{clusters.at[cluster_code, 'name_en']} · as of {shown_on}",
            )
        )
    else:
        filters = replace(base, cluster=code)
        cluster_code = code
        area_name = clusters.at[code, name_col]
        st.subheader(area_name)
        shown_on = context.date(context.as_of_shown)
        st.caption(
            context.t(
                f"รวมโครงการของกลุ่มจังหวัดและจังหวัดสมาชิก · ข้อมูล ณ วันที่ {shown_on}",
                f"Cluster plan and member provinces' projects · as of {shown_on}",
            )
        )
    budget_scope_note(context, filters.budget_type)

    with st.spinner(context.t("กำลังคำนวณ…", "Calculating…")):
        now = first_screen(context, filters, kind, code)
        if now is None:
            return
        # the area, its cluster and the nation: the comparison tab (light, open first)
        comparison = [("area", str(area_name).removeprefix("กลุ่มจังหวัด"), now)]
        if kind == "province":
            comparison.append(
                (
                    "cluster",
                    str(clusters.at[cluster_code, name_col]).removeprefix("กลุ่มจังหวัด"),
                    other_kpis(context, replace(base, cluster=cluster_code)),
                )
            )
        comparison.append(("nation", context.t("ทั้งประเทศ", "Nation"), other_kpis(context, base)))
    views(context, filters, kind, code, comparison)


render_safely(render)
