"""budget_metrics.payment_timing by hand arithmetic: paid-by-date lookups, step hazards, survival along a
plan, and the owners' pace factors."""

from __future__ import annotations

import math

import numpy as np
import pytest

from budget_metrics import payment_timing as timing


def test_ledger_paid_and_counted_by_day():
    # project 0: 100 on day 5, 50 on day 10, a reversal of 20 on day 12; project 1: 20 on day 3
    ledger = timing.Ledger.build(np.array([0, 1, 0, 0]), np.array([10, 3, 5, 12]), np.array([50.0, 20, 100, -20]), 3)
    positions = np.array([0, 0, 0, 0, 1, 1, 2])
    days = np.array([4, 5, 10, 12, 2, 3, 100])
    assert ledger.paid_by(positions, days).tolist() == [0, 100, 150, 130, 0, 20, 0]
    assert ledger.count_by(positions, days).tolist() == [0, 1, 2, 2, 0, 1, 0]  # the reversal is no payment


def test_development_and_its_inverse():
    start, end = np.array([0.0]), np.array([100.0])
    assert timing.development(np.array([50.0]), start, end)[0] == 5
    assert timing.development(np.array([130.0]), start, end)[0] == 10 + 30 / 15
    assert timing.step_day(np.array([12.0]), start, end)[0] == 130
    assert timing.step_day(np.array([3.0]), start, end)[0] == 30


def test_hazards_by_hand(monkeypatch):
    """One contract of 100, planned from day 0 to day 100: 40 paid on day 25, 60 on day 130. Without the
    prior, each passed step's hazard is paid / unpaid at its start: 40/100 in step 2 (days 20-30), nothing
    in steps 3-10, 60/60 in step 11 (days 115-130, capped at 0.98)."""
    monkeypatch.setattr(timing, "HAZARD_PRIOR_BAHT", 0.0)
    ledger = timing.Ledger.build(np.array([0, 0]), np.array([25, 130]), np.array([40.0, 60.0]), 1)
    hazards = timing.fit_hazards(ledger, np.array([0]), np.array([0.0]), np.array([100.0]), np.array([100.0]), 400)
    assert hazards.hazard[2] == pytest.approx(0.4)
    assert hazards.hazard[[0, 1]].tolist() == pytest.approx([1e-4, 1e-4])  # nothing paid: the floor
    assert hazards.hazard[3:11].tolist() == pytest.approx([1e-4] * 8)
    assert hazards.hazard[11] == pytest.approx(0.98)
    assert hazards.evidence[2] == pytest.approx(100) and hazards.evidence[5] == pytest.approx(60)
    assert hazards.actual[0] == pytest.approx(100)
    # a step not yet passed by "today" (day 120 is inside step 11) is not counted
    early = timing.fit_hazards(ledger, np.array([0]), np.array([0.0]), np.array([100.0]), np.array([100.0]), 120)
    assert early.evidence[11] == 0 and early.evidence[10] == pytest.approx(60)


def test_survival_along_a_plan_by_hand():
    hazard = np.full(timing.STEPS, 0.5)
    # from g = 8 to g = 10.5: 2.5 steps at 0.5 -> 0.5 ** 2.5 (piecewise linear in g on the log scale)
    change = timing.log_survival(hazard, np.array([10.5])) - timing.log_survival(hazard, np.array([8.0]))
    assert math.exp(change[0]) == pytest.approx(0.5**2.5)
    inside = timing.path_log_survival(hazard, np.array([8.0]), np.array([10.5]), plan_factor=2.0, post_factor=0.0)
    assert math.exp(inside[0]) == pytest.approx(0.5 ** (2 * 2))  # only the two steps inside the plan, doubled
    # beyond the last step the last step's hazard continues
    tail = timing.log_survival(hazard, np.array([timing.STEPS + 2.0])) - timing.log_survival(
        hazard, np.array([float(timing.STEPS)])
    )
    assert math.exp(tail[0]) == pytest.approx(0.25)


