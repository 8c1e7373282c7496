"""Hostile input files, third round (Trust III): what programs and keyboards do to codes,
headers, years and encodings in real government files.

Every test writes its own file bytes, loads them through the real ETL and checks the store
with plain SQL against values worked out by hand. The battery these come from, with its
before/after, is bench/attack_files_iii.py and docs/reliability.md, "ETL: hostile inputs III".
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from etl.load import load_files
from tests.etl_fixtures import DISB_HEADERS, PROJECT_HEADERS, csv_bytes, fixture_projects_db, made_once, put, query

CUR = "งบประมาณปีปัจจุบัน"
DOC = "0077380001"


@pytest.fixture()
def db(tmp_path) -> Path:
    """A store holding the fixture projects P01-P03 and one payment, DOC = 100.00 for P01."""

    def make(folder: Path) -> None:
        path = fixture_projects_db(folder)
        first = put(folder, "first.csv", csv_bytes([DISB_HEADERS, [DOC, "P01", "01/03/2562", "100.00", CUR]]))
        [result] = load_files([first], db_path=path)
        assert result.status == "loaded", result.message

    return made_once("projects-and-one-payment", tmp_path, make)


def payments(db: Path) -> dict[str, Decimal]:
    return dict(query(db, "SELECT doc_no, amount FROM disbursements"))


def rejects(db: Path, load_id: int) -> list[tuple]:
    return query(
        db,
        "SELECT row_number, column_name, bad_value, reason_code FROM rejects WHERE load_id = ? ORDER BY row_number",
        [load_id],
    )


@pytest.mark.parametrize(
    "written",
    [
        "77380001.0",  # a program that read the column as numbers wrote it back as a float
        '="0077380001"',  # Excel's text formula, written by export tools to keep the zeros
        "'0077380001",  # Excel's text marker
        "００７７３８０００１",  # full-width digits
        "٠٠٧٧٣٨٠٠٠١",  # Arabic-Indic digits
        "۰۰۷۷۳۸۰۰۰۱",  # extended Arabic-Indic (Persian) digits
    ],
)
def test_a_document_number_as_programs_and_keyboards_write_it_is_the_stored_document(db, tmp_path, written):
    again = put(tmp_path, "again.csv", csv_bytes([DISB_HEADERS, [written, "P01", "01/03/2562", "100.00", CUR]]))
    [result] = load_files([again], db_path=db)
    assert result.status == "unchanged", result.message
    assert payments(db) == {DOC: Decimal("100.00")}  # not a second payment of 100.00


def test_a_code_excel_wrote_in_scientific_notation_is_rejected_as_lost_digits(db, tmp_path):
    rows = [
        DISB_HEADERS,
        ["7.73800E+07", "P01", "01/03/2562", "100.00", CUR],
        ["D5", "6.2E+09", "13/09/2562", "5.00", CUR],
        ["D6", "P01", "13/09/2562", "6.00", CUR],
    ]
    [result] = load_files([put(tmp_path, "sci.csv", csv_bytes(rows))], db_path=db)
    assert result.status == "loaded_with_rejects"
    assert (result.rows_inserted, result.rows_rejected) == (1, 2)
    assert rejects(db, result.load_id) == [
        (2, "เลขที่เอกสาร", "7.73800E+07", "code_as_number"),
        (3, "รหัสโครงการ", "6.2E+09", "code_as_number"),
    ]
    assert payments(db) == {DOC: Decimal("100.00"), "D6": Decimal("6.00")}


def test_a_two_digit_year_below_40_is_not_read_as_a_buddhist_era_year(db, tmp_path):
    rows = [
        PROJECT_HEADERS + ["วันที่ลงนามสัญญา"],
        ["P04", "2562", "ลำพูน", "ถนน", "งบลงทุน", "อบต.", "1,000.00", "900.00", "15/11/18"],  # 2018, not 2518
        ["P05", "2562", "ลำพูน", "ฝาย", "งบลงทุน", "อบต.", "1,000.00", "900.00", "15/11/61"],  # BE 2561
        ["P06", "2562", "ลำพูน", "สระ", "งบลงทุน", "อบต.", "1,000.00", "900.00", "1 Oct 18"],
        ["P07", "2562", "ลำพูน", "บ่อ", "งบลงทุน", "อบต.", "1,000.00", "900.00", "1/1/40"],  # BE 2540
    ]
    [result] = load_files([put(tmp_path, "p.csv", csv_bytes(rows))], db_path=db)
    assert [(row, reason) for row, _, _, reason in rejects(db, result.load_id)] == [(2, "bad_date"), (4, "bad_date")]
    assert dict(query(db, "SELECT project_code, contract_date FROM projects WHERE project_code >= 'P04'")) == {
        "P05": dt.date(2018, 11, 15),
        "P07": dt.date(1997, 1, 1),
    }


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda h: h.replace("\u0e35\u0e48", "\u0e48\u0e35"), id="tone-mark-before-vowel"),
        pytest.param(lambda h: h.replace("\u0e33", "\u0e4d\u0e32"), id="nikhahit-sara-aa"),
        pytest.param(lambda h: h[:3] + "\u200b" + h[3:], id="zero-width-space"),
        pytest.param(lambda h: h.replace("จำนวนเงิน", "จำนวนเงิน（บาท）"), id="full-width-brackets"),
    ],
)
def test_headers_that_look_the_same_on_screen_are_the_same_header(db, tmp_path, change):
    headers = [change(h) for h in DISB_HEADERS]
    assert headers != DISB_HEADERS
    [result] = load_files(
        [put(tmp_path, "h.csv", csv_bytes([headers, ["D7", "P01", "13/09/2562", "7.00", CUR]]))], db_path=db
    )
    assert result.status == "loaded", result.message
    assert payments(db) == {DOC: Decimal("100.00"), "D7": Decimal("7.00")}


def test_a_unit_title_with_an_invisible_character_still_refuses_the_file(db, tmp_path):
    path = put(
        tmp_path,
        "u.csv",
        csv_bytes([["(หน่วย : ล้าน\u200bบาท)"], DISB_HEADERS, ["D8", "P01", "13/09/2562", "1.5", CUR]]),
    )
    [result] = load_files([path], db_path=db)
    assert result.status == "refused"
    assert "million baht" in result.message
    assert payments(db) == {DOC: Decimal("100.00")}  # not 1.50 baht


def test_owner_and_enum_typed_with_the_mark_before_the_vowel_are_known(db, tmp_path):
    rows = [
        PROJECT_HEADERS,
        ["P08", "2562", "กาฬสินธ\u0e4c\u0e38", "ถนน", "งบลงทุน", "อบต.", "1,000.00", ""],  # กาฬสินธุ์
        ["P09", "2562", "ลำพูน", "ฝาย", "อ\u0e48\u0e37น", "อบต.", "2,000.00", ""],  # อื่น
    ]
    [result] = load_files([put(tmp_path, "p.csv", csv_bytes(rows))], db_path=db)
    assert result.status == "loaded", result.message
    assert query(
        db, "SELECT project_code, owner, budget_type FROM projects WHERE project_code >= 'P08' ORDER BY 1"
    ) == [
        ("P08", "46", "investment"),
        ("P09", "51", "other"),
    ]


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_text_without_a_byte_order_mark_loads_its_thai_whole(db, tmp_path, encoding):
    text = (
        "project_code,fiscal_year,owner,project_name,budget_type,implementing_agency,allocated_amount\r\n"
        "P10,2562,51,ถนนลาดยางสายบ้านใหม่,investment,อบต.ป่าซาง,1000.00\r\n"
    )
    [result] = load_files([put(tmp_path, "p.csv", text.encode(encoding))], db_path=db)
    assert result.status == "loaded", result.message
    assert query(
        db, "SELECT project_name, implementing_agency, allocated_amount FROM projects WHERE project_code = 'P10'"
    ) == [("ถนนลาดยางสายบ้านใหม่", "อบต.ป่าซาง", Decimal("1000.00"))]


def test_a_number_shown_as_a_percentage_in_an_amount_is_rejected_not_stored(db, tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append([*DISB_HEADERS, "ร้อยละเบิกจ่าย"])  # a column the kind does not use
    sheet.append(["D9", "P01", "13/09/2562", 0.5, CUR, 0.5])  # shown as 50%
    sheet.append(["D10", "P01", "13/09/2562", 0.125, CUR, 0.3])  # shown as 12.5%
    sheet.append(["D11", "P01", "13/09/2562", 1234.5, CUR, 0.7])  # shown as 1,234.50 บาท
    sheet["D2"].number_format = "0%"
    sheet["D3"].number_format = "0.0%"
    sheet["D4"].number_format = '#,##0.00" บาท %"'  # a % inside quoted text is not a percentage
    for row in (2, 3, 4):
        sheet[f"F{row}"].number_format = "0%"
    path = tmp_path / "pct.xlsx"
    book.save(path)
    [result] = load_files([path], db_path=db)
    assert result.status == "loaded_with_rejects"
    assert rejects(db, result.load_id) == [
        (2, "จำนวนเงิน", "50%", "percent_cell"),
        (3, "จำนวนเงิน", "12.5%", "percent_cell"),
    ]
    assert payments(db) == {DOC: Decimal("100.00"), "D11": Decimal("1234.50")}


def test_a_number_shown_as_a_percentage_in_an_old_xls_amount_is_rejected_not_stored(db, tmp_path):
    """The same in the old .xls format (read by calamine, formats by xlrd): it used to store 0.50 baht."""
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("เบิกจ่าย")
    styles = {
        "0%": xlwt.easyxf(num_format_str="0%"),
        "0.0%": xlwt.easyxf(num_format_str="0.0%"),
        "quoted": xlwt.easyxf(num_format_str='#,##0.00" บาท %"'),
    }
    rows = [
        (["D9", "P01", "13/09/2562", 0.5, CUR, 0.5], "0%"),  # shown as 50%
        (["D10", "P01", "13/09/2562", 0.125, CUR, 0.3], "0.0%"),  # shown as 12.5%
        (["D11", "P01", "13/09/2562", 1234.5, CUR, 0.7], "quoted"),  # shown as 1,234.50 บาท %
    ]
    for column, header in enumerate([*DISB_HEADERS, "ร้อยละเบิกจ่าย"]):
        sheet.write(0, column, header)
    for row, (values, style) in enumerate(rows, start=1):
        for column, value in enumerate(values):
            percent_elsewhere = column == 5  # a column the kind does not use
            chosen = styles["0%"] if percent_elsewhere else styles[style] if column == 3 else xlwt.Style.default_style
            sheet.write(row, column, value, chosen)
    path = tmp_path / "pct.xls"
    book.save(str(path))
    [result] = load_files([path], db_path=db)
    assert result.status == "loaded_with_rejects", result.message
    assert rejects(db, result.load_id) == [
        (2, "จำนวนเงิน", "50%", "percent_cell"),
        (3, "จำนวนเงิน", "12.5%", "percent_cell"),
    ]
    assert payments(db) == {DOC: Decimal("100.00"), "D11": Decimal("1234.50")}


@pytest.mark.parametrize("cut", [1, 2])
def test_a_utf8_file_cut_short_inside_a_thai_character_is_refused_as_cut_short(db, tmp_path, cut):
    data = csv_bytes([DISB_HEADERS, ["D12", "P01", "13/09/2562", "12.00", CUR]]).rstrip(b"\n")
    assert data.endswith("น".encode())  # the last cell ends in a Thai letter (3 bytes)
    [result] = load_files([put(tmp_path, "cut.csv", data[:-cut])], db_path=db)
    assert result.status == "refused"
    offset = len(data) - 3
    assert f"byte 0xE0 at offset {offset:,}, line 2" in result.message
    assert "cut short" in result.message
    assert payments(db) == {DOC: Decimal("100.00")}


# Kinds the battery found handled already but no test covered (guards: they passed before).


@pytest.mark.parametrize(
    ("column", "value", "reason"),
    [
        (3, "1.5 ล้านบาท", "bad_amount"),  # never 1.50
        (3, "1,500 พันบาท", "bad_amount"),
        (3, "1,234 บาท 50 สตางค์", "bad_amount"),
        (3, "USD 100", "bad_amount"),
        (3, "500-", "ambiguous_amount"),  # a trailing minus
        (3, "ลบ 500", "bad_amount"),
        (2, "วันศุกร์ที่ 13 กันยายน 2562", "bad_date"),
        (2, "13 ก.ย. 62 (แก้ไข)", "bad_date"),
        (2, "13/09/2562 0:00:00", "bad_date"),
    ],
)
def test_amount_and_date_cells_holding_words_are_rejected_never_read_in_part(db, tmp_path, column, value, reason):
    row = ["D13", "P01", "13/09/2562", "13.00", CUR]
    row[column] = value
    rows = [DISB_HEADERS, row, ["D14", "P01", "13/09/2562", "14.00", CUR]]
    [result] = load_files([put(tmp_path, "w.csv", csv_bytes(rows))], db_path=db)
    assert rejects(db, result.load_id) == [(2, DISB_HEADERS[column], value, reason)]
    assert payments(db) == {DOC: Decimal("100.00"), "D14": Decimal("14.00")}


def test_subtotal_rows_in_the_middle_are_skipped_and_counted(db, tmp_path):
    rows = [
        DISB_HEADERS,
        ["D15", "P01", "13/09/2562", "10.00", CUR],
        ["รวม P01", "", "", "10.00", ""],
        ["D16", "P02", "13/09/2562", "20.00", CUR],
        ["", "รวมกลุ่มจังหวัดภาคเหนือตอนบน 1", "", "20.00", ""],
        ["ยอดรวม", "", "", "30.00", ""],
        ["D17", "P01", "13/09/2562", "30.00", CUR],
        ["รวมทั้งสิ้น", "", "", "60.00", ""],
    ]
    [result] = load_files([put(tmp_path, "s.csv", csv_bytes(rows))], db_path=db)
    assert (result.status, result.rows_read, result.rows_inserted, result.total_rows_skipped) == ("loaded", 7, 3, 4)
    assert payments(db) == {
        DOC: Decimal("100.00"),
        "D15": Decimal("10.00"),
        "D16": Decimal("20.00"),
        "D17": Decimal("30.00"),
    }


def test_two_exports_concatenated_with_a_bom_in_the_middle_reject_only_the_second_header(db, tmp_path):
    first = csv_bytes([DISB_HEADERS, ["D18", "P01", "13/09/2562", "18.00", CUR]], encoding="utf-8-sig")
    second = csv_bytes([DISB_HEADERS, ["D19", "P01", "13/09/2562", "19.00", CUR]], encoding="utf-8-sig")
    [result] = load_files([put(tmp_path, "c.csv", first + second)], db_path=db)
    assert result.status == "loaded_with_rejects"
    assert {row for row, *_ in rejects(db, result.load_id)} == {3}
    assert payments(db) == {DOC: Decimal("100.00"), "D18": Decimal("18.00"), "D19": Decimal("19.00")}
