"""Lagging flags against the rules written out in plain SQL."""

from __future__ import annotations

from datetime import date

import duckdb

from budget_metrics import Filters
from budget_metrics.lagging import lagging_projects, project_flags

AS_OF = date(2019, 6, 28)

STATE = """
WITH alloc AS (
  SELECT p.project_code, p.budget_type, p.contract_date, p.planned_start, p.planned_end, p.contract_amount,
         p.allocated_amount
         + coalesce((SELECT sum(amount) FROM reallocations r WHERE r.to_project_code = p.project_code AND r.approved_date <= $d), 0)
         - coalesce((SELECT sum(amount) FROM reallocations r WHERE r.from_project_code = p.project_code AND r.approved_date <= $d), 0)
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


def test_no_contract_flag_matches_sql(demo_db):
    expected = _codes(demo_db, "budget_type = 'investment' AND (contract_date IS NULL OR contract_date > DATE '2019-03-31')")
    table = project_flags(Filters(as_of=AS_OF))
    assert _flagged(table, "no_contract") == expected
    assert expected  # the demo has some


# Not fully paid: less than 95% (reference default) of the signed contract (if signed by
# the date), or else of the allocation, is paid.
UNPAID = ("paid < 0.95 * (CASE WHEN contract_amount IS NOT NULL AND (contract_date IS NULL OR contract_date <= $d) "
          "THEN least(contract_amount, cur) ELSE cur END) - 0.005")


def test_past_end_flag_matches_sql(demo_db):
    expected = _codes(demo_db, f"planned_end < $d AND {UNPAID}")
    assert _flagged(project_flags(Filters(as_of=AS_OF)), "past_end") == expected


def test_idle_flag_matches_sql(demo_db):
    # default threshold: 12 weeks = 84 days without a payment; never paid counts from the
    # contract date, else the planned start, else 1 Oct 2018
    since = "coalesce(last_paid, CASE WHEN contract_date <= $d THEN contract_date END, planned_start, DATE '2018-10-01')"
    expected = _codes(demo_db, f"{UNPAID} AND $d - {since} > 84")
    assert _flagged(project_flags(Filters(as_of=AS_OF)), "idle") == expected


def test_behind_target_flag_matches_sql(demo_db):
    # 28 Jun 2019: overall target 77 - (2/30)*(23/3)... computed here by the published rule
    overall = 54 + 2 * 23 / 3 + (23 / 3) * 28 / 30
    investment = 45 + 2 * 20 / 3 + (20 / 3) * 28 / 30
    expected = _codes(
        demo_db,
        f"cur > 0 AND 100.0 * paid / cur < (CASE WHEN budget_type = 'investment' THEN {investment} ELSE {overall} END) - 25",
    )
    assert _flagged(project_flags(Filters(as_of=AS_OF)), "behind_target") == expected


def test_lagging_list_is_sorted_by_money_at_risk_and_explains_each_flag(demo_db):
    table = lagging_projects(Filters(as_of=AS_OF, province="50"))
    assert len(table) > 0
    risk = list(table["money_at_risk"])
    assert risk == sorted(risk, reverse=True)
    assert all(reason for reason in table["reasons_th"])
    assert (table["money_at_risk"] >= 0).all()
