"""First paint in a real browser: each dashboard page against a hello-world Streamlit page.

    .venv/bin/python bench/bench_first_paint.py                 # demo and 10x, print the table
    .venv/bin/python bench/bench_first_paint.py --update-docs   # also rewrite the section
                                                                # "## First paint in a browser"
                                                                # of docs/benchmarks.md
    .venv/bin/python bench/bench_first_paint.py --demo-only --pages overview --rounds 3

Two Streamlit servers run side by side from the same environment: `dashboard.py` on a
database, and bench/hello_world_app.py (the same page paths, each a title and a line of
text). Each page is first visited once per app (the server's shared caches warm up, as
after any earlier visitor), then opened ROUNDS times each way, alternating dashboard and
hello-world visits so both see the same machine load:

- *cold browser cache*: in a NEW browser context (a new Streamlit session in a browser
  that has never loaded the app: every JavaScript chunk is fetched and parsed);
- *warm browser cache*: in a new tab of one long-lived browser context that has opened
  the app before (a new Streamlit session; Streamlit's hashed JS chunks come from the
  browser's cache, as for a returning user).

"Fully drawn" is the moment from which, for 0.7 s without interruption, the app reports
its script as not running, a title is shown, no skeleton placeholder is shown, and every
displayed Plotly chart ON THE WHOLE PAGE has drawn (an SVG) — not only those in the
first screen: a user may scroll at once, and the cost of a chart below the fold is paid
on first paint anyway — and every data grid in the first screen has drawn (a canvas;
Streamlit draws a grid only once it is scrolled into view, so one further down never
would). Content in a closed expander or an
unselected tab does not count (it is not displayed; with `on_change="rerun"` it is not
even sent). The time is counted from the navigation start. The ratio is the dashboard's
median over hello world's median.

The demo database is the one `python -m etl demo` makes: the demo files loaded through
the ETL and the weekly snapshot of every Friday. The 10x database repeats every record
nine more times (bench/bench_pages.py; no snapshots).
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import time
from contextlib import contextmanager
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_pages import OUT, build_demo, build_tenfold
from hello_world_app import PATHS

from deploy.serve import free_port, wait_for_health
from tests.browser_support import streamlit_command

DOCS = ROOT / "docs" / "benchmarks.md"
SECTION = "## First paint in a browser"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
VIEWPORT = {"width": 1400, "height": 900}
STABLE_S = 0.7
DRAWN = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return false;
  if (!document.querySelector('h1')) return false;
  if (document.querySelector('[data-testid="stSkeleton"]')) return false;
  // every displayed chart and grid, anywhere on the page (not in a closed expander or tab)
  const shown = (node) => node.offsetParent !== null;
  for (const chart of document.querySelectorAll('[data-testid="stPlotlyChart"]'))
    if (shown(chart) && !chart.querySelector('.main-svg')) return false;
  // a grid draws its canvas only once scrolled into view: below the first screen there is nothing to wait for
  for (const grid of document.querySelectorAll('[data-testid="stDataFrame"]'))
    if (shown(grid) && !grid.querySelector('canvas') && grid.getBoundingClientRect().top < window.innerHeight)
      return false;
  return true;
}"""


# base URL -> pid of each running `server`, for the server CPU a visit costs (`server_cpu`)
SERVER_PIDS: dict[str, int] = {}


def server_cpu(url: str) -> float:
    """User + system CPU seconds so far of the server process behind `url` (started by `server`)."""
    import psutil

    return sum(psutil.Process(SERVER_PIDS[url]).cpu_times()[:2])


