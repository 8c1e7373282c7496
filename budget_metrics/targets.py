"""Government disbursement targets (cumulative percent of allocation) on any date.

Cabinet sets targets at quarter ends (reference table `targets`). Between quarter
ends the target steps linearly by month end (three equal steps per quarter) and is
linear by day inside a month, so 31 May 2019 (FY2562 overall) is 54 + 2*(77-54)/3.
"""

from __future__ import annotations

import calendar as _calendar
from datetime import date
from decimal import Decimal
from functools import lru_cache

from budget_metrics.calendar import fiscal_year_bounds
from budget_metrics.connection import data_version, read_only


def month_end_targets(quarter_targets: list[float]) -> list[float]:
    """Cumulative target % at the end of each fiscal month (index 0 = FY start, 1..12 = Oct..Sep)."""
    points = [0.0]
    previous = 0.0
    for quarter_target in quarter_targets:
        for step in (1, 2, 3):
            points.append(previous + step * (quarter_target - previous) / 3)
        previous = quarter_target
    return points


def target_on(quarter_targets: list[float], fiscal_year: int, day: date) -> float:
    """Target % (0-100) on a date, from the four cumulative quarter-end targets."""
    start, end = fiscal_year_bounds(fiscal_year)
    if day < start:
        return 0.0
    if day >= end:
        return float(quarter_targets[-1])
    month_index = (day.year - start.year) * 12 + day.month - start.month + 1  # Oct = 1
    ends = month_end_targets(quarter_targets)
    days_in_month = _calendar.monthrange(day.year, day.month)[1]
    before, after = ends[month_index - 1], ends[month_index]
    return before + (after - before) * day.day / days_in_month


@lru_cache(maxsize=64)
def _quarter_targets(fiscal_year: int, scope: str, version: str) -> tuple[float, ...]:
    with read_only() as con:
        rows = con.execute(
            "SELECT target_pct FROM targets WHERE fiscal_year = ? AND scope = ? ORDER BY quarter",
            [fiscal_year, scope],
        ).fetchall()
    return tuple(float(value) for (value,) in rows)


def quarter_targets(fiscal_year: int, scope: str = "overall") -> list[float]:
    """The four cumulative quarter-end targets (percent) for a fiscal year and scope.

    Falls back to the overall row when a scope has no row, and to an empty list when
    the year has no targets at all (the views then show no target rather than a wrong one).
    """
    found = _quarter_targets(fiscal_year, scope, data_version())
    if len(found) != 4 and scope != "overall":
        found = _quarter_targets(fiscal_year, "overall", data_version())
    return list(found) if len(found) == 4 else []


def target_pct(fiscal_year: int, scope: str, day: date) -> float | None:
    """Target % (0-100) on a date for 'overall' or 'investment'; None if no targets are set."""
    targets = quarter_targets(fiscal_year, scope)
    return target_on(targets, fiscal_year, day) if targets else None


def blended_target(fiscal_year: int, day: date, investment_allocation, other_allocation):
    """(target %, baht expected disbursed by `day`) for a mix of budget types.

    Investment allocations follow the investment row, everything else the overall row,
    which is how the two cabinet targets apply to a plan that mixes both. The percent is
    0-100 weighted by allocation (the overall row when there is no allocation); the baht
    amount is a Decimal rounded to satang. (None, None) when the year has no targets.
    """
    overall = target_pct(fiscal_year, "overall", day)
    investment = target_pct(fiscal_year, "investment", day)
    if overall is None or investment is None:
        return None, None
    expected = (Decimal(investment_allocation) * Decimal(repr(investment))
                + Decimal(other_allocation) * Decimal(repr(overall))) / 100
    total = float(investment_allocation) + float(other_allocation)
    pct = ((float(investment_allocation) * investment + float(other_allocation) * overall) / total
           if total > 0 else overall)
    return pct, expected.quantize(Decimal("0.01"))
