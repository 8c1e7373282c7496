"""Benchmark: a Streamlit server's CPU seconds from its start to its first page drawn, checkout against checkout.

    .venv/bin/python bench/server_start.py --db DEMO.duckdb [--rounds 5] \
        --run "before:/path/to/other/checkout:nobytecode" --run "after:.:bytecode"

Each `--run LABEL:CHECKOUT:MODE` starts `streamlit run dashboard.py` from CHECKOUT as the tests start it
(tests/browser_support.py streamlit_server's options) on the demo store, waits for its health check, opens
/overview in a new context of one shared Chromium and waits for it to settle (settle()), then reads the
server process's user + system CPU seconds (psutil) and stops it. MODE `nobytecode` runs the server with
PYTHONDONTWRITEBYTECODE=1 (CI's environment: the checkout's modules compile on every start; the checkout
must hold no __pycache__ of its own, or they are read anyway), `bytecode` without it (the .pyc files
written by the first start are read after). The runs alternate within a round, so all see the same
machine load; the first round is a warm-up (the store migrated, the .pyc files written) and is not
counted. The application store (BUDGET_APP_DB) is one SQLite file per checkout, as in a test session.
Not a test: numbers depend on the machine; docs/benchmarks.md ("Test suite time, part 10") records them.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from deploy.serve import free_port, wait_for_health  # noqa: E402
from tests.browser_support import chromium_browser, settle, streamlit_command  # noqa: E402


def one_start(root: Path, db: Path, app_db: str, bytecode: bool, browser, log: Path) -> tuple[float, float]:
    """(server CPU seconds, wall seconds) from `streamlit run` to /overview settled in a new context."""
    port = free_port()
    env = {**os.environ, "BUDGET_DB": str(db), "BUDGET_APP_DB": app_db}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    if not bytecode:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
    start = time.perf_counter()
    with open(log, "w") as out:
        process = subprocess.Popen(
            streamlit_command(root / "dashboard.py", port), cwd=root, env=env, stdout=out, stderr=subprocess.STDOUT
        )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for_health(url, process, log, timeout_s=120)
        context = browser.new_context()
        page = context.new_page()
        page.goto(f"{url}/overview")
        settle(page)
        wall = time.perf_counter() - start
        times = psutil.Process(process.pid).cpu_times()
        context.close()
        return times.user + times.system, wall
    finally:
        process.terminate()
        process.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--rounds", type=int, default=5, help="counted rounds (after one warm-up round)")
    parser.add_argument("--run", action="append", required=True, help="LABEL:CHECKOUT:bytecode|nobytecode")
    options = parser.parse_args()
    runs = []
    for spec in options.run:
        label, root, mode = spec.rsplit(":", 2)
        if mode not in ("bytecode", "nobytecode"):
            sys.exit(f"{spec}: MODE is bytecode or nobytecode")
        runs.append((label, Path(root).resolve(), mode == "bytecode"))
    cpu: dict[str, list[float]] = {label: [] for label, _, _ in runs}
    wall: dict[str, list[float]] = {label: [] for label, _, _ in runs}
    with tempfile.TemporaryDirectory() as folder, chromium_browser() as browser:
        stores = {
            label: f"sqlite:///{Path(folder) / f'app-{number}.sqlite'}" for number, (label, _, _) in enumerate(runs)
        }
        for round_number in range(options.rounds + 1):
            for label, root, bytecode in runs:
                seconds, elapsed = one_start(root, options.db, stores[label], bytecode, browser, Path(folder) / "log")
                if round_number:
                    cpu[label].append(seconds)
                    wall[label].append(elapsed)
            print(f"round {round_number} done (load average {os.getloadavg()[0]:.1f})", flush=True)
    print(f"{'run':24} {'CPU-s median':>12} {'min':>6} {'wall median':>12}   CPU-s of each round")
    for label, _, _ in runs:
        print(
            f"{label:24} {statistics.median(cpu[label]):12.2f} {min(cpu[label]):6.2f} "
            f"{statistics.median(wall[label]):12.2f}   {[round(value, 2) for value in cpu[label]]}"
        )


if __name__ == "__main__":
    main()
