"""How fast this year's plans are paid, by where a project stands in its own plan (the projection's engine).

Why it is built this way (docs/projection.md, "Payment timing"):
- A contract is paid in instalments after its milestones, and the last one after the final
  acceptance, often weeks after the planned end. Whether a balance is paid by 30 Sep
  therefore depends on where the project will stand in its plan on 30 Sep — how much of the
  plan's time will have passed, or how many days after its end it will be. The projection
  used to measure one completion rate on plans that had ended in the last quarter; contracts
  ending in August and September were then treated like those that had ended (and caught up)
  months ago, which made late years too optimistic.
- So each project's plan is a *development* axis g: g = 0..10 is the tenth of the plan's time
  elapsed (contract signing, or the planned start, to the planned end), and g = 10..10+POST_STEPS
  counts POST_STEP_DAYS-day steps after the planned end. For every step k the *hazard* h_k is
  the share of what was unpaid at the step's start that was paid during it, pooled over this
  year's projects that have passed the step by the as-of date (value weighted, from their
  payment history). A project's unpaid balance survives from where it stands now to where it
  will stand on 30 Sep with probability prod (1 - h_k) — the chain-ladder of insurance reserving,
  on each project's own plan. Nothing comes from another year or from a generator.
- Steps no project has passed yet (e.g. months after the planned end, early in a late year) fall
  back on a prior: the plan itself (paid in full by its end along a back-loaded curve, x^PRIOR_PLAN_SHAPE;
  for contracts whose milestones are being paid, at the pace their seen steps show) and PRIOR_POST_HAZARD
  after it, worth HAZARD_PRIOR_BAHT of evidence, and the band widens there (the hazard's variance).
  Where the evidence for the seen pace is in between, both readings are kept and mixed (SEEN_MIX_*, round 11).
- Areas pay at their own pace: each owner's factor theta multiplies its hazards (on the log
  survival); it is actual over expected payments of its passed steps, shrunk towards the nation
  by empirical Bayes (the spread between areas, tau^2, is measured from the same data).

All money here is float baht; days are day numbers counted from the fiscal year's first day.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

PLAN_STEPS = 10  # tenths of the plan's time
POST_STEP_DAYS = 15  # a step after the planned end
POST_STEPS = 12  # steps observed after the end (180 days); later days use the last step's hazard
STEPS = PLAN_STEPS + POST_STEPS
PRIOR_POST_HAZARD = 0.25  # share of an overdue balance paid per 15 days when nothing has been seen yet
HAZARD_PRIOR_BAHT = 20_000_000.0  # the prior hazard weighs as much as this much exposure (baht) per step
# Round 6 (docs/projection.md, "Round 6 of issue 17"): the share of a plan the prior pays by its planned end
# (evenly over its time). 1.0, the plan paid in full, is kept: an honest 0.7 (every seen generated year pays
# 41-56% of its plans by their end) fixes a late year's 31 May but unmasks its too low chance of signing on
# 31 Mar, which the optimistic prior was hiding; studied in bench/projection_round6_study.py, not adopted.
PRIOR_PLAN_COMPLETION = 1.0
# Round 7: the prior's completion share read from the year's own seen steps: when at least this many leading
# steps of the plan are seen (each with at least HAZARD_PRIOR_BAHT of exposure) but not all, the prior pays
# the plan at the pace they show (c = what they paid / the share of the plan's time they cover, at most
# PRIOR_PLAN_COMPLETION) over the unseen steps. 0 = off. Adopted in round 9 (5, floor 0.6) behind the milestone
# gate below (PRIOR_SEEN_GATE), for contracts only; studied in bench/projection_round7_study.py to round9.
PRIOR_SEEN_STEPS = 5
PRIOR_SEEN_FLOOR = 0.6  # ... and at least this share
# Round 8 (docs/projection.md, "Round 8 of issue 17"): the shape of payments inside a plan for the prior. A contract
# is paid in instalments after its milestones (each accepted, then paid), so the early tenths of a plan pay less
# than their share of its time: the prior pays the share c(x)^a of the plan by the share x of its time (a > 1 is
# back-loaded; 1.0 = evenly). The seen-steps prior (PRIOR_SEEN_STEPS) reads c on the same shape. Round 9: 1.3, the
# least back-loaded curve measured on any seen year (1.30-1.85 generated, 1.35-1.40 demo: `shape` of
# bench/projection_round8_study.py); 1.5 read late_act_no_rush_lumpy 2.9 points low on 31 Mar (round 9's table).
PRIOR_PLAN_SHAPE = 1.3
# Round 9 (docs/projection.md, "Round 9 of issue 17"): how far the seen-steps prior can be trusted, read from the
# year's own contracts. A contract is paid an optional advance (at most 15% of its price) on signing, then
# instalments each after the inspection committee accepts a milestone. The milestone share is the value share of
# the contracts past PRIOR_SEEN_STEPS tenths of their plan that had been paid more than ADVANCE_SHARE of their price
# by then. Where it is low, the early tenths' payments are a few advances and first acceptances not yet made (the
# contracts of a late wave have only just passed their middle): they say nothing yet of the plan's pace, and the
# plan paid in full stays. The seen-steps prior applies only where the share is at least PRIOR_SEEN_GATE (0 = no
# gate). 0.7: most of the value past its plan's middle has had a milestone paid. On the seen years the share
# was 0.76-0.85 where the reading helped (the long-contract years on 31 May) and 0.10-0.60 where it misled
# (very_late_act_rush on 31 May 0.10, late_procurement on 31 Mar 0.24-0.33, late_act_lumpy_cancel on 31 May 0.60).
PRIOR_SEEN_GATE = 0.7
# ... and only for contracts (milestones, inspection and acceptance are a contract's; an operating plan has none).
PRIOR_SEEN_CONTRACTS_ONLY = True
ADVANCE_SHARE = 0.15  # the largest advance on a government contract (share of its price)
# Round 11 (docs/projection.md, "Round 11 of issue 17"): where the two readings of the same evidence disagree — the
# plan paid in full and the plan at its seen pace (the seen-steps prior, ungated) — and the milestone share that
# decides between them is weak or near the gate, the model does not know which holds. The weight of the seen-steps
# reading rises from 0 at share SEEN_MIX_LOW to 1 at SEEN_MIX_HIGH; SEEN_MIX_MEAN: the projection is the readings'
# mean at that weight (else the gate's reading); SEEN_MIX_BAND: the band's variance gains the mixture's, weight x
# (1 - weight) x the gap between the readings squared, plus the square of how far the projection stands from the
# mixture's mean (the gap is national: shared by every project of an area). Both off: round 9's gate alone.
# Adopted 0.4-0.8, mean and band (round 11's study, 45 seen years): the seen shares that helped were 0.65-0.85, those
# that misled 0.10-0.33 (and 0.60, where the readings' mean beat either); between, neither reading is known to hold.
SEEN_MIX_LOW, SEEN_MIX_HIGH = 0.4, 0.8
SEEN_MIX_MEAN = True
SEEN_MIX_BAND = True
TAU2_FLOOR = 0.01  # the spread of areas' log pace factors is never taken as below this (sd 0.1)
# Round 8 (docs/projection.md, "Round 8 of issue 17"): ... nor above this (sd 0.32: provinces paying about a third
# faster or slower than the nation, under the same procurement law and payment system). Early in a late year the
# owners' ratios rest on the first tenths of a few plans each (an advance or a first instalment paid or not), and
# the spread read then (0.3-4.2 early in the late seen years: factors x0.2 to x5) is noise the sampling variance
# misses, not pace; at every other reading of the seen years it is 0.010-0.107 (the demo included).
TAU2_CEILING = 0.1


@dataclass(frozen=True)
class Ledger:
    """Every payment up to the as-of date, sorted by project position and day, for paid-by-date lookups."""

    keys: np.ndarray  # position * KEY_SPAN + day (int64, sorted)
    running: np.ndarray  # running total of amounts, with a leading 0 (float baht)
    counted: np.ndarray  # running count of positive payments, with a leading 0
    starts: np.ndarray  # per position: index of its first payment in keys

    KEY_SPAN = 1 << 20

    @classmethod
    def build(cls, position: np.ndarray, day: np.ndarray, amount: np.ndarray, projects: int) -> Ledger:
        keys = position.astype(np.int64) * cls.KEY_SPAN + (day.astype(np.int64) + cls.KEY_SPAN // 2)
        order = np.argsort(keys, kind="stable")
        keys = keys[order]
        running = np.concatenate([[0.0], np.cumsum(amount.astype(float)[order])])
        counted = np.concatenate([[0], np.cumsum(amount[order] > 0)])
        starts = np.searchsorted(keys, np.arange(projects, dtype=np.int64) * cls.KEY_SPAN)
        return cls(keys, running, counted, starts)

    def _upto(self, position: np.ndarray, day: np.ndarray) -> np.ndarray:
        day = np.floor(day).astype(np.int64)
        key = position.astype(np.int64) * self.KEY_SPAN + np.clip(day + self.KEY_SPAN // 2, 0, self.KEY_SPAN - 1)
        return np.searchsorted(self.keys, key, side="right")

    def paid_by(self, position: np.ndarray, day: np.ndarray) -> np.ndarray:
        """Paid (baht) by each project (position) up to and including each day (same shape)."""
        return self.running[self._upto(position, day)] - self.running[self.starts[position]]

    def count_by(self, position: np.ndarray, day: np.ndarray) -> np.ndarray:
        """Positive payments made by each project (position) up to and including each day (same shape)."""
        return self.counted[self._upto(position, day)] - self.counted[self.starts[position]]


def development(day: np.ndarray, start: np.ndarray, end: np.ndarray) -> np.ndarray:
    """Where a project stands on `day` in development units g (broadcasts): 0..10 within its plan,
    10 + days after the end / POST_STEP_DAYS after it (never below 0)."""
    length = np.maximum(end - start, 1.0)
    within = PLAN_STEPS * (day - start) / length
    after = PLAN_STEPS + (day - end) / POST_STEP_DAYS
    return np.where(day <= end, np.clip(within, 0, PLAN_STEPS), after)


def step_day(step: np.ndarray, start: np.ndarray, end: np.ndarray) -> np.ndarray:
    """The day a project reaches development g = step (inverse of `development`)."""
    length = np.maximum(end - start, 1.0)
    return np.where(step <= PLAN_STEPS, start + length * step / PLAN_STEPS, end + (step - PLAN_STEPS) * POST_STEP_DAYS)


def prior_plan_share(x: np.ndarray | float) -> np.ndarray:
    """The share of a plan's own payments (0-1) the prior has paid by the share `x` (0-1) of its time:
    x ** PRIOR_PLAN_SHAPE (evenly when 1; back-loaded instalments when above 1)."""
    return np.power(np.clip(np.asarray(x, dtype=float), 0.0, 1.0), PRIOR_PLAN_SHAPE)


def prior_hazards(completion: float | None = None) -> np.ndarray:
    """The plan as a prior: a share c of it (PRIOR_PLAN_COMPLETION unless `completion` is given) paid along
    the plan's shape (`prior_plan_share`; evenly when PRIOR_PLAN_SHAPE is 1: a hazard of (c / 10) / (1 - c k / 10)
    at step k), then PRIOR_POST_HAZARD per step after its end."""
    completion = PRIOR_PLAN_COMPLETION if completion is None else completion
    steps = np.arange(PLAN_STEPS)
    if PRIOR_PLAN_SHAPE == 1.0:
        within = completion / np.maximum(PLAN_STEPS - completion * steps, 1e-9)
    else:
        paid_before = completion * prior_plan_share(steps / PLAN_STEPS)
        paid_after = completion * prior_plan_share((steps + 1) / PLAN_STEPS)
        within = (paid_after - paid_before) / np.maximum(1.0 - paid_before, 1e-9)
    return np.concatenate([np.minimum(within, 0.95), np.full(POST_STEPS, PRIOR_POST_HAZARD)])


@dataclass(frozen=True)
class Hazards:
    """A class's step hazards (shares 0-1 per step), their variances, and what each owner paid
    against what the hazards expected (for the owners' pace factors)."""

    hazard: np.ndarray  # (STEPS,)
    variance: np.ndarray  # (STEPS,) sampling variance of each hazard
    evidence: np.ndarray  # (STEPS,) baht of exposure observed per step
    actual: np.ndarray  # per project: paid during its passed steps (baht)
    expected: np.ndarray  # per project: what the hazards expected of it over the same steps
    residual2: np.ndarray  # per project: sum of squared (paid - expected) per step (baht^2)
    # Round 11: the hazards under the other reading of the seen steps (None when the two agree or the mixture is
    # off), whether `hazard` is the seen-steps reading, and the weight of the seen-steps reading (0-1).
    other: np.ndarray | None = None
    seen_primary: bool = False
    seen_weight: float = 0.0


RECENT_STEP_DAYS = 61  # steps that ended this recently count in full ...
OLDER_STEP_WEIGHT = 0.1  # ... older ones at this weight (this year's pace drifts; recent steps say more)


def paid_at_steps(
    ledger: Ledger, positions: np.ndarray, start: np.ndarray, end: np.ndarray, ceiling: np.ndarray, today: float
) -> np.ndarray:
    """(n, STEPS + 1): what each project had paid (0..ceiling baht) when it reached each step edge, for
    the edges reached by `today` (the others hold what it has paid by today). The same figures hold for
    any earlier date's edges, so one lookup serves every fit of the same projects."""
    edges = np.arange(STEPS + 1, dtype=float)
    days = np.minimum(step_day(edges[None, :], start[:, None], end[:, None]), today)  # (n, STEPS + 1)
    paid = ledger.paid_by(np.repeat(positions, STEPS + 1).reshape(days.shape), days)
    return np.minimum(np.maximum(paid, 0.0), ceiling[:, None])


def fit_hazards(
    ledger: Ledger,
    positions: np.ndarray,
    start: np.ndarray,
    end: np.ndarray,
    ceiling: np.ndarray,
    today: float,
    paid: np.ndarray | None = None,
    contracts: bool = True,
) -> Hazards:
    """Hazards per development step from the projects given (positions into the ledger; their plan
    start and end days, ceiling in baht), each step counted only for projects past it by `today`;
    `paid` from paid_at_steps (on `today` or later) saves the lookups; `contracts` says whether the projects are
    contracts (the seen-steps prior reads only those when PRIOR_SEEN_CONTRACTS_ONLY)."""
    now = development(np.full(len(positions), float(today)), start, end)
    edges = np.arange(STEPS + 1, dtype=float)
    days = step_day(edges[None, :], start[:, None], end[:, None])  # (n, STEPS + 1)
    reached = now[:, None] >= edges[None, :]
    days = np.where(reached, np.minimum(days, today), today)
    if paid is None:
        paid = paid_at_steps(ledger, positions, start, end, ceiling, today)
    exposure = np.maximum(ceiling[:, None] - paid[:, :-1], 0.0)
    increment = np.clip(paid[:, 1:] - paid[:, :-1], 0.0, exposure)
    passed = reached[:, 1:]
    weight = np.where(days[:, 1:] > today - RECENT_STEP_DAYS, 1.0, OLDER_STEP_WEIGHT) * passed
    # The weights tilt each step towards its recent evidence without shrinking the evidence itself (the
    # prior weighs against all of it): scaled so they keep the step's total exposure.
    total = (exposure * passed).sum(axis=0)
    tilted = (exposure * weight).sum(axis=0)
    weight = weight * np.divide(total, tilted, out=np.ones_like(total), where=tilted > 0)[None, :]
    exposure = exposure * weight
    increment = increment * weight
    evidence = exposure.sum(axis=0)
    milestone = milestone_share(paid, reached, ceiling) if PRIOR_SEEN_GATE > 0 else None
    read = contracts or not PRIOR_SEEN_CONTRACTS_ONLY
    paid_steps = increment.sum(axis=0)
    # The seen-steps reading is read once: where the milestone gate is open it is the gate's reading (round 9), where
    # it is shut round 11's other reading.
    ungated = _seen_completion(paid_steps, evidence) if read else None
    seen = ungated if seen_gate_open(milestone) else None
    pooled = evidence + HAZARD_PRIOR_BAHT

    def pooled_hazard(completion: float | None) -> np.ndarray:
        prior = prior_hazards(completion)
        hazard = np.divide(paid_steps + HAZARD_PRIOR_BAHT * prior, pooled, out=prior.copy(), where=pooled > 0)
        return np.clip(hazard, 1e-4, 0.98)

    hazard = pooled_hazard(seen)
    other, seen_weight = None, 0.0
    if read and (SEEN_MIX_MEAN or SEEN_MIX_BAND):
        if ungated is not None and ungated < PRIOR_PLAN_COMPLETION:
            other = pooled_hazard(None if seen is not None else ungated)
            seen_weight = seen_mix_weight(milestone)
    residual = increment - hazard[None, :] * exposure
    # Sandwich variance of a ratio estimate (lumpy payments included), plus the prior's own share; at least
    # binomial on the effective number of projects behind the step (a few large contracts are few).
    spread = hazard * (1 - hazard)
    safe = np.where(pooled > 0, pooled, 1.0)
    variance = ((residual**2).sum(axis=0) + HAZARD_PRIOR_BAHT**2 * spread / 4) / safe**2
    squares = (exposure**2).sum(axis=0) + HAZARD_PRIOR_BAHT**2
    effective = np.divide(pooled**2, squares, out=np.zeros_like(pooled), where=squares > 0)
    variance = np.where(
        effective > 0, np.maximum(variance, spread / np.where(effective > 0, effective, 1.0)), spread
    )  # nothing seen and no prior: as unsure as a hazard can be
    return Hazards(
        hazard,
        variance,
        evidence,
        increment.sum(axis=1),
        (hazard[None, :] * exposure).sum(axis=1),
        (residual**2).sum(axis=1),
        other,
        seen is not None,
        seen_weight,
    )


def seen_mixture(
    plan_chance: np.ndarray, seen_chance: np.ndarray, outstanding: np.ndarray, hazards: Hazards
) -> tuple[np.ndarray, np.ndarray, float]:
    """Round 11: projects' chances (0-1) of paying their outstanding balance (baht) under the plan paid in full and
    under the seen-steps reading, mixed at the seen-steps reading's weight r (`hazards.seen_weight`). Returns the
    chance the projection uses (the mixture's mean when SEEN_MIX_MEAN, else the gate's reading), the gap between the
    readings (baht: outstanding x (seen - plan); zeros unless SEEN_MIX_BAND) and the variance per unit of it squared:
    r (1 - r) + (r - w)^2, the mixture's second moment around the weight w used (0 unless SEEN_MIX_BAND)."""
    # Without the mean the weight is 0 or 1: the gate's reading itself.
    weight = hazards.seen_weight if SEEN_MIX_MEAN else float(hazards.seen_primary)
    chance = (1 - weight) * plan_chance + weight * seen_chance
    if not SEEN_MIX_BAND:
        return chance, np.zeros(len(chance)), 0.0
    r = hazards.seen_weight
    return chance, outstanding * (seen_chance - plan_chance), r * (1 - r) + (r - weight) ** 2


def seen_mix_weight(milestone: float | None) -> float:
    """Round 11: the weight (0-1) of the seen-steps reading at this milestone share: 0 at SEEN_MIX_LOW and below,
    1 at SEEN_MIX_HIGH and above, linear between (0 when no contract has passed the middle of its plan)."""
    if milestone is None:
        return 0.0
    if SEEN_MIX_HIGH <= SEEN_MIX_LOW:
        return 1.0 if milestone >= SEEN_MIX_HIGH else 0.0
    return min(max((milestone - SEEN_MIX_LOW) / (SEEN_MIX_HIGH - SEEN_MIX_LOW), 0.0), 1.0)


def milestone_share(paid: np.ndarray, reached: np.ndarray, ceiling: np.ndarray) -> float | None:
    """Of the projects that have reached step PRIOR_SEEN_STEPS of their plan (`reached`: (n, STEPS + 1) edges
    reached; `paid`: (n, STEPS + 1) baht paid at each edge), the share of their value (`ceiling`, baht) that had
    been paid more than ADVANCE_SHARE of it by that edge (0-1); None when none has reached it."""
    edge = max(int(PRIOR_SEEN_STEPS), 1)
    past = reached[:, edge] & (ceiling > 0)
    total = float(ceiling[past].sum())
    if total <= 0:
        return None
    return float(ceiling[past & (paid[:, edge] > ADVANCE_SHARE * ceiling)].sum()) / total


def evidence_leading(evidence: np.ndarray) -> int:
    """How many leading plan steps are seen on at least HAZARD_PRIOR_BAHT of exposure each (0-PLAN_STEPS)."""
    seen = evidence[:PLAN_STEPS] >= HAZARD_PRIOR_BAHT
    return PLAN_STEPS if seen.all() else int(np.argmin(seen))


def seen_gate_open(milestone: float | None) -> bool:
    """Round 9's milestone gate: whether the seen-steps prior is the gate's reading at this milestone share (at least
    PRIOR_SEEN_GATE; always when the gate is 0). Shut where hardly any milestone has been accepted yet: the early
    tenths do not read the plan's pace."""
    return PRIOR_SEEN_GATE <= 0 or (milestone is not None and milestone >= PRIOR_SEEN_GATE)


def _seen_completion(increment: np.ndarray, evidence: np.ndarray) -> float | None:
    """Round 7's studied prior share (PRIOR_SEEN_STEPS > 0): with m leading plan steps seen on at least
    HAZARD_PRIOR_BAHT of exposure each (PRIOR_SEEN_STEPS <= m < PLAN_STEPS), the share of a plan they paid,
    1 - prod(1 - h_k), over the share the plan's shape pays by then (`prior_plan_share(m / PLAN_STEPS)`: m / 10
    when even), at most PRIOR_PLAN_COMPLETION; None (the constant) otherwise. The milestone gate (`seen_gate_open`)
    is the caller's."""
    if PRIOR_SEEN_STEPS <= 0:
        return None
    leading = evidence_leading(evidence)
    if leading < PRIOR_SEEN_STEPS or leading >= PLAN_STEPS:
        return None
    hazard = increment[:leading] / evidence[:leading]
    paid = 1.0 - float(np.prod(1.0 - np.clip(hazard, 0.0, 1.0)))
    return min(max(paid / float(prior_plan_share(leading / PLAN_STEPS)), PRIOR_SEEN_FLOOR), PRIOR_PLAN_COMPLETION)


def log_survival(hazard: np.ndarray, g: np.ndarray) -> np.ndarray:
    """Cumulative log survival of an unpaid balance from g = 0 to g (piecewise linear in g; beyond the
    last step the last step's hazard continues)."""
    steps = np.log1p(-hazard)
    cumulative = np.concatenate([[0.0], np.cumsum(steps)])
    inside = np.interp(np.minimum(g, STEPS), np.arange(STEPS + 1), cumulative)
    return inside + np.maximum(g - STEPS, 0.0) * steps[-1]


def step_overlap(low: np.ndarray, high: np.ndarray) -> np.ndarray:
    """(n, STEPS): how much of each step lies between development low and high (0-1; the tail beyond the
    last step counts towards the last step)."""
    edges = np.arange(STEPS, dtype=float)
    overlap = np.clip(np.minimum(high[:, None], edges + 1) - np.maximum(low[:, None], edges), 0.0, 1.0)
    overlap[:, -1] += np.maximum(high - np.maximum(low, STEPS), 0.0)
    return overlap


@dataclass(frozen=True)
class PaceFactors:
    """Each group's pace factor on the log scale (0 = the class's pace) and its posterior variance."""

    log_factor: np.ndarray
    variance: np.ndarray
    tau2: float


def pace_factors(
    groups: np.ndarray, count: int, actual: np.ndarray, expected: np.ndarray, residual2: np.ndarray
) -> PaceFactors:
    """Empirical-Bayes pace factors per group (0..count-1) from its projects' actual and expected
    payments over their passed steps: the raw log ratio, its sandwich variance, the spread between
    groups (method of moments, at least TAU2_FLOOR and at most TAU2_CEILING), and each group shrunk towards 0
    by it."""
    paid = np.bincount(groups, weights=actual, minlength=count)
    due = np.bincount(groups, weights=expected, minlength=count)
    noise = np.bincount(groups, weights=residual2, minlength=count)
    has = due > 0
    typical = float(np.median(due[has])) if has.any() else 1.0
    # Half a typical step of evidence keeps an area that paid nothing at a finite (very slow) pace.
    cushion = 0.02 * typical
    raw = np.log((paid + cushion) / (due + cushion))
    sampling = (noise + cushion**2) / (due + cushion) ** 2
    weights = due[has]
    if has.sum() >= 3:
        mean = np.average(raw[has], weights=weights)
        spread = np.average((raw[has] - mean) ** 2, weights=weights)
        tau2 = min(max(spread - np.average(sampling[has], weights=weights), TAU2_FLOOR), TAU2_CEILING)
    else:
        tau2 = TAU2_FLOOR
    shrink = tau2 / (tau2 + sampling)
    log_factor = np.where(has, shrink * raw, 0.0)
    variance = np.where(has, shrink * sampling, tau2)
    return PaceFactors(log_factor, variance, float(tau2))


def path_log_survival(
    hazard: np.ndarray, low: np.ndarray, high: np.ndarray, plan_factor: float = 1.0, post_factor: float = 1.0
) -> np.ndarray:
    """Log survival of an unpaid balance from development `low` to `high`, the steps inside the plan
    at `plan_factor` times their hazard (on the log scale) and the steps after its end at `post_factor`."""
    ten = float(PLAN_STEPS)
    inside = log_survival(hazard, np.minimum(high, ten)) - log_survival(hazard, np.minimum(low, ten))
    after = log_survival(hazard, np.maximum(high, ten)) - log_survival(hazard, np.maximum(low, ten))
    return plan_factor * inside + post_factor * after


@dataclass(frozen=True)
class Drift:
    """How this year's hazards, fitted VALIDATION_DAYS before the as-of date, did since: a factor on the
    steps inside the plan and one after it (log survival multipliers, 1 = as fitted), with variances of
    their logs. The hazards fitted on the as-of date are carried forward by the same factors."""

    plan_factor: float
    post_factor: float
    plan_log_variance: float
    post_log_variance: float


VALIDATION_DAYS = 91  # the hazards fitted this many days ago are checked against what was paid since
DRIFT_PRIOR_VARIANCE = 0.05  # drift factors start at 1; their logs vary by about sqrt(0.05) = 0.22 a year


def _solve_factor(predicted_at, actual: float, low: float = 0.2, high: float = 5.0) -> float:
    """The factor f in [low, high] at which predicted_at(f) (increasing in f) equals actual (bisection)."""
    if predicted_at(low) >= actual:
        return low
    if predicted_at(high) <= actual:
        return high
    for _ in range(40):
        middle = math.sqrt(low * high)
        if predicted_at(middle) < actual:
            low = middle
        else:
            high = middle
    return math.sqrt(low * high)


def drift(
    ledger: Ledger,
    positions: np.ndarray,
    start: np.ndarray,
    end: np.ndarray,
    ceiling: np.ndarray,
    today: int,
    fully_paid_share: float,
    paid: np.ndarray | None = None,
    contracts: bool = True,
) -> Drift:
    """Check the hazards fitted VALIDATION_DAYS ago (from the payments known then) against the payments
    made since by the projects known then: inside the plan, the projects that reached their planned end
    since (how fully plans are paid as they end is what a projection hinges on); after it, every
    balance past its end. Each factor is the one that would have predicted those payments exactly,
    shrunk towards 1 by empirical Bayes: its variance counts both the payments' scatter and the error
    of the hazards fitted then (few projects then, little trust now)."""
    then = today - VALIDATION_DAYS
    known = start <= then
    if then < 30 or known.sum() < 20:
        return Drift(1.0, 1.0, 0.0, 0.0)
    positions, start, end, ceiling = positions[known], start[known], end[known], ceiling[known]
    hazards = fit_hazards(
        ledger, positions, start, end, ceiling, then, None if paid is None else paid[known], contracts
    )
    count = len(positions)
    paid_then = np.minimum(np.maximum(ledger.paid_by(positions, np.full(count, then)), 0.0), ceiling)
    open_then = (paid_then < fully_paid_share * ceiling) & (ceiling > 0)
    g_then = development(np.full(count, float(then)), start, end)
    g_now = development(np.full(count, float(today)), start, end)
    inside = open_then & (g_then < PLAN_STEPS) & (end <= today)
    low_in, high_in = g_then[inside], np.full(inside.sum(), float(PLAN_STEPS))
    owed_in = (ceiling - paid_then)[inside]
    paid_in = np.clip(
        np.minimum(ledger.paid_by(positions[inside], end[inside]), ceiling[inside]) - paid_then[inside], 0.0, owed_in
    )
    after = open_then & (g_now > PLAN_STEPS)
    from_day = np.maximum(end, then)[after]
    paid_from = np.minimum(np.maximum(ledger.paid_by(positions[after], from_day), 0.0), ceiling[after])
    owed_after = np.maximum(ceiling[after] - paid_from, 0.0)
    low_after, high_after = np.maximum(g_then[after], PLAN_STEPS), g_now[after]
    paid_after = np.clip(
        np.minimum(ledger.paid_by(positions[after], np.full(after.sum(), today)), ceiling[after]) - paid_from,
        0.0,
        owed_after,
    )

    def factor(owed: np.ndarray, low: np.ndarray, high: np.ndarray, paid: np.ndarray) -> tuple[float, float]:
        path = path_log_survival(hazards.hazard, low, high)
        if owed.sum() <= 0 or not (path < 0).any():
            return 1.0, 0.0
        raw = _solve_factor(lambda f: float((owed * (1 - np.exp(f * path))).sum()), float(paid.sum()))
        left = np.exp(raw * path)
        slope = float((owed * left * raw * -path).sum())  # predicted baht per unit of log factor
        if slope <= 0:
            return 1.0, 0.0
        scatter = float(((paid - owed * (1 - left)) ** 2).sum())
        by_hazard = ((owed * left * raw)[:, None] * step_overlap(low, high)).sum(axis=0) / (1 - hazards.hazard)
        fitted_error = float((by_hazard**2 * hazards.variance).sum())
        variance = (scatter + fitted_error) / slope**2
        shrink = DRIFT_PRIOR_VARIANCE / (DRIFT_PRIOR_VARIANCE + variance)
        return math.exp(shrink * math.log(raw)), shrink * variance

    plan_factor, plan_variance = factor(owed_in, low_in, high_in, paid_in)
    post_factor, post_variance = factor(owed_after, low_after, high_after, paid_after)
    return Drift(plan_factor, post_factor, plan_variance, post_variance)
