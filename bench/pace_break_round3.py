"""Round 3's pace-break rule (a copy of budget_metrics/pace_break.py at 8f0e864), kept for the round-4 study
(bench/projection_round4_study.py) and the round-3 study to score it against the detector that replaced it.

Pace-break warning: an area whose recent weekly pace has fallen far below its own earlier pace and
below what its projection needs ("pace has fallen since DATE" / "อัตราการเบิกจ่ายลดลงตั้งแต่ DATE").

Why it is built this way (docs/projection.md, "Pace-break warning"):
- The projection reads an area's pace from the whole year so far; a flood or a stalled procurement in
  June changes the pace from one week to the next, and the projection would only follow slowly. The
  warning compares the last few weeks with the area's own earlier weeks, so a break shows within weeks.
- Payments are lumpy (a contract pays in a few instalments), and the whole country's pace moves with
  the calendar (quarter ends, month ends, holidays, the September rush): the area's earlier pace is
  carried forward by the nation's own change between the same weeks. Baht alone swing too much from
  week to week, so the warning also counts payment documents: the recent count must be one that the
  area's earlier rate (carried forward the same way) would give less often than 1 time in 100 (a Poisson
  tail), and the earlier window must hold enough payments to judge at all. Ordinary lulls of a small
  province do not raise it; the price is that an area paying once a week or less cannot be judged
  within three weeks.
- It also needs the recent pace to fall short of the pace the area's own projection assumes: an area
  that has simply finished its work slows down without being in trouble.
- Thresholds are team decisions, kept in data/reference/thresholds.toml (names below); the backtest in
  bench/backtest_projection.py measures how soon the flag rises after a break and how often without one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

# Weeks of payments the projection keeps per project (the windows below must fit in them: the default
# longest recent window and the earlier window take all 16).
WEEKS_KEPT = 16
# Threshold names in data/reference/thresholds.toml, with the defaults used when a database predates them.
DEFAULTS = {
    "pace_break_recent_weeks": 2.0,
    "pace_break_longest_weeks": 6.0,
    "pace_break_earlier_weeks": 10.0,
    "pace_break_ratio_pct": 50.0,
    "pace_break_min_payments": 8.0,
    "pace_break_chance_pct": 1.0,
    "pace_break_min_remaining_points": 10.0,
}


@dataclass(frozen=True)
class PaceLimits:
    """The warning's thresholds: the recent window, shortest and longest (weeks), the earlier window
    (weeks), the ratio (percent 0-100) the recent pace must fall below, the fewest payments the earlier
    window needs for a judgement, and how unlikely (percent 0-100) the recent number of payments must be
    at the earlier rate."""

    recent_weeks: int
    longest_weeks: int
    earlier_weeks: int
    ratio_pct: float
    min_payments: int
    chance_pct: float
    min_remaining_points: float = 0.0

    @classmethod
    def from_thresholds(cls, thresholds: dict[str, float]) -> PaceLimits:
        value = {name: thresholds.get(name, default) for name, default in DEFAULTS.items()}
        recent = int(min(max(value["pace_break_recent_weeks"], 1), WEEKS_KEPT - 1))
        earlier = int(min(max(value["pace_break_earlier_weeks"], 1), WEEKS_KEPT - recent))
        longest = int(min(max(value["pace_break_longest_weeks"], recent), WEEKS_KEPT - earlier))
        return cls(
            recent,
            longest,
            earlier,
            float(value["pace_break_ratio_pct"]),
            int(value["pace_break_min_payments"]),
            float(value["pace_break_chance_pct"]),
            float(value["pace_break_min_remaining_points"]),
        )


@dataclass(frozen=True)
class PaceBreaks:
    """Per area: flagged or not, since when (None when not flagged), the paces behind it (baht per
    week): recent, expected from the earlier weeks (carried by the nation's change), needed by the
    projection; ratio = recent / the smaller of expected and needed (NaN without a judgement); the
    recent and the expected number of payments, and the chance 0-1 of so few at the expected rate."""

    flag: np.ndarray
    since: list[date | None]
    recent_weekly: np.ndarray
    expected_weekly: np.ndarray
    needed_weekly: np.ndarray
    ratio: np.ndarray
    recent_payments: np.ndarray
    expected_payments: np.ndarray
    chance: np.ndarray


def week_starts(as_of: date, weeks: int) -> list[date]:
    """The first day of each of the `weeks` seven-day weeks ending on the as-of date (most recent first)."""
    return [as_of - timedelta(days=7 * (week + 1) - 1) for week in range(weeks)]


def poisson_tail(observed: np.ndarray, expected: np.ndarray) -> np.ndarray:
    """P(X <= observed) for X ~ Poisson(expected), elementwise (observed whole numbers >= 0)."""
    observed = np.asarray(observed, dtype=np.int64)
    expected = np.asarray(expected, dtype=float)
    term = np.exp(-expected)
    total = np.zeros(expected.shape)
    for count in range(int(observed.max(initial=0)) + 1):
        total += np.where(count <= observed, term, 0.0)
        term = term * expected / (count + 1)
    return np.minimum(total, 1.0)


def pace_breaks(
    weekly: np.ndarray,
    payments: np.ndarray,
    national: np.ndarray,
    national_payments: np.ndarray,
    needed_weekly: np.ndarray,
    remaining_points: np.ndarray,
    as_of: date,
    limits: PaceLimits,
) -> PaceBreaks:
    """Flag the areas whose pace broke. weekly, payments: (areas, weeks) baht paid and number of positive
    payments in each seven-day week ending on the as-of date (column 0 the most recent); national,
    national_payments: (weeks,) the same for the whole country; needed_weekly: (areas,) the pace the
    area's projection assumes from the as-of date (baht per week); remaining_points: (areas,) what the
    projection still expects to be paid by 30 Sep, in points of the allocation.

    For each recent window from `recent_weeks` to `longest_weeks` weeks (so a break stays flagged while
    it lasts), compared with the `earlier_weeks` before it, an area is flagged when the earlier window
    holds at least `min_payments` payments; the recent pace is below `ratio_pct` percent of both the
    expected pace (earlier pace x the nation's recent / earlier pace) and the needed pace; and so few
    recent payments would come less than `chance_pct` percent of the time at the earlier rate of payments
    (x the nation's change in payments). The figures returned are the shortest flagged window's (the
    shortest window's when none is). Since: the first day of the run of weeks, counted back from the
    as-of date, whose payments stayed below `ratio_pct` of the pace expected from the weeks before the
    longest flagged window (the pace before the break, as far back as the warning looks).
    """
    share = limits.ratio_pct / 100
    earlier = limits.earlier_weeks
    areas = weekly.shape[0]
    flag = np.zeros(areas, dtype=bool)
    chosen = np.full(areas, limits.recent_weeks)
    longest = np.full(areas, limits.recent_weeks)
    figures: dict[int, tuple] = {}
    for recent in range(limits.recent_weeks, limits.longest_weeks + 1):

        def change(values: np.ndarray, recent: int = recent) -> float:
            before = values[recent : recent + earlier].sum() / earlier
            return float(values[:recent].sum() / recent / before) if before > 0 else 1.0

        recent_weekly = weekly[:, :recent].sum(axis=1) / recent
        expected = np.maximum(weekly[:, recent : recent + earlier].sum(axis=1) / earlier, 0.0) * change(national)
        earlier_count = payments[:, recent : recent + earlier].sum(axis=1)
        recent_count = payments[:, :recent].sum(axis=1)
        expected_count = earlier_count / earlier * recent * change(national_payments)
        chance = poisson_tail(recent_count, expected_count)
        bar = np.minimum(expected, np.maximum(needed_weekly, 0.0))
        judged = (earlier_count >= limits.min_payments) & (bar > 0) & (remaining_points >= limits.min_remaining_points)
        ratio = np.where(judged, recent_weekly / np.where(bar > 0, bar, 1.0), np.nan)
        # ... and lower than in any stretch of the same length in the earlier window (a lull the area has
        # been through lately is its ordinary rhythm, not a break).
        stretches = np.stack(
            [payments[:, start : start + recent].sum(axis=1) for start in range(recent, recent + earlier - recent + 1)],
            axis=1,
        )
        lowest = stretches.min(axis=1)
        broken = (
            judged
            & (recent_weekly < share * expected)
            & (recent_weekly < share * needed_weekly)
            & (chance < limits.chance_pct / 100)
            & (recent_count < lowest)
        )
        chosen = np.where(broken & ~flag, recent, chosen)
        longest = np.where(broken, recent, longest)
        flag |= broken
        figures[recent] = (recent_weekly, expected, ratio, recent_count, expected_count, chance)

    def pick(position: int, windows: np.ndarray = chosen) -> np.ndarray:
        return np.array([figures[weeks][position][row] for row, weeks in enumerate(windows)], dtype=float)

    before_break = pick(1, longest)
    starts = week_starts(as_of, weekly.shape[1])
    since: list[date | None] = []
    for row, flagged in enumerate(flag):
        if not flagged:
            since.append(None)
            continue
        low = weekly[row, : limits.longest_weeks] < share * before_break[row]
        run = int(np.argmin(low)) if not low.all() else len(low)  # consecutive low weeks from the latest
        since.append(starts[max(run, 1) - 1])
    return PaceBreaks(flag, since, pick(0), pick(1), needed_weekly, pick(2), pick(3), pick(4), pick(5))
