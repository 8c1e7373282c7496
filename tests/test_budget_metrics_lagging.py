"""Lagging flags against the rules written out in plain SQL."""

from __future__ import annotations

from datetime import date, timedelta

import duckdb
import pytest

from budget_metrics import Filters
from budget_metrics.lagging import lagging_projects, project_flags
from etl.load import load_files
from tests.etl_fixtures import (
    DISB_HEADERS,
    PROJECT_HEADERS,
    REALLOC_HEADERS,
    scalar,
    write_csv,
)

AS_OF = date(2019, 6, 28)

STATE = """
WITH alloc AS (
  SELECT p.project_code, p.budget_type, p.contract_date, p.planned_start, p.planned_end, p.contract_amount,
         p.allocated_amount
         + coalesce((SELECT sum(amount) FROM reallocations r
                     WHERE r.to_project_code = p.project_code AND r.approved_date <= $d), 0)
         - coalesce((SELECT sum(amount) FROM reallocations r
                     WHERE r.from_project_code = p.project_code AND r.approved_date <= $d), 0)
           AS cur,
         coalesce((SELECT sum(amount) FROM disbursements x WHERE x.project_code = p.project_code
                   AND x.source = 'current' AND x.posting_date <= $d), 0) AS paid,
         (SELECT max(posting_date) FROM disbursements x WHERE x.project_code = p.project_code
                   AND x.amount > 0 AND x.posting_date <= $d) AS last_paid
  FROM projects p WHERE p.fiscal_year = 2562)
"""


def _codes(db, where):
    con = duckdb.connect(str(db), read_only=True)
    try:
        rows = con.execute(f"{STATE} SELECT project_code FROM alloc WHERE {where}", {"d": AS_OF}).fetchall()
    finally:
        con.close()
    return {code for (code,) in rows}


def _flagged(table, flag):
    return set(table.loc[table[f"flag_{flag}"], "project_code"])


# Not fully paid: less than 95% (reference default) of the signed contract (if signed by
# the date), or else of the allocation, is paid.
UNPAID = (
    "paid < 0.95 * (CASE WHEN contract_amount IS NOT NULL AND (contract_date IS NULL OR contract_date <= $d) "
    "THEN least(contract_amount, cur) ELSE cur END) - 0.005"
)


def test_no_contract_flag_matches_sql(demo_db):
    # investment, money still allocated and still to pay, still no contract on the date, past the
    # 31 Mar cut-off (issue 15: a contract signed after the cut-off is the late_contract flag instead)
    expected = _codes(
        demo_db,
        f"budget_type = 'investment' AND cur > 0 AND (contract_date IS NULL OR contract_date > $d) AND {UNPAID}",
    )
    late = _codes(
        demo_db,
        "budget_type = 'investment' AND cur > 0 "
        f"AND contract_date > DATE '2019-03-31' AND contract_date <= $d AND {UNPAID}",
    )
    table = project_flags(Filters(as_of=AS_OF))
    assert _flagged(table, "no_contract") == expected
    assert _flagged(table, "late_contract") == late
    assert expected and late  # the demo has both


def test_past_end_flag_matches_sql(demo_db):
    expected = _codes(demo_db, f"planned_end < $d AND {UNPAID}")
    assert _flagged(project_flags(Filters(as_of=AS_OF)), "past_end") == expected


def test_idle_flag_matches_sql(demo_db):
    # default threshold: 12 weeks = 84 days or more without a payment; never paid counts from
    # the contract date, else the planned start, else 1 Oct 2018
    since = (
        "coalesce(last_paid, CASE WHEN contract_date <= $d THEN contract_date END, planned_start, DATE '2018-10-01')"
    )
    expected = _codes(demo_db, f"{UNPAID} AND $d - {since} >= 84")
    assert _flagged(project_flags(Filters(as_of=AS_OF)), "idle") == expected


