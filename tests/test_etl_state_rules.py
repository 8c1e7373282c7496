"""State rules: rules that involve more than one row are judged on the state a load would publish.

The same set of files (each key with one value) gives the same tables, held rows and
rejects in any order or grouping of loads; rows that break a rule wait in held_<table>
and move in when a later load makes them fit (etl/state.py). Each test writes its own
files and loads them through the real ETL; expected values are computed by hand in the
comments, or (for the order property) by comparing stores built in different orders.
"""

from __future__ import annotations

import random
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from etl.load import load_files
from tests.etl_fixtures import (
    CARRY_HEADERS,
    DISB_HEADERS,
    PROJECT_HEADERS,
    PROJECT_ROWS,
    REALLOC_HEADERS,
    fixture_projects_db,
    query,
    scalar,
    write_csv,
    write_projects,
)

CUR, CARRY = "งบประมาณปีปัจจุบัน", "เงินกันเหลื่อมปี"
DATA_TABLES = ("projects", "carryovers", "disbursements", "reallocations", "asset_transfers")
HELD_TABLES = tuple(f"held_{t}" for t in DATA_TABLES[1:])


@pytest.fixture()
def db(tmp_path) -> Path:
    """A store holding the three fixture projects: P01 1,000,000 (contract 800,000), P02
    500,000 and P03 300,000, all FY2562."""
    return fixture_projects_db(tmp_path)


def _one(db: Path, folder: Path, name: str, rows: list[list[str]]):
    [result] = load_files([write_csv(folder / name, rows)], db_path=db)
    return result


def _disbursed(db: Path, project: str) -> Decimal:
    return scalar(db, "SELECT coalesce(sum(amount), 0) FROM disbursements WHERE project_code = ?", [project])


# --------------------------------------------------------------------------- reversals


def test_a_correction_below_an_earlier_reversal_holds_the_reversal(db, tmp_path):
    # The case: +1,000 and -1,000 in one file, then the +1,000 corrected to +100.
    # Before: P03 stood at -900.00 disbursed, exit 0.
    first = _one(
        db,
        tmp_path,
        "a.csv",
        [DISB_HEADERS, ["D1", "P03", "13/03/2562", "1,000.00", CUR], ["R1", "P03", "14/03/2562", "-1,000.00", CUR]],
    )
    assert (first.rows_inserted, first.rows_rejected) == (2, 0)
    fix = _one(db, tmp_path, "b.csv", [DISB_HEADERS, ["D1", "P03", "13/03/2562", "100.00", CUR]])
    assert _disbursed(db, "P03") == Decimal("100.00")  # 100 paid; the -1,000 reversal waits
    assert (fix.rows_updated, fix.rows_rejected, fix.rows_withdrawn) == (1, 0, 1)
    assert query(db, "SELECT doc_no, amount, reason_code FROM held_disbursements") == [
        ("R1", Decimal("-1000.00"), "reversal_below_zero")
    ]
    # The reject is recorded under the correcting load and names the reversal's own file and row.
    assert query(db, "SELECT load_id, file_name, row_number, record_key, reason_code FROM rejects") == [
        (fix.load_id, "a.csv", 3, "R1", "reversal_below_zero")
    ]
    # A payment that covers it again brings the reversal back.
    more = _one(db, tmp_path, "c.csv", [DISB_HEADERS, ["D2", "P03", "13/03/2562", "900.00", CUR]])
    assert (more.rows_inserted, more.rows_released) == (1, 1)
    assert _disbursed(db, "P03") == Decimal("0.00")  # 100 + 900 - 1,000
    assert query(db, "SELECT resolved_by_load_id FROM rejects") == [(more.load_id,)]
    assert scalar(db, "SELECT count(*) FROM held_disbursements") == 0


