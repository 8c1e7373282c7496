"""The upload page in a real browser (issue 15, item 10): one size limit, in the page's language;
the picker's words ours, not Streamlit's English; every refusal with its whole reason.

One `streamlit run` server on a copy of the demo database (uploads write to it) with a small
upload limit (BUDGET_UPLOAD_MAX_MB=0.05, so the oversized file is small), local mode (every area
allowed), one Debian Chromium. In Thai at 1400x900: the picker shows no "Upload", no "200MB per
file", but "เลือกไฟล์" and our own limit; three files at once — an Excel workbook named .csv, a
file over the limit, a good CSV with one payment — give an error box per refused file with the
whole reason (the ETL's own "it looks like an Excel workbook" sentence for the first), and the
summary counts only the good file's row, which the database holds (plain SQL). In English at
390x844: the same words in English, and a refused file alone gives its error box (inside the
screen) and no "0 rows loaded · 0 rows rejected" summary.

Screenshots: artifacts/screenshots/upload_page_<lang>_<width>.png.
"""

from __future__ import annotations

import shutil
from decimal import Decimal

import pytest
import xlsxwriter

from etl.readers import _looks_like
from tests.browser_support import (
    assert_no_exception,
    full_page_screenshot,
    require_chromium,
    settle,
    streamlit_server,
)
from tests.etl_fixtures import query

LIMIT_MB = 0.05
EXCEL_SENTENCE = _looks_like(b"PK\x03\x04").removeprefix("; ")  # the ETL's words for a workbook named .csv
HEADER = "เลขที่เอกสาร,รหัสโครงการ,วันที่ผ่านรายการ,จำนวนเงิน,แหล่งเงิน\n"
PICKER = '[data-testid="stFileUploader"]'


@pytest.fixture(scope="module")
def app(demo_db, chromium, tmp_path_factory):
    require_chromium()
    folder = tmp_path_factory.mktemp("upload_server")
    database = folder / "budget.duckdb"
    shutil.copyfile(demo_db, database)
    env = {"BUDGET_UPLOAD_MAX_MB": str(LIMIT_MB), "BUDGET_APP_DB": f"sqlite:///{folder / 'app.sqlite'}"}
    with streamlit_server(database, folder / "streamlit.log", env=env) as url:
        yield url, chromium, database  # the worker's Chromium (tests/conftest.py)


@pytest.fixture(scope="module")
def files(app, tmp_path_factory):
    """(Excel workbook named .csv, a CSV over the limit, a CSV with one new payment, its doc no)."""
    _, _, database = app
    folder = tmp_path_factory.mktemp("upload_files")
    [(project,)] = query(database, "SELECT min(project_code) FROM projects WHERE fiscal_year = 2562")
    excel = folder / "payments_from_excel.csv"
    book = xlsxwriter.Workbook(str(excel))
    sheet = book.add_worksheet()
    for row, values in enumerate([HEADER.strip().split(","), ["9200000001", project, "30/09/2562", 10, "ปีปัจจุบัน"]]):
        sheet.write_row(row, 0, values)
    book.close()
    big = folder / "too_big.csv"
    big.write_text(
        HEADER + "".join(f"93{i:08d},{project},30/09/2562,1.00,งบประมาณปีปัจจุบัน\n" for i in range(1500)), encoding="utf-8"
    )
    assert big.stat().st_size > LIMIT_MB * 1e6
    good = folder / "one_payment.csv"
    good.write_text(HEADER + f'9400000001,{project},30/09/2562,"1,234.50",งบประมาณปีปัจจุบัน\n', encoding="utf-8")
    return excel, big, good, project


def _pseudo(page, selector: str, which: str = "::after") -> str:
    """The generated text of an element's ::before / ::after (CSS content, quotes removed)."""
    content = page.locator(selector).first.evaluate(f"el => getComputedStyle(el, '{which}').content")
    return content.strip('"')


