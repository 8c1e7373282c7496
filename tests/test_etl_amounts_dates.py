"""Amounts and dates stored only when their one reading is certain.

An amount above the plausibility bound (thresholds.toml max_plausible_amount) is rejected
`implausible_amount`; a project's running totals stay within it (`implausible_total`), so
every figure the read side sums fits its type and no stored row can break an export (the
real `python -m etl export` runs here). A date followed by text is rejected `bad_date`, not
cut to the date; a time of day after it is fine. Files are written by the tests; the
expected values are written out by hand.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import subprocess
import sys
import tomllib
from decimal import Decimal
from pathlib import Path

import pytest

from etl.load import load_files
from tests.etl_fixtures import (
    DISB_HEADERS,
    PROJECT_HEADERS,
    fixture_projects_db,
    query,
    scalar,
    write_csv,
    write_projects,
)

ROOT = Path(__file__).resolve().parents[1]
CUR = "งบประมาณปีปัจจุบัน"
with open(ROOT / "data" / "reference" / "thresholds.toml", "rb") as _handle:
    BOUND = Decimal(str(tomllib.load(_handle)["max_plausible_amount"]["value"]))


@pytest.fixture()
def db(tmp_path) -> Path:
    """A store holding the three fixture projects (P01, P02, P03)."""
    return fixture_projects_db(tmp_path)


def _export_csv(db: Path, out: Path) -> tuple[subprocess.CompletedProcess, dict[str, list[dict]]]:
    """`python -m etl export -f csv -f xlsx` on the store; the CSV tables read back."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-m", "etl", "--db", str(db), "export", "--out", str(out), "-f", "csv", "-f", "xlsx"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=300,
        check=False,
    )
    tables = {}
    for path in out.glob("*.csv") if out.exists() else []:
        table = path.stem.rsplit("-", 1)[-1]
        tables[table] = list(csv.DictReader(io.StringIO(path.read_bytes().decode("utf-8-sig"))))
    return done, tables


def test_an_amount_above_the_plausibility_bound_is_rejected_and_exports_still_run(db, tmp_path):
    # Before: 100,000,000,000,000.00 was stored, and every national export then stopped with
    # exit 3 (DECIMAL overflow in the read side's satang arithmetic).
    rows = [
        DISB_HEADERS,
        ["D1", "P01", "15/03/2562", "100,000,000,000,000.00", CUR],
        ["D2", "P01", "15/03/2562", "250,000.00", CUR],
        ["D3", "P02", "15/03/2562", "-50,000,000,001.00", CUR],
    ]
    load_files([write_csv(tmp_path / "d.csv", rows)], db_path=db)
    assert query(db, "SELECT doc_no, amount FROM disbursements") == [("D2", Decimal("250000.00"))]
    assert query(db, "SELECT row_number, column_name, reason_code FROM rejects ORDER BY 1") == [
        (2, "จำนวนเงิน", "implausible_amount"),
        (4, "จำนวนเงิน", "implausible_amount"),
    ]
    done, tables = _export_csv(db, tmp_path / "out")
    assert done.returncode == 0, done.stderr
    [national] = [row for row in tables["summary"] if row["level_th"] == "รวม"]
    assert Decimal(national["disbursed"]) == Decimal("250000.00")


def test_allocations_and_contracts_above_the_bound_are_rejected(tmp_path):
    db = tmp_path / "b.duckdb"
    rows = [
        ["P01", "2562", "ลำพูน", "ก", "งบลงทุน", "a", f"{BOUND + 1:,.2f}", ""],
        ["P02", "2562", "ลำพูน", "ข", "งบลงทุน", "a", "1,000", f"{BOUND * 10:,.2f}"],
        ["P03", "2562", "ลำพูน", "ค", "งบลงทุน", "a", f"{BOUND:,.2f}", ""],
    ]
    load_files([write_projects(tmp_path, rows)], db_path=db)
    assert query(db, "SELECT row_number, reason_code FROM rejects ORDER BY 1") == [
        (2, "implausible_amount"),
        (3, "implausible_amount"),
    ]
    assert query(db, "SELECT project_code, allocated_amount FROM projects") == [("P03", BOUND)]


