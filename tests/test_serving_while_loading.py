"""Serving while loading: `python -m etl load` runs while the dashboard is busy.

A real `streamlit run` server on a private copy of the demo database is kept busy by
Chromium reloading the overview again and again, while another process loads new
disbursement files several times. Every load must end cleanly (exit 0/1, no lock
error), no viewer may see an exception or an error box, and afterwards the dashboard
must show the new data without a restart: on a fresh page load, and on the next
interaction of a page that was already open before the loads.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from contextlib import nullcontext
from datetime import date
from decimal import Decimal

import duckdb

from tests.browser_support import (
    ROOT,
    require_chromium,
    settle,
    streamlit_server,
)

AS_OF = date(2019, 9, 13)
LOADS = 4
AMOUNT = Decimal("1000000.00")  # per load, one new current-year payment
DISBURSED_LABEL = "เบิกจ่าย (ล้านบาท)"


def _disbursed(db, as_of: date) -> Decimal:
    """Current-year disbursement of FY2562 projects up to a date, by plain SQL."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        value = con.execute(
            """SELECT coalesce(sum(d.amount), 0) FROM disbursements d JOIN projects p USING (project_code)
               WHERE p.fiscal_year = 2562 AND d.source = 'current' AND d.posting_date <= ?""",
            [as_of],
        ).fetchone()[0]
    finally:
        con.close()
    return Decimal(value)


def _a_project(db) -> str:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute("SELECT min(project_code) FROM projects WHERE fiscal_year = 2562").fetchone()[0]
    finally:
        con.close()


def _shown_disbursed(page) -> str:
    """The overview's disbursed figure (million baht; its first screen is HTML from ui/light.py)."""
    box = page.locator('[data-box="disbursed"]', has_text=DISBURSED_LABEL)
    return box.locator('[data-figure="disbursed"]').inner_text().strip()


def _assert_clean(page) -> None:
    assert page.locator('[data-testid="stException"]').count() == 0, page.locator(
        '[data-testid="stException"]'
    ).first.inner_text()
    errors = page.locator('[data-testid="stAlertContentError"]')
    assert errors.count() == 0, errors.first.inner_text()


def test_load_while_the_dashboard_is_busy(demo_db_copy, chromium, tmp_path):
    require_chromium()
    project = _a_project(demo_db_copy)
    before = _disbursed(demo_db_copy, AS_OF)
    files = []
    for number in range(LOADS):
        path = tmp_path / f"disbursements_extra_{number}.csv"
        path.write_text(
            "เลขที่เอกสาร,รหัสโครงการ,วันที่ผ่านรายการ,จำนวนเงิน,แหล่งเงิน\n"
            f'SWL-{number:04d},{project},13/09/2562,"{AMOUNT:,.2f}",งบประมาณปีปัจจุบัน\n',
            encoding="utf-8-sig",
        )
        files.append(path)

    results: list[subprocess.CompletedProcess] = []

    def run_loads() -> None:
        env = {**os.environ, "BUDGET_DB": str(demo_db_copy)}
        for path in files:
            results.append(
                subprocess.run(
                    [sys.executable, "-m", "etl", "load", str(path)],
                    check=False,
                    cwd=ROOT,
                    env=env,
                    capture_output=True,
                    text=True,
                    timeout=300,
                )
            )
            time.sleep(1.5)  # let the viewers run between loads too

    url = f"/?as_of={AS_OF.isoformat()}"
    with streamlit_server(demo_db_copy, tmp_path / "streamlit.log") as base, nullcontext(chromium) as browser:
        context = browser.shared_context(viewport={"width": 1400, "height": 900})  # the worker's (conftest.py)
        open_before = context.new_page()  # opened before the loads, interacted with after them
        open_before.goto(base + url)
        settle(open_before)
        assert _shown_disbursed(open_before) == f"{float(before) / 1e6:,.2f}"

        busy = context.new_page()
        loader = threading.Thread(target=run_loads)
        loader.start()
        reloads = during_loads = 0
        while loader.is_alive() or reloads < 3:
            during_loads += loader.is_alive()
            busy.goto(base + url)
            settle(busy, quiet_s=0.3)
            busy.wait_for_selector('[data-figure="disbursed"]', timeout=30000)  # the figures were read
            _assert_clean(busy)
            reloads += 1
        loader.join()
        print(f"{reloads} page loads, {during_loads} of them while the ETL was loading")
        assert during_loads >= LOADS

        for result in results:
            assert result.returncode in (0, 1), result.stdout + result.stderr
            assert "lock" not in (result.stdout + result.stderr).lower(), result.stdout + result.stderr
        assert len(results) == LOADS

        after = _disbursed(demo_db_copy, AS_OF)
        assert after == before + LOADS * AMOUNT
        expected = f"{float(after) / 1e6:,.2f}"

        busy.goto(base + url)  # a new visitor sees the new data, no restart
        settle(busy)
        _assert_clean(busy)
        assert _shown_disbursed(busy) == expected

        # The page open since before the loads shows the new data on its next interaction.
        open_before.locator('[data-testid="stSidebar"]').get_by_text("English", exact=True).click()
        settle(open_before)
        _assert_clean(open_before)
        box = open_before.locator('[data-box="disbursed"]', has_text="Disbursed (million baht)")
        assert box.locator('[data-figure="disbursed"]').inner_text().strip() == expected
        context.close()
