"""Shared fixtures: one demo database per test session, built through the real ETL path."""

from __future__ import annotations

import os
import re
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
def demo_years_files(tmp_path_factory) -> tuple[Path, dict]:
    """The three-year demo's input files as `etl.demo.write_demo_years(seed=2562)` writes them in this
    process: (folder holding `<fiscal year>/`, {fiscal year: the generator's totals})."""
    from etl.demo import write_demo_years

    folder = tmp_path_factory.mktemp("demo_years_files")
    return folder, write_demo_years(folder, seed=2562)


@pytest.fixture(scope="session")
def demo_years_db(demo_years_files, tmp_path_factory) -> Path:
    """A DuckDB file holding the three-year demo (FY2561-FY2563) made by `python -m etl demo` run as
    an administrator (and `tasks.py dashboard`) runs it: a subprocess, with BUDGET_DB and
    BUDGET_DEMO_DIR pointing into a folder of its own. It writes the files (seed 2562), loads
    them and freezes every Friday with data of every year. Built once per test run: every test
    using it is in the xdist group "demo_years" (pytest_collection_modifyitems below).

    Does NOT set BUDGET_DB (the session's `demo_db` does): a test using it points the read side at
    it itself (`monkeypatch.setenv("BUDGET_DB", str(demo_years_db))`) and copies it before changing
    it. Next to it: `files/<fiscal year>/`, the files the command wrote; `etl_demo.json`, the
    command's exit code and output; `totals.repr`, the generator's totals per year ({fiscal year:
    totals}) from `demo_years_files` (the same seed, generated in this process).
    """
    import json
    import subprocess
    import sys

    folder = tmp_path_factory.mktemp("demo_years")
    db_path = folder / "budget.duckdb"
    env = {**os.environ, "BUDGET_DB": str(db_path), "BUDGET_DEMO_DIR": str(folder / "files")}
    done = subprocess.run(
        [sys.executable, "-m", "etl", "demo"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=900,
    )
    (folder / "etl_demo.json").write_text(
        json.dumps({"returncode": done.returncode, "stdout": done.stdout, "stderr": done.stderr}), encoding="utf-8"
    )
    # 1: loaded with the demo's deliberate rejects; anything else fails every test that needs the store
    assert done.returncode in (0, 1), done.stdout + done.stderr
    (folder / "totals.repr").write_text(repr(demo_years_files[1]))
    return db_path


class NationalExport:
    """The demo's national export as of a date (`Filters(as_of=...)` on `demo_db`), as the CLI's `export` makes
    it: the bundle built once (`build_bundle`), each format written once into a folder of its own (`paths(fmt)`,
    what `export_files` returns), the workbook opened once (`workbook`). Shared by the modules that read the
    national files of 13 Sep 2019 or 31 May 2019 and change nothing in them (docs/benchmarks.md "Test suite
    time, part 17"): a test that writes a file writes it into its own tmp_path."""

    def __init__(self, as_of, folder: Path) -> None:
        self.as_of = as_of
        self._folder = folder
        self._bundle = None
        self._paths: dict[str, list[Path]] = {}
        self._workbook = None

    @property
    def bundle(self):
        if self._bundle is None:
            from budget_metrics import Filters
            from exports.export import build_bundle

            self._bundle = build_bundle(Filters(as_of=self.as_of))
        return self._bundle

    def paths(self, fmt: str) -> list[Path]:
        """The files of one format (xlsx, pdf, csv), written on first use."""
        if fmt not in self._paths:
            from exports.export import write_bundle

            self._paths[fmt] = write_bundle(self.bundle, fmt, self._folder / fmt)
        return list(self._paths[fmt])

    @property
    def workbook(self):
        """The workbook opened with openpyxl (a few CPU seconds a time): read cells only."""
        if self._workbook is None:
            import openpyxl

            [book] = self.paths("xlsx")
            self._workbook = openpyxl.load_workbook(book)
        return self._workbook


@pytest.fixture(scope="session")
def national_exports(demo_db, tmp_path_factory):
    """`national_exports(as_of)`: the demo's national export as of that date (NationalExport), made once
    per worker."""
    made: dict = {}

    def of(as_of) -> NationalExport:
        if as_of not in made:
            made[as_of] = NationalExport(as_of, tmp_path_factory.mktemp(f"national_export_{as_of:%Y%m%d}"))
        return made[as_of]

    return of


@pytest.fixture(scope="session")
def national_export(national_exports) -> NationalExport:
    """The national export of 13 Sep 2019 on the demo (NationalExport)."""
    from datetime import date

    return national_exports(date(2019, 9, 13))


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
# Shared browser fixtures (docs/benchmarks.md "Test suite time"): a Streamlit server per configuration and
# one Chromium per worker, instead of one of each per module. Pages, not servers, are per test.
# --------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def demo_snapshots_db(demo_db, tmp_path_factory) -> Path:
    """A copy of the demo database holding the weekly snapshots of 6 and 13 Sep 2019
    (browser_support.SNAPSHOT_DATES), built once per worker. Shared: tests only read it."""
    from tests.browser_support import SNAPSHOT_DATES, snapshotted_copy

    return snapshotted_copy(demo_db, tmp_path_factory.mktemp("demo_snapshots"), SNAPSHOT_DATES)


@pytest.fixture(scope="session")
def demo_server(demo_db, tmp_path_factory) -> str:
    """Base URL of one `streamlit run` server per worker on the demo database (the session's
    application store, local mode). For tests that open pages and change nothing on the server."""
    from tests.browser_support import require_chromium, streamlit_server

    require_chromium()
    with streamlit_server(demo_db, tmp_path_factory.mktemp("demo_server") / "streamlit.log") as url:
        yield url


@pytest.fixture(scope="session")
def snapshots_server(demo_snapshots_db, tmp_path_factory) -> str:
    """Base URL of one `streamlit run` server per worker on `demo_snapshots_db`; read only, like
    `demo_server`."""
    from tests.browser_support import require_chromium, streamlit_server

    require_chromium()
    with streamlit_server(demo_snapshots_db, tmp_path_factory.mktemp("snapshots_server") / "streamlit.log") as url:
        yield url


class SharedChromium:
    """The worker's Chromium, launched on first use. Between sync calls Playwright leaves an
    asyncio loop marked as running in the thread, which other tests' asyncio code (AppTest)
    must not meet: `pytest_runtest_teardown` below closes it when the next test does not use
    it, and the next use launches it again. Other attributes are the live Browser's
    (`new_context`: a context of the test's own, e.g. to sign in or add an init script)."""

    def __init__(self) -> None:
        self._stack = None
        self._browser = None
        self._contexts: dict[str, object] = {}
        self._anchors: dict[str, object] = {}  # context key -> the page kept open in it (SharedContext.close)

    def __getattr__(self, name: str):
        from playwright.sync_api import Browser

        if name.startswith("_") or not hasattr(Browser, name):  # e.g. pytest looking for its marks
            raise AttributeError(name)
        return getattr(self.launched(), name)

    def launched(self):
        """The running Browser (launched now if it is not running)."""
        from contextlib import ExitStack

        from tests.browser_support import chromium_browser

        if self._browser is None or not self._browser.is_connected():
            self.close()
            self._stack = ExitStack()
            self._browser = self._stack.enter_context(chromium_browser())
        return self._browser

    def shared_context(self, **options) -> "SharedContext":
        """Pages in the worker's context for these Playwright context `options` (viewport,
        is_mobile, color_scheme...), used like a context of the test's own: `new_page()`, `pages`,
        `close()` (which closes the pages it opened, not the context). Each page is a new
        Streamlit session, but the context keeps the browser's cache of Streamlit's scripts: a
        page loads in about half the CPU it takes in a new context. Cookies and storage are
        shared too; the dashboard keeps nothing there, but a test that signs in or changes the
        context (add_init_script, route) makes its own with `new_context`."""
        import json

        key = json.dumps(options, sort_keys=True)
        if key not in self._contexts:
            self._contexts[key] = self.launched().new_context(**options)
        return SharedContext(self._contexts[key], self._anchors, key)

    def close(self) -> None:
        stack, self._stack, self._browser, self._contexts, self._anchors = self._stack, None, None, {}, {}
        if stack is not None:
            stack.close()


class SharedContext:
    """A test's share of a shared browser context (SharedChromium.shared_context)."""

    def __init__(self, context, anchors: dict[str, object], key: str) -> None:
        self._context = context
        self._anchors, self._key = anchors, key
        self.pages: list = []

    def new_page(self):
        """A new page in the shared context."""
        page = self._context.new_page()
        self.pages.append(page)
        return page

    def close(self) -> None:
        """Close the pages this test opened; the context stays for the next test. The first page that
        showed a test server is kept instead, parked on the server's health check (a plain text page, no
        Streamlit session): with `--process-per-site` (tests/browser_support.py) the next tests' pages
        then start in its renderer process, which has Streamlit's scripts compiled already, instead of a
        new one (about 0.2 CPU-s and 0.7 s less per page: docs/benchmarks.md "Test suite time, part 4")."""
        for page in self.pages:
            if page.is_closed():
                continue
            origin = re.match(r"http://(127\.0\.0\.1|localhost):\d+", page.url)
            if self._key not in self._anchors and origin:
                page.goto(origin.group(0) + "/_stcore/health")
                self._anchors[self._key] = page
            elif self._anchors.get(self._key) is not page:
                page.close()


_SHARED_CHROMIUM = SharedChromium()


@pytest.fixture(scope="session")
def chromium() -> SharedChromium:
    """The worker's headless Debian Chromium (SharedChromium): `chromium.shared_context(viewport=...)`
    for pages that only look at the dashboard, `chromium.new_context(...)` for a context of the
    test's own; close what you open."""
    from tests.browser_support import require_chromium

    require_chromium()
    yield _SHARED_CHROMIUM
    _SHARED_CHROMIUM.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    yield  # the test's fixtures are finalized first: contexts close before their browser
    if nextitem is None or "chromium" not in nextitem.fixturenames:
        _SHARED_CHROMIUM.close()


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
        pytest.fail(
            f"PostgreSQL did not start, so the PostgreSQL half of the application-store tests cannot run: {problem}",
            pytrace=False,
        )
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
_SHARED_SERVERS = {"demo_server", "snapshots_server"}  # the shared servers above (one group each)
_BROWSER_FIXTURES = {"chromium", *_SHARED_SERVERS}  # the shared ones above


def _uses_browser(item) -> bool:
    """A test (or one of its fixtures) starts a real Streamlit server or Chromium."""
    import inspect

    if item.module.__name__.rsplit(".", 1)[-1].startswith("test_browser"):
        return True
    if _BROWSER_FIXTURES & set(getattr(item, "fixturenames", ())):
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


def _module_scoped(item) -> bool:
    """The test uses a module- or class-scoped fixture (set up once for the tests sharing it)."""
    definitions = getattr(item, "_fixtureinfo", None)
    return any(
        definition.scope in ("module", "class")
        for chain in (definitions.name2fixturedefs.values() if definitions else ())
        for definition in chain
    )


# Tests on the three-year demo store share one xdist group, so `python -m etl demo` runs once per run.
_DEMO_YEARS_FIXTURES = {"demo_years_db", "demo_years_files"}
DEMO_YEARS_GROUP = "demo_years"


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist's own hook reads the xdist_group marks
def pytest_collection_modifyitems(config, items) -> None:
    """Mark the browser tests and group the tests for `-n 2` (`--dist loadgroup --no-loadscope-reorder`,
    pytest.ini): the tests of a module that share a module-scoped fixture (a server, a database copy)
    stay on one xdist worker, every test on the three-year demo store (`demo_years_db`) is in one
    group, so that store is built once, and so are all the modules on `demo_server` (one group) and all
    those on `snapshots_server` (another), so each shared server starts on one worker only. Order of
    the work handed out: the demo-years group (the longest), the browser groups (biggest first), the
    other groups, then the single tests, which fill in at the end so the two workers finish together
    (docs/benchmarks.md "Test suite time", part 7)."""
    browser = set()
    group_of: dict[str, str] = {}
    for item in items:
        if _uses_browser(item):
            item.add_marker(pytest.mark.browser)
            browser.add(item.nodeid)
        if _DEMO_YEARS_FIXTURES & set(getattr(item, "fixturenames", ())):
            group_of[item.nodeid] = DEMO_YEARS_GROUP
        elif item.nodeid in browser or _module_scoped(item):
            group_of[item.nodeid] = item.module.__name__.rsplit(".", 1)[-1]
    # The modules on one shared server (demo_server, snapshots_server) go to one worker together, so each
    # server (and demo_snapshots_db under it) starts once per run instead of on both workers
    # (docs/benchmarks.md "Test suite time, part 7").
    servers_of: dict[str, set[str]] = {}
    for item in items:
        module = item.module.__name__.rsplit(".", 1)[-1]
        servers_of.setdefault(module, set()).update(_SHARED_SERVERS & set(getattr(item, "fixturenames", ())))
    for item in items:
        module = item.module.__name__.rsplit(".", 1)[-1]
        if group_of.get(item.nodeid) == module and len(servers_of[module]) == 1:
            group_of[item.nodeid] = next(iter(servers_of[module]))
    for item in items:
        if item.nodeid in group_of:
            item.add_marker(pytest.mark.xdist_group(group_of[item.nodeid]))
    sizes: dict[str, int] = {}
    browser_groups = set()
    for item in items:
        group = group_of.get(item.nodeid)
        if group is not None:
            sizes[group] = sizes.get(group, 0) + 1
            if item.nodeid in browser:
                browser_groups.add(group)

    def rank(item) -> tuple[int, int]:
        group = group_of.get(item.nodeid)
        if group == DEMO_YEARS_GROUP:
            return (0, 0)
        if group in browser_groups:
            return (1, -sizes[group])
        return (2, 0) if group is not None else (3, 0)

    items.sort(key=rank)  # stable: collection order within each rank
    _name_the_groups(config, items, group_of)


def _name_the_groups(config, items, group_of: dict[str, str]) -> None:
    """Give each grouped test the id `<node id>@<group>` that `--dist loadgroup` schedules by.

    pytest-xdist 3.8 does this by setting `item._nodeid`, but pytest 9.2 takes a node's id from
    `item._id` (a NodeId), so that rename is lost and loadgroup hands the grouped tests out one by
    one like `--dist load`: a module's tests were split over both workers and interleaved with other
    modules, so module-scoped servers and database copies were built again and again (the three-year
    demo of test_demo_snapshots twice in one run). Only on an xdist worker with loadgroup."""
    if not getattr(config.option, "loadgroup", False):
        return
    from _pytest.nodeid import NodeId

    for item in items:
        group = group_of.get(item.nodeid)
        if group is not None and not item.nodeid.endswith(f"@{group}") and hasattr(item, "_id"):
            item._id = NodeId.parse(f"{item.nodeid}@{group}")
