"""Round 8 of issue 17 (docs/projection.md, "Round 8 of issue 17"): the spread of the owners' pace factors has a
ceiling (payment_timing.TAU2_CEILING). Every expected value is hand arithmetic on the numbers given."""

from __future__ import annotations

import math

import numpy as np
import pytest

from budget_metrics import payment_timing as timing


def test_owner_pace_spread_has_a_ceiling():
    """Four owners, 100 baht expected of each over their passed steps; two paid 272, two paid 37. The cushion is
    2% of the median expected, 2 baht, so the raw log ratios are ln(274 / 102) = 0.98816 and ln(39 / 102) =
    -0.96141. Each owner's sampling variance is (residual^2 + 2^2) / 102^2 = 0.1 with residual^2 = 1036.4. The
    spread between the owners is ((0.98816 + 0.96141) / 2)^2 = 0.95021, less the sampling variance 0.1: 0.85021
    — a spread of paces from x0.4 to x2.5 that early, lumpy steps show but that no well-seen reading does. It is
    capped at 0.1, so each raw log ratio keeps 0.1 / (0.1 + 0.1) = half of itself (0.49408; without the ceiling
    0.85021 / 0.95021 of it, 0.88417), and its variance is half of 0.1."""
    groups = np.arange(4)
    actual = np.array([272.0, 37.0, 272.0, 37.0])
    expected = np.full(4, 100.0)
    residual2 = np.full(4, 0.1 * 102**2 - 4)
    factors = timing.pace_factors(groups, 4, actual, expected, residual2)
    high, low = math.log(274 / 102), math.log(39 / 102)
    assert high == pytest.approx(0.98816, abs=1e-5) and low == pytest.approx(-0.96141, abs=1e-5)
    assert factors.tau2 == pytest.approx(0.1)
    assert factors.log_factor == pytest.approx([0.5 * high, 0.5 * low, 0.5 * high, 0.5 * low])
    assert factors.log_factor[0] == pytest.approx(0.49408, abs=1e-5)
    assert factors.variance == pytest.approx(np.full(4, 0.05))


def test_owner_pace_spread_below_the_ceiling_is_as_measured():
    """The same owners paying 110 and 91: raw ln(112 / 102) = 0.09353 and ln(93 / 102) = -0.09237, sampling
    variance (6 + 4) / 102^2 = 0.00096117 with residual^2 = 6; the spread 0.09295^2 = 0.0086397 less it is
    0.0076785, under the floor 0.01: the floor, not the ceiling, decides (0.01 / (0.01 + 0.00096117) of each)."""
    groups = np.arange(4)
    actual = np.array([110.0, 91.0, 110.0, 91.0])
    factors = timing.pace_factors(groups, 4, actual, np.full(4, 100.0), np.full(4, 6.0))
    sampling = 10 / 102**2
    assert factors.tau2 == pytest.approx(0.01)
    assert factors.log_factor[0] == pytest.approx(0.01 / (0.01 + sampling) * math.log(112 / 102))
