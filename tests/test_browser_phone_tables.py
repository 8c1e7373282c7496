"""Tables keep their key figures in view on a phone, and the lagging grid's follow-up column at
1400 px (issue 15, item 8).

One `streamlit run` server (the session's demo data with two weekly snapshots) and one Debian
Chromium. At 390x844 (a phone, touch), every page's HTML tables are checked cell by cell: each
shown cell lies inside the screen's width, with no sideways scrolling (a sideways scroll that
starts at the names, as the carry-over risk list had, hides the figures). The key figures the
issue names are found by their column header — the carry-over risk list's unpaid, paid and
deadline, the weekly list's disbursed and both lines' % — and every row's cell in that column
is checked, in Thai and in English. The lagging grid draws on a canvas; its accessibility table
lists exactly the columns that intersect the grid's visible box, so a column is wholly in view
when the column after it is listed too: at 390 px % paid and money at risk, at 1400 px the
follow-up column.

Screenshots: artifacts/screenshots/phone_tables_<page>_<lang>.png, phone_tables_lagging_grid_*.png.
"""

from __future__ import annotations

import pytest

from tests.browser_support import (
    assert_no_exception,
    settle,
)

AS_OF = "as_of=2019-09-13"


def _query(name: str) -> str:
    """The page's date: in the year, but the carry-over page on its own default (the carry-over
    period's last payment; on 13 Sep nothing is carried over yet)."""
    return "" if name == "carryover" else AS_OF


PAGES = ["overview", "area", "lagging", "carryover", "reallocations", "assets", "data_quality", "weekly"]
PHONE = {"width": 390, "height": 844}
# page -> (the table, its key figure columns by header in Thai and in English)
KEY_FIGURES = {
    "carryover": (
        '[data-card="at_risk"] table',
        {"th": ["คงเหลือ (ลบ.)", "เบิกแล้ว", "กำหนดเบิกจ่ายถึง"], "en": ["Unpaid (m฿)", "Paid", "Deadline"]},
    ),
    "weekly": (
        '[data-table="snapshots"]',
        {
            "th": ["เบิกจ่าย (ล้านบาท)", "ภาพรวม: เบิกจ่าย %", "งบลงทุน: เบิกจ่าย %"],
            "en": ["Disbursed (million baht)", "Overall: % disbursed", "Investment: % disbursed"],
        },
    ),
}
GRID_FIGURES = {"th": ["% เบิกจ่าย", "เงินที่เสี่ยง (ลบ.)"], "en": ["% paid", "At risk (m฿)"]}
FOLLOW_UP = {"th": "การชี้แจง", "en": "Follow-up"}
ALL_TAB = {"th": "ทุกโครงการ", "en": "All projects"}

# Every shown cell of the pages' HTML tables that does not lie inside [0, width] (a header row
# kept only for screen readers, clipped to 1 px, is not shown).
OUTSIDE_JS = """(width) => [...document.querySelectorAll('[data-testid="stHtml"] td, [data-testid="stHtml"] th')]
  .filter(cell => cell.checkVisibility({visibilityProperty: true, contentVisibilityAuto: true}))
  .filter(cell => { const head = cell.closest('thead'); return !head || head.getBoundingClientRect().width >= 2; })
  .map(cell => [cell, cell.getBoundingClientRect()])
  .filter(([cell, box]) => box.width >= 2 && box.height >= 2 && (box.left < -0.5 || box.right > width + 0.5))
  .map(([cell, box]) =>
    `${cell.textContent.trim().slice(0, 40)} [${Math.round(box.left)}, ${Math.round(box.right)}]`)"""

# The boxes of every body row's cell under the header `header` of `table` (the position of the
# header among the header row's cells is the position of the cell among the row's cells).
COLUMN_JS = """(table, header) => {
  const heads = [...table.querySelectorAll('thead th')].map(th => th.textContent.trim());
  const at = heads.indexOf(header);
  if (at < 0) return {heads};
  return {heads, cells: [...table.querySelectorAll('tbody tr')].map(row => {
    const cell = row.children[at]; const box = cell.getBoundingClientRect();
    return {text: cell.textContent.trim(), left: box.left, right: box.right, width: box.width}; })};
}"""


