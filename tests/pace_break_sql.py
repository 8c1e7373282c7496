"""The pace-break rule recomputed from plain SQL (test helper), written from docs/projection.md's
description, apart from budget_metrics.pace_break.

`weekly_by_sql` sums each area's payments in the seven-day weeks ending on a date straight from the
disbursements table; `flags_by_hand` applies the documented rule with plain Python loops.
"""

from __future__ import annotations

import math
from datetime import date, timedelta

import duckdb

WEEKS = 18


def weekly_by_sql(
    db, as_of: date, level: str
) -> tuple[dict[str, list[float]], dict[str, list[int]], list[float], list[int]]:
    """Per area code: baht paid in each week ending on as_of (index 0 = the 7 days to as_of), the number of
    projects with a positive payment document in each week; and the same two for the whole country.
    Current-year payments of FY2562 projects only; a province counts its own plan's projects, a cluster
    its own and its member provinces'."""
    area = (
        "CASE WHEN p.owner_type = 'province' THEN p.owner END"
        if level == "province"
        else "CASE WHEN p.owner_type = 'cluster' THEN p.owner ELSE pv.cluster_code END"
    )
    con = duckdb.connect(str(db), read_only=True)
    try:
        rows = con.execute(
            f"""SELECT {area} AS area, (datediff('day', d.posting_date, ?::DATE) // 7)::INTEGER AS week,
                       sum(d.amount)::DOUBLE, count(DISTINCT d.project_code) FILTER (WHERE d.amount > 0)
                FROM disbursements d JOIN projects p USING (project_code)
                LEFT JOIN provinces pv ON p.owner_type = 'province' AND pv.province_code = p.owner
                WHERE p.fiscal_year = 2562 AND d.source = 'current' AND d.posting_date <= ?
                  AND d.posting_date > ?::DATE - INTERVAL {7 * WEEKS} DAY
                GROUP BY ALL""",
            [as_of, as_of, as_of],
        ).fetchall()
    finally:
        con.close()
    amounts: dict[str, list[float]] = {}
    paying: dict[str, list[int]] = {}
    national, national_paying = [0.0] * WEEKS, [0] * WEEKS
    for code, week, amount, projects in rows:
        national[week] += amount
        national_paying[week] += projects
        if code is None:
            continue
        amounts.setdefault(code, [0.0] * WEEKS)[week] += amount
        paying.setdefault(code, [0] * WEEKS)[week] += projects
    return amounts, paying, national, national_paying


def flags_by_hand(
    amounts: list[float],
    paying: list[int],
    national: list[float],
    national_paying: list[int],
    needed: float,
    remaining_points: float,
    as_of: date,
    limits: dict[str, float],
) -> date | None:
    """The day an area's pace fell when the rule flags it, else None (thresholds as in thresholds.toml).

    With n = pace_break_evidence_weeks recent weeks and the pace_break_earlier_weeks before them as the area's
    own record: the expected paying projects of recent week t are the area's earlier mean times the nation's
    paying projects in week t over the nation's earlier mean. Going from the oldest recent week to the latest,
    the evidence S becomes max(0, S + x ln(s) + (1 - s) expected), s = pace_break_broken_share_pct / 100, and
    the weeks it has built up over count up while S > 0 (back to 0 when S is 0). Flagged when S reaches
    pace_break_evidence over at least pace_break_min_weeks weeks, the earlier weeks hold at least
    pace_break_min_payments paying projects, at least pace_break_min_remaining_points are still projected, and
    over the weeks of the evidence the area's mean weekly baht is below pace_break_ratio_pct % of both the
    needed pace and its earlier weekly baht times the nation's mean weekly baht over those weeks / its
    earlier mean. Since: the first day of the oldest of those weeks."""
    n = int(limits["pace_break_evidence_weeks"])
    earlier = int(limits["pace_break_earlier_weeks"])
    share = limits["pace_break_broken_share_pct"] / 100
    area_rate = sum(paying[n : n + earlier]) / earlier
    nation_rate = sum(national_paying[n : n + earlier]) / earlier
    evidence, weeks = 0.0, 0
    for week in reversed(range(n)):
        expected = area_rate * (national_paying[week] / nation_rate if nation_rate > 0 else 1.0)
        evidence = max(0.0, evidence + paying[week] * math.log(share) + (1 - share) * expected)
        weeks = weeks + 1 if evidence > 0 else 0
    if weeks < limits["pace_break_min_weeks"] or evidence < limits["pace_break_evidence"]:
        return None
    nation_before = sum(national[n : n + earlier]) / earlier
    change = (sum(national[:weeks]) / weeks) / nation_before if nation_before > 0 else 1.0
    expected_pace = max(sum(amounts[n : n + earlier]) / earlier, 0.0) * change
    recent = sum(amounts[:weeks]) / weeks
    ratio = limits["pace_break_ratio_pct"] / 100
    if (
        remaining_points >= limits["pace_break_min_remaining_points"]
        and sum(paying[n : n + earlier]) >= limits["pace_break_min_payments"]
        and min(expected_pace, max(needed, 0.0)) > 0
        and recent < ratio * expected_pace
        and recent < ratio * needed
    ):
        return as_of - timedelta(days=7 * weeks - 1)
    return None
