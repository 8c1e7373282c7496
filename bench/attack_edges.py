"""Hostile inputs around the file, rerun against a checkout: not a benchmark, an attack run.

    python bench/attack_edges.py [--root CHECKOUT] [--db DEMO_DB] [--only load|export]

Writes its own files under a fresh temporary folder and runs `python -m etl` of CHECKOUT
(default: this one) against them, each run in a child process with a time limit. For each
attack it prints one row: the exit code, whether it hung (killed after the limit), whether a
Python traceback reached the output, whether the terminal got raw control, escape or bidi
characters from the files, what was left behind (`*.writing-*`, `.partial-*`), and the
first line of the message. DEMO_DB (a database made by `python -m etl demo`) is needed for
the export attacks; it is copied, never written. Mounting a small tmpfs needs root; without
it those attacks are reported as skipped. Nothing here asserts: read the table (the tests in
tests/test_etl_file_edges.py and tests/test_exports_faults.py hold the rules).
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import unicodedata
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.etl_fixtures import DISB_HEADERS, PROJECT_HEADERS, PROJECT_ROWS, write_csv, write_xlsx

LIMIT = 60  # seconds before a run counts as hung
UNSAFE = {chr(c) for c in range(0x10000) if unicodedata.category(chr(c)) in ("Cc", "Cf", "Zl", "Zp")} - {"\n", "\r"}
RLO = "\u202e"


class Attacks:
    def __init__(self, root: Path, demo_db: Path | None, work: Path):
        self.root, self.demo_db, self.work = root, demo_db, work
        self.rows: list[tuple] = []

    # --------------------------------------------------------------- running
    def etl(
        self,
        name: str,
        args: list,
        env: dict | None = None,
        db: Path | None = None,
        watch: Path | None = None,
        before=None,
    ) -> None:
        """Run `python -m etl ARGS`, record one row (name, exit, hung, traceback, raw chars, leftovers, message)."""
        db = db or self.work / f"{len(self.rows):02d}.duckdb"
        command = [sys.executable, "-m", "etl", "--db", str(db), *args]
        started = time.monotonic()
        process = subprocess.Popen(
            command,
            cwd=self.root,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env={**os.environ, "PYTHONPATH": str(self.root), **(env or {})},
            start_new_session=True,
        )
        if before is not None:
            before(process)
        try:
            out, err = process.communicate(timeout=LIMIT)
            hung = False
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            out, err = process.communicate()
            hung = True
        text = (out + err).decode("utf-8", errors="replace")
        raw = sorted({f"U+{ord(c):04X}" for c in text if c in UNSAFE})
        left = self.leftovers(db, watch)
        said = [line.strip() for line in text.splitlines() if "removed leftover" in line]
        message = said[0] if said else ""
        if said and len(said) > 1:
            message = f"({len(said)} lines) {message}"
        message = message or next(
            (line.strip() for line in err.decode("utf-8", "replace").splitlines() if line.strip()), ""
        )
        if not message:
            lines = [line for line in out.decode("utf-8", "replace").splitlines() if ":" in line and "│" not in line]
            message = lines[-1].strip() if lines else ""
        self.rows.append(
            (
                name,
                "hung" if hung else process.returncode,
                "yes" if "Traceback" in text else "-",
                " ".join(raw) or "-",
                " ".join(left) or "-",
                message[:150],
                f"{time.monotonic() - started:.1f}s",
            )
        )

    @staticmethod
    def leftovers(db: Path, watch: Path | None) -> list[str]:
        found = [p.name for p in db.parent.iterdir() if ".writing-" in p.name or p.name.endswith(".lock.owner")]
        if watch is not None and watch.is_dir():
            found += [p.name for p in watch.iterdir() if p.name.startswith(".partial-")]
        return found

    def folder(self, name: str) -> Path:
        path = self.work / name
        path.mkdir(parents=True)
        return path

    # --------------------------------------------------------------- the loader
    def load_attacks(self) -> None:
        good = self.folder("good")
        write_csv(good / "projects.csv", [PROJECT_HEADERS, *PROJECT_ROWS])

        # a pipe a writer opens later, named directly (a reader that blocks would wait for it)
        pipe = self.work / "late-writer.csv"
        os.mkfifo(pipe)
        self.etl(
            "FIFO named, a writer comes after 5 s",
            ["load", str(good), str(pipe)],
            before=lambda _: subprocess.Popen(
                ["sh", "-c", f"sleep 5; cat {good / 'projects.csv'} > {pipe}"], start_new_session=True
            ),
        )
        folder = self.folder("fifo-xlsx")
        os.mkfifo(folder / "book.xlsx")
        shutil.copy(good / "projects.csv", folder)
        self.etl("FIFO named .xlsx in a folder", ["load", str(folder)])

        folder = self.folder("urandom")
        (folder / "random.csv").symlink_to("/dev/urandom")
        shutil.copy(good / "projects.csv", folder)
        self.etl("link to /dev/urandom in a folder (never ends)", ["load", str(folder)])
        self.etl("/dev/stdin (a pipe) named", ["load", "/dev/stdin"])
        folder = self.folder("loop")
        (folder / "a.csv").symlink_to(folder / "b.csv")
        (folder / "b.csv").symlink_to(folder / "a.csv")
        shutil.copy(good / "projects.csv", folder)
        self.etl("symlink loop a.csv <-> b.csv", ["load", str(folder)])
        folder = self.folder("sock")
        server = socket.socket(socket.AF_UNIX)
        server.bind(str(folder / "s.csv"))
        self.etl("unix socket named directly", ["load", str(folder / "s.csv")])
        server.close()

        folder = self.folder("dir-named-csv")
        (folder / "x.csv").mkdir()
        self.etl("only a folder named x.csv", ["load", str(folder)])
        folder = self.folder("many-subfolders")
        for index in range(300):
            (folder / f"week-{index:03d}").mkdir()
        self.etl("300 empty sub-folders, no file", ["load", str(folder)])
        folder = self.folder("hidden-only")
        shutil.copy(good / "projects.csv", folder / ".projects.csv")
        shutil.copy(good / "projects.csv", folder / "~$projects.csv")
        self.etl("only hidden and ~$ lock files", ["load", str(folder)])

        raw_folder = os.fsencode(str(self.folder("names")))
        names = [
            b"latin1-caf\xe9.csv",
            "โครงการ".encode("tis-620") + b"-\x1b[2J.csv",
            "予算".encode("shift_jis") + b".csv",
            ("ก" * 80).encode() + b".csv",
            f"bell\x07-newline\n-rlo{RLO}vsc.csv".encode(),
            b"\xff" * 200 + b".csv",
        ]
        for index, raw in enumerate(names):
            rows = [
                PROJECT_HEADERS,
                [f"N{index:02d}", "2562", "จังหวัดลำพูน", "ฝาย", "งบลงทุน", "อบต.", "10.00", ""],
                [f"M{index:02d}", "2562", f"ไม่มี{RLO}", "ฝาย", "งบลงทุน", "อบต.", "10.00", ""],
            ]
            write_csv(Path(os.fsdecode(os.path.join(raw_folder, raw))), rows)
        db = self.work / "names.duckdb"
        self.etl(
            "six hostile file names (Latin-1, TIS-620+ESC, Shift-JIS, 240 bytes, BEL/LF/RLO, 200 x 0xff)",
            ["load", os.fsdecode(raw_folder)],
            db=db,
        )
        self.etl("  then etl rejects", ["rejects"], db=db)
        self.etl("  then etl status", ["status"], db=db)
        self.etl("  then one of them named by its raw bytes", ["load", os.path.join(raw_folder, names[1])], db=db)

        folder = self.folder("values")
        write_csv(folder / "projects.csv", [PROJECT_HEADERS, *PROJECT_ROWS])
        write_csv(
            folder / "pay.csv",
            [
                DISB_HEADERS,
                ["D1", "P01\u2028x\u0085y\u200d", "13/09/2562", "5", "current"],
                ["D2", "Z" * 1_000_000, "13/09/2562", "5", "current"],
                ["D3", f"\u2066P02{RLO}\u2069", "13/09/2562", "5", "current"],
            ],
        )
        write_xlsx(
            folder / f"book{RLO}.xlsx",
            {f"{RLO}แผ่น\u200f": [PROJECT_HEADERS, ["X01", "2562", "จ.ลำพูน", "ฝาย", "งบลงทุน", "อบต.", "5", ""]]},
        )
        db = self.work / "values.duckdb"
        self.etl(
            "LS/NEL/ZWJ, a 1 MB code, isolates in values; RLO in sheet and file name", ["load", str(folder)], db=db
        )
        self.etl("  then etl rejects", ["rejects"], db=db)

    # --------------------------------------------------------------- the exports
    def export_attacks(self) -> None:
        if self.demo_db is None:
            self.rows.append(("export attacks", "skipped (no --db)", "", "", "", "", ""))
            return
        db = self.work / "demo.duckdb"
        shutil.copyfile(self.demo_db, db)
        base = ["export", "--as-of", "2019-09-13"]
        for fmt in ("xlsx", "pdf", "csv"):
            out = self.work / f"full-{fmt}"
            if self.mount(out, "size=12k"):
                self.etl(
                    f"full disk (12 KB tmpfs), national {fmt}", [*base, "-f", fmt, "--out", str(out)], db=db, watch=out
                )
                self.umount(out)
            else:
                self.rows.append((f"full disk {fmt}", "skipped (cannot mount)", "", "", "", "", ""))
        out = self.work / "readonly"
        if self.mount(out, "size=1m,ro"):
            self.etl("read-only folder, pdf", [*base, "-f", "pdf", "--out", str(out)], db=db, watch=out)
            self.umount(out)
        (self.work / "a-file").write_text("x")
        self.etl("--out is an existing file", [*base, "-f", "csv", "--out", str(self.work / "a-file")], db=db)
        out = Path(os.fsdecode(os.fsencode(str(self.work)) + b"/out-\xe9-\x1b]0;T\x07"))
        self.etl(
            "--out with undecodable bytes and an ESC title sequence",
            [*base, "-f", "csv", "--province", "46", "--out", str(out)],
            db=db,
            watch=out,
        )

        out = self.work / "killed"
        paused = {"BUDGET_EXPORT_PAUSE": "before_rename:30"}

        def kill_when_paused(process, sig=signal.SIGKILL):
            """Signal the export once its 11 CSV files are written under temporary names."""
            deadline = time.monotonic() + LIMIT / 2
            while (
                time.monotonic() < deadline and process.poll() is None and sum(1 for _ in out.glob(".partial-*")) < 11
            ):
                time.sleep(0.2)
            time.sleep(0.5)
            try:
                os.kill(process.pid, sig)
            except ProcessLookupError:  # it finished first (a checkout without the pause seam)
                pass

        self.etl(
            "kill -9 while the CSV files are written",
            [*base, "-f", "csv", "--province", "46", "--out", str(out)],
            db=db,
            env=paused,
            before=kill_when_paused,
        )
        self.etl(
            "  then the next export", [*base, "-f", "xlsx", "--province", "46", "--out", str(out)], db=db, watch=out
        )
        out = self.work / "termed"
        self.etl(
            "SIGTERM while the CSV files are written",
            [*base, "-f", "csv", "--province", "46", "--out", str(out)],
            db=db,
            env=paused,
            watch=out,
            before=lambda p: kill_when_paused(p, signal.SIGTERM),
        )
        out = self.work / "odd-partials"
        out.mkdir()
        (out / ".partial-999999-dir").mkdir()
        (out / ".partial-999998-link.csv").symlink_to("/etc/hostname")
        (out / f".partial-{os.getpid()}-live.csv").write_text("being written by a live process")
        (out / ".partial-1-init.csv").write_text("pid 1 is alive and started long before")
        old = time.time() - 86400
        os.utime(out / ".partial-1-init.csv", (old, old))
        self.etl(
            "odd partials: a folder, a link, a live writer's (all three kept), pid 1's older than pid 1 (removed)",
            [*base, "-f", "pdf", "--province", "46", "--out", str(out)],
            db=db,
            watch=out,
        )

        long_db = self.work / "long.duckdb"
        shutil.copyfile(self.demo_db, long_db)
        folder = self.folder("long")
        name = "โครงการก่อสร้างถนนคอนกรีตเสริมเหล็ก" * 6000
        write_csv(
            folder / "p.csv",
            [
                PROJECT_HEADERS,
                ["62-46-L", "2562", "จังหวัดกาฬสินธุ์", name, "งบลงทุน", "อบจ.", "999,000,000", ""],
                ["6" * 300, "2562", "จังหวัดกาฬสินธุ์", f"{RLO}ถนน\u0085", "งบลงทุน", "อบจ.", "998,000,000", ""],
            ],
        )
        self.etl("a 210,000-character name and a 300-character code", ["load", str(folder)], db=long_db)
        out = self.work / "long-out"
        self.etl(
            "  then export all formats for province 46",
            [*base, "-f", "all", "--province", "46", "--out", str(out)],
            db=long_db,
            watch=out,
        )
        pdf = next(out.glob("*.pdf"), None)
        if pdf is not None:
            pages = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=False).stdout
            count = next((line.split()[-1] for line in pages.splitlines() if line.startswith("Pages:")), "?")
            self.rows.append(("  PDF pages", count, "", "", "", "", ""))

    def mount(self, folder: Path, options: str) -> bool:
        folder.mkdir(parents=True, exist_ok=True)
        return (
            subprocess.run(
                ["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(folder)], capture_output=True, check=False
            ).returncode
            == 0
        )

    @staticmethod
    def umount(folder: Path) -> None:
        subprocess.run(["umount", str(folder)], check=False)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=Path(__file__).resolve().parents[1])
    parser.add_argument("--db", type=Path, default=None, help="a demo database for the export attacks")
    parser.add_argument("--only", choices=("load", "export"))
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="attack-edges-"))
    attacks = Attacks(args.root.resolve(), args.db, work)
    try:
        if args.only != "export":
            attacks.load_attacks()
        if args.only != "load":
            attacks.export_attacks()
    finally:
        mounts = Path("/proc/mounts").read_text(encoding="utf-8").splitlines()
        for point in (line.split()[1] for line in mounts):
            if point.startswith(str(work)):
                subprocess.run(["umount", point], check=False)
        shutil.rmtree(work, ignore_errors=True)
    print("| attack | exit | traceback | raw chars on terminal | left behind | message | time |")
    print("|---|---|---|---|---|---|---|")
    for row in attacks.rows:
        print("| " + " | ".join(str(cell).replace("|", "\\|") for cell in row) + " |")


if __name__ == "__main__":
    main()
