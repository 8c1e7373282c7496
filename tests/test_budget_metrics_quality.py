"""Load log, rejected rows, data freshness and reconciliation warnings against plain SQL."""

from __future__ import annotations

from datetime import date

import duckdb
import pytest

from budget_metrics import Filters
from budget_metrics.quality import (
    data_freshness,
    load_log,
    reconciliation_warnings,
    reject_options,
    rejected_rows,
)
from tests.etl_fixtures import query

AS_OF = date(2019, 9, 13)


def test_load_log_lists_every_load(demo_db):
    (count,) = query(demo_db, "SELECT count(*) FROM loads")[0]
    log = load_log()
    assert len(log) == count and count > 0
    assert log["status_th"].notna().all()
    assert (
        log["load_id"].iloc[0]
        == query(demo_db, "SELECT load_id FROM loads ORDER BY started_at DESC, load_id DESC LIMIT 1")[0][0]
    )


def test_rejected_rows_filter_by_load_file_and_reason(demo_db):
    (total,) = query(demo_db, "SELECT count(*) FROM rejects")[0]
    assert total > 0, "the demo data should include rejected rows"
    assert len(rejected_rows()) == total
    load_id, file_name, reason = query(
        demo_db, "SELECT load_id, file_name, reason_code FROM rejects ORDER BY load_id, row_number LIMIT 1"
    )[0]
    (by_load,) = query(demo_db, "SELECT count(*) FROM rejects WHERE load_id = ?", [load_id])[0]
    (by_file,) = query(demo_db, "SELECT count(*) FROM rejects WHERE file_name = ?", [file_name])[0]
    (by_reason,) = query(demo_db, "SELECT count(*) FROM rejects WHERE reason_code = ?", [reason])[0]
    assert len(rejected_rows(load_id=load_id)) == by_load
    assert len(rejected_rows(file_name=file_name)) == by_file
    assert len(rejected_rows(reason_code=reason)) == by_reason
    assert rejected_rows(reason_code="no-such-reason").empty
    options = reject_options()
    assert options["reasons"]["rows"].sum() == total
    assert reason in set(options["reasons"]["reason_code"])


def test_latest_data_date_per_province_and_staleness(demo_db):
    (stale_days,) = query(demo_db, "SELECT value FROM thresholds WHERE name = 'stale_data_days'")[0]
    (overall,) = query(
        demo_db,
        """SELECT max(d.posting_date) FROM disbursements d JOIN projects p USING (project_code)
           WHERE p.fiscal_year = 2562 AND d.posting_date <= ?""",
        [AS_OF],
    )[0]
    rows = query(
        demo_db,
        """SELECT p.owner, max(d.posting_date) FROM projects p
           LEFT JOIN disbursements d ON d.project_code = p.project_code AND d.posting_date <= ?
           WHERE p.fiscal_year = 2562 AND p.owner_type = 'province' GROUP BY 1""",
        [AS_OF],
    )
    expected = {code: latest for code, latest in rows}
    table = data_freshness(Filters(as_of=AS_OF)).set_index("code")
    assert len(table) == 76
    for code, latest in expected.items():
        assert table.loc[code, "latest_data_date"] == latest
        assert table.loc[code, "overall_latest"] == overall
        is_stale = latest is None or (overall - latest).days > stale_days
        assert bool(table.loc[code, "stale"]) == is_stale, code


def test_freshness_respects_area_filters(demo_db):
    assert len(data_freshness(Filters(as_of=AS_OF, province="50"))) == 1
    assert len(data_freshness(Filters(as_of=AS_OF, cluster="C01"))) == 4
    assert len(data_freshness(Filters(as_of=AS_OF, cluster="C01"), level="cluster")) == 1
    (north,) = query(demo_db, "SELECT count(*) FROM provinces WHERE region = 'north'")[0]
    assert len(data_freshness(Filters(as_of=AS_OF, region="north"))) == north


def test_no_warnings_on_demo_data(demo_db):
    assert reconciliation_warnings(Filters(as_of=AS_OF)).empty
    assert reconciliation_warnings(Filters()).empty


def test_broken_copy_raises_each_warning(demo_db_copy):
    con = duckdb.connect(str(demo_db_copy))
    try:
        code, carried = con.execute(
            "SELECT project_code, amount FROM carryovers ORDER BY project_code LIMIT 1"
        ).fetchone()
        other, allocated = con.execute(
            "SELECT project_code, allocated_amount FROM projects ORDER BY project_code LIMIT 1"
        ).fetchone()
        con.execute(
            "INSERT INTO disbursements (doc_no, project_code, posting_date, amount, source, load_id) "
            "VALUES ('BROKEN-C', ?, DATE '2020-01-15', ?, 'carryover', 0)",
            [code, carried],
        )  # on top of what was already paid: over the carried amount
        con.execute(
            "INSERT INTO disbursements (doc_no, project_code, posting_date, amount, source, load_id) "
            "VALUES ('BROKEN-D', ?, DATE '2019-06-02', ?, 'current', 0)",
            [other, allocated * 2],
        )
        con.execute(
            "INSERT INTO reallocations (ref_no, approved_date, from_project_code, to_project_code, "
            "amount, kind, reason, load_id) VALUES ('BROKEN-R', DATE '2019-06-01', NULL, 'NO-SUCH', "
            "500.00, 'change', 'test', 0)"
        )
        (paid,) = con.execute(
            "SELECT sum(amount) FROM disbursements WHERE project_code = ? "
            "AND source = 'carryover' AND posting_date <= DATE '2020-02-01'",
            [code],
        ).fetchone()
    finally:
        con.close()
    warnings = reconciliation_warnings(Filters(as_of=date(2020, 2, 1)))
    checks = set(warnings["check"])
    assert {"carryover_overpaid", "disbursed_over_allocation", "unknown_project"} <= checks
    over = warnings[warnings["check"] == "carryover_overpaid"].set_index("project_code")
    assert over.loc[code, "amount"] == pytest.approx(float(paid - carried), abs=0.005)
    assert warnings["check_th"].str.len().gt(0).all()


def test_after_year_end_areas_without_open_carryover_are_closed_not_stale(demo_db):
    day = date(2020, 3, 31)
    rows = query(
        demo_db,
        """SELECT p.owner, count(c.project_code) FILTER (
                      WHERE c.approved_date <= ? AND c.amount - coalesce((
                          SELECT sum(d.amount) FROM disbursements d WHERE d.project_code = c.project_code
                            AND d.source = 'carryover' AND d.posting_date <= ?), 0) > 0)
           FROM projects p LEFT JOIN carryovers c USING (project_code)
           WHERE p.fiscal_year = 2562 AND p.owner_type = 'province' GROUP BY 1""",
        [day, day],
    )
    table = data_freshness(Filters(as_of=day)).set_index("code")
    closed = {code for code, open_count in rows if open_count == 0}
    assert closed, "some demo provinces should have no carry-over left to pay"
    assert set(table.index[table["status"] == "closed"]) == closed
    assert not table.loc[sorted(closed), "stale"].any()
