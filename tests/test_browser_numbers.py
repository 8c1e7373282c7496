"""What the numbers and their words say, in a real browser (issue 15, items 2, 3 and 5).

One `streamlit run` server and one Debian Chromium for the module. The database is a demo copy
with weekly snapshots of 30 Aug, 6 Sep and 13 Sep 2019, then a file loaded afterwards that
corrects a Kalasin project's payments before those dates, so today's figures of those weeks
differ from the frozen ones. In Thai and English (since part 16 of docs/benchmarks.md "Test suite time" each
page in one of them, the other pages in the other: the figures do not depend on the language):

- a budget-type filter: the overview (30 Sep, investment budget) and the province page (Kalasin,
  operating budget) state the filter, show the type's own line only, and the map counts and
  colours provinces by it;
- the investment line 4.98 points below its target on 13 Sep reads "near target", in olive, not
  "on target" in green; the lagging page counts unsigned and late-signed contracts apart, and
  Kalasin's list holds no project with nothing left to pay;
- the weekly page's files are the week chosen on the page (frozen in snapshot mode, today's data
  in live mode), its lists say whose figures they are, and an administrator (the local mode) can
  freeze this week, refused while another writer holds the lock.

Every figure is recounted in plain SQL here (raw tables, or the frozen `snapshot_projects` rows),
targets by hand (DOMAIN.md), thresholds from thresholds.toml. Files are saved from the browser and
opened back (openpyxl, pypdf). Screenshots: artifacts/screenshots/numbers_*.png.
"""

from __future__ import annotations

import re
import shutil
import tomllib
from datetime import date
from decimal import Decimal
from pathlib import Path

import duckdb
import openpyxl
import pypdf
import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.browser_support import (
    assert_no_exception,
    figure,
    require_chromium,
    settle,
    streamlit_server,
)
from tests.target_lines_sql import _status

ROOT = Path(__file__).resolve().parents[1]
LIMITS = {
    name: entry["value"]
    for name, entry in tomllib.loads((ROOT / "data/reference/thresholds.toml").read_text(encoding="utf-8")).items()
}
AUG_30, SEP_06, SEP_13, SEP_30 = date(2019, 8, 30), date(2019, 9, 6), date(2019, 9, 13), date(2019, 9, 30)
LATEST_FRIDAY = date(2019, 9, 27)  # the demo's data end on Monday 30 Sep 2019
KALASIN = "46"
CORRECTION = Decimal("5000000.00")
CUTOFF = date(2019, 3, 31)
# FY2562 cumulative targets by hand (DOMAIN.md): 30 Sep is the year end; 13 Sep the Q3 end, two
# monthly steps of Q4 and 13/30 of the third
TARGETS = {
    SEP_30: {"overall": 100.0, "investment": 88.0},
    SEP_13: {"overall": 77 + 2 * 23 / 3 + 23 / 3 * 13 / 30, "investment": 65 + 2 * 23 / 3 + 23 / 3 * 13 / 30},
}
OLIVE = "rgb(130, 119, 23)"  # ui/palette.NEAR_TARGET #827717
NOTE = '.st-key-budget_scope [data-testid="stMarkdownContainer"]'  # the budget-type filter stated


@pytest.fixture(scope="module")
def served(demo_db, chromium, tmp_path_factory):
    """(base URL, browser, database): the server runs on the corrected copy with three snapshots."""
    from etl.load import load_files
    from etl.snapshot import take_snapshot

    require_chromium()
    folder = tmp_path_factory.mktemp("numbers_server")
    database = folder / "budget.duckdb"
    shutil.copyfile(demo_db, database)
    for day in (AUG_30, SEP_06, SEP_13):
        take_snapshot(2562, day, db_path=database)
    code = _sql(
        database,
        """SELECT min(p.project_code) FROM projects p WHERE p.owner_type = 'province'
                              AND p.owner = ? AND p.allocated_amount > ? + coalesce((SELECT sum(amount)
                              FROM disbursements d WHERE d.project_code = p.project_code), 0)""",
        [KALASIN, CORRECTION],
    )[0][0]
    correction = folder / "disbursements_correction.csv"
    correction.write_text(
        f"doc_no,project_code,posting_date,amount,source\nCORR-15B,{code},2019-08-20,{CORRECTION},current\n",
        encoding="utf-8",
    )
    [loaded] = load_files([correction], db_path=database)
    assert loaded.status == "loaded", loaded.message
    with streamlit_server(database, folder / "streamlit.log") as url:
        yield url, chromium, database  # the worker's Chromium (tests/conftest.py)


