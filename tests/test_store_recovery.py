"""Crash leftovers and the writer lock (etl/store.py), with real processes.

A load killed with SIGKILL at each stage leaves the published database byte for byte as it
was; the next writer removes what the killed one left behind and says so. A writer that
finds the lock taken says who holds it and since when, and gives up with exit 2.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

import pytest

from etl.load import load_files
from tests.etl_fixtures import DISB_HEADERS, query, write_csv, write_projects

ROOT = Path(__file__).resolve().parents[1]
CUR = "งบประมาณปีปัจจุบัน"


@pytest.fixture()
def db(tmp_path) -> Path:
    path = tmp_path / "budget.duckdb"
    [result] = load_files([write_projects(tmp_path)], db_path=path)
    assert result.status == "loaded", result.message
    return path


def start_load(db: Path, path: Path, **env: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "etl", "--db", str(db), "load", str(path)],
        cwd=ROOT,
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, **env},
    )


def wait_for_line(stream, needle: str, timeout: float = 60) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = stream.readline()
        if needle in line:
            return line
        if not line:
            break
    raise AssertionError(f"never saw {needle!r}")


def leftovers(db: Path) -> list[str]:
    return sorted(p.name for p in db.parent.glob(f"{db.name}.writing-*"))


@pytest.mark.parametrize("point", ["copied", "staged", "before_commit", "before_publish"])
def test_kill_at_each_stage_leaves_the_store_as_it_was_and_the_next_writer_cleans_up(db, tmp_path, point):
    before = db.read_bytes()
    path = write_csv(tmp_path / "d.csv", [DISB_HEADERS, ["D1", "P01", "13/09/2562", "5.00", CUR]])
    child = start_load(db, path, BUDGET_ETL_PAUSE=f"{point}:60")
    wait_for_line(child.stderr, f"paused at {point}")
    os.kill(child.pid, signal.SIGKILL)
    child.wait(timeout=30)
    assert db.read_bytes() == before
    left = leftovers(db)
    assert f"{db.name}.writing-{child.pid}" in left  # the working copy of the store
    if point != "before_publish":
        assert f"{db.name}.writing-{child.pid}.inputs" in left  # the private copy of d.csv

    done = subprocess.run(
        [sys.executable, "-m", "etl", "--db", str(db), "load", str(path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"removed leftover {db.name}.writing-{child.pid}" in done.stderr
    assert f"pid {child.pid} is no longer running" in done.stderr
    assert leftovers(db) == []
    assert query(db, "SELECT doc_no, amount FROM disbursements") == [("D1", Decimal("5.00"))]


def test_a_waiting_writer_says_who_holds_the_lock_and_gives_up_with_exit_2(db, tmp_path):
    path = write_csv(tmp_path / "d.csv", [DISB_HEADERS, ["D1", "P01", "13/09/2562", "5.00", CUR]])
    holder = start_load(db, path, BUDGET_ETL_PAUSE="locked:60")
    try:
        wait_for_line(holder.stderr, "paused at locked")
        started = time.monotonic()
        waiter = start_load(db, path, BUDGET_LOCK_TIMEOUT="4")
        notice = wait_for_line(waiter.stderr, "waiting for another writer")
        noticed = time.monotonic() - started
        out, err = waiter.communicate(timeout=60)
        gave_up = time.monotonic() - started
    finally:
        holder.kill()
        holder.wait(timeout=30)
    assert f"pid {holder.pid}" in notice and "since" in notice
    assert noticed >= 2.0  # said after two seconds of waiting, not at once
    assert waiter.returncode == 2, out + err
    assert "locked by another writer" in err and "BUDGET_LOCK_TIMEOUT" in err and "Traceback" not in err
    assert 4.0 <= gave_up < 40
    assert query(db, "SELECT count(*) FROM disbursements") == [(0,)]


def test_lock_owner_file_is_removed_after_a_session(db, tmp_path):
    path = write_csv(tmp_path / "d.csv", [DISB_HEADERS, ["D1", "P01", "13/09/2562", "5.00", CUR]])
    load_files([path], db_path=db)
    assert not Path(f"{db}.lock.owner").exists()
    assert leftovers(db) == []
