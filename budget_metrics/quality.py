"""Data quality: the load log, rejected rows, how fresh each area's data is, and the
warnings that say two figures which should agree do not.

Freshness: an area's latest data date is the latest posting date (on or before the
as-of date) of any payment of its projects. It is stale when it is more than
`stale_data_days` days older than the latest data date of the whole fiscal year (all
areas); an area with projects but no payment at all is stale too. After the fiscal
year has ended only carry-over money can still be paid, so an area with no carry-over
left to pay is 'closed', not stale (otherwise every area without a carry-over would
look stale next to the last carry-over payment).
"""

from __future__ import annotations

import pandas as pd

from budget_metrics import reference
from budget_metrics.calendar import fiscal_year_bounds
from budget_metrics.carryover import carryover_projects
from budget_metrics.connection import read_only
from budget_metrics.filters import Filters
from budget_metrics.projects import AREA_LEVELS, PROJECT_BASE, as_dates, resolve_as_of
from budget_metrics.reallocations import overspent_projects, reconciliation_mismatches
from vocabulary import CHECKS, FRESHNESS, LOAD_STATUSES


def load_log() -> pd.DataFrame:
    """Every load recorded in `loads`, newest first (all its columns plus status_th/en).

    Not narrowed by the filters: a file is not tied to one area or fiscal year.
    """
    with read_only() as con:
        frame = con.execute("SELECT * FROM loads ORDER BY started_at DESC, load_id DESC").df()
    as_dates(frame, ["data_date"])
    frame["status_th"] = [LOAD_STATUSES.get(s, (s, s))[0] for s in frame["status"]]
    frame["status_en"] = [LOAD_STATUSES.get(s, (s, s))[1] for s in frame["status"]]
    return frame


def rejected_rows(
    load_id: int | None = None, file_name: str | None = None, reason_code: str | None = None
) -> pd.DataFrame:
    """Rejected input rows with their reasons, optionally for one load / file / reason.

    Columns: load_id, file_name, sheet, row_number, column_name, bad_value, reason_code,
    reason_th, reason_en, loaded_at (when the load started). Newest load first, then by row.
    """
    clauses, params = ["TRUE"], []
    if load_id is not None:
        clauses.append("r.load_id = ?")
        params.append(int(load_id))
    if file_name:
        clauses.append("r.file_name = ?")
        params.append(file_name)
    if reason_code:
        clauses.append("r.reason_code = ?")
        params.append(reason_code)
    with read_only() as con:
        return con.execute(
            f"""SELECT r.load_id, r.file_name, r.sheet, r.row_number, r.column_name, r.bad_value,
                       r.reason_code, r.reason_th, r.reason_en, l.started_at AS loaded_at
                FROM rejects r LEFT JOIN loads l USING (load_id)
                WHERE {" AND ".join(clauses)}
                ORDER BY r.load_id DESC, r.file_name, r.sheet, r.row_number""",
            params,
        ).df()


def reject_options() -> dict[str, pd.DataFrame]:
    """Choices for filtering rejected rows: 'loads' (load_id, file_name, started_at, rows),
    'files' (file_name, rows), 'reasons' (reason_code, reason_th, reason_en, rows)."""
    with read_only() as con:
        return {
            "loads": con.execute(
                """SELECT r.load_id, any_value(r.file_name) AS file_name,
                          any_value(l.started_at) AS started_at, count(*) AS rows
                   FROM rejects r LEFT JOIN loads l USING (load_id)
                   GROUP BY r.load_id ORDER BY r.load_id DESC"""
            ).df(),
            "files": con.execute("SELECT file_name, count(*) AS rows FROM rejects GROUP BY 1 ORDER BY 1").df(),
            "reasons": con.execute(
                """SELECT reason_code, any_value(reason_th) AS reason_th,
                          any_value(reason_en) AS reason_en, count(*) AS rows
                   FROM rejects GROUP BY 1 ORDER BY rows DESC, 1"""
            ).df(),
        }


