"""The follow-up form and the application store's outages in a real browser: one Streamlit server
with sign-in (the OpenID Connect provider oidc-provider-mock), a PostgreSQL store of this module's
own that a test stops and starts, the demo DuckDB file, Debian's Chromium. Thai and English.

- Dates and notes (issue 15, item 4): a date typed in the Buddhist era is read and echoed in both
  calendars, an impossible one refused before Save; a note pasted over the limit stays whole, its
  count says by how much while typing, and Save refuses it and stores nothing; the language switch
  keeps the selected project and everything typed (item 7); Save says "saved" only when something
  changed, "nothing changed" otherwise; the store holds exactly what was typed (plain SQL).
- A user removed while the form is open: Save is refused on the server with the reason; the typed
  text stays, read-only to copy, after the next click; nothing is stored.
- The store stopped (item 9): the overview draws the same figures as before, the lagging list
  the same count as a plain-SQL recount, with its answers "unknown now"; the sidebar says the
  role cannot be checked and shows a viewer; the upload page says uploads wait; Save says the
  answer cannot be saved now and keeps it; no host, port or driver word anywhere on screen (they
  are in the server's log); the weekly page's Excel file still arrives, its follow-up column "unknown
  now", and the page says so before the click. The store started again: the same Save stores the answer.
"""

from __future__ import annotations

import io
from pathlib import Path
from types import SimpleNamespace

import pytest

from tests.appstore_support import KALASIN, store_rows
from tests.browser_support import (
    assert_no_exception,
    figure,
    open_tab,
    require_chromium,
    settle,
)
from tests.lagging_sql import sql_lagging
from tests.sign_in_support import sign_in, signed_in_deployment

KALASIN_USER, LEAVING_USER = "somchai@kalasin.go.th", "somying@kalasin.go.th"
DRIVER_WORDS = (
    "127.0.0.1",
    "psycopg",
    "OperationalError",
    "postgresql",
    "Traceback",
    "connection to server",
    "sqlalche",
)
NOTE_MAX = 2000


@pytest.fixture(scope="module")
def forms(demo_db, tmp_path_factory):
    """The server (base URL), its store (URL and PostgreSQL server) and its DuckDB copy."""
    from tests.pg_support import start_postgres

    require_chromium()
    folder = tmp_path_factory.mktemp("forms")
    postgres = start_postgres()  # this module's own: stopping it must not disturb other tests
    try:
        url = postgres.create_database()
        users = {email: ("province", KALASIN) for email in (KALASIN_USER, LEAVING_USER)}
        with signed_in_deployment(demo_db, folder, url, users) as deployment:
            yield SimpleNamespace(
                base=deployment.urls[0],
                url=url,
                postgres=postgres,
                database=deployment.database,
                log=deployment.logs[0],
            )
    finally:
        postgres.stop()


@pytest.fixture(scope="module")
def browser(forms, chromium):
    return chromium  # the worker's Chromium (tests/conftest.py); the tests make contexts of their own


def _language(page, name: str) -> None:
    """Click the sidebar's language radio ('ไทย' or 'English')."""
    page.locator('[data-testid="stSidebar"]').get_by_text(name, exact=True).click()
    settle(page)


def _grid_codes(page) -> list[str]:
    grid = page.locator("[data-testid='stDataFrame']").first
    grid.locator('[role="columnheader"]').first.wait_for(state="attached", timeout=30_000)
    rows = grid.locator("tbody tr")
    return [rows.nth(i).locator('[aria-colindex="1"]').inner_text() for i in range(min(rows.count(), 3))]


def _select_row(page, position: int):
    """Click the selection box of the grid's row at `position`; returns that project's panel."""
    code = _grid_codes(page)[position]
    grid = page.locator("[data-testid='stDataFrame']").first
    grid.scroll_into_view_if_needed()
    box = grid.bounding_box()
    page.mouse.click(box["x"] + 14, box["y"] + 35 + 35 * position + 17)
    panel = page.locator(f".st-key-followup_panel_{code}")
    panel.wait_for(timeout=60_000)
    settle(page)
    return code, panel


def _lagging_all(page, base: str, tab: str = "ทุกโครงการ") -> None:
    page.goto(f"{base}/lagging")
    settle(page)
    open_tab(page, tab)


def _date_box(panel, label: str):
    return panel.get_by_role("textbox", name=label)


def _type_date(page, panel, label: str, text: str) -> None:
    box = _date_box(panel, label)
    box.fill(text)
    box.press("Tab")  # leaving the box sends it: the form reruns and says what it read
    settle(page)


def _count(panel, code: str) -> str:
    return panel.locator(f'[data-count-for="followup_note_{code}"]').inner_text().strip()