def test_a_reversal_loaded_before_its_payment_waits_for_it(db, tmp_path):
    # Before: the reversal was rejected for good, and the payment alone stood at 1,000.
    early = _one(db, tmp_path, "reversal.csv", [DISB_HEADERS, ["R1", "P02", "20/03/2562", "-400.00", CUR]])
    assert (early.rows_inserted, early.rows_rejected) == (0, 1)
    late = _one(db, tmp_path, "payment.csv", [DISB_HEADERS, ["D1", "P02", "10/03/2562", "1,000.00", CUR]])
    assert _disbursed(db, "P02") == Decimal("600.00")
    assert (late.rows_inserted, late.rows_released) == (1, 1)
    assert query(db, "SELECT reason_code, resolved_by_load_id FROM rejects") == [("reversal_below_zero", late.load_id)]
    assert query(db, "SELECT rows_released FROM loads WHERE load_id = ?", [late.load_id]) == [(1,)]


def test_a_payment_and_its_reversal_on_the_same_day_in_either_row_order(db, tmp_path):
    rows = [DISB_HEADERS, ["R1", "P02", "20/03/2562", "-400.00", CUR], ["D1", "P02", "20/03/2562", "400.00", CUR]]
    result = _one(db, tmp_path, "d.csv", rows)
    assert (result.rows_inserted, result.rows_rejected) == (2, 0)
    assert _disbursed(db, "P02") == 0


# --------------------------------------------------------------------------- transfers


P02_MAY = [DISB_HEADERS, ["M1", "P02", "15/05/2562", "100,000.00", CUR]]
P02_AUG = [DISB_HEADERS, ["A1", "P02", "15/08/2562", "300,000.00", CUR]]
# P02: allocation 500,000, no contract. On 1 Jun 2019 100,000 is paid: free 400,000, so T1
# (350,000) fits; T2 (60,000) on 2 Jun does not (free 50,000 after T1).
TRANSFERS = [
    REALLOC_HEADERS,
    ["T1", "01/06/2562", "P02", "P03", "350,000", "โอนเปลี่ยนแปลง", ""],
    ["T2", "02/06/2562", "P02", "P03", "60,000", "โอนเปลี่ยนแปลง", ""],
]


@pytest.mark.parametrize(
    "order", [("may", "transfers", "aug"), ("may", "aug", "transfers"), ("transfers", "aug", "may")]
)
def test_a_transfer_is_judged_on_its_own_date_whatever_the_load_order(tmp_path, order):
    # Before: loaded with the May file T1 was accepted; loaded after the August payment
    # (whole-year disbursed 400,000, free 100,000) it was rejected.
    db = tmp_path / "b.duckdb"
    load_files([write_projects(tmp_path)], db_path=db)
    files = {"may": ("may.csv", P02_MAY), "aug": ("aug.csv", P02_AUG), "transfers": ("t.csv", TRANSFERS)}
    for step in order:
        _one(db, tmp_path, *files[step])
    assert query(db, "SELECT ref_no, amount FROM reallocations") == [("T1", Decimal("350000.00"))]
    assert query(db, "SELECT ref_no, reason_code FROM held_reallocations") == [("T2", "exceeds_free_balance")]
    assert query(
        db, "SELECT DISTINCT file_name, row_number, reason_code FROM rejects WHERE resolved_by_load_id IS NULL"
    ) == [("t.csv", 3, "exceeds_free_balance")]


def test_payments_dated_before_a_transfer_can_hold_it_back_later(db, tmp_path):
    # T1 fits with nothing paid (free 500,000); then 200,000 paid on 1 Apr leaves 300,000 free
    # on 1 Jun: T1 (350,000) now exceeds it, and waits.
    transfer = _one(db, tmp_path, "t.csv", TRANSFERS[:2])
    assert transfer.rows_inserted == 1
    paid = _one(db, tmp_path, "d.csv", [DISB_HEADERS, ["P1", "P02", "01/04/2562", "200,000.00", CUR]])
    assert scalar(db, "SELECT count(*) FROM reallocations") == 0
    assert (paid.rows_inserted, paid.rows_withdrawn) == (1, 1)
    assert query(db, "SELECT load_id, file_name, row_number, record_key, reason_code FROM rejects") == [
        (paid.load_id, "t.csv", 2, "T1", "exceeds_free_balance")
    ]


