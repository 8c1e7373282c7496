"""Overview (ภาพรวม): what an executive asks first, then the map, rankings and curve.

The first screen (1400x900) answers, in light HTML (ui/light.py, no chart library, so it
draws as fast as text): how far each of the two target lines is against its own target,
coloured by status; what changed since last week (live figures seven days earlier, or the
previous weekly snapshot in snapshot mode); the projected year end of each line with its
band; and the five areas furthest behind on the headline line (provinces, or clusters when
the cluster plans are selected). Then the money, the areas that need intervention (by baht
at risk, each with the projects that drive its shortfall), and tabs for the tile map,
rankings, curve and tables — each tab runs only when opened.
"""

from __future__ import annotations

from functools import partial
from urllib.parse import urlencode

import pandas as pd
import streamlit as st

from budget_metrics import progress, reference, year_on_year
from budget_metrics import projection as proj
from budget_metrics import snapshots as snaps
from budget_metrics.formatting import percent, signed
from budget_metrics.targets import (
    JUDGED_STATUSES,
    LINE_LABELS,
    LINE_TARGET,
    frame_lines,
    gap_status,
    judged_line,
    other_line,
    shown_lines,
    status_text,
    whole_line,
)
from budget_metrics.tilemap import tiles_with_progress
from ui import light, light_status
from ui.area_links import area_link_params, page_link_params, request_area
from ui.cache import cached, view_html
from ui.cards import headline_kpis
from ui.charts import PLOTLY_CONFIG, clicked_code, progress_curve
from ui.context import PageContext, page_context
from ui.headline import (
    budget_scope_note,
    money_html,
    overall_not_shown_card,
    projected_money_figures,
    projection_html,
    since_words,
)
from ui.headline import (
    line_cards as headline_line_cards,
)
from ui.line_tables import area_lines_table
from ui.map_bar_charts import gap_ranking, ranking_extremes
from ui.navigate import navigable, navigate
from ui.page_shell import lazy_tabs, no_data, render_safely
from ui.snapshot_tables import snapshot_changes
from vocabulary import (
    BUDGET_TYPES,
    CHOOSE_PLACEHOLDER,
    LAST_YEAR,
    NO_TARGETS,
    NO_TARGETS_SHORT,
    NO_TARGETS_TO_JUDGE,
    PLAN_TYPES,
    STATUSES,
    pick,
    word,
)

LAGGARDS = 5  # the areas furthest behind shown on the first screen
RISK_SHOWN = 10  # needs-intervention areas listed before "show all"


def scope_text(context: PageContext) -> str:
    """A one-line description of what the filters select, for page headers."""
    filters = context.filters
    parts = [
        context.t(f"ปีงบประมาณ พ.ศ. {filters.fiscal_year}", f"FY{filters.fiscal_year}"),
        context.t(f"ข้อมูล ณ วันที่ {context.date(context.as_of_shown)}", f"as of {context.date(context.as_of_shown)}"),
        selection_text(context),
    ]
    if context.snapshot_mode:
        parts.append(context.t("ภาพนิ่งรายสัปดาห์", "weekly snapshot"))
    return " · ".join(parts)


def selection_text(context: PageContext) -> str:
    """Which area, plan type and budget type the sidebar selects ('ทั้งประเทศ' when none)."""
    filters = context.filters
    parts = []
    for code, table, key in (
        (filters.province, reference.provinces(), "province_code"),
        (filters.cluster, reference.clusters(), "cluster_code"),
        (filters.region, reference.regions(), "region"),
    ):
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


def area_table(context: PageContext, table: pd.DataFrame, name_title: str) -> None:
    """A sortable table of areas: allocation (million baht), then both target lines (% disbursed,
    gap in points and million baht, status) side by side; the targets in its caption."""
    # a cluster's name without its common prefix: the column header says what the rows are
    names = [name.removeprefix("กลุ่มจังหวัด") for name in context.names(table["name_th"], table["name_en"])]
    area_lines_table(
        table.assign(area_name=names),
        context,
        [
            ("area_name", name_title, name_title, "text"),
            ("current_allocation", "งบประมาณ", "Allocation", "money"),
        ],
        width="stretch",
    )


def headline_name(context: PageContext, table: pd.DataFrame) -> str:
    """The headline line's name ('ภาพรวม' / 'Overall') of an area_progress table."""
    line = str(table["headline"].iloc[0]) if len(table) else "overall"
    return context.t(*LINE_LABELS[line])


def has_targets(context: PageContext, line: str = "overall") -> bool:
    """The chosen year has cabinet targets for `line`'s target (data/reference/targets.csv)."""
    return reference.has_targets(context.filters.fiscal_year, LINE_TARGET[line])


def shown_statuses(context: PageContext) -> tuple[str, ...]:
    """The status codes a legend explains: the four judgements in a year with targets, 'no_target'
    in a year without (nothing is on target or behind then), and 'no_data'."""
    judged = JUDGED_STATUSES if has_targets(context) else ("no_target",)
    return (*judged, "no_data")


