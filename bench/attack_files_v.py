"""Trust V: government sheet habits — what a sheet hides, merges across columns, or leaves uncalculated.

    .venv/bin/python bench/attack_files_v.py [--keep DIR] [--only NAME,...] [--root CHECKOUT] [--speed]

A store is built once with the real CLI (`python -m etl load`): projects P01 (Lamphun, FY2562,
9,999,999.00) and P02 (Chiang Mai, FY2562) and two payments, 0077380001 (100.00) and D-OLD (250.00).
Each attack writes its file afresh (openpyxl, xlwt, or the XML itself where the writers cannot say
it), copies that store and loads the file alone with `python -m etl load` (a subprocess). For each it
checks, and prints one line: the exit code is the one expected; no traceback, Rust backtrace or panic
is printed; the store afterwards holds exactly the rows worked out here by hand (the stored rows kept,
not lost and not doubled, plus the new rows' true values — the values a user sees in the sheet; a
refused file adds nothing); the rejects of the load are the (row, reason) pairs worked out here; the
loader's own count rule holds; the output says the words expected; nothing is left beside the store.
Ends with "N passed, N failed". `--root CHECKOUT` attacks another checkout (the code before).

`--speed`: CPU seconds (user + system of the `python -m etl load` process and its children: the Excel
reader's process) of loading a 60,000-row payments .xlsx into a copy of the store, best of 3, plain and
with 6,000 rows hidden; run under `nice -n 19`. docs/reliability.md ("ETL: government sheet habits V")
records both.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import shutil
import subprocess
import zipfile
from decimal import Decimal as D
from pathlib import Path

import attack_support
from attack_support import CUR, H, attack_folder, best_load_time, etl_load, run_attacks, store_state

ROOT = Path(__file__).resolve().parents[1]  # the checkout whose `python -m etl` is attacked (--root)

# Projects with the agency beside the name, and the contract's amount beside its date (A..I)
PH = ["รหัสโครงการ", "ปีงบประมาณ", "จังหวัด/กลุ่มจังหวัด", "ชื่อโครงการ", "หน่วยดำเนินการ", "ประเภทงบรายจ่าย"]
PH += ["งบประมาณที่ได้รับจัดสรร", "วงเงินตามสัญญา", "วันที่ลงนามสัญญา"]
TITLE = "รายงานผลการเบิกจ่ายงบประมาณ ข้อมูล ณ วันที่ 13 ก.ย. 2562"
REFUSED, REJECTS, LOADED = 2, 1, 0
SEP13 = dt.date(2019, 9, 13)

BASE_PAY = {
    "0077380001": ("P01", dt.date(2019, 3, 1), D("100.00"), "current"),
    "D-OLD": ("P02", dt.date(2019, 4, 1), D("250.00"), "current"),
}
# code -> (owner, fiscal_year, project_name, agency, allocated, contract_amount, contract_date)
BASE_PROJ = {
    "P01": ("51", 2562, "ถนน", "อบต.", D("9999999.00"), None, None),
    "P02": ("50", 2562, "ฝาย", "อบต.", D("5000000.00"), None, None),
}


def pay(doc, amount, date="13/09/2562", project="P01", source=CUR):
    return [doc, project, date, amount, source]


def plus(new: dict | None = None) -> dict:
    return {**BASE_PAY, **(new or {})}


def new(amount, date=SEP13, project="P01", source="current"):
    return (project, date, D(amount), source)


def proj(code, name="ฝายแม้ว", agency="อบต.", allocated=250_000, contract=None, signed=None):
    return [code, 2562, "จังหวัดลำพูน", name, agency, "งบลงทุน", allocated, contract, signed]


def stored(name="ฝายแม้ว", agency="อบต.", allocated="250000.00", contract=None, signed=None):
    return ("51", 2562, name, agency, D(allocated), D(contract) if contract else None, signed)


def projects_plus(new: dict | None = None) -> dict:
    return {**BASE_PROJ, **(new or {})}


# --------------------------------------------------------------------------- writers


def xlsx(
    path: Path,
    rows: list,
    merges=(),
    hidden_rows=(),
    hidden_columns=(),
    before: dict | None = None,
    epoch_1904=False,
    change=None,
) -> Path:
    """An .xlsx of one sheet "s" (sheets in `before` first); `change(sheet_xml) -> sheet_xml` rewrites the
    sheet's XML after openpyxl wrote it (what openpyxl cannot write: a zero height, rows without r=)."""
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    if epoch_1904:
        from openpyxl.utils.datetime import CALENDAR_MAC_1904

        book.epoch = CALENDAR_MAC_1904
    for name, other in (before or {}).items():
        sheet = book.create_sheet(name)
        for row in other:
            sheet.append(row)
    sheet = book.create_sheet("s")
    for row in rows:
        sheet.append(row)
    for cell_range in merges:
        sheet.merge_cells(cell_range)
    for number in hidden_rows:
        sheet.row_dimensions[number].hidden = True
    for letter in hidden_columns:
        sheet.column_dimensions[letter].hidden = True
    book.save(path)
    if change is not None:
        part = f"xl/worksheets/sheet{len(before or {}) + 1}.xml"
        with zipfile.ZipFile(path) as source:
            parts = [(info.filename, source.read(info)) for info in source.infolist()]
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
            for name, data in parts:
                target.writestr(name, change(data) if name == part else data)
    return path


