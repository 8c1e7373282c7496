"""Helpers of the projection tests that build tiny years through the real ETL (tests/test_projection_*.py)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

from budget_metrics import Filters
from budget_metrics import projection as P
from budget_metrics.projection import project_projection
from etl.load import load_files
from tests.etl_fixtures import PROJECT_COLUMNS, write_csv


def be_date(day: date) -> str:
    """A date as the government files type it: d/m/yyyy in the Buddhist era."""
    return f"{day:%d/%m}/{day.year + 543}"


@contextmanager
def projection_setting(monkeypatch, name: str, value) -> Iterator[None]:
    """The projection model with one of its settings (budget_metrics.projection.NAME) set to `value` inside the block
    and back after it; the model cache is cleared on the way in and out, so neither side reads the other's model."""
    with monkeypatch.context() as patch:
        patch.setattr(P, name, value)
        P._cached_model.cache_clear()
        try:
            yield
        finally:
            P._cached_model.cache_clear()


def unsigned_chance(as_of: date) -> float:
    """The one chance of signing by 30 Sep the projection gives every unsigned investment project on `as_of`."""
    projects = project_projection(Filters(as_of=as_of))
    chances = projects.loc[projects["basis"] == "no_contract", "signing_chance"].unique()
    assert len(chances) == 1
    return float(chances[0])


def investment_year(tmp_path: Path, monkeypatch, signed: int, projects: int = 100) -> None:
    """Province 50: `projects` investment projects of 1,000,000 baht; the first `signed` of them signed a contract
    (950,000 baht) on 1 Nov 2018, running to 31 Mar 2019; the rest unsigned on 31 Dec 2018 (BUDGET_DB set to it)."""
    rows = []
    for number in range(projects):
        contract = (
            ["950,000.00", be_date(date(2018, 11, 1)), "", be_date(date(2019, 3, 31))]
            if number < signed
            else ["", "", "", ""]
        )
        rows.append([f"W{number:03d}", "2562", "50", "weir", "investment", "Works", "1,000,000.00", *contract])
    db = tmp_path / "investment_year.duckdb"
    load_files([write_csv(tmp_path / "projects.csv", [PROJECT_COLUMNS, *rows])], db_path=db)
    monkeypatch.setenv("BUDGET_DB", str(db))