def status_counts_text(context: PageContext, table: pd.DataFrame, unit: tuple[str, str]) -> str:
    """'ภาพรวม: ต่ำกว่าเป้าหมาย 36 · เฝ้าระวัง 34 · ใกล้เป้าหมาย 6 · ถึงเป้าหมาย 0 จังหวัด | งบลงทุน: ...' for
    areas with projects, for each line the table shows (only the chosen budget type's own line when one is).
    A year without cabinet targets counts 'ไม่มีเป้าหมาย 76 จังหวัด' (never 'no data', never 'behind 0')."""
    with_projects = table[table["projects"] > 0]
    parts = []
    for line in frame_lines(table):
        counts = with_projects[f"{line}_status"].value_counts()
        judged = has_targets(context, line)
        figures = " · ".join(
            f"{word(STATUSES, status, context.lang)} {int(counts.get(status, 0)):,}"
            for status in ("behind", "watch", "near_target", "on_track", "no_target", "no_data")
            if counts.get(status, 0) or (judged and status in JUDGED_STATUSES)
        )
        parts.append(f"{context.t(*LINE_LABELS[line])}: {figures} {context.t(*unit)}")
    return " | ".join(parts)


def colour_words(context: PageContext) -> str:
    """'เขียว = ถึงเป้าหมาย (ไม่ต่ำกว่าเป้าหมาย), เขียวมะกอก = ใกล้เป้าหมาย (ต่ำกว่าไม่เกิน 5 จุด), ...': what each
    status colour of the year means, in the vocabulary's words with the thresholds' bands."""
    colours = {
        "on_track": ("เขียว", "green"),
        "near_target": ("เขียวมะกอก", "olive"),
        "watch": ("เหลือง", "amber"),
        "behind": ("แดง", "red"),
        "no_target": ("เทาอมฟ้า", "blue-grey"),
        "no_data": ("เทา", "grey"),
    }
    return ", ".join(
        f"{pick(colours[code], context.lang)} = {status_text(code, context.lang)}" for code in shown_statuses(context)
    )


def open_area(kind: str, code: str) -> None:
    """Select the area in the sidebar (it stays selected on every page) and open its page with the
    query string that page shows, as one browser-history step (ui.navigate: `st.switch_page` with a
    new query string made two)."""
    request_area(kind, code)
    navigate("area?" + urlencode(page_link_params("area", (kind, code))))


def open_clicked_area(event, kind: str, position: int) -> None:
    """Open the area whose code a click on a chart selected (customdata[position]), if any."""
    code = clicked_code(event, position)
    if code:
        open_area(kind, code)


def area_href(kind: str, code: str) -> str:
    """A link to the area page with this province or cluster chosen and every other sidebar choice
    of this view kept: the query string that page shows (`area_link_params`), so opening it is one
    browser-history entry."""
    return "area?" + urlencode(area_link_params(kind, code))


# ---------------------------------------------------------------- the week-over-week comparison
def laggard_level(context: PageContext) -> str:
    """Provinces, or clusters when the sidebar selects the cluster plans only."""
    return "cluster" if context.filters.plan_type == "cluster" else "province"


def with_names(table: pd.DataFrame, level: str) -> pd.DataFrame:
    """A frozen area table (snapshots.snapshot_areas has codes only) with the areas' names."""
    names = (
        reference.provinces().rename(columns={"province_code": "code"})
        if level == "province"
        else reference.clusters().rename(columns={"cluster_code": "code"})
    )
    return table.merge(names[["code", "name_th", "name_en"]], on="code", how="left")


def week_areas(context: PageContext, now, before, level: str) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """(areas now, areas at the earlier state): live area_progress as of the date and seven days
    earlier, or in snapshot mode the frozen areas of the two snapshots the headline compares."""
    filters = context.filters
    if context.snapshot_mode:
        current = with_names(cached(snaps.snapshot_areas, now.snapshot_id, level, filters), level)
        previous = None if before is None else cached(snaps.snapshot_areas, before.snapshot_id, level, filters)
        return current, previous
    current = cached(progress.area_progress, filters, level)
    previous = None if before is None else cached(progress.area_progress, filters.with_as_of(before.as_of), level)
    return current, previous


def furthest_behind(areas: pd.DataFrame, count: int = LAGGARDS) -> pd.DataFrame:
    """The `count` areas with data furthest below target on the headline line (largest gap first)."""
    if areas.empty:
        return areas
    headline = str(areas["headline"].iloc[0])
    ranked = areas[(areas["projects"] > 0) & areas[f"{headline}_gap_points"].notna()]
    return ranked.sort_values([f"{headline}_gap_points", "code"]).head(count)


