"""State rules: the checks that involve more than one row, judged on the state a load would publish.

Why: a check of one file against whatever happens to be stored gives a different answer
for the same files loaded in another order (a reversal loaded before its payment, a
transfer judged on the whole year's spending when the year's files are in, a correction
that silently turns an earlier reversal into a negative total). So the rule here is:

* every row that passes its file's own checks (etl/validate.py) is a *candidate*: the
  latest value of its key (a later load that re-sends a key replaces it: last load wins);
* the table holds the candidates that pass the state rules below; the others wait in
  `held_<table>` with their reason, and are judged again whenever a load changes what
  they depend on. So the published state is a function of the candidates alone, and the
  same set of files (each key with one value) gives the same tables, held rows and
  rejects in any order or grouping of loads (tests/test_etl_state_rules.py).

Stage 1, each row against other tables: `unknown_project`; `date_outside_window` (the
project's fiscal year, its carry-over deadline). Stage 2, the rows of a project against
each other, walked in a fixed order that depends only on the rows; each row is accepted
when the running state after it is still sound, otherwise it is held and the walk goes on
without it (so a row is judged on what is actually accepted before it):

* disbursements, per project and source, by (posting_date, amount descending, doc_no) —
  a day's payments before its reversals: the running total stays >= 0
  (`reversal_below_zero`) and <= max_plausible_amount (`implausible_total`);
* reallocations, all of them, by (approved_date, ref_no): an outgoing transfer needs the
  source's free balance on that date = allocation + transfers in - transfers out so far -
  max(contract signed by that date, current-year payments posted by that date)
  (`exceeds_free_balance`); the transfers into a project total at most max_plausible_amount
  (`implausible_total`);
* asset transfers, per project by asset_id: the values total at most max_plausible_amount.

With every row and every project total within max_plausible_amount (<= 10^12 baht, checked
when the reference data is read), every per-project figure the read side computes fits
DECIMAL(18,2) and its satang fit BIGINT, and area sums (DuckDB sums DECIMAL(18,2) as
DECIMAL(38,2)) cannot overflow: no stored row can break an export.

Moves are recorded: a file's rows that are held are its rejects (with the reason); a stored
row of an earlier load that a load holds back gets a reject under that load, naming the
row's own file and row; a held row that a load accepts, or that a later value of its key
replaces, has its rejects marked `resolved_by_load_id`. The load's `rows_released` and
`rows_withdrawn` count the rows of earlier loads it moved.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

import duckdb

from etl.kinds import KINDS, Kind

STATE_REASONS = (
    "unknown_project",
    "date_outside_window",
    "reversal_below_zero",
    "exceeds_free_balance",
    "implausible_total",
)
STAGE1_REASONS = ("unknown_project", "date_outside_window")

# A carry-over may be approved up to this many months after the fiscal year ends
# (requests are filed by 30 Sep; the Comptroller General's approval often comes in October).
CARRYOVER_APPROVAL_GRACE_MONTHS = 1

# SQL fragments: fiscal window of a project's fiscal_year (BE).
WINDOW_START = "make_date(p.fiscal_year - 544, 10, 1)"
WINDOW_END = "make_date(p.fiscal_year - 543, 9, 30)"

MAX_PLAUSIBLE_SQL = "(SELECT CAST(value AS DECIMAL(18,2)) FROM thresholds WHERE name = 'max_plausible_amount')"

# Kinds whose rows can be held, and the kinds judged again when a load changes another:
# projects feed every rule; carry-over deadlines feed the carry-over payments' window;
# current-year payments feed the free balance of transfers.
HELD_KINDS = ("carryovers", "disbursements", "reallocations", "asset_transfers")
DOWNSTREAM = {
    "projects": ("carryovers", "disbursements", "reallocations", "asset_transfers"),
    "carryovers": ("disbursements",),
    "disbursements": ("reallocations",),
    "reallocations": (),
    "asset_transfers": (),
}
# The column a running-total reject is recorded under.
_AMOUNT_COLUMN = {"disbursements": "amount", "reallocations": "amount", "asset_transfers": "value"}


def held_table(kind: Kind) -> str:
    return f"held_{kind.table}"


def data_columns(kind: Kind) -> list[str]:
    """The kind's stored columns other than load_id and source_row (owner_type for projects)."""
    names = [c.name for c in kind.columns]
    if kind.name == "projects":
        names.insert(names.index("owner") + 1, "owner_type")
    return names


