"""Independent recounts for "same day last year", in plain SQL over the raw tables and hand
arithmetic on data/reference/targets.csv (shared by the read-side and browser tests)."""

from __future__ import annotations

import calendar
import csv
from datetime import date
from pathlib import Path

import duckdb

TARGETS_CSV = Path(__file__).resolve().parents[1] / "data" / "reference" / "targets.csv"


def same_day_a_year_before(day: date) -> date:
    """One calendar year earlier; 29 Feb -> 28 Feb."""
    if (day.month, day.day) == (2, 29):
        return date(day.year - 1, 2, 28)
    return date(day.year - 1, day.month, day.day)


def hand_target(fiscal_year: int, scope: str, day: date) -> float | None:
    """The cabinet target on a day by hand: quarter ends from targets.csv, equal monthly steps
    inside a quarter, linear by day inside a month (DOMAIN.md); None when the year has no rows
    (investment falls back to overall)."""
    with open(TARGETS_CSV, encoding="utf-8") as handle:
        rows = [row for row in csv.DictReader(handle) if int(row["fiscal_year"]) == fiscal_year]
    ends = {int(r["quarter"]): float(r["target_pct"]) for r in rows if r["scope"] == scope}
    if len(ends) != 4:
        ends = {int(r["quarter"]): float(r["target_pct"]) for r in rows if r["scope"] == "overall"}
    if len(ends) != 4:
        return None
    start = date(fiscal_year - 544, 10, 1)
    if day >= date(fiscal_year - 543, 9, 30):
        return ends[4]
    month = (day.year - start.year) * 12 + day.month - start.month  # 0 = October
    quarter, step = divmod(month, 3)
    low = ends[quarter] if quarter else 0.0
    high = ends[quarter + 1]
    before = low + step * (high - low) / 3
    after = low + (step + 1) * (high - low) / 3
    return before + (after - before) * day.day / calendar.monthrange(day.year, day.month)[1]


def sql_rates(
    db, fiscal_year: int, as_of: date, group: str | None = None, budget_type: str | None = None
) -> dict[str | None, dict[str, float | None]]:
    """{area code (None for the whole selection): {'overall': %, 'investment': %}} of the year's
    projects as of a date: current allocation = allocated + reallocations in - out approved by the
    date; disbursed = 'current' payments posted by the date. group: None (every project),
    'province' (province-plan projects by province). budget_type narrows to one type (its rate
    is then under 'overall')."""
    key = "NULL" if group is None else "p.owner"
    where = "p.fiscal_year = $fy" + (" AND p.owner_type = 'province'" if group == "province" else "")
    if budget_type:
        where += " AND p.budget_type = $bt"
    con = duckdb.connect(str(db), read_only=True)
    try:
        rows = con.execute(
            f"""WITH per_project AS (
                   SELECT {key} AS area, p.budget_type = 'investment' AS inv,
                          p.allocated_amount
                          + coalesce((SELECT sum(amount) FROM reallocations r
                                      WHERE r.to_project_code = p.project_code AND r.approved_date <= $d), 0)
                          - coalesce((SELECT sum(amount) FROM reallocations r
                                      WHERE r.from_project_code = p.project_code AND r.approved_date <= $d), 0)
                              AS cur,
                          coalesce((SELECT sum(amount) FROM disbursements x WHERE x.project_code = p.project_code
                                    AND x.source = 'current' AND x.posting_date <= $d), 0) AS paid
                   FROM projects p WHERE {where})
               SELECT area, sum(cur), sum(paid), sum(cur) FILTER (WHERE inv), sum(paid) FILTER (WHERE inv)
               FROM per_project GROUP BY area""",
            {"fy": fiscal_year, "d": as_of, **({"bt": budget_type} if budget_type else {})},
        ).fetchall()
    finally:
        con.close()
    return {
        area: {
            "overall": float(paid / cur * 100) if cur and cur > 0 else None,
            "investment": float(inv_paid / inv_cur * 100) if inv_cur and inv_cur > 0 else None,
        }
        for area, cur, paid, inv_cur, inv_paid in rows
    }


def sql_latest_current_payment(db, fiscal_year: int) -> date:
    """The latest posting date of the year's current-year payments (the dashboard's 'latest')."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(
            """SELECT max(d.posting_date) FROM disbursements d JOIN projects p USING (project_code)
               WHERE p.fiscal_year = ? AND d.source = 'current'""",
            [fiscal_year],
        ).fetchone()[0]
    finally:
        con.close()
