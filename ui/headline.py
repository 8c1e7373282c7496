"""A selection's headline in light HTML: its target lines as cards, and the money, each with the
change since an earlier state (the week before, or an earlier snapshot).

Used by the first screens of the overview, the province / cluster page and the weekly page; a line card's
projection (`projection_html`) is the same on the overview and the area page. `now` / `before` are
`progress.Kpis` (live) or `snapshots.SnapshotKpis` (frozen): anything with projects,
current_allocation, committed, disbursed, remaining (baht), headline, `lines` (the lines the
selection is reported by) and `line(name)` giving a `targets.TargetLine`. Every figure a test
reads sits in a `data-figure` span (ui/light.py).

A budget type chosen in the sidebar narrows every figure to that type: `budget_scope_note` says
so at the top of each page it affects, the cards show the type's own line only, and
`overall_not_shown_card` says why the overall line is missing (budget_metrics.targets).
"""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import urlencode

import pandas as pd
import streamlit as st

from budget_metrics import projection, reference
from budget_metrics.calendar import fiscal_year_bounds
from budget_metrics.formatting import percent, signed
from budget_metrics.targets import LINE_DESCRIPTIONS, LINE_LABELS, line_status, status_text
from ui import light, light_status
from ui.context import PageContext
from vocabulary import (
    BUDGET_TYPE_SCOPE,
    LAST_YEAR,
    NO_TARGETS,
    NO_TARGETS_SHORT,
    OVERALL_NOT_SHOWN,
    PROJECTION,
    SINCE,
    pick,
)


def budget_scope_text(context: PageContext, budget_type: str | None = None, lines: bool = True) -> str | None:
    """'เฉพาะงบลงทุน — ตัวเลข สถานะ ... นับเฉพาะโครงการประเภทนี้ ... · เส้นที่ใช้: ...' for the sidebar's budget
    type (or `budget_type`), None when none is chosen; `lines` False for a page without target lines."""
    chosen = budget_type or context.filters.budget_type
    if not chosen:
        return None
    scope = pick(BUDGET_TYPE_SCOPE[chosen], context.lang)
    if not lines:
        return context.t(
            f"{scope} — ตัวเลขและรายการในหน้านี้นับเฉพาะโครงการประเภทนี้ (ตัวกรองประเภทงบ)",
            f"{scope.capitalize()} — every figure and list on this page counts only projects of "
            "this type (the budget-type filter)",
        )
    line = context.t(*LINE_DESCRIPTIONS[chosen])
    return context.t(
        f"{scope} — ตัวเลข สถานะ สีแผนที่ อันดับ และรายการในหน้านี้นับเฉพาะโครงการประเภทนี้ (ตัวกรองประเภทงบ) · เส้นที่ใช้: {line}",
        f"{scope.capitalize()} — every figure, status, map colour, ranking and list on this page "
        f"counts only projects of this type (the budget-type filter) · line shown: {line}",
    )


def budget_scope_note(context: PageContext, budget_type: str | None = None, lines: bool = True) -> None:
    """The budget-type filter stated where a reader sees it first (nothing without one)."""
    text = budget_scope_text(context, budget_type, lines)
    if text:
        with st.container(key="budget_scope"):
            st.info(text, icon=":material/filter_alt:")


def without_budget_href(page: str) -> str:
    """A link to `page` with every sidebar choice of this view kept except the budget type."""
    kept = [(name, value) for name in st.query_params if name != "budget" for value in st.query_params.get_all(name)]
    return f"{page}?{urlencode(kept)}" if kept else page


