"""Links and navigation in a real browser (issue 15, items 6 and 7).

A bad link is not silently replaced: an unknown province, date outside the data, language, page
filter or page says in a notice (Thai, or English with lang=en) what was ignored and what is
shown instead, and the page shown is ours, in the user's language (no Streamlit English "Page not
found"). Navigation adds one browser-history entry per page or filter change, so Back undoes
exactly one step (the page, the province, the language).

The worker's shared `streamlit run` server on the session's demo database and its Chromium
(tests/conftest.py). Expected figures come from plain SQL on the same database.
"""

from __future__ import annotations

import re
from datetime import date

import duckdb
import pytest

from tests.browser_support import assert_no_exception, figure, settle

IN_YEAR_END = date(2019, 9, 30)  # the latest in-year date of the demo data (the sidebar's "latest")


@pytest.fixture(scope="module")
def app_url(demo_server):
    return demo_server  # the worker's server on the demo database (tests/conftest.py)


@pytest.fixture(scope="module")
def browser(chromium):
    return chromium


def _disbursed_million(db, as_of: date, province: str | None = None) -> str:
    """Current-year disbursement of FY2562 province and cluster projects up to a date (million baht,
    as the overview's money figures print it), nationally or for one province's own plan."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        sql = """SELECT coalesce(sum(d.amount), 0) FROM disbursements d JOIN projects p USING (project_code)
                 WHERE p.fiscal_year = 2562 AND d.source = 'current' AND d.posting_date <= ?"""
        params: list = [as_of]
        if province:
            sql += " AND p.owner_type = 'province' AND p.owner = ?"
            params.append(province)
        value = con.execute(sql, params).fetchone()[0]
    finally:
        con.close()
    return f"{float(value) / 1e6:,.2f}"


def _open(browser, url: str, lang: str = "th"):
    context = browser.shared_context(
        viewport={"width": 1400, "height": 900}, locale="th-TH" if lang == "th" else "en-US"
    )
    page = context.new_page()
    page.goto(url)
    settle(page)
    assert_no_exception(page)
    return context, page


def _notices(page) -> list[str]:
    return [text.replace("link_off", "").strip() for text in page.locator('[data-testid="stAlert"]').all_inner_texts()]


def _sidebar_value(page, name: str) -> str:
    return page.locator('[data-testid="stSidebar"]').get_by_role("combobox", name=name, exact=True).input_value()


def test_bad_links_say_what_was_ignored_in_the_users_language(app_url, browser, demo_db, screenshots_dir):
    national = _disbursed_million(demo_db, IN_YEAR_END)
    assert national != _disbursed_million(demo_db, IN_YEAR_END, "46")  # the two views differ

    # ---- an unknown province: said, and the whole country shown (Thai)
    context, page = _open(browser, f"{app_url}/overview?province=999")
    notices = _notices(page)
    assert notices == ["ลิงก์นี้ระบุจังหวัด “999” ซึ่งไม่มีในตัวเลือก จึงแสดง “ทั้งหมด” แทน"], notices
    assert _sidebar_value(page, "จังหวัด") == "ทั้งหมด"
    assert "ทั้งประเทศ" in page.locator('[data-testid="stMain"]').inner_text()
    assert figure(page, "disbursed") == national
    page.screenshot(path=str(screenshots_dir / "links_unknown_province_th.png"))
    # the notice belongs to the view the link opened: the next choice clears it
    page.locator('[data-testid="stSidebar"]').get_by_text("English", exact=True).click()
    settle(page)
    assert _notices(page) == []
    context.close()

    # ---- a date outside the data: said, and the latest data shown (not 31 Mar 2020 with every change +0.00)
    context, page = _open(browser, f"{app_url}/?as_of=2030-01-01")
    assert _notices(page) == [
        ("ไม่มีข้อมูล ณ วันที่ 1 ม.ค. 2573 (ข้อมูลปีงบประมาณนี้มีตั้งแต่ 1 ต.ค. 2561 ถึง 31 มี.ค. 2563) จึงแสดงข้อมูลล่าสุดแทน")
    ]
    assert _sidebar_value(page, "ข้อมูล ณ วันที่") == "ล่าสุด (30 ก.ย. 2562)"
    assert figure(page, "disbursed") == national
    assert figure(page, "week_points") != "+0.00"
    context.close()

    # ---- an unknown page: our page in Thai with a notice, not Streamlit's English "Page not found"
    context, page = _open(browser, f"{app_url}/nosuchpage")
    assert _notices(page) == ["ไม่มีหน้า “/nosuchpage” ในระบบ จึงแสดงหน้าภาพรวมแทน"]
    assert page.locator("h1").first.inner_text().strip() == "ภาพรวมการเบิกจ่ายงบประมาณ"
    assert page.get_by_text("Page not found").count() == 0 and page.get_by_role("dialog").count() == 0
    assert figure(page, "disbursed") == national
    page.screenshot(path=str(screenshots_dir / "links_unknown_page_th.png"))
    context.close()

    # ---- an unknown language and an unknown page filter: both said, in Thai
    context, page = _open(browser, f"{app_url}/lagging?lang=fr&flag=bogus")
    assert _notices(page) == [
        "ลิงก์นี้ระบุภาษา “fr” ซึ่งไม่มีในตัวเลือก จึงแสดง “ไทย” แทน",
        "ลิงก์นี้ระบุข้อสังเกต “bogus” ซึ่งไม่มีในตัวเลือก จึงแสดง “ทั้งหมด” แทน",
    ]
    assert page.locator("h1").first.inner_text().strip() == "โครงการล่าช้า"
    context.close()

    # ---- the same in English
    context, page = _open(browser, f"{app_url}/nosuchpage?lang=en&province=999&budget=x", lang="en")
    assert _notices(page) == [
        "There is no page “/nosuchpage”; showing the overview instead.",
        "The link asks for province “999”, which is not one of the choices; showing “All” instead.",
        "The link asks for budget type “x”, which is not one of the choices; showing “All” instead.",
    ]
    assert page.locator("h1").first.inner_text().strip() == "Budget execution overview"
    assert _sidebar_value(page, "Province") == "All"
    assert figure(page, "disbursed") == national
    page.screenshot(path=str(screenshots_dir / "links_unknown_page_en.png"))
    page.goto(f"{app_url}/?lang=en&as_of=2030-01-01&fy=2570")
    settle(page)
    assert _notices(page) == [
        "The link asks for fiscal year “2570”, which is not one of the choices; showing “FY2562 (2018-19)” instead.",
        (
            "There is no data for 1 Jan 2030 (this fiscal year's data runs from 1 Oct 2018 to 31 Mar 2020); "
            "showing the latest data instead."
        ),
    ]
    # a well-formed link says nothing
    page.goto(f"{app_url}/area?lang=en&province=46")
    settle(page)
    assert _notices(page) == [] and _sidebar_value(page, "Province") == "Kalasin"
    context.close()


def _history(page) -> int:
    return page.evaluate("history.length")


def _go(page, title: str) -> None:
    page.locator('[data-testid="stSidebar"] [data-testid="stPageLink"] a', has_text=title).first.click()
    settle(page)
    assert_no_exception(page)


def _back(page) -> None:
    page.go_back()
    settle(page)
    assert_no_exception(page)


def _path(page) -> str:
    """The page's path and query, the parameters in alphabetical order ('/lagging?lang=en&province=46')."""
    path, _, query = re.sub(r"^https?://[^/]+", "", page.url).partition("?")
    return path + ("?" + "&".join(sorted(query.split("&"))) if query else "")