# ---------------------------------------------------------------- the first screen
def line_cards(
    context: PageContext, now, before, since: str, projections: dict[str, dict | None], last_year
) -> list[str]:
    """The target lines as cards (overall, then investment), each against its own target, with its
    projected year end and the same day last year (`last_year`: year_on_year.LastYear, None without
    an earlier year): ui/headline.line_cards, the cards the area page shows too. With a budget type
    chosen, that type's own line and a card saying why the overall line is not shown."""
    cards = [] if not context.filters.budget_type else [overall_not_shown_card(context, "overview")]
    projected = {figures.scope: projection_html(context, projections.get(figures.scope)) for figures in now.lines}
    return cards + headline_line_cards(context, now, before, since, projected, last_year)


def laggards_card(context: PageContext, current: pd.DataFrame, previous: pd.DataFrame | None, level: str) -> str:
    """The areas furthest behind on the headline line: % against target, gap, change since last week."""
    shown = furthest_behind(current)
    unit = context.t("จังหวัด", "provinces") if level == "province" else context.t("กลุ่มจังหวัด", "clusters")
    headline = str(current["headline"].iloc[0]) if len(current) else "overall"
    line_name = context.t(*LINE_LABELS[headline])
    title = context.t(f"{len(shown)} {unit}ที่ห่างเป้าหมายมากที่สุด", f"The {len(shown)} {unit} furthest behind")
    targets = shown[f"{headline}_target_pct"].dropna()
    target = f" {percent(float(targets.iloc[0]))}%" if len(targets) else ""
    subtitle = context.t(
        f"เส้น{line_name} ★ เทียบเป้าหมาย{target} · ห่างเป้าและสัปดาห์นี้เป็นจุด",
        f"{line_name} line ★ against its target{target} · gap and week in points",
    )
    if shown.empty:
        # a year without cabinet targets has no gap to rank by: say so rather than "no data"
        if not reference.has_targets(context.filters.fiscal_year, LINE_TARGET[headline]):
            title = context.t(f"{unit}ที่ห่างเป้าหมายมากที่สุด", f"The {unit} furthest behind")
            empty = pick(NO_TARGETS, context.lang).format(year=context.filters.fiscal_year)
        else:
            empty = pick(STATUSES["no_data"], context.lang)
        return light.card(title, light.text(empty), subtitle=subtitle, key="laggards")
    before = {} if previous is None else dict(zip(previous["code"], previous[f"{headline}_pct"], strict=True))

    def name(row: dict) -> str:
        label = light.text(str(context.name(row["name_th"], row["name_en"])).removeprefix("กลุ่มจังหวัด"))
        return light.link(area_href(level, str(row["code"])), label)

    def pct(row: dict) -> str:
        return f"{percent(row[f'{headline}_pct'])}%" + light.meter(
            row[f"{headline}_pct"], row[f"{headline}_target_pct"], row[f"{headline}_status"]
        )

    def gap(row: dict) -> str:
        return (
            f'<b style="color:{light.status_text_colour(row[f"{headline}_status"])}">'
            f"{signed(row[f'{headline}_gap_points'])}</b>"
        )

    def change(row: dict) -> str:
        old = before.get(row["code"])
        return "-" if old is None or pd.isna(old) else signed(row[f"{headline}_pct"] - old)

    columns = [
        light.ListColumn(context.t("ร้อยละ", "% paid"), pct, "bm-pct"),
        light.ListColumn(context.t("ห่างเป้า", "gap"), gap),
        light.ListColumn(context.t("สัปดาห์นี้", "week"), change),
    ]
    body = light.ranked_list(
        shown.to_dict("records"),
        columns,
        context.t("จังหวัด", "Province") if level == "province" else context.t("กลุ่มจังหวัด", "Cluster"),
        name,
    )
    return light.card(title, body, light.status_colour("behind"), subtitle, key="laggards")


def nation_projection(context: PageContext, line: str) -> dict | None:
    """The selection's projected year end for one of its lines (area_projection at the nation
    level, against the target the line is measured by: an operating selection's against the overall)."""
    table = cached(proj.area_projection, context.filters, "nation", LINE_TARGET[line])
    return None if table.empty or table["projects"].iloc[0] == 0 else table.iloc[0].to_dict()


def first_screen_html(context: PageContext) -> tuple[str | None, tuple[str, str] | None]:
    """(the headline's HTML: both lines, the areas furthest behind, the money; or None and the
    (Thai, English) words of why there is nothing to show). Built once per view (view_html)."""
    now, before, _ = headline_kpis(context.filters)
    if now is None:  # the sidebar offers only snapshot dates; a replace may have raced it
        return None, ("ไม่มีภาพนิ่งของวันที่นี้", "no snapshot of this date")
    if now.projects == 0:
        return None, ("ไม่มีโครงการตามตัวกรองที่เลือก", "no projects match the filters")
    level = laggard_level(context)
    current, previous = week_areas(context, now, before, level)
    projections = {line: nation_projection(context, line) for line in shown_lines(context.filters.budget_type)}
    scope = f'<div class="bm-sub" style="margin:-4px 0 8px 0">{light.text(scope_text(context))}</div>'
    since = since_words(context, before, context.snapshot_mode)
    last_year = cached(year_on_year.last_year, context.filters, now.as_of)
    # the money lines, then the overall line's projected carry-over and lapse
    projected = projected_money_figures(context, projections[whole_line(context.filters.budget_type)])
    return navigable(
        light.style_tag()
        + scope
        + light.row(
            *line_cards(context, now, before, since, projections, last_year),
            laggards_card(context, current, previous, level),
        )
        + money_html(context, now, before, since, projected)
    ), None


