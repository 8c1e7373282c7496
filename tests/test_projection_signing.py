"""The signing rate of unsigned investment projects (issue 17 round 3): it follows the last three weeks when
they clearly differ from the two-month window (signing that resumes after a freeze, or stops). Tiny years
loaded through the real ETL; every expected value is hand arithmetic on the contract dates."""

from __future__ import annotations

import math
from datetime import date, timedelta
from pathlib import Path

import pytest

from budget_metrics import Filters
from budget_metrics.projection import _binomial_tails, model_rates, project_projection
from etl.load import load_files
from tests.etl_fixtures import write_csv

AS_OF = date(2019, 5, 31)  # day 242 of FY2562 (1 Oct 2018 is day 0); 30 Sep 2019 is day 364: 122 days left
DAYS_LEFT = 122
HEADERS = [
    "project_code",
    "fiscal_year",
    "owner",
    "project_name",
    "budget_type",
    "implementing_agency",
    "allocated_amount",
    "contract_amount",
    "contract_date",
    "planned_start",
    "planned_end",
]


def _be(day: date) -> str:
    return f"{day:%d/%m}/{day.year + 543}"


def _year(tmp_path: Path, monkeypatch, signing_days: list[date]) -> None:
    """Province 50: 60 investment projects signed 1 Nov 2018 (before any window), and 100 more of which
    those in `signing_days` signed on those days (the rest have no contract by 31 May)."""
    rows = []
    for number in range(60):
        rows.append(
            [f"E{number:03d}", "2562", "50", "road", "investment", "Works", "1,000,000.00", "950,000.00"]
            + [_be(date(2018, 11, 1)), "", _be(date(2019, 3, 31))]
        )
    for number in range(100):
        signed = signing_days[number] if number < len(signing_days) else None
        contract = ["950,000.00", _be(signed), "", _be(signed + timedelta(days=120))] if signed else ["", "", "", ""]
        rows.append([f"W{number:03d}", "2562", "50", "weir", "investment", "Works", "1,000,000.00", *contract])
    db = tmp_path / "signing.duckdb"
    load_files([write_csv(tmp_path / "projects.csv", [HEADERS, *rows])], db_path=db)
    monkeypatch.setenv("BUDGET_DB", str(db))


def _unsigned_chance() -> float:
    projects = project_projection(Filters(as_of=AS_OF))
    chances = projects.loc[projects["basis"] == "no_contract", "signing_chance"].unique()
    assert len(chances) == 1
    return float(chances[0])


def test_signing_that_resumes_after_a_freeze_follows_the_last_weeks(tmp_path, monkeypatch):
    """Nothing signed from 31 Mar (61 days back) to 10 May (21 days back); 40 of the 100 waiting projects
    signed 15-30 May. Window: 40 of 100 in 61 days; last three weeks: 40 of 100 in 21 days — 2.9 times the
    window's daily rate, and 40 where the window's rate expects 100 x (1 - 0.6^(21/61)) = 16.1 (sd 3.7).
    So the daily rate is ln(1/0.6)/21 and the chance of signing by 30 Sep 1 - 0.6^(122/21) = 0.949
    (the 61-day rate alone gave 1 - 0.6^2 = 0.64)."""
    _year(tmp_path, monkeypatch, [date(2019, 5, 15) + timedelta(days=n % 16) for n in range(40)])
    assert _unsigned_chance() == pytest.approx(1 - 0.6 ** (DAYS_LEFT / 21), abs=1e-9)
    assert model_rates(Filters(as_of=AS_OF)).signing_chance == pytest.approx(0.94857, abs=1e-4)


def test_signing_that_stops_follows_the_last_weeks(tmp_path, monkeypatch):
    """40 of the 100 signed in April (inside the 61-day window, before the last 21 days), none since 10 May.
    Window: 40 of 100; last three weeks: 0 of the 60 still waiting, where the window's rate expects
    60 x 0.16126 = 9.7 (sd 2.85): a normal tail of about 0.0006, under 1 in 100, and a rate below half the
    window's. So no more signing is expected (the 61-day rate gave 0.64)."""
    _year(tmp_path, monkeypatch, [date(2019, 4, 1) + timedelta(days=n % 30) for n in range(40)])
    assert _unsigned_chance() == 0.0


def test_steady_signing_keeps_the_window(tmp_path, monkeypatch):
    """20 signed 1-30 Apr and 14 on 12-31 May: window 34 of 100, last three weeks 14 of 80 — a daily rate
    ln(80/66)/21 = 0.0092 against the window's ln(100/66)/61 = 0.0068: 1.3 times, not a change. The chance
    stays 1 - 0.66^(122/61) = 0.5644."""
    days = [date(2019, 4, 1) + timedelta(days=n) for n in range(20)]
    days += [date(2019, 5, 12) + timedelta(days=n) for n in range(14)]
    _year(tmp_path, monkeypatch, days)
    assert _unsigned_chance() == pytest.approx(1 - 0.66**2, abs=1e-9)


def test_binomial_tails_by_hand():
    # 100 trials at 0.5: mean 50, sd 5. P(X >= 60) ~ P(Z >= (59.5 - 50)/5 = 1.9) = 0.02872;
    # P(X <= 40) the same by symmetry; the mean itself is the middle (about one half).
    upper = 0.5 * math.erfc(1.9 / math.sqrt(2))
    assert _binomial_tails(60, 100, 0.5) == pytest.approx(upper)
    assert _binomial_tails(40, 100, 0.5) == pytest.approx(upper)
    assert upper == pytest.approx(0.02872, abs=1e-5)
    assert _binomial_tails(50, 100, 0.5) == pytest.approx(0.5 * math.erfc(-0.5 / 5 / math.sqrt(2)))
