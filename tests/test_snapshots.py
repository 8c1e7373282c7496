"""Snapshots: frozen figures equal plain SQL, never change when later files correct history,
refuse a second take without replace, keep what a replace superseded, and compare weeks."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from budget_metrics import Filters
from budget_metrics.progress import area_progress, kpis
from budget_metrics.snapshots import (
    compare_snapshots,
    list_snapshots,
    live_vs_snapshot,
    previous_snapshot,
    snapshot_areas,
    snapshot_for,
    snapshot_kpis,
    snapshot_projects,
)
from etl.load import load_files
from etl.snapshot import (
    SnapshotExists,
    default_as_of,
    take_snapshot,
    take_weekly,
    weekly_dates,
)
from tests.overview_figures import app_figures

AS_OF = date(2019, 9, 13)
WEEK_BEFORE = date(2019, 9, 6)
ROOT = Path(__file__).resolve().parents[1]


def sql_project_figures(db, as_of) -> dict[str, tuple[Decimal, Decimal]]:
    """project_code -> (current allocation, disbursed) as of a date, from raw tables."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        alloc = dict(
            con.execute("SELECT project_code, allocated_amount FROM projects WHERE fiscal_year = 2562").fetchall()
        )
        for code, amount in con.execute(
            "SELECT to_project_code, sum(amount) FROM reallocations WHERE approved_date <= ? "
            "AND to_project_code IS NOT NULL GROUP BY 1",
            [as_of],
        ).fetchall():
            if code in alloc:
                alloc[code] += amount
        for code, amount in con.execute(
            "SELECT from_project_code, sum(amount) FROM reallocations WHERE approved_date <= ? "
            "AND from_project_code IS NOT NULL GROUP BY 1",
            [as_of],
        ).fetchall():
            if code in alloc:
                alloc[code] -= amount
        paid = dict(
            con.execute(
                "SELECT project_code, sum(amount) FROM disbursements WHERE source = 'current' "
                "AND posting_date <= ? GROUP BY 1",
                [as_of],
            ).fetchall()
        )
    finally:
        con.close()
    return {code: (Decimal(a), Decimal(paid.get(code, 0))) for code, a in alloc.items()}


