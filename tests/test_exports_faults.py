"""Exports under faults and hostile text: a full disk in every format, exports killed mid-write,
very long text and bidi/control characters in the workbook, the PDF brief, the CSV files and
the dashboard's downloads. The files written are opened back (openpyxl, pypdf)."""

from __future__ import annotations

import contextlib
import os
import select
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import openpyxl
import pandas as pd
import pypdf
import pytest

from budget_metrics import Filters
from exports.export import build_bundle, download, write_bundle
from exports.table_file import TableFile, table_csv, table_xlsx
from tests.etl_fixtures import PROJECT_HEADERS, write_csv

ROOT = Path(__file__).resolve().parents[1]
AS_OF = date(2019, 9, 13)
EXCEL_LIMIT = 32_767  # characters (UTF-16 units) in one Excel cell
MAX_ROW_HEIGHT = 409  # points, Excel's tallest row
RLO = "\u202e"
# 200,000 characters of Thai with no space, as the attack had it
LONG_NAME = "โครงการพัฒนาแหล่งน้ำชุมชน" * (200_000 // len("โครงการพัฒนาแหล่งน้ำชุมชน") + 1)
LONG_NAME = LONG_NAME[:200_000]


def export_cli(db: Path, out: Path, fmt: str, *extra: str) -> list[str]:
    """The argument list of `python -m etl export` for Kalasin (46) on AS_OF."""
    return [
        sys.executable,
        "-m",
        "etl",
        "--db",
        str(db),
        "export",
        "--as-of",
        AS_OF.isoformat(),
        "--province",
        "46",
        "-f",
        fmt,
        "--out",
        str(out),
        *extra,
    ]


def run_export(
    db: Path, out: Path, fmt: str, env: dict | None = None, timeout: float = 180, preexec_fn=None
) -> subprocess.CompletedProcess:
    return subprocess.run(
        export_cli(db, out, fmt),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        env={**os.environ, **(env or {})},
        preexec_fn=preexec_fn,
    )


@contextlib.contextmanager
def small_disk(folder: Path, size: str = "8k"):
    """A real, nearly full disk: a tmpfs of `size` mounted on `folder` (tests run as root).
    Yields None when mounting is not permitted here; the caller then limits the size of the
    files the export may write instead (RLIMIT_FSIZE: the write fails with EFBIG)."""
    folder.mkdir(parents=True, exist_ok=True)
    mounted = (
        subprocess.run(
            ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)], capture_output=True, check=False
        ).returncode
        == 0
    )
    try:
        yield folder if mounted else None
    finally:
        if mounted:
            subprocess.run(["umount", str(folder)], check=False)


def _limit_file_size() -> None:  # runs in the export's child process before exec
    import resource

    resource.setrlimit(resource.RLIMIT_FSIZE, (8192, 8192))


# ------------------------------------------------------------------ a full disk


@pytest.mark.parametrize("fmt", ["xlsx", "pdf", "csv"])
def test_a_full_disk_during_each_export_format_is_one_line_and_exit_3(demo_db, tmp_path, fmt):
    with small_disk(tmp_path / "out") as disk:
        done = run_export(demo_db, tmp_path / "out", fmt, preexec_fn=None if disk else _limit_file_size)
        left = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert done.returncode == 3, done.stdout + done.stderr
    errors = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(errors) == 1, done.stderr  # one line: no traceback, no "Exception ignored" after it
    assert "Traceback" not in done.stderr + done.stdout
    reason = "no space left on the device" if disk else "file larger than allowed"
    assert reason in errors[0] and "nothing half-written was left" in errors[0], errors[0]
    assert str(tmp_path / "out") in errors[0]  # names where it could not write
    assert left == []  # no partial file, no half a workbook


