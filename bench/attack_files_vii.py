"""Trust VII: government sheet habits — a figure, code or name struck through alone (the new one typed beside it),
struck-through runs inside one cell's text, text coloured as its fill (white on white), and more habits tried in
forms the earlier batteries had not (rows hidden by a filter or a collapsed group, an Excel table's totals row,
accounting negatives and dashes for zero, non-breaking and thin spaces as thousands separators, numbers typed
with an apostrophe, a row-number column first, Buddhist-era dates as text and as dates 543 years ahead, formulas
saved without results, shared formulas, duplicate headers, a header over two rows, a format painting text white).

    .venv/bin/python bench/attack_files_vii.py [--keep DIR] [--only NAME,...] [--root CHECKOUT]

The store and the run are bench/attack_files_v.py's (`run`: the real `python -m etl load` of one file into a copy
of a store holding projects P01 and P02 and payments 0077380001 and D-OLD; exit code, no traceback, the store's
payments and projects, the load's (row, reason) rejects, the count rule, the words said, no leftovers, each
compared with the values worked out here by hand). Ends with "N passed, N failed". `--root CHECKOUT` attacks
another checkout (the code before). docs/reliability.md ("ETL: government sheet habits VII") records each
variant's outcome before and after.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import sys
import zipfile
from pathlib import Path

import attack_files_v as v
import attack_files_vi as vi
from attack_files_v import BASE_PROJ, LOADED, PH, REFUSED, REJECTS, new, pay, plus, proj, xlsx
from attack_support import H, attack_folder, run_attacks

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the writers of this checkout's tests
from tests.etl_fixtures import as_shared_strings, rich_text  # noqa: E402

PAY_ROWS = vi.PAY_ROWS
STRUCK_ODS = (
    '<style:style style:name="{name}" style:family="{family}"{parent}><style:text-properties '
    'style:text-line-through-style="solid" style:text-line-through-type="single"/></style:style>'
)


def _font(**cells):
    """dress(sheet) giving each cell (A1 name -> openpyxl Font keywords) its font."""

    def dress(sheet):
        from openpyxl.styles import Font

        for cell, font in cells.items():
            sheet[cell].font = Font(**font)

    return dress


def _rich_d3(sheet) -> None:
    sheet["D3"] = rich_text(("2,000", True))  # an amount whose every run is struck


def _rich_d2(sheet) -> None:
    sheet["D2"] = rich_text(("ถนนเดิม", True), ("ถนนใหม่", False))  # the old name struck, the new one after it


def _apostrophe(sheet) -> None:
    """D3's amount typed '2000: text, with the quote prefix Excel keeps."""
    sheet["D3"].value = "2000"
    sheet["D3"].quotePrefix = True


def _sheet_xml(path: Path, change) -> Path:
    with zipfile.ZipFile(path) as source:
        parts = [(info, source.read(info)) for info in source.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info, data in parts:
            target.writestr(info, change(data) if info.filename == "xl/worksheets/sheet1.xml" else data)
    return path


def attacks() -> dict:
    a = {}
    only_v1_v3 = plus({"V1": new("1000.00"), "V3": new("3000.00")})

    # --- 1. a cell struck through alone: the amount (the new figure in a note), the project code
    note_rows = [[*H, "หมายเหตุ"], [*PAY_ROWS[1], ""], [*PAY_ROWS[2], "แก้เป็น 1,800"], [*PAY_ROWS[3], ""]]
    a["xlsx_amount_struck_alone"] = dict(
        write=lambda d: vi._openpyxl(d / "a.xlsx", note_rows, _font(D3={"strike": True}, F3={"strike": True})),
        exit=REJECTS,
        pay=only_v1_v3,
        rejects={(3, "struck_value")},
    )
    a["xlsx_code_struck_alone"] = dict(
        write=lambda d: vi._openpyxl(d / "a.xlsx", PAY_ROWS, _font(B3={"strike": True})),
        exit=REJECTS,
        pay=only_v1_v3,
        rejects={(3, "struck_value")},
    )

    a["xls_amount_struck_alone"] = dict(
        write=lambda d: vi.xls_struck(d / "a.xls", PAY_ROWS, {(2, 3)}),
        exit=REJECTS,
        pay=only_v1_v3,
        rejects={(3, "struck_value")},
    )
    cell_style = STRUCK_ODS.format(name="ce8", family="table-cell", parent=' style:parent-style-name="Default"')

    def ods_strike_amount(row: bytes) -> bytes:
        at = list(re.finditer(rb"<table:table-cell\b", row))[3].end()
        return row[:at] + b' table:style-name="ce8"' + row[at:]

    a["ods_amount_struck_alone"] = dict(
        write=lambda d: vi._ods(
            d / "a.ods", PAY_ROWS, lambda x: vi._ods_row(vi._ods_style(x, cell_style), 3, ods_strike_amount)
        ),
        exit=REJECTS,
        pay=only_v1_v3,
        rejects={(3, "struck_value")},
    )

    # --- 2. struck runs inside one cell: an amount as text with the old figure struck, a fully struck amount
    def runs(sheet):
        sheet["D3"] = rich_text(("1,500,000", True), (" 1,200,000", False))

    for where, finish in (("inline", lambda p: p), ("shared_string", as_shared_strings)):
        a[f"xlsx_struck_run_in_an_amount_{where}"] = dict(
            write=lambda d, finish=finish: finish(vi._openpyxl(d / "a.xlsx", PAY_ROWS, runs)),
            exit=REJECTS,
            pay=only_v1_v3,
            rejects={(3, "struck_value")},
        )
    a["xlsx_amount_all_runs_struck_shared_string"] = dict(
        write=lambda d: as_shared_strings(vi._openpyxl(d / "a.xlsx", PAY_ROWS, _rich_d3)),
        exit=REJECTS,
        pay=only_v1_v3,
        rejects={(3, "struck_value")},
    )
    a["xlsx_struck_run_in_a_project_name"] = dict(  # P01 re-sent: its name the old one struck and the new one
        write=lambda d: as_shared_strings(
            vi._openpyxl(
                d / "a.xlsx",
                [PH, proj("P01", allocated=9_999_999)],
                _rich_d2,
            )
        ),
        exit=REJECTS,
        pay=plus(),
        proj=BASE_PROJ,
        rejects={(2, "struck_value")},
    )
    span_styles = STRUCK_ODS.format(name="T8", family="text", parent="")
    rows_mark = [list(row) for row in PAY_ROWS]
    rows_mark[2][3] = "MARK"

    def ods_span(row: bytes) -> bytes:
        return row.replace(b">MARK<", b'><text:span text:style-name="T8">1,500,000</text:span> 1,200,000<')

    a["ods_struck_span_in_an_amount"] = dict(
        write=lambda d: vi._ods(
            d / "a.ods", rows_mark, lambda x: vi._ods_row(vi._ods_style(x, span_styles), 3, ods_span)
        ),
        exit=REJECTS,
        pay=only_v1_v3,
        rejects={(3, "struck_value")},
    )

    # --- 3. text coloured as its fill
    def paint(cell: str, font, fill=None):
        def dress(sheet):
            from openpyxl.styles import Color, Font, PatternFill

            sheet[cell].font = Font(color=Color(**font))
            if fill:
                sheet[cell].fill = PatternFill("solid", fgColor=Color(**fill))

        return dress

    a["xlsx_white_amount_on_no_fill"] = dict(
        write=lambda d: vi._openpyxl(d / "a.xlsx", PAY_ROWS, paint("D3", {"rgb": "FFFFFFFF"})),
        exit=REJECTS,
        pay=only_v1_v3,
        rejects={(3, "invisible_value")},
    )
    a["xlsx_theme_white_code_on_no_fill"] = dict(
        write=lambda d: vi._openpyxl(d / "a.xlsx", PAY_ROWS, paint("B3", {"theme": 0})),
        exit=REJECTS,
        pay=only_v1_v3,
        rejects={(3, "invisible_value")},
    )
    a["xlsx_amount_coloured_as_its_solid_fill"] = dict(
        write=lambda d: vi._openpyxl(
            d / "a.xlsx", PAY_ROWS, paint("D3", {"theme": 4, "tint": 0.4}, {"theme": 4, "tint": 0.4})
        ),
        exit=REJECTS,
        pay=only_v1_v3,
        rejects={(3, "invisible_value")},
    )
    a["xlsx_white_amount_on_a_dark_fill"] = dict(  # guard: seen
        write=lambda d: vi._openpyxl(d / "a.xlsx", PAY_ROWS, paint("D3", {"rgb": "FFFFFFFF"}, {"rgb": "FF1F4E79"})),
        exit=LOADED,
        pay=vi.plus(vi.V1_V3),
        rejects=set(),
    )

    # --- 4. habits tried in forms not tried before (checked before any code: which already hold)
    def autofilter(sheet):
        sheet.auto_filter.ref = "A1:E4"
        sheet.row_dimensions[3].hidden = True

    a["xlsx_row_hidden_by_an_autofilter"] = dict(
        write=lambda d: vi._openpyxl(d / "a.xlsx", PAY_ROWS, autofilter),
        exit=REJECTS,
        pay=only_v1_v3,
        rejects={(3, "hidden_row")},
    )

    def outline(sheet):
        sheet.row_dimensions[3].outlineLevel = 1
        sheet.row_dimensions[3].hidden = True
        sheet.row_dimensions[4].collapsed = True

    a["xlsx_row_in_a_collapsed_outline_group"] = dict(
        write=lambda d: vi._openpyxl(d / "a.xlsx", PAY_ROWS, outline),
        exit=REJECTS,
        pay=only_v1_v3,
        rejects={(3, "hidden_row")},
    )

    def ods_filtered(d: Path) -> Path:
        import sys

        sys.path.insert(0, str(vi.ROOT))
        from tests.etl_fixtures import write_ods

        return write_ods(d / "a.ods", {"s": PAY_ROWS}, filtered_rows={"s": [3]})

    a["ods_row_hidden_by_a_filter"] = dict(
        write=ods_filtered, exit=REJECTS, pay=only_v1_v3, rejects={(3, "hidden_row")}
    )

    def table_with_totals(d: Path) -> Path:
        from openpyxl.worksheet.table import Table

        def dress(sheet):
            sheet.add_table(Table(displayName="Pay", ref="A1:E5", totalsRowCount=1))

        rows = [*PAY_ROWS, ["Total", None, None, "=SUBTOTAL(109,Pay[จำนวนเงิน])", None]]
        path = vi._openpyxl(d / "a.xlsx", rows, dress)
        return _sheet_xml(
            path, lambda x: re.sub(rb"(<c r=\"D5\"[^>]*>)(<f>.*?</f>)<v\s*/?>(?:</v>)?", rb"\1\2<v>6000</v>", x)
        )

    a["xlsx_table_with_a_totals_row"] = dict(write=table_with_totals, exit=LOADED, pay=plus(vi.V1_V3), rejects=set())
    a["xlsx_amount_merged_across_its_source"] = dict(
        write=lambda d: xlsx(d / "a.xlsx", PAY_ROWS, merges=["D3:E3"]),
        exit=REJECTS,
        pay=only_v1_v3,
        rejects={(3, "merged_across")},
    )
    a["accounting_negative_and_dash_for_zero"] = dict(
        write=lambda d: xlsx(d / "a.xlsx", [H, pay("V1", 1_000), pay("V2", "(2,000.00)"), pay("V3", "-")]),
        exit=REJECTS,  # "-" is the zero it shows; "(2,000.00)" is a refund of -2,000, rejected: P01 holds 100
        pay=plus({"V1": new("1000.00"), "V3": new("0.00")}),
        rejects={(3, "reversal_below_zero")},
    )
    a["nbsp_and_thin_space_thousands"] = dict(
        write=lambda d: xlsx(
            d / "a.xlsx", [H, pay("V1", "1\u00a0000.00"), pay("V2", "2\u202f000"), pay("V3", "3\u2009000")]
        ),
        exit=LOADED,  # sheet habits VIII: a no-break, narrow or thin space grouping threes is a separator
        pay=plus({"V1": new("1000.00"), "V2": new("2000.00"), "V3": new("3000.00")}),
        rejects=set(),
    )

    a["number_typed_with_an_apostrophe"] = dict(
        write=lambda d: vi._openpyxl(d / "a.xlsx", PAY_ROWS, _apostrophe),
        exit=LOADED,
        pay=plus(vi.V1_V3),
        rejects=set(),
    )
    a["row_number_column_first"] = dict(
        write=lambda d: xlsx(d / "a.xlsx", [["ลำดับ", *H], *([n, *row] for n, row in enumerate(PAY_ROWS[1:], 1))]),
        exit=LOADED,
        pay=plus(vi.V1_V3),
        rejects=set(),
    )
    a["buddhist_era_dates_as_text"] = dict(
        write=lambda d: xlsx(d / "a.xlsx", [H, pay("V1", 1_000, "31/05/2562"), pay("V2", 2_000, "31 พ.ค. 62")]),
        exit=LOADED,
        pay=plus({"V1": new("1000.00", dt.date(2019, 5, 31)), "V2": new("2000.00", dt.date(2019, 5, 31))}),
        rejects=set(),
    )
    a["buddhist_era_year_in_an_excel_date"] = dict(
        write=lambda d: xlsx(d / "a.xlsx", [H, pay("V1", 1_000, dt.datetime(2562, 5, 31)), pay("V2", 2_000)]),
        exit=LOADED,
        pay=plus({"V1": new("1000.00", dt.date(2019, 5, 31)), "V2": new("2000.00")}),
        rejects=None,
    )
    a["formula_saved_without_its_result"] = dict(
        write=lambda d: xlsx(d / "a.xlsx", [H, pay("V1", 1_000), pay("V2", "=1000+1000")]),
        exit=REJECTS,
        pay=plus({"V1": new("1000.00")}),
        rejects={(3, "formula_without_value")},
    )

    def shared_formula(x: bytes) -> bytes:
        x = re.sub(
            rb'<c r="D2"([^>]*)><v>1000</v>', rb'<c r="D2"\1><f t="shared" ref="D2:D4" si="0">1000</f><v>1000</v>', x
        )
        x = re.sub(rb'<c r="D3"([^>]*)><v>2000</v>', rb'<c r="D3"\1><f t="shared" si="0"/><v>2000</v>', x)
        return re.sub(rb'<c r="D4"([^>]*)><v>3000</v>', rb'<c r="D4"\1><f t="shared" si="0"/></c><!--', x).replace(
            b"</c><!--</c>", b"</c>"
        )

    a["shared_formula_one_without_its_result"] = dict(
        write=lambda d: xlsx(d / "a.xlsx", PAY_ROWS, change=shared_formula),
        exit=REJECTS,
        pay=plus({"V1": new("1000.00"), "V2": new("2000.00")}),
        rejects={(4, "formula_without_value")},
    )
    a["duplicate_header_names"] = dict(
        write=lambda d: xlsx(d / "a.xlsx", [[*H, "จำนวนเงิน"], *([*row, 9] for row in PAY_ROWS[1:])]),
        exit=REFUSED,
        pay=plus(),
        rejects=None,
    )
    two_row_header = [
        ["เลขที่", "รหัส", "วันที่", "จำนวน", "แหล่ง"],
        ["เอกสาร", "โครงการ", "ผ่านรายการ", "เงิน", "เงิน"],
        *PAY_ROWS[1:],
    ]
    a["header_split_over_two_rows"] = dict(
        write=lambda d: xlsx(d / "a.xlsx", two_row_header), exit=LOADED, pay=plus(vi.V1_V3), rejects=set()
    )

    def white_format(sheet):
        sheet["D3"].number_format = "[White]#,##0.00"

    a["number_format_painting_white"] = dict(
        write=lambda d: vi._openpyxl(d / "a.xlsx", PAY_ROWS, white_format),
        exit=REJECTS,
        pay=only_v1_v3,
        rejects={(3, "hidden_value")},
    )

    return a


def gaps() -> dict:
    """Habits still not judged (`--gaps`): each fails, and docs/reliability.md says why it is left."""
    g = {}

    def conditional_white(sheet):
        from openpyxl.formatting.rule import CellIsRule
        from openpyxl.styles import Font

        sheet.conditional_formatting.add(
            "D3", CellIsRule(operator="greaterThan", formula=["0"], font=Font(color="FFFFFF"))
        )

    g["conditional_format_painting_white"] = dict(
        write=lambda d: vi._openpyxl(d / "a.xlsx", PAY_ROWS, conditional_white),
        exit=REJECTS,
        pay=plus({"V1": new("1000.00"), "V3": new("3000.00")}),
        rejects={(3, "invisible_value")},
    )
    return g


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--keep", type=Path, default=None)
    parser.add_argument("--only", default="")
    parser.add_argument("--root", type=Path, default=None, help="attack another checkout (e.g. the code before)")
    parser.add_argument("--gaps", action="store_true", help="run the habits still left instead")
    args = parser.parse_args()
    if args.root:
        v.ROOT = vi.ROOT = args.root.resolve()
    with attack_folder(args.keep, "attacks-vii-") as folder:
        base = v.base_store(folder)
        run_attacks(gaps() if args.gaps else attacks(), lambda name, spec: v.run(name, spec, folder, base), args.only)


if __name__ == "__main__":
    main()
