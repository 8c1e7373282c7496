"""File names and atomic writes for exports.

Names carry the fiscal year, the as-of date and the area so a folder of weekly exports
sorts by date and a script can find a file without listing the folder:

    budget-2562-asof-2019-09-13.xlsx
    budget-2562-asof-2019-09-13-province-50.pdf
    budget-2562-asof-2019-09-13-cluster-C01-provinces.csv

The dashboard's weekly page adds the week it compares with and whether the figures are a
snapshot's frozen ones: budget-2562-asof-2019-09-13-province-46-vs-2019-08-30-snapshot.xlsx.

A dashboard table's download is named the same way after what it holds:

    lagging-2562-asof-2019-09-30.xlsx
    lagging-2562-asof-2019-09-30-province-46.xlsx
    assets-overdue-2562-asof-2019-09-30-region-northeast-investment.csv

A file is written under a hidden temporary name `.partial-<pid>-<name>` in the same folder
(same file system, so the rename is atomic) and renamed only when every file of the export
is complete; on any failure the temporary files are removed and nothing new appears in the
folder. An export killed where it cannot clean up (kill -9, power cut) leaves its temporary
files; the next export into the folder removes them and says so, once it knows their writer
is gone: no process has that pid, or the process that has it started after the file was
last written (the pid was reused). A temporary file of an export still running is never
touched.
"""

from __future__ import annotations

import os
import re
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

TEMP_PREFIX = ".partial-"
_TEMP_NAME = re.compile(re.escape(TEMP_PREFIX) + r"(\d+)-.+", re.DOTALL)
_PID_MAX = 2**22  # Linux's largest pid (/proc/sys/kernel/pid_max is at most this)


def export_stem(
    fiscal_year: int, as_of: date, area_kind: str | None = None, area_code: str | None = None, suffix: str = ""
) -> str:
    """'budget-2562-asof-2019-09-13' plus '-province-50' / '-cluster-C01' for an area export, then
    `suffix` (exports.tables.file_suffix: '-vs-2019-08-30-snapshot')."""
    stem = f"budget-{fiscal_year}-asof-{as_of.isoformat()}"
    if area_kind and area_code:
        stem += f"-{area_kind}-{area_code}"
    return stem + suffix


def table_file_name(
    table: str, fiscal_year: int, as_of: date | None, extension: str, scope_parts: tuple[str, ...] = ()
) -> str:
    """A dashboard table's download: 'lagging-2562-asof-2019-09-30-province-46.xlsx'.

    `table` names the table (underscores become hyphens); `scope_parts` name the area and any
    narrower filter ('province', '46', 'investment'); none for the whole country. Without a
    known as-of date the date part is left out."""
    parts = [table.replace("_", "-"), str(fiscal_year)]
    if as_of is not None:
        parts += ["asof", as_of.isoformat()]
    parts += [part.replace("_", "-") for part in scope_parts if part]
    return f"{'-'.join(parts)}.{extension}"


def export_file_name(
    fiscal_year: int,
    as_of: date,
    extension: str,
    area_kind: str | None = None,
    area_code: str | None = None,
    table: str | None = None,
    suffix: str = "",
) -> str:
    """The file name for one export file; CSV files add the table name before the extension."""
    stem = export_stem(fiscal_year, as_of, area_kind, area_code, suffix)
    if table:
        stem += f"-{table}"
    return f"{stem}.{extension}"


def _pause(point: str) -> None:
    """Test seam: BUDGET_EXPORT_PAUSE="before_rename:SECONDS" sleeps there (every file of the
    batch written under its temporary name, none renamed yet), after saying "paused at
    <point> (pid N)" on stderr, so a test can kill the export at a known moment."""
    name, _, seconds = os.environ.get("BUDGET_EXPORT_PAUSE", "").partition(":")
    if name == point:
        print(f"paused at {point} (pid {os.getpid()})", file=sys.stderr, flush=True)
        time.sleep(float(seconds or 0))


