"""The signing rate of unsigned investment projects (issue 17 round 3): it follows the last three weeks when
they clearly differ from the two-month window (signing that resumes after a freeze, or stops); and (round 5)
while at least a third of the investment allocation is unsigned, a stop of 14 days or more after the year's first
contract is a pause whose days the windows skip, the rate read so being a floor. Tiny years loaded through the
real ETL; every expected value is hand arithmetic on the contract dates."""

from __future__ import annotations

import math
from datetime import date, timedelta
from pathlib import Path

import pytest

from budget_metrics import Filters
from budget_metrics.projection import _binomial_tails, model_rates
from etl.load import load_files
from tests.etl_fixtures import PROJECT_COLUMNS, write_csv
from tests.projection_fixtures import be_date, projection_setting, unsigned_chance

AS_OF = date(2019, 5, 31)  # day 242 of FY2562 (1 Oct 2018 is day 0); 30 Sep 2019 is day 364: 122 days left
DAYS_LEFT = 122


def _year(tmp_path: Path, monkeypatch, signing_days: list[date], early: int = 140) -> None:
    """Province 50: `early` investment projects signed 1 Nov 2018 (before any window), and 100 more of which
    those in `signing_days` signed on those days (the rest have no contract by 31 May). All are allocated
    1,000,000 baht; with 140 early ones at most 66 of 240 (27.5%) are unsigned on 31 May, under the third that
    makes a stop a pause (round 5), so the round-3 rule alone decides."""
    rows = []
    for number in range(early):
        rows.append(
            [f"E{number:03d}", "2562", "50", "road", "investment", "Works", "1,000,000.00", "950,000.00"]
            + [be_date(date(2018, 11, 1)), "", be_date(date(2019, 3, 31))]
        )
    for number in range(100):
        signed = signing_days[number] if number < len(signing_days) else None
        contract = (
            ["950,000.00", be_date(signed), "", be_date(signed + timedelta(days=120))] if signed else ["", "", "", ""]
        )
        rows.append([f"W{number:03d}", "2562", "50", "weir", "investment", "Works", "1,000,000.00", *contract])
    db = tmp_path / "signing.duckdb"
    load_files([write_csv(tmp_path / "projects.csv", [PROJECT_COLUMNS, *rows])], db_path=db)
    monkeypatch.setenv("BUDGET_DB", str(db))


def test_signing_that_resumes_after_a_freeze_follows_the_last_weeks(tmp_path, monkeypatch):
    """Nothing signed from 31 Mar (61 days back) to 10 May (21 days back); 40 of the 100 waiting projects
    signed 15-30 May. Window: 40 of 100 in 61 days; last three weeks: 40 of 100 in 21 days — 2.9 times the
    window's daily rate, and 40 where the window's rate expects 100 x (1 - 0.6^(21/61)) = 16.1 (sd 3.7).
    So the daily rate is ln(1/0.6)/21 and the chance of signing by 30 Sep 1 - 0.6^(122/21) = 0.949
    (the 61-day rate alone gave 1 - 0.6^2 = 0.64)."""
    _year(tmp_path, monkeypatch, [date(2019, 5, 15) + timedelta(days=n % 16) for n in range(40)])
    assert unsigned_chance(AS_OF) == pytest.approx(1 - 0.6 ** (DAYS_LEFT / 21), abs=1e-9)
    assert model_rates(Filters(as_of=AS_OF)).signing_chance == pytest.approx(0.94857, abs=1e-4)


def test_signing_that_stops_follows_the_last_weeks(tmp_path, monkeypatch):
    """40 of the 100 signed in April (inside the 61-day window, before the last 21 days), none since 10 May.
    Window: 40 of 100; last three weeks: 0 of the 60 still waiting, where the window's rate expects
    60 x 0.16126 = 9.7 (sd 2.85): a normal tail of about 0.0006, under 1 in 100, and a rate below half the
    window's. So no more signing is expected (the 61-day rate gave 0.64)."""
    _year(tmp_path, monkeypatch, [date(2019, 4, 1) + timedelta(days=n % 30) for n in range(40)])
    assert unsigned_chance(AS_OF) == 0.0


def test_steady_signing_keeps_the_window(tmp_path, monkeypatch):
    """20 signed 1-30 Apr and 14 on 12-31 May: window 34 of 100, last three weeks 14 of 80 — a daily rate
    ln(80/66)/21 = 0.0092 against the window's ln(100/66)/61 = 0.0068: 1.3 times, not a change. The chance
    stays 1 - 0.66^(122/61) = 0.5644."""
    days = [date(2019, 4, 1) + timedelta(days=n) for n in range(20)]
    days += [date(2019, 5, 12) + timedelta(days=n) for n in range(14)]
    _year(tmp_path, monkeypatch, days)
    assert unsigned_chance(AS_OF) == pytest.approx(1 - 0.66**2, abs=1e-9)


