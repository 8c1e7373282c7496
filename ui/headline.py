"""A selection's headline in light HTML: both target lines as cards, and the money, each with the
change since an earlier state (the week before, or an earlier snapshot).

Used by the first screens of the province / cluster page and the weekly page (the overview
draws the same pieces with its own copy, pages/overview.py). `now` / `before` are
`progress.Kpis` (live) or `snapshots.SnapshotKpis` (frozen): anything with projects,
current_allocation, committed, disbursed, remaining (baht), headline, and `line(name)` giving
a `targets.TargetLine`. Every figure a test reads sits in a `data-figure` span (ui/light.py).
"""

from __future__ import annotations

from collections.abc import Sequence

from budget_metrics.formatting import percent, signed
from budget_metrics.targets import LINE_DESCRIPTIONS, LINE_LABELS, LINES
from ui import light
from ui.context import PageContext
from vocabulary import SINCE, pick


def since_words(context: PageContext, before, frozen: bool) -> str:
    """What a change is measured from: 'จากสัปดาห์ก่อน', or 'จากภาพนิ่ง 6 ก.ย. 2562' when `frozen`."""
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
    change = (f'<b><span data-figure="week_points">{signed(new.pct - old.pct)}</span> '
              f"{light.text(context.t('จุด', 'pts'))}</b> {light.text(since)}")
    if new.target_pct is not None and old.target_pct is not None:
        change += light.text(context.t(f" (เป้าหมาย {signed(new.target_pct - old.target_pct)} จุด)",
                                       f" (target {signed(new.target_pct - old.target_pct)} pts)"))
    paid = f'<span data-figure="week_paid">{context.money(new.disbursed - old.disbursed)}</span>'
    return change + context.t(f" · เบิกจ่ายเพิ่ม {paid} ล้านบาท", f" · {paid} million baht paid")


def line_cards(context: PageContext, now, before, since: str,
               projections: dict[str, str | None] | None = None) -> list[str]:
    """Both target lines as cards (overall, then investment), each against its own target and
    coloured by its status: % disbursed on a meter, the gap in points and million baht, the change
    since `before`, and `projections[line]` (HTML) when given."""
    cards = []
    for line in LINES:
        figures = now.line(line)
        star = " ★" if line == now.headline else ""
        gap = (light.text(context.t("ห่างเป้า", "gap"))
               + f' <span data-figure="gap_points">{signed(figures.gap_points)}</span> '
               + light.text(context.t("จุด", "pts")))
        if figures.gap_baht is not None:
            gap += (f' · <span data-figure="gap_baht">{signed(float(figures.gap_baht) / 1e6)}</span> '
                    f"{light.text(context.million_baht)}")
        cards.append(light.line_card(light.LineCard(
            key=line, title=context.t(f"เส้น{context.t(*LINE_LABELS[line])}{star}",
                                      f"{context.t(*LINE_LABELS[line])} line{star}"),
            subtitle=context.t(*LINE_DESCRIPTIONS[line]), status=figures.status,
            pct_text=percent(figures.pct), pct=figures.pct,
            target_text=context.t("เป้าหมาย", "target"), target_pct_text=percent(figures.target_pct),
            target_pct=figures.target_pct, gap_html=gap, week_text=week_html(context, line, now, before, since),
            projection_text=(projections or {}).get(line)), context.lang))
    return cards


def money_html(context: PageContext, now, before, since: str, more: Sequence[light.Figure] = ()) -> str:
    """Allocation, committed, disbursed, remaining (million baht) with the change since `before`,
    then `more` figures."""
    unit = context.million_baht

    def change(attribute: str) -> str | None:
        if before is None:
            return None
        return f"{signed(float(getattr(now, attribute) - getattr(before, attribute)) / 1e6)} {since}"

    return light.figures([
        light.Figure("allocation", context.t(f"งบประมาณ ({unit})", f"Allocation ({unit})"),
                     context.money(now.current_allocation), change("current_allocation")),
        light.Figure("committed", context.t(f"ก่อหนี้ผูกพัน ({unit})", f"Committed ({unit})"),
                     context.money(now.committed), change("committed")),
        light.Figure("disbursed", context.t(f"เบิกจ่าย ({unit})", f"Disbursed ({unit})"),
                     context.money(now.disbursed), change("disbursed")),
        light.Figure("remaining", context.t(f"คงเหลือ ({unit})", f"Remaining ({unit})"),
                     context.money(now.remaining), change("remaining")),
        *more,
    ])
