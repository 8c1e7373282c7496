"""Benchmark: the application store's writes and reads on SQLite and PostgreSQL.

    .venv/bin/python bench/bench_appstore.py [--db DEMO.duckdb] [--saves 200] [--threads 4]

Uses a demo DuckDB file (given, or generated and loaded into a temporary folder: about
15 s), a fresh SQLite store and a fresh PostgreSQL database on a private server started
like the tests' (tests/pg_support.py). Measures, per backend:
- the PostgreSQL server's start (initdb + pg_ctl start) and `upgrade()` of an empty store;
- `save_response` one after another (median and 95th percentile, ms), by a province user
  (re-read from the store on every save) on its province's lagging projects; the DuckDB
  owner look-up alone, for comparison;
- saves from several threads at once, all on ONE project (the worst case: they queue on
  its lock): saves per second;
- `latest_responses` and `with_responses` over the lagging projects, once every lagging
  project has a response.
Prints a table. Not a test: numbers depend on the machine; docs/appstore.md records them.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _ms(seconds: list[float]) -> tuple[float, float]:
    ordered = sorted(seconds)
    return statistics.median(ordered) * 1000, ordered[int(0.95 * (len(ordered) - 1))] * 1000


def _demo(folder: Path) -> Path:
    from etl.demo_data import write_demo_files
    from etl.load import load_files

    db = folder / "budget.duckdb"
    write_demo_files(folder / "files", seed=2562)
    load_files([folder / "files"], db_path=db)
    return db


def measure(url: str, saves: int, threads: int) -> dict:
    from appstore import (
        cli_principal,
        latest_responses,
        local_principal,
        principal_for_email,
        project_owner,
        save_response,
        set_user,
        upgrade,
        with_responses,
    )
    from budget_metrics.filters import Filters
    from budget_metrics.lagging import lagging_projects
    from budget_metrics.projects import resolve_as_of

    result = {}
    started = time.perf_counter()
    upgrade(url)
    result["upgrade empty store (s)"] = time.perf_counter() - started

    filters = Filters()
    flagged = lagging_projects(filters)
    kalasin = flagged[flagged["owner"] == "46"]["project_code"].tolist()
    set_user(cli_principal(), "kalasin@example.org", "province", ["46"], url=url)
    user = principal_for_email("kalasin@example.org", url=url)
    timings = []
    for n in range(saves):
        code = kalasin[n % len(kalasin)]
        started = time.perf_counter()
        save_response(
            user, code, cause_code="procurement_delayed", action_taken=f"save {n}", expected_amount="125000.50", url=url
        )
        timings.append(time.perf_counter() - started)
    result["save, median / p95 (ms)"] = _ms(timings)
    owner_timings = []
    for n in range(50):
        started = time.perf_counter()
        project_owner(kalasin[n % len(kalasin)])
        owner_timings.append(time.perf_counter() - started)
    result["  of which DuckDB owner look-up, median (ms)"] = _ms(owner_timings)[0]

    one = kalasin[0]
    per_thread = max(1, saves // (threads * 2))
    barrier = threading.Barrier(threads)

    def work() -> None:
        barrier.wait()
        for _ in range(per_thread):
            save_response(local_principal(), one, cause_code="other", url=url)

    running = [threading.Thread(target=work) for _ in range(threads)]
    started = time.perf_counter()
    for thread in running:
        thread.start()
    for thread in running:
        thread.join()
    result[f"{threads} threads on one project (saves/s)"] = threads * per_thread / (time.perf_counter() - started)

    for code in flagged["project_code"]:
        save_response(local_principal(), code, cause_code="other", url=url)
    started = time.perf_counter()
    latest = latest_responses(2562, url=url)
    result[f"latest_responses, {len(latest)} rows (ms)"] = (time.perf_counter() - started) * 1000
    as_of = resolve_as_of(filters)
    runs = []
    for _ in range(3):  # the first run also reads the thresholds and cause labels of this process
        started = time.perf_counter()
        with_responses(flagged, as_of, url=url)
        runs.append((time.perf_counter() - started) * 1000)
    result[f"with_responses over {len(flagged)} lagging projects, first / warm (ms)"] = (runs[0], min(runs[1:]))
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", type=Path, help="a demo DuckDB file (default: generate one)")
    parser.add_argument("--saves", type=int, default=200)
    parser.add_argument("--threads", type=int, default=4)
    args = parser.parse_args()

    from tests.pg_support import start_postgres

    with tempfile.TemporaryDirectory(prefix="bench-appstore-") as folder:
        db = args.db or _demo(Path(folder))
        os.environ["BUDGET_DB"] = str(db)
        server = start_postgres()
        try:
            results = {
                "sqlite": measure(f"sqlite:///{folder}/app.sqlite", args.saves, args.threads),
                "postgresql": measure(server.create_database(), args.saves, args.threads),
            }
        finally:
            server.stop()
    print(f"PostgreSQL server start (initdb + pg_ctl start): {server.start_seconds:.2f} s")
    print(f"load average: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print("| measure | SQLite | PostgreSQL |\n|---|---|---|")
    for name in results["sqlite"]:
        cells = []
        for backend in ("sqlite", "postgresql"):
            value = results[backend][name]
            cells.append(" / ".join(f"{v:.1f}" for v in value) if isinstance(value, tuple) else f"{value:.2f}")
        print(f"| {name} | {cells[0]} | {cells[1]} |")


if __name__ == "__main__":
    main()