def _choose(page, select_box, choice: str) -> None:
    """Pick `choice` in a select box (opened again if a rerun closed it under the click)."""
    for _ in range(3):
        select_box.click()
        page.keyboard.type(choice)  # filters a long list down to the choice
        option = page.get_by_role("option", name=choice)
        try:
            option.wait_for(timeout=10_000)
        except Exception:  # noqa: BLE001 - the list closed as the form redrew: open it again
            page.keyboard.press("Escape")
            settle(page)
            continue
        option.click()
        settle(page)
        return
    raise AssertionError(f"{choice!r} could not be chosen")


def _save(page, panel, label: str) -> None:
    panel.get_by_role("button", name=label).click()
    settle(page)


def _history(url: str, code: str) -> list[tuple]:
    return [
        (version, cause, None if day is None else str(day)[:10], note)
        for version, cause, day, note in store_rows(
            url,
            "SELECT version, cause_code, expected_payment_date, note FROM followup_response_history "
            "WHERE project_code = :c ORDER BY version",
            {"c": code},
        )
    ]


def _no_driver_words(page, port: int) -> None:
    assert_no_exception(page)
    text = page.locator("body").inner_text()
    for word in (*DRIVER_WORDS, str(port)):
        assert word not in text, f"{word!r} on screen at {page.url}"


def test_dates_notes_language_and_honest_saves(forms, browser, screenshots_dir):
    context, page = sign_in(browser, forms.base, KALASIN_USER)
    _lagging_all(page, forms.base)
    code, panel = _select_row(page, 0)
    assert _history(forms.url, code) == []

    # ---- Thai: dates read or refused before Save
    _type_date(page, panel, "คาดว่าจะเบิกจ่ายได้วันที่", "31/02/2562")
    assert "ไม่มีวันที่ '31/02/2562' ในปฏิทิน" in panel.inner_text()
    _type_date(page, panel, "คาดว่าจะเบิกจ่ายได้วันที่", "15/10/2562")
    text = panel.inner_text()
    assert "✓ อ่านได้เป็น วันอังคารที่ 15 ตุลาคม พ.ศ. 2562 (ค.ศ. 2019)" in text and "ไม่มีวันที่" not in text

    # ---- a note pasted over the limit: whole in the box, counted while typing, refused by Save
    long_note = "รอผลการพิจารณาของกรมป่าไม้ " * 80  # 2,160 characters, 2,159 once trimmed
    length = len(long_note.strip())
    assert length > NOTE_MAX
    note = panel.get_by_role("textbox", name="หมายเหตุ")
    note.fill(long_note)  # still in the box: only the page's script has seen it
    assert _count(panel, code) == (f"{length:,} / 2,000 ตัวอักษร — เกิน {length - NOTE_MAX:,} ตัวอักษร ต้องตัดให้สั้นลงก่อนบันทึก")
    _save(page, panel, "บันทึกคำชี้แจง")
    text = panel.inner_text()
    assert "ยังไม่ได้บันทึก:" in text and "ยังไม่ได้เลือกสาเหตุ" in text
    assert f"หมายเหตุ ยาว {length:,} ตัวอักษร เกินกำหนด 2,000 ตัวอักษร (เกิน {length - NOTE_MAX:,})" in text
    assert "บันทึกคำชี้แจงแล้ว" not in text
    assert panel.get_by_role("textbox", name="หมายเหตุ").input_value() == long_note  # not cut
    assert _history(forms.url, code) == []
    panel.scroll_into_view_if_needed()
    page.screenshot(path=str(screenshots_dir / "forms_refused_th.png"))

    # ---- the language changes: the same project, everything typed, read again in English
    _language(page, "English")
    assert "lang=en" in page.url
    panel = page.locator(f".st-key-followup_panel_{code}")
    panel.wait_for(timeout=60_000)
    assert panel.get_by_role("textbox", name="Note").input_value() == long_note
    assert _date_box(panel, "Expected payment date").input_value() == "15/10/2562"
    assert "✓ Read as Tuesday 15 October 2019 (BE 2562)" in panel.inner_text()
    assert (
        _count(panel, code) == f"{length:,} / 2,000 characters — {length - NOTE_MAX:,} too many; shorten it "
        "before saving"
    )

    # ---- English: fixed, saved exactly as typed; the same again is "nothing changed"
    _choose(page, panel.locator('[data-testid="stSelectbox"]').first, "Land or permit")
    short_note = long_note[:1990]
    panel.get_by_role("textbox", name="Note").fill(short_note)
    _type_date(page, panel, "Expected payment date", "๑๕ ต.ค. ๖๒")  # Thai digits and month, 2-digit BE year
    assert "✓ Read as Tuesday 15 October 2019 (BE 2562)" in panel.inner_text()
    _save(page, panel, "Save the follow-up")
    page.get_by_text("Follow-up saved (version 1)").wait_for(timeout=60_000)
    assert _history(forms.url, code) == [(1, "land_permit", "2019-10-15", short_note.strip())]
    panel = page.locator(f".st-key-followup_panel_{code}")
    _save(page, panel, "Save the follow-up")
    page.get_by_text("Nothing changed: the same answer was confirmed again (version 2)").wait_for(timeout=60_000)
    assert "Follow-up saved" not in panel.inner_text()
    page.locator(f".st-key-followup_panel_{code}").scroll_into_view_if_needed()
    page.screenshot(path=str(screenshots_dir / "forms_nothing_changed_en.png"))

    _language(page, "ไทย")
    panel = page.locator(f".st-key-followup_panel_{code}")
    _save(page, panel, "บันทึกคำชี้แจง")
    page.get_by_text("ไม่มีอะไรเปลี่ยนแปลง: ยืนยันคำชี้แจงเดิมอีกครั้ง (ครั้งที่ 3)").wait_for(timeout=60_000)
    assert "บันทึกคำชี้แจงแล้ว" not in page.locator(f".st-key-followup_panel_{code}").inner_text()
    assert [row[0] for row in _history(forms.url, code)] == [1, 2, 3]
    context.close()


