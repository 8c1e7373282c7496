"""Weekly routine commands, registered on the ETL command line (etl/cli_app.py; etl/cli.py imports this).

    python -m etl snapshot [--as-of DATE] [--replace] [--list] [--weekly]
    python -m etl export --as-of DATE --format xlsx|pdf|csv|all [--province P | --cluster C] --out DIR

Exit codes (safe to run from cron; docs/weekly-routine.md):
    0  done
    1  nothing to work on: no database, or no data for the fiscal year
    2  refused: bad input (date, area, format), or the snapshot exists and --replace was not given
    3  failed while writing (disk full, permissions, a bug); nothing half-written is left behind
    4  export only: the files were written, but the follow-up answers could not be read (the
       application store did not answer): they say "unknown now"; export again once it answers
  143  export stopped by SIGTERM; its temporary files removed
Every step prints one log line "YYYY-MM-DD HH:MM:SS <command>: <step>" on stdout.
"""

from __future__ import annotations

import errno
import os
import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.text import Text

from display_text import terminal_text
from etl.cli_app import _db, app, console, err_console, error_log_path, safe
from etl.kinds import DATE

if TYPE_CHECKING:  # duckdb, pandas (etl.reference) and the loader's rules are imported where a command uses them
    import duckdb

EXIT_OK, EXIT_NO_DATA, EXIT_REFUSED, EXIT_FAILED, EXIT_ANSWERS_UNKNOWN = 0, 1, 2, 3, 4
EXIT_TERMINATED = 143  # 128 + SIGTERM, as a shell reports a process ended by it
# export's one line when the application store did not answer (exit 4; fits the 160 columns of a log)
ANSWERS_UNKNOWN = (
    'เขียนไฟล์แล้ว แต่อ่านคำชี้แจงไม่ได้ (ระบบจัดเก็บไม่ตอบสนอง) การชี้แจงในไฟล์เป็น "ไม่ทราบในขณะนี้" — '
    "files written; follow-up answers unknown (store not answering)"
)


class InputError(ValueError):
    """A command-line value cannot be understood; the message says what is accepted."""


def log(command: str, message: str) -> None:
    """One log line per step, timestamped, flushed (cron mails or files stdout); names in it
    (folders, files) are shown safely (display_text.terminal_text)."""
    print(f"{datetime.now():%Y-%m-%d %H:%M:%S} {command}: {terminal_text(message)}", flush=True)


class Terminated(BaseException):
    """SIGTERM arrived: unwinds like Ctrl-C, so an export removes its temporary files."""


def _terminate(signum, frame) -> None:  # the signal handler signature
    raise Terminated()


def _catch_sigterm():
    """Make SIGTERM raise Terminated; returns the handler to restore (None off the main thread,
    where Python allows no handler)."""
    try:
        return signal.signal(signal.SIGTERM, _terminate)
    except ValueError:
        return None


# errno -> what to do, for the faults of writing export files (one line, no traceback)
_WRITE_FAULTS = {
    errno.ENOSPC: "ดิสก์เต็ม — no space left on the device: free some space and run the export again",
    errno.EDQUOT: "เกินโควตาดิสก์ — disk quota exceeded: free some space and run the export again",
    errno.EFBIG: "ไฟล์ใหญ่เกินที่อนุญาต — file larger than allowed (file-size limit): raise the limit "
    "(ulimit -f) or export less (--province / --cluster)",
    errno.EROFS: "ระบบไฟล์อ่านได้อย่างเดียว — read-only file system: choose another --out folder",
    errno.EACCES: "ไม่มีสิทธิ์เขียน — permission denied: choose another --out folder or fix its permissions",
    errno.EPERM: "ไม่มีสิทธิ์เขียน — operation not permitted: choose another --out folder",
    errno.ENOTDIR: "ไม่ใช่โฟลเดอร์ — a part of the --out path is a file, not a folder: choose another --out",
    errno.EISDIR: "มีโฟลเดอร์ชื่อเดียวกับไฟล์ส่งออก — a folder has the name of an export file: rename it or "
    "choose another --out",
}


def _write_fault(error: BaseException, out: Path) -> str | None:
    """One line for an OS error while writing the export files, or None when it is not one."""
    while error is not None and not isinstance(error, OSError):  # xlsxwriter wraps OSError
        error = error.__cause__ or error.__context__
    if error is None or error.errno not in _WRITE_FAULTS:
        return None
    return (
        f"เขียนไฟล์ส่งออกไม่ได้ — cannot write the export files to {out}: "
        f"{_WRITE_FAULTS[error.errno]} (errno {errno.errorcode.get(error.errno, error.errno)}); "
        "nothing half-written was left"
    )