def test_a_transfer_from_a_project_to_itself_is_rejected(db, tmp_path):
    # Before: stored (moving nothing, but counted as 50,000 in and out of P02).
    result = _one(
        db,
        tmp_path,
        "t.csv",
        [
            REALLOC_HEADERS,
            ["S1", "01/06/2562", "P02", "P02", "50,000", "เงินเหลือจ่าย", ""],
            ["S2", "01/06/2562", "P02", "P03", "50,000", "เงินเหลือจ่าย", ""],
        ],
    )
    assert query(db, "SELECT row_number, column_name, reason_code FROM rejects") == [
        (2, "โอนไปโครงการ", "same_project")
    ]
    assert query(db, "SELECT ref_no FROM reallocations") == [("S2",)]
    assert result.rows_rejected == 1


# --------------------------------------------------------------------------- other tables


def test_rows_for_a_project_loaded_later_wait_for_it(tmp_path):
    # Before: the payment was rejected unknown_project for good when its file came first.
    db = tmp_path / "b.duckdb"
    early = _one(db, tmp_path, "d.csv", [DISB_HEADERS, ["D1", "P01", "13/03/2562", "5,000.00", CUR]])
    assert early.rows_rejected == 1
    [projects] = load_files([write_projects(tmp_path)], db_path=db)
    assert query(db, "SELECT doc_no, amount FROM disbursements") == [("D1", Decimal("5000.00"))]
    assert projects.rows_released == 1
    assert query(db, "SELECT reason_code, resolved_by_load_id FROM rejects") == [("unknown_project", projects.load_id)]


def test_a_carry_over_payment_waits_for_its_carry_over_deadline(db, tmp_path):
    # Paid 30 Jun 2020: after the default deadline (31 Mar 2020), within P01's own (30 Jun 2020).
    pay = _one(db, tmp_path, "c.csv", [DISB_HEADERS, ["C1", "P01", "30/06/2563", "5,000.00", CARRY]])
    assert pay.rows_rejected == 1
    carry = _one(db, tmp_path, "co.csv", [CARRY_HEADERS, ["P01", "200,000", "มี", "25/09/2562", "30/06/2563", ""]])
    assert query(db, "SELECT doc_no FROM disbursements") == [("C1",)]
    assert carry.rows_released == 1


# --------------------------------------------------------------------------- any order, any grouping


def _signature(db: Path) -> dict:
    """Everything a load leaves that must not depend on the order: every row of every table
    and held table (with the file it came from instead of the load number), and the rejects
    that still hold (file, row, column, reason, key)."""
    out = {}
    existing = {name for (name,) in query(db, "SELECT table_name FROM information_schema.tables")}
    for table in (*DATA_TABLES, *HELD_TABLES):
        if table in existing:  # (held tables are new: so this test also runs on the code before them)
            out[table] = query(
                db,
                f"SELECT x.* EXCLUDE (load_id), l.file_name FROM {table} x "
                "LEFT JOIN loads l ON l.load_id = x.load_id ORDER BY ALL",
            )
    columns = {
        name for (name,) in query(db, "SELECT column_name FROM information_schema.columns WHERE table_name = 'rejects'")
    }
    still = "WHERE resolved_by_load_id IS NULL" if "resolved_by_load_id" in columns else ""
    out["rejects"] = sorted(
        set(query(db, f"SELECT file_name, row_number, column_name, reason_code FROM rejects {still}"))
    )
    return out


def _load_in_runs(folder: Path, runs: list[list[Path]]) -> dict:
    db = folder / f"store-{random.random():.12f}.duckdb"
    for files in runs:
        load_files(files, db_path=db)
    return _signature(db)


