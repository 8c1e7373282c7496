"""Hostile workbooks (issue 14): bombs, lying dimensions, very wide sheets, native crashes,
formulas without a value, error cells, hidden sheets and binary noise in amounts.

The files are written here: with openpyxl / xlsxwriter / xlwt, or zip by hand for the
attacks (dimension lies, zip bombs, cells without references, namespace prefixes). They
load through the real ETL; the Excel reader runs in its real child process
(etl.workbook_child) with the real limits unless a test lowers one to keep its file small.
See docs/reliability.md, "ETL: hostile inputs II (files and workbooks)".
"""

from __future__ import annotations

import math
import os
import re
import subprocess
import sys
import textwrap
import zipfile
from dataclasses import replace
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from etl import workbooks
from etl.load import load_files
from etl.workbook_child import SATANG_CERTAIN, number_text
from tests.etl_fixtures import (
    DISB_HEADERS,
    PROJECT_HEADERS,
    fixture_projects_db,
    query,
    scalar,
    write_projects,
    write_xls,
    write_xlsx,
)

ROOT = Path(__file__).resolve().parents[1]
CUR = "งบประมาณปีปัจจุบัน"


@pytest.fixture()
def db(tmp_path) -> Path:
    """A store holding the three fixture projects (P01, P02, P03)."""
    return fixture_projects_db(tmp_path)


def amounts(db: Path) -> dict[str, Decimal]:
    return dict(query(db, "SELECT doc_no, amount FROM disbursements"))


def rejects(db: Path, load_id: int) -> list[tuple]:
    return query(
        db,
        "SELECT row_number, column_name, bad_value, reason_code FROM rejects WHERE load_id = ? "
        "ORDER BY row_number, column_name",
        [load_id],
    )


def no_leftovers(db: Path) -> bool:
    """No work copy of the store, no private input copies, no reader output left beside it."""
    return not [p for p in db.parent.iterdir() if ".writing-" in p.name or p.name.endswith(".inputs")]


def good_book(folder: Path) -> Path:
    return write_xlsx(folder / "good.xlsx", {"s": [DISB_HEADERS, ["G1", "P01", "13/09/2562", 7, CUR]]})


# --------------------------------------------------------------------------- xlsx by hand

