"""Ten fiscal years in one store: its size, loading a year, a weekly snapshot, every page's first paint.

    .venv/bin/python bench/bench_ten_years.py                     # build (or reuse) the store, measure all
    .venv/bin/python bench/bench_ten_years.py --skip-pages        # only size, loads and the snapshot
    .venv/bin/python bench/bench_ten_years.py --pages overview area --paint-rounds 3
    .venv/bin/python bench/bench_ten_years.py --skip-writes --skip-pages --cpu-visits 24   # CPU-s per visit,
                                                                  # ten years against FY2563 alone
    .venv/bin/python bench/bench_ten_years.py --update-docs       # also rewrite "### Ten years of weekly
                                                                  # history" in docs/benchmarks.md
    .venv/bin/python bench/bench_ten_years.py --rebuild           # regenerate files and stores

The store is built once and kept under bench/out/ten_years/ (git-ignored), reused by later runs
made with the same generator settings (`manifest.json`):

- files/<fy>/: FY2554-FY2563 from `etl.demo.history_years` (each year its own character, FY2561-
  FY2563 the demo's; every payment split into 16 documents, about 2.6 million in all; CSV files);
- history.duckdb: FY2554-FY2562 loaded through the ETL, with the weekly snapshot of every Friday
  of each year (etl.snapshot.take_weekly_years);
- ten_years.duckdb: the history plus FY2563 (the year in progress, to 31 Mar 2020) and its Fridays.

Measured in one run, the two sides of each comparison alternating so both see the same machine
load (wall seconds and this process's CPU seconds; medians over --rounds):

(a) `etl.load.load_files` of FY2563's files into an empty store;
(b) the same files into a copy of the nine-year history, which then holds ten years. The copy has
    been written once before (a no-op write session), as a store is in its weekly routine; the
    first write after copying a store (`cold`) is reported too. Limit: (b) at most 1.5 x (a);
(c) one weekly snapshot on the ten-year store (`take_snapshot` of FY2563's last Friday, replacing it);
(d) the database size and rows per table;
(e) every page's first paint and warm visit in Chromium against a hello-world page
    (bench/bench_first_paint.py's `measure`: page and hello world alternating, --paint-rounds visits
    each; median and best of each, and the server CPU seconds each visit cost), on ten_years.duckdb.
    Limit: 2 x hello world;
(f) with --cpu-visits N: server CPU seconds per new viewer's visit (bench/cpu_per_visit.py's visits)
    on ten_years.duckdb against one_year.duckdb (FY2563's same files alone, with its snapshots: the
    same default year and figures without the nine earlier years), N visits per round, alternating.
    CPU time hardly depends on the machine's load, so this says whether pages do more work at ten years.

Not a test: numbers depend on the machine and on what else runs on it (`uptime` is printed).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

OUT = ROOT / "bench" / "out" / "ten_years"
DOCS = ROOT / "docs" / "benchmarks.md"
SECTION = "### Ten years of weekly history"  # in "## Several fiscal years (issue 18)"
FIRST, LAST = 2554, 2563
DOCUMENTS_PER_PAYMENT = 16
SEED = 2562
LAST_FRIDAY = date(2020, 3, 27)  # FY2563's last Friday with data


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _uptime() -> str:
    try:
        return subprocess.run(["uptime"], capture_output=True, text=True, check=False).stdout.strip()
    except OSError:
        return f"load average {os.getloadavg()[0]:.1f}"


def _say(message: str) -> None:
    print(f"{time.strftime('%H:%M:%S')} {message}", flush=True)


def _manifest() -> dict:
    """What the cached files and stores were made by: generator settings and its source's hash."""
    sources = sorted((ROOT / "etl" / "demo").glob("*.py"))
    digest = hashlib.sha256(b"".join(path.read_bytes() for path in sources)).hexdigest()[:16]
    return {
        "first": FIRST,
        "last": LAST,
        "documents_per_payment": DOCUMENTS_PER_PAYMENT,
        "seed": SEED,
        "generator": digest,
    }


