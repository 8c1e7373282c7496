"""Command line: python -m etl [--db PATH] load|demo|status|rejects|snapshot|export ...

Exit codes of `load` and `demo`: 0 loaded, 1 loaded with rejects, 2 refused (a file that
cannot be read or loaded, nothing to load, a bad option, the writer lock held too long), 3 failed (the
database could not be written, or an internal error: nothing was published).
Errors are shown as one message, in Thai and English, without a traceback; the traceback
of an unexpected error goes to the error log next to the database (BUDGET_DEBUG=1 also
prints it). Text that comes from files is printed with `safe()`, never as markup.
"""

from __future__ import annotations

# Each command imports duckdb, pandas and what it reads or writes itself: `--help`, a bad option,
# `users` and `status` start without the ~0.5 s of imports they do not use (docs/benchmarks.md,
# "Test suite time, part 5").
import os
import sys
import traceback
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

import settings
from display_text import name_text
from etl import users_commands, weekly_commands  # noqa: F401  (register their commands on the same app)
from etl.cli_app import _db, _fail, app, console, err_console, error_log_path, safe  # noqa: F401  (error_log_path: named here by callers)
from etl.kinds import KINDS
from etl.units import SCALES as UNIT_SCALES
from vocabulary import LOAD_STATUSES

EXIT_OK, EXIT_REJECTS, EXIT_REFUSED, EXIT_FAILED = 0, 1, 2, 3

# The load statuses' Thai words, as the data-quality page shows them (one vocabulary).
STATUS_TH = {status: thai for status, (thai, _) in LOAD_STATUSES.items()}
DATA_TABLES = ("projects", "disbursements", "carryovers", "reallocations", "asset_transfers")
REFERENCE_TABLES = ("provinces", "clusters", "regions", "targets", "thresholds", "report_settings")
# `etl rejects` shows a rejected cell cut to this many characters with '…' (the rejects table,
# the data-quality page and its download hold it whole).
REJECT_VALUE_LIMIT = 300


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


def internal_error(error: BaseException, db: Path | None = None) -> typer.Exit:
    """One line for the user, the traceback for the log (and stderr with BUDGET_DEBUG=1)."""
    detail = traceback.format_exc()
    log = error_log_path(db)
    try:
        log.parent.mkdir(parents=True, exist_ok=True)
        # errors=: a file name with undecodable bytes on the command line must not stop the log
        with open(log, "a", encoding="utf-8", errors="backslashreplace") as handle:
            handle.write(f"--- {datetime.now():%Y-%m-%d %H:%M:%S} {' '.join(map(name_text, sys.argv))}\n{detail}\n")
        where = f"details in {log}"
    except OSError:
        where = "set BUDGET_DEBUG=1 to see the details"
    if os.environ.get("BUDGET_DEBUG"):
        print(detail, file=sys.stderr)
    return _fail(
        f"ข้อผิดพลาดภายใน ไม่ได้เผยแพร่ข้อมูลใด ๆ — internal error, nothing was published: "
        f"{type(error).__name__}: {_first_line(error)} ({where})",
        EXIT_FAILED,
    )


def print_summary(results) -> None:
    """The per-file summary table of a load."""
    table = Table(title="สรุปการโหลด — load summary")
    table.add_column("file", overflow="fold", min_width=16)
    table.add_column("sheet", overflow="fold")
    table.add_column("kind", overflow="fold")
    table.add_column("load", justify="right")
    table.add_column("status", overflow="fold")
    for header in ("read", "new", "updated", "same", "rejected", "totals"):
        table.add_column(header, justify="right")
    colours = {"loaded": "green", "loaded_with_rejects": "yellow", "refused": "red", "unchanged": "cyan"}
    for r in results:
        table.add_row(
            safe(Path(r.file).name),
            safe(r.sheet or ""),
            safe(r.kind or "?"),
            str(r.load_id),
            Text(r.status, style=colours.get(r.status, "white")),
            f"{r.rows_read:,}",
            f"{r.rows_inserted:,}",
            f"{r.rows_updated:,}",
            f"{r.rows_unchanged:,}",
            f"{r.rows_rejected:,}",
            f"{r.total_rows_skipped:,}",
        )
    console.print(table)
    console.print(
        "อ่าน read = เพิ่ม new + แก้ไข updated + เท่าเดิม same + ปฏิเสธ rejected + "
        "แถวรวมที่ข้าม totals · " + " · ".join(f"{en} = {th}" for en, th in STATUS_TH.items()),
        highlight=False,
    )
    for r in results:
        # refusals, rejects, notes (hidden sheets, units converted)
        if r.status == "refused" or r.rows_rejected or r.message:
            colour = "red" if r.status == "refused" else "yellow" if r.rows_rejected else "cyan"
            name = Path(r.file).name + (f" / {r.sheet}" if r.sheet else "")
            console.print(safe(f"{name}:", colour) + " " + safe(r.message), highlight=False)


