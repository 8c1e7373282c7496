"""Hostile input files, second round (issue 14): units around the header, ambiguous and
multi-row headers, mixed encodings, quotes that run across rows.

Every test writes its own file bytes, loads them through the real ETL (in-process, or the
real CLI where the exit code and the printed words matter) and checks the store with plain
SQL. Expected amounts are worked out by hand in the test. The list of attacks with their
before/after is docs/reliability.md, "ETL: hostile inputs II (files and workbooks)".
"""

from __future__ import annotations

import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from etl.load import load_files
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


def amounts(db: Path) -> dict[str, Decimal]:
    return dict(query(db, "SELECT doc_no, amount FROM disbursements"))


def rejects(db: Path, load_id: int) -> list[tuple]:
    return query(
        db,
        "SELECT row_number, column_name, bad_value, reason_code FROM rejects WHERE load_id = ? "
        "ORDER BY row_number, reason_code",
        [load_id],
    )


def accounted(result) -> bool:
    """The loader's rule, recounted here: read = loaded + rejected + totals."""
    return result.rows_read == (
        result.rows_inserted
        + result.rows_updated
        + result.rows_unchanged
        + result.rows_rejected
        + result.total_rows_skipped
    )


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "etl", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "COLUMNS": "200"},
        timeout=300,
        check=False,
    )


DATA = [["D1", "P01", "13/09/2562", "1.25", CUR], ["D2", "P01", "14/09/2562", "0.5", CUR]]


# --------------------------------------------------------------------------- units


def _write(tmp_path: Path, fmt: str, rows: list[list], merges: list[str] | None = None) -> Path:
    if fmt == "csv":
        return put(tmp_path, "d.csv", csv_bytes([[str(c) for c in r] for r in rows]))
    return write_xlsx(tmp_path / "d.xlsx", {"เบิกจ่าย": rows}, {"เบิกจ่าย": merges or []})


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_unit_title_line_above_a_plain_header_refuses_the_file(db, tmp_path, fmt):
    rows = [["รายงานผลการเบิกจ่าย ปีงบประมาณ 2562"], ["(หน่วย : ล้านบาท)"], DISB_HEADERS, *DATA]
    [result] = load_files([_write(tmp_path, fmt, rows)], db_path=db)
    assert result.status == "refused"
    assert "million baht" in result.message and "row 2" in result.message and "--unit million" in result.message
    assert amounts(db) == {}


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_two_row_header_with_the_unit_in_the_merged_top_cell_refuses_the_file(db, tmp_path, fmt):
    # "จำนวนเงิน (ล้านบาท)" merged over "เบิกจ่าย": the sub-header names the amount, the top the unit.
    rows = [
        ["เลขที่เอกสาร", "รหัสโครงการ", "วันที่ผ่านรายการ", "จำนวนเงิน (ล้านบาท)", "แหล่งเงิน"],
        ["", "", "", "เบิกจ่าย", ""],
        *DATA,
    ]
    [result] = load_files([_write(tmp_path, fmt, rows, ["A1:A2", "B1:B2", "C1:C2", "E1:E2"])], db_path=db)
    assert result.status == "refused" and "million baht" in result.message, result.message
    assert amounts(db) == {}


@pytest.mark.parametrize(
    ("unit_cell", "words"),
    [("(ล้านบาท)", "million baht"), ("thousand", "thousand baht"), ("หน่วย: พันบาท", "thousand baht")],
)
def test_a_unit_row_under_the_header_refuses_the_file(db, tmp_path, unit_cell, words):
    rows = [DISB_HEADERS, ["", "", "", unit_cell, ""], *DATA]
    [result] = load_files([put(tmp_path, "d.csv", csv_bytes(rows))], db_path=db)
    assert result.status == "refused" and words in result.message and "row 2" in result.message, result.message
    assert amounts(db) == {}


