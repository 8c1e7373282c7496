"""The transactional load: files -> staging -> normalised rows -> checks -> upsert.

`load_files` opens one write session (a private copy of the store, published
atomically at the end) and loads each table (a CSV, or a sheet of a workbook) in its
own transaction: a file that fails is rolled back and recorded as refused, the others
still load; a crash or kill leaves the published database untouched.

Every table's rows are accounted for: data rows read = rows loaded (inserted + updated
+ unchanged) + rows rejected + total rows skipped, where a data row is any row below the
header with at least one non-blank cell (blank rows are not data and are not counted).
The loader checks this, and that the table holds exactly the rows it says it wrote,
before each commit; a mismatch is a bug, and nothing is published (`AccountingError`).

Rules that involve other rows or tables (unknown projects, fiscal windows, reversals, free
balance, running totals) are judged by etl/state.py on the state the load would publish:
a row that breaks one is rejected and held (`held_<table>`), and moves into the table when
a later load makes it fit; rows of earlier loads that a load moves are counted in its
`rows_released` / `rows_withdrawn`.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path

import duckdb

from etl import normalise, state, store, validate
from etl.kinds import (
    BOOL,
    CODE,
    DATE,
    ENUM,
    KINDS,
    LOAD_ORDER,
    MONEY,
    OWNER,
    TEXT,
    YEAR,
    Kind,
)
from etl.readers import (
    SUPPORTED_SUFFIXES,
    UNCLOSED_QUOTE,
    ReadError,
    TableSource,
    open_sources,
)
from etl.store import pause

# Progress steps per table (the bar advances once per step).
STEPS = ("อ่านไฟล์ reading", "แปลงค่า normalising", "ตรวจสอบ checking", "บันทึก saving")
# Inputs larger than this show a progress bar (when asked for).
PROGRESS_MIN_BYTES = 5_000_000

# Test seam: called with the connection after a file is staged (inside its transaction).
# Set BUDGET_ETL_FAIL_AFTER_STAGING=1 to raise there, BUDGET_ETL_SLEEP_AFTER_STAGING=N to
# pause N seconds (used by the tests for rollback and kill-mid-load); BUDGET_ETL_PAUSE
# pauses at other points (see etl.store.pause).
after_staging_hook: Callable[[duckdb.DuckDBPyConnection, TableSource], None] | None = None
# Test seam: called after the upsert, just before COMMIT (rows are written but not committed).
before_commit_hook: Callable[[duckdb.DuckDBPyConnection, TableSource], None] | None = None


class RefusedError(ValueError):
    """The whole file is refused (missing required columns, unreadable, unknown kind)."""


class AccountingError(RuntimeError):
    """The loader's own counts do not add up: a bug. Nothing is published."""


@dataclass
class LoadResult:
    """What happened to one table of one input file."""

    file: str
    sheet: str | None
    kind: str | None
    load_id: int
    status: str  # loaded | loaded_with_rejects | refused | unchanged
    rows_read: int = 0
    rows_inserted: int = 0
    rows_updated: int = 0
    rows_unchanged: int = 0
    rows_rejected: int = 0
    total_rows_skipped: int = 0
    message: str = ""
    rows_released: int = 0  # held rows of earlier loads this load accepted
    rows_withdrawn: int = 0  # stored rows of earlier loads this load held back

    def as_dict(self) -> dict:
        return asdict(self)


def exit_code(results: Iterable[LoadResult]) -> int:
    """0 all loaded, 1 something was rejected, 2 a file was refused."""
    results = list(results)
    if any(r.status == "refused" for r in results):
        return 2
    if any(r.rows_rejected > 0 for r in results):
        return 1
    return 0


# --------------------------------------------------------------------------- inputs


def expand_paths(paths: Iterable[Path | str]) -> list[Path]:
    """Files named, plus every supported file inside folders named (sorted by name)."""
    files: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            files.extend(sorted(p for p in path.iterdir()
                                if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES
                                and not p.name.startswith(("~$", "."))))
        elif path.exists():
            files.append(path)
        else:
            raise FileNotFoundError(f"ไม่พบไฟล์ {path} — no such file or folder: {path}")
    return files