def _sql(db, sql: str, params=None) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def _money(db, day: date, where: str = "TRUE", params: dict | None = None) -> dict:
    """Allocation and current-year payments as of a date, all and investment only (baht, plain SQL)."""
    [(allocation, paid, inv_allocation, inv_paid)] = _sql(
        db,
        f"""
        WITH p AS (
          SELECT p.*, p.allocated_amount
                 + coalesce((SELECT sum(amount) FROM reallocations r WHERE r.to_project_code = p.project_code
                             AND r.approved_date <= $d), 0)
                 - coalesce((SELECT sum(amount) FROM reallocations r WHERE r.from_project_code = p.project_code
                             AND r.approved_date <= $d), 0) AS cur,
                 coalesce((SELECT sum(amount) FROM disbursements x WHERE x.project_code = p.project_code
                           AND x.source = 'current' AND x.posting_date <= $d), 0) AS paid
          FROM projects p WHERE p.fiscal_year = 2562 AND {where})
        SELECT sum(cur), sum(paid), coalesce(sum(cur) FILTER (WHERE budget_type = 'investment'), 0),
               coalesce(sum(paid) FILTER (WHERE budget_type = 'investment'), 0) FROM p""",
        {"d": day, **(params or {})},
    )
    return {
        "allocation": Decimal(allocation),
        "paid": Decimal(paid),
        "inv_allocation": Decimal(inv_allocation),
        "inv_paid": Decimal(inv_paid),
    }


def _frozen(db, day: date, province: str | None = None) -> dict:
    area = "AND s.province_code = $p" if province else ""
    [(snapshot_id, projects, allocation, paid)] = _sql(
        db,
        f"""
        SELECT h.snapshot_id, count(*), sum(s.current_allocation), sum(s.disbursed)
        FROM snapshots h JOIN snapshot_projects s USING (snapshot_id)
        WHERE h.as_of = $d AND h.status = 'current' {area} GROUP BY 1""",
        {"d": day, **({"p": province} if province else {})},
    )
    return {"id": snapshot_id, "projects": projects, "allocation": Decimal(allocation), "paid": Decimal(paid)}


def _pct(paid: Decimal, allocation: Decimal) -> float:
    return float(paid / allocation * 100)


def _open(browser, url: str):
    """A new page in the worker's shared 1400 x 900 context (tests/conftest.py; it accepts downloads, Playwright's
    default); `close()` on the context closes the page. Nothing here signs in or changes the context."""
    context = browser.shared_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    _go(page, url)
    return context, page


def _go(page, url: str) -> None:
    page.goto(url)
    settle(page)
    assert_no_exception(page)


def _province_gaps(db, day: date, budget_type: str) -> dict[str, float]:
    """province -> gap (points) of a budget type's own line: its money against its target (plain SQL)."""
    target = TARGETS[day]["investment" if budget_type == "investment" else "overall"]
    rows = _sql(
        db,
        """
        WITH p AS (
          SELECT p.owner, p.allocated_amount
                 + coalesce((SELECT sum(amount) FROM reallocations r WHERE r.to_project_code = p.project_code
                             AND r.approved_date <= $d), 0)
                 - coalesce((SELECT sum(amount) FROM reallocations r WHERE r.from_project_code = p.project_code
                             AND r.approved_date <= $d), 0) AS cur,
                 coalesce((SELECT sum(amount) FROM disbursements x WHERE x.project_code = p.project_code
                           AND x.source = 'current' AND x.posting_date <= $d), 0) AS paid
          FROM projects p WHERE p.fiscal_year = 2562 AND p.owner_type = 'province' AND p.budget_type = $t)
        SELECT owner, sum(cur), sum(paid) FROM p GROUP BY owner""",
        {"d": day, "t": budget_type},
    )
    return {owner: float(paid / cur * 100) - target for owner, cur, paid in rows if cur and cur > 0}


