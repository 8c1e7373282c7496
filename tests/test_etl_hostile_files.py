"""Hostile input files: every row is loaded with its true value or rejected, nothing crashes.

Each test writes its own file bytes (encodings, line endings, broken quoting, ragged rows,
huge cells, control characters, markup, wrong extensions), loads them through the real
ETL (in-process, or the real CLI in a subprocess where the exit code matters) and checks
the stored values with plain SQL. The list of attacks and outcomes is docs/reliability.md.
"""

from __future__ import annotations

import hashlib
import io
import os
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

import pytest

from etl import load as load_module
from etl.load import AccountingError, load_files
from tests.etl_fixtures import (
    DISB_HEADERS,
    PROJECT_HEADERS,
    csv_bytes,
    fixture_projects_db,
    put,
    query,
    scalar,
    write_xlsx,
)

ROOT = Path(__file__).resolve().parents[1]
CUR = "งบประมาณปีปัจจุบัน"


@pytest.fixture()
def db(tmp_path) -> Path:
    """A store holding the three fixture projects (P01, P02, P03)."""
    return fixture_projects_db(tmp_path)


def rejects(db: Path, load_id: int) -> list[tuple]:
    return query(
        db,
        "SELECT row_number, column_name, reason_code FROM rejects WHERE load_id = ? ORDER BY row_number, reason_code",
        [load_id],
    )


def amounts(db: Path) -> dict[str, Decimal]:
    return dict(query(db, "SELECT doc_no, amount FROM disbursements"))


def accounted(result) -> bool:
    """The loader's rule, recounted here: read = loaded + rejected + totals."""
    return result.rows_read == (
        result.rows_inserted
        + result.rows_updated
        + result.rows_unchanged
        + result.rows_rejected
        + result.total_rows_skipped
    )


def run_cli(*args: str, env: dict | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "etl", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        timeout=timeout,
        check=False,
    )


# --------------------------------------------------------------------------- amounts


@pytest.mark.parametrize(
    ("text", "delimiter"),
    [
        ("1.234,50", ","),
        ("1 234,50", ","),
        ("12,34", ","),
        ("500,00", ";"),
        ("1e5", ","),
        ("1_000", ","),
        ("1.239", ","),
        ("1,234.567", ","),
        ("1,23,456.00", ","),
    ],
)
def test_ambiguous_amounts_are_rejected_never_stored_as_another_number(db, tmp_path, text, delimiter):
    rows = [DISB_HEADERS, ["D1", "P01", "13/09/2562", text, CUR], ["D2", "P01", "13/09/2562", "7.00", CUR]]
    path = put(tmp_path, "d.csv", csv_bytes(rows, delimiter))
    [result] = load_files([path], db_path=db)
    assert (result.status, result.rows_read, result.rows_inserted, result.rows_rejected) == (
        "loaded_with_rejects",
        2,
        1,
        1,
    )
    assert amounts(db) == {"D2": Decimal("7.00")}
    assert query(db, "SELECT row_number, column_name, bad_value, reason_code FROM rejects") == [
        (2, "จำนวนเงิน", text, "ambiguous_amount")
    ]


def test_accepted_amount_forms_store_their_value(db, tmp_path):
    rows = [
        DISB_HEADERS,
        ["D1", "P01", "13/09/2562", "฿1,234.50", CUR],
        ["D2", "P01", "13/09/2562", "๑,๒๓๔.๕๐ บาท", CUR],
        ["D3", "P01", "13/09/2562", "2,000", CUR],
        ["D4", "P01", "14/09/2562", "(1,000.00)", CUR],
        ["D5", "P01", "13/09/2562", "99999999999999999", CUR],
    ]  # beyond DECIMAL(18,2)
    [result] = load_files([put(tmp_path, "d.csv", csv_bytes(rows))], db_path=db)
    assert amounts(db) == {
        "D1": Decimal("1234.50"),
        "D2": Decimal("1234.50"),
        "D3": Decimal("2000.00"),
        "D4": Decimal("-1000.00"),
    }
    assert rejects(db, result.load_id) == [(6, "จำนวนเงิน", "bad_amount")]
    assert accounted(result)


# --------------------------------------------------------------------------- ragged rows and quotes


