"""Carry-over funds (กันเงินไว้เบิกเหลื่อมปี): what was carried, what has been paid from it.

A carry-over counts from its approval date: as of a date before approval the project
has no carry-over yet. Paid = disbursements with source 'carryover' posted on or
before the as-of date (reversals included). Remaining = carried - paid.

At risk (thresholds from the reference table `thresholds`):
- the deadline is at most `carryover_risk_days` days away and less than
  `carryover_risk_paid_pct` percent has been paid; or
- the deadline has passed and money remains unpaid.

Money: Decimal baht in the totals, float baht columns in the DataFrames (display/charts).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pandas as pd

from budget_metrics import reference
from budget_metrics.calendar import fiscal_year_bounds, fridays
from budget_metrics.connection import read_only
from budget_metrics.filters import Filters
from budget_metrics.projects import (
    AREA_LEVELS,
    PROJECT_BASE,
    as_dates,
    resolve_carryover_as_of,
    states_cte,
)
from vocabulary import CARRYOVER_RISKS

RISKS = CARRYOVER_RISKS  # code -> (Thai, English); words live in vocabulary.py


def _carryover_sql(filters: Filters, dates: list[date] | None = None) -> tuple[str, list, date]:
    """CTE `carry`: one row per selected project with a carry-over approved by the as-of date
    (with `dates`: per project and date, the date in column `as_of`; else the filter's date)."""
    as_of = resolve_carryover_as_of(filters)
    limits = reference.thresholds()
    cte, params = states_cte(filters, dates if dates is not None else [as_of])
    sql = f"""{cte},
    carry0 AS (
        SELECT s.as_of, s.project_code, s.project_name, s.owner, s.owner_type, s.owner_name_th,
               s.owner_name_en, s.province_code, s.cluster_code, s.region, s.budget_type,
               s.implementing_agency, c.amount AS carried, c.with_commitment, c.approved_date,
               c.deadline, c.reason, s.disbursed_carryover AS paid,
               (c.amount - s.disbursed_carryover)::DECIMAL(18,2) AS remaining,
               CASE WHEN c.amount > 0
                    THEN 100.0 * s.disbursed_carryover::DOUBLE / c.amount::DOUBLE END AS pct_paid,
               date_diff('day', s.as_of, c.deadline) AS days_to_deadline
        FROM states s JOIN carryovers c USING (project_code)
        WHERE c.approved_date <= s.as_of),
    carry AS (
        SELECT *,
               CASE WHEN days_to_deadline < 0 AND remaining > 0 THEN 'past_deadline'
                    WHEN days_to_deadline BETWEEN 0 AND ? AND coalesce(pct_paid, 0) < ?
                         AND remaining > 0
                    THEN 'deadline_near' END AS risk
        FROM carry0)
    """
    extra = [limits["carryover_risk_days"], limits["carryover_risk_paid_pct"]]
    return sql, [*params, *extra], as_of


def _with_risk_words(frame: pd.DataFrame) -> pd.DataFrame:
    as_dates(frame, ["approved_date", "deadline"])
    frame["at_risk"] = frame["risk"].notna()
    frame["risk_th"] = [RISKS[r][0] if isinstance(r, str) else "" for r in frame["risk"]]
    frame["risk_en"] = [RISKS[r][1] if isinstance(r, str) else "" for r in frame["risk"]]
    return frame


def carryover_projects(filters: Filters) -> pd.DataFrame:
    """One row per selected project with a carry-over, most urgent (nearest deadline) first.

    Columns: project_code, project_name, owner, owner_type, owner_name_th/en,
    province_code, cluster_code, region, budget_type, implementing_agency,
    carried / paid / remaining (float baht), with_commitment (bool), approved_date,
    deadline (date), reason, pct_paid (percent 0-100, NaN when nothing was carried),
    days_to_deadline (int days from the as-of date; negative = past), risk (None,
    'past_deadline' or 'deadline_near'), at_risk (bool), risk_th / risk_en (words).
    """
    sql, params, _ = _carryover_sql(filters)
    with read_only() as con:
        frame = con.execute(
            f"""{sql}
            SELECT * EXCLUDE (as_of) REPLACE (carried::DOUBLE AS carried, paid::DOUBLE AS paid,
                                              remaining::DOUBLE AS remaining)
            FROM carry ORDER BY days_to_deadline, remaining DESC, project_code""",
            params,
        ).df()
    return _with_risk_words(frame)


def carryover_on_dates(filters: Filters, dates: list[date]) -> pd.DataFrame:
    """`carryover_projects` on many as-of dates at once (the weekly snapshots): one row per
    project with a carry-over approved by each date, with that date in column `as_of`; the
    descriptive columns (names, areas, agency, reason) are left out: join them by project_code.

    Columns: as_of, project_code, carried / paid / remaining (float baht), with_commitment,
    approved_date, deadline, pct_paid, days_to_deadline, risk, at_risk, risk_th / risk_en.
    """
    if not dates:
        return pd.DataFrame(columns=["as_of", "project_code", "carried", "paid", "remaining", "deadline", "at_risk"])
    sql, params, _ = _carryover_sql(filters, list(dates))
    with read_only() as con:
        frame = con.execute(
            f"""{sql}
            SELECT as_of, project_code, carried::DOUBLE AS carried, paid::DOUBLE AS paid,
                   remaining::DOUBLE AS remaining, with_commitment, approved_date, deadline, pct_paid,
                   days_to_deadline, risk
            FROM carry ORDER BY as_of, days_to_deadline, remaining DESC, project_code""",
            params,
        ).df()
    as_dates(frame, ["as_of"])
    return _with_risk_words(frame)


def at_risk_carryovers(filters: Filters) -> pd.DataFrame:
    """The at-risk carry-overs (see module doc), largest unpaid amount first; columns as above."""
    frame = carryover_projects(filters)
    risky = frame[frame["at_risk"]]
    return risky.sort_values(["remaining", "project_code"], ascending=[False, True]).reset_index(drop=True)


@dataclass(frozen=True)
class CarryoverTotals:
    """Carry-over sums for the selection as of a date (baht; percent 0-100)."""

    as_of: date
    projects: int
    carried: Decimal
    with_commitment: Decimal
    without_commitment: Decimal
    paid: Decimal
    remaining: Decimal
    pct_paid: float | None
    at_risk_projects: int
    at_risk_remaining: Decimal  # unpaid money of the at-risk carry-overs
    past_deadline_remaining: Decimal  # unpaid money whose deadline has passed (lapsing)


def carryover_totals(filters: Filters) -> CarryoverTotals:
    """Totals over the selected projects' carry-overs as of the filter's date."""
    sql, params, as_of = _carryover_sql(filters)
    with read_only() as con:
        row = con.execute(
            f"""{sql}
            SELECT count(*),
                   coalesce(sum(carried), 0),
                   coalesce(sum(carried) FILTER (WHERE with_commitment), 0),
                   coalesce(sum(carried) FILTER (WHERE NOT with_commitment), 0),
                   coalesce(sum(paid), 0),
                   coalesce(sum(remaining), 0),
                   count(*) FILTER (WHERE risk IS NOT NULL),
                   coalesce(sum(remaining) FILTER (WHERE risk IS NOT NULL), 0),
                   coalesce(sum(remaining) FILTER (WHERE risk = 'past_deadline'), 0)
            FROM carry""",
            params,
        ).fetchone()
    count, carried, with_c, without_c, paid, remaining, risky, risky_rem, past_rem = row
    carried = Decimal(carried)
    pct = float(Decimal(paid) / carried * 100) if carried > 0 else None
    return CarryoverTotals(
        as_of,
        int(count),
        carried,
        Decimal(with_c),
        Decimal(without_c),
        Decimal(paid),
        Decimal(remaining),
        pct,
        int(risky),
        Decimal(risky_rem),
        Decimal(past_rem),
    )


def earlier_year_carryover(filters: Filters) -> tuple[int, CarryoverTotals] | None:
    """The previous fiscal year's carry-overs of the same selection, as of this view's date
    (the filter's, by default this year's latest data): (that year BE, its `CarryoverTotals`:
    carried, paid from it, remaining, lapsed = unpaid past the deadline). They are that year's
    obligations, paid in this year's months but never part of this year's execution rate (every
    record belongs to its budget's year). None when the previous year is not loaded or carried
    nothing over by that date."""
    from dataclasses import replace

    previous = reference.previous_fiscal_year(filters.fiscal_year)
    if previous is None:
        return None
    totals = carryover_totals(replace(filters, fiscal_year=previous, as_of=resolve_carryover_as_of(filters)))
    return (previous, totals) if totals.projects else None


def carryover_period(filters: Filters) -> tuple[date | None, date | None]:
    """First approval date and last deadline of the selected projects' carry-overs, whatever
    the as-of date (None, None when there are none): tells a user which dates to pick."""
    where, params = filters.where("p")
    with read_only() as con:
        row = con.execute(
            f"""WITH p AS ({PROJECT_BASE})
            SELECT min(c.approved_date), max(c.deadline) FROM carryovers c
            JOIN p USING (project_code) WHERE {where}""",
            params,
        ).fetchone()
    return row[0], row[1]


def carryover_curve(filters: Filters) -> pd.DataFrame:
    """Carry-over approved and paid from it, cumulative by week (Fridays), over the carry-over
    period: from the fiscal year's end (or the first approval, if earlier) to the last deadline.

    Columns: week_end (date), carried (approved by that Friday), paid (disbursements from the
    carry-over posted by that Friday, reversals included), remaining = carried - paid (float
    baht; None after the as-of date). Empty when the selection has no carry-over.
    """
    first, last = carryover_period(filters)
    if first is None:
        return pd.DataFrame(columns=["week_end", "carried", "paid", "remaining"])
    fy_end = fiscal_year_bounds(filters.fiscal_year)[1]
    weeks = fridays(min(first, fy_end), max(last, fy_end))
    as_of = resolve_carryover_as_of(filters)
    where, params = filters.where("p")
    with read_only() as con:
        frame = con.execute(
            f"""WITH p AS ({PROJECT_BASE}),
            chosen AS (SELECT project_code FROM p WHERE {where}),
            carry AS (SELECT c.approved_date, c.amount FROM carryovers c JOIN chosen USING (project_code)),
            pay AS (SELECT d.posting_date, d.amount FROM disbursements d JOIN chosen USING (project_code)
                    WHERE d.source = 'carryover'),
            weeks AS (SELECT unnest(?::DATE[]) AS week_end)
            SELECT w.week_end,
                   coalesce((SELECT sum(amount) FROM carry WHERE approved_date <= w.week_end), 0)::DOUBLE
                       AS carried,
                   coalesce((SELECT sum(amount) FROM pay WHERE posting_date <= w.week_end), 0)::DOUBLE AS paid
            FROM weeks w ORDER BY w.week_end""",
            [*params, weeks],
        ).df()
    frame["week_end"] = pd.to_datetime(frame["week_end"]).dt.date
    frame["remaining"] = frame["carried"] - frame["paid"]
    frame.loc[frame["week_end"] > as_of, ["carried", "paid", "remaining"]] = None
    return frame


def carryover_by_area(filters: Filters, level: str = "province") -> pd.DataFrame:
    """Carry-over per province (province plans only) or per cluster (its own and its
    provinces' plans), only areas that have a carry-over, largest carried first.

    Columns: code, name_th, name_en, projects, carried, with_commitment,
    without_commitment, paid, remaining (float baht), pct_paid (0-100), at_risk (count).
    """
    key, table, ref_key = AREA_LEVELS[level]
    sql, params, _ = _carryover_sql(filters)
    with read_only() as con:
        frame = con.execute(
            f"""{sql},
            sums AS (
                SELECT {key} AS code, count(*) AS projects, sum(carried) AS carried,
                       coalesce(sum(carried) FILTER (WHERE with_commitment), 0) AS with_commitment,
                       coalesce(sum(carried) FILTER (WHERE NOT with_commitment), 0)
                           AS without_commitment,
                       sum(paid) AS paid, sum(remaining) AS remaining,
                       count(*) FILTER (WHERE risk IS NOT NULL) AS at_risk
                FROM carry WHERE {key} IS NOT NULL GROUP BY 1)
            SELECT s.code, r.name_th, r.name_en, s.projects,
                   s.carried::DOUBLE AS carried, s.with_commitment::DOUBLE AS with_commitment,
                   s.without_commitment::DOUBLE AS without_commitment,
                   s.paid::DOUBLE AS paid, s.remaining::DOUBLE AS remaining,
                   CASE WHEN s.carried > 0
                        THEN 100.0 * s.paid::DOUBLE / s.carried::DOUBLE END AS pct_paid,
                   s.at_risk
            FROM sums s LEFT JOIN {table} r ON r.{ref_key} = s.code
            ORDER BY s.carried DESC, s.code""",
            params,
        ).df()
    return frame
