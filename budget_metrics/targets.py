"""Government disbursement targets on any date, and the two lines execution is reported by.

Cabinet sets targets at quarter ends (reference table `targets`). Between quarter
ends the target steps linearly by month end (three equal steps per quarter) and is
linear by day inside a month, so 31 May 2019 (FY2562 overall) is 54 + 2*(77-54)/3.

The Comptroller General reports execution as two lines, each against its own target,
never a mix of the two:

- overall: disbursed / current allocation of all budget types, against the overall target;
- investment: investment-budget disbursed / investment current allocation, against the
  investment target.

A province, cluster, region or the nation is judged by both (`TargetLine`); which of
the two drives status colours and rankings is reference data (`headline_line()`, from
data/reference/reporting.toml). A single project is judged against the target of its
own budget type (budget_metrics.lagging).
"""

from __future__ import annotations

import calendar as _calendar
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache

import pandas as pd

from budget_metrics.calendar import fiscal_year_bounds
from budget_metrics.connection import data_version, read_only
from vocabulary import LINE_DESCRIPTIONS, LINE_LABELS  # noqa: F401 - re-exported for pages and exports

CENT = Decimal("0.01")
# The two reported lines, in the order they are shown; their names (Thai, English) and what
# each covers are in vocabulary.py, shared by the dashboard and the exports.
LINES = ("overall", "investment")
# Used only for a database written before reporting.toml existed (schema v1, not yet upgraded).
DEFAULT_HEADLINE = "overall"


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


def gap_status(gap_points: float | None, thresholds: dict[str, float]) -> str:
    """'on_track', 'watch', 'behind' (or 'no_data') from the reference thresholds.

    On track when the gap is at least -watch_gap_points, watch down to -behind_gap_points,
    behind below that (gap in points, negative = behind).
    """
    if gap_points is None or pd.isna(gap_points):
        return "no_data"
    if gap_points >= -thresholds["watch_gap_points"]:
        return "on_track"
    if gap_points >= -thresholds["behind_gap_points"]:
        return "watch"
    return "behind"


@dataclass(frozen=True)
class TargetLine:
    """One reported line of a selection as of a date.

    scope: 'overall' (all budget types) or 'investment' (investment budget only);
    allocation and disbursed: the baht the line covers (current allocation, current-year
    payments); pct: disbursed / allocation (0-100, None without allocation); target_pct:
    the line's own cabinet target on the date; gap_points = pct - target_pct; gap_baht =
    disbursed - target_pct% of allocation, in baht to the satang (negative = behind);
    status: gap_status of gap_points.
    """

    scope: str
    allocation: Decimal
    disbursed: Decimal
    pct: float | None
    target_pct: float | None
    gap_points: float | None
    gap_baht: Decimal | None
    status: str


def target_line(scope: str, fiscal_year: int, day: date, allocation, disbursed,
                thresholds: dict[str, float]) -> TargetLine:
    """The line `scope` for a selection whose line covers `allocation` and `disbursed` baht."""
    allocation, disbursed = Decimal(allocation), Decimal(disbursed)
    has_money = allocation > 0
    pct = float(disbursed / allocation * 100) if has_money else None
    target = target_pct(fiscal_year, scope, day)
    gap_points = pct - target if pct is not None and target is not None else None
    gap_baht = None
    if has_money and target is not None:
        gap_baht = (disbursed - allocation * Decimal(repr(target)) / 100).quantize(CENT)
    return TargetLine(scope, allocation, disbursed, pct, target, gap_points, gap_baht,
                      gap_status(gap_points, thresholds))


def add_line_columns(frame: pd.DataFrame, fiscal_year: int, day: date, thresholds: dict[str, float],
                     headline: str) -> pd.DataFrame:
    """Add both lines' columns to a per-area frame, in place, and return it.

    Needs current_allocation and disbursed (all budget types, float baht) and
    investment_allocation / investment_disbursed (investment budget only). Adds, for each
    line L in ('overall', 'investment'): L_pct, L_target_pct, L_gap_points (0-100 and
    points), L_gap_baht (float baht), L_status; overall_allocation / overall_disbursed
    (= the all-types columns); then headline (the line's name) and status (= the headline
    line's status, which colours maps and orders rankings).
    """
    frame["overall_allocation"] = frame["current_allocation"]
    frame["overall_disbursed"] = frame["disbursed"]
    for line in LINES:
        allocation = frame[f"{line}_allocation"].astype(float)
        disbursed = frame[f"{line}_disbursed"].astype(float)
        with_money = allocation > 0
        pct = (100 * disbursed / allocation.where(with_money)).where(with_money)
        target = target_pct(fiscal_year, line, day)
        frame[f"{line}_pct"] = pct
        frame[f"{line}_target_pct"] = target
        frame[f"{line}_gap_points"] = pct - target if target is not None else float("nan")
        frame[f"{line}_gap_baht"] = ((disbursed - allocation * target / 100).where(with_money)
                                     if target is not None else float("nan"))
        frame[f"{line}_status"] = [gap_status(gap, thresholds) for gap in frame[f"{line}_gap_points"]]
    frame["headline"] = headline
    frame["status"] = frame[f"{headline}_status"]
    return frame


@lru_cache(maxsize=16)
def _headline(version: str) -> str:
    with read_only() as con:
        exists = con.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = 'report_settings'"
        ).fetchone()[0]
        row = con.execute("SELECT value FROM report_settings WHERE name = 'headline_line'").fetchone() \
            if exists else None
    return row[0] if row and row[0] in LINES else DEFAULT_HEADLINE


def headline_line() -> str:
    """'overall' or 'investment': the line that drives status colours, map colours and rankings.

    From data/reference/reporting.toml (`headline_line`) as loaded into `report_settings`.
    """
    return _headline(data_version())
