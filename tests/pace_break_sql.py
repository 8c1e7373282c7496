"""The pace-break rule recomputed from plain SQL (test helper), written from docs/projection.md's
description, apart from budget_metrics.pace_break.

`weekly_by_sql` sums each area's payments in the seven-day weeks ending on a date straight from the
disbursements table; `model_payers_by_hand` sums, per area and week, the chance the payment-timing model gave
each project of paying that week, from its plan and ceiling (the projection's project rows), the class hazards
(payment_timing's, tested on their own) and its payments by plain SQL; `flags_by_hand` applies the documented
rule with plain Python loops.
"""

from __future__ import annotations

import math
from datetime import date, timedelta

import duckdb

WEEKS = 18
# the demo's Friday the pace-break tests of the exports and the pages check (expected_flags below)
AS_OF = date(2019, 8, 16)  # 30 Aug until round 3, 23 Aug until round 4 (its detector flags no demo province then)


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
    model: list[float] | None = None,
    national_model: list[float] | None = None,
) -> date | None:
    """The day an area's pace fell when the rule flags it, else None (thresholds as in thresholds.toml).

    With n = pace_break_evidence_weeks recent weeks and the pace_break_earlier_weeks before them as the area's
    own record: the expected paying projects of recent week t are the area's earlier mean times the nation's
    paying projects in week t over the nation's earlier mean. Going from the oldest recent week to the latest,
    the evidence S becomes max(0, S + x ln(s) + (1 - s) expected), s = pace_break_broken_share_pct / 100, and
    the weeks it has built up over count up while S > 0 (back to 0 when S is 0). Flagged when S reaches
    pace_break_evidence over at least pace_break_min_weeks weeks (or pace_break_one_week_evidence over any
    number of weeks, round 10), the earlier weeks hold at least
    pace_break_min_payments paying projects, at least pace_break_min_remaining_points are still projected, and
    over the weeks of the evidence the area's mean weekly baht is below pace_break_ratio_pct % of both the
    needed pace and its earlier weekly baht times the nation's mean weekly baht over those weeks / its
    earlier mean. Since: the first day of the oldest of those weeks.

    With `model` and `national_model` (the area's and the nation's model-expected payers per week; round 8),
    the expected paying projects of recent week t are instead model[t] x national_paying[t] / national_model[t]
    (0 when the nation expected none) x (the area's earlier paying projects + pace_break_own_prior_payments) /
    (the same product summed over the earlier weeks + pace_break_own_prior_payments)."""
    n = int(limits["pace_break_evidence_weeks"])
    earlier = int(limits["pace_break_earlier_weeks"])
    share = limits["pace_break_broken_share_pct"] / 100
    area_rate = sum(paying[n : n + earlier]) / earlier
    nation_rate = sum(national_paying[n : n + earlier]) / earlier
    if model is not None and national_model is not None:
        carried = [
            model[week] * national_paying[week] / national_model[week] if national_model[week] > 0 else 0.0
            for week in range(n + earlier)
        ]
        prior = limits["pace_break_own_prior_payments"]
        own = (sum(paying[n : n + earlier]) + prior) / (sum(carried[n : n + earlier]) + prior)
    evidence, weeks = 0.0, 0
    for week in reversed(range(n)):
        if model is not None and national_model is not None:
            expected = carried[week] * own
        else:
            expected = area_rate * (national_paying[week] / nation_rate if nation_rate > 0 else 1.0)
        evidence = max(0.0, evidence + paying[week] * math.log(share) + (1 - share) * expected)
        weeks = weeks + 1 if evidence > 0 else 0
    # Round 10: evidence reaching pace_break_one_week_evidence is enough however few weeks it built up over.
    one_week = limits.get("pace_break_one_week_evidence", math.inf)
    if (weeks < limits["pace_break_min_weeks"] or evidence < limits["pace_break_evidence"]) and evidence < one_week:
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


def _development(day: float, start: float, end: float) -> float:
    """docs/projection.md, "Payment timing": tenths of the plan's time inside it, 15-day steps after its end."""
    if day <= end:
        return min(max(10 * (day - start) / max(end - start, 1.0), 0.0), 10.0)
    return 10 + (day - end) / 15


def _log_survival(hazard: list[float], g: float) -> float:
    """The sum of ln(1 - h_k) over the steps up to g, the step g is in counted in part (the last step's hazard
    beyond the last step)."""
    total, step = 0.0, 0
    while step < len(hazard) and step + 1 <= g:
        total += math.log(1 - hazard[step])
        step += 1
    last = len(hazard) - 1
    return total + (g - step) * math.log(1 - hazard[min(step, last)])


