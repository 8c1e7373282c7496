"""Reallocations (โอนเปลี่ยนแปลง / เงินเหลือจ่าย): the ledger, net flows, savings, reconciliation.

A ledger row moves `amount` baht from one project to another, approved on a date.
No source project means new money (เงินจัดสรรเพิ่ม); no destination means money
returned (ส่งคืน). Every figure is as of the filter's date (rows approved on or before
it) and covers the rows that touch a selected project.

- savings generated = allocation - contract amount, for contracts signed by the date
  (only where the contract is lower);
- reallocated = kind 'savings' or 'change' rows out of selected projects into
  another project; returned = kind 'return' rows, or rows with no destination;
- reconciliation: for every project, original + in - out summed from the raw ledger
  (in Python, independently of the project-state query) must equal the current
  allocation the rest of the product shows. A ledger row naming a project that does
  not exist is a mismatch too: money moved to or from nowhere.

Money: Decimal baht in scalar results, float baht columns in DataFrames.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pandas as pd

from budget_metrics.connection import read_only
from budget_metrics.filters import Filters
from budget_metrics.projects import (
    AREA_LEVELS,
    PROJECT_BASE,
    as_dates,
    resolve_as_of,
    state_cte,
)
from vocabulary import FLOW_NODES, REALLOCATION_KINDS

KINDS = REALLOCATION_KINDS  # code -> (Thai, English); words live in vocabulary.py
NEW_MONEY = "__new__"
RETURNED = "__returned__"
UNKNOWN = "__unknown__"
SPECIAL_NODES = FLOW_NODES


def _chosen_sql(filters: Filters) -> tuple[str, list]:
    """CTEs `p` (every project with its area) and `chosen` (the selected projects)."""
    where, params = filters.where("p")
    return f"WITH p AS ({PROJECT_BASE}), chosen AS (SELECT * FROM p WHERE {where})", params


def ledger(filters: Filters) -> pd.DataFrame:
    """Ledger rows approved by the as-of date that touch a selected project, newest first.

    Columns: ref_no, approved_date (date), kind, kind_th, kind_en, amount (float baht),
    from_project_code, from_project_name, from_owner, from_owner_name_th/en,
    to_project_code, to_project_name, to_owner, to_owner_name_th/en, reason.
    The other end of a row may lie outside the selection; its names are shown anyway.
    """
    as_of = resolve_as_of(filters)
    chosen, params = _chosen_sql(filters)
    with read_only() as con:
        frame = con.execute(
            f"""{chosen},
            rows AS (
                SELECT * FROM reallocations r
                WHERE r.approved_date <= ?
                  AND (r.from_project_code IN (SELECT project_code FROM chosen)
                       OR r.to_project_code IN (SELECT project_code FROM chosen))),
            -- the projects at either end of those rows only (not every year's projects)
            ends AS (
                SELECT * FROM p WHERE project_code IN (SELECT from_project_code FROM rows)
                                   OR project_code IN (SELECT to_project_code FROM rows))
            SELECT r.ref_no, r.approved_date, r.kind, r.amount::DOUBLE AS amount,
                   r.from_project_code, f.project_name AS from_project_name,
                   f.owner AS from_owner, f.owner_name_th AS from_owner_name_th,
                   f.owner_name_en AS from_owner_name_en,
                   r.to_project_code, t.project_name AS to_project_name,
                   t.owner AS to_owner, t.owner_name_th AS to_owner_name_th,
                   t.owner_name_en AS to_owner_name_en,
                   r.reason
            FROM rows r
            LEFT JOIN ends f ON f.project_code = r.from_project_code
            LEFT JOIN ends t ON t.project_code = r.to_project_code
            ORDER BY r.approved_date DESC, r.ref_no""",
            [*params, as_of],
        ).df()
    as_dates(frame, ["approved_date"])
    frame["kind_th"] = [KINDS.get(k, (k, k))[0] for k in frame["kind"]]
    frame["kind_en"] = [KINDS.get(k, (k, k))[1] for k in frame["kind"]]
    return frame


def net_by_area(filters: Filters, level: str = "province") -> pd.DataFrame:
    """Money moved into and out of the selected projects per province (province plans)
    or cluster (its own and its provinces' plans), only areas with any movement.

    Columns: code, name_th, name_en, moved_in, moved_out, net (= in - out; float baht),
    transfers (ledger rows counted). Sorted by net, largest gain first.
    """
    key, table, ref_key = AREA_LEVELS[level]
    as_of = resolve_as_of(filters)
    chosen, params = _chosen_sql(filters)
    with read_only() as con:
        return con.execute(
            f"""{chosen},
            moves AS (
                SELECT to_project_code AS project_code, amount AS moved_in,
                       0::DECIMAL(18,2) AS moved_out
                FROM reallocations WHERE approved_date <= ? AND to_project_code IS NOT NULL
                UNION ALL
                SELECT from_project_code, 0::DECIMAL(18,2), amount
                FROM reallocations WHERE approved_date <= ? AND from_project_code IS NOT NULL),
            sums AS (
                SELECT c.{key} AS code, sum(m.moved_in) AS moved_in, sum(m.moved_out) AS moved_out,
                       count(*) AS transfers
                FROM moves m JOIN chosen c USING (project_code)
                WHERE c.{key} IS NOT NULL GROUP BY 1)
            SELECT s.code, r.name_th, r.name_en, s.moved_in::DOUBLE AS moved_in,
                   s.moved_out::DOUBLE AS moved_out, (s.moved_in - s.moved_out)::DOUBLE AS net,
                   s.transfers
            FROM sums s LEFT JOIN {table} r ON r.{ref_key} = s.code
            ORDER BY net DESC, s.code""",
            [*params, as_of, as_of],
        ).df()


@dataclass(frozen=True)
class SavingsSummary:
    """Savings and what became of them, for the selection as of a date (baht)."""

    as_of: date
    generated: Decimal  # allocation - contract amount of contracts signed by the date
    reallocated: Decimal  # savings/change rows out of selected projects into another project
    returned: Decimal  # return rows, or rows without destination, out of selected projects
    unused: Decimal  # generated - reallocated - returned (may be negative: change moves
    #                  money that was never savings)
    new_money: Decimal  # rows with no source project into selected projects
    moved_in: Decimal  # every row into selected projects
    moved_out: Decimal  # every row out of selected projects


def savings_summary(filters: Filters) -> SavingsSummary:
    """Savings generated vs reallocated vs returned (see module doc)."""
    as_of = resolve_as_of(filters)
    chosen, params = _chosen_sql(filters)
    with read_only() as con:
        generated = con.execute(
            f"""{chosen}
            SELECT coalesce(sum(allocated_amount - contract_amount), 0) FROM chosen
            WHERE contract_amount IS NOT NULL AND contract_date <= ?
              AND contract_amount < allocated_amount""",
            [*params, as_of],
        ).fetchone()[0]
        row = con.execute(
            f"""{chosen},
            r AS (SELECT *, from_project_code IN (SELECT project_code FROM chosen) AS out_sel,
                            to_project_code IN (SELECT project_code FROM chosen) AS in_sel
                  FROM reallocations WHERE approved_date <= ?)
            SELECT
              coalesce(sum(amount) FILTER (WHERE out_sel AND kind IN ('savings', 'change')
                                           AND to_project_code IS NOT NULL), 0),
              coalesce(sum(amount) FILTER (WHERE out_sel AND (kind = 'return'
                                                              OR to_project_code IS NULL)), 0),
              coalesce(sum(amount) FILTER (WHERE in_sel AND from_project_code IS NULL), 0),
              coalesce(sum(amount) FILTER (WHERE in_sel), 0),
              coalesce(sum(amount) FILTER (WHERE out_sel), 0)
            FROM r""",
            [*params, as_of],
        ).fetchone()
    reallocated, returned, new_money, moved_in, moved_out = (Decimal(v) for v in row)
    generated = Decimal(generated)
    return SavingsSummary(
        as_of, generated, reallocated, returned, generated - reallocated - returned, new_money, moved_in, moved_out
    )


def flows(filters: Filters, include_internal: bool = True) -> pd.DataFrame:
    """Sankey data: money from source owner to destination owner over the ledger rows.

    Columns: source, target (owner code, or NEW_MONEY / RETURNED / UNKNOWN),
    source_th, source_en, target_th, target_en (labels), amount (float baht),
    transfers (rows). Largest flow first. A source and a target may be the same owner
    (a move between two projects of one province); pages draw them as separate nodes.
    include_internal=False leaves those same-owner moves out.
    """
    rows = ledger(filters)
    if rows.empty:
        return pd.DataFrame(
            columns=["source", "target", "source_th", "source_en", "target_th", "target_en", "amount", "transfers"]
        )

    def end(code, owner, name_th, name_en, missing: str) -> tuple[str, str, str]:
        if code is None or pd.isna(code):
            return (missing, *SPECIAL_NODES[missing])
        if owner is None or pd.isna(owner):
            return (UNKNOWN, *SPECIAL_NODES[UNKNOWN])
        return owner, name_th, name_en

    records = []
    for row in rows.itertuples(index=False):
        source = end(row.from_project_code, row.from_owner, row.from_owner_name_th, row.from_owner_name_en, NEW_MONEY)
        target = end(row.to_project_code, row.to_owner, row.to_owner_name_th, row.to_owner_name_en, RETURNED)
        records.append((*source, *target, row.amount))
    frame = pd.DataFrame(
        records, columns=["source", "source_th", "source_en", "target", "target_th", "target_en", "amount"]
    )
    grouped = frame.groupby(
        ["source", "source_th", "source_en", "target", "target_th", "target_en"], as_index=False
    ).agg(amount=("amount", "sum"), transfers=("amount", "size"))
    if not include_internal:
        grouped = grouped[grouped["source"] != grouped["target"]]
    grouped = grouped.sort_values("amount", ascending=False).reset_index(drop=True)
    return grouped[["source", "target", "source_th", "source_en", "target_th", "target_en", "amount", "transfers"]]


def _area_restricted(filters: Filters) -> bool:
    return bool(
        filters.region
        or filters.cluster
        or filters.province
        or filters.budget_type
        or filters.plan_type in ("province", "cluster")
    )


def reconciliation(filters: Filters) -> pd.DataFrame:
    """original + in - out = current allocation, checked for every selected project.

    The ledger side is summed here in Python (Decimal) from the raw ledger rows approved
    by the as-of date; the other side is `current_allocation` from projects.state_cte.
    Ledger rows naming a project code that is not in the database appear as rows with
    known=False (no current allocation); they are listed when their other end is
    selected, or, having no known other end, when the selection is not narrowed to an
    area, plan type or budget type.

    Columns: project_code, project_name, owner_name_th, owner_name_en, known (bool),
    allocated_amount, moved_in, moved_out, ledger_allocation (= allocated + in - out),
    current_allocation (NaN when unknown), difference (current - ledger), disbursed
    (float baht), matches (bool, exact to the satang). Mismatches first.
    """
    as_of = resolve_as_of(filters)
    cte, params = state_cte(filters, as_of)
    with read_only() as con:
        state = con.execute(
            f"""{cte} SELECT project_code, project_name, owner_name_th, owner_name_en,
                       allocated_amount, current_allocation, disbursed FROM state3""",
            params,
        ).fetchall()
        # Only the rows that can matter, with whether each end is a loaded project: those touching a
        # project of this fiscal year, and those with no loaded end at all (an unknown code listed on
        # its own). A row between other years' projects changes nothing here; reading every year's
        # ledger and project codes made this grow with every year the store holds.
        rows = con.execute(
            """SELECT r.from_project_code, r.to_project_code, r.amount,
                      f.project_code IS NOT NULL AS from_known, t.project_code IS NOT NULL AS to_known
               FROM reallocations r
               LEFT JOIN projects f ON f.project_code = r.from_project_code
               LEFT JOIN projects t ON t.project_code = r.to_project_code
               WHERE r.approved_date <= ?
                 AND (f.fiscal_year = ? OR t.fiscal_year = ? OR (f.project_code IS NULL AND t.project_code IS NULL))""",
            [as_of, filters.fiscal_year, filters.fiscal_year],
        ).fetchall()
    moves = [(source, target, amount) for source, target, amount, _, _ in rows]
    known = {code for row in rows for code, is_known in ((row[0], row[3]), (row[1], row[4])) if is_known}

    selected = {row[0] for row in state}
    moved_in: dict[str, Decimal] = defaultdict(Decimal)
    moved_out: dict[str, Decimal] = defaultdict(Decimal)
    orphans: set[str] = set()
    for source, target, amount in moves:
        if source is not None:
            moved_out[source] += amount
        if target is not None:
            moved_in[target] += amount
        for code, other in ((source, target), (target, source)):
            if code is not None and code not in known:
                other_selected = other in selected
                other_unknown = other is None or other not in known
                if other_selected or (other_unknown and not _area_restricted(filters)):
                    orphans.add(code)

    records = []
    for code, name, name_th, name_en, allocated, current, disbursed in state:
        ledger_allocation = allocated + moved_in[code] - moved_out[code]
        records.append(
            (
                code,
                name,
                name_th,
                name_en,
                True,
                allocated,
                moved_in[code],
                moved_out[code],
                ledger_allocation,
                current,
                current - ledger_allocation,
                disbursed,
                current == ledger_allocation,
            )
        )
    for code in sorted(orphans):
        ledger_allocation = moved_in[code] - moved_out[code]
        records.append(
            (
                code,
                None,
                None,
                None,
                False,
                Decimal(0),
                moved_in[code],
                moved_out[code],
                ledger_allocation,
                None,
                None,
                None,
                False,
            )
        )
    columns = [
        "project_code",
        "project_name",
        "owner_name_th",
        "owner_name_en",
        "known",
        "allocated_amount",
        "moved_in",
        "moved_out",
        "ledger_allocation",
        "current_allocation",
        "difference",
        "disbursed",
        "matches",
    ]
    frame = pd.DataFrame(records, columns=columns)
    for column in [
        "allocated_amount",
        "moved_in",
        "moved_out",
        "ledger_allocation",
        "current_allocation",
        "difference",
        "disbursed",
    ]:
        frame[column] = pd.to_numeric(frame[column].map(lambda v: None if v is None else float(v)))
    frame["matches"] = frame["matches"].astype(bool)
    frame["known"] = frame["known"].astype(bool)
    return frame.sort_values(["matches", "project_code"]).reset_index(drop=True)


def reconciliation_mismatches(filters: Filters) -> pd.DataFrame:
    """Only the rows of `reconciliation` that do not balance (same columns)."""
    frame = reconciliation(filters)
    return frame[~frame["matches"]].reset_index(drop=True)


def overspent_projects(filters: Filters) -> pd.DataFrame:
    """Selected projects whose disbursed (current year) exceeds the current allocation.

    Columns: project_code, project_name, owner_name_th, owner_name_en, current_allocation,
    disbursed, excess (= disbursed - current allocation; float baht). Largest excess first.
    """
    as_of = resolve_as_of(filters)
    cte, params = state_cte(filters, as_of)
    with read_only() as con:
        return con.execute(
            f"""{cte}
            SELECT project_code, project_name, owner_name_th, owner_name_en,
                   current_allocation::DOUBLE AS current_allocation, disbursed::DOUBLE AS disbursed,
                   (disbursed - current_allocation)::DOUBLE AS excess
            FROM state3 WHERE disbursed > current_allocation
            ORDER BY excess DESC, project_code""",
            params,
        ).df()