def build(rebuild: bool = False) -> tuple[Path, Path]:
    """The nine-year history and the ten-year store (built once, reused when the manifest matches)."""
    from etl.demo import write_year_files, year_folder, year_seed
    from etl.demo.years import history_years
    from etl.load import load_files
    from etl.snapshot import take_weekly_years

    manifest_path = OUT / "manifest.json"
    wanted = _manifest()
    if rebuild or not manifest_path.exists() or json.loads(manifest_path.read_text()) != wanted:
        shutil.rmtree(OUT, ignore_errors=True)
    OUT.mkdir(parents=True, exist_ok=True)
    manifest_path.write_text(json.dumps(wanted))  # what is (being) built here; parts done are kept
    files = OUT / "files"
    years = history_years(FIRST, LAST, documents_per_payment=DOCUMENTS_PER_PAYMENT, xlsx=False)
    for year in years:
        folder = year_folder(files, year.fiscal_year)
        if not (folder / ".done").exists():
            _say(f"generating FY{year.fiscal_year}")
            write_year_files(folder, year_seed(SEED, year.fiscal_year), year)
            (folder / ".done").write_text("ok")
    history, ten = OUT / "history.duckdb", OUT / "ten_years.duckdb"
    if not history.exists():
        work = OUT / "history.tmp.duckdb"
        work.unlink(missing_ok=True)
        _say(f"loading FY{FIRST}-FY{LAST - 1}")
        load_files([year_folder(files, fy) for fy in range(FIRST, LAST)], db_path=work)
        _say("weekly snapshots of every year")
        take_weekly_years(list(range(FIRST, LAST)), db_path=work, log=lambda line: None)
        os.replace(work, history)
    if not ten.exists():
        work = OUT / "ten_years.tmp.duckdb"
        shutil.copyfile(history, work)
        _say(f"loading FY{LAST} and its weekly snapshots")
        load_files([year_folder(files, LAST)], db_path=work)
        take_weekly_years([LAST], db_path=work, log=lambda line: None)
        os.replace(work, ten)
    return history, ten


def one_year_store() -> Path:
    """FY2563's files alone in a store of their own, with its weekly snapshots (built once): the same
    year as the ten-year store's default one, so their pages differ only by the nine other years."""
    from etl.demo import year_folder
    from etl.load import load_files
    from etl.snapshot import take_weekly_years

    one = OUT / "one_year.duckdb"
    if not one.exists():
        work = OUT / "one_year.tmp.duckdb"
        _remove_store(work)
        _say(f"loading FY{LAST} alone and its weekly snapshots")
        load_files([year_folder(OUT / "files", LAST)], db_path=work)
        take_weekly_years([LAST], db_path=work, log=lambda line: None)
        os.replace(work, one)
    return one


def measure_cpu(stores: dict[str, Path], visits: int, rounds: int, seed: int) -> dict[str, list]:
    """Server CPU seconds per new viewer's visit on each store (bench/cpu_per_visit.py's visits: the
    load test's page mix, 30 % with a province change), the same planned visits on every store, one
    fresh `streamlit run` per store and round, the stores' order alternating. Returns store ->
    [(page, changed, CPU-s, wall s)]."""
    import asyncio

    import cpu_per_visit
    import load_test

    requests = load_test.chromium_requests("dashboard", ROOT / "dashboard.py", next(iter(stores.values())))
    results: dict[str, list] = {name: [] for name in stores}
    for number in range(rounds):
        planned = cpu_per_visit.plan(visits, seed + number)
        order = list(stores.items())
        if number % 2:
            order.reverse()
        for name, db in order:
            with cpu_per_visit.server(ROOT, db, OUT / f"cpu_{name}.log") as (url, pid):
                results[name] += asyncio.run(cpu_per_visit.measure(url, pid, planned, requests, False))
            _say(f"CPU round {number + 1} {name} done (load average {os.getloadavg()[0]:.1f})")
    return results


