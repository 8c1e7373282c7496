"""The real thing: `streamlit run` + headless Debian Chromium on the demo database.

Opens the cluster's area page (every other page gets the same checks on its Thai load in
tests/test_browser_themes.py, on the same server), checks there is no Streamlit exception, that
Thai text is there, picks a province from the overview's list and lands on its drill-down, and
saves a screenshot of its first screen to artifacts/screenshots/area_cluster.png. A province clicked
on the overview's tile map (its tooltip, the province and date carried to its page) is
tests/test_browser_shell.py's test_a_map_tile_click_carries_the_province_to_the_lagging_page (docs/benchmarks.md
"Test suite time, part 16": the two tests loaded the same overview and clicked a tile).
The server runs on a demo copy holding two weekly snapshots (6 and 13 Sep 2019), so the
weekly page compares two weeks and the overview can be shown in snapshot mode
(overview_snapshot.png).
"""

from __future__ import annotations

import re

import pytest

from tests.browser_support import (
    ROOT,
    assert_no_exception,
    settle,
    streamlit_server,
)

IN_YEAR = "as_of=2019-09-13"  # the Friday of the MOI seminar: a mid-sprint view of FY2562
# page -> (URL path and query, Thai title, needs charts). Every page's own load and these checks are in
# tests/test_browser_themes.py (its Thai load of each page, on the same server); here the pages it does not open.
PAGES = {
    # the area page's first screen is HTML; its charts and grids run when their tab opens
    # (tests/test_browser_area.py)
    "area_cluster": (f"/area?area=cluster:C01&{IN_YEAR}", "จังหวัด / กลุ่มจังหวัด", False),
}
THAI = re.compile("[\u0e00-\u0e7f]")


@pytest.fixture(scope="module")
def app_url(snapshots_server):
    return snapshots_server  # the worker's server on the demo copy with SNAPSHOT_DATES (tests/conftest.py)


@pytest.fixture(scope="module")
def browser(chromium):
    return chromium


@pytest.fixture()
def page(browser):
    context = browser.shared_context(viewport={"width": 1400, "height": 900}, locale="th-TH")
    page = context.new_page()
    yield page
    context.close()


@pytest.mark.parametrize("name", list(PAGES))
def test_page_renders_in_chromium(app_url, page, screenshots_dir, name):
    path, title, needs_charts = PAGES[name]
    if not (ROOT / "pages" / f"{name.split('_cluster')[0]}.py").exists():
        pytest.skip(f"pages/{name}.py is not written yet")
    page.goto(app_url + path)
    settle(page)
    assert_no_exception(page)
    assert page.locator("text=Page not found").count() == 0
    text = page.locator('[data-testid="stMain"]').inner_text()
    assert THAI.search(text), "no Thai text on the page"
    if title:
        assert page.locator("h1").first.inner_text().strip() == title
    # the sidebar controls are there (the page ran under dashboard.py)
    page.locator('[data-testid="stSidebar"]').get_by_text("ปีงบประมาณ").first.wait_for(timeout=30_000)
    if needs_charts:
        page.wait_for_selector('[data-testid="stPlotlyChart"] .js-plotly-plot .main-svg', timeout=30000)
        assert page.locator('[data-testid="stPlotlyChart"]').count() >= 2
    page.screenshot(path=str(screenshots_dir / f"{name}.png"))  # the first screen: its title, Thai text, sidebar
    assert_no_exception(page)


def test_choosing_a_province_from_the_list_opens_its_page(app_url, page):
    page.goto(f"{app_url}/?{IN_YEAR}")
    settle(page)
    box = page.locator(".st-key-overview_pick_province-th")
    box.scroll_into_view_if_needed()
    box.get_by_role("combobox").click()
    page.keyboard.type("ขอนแก่น")
    page.get_by_role("option", name="ขอนแก่น", exact=True).click()
    page.wait_for_url(re.compile(r"/area\?"), timeout=30000)
    settle(page)
    assert_no_exception(page)
    assert page.locator("h3", has_text="ขอนแก่น").count() >= 1


