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


def poisson_cdf(observed: int, expected: float) -> float:
    """P(X <= observed), X ~ Poisson(expected), by the series."""
    return sum(math.exp(-expected) * expected**k / math.factorial(k) for k in range(int(observed) + 1))


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

    For each recent window of n weeks, n from pace_break_recent_weeks to pace_break_longest_weeks, with the
    pace_break_earlier_weeks before it as the area's own record: the area needs at least
    pace_break_min_remaining_points still projected, at least pace_break_min_payments paying project-weeks in
    the earlier weeks; its recent weekly baht below pace_break_ratio_pct % of its earlier weekly baht times
    the nation's (recent / earlier) and of the needed pace; fewer paying projects than in any n-week stretch
    of its earlier weeks; and that few would come less than pace_break_chance_pct % of the time at its
    earlier rate (times the nation's change in paying projects). Since: counted back from the latest week,
    the weeks below ratio x the pace expected from the weeks before the longest flagged window."""
    share = limits["pace_break_ratio_pct"] / 100
    earlier = int(limits["pace_break_earlier_weeks"])
    flagged_windows = []
    expected_by_window = {}
    for n in range(int(limits["pace_break_recent_weeks"]), int(limits["pace_break_longest_weeks"]) + 1):
        before = slice(n, n + earlier)

        def change(series: list[float], n: int = n, before: slice = before) -> float:
            old = sum(series[before]) / earlier
            return (sum(series[:n]) / n) / old if old > 0 else 1.0

        recent = sum(amounts[:n]) / n
        expected = max(sum(amounts[before]) / earlier, 0.0) * change(national)
        expected_by_window[n] = expected
        earlier_count = sum(paying[before])
        recent_count = sum(paying[:n])
        expected_count = earlier_count / earlier * n * change(national_paying)
        stretches = [sum(paying[start : start + n]) for start in range(n, n + earlier - n + 1)]
        bar = min(expected, max(needed, 0.0))
        if (
            remaining_points >= limits["pace_break_min_remaining_points"]
            and earlier_count >= limits["pace_break_min_payments"]
            and bar > 0
            and recent < share * expected
            and recent < share * needed
            and poisson_cdf(recent_count, expected_count) < limits["pace_break_chance_pct"] / 100
            and recent_count < min(stretches)
        ):
            flagged_windows.append(n)
    if not flagged_windows:
        return None
    expected = expected_by_window[max(flagged_windows)]
    low_weeks = 0
    for week in range(int(limits["pace_break_longest_weeks"])):
        if amounts[week] < share * expected:
            low_weeks += 1
        else:
            break
    return as_of - timedelta(days=7 * max(low_weeks, 1) - 1)
