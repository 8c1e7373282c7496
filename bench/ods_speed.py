"""CPU time of loading the same 60,000 payments as .ods and as .xlsx (docs/reliability.md, "ETL: OpenDocument
spreadsheets (.ods)").

    nice -n 19 .venv/bin/python bench/ods_speed.py [--rows N] [--repeat 3] [--root CHECKOUT]

The store of bench/attack_files_v.py (projects P01, P02, two payments) is built once with the real CLI; each
file is loaded with `python -m etl load` into a fresh copy of it, and the CPU seconds (user + system of the
load and its children: the Excel reader's process) are reported, best of `--repeat`. The payments are varied
(document numbers, dates, amounts, two money sources), written as LibreOffice writes them
(tests.etl_fixtures.write_ods: runs of equal cells compressed, the sheet padded to row 1,048,576) and with
openpyxl; one .ods variant also hides every tenth row (each rejected `hidden_row`).
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import attack_files_v as battery  # noqa: E402  (bench/ is the script's folder)
from attack_support import best_load_time  # noqa: E402

from tests.etl_fixtures import write_ods, write_xlsx  # noqa: E402


def rows(count: int) -> list[list[object]]:
    generator = random.Random(2562)
    sources = [battery.CUR, "เงินกันไว้เบิกเหลื่อมปี"]
    return [battery.H] + [
        [
            f"{77_000_000 + index:010d}",
            "P01" if index % 3 else "P02",
            f"{generator.randrange(1, 29)}/{generator.randrange(1, 13):02d}/2562",
            generator.randrange(1, 50_000_00) / 100,
            sources[index % 2],
        ]
        for index in range(count)
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=60_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--root", type=Path, default=None, help="time another checkout's `python -m etl`")
    args = parser.parse_args()
    if args.root:
        battery.ROOT = args.root.resolve()
    folder = Path(tempfile.mkdtemp(prefix="ods-speed-"))
    try:
        base = battery.base_store(folder)
        table = rows(args.rows)
        books = [
            write_xlsx(folder / "payments.xlsx", {"s": table}),
            write_ods(folder / "payments.ods", {"s": table}),
            write_ods(folder / "hidden.ods", {"s": table}, hidden_rows={"s": list(range(12, args.rows + 2, 10))}),
        ]
        for book in books:
            cpu, wall = best_load_time(battery.ROOT, folder, base, book, args.repeat)
            print(
                f"{book.name} ({args.rows:,} rows, {book.stat().st_size / 1e6:.1f} MB): best of {args.repeat} "
                f"{cpu:.2f} CPU-s ({wall:.2f} s wall)",
                flush=True,
            )
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