def first_screen(context: PageContext) -> bool:
    """The headline: both lines, the areas furthest behind, the money. False when there is nothing to show."""
    html, missing = view_html(first_screen_html, context)
    if html is None:
        no_data(context.t(*missing))
        return False
    budget_scope_note(context)
    st.html(html, unsafe_allow_javascript=True)
    if context.snapshot_mode:
        st.caption(
            context.t(
                "ตัวเลขสรุปและการเปลี่ยนแปลงด้านบนเป็นตัวเลขที่บันทึกไว้ในภาพนิ่ง "
                "คาดการณ์สิ้นปี กราฟ และตารางด้านล่างคำนวณจากข้อมูลปัจจุบัน ณ วันเดียวกัน",
                "The headline figures and changes above are the frozen ones; the projection, "
                "charts and tables below are today's data for the same date",
            )
        )
    return True


# ---------------------------------------------------------------- needs intervention (issue 9)
def drivers_table(context: PageContext, drivers: list[dict]) -> str:
    """The projects that drive an area's shortfall, largest first (HTML table)."""

    def money(value: float) -> str:
        return context.money(value)

    columns = [
        light.ListColumn(
            context.t("ประเภทงบ", "Budget type"),
            lambda d: light.text(word(BUDGET_TYPES, d["budget_type"], context.lang)),
        ),
        light.ListColumn(context.t("งบประมาณ (ลบ.)", "Allocation (m฿)"), lambda d: money(d["current_allocation"])),
        light.ListColumn(context.t("เบิกแล้ว (ลบ.)", "Paid (m฿)"), lambda d: money(d["disbursed"])),
        light.ListColumn(context.t("คาดเบิกได้ (ลบ.)", "Projected (m฿)"), lambda d: money(d["projected_disbursed"])),
        light.ListColumn(context.t("ขาด (ลบ.)", "Short (m฿)"), lambda d: f"<b>{money(d['shortfall'])}</b>"),
        light.ListColumn(
            context.t("เหตุผล", "Why"),
            lambda d: (
                light.text(word(proj.BASES, d["basis"], context.lang))
                + "<br>"
                + light.text(d["reason_th" if context.lang == "th" else "reason_en"])
            ),
            "bm-why",
        ),
    ]

    def name(d: dict) -> str:
        return f'<span class="bm-code">{light.text(d["project_code"])}</span><br>{light.text(d["project_name"])}'

    return light.ranked_list(drivers, columns, context.t("โครงการ", "Project"), name)


def risk_items(context: PageContext, areas: pd.DataFrame, level: str, start: int = 0) -> list[str]:
    """One disclosure per area: rank, name, baht at risk, projection against the year-end target,
    the pace needed against the recent pace; open, the projects driving the shortfall."""
    unit = context.million_baht
    items = []
    for position, row in enumerate(areas.to_dict("records"), start=start + 1):
        name = light.text(str(context.name(row["name_th"], row["name_en"])).removeprefix("กลุ่มจังหวัด"))
        status = gap_status(row["projected_gap_points"], reference.thresholds())
        # no band once the year is over (low = high = the actual figure)
        band = (
            ""
            if row["projected_low_pct"] == row["projected_high_pct"]
            else f"({percent(row['projected_low_pct'])}–{percent(row['projected_high_pct'])}) "
        )
        pace = (
            ""
            if pd.isna(row["required_weekly"]) or not band
            else light.text(
                context.t(
                    f" · ต้องเบิกสัปดาห์ละ {row['required_weekly'] / 1e6:,.2f}"
                    f" (4 สัปดาห์ล่าสุด {row['recent_weekly'] / 1e6:,.2f})",
                    f" · needs {row['required_weekly'] / 1e6:,.2f} a week"
                    f" (last 4 weeks {row['recent_weekly'] / 1e6:,.2f})",
                )
            )
        )
        summary = (
            f"{position}. <b>{name}</b> · "
            f'<span class="bm-at-risk" data-figure="baht_at_risk">'
            f"{light.text(context.t('เสี่ยง', 'at risk'))} {context.money(row['baht_at_risk'])} {unit}</span> · "
            + light.text(
                context.t(
                    f"คาดสิ้นปี {percent(row['projected_pct'])}% {band}เป้าหมาย {percent(row['target_year_end_pct'])}%",
                    f"projected {percent(row['projected_pct'])}% {band}against {percent(row['target_year_end_pct'])}%",
                )
            )
            + pace
            + (f" · {light_status.pace_break(row, context.lang)}" if row.get("pace_break") else "")
        )
        body = (
            drivers_table(context, row["drivers"])
            if row["drivers"]
            else light.text(context.t("ไม่มีโครงการที่ขาดจากเป้าหมาย", "no project short of the target"))
        )
        body += (
            "<div>"
            + light.link(area_href(level, str(row["code"])), light.text(context.t("เปิดหน้าพื้นที่นี้ →", "Open this area →")))
            + "</div>"
        )
        items.append(light.details(summary, body, light.status_colour(status), key=str(row["code"])))
    return items


