"""The flags the test browsers start with (tests/browser_support.py CHROMIUM_ARGS).

Chromium keeps only the last `--disable-features` switch, so the suite's own switch must repeat every
feature Playwright disables (read from the installed Playwright's source, not from our list), and it must
really stop the per-window WebUI renderers of the toolbar (`--top-chrome-webui`) that cost about a quarter
of Chromium's CPU in the suite (docs/benchmarks.md "Test suite time, part 3").
"""

from __future__ import annotations

import re
import time
from pathlib import Path

from tests.browser_support import CHROMIUM_ARGS, chromium_browser, own_chromium, require_chromium


def _playwright_disabled_features() -> set[str]:
    """The feature names in Playwright's `disabledFeatures = [...]` (its Chromium switches)."""
    import playwright

    bundle = Path(playwright.__file__).parent / "driver" / "package" / "lib" / "coreBundle.js"
    source = bundle.read_text(encoding="utf-8")
    block = re.search(r"disabledFeatures = \[(.*?)\]\.filter", source, re.S)
    assert block, f"Playwright's list of disabled features not found in {bundle}"
    code = "\n".join(line.split("//", 1)[0] for line in block.group(1).splitlines())  # comments quote words
    return set(re.findall(r'"([A-Za-z]+)"', code))


def _renderer_cpu() -> dict[int, float]:
    """CPU seconds so far of each of this test's Chromium renderer processes, by pid."""
    return {pid: cpu for pid, _, command, cpu in own_chromium() if "--type=renderer" in command}


def test_a_tests_new_page_on_a_server_reuses_the_kept_renderer(chromium, demo_server):
    """After a test's pages are closed (SharedContext.close), the next test's page on a test server opens
    in the renderer process the shared context kept, not in a new one: a renderer's start and Streamlit's
    script compile are skipped per page (docs/benchmarks.md "Test suite time, part 4")."""
    from tests.browser_support import settle

    options = {"viewport": {"width": 1100, "height": 700}}  # a context of this test's size only
    first = chromium.shared_context(**options)
    page = first.new_page()
    page.goto(f"{demo_server}/assets")
    settle(page)
    first.close()  # as the `page` fixtures do at the end of a test
    before = _renderer_cpu()
    second = chromium.shared_context(**options)
    page = second.new_page()
    page.goto(f"{demo_server}/data_quality")
    settle(page)
    assert page.locator("h1").first.inner_text().strip()
    after = _renderer_cpu()
    # the renderer that drew the second page (the one that worked most) had drawn the first: it was kept,
    # not a new one nor a spare renderer Chromium starts ahead (those have done almost nothing)
    busiest = max(after, key=lambda pid: after[pid] - before.get(pid, 0.0))
    assert before.get(busiest, 0.0) > 0.3, (before, after)
    second.close()


def test_our_disable_features_switch_keeps_every_feature_playwright_disables():
    switches = [arg for arg in CHROMIUM_ARGS if arg.startswith("--disable-features=")]
    assert len(switches) == 1
    ours = set(switches[0].split("=", 1)[1].split(","))
    theirs = {name for name in _playwright_disabled_features() if not name.startswith("ms")}  # Edge only
    assert len(theirs) >= 10
    assert theirs <= ours, sorted(theirs - ours)


def test_no_toolbar_webui_renderer_runs_for_a_page():
    require_chromium()
    started = time.time() - 1
    with chromium_browser() as browser:
        for _ in range(2):
            context = browser.new_context()
            page = context.new_page()
            page.goto("data:text/html;charset=utf-8,<h1>สวัสดี</h1>")
            assert page.inner_text("h1") == "สวัสดี"
            time.sleep(0.5)  # a window's toolbar WebUI starts right after the window
            kinds = [command for _, created, command, _ in own_chromium() if created >= started]
            assert any("--type=renderer" in command for command in kinds), "the page's renderer was not seen"
            assert not [command for command in kinds if "--top-chrome-webui" in command]
            context.close()