def test_extra_cell_in_the_first_data_row_is_rejected_not_dropped(db, tmp_path):
    # An unquoted "1,234.50" splits into two cells; the row below is fine.
    text = ",".join(DISB_HEADERS) + f"\nD1,P01,13/09/2562,1,234.50,{CUR}\nD2,P01,13/09/2562,7.00,{CUR}\n"
    [result] = load_files([put(tmp_path, "d.csv", text.encode())], db_path=db)
    assert (result.rows_read, result.rows_inserted, result.rows_rejected) == (2, 1, 1)
    assert amounts(db) == {"D2": Decimal("7.00")}
    [(row, column, value, reason)] = query(db, "SELECT row_number, column_name, bad_value, reason_code FROM rejects")
    assert (row, reason) == (2, "extra_cells") and "234.50" in value and "ทั้งแถว" in column


def test_rows_with_missing_cells_are_rejected_and_counted(db, tmp_path):
    text = ",".join(DISB_HEADERS) + f"\nD1,P01,13/09/2562,5.00,{CUR}\nD2,P01,13/09/2562\nD3,P01,13/09/2562,7.00,{CUR}\n"
    [result] = load_files([put(tmp_path, "d.csv", text.encode())], db_path=db)
    assert amounts(db) == {"D1": Decimal("5.00"), "D3": Decimal("7.00")}
    [(row, value, reason)] = query(db, "SELECT row_number, bad_value, reason_code FROM rejects")
    assert (row, reason) == (3, "missing_cells") and "จำนวนเงิน" in value and "แหล่งเงิน" in value
    assert (result.rows_read, result.rows_rejected) == (3, 1) and accounted(result)


def test_unclosed_quote_rejects_its_row_and_every_line_it_swallowed(db, tmp_path):
    text = (
        ",".join(DISB_HEADERS) + f'\nD0,P01,13/09/2562,1.00,{CUR}\nD1,P01,13/09/2562,"5.00,{CUR}\n'
        f"D2,P01,13/09/2562,6.00,{CUR}\nD3,P01,13/09/2562,7.00,{CUR}\n"
    )
    [result] = load_files([put(tmp_path, "d.csv", text.encode())], db_path=db)
    assert amounts(db) == {"D0": Decimal("1.00")}
    assert rejects(db, result.load_id) == [
        (3, "(ทั้งแถว whole row)", "unclosed_quote"),
        (4, "(ทั้งแถว whole row)", "unclosed_quote"),
        (5, "(ทั้งแถว whole row)", "unclosed_quote"),
    ]
    assert (result.rows_read, result.rows_inserted, result.rows_rejected) == (4, 1, 3)


def test_quote_closed_in_the_wrong_place_is_rejected_and_reading_goes_on(db, tmp_path):
    # The quote opened on row 2 closes on row 3 followed by text: rows 2-3 are rejected,
    # the reader starts again on row 4.
    text = (
        ",".join(DISB_HEADERS) + f'\nD1,P01,13/09/2562,"5.00,{CUR}\nD2,P01,13/09/2562,"6"x,{CUR}\n'
        f"D3,P01,13/09/2562,7.00,{CUR}\n"
    )
    [result] = load_files([put(tmp_path, "d.csv", text.encode())], db_path=db)
    assert amounts(db) == {"D3": Decimal("7.00")}
    assert [(r, c) for r, _, c in rejects(db, result.load_id)] == [(2, "unclosed_quote"), (3, "unclosed_quote")]
    assert accounted(result)


@pytest.mark.parametrize("eol", ["\r", "\r\n", "\n"])
def test_line_endings_and_quoted_line_breaks(db, tmp_path, eol):
    name = f"ถนน{eol}สายใหม่"
    rows = [
        PROJECT_HEADERS,
        ["P09", "2562", "จ.ลำพูน", name, "งบลงทุน", "อบต.", "100.00", ""],
        ["P10", "2562", "จ.ลำพูน", "ฝาย", "งบลงทุน", "อบต.", "200.00", ""],
    ]
    [result] = load_files([put(tmp_path, "p.csv", csv_bytes(rows, eol=eol))], db_path=db)
    assert result.status == "loaded", result.message
    assert query(
        db,
        "SELECT project_code, project_name, allocated_amount FROM projects "
        "WHERE project_code IN ('P09', 'P10') ORDER BY 1",
    ) == [("P09", name, Decimal("100.00")), ("P10", "ฝาย", Decimal("200.00"))]


