"""Benchmark: what the dashboard's per-run check of the application store costs, and how fast an
outage is noticed and left behind (ui.auth.ensure_store -> appstore.ensure_available).

    .venv/bin/python bench/bench_store_check.py [--calls 500]

A fresh SQLite store and a fresh PostgreSQL database on a private server started like the
tests' (tests/pg_support.py). Measures, per backend, the median wall and CPU time of one
warm `ensure_available` (one pooled `SELECT 1` once the schema is current); then stops the
PostgreSQL server (fast shutdown) and times the StoreUnavailable, starts it again and times
the first check that succeeds (the pool's pre-ping replaces the dead connections).
Not a test: numbers depend on the machine; docs/benchmarks.md records them.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _timed(call) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    call()
    return time.perf_counter() - wall, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=500)
    calls = parser.parse_args().calls

    import appstore
    from tests.pg_support import start_postgres

    server = start_postgres()
    try:
        folder = Path(tempfile.mkdtemp(prefix="bench-store-check-"))
        urls = {"SQLite": f"sqlite:///{folder / 'app.sqlite'}", "PostgreSQL 15": server.create_database()}
        print("| measure | " + " | ".join(urls) + " |\n|---|---|---|")
        rows: dict[str, list[str]] = {"warm check, median wall": [], "warm check, median CPU": []}
        for url in urls.values():
            appstore.ensure_available(url)
            times = [_timed(lambda url=url: appstore.ensure_available(url)) for _ in range(calls)]
            rows["warm check, median wall"].append(f"{statistics.median(t[0] for t in times) * 1e3:.2f} ms")
            rows["warm check, median CPU"].append(f"{statistics.median(t[1] for t in times) * 1e3:.2f} ms")
        for name, values in rows.items():
            print(f"| {name} ({calls} calls) | " + " | ".join(values) + " |")
        url = urls["PostgreSQL 15"]
        server.halt()
        started = time.perf_counter()
        try:
            appstore.ensure_available(url)
        except appstore.StoreUnavailable:
            pass
        print(f"| server stopped: StoreUnavailable after | - | {(time.perf_counter() - started) * 1e3:.1f} ms |")
        server.resume()
        wall, _ = _timed(lambda: appstore.ensure_available(url))
        print(f"| server started again: first check | - | {wall * 1e3:.1f} ms |")
    finally:
        server.stop()


if __name__ == "__main__":
    main()
