"""The three-year demo (FY2561-FY2563): deterministic, each year with its own character, FY2562 the
single-year demo unchanged, and every year's totals in the loaded store equal to plain SQL.

The files are read back independently (csv / openpyxl, the parsers of tests/demo_file_parsers.py),
never through the ETL; the loaded store is the session's `demo_years_db` (tests/conftest.py), which
`python -m etl demo` made from the same seed.
Expected characters (etl/demo/years.py): FY2561 slower, with a bigger September and more
carry-over; FY2562 the original demo; FY2563 in progress, its records stopping on 31 Mar 2020,
ahead of FY2562 at the same point; each year's carry-over paid in the next year's months.
"""

from __future__ import annotations

import ast
import csv
from collections import defaultdict
from datetime import date
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from etl.demo import DEMO_YEARS, year_seed
from etl.demo.generator import generate
from tests.demo_file_parsers import parse_date, parse_money, read_csv, read_xlsx

YEARS = (2561, 2562, 2563)
TODAY = date(2020, 3, 31)  # the demo's "today": end of FY2563's second quarter
CURRENT, CARRYOVER = "งบประมาณปีปัจจุบัน", "เงินกันเหลื่อมปี"
REFERENCE = Path(__file__).resolve().parents[1] / "data" / "reference"


def bounds(fiscal_year: int) -> tuple[date, date]:
    return date(fiscal_year - 544, 10, 1), date(fiscal_year - 543, 9, 30)


@pytest.fixture(scope="module")
def years_files(demo_years_files) -> tuple[Path, dict]:
    """write_demo_years(seed=2562) into a folder of the session's (tests/conftest.py); tests only read it."""
    return demo_years_files


def read_year(folder: Path, fiscal_year: int) -> dict:
    """Every record of one year's folder, parsed with plain Python: projects, payments, carry-overs,
    reallocations, assets (money Decimal baht, dates CE); rows that cannot be read are left out."""
    year_dir = folder / str(fiscal_year)
    projects, payments, carryovers, reallocations, assets = [], [], [], [], []
    for path in sorted(year_dir.iterdir()):
        if path.name.startswith("projects"):
            header, rows = read_xlsx(path, "รหัสโครงการ")
            projects = [dict(zip(header, row)) for row in rows]
        elif path.name.startswith("disbursements"):
            if path.suffix == ".xlsx":
                header, rows = read_xlsx(path, "เลขที่เอกสาร")
            else:
                table = read_csv(path, "cp874" if "tis620" in path.name else "utf-8-sig")
                header, rows = table[0], table[1:]
            for row in rows:
                record = dict(zip(header, row))
                day, amount = parse_date(record["วันที่ผ่านรายการ"]), parse_money(record["จำนวนเงิน"])
                if str(record["เลขที่เอกสาร"]).startswith("รวม") or day is None or amount is None:
                    continue
                payments.append(
                    {
                        "project": record["รหัสโครงการ"],
                        "day": day,
                        "amount": amount,
                        "source": record["แหล่งเงิน"],
                        "file": path.name,
                    }
                )
        elif path.name.startswith("carryovers"):
            table = read_csv(path)
            carryovers = [dict(zip(table[0], row)) for row in table[1:]]
        elif path.name.startswith("reallocations"):
            header, rows = read_xlsx(path, "เลขที่อนุมัติ")
            reallocations = [dict(zip(header, row)) for row in rows]
        elif path.name.startswith("asset_transfers"):
            table = read_csv(path, "utf-8")
            assets = [dict(zip(table[0], row)) for row in table[1:]]
    known = {row["รหัสโครงการ"] for row in projects}
    payments = [p for p in payments if p["project"] in known]  # the corrections file's unknown project
    return {
        "projects": projects,
        "payments": payments,
        "carryovers": carryovers,
        "reallocations": reallocations,
        "assets": assets,
    }


def current_allocation(year: dict, on: date | None = None) -> Decimal:
    """Sum of original allocations plus reallocations in minus out approved by `on` (all when None)."""
    total = sum(parse_money(row["งบประมาณที่ได้รับจัดสรร"]) for row in year["projects"])
    for row in year["reallocations"]:
        if on is None or parse_date(row["วันที่อนุมัติ"]) <= on:
            amount = parse_money(row["จำนวนเงิน"])
            total += (amount if row["โอนไปโครงการ"] else 0) - (amount if row["โอนจากโครงการ"] else 0)
    return total