@pytest.mark.parametrize("where", ["beside the header", "under the table"])
def test_a_unit_note_beside_the_header_or_under_the_table_refuses_the_file(db, tmp_path, where):
    if where == "beside the header":
        rows = [[*DISB_HEADERS, "หน่วย : ล้านบาท"], *DATA]
    else:
        rows = [DISB_HEADERS, *DATA, ["", "", "", "", ""], ["หมายเหตุ: หน่วย ล้านบาท", "", "", "", ""]]
    [result] = load_files([put(tmp_path, "d.csv", csv_bytes(rows))], db_path=db)
    assert result.status == "refused" and "million baht" in result.message, result.message
    assert amounts(db) == {}


def test_unit_option_converts_exactly_and_rejects_what_is_not_whole_satang(db, tmp_path):
    rows = [
        ["(หน่วย : ล้านบาท)"],
        DISB_HEADERS,
        ["D1", "P01", "13/09/2562", "1.25", CUR],  # 1,250,000.00
        ["D2", "P01", "13/09/2562", "0.00123456", CUR],  # 1,234.56 (8 decimals: whole satang)
        ["D3", "P01", "13/09/2562", "0.000000001", CUR],  # 0.001 baht: not whole satang
        ["D4", "P01", "13/09/2562", "(0.1)", CUR],  # -100,000.00
        ["D5", "P01", "13/09/2562", "0.3333333333", CUR],  # 333,333.3333 baht: rejected
        ["D6", "P01", "13/09/2562", "๐.๗๕", CUR],  # Thai digits: 750,000.00
        ["D7", "P01", "13/09/2562", "1,234.5", CUR],
    ]  # 1,234,500,000.00
    path = put(tmp_path, "d.csv", csv_bytes(rows))
    [result] = load_files([path], db_path=db, unit="million")
    assert amounts(db) == {
        "D1": Decimal("1250000.00"),
        "D2": Decimal("1234.56"),
        "D4": Decimal("-100000.00"),
        "D6": Decimal("750000.00"),
        "D7": Decimal("1234500000.00"),
    }
    assert rejects(db, result.load_id) == [
        (5, "จำนวนเงิน", "0.000000001", "unit_not_whole_satang"),
        (7, "จำนวนเงิน", "0.3333333333", "unit_not_whole_satang"),
    ]
    assert accounted(result) and (result.rows_read, result.rows_rejected) == (7, 2)
    message = scalar(db, "SELECT message FROM loads WHERE load_id = ?", [result.load_id])
    assert "--unit million" in message and "×1,000,000" in message and "row 1" in message


def test_unit_option_thousand_on_a_workbook_with_the_unit_in_the_header_cell(db, tmp_path):
    rows = [
        ["เลขที่เอกสาร", "รหัสโครงการ", "วันที่ผ่านรายการ", "จำนวนเงิน (พันบาท)", "แหล่งเงิน"],
        ["D1", "P01", "13/09/2562", 1.5, CUR],
        ["D2", "P01", "13/09/2562", 0.00125, CUR],
        ["D3", "P01", "13/09/2562", 12.34567, CUR],
        ["D4", "P01", "13/09/2562", 0.1 + 0.2, CUR],
    ]
    [result] = load_files([write_xlsx(tmp_path / "d.xlsx", {"s": rows})], db_path=db, unit="thousand")
    # 1.5 thousand = 1,500.00; 0.00125 thousand = 1.25; 12.34567 thousand = 12,345.67;
    # 0.1 + 0.2 is 0.3 up to binary noise: 300.00
    assert amounts(db) == {
        "D1": Decimal("1500.00"),
        "D2": Decimal("1.25"),
        "D3": Decimal("12345.67"),
        "D4": Decimal("300.00"),
    }
    assert result.status == "loaded", result.message