def stored_rows(db, snapshot_id) -> dict[str, tuple]:
    """project_code -> (current_allocation, disbursed, flag_codes) straight from the table."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {
            code: (alloc, paid, flags)
            for code, alloc, paid, flags in con.execute(
                "SELECT project_code, current_allocation, disbursed, flag_codes FROM snapshot_projects "
                "WHERE snapshot_id = ?",
                [snapshot_id],
            ).fetchall()
        }
    finally:
        con.close()


@pytest.fixture()
def snapped(demo_db_copy):
    """A demo copy with one snapshot as of 13 Sep 2019."""
    result = take_snapshot(2562, AS_OF, db_path=demo_db_copy)
    return demo_db_copy, result


def test_snapshot_stores_every_project_as_sql_says(snapped):
    db, result = snapped
    expected = sql_project_figures(db, AS_OF)
    rows = stored_rows(db, result.snapshot_id)
    assert result.projects == len(expected) == len(rows)
    for code, (alloc, paid) in expected.items():
        assert rows[code][:2] == (alloc, paid), code
    con = duckdb.connect(str(db), read_only=True)
    try:
        header = con.execute("SELECT fiscal_year, as_of, status, source_load_ids FROM snapshots").fetchone()
        load_ids = ",".join(
            str(r[0])
            for r in con.execute("SELECT load_id FROM loads WHERE status <> 'refused' ORDER BY load_id").fetchall()
        )
        carried = con.execute("SELECT sum(amount) FROM carryovers WHERE approved_date <= ?", [AS_OF]).fetchone()[0]
        stored_carried = con.execute("SELECT sum(carryover_amount) FROM snapshot_projects").fetchone()[0]
        assets = con.execute(
            "SELECT count(*) FROM asset_transfers WHERE completed_date IS NULL OR completed_date <= ?", [AS_OF]
        ).fetchone()[0]
        stored_assets = con.execute("SELECT sum(assets_total) FROM snapshot_projects").fetchone()[0]
    finally:
        con.close()
    assert header == (2562, AS_OF, "current", load_ids)
    assert stored_carried == carried
    assert stored_assets == assets


def test_snapshot_totals_equal_the_dashboard(snapped):
    db, result = snapped
    frozen, live = snapshot_kpis(result.snapshot_id), kpis(Filters(as_of=AS_OF))
    assert (frozen.current_allocation, frozen.disbursed, frozen.committed) == (
        live.current_allocation,
        live.disbursed,
        live.committed,
    )
    for line in ("overall", "investment"):
        assert frozen.line(line).allocation == live.line(line).allocation, line
        assert frozen.line(line).disbursed == live.line(line).disbursed, line
        assert frozen.line(line).target_pct == pytest.approx(live.line(line).target_pct), line
        assert frozen.line(line).gap_baht == live.line(line).gap_baht, line
        assert frozen.line(line).status == live.line(line).status, line
    # the investment line is summed from the frozen investment rows only (plain SQL)
    con = duckdb.connect(str(db), read_only=True)
    try:
        inv_current, inv_paid = con.execute(
            "SELECT sum(current_allocation), sum(disbursed) FROM snapshot_projects "
            "WHERE snapshot_id = ? AND budget_type = 'investment'",
            [result.snapshot_id],
        ).fetchone()
    finally:
        con.close()
    assert (frozen.investment.allocation, frozen.investment.disbursed) == (inv_current, inv_paid)
    areas = snapshot_areas(result.snapshot_id, "province").set_index("code")
    live_areas = area_progress(Filters(as_of=AS_OF), "province").set_index("code").loc[areas.index]
    for column in ("overall_pct", "investment_pct", "overall_gap_points", "investment_gap_points"):
        assert list(areas[column]) == pytest.approx(list(live_areas[column])), column
    assert list(areas["status"]) == list(live_areas["status"])
    provinces = snapshot_areas(result.snapshot_id, "province")
    assert (
        Decimal(str(round(provinces["disbursed"].sum(), 2)))
        == kpis(Filters(as_of=AS_OF, plan_type="province")).disbursed
    )


def test_same_date_again_refuses_and_replace_keeps_the_old_one(snapped):
    db, first = snapped
    with pytest.raises(SnapshotExists, match="--replace"):
        take_snapshot(2562, AS_OF, db_path=db)
    second = take_snapshot(2562, AS_OF, replace=True, db_path=db)
    assert second.replaced_snapshot_id == first.snapshot_id
    assert snapshot_for(2562, AS_OF) == second.snapshot_id
    everything = list_snapshots(2562, include_replaced=True)
    status = dict(zip(everything["snapshot_id"], everything["status"], strict=True))
    assert status == {first.snapshot_id: "replaced", second.snapshot_id: "current"}
    assert list(list_snapshots(2562)["snapshot_id"]) == [second.snapshot_id]
    assert stored_rows(db, first.snapshot_id) == stored_rows(db, second.snapshot_id)  # the old rows stay


def test_correcting_file_changes_live_figures_not_the_snapshot(snapped, tmp_path):
    db, result = snapped
    before = stored_rows(db, result.snapshot_id)
    code = min(before)
    correction = tmp_path / "disbursements_late_correction.csv"
    correction.write_text(
        f"doc_no,project_code,posting_date,amount,source\nCORR-0001,{code},2019-09-02,-1234.56,current\n",
        encoding="utf-8",
    )
    [loaded] = load_files([correction], db_path=db)
    assert loaded.status == "loaded"

    assert stored_rows(db, result.snapshot_id) == before  # frozen
    live = sql_project_figures(db, AS_OF)
    assert live[code][1] == before[code][1] - Decimal("1234.56")  # live view moved
    assert kpis(Filters(as_of=AS_OF)).disbursed == snapshot_kpis(result.snapshot_id).disbursed - Decimal("1234.56")

    differences = live_vs_snapshot(result.snapshot_id)
    disbursed = differences[differences["column"] == "disbursed"]
    assert list(disbursed["project_code"]) == [code]
    assert disbursed["difference"].iloc[0] == pytest.approx(-1234.56)
    assert set(differences["project_code"]) == {code}  # nothing else differs


def test_unchanged_data_shows_no_difference(snapped):
    _, result = snapped
    assert live_vs_snapshot(result.snapshot_id).empty


def test_week_over_week_deltas_movers_and_flags(snapped):
    db, current = snapped
    previous = take_snapshot(2562, WEEK_BEFORE, db_path=db)
    assert previous_snapshot(current.snapshot_id) == previous.snapshot_id
    comparison = compare_snapshots(current.snapshot_id, previous.snapshot_id)

    now_rows, before_rows = stored_rows(db, current.snapshot_id), stored_rows(db, previous.snapshot_id)
    paid_change = sum(r[1] for r in now_rows.values()) - sum(r[1] for r in before_rows.values())
    assert comparison.deltas["disbursed"] == paid_change

    newly = {c for c, r in now_rows.items() if r[2] and not before_rows[c][2]}
    cleared = {c for c, r in before_rows.items() if r[2] and not now_rows[c][2]}
    assert set(comparison.newly_flagged["project_code"]) == newly
    assert set(comparison.cleared["project_code"]) == cleared

    def pct(row):
        return float(row[1] / row[0] * 100) if row[0] > 0 else 0.0

    moves = sorted((abs(pct(now_rows[c]) - pct(before_rows[c])) for c in now_rows), reverse=True)
    movers = comparison.project_movers
    assert len(movers) == 10
    assert list(movers["change_points"].abs()) == pytest.approx(moves[:10])
    assert len(comparison.province_movers) == 10
    assert comparison.province_movers["name_th"].notna().all()


def test_frozen_rows_filter_by_area(snapped):
    db, result = snapped
    rows = snapshot_projects(result.snapshot_id, Filters(province="50"))
    con = duckdb.connect(str(db), read_only=True)
    try:
        count = con.execute("SELECT count(*) FROM projects WHERE owner_type = 'province' AND owner = '50'").fetchone()[
            0
        ]
    finally:
        con.close()
    assert len(rows) == count and set(rows["province_code"]) == {"50"}


def test_weekly_fills_every_friday_with_data(demo_db_copy):
    con = duckdb.connect(str(demo_db_copy))
    try:  # a smaller copy keeps this test quick: one province's plan only
        con.execute("DELETE FROM projects WHERE NOT (owner_type = 'province' AND owner = '50')")
        latest = con.execute(
            "SELECT max(posting_date) FROM disbursements WHERE project_code IN (SELECT project_code FROM projects)"
        ).fetchone()[0]
    finally:
        con.close()
    end = min(latest, date(2019, 9, 30))
    fridays = [
        d for d in (date(2018, 10, 5) + (date(2018, 10, 12) - date(2018, 10, 5)) * n for n in range(60)) if d <= end
    ]
    assert weekly_dates(2562) == fridays
    assert default_as_of(2562) == fridays[-1]
    done = take_weekly(2562, db_path=demo_db_copy, log=lambda message: None)
    assert [r.as_of for r in done] == fridays
    assert take_weekly(2562, db_path=demo_db_copy, log=lambda message: None) == []  # all there: skipped


def test_weekly_page_compares_two_weeks(snapped):
    from streamlit.testing.v1 import AppTest

    db, current = snapped
    take_snapshot(2562, WEEK_BEFORE, db_path=db)
    script = f"""