# --------------------------------------------------------------------------- SQL pieces


def _raw(source: TableSource, name: str) -> str | None:
    position = next((p for p, n in source.columns.items() if n == name), None)
    return None if position is None else f"s.c{position}"


def _typed_select(kind: Kind, source: TableSource) -> tuple[list[str], list[str]]:
    """Select expressions and joins that turn staged text into typed columns."""
    selects, joins = ["s.row_no"], []
    for column in kind.columns:
        raw = _raw(source, column.name)
        name = column.name
        if raw is None:
            sql_type = {MONEY: "DECIMAL(18,2)", DATE: "DATE", YEAR: "INTEGER", BOOL: "BOOLEAN"}.get(
                column.type, "VARCHAR")
            selects.append(f"CAST(NULL AS {sql_type}) AS {name}")
            if column.type in validate.PARSED_TYPES:
                selects.append(f"false AS {name}__bad")
            if column.type == MONEY:
                selects.append(f"false AS {name}__ambiguous")
            if column.type == OWNER:
                selects.append("CAST(NULL AS VARCHAR) AS owner_type")
            continue
        if column.type == TEXT:
            selects.append(f"etl_text_fast({raw}) AS {name}")
        elif column.type == CODE:
            # Keys in their normal form (etl/normalise.py); GFMIS document numbers zero-padded.
            macro = "etl_doc_no" if name == "doc_no" else "etl_code"
            selects.append(f"{macro}({raw}) AS {name}")
            selects.append(f"CASE WHEN {name} IS NULL THEN etl_code_refused({raw}) ELSE false END AS {name}__bad")
        elif column.type == MONEY:
            selects.append(f"etl_money_fast({raw}) AS {name}")
            selects.append(f"CASE WHEN {name} IS NULL THEN etl_clean({raw}) IS NOT NULL "
                           f"ELSE false END AS {name}__bad")
            selects.append(f"CASE WHEN {name} IS NULL AND etl_clean({raw}) IS NOT NULL "
                           f"THEN etl_money_ambiguous(etl_clean({raw})) ELSE false END AS {name}__ambiguous")
        else:
            # Few distinct values: normalise each distinct raw text once, join back.
            expr = {
                DATE: "etl_date(v)",
                YEAR: "etl_fiscal_year(v)",
                BOOL: "etl_bool(v)",
                ENUM: f"etl_enum_{name}(v)",
                OWNER: "(SELECT owner FROM etl_owner_keys k WHERE k.key = etl_owner_key(v))",
            }[column.type]
            alias = f"m_{name}"
            extra = (", (SELECT owner_type FROM etl_owner_keys k WHERE k.key = etl_owner_key(v))"
                     " AS owner_type" if column.type == OWNER else "")
            joins.append(
                f"LEFT JOIN (SELECT raw, v, {expr} AS val{extra} FROM (SELECT raw, etl_clean(raw) AS v "
                f"FROM (SELECT DISTINCT {raw} AS raw FROM etl_stage s))) {alias} ON {alias}.raw = {raw}"
            )
            selects.append(f"{alias}.val AS {name}")
            selects.append(f"coalesce({alias}.v IS NOT NULL AND {alias}.val IS NULL, false) AS {name}__bad")
            if column.type == OWNER:
                selects.append(f"{alias}.owner_type AS owner_type")
    return selects, joins


