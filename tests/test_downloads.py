"""Dashboard downloads fit to send: the lagging table as Excel and CSV, opened back.

For Kalasin (province 46) and for the whole country, in Thai and in English: the file is
named for its scope and date, starts with title rows (what, where, as of when in BE, the
rules in force with the thresholds of data/reference/thresholds.toml), has Thai headers in
Thai, money rounded to satang, percentages to 2 decimals, columns sized to their content,
and prints on A4 landscape one page wide with the header repeated. The rows and figures
equal a recount of the lagging rules in plain SQL over the demo database. A browser test
clicks the lagging page's Excel button for Kalasin and opens what Chromium saved.
"""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import duckdb
import openpyxl
import pytest

from budget_metrics import Filters, data_version
from budget_metrics.lagging import lagging_projects
from tests.download_sheets import header_row, sheet_rows
from tests.lagging_sql import AS_OF, LIMIT, sql_lagging

THAI_HEADERS = [
    "รหัสโครงการ",
    "ชื่อโครงการ",
    "เจ้าของแผน",
    "หน่วยดำเนินการ",
    "ประเภทงบ",
    "งบประมาณ (บาท)",
    "เบิกจ่าย (บาท)",
    "ร้อยละเบิกจ่าย (%)",
    "เป้าหมายของประเภทงบ (%)",
    "เงินที่เสี่ยง (บาท)",
    "ข้อสังเกต",
    "เหตุผล",
    "การเบิกจ่ายครั้งล่าสุด",
]
ENGLISH_HEADERS = [
    "Project code",
    "Project",
    "Plan owner",
    "Implementing agency",
    "Budget type",
    "Allocation (baht)",
    "Disbursed (baht)",
    "% disbursed (%)",
    "Target for its budget type (%)",
    "Money at risk (baht)",
    "Flags",
    "Why",
    "Last payment",
]
# the lagging page adds each project's latest follow-up answer after these (ui/followup.py)
FOLLOWUP_HEADERS = {
    "th": [
        "สถานะการชี้แจง",
        "สาเหตุที่ชี้แจง",
        "การดำเนินการ",
        "คาดว่าจะเบิกจ่ายได้วันที่",
        "คาดว่าจะเบิกจ่ายได้ (บาท)",
        "หมายเหตุการชี้แจง",
        "ชี้แจงวันที่",
        "เวลา (ไทย)",
        "ชี้แจงโดย",
    ],
    "en": [
        "Follow-up status",
        "Cause given",
        "Action taken",
        "Expected payment date",
        "Expected payment (baht)",
        "Follow-up note",
        "Answered on",
        "Time (Bangkok)",
        "Answered by",
    ],
}
MONEY_COLUMNS = (5, 6, 9)  # 0-based positions of allocation, disbursed, money at risk
PCT_COLUMNS = (7, 8)

MONTHS = ["ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.", "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค."]


def _be(day: date) -> str:
    return f"{day.day} {MONTHS[day.month - 1]} {day.year + 543}"


def _last_payment(db: Path) -> date:
    """The year's last payment, carry-overs included: the carry-over page's default date."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(
            "SELECT max(posting_date) FROM disbursements d JOIN projects p USING (project_code) "
            "WHERE p.fiscal_year = 2562"
        ).fetchone()[0]
    finally:
        con.close()


def _files(province: str | None, lang: str):
    """The lagging download as the page builds it: (TableFile, xlsx bytes, csv bytes)."""
    from ui.context import PageContext
    from ui.downloads import LAGGING_DOWNLOAD_COLUMNS, csv_bytes, excel_bytes, prepared_download

    filters = Filters(province=province)
    ctx = PageContext(filters, lang, data_version(), AS_OF)
    table = lagging_projects(filters.with_as_of(AS_OF))
    about, frame, kinds = prepared_download(table, "lagging", ctx, LAGGING_DOWNLOAD_COLUMNS)
    return about, excel_bytes(frame, about=about, kinds=kinds), csv_bytes(frame, about, kinds)


def _widths(sheet, count: int) -> list[float]:
    """Each column's width; a <col> element may cover several columns with one width."""
    found = {}
    for dimension in sheet.column_dimensions.values():
        if dimension.customWidth:
            for index in range(dimension.min, dimension.max + 1):
                found[index] = dimension.width
    assert sorted(found) == list(range(1, count + 1)), found  # every column sized, none left at default
    return [found[index] for index in range(1, count + 1)]


