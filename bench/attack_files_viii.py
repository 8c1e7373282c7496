"""Trust VIII: what sheet habits VII left — text coloured as its background in an .ods and an old .xls, white text
in a cell an Excel table style or a conditional format paints (not claimed invisible), and amounts grouped by
no-break, narrow no-break or thin spaces ("1 234 567.00").

    .venv/bin/python bench/attack_files_viii.py [--keep DIR] [--only NAME,...] [--root CHECKOUT]

The store and the run are bench/attack_files_v.py's (the real `python -m etl load` of one file into a copy of a
store holding projects P01 and P02 and payments 0077380001 and D-OLD; exit code, no traceback, the store's
payments and projects, the load's (row, reason) rejects, the words said, no leftovers, each compared with the
values worked out here by hand). Ends with "N passed, N failed". `--root CHECKOUT` attacks another checkout (the
code before). docs/reliability.md ("ETL: government sheet habits VIII") records each variant's outcome.
"""

from __future__ import annotations

import re
from pathlib import Path

import attack_files_v as v
import attack_files_vi as vi
from attack_files_v import LOADED, REJECTS, new, pay, plus, xlsx
from attack_support import H, attack_folder, battery_arguments, run_attacks

PAY_ROWS = vi.PAY_ROWS
ONLY_V1_V3 = plus({"V1": new("1000.00"), "V3": new("3000.00")})
ALL = plus(vi.V1_V3)


def _ods_amount_style(style: str):
    """content.xml change: `style` added, the amount of row 3 (V2) in the cell style ce7."""

    def style_amount(row: bytes) -> bytes:
        at = list(re.finditer(rb"<table:table-cell\b", row))[3].end()
        return row[:at] + b' table:style-name="ce7"' + row[at:]

    return lambda content: vi._ods_row(vi._ods_style(content, style), 3, style_amount)


def _ods_cell_style(text: str, cell: str = "") -> str:
    return (
        '<style:style style:name="ce7" style:family="table-cell" style:parent-style-name="Default">'
        f"{cell}<style:text-properties {text}/></style:style>"
    )


def _xls(path: Path, rows: list, style: str) -> Path:
    """An old .xls (xlwt) of `rows`, V2's amount (row 3, column D) in the xlwt style `style`."""
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("s")
    dressed = xlwt.easyxf(style)
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            sheet.write(r, c, value, dressed) if (r, c) == (2, 3) else sheet.write(r, c, value)
    book.save(str(path))
    return path


def _white_in(table_style: str | None = None, conditional_fill: bool = False):
    """dress(sheet): V2's amount white on no fill of its own, inside a table of `table_style` (None: no table) or
    a conditional format setting a fill (or only a font)."""

    def dress(sheet):
        from openpyxl.formatting.rule import CellIsRule
        from openpyxl.styles import Font, PatternFill
        from openpyxl.worksheet.table import Table, TableStyleInfo

        sheet["D3"].font = Font(color="FFFFFFFF")
        if table_style is not None:
            table = Table(displayName="Pay", ref="A1:E4")
            if table_style != "none":
                table.tableStyleInfo = TableStyleInfo(name=table_style, showRowStripes=True)
            sheet.add_table(table)
            return
        paint = {"fill": PatternFill("solid", bgColor="FF1F4E79")} if conditional_fill else {"font": Font(b=True)}
        sheet.conditional_formatting.add("D2:D4", CellIsRule(operator="greaterThan", formula=["0"], **paint))

    return dress


