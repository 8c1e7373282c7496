"""Several fiscal years in one store: each record belongs to the fiscal year of its project's budget.

Small files written here (four projects, two of FY2562 and two of FY2563) are loaded through the
real ETL into real DuckDB files; every expected figure is computed by hand from the rows below.
What is shown: a projects file with rows of two years loads each into its own year, and so do
separate files (loaded together or one after the other, with the same result); a disbursements
file mixing the years is checked against each project's own year; a carry-over payment of an
FY2562 project posted in FY2563's months is FY2562's carry-over, never FY2563's execution; the
targets of a year come from data/reference/targets.csv and a year without them is detectable;
weekly snapshots are taken per year; the default year is the year in progress.
"""

from __future__ import annotations

import shutil
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from etl.cli import app
from etl.load import load_files
from tests.etl_fixtures import CARRY_HEADERS, DISB_HEADERS, REALLOC_HEADERS, query, scalar, write_csv

REFERENCE = Path(__file__).resolve().parents[1] / "data" / "reference"
HEADERS = [
    "รหัสโครงการ",
    "ปีงบประมาณ",
    "จังหวัด/กลุ่มจังหวัด",
    "ชื่อโครงการ",
    "ประเภทงบรายจ่าย",
    "หน่วยดำเนินการ",
    "งบประมาณที่ได้รับจัดสรร",
    "วงเงินตามสัญญา",
    "วันที่ลงนามสัญญา",
]
FY2562_PROJECTS = [
    ["A62", "2562", "จังหวัดเชียงใหม่", "ถนนลาดยาง", "งบลงทุน", "อบจ.เชียงใหม่", "1,000,000.00", "900,000.00", "15/01/2562"],
    ["B62", "2562", "จังหวัดลำพูน", "อบรมเกษตรกร", "งบดำเนินงาน", "สนง.เกษตร", "500,000.00", "", ""],
]
FY2563_PROJECTS = [
    ["A63", "2563", "จังหวัดเชียงใหม่", "ฝายชะลอน้ำ", "งบลงทุน", "อบจ.เชียงใหม่", "2,000,000.00", "1,800,000.00", "01/11/2562"],
    ["B63", "2563", "จังหวัดลำพูน", "ส่งเสริมการท่องเที่ยว", "งบดำเนินงาน", "สนง.ท่องเที่ยว", "400,000.00", "", ""],
]
CARRYOVERS = [["A62", "300,000.00", "มี", "20/09/2562", "31/03/2563", "ผู้รับจ้างส่งมอบงานไม่ทัน"]]
PAYMENTS = [
    ["D1", "A62", "15/03/2562", "400,000.00", "งบประมาณปีปัจจุบัน"],
    ["D2", "A62", "20/09/2562", "200,000.00", "งบประมาณปีปัจจุบัน"],
    ["D3", "B62", "10/01/2562", "450,000.00", "งบประมาณปีปัจจุบัน"],
    ["D4", "A62", "15/11/2562", "150,000.00", "เงินกันเหลื่อมปี"],  # FY2562's carry-over, paid in FY2563's months
    ["D5", "A63", "15/11/2562", "600,000.00", "งบประมาณปีปัจจุบัน"],
    ["D6", "B63", "20/12/2562", "100,000.00", "งบประมาณปีปัจจุบัน"],
    ["D7", "A62", "05/11/2562", "10,000.00", "งบประมาณปีปัจจุบัน"],  # FY2562 current money after its year: refused
    ["D8", "A63", "20/09/2562", "5,000.00", "งบประมาณปีปัจจุบัน"],  # FY2563 money before its year: refused
]
REALLOCATIONS = [
    ["R1", "15/10/2562", "B62", "A63", "50,000.00", "โอนเปลี่ยนแปลง", "ข้ามปี"],  # outside B62's year: refused
    ["R2", "15/01/2563", "B63", "A63", "20,000.00", "เงินเหลือจ่าย", "ภายในปี"],
]


def write_files(folder: Path, projects: list[list[str]], name: str = "projects.csv") -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    return [
        write_csv(folder / name, [HEADERS, *projects]),
        write_csv(folder / "carryovers.csv", [CARRY_HEADERS, *CARRYOVERS]),
        write_csv(folder / "disbursements.csv", [DISB_HEADERS, *PAYMENTS]),
        write_csv(folder / "reallocations.csv", [REALLOC_HEADERS, *REALLOCATIONS]),
    ]


