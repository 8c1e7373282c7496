"""The central deployment in a real browser: two Streamlit servers sharing one application
store (PostgreSQL, then the embedded SQLite file) and one published DuckDB file, sign-in
through a real OpenID Connect provider (the PyPI package oidc-provider-mock), driven by
Debian's Chromium.

One scenario, one set of servers (they take a while to start):
- a Kalasin province user signs in on server A, sees only Kalasin's lagging projects (the
  count equals a plain-SQL recount), records an answer in the follow-up form;
- the store holds it (plain SQL on the store); the same user forging a save for a Chiang Mai
  project (calling appstore directly, as a crafted request would) is refused and nothing is
  written;
- a ministry viewer signs in on server B and sees the answer in Kalasin's response rate;
- the Kalasin user uploads on A: a file over the size limit is refused; a file with one
  Kalasin and one Chiang Mai payment loads one row and rejects the other (not_your_area);
  the same file again adds nothing; server B's data-quality page counts the new loads.

The whole scenario runs on PostgreSQL. On SQLite it runs every step that reads or writes the
application store (the sign-ins on both servers, the answer saved on A and its row, the forged save
refused with nothing written, the Thai response rate on B, the refused and the loaded upload and their
upload records), and leaves out the two that touch only the DuckDB file and the pages, which are the
same whichever store the servers share: the same file uploaded again (nothing doubled in DuckDB) and server
B's data-quality page (the load published to DuckDB). docs/benchmarks.md "Test suite time, part 12". The response
rate is read in Thai only (in English too on PostgreSQL until part 16: the same store read, the words are
checked without a browser).
"""

from __future__ import annotations

from contextlib import nullcontext
from decimal import Decimal
from pathlib import Path

import pytest

from tests.appstore_support import CHIANG_MAI, KALASIN, project_of, store_rows
from tests.browser_support import figure, open_tab, require_chromium, settle
from tests.etl_fixtures import query
from tests.lagging_sql import sql_lagging
from tests.sign_in_support import sign_in, signed_in_deployment

KALASIN_USER, VIEWER = "somchai@kalasin.go.th", "director@moi.go.th"
UPLOAD_LIMIT_MB = 0.02  # 20 KB: the test's oversized file is about 30 KB


@pytest.fixture(scope="module", params=["postgresql", "sqlite"])
def central(request, demo_db, tmp_path_factory):
    """(server A URL, server B URL, DuckDB path, store URL): both servers on one application
    store, once a PostgreSQL database (the central deployment) and once a SQLite file in WAL
    mode (the embedded default, shared by two servers on one machine)."""
    require_chromium()
    folder = tmp_path_factory.mktemp("central")
    postgres_server = request.getfixturevalue("postgres_server") if request.param == "postgresql" else None
    url = postgres_server.create_database() if postgres_server else f"sqlite:///{folder / 'app.sqlite'}"
    users = {KALASIN_USER: ("province", KALASIN), VIEWER: ("viewer",)}
    env = {"BUDGET_UPLOAD_MAX_MB": str(UPLOAD_LIMIT_MB)}
    try:
        with signed_in_deployment(demo_db, folder, url, users, servers=2, env=env) as deployment:
            yield (*deployment.urls, deployment.database, url)
    finally:
        if postgres_server:
            postgres_server.drop_database(url)


def _metric(page, label: str) -> str:
    card = page.locator('[data-testid="stMetric"]').filter(has_text=label).first
    return card.locator('[data-testid="stMetricValue"]').inner_text().strip()


def _upload(page, base: str, path: Path) -> str:
    """Upload one file on the upload page; returns the outcome's text."""
    page.goto(f"{base}/upload")
    settle(page)
    page.locator('[data-testid="stFileUploader"] input[type=file]').set_input_files(str(path))
    page.locator('[data-testid="stFileUploader"]').get_by_text(path.name).wait_for(timeout=30_000)
    page.get_by_role("button", name="โหลดข้อมูล").click()
    page.get_by_text("ผลการโหลด").wait_for(timeout=120_000)
    settle(page)
    return page.locator('[data-testid="stMain"]').inner_text()


