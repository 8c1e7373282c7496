"""`pytest -n 2` (the test command) keeps the tests that share an expensive fixture on one worker.

tests/conftest.py groups them (`--dist loadgroup`, pytest.ini): a module's tests that share a
module-scoped fixture, and every test on the three-year demo store (`demo_years_db`, built by
`python -m etl demo`) across modules. With pytest 9.2 and pytest-xdist 3.8 the group was silently
lost (xdist renames `item._nodeid`, which pytest 9.2 no longer reads) and the tests were handed out
one by one, so module fixtures and the three-year demo were built on both workers. Here a real
`pytest -n 2 --setup-plan` (collection and scheduling only: no fixture runs) reports through a small
plugin which worker ran each test.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PLUGIN = """
import os


def pytest_runtest_logstart(nodeid, location):
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if worker:  # the controller reports the same tests again
        with open(os.environ["WHO_RAN_FILE"], "a", encoding="utf-8") as handle:
            handle.write(f"{worker} {nodeid}\\n")
"""


def _workers_by_test(tmp_path: Path, *files: str) -> dict[str, set[str]]:
    """{test node id without its group suffix: the workers that ran it} of `pytest -n 2` over files."""
    (tmp_path / "who_ran.py").write_text(PLUGIN, encoding="utf-8")
    record = tmp_path / "who_ran.txt"
    # run from a worker of `pytest -n 2` itself, this test's own worker variables must not reach the
    # inner run's controller (which would then report as that worker)
    env = {key: value for key, value in os.environ.items() if not key.startswith("PYTEST_XDIST")}
    env.update(PYTHONPATH=str(tmp_path), WHO_RAN_FILE=str(record))
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-n", "2", "--setup-plan", "-q", "-p", "who_ran", "-p", "no:cacheprovider"]
        + list(files),
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert done.returncode in (0, 5), done.stdout[-3000:] + done.stderr[-3000:]
    found: dict[str, set[str]] = defaultdict(set)
    for line in record.read_text(encoding="utf-8").splitlines():
        worker, nodeid = line.split(" ", 1)
        found[nodeid.split("@")[0]].add(worker)
    return found


# browser modules on the worker's shared servers (tests/conftest.py `demo_server`, `snapshots_server`)
SERVER_MODULES = {
    "demo_server": ("tests/test_browser_money.py", "tests/test_browser_lists.py", "tests/test_links.py"),
    "snapshots_server": ("tests/test_browser_area.py", "tests/test_browser_phone_tables.py"),
}


@pytest.fixture(scope="module")
def found(tmp_path_factory) -> dict[str, set[str]]:
    """Who ran what in `pytest -n 2` over test_exports_pace_break (two tests sharing the module
    fixture `files`, three exports), test_year_on_year and test_exports_years (tests of two modules
    on `demo_years_db`). Module-scoped, so this module is handed out with the groups, before the
    single tests at the end of a run (it takes a few tens of seconds)."""
    return _workers_by_test(
        tmp_path_factory.mktemp("who_ran"),
        "tests/test_exports_pace_break.py",
        "tests/test_year_on_year.py",
        "tests/test_exports_years.py",
        *SERVER_MODULES["demo_server"],
        *SERVER_MODULES["snapshots_server"],
    )


def test_a_modules_tests_and_the_three_year_store_tests_each_run_on_one_worker(found):
    pace_break = {nodeid: workers for nodeid, workers in found.items() if "test_exports_pace_break" in nodeid}
    assert len(pace_break) == 2, found
    assert len(set().union(*pace_break.values())) == 1, pace_break
    on_demo_years = {
        nodeid: workers
        for nodeid, workers in found.items()
        if "test_year_on_year" in nodeid or "test_exports_years.py::test_the_" in nodeid
    }
    assert len(on_demo_years) >= 9, found  # 7 + 2 tests; the third test of test_exports_years is on demo_db
    assert len(set().union(*on_demo_years.values())) == 1, on_demo_years


def test_the_modules_on_one_shared_server_run_on_one_worker(found):
    """All the modules on `demo_server` run on one worker, and all those on `snapshots_server` too, so each
    server (and the snapshotted copy under `snapshots_server`) starts once per run, not on both workers."""
    for server, modules in SERVER_MODULES.items():
        tests = {nodeid: workers for nodeid, workers in found.items() if nodeid.split("::")[0] in modules}
        assert {nodeid.split("::")[0] for nodeid in tests} == set(modules), (server, found)
        assert len(set().union(*tests.values())) == 1, (server, tests)