def intervention_section(context: PageContext) -> None:
    """Areas projected to miss the year-end target by more than the threshold, by baht at risk."""
    level = laggard_level(context)
    limit = reference.thresholds().get("projection_shortfall_points", 10.0)
    unit = context.t("จังหวัด", "provinces") if level == "province" else context.t("กลุ่มจังหวัด", "clusters")
    st.subheader(
        context.t(
            f"{unit}ที่ต้องเร่งรัด: คาดว่าจะต่ำกว่าเป้าหมายสิ้นปี",
            f"{unit.capitalize()} that need intervention: projected to miss the year-end target",
        )
    )
    st.caption(
        context.t(
            f"คาดการณ์ ณ 30 ก.ย. จากข้อมูลถึงวันที่ {context.date(context.as_of_shown)} ต่ำกว่าเป้าหมายสิ้นปีของเส้นนั้น"
            f"เกิน {limit:g} จุด เรียงตามเงินที่เสี่ยง (เป้าหมายสิ้นปี × งบประมาณ − ที่คาดว่าจะเบิกได้) · "
            "คลิกเพื่อดูโครงการที่ทำให้ขาด",
            f"Projected for 30 Sep from the data to {context.date(context.as_of_shown)}, more than {limit:g} points "
            "below the line's year-end target, ranked by baht at risk (year-end target × allocation − projected) · "
            "click one to see the projects behind it",
        )
        + context.t(
            " · พื้นที่ที่อัตราการเบิกจ่ายลดลงผิดปกติ (⚠) แสดงก่อน แม้คาดการณ์ยังไม่ต่ำกว่าเกณฑ์",
            " · areas whose pace has broken (⚠) come first, even when not yet projected short",
        )
    )
    headline = judged_line(context.filters.budget_type)
    # the headline line first; with a budget type chosen only its own line
    ordered = sorted(shown_lines(context.filters.budget_type), key=lambda line: line != headline)
    tabs = st.tabs(
        [context.t(f"เส้น{context.t(*LINE_LABELS[line])}", f"{context.t(*LINE_LABELS[line])} line") for line in ordered]
    )
    for tab, line in zip(tabs, ordered, strict=True):
        with tab:
            if not has_targets(context, line):  # no year-end target: nothing to fall short of
                with st.container(key=f"no_targets_risk_{line}"):
                    st.caption(pick(NO_TARGETS_TO_JUDGE, context.lang).format(year=context.filters.fiscal_year))
                continue
            shown, rest = view_html(risk_list_html, context, level, line, 0, RISK_SHOWN)
            if shown is None:
                st.caption(
                    context.t(
                        "ไม่มีพื้นที่ที่คาดว่าจะต่ำกว่าเป้าหมายเกินเกณฑ์",
                        "No area is projected to miss the target by more than the threshold",
                    )
                )
                continue
            st.html(shown, unsafe_allow_javascript=True)
            if rest:
                more = st.expander(
                    context.t(f"แสดงอีก {rest:,} {unit}", f"Show {rest:,} more {unit}"),
                    key=f"overview_risk_more_{line}",
                    on_change="rerun",
                )
                if more.open:
                    with more:
                        st.html(
                            view_html(risk_list_html, context, level, line, RISK_SHOWN, None)[0],
                            unsafe_allow_javascript=True,
                        )


def risk_list_html(context: PageContext, level: str, line: str, start: int, stop: int | None) -> tuple[str | None, int]:
    """(the HTML list of the areas needing intervention on `line` from position `start` to `stop`
    (None: the end), None when no area needs it; how many come after `stop`). Built once per view."""
    areas = cached(proj.needs_intervention, context.filters, level, LINE_TARGET[line])
    if areas.empty:
        return None, 0
    part = areas.iloc[start:stop]
    after = 0 if stop is None else max(len(areas) - stop, 0)
    return navigable(light.risk_list(risk_items(context, part, level, start=start))), after


# ---------------------------------------------------------------- below: map, rankings, curve, tables
def tile_hover(context: PageContext, tile: dict) -> str:
    """A tile's tooltip: the province and its lines (plain text)."""
    lines = [str(context.name(tile.get("name_th"), tile.get("name_en")))]
    shown = tile["lines"].split(",") if isinstance(tile.get("lines"), str) else ["overall", "investment"]
    for line in shown:
        status = tile.get(f"{line}_status") if isinstance(tile.get(f"{line}_status"), str) else "no_data"
        figures = word(STATUSES, status, context.lang)
        if status == "no_target":  # a rate without a target to measure a gap from
            figures += f" {percent(tile[f'{line}_pct'])}%"
        elif not pd.isna(tile.get(f"{line}_pct")):
            figures += context.t(
                f" {percent(tile[f'{line}_pct'])}% (เป้าหมาย {percent(tile[f'{line}_target_pct'])}%, "
                f"ห่าง {signed(tile[f'{line}_gap_points'])} จุด)",
                f" {percent(tile[f'{line}_pct'])}% (target {percent(tile[f'{line}_target_pct'])}%, "
                f"gap {signed(tile[f'{line}_gap_points'])} pts)",
            )
        lines.append(f"{context.t(*LINE_LABELS[line])}: {figures}")
    lines.append(context.t("คลิกเพื่อดูรายละเอียด", "click to open"))
    return "\n".join(lines)


