"""Every input format variant, loaded end to end through etl.load.load_files."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from etl.kinds import KINDS, detect_kind
from etl.load import load_files
from etl.readers import detect_encoding, find_header
from tests.etl_fixtures import (
    DISB_HEADERS,
    PROJECT_HEADERS,
    PROJECT_ROWS,
    query,
    write_csv,
    write_projects,
    write_xls,
    write_xlsx,
)

DISB_ROWS = [
    ["D1", "P01", "13/09/2562", "1,234,567.50", "งบประมาณปีปัจจุบัน"],
    ["D2", "P01", "1 ต.ค. 61", "๑๒,๓๔๕.๕๐", "งบประมาณปีปัจจุบัน"],
    ["D3", "P02", "15 มกราคม 2562", "100", "current"],
    ["D4", "P03", "2019-03-31", "50.25", "งบประมาณปีปัจจุบัน"],
]
# The same rows as the database should hold them (computed by hand, not by the code).
DISB_EXPECTED = {
    "D1": ("P01", dt.date(2019, 9, 13), Decimal("1234567.50"), "current"),
    "D2": ("P01", dt.date(2018, 10, 1), Decimal("12345.50"), "current"),
    "D3": ("P02", dt.date(2019, 1, 15), Decimal("100.00"), "current"),
    "D4": ("P03", dt.date(2019, 3, 31), Decimal("50.25"), "current"),
}


def _disbursements(db):
    return {
        row[0]: row[1:]
        for row in query(db, "SELECT doc_no, project_code, posting_date, amount, source FROM disbursements")
    }


@pytest.fixture()
def with_projects(tmp_path):
    db = tmp_path / "budget.duckdb"
    files = tmp_path / "in"
    files.mkdir()
    [result] = load_files([write_projects(files)], db_path=db)
    assert result.status == "loaded", result.message
    return db, files


def _projects(db):
    return {
        row[0]: row[1:]
        for row in query(
            db,
            "SELECT project_code, fiscal_year, owner, owner_type, budget_type, allocated_amount, "
            "contract_amount FROM projects",
        )
    }


def test_projects_csv_values(with_projects):
    db, _ = with_projects
    chiang_mai = query(db, "SELECT province_code FROM provinces WHERE name_th = 'เชียงใหม่'")[0][0]
    lamphun = query(db, "SELECT province_code FROM provinces WHERE name_th = 'ลำพูน'")[0][0]
    assert _projects(db) == {
        "P01": (2562, chiang_mai, "province", "investment", Decimal("1000000.00"), Decimal("800000.00")),
        "P02": (2562, "C01", "cluster", "operating", Decimal("500000.00"), None),
        "P03": (2562, lamphun, "province", "investment", Decimal("300000.00"), None),
    }


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp874"])
def test_csv_encodings(with_projects, encoding):
    db, files = with_projects
    path = write_csv(
        files / f"d_{encoding}.csv",
        [DISB_HEADERS, *DISB_ROWS],
        encoding=encoding,
        title=["รายงานผลการเบิกจ่าย ข้อมูล ณ วันที่ 13 ก.ย. 2562"],
    )
    expected = {"utf-8": "utf-8", "utf-8-sig": "utf-8-sig", "cp874": "cp874"}[encoding]
    assert detect_encoding(path) == expected
    [result] = load_files([path], db_path=db)
    assert result.status == "loaded", result.message
    assert result.rows_inserted == len(DISB_ROWS)
    assert _disbursements(db) == DISB_EXPECTED


def test_csv_semicolon_delimiter_and_blank_lines(with_projects):
    db, files = with_projects
    path = files / "semi.csv"
    lines = [";".join(DISB_HEADERS)] + [";".join(r) for r in DISB_ROWS]
    path.write_text("\n".join(lines).replace("1,234,567.50", "1234567.50") + "\n\n", encoding="utf-8")
    [result] = load_files([path], db_path=db)
    assert result.status == "loaded", result.message
    assert _disbursements(db) == DISB_EXPECTED


def test_trailing_total_rows_are_skipped_and_counted(with_projects):
    db, files = with_projects
    rows = [
        DISB_HEADERS,
        *DISB_ROWS,
        ["รวม", "", "", "1,246,963.25", ""],
        ["", "รวมทั้งสิ้น", "", "1,246,963.25", ""],
        ["Total", "", "", "1", ""],
    ]
    [result] = load_files([write_csv(files / "d.csv", rows)], db_path=db)
    assert result.status == "loaded", result.message
    assert (result.rows_read, result.rows_inserted, result.total_rows_skipped) == (7, 4, 3)  # totals are read rows
    assert _disbursements(db) == DISB_EXPECTED
    assert query(db, "SELECT total_rows_skipped FROM loads WHERE load_id = ?", [result.load_id]) == [(3,)]


def test_project_named_like_a_total_still_loads(tmp_path):
    db = tmp_path / "b.duckdb"
    rows = [["P09", "2562", "ลำพูน", "รวมพลังชุมชน", "งบดำเนินงาน", "อำเภอ", "10,000", ""]]
    [result] = load_files([write_projects(tmp_path, rows)], db_path=db)
    assert (result.rows_inserted, result.total_rows_skipped) == (1, 0)


def test_blank_optional_cells(with_projects):
    db, _ = with_projects
    assert query(db, "SELECT contract_amount, contract_date FROM projects WHERE project_code = 'P02'") == [(None, None)]


def test_xlsx_with_title_rows_and_two_row_merged_header(with_projects):
    db, files = with_projects
    # Row 1-2: titles; rows 3-4: header, "วันที่" merged over "ผ่านรายการ" (two-row header),
    # the other headers merged vertically over both rows.
    rows = [
        ["รายงานผลการเบิกจ่ายงบประมาณ ปีงบประมาณ พ.ศ. 2562"],
        ["ข้อมูล ณ วันที่ 13 ก.ย. 2562"],
        ["เลขที่เอกสาร", "รหัสโครงการ", "วันที่", "จำนวนเงิน", "แหล่งเงิน"],
        [None, None, "ผ่านรายการ", None, None],
        ["D1", "P01", dt.datetime(2019, 9, 13), 1234567.5, "งบประมาณปีปัจจุบัน"],
        ["D2", "P01", "1 ต.ค. 61", "๑๒,๓๔๕.๕๐", "งบประมาณปีปัจจุบัน"],
        ["D3", "P02", 43480, 100, "current"],  # Excel serial for 15 Jan 2019, as a number
        ["D4", "P03", "2019-03-31", 50.25, "งบประมาณปีปัจจุบัน"],
        ["รวมทั้งสิ้น", None, None, 1246963.25, None],
    ]
    assert (dt.date(2019, 1, 15) - dt.date(1899, 12, 30)).days == 43480
    merges = {"เบิกจ่าย": ["A1:E1", "A3:A4", "B3:B4", "D3:D4", "E3:E4"]}
    path = write_xlsx(files / "d.xlsx", {"เบิกจ่าย": rows}, merges)
    [result] = load_files([path], db_path=db)
    assert result.status == "loaded", result.message
    assert (result.sheet, result.rows_read, result.total_rows_skipped) == ("เบิกจ่าย", 5, 1)
    assert _disbursements(db) == DISB_EXPECTED


def test_xlsx_two_sheets_load_projects_first(tmp_path):
    db = tmp_path / "b.duckdb"
    sheets = {
        "เบิกจ่าย": [DISB_HEADERS, *DISB_ROWS],
        "โครงการ": [["ทะเบียนโครงการ"], PROJECT_HEADERS, *PROJECT_ROWS],
    }
    results = load_files([write_xlsx(tmp_path / "book.xlsx", sheets)], db_path=db)
    assert [(r.sheet, r.kind, r.status) for r in results] == [
        ("โครงการ", "projects", "loaded"),
        ("เบิกจ่าย", "disbursements", "loaded"),
    ]
    assert _disbursements(db) == DISB_EXPECTED


def test_xls_old_format(with_projects):
    db, files = with_projects
    rows = [
        ["รายงานการเบิกจ่าย"],
        DISB_HEADERS,
        ["D1", "P01", dt.date(2019, 9, 13), 1234567.5, "งบประมาณปีปัจจุบัน"],
        ["D2", "P01", "1 ต.ค. 61", "๑๒,๓๔๕.๕๐", "งบประมาณปีปัจจุบัน"],
        ["D3", "P02", "15/01/2019", "100", "current"],
        ["D4", "P03", "31/03/62", 50.25, "งบประมาณปีปัจจุบัน"],
        ["รวม", None, None, 1246963.25, None],
    ]
    [result] = load_files([write_xls(files / "d.xls", rows)], db_path=db)
    assert result.status == "loaded", result.message
    assert (result.rows_read, result.total_rows_skipped) == (5, 1)
    assert _disbursements(db) == DISB_EXPECTED


def test_english_headers_any_case_and_spacing(with_projects):
    db, files = with_projects
    headers = ["Doc No", "PROJECT_CODE", "posting date", "Amount (บาท)", " Source "]
    [result] = load_files([write_csv(files / "en.csv", [headers, *DISB_ROWS])], db_path=db)
    assert result.status == "loaded", result.message
    assert _disbursements(db) == DISB_EXPECTED


def test_header_detection_below_titles():
    rows = [["รายงาน"], [""], ["ข้อมูล ณ วันที่ 13 ก.ย. 2562", ""], DISB_HEADERS, ["D1", "P01"]]
    header = find_header(rows)
    assert (header.row_index, header.rows, header.names) == (3, 1, DISB_HEADERS)


@pytest.mark.parametrize(
    "headers,kind",
    [
        (PROJECT_HEADERS, "projects"),
        (DISB_HEADERS, "disbursements"),
        (["รหัสโครงการ", "จำนวนเงินกันเหลื่อมปี", "มีหนี้ผูกพัน", "วันที่อนุมัติ", "ขยายเวลาเบิกจ่ายถึง"], "carryovers"),
        (["รหัสโครงการ", "จำนวนเงิน", "มีหนี้ผูกพัน", "วันที่อนุมัติ", "ขยายเวลาเบิกจ่ายถึง"], "carryovers"),
        (["เลขที่อนุมัติ", "วันที่อนุมัติ", "โอนจากโครงการ", "โอนไปโครงการ", "จำนวนเงิน", "ประเภทการโอน"], "reallocations"),
        (["รหัสสินทรัพย์", "รหัสโครงการ", "รายการสินทรัพย์", "มูลค่า", "สถานะ"], "asset_transfers"),
    ],
)
def test_kind_detection(headers, kind):
    assert detect_kind(headers) is KINDS[kind]


def test_csv_cell_with_line_break(tmp_path):
    db = tmp_path / "b.duckdb"
    rows = [["P01", "2562", "เชียงใหม่", "ถนน\nสายหลัก", "งบลงทุน", "อบจ.", "1,000", ""]]
    [result] = load_files([write_projects(tmp_path, rows)], db_path=db)
    assert result.status == "loaded", result.message
    assert query(db, "SELECT project_name FROM projects") == [("ถนน\nสายหลัก",)]
