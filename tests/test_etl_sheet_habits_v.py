"""Government sheet habits V: hidden rows and columns, cells merged across columns, formulas without a
value, and workbooks saved with the 1904 date system.

The rule: every row is loaded with the value its user sees in the sheet, or rejected with a reason naming
file, row and column; nothing is guessed. A row hidden by hand or by a filter is not seen: it is rejected
`hidden_row` (a cancelled project hidden instead of deleted is not counted). A hidden column the kind uses
is not read: beside a visible column of the same meaning it is left out, and alone it refuses the file. A
data cell merged across columns leaves the columns to its right without a value of their own: the row is
rejected `merged_across` when one of those is a column the kind uses. Expected values are the rows the
test wrote, the visible ones picked by hand.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

from etl.load import load_files
from tests.etl_fixtures import (
    DISB_HEADERS,
    PROJECT_HEADERS,
    fixture_projects_db,
    query,
    stored_payments,
    write_xls,
    write_xlsx,
)

CUR = "งบประมาณปีปัจจุบัน"
TITLE = "รายงานผลการเบิกจ่าย ข้อมูล ณ วันที่ 13 ก.ย. 2562"


def _rejects(db: Path, load_id: int) -> list[tuple]:
    return query(
        db,
        "SELECT row_number, column_name, reason_code FROM rejects WHERE load_id = ? ORDER BY row_number, column_name",
        [load_id],
    )


def _words(db: Path, code: str) -> tuple[str, str]:
    [(english, thai)] = query(db, "SELECT DISTINCT reason_en, reason_th FROM rejects WHERE reason_code = ?", [code])
    return english, thai


# A title row (1), the header (2), six payments (3-8), a total row (9). Rows 4, 6 and 7 are hidden in the
# tests below; the hidden title row above the header is not data.
PAYMENT_SHEET = [
    [TITLE],
    DISB_HEADERS,
    ["D1", "P01", "15/03/2562", 1_000, CUR],
    ["D2", "P01", "16/03/2562", 2_000, CUR],  # hidden: a payment cancelled and hidden instead of deleted
    ["D3", "P02", "17/03/2562", 3_000, CUR],
    ["D4", "P02", "18/03/2562", 4_000, CUR],  # hidden by a filter
    ["D5", "P03", "19/03/2562", 5_000, CUR],  # hidden (Excel's Hide on a group of rows)
    ["D6", "P03", "20/03/2562", 6_000, CUR],
    ["รวม", None, None, 21_000, None],
]
VISIBLE_PAYMENTS = {
    "D1": ("P01", "2019-03-15", Decimal("1000.00")),
    "D3": ("P02", "2019-03-17", Decimal("3000.00")),
    "D6": ("P03", "2019-03-20", Decimal("6000.00")),
}
HIDDEN_REJECTS = [(4, "เลขที่เอกสาร", "hidden_row"), (6, "เลขที่เอกสาร", "hidden_row"), (7, "เลขที่เอกสาร", "hidden_row")]


def test_rows_hidden_by_hand_or_by_a_filter_are_rejected_not_loaded(tmp_path):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "payments"
    for row in PAYMENT_SHEET:
        sheet.append(row)
    sheet.auto_filter.ref = "A2:E9"
    sheet.auto_filter.add_filter_column(1, ["P01", "P03"])
    for row in (1, 4, 6, 7, 9):  # the title and the total row are hidden too: neither is data
        sheet.row_dimensions[row].hidden = True
    book = tmp_path / "payments.xlsx"
    workbook.save(book)
    db = fixture_projects_db(tmp_path)
    [result] = load_files([book], db_path=db)
    assert result.status == "loaded_with_rejects", result.message
    assert stored_payments(db) == VISIBLE_PAYMENTS
    assert _rejects(db, result.load_id) == HIDDEN_REJECTS
    assert result.total_rows_skipped == 1
    english, thai = _words(db, "hidden_row")
    assert "hidden" in english and "unhide" in english and "ซ่อน" in thai
    [(value,)] = query(db, "SELECT bad_value FROM rejects WHERE row_number = 4")
    assert value == "D2"  # the row's key, so the user finds it


def test_a_row_of_zero_height_is_hidden_too(tmp_path):
    # D2's row dragged shut (ht="0", as Excel writes it; openpyxl leaves a zero height out, so the sheet's XML
    # is written here): Excel shows nothing of it
    import zipfile

    written = write_xlsx(tmp_path / "written.xlsx", {"payments": PAYMENT_SHEET[1:5]})
    book = tmp_path / "payments.xlsx"
    with zipfile.ZipFile(written) as source, zipfile.ZipFile(book, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                assert data.count(b'<row r="3">') == 1
                data = data.replace(b'<row r="3">', b'<row r="3" ht="0" customHeight="1">')
            target.writestr(info, data)
    db = fixture_projects_db(tmp_path)
    [result] = load_files([book], db_path=db)
    assert _rejects(db, result.load_id) == [(3, "เลขที่เอกสาร", "hidden_row")]
    assert set(stored_payments(db)) == {"D1", "D3"}


def test_hidden_rows_in_an_old_xls(tmp_path):
    book = write_xls(tmp_path / "payments.xls", PAYMENT_SHEET, hidden_rows=[0, 3, 5, 6, 8])
    db = fixture_projects_db(tmp_path)
    [result] = load_files([book], db_path=db)
    assert result.status == "loaded_with_rejects", result.message
    assert stored_payments(db) == VISIBLE_PAYMENTS
    assert _rejects(db, result.load_id) == HIDDEN_REJECTS


def test_a_hidden_project_row_leaves_the_stored_project_as_it_was(tmp_path):
    # P01 is stored with 1,000,000.00; a later sheet hides its row with another figure (a draft): the
    # stored project keeps its figure, the visible new project is loaded, nothing is doubled.
    db = fixture_projects_db(tmp_path)
    before = dict(query(db, "SELECT project_code, allocated_amount FROM projects"))
    rows = [
        PROJECT_HEADERS,
        ["P01", 2562, "จังหวัดเชียงใหม่", "ถนนลาดยาง", "งบลงทุน", "อบจ.เชียงใหม่", 9_999_999, 800_000],
        ["P04", 2562, "จังหวัดลำพูน", "ฝายแม้ว", "งบลงทุน", "อบต.", 250_000, None],
    ]
    book = write_xlsx(tmp_path / "projects.xlsx", {"projects": rows}, hidden_rows={"projects": [2]})
    [result] = load_files([book], db_path=db)
    assert result.status == "loaded_with_rejects", result.message
    assert _rejects(db, result.load_id) == [(2, "รหัสโครงการ", "hidden_row")]
    after = dict(query(db, "SELECT project_code, allocated_amount FROM projects"))
    assert after == {**before, "P04": Decimal("250000.00")}
    assert before["P01"] == Decimal("1000000.00")


# ---------------------------------------------------------------- hidden columns

PAYMENTS_TWO_AMOUNTS = [
    [*DISB_HEADERS, "เบิกจ่าย"],  # D จำนวนเงิน (an old figure, hidden) and F เบิกจ่าย (the one shown)
    ["D1", "P01", "15/03/2562", 10_000, CUR, 1_000],
    ["D2", "P02", "16/03/2562", 20_000, CUR, 2_000],
]


def test_a_hidden_amount_column_beside_a_visible_one_is_not_read(tmp_path):
    sheets = {"payments": PAYMENTS_TWO_AMOUNTS}
    book = write_xlsx(tmp_path / "payments.xlsx", sheets, hidden_columns={"payments": ["D"]})
    db = fixture_projects_db(tmp_path)
    [result] = load_files([book], db_path=db)
    assert result.status == "loaded", result.message
    assert stored_payments(db) == {
        "D1": ("P01", "2019-03-15", Decimal("1000.00")),
        "D2": ("P02", "2019-03-16", Decimal("2000.00")),
    }
    assert "D (4)" in result.message and "hidden" in result.message and "ซ่อน" in result.message


def test_the_same_two_amount_columns_in_an_old_xls(tmp_path):
    book = write_xls(tmp_path / "payments.xls", PAYMENTS_TWO_AMOUNTS, hidden_columns=[3])
    db = fixture_projects_db(tmp_path)
    [result] = load_files([book], db_path=db)
    assert result.status == "loaded", result.message
    assert {doc: amount for doc, (_, _, amount) in stored_payments(db).items()} == {
        "D1": Decimal("1000.00"),
        "D2": Decimal("2000.00"),
    }


def test_a_hidden_column_holding_the_only_amount_refuses_the_file(tmp_path):
    db = fixture_projects_db(tmp_path)
    before = query(db, "SELECT count(*) FROM disbursements")
    rows = [DISB_HEADERS, ["D1", "P01", "15/03/2562", 1_000, CUR]]
    book = write_xlsx(tmp_path / "payments.xlsx", {"payments": rows}, hidden_columns={"payments": ["D"]})
    [result] = load_files([book], db_path=db)
    assert result.status == "refused"
    assert "D (4)" in result.message and "จำนวนเงิน" in result.message
    assert "hidden" in result.message and "unhide" in result.message and "ซ่อน" in result.message
    assert query(db, "SELECT count(*) FROM disbursements") == before


def test_a_hidden_optional_contract_column_refuses_the_file_not_loaded_unseen(tmp_path):
    db = fixture_projects_db(tmp_path)
    before = query(db, "SELECT * FROM projects ORDER BY project_code")
    rows = [PROJECT_HEADERS, ["P04", 2562, "จังหวัดลำพูน", "ฝายแม้ว", "งบลงทุน", "อบต.", 250_000, 240_000]]
    book = write_xls(tmp_path / "projects.xls", rows, hidden_columns=[7])
    [result] = load_files([book], db_path=db)
    assert result.status == "refused"
    assert "H (8)" in result.message and "วงเงินตามสัญญา" in result.message
    assert query(db, "SELECT * FROM projects ORDER BY project_code") == before


def test_a_hidden_column_the_kind_does_not_use_is_harmless(tmp_path):
    # guard (passed before): a hidden working column with a header the kind does not know
    rows = [[*DISB_HEADERS, "หมายเหตุภายใน"], ["D1", "P01", "15/03/2562", 1_000, CUR, "ตรวจแล้ว"]]
    book = write_xlsx(tmp_path / "payments.xlsx", {"payments": rows}, hidden_columns={"payments": ["F"]})
    db = fixture_projects_db(tmp_path)
    [result] = load_files([book], db_path=db)
    assert result.status == "loaded", result.message
    assert stored_payments(db) == {"D1": ("P01", "2019-03-15", Decimal("1000.00"))}


# ---------------------------------------------------------------- merged across columns

# Columns: A code, B year, C owner, D name, E agency, F budget type, G allocation, H contract amount,
# I contract date, J an unnamed note column, K another.
PROJECTS_WIDE = [
    ["รหัสโครงการ", "ปีงบประมาณ", "จังหวัด/กลุ่มจังหวัด", "ชื่อโครงการ", "หน่วยดำเนินการ", "ประเภทงบรายจ่าย"]
    + ["งบประมาณที่ได้รับจัดสรร", "วงเงินตามสัญญา", "วันที่ลงนามสัญญา"],
    ["P04", 2562, "จังหวัดลำพูน", "ก่อสร้างฝายแม้วตามแนวพระราชดำริ", None, "งบลงทุน", 250_000, 240_000]
    + [dt.date(2019, 1, 10)],
    ["P05", 2562, "จังหวัดลำพูน", "ขุดลอกคลอง", "อบต.", "งบลงทุน", 150_000, 140_000, None],
    ["P06", 2562, "จังหวัดลำพูน", "อบรมเกษตรกร", "สนง.เกษตร", "งบดำเนินงาน", 50_000, None, None, "หมายเหตุยาว"],
    ["P07", 2562, "จังหวัดลำพูน", "ซ่อมถนน", "อบจ.", "งบลงทุน", 70_000, 60_000, dt.date(2019, 2, 1)],
]
# D2:E2 the name over the agency (required); H3:I3 the contract amount over its date (optional: empty
# without a word before); J4:K4 a note over two unnamed columns (harmless); I5:J5 the last used column
# over an unnamed one (harmless: the date is in the merge's own cell).
WIDE_MERGES = ["D2:E2", "H3:I3", "J4:K4", "I5:J5"]


def test_cells_merged_across_a_used_column_reject_the_row(tmp_path):
    db = fixture_projects_db(tmp_path)
    book = write_xlsx(tmp_path / "projects.xlsx", {"projects": PROJECTS_WIDE}, {"projects": WIDE_MERGES})
    [result] = load_files([book], db_path=db)
    assert result.status == "loaded_with_rejects", result.message
    assert _rejects(db, result.load_id) == [(2, "หน่วยดำเนินการ", "merged_across"), (3, "วันที่ลงนามสัญญา", "merged_across")]
    stored = query(
        db,
        "SELECT project_code, implementing_agency, contract_amount, CAST(contract_date AS VARCHAR) FROM projects "
        "WHERE project_code IN ('P04', 'P05', 'P06', 'P07') ORDER BY 1",
    )
    assert stored == [
        ("P06", "สนง.เกษตร", None, None),
        ("P07", "อบจ.", Decimal("60000.00"), "2019-02-01"),
    ]
    [(value,)] = query(db, "SELECT bad_value FROM rejects WHERE reason_code = 'merged_across' AND row_number = 2")
    assert value == "D2:E2"  # the merged range, as Excel names it
    english, thai = _words(db, "merged_across")
    assert "merged across" in english and "unmerge" in english and "ผสาน" in thai


def test_the_same_merges_across_in_an_old_xls(tmp_path):
    db = fixture_projects_db(tmp_path)
    merges = [(1, 1, 3, 4), (2, 2, 7, 8), (3, 3, 9, 10), (4, 4, 8, 9)]  # D2:E2, H3:I3, J4:K4, I5:J5
    book = write_xls(tmp_path / "projects.xls", PROJECTS_WIDE, merges=merges)
    [result] = load_files([book], db_path=db)
    assert result.status == "loaded_with_rejects", result.message
    assert _rejects(db, result.load_id) == [(2, "หน่วยดำเนินการ", "merged_across"), (3, "วันที่ลงนามสัญญา", "merged_across")]
    assert [code for (code,) in query(db, "SELECT project_code FROM projects WHERE project_code > 'P03'")] == [
        "P06",
        "P07",
    ]


def test_a_payment_merged_across_and_down_rejects_each_row_it_covers(tmp_path):
    # B2:C3: the project code merged over its date column and down over two payments; the amount merged
    # across into the source (D4:E4). A total row merged across (A5:C5) is still a total row.
    rows = [
        DISB_HEADERS,
        ["D1", "P01", None, 1_000, CUR],
        ["D2", None, None, 2_000, CUR],
        ["D3", "P02", "17/03/2562", 3_000, None],
        ["รวมทั้งสิ้น", None, None, 6_000, None],
        ["D4", "P03", "21/03/2562", 4_000, CUR],
    ]
    book = write_xlsx(tmp_path / "payments.xlsx", {"payments": rows}, {"payments": ["B2:C3", "D4:E4", "A5:C5"]})
    db = fixture_projects_db(tmp_path)
    [result] = load_files([book], db_path=db)
    assert result.status == "loaded_with_rejects", result.message
    assert _rejects(db, result.load_id) == [
        (2, "วันที่ผ่านรายการ", "merged_across"),
        (3, "วันที่ผ่านรายการ", "merged_across"),
        (4, "แหล่งเงิน", "merged_across"),
    ]
    assert stored_payments(db) == {"D4": ("P03", "2019-03-21", Decimal("4000.00"))}
    assert result.total_rows_skipped == 1


# ---------------------------------------------------------------- guards: formulas, 1904 dates


def test_a_formula_without_a_value_in_an_optional_amount_is_rejected_not_read_as_no_contract(tmp_path):
    # guard (passed before): openpyxl writes a formula with no calculated value, as programs do
    rows = [PROJECT_HEADERS, ["P04", 2562, "จังหวัดลำพูน", "ฝายแม้ว", "งบลงทุน", "อบต.", 250_000, "=G2*0.96"]]
    book = write_xlsx(tmp_path / "projects.xlsx", {"projects": rows})
    db = fixture_projects_db(tmp_path)
    [result] = load_files([book], db_path=db)
    assert _rejects(db, result.load_id) == [(2, "วงเงินตามสัญญา", "formula_without_value")]
    assert query(db, "SELECT count(*) FROM projects WHERE project_code = 'P04'") == [(0,)]
    english, _ = _words(db, "formula_without_value")
    assert "open the file in Excel and save it again" in english


def test_dates_of_a_workbook_saved_with_the_1904_date_system_are_the_dates_shown(tmp_path):
    # guard (passed before): calamine reads the workbook's date system; 15 Mar 2019 is serial 42077 there
    rows = [DISB_HEADERS, ["D1", "P01", dt.date(2019, 3, 15), 1_000, CUR], ["D2", "P02", dt.date(2019, 9, 30), 2, CUR]]
    for book in (
        write_xlsx(tmp_path / "payments.xlsx", {"payments": rows}, epoch_1904=True),
        write_xls(tmp_path / "payments.xls", rows, epoch_1904=True),
    ):
        folder = tmp_path / book.suffix[1:]
        folder.mkdir()
        db = fixture_projects_db(folder)
        [result] = load_files([book], db_path=db)
        assert result.status == "loaded", result.message
        assert stored_payments(db) == {
            "D1": ("P01", "2019-03-15", Decimal("1000.00")),
            "D2": ("P02", "2019-09-30", Decimal("2.00")),
        }


# ---------------------------------------------------------------- a number format that hides the value


def test_an_amount_a_number_format_hides_is_rejected_not_loaded_unseen(tmp_path):
    # ";;;" shows nothing at all (Excel's way to hide a cell's value); "0;;" hides a negative number; a format
    # hiding only zero ("#,##0.00;-#,##0.00;") shows 0 as blank, which a government sheet means: it loads 0
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    for row in [
        PROJECT_HEADERS,
        ["P04", 2562, "จังหวัดลำพูน", "ฝายแม้ว", "งบลงทุน", "อบต.", 250_000, 240_000],
        ["P05", 2562, "จังหวัดลำพูน", "ขุดลอก", "งบลงทุน", "อบต.", 150_000, -5],
        ["P06", 2562, "จังหวัดลำพูน", "ซ่อมถนน", "งบลงทุน", "อบต.", 70_000, 0],
        ["P07", 2562, "จังหวัดลำพูน", "อบรม", "งบดำเนินงาน", "อบต.", 50_000, 45_000],
    ]:
        sheet.append(row)
    sheet["H2"].number_format = ";;;"
    sheet["H3"].number_format = "0;;"
    sheet["H4"].number_format = "#,##0.00;-#,##0.00;"
    sheet["H5"].number_format = '#,##0.00;-#,##0.00;"-"'
    book = tmp_path / "projects.xlsx"
    workbook.save(book)
    db = fixture_projects_db(tmp_path)
    [result] = load_files([book], db_path=db)
    assert _rejects(db, result.load_id) == [(2, "วงเงินตามสัญญา", "hidden_value"), (3, "วงเงินตามสัญญา", "hidden_value")]
    stored = query(db, "SELECT project_code, contract_amount FROM projects WHERE project_code > 'P03' ORDER BY 1")
    assert stored == [("P06", None), ("P07", Decimal("45000.00"))]  # 0 is "no contract", as a dash or blank
    english, thai = _words(db, "hidden_value")
    assert "format" in english and "hides" in english and "ซ่อน" in thai


def test_the_same_hidden_value_in_an_old_xls(tmp_path):
    import xlwt

    workbook = xlwt.Workbook(encoding="utf-8")
    sheet = workbook.add_sheet("s")
    for column, header in enumerate(DISB_HEADERS):
        sheet.write(0, column, header)
    hidden = xlwt.easyxf(num_format_str=";;;")
    for row, (doc, amount, style) in enumerate([("D1", 1_000, hidden), ("D2", 2_000, None)], start=1):
        for column, value in enumerate([doc, "P01", "15/03/2562"]):
            sheet.write(row, column, value)
        sheet.write(row, 3, amount, style) if style else sheet.write(row, 3, amount)
        sheet.write(row, 4, CUR)
    book = tmp_path / "payments.xls"
    workbook.save(str(book))
    db = fixture_projects_db(tmp_path)
    [result] = load_files([book], db_path=db)
    assert _rejects(db, result.load_id) == [(2, "จำนวนเงิน", "hidden_value")]
    assert stored_payments(db) == {"D2": ("P01", "2019-03-15", Decimal("2000.00"))}


def test_formulas_a_program_wrote_into_an_old_xls_without_calculating_them_are_rejected(tmp_path):
    # xlwt (as programs write .xls) stores each formula with an empty-text result and no recalculation id:
    # Excel calculates it on opening and shows a figure, calamine reads ''. The contract (optional) was read
    # as "no contract", the payment amount as missing.
    import xlwt

    workbook = xlwt.Workbook(encoding="utf-8")
    sheet = workbook.add_sheet("s")
    rows = [PROJECT_HEADERS, ["P04", 2562, "จังหวัดลำพูน", "ฝายแม้ว", "งบลงทุน", "อบต.", 250_000, xlwt.Formula("G2*0.96")]]
    rows.append(["P05", 2562, "จังหวัดลำพูน", "ขุดลอก", "งบลงทุน", "อบต.", 150_000, 140_000])
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            sheet.write(r, c, value)
    book = tmp_path / "projects.xls"
    workbook.save(str(book))
    db = fixture_projects_db(tmp_path)
    [result] = load_files([book], db_path=db)
    assert _rejects(db, result.load_id) == [(2, "วงเงินตามสัญญา", "formula_without_value")]
    stored = query(db, "SELECT project_code, contract_amount FROM projects WHERE project_code > 'P03'")
    assert stored == [("P05", Decimal("140000.00"))]


def test_an_empty_formula_result_excel_calculated_in_an_old_xls_is_what_the_cell_shows(tmp_path):
    # The same record in a workbook with Excel's RECALCID (its engine calculated the formulas): an empty result
    # is what Excel shows, and loads as blank (guard for the rule above). The record is put in place of the
    # globals' WRITEACCESS record, the same size, so the file stays whole.
    import xlwt

    workbook = xlwt.Workbook(encoding="utf-8")
    sheet = workbook.add_sheet("s")
    rows = [PROJECT_HEADERS, ["P04", 2562, "จังหวัดลำพูน", "ฝายแม้ว", "งบลงทุน", "อบต.", 250_000, xlwt.Formula('""')]]
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            sheet.write(r, c, value)
    book = tmp_path / "projects.xls"
    workbook.save(str(book))
    data = book.read_bytes()
    assert data.count(b"\x5c\x00\x70\x00") == 1  # WRITEACCESS, 112 bytes
    book.write_bytes(data.replace(b"\x5c\x00\x70\x00", b"\xc1\x01\x70\x00"))
    db = fixture_projects_db(tmp_path)
    [result] = load_files([book], db_path=db)
    assert result.status == "loaded", result.message
    assert query(db, "SELECT contract_amount FROM projects WHERE project_code = 'P04'") == [(None,)]