def test_a_user_removed_while_the_form_is_open_keeps_what_they_typed(forms, browser):
    import appstore

    context, page = sign_in(browser, forms.base, LEAVING_USER)
    _lagging_all(page, forms.base)
    code, panel = _select_row(page, 1)
    typed = "พิมพ์ไว้ก่อนบัญชีถูกลบ"
    _choose(page, panel.locator('[data-testid="stSelectbox"]').first, "ปัญหาพื้นที่หรือการขออนุญาต")
    panel.get_by_role("textbox", name="การดำเนินการ").fill(typed)
    appstore.remove_user(appstore.cli_principal(), LEAVING_USER, url=forms.url)  # `etl users remove` meanwhile
    _save(page, panel, "บันทึกคำชี้แจง")  # the form reruns alone: the server refuses the save
    text = panel.inner_text()
    assert "ยังไม่ได้บันทึก:" in text and "ผู้ดูบันทึกข้อมูลไม่ได้" in text
    assert panel.get_by_role("textbox", name="การดำเนินการ").input_value() == typed
    assert _history(forms.url, code) == []

    _language(page, "English")  # the next run reads the role again: a viewer; the text stays, to copy
    panel = page.locator(f".st-key-followup_panel_{code}")
    panel.wait_for(timeout=60_000)
    text = panel.inner_text()
    assert "Not saved: your account may no longer record this project's follow-up." in text
    assert typed in panel.locator('[data-testid="stCode"]').first.inner_text()
    assert not panel.get_by_role("button", name="Save the follow-up").count()
    assert "viewer (read only)" in page.locator(".st-key-account_box").inner_text()
    assert _history(forms.url, code) == []
    context.close()