def test_an_out_path_that_is_a_file_or_lies_under_one_is_refused_in_one_line(demo_db, tmp_path):
    a_file = tmp_path / "weekly.xlsx"
    a_file.write_text("not a folder")
    done = run_export(demo_db, a_file, "pdf")
    assert done.returncode == 2, done.stderr  # was exit 3, "FileExistsError: [Errno 17] File exists"
    assert "is a file, not a folder" in done.stderr and "Traceback" not in done.stderr
    below = run_export(demo_db, a_file / "sub", "pdf")
    assert below.returncode == 3 and "(errno ENOTDIR)" in below.stderr and "Traceback" not in below.stderr
    assert len([line for line in below.stderr.splitlines() if line.strip()]) == 1
    assert a_file.read_text() == "not a folder"


# ------------------------------------------------------------------ killed exports


def _wait_for_pause(process: subprocess.Popen, timeout: float = 120) -> None:
    """Read the child's stderr until it says it paused before renaming its files."""
    deadline, seen = time.monotonic() + timeout, ""
    while time.monotonic() < deadline:
        ready, _, _ = select.select([process.stderr], [], [], 0.5)
        if ready:
            line = process.stderr.readline()
            seen += line
            if "paused at before_rename" in line:
                return
        if process.poll() is not None:
            break
    raise AssertionError(f"the export did not pause before renaming: {seen}")


def test_an_export_killed_mid_write_leaves_files_the_next_export_removes_but_never_a_running_ones(demo_db, tmp_path):
    out = tmp_path / "out"
    paused = subprocess.Popen(
        export_cli(demo_db, out, "csv"),
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "BUDGET_EXPORT_PAUSE": "before_rename:120"},
    )
    try:
        _wait_for_pause(paused)
        partials = sorted(p.name for p in out.iterdir())
        assert len(partials) == 11 and all(n.startswith(f".partial-{paused.pid}-") for n in partials)
        # an export running beside it must not touch the files of the paused (live) one
        beside = run_export(demo_db, out, "pdf")
        assert beside.returncode == 0, beside.stderr
        assert "removed leftover" not in beside.stdout
        assert all((out / name).exists() for name in partials)
    finally:
        paused.kill()  # kill -9: no clean-up runs
        paused.wait()
    assert all((out / name).exists() for name in partials)  # what kill -9 leaves
    after = run_export(demo_db, out, "xlsx")
    assert after.returncode == 0, after.stderr
    for name in partials:
        assert f"removed leftover {name} (" in after.stdout and f"pid {paused.pid} is no longer running" in after.stdout
    assert sorted(p.name for p in out.iterdir()) == [
        "budget-2562-asof-2019-09-13-province-46.pdf",
        "budget-2562-asof-2019-09-13-province-46.xlsx",
    ]


def test_an_export_stopped_by_sigterm_removes_its_own_temporary_files(demo_db, tmp_path):
    out = tmp_path / "out"
    paused = subprocess.Popen(
        export_cli(demo_db, out, "csv"),
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "BUDGET_EXPORT_PAUSE": "before_rename:120"},
    )
    try:
        _wait_for_pause(paused)
        assert len(list(out.iterdir())) == 11
        paused.send_signal(signal.SIGTERM)
        _, err = paused.communicate(timeout=60)
    finally:
        if paused.poll() is None:
            paused.kill()
    assert paused.returncode == 143, err
    assert "stopped by SIGTERM" in err and "Traceback" not in err
    assert list(out.iterdir()) == []


