"""FY2562's totals recounted by hand in plain SQL over a DuckDB file (test helper), apart from
budget_metrics: current allocation, committed, disbursed and the project count, for any set of projects.
Used by the Excel workbook's tests, the overview's first screen and the store-outage tests."""

from __future__ import annotations

from decimal import Decimal

import duckdb


def sql_totals(db, as_of, owner_clause="TRUE", params=()):
    """(current allocation, committed, disbursed, project count) for FY2562, written by hand."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        chosen = f"SELECT project_code FROM projects WHERE fiscal_year = 2562 AND {owner_clause}"
        allocated, count = con.execute(
            f"SELECT coalesce(sum(allocated_amount), 0), count(*) FROM projects "
            f"WHERE fiscal_year = 2562 AND {owner_clause}",
            params,
        ).fetchone()
        moved_in = con.execute(
            f"SELECT coalesce(sum(amount), 0) FROM reallocations WHERE approved_date <= ? "
            f"AND to_project_code IN ({chosen})",
            [as_of, *params],
        ).fetchone()[0]
        moved_out = con.execute(
            f"SELECT coalesce(sum(amount), 0) FROM reallocations WHERE approved_date <= ? "
            f"AND from_project_code IN ({chosen})",
            [as_of, *params],
        ).fetchone()[0]
        paid_by_project = dict(
            con.execute(
                f"SELECT project_code, sum(amount) FROM disbursements WHERE source = 'current' "
                f"AND posting_date <= ? AND project_code IN ({chosen}) GROUP BY 1",
                [as_of, *params],
            ).fetchall()
        )
        contracts = con.execute(
            f"SELECT project_code, CASE WHEN contract_date IS NULL OR contract_date <= ? "
            f"THEN contract_amount END FROM projects WHERE fiscal_year = 2562 AND {owner_clause}",
            [as_of, *params],
        ).fetchall()
    finally:
        con.close()
    # committed = the larger of the signed contract and what was paid (DOMAIN: money paid is committed)
    committed = sum(
        (max(Decimal(amount or 0), Decimal(paid_by_project.get(code, 0))) for code, amount in contracts), Decimal(0)
    )
    current = Decimal(allocated) + Decimal(moved_in) - Decimal(moved_out)
    return current, committed, sum(paid_by_project.values(), Decimal(0)), count
