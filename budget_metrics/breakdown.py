"""Splits of a selection of projects: by budget type, implementing agency, owner; project table.

Used by the province / cluster page. All sums come from the same per-project state
as the KPIs (`projects.state_cte`), so a split always adds up to the KPI total.
Money in baht (float columns, for display), percent 0-100.
"""

from __future__ import annotations

import pandas as pd

from budget_metrics import reference
from budget_metrics.connection import read_only
from budget_metrics.filters import Filters
from budget_metrics.lagging import project_flags
from budget_metrics.projects import resolve_as_of, state_cte
from budget_metrics.targets import line_status

# The columns a split may group by (never user text in SQL).
SPLIT_COLUMNS = {
    "budget_type": "budget_type",
    "implementing_agency": "coalesce(nullif(trim(implementing_agency), ''), '-')",
    "owner": "owner",
    "owner_type": "owner_type",
}


def split_totals(filters: Filters, by: str) -> pd.DataFrame:
    """One row per value of `by` (see SPLIT_COLUMNS) with sums as of the filter's date.

    Columns: category, projects, current_allocation, committed, disbursed, remaining
    (float baht), pct_disbursed (0-100, None without allocation). Sorted by allocation,
    largest first.
    """
    expression = SPLIT_COLUMNS[by]
    as_of = resolve_as_of(filters)
    cte, params = state_cte(filters, as_of)
    with read_only() as con:
        return con.execute(
            f"""{cte}
            SELECT {expression} AS category, count(*) AS projects,
                   sum(current_allocation)::DOUBLE AS current_allocation,
                   sum(committed)::DOUBLE AS committed, sum(disbursed)::DOUBLE AS disbursed,
                   sum(remaining)::DOUBLE AS remaining,
                   CASE WHEN sum(current_allocation) > 0
                        THEN 100.0 * sum(disbursed)::DOUBLE / sum(current_allocation)::DOUBLE END
                       AS pct_disbursed
            FROM state3 GROUP BY 1 ORDER BY current_allocation DESC, category""",
            params,
        ).df()


def project_table(filters: Filters) -> pd.DataFrame:
    """Every selected project with its flags (see `lagging.project_flags`) plus its own gap.

    Adds gap_points (pct_disbursed - target for the project's budget type; None without
    allocation) and status ('on_track' / 'watch' / 'behind' / 'no_data', area thresholds; 'no_target'
    in a year without cabinet targets).
    """
    table = project_flags(filters)
    limits = reference.thresholds()
    table["gap_points"] = table["pct_disbursed"] - table["target_pct"]
    table["status"] = [
        line_status(rate, gap, limits) for rate, gap in zip(table["pct_disbursed"], table["gap_points"], strict=True)
    ]
    return table