def _picker_words(page, lang: str) -> None:
    """The picker shows our words: no English of Streamlit's, our button word and our one limit."""
    picker = page.locator(PICKER)
    picker.wait_for(timeout=30000)
    shown = picker.inner_text()
    for english in ("Upload", "200MB", "per file", "Drag and drop"):
        assert english not in shown or (lang == "en" and english == "per file"), (english, shown)
    zone = f'{PICKER} [data-testid="stFileUploaderDropzone"]'
    assert _pseudo(page, f"{zone} button [data-has-shortcut]") == ("เลือกไฟล์" if lang == "th" else "Choose files")
    hint = _pseudo(page, f'{zone} [data-testid="stFileUploaderDropzoneInstructions"] div')
    assert f"{LIMIT_MB:g} MB" in hint and "200" not in hint, hint
    page_text = page.locator('[data-testid="stMain"]').inner_text()
    assert f"{LIMIT_MB:g} MB" in page_text and "200MB" not in page_text  # the one limit, in the caption too


def _upload(page, paths, lang: str) -> None:
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files([str(path) for path in paths])
    for path in paths:
        page.locator(PICKER).get_by_text(path.name[-7:]).first.wait_for(timeout=30000)  # long names are cut
    page.get_by_role("button", name="โหลดข้อมูล" if lang == "th" else "Load the files").click()
    page.get_by_text("ผลการโหลด" if lang == "th" else "What was loaded").wait_for(timeout=120000)
    settle(page)
    assert_no_exception(page)


def test_thai_picker_and_each_refusal_in_full(app, files, screenshots_dir):
    url, browser, database = app
    excel, big, good, project = files
    context = browser.shared_context(viewport={"width": 1400, "height": 900})  # the worker's (tests/conftest.py)
    page = context.new_page()
    try:
        page.goto(f"{url}/upload")
        settle(page)
        _picker_words(page, "th")
        _upload(page, [excel, big, good], "th")
        alerts = page.locator('[data-testid="stAlert"]')
        texts = [alerts.nth(i).inner_text() for i in range(alerts.count())]
        excel_box = [text for text in texts if excel.name in text]
        assert len(excel_box) == 1 and EXCEL_SENTENCE in excel_box[0], texts  # the whole reason, not cut
        big_box = [text for text in texts if big.name in text]
        assert len(big_box) == 1 and "เกินกำหนด" in big_box[0] and f"{LIMIT_MB:g} MB" in big_box[0], texts
        main = page.locator('[data-testid="stMain"]').inner_text()
        assert "โหลดแล้ว 1 แถว · ถูกปฏิเสธ 0 แถว" in main  # the good file's row only
        grid = page.locator('[data-testid="stDataFrame"]').filter(
            has=page.locator('[role="columnheader"]', has_text="แถวที่อ่าน")
        )  # the outcome table
        results = grid.locator('[role="gridcell"]')
        results.first.wait_for(state="attached", timeout=30000)
        cells = {results.nth(i).inner_text() for i in range(results.count())}
        assert good.name in cells and excel.name not in cells and big.name not in cells, cells
        full_page_screenshot(page, screenshots_dir / "upload_page_th_1400.png")
    finally:
        context.close()
    assert query(database, "SELECT project_code, amount FROM disbursements WHERE doc_no = '9400000001'") == [
        (project, Decimal("1234.50"))
    ]
    assert query(database, "SELECT count(*) FROM disbursements WHERE doc_no IN ('9200000001', '9300000000')") == [(0,)]
    assert set(query(database, "SELECT status FROM loads WHERE file_name = ?", [excel.name])) == {("refused",)}


def test_english_phone_refusal_alone_has_no_empty_summary(app, files, screenshots_dir):
    url, browser, _ = app
    excel = files[0]
    context = browser.shared_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = context.new_page()
    try:
        page.goto(f"{url}/upload?lang=en")
        settle(page)
        _picker_words(page, "en")
        _upload(page, [excel], "en")
        box = page.locator('[data-testid="stAlert"]').filter(has_text=excel.name)
        assert box.count() == 1
        assert EXCEL_SENTENCE in box.inner_text() and "was not loaded" in box.inner_text()
        frame = box.bounding_box()
        assert frame["x"] >= 0 and frame["x"] + frame["width"] <= 390.5, frame
        main = page.locator('[data-testid="stMain"]').inner_text()
        assert "0 rows loaded" not in main and "rows rejected" not in main
        full_page_screenshot(page, screenshots_dir / "upload_page_en_390.png")
    finally:
        context.close()