def cpu_lines(cpu: dict[str, list], visits: int, rounds: int) -> list[str]:
    """The markdown table of CPU-s per visit by page on each store, and the ratio ten / one year."""
    import load_test

    def mean(name: str, page: str | None = None) -> float:
        return statistics.mean(row[2] for row in cpu[name] if page is None or row[0] == page)

    lines = [
        "",
        (
            f"Server CPU seconds per new viewer's visit (bench/cpu_per_visit.py's visits, {visits} per round, "
            f"{rounds} rounds, the same planned visits on both stores, alternating): the ten-year store against "
            f"FY{LAST}'s files alone in a store (`one_year.duckdb`: the same default year, page for page the same "
            "figures, without the nine earlier years). CPU time hardly depends on the machine's load:"
        ),
        "",
        "| page | visits | ten years, CPU-s | one year, CPU-s | ratio |",
        "|---|---|---|---|---|",
    ]
    for page in load_test.PAGE_MIX:
        count = sum(1 for row in cpu["ten_years"] if row[0] == page)
        if count:
            ten, one = mean("ten_years", page), mean("one_year", page)
            lines.append(f"| {page} | {count} | {ten:.3f} | {one:.3f} | **{ten / one:.2f}** |")
    ten, one = mean("ten_years"), mean("one_year")
    lines.append(f"| all visits | {len(cpu['ten_years'])} | {ten:.3f} | {one:.3f} | **{ten / one:.2f}** |")
    return lines


def counts(db: Path) -> dict[str, int]:
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    try:
        return {
            table: con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in (
                "projects",
                "disbursements",
                "reallocations",
                "carryovers",
                "asset_transfers",
                "snapshots",
                "snapshot_projects",
            )
        }
    finally:
        con.close()


def _remove_store(path: Path) -> None:
    for entry in path.parent.glob(path.name + "*"):
        if entry.is_dir():
            shutil.rmtree(entry, ignore_errors=True)
        else:
            entry.unlink(missing_ok=True)


def _timed(action) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), _cpu()
    action()
    return time.perf_counter() - wall, _cpu() - cpu


def measure_writes(history: Path, ten: Path, rounds: int) -> dict[str, list[tuple[float, float]]]:
    """(a) empty-store loads, (b) ten-year loads (steady and cold), (c) one weekly snapshot."""
    from etl.demo import year_folder
    from etl.load import load_files
    from etl.snapshot import take_snapshot
    from etl.store import write_session

    files = year_folder(OUT / "files", LAST)
    run = OUT / "run"
    shutil.rmtree(run, ignore_errors=True)
    run.mkdir()
    results: dict[str, list[tuple[float, float]]] = {"empty": [], "ten_years": [], "ten_years_cold": [], "snapshot": []}
    empty, target, snap = run / "empty.duckdb", run / "ten.duckdb", run / "snap.duckdb"
    _say("warm-up load (imports, caches)")
    load_files([files], db_path=empty)
    for number in range(1, rounds + 1):
        _remove_store(empty)
        results["empty"].append(_timed(lambda: load_files([files], db_path=empty)))
        _remove_store(target)
        shutil.copyfile(history, target)
        results["ten_years_cold"].append(_timed(lambda: load_files([files], db_path=target)))
        _remove_store(target)
        shutil.copyfile(history, target)
        with write_session(target):  # the store's previous weekly write (as in its routine)
            pass
        results["ten_years"].append(_timed(lambda: load_files([files], db_path=target)))
        _remove_store(snap)
        shutil.copyfile(ten, snap)
        with write_session(snap):
            pass
        results["snapshot"].append(_timed(lambda: take_snapshot(LAST, LAST_FRIDAY, replace=True, db_path=snap)))
        line = ", ".join(
            f"{name} {wall:.2f} s wall / {cpu:.2f} s cpu"
            for name, values in results.items()
            for wall, cpu in values[-1:]
        )
        _say(f"round {number}: {line} (load average {os.getloadavg()[0]:.1f})")
    shutil.rmtree(run, ignore_errors=True)
    return results


