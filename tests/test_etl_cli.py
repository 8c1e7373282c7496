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
from tests.etl_fixtures import DISB_HEADERS, fixture_projects_db, query, scalar, write_csv, write_projects

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


# The heavy libraries a command could import; which of them a `python -m etl` run had loaded when it ended.
_HEAVY = ("pandas", "sqlalchemy", "duckdb", "alembic", "pyarrow")
_IMPORTED = (
    "import sys, etl.__main__ as entry\n"
    "try:\n    entry.main()\n"
    "except SystemExit as done:\n"
    f"    print('IMPORTED', sorted(m for m in {_HEAVY!r} if m in sys.modules), done.code, file=sys.stderr)\n"
)


@pytest.mark.parametrize(
    ("args", "code", "imported"),
    [
        (["--help"], 0, []),
        (["load", "--kind", "nope", "missing.csv"], 2, []),  # a bad option is refused before any import
        (["users", "--help"], 0, []),
        (["status"], 0, ["duckdb"]),  # reads the store with duckdb alone
        (["rejects", "--limit", "1"], 0, ["duckdb"]),
    ],
)
def test_commands_that_need_no_pandas_start_without_it(demo_db, args, code, imported):
    """`python -m etl` imports what a command uses (docs/benchmarks.md, "Test suite time, part 5"): help,
    option errors, status and rejects start without pandas and SQLAlchemy (about 0.6 CPU-s each)."""
    done = subprocess.run(
        [sys.executable, "-c", _IMPORTED, *args],
        cwd=ROOT,
        env={**os.environ, "BUDGET_DB": str(demo_db)},
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    [line] = [line for line in done.stderr.splitlines() if line.startswith("IMPORTED")]
    assert line == f"IMPORTED {imported!r} {code}", done.stdout + done.stderr


def test_a_csv_load_reads_the_reference_files_only_when_they_changed(tmp_path, monkeypatch):
    """A CSV loaded into a store whose reference tables are current starts without pandas and pyarrow
    (etl/reference.py keeps the tables; docs/benchmarks.md, "Test suite time, part 8"); after a
    reference file is edited, the next load reads the files again and the table holds the edit."""
    import shutil
    import tomllib

    reference = tmp_path / "reference"
    shutil.copytree(ROOT / "data" / "reference", reference)
    monkeypatch.setenv("BUDGET_REFERENCE", str(reference))
    db = fixture_projects_db(tmp_path)
    env = {**os.environ, "BUDGET_DB": str(db)}

    def load(name: str, doc: str) -> str:
        one = write_csv(tmp_path / name, [DISB_HEADERS, [doc, "P01", "13/09/2562", "100.00", "current"]])
        done = subprocess.run(
            [sys.executable, "-c", _IMPORTED, "load", str(one)],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=False,
            timeout=300,
        )
        [line] = [line for line in done.stderr.splitlines() if line.startswith("IMPORTED")]
        return line

    assert load("d1.csv", "0000000001") == "IMPORTED ['duckdb'] 0"
    with open(reference / "thresholds.toml", "rb") as handle:
        idle = tomllib.load(handle)["idle_weeks"]["value"]
    text = (reference / "thresholds.toml").read_text(encoding="utf-8")
    (reference / "thresholds.toml").write_text(
        text.replace(f"[idle_weeks]\nvalue = {idle}\n", f"[idle_weeks]\nvalue = {idle + 1}\n"), encoding="utf-8"
    )
    line = load("d2.csv", "0000000002")
    assert "'pandas'" in line and line.endswith(" 0"), line
    assert scalar(db, "SELECT value FROM thresholds WHERE name = 'idle_weeks'") == idle + 1
    assert scalar(db, "SELECT count(*) FROM disbursements") == 2


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


def _literal_totals(path: Path) -> dict:
    """A totals.repr of tests/conftest.py (the generator's totals, Decimal as text) read back."""
    import ast

    return ast.literal_eval(path.read_text().replace("Decimal(", "("))


def test_demo_generates_and_loads(demo_years_db, demo_db):
    """`python -m etl demo` (the session's `demo_years_db`, run as a subprocess with the default seed
    2562) holds FY2561-FY2563, and its FY2562 is what write_demo_files of the same seed generates
    (the session's `demo_db` kept those totals)."""
    import json

    db = demo_years_db
    done = json.loads((db.parent / "etl_demo.json").read_text(encoding="utf-8"))
    assert done["returncode"] in (0, 1), done["stdout"] + done["stderr"]  # the demo has deliberate rejects
    totals = _literal_totals(demo_db.parent / "totals.repr")  # write_demo_files(seed=2562)
    assert [row[0] for row in query(db, "SELECT DISTINCT fiscal_year FROM projects ORDER BY 1")] == [2561, 2562, 2563]
    assert scalar(db, "SELECT count(*) FROM projects WHERE fiscal_year = 2562") == totals["projects"]
    allocated = scalar(db, "SELECT sum(allocated_amount) FROM projects WHERE fiscal_year = 2562")
    assert allocated == Decimal(totals["allocated_total"])
    disbursed = dict(
        query(
            db,
            "SELECT source, sum(amount) FROM disbursements JOIN projects USING (project_code) "
            "WHERE fiscal_year = 2562 GROUP BY source",
        )
    )
    assert disbursed["current"] == Decimal(totals["disbursed_current_total"])
    assert disbursed.get("carryover", Decimal(0)) == Decimal(totals["disbursed_carryover_total"])
    assert scalar(db, "SELECT count(*) FROM loads WHERE status = 'refused'") == 0


def test_demo_options_choose_the_seed_the_folder_and_the_database(tmp_path, demo_db):
    """`demo --seed 7 --out X` writes the three years of seed 7 into X (its FY2562 byte for byte
    what write_demo_files(seed=7) writes, not the default seed's), then loads into the --db given:
    here a directory, which cannot be written, so it stops with exit 3 and one line naming it (the
    loading itself is checked on the session's demo above, so the three years are not loaded twice)."""
    from etl.demo_data import write_demo_files

    not_a_file = tmp_path / "a-directory.duckdb"
    not_a_file.mkdir()
    out = tmp_path / "demo"
    result = run("--db", str(not_a_file), "demo", "--seed", "7", "--out", str(out))
    assert result.exit_code == 3, result.output
    assert "cannot write the database" in result.output and str(not_a_file) in result.output
    assert "Traceback" not in result.output
    assert sorted(path.name for path in out.iterdir()) == ["2561", "2562", "2563"]
    totals = write_demo_files(tmp_path / "again", 7)  # same seed -> same FY2562 files and totals
    assert sorted(path.name for path in (out / "2562").iterdir()) == sorted(totals["files"])
    for name in totals["files"]:
        assert (out / "2562" / name).read_bytes() == (tmp_path / "again" / name).read_bytes(), name
    default = _literal_totals(demo_db.parent / "totals.repr")  # write_demo_files(seed=2562)
    assert Decimal(totals["allocated_total"]) != Decimal(default["allocated_total"])
    # no store was written anywhere (the --db given is the only one the command used)
    assert [path for path in tmp_path.rglob("*.duckdb") if path.is_file()] == []