def _assert_recount(rows: list[list], expected: dict) -> None:
    """Each row's money and percentages equal the plain-SQL recount, rounded as written."""
    assert sorted(row[0] for row in rows) == sorted(expected)
    for row in rows:
        cur, paid, at_risk, last = expected[row[0]]
        assert Decimal(str(row[5])) == cur.quantize(Decimal("0.01"))
        assert Decimal(str(row[6])) == paid.quantize(Decimal("0.01"))
        assert Decimal(str(row[9])) == at_risk.quantize(Decimal("0.01"))
        if cur:
            assert row[7] == pytest.approx(round(float(paid / cur), 4), abs=1e-9)  # 28.72% -> 0.2872
        assert (row[12].date() if row[12] else None) == last
    risks = [row[9] for row in rows]
    assert risks == sorted(risks, reverse=True)  # most money at risk first


@pytest.mark.parametrize(
    ("province", "name", "scope"),
    [
        ("46", "lagging-2562-asof-2019-09-30-province-46.xlsx", "จังหวัดกาฬสินธุ์ · ปีงบประมาณ พ.ศ. 2562"),
        (None, "lagging-2562-asof-2019-09-30.xlsx", "ทั้งประเทศ · ปีงบประมาณ พ.ศ. 2562"),
    ],
)
def test_lagging_excel_is_named_titled_rounded_sized_and_set_up_for_printing(demo_db, province, name, scope):
    about, data, _ = _files(province, "th")
    assert about.file_name("xlsx") == name
    book = openpyxl.load_workbook(io.BytesIO(data))
    [sheet] = book.worksheets
    # title rows: what, where, as of when (BE), the rules in force with thresholds.toml's numbers
    assert sheet["A1"].value == "โครงการล่าช้า"
    assert sheet["A2"].value == scope
    assert sheet["A3"].value == "ข้อมูล ณ วันที่ 30 ก.ย. 2562"
    rules = sheet["A4"].value
    assert f"เกิน {LIMIT['behind_target_points']:g} จุด" in rules
    assert f"{LIMIT['idle_weeks']:g} สัปดาห์" in rules and f"{int(LIMIT['idle_weeks'] * 7)} วัน" in rules
    assert f"{int(LIMIT['no_contract_cutoff_day'])}/{int(LIMIT['no_contract_cutoff_month'])}" in rules
    header = header_row(sheet)
    assert [cell.value for cell in sheet[header]] == THAI_HEADERS
    rows = sheet_rows(sheet)
    _assert_recount(rows, sql_lagging(demo_db, province))
    if province:
        # Kalasin's flagged projects on 30 Sep 2019: an earlier issue counted 11; issue 15 took off the 4
        # fully paid ones (contract signed late, nothing left to pay)
        assert len(rows) == 7
    # money and percentages: numbers, rounded, formatted
    first = header + 1
    for position in MONEY_COLUMNS:
        cell = sheet.cell(row=first, column=position + 1)
        assert cell.number_format == "#,##0.00"
        for row in rows:
            assert isinstance(row[position], int | float) and round(row[position], 2) == row[position]
    for position in PCT_COLUMNS:
        assert sheet.cell(row=first, column=position + 1).number_format == "0.00%"
        assert all(round(row[position], 4) == row[position] for row in rows if row[position] is not None)
    dates = [
        sheet.cell(row=r, column=13) for r in range(first, first + len(rows)) if sheet.cell(row=r, column=13).value
    ]
    assert dates and all(isinstance(cell.value, datetime) for cell in dates)
    assert {cell.number_format for cell in dates} == {"[$-107041E]d mmm yyyy"}  # shows '27 มิ.ย. 2562'
    # widths: every column set, long text wider than codes, nothing a page wide
    widths = _widths(sheet, 13)
    assert all(7 <= width <= 41 for width in widths), widths  # Excel stores 0.71 more than asked
    assert widths[1] > widths[0] and widths[11] > widths[0]  # name and reasons get room
    # print: A4 landscape, one page wide (fitToWidth left out when 1, its default), header repeated
    assert sheet.page_setup.orientation == "landscape" and int(sheet.page_setup.paperSize) == 9
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert (int(sheet.page_setup.fitToWidth or 1), int(sheet.page_setup.fitToHeight)) == (1, 0)
    assert sheet.cell(row=header, column=1).value == "รหัสโครงการ"  # the repeated row is the header
    assert sheet.freeze_panes == f"A{header + 1}"
    assert "30 ก.ย. 2562" in sheet.oddFooter.left.text and "&P" in sheet.oddFooter.right.text


