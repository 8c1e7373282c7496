"""Words, dates, tables and charts as a user sees them: `streamlit run` + headless Debian Chromium.

Every page is opened at 1400x900 in one language, the overview and the carry-over page in both (one sweep,
docs/benchmarks.md "Test suite time", parts 4 and 16: the words themselves are checked without a browser,
tests/test_vocabulary.py), and everything these modules check on a page at that size is checked on that one
load. RUNS says which: Thai where the Thai checks of the lists and money modules run, English on the area
page (its project table) and the weekly page; the English first screens of the lagging, data-quality and money
pages are loaded by tests/test_browser_lists.py and tests/test_browser_money.py, which run this module's
furniture and cut-label checks (tests/page_text_checks.py) on those loads.

- Chart axes: in Thai every tick reads Thai months with BE years (no CE year, no English
  month), in English the reverse; the curve's axis covers exactly the fiscal year and the
  carry-over chart's the carry-over period. Tick texts are read from each chart's SVG.
- No KPI label is cut off (ellipsis) on any page, in either language, at 1400x900.
- No developer furniture (moved here from tests/test_browser_shell.py): every page path opens
  directly, no Deploy button, no app menu, no shell command or file path in any text of the app
  (sidebar and expanders included, before and after the tabs are opened); the English pass has a
  province in the query (Kalasin, at 13 Sep 2019) and the sidebar keeps it on every page.
- On the same loads, the Thai 1400x900 checks of tests/test_browser_lists.py (the lagging and
  data-quality pages' first screens, then their grids) and tests/test_browser_money.py (the carry-over,
  reallocation and asset pages' first screens, then their chart and grid tabs), with their screenshots:
  the first screens are checked before this sweep opens any tab. Both modules' checks are in support
  modules (tests/lists_page_checks.py, tests/money_page_checks.py) that they and this sweep import.
- The lagging page (Thai) shows code, name, province, % paid, money at risk and the reason without
  sideways scrolling at 1400 px, and a selected row opens the project's detail panel; the province
  page's project table (English, Kalasin) has its money, status and flags columns in view. Both were
  tests of their own that loaded the page again.
- Screenshots of every page in both languages: artifacts/screenshots/words_<page>_<lang>.png (the
  whole page) and shell_<page>_<lang>.png (the first screen, as the page opens).

The worker's shared server on the demo database (tests/conftest.py; no snapshots needed).
"""

from __future__ import annotations

import re
from datetime import date, timedelta

import duckdb
import pytest

from tests import lists_page_checks as lists
from tests import money_page_checks as money
from tests.browser_support import (
    full_page_screenshot,
    settle,
)
from tests.page_text_checks import assert_no_cut_labels, assert_no_developer_furniture

IN_YEAR = "as_of=2019-09-13"
KALASIN = "46"  # DOPA code
# page -> (the Thai pass's query, does it draw a date axis). Every page path is opened directly. The
# lagging, data-quality and money pages open at the URL of tests/test_browser_lists.py and
# tests/test_browser_money.py, whose Thai checks at 1400x900 run on this sweep's load.
PAGES = {
    "overview": (IN_YEAR, True),
    "area": (f"area=province:50&{IN_YEAR}", True),
    "lagging": ("", False),
    "carryover": (money.PAGES["carryover"][0], True),
    "reallocations": (money.PAGES["reallocations"][0], False),
    "assets": (money.PAGES["assets"][0], False),
    "data_quality": ("", False),
    "weekly": (IN_YEAR, False),
}
# The English pass: on 13 Sep 2019 with a province chosen in the query (the sidebar must keep it)
EN_QUERY = f"{IN_YEAR}&province={KALASIN}"
# (page, language) loaded: both languages where a chart's date axis is checked tick by tick (the fiscal year;
# the carry-over period, Kalasin's own in English); Thai where tests/lists_page_checks.py and
# tests/money_page_checks.py run their Thai checks; English on the area page (its project table) and the weekly
# page. Every page is in the sweep, each language on at least four pages.
RUNS = [
    ("overview", "th"),
    ("overview", "en"),
    ("area", "en"),
    ("lagging", "th"),
    ("carryover", "th"),
    ("carryover", "en"),
    ("reallocations", "th"),
    ("assets", "th"),
    ("data_quality", "th"),
    ("weekly", "en"),
]
assert {name for name, _ in RUNS} == set(PAGES)
THAI = re.compile("[\u0e00-\u0e7f]")
THAI_MONTHS = ["ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.", "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค."]
EN_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
ENGLISH_MONTH = re.compile(r"\b(" + "|".join(EN_MONTHS) + r")\b")
THAI_MONTH = re.compile("|".join(re.escape(month) for month in THAI_MONTHS))
CE_YEAR = re.compile(r"(?<![\d,.])(19|20)\d\d(?![\d,.])")
BE_YEAR = re.compile(r"(?<![\d,.])25\d\d(?![\d,.])")

