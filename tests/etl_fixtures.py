"""Helpers the ETL tests use to build their own input files (CSV, xlsx, xls)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import duckdb

PROJECT_HEADERS = [
    "รหัสโครงการ",
    "ปีงบประมาณ",
    "จังหวัด/กลุ่มจังหวัด",
    "ชื่อโครงการ",
    "ประเภทงบรายจ่าย",
    "หน่วยดำเนินการ",
    "งบประมาณที่ได้รับจัดสรร",
    "วงเงินตามสัญญา",
]
DISB_HEADERS = ["เลขที่เอกสาร", "รหัสโครงการ", "วันที่ผ่านรายการ", "จำนวนเงิน", "แหล่งเงิน"]
CARRY_HEADERS = ["รหัสโครงการ", "จำนวนเงินกันเหลื่อมปี", "มีหนี้ผูกพัน", "วันที่อนุมัติ", "ขยายเวลาเบิกจ่ายถึง", "เหตุผล"]
REALLOC_HEADERS = ["เลขที่อนุมัติ", "วันที่อนุมัติ", "โอนจากโครงการ", "โอนไปโครงการ", "จำนวนเงิน", "ประเภทการโอน", "เหตุผล"]
ASSET_HEADERS = ["รหัสสินทรัพย์", "รหัสโครงการ", "รายการสินทรัพย์", "มูลค่า", "หน่วยงานผู้รับโอน", "วันที่ตรวจรับ", "วันที่โอน", "สถานะ"]
# The same files with the English column names the loader also reads (the small years of the projection
# and pace-break tests).
PROJECT_COLUMNS = [
    "project_code",
    "fiscal_year",
    "owner",
    "project_name",
    "budget_type",
    "implementing_agency",
    "allocated_amount",
    "contract_amount",
    "contract_date",
    "planned_start",
    "planned_end",
]
DISB_COLUMNS = ["doc_no", "project_code", "posting_date", "amount", "source"]
REALLOC_COLUMNS = ["ref_no", "approved_date", "from_project_code", "to_project_code", "amount", "kind", "reason"]

# Three FY2562 projects: a province one (by Thai name with prefix), a cluster one, another.
PROJECT_ROWS = [
    ["P01", "2562", "จังหวัดเชียงใหม่", "ถนนลาดยาง", "งบลงทุน", "อบจ.เชียงใหม่", "1,000,000.00", "800,000.00"],
    ["P02", "2562", "กลุ่มจังหวัดภาคเหนือตอนบน 1", "อบรมเกษตรกร", "งบดำเนินงาน", "สนง.เกษตร", "500,000", ""],
    ["P03", "2562", "จ.ลำพูน", "ฝายน้ำล้น", "investment", "อบต.", "300,000.00", ""],
]


def write_csv(path: Path, rows: list[list[str]], encoding: str = "utf-8", title: list[str] | None = None) -> Path:
    """A CSV file with optional title lines above the rows (header first in rows)."""
    with open(path, "w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle)
        for line in title or []:
            writer.writerow([line])
        writer.writerows(rows)
    return path


def write_projects(
    folder: Path, rows: list[list[str]] | None = None, name: str = "projects.csv", encoding: str = "utf-8"
) -> Path:
    return write_csv(folder / name, [PROJECT_HEADERS, *(rows if rows is not None else PROJECT_ROWS)], encoding=encoding)


def write_xlsx(
    path: Path,
    sheets: dict[str, list[list[object]]],
    merges: dict[str, list[str]] | None = None,
    *,
    hidden_rows: dict[str, list[int]] | None = None,
    hidden_columns: dict[str, list[str]] | None = None,
    epoch_1904: bool = False,
) -> Path:
    """An .xlsx workbook (openpyxl) with the given sheets; merges: sheet -> ["A1:C1", ...];
    hidden_rows: sheet -> 1-based rows hidden (as Excel's Hide or a filter hides them);
    hidden_columns: sheet -> column letters hidden; epoch_1904: dates in the 1904 system (Mac Excel)."""
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)
    if epoch_1904:
        from openpyxl.utils.datetime import CALENDAR_MAC_1904

        workbook.epoch = CALENDAR_MAC_1904
    for name, rows in sheets.items():
        sheet = workbook.create_sheet(name)
        for row in rows:
            sheet.append(row)
        for cell_range in (merges or {}).get(name, []):
            sheet.merge_cells(cell_range)
        for row in (hidden_rows or {}).get(name, []):
            sheet.row_dimensions[row].hidden = True
        for letter in (hidden_columns or {}).get(name, []):
            sheet.column_dimensions[letter].hidden = True
    workbook.save(path)
    return path


def write_xls(
    path: Path,
    rows: list[list[object]],
    sheet: str = "Sheet1",
    merges: list[tuple[int, int, int, int]] = (),
    *,
    hidden_rows: list[int] = (),
    hidden_columns: list[int] = (),
    epoch_1904: bool = False,
) -> Path:
    """An old-format .xls workbook (xlwt); date objects get a date format; merges: (first row, last row,
    first column, last column), 0-based, each keeping the value of its top-left cell; hidden_rows and
    hidden_columns 0-based; epoch_1904: dates in the 1904 system (Mac Excel)."""
    import datetime as dt

    import xlwt

    workbook = xlwt.Workbook(encoding="utf-8")
    workbook.dates_1904 = epoch_1904
    worksheet = workbook.add_sheet(sheet)
    for row in hidden_rows:
        worksheet.row(row).hidden = True
    for column in hidden_columns:
        worksheet.col(column).hidden = True
    date_style = xlwt.easyxf(num_format_str="DD/MM/YYYY")
    # the cells of each merged range but its top-left one, which alone holds the range's value
    hidden = {
        (r, c) for top, bottom, left, right in merges for r in range(top, bottom + 1) for c in range(left, right + 1)
    } - {(top, left) for top, _, left, _ in merges}
    for top, bottom, left, right in merges:
        worksheet.merge(top, bottom, left, right)
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if (r, c) in hidden:
                continue
            if isinstance(value, dt.date):
                worksheet.write(r, c, value, date_style)
            elif value is not None:
                worksheet.write(r, c, value)
    workbook.save(str(path))
    return path


def query(db: Path, sql: str, params=None) -> list[tuple]:
    """Rows of a query on the published database (read-only, closed after)."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, list(params or [])).fetchall()
    finally:
        con.close()


def scalar(db: Path, sql: str, params: list | None = None):
    return query(db, sql, params)[0][0]


# name -> the folder in which this process made that store once (made_once).
_templates: dict[str, Path] = {}


def made_once(name: str, folder: Path, make) -> Path:
    """`folder`/budget.duckdb as `make(template_folder)` leaves it, made once per process under `name`.

    The first call runs `make` (which loads into template_folder/budget.duckdb through the ETL) in a
    folder of its own; each call copies what is in that folder (the store, the files loaded, the
    writer's lock file) into `folder`: the store the same loads there would give, but for the paths
    and times `loads` records for them. Why: a load's fixed cost (~0.5 CPU-s) in each of the ~150
    tests that start from the same store; docs/benchmarks.md, "Test suite time, part 8".
    """
    import shutil

    if name not in _templates:
        import atexit
        import tempfile

        template = Path(tempfile.mkdtemp(prefix=f"fixture-{name}-"))
        atexit.register(shutil.rmtree, template, ignore_errors=True)
        make(template)
        _templates[name] = template
    for entry in sorted(_templates[name].iterdir()):
        shutil.copyfile(entry, folder / entry.name)
    return folder / "budget.duckdb"


def _load_projects(folder: Path) -> None:
    from etl.load import load_files

    [result] = load_files([write_projects(folder)], db_path=folder / "budget.duckdb")
    assert result.status == "loaded", result.message


def fixture_projects_db(folder: Path) -> Path:
    """A store in `folder` holding the three fixture projects (P01, P02, P03), loaded by the ETL
    (once per process: made_once)."""
    return made_once("projects", folder, _load_projects)


def csv_bytes(rows: list[list[str]], delimiter: str = ",", eol: str = "\n", encoding: str = "utf-8") -> bytes:
    """Rows as the bytes of a CSV file written with that delimiter, line end and encoding."""
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator=eol).writerows(rows)
    return buffer.getvalue().encode(encoding)


def put(folder: Path, name: str, data: bytes) -> Path:
    """`data` written as folder/name; the path."""
    path = folder / name
    path.write_bytes(data)
    return path
