"""Checks of the lagging and data-quality pages as a browser shows them (test helper): on a page just
opened, its light first screen against plain SQL over the demo database (tests/lagging_sql.py recounts the
lagging rules by hand), then, one click away, the grid in its tab.

tests/test_browser_lists.py runs them in English and on a phone; tests/test_browser_words.py runs them in
Thai at 1400x900 on its one load of each page (the first-screen checks before it opens any tab, the grid
checks after).
"""

from __future__ import annotations

from decimal import Decimal

import duckdb

from tests.browser_support import (
    figure,
    settle,
)
from tests.lagging_sql import AS_OF, sql_lagging

THAI_MONTHS = ["ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.", "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค."]
GRID_DRAWN_JS = """() => [...document.querySelectorAll('[data-testid="stDataFrame"]')]
    .some(grid => grid.querySelector('canvas'))"""


def _million(amount: Decimal) -> str:
    return f"{float(amount) / 1e6:,.2f}"


def _be(day) -> str:
    return f"{day.day} {THAI_MONTHS[day.month - 1]} {day.year + 543}"


def lagging_first_screen(page, demo_db, screenshots_dir, view: str) -> dict:
    """On the lagging page just opened (its default date, no tab opened): the counts, the money at
    risk and the ten largest amounts at risk equal plain SQL, a disclosure opens without a rerun;
    lists_lagging_<view>.png. Returns the projects sql_lagging flags (code -> figures)."""
    expected = sql_lagging(demo_db, None)  # code -> (allocation, paid, at risk, last payment), 30 Sep 2019
    assert page.locator('[data-testid="stDataFrame"]').count() == 0  # no grid on the first screen
    assert figure(page, "flagged") == f"{len(expected):,}"
    assert figure(page, "money_at_risk") == _million(sum(risk for _, _, risk, _ in expected.values()))
    # the list: the ten largest amounts at risk, largest first, each the project's own (SQL) amount
    items = page.locator(".bm-risk details")
    assert items.count() == 10
    codes = [items.nth(i).locator('[data-figure="code"]').inner_text().strip() for i in range(10)]
    shown = [items.nth(i).locator('[data-figure="money_at_risk"]').inner_text().strip() for i in range(10)]
    assert shown == [_million(expected[code][2]) for code in codes]
    largest = sorted((risk for _, _, risk, _ in expected.values()), reverse=True)[:10]
    assert shown == [_million(risk) for risk in largest]
    for code in codes:  # % paid by hand from the plain-SQL allocation and payments
        allocation, paid, _, _ = expected[code]
        pct = float(100 * paid / allocation) if allocation else 0.0
        item = items.nth(codes.index(code))
        assert item.locator('[data-figure="pct"]').inner_text().strip() == f"{pct:,.2f}"
    # a disclosure opens in the browser alone (no rerun): the reasons and the projected year end
    items.first.locator("summary").click()
    reasons = items.first.locator('[data-figure="reasons"]')
    reasons.wait_for(state="visible", timeout=5000)
    assert reasons.locator("li").count() >= 1
    assert items.first.locator('[data-figure="projection"]').is_visible()
    items.first.scroll_into_view_if_needed()  # the opened disclosure in the shot (a viewport shot: part 14)
    page.screenshot(path=str(screenshots_dir / f"lists_lagging_{view}.png"))
    return expected


def lagging_grid_in_its_tab(page, expected: dict, screenshots_dir, view: str) -> None:
    """The full grid, one click away: one row per flagged project (lists_lagging_grid_th.png)."""
    page.get_by_role("tab", name="All projects" if view == "en" else "ทุกโครงการ").click()
    settle(page)
    grid = page.locator(".st-key-lagging_grid [data-testid='stDataFrame']")
    grid.scroll_into_view_if_needed()
    page.wait_for_function(GRID_DRAWN_JS, timeout=30000)
    assert int(grid.locator("table").get_attribute("aria-rowcount")) == len(expected) + 1  # + header row
    if view == "th":
        page.screenshot(path=str(screenshots_dir / "lists_lagging_grid_th.png"))


def data_quality_first_screen(page, demo_db, screenshots_dir, view: str) -> int:
    """On the data-quality page just opened (no tab opened): loads, rejected rows, warnings and the
    freshness table (Kalasin's row) equal plain SQL; lists_data_quality_<view>.png. Returns the
    number of rejected rows stored."""
    con = duckdb.connect(str(demo_db), read_only=True)
    try:
        loads, rejected = con.execute("SELECT count(*), sum(rows_rejected) FROM loads").fetchone()
        (rejects,) = con.execute("SELECT count(*) FROM rejects").fetchone()
        # Kalasin's own plan: its projects and its latest payment up to the data date
        projects, latest = con.execute(
            """SELECT count(DISTINCT p.project_code), max(d.posting_date) FROM projects p
               LEFT JOIN disbursements d ON d.project_code = p.project_code AND d.posting_date <= ?
               WHERE p.fiscal_year = 2562 AND p.owner_type = 'province' AND p.owner = '46'""",
            [AS_OF],
        ).fetchone()
        (provinces,) = con.execute(
            "SELECT count(DISTINCT owner) FROM projects WHERE fiscal_year = 2562 AND owner_type = 'province'"
        ).fetchone()
    finally:
        con.close()
    assert page.locator('[data-testid="stDataFrame"]').count() == 0  # no grid on the first screen
    assert figure(page, "loads") == f"{loads:,}"
    assert figure(page, "rejected") == f"{int(rejected):,}"
    assert figure(page, "warnings") == "0"
    freshness = page.locator('[data-table="data_freshness"] tbody tr').evaluate_all(
        "rows => rows.map(row => [...row.cells].map(cell => cell.innerText.trim()))"
    )
    assert len(freshness) == provinces
    kalasin = next(row for row in freshness if row[0] == "46")
    assert kalasin[2] == f"{projects:,}"
    assert kalasin[3] == (_be(latest) if view != "en" else f"{latest.day} {latest:%b %Y}")
    page.locator('[data-table="data_freshness"]').scroll_into_view_if_needed()  # the table checked, in the shot
    page.screenshot(path=str(screenshots_dir / f"lists_data_quality_{view}.png"))
    return rejects


def rejects_in_their_tab(page, rejects: int, screenshots_dir, view: str) -> None:
    """The rejected rows' grid, one click away: one row per stored reject (lists_data_quality_rejects_th.png)."""
    page.get_by_role("tab", name="Rejected rows" if view == "en" else "แถวที่ถูกปฏิเสธ").click()
    settle(page)
    grid = page.locator('[data-testid="stDataFrame"]').last
    grid.scroll_into_view_if_needed()
    page.wait_for_function(GRID_DRAWN_JS, timeout=30000)
    assert int(grid.locator("table").get_attribute("aria-rowcount")) == rejects + 1  # + header row
    if view == "th":
        page.screenshot(path=str(screenshots_dir / "lists_data_quality_rejects_th.png"))