# Every chart's tick texts (x and y), and all its SVG text (titles, legends, annotations).
TICKS_JS = """() => [...document.querySelectorAll('[data-testid="stPlotlyChart"]')].map(chart => ({
    key: [...chart.closest('[class*="st-key-"]')?.classList || []].find(c => c.startsWith('st-key-')) || '',
    xticks: [...chart.querySelectorAll('g.xtick text')].map(t => t.textContent),
    yticks: [...chart.querySelectorAll('g.ytick text')].map(t => t.textContent),
    text: [...chart.querySelectorAll('svg text')].map(t => t.textContent).join(' | ')}))"""
# Every chart has its SVG and, if it has x/y axes, their tick labels: plotly lays the ticks out
# after the SVG appears (reading at once raced with that on a busy machine).
CHARTS_DRAWN_JS = """() => { const charts = document.querySelectorAll('[data-testid="stPlotlyChart"]');
    return charts.length > 0 && [...charts].every(c => c.querySelector('.main-svg')
        && (!c.querySelector('.cartesianlayer .xy') || c.querySelector('g.xtick text, g.ytick text')))}"""
NO_SKELETON_JS = """() => !document.querySelector('[data-testid="stSkeleton"]')"""


@pytest.fixture(scope="module")
def app_url(demo_server):
    return demo_server  # the worker's server on the demo database (tests/conftest.py)


@pytest.fixture(scope="module")
def browser(chromium):
    return chromium


@pytest.fixture()
def page(browser):
    context = browser.shared_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    yield page
    context.close()


def _open(page, url: str) -> None:
    page.goto(url)
    settle(page)
    errors = page.locator('[data-testid="stException"]')
    assert errors.count() == 0, errors.first.inner_text()


def _month_labels(first: date, last: date, lang: str) -> list[str]:
    """The month ticks a date axis from `first` to `last` (weekly points) should carry, by hand:
    each month with a Friday in the range; the year on the first and on January."""
    labels, seen, day = [], set(), first
    while day <= last:
        if day.isoweekday() == 5 and (day.year, day.month) not in seen:
            with_year = not seen or day.month == 1
            seen.add((day.year, day.month))
            if lang == "th":
                labels.append(
                    f"{THAI_MONTHS[day.month - 1]} {(day.year + 543) % 100:02d}"
                    if with_year
                    else THAI_MONTHS[day.month - 1]
                )
            else:
                labels.append(f"{EN_MONTHS[day.month - 1]} {day.year}" if with_year else EN_MONTHS[day.month - 1])
        day += timedelta(days=1)
    return labels


def _charts_in_every_tab(page) -> list[dict]:
    """Every chart the page can show: those on the first screen, then those of each tab in turn
    (a tab's charts run only when it is opened), each read once drawn with its ticks."""
    found: dict[tuple[str, str], dict] = {}

    def read_charts() -> None:
        # a chart's code loads on its first use: until then Streamlit shows a skeleton, not the chart
        page.wait_for_function(NO_SKELETON_JS, timeout=30000)
        if not page.locator('[data-testid="stPlotlyChart"]').count():
            return
        page.wait_for_function(CHARTS_DRAWN_JS, timeout=30000)
        for chart in page.evaluate(TICKS_JS):
            found[(chart["key"], chart["text"])] = chart

    read_charts()
    tabs = page.get_by_role("tab")
    for index in range(tabs.count()):
        if tabs.nth(index).get_attribute("aria-selected") != "true":
            tabs.nth(index).click()
            settle(page)
        read_charts()
    return list(found.values())