@pytest.fixture(scope="module")
def two_years(tmp_path_factory) -> Path:
    """FY2562 and FY2563 projects in ONE projects file, loaded with the other files in one run."""
    folder = tmp_path_factory.mktemp("two_years")
    files = write_files(folder / "in", FY2562_PROJECTS + FY2563_PROJECTS)
    load_files(files, db_path=folder / "budget.duckdb")
    return folder / "budget.duckdb"


def test_a_projects_file_of_two_years_loads_each_into_its_own_year(two_years):
    assert query(two_years, "SELECT project_code, fiscal_year FROM projects ORDER BY 1") == [
        ("A62", 2562),
        ("A63", 2563),
        ("B62", 2562),
        ("B63", 2563),
    ]
    # every payment stays with its project's year; money outside that year's window is refused
    assert query(
        two_years,
        """SELECT p.fiscal_year, d.source, sum(d.amount) FROM disbursements d
                               JOIN projects p USING (project_code) GROUP BY 1, 2 ORDER BY 1, 2""",
    ) == [
        (2562, "carryover", Decimal("150000.00")),
        (2562, "current", Decimal("1050000.00")),
        (2563, "current", Decimal("700000.00")),
    ]
    refused = query(two_years, "SELECT bad_value, reason_code FROM rejects ORDER BY file_name, row_number")
    assert ("05/11/2562", "date_outside_window") in refused and ("20/09/2562", "date_outside_window") in refused
    assert query(two_years, "SELECT ref_no FROM reallocations") == [("R2",)]
    assert scalar(two_years, "SELECT count(*) FROM rejects WHERE file_name = 'reallocations.csv'") >= 1


def test_separate_files_loaded_apart_give_the_same_store(two_years, tmp_path):
    """FY2562's files loaded first, FY2563's projects a week later: FY2562 is left as it was, and the
    store ends up as the one-file load's."""
    store = tmp_path / "budget.duckdb"
    first = write_files(tmp_path / "fy2562", FY2562_PROJECTS)
    # the first run: FY2562 only (its payments and the carry-over; FY2563's rows wait for their projects)
    load_files([first[0], first[1]], db_path=store)
    write_csv(tmp_path / "fy2562" / "d62.csv", [DISB_HEADERS, *(row for row in PAYMENTS if row[1].endswith("62"))])
    load_files([tmp_path / "fy2562" / "d62.csv"], db_path=store)
    before = query(store, "SELECT * EXCLUDE (load_id) FROM projects ORDER BY 1")
    paid_before = query(store, "SELECT doc_no, amount FROM disbursements ORDER BY 1")
    # the second run: FY2563's projects in their own file, then every payment and reallocation again
    second = tmp_path / "fy2563"
    second.mkdir()
    write_csv(second / "projects_2563.csv", [HEADERS, *FY2563_PROJECTS])
    load_files([second / "projects_2563.csv"], db_path=store)
    assert query(store, "SELECT * EXCLUDE (load_id) FROM projects WHERE fiscal_year = 2562 ORDER BY 1") == before
    assert query(store, "SELECT doc_no, amount FROM disbursements ORDER BY 1") == paid_before
    load_files([tmp_path / "fy2562" / "disbursements.csv", tmp_path / "fy2562" / "reallocations.csv"], db_path=store)
    for table, key in (
        ("projects", "project_code"),
        ("disbursements", "doc_no"),
        ("carryovers", "project_code"),
        ("reallocations", "ref_no"),
    ):
        sql = f"SELECT * EXCLUDE (load_id) FROM {table} ORDER BY {key}"
        assert query(store, sql) == query(two_years, sql), table