# A file set with every kind of dependency: payments before their project, a reversal before
# its payment, a carry-over payment before its carry-over, transfers before the payments that
# decide their free balance, one reversal that never fits and one transfer that never fits.
FILE_SET = {
    "projects.csv": [PROJECT_HEADERS, *PROJECT_ROWS],
    "d_q2.csv": [
        DISB_HEADERS,
        ["D1", "P02", "15/01/2562", "100,000.00", CUR],
        ["R1", "P03", "20/02/2562", "-5,000.00", CUR],
        ["R9", "P03", "01/01/2562", "-1.00", CUR],
    ],
    "d_q3.csv": [
        DISB_HEADERS,
        ["D2", "P03", "10/02/2562", "20,000.00", CUR],
        ["D3", "P02", "15/08/2562", "300,000.00", CUR],
        ["C1", "P01", "30/06/2563", "7,000.00", CARRY],
    ],
    "carry.csv": [CARRY_HEADERS, ["P01", "200,000", "มี", "25/09/2562", "30/06/2563", ""]],
    "t.csv": TRANSFERS,
}


def test_every_order_and_grouping_of_one_file_set_gives_the_same_store(tmp_path):
    files = {name: write_csv(tmp_path / name, rows) for name, rows in FILE_SET.items()}
    names = list(files)
    reference = _load_in_runs(tmp_path, [[files[n] for n in names]])
    shuffled = names[:]
    random.Random(7).shuffle(shuffled)
    arrangements = {
        "one run, files given in reverse": [[files[n] for n in reversed(names)]],
        "file by file": [[files[n]] for n in names],
        "file by file, reversed (projects last)": [[files[n]] for n in reversed(names)],
        "shuffled, two runs": [[files[n] for n in shuffled[:2]], [files[n] for n in shuffled[2:]]],
    }
    for name, runs in arrangements.items():
        assert _load_in_runs(tmp_path, runs) == reference, name
    # And what that state is, by hand: D1 100,000 (P02), D2 20,000 and R1 -5,000 (P03); R9
    # (-1 before any P03 payment) waits; C1 fits P01's own carry-over deadline; T1 fits P02's
    # free balance on 1 Jun (500,000 - 100,000 paid), T2 does not (50,000 left).
    assert [r[0] for r in reference["disbursements"]] == ["C1", "D1", "D2", "D3", "R1"]
    assert [(r[0], r[6]) for r in reference["held_disbursements"]] == [("R9", "reversal_below_zero")]
    assert [r[0] for r in reference["reallocations"]] == ["T1"]
    assert [(r[0], r[8]) for r in reference["held_reallocations"]] == [("T2", "exceeds_free_balance")]
    assert reference["rejects"] == [
        ("d_q2.csv", 4, "จำนวนเงิน", "reversal_below_zero"),
        ("t.csv", 3, "จำนวนเงิน", "exceeds_free_balance"),
    ]


PROJECTS = ["P01", "P02", "P03"]
days = st.integers(min_value=0, max_value=364).map(
    lambda n: f"{(n % 28) + 1:02d}/{(n // 28) % 12 + 1:02d}/{2561 + ((n // 28) % 12 + 1 < 10)}"
)