def _expected_carryover_axis(demo_db, lang: str) -> list[str]:
    """The carry-over chart's month ticks by hand: from the year's end (or the first approval) to the
    last deadline of the carry-overs shown (the English pass: Kalasin's own plan's)."""
    where = "" if lang == "th" else f"WHERE p.owner_type = 'province' AND p.owner = '{KALASIN}'"
    con = duckdb.connect(str(demo_db), read_only=True)
    try:
        first, last = con.execute(
            "SELECT min(c.approved_date), max(c.deadline) FROM carryovers c"
            f" JOIN projects p USING (project_code) {where}"
        ).fetchone()
    finally:
        con.close()
    assert first is not None, "no carry-over to draw"
    return _month_labels(min(first, date(2019, 9, 30)), max(last, date(2019, 9, 30)), lang)


@pytest.mark.parametrize(("name", "lang"), RUNS, ids=[f"{name}-{lang}" for name, lang in RUNS])
def test_page_words_dates_and_labels(app_url, page, screenshots_dir, demo_db, name, lang):
    """One load of the page, every check of it at 1400x900 (module docstring)."""
    query, has_dates = PAGES[name] if lang == "th" else (EN_QUERY, PAGES[name][1])
    _open(page, f"{app_url}/{name}?{query}{'&' if query else ''}lang={lang}")
    # the page path opened directly, with its query
    assert page.get_by_text("Page not found").count() == 0, name
    if lang == "en":
        province = page.locator('[data-testid="stSidebar"]').get_by_role("combobox", name="Province", exact=True)
        assert province.input_value() == "Kalasin", name
    assert_no_developer_furniture(page, name, lang)
    page.screenshot(path=str(screenshots_dir / f"shell_{name}_{lang}.png"))
    if (name, lang) == ("lagging", "th"):  # tests/test_browser_lists.py's Thai view, before any tab opens
        flagged = lists.lagging_first_screen(page, demo_db, screenshots_dir, "th")
    if (name, lang) == ("data_quality", "th"):
        rejects = lists.data_quality_first_screen(page, demo_db, screenshots_dir, "th")
    if name in money.PAGES and lang == "th":  # tests/test_browser_money.py's Thai pass, before any tab opens
        money.check_first_screen(page, demo_db, screenshots_dir, name, lang)
    assert_no_cut_labels(page)
    charts = _charts_in_every_tab(page)
    if charts:
        ticks = [text for chart in charts for text in chart["xticks"] + chart["yticks"]]
        assert ticks, "no tick text found in the charts' SVG"
        for chart in charts:
            if lang == "th":
                # no CE year and no English month anywhere in a chart, ticks, titles, legends alike
                assert not CE_YEAR.search(chart["text"]), (chart["key"], chart["text"][:300])
                assert not ENGLISH_MONTH.search(chart["text"]), (chart["key"], chart["text"][:300])
            else:
                tick_text = " ".join(chart["xticks"] + chart["yticks"])
                assert not BE_YEAR.search(tick_text) and not THAI_MONTH.search(tick_text), chart["key"]
        if has_dates:
            date_ticks = [
                text
                for chart in charts
                for text in chart["xticks"]
                if (THAI_MONTH if lang == "th" else ENGLISH_MONTH).search(text)
            ]
            assert date_ticks, "no month tick on a page that draws a date axis"
        by_key = {chart["key"]: chart for chart in charts}
        if name == "overview":  # the fiscal year FY2562 exactly: Oct 2018 ... Sep 2019
            expected = _month_labels(date(2018, 10, 1), date(2019, 9, 30), lang)
            assert by_key["st-key-overview_curve"]["xticks"] == expected
        if name == "carryover":  # the carry-over period: from the year's end (or first approval) to the last deadline
            assert by_key["st-key-carry_timeline_chart"]["xticks"] == _expected_carryover_axis(demo_db, lang)
    elif has_dates:
        raise AssertionError(f"no chart on {name}, which draws a date axis")
    assert_no_developer_furniture(page, name, lang)  # the tabs' text too, now that every tab ran
    # the other modules' checks that open a tab, on this same load
    if (name, lang) == ("lagging", "th"):
        lists.lagging_grid_in_its_tab(page, flagged, screenshots_dir, "th")
        _lagging_reason_column_in_view_at_1400(page, screenshots_dir)
    if (name, lang) == ("data_quality", "th"):
        lists.rejects_in_their_tab(page, rejects, screenshots_dir, "th")
    if name in money.PAGES and lang == "th":
        money.check_chart_and_grid_tabs(page, screenshots_dir, name, lang)
    if (name, lang) == ("area", "en"):
        _area_project_table_shows_money_status_and_flags_at_1400(page, screenshots_dir)
    full_page_screenshot(page, screenshots_dir / f"words_{name}_{lang}.png")


