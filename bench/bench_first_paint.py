"""First paint in a real browser: each dashboard page against a hello-world Streamlit page.

    .venv/bin/python bench/bench_first_paint.py                 # demo and 10x, print the table
    .venv/bin/python bench/bench_first_paint.py --update-docs   # also rewrite the section
                                                                # "## First paint in a browser"
                                                                # of docs/benchmarks.md

Two Streamlit servers run side by side from the same environment: `dashboard.py` on a
database, and bench/hello_world_app.py (the same page paths, each a title and a line of
text). Each page is first visited once (the server's shared caches warm up, as after any
earlier visitor), then opened ROUNDS times in a NEW browser context (a new Streamlit
session, as a user opening a link), alternating dashboard and hello-world visits so both
see the same machine load. "Fully drawn" is the moment from which, for 0.7 s without
interruption, the app reports its script as not running, no skeleton placeholder is
shown, and every displayed Plotly chart and data grid within the first two screens
has drawn; the time is counted
from the navigation start. The ratio is the dashboard's median over hello world's median.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import statistics
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_pages import OUT, build_demo, build_tenfold
from hello_world_app import PATHS

DOCS = ROOT / "docs" / "benchmarks.md"
SECTION = "## First paint in a browser"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]
STABLE_S = 0.7
DRAWN = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return false;
  if (!document.querySelector('h1')) return false;
  if (document.querySelector('[data-testid="stSkeleton"]')) return false;
  // what a user can reach without waiting: displayed (not in a closed expander or another
  // tab) and within the first two screens (the grid library draws far-away grids lazily)
  const shown = (node) => node.offsetParent !== null
    && node.getBoundingClientRect().top < 2 * window.innerHeight;
  for (const chart of document.querySelectorAll('[data-testid="stPlotlyChart"]'))
    if (shown(chart) && !chart.querySelector('.main-svg')) return false;
  for (const grid of document.querySelectorAll('[data-testid="stDataFrame"]'))
    if (shown(grid) && !grid.querySelector('canvas')) return false;
  return true;
}"""


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def server(script: Path, env: dict[str, str], log: Path):
    port = free_port()
    with open(log, "w") as handle:
        process = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(script), "--server.port", str(port),
             "--server.address", "127.0.0.1", "--server.headless", "true",
             "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"],
            cwd=script.parent if script.parent != ROOT / "bench" else ROOT / "bench",
            env={**os.environ, **env}, stdout=handle, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2):
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"{script} did not start; see {log}") from None
                time.sleep(0.3)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=15)


def first_paint(browser, url: str, timeout_s: float = 60) -> float:
    """Seconds from navigation start until the page is fully drawn (see module doc)."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    try:
        start = time.perf_counter()
        page.goto(url, wait_until="commit")
        drawn_since = None
        while time.perf_counter() - start < timeout_s:
            now = time.perf_counter()
            if page.evaluate(DRAWN):
                drawn_since = drawn_since or now
                if now - drawn_since >= STABLE_S:
                    return drawn_since - start
            else:
                drawn_since = None
            page.wait_for_timeout(30)
        raise TimeoutError(f"{url} not drawn within {timeout_s} s")
    finally:
        context.close()


def measure(db: Path, rounds: int, log_dir: Path) -> dict[str, tuple[float, float]]:
    """page -> (dashboard median s, hello-world median s)."""
    from playwright.sync_api import sync_playwright

    results = {}
    with server(ROOT / "dashboard.py", {"BUDGET_DB": str(db)}, log_dir / "dashboard.log") as app_url, \
            server(ROOT / "bench" / "hello_world_app.py", {}, log_dir / "hello.log") as hello_url, \
            sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for path in PATHS:
                first_paint(browser, f"{app_url}/{path}")  # warm the server's shared caches
                first_paint(browser, f"{hello_url}/{path}")
                app_times, hello_times = [], []
                for _ in range(rounds):
                    app_times.append(first_paint(browser, f"{app_url}/{path}"))
                    hello_times.append(first_paint(browser, f"{hello_url}/{path}"))
                results[path] = (statistics.median(app_times), statistics.median(hello_times))
                print(f"{db.name} {path}: dashboard {results[path][0]:.2f} s, hello {results[path][1]:.2f} s",
                      flush=True)
        finally:
            browser.close()
    return results


def markdown(runs: dict[str, dict[str, tuple[float, float]]], rounds: int) -> str:
    lines = [
        SECTION, "",
        "Reproduce (starts its own servers and Debian's Chromium):", "",
        "```bash",
        ".venv/bin/python bench/bench_first_paint.py                 # prints the table",
        ".venv/bin/python bench/bench_first_paint.py --update-docs   # and rewrites this section",
        "```", "",
        "Each page opened in a new browser session (new Playwright context, 1400x900) on a warm",
        "server; *fully drawn* = script finished, no skeletons, every chart and grid drawn, and",
        f"stable for {STABLE_S} s (counted from navigation start to the start of that stable",
        f"stretch). Median of {rounds} visits each, dashboard and hello world alternating in one",
        "run. Goal: at most 1.5x hello world on the demo data, 2x at 10x.", "",
        "| page | demo | hello world | ratio | 10x | hello world | ratio |",
        "|---|---|---|---|---|---|---|",
    ]
    demo, big = runs["demo"], runs.get("10x", {})
    for path in demo:
        app, hello = demo[path]
        row = f"| {path} | {app:.2f} s | {hello:.2f} s | **{app / hello:.2f}** |"
        if path in big:
            app10, hello10 = big[path]
            row += f" {app10:.2f} s | {hello10:.2f} s | **{app10 / hello10:.2f}** |"
        else:
            row += " - | - | - |"
        lines.append(row)
    worst = max(app / hello for app, hello in demo.values())
    worst_big = max((app / hello for app, hello in big.values()), default=float("nan"))
    lines += ["", (f"Measured {date.today():%d %b %Y} on {platform.machine()} / Python "
                   f"{platform.python_version()}, {os.cpu_count()} cores shared with other work. "
                   f"Worst ratio: {worst:.2f} on the demo ({'met' if worst <= 1.5 else 'not met'}), "
                   f"{worst_big:.2f} at 10x ({'met' if worst_big <= 2 else 'not met'})."), ""]
    return "\n".join(lines)


def update_docs(section: str) -> None:
    text = DOCS.read_text(encoding="utf-8")
    pattern = re.compile(rf"^{re.escape(SECTION)}\n.*?(?=^## |\Z)", re.DOTALL | re.MULTILINE)
    text = pattern.sub(lambda _: section + "\n", text) if pattern.search(text) else \
        text.rstrip("\n") + "\n\n" + section + "\n"
    DOCS.write_text(text, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=5, help="visits per page and app (default 5)")
    parser.add_argument("--demo-only", action="store_true", help="skip the 10x database")
    parser.add_argument("--pages", nargs="*", default=None, help="only these page paths")
    parser.add_argument("--update-docs", action="store_true", help="rewrite the section in docs/benchmarks.md")
    args = parser.parse_args()
    if args.pages:
        PATHS[:] = [p for p in PATHS if p in args.pages]
    OUT.mkdir(parents=True, exist_ok=True)
    demo = build_demo(OUT)
    runs = {"demo": measure(demo, args.rounds, OUT)}
    if not args.demo_only:
        runs["10x"] = measure(build_tenfold(demo, OUT), args.rounds, OUT)
    section = markdown(runs, args.rounds)
    print(section)
    if args.update_docs:
        update_docs(section)


if __name__ == "__main__":
    main()
