"""Round 10 of issue 17 (docs/projection.md, "Round 10 of issue 17"): the allocation that 30 Sep will have. With
projection.RETURN_FORECAST on, the projected rate is over the allocation expected on 30 Sep — the allocation now
less the money expected to be returned by then, read from the year's own returns in the last two months; the
round studied it and kept it off (the default), which leaves every figure as before. A small year through the real
ETL; every expected value is hand arithmetic on the numbers given."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from budget_metrics import Filters
from budget_metrics import projection as P
from budget_metrics.projection import area_projection, project_projection, projection_path
from etl.load import load_files
from tests.etl_fixtures import DISB_COLUMNS, PROJECT_COLUMNS, REALLOC_COLUMNS, write_csv

AS_OF = date(2019, 5, 31)  # day 242 of the year; the window (61 days) starts after day 181, 31 Mar 2019


# Province 60. Two contracts signed long before the window (so no contract is signed in the last 61 days: the
# signing chance is 0 and every unsigned project is expected not to sign), three unsigned projects.
PROJECTS = [
    ["S1", "2562", "60", "road", "investment", "PAO", "10,000,000.00", "8,000,000.00", "01/11/2561", "", "30/09/2562"],
    ["S2", "2562", "60", "weir", "investment", "PAO", "10,000,000.00", "9,000,000.00", "01/12/2561", "", "30/09/2562"],
    ["U0", "2562", "60", "pond", "investment", "PAO", "1,500,000.00", "", "", "", ""],
    ["U1", "2562", "60", "hall", "investment", "PAO", "2,000,000.00", "", "", "", ""],
    ["U2", "2562", "60", "lights", "investment", "PAO", "3,000,000.00", "", "", "", ""],
]
PAID = [
    ["D1", "S1", "15/03/2562", "4,000,000.00", "current"],
    ["D2", "S2", "01/04/2562", "3,000,000.00", "current"],
]
RETURNED = [
    # U0 cancelled before the window: not read.
    ["R0", "15/03/2562", "U0", "", "1,500,000.00", "return", "cancelled"],
    # S1's savings (2,000,000) half returned in the window; S2 keeps its 1,000,000 of savings.
    ["R1", "15/04/2562", "S1", "", "1,000,000.00", "return", "savings"],
    # U1 cancelled in the window (all its money returned).
    ["R2", "10/05/2562", "U1", "", "2,000,000.00", "return", "cancelled"],
]


def _load(folder: Path, name: str, headers: list[str], rows: list[list[str]], db: Path) -> None:
    load_files([write_csv(folder / name, [headers, *rows])], db_path=db)


@pytest.fixture()
def returning_year(tmp_path, monkeypatch) -> Path:
    """The year, with the forecast of the money returned on (round 10 studied it and kept it off)."""
    monkeypatch.setattr(P, "RETURN_FORECAST", True)
    monkeypatch.setattr(P, "RETURN_WINDOW_DAYS", 61)
    monkeypatch.setattr(P, "RETURN_SAVINGS", True)
    monkeypatch.setattr(P, "RETURN_SAVINGS_BY_AGE", False)
    db = tmp_path / "returning.duckdb"
    _load(tmp_path, "projects.csv", PROJECT_COLUMNS, PROJECTS, db)
    _load(tmp_path, "paid.csv", DISB_COLUMNS, PAID, db)
    _load(tmp_path, "moved.csv", REALLOC_COLUMNS, RETURNED, db)
    monkeypatch.setenv("BUDGET_DB", str(db))
    P._cached_model.cache_clear()
    yield db
    P._cached_model.cache_clear()


def test_money_expected_back_by_hand(returning_year):
    """Of the unsigned projects waiting at the window's start (U1 2,000,000, U2 3,000,000), U1 was cancelled:
    share 2 / 5 = 0.4 over 61 days; over the 122 days left, 1 - 0.6^2 = 0.64 of the unsigned money expected not
    to sign leaves: U2 3,000,000 x (1 - 0) x 0.64 = 1,920,000. Of the contracts' savings at the window's start
    (S1 2,000,000, S2 1,000,000), 1,000,000 was returned: 1/3, over 122 days 1 - (2/3)^2 = 5/9 of the savings
    left now: S1 1,000,000 x 5/9 and S2 1,000,000 x 5/9 = 555,555.56 each. The province's allocation now is
    9,000,000 + 10,000,000 + 3,000,000 = 22,000,000, expected on 30 Sep 22,000,000 - 3,031,111.11 =
    18,968,888.89, and its projected rate is over that."""
    projects = project_projection(Filters(as_of=AS_OF)).set_index("project_code")
    assert projects.loc["U2", "signing_chance"] == 0.0  # nothing signed in the window
    expected = {"S1": 555_555.56, "S2": 555_555.56, "U0": 0.0, "U1": 0.0, "U2": 1_920_000.0}
    for code, value in expected.items():
        assert projects.loc[code, "expected_return"] == pytest.approx(value, abs=0.01), code
    assert projects.loc["U2", "expected_allocation"] == pytest.approx(1_080_000.0)

    area = area_projection(Filters(as_of=AS_OF), "province").set_index("code").loc["60"]
    assert area["current_allocation"] == pytest.approx(22_000_000.0)
    assert area["expected_allocation"] == pytest.approx(18_968_888.88, abs=0.02)
    assert area["pct_disbursed"] == pytest.approx(100 * 7_000_000 / 22_000_000)
    assert area["projected_pct"] == pytest.approx(100 * area["projected_disbursed"] / 18_968_888.88, abs=1e-6)
    assert area["projected_low_pct"] <= area["projected_pct"] <= area["projected_high_pct"]
    # The path ends on the area's rate over the expected allocation and starts on today's rate.
    path = projection_path(Filters(as_of=AS_OF, province="60"))
    assert path["projected_pct"].iloc[0] == pytest.approx(area["pct_disbursed"])
    assert path["projected_pct"].iloc[-1] == pytest.approx(area["projected_pct"])


def test_band_carries_the_uncertainty_of_the_money_expected_back(returning_year, monkeypatch):
    """The same year with the forecast off: the rate is over today's 22,000,000 and the band is narrower in
    baht (the returns' own spread is gone). U2's return is a yes/no outcome of chance 0.64 on 3,000,000:
    variance 3,000,000^2 x 0.64 x 0.36 alone, so the band in baht is wider with the forecast."""
    area = area_projection(Filters(as_of=AS_OF), "province").set_index("code").loc["60"]
    with_returns = (area["projected_high_pct"] - area["projected_low_pct"]) * area["expected_allocation"]
    monkeypatch.setattr(P, "RETURN_FORECAST", False)
    P._cached_model.cache_clear()
    off = area_projection(Filters(as_of=AS_OF), "province").set_index("code").loc["60"]
    assert off["expected_allocation"] == pytest.approx(22_000_000.0)
    assert off["projected_pct"] == pytest.approx(100 * off["projected_disbursed"] / 22_000_000)
    assert off["projected_disbursed"] == pytest.approx(area["projected_disbursed"])
    without = (off["projected_high_pct"] - off["projected_low_pct"]) * off["expected_allocation"]
    assert with_returns > without


def test_off_by_default_the_rate_is_over_the_allocation_now(returning_year, monkeypatch):
    """The model's default (RETURN_FORECAST off): nothing is expected back, the expected allocation is today's
    22,000,000 and the projected rate is over it, for the province and for each project."""
    monkeypatch.undo()
    monkeypatch.setenv("BUDGET_DB", str(returning_year))
    assert P.RETURN_FORECAST is False
    P._cached_model.cache_clear()
    projects = project_projection(Filters(as_of=AS_OF)).set_index("project_code")
    assert (projects["expected_return"] == 0).all()
    assert projects.loc["S1", "expected_allocation"] == pytest.approx(9_000_000.0)
    assert projects.loc["S1", "projected_pct"] == pytest.approx(100 * projects.loc["S1", "projected_disbursed"] / 9e6)
    area = area_projection(Filters(as_of=AS_OF), "province").set_index("code").loc["60"]
    assert area["expected_allocation"] == pytest.approx(22_000_000.0)
    assert area["projected_pct"] == pytest.approx(100 * area["projected_disbursed"] / 22_000_000)