def _row_filters(kind: Kind, source: TableSource) -> tuple[str, str, str]:
    """SQL predicates (blank row, total row, data row = neither) over the staged columns.

    A total row's first non-empty cell starts with รวม / ยอดรวม / Total; it counts only
    when its key cell is empty or is that label, so a project named "รวมพลัง..." loads.
    Real rows have a key, so the costly first-non-empty-cell test only runs on rows
    whose key cell is empty or looks like a label (and the data-row test makes that
    first-character test once per row).
    """
    cells = [f"etl_text(s.c{i})" for i in range(source.width)]
    first = f"coalesce({', '.join(cells)})" if len(cells) > 1 else cells[0]
    label = (f"(starts_with({first}, 'รวม') OR starts_with({first}, 'ยอดรวม') "
             f"OR lower({first}) LIKE 'total%' OR lower({first}) LIKE 'grand total%')")
    key = _raw(source, kind.key)
    if key is None:
        return f"({first} IS NULL)", label, f"NOT ({first} IS NULL) AND NOT {label}"
    key_text = f"etl_text({key})"
    # Cheap pre-filter on the first character: real keys start with a printable ASCII
    # character other than T/G; labels (รวม, ยอดรวม, Total, Grand total) and blanks don't.
    suspect = (f"({key} IS NULL OR NOT (ascii({key}) BETWEEN 33 AND 126) "
               f"OR ascii({key}) IN (71, 84, 103, 116))")
    is_blank = f"{first} IS NULL"
    is_total = f"{label} AND ({key_text} IS NULL OR {key_text} = {first})"
    blank = f"(CASE WHEN {suspect} THEN {is_blank} ELSE false END)"
    total = f"(CASE WHEN {suspect} THEN {is_total} ELSE false END)"
    data = f"(CASE WHEN {suspect} THEN NOT ({is_blank} OR ({is_total})) ELSE true END)"
    return blank, total, data


def _table_columns(kind: Kind) -> list[str]:
    return state.data_columns(kind)


# --------------------------------------------------------------------------- one table


def _next_load_id(con: duckdb.DuckDBPyConnection) -> int:
    return con.execute("SELECT coalesce(max(load_id), 0) + 1 FROM loads").fetchone()[0]


