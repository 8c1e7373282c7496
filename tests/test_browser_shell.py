"""The dashboard shell in a real browser: language, one set of filters, no developer furniture, phone.

One `streamlit run` server (the worker's, shared: tests/conftest.py) on the session's demo database, driven by
Debian's Chromium. Expected counts come from the read side's own lagging function
(`budget_metrics.lagging.lagging_projects`) on the same database, never from the screen.
Screenshots of what is checked go to artifacts/screenshots/shell_*.png.

"No developer furniture on any page" (every page path, in Thai or English, the English ones with a province kept
by the sidebar: no Deploy button, no app menu, no shell command or file path; shell_<page>_<lang>.png) is
checked on the one load of each page in tests/test_browser_words.py's sweep (docs/benchmarks.md "Test
suite time", parts 4 and 16) and on the English loads of tests/test_browser_lists.py and
tests/test_browser_money.py. A bar of the overview's province ranking, clicked, setting the sidebar's area is
tests/test_links.py's test_a_ranking_bar_click_is_one_history_entry (the same click on the same overview: part 16).
"""

from __future__ import annotations

import re
from datetime import date

import pytest

from budget_metrics import Filters
from budget_metrics.lagging import lagging_projects
from tests.browser_support import (
    assert_no_exception,
    settle,
)

KALASIN = "46"  # DOPA code; tile "กส"
IN_YEAR = date(2019, 9, 13)
THAI = re.compile("[\u0e00-\u0e7f]")


@pytest.fixture(scope="module")
def app_url(demo_server):
    return demo_server  # the worker's server on the demo database (tests/conftest.py)


@pytest.fixture(scope="module")
def browser(chromium):
    return chromium


@pytest.fixture()
def page(browser):
    context = browser.shared_context(viewport={"width": 1400, "height": 900}, locale="th-TH")
    page = context.new_page()
    yield page
    context.close()


def _sidebar(page):
    return page.locator('[data-testid="stSidebar"]')


def _combobox(page, name: str) -> str:
    return _sidebar(page).get_by_role("combobox", name=name, exact=True).input_value()


def _metric(page, label: str) -> str:
    """A figure of the lagging page's light first screen (ui/light.figures), found by its label."""
    box = page.locator("[data-box]", has=page.get_by_text(label, exact=True))
    return box.locator("[data-figure]").first.inner_text().strip()


def _go(page, link_text: str) -> None:
    _sidebar(page).locator('[data-testid="stPageLink"] a', has_text=link_text).first.click()
    settle(page)
    assert_no_exception(page)


def _flagged(province: str | None = None, as_of: date | None = None, flags: list[str] | None = None) -> int:
    return len(lagging_projects(Filters(fiscal_year=2562, province=province, as_of=as_of), flags))


def test_language_switch_keeps_the_filters_and_translates_the_sidebar(app_url, page, screenshots_dir):
    page.goto(app_url)
    settle(page)
    province = _sidebar(page).get_by_role("combobox", name="จังหวัด", exact=True)
    province.click()
    page.keyboard.type("กาฬสินธุ์")
    page.get_by_role("option", name="กาฬสินธุ์", exact=True).click()
    settle(page)
    assert "province=46" in page.url
    _sidebar(page).get_by_text("English", exact=True).click()
    settle(page)
    _go(page, "Lagging projects")
    # still Kalasin, and every chosen value in the sidebar is English
    assert "province=46" in page.url and "lang=en" in page.url
    assert _combobox(page, "Province") == "Kalasin"
    assert _combobox(page, "Fiscal year") == "FY2562 (2018-19)"
    assert _combobox(page, "Region") == "All" and _combobox(page, "Cluster") == "All"
    assert _combobox(page, "As of").startswith("Latest (")
    sidebar_values = [box.input_value() for box in _sidebar(page).get_by_role("combobox").all()]
    assert not any(THAI.search(value) for value in sidebar_values), sidebar_values
    assert page.locator("h1").first.inner_text().strip() == "Lagging projects"
    expected = _flagged(KALASIN)
    assert 0 < expected < _flagged()  # Kalasin's own, not the nation's
    assert _metric(page, "Flagged projects") == f"{expected:,}"
    page.screenshot(path=str(screenshots_dir / "shell_lagging_kalasin_en.png"))

    # the page's own filter goes into the URL, and survives a language switch and a reload
    flags = page.locator(".st-key-g_lagging-flag-en")
    flags.get_by_role("combobox").click()
    page.get_by_role("option", name="No recent payment", exact=True).click()
    page.keyboard.press("Escape")
    settle(page)
    expected_idle = _flagged(KALASIN, flags=["idle"])
    assert "flag=idle" in page.url
    assert _metric(page, "Flagged projects") == f"{expected_idle:,}"
    _sidebar(page).get_by_text("ไทย", exact=True).click()
    settle(page)
    assert _metric(page, "โครงการที่มีข้อสังเกต") == f"{expected_idle:,}"
    assert _combobox(page, "จังหวัด") == "กาฬสินธุ์"
    page.reload()
    settle(page)
    assert "flag=idle" in page.url and "province=46" in page.url
    assert _metric(page, "โครงการที่มีข้อสังเกต") == f"{expected_idle:,}"

    # the province page's level radio shows both options in English, the chosen one checked
    _sidebar(page).get_by_text("English", exact=True).click()
    settle(page)
    _go(page, "Province / cluster")
    main = page.locator('[data-testid="stMain"]')
    assert main.get_by_role("radio", name="Province", exact=True).is_checked()
    assert main.get_by_role("radio", name="Cluster", exact=True).count() == 1
    assert page.locator("h3", has_text="Kalasin").count() >= 1
    assert "flag=" not in page.url  # the lagging page's own filter stays on its page
    page.screenshot(path=str(screenshots_dir / "shell_area_kalasin_en.png"))