@st.composite
def file_sets(draw):
    """Projects, 1-3 disbursement files, a carry-over file and 1-2 transfer files whose keys
    each appear once (so the last-load-wins rule for re-sent keys plays no part)."""
    payments = []
    for i in range(draw(st.integers(2, 10))):
        negative = draw(st.integers(0, 3)) == 0
        amount = draw(st.integers(1, 300_000)) * (-1 if negative else 1)
        carry = draw(st.integers(0, 6)) == 0
        day = draw(st.sampled_from(["15/11/2562", "30/03/2563", "15/06/2563"])) if carry else draw(days)
        project = draw(st.sampled_from([*PROJECTS, "P09"]))
        payments.append([f"D{i}", project, day, f"{amount:,}.00", CARRY if carry else CUR])
    transfers = []
    for i in range(draw(st.integers(0, 5))):
        source, target = draw(st.sampled_from([(a, b) for a in [*PROJECTS, ""] for b in [*PROJECTS, ""] if a != b]))
        transfers.append(
            [f"T{i}", draw(days), source, target, f"{draw(st.integers(1, 400_000)):,}", "โอนเปลี่ยนแปลง", ""]
        )
    carry_rows = [["P01", "200,000", "มี", "25/09/2562", draw(st.sampled_from(["31/05/2563", "30/06/2563"])), ""]]
    cut = sorted(draw(st.lists(st.integers(0, len(payments)), min_size=0, max_size=2)))
    pieces = [payments[a:b] for a, b in zip([0, *cut], [*cut, len(payments)], strict=True)]
    files = {"projects.csv": [PROJECT_HEADERS, *PROJECT_ROWS], "carry.csv": [CARRY_HEADERS, *carry_rows]}
    for i, piece in enumerate(pieces):
        if piece:
            files[f"d{i}.csv"] = [DISB_HEADERS, *piece]
    half = draw(st.integers(0, len(transfers)))
    for i, piece in enumerate((transfers[:half], transfers[half:])):
        if piece:
            files[f"t{i}.csv"] = [REALLOC_HEADERS, *piece]
    return files, draw(st.randoms(use_true_random=False))


def _written_out(payments: list[list[list[str]]], transfers: list[list[list[str]]]) -> dict:
    """A file set as `file_sets` draws it: projects, the carry-over of P01 to 30 Jun 2020, then the payment
    files d0.. and the transfer files t0.. (rows: key, project or from/to, day, amount, source)."""
    files = {
        "projects.csv": [PROJECT_HEADERS, *PROJECT_ROWS],
        "carry.csv": [CARRY_HEADERS, ["P01", "200,000", "มี", "25/09/2562", "30/06/2563", ""]],
    }
    for i, rows in enumerate(payments):
        files[f"d{i}.csv"] = [
            DISB_HEADERS,
            *[[key, project, day, amount, CARRY if carry else CUR] for key, project, day, amount, carry in rows],
        ]
    for i, rows in enumerate(transfers):
        files[f"t{i}.csv"] = [REALLOC_HEADERS, *[[*row, "โอนเปลี่ยนแปลง", ""] for row in rows]]
    return files


# Two file sets `file_sets` drew, written out. Of 24 drawn sets (each loaded as the test below does, under
# coverage.py, docs/benchmarks.md "Test suite time, part 17"), these two, loaded in random.Random(11)'s and
# random.Random(7)'s orders, ran together every line and branch of etl/ that any of the 24 ran; 87% of those
# branches ran in every set. The first has a transfer over its source's free balance (P01: 200,000 free after
# its contract; 1 set in 24 drew one) and a transfer to no project; the second a transfer from no project, a
# reversal for an unknown project and three payment files.
DRAWN_11 = _written_out(
    [
        [("D0", "P02", "15/11/2562", "-52.00", True)],
        [
            ("D1", "P09", "01/01/2562", "9,312.00", False),
            ("D2", "P03", "03/02/2562", "1,515.00", False),
            ("D3", "P01", "13/02/2562", "3,858.00", False),
            ("D4", "P09", "01/08/2562", "426.00", False),
            ("D5", "P01", "15/06/2563", "-2,859.00", True),
            ("D6", "P09", "25/07/2562", "34,882.00", False),
            ("D7", "P09", "01/02/2562", "557.00", False),
            ("D8", "P01", "24/09/2562", "293.00", False),
        ],
    ],
    [
        [["T0", "14/08/2562", "P02", "P03", "1"]],
        [["T1", "10/05/2562", "P02", "", "51,896"], ["T2", "01/01/2562", "P01", "P02", "213,472"]],
    ],
)
DRAWN_7 = _written_out(
    [
        [
            ("D0", "P09", "16/05/2562", "85,999.00", False),
            ("D1", "P01", "02/03/2562", "224.00", False),
            ("D2", "P09", "26/07/2562", "27,250.00", False),
        ],
        [
            ("D3", "P03", "18/07/2562", "730.00", False),
            ("D4", "P01", "05/07/2562", "2,373.00", False),
            ("D5", "P03", "01/08/2562", "10,833.00", False),
        ],
        [("D6", "P09", "27/04/2562", "-300,000.00", False)],
    ],
    [
        [["T0", "18/07/2562", "P01", "", "97,214"], ["T1", "17/04/2562", "", "P02", "131,072"]],
        [["T2", "04/12/2561", "P01", "P03", "342"]],
    ],
)


