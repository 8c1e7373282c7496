"""KPIs, area tables and the weekly curve against sums written independently in plain SQL."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import duckdb
import pytest

from budget_metrics import Filters
from budget_metrics.progress import area_progress, kpis, weekly_curve
from budget_metrics.targets import target_on

AS_OF = date(2019, 5, 31)


def _sql_totals(db, as_of, owner_clause="TRUE", params=()):
    """Allocation, disbursed (current-year) and count for FY2562 projects, by hand."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        codes = f"SELECT project_code FROM projects WHERE fiscal_year = 2562 AND {owner_clause}"
        allocated = con.execute(f"SELECT coalesce(sum(allocated_amount),0) FROM projects WHERE fiscal_year = 2562 AND {owner_clause}", params).fetchone()[0]
        moved_in = con.execute(f"SELECT coalesce(sum(amount),0) FROM reallocations WHERE approved_date <= ? AND to_project_code IN ({codes})", [as_of, *params]).fetchone()[0]
        moved_out = con.execute(f"SELECT coalesce(sum(amount),0) FROM reallocations WHERE approved_date <= ? AND from_project_code IN ({codes})", [as_of, *params]).fetchone()[0]
        paid = con.execute(f"SELECT coalesce(sum(amount),0) FROM disbursements WHERE source = 'current' AND posting_date <= ? AND project_code IN ({codes})", [as_of, *params]).fetchone()[0]
        count = con.execute(f"SELECT count(*) FROM projects WHERE fiscal_year = 2562 AND {owner_clause}", params).fetchone()[0]
    finally:
        con.close()
    return Decimal(allocated) + Decimal(moved_in) - Decimal(moved_out), Decimal(paid), count


def test_national_kpis_equal_plain_sql(demo_db):
    current, paid, count = _sql_totals(demo_db, AS_OF)
    result = kpis(Filters(as_of=AS_OF))
    assert result.projects == count
    assert result.current_allocation == current
    assert result.disbursed == paid
    assert result.remaining == current - paid
    assert result.pct_disbursed == pytest.approx(float(paid / current * 100))
    # Target mixes the investment row (45 + 2*(65-45)/3 on 31 May) for investment projects
    # and the overall row (54 + 2*(77-54)/3) for the rest, weighted by current allocation.
    investment, _, _ = _sql_totals(demo_db, AS_OF, "budget_type = 'investment'")
    other = current - investment
    expected_baht = investment * Decimal(45 + 40 / 3) / 100 + other * Decimal(54 + 46 / 3) / 100
    assert result.target_pct == pytest.approx(float(expected_baht / current * 100))
    assert result.gap_points == pytest.approx(float((paid - expected_baht) / current * 100))
    assert result.gap_baht == pytest.approx(paid - expected_baht, abs=Decimal("0.02"))


def test_province_kpis_equal_plain_sql(demo_db):
    current, paid, count = _sql_totals(demo_db, AS_OF, "owner_type = 'province' AND owner = ?", ("50",))
    result = kpis(Filters(as_of=AS_OF, province="50"))
    assert (result.projects, result.current_allocation, result.disbursed) == (count, current, paid)
    assert count > 0


def test_cluster_covers_own_and_member_province_projects(demo_db):
    clause = ("(owner_type = 'cluster' AND owner = ?) OR "
              "(owner_type = 'province' AND owner IN (SELECT province_code FROM provinces WHERE cluster_code = ?))")
    current, paid, count = _sql_totals(demo_db, AS_OF, f"({clause})", ("C01", "C01"))
    result = kpis(Filters(as_of=AS_OF, cluster="C01"))
    assert (result.projects, result.current_allocation, result.disbursed) == (count, current, paid)


def test_investment_view_uses_investment_target(demo_db):
    result = kpis(Filters(as_of=date(2019, 3, 31), budget_type="investment"))
    assert result.target_pct == pytest.approx(45.0)


def test_province_table_sums_to_province_plans_total(demo_db):
    table = area_progress(Filters(as_of=AS_OF), "province")
    assert len(table) == 76
    current, paid, _ = _sql_totals(demo_db, AS_OF, "owner_type = 'province'")
    assert table["current_allocation"].sum() == pytest.approx(float(current), abs=0.5)
    assert table["disbursed"].sum() == pytest.approx(float(paid), abs=0.5)
    assert set(table["status"]) <= {"on_track", "watch", "behind", "no_data"}


def test_region_and_cluster_tables_cover_everything(demo_db):
    current, _, _ = _sql_totals(demo_db, AS_OF)
    for level, rows in (("region", 6), ("cluster", 18)):
        table = area_progress(Filters(as_of=AS_OF), level)
        assert len(table) == rows
        assert table["current_allocation"].sum() == pytest.approx(float(current), abs=0.5)


def test_weekly_curve_ends_at_the_kpi_and_follows_targets(demo_db):
    friday = date(2019, 5, 31)  # a Friday
    curve = weekly_curve(Filters(as_of=friday))
    row = curve[curve["week_end"] == friday].iloc[0]
    result = kpis(Filters(as_of=friday))
    assert row["disbursed"] == pytest.approx(float(result.disbursed), abs=0.5)
    assert row["pct_disbursed"] == pytest.approx(result.pct_disbursed)
    assert row["target_overall"] == pytest.approx(target_on([32, 54, 77, 100], 2562, friday))
    assert curve[curve["week_end"] > friday]["pct_disbursed"].isna().all()
