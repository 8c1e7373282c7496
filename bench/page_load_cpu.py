"""Chromium CPU seconds per page load, by how the test gets its page (docs/benchmarks.md "Test suite time, part 6").

    .venv/bin/python bench/page_load_cpu.py [--rounds 2]

One `streamlit run` on the demo database (bench/out/demo.duckdb: `python -m etl demo --database ...` or
bench/bench_demo.py) and one Chromium with the suite's flags (tests/browser_support.py CHROMIUM_ARGS). The
seven pages are loaded and settled (settle()) in four ways, one after the other, each round:
  new context     a new browser context per page (a context of the test's own);
  new page        a new page per page in one context, closed after (the shared contexts before part 6);
  kept renderer   as `new page`, with one page of the context kept open on the server's health check, as
                  tests/conftest.py SharedContext now does (with --process-per-site the pages share its renderer);
  one page        `goto` on one page (what a test does between its own pages).
Only this script's own Chromium processes are counted (descendants of this process: the machine is shared),
and a process that has ended keeps its last sample. Prints CPU-s and wall seconds per page load.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.browser_support import (  # noqa: E402
    CHROMIUM,
    CHROMIUM_ARGS,
    instrument,
    own_chromium,
    settle,
    streamlit_server,
)

PATHS = [
    "/?as_of=2019-09-13",
    "/area?area=province:50&as_of=2019-09-13",
    "/lagging?as_of=2019-09-13",
    "/carryover",
    "/reallocations",
    "/assets",
    "/data_quality",
]
VIEWPORT = {"width": 1400, "height": 900}


class ChromiumCpu:
    """CPU seconds of this process's Chromium descendants, the ended ones at their last sample."""

    def __init__(self) -> None:
        self.last: dict[tuple[int, float], float] = {}

    def __call__(self) -> float:
        self.last.update(((pid, created), seconds) for pid, created, _, seconds in own_chromium())
        return sum(self.last.values())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--database", type=Path, default=ROOT / "bench" / "out" / "demo.duckdb")
    options = parser.parse_args()
    from playwright.sync_api import sync_playwright

    cpu = ChromiumCpu()
    log = ROOT / "bench" / "out" / "page_load_cpu_streamlit.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    with streamlit_server(options.database, log) as base, sync_playwright() as playwright:
        browser = instrument(playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS))

        def load(page, path: str) -> None:
            page.goto(base + path)
            settle(page)
            cpu()  # before anything closes

        def new_context() -> None:
            for path in PATHS:
                context = browser.new_context(viewport=VIEWPORT)
                load(context.new_page(), path)
                context.close()

        def new_page(keep: bool) -> None:
            context = browser.new_context(viewport=VIEWPORT)
            if keep:
                context.new_page().goto(base + "/_stcore/health")
            for path in PATHS:
                page = context.new_page()
                load(page, path)
                page.close()
            context.close()

        def one_page() -> None:
            context = browser.new_context(viewport=VIEWPORT)
            page = context.new_page()
            for path in PATHS:
                load(page, path)
            context.close()

        ways = {
            "new context": new_context,
            "new page": lambda: new_page(keep=False),
            "kept renderer": lambda: new_page(keep=True),
            "one page": one_page,
        }
        one_page()  # warm the server's caches
        for round_number in range(1, options.rounds + 1):
            for name, way in ways.items():
                start_cpu, start = cpu(), time.monotonic()
                way()
                per_load, wall = (cpu() - start_cpu) / len(PATHS), (time.monotonic() - start) / len(PATHS)
                print(f"round {round_number} {name:14s} {per_load:5.2f} CPU-s {wall:5.2f} s per page load")
        browser.close()


if __name__ == "__main__":
    main()
