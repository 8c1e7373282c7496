"""Government sheet habits VI: what a sheet still shows otherwise than it holds — rows hidden by default or by a
row style of no height, text a number format hides, rows struck through as cancelled — and flat OpenDocument.

The rule: every row is loaded with the value its user sees in the sheet, or rejected with a reason naming file,
row and column; nothing is guessed; a refused file leaves the store as it was. Expected values are the rows the
test wrote, the visible (or live) ones picked by hand. Each test failed on db52861 (the main before this pass)
unless it says it is a guard.
"""

from __future__ import annotations

import re
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest

from etl.load import load_files
from tests.etl_fixtures import (
    DISB_HEADERS,
    PROJECT_HEADERS,
    fixture_projects_db,
    load_rejects,
    query,
    stored_payments,
    write_ods,
)
from tests.sheet_habits_support import CUR, PAYMENTS, _ods_row, _ods_style, _paid, _rewrite  # noqa: F401

# --------------------------------------------------------------------------- rows hidden by default


def _hidden_by_default(path: Path, shown_rows: list[int]) -> Path:
    """PAYMENTS in an .xlsx whose rows are hidden by default (<sheetFormatPr zeroHeight="1">, Excel's "hide
    every row below the table" habit), the rows in `shown_rows` (1-based) given a height of their own."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    for row in PAYMENTS:
        sheet.append(row)
    sheet.sheet_format.zeroHeight = True
    for number in shown_rows:
        sheet.row_dimensions[number].height = 15  # written ht="15" customHeight="1"
    workbook.save(path)
    with zipfile.ZipFile(path) as book:
        assert b'zeroHeight="1"' in book.read("xl/worksheets/sheet1.xml")
    return path


@pytest.mark.parametrize("references", [True, False])
def test_rows_of_a_sheet_that_hides_rows_by_default_are_rejected_unless_given_a_height(tmp_path, references):
    book = _hidden_by_default(tmp_path / "payments.xlsx", shown_rows=[1, 2, 4])  # header, D1, D3 shown
    if not references:  # rows and cells without r="…", as some export tools write them (read row by row)
        _rewrite(book, "xl/worksheets/sheet1.xml", lambda x: re.sub(rb'<(row|c) r="[A-Z]*\d+"', rb"<\1", x))
    db = fixture_projects_db(tmp_path)
    [result] = load_files([book], db_path=db)
    assert result.status == "loaded_with_rejects", result.message
    assert stored_payments(db) == _paid("D1", "D3")
    assert load_rejects(db, result.load_id) == [
        (3, "เลขที่เอกสาร", "hidden_row", "D2"),
        (5, "เลขที่เอกสาร", "hidden_row", "D4"),
    ]


def test_a_sheet_hiding_rows_by_default_whose_rows_all_have_a_height_loads_whole(tmp_path):
    # guard (passed before): every row of the table given a height is shown
    book = _hidden_by_default(tmp_path / "payments.xlsx", shown_rows=[1, 2, 3, 4, 5])
    db = fixture_projects_db(tmp_path)
    [result] = load_files([book], db_path=db)
    assert result.status == "loaded", result.message
    assert stored_payments(db) == _paid("D1", "D2", "D3", "D4")


@pytest.mark.parametrize("height", ["0cm", "0in", "0.000mm"])
def test_an_ods_row_of_no_height_is_hidden(tmp_path, height):
    # LibreOffice hides with table:visibility; a row style of no height (dragged shut, or written by a program)
    # hides the row as well: Calc shows nothing of it
    book = write_ods(tmp_path / "payments.ods", {"s": PAYMENTS})
    style = (
        '<style:style style:name="ro9" style:family="table-row"><style:table-row-properties '
        f'style:row-height="{height}" style:use-optimal-row-height="false"/></style:style>'
    )
    _rewrite(
        book,
        "content.xml",
        lambda x: _ods_row(_ods_style(x, style), 3, lambda row: row.replace(b'"ro1"', b'"ro9"', 1)),
    )
    db = fixture_projects_db(tmp_path)
    [result] = load_files([book], db_path=db)
    assert load_rejects(db, result.load_id) == [(3, "เลขที่เอกสาร", "hidden_row", "D2")]
    assert stored_payments(db) == _paid("D1", "D3", "D4")


def test_an_ods_column_of_no_width_is_hidden(tmp_path):
    # the only amount column dragged shut: refused naming it, as a hidden column (store unchanged)
    book = write_ods(tmp_path / "payments.ods", {"s": PAYMENTS})
    style = (
        '<style:style style:name="co9" style:family="table-column"><style:table-column-properties '
        'style:column-width="0in"/></style:style>'
    )

    def change(content: bytes) -> bytes:
        columns = list(re.finditer(rb'<table:table-column table:style-name="co1"', content))
        at = columns[3].start()  # D
        return _ods_style(content[:at] + content[at:].replace(b'"co1"', b'"co9"', 1), style)

    _rewrite(book, "content.xml", change)
    db = fixture_projects_db(tmp_path)
    before = stored_payments(db)
    [result] = load_files([book], db_path=db)
    assert result.status == "refused"
    assert 'D (4) "จำนวนเงิน" is hidden' in result.message
    assert stored_payments(db) == before


# --------------------------------------------------------------------------- text a format hides


def test_text_a_number_format_hides_is_rejected_in_an_xlsx(tmp_path):
    # ";;;" hides text too (its fourth section, for text, is empty); "0;-0;0;" shows numbers but no text;
    # '0;-0;0;"-"' shows a dash where the text is. A number in "0;-0;0;" is shown as it is and loads.
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    for row in PAYMENTS:
        sheet.append(row)
    sheet["B2"].number_format = ";;;"  # D1's project code: the user sees an empty cell
    sheet["B3"].number_format = "0;-0;0;"  # D2's project code
    sheet["A4"].number_format = '0;-0;0;"-"'  # D3's document number shown as "-"
    sheet["D5"].number_format = "#,##0;-#,##0;0;"  # D4's amount, a number: shown, loads
    book = tmp_path / "payments.xlsx"
    workbook.save(book)
    db = fixture_projects_db(tmp_path)
    [result] = load_files([book], db_path=db)
    assert load_rejects(db, result.load_id) == [
        (2, "รหัสโครงการ", "hidden_value", "P01"),
        (3, "รหัสโครงการ", "hidden_value", "P01"),
        (4, "เลขที่เอกสาร", "hidden_value", "D3"),
    ]
    assert stored_payments(db) == _paid("D4")


def test_text_a_number_format_hides_in_a_projects_sheet_keeps_the_stored_project(tmp_path):
    # a project whose name is hidden by ";;;" re-sent: the row rejected, the stored project untouched
    from openpyxl import Workbook

    db = fixture_projects_db(tmp_path)
    [(name_before,)] = query(db, "SELECT project_name FROM projects WHERE project_code = 'P01'")
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(PROJECT_HEADERS)
    sheet.append(["P01", 2562, "จังหวัดเชียงใหม่", "ถนนลาดยาง (ยกเลิก)", "งบลงทุน", "อบจ.เชียงใหม่", 1_000_000, 800_000])
    sheet["D2"].number_format = ";;;"
    book = tmp_path / "projects.xlsx"
    workbook.save(book)
    [result] = load_files([book], db_path=db)
    assert load_rejects(db, result.load_id) == [(2, "ชื่อโครงการ", "hidden_value", "ถนนลาดยาง (ยกเลิก)")]
    assert query(db, "SELECT project_name FROM projects WHERE project_code = 'P01'") == [(name_before,)]


def test_the_same_hidden_text_in_an_old_xls(tmp_path):
    import xlwt

    workbook = xlwt.Workbook(encoding="utf-8")
    sheet = workbook.add_sheet("s")
    hidden = xlwt.easyxf(num_format_str=";;;")
    for r, row in enumerate(PAYMENTS):
        for c, value in enumerate(row):
            sheet.write(r, c, value, hidden) if (r, c) == (2, 1) else sheet.write(r, c, value)
    book = tmp_path / "payments.xls"
    workbook.save(str(book))
    db = fixture_projects_db(tmp_path)
    [result] = load_files([book], db_path=db)
    assert load_rejects(db, result.load_id) == [(3, "รหัสโครงการ", "hidden_value", "P01")]
    assert stored_payments(db) == _paid("D1", "D3", "D4")


def test_the_same_hidden_text_in_an_ods(tmp_path):
    # LibreOffice writes a format with a text section as a text style (the text section) whose maps give the
    # number sections; without <number:text-content/> it shows no text
    book = write_ods(tmp_path / "payments.ods", {"s": PAYMENTS})
    styles = (
        '<number:number-style style:name="N9P0" style:volatile="true"/>'
        '<number:number-style style:name="N9P1" style:volatile="true"/>'
        '<number:number-style style:name="N9P2" style:volatile="true"/>'
        '<number:text-style style:name="N9"><style:map style:condition="value()&gt;0" style:apply-style-name="N9P0"/>'
        '<style:map style:condition="value()&lt;0" style:apply-style-name="N9P1"/>'
        '<style:map style:condition="value()=0" style:apply-style-name="N9P2"/></number:text-style>'
        '<style:style style:name="ce9" style:family="table-cell" style:parent-style-name="Default" '
        'style:data-style-name="N9"/>'
    )

    def change(content: bytes) -> bytes:
        def hide_code(row: bytes) -> bytes:  # the row's second cell, its project code
            cells = list(re.finditer(rb"<table:table-cell\b", row))
            at = cells[1].end()
            return row[:at] + b' table:style-name="ce9"' + row[at:]

        return _ods_row(_ods_style(content, styles), 4, hide_code)

    _rewrite(book, "content.xml", change)
    db = fixture_projects_db(tmp_path)
    [result] = load_files([book], db_path=db)
    assert load_rejects(db, result.load_id) == [(4, "รหัสโครงการ", "hidden_value", "P02")]
    assert stored_payments(db) == _paid("D1", "D2", "D4")


# --------------------------------------------------------------------------- struck through


def test_a_row_struck_through_as_cancelled_is_rejected_not_loaded(tmp_path):
    # D2 struck through in every cell (the sheet's "cancelled" mark); D3 with only its amount struck is not a
    # struck row (since habits VII its amount is rejected `struck_value`, tests/test_etl_sheet_habits_vii.py); the
    # header struck through is not data
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    for row in PAYMENTS:
        sheet.append(row)
    for cell in [*sheet[1], *sheet[3]]:
        cell.font = Font(strike=True)
    sheet["D4"].font = Font(strike=True)
    sheet["F3"] = None  # an empty cell beside the row: not filled, not judged
    book = tmp_path / "payments.xlsx"
    workbook.save(book)
    db = fixture_projects_db(tmp_path)
    [result] = load_files([book], db_path=db)
    assert result.status == "loaded_with_rejects", result.message
    assert load_rejects(db, result.load_id) == [
        (3, "เลขที่เอกสาร", "struck_row", "D2"),
        (4, "จำนวนเงิน", "struck_value", "3000"),
    ]
    assert stored_payments(db) == _paid("D1", "D4")
    [(english, thai)] = query(db, "SELECT DISTINCT reason_en, reason_th FROM rejects WHERE reason_code = 'struck_row'")
    assert "struck through" in english and "cancelled" in english and "ขีดฆ่า" in thai


def test_a_struck_project_row_leaves_the_stored_project_as_it_was(tmp_path):
    from openpyxl import Workbook
    from openpyxl.styles import Font

    db = fixture_projects_db(tmp_path)
    [(allocated_before,)] = query(db, "SELECT allocated_amount FROM projects WHERE project_code = 'P01'")
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(PROJECT_HEADERS)
    sheet.append(["P01", 2562, "จังหวัดเชียงใหม่", "ถนนลาดยาง", "งบลงทุน", "อบจ.เชียงใหม่", 1, None])
    for cell in sheet[2]:
        cell.font = Font(strike=True)
    book = tmp_path / "projects.xlsx"
    workbook.save(book)
    [result] = load_files([book], db_path=db)
    assert load_rejects(db, result.load_id) == [(2, "รหัสโครงการ", "struck_row", "P01")]
    assert query(db, "SELECT allocated_amount FROM projects WHERE project_code = 'P01'") == [(allocated_before,)]


def test_a_row_struck_through_in_an_old_xls(tmp_path):
    import xlwt

    workbook = xlwt.Workbook(encoding="utf-8")
    sheet = workbook.add_sheet("s")
    struck = xlwt.easyxf("font: struck_out on")
    for r, row in enumerate(PAYMENTS):
        for c, value in enumerate(row):
            sheet.write(r, c, value, struck) if r == 4 else sheet.write(r, c, value)
    book = tmp_path / "payments.xls"
    workbook.save(str(book))
    db = fixture_projects_db(tmp_path)
    [result] = load_files([book], db_path=db)
    assert load_rejects(db, result.load_id) == [(5, "เลขที่เอกสาร", "struck_row", "D4")]
    assert stored_payments(db) == _paid("D1", "D2", "D3")


def test_a_row_struck_through_in_an_ods(tmp_path):
    book = write_ods(tmp_path / "payments.ods", {"s": PAYMENTS})
    style = (
        '<style:style style:name="ce8" style:family="table-cell" style:parent-style-name="Default">'
        '<style:text-properties style:text-line-through-style="solid" style:text-line-through-type="single"/>'
        "</style:style>"
    )

    def change(content: bytes) -> bytes:
        def strike(row: bytes) -> bytes:
            return row.replace(b"<table:table-cell ", b'<table:table-cell table:style-name="ce8" ')

        return _ods_row(_ods_style(content, style), 2, strike)

    _rewrite(book, "content.xml", change)
    db = fixture_projects_db(tmp_path)
    [result] = load_files([book], db_path=db)
    assert load_rejects(db, result.load_id) == [(2, "เลขที่เอกสาร", "struck_row", "D1")]
    assert stored_payments(db) == _paid("D2", "D3", "D4")


# --------------------------------------------------------------------------- flat ODS, encrypted workbooks


def _flat_ods(tmp_path: Path) -> bytes:
    """The content.xml of an .ods of PAYMENTS as a flat document (office:document, as a .fods is written)."""
    book = write_ods(tmp_path / "source.ods", {"s": PAYMENTS}, padding=False)
    with zipfile.ZipFile(book) as source:
        content = source.read("content.xml")
    return content.replace(b"office:document-content", b"office:document")


@pytest.mark.parametrize("name", ["payments.fods", "payments.ods", "payments.xlsx"])
def test_a_flat_opendocument_file_is_refused_saying_to_save_it_as_ods(tmp_path, name):
    # named .fods, or renamed .ods / .xlsx: refused saying what it is and what to do; the store unchanged
    book = tmp_path / name
    book.write_bytes(_flat_ods(tmp_path))
    db = fixture_projects_db(tmp_path)
    before = stored_payments(db)
    [result] = load_files([book], db_path=db)
    assert result.status == "refused"
    assert "flat OpenDocument" in result.message and "save it as .ods or .xlsx" in result.message
    assert "OpenDocument แบบ XML ไฟล์เดียว" in result.message
    assert stored_payments(db) == before


def test_an_xlsx_protected_with_a_password_to_open_is_refused_saying_so(tmp_path):
    # Excel's "Encrypt with Password" writes an OLE2 container, not a zip: the message says so, not "damaged"
    book = tmp_path / "payments.xlsx"
    book.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4088) + b"EncryptedPackage" + bytes(512))
    db = fixture_projects_db(tmp_path)
    before = stored_payments(db)
    [result] = load_files([book], db_path=db)
    assert result.status == "refused"
    assert "password to open" in result.message and "รหัสผ่าน" in result.message
    assert stored_payments(db) == before


# --------------------------------------------------------------------------- a sign a format does not show


def test_a_negative_amount_its_format_shows_without_a_sign_is_rejected(tmp_path):
    # "#,##0.00;#,##0.00" shows -2,000 as 2,000.00, "[Red]" alone likewise (in colour): the user sees a positive
    # figure; "#,##0.00;(#,##0.00)" and '#,##0;"-"#,##0' show the sign and load; a positive number in the unsigned
    # format is shown as it is and loads
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    for row in [
        PROJECT_HEADERS,
        ["P04", 2562, "จังหวัดลำพูน", "ฝายแม้ว", "งบลงทุน", "อบต.", 250_000, -5],
        ["P05", 2562, "จังหวัดลำพูน", "ขุดลอก", "งบลงทุน", "อบต.", 150_000, -6],
        ["P06", 2562, "จังหวัดลำพูน", "ซ่อมถนน", "งบลงทุน", "อบต.", 70_000, -7],
        ["P07", 2562, "จังหวัดลำพูน", "อบรม", "งบดำเนินงาน", "อบต.", 50_000, 45_000],
    ]:
        sheet.append(row)
    sheet["H2"].number_format = "#,##0.00;#,##0.00"
    sheet["H3"].number_format = "#,##0.00;[Red]#,##0.00"
    sheet["H4"].number_format = "#,##0.00;(#,##0.00)"
    sheet["H5"].number_format = "#,##0.00;#,##0.00"
    book = tmp_path / "projects.xlsx"
    workbook.save(book)
    db = fixture_projects_db(tmp_path)
    [result] = load_files([book], db_path=db)
    assert load_rejects(db, result.load_id) == [
        (2, "วงเงินตามสัญญา", "hidden_sign", "-5"),
        (3, "วงเงินตามสัญญา", "hidden_sign", "-6"),
        (4, "วงเงินตามสัญญา", "amount_not_positive", "-7"),
    ]
    stored = query(db, "SELECT project_code, contract_amount FROM projects WHERE project_code > 'P03' ORDER BY 1")
    assert stored == [("P07", Decimal("45000.00"))]
    [(english,)] = query(db, "SELECT DISTINCT reason_en FROM rejects WHERE reason_code = 'hidden_sign'")
    assert "without its minus sign" in english


def test_a_payment_refund_shown_without_its_sign_in_an_old_xls_and_an_ods(tmp_path):
    import xlwt

    workbook = xlwt.Workbook(encoding="utf-8")
    sheet = workbook.add_sheet("s")
    unsigned = xlwt.easyxf(num_format_str="#,##0.00;#,##0.00")
    rows = [*PAYMENTS[:2], ["D2", "P01", "16/03/2562", -500, CUR]]
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            sheet.write(r, c, value, unsigned) if c == 3 and r else sheet.write(r, c, value)
    book = tmp_path / "payments.xls"
    workbook.save(str(book))
    db = fixture_projects_db(tmp_path)
    [result] = load_files([book], db_path=db)
    assert load_rejects(db, result.load_id) == [(3, "จำนวนเงิน", "hidden_sign", "-500")]
    assert stored_payments(db) == _paid("D1")

    # the same in an .ods: a negative section (style:map value()<0) writing the number without a "-" text
    ods = write_ods(tmp_path / "refund.ods", {"s": [DISB_HEADERS, ["D5", "P01", "16/03/2562", -700, CUR]]})
    styles = (
        '<number:number-style style:name="N7P1" style:volatile="true"><number:number number:decimal-places="2" '
        'number:min-integer-digits="1" number:grouping="true"/></number:number-style>'
        '<number:number-style style:name="N7"><number:number number:decimal-places="2" number:min-integer-digits="1" '
        'number:grouping="true"/><style:map style:condition="value()&lt;0" style:apply-style-name="N7P1"/>'
        "</number:number-style>"
        '<style:style style:name="ce7" style:family="table-cell" style:parent-style-name="Default" '
        'style:data-style-name="N7"/>'
    )

    def change(content: bytes) -> bytes:
        content = _ods_style(content, styles)
        return content.replace(
            b'<table:table-cell office:value-type="float"',
            b'<table:table-cell table:style-name="ce7" office:value-type="float"',
        )

    _rewrite(ods, "content.xml", change)
    [result] = load_files([ods], db_path=db)
    assert load_rejects(db, result.load_id) == [(2, "จำนวนเงิน", "hidden_sign", "-700")]
    assert stored_payments(db) == _paid("D1")


def test_rows_hidden_by_default_in_an_old_xls(tmp_path):
    # the DEFAULTROWHEIGHT record's "hidden" flag: rows without a height of their own are not shown
    import xlwt

    workbook = xlwt.Workbook(encoding="utf-8")
    sheet = workbook.add_sheet("s")
    sheet.row_default_hidden = 1
    for r, row in enumerate(PAYMENTS):
        for c, value in enumerate(row):
            sheet.write(r, c, value)
        if r in (0, 1, 3):  # the header, D1 and D3 given a height: shown
            sheet.row(r).height_mismatch = True
            sheet.row(r).height = 300
    book = tmp_path / "payments.xls"
    workbook.save(str(book))
    db = fixture_projects_db(tmp_path)
    [result] = load_files([book], db_path=db)
    assert load_rejects(db, result.load_id) == [
        (3, "เลขที่เอกสาร", "hidden_row", "D2"),
        (5, "เลขที่เอกสาร", "hidden_row", "D4"),
    ]
    assert stored_payments(db) == _paid("D1", "D3")
