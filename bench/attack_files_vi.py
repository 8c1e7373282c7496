"""Trust VI: government sheet habits — rows hidden by default or by no height, text a format hides, rows struck
through as cancelled, flat OpenDocument, password-protected workbooks, and the habits of hostile inputs III-V
tried again in forms not tried before (Thai amounts and dates as text, totals and page headers inside the table,
TIS-620 CSV, line breaks in cells, chart and very hidden sheets first, rich text, error strings as formula
results, signs a format hides, zero-width spaces).

    .venv/bin/python bench/attack_files_vi.py [--keep DIR] [--only NAME,...] [--root CHECKOUT]

The store and the run are bench/attack_files_v.py's (`run`: the real `python -m etl load` of one file into a
copy of a store holding projects P01 and P02 and payments 0077380001 and D-OLD; exit code, no traceback, the
store's payments and projects, the load's (row, reason) rejects, the count rule, the words said, no leftovers,
each compared with the values worked out here by hand). Ends with "N passed, N failed". `--root CHECKOUT`
attacks another checkout (the code before). docs/reliability.md ("ETL: government sheet habits VI") records
each variant's outcome before and after.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import sys
import zipfile
from pathlib import Path

import attack_files_v as v
from attack_files_v import LOADED, PH, REFUSED, REJECTS, TITLE, new, pay, plus, proj, projects_plus, stored, xlsx
from attack_support import H, attack_folder, run_attacks

ROOT = Path(__file__).resolve().parents[1]
PAY_ROWS = [H, pay("V1", 1_000), pay("V2", 2_000), pay("V3", 3_000)]
V1_V3 = {"V1": new("1000.00"), "V2": new("2000.00"), "V3": new("3000.00")}


def _ods(path: Path, rows: list, change=None) -> Path:
    """An .ods of `rows` as LibreOffice writes it (tests.etl_fixtures.write_ods of the checkout attacked),
    content.xml rewritten by change(bytes) -> bytes."""
    sys.path.insert(0, str(ROOT))
    from tests.etl_fixtures import write_ods

    write_ods(path, {"s": rows})
    if change is not None:
        with zipfile.ZipFile(path) as source:
            parts = [(info, source.read(info)) for info in source.infolist()]
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
            for info, data in parts:
                target.writestr(info, change(data) if info.filename == "content.xml" else data)
    return path


def _ods_style(content: bytes, style: str) -> bytes:
    return content.replace(b"</office:automatic-styles>", style.encode() + b"</office:automatic-styles>", 1)


def _ods_row(content: bytes, number: int, change) -> bytes:
    rows = list(re.finditer(rb"<table:table-row\b.*?</table:table-row>", content, re.DOTALL))
    found = rows[number - 1]
    return content[: found.start()] + change(found.group(0)) + content[found.end() :]


def xls_struck(path: Path, rows: list, struck: set[tuple[int, int]]) -> Path:
    """An old .xls (xlwt) of `rows` whose cells (row, column; 0-based) in `struck` are in a struck-through font."""
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("s")
    font = xlwt.easyxf("font: struck_out on")
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            sheet.write(r, c, value, font) if (r, c) in struck else sheet.write(r, c, value)
    book.save(str(path))
    return path


def _openpyxl(path: Path, rows: list, dress) -> Path:
    """An .xlsx of `rows` (one sheet) after dress(sheet) set what the plain writer cannot."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "s"
    for row in rows:
        sheet.append(row)
    dress(sheet)
    book.save(path)
    return path