def test_pace_factors_shrink_by_empirical_bayes():
    """Owner 0 paid 150 where 100 was expected (log 1.5), owner 1 paid 50 of 100, owner 2 as expected;
    their sampling variances are residual^2 / expected^2 (here 0.01 each); the spread between them
    (weighted by expected) less the mean sampling variance is tau^2 (here 0.186, over the round-8 ceiling of 0.1,
    so 0.1), and each raw log ratio is shrunk by tau^2 / (tau^2 + its sampling variance)."""
    groups = np.array([0, 1, 2])
    actual, expected = np.array([150.0, 50.0, 100.0]), np.array([100.0, 100.0, 100.0])
    residual2 = np.array([100.0, 100.0, 100.0])
    factors = timing.pace_factors(groups, 3, actual, expected, residual2)
    cushion = 0.02 * 100
    raw = np.log((actual + cushion) / (expected + cushion))
    sampling = (residual2 + cushion**2) / (expected + cushion) ** 2
    tau2 = min(max(np.average((raw - raw.mean()) ** 2) - sampling.mean(), timing.TAU2_FLOOR), timing.TAU2_CEILING)
    assert tau2 == pytest.approx(0.1)
    assert factors.tau2 == pytest.approx(tau2)
    assert factors.log_factor == pytest.approx(tau2 / (tau2 + sampling) * raw)
    assert factors.variance == pytest.approx(tau2 / (tau2 + sampling) * sampling)


def test_prior_plan_paid_in_full_by_its_end_unless_told_otherwise(monkeypatch):
    """The prior pays a share c of the plan evenly over its ten steps: the hazard at step k is c / (10 - c k),
    so the share left at the plan's end telescopes to 1 - c. Kept (round 6): c = 1 with the last step capped
    at 0.95, i.e. 1 - 0.1 * 0.05 = 99.5% paid by the end; the studied honest prior c = 0.7 leaves 30%. (The plan
    paid evenly: since round 9 the model's shape is back-loaded, test_seen_steps_prior_behind_the_milestone_gate.)"""
    monkeypatch.setattr(timing, "PRIOR_PLAN_SHAPE", 1.0)
    ten = np.array(float(timing.PLAN_STEPS))
    kept = timing.prior_hazards()
    assert kept[:9].tolist() == pytest.approx([1 / (10 - k) for k in range(9)])
    assert 1 - math.exp(timing.log_survival(kept, ten)) == pytest.approx(1 - 0.1 * 0.05)
    monkeypatch.setattr(timing, "PRIOR_PLAN_COMPLETION", 0.7)
    honest = timing.prior_hazards()
    assert honest[0] == pytest.approx(0.07) and honest[9] == pytest.approx(0.7 / (10 - 6.3))
    assert 1 - math.exp(timing.log_survival(honest, ten)) == pytest.approx(0.7)
    assert honest[timing.PLAN_STEPS :].tolist() == pytest.approx([timing.PRIOR_POST_HAZARD] * timing.POST_STEPS)


def test_hazard_read_from_the_value_behind_a_step(monkeypatch):
    """Two contracts of 100 and 300 baht, both planned from day 0 to day 100; the first pays 40 on day 25.
    With no prior weight, step 2 (days 20-30) reads 40 / 400 = 0.1, a step passed with nothing paid the floor
    1e-4, and a step nobody passed the prior plan's (evenly: step 5 of 10 pays 1 / 5 of what is left). The band
    is at least binomial on the 1.6 effective projects behind the step ((100 + 300)^2 / (100^2 + 300^2))."""
    monkeypatch.setattr(timing, "PRIOR_PLAN_SHAPE", 1.0)
    monkeypatch.setattr(timing, "PRIOR_SEEN_STEPS", 0)
    monkeypatch.setattr(timing, "HAZARD_PRIOR_BAHT", 0.0)
    ledger = timing.Ledger.build(np.array([0]), np.array([25]), np.array([40.0]), 2)
    plan = (np.array([0, 1]), np.array([0.0, 0.0]), np.array([100.0, 100.0]), np.array([100.0, 300.0]))
    hazards = timing.fit_hazards(ledger, *plan, 35)
    assert hazards.hazard[2] == pytest.approx(0.1)
    assert hazards.hazard[0] == pytest.approx(1e-4)
    assert hazards.hazard[5] == pytest.approx(1 / 5)
    assert hazards.variance[2] >= 0.1 * 0.9 / 1.6 - 1e-12


