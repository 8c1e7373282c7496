"""CPU seconds of the test browsers' Chromium per kind of process, for ten page loads.

    .venv/bin/python bench/chromium_cpu.py                        # the flags the tests use
    .venv/bin/python bench/chromium_cpu.py --no-suite-features    # without the suite's --disable-features
    .venv/bin/python bench/chromium_cpu.py --extra=--some-flag    # with more flags
    .venv/bin/python bench/chromium_cpu.py --rounds 4 --variant suite= --variant noopt=--js-flags=--max-opt=1
                                              # variants A/B, interleaved, best and median of the rounds
    .venv/bin/python bench/chromium_cpu.py --way shared --screenshot   # as a shared context, a full-page shot each

One `streamlit run` on the demo database (bench/out/demo.duckdb, built by bench/bench_demo.py or
`python -m etl demo --database bench/out/demo.duckdb`) and one Chromium per variant and round, started as
tests/browser_support.py starts it. The overview, lagging, carry-over, area and reallocations pages are each
loaded twice (`--way`):
  context     a new browser context per load (a test's own context: sign-in, downloads, init scripts);
  shared      one context, a page kept parked on the server's health check and a new page per load, closed
              after (tests/conftest.py SharedContext: what most browser tests do);
  persistent  as `shared`, in a persistent context (launch_persistent_context) on a user-data-dir of the
              variant's own, kept over the rounds: Chromium's disk cache and V8's code cache are kept.
Every Chromium process started after the launch is sampled when its page has settled and again before its
context closes (a process that has ended keeps its last sample); only this script's own Chromium (its
descendants) is counted: before part 6 other browsers on the machine were too. Its CPU is summed by kind:
browser, renderer, the toolbar's WebUI renderer (`--top-chrome-webui`), GPU, utility. The variants run in a
different order each round (interleaved). Results are in docs/benchmarks.md, "Test suite time", parts 3 and 12.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.browser_support import (  # noqa: E402
    CHROMIUM,
    CHROMIUM_ARGS,
    SETTLE_INIT_JS,
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
VIEWPORT = {"width": 1400, "height": 900}


def kind_of(command: str) -> str:
    """The kind of a Chromium process from its command line."""
    if "--top-chrome-webui" in command:
        return "toolbar WebUI renderer"
    if "--type=renderer" in command:
        return "renderer"
    if "gpu-process" in command:
        return "gpu"
    return "utility" if "--type=" in command else "browser"


def run_once(playwright, base: str, flags: list[str], way: str, profile: Path, shots: Path | None) -> Counter:
    """Ten page loads in a Chromium started with `flags` (an `exe=PATH` among them: that executable instead of
    /usr/bin/chromium), opened `way`; CPU-s by kind of process."""
    executable = next((flag[4:] for flag in flags if flag.startswith("exe=")), str(CHROMIUM))
    flags = [flag for flag in flags if not flag.startswith("exe=")]
    cpu: dict[tuple[int, float], tuple[str, float]] = {}
    launched = time.time() - 2

    def sample() -> None:
        for pid, created, command, seconds in own_chromium():  # its own Chromium only: the machine is shared
            if created >= launched:
                cpu[(pid, created)] = (kind_of(command), seconds)

    def load(page, path: str, number: int) -> None:
        page.goto(base + path)
        settle(page)
        if shots is not None:
            full_page_screenshot(page, shots / f"{number:02d}.png")
        sample()

    if way == "context":
        browser = instrument(playwright.chromium.launch(executable_path=executable, args=flags))
        for number, path in enumerate(PATHS * 2):
            context = browser.new_context(viewport=VIEWPORT)
            load(context.new_page(), path, number)
            context.close()
            sample()
        browser.close()
    else:
        if way == "shared":
            browser = instrument(playwright.chromium.launch(executable_path=executable, args=flags))
            context = browser.new_context(viewport=VIEWPORT)
            parked = context.new_page()
        else:
            browser = None
            context = playwright.chromium.launch_persistent_context(
                str(profile), executable_path=executable, args=flags, viewport=VIEWPORT
            )
            context.add_init_script(SETTLE_INIT_JS)
            parked = context.pages[0] if context.pages else context.new_page()
        parked.goto(base + "/_stcore/health")
        for number, path in enumerate(PATHS * 2):
            page = context.new_page()
            load(page, path, number)
            page.close()
        sample()
        context.close()
        if browser is not None:
            browser.close()
    by_kind = Counter()
    for kind, seconds in cpu.values():
        by_kind[kind] += seconds
    return by_kind


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--no-suite-features", action="store_true", help="leave out the suite's --disable-features")
    parser.add_argument("--extra", action="append", default=[], help="one more Chromium flag (repeatable)")
    parser.add_argument(
        "--variant",
        action="append",
        default=[],
        help="NAME=FLAG FLAG...: flags added to the suite's (space-separated; `exe=PATH` another executable, e.g. "
        "exe=/usr/bin/chromium-headless-shell; repeatable)",
    )
    parser.add_argument(
        "--way", action="append", choices=["context", "shared", "persistent"], help="repeatable (default: context)"
    )
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--screenshot", action="store_true", help="a full-page screenshot after each load")
    parser.add_argument("--database", type=Path, default=ROOT / "bench" / "out" / "demo.duckdb")
    options = parser.parse_args()
    from playwright.sync_api import sync_playwright

    base_flags = [
        arg for arg in CHROMIUM_ARGS if not (options.no_suite_features and arg.startswith("--disable-features"))
    ]
    base_flags += options.extra
    variants: dict[str, tuple[str, list[str]]] = {}  # "name way" -> (way, flags)
    for way in options.way or ["context"]:
        for text in options.variant or ["suite="]:
            name, _, flags = text.partition("=")
            variants[f"{name} {way}"] = (way, base_flags + flags.split())
    totals: dict[str, list[float]] = {name: [] for name in variants}
    work = Path(tempfile.mkdtemp(prefix="chromium_cpu_"))
    shots = None
    with streamlit_server(options.database, ROOT / "bench" / "out" / "chromium_cpu_streamlit.log") as base:
        with sync_playwright() as playwright:
            names = list(variants)
            for round_number in range(options.rounds):
                order = names[round_number % len(names) :] + names[: round_number % len(names)]
                for name in order:
                    if options.screenshot:
                        shots = work / "shots" / name.replace(" ", "_") / str(round_number)
                        shots.mkdir(parents=True, exist_ok=True)
                    way, flags = variants[name]
                    profile = work / "profile" / name.replace(" ", "_")
                    by_kind = run_once(playwright, base, flags, way, profile, shots)
                    total = sum(by_kind.values())
                    totals[name].append(total)
                    kinds = " ".join(f"{kind} {seconds:.2f}" for kind, seconds in by_kind.most_common())
                    print(f"round {round_number + 1} {name:26s} {total:6.2f} CPU-s ({kinds})", flush=True)
    print(f"{len(PATHS) * 2} page loads per run, screenshots: {options.screenshot} ({work})")
    for name, (_, flags) in variants.items():
        extra = " ".join(flags[len(base_flags) :]) or "(the suite's flags)"
        runs = totals[name]
        print(f"{name:26s} best {min(runs):6.2f} median {statistics.median(runs):6.2f} CPU-s  {extra}")


if __name__ == "__main__":
    main()