# ---------------------------------------------------------------- item 2: a budget-type filter
def test_a_budget_type_filter_keeps_the_lines_honest(served, screenshots_dir):
    url, browser, db = served
    inv = _money(db, SEP_30, "budget_type = 'investment'")
    inv_pct = _pct(inv["paid"], inv["allocation"])
    gaps = _province_gaps(db, SEP_30, "investment")
    counts = {}
    for gap in gaps.values():
        counts[_status(gap)] = counts.get(_status(gap), 0) + 1
    context, page = _open(browser, f"{url}/overview?as_of={SEP_30.isoformat()}&budget=investment")
    try:
        page.locator('[data-line="investment"]').wait_for(timeout=60_000)
        # the filter stated first; the overall line not shown (never investment money against 100%)
        note = page.locator(NOTE)
        assert note.inner_text().strip().startswith("เฉพาะงบลงทุน — "), note.inner_text()
        assert page.locator('[data-line="overall"]').count() == 0
        assert "ไม่แสดง" in page.locator('[data-card="overall_not_shown"]').inner_text()
        card = page.locator('[data-line="investment"]')
        assert figure(card, "pct") == f"{inv_pct:,.2f}" and figure(card, "target") == "88.00"
        assert figure(card, "gap_points") == f"{inv_pct - 88:+.2f}"
        # the five provinces furthest behind by the investment line
        worst = sorted(gaps, key=lambda code: (gaps[code], code))[:5]
        rows = page.locator('[data-card="laggards"] tbody tr')
        assert [rows.nth(i).locator("td").nth(3).inner_text().strip() for i in range(5)] == [
            f"{gaps[code]:+.2f}" for code in worst
        ]
        # the map (the first tab below) counts and colours provinces by the investment line, no corner square
        tiles = page.locator(".bm-tiles a")
        tiles.first.wait_for(timeout=60_000)
        assert tiles.count() == 76
        shown = {}
        for status in tiles.evaluate_all("tiles => tiles.map(tile => tile.dataset.status)"):
            shown[status] = shown.get(status, 0) + 1
        assert {status: count for status, count in shown.items() if status != "no_data"} == counts
        assert counts.get("behind", 0) < 44  # the map counted 44 behind by the overall target
        assert page.locator(".bm-tiles a i").count() == 0
        page.screenshot(path=str(screenshots_dir / "numbers_budget_investment_th.png"))
        # the province page (in English) says the filter too, and shows the operating line against the overall
        # target. Before part 16 of docs/benchmarks.md "Test suite time" both pages were checked in both languages:
        # the figures and lines do not depend on the language, the words are checked without a browser.
        operating = _money(
            db, SEP_30, "owner_type = 'province' AND owner = $o AND budget_type = 'operating'", {"o": KALASIN}
        )
        op_pct = _pct(operating["paid"], operating["allocation"])
        _go(page, f"{url}/area?area=province:{KALASIN}&as_of={SEP_30.isoformat()}&budget=operating&lang=en")
        card = page.locator('[data-line="operating"]')
        card.wait_for(timeout=60_000)
        assert page.locator(NOTE).inner_text().strip().startswith("Operating budget only — ")
        assert page.locator('[data-line="overall"], [data-line="investment"]').count() == 0
        assert figure(card, "pct") == f"{op_pct:,.2f}" and figure(card, "target") == "100.00"
        badge = card.locator(".bm-badge")
        assert badge.get_attribute("data-status") == _status(op_pct - 100)
        page.screenshot(path=str(screenshots_dir / "numbers_area_operating_en.png"))
    finally:
        context.close()


