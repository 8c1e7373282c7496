"""Shared fixtures: one demo database per test session, built through the real ETL path."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory) -> Path:
    """A DuckDB file holding the demo data, generated and loaded by the ETL (built once).

    Sets BUDGET_DB for the session so the read side and the dashboard use it.
    Tests that change data must copy it first (see `demo_db_copy`).
    """
    from etl.demo_data import write_demo_files
    from etl.load import load_files

    folder = tmp_path_factory.mktemp("demo")
    db_path = folder / "budget.duckdb"
    totals = write_demo_files(folder / "files", seed=2562)
    load_files([folder / "files"], db_path=db_path)
    os.environ["BUDGET_DB"] = str(db_path)
    (folder / "totals.repr").write_text(repr(totals))
    return db_path


@pytest.fixture()
def demo_db_copy(demo_db, tmp_path, monkeypatch) -> Path:
    """A private copy of the demo database for a test that loads more data into it."""
    copy = tmp_path / "budget.duckdb"
    shutil.copyfile(demo_db, copy)
    monkeypatch.setenv("BUDGET_DB", str(copy))
    return copy


@pytest.fixture(scope="session")
def screenshots_dir() -> Path:
    """artifacts/screenshots/: page screenshots and rendered PDF pages kept by the tests."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