def data_freshness(filters: Filters, level: str = "province") -> pd.DataFrame:
    """Latest data date of every province (its province-plan projects) or cluster (its own
    and its provinces' projects) within the region/cluster/province filter.

    Columns: code, name_th, name_en, region, projects (count), latest_data_date (date or
    None), overall_latest (date: latest of the whole fiscal year as of the date),
    days_behind (int days or None), open_carryovers (count of carry-overs approved and
    not fully paid as of the date), status ('ok', 'stale', 'no_payments', 'no_projects',
    'closed'), status_th/en, stale (bool: 'stale' or 'no_payments'). Stalest first.
    """
    key, table, ref_key = AREA_LEVELS[level]
    as_of = resolve_as_of(filters)
    year_over = as_of > fiscal_year_bounds(filters.fiscal_year)[1]
    stale_days = reference.thresholds()["stale_data_days"]
    where, params = filters.where("p")
    area_clauses, area_params = ["TRUE"], []
    if filters.region:
        area_clauses.append("r.region = ?")
        area_params.append(filters.region)
    if filters.cluster:
        area_clauses.append("r.cluster_code = ?")
        area_params.append(filters.cluster)
    if filters.province:
        if level == "province":
            area_clauses.append("r.province_code = ?")
        else:
            area_clauses.append("r.cluster_code = (SELECT cluster_code FROM provinces WHERE province_code = ?)")
        area_params.append(filters.province)
    with read_only() as con:
        frame = con.execute(
            f"""WITH p AS ({PROJECT_BASE}),
            chosen AS (SELECT * FROM p WHERE {where}),
            -- only the chosen projects' rows: a store of many years holds every other year's too
            paid AS (
                SELECT project_code, max(posting_date) AS latest FROM disbursements
                WHERE posting_date <= ? AND project_code IN (SELECT project_code FROM chosen) GROUP BY 1),
            carry_paid AS (
                SELECT project_code, sum(amount) AS paid FROM disbursements
                WHERE source = 'carryover' AND posting_date <= ?
                  AND project_code IN (SELECT project_code FROM chosen) GROUP BY 1),
            open_carry AS (
                SELECT co.project_code FROM carryovers co LEFT JOIN carry_paid cp USING (project_code)
                WHERE co.approved_date <= ? AND co.amount - coalesce(cp.paid, 0) > 0
                  AND co.project_code IN (SELECT project_code FROM chosen)),
            per_area AS (
                SELECT c.{key} AS code, count(*) AS projects, max(d.latest) AS latest_data_date,
                       count(o.project_code) AS open_carryovers
                FROM chosen c LEFT JOIN paid d USING (project_code)
                LEFT JOIN open_carry o USING (project_code)
                WHERE c.{key} IS NOT NULL GROUP BY 1),
            overall AS (
                SELECT max(d.posting_date) AS overall_latest FROM disbursements d
                JOIN projects pr USING (project_code)
                WHERE pr.fiscal_year = ? AND d.posting_date <= ?)
            SELECT r.{ref_key} AS code, r.name_th, r.name_en, r.region,
                   coalesce(a.projects, 0) AS projects, a.latest_data_date,
                   coalesce(a.open_carryovers, 0) AS open_carryovers,
                   o.overall_latest,
                   date_diff('day', a.latest_data_date, o.overall_latest) AS days_behind
            FROM {table} r LEFT JOIN per_area a ON a.code = r.{ref_key} CROSS JOIN overall o
            WHERE {" AND ".join(area_clauses)}""",
            [*params, as_of, as_of, as_of, filters.fiscal_year, as_of, *area_params],
        ).df()
    as_dates(frame, ["latest_data_date", "overall_latest"])
    statuses = []
    for row in frame.itertuples(index=False):
        if row.projects == 0:
            statuses.append("no_projects")
        elif year_over and row.open_carryovers == 0:
            statuses.append("closed")
        elif pd.isna(row.latest_data_date):
            statuses.append("no_payments")
        elif row.days_behind > stale_days:
            statuses.append("stale")
        else:
            statuses.append("ok")
    frame["status"] = statuses
    frame["status_th"] = [FRESHNESS[s][0] for s in statuses]
    frame["status_en"] = [FRESHNESS[s][1] for s in statuses]
    frame["stale"] = frame["status"].isin(["stale", "no_payments"])
    frame["days_behind"] = frame["days_behind"].astype("Int64")
    order = {"no_payments": 0, "stale": 1, "ok": 2, "closed": 3, "no_projects": 4}
    frame["_order"] = frame["status"].map(order)
    frame = frame.sort_values(["_order", "days_behind", "name_th"], ascending=[True, False, True], na_position="first")
    return frame.drop(columns="_order").reset_index(drop=True)


def reconciliation_warnings(filters: Filters) -> pd.DataFrame:
    """Figures that should agree but do not, for the selected projects as of the date.

    Checks (see CHECKS): reallocation ledger vs current allocation (and ledger rows naming
    unknown projects), disbursed > current allocation, carry-over paid > carried.
    Columns: check, check_th, check_en, project_code, project_name, owner_name_th,
    owner_name_en, amount (float baht: the difference / excess). Empty when all is well.
    """
    rows = []
    for row in reconciliation_mismatches(filters).itertuples(index=False):
        if row.known:
            rows.append(
                (
                    "reallocation_mismatch",
                    row.project_code,
                    row.project_name,
                    row.owner_name_th,
                    row.owner_name_en,
                    row.difference,
                )
            )
        else:
            rows.append(("unknown_project", row.project_code, None, None, None, row.ledger_allocation))
    for row in overspent_projects(filters).itertuples(index=False):
        rows.append(
            (
                "disbursed_over_allocation",
                row.project_code,
                row.project_name,
                row.owner_name_th,
                row.owner_name_en,
                row.excess,
            )
        )
    carry = carryover_projects(filters)
    for row in carry[carry["remaining"] < 0].itertuples(index=False):
        rows.append(
            (
                "carryover_overpaid",
                row.project_code,
                row.project_name,
                row.owner_name_th,
                row.owner_name_en,
                -row.remaining,
            )
        )
    frame = pd.DataFrame(
        rows, columns=["check", "project_code", "project_name", "owner_name_th", "owner_name_en", "amount"]
    )
    frame.insert(1, "check_th", [CHECKS[c][0] for c in frame["check"]])
    frame.insert(2, "check_en", [CHECKS[c][1] for c in frame["check"]])
    frame["amount"] = frame["amount"].astype(float)
    return frame
