"""Workbooks (.xlsx, .xlsm, .xls, .ods) are read in a child process with a memory and time limit.

`read_workbook` starts `etl.workbook_child` on the private copy of one workbook and waits
for it: the child checks the file against the limits (`LIMITS`, documented in
docs/data-dictionary.md) before python-calamine parses it, reads the visible worksheets and
writes their cells as CSV next to the copy. Anything that goes wrong in there — a refusal,
a native crash (calamine aborts the process on some files), the memory limit, the timeout —
becomes a ReadError for this file only; the backtrace the child may print is kept out of
the user's terminal, and its output folder is removed.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path

from etl.workbook_child import Limits

LIMITS = Limits()
PROJECT_ROOT = Path(__file__).resolve().parents[1]
# How hidden sheets are named in the load message (why -> Thai, English).
SKIPPED_WORDS = {
    "hidden": ("ชีตที่ซ่อน", "hidden sheet"),
    "very_hidden": ("ชีตที่ซ่อนแบบพิเศษ (very hidden)", "very hidden sheet"),
    "not_a_worksheet": ("ชีตที่ไม่ใช่ตาราง (แผนภูมิ/มาโคร)", "not a worksheet (chart or macro sheet)"),
}


class WorkbookError(ValueError):
    """The workbook is refused; the message says why (Thai — English)."""


@dataclass
class SheetCells:
    """One worksheet as the child wrote it."""

    name: str
    head: list[list[str]]  # the first rows, empty rows included (for the header search)
    cells_csv: Path  # row number, then the cells as text; empty rows left out
    defects_csv: Path | None  # row number, 0-based column, reason, text shown
    columns: int
    rows: int  # non-empty rows written
    merged: list[list[int]] = field(default_factory=list)  # ranges of several cells: top, left, bottom, right
    hidden_rows: list[int] = field(default_factory=list)  # 0-based rows the sheet hides (by hand, a filter)
    hidden_columns: list[int] = field(default_factory=list)  # 0-based columns the sheet hides
    struck_rows: list[int] = field(default_factory=list)  # 0-based rows whose filled cells are all struck through


@dataclass
class WorkbookCells:
    """The readable sheets of a workbook, and the sheets not read (hidden, charts)."""

    sheets: list[SheetCells]
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (sheet name, why)
    folder: Path | None = None  # the child's output folder (removed with the sources)

    def skipped_note(self) -> str:
        """'ไม่ได้โหลด ... — not loaded: hidden sheet "x"; ...' or '' when every sheet was read."""
        if not self.skipped:
            return ""
        thai = "; ".join(f'{SKIPPED_WORDS[why][0]} "{name}"' for name, why in self.skipped)
        english = "; ".join(f'{SKIPPED_WORDS[why][1]} "{name}"' for name, why in self.skipped)
        return (
            f"ไม่ได้โหลด {thai} (ชีตที่ซ่อนไม่ถูกโหลด ให้เลิกซ่อนใน Excel หากต้องการ) — not loaded: {english} "
            "(hidden sheets are never loaded: unhide them in Excel to load them)"
        )


def read_workbook(path: Path, folder: Path, limits: Limits | None = None) -> WorkbookCells:
    """The cells of the workbook at `path` (a private copy), written under `folder` by the child.

    Raises WorkbookError with the reason: a limit exceeded, a damaged file, the child's
    memory or time limit reached, or the reader stopping on its own.
    """
    limits = limits or LIMITS
    folder.mkdir(parents=True, exist_ok=True)
    try:
        return _run_child(path, folder, limits)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise


def _run_child(path: Path, folder: Path, limits: Limits) -> WorkbookCells:
    environment = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(PROJECT_ROOT), os.environ.get("PYTHONPATH")])),
        "RUST_BACKTRACE": "0",
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    child = subprocess.Popen(
        [sys.executable, "-m", "etl.workbook_child", str(path), str(folder), json.dumps(asdict(limits))],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        cwd=PROJECT_ROOT,
        env=environment,
        start_new_session=True,
    )  # Ctrl-C reaches the loader, which ends the child
    try:
        _, errors = child.communicate(timeout=limits.seconds + 5)
    except subprocess.TimeoutExpired:
        child.kill()
        child.communicate()
        raise WorkbookError(
            f"อ่านไฟล์ Excel นานเกิน {limits.seconds} วินาที — reading the workbook took longer than "
            f"{limits.seconds} s (limit); save it again in Excel or as CSV"
        ) from None
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    result_path = folder / "result.json"
    if child.returncode != 0 or not result_path.exists():
        raise WorkbookError(_crash_message(child.returncode, errors, limits))
    result = json.loads(result_path.read_text(encoding="utf-8"))
    if not result.get("ok"):
        if result.get("memory"):
            raise WorkbookError(_memory_message(limits))
        raise WorkbookError(result["reason"])
    sheets = [
        SheetCells(
            s["name"],
            s["head"],
            Path(s["cells_csv"]),
            Path(s["defects_csv"]) if s.get("defects_csv") else None,
            s["columns"],
            s["rows"],
            s.get("merged", []),
            s.get("hidden_rows", []),
            s.get("hidden_columns", []),
            s.get("struck_rows", []),
        )
        for s in result["sheets"]
    ]
    skipped = [(s["name"], s["why"]) for s in result["skipped"]]
    return WorkbookCells(sheets, skipped, folder)


def _memory_message(limits: Limits) -> str:
    return (
        f"ไฟล์ Excel ต้องใช้หน่วยความจำเกิน {limits.memory_mb:,} MB — reading the workbook needs more than "
        f"{limits.memory_mb:,} MB of memory (limit): it holds more cells or text than its size suggests; "
        "save the table alone in a new workbook or as CSV"
    )


def _crash_message(code: int, errors: bytes, limits: Limits) -> str:
    """One line for a child that ended without a result (no backtrace)."""
    text = errors.decode("utf-8", "replace")
    if "memory allocation" in text or "MemoryError" in text or "capacity overflow" in text:
        return _memory_message(limits)
    if code in (-signal.SIGXCPU, -signal.SIGKILL):
        return (
            f"อ่านไฟล์ Excel นานเกิน {limits.seconds} วินาที — reading the workbook took longer than "
            f"{limits.seconds} s of processor time (limit)"
        )
    lines = [line.strip() for line in text.splitlines() if line.strip() and not line.startswith((" ", "\t"))]
    detail = next((line for line in lines if not line.startswith(("stack backtrace", "note:", "Traceback"))), "")
    how = f"signal {-code}" if code < 0 else f"exit {code}"
    return (
        f"ตัวอ่าน Excel หยุดทำงานกับไฟล์นี้ — the Excel reader stopped on this file ({how})"
        f"{': ' + detail[:200] if detail else ''}; the file may be damaged: save it again in Excel or as CSV"
    )