def test_prior_share_read_from_the_seen_steps(monkeypatch):
    """Round 7's studied prior (PRIOR_SEEN_STEPS, off in the model). Two contracts of 100 baht planned from day
    0 to day 100, seen on day 60 (steps 0-5 passed, a step being 10 days); the first pays 40 on day 25 (step 2),
    the second 20 on day 45 (step 4). With a prior worth 100 baht every passed step has at least 100 baht of
    exposure (the least, step 5: 60 + 80 = 140), so 6 leading steps are seen: step 2 paid 40 / 200 = 0.2,
    step 4 20 / 160 = 0.125, the others nothing, a share 1 - 0.8 x 0.875 = 0.3 of the plan in 6 tenths of its
    time: c = 0.3 / 0.6 = 0.5. The unseen step 7 is then the prior's c / (10 - 7c) = 0.5 / 6.5; with 7 steps
    required it stays the plan paid in full, 1 / 3; with a floor of 0.6 it is 0.6 / (10 - 4.2)."""
    monkeypatch.setattr(timing, "HAZARD_PRIOR_BAHT", 100.0)
    # Round 7's reading alone: evenly, no floor, no milestone gate (round 9's model: the test after this one).
    for name, value in (("PRIOR_PLAN_SHAPE", 1.0), ("PRIOR_SEEN_GATE", 0.0), ("PRIOR_SEEN_FLOOR", 0.05)):
        monkeypatch.setattr(timing, name, value)
    monkeypatch.setattr(timing, "PRIOR_SEEN_STEPS", 0)
    ledger = timing.Ledger.build(np.array([0, 1]), np.array([25, 45]), np.array([40.0, 20.0]), 2)
    plan = (np.array([0, 1]), np.array([0.0, 0.0]), np.array([100.0, 100.0]), np.array([100.0, 100.0]))
    assert timing.fit_hazards(ledger, *plan, 60).hazard[7] == pytest.approx(1 / 3)  # off: the plan in full
    monkeypatch.setattr(timing, "PRIOR_SEEN_STEPS", 5)
    hazards = timing.fit_hazards(ledger, *plan, 60)
    assert hazards.hazard[7] == pytest.approx(0.5 / 6.5)
    assert hazards.hazard[2] == pytest.approx((40 + 100 * 0.5 / 9) / 300)  # seen: data and the prior's worth
    monkeypatch.setattr(timing, "PRIOR_SEEN_STEPS", 7)
    assert timing.fit_hazards(ledger, *plan, 60).hazard[7] == pytest.approx(1 / 3)
    monkeypatch.setattr(timing, "PRIOR_SEEN_STEPS", 5)
    monkeypatch.setattr(timing, "PRIOR_SEEN_FLOOR", 0.6)
    assert timing.fit_hazards(ledger, *plan, 60).hazard[7] == pytest.approx(0.6 / 5.8)


def test_seen_steps_prior_behind_the_milestone_gate(monkeypatch):
    """Round 9's model (its settings as committed: 5 seen tenths, floor 0.6, shape 1.3, gate 0.7, contracts only).
    Two contracts of 100 baht planned from day 0 to day 100 (a tenth is 10 days), seen on day 60; the first pays 40
    on day 25. (a) The second pays 30 on day 45: by the middle of their plans (day 50) both have been paid more than
    an advance (15 baht), a milestone share of 1 >= 0.7, so the prior is read from the 6 seen tenths: step 2 paid
    40 / 200 = 0.2, step 4 30 / 160 = 0.1875, a share 1 - 0.8 x 0.8125 = 0.35 of the plan, where the shape pays
    0.6^1.3 by then: c = 0.35 / 0.6^1.3 = 0.680. The unseen step 7 is the prior's (c 0.8^1.3 - c 0.7^1.3) /
    (1 - c 0.7^1.3). (b) The second pays only 10 (an advance) on day 45: a milestone share of 100 / 200 = 0.5 < 0.7,
    so the plan is paid in full along the shape: (0.8^1.3 - 0.7^1.3) / (1 - 0.7^1.3). (c) The same payments as (a)
    for operating projects (no milestones): the plan in full as in (b). Before round 9 step 7 was 1 / 3 in all."""
    monkeypatch.setattr(timing, "HAZARD_PRIOR_BAHT", 100.0)
    plan = (np.array([0, 1]), np.array([0.0, 0.0]), np.array([100.0, 100.0]), np.array([100.0, 100.0]))
    a = 1.3
    c = (1 - (1 - 40 / 200) * (1 - 30 / 160)) / 0.6**a
    read = (c * 0.8**a - c * 0.7**a) / (1 - c * 0.7**a)
    full = (0.8**a - 0.7**a) / (1 - 0.7**a)
    assert 0.6 < c < 1 and read < full < 1 / 3  # c clear of the floor and the cap

    milestones = timing.Ledger.build(np.array([0, 1]), np.array([25, 45]), np.array([40.0, 30.0]), 2)
    assert timing.fit_hazards(milestones, *plan, 60).hazard[7] == pytest.approx(read)
    advance = timing.Ledger.build(np.array([0, 1]), np.array([25, 45]), np.array([40.0, 10.0]), 2)
    assert timing.fit_hazards(advance, *plan, 60).hazard[7] == pytest.approx(full)
    assert timing.fit_hazards(milestones, *plan, 60, contracts=False).hazard[7] == pytest.approx(full)
    edges = np.arange(timing.STEPS + 1)
    reached = np.broadcast_to(edges <= 6, (2, timing.STEPS + 1))
    paid = np.array([[0, 0, 0, 40, 40, 40, 40] + [40] * 16, [0, 0, 0, 0, 0, 10, 10] + [10] * 16], dtype=float)
    assert timing.milestone_share(paid, reached, np.array([100.0, 100.0])) == pytest.approx(0.5)


