"""Opening the DuckDB store for writing, safely while the dashboard reads it.

DuckDB lets one process write a file or several read it, not both. So writers never
touch the published file: a write session copies it to a private working file, loads
there (one transaction per input file), checkpoints, and publishes the result with an
atomic `os.replace`. Readers holding the old file keep a consistent old state; the
next reader opens the new one. A lock file serialises writers, so two ETL runs cannot
publish over each other. A crash or kill before publishing leaves the published file
exactly as it was.

What a killed writer leaves behind (its working copy `<db>.writing-<pid>`, the copy's
WAL, the private copies of its input files in `<db>.writing-<pid>.inputs/`) is removed by
the next writer, which holds the lock and therefore knows no other writer is running;
it says what it removed. A writer that finds the lock taken says, after two seconds,
which process holds it and since when (the holder writes `<db>.lock.owner`), and gives
up after BUDGET_LOCK_TIMEOUT seconds (settings.lock_timeout_seconds) with LockTimeout.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import duckdb
from filelock import FileLock, Timeout

import settings
from etl.schema import INDEXES, MIGRATIONS, SCHEMA_VERSION, TABLES


class StoreError(RuntimeError):
    """The database cannot be used as it is; the message says what to do."""


class LockTimeout(StoreError):
    """Another writer held the store longer than the configured wait."""


# After this many seconds of waiting for the writer lock, say who holds it.
LOCK_NOTICE_AFTER = 2.0


def pause(point: str) -> None:
    """Test seam: BUDGET_ETL_PAUSE="point:seconds[,point:seconds]" sleeps at a named point;
    "point:stdin" waits instead for a line on stdin (or its end), so a test resumes the load as
    soon as it has acted.

    Points: locked (lock taken), copied (an input file copied), staged (rows staged),
    before_commit (a table written, not committed), before_publish (store checkpointed,
    not yet published). Says "paused at <point> (pid N)" on stderr first, so a test can
    act (kill, rewrite a file) at a known moment.
    """
    spec = os.environ.get("BUDGET_ETL_PAUSE")
    if not spec:
        return
    for item in spec.split(","):
        name, _, seconds = item.partition(":")
        if name.strip() == point:
            print(f"paused at {point} (pid {os.getpid()})", file=sys.stderr, flush=True)
            if seconds.strip() == "stdin":
                sys.stdin.readline()
            else:
                time.sleep(float(seconds or 0))


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def schema_version(con: duckdb.DuckDBPyConnection) -> int | None:
    """The schema version recorded in the file, or None for an empty file."""
    exists = con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_info'").fetchone()[
        0
    ]
    if not exists:
        return None
    row = con.execute("SELECT max(version) FROM schema_info").fetchone()
    return row[0]


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create missing tables, or upgrade an older file step by step."""
    found = schema_version(con)
    if found is not None and found > SCHEMA_VERSION:
        raise StoreError(
            f"ฐานข้อมูลเป็นรุ่น {found} ใหม่กว่าโปรแกรม (รุ่น {SCHEMA_VERSION}) — "
            f"database schema v{found} is newer than this code (v{SCHEMA_VERSION}); "
            "update the code (git pull) before loading."
        )
    for ddl in TABLES.values():
        con.execute(ddl)
    for version in range(found or SCHEMA_VERSION, SCHEMA_VERSION + 1):
        for statement in MIGRATIONS.get(version, []):
            con.execute(statement)
    for ddl in INDEXES:
        con.execute(ddl)
    if found != SCHEMA_VERSION:
        con.execute("INSERT INTO schema_info VALUES (?, ?)", [SCHEMA_VERSION, datetime.now()])


def _remove_quietly(*paths: Path) -> None:
    for path in paths:
        try:
            path.unlink()
        except FileNotFoundError:
            pass


def resolve_path(db_path: Path | str | None = None) -> Path:
    """The database file: the one given, or settings.database_path()."""
    return Path(db_path) if db_path else settings.database_path()


def writer_lock(db_path: Path) -> FileLock:
    """The lock that serialises writers of one database file."""
    return FileLock(str(db_path) + ".lock")


def _owner_file(path: Path) -> Path:
    return Path(str(path) + ".lock.owner")


def _work_file(path: Path) -> Path:
    return path.with_name(f"{path.name}.writing-{os.getpid()}")


def inputs_folder(db_path: Path) -> Path:
    """This writer's folder for private copies of input files (removed with the session)."""
    folder = Path(f"{_work_file(resolve_path(db_path))}.inputs")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def lock_holder(path: Path) -> str:
    """Who holds the writer lock, as written by the holder ("pid 123 on host since ...")."""
    try:
        owner = json.loads(_owner_file(path).read_text(encoding="utf-8"))
        return f"pid {owner['pid']} on {owner['host']} since {owner['since']} ({owner['command']})"
    except (OSError, ValueError, KeyError, TypeError):
        return "ไม่ทราบ — unknown process"


