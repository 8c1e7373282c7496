"""Benchmark: how long `python -m etl` takes to start and answer, command by command (CPU seconds).

    .venv/bin/python bench/cli_start.py [--runs 7] [--root CHECKOUT] [--db DEMO.duckdb]

Each command is run `--runs` times as an administrator runs it (a new `python -m etl` process, cwd the
checkout, BUDGET_DB a copy of the demo store, BUDGET_APP_DB a SQLite store of its own, output to a pipe)
and the best run is kept: CPU seconds (user + system of the child, from `resource.getrusage`) and
wall seconds. `--root` runs another checkout's CLI with the same interpreter (e.g. a worktree of main,
to compare before and after); the demo store defaults to bench/out/demo.duckdb (written by
`python -m etl demo`/bench_demo.py; any store of the demo works) and is copied first.
Not a test: numbers depend on the machine; docs/benchmarks.md ("Test suite time, part 5") records them.
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

# (label, arguments, the exit codes the command gives on this store)
COMMANDS = [
    ("--help", ["--help"], {0}),
    ("load --help", ["load", "--help"], {0}),
    ("load --kind nope (refused, exit 2)", ["load", "--kind", "nope", "missing.csv"], {2}),
    ("load (no path: usage error, exit 2)", ["load"], {2}),
    ("status", ["status"], {0}),
    ("status --quiet", ["status", "--quiet"], {0}),
    ("rejects --limit 5", ["rejects", "--limit", "5"], {0}),
    ("users list", ["users", "list"], {0}),
    ("users add (bad role, exit 2)", ["users", "add", "x@example.go.th", "--role", "nope"], {2}),
    ("snapshot --list", ["snapshot", "--list"], {0}),
    ("export --as-of bad-date (exit 2)", ["export", "--as-of", "31/13/2562", "--out", "unused"], {2}),
]


def run_once(root: Path, args: list[str], env: dict[str, str]) -> tuple[float, float, int]:
    """(CPU seconds, wall seconds, exit code) of one `python -m etl ARGS` in `root`."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "etl", *args], cwd=root, env=env, capture_output=True, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return cpu, wall, done.returncode


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--root", type=Path, default=ROOT, help="the checkout whose CLI runs (default: this one)")
    parser.add_argument("--db", type=Path, default=ROOT / "bench" / "out" / "demo.duckdb")
    parser.add_argument(
        "--dont-write-bytecode",
        action="store_true",
        help="run each command with PYTHONDONTWRITEBYTECODE=1, as CI's environment has it (every start compiles "
        "the project's modules); by default the checkout's .pyc files are written once and read after",
    )
    options = parser.parse_args()
    if not options.db.exists():
        sys.exit(f"no demo store at {options.db}: run `python -m etl --db {options.db} demo` first, or pass --db")
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "budget.duckdb"
        shutil.copyfile(options.db, db)
        env = {
            **os.environ,
            "BUDGET_DB": str(db),
            "BUDGET_APP_DB": f"sqlite:///{Path(folder) / 'app.sqlite'}",
            "PYTHONDONTWRITEBYTECODE": "1" if options.dont_write_bytecode else "",
        }
        print(f"{options.root} (best of {options.runs}; load average {os.getloadavg()[0]:.1f})")
        print(f"{'command':40} {'CPU s':>7} {'wall s':>7}")
        for label, args, codes in COMMANDS:
            runs = [run_once(options.root, args, env) for _ in range(options.runs)]
            bad = {code for _, _, code in runs} - codes
            if bad:
                sys.exit(f"{label}: exit {sorted(bad)}, expected {sorted(codes)}")
            print(f"{label:40} {min(cpu for cpu, _, _ in runs):7.2f} {min(wall for _, wall, _ in runs):7.2f}")


if __name__ == "__main__":
    main()