def test_blank_lines_between_rows_keep_true_row_numbers(db, tmp_path):
    text = ",".join(DISB_HEADERS) + f"\nD1,P01,13/09/2562,5.00,{CUR}\n\n   \nD2,P01,13/09/2562,bad,{CUR}\n\n\n"
    [result] = load_files([put(tmp_path, "d.csv", text.encode())], db_path=db)
    # header = row 1, D1 = 2, blank rows 3 and 4, D2 = 5 (as a spreadsheet shows it)
    assert rejects(db, result.load_id) == [(5, "จำนวนเงิน", "bad_amount")]
    assert (result.rows_read, result.rows_inserted) == (2, 1)


def test_quoted_line_breaks_and_blank_lines_together_keep_true_row_numbers(db, tmp_path):
    tail = "งบลงทุน,อบต.,{},"
    text = (
        ",".join(PROJECT_HEADERS)
        + '\nP09,2562,จ.ลำพูน,"ถนน\n(ต่อ)",'
        + tail.format("100.00")
        + "\n\nP10,2562,จ.ลำพูน,ฝาย,"
        + tail.format("bad")
        + "\nP11,2562,จ.ลำพูน,บ่อ,"
        + tail.format("7.00")
        + "\n"
    )
    [result] = load_files([put(tmp_path, "p.csv", text.encode())], db_path=db)
    # header 1, P09 2 (its name holds a line break), blank 3, P10 4, P11 5
    assert rejects(db, result.load_id) == [(4, "งบประมาณที่ได้รับจัดสรร", "bad_amount")]
    assert query(
        db, "SELECT project_code, project_name FROM projects WHERE project_code IN ('P09', 'P11') ORDER BY 1"
    ) == [("P09", "ถนน\n(ต่อ)"), ("P11", "บ่อ")]
    assert (result.rows_read, result.rows_inserted, result.rows_rejected) == (3, 2, 1)


def test_a_one_megabyte_cell_loads_whole(db, tmp_path):
    name = "ก" * 1_000_000
    rows = [PROJECT_HEADERS, ["P08", "2562", "จ.ลำพูน", name, "งบลงทุน", "อบต.", "100.00", ""]]
    [result] = load_files([put(tmp_path, "p.csv", csv_bytes(rows))], db_path=db)
    assert result.status == "loaded", result.message
    assert scalar(db, "SELECT length(project_name) FROM projects WHERE project_code = 'P08'") == 1_000_000


def test_nul_and_control_characters_are_removed_and_reported(db, tmp_path):
    rows = [PROJECT_HEADERS, ["P07", "2562", "จ.ลำพูน", "ถนน\x00สาย\x1b[31mแดง\x07", "งบลงทุน", "อบต.", "1\x00.00", ""]]
    [result] = load_files([put(tmp_path, "p.csv", csv_bytes(rows))], db_path=db)
    assert query(db, "SELECT project_name, allocated_amount FROM projects WHERE project_code = 'P07'") == [
        ("ถนนสาย[31mแดง", Decimal("1.00"))
    ]
    assert "4 control characters" in result.message


# --------------------------------------------------------------------------- encodings


def test_tis620_file_whose_thai_starts_after_the_first_megabyte(db, tmp_path):
    header = [
        "รหัสโครงการ",
        "ปีงบประมาณ",
        "จังหวัด/กลุ่มจังหวัด",
        "ชื่อโครงการ",
        "ประเภทงบรายจ่าย",
        "หน่วยดำเนินการ",
        "งบประมาณที่ได้รับจัดสรร",
    ]
    rows = [[f"T{i:05d}", "2562", "50", "x" * 100, "investment", "unit", "1.00"] for i in range(12_000)]
    rows.append(["T99999", "2562", "50", "โครงการไทย", "investment", "unit", "1.00"])
    data = csv_bytes([["x"] * 7, *rows], encoding="cp874").replace(
        b"x,x,x,x,x,x,x", ",".join(header).encode("cp874"), 1
    )
    assert data.index("โครงการไทย".encode("cp874")) > 1 << 20
    [result] = load_files([put(tmp_path, "p.csv", data)], db_path=db)
    assert (result.status, result.rows_inserted) == ("loaded", 12_001), result.message
    assert scalar(db, "SELECT project_name FROM projects WHERE project_code = 'T99999'") == "โครงการไทย"


