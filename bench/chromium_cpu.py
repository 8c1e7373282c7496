"""CPU seconds of the test browsers' Chromium per kind of process, for ten page loads.

    .venv/bin/python bench/chromium_cpu.py                        # the flags the tests use
    .venv/bin/python bench/chromium_cpu.py --no-suite-features    # without the suite's --disable-features
    .venv/bin/python bench/chromium_cpu.py --extra=--some-flag    # with more flags

One `streamlit run` on the demo database (bench/out/demo.duckdb, built by bench/bench_demo.py or
`python -m etl demo --database bench/out/demo.duckdb`) and one Chromium started as tests/browser_support.py
starts it. The overview, lagging, carry-over, area and reallocations pages are each loaded twice in a new
context, as the tests do. Every Chromium process started after the launch is sampled when its page has
settled and again when its context closes (a process that has ended keeps its last sample); only this
script's own Chromium (its descendants) is counted: before part 6 other browsers on the machine were too. Its CPU is
summed by kind: browser, renderer, the toolbar's WebUI renderer (`--top-chrome-webui`), GPU, utility.
Results are in docs/benchmarks.md, "Test suite time, part 3".
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
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
    "/lagging?as_of=2019-09-13",
    "/carryover",
    "/area?area=province:50&as_of=2019-09-13",
    "/reallocations",
]


def kind_of(command: str) -> str:
    """The kind of a Chromium process from its command line."""
    if "--top-chrome-webui" in command:
        return "toolbar WebUI renderer"
    if "--type=renderer" in command:
        return "renderer"
    if "gpu-process" in command:
        return "gpu"
    return "utility" if "--type=" in command else "browser"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--no-suite-features", action="store_true", help="leave out the suite's --disable-features")
    parser.add_argument("--extra", action="append", default=[], help="one more Chromium flag (repeatable)")
    parser.add_argument("--database", type=Path, default=ROOT / "bench" / "out" / "demo.duckdb")
    options = parser.parse_args()
    from playwright.sync_api import sync_playwright

    flags = [arg for arg in CHROMIUM_ARGS if not (options.no_suite_features and arg.startswith("--disable-features"))]
    flags += options.extra
    cpu: dict[tuple[int, float], tuple[str, float]] = {}

    def sample(since: float) -> None:
        for pid, created, command, seconds in own_chromium():  # its own Chromium only: the machine is shared
            if created >= since:
                cpu[(pid, created)] = (kind_of(command), seconds)

    with streamlit_server(options.database, ROOT / "bench" / "out" / "chromium_cpu_streamlit.log") as base:
        with sync_playwright() as playwright:
            launched = time.time() - 2
            browser = instrument(playwright.chromium.launch(executable_path=str(CHROMIUM), args=flags))
            for path in PATHS * 2:
                context = browser.new_context(viewport={"width": 1400, "height": 900})
                page = context.new_page()
                page.goto(base + path)
                settle(page)
                sample(launched)
                context.close()
                sample(launched)
            browser.close()
    by_kind, count = Counter(), Counter()
    for kind, seconds in cpu.values():
        by_kind[kind] += seconds
        count[kind] += 1
    print("flags:", " ".join(flags))
    for kind, seconds in by_kind.most_common():
        print(f"{kind:24s} {seconds:6.2f} CPU-s in {count[kind]} processes")
    print(f"{'total':24s} {sum(by_kind.values()):6.2f} CPU-s for {len(PATHS) * 2} page loads")


if __name__ == "__main__":
    main()
