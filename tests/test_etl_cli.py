"""The command line: python -m etl load|demo|status|rejects, exit codes, help, errors."""

from __future__ import annotations

import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from etl.cli import app
from tests.etl_fixtures import DISB_HEADERS, query, scalar, write_csv, write_projects

ROOT = Path(__file__).resolve().parents[1]
runner = CliRunner()


def run(*args: str):
    return runner.invoke(app, list(args))


@pytest.fixture()
def files(tmp_path) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    write_projects(folder)
    return folder


@pytest.mark.parametrize("command", [[], ["load"], ["demo"], ["status"], ["rejects"]])
def test_help_on_every_command(command):
    result = run(*command, "--help")
    assert result.exit_code == 0
    assert "Usage" in result.output
    assert any("\u0e00" <= ch <= "\u0e7f" for ch in result.output)  # Thai help text too


def test_load_exit_codes_and_summary(tmp_path, files):
    db = tmp_path / "b.duckdb"
    result = run("--db", str(db), "load", str(files))
    assert result.exit_code == 0, result.output
    assert "projects.csv" in result.output and "load summary" in result.output
    bad = write_csv(
        tmp_path / "d.csv",
        [DISB_HEADERS, ["D1", "P01", "13/09/2562", "5", "current"], ["D2", "P01", "xx", "5", "current"]],
    )
    result = run("--db", str(db), "load", str(bad))
    assert result.exit_code == 1, result.output
    refused = write_csv(tmp_path / "r.csv", [["เลขที่เอกสาร", "รหัสโครงการ"], ["D9", "P01"]])
    result = run("--db", str(db), "load", str(refused))
    assert result.exit_code == 2
    assert "posting_date" in result.output and "amount" in result.output


def test_load_with_kind_option(tmp_path, files):
    db = tmp_path / "b.duckdb"
    assert run("--db", str(db), "load", "--kind", "projects", str(files / "projects.csv")).exit_code == 0
    result = run("--db", str(db), "load", "--kind", "nonsense", str(files))
    assert result.exit_code == 2 and "nonsense" in result.output


def test_missing_file_is_one_clear_message(tmp_path):
    result = run("--db", str(tmp_path / "b.duckdb"), "load", str(tmp_path / "nope.csv"))
    assert result.exit_code == 2
    assert "nope.csv" in result.output and "Traceback" not in result.output


def test_status_and_quiet(tmp_path, files):
    db = tmp_path / "b.duckdb"
    assert run("--db", str(db), "status", "--quiet").exit_code == 1  # no database yet
    result = run("--db", str(db), "status")
    assert result.exit_code == 1 and "Traceback" not in result.output
    run("--db", str(db), "load", str(files))
    quiet = run("--db", str(db), "status", "--quiet")
    assert (quiet.exit_code, quiet.output) == (0, "")
    result = run("--db", str(db), "status")
    assert result.exit_code == 0
    assert "projects" in result.output and "rejects" in result.output


def test_status_quiet_on_empty_projects(tmp_path):
    db = tmp_path / "b.duckdb"
    refused = write_csv(tmp_path / "x.csv", [["a", "b"], ["1", "2"]])
    run("--db", str(db), "load", str(refused))
    assert db.exists()
    assert run("--db", str(db), "status", "--quiet").exit_code == 1


def test_rejects_listing_and_filter(tmp_path, files):
    db = tmp_path / "b.duckdb"
    run("--db", str(db), "load", str(files))
    bad = write_csv(
        tmp_path / "d.csv",
        [DISB_HEADERS, ["D1", "P01", "xx", "5", "current"], ["D2", "P77", "13/09/2562", "5", "current"]],
    )
    run("--db", str(db), "load", str(bad))
    load_id = scalar(db, "SELECT max(load_id) FROM loads")
    result = run("--db", str(db), "rejects", "--load-id", str(load_id))
    assert result.exit_code == 0
    assert "bad_date" in result.output and "unknown_project" in result.output
    assert "P77" in result.output
    limited = run("--db", str(db), "rejects", "--limit", "1")
    assert "(1 of 2)" in limited.output
    empty = run("--db", str(db), "rejects", "--load-id", "999")
    assert "(0 of 0)" in empty.output


def test_python_dash_m_etl_with_env_database(tmp_path, files):
    db = tmp_path / "env.duckdb"
    env = {**os.environ, "BUDGET_DB": str(db)}
    done = subprocess.run(
        [sys.executable, "-m", "etl", "load", str(files)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert scalar(db, "SELECT count(*) FROM projects") == 3
    quiet = subprocess.run([sys.executable, "-m", "etl", "status", "--quiet"], cwd=ROOT, env=env, check=False)
    assert quiet.returncode == 0


def test_demo_generates_and_loads(tmp_path):
    db = tmp_path / "demo.duckdb"
    out = tmp_path / "demo"
    result = run("--db", str(db), "demo", "--seed", "7", "--out", str(out))
    assert result.exit_code in (0, 1), result.output  # the demo has deliberate rejects
    from etl.demo_data import write_demo_files

    totals = write_demo_files(tmp_path / "again", 7)  # same seed -> same FY2562 files and totals
    # the demo holds FY2561-FY2563; its FY2562 is write_demo_files of the same seed
    assert [row[0] for row in query(db, "SELECT DISTINCT fiscal_year FROM projects ORDER BY 1")] == [2561, 2562, 2563]
    assert scalar(db, "SELECT count(*) FROM projects WHERE fiscal_year = 2562") == totals["projects"]
    allocated = scalar(db, "SELECT sum(allocated_amount) FROM projects WHERE fiscal_year = 2562")
    assert allocated == totals["allocated_total"]
    disbursed = dict(
        query(
            db,
            "SELECT source, sum(amount) FROM disbursements JOIN projects USING (project_code) "
            "WHERE fiscal_year = 2562 GROUP BY source",
        )
    )
    assert disbursed["current"] == totals["disbursed_current_total"]
    assert disbursed.get("carryover", Decimal(0)) == totals["disbursed_carryover_total"]
    assert scalar(db, "SELECT count(*) FROM loads WHERE status = 'refused'") == 0