import streamlit as st
from ui.context import set_page_context
from ui.controls import global_controls
page = st.Page({str(ROOT / "pages" / "weekly.py")!r}, url_path="weekly", title="weekly")
navigation = st.navigation([page])
set_page_context(global_controls())
navigation.run()
"""
    app = AppTest.from_string(script, default_timeout=120)
    app.run()
    assert not app.exception and not app.error
    assert app.title[0].value == "รายงานประจำสัปดาห์"
    shown = app_figures(app)  # the comparison's first screen is HTML (tests/overview_figures.py)
    frozen_now, frozen_before = snapshot_kpis(current.snapshot_id), snapshot_kpis(current.snapshot_id + 1)
    change = (frozen_now.disbursed - frozen_before.disbursed) / 1_000_000
    assert shown["disbursed_change"].split()[0] == f"{float(change):+,.2f}"
    assert shown["investment.gap_points"] == f"{frozen_now.investment.gap_points:+.2f}"
    pct_change = frozen_now.investment.pct - frozen_before.investment.pct
    assert shown["investment.week_points"] == f"{pct_change:+.2f}"
    assert not app.dataframe  # every grid one click away: open the snapshot list and the comparison's tables
    app.session_state["weekly_all_snapshots.th"] = app.session_state["weekly_tables.th"] = True
    app.run()
    assert not app.exception and not app.error
    assert len(app.dataframe) >= 3  # snapshot list and the two movers tables


def test_dashboard_helpers_find_the_snapshot_of_the_date(snapped):
    from budget_metrics.snapshots import live_differences, week_over_week

    db, current = snapped
    assert week_over_week(Filters(as_of=AS_OF)) is None  # no earlier snapshot yet
    previous = take_snapshot(2562, WEEK_BEFORE, db_path=db)
    comparison = week_over_week(Filters(as_of=AS_OF, province="50"))
    assert (comparison.current.snapshot_id, comparison.previous.snapshot_id) == (
        current.snapshot_id,
        previous.snapshot_id,
    )
    con = duckdb.connect(str(db), read_only=True)
    try:
        count = con.execute("SELECT count(*) FROM projects WHERE owner_type = 'province' AND owner = '50'").fetchone()[
            0
        ]
    finally:
        con.close()
    assert comparison.current.projects == count
    assert live_differences(Filters(as_of=date(2019, 9, 20)))[0] is None
    snapshot_id, differences = live_differences(Filters(as_of=AS_OF))
    assert snapshot_id == current.snapshot_id and differences.empty


def test_stored_committed_is_what_the_data_dictionary_says(snapped):
    """docs/data-dictionary.md: committed = the larger of the contract amount signed by as_of
    (0 without one) and disbursed; money_at_risk = current allocation - disbursed, at least 0."""
    db, result = snapped
    con = duckdb.connect(str(db), read_only=True)
    try:
        wrong = con.execute(
            """SELECT count(*) FROM snapshot_projects s JOIN projects p USING (project_code)
               WHERE s.snapshot_id = ? AND (
                     s.committed <> greatest(CASE WHEN p.contract_date IS NULL OR p.contract_date <= ?
                                                  THEN coalesce(p.contract_amount, 0) ELSE 0 END,
                                             s.disbursed)
                  OR s.money_at_risk <> greatest(s.current_allocation - s.disbursed, 0))""",
            [result.snapshot_id, AS_OF],
        ).fetchone()[0]
        paid_without_contract = con.execute(
            """SELECT count(*) FROM snapshot_projects WHERE snapshot_id = ? AND contract_amount IS NULL
               AND disbursed > 0 AND committed = disbursed""",
            [result.snapshot_id],
        ).fetchone()[0]
    finally:
        con.close()
    assert wrong == 0
    assert paid_without_contract > 0  # the case the old wording ("0 without contract") got wrong
    text = (ROOT / "docs" / "data-dictionary.md").read_text(encoding="utf-8")
    row = next(line for line in text.splitlines() if line.startswith("| `committed` | DECIMAL(18,2) |"))
    assert "larger of" in row and "disbursed" in row
