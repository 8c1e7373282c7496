"""The transactional load: reject reasons, refusals, exit codes, idempotence, upsert, rollback."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

import pytest

from etl import load as load_module
from etl.load import exit_code, load_files
from tests.etl_fixtures import (
    ASSET_HEADERS,
    CARRY_HEADERS,
    DISB_HEADERS,
    REALLOC_HEADERS,
    fixture_projects_db,
    query,
    scalar,
    write_csv,
    write_projects,
)

ROOT = Path(__file__).resolve().parents[1]
CUR = "งบประมาณปีปัจจุบัน"
CARRY = "เงินกันเหลื่อมปี"


@pytest.fixture()
def db(tmp_path) -> Path:
    """A store holding the three fixture projects (P01 1,000,000 with contract 800,000)."""
    return fixture_projects_db(tmp_path)


def _load(db: Path, folder: Path, name: str, rows: list[list[str]]):
    [result] = load_files([write_csv(folder / name, rows)], db_path=db)
    return result


def _rejects(db: Path, load_id: int) -> list[tuple]:
    return query(
        db,
        "SELECT row_number, column_name, bad_value, reason_code FROM rejects "
        "WHERE load_id = ? ORDER BY row_number, reason_code",
        [load_id],
    )


# --------------------------------------------------------------------------- reject reasons


def test_disbursement_row_rejects(db, tmp_path):
    rows = [
        DISB_HEADERS,  # row 1
        ["D1", "P01", "13/09/2562", "100,000.00", CUR],  # 2 good
        ["D2", "", "13/09/2562", "5.00", CUR],  # 3 missing project
        ["D3", "P01", "31/02/2562", "5.00", CUR],  # 4 bad date
        ["D4", "P01", "13/09/2562", "ห้าบาท", CUR],  # 5 bad amount
        ["D5", "P99", "13/09/2562", "5.00", CUR],  # 6 unknown project
        ["D1", "P01", "14/09/2562", "7.00", CUR],  # 7 duplicate of row 2
        ["D6", "P01", "1/10/2562", "5.00", CUR],  # 8 current, after FY end
        ["D7", "P01", "30/09/2561", "5.00", CUR],  # 9 current, before FY start
        ["D8", "P01", "15/09/2562", "5.00", CARRY],  # 10 carry-over inside FY
        ["D9", "P01", "1/04/2563", "5.00", CARRY],  # 11 after default deadline
        ["D10", "P01", "31/03/2563", "5.00", CARRY],  # 12 good: default deadline day
        ["D11", "P01", "13/09/2562", "5.00", "เงินยืม"],  # 13 bad source
        ["D12", "P02", "13/09/2562", "-1.00", CUR],  # 14 reversal below zero
        ["D13", "P01", "20/09/2562", "-50,000.00", CUR],  # 15 good reversal
    ]
    result = _load(db, tmp_path, "d.csv", rows)
    assert result.status == "loaded_with_rejects"
    assert (result.rows_read, result.rows_inserted, result.rows_rejected) == (14, 3, 11)
    assert _rejects(db, result.load_id) == [
        (3, "รหัสโครงการ", None, "missing_required"),
        (4, "วันที่ผ่านรายการ", "31/02/2562", "bad_date"),
        (5, "จำนวนเงิน", "ห้าบาท", "bad_amount"),
        (6, "รหัสโครงการ", "P99", "unknown_project"),
        (7, "เลขที่เอกสาร", "D1", "duplicate_key"),
        (8, "วันที่ผ่านรายการ", "1/10/2562", "date_outside_window"),
        (9, "วันที่ผ่านรายการ", "30/09/2561", "date_outside_window"),
        (10, "วันที่ผ่านรายการ", "15/09/2562", "date_outside_window"),
        (11, "วันที่ผ่านรายการ", "1/04/2563", "date_outside_window"),
        (13, "แหล่งเงิน", "เงินยืม", "bad_enum"),
        (14, "จำนวนเงิน", "-1.00", "reversal_below_zero"),
    ]
    stored = dict(query(db, "SELECT doc_no, amount FROM disbursements"))
    assert stored == {"D1": Decimal("100000.00"), "D10": Decimal("5.00"), "D13": Decimal("-50000.00")}
    assert exit_code([result]) == 1
    reasons = query(
        db, "SELECT DISTINCT reason_th, reason_en, file_name, sheet FROM rejects WHERE reason_code = 'bad_date'"
    )
    assert reasons == [("อ่านวันที่ไม่ได้", "unparseable date", "d.csv", None)]


def test_reversal_counts_database_rows_in_date_order(db, tmp_path):
    _load(db, tmp_path, "d1.csv", [DISB_HEADERS, ["D1", "P03", "01/03/2562", "1,000.00", CUR]])
    rows = [
        DISB_HEADERS,
        ["R1", "P03", "15/02/2562", "-500.00", CUR],  # before D1: -500 -> reject
        ["R2", "P03", "02/03/2562", "-600.00", CUR],  # 1000 - 600 = 400 -> ok
        ["R3", "P03", "03/03/2562", "-500.00", CUR],  # 400 - 500 < 0 -> reject
        ["R5", "P03", "04/03/2562", "-400.00", CUR],
    ]  # 400 - 400 = 0 -> ok (R3 is not counted)
    result = _load(db, tmp_path, "d2.csv", rows)
    assert [(r[0], r[3]) for r in _rejects(db, result.load_id)] == [
        (2, "reversal_below_zero"),
        (4, "reversal_below_zero"),
    ]
    assert scalar(db, "SELECT sum(amount) FROM disbursements WHERE project_code = 'P03'") == 0
    result = _load(db, tmp_path, "d3.csv", [DISB_HEADERS, ["R6", "P03", "05/03/2562", "-0.01", CUR]])
    assert (result.rows_inserted, result.rows_rejected) == (0, 1)


def test_project_row_rejects(tmp_path):
    db = tmp_path / "b.duckdb"
    rows = [
        ["P01", "2562", "เชียงใหม่", "ก", "งบลงทุน", "a", "1,000", ""],  # 2 good
        ["P02", "ปีหน้า", "เชียงใหม่", "ข", "งบลงทุน", "a", "1,000", ""],  # 3 bad year
        ["P03", "2562", "กรุงเทพมหานคร", "ค", "งบลงทุน", "a", "1,000", ""],  # 4 unknown owner
        ["P04", "2562", "ลำพูน", "ง", "งบกลาง", "a", "1,000", ""],  # 5 bad budget type
        ["P05", "2562", "ลำพูน", "", "งบลงทุน", "a", "1,000", ""],  # 6 missing name
        ["P06", "2562", "ลำพูน", "จ", "งบลงทุน", "a", "", ""],  # 7 missing allocation
        ["P01", "2562", "ลำพูน", "ฉ", "งบลงทุน", "a", "5", ""],  # 8 duplicate
    ]
    [result] = load_files([write_projects(tmp_path, rows)], db_path=db)
    assert _rejects(db, result.load_id) == [
        (3, "ปีงบประมาณ", "ปีหน้า", "bad_year"),
        (4, "จังหวัด/กลุ่มจังหวัด", "กรุงเทพมหานคร", "unknown_owner"),
        (5, "ประเภทงบรายจ่าย", "งบกลาง", "bad_enum"),
        (6, "ชื่อโครงการ", None, "missing_required"),
        (7, "งบประมาณที่ได้รับจัดสรร", None, "missing_required"),
        (8, "รหัสโครงการ", "P01", "duplicate_key"),
    ]
    assert query(db, "SELECT project_code, project_name FROM projects") == [("P01", "ก")]


def test_carryover_rejects_and_own_deadline(db, tmp_path):
    rows = [
        CARRY_HEADERS,
        ["P01", "200,000", "มี", "25/09/2562", "30/06/2563", "สัญญาเลยปี"],  # 2 good
        ["P02", "50,000", "บางที", "25/09/2562", "31/03/2563", ""],  # 3 bad yes/no
        ["P03", "50,000", "ไม่มี", "15/11/2562", "31/03/2563", ""],  # 4 approved too late
        ["P99", "50,000", "ไม่มี", "25/09/2562", "31/03/2563", ""],  # 5 unknown project
        ["P03", "0", "ไม่มี", "25/09/2562", "31/03/2563", ""],  # 6 <= 0 and duplicate
    ]
    result = _load(db, tmp_path, "c.csv", rows)
    assert _rejects(db, result.load_id) == [
        (3, "มีหนี้ผูกพัน", "บางที", "bad_enum"),
        (4, "วันที่อนุมัติ", "15/11/2562", "date_outside_window"),
        (5, "รหัสโครงการ", "P99", "unknown_project"),
        (6, "จำนวนเงินกันเหลื่อมปี", "0", "amount_not_positive"),
        (6, "รหัสโครงการ", "P03", "duplicate_key"),
    ]
    assert query(db, "SELECT project_code, amount, with_commitment, deadline::VARCHAR FROM carryovers") == [
        ("P01", Decimal("200000.00"), True, "2020-06-30")
    ]
    # P01's own deadline (30 Jun 2020) replaces the default (31 Mar 2020).
    rows = [DISB_HEADERS, ["C1", "P01", "30/06/2563", "5", CARRY], ["C2", "P01", "1/07/2563", "5", CARRY]]
    result = _load(db, tmp_path, "dc.csv", rows)
    assert [(r[0], r[3]) for r in _rejects(db, result.load_id)] == [(3, "date_outside_window")]


def test_reallocation_rejects_and_free_balance(db, tmp_path):
    # P01: allocation 1,000,000, contract 800,000; 100,000 disbursed -> free 200,000.
    _load(db, tmp_path, "d.csv", [DISB_HEADERS, ["D1", "P01", "13/03/2562", "100,000", CUR]])
    rows = [
        REALLOC_HEADERS,
        ["R1", "01/04/2562", "P01", "P03", "150,000", "เงินเหลือจ่าย", ""],  # 2 ok, free -> 50,000
        ["R2", "02/04/2562", "P01", "P02", "60,000", "โอนเปลี่ยนแปลง", ""],  # 3 exceeds free
        ["R3", "03/04/2562", "", "P01", "70,000", "โอนเปลี่ยนแปลง", ""],  # 4 new money, free 120,000
        ["R4", "04/04/2562", "P01", "", "120,000", "ส่งคืน", ""],  # 5 ok (exactly free)
        ["R5", "05/04/2562", "P01", "P02", "0", "ส่งคืน", ""],  # 6 amount not positive
        ["R6", "06/04/2562", "P01", "P02", "10", "ยืม", ""],  # 7 bad kind
        ["R7", "1/10/2562", "P02", "P03", "10", "ส่งคืน", ""],  # 8 after FY window
        ["R8", "07/04/2562", "", "", "10", "ส่งคืน", ""],  # 9 neither project
        ["R9", "08/04/2562", "P77", "P02", "10", "ส่งคืน", ""],  # 10 unknown project
    ]
    result = _load(db, tmp_path, "r.csv", rows)
    assert _rejects(db, result.load_id) == [
        (3, "จำนวนเงิน", "60,000", "exceeds_free_balance"),
        (6, "จำนวนเงิน", "0", "amount_not_positive"),
        (7, "ประเภทการโอน", "ยืม", "bad_enum"),
        (8, "วันที่อนุมัติ", "1/10/2562", "date_outside_window"),
        (9, "โอนจากโครงการ", None, "missing_required"),
        (10, "โอนจากโครงการ", "P77", "unknown_project"),
    ]
    assert [r[0] for r in query(db, "SELECT ref_no FROM reallocations ORDER BY ref_no")] == ["R1", "R3", "R4"]


def test_asset_rejects(db, tmp_path):
    rows = [
        ASSET_HEADERS,
        ["A1", "P01", "ถนน", "1,000,000", "อบต.", "30/09/2562", "", "รอโอน"],
        ["A2", "P01", "อาคาร", "5", "อบต.", "30/09/2562", "1/11/2562", "เสร็จ"],
        ["A3", "P88", "อาคาร", "5", "อบต.", "30/09/2562", "", "รอโอน"],
    ]
    result = _load(db, tmp_path, "a.csv", rows)
    assert _rejects(db, result.load_id) == [
        (3, "สถานะ", "เสร็จ", "bad_enum"),
        (4, "รหัสโครงการ", "P88", "unknown_project"),
    ]
    assert query(db, "SELECT asset_id, status, transferred_date FROM asset_transfers") == [("A1", "pending", None)]


# --------------------------------------------------------------------------- refusals, exit codes


def test_missing_required_columns_refuse_the_file(db, tmp_path):
    rows = [["เลขที่เอกสาร", "รหัสโครงการ", "วันที่ผ่านรายการ", "หมายเหตุพิเศษ"], ["D1", "P01", "13/09/2562", "x"]]
    result = _load(db, tmp_path, "bad.csv", rows)
    assert result.status == "refused"
    assert "amount" in result.message and "source" in result.message
    assert "หมายเหตุพิเศษ" in result.message
    assert scalar(db, "SELECT count(*) FROM disbursements") == 0
    assert query(db, "SELECT status, message FROM loads WHERE load_id = ?", [result.load_id]) == [
        ("refused", result.message)
    ]
    assert exit_code([result]) == 2


def test_unrecognisable_file_is_refused_and_others_load(db, tmp_path):
    (tmp_path / "junk.csv").write_text("a,b,c\n1,2,3\n", encoding="utf-8")
    good = write_csv(tmp_path / "d.csv", [DISB_HEADERS, ["D1", "P01", "13/09/2562", "5", CUR]])
    results = load_files([tmp_path / "junk.csv", good], db_path=db)
    assert [r.status for r in results] == ["refused", "loaded"]
    assert exit_code(results) == 2


def test_exit_codes():
    def make(status, rejected=0):
        return load_module.LoadResult("f", None, "projects", 1, status, rows_rejected=rejected)

    assert exit_code([make("loaded"), make("unchanged")]) == 0
    assert exit_code([make("loaded"), make("loaded_with_rejects", 2)]) == 1
    assert exit_code([make("loaded_with_rejects", 1), make("refused")]) == 2


def test_folder_loads_projects_before_disbursements(tmp_path):
    db = tmp_path / "b.duckdb"
    folder = tmp_path / "in"
    folder.mkdir()
    write_csv(folder / "a_disbursements.csv", [DISB_HEADERS, ["D1", "P01", "13/09/2562", "5", CUR]])
    write_projects(folder, name="z_projects.csv")
    results = load_files([folder], db_path=db)
    assert [(Path(r.file).name, r.status) for r in results] == [
        ("z_projects.csv", "loaded"),
        ("a_disbursements.csv", "loaded"),
    ]
    assert [r.load_id for r in results] == [1, 2]


# --------------------------------------------------------------------------- idempotence, upsert


def test_reload_changes_nothing_and_corrected_file_updates(db, tmp_path):
    rows = [DISB_HEADERS, ["D1", "P01", "13/09/2562", "100.00", CUR], ["D2", "P02", "14/09/2562", "200.00", CUR]]
    first = _load(db, tmp_path, "d.csv", rows)
    before = query(db, "SELECT * FROM disbursements ORDER BY doc_no")
    again = _load(db, tmp_path, "d.csv", rows)
    assert (again.status, again.rows_inserted, again.rows_updated, again.rows_unchanged) == ("unchanged", 0, 0, 2)
    assert query(db, "SELECT * FROM disbursements ORDER BY doc_no") == before
    assert exit_code([again]) == 0
    corrected = [
        DISB_HEADERS,
        ["D1", "P01", "13/09/2562", "150.00", CUR],
        ["D2", "P02", "14/09/2562", "200.00", CUR],
        ["D3", "P03", "15/09/2562", "1", CUR],
    ]
    fixed = _load(db, tmp_path, "d_fixed.csv", corrected)
    assert (fixed.status, fixed.rows_inserted, fixed.rows_updated, fixed.rows_unchanged) == ("loaded", 1, 1, 1)
    assert query(db, "SELECT doc_no, amount, load_id FROM disbursements ORDER BY doc_no") == [
        ("D1", Decimal("150.00"), fixed.load_id),
        ("D2", Decimal("200.00"), first.load_id),
        ("D3", Decimal("1.00"), fixed.load_id),
    ]
    assert query(db, "SELECT status, rows_updated FROM loads ORDER BY load_id DESC LIMIT 3") == [
        ("loaded", 1),
        ("unchanged", 0),
        ("loaded", 0),
    ]


def test_projects_reload_is_unchanged(db, tmp_path):
    [again] = load_files([tmp_path / "projects.csv"], db_path=db)
    assert (again.status, again.rows_unchanged) == ("unchanged", 3)


# --------------------------------------------------------------------------- failures


def test_injected_failure_after_staging_rolls_back_that_file_only(db, tmp_path, monkeypatch):
    files = [
        write_csv(tmp_path / f"d{i}.csv", [DISB_HEADERS, [f"D{i}", "P01", "13/09/2562", "5", CUR]]) for i in range(3)
    ]

    def fail_on_second(con, source):
        if source.path.name == "d1.csv":
            raise RuntimeError("boom")

    monkeypatch.setattr(load_module, "after_staging_hook", fail_on_second)
    results = load_files(files, db_path=db)
    assert [r.status for r in results] == ["loaded", "refused", "loaded"]
    assert "boom" in results[1].message
    assert [r[0] for r in query(db, "SELECT doc_no FROM disbursements ORDER BY doc_no")] == ["D0", "D2"]


def test_failure_after_upsert_rolls_back_written_rows(db, tmp_path, monkeypatch):
    rows = [DISB_HEADERS, ["D1", "P01", "13/09/2562", "5", CUR], ["D2", "P01", "bad", "5", CUR]]

    def fail(con, source):
        # The rows are in the table inside the transaction at this point.
        assert con.execute("SELECT count(*) FROM disbursements").fetchone()[0] == 1
        raise RuntimeError("disk full")

    monkeypatch.setattr(load_module, "before_commit_hook", fail)
    result = _load(db, tmp_path, "d.csv", rows)
    assert result.status == "refused"
    assert scalar(db, "SELECT count(*) FROM disbursements") == 0
    assert scalar(db, "SELECT count(*) FROM rejects") == 0
    assert query(db, "SELECT status FROM loads WHERE load_id = ?", [result.load_id]) == [("refused",)]


def test_env_var_failure(db, tmp_path, monkeypatch):
    monkeypatch.setenv("BUDGET_ETL_FAIL_AFTER_STAGING", "1")
    result = _load(db, tmp_path, "d.csv", [DISB_HEADERS, ["D1", "P01", "13/09/2562", "5", CUR]])
    assert result.status == "refused" and "BUDGET_ETL_FAIL_AFTER_STAGING" in result.message
    assert scalar(db, "SELECT count(*) FROM disbursements") == 0


def test_kill_mid_load_leaves_database_as_it_was(db, tmp_path):
    before = db.read_bytes()
    path = write_csv(tmp_path / "d.csv", [DISB_HEADERS, ["D1", "P01", "13/09/2562", "5", CUR]])
    env = {**os.environ, "BUDGET_ETL_SLEEP_AFTER_STAGING": "60", "PYTHONPATH": str(ROOT)}
    code = f"from etl.load import load_files; load_files([{str(path)!r}], db_path={str(db)!r})"
    child = subprocess.Popen([sys.executable, "-c", code], env=env, cwd=ROOT)
    work = db.with_name(f"{db.name}.writing-{child.pid}")
    deadline = time.monotonic() + 30
    while not work.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert work.exists(), "the child never opened its working copy"
    time.sleep(1.5)  # now inside the file's transaction, sleeping after staging
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    assert db.read_bytes() == before
    assert scalar(db, "SELECT count(*) FROM loads") == 1  # only the projects load
    # The lock is free again and the next load works.
    [result] = load_files([path], db_path=db)
    assert result.status == "loaded"


# --------------------------------------------------------------------------- the typed statement


def _names_of_own_select(tree) -> list[tuple[str, str]]:
    """(alias, name) for each select expression that names another expression of its own SELECT."""
    found = []

    def refs(node):
        if isinstance(node, dict):
            if node.get("type") == "SELECT_NODE":
                return  # a SELECT of its own: looked at on its own
            if node.get("class") == "COLUMN_REF" and len(node["column_names"]) == 1:
                yield node["column_names"][0]
            for value in node.values():
                yield from refs(value)
        elif isinstance(node, list):
            for value in node:
                yield from refs(value)

    def selects(node):
        if isinstance(node, dict):
            if node.get("type") == "SELECT_NODE":
                yield node
            for value in node.values():
                yield from selects(value)
        elif isinstance(node, list):
            for value in node:
                yield from selects(value)

    for select in selects(tree):
        aliases = {entry["alias"] for entry in select["select_list"] if entry.get("alias")}
        for entry in select["select_list"]:
            found.extend((entry.get("alias", ""), name) for name in refs(entry) if name in aliases)
    return found


@pytest.mark.parametrize("kind_name", ["projects", "disbursements", "carryovers", "reallocations", "asset_transfers"])
def test_the_typed_statement_names_no_expression_of_its_own_select(tmp_path, kind_name):
    # A name that refers to another expression of the same SELECT is bound by copying that
    # expression, macros and all: the flags (`__bad`, `__as_number`, `__ambiguous`) made the
    # statement bind each key's and amount's normalisation two or three times.
    import json

    import duckdb

    from etl.kinds import KINDS
    from etl.readers import open_sources

    kind = KINDS[kind_name]
    path = write_csv(tmp_path / f"{kind_name}.csv", [[c.name for c in kind.columns], ["x"] * len(kind.columns)])
    [source] = open_sources(path, kind_name, tmp_path / "work")
    try:
        assert set(source.columns.values()) == {c.name for c in kind.columns}
        _, _, data_row, _ = load_module._row_filters(kind, source)
        sql = load_module._typed_select(kind, source, data_row)
    finally:
        source.cleanup()
    tree = json.loads(duckdb.execute("SELECT json_serialize_sql(?)", [sql]).fetchone()[0])
    assert tree["error"] is False, tree
    assert _names_of_own_select(tree) == []