def rate(year: dict, on: date | None = None) -> float:
    """Current-year disbursed by `on` as percent of the current allocation then (the overall line)."""
    paid = sum(p["amount"] for p in year["payments"] if p["source"] == CURRENT and (on is None or p["day"] <= on))
    return float(100 * paid / current_allocation(year, on))


@pytest.fixture(scope="module")
def parsed(years_files) -> dict[int, dict]:
    folder, _ = years_files
    return {fiscal_year: read_year(folder, fiscal_year) for fiscal_year in YEARS}


def test_same_seed_same_bytes_and_fy2562_is_the_single_year_demo(years_files, demo_years_db, demo_db):
    """Same seed, same bytes: the files generated in this process (`demo_years_files`) against the files
    `python -m etl demo` wrote in its own process (`demo_years_db`, the same seed 2562), and FY2562's
    against the single-year demo the session's `demo_db` generated (`write_demo_files(seed=2562)`, its
    totals kept in totals.repr). These are the generations the session makes anyway: the test used to
    write the three years twice more and the single year once more for the same comparisons."""
    folder, totals = years_files
    again = demo_years_db.parent / "files"
    for fiscal_year in YEARS:
        names = sorted(path.name for path in (folder / str(fiscal_year)).iterdir())
        assert names == sorted(totals[fiscal_year]["files"])
        assert sorted(path.name for path in (again / str(fiscal_year)).iterdir()) == names
        for name in names:
            assert (folder / str(fiscal_year) / name).read_bytes() == (again / str(fiscal_year) / name).read_bytes(), (
                name
            )
    single = ast.literal_eval((demo_db.parent / "totals.repr").read_text().replace("Decimal(", "("))
    assert single == ast.literal_eval(repr(totals[2562]).replace("Decimal(", "("))  # same seed, same totals
    for name in single["files"]:
        assert (demo_db.parent / "files" / name).read_bytes() == (folder / "2562" / name).read_bytes(), name
    # another seed moves every year (each year's seed is offset from it): the generator's records of
    # seed 7 (allocations in satang), summed: no files needed for that
    for year in DEMO_YEARS:
        projects = generate(year_seed(7, year.fiscal_year), None, year).projects
        allocated = Decimal(sum(project.allocated for project in projects)) / 100
        assert allocated != totals[year.fiscal_year]["allocated_total"], year.fiscal_year


def test_every_year_at_the_real_scale_with_its_own_codes(parsed, years_files):
    _, totals = years_files
    for fiscal_year, year in parsed.items():
        projects = year["projects"]
        assert 3000 <= len(projects) <= 6000, fiscal_year
        assert len(projects) == totals[fiscal_year]["projects"]
        assert {row["ปีงบประมาณ"] for row in projects} == {fiscal_year}
        assert all(row["รหัสโครงการ"].startswith(f"{fiscal_year % 100}-") for row in projects)
        allocated = sum(parse_money(row["งบประมาณที่ได้รับจัดสรร"]) for row in projects)
        assert allocated == totals[fiscal_year]["allocated_total"]
        assert Decimal("25e9") <= allocated <= Decimal("30e9"), fiscal_year
    codes = [row["รหัสโครงการ"] for year in parsed.values() for row in year["projects"]]
    assert len(codes) == len(set(codes))  # no project code shared between years


def test_fy2561_is_slower_with_a_bigger_september_and_more_carry_over(parsed):
    def september_share(fiscal_year: int) -> float:
        current = [p for p in parsed[fiscal_year]["payments"] if p["source"] == CURRENT]
        september = sum(p["amount"] for p in current if p["day"].month == 9)
        return float(100 * september / sum(p["amount"] for p in current))

    def carried(fiscal_year: int) -> Decimal:
        return sum(parse_money(row["จำนวนเงินกันเหลื่อมปี"]) for row in parsed[fiscal_year]["carryovers"])

    assert rate(parsed[2561]) < rate(parsed[2562]) - 5  # year-end rate, points
    assert september_share(2561) > september_share(2562) + 5
    assert carried(2561) > Decimal("1.5") * carried(2562)
    # slower at every quarter end, on the same day of its own year
    for month, day in ((12, 31), (3, 31), (6, 30)):
        on_2561 = date(2017 if month >= 10 else 2018, month, day)
        on_2562 = date(2018 if month >= 10 else 2019, month, day)
        assert rate(parsed[2561], on_2561) < rate(parsed[2562], on_2562), (month, day)


