"""Hostile and large workbooks through `etl load`: outcome, seconds and peak memory per file.

    .venv/bin/python bench/bench_workbooks.py [--only NAME,...] [--code DIR] [--cap-gb 4] [--keep DIR]

Writes the attack workbooks of issue 14 (a sheet claiming A1:XFD1048576, a value in cell
XFD1048576, zip bombs of identical rows and of one huge shared string, a sheet of 6.25
million cells, 2,000 rows reaching column 10,000), a legitimate workbook of 1,000,000 rows x 5
columns (the 5,000,000-cell limit), an old .xls of 60,000 rows, and loads each, alone, in a fresh process on a store
holding project P01. Each process reports its own peak RSS and the largest peak of its
children (the Excel reader's process) with getrusage, plus seconds and processor seconds.

`--code DIR` loads with the code checked out in DIR (e.g. the code before this change) and
`--cap-gb` puts an address-space limit on that process so a bomb cannot take the machine:
a run that hits it is reported as "killed at the cap". Not a test: docs/reliability.md
records the numbers.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import textwrap
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HEADERS = ["เลขที่เอกสาร", "รหัสโครงการ", "วันที่ผ่านรายการ", "จำนวนเงิน", "แหล่งเงิน"]
CUR = "งบประมาณปีปัจจุบัน"
SHEET_OPEN = (
    b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
    b'spreadsheetml/2006/main">'
)
PARTS = {
    "[Content_Types].xml": b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org'
    b'/package/2006/content-types"><Default Extension="rels" ContentType="application/'
    b'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType='
    b'"application/xml"/></Types>',
    "_rels/.rels": b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
    b'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
    b'officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
    "xl/workbook.xml": b'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/'
    b'spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/'
    b'relationships"><sheets><sheet name="s" sheetId="1" r:id="rId1"/></sheets></workbook>',
    "xl/_rels/workbook.xml.rels": b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
    b'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type='
    b'"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"'
    b' Target="worksheets/sheet1.xml"/></Relationships>',
}


def _letters(number: int) -> str:
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _inline(ref: str, text: str) -> bytes:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'.encode()


def _table_start() -> bytes:
    header = b"".join(_inline(f"{_letters(i + 1)}1", h) for i, h in enumerate(HEADERS))
    row = (
        _inline("A2", "D1")
        + _inline("B2", "P01")
        + _inline("C2", "13/09/2562")
        + b'<c r="D2"><v>5</v></c>'
        + _inline("E2", CUR)
    )
    return b'<row r="1">' + header + b'</row><row r="2">' + row + b"</row>"


def write_book(
    path: Path, rows, dimension: str | None = None, extra: dict[str, bytes] | None = None, level: int = 9
) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as book:
        for name, data in {**PARTS, **(extra or {})}.items():
            book.writestr(name, data)
        with book.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(
                SHEET_OPEN + (f'<dimension ref="{dimension}"/>'.encode() if dimension else b"") + b"<sheetData>"
            )
            for chunk in rows:
                sheet.write(chunk)
            sheet.write(b"</sheetData></worksheet>")
    return path


def _blocks(count: int, make, block: int = 10_000):
    for start in range(0, count, block):
        yield b"".join(make(n) for n in range(start, min(count, start + block)))


def build(folder: Path, only: set[str] | None) -> dict[str, Path]:
    """The workbooks, by name."""
    builders = {
        "dimension_lie": lambda p: write_book(p, [_table_start()], dimension="A1:XFD1048576"),
        "corner_cell": lambda p: write_book(
            p, [_table_start(), b'<row r="1048576">' + _inline("XFD1048576", "x") + b"</row>"]
        ),
        "bomb_rows": lambda p: write_book(
            p, [_table_start(), *_blocks(300_000, lambda n: b"<row>" + b"<c><v>1</v></c>" * 20 + b"</row>")]
        ),
        "bomb_string": lambda p: write_book(
            p,
            [
                _table_start(),
                *_blocks(2_000, lambda n: b'<row r="%d"><c r="F%d" t="s"><v>0</v></c></row>' % (n + 3, n + 3), 1_000),
            ],
            extra={
                "xl/sharedStrings.xml": b'<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/'
                b'spreadsheetml/2006/main"><si><t>' + _text(2 << 20) + b"</t></si></sst>"
            },
        ),
        "cells_6m": lambda p: write_book(
            p,
            [
                _table_start(),
                *_blocks(
                    250_000,
                    lambda n: (
                        b'<row r="%d">' % (n + 3)
                        + b"".join(
                            b'<c r="%s%d"><v>%d</v></c>' % (_letters(c).encode(), n + 3, n % 7) for c in range(1, 26)
                        )
                        + b"</row>"
                    ),
                ),
            ],
            level=6,
        ),
        "wide_10000": lambda p: write_book(
            p,
            [
                _table_start(),
                *(
                    b'<row r="%d">' % r
                    + b"".join(
                        b'<c r="%s%d"><v>%d</v></c>' % (_letters(c).encode(), r, c) for c in range(1, 10_001, 97)
                    )
                    + b'<c r="NTP%d"><v>1</v></c></row>' % r
                    for r in range(3, 2_003)
                ),
            ],
        ),
        "legit_1m_rows": lambda p: write_book(
            p,
            [
                _table_start(),
                *_blocks(
                    999_998,
                    lambda n: (
                        b'<row r="%d">' % (n + 3)
                        + _inline(f"A{n + 3}", f"X{n:07d}")
                        + _inline(f"B{n + 3}", "P01")
                        + _inline(f"C{n + 3}", "13/09/2562")
                        + b'<c r="D%d"><v>%d.%02d</v></c>' % (n + 3, n % 5000, n % 100)
                        + _inline(f"E{n + 3}", CUR)
                        + b"</row>"
                    ),
                ),
            ],
            level=1,
        ),
        "legit_60k_rows_xls": _write_old_xls,
    }
    return {
        name: make(folder / (f"{name[:-4]}.xls" if name.endswith("_xls") else f"{name}.xlsx"))
        for name, make in builders.items()
        if not only or name in only
    }


def _write_old_xls(path: Path) -> Path:
    """An old .xls payments sheet of 60,000 rows (the format's limit is 65,536), numbers in the
    default style: what the .xls reader's format check (percent cells) costs when nothing is found."""
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("payments")
    for column, header in enumerate(["เลขที่เอกสาร", "รหัสโครงการ", "วันที่ผ่านรายการ", "จำนวนเงิน", "แหล่งเงิน"]):
        sheet.write(0, column, header)
    for n in range(1, 60_001):
        for column, value in enumerate([f"X{n:07d}", "P01", "13/09/2562", n % 5000 + (n % 100) / 100, CUR]):
            sheet.write(n, column, value)
    book.save(str(path))
    return path


def _text(size: int) -> bytes:
    """Text that compresses about 4:1 (no zip-bomb ratio): letters drawn at random."""
    rng = random.Random(14)
    return bytes(rng.choice(b"abcdefgh") for _ in range(size))


RUN = textwrap.dedent("""
    import json, resource, sys, time
    from etl.load import load_files
    start, cpu = time.perf_counter(), time.process_time()
    results = load_files([sys.argv[1]], db_path=sys.argv[2])
    seconds = time.perf_counter() - start
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(json.dumps({"status": [r.status for r in results], "message": results[0].message[:160],
                      "seconds": round(seconds, 2),
                      "cpu": round(time.process_time() - cpu + children.ru_utime + children.ru_stime, 2),
                      "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
                      "reader_peak_mb": children.ru_maxrss // 1024}, ensure_ascii=False))
""")


def measure(book: Path, code: Path, folder: Path, cap_gb: float | None) -> dict:
    db = folder / f"{book.stem}.duckdb"
    for old in folder.glob(f"{book.stem}.duckdb*"):
        old.unlink()
    projects = folder / "projects.csv"
    projects.write_text(
        "รหัสโครงการ,ปีงบประมาณ,จังหวัด/กลุ่มจังหวัด,ชื่อโครงการ,ประเภทงบรายจ่าย,หน่วยดำเนินการ,"
        "งบประมาณที่ได้รับจัดสรร\nP01,2562,ลำพูน,ถนน,งบลงทุน,อบต.,49999999999.00\n",
        encoding="utf-8",
    )
    subprocess.run(
        [sys.executable, "-m", "etl", "--db", str(db), "load", str(projects)], cwd=code, capture_output=True, check=True
    )

    def cap() -> None:
        if cap_gb:
            limit = int(cap_gb * (1 << 30))
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", RUN, str(book), str(db)],
        cwd=code,
        capture_output=True,
        text=True,
        preexec_fn=cap,
        timeout=1800,
        check=False,
    )
    if done.returncode != 0:
        tail = (done.stderr.strip().splitlines() or ["?"])[-1][:160]
        return {
            "status": [f"process ended with {done.returncode} (killed at the cap?)"],
            "message": tail,
            "seconds": round(time.perf_counter() - started, 2),
        }
    outcome = json.loads(done.stdout.strip().splitlines()[-1])
    if (code / "etl" / "workbook_child.py").exists():
        # The reader's own peak: getrusage(RUSAGE_CHILDREN) above also counts the loader's pages
        # the reader had before it started (fork), so run it alone under /usr/bin/time.
        out = folder / f"{book.stem}.reader"
        out.mkdir(exist_ok=True)
        alone = subprocess.run(
            ["/usr/bin/time", "-f", "%M", sys.executable, "-m", "etl.workbook_child", str(book), str(out)],
            cwd=code,
            capture_output=True,
            text=True,
            timeout=1800,
            check=False,
        )
        outcome["reader_alone_peak_mb"] = int(alone.stderr.strip().splitlines()[-1]) // 1024
        shutil.rmtree(out, ignore_errors=True)
    return outcome


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", default="", help="comma-separated workbook names")
    parser.add_argument("--code", type=Path, default=ROOT, help="checkout whose etl/ loads the files")
    parser.add_argument("--cap-gb", type=float, default=None, help="address-space limit of each load process")
    parser.add_argument("--keep", type=Path, default=None, help="write the workbooks here and keep them")
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="bench-workbooks-"))
    folder.mkdir(parents=True, exist_ok=True)
    try:
        books = build(folder, set(filter(None, args.only.split(","))))
        for name, book in books.items():
            outcome = measure(book, args.code.resolve(), folder, args.cap_gb)
            print(
                f"{name:15s} {book.stat().st_size / 1024:10,.0f} KB  {json.dumps(outcome, ensure_ascii=False)}",
                flush=True,
            )
    finally:
        if args.keep is None:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
