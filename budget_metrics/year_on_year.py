"""This year against last year on the same day of the fiscal year.

The first question an executive asks of a rate is "better or worse than last year at this
point?". The answer compares a selection's line (overall, investment, or the chosen budget
type's own line; budget_metrics.targets) as of a date with the same line of the same areas in
the previous fiscal year as of the same day of that year (`calendar.same_day_previous_year`:
31 Mar 2020 in FY2563 against 31 Mar 2019 in FY2562), each against its own year's cabinet
target. The two years hold different projects (every record belongs to its budget's year); an
area's selection (province, cluster, region, plan type, budget type) picks its projects of each
year alike.

The previous year's figures are always computed from the loaded records as of that day, also
in snapshot mode: the earlier year is closed, so its figures as of a past date do not move
unless a correction to it is loaded (which the comparison then includes).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

import pandas as pd

from budget_metrics import progress, reference
from budget_metrics.calendar import same_day_previous_year
from budget_metrics.filters import Filters
from budget_metrics.projects import resolve_as_of
from budget_metrics.targets import shown_lines


@dataclass(frozen=True)
class LastYear:
    """The previous fiscal year's figures on the same day: fiscal_year (BE), as_of (its date),
    has_targets (the year has cabinet targets) and `kpis` (progress.Kpis of the same selection
    in that year, as of that date)."""

    fiscal_year: int
    as_of: date
    has_targets: bool
    kpis: progress.Kpis

    def line(self, scope: str):
        """The previous year's `targets.TargetLine` of the line `scope`."""
        return self.kpis.line(scope)


def last_year_filters(filters: Filters, as_of: date | None = None) -> Filters | None:
    """The same selection in the previous fiscal year, as of the same day of that year (of
    `as_of`, by default the filter's resolved date); None when the previous year is not loaded."""
    previous = reference.previous_fiscal_year(filters.fiscal_year)
    if previous is None:
        return None
    day = as_of or resolve_as_of(filters)
    return replace(filters, fiscal_year=previous, as_of=same_day_previous_year(day))


def last_year(filters: Filters, as_of: date | None = None) -> LastYear | None:
    """The selection's lines in the previous fiscal year on the same day of the year as `as_of`
    (by default the filter's resolved date: pass the date the page shows, e.g. a snapshot's);
    None when the previous year is not loaded."""
    earlier = last_year_filters(filters, as_of)
    if earlier is None:
        return None
    return LastYear(
        earlier.fiscal_year, earlier.as_of, reference.has_targets(earlier.fiscal_year), progress.kpis(earlier)
    )


def change_points(now_pct: float | None, last_year_pct: float | None) -> float | None:
    """This year's rate minus last year's on the same day, in percentage points (None when
    either side has no rate)."""
    if now_pct is None or last_year_pct is None or pd.isna(now_pct) or pd.isna(last_year_pct):
        return None
    return float(now_pct) - float(last_year_pct)


def area_year_on_year(filters: Filters, level: str = "province") -> pd.DataFrame:
    """`progress.area_progress(filters, level)` with, for each shown line L, the previous fiscal
    year's figures of the same area on the same day: L_last_year_pct (0-100, NaN without
    allocation then), L_last_year_target_pct (that year's cabinet target on that day, NaN when
    the year has none) and L_year_change_points (this year's rate minus last year's, points).
    Columns last_year (BE) and last_year_as_of (date) say what was compared; every last-year
    column is NaN / None when the previous year is not loaded."""
    current = progress.area_progress(filters, level)
    earlier = last_year_filters(filters)
    lines = shown_lines(filters.budget_type)
    if earlier is None:
        for line in lines:
            for column in ("last_year_pct", "last_year_target_pct", "year_change_points"):
                current[f"{line}_{column}"] = float("nan")
        current["last_year"] = None
        current["last_year_as_of"] = None
        return current
    before = progress.area_progress(earlier, level).set_index("code")
    for line in lines:
        then = current["code"].map(before[f"{line}_pct"]).astype(float)
        current[f"{line}_last_year_pct"] = then
        current[f"{line}_last_year_target_pct"] = current["code"].map(before[f"{line}_target_pct"]).astype(float)
        current[f"{line}_year_change_points"] = current[f"{line}_pct"].astype(float) - then
    current["last_year"] = earlier.fiscal_year
    current["last_year_as_of"] = earlier.as_of
    return current