@dataclass
class Moves:
    """Rows of earlier loads this load moved between a table and its held rows."""

    released: int = 0
    withdrawn: int = 0
    changed: bool = False  # anything in the table changed (for the kinds downstream)


# --------------------------------------------------------------------------- stage 1


def _stage1(kind: Kind, rel: str) -> list[str]:
    """SELECTs of (cand_id, column_name, reason_code) for the rows of `rel` that break a stage-1 rule."""
    unknown = (
        "SELECT t.cand_id, '{0}', 'unknown_project' FROM {1} t WHERE t.{0} IS NOT NULL "
        "AND NOT EXISTS (SELECT 1 FROM projects p WHERE p.project_code = t.{0})"
    )
    if kind.name == "disbursements":
        # current-year money inside the project's fiscal year; carry-over money after the
        # year ends and no later than the carry-over deadline (its own, or the default).
        # One join per row against each project's window, computed once per project.
        windows = f"""(SELECT p.project_code, {WINDOW_START} AS year_start, {WINDOW_END} AS year_end,
                          coalesce(c.deadline, last_day(CAST({WINDOW_END} + to_months(CAST((
                              SELECT value FROM thresholds WHERE name = 'carryover_default_deadline_months')
                              AS INTEGER)) AS DATE))) AS carry_end
                       FROM projects p LEFT JOIN carryovers c ON c.project_code = p.project_code)"""
        return [
            f"""
            SELECT t.cand_id, CASE WHEN w.project_code IS NULL THEN 'project_code' ELSE 'posting_date' END,
                   CASE WHEN w.project_code IS NULL THEN 'unknown_project' ELSE 'date_outside_window' END
            FROM {rel} t LEFT JOIN {windows} w ON w.project_code = t.project_code
            WHERE w.project_code IS NULL OR CASE
                WHEN t.source = 'current' THEN t.posting_date NOT BETWEEN w.year_start AND w.year_end
                ELSE t.posting_date <= w.year_end OR t.posting_date > w.carry_end END"""
        ]
    if kind.name == "carryovers":
        return [
            unknown.format("project_code", rel),
            f"""
            SELECT t.cand_id, 'approved_date', 'date_outside_window' FROM {rel} t
            JOIN projects p ON p.project_code = t.project_code
            WHERE t.approved_date < {WINDOW_START} OR t.approved_date > last_day(CAST({WINDOW_END}
                  + to_months({CARRYOVER_APPROVAL_GRACE_MONTHS}) AS DATE))""",
            f"""
            SELECT t.cand_id, 'deadline', 'date_outside_window' FROM {rel} t
            JOIN projects p ON p.project_code = t.project_code WHERE t.deadline <= {WINDOW_END}""",
        ]
    if kind.name == "reallocations":
        checks = []
        for column in ("from_project_code", "to_project_code"):
            checks.append(unknown.format(column, rel))
            checks.append(f"""
                SELECT t.cand_id, 'approved_date', 'date_outside_window' FROM {rel} t
                JOIN projects p ON p.project_code = t.{column}
                WHERE t.approved_date NOT BETWEEN {WINDOW_START} AND {WINDOW_END}""")
        return checks
    if kind.name == "asset_transfers":
        return [unknown.format("project_code", rel)]
    return []


# --------------------------------------------------------------------------- candidates


def _affected_filter(kind: Kind, alias: str) -> str:
    """SQL: the stored row `alias` belongs to an affected project (reallocations: all rows)."""
    if kind.name == "reallocations":
        return "true"
    return f"{alias}.project_code IN (SELECT project_code FROM etl_affected)"


def drop(con: duckdb.DuckDBPyConnection, name: str) -> None:
    """Drop the temp table or view `name`, whichever it is (DuckDB refuses the wrong kind)."""
    # Looked up, not tried: a failed statement would abort the file's transaction.
    is_view = con.execute("SELECT count(*) FROM duckdb_views() WHERE view_name = ? AND temporary", [name]).fetchone()[0]
    con.execute(f"DROP {'VIEW' if is_view else 'TABLE'} IF EXISTS {name}")