def xls(path: Path, rows: list, merges=(), hidden_rows=(), hidden_columns=(), epoch_1904=False) -> Path:
    """An old .xls (xlwt); merges (first row, last row, first column, last column) 0-based; hidden 0-based."""
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    book.dates_1904 = epoch_1904
    sheet = book.add_sheet("s")
    for number in hidden_rows:
        sheet.row(number).hidden = True
    for number in hidden_columns:
        sheet.col(number).hidden = True
    covered = {
        (r, c) for top, bottom, left, right in merges for r in range(top, bottom + 1) for c in range(left, right + 1)
    }
    covered -= {(top, left) for top, _, left, _ in merges}
    for top, bottom, left, right in merges:
        sheet.merge(top, bottom, left, right)
    style = xlwt.easyxf(num_format_str="DD/MM/YYYY")
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if (r, c) in covered or value is None:
                continue
            sheet.write(r, c, value, style) if isinstance(value, dt.date) else sheet.write(r, c, value)
    book.save(str(path))
    return path


def _no_references(data: bytes) -> bytes:
    """Rows and cells without r="…" (as some export tools write them): the reader numbers them itself."""
    return re.sub(rb'<(row|c) r="[A-Z]*\d+"', rb"<\1", data)


def _prefixed(data: bytes) -> bytes:
    """The sheet's elements in the x: namespace prefix (as .NET export tools write them)."""
    data = data.replace(b"<worksheet xmlns=", b"<worksheet xmlns:x=", 1)
    return re.sub(rb"<(/?)([a-zA-Z]+)([\s>/])", rb"<\1x:\2\3", data)


# --------------------------------------------------------------------------- the attacks
# name -> dict(write, exit, pay, proj (None: as before), rejects (set of (row, reason)), said, args)

PAY_ROWS = [H, pay("V1", 1_000), pay("V2", 2_000), pay("V3", 3_000)]