def _record_load(con, result: LoadResult, source_path: Path, sha: str, started: datetime,
                 data_date=None) -> None:
    con.execute(
        """INSERT INTO loads (load_id, file_name, file_path, sha256, kind, sheet, started_at,
               finished_at, status, rows_read, rows_inserted, rows_updated, rows_unchanged,
               rows_rejected, total_rows_skipped, data_date, message, rows_released, rows_withdrawn)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        [result.load_id, source_path.name, str(source_path.resolve()), sha, result.kind,
         result.sheet, started, datetime.now(), result.status, result.rows_read,
         result.rows_inserted, result.rows_updated, result.rows_unchanged, result.rows_rejected,
         result.total_rows_skipped, data_date, result.message or None, result.rows_released,
         result.rows_withdrawn],
    )


# A header whose unit is not baht (the loader never rescales amounts).
_SCALED_UNIT = re.compile(r"ล้านบาท|พันบาท|million|thousand", re.IGNORECASE)


def _check_columns(source: TableSource, kind: Kind | None) -> None:
    if kind is None:
        raise RefusedError(
            "ไม่ทราบชนิดข้อมูลจากหัวตาราง — cannot tell the record kind from the headers "
            f"{[h for h in source.header.names if h]}; give it with --kind"
        )
    present = set(source.columns.values())
    missing = [c.name for c in kind.columns if c.required and c.name not in present]
    unknown = [h for i, h in enumerate(source.header.names) if h and i not in source.columns]
    if missing:
        missing_text = ", ".join(
            f"{name} ({kind.column(name).label_th})" for name in missing)
        scaled = [h for h in unknown if _SCALED_UNIT.search(h)]
        hint = (f"; คอลัมน์ {', '.join(scaled)} เป็นหน่วยล้านบาท ให้ใส่จำนวนเป็นบาท — "
                f"{', '.join(scaled)} is in million baht: give amounts in baht" if scaled else "")
        raise RefusedError(
            f"ขาดคอลัมน์ที่ต้องมี — missing required columns for {kind.name}: {missing_text}; "
            f"คอลัมน์ที่ไม่รู้จัก — unknown columns: {', '.join(unknown) or '-'}{hint}"
        )


def _load_table(con: duckdb.DuckDBPyConnection, source: TableSource, load_id: int,
                step: Callable[[str], None] = lambda label: None,
                area: validate.AreaRule | None = None) -> tuple[LoadResult, object]:
    """Normalise, check and upsert one staged table. Runs inside the caller's transaction."""
    kind = source.kind
    assert kind is not None
    result = LoadResult(str(source.path), source.sheet, kind.name, load_id, "loaded")
    if after_staging_hook is not None:
        after_staging_hook(con, source)
    if os.environ.get("BUDGET_ETL_SLEEP_AFTER_STAGING"):
        time.sleep(float(os.environ["BUDGET_ETL_SLEEP_AFTER_STAGING"]))
    pause("staged")
    if os.environ.get("BUDGET_ETL_FAIL_AFTER_STAGING"):
        raise RuntimeError("injected failure after staging (BUDGET_ETL_FAIL_AFTER_STAGING)")

    blank, total, data_row = _row_filters(kind, source)
    # Rows the reader could not trust (ragged, broken quotes) are rejected whole; a ragged
    # blank or total row is still just a blank or total row. Only the row-by-row reader
    # marks rows, so files DuckDB read whole skip these terms.
    hard = f"s.etl_defect = '{UNCLOSED_QUOTE}'" if source.has_defects else "false"
    defect = (f"({hard} OR (s.etl_defect IS NOT NULL AND NOT {blank} AND NOT {total}))"
              if source.has_defects else "false")

    step(STEPS[1])
    selects, joins = _typed_select(kind, source)
    clean = " AND s.etl_defect IS NULL" if source.has_defects else ""
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE etl_typed AS SELECT {', '.join(selects)} "
        f"FROM etl_stage s {' '.join(joins)} WHERE {data_row}{clean}"
    )
    staged = con.execute("SELECT count(*) FROM etl_stage").fetchone()[0]
    typed = con.execute("SELECT count(*) FROM etl_typed").fetchone()[0]
    if staged == typed and not source.has_defects:
        # Every staged row is a data row (no blank, total or defective one): no second pass.
        result.rows_read, result.total_rows_skipped, defect_rows = staged, 0, 0
    else:
        result.rows_read, result.total_rows_skipped, defect_rows = con.execute(
            f"SELECT count(*) FILTER (WHERE NOT {blank} OR {hard}), "
            f"count(*) FILTER (WHERE {total} AND NOT {hard}), count(*) FILTER (WHERE {defect}) "
            "FROM etl_stage s").fetchone()
    present = set(source.columns.values())
    step(STEPS[2])
    validate.run_checks(con, kind, present)
    if area is not None:  # the upload page: rows for other provinces/clusters are rejected
        validate.area_checks(con, kind, present, area)
    # The rows that passed their own checks are the candidates the state rules judge.
    # (Fixed now: the state rules' own rejects, added next, do not take rows out of it.)
    state.drop(con, "etl_valid")
    if con.execute("SELECT EXISTS (SELECT 1 FROM etl_rej)").fetchone()[0]:
        con.execute("""CREATE OR REPLACE TEMP TABLE etl_valid AS SELECT * FROM etl_typed t
            WHERE NOT EXISTS (SELECT 1 FROM etl_rej r WHERE r.row_no = t.row_no)""")
    else:  # the common case: every row passed, nothing to copy
        con.execute("CREATE OR REPLACE TEMP VIEW etl_valid AS SELECT * FROM etl_typed")
    held_kind = kind.name in state.HELD_KINDS
    stored = False
    if held_kind:
        stored = state.judge(con, kind, from_file=True, recheck=False)
        state.file_rejects(con)
    if defect_rows:
        con.execute(f"INSERT INTO etl_rej SELECT s.row_no, '{validate.WHOLE_ROW}', s.etl_defect "
                    f"FROM etl_stage s WHERE {defect}")
    _write_rejects(con, source, kind, load_id)
    result.rows_rejected = con.execute(
        "SELECT count(DISTINCT row_no) FROM etl_rej").fetchone()[0]
    step(STEPS[3])
    _upsert(con, kind, load_id, result)
    moves = state.Moves()
    if held_kind:
        moves = state.apply(con, kind, load_id, from_file=True, stored=stored)
    changed = bool(result.rows_inserted or result.rows_updated or moves.changed)
    downstream = state.settle_downstream(con, kind, load_id, changed)
    result.rows_released = moves.released + downstream.released
    result.rows_withdrawn = moves.withdrawn + downstream.withdrawn

    # The data date is the latest event recorded (not future deadlines or plans).
    date_columns = [c.name for c in kind.columns
                    if c.type == DATE and c.name not in ("deadline", "planned_start", "planned_end")]
    data_date = None
    if date_columns:
        data_date = con.execute(
            f"SELECT max(greatest({', '.join(date_columns)})) FROM etl_typed t "
            f"WHERE NOT EXISTS (SELECT 1 FROM etl_rej r WHERE r.row_no = t.row_no)"
        ).fetchone()[0] if len(date_columns) > 1 else con.execute(
            f"SELECT max({date_columns[0]}) FROM etl_typed t "
            f"WHERE NOT EXISTS (SELECT 1 FROM etl_rej r WHERE r.row_no = t.row_no)"
        ).fetchone()[0]
    if result.rows_inserted == 0 and result.rows_updated == 0:
        result.status = "unchanged"
    elif result.rows_rejected:
        result.status = "loaded_with_rejects"
    parts = []
    if result.rows_rejected:
        parts.append(f"{result.rows_rejected} แถวถูกปฏิเสธ — rows rejected "
                     f"(python -m etl rejects --load-id {load_id})")
    if result.total_rows_skipped:
        parts.append(f"ข้ามแถวรวม {result.total_rows_skipped} — total rows skipped")
    if result.rows_released:
        parts.append(f"รับแถวที่รอไว้จากการโหลดก่อน {result.rows_released} แถว — {result.rows_released} held rows "
                     "of earlier loads now fit and were accepted")
    if result.rows_withdrawn:
        parts.append(f"แถวจากการโหลดก่อน {result.rows_withdrawn} แถวไม่ผ่านกฎแล้ว ถูกพักไว้ — {result.rows_withdrawn} "
                     f"rows of earlier loads no longer fit and are held (python -m etl rejects --load-id {load_id})")
    if source.control_chars_removed:
        parts.append(f"ลบอักขระควบคุม {source.control_chars_removed} ตัว — "
                     f"{source.control_chars_removed} control characters (NUL etc.) removed")
    if not result.rows_read:
        parts.append("ไม่มีแถวข้อมูล — no data rows below the header")
    result.message = "; ".join(parts)
    return result, data_date


