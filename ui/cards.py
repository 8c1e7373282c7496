"""KPI cards: `KpiCard` / `kpi_cards` draw a row of bordered metric cards, and
`execution_kpi_cards(now, before, compared)` the headline cards of a set of projects (the money row,
then the overall and the investment line: % disbursed, its own target, gap in points and in baht,
status), with the change against an earlier state, live or frozen (`headline_kpis` picks them by the
sidebar's data mode); `line_caption` is the heading of one line's row.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import streamlit as st

from budget_metrics.filters import Filters
from budget_metrics.formatting import percent, signed
from budget_metrics.targets import LINE_DESCRIPTIONS, LINE_LABELS, LINES
from ui.cache import cached
from ui.context import PageContext, page_context
from ui.palette import STATUS_BADGES
from vocabulary import STATUSES, word


@dataclass(frozen=True)
class KpiCard:
    """One metric card: label, value text, optional change text and colouring.

    delta_color: 'normal' (up = green), 'inverse' (up = red) or 'off'.
    """

    label: str
    value: str
    delta: str | None = None
    delta_color: str = "normal"
    help: str | None = None


def kpi_cards(cards: Sequence[KpiCard], per_row: int = 4) -> None:
    """Draw cards in rows of `per_row` bordered st.metric boxes."""
    for start in range(0, len(cards), per_row):
        columns = st.columns(per_row)
        for column, card in zip(columns, cards[start : start + per_row], strict=False):
            with column:
                st.metric(card.label, card.value, card.delta, delta_color=card.delta_color, help=card.help, border=True)


def headline_kpis(filters: Filters) -> tuple[Any, Any, str]:
    """(now, before, compared text) for the headline cards of a set of projects.

    Live mode: `progress.Kpis` as of the date and seven days earlier. Snapshot mode
    (the sidebar's data mode): the frozen `snapshots.SnapshotKpis` of the date's snapshot
    and of the previous snapshot (before None for the year's first). now is None when
    the date has no snapshot.
    """
    from budget_metrics import progress
    from budget_metrics import snapshots as snaps

    ctx = page_context()
    if not ctx.snapshot_mode:
        now, before = cached(progress.kpis_with_previous_week, filters)
        return now, before, ctx.t("เทียบสัปดาห์ก่อน", "vs previous week")
    frozen = cached(snaps.snapshot_kpis_with_previous, filters)
    if frozen is None:
        return None, None, ""
    now, before = frozen
    if before is None:
        return now, None, ctx.t("ภาพนิ่งแรกของปี", "first snapshot of the year")
    return (
        now,
        before,
        ctx.t(f"เทียบภาพนิ่งครั้งก่อน ({ctx.date(before.as_of)})", f"vs previous snapshot ({ctx.date(before.as_of)})"),
    )


def line_caption(ctx: PageContext, line: str, status: str, headline: str) -> str:
    """One line's heading for the KPI rows: its name, what it covers, its status badge, and
    whether it is the headline line (markdown, text from code and reference data only)."""
    name = ctx.t(*LINE_LABELS[line])
    badge = f":{STATUS_BADGES.get(status, 'gray')}-badge[{word(STATUSES, status, ctx.lang)}]"
    text = f"**{ctx.t('เส้น', '')}{name}{ctx.t('', ' line')}** — {ctx.t(*LINE_DESCRIPTIONS[line])} · {badge}"
    if line == headline:
        text += " · " + ctx.t("★ ใช้กำหนดสีสถานะ สีแผนที่ และอันดับ", "★ drives status colours, map and rankings")
    return text


def execution_kpi_cards(now: Any, before: Any | None, compared: str) -> None:
    """The headline cards: allocation, committed, disbursed, remaining (million baht); then
    for each reported line (overall, then investment) its % disbursed, its own target, its
    gap in points and in million baht, under a heading with the line's status.

    `now` / `before` are `progress.Kpis` (live) or `snapshots.SnapshotKpis` (frozen): any
    object with projects, current_allocation, committed, disbursed, remaining (baht),
    headline, and `line('overall' | 'investment')` giving a `targets.TargetLine`. Each
    card's delta is the change from `before` (none when `before` is None); `compared` says
    against what, e.g. 'เทียบสัปดาห์ก่อน', and goes in the cards' help.
    """
    ctx = page_context()
    unit = ctx.million_baht

    def change(attribute: str) -> str | None:
        new, old = getattr(now, attribute), None if before is None else getattr(before, attribute)
        return None if new is None or old is None else f"{signed(float(new - old) / 1e6)} {unit}"

    def line_change(line: str, attribute: str, money: bool = False) -> str | None:
        new = getattr(now.line(line), attribute)
        old = None if before is None else getattr(before.line(line), attribute)
        if new is None or old is None:
            return None
        if money:
            return f"{signed(float(new - old) / 1e6)} {unit}"
        return f"{signed(new - old)} " + ctx.t("จุด", "pts")

    kpi_cards(
        [
            KpiCard(
                ctx.t(f"งบประมาณ ({unit})", f"Allocation ({unit})"),
                ctx.money(now.current_allocation),
                change("current_allocation"),
                "off",
                ctx.t(
                    f"งบประมาณจัดสรรปัจจุบัน (เดิม + โอนเข้า − โอนออก), {now.projects:,} โครงการ; {compared}",
                    f"Current allocation (original + in − out), {now.projects:,} projects; {compared}",
                ),
            ),
            KpiCard(
                ctx.t(f"ก่อหนี้ผูกพัน ({unit})", f"Committed ({unit})"),
                ctx.money(now.committed),
                change("committed"),
                "normal",
                compared,
            ),
            KpiCard(
                ctx.t(f"เบิกจ่าย ({unit})", f"Disbursed ({unit})"),
                ctx.money(now.disbursed),
                change("disbursed"),
                "normal",
                compared,
            ),
            KpiCard(
                ctx.t(f"คงเหลือ ({unit})", f"Remaining ({unit})"),
                ctx.money(now.remaining),
                change("remaining"),
                "inverse",
                compared,
            ),
        ]
    )
    for line in LINES:
        figures = now.line(line)
        name = ctx.t(*LINE_LABELS[line])
        covers = ctx.t(*LINE_DESCRIPTIONS[line])
        st.markdown(line_caption(ctx, line, figures.status, now.headline))
        kpi_cards(
            [
                KpiCard(
                    ctx.t(f"{name}: ร้อยละเบิกจ่าย", f"{name}: % disbursed"),
                    percent(figures.pct),
                    line_change(line, "pct"),
                    "normal",
                    ctx.t(
                        f"{covers}; งบประมาณ {ctx.money(figures.allocation)} ล้านบาท เบิกจ่าย "
                        f"{ctx.money(figures.disbursed)} ล้านบาท; {compared}",
                        f"{covers}; allocation {ctx.money(figures.allocation)}, disbursed "
                        f"{ctx.money(figures.disbursed)} million baht; {compared}",
                    ),
                ),
                KpiCard(
                    ctx.t(f"{name}: เป้าหมาย (ร้อยละ)", f"{name}: target (%)"),
                    percent(figures.target_pct),
                    line_change(line, "target_pct"),
                    "off",
                    ctx.t(
                        f"เป้าหมายการเบิกจ่ายสะสม{name}ตามมติคณะรัฐมนตรี ณ {ctx.date(now.as_of)}; {compared}",
                        f"Cabinet's cumulative {name.lower()} target on {ctx.date(now.as_of)}; {compared}",
                    ),
                ),
                KpiCard(
                    ctx.t(f"{name}: ห่างเป้า (จุด)", f"{name}: gap (points)"),
                    signed(figures.gap_points),
                    line_change(line, "gap_points"),
                    "normal",
                    ctx.t(
                        "ร้อยละเบิกจ่าย − เป้าหมาย; ติดลบ = ต่ำกว่าเป้าหมาย", "% disbursed − target; negative = behind target"
                    ),
                ),
                # 'm฿' in English: "Investment: gap (million baht)" does not fit a card at 1400 px
                KpiCard(
                    ctx.t(f"{name}: ห่างเป้า ({unit})", f"{name}: gap (m฿)"),
                    signed(float(figures.gap_baht) / 1e6) if figures.gap_baht is not None else "-",
                    line_change(line, "gap_baht", money=True),
                    "normal",
                    ctx.t(
                        f"เบิกจ่ายจริง − เป้าหมาย{name} × งบประมาณของเส้นนี้; ติดลบ = ต้องเบิกจ่ายเพิ่มเท่านี้จึงถึงเป้า",
                        f"disbursed − {name.lower()} target × this line's allocation; negative = still to pay "
                        "to reach the target",
                    ),
                ),
            ]
        )
