"""A rerun of hostile files of the kinds issue 14 lists, written afresh (not the tests' files).

    .venv/bin/python bench/attack_files_ii.py [--keep DIR] [--only NAME,...]

Each attack is written here, then loaded alone with the real CLI (`python -m etl load`,
under /usr/bin/time) into a fresh store holding project P01. For each it checks, and
prints one line: the exit code is the one expected; no traceback, Rust backtrace or panic
is printed; the disbursements stored are exactly the true values worked out here by hand
(a refused file stores nothing); the loader's own count rule holds (rows read = loaded +
rejected + totals, from the `loads` table); nothing is left beside the store (no work
copy, no input copies, no reader output); the load took less than 300 s; and its peak
memory (the loader or its reader process) stayed under 1.5 GB. Ends with "N passed,
N failed". docs/reliability.md records the result.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import re
import subprocess
import sys
import zipfile
from decimal import Decimal
from pathlib import Path

from attack_support import attack_folder, run_attacks

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

H = ["เลขที่เอกสาร", "รหัสโครงการ", "วันที่ผ่านรายการ", "จำนวนเงิน", "แหล่งเงิน"]
CUR = "งบประมาณปีปัจจุบัน"
REFUSED, REJECTS, LOADED = 2, 1, 0


def csv_bytes(rows, encoding="utf-8", eol="\n") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator=eol).writerows(rows)
    return buffer.getvalue().encode(encoding)


def xlsx(path: Path, sheets: dict, merges: dict | None = None, states: dict | None = None) -> Path:
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
        for cells in (merges or {}).get(name, []):
            sheet.merge_cells(cells)
        sheet.sheet_state = (states or {}).get(name, "visible")
    book.save(path)
    return path


def rewrite(path: Path, change) -> Path:
    """Rewrite every part of a zip through change(name, bytes)."""
    with zipfile.ZipFile(path) as book:
        parts = [(info.filename, book.read(info)) for info in book.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as book:
        for name, data in parts:
            book.writestr(name, change(name, data))
    return path


def row(doc, amount, date="13/09/2562", source=CUR):
    return [doc, "P01", date, amount, source]


# --------------------------------------------------------------------------- the attacks
# name -> (write(folder) -> file, extra CLI args, expected exit, expected {doc_no: Decimal})


def attacks() -> dict:
    a = {}
    a["unit_title_no_brackets"] = (
        lambda d: _put(d, "a.csv", csv_bytes([["หน่วย: พันบาท"], H, row("D1", "1.5")])),
        [],
        REFUSED,
        {},
    )
    a["unit_merged_title_xlsx"] = (
        lambda d: xlsx(
            d / "a.xlsx",
            {"s": [["ตารางที่ 1 ผลการเบิกจ่าย (หน่วย : ล้านบาท)"], H, row("D1", 1.25), row("D2", 0.000125)]},
            {"s": ["A1:E1"]},
        ),
        [],
        REFUSED,
        {},
    )
    a["unit_merged_title_xlsx_converted"] = (
        lambda d: xlsx(
            d / "a.xlsx",
            {
                "s": [
                    ["ตารางที่ 1 ผลการเบิกจ่าย (หน่วย : ล้านบาท)"],
                    H,
                    row("D1", 1.25),
                    row("D2", 0.000125),
                    row("D3", 0.1 + 0.2),
                    row("D4", 7.123456789),
                ]
            },
            {"s": ["A1:E1"]},
        ),
        ["--unit", "million"],
        REJECTS,
        {"D1": Decimal("1250000.00"), "D2": Decimal("125.00"), "D3": Decimal("300000.00")},
    )
    a["unit_english_thousands"] = (
        lambda d: _put(
            d,
            "a.csv",
            csv_bytes(
                [["Doc No", "Project Code", "Posting Date", "Amount (THB '000)", "Fund Source"], row("D1", "2.5")]
            ),
        ),
        [],
        REFUSED,
        {},
    )
    a["unit_row_mixed_baht_and_million"] = (
        lambda d: _put(d, "a.csv", csv_bytes([H, ["", "", "", "(ล้านบาท)", ""], row("D1", "1.5")])),
        [],
        REFUSED,
        {},
    )
    a["unit_footnote"] = (
        lambda d: _put(d, "a.csv", csv_bytes([H, row("D1", "1.5"), ["* หน่วย : ล้านบาท"]])),
        [],
        REFUSED,
        {},
    )
    a["unit_option_contradicted"] = (
        lambda d: _put(d, "a.csv", csv_bytes([["(หน่วย : ล้านบาท)"], H, row("D1", "1.5")])),
        ["--unit", "thousand"],
        REFUSED,
        {},
    )
    a["unit_header_lb"] = (
        lambda d: xlsx(d / "a.xlsx", {"s": [[*H[:3], "เบิกจ่าย (ลบ.)", H[4]], row("D1", 3)]}),
        [],
        REFUSED,
        {},
    )
    a["header_thai_and_english_amount"] = (
        lambda d: _put(d, "a.csv", csv_bytes([[*H, "Amount"], [*row("D1", "100.00"), "60.00"]])),
        [],
        REFUSED,
        {},
    )
    a["header_merged_three_subheaders"] = (
        lambda d: xlsx(
            d / "a.xlsx",
            {
                "s": [
                    [*H[:3], "จำนวนเงิน", "", "", "แหล่งเงิน"],
                    ["", "", "", "ขอเบิก", "เบิกจ่าย", "คงเหลือ", ""],
                    ["D1", "P01", "13/09/2562", 900, 600, 300, CUR],
                ]
            },
            {"s": ["D1:F1", "A1:A2", "B1:B2", "C1:C2", "G1:G2"]},
        ),
        [],
        LOADED,
        {"D1": Decimal("600.00")},
    )
    a["header_three_rows"] = (
        lambda d: xlsx(
            d / "a.xlsx",
            {
                "s": [
                    ["เลขที่เอกสาร", "รหัสโครงการ", "วันที่", "จำนวนเงิน", "แหล่งเงิน"],
                    ["", "", "ผ่านรายการ", "", ""],
                    ["", "", "", "เบิกจ่าย", "แหล่งของเงิน"],
                    row("D1", 5),
                ]
            },
        ),
        [],
        REFUSED,
        {},
    )
    a["header_key_twice"] = (
        lambda d: _put(d, "a.csv", csv_bytes([[*H, "เลขที่เอกสาร"], [*row("D1", "5"), "D9"]])),
        [],
        REFUSED,
        {},
    )
    a["numbers_every_magnitude"] = (
        lambda d: xlsx(
            d / "a.xlsx",
            {
                "s": [
                    H,
                    row("D1", 1234567.891),
                    row("D2", 600000.004),
                    row("D3", 0.1 + 0.2),
                    row("D4", 12345.678),
                    row("D5", 99999.995),
                    row("D6", 1e-9),
                    row("D7", -(0.1 + 0.2)),
                    row("D8", 2.0**40 + 0.5),
                    row("D9", 55555555.55),
                    row("D10", 1234567.1 + 0.1),
                ]
            },
        ),
        [],
        REJECTS,
        {"D3": Decimal("0.30"), "D7": Decimal("-0.30"), "D9": Decimal("55555555.55"), "D10": Decimal("1234567.20")},
    )
    a["formulas_with_cached_values"] = (_cached_formulas, [], LOADED, {"D1": Decimal("10.00"), "D2": Decimal("20.50")})
    a["encoding_tis620_row_in_utf8"] = (
        lambda d: _put(
            d,
            "a.csv",
            csv_bytes([H, row("D1", "1.00")])
            + csv_bytes([row("D2", "2.00")], encoding="cp874")
            + csv_bytes([row("D3", "3.00")]),
        ),
        [],
        REFUSED,
        {},
    )
    a["encoding_utf8_row_at_the_end"] = (
        lambda d: _put(
            d, "a.csv", csv_bytes([H, row("D1", "1.00"), row("D2", "2.00")], "cp874") + csv_bytes([row("D3", "3.00")])
        ),
        [],
        REFUSED,
        {},
    )
    a["encoding_mixed_cr_only"] = (
        lambda d: _put(
            d, "a.csv", csv_bytes([H, row("D1", "1.00")], eol="\r") + csv_bytes([row("D2", "2.00")], "cp874", eol="\r")
        ),
        [],
        REFUSED,
        {},
    )
    a["encoding_bom_then_tis620"] = (
        lambda d: _put(
            d, "a.csv", b"\xef\xbb\xbf" + csv_bytes([H, row("D1", "1.00")]) + csv_bytes([row("D2", "2.00")], "cp874")
        ),
        [],
        REFUSED,
        {},
    )
    a["quote_across_doc_numbers"] = (
        lambda d: _put(
            d,
            "a.csv",
            (
                ",".join(H) + f'\n"D1,P01,13/09/2562,1.00,{CUR}\nD2",P01,13/09/2562,2.00,{CUR}\n'
                f"D3,P01,13/09/2562,3.00,{CUR}\n"
            ).encode(),
        ),
        [],
        REJECTS,
        {"D3": Decimal("3.00")},
    )
    a["quote_over_three_lines"] = (
        lambda d: _put(
            d,
            "a.csv",
            (
                ",".join(H) + f'\nD1,P01,13/09/2562,1.00,"{CUR}\nD2,P01,13/09/2562,2.00,{CUR}\nD3,P01,13/09/2562,3.00,'
                f'{CUR}"\nD4,P01,13/09/2562,4.00,{CUR}\n'
            ).encode(),
        ),
        [],
        REJECTS,
        {"D4": Decimal("4.00")},
    )
    a["workbook_dimension_lie"] = (
        lambda d: rewrite(
            xlsx(d / "a.xlsx", {"s": [H, row("D1", 5)]}),
            lambda n, b: re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:ZZ9999999"', b),
        ),
        [],
        REFUSED,
        {},
    )
    a["workbook_value_in_xfd1"] = (
        lambda d: rewrite(
            xlsx(d / "a.xlsx", {"s": [H, row("D1", 5)]}),
            lambda n, b: (
                b.replace(b"</row>", b'<c r="XFD1" t="inlineStr"><is><t>x</t></is></c></row>', 1)
                if "worksheets" in n
                else b
            ),
        ),
        [],
        REFUSED,
        {},
    )
    a["workbook_sparse_last_row"] = (
        lambda d: rewrite(
            xlsx(d / "a.xlsx", {"s": [H, row("D1", 5)]}),
            lambda n, b: (
                b.replace(b"</sheetData>", b'<row r="1048576"><c r="E1048576"><v>1</v></c></row></sheetData>')
                if "worksheets" in n
                else b
            ),
        ),
        [],
        REFUSED,
        {},
    )
    a["workbook_shared_string_bomb"] = (_string_bomb, [], REFUSED, {})
    a["workbook_hidden_sheets"] = (
        lambda d: xlsx(
            d / "a.xlsx",
            {"q1": [H, row("D1", 1)], "q2": [H, row("D2", 2)], "old": [H, row("D3", 3)], "x": [H, row("D4", 4)]},
            states={"old": "hidden", "x": "veryHidden"},
        ),
        [],
        LOADED,
        {"D1": Decimal("1.00"), "D2": Decimal("2.00")},
    )
    a["workbook_formula_and_error_cells"] = (
        lambda d: xlsx(d / "a.xlsx", {"s": [H, row("D1", "=2*3"), row("D2", 5, date="#VALUE!"), row("D3", 7)]}),
        [],
        REJECTS,
        {"D3": Decimal("7.00")},
    )
    a["xls_error_in_amount"] = (_xls_error, [], REJECTS, {"D1": Decimal("5.00")})
    a["workbook_styled_empty_columns"] = (_styled_far, [], LOADED, {"D1": Decimal("5.00")})
    a["workbook_truncated"] = (
        lambda d: _put(d, "a.xlsx", (xlsx(d / "b.xlsx", {"s": [H, row("D1", 5)]}).read_bytes())[:1500]),
        [],
        REFUSED,
        {},
    )
    return a


def _put(folder: Path, name: str, data: bytes) -> Path:
    path = folder / name
    path.write_bytes(data)
    return path


def _cached_formulas(folder: Path) -> Path:
    import xlsxwriter

    path = folder / "a.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("s")
    sheet.write_row(0, 0, H)
    sheet.write_row(1, 0, ["D1", "P01", "13/09/2562"])
    sheet.write_formula(1, 3, "=4+6", None, 10)
    sheet.write(1, 4, CUR)
    sheet.write_row(2, 0, ["D2", "P01", "13/09/2562"])
    sheet.write_formula(2, 3, "=D2*2.05", None, 20.5)
    sheet.write(2, 4, CUR)
    book.close()
    return path


def _string_bomb(folder: Path) -> Path:
    """A shared-strings part of one 150 MB string (openpyxl writes inline strings: add it)."""
    path = xlsx(folder / "a.xlsx", {"s": [H, row("D1", 5)]})
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as book:
        book.writestr(
            "xl/sharedStrings.xml",
            b'<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/'
            b'spreadsheetml/2006/main"><si><t>' + b"ab" * (75 << 20) + b"</t></si></sst>",
        )
    return path


def _xls_error(folder: Path) -> Path:
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("s")
    for r, values in enumerate([H, row("D1", 5), row("D2", None)]):
        for c, value in enumerate(values):
            if value is not None:
                sheet.write(r, c, value)
    sheet.row(2).set_cell_error(3, 0x2A)  # #N/A
    path = folder / "a.xls"
    book.save(str(path))
    return path


def _styled_far(folder: Path) -> Path:
    path = xlsx(folder / "a.xlsx", {"s": [H, row("D1", 5)]})
    empties = b"".join(b'<c r="%s2" s="0"/>' % col.encode() for col in ("GZ", "ZZ", "ABC", "XFD"))
    return rewrite(
        path,
        lambda name, data: (
            data.replace(b"</row></sheetData>", empties + b"</row></sheetData>") if "worksheets" in name else data
        ),
    )


# --------------------------------------------------------------------------- the run


def run(name: str, spec, folder: Path) -> tuple[bool, str]:
    write, args, want_exit, want = spec
    case = folder / name
    case.mkdir()
    store = case / "store"
    store.mkdir()
    db = store / "budget.duckdb"
    projects = case / "projects.csv"
    projects.write_text(
        "รหัสโครงการ,ปีงบประมาณ,จังหวัด/กลุ่มจังหวัด,ชื่อโครงการ,ประเภทงบรายจ่าย,หน่วยดำเนินการ,"
        "งบประมาณที่ได้รับจัดสรร\nP01,2562,ลำพูน,ถนน,งบลงทุน,อบต.,9999999999.00\n",
        encoding="utf-8",
    )
    subprocess.run(
        [sys.executable, "-m", "etl", "--db", str(db), "load", str(projects)], cwd=ROOT, capture_output=True, check=True
    )
    path = write(case)
    try:
        done = subprocess.run(
            [
                "/usr/bin/time",
                "-f",
                "@@ %e s %M KB",
                sys.executable,
                "-m",
                "etl",
                "--db",
                str(db),
                "load",
                *args,
                str(path),
            ],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
            env={**os.environ, "COLUMNS": "250"},
        )
    except subprocess.TimeoutExpired:
        return False, "hung (300 s)"
    output = done.stdout + done.stderr
    seconds, peak_kb = re.search(r"@@ ([\d.]+) s (\d+) KB", done.stderr).groups()
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    try:
        stored = dict(con.execute("SELECT doc_no, amount FROM disbursements").fetchall())
        counts = con.execute(
            "SELECT bool_and(rows_read = rows_inserted + rows_updated + rows_unchanged "
            "+ rows_rejected + total_rows_skipped) FROM loads"
        ).fetchone()[0]
    finally:
        con.close()
    leftovers = [p.name for p in store.iterdir() if ".writing-" in p.name or p.name.endswith(".inputs")]
    problems = []
    if done.returncode != want_exit:
        problems.append(f"exit {done.returncode}, wanted {want_exit}")
    if re.search(r"Traceback|backtrace|panicked|memory allocation of", output):
        problems.append("traceback or backtrace on screen")
    if stored != want:
        problems.append(f"stored {stored}, wanted {want}")
    if not counts:
        problems.append("count rule broken")
    if leftovers:
        problems.append(f"leftovers {leftovers}")
    if int(peak_kb) > 1536 * 1024:
        problems.append(f"peak {int(peak_kb) // 1024} MB")
    summary = (
        f"exit {done.returncode}, {len(stored)} stored, {float(seconds):.1f} s, {int(peak_kb) // 1024} MB; "
        + " ".join(output.split())[-150:]
    )
    return not problems, "; ".join(problems) or summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--keep", type=Path, default=None)
    parser.add_argument("--only", default="")
    args = parser.parse_args()
    with attack_folder(args.keep, "attacks-ii-") as folder:
        run_attacks(attacks(), lambda name, spec: run(name, spec, folder), args.only)


if __name__ == "__main__":
    main()