def attacks() -> dict:
    a = {}
    # --- hidden rows
    a["row_hidden_by_hand"] = dict(
        write=lambda d: xlsx(d / "a.xlsx", PAY_ROWS, hidden_rows=[3]),
        exit=REJECTS,
        pay=plus({"V1": new("1000.00"), "V3": new("3000.00")}),
        rejects={(3, "hidden_row")},
    )

    def filtered(d: Path) -> Path:
        from openpyxl import Workbook

        book = Workbook()
        sheet = book.active
        sheet.title = "s"
        for row in [*PAY_ROWS, pay("V4", 4_000, project="P02")]:
            sheet.append(row)
        sheet.auto_filter.ref = "A1:E5"
        sheet.auto_filter.add_filter_column(1, ["P01"])  # project P01 only: V4 (P02) hidden by the filter
        sheet.row_dimensions[5].hidden = True
        book.save(d / "a.xlsx")
        return d / "a.xlsx"

    a["rows_hidden_by_a_filter"] = dict(
        write=filtered,
        exit=REJECTS,
        pay=plus({"V1": new("1000.00"), "V2": new("2000.00"), "V3": new("3000.00")}),
        rejects={(5, "hidden_row")},
    )

    def collapsed(d: Path) -> Path:
        from openpyxl import Workbook

        book = Workbook()
        sheet = book.active
        for row in PAY_ROWS:
            sheet.append(row)
        sheet.row_dimensions.group(2, 3, hidden=True)  # a collapsed outline group
        book.save(d / "a.xlsx")
        return d / "a.xlsx"

    a["rows_in_a_collapsed_group"] = dict(
        write=collapsed,
        exit=REJECTS,
        pay=plus({"V3": new("3000.00")}),
        rejects={(2, "hidden_row"), (3, "hidden_row")},
    )
    a["row_of_zero_height"] = dict(
        write=lambda d: xlsx(
            d / "a.xlsx", PAY_ROWS, change=lambda x: x.replace(b'<row r="2">', b'<row r="2" ht="0" customHeight="1">')
        ),
        exit=REJECTS,
        pay=plus({"V2": new("2000.00"), "V3": new("3000.00")}),
        rejects={(2, "hidden_row")},
    )
    a["hidden_row_rows_without_references"] = dict(
        write=lambda d: xlsx(d / "a.xlsx", PAY_ROWS, hidden_rows=[2], change=_no_references),
        exit=REJECTS,
        pay=plus({"V2": new("2000.00"), "V3": new("3000.00")}),
        rejects={(2, "hidden_row")},
    )
    a["hidden_row_namespace_prefix"] = dict(
        write=lambda d: xlsx(d / "a.xlsx", PAY_ROWS, hidden_rows=[4], change=_prefixed),
        exit=REJECTS,
        pay=plus({"V1": new("1000.00"), "V2": new("2000.00")}),
        rejects={(4, "hidden_row")},
    )
    a["hidden_title_header_area_blank_and_total_rows"] = dict(  # none of them is data: nothing rejected
        write=lambda d: xlsx(
            d / "a.xlsx",
            [[TITLE], [], H, pay("V1", 1_000), [], pay("V2", 2_000), ["รวมทั้งสิ้น", None, None, 3_000, None]],
            hidden_rows=[1, 2, 5, 7],
        ),
        exit=LOADED,
        pay=plus({"V1": new("1000.00"), "V2": new("2000.00")}),
        rejects=set(),
    )
    a["xls_rows_hidden"] = dict(
        write=lambda d: xls(d / "a.xls", [[TITLE], *PAY_ROWS], hidden_rows=[0, 2]),
        exit=REJECTS,
        pay=plus({"V2": new("2000.00"), "V3": new("3000.00")}),
        rejects={(3, "hidden_row")},
    )
    a["hidden_project_row_keeps_the_stored_project"] = dict(
        write=lambda d: xlsx(
            d / "a.xlsx",
            [PH, ["P01", 2562, "ลำพูน", "ถนน", "อบต.", "งบลงทุน", 1], proj("P11")],
            hidden_rows=[2],
        ),
        exit=REJECTS,
        pay=plus(),
        proj=projects_plus({"P11": stored()}),
        rejects={(2, "hidden_row")},
    )
    # --- hidden columns
    two = [[*H, "จำนวนเงิน"], [*pay("V1", 10_000), 1_000], [*pay("V2", 20_000), 2_000]]
    a["hidden_old_amount_beside_the_shown_one"] = dict(
        write=lambda d: xlsx(d / "a.xlsx", two, hidden_columns=["D"]),
        exit=LOADED,
        pay=plus({"V1": new("1000.00"), "V2": new("2000.00")}),
        rejects=set(),
        said=["D (4)", "hidden"],
    )
    alias = [[*H[:3], "เบิกจ่าย", H[4], "จำนวนเงิน"], [*pay("V1", 1_000), 10_000], [*pay("V2", 2_000), 20_000]]
    a["hidden_amount_after_the_shown_alias"] = dict(
        write=lambda d: xlsx(d / "a.xlsx", alias, hidden_columns=["F"]),
        exit=LOADED,
        pay=plus({"V1": new("1000.00"), "V2": new("2000.00")}),
        rejects=set(),
        said=["F (6)", "hidden"],
    )
    a["hidden_column_of_zero_width"] = dict(
        write=lambda d: xlsx(
            d / "a.xlsx",
            two,
            change=lambda x: x.replace(
                b"<sheetData>", b'<cols><col min="4" max="4" width="0" customWidth="1"/></cols><sheetData>'
            ),
        ),
        exit=LOADED,
        pay=plus({"V1": new("1000.00"), "V2": new("2000.00")}),
        rejects=set(),
        said=["D (4)"],
    )
    a["hidden_only_amount_refuses"] = dict(
        write=lambda d: xlsx(d / "a.xlsx", PAY_ROWS, hidden_columns=["D"]),
        exit=REFUSED,
        pay=plus(),
        said=["D (4)", "hidden", "unhide"],
    )
    a["hidden_only_contract_column_refuses"] = dict(
        write=lambda d: xlsx(d / "a.xlsx", [PH, proj("P11", contract=240_000)], hidden_columns=["H"]),
        exit=REFUSED,
        pay=plus(),
        said=["H (8)", "hidden"],
    )
    a["xls_hidden_old_amount"] = dict(
        write=lambda d: xls(d / "a.xls", two, hidden_columns=[3]),
        exit=LOADED,
        pay=plus({"V1": new("1000.00"), "V2": new("2000.00")}),
        rejects=set(),
        said=["D (4)"],
    )
    a["hidden_column_not_used_is_harmless"] = dict(
        write=lambda d: xlsx(d / "a.xlsx", [[*H, "ตรวจสอบ"], [*pay("V1", 1_000), "ok"]], hidden_columns=["F"]),
        exit=LOADED,
        pay=plus({"V1": new("1000.00")}),
        rejects=set(),
    )
    # --- merged across columns
    wide = [
        PH,
        proj("P11", name="ก่อสร้างฝายแม้วตามแนวพระราชดำริ", agency=None),  # D2:E2 over the agency
        proj("P12", contract=140_000),  # H3:I3 the contract over its date
        [*proj("P13", contract=60_000, signed=dt.date(2019, 2, 1)), "หมายเหตุ"],  # J4:K4 a note, I5:J5 harmless
        [*proj("P14", contract=70_000, signed=dt.date(2019, 3, 1))],
    ]
    wide_after = projects_plus(
        {
            "P13": stored(contract="60000.00", signed=dt.date(2019, 2, 1)),
            "P14": stored(contract="70000.00", signed=dt.date(2019, 3, 1)),
        }
    )
    a["merged_across_name_agency_and_contract_date"] = dict(
        write=lambda d: xlsx(d / "a.xlsx", wide, merges=["D2:E2", "H3:I3", "J4:K4", "I5:J5"]),
        exit=REJECTS,
        pay=plus(),
        proj=wide_after,
        rejects={(2, "merged_across"), (3, "merged_across")},
    )
    a["xls_merged_across"] = dict(
        write=lambda d: xls(d / "a.xls", wide, merges=[(1, 1, 3, 4), (2, 2, 7, 8), (3, 3, 9, 10), (4, 4, 8, 9)]),
        exit=REJECTS,
        pay=plus(),
        proj=wide_after,
        rejects={(2, "merged_across"), (3, "merged_across")},
    )
    a["merged_across_and_down_and_a_merged_total_row"] = dict(
        write=lambda d: xlsx(
            d / "a.xlsx",
            [
                H,
                pay("V1", 1_000, date=None),
                ["V2", None, None, 2_000, CUR],
                pay("V3", 3_000, source=None),
                ["รวมทั้งสิ้น", None, None, 6_000, None],
                pay("V4", 4_000),
            ],
            merges=["B2:C3", "D4:E4", "A5:C5"],
        ),
        exit=REJECTS,
        pay=plus({"V4": new("4000.00")}),
        rejects={(2, "merged_across"), (3, "merged_across"), (4, "merged_across")},
    )
    a["title_merged_across_above_the_header"] = dict(  # guard: a title merged over the table's width
        write=lambda d: xlsx(d / "a.xlsx", [[TITLE], H, pay("V1", 1_000)], merges=["A1:E1"]),
        exit=LOADED,
        pay=plus({"V1": new("1000.00")}),
        rejects=set(),
    )

    # --- a number format that shows nothing (";;;"; "0;;" hides negatives; a hidden zero is a blank for zero)
    def formatted(d: Path) -> Path:
        from openpyxl import Workbook

        book = Workbook()
        sheet = book.active
        for row in [H, pay("V1", 1_000), pay("V2", -300), pay("V3", 0), pay("V4", 4_000)]:
            sheet.append(row)
        sheet["D2"].number_format = ";;;"
        sheet["D3"].number_format = "#,##0.00;;"
        sheet["D4"].number_format = "#,##0.00;-#,##0.00;"
        sheet["D5"].number_format = '#,##0.00;[Red]-#,##0.00;"-"'
        book.save(d / "a.xlsx")
        return d / "a.xlsx"

    a["amount_hidden_by_its_number_format"] = dict(
        write=formatted,
        exit=REJECTS,
        pay=plus({"V3": new("0.00"), "V4": new("4000.00")}),
        rejects={(2, "hidden_value"), (3, "hidden_value")},
    )

    def xls_formatted(d: Path) -> Path:
        import xlwt

        book = xlwt.Workbook(encoding="utf-8")
        sheet = book.add_sheet("s")
        hidden = xlwt.easyxf(num_format_str=";;;")
        for r, row in enumerate([H, pay("V1", 1_000), pay("V2", 2_000)]):
            for c, value in enumerate(row):
                sheet.write(r, c, value, hidden) if (r, c) == (1, 3) else sheet.write(r, c, value)
        book.save(str(d / "a.xls"))
        return d / "a.xls"

    a["xls_amount_hidden_by_its_number_format"] = dict(
        write=xls_formatted,
        exit=REJECTS,
        pay=plus({"V2": new("2000.00")}),
        rejects={(2, "hidden_value")},
    )
    # --- formulas without a value, the 1904 date system, amounts as text (guards)
    a["formula_without_value_in_an_amount"] = dict(
        write=lambda d: xlsx(d / "a.xlsx", [H, pay("V1", 1_000), pay("V2", "=D2*2")]),
        exit=REJECTS,
        pay=plus({"V1": new("1000.00")}),
        rejects={(3, "formula_without_value")},
    )

    def xls_formula(d: Path) -> Path:
        import xlwt

        book = xlwt.Workbook(encoding="utf-8")
        sheet = book.add_sheet("s")
        rows = [PH, proj("P11", contract=240_000), proj("P12", contract=xlwt.Formula("G3*0.96"))]
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value is not None:
                    sheet.write(r, c, value)
        book.save(str(d / "a.xls"))
        return d / "a.xls"

    a["xls_formula_a_program_never_calculated"] = dict(  # xlwt stores "" as every formula's result
        write=xls_formula,
        exit=REJECTS,
        pay=plus(),
        proj=projects_plus({"P11": stored(contract="240000.00")}),
        rejects={(3, "formula_without_value")},
    )
    dated = [H, pay("V1", 1_000, date=dt.date(2019, 3, 15)), pay("V2", 2_000, date=dt.date(2019, 9, 30))]
    dated_after = plus({"V1": new("1000.00", dt.date(2019, 3, 15)), "V2": new("2000.00", dt.date(2019, 9, 30))})
    a["dates_1904_xlsx"] = dict(
        write=lambda d: xlsx(d / "a.xlsx", dated, epoch_1904=True), exit=LOADED, pay=dated_after, rejects=set()
    )
    a["dates_1904_xls"] = dict(
        write=lambda d: xls(d / "a.xls", dated, epoch_1904=True), exit=LOADED, pay=dated_after, rejects=set()
    )
    a["amount_text_nbsp_and_parentheses"] = dict(
        write=lambda d: xlsx(
            d / "a.xlsx", [H, pay("V1", "1,000.00\u00a0"), pay("V2", "\u00a02,500.50 "), pay("V3", "(50.00)")]
        ),
        exit=LOADED,
        pay=plus({"V1": new("1000.00"), "V2": new("2500.50"), "V3": new("-50.00")}),
        rejects=set(),
    )
    a["cover_sheet_before_the_data"] = dict(
        write=lambda d: xlsx(d / "a.xlsx", PAY_ROWS, before={"ปก": [[TITLE], ["กลุ่มงานยุทธศาสตร์"]]}),
        exit=LOADED,
        pay=plus({"V1": new("1000.00"), "V2": new("2000.00"), "V3": new("3000.00")}),
        rejects=set(),
    )
    return a


