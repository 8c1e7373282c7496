"""What the hostile-file batteries (bench/attack_files_ii.py, _iii, _v, _vi) share: the real `python -m etl load`
of the checkout attacked, the store every attack starts from, what a store holds after a load, read back with
DuckDB, and the run of the attacks in a working folder with a line each."""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

# The payments file's Thai headers and the current-year money source, as government exports write them.
H = ["เลขที่เอกสาร", "รหัสโครงการ", "วันที่ผ่านรายการ", "จำนวนเงิน", "แหล่งเงิน"]
CUR = "งบประมาณปีปัจจุบัน"
# The two payments of the base store: 0077380001 (100.00 on P01) and D-OLD (250.00 on P02).
BASE_PAYMENTS_CSV = ",".join(H) + f"\n0077380001,P01,01/03/2562,100.00,{CUR}\nD-OLD,P02,01/04/2562,250.00,{CUR}\n"


def etl_load(root: Path, db: Path, *args: str, timeout: int = 300) -> subprocess.CompletedProcess:
    """`python -m etl --db DB load ARGS` run from the checkout `root` (a wide terminal, so messages keep
    their lines)."""
    return subprocess.run(
        [sys.executable, "-m", "etl", "--db", str(db), "load", *args],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        env={**os.environ, "COLUMNS": "250"},
    )


def base_store(root: Path, folder: Path, projects_csv: str) -> Path:
    """folder/base/budget.duckdb loaded with the real CLI from `projects_csv` (P01 and P02) and the two base
    payments; each attack works on a copy of it."""
    store = folder / "base"
    store.mkdir()
    db = store / "budget.duckdb"
    (store / "projects.csv").write_text(projects_csv, encoding="utf-8")
    (store / "pay.csv").write_text(BASE_PAYMENTS_CSV, encoding="utf-8")
    for name in ("projects.csv", "pay.csv"):
        done = etl_load(root, db, str(store / name))
        if done.returncode != 0:
            raise SystemExit(f"cannot build the base store: {done.stdout}{done.stderr}")
    return db


def store_state(db: Path, project_columns: str) -> tuple[dict, dict, bool, set]:
    """(payments by document number, projects by code with `project_columns` after the code, whether the
    loader's count rule holds for every load that was not refused, the last load's (row, reason) rejects)."""
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    try:
        payments = {
            doc: (project, date, amount, source)
            for doc, project, date, amount, source in con.execute(
                "SELECT doc_no, project_code, posting_date, amount, source FROM disbursements"
            ).fetchall()
        }
        projects = {
            code: tuple(rest)
            for code, *rest in con.execute(f"SELECT project_code, {project_columns} FROM projects").fetchall()
        }
        counts = con.execute(
            "SELECT bool_and(rows_read = rows_inserted + rows_updated + rows_unchanged "
            "+ rows_rejected + total_rows_skipped) FROM loads WHERE status <> 'refused'"
        ).fetchone()[0]
        rejects = set(
            con.execute(
                "SELECT row_number, reason_code FROM rejects WHERE load_id = (SELECT max(load_id) FROM loads)"
            ).fetchall()
        )
    finally:
        con.close()
    return payments, projects, bool(counts), rejects


def best_load_time(root: Path, folder: Path, base: Path, book: Path, repeat: int) -> tuple[float, float]:
    """(CPU seconds, wall seconds), best of `repeat`, of `python -m etl load book` into a fresh copy of the base
    store: user + system of the load and its children (the Excel reader's process). SystemExit when a load
    neither loads nor rejects rows (exit 0 or 1)."""
    best_cpu = best_wall = float("inf")
    for attempt in range(repeat):
        db = folder / f"speed-{book.name}-{attempt}" / "budget.duckdb"
        db.parent.mkdir()
        shutil.copy(base, db)
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        done = etl_load(root, db, str(book))
        wall = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if done.returncode not in (0, 1):
            raise SystemExit(f"{book.name}: the load failed: {done.stdout}{done.stderr}")
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        best_cpu, best_wall = min(best_cpu, cpu), min(best_wall, wall)
    return best_cpu, best_wall


@contextmanager
def attack_folder(keep: Path | None, prefix: str) -> Iterator[Path]:
    """The battery's working folder: `keep` (left in place for a look after) or a temporary one, removed after."""
    folder = keep or Path(tempfile.mkdtemp(prefix=prefix))
    folder.mkdir(parents=True, exist_ok=True)
    try:
        yield folder
    finally:
        if keep is None:
            shutil.rmtree(folder, ignore_errors=True)


def run_attacks(attacks: dict, run_one: Callable[[str, dict], tuple[bool, str]], only: str = "") -> None:
    """Each attack (or only those named, comma-separated) through run_one(name, spec) -> (held, what happened): a
    line each, then the count held and failed."""
    passed = failed = 0
    for name, spec in attacks.items():
        if only and name not in only.split(","):
            continue
        ok, detail = run_one(name, spec)
        passed, failed = passed + ok, failed + (not ok)
        print(f"{'ok  ' if ok else 'FAIL'} {name}: {detail}", flush=True)
    print(f"{passed} passed, {failed} failed")


def battery_arguments(doc: str) -> argparse.Namespace:
    """A battery's command line: --keep DIR (the working folder left for a look), --only NAME,..., --root CHECKOUT
    (attack another checkout, e.g. the code before)."""
    parser = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--keep", type=Path, default=None)
    parser.add_argument("--only", default="")
    parser.add_argument("--root", type=Path, default=None, help="attack another checkout (e.g. the code before)")
    return parser.parse_args()
