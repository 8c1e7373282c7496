"""CSV export: one UTF-8-with-BOM file per table, identical bytes on a re-run, and no
partial files when an export fails half-way (xlsx, pdf and csv)."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

import duckdb
import pytest

from budget_metrics import Filters
from exports import csv_tables, workbook
from exports.export import export_files, write_bundle

AS_OF = date(2019, 9, 13)
TABLES = [
    "summary",
    "provinces",
    "clusters",
    "projects",
    "lagging",
    "followup",
    "followup_rates",
    "carryover",
    "reallocations",
    "assets",
    "about",
]


@pytest.fixture(scope="module")
def bundle(national_export):
    """The national bundle of 13 Sep (`build_bundle`, = `build_export` read through one pinned file): the
    session's (tests/conftest.py); a test writes its files into its own tmp_path."""
    return national_export.bundle


def _rows(path):
    return list(csv.DictReader(io.StringIO(path.read_bytes().decode("utf-8-sig"))))


def test_one_file_per_table_with_bom_and_predictable_names(national_export):
    paths = national_export.paths("csv")  # write_bundle(bundle, "csv", <a folder of its own>)
    assert [p.name for p in paths] == [f"budget-2562-asof-2019-09-13-{t}.csv" for t in TABLES]
    assert sorted(p.name for p in paths[0].parent.iterdir()) == sorted(p.name for p in paths)
    for path in paths:
        assert path.read_bytes().startswith(b"\xef\xbb\xbf"), path.name


def test_project_rows_and_totals_equal_sql(demo_db, national_export):
    folder = national_export.paths("csv")[0].parent
    rows = _rows(folder / "budget-2562-asof-2019-09-13-projects.csv")
    con = duckdb.connect(str(demo_db), read_only=True)
    try:
        count = con.execute("SELECT count(*) FROM projects WHERE fiscal_year = 2562").fetchone()[0]
        paid = con.execute(
            """SELECT sum(amount) FROM disbursements WHERE source = 'current' AND posting_date <= ?
               AND project_code IN (SELECT project_code FROM projects WHERE fiscal_year = 2562)""",
            [AS_OF],
        ).fetchone()[0]
        name_50 = con.execute("SELECT name_th FROM provinces WHERE province_code = '50'").fetchone()[0]
    finally:
        con.close()
    assert len(rows) == count
    assert sum(Decimal(row["disbursed"]) for row in rows) == paid
    assert any(row["owner_name_th"] == name_50 for row in rows)  # Thai text survives the round trip
    summary = _rows(folder / "budget-2562-asof-2019-09-13-summary.csv")
    assert summary[0]["name_th"] == "รวมทั้งประเทศ"
    assert Decimal(summary[0]["disbursed"]) == paid


def test_same_database_same_bytes(national_export, tmp_path):
    first = national_export.paths("csv")  # export_files(Filters(as_of=AS_OF), "csv", ...), made earlier
    second = export_files(Filters(as_of=AS_OF), "csv", tmp_path / "b")
    for a, b in zip(first, second, strict=True):
        assert a.read_bytes() == b.read_bytes(), a.name


def test_cluster_export_contains_only_that_cluster(demo_db, bundle, tmp_path):
    paths = export_files(Filters(as_of=AS_OF, cluster="C01"), "csv", tmp_path)
    assert paths[0].name == "budget-2562-asof-2019-09-13-cluster-C01-summary.csv"
    projects = _rows(tmp_path / "budget-2562-asof-2019-09-13-cluster-C01-projects.csv")
    con = duckdb.connect(str(demo_db), read_only=True)
    try:
        members = {
            r[0] for r in con.execute("SELECT province_code FROM provinces WHERE cluster_code = 'C01'").fetchall()
        }
        count = con.execute(
            """SELECT count(*) FROM projects WHERE fiscal_year = 2562 AND
               ((owner_type = 'cluster' AND owner = 'C01') OR (owner_type = 'province' AND owner IN
                (SELECT province_code FROM provinces WHERE cluster_code = 'C01')))"""
        ).fetchone()[0]
    finally:
        con.close()
    assert len(projects) == count
    assert {row["cluster_code"] for row in projects} == {"C01"}
    assert {row["province_code"] for row in projects} <= members | {""}
    provinces = _rows(tmp_path / "budget-2562-asof-2019-09-13-cluster-C01-provinces.csv")
    assert {row["code"] for row in provinces} == members