def _build_candidates(con: duckdb.DuckDBPyConnection, kind: Kind, from_file: bool) -> bool:
    """etl_cand: the file's valid rows (cand_id = row number; etl_valid) and the stored and
    held rows of the affected projects that the file does not replace (cand_id < 0).
    Returns False when no stored or held row is a candidate; etl_cand is then a view of the
    file's rows (the common first load: nothing is copied)."""
    key, columns = kind.key, data_columns(kind)
    table, held = kind.table, held_table(kind)
    cols = ", ".join(columns)
    drop(con, "etl_cand")
    parts = []
    if from_file:
        parts.append(
            f"SELECT row_no AS cand_id, 'file' AS origin, CAST(NULL AS INTEGER) AS load_id, "
            f"CAST(row_no AS INTEGER) AS source_row, CAST(NULL AS VARCHAR) AS prev_reason, "
            f"CAST(NULL AS VARCHAR) AS prev_column, {cols} FROM etl_valid"
        )
    stored = con.execute(
        f"SELECT EXISTS (SELECT 1 FROM {table} m WHERE {_affected_filter(kind, 'm')}) "
        f"OR EXISTS (SELECT 1 FROM {held} h WHERE {_affected_filter(kind, 'h')})"
    ).fetchone()[0]
    if not stored:
        if not parts:
            parts.append(
                f"SELECT 0::BIGINT AS cand_id, 'none' AS origin, NULL::INTEGER AS load_id, "
                f"NULL::INTEGER AS source_row, NULL::VARCHAR AS prev_reason, NULL::VARCHAR AS prev_column, "
                f"{cols} FROM {table} WHERE false"
            )
        con.execute(f"CREATE TEMP VIEW etl_cand AS {parts[0]}")
        return False
    replaced = "AND NOT EXISTS (SELECT 1 FROM etl_valid v WHERE v.{key} = {alias}.{key})" if from_file else ""
    parts.append(
        f"""SELECT -row_number() OVER () AS cand_id, origin, load_id, source_row, prev_reason,
               prev_column, {cols} FROM (
            SELECT 'main' AS origin, load_id, source_row, NULL AS prev_reason, NULL AS prev_column, {cols}
            FROM {table} m WHERE {_affected_filter(kind, "m")} {replaced.format(key=key, alias="m")}
            UNION ALL
            SELECT 'held', load_id, source_row, reason_code, column_name, {cols}
            FROM {held} h WHERE {_affected_filter(kind, "h")} {replaced.format(key=key, alias="h")})"""
    )
    con.execute(f"CREATE TEMP TABLE etl_cand AS {' UNION ALL '.join(parts)}")
    return True


