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

import contextlib
import os
import re
import stat
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path

import duckdb

from display_text import name_is_utf8, name_text, shown, thai_reading
from etl import normalise, state, store, validate
from etl import units as amount_units
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
    ambiguous_headers,
)
from etl.readers import (
    QUOTE_SPANS_ROWS,
    SHOWN_BY_DEFECT,
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


class NothingToLoad(ValueError):
    """The paths given hold no file the loader reads; the message says what was found instead."""


def _is_folder(path: Path) -> bool:
    """Whether a path given is a folder; a path the system cannot look at (a name too long,
    a folder without permission) is a NothingToLoad naming it, not a fault of the store."""
    try:
        if path.is_dir():
            return True
        if path.exists() or path.is_symlink():
            return False
    except OSError as error:
        raise NothingToLoad(f"ดูไฟล์ไม่ได้ — cannot look at {path}: {error.strerror or error}") from None
    raise FileNotFoundError(f"ไม่พบไฟล์ {path} — no such file or folder: {path}")


def _listing_note(folder: Path, subfolders: list[str], others: list[str]) -> str:
    """'2 sub-folders not read (a, b) ...' for a folder's entries the loader does not read."""
    parts = []
    if subfolders:
        parts.append(
            f"ไม่อ่านโฟลเดอร์ย่อย {len(subfolders)} โฟลเดอร์ — {len(subfolders)} sub-folder(s) not read "
            f"({', '.join(subfolders[:5])}{', …' if len(subfolders) > 5 else ''}); "
            f"name them to load them, e.g. python -m etl load {folder / subfolders[0]}"
        )
    if others:
        parts.append(
            f"ข้ามไฟล์ชนิดอื่น {len(others)} ไฟล์ — {len(others)} file(s) of other types skipped "
            f"({', '.join(others[:5])}{', …' if len(others) > 5 else ''}); "
            f"the loader reads {' '.join(SUPPORTED_SUFFIXES)}"
        )
    return "; ".join(parts)


def expand_paths(paths: Iterable[Path | str], say: Callable[[str], None] | None = None) -> list[Path]:
    """Files named, plus every entry of a supported type inside folders named (sorted by name).

    Folders are not searched below their first level. An entry of a supported type that is
    not a regular file (a named pipe, a device, a broken link) is kept, so that the load
    refuses it by name (`_open_all`) instead of skipping it in silence. `say` is told what
    a folder held that is not read (sub-folders, files of other types). Raises
    FileNotFoundError for a path that does not exist, and NothingToLoad when the paths hold
    nothing to read (the message says whether sub-folders were skipped).
    """
    files: list[Path] = []
    notes: list[str] = []
    for raw in paths:
        path = Path(raw)
        if _is_folder(path):
            try:
                entries = sorted(path.iterdir())
            except OSError as error:
                raise NothingToLoad(
                    f"เปิดโฟลเดอร์ไม่ได้ — cannot list the folder {path}: {error.strerror or error}"
                ) from None
            subfolders, others, found = [], [], []
            for entry in entries:
                if entry.name.startswith(("~$", ".")):  # Excel's lock files, hidden files
                    continue
                if entry.is_dir():
                    subfolders.append(entry.name)
                elif entry.suffix.lower() in SUPPORTED_SUFFIXES:
                    found.append(entry)
                else:
                    others.append(entry.name)
            files.extend(found)
            note = _listing_note(path, subfolders, others)
            if not found:
                notes.append(f"ไม่พบไฟล์ที่โหลดได้ใน {path} — no loadable file in {path}" + (f"; {note}" if note else ""))
            elif note and say is not None:
                say(f"{path}: {note}")
        else:
            files.append(path)
    if not files:
        raise NothingToLoad("ไม่มีไฟล์ให้โหลด — nothing to load: " + ("; ".join(notes) or "no paths given"))
    if say is not None:
        for note in notes:
            say(note)
    return files


# --------------------------------------------------------------------------- SQL pieces


def _raw(source: TableSource, name: str) -> str | None:
    position = next((p for p, n in source.columns.items() if n == name), None)
    return None if position is None else f"s.c{position}"


def _typed_select(kind: Kind, source: TableSource, where: str) -> str:
    """The query that turns the staged text rows passing `where` into typed columns (etl_typed).

    Two levels: the inner one normalises each cell once (macros, and joins for the columns of few
    distinct values), the outer one derives the flags (`__bad`, `__as_number`, `__ambiguous`) from
    those values by name. (DuckDB binds a name that refers to another expression of the same
    SELECT by copying that expression, macros and all: each flag made the statement bind its
    column's normalisation again, the costliest part of a small load.)
    """
    inner, outer, joins = ["s.row_no"], ["row_no"], []
    for column in kind.columns:
        raw = _raw(source, column.name)
        name = column.name
        if raw is None:
            sql_type = {MONEY: "DECIMAL(18,2)", DATE: "DATE", YEAR: "INTEGER", BOOL: "BOOLEAN"}.get(
                column.type, "VARCHAR"
            )
            outer.append(f"CAST(NULL AS {sql_type}) AS {name}")
            if column.type in validate.PARSED_TYPES:
                outer.append(f"false AS {name}__bad")
            if column.type == MONEY:
                outer.append(f"false AS {name}__ambiguous")
            if column.type == CODE:
                outer.append(f"false AS {name}__as_number")
            if column.type == OWNER:
                outer.append("CAST(NULL AS VARCHAR) AS owner_type")
            continue
        if column.type == TEXT:
            inner.append(f"etl_text_fast({raw}) AS {name}")
            outer.append(name)
        elif column.type == CODE:
            # Keys in their normal form (etl/normalise.py); GFMIS document numbers zero-padded.
            macro = "etl_doc_no" if name == "doc_no" else "etl_code"
            inner.extend([f"{macro}({raw}) AS {name}", f"{raw} AS {name}__raw"])
            outer.append(name)
            outer.append(
                f"CASE WHEN {name} IS NULL THEN etl_code_refused({name}__raw) "
                f"OR coalesce(etl_code_as_number({name}__raw), false) ELSE false END AS {name}__bad"
            )
            outer.append(
                f"CASE WHEN {name} IS NULL THEN coalesce(etl_code_as_number({name}__raw), false) ELSE false END "
                f"AS {name}__as_number"
            )
        elif column.type == MONEY:
            inner.extend([f"etl_money_fast({raw}) AS {name}", f"{raw} AS {name}__raw"])
            outer.append(name)
            outer.append(
                f"CASE WHEN {name} IS NULL THEN etl_clean({name}__raw) IS NOT NULL ELSE false END AS {name}__bad"
            )
            outer.append(
                f"CASE WHEN {name} IS NULL AND etl_clean({name}__raw) IS NOT NULL "
                f"THEN etl_money_ambiguous(etl_clean({name}__raw)) ELSE false END AS {name}__ambiguous"
            )
        else:
            # Few distinct values: normalise each distinct raw text once, join back.
            expr = {
                DATE: "etl_date(v)",
                YEAR: "etl_fiscal_year(v)",
                BOOL: "etl_bool(v)",
                ENUM: f"etl_enum_{name}(v)",
                OWNER: "(SELECT owner FROM etl_owner_keys k WHERE k.key = owner_key)",
            }[column.type]
            alias = f"m_{name}"
            extra = (
                ", (SELECT owner_type FROM etl_owner_keys k WHERE k.key = owner_key) AS owner_type"
                if column.type == OWNER
                else ""
            )
            key = ", etl_owner_key(v) AS owner_key" if column.type == OWNER else ""
            joins.append(
                f"LEFT JOIN (SELECT raw, v, {expr} AS val{extra} FROM (SELECT raw, v{key} FROM (SELECT raw, "
                f"etl_clean(raw) AS v FROM (SELECT DISTINCT {raw} AS raw FROM etl_stage s)))) {alias} "
                f"ON {alias}.raw = {raw}"
            )
            inner.append(f"{alias}.val AS {name}")
            outer.append(name)
            inner.append(f"coalesce({alias}.v IS NOT NULL AND {alias}.val IS NULL, false) AS {name}__bad")
            outer.append(f"{name}__bad")
            if column.type == OWNER:
                inner.append(f"{alias}.owner_type AS owner_type")
                outer.append("owner_type")
    return (
        f"SELECT {', '.join(outer)} FROM (SELECT {', '.join(inner)} FROM etl_stage s {' '.join(joins)} WHERE {where}) s"
    )


def _row_filters(kind: Kind, source: TableSource) -> tuple[str, str, str, str | None]:
    """SQL predicates (blank row, total row, data row = neither, and the cheap first-character
    test every blank or total row passes, None without a key column) over the staged columns.

    A total row's first non-empty cell starts with รวม / ยอดรวม / Total; it counts only
    when its key cell is empty or is that label, so a project named "รวมพลัง..." loads.
    Real rows have a key, so the costly first-non-empty-cell test only runs on rows
    whose key cell is empty or looks like a label (and the data-row test makes that
    first-character test once per row).
    """
    cells = [f"etl_text(s.c{i})" for i in range(source.width)]
    first = f"coalesce({', '.join(cells)})" if len(cells) > 1 else cells[0]
    label = (
        f"(starts_with({first}, 'รวม') OR starts_with({first}, 'ยอดรวม') "
        f"OR lower({first}) LIKE 'total%' OR lower({first}) LIKE 'grand total%')"
    )
    key = _raw(source, kind.key)
    if key is None:
        return f"({first} IS NULL)", label, f"NOT ({first} IS NULL) AND NOT {label}", None
    key_text = f"etl_text({key})"
    # Cheap pre-filter on the first character: real keys start with a printable ASCII
    # character other than T/G; labels (รวม, ยอดรวม, Total, Grand total) and blanks don't.
    suspect = f"({key} IS NULL OR NOT (ascii({key}) BETWEEN 33 AND 126) OR ascii({key}) IN (71, 84, 103, 116))"
    is_blank = f"{first} IS NULL"
    is_total = f"{label} AND ({key_text} IS NULL OR {key_text} = {first})"
    blank = f"(CASE WHEN {suspect} THEN {is_blank} ELSE false END)"
    total = f"(CASE WHEN {suspect} THEN {is_total} ELSE false END)"
    data = f"(CASE WHEN {suspect} THEN NOT ({is_blank} OR ({is_total})) ELSE true END)"
    return blank, total, data, suspect


def _table_columns(kind: Kind) -> list[str]:
    return state.data_columns(kind)


# --------------------------------------------------------------------------- one table


def _next_load_id(con: duckdb.DuckDBPyConnection) -> int:
    return con.execute("SELECT coalesce(max(load_id), 0) + 1 FROM loads").fetchone()[0]


def _record_load(con, result: LoadResult, source_path: Path, sha: str, started: datetime, data_date=None) -> None:
    con.execute(
        """INSERT INTO loads (load_id, file_name, file_path, sha256, kind, sheet, started_at,
               finished_at, status, rows_read, rows_inserted, rows_updated, rows_unchanged,
               rows_rejected, total_rows_skipped, data_date, message, rows_released, rows_withdrawn)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        [
            result.load_id,
            name_text(source_path.name),
            name_text(os.path.realpath(source_path)),
            sha,
            result.kind,
            result.sheet,
            started,
            datetime.now(),
            result.status,
            result.rows_read,
            result.rows_inserted,
            result.rows_updated,
            result.rows_unchanged,
            result.rows_rejected,
            result.total_rows_skipped,
            data_date,
            _with_name_note(result, source_path) or None,
            result.rows_released,
            result.rows_withdrawn,
        ],
    )


def _with_name_note(result: LoadResult, path: Path) -> str:
    """The load's message, saying first how a file name that is not UTF-8 was stored."""
    if name_is_utf8(path.name):
        return result.message
    thai = thai_reading(path.name)
    note = (
        f"ชื่อไฟล์ไม่ใช่ UTF-8 — the file name is not UTF-8: stored as '{name_text(path.name)}' "
        "(bytes that are not UTF-8 as \\xNN)"
        + (f"; as TIS-620 it reads '{thai}', rename the file so" if thai else "; rename the file")
    )
    result.message = f"{note}; {result.message}" if result.message else note
    return result.message


# A header whose unit is not baht (the loader never rescales amounts).
_SCALED_UNIT = re.compile(r"ล้านบาท|พันบาท|million|thousand", re.IGNORECASE)


def _column_label(position: int) -> str:
    """'D (4)': a column as a spreadsheet names it and as a count (CSV users count)."""
    letters, number = "", position + 1
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return f"{letters} ({position + 1})"


def _check_columns(source: TableSource, kind: Kind | None, unit: str | None = None) -> None:
    """Refuse a table whose headers cannot be read with certainty (RefusedError); decide its
    amount unit (`source.conversion`, etl.units)."""
    if kind is None:
        raise RefusedError(
            "ไม่ทราบชนิดข้อมูลจากหัวตาราง — cannot tell the record kind from the headers "
            f"{[h for h in source.header.names if h]}; give it with --kind"
        )
    ambiguous = ambiguous_headers(kind, source.header.names)
    if ambiguous:
        pairs = "; ".join(
            " / ".join(f'"{source.header.names[p]}" {_column_label(p)}' for p in positions) + f" -> {name}"
            for name, positions in ambiguous.items()
        )
        raise RefusedError(
            f"หัวตารางกำกวม (ambiguous_header): หลายคอลัมน์ตรงกับข้อมูลเดียวกัน {pairs} "
            "ให้ลบหรือเปลี่ยนชื่อคอลัมน์ที่ไม่ใช้ — "
            f"ambiguous header (ambiguous_header): more than one column names the same field: {pairs}; "
            "delete or rename the column that is not meant"
        )
    present = set(source.columns.values())
    missing = [c.name for c in kind.columns if c.required and c.name not in present]
    unknown = [h for i, h in enumerate(source.header.names) if h and i not in source.columns]
    if missing:
        missing_text = ", ".join(f"{name} ({kind.column(name).label_th})" for name in missing)
        scaled = [h for h in unknown if _SCALED_UNIT.search(h)]
        hint = (
            f"; คอลัมน์ {', '.join(scaled)} เป็นหน่วยล้านบาท ให้ใส่จำนวนเป็นบาท — "
            f"{', '.join(scaled)} is in million baht: give amounts in baht"
            if scaled
            else ""
        )
        raise RefusedError(
            f"ขาดคอลัมน์ที่ต้องมี — missing required columns for {kind.name}: {missing_text}; "
            f"คอลัมน์ที่ไม่รู้จัก — unknown columns: {', '.join(unknown) or '-'}{hint}"
        )
    money = {p: name for p, name in source.columns.items() if kind.column(name).type == MONEY}
    try:
        source.conversion = amount_units.decide(source.header.units, money, source.header.names, unit)
    except amount_units.UnitError as error:
        raise RefusedError(str(error)) from None


def _check_unit_notes(con: duckdb.DuckDBPyConnection, source: TableSource, unit: str | None) -> None:
    """A unit stated in a note row under the table (rejected as a row) is decided like a title
    line: RefusedError (the transaction is rolled back) when it changes what was decided."""
    notes = amount_units.statements_in_rows(con, source.width)
    if not notes:
        return
    applied = source.conversion
    source.header.units.general.extend(notes)
    _check_columns(source, source.kind, unit)
    if (applied and applied.unit) != (source.conversion and source.conversion.unit):
        raise RefusedError(
            f"หน่วยในหมายเหตุใต้ตารางขัดกับหัวตาราง — a note under the table states the unit "
            f"({notes[0].where()}) differently from the header area"
        )


def _cell_defects(con: duckdb.DuckDBPyConnection, source: TableSource, blank: str, total: str) -> int:
    """Rows with a cell that cannot be read in a column the kind uses (etl_cell_defects: a
    workbook's error cell or formula without a value, an amount not whole satang after a
    unit conversion): their rejects go to temp table etl_cell_rej; returns how many rows."""
    if not con.execute("SELECT count(*) FROM etl_cell_defects").fetchone()[0]:
        return 0
    mapped = ", ".join(f"({position}, '{name}')" for position, name in source.columns.items())
    whole_row = " AND s.etl_defect IS NULL" if source.has_defects else ""
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE etl_cell_rej AS
        SELECT DISTINCT d.row_no, m.name AS column_name, d.reason AS reason_code
        FROM etl_cell_defects d JOIN (VALUES {mapped}) m(position, name) ON m.position = d.position
        JOIN etl_stage s ON s.row_no = d.row_no
        WHERE NOT {blank} AND NOT {total}{whole_row}"""
    )
    return con.execute("SELECT count(DISTINCT row_no) FROM etl_cell_rej").fetchone()[0]


def _load_table(
    con: duckdb.DuckDBPyConnection,
    source: TableSource,
    load_id: int,
    step: Callable[[str], None] = lambda label: None,
    area: validate.AreaRule | None = None,
) -> tuple[LoadResult, object]:
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

    blank, total, data_row, suspect = _row_filters(kind, source)
    # Rows the reader could not trust (ragged, broken quotes) are rejected whole; a ragged
    # blank or total row is still just a blank or total row. Only the row-by-row reader
    # marks rows, so files DuckDB read whole skip these terms.
    hard = f"s.etl_defect IN ('{UNCLOSED_QUOTE}', '{QUOTE_SPANS_ROWS}')" if source.has_defects else "false"
    defect = (
        f"({hard} OR (s.etl_defect IS NOT NULL AND NOT {blank} AND NOT {total}))" if source.has_defects else "false"
    )

    step(STEPS[1])
    clean = " AND s.etl_defect IS NULL" if source.has_defects else ""
    cell_rows = _cell_defects(con, source, blank, total) if source.columns else 0
    if cell_rows:  # judged by their unreadable cells alone, not by checks on the rest
        clean += " AND s.row_no NOT IN (SELECT row_no FROM etl_cell_rej)"
    con.execute(f"CREATE OR REPLACE TEMP TABLE etl_typed AS {_typed_select(kind, source, data_row + clean)}")
    if kind.name == "projects" and "contract_amount" in source.columns.values():
        # "-" or 0 in the contract column is how government sheets write "no contract yet" (an accounting-
        # format zero shows "-"): stored as 0.00 it would be a contract signed for nothing (signed, paying 0).
        con.execute("UPDATE etl_typed SET contract_amount = NULL WHERE contract_amount = 0")
    staged = con.execute("SELECT count(*) FROM etl_stage").fetchone()[0]
    typed = con.execute("SELECT count(*) FROM etl_typed").fetchone()[0]
    if staged == typed and not source.has_defects:
        # Every staged row is a data row (no blank, total or defective one): no second pass.
        result.rows_read, result.total_rows_skipped, defect_rows = staged, 0, 0
    elif not source.has_defects and suspect is not None:
        # Blank and total rows are among the few whose key cell looks like a label or blank.
        blank_rows, result.total_rows_skipped = con.execute(
            f"SELECT count(*) FILTER (WHERE {blank}), count(*) FILTER (WHERE {total}) FROM etl_stage s WHERE {suspect}"
        ).fetchone()
        result.rows_read, defect_rows = staged - blank_rows, 0
    else:
        result.rows_read, result.total_rows_skipped, defect_rows = con.execute(
            f"SELECT count(*) FILTER (WHERE NOT {blank} OR {hard}), "
            f"count(*) FILTER (WHERE {total} AND NOT {hard}), count(*) FILTER (WHERE {defect}) "
            "FROM etl_stage s"
        ).fetchone()
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
        con.execute(
            f"INSERT INTO etl_rej SELECT s.row_no, '{validate.WHOLE_ROW}', s.etl_defect FROM etl_stage s WHERE {defect}"
        )
    if cell_rows:
        con.execute("INSERT INTO etl_rej SELECT row_no, column_name, reason_code FROM etl_cell_rej")
    _write_rejects(con, source, kind, load_id)
    result.rows_rejected = con.execute("SELECT count(DISTINCT row_no) FROM etl_rej").fetchone()[0]
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
    date_columns = [
        c.name for c in kind.columns if c.type == DATE and c.name not in ("deadline", "planned_start", "planned_end")
    ]
    data_date = None
    if date_columns:
        data_date = (
            con.execute(
                f"SELECT max(greatest({', '.join(date_columns)})) FROM etl_typed t "
                f"WHERE NOT EXISTS (SELECT 1 FROM etl_rej r WHERE r.row_no = t.row_no)"
            ).fetchone()[0]
            if len(date_columns) > 1
            else con.execute(
                f"SELECT max({date_columns[0]}) FROM etl_typed t "
                f"WHERE NOT EXISTS (SELECT 1 FROM etl_rej r WHERE r.row_no = t.row_no)"
            ).fetchone()[0]
        )
    if result.rows_inserted == 0 and result.rows_updated == 0:
        result.status = "unchanged"
    elif result.rows_rejected:
        result.status = "loaded_with_rejects"
    parts = []
    if result.rows_rejected:
        parts.append(f"{result.rows_rejected} แถวถูกปฏิเสธ — rows rejected (python -m etl rejects --load-id {load_id})")
    if result.total_rows_skipped:
        parts.append(f"ข้ามแถวรวม {result.total_rows_skipped} — total rows skipped")
    if result.rows_released:
        parts.append(
            f"รับแถวที่รอไว้จากการโหลดก่อน {result.rows_released} แถว — {result.rows_released} held rows "
            "of earlier loads now fit and were accepted"
        )
    if result.rows_withdrawn:
        parts.append(
            f"แถวจากการโหลดก่อน {result.rows_withdrawn} แถวไม่ผ่านกฎแล้ว ถูกพักไว้ — {result.rows_withdrawn} "
            f"rows of earlier loads no longer fit and are held (python -m etl rejects --load-id {load_id})"
        )
    if source.control_chars_removed:
        parts.append(
            f"ลบอักขระควบคุม {source.control_chars_removed} ตัว — "
            f"{source.control_chars_removed} control characters (NUL etc.) removed"
        )
    if not result.rows_read:
        parts.append("ไม่มีแถวข้อมูล — no data rows below the header")
    if source.conversion is not None:
        parts.append(source.conversion.note(source.header.names))
    parts.extend(source.notes)
    result.message = "; ".join(parts)
    return result, data_date


def _check_accounting(con: duckdb.DuckDBPyConnection, source: TableSource, result: LoadResult) -> None:
    """Refuse to publish when the counts of one table do not add up (a bug guard)."""
    kind = source.kind
    assert kind is not None
    loaded = result.rows_inserted + result.rows_updated + result.rows_unchanged
    stored = con.execute(f"SELECT count(*) FROM {kind.table} WHERE load_id = ?", [result.load_id]).fetchone()[0]
    accounted = loaded + result.rows_rejected + result.total_rows_skipped
    both = state.check_disjoint(con)
    if both is not None:
        raise AccountingError(
            f"แถวอยู่ทั้งในตารางและในรายการที่พักไว้ ไม่เผยแพร่ข้อมูล — a key is both stored and held ({both}) "
            f"after {source.path.name}. Nothing was published (this is a bug: please report it with the file)."
        )
    if result.rows_read != accounted or stored != result.rows_inserted + result.rows_updated:
        raise AccountingError(
            f"จำนวนแถวไม่ตรงกัน ไม่เผยแพร่ข้อมูล — row counts do not add up in {source.path.name}"
            f"{' / ' + source.sheet if source.sheet else ''}: read {result.rows_read:,} but loaded "
            f"{loaded:,} + rejected {result.rows_rejected:,} + totals {result.total_rows_skipped:,} "
            f"= {accounted:,}; the table holds {stored:,} rows of this load for "
            f"{result.rows_inserted + result.rows_updated:,} written. Nothing was published "
            "(this is a bug: please report it with the file)."
        )


WHOLE_ROW_LABEL = "(ทั้งแถว whole row)"


def _write_rejects(con: duckdb.DuckDBPyConnection, source: TableSource, kind: Kind, load_id: int) -> None:
    """Copy etl_rej into rejects, with the header as written and the cell as written (for a defect that says
    more than its empty cell, `readers.SHOWN_BY_DEFECT`, what it says: the merged range)."""
    positions = {name: position for position, name in source.columns.items()}
    headers = [source.header.names[positions[c.name]] if c.name in positions else c.name for c in kind.columns]
    header_case = (
        "CASE r.column_name "
        + " ".join(f"WHEN '{c.name}' THEN ?" for c in kind.columns)
        + f" WHEN '{validate.WHOLE_ROW}' THEN '{WHOLE_ROW_LABEL}' ELSE r.column_name END"
    )
    cell_cases = " ".join(f"WHEN '{name}' THEN s.c{pos}" for pos, name in source.columns.items())
    cell_cases += f" WHEN '{validate.WHOLE_ROW}' THEN s.etl_defect_text"
    position_case = " ".join(f"WHEN '{name}' THEN {pos}" for pos, name in source.columns.items())
    shown_codes = ", ".join(f"'{code}'" for code in SHOWN_BY_DEFECT)
    reasons_sql, reason_params = validate.reasons_table_sql()
    params = [load_id, name_text(source.path.name), source.sheet, *headers, kind.name, *reason_params]
    # record_key: the row's key as it would be stored (normalised), so a user finds it.
    con.execute(
        f"""INSERT INTO rejects (load_id, file_name, sheet, row_number, column_name, bad_value,
                                 reason_code, reason_th, reason_en, kind, record_key)
        SELECT ?, ?, ?, r.row_no, {header_case},
               trim(coalesce(d.shown, CASE r.column_name {cell_cases} ELSE NULL END)),
               r.reason_code, x.reason_th, x.reason_en, ?, t.{kind.key}
        FROM (SELECT DISTINCT * FROM etl_rej) r
        JOIN etl_stage s ON s.row_no = r.row_no
        LEFT JOIN (SELECT DISTINCT row_no, position, reason, shown FROM etl_cell_defects
                   WHERE reason IN ({shown_codes})) d
          ON d.row_no = r.row_no AND d.reason = r.reason_code
         AND d.position = CASE r.column_name {position_case or "WHEN NULL THEN -1"} ELSE -1 END
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
        SELECT t.row_no, {", ".join("t." + c for c in columns)},
               ({" OR ".join(f"t.{c} IS DISTINCT FROM d.{c}" for c in data_cols)}) AS changed
        FROM etl_typed t JOIN {table} d ON d.{key} = t.{key}
        WHERE {not_rejected}"""
    )
    updated, unchanged = con.execute(
        "SELECT count(*) FILTER (WHERE changed), count(*) FILTER (WHERE NOT changed) FROM etl_existing"
    ).fetchone()
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
        f"""INSERT INTO {table} ({", ".join(columns)}, load_id{row_column})
        SELECT {", ".join("t." + c for c in columns)}, ?{", t.row_no" if row_column else ""} FROM etl_typed t
        WHERE {not_rejected}
          AND NOT EXISTS (SELECT 1 FROM etl_existing e WHERE e.{key} = t.{key})""",
        [load_id],
    ).fetchone()[0]
    result.rows_inserted, result.rows_updated, result.rows_unchanged = inserted, updated, unchanged


def _drop_temp(con: duckdb.DuckDBPyConnection) -> None:
    state.drop_temp(con)
    for name in (
        "etl_existing",
        "etl_touched",
        "etl_rej",
        "etl_typed",
        "etl_stage_raw",
        "etl_cell_defects",
        "etl_cell_rej",
        "etl_merged",
        "etl_hidden",
        "etl_stage_units",
    ):
        con.execute(f"DROP TABLE IF EXISTS {name}")
    con.execute("DROP VIEW IF EXISTS etl_stage")


# --------------------------------------------------------------------------- many files


def _not_a_regular_file(path: Path) -> str | None:
    """Why `path` cannot be read as a file ('a named pipe (FIFO)', ...), or None for a
    regular file. Looked at before opening: opening a named pipe waits for a writer for ever
    (while this run holds the writer lock), a device or a /proc file may never end."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return "ไม่มีไฟล์ (ลิงก์เสีย) — no such file (a broken link?)"
    except OSError as error:
        return f"เปิดไม่ได้ — cannot open it: {error.strerror or error}"
    if stat.S_ISREG(mode):
        try:  # /proc and /sys hold "regular" files that never end or block (/proc/kmsg); they have no blocks
            pseudo = os.statvfs(path).f_blocks == 0
        except OSError:
            pseudo = False
        return (
            "ไม่ใช่ไฟล์ข้อมูล — it is a file of a kernel pseudo file system (/proc, /sys), not a data file"
            if pseudo
            else None
        )
    what = (
        "a named pipe (FIFO)"
        if stat.S_ISFIFO(mode)
        else "a socket"
        if stat.S_ISSOCK(mode)
        else "a character device"
        if stat.S_ISCHR(mode)
        else "a block device"
        if stat.S_ISBLK(mode)
        else "a folder"
        if stat.S_ISDIR(mode)
        else "not a regular file"
    )
    return f"ไม่ใช่ไฟล์ปกติ — it is {what}, not a regular file: only regular files are read"


def _open_all(files: list[Path], kind: str | None, workdir: Path) -> list[tuple[Path, list[TableSource] | Exception]]:
    """Each file copied once into `workdir` and opened; a file that cannot be read becomes
    its ReadError (refused later with that reason), never an exception for the whole run.
    Only regular files are opened: a pipe, device or socket is refused at once."""
    opened: list[tuple[Path, list[TableSource] | Exception]] = []
    for index, path in enumerate(files):
        special = _not_a_regular_file(path)
        if special is not None:
            opened.append((path, ReadError(special)))
            continue
        try:
            sources = open_sources(path, kind, workdir, f"{index:04d}{path.suffix.lower()}")
        except ReadError as error:
            opened.append((path, error))
            continue
        except Exception as error:  # noqa: BLE001  (any failure to read refuses this file only)
            detail = str(error).strip().splitlines()[0] if str(error).strip() else ""
            opened.append((path, ReadError(f"อ่านไฟล์ไม่ได้ — cannot read the file: {type(error).__name__}: {detail}")))
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


def load_files(
    paths: Iterable[Path | str],
    db_path: Path | None = None,
    kind: str | None = None,
    show_progress: bool = False,
    on_wait: Callable[[str], None] | None = None,
    area: validate.AreaRule | None = None,
    on_step: Callable[[Path, str], None] | None = None,
    unit: str | None = None,
) -> list[LoadResult]:
    """Load files and folders into the store; one LoadResult per table (sheet) loaded.

    All files share one write session (published atomically at the end); each table is
    its own transaction. A file that cannot be read, and a refused or failing table, are
    rolled back and recorded in `loads` with status 'refused'; the others still load.
    Raises AccountingError (nothing published) when the loader's counts do not add up,
    store.LockTimeout when another writer holds the store too long, and NothingToLoad when
    the paths hold no file to read (before the store is touched). `on_wait` gets the
    messages printed while waiting for another writer. `area` (the dashboard's upload page)
    rejects rows for owners outside it with the reason `not_your_area`; None (`etl load`)
    loads every area. `on_step(path, label)` is told each step of each table (a page's
    progress display). `unit` ('million' or 'thousand', `etl load --unit`) converts amounts stated
    in that unit, or not stated at all, to baht exactly (etl.units); None refuses any unit but baht.
    """
    if kind is not None and kind not in KINDS:
        raise ValueError(f"ไม่รู้จักชนิด {kind} — unknown kind {kind!r}; one of {', '.join(KINDS)}")
    if unit is not None and unit not in amount_units.SCALES:
        raise ValueError(f"ไม่รู้จักหน่วย {unit} — unknown unit {unit!r}; one of {', '.join(amount_units.SCALES)}")
    files = expand_paths(paths, on_wait)
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
                results.append(_load_one(con, path, item, step, area, unit))
    finally:
        if progress is not None:
            progress.stop()
        for _, item in opened:
            if not isinstance(item, Exception):
                for source in item:
                    source.cleanup()
    return results


# Longest file name the progress bar shows (in characters, escapes counted), cut with '…'.
PROGRESS_NAME_CHARS = 60


def _progress(files: list[Path], units: list, show: bool):
    """A step callback (and the Rich progress bar it drives, for large inputs)."""
    total_bytes = 0
    for path in files:
        with contextlib.suppress(OSError):
            info = os.stat(path)
            total_bytes += info.st_size if stat.S_ISREG(info.st_mode) else 0
    if not show or total_bytes < PROGRESS_MIN_BYTES:
        return (lambda path, label: None), None
    from rich.markup import escape
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    progress = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
        transient=True,
    )
    task = progress.add_task("loading", total=len(units) * len(STEPS))
    progress.start()

    def step(path: Path, label: str) -> None:
        # File names are text from outside: escape sequences and bidi controls shown as
        # visible escapes, long names cut, and markup escaped, so "[bold]" stays text.
        progress.update(task, description=f"{escape(shown(path.name, PROGRESS_NAME_CHARS))}: {label}")
        progress.advance(task)

    return step, progress


def _load_one(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    item: TableSource | Exception,
    step: Callable[[Path, str], None],
    area: validate.AreaRule | None = None,
    unit: str | None = None,
) -> LoadResult:
    started = datetime.now()
    load_id = _next_load_id(con)
    sheet = None if isinstance(item, Exception) else item.sheet
    kind_name = None if isinstance(item, Exception) or item.kind is None else item.kind.name
    sha = ""  # known after staging: a file read in place is hashed while DuckDB reads it
    in_transaction = False
    try:
        if isinstance(item, Exception):
            raise RefusedError(str(item))
        _check_columns(item, item.kind, unit)
        # Staged outside the transaction: the temp table is private to this connection,
        # and committed temp rows keep their file order in rowid (the row number).
        step(path, STEPS[0])
        item.stage(con, "etl_stage")
        if item.reopened:  # the encoding changed: the header was read again
            kind_name = item.kind.name if item.kind else None
            _check_columns(item, item.kind, unit)
        if item.conversion is not None:  # amounts in million/thousand baht: exact baht text
            amount_units.convert(con, item.conversion, [f"c{i}" for i in range(item.staged_width)])
        sha = item.sha256
        con.execute("BEGIN TRANSACTION")
        in_transaction = True
        result, data_date = _load_table(con, item, load_id, lambda label: step(path, label), area)
        if result.rows_rejected:  # a note under the table is a rejected row
            _check_unit_notes(con, item, unit)
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
