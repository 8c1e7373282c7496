"""The lagging and data-quality pages' light first screens in a real browser (issue 8, first paint).

Both pages open with light HTML (ui/light.py) and no data grid: the lagging page's counts and
money at risk by flag and its ten projects with the most money at risk, each a disclosure with
its reasons and projected year end; the data-quality page's counts and freshness table. The
grids run in tabs, only when opened. Figures are checked against plain SQL over the demo
database (tests/lagging_sql.py recounts the lagging rules by hand). Screenshots in
Thai, English and on a phone (390 px): artifacts/screenshots/lists_<page>_<th|en|phone>.png.

The checks are tests/lists_page_checks.py's. The Thai view at 1400x900 runs on tests/test_browser_words.py's
one load of each page in Thai (its sweep calls the first-screen checks before it opens any tab and the grid
checks after); the English view here runs that sweep's furniture and cut-label checks (tests/page_text_checks.py).
"""

from __future__ import annotations

import re

import pytest

from tests.browser_support import (
    assert_no_exception,
    settle,
)
from tests.lists_page_checks import (
    data_quality_first_screen,
    lagging_first_screen,
    lagging_grid_in_its_tab,
    rejects_in_their_tab,
)
from tests.page_text_checks import assert_no_cut_labels, assert_no_developer_furniture

THAI = re.compile("[\u0e00-\u0e7f]")
VIEWPORTS = {
    "th": {"width": 1400, "height": 900},
    "en": {"width": 1400, "height": 900},
    "phone": {"width": 390, "height": 844},
}


@pytest.fixture(scope="module")
def app_url(demo_server):
    return demo_server  # the worker's server on the demo database (tests/conftest.py)


@pytest.fixture(scope="module")
def browser(chromium):
    return chromium


def _page(browser, view: str):
    phone = view == "phone"
    context = browser.shared_context(viewport=VIEWPORTS[view], is_mobile=phone, has_touch=phone)
    return context, context.new_page()


def _phone_capture(page, name: str, screenshots_dir) -> None:
    """tests/test_browser_overview.py's phone capture of every page, on this module's phone load:
    a Thai title and phone_<page>_th.png."""
    assert THAI.search(page.locator("h1").first.inner_text()), name
    page.screenshot(path=str(screenshots_dir / f"phone_{name}_th.png"))


# The Thai view (1400x900) of both tests runs on tests/test_browser_words.py's one load of each page in Thai
# (the same URL: the first screen before that sweep opens any tab, the grid in its tab after).
@pytest.mark.parametrize("view", ["en", "phone"])
def test_lagging_first_screen_counts_and_top_list_then_grid_in_its_tab(
    browser, app_url, demo_db, screenshots_dir, view
):
    context, page = _page(browser, view)
    try:
        page.goto(f"{app_url}/lagging{'?lang=en' if view == 'en' else ''}")
        settle(page)
        assert_no_exception(page)
        if view == "en":  # tests/test_browser_words.py's page checks in English, on this load
            assert_no_developer_furniture(page, "lagging", "en")
            assert_no_cut_labels(page)
        if view == "phone":
            _phone_capture(page, "lagging", screenshots_dir)
            # the counts before the filters (moved from tests/test_browser_shell.py's phone test)
            first_card = page.locator('[data-figure="flagged"]').first.bounding_box()
            flag_box = page.locator(".st-key-g_lagging-flag-th").bounding_box()
            assert first_card["y"] < flag_box["y"]
            page.screenshot(path=str(screenshots_dir / "shell_phone_lagging.png"))
        expected = lagging_first_screen(page, demo_db, screenshots_dir, view)
        lagging_grid_in_its_tab(page, expected, screenshots_dir, view)
        if view == "en":
            assert_no_developer_furniture(page, "lagging", "en")  # the tabs' text too
    finally:
        context.close()


@pytest.mark.parametrize("view", ["en", "phone"])
def test_data_quality_first_screen_counts_and_freshness_then_rejects_in_its_tab(
    browser, app_url, demo_db, screenshots_dir, view
):
    context, page = _page(browser, view)
    try:
        page.goto(f"{app_url}/data_quality{'?lang=en' if view == 'en' else ''}")
        settle(page)
        assert_no_exception(page)
        if view == "en":  # tests/test_browser_words.py's page checks in English, on this load
            assert_no_developer_furniture(page, "data_quality", "en")
            assert_no_cut_labels(page)
        if view == "phone":
            _phone_capture(page, "data_quality", screenshots_dir)
        rejects = data_quality_first_screen(page, demo_db, screenshots_dir, view)
        rejects_in_their_tab(page, rejects, screenshots_dir, view)
        if view == "en":
            assert_no_developer_furniture(page, "data_quality", "en")  # the tabs' text too
    finally:
        context.close()