def overall_not_shown_card(context: PageContext, page: str) -> str:
    """A card in place of the overall line when a budget type is chosen: why it is not shown,
    and a link to the same view with every budget type (HTML)."""
    body = (
        light.text(context.t(*OVERALL_NOT_SHOWN))
        + '<div style="margin-top:6px">'
        + light.link(
            without_budget_href(page),
            light.text(context.t("ดูทุกประเภทงบ (เส้นภาพรวมและงบลงทุน) →", "Show every budget type (both lines) →")),
        )
        + "</div>"
    )
    return light.card(
        context.t("เส้นภาพรวม: ไม่แสดง", "Overall line: not shown"),
        body,
        None,
        context.t(*LINE_DESCRIPTIONS["overall"]),
        key="overall_not_shown",
    )


def since_words(context: PageContext, before, frozen: bool) -> str:
    """What a change is measured from: 'จากสัปดาห์ก่อน', or 'จากภาพนิ่ง 6 ก.ย. 2562' when `frozen`;
    '' when there is no earlier state (`before` None)."""
    if before is None:
        return ""
    if frozen:
        day = context.date(before.as_of)
        return context.t(f"จากภาพนิ่ง {day}", f"since the snapshot of {day}")
    return pick(SINCE["week"], context.lang)


def week_html(context: PageContext, line: str, now, before, since: str) -> str | None:
    """'<b>+1.79 จุด</b> จากสัปดาห์ก่อน (เป้าหมาย +1.53 จุด) · เบิกจ่ายเพิ่ม 12.34 ล้านบาท' (HTML);
    `since` is `since_words(...)`. None when a side has no rate."""
    if before is None:
        return light.text(context.t("ไม่มีข้อมูลก่อนหน้าให้เทียบ", "nothing earlier to compare with"))
    new, old = now.line(line), before.line(line)
    if new.pct is None or old.pct is None:
        return None
    change = (
        f'<b><span data-figure="week_points">{signed(new.pct - old.pct)}</span> '
        f"{light.text(context.t('จุด', 'pts'))}</b> {light.text(since)}"
    )
    if new.target_pct is not None and old.target_pct is not None:
        change += light.text(
            context.t(
                f" (เป้าหมาย {signed(new.target_pct - old.target_pct)} จุด)",
                f" (target {signed(new.target_pct - old.target_pct)} pts)",
            )
        )
    paid = f'<span data-figure="week_paid">{context.money(new.disbursed - old.disbursed)}</span>'
    return change + context.t(f" · เบิกจ่ายเพิ่ม {paid} ล้านบาท", f" · {paid} million baht paid")


def no_target_text(context: PageContext, fiscal_year: int, figures) -> str | None:
    """'ไม่มีเป้าหมายของ ครม. สำหรับปีงบประมาณ 2561' when the line has no cabinet target in its year
    (no rows in targets.csv), None when it has one."""
    if figures.target_pct is not None:
        return None
    return pick(NO_TARGETS, context.lang).format(year=fiscal_year)


def year_html(context: PageContext, line: str, now, last) -> str | None:
    """'ปีก่อน ณ วันเดียวกัน (29 มี.ค. 2562): 58.86% (เป้าหมาย 54.00%) · <b>+1.23 จุด</b> เทียบปีก่อน' (HTML):
    the line's rate on the same day of the previous fiscal year, that year's target then and this
    year's rate minus last year's in points; `last` is `year_on_year.LastYear`. None (no line) when
    no earlier year is loaded: a store of one year shows its cards as before. Each figure in a
    data-figure span (last_year_pct, last_year_target, year_points)."""
    from budget_metrics.year_on_year import change_points

    if last is None:
        return None
    old = last.line(line)
    head = light.text(pick(LAST_YEAR["same_day"], context.lang).format(day=context.date(last.as_of)))
    figure = f'{head}: <span data-figure="last_year_pct">{percent(old.pct)}</span>%'
    if old.target_pct is None:
        figure += " (" + light.text(pick(NO_TARGETS, context.lang).format(year=last.fiscal_year)) + ")"
    else:
        figure += (
            f" ({light.text(pick(LAST_YEAR['target'], context.lang))} "
            f'<span data-figure="last_year_target">{percent(old.target_pct)}</span>%)'
        )
    change = change_points(now.line(line).pct, old.pct)
    return (
        figure + f' · <b><span data-figure="year_points">{signed(change)}</span> '
        f"{light.text(context.t('จุด', 'pts'))}</b> {light.text(pick(LAST_YEAR['change'], context.lang))}"
    )


