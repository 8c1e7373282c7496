"""Carry-over figures against sums and rules written independently in plain SQL / Python."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from budget_metrics import Filters
from budget_metrics.carryover import (
    at_risk_carryovers,
    carryover_by_area,
    carryover_projects,
    carryover_totals,
)
from tests.etl_fixtures import query

AS_OF = date(2019, 12, 31)  # after every demo approval, before most deadlines


def _raw_carryovers(db, as_of, owner_clause="TRUE", params=()):
    """(code, amount, with_commitment, deadline, paid) per carry-over approved by as_of."""
    return query(
        db,
        f"""SELECT c.project_code, c.amount, c.with_commitment, c.deadline,
                   (SELECT coalesce(sum(d.amount), 0) FROM disbursements d
                    WHERE d.project_code = c.project_code AND d.source = 'carryover'
                      AND d.posting_date <= ?) AS paid
            FROM carryovers c JOIN projects pr USING (project_code)
            WHERE pr.fiscal_year = 2562 AND c.approved_date <= ? AND {owner_clause}""",
        [as_of, as_of, *params],
    )


def _thresholds(db):
    return dict(query(db, "SELECT name, value FROM thresholds"))


def test_national_totals_equal_plain_sql(demo_db):
    rows = _raw_carryovers(demo_db, AS_OF)
    assert rows, "the demo data should hold carry-overs"
    totals = carryover_totals(Filters(as_of=AS_OF))
    carried = sum((Decimal(r[1]) for r in rows), Decimal(0))
    paid = sum((Decimal(r[4]) for r in rows), Decimal(0))
    assert totals.projects == len(rows)
    assert totals.carried == carried
    assert totals.with_commitment == sum((Decimal(r[1]) for r in rows if r[2]), Decimal(0))
    assert totals.without_commitment == sum((Decimal(r[1]) for r in rows if not r[2]), Decimal(0))
    assert totals.paid == paid
    assert totals.remaining == carried - paid
    assert totals.pct_paid == pytest.approx(float(paid / carried * 100))


def test_carryover_paid_as_of_a_date_is_carryover_source_only(demo_db):
    day = date(2020, 1, 31)
    (paid,) = query(
        demo_db,
        """SELECT coalesce(sum(d.amount), 0) FROM disbursements d
           WHERE d.source = 'carryover' AND d.posting_date <= ?
             AND d.project_code IN (SELECT c.project_code FROM carryovers c
                                    JOIN projects p USING (project_code)
                                    WHERE p.fiscal_year = 2562 AND c.approved_date <= ?)""",
        [day, day],
    )[0]
    assert carryover_totals(Filters(as_of=day)).paid == Decimal(paid)
    assert carryover_projects(Filters(as_of=day))["paid"].sum() == pytest.approx(float(paid), abs=0.5)


def test_nothing_is_carried_before_approval(demo_db):
    (first,) = query(demo_db, "SELECT min(approved_date) FROM carryovers")[0]
    before = first - timedelta(days=1)
    totals = carryover_totals(Filters(as_of=before))
    assert totals.projects == 0 and totals.carried == 0 and totals.pct_paid is None
    assert carryover_projects(Filters(as_of=before)).empty


def test_province_filter_equals_plain_sql(demo_db):
    (province,) = query(
        demo_db,
        """SELECT pr.owner FROM carryovers c JOIN projects pr USING (project_code)
           WHERE pr.owner_type = 'province' GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1""",
    )[0]
    rows = _raw_carryovers(demo_db, AS_OF, "pr.owner_type = 'province' AND pr.owner = ?", [province])
    frame = carryover_projects(Filters(as_of=AS_OF, province=province))
    assert sorted(frame["project_code"]) == sorted(r[0] for r in rows)
    assert carryover_totals(Filters(as_of=AS_OF, province=province)).carried == sum(
        (Decimal(r[1]) for r in rows), Decimal(0)
    )


@pytest.mark.parametrize("day", [date(2020, 2, 15), date(2020, 4, 15), AS_OF])
def test_at_risk_list_follows_the_rules(demo_db, day):
    limits = _thresholds(demo_db)
    expected = set()
    for code, amount, _, deadline, paid in _raw_carryovers(demo_db, day):
        days = (deadline - day).days
        pct = float(paid) / float(amount) * 100 if amount else 0.0
        remaining = amount - paid
        past_deadline = days < 0 and remaining > 0
        near_and_slow = (
            0 <= days <= limits["carryover_risk_days"] and pct < limits["carryover_risk_paid_pct"] and remaining > 0
        )
        if past_deadline or near_and_slow:
            expected.add(code)
    risky = at_risk_carryovers(Filters(as_of=day))
    assert set(risky["project_code"]) == expected
    assert carryover_totals(Filters(as_of=day)).at_risk_projects == len(expected)
    assert list(risky["remaining"]) == sorted(risky["remaining"], reverse=True)


def test_some_demo_carryovers_are_at_risk_near_the_deadline(demo_db):
    assert not at_risk_carryovers(Filters(as_of=date(2020, 2, 15))).empty


def test_days_to_deadline_counts_from_as_of(demo_db):
    frame = carryover_projects(Filters(as_of=AS_OF))
    row = frame.iloc[0]
    assert row["days_to_deadline"] == (row["deadline"] - AS_OF).days
    assert list(frame["days_to_deadline"]) == sorted(frame["days_to_deadline"])


def test_by_province_and_cluster_add_up(demo_db):
    province_rows = _raw_carryovers(demo_db, AS_OF, "pr.owner_type = 'province'")
    by_province = carryover_by_area(Filters(as_of=AS_OF), "province")
    assert by_province["carried"].sum() == pytest.approx(float(sum(r[1] for r in province_rows)), abs=0.5)
    assert by_province["name_th"].notna().all()
    all_rows = _raw_carryovers(demo_db, AS_OF)
    by_cluster = carryover_by_area(Filters(as_of=AS_OF), "cluster")
    assert by_cluster["carried"].sum() == pytest.approx(float(sum(r[1] for r in all_rows)), abs=0.5)
    assert by_cluster["projects"].sum() == len(all_rows)


def test_empty_selection_gives_zero_not_error(demo_db):
    # Bangkok ('10') has no plan of its own.
    totals = carryover_totals(Filters(as_of=AS_OF, province="10"))
    assert totals.projects == 0 and totals.carried == 0
    assert carryover_by_area(Filters(as_of=AS_OF, province="10")).empty