def test_one_history_entry_per_step_and_back_undoes_it(app_url, browser):
    context, page = _open(browser, f"{app_url}/overview")
    start = _history(page)
    assert _path(page) == "/overview"  # nothing to add to a plain link: no entry of its own
    for title, path in (("จังหวัด / กลุ่มจังหวัด", "/area"), ("โครงการล่าช้า", "/lagging"), ("กันเงินเหลื่อมปี", "/carryover")):
        _go(page, title)
        assert _path(page) == path
    assert _history(page) == start + 3  # four pages visited: one entry each

    sidebar = page.locator('[data-testid="stSidebar"]')
    sidebar.get_by_role("combobox", name="จังหวัด", exact=True).click()
    page.keyboard.type("กาฬสินธุ์")
    page.get_by_role("option", name="กาฬสินธุ์", exact=True).click()
    settle(page)
    assert _path(page) == "/carryover?province=46" and _history(page) == start + 4
    _go(page, "โครงการล่าช้า")  # the province goes along, in one entry
    assert _path(page) == "/lagging?province=46" and _history(page) == start + 5
    sidebar.get_by_text("English", exact=True).click()
    settle(page)
    assert _path(page) == "/lagging?lang=en&province=46" and _history(page) == start + 6

    # Back: one step each time — the language, the page, the province, then the pages
    _back(page)
    assert _path(page) == "/lagging?province=46"
    assert _sidebar_value(page, "จังหวัด") == "กาฬสินธุ์"
    _back(page)
    assert _path(page) == "/carryover?province=46"
    assert page.locator("h1").first.inner_text().strip() == "กันเงินเหลื่อมปี"
    _back(page)
    assert _path(page) == "/carryover" and _sidebar_value(page, "จังหวัด") == "ทั้งหมด"
    _back(page)
    assert _path(page) == "/lagging" and page.locator("h1").first.inner_text().strip() == "โครงการล่าช้า"
    # Forward redoes it
    page.go_forward()
    settle(page)
    assert _path(page) == "/carryover" and _sidebar_value(page, "จังหวัด") == "ทั้งหมด"
    page.go_forward()
    settle(page)
    assert _path(page) == "/carryover?province=46" and _sidebar_value(page, "จังหวัด") == "กาฬสินธุ์"
    assert _history(page) == start + 6  # Back and Forward added nothing
    context.close()

    # in English: a page's own filter goes with its page link and comes back with Back
    context, page = _open(browser, f"{app_url}/lagging?lang=en")
    start = _history(page)
    flags = page.locator(".st-key-g_lagging-flag-en")
    flags.get_by_role("combobox").click()
    page.get_by_role("option", name="No recent payment", exact=True).click()
    page.keyboard.press("Escape")
    settle(page)
    assert _path(page) == "/lagging?flag=idle&lang=en" and _history(page) == start + 1
    _go(page, "Carry-over")
    assert _path(page) == "/carryover?lang=en" and _history(page) == start + 2
    _go(page, "Lagging projects")
    assert _path(page) == "/lagging?flag=idle&lang=en" and _history(page) == start + 3
    _back(page)
    _back(page)
    assert _path(page) == "/lagging?flag=idle&lang=en"
    _back(page)
    assert _path(page) == "/lagging?lang=en"
    assert page.locator('[data-testid="stSidebar"]').get_by_role("combobox", name="Province", exact=True).count() == 1
    assert "No recent payment" not in page.locator(".st-key-g_lagging-flag-en").inner_text()
    context.close()