def test_unit_option_refuses_a_file_that_says_baht_and_a_file_with_disagreeing_units(db, tmp_path):
    baht = put(tmp_path, "baht.csv", csv_bytes([["หน่วย : บาท"], DISB_HEADERS, *DATA]))
    mixed = put(
        tmp_path,
        "mixed.csv",
        csv_bytes([["(หน่วย : ล้านบาท)"], [*DISB_HEADERS[:3], "จำนวนเงิน (บาท)", DISB_HEADERS[4]], *DATA]),
    )
    results = {Path(r.file).name: r for r in load_files([baht, mixed], db_path=db, unit="million")}
    assert results["baht.csv"].status == "refused" and "--unit million" in results["baht.csv"].message
    assert results["mixed.csv"].status == "refused" and "disagree" in results["mixed.csv"].message
    assert amounts(db) == {}
    # Without the option the baht file loads as it is; a unit-less file with --unit is converted.
    [result] = load_files([baht], db_path=db)
    assert result.status == "loaded" and amounts(db) == {"D1": Decimal("1.25"), "D2": Decimal("0.50")}


def test_cli_load_exits_2_on_a_unit_title_line_and_converts_with_unit(db, tmp_path):
    path = put(tmp_path, "d.csv", csv_bytes([["(หน่วย : ล้านบาท)"], DISB_HEADERS, *DATA]))
    done = run_cli("--db", str(db), "load", str(path))
    assert done.returncode == 2, done.stdout + done.stderr
    assert "million baht" in done.stdout and "Traceback" not in done.stdout + done.stderr
    assert amounts(db) == {}
    done = run_cli("--db", str(db), "load", "--unit", "million", str(path))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "×1,000,000" in done.stdout  # the conversion is said in the summary
    assert amounts(db) == {"D1": Decimal("1250000.00"), "D2": Decimal("500000.00")}
    done = run_cli("--db", str(db), "load", "--unit", "billion", str(path))
    assert done.returncode == 2 and "unknown unit" in done.stdout + done.stderr


# --------------------------------------------------------------------------- headers


def test_two_columns_naming_the_amount_refuse_the_file_naming_both(db, tmp_path):
    rows = [
        ["เลขที่เอกสาร", "รหัสโครงการ", "วันที่ผ่านรายการ", "จำนวนเงิน", "จำนวนเงินเบิกจ่าย", "แหล่งเงิน"],
        ["D1", "P01", "13/09/2562", "100,000.00", "60,000.00", CUR],
    ]
    [result] = load_files([put(tmp_path, "d.csv", csv_bytes(rows))], db_path=db)
    assert result.status == "refused"
    assert "ambiguous_header" in result.message
    assert '"จำนวนเงิน" D (4)' in result.message and '"จำนวนเงินเบิกจ่าย" E (5)' in result.message
    assert amounts(db) == {}


def test_merged_header_over_two_sub_headers_is_read_by_the_sub_header_never_the_parent(db, tmp_path):
    # "จำนวนเงิน" merged over "ขอเบิก" (requested) and "เบิกจ่าย" (paid): the amount is the paid one.
    rows = [
        ["เลขที่เอกสาร", "รหัสโครงการ", "วันที่ผ่านรายการ", "จำนวนเงิน", "", "แหล่งเงิน"],
        ["", "", "", "ขอเบิก", "เบิกจ่าย", ""],
        ["D1", "P01", "13/09/2562", 100000, 60000, CUR],
    ]
    path = write_xlsx(tmp_path / "d.xlsx", {"s": rows}, {"s": ["D1:E1", "A1:A2", "B1:B2", "C1:C2", "F1:F2"]})
    [result] = load_files([path], db_path=db)
    assert result.status == "loaded", result.message
    assert amounts(db) == {"D1": Decimal("60000.00")}


def test_sub_headers_that_name_no_known_column_refuse_the_file(db, tmp_path):
    # "จำนวนเงิน" over "ขอเบิก" (requested) and "คงเหลือ" (left): neither is the amount paid.
    rows = [
        ["เลขที่เอกสาร", "รหัสโครงการ", "วันที่ผ่านรายการ", "จำนวนเงิน", "", "แหล่งเงิน"],
        ["", "", "", "ขอเบิก", "คงเหลือ", ""],
        ["D1", "P01", "13/09/2562", 100000, 40000, CUR],
    ]
    path = write_xlsx(tmp_path / "d.xlsx", {"s": rows}, {"s": ["D1:E1", "A1:A2", "B1:B2", "C1:C2", "F1:F2"]})
    [result] = load_files([path], db_path=db)
    assert result.status == "refused" and "row 2" in result.message and "ขอเบิก" in result.message, result.message
    assert amounts(db) == {}