def map_html(context: PageContext) -> tuple[str, str, dict[str, str]]:
    """(the map's caption, the legend + tile map + note as HTML, province code -> name in the
    language: the choices beside it). Built once per view (view_html)."""
    provinces = cached(progress.area_progress, context.filters, "province")
    headline_code = str(provinces["headline"].iloc[0]) if len(provinces) else "overall"
    headline = context.t(*LINE_LABELS[headline_code])
    other_code = other_line(provinces)
    caption = context.t(
        "จังหวัดที่มีโครงการตามแผนพัฒนาจังหวัด — ", "Provinces with province-plan projects — "
    ) + status_counts_text(context, provinces, ("จังหวัด", "provinces"))
    if not has_targets(context):
        caption += " · " + pick(NO_TARGETS_TO_JUDGE, context.lang).format(year=context.filters.fiscal_year)
    if other_code:
        other = context.t(*LINE_LABELS[other_code])
        note = context.t(
            f"สี่เหลี่ยม = สถานะเส้น{headline} · มุมขวาบน = สถานะเส้น{other} · คลิกจังหวัดเพื่อดูรายละเอียด",
            f"square = {headline.lower()} line status · corner = {other.lower()} line status · "
            "click a province to open it",
        )
    else:  # a budget type chosen: its own line only
        note = context.t(
            f"สี่เหลี่ยม = สถานะเส้น{headline} · คลิกจังหวัดเพื่อดูรายละเอียด",
            f"square = {headline.lower()} line status · click a province to open it",
        )
    codes = shown_statuses(context)
    bands = {code: status_text(code, context.lang) for code in codes}
    html = navigable(
        light_status.status_legend(context.lang, bands, codes)
        + light_status.tile_map(
            tiles_with_progress(provinces),
            context.lang,
            lambda code: area_href("province", code),
            lambda tile: tile_hover(context, tile),
        )
        + f'<div class="bm-sub">{light.text(note)}</div>'
    )
    name_col = "name_th" if context.lang == "th" else "name_en"
    return caption, html, dict(zip(provinces["code"], provinces[name_col], strict=True))


def map_view(context: PageContext) -> None:
    caption, html, names = view_html(map_html, context)
    st.caption(caption)
    map_column, side = st.columns([3, 2])
    with map_column:
        st.html(html, unsafe_allow_javascript=True)
    with side:
        # one widget per language: a select box answers with its displayed name
        chosen = st.selectbox(
            context.t("หรือเลือกจังหวัด", "Or choose a province"),
            ["", *sorted(names, key=names.get)],
            key=f"overview_pick_province.{context.lang}",
            format_func=lambda code: names.get(code, "—"),
            placeholder=pick(CHOOSE_PLACEHOLDER, context.lang),
        )
        if chosen:
            open_area("province", chosen)


def year_change_ranking(context: PageContext) -> None:
    """Every province with projects, ranked by the headline line's change against the same day of the
    previous fiscal year (largest fall first): this year's rate and target, last year's rate and
    target then, and the change in points (HTML, each figure in a data-figure span)."""
    areas = cached(year_on_year.area_year_on_year, context.filters, "province")
    line = str(areas["headline"].iloc[0]) if len(areas) else "overall"
    ranked = areas[areas["projects"] > 0].sort_values([f"{line}_year_change_points", "code"], na_position="last")
    if ranked.empty:
        no_data()
        return
    last_day = ranked["last_year_as_of"].iloc[0]
    st.caption(
        context.t(
            f"เส้น{headline_name(context, areas)}: ร้อยละการเบิกจ่าย ณ {context.date(context.as_of_shown)} เทียบปีงบประมาณ "
            f"{int(ranked['last_year'].iloc[0])} ณ วันเดียวกัน ({context.date(last_day)}) · ลดลงมากที่สุดอยู่บนสุด",
            f"{headline_name(context, areas)} line: % paid on {context.date(context.as_of_shown)} against "
            f"FY{int(ranked['last_year'].iloc[0])} on the same day ({context.date(last_day)}) · largest fall first",
        )
    )

    def figure(name: str, value, signed_value: bool = False) -> str:
        shown = signed(value) if signed_value else percent(value)
        return f'<span data-figure="{name}">{shown}</span>'

    def target(value) -> str:
        return figure("target", value) if not pd.isna(value) else light.text(pick(NO_TARGETS_SHORT, context.lang))

    columns = [
        light.ListColumn(context.t("ร้อยละ", "% paid"), lambda row: figure("pct", row[f"{line}_pct"])),
        light.ListColumn(pick(LAST_YEAR["target"], context.lang), lambda row: target(row[f"{line}_target_pct"])),
        light.ListColumn(
            pick(LAST_YEAR["pct"], context.lang), lambda row: figure("last_year_pct", row[f"{line}_last_year_pct"])
        ),
        light.ListColumn(
            pick(LAST_YEAR["target_then"], context.lang),
            lambda row: target(row[f"{line}_last_year_target_pct"]).replace(
                'data-figure="target"', 'data-figure="last_year_target"'
            ),
        ),
        light.ListColumn(
            pick(LAST_YEAR["points"], context.lang),
            lambda row: "<b>" + figure("year_points", row[f"{line}_year_change_points"], True) + "</b>",
        ),
    ]

    def name(row: dict) -> str:
        return light.link(
            area_href("province", str(row["code"])), light.text(str(context.name(row["name_th"], row["name_en"])))
        )

    st.html(
        navigable(
            light.style_tag()
            + '<div data-testid="year-change-ranking">'
            + light.ranked_list(ranked.to_dict("records"), columns, context.t("จังหวัด", "Province"), name)
            + "</div>"
        ),
        unsafe_allow_javascript=True,
    )