def test_seen_steps_readings_mixed_near_the_gate(monkeypatch):
    """Round 11's model (its settings as committed: the seen-steps reading weighs 0 at a milestone share of 0.4 and
    1 at 0.8, the projection the readings' mean at that weight, the band the mixture's variance). The contracts of
    test_seen_steps_prior_behind_the_milestone_gate (b): 100 baht each from day 0 to day 100, seen on day 60, paying
    40 on day 25 and 10 (an advance) on day 45: a milestone share of 0.5, under the gate (0.7), so the kept hazard is
    the plan's in full, (0.8^1.3 - 0.7^1.3) / (1 - 0.7^1.3) at step 7. The other reading (ungated): the 6 seen
    tenths paid 1 - (1 - 40 / 200) (1 - 10 / 160) = 0.25 where the shape pays 0.6^1.3 = 0.515: c = 0.485, raised to
    the floor 0.6; step 7 (0.6 x 0.8^1.3 - 0.6 x 0.7^1.3) / (1 - 0.6 x 0.7^1.3). Its weight (0.5 - 0.4) / (0.8 - 0.4)
    = 0.25. Mixed: a balance of 200 baht that pays with chance 0.9 on the plan in full and 0.5 at the seen pace is
    projected to pay with chance 0.75 x 0.9 + 0.25 x 0.5 = 0.8; the gap 200 x (0.5 - 0.9) = -80 baht enters the band
    with variance 0.25 x 0.75 = 0.1875 per baht squared (80^2 x 0.1875 = 1,200 baht^2). With the mixture off
    (round 10) there is no other reading, and the chance stays the gate's 0.9. Before round 11 neither the other
    reading nor the mixture existed."""
    assert (timing.SEEN_MIX_LOW, timing.SEEN_MIX_HIGH, timing.SEEN_MIX_MEAN, timing.SEEN_MIX_BAND) == (
        0.4,
        0.8,
        True,
        True,
    )
    monkeypatch.setattr(timing, "HAZARD_PRIOR_BAHT", 100.0)
    plan = (np.array([0, 1]), np.array([0.0, 0.0]), np.array([100.0, 100.0]), np.array([100.0, 100.0]))
    a = 1.3
    assert (1 - (1 - 40 / 200) * (1 - 10 / 160)) / 0.6**a < 0.6  # the floor holds
    full = (0.8**a - 0.7**a) / (1 - 0.7**a)
    seen = (0.6 * 0.8**a - 0.6 * 0.7**a) / (1 - 0.6 * 0.7**a)
    advance = timing.Ledger.build(np.array([0, 1]), np.array([25, 45]), np.array([40.0, 10.0]), 2)
    hazards = timing.fit_hazards(advance, *plan, 60)
    assert hazards.hazard[7] == pytest.approx(full)
    assert hazards.other[7] == pytest.approx(seen)
    assert not hazards.seen_primary
    assert hazards.seen_weight == pytest.approx(0.25)
    assert timing.fit_hazards(advance, *plan, 60, contracts=False).other is None  # operating: one reading

    chance, gap, variance = timing.seen_mixture(np.array([0.9]), np.array([0.5]), np.array([200.0]), hazards)
    assert chance[0] == pytest.approx(0.8)
    assert gap[0] == pytest.approx(-80.0)
    assert variance == pytest.approx(0.1875)
    assert gap[0] ** 2 * variance == pytest.approx(1200.0)

    # The gate's reading kept, its band the mixture's around it: 0.25 x 0.75 + (0.25 - 0)^2 = 0.25.
    monkeypatch.setattr(timing, "SEEN_MIX_MEAN", False)
    chance, gap, variance = timing.seen_mixture(np.array([0.9]), np.array([0.5]), np.array([200.0]), hazards)
    assert (chance[0], gap[0], variance) == (pytest.approx(0.9), pytest.approx(-80.0), pytest.approx(0.25))
    monkeypatch.setattr(timing, "SEEN_MIX_BAND", False)
    assert timing.fit_hazards(advance, *plan, 60).other is None