@pytest.fixture(scope="module")
def app(snapshots_server, chromium):
    return snapshots_server, chromium  # the worker's server on the demo copy with SNAPSHOT_DATES (conftest)


def _open(page, url: str) -> None:
    page.goto(url)
    settle(page)
    assert_no_exception(page)


def _key_figures_in_view(page, name: str, lang: str) -> None:
    selector, headers = KEY_FIGURES[name]
    table = page.locator(selector).first
    table.wait_for(state="attached", timeout=30000)
    for header in headers[lang]:
        found = table.evaluate(COLUMN_JS, header)
        assert "cells" in found, (name, header, found["heads"])
        assert len(found["cells"]) >= 2, (name, header)  # every row (two snapshots, five carry-overs)
        for cell in found["cells"]:
            assert cell["text"], (name, header, cell)
            assert cell["width"] >= 2 and cell["left"] >= -0.5 and cell["right"] <= PHONE["width"] + 0.5, (
                name,
                lang,
                header,
                cell,
            )


def _grid_columns(page, url: str, lang: str) -> tuple[dict[str, int], dict]:
    """The lagging grid's columns drawn in its visible box (header -> column index), and its box, on one load of
    `url` (before part 16 of docs/benchmarks.md "Test suite time" the page was opened twice)."""
    _open(page, url)
    page.get_by_role("tab", name=ALL_TAB[lang], exact=True).click()
    settle(page)
    grid = page.locator('[data-testid="stDataFrame"]').first
    grid.scroll_into_view_if_needed()
    headers = grid.locator('[role="columnheader"]')
    headers.first.wait_for(state="attached", timeout=30000)
    listed = {
        headers.nth(i).inner_text().strip(): int(headers.nth(i).get_attribute("aria-colindex"))
        for i in range(headers.count())
    }
    return listed, grid.bounding_box()


def _wholly_in_view(listed: dict[str, int], header: str) -> bool:
    """The column `header` ends inside the grid's box: the column after it is listed too."""
    return header in listed and listed[header] + 1 in listed.values()


@pytest.mark.parametrize("lang", ["th", "en"])
def test_phone_tables_keep_their_figures_in_view(app, screenshots_dir, lang):
    url, browser = app
    context = browser.shared_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    try:
        # in Thai every page (first screen, first tab open); in English the pages the issue names
        for name in PAGES if lang == "th" else list(KEY_FIGURES):
            _open(page, f"{url}/{name}?{_query(name)}&lang={lang}")
            page.locator('[data-testid="stHtml"]').first.wait_for(timeout=30000)
            if name in KEY_FIGURES:
                _key_figures_in_view(page, name, lang)
            outside = page.evaluate(OUTSIDE_JS, PHONE["width"])
            assert outside == [], (name, lang, outside[:10])
            page.screenshot(path=str(screenshots_dir / f"phone_tables_{name}_{lang}.png"))  # the first screen
    finally:
        context.close()


@pytest.mark.parametrize("lang", ["th", "en"])
def test_lagging_grid_figures_on_a_phone_and_follow_up_at_1400(app, screenshots_dir, lang):
    url, browser = app
    for viewport, mobile in ((PHONE, True), ({"width": 1400, "height": 900}, False)):
        context = browser.shared_context(viewport=viewport, is_mobile=mobile, has_touch=mobile)
        page = context.new_page()
        try:
            listed, box = _grid_columns(page, f"{url}/lagging?{AS_OF}&lang={lang}", lang)
            assert box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"] + 0.5, box
            if mobile:
                for header in GRID_FIGURES[lang]:  # beside the pinned code, no sideways scrolling
                    assert _wholly_in_view(listed, header), (lang, header, listed)
            else:
                assert _wholly_in_view(listed, FOLLOW_UP[lang]), (lang, listed)
                for header in GRID_FIGURES[lang]:
                    assert _wholly_in_view(listed, header), (lang, header, listed)
            page.screenshot(path=str(screenshots_dir / f"phone_tables_lagging_grid_{viewport['width']}_{lang}.png"))
        finally:
            context.close()