@lru_cache(maxsize=1)
def _lookups() -> duckdb.DuckDBPyConnection:
    """An in-memory connection with the reference tables and the loader's normalisation
    macros, so command-line dates and areas are read by the same rules as input files."""
    import duckdb

    from etl import normalise
    from etl.reference import load_reference
    from etl.store import ensure_schema

    con = duckdb.connect()
    ensure_schema(con)
    load_reference(con)
    normalise.install(con)
    return con


def parse_as_of(text: str) -> date:
    """A date as the loader reads one: ISO '2019-09-13', d/m/yyyy in BE or CE, Thai digits, ..."""
    from etl import normalise

    day = normalise.normalise_value(_lookups(), DATE, text)
    if day is None:
        raise InputError(
            f"อ่านวันที่ '{text}' ไม่ได้ ใช้รูปแบบ 2019-09-13 หรือ 13/9/2562 — cannot read the date "
            f"'{text}'; use ISO 2019-09-13 or d/m/yyyy (BE or CE), e.g. 13/9/2562"
        )
    return day


def _owner(text: str, owner_type: str) -> str | None:
    from etl import normalise

    found = normalise.owner_of(_lookups(), text)
    return found[0] if found and found[1] == owner_type else None


def resolve_province(text: str) -> str:
    """A province's DOPA code from its code, Thai name (with or without 'จังหวัด'/'จ.') or English name."""
    code = _owner(text, "province")
    if code is None:
        raise InputError(
            f"ไม่รู้จักจังหวัด '{text}' — unknown province '{text}'; use a DOPA code (50) "
            "or a Thai/English name (เชียงใหม่, Chiang Mai)"
        )
    return code


def resolve_cluster(text: str) -> str:
    """A cluster code (C01..C18) from its code or its Thai/English name."""
    code = _owner(text, "cluster")
    if code is None:
        raise InputError(
            f"ไม่รู้จักกลุ่มจังหวัด '{text}' — unknown cluster '{text}'; use a code (C01) "
            "or a Thai/English name (ภาคเหนือตอนบน 1, Upper North 1)"
        )
    return code


def _use_database(ctx: typer.Context) -> Path:
    """The --db path (or env default), made the read side's database for this run."""
    db = _db(ctx)
    os.environ["BUDGET_DB"] = str(db)
    return db


def _stop(command: str, code: int, message: str) -> typer.Exit:
    err_console.print(Text(f"{command}: ", style="bold red") + safe(message), highlight=False, soft_wrap=True)
    log(command, f"stopped, exit {code}")
    return typer.Exit(code)


@contextmanager
def _warnings_to_error_log(db: Path) -> Iterator[None]:
    """Warnings the export logs (exports.*: the application store's driver error when it does not answer)
    go to etl-errors.log next to the database, as an internal error's traceback does, not to stderr."""
    import logging

    handler = logging.FileHandler(error_log_path(db), encoding="utf-8", delay=True)
    handler.setFormatter(logging.Formatter(f"--- %(asctime)s {' '.join(sys.argv)}\n%(name)s: %(message)s\n"))
    logger = logging.getLogger("exports")
    logger.addHandler(handler)
    try:
        yield
    finally:
        logger.removeHandler(handler)
        handler.close()


FiscalYear = Annotated[
    int | None,
    typer.Option(
        "--fiscal-year",
        "--fy",
        help="ปีงบประมาณ พ.ศ. (ค่าปริยาย: ปีที่มีการเบิกจ่ายล่าสุด) — fiscal year (BE; default: "
        "the year in progress, the year of the latest payment)",
        show_default=False,
    ),
]
# The fiscal year of a store with no payment yet (nothing to snapshot or export: the command says so).
EMPTY_STORE_YEAR = 2562


def _year(fiscal_year: int | None, db: Path) -> int:
    """The --fiscal-year given, else the store's year in progress (budget_metrics.reference.default_fiscal_year:
    the year of the latest current-year payment), so the weekly cron line follows the years by itself."""
    if fiscal_year is not None:
        return fiscal_year
    if not db.exists():
        return EMPTY_STORE_YEAR
    import duckdb

    from budget_metrics.connection import NoDataError
    from budget_metrics.reference import default_fiscal_year

    try:
        return default_fiscal_year() or EMPTY_STORE_YEAR
    except (NoDataError, duckdb.Error):
        return EMPTY_STORE_YEAR


AsOf = Annotated[
    str | None,
    typer.Option(
        "--as-of",
        help="ข้อมูล ณ วันที่ 2019-09-13 หรือ 13/9/2562 (ค่าปริยาย: วันศุกร์ล่าสุดที่มีข้อมูล) — "
        "as-of date, ISO or d/m/yyyy BE/CE (default: the latest Friday with data)",
        show_default=False,
    ),
]