def _check_accounting(con: duckdb.DuckDBPyConnection, source: TableSource, result: LoadResult) -> None:
    """Refuse to publish when the counts of one table do not add up (a bug guard)."""
    kind = source.kind
    assert kind is not None
    loaded = result.rows_inserted + result.rows_updated + result.rows_unchanged
    stored = con.execute(f"SELECT count(*) FROM {kind.table} WHERE load_id = ?",
                         [result.load_id]).fetchone()[0]
    accounted = loaded + result.rows_rejected + result.total_rows_skipped
    both = state.check_disjoint(con)
    if both is not None:
        raise AccountingError(
            f"แถวอยู่ทั้งในตารางและในรายการที่พักไว้ ไม่เผยแพร่ข้อมูล — a key is both stored and held ({both}) "
            f"after {source.path.name}. Nothing was published (this is a bug: please report it with the file).")
    if result.rows_read != accounted or stored != result.rows_inserted + result.rows_updated:
        raise AccountingError(
            f"จำนวนแถวไม่ตรงกัน ไม่เผยแพร่ข้อมูล — row counts do not add up in {source.path.name}"
            f"{' / ' + source.sheet if source.sheet else ''}: read {result.rows_read:,} but loaded "
            f"{loaded:,} + rejected {result.rows_rejected:,} + totals {result.total_rows_skipped:,} "
            f"= {accounted:,}; the table holds {stored:,} rows of this load for "
            f"{result.rows_inserted + result.rows_updated:,} written. Nothing was published "
            "(this is a bug: please report it with the file).")