def _ranking_bar(page) -> tuple[str, dict]:
    """The top bar of the overview's province ranking (opened in its tab): (province name, its box)."""
    chart = page.locator(".st-key-overview_province_ranking")
    chart.locator("g.trace.bars").wait_for(timeout=30000)
    chart.scroll_into_view_if_needed()
    box = chart.locator("g.trace.bars g.point path").last.bounding_box()  # plotly draws bottom-up: the top bar
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_selector(".hoverlayer .hovertext", timeout=10000)
    hover = page.locator(".hoverlayer .hovertext").first.text_content()
    return re.split(r"ภาพรวม|Overall", hover)[0].strip(), box


def _province_code(db, name: str) -> str:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(
            "SELECT province_code FROM provinces WHERE name_th = ? OR name_en = ?", [name, name]
        ).fetchone()[0]
    finally:
        con.close()


def _overview_path(query: str) -> str:
    return "/overview?" + "&".join(sorted(query.split("&")))


def _area_path(code: str, *params: str) -> str:
    return "/area?" + "&".join(sorted([f"province={code}", *params]))


def _overview_in(lang: str) -> tuple[str, list[str], tuple[str, str], str]:
    """The overview's query in `lang` (a region that holds Kalasin: kept), the parameters the province page's
    URL must carry besides the province, the sidebar's province label and its "all", and the title."""
    en = lang == "en"
    query = "lang=en&region=northeast" if en else "region=northeast"
    extra = ["region=northeast", *(["lang=en"] if en else [])]
    labels = ("Province", "All") if en else ("จังหวัด", "ทั้งหมด")
    return query, extra, labels, "Budget execution overview" if en else "ภาพรวมการเบิกจ่ายงบประมาณ"