def _say(message: str) -> None:
    err_console.print(safe(message), highlight=False)


def _run_load(paths: list[Path], db: Path, kind: str | None, unit: str | None = None) -> int:
    import duckdb

    from etl.load import AccountingError, exit_code, load_files
    from etl.readers import ReadError
    from etl.store import LockTimeout, StoreError

    try:
        results = load_files(paths, db_path=db, kind=kind, show_progress=True, on_wait=_say, unit=unit)
    except (FileNotFoundError, LockTimeout, ReadError) as error:
        raise _fail(str(error)) from None
    except AccountingError as error:
        raise internal_error(error, db) from None
    except StoreError as error:  # e.g. a database written by newer code
        raise _fail(str(error)) from None
    except ValueError as error:
        raise _fail(str(error)) from None
    except (duckdb.Error, OSError) as error:
        raise _fail(
            f"เขียนฐานข้อมูลไม่ได้ ไม่ได้เผยแพร่ข้อมูลใด ๆ — cannot write the database {db}, "
            f"nothing was published: {_first_line(error)}",
            EXIT_FAILED,
        ) from None
    except Exception as error:  # noqa: BLE001  (cron needs a code and one line, not a trace)
        raise internal_error(error, db) from None
    print_summary(results)
    return exit_code(results)


@app.command()
def load(
    ctx: typer.Context,
    paths: Annotated[
        list[Path],
        typer.Argument(help="ไฟล์หรือโฟลเดอร์ (.csv .xlsx .xls) — files or folders to load", show_default=False),
    ],
    kind: Annotated[
        str | None,
        typer.Option(
            "--kind",
            help=f"ชนิดข้อมูล ถ้าไม่ระบุจะดูจากหัวตาราง — record kind ({', '.join(KINDS)}); "
            "detected from the headers when omitted",
        ),
    ] = None,
    unit: Annotated[
        str | None,
        typer.Option(
            "--unit",
            help="หน่วยของจำนวนเงินในไฟล์ (million = ล้านบาท, thousand = พันบาท) แปลงเป็นบาทแบบแม่นยำ — the unit "
            "of the files' amounts (million or thousand baht), converted exactly to baht; without it "
            "a file stating another unit than baht is refused",
        ),
    ] = None,
) -> None:
    """โหลดไฟล์เข้าฐานข้อมูล — load files; exit 0 loaded, 1 with rejects, 2 refused, 3 failed."""
    if kind is not None and kind not in KINDS:
        raise _fail(f"ไม่รู้จักชนิด {kind} — unknown kind {kind!r}; use one of: {', '.join(KINDS)}")
    if unit is not None and unit not in UNIT_SCALES:
        raise _fail(f"ไม่รู้จักหน่วย {unit} — unknown unit {unit!r}; use one of: {', '.join(UNIT_SCALES)}")
    raise typer.Exit(_run_load(paths, _db(ctx), kind, unit))


