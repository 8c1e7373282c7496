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


def stored_payments(db: Path) -> dict[str, tuple]:
    """doc_no -> (project_code, posting date 'YYYY-MM-DD', amount) of every stored disbursement."""
    return {
        doc: (project, date, amount)
        for doc, project, date, amount in query(
            db, "SELECT doc_no, project_code, CAST(posting_date AS VARCHAR), amount FROM disbursements"
        )
    }


def load_rejects(db: Path, load_id: int) -> list[tuple]:
    """(row_number, column_name, reason_code, bad_value) of a load's rejects, in row and column order."""
    return query(
        db,
        "SELECT row_number, column_name, reason_code, bad_value FROM rejects WHERE load_id = ? "
        "ORDER BY row_number, column_name",
        [load_id],
    )


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


# --------------------------------------------------------------------------- OpenDocument (.ods)

_ODS_NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:number="urn:oasis:names:tc:opendocument:xmlns:datastyle:1.0" '
    'xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" '
    'xmlns:of="urn:oasis:names:tc:opendocument:xmlns:of:1.2" '
    'xmlns:calcext="urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0"'
)
# Data styles as LibreOffice writes them (a format code's sections are a main style and style:map entries).
_ODS_DATA_STYLES = {
    # 0% and 0.0%
    "percent": '<number:percentage-style style:name="{n}"><number:number number:decimal-places="0" '
    'number:min-integer-digits="1"/><number:text>%</number:text></number:percentage-style>',
    # #,##0, (shown in thousands) and 0.0,, (in millions): LibreOffice's display-factor
    "thousands": '<number:number-style style:name="{n}"><number:number number:decimal-places="0" '
    'number:min-integer-digits="1" number:grouping="true" number:display-factor="1000"/></number:number-style>',
    "millions": '<number:number-style style:name="{n}"><number:number number:decimal-places="1" '
    'number:min-integer-digits="1" number:display-factor="1000000"/></number:number-style>',
    # ;;; (every number shown as nothing)
    "hidden": '<number:number-style style:name="{n}P0" style:volatile="true"/>'
    '<number:number-style style:name="{n}P1" style:volatile="true"/>'
    '<number:number-style style:name="{n}"><style:map style:condition="value()&gt;0" '
    'style:apply-style-name="{n}P0"/><style:map style:condition="value()&lt;0" style:apply-style-name="{n}P1"/>'
    "</number:number-style>",
    # #,##0.00 (shown as it is)
    "plain": '<number:number-style style:name="{n}"><number:number number:decimal-places="2" '
    'number:min-integer-digits="1" number:grouping="true"/></number:number-style>',
    "date": '<number:date-style style:name="{n}"><number:day number:style="long"/><number:text>/</number:text>'
    '<number:month number:style="long"/><number:text>/</number:text><number:year number:style="long"/>'
    "</number:date-style>",
}


class OdsError(str):
    """An .ods cell holding a formula whose result is an error ("#DIV/0!", "Err:502"), as LibreOffice saves it."""


class OdsFormula(str):
    """An .ods cell holding a formula ("of:=[.G2]*0.96") without its result, as programs write one."""


def _ods_cell(value: object, style: str | None, span: tuple[int, int] | None) -> str:
    import datetime as dt
    from xml.sax.saxutils import escape

    attributes = f' table:style-name="{style}"' if style else ""
    if span:
        attributes += f' table:number-columns-spanned="{span[1]}" table:number-rows-spanned="{span[0]}"'
    if value is None:
        return f"<table:table-cell{attributes}/>"
    if isinstance(value, OdsFormula):
        return f'<table:table-cell{attributes} table:formula="{escape(value)}"/>'
    if isinstance(value, OdsError):
        return (
            f'<table:table-cell{attributes} table:formula="of:=1/0" office:value-type="string" '
            f'office:string-value="" calcext:value-type="error"><text:p>{escape(value)}</text:p></table:table-cell>'
        )
    if isinstance(value, bool):
        raise TypeError("no booleans here")
    if isinstance(value, (int, float)):
        kind = "percentage" if style and style.startswith("pc") else "float"
        return (
            f'<table:table-cell{attributes} office:value-type="{kind}" office:value="{value!r}" '
            f'calcext:value-type="{kind}"><text:p>{value}</text:p></table:table-cell>'
        )
    if isinstance(value, dt.date):
        return (
            f'<table:table-cell{attributes} office:value-type="date" office:date-value="{value.isoformat()}" '
            f'calcext:value-type="date"><text:p>{value:%d/%m/%Y}</text:p></table:table-cell>'
        )
    text = str(value)
    return (
        f'<table:table-cell{attributes} office:value-type="string" calcext:value-type="string">'
        f"<text:p>{escape(text)}</text:p></table:table-cell>"
    )