def attacks() -> dict:
    a = {}
    invisible = dict(exit=REJECTS, pay=ONLY_V1_V3, rejects={(3, "invisible_value")})
    seen = dict(exit=LOADED, pay=ALL, rejects=set())

    # --- 1. .ods: text coloured as its cell's background
    white = 'fo:color="#ffffff"'
    a["ods_white_amount_on_no_background"] = dict(
        write=lambda d: vi._ods(d / "a.ods", PAY_ROWS, _ods_amount_style(_ods_cell_style(white))), **invisible
    )
    transparent = '<style:table-cell-properties fo:background-color="transparent"/>'
    a["ods_white_amount_on_transparent"] = dict(
        write=lambda d: vi._ods(d / "a.ods", PAY_ROWS, _ods_amount_style(_ods_cell_style(white, transparent))),
        **invisible,
    )
    yellow = '<style:table-cell-properties fo:background-color="#FFFF00"/>'
    a["ods_yellow_amount_on_yellow"] = dict(
        write=lambda d: vi._ods(
            d / "a.ods", PAY_ROWS, _ods_amount_style(_ods_cell_style('fo:color="#ffff00"', yellow))
        ),
        **invisible,
    )
    dark = '<style:table-cell-properties fo:background-color="#1f4e79"/>'
    a["ods_white_amount_on_dark"] = dict(  # guard
        write=lambda d: vi._ods(d / "a.ods", PAY_ROWS, _ods_amount_style(_ods_cell_style(white, dark))), **seen
    )
    a["ods_automatic_colour_on_white"] = dict(  # guard: the window's colour, kept readable by the program
        write=lambda d: vi._ods(
            d / "a.ods",
            PAY_ROWS,
            _ods_amount_style(
                _ods_cell_style(
                    'style:use-window-font-color="true"',
                    '<style:table-cell-properties fo:background-color="#ffffff"/>',
                )
            ),
        ),
        **seen,
    )

    # --- 1b. an old .xls: the XF's font colour against its pattern colour
    a["xls_white_amount_on_no_fill"] = dict(
        write=lambda d: _xls(d / "a.xls", PAY_ROWS, "font: colour white"), **invisible
    )
    a["xls_yellow_amount_on_yellow"] = dict(
        write=lambda d: _xls(d / "a.xls", PAY_ROWS, "font: colour yellow; pattern: pattern solid, fore_colour yellow"),
        **invisible,
    )
    a["xls_white_amount_on_dark_blue"] = dict(  # guard
        write=lambda d: _xls(
            d / "a.xls", PAY_ROWS, "font: colour white; pattern: pattern solid, fore_colour dark_blue"
        ),
        **seen,
    )

    # --- 2. white text where a table style or a conditional format paints the fill
    for style in ("TableStyleMedium2", "TableStyleDark1"):
        a[f"xlsx_white_amount_in_a_table_{style}"] = dict(
            write=lambda d, style=style: vi._openpyxl(d / "a.xlsx", PAY_ROWS, _white_in(style)), **seen
        )
    a["xlsx_white_amount_in_a_conditional_fill"] = dict(
        write=lambda d: vi._openpyxl(d / "a.xlsx", PAY_ROWS, _white_in(conditional_fill=True)), **seen
    )
    a["xlsx_white_amount_in_a_light_table"] = dict(  # guard: judged on its own fill
        write=lambda d: vi._openpyxl(d / "a.xlsx", PAY_ROWS, _white_in("TableStyleLight1")), **invisible
    )
    a["xlsx_white_amount_in_a_conditional_font_only"] = dict(  # guard
        write=lambda d: vi._openpyxl(d / "a.xlsx", PAY_ROWS, _white_in()), **invisible
    )

    # --- 3. amounts grouped by no-break, narrow no-break and thin spaces
    a["amounts_grouped_by_no_break_spaces"] = dict(
        write=lambda d: xlsx(
            d / "a.xlsx",
            [
                H,
                pay("V1", "1\u00a0000.00"),
                pay("V2", "2\u202f000"),
                pay("V3", "3\u2009000"),
                pay("V4", "1\u00a0234\u00a0567.50"),
            ],
        ),
        exit=LOADED,
        pay=plus({**vi.V1_V3, "V4": new("1234567.50")}),
        rejects=set(),
    )
    a["amounts_grouped_by_no_break_spaces_csv"] = dict(
        write=lambda d: _csv(
            d / "a.csv", [H, pay("V1", "1\u00a0000.00"), pay("V2", "2\u202f000"), pay("V3", "3\u2009000")]
        ),
        exit=LOADED,
        pay=ALL,
        rejects=set(),
    )
    # a thin or narrow no-break space between the figure and its currency sign or word goes with the sign (the
    # mend after the final CI: "0<thin space>฿" was ambiguous_amount while the property test's reference read 0)
    a["amounts_with_a_thin_space_before_the_currency_csv"] = dict(
        write=lambda d: _csv(
            d / "a.csv",
            [H, pay("V1", "1\u202f000\u202f฿"), pay("V2", "฿\u20092\u2009000.00"), pay("V3", "3,000\u2009บาท")],
        ),
        exit=LOADED,
        pay=ALL,
        rejects=set(),
    )
    a["amounts_grouped_otherwise"] = dict(  # guards but the last (bad_amount before): rejected, never guessed
        write=lambda d: xlsx(
            d / "a.xlsx", [H, pay("V1", "1 000.00"), pay("V2", "2\u00a0000\u202f000"), pay("V3", "3\u2009000,5")]
        ),
        exit=REJECTS,
        pay=plus(),
        rejects={(2, "ambiguous_amount"), (3, "ambiguous_amount"), (4, "ambiguous_amount")},
    )
    return a


def _csv(path: Path, rows: list) -> Path:
    path.write_text("\n".join(",".join(f'"{cell}"' for cell in row) for row in rows) + "\n", encoding="utf-8")
    return path


def main() -> None:
    args = battery_arguments(__doc__)
    if args.root:
        v.ROOT = vi.ROOT = args.root.resolve()
    with attack_folder(args.keep, "attacks-viii-") as folder:
        base = v.base_store(folder)
        run_attacks(attacks(), lambda name, spec: v.run(name, spec, folder, base), args.only)


if __name__ == "__main__":
    main()
