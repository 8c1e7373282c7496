"""OpenDocument spreadsheets (.ods, LibreOffice's and ODF's own format, a Thai national standard) load through the
Excel reader's process with the checks an .xlsx has: error cells, percent and scaled number formats, values a
format hides, merges down and across, hidden rows and columns, hidden sheets, dates.

The files are written by `tests.etl_fixtures.write_ods` as LibreOffice writes them (runs of equal cells and
rows written once with `number-columns-repeated` / `number-rows-repeated`, and the sheet padded to row 1,048,576
with one repeated empty row). Expected values are worked out by hand from the rows the test wrote.
Every test here failed before .ods was read (".ods: unsupported file type").
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

from etl.load import load_files
from tests.etl_fixtures import (
    DISB_HEADERS,
    PROJECT_HEADERS,
    OdsError,
    OdsFormula,
    fixture_projects_db,
    load_rejects,
    query,
    stored_payments,
    write_ods,
    write_xlsx,
)

CUR = "งบประมาณปีปัจจุบัน"
TITLE = "รายงานโครงการตามแผนพัฒนาจังหวัด ประจำปีงบประมาณ พ.ศ. 2562"
UNIT = "(หน่วย : บาท)"


def _new_projects(db: Path) -> dict[str, tuple]:
    return {
        code: rest
        for code, *rest in query(
            db,
            "SELECT project_code, fiscal_year, owner, project_name, budget_type, implementing_agency, "
            "allocated_amount, contract_amount FROM projects WHERE project_code > 'P03' ORDER BY 1",
        )
    }


# A title and a unit row above a Thai header; P05's allocation and contract are equal (one cell repeated
# twice in the file), and the last two rows are the same row twice (one row repeated: the second is a
# duplicate of the first, as in an .xlsx holding it twice).
PLAIN = [
    [TITLE],
    [UNIT],
    PROJECT_HEADERS,
    ["P04", 2562, "จังหวัดลำพูน", "ก่อสร้างฝายแม้ว", "งบลงทุน", "อบต.บ้านธิ", 250_000, 240_000.5],
    ["P05", 2562, "จ.ลำพูน", "ขุดลอกคลอง", "งบลงทุน", "อบต.", 150_000, 150_000],
    ["P06", "2562", "กลุ่มจังหวัดภาคเหนือตอนบน 1", "อบรมเกษตรกร", "งบดำเนินงาน", "สนง.เกษตร", "50,000.00", None],
    ["P07", 2562, "จังหวัดลำปาง", "ซ่อมถนน", "งบลงทุน", "อบจ.", 70_000, None],
    ["P07", 2562, "จังหวัดลำปาง", "ซ่อมถนน", "งบลงทุน", "อบจ.", 70_000, None],
]
# worked by hand: Lamphun is 51, Lampang 52, the upper-north cluster 1 is C01 (data/reference/provinces.csv,
# clusters.csv)
PLAIN_STORED = {
    "P04": [2562, "51", "ก่อสร้างฝายแม้ว", "investment", "อบต.บ้านธิ", Decimal("250000.00"), Decimal("240000.50")],
    "P05": [2562, "51", "ขุดลอกคลอง", "investment", "อบต.", Decimal("150000.00"), Decimal("150000.00")],
    "P06": [2562, "C01", "อบรมเกษตรกร", "operating", "สนง.เกษตร", Decimal("50000.00"), None],
    "P07": [2562, "52", "ซ่อมถนน", "investment", "อบจ.", Decimal("70000.00"), None],
}


def test_a_plain_ods_with_a_title_and_a_unit_row_loads_as_the_same_xlsx(tmp_path):
    for book in (
        write_ods(tmp_path / "projects.ods", {"โครงการ": PLAIN}),
        write_xlsx(tmp_path / "p.xlsx", {"s": PLAIN}),
    ):
        folder = tmp_path / book.suffix[1:]
        folder.mkdir()
        db = fixture_projects_db(folder)
        [result] = load_files([book], db_path=db)
        assert result.status == "loaded_with_rejects", result.message
        assert _new_projects(db) == PLAIN_STORED, book.suffix
        assert [row[:3] for row in load_rejects(db, result.load_id)] == [(8, "รหัสโครงการ", "duplicate_key")]
    with __import__("zipfile").ZipFile(tmp_path / "projects.ods") as ods:
        content = ods.read("content.xml")
    # what this test is about: LibreOffice's compressed runs and its padding to the sheet's last row
    assert b'table:number-rows-repeated="2"' in content and b'table:number-columns-repeated="2"' in content
    assert b'table:number-rows-repeated="1048568"' in content


def test_error_cells_and_a_formula_without_its_result_are_rejected_as_in_an_xlsx(tmp_path):
    rows = [
        [*DISB_HEADERS, "หมายเหตุ"],
        ["D1", "P01", "15/03/2562", OdsError("#DIV/0!"), CUR, None],
        ["D2", "P02", "16/03/2562", 2_000, CUR, OdsError("Err:502")],  # a column the kind does not use
        ["D3", "P03", OdsError("Err:502"), 3_000, CUR, None],
        ["D4", "P03", "17/03/2562", 4_000, CUR, None],
        ["D5", "P03", "18/03/2562", OdsFormula("of:=[.D5]*2"), CUR, None],  # no result: never read as blank
    ]
    db = fixture_projects_db(tmp_path)
    [result] = load_files([write_ods(tmp_path / "payments.ods", {"s": rows})], db_path=db)
    assert result.status == "loaded_with_rejects", result.message
    assert load_rejects(db, result.load_id) == [
        (2, "จำนวนเงิน", "error_cell", "#DIV/0!"),
        (4, "วันที่ผ่านรายการ", "error_cell", "Err:502"),
        (6, "จำนวนเงิน", "formula_without_value", "=[.D5]*2"),
    ]
    assert stored_payments(db) == {
        "D2": ("P02", "2019-03-16", Decimal("2000.00")),
        "D4": ("P03", "2019-03-17", Decimal("4000.00")),
    }


def test_percent_thousands_and_hidden_number_formats_are_rejected_as_in_an_xlsx(tmp_path):
    rows = [
        PROJECT_HEADERS,
        ["P04", 2562, "จังหวัดลำพูน", "ก", "งบลงทุน", "อบต.", 250_000, 0.5],  # shown 50%
        ["P05", 2562, "จังหวัดลำพูน", "ข", "งบลงทุน", "อบต.", 1_500_000, 1_400_000],  # shown 1,500 and 1.4
        ["P06", 2562, "จังหวัดลำพูน", "ค", "งบลงทุน", "อบต.", 70_000, 60_000],  # the contract shown as nothing
        ["P07", 2562, "จังหวัดลำพูน", "ง", "งบลงทุน", "อบต.", 80_000, 0],  # zero shown as nothing: no contract
        ["P08", 2562, "จังหวัดลำพูน", "จ", "งบลงทุน", "อบต.", 90_000, 85_000.25],  # #,##0.00: as it is
    ]
    formats = {"H2": "percent", "G3": "thousands", "H3": "millions", "H4": "hidden", "H5": "hidden", "H6": "plain"}
    db = fixture_projects_db(tmp_path)
    book = write_ods(tmp_path / "projects.ods", {"s": rows}, formats={"s": formats})
    [result] = load_files([book], db_path=db)
    assert result.status == "loaded_with_rejects", result.message
    assert load_rejects(db, result.load_id) == [
        (2, "วงเงินตามสัญญา", "percent_cell", "50%"),
        (3, "งบประมาณที่ได้รับจัดสรร", "scaled_cell", "1500"),
        (3, "วงเงินตามสัญญา", "scaled_cell", "1.4"),
        (4, "วงเงินตามสัญญา", "hidden_value", "60000"),
    ]
    stored = {code: values[-2:] for code, values in _new_projects(db).items()}
    assert stored == {"P07": [Decimal("80000.00"), None], "P08": [Decimal("90000.00"), Decimal("85000.25")]}


def test_cells_merged_down_and_across_are_spread_or_rejected_as_in_an_xlsx(tmp_path):
    # B2:B4 the year and C2:C4 the province typed once over three projects; G5:G6 one allocation over two
    # projects; D7:E7 a name over the budget type's column
    rows = [
        PROJECT_HEADERS,
        ["P04", 2562, "จังหวัดลำพูน", "ก", "งบลงทุน", "อบต.", 100_000, None],
        ["P05", None, None, "ข", "งบลงทุน", "อบต.", 200_000, None],
        ["P06", None, None, "ค", "งบดำเนินงาน", "อบต.", 300_000, None],
        ["P07", 2562, "จังหวัดลำปาง", "ง", "งบลงทุน", "อบจ.", 9_000, None],
        ["P08", 2562, "จังหวัดลำปาง", "จ", "งบลงทุน", "อบจ.", None, None],
        ["P09", 2562, "จังหวัดลำปาง", "ชื่อยาวเกินช่อง", None, "อบจ.", 50_000, None],
    ]
    merges = ["B2:B4", "C2:C4", "G5:G6", "D7:E7"]
    db = fixture_projects_db(tmp_path)
    [result] = load_files([write_ods(tmp_path / "projects.ods", {"s": rows}, {"s": merges})], db_path=db)
    assert result.status == "loaded_with_rejects", result.message
    assert [row[:3] for row in load_rejects(db, result.load_id)] == [
        (5, "งบประมาณที่ได้รับจัดสรร", "merged_amount"),
        (6, "งบประมาณที่ได้รับจัดสรร", "merged_amount"),
        (7, "ประเภทงบรายจ่าย", "merged_across"),
    ]
    assert load_rejects(db, result.load_id)[-1][3] == "D7:E7"
    assert {code: values[:2] for code, values in _new_projects(db).items()} == {
        "P04": [2562, "51"],
        "P05": [2562, "51"],
        "P06": [2562, "51"],
    }


def test_hidden_rows_and_a_hidden_column_are_not_loaded_as_in_an_xlsx(tmp_path):
    # row 3 hidden by hand (table:visibility="collapse"), row 5 by a filter; the old amount D hidden beside the
    # shown F; the title above the header hidden too (not data)
    rows = [
        ["รายงานการเบิกจ่าย"],
        [*DISB_HEADERS, "เบิกจ่าย"],
        ["D1", "P01", "15/03/2562", 10_000, CUR, 1_000],
        ["D2", "P01", "16/03/2562", 20_000, CUR, 2_000],
        ["D3", "P02", "17/03/2562", 30_000, CUR, 3_000],
        ["D4", "P02", "18/03/2562", 40_000, CUR, 4_000],
        ["D5", "P03", "19/03/2562", 50_000, CUR, 5_000],
    ]
    book = write_ods(
        tmp_path / "payments.ods",
        {"s": rows},
        hidden_rows={"s": [1, 4]},
        filtered_rows={"s": [6]},
        hidden_columns={"s": ["D"]},
    )
    db = fixture_projects_db(tmp_path)
    [result] = load_files([book], db_path=db)
    assert result.status == "loaded_with_rejects", result.message
    assert load_rejects(db, result.load_id) == [
        (4, "เลขที่เอกสาร", "hidden_row", "D2"),
        (6, "เลขที่เอกสาร", "hidden_row", "D4"),
    ]
    assert stored_payments(db) == {
        "D1": ("P01", "2019-03-15", Decimal("1000.00")),
        "D3": ("P02", "2019-03-17", Decimal("3000.00")),
        "D5": ("P03", "2019-03-19", Decimal("5000.00")),
    }
    assert "D (4)" in result.message and "hidden" in result.message


def test_a_hidden_only_amount_column_and_a_hidden_sheet_as_in_an_xlsx(tmp_path):
    db = fixture_projects_db(tmp_path)
    before = query(db, "SELECT count(*) FROM disbursements")
    rows = [DISB_HEADERS, ["D1", "P01", "15/03/2562", 1_000, CUR]]
    book = write_ods(tmp_path / "payments.ods", {"s": rows}, hidden_columns={"s": ["D"]})
    [result] = load_files([book], db_path=db)
    assert result.status == "refused" and "D (4)" in result.message and "unhide" in result.message
    assert query(db, "SELECT count(*) FROM disbursements") == before
    book = write_ods(
        tmp_path / "two.ods",
        {"old": [DISB_HEADERS, ["D9", "P01", "1/3/2562", 9, CUR]], "s": rows},
        hidden_sheets=("old",),
    )
    [result] = load_files([book], db_path=db)
    assert result.status == "loaded", result.message
    assert stored_payments(db) == {"D1": ("P01", "2019-03-15", Decimal("1000.00"))}
    assert 'hidden sheet "old"' in result.message


def test_date_cells_are_the_dates_shown_and_a_buddhist_year_reads_as_in_an_xlsx(tmp_path):
    # a date cell (office:date-value), a date cell LibreOffice made of "15/03/2562" typed in (year 2562 CE: read
    # as the BE year, as the same cell of an .xlsx), the BE date typed as text, and in Thai digits
    rows = [
        DISB_HEADERS,
        ["D1", "P01", dt.date(2019, 3, 15), 1_000, CUR],
        ["D2", "P01", dt.date(2562, 3, 16), 2_000, CUR],
        ["D3", "P02", "17/03/2562", 3_000, CUR],
        ["D4", "P02", "๑๘ มี.ค. ๖๒", 4_000, CUR],
    ]
    expected = {
        "D1": ("P01", "2019-03-15", Decimal("1000.00")),
        "D2": ("P01", "2019-03-16", Decimal("2000.00")),
        "D3": ("P02", "2019-03-17", Decimal("3000.00")),
        "D4": ("P02", "2019-03-18", Decimal("4000.00")),
    }
    for book in (write_ods(tmp_path / "payments.ods", {"s": rows}), write_xlsx(tmp_path / "p.xlsx", {"s": rows})):
        folder = tmp_path / book.suffix[1:]
        folder.mkdir()
        db = fixture_projects_db(folder)
        [result] = load_files([book], db_path=db)
        assert result.status == "loaded", result.message
        assert stored_payments(db) == expected, book.suffix


def test_the_rows_counted_without_the_parser_give_the_scan_the_parser_gives(tmp_path, monkeypatch):
    # the plain rows between the others are counted from the bytes (etl.workbook_child._OdsFeeder); with the
    # chunks cut every 997 bytes (a row cut anywhere), the scan is the one of the parser reading every row
    from etl import workbook_child

    rows = [["ชื่อรายงาน"], DISB_HEADERS]
    rows += [[f"D{i}", "P01", "15/03/2562", 1_000 + i, CUR] for i in range(300)]
    rows[40][3] = OdsError("#N/A")
    rows[41] = rows[40]  # two equal rows: one row repeated
    rows[60][3] = OdsFormula("of:=1+1")  # a formula without its result (with one, a row is plain)
    sheets = {"a": rows, "b": rows[:50]}
    book = write_ods(
        tmp_path / "p.ods",
        sheets,
        {"a": ["B100:B103", "C200:D200"]},
        hidden_rows={"a": [7, 150], "b": [3]},
        filtered_rows={"a": [301]},
        formats={"a": {"D120": "percent", "D250": "hidden"}, "b": {"D10": "thousands"}},
    )
    monkeypatch.setattr(workbook_child, "CHUNK", 997)
    fast = workbook_child.scan_ods(book, workbook_child.Limits())
    monkeypatch.setattr(workbook_child._OdsFeeder, "_plain_cells", lambda self, piece: -1)
    parsed = workbook_child.scan_ods(book, workbook_child.Limits())
    assert fast == parsed
    a = fast["a"]
    assert (a.rows, a.columns, a.hidden_rows, a.merged) == (302, 5, {6, 149, 300}, [[99, 1, 102, 1], [199, 2, 199, 3]])
    assert a.defects == {
        (40, 3): ("error_cell", "#N/A"),
        (41, 3): ("error_cell", "#N/A"),
        (60, 3): ("formula_without_value", "=1+1"),
        (119, 3): ("percent_cell", "111700%"),
        (249, 3): ("hidden_value", "1247"),
    }
    assert fast["b"].defects == {
        (9, 3): ("scaled_cell", "1.007"),
        (40, 3): a.defects[(40, 3)],
        (41, 3): a.defects[(41, 3)],
    }
    assert fast["b"].hidden_rows == {2}


def test_an_ods_whose_content_expands_beyond_the_ratio_limit_is_refused_before_it_is_parsed(tmp_path):
    import zipfile

    db = fixture_projects_db(tmp_path)
    book = tmp_path / "bomb.ods"
    with zipfile.ZipFile(book, "w", zipfile.ZIP_DEFLATED) as bomb:
        bomb.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        bomb.writestr("content.xml", b"<office:document-content>" + b" " * (64 << 20) + b"</office:document-content>")
    [result] = load_files([book], db_path=db)
    assert result.status == "refused" and "zip bomb" in result.message and "content.xml" in result.message


def test_a_value_repeated_over_a_million_rows_or_across_the_sheet_is_refused_not_expanded(tmp_path):
    # LibreOffice's runs are counted, never laid out: a row holding a value repeated 1,048,000 times, or a cell
    # repeated over 16,000 columns, is refused by the cell and column limits before calamine reads the sheet
    import zipfile

    db = fixture_projects_db(tmp_path)
    plain = write_ods(tmp_path / "plain.ods", {"s": [DISB_HEADERS, ["D1", "P01", "15/03/2562", 1_000, CUR]]})
    with zipfile.ZipFile(plain) as source:
        content = source.read("content.xml").decode()
    row_tag = '<table:table-row table:style-name="ro1">'
    second = content.index(row_tag, content.index(row_tag) + 1)  # the payment's row, repeated
    repeated_row = row_tag[:-1] + ' table:number-rows-repeated="1048000">'
    cell_tag = '<table:table-cell office:value-type="string"'
    for name, changed, words in (
        ("rows.ods", content[:second] + repeated_row + content[second + len(row_tag) :], "cells"),
        ("columns.ods", content.replace(cell_tag, cell_tag + ' table:number-columns-repeated="16000"', 1), "columns"),
    ):
        book = tmp_path / name
        with zipfile.ZipFile(book, "w", zipfile.ZIP_DEFLATED) as target:
            target.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
            target.writestr("content.xml", changed)
        [result] = load_files([book], db_path=db)
        assert result.status == "refused", (name, result.message)
        assert words in result.message and "limit" in result.message, result.message
    assert query(db, "SELECT count(*) FROM disbursements WHERE doc_no = 'D1'") == [(0,)]