def test_a_map_tile_click_carries_the_province_to_the_lagging_page(app_url, page, screenshots_dir):
    page.goto(f"{app_url}/?as_of={IN_YEAR.isoformat()}")
    settle(page)
    tile = page.locator(f'nav.bm-tiles a[data-province="{KALASIN}"]')
    assert tile.inner_text().strip() == "กส"
    # the tooltip names the province (tests/test_browser.py's own tile click, on the same overview: part 16)
    assert "กาฬสินธุ์" in tile.get_attribute("title")
    tile.scroll_into_view_if_needed()
    tile.click()
    page.wait_for_url(re.compile(r"/area\?"), timeout=30000)
    settle(page)
    assert_no_exception(page)
    assert "province=46" in page.url  # the sidebar's province now: it stays on every page
    assert "as_of=2019-09-13" in page.url  # the sidebar's choices travel with the user
    assert page.locator("h3", has_text="กาฬสินธุ์").count() >= 1
    assert _combobox(page, "จังหวัด") == "กาฬสินธุ์"
    _go(page, "โครงการล่าช้า")
    assert "province=46" in page.url and "as_of=2019-09-13" in page.url
    assert _combobox(page, "จังหวัด") == "กาฬสินธุ์"
    assert _metric(page, "โครงการที่มีข้อสังเกต") == f"{_flagged(KALASIN, IN_YEAR):,}"
    page.screenshot(path=str(screenshots_dir / "shell_lagging_after_tile_click.png"))


def test_a_page_path_opens_directly_with_its_query(app_url, page, screenshots_dir):
    page.goto(f"{app_url}/overview?province={KALASIN}")
    settle(page)
    assert_no_exception(page)
    assert page.get_by_text("Page not found").count() == 0
    assert page.locator("h1").first.inner_text().strip() == "ภาพรวมการเบิกจ่ายงบประมาณ"
    assert _combobox(page, "จังหวัด") == "กาฬสินธุ์"
    assert "/overview?" in page.url and "province=46" in page.url
    page.screenshot(path=str(screenshots_dir / "shell_overview_direct.png"))


def test_phone_shows_the_headline_cards_first_and_keeps_chart_titles_clear(browser, app_url, screenshots_dir):
    context = browser.shared_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = context.new_page()
    try:
        page.goto(f"{app_url}/?as_of={IN_YEAR.isoformat()}&cluster=C07")
        settle(page)
        assert_no_exception(page)
        # the overall line's % against its target first, in the first screen
        first_card = page.locator("[data-line]").first
        assert first_card.get_attribute("data-line") == "overall"
        figure = first_card.locator('[data-figure="pct"]').bounding_box()
        assert figure["y"] + figure["height"] < 844
        assert first_card.bounding_box()["y"] < page.locator('[data-card="laggards"]').bounding_box()["y"]
        page.screenshot(path=str(screenshots_dir / "shell_phone_overview.png"))
        page.get_by_role("tab", name="กลุ่มจังหวัด", exact=True).click()
        settle(page)
        chart = page.locator(".st-key-overview_cluster_ranking")
        chart.locator(".main-svg").first.wait_for(timeout=30000)
        chart.scroll_into_view_if_needed()
        page.wait_for_timeout(500)
        box = chart.bounding_box()
        page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)  # a toolbar would show now
        page.wait_for_timeout(500)
        # no chart toolbar (its tooltips are English, docs/themes.md): nothing covers the title
        assert chart.locator(".modebar-btn").count() == 0
        title = chart.locator(".gtitle").bounding_box()
        assert title["y"] >= box["y"] and title["y"] + title["height"] <= box["y"] + box["height"], (title, box)
        page.screenshot(path=str(screenshots_dir / "shell_phone_chart_toolbar.png"))
        # the lagging page's counts before its filters on a phone (shell_phone_lagging.png): checked on the
        # phone load of tests/test_browser_lists.py
    finally:
        context.close()