@contextmanager
def server(script: Path, env: dict[str, str], log: Path):
    port = free_port()
    with open(log, "w") as handle:
        process = subprocess.Popen(
            streamlit_command(script, port),
            cwd=script.parent if script.parent != ROOT / "bench" else ROOT / "bench",
            env={**os.environ, **env},
            stdout=handle,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for_health(url, process, log, timeout_s=60)
        SERVER_PIDS[url] = process.pid
        yield url
    finally:
        SERVER_PIDS.pop(url, None)
        process.terminate()
        process.wait(timeout=15)


def drawn_after(page, url: str, timeout_s: float = 60) -> float:
    """Seconds from navigating `page` to `url` until it is fully drawn (see module doc)."""
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


def first_paint(browser, url: str) -> float:
    """Cold browser cache: a new browser context (nothing cached), one visit."""
    context = browser.new_context(viewport=VIEWPORT)
    try:
        return drawn_after(context.new_page(), url)
    finally:
        context.close()


def new_tab_paint(context, url: str) -> float:
    """Warm browser cache: a new tab (a new Streamlit session) in a context that has opened the app."""
    page = context.new_page()
    try:
        return drawn_after(page, url)
    finally:
        page.close()


# page -> {"cold": (dashboard median s, hello median s), "warm": (...), "cold_best": (dashboard
# fastest s, hello fastest s), "warm_best": (...), "cpu": (dashboard server CPU-s per visit, hello's:
# medians over every visit of the page, cold and warm)}
Results = dict[str, dict[str, tuple[float, float]]]


def _visit(base: str, action) -> tuple[float, float]:
    """(seconds to fully drawn, CPU seconds the server behind `base` spent meanwhile) of one visit."""
    before = server_cpu(base)
    seconds = action()
    time.sleep(0.3)  # what the server does right after the visit (the session closing) belongs to it
    return seconds, server_cpu(base) - before


def measure(db: Path, rounds: int, log_dir: Path, paths: list[str]) -> Results:
    from playwright.sync_api import sync_playwright

    results: Results = {}
    with (
        server(ROOT / "dashboard.py", {"BUDGET_DB": str(db)}, log_dir / "dashboard.log") as app_url,
        server(ROOT / "bench" / "hello_world_app.py", {}, log_dir / "hello.log") as hello_url,
        sync_playwright() as playwright,
    ):
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        app_context, hello_context = browser.new_context(viewport=VIEWPORT), browser.new_context(viewport=VIEWPORT)
        try:
            for path in paths:
                app, hello = f"{app_url}/{path}", f"{hello_url}/{path}"
                # warm the servers' shared caches and the long-lived contexts' browser caches
                new_tab_paint(app_context, app)
                new_tab_paint(hello_context, hello)
                times: dict[str, list[float]] = {"app_cold": [], "hello_cold": [], "app_warm": [], "hello_warm": []}
                cpu: dict[str, list[float]] = {"app": [], "hello": []}
                for _ in range(rounds):  # page and hello world alternate: both see the same machine load
                    for name, base, visit in (
                        ("app_cold", app_url, lambda: first_paint(browser, app)),
                        ("hello_cold", hello_url, lambda: first_paint(browser, hello)),
                        ("app_warm", app_url, lambda: new_tab_paint(app_context, app)),
                        ("hello_warm", hello_url, lambda: new_tab_paint(hello_context, hello)),
                    ):
                        seconds, cpu_s = _visit(base, visit)
                        times[name].append(seconds)
                        cpu[name.split("_")[0]].append(cpu_s)
                median = {name: statistics.median(values) for name, values in times.items()}
                best = {name: min(values) for name, values in times.items()}
                results[path] = {
                    "cold": (median["app_cold"], median["hello_cold"]),
                    "warm": (median["app_warm"], median["hello_warm"]),
                    "cold_best": (best["app_cold"], best["hello_cold"]),
                    "warm_best": (best["app_warm"], best["hello_warm"]),
                    "cpu": (statistics.median(cpu["app"]), statistics.median(cpu["hello"])),
                }
                print(
                    f"{db.name} {path}: cold {median['app_cold']:.2f} / {median['hello_cold']:.2f} s = "
                    f"{median['app_cold'] / median['hello_cold']:.2f} (best {best['app_cold']:.2f} / "
                    f"{best['hello_cold']:.2f}); warm {median['app_warm']:.2f} / {median['hello_warm']:.2f} s = "
                    f"{median['app_warm'] / median['hello_warm']:.2f} (best {best['app_warm']:.2f} / "
                    f"{best['hello_warm']:.2f}); server CPU-s per visit {results[path]['cpu'][0]:.3f} / "
                    f"{results[path]['cpu'][1]:.3f} (load average {os.getloadavg()[0]:.1f})",
                    flush=True,
                )
        finally:
            browser.close()
    return results


def _cells(result: dict[str, tuple[float, float]] | None) -> str:
    if not result:
        return " - | - | - | - |"
    (app, hello), (app_warm, hello_warm) = result["cold"], result["warm"]
    return (
        f" {app:.2f} / {hello:.2f} s | **{app / hello:.2f}** |"
        f" {app_warm:.2f} / {hello_warm:.2f} s | **{app_warm / hello_warm:.2f}** |"
    )


def markdown(runs: dict[str, Results], rounds: int) -> str:
    lines = [
        SECTION,
        "",
        "Reproduce (starts its own servers and Debian's Chromium):",
        "",
        "```bash",
        ".venv/bin/python bench/bench_first_paint.py                 # prints the table",
        ".venv/bin/python bench/bench_first_paint.py --update-docs   # and rewrites this section",
        "```",
        "",
        "Each page opened at 1400x900 on a warm server, in a new Streamlit session: *cold* in a new",
        "browser context (nothing in the browser cache), *warm* in a new tab of a browser context that",
        "has opened the app before (Streamlit's JavaScript chunks cached, as for a returning user).",
        "*Fully drawn* = script finished, a title, no skeletons, every displayed chart on the whole page",
        "and every grid in the first screen drawn (Streamlit draws a grid only when scrolled into view),",
        f"stable for {STABLE_S} s (counted from navigation start to the start of that stretch).",
        f"Median of {rounds} visits each way, dashboard and hello world alternating in one",
        "run; cells are dashboard / hello world and the ratio. Goal: at most 1.5x hello world on the",
        "demo data, 2x at 10x.",
        "",
        "| page | demo cold | ratio | demo warm | ratio | 10x cold | ratio | 10x warm | ratio |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    demo, big = runs["demo"], runs.get("10x", {})
    for path in demo:
        lines.append(f"| {path} |{_cells(demo[path])}{_cells(big.get(path))}")

    def worst(results: Results, kind: str) -> float:
        return max((app / hello for result in results.values() for app, hello in [result[kind]]), default=float("nan"))

    verdicts = []
    for name, results, goal in (("demo", demo, 1.5), ("10x", big, 2.0)):
        for kind in ("cold", "warm"):
            value = worst(results, kind)
            if not math.isnan(value):
                verdicts.append(f"{name} {kind} {value:.2f} ({'met' if value <= goal else 'not met'})")
    lines += [
        "",
        (
            f"Measured {date.today():%d %b %Y} on {platform.machine()} / Python "
            f"{platform.python_version()}, {os.cpu_count()} cores shared with other work "
            f"(load average {os.getloadavg()[0]:.1f} at the end). Worst ratio: " + ", ".join(verdicts) + "."
        ),
        "",
    ]
    return "\n".join(lines)


def update_docs(section: str) -> None:
    text = DOCS.read_text(encoding="utf-8")
    pattern = re.compile(rf"^{re.escape(SECTION)}\n.*?(?=^## |\Z)", re.DOTALL | re.MULTILINE)
    text = (
        pattern.sub(lambda _: section + "\n", text)
        if pattern.search(text)
        else text.rstrip("\n") + "\n\n" + section + "\n"
    )
    DOCS.write_text(text, encoding="utf-8")


def build_demo_with_snapshots(folder: Path) -> Path:
    """FY2562's demo load plus every Friday's snapshot (the one-year demo the earlier figures were
    measured on; `python -m etl demo` now loads three years)."""
    from etl.demo_data import FISCAL_YEAR_BE
    from etl.snapshot import take_demo_snapshots

    db = folder / "demo_weekly.duckdb"
    if not db.exists():
        work = folder / "demo_weekly.tmp.duckdb"
        shutil.copyfile(build_demo(folder), work)
        take_demo_snapshots(db_path=work, log=lambda _: None, fiscal_years=[FISCAL_YEAR_BE])
        os.replace(work, db)
    return db


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=5, help="visits per page, app and cache state (default 5)")
    parser.add_argument("--demo-only", action="store_true", help="skip the 10x database")
    parser.add_argument("--pages", nargs="*", default=None, help="only these page paths")
    parser.add_argument("--update-docs", action="store_true", help="rewrite the section in docs/benchmarks.md")
    args = parser.parse_args()
    paths = [path for path in PATHS if not args.pages or path in args.pages]
    OUT.mkdir(parents=True, exist_ok=True)
    demo = build_demo_with_snapshots(OUT)
    runs = {"demo": measure(demo, args.rounds, OUT, paths)}
    if not args.demo_only:
        runs["10x"] = measure(build_tenfold(build_demo(OUT), OUT), args.rounds, OUT, paths)
    section = markdown(runs, args.rounds)
    print(section)
    if args.update_docs:
        update_docs(section)


if __name__ == "__main__":
    main()