def test_a_third_header_row_is_refused_not_half_read(db, tmp_path):
    rows = [
        ["ข้อมูลการเบิกจ่าย", "", "", "", ""],
        DISB_HEADERS[:3] + ["", ""],
        ["", "", "", "จำนวนเงิน", "แหล่งเงิน"],
        ["", "", "", "เบิกจ่าย", "แหล่งของเงิน"],
        *DATA,
    ]
    [result] = load_files([put(tmp_path, "d.csv", csv_bytes(rows))], db_path=db)
    assert result.status == "refused" and "more than two rows" in result.message, result.message
    assert amounts(db) == {}


# --------------------------------------------------------------------------- encodings


def test_a_utf8_row_followed_by_tis620_rows_is_refused_naming_the_line_never_mojibake(db, tmp_path):
    data = (
        b"doc_no,project_code,posting_date,amount,source\n"
        + "D1,P01,13/09/2562,5.00,ทาส\n".encode()  # line 2: UTF-8
        + "D2,P01,13/09/2562,6.00,ทาส\n".encode("cp874")  # line 3: TIS-620 breaks it
        + "D3,P01,13/09/2562,7.00,ทาส\n".encode("cp874")
    )
    [result] = load_files([put(tmp_path, "d.csv", data)], db_path=db)
    assert result.status == "refused", result.message
    assert "line 2 is UTF-8" in result.message and "line 3 is TIS-620" in result.message
    assert "fix line 3" in result.message
    assert amounts(db) == {}
    assert not query(db, "SELECT bad_value FROM rejects WHERE bad_value LIKE '%เธ%'")


def test_tis620_rows_followed_by_a_utf8_row_is_refused_naming_the_utf8_line(db, tmp_path):
    rows = [
        PROJECT_HEADERS,
        ["P09", "2562", "ลำพูน", "ถนนสายใหม่", "งบลงทุน", "อบต.", "100.00", ""],
        ["P10", "2562", "ลำพูน", "ฝายน้ำล้น", "งบลงทุน", "อบต.", "200.00", ""],
    ]
    data = csv_bytes(rows[:2], encoding="cp874") + csv_bytes(rows[2:], encoding="utf-8")
    [result] = load_files([put(tmp_path, "p.csv", data)], db_path=db)
    assert result.status == "refused", result.message
    # the Thai header (line 1) is TIS-620 already: line 3 breaks the file's encoding
    assert "line 1 is TIS-620" in result.message and "line 3 is UTF-8" in result.message
    assert "fix line 3" in result.message
    assert scalar(db, "SELECT count(*) FROM projects") == 3


def test_a_tis620_file_with_a_utf8_dash_is_refused_not_stored_as_mojibake(db, tmp_path):
    rows = [PROJECT_HEADERS, ["P09", "2562", "ลำพูน", "ถนนสายใหม่", "งบลงทุน", "อบต.", "100.00", ""]]
    data = csv_bytes(rows, encoding="cp874") + "P10,2562,ลำพูน,ฝาย – ตอน 2,งบลงทุน,อบต.,200.00,\n".encode(
        "cp874"
    ).replace("–".encode("cp874"), "–".encode())
    [result] = load_files([put(tmp_path, "p.csv", data)], db_path=db)
    assert result.status == "refused" and "line 3 is UTF-8" in result.message, result.message
    assert scalar(db, "SELECT count(*) FROM projects") == 3


def test_mixed_encoding_after_the_first_megabyte_names_the_line(db, tmp_path):
    rows = [DISB_HEADERS] + [[f"D{i:06d}", "P01", "13/09/2562", "1.00", "current"] for i in range(30_000)]
    data = csv_bytes(rows) + csv_bytes([["X1", "P01", "13/09/2562", "1.00", CUR]], encoding="cp874")
    assert len(data) > 1 << 20
    [result] = load_files([put(tmp_path, "d.csv", data)], db_path=db)
    assert result.status == "refused", result.message
    # header is line 1 (Thai in UTF-8), 30,000 rows, the TIS-620 row is line 30,002
    assert "line 1 is UTF-8" in result.message and "line 30,002" in result.message
    assert amounts(db) == {}