def write_ods(
    path: Path,
    sheets: dict[str, list[list[object]]],
    merges: dict[str, list[str]] | None = None,
    *,
    hidden_rows: dict[str, list[int]] | None = None,
    filtered_rows: dict[str, list[int]] | None = None,
    hidden_columns: dict[str, list[str]] | None = None,
    formats: dict[str, dict[str, str]] | None = None,
    hidden_sheets: tuple[str, ...] = (),
    padding: bool = True,
) -> Path:
    """An OpenDocument spreadsheet written as LibreOffice writes one (no library in the venv writes .ods):
    a zip whose first entry is `mimetype`, stored; content.xml with runs of equal cells and rows compressed
    (`table:number-columns-repeated`, `table:number-rows-repeated`) and, with `padding`, the empty rows and
    columns LibreOffice adds to the end of a formatted sheet (1,048,576 rows, 1,024 columns) as one repeated
    row. merges: sheet -> ["D2:E2", ...] (the top-left cell keeps its value, the others become covered
    cells); hidden_rows / filtered_rows: sheet -> 1-based rows (`table:visibility="collapse"` / `"filter"`);
    hidden_columns: sheet -> letters; formats: sheet -> {"H2": "percent" | "thousands" | "millions" |
    "hidden" | "plain" | "date"}; OdsError values are error results of formulas."""
    import zipfile

    from etl.workbook_child import column_number

    def position(reference: str) -> tuple[int, int]:
        letters = reference.rstrip("0123456789")
        return int(reference[len(letters) :]) - 1, column_number(letters) - 1

    used_styles = sorted({kind for table in (formats or {}).values() for kind in table.values()})
    data_styles = "".join(_ODS_DATA_STYLES[kind].format(n=f"N{i}") for i, kind in enumerate(used_styles))
    # percent cells get a style name starting "pc" (and office:value-type="percentage", as LibreOffice)
    cell_style_name = {kind: ("pc" if kind == "percent" else "ce") + str(i) for i, kind in enumerate(used_styles)}
    cell_styles = "".join(
        f'<style:style style:name="{cell_style_name[kind]}" style:family="table-cell" '
        f'style:parent-style-name="Default" style:data-style-name="N{i}"/>'
        for i, kind in enumerate(used_styles)
    )
    body = []
    for name, rows in sheets.items():
        from xml.sax.saxutils import quoteattr

        spans, covered = {}, set()
        for reference in (merges or {}).get(name, []):
            first, last = reference.split(":")
            (top, left), (bottom, right) = position(first), position(last)
            spans[(top, left)] = (bottom - top + 1, right - left + 1)
            covered |= {(r, c) for r in range(top, bottom + 1) for c in range(left, right + 1)} - {(top, left)}
        styled = {position(reference): kind for reference, kind in (formats or {}).get(name, {}).items()}
        hidden = {r - 1: "collapse" for r in (hidden_rows or {}).get(name, [])}
        hidden |= {r - 1: "filter" for r in (filtered_rows or {}).get(name, [])}
        width = max([len(row) for row in rows] + [c + 1 for _, c in covered] + [1])
        hidden_cols = {column_number(letters) - 1 for letters in (hidden_columns or {}).get(name, [])}
        collapse = ' table:visibility="collapse"'
        columns = "".join(
            f'<table:table-column table:style-name="co1"{collapse if c in hidden_cols else ""}'
            ' table:default-cell-style-name="Default"/>'
            for c in range(width)
        )
        if padding:
            columns += '<table:table-column table:style-name="co1" table:number-columns-repeated="1000"/>'
        xml_rows = []
        for r in range(max(len(rows), max((r + 1 for r, _ in covered), default=0))):
            row = rows[r] if r < len(rows) else []
            cells = []
            for c in range(max(len(row), max((c + 1 for rr, c in covered if rr == r), default=0))):
                if (r, c) in covered:
                    cells.append("<table:covered-table-cell/>")
                    continue
                kind = styled.get((r, c))
                cells.append(_ods_cell(row[c] if c < len(row) else None, cell_style_name.get(kind), spans.get((r, c))))
            # LibreOffice writes a run of equal cells once with number-columns-repeated
            packed = []
            for cell in cells:
                if packed and packed[-1][0] == cell and "spanned" not in cell:
                    packed[-1][1] += 1
                else:
                    packed.append([cell, 1])
            text = (
                "".join(
                    cell
                    if count == 1
                    else cell.replace(
                        "<table:table-cell", f'<table:table-cell table:number-columns-repeated="{count}"', 1
                    ).replace(
                        "<table:covered-table-cell",
                        f'<table:covered-table-cell table:number-columns-repeated="{count}"',
                        1,
                    )
                    for cell, count in packed
                )
                or "<table:table-cell/>"
            )
            visibility = f' table:visibility="{hidden[r]}"' if r in hidden else ""
            xml_rows.append(f'<table:table-row table:style-name="ro1"{visibility}>{text}</table:table-row>')
        packed_rows = []
        for row_xml in xml_rows:  # equal rows in a run are written once, as LibreOffice does
            if packed_rows and packed_rows[-1][0] == row_xml:
                packed_rows[-1][1] += 1
            else:
                packed_rows.append([row_xml, 1])
        table_rows = "".join(
            row_xml
            if count == 1
            else row_xml.replace("<table:table-row", f'<table:table-row table:number-rows-repeated="{count}"', 1)
            for row_xml, count in packed_rows
        )
        if padding:
            table_rows += (
                f'<table:table-row table:style-name="ro1" table:number-rows-repeated="{1_048_576 - len(xml_rows)}">'
                '<table:table-cell table:number-columns-repeated="1024"/></table:table-row>'
            )
        style = "ta2" if name in hidden_sheets else "ta1"
        body.append(
            f'<table:table table:name={quoteattr(name)} table:style-name="{style}">{columns}{table_rows}</table:table>'
        )
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<office:document-content {_ODS_NS} office:version="1.3">'
        "<office:automatic-styles>"
        '<style:style style:name="co1" style:family="table-column"><style:table-column-properties '
        'style:column-width="2.258cm"/></style:style>'
        '<style:style style:name="ro1" style:family="table-row"><style:table-row-properties '
        'style:row-height="0.452cm" style:use-optimal-row-height="true"/></style:style>'
        '<style:style style:name="ta1" style:family="table" style:master-page-name="Default">'
        '<style:table-properties table:display="true" style:writing-mode="lr-tb"/></style:style>'
        '<style:style style:name="ta2" style:family="table" style:master-page-name="Default">'
        '<style:table-properties table:display="false" style:writing-mode="lr-tb"/></style:style>'
        f"{data_styles}{cell_styles}</office:automatic-styles>"
        f"<office:body><office:spreadsheet>{''.join(body)}</office:spreadsheet></office:body>"
        "</office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<manifest:manifest '
        'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3">'
        '<manifest:file-entry manifest:full-path="/" manifest:version="1.3" '
        'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as book:
        book.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")  # stored, first
        book.writestr("content.xml", content)
        book.writestr("META-INF/manifest.xml", manifest)
    return path