def test_lagging_excel_in_english_has_english_headers_and_ce_dates(demo_db):
    about, data, _ = _files("46", "en")
    assert about.file_name("xlsx") == "lagging-2562-asof-2019-09-30-province-46.xlsx"
    sheet = openpyxl.load_workbook(io.BytesIO(data)).worksheets[0]
    assert sheet["A1"].value == "Lagging projects"
    assert sheet["A2"].value == "Kalasin province · fiscal year 2562 BE (Oct 2018 - Sep 2019)"
    assert sheet["A3"].value == "Data as of 30 Sep 2019"
    assert f"more than {LIMIT['behind_target_points']:g} points" in sheet["A4"].value
    assert [cell.value for cell in sheet[header_row(sheet)]] == ENGLISH_HEADERS
    rows = sheet_rows(sheet)
    _assert_recount(rows, sql_lagging(demo_db, "46"))
    first = header_row(sheet) + 1
    formats = {
        sheet.cell(row=r, column=13).number_format
        for r in range(first, first + len(rows))
        if sheet.cell(row=r, column=13).value
    }
    assert formats == {"[$-409]d mmm yyyy"}


@pytest.mark.parametrize("province", ["46", None])
def test_lagging_csv_has_the_same_title_and_figures(demo_db, province):
    about, _, data = _files(province, "th")
    assert about.file_name("csv") == about.file_name("xlsx").removesuffix(".xlsx") + ".csv"
    assert data.startswith(b"\xef\xbb\xbf")  # a BOM: Excel reads the Thai as UTF-8
    lines = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert lines[0] == ["โครงการล่าช้า"]
    assert lines[2] == ["ข้อมูล ณ วันที่ 30 ก.ย. 2562"]
    assert f"เกิน {LIMIT['behind_target_points']:g} จุด" in lines[3][0]
    assert lines[4] == [] and lines[5] == THAI_HEADERS
    expected = sql_lagging(demo_db, province)
    rows = lines[6:]
    assert sorted(row[0] for row in rows) == sorted(expected)
    for row in rows:
        cur, paid, at_risk, last = expected[row[0]]
        assert (row[5], row[6], row[9]) == (f"{cur:.2f}", f"{paid:.2f}", f"{at_risk:.2f}")
        if cur:
            assert row[7] == f"{float(paid / cur * 100):.2f}"
        assert row[12] == (_be(last) if last else "")


