"""Pace-break warning: an area whose recent weekly pace has fallen far below its own earlier pace and
below what its projection needs ("pace has fallen since DATE" / "อัตราการเบิกจ่ายลดลงตั้งแต่ DATE").

Why it is built this way (docs/projection.md, "Pace-break warning"):
- The projection reads an area's pace from the whole year so far; a flood or a stalled procurement in
  June changes the pace from one week to the next, and the projection would only follow slowly. The
  warning compares the last few weeks with the area's own earlier weeks, so a break shows within weeks.
- Payments are lumpy (a contract pays in a few instalments), and the whole country's pace moves with
  the calendar (quarter ends, month ends, holidays, the September rush): the area's earlier rate is
  carried into each recent week by the nation's own change in that week. Baht alone swing too much from
  week to week, so the evidence is the number of paying projects per week.
- Evidence is accumulated week by week (a Poisson CUSUM, the textbook detector of a fall in a rate): each
  recent week adds the log likelihood ratio of its paying projects under a broken rate (a share of the
  expected one) against the expected rate, the sum restarting from zero whenever it would go below it. A
  province paying two projects a week gives little evidence in any one week, but three empty weeks in a
  row add up; a week of ordinary payments wipes out a lull. Until round 4 (issue 17) a fixed window
  with a Poisson tail was used: it could not judge such provinces within three weeks.
- A silent week means little when the area's contracts are paid in full or its projects have not started,
  and much when its signed contracts had reached the steps where this year's contracts pay. Since round 8
  the expected paying projects of a week are what the payment-timing model expected of the area's
  projects that week (`expected_payers`, on the projection's class hazards), carried by the nation's
  calendar and scaled by the area's own earlier pace against the model; until then the area's earlier
  mean carried by the nation's change (still used when the model's expectations are not given).
- The evidence must have built up over at least two weeks (one empty week is the rhythm of many areas),
  unless a single week gives much more of it (round 10: an area that expected about six paying projects in
  a week and had none is rarely in a lull; breaks whose evidence stood in one week only, the weeks around it
  paying a little, were missed), and the recent baht must also be below a share of both the earlier pace and
  the pace the area's own projection needs: an area that has simply finished its work slows down without
  being in trouble (and an area that has little left to pay is not judged at all).
- Thresholds are team decisions, kept in data/reference/thresholds.toml (names below); the backtest in
  bench/backtest_projection.py measures how soon the flag rises after a break and how often without one.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

# Weeks of payments the projection keeps per project (the recent and the earlier windows must fit in them).
WEEKS_KEPT = 16
# Threshold names in data/reference/thresholds.toml, with the defaults used when a database predates them.
DEFAULTS = {
    "pace_break_evidence_weeks": 5.0,
    "pace_break_earlier_weeks": 10.0,
    "pace_break_broken_share_pct": 10.0,
    "pace_break_evidence": 3.0,
    "pace_break_min_weeks": 2.0,
    "pace_break_ratio_pct": 50.0,
    "pace_break_min_payments": 8.0,
    "pace_break_min_remaining_points": 10.0,
    "pace_break_own_prior_payments": 3.0,
    "pace_break_one_week_evidence": 5.0,
}


@dataclass(frozen=True)
class PaceLimits:
    """The warning's thresholds: the recent weeks the evidence is gathered over, the earlier weeks that
    give the area's own rate; the broken rate as a percent (0-100) of the expected one; the evidence (log
    likelihood ratio, natural log) that raises the flag and the fewest weeks it must have built up over;
    the ratio (percent 0-100) the recent baht pace must fall below; the fewest paying project-weeks the
    earlier weeks need for a judgement; the fewest points of the allocation still expected; and the paying
    project-weeks of prior that shrink the area's own pace (paid against what the payment-timing model
    expected of its projects in the earlier weeks) towards the nation's; and the evidence that raises the flag
    even when built up in a single week (round 10 of issue 17; infinite: never)."""

    recent_weeks: int
    earlier_weeks: int
    broken_share_pct: float
    evidence: float
    min_weeks: int
    ratio_pct: float
    min_payments: int
    min_remaining_points: float = 0.0
    own_prior_payments: float = 3.0
    one_week_evidence: float = math.inf

    @classmethod
    def from_thresholds(cls, thresholds: dict[str, float]) -> PaceLimits:
        value = {name: thresholds.get(name, default) for name, default in DEFAULTS.items()}
        recent = int(min(max(value["pace_break_evidence_weeks"], 1), WEEKS_KEPT - 1))
        earlier = int(min(max(value["pace_break_earlier_weeks"], 1), WEEKS_KEPT - recent))
        return cls(
            recent,
            earlier,
            float(min(max(value["pace_break_broken_share_pct"], 0.1), 99.9)),
            float(value["pace_break_evidence"]),
            int(min(max(value["pace_break_min_weeks"], 1), recent)),
            float(value["pace_break_ratio_pct"]),
            int(value["pace_break_min_payments"]),
            float(value["pace_break_min_remaining_points"]),
            float(max(value["pace_break_own_prior_payments"], 0.01)),
            float(value["pace_break_one_week_evidence"]),
        )


@dataclass(frozen=True)
class PaceBreaks:
    """Per area: flagged or not, since when (None when not flagged); the weeks the evidence has built up
    over (0 when it stands at zero) and the evidence itself (log likelihood ratio); over those weeks (the
    latest week when none): the paces (baht per week) recent, expected from the earlier weeks (carried by
    the nation's change) and needed by the projection, ratio = recent / the smaller of expected and
    needed (NaN without a judgement), and the recent and the expected number of paying projects."""

    flag: np.ndarray
    since: list[date | None]
    weeks: np.ndarray
    evidence: np.ndarray
    recent_weekly: np.ndarray
    expected_weekly: np.ndarray
    needed_weekly: np.ndarray
    ratio: np.ndarray
    recent_payments: np.ndarray
    expected_payments: np.ndarray


def week_starts(as_of: date, weeks: int) -> list[date]:
    """The first day of each of the `weeks` seven-day weeks ending on the as-of date (most recent first)."""
    return [as_of - timedelta(days=7 * (week + 1) - 1) for week in range(weeks)]


def pace_breaks(
    weekly: np.ndarray,
    payments: np.ndarray,
    national: np.ndarray,
    national_payments: np.ndarray,
    needed_weekly: np.ndarray,
    remaining_points: np.ndarray,
    as_of: date,
    limits: PaceLimits,
    model_payers: np.ndarray | None = None,
    national_model_payers: np.ndarray | None = None,
) -> PaceBreaks:
    """Flag the areas whose pace broke. weekly, payments: (areas, weeks) baht paid and number of paying
    projects in each seven-day week ending on the as-of date (column 0 the most recent); national,
    national_payments: (weeks,) the same for the whole country; needed_weekly: (areas,) the pace the
    area's projection assumes from the as-of date (baht per week); remaining_points: (areas,) what the
    projection still expects to be paid by 30 Sep, in points of the allocation.

    model_payers, national_model_payers: (areas, weeks) and (weeks,) the paying projects the payment-timing
    model expected in each week (sums of `expected_payers` over the area's and the nation's projects).

    Expected paying projects in recent week t (t < recent_weeks), with the model's expectations (round 8 of
    issue 17): the model's expected payers of the area in week t, times the nation's paying projects over the
    nation's model-expected ones that week (the calendar: month ends, holidays, the September rush; and how
    many projects pay against the model's share of value), times the area's own pace: its paying projects in
    the earlier_weeks over what the model so carried expected of them, both plus `own_prior_payments` (a few
    project-weeks of the nation's pace, so that an area with little history keeps near it). Without them
    (round 4): the area's mean over the earlier weeks times the nation's paying projects in week t over the
    nation's earlier mean.
    Each recent week, oldest first, adds x log(s) + (1 - s) expected (x the week's paying projects, s the
    broken share) to the evidence, which restarts at zero when it would go below. An area is flagged when
    the evidence reaches `evidence` after building up over at least `min_weeks` weeks, or reaches
    `one_week_evidence` however few weeks it built up over (round 10 of issue 17); the earlier weeks
    hold at least `min_payments` paying projects; the projection still expects `min_remaining_points`;
    and over the weeks of the evidence its baht pace is below `ratio_pct` percent of both the expected
    pace (earlier pace x the nation's change over those weeks) and the needed pace. Since: the first day
    of the weeks the evidence has built up over."""
    recent, earlier = limits.recent_weeks, limits.earlier_weeks
    share = limits.broken_share_pct / 100
    areas = weekly.shape[0]

    def carried(values: np.ndarray) -> np.ndarray:
        """The nation's value in each recent week over its earlier mean (1 where it paid nothing before)."""
        before = values[recent : recent + earlier].sum() / earlier
        return values[:recent] / before if before > 0 else np.ones(recent)

    earlier_count = payments[:, recent : recent + earlier].sum(axis=1)
    if model_payers is None or national_model_payers is None:
        expected_count = earlier_count[:, None] / earlier * carried(national_payments)[None, :]  # (areas, recent)
    else:
        expected_count = _model_expected(payments, model_payers, national_payments, national_model_payers, limits)
    step = payments[:, :recent] * math.log(share) + (1 - share) * expected_count
    evidence = np.zeros(areas)
    weeks = np.zeros(areas, dtype=int)
    for week in range(recent - 1, -1, -1):  # oldest first
        evidence = np.maximum(evidence + step[:, week], 0.0)
        weeks = np.where(evidence > 0, weeks + 1, 0)

    # Paces over the weeks of the evidence (the latest week when there is none).
    span = np.maximum(weeks, 1)
    inside = np.arange(recent)[None, :] < span[:, None]
    recent_weekly = (weekly[:, :recent] * inside).sum(axis=1) / span
    national_change = (carried(national)[None, :] * inside).sum(axis=1) / span
    expected_weekly = np.maximum(weekly[:, recent : recent + earlier].sum(axis=1) / earlier, 0.0) * national_change
    bar = np.minimum(expected_weekly, np.maximum(needed_weekly, 0.0))
    judged = (earlier_count >= limits.min_payments) & (bar > 0) & (remaining_points >= limits.min_remaining_points)
    ratio = np.where(judged, recent_weekly / np.where(bar > 0, bar, 1.0), np.nan)
    below = limits.ratio_pct / 100
    flag = (
        judged
        & (((evidence >= limits.evidence) & (weeks >= limits.min_weeks)) | (evidence >= limits.one_week_evidence))
        & (recent_weekly < below * expected_weekly)
        & (recent_weekly < below * needed_weekly)
    )
    starts = week_starts(as_of, recent)
    since = [starts[weeks[row] - 1] if flagged else None for row, flagged in enumerate(flag)]
    return PaceBreaks(
        flag,
        since,
        weeks,
        evidence,
        recent_weekly,
        expected_weekly,
        needed_weekly,
        ratio,
        (payments[:, :recent] * inside).sum(axis=1),
        (expected_count * inside).sum(axis=1),
    )


def _model_expected(
    payments: np.ndarray,
    model_payers: np.ndarray,
    national_payments: np.ndarray,
    national_model_payers: np.ndarray,
    limits: PaceLimits,
) -> np.ndarray:
    """(areas, recent weeks): the paying projects expected in each recent week from the model's expectations,
    carried by the nation's calendar and scaled by the area's own earlier pace (pace_breaks' docstring)."""
    recent, earlier = limits.recent_weeks, limits.earlier_weeks
    span = recent + earlier
    nation = np.asarray(national_model_payers[:span], dtype=float)
    calendar = np.divide(national_payments[:span], nation, out=np.zeros(span), where=nation > 0)
    carried = model_payers[:, :span] * calendar[None, :]
    prior = limits.own_prior_payments
    own = (payments[:, recent:span].sum(axis=1) + prior) / (carried[:, recent:span].sum(axis=1) + prior)
    return own[:, None] * carried[:, :recent]


def expected_payers(
    paid_now: np.ndarray,
    weekly: np.ndarray,
    start: np.ndarray,
    end: np.ndarray,
    ceiling: np.ndarray,
    hazard: np.ndarray,
    today: int,
    fully_paid_share: float,
) -> np.ndarray:
    """(projects, weeks): the chance the payment-timing model gives each project of paying in each seven-day
    week ending on day `today` (column 0 the most recent, as many weeks as `weekly` has): the share of its
    balance still unpaid at the week's start that its class's step hazards expect paid within the week, as it
    moves along its plan that week — 0 before its plan starts, once it has paid `fully_paid_share` of its
    ceiling, or without a ceiling. paid_now: baht paid by each project up to `today`; weekly: baht paid in
    each week (what it had paid at a week's start follows); start, end: plan start and end (day numbers of
    the fiscal year, as `today`); ceiling: baht; hazard: budget_metrics.payment_timing step hazards.

    Why: a signed contract whose plan has reached the steps where this year's contracts pay, and that has
    paid nothing, was due; an area whose projects have paid or have not reached such steps was not. The
    area's own earlier weeks alone cannot tell the two apart."""
    from budget_metrics import payment_timing as timing

    weeks = weekly.shape[1]
    edges = today - 7 * np.arange(weeks + 1, dtype=float)  # edge k ends week k; week k starts after edge k + 1
    developed = timing.development(edges[None, :], start[:, None], end[:, None])  # (projects, weeks + 1)
    survival = timing.log_survival(hazard, developed)
    chance = -np.expm1(np.minimum(survival[:, :-1] - survival[:, 1:], 0.0))
    paid_before = paid_now[:, None] - np.cumsum(weekly, axis=1)  # paid by each week's start
    still_open = (paid_before < fully_paid_share * ceiling[:, None]) & (ceiling[:, None] > 0)
    return np.where(still_open, chance, 0.0)