def test_failure_mid_csv_export_leaves_nothing(bundle, tmp_path, monkeypatch):
    real = csv_tables.write_csv
    calls = []

    def failing(table, path):
        calls.append(table.name)
        if table.name == "lagging":  # after summary..projects were written completely
            path.write_text("half a file")
            raise OSError("disk full (injected)")
        return real(table, path)

    monkeypatch.setattr(csv_tables, "write_csv", failing)
    with pytest.raises(OSError, match="injected"):
        write_bundle(bundle, "csv", tmp_path)
    assert calls[:5] == TABLES[:5]
    assert list(tmp_path.iterdir()) == []  # neither finished tables nor temporaries


def test_failure_mid_workbook_leaves_nothing_and_keeps_the_old_file(bundle, tmp_path, monkeypatch):
    [good] = write_bundle(bundle, "xlsx", tmp_path)
    before = good.read_bytes()
    real = workbook._write_sheet

    def failing(book, styles, bundle_, table):
        if table.name == "projects":
            raise RuntimeError("crash while writing (injected)")
        return real(book, styles, bundle_, table)

    monkeypatch.setattr(workbook, "_write_sheet", failing)
    with pytest.raises(RuntimeError, match="injected"):
        write_bundle(bundle, "xlsx", tmp_path)
    assert [p.name for p in tmp_path.iterdir()] == [good.name]
    assert good.read_bytes() == before


def test_failure_in_pdf_leaves_nothing(bundle, tmp_path, monkeypatch):
    from exports import brief_pdf

    def failing(bundle_):
        raise ValueError("template broke (injected)")

    monkeypatch.setattr(brief_pdf, "brief_html", failing)
    with pytest.raises(ValueError, match="injected"):
        write_bundle(bundle, "pdf", tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_projection_columns_add_up_and_meet_the_pace_by_hand(demo_db, national_export):
    """The provinces and clusters files' six projection columns: each area's carry-over and lapse
    are the baht sums of its projects' (projects file, areas' projects by plain SQL), its
    projected % is their projected disbursement over the SQL allocation, the band holds it, and
    the weekly pace is (100% x allocation - paid) / weeks to 30 Sep, by hand from plain SQL."""
    from tests.projection_sql import area_projects, project_money

    folder = national_export.paths("csv")[0].parent
    projects = {row["project_code"]: row for row in _rows(folder / "budget-2562-asof-2019-09-13-projects.csv")}
    money = project_money(demo_db, AS_OF)
    for code, row in projects.items():  # every project: paid + carry-over + lapse = its allocation, to the satang
        projected = Decimal(row["projected_disbursed"])
        assert (
            projected + Decimal(row["projected_carryover"]) + Decimal(row["projected_lapse"])
            == money[code]["allocation"]
        ), code
        assert money[code]["paid"] <= projected <= money[code]["allocation"], code
    weeks = Decimal((date(2019, 9, 30) - AS_OF).days) / 7
    for level in ("provinces", "clusters"):
        areas = _rows(folder / f"budget-2562-asof-2019-09-13-{level}.csv")
        assert list(areas[0])[-7:] == [
            "projected_pct",
            "projected_low_pct",
            "projected_high_pct",
            "projected_carryover",
            "projected_lapse",
            "required_weekly",
            "pace_break_since",
        ]
        for area in areas:
            codes = area_projects(money, level.rstrip("s"), area["code"])
            allocation = sum((money[c]["allocation"] for c in codes), Decimal(0))
            paid = sum((money[c]["paid"] for c in codes), Decimal(0))
            projected = sum((Decimal(projects[c]["projected_disbursed"]) for c in codes), Decimal(0))
            for column in ("projected_carryover", "projected_lapse"):
                assert Decimal(area[column]) == sum((Decimal(projects[c][column]) for c in codes), Decimal(0))
            pct = float(projected / allocation * 100)
            assert abs(float(area["projected_pct"]) - pct) < 5e-5, area["code"]
            assert float(area["projected_low_pct"]) <= float(area["projected_pct"]) <= float(area["projected_high_pct"])
            needed = max(allocation - paid, Decimal(0)) / weeks  # the year-end target is 100% (DOMAIN.md)
            assert abs(Decimal(area["required_weekly"]) - needed) <= Decimal("0.01"), area["code"]