def test_behind_target_flag_matches_sql(demo_db):
    # 28 Jun 2019: overall target 77 - (2/30)*(23/3)... computed here by the published rule
    overall = 54 + 2 * 23 / 3 + (23 / 3) * 28 / 30
    investment = 45 + 2 * 20 / 3 + (20 / 3) * 28 / 30
    expected = _codes(
        demo_db,
        f"cur > 0 AND 100.0 * paid / cur"
        f" < (CASE WHEN budget_type = 'investment' THEN {investment} ELSE {overall} END) - 25"
        f" AND {UNPAID}",  # issue 15: a fully paid project (the rest is savings) carries no flag
    )
    assert _flagged(project_flags(Filters(as_of=AS_OF)), "behind_target") == expected


def test_lagging_list_is_sorted_by_money_at_risk_and_explains_each_flag(demo_db):
    table = lagging_projects(Filters(as_of=AS_OF, province="50"))
    assert len(table) > 0
    risk = list(table["money_at_risk"])
    assert risk == sorted(risk, reverse=True)
    assert all(reason for reason in table["reasons_th"])
    assert (table["money_at_risk"] >= 0).all()


# ---------------------------------------------------------------- boundaries, on purpose-built files
LAST_PAID = date(2019, 3, 1)
CONTRACT_HEADERS = [*PROJECT_HEADERS, "วันที่ลงนามสัญญา"]


@pytest.fixture()
def boundary_db(tmp_path, monkeypatch):
    """Three investment projects in Chiang Mai, loaded through the real ETL:
    I01 contracted 900,000 on 1 Nov 2018 and last paid 100,000 on 1 Mar 2019 (not fully paid);
    Z01 allocated 500,000 with no contract, all of it returned on 1 Feb 2019 (allocation 0);
    N01 allocated 500,000 with no contract (the control for the no-contract rule)."""
    folder = tmp_path / "files"
    folder.mkdir()
    write_csv(
        folder / "projects.csv",
        [
            CONTRACT_HEADERS,
            ["I01", "2562", "เชียงใหม่", "ถนน", "งบลงทุน", "อบจ.", "1,000,000.00", "900,000.00", "01/11/2561"],
            ["Z01", "2562", "เชียงใหม่", "ฝาย", "งบลงทุน", "อบต.", "500,000.00", "", ""],
            ["N01", "2562", "เชียงใหม่", "อาคาร", "งบลงทุน", "อบต.", "500,000.00", "", ""],
        ],
    )
    write_csv(
        folder / "disbursements.csv",
        [DISB_HEADERS, ["D1", "I01", LAST_PAID.isoformat(), "100,000.00", "งบประมาณปีปัจจุบัน"]],
    )
    write_csv(
        folder / "reallocations.csv", [REALLOC_HEADERS, ["R1", "2019-02-01", "Z01", "", "500,000.00", "ส่งคืน", "ไม่ใช้งบ"]]
    )
    db = tmp_path / "budget.duckdb"
    results = load_files([folder], db_path=db)
    assert [r.status for r in results] == ["loaded"] * 3, [r.message for r in results]
    monkeypatch.setenv("BUDGET_DB", str(db))
    return db


def _flags_of(code: str, as_of: date) -> list[str]:
    table = project_flags(Filters(as_of=as_of)).set_index("project_code")
    return table.loc[code, "flags"]


@pytest.mark.parametrize(("days", "flagged"), [(83, False), (84, True), (85, True)])
def test_idle_boundary_is_84_days_inclusive(boundary_db, days, flagged):
    # thresholds.toml: idle_weeks = 12, i.e. 84 days; the 84th day without payment is flagged
    as_of = LAST_PAID + timedelta(days=days)
    assert ("idle" in _flags_of("I01", as_of)) is flagged
    assert scalar(boundary_db, "SELECT max(posting_date) FROM disbursements WHERE project_code = 'I01'") == LAST_PAID


def test_project_with_all_allocation_transferred_out_is_not_flagged_for_no_contract(boundary_db):
    as_of = date(2019, 6, 28)  # past the 31 Mar cut-off
    # plain SQL: Z01's current allocation is 0 by then, N01's is untouched
    assert (
        scalar(
            boundary_db,
            "SELECT allocated_amount - (SELECT sum(amount) FROM reallocations "
            "WHERE from_project_code = 'Z01') FROM projects WHERE project_code = 'Z01'",
        )
        == 0
    )
    assert "no_contract" in _flags_of("N01", as_of)
    assert _flags_of("Z01", as_of) == []  # nothing left to contract, pay or chase