# ---------------------------------------------------------------- item 3: words and lists
def test_status_words_and_lagging_lists_read_right(served, screenshots_dir):
    url, browser, db = served
    inv = _money(db, SEP_13)
    gap = _pct(inv["inv_paid"], inv["inv_allocation"]) - TARGETS[SEP_13]["investment"]
    assert _status(gap) == "near_target"
    watch = f"{LIMITS['watch_gap_points']:g}"
    # the overview in Thai, the lagging page's counts in English (each in both languages before part 16 of
    # docs/benchmarks.md "Test suite time": the figures and colours do not depend on the language)
    context, page = _open(browser, f"{url}/overview?as_of={SEP_13.isoformat()}")
    try:
        card = page.locator('[data-line="investment"]')
        card.wait_for(timeout=60_000)
        assert figure(card, "gap_points") == f"{gap:+.2f}"
        badge = card.locator(".bm-badge")
        assert badge.inner_text().strip() == f"ใกล้เป้าหมาย (ต่ำกว่าไม่เกิน {watch} จุด)"
        assert badge.evaluate("node => getComputedStyle(node).backgroundColor") == OLIVE  # not green
        page.screenshot(path=str(screenshots_dir / "numbers_near_target_th.png"))
        # the lagging page: still unsigned and signed late, counted apart (plain SQL, 13 Sep)
        share = LIMITS["fully_paid_pct"] / 100
        [(unsigned, late)] = _sql(
            db,
            """
            WITH p AS (
              SELECT p.contract_date, p.contract_amount, p.allocated_amount
                     + coalesce((SELECT sum(amount) FROM reallocations r WHERE r.to_project_code = p.project_code
                                 AND r.approved_date <= $d), 0)
                     - coalesce((SELECT sum(amount) FROM reallocations r
                                 WHERE r.from_project_code = p.project_code AND r.approved_date <= $d), 0) AS cur,
                     coalesce((SELECT sum(amount) FROM disbursements x WHERE x.project_code = p.project_code
                               AND x.source = 'current' AND x.posting_date <= $d), 0) AS paid
              FROM projects p WHERE p.fiscal_year = 2562 AND p.budget_type = 'investment'),
            due AS (SELECT * FROM p WHERE cur > 0 AND paid < $share * (CASE WHEN contract_amount IS NOT NULL
                      AND (contract_date IS NULL OR contract_date <= $d) THEN least(contract_amount, cur)
                      ELSE cur END) - 0.005)
            SELECT count(*) FILTER (WHERE contract_date IS NULL OR contract_date > $d),
                   count(*) FILTER (WHERE contract_date > $cutoff AND contract_date <= $d) FROM due""",
            {"d": SEP_13, "cutoff": CUTOFF, "share": share},
        )
        _go(page, f"{url}/lagging?as_of={SEP_13.isoformat()}&lang=en")
        page.locator('[data-figure="flag_late_contract"]').wait_for(timeout=60_000)
        assert figure(page, "flag_no_contract") == f"{unsigned:,}"
        assert figure(page, "flag_late_contract") == f"{late:,}"
        label = page.locator('[data-box="flag_late_contract"] .bm-label').inner_text()
        assert label == "Contract signed after the cut-off"
        # Kalasin's list on 30 Sep: no project with nothing left to pay
        fully_paid = {
            code
            for (code,) in _sql(
                db,
                """
            WITH p AS (
              SELECT p.project_code, p.contract_date, p.contract_amount, p.allocated_amount
                     + coalesce((SELECT sum(amount) FROM reallocations r WHERE r.to_project_code = p.project_code
                                 AND r.approved_date <= $d), 0)
                     - coalesce((SELECT sum(amount) FROM reallocations r
                                 WHERE r.from_project_code = p.project_code AND r.approved_date <= $d), 0) AS cur,
                     coalesce((SELECT sum(amount) FROM disbursements x WHERE x.project_code = p.project_code
                               AND x.source = 'current' AND x.posting_date <= $d), 0) AS paid
              FROM projects p WHERE p.fiscal_year = 2562 AND p.owner_type = 'province' AND p.owner = $o
                AND p.budget_type = 'investment' AND p.contract_date > $cutoff)
            SELECT project_code FROM p WHERE paid >= $share * (CASE WHEN contract_amount IS NOT NULL
                   THEN least(contract_amount, cur) ELSE cur END) - 0.005""",
                {"d": SEP_30, "o": KALASIN, "cutoff": CUTOFF, "share": share},
            )
        }
        assert len(fully_paid) >= 2
        _go(page, f"{url}/lagging?province={KALASIN}")
        page.locator('.bm-risk details [data-figure="code"]').first.wait_for(timeout=60_000)
        listed = set(page.locator('.bm-risk details [data-figure="code"]').all_inner_texts())
        assert listed and not listed & fully_paid
        assert page.get_by_text("เบิกจ่ายครบแล้วไม่อยู่ในรายการ", exact=False).count() >= 1
        page.screenshot(path=str(screenshots_dir / "numbers_lagging_kalasin_th.png"))
    finally:
        context.close()