# Clicking a province on the overview's tile map, or a bar of its ranking, opens the province page with the
# province chosen as one browser-history entry, in the same session (no new document); Back returns to the
# overview as it was. The tile in English (its link carries the language and the region), the bar in Thai: each
# was checked in both languages before part 16 of docs/benchmarks.md "Test suite time" (the words are checked
# without a browser; the English tile's link carries every parameter the Thai one does, and one more).
def test_a_map_tile_click_is_one_history_entry(app_url, browser):
    """A tile of the map (a link in the overview's first tab), in English; Back and Forward."""
    lang = "en"
    query, extra, (province_label, all_label), title = _overview_in(lang)
    context, page = _open(browser, f"{app_url}/overview?{query}", lang)
    start = _history(page)
    page.evaluate("window.__sameDocument = true")  # gone if the click loaded a new document
    tile = page.locator('nav.bm-tiles a[data-province="46"]')
    tile.scroll_into_view_if_needed()
    tile.click()
    page.wait_for_url(re.compile(r"/area\?"), timeout=30000)
    settle(page)
    assert_no_exception(page)
    assert _sidebar_value(page, province_label) == "Kalasin"
    page.wait_for_timeout(1500)  # a late rewrite of the URL would add its entry now
    assert _path(page) == _area_path("46", *extra) and _history(page) == start + 1
    assert page.evaluate("window.__sameDocument === true")
    _back(page)
    assert _path(page) == _overview_path(query) and _history(page) == start + 1
    assert _sidebar_value(page, province_label) == all_label
    assert page.locator("h1").first.inner_text().strip() == title
    page.go_forward()  # and Forward redoes it
    settle(page)
    assert _path(page) == _area_path("46", *extra) and _history(page) == start + 1
    assert _sidebar_value(page, province_label) == "Kalasin"
    context.close()


def test_a_ranking_bar_click_is_one_history_entry(app_url, browser, demo_db):
    """A bar of the province ranking (a tab of the overview, a Plotly click the script receives), in Thai."""
    lang = "th"
    query, extra, (province_label, all_label), title = _overview_in(lang)
    context, page = _open(browser, f"{app_url}/overview?{query}", lang)
    start = _history(page)
    page.evaluate("window.__sameDocument = true")
    page.get_by_role("tab", name="อันดับจังหวัด", exact=True).click()
    settle(page)
    assert _history(page) == start  # opening a tab is no step of its own
    name, box = _ranking_bar(page)
    code = _province_code(demo_db, name)
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_url(re.compile(r"/area\?"), timeout=30000)
    settle(page)
    assert_no_exception(page)
    assert _sidebar_value(page, province_label) == name
    assert page.locator("h3", has_text=name).count() >= 1  # the province's own page (tests/test_browser_shell.py's)
    page.wait_for_timeout(1500)
    assert _path(page) == _area_path(code, *extra) and _history(page) == start + 1
    assert page.evaluate("window.__sameDocument === true")
    _back(page)
    assert _path(page) == _overview_path(query) and _history(page) == start + 1
    assert _sidebar_value(page, province_label) == all_label
    assert page.locator("h1").first.inner_text().strip() == title
    context.close()


def _province_region(db, code: str) -> str:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute("SELECT region FROM provinces WHERE province_code = ?", [code]).fetchone()[0]
    finally:
        con.close()