def test_a_carry_over_paid_in_the_next_year_is_that_years_carry_over_never_the_next_years_execution(
    two_years, monkeypatch
):
    from budget_metrics.carryover import carryover_totals
    from budget_metrics.filters import Filters
    from budget_metrics.progress import kpis

    monkeypatch.setenv("BUDGET_DB", str(two_years))
    # FY2563 on 31 Dec 2019: its own two projects' payments only (D5 + D6); D4 is not there
    fy2563 = kpis(Filters(fiscal_year=2563, as_of=date(2019, 12, 31)))
    assert fy2563.projects == 2
    assert fy2563.disbursed == Decimal("700000.00")
    assert fy2563.current_allocation == Decimal("2400000.00")  # R2 moves money inside FY2563 only later
    assert fy2563.pct_disbursed == pytest.approx(100 * 700_000 / 2_400_000)
    assert carryover_totals(Filters(fiscal_year=2563, as_of=date(2019, 12, 31))).projects == 0
    # FY2562's carry-over followed into FY2563's months: paid on 15 Nov 2019
    for as_of, paid in ((date(2019, 10, 31), "0"), (date(2019, 12, 31), "150000.00")):
        carry = carryover_totals(Filters(fiscal_year=2562, as_of=as_of))
        assert (carry.projects, carry.carried, carry.paid, carry.remaining) == (
            1,
            Decimal("300000.00"),
            Decimal(paid),
            Decimal("300000.00") - Decimal(paid),
        ), as_of
    # FY2562's own execution ends on 30 Sep 2019 and never counts the carry-over payment
    fy2562 = kpis(Filters(fiscal_year=2562, as_of=date(2019, 12, 31)))
    assert fy2562.disbursed == Decimal("1050000.00") and fy2562.current_allocation == Decimal("1500000.00")


def test_targets_per_year_and_a_year_without_targets(tmp_path, monkeypatch):
    """Targets come from data/reference/targets.csv per fiscal year; a year missing there has none,
    and the read side says so (has_targets False, no target_pct) instead of inventing one."""
    from budget_metrics import reference
    from budget_metrics.targets import target_pct

    only_2562 = tmp_path / "reference"
    shutil.copytree(REFERENCE, only_2562)
    lines = (REFERENCE / "targets.csv").read_text(encoding="utf-8").splitlines()
    (only_2562 / "targets.csv").write_text(
        "\n".join([lines[0], *(line for line in lines[1:] if line.startswith("2562,"))]) + "\n", encoding="utf-8"
    )
    monkeypatch.setenv("BUDGET_REFERENCE", str(only_2562))
    store = tmp_path / "budget.duckdb"
    load_files(write_files(tmp_path / "in", FY2562_PROJECTS + FY2563_PROJECTS), db_path=store)
    monkeypatch.setenv("BUDGET_DB", str(store))
    assert reference.fiscal_years() == [2563, 2562]
    assert reference.target_years() == [2562]
    assert reference.has_targets(2562) and reference.has_targets(2562, "investment")
    assert not reference.has_targets(2563) and not reference.has_targets(2563, "investment")
    assert target_pct(2563, "overall", date(2019, 12, 31)) is None
    # 31 Dec 2018 is FY2562's first quarter end: 32% overall, 20% investment (DOMAIN.md)
    assert target_pct(2562, "overall", date(2018, 12, 31)) == 32.0
    assert target_pct(2562, "investment", date(2018, 12, 31)) == 20.0
    # with the reference data as shipped, FY2563 has its rows again after the next write
    monkeypatch.setenv("BUDGET_REFERENCE", str(REFERENCE))
    load_files([tmp_path / "in" / "projects.csv"], db_path=store)
    shipped = {int(line.split(",")[0]) for line in lines[1:] if ",overall," in line}
    assert set(reference.target_years()) == shipped and reference.has_targets(2563) == (2563 in shipped)