def attacks() -> dict:
    a = {}

    # --- 1. rows hidden by default (<sheetFormatPr zeroHeight="1">): rows 1, 2, 4 given a height, 3 not
    def zero_height(sheet):
        sheet.sheet_format.zeroHeight = True
        for number in (1, 2, 4):
            sheet.row_dimensions[number].height = 15

    a["xlsx_rows_hidden_by_default"] = dict(
        write=lambda d: _openpyxl(d / "a.xlsx", PAY_ROWS, zero_height),
        exit=REJECTS,
        pay=plus({"V1": new("1000.00"), "V3": new("3000.00")}),
        rejects={(3, "hidden_row")},
    )

    def xls_hidden_by_default(d: Path) -> Path:
        import xlwt

        book = xlwt.Workbook(encoding="utf-8")
        sheet = book.add_sheet("s")
        sheet.row_default_hidden = 1  # DEFAULTROWHEIGHT's "hidden" flag
        for r, row in enumerate(PAY_ROWS):
            for c, value in enumerate(row):
                sheet.write(r, c, value)
            if r in (0, 1, 3):
                sheet.row(r).height_mismatch = True
                sheet.row(r).height = 300
        book.save(str(d / "a.xls"))
        return d / "a.xls"

    a["xls_rows_hidden_by_default"] = dict(
        write=xls_hidden_by_default,
        exit=REJECTS,
        pay=plus({"V1": new("1000.00"), "V3": new("3000.00")}),
        rejects={(3, "hidden_row")},
    )
    # --- 2. an .ods row whose row style has no height (not table:visibility)
    row_style = (
        '<style:style style:name="ro9" style:family="table-row"><style:table-row-properties '
        'style:row-height="0in"/></style:style>'
    )
    a["ods_row_of_no_height"] = dict(
        write=lambda d: _ods(
            d / "a.ods",
            PAY_ROWS,
            lambda x: _ods_row(_ods_style(x, row_style), 3, lambda r: r.replace(b'"ro1"', b'"ro9"', 1)),
        ),
        exit=REJECTS,
        pay=plus({"V1": new("1000.00"), "V3": new("3000.00")}),
        rejects={(3, "hidden_row")},
    )

    # --- 3. text a number format hides: a project code in ";;;", a document number in '0;-0;0;"-"'
    def hide_text(sheet):
        sheet["B2"].number_format = ";;;"
        sheet["A3"].number_format = '0;-0;0;"-"'
        sheet["D4"].number_format = "#,##0;-#,##0;0;"  # a number: shown as it is

    a["xlsx_text_hidden_by_its_format"] = dict(
        write=lambda d: _openpyxl(d / "a.xlsx", PAY_ROWS, hide_text),
        exit=REJECTS,
        pay=plus({"V3": new("3000.00")}),
        rejects={(2, "hidden_value"), (3, "hidden_value")},
    )

    def xls_hidden_text(d: Path) -> Path:
        import xlwt

        book = xlwt.Workbook(encoding="utf-8")
        sheet = book.add_sheet("s")
        hidden = xlwt.easyxf(num_format_str=";;;")
        for r, row in enumerate(PAY_ROWS):
            for c, value in enumerate(row):
                sheet.write(r, c, value, hidden) if (r, c) == (1, 1) else sheet.write(r, c, value)
        book.save(str(d / "a.xls"))
        return d / "a.xls"

    a["xls_text_hidden_by_its_format"] = dict(
        write=xls_hidden_text,
        exit=REJECTS,
        pay=plus({"V2": new("2000.00"), "V3": new("3000.00")}),
        rejects={(2, "hidden_value")},
    )
    text_style = (
        '<number:number-style style:name="N9P0" style:volatile="true"/>'
        '<number:number-style style:name="N9P1" style:volatile="true"/>'
        '<number:text-style style:name="N9"><style:map style:condition="value()&gt;0" style:apply-style-name="N9P0"/>'
        '<style:map style:condition="value()&lt;0" style:apply-style-name="N9P1"/></number:text-style>'
        '<style:style style:name="ce9" style:family="table-cell" style:parent-style-name="Default" '
        'style:data-style-name="N9"/>'
    )

    def ods_hide_code(row: bytes) -> bytes:
        at = list(re.finditer(rb"<table:table-cell\b", row))[1].end()
        return row[:at] + b' table:style-name="ce9"' + row[at:]

    a["ods_text_hidden_by_its_format"] = dict(
        write=lambda d: _ods(d / "a.ods", PAY_ROWS, lambda x: _ods_row(_ods_style(x, text_style), 3, ods_hide_code)),
        exit=REJECTS,
        pay=plus({"V1": new("1000.00"), "V3": new("3000.00")}),
        rejects={(3, "hidden_value")},
    )

    # --- 4. rows struck through as cancelled (every filled cell); one with only its amount struck was loaded as
    # live here, and is rejected `struck_value` since habits VII (bench/attack_files_vii.py)
    def strike(sheet):
        from openpyxl.styles import Font

        for cell in sheet[3]:
            cell.font = Font(strike=True)
        sheet["D4"].font = Font(strike=True)

    a["xlsx_row_struck_through"] = dict(
        write=lambda d: _openpyxl(d / "a.xlsx", PAY_ROWS, strike),
        exit=REJECTS,
        pay=plus({"V1": new("1000.00")}),
        rejects={(3, "struck_row"), (4, "struck_value")},
    )

    def strike_project(sheet):
        from openpyxl.styles import Font

        for cell in sheet[2]:
            cell.font = Font(strike=True)

    a["xlsx_struck_project_keeps_the_stored_one"] = dict(  # P01 re-sent with a draft allocation, struck
        write=lambda d: _openpyxl(
            d / "a.xlsx", [PH, ["P01", 2562, "ลำพูน", "ถนน", "อบต.", "งบลงทุน", 1], proj("P11")], strike_project
        ),
        exit=REJECTS,
        pay=plus(),
        proj=projects_plus({"P11": stored()}),
        rejects={(2, "struck_row")},
    )

    a["xls_row_struck_through"] = dict(
        write=lambda d: xls_struck(d / "a.xls", PAY_ROWS, {(2, column) for column in range(5)}),
        exit=REJECTS,
        pay=plus({"V1": new("1000.00"), "V3": new("3000.00")}),
        rejects={(3, "struck_row")},
    )
    struck_style = (
        '<style:style style:name="ce8" style:family="table-cell" style:parent-style-name="Default">'
        '<style:text-properties style:text-line-through-style="solid" style:text-line-through-type="single"/>'
        "</style:style>"
    )
    a["ods_row_struck_through"] = dict(
        write=lambda d: _ods(
            d / "a.ods",
            PAY_ROWS,
            lambda x: _ods_row(
                _ods_style(x, struck_style),
                4,
                lambda r: r.replace(b"<table:table-cell ", b'<table:table-cell table:style-name="ce8" '),
            ),
        ),
        exit=REJECTS,
        pay=plus({"V1": new("1000.00"), "V2": new("2000.00")}),
        rejects={(4, "struck_row")},
    )

    # --- 5. flat OpenDocument: refused saying to save it as .ods or .xlsx (named .fods, or renamed .ods)
    def flat(d: Path, name: str) -> Path:
        source = _ods(d / "source.ods", PAY_ROWS)
        with zipfile.ZipFile(source) as book:
            content = book.read("content.xml").replace(b"office:document-content", b"office:document")
        source.unlink()
        (d / name).write_bytes(content)
        return d / name

    for name in ("a.fods", "a.ods"):
        a[f"flat_opendocument_named_{name[2:]}"] = dict(
            write=lambda d, name=name: flat(d, name),
            exit=REFUSED,
            pay=plus(),
            said=["flat OpenDocument", "save it as .ods or .xlsx"],
        )

    # --- 6. passwords: to open (an encrypted OLE2 container named .xlsx) and on a sheet (editing only)
    a["xlsx_encrypted_with_a_password_to_open"] = dict(
        write=lambda d: _put(d / "a.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4088) + b"EncryptedPackage"),
        exit=REFUSED,
        pay=plus(),
        said=["password to open"],
    )

    def protect(sheet):
        sheet.protection.sheet = True
        sheet.protection.password = "1234"

    a["xlsx_sheet_protected_with_a_password"] = dict(  # guard: protection against editing hides nothing
        write=lambda d: _openpyxl(d / "a.xlsx", PAY_ROWS, protect),
        exit=LOADED,
        pay=plus(V1_V3),
        rejects=set(),
    )

    # --- 7. amounts with Thai digits and a baht word; an amount in million baht typed into a baht column
    a["amounts_thai_digits_and_baht"] = dict(
        write=lambda d: xlsx(
            d / "a.xlsx", [H, pay("V1", "๑,๐๐๐ บาท"), pay("V2", "2,000.00 บาท"), pay("V3", "๓,๐๐๐.๐๐")]
        ),
        exit=LOADED,
        pay=plus(V1_V3),
        rejects=set(),
    )
    a["amount_in_million_baht_in_a_baht_column"] = dict(  # never 1.50 baht
        write=lambda d: xlsx(d / "a.xlsx", [H, pay("V1", 1_000), pay("V2", "1.5 ล้านบาท")]),
        exit=REJECTS,
        pay=plus({"V1": new("1000.00")}),
        rejects={(3, "bad_amount")},
    )

    # --- 8. a total row in the middle of the data; a page's title and header repeated after a page break
    a["total_row_in_the_middle"] = dict(
        write=lambda d: xlsx(
            d / "a.xlsx",
            [H, pay("V1", 1_000), pay("V2", 2_000), ["รวม", None, None, 3_000, None], pay("V3", 3_000)],
        ),
        exit=LOADED,
        pay=plus(V1_V3),
        rejects=set(),
    )
    a["title_and_header_repeated_after_a_page_break"] = dict(
        write=lambda d: xlsx(
            d / "a.xlsx", [[TITLE], H, pay("V1", 1_000), pay("V2", 2_000), [TITLE], H, pay("V3", 3_000)]
        ),
        exit=REJECTS,
        pay=plus(V1_V3),
        rejects={(5, "missing_required"), (6, "repeated_header")},
    )

    # --- 9. dates as Thai text
    a["dates_as_thai_text"] = dict(
        write=lambda d: xlsx(
            d / "a.xlsx",
            [H, pay("V1", 1_000, date="1 ต.ค. 2561"), pay("V2", 2_000, date="01/10/61"), pay("V3", 3_000)],
        ),
        exit=LOADED,
        pay=plus(
            {"V1": new("1000.00", dt.date(2018, 10, 1)), "V2": new("2000.00", dt.date(2018, 10, 1)), "V3": V1_V3["V3"]}
        ),
        rejects=set(),
    )

    # --- 10. a CSV in TIS-620 (cp874) without a BOM
    a["csv_tis620_without_bom"] = dict(
        write=lambda d: _put(
            d / "a.csv",
            (",".join(H) + "\n" + "".join(",".join(map(str, r)) + "\n" for r in PAY_ROWS[1:])).encode("cp874"),
        ),
        exit=LOADED,
        pay=plus(V1_V3),
        rejects=set(),
    )

    # --- 11. line breaks inside cells: a source on two lines (text), two amounts in one cell
    a["line_breaks_inside_cells"] = dict(
        write=lambda d: xlsx(d / "a.xlsx", [H, pay("V1", 1_000), pay("V2", "2,000\n500"), pay("V3", "3,000.00\n")]),
        exit=REJECTS,
        pay=plus({"V1": new("1000.00"), "V3": new("3000.00")}),
        rejects={(3, "ambiguous_amount")},
    )

    # --- 12. a chart sheet and a very hidden sheet before the data
    def chart_first(d: Path) -> Path:
        from openpyxl import Workbook
        from openpyxl.chart import BarChart, Reference

        book = Workbook()
        data = book.active
        data.title = "s"
        for row in PAY_ROWS:
            data.append(row)
        chart = BarChart()
        chart.add_data(Reference(data, min_col=4, min_row=1, max_row=4), titles_from_data=True)
        sheet = book.create_chartsheet("กราฟ", 0)
        sheet.add_chart(chart)
        old = book.create_sheet("เก่า", 1)
        old.append(H)
        old.append(pay("X1", 9_999))
        old.sheet_state = "veryHidden"
        book.save(d / "a.xlsx")
        return d / "a.xlsx"

    a["chart_sheet_and_very_hidden_sheet_first"] = dict(
        write=chart_first,
        exit=LOADED,
        pay=plus(V1_V3),
        rejects=set(),
        said=["very hidden sheet", "not a worksheet"],
    )

    # --- 13. a shared string of rich-text runs ("P0" + bold "1"); a formula whose cached result is an error text
    def rich(sheet):
        from openpyxl.cell.rich_text import CellRichText, TextBlock
        from openpyxl.cell.text import InlineFont

        sheet["B2"] = CellRichText(["P0", TextBlock(InlineFont(b=True), "1")])

    a["rich_text_runs_in_a_code"] = dict(
        write=lambda d: _openpyxl(d / "a.xlsx", PAY_ROWS, rich),
        exit=LOADED,
        pay=plus(V1_V3),
        rejects=set(),
    )
    a["formula_cached_error_text"] = dict(  # IFERROR(...,"#N/A") style: the amount is the text "#N/A"
        write=lambda d: xlsx(
            d / "a.xlsx",
            PAY_ROWS,
            change=lambda x: re.sub(
                rb'<c r="D3"[^>]*>.*?</c>', b'<c r="D3" t="str"><f>IFERROR(1/0,"#N/A")</f><v>#N/A</v></c>', x
            ),
        ),
        exit=REJECTS,
        pay=plus({"V1": new("1000.00"), "V3": new("3000.00")}),
        rejects={(3, "bad_amount")},
    )

    # --- 14. a negative amount whose format shows it without its sign; a zero-width space in a project code
    def unsigned(sheet):
        sheet["D3"].number_format = "#,##0.00;#,##0.00"

    a["negative_amount_shown_without_its_sign"] = dict(
        write=lambda d: _openpyxl(d / "a.xlsx", [H, pay("V1", 1_000), pay("V2", -2_000), pay("V3", 3_000)], unsigned),
        exit=REJECTS,
        pay=plus({"V1": new("1000.00"), "V3": new("3000.00")}),
        rejects={(3, "hidden_sign")},
    )
    a["zero_width_space_in_a_project_code"] = dict(
        write=lambda d: xlsx(d / "a.xlsx", [H, pay("V1", 1_000, project="P01\u200b"), pay("V2", 2_000)]),
        exit=LOADED,
        pay=plus({"V1": new("1000.00"), "V2": new("2000.00")}),
        rejects=set(),
    )
    return a


def _put(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--keep", type=Path, default=None)
    parser.add_argument("--only", default="")
    parser.add_argument("--root", type=Path, default=None, help="attack another checkout (e.g. the code before)")
    args = parser.parse_args()
    global ROOT
    if args.root:
        ROOT = v.ROOT = args.root.resolve()
    with attack_folder(args.keep, "attacks-vi-") as folder:
        base = v.base_store(folder)
        run_attacks(attacks(), lambda name, spec: v.run(name, spec, folder, base), args.only)


if __name__ == "__main__":
    main()
