"""Checks of the carry-over, reallocations and assets pages as a browser shows them (test helper): on a
page just opened at 1400x900, its light first screen (no Plotly chart, no data grid until a tab is opened)
against figures recounted here in plain SQL on the same DuckDB file, with the thresholds read from its
`thresholds` table; then the chart and the grid that opening their tabs brings.

tests/test_browser_money.py runs them in English; tests/test_browser_words.py runs them in Thai on its one
load of each page (check_first_screen before it opens any tab, check_chart_and_grid_tabs after).
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import duckdb

from tests.browser_support import (
    assert_no_exception,
    settle,
)

IN_YEAR = date(2019, 9, 13)
# page -> (query, {lang: (chart tab, chart key, table tab)})
PAGES = {
    "carryover": (
        "",
        {
            "th": ("กราฟรายสัปดาห์", "carry_timeline_chart", "ตารางทุกโครงการ"),
            "en": ("Weekly chart", "carry_timeline_chart", "All carry-overs"),
        },
    ),
    "reallocations": (
        f"as_of={IN_YEAR}",
        {
            "th": ("เส้นทางการโอน", "sankey_chart", "ทะเบียนการโอน"),
            "en": ("Where the money went", "sankey_chart", "Transfer ledger"),
        },
    ),
    "assets": (
        f"as_of={IN_YEAR}",
        {
            "th": ("อายุสินทรัพย์และสถานะ", "ageing_chart", "สินทรัพย์ทั้งหมด"),
            "en": ("Ageing and status", "ageing_chart", "All assets"),
        },
    ),
}


# ---------------------------------------------------------------- independent figures
def _rows(db, sql: str, params=()) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, list(params)).fetchall()
    finally:
        con.close()


def _threshold(db, name: str) -> float:
    return float(_rows(db, "SELECT value FROM thresholds WHERE name = ?", [name])[0][0])


def _million(amount) -> str:
    return f"{Decimal(amount) / Decimal(1_000_000):,.2f}"


def _carryover_expected(db) -> dict[str, str]:
    """The carry-over page's figures on its default date (the year's last payment), by hand."""
    (day,) = _rows(
        db,
        "SELECT max(posting_date) FROM disbursements d JOIN projects p USING (project_code) WHERE p.fiscal_year = 2562",
    )[0]
    carried = _rows(
        db,
        """SELECT c.project_code, c.amount, c.with_commitment, c.deadline FROM carryovers c
                           JOIN projects p USING (project_code) WHERE p.fiscal_year = 2562 AND c.approved_date <= ?""",
        [day],
    )
    paid = dict(
        _rows(
            db,
            """SELECT project_code, sum(amount) FROM disbursements
                             WHERE source = 'carryover' AND posting_date <= ? GROUP BY 1""",
            [day],
        )
    )
    risk_days, risk_pct = _threshold(db, "carryover_risk_days"), _threshold(db, "carryover_risk_paid_pct")
    at_risk = []
    for code, amount, _, deadline in carried:
        unpaid = amount - paid.get(code, Decimal(0))
        days = (deadline - day).days
        share = float(paid.get(code, Decimal(0)) / amount * 100) if amount else 0.0
        if unpaid > 0 and (days < 0 or (days <= risk_days and share < risk_pct)):
            at_risk.append((-unpaid, code))
    total = sum((row[1] for row in carried), Decimal(0))
    total_paid = sum((paid.get(row[0], Decimal(0)) for row in carried), Decimal(0))
    return {
        "carried": _million(total),
        "carried_change": f"{len(carried):,}",
        "with_commitment": _million(sum((row[1] for row in carried if row[2]), Decimal(0))),
        "paid": _million(total_paid),
        "remaining": _million(total - total_paid),
        "pct_paid": f"{total_paid / total * 100:,.2f}%",
        "at_risk_projects": f"{len(at_risk):,}",
        "at_risk_remaining": _million(-sum((unpaid for unpaid, _ in at_risk), Decimal(0))),
        "first": min(at_risk)[1] if at_risk else "",
    }


def _reallocations_expected(db) -> dict[str, str]:
    """Savings and transfers on 13 Sep 2019 over every FY2562 project, by hand."""
    chosen = "(SELECT project_code FROM projects WHERE fiscal_year = 2562)"
    (count,) = _rows(
        db,
        f"""SELECT count(*) FROM reallocations WHERE approved_date <= ?
                             AND (from_project_code IN {chosen} OR to_project_code IN {chosen})""",
        [IN_YEAR],
    )[0]
    (returned,) = _rows(
        db,
        f"""SELECT coalesce(sum(amount), 0) FROM reallocations WHERE approved_date <= ?
                                AND from_project_code IN {chosen} AND (kind = 'return' OR to_project_code IS NULL)""",
        [IN_YEAR],
    )[0]
    (generated,) = _rows(
        db,
        """SELECT sum(allocated_amount - contract_amount) FROM projects WHERE fiscal_year = 2562
                                AND contract_date <= ? AND contract_amount < allocated_amount""",
        [IN_YEAR],
    )[0]
    (first,) = _rows(
        db,
        f"""SELECT ref_no FROM reallocations WHERE approved_date <= ?
                             AND (from_project_code IN {chosen} OR to_project_code IN {chosen})
                             ORDER BY amount DESC, ref_no LIMIT 1""",
        [IN_YEAR],
    )[0]
    return {"transfers": f"{count:,}", "returned": _million(returned), "generated": _million(generated), "first": first}


def _assets_expected(db) -> dict[str, str]:
    """Asset counts on 13 Sep 2019: transferred by then, and overdue (completed more than the
    threshold's days before, not transferred by then), by hand."""
    limit = int(_threshold(db, "asset_overdue_days"))
    rows = _rows(
        db,
        """SELECT a.asset_id, a.value, a.completed_date, a.transferred_date, a.status
                        FROM asset_transfers a JOIN projects p USING (project_code) WHERE p.fiscal_year = 2562""",
    )
    rows = [row for row in rows if row[2] is None or row[2] <= IN_YEAR]
    done = [
        row
        for row in rows
        if (row[3] is not None and row[3] <= IN_YEAR) or (row[4] == "transferred" and row[3] is None)
    ]
    overdue = [
        row for row in rows if row not in done and row[2] is not None and row[2] < IN_YEAR - timedelta(days=limit)
    ]
    return {
        "transferred_assets": f"{len(done):,}",
        "overdue_assets": f"{len(overdue):,}",
        "overdue_value": _million(sum((row[1] for row in overdue), Decimal(0))),
        "first": min((row[2], row[0]) for row in overdue)[1] if overdue else "",
    }


EXPECTED = {
    "carryover": (_carryover_expected, "at_risk"),
    "reallocations": (_reallocations_expected, "largest_transfers"),
    "assets": (_assets_expected, "overdue"),
}


def check_first_screen(page, demo_db, screenshots_dir, name: str, lang: str) -> None:
    """On a page of `name` just opened at 1400x900 (no tab opened yet): the light first screen's
    figures equal plain SQL, each inside the first screen, the short list starts with what needs
    chasing first; money_<page>_<lang>.png."""
    expected_of, card = EXPECTED[name]
    expected = expected_of(demo_db)
    page.locator(f'[data-card="{card}"]').wait_for(timeout=30000)
    # nothing heavy until a tab is opened: no chart and no grid anywhere on the page
    assert page.locator('[data-testid="stPlotlyChart"]').count() == 0
    assert page.locator('[data-testid="stDataFrame"]').count() == 0
    first = expected.pop("first")
    for key, value in expected.items():
        figure = page.locator(f'[data-figure="{key}"]')
        text = figure.inner_text().strip()
        if key == "carried_change":
            assert text.startswith(value + " "), (key, text, value)
        else:
            assert text == value, (key, text, value)
        box = figure.bounding_box()
        assert box["y"] + box["height"] <= 900, key  # in the first screen
    # the short list starts with what needs chasing first
    assert first in page.locator(f'[data-card="{card}"] tbody tr').first.inner_text()
    page.screenshot(path=str(screenshots_dir / f"money_{name}_{lang}.png"))


def check_chart_and_grid_tabs(page, screenshots_dir, name: str, lang: str) -> None:
    """The chart and the grid appear when their tab is opened (and the closed tab's chart goes);
    in Thai money_<page>_chart.png and money_<page>_table.png (the viewport at 1400x900, scrolled to
    the chart and to the grid)."""
    chart_tab, chart_key, table_tab = PAGES[name][1][lang]
    page.get_by_role("tab", name=chart_tab, exact=True).click()
    settle(page)
    page.locator(f".st-key-{chart_key} .main-svg").first.wait_for(timeout=30000)
    assert_no_exception(page)
    if lang == "th":
        page.locator(f".st-key-{chart_key}").scroll_into_view_if_needed()  # the chart in the screenshot
        page.screenshot(path=str(screenshots_dir / f"money_{name}_chart.png"))
    page.get_by_role("tab", name=table_tab, exact=True).click()
    settle(page)
    grid = page.locator('[data-testid="stDataFrame"]').first
    grid.scroll_into_view_if_needed()
    grid.locator("canvas").first.wait_for(state="attached", timeout=30000)
    assert page.locator(f".st-key-{chart_key}").count() == 0  # the closed tab's chart is gone
    assert_no_exception(page)
    if lang == "th":
        page.screenshot(path=str(screenshots_dir / f"money_{name}_table.png"))