@app.command()
def snapshot(
    ctx: typer.Context,
    as_of: AsOf = None,
    fiscal_year: FiscalYear = None,
    replace: Annotated[
        bool,
        typer.Option(
            "--replace",
            help="แทนที่สแนปช็อตเดิมของวันเดียวกัน (เก็บประวัติไว้) — replace an existing "
            "snapshot of the same date (the old one is kept as 'replaced')",
        ),
    ] = False,
    list_: Annotated[bool, typer.Option("--list", help="แสดงรายการสแนปช็อต — list snapshots")] = False,
    weekly: Annotated[
        bool,
        typer.Option(
            "--weekly",
            help="ทำสแนปช็อตทุกวันศุกร์ของปีงบประมาณที่มีข้อมูล — one snapshot per Friday of the "
            "fiscal year up to the latest data date",
        ),
    ] = False,
) -> None:
    """บันทึกสถานะรายโครงการ ณ วันที่ (สแนปช็อตรายสัปดาห์) — freeze the per-project state as of a date.

    Exit 0 taken/listed, 1 no data, 2 exists without --replace or bad input, 3 failed.
    """
    from budget_metrics.connection import NoDataError
    from etl.snapshot import (
        SnapshotDateError,
        SnapshotError,
        SnapshotExists,
        take_snapshot,
        take_weekly,
    )
    from etl.store import LockTimeout, StoreError

    db = _use_database(ctx)
    fiscal_year = _year(fiscal_year, db)
    if list_:
        raise typer.Exit(_list_snapshots(fiscal_year, db))
    try:
        day = parse_as_of(as_of) if as_of else None
        if weekly and day:
            raise InputError("ใช้ --weekly หรือ --as-of อย่างใดอย่างหนึ่ง — use --weekly or --as-of, not both")
        if not db.exists():
            raise NoDataError(
                f"ยังไม่มีฐานข้อมูล {db} — no database at {db}; run: python -m etl demo (or python -m etl load FILES)"
            )
        if weekly:
            log("snapshot", f"weekly snapshots of FY{fiscal_year} into {db}")
            done = take_weekly(fiscal_year, replace=replace, db_path=db, log=lambda m: log("snapshot", m))
        else:
            log("snapshot", f"taking FY{fiscal_year} as of {day or 'latest Friday with data'} into {db}")
            result = take_snapshot(fiscal_year, day, replace=replace, db_path=db)
    except InputError as error:
        raise _stop("snapshot", EXIT_REFUSED, str(error)) from None
    except (SnapshotExists, SnapshotDateError, LockTimeout) as error:
        raise _stop("snapshot", EXIT_REFUSED, str(error)) from None
    except (NoDataError, SnapshotError) as error:
        raise _stop("snapshot", EXIT_NO_DATA, str(error)) from None
    except (StoreError, OSError, Exception) as error:  # noqa: BLE001  (cron needs a code, not a trace)
        raise _stop("snapshot", EXIT_FAILED, f"{type(error).__name__}: {error}") from None
    if weekly:
        log("snapshot", f"done: {len(done)} snapshot(s) taken")
        return
    replaced = f", replaced snapshot {result.replaced_snapshot_id}" if result.replaced_snapshot_id else ""
    log(
        "snapshot",
        f"done: snapshot {result.snapshot_id} as of {result.as_of}, {result.projects:,} projects, "
        f"loads {result.source_load_ids}{replaced}",
    )


def _list_snapshots(fiscal_year: int, db: Path) -> int:
    from rich.table import Table

    from budget_metrics.connection import NoDataError
    from budget_metrics.snapshots import list_snapshots

    try:
        frame = list_snapshots(fiscal_year, include_replaced=True)
    except NoDataError as error:
        err_console.print(str(error), highlight=False)
        return EXIT_NO_DATA
    table = Table(title=f"สแนปช็อต — snapshots FY{fiscal_year} ({db})")
    for header in (
        "id",
        "ณ วันที่ as of",
        "บันทึกเมื่อ taken at",
        "สถานะ status",
        "แทนที่ replaces",
        "โครงการ projects",
        "เบิกจ่าย disbursed (baht)",
        "ร้อยละ %",
        "loads",
    ):
        table.add_column(header, justify="right" if header in ("id", "โครงการ projects") else "left")
    for row in frame.itertuples():
        replaces = (
            ""
            if row.replaces_snapshot_id is None or str(row.replaces_snapshot_id) in ("nan", "<NA>")
            else str(int(row.replaces_snapshot_id))
        )
        table.add_row(
            str(row.snapshot_id),
            str(row.as_of),
            f"{row.taken_at:%Y-%m-%d %H:%M}",
            row.status,
            replaces,
            f"{row.projects:,}",
            f"{row.disbursed:,.2f}",
            f"{row.pct_disbursed:.2f}" if row.pct_disbursed == row.pct_disbursed else "-",
            row.source_load_ids,
        )
    console.print(table)
    if frame.empty:
        console.print("ยังไม่มีสแนปช็อต — no snapshots yet: python -m etl snapshot")
    return EXIT_OK


