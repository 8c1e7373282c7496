"""Server CPU seconds per new viewer's visit, by page, for this checkout and (optionally) another one.

    .venv/bin/python bench/cpu_per_visit.py                                  # this checkout, 2 rounds of 48 visits
    .venv/bin/python bench/cpu_per_visit.py --compare /tmp/base --rounds 3   # and another checkout, alternately
    .venv/bin/python bench/cpu_per_visit.py --cached-static                  # static files cached (as behind serve)
    .venv/bin/python bench/cpu_per_visit.py --pages overview,area --profile  # and where that CPU goes (py-spy)

Why CPU seconds of one visit at a time: the machine these run on is shared, and wall-clock figures
and visits/s follow its load; the CPU time the server process itself spends on a visit (psutil,
user + system, children included) hardly does. The visits are bench/load_test.py's (`one_visit`):
GET the page and every request Chromium made for it, a new websocket session running the page to
`script_finished`, and in 30% of them a sidebar province change; one after the other, so each
visit's CPU is its own. Both checkouts get the same planned visits (pages, changes, provinces, from
--seed) against the same demo database, in alternating order, each on a fresh `streamlit run`
warmed by one visit of every page. A province change picks one of 76 provinces, so most are not
seen before by that server: what the first viewer of a filter set costs.

Prints per checkout: CPU-s per visit (mean, median), by page, and with / without a province change,
against the figure docs/benchmarks.md records for the base before issue 16 (BASELINE_CPU_S) and
issue 16's goal of a third of it. With --profile, `py-spy record --gil` samples each server during
its measured visits (100/s) and the functions holding the most samples are printed (as
bench/profile_visits.py does for a whole load test).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import random
import signal
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import load_test
import psutil
from bench_first_paint import build_demo_with_snapshots
from profile_visits import PY_SPY, summarise

from deploy import serve as serving

# docs/benchmarks.md, "Server time per visit and production mode (issue 16)": the base commit e0a1232,
# single process, static files fetched: 0.459 CPU-s per visit (psutil); issue 16 asks for a third of that
BASELINE_CPU_S = 0.459
GOAL_CPU_S = 0.3  # issue 16's "done when": at most 0.3 CPU-s per new viewer's visit


@contextmanager
def server(checkout: Path, db: Path, log: Path) -> Iterator[tuple[str, int]]:
    """`streamlit run dashboard.py` of `checkout` (its own code, config and reference data); yields (url, pid)."""
    port = serving.free_port()
    with open(log, "w") as handle:
        process = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(checkout / "dashboard.py"), *serving.worker_options(port)],
            cwd=checkout,
            env={**os.environ, "BUDGET_DB": str(db)},
            stdout=handle,
            stderr=subprocess.STDOUT,
        )
    try:
        serving.wait_for_health(f"http://127.0.0.1:{port}", process, log)
        yield f"http://127.0.0.1:{port}", process.pid
    finally:
        process.terminate()
        process.wait(timeout=30)


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of the process and its children so far."""
    process = psutil.Process(pid)
    total = sum(process.cpu_times()[:2])
    for child in process.children(recursive=True):
        try:
            total += sum(child.cpu_times()[:2])
        except psutil.NoSuchProcess:
            pass
    return total


def plan(count: int, seed: int, only: list[str] | None = None) -> list[tuple[str, bool, int]]:
    """(page, province change?, seed of the province picked) of each visit, drawn like the load test's
    (from `only` those pages, with their weights, when given)."""
    rng = random.Random(seed)
    pages = [page for page, weight in load_test.PAGE_MIX.items() for _ in range(weight) if not only or page in only]
    return [(rng.choice(pages), rng.random() < load_test.CHANGE_SHARE, rng.randrange(10**9)) for _ in range(count)]