def _payments(db: Path, doc_no: str) -> int:
    return query(db, "SELECT count(*) FROM disbursements WHERE doc_no = ?", [doc_no])[0][0]


def test_central_deployment_sign_in_follow_up_and_upload(central, chromium, tmp_path, screenshots_dir):
    import appstore

    server_a, server_b, database, url = central
    full = url.startswith("postgresql")  # the whole scenario; on SQLite the store's steps (module docstring)
    expected = sql_lagging(database, KALASIN)  # Kalasin's own plan, 30 Sep 2019 (the page's default date)
    with nullcontext(chromium) as browser:  # the worker's Chromium (tests/conftest.py), a context per user
        # ---- a Kalasin user on server A: only Kalasin's projects, records an answer
        kalasin, page = sign_in(browser, server_a, KALASIN_USER)
        assert "ผู้ใช้ระดับจังหวัด (46)" in page.locator(".st-key-account_box").inner_text()
        page.goto(f"{server_a}/lagging")
        settle(page)
        assert page.get_by_role("switch", name="เฉพาะโครงการในพื้นที่ของฉัน").is_checked()
        assert figure(page, "flagged") == f"{len(expected):,}"
        open_tab(page, "ทุกโครงการ")
        grid = page.locator(".st-key-lagging_grid [data-testid='stDataFrame'], [data-testid='stDataFrame']").first
        grid.locator('[role="columnheader"]').first.wait_for(state="attached", timeout=15_000)
        rows = grid.locator("tbody tr")
        shown = {rows.nth(i).locator('[aria-colindex="1"]').inner_text() for i in range(rows.count())}
        assert shown and shown <= set(expected)  # every visible row is Kalasin's
        code = rows.first.locator('[aria-colindex="1"]').inner_text()
        grid.scroll_into_view_if_needed()
        box = grid.bounding_box()
        page.mouse.click(box["x"] + 14, box["y"] + 35 + 17)  # the first row's selection box
        panel = page.locator(f".st-key-followup_panel_{code}")
        panel.wait_for(timeout=30_000)
        panel.scroll_into_view_if_needed()
        panel.locator('[data-testid="stSelectbox"]').click()
        page.get_by_role("option", name="ปัญหาพื้นที่หรือการขออนุญาต").click()
        panel.get_by_label("การดำเนินการ").fill("ประสานกรมป่าไม้")
        panel.get_by_label("หมายเหตุ").fill("บันทึกผ่านเซิร์ฟเวอร์ A")
        panel.get_by_role("button", name="บันทึกคำชี้แจง").click()
        page.get_by_text("บันทึกคำชี้แจงแล้ว (ครั้งที่ 1)").wait_for(timeout=60_000)
        settle(page)
        page.locator(f".st-key-followup_panel_{code}").scroll_into_view_if_needed()
        page.screenshot(path=str(screenshots_dir / "central_followup_saved_th.png"))
        assert store_rows(
            url,
            "SELECT cause_code, action_taken, note, updated_by, version FROM followup_responses "
            "WHERE project_code = :c",
            {"c": code},
        ) == [("land_permit", "ประสานกรมป่าไม้", "บันทึกผ่านเซิร์ฟเวอร์ A", KALASIN_USER, 1)]

        # ---- a forged save for a Chiang Mai project is refused on the server
        chiang_mai_project = project_of(database, CHIANG_MAI)
        who = appstore.principal_for_email(KALASIN_USER, url=url)
        with pytest.raises(appstore.AccessDenied):
            appstore.save_response(who, chiang_mai_project, cause_code="other", note="forged", url=url)
        assert store_rows(
            url, "SELECT count(*) FROM followup_responses WHERE project_code = :c", {"c": chiang_mai_project}
        ) == [(0,)]

        # ---- the ministry on server B sees the answer in Kalasin's response rate
        ministry, page_b = sign_in(browser, server_b, VIEWER)
        page_b.goto(f"{server_b}/lagging?province={KALASIN}")
        settle(page_b)
        flagged = int(figure(page_b, "flagged").replace(",", ""))
        open_tab(page_b, "การชี้แจงของจังหวัด")
        assert _metric(page_b, "ชี้แจงแล้ว / โครงการล่าช้า") == f"1 / {flagged:,}"
        assert _metric(page_b, "อัตราการชี้แจง") == f"{100 / flagged:.2f}%"
        assert not page_b.get_by_role("button", name="บันทึกคำชี้แจง").count()
        page_b.get_by_text("การชี้แจงของจังหวัด").last.scroll_into_view_if_needed()  # the heading, after the tab
        page_b.screenshot(path=str(screenshots_dir / "central_response_rate_th.png"))
        # (the same rate in English was a load of its own on PostgreSQL until part 16 of docs/benchmarks.md "Test
        # suite time": the figure does not depend on the language, the words are checked without a browser)

        # ---- uploads on server A: size limit, area check, nothing doubled
        header = "เลขที่เอกสาร,รหัสโครงการ,วันที่ผ่านรายการ,จำนวนเงิน,แหล่งเงิน\n"
        big = tmp_path / "big.csv"
        big.write_text(
            header + "".join(f"99{i:08d},{code},30/09/2562,1.00,งบประมาณปีปัจจุบัน\n" for i in range(700)), encoding="utf-8"
        )
        assert big.stat().st_size > UPLOAD_LIMIT_MB * 1e6
        loads_before = query(database, "SELECT count(*) FROM loads")[0][0]
        text = _upload(page, server_a, big)
        assert "เกินกำหนด" in text and "big.csv" in text
        assert query(database, "SELECT count(*) FROM loads")[0][0] == loads_before  # nothing loaded

        two = tmp_path / "two_rows.csv"
        two.write_text(
            header + f'9100000001,{code},30/09/2562,"12,345.67",งบประมาณปีปัจจุบัน\n'
            f"9100000002,{chiang_mai_project},30/09/2562,500.00,งบประมาณปีปัจจุบัน\n",
            encoding="utf-8",
        )
        text = _upload(page, server_a, two)
        assert "โหลดแล้ว 1 แถว · ถูกปฏิเสธ 1 แถว" in text
        grid = page.locator('[data-testid="stDataFrame"]').filter(
            has=page.locator('[role="columnheader"]', has_text="เหตุผล")
        )
        rejects = grid.locator("tbody tr")  # the grid's accessibility table
        rejects.first.wait_for(state="attached", timeout=15_000)
        assert rejects.count() == 1
        assert rejects.first.locator('[aria-colindex="6"]').inner_text() == (
            "แถวนี้เป็นของจังหวัดหรือกลุ่มจังหวัดนอกพื้นที่ของผู้อัปโหลด"
        )
        page.screenshot(path=str(screenshots_dir / "central_upload_th.png"))
        assert query(database, "SELECT project_code, amount FROM disbursements WHERE doc_no = '9100000001'") == [
            (code, Decimal("12345.67"))
        ]
        assert _payments(database, "9100000002") == 0
        [(load_id,)] = query(database, "SELECT max(load_id) FROM loads")
        assert query(database, "SELECT reason_code, column_name FROM rejects WHERE load_id = ?", [load_id]) == [
            ("not_your_area", "รหัสโครงการ")
        ]  # the header as written in the file
        uploads = store_rows(url, "SELECT file_name, status, uploaded_by FROM uploads ORDER BY id")
        assert [row[:2] for row in uploads] == [("big.csv", "refused"), (two.name, "loaded_with_rejects")]
        assert {row[2] for row in uploads} == {KALASIN_USER}

        if full:
            text = _upload(page, server_a, two)  # the same file again: nothing doubled
            assert _payments(database, "9100000001") == 1
        kalasin.close()

        # ---- server B reads the load published through A
        if full:
            page_b.goto(f"{server_b}/data_quality")
            settle(page_b)
            loads_now = query(database, "SELECT count(*) FROM loads")[0][0]
            assert loads_now == loads_before + 2  # the two uploads of two_rows.csv
            assert figure(page_b, "loads") == f"{loads_now:,}"
        ministry.close()