# --------------------------------------------------------------------------- the run


def cli(db: Path, *args: str, timeout: int = 300) -> subprocess.CompletedProcess:
    return etl_load(ROOT, db, *args, timeout=timeout)


def base_store(folder: Path) -> Path:
    return attack_support.base_store(
        ROOT,
        folder,
        ",".join(PH[:7]) + "\nP01,2562,ลำพูน,ถนน,อบต.,งบลงทุน,9999999.00\nP02,2562,เชียงใหม่,ฝาย,อบต.,งบลงทุน,5000000.00\n",
    )


def state(db: Path) -> tuple:
    return store_state(
        db, "owner, fiscal_year, project_name, implementing_agency, allocated_amount, contract_amount, contract_date"
    )


def run(name: str, spec: dict, folder: Path, base: Path) -> tuple[bool, str]:
    case = folder / name
    case.mkdir()
    store = case / "store"
    store.mkdir()
    db = store / "budget.duckdb"
    shutil.copy(base, db)
    path = spec["write"](case)
    try:
        done = cli(db, *spec.get("args", []), str(path))
    except subprocess.TimeoutExpired:
        return False, "hung (300 s)"
    output = done.stdout + done.stderr
    payments, projects, counts, rejects = state(db)
    leftovers = [p.name for p in store.iterdir() if ".writing-" in p.name or p.name.endswith(".inputs")]
    problems = []
    if done.returncode != spec["exit"]:
        problems.append(f"exit {done.returncode}, wanted {spec['exit']}")
    if re.search(r"Traceback|backtrace|panicked|memory allocation of", output):
        problems.append("traceback or backtrace on screen")
    want_pay = spec["pay"]
    if payments != want_pay:
        extra = {k: v for k, v in payments.items() if want_pay.get(k) != v}
        missing = {k: v for k, v in want_pay.items() if payments.get(k) != v}
        problems.append(f"payments differ: stored {extra}, wanted {missing}")
    want_proj = spec.get("proj") or BASE_PROJ
    if projects != want_proj:
        extra = {k: v for k, v in projects.items() if want_proj.get(k) != v}
        missing = {k: v for k, v in want_proj.items() if projects.get(k) != v}
        problems.append(f"projects differ: stored {extra}, wanted {missing}")
    if spec.get("rejects") is not None and spec["exit"] != REFUSED and rejects != spec["rejects"]:
        problems.append(f"rejects {sorted(rejects)}, wanted {sorted(spec['rejects'])}")
    if not counts:
        problems.append("count rule broken")
    flat = " ".join(output.split())
    problems += [f"the output does not say {words!r}" for words in spec.get("said", []) if words not in flat]
    if leftovers:
        problems.append(f"leftovers {leftovers}")
    summary = f"exit {done.returncode}; " + flat[-160:]
    return not problems, ("; ".join(problems) + " | " + summary) if problems else summary