def _median(values: list[tuple[float, float]], which: int) -> float:
    return statistics.median(value[which] for value in values)


def markdown(
    history: Path,
    ten: Path,
    writes: dict | None,
    paint: dict | None,
    rounds: int,
    paint_rounds: int,
    load_before: str,
    load_after: str,
    cpu: dict | None = None,
    cpu_visits: int = 0,
    cpu_rounds: int = 0,
) -> str:
    sizes = counts(ten)
    lines = [
        SECTION,
        "",
        "Reproduce (builds the store once under bench/out/ten_years/, about 10-20 minutes on 2 busy cores,",
        "then reuses it; the lead's quiet-machine run uses the same command):",
        "",
        "```bash",
        ".venv/bin/python bench/bench_ten_years.py                  # prints the tables",
        ".venv/bin/python bench/bench_ten_years.py --update-docs    # and rewrites this section",
        "```",
        "",
        f"The store: FY{FIRST}-FY{LAST} from `etl.demo.history_years` (each year its own character; FY2561-",
        (
            "FY2563 the demo's, FY2563 in progress to 31 Mar 2020), every payment split into "
            f"{DOCUMENTS_PER_PAYMENT} documents, loaded"
        ),
        "through the ETL, with the weekly snapshot of every Friday of every year.",
        "",
        "| measure | value |",
        "|---|---|",
        f"| database size (ten_years.duckdb) | {ten.stat().st_size / 1e6:,.0f} MB |",
    ]
    for table, rows in sizes.items():
        lines.append(f"| {table} | {rows:,} rows |")
    if writes:
        empty_wall, empty_cpu = _median(writes["empty"], 0), _median(writes["empty"], 1)
        lines += [
            "",
            f"Writes, median of {rounds} rounds (wall / CPU seconds of the loading process):",
            "",
            "| step | wall | CPU | ratio to (a), wall | ratio, CPU |",
            "|---|---|---|---|---|",
            f"| (a) load FY{LAST}'s files into an empty store | {empty_wall:.2f} s | {empty_cpu:.2f} s | 1 | 1 |",
        ]
        for key, label in (
            ("ten_years", ("(b) the same files into the nine-year history (then ten years), store written before")),
            ("ten_years_cold", "(b, cold) the same, first write after copying the store"),
        ):
            wall, cpu = _median(writes[key], 0), _median(writes[key], 1)
            lines.append(
                f"| {label} | {wall:.2f} s | {cpu:.2f} s | **{wall / empty_wall:.2f}** | {cpu / empty_cpu:.2f} |"
            )
        lines.append(
            f"| (c) one weekly snapshot on the ten-year store (FY{LAST}, {LAST_FRIDAY}) | "
            f"{_median(writes['snapshot'], 0):.2f} s | {_median(writes['snapshot'], 1):.2f} s | | |"
        )
    if paint:
        lines += [
            "",
            f"Pages on the ten-year store (default year FY{LAST}, latest data), first paint in Chromium against a",
            f"hello-world page, {paint_rounds} visits each way, page and hello world alternating (bench/",
            "bench_first_paint.py's method: *cold* = new browser context, *warm* = new tab of a context that",
            "opened the app before). Each cell: page / hello world seconds, median (best); the ratios of the",
            "medians and of the bests; then the server's CPU seconds per visit (median over the cold and warm",
            "visits), the page's server against hello world's:",
            "",
            "| page | cold: median (best) | ratio (best) | warm: median (best) | ratio (best) | server CPU-s | ratio |",
            "|---|---|---|---|---|---|---|",
        ]

        def cell(result: dict, kind: str) -> str:
            (app, hello), (app_best, hello_best) = result[kind], result[f"{kind}_best"]
            return (
                f"{app:.2f} / {hello:.2f} s ({app_best:.2f} / {hello_best:.2f}) | "
                f"**{app / hello:.2f}** ({app_best / hello_best:.2f})"
            )

        for path, result in paint.items():
            app_cpu, hello_cpu = result["cpu"]
            lines.append(
                f"| {path} | {cell(result, 'cold')} | {cell(result, 'warm')} | "
                f"{app_cpu:.3f} / {hello_cpu:.3f} | {app_cpu / hello_cpu:.1f} |"
            )
        worst = {
            kind: max(r[kind][0] / r[kind][1] for r in paint.values())
            for kind in ("cold", "warm", "cold_best", "warm_best")
        }
        lines += [
            "",
            (
                f"Worst ratio of medians: cold {worst['cold']:.2f}, warm {worst['warm']:.2f}; of bests: cold "
                f"{worst['cold_best']:.2f}, warm {worst['warm_best']:.2f} (limit 2)."
            ),
        ]
    if cpu:
        lines += cpu_lines(cpu, cpu_visits, cpu_rounds)
    lines += [
        "",
        (
            f"Measured {date.today():%d %b %Y} on {platform.machine()} / Python {platform.python_version()}, "
            f"{os.cpu_count()} cores shared with other work. Load at the start: `{load_before}`; "
            f"at the end: `{load_after}`."
        ),
        "",
    ]
    return "\n".join(lines)