# One drawn set a run (each about 8 loads of 0.5 CPU-s), besides the two written out above (was 5 drawn).
@settings(
    max_examples=1,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(file_sets())
@example((DRAWN_11, random.Random(11)))
@example((DRAWN_7, random.Random(7)))
def test_random_orders_and_groupings_of_a_file_set_give_the_same_store(tmp_path_factory, case):
    contents, rng = case
    folder = tmp_path_factory.mktemp("orders")
    files = [write_csv(folder / name, rows) for name, rows in contents.items()]
    reference = _load_in_runs(folder, [files])
    for _ in range(2):
        order = files[:]
        rng.shuffle(order)
        cuts = sorted(rng.sample(range(1, len(order)), rng.randint(0, len(order) - 1)))
        runs = [order[a:b] for a, b in zip([0, *cuts], [*cuts, len(order)], strict=True)]
        assert _load_in_runs(folder, runs) == reference, [[p.name for p in run] for run in runs]


def test_a_version_3_store_upgrades_and_keeps_its_rows(tmp_path):
    """A store written before the state rules (schema v3: no held tables, no source_row, no
    rejects.record_key): `etl status` and `etl rejects` read it as it is, and the next load
    upgrades it, keeps its rows and applies the rules to them."""
    import subprocess
    import sys

    import duckdb

    db = tmp_path / "old.duckdb"
    load_files([write_projects(tmp_path)], db_path=db)
    _one(
        db,
        tmp_path,
        "a.csv",
        [
            DISB_HEADERS,
            ["D1", "P03", "13/03/2562", "1,000.00", CUR],
            ["R1", "P03", "14/03/2562", "-1,000.00", CUR],
            ["X", "P99", "14/03/2562", "1", CUR],
        ],
    )
    con = duckdb.connect(str(db))
    for table in HELD_TABLES:
        con.execute(f"DROP TABLE {table}")
    for table in DATA_TABLES[1:]:
        con.execute(f"ALTER TABLE {table} DROP COLUMN source_row")
    for column in ("rows_released", "rows_withdrawn"):
        con.execute(f"ALTER TABLE loads DROP COLUMN {column}")
    for column in ("kind", "record_key", "resolved_by_load_id"):
        con.execute(f"ALTER TABLE rejects DROP COLUMN {column}")
    con.execute("DELETE FROM schema_info")
    con.execute("INSERT INTO schema_info VALUES (3, now())")
    con.close()
    root = Path(__file__).resolve().parents[1]
    for command in ("status", "rejects"):
        done = subprocess.run(
            [sys.executable, "-m", "etl", "--db", str(db), command],
            capture_output=True,
            text=True,
            cwd=root,
            check=False,
        )
        assert done.returncode == 0, done.stdout + done.stderr
    fix = _one(db, tmp_path, "b.csv", [DISB_HEADERS, ["D1", "P03", "13/03/2562", "100.00", CUR]])
    assert query(db, "SELECT max(version) FROM schema_info") == [(4,)]
    assert _disbursed(db, "P03") == Decimal("100.00")
    assert fix.rows_withdrawn == 1
    assert query(db, "SELECT doc_no, source_row, reason_code FROM held_disbursements") == [
        ("R1", None, "reversal_below_zero")
    ]