def _remove_quietly(path: Path) -> None:
    try:
        path.unlink()
    except FileNotFoundError:
        pass


class AtomicBatch:
    """Temporary paths handed out for writing; `commit()` renames them all into place."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self._pending: list[tuple[Path, Path]] = []
        self.final_paths: list[Path] = []  # where the files will be once committed

    def path_for(self, name: str) -> Path:
        """A temporary path in the output folder to write `name` to."""
        temp = self.folder / f"{TEMP_PREFIX}{os.getpid()}-{name}"
        _remove_quietly(temp)
        self._pending.append((temp, self.folder / name))
        self.final_paths.append(self.folder / name)
        return temp

    def commit(self) -> list[Path]:
        """Flush and rename every written file to its final name; returns the final paths."""
        for temp, _ in self._pending:
            if not temp.exists():
                raise FileNotFoundError(f"export step wrote nothing to {temp}")
            with open(temp, "rb") as handle:  # durable before it becomes visible
                os.fsync(handle.fileno())
        _pause("before_rename")
        done = []
        for temp, final in self._pending:
            os.replace(temp, final)
            done.append(final)
        self._pending = []
        return done

    def discard(self) -> None:
        for temp, _ in self._pending:
            _remove_quietly(temp)
        self._pending = []


def _process_started(pid: int) -> float | None:
    """When process `pid` started (seconds since the epoch), from /proc; None when unknown."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
        with open("/proc/stat", encoding="ascii") as handle:
            boot = next(float(line.split()[1]) for line in handle if line.startswith("btime "))
        return boot + int(fields[19]) / os.sysconf("SC_CLK_TCK")  # field 22: start, in ticks after boot
    except (OSError, ValueError, IndexError, StopIteration):
        return None


def _writer_gone(pid: int, written_at: float) -> str | None:
    """Why the export that wrote a temporary file at `written_at` cannot be running any
    more, or None when it may be (then its file is left alone)."""
    if not 0 < pid <= _PID_MAX:
        return f"no process can have pid {pid}"
    if pid != os.getpid():
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return f"pid {pid} is no longer running"
        except PermissionError:
            pass  # a process of another user has that pid
    started = _process_started(pid)
    # /proc's start time is in clock ticks (1/100 s); a second of slack for rounding
    if started is not None and started > written_at + 1:
        return f"pid {pid} now belongs to a process started after the file was written"
    return None


def remove_leftovers(folder: Path) -> list[tuple[str, str]]:
    """Remove the temporary files that killed exports left in `folder`; returns (file name,
    why it was removed) for each. Files of exports that may still be running stay."""
    removed = []
    try:
        entries = list(Path(folder).iterdir())
    except OSError:
        return removed
    for entry in entries:
        match = _TEMP_NAME.fullmatch(entry.name)
        if not match:
            continue
        try:
            info = entry.lstat()
        except OSError:
            continue
        why = _writer_gone(int(match.group(1)), info.st_mtime)
        if why is None or not entry.is_file() or entry.is_symlink():
            continue
        try:
            entry.unlink()
        except FileNotFoundError:  # its writer's own clean-up came first
            continue
        except OSError:
            continue
        age = time.time() - info.st_mtime
        removed.append((entry.name, f"{info.st_size:,} bytes, written {age:,.0f} s ago; {why}"))
    return removed


@contextmanager
def atomic_batch(folder: Path, say: Callable[[str], None] | None = None) -> Iterator[AtomicBatch]:
    """Write several files so that either all of them appear in `folder` or none does.

    Usage: `with atomic_batch(out) as batch: write(batch.path_for(name)); ...` — the
    files are renamed into place when the block ends without an exception. Temporary
    files that killed exports left in `folder` are removed first; `say` is told of each.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for name, why in remove_leftovers(folder):
        if say is not None:
            say(f"ลบไฟล์ค้างจากการส่งออกที่หยุดกลางคัน — removed leftover {name} ({why})")
    batch = AtomicBatch(folder)
    try:
        yield batch
        batch.commit()
    except BaseException:
        batch.discard()
        raise
