"""Benchmark: `python -m etl demo` now that it also freezes the weekly snapshots of its year.

    .venv/bin/python bench/bench_demo.py [--repeat 2]

In a temporary folder, each repeat measures (wall seconds and CPU seconds, children
included):

(a) `python -m etl demo` end to end, as `tasks.py dashboard` runs it on a fresh install
    (BUDGET_DB / BUDGET_DEMO_DIR in the folder): generate, load, snapshots;
(b) the load alone: `write_demo_files` + `load_files` (what the demo did before);
(c) `take_weekly` of every Friday with data on a copy of (b) (the snapshots the demo adds).

Not a test: numbers depend on the machine and on what else runs on it (the load
average is printed); docs/benchmarks.md records them.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _cpu() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _timed(label: str, action) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), _cpu()
    action()
    wall, cpu = time.perf_counter() - wall, _cpu() - cpu
    print(f"{label:<44} {wall:6.1f} s wall {cpu:6.1f} s cpu   (load average {os.getloadavg()[0]:.1f})",
          flush=True)
    return wall, cpu


def one_round(folder: Path) -> None:
    from etl.demo_data import FISCAL_YEAR_BE, write_demo_files
    from etl.load import load_files
    from etl.snapshot import take_weekly

    end_to_end = folder / "cli"
    env = {**os.environ, "BUDGET_DB": str(end_to_end / "budget.duckdb"),
           "BUDGET_DEMO_DIR": str(end_to_end / "files")}
    _timed("(a) python -m etl demo (load + snapshots)", lambda: subprocess.run(
        [sys.executable, "-m", "etl", "demo"], cwd=ROOT, env=env, capture_output=True, check=False))

    loaded = folder / "loaded.duckdb"
    _timed("(b) demo load only", lambda: (write_demo_files(folder / "files", 2562),
                                           load_files([folder / "files"], db_path=loaded)))
    copy = folder / "weekly.duckdb"
    shutil.copyfile(loaded, copy)
    _timed("(c) weekly snapshots of every Friday", lambda: take_weekly(FISCAL_YEAR_BE, db_path=copy,
                                                                       log=lambda line: None))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    print(f"{os.cpu_count()} CPUs")
    for _ in range(args.repeat):
        with tempfile.TemporaryDirectory(prefix="bench_demo_") as folder:
            one_round(Path(folder))


if __name__ == "__main__":
    main()