@app.command()
def export(
    ctx: typer.Context,
    out: Annotated[Path, typer.Option("--out", help="โฟลเดอร์ปลายทาง — output folder (created if missing)")],
    as_of: AsOf = None,
    fmt: Annotated[
        list[str],
        typer.Option(
            "--format",
            "-f",
            help="xlsx (Excel), pdf (สรุปผู้บริหาร brief), csv (ทุกตาราง every table) หรือ all; ซ้ำได้ — repeatable",
        ),
    ] = ["xlsx"],  # noqa: B006
    province: Annotated[
        str | None,
        typer.Option("--province", help="เฉพาะจังหวัด: รหัสหรือชื่อ — only this province (code, Thai or English name)"),
    ] = None,
    cluster: Annotated[
        str | None,
        typer.Option("--cluster", help="เฉพาะกลุ่มจังหวัด: รหัสหรือชื่อ — only this cluster (C01.., Thai or English name)"),
    ] = None,
    fiscal_year: FiscalYear = None,
) -> None:
    """ส่งออกรายงาน Excel / PDF / CSV ณ วันที่ — export the workbook, the PDF brief or CSV tables.

    Files: budget-<FY>-asof-<YYYY-MM-DD>[-province-<code>|-cluster-<code>].<ext>
    (CSV: ...-<table>.csv). Exit 0 written, 1 no data, 2 bad input, 3 failed (no partial file left),
    4 written but the follow-up answers unknown (the application store did not answer).
    """
    from budget_metrics.connection import NoDataError
    from budget_metrics.filters import Filters
    from etl.snapshot import default_as_of
    from exports.export import FORMATS, build_bundle, write_bundle

    db = _use_database(ctx)
    fiscal_year = _year(fiscal_year, db)
    # kill / timeout / systemd stop: unwind so the temporary files are removed (kill -9 cannot
    # be caught: the next export removes what it leaves, and says so)
    previous = _catch_sigterm()
    try:
        formats = list(FORMATS) if "all" in fmt else list(dict.fromkeys(fmt))
        unknown = [f for f in formats if f not in FORMATS]
        if unknown:
            raise InputError(
                f"ไม่รู้จักรูปแบบ {', '.join(unknown)} — unknown format {', '.join(unknown)}; use xlsx, pdf, csv or all"
            )
        if province and cluster:
            raise InputError("เลือก --province หรือ --cluster อย่างใดอย่างหนึ่ง — use --province or --cluster, not both")
        day = parse_as_of(as_of) if as_of else None
        if out.exists() and not out.is_dir():
            raise InputError(
                f"{out} ไม่ใช่โฟลเดอร์ — --out {out} is a file, not a folder; give a folder (it is created when missing)"
            )
        if not db.exists():
            raise NoDataError(f"ยังไม่มีฐานข้อมูล {db} — no database at {db}; run: python -m etl demo")
        province_code = resolve_province(province) if province else None
        cluster_code = resolve_cluster(cluster) if cluster else None
        if day is None:
            day = default_as_of(fiscal_year)
            if day is None:
                raise NoDataError(f"ไม่มีข้อมูลของปีงบประมาณ {fiscal_year} — no data for fiscal year {fiscal_year}")
        filters = Filters(fiscal_year=fiscal_year, as_of=day, province=province_code, cluster=cluster_code)
        scope = (
            f"province {province_code}" if province_code else f"cluster {cluster_code}" if cluster_code else "national"
        )
        log("export", f"building tables FY{fiscal_year} as of {day} ({scope}) from {db}")
        with _warnings_to_error_log(db):  # e.g. the store's driver error: for the log, not the one line
            bundle = build_bundle(filters)
        for one in formats:
            log("export", f"writing {one} to {out}")
            for path in write_bundle(bundle, one, out, say=lambda line: log("export", line)):
                log("export", f"wrote {path}")
    except InputError as error:
        raise _stop("export", EXIT_REFUSED, str(error)) from None
    except NoDataError as error:
        raise _stop("export", EXIT_NO_DATA, str(error)) from None
    except Terminated:
        raise _stop(
            "export", EXIT_TERMINATED, "หยุดโดยสัญญาณ SIGTERM — stopped by SIGTERM; nothing half-written was left"
        ) from None
    except Exception as error:  # noqa: BLE001  (cron needs a code, not a trace)
        fault = _write_fault(error, out)
        raise _stop("export", EXIT_FAILED, fault or f"{type(error).__name__}: {error}") from None
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
    if bundle.responses_unknown:  # the files are complete but for the answers: say so, and a code cron can see
        raise _stop("export", EXIT_ANSWERS_UNKNOWN, ANSWERS_UNKNOWN)
    log("export", "done")