# --------------------------------------------------------------------------- speed


def _big_xlsx(path: Path, rows: int, hidden_every: int = 0) -> Path:
    """A payments sheet of `rows` rows for P01 (amounts 0.01 each), every `hidden_every`-th data row hidden."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("s")
    sheet.append(H)
    for index in range(rows):
        sheet.append([f"S{index:07d}", "P01", "13/09/2562", 0.01, CUR])
    book.save(path)
    if hidden_every:

        def hide(match: re.Match) -> bytes:
            number = int(match.group(1))
            return (
                match.group(0)[:-1] + b' hidden="1">' if number > 1 and number % hidden_every == 0 else match.group(0)
            )

        with zipfile.ZipFile(path) as source:
            parts = [(info.filename, source.read(info)) for info in source.infolist()]
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
            for name, data in parts:
                target.writestr(name, re.sub(rb'<row r="(\d+)">', hide, data) if name.endswith("sheet1.xml") else data)
    return path


def speed(folder: Path, base: Path, rows: int = 60_000, repeat: int = 3) -> None:
    for label, hidden_every in (("plain", 0), ("6,000 rows hidden", 10)):
        book = _big_xlsx(folder / f"big-{hidden_every}.xlsx", rows, hidden_every)
        best_cpu, best_wall = best_load_time(ROOT, folder, base, book, repeat)
        print(f"speed {rows:,} rows .xlsx, {label}: best of {repeat} {best_cpu:.2f} CPU-s ({best_wall:.2f} s wall)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--keep", type=Path, default=None)
    parser.add_argument("--only", default="")
    parser.add_argument("--root", type=Path, default=None, help="attack another checkout (e.g. the code before)")
    parser.add_argument("--speed", action="store_true", help="time a 60,000-row .xlsx load instead")
    args = parser.parse_args()
    if args.root:
        global ROOT
        ROOT = args.root.resolve()
    with attack_folder(args.keep, "attacks-v-") as folder:
        base = base_store(folder)
        if args.speed:
            speed(folder, base)
        else:
            run_attacks(attacks(), lambda name, spec: run(name, spec, folder, base), args.only)


if __name__ == "__main__":
    main()