WHOLE_ROW_LABEL = "(ทั้งแถว whole row)"


def _write_rejects(con: duckdb.DuckDBPyConnection, source: TableSource, kind: Kind,
                   load_id: int) -> None:
    """Copy etl_rej into rejects, with the header as written and the cell as written."""
    positions = {name: position for position, name in source.columns.items()}
    headers = [source.header.names[positions[c.name]] if c.name in positions else c.name
               for c in kind.columns]
    header_case = ("CASE r.column_name "
                   + " ".join(f"WHEN '{c.name}' THEN ?" for c in kind.columns)
                   + f" WHEN '{validate.WHOLE_ROW}' THEN '{WHOLE_ROW_LABEL}' ELSE r.column_name END")
    cell_cases = " ".join(
        f"WHEN '{name}' THEN s.c{pos}" for pos, name in source.columns.items())
    cell_cases += f" WHEN '{validate.WHOLE_ROW}' THEN s.etl_defect_text"
    reasons_sql, reason_params = validate.reasons_table_sql()
    params = [load_id, source.path.name, source.sheet, *headers, kind.name, *reason_params]
    # record_key: the row's key as it would be stored (normalised), so a user finds it.
    con.execute(
        f"""INSERT INTO rejects (load_id, file_name, sheet, row_number, column_name, bad_value,
                                 reason_code, reason_th, reason_en, kind, record_key)
        SELECT ?, ?, ?, r.row_no, {header_case},
               trim(CASE r.column_name {cell_cases} ELSE NULL END),
               r.reason_code, x.reason_th, x.reason_en, ?, t.{kind.key}
        FROM (SELECT DISTINCT * FROM etl_rej) r
        JOIN etl_stage s ON s.row_no = r.row_no
        LEFT JOIN etl_typed t ON t.row_no = r.row_no
        JOIN ({reasons_sql}) x ON x.reason_code = r.reason_code
        ORDER BY r.row_no, r.column_name""",
        params,
    )


