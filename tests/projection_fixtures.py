"""Helpers of the projection tests that build tiny years through the real ETL (tests/test_projection_*.py)."""

from __future__ import annotations

from datetime import date

from budget_metrics import Filters
from budget_metrics.projection import project_projection


def be_date(day: date) -> str:
    """A date as the government files type it: d/m/yyyy in the Buddhist era."""
    return f"{day:%d/%m}/{day.year + 543}"


def unsigned_chance(as_of: date) -> float:
    """The one chance of signing by 30 Sep the projection gives every unsigned investment project on `as_of`."""
    projects = project_projection(Filters(as_of=as_of))
    chances = projects.loc[projects["basis"] == "no_contract", "signing_chance"].unique()
    assert len(chances) == 1
    return float(chances[0])
