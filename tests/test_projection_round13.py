"""Round 13 of issue 17 (docs/projection.md, "Round 13 of issue 17"): round 10's forecast of the money returned before
30 Sep (projection.RETURN_FORECAST, off since round 10) was measured again on the seen years with round 11's mixture,
not adopted, and removed: the projected rate is over the allocation known on the as-of date, for every project, area
and the path, and nothing is expected back. A year whose unsigned projects were cancelled and whose savings were
returned in the last two months (what the forecast read) through the real ETL; every expected value is hand
arithmetic on the numbers given."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from budget_metrics import Filters
from budget_metrics import projection as P
from budget_metrics.projection import area_projection, project_projection, projection_path
from etl.load import load_files
from tests.etl_fixtures import DISB_COLUMNS, PROJECT_COLUMNS, REALLOC_COLUMNS, write_csv

AS_OF = date(2019, 5, 31)


# Province 60. Two contracts signed long before the last 61 days (the signing chance is 0), three unsigned projects.
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
    ["R0", "15/03/2562", "U0", "", "1,500,000.00", "return", "cancelled"],  # U0 cancelled
    ["R1", "15/04/2562", "S1", "", "1,000,000.00", "return", "savings"],  # half S1's savings (2,000,000) returned
    ["R2", "10/05/2562", "U1", "", "2,000,000.00", "return", "cancelled"],  # U1 cancelled
]


def _load(folder: Path, name: str, headers: list[str], rows: list[list[str]], db: Path) -> None:
    load_files([write_csv(folder / name, [headers, *rows])], db_path=db)


@pytest.fixture()
def returning_year(tmp_path, monkeypatch) -> Path:
    db = tmp_path / "returning.duckdb"
    _load(tmp_path, "projects.csv", PROJECT_COLUMNS, PROJECTS, db)
    _load(tmp_path, "paid.csv", DISB_COLUMNS, PAID, db)
    _load(tmp_path, "moved.csv", REALLOC_COLUMNS, RETURNED, db)
    monkeypatch.setenv("BUDGET_DB", str(db))
    P._cached_model.cache_clear()
    yield db
    P._cached_model.cache_clear()


def test_no_forecast_of_the_money_returned():
    """The forecast and its settings are gone from the model (round 13)."""
    for name in ("RETURN_FORECAST", "RETURN_WINDOW_DAYS", "RETURN_SAVINGS", "_expected_returns", "_returns"):
        assert not hasattr(P, name), name


def test_rate_over_the_allocation_now(returning_year):
    """The province's allocation now: S1 10,000,000 - 1,000,000 returned, S2 10,000,000, U0 0 (cancelled), U1 0
    (cancelled), U2 3,000,000 = 22,000,000; 7,000,000 paid. Every rate is over it (and each project's over its own
    allocation now); no column speaks of an expected allocation."""
    projects = project_projection(Filters(as_of=AS_OF)).set_index("project_code")
    assert "expected_return" not in projects.columns and "expected_allocation" not in projects.columns
    assert projects.loc["S1", "current_allocation"] == pytest.approx(9_000_000.0)
    assert projects.loc["S1", "projected_pct"] == pytest.approx(100 * projects.loc["S1", "projected_disbursed"] / 9e6)
    assert projects.loc["U2", "projected_pct"] == pytest.approx(100 * projects.loc["U2", "projected_disbursed"] / 3e6)
    assert projects.loc["U2", "signing_chance"] == 0.0  # nothing signed in the last 61 days
    area = area_projection(Filters(as_of=AS_OF), "province").set_index("code")
    assert "expected_allocation" not in area.columns
    row = area.loc["60"]
    assert row["current_allocation"] == pytest.approx(22_000_000.0)
    assert row["pct_disbursed"] == pytest.approx(100 * 7_000_000 / 22_000_000)
    assert row["projected_pct"] == pytest.approx(100 * row["projected_disbursed"] / 22_000_000)
    assert row["baht_at_risk"] == pytest.approx(
        max(22_000_000 * row["target_year_end_pct"] / 100 - row["projected_disbursed"], 0), abs=0.01
    )
    assert row["projected_low_pct"] <= row["projected_pct"] <= row["projected_high_pct"]
    path = projection_path(Filters(as_of=AS_OF, province="60"))
    assert path["projected_pct"].iloc[0] == pytest.approx(100 * 7_000_000 / 22_000_000)
    assert path["projected_pct"].iloc[-1] == pytest.approx(row["projected_pct"])
