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


def test_31_may_2019_from_the_loaded_targets_table(demo_db):
    # targets.csv as loaded by the ETL; by hand: 54 + 2*(77-54)/3 and 45 + 2*(65-45)/3
    from budget_metrics.targets import target_pct

    assert target_pct(2562, "overall", date(2019, 5, 31)) == pytest.approx(54 + 2 * 23 / 3)
    assert round(target_pct(2562, "overall", date(2019, 5, 31)), 2) == 69.33
    assert target_pct(2562, "investment", date(2019, 5, 31)) == pytest.approx(45 + 2 * 20 / 3)
    assert round(target_pct(2562, "investment", date(2019, 5, 31)), 2) == 58.33


def test_status_thresholds_include_their_boundaries():
    from budget_metrics.targets import gap_status

    limits = {"watch_gap_points": 5, "behind_gap_points": 10}
    # issue 15: only a line at or above its target is on target; just below it is near target
    assert [gap_status(gap, limits) for gap in (0.5, 0.0, -0.01, -4.98, -5.0, -5.01, -10.0, -10.01, None)] == [
        "on_track",
        "on_track",
        "near_target",
        "near_target",
        "near_target",
        "watch",
        "watch",
        "behind",
        "no_data",
    ]


def test_target_line_money_is_exact(demo_db):
    from decimal import Decimal

    from budget_metrics.targets import target_line

    limits = {"watch_gap_points": 5, "behind_gap_points": 10}
    line = target_line("investment", 2562, date(2019, 3, 31), Decimal("1000000.00"), Decimal("400000.00"), limits)
    assert (line.pct, line.target_pct, line.gap_points) == (40.0, 45.0, -5.0)
    assert line.gap_baht == Decimal("-50000.00") and line.status == "near_target"
    empty = target_line("investment", 2562, date(2019, 3, 31), 0, 0, limits)
    assert (empty.pct, empty.gap_points, empty.gap_baht, empty.status) == (None, None, None, "no_data")
