"""Government sheet habits: cells merged down over data rows, and the header said again below it.

Merged cells: government sheets merge a province, a year or a date typed once over the rows it belongs
to; Excel keeps the value in the top cell only. A cell under the top one holds what the user sees in it,
the top cell's value; an amount merged over several rows cannot be split between them, so each of its
rows is rejected `merged_amount` and nothing of it is stored. A repeated header (a printed report's page
header, two exports pasted one under the other) is one reject, `repeated_header`, not one per column.
Expected values are the rows as the test wrote them, the merged value copied by hand.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from etl.load import load_files
from tests.etl_fixtures import (
    DISB_HEADERS,
    PROJECT_HEADERS,
    csv_bytes,
    fixture_projects_db,
    put,
    query,
    write_xls,
    write_xlsx,
)

CUR = "งบประมาณปีปัจจุบัน"
CHIANG_MAI, LAMPHUN = "50", "51"  # owner codes of จังหวัดเชียงใหม่ and จังหวัดลำพูน (data/reference)


def _projects(db: Path) -> dict[str, tuple]:
    return {
        code: (year, owner, budget_type, allocation)
        for code, year, owner, budget_type, allocation in query(
            db, "SELECT project_code, fiscal_year, owner, budget_type, allocated_amount FROM projects"
        )
    }


def _rejects(db: Path, load_id: int) -> list[tuple]:
    return query(
        db,
        "SELECT row_number, column_name, reason_code FROM rejects WHERE load_id = ? ORDER BY row_number",
        [load_id],
    )


# Rows 2-4 are Chiang Mai's, 5-6 Lamphun's: year merged over all five, owner over each province's rows,
# budget type over rows 2-3; the cells under a merge's top are left empty, as Excel keeps them.
SHEET = [
    PROJECT_HEADERS,
    ["M01", 2562, "จังหวัดเชียงใหม่", "ถนน", "งบลงทุน", "อบจ.", 1_000_000, None],
    ["M02", None, None, "ฝาย", None, "อบจ.", 500_000, None],
    ["M03", None, None, "อาคาร", "งบดำเนินงาน", "อบจ.", 300_000, None],
    ["M04", None, "จังหวัดลำพูน", "สะพาน", "งบลงทุน", "อบจ.", 200_000, None],
    ["M05", None, None, "ประปา", "งบลงทุน", "อบจ.", 100_000, None],
]
# What a reader of the sheet sees in each row (the merged values written out by hand)
SEEN = {
    "M01": (2562, CHIANG_MAI, "investment", Decimal("1000000.00")),
    "M02": (2562, CHIANG_MAI, "investment", Decimal("500000.00")),
    "M03": (2562, CHIANG_MAI, "operating", Decimal("300000.00")),
    "M04": (2562, LAMPHUN, "investment", Decimal("200000.00")),
    "M05": (2562, LAMPHUN, "investment", Decimal("100000.00")),
}


def test_a_province_year_and_type_merged_down_an_xlsx_are_every_rows_own(tmp_path):
    book = write_xlsx(
        tmp_path / "projects.xlsx", {"projects": SHEET}, {"projects": ["B2:B6", "C2:C4", "C5:C6", "E2:E3"]}
    )
    db = tmp_path / "budget.duckdb"
    [result] = load_files([book], db_path=db)
    assert result.status == "loaded", result.message
    assert _projects(db) == SEEN
    [again] = load_files([book], db_path=db)  # the same file again: nothing doubled
    assert again.status == "unchanged" and _projects(db) == SEEN


def test_the_same_merges_in_an_old_xls(tmp_path):
    merges = [(1, 5, 1, 1), (1, 3, 2, 2), (4, 5, 2, 2), (1, 2, 4, 4)]  # B2:B6, C2:C4, C5:C6, E2:E3
    book = write_xls(tmp_path / "projects.xls", SHEET, merges=merges)
    db = tmp_path / "budget.duckdb"
    [result] = load_files([book], db_path=db)
    assert result.status == "loaded", result.message
    assert _projects(db) == SEEN


def test_a_project_and_a_date_merged_over_its_payments(tmp_path):
    db = fixture_projects_db(tmp_path)
    rows = [
        DISB_HEADERS,
        ["D1", "P01", "15/03/2562", 1_000, CUR],
        ["D2", None, None, 2_000, CUR],
        ["D3", None, "20/03/2562", 3_000, None],
        ["D4", "P03", "21/03/2562", 4_000, CUR],
    ]
    book = write_xlsx(tmp_path / "payments.xlsx", {"payments": rows}, {"payments": ["B2:B4", "C2:C3", "E3:E4"]})
    [result] = load_files([book], db_path=db)
    assert result.status == "loaded", result.message
    stored = query(
        db, "SELECT doc_no, project_code, CAST(posting_date AS VARCHAR), amount FROM disbursements ORDER BY 1"
    )
    assert stored == [
        ("D1", "P01", "2019-03-15", Decimal("1000.00")),
        ("D2", "P01", "2019-03-15", Decimal("2000.00")),
        ("D3", "P01", "2019-03-20", Decimal("3000.00")),
        ("D4", "P03", "2019-03-21", Decimal("4000.00")),
    ]


def test_an_amount_merged_over_rows_rejects_each_of_them_and_stores_none_of_it(tmp_path):
    db = fixture_projects_db(tmp_path)
    before = query(db, "SELECT count(*), coalesce(sum(amount), 0) FROM disbursements")[0]
    rows = [
        DISB_HEADERS,
        ["D1", "P01", "15/03/2562", 1_000, CUR],
        ["D2", "P01", "16/03/2562", 9_000, CUR],  # 9,000 shown over rows 3-4: whose is it?
        ["D3", "P02", "17/03/2562", None, CUR],
        ["D4", "P03", "21/03/2562", 4_000, CUR],
    ]
    book = write_xlsx(tmp_path / "payments.xlsx", {"payments": rows}, {"payments": ["D3:D4"]})
    [result] = load_files([book], db_path=db)
    assert result.status == "loaded_with_rejects", result.message
    assert _rejects(db, result.load_id) == [(3, "จำนวนเงิน", "merged_amount"), (4, "จำนวนเงิน", "merged_amount")]
    stored = dict(query(db, "SELECT doc_no, amount FROM disbursements"))
    assert stored == {"D1": Decimal("1000.00"), "D4": Decimal("4000.00")}
    assert before == (0, 0)
    reason = query(db, "SELECT DISTINCT reason_en, reason_th FROM rejects WHERE reason_code = 'merged_amount'")
    assert reason and "merged" in reason[0][0] and "ผสานเซลล์" in reason[0][1]


def test_a_header_cell_merged_down_over_two_header_rows_is_not_spread_into_the_data(tmp_path):
    # A two-row header: every header cell but the amount's merged down over both rows; the amount's title
    # merged across its two sub-headers. The data rows below keep their own (empty) cells.
    header_top = ["เลขที่เอกสาร", "รหัสโครงการ", "วันที่ผ่านรายการ", "จำนวนเงิน", None, "แหล่งเงิน"]
    header_sub = [None, None, None, "ขอเบิก", "เบิกจ่าย", None]
    rows = [
        header_top,
        header_sub,
        ["D1", "P01", "15/03/2562", 5_000, 4_000, CUR],
        ["D2", None, "16/03/2562", 1, 1, CUR],
    ]
    merges = ["A1:A2", "B1:B2", "C1:C2", "D1:E1", "F1:F2"]
    db = fixture_projects_db(tmp_path)
    book = write_xlsx(tmp_path / "two_rows.xlsx", {"payments": rows}, {"payments": merges})
    [result] = load_files([book], db_path=db)
    assert result.status == "loaded_with_rejects", result.message
    assert query(db, "SELECT doc_no, project_code, amount FROM disbursements") == [("D1", "P01", Decimal("4000.00"))]
    assert [(row, reason) for row, _, reason in _rejects(db, result.load_id)] == [(4, "missing_required")]


def test_a_page_header_repeated_in_the_sheet_is_one_reject_and_the_rows_around_it_load(tmp_path):
    rows = [
        PROJECT_HEADERS,
        ["R01", 2562, "จังหวัดเชียงใหม่", "ถนน", "งบลงทุน", "อบจ.", 1_000, None],
        PROJECT_HEADERS,  # page 2's header, copied with the rows
        ["R02", 2562, "จังหวัดลำพูน", "ฝาย", "งบลงทุน", "อบจ.", 2_000, None],
    ]
    db = tmp_path / "budget.duckdb"
    [result] = load_files([write_xlsx(tmp_path / "report.xlsx", {"projects": rows})], db_path=db)
    assert result.status == "loaded_with_rejects", result.message
    assert _rejects(db, result.load_id) == [(3, "รหัสโครงการ", "repeated_header")]
    assert {code: owner for code, (_, owner, _, _) in _projects(db).items()} == {"R01": CHIANG_MAI, "R02": LAMPHUN}
    assert (result.rows_read, result.rows_inserted, result.rows_rejected) == (3, 2, 1)


def test_two_csv_exports_pasted_one_under_the_other(tmp_path):
    db = fixture_projects_db(tmp_path)
    first = [DISB_HEADERS, ["D1", "P01", "13/09/2562", "18.00", CUR]]
    second = [DISB_HEADERS, ["D2", "P02", "13/09/2562", "19.00", CUR], ["D3", "P03", "14/09/2562", "20.00", CUR]]
    [result] = load_files([put(tmp_path, "two.csv", csv_bytes(first + second))], db_path=db)
    assert _rejects(db, result.load_id) == [(3, "เลขที่เอกสาร", "repeated_header")]
    assert dict(query(db, "SELECT doc_no, amount FROM disbursements")) == {
        "D1": Decimal("18.00"),
        "D2": Decimal("19.00"),
        "D3": Decimal("20.00"),
    }


def test_thai_whole_baht_amounts_and_the_abbreviated_baht_are_read(tmp_path):
    db = fixture_projects_db(tmp_path)
    written = {"W1": "1,000.-", "W2": "๑,๒๐๐.- บาท", "W3": "1,500.00 บ.", "W4": "฿2,000.-", "W5": "-300.-"}
    bad = {"W6": "1,000.50.-", "W7": "1,000.00-"}  # a mark after decimals; SAP's trailing minus: never guessed
    rows = [DISB_HEADERS, *([doc, "P01", "13/09/2562", text, CUR] for doc, text in {**written, **bad}.items())]
    [result] = load_files([put(tmp_path, "whole.csv", csv_bytes(rows))], db_path=db)
    assert dict(query(db, "SELECT doc_no, amount FROM disbursements")) == {
        "W1": Decimal("1000.00"),
        "W2": Decimal("1200.00"),
        "W3": Decimal("1500.00"),
        "W4": Decimal("2000.00"),
        "W5": Decimal("-300.00"),
    }
    assert _rejects(db, result.load_id) == [(7, "จำนวนเงิน", "ambiguous_amount"), (8, "จำนวนเงิน", "ambiguous_amount")]


def test_a_dash_or_zero_in_the_contract_column_is_no_contract(tmp_path):
    # "-" (an accounting-format zero, or typed for "nothing") and 0 in วงเงินตามสัญญา: no contract yet, as a
    # blank cell; a contract of 0 baht would read as signed and paying nothing.
    db = tmp_path / "budget.duckdb"
    rows = [
        PROJECT_HEADERS,
        ["Z01", "2562", "จังหวัดเชียงใหม่", "ถนน", "งบลงทุน", "อบจ.", "1,000,000.00", "-"],
        ["Z02", "2562", "จังหวัดเชียงใหม่", "ฝาย", "งบลงทุน", "อบจ.", "500,000.00", "0.00"],
        ["Z03", "2562", "จังหวัดเชียงใหม่", "อาคาร", "งบลงทุน", "อบจ.", "300,000.00", ""],
        ["Z04", "2562", "จังหวัดเชียงใหม่", "สะพาน", "งบลงทุน", "อบจ.", "200,000.00", "150,000.-"],
    ]
    [result] = load_files([put(tmp_path, "projects.csv", csv_bytes(rows))], db_path=db)
    assert result.status == "loaded", result.message
    stored = dict(query(db, "SELECT project_code, contract_amount FROM projects"))
    assert stored == {"Z01": None, "Z02": None, "Z03": None, "Z04": Decimal("150000.00")}
    # the same in a workbook whose zero is a number cell
    sheet = [PROJECT_HEADERS, ["Z05", 2562, "จังหวัดลำพูน", "ประปา", "งบลงทุน", "อบจ.", 100_000, 0]]
    [result] = load_files([write_xlsx(tmp_path / "more.xlsx", {"projects": sheet})], db_path=db)
    assert result.status == "loaded", result.message
    assert query(db, "SELECT contract_amount FROM projects WHERE project_code = 'Z05'") == [(None,)]


def _province_code(name_th: str) -> str:
    """A province's code read straight from the reference file (not through the loader's lookup)."""
    import csv

    with open(Path(__file__).resolve().parents[1] / "data" / "reference" / "provinces.csv", encoding="utf-8") as f:
        return next(row["province_code"] for row in csv.DictReader(f) if row["name_th"] == name_th)


def test_short_province_names_government_tables_use(tmp_path):
    written = {
        "S1": ("อยุธยา", "พระนครศรีอยุธยา"),
        "S2": ("จ.อยุธยา", "พระนครศรีอยุธยา"),
        "S3": ("โคราช", "นครราชสีมา"),
        "S4": ("Korat", "นครราชสีมา"),
        "S5": ("นครศรีฯ", "นครศรีธรรมราช"),  # ไปยาลน้อย: the start of exactly one name
        "S6": ("ประจวบฯ", "ประจวบคีรีขันธ์"),
        "S7": ("อุบล", "อุบลราชธานี"),
        "S8": ("ร้อยเอ็ดฯ", "ร้อยเอ็ด"),
    }
    unread = {"S9": "นครฯ", "S10": "เชียงฯ", "S11": "กรุงเทพฯ", "S12": "อุ"}  # six, two and no province; too short
    rows = [PROJECT_HEADERS]
    rows += [[code, "2562", text, "x", "งบลงทุน", "อบจ.", "1,000", ""] for code, (text, _) in written.items()]
    rows += [[code, "2562", text, "x", "งบลงทุน", "อบจ.", "1,000", ""] for code, text in unread.items()]
    db = tmp_path / "budget.duckdb"
    [result] = load_files([put(tmp_path, "owners.csv", csv_bytes(rows))], db_path=db)
    assert dict(query(db, "SELECT project_code, owner FROM projects")) == {
        code: _province_code(name) for code, (_, name) in written.items()
    }
    assert [(row, reason) for row, _, reason in _rejects(db, result.load_id)] == [
        (row, "unknown_owner") for row in range(len(written) + 2, len(rows) + 1)
    ]


def test_an_amount_shown_in_thousands_by_its_number_format_is_rejected_not_converted(tmp_path):
    # Excel's scaling comma: "#,##0," shows 1,500,000 as "1,500". Loaded in thousand baht, as a header
    # "(พันบาท)" asks, the stored 1,500,000 would have been multiplied by 1,000 (1.5 billion); whatever the
    # unit, the value stored is not the one shown, so the row is rejected (as a percent cell is), showing
    # what the sheet showed. A "#,##0.00" cell loads.
    import xlwt
    from openpyxl import Workbook

    db = fixture_projects_db(tmp_path)
    for header, unit in (("จำนวนเงิน", None), ("จำนวนเงิน (พันบาท)", "thousand")):
        workbook = Workbook()
        sheet = workbook.active
        sheet.append(["เลขที่เอกสาร", "รหัสโครงการ", "วันที่ผ่านรายการ", header, "แหล่งเงิน"])
        for doc, amount, shown in (("K1", 1_500_000, "#,##0,"), ("K2", 2_500, "#,##0.00"), ("K3", 7_000_000, "0.0,,")):
            sheet.append([f"{doc}{unit or ''}", "P01", "13/09/2562", amount, CUR])
            sheet.cell(row=sheet.max_row, column=4).number_format = shown
        workbook.save(tmp_path / f"{unit}.xlsx")
        [result] = load_files([tmp_path / f"{unit}.xlsx"], db_path=db, unit=unit)
        assert _rejects(db, result.load_id) == [(2, header, "scaled_cell"), (4, header, "scaled_cell")]
        if unit is None:
            shown = query(db, "SELECT bad_value FROM rejects WHERE load_id = ? ORDER BY row_number", [result.load_id])
            assert shown == [("1500",), ("7",)]  # what the sheet showed
    assert dict(query(db, "SELECT doc_no, amount FROM disbursements")) == {
        "K2": Decimal("2500.00"),
        "K2thousand": Decimal("2500000.00"),  # 2,500 thousand baht
    }

    old = xlwt.Workbook()
    page = old.add_sheet("payments")
    for column, title in enumerate(DISB_HEADERS):
        page.write(0, column, title)
    for column, value in enumerate(["K4", "P01", "13/09/2562", 1_500_000, CUR]):
        page.write(1, column, value, xlwt.easyxf(num_format_str="#,##0,") if column == 3 else xlwt.Style.default_style)
    old.save(str(tmp_path / "thousands.xls"))
    [result] = load_files([tmp_path / "thousands.xls"], db_path=db)
    assert _rejects(db, result.load_id) == [(2, "จำนวนเงิน", "scaled_cell")]
