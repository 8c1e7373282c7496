"""Spending progress against target: KPIs, per-area tables and the weekly curve."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import pandas as pd

from budget_metrics import reference
from budget_metrics.calendar import fiscal_year_bounds, fridays
from budget_metrics.connection import read_only
from budget_metrics.filters import Filters
from budget_metrics.projects import AREA_LEVELS, resolve_as_of, state_cte
from budget_metrics.targets import blended_target, target_pct

CENT = Decimal("0.01")


@dataclass(frozen=True)
class Kpis:
    """Headline figures for a set of projects as of a date (baht; percent 0-100)."""

    as_of: date
    projects: int
    allocated: Decimal
    current_allocation: Decimal
    committed: Decimal
    disbursed: Decimal
    remaining: Decimal
    uncommitted: Decimal
    pct_disbursed: float | None
    target_pct: float | None
    gap_points: float | None  # pct_disbursed - target_pct; negative = behind
    gap_baht: Decimal | None  # disbursed - target share of allocation; negative = behind


def kpis(filters: Filters) -> Kpis:
    """Sums over the selected projects as of the filter's date, with target and gap.

    The target is the allocation-weighted mix of the investment target (investment
    projects) and the overall target (all others); see targets.blended_target.
    """
    as_of = resolve_as_of(filters)
    cte, params = state_cte(filters, as_of)
    with read_only() as con:
        row = con.execute(
            f"""{cte}
            SELECT count(*), coalesce(sum(allocated_amount), 0), coalesce(sum(current_allocation), 0),
                   coalesce(sum(committed), 0), coalesce(sum(disbursed), 0),
                   coalesce(sum(remaining), 0), coalesce(sum(uncommitted), 0),
                   coalesce(sum(current_allocation) FILTER (WHERE budget_type = 'investment'), 0)
            FROM state3""",
            params,
        ).fetchone()
    count, allocated, current, committed, disbursed, remaining, uncommitted, investment = row
    pct = float(disbursed / current * 100) if current > 0 else None
    other = current - investment
    target, expected = blended_target(filters.fiscal_year, as_of, investment, other)
    gap_points = pct - target if pct is not None and target is not None else None
    gap_baht = disbursed - expected if expected is not None else None
    return Kpis(as_of, int(count), Decimal(allocated), Decimal(current), Decimal(committed),
                Decimal(disbursed), Decimal(remaining), Decimal(uncommitted), pct, target,
                gap_points, gap_baht)


def kpis_with_previous_week(filters: Filters) -> tuple[Kpis, Kpis]:
    """KPIs as of the date and as of seven days earlier (for the 'change since last week')."""
    current = kpis(filters)
    previous = kpis(filters.with_as_of(current.as_of - timedelta(days=7)))
    return current, previous


def gap_status(gap_points: float | None, thresholds: dict[str, float]) -> str:
    """'on_track', 'watch', 'behind' (or 'no_data') from the reference thresholds."""
    if gap_points is None or pd.isna(gap_points):
        return "no_data"
    if gap_points >= -thresholds["watch_gap_points"]:
        return "on_track"
    if gap_points >= -thresholds["behind_gap_points"]:
        return "watch"
    return "behind"


def area_progress(filters: Filters, level: str = "province") -> pd.DataFrame:
    """One row per province / cluster / region (every one, even without projects).

    Columns: code, name_th, name_en, region, cluster_code (provinces), projects,
    current_allocation, committed, disbursed, remaining (float baht), pct_disbursed,
    investment_allocation, target_pct (allocation-weighted mix of the investment and
    overall targets), gap_points, gap_baht, status. At province level only province-plan
    projects count (a cluster plan's projects belong to no single province).
    """
    key, table, ref_key = AREA_LEVELS[level]
    as_of = resolve_as_of(filters)
    cte, params = state_cte(filters, as_of)
    extra = ", r.cluster_code" if level == "province" else ""
    order = "r.sort_order" if level == "region" else "r.name_th"
    with read_only() as con:
        frame = con.execute(
            f"""{cte},
            sums AS (
                SELECT {key} AS code, count(*) AS projects,
                       sum(current_allocation) AS current_allocation, sum(committed) AS committed,
                       sum(disbursed) AS disbursed, sum(remaining) AS remaining,
                       sum(current_allocation) FILTER (WHERE budget_type = 'investment')
                           AS investment_allocation
                FROM state3 GROUP BY 1)
            SELECT r.{ref_key} AS code, r.name_th, r.name_en, r.region AS region{extra},
                   coalesce(s.projects, 0) AS projects,
                   coalesce(s.current_allocation, 0)::DOUBLE AS current_allocation,
                   coalesce(s.committed, 0)::DOUBLE AS committed,
                   coalesce(s.disbursed, 0)::DOUBLE AS disbursed,
                   coalesce(s.remaining, 0)::DOUBLE AS remaining,
                   CASE WHEN s.current_allocation > 0
                        THEN 100.0 * s.disbursed::DOUBLE / s.current_allocation::DOUBLE END
                       AS pct_disbursed,
                   coalesce(s.investment_allocation, 0)::DOUBLE AS investment_allocation
            FROM {table} r LEFT JOIN sums s ON s.code = r.{ref_key}
            ORDER BY {order}""",
            params,
        ).df()
    overall = target_pct(filters.fiscal_year, "overall", as_of)
    investment = target_pct(filters.fiscal_year, "investment", as_of)
    if overall is None or investment is None:
        frame["target_pct"] = frame["gap_points"] = frame["gap_baht"] = None
    else:
        other = frame["current_allocation"] - frame["investment_allocation"]
        expected = (frame["investment_allocation"] * investment + other * overall) / 100
        frame["target_pct"] = (100 * expected / frame["current_allocation"]).where(
            frame["current_allocation"] > 0, overall)
        frame["gap_points"] = frame["pct_disbursed"] - frame["target_pct"]
        frame["gap_baht"] = frame["disbursed"] - expected
    limits = reference.thresholds()
    frame["status"] = [gap_status(gap, limits) for gap in frame["gap_points"]]
    return frame


def weekly_curve(filters: Filters) -> pd.DataFrame:
    """Cumulative disbursement by week (Fridays) over the fiscal year, against the targets.

    Columns: week_end, disbursed (cumulative baht), current_allocation (baht, as of the
    week), pct_disbursed (None after the as-of date), target_overall, target_investment,
    target (the selection's allocation-weighted mix of the two, as used by kpis()).
    """
    as_of = resolve_as_of(filters)
    start, end = fiscal_year_bounds(filters.fiscal_year)
    weeks = fridays(start, end)
    cte, params = state_cte(filters, end)
    with read_only() as con:
        frame = con.execute(
            f"""{cte},
            weeks AS (SELECT unnest(?::DATE[]) AS week_end),
            pay AS (SELECT posting_date, sum(amount) AS amount FROM disbursements
                    WHERE source = 'current' AND project_code IN (SELECT project_code FROM state3)
                    GROUP BY 1),
            moves AS (
                SELECT approved_date,
                       sum(CASE WHEN to_project_code IN (SELECT project_code FROM state3)
                                THEN amount ELSE 0 END)
                     - sum(CASE WHEN from_project_code IN (SELECT project_code FROM state3)
                                THEN amount ELSE 0 END) AS net
                FROM reallocations GROUP BY 1),
            base AS (SELECT coalesce(sum(allocated_amount), 0) AS allocated FROM state3)
            SELECT w.week_end,
                   coalesce((SELECT sum(amount) FROM pay WHERE posting_date <= w.week_end), 0)::DOUBLE
                       AS disbursed,
                   ((SELECT allocated FROM base)
                    + coalesce((SELECT sum(net) FROM moves WHERE approved_date <= w.week_end), 0))::DOUBLE
                       AS current_allocation
            FROM weeks w ORDER BY w.week_end""",
            [*params, weeks],
        ).df()
    frame["week_end"] = pd.to_datetime(frame["week_end"]).dt.date
    with_alloc = frame["current_allocation"] > 0
    frame["pct_disbursed"] = (100 * frame["disbursed"] / frame["current_allocation"]).where(with_alloc)
    frame.loc[frame["week_end"] > as_of, ["pct_disbursed", "disbursed"]] = None
    for scope in ("overall", "investment"):
        frame[f"target_{scope}"] = [target_pct(filters.fiscal_year, scope, day) for day in frame["week_end"]]
    # The selection's own target: the mix weighted by its current allocation at the as-of date.
    investment_share = _investment_share(filters, as_of)
    frame["target"] = [
        None if o is None else o + (i - o) * investment_share
        for o, i in zip(frame["target_overall"], frame["target_investment"], strict=True)
    ]
    return frame


def _investment_share(filters: Filters, as_of: date) -> float:
    """Share (0-1) of the selection's current allocation that is investment budget."""
    cte, params = state_cte(filters, as_of)
    with read_only() as con:
        total, investment = con.execute(
            f"""{cte} SELECT coalesce(sum(current_allocation), 0),
                   coalesce(sum(current_allocation) FILTER (WHERE budget_type = 'investment'), 0)
                FROM state3""",
            params,
        ).fetchone()
    return float(investment / total) if total > 0 else 0.0
