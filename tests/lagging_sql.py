"""The lagging rules recounted by hand in plain SQL over a DuckDB file (test helper), apart from
budget_metrics.lagging: the projects lagging on the demo's latest data date, with their figures. Used by
the tests of the downloads, the served files, the browser's lists and forms, and the store's outages."""

from __future__ import annotations

import tomllib
from datetime import date
from decimal import Decimal
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parents[1]
AS_OF = date(2019, 9, 30)  # the demo's latest data date: what the lagging page shows when opened
THRESHOLDS = tomllib.loads((ROOT / "data/reference/thresholds.toml").read_text(encoding="utf-8"))
LIMIT = {name: entry["value"] for name, entry in THRESHOLDS.items()}

# The lagging rules written out by hand (DOMAIN.md, docs/metrics.md), on 30 Sep 2019: the
# cumulative targets are the Q4 ones, 100% overall and 88% for investment.
LAGGING_SQL = """
WITH alloc AS (
  SELECT p.project_code, p.budget_type, p.contract_date, p.planned_start, p.planned_end, p.contract_amount,
         p.allocated_amount
         + coalesce((SELECT sum(amount) FROM reallocations r WHERE r.to_project_code = p.project_code
                     AND r.approved_date <= $d), 0)
         - coalesce((SELECT sum(amount) FROM reallocations r WHERE r.from_project_code = p.project_code
                     AND r.approved_date <= $d), 0) AS cur,
         coalesce((SELECT sum(amount) FROM disbursements x WHERE x.project_code = p.project_code
                   AND x.source = 'current' AND x.posting_date <= $d), 0) AS paid,
         (SELECT max(posting_date) FROM disbursements x WHERE x.project_code = p.project_code
                   AND x.amount > 0 AND x.posting_date <= $d) AS last_paid
  FROM projects p WHERE p.fiscal_year = 2562 AND {where}),
due AS (
  SELECT *, paid < $fully_paid * (CASE WHEN contract_amount IS NOT NULL
                                            AND (contract_date IS NULL OR contract_date <= $d)
                                  THEN least(contract_amount, cur) ELSE cur END) - 0.005 AS unpaid
  FROM alloc)
SELECT project_code, cur, paid, last_paid FROM due
WHERE unpaid  -- issue 15: a fully paid project (the rest is savings) is on no list
  AND ((cur > 0 AND 100.0 * paid / cur < (CASE WHEN budget_type = 'investment' THEN 88 ELSE 100 END) - $behind)
   OR (budget_type = 'investment' AND cur > 0 AND (contract_date IS NULL OR contract_date > DATE '2019-03-31'))
   OR planned_end < $d
   OR $d - coalesce(last_paid, CASE WHEN contract_date <= $d THEN contract_date END, planned_start,
                    DATE '2018-10-01') >= $idle_days)
"""


def sql_lagging(db: Path, province: str | None) -> dict[str, tuple[Decimal, Decimal, Decimal, date | None]]:
    """code -> (current allocation, paid, money at risk, last payment) of every lagging project."""
    where, params = ("p.owner_type = 'province' AND p.owner = $o", {"o": province}) if province else ("TRUE", {})
    con = duckdb.connect(str(db), read_only=True)
    try:
        rows = con.execute(
            LAGGING_SQL.format(where=where),
            {
                "d": AS_OF,
                "behind": LIMIT["behind_target_points"],
                "fully_paid": LIMIT["fully_paid_pct"] / 100,
                "idle_days": int(LIMIT["idle_weeks"] * 7),
                **params,
            },
        ).fetchall()
    finally:
        con.close()
    return {
        code: (Decimal(cur), Decimal(paid), max(Decimal(cur) - Decimal(paid), Decimal(0)), last)
        for code, cur, paid, last in rows
    }