def test_a_stop_while_much_is_unsigned_is_a_pause(tmp_path, monkeypatch):
    """Round 5. No early projects: 59 of the 100 signed one a day 1 Feb - 31 Mar (days 123-181), none since.
    On 31 May (day 242) 41 of 100 (41% of the allocation) are unsigned, at least a third, and days 182-242 are a
    run of 61 days without a signing after the year's first contract: a freeze, skipped. The windows then end on
    day 181: the 61 counted days 121-181 hold all 59 signings of the 100 unsigned on day 120, a daily rate
    ln(100/41)/61; the last 21 counted days (161-181) 21 signings of the 62 unsigned on day 160, ln(62/41)/21 —
    1.35 times, not a change. The calendar rule reads 0 of 41 in both windows (rate 0). The higher is kept:
    chance of signing by 30 Sep 1 - 0.41^(122/61) = 1 - 0.1681 = 0.8319 (round 3: 0)."""
    _year(tmp_path, monkeypatch, [date(2019, 2, 1) + timedelta(days=n) for n in range(59)], early=0)
    assert unsigned_chance(AS_OF) == pytest.approx(1 - 0.41**2, abs=1e-9)
    assert unsigned_chance(AS_OF) == pytest.approx(0.8319, abs=1e-9)


def test_a_stop_when_little_is_unsigned_is_the_end(tmp_path, monkeypatch):
    """The same signing with 140 projects signed 1 Nov besides: 41 of 240 unsigned (17%), under a third, so the
    stop counts as the end of the year's signing, as in round 3: both calendar windows read 0 of 41."""
    _year(tmp_path, monkeypatch, [date(2019, 2, 1) + timedelta(days=n) for n in range(59)], early=140)
    assert unsigned_chance(AS_OF) == 0.0


def test_the_weeks_before_the_first_contract_are_not_a_freeze(tmp_path, monkeypatch):
    """A late start, not a stop: nothing signed until 1 May (day 212), then one every other day 1-31 May (days
    212, 214, ..., 242: 16 projects). 84 of 100 unsigned. Days 1-211 have no signing but come before the year's
    first contract and there is no run of 14 days since, so nothing is skipped and the calendar rule stands: the
    window (days 182-242) 16 of 100, ln(100/84)/61 = 0.002858 a day; the last 21 days (222-242) 11 of the 95
    unsigned on day 221, ln(95/84)/21 = 0.00586, 2.05 times, but where the window's rate expects
    95 x (1 - e^(-0.002858 x 21)) = 5.54 (sd 2.28) 11 has a tail of about 0.015, not under 1 in 100. So the
    window's rate: 1 - 0.84^(122/61) = 0.2944. (Skipping days 1-211 would read 16 of 100 in 31 days: 0.496.)
    With 16 contracts, fewer than round 24's 50, the signing table weighs in at 1 - 16/50 = 0.68: its cell for 122
    days to 30 Sep (the row from 90 days) and 16% of the allocation signed (the column up to 30%) is 0.83, so the
    chance is 0.32 x 0.2944 + 0.68 x 0.83 = 0.658608; the rule above is read with the table off."""
    _year(tmp_path, monkeypatch, [date(2019, 5, 1) + timedelta(days=2 * n) for n in range(16)], early=0)
    assert unsigned_chance(AS_OF) == pytest.approx(0.32 * (1 - 0.84**2) + 0.68 * 0.83, abs=1e-9)
    with projection_setting(monkeypatch, "PAIR_FIRST_CONTRACTS", 0.0):
        assert unsigned_chance(AS_OF) == pytest.approx(1 - 0.84**2, abs=1e-9)


def test_binomial_tails_by_hand():
    # 100 trials at 0.5: mean 50, sd 5. P(X >= 60) ~ P(Z >= (59.5 - 50)/5 = 1.9) = 0.02872;
    # P(X <= 40) the same by symmetry; the mean itself is the middle (about one half).
    upper = 0.5 * math.erfc(1.9 / math.sqrt(2))
    assert _binomial_tails(60, 100, 0.5) == pytest.approx(upper)
    assert _binomial_tails(40, 100, 0.5) == pytest.approx(upper)
    assert upper == pytest.approx(0.02872, abs=1e-5)
    assert _binomial_tails(50, 100, 0.5) == pytest.approx(0.5 * math.erfc(-0.5 / 5 / math.sqrt(2)))