CONTENT_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
    b'package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxml'
    b'formats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
    b'<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
    b'officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml"'
    b' ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    b"</Types>"
)
ROOT_RELS = (
    b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
    b'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
    b'officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
WORKBOOK = (
    b'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/'
    b'spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/'
    b'relationships"><sheets><sheet name="s" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.'
    b'org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats'
    b'.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    b"</Relationships>"
)
SHEET_OPEN = (
    b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
    b'spreadsheetml/2006/main">'
)


def inline(ref: str, text: str) -> bytes:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'.encode()


def header_and_row(doc: str = "D1", amount: str = "5") -> bytes:
    cells = [inline(f"{col}1", text) for col, text in zip("ABCDE", DISB_HEADERS, strict=True)]
    row = [
        inline("A2", doc),
        inline("B2", "P01"),
        inline("C2", "13/09/2562"),
        f'<c r="D2"><v>{amount}</v></c>'.encode(),
        inline("E2", CUR),
    ]
    return b'<row r="1">' + b"".join(cells) + b'</row><row r="2">' + b"".join(row) + b"</row>"


def raw_xlsx(
    path: Path, sheet_parts, *, dimension: str | None = None, extra: dict[str, bytes] | None = None, prefix: str = ""
) -> Path:
    """A minimal workbook whose sheet XML is written from `sheet_parts` (bytes chunks, streamed)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as book:
        book.writestr("[Content_Types].xml", CONTENT_TYPES)
        book.writestr("_rels/.rels", ROOT_RELS)
        book.writestr("xl/workbook.xml", WORKBOOK)
        book.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        for name, data in (extra or {}).items():
            book.writestr(name, data)
        with book.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            opening = SHEET_OPEN
            if prefix:
                opening = opening.replace(b"<worksheet xmlns=", f"<{prefix}:worksheet xmlns:{prefix}=".encode())
            sheet.write(opening)
            if dimension:
                sheet.write(f'<{prefix + ":" if prefix else ""}dimension ref="{dimension}"/>'.encode())
            sheet.write(f"<{prefix + ':' if prefix else ''}sheetData>".encode())
            for part in sheet_parts:
                sheet.write(part)
            closing = f"</{prefix + ':' if prefix else ''}sheetData></{prefix + ':' if prefix else ''}worksheet>"
            sheet.write(closing.encode())
    return path


# --------------------------------------------------------------------------- amounts: binary noise


def test_workbook_third_decimals_are_ambiguous_at_every_magnitude(db, tmp_path):
    rows = [
        DISB_HEADERS,
        ["D1", "P01", "13/09/2562", 1234567.891, CUR],  # was stored as 1,234,567.89
        ["D2", "P01", "13/09/2562", 600000.004, CUR],  # was stored as 600,000.00
        ["D3", "P01", "13/09/2562", 0.1 + 0.2, CUR],  # binary noise: 0.30
        ["D4", "P01", "13/09/2562", 1234567.1 + 0.1, CUR],  # noise at 1.2 million: 1,234,567.20
        ["D5", "P01", "13/09/2562", 99999999.99, CUR],
        ["D6", "P01", "13/09/2562", 2.0**40 + 0.5, CUR],
    ]  # beyond satang certainty, not whole
    assert 1234567.1 + 0.1 != 1234567.2  # the sum really carries noise
    [result] = load_files([write_xlsx(tmp_path / "d.xlsx", {"s": rows})], db_path=db)
    assert amounts(db) == {"D3": Decimal("0.30"), "D4": Decimal("1234567.20"), "D5": Decimal("99999999.99")}
    assert [(r, reason) for r, _, _, reason in rejects(db, result.load_id)] == [
        (2, "ambiguous_amount"),
        (3, "ambiguous_amount"),
        (7, "ambiguous_amount"),
    ]
    assert [value for _, _, value, _ in rejects(db, result.load_id)][:2] == ["1234567.891", "600000.004"]


@settings(max_examples=300, deadline=None)
@given(satang=st.integers(-(10**13), 10**13))
def test_every_whole_satang_float_reads_back_exactly(satang):
    value = satang / 100
    assert Decimal(number_text(value)) == Decimal(satang) / 100


@settings(max_examples=300, deadline=None)
@given(satang=st.integers(-(10**13), 10**13), third=st.integers(1, 9))
def test_a_real_third_decimal_is_never_read_as_two(satang, third):
    value = float(Decimal(satang) / 100 + Decimal(third if satang >= 0 else -third) / 1000)
    text = number_text(value)
    assert "." in text and len(text.split(".")[1]) > 2, (value, text)


@settings(max_examples=300, deadline=None)
@given(satang=st.integers(-(10**13), 10**13), ulps=st.integers(-4, 4))
@example(satang=0, ulps=1)  # 5e-324: a few ulps of zero, once written as 326 decimals
@example(satang=0, ulps=-3)
def test_binary_noise_of_a_few_ulps_reads_as_the_satang(satang, ulps):
    value = satang / 100
    noisy = value
    for _ in range(abs(ulps)):
        noisy = math.nextafter(noisy, math.inf if ulps > 0 else -math.inf)
    if abs(noisy - value) > 0 and abs(Fraction(noisy) - Fraction(satang, 100)) <= 4 * Fraction(math.ulp(value)):
        assert Decimal(number_text(noisy)) == Decimal(satang) / 100


def test_non_whole_numbers_beyond_satang_certainty_are_never_read_with_two_decimals():
    assert SATANG_CERTAIN == 2.0**39
    # Exact in binary, but 2^41 + 0.2502 has the same binary form: three decimals (rejected).
    assert float(Decimal("2199023255552.2502")) == 2.0**41 + 0.25
    assert number_text(2.0**41 + 0.25) == "2199023255552.250"
    assert number_text(2.0**41 + 0.5) == "2199023255552.500"
    assert number_text(float(2**45)) == str(2**45)  # whole numbers are exact
    assert number_text(1.2345670000000001) == "1.234567"  # a million-baht figure with noise


# --------------------------------------------------------------------------- resource bounds


def test_a_lying_dimension_and_a_far_corner_cell_refuse_those_files_only_cli(db, tmp_path):
    # 1: the 1.8 KB file: the sheet claims A1:XFD1048576.
    lie = raw_xlsx(tmp_path / "a_dimension.xlsx", [header_and_row()], dimension="A1:XFD1048576")
    # 2: a value in the last cell of the sheet (no dimension tag): calamine alone allocates
    # 17 billion cells and aborts the process with a Rust backtrace (exit 134).
    corner = raw_xlsx(
        tmp_path / "b_corner.xlsx", [header_and_row("D2"), b'<row r="1048576">' + inline("XFD1048576", "x") + b"</row>"]
    )
    good = good_book(tmp_path)
    assert lie.stat().st_size < 2_000
    done = subprocess.run(
        [sys.executable, "-m", "etl", "--db", str(db), "load", str(lie), str(corner), str(good)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
        check=False,
        env={**os.environ, "COLUMNS": "200"},
    )
    output = done.stdout + done.stderr
    assert done.returncode == 2, output
    assert not re.search(r"Traceback|backtrace|panicked|memory allocation", output), output
    assert "A1:XFD1048576" in output and "XFD" in output
    assert query(db, "SELECT file_name, status FROM loads WHERE load_id > 1 ORDER BY file_name") == [
        ("a_dimension.xlsx", "refused"),
        ("b_corner.xlsx", "refused"),
        ("good.xlsx", "loaded"),
    ]
    assert amounts(db) == {"G1": Decimal("7.00")}
    assert no_leftovers(db)


def test_a_native_crash_of_the_reader_refuses_that_file_only(db, tmp_path, monkeypatch):
    # Limits raised so the file reaches calamine: the crash itself must stay in the child.
    monkeypatch.setattr(workbooks, "LIMITS", replace(workbooks.LIMITS, columns=16_384, cells=1 << 40))
    corner = raw_xlsx(
        tmp_path / "corner.xlsx", [header_and_row("D2"), b'<row r="1048576">' + inline("XFD1048576", "x") + b"</row>"]
    )
    results = {Path(r.file).name: r for r in load_files([corner, good_book(tmp_path)], db_path=db)}
    assert results["corner.xlsx"].status == "refused"
    assert "memory" in results["corner.xlsx"].message and "backtrace" not in results["corner.xlsx"].message
    assert results["good.xlsx"].status == "loaded"
    assert amounts(db) == {"G1": Decimal("7.00")}
    assert no_leftovers(db)


def _repeated_rows(rows: int, cells: bytes):
    block = (b"<row>" + cells + b"</row>") * 1000
    for _ in range(rows // 1000):
        yield block


def test_zip_bombs_are_refused_before_they_are_parsed(db, tmp_path):
    # A sheet of 200,000 identical rows (cells without references): 300 MB of XML in a few
    # hundred KB; a shared-strings part holding one 64 MB string; a part whose header hides
    # its real size.
    cells = b"<c><v>1</v></c>" * 100
    sheet_bomb = raw_xlsx(tmp_path / "sheet_bomb.xlsx", [header_and_row(), *_repeated_rows(200_000, cells)])
    strings = (
        b'<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b"<si><t>" + b"A" * (64 << 20) + b"</t></si></sst>"
    )
    string_bomb = raw_xlsx(tmp_path / "string_bomb.xlsx", [header_and_row()], extra={"xl/sharedStrings.xml": strings})
    lying = _lying_sizes(raw_xlsx(tmp_path / "lying.xlsx", [header_and_row(), *_repeated_rows(20_000, cells)]))
    assert sheet_bomb.stat().st_size < 1_000_000 and string_bomb.stat().st_size < 200_000
    results = {
        Path(r.file).name: r for r in load_files([sheet_bomb, string_bomb, lying, good_book(tmp_path)], db_path=db)
    }
    assert results["sheet_bomb.xlsx"].status == "refused" and "zip bomb" in results["sheet_bomb.xlsx"].message
    assert "sheet1.xml" in results["sheet_bomb.xlsx"].message
    assert results["string_bomb.xlsx"].status == "refused" and "sharedStrings" in results["string_bomb.xlsx"].message
    assert results["lying.xlsx"].status == "refused" and "damaged" in results["lying.xlsx"].message
    assert results["good.xlsx"].status == "loaded" and amounts(db) == {"G1": Decimal("7.00")}
    assert no_leftovers(db)


def _lying_sizes(path: Path) -> Path:
    """Rewrite the sheet's declared uncompressed size (local header and directory) to 1,000 bytes."""
    data = bytearray(path.read_bytes())
    name = b"xl/worksheets/sheet1.xml"
    for signature, size_at in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        start = 0
        while (found := data.find(signature, start)) >= 0:
            name_at = found + (30 if signature == b"PK\x03\x04" else 46)
            if data[name_at : name_at + len(name)] == name:
                data[found + size_at : found + size_at + 4] = (1000).to_bytes(4, "little")
            start = found + 4
    path.write_bytes(bytes(data))
    return path


def test_very_wide_sheets_are_refused_whatever_way_the_cells_are_written(db, tmp_path):
    wide_cells = b"".join(f'<c r="{_letters(i)}3"><v>{i}</v></c>'.encode() for i in range(1, 10_001))
    wide = raw_xlsx(tmp_path / "wide.xlsx", [header_and_row(), b'<row r="3">' + wide_cells + b"</row>"])
    unreferenced = raw_xlsx(
        tmp_path / "unreferenced.xlsx", [header_and_row(), b'<row r="3">' + b"<c><v>1</v></c>" * 300 + b"</row>"]
    )
    prefixed = raw_xlsx(
        tmp_path / "prefixed.xlsx",
        [
            re.sub(rb"<(/?)(row|c|is|t|v)\b", rb"<\1x:\2", header_and_row()),
            b'<x:row r="3"><x:c r="ZZ3"><x:v>1</x:v></x:c></x:row>',
        ],
        prefix="x",
    )
    assert wide.stat().st_size < 200_000
    results = {
        Path(r.file).name: r for r in load_files([wide, unreferenced, prefixed, good_book(tmp_path)], db_path=db)
    }
    assert results["wide.xlsx"].status == "refused" and "NTP" in results["wide.xlsx"].message, results[
        "wide.xlsx"
    ].message  # column 10,000 is NTP
    assert "10,000 columns" in results["wide.xlsx"].message and "limit 200" in results["wide.xlsx"].message
    assert results["unreferenced.xlsx"].status == "refused" and "300 columns" in results["unreferenced.xlsx"].message
    assert results["prefixed.xlsx"].status == "refused" and "ZZ" in results["prefixed.xlsx"].message
    assert results["good.xlsx"].status == "loaded"


def _letters(number: int) -> str:
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def test_too_many_cells_and_too_many_parts_are_refused(db, tmp_path, monkeypatch):
    monkeypatch.setattr(workbooks, "LIMITS", replace(workbooks.LIMITS, cells=10_000, parts=20))
    rows = [DISB_HEADERS] + [[f"D{i}", "P01", "13/09/2562", 1, CUR] for i in range(2_500)]  # 12,505 cells
    many_cells = write_xlsx(tmp_path / "cells.xlsx", {"s": rows})
    many_parts = raw_xlsx(
        tmp_path / "parts.xlsx", [header_and_row()], extra={f"xl/media/image{i}.png": b"x" for i in range(30)}
    )
    results = {Path(r.file).name: r for r in load_files([many_cells, many_parts], db_path=db)}
    assert results["cells.xlsx"].status == "refused" and "10,000 cells" in results["cells.xlsx"].message
    assert results["parts.xlsx"].status == "refused" and "parts" in results["parts.xlsx"].message
    assert amounts(db) == {}


def _number_rows(first: int, last: int):
    """Rows first..last of five numbers each, in blocks of 10,000 rows."""
    for start in range(first, last + 1, 10_000):
        yield b"".join(
            b'<row r="%d">' % n
            + b"".join(b'<c r="%s%d"><v>%d.25</v></c>' % (c, n, n) for c in (b"A", b"B", b"C", b"D", b"E"))
            + b"</row>"
            for n in range(start, min(start + 10_000, last + 1))
        )


def test_the_reader_s_processor_time_is_bounded(db, tmp_path, monkeypatch):
    monkeypatch.setattr(workbooks, "LIMITS", replace(workbooks.LIMITS, seconds=1))
    # 300,000 rows of five numbers: several processor seconds for the reader.
    big = raw_xlsx(tmp_path / "slow.xlsx", [header_and_row(), *_number_rows(3, 300_002)])
    results = {Path(r.file).name: r for r in load_files([big, good_book(tmp_path)], db_path=db)}
    assert results["slow.xlsx"].status == "refused" and "longer than 1 s" in results["slow.xlsx"].message
    assert results["good.xlsx"].status == "loaded"
    assert no_leftovers(db)


def test_old_xls_files_are_bounded_by_size_and_cells(db, tmp_path, monkeypatch):
    rows = [DISB_HEADERS] + [[f"D{i}", "P01", "13/09/2562", 1, CUR] for i in range(40)]
    path = write_xls(tmp_path / "d.xls", rows)
    monkeypatch.setattr(workbooks, "LIMITS", replace(workbooks.LIMITS, xls_bytes=1_000))
    [result] = load_files([path], db_path=db)
    assert result.status == "refused" and ".xls file is larger than" in result.message
    monkeypatch.setattr(workbooks, "LIMITS", workbooks.Limits(cells=100))
    [result] = load_files([path], db_path=db)
    assert result.status == "refused" and "100 cells" in result.message
    monkeypatch.setattr(workbooks, "LIMITS", workbooks.Limits())
    [result] = load_files([path], db_path=db)
    assert result.status == "loaded" and len(amounts(db)) == 40


def test_a_bounded_load_of_attack_workbooks_stays_under_1_5_gb(tmp_path):
    """Peak memory (this load and the reader processes) while loading the attack files."""
    build = tmp_path / "build"
    build.mkdir()
    cells = b"<c><v>1</v></c>" * 100
    files = [
        raw_xlsx(build / "dimension.xlsx", [header_and_row()], dimension="A1:XFD1048576"),
        raw_xlsx(build / "bomb.xlsx", [header_and_row(), *_repeated_rows(200_000, cells)]),
        raw_xlsx(
            build / "wide.xlsx",
            [
                header_and_row(),
                b'<row r="3">'
                + b"".join(f'<c r="{_letters(i)}3"><v>{i}</v></c>'.encode() for i in range(1, 10_001))
                + b"</row>",
            ],
        ),
        write_projects(build),
        good_book(build),
    ]
    script = textwrap.dedent(f"""
        import resource, sys
        from etl.load import load_files
        results = load_files({[str(f) for f in files]!r}, db_path={str(tmp_path / "m.duckdb")!r})
        print([r.status for r in results])
        print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
              resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
    """)
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, timeout=300, check=False
    )
    assert done.returncode == 0, done.stderr
    statuses, peaks = done.stdout.strip().splitlines()[-2:]
    assert statuses == str(["refused", "refused", "refused", "loaded", "loaded"])
    own, child = (int(n) // 1024 for n in peaks.split())
    assert own + child < 1536, (own, child)


# --------------------------------------------------------------------------- formulas and errors


def test_formulas_without_a_value_and_error_cells_are_rejected_never_null(db, tmp_path):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "โครงการ"
    sheet.append(PROJECT_HEADERS)
    sheet.append(["P11", "2562", "ลำพูน", "ถนน", "งบลงทุน", "อบต.", 100, "=G2*0.9"])  # formula, no cached value
    sheet.append(["P12", "2562", "ลำพูน", "ฝาย", "งบลงทุน", "อบต.", 200, "#DIV/0!"])  # error cell
    sheet.append(["P13", "2562", "ลำพูน", "บ่อ", "งบลงทุน", "อบต.", "#N/A", None])  # error in a required amount
    sheet.append(["P14", "2562", "ลำพูน", "ท่อ", "งบลงทุน", "อบต.", 400, None])  # no contract: loaded, NULL
    sheet.append(["P15", "2562", "ลำพูน", "=D2", "งบลงทุน", "อบต.", 500, 450])  # formula in a text column
    sheet.append(["รวม", None, None, None, None, None, "=SUM(G2:G6)", None])  # a total row: skipped
    sheet["J2"] = "#REF!"  # an error in a column the kind does not use: no reason to reject
    path = tmp_path / "p.xlsx"
    workbook.save(path)
    [result] = load_files([path], db_path=db)
    assert query(
        db, "SELECT project_code, allocated_amount, contract_amount FROM projects WHERE project_code > 'P10' ORDER BY 1"
    ) == [("P14", Decimal("400.00"), None)]
    assert rejects(db, result.load_id) == [
        (2, "วงเงินตามสัญญา", "=G2*0.9", "formula_without_value"),
        (3, "วงเงินตามสัญญา", "#DIV/0!", "error_cell"),
        (4, "งบประมาณที่ได้รับจัดสรร", "#N/A", "error_cell"),
        (6, "ชื่อโครงการ", "=D2", "formula_without_value"),
    ]
    assert (result.rows_read, result.rows_rejected, result.total_rows_skipped) == (6, 4, 1)


def test_formula_cells_with_cached_values_load_and_a_cached_empty_text_is_blank(db, tmp_path):
    # Excel saves a formula with its result: <f>..</f><v>..</v>; an empty text result is t="str".
    cells = header_and_row("D1") + (
        b'<row r="3">'
        + inline("A3", "D2")
        + inline("B3", "P01")
        + inline("C3", "13/09/2562")
        + b'<c r="D3"><f>D2*2</f><v>10</v></c>'
        + inline("E3", CUR)
        + b'<c r="F3" t="str"><f>""</f><v></v></c>'
        + b"</row>"
    )
    [result] = load_files([raw_xlsx(tmp_path / "f.xlsx", [cells])], db_path=db)
    assert result.status == "loaded", result.message
    assert amounts(db) == {"D1": Decimal("5.00"), "D2": Decimal("10.00")}


def test_error_cells_of_an_old_xls_are_rejected(db, tmp_path):
    import xlwt

    workbook = xlwt.Workbook(encoding="utf-8")
    sheet = workbook.add_sheet("s")
    for column, text in enumerate(DISB_HEADERS):
        sheet.write(0, column, text)
    for row, (doc, amount) in enumerate([("D1", 5), ("D2", None)], start=1):
        for column, value in enumerate([doc, "P01", "13/09/2562", amount, CUR]):
            if value is not None:
                sheet.write(row, column, value)
    sheet.row(2).set_cell_error(3, 0x07)  # #DIV/0! in D2's amount
    workbook.save(str(tmp_path / "d.xls"))
    [result] = load_files([tmp_path / "d.xls"], db_path=db)
    assert amounts(db) == {"D1": Decimal("5.00")}
    assert rejects(db, result.load_id) == [(3, "จำนวนเงิน", "#DIV/0!", "error_cell")]


# --------------------------------------------------------------------------- hidden sheets


def test_hidden_and_very_hidden_sheets_are_not_loaded_and_the_summary_names_them(db, tmp_path):
    from openpyxl import Workbook

    workbook = Workbook()
    visible = workbook.active
    visible.title = "เบิกจ่าย"
    for row in [DISB_HEADERS, ["D1", "P01", "13/09/2562", 5, CUR]]:
        visible.append(row)
    for name, state, doc in (("old", "hidden", "D8"), ("lookup", "veryHidden", "D9")):
        sheet = workbook.create_sheet(name)
        sheet.sheet_state = state
        for row in [DISB_HEADERS, [doc, "P01", "13/09/2562", 99, CUR]]:
            sheet.append(row)
    path = tmp_path / "book.xlsx"
    workbook.save(path)
    done = subprocess.run(
        [sys.executable, "-m", "etl", "--db", str(db), "load", str(path)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
        check=False,
        env={**os.environ, "COLUMNS": "250"},
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert amounts(db) == {"D1": Decimal("5.00")}
    message = scalar(db, "SELECT message FROM loads ORDER BY load_id DESC LIMIT 1")
    assert 'hidden sheet "old"' in message and 'very hidden sheet "lookup"' in message
    flat = " ".join(done.stdout.split())
    assert 'hidden sheet "old"' in flat and 'very hidden sheet "lookup"' in flat


def test_a_workbook_whose_only_table_is_hidden_is_refused_naming_the_sheet(db, tmp_path):
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.title = "cover"
    workbook.active.append(["รายงาน"])
    hidden = workbook.create_sheet("data")
    hidden.sheet_state = "hidden"
    hidden.append(DISB_HEADERS)
    hidden.append(["D1", "P01", "13/09/2562", 5, CUR])
    path = tmp_path / "book.xlsx"
    workbook.save(path)
    [result] = load_files([path], db_path=db)
    assert result.status == "refused" and 'hidden sheet "data"' in result.message, result.message
    assert amounts(db) == {}


def test_the_demo_workbooks_still_load_through_the_bounded_reader(demo_db, tmp_path):
    # the files the session's demo wrote (`write_demo_files(..., seed=2562)`, tests/conftest.py), read only
    books = sorted((demo_db.parent / "files").glob("*.xlsx"))
    assert len(books) == 3
    results = load_files(books, db_path=tmp_path / "b.duckdb")
    assert [r.status for r in results] == ["loaded", "loaded", "loaded"], [r.message for r in results]