def _acquire(lock: FileLock, path: Path, say: Callable[[str], None], wait: float | None = None) -> None:
    """Take the writer lock; after 2 s say who holds it; give up after `wait` seconds (default:
    the configured BUDGET_LOCK_TIMEOUT)."""
    wait = settings.lock_timeout_seconds() if wait is None else wait
    try:
        lock.acquire(timeout=min(LOCK_NOTICE_AFTER, wait))
        return
    except Timeout:
        if wait <= LOCK_NOTICE_AFTER:
            raise LockTimeout(_lock_message(path, wait)) from None
    say(
        f"รอผู้เขียนอื่น — waiting for another writer of {path.name}: {lock_holder(path)}; "
        f"waiting up to {wait:g} s (BUDGET_LOCK_TIMEOUT)"
    )
    try:
        lock.acquire(timeout=wait - LOCK_NOTICE_AFTER)
    except Timeout:
        raise LockTimeout(_lock_message(path, wait)) from None


def _lock_message(path: Path, wait: float) -> str:
    return (
        f"ฐานข้อมูลถูกล็อกโดยผู้เขียนอื่นนานเกิน {wait:g} วินาที — {path.name} is locked by another "
        f"writer ({lock_holder(path)}) for more than {wait:g} s; try again when it has finished, "
        "or raise BUDGET_LOCK_TIMEOUT"
    )


def _write_owner(path: Path) -> None:
    owner = {
        "pid": os.getpid(),
        "host": socket.gethostname(),
        "since": datetime.now().isoformat(sep=" ", timespec="seconds"),
        "command": " ".join(Path(a).name if i == 0 else a for i, a in enumerate(sys.argv))[:200],
    }
    temp = Path(f"{_owner_file(path)}.{os.getpid()}")
    temp.write_text(json.dumps(owner), encoding="utf-8")
    os.replace(temp, _owner_file(path))


def _pid_running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_leftovers(path: Path, say: Callable[[str], None] = _say) -> list[Path]:
    """Remove what killed writers of `path` left behind; call only while holding the lock.

    Holding the lock proves no other writer of this database is running, so every
    `<db>.writing-<pid>*` file or folder is a leftover. Returns what was removed.
    """
    pattern = re.compile(re.escape(path.name) + r"\.writing-(\d+)(\..*)?")
    removed = []
    for entry in sorted(path.parent.iterdir()):
        match = pattern.fullmatch(entry.name)
        if not match:
            continue
        pid = int(match.group(1))
        size = _size(entry)
        if entry.is_dir():
            shutil.rmtree(entry, ignore_errors=True)
        else:
            entry.unlink(missing_ok=True)
        removed.append(entry)
        if pid == os.getpid():
            why = "an earlier run with this process id"
        elif _pid_running(pid):
            why = f"pid {pid} is running but does not hold the writer lock"
        else:
            why = f"pid {pid} is no longer running"
        say(f"ลบไฟล์ค้างจากการเขียนที่หยุดกลางคัน — removed leftover {entry.name} ({size / 1e6:,.1f} MB; {why})")
    return removed


def _size(entry: Path) -> int:
    try:
        if entry.is_dir():
            return sum(f.stat().st_size for f in entry.rglob("*") if f.is_file())
        return entry.stat().st_size
    except OSError:
        return 0


@contextmanager
def write_session(
    db_path: Path | None = None, on_wait: Callable[[str], None] | None = None, wait_seconds: float | None = None
) -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection to a private copy of the store; published atomically on success.

    The schema and reference data are brought up to date first, so every command that
    writes leaves a database with current provinces, clusters, targets and thresholds.
    `on_wait` receives the messages about a held lock and removed leftovers (default:
    standard error). Raises LockTimeout when another writer holds the lock longer than
    `wait_seconds` (default BUDGET_LOCK_TIMEOUT; the dashboard waits only briefly).
    """
    path = resolve_path(db_path)
    say = on_wait or _say
    path.parent.mkdir(parents=True, exist_ok=True)
    lock = writer_lock(path)
    _acquire(lock, path, say, wait_seconds)
    try:
        _write_owner(path)
        remove_leftovers(path, say)
        pause("locked")
        work = _work_file(path)
        inputs = Path(f"{work}.inputs")
        con = None
        try:
            if path.exists():
                shutil.copyfile(path, work)
            con = duckdb.connect(str(work))
            ensure_schema(con)
            from etl import reference  # here, not at the top: read-only commands (status) need none of it

            reference.load_reference(con)
            yield con
            con.execute("CHECKPOINT")
            con.close()
            with open(work, "rb") as handle:  # durable before it becomes visible
                os.fsync(handle.fileno())
            pause("before_publish")
            os.replace(work, path)
        except BaseException:
            if con is not None:
                con.close()
            _remove_quietly(work, Path(f"{work}.wal"))
            raise
        finally:
            shutil.rmtree(inputs, ignore_errors=True)
    finally:
        _remove_quietly(_owner_file(path))
        lock.release()


def read_connection(db_path: Path | None = None) -> duckdb.DuckDBPyConnection:
    """A short-lived read-only connection to the published store (close it after use)."""
    path = Path(db_path) if db_path else settings.database_path()
    if not path.exists():
        raise StoreError(
            f"ยังไม่มีฐานข้อมูลที่ {path} — no database at {path}; "
            "load data with: python -m etl demo  (or python -m etl load FILES)"
        )
    return duckdb.connect(str(path), read_only=True)