def test_leftovers_are_judged_by_their_writer_being_gone_even_when_its_pid_is_reused(tmp_path):
    from exports.files import remove_leftovers

    folder = tmp_path / "out"
    folder.mkdir()
    gone = subprocess.Popen(["true"])
    gone.wait()
    sleeper = subprocess.Popen(["sleep", "60"])  # a live process that started just now
    long_ago = time.time() - 10 * 86400  # before this test process and the sleeper started
    files = {
        f".partial-{gone.pid}-a.csv": None,  # writer gone
        f".partial-{sleeper.pid}-b.csv": None,  # written after the sleeper started: may be its own
        f".partial-{sleeper.pid}-c.csv": long_ago,  # written before the sleeper existed: pid reused
        f".partial-{os.getpid()}-d.csv": long_ago,  # this very process, but the file is older than it
        f".partial-{os.getpid()}-e.csv": None,  # this process's own file, being written
        "report.partial-1-x.csv": long_ago,  # not an export's temporary name
        ".partial-99999999999999999999-f.csv": None,  # no process can have that pid (os.kill overflowed)
        ".partial-0-g.csv": None,  # nor this one (os.kill(0) signals the own process group)
    }
    try:
        for name, when in files.items():
            (folder / name).write_text("half")
            if when is not None:
                os.utime(folder / name, (when, when))
        removed = dict(remove_leftovers(folder))
        left = sorted(p.name for p in folder.iterdir())
    finally:
        sleeper.kill()
        sleeper.wait()
    assert sorted(removed) == sorted(
        [
            f".partial-{gone.pid}-a.csv",
            f".partial-{sleeper.pid}-c.csv",
            f".partial-{os.getpid()}-d.csv",
            ".partial-99999999999999999999-f.csv",
            ".partial-0-g.csv",
        ]
    )
    assert "no longer running" in removed[f".partial-{gone.pid}-a.csv"]
    assert "started after the file was written" in removed[f".partial-{sleeper.pid}-c.csv"]
    assert left == sorted([f".partial-{sleeper.pid}-b.csv", f".partial-{os.getpid()}-e.csv", "report.partial-1-x.csv"])


# ------------------------------------------------------------------ long and hostile text


@pytest.fixture(scope="module")
def hostile_db(demo_db, tmp_path_factory) -> Path:
    """The demo database plus two Kalasin (46) projects loaded through the ETL: one with a
    200,000-character name, one whose name holds a right-to-left override and a C1 control.
    Both have a large allocation and no payment, so they lead the province's lagging list."""
    import shutil

    from etl.load import load_files

    folder = tmp_path_factory.mktemp("hostile")
    db = folder / "budget.duckdb"
    shutil.copyfile(demo_db, db)
    write_csv(
        folder / "projects.csv",
        [
            PROJECT_HEADERS,
            ["62-46-LONG", "2562", "จังหวัดกาฬสินธุ์", LONG_NAME, "งบลงทุน", "อบจ.กาฬสินธุ์", "900,000,000.00", ""],
            ["62-46-BIDI", "2562", "จังหวัดกาฬสินธุ์", f"ถนน{RLO}ลาดยาง\u009b2J", "งบลงทุน", "อบต.", "800,000,000.00", ""],
        ],
    )
    [result] = load_files([folder / "projects.csv"], db_path=db)
    assert (result.status, result.rows_inserted) == ("loaded", 2), result
    return db


@pytest.fixture(scope="module")
def hostile_files(hostile_db, tmp_path_factory):
    """The Kalasin export of the hostile database in every format, written through write_bundle."""
    previous = os.environ.get("BUDGET_DB")
    os.environ["BUDGET_DB"] = str(hostile_db)
    try:
        bundle = build_bundle(Filters(as_of=AS_OF, province="46"))
        out = tmp_path_factory.mktemp("hostile-out")
        files = {fmt: write_bundle(bundle, fmt, out) for fmt in ("xlsx", "pdf", "csv")}
        files["download"] = download(bundle, "xlsx")
    finally:
        os.environ["BUDGET_DB"] = previous or ""
        if previous is None:
            del os.environ["BUDGET_DB"]
    return files


def _project_cells(path: Path, code: str) -> dict[str, object]:
    """The row of project `code` on the workbook's project sheet, by Thai header."""
    sheet = openpyxl.load_workbook(path, read_only=False)["โครงการ"]
    header_row = int(sheet.print_title_rows.replace("$", "").split(":")[0])
    headers = [cell.value for cell in sheet[header_row]]
    for row in sheet.iter_rows(min_row=header_row + 1, values_only=True):
        if row[headers.index("รหัสโครงการ")] == code:
            return dict(zip(headers, row, strict=True))
    raise AssertionError(f"{code} is not on the project sheet")


