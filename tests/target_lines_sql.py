"""Independent recounts of the two reported target lines, in plain SQL over the raw tables
and hand arithmetic (shared by the read-side, dashboard and export tests)."""

from __future__ import annotations

import tomllib
from datetime import date
from pathlib import Path

import duckdb

# FY2562 targets on 31 May 2019 by hand from the quarter-end targets (DOMAIN.md): two monthly
# steps of Q3 (Q2 end 54 -> Q3 end 77 overall, 45 -> 65 investment).
OVERALL_31_MAY = 54 + 2 * (77 - 54) / 3  # 69.33
INVESTMENT_31_MAY = 45 + 2 * (65 - 45) / 3  # 58.33

REFERENCE = Path(__file__).resolve().parents[1] / "data" / "reference"


def _limits() -> tuple[float, float]:
    """watch / behind gap points straight from thresholds.toml (not through the database)."""
    with open(REFERENCE / "thresholds.toml", "rb") as handle:
        entries = tomllib.load(handle)
    return entries["watch_gap_points"]["value"], entries["behind_gap_points"]["value"]


def _status(gap: float | None) -> str:
    """On target only at or above it; near target within `watch` points below; watch; behind."""
    watch, behind = _limits()
    if gap is None:
        return "no_data"
    if gap >= 0:
        return "on_track"
    return "near_target" if gap >= -watch else "watch" if gap >= -behind else "behind"


def sql_province_lines(db, as_of: date) -> dict[str, dict[str, float | None]]:
    """province_code -> {overall_pct, investment_pct} from the raw tables: current allocation =
    allocated + reallocations in - out approved by the date; disbursed = 'current' payments
    posted by the date; province-plan projects only."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        rows = con.execute(
            """WITH per_project AS (
                   SELECT p.owner, p.budget_type = 'investment' AS inv,
                          p.allocated_amount
                          + coalesce((SELECT sum(amount) FROM reallocations r
                                      WHERE r.to_project_code = p.project_code AND r.approved_date <= $d), 0)
                          - coalesce((SELECT sum(amount) FROM reallocations r
                                      WHERE r.from_project_code = p.project_code AND r.approved_date <= $d), 0)
                              AS cur,
                          coalesce((SELECT sum(amount) FROM disbursements x WHERE x.project_code = p.project_code
                                    AND x.source = 'current' AND x.posting_date <= $d), 0) AS paid
                   FROM projects p WHERE p.fiscal_year = 2562 AND p.owner_type = 'province')
               SELECT owner, sum(cur), sum(paid), sum(cur) FILTER (WHERE inv), sum(paid) FILTER (WHERE inv)
               FROM per_project GROUP BY owner""",
            {"d": as_of},
        ).fetchall()
    finally:
        con.close()
    out = {}
    for owner, cur, paid, inv_cur, inv_paid in rows:
        out[owner] = {
            "overall_pct": float(paid / cur * 100) if cur and cur > 0 else None,
            "investment_pct": float(inv_paid / inv_cur * 100) if inv_cur and inv_cur > 0 else None,
        }
    return out


def sql_status_counts(db, as_of: date, line: str, target: float) -> dict[str, int]:
    counts = {"behind": 0, "watch": 0, "near_target": 0, "on_track": 0, "no_data": 0}
    for figures in sql_province_lines(db, as_of).values():
        pct = figures[f"{line}_pct"]
        counts[_status(None if pct is None else pct - target)] += 1
    return counts