def update_docs(section: str) -> None:
    text = DOCS.read_text(encoding="utf-8")
    pattern = re.compile(rf"^{re.escape(SECTION)}\n.*?(?=^##+ |\Z)", re.DOTALL | re.MULTILINE)
    text = (
        pattern.sub(lambda _: section + "\n", text)
        if pattern.search(text)
        else text.rstrip("\n") + "\n\n" + section + "\n"
    )
    DOCS.write_text(text, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=3, help="rounds of the write measures (default 3)")
    parser.add_argument("--paint-rounds", type=int, default=2, help="visits per page and cache state (default 2)")
    parser.add_argument("--pages", nargs="*", default=None, help="only these page paths")
    parser.add_argument("--skip-pages", action="store_true", help="no browser measures")
    parser.add_argument("--skip-writes", action="store_true", help="no load / snapshot measures")
    parser.add_argument(
        "--cpu-visits", type=int, default=0, help="CPU-s per visit, ten years against one: visits per round (0: skip)"
    )
    parser.add_argument("--cpu-rounds", type=int, default=2, help="rounds of the CPU-s per visit measure")
    parser.add_argument("--rebuild", action="store_true", help="regenerate the files and the stores")
    parser.add_argument("--update-docs", action="store_true", help="rewrite the section in docs/benchmarks.md")
    args = parser.parse_args()
    os.environ.setdefault("BUDGET_APP_DB", f"sqlite:///{OUT.parent / 'ten_years_app.sqlite'}")
    load_before = _uptime()
    _say(load_before)
    history, ten = build(args.rebuild)
    _say(f"store ready: {ten} ({ten.stat().st_size / 1e6:,.0f} MB)")
    writes = None if args.skip_writes else measure_writes(history, ten, args.rounds)
    paint = None
    if not args.skip_pages:
        from bench_first_paint import measure
        from hello_world_app import PATHS

        paths = [path for path in PATHS if not args.pages or path in args.pages]
        paint = measure(ten, args.paint_rounds, OUT, paths)
    cpu = None
    if args.cpu_visits:
        stores = {"ten_years": ten, "one_year": one_year_store()}
        cpu = measure_cpu(stores, args.cpu_visits, args.cpu_rounds, seed=18)
    section = markdown(
        history,
        ten,
        writes,
        paint,
        args.rounds,
        args.paint_rounds,
        load_before,
        _uptime(),
        cpu,
        args.cpu_visits,
        args.cpu_rounds,
    )
    print(section)
    if args.update_docs:
        update_docs(section)


if __name__ == "__main__":
    main()
