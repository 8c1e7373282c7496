"""Chromium CPU-s of a screenshot on five settled pages, four ways interleaved over 3 rounds (docs/benchmarks.md,
"Test suite time, part 12"): none, a viewport shot, tests/browser_support.full_page_screenshot, and the same without
setting the viewport back.

    .venv/bin/python bench/screenshot_cost.py [EXECUTABLE]     # default: the tests' Chromium

Needs the demo database bench/out/demo.duckdb (bench/bench_demo.py builds it).
"""

import statistics
import sys
import time
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from playwright.sync_api import sync_playwright  # noqa: E402

from tests.browser_support import (  # noqa: E402
    CHROMIUM,
    CHROMIUM_ARGS,
    full_page_screenshot,
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
last = {}


def cpu():
    last.update(((p, c), s) for p, c, _, s in own_chromium())
    return sum(last.values())


ways = {
    "none": None,
    "viewport": lambda page, path: page.screenshot(path=str(path)),
    "full_page_screenshot": full_page_screenshot,
    "no restore": partial(full_page_screenshot, restore=False),
}
res = {k: [] for k in ways}
out = ROOT / "bench/out/screenshot_cost"
out.mkdir(parents=True, exist_ok=True)
with streamlit_server(ROOT / "bench/out/demo.duckdb", out / "streamlit.log") as base, sync_playwright() as pw:
    browser = instrument(
        pw.chromium.launch(executable_path=sys.argv[1] if len(sys.argv) > 1 else str(CHROMIUM), args=CHROMIUM_ARGS)
    )
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    context.new_page().goto(base + "/_stcore/health")  # the kept renderer, as SharedContext
    names = list(ways)
    for r in range(3):
        for name in names[r % 4 :] + names[: r % 4]:
            total = 0.0
            for i, path in enumerate(PATHS):
                page = context.new_page()
                page.goto(base + path)
                settle(page)
                start = cpu()
                if ways[name]:
                    ways[name](page, out / f"{name.replace(' ', '_')}_{i}.png")
                time.sleep(1.0)  # a restore's re-layout happens before the page closes
                total += cpu() - start
                page.close()
            res[name].append(total)
    browser.close()
for k, v in res.items():
    print(f"{k:22s} best {min(v):.2f} median {statistics.median(v):.2f} CPU-s for 5 pages")