def _lagging_reason_column_in_view_at_1400(page, screenshots_dir) -> None:
    """On the lagging page (Thai, its default date) at 1400x900, moved here from a test of its own
    that loaded the page again: code, name, province, % paid, money at risk and the reason are in the grid's visible
    box without sideways scrolling. The grid draws on a canvas; its accessibility table lists
    exactly the columns that intersect the visible box, so the column after the reason being
    listed too means the reason column ends inside the box. A click on a row opens the detail
    panel with the project's full reasons."""
    from budget_metrics import Filters
    from budget_metrics.lagging import lagging_projects

    page.get_by_role("tab", name="ทุกโครงการ").click()  # the grid runs only in its tab
    settle(page)
    grid = page.locator('[data-testid="stDataFrame"]').first
    grid.scroll_into_view_if_needed()
    box = grid.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 1400  # the grid itself is not clipped
    headers = grid.locator('[role="columnheader"]')
    headers.first.wait_for(state="attached", timeout=15000)  # the grid fills its table once drawn
    visible = {
        headers.nth(i).inner_text(): int(headers.nth(i).get_attribute("aria-colindex")) for i in range(headers.count())
    }
    for header in ("รหัสโครงการ", "ชื่อโครงการ", "จังหวัด / กลุ่ม", "% เบิกจ่าย", "เงินที่เสี่ยง (ลบ.)", "เหตุผล"):
        assert header in visible, (header, visible)
    assert max(visible.values()) > visible["เหตุผล"], "the reason column runs past the grid's right edge"
    assert int(grid.locator("table").get_attribute("aria-colcount")) > len(visible)  # more columns to the right
    page.screenshot(path=str(screenshots_dir / "words_lagging_1400x900.png"))

    first_code = grid.locator("tbody tr").first.locator('[aria-colindex="1"]').inner_text()
    page.mouse.click(box["x"] + 14, box["y"] + 35 + 17)  # the first row's selection box
    settle(page)
    detail = page.locator(f".st-key-project_detail_{first_code}")
    detail.wait_for(timeout=15000)
    text = detail.inner_text()
    table = lagging_projects(Filters())  # the default date, as the page
    row = table[table["project_code"] == first_code].iloc[0]
    assert first_code in text and row["project_name"] in text
    for reason in row["reasons_th"].split("; "):
        assert reason in text
    assert f"{row['money_at_risk']:,.2f} บาท" in text
    # under it, the project's projected year end and why (budget_metrics.projection)
    from budget_metrics.projection import project_projection

    projected = project_projection(Filters()).set_index("project_code").loc[first_code]
    text = page.locator(f".st-key-projection_detail_{first_code}").inner_text()
    assert f"{projected['projected_disbursed']:,.2f} บาท" in text
    assert f"{projected['current_allocation'] - projected['projected_disbursed']:,.2f} บาท" in text
    assert projected["reason_th"] in text
    detail.scroll_into_view_if_needed()
    page.screenshot(path=str(screenshots_dir / "words_lagging_detail.png"))


def _area_project_table_shows_money_status_and_flags_at_1400(page, screenshots_dir) -> None:
    """On the province page in English at 1400x900 (Kalasin; moved here from a test of its own that
    loaded province 50's page again): its project table has allocation, disbursed, %, status and flags in
    view (the column after the flags listed too: the flags column ends inside the grid)."""
    page.get_by_role("tab", name="Projects", exact=True).click()  # the grid runs when its tab opens
    settle(page)
    grid = page.locator('.st-key-area_project_grid [data-testid="stDataFrame"]')
    grid.scroll_into_view_if_needed()
    headers = grid.locator('[role="columnheader"]')
    headers.first.wait_for(state="attached", timeout=15000)
    visible = {
        headers.nth(i).inner_text(): int(headers.nth(i).get_attribute("aria-colindex")) for i in range(headers.count())
    }
    for header in ("Code", "Project", "Allocation (m฿)", "Disbursed (m฿)", "% paid", "Status", "Flags"):
        assert header in visible, (header, visible)
    assert max(visible.values()) > visible["Flags"]
    rows = grid.locator("tbody tr")
    statuses = {rows.nth(i).locator('[aria-colindex="6"]').inner_text() for i in range(rows.count())}
    assert statuses <= {"On target", "Near target", "Watch", "Behind", "No data"} and statuses
    page.screenshot(path=str(screenshots_dir / "words_area_projects_en.png"))