def test_utf8_file_with_a_bad_byte_after_the_first_megabyte_is_refused_naming_the_line(db, tmp_path):
    rows = [PROJECT_HEADERS] + [
        [f"Q{i:05d}", "2562", "จ.ลำพูน", "โครงการทดสอบ" * 4, "งบลงทุน", "อบต.", "1.00", ""] for i in range(9_000)
    ]
    data = csv_bytes(rows)
    bad_line = 8_002  # Q08000 is the 8,001st data row: line 8,002 (the header is line 1)
    data = data.replace(b"Q08000", b"Q0\xff000")
    assert data.index(b"\xff") > 1 << 20
    [result] = load_files([put(tmp_path, "p.csv", data)], db_path=db)
    assert result.status == "refused"
    assert "0xFF" in result.message and f"line {bad_line:,}" in result.message
    assert scalar(db, "SELECT count(*) FROM projects") == 3


def test_utf16_unicode_text_export_loads(db, tmp_path):
    rows = [DISB_HEADERS, ["D1", "P01", "13/09/2562", "1,234.50", CUR]]
    data = csv_bytes(rows, delimiter="\t", eol="\r\n", encoding="utf-16")  # BOM + UTF-16LE
    [result] = load_files([put(tmp_path, "d.csv", data)], db_path=db)
    assert result.status == "loaded", result.message
    assert amounts(db) == {"D1": Decimal("1234.50")}


def test_garbage_bytes_are_refused_with_the_byte_named(db, tmp_path):
    data = bytes((i * 97 + 13) % 256 for i in range(5000))
    [result] = load_files([put(tmp_path, "garbage.csv", data)], db_path=db)
    assert result.status == "refused" and "UTF-8" in result.message and "0x" in result.message


# --------------------------------------------------------------------------- other files