def test_a_utf8_file_with_a_byte_order_mark_is_never_read_as_tis620(db, tmp_path):
    data = (
        b"\xef\xbb\xbfdoc_no,project_code,posting_date,amount,source"
        + b"\nD1,P01,13/09/2562,5.00,current\n"
        + "D2,P01,13/09/2562,6.00,ทาส\n".encode("cp874")
    )
    [result] = load_files([put(tmp_path, "d.csv", data)], db_path=db)
    assert result.status == "refused" and "byte-order mark" in result.message and "line 3" in result.message
    assert amounts(db) == {}


# --------------------------------------------------------------------------- quotes across rows


def test_a_quote_opened_in_one_row_and_closed_in_the_next_rejects_both_lines(db, tmp_path):
    # The file: P07's name opens a quote that P08's name closes. As CSV that is one
    # record: P07 with P08's allocation, P08 gone, 2 rows read for 3 data lines.
    text = (
        ",".join(PROJECT_HEADERS)
        + "\n"
        + 'P07,2562,จ.ลำพูน,"ถนนสายใหม่,งบลงทุน,อบต.,100.00,\n'
        + 'P08,2562,จ.ลำพูน,ฝายน้ำล้น",งบลงทุน,อบต.,200.00,\n'
        + "P09,2562,จ.ลำพูน,บ่อน้ำ,งบลงทุน,อบต.,300.00,\n"
    )
    [result] = load_files([put(tmp_path, "p.csv", text.encode())], db_path=db)
    assert (result.rows_read, result.rows_inserted, result.rows_rejected) == (3, 1, 2), result.message
    assert accounted(result)
    assert query(db, "SELECT project_code, allocated_amount FROM projects WHERE project_code >= 'P07' ORDER BY 1") == [
        ("P09", Decimal("300.00"))
    ]
    found = query(db, "SELECT row_number, reason_code, bad_value FROM rejects ORDER BY row_number")
    assert [(row, reason) for row, reason, _ in found] == [(2, "quote_spans_rows"), (3, "quote_spans_rows")]
    assert all("lines 2–3" in value for _, _, value in found)


def test_a_line_break_in_an_amount_or_code_rejects_every_line_of_the_record(db, tmp_path):
    text = (
        ",".join(DISB_HEADERS)
        + "\n"
        + f'D1,P01,13/09/2562,"5.00\n6.00",{CUR}\n'
        + f'"D2\nD3",P01,13/09/2562,7.00,{CUR}\n'
        + f"D4,P01,13/09/2562,8.00,{CUR}\n"
    )
    [result] = load_files([put(tmp_path, "d.csv", text.encode())], db_path=db)
    assert amounts(db) == {"D4": Decimal("8.00")}
    assert [(r, c) for r, _, _, c in rejects(db, result.load_id)] == [
        (2, "quote_spans_rows"),
        (3, "quote_spans_rows"),
        (4, "quote_spans_rows"),
        (5, "quote_spans_rows"),
    ]
    assert (result.rows_read, result.rows_rejected) == (5, 4) and accounted(result)


def test_a_name_with_a_line_break_and_a_comma_still_loads(db, tmp_path):
    rows = [PROJECT_HEADERS, ["P09", "2562", "จ.ลำพูน", "ถนนสาย ก, ข\n(ต่อ)", "งบลงทุน", "อบต.", "100.00", ""]]
    [result] = load_files([put(tmp_path, "p.csv", csv_bytes(rows))], db_path=db)
    assert result.status == "loaded", result.message
    assert scalar(db, "SELECT project_name FROM projects WHERE project_code = 'P09'") == "ถนนสาย ก, ข\n(ต่อ)"