def test_a_project_running_total_stays_within_the_bound(db, tmp_path):
    # Three payments of 40% of the bound: the third would take P01 to 120%, so it waits
    # (implausible_total) until a reversal makes room.
    part = BOUND * Decimal("0.4")
    rows = [DISB_HEADERS] + [[f"D{i}", "P01", f"1{i}/03/2562", f"{part:,.2f}", CUR] for i in range(1, 4)]
    load_files([write_csv(tmp_path / "d.csv", rows)], db_path=db)
    assert scalar(db, "SELECT sum(amount) FROM disbursements") == part * 2
    assert query(db, "SELECT row_number, reason_code FROM rejects") == [(4, "implausible_total")]
    back = [DISB_HEADERS, ["R1", "P01", "12/03/2562", f"-{part:,.2f}", CUR]]
    [result] = load_files([write_csv(tmp_path / "r.csv", back)], db_path=db)
    assert result.rows_released == 1
    assert scalar(db, "SELECT sum(amount) FROM disbursements") == part * 2


def test_stores_at_the_bound_still_export(tmp_path):
    # Every project at the bound: allocation, contract, payments and transfers in. The national
    # totals are 3 x the bound; the export runs and shows them exactly.
    db = tmp_path / "b.duckdb"
    money = f"{BOUND:,.2f}"
    projects = [[f"P0{i}", "2562", "ลำพูน", f"ก{i}", "งบลงทุน", "a", money, money] for i in range(1, 4)]
    write_csv(tmp_path / "p.csv", [PROJECT_HEADERS, *projects])
    payments = [DISB_HEADERS] + [[f"D{i}", f"P0{i}", "15/03/2562", money, CUR] for i in range(1, 4)]
    write_csv(tmp_path / "d.csv", payments)
    results = load_files([tmp_path / "p.csv", tmp_path / "d.csv"], db_path=db)
    assert [r.rows_inserted for r in results] == [3, 3]
    done, tables = _export_csv(db, tmp_path / "out")
    assert done.returncode == 0, done.stderr
    [national] = [row for row in tables["summary"] if row["level_th"] == "รวม"]
    assert Decimal(national["disbursed"]) == BOUND * 3
    assert Decimal(national["current_allocation"]) == BOUND * 3
    assert sorted(Decimal(row["disbursed"]) for row in tables["projects"]) == [BOUND] * 3


@pytest.mark.parametrize(
    ("text", "stored"),
    [
        ("2019-03-15 ยกเลิก", None),
        ("2019-03-15 to 2019-09-30", None),
        ("2019-03-15x", None),
        ("2019-03-15T10:30:00+07:00", None),  # a time zone could move the day: not one reading
        ("2019-03-15 00:00:00", dt.date(2019, 3, 15)),
        ("2019-03-15T10:30", dt.date(2019, 3, 15)),
        ("2019-03-15 10:30:00.250", dt.date(2019, 3, 15)),
        ("2562-03-15", dt.date(2019, 3, 15)),
    ],
)
def test_a_date_followed_by_text_is_rejected_not_cut(db, tmp_path, text, stored):
    # Before: "2019-03-15 ยกเลิก" (cancelled) and "2019-03-15 to 2019-09-30" were stored as 15 March.
    load_files([write_csv(tmp_path / "d.csv", [DISB_HEADERS, ["D1", "P01", text, "5", CUR]])], db_path=db)
    assert query(db, "SELECT posting_date FROM disbursements") == ([(stored,)] if stored else [])
    if stored is None:
        assert query(db, "SELECT column_name, bad_value, reason_code FROM rejects") == [
            ("วันที่ผ่านรายการ", text, "bad_date")
        ]
