"""Benchmark: the fixed cost of an ETL load (what a one-row load pays), before and after, interleaved.

    nice -n 19 .venv/bin/python bench/etl_fixed_cost.py --before OTHER_CHECKOUT [--runs 7]

For each checkout (--before, then this one), alternating run by run, in fresh processes:

- **in-process**: one process imports `etl.load`, loads the three fixture projects into an empty
  store, then loads a one-row disbursement file into that store five times (a new document each
  time), as the tests do in their own process. Reports the import, the projects load and the median
  of the five one-row loads, each in CPU seconds of the process (all its threads) and wall seconds.
- **CLI**: `python -m etl --db STORE load ONE_ROW.csv` as a subprocess into a store that holds the
  projects (what the tests that run the command pay per call): CPU seconds of the child, wall.
- **users**: `python -m etl users list` on a SQLite application store (test_users_cli makes 23 such
  calls): CPU seconds of the child, wall.

Prints the median over the runs of each figure for both checkouts. Not a test: the figures depend on
the machine and its load (docs/benchmarks.md, "Test suite time, part 8").
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# The in-process part, run with the checkout first on sys.path.
IN_PROCESS = r"""
import json, os, statistics, sys, time
from pathlib import Path
root, folder = Path(sys.argv[1]), Path(sys.argv[2])
sys.path[:0] = [str(root), str(root / "tests")]
def clock():
    return time.process_time(), time.perf_counter()
def since(start):
    cpu, wall = clock()
    return cpu - start[0], wall - start[1]
start = clock()
from etl.load import load_files
from etl_fixtures import DISB_HEADERS, write_csv, write_projects
figures = {"import": since(start)}
db = folder / "in_process.duckdb"
start = clock()
[result] = load_files([write_projects(folder)], db_path=db)
figures["projects load"] = since(start)
assert result.status == "loaded", result
rows = []
for n in range(5):
    row = [f"{n + 1:010d}", "P01", "13/09/2562", "100.00", "งบปีปัจจุบัน"]
    path = write_csv(folder / f"one_{n}.csv", [DISB_HEADERS, row])
    start = clock()
    [result] = load_files([path], db_path=db)
    rows.append(since(start))
    assert result.status == "loaded" and result.rows_inserted == 1, result
figures["one-row load"] = (statistics.median(r[0] for r in rows), statistics.median(r[1] for r in rows))
print(json.dumps(figures))
"""


def child(command: list[str], cwd: Path, env: dict | None = None) -> tuple[float, float, subprocess.CompletedProcess]:
    """(CPU seconds of the child and its children, wall seconds, the completed process)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, env={**os.environ, **(env or {})})
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return cpu, wall, done


def one_run(root: Path, scratch: Path) -> dict[str, tuple[float, float]]:
    folder = Path(tempfile.mkdtemp(dir=scratch))
    cpu, wall, done = child([sys.executable, "-c", IN_PROCESS, str(root), str(folder)], root)
    if done.returncode != 0:
        raise SystemExit(f"in-process part failed in {root}:\n{done.stderr}")
    figures = {name: tuple(value) for name, value in json.loads(done.stdout.strip().splitlines()[-1]).items()}
    figures["in-process total"] = (cpu, wall)
    store = folder / "in_process.duckdb"  # holds the projects and five documents
    one_row = folder / "cli_one.csv"
    one_row.write_text(
        "เลขที่เอกสาร,รหัสโครงการ,วันที่ผ่านรายการ,จำนวนเงิน,แหล่งเงิน\n0000000099,P02,14/09/2562,50.00,งบปีปัจจุบัน\n",
        encoding="utf-8",
    )
    cpu, wall, done = child([sys.executable, "-m", "etl", "--db", str(store), "load", str(one_row)], root)
    if done.returncode != 0:
        raise SystemExit(f"CLI load failed in {root} (exit {done.returncode}):\n{done.stdout}\n{done.stderr}")
    figures["CLI one-row load"] = (cpu, wall)
    app_db = {"BUDGET_APP_DB": f"sqlite:///{folder / 'app.sqlite'}"}
    cpu, wall, done = child([sys.executable, "-m", "etl", "users", "list"], root, app_db)
    if done.returncode != 0:
        raise SystemExit(f"users list failed in {root}:\n{done.stderr}")
    figures["CLI users list"] = (cpu, wall)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--before", type=Path, required=True, help="the checkout to compare with (e.g. main)")
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    roots = {"before": args.before.resolve(), "after": ROOT}
    results: dict[str, list[dict]] = {name: [] for name in roots}
    with tempfile.TemporaryDirectory() as scratch:
        for run in range(args.runs):
            for name, root in roots.items():
                results[name].append(one_run(root, Path(scratch)))
            print(f"run {run + 1}/{args.runs} done", file=sys.stderr, flush=True)
    print(f"median of {args.runs} runs, CPU s / wall s (load average now {os.getloadavg()[0]:.1f})")
    print(f"| figure | before ({roots['before']}) | after ({roots['after']}) |")
    print("|---|---|---|")
    for figure in results["before"][0]:
        cells = []
        for name in roots:
            cpu = statistics.median(r[figure][0] for r in results[name])
            wall = statistics.median(r[figure][1] for r in results[name])
            cells.append(f"{cpu:.3f} / {wall:.3f}")
        print(f"| {figure} | {cells[0]} | {cells[1]} |")


if __name__ == "__main__":
    main()