def test_weekly_snapshots_per_year_from_the_command_line(two_years, tmp_path, monkeypatch):
    store = tmp_path / "budget.duckdb"
    shutil.copyfile(two_years, store)
    monkeypatch.setenv("BUDGET_DB", str(store))
    runner = CliRunner()
    done = runner.invoke(app, ["--db", str(store), "snapshot", "--weekly", "--fy", "2563"])
    assert done.exit_code == 0, done.output
    # FY2563's data run to 20 Dec 2019: its Fridays are 4 Oct ... 20 Dec 2019, twelve of them
    fridays_2563 = [date(2019, 10, 4) + timedelta(weeks=week) for week in range(12)]
    assert fridays_2563[-1] == date(2019, 12, 20)
    assert query(store, "SELECT fiscal_year, as_of FROM snapshots ORDER BY as_of") == [
        (2563, day) for day in fridays_2563
    ]
    assert query(store, "SELECT DISTINCT project_code FROM snapshot_projects ORDER BY 1") == [("A63",), ("B63",)]
    assert query(
        store,
        """SELECT sum(s.disbursed) FROM snapshot_projects s JOIN snapshots n USING (snapshot_id)
                           WHERE n.as_of = DATE '2019-11-15'""",
    ) == [(Decimal("600000.00"),)]
    # FY2562: every Friday of its year (its data run past 30 Sep: the carry-over payment)
    done = runner.invoke(app, ["--db", str(store), "snapshot", "--weekly", "--fiscal-year", "2562"])
    assert done.exit_code == 0, done.output
    fy2562 = query(store, "SELECT min(as_of), max(as_of), count(*) FROM snapshots WHERE fiscal_year = 2562")
    assert fy2562 == [(date(2018, 10, 5), date(2019, 9, 27), 52)]
    assert query(
        store,
        """SELECT sum(s.disbursed), sum(s.disbursed_carryover), sum(s.carryover_amount)
                           FROM snapshot_projects s JOIN snapshots n USING (snapshot_id)
                           WHERE n.as_of = DATE '2019-09-27'""",
    ) == [(Decimal("1050000.00"), Decimal("0.00"), Decimal("300000.00"))]
    # a date outside the year is refused, the list shows one year
    outside = runner.invoke(app, ["--db", str(store), "snapshot", "--fy", "2562", "--as-of", "2019-11-15"])
    assert outside.exit_code == 2
    listed = runner.invoke(app, ["--db", str(store), "snapshot", "--list", "--fy", "2563"])
    assert listed.exit_code == 0 and "2019-12-20" in listed.output and "2019-09-27" not in listed.output


def test_the_default_year_is_the_year_in_progress(two_years, tmp_path, monkeypatch):
    """Next year's budget loaded before its first payment does not become the default year."""
    from budget_metrics import reference

    store = tmp_path / "budget.duckdb"
    shutil.copyfile(two_years, store)
    monkeypatch.setenv("BUDGET_DB", str(store))
    assert reference.default_fiscal_year() == 2563
    write_csv(
        tmp_path / "projects_2564.csv",
        [HEADERS, ["A64", "2564", "จังหวัดเชียงใหม่", "แผนปีหน้า", "งบลงทุน", "อบจ.", "3,000,000.00", "", ""]],
    )
    load_files([tmp_path / "projects_2564.csv"], db_path=store)
    assert reference.fiscal_years() == [2564, 2563, 2562]
    assert reference.default_fiscal_year() == 2563
    assert reference.previous_fiscal_year(2564) == 2563


def test_same_day_of_the_previous_fiscal_year():
    from budget_metrics.calendar import fiscal_year_of, same_day_previous_year

    assert same_day_previous_year(date(2020, 3, 31)) == date(2019, 3, 31)
    assert same_day_previous_year(date(2019, 10, 1)) == date(2018, 10, 1)
    assert same_day_previous_year(date(2020, 2, 29)) == date(2019, 2, 28)
    assert [
        fiscal_year_of(day) for day in (date(2018, 9, 30), date(2018, 10, 1), date(2019, 9, 30), date(2019, 10, 1))
    ] == [2561, 2562, 2562, 2563]


def test_the_weekly_commands_default_to_the_year_in_progress(two_years, tmp_path, monkeypatch):
    """`etl snapshot` (the weekly cron line) and `etl export` without --fiscal-year work on the year of
    the latest payment, FY2563 here, not on a fixed year."""
    store = tmp_path / "budget.duckdb"
    shutil.copyfile(two_years, store)
    monkeypatch.setenv("BUDGET_DB", str(store))
    runner = CliRunner()
    done = runner.invoke(app, ["--db", str(store), "snapshot"])
    assert done.exit_code == 0, done.output
    # FY2563's latest payment is on Friday 20 Dec 2019
    assert query(store, "SELECT fiscal_year, as_of FROM snapshots") == [(2563, date(2019, 12, 20))]
    exported = runner.invoke(app, ["--db", str(store), "export", "--format", "csv", "--out", str(tmp_path / "out")])
    assert exported.exit_code == 0, exported.output
    names = {path.name for path in (tmp_path / "out").iterdir()}
    assert "budget-2563-asof-2019-12-20-projects.csv" in names
