"""Helpers for the application-store tests: plain SQL on the store (not through appstore),
demo projects picked by plain SQL on the demo DuckDB file, and processes started at the same moment.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from tests.etl_fixtures import query

KALASIN, KHON_KAEN, CHIANG_MAI = "46", "40", "50"  # DOPA codes; Kalasin and Khon Kaen are in C07
CENTRAL_NE, UPPER_NORTH_1 = "C07", "C01"
ROOT = Path(__file__).resolve().parents[1]


def store_rows(url: str, sql: str, params: dict | None = None) -> list[tuple]:
    """Rows of a query on the application store, through an engine of the test's own."""
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as connection:
            return [tuple(row) for row in connection.execute(text(sql), params or {})]
    finally:
        engine.dispose()


def store_execute(url: str, sql: str, params: dict | None = None) -> None:
    """Run a statement on the store in its own transaction (e.g. to backdate a row)."""
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.begin() as connection:
            connection.execute(text(sql), params or {})
    finally:
        engine.dispose()


def project_of(db: Path, owner: str, owner_type: str = "province", offset: int = 0) -> str:
    """A demo project code of the owner (province code or cluster code)."""
    rows = query(
        db,
        "SELECT project_code FROM projects WHERE owner = ? AND owner_type = ? ORDER BY project_code LIMIT 1 OFFSET ?",
        [owner, owner_type, offset],
    )
    assert rows, f"the demo data has no {owner_type} project of {owner}"
    return rows[0][0]


def start_together(script: str, args: list[list[str]], folder: Path) -> list[tuple[int, str, str]]:
    """Run `python -c script` once per argument list, release them at the same moment once
    all have started up, and return (exit code, stdout, stderr) of each."""
    running = [
        subprocess.Popen(
            [sys.executable, "-c", script, *arguments],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for arguments in args
    ]
    deadline = time.monotonic() + 120
    while len(list(folder.glob("ready-*"))) < len(running) and time.monotonic() < deadline:
        if any(process.poll() is not None for process in running):
            break
        time.sleep(0.01)
    (folder / "go").touch()
    outputs = [process.communicate(timeout=180) for process in running]
    return [(process.returncode, out, err) for process, (out, err) in zip(running, outputs, strict=True)]