@app.command()
def demo(
    ctx: typer.Context,
    seed: Annotated[int, typer.Option(help="เลขสุ่มตั้งต้น — random seed (same seed, same data)")] = 2562,
    out: Annotated[
        Path | None,
        typer.Option(
            help="โฟลเดอร์ที่เขียนไฟล์ตัวอย่าง — folder for the demo files (default: env BUDGET_DEMO_DIR or data/demo)",
            show_default=False,
        ),
    ] = None,
) -> None:
    """สร้างและโหลดข้อมูลตัวอย่างปีงบประมาณ 2561-2563 — generate and load the FY2561-FY2563 demo data."""
    import duckdb

    from etl.demo import DEMO_YEARS, write_demo_years, year_folder

    out_dir = out or settings.demo_dir()
    console.print(safe(f"สร้างข้อมูลตัวอย่าง — writing demo files to {out_dir} (seed {seed})"))
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        write_demo_years(out_dir, seed)
    except (OSError, ValueError) as error:
        raise _fail(f"สร้างข้อมูลตัวอย่างไม่ได้ — cannot write the demo files: {error}") from None
    code = _run_load([year_folder(out_dir, year.fiscal_year) for year in DEMO_YEARS], _db(ctx), None)
    if code < 2:  # loaded: freeze every year's Fridays, so snapshot mode and movers work at once
        from etl.snapshot import SnapshotError, take_demo_snapshots
        from etl.store import StoreError

        console.print("บันทึกภาพนิ่งรายสัปดาห์ — taking the weekly snapshots of the demo years")
        try:
            take_demo_snapshots(_db(ctx), log=lambda line: None)
        except (SnapshotError, StoreError, duckdb.Error, OSError) as error:
            raise _fail(f"บันทึกภาพนิ่งไม่ได้ — cannot take the weekly snapshots: {error}") from None
    raise typer.Exit(code)


