"""Plain-SQL figures the projection tests check the exports and pages against (test helper).

Written here by hand, not through budget_metrics: each project's current allocation and
paid amount on a date, and which projects count for a province or a cluster.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import duckdb


def project_money(db, as_of: date) -> dict[str, dict]:
    """project_code -> {owner_type, owner, cluster (of a province plan's province), budget_type,
    allocation, paid} for FY2562 as of `as_of`: allocation = allocated + moved in - moved out (approved by
    then), paid = current-year disbursements posted by then; exact Decimal baht."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        rows = con.execute(
            """SELECT p.project_code, p.owner_type, p.owner, pv.cluster_code, p.budget_type,
                      p.allocated_amount
                        + coalesce((SELECT sum(amount) FROM reallocations r
                                    WHERE r.to_project_code = p.project_code AND r.approved_date <= ?), 0)
                        - coalesce((SELECT sum(amount) FROM reallocations r
                                    WHERE r.from_project_code = p.project_code AND r.approved_date <= ?), 0),
                      coalesce((SELECT sum(amount) FROM disbursements d WHERE d.project_code = p.project_code
                                AND d.source = 'current' AND d.posting_date <= ?), 0)
               FROM projects p LEFT JOIN provinces pv ON p.owner_type = 'province' AND pv.province_code = p.owner
               WHERE p.fiscal_year = 2562""",
            [as_of, as_of, as_of],
        ).fetchall()
    finally:
        con.close()
    return {
        code: {
            "owner_type": kind,
            "owner": owner,
            "cluster": cluster,
            "budget_type": budget_type,
            "allocation": Decimal(allocation),
            "paid": Decimal(paid),
        }
        for code, kind, owner, cluster, budget_type, allocation, paid in rows
    }


def area_projects(money: dict[str, dict], level: str, code: str) -> list[str]:
    """The projects an area counts: a province its own plan's, a cluster its own plan's and
    its member provinces' (as the dashboard's area pages do)."""
    if level == "province":
        return [p for p, row in money.items() if row["owner_type"] == "province" and row["owner"] == code]
    return [
        p
        for p, row in money.items()
        if (row["owner_type"] == "cluster" and row["owner"] == code)
        or (row["owner_type"] == "province" and row["cluster"] == code)
    ]
