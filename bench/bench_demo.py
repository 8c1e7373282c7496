"""Benchmark: `python -m etl demo` on an empty store, as `tasks.py dashboard` runs it on a fresh install.

    .venv/bin/python bench/bench_demo.py [--repeat 2]
    .venv/bin/python bench/bench_demo.py --repeat 3 --baseline /tmp/before   # against older code

In a temporary folder, each repeat measures (wall seconds and CPU seconds, children included):

(a) `python -m etl demo` end to end (BUDGET_DB / BUDGET_DEMO_DIR in the folder): generate the
    three demo years (FY2561-FY2563), load them, freeze every year's Fridays;
(b) the load alone: `write_demo_years` + `load_files`;
(c) `take_demo_snapshots` (every Friday of every year) on a copy of (b).

With `--baseline DIR` (a checkout of the code to compare with, e.g. made by
`git archive <commit> | tar -x -C DIR`), each repeat first runs DIR's `python -m etl demo` the
same way, alternating with this tree's (a), so both see the same machine load; the medians and
their ratio are printed at the end (the limit for the three-year demo: today's time plus 50%).

Not a test: numbers depend on the machine and on what else runs on it (the load
average is printed); docs/benchmarks.md records them.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
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
    print(f"{label:<52} {wall:6.1f} s wall {cpu:6.1f} s cpu   (load average {os.getloadavg()[0]:.1f})", flush=True)
    return wall, cpu


def _uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True, check=False).stdout.strip()


def _demo_command(code: Path, folder: Path) -> None:
    """`python -m etl demo` of the code in `code` on an empty store in `folder` (exit 1 = the demo's
    deliberate rejects; anything else stops the benchmark)."""
    env = {
        **os.environ,
        "BUDGET_DB": str(folder / "budget.duckdb"),
        "BUDGET_DEMO_DIR": str(folder / "files"),
        "BUDGET_APP_DB": f"sqlite:///{folder / 'app.sqlite'}",
    }
    done = subprocess.run(
        [sys.executable, "-m", "etl", "demo"], cwd=code, env=env, capture_output=True, text=True, check=False
    )
    if done.returncode not in (0, 1):
        raise SystemExit(f"etl demo in {code} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")


def _store_summary(db: Path) -> str:
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    try:
        years = con.execute("SELECT fiscal_year, count(*) FROM projects GROUP BY 1 ORDER BY 1").fetchall()
        snapshots = con.execute("SELECT count(*) FROM snapshots").fetchone()[0]
    finally:
        con.close()
    return f"{', '.join(f'FY{year} {count:,} projects' for year, count in years)}; {snapshots} snapshots"


def one_round(folder: Path, baseline: Path | None, results: dict[str, list[tuple[float, float]]]) -> None:
    from etl.demo import DEMO_YEARS, write_demo_years, year_folder
    from etl.load import load_files
    from etl.snapshot import take_demo_snapshots

    if baseline is not None:
        before = folder / "baseline"
        results["baseline"].append(_timed("(0) baseline: python -m etl demo", lambda: _demo_command(baseline, before)))
        print(f"    {_store_summary(before / 'budget.duckdb')}")
    end_to_end = folder / "cli"
    results["demo"].append(
        _timed("(a) python -m etl demo (three years, load + snapshots)", lambda: _demo_command(ROOT, end_to_end))
    )
    print(f"    {_store_summary(end_to_end / 'budget.duckdb')}")

    loaded = folder / "loaded.duckdb"
    results["load"].append(
        _timed(
            "(b) demo load only",
            lambda: (
                write_demo_years(folder / "files", 2562),
                load_files([year_folder(folder / "files", year.fiscal_year) for year in DEMO_YEARS], db_path=loaded),
            ),
        )
    )
    copy = folder / "weekly.duckdb"
    shutil.copyfile(loaded, copy)
    results["snapshots"].append(
        _timed(
            "(c) weekly snapshots of every Friday of every year",
            lambda: take_demo_snapshots(copy, log=lambda line: None),
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument(
        "--baseline",
        type=Path,
        default=None,
        help="a checkout of the code to compare `etl demo` with (run alternately)",
    )
    args = parser.parse_args()
    os.environ.setdefault("BUDGET_APP_DB", f"sqlite:///{tempfile.gettempdir()}/bench_demo_app.sqlite")
    print(f"{os.cpu_count()} CPUs; {_uptime()}")
    results: dict[str, list[tuple[float, float]]] = {"baseline": [], "demo": [], "load": [], "snapshots": []}
    for _ in range(args.repeat):
        with tempfile.TemporaryDirectory(prefix="bench_demo_") as folder:
            one_round(Path(folder), args.baseline, results)
    print("medians (wall / CPU s):")
    for name, values in results.items():
        if values:
            print(
                f"  {name:<10} {statistics.median(v[0] for v in values):6.1f} / "
                f"{statistics.median(v[1] for v in values):6.1f}"
            )
    if results["baseline"]:
        for which, label in ((0, "wall"), (1, "CPU")):
            ratio = statistics.median(v[which] for v in results["demo"]) / statistics.median(
                v[which] for v in results["baseline"]
            )
            print(f"  three-year demo / baseline ({label}): {ratio:.2f}")
    print(_uptime())


if __name__ == "__main__":
    main()