def test_the_store_stopped_and_started_again(forms, browser, screenshots_dir):
    port = forms.postgres.port
    context, page = sign_in(browser, forms.base, KALASIN_USER)
    page.goto(f"{forms.base}/overview")
    settle(page)
    overview_before = {name: figure(page, name) for name in ("pct", "week_points", "projected_pct")}
    expected_flagged = len(sql_lagging(forms.database, KALASIN))  # Kalasin's own, 30 Sep 2019
    _lagging_all(page, forms.base)
    code, panel = _select_row(page, 2)
    _choose(page, panel.locator('[data-testid="stSelectbox"]').first, "การจัดซื้อจัดจ้างล่าช้า")
    panel.get_by_role("textbox", name="หมายเหตุ").fill("พิมพ์ไว้ก่อนระบบล่ม")

    forms.postgres.halt()
    try:
        # ---- Save: not saved, said so, the text kept
        _save(page, panel, "บันทึกคำชี้แจง")
        assert "ยังไม่ได้บันทึก: ระบบจัดเก็บคำชี้แจงไม่ตอบสนองในขณะนี้" in panel.inner_text()
        assert panel.get_by_role("textbox", name="หมายเหตุ").input_value() == "พิมพ์ไว้ก่อนระบบล่ม"
        _no_driver_words(page, port)

        # ---- the DuckDB pages: the same figures; the sidebar says why the user reads as a viewer
        page.locator('[data-testid="stPageLink"] a', has_text="ภาพรวม").first.click()
        settle(page)
        assert {name: figure(page, name) for name in overview_before} == overview_before
        sidebar = page.locator('[data-testid="stSidebar"]').inner_text()
        assert "ตรวจสอบสิทธิ์ของบัญชีไม่ได้ในขณะนี้" in sidebar and "ผู้ดู (อ่านอย่างเดียว)" in sidebar
        _no_driver_words(page, port)
        page.screenshot(path=str(screenshots_dir / "outage_overview_th.png"))

        page.locator('[data-testid="stPageLink"] a', has_text="อัปโหลดข้อมูล").first.click()
        settle(page)
        assert "ตรวจสอบสิทธิ์อัปโหลดของบัญชีไม่ได้ในขณะนี้" in page.locator('[data-testid="stMain"]').inner_text()
        assert not page.locator('[data-testid="stFileUploader"]').count()
        _no_driver_words(page, port)
        _language(page, "English")
        assert "Your right to upload cannot be checked now" in page.locator('[data-testid="stMain"]').inner_text()
        assert (
            "Your sign-in details (role and areas) cannot be checked now"
            in page.locator('[data-testid="stSidebar"]').inner_text()
        )
        _no_driver_words(page, port)

        # ---- the lagging page: the same list, answers unknown; the form keeps the draft
        page.locator('[data-testid="stPageLink"] a', has_text="Lagging projects").first.click()
        settle(page)
        page.get_by_role("combobox", name="Province").wait_for(timeout=30_000)
        panel = page.locator(f".st-key-followup_panel_{code}")  # the tab and the project were kept
        panel.wait_for(timeout=60_000)
        assert "The follow-up answers cannot be shown or saved now" in panel.inner_text()
        assert panel.get_by_role("textbox", name="Note").input_value() == "พิมพ์ไว้ก่อนระบบล่ม"
        _save(page, panel, "Save the follow-up")
        assert "Not saved: the application store is not answering now." in panel.inner_text()
        _no_driver_words(page, port)
        panel.scroll_into_view_if_needed()
        page.screenshot(path=str(screenshots_dir / "outage_followup_en.png"))
        _choose(
            page,
            page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').filter(has_text="Province"),
            "Kalasin",
        )
        assert figure(page, "flagged") == f"{expected_flagged:,}"  # DuckDB only: a plain-SQL recount
        assert _grid_has_text(page, "Unknown now")  # the grid's follow-up column
        # ---- the weekly page's files: built all the same, the answers "unknown now"; the page says so first
        page.locator('[data-testid="stPageLink"] a', has_text="Weekly snapshots").first.click()
        settle(page)
        main = page.locator('[data-testid="stMain"]')
        assert "The follow-up answers cannot be read now (the application store is not answering)" in main.inner_text()
        with page.expect_download(timeout=180_000) as download:
            main.get_by_role("button", name="Excel workbook").click()
        assert download.value.suggested_filename == "budget-2562-asof-2019-09-30-province-46.xlsx"
        workbook = download.value.path()
        rows = _workbook_rows(workbook, "การชี้แจง")
        assert len(rows) == expected_flagged and {row["สถานะการชี้แจง"] for row in rows} == {"ไม่ทราบในขณะนี้ — unknown now"}
        assert "ไม่ทราบในขณะนี้: ระบบจัดเก็บคำชี้แจงไม่ตอบสนองขณะสร้างไฟล์นี้" in str(_workbook_rows(workbook, "เกี่ยวกับ"))
        _no_driver_words(page, port)
        # the details went to the server's log instead: what failed, and where
        log = forms.log.read_text(encoding="utf-8", errors="replace")
        assert "application store unavailable:" in log and f"port {port}" in log
        assert f"follow-up of {code} not saved, store unavailable:" in log
    finally:
        forms.postgres.resume()

    # ---- the store back: the same Save stores what was typed, the role is read again
    page.locator('[data-testid="stPageLink"] a', has_text="Lagging projects").first.click()  # from the weekly page
    settle(page)
    panel = page.locator(f".st-key-followup_panel_{code}")
    panel.wait_for(timeout=60_000)
    _save(page, panel, "Save the follow-up")
    page.get_by_text("Follow-up saved (version 1)").wait_for(timeout=60_000)
    assert _history(forms.url, code) == [(1, "procurement_delayed", None, "พิมพ์ไว้ก่อนระบบล่ม")]
    assert "province user (46)" in page.locator(".st-key-account_box").inner_text()
    assert "cannot be checked now" not in page.locator('[data-testid="stSidebar"]').inner_text()
    context.close()


def _workbook_rows(path, sheet_name: str) -> list[dict]:
    import openpyxl

    sheet = openpyxl.load_workbook(io.BytesIO(Path(path).read_bytes()))[sheet_name]  # a download has no suffix
    header = int(sheet.print_title_rows.replace("$", "").split(":")[0])
    names = [cell.value for cell in sheet[header]]
    return [dict(zip(names, row, strict=True)) for row in sheet.iter_rows(min_row=header + 1, values_only=True)]


def _grid_has_text(page, text: str) -> bool:
    grid = page.locator("[data-testid='stDataFrame']").first
    return grid.locator("tbody td", has_text=text).count() > 0
