"""Row checks as set-based SQL over the staged, typed rows of one file.

Each check appends (row_no, column, reason_code) to the temp table `etl_rej`; a row
may fail several checks and gets one reject per failure. These are the checks a row
passes or fails by itself and against the other rows of its own file (duplicate keys);
the rules that involve the stored state (unknown projects, fiscal windows, reversals,
free balance, running totals) are etl/state.py's, judged on the rows that pass these.
Reasons are listed in REASONS (Thai and English) and documented in docs/data-dictionary.md.
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

BAD_REASON = {
    DATE: "bad_date",
    MONEY: "bad_amount",
    YEAR: "bad_year",
    OWNER: "unknown_owner",
    ENUM: "bad_enum",
    BOOL: "bad_enum",
    CODE: "bad_key",
}
PARSED_TYPES = tuple(BAD_REASON)

# The plausibility bound (baht) as SQL: thresholds.toml max_plausible_amount, loaded with the
# reference data by every write session.
MAX_PLAUSIBLE_SQL = "(SELECT CAST(value AS DECIMAL(18,2)) FROM thresholds WHERE name = 'max_plausible_amount')"


def _add(con: duckdb.DuckDBPyConnection, column: str, reason: str, select_rows: str) -> None:
    """Append a reject for every row_no returned by `select_rows` (built from constants)."""
    con.execute(f"INSERT INTO etl_rej SELECT row_no, ?, ? FROM ({select_rows})", [column, reason])


def run_checks(con: duckdb.DuckDBPyConnection, kind: Kind, present: set[str]) -> None:
    """Fill etl_rej for the rows of etl_typed. `present`: canonical columns in the file.

    The row checks are predicates over one row: the rows failing any of them are found in
    one pass, and each check then looks only at those few rows."""
    con.execute("CREATE OR REPLACE TEMP TABLE etl_rej (row_no BIGINT, column_name VARCHAR, reason_code VARCHAR)")
    checks: list[tuple[str, str, str]] = []  # (column, reason, SQL predicate over one row)
    # --- row-level: missing and unparseable values ---------------------------------
    for column in kind.columns:
        name = column.name
        if name not in present:
            continue
        if column.type == MONEY:
            checks.append((name, "bad_amount", f"{name}__bad AND NOT {name}__ambiguous"))
            checks.append((name, "ambiguous_amount", f"{name}__ambiguous"))
            checks.append((name, "implausible_amount", f"abs({name}) > {MAX_PLAUSIBLE_SQL}"))
        elif column.type == CODE:
            checks.append((name, "bad_key", f"{name}__bad AND NOT {name}__as_number"))
            checks.append((name, "code_as_number", f"{name}__as_number"))
        elif column.type in PARSED_TYPES:
            checks.append((name, BAD_REASON[column.type], f"{name}__bad"))
        if column.required:
            bad = f" AND NOT {name}__bad" if column.type in PARSED_TYPES else ""
            checks.append((name, "missing_required", f"{name} IS NULL{bad}"))
    checks += _KIND_CHECKS[kind.name](present)
    any_fails = " OR ".join(f"coalesce({predicate}, false)" for _, _, predicate in checks)
    con.execute(f"CREATE OR REPLACE TEMP TABLE etl_flagged AS SELECT * FROM etl_typed WHERE {any_fails}")
    con.execute(
        "INSERT INTO etl_rej "
        + " UNION ALL ".join(
            f"SELECT row_no, '{column}', '{reason}' FROM etl_flagged WHERE {predicate}"
            for column, reason, predicate in checks
        )
    )
    con.execute("DROP TABLE etl_flagged")
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


def _positive(column: str, allow_zero: bool = False) -> tuple[str, str, str]:
    return column, "amount_not_positive", f"{column} {'<' if allow_zero else '<='} 0"


# Each kind's own row checks beyond values and required columns: (column, reason, predicate).
_KIND_CHECKS = {
    "projects": lambda present: (
        [_positive("allocated_amount", allow_zero=True)]
        + ([_positive("contract_amount", allow_zero=True)] if "contract_amount" in present else [])
    ),
    "disbursements": lambda present: [],
    "carryovers": lambda present: [_positive("amount")],
    "reallocations": lambda present: [
        _positive("amount"),
        ("from_project_code", "missing_required", "from_project_code IS NULL AND to_project_code IS NULL"),
        # A transfer from a project to itself moves nothing: never stored.
        ("to_project_code", "same_project", "from_project_code = to_project_code"),
    ],
    "asset_transfers": lambda present: [_positive("value", allow_zero=True)],
}


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
_PROJECT_COLUMNS = {
    "disbursements": ("project_code",),
    "carryovers": ("project_code",),
    "asset_transfers": ("project_code",),
    "reallocations": ("from_project_code", "to_project_code"),
}


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
        _add(
            con,
            "owner",
            "not_your_area",
            f"SELECT row_no FROM etl_typed t WHERE t.owner IS NOT NULL AND {outside.format('t')}",
        )
        _add(
            con,
            "project_code",
            "not_your_area",
            f"""SELECT t.row_no FROM etl_typed t JOIN projects p ON p.project_code = t.project_code
                 WHERE {outside.format("p")}""",
        )
    for column in _PROJECT_COLUMNS.get(kind.name, ()):
        if column in present:
            _add(
                con,
                column,
                "not_your_area",
                f"""SELECT t.row_no FROM etl_typed t JOIN projects p ON p.project_code = t.{column}
                     WHERE {outside.format("p")}""",
            )
    con.execute("DROP TABLE IF EXISTS etl_area")


def reasons_table_sql() -> tuple[str, list[str]]:
    """A VALUES list of (reason_code, reason_th, reason_en) and its parameters."""
    rows, params = [], []
    for code, (thai, english) in REASONS.items():
        rows.append("(?, ?, ?)")
        params.extend([code, thai, english])
    return "SELECT * FROM (VALUES " + ", ".join(rows) + ") AS r(reason_code, reason_th, reason_en)", params


__all__ = ["CODE", "REASONS", "TEXT", "WHOLE_ROW", "AreaRule", "area_checks", "reasons_table_sql", "run_checks"]
