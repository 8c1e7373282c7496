"""Reallocation ledger, flows, savings and reconciliation against plain SQL on the demo data."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import duckdb
import pytest

from budget_metrics import Filters
from budget_metrics.reallocations import (
    NEW_MONEY,
    RETURNED,
    flows,
    ledger,
    net_by_area,
    overspent_projects,
    reconciliation,
    reconciliation_mismatches,
    savings_summary,
)
from tests.etl_fixtures import query

AS_OF = date(2019, 9, 13)
PROVINCE_CODES = "SELECT project_code FROM projects WHERE owner_type = 'province' AND owner = ?"


def _busiest_province(db):
    return query(
        db,
        """SELECT p.owner FROM reallocations r JOIN projects p ON p.project_code = r.from_project_code
           WHERE p.owner_type = 'province' GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1""",
    )[0][0]


def test_ledger_for_a_province_equals_plain_sql(demo_db):
    province = _busiest_province(demo_db)
    expected = query(
        demo_db,
        f"""SELECT ref_no, amount FROM reallocations WHERE approved_date <= ?
            AND (from_project_code IN ({PROVINCE_CODES}) OR to_project_code IN ({PROVINCE_CODES}))""",
        [AS_OF, province, province],
    )
    frame = ledger(Filters(as_of=AS_OF, province=province))
    assert sorted(frame["ref_no"]) == sorted(r[0] for r in expected)
    assert frame["amount"].sum() == pytest.approx(float(sum(r[1] for r in expected)), abs=0.5)
    assert list(frame["approved_date"]) == sorted(frame["approved_date"], reverse=True)
    named = frame[frame["from_project_code"].notna()]
    assert named["from_project_name"].notna().all()


def test_national_ledger_holds_every_row_approved_by_the_date(demo_db):
    (count,) = query(demo_db, "SELECT count(*) FROM reallocations WHERE approved_date <= ?", [AS_OF])[0]
    assert len(ledger(Filters(as_of=AS_OF))) == count


def test_net_per_province_equals_plain_sql(demo_db):
    province = _busiest_province(demo_db)
    (moved_in,) = query(
        demo_db,
        f"SELECT coalesce(sum(amount), 0) FROM reallocations "
        f"WHERE approved_date <= ? AND to_project_code IN ({PROVINCE_CODES})",
        [AS_OF, province],
    )[0]
    (moved_out,) = query(
        demo_db,
        f"SELECT coalesce(sum(amount), 0) FROM reallocations "
        f"WHERE approved_date <= ? AND from_project_code IN ({PROVINCE_CODES})",
        [AS_OF, province],
    )[0]
    table = net_by_area(Filters(as_of=AS_OF), "province").set_index("code")
    assert table.loc[province, "moved_in"] == pytest.approx(float(moved_in), abs=0.005)
    assert table.loc[province, "moved_out"] == pytest.approx(float(moved_out), abs=0.005)
    assert table.loc[province, "net"] == pytest.approx(float(moved_in - moved_out), abs=0.005)


def test_net_per_cluster_adds_up_to_national_in_and_out(demo_db):
    (moved_in,) = query(
        demo_db,
        "SELECT coalesce(sum(amount), 0) FROM reallocations WHERE approved_date <= ? AND to_project_code IS NOT NULL",
        [AS_OF],
    )[0]
    (moved_out,) = query(
        demo_db,
        "SELECT coalesce(sum(amount), 0) FROM reallocations WHERE approved_date <= ? AND from_project_code IS NOT NULL",
        [AS_OF],
    )[0]
    table = net_by_area(Filters(as_of=AS_OF), "cluster")
    assert table["moved_in"].sum() == pytest.approx(float(moved_in), abs=0.5)
    assert table["moved_out"].sum() == pytest.approx(float(moved_out), abs=0.5)


def test_savings_generated_reallocated_returned_equal_plain_sql(demo_db):
    (generated,) = query(
        demo_db,
        """SELECT coalesce(sum(allocated_amount - contract_amount), 0) FROM projects
           WHERE fiscal_year = 2562 AND contract_date <= ? AND contract_amount < allocated_amount""",
        [AS_OF],
    )[0]
    (reallocated,) = query(
        demo_db,
        """SELECT coalesce(sum(amount), 0) FROM reallocations WHERE approved_date <= ?
           AND kind IN ('savings', 'change') AND from_project_code IS NOT NULL
           AND to_project_code IS NOT NULL""",
        [AS_OF],
    )[0]
    (returned,) = query(
        demo_db,
        """SELECT coalesce(sum(amount), 0) FROM reallocations WHERE approved_date <= ?
           AND from_project_code IS NOT NULL AND (kind = 'return' OR to_project_code IS NULL)""",
        [AS_OF],
    )[0]
    (new_money,) = query(
        demo_db,
        "SELECT coalesce(sum(amount), 0) FROM reallocations WHERE approved_date <= ? AND from_project_code IS NULL",
        [AS_OF],
    )[0]
    summary = savings_summary(Filters(as_of=AS_OF))
    assert summary.generated == Decimal(generated) and generated > 0
    assert summary.reallocated == Decimal(reallocated) and reallocated > 0
    assert summary.returned == Decimal(returned) and returned > 0
    assert summary.new_money == Decimal(new_money)
    assert summary.unused == Decimal(generated) - Decimal(reallocated) - Decimal(returned)


def test_flows_carry_every_ledger_baht_with_special_nodes(demo_db):
    (total,) = query(demo_db, "SELECT sum(amount) FROM reallocations WHERE approved_date <= ?", [AS_OF])[0]
    frame = flows(Filters(as_of=AS_OF))
    assert frame["amount"].sum() == pytest.approx(float(total), abs=0.5)
    (returned,) = query(
        demo_db,
        "SELECT coalesce(sum(amount), 0) FROM reallocations WHERE approved_date <= ? AND to_project_code IS NULL",
        [AS_OF],
    )[0]
    assert frame.loc[frame["target"] == RETURNED, "amount"].sum() == pytest.approx(float(returned), abs=0.5)
    (new_money,) = query(
        demo_db,
        "SELECT coalesce(sum(amount), 0) FROM reallocations WHERE approved_date <= ? AND from_project_code IS NULL",
        [AS_OF],
    )[0]
    assert frame.loc[frame["source"] == NEW_MONEY, "amount"].sum() == pytest.approx(float(new_money), abs=0.5)
    assert frame["source_th"].notna().all() and frame["target_th"].notna().all()


def test_reconciliation_balances_on_demo_data(demo_db):
    frame = reconciliation(Filters(as_of=AS_OF))
    (count,) = query(demo_db, "SELECT count(*) FROM projects WHERE fiscal_year = 2562")[0]
    assert len(frame) == count
    assert frame["matches"].all()
    assert reconciliation_mismatches(Filters()).empty
    # original + in - out, by hand, for one project that moved money
    code, allocated = query(
        demo_db,
        """SELECT p.project_code, p.allocated_amount FROM projects p
           WHERE p.project_code IN (SELECT from_project_code FROM reallocations WHERE approved_date <= ?)
           ORDER BY 1 LIMIT 1""",
        [AS_OF],
    )[0]
    (moved_in,) = query(
        demo_db,
        "SELECT coalesce(sum(amount), 0) FROM reallocations WHERE approved_date <= ? AND to_project_code = ?",
        [AS_OF, code],
    )[0]
    (moved_out,) = query(
        demo_db,
        "SELECT coalesce(sum(amount), 0) FROM reallocations WHERE approved_date <= ? AND from_project_code = ?",
        [AS_OF, code],
    )[0]
    row = frame.set_index("project_code").loc[code]
    assert row["ledger_allocation"] == pytest.approx(float(allocated + moved_in - moved_out), abs=0.005)
    assert row["current_allocation"] == pytest.approx(float(allocated + moved_in - moved_out), abs=0.005)


def test_broken_copy_shows_mismatch_and_overspending(demo_db_copy):
    con = duckdb.connect(str(demo_db_copy))
    try:
        (code,) = con.execute(
            "SELECT project_code FROM projects WHERE owner_type = 'province' ORDER BY project_code LIMIT 1"
        ).fetchone()
        (province,) = con.execute("SELECT owner FROM projects WHERE project_code = ?", [code]).fetchone()
        # money moved to a project code that exists nowhere: the ledger no longer balances
        con.execute(
            "INSERT INTO reallocations (ref_no, approved_date, from_project_code, to_project_code, "
            "amount, kind, reason, load_id) VALUES ('BROKEN-1', DATE '2019-06-01', ?, 'NO-SUCH-PROJECT', "
            "1000.00, 'change', 'test', 0)",
            [code],
        )
        # a payment larger than the whole allocation
        (current,) = con.execute("SELECT allocated_amount FROM projects WHERE project_code = ?", [code]).fetchone()
        con.execute(
            "INSERT INTO disbursements (doc_no, project_code, posting_date, amount, source, load_id) "
            "VALUES ('BROKEN-D', ?, DATE '2019-06-02', ?, 'current', 0)",
            [code, current * 3],
        )
        moved_in, moved_out, paid = con.execute(
            """SELECT (SELECT coalesce(sum(amount), 0) FROM reallocations
                       WHERE to_project_code = ? AND approved_date <= DATE '2019-09-13'),
                      (SELECT coalesce(sum(amount), 0) FROM reallocations
                       WHERE from_project_code = ? AND approved_date <= DATE '2019-09-13'),
                      (SELECT coalesce(sum(amount), 0) FROM disbursements
                       WHERE project_code = ? AND source = 'current' AND posting_date <= DATE '2019-09-13')""",
            [code, code, code],
        ).fetchone()
    finally:
        con.close()

    mismatches = reconciliation_mismatches(Filters(as_of=AS_OF))
    assert len(mismatches) == 1
    assert mismatches.iloc[0]["project_code"] == "NO-SUCH-PROJECT"
    assert not mismatches.iloc[0]["known"]
    assert mismatches.iloc[0]["ledger_allocation"] == pytest.approx(1000.0)
    # the orphan is listed for the province whose project sent the money, not for others
    assert len(reconciliation_mismatches(Filters(as_of=AS_OF, province=province))) == 1
    assert reconciliation_mismatches(Filters(as_of=AS_OF, province="96" if province != "96" else "95")).empty

    over = overspent_projects(Filters(as_of=AS_OF)).set_index("project_code")
    assert code in over.index
    assert over.loc[code, "excess"] == pytest.approx(float(paid - (current + moved_in - moved_out)), abs=0.005)


def test_flows_without_internal_moves_leave_out_same_owner_rows(demo_db):
    (internal,) = query(
        demo_db,
        """SELECT coalesce(sum(r.amount), 0) FROM reallocations r
           JOIN projects f ON f.project_code = r.from_project_code
           JOIN projects t ON t.project_code = r.to_project_code
           WHERE r.approved_date <= ? AND f.owner = t.owner""",
        [AS_OF],
    )[0]
    (total,) = query(demo_db, "SELECT sum(amount) FROM reallocations WHERE approved_date <= ?", [AS_OF])[0]
    frame = flows(Filters(as_of=AS_OF), include_internal=False)
    assert (frame["source"] != frame["target"]).all()
    assert frame["amount"].sum() == pytest.approx(float(total - internal), abs=0.5)
