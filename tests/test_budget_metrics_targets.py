"""Target curve: linear by month between quarter ends, linear by day inside a month."""

from __future__ import annotations

from datetime import date

import pytest

from budget_metrics.targets import target_on

OVERALL = [32, 54, 77, 100]
INVESTMENT = [20, 45, 65, 88]


def test_published_figure_for_31_may_2019():
    # DOMAIN.md: the Comptroller General's published target for the first eight months.
    assert target_on(OVERALL, 2562, date(2019, 5, 31)) == pytest.approx(69.33, abs=0.005)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2018, 12, 31), 32.0),
        (date(2019, 3, 31), 54.0),
        (date(2019, 6, 30), 77.0),
        (date(2019, 9, 30), 100.0),
        (date(2018, 10, 31), 32 / 3),
        (date(2019, 1, 31), 32 + 22 / 3),
        (date(2018, 9, 30), 0.0),  # before the fiscal year
        (date(2019, 12, 1), 100.0),  # after it
    ],
)
def test_quarter_and_month_ends(day, expected):
    assert target_on(OVERALL, 2562, day) == pytest.approx(expected)


def test_linear_by_day_inside_a_month():
    # 15 Nov 2018: halfway between the end-Oct (32/3) and end-Nov (64/3) steps of Q1.
    end_oct, end_nov = 32 / 3, 64 / 3
    assert target_on(OVERALL, 2562, date(2018, 11, 15)) == pytest.approx(end_oct + (end_nov - end_oct) * 15 / 30)


def test_investment_row_at_q2_end():
    assert target_on(INVESTMENT, 2562, date(2019, 3, 31)) == pytest.approx(45.0)
    assert target_on(INVESTMENT, 2562, date(2019, 2, 28)) == pytest.approx(20 + 2 * 25 / 3)