def test_wrong_extensions_corrupt_workbooks_empty_and_header_only_files(db, tmp_path):
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.append(DISB_HEADERS)
    workbook.active.append(["D1", "P01", "13/09/2562", 5, CUR])
    buffer = io.BytesIO()
    workbook.save(buffer)
    files = [
        put(tmp_path, "book_named.csv", buffer.getvalue()),
        put(tmp_path, "text_named.xlsx", csv_bytes([DISB_HEADERS, ["D2", "P01", "13/09/2562", "5", CUR]])),
        put(tmp_path, "corrupt.xlsx", buffer.getvalue()[: len(buffer.getvalue()) // 2]),
        put(tmp_path, "empty.csv", b""),
        put(tmp_path, "header_only.csv", csv_bytes([DISB_HEADERS])),
        put(tmp_path, "good.csv", csv_bytes([DISB_HEADERS, ["D3", "P01", "13/09/2562", "3.00", CUR]])),
    ]
    results = {Path(r.file).name: r for r in load_files(files, db_path=db)}
    assert "Excel" in results["book_named.csv"].message and results["book_named.csv"].status == "refused"
    assert results["text_named.xlsx"].status == "refused"
    assert results["corrupt.xlsx"].status == "refused" and "workbook" in results["corrupt.xlsx"].message
    assert results["empty.csv"].status == "refused" and "empty" in results["empty.csv"].message
    assert (results["header_only.csv"].status, results["header_only.csv"].rows_read) == ("unchanged", 0)
    assert "no data rows" in results["header_only.csv"].message
    assert results["good.csv"].status == "loaded"
    assert amounts(db) == {"D3": Decimal("3.00")}


@pytest.mark.parametrize(
    "signature, words",
    [(b"PK\x03\x04", "Excel workbook: name it .xlsx"), (b"\xd0\xcf\x11\xe0", "old Excel"), (b"%PDF", "PDF")],
)
def test_a_binary_file_named_csv_is_named_by_its_signature_whatever_its_bytes_decode_as(db, tmp_path, signature, words):
    """A workbook's zip bytes vary with the time it was saved: some decode as TIS-620 with a line
    that happens to be UTF-8, so the file was refused as 'mixed encodings' (or read on) instead of
    'it looks like an Excel workbook'. Here the rest of the file is built to be exactly that: TIS-620
    Thai, then a UTF-8 Thai line."""
    body = signature + "ทดสอบ,1\n".encode("cp874") + "ทดสอบ,2\n".encode("utf-8")
    [result] = load_files([put(tmp_path, "saved_from_excel.csv", body)], db_path=db)
    assert result.status == "refused" and words in result.message
    assert "not a CSV text file" in result.message
    assert amounts(db) == {}


def test_amount_column_in_million_baht_is_refused_not_rescaled(db, tmp_path):
    rows = [
        ["เลขที่เอกสาร", "รหัสโครงการ", "วันที่ผ่านรายการ", "จำนวนเงิน (ล้านบาท)", "แหล่งเงิน"],
        ["D1", "P01", "13/09/2562", "1.50", CUR],
    ]
    [result] = load_files([put(tmp_path, "d.csv", csv_bytes(rows))], db_path=db)
    assert result.status == "refused" and "million baht" in result.message
    assert amounts(db) == {}


def test_workbook_float_noise_is_read_as_excel_shows_it_and_real_decimals_are_not_rounded(db, tmp_path):
    rows = [DISB_HEADERS, ["D1", "P01", "13/09/2562", 0.1 + 0.2, CUR], ["D2", "P01", "13/09/2562", 1234.5678, CUR]]
    [result] = load_files([write_xlsx(tmp_path / "d.xlsx", {"s": rows})], db_path=db)
    assert amounts(db) == {"D1": Decimal("0.30")}
    assert rejects(db, result.load_id) == [(3, "จำนวนเงิน", "ambiguous_amount")]


def test_a_file_is_read_once_hash_and_rows_from_the_same_bytes(db, tmp_path):
    rows = [DISB_HEADERS, ["D1", "P01", "13/09/2562", "5.00", CUR]]
    path = put(tmp_path, "d.csv", csv_bytes(rows, encoding="cp874"))
    [result] = load_files([path], db_path=db)
    assert (
        scalar(db, "SELECT sha256 FROM loads WHERE load_id = ?", [result.load_id])
        == hashlib.sha256(path.read_bytes()).hexdigest()
    )


def test_tis620_file_rewritten_during_a_load_keeps_hash_and_rows_of_the_bytes_read(db, tmp_path):
    first = csv_bytes([DISB_HEADERS, ["D1", "P01", "13/09/2562", "5.00", CUR]], encoding="cp874")
    second = csv_bytes([DISB_HEADERS, ["D9", "P01", "13/09/2562", "9.00", CUR]], encoding="cp874")
    path = put(tmp_path, "d.csv", first)
    child = subprocess.Popen(
        [sys.executable, "-m", "etl", "--db", str(db), "load", str(path)],
        cwd=ROOT,
        text=True,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "BUDGET_ETL_PAUSE": "copied:stdin"},  # resumes when told (was: after 3 s)
    )
    assert "paused at copied" in child.stderr.readline()
    path.write_bytes(second)  # rewritten while the load is under way
    out, err = child.communicate(input="go\n", timeout=120)
    assert child.returncode == 0, out + err
    assert amounts(db) == {"D1": Decimal("5.00")}
    assert scalar(db, "SELECT sha256 FROM loads ORDER BY load_id DESC LIMIT 1") == hashlib.sha256(first).hexdigest()


def test_utf8_file_rewritten_in_place_during_a_load_is_refused_not_mixed(db, tmp_path):
    # A clean UTF-8 file is read in place after it is hashed: a change meanwhile refuses it.
    first = csv_bytes([DISB_HEADERS, ["D1", "P01", "13/09/2562", "5.00", CUR]])
    path = put(tmp_path, "d.csv", first)
    child = subprocess.Popen(
        [sys.executable, "-m", "etl", "--db", str(db), "load", str(path)],
        cwd=ROOT,
        text=True,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "BUDGET_ETL_PAUSE": "copied:stdin"},  # resumes when told (was: after 3 s)
    )
    assert "paused at copied" in child.stderr.readline()
    with open(path, "r+b") as handle:  # same file, new bytes
        handle.write(first.replace(b"5.00", b"9.00"))
    out, err = child.communicate(input="go\n", timeout=120)
    assert child.returncode == 2, out + err
    assert "changed while it was being read" in out
    assert amounts(db) == {}
    assert query(db, "SELECT status FROM loads ORDER BY load_id DESC LIMIT 1") == [("refused",)]


# --------------------------------------------------------------------------- the count rule


