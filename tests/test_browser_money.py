"""The carry-over, reallocations and assets pages in a real browser: a light first screen.

One `streamlit run` server on the session's demo database and one Debian Chromium. At
1400x900, in Thai and in English, each page's first screen shows its totals and statuses
as light HTML (no Plotly chart, no data grid until a tab is opened), every figure inside
the first screen, and a short list of what needs chasing first (the at-risk carry-overs
with most unpaid, the largest transfers, the overdue assets waiting longest). The figures
are recounted in plain SQL on the same DuckDB file, with the thresholds read from
its `thresholds` table. Opening a chart tab draws its chart, opening a table tab its grid.
The checks are tests/money_page_checks.py's.

Screenshots go to artifacts/screenshots/ (gitignored): money_<page>_<lang>.png (first
screen at 1400x900), money_<page>_phone_th.png and money_reallocations_phone_en.png (390x844) and
money_<page>_<chart|table>.png (1400x900,
scrolled to the chart or the grid; the whole page before part 4 of docs/benchmarks.md "Test suite time").

The Thai pass at 1400x900 runs on tests/test_browser_words.py's one load of each page (its sweep calls
check_first_screen before it opens any tab and check_chart_and_grid_tabs after); the English pass here runs that
sweep's furniture and cut-label checks (tests/page_text_checks.py) on its load.
"""

from __future__ import annotations

import re

import pytest

from tests.browser_support import (
    assert_no_exception,
    settle,
)
from tests.money_page_checks import PAGES, check_chart_and_grid_tabs, check_first_screen
from tests.page_text_checks import assert_no_cut_labels, assert_no_developer_furniture

THAI = re.compile("[\u0e00-\u0e7f]")


@pytest.fixture(scope="module")
def browser_app(demo_server, chromium):
    return demo_server, chromium  # the worker's server on the demo database (tests/conftest.py)


def page_url(base: str, name: str, lang: str) -> str:
    """The URL this module opens page `name` at in `lang`."""
    query = PAGES[name][0]
    return f"{base}/{name}?{query}{'&' if query else ''}lang={lang}"


def _open(page, url: str) -> None:
    page.goto(url)
    settle(page)
    assert_no_exception(page)


# ---------------------------------------------------------------- the tests
# The Thai pass of this test runs on tests/test_browser_words.py's one load of each page in Thai at 1400x900
# (the same URL; check_first_screen before that sweep opens any tab, check_chart_and_grid_tabs after).
@pytest.mark.parametrize("lang", ["en"])
@pytest.mark.parametrize("name", list(PAGES))
def test_first_screen_is_light_and_its_figures_equal_plain_sql_then_tabs_bring_chart_and_grid(
    browser_app, demo_db, screenshots_dir, name, lang
):
    """One page load per page and language: the light first screen's figures (checked before any
    tab is opened), then the chart and the grid that appear only when their tab is opened."""
    url, browser = browser_app
    context = browser.shared_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    try:
        _open(page, page_url(url, name, lang))
        # tests/test_browser_words.py's page checks in English, on this load (its sweep loads these pages in Thai)
        assert_no_developer_furniture(page, name, lang)
        assert_no_cut_labels(page)
        check_first_screen(page, demo_db, screenshots_dir, name, lang)
        check_chart_and_grid_tabs(page, screenshots_dir, name, lang)
        assert_no_developer_furniture(page, name, lang)  # the tabs' text too
    finally:
        context.close()


def test_phone_shows_the_figures_first(browser_app, screenshots_dir):
    url, browser = browser_app
    context = browser.shared_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = context.new_page()
    try:
        for name in PAGES:
            # every page in Thai, the reallocations page (its transfers' longer English words) in English too:
            # each page was drawn in both languages before part 16 of docs/benchmarks.md "Test suite time"
            for lang in ("th", "en") if name == "reallocations" else ("th",):
                _open(page, page_url(url, name, lang))
                first = page.locator("[data-box]").first
                first.wait_for(timeout=30000)
                box = first.bounding_box()
                assert box["y"] + box["height"] <= 844, name
                page.screenshot(path=str(screenshots_dir / f"money_{name}_phone_{lang}.png"))
                if lang == "th":  # tests/test_browser_overview.py's phone capture of every page, on this load
                    assert THAI.search(page.locator("h1").first.inner_text()), name
                    page.screenshot(path=str(screenshots_dir / f"phone_{name}_th.png"))
    finally:
        context.close()