def test_a_200000_character_name_is_cut_with_a_mark_in_the_pdf_and_workbook_and_whole_in_csv(hostile_files):
    pdf = hostile_files["pdf"][0]
    reader = pypdf.PdfReader(pdf)
    assert 1 <= len(reader.pages) <= 3  # the brief's own limit; the 200,000 characters made 61 pages
    text = "".join("".join(page.extract_text().split()) for page in reader.pages)
    assert "62-46-LONG" in text and "…" in text

    xlsx = hostile_files["xlsx"][0]
    name = _project_cells(xlsx, "62-46-LONG")["ชื่อโครงการ"]
    assert len(name) <= EXCEL_LIMIT and name.endswith("…")  # cut with a mark, not at 32,767 in silence
    assert LONG_NAME.startswith(name[:-1]) and len(name) > 32_000  # the rest is the name as loaded

    sheet = openpyxl.load_workbook(xlsx)["โครงการ"]
    heights = [dim.height for dim in sheet.row_dimensions.values() if dim.height is not None]
    assert heights and max(heights) <= MAX_ROW_HEIGHT

    projects_csv = next(p for p in hostile_files["csv"] if p.name.endswith("-projects.csv"))
    rows = pd.read_csv(projects_csv, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert rows.loc[rows["project_code"] == "62-46-LONG", "project_name"].item() == LONG_NAME  # whole

    # the dashboard's weekly-page download is the same workbook
    file_name, data, _ = hostile_files["download"]
    assert file_name == xlsx.name and data == xlsx.read_bytes()


def test_bidi_overrides_and_controls_in_names_are_visible_escapes_in_the_workbook_and_pdf(hostile_files):
    name = _project_cells(hostile_files["xlsx"][0], "62-46-BIDI")["ชื่อโครงการ"]
    assert name == "ถนน⟨U+202E⟩ลาดยาง\\x9b2J"
    text = "".join(page.extract_text() for page in pypdf.PdfReader(hostile_files["pdf"][0]).pages)
    assert RLO not in text and "\u009b" not in text
    assert "⟨U+202E⟩" in text or "U+202E" in text


def test_dashboard_table_downloads_survive_long_text_and_control_characters(tmp_path):
    about = TableFile("lagging", "โครงการล่าช้า", "th", 2562, AS_OF, "จังหวัดกาฬสินธุ์", ("province", "46"))
    hostile = ["\x1b]0;PWNED\x07 ชื่อ", f"ก{RLO}ข", '=HYPERLINK("x")', "😀" * 20_000, LONG_NAME]
    frame = pd.DataFrame(
        {
            "project_code": [f"P{i}" for i in range(len(hostile))],
            "project_name": hostile,
            "disbursed": [1.5] * len(hostile),
        }
    )
    path = tmp_path / about.file_name("xlsx")
    path.write_bytes(table_xlsx(frame, about, {"disbursed": "money"}))
    sheet = openpyxl.load_workbook(path).active
    names = [row[1] for row in sheet.iter_rows(values_only=True) if row[0] and str(row[0]).startswith("P")]
    assert names[0] == "\\x1b]0;PWNED\\x07 ชื่อ" and names[1] == "ก⟨U+202E⟩ข"
    assert names[2] == '\'=HYPERLINK("x")'  # never a formula
    emoji = names[3]  # 40,000 UTF-16 units: cut to Excel's limit counting as Excel counts
    assert emoji.endswith("…") and len(emoji.encode("utf-16-le")) // 2 <= EXCEL_LIMIT
    assert names[4].endswith("…") and LONG_NAME.startswith(names[4][:-1])
    heights = [dim.height for dim in sheet.row_dimensions.values() if dim.height is not None]
    assert max(heights) <= MAX_ROW_HEIGHT

    data = table_csv(frame, about, {"disbursed": "money"}).decode("utf-8-sig")
    assert LONG_NAME in data and "😀" * 20_000 in data  # the CSV carries text whole