def test_counts_that_do_not_add_up_refuse_to_publish(db, tmp_path, monkeypatch):
    before = db.read_bytes()
    path = put(
        tmp_path,
        "d.csv",
        csv_bytes([DISB_HEADERS, ["D1", "P01", "13/09/2562", "5.00", CUR], ["D2", "P01", "13/09/2562", "6.00", CUR]]),
    )

    def lose_a_row(con, source):  # a bug that loses a written row
        con.execute("DELETE FROM disbursements WHERE doc_no = 'D2'")

    monkeypatch.setattr(load_module, "before_commit_hook", lose_a_row)
    with pytest.raises(AccountingError, match="do not add up"):
        load_files([path], db_path=db)
    assert db.read_bytes() == before
    assert not list(tmp_path.glob("budget.duckdb.writing-*"))


# --------------------------------------------------------------------------- the CLI


def test_one_bad_file_in_a_folder_refuses_only_itself_exit_2(db, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    put(folder, "a_garbage.csv", bytes(range(256)) * 20)
    put(folder, "b_cr_only.csv", csv_bytes([DISB_HEADERS, ["D1", "P01", "13/09/2562", "5.00", CUR]], eol="\r"))
    put(
        folder,
        "c_big_cell.csv",
        csv_bytes([PROJECT_HEADERS, ["P08", "2562", "จ.ลำพูน", "ข" * 300_000, "งบลงทุน", "อบต.", "1.00", ""]]),
    )
    done = run_cli("--db", str(db), "load", str(folder))
    assert done.returncode == 2, done.stdout + done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    assert "a_garbage.csv" in done.stdout
    assert query(db, "SELECT file_name, status FROM loads WHERE load_id > 1 ORDER BY file_name") == [
        ("a_garbage.csv", "refused"),
        ("b_cr_only.csv", "loaded"),
        ("c_big_cell.csv", "loaded"),
    ]
    assert amounts(db) == {"D1": Decimal("5.00")}


def test_markup_in_names_headers_and_values_is_printed_as_text(db, tmp_path):
    put(tmp_path, "[bold]x[red]y.csv", csv_bytes([DISB_HEADERS, ["D5", "P01", "[/x]", "[bold]5", CUR]]))
    refused = put(
        tmp_path, "r.csv", csv_bytes([["เลขที่เอกสาร", "รหัสโครงการ", "[/x]", "[bold]note"], ["D9", "P01", "a", "b"]])
    )
    done = run_cli("--db", str(db), "load", str(tmp_path / "[bold]x[red]y.csv"), str(refused))
    assert done.returncode == 2, done.stdout + done.stderr
    assert "[bold]x[red]y.csv" in done.stdout and "[/x]" in done.stdout and "Traceback" not in done.stderr
    listed = run_cli("--db", str(db), "rejects")
    assert listed.returncode == 0, listed.stdout + listed.stderr
    assert "[/x]" in listed.stdout and "[bold]5" in listed.stdout and "[bold]x[red]y.csv" in listed.stdout


def test_exit_1_for_rejects_and_3_for_a_database_that_cannot_be_written(db, tmp_path):
    path = put(tmp_path, "d.csv", csv_bytes([DISB_HEADERS, ["D1", "P01", "13/09/2562", "1.234,50", CUR]]))
    done = run_cli("--db", str(db), "load", str(path))
    assert done.returncode == 1, done.stdout + done.stderr
    broken = put(tmp_path, "broken.duckdb", b"this is not a database" * 100)
    done = run_cli("--db", str(broken), "load", str(path))
    assert done.returncode == 3, done.stdout + done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    assert len(done.stderr.strip().splitlines()) <= 3  # one message (folded at most)


def test_internal_error_exits_3_with_one_line_and_the_traceback_in_the_log(db, tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from etl.cli import app

    monkeypatch.setattr(load_module, "before_commit_hook", lambda con, source: con.execute("DELETE FROM disbursements"))
    path = put(tmp_path, "d.csv", csv_bytes([DISB_HEADERS, ["D1", "P01", "13/09/2562", "5.00", CUR]]))
    result = CliRunner().invoke(app, ["--db", str(db), "load", str(path)])
    assert result.exit_code == 3, result.output
    assert "internal error" in result.output and "Traceback" not in result.output
    log = db.with_name("etl-errors.log")
    assert "AccountingError" in log.read_text(encoding="utf-8")
    assert amounts(db) == {}


def test_cli_help_and_weekly_commands_share_one_app():
    started = time.monotonic()
    done = run_cli("--help")
    assert done.returncode == 0
    assert all(name in done.stdout for name in ("load", "rejects", "snapshot", "export"))
    assert time.monotonic() - started < 60