def test_other_tables_are_titled_and_unscoped_ones_name_no_area(demo_db):
    """A data_table download takes its title from the table's name; a table the area filters
    do not narrow (the load log) says so and puts no area in its file name."""
    from ui.context import PageContext
    from ui.downloads import table_file, titled_download

    ctx = PageContext(Filters(province="46", budget_type="investment"), "th", data_version(), AS_OF)
    overdue = table_file(titled_download("assets_overdue", ctx), ctx)
    assert overdue.file_name("xlsx") == "assets-overdue-2562-asof-2019-09-30-province-46-investment.xlsx"
    assert overdue.title == "สินทรัพย์ค้างโอนเกินกำหนด" and overdue.scope == "จังหวัดกาฬสินธุ์ · งบลงทุน"
    assert f"{LIMIT['asset_overdue_days']:g} วัน" in overdue.notes[0]
    loads = table_file(titled_download("load_log", ctx), ctx)
    assert loads.file_name("csv") == "load-log-2562-asof-2019-09-30.csv" and loads.scope == "ทุกพื้นที่"
    region = PageContext(Filters(region="south_border"), "en", data_version(), AS_OF)
    movers = table_file(titled_download("weekly_20190913_20190906_province_movers", region), region)
    assert movers.title == "Provinces whose % disbursed moved most"
    assert movers.file_name("xlsx").endswith("-2562-asof-2019-09-30-region-south-border.xlsx")


# ---------------------------------------------------------------- in the browser
@pytest.fixture(scope="module")
def app_url(demo_server):
    """The worker's shared server on the session's demo database (tests/conftest.py `demo_server`):
    a download reads and changes nothing, so the module needs no server or database copy of its own."""
    return demo_server


LAGGING_WORKBOOK = "lagging-2562-asof-2019-09-30-province-46.xlsx"


def _assert_lagging_workbook(demo_db, path: Path, lang: str) -> None:
    """Kalasin's lagging workbook saved from the browser: its title rows say what, where and as of when in the
    page's language, its headers are the language's, and its rows recount the lagging rules by hand."""
    sheet = openpyxl.load_workbook(path).worksheets[0]
    assert sheet["A1"].value == {"th": "โครงการล่าช้า", "en": "Lagging projects"}[lang]
    if lang == "th":
        assert sheet["A2"].value == "จังหวัดกาฬสินธุ์ · ปีงบประมาณ พ.ศ. 2562"
        assert sheet["A3"].value == "ข้อมูล ณ วันที่ 30 ก.ย. 2562"
        assert [cell.value for cell in sheet[header_row(sheet)]] == THAI_HEADERS + FOLLOWUP_HEADERS["th"]
    else:
        assert sheet["A3"].value == "Data as of 30 Sep 2019"
        assert [cell.value for cell in sheet[header_row(sheet)]] == ENGLISH_HEADERS + FOLLOWUP_HEADERS["en"]
    _assert_recount(sheet_rows(sheet), sql_lagging(demo_db, "46"))


def test_lagging_page_excel_download_in_chromium(demo_db, app_url, chromium, tmp_path):
    """Kalasin's lagging page in English (province=46 in the URL): the Excel button saves a file named for
    the province and the date, whose title rows say so. The same in Thai is checked on the Thai load of
    test_every_visible_table_download_is_named_and_titled (the same page: docs/benchmarks.md "Test suite time,
    part 16"; a load of its own before)."""
    from tests.browser_support import settle

    # the worker's shared context of this size (tests/conftest.py): it only looks and downloads, and
    # Playwright's contexts accept downloads by default
    context = chromium.shared_context(viewport={"width": 1400, "height": 900})
    try:
        page = context.new_page()
        page.goto(f"{app_url}/lagging?province=46&lang=en")
        settle(page)
        assert page.locator('[data-testid="stException"]').count() == 0
        with page.expect_download(timeout=60_000) as info:
            page.get_by_role("button", name="Download Excel").click()
        download = info.value
        assert download.suggested_filename == LAGGING_WORKBOOK
        saved = tmp_path / download.suggested_filename
        download.save_as(saved)
    finally:
        context.close()
    _assert_lagging_workbook(demo_db, saved, "en")


DOWNLOAD_PAGES = [
    "lagging?province=46",
    "area?area=province:46&province=46",
    "carryover?province=46",
    "reallocations?province=46",
    "assets?province=46",
    "data_quality?province=46",
]
# pages whose tables sit in a tab that runs only when opened: path -> the tab's label
DOWNLOAD_TABS = {"area?area=province:46&province=46": "รายการโครงการ"}


