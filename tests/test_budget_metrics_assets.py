"""Asset transfer counts, overdue list and ageing against plain SQL date comparisons."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from budget_metrics import Filters
from budget_metrics.assets import (
    ageing,
    asset_list,
    assets_by_area,
    overdue_assets,
    status_summary,
)
from tests.etl_fixtures import query

AS_OF = date(2019, 9, 13)
# Transferred as of a date, written plainly: dated on or before it, or marked without a date.
TRANSFERRED = "coalesce(a.transferred_date <= ?, a.status = 'transferred')"


def _overdue_days(db):
    return query(db, "SELECT value FROM thresholds WHERE name = 'asset_overdue_days'")[0][0]


def test_overdue_count_equals_direct_date_comparison(demo_db):
    limit = _overdue_days(demo_db)
    cutoff = AS_OF - timedelta(days=int(limit))
    (count, value) = query(
        demo_db,
        f"""SELECT count(*), coalesce(sum(a.value), 0) FROM asset_transfers a
            JOIN projects p USING (project_code)
            WHERE p.fiscal_year = 2562 AND a.completed_date < ? AND NOT {TRANSFERRED}""",
        [cutoff, AS_OF],
    )[0]
    overdue = overdue_assets(Filters(as_of=AS_OF))
    assert count > 0
    assert len(overdue) == count
    assert overdue["value"].sum() == pytest.approx(float(value), abs=0.5)
    assert (overdue["days_since_completion"] > limit).all()
    assert list(overdue["days_since_completion"]) == sorted(overdue["days_since_completion"], reverse=True)


def test_status_counts_and_values_as_of_a_date(demo_db):
    rows = query(
        demo_db,
        f"""SELECT CASE WHEN {TRANSFERRED} THEN 'transferred'
                        WHEN a.status = 'transferred' THEN 'in_progress' ELSE a.status END AS s,
                   count(*), sum(a.value)
            FROM asset_transfers a JOIN projects p USING (project_code)
            WHERE p.fiscal_year = 2562 AND (a.completed_date IS NULL OR a.completed_date <= ?)
            GROUP BY 1""",
        [AS_OF, AS_OF],
    )
    expected = {s: (n, float(v)) for s, n, v in rows}
    table = status_summary(Filters(as_of=AS_OF)).set_index("status")
    assert list(table.index) == ["pending", "in_progress", "transferred"]
    for status, (count, value) in expected.items():
        assert table.loc[status, "assets"] == count
        assert table.loc[status, "value"] == pytest.approx(value, abs=0.5)
    assert set(table["status_th"]) == {"รอโอน", "ระหว่างดำเนินการ", "โอนแล้ว"}


def test_assets_completed_after_the_date_are_left_out(demo_db):
    (count,) = query(
        demo_db,
        """SELECT count(*) FROM asset_transfers a JOIN projects p USING (project_code)
           WHERE p.fiscal_year = 2562 AND (a.completed_date IS NULL OR a.completed_date <= ?)""",
        [AS_OF],
    )[0]
    assert len(asset_list(Filters(as_of=AS_OF))) == count


def test_ageing_buckets_cover_every_waiting_asset(demo_db):
    rows = query(
        demo_db,
        f"""SELECT date_diff('day', a.completed_date, ?::DATE) FROM asset_transfers a
            JOIN projects p USING (project_code)
            WHERE p.fiscal_year = 2562 AND a.completed_date <= ? AND NOT {TRANSFERRED}""",
        [AS_OF, AS_OF, AS_OF],
    )
    days = [r[0] for r in rows]
    table = ageing(Filters(as_of=AS_OF)).set_index("bucket")
    assert list(table.index) == ["0-30", "31-60", "61-90", "91-180", ">180"]
    assert table["assets"].sum() == len(days)
    assert table.loc["0-30", "assets"] == sum(1 for d in days if d <= 30)
    assert table.loc["91-180", "assets"] == sum(1 for d in days if 91 <= d <= 180)
    assert table.loc[">180", "assets"] == sum(1 for d in days if d > 180)


def test_by_province_adds_up_and_equals_sql_for_one_province(demo_db):
    province, count, value = query(
        demo_db,
        """SELECT p.owner, count(*), sum(a.value) FROM asset_transfers a JOIN projects p USING (project_code)
           WHERE p.owner_type = 'province' AND (a.completed_date IS NULL OR a.completed_date <= ?)
           GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 1""",
        [AS_OF],
    )[0]
    table = assets_by_area(Filters(as_of=AS_OF), "province").set_index("code")
    assert table.loc[province, "total_assets"] == count
    assert table.loc[province, "total_value"] == pytest.approx(float(value), abs=0.5)
    row = table.loc[province]
    assert row["pending_assets"] + row["in_progress_assets"] + row["transferred_assets"] == count
    only = status_summary(Filters(as_of=AS_OF, province=province))
    assert only["assets"].sum() == count


def test_cluster_filter_and_empty_province(demo_db):
    clause = (
        "(p.owner_type = 'cluster' AND p.owner = 'C01') OR (p.owner_type = 'province' AND p.owner IN "
        "(SELECT province_code FROM provinces WHERE cluster_code = 'C01'))"
    )
    (count,) = query(
        demo_db,
        f"""SELECT count(*) FROM asset_transfers a JOIN projects p USING (project_code)
            WHERE ({clause}) AND (a.completed_date IS NULL OR a.completed_date <= ?)""",
        [AS_OF],
    )[0]
    assert status_summary(Filters(as_of=AS_OF, cluster="C01"))["assets"].sum() == count
    empty = status_summary(Filters(as_of=AS_OF, province="10"))
    assert empty["assets"].sum() == 0 and len(empty) == 3
    assert ageing(Filters(as_of=AS_OF, province="10"))["assets"].sum() == 0