def province_ranking_view(context: PageContext) -> None:
    provinces = cached(progress.area_progress, context.filters, "province")
    headline = headline_name(context, provinces)
    with_projects = provinces[provinces["projects"] > 0]
    if with_projects.empty:
        no_data()
        return
    if not has_targets(context, str(provinces["headline"].iloc[0])):
        rates_instead_of_gaps(context, provinces, context.t("จังหวัด", "Province"))
        return
    if reference.previous_fiscal_year(context.filters.fiscal_year) is not None:
        # one widget per language: a radio answers with its displayed label
        order = st.radio(
            pick(LAST_YEAR["sort_by"], context.lang),
            ["gap", "change"],
            horizontal=True,
            key=f"overview_ranking_order.{context.lang}",
            format_func=lambda code: pick(LAST_YEAR[f"sort_{code}"], context.lang),
        )
        if order == "change":
            year_change_ranking(context)
            return
    show_all = st.toggle(
        context.t(f"แสดงทุกจังหวัด ({len(with_projects):,})", f"Show all provinces ({len(with_projects):,})"),
        key="overview_ranking_all",
    )
    ranked = with_projects if show_all else ranking_extremes(with_projects)
    skipped = len(with_projects) - len(ranked)
    title = (
        context.t(
            f"อันดับจังหวัดตามระยะห่างจากเป้าหมาย เส้น{headline}", f"Provinces ranked by {headline.lower()} gap to target"
        )
        if not skipped
        else context.t(
            f"ห่างจากเป้าหมายเส้น{headline}: {len(ranked) // 2} จังหวัดที่ต่ำที่สุดและสูงที่สุด",
            f"{headline} gap: the {len(ranked) // 2} provinces furthest behind and ahead",
        )
    )
    event = st.plotly_chart(
        gap_ranking(ranked, context.lang, title=title, skipped=skipped, unit=("จังหวัด", "provinces")),
        width="stretch",
        key="overview_province_ranking",
        on_select="rerun",
        selection_mode="points",
        config=PLOTLY_CONFIG,
    )
    open_clicked_area(event, "province", -1)
    missing = len(provinces) - len(with_projects)
    if missing:
        st.caption(context.t(f"ไม่มีข้อมูล {missing} จังหวัด", f"{missing} provinces have no data"))


def rates_instead_of_gaps(context: PageContext, areas: pd.DataFrame, name_title: str) -> None:
    """A year without cabinet targets has no gap to rank by: says so, then the areas with projects by
    % disbursed on the headline line, highest first (the rate only, no status)."""
    with st.container(key="no_targets_ranking"):
        st.caption(pick(NO_TARGETS_TO_JUDGE, context.lang).format(year=context.filters.fiscal_year))
    line = str(areas["headline"].iloc[0]) if len(areas) else "overall"
    ranked = areas[areas["projects"] > 0].sort_values([f"{line}_pct", "code"], ascending=[False, True])
    area_table(context, ranked, name_title)