def line_cards(
    context: PageContext, now, before, since: str, projections: dict[str, str | None] | None = None, last_year=False
) -> list[str]:
    """The selection's target lines as cards (overall, then investment; or the chosen budget
    type's own line), each against its own target and coloured by its status (the badge says
    the status band): % disbursed on a meter, the gap in points and million baht, the change
    since `before`, the same day last year (`last_year`: a `year_on_year.LastYear`, None when no
    earlier year is loaded, False to leave it out) and `projections[line]` (HTML) when given. A
    year without cabinet targets says so in place of the target and the gap."""
    cards = []
    fiscal_year = context.filters.fiscal_year
    for figures in now.lines:
        line = figures.scope
        star = " ★" if line == now.headline else ""
        gap = (
            light.text(context.t("ห่างเป้า", "gap"))
            + f' <span data-figure="gap_points">{signed(figures.gap_points)}</span> '
            + light.text(context.t("จุด", "pts"))
        )
        if figures.gap_baht is not None:
            gap += (
                f' · <span data-figure="gap_baht">{signed(float(figures.gap_baht) / 1e6)}</span> '
                f"{light.text(context.million_baht)}"
            )
        cards.append(
            light_status.line_card(
                light_status.LineCard(
                    key=line,
                    title=context.t(
                        f"เส้น{context.t(*LINE_LABELS[line])}{star}", f"{context.t(*LINE_LABELS[line])} line{star}"
                    ),
                    subtitle=context.t(*LINE_DESCRIPTIONS[line]),
                    status=figures.status,
                    pct_text=percent(figures.pct),
                    pct=figures.pct,
                    target_text=context.t("เป้าหมาย", "target"),
                    target_pct_text=percent(figures.target_pct),
                    target_pct=figures.target_pct,
                    gap_html=gap,
                    week_text=week_html(context, line, now, before, since),
                    projection_text=(projections or {}).get(line),
                    status_text=card_status_text(context, figures),
                    year_text=None if last_year is False else year_html(context, line, now, last_year),
                    no_target_text=no_target_text(context, fiscal_year, figures),
                ),
                context.lang,
            )
        )
    return cards