async def measure(
    url: str, pid: int, visits: list[tuple[str, bool, int]], requests, cached_static: bool, profile: Path | None = None
) -> list[tuple[str, bool, float, float]]:
    """(page, changed, CPU-s, wall s) of each planned visit, one after the other, after one warm-up
    visit per page; with `profile`, py-spy's raw stacks of the measured visits are written there."""
    for page in load_test.PAGE_MIX:
        problem = await load_test.one_visit(url, page, requests[page], False, cached_static, random.Random(0))
        if problem:
            raise RuntimeError(f"warm-up visit of {page}: {problem}")
    spy = None
    if profile is not None:
        spy = subprocess.Popen(
            [
                str(PY_SPY),
                "record",
                "-p",
                str(pid),
                "-r",
                "100",
                "--gil",
                "-f",
                "raw",  # noqa: ASYNC220
                "-o",
                str(profile),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        await asyncio.sleep(1.0)  # py-spy attached
    out = []
    for page, change, seed in visits:
        before, started = cpu_seconds(pid), time.monotonic()
        problem = await load_test.one_visit(url, page, requests[page], change, cached_static, random.Random(seed))
        if problem:
            raise RuntimeError(f"visit of {page}: {problem}")
        await asyncio.sleep(0.3)  # what the server does right after the visit (closing the session) belongs to it
        out.append((page, change, cpu_seconds(pid) - before, time.monotonic() - started))
    if spy is not None:
        spy.send_signal(signal.SIGINT)  # py-spy writes its file on Ctrl-C
        spy.wait(timeout=60)
    return out


def report(name: str, rows: list[tuple[str, bool, float, float]]) -> list[str]:
    """The lines printed for one checkout: CPU-s per visit overall, by province change and by page."""
    cpu = [row[2] for row in rows]
    lines = [
        (
            f"{name}: {len(rows)} visits, CPU-s per visit mean {statistics.mean(cpu):.3f}, "
            f"median {statistics.median(cpu):.3f}, wall median {statistics.median(row[3] for row in rows):.2f} s"
        )
    ]
    for label, keep in (("no province change", False), ("with a province change", True)):
        part = [row[2] for row in rows if row[1] == keep]
        if part:
            lines.append(f"  {label}: {len(part)} visits, mean {statistics.mean(part):.3f}")
    for page in load_test.PAGE_MIX:
        part = [row[2] for row in rows if row[0] == page]
        if part:
            lines.append(f"  {page:14} {len(part):3} visits, mean {statistics.mean(part):.3f}, max {max(part):.3f}")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--compare", type=Path, default=None, help="another checkout (e.g. `git archive` of a base)")
    parser.add_argument("--visits", type=int, default=48, help="visits per round and checkout")
    parser.add_argument("--rounds", type=int, default=2, help="rounds; each starts every checkout's server afresh")
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument("--cached-static", action="store_true", help="skip the static files (as behind `serve`)")
    parser.add_argument("--pages", default="", help="only these pages, comma-separated (default: the load test's mix)")
    parser.add_argument("--profile", action="store_true", help="py-spy the measured visits; print where CPU goes")
    parser.add_argument("--top", type=int, default=30, help="lines of the profile summary")
    args = parser.parse_args()
    only = [page for page in args.pages.split(",") if page] or None
    unknown = [page for page in only or () if page not in load_test.PAGE_MIX]
    if unknown:
        parser.error(f"unknown page(s) {', '.join(unknown)}; choose from {', '.join(load_test.PAGE_MIX)}")
    out = load_test.OUT
    out.mkdir(parents=True, exist_ok=True)
    demo = build_demo_with_snapshots(out)
    requests = load_test.chromium_requests("dashboard", ROOT / "dashboard.py", demo)
    checkouts = {"this": ROOT, **({"compare": args.compare.resolve()} if args.compare else {})}
    results: dict[str, list] = {name: [] for name in checkouts}
    profiles: dict[str, list[Path]] = {name: [] for name in checkouts}
    load = [os.getloadavg()[0]]
    for number in range(args.rounds):
        visits = plan(args.visits, args.seed + number, only)
        order = list(checkouts.items())
        if number % 2:
            order.reverse()  # alternate who goes first: the machine's load drifts
        for name, checkout in order:
            profile = out / f"cpu_per_visit_{name}_{number + 1}.pyspy" if args.profile else None
            with server(checkout, demo, out / f"cpu_per_visit_{name}.log") as (url, pid):
                results[name] += asyncio.run(measure(url, pid, visits, requests, args.cached_static, profile))
            if profile is not None:
                profiles[name].append(profile)
            load.append(os.getloadavg()[0])
            print(f"round {number + 1} {name} done (load average {load[-1]:.1f})", flush=True)
    print(
        f"\n{platform.machine()} / Python {platform.python_version()}, {os.cpu_count()} cores, "
        f"{'static files cached' if args.cached_static else 'static files fetched'}, "
        f"load average {min(load):.1f}-{max(load):.1f}"
    )
    for name, checkout in checkouts.items():
        print("\n".join(report(f"{name} ({checkout})", results[name])))
        mean = statistics.mean(row[2] for row in results[name])
        print(
            f"  against the base before issue 16 ({BASELINE_CPU_S} CPU-s, docs/benchmarks.md): "
            f"{mean / BASELINE_CPU_S:.0%} of it (issue 16: a third, {BASELINE_CPU_S / 3:.3f}; "
            f"done when at most {GOAL_CPU_S})"
        )
    for name, files in profiles.items():
        for number, path in enumerate(files, 1):
            print(f"\nprofile of {name}, round {number} ({path}):\n{summarise(path, args.top)}")


if __name__ == "__main__":
    main()
