"""Shared fixtures: one demo database per test session, built through the real ETL path."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"


@pytest.fixture(scope="session", autouse=True)
def private_app_store(tmp_path_factory) -> str:
    """An application store of the test session's own (BUDGET_APP_DB), so the dashboard the
    tests start, the snapshots they take and the exports they write never read or create the
    working copy's data/app.sqlite. Tests that need an empty store of a backend use `app_db_url`."""
    url = f"sqlite:///{tmp_path_factory.mktemp('appstore') / 'app.sqlite'}"
    os.environ["BUDGET_APP_DB"] = url
    return url


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


@pytest.fixture(scope="session")
def demo_years_db(tmp_path_factory) -> Path:
    """A DuckDB file holding the three-year demo (FY2561-FY2563) as `python -m etl demo` makes it:
    `etl.demo.write_demo_years(seed=2562)` loaded by the ETL, then the weekly snapshot of every
    Friday with data of every year (built once per test process).

    Does NOT set BUDGET_DB (the session's `demo_db` does): a test using it points the read side at
    it itself (`monkeypatch.setenv("BUDGET_DB", str(demo_years_db))`) and copies it before changing
    it. Next to it: `totals.repr`, the generator's totals per year ({fiscal year: totals}), and the
    input files under `files/<fiscal year>/`.
    """
    from etl.demo import DEMO_YEARS, write_demo_years, year_folder
    from etl.load import load_files
    from etl.snapshot import take_demo_snapshots

    folder = tmp_path_factory.mktemp("demo_years")
    db_path = folder / "budget.duckdb"
    totals = write_demo_years(folder / "files", seed=2562)
    load_files([year_folder(folder / "files", year.fiscal_year) for year in DEMO_YEARS], db_path=db_path)
    take_demo_snapshots(db_path, log=lambda line: None)
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


# --------------------------------------------------------------------------------------
# Application store (appstore/): tests run on SQLite and on a PostgreSQL the session starts
# --------------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def postgres_server():
    """A private PostgreSQL server for this test process (tests/pg_support.py).

    When it cannot start, every test that needs it FAILS with the reason (never skips).
    """
    from tests.pg_support import PostgresUnavailable, start_postgres

    try:
        server, problem = start_postgres(), None
    except PostgresUnavailable as error:
        server, problem = None, str(error)
    if problem is not None:
        pytest.fail(f"PostgreSQL did not start, so the PostgreSQL half of the application-store tests "
                    f"cannot run: {problem}", pytrace=False)
    yield server
    server.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def app_db_url(request, tmp_path, monkeypatch) -> str:
    """An empty application store, once on a SQLite file and once on a fresh PostgreSQL
    database; BUDGET_APP_DB points at it for the test (and for subprocesses it starts)."""
    from appstore import db, migrate

    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'app.sqlite'}"
        server = None
    else:
        server = request.getfixturevalue("postgres_server")
        url = server.create_database()
    monkeypatch.setenv("BUDGET_APP_DB", url)
    yield url
    db.dispose(url)
    migrate.forget(url)
    if server is not None:
        server.drop_database(url)


# --------------------------------------------------------------------------------------
# Markers: `-m "not browser"` is the quick loop (no Streamlit server, no Chromium)
# --------------------------------------------------------------------------------------

_BROWSER_WORDS = ("chromium_browser", "streamlit_server", "serve_cluster")


def _uses_browser(item) -> bool:
    """A test (or one of its fixtures) starts a real Streamlit server or Chromium."""
    import inspect

    if item.module.__name__.rsplit(".", 1)[-1].startswith("test_browser"):
        return True
    functions = [getattr(item, "function", None)]
    manager = item.session._fixturemanager
    for name in getattr(item, "fixturenames", ()):
        for definition in manager.getfixturedefs(name, item) or ():
            functions.append(definition.func)
    for function in functions:
        try:
            source = inspect.getsource(function) if function is not None else ""
        except (OSError, TypeError):
            continue
        if any(word in source for word in _BROWSER_WORDS):
            return True
    return False


def pytest_collection_modifyitems(config, items) -> None:
    for item in items:
        if _uses_browser(item):
            item.add_marker(pytest.mark.browser)