def test_fy2563_is_in_progress_stops_today_and_is_ahead_of_last_year(parsed, years_files):
    folder, totals = years_files
    year = parsed[2563]
    assert max(p["day"] for p in year["payments"]) == TODAY
    assert max(parse_date(row["วันที่อนุมัติ"]) for row in year["reallocations"]) <= TODAY
    signed = [parse_date(row["วันที่ลงนามสัญญา"]) for row in year["projects"] if row["วันที่ลงนามสัญญา"]]
    assert signed and max(signed) <= TODAY
    assert year["assets"] and all(parse_date(row["วันที่ตรวจรับ"]) <= TODAY for row in year["assets"])
    assert all(parse_date(row["วันที่โอน"]) <= TODAY for row in year["assets"] if row["วันที่โอน"])
    # no carry-over yet, no third or fourth quarter file
    assert year["carryovers"] == [] and totals[2563]["carryovers"] == 0
    names = {path.name for path in (folder / "2563").iterdir()}
    assert not any("q3" in name or "q4" in name or "carryover" in name for name in names)
    # a faster start: ahead of FY2562 on the same day of the year
    assert rate(year, TODAY) > rate(parsed[2562], date(2019, 3, 31)) + 2


def test_carry_over_money_is_paid_in_the_next_years_months(parsed):
    for fiscal_year in (2561, 2562):
        carry = [p for p in parsed[fiscal_year]["payments"] if p["source"] == CARRYOVER]
        next_start, next_end = bounds(fiscal_year + 1)
        assert carry and all(next_start <= p["day"] <= min(next_end, TODAY) for p in carry), fiscal_year
        carried = {row["รหัสโครงการ"]: parse_money(row["จำนวนเงินกันเหลื่อมปี"]) for row in parsed[fiscal_year]["carryovers"]}
        paid: dict[str, Decimal] = defaultdict(Decimal)
        for payment in carry:
            paid[payment["project"]] += payment["amount"]
        assert all(amount <= carried[code] for code, amount in paid.items())
    # current-year payments stay inside their own year
    for fiscal_year, year in parsed.items():
        start, end = bounds(fiscal_year)
        assert all(start <= p["day"] <= end for p in year["payments"] if p["source"] == CURRENT)


def _sql(db: Path, sql: str, params: list | None = None) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def test_each_year_loaded_equals_its_generator_totals_in_plain_sql(demo_years_db):
    totals = ast.literal_eval((demo_years_db.parent / "totals.repr").read_text().replace("Decimal(", "("))
    for fiscal_year in YEARS:
        expected = totals[fiscal_year]
        count, allocated = _sql(
            demo_years_db,
            """SELECT count(*), sum(allocated_amount) FROM projects
                                                  WHERE fiscal_year = ?""",
            [fiscal_year],
        )[0]
        assert count == expected["projects"] and allocated == Decimal(expected["allocated_total"])
        by_source = dict(
            _sql(
                demo_years_db,
                """SELECT d.source, sum(d.amount) FROM disbursements d
                                                JOIN projects p USING (project_code) WHERE p.fiscal_year = ?
                                                GROUP BY 1""",
                [fiscal_year],
            )
        )
        assert by_source["current"] == Decimal(expected["disbursed_current_total"])
        assert by_source.get("carryover", Decimal(0)) == Decimal(expected["disbursed_carryover_total"])
        for table, column, key_count, key_total in (
            ("carryovers", "amount", "carryovers", "carryover_total"),
            ("asset_transfers", "value", "assets", "asset_value_total"),
        ):
            found = _sql(
                demo_years_db,
                f"""SELECT count(*), coalesce(sum(t.{column}), 0) FROM {table} t
                                            JOIN projects p USING (project_code) WHERE p.fiscal_year = ?""",
                [fiscal_year],
            )[0]
            assert found == (expected[key_count], Decimal(expected[key_total])), (fiscal_year, table)
        moved = _sql(
            demo_years_db,
            """SELECT count(*), sum(r.amount) FROM reallocations r
                                       JOIN projects p ON p.project_code = coalesce(r.from_project_code,
                                                                                     r.to_project_code)
                                       WHERE p.fiscal_year = ?""",
            [fiscal_year],
        )[0]
        assert moved == (expected["reallocations"], Decimal(expected["reallocation_total"]))
    # nothing refused; the only rejected rows are FY2562's six deliberate ones
    assert _sql(demo_years_db, "SELECT count(*) FROM loads WHERE status = 'refused'")[0][0] == 0
    rejects = _sql(demo_years_db, "SELECT file_name FROM rejects")
    assert len(rejects) == 6 and {name for (name,) in rejects} == {"disbursements_corrections.csv"}