def rich_text(*runs: tuple[str, bool]):
    """An openpyxl rich text of (text, struck through) runs."""
    from openpyxl.cell.rich_text import CellRichText, TextBlock
    from openpyxl.cell.text import InlineFont

    return CellRichText(*(TextBlock(InlineFont(strike=True), text) if struck else text for text, struck in runs))


def as_shared_strings(book: Path) -> Path:
    """The .xlsx (one sheet, no shared strings: openpyxl's) with its inline strings of rich text moved to a shared
    strings part, as Excel writes them."""
    import re
    import zipfile

    moved = []

    def share(found: re.Match) -> bytes:
        if b"<r>" not in found.group(2):
            return found.group(0)
        moved.append(b"<si>" + found.group(2) + b"</si>")
        return found.group(1).replace(b'"inlineStr"', b'"s"') + b"<v>%d</v></c>" % (len(moved) - 1)

    with zipfile.ZipFile(book) as source:
        parts = {info.filename: source.read(info) for info in source.infolist()}
    sheet = parts["xl/worksheets/sheet1.xml"]
    parts["xl/worksheets/sheet1.xml"] = re.sub(rb'(<c [^>]*t="inlineStr"[^>]*>)<is>(.*?)</is></c>', share, sheet)
    parts["xl/sharedStrings.xml"] = (
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">' + b"".join(moved) + b"</sst>"
    )
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        b"</Types>",
        b'<Override PartName="/xl/sharedStrings.xml" '
        b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
    )
    parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(
        b"</Relationships>",
        b'<Relationship Id="rIdStrings" Target="sharedStrings.xml" Type="http://schemas.openxmlformats.org/'
        b'officeDocument/2006/relationships/sharedStrings"/></Relationships>',
    )
    with zipfile.ZipFile(book, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in parts.items():
            target.writestr(name, data)
    return book
