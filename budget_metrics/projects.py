"""Per-project state as of a date: the base every other figure is summed from.

Definitions (DOMAIN.md "Money and its stages"), all in baht, all as of the date:
- current_allocation = allocated_amount + reallocations in - reallocations out
  (approved on or before the date)
- disbursed = current-year payments (source 'current') posted on or before the date,
  reversals included; disbursed_carryover = payments from the carry-over
- committed = the larger of the contract amount (if signed by the date) and disbursed,
  since money paid is committed even where no contract is recorded
- remaining = current_allocation - disbursed; uncommitted = current_allocation - committed
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache

import pandas as pd

from budget_metrics.connection import data_version, read_only
from budget_metrics.filters import Filters

# Projects with where they belong: a province plan's province, its cluster and region;
# a cluster plan's cluster and region (province stays NULL).
PROJECT_BASE = """
    SELECT pr.*,
           CASE WHEN pr.owner_type = 'province' THEN pr.owner END AS province_code,
           coalesce(pv.cluster_code, CASE WHEN pr.owner_type = 'cluster' THEN pr.owner END)
               AS cluster_code,
           cl.region AS region,
           coalesce(pv.name_th, cl.name_th) AS owner_name_th,
           coalesce(pv.name_en, cl.name_en) AS owner_name_en
    FROM projects pr
    LEFT JOIN provinces pv ON pr.owner_type = 'province' AND pv.province_code = pr.owner
    LEFT JOIN clusters cl
           ON cl.cluster_code = coalesce(pv.cluster_code,
                                         CASE WHEN pr.owner_type = 'cluster' THEN pr.owner END)