@app.command()
def status(
    ctx: typer.Context,
    quiet: Annotated[
        bool,
        typer.Option(
            "--quiet",
            "-q",
            help="ไม่แสดงผล: exit 0 ถ้ามีโครงการ — print nothing; exit 0 when projects are loaded, 1 otherwise",
        ),
    ] = False,
) -> None:
    """สถานะข้อมูลในฐานข้อมูล — what is loaded, as of when, and how many rejects."""
    import duckdb

    from etl.store import StoreError, read_connection

    db = _db(ctx)
    if quiet:
        try:
            con = read_connection(db)
            try:
                count = con.execute("SELECT count(*) FROM projects").fetchone()[0]
            finally:
                con.close()
        except (StoreError, duckdb.Error):
            raise typer.Exit(1) from None
        raise typer.Exit(0 if count else 1)
    try:
        con = read_connection(db)
    except (StoreError, duckdb.Error) as error:
        raise _fail(str(error), 1) from None
    try:
        table = Table(title=safe(f"ฐานข้อมูล — database {db}"))
        table.add_column("ตาราง table")
        table.add_column("แถว rows", justify="right")
        for name in (*DATA_TABLES, *REFERENCE_TABLES):
            count = con.execute(f"SELECT count(*) FROM {name}").fetchone()[0]
            table.add_row(name, f"{count:,}")
        loads, last_load, data_date = con.execute(
            "SELECT count(*), max(finished_at), max(data_date) FROM loads"
        ).fetchone()
        by_status = con.execute("SELECT status, count(*) FROM loads GROUP BY status ORDER BY status").fetchall()
        rejects = con.execute("SELECT count(*) FROM rejects").fetchone()[0]
        existing = {name for (name,) in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
        held = [
            (name, con.execute(f"SELECT count(*) FROM held_{name}").fetchone()[0])
            for name in ("carryovers", "disbursements", "reallocations", "asset_transfers")
            if f"held_{name}" in existing
        ]  # (a store not yet upgraded to schema v4 has none)
        latest_posting = con.execute("SELECT max(posting_date) FROM disbursements").fetchone()[0]
    except duckdb.Error as error:
        raise _fail(f"อ่านฐานข้อมูลไม่ได้ — cannot read the database {db}: {error}", 1) from None
    finally:
        con.close()
    console.print(table)
    console.print(f"ข้อมูลล่าสุด ณ วันที่ — latest data date: {latest_posting or data_date or '-'}")
    console.print(f"โหลดล่าสุดเมื่อ — last load: {last_load or '-'}")
    statuses = ", ".join(f"{s} {n}" for s, n in by_status) or "-"
    console.print(safe(f"จำนวนการโหลด — loads: {loads} ({statuses})"))
    console.print(f"แถวที่ถูกปฏิเสธ — rejects: {rejects:,}")
    held_text = ", ".join(f"{name} {count:,}" for name, count in held if count) or "0"
    console.print(f"แถวที่พักไว้รอข้อมูลที่เกี่ยวข้อง — held rows (etl/state.py): {held_text}")


@app.command()
def rejects(
    ctx: typer.Context,
    load_id: Annotated[
        int | None, typer.Option("--load-id", help="เฉพาะการโหลดนี้ — only this load (see `status` / `load` output)")
    ] = None,
    limit: Annotated[int, typer.Option(help="จำนวนแถวสูงสุด — show at most this many rows")] = 50,
) -> None:
    """รายการแถวที่ถูกปฏิเสธ — list rejected rows with file, row, column, value and reason."""
    import duckdb

    from etl.store import StoreError, read_connection

    try:
        con = read_connection(_db(ctx))
    except (StoreError, duckdb.Error) as error:
        raise _fail(str(error), 1) from None
    try:
        where, params = ("WHERE load_id = ?", [load_id]) if load_id is not None else ("", [])
        total = con.execute(f"SELECT count(*) FROM rejects {where}", params).fetchone()[0]
        upgraded = con.execute(
            "SELECT count(*) FROM information_schema.columns WHERE table_name = 'rejects' "
            "AND column_name = 'record_key'"
        ).fetchone()[0]
        newer = "record_key, " if upgraded else "NULL, "  # (a store not yet upgraded to schema v4)
        rows = con.execute(
            f"""SELECT load_id, file_name, sheet, row_number, {newer}column_name, bad_value, reason_code,
                       reason_th, reason_en, {"resolved_by_load_id" if upgraded else "NULL"}
                FROM rejects {where} ORDER BY load_id, file_name, row_number, column_name
                LIMIT ?""",
            [*params, limit],
        ).fetchall()
    except duckdb.Error as error:
        raise _fail(f"อ่านฐานข้อมูลไม่ได้ — cannot read the database: {error}", 1) from None
    finally:
        con.close()
    table = Table(title=f"แถวที่ถูกปฏิเสธ — rejects ({len(rows)} of {total:,})")
    for header in ("load", "ไฟล์ file", "ชีต sheet", "แถว row", "รหัส key", "คอลัมน์ column", "ค่า value", "เหตุผล reason"):
        table.add_column(header, overflow="fold")
    for load_no, file_name, sheet, row, key, column, value, code, thai, english, resolved in rows:
        # The key as stored (normalised); a held row that a later load accepted says so.
        later = (
            f"; รับเข้าแล้วในการโหลด {resolved} — no longer holds since load {resolved}" if resolved is not None else ""
        )
        table.add_row(
            str(load_no),
            safe(file_name),
            safe(sheet or ""),
            str(row or ""),
            safe(key or "", limit=REJECT_VALUE_LIMIT),
            safe(column or ""),
            safe(value if value is not None else "", limit=REJECT_VALUE_LIMIT),
            safe(f"{thai} — {english} ({code}){later}"),
        )
    console.print(table)


def main() -> None:
    """Entry point of `python -m etl`: any unexpected error is one line and exit 3."""
    db = None
    try:
        app(prog_name="python -m etl", standalone_mode=True)
    except SystemExit:
        raise
    except KeyboardInterrupt:
        err_console.print("หยุดโดยผู้ใช้ — interrupted", highlight=False)
        sys.exit(130)
    except Exception as error:  # noqa: BLE001  (cron needs a code and one line, not a trace)
        if "--db" in sys.argv[:-1]:
            db = Path(sys.argv[sys.argv.index("--db") + 1])
        exit_with = internal_error(error, db)
        sys.exit(exit_with.exit_code)