# ---------------------------------------------------------------- item 5: the weekly page
def _download(page, key: str, folder: Path) -> Path:
    with page.expect_download(timeout=180_000) as info:
        page.locator(f".st-key-{key} button").click()
    download = info.value
    saved = folder / download.suggested_filename
    download.save_as(saved)
    return saved


def _summary_total(path: Path) -> dict:
    sheet = openpyxl.load_workbook(path)["สรุป"]
    header = int(sheet.print_title_rows.replace("$", "").split(":")[0])
    names = [cell.value for cell in sheet[header]]
    return {
        "as_of": sheet["A3"].value,
        **dict(zip(names, next(sheet.iter_rows(min_row=header + 1, values_only=True)), strict=True)),
    }


def test_weekly_files_are_the_week_on_screen_and_the_week_can_be_frozen(served, screenshots_dir, tmp_path):
    from etl.store import writer_lock

    url, browser, db = served
    week, versus = _frozen(db, SEP_06), _frozen(db, AUG_30)
    mine = _frozen(db, SEP_06, KALASIN)
    live = _money(db, SEP_06, "owner_type = 'province' AND owner = $o", {"o": KALASIN})
    assert live["paid"] == mine["paid"] + CORRECTION  # today's figures of that week differ from the frozen ones
    query = f"province={KALASIN}&week={week['id']}&vs={versus['id']}"
    # snapshot mode (the sidebar on the latest snapshot, 13 Sep): the chosen week is 6 Sep, vs 30 Aug
    context, page = _open(browser, f"{url}/weekly?mode=snapshot&{query}")
    try:
        page.locator('[data-line="overall"]').wait_for(timeout=60_000)
        assert figure(page.locator('[data-line="overall"]'), "pct") == f"{_pct(mine['paid'], mine['allocation']):,.2f}"
        book = _download(page, "weekly_xlsx", tmp_path)
        assert book.name == f"budget-2562-asof-2019-09-06-province-{KALASIN}-vs-2019-08-30-snapshot.xlsx"
        total = _summary_total(book)
        assert total["as_of"] == "ข้อมูล ณ วันที่ 6 ก.ย. 2562"
        assert Decimal(str(total["เบิกจ่ายแล้ว บาท"])) == mine["paid"]  # frozen, as on screen
        brief = _download(page, "weekly_pdf", tmp_path)
        text = "".join(pg.extract_text() for pg in pypdf.PdfReader(brief).pages).replace("\n", "")
        assert f"{_pct(mine['paid'], mine['allocation']):.2f}%" in text
        assert "เทียบกับ 30 ส.ค. 2562" in text and f"หมายเลข {week['id']}" in text
        # each list says whose figures it holds; the list's figures are Kalasin's too
        scopes = [page.locator(f".st-key-{key}").inner_text() for key in ("weekly_list_scope", "weekly_compare_scope")]
        assert all("กาฬสินธุ์" in text and "ตามตัวกรองด้านข้าง" in text for text in scopes), scopes
        assert figure(page.locator('[data-card="snapshots"]'), f"{week['id']}.projects") == f"{mine['projects']:,}"
        files = page.locator(".st-key-weekly_files_scope").inner_text()
        assert "6 ก.ย. 2562" in files and "30 ส.ค. 2562" in files and f"หมายเลข {week['id']}" in files
        page.screenshot(path=str(screenshots_dir / "numbers_weekly_snapshot_th.png"))
        # live mode (the sidebar on 30 Sep): the chosen week's date, today's data, in English
        _go(page, f"{url}/weekly?{query}&lang=en")
        page.locator(".st-key-weekly_xlsx button").wait_for(timeout=60_000)
        assert "compared with 30 Aug 2019" in page.locator(".st-key-weekly_files_scope").inner_text()
        book = _download(page, "weekly_xlsx", tmp_path)
        assert book.name == f"budget-2562-asof-2019-09-06-province-{KALASIN}-vs-2019-08-30.xlsx"
        assert Decimal(str(_summary_total(book)["เบิกจ่ายแล้ว บาท"])) == live["paid"]
        # freezing this week: refused while another writer holds the lock, then done
        freeze = page.locator(".st-key-weekly_freeze")
        freeze.locator("summary").click()  # a closed disclosure, so the weeks compared stay on the first screen
        assert "27 Sep 2019" in freeze.inner_text()
        lock = writer_lock(db)
        lock.acquire()
        try:
            page.locator(".st-key-weekly_freeze_button button").click()
            freeze.get_by_text("another writer", exact=False).wait_for(timeout=90_000)
        finally:
            lock.release()
        assert _sql(db, "SELECT count(*) FROM snapshots WHERE as_of = ?", [LATEST_FRIDAY]) == [(0,)]
        page.screenshot(path=str(screenshots_dir / "numbers_weekly_freeze_refused_en.png"))
        _go(page, f"{url}/weekly?{query}")
        page.locator(".st-key-weekly_freeze summary").click()
        page.locator(".st-key-weekly_freeze_button button").click()
        said = page.locator('.st-key-weekly_freeze [data-testid="stAlert"]')
        try:
            said.first.wait_for(timeout=60_000)
        except PlaywrightTimeout:
            # Nothing said and nothing frozen: Streamlit drops a click whose run another run replaced (seen
            # once in a loaded CI run); a user would click again, and so does the test, once
            assert _sql(db, "SELECT count(*) FROM snapshots WHERE as_of = ?", [LATEST_FRIDAY]) == [(0,)]
            page.locator(".st-key-weekly_freeze_button button").click()
            said.first.wait_for(timeout=180_000)
        page.locator(".st-key-weekly_freeze").get_by_text("บันทึกภาพนิ่ง ณ วันที่ 27 ก.ย. 2562 แล้ว").wait_for(
            timeout=180_000
        )  # the success (an earlier warning of this session is replaced by it)
        settle(page)
        frozen = _frozen(db, LATEST_FRIDAY)
        message = page.locator(".st-key-weekly_freeze").inner_text()
        assert re.search(rf"หมายเลข {frozen['id']}, {frozen['projects']:,} โครงการ", message), message
        everyone = _money(db, LATEST_FRIDAY)
        assert (frozen["paid"], frozen["allocation"]) == (everyone["paid"], everyone["allocation"])
        page.screenshot(path=str(screenshots_dir / "numbers_weekly_frozen_th.png"))
    finally:
        context.close()