def _upsert(con: duckdb.DuckDBPyConnection, kind: Kind, load_id: int, result: LoadResult) -> None:
    """Insert new keys, update changed rows (and their load_id), leave identical rows alone."""
    table, key = kind.table, kind.key
    columns = _table_columns(kind)
    data_cols = [c for c in columns if c != key]
    not_rejected = "NOT EXISTS (SELECT 1 FROM etl_rej r WHERE r.row_no = t.row_no)"
    # Rows whose key is already stored: changed or identical (a fresh table has none, so
    # the large first load skips straight to the insert).
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE etl_existing AS
        SELECT t.row_no, {', '.join('t.' + c for c in columns)},
               ({' OR '.join(f't.{c} IS DISTINCT FROM d.{c}' for c in data_cols)}) AS changed
        FROM etl_typed t JOIN {table} d ON d.{key} = t.{key}
        WHERE {not_rejected}"""
    )
    updated, unchanged = con.execute(
        "SELECT count(*) FILTER (WHERE changed), count(*) FILTER (WHERE NOT changed) "
        "FROM etl_existing").fetchone()
    # Where each row came from (file row), for the tables whose rows a later load may hold.
    row_column = ", source_row" if kind.name in state.HELD_KINDS else ""
    if updated:
        con.execute(
            f"UPDATE {table} SET {', '.join(f'{c} = v.{c}' for c in data_cols)}, load_id = ?"
            f"{', source_row = v.row_no' if row_column else ''} "
            f"FROM etl_existing v WHERE v.changed AND {table}.{key} = v.{key}",
            [load_id],
        )
    inserted = con.execute(
        f"""INSERT INTO {table} ({', '.join(columns)}, load_id{row_column})
        SELECT {', '.join('t.' + c for c in columns)}, ?{', t.row_no' if row_column else ''} FROM etl_typed t
        WHERE {not_rejected}
          AND NOT EXISTS (SELECT 1 FROM etl_existing e WHERE e.{key} = t.{key})""",
        [load_id],
    ).fetchone()[0]
    result.rows_inserted, result.rows_updated, result.rows_unchanged = inserted, updated, unchanged


def _drop_temp(con: duckdb.DuckDBPyConnection) -> None:
    state.drop_temp(con)
    for name in ("etl_existing", "etl_touched", "etl_rej", "etl_typed", "etl_stage_raw"):
        con.execute(f"DROP TABLE IF EXISTS {name}")
    con.execute("DROP VIEW IF EXISTS etl_stage")


# --------------------------------------------------------------------------- many files


def _open_all(files: list[Path], kind: str | None,
              workdir: Path) -> list[tuple[Path, list[TableSource] | Exception]]:
    """Each file copied once into `workdir` and opened; a file that cannot be read becomes
    its ReadError (refused later with that reason), never an exception for the whole run."""
    opened: list[tuple[Path, list[TableSource] | Exception]] = []
    for index, path in enumerate(files):
        try:
            sources = open_sources(path, kind, workdir, f"{index:04d}{path.suffix.lower()}")
        except ReadError as error:
            opened.append((path, error))
            continue
        except Exception as error:  # noqa: BLE001  (any failure to read refuses this file only)
            detail = str(error).strip().splitlines()[0] if str(error).strip() else ""
            opened.append((path, ReadError(
                f"อ่านไฟล์ไม่ได้ — cannot read the file: {type(error).__name__}: {detail}")))
            continue
        opened.append((path, sources))
        pause("copied")
    return opened


def _order(opened) -> list[tuple[Path, TableSource | Exception]]:
    """Tables in load order: projects first, then carry-overs, disbursements, ..."""
    units = []
    for index, (path, item) in enumerate(opened):
        if isinstance(item, Exception):
            units.append(((-1, index, 0), path, item))
            continue
        for position, source in enumerate(item):
            rank = LOAD_ORDER.index(source.kind.name) if source.kind else len(LOAD_ORDER)
            units.append(((rank, index, position), path, source))
    units.sort(key=lambda unit: unit[0])
    return [(path, item) for _, path, item in units]


def load_files(paths: Iterable[Path | str], db_path: Path | None = None, kind: str | None = None,
               show_progress: bool = False, on_wait: Callable[[str], None] | None = None,
               area: validate.AreaRule | None = None,
               on_step: Callable[[Path, str], None] | None = None) -> list[LoadResult]:
    """Load files and folders into the store; one LoadResult per table (sheet) loaded.

    All files share one write session (published atomically at the end); each table is
    its own transaction. A file that cannot be read, and a refused or failing table, are
    rolled back and recorded in `loads` with status 'refused'; the others still load.
    Raises AccountingError (nothing published) when the loader's counts do not add up,
    and store.LockTimeout when another writer holds the store too long. `on_wait` gets the
    messages printed while waiting for another writer. `area` (the dashboard's upload page)
    rejects rows for owners outside it with the reason `not_your_area`; None (`etl load`)
    loads every area. `on_step(path, label)` is told each step of each table (a page's
    progress display).
    """
    if kind is not None and kind not in KINDS:
        raise ValueError(f"ไม่รู้จักชนิด {kind} — unknown kind {kind!r}; one of {', '.join(KINDS)}")
    files = expand_paths(paths)
    db = store.resolve_path(db_path)
    results: list[LoadResult] = []
    opened: list[tuple[Path, list[TableSource] | Exception]] = []
    progress = None
    try:
        with store.write_session(db, on_wait=on_wait) as con:
            # The session ends with an explicit CHECKPOINT; no automatic one mid-commit.
            con.execute("SET checkpoint_threshold = '16GB'")
            # Keep the peak memory of a national-size load under 2 GB: DuckDB spills its
            # temporary tables to disk beyond this (a load that still cannot fit, e.g. an
            # index larger than this, fails and is refused with DuckDB's message).
            con.execute("SET memory_limit = '1536MB'")
            # Input files are read through /proc/self/fd/N names, which are reused: no caching.
            con.execute("SET enable_external_file_cache = false")
            normalise.install(con)
            # Private copies of the inputs live next to the working copy of the store, so a
            # killed run's leftovers are found and removed with it.
            opened = _open_all(files, kind, store.inputs_folder(db))
            units = _order(opened)
            step, progress = _progress(files, units, show_progress)
            if on_step is not None:
                step = on_step
            for path, item in units:
                results.append(_load_one(con, path, item, step, area))
    finally:
        if progress is not None:
            progress.stop()
        for _, item in opened:
            if not isinstance(item, Exception):
                for source in item:
                    source.cleanup()
    return results


def _progress(files: list[Path], units: list, show: bool):
    """A step callback (and the Rich progress bar it drives, for large inputs)."""
    total_bytes = sum(p.stat().st_size for p in files if p.exists())
    if not show or total_bytes < PROGRESS_MIN_BYTES:
        return (lambda path, label: None), None
    from rich.markup import escape
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    progress = Progress(TextColumn("{task.description}"), BarColumn(),
                        TextColumn("{task.completed}/{task.total}"), TimeElapsedColumn(),
                        transient=True)
    task = progress.add_task("loading", total=len(units) * len(STEPS))
    progress.start()

    def step(path: Path, label: str) -> None:
        # File names are text from outside: escaped, so "[bold]" in a name stays text.
        progress.update(task, description=f"{escape(path.name)}: {label}")
        progress.advance(task)

    return step, progress


def _load_one(con: duckdb.DuckDBPyConnection, path: Path, item: TableSource | Exception,
              step: Callable[[Path, str], None], area: validate.AreaRule | None = None) -> LoadResult:
    started = datetime.now()
    load_id = _next_load_id(con)
    sheet = None if isinstance(item, Exception) else item.sheet
    kind_name = None if isinstance(item, Exception) or item.kind is None else item.kind.name
    sha = ""  # known after staging: a file read in place is hashed while DuckDB reads it
    in_transaction = False
    try:
        if isinstance(item, Exception):
            raise RefusedError(str(item))
        _check_columns(item, item.kind)
        # Staged outside the transaction: the temp table is private to this connection,
        # and committed temp rows keep their file order in rowid (the row number).
        step(path, STEPS[0])
        item.stage(con, "etl_stage")
        if item.reopened:  # the encoding changed: the header was read again
            kind_name = item.kind.name if item.kind else None
            _check_columns(item, item.kind)
        sha = item.sha256
        con.execute("BEGIN TRANSACTION")
        in_transaction = True
        result, data_date = _load_table(con, item, load_id, lambda label: step(path, label), area)
        _record_load(con, result, path, sha, started, data_date)
        if before_commit_hook is not None:
            before_commit_hook(con, item)
        pause("before_commit")
        _check_accounting(con, item, result)
        con.execute("COMMIT")
        in_transaction = False
        _drop_temp(con)
        return result
    except AccountingError:
        if in_transaction:
            con.execute("ROLLBACK")
        raise
    except Exception as error:  # noqa: BLE001  (any failure refuses this file only)
        if in_transaction:
            try:
                con.execute("ROLLBACK")
            except duckdb.Error:
                pass  # the failed statement may already have ended the transaction
        message = str(error).strip().splitlines()[0] if str(error).strip() else repr(error)
        if not isinstance(error, (RefusedError, ReadError)):
            message = f"โหลดไม่สำเร็จ ยกเลิกทั้งไฟล์ — load failed, file rolled back: {message}"
        result = LoadResult(str(path), sheet, kind_name, load_id, "refused", message=message)
        if not sha and not isinstance(item, Exception):
            try:
                sha = item.sha256
            except Exception:  # noqa: BLE001  (the file changed while it was hashed: no hash)
                sha = ""
        _drop_temp(con)
        con.execute("BEGIN TRANSACTION")
        _record_load(con, result, path, sha, started)
        con.execute("COMMIT")
        return result