def _date_box(page, lang: str):
    return page.locator(f".st-key-g_as_of_date-{lang} input")


def _type_date(page, lang: str, text: str) -> None:
    box = _date_box(page, lang)
    box.fill(text)
    box.press("Enter")
    settle(page)
    assert_no_exception(page)


def test_a_date_typed_in_the_buddhist_era_picks_the_as_of_date(app_url, browser, demo_db):
    """The sidebar's "Pick a date…" takes a date typed as Thai officials write it (BE or CE, Thai digits,
    Thai month names), says what it read, and puts it in the URL; a text it cannot take is refused in
    the user's language and the previous date stays (issue 15 item 4's rule for every date field)."""
    tuesday, friday, august = date(2019, 9, 10), date(2019, 9, 13), date(2019, 8, 20)
    figures = {day: _disbursed_million(demo_db, day) for day in (tuesday, friday, august)}
    assert len(set(figures.values())) == 3  # the three dates show different money

    context, page = _open(browser, f"{app_url}/overview?as_of={tuesday.isoformat()}")  # not a Friday: typed
    sidebar = page.locator('[data-testid="stSidebar"]')
    assert _sidebar_value(page, "ข้อมูล ณ วันที่") == "เลือกวันที่เอง…"
    assert _date_box(page, "th").input_value() == "10/9/2562"
    assert figure(page, "disbursed") == figures[tuesday]
    _type_date(page, "th", "13/09/2562")
    assert "as_of=2019-09-13" in page.url
    assert "วันศุกร์ที่ 13 กันยายน พ.ศ. 2562 (ค.ศ. 2019)" in sidebar.inner_text()
    assert figure(page, "disbursed") == figures[friday]
    assert page.get_by_text("outside allowed range").count() == 0
    # a day that does not exist: refused in Thai, the date before stays (figures and URL)
    _type_date(page, "th", "31/02/2562")
    text = sidebar.inner_text()
    assert "ไม่มีวันที่ '31/02/2562' ในปฏิทิน" in text and "แสดงข้อมูล ณ วันที่ 13 ก.ย. 2562 (วันที่เดิม)" in text
    assert "as_of=2019-09-13" in page.url and figure(page, "disbursed") == figures[friday]
    # Thai digits and a Thai month name
    _type_date(page, "th", "๒๐ ส.ค. ๒๕๖๒")
    assert "as_of=2019-08-20" in page.url and figure(page, "disbursed") == figures[august]
    # outside the year (and its carry-over): refused, with the range
    _type_date(page, "th", "1/1/2570")
    assert "อยู่นอกช่วงที่รับได้" in sidebar.inner_text()
    assert "as_of=2019-08-20" in page.url and figure(page, "disbursed") == figures[august]
    context.close()

    # ---- English: the same field, the same rules, English words
    context, page = _open(browser, f"{app_url}/overview?lang=en&as_of={tuesday.isoformat()}", lang="en")
    sidebar = page.locator('[data-testid="stSidebar"]')
    assert _sidebar_value(page, "As of") == "Pick a date…"
    assert _date_box(page, "en").input_value() == "2019-09-10"
    _type_date(page, "en", "13/9/2562")  # a Buddhist-era year in the English UI too
    assert "as_of=2019-09-13" in page.url
    assert "Friday 13 September 2019 (BE 2562)" in sidebar.inner_text()
    assert figure(page, "disbursed") == figures[friday]
    _type_date(page, "en", "the 13th")
    text = sidebar.inner_text()
    assert "cannot read the date 'the 13th'" in text and "Showing 13 Sep 2019 (the date before)" in text
    assert "as_of=2019-09-13" in page.url and figure(page, "disbursed") == figures[friday]
    # the language switch keeps the date and shows it in the Thai form
    sidebar.get_by_text("ไทย", exact=True).click()
    settle(page)
    assert _date_box(page, "th").input_value() == "13/9/2562" and "as_of=2019-09-13" in page.url
    context.close()
