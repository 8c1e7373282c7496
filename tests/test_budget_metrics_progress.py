"""KPIs, area tables and the weekly curve against sums written independently in plain SQL."""

from __future__ import annotations

import shutil
from datetime import date
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from budget_metrics import Filters
from budget_metrics.progress import area_progress, kpis, weekly_curve
from budget_metrics.targets import target_on
from tests.target_lines_sql import (
    INVESTMENT_31_MAY,
    OVERALL_31_MAY,
    REFERENCE,
    sql_province_lines,
    sql_status_counts,
)

AS_OF = date(2019, 5, 31)


def _sql_totals(db, as_of, owner_clause="TRUE", params=()):
    """Allocation, disbursed (current-year) and count for FY2562 projects, by hand."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        codes = f"SELECT project_code FROM projects WHERE fiscal_year = 2562 AND {owner_clause}"
        allocated = con.execute(
            f"SELECT coalesce(sum(allocated_amount),0) FROM projects WHERE fiscal_year = 2562 AND {owner_clause}",
            params,
        ).fetchone()[0]
        moved_in = con.execute(
            f"SELECT coalesce(sum(amount),0) FROM reallocations "
            f"WHERE approved_date <= ? AND to_project_code IN ({codes})",
            [as_of, *params],
        ).fetchone()[0]
        moved_out = con.execute(
            f"SELECT coalesce(sum(amount),0) FROM reallocations "
            f"WHERE approved_date <= ? AND from_project_code IN ({codes})",
            [as_of, *params],
        ).fetchone()[0]
        paid = con.execute(
            f"SELECT coalesce(sum(amount),0) FROM disbursements "
            f"WHERE source = 'current' AND posting_date <= ? AND project_code IN ({codes})",
            [as_of, *params],
        ).fetchone()[0]
        count = con.execute(
            f"SELECT count(*) FROM projects WHERE fiscal_year = 2562 AND {owner_clause}", params
        ).fetchone()[0]
    finally:
        con.close()
    return Decimal(allocated) + Decimal(moved_in) - Decimal(moved_out), Decimal(paid), count


def test_31_may_targets_are_the_cabinet_figures():
    assert round(OVERALL_31_MAY, 2) == 69.33 and round(INVESTMENT_31_MAY, 2) == 58.33


def test_national_kpis_equal_plain_sql(demo_db):
    current, paid, count = _sql_totals(demo_db, AS_OF)
    result = kpis(Filters(as_of=AS_OF))
    assert result.projects == count
    assert result.current_allocation == current
    assert result.disbursed == paid
    assert result.remaining == current - paid
    assert result.pct_disbursed == pytest.approx(float(paid / current * 100))
    # The overall line: everything disbursed over everything allocated, against 69.33.
    overall = result.overall
    assert (overall.allocation, overall.disbursed) == (current, paid)
    assert overall.target_pct == pytest.approx(OVERALL_31_MAY)
    assert overall.gap_points == pytest.approx(float(paid / current * 100) - OVERALL_31_MAY)
    expected_gap = paid - current * Decimal(repr(OVERALL_31_MAY)) / 100
    assert overall.gap_baht == pytest.approx(expected_gap, abs=Decimal("0.01"))
    # The investment line: investment projects only, against 58.33.
    inv_current, inv_paid, _ = _sql_totals(demo_db, AS_OF, "budget_type = 'investment'")
    investment = result.investment
    assert (investment.allocation, investment.disbursed) == (inv_current, inv_paid)
    assert investment.pct == pytest.approx(float(inv_paid / inv_current * 100))
    assert investment.target_pct == pytest.approx(INVESTMENT_31_MAY)
    assert investment.gap_points == pytest.approx(float(inv_paid / inv_current * 100) - INVESTMENT_31_MAY)
    expected_gap = inv_paid - inv_current * Decimal(repr(INVESTMENT_31_MAY)) / 100
    assert investment.gap_baht == pytest.approx(expected_gap, abs=Decimal("0.01"))
    # statuses from thresholds.toml (watch 5, behind 10 points) and the headline default
    for line in (overall, investment):
        gap = line.gap_points
        assert line.status == (
            "on_track" if gap >= 0 else "near_target" if gap >= -5 else "watch" if gap >= -10 else "behind"
        )
    assert result.headline == "overall" and result.status == overall.status


def test_province_kpis_equal_plain_sql(demo_db):
    current, paid, count = _sql_totals(demo_db, AS_OF, "owner_type = 'province' AND owner = ?", ("50",))
    result = kpis(Filters(as_of=AS_OF, province="50"))
    assert (result.projects, result.current_allocation, result.disbursed) == (count, current, paid)
    assert count > 0


def test_cluster_covers_own_and_member_province_projects(demo_db):
    clause = (
        "(owner_type = 'cluster' AND owner = ?) OR "
        "(owner_type = 'province' AND owner IN (SELECT province_code FROM provinces WHERE cluster_code = ?))"
    )
    current, paid, count = _sql_totals(demo_db, AS_OF, f"({clause})", ("C01", "C01"))
    result = kpis(Filters(as_of=AS_OF, cluster="C01"))
    assert (result.projects, result.current_allocation, result.disbursed) == (count, current, paid)


def test_investment_only_selection_is_reported_by_the_investment_line_only(demo_db):
    # issue 15: investment money is never shown against the overall target (the overall line is blank)
    result = kpis(Filters(as_of=date(2019, 3, 31), budget_type="investment"))
    assert result.investment.target_pct == pytest.approx(45.0)  # Q2 end, investment row
    assert [line.scope for line in result.lines] == ["investment"] and result.headline == "investment"
    assert (result.overall.pct, result.overall.target_pct, result.overall.gap_points) == (None, None, None)
    assert result.pct_disbursed == pytest.approx(result.investment.pct)  # the selection's own rate


def test_operating_only_selection_has_its_own_line_against_the_overall_target(demo_db):
    result = kpis(Filters(as_of=AS_OF, budget_type="operating"))
    assert [line.scope for line in result.lines] == ["operating"] and result.headline == "operating"
    assert result.line("operating").target_pct == pytest.approx(OVERALL_31_MAY)
    assert result.overall.pct is None and result.investment.allocation == 0
    assert (result.investment.pct, result.investment.gap_points, result.investment.gap_baht) == (None, None, None)
    assert result.investment.status == "no_data"


def test_province_table_sums_to_province_plans_total(demo_db):
    table = area_progress(Filters(as_of=AS_OF), "province")
    assert len(table) == 76
    current, paid, _ = _sql_totals(demo_db, AS_OF, "owner_type = 'province'")
    assert table["current_allocation"].sum() == pytest.approx(float(current), abs=0.5)
    assert table["disbursed"].sum() == pytest.approx(float(paid), abs=0.5)
    assert set(table["status"]) <= {"on_track", "near_target", "watch", "behind", "no_data"}


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
    assert row["overall_pct"] == pytest.approx(result.overall.pct)
    assert row["overall_target_pct"] == pytest.approx(OVERALL_31_MAY)
    assert row["investment_target_pct"] == pytest.approx(INVESTMENT_31_MAY)
    assert row["overall_target_pct"] == pytest.approx(target_on([32, 54, 77, 100], 2562, friday))
    assert curve[curve["week_end"] > friday]["overall_pct"].isna().all()
    assert curve[curve["week_end"] > friday]["investment_pct"].isna().all()
    assert "target" not in curve.columns  # no blended curve


def test_weekly_investment_curve_counts_investment_projects_only(demo_db):
    # An earlier Friday, by plain SQL over investment projects only.
    friday = date(2019, 3, 1)
    inv_current, inv_paid, _ = _sql_totals(demo_db, friday, "budget_type = 'investment'")
    curve = weekly_curve(Filters(as_of=AS_OF))
    row = curve[curve["week_end"] == friday].iloc[0]
    assert row["investment_allocation"] == pytest.approx(float(inv_current), abs=0.5)
    assert row["investment_disbursed"] == pytest.approx(float(inv_paid), abs=0.5)
    assert row["investment_pct"] == pytest.approx(float(inv_paid / inv_current * 100))
    current, paid, _ = _sql_totals(demo_db, friday)
    assert row["overall_pct"] == pytest.approx(float(paid / current * 100))
    assert row["investment_pct"] != pytest.approx(row["overall_pct"])


# ---------------------------------------------------------------- area statuses by each line
def test_province_statuses_by_each_line_equal_plain_sql_on_31_may(demo_db):
    by_overall = sql_status_counts(demo_db, AS_OF, "overall", OVERALL_31_MAY)
    by_investment = sql_status_counts(demo_db, AS_OF, "investment", INVESTMENT_31_MAY)
    # the independent recount in issue 7 found 63 red / 11 amber / 2 green by the overall line; since
    # issue 15 green is only at or above the target, a line just below it is "near target"
    green_before = by_overall["near_target"] + by_overall["on_track"]
    assert (by_overall["behind"], by_overall["watch"], green_before) == (63, 11, 2)
    table = area_progress(Filters(as_of=AS_OF), "province")
    shown = table[table["projects"] > 0]
    for line, expected in (("overall", by_overall), ("investment", by_investment)):
        counts = shown[f"{line}_status"].value_counts().to_dict()
        assert {status: counts.get(status, 0) for status in expected} == expected, line
    # headline default 'overall': the table's status is the overall line's
    assert (table["status"] == table["overall_status"]).all()
    assert (table["headline"] == "overall").all()
    # and per province, each line's % and target are the SQL figures
    figures = sql_province_lines(demo_db, AS_OF)
    for row in shown.itertuples():
        assert row.overall_pct == pytest.approx(figures[row.code]["overall_pct"])
        assert row.investment_pct == pytest.approx(figures[row.code]["investment_pct"])
        assert row.overall_target_pct == pytest.approx(OVERALL_31_MAY)
        assert row.investment_target_pct == pytest.approx(INVESTMENT_31_MAY)
        expected_gap_baht = row.investment_disbursed - row.investment_allocation * INVESTMENT_31_MAY / 100
        assert row.investment_gap_baht == pytest.approx(expected_gap_baht, abs=0.01)
    assert "target_pct" not in table.columns  # no blended target column


def _with_headline(db: Path, folder: Path, monkeypatch, line: str) -> None:
    """Rewrite reporting.toml in a copy of the reference folder and reload it into db
    through a write session, as every ETL command does."""
    from etl.store import write_session

    reference_copy = folder / "reference"
    shutil.copytree(REFERENCE, reference_copy)
    settings = reference_copy / "reporting.toml"
    settings.write_text(
        settings.read_text(encoding="utf-8").replace('value = "overall"', f'value = "{line}"'), encoding="utf-8"
    )
    monkeypatch.setenv("BUDGET_REFERENCE", str(reference_copy))
    with write_session(db):
        pass


def test_headline_setting_switches_statuses_and_rankings_to_investment(demo_db_copy, tmp_path, monkeypatch):
    from budget_metrics.tilemap import tiles_with_progress
    from ui.labels import STATUS_COLORS
    from ui.map_bar_charts import gap_ranking, tile_map

    before = area_progress(Filters(as_of=AS_OF), "province")
    _with_headline(demo_db_copy, tmp_path, monkeypatch, "investment")
    after = area_progress(Filters(as_of=AS_OF), "province")
    assert (after["headline"] == "investment").all()
    shown = after[after["projects"] > 0]
    expected = sql_status_counts(demo_db_copy, AS_OF, "investment", INVESTMENT_31_MAY)
    counts = shown["status"].value_counts().to_dict()
    assert {status: counts.get(status, 0) for status in expected} == expected
    assert (after["status"] != before["status"]).any()  # the colours change
    assert kpis(Filters(as_of=AS_OF)).status == kpis(Filters(as_of=AS_OF)).investment.status
    # the ranking orders by the investment gap, worst at the top (plotly draws bottom-up)
    figures = sql_province_lines(demo_db_copy, AS_OF)
    worst_first = sorted(figures, key=lambda code: (figures[code]["investment_pct"], code))
    names = after.set_index("code")["name_th"]
    bars = gap_ranking(shown, "th").data[0]
    assert list(bars.y)[::-1][:10] == [names[code] for code in worst_first[:10]]
    # the map's big squares follow the investment line, the corner squares the overall line
    shapes = tile_map(tiles_with_progress(after), "th").layout.shapes
    big = [shape.fillcolor for shape in shapes[0::2]]
    corner = [shape.fillcolor for shape in shapes[1::2]]
    for status, colour in STATUS_COLORS.items():
        assert big.count(colour) == expected.get(status, 0) + (76 - len(shown) if status == "no_data" else 0)
    by_overall = sql_status_counts(demo_db_copy, AS_OF, "overall", OVERALL_31_MAY)
    assert corner.count(STATUS_COLORS["behind"]) == by_overall["behind"]


def test_a_wrong_headline_setting_is_refused_naming_the_file(tmp_path, monkeypatch):
    from etl.reference import ReferenceError, read_reference

    folder = tmp_path / "reference"
    shutil.copytree(REFERENCE, folder)
    (folder / "reporting.toml").write_text('[headline_line]\nvalue = "blended"\ndescription = "x"\n', encoding="utf-8")
    with pytest.raises(ReferenceError, match="reporting.toml.*headline_line"):
        read_reference(folder)