def test_every_visible_table_download_is_named_and_titled(demo_db, app_url, chromium, tmp_path, screenshots_dir):
    """Every CSV/Excel button shown on the table pages for Kalasin gives a file named for
    the table, the fiscal year, the as-of date (and the province, unless the table is not
    narrowed by area), whose first rows are its title, scope and as-of date in BE; the
    carry-over tables are as of the year's last carry-over payment, as their page is. The lagging
    page's Excel workbook is checked in full too (test_lagging_page_excel_download_in_chromium's Thai pass)."""
    import re

    from tests.browser_support import settle

    carry_date = _last_payment(demo_db)
    table_file = re.compile(rf"([a-z0-9-]+)-2562-asof-({AS_OF}|{carry_date})(-province-46)?\.(xlsx|csv)")
    seen = []
    context = chromium.shared_context(viewport={"width": 1400, "height": 900})  # downloads accepted (default)
    try:
        page = context.new_page()
        for path in DOWNLOAD_PAGES:
            page.goto(f"{app_url}/{path}")
            settle(page)
            if path in DOWNLOAD_TABS:
                page.get_by_role("tab", name=DOWNLOAD_TABS[path], exact=True).click()
                settle(page)
            buttons = page.get_by_role("button", name=re.compile("^ดาวน์โหลด (CSV|Excel)$"))
            # A busy machine can leave a quiet gap before the script's first run: wait for a
            # table's buttons (every page listed has one) and for the run to finish again.
            buttons.first.wait_for(state="attached", timeout=90_000)
            settle(page)
            assert page.locator('[data-testid="stException"]').count() == 0, path
            for index in range(buttons.count()):
                button = buttons.nth(index)
                if not button.is_visible():
                    continue  # inside a closed expander
                with page.expect_download(timeout=60_000) as info:
                    button.click()
                download = info.value
                name = download.suggested_filename
                match = table_file.fullmatch(name)
                assert match, (path, name)
                assert (match[2] == str(carry_date)) == match[1].startswith("carryover"), name
                saved = tmp_path / name
                download.save_as(saved)
                if name.endswith(".xlsx"):
                    sheet = openpyxl.load_workbook(saved).worksheets[0]
                    lines = [sheet["A1"].value, sheet["A2"].value, sheet["A3"].value]
                    if name == LAGGING_WORKBOOK:
                        _assert_lagging_workbook(demo_db, saved, "th")
                        page.screenshot(path=str(screenshots_dir / "lagging_download_th.png"))
                else:
                    lines = [row[0] for row in list(csv.reader(io.StringIO(saved.read_text("utf-8-sig"))))[:3]]
                assert lines[0] and "ปีงบประมาณ พ.ศ. 2562" in lines[1], (name, lines)
                assert ("-province-46" in name) == lines[1].startswith("จังหวัดกาฬสินธุ์"), (name, lines)
                assert lines[2] == f"ข้อมูล ณ วันที่ {_be(date.fromisoformat(match[2]))}", (name, lines)
                seen.append(name)
    finally:
        context.close()
    assert "lagging-2562-asof-2019-09-30-province-46.csv" in seen and LAGGING_WORKBOOK in seen
    assert "projects-2562-asof-2019-09-30-province-46.xlsx" in seen
    assert len(seen) >= 12, seen


def test_carryover_tables_are_dated_like_the_carryover_page(demo_db):
    """The carry-over page runs on past 30 Sep (payments from carry-overs continue): with no
    date picked, its downloads are as of the last payment of the year, carry-overs included."""
    from ui.context import PageContext
    from ui.downloads import table_file, titled_download

    last = _last_payment(demo_db)
    assert last > AS_OF
    ctx = PageContext(Filters(province="46"), "th", data_version(), AS_OF)
    carry = table_file(titled_download("carryover_at_risk", ctx), ctx)
    assert carry.as_of == last and carry.file_name("xlsx") == f"carryover-at-risk-2562-asof-{last}-province-46.xlsx"
    picked = PageContext(Filters(province="46", as_of=date(2019, 12, 31)), "th", data_version(), date(2019, 12, 31))
    assert table_file(titled_download("carryover", picked), picked).as_of == date(2019, 12, 31)