def projection_html(context: PageContext, row) -> str | None:
    """A line card's projection (HTML), the same on the overview and the area page: 'คาดการณ์สิ้นปีงบประมาณ:
    <b>86.87%</b> (ช่วง 85.96–87.78) · เป้าหมายสิ้นปี 100.00%' (or 'ไม่มีเป้าหมาย' in a year without cabinet
    targets), the early-year line, its meter (band in grey, the year-end target marked), the area's pace-break
    warning and the weekly pace needed; `row`: a row of projection.area_projection (an area's or the nation's),
    None without data."""
    if row is None or pd.isna(row["projected_pct"]):
        return None
    status = line_status(row["projected_pct"], row["projected_gap_points"], reference.thresholds())
    fiscal_year = context.filters.fiscal_year
    made_on = projection.projection_as_of(context.filters)
    over = made_on >= fiscal_year_bounds(fiscal_year)[1]
    name = pick(PROJECTION["year_over" if over else "projected"], context.lang)
    figure = (
        f'<b style="color:{light.status_text_colour(status)}"><span data-figure="projected_pct">'
        f"{percent(row['projected_pct'])}</span>%</b>"
    )
    band = (
        ""
        if over
        else (
            f' ({light.text(context.t("ช่วง", "band"))} <span data-figure="projected_low">'
            f'{percent(row["projected_low_pct"])}</span>–<span data-figure="projected_high">'
            f"{percent(row['projected_high_pct'])}</span>)"
        )
    )
    target = (
        f" · {light.text(pick(PROJECTION['year_end_target'], context.lang))} "
        f'<span data-figure="year_end_target">{percent(row["target_year_end_pct"])}</span>%'
        if not pd.isna(row["target_year_end_pct"])
        else f" · {light.text(pick(NO_TARGETS_SHORT, context.lang))}"  # a year without cabinet targets
    )
    text = f"{light.text(name)}: {figure}{band}{target}"
    text += light_status.projection_caveat(projection.caveat_kind(fiscal_year, made_on), context.lang)
    text += light.meter(
        row["projected_pct"],
        row["target_year_end_pct"],
        status,
        None if over else (row["projected_low_pct"], row["projected_high_pct"]),
    )
    if row.get("pace_break"):
        text += f"<div>{light_status.pace_break(row, context.lang)}</div>"
    if over or pd.isna(row["required_weekly"]):
        return text
    if row["required_weekly"] <= 0:
        return text + light.text(context.t("ถึงเป้าหมายสิ้นปีแล้ว", "year-end target already reached"))
    needed = f'<span data-figure="required_weekly">{context.money(row["required_weekly"])}</span>'
    recent = f'<span data-figure="recent_weekly">{context.money(row["recent_weekly"])}</span>'
    return text + context.t(
        f"ต้องเบิกจ่ายสัปดาห์ละ {needed} ล้านบาท (4 สัปดาห์ล่าสุด {recent})",
        f"needs {needed} million baht a week (last 4 weeks {recent})",
    )


def card_status_text(context: PageContext, figures) -> str:
    """The badge's words: the status with its band, or 'ไม่มีเป้าหมาย' / 'No target' for a line with
    money but no cabinet target (its status is then 'no_data', which would read as no data)."""
    if figures.target_pct is None and figures.pct is not None:
        return pick(NO_TARGETS_SHORT, context.lang)
    return status_text(figures.status, context.lang)


def projected_money_figures(context: PageContext, projected: dict | None) -> list[light.Figure]:
    """The projected carry-over and lapse (million baht) of a selection's whole line (`projected`: a row
    of projection.area_projection), for money_html's `more`; none without a projection."""
    if projected is None:
        return []
    unit = context.million_baht
    return [
        light.Figure(
            "projected_carryover",
            f"{pick(PROJECTION['carryover'], context.lang)} ({unit})",
            context.money(projected["projected_carryover"]),
        ),
        light.Figure(
            "projected_lapse",
            f"{pick(PROJECTION['lapse'], context.lang)} ({unit})",
            context.money(projected["projected_lapse"]),
        ),
    ]


def money_html(context: PageContext, now, before, since: str, more: Sequence[light.Figure] = ()) -> str:
    """Allocation, committed, disbursed, remaining (million baht) with the change since `before`,
    then `more` figures."""
    unit = context.million_baht

    def change(attribute: str) -> str | None:
        if before is None:
            return None
        return f"{signed(float(getattr(now, attribute) - getattr(before, attribute)) / 1e6)} {since}"

    return light.figures(
        [
            light.Figure(
                "allocation",
                context.t(f"งบประมาณ ({unit})", f"Allocation ({unit})"),
                context.money(now.current_allocation),
                change("current_allocation"),
            ),
            light.Figure(
                "committed",
                context.t(f"ก่อหนี้ผูกพัน ({unit})", f"Committed ({unit})"),
                context.money(now.committed),
                change("committed"),
            ),
            light.Figure(
                "disbursed",
                context.t(f"เบิกจ่าย ({unit})", f"Disbursed ({unit})"),
                context.money(now.disbursed),
                change("disbursed"),
            ),
            light.Figure(
                "remaining",
                context.t(f"คงเหลือ ({unit})", f"Remaining ({unit})"),
                context.money(now.remaining),
                change("remaining"),
            ),
            *more,
        ]
    )