def test_fy2562_in_the_three_year_store_is_the_single_year_demo(demo_db, demo_years_db):
    """Every FY2562 record of the three-year store equals the single-year store's (load ids aside)."""
    con = duckdb.connect(str(demo_years_db), read_only=True)
    try:
        con.execute(f"ATTACH '{demo_db}' AS single (READ_ONLY)")
        for table, key in (
            ("projects", "project_code"),
            ("disbursements", "doc_no"),
            ("carryovers", "project_code"),
            ("asset_transfers", "asset_id"),
        ):
            mine = (
                f"""SELECT t.* EXCLUDE (load_id) FROM {table} t JOIN projects p USING (project_code)
                       WHERE p.fiscal_year = 2562"""
                if table != "projects"
                else "SELECT * EXCLUDE (load_id) FROM projects WHERE fiscal_year = 2562"
            )
            theirs = f"SELECT * EXCLUDE (load_id) FROM single.{table}"
            assert con.execute(f"SELECT count(*) FROM ({theirs})").fetchone()[0] > 0
            for left, right in ((mine, theirs), (theirs, mine)):
                assert con.execute(f"SELECT count(*) FROM ({left} EXCEPT ALL {right})").fetchone()[0] == 0, table
        mine = """SELECT r.* EXCLUDE (load_id) FROM reallocations r JOIN projects p
                  ON p.project_code = coalesce(r.from_project_code, r.to_project_code) WHERE p.fiscal_year = 2562"""
        theirs = "SELECT * EXCLUDE (load_id) FROM single.reallocations"
        for left, right in ((mine, theirs), (theirs, mine)):
            assert con.execute(f"SELECT count(*) FROM ({left} EXCEPT ALL {right})").fetchone()[0] == 0
    finally:
        con.close()


def test_the_years_the_store_holds(demo_years_db, monkeypatch):
    """The read side's year helpers against plain SQL and the reference file."""
    from budget_metrics import reference

    monkeypatch.setenv("BUDGET_DB", str(demo_years_db))
    assert reference.fiscal_years() == [2563, 2562, 2561]
    latest_year = _sql(
        demo_years_db,
        """SELECT p.fiscal_year FROM disbursements d JOIN projects p USING (project_code)
                                         WHERE d.source = 'current' ORDER BY d.posting_date DESC LIMIT 1""",
    )[0][0]
    assert reference.default_fiscal_year() == latest_year == 2563
    assert reference.previous_fiscal_year(2563) == 2562 and reference.previous_fiscal_year(2561) is None
    with open(REFERENCE / "targets.csv", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    with_targets = {int(row["fiscal_year"]) for row in rows if row["scope"] == "overall"}
    assert 2561 not in with_targets  # FY2561's cabinet figures are not in the reference data
    for fiscal_year in YEARS:
        assert reference.has_targets(fiscal_year) == (fiscal_year in with_targets)
    summary = reference.years_summary().set_index("fiscal_year")
    for fiscal_year in YEARS:
        projects, first, last = _sql(
            demo_years_db,
            """SELECT count(DISTINCT p.project_code), min(d.posting_date),
                                                             max(d.posting_date)
                                                      FROM projects p JOIN disbursements d USING (project_code)
                                                      WHERE p.fiscal_year = ? AND d.source = 'current'""",
            [fiscal_year],
        )[0]
        snapshots = _sql(
            demo_years_db, "SELECT count(*) FROM snapshots WHERE fiscal_year = ? AND status = 'current'", [fiscal_year]
        )[0][0]
        row = summary.loc[fiscal_year]
        assert (row["first_payment"], row["last_payment"], row["snapshots"]) == (first, last, snapshots)
        assert (
            row["projects"]
            == _sql(demo_years_db, "SELECT count(*) FROM projects WHERE fiscal_year = ?", [fiscal_year])[0][0]
            >= projects
        )
        assert bool(row["has_targets"]) == (fiscal_year in with_targets)