def cluster_view(context: PageContext) -> None:
    clusters = cached(progress.area_progress, context.filters, "cluster")
    headline = headline_name(context, clusters)
    st.caption(status_counts_text(context, clusters, ("กลุ่ม", "clusters")))
    cluster_left, cluster_right = st.columns([3, 2])
    with cluster_left:
        with_projects = clusters[clusters["projects"] > 0]
        if not has_targets(context, str(clusters["headline"].iloc[0])):
            with st.container(key="no_targets_clusters"):
                st.caption(pick(NO_TARGETS_TO_JUDGE, context.lang).format(year=context.filters.fiscal_year))
        elif with_projects.empty:
            no_data()
        else:
            event = st.plotly_chart(
                gap_ranking(
                    with_projects,
                    context.lang,
                    title=context.t(
                        f"อันดับกลุ่มจังหวัดตามระยะห่างจากเป้าหมาย เส้น{headline}",
                        f"Clusters ranked by {headline.lower()} gap to target",
                    ),
                ),
                width="stretch",
                key="overview_cluster_ranking",
                on_select="rerun",
                selection_mode="points",
                config=PLOTLY_CONFIG,
            )
            open_clicked_area(event, "cluster", -1)
    with cluster_right:
        name_col = "name_th" if context.lang == "th" else "name_en"
        cluster_names = dict(zip(clusters["code"], clusters[name_col], strict=True))
        chosen_cluster = st.selectbox(
            context.t("ดูรายละเอียดกลุ่มจังหวัด", "Open a cluster"),
            ["", *sorted(cluster_names, key=cluster_names.get)],
            key=f"overview_pick_cluster.{context.lang}",
            format_func=lambda code: cluster_names.get(code, "—"),
            placeholder=pick(CHOOSE_PLACEHOLDER, context.lang),
        )
        if chosen_cluster:
            open_area("cluster", chosen_cluster)
    area_table(context, clusters, context.t("กลุ่มจังหวัด", "Cluster"))


def curve_view(context: PageContext) -> None:
    curve = cached(progress.weekly_curve, context.filters)
    st.plotly_chart(
        progress_curve(
            curve,
            context.as_of_shown,
            context.lang,
            title=context.t(
                "การเบิกจ่ายสะสมรายสัปดาห์ ภาพรวมและงบลงทุน เทียบเป้าหมายของแต่ละเส้น",
                "Cumulative disbursement by week: each line against its target",
            ),
        ),
        width="stretch",
        key="overview_curve",
        config=PLOTLY_CONFIG,
    )


def region_view(context: PageContext) -> None:
    area_table(context, cached(progress.area_progress, context.filters, "region"), context.t("ภาค", "Region"))


def changes_view(context: PageContext) -> None:
    st.markdown("**" + context.t("การเปลี่ยนแปลงจากภาพนิ่งครั้งก่อน", "Change since the previous snapshot") + "**")
    snapshot_changes(cached(snaps.week_over_week, context.filters), f"changes_{context.filters.fiscal_year}")


def views(context: PageContext) -> None:
    """The map, rankings, curve and tables as tabs; only the open tab runs (and loads a chart)."""
    tabs = [
        (context.t("แผนที่จังหวัด", "Province map"), map_view),
        (context.t("อันดับจังหวัด", "Province ranking"), province_ranking_view),
        (context.t("กลุ่มจังหวัด", "Clusters"), cluster_view),
        (context.t("การเบิกจ่ายสะสมรายสัปดาห์", "Weekly curve"), curve_view),
        (context.t("รายภาค", "By region"), region_view),
    ]
    if context.snapshot_mode:  # the frozen week-over-week detail first
        tabs.insert(0, (context.t("การเปลี่ยนแปลงรายสัปดาห์", "Week over week"), changes_view))
    # one key per language and mode: the labels (the tab's value) change with them
    lazy_tabs(
        [(label, partial(draw, context)) for label, draw in tabs],
        f"overview_view.{context.lang}.{context.snapshot_mode}",
    )


def render() -> None:
    context = page_context()
    st.title(context.t("ภาพรวมการเบิกจ่ายงบประมาณ", "Budget execution overview"))

    with st.spinner(context.t("กำลังคำนวณ…", "Calculating…")):
        shown = first_screen(context)
    if not shown:
        return
    intervention_section(context)
    st.subheader(context.t("แผนที่ อันดับ และแนวโน้ม", "Map, rankings and trend"))
    views(context)
    st.caption(
        context.t(
            "สองเส้นตามที่กรมบัญชีกลางรายงาน แต่ละเส้นเทียบเป้าหมายของตนเอง: ภาพรวม = เบิกจ่ายทุกประเภทงบ ÷ งบประมาณ"
            "ปัจจุบันทั้งหมด เทียบเป้าหมายภาพรวม; งบลงทุน = เฉพาะงบลงทุน เทียบเป้าหมายงบลงทุน · "
            "★ เส้นหลักใช้กำหนดสีและอันดับ · "
            f"สถานะ: {colour_words(context)} · คาดการณ์สิ้นปี: ช่วงคาดการณ์ 80% จากข้อมูลของปีนี้ "
            "(เส้นหลักและเกณฑ์สถานะเป็นค่าที่ผู้ดูแลระบบกำหนด)",
            "Two lines, as the Comptroller General reports them, each against its own target: overall = all budget "
            "types, disbursed ÷ current allocation, against the overall target; investment = investment budget only, "
            "against the investment target · ★ the headline line drives colours and rankings · "
            f"Status: {colour_words(context)} · Year-end projection: an 80% band from this year's own data "
            "(the leading line and the status thresholds are set by the system administrator)",
        )
    )


render_safely(render)
