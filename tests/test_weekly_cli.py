"""`python -m etl snapshot` and `python -m etl export`: exit codes, log lines, files, input forms."""

from __future__ import annotations

from datetime import date

import duckdb
import pytest
from typer.testing import CliRunner

from etl.cli import app
from etl.weekly_commands import parse_as_of, resolve_cluster, resolve_province

runner = CliRunner()


def run(db, *args):
    return runner.invoke(app, ["--db", str(db), *args])


@pytest.fixture()
def db(demo_db_copy, monkeypatch):
    monkeypatch.setenv("BUDGET_DB", str(demo_db_copy))  # restored after the test
    return demo_db_copy


def test_dates_in_iso_and_buddhist_era():
    assert parse_as_of("2019-09-13") == date(2019, 9, 13)
    assert parse_as_of("13/9/2562") == date(2019, 9, 13)
    assert parse_as_of("13/09/2019") == date(2019, 9, 13)
    assert parse_as_of("๑๓/๙/๒๕๖๒") == date(2019, 9, 13)
    with pytest.raises(ValueError):
        parse_as_of("31/2/2562")


def test_areas_by_code_or_name(demo_db):
    assert resolve_province("50") == resolve_province("เชียงใหม่") == "50"
    assert resolve_province("จังหวัดเชียงใหม่") == resolve_province("chiang mai") == "50"
    assert resolve_cluster("c01") == resolve_cluster("Upper North 1") == "C01"
    assert resolve_cluster("กลุ่มจังหวัดภาคเหนือตอนบน 1") == resolve_cluster("ภาคเหนือตอนบน 1") == "C01"


def test_snapshot_exit_codes_and_list(db):
    first = run(db, "snapshot", "--as-of", "13/9/2562")
    assert first.exit_code == 0, first.output
    assert "snapshot: done: snapshot 1 as of 2019-09-13" in first.output

    again = run(db, "snapshot", "--as-of", "2019-09-13")
    assert again.exit_code == 2
    assert "--replace" in again.output

    replaced = run(db, "snapshot", "--as-of", "2019-09-13", "--replace")
    assert replaced.exit_code == 0, replaced.output
    assert "replaced snapshot 1" in replaced.output

    listed = run(db, "snapshot", "--list")
    assert listed.exit_code == 0
    assert "replaced" in listed.output and "current" in listed.output

    con = duckdb.connect(str(db), read_only=True)
    try:
        assert con.execute("SELECT snapshot_id, status, replaces_snapshot_id FROM snapshots ORDER BY 1").fetchall() == [
            (1, "replaced", None),
            (2, "current", 1),
        ]
    finally:
        con.close()


def test_snapshot_default_date_is_the_latest_friday_with_data(db):
    result = run(db, "snapshot")
    assert result.exit_code == 0, result.output
    con = duckdb.connect(str(db), read_only=True)
    try:
        latest = con.execute(
            "SELECT max(posting_date) FROM disbursements WHERE posting_date <= DATE '2019-09-30'"
        ).fetchone()[0]
        as_of = con.execute("SELECT as_of FROM snapshots").fetchone()[0]
    finally:
        con.close()
    assert as_of.weekday() == 4 and 0 <= (latest - as_of).days < 7


def test_snapshot_bad_input_and_missing_database(db, tmp_path):
    assert run(db, "snapshot", "--as-of", "32/9/2562").exit_code == 2
    assert run(db, "snapshot", "--as-of", "2020-01-10").exit_code == 2  # outside FY2562
    assert run(db, "snapshot", "--fiscal-year", "2570").exit_code == 1  # no data for that year
    assert run(tmp_path / "none.duckdb", "snapshot").exit_code == 1


def test_export_writes_named_files_with_one_log_line_per_step(db, tmp_path):
    out = tmp_path / "out"
    result = run(
        db,
        "export",
        "--as-of",
        "13/9/2562",
        "--format",
        "xlsx",
        "--format",
        "csv",
        "--province",
        "เชียงใหม่",
        "--out",
        str(out),
    )
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in out.iterdir())
    assert "budget-2562-asof-2019-09-13-province-50.xlsx" in names
    assert "budget-2562-asof-2019-09-13-province-50-projects.csv" in names
    assert len(names) == 1 + 11
    lines = [line for line in result.output.splitlines() if " export: " in line]
    assert any("building tables" in line for line in lines)
    assert sum("wrote " in line for line in lines) == 1 + 11  # one line per file
    assert lines[-1].endswith("export: done")


def test_export_exit_codes(db, tmp_path):
    out = tmp_path / "out"
    assert run(db, "export", "--format", "docx", "--out", str(out)).exit_code == 2
    assert run(db, "export", "--province", "Atlantis", "--out", str(out)).exit_code == 2
    assert run(db, "export", "--province", "50", "--cluster", "C01", "--out", str(out)).exit_code == 2
    assert run(db, "export", "--as-of", "13-13-2562", "--out", str(out)).exit_code == 2
    assert run(tmp_path / "none.duckdb", "export", "--out", str(out)).exit_code == 1
    assert not out.exists() or list(out.iterdir()) == []


def test_export_failure_exits_3_and_leaves_nothing(db, tmp_path, monkeypatch):
    from exports import workbook

    def broken(*args, **kwargs):
        raise OSError("disk full (injected)")

    monkeypatch.setattr(workbook, "_write_sheet", broken)
    out = tmp_path / "out"
    result = run(db, "export", "--as-of", "2019-09-13", "--out", str(out))
    assert result.exit_code == 3
    assert "disk full" in result.output
    assert list(out.iterdir()) == []