def test_bookmarked_view_opens_with_its_filters(app_url, page):
    page.goto(f"{app_url}/lagging?province=50&budget=investment&{IN_YEAR}&lang=en")
    settle(page)
    assert_no_exception(page)
    assert page.locator("h1").first.inner_text().strip() == "Lagging projects"
    sidebar = page.locator('[data-testid="stSidebar"]')
    assert sidebar.get_by_role("combobox", name="Province").input_value() == "Chiang Mai"
    assert sidebar.get_by_role("combobox", name="Budget type").input_value() == "Investment"
    # no grid on arrival (the first screen is light HTML); the project grid in its tab, and (local
    # mode watches like the ministry) the response rates by province and cluster in theirs
    assert page.locator('[data-testid="stDataFrame"]').count() == 0
    page.get_by_role("tab", name="All projects").click()
    settle(page)
    assert page.locator('[data-testid="stDataFrame"]').count() == 1
    page.get_by_role("tab", name="Follow-up by the provinces").click()
    settle(page)
    assert page.locator('[data-testid="stDataFrame"]').count() == 2


def test_fresh_server_opens_a_bookmarked_page_with_its_controls(demo_db, browser, tmp_path):
    """Streamlit starts in its legacy pages/ mode until st.navigation first runs; a bookmark
    opened as the very first request must still get dashboard.py's sidebar and filters."""
    with streamlit_server(demo_db, tmp_path / "fresh.log") as url:
        context = browser.shared_context(viewport={"width": 1400, "height": 900})
        page = context.new_page()
        page.goto(f"{url}/area?area=province:50&{IN_YEAR}")
        settle(page)
        assert_no_exception(page)
        assert page.locator("h1").first.inner_text().strip() == "จังหวัด / กลุ่มจังหวัด"
        assert page.locator("h3", has_text="เชียงใหม่").count() >= 1
        sidebar = page.locator('[data-testid="stSidebar"]')
        assert sidebar.get_by_role("combobox", name="ข้อมูล ณ วันที่").input_value() == "ศุกร์ 13 ก.ย. 2562"
        context.close()


def test_overview_in_snapshot_mode(app_url, page, screenshots_dir):
    """Snapshot mode from a bookmark: frozen KPI cards with the change from the previous
    snapshot, the movers section, and the mode kept in the sidebar and the URL."""
    page.goto(f"{app_url}/?mode=snapshot&{IN_YEAR}")
    settle(page)
    assert_no_exception(page)
    sidebar = page.locator('[data-testid="stSidebar"]')
    assert sidebar.get_by_role("radio", name="ภาพนิ่งรายสัปดาห์").is_checked()
    assert sidebar.get_by_role("combobox", name="ข้อมูล ณ วันที่ (ภาพนิ่ง)").input_value() == "13 ก.ย. 2562"
    main = page.locator('[data-testid="stMain"]')
    assert main.get_by_text("การเปลี่ยนแปลงจากภาพนิ่งครั้งก่อน").count() >= 1
    assert main.get_by_text("เทียบภาพนิ่ง 13 ก.ย. 2562 กับ 6 ก.ย. 2562").count() == 1
    changes = page.locator('[data-figure$="_change"]')  # allocation, committed, disbursed, remaining
    assert changes.count() == 4 and all("จากภาพนิ่ง 6 ก.ย. 2562" in text for text in changes.all_inner_texts())
    assert "mode=snapshot" in page.url
    page.screenshot(path=str(screenshots_dir / "overview_snapshot.png"))  # the frozen cards and their changes
    assert_no_exception(page)


def test_overview_shows_both_target_lines_at_1400x900(app_url, page, screenshots_dir):
    """31 May 2019: the overall line against 69.33% and the investment line against 58.33%,
    side by side in the first screen, and both lines in the map's hover text."""
    page.goto(f"{app_url}/?as_of=2019-05-31")
    settle(page)
    assert_no_exception(page)
    # on a busy machine the cards may still be drawing when the status widget first goes quiet
    page.locator('[data-line="investment"] [data-figure="gap_baht"]').wait_for(timeout=30000)
    assert page.locator('[data-line="overall"] [data-figure="target"]').inner_text() == "69.33"
    assert page.locator('[data-line="investment"] [data-figure="target"]').inner_text() == "58.33"
    for line in ("overall", "investment"):
        gap = page.locator(f'[data-line="{line}"] [data-figure="gap_points"]').bounding_box()
        assert gap["y"] + gap["height"] < 900, line  # in the first screen
    page.screenshot(path=str(screenshots_dir / "overview_targets_1400x900.png"))
    tile = page.locator('nav.bm-tiles a[data-province="50"]')
    tile.scroll_into_view_if_needed()
    hover = tile.get_attribute("title")
    assert "ภาพรวม" in hover and "งบลงทุน" in hover and "69.33" in hover and "58.33" in hover
    page.screenshot(path=str(screenshots_dir / "overview_map_hover.png"))