"""


# Area level -> (column in the project state, reference table, its key column).
AREA_LEVELS = {
    "province": ("province_code", "provinces", "province_code"),
    "cluster": ("cluster_code", "clusters", "cluster_code"),
    "region": ("region", "regions", "region"),
}


def as_dates(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """Turn DuckDB date/timestamp columns into Python dates (None stays None), in place."""
    for column in columns:
        frame[column] = pd.to_datetime(frame[column]).dt.date
    return frame


def states_cte(filters: Filters, dates: list[date]) -> tuple[str, list]:
    """SQL `WITH ... states AS (...)`: one row per selected project and as-of date (column `as_of`).

    The one definition of a project's state on a date (see the module doc); `state_cte` is this
    for a single date. Many dates at once serve the weekly snapshots (etl/snapshot.py), which
    would otherwise run it once per Friday.
    """
    where, where_params = filters.where("p")
    sql = f"""
    WITH p AS ({PROJECT_BASE}),
    chosen AS (SELECT * FROM p WHERE {where}),
    days AS (SELECT unnest(?::DATE[]) AS as_of),
    moved_in AS (
        SELECT d.as_of, r.to_project_code AS project_code, sum(r.amount) AS amount
        FROM reallocations r JOIN days d ON r.approved_date <= d.as_of
        WHERE r.to_project_code IN (SELECT project_code FROM chosen)
        GROUP BY 1, 2),
    moved_out AS (
        SELECT d.as_of, r.from_project_code AS project_code, sum(r.amount) AS amount
        FROM reallocations r JOIN days d ON r.approved_date <= d.as_of
        WHERE r.from_project_code IN (SELECT project_code FROM chosen)
        GROUP BY 1, 2),
    paid AS (
        SELECT d.as_of, x.project_code,
               coalesce(sum(x.amount) FILTER (WHERE x.source = 'current'), 0) AS current_paid,
               coalesce(sum(x.amount) FILTER (WHERE x.source = 'carryover'), 0) AS carryover_paid,
               max(x.posting_date) FILTER (WHERE x.amount > 0) AS last_payment_date
        FROM disbursements x JOIN days d ON x.posting_date <= d.as_of
        WHERE x.project_code IN (SELECT project_code FROM chosen)
        GROUP BY 1, 2),
    state AS (
        SELECT d.as_of, c.project_code, c.project_name, c.fiscal_year, c.owner, c.owner_type,
               c.owner_name_th, c.owner_name_en, c.province_code, c.cluster_code, c.region,
               c.budget_type, c.implementing_agency, c.emenscr_code,
               c.planned_start, c.planned_end, c.contract_date,
               CASE WHEN c.contract_date IS NULL OR c.contract_date <= d.as_of
                    THEN c.contract_amount END AS contract_amount,
               c.allocated_amount,
               coalesce(i.amount, 0)::DECIMAL(18,2) AS reallocated_in,
               coalesce(o.amount, 0)::DECIMAL(18,2) AS reallocated_out,
               (c.allocated_amount + coalesce(i.amount, 0) - coalesce(o.amount, 0))
                   ::DECIMAL(18,2) AS current_allocation,
               coalesce(x.current_paid, 0)::DECIMAL(18,2) AS disbursed,
               coalesce(x.carryover_paid, 0)::DECIMAL(18,2) AS disbursed_carryover,
               x.last_payment_date
        FROM chosen c CROSS JOIN days d
        LEFT JOIN moved_in i ON i.project_code = c.project_code AND i.as_of = d.as_of
        LEFT JOIN moved_out o ON o.project_code = c.project_code AND o.as_of = d.as_of
        LEFT JOIN paid x ON x.project_code = c.project_code AND x.as_of = d.as_of),
    state2 AS (
        SELECT *,
               greatest(coalesce(contract_amount, 0), disbursed)::DECIMAL(18,2) AS committed,
               (current_allocation - disbursed)::DECIMAL(18,2) AS remaining
        FROM state),
    states AS (
        SELECT *,
               (current_allocation - committed)::DECIMAL(18,2) AS uncommitted,
               CASE WHEN current_allocation > 0
                    THEN 100.0 * disbursed::DOUBLE / current_allocation::DOUBLE END
                   AS pct_disbursed
        FROM state2)
    """
    return sql, [*where_params, [day for day in dates]]


def state_cte(filters: Filters, as_of: date) -> tuple[str, list]:
    """SQL `WITH ... state3 AS (...)` giving one row per selected project as of a date
    (`states_cte` for that one date, without its `as_of` column)."""
    sql, params = states_cte(filters, [as_of])
    return sql.rstrip() + ",\n    state3 AS (SELECT * EXCLUDE (as_of) FROM states)\n    ", params


def latest_data_date(fiscal_year: int) -> date | None:
    """The latest posting date of any payment for projects of the fiscal year (None if none)."""
    return _latest_data_date(fiscal_year, data_version())


# Every read with a default as-of date asks for this; it only changes when a load
# publishes a new file, so it is cached per data version like the reference lists.
@lru_cache(maxsize=16)
def _latest_data_date(fiscal_year: int, version: str) -> date | None:
    with read_only() as con:
        row = con.execute(
            """SELECT max(d.posting_date) FROM disbursements d
               JOIN projects p USING (project_code) WHERE p.fiscal_year = ?""",
            [fiscal_year],
        ).fetchone()
    return row[0]


def latest_progress_date(fiscal_year: int) -> date | None:
    """The latest data date, capped at the fiscal year's last day (None if no data).

    Carry-over payments run past 30 Sep; the year's progress against target ends there.
    """
    from budget_metrics.calendar import fiscal_year_bounds

    latest = latest_data_date(fiscal_year)
    return min(latest, fiscal_year_bounds(fiscal_year)[1]) if latest else None


def resolve_as_of(filters: Filters) -> date:
    """The filter's as-of date; by default the latest data date within the fiscal year.

    (FY start when there is no data.) Carry-over views, which live after the year end,
    use `resolve_carryover_as_of` instead.
    """
    if filters.as_of:
        return filters.as_of
    from budget_metrics.calendar import fiscal_year_bounds

    return latest_progress_date(filters.fiscal_year) or fiscal_year_bounds(filters.fiscal_year)[0]


def resolve_carryover_as_of(filters: Filters) -> date:
    """The filter's as-of date; by default the latest data date, carry-over payments included."""
    if filters.as_of:
        return filters.as_of
    return latest_data_date(filters.fiscal_year) or resolve_as_of(filters)


def project_state(filters: Filters) -> pd.DataFrame:
    """One row per selected project as of the filter's date (money columns as float baht)."""
    as_of = resolve_as_of(filters)
    cte, params = state_cte(filters, as_of)
    with read_only() as con:
        return con.execute(f"{cte} SELECT * FROM state3 ORDER BY project_code", params).df()