def _affected_projects(con: duckdb.DuckDBPyConnection, kind: Kind) -> None:
    """etl_affected: the projects of the file's valid rows, and the projects their keys had
    before (a document moved to another project changes both)."""
    if kind.name == "reallocations":
        con.execute("CREATE OR REPLACE TEMP TABLE etl_affected (project_code VARCHAR)")
        return
    key = kind.key
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE etl_affected AS
        SELECT DISTINCT project_code FROM etl_valid
        UNION SELECT m.project_code FROM {kind.table} m JOIN etl_valid v USING ({key})
        UNION SELECT h.project_code FROM {held_table(kind)} h JOIN etl_valid v USING ({key})"""
    )


# --------------------------------------------------------------------------- stage 2


def _running_total(con: duckdb.DuckDBPyConnection, kind: Kind, groups: str, order: str, lower_bound: bool) -> None:
    """Walk each group of etl_cand rows that passed stage 1 in `order`; hold the first row
    whose running total leaves [0, bound] (or (-inf, bound] without `lower_bound`), then walk
    again without it, until every group is sound. Only groups that could break a bound are
    walked: one whose positives stay within the bound and whose earliest reversal day is
    already covered by the payments up to that day cannot."""
    column = _AMOUNT_COLUMN[kind.name]
    ok = _passed()
    if lower_bound:
        # One pass per group: sums and the dates of the last payment and the first reversal.
        # A group whose reversals all come after its payments cannot go below zero if its
        # total does not; only the others get a second pass (payments up to the first
        # reversal), then a walk if even those do not cover all its reversals.
        con.execute(
            f"""CREATE OR REPLACE TEMP TABLE etl_groups AS
            WITH g AS (SELECT {groups},
                              sum({column}) FILTER (WHERE {column} > 0) AS high,
                              sum({column}) FILTER (WHERE {column} < 0) AS low,
                              max(posting_date) FILTER (WHERE {column} > 0) AS last_high,
                              min(posting_date) FILTER (WHERE {column} < 0) AS first_low
                       FROM {ok} c GROUP BY {groups}),
            unsure AS (SELECT * FROM g WHERE low IS NOT NULL AND NOT (
                           coalesce(last_high <= first_low, true) AND coalesce(high, 0) + low >= 0)),
            early AS (SELECT {groups}, sum(c.{column}) AS early FROM {ok} c JOIN unsure u USING ({groups})
                      WHERE c.{column} > 0 AND c.posting_date <= u.first_low GROUP BY {groups})
            SELECT {groups} FROM g WHERE high > {MAX_PLAUSIBLE_SQL}
            UNION
            SELECT {groups} FROM unsure LEFT JOIN early USING ({groups}) WHERE coalesce(early, 0) + low < 0"""
        )
    else:
        con.execute(
            f"""CREATE OR REPLACE TEMP TABLE etl_groups AS SELECT {groups} FROM {ok} c GROUP BY ALL
            HAVING sum({column}) FILTER (WHERE {column} > 0) > {MAX_PLAUSIBLE_SQL}"""
        )
    if not con.execute("SELECT count(*) FROM etl_groups").fetchone()[0]:
        return
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE etl_walk AS SELECT c.* FROM {_passed()} c JOIN etl_groups USING ({groups})"
    )
    below = f"({column} < 0 AND total < 0)" if lower_bound else "false"
    violators = f"""
        SELECT cand_id, CASE WHEN {column} < 0 THEN 'reversal_below_zero' ELSE 'implausible_total' END AS reason,
               row_number() OVER (PARTITION BY {groups} ORDER BY {order}) AS n
        FROM (SELECT *, sum({column}) OVER (PARTITION BY {groups} ORDER BY {order}
                                           ROWS UNBOUNDED PRECEDING) AS total
              FROM etl_walk w WHERE NOT EXISTS (SELECT 1 FROM etl_fail f WHERE f.cand_id = w.cand_id))
        WHERE {below} OR ({column} > 0 AND total > {MAX_PLAUSIBLE_SQL})"""
    while con.execute(
        f"INSERT INTO etl_fail SELECT cand_id, ?, reason FROM ({violators}) WHERE n = 1", [column]
    ).fetchone()[0]:
        pass
    con.execute("DROP TABLE IF EXISTS etl_walk")


def _transfers(con: duckdb.DuckDBPyConnection) -> None:
    """One walk over every candidate transfer that passed stage 1, by (approved_date, ref_no)."""
    rows = con.execute(
        """WITH ok AS (SELECT * FROM etl_cand c
                        WHERE NOT EXISTS (SELECT 1 FROM etl_fail f WHERE f.cand_id = c.cand_id)),
        daily AS (  -- current-year payments of the source projects, running total by day
            SELECT project_code, posting_date,
                   sum(sum(amount)) OVER (PARTITION BY project_code ORDER BY posting_date) AS paid
            FROM disbursements
            WHERE source = 'current' AND project_code IN (SELECT from_project_code FROM ok)
            GROUP BY project_code, posting_date)
        SELECT o.cand_id, o.approved_date, o.ref_no, o.from_project_code, o.to_project_code, o.amount,
               p.allocated_amount,
               CASE WHEN p.contract_date IS NULL OR p.contract_date <= o.approved_date
                    THEN coalesce(p.contract_amount, 0) ELSE 0 END AS contract_then,
               coalesce(d.paid, 0) AS paid_then
        FROM ok o
        LEFT JOIN projects p ON p.project_code = o.from_project_code
        ASOF LEFT JOIN daily d ON d.project_code = o.from_project_code AND o.approved_date >= d.posting_date
        ORDER BY o.approved_date, o.ref_no"""
    ).fetchall()
    if not rows:
        return
    bound = con.execute(f"SELECT {MAX_PLAUSIBLE_SQL}").fetchone()[0]
    moved: dict[str, Decimal] = defaultdict(Decimal)  # transfers in - out so far
    received: dict[str, Decimal] = defaultdict(Decimal)  # transfers in so far
    held = []
    for cand_id, _, _, source, target, amount, allocated, contract_then, paid_then in rows:
        if source is not None:
            free = allocated + moved[source] - max(contract_then, paid_then)
            if amount > free:
                held.append((cand_id, "amount", "exceeds_free_balance"))
                continue
        if target is not None and received[target] + amount > bound:
            held.append((cand_id, "amount", "implausible_total"))
            continue
        if source is not None:
            moved[source] -= amount
        if target is not None:
            moved[target] += amount
            received[target] += amount
    if held:
        con.executemany("INSERT INTO etl_fail VALUES (?, ?, ?)", held)


def _passed() -> str:
    """The candidates that passed stage 1 (no anti-join when none failed)."""
    return "(SELECT * FROM etl_cand c WHERE NOT EXISTS (SELECT 1 FROM etl_fail f WHERE f.cand_id = c.cand_id))"


def _stage2(con: duckdb.DuckDBPyConnection, kind: Kind) -> None:
    if kind.name == "disbursements":
        _running_total(con, kind, "project_code, source", "posting_date, amount DESC, doc_no", True)
    elif kind.name == "reallocations":
        _transfers(con)
    elif kind.name == "asset_transfers":
        _running_total(con, kind, "project_code", "asset_id", False)


# --------------------------------------------------------------------------- judging


def judge(con: duckdb.DuckDBPyConnection, kind: Kind, from_file: bool, recheck: bool) -> bool:
    """Fill etl_fail (cand_id, column_name, reason_code) for the candidates of `kind`.

    `from_file`: etl_valid holds the file's rows that passed their own checks;
    `recheck`: stored rows are judged again on stage 1 too (the projects or carry-overs they
    depend on changed); otherwise a stored row keeps its stage-1 outcome. Returns whether
    stored or held rows were candidates (else only the file's rows were)."""
    if from_file:
        empty = not con.execute(
            f"SELECT EXISTS (SELECT 1 FROM {kind.table}) OR EXISTS (SELECT 1 FROM {held_table(kind)})"
        ).fetchone()[0]
        if empty and kind.name != "carryovers":  # (carry-overs pass their projects downstream)
            con.execute("CREATE OR REPLACE TEMP TABLE etl_affected (project_code VARCHAR)")
        else:
            _affected_projects(con, kind)
    stored = _build_candidates(con, kind, from_file)
    con.execute("CREATE OR REPLACE TEMP TABLE etl_fail (cand_id BIGINT, column_name VARCHAR, reason_code VARCHAR)")
    if not (stored or from_file):
        return False
    rel = "etl_cand" if recheck else "(SELECT * FROM etl_cand WHERE origin = 'file')"
    for check in _stage1(kind, rel):
        con.execute(f"INSERT INTO etl_fail {check}")
    if stored and not recheck:  # held for a stage-1 reason: still held (nothing it needs changed)
        con.execute(f"""INSERT INTO etl_fail SELECT cand_id, prev_column, prev_reason FROM etl_cand
                        WHERE origin = 'held' AND prev_reason IN {STAGE1_REASONS}""")
    _stage2(con, kind)
    return stored


def file_rejects(con: duckdb.DuckDBPyConnection) -> None:
    """The file's rows that break a state rule join the file's rejects (etl_rej), one reason
    per row as their held row records it, so a row held by its own load and a row held later
    leave the same reject."""
    con.execute(
        f"INSERT INTO etl_rej SELECT f.cand_id, f.column_name, f.reason_code FROM {_first_fail()} f "
        "JOIN etl_cand c USING (cand_id) WHERE c.origin = 'file'"
    )


def _first_fail() -> str:
    """One reason per candidate for its held row (the first failing column by name)."""
    return """(SELECT cand_id, arg_min(column_name, column_name) AS column_name,
                      arg_min(reason_code, column_name) AS reason_code
               FROM etl_fail GROUP BY cand_id)"""


def apply(con: duckdb.DuckDBPyConnection, kind: Kind, load_id: int, from_file: bool, stored: bool) -> Moves:
    """Move rows between the table and its held rows after `judge`; write the rejects of rows
    of earlier loads that are now held, and resolve the rejects that no longer hold.

    The file's passing rows are already upserted (etl/load.py); here its failing rows replace
    their key in the table and in the held rows."""
    key, table, held = kind.key, kind.table, held_table(kind)
    columns = data_columns(kind)
    cols = ", ".join(columns)
    moves = Moves()
    reasons = "(" + ", ".join(f"'{r}'" for r in STATE_REASONS) + ")"
    unresolved = f"resolved_by_load_id IS NULL AND kind = '{kind.name}' AND reason_code IN {reasons}"
    has_rejects = con.execute(f"SELECT EXISTS (SELECT 1 FROM rejects WHERE {unresolved})").fetchone()[0]
    if from_file:
        if con.execute(f"SELECT EXISTS (SELECT 1 FROM {held})").fetchone()[0]:
            # Keys the file gives a new value: an older held value with other values is no
            # longer a candidate, nor are its rejects.
            if has_rejects:
                con.execute(
                    f"""UPDATE rejects SET resolved_by_load_id = ? WHERE {unresolved} AND load_id < ?
                        AND record_key IN (SELECT v.{key} FROM etl_valid v JOIN {held} h USING ({key})
                        WHERE {" OR ".join(f"v.{c} IS DISTINCT FROM h.{c}" for c in columns)})""",
                    [load_id, load_id],
                )
            con.execute(f"DELETE FROM {held} WHERE {key} IN (SELECT {key} FROM etl_valid)")
        if con.execute("SELECT EXISTS (SELECT 1 FROM etl_fail)").fetchone()[0]:
            failing = f"SELECT c.* FROM etl_cand c JOIN {_first_fail()} f USING (cand_id) WHERE c.origin = 'file'"
            moves.changed = (
                con.execute(f"DELETE FROM {table} WHERE {key} IN (SELECT {key} FROM ({failing}))").fetchone()[0] > 0
            )
            con.execute(
                f"""INSERT INTO {held} ({cols}, load_id, source_row, reason_code, column_name)
                SELECT {", ".join("c." + c for c in columns)}, ?, c.source_row, f.reason_code, f.column_name
                FROM etl_cand c JOIN {_first_fail()} f USING (cand_id) WHERE c.origin = 'file'""",
                [load_id],
            )
    if stored:
        # Stored rows that now fail, and held rows whose reason changed: a reject under this
        # load naming the row's own file and row.
        _write_state_rejects(
            con,
            kind,
            load_id,
            """
            (c.origin = 'main' OR (c.origin = 'held' AND (c.prev_reason IS DISTINCT FROM f.reason_code
                                                          OR c.prev_column IS DISTINCT FROM f.column_name)))""",
        )
        con.execute(
            f"""UPDATE rejects SET resolved_by_load_id = ? WHERE {unresolved} AND load_id < ?
                AND record_key IN (SELECT c.{key} FROM etl_cand c JOIN {_first_fail()} f USING (cand_id)
                                   WHERE c.origin = 'held' AND (c.prev_reason IS DISTINCT FROM f.reason_code
                                                                OR c.prev_column IS DISTINCT FROM f.column_name))""",
            [load_id, load_id],
        )
        con.execute(
            f"""UPDATE {held} SET reason_code = f.reason_code, column_name = f.column_name
            FROM etl_cand c JOIN {_first_fail()} f USING (cand_id)
            WHERE c.origin = 'held' AND {held}.{key} = c.{key}"""
        )
        moves.withdrawn = con.execute(
            f"""INSERT INTO {held} ({cols}, load_id, source_row, reason_code, column_name)
            SELECT {", ".join("c." + c for c in columns)}, c.load_id, c.source_row, f.reason_code, f.column_name
            FROM etl_cand c JOIN {_first_fail()} f USING (cand_id) WHERE c.origin = 'main'"""
        ).fetchone()[0]
        if moves.withdrawn:
            con.execute(f"""DELETE FROM {table} WHERE {key} IN (
                SELECT c.{key} FROM etl_cand c JOIN etl_fail f USING (cand_id) WHERE c.origin = 'main')""")
        moves.released = con.execute(
            f"""INSERT INTO {table} ({cols}, load_id, source_row)
            SELECT {", ".join("c." + c for c in columns)}, c.load_id, c.source_row FROM etl_cand c
            WHERE c.origin = 'held' AND NOT EXISTS (SELECT 1 FROM etl_fail f WHERE f.cand_id = c.cand_id)
            """
        ).fetchone()[0]
        if moves.released:
            con.execute(f"""DELETE FROM {held} WHERE {key} IN (
                SELECT c.{key} FROM etl_cand c WHERE c.origin = 'held'
                AND NOT EXISTS (SELECT 1 FROM etl_fail f WHERE f.cand_id = c.cand_id))""")
        moves.changed = moves.changed or bool(moves.withdrawn or moves.released)
    if has_rejects:
        # A key now in the table: none of its state rejects holds any more.
        con.execute(
            f"""UPDATE rejects SET resolved_by_load_id = ? WHERE {unresolved}
                AND record_key IN (SELECT c.{key} FROM etl_cand c JOIN {table} m USING ({key}))""",
            [load_id],
        )
    return moves


def _write_state_rejects(con: duckdb.DuckDBPyConnection, kind: Kind, load_id: int, which: str) -> None:
    """Rejects under this load for stored or held candidates (`which`, over c and f): the file
    and row they came from, the column by its Thai label, the stored value as text."""
    from etl.validate import reasons_table_sql

    labels = " ".join(f"WHEN '{c.name}' THEN '{c.label_th}'" for c in kind.columns)
    values = " ".join(f"WHEN '{c.name}' THEN CAST(c.{c.name} AS VARCHAR)" for c in kind.columns)
    reasons_sql, params = reasons_table_sql()
    con.execute(
        f"""INSERT INTO rejects (load_id, file_name, sheet, row_number, column_name, bad_value,
                                 reason_code, reason_th, reason_en, kind, record_key)
        SELECT ?, coalesce(l.file_name, '?'), l.sheet, c.source_row, CASE f.column_name {labels} END,
               CASE f.column_name {values} END, f.reason_code, x.reason_th, x.reason_en, ?, c.{kind.key}
        FROM etl_cand c JOIN {_first_fail()} f USING (cand_id)
        LEFT JOIN loads l ON l.load_id = c.load_id
        JOIN ({reasons_sql}) x ON x.reason_code = f.reason_code
        WHERE {which}
        ORDER BY c.{kind.key}, f.column_name""",
        [load_id, kind.name, *params],
    )


def settle_downstream(con: duckdb.DuckDBPyConnection, kind: Kind, load_id: int, changed: bool) -> Moves:
    """Judge again the kinds that depend on `kind` for the affected projects (etl_affected),
    after a load of `kind` changed something; returns what moved."""
    total = Moves()
    if not changed:
        return total
    if kind.name == "projects":
        con.execute(
            "CREATE OR REPLACE TEMP TABLE etl_affected AS SELECT project_code FROM projects WHERE load_id = ?",
            [load_id],
        )
        if not con.execute("SELECT count(*) FROM etl_affected").fetchone()[0]:
            return total
    for name in DOWNSTREAM[kind.name]:
        other = KINDS[name]
        recheck = kind.name in ("projects", "carryovers")
        stored = judge(con, other, from_file=False, recheck=recheck)
        if not stored:
            continue
        moves = apply(con, other, load_id, from_file=False, stored=True)
        total.released += moves.released
        total.withdrawn += moves.withdrawn
        if name == "disbursements" and moves.changed and "reallocations" not in DOWNSTREAM[kind.name]:
            more = settle_downstream(con, other, load_id, True)
            total.released += more.released
            total.withdrawn += more.withdrawn
    return total


def check_disjoint(con: duckdb.DuckDBPyConnection) -> str | None:
    """A key both in a table and its held rows (a bug): its name, or None."""
    for name in HELD_KINDS:
        kind = KINDS[name]
        if not con.execute(f"SELECT EXISTS (SELECT 1 FROM {held_table(kind)})").fetchone()[0]:
            continue
        found = con.execute(
            f"SELECT h.{kind.key} FROM {held_table(kind)} h JOIN {kind.table} m USING ({kind.key}) LIMIT 1"
        ).fetchone()
        if found:
            return f"{kind.table}.{kind.key} = {found[0]}"
    return None


def drop_temp(con: duckdb.DuckDBPyConnection) -> None:
    for name in ("etl_fail", "etl_groups", "etl_walk", "etl_affected", "etl_cand", "etl_valid"):
        drop(con, name)
