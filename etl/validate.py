"""Row checks as set-based SQL over the staged, typed rows of one file.

Each check appends (row_no, column, reason_code) to the temp table `etl_rej`; a row
may fail several checks and gets one reject per failure. Checks that depend on other
rows (duplicates, running totals, free balance) only consider rows that passed the
row-level checks. Reasons are listed in REASONS (Thai and English) and documented in
docs/data-dictionary.md.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import duckdb

from etl.kinds import BOOL, CODE, DATE, ENUM, MONEY, OWNER, TEXT, YEAR, Kind
from vocabulary import REJECT_REASONS

# The words live in vocabulary.py (shared with the dashboard and exports); the codes are
# this module's. Whole-row reasons (extra_cells, missing_cells, unclosed_quote) come from the
# CSV reader (etl.readers.ROW_DEFECTS): nothing in such a row is loaded, because its cells
# cannot be matched to the header with certainty.
REASONS: dict[str, tuple[str, str]] = REJECT_REASONS
# The column name a whole-row reject is recorded under.
WHOLE_ROW = "*"

BAD_REASON = {DATE: "bad_date", MONEY: "bad_amount", YEAR: "bad_year", OWNER: "unknown_owner",
              ENUM: "bad_enum", BOOL: "bad_enum"}
PARSED_TYPES = tuple(BAD_REASON)

# A carry-over may be approved up to this many months after the fiscal year ends
# (requests are filed by 30 Sep; the Comptroller General's approval often comes in October).
CARRYOVER_APPROVAL_GRACE_MONTHS = 1

# SQL fragments: fiscal window of a project's fiscal_year (BE).
WINDOW_START = "make_date(p.fiscal_year - 544, 10, 1)"
WINDOW_END = "make_date(p.fiscal_year - 543, 9, 30)"

_VALID = "NOT EXISTS (SELECT 1 FROM etl_rej r WHERE r.row_no = t.row_no)"


def _add(con: duckdb.DuckDBPyConnection, column: str, reason: str, select_rows: str) -> None:
    """Append a reject for every row_no returned by `select_rows` (built from constants)."""
    con.execute(
        f"INSERT INTO etl_rej SELECT row_no, ?, ? FROM ({select_rows})", [column, reason]
    )


def run_checks(con: duckdb.DuckDBPyConnection, kind: Kind, present: set[str]) -> None:
    """Fill etl_rej for the rows of etl_typed. `present`: canonical columns in the file."""
    con.execute(
        "CREATE OR REPLACE TEMP TABLE etl_rej (row_no BIGINT, column_name VARCHAR, reason_code VARCHAR)"
    )
    # --- row-level: missing and unparseable values ---------------------------------
    for column in kind.columns:
        if column.name not in present:
            continue
        if column.type == MONEY:
            _add(con, column.name, "bad_amount",
                 f"SELECT row_no FROM etl_typed WHERE {column.name}__bad AND NOT {column.name}__ambiguous")
            _add(con, column.name, "ambiguous_amount",
                 f"SELECT row_no FROM etl_typed WHERE {column.name}__ambiguous")
        elif column.type in PARSED_TYPES:
            _add(con, column.name, BAD_REASON[column.type],
                 f"SELECT row_no FROM etl_typed WHERE {column.name}__bad")
        if column.required:
            bad = f" AND NOT {column.name}__bad" if column.type in PARSED_TYPES else ""
            _add(con, column.name, "missing_required",
                 f"SELECT row_no FROM etl_typed WHERE {column.name} IS NULL{bad}")
    getattr(_KIND_CHECKS, kind.name)(con, present)
    # --- duplicates of the key within the file (later rows rejected) ----------------
    key = kind.key
    con.execute(
        f"""INSERT INTO etl_rej
        SELECT row_no, ?, 'duplicate_key' FROM (
            SELECT row_no, row_number() OVER (PARTITION BY t.{key} ORDER BY row_no) AS n
            FROM etl_typed t
            WHERE t.{key} IN (SELECT {key} FROM etl_typed WHERE {key} IS NOT NULL
                              GROUP BY {key} HAVING count(*) > 1))
        WHERE n > 1""",
        [key],
    )
    # --- checks that need the other rows of the file -------------------------------
    if kind.name == "disbursements":
        _reversals(con)
    if kind.name == "reallocations":
        _free_balance(con)


def _unknown_project(con: duckdb.DuckDBPyConnection, column: str) -> None:
    _add(con, column, "unknown_project",
         f"""SELECT row_no FROM etl_typed t WHERE t.{column} IS NOT NULL
             AND NOT EXISTS (SELECT 1 FROM projects p WHERE p.project_code = t.{column})""")


def _positive(con: duckdb.DuckDBPyConnection, column: str, allow_zero: bool = False) -> None:
    op = "<" if allow_zero else "<="
    _add(con, column, "amount_not_positive",
         f"SELECT row_no FROM etl_typed WHERE {column} {op} 0")


class _KIND_CHECKS:
    @staticmethod
    def projects(con: duckdb.DuckDBPyConnection, present: set[str]) -> None:
        _positive(con, "allocated_amount", allow_zero=True)
        if "contract_amount" in present:
            _positive(con, "contract_amount", allow_zero=True)

    @staticmethod
    def disbursements(con: duckdb.DuckDBPyConnection, present: set[str]) -> None:
        _unknown_project(con, "project_code")
        # current-year money inside the project's fiscal year; carry-over money after the
        # year ends and no later than the carry-over deadline (its own, or the default).
        _add(con, "posting_date", "date_outside_window", f"""
            SELECT t.row_no FROM etl_typed t
            JOIN projects p ON p.project_code = t.project_code
            LEFT JOIN carryovers c ON c.project_code = t.project_code
            WHERE t.posting_date IS NOT NULL AND t.source IS NOT NULL AND CASE
                WHEN t.source = 'current' THEN
                    t.posting_date NOT BETWEEN {WINDOW_START} AND {WINDOW_END}
                ELSE t.posting_date <= {WINDOW_END} OR t.posting_date > coalesce(
                    c.deadline, last_day(CAST({WINDOW_END} + to_months(CAST((
                        SELECT value FROM thresholds
                        WHERE name = 'carryover_default_deadline_months') AS INTEGER)) AS DATE)))
                END""")

    @staticmethod
    def carryovers(con: duckdb.DuckDBPyConnection, present: set[str]) -> None:
        _unknown_project(con, "project_code")
        _positive(con, "amount")
        _add(con, "approved_date", "date_outside_window", f"""
            SELECT t.row_no FROM etl_typed t JOIN projects p ON p.project_code = t.project_code
            WHERE t.approved_date < {WINDOW_START} OR t.approved_date > last_day(CAST({WINDOW_END}
                  + to_months({CARRYOVER_APPROVAL_GRACE_MONTHS}) AS DATE))""")
        _add(con, "deadline", "date_outside_window", f"""
            SELECT t.row_no FROM etl_typed t JOIN projects p ON p.project_code = t.project_code
            WHERE t.deadline <= {WINDOW_END}""")

    @staticmethod
    def reallocations(con: duckdb.DuckDBPyConnection, present: set[str]) -> None:
        for column in ("from_project_code", "to_project_code"):
            if column in present:
                _unknown_project(con, column)
                _add(con, "approved_date", "date_outside_window", f"""
                    SELECT t.row_no FROM etl_typed t
                    JOIN projects p ON p.project_code = t.{column}
                    WHERE t.approved_date NOT BETWEEN {WINDOW_START} AND {WINDOW_END}""")
        _positive(con, "amount")
        _add(con, "from_project_code", "missing_required",
             "SELECT row_no FROM etl_typed WHERE from_project_code IS NULL AND to_project_code IS NULL")

    @staticmethod
    def asset_transfers(con: duckdb.DuckDBPyConnection, present: set[str]) -> None:
        _unknown_project(con, "project_code")
        _positive(con, "value", allow_zero=True)


def _reversals(con: duckdb.DuckDBPyConnection) -> None:
    """Reject reversals that take a project's cumulative disbursed total below zero.

    Cumulative = the database's documents (those this file does not replace) plus the
    file's valid rows, in posting-date order (database rows first on the same day, then
    file order). Only projects with a reversal in the file are computed.
    """
    con.execute(f"""CREATE OR REPLACE TEMP TABLE etl_touched AS
        SELECT DISTINCT project_code FROM etl_typed t WHERE amount < 0 AND {_VALID}""")
    if not con.execute("SELECT count(*) FROM etl_touched").fetchone()[0]:
        return
    _reject_earliest_until_clean(con, "amount", "reversal_below_zero", f"""
        WITH touched AS (SELECT * FROM etl_touched),
        valid AS (SELECT t.* FROM etl_typed t JOIN touched USING (project_code) WHERE {_VALID}),
        events AS (
            SELECT d.project_code, d.posting_date, 0 AS src, -1 AS row_no, d.amount
            FROM disbursements d JOIN touched USING (project_code)
            WHERE NOT EXISTS (SELECT 1 FROM valid v WHERE v.doc_no = d.doc_no)
            UNION ALL
            SELECT v.project_code, v.posting_date, 1, v.row_no, v.amount
            FROM valid v),
        running AS (
            SELECT *, sum(amount) OVER (PARTITION BY project_code
                ORDER BY posting_date, src, row_no ROWS UNBOUNDED PRECEDING) AS cumulative
            FROM events)
        SELECT row_no, project_code, posting_date AS event_date FROM running
        WHERE src = 1 AND amount < 0 AND cumulative < 0""")


def _reject_earliest_until_clean(con: duckdb.DuckDBPyConnection, column: str, reason: str,
                                 violators: str, max_rounds: int = 1000) -> None:
    """Reject, per project, the earliest violating row, then re-check without it.

    Rejecting a withdrawal can only raise the balance seen by later rows, so a later
    row flagged in the same pass may be fine once the earlier one is gone; one row per
    project per round gives each later row a fair check. `violators` returns row_no,
    project_code, event_date.
    """
    for _ in range(max_rounds):
        added = con.execute(
            f"""INSERT INTO etl_rej SELECT row_no, ?, ? FROM (
                SELECT row_no, row_number() OVER (PARTITION BY project_code
                                                  ORDER BY event_date, row_no) AS n
                FROM ({violators})) WHERE n = 1""",
            [column, reason],
        ).fetchone()[0]
        if not added:
            return
    _add(con, column, reason, f"SELECT row_no FROM ({violators})")


def _free_balance(con: duckdb.DuckDBPyConnection) -> None:
    """Reject reallocations moving more than the source project's free balance.

    free balance = current allocation - max(contract amount, disbursed total), where the
    current allocation counts every earlier reallocation in and out (database rows this
    file does not replace, then the file's valid rows, by approved date and file order).
    """
    _reject_earliest_until_clean(con, "amount", "exceeds_free_balance", f"""
        WITH valid AS (SELECT * FROM etl_typed t WHERE {_VALID}),
        moves AS (
            SELECT approved_date, 0 AS src, -1 AS row_no, from_project_code,
                   to_project_code, amount
            FROM reallocations r
            WHERE NOT EXISTS (SELECT 1 FROM valid v WHERE v.ref_no = r.ref_no)
            UNION ALL
            SELECT approved_date, 1, row_no, from_project_code, to_project_code, amount
            FROM valid),
        legs AS (  -- each move as -amount for its source and +amount for its target
            SELECT from_project_code AS project_code, approved_date, src, row_no,
                   -amount AS delta, amount AS moved, true AS outgoing
            FROM moves WHERE from_project_code IS NOT NULL
            UNION ALL
            SELECT to_project_code, approved_date, src, row_no, amount, amount, false
            FROM moves WHERE to_project_code IS NOT NULL),
        before AS (
            SELECT *, coalesce(sum(delta) OVER (PARTITION BY project_code
                ORDER BY approved_date, src, row_no
                ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS moved_before
            FROM legs),
        spent AS (SELECT project_code, sum(amount) AS disbursed FROM disbursements
                  GROUP BY project_code)
        SELECT b.row_no, b.project_code, b.approved_date AS event_date FROM before b
        JOIN projects p ON p.project_code = b.project_code
        LEFT JOIN spent s ON s.project_code = b.project_code
        WHERE b.src = 1 AND b.outgoing
          AND b.moved > p.allocated_amount + b.moved_before
                        - greatest(coalesce(p.contract_amount, 0), coalesce(s.disbursed, 0))""")


@dataclass(frozen=True)
class AreaRule:
    """The owners an uploading user may write rows for: (owner_type, code) pairs, e.g.
    ('province', '46'). Only the dashboard's upload page passes one (built from the access
    rules, appstore.upload_area); `etl load` at the shell has none and loads every area."""

    owners: frozenset[tuple[str, str]]

    @classmethod
    def of(cls, owners: Iterable[tuple[str, str]]) -> AreaRule:
        return cls(frozenset((str(kind), str(code)) for kind, code in owners))


# The project columns each kind names (a reallocation names two); projects check their owner.
_PROJECT_COLUMNS = {"disbursements": ("project_code",), "carryovers": ("project_code",),
                    "asset_transfers": ("project_code",),
                    "reallocations": ("from_project_code", "to_project_code")}


def area_checks(con: duckdb.DuckDBPyConnection, kind: Kind, present: set[str], area: AreaRule) -> None:
    """Reject (`not_your_area`) the rows of etl_typed outside the uploader's area: a project
    row whose owner in the file, or whose owner in the database (an existing project), is not
    in `area`; any other record whose project (either side of a reallocation) belongs to an
    owner outside it. Rows with an unknown owner or project are left to their own reasons."""
    con.execute("CREATE OR REPLACE TEMP TABLE etl_area (owner_type VARCHAR, owner VARCHAR)")
    if area.owners:
        con.executemany("INSERT INTO etl_area VALUES (?, ?)", [list(pair) for pair in sorted(area.owners)])
    outside = "NOT EXISTS (SELECT 1 FROM etl_area a WHERE a.owner_type = {0}.owner_type AND a.owner = {0}.owner)"
    if kind.name == "projects":
        _add(con, "owner", "not_your_area",
             f"SELECT row_no FROM etl_typed t WHERE t.owner IS NOT NULL AND {outside.format('t')}")
        _add(con, "project_code", "not_your_area",
             f"""SELECT t.row_no FROM etl_typed t JOIN projects p ON p.project_code = t.project_code
                 WHERE {outside.format('p')}""")
    for column in _PROJECT_COLUMNS.get(kind.name, ()):
        if column in present:
            _add(con, column, "not_your_area",
                 f"""SELECT t.row_no FROM etl_typed t JOIN projects p ON p.project_code = t.{column}
                     WHERE {outside.format('p')}""")
    con.execute("DROP TABLE IF EXISTS etl_area")


def reasons_table_sql() -> tuple[str, list[str]]:
    """A VALUES list of (reason_code, reason_th, reason_en) and its parameters."""
    rows, params = [], []
    for code, (thai, english) in REASONS.items():
        rows.append("(?, ?, ?)")
        params.extend([code, thai, english])
    return "SELECT * FROM (VALUES " + ", ".join(rows) + ") AS r(reason_code, reason_th, reason_en)", params


__all__ = ["CODE", "REASONS", "TEXT", "WHOLE_ROW", "AreaRule", "area_checks", "reasons_table_sql", "run_checks"]