def model_payers_by_hand(
    db, as_of: date, level: str, projects, hazards: dict[str, list[float]], fully_paid_share: float, weeks: int = 16
) -> tuple[dict[str, list[float]], list[float]]:
    """Per area code and for the nation: the sum over its signed investment contracts and its operating and
    other-budget projects of the chance the class's hazards give each of paying in each week ending on as_of
    (index 0 = the 7 days to as_of): 1 - exp(S(g at the week's end) - S(g at its start)), S the log survival,
    g the development of its plan (contract signing, else planned start, else 1 Oct; to its planned end, else
    30 Sep) — and 0 once it has paid fully_paid_share of its ceiling by the week's start, or without a ceiling.
    projects: the projection's project rows (plan dates and ceilings); hazards: 'contract' and 'operating'
    step hazards; payments by plain SQL."""
    start_of_year = date(2018, 10, 1)
    today = (as_of - start_of_year).days
    con = duckdb.connect(str(db), read_only=True)
    try:
        rows = con.execute(
            """SELECT project_code, (datediff('day', posting_date, ?::DATE) // 7)::INTEGER AS week, sum(amount)::DOUBLE
               FROM disbursements WHERE source = 'current' AND posting_date <= ? GROUP BY ALL""",
            [as_of, as_of],
        ).fetchall()
        clusters = dict(con.execute("SELECT province_code, cluster_code FROM provinces").fetchall())
    finally:
        con.close()
    paid_now: dict[str, float] = {}
    weekly: dict[str, list[float]] = {}
    for code, week, amount in rows:
        paid_now[code] = paid_now.get(code, 0.0) + amount
        if week < weeks:
            weekly.setdefault(code, [0.0] * weeks)[week] += amount

    def day_of(value, default: float) -> float:
        return default if value is None or value != value else float((value - start_of_year).days)

    by_area: dict[str, list[float]] = {}
    national = [0.0] * weeks
    for row in projects.itertuples(index=False):
        if row.budget_type == "investment" and not row.contract_signed:
            continue  # unsigned: no plan yet
        hazard = hazards["contract" if row.budget_type == "investment" else "operating"]
        signed = (
            row.budget_type == "investment" and row.contract_date is not None and row.contract_date == row.contract_date
        )
        start = day_of(row.contract_date if signed else row.planned_start, 0.0)
        end = max(day_of(row.planned_end, 364.0), start + 1)
        paid_before = paid_now.get(row.project_code, 0.0)
        chances = []
        for week in range(weeks):
            paid_before -= weekly.get(row.project_code, [0.0] * weeks)[week]
            if row.ceiling <= 0 or paid_before >= fully_paid_share * row.ceiling:
                chances.append(0.0)
                continue
            high, low = today - 7 * week, today - 7 * (week + 1)
            change = _log_survival(hazard, _development(high, start, end)) - _log_survival(
                hazard, _development(low, start, end)
            )
            chances.append(1 - math.exp(min(change, 0.0)))
        if level == "province":
            area = row.owner if row.owner_type == "province" else None
        else:
            area = row.owner if row.owner_type == "cluster" else clusters.get(row.owner)
        national = [a + b for a, b in zip(national, chances, strict=True)]
        if area is not None:
            by_area[area] = [a + b for a, b in zip(by_area.get(area, [0.0] * weeks), chances, strict=True)]
    return by_area, national


def flags_from_sql(db, as_of: date, level: str) -> dict[str, date]:
    """Area code -> the day its pace fell, for the areas the rule (round 8: with the model-expected payers)
    flags when recomputed by hand: weekly sums by plain SQL, model-expected payers by `model_payers_by_hand`
    with the class hazards the projection fits on the as-of date (caught on their way out of
    payment_timing.fit_hazards), the needed pace and what is still to be paid from the projection."""
    from budget_metrics import Filters, payment_timing
    from budget_metrics import projection as P

    con = duckdb.connect(str(db), read_only=True)
    try:
        limits = dict(con.execute("SELECT name, value FROM thresholds WHERE name LIKE 'pace_break_%'").fetchall())
        fully_paid = con.execute("SELECT value FROM thresholds WHERE name = 'fully_paid_pct'").fetchone()[0] / 100
    finally:
        con.close()
    fitted, original = [], payment_timing.fit_hazards

    def keep(ledger, positions, start, end, ceiling, today, paid=None, contracts=True):
        hazards = original(ledger, positions, start, end, ceiling, today, paid, contracts)
        fitted.append((today, paid is not None, list(hazards.hazard)))
        return hazards

    payment_timing.fit_hazards = keep
    P._cached_model.cache_clear()
    try:
        areas = P.area_projection(Filters(as_of=as_of), level)
    finally:
        payment_timing.fit_hazards = original
    today = (as_of - date(2018, 10, 1)).days
    contract, operating = [hazard for day, main, hazard in fitted if day == today and main][:2]
    projects = P.project_projection(Filters(as_of=as_of))
    model, national_model = model_payers_by_hand(
        db, as_of, level, projects, {"contract": contract, "operating": operating}, fully_paid
    )
    amounts, paying, national, national_paying = weekly_by_sql(db, as_of, level)
    flagged = {}
    for row in areas.itertuples(index=False):
        if row.code in amounts:
            since = flags_by_hand(
                amounts[row.code],
                paying[row.code],
                national,
                national_paying,
                row.pace_needed_weekly,
                row.projected_pct - row.pct_disbursed,
                as_of,
                limits,
                model.get(row.code, [0.0] * 16),
                national_model,
            )
            if since is not None:
                flagged[row.code] = since
    return flagged


def expected_flags(db, level: str) -> dict[str, date]:
    """Area code -> the day its pace fell, for the areas the rule flags (by hand from plain SQL; since round 8
    of issue 17 with the model-expected payers summed by hand too: tests/pace_break_sql.py)."""
    return flags_from_sql(db, AS_OF, level)
