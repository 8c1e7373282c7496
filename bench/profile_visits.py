"""Where a new viewer's visit spends server CPU: py-spy on the single process under the load test's viewers.

    .venv/bin/python bench/profile_visits.py                       # 4 viewers, 40 s, top 25 lines
    .venv/bin/python bench/profile_visits.py --viewers 4 --seconds 60 --top 40 --keep /tmp/visits.txt

Starts `streamlit run dashboard.py` on the demo database (bench/out/), warms it with one visit of
every page, then runs the viewers of bench/load_test.py (same page mix, province changes, static
files) while `py-spy record` samples the server (100 samples/s, threads not idle, native frames
off, only the thread holding the GIL: idle threads are not counted, DuckDB queries that release it
are not either). Prints the visits, the server's CPU per visit, and the functions whose stacks hold the most
samples: *inclusive* (the function or anything it called) for the project's own code and the
Streamlit steps that matter, and *self* (the innermost frame) for everything.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import random
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import load_test
import psutil
from bench_first_paint import build_demo_with_snapshots

PY_SPY = Path(sys.executable).parent / "py-spy"


def frame_name(frame: str) -> str:
    """'render (dashboard.py:97)' -> 'dashboard.py:render' (site-packages paths shortened)."""
    function, _, where = frame.partition(" (")
    path = where.rsplit(":", 1)[0]
    if "site-packages/" in path:
        path = path.split("site-packages/", 1)[1]
    elif str(ROOT) in path:
        path = path.split(str(ROOT) + "/", 1)[1]
    return f"{path}:{function}"


def summarise(collapsed: Path, top: int) -> str:
    inclusive: collections.Counter[str] = collections.Counter()
    own: collections.Counter[str] = collections.Counter()
    total = 0
    for line in collapsed.read_text().splitlines():
        stack, _, count_text = line.rpartition(" ")
        count = int(count_text)
        frames = [frame_name(frame) for frame in stack.split(";")[1:]]  # [0] is the thread
        total += count
        for name in set(frames):
            inclusive[name] += count
        if frames:
            own[frames[-1]] += count
    lines = [f"{total} samples", "", "inclusive (share of all samples):"]
    lines += [f"  {count / total:6.1%}  {name}" for name, count in inclusive.most_common(top)]
    lines += ["", "self:"]
    lines += [f"  {count / total:6.1%}  {name}" for name, count in own.most_common(top)]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--viewers", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=40)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--keep", type=Path, default=None, help="also write the collapsed stacks here")
    parser.add_argument(
        "--cached-static",
        action="store_true",
        help="the viewers do not fetch static files (as behind `serve`, where nginx serves them)",
    )
    args = parser.parse_args()
    out = load_test.OUT
    out.mkdir(parents=True, exist_ok=True)
    demo = build_demo_with_snapshots(out)
    requests = load_test.chromium_requests("dashboard", ROOT / "dashboard.py", demo)
    collapsed = args.keep or out / "profile_visits.txt"
    with load_test.single_process(ROOT / "dashboard.py", demo, out / "profile_server.log") as (url, pids):

        async def drive() -> list[load_test.Visit]:
            for page in load_test.PAGE_MIX:
                await load_test.one_visit(url, page, requests[page], False, args.cached_static, random.Random(0))
            run = load_test.Run()
            command = [
                str(PY_SPY),
                "record",
                "-p",
                str(pids[0]),
                "-r",
                "100",
                "--gil",
                "-f",
                "raw",
                "-o",
                str(collapsed),
                "-d",
                str(int(args.seconds)),
            ]
            spy = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # noqa: ASYNC220
            cpu_start = sum(psutil.Process(pids[0]).cpu_times()[:2])
            started = time.monotonic()
            tasks = [
                asyncio.create_task(load_test.viewer(number, url, requests, run, args.cached_static, 7))
                for number in range(args.viewers)
            ]
            await asyncio.sleep(args.seconds)
            cpu = sum(psutil.Process(pids[0]).cpu_times()[:2]) - cpu_start
            run.stop = True
            await asyncio.gather(*tasks, return_exceptions=True)
            spy.wait(timeout=60)
            visits = [visit for visit in run.visits if visit.started - started < args.seconds]
            print(
                f"{len(visits)} visits ({sum(visit.error is not None for visit in visits)} errors), "
                f"server CPU {cpu:.1f} s = {cpu / max(1, len(visits)):.3f} CPU-s per visit"
            )
            return visits

        asyncio.run(drive())
    print(summarise(collapsed, args.top))


if __name__ == "__main__":
    main()
