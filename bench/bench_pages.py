"""Page render times in Streamlit's AppTest on the demo database and a 10x larger one.

    .venv/bin/python bench/bench_pages.py                  # print the table
    .venv/bin/python bench/bench_pages.py --update-docs    # also rewrite the
                                                           # "## Dashboard pages" section
                                                           # of docs/benchmarks.md

For each page: the first render (cold: nothing cached for this database yet) and the
median of the following renders, each in a new AppTest session as a new visitor gets
it (warm: the read-side results come from st.cache_data, keyed on the data version and
filters). Databases are built under bench/out/:

- demo: `etl.demo_data.write_demo_files(seed=2562)` loaded by `etl.load.load_files`;
- 10x: a copy of the demo database in which every record is repeated nine more times
  under prefixed keys (projects 'X1-62-50-0001' ..., their disbursements, reallocations,
  carry-overs and asset transfers likewise), so each province and cluster has ten times
  the projects and documents with the same shape of spending.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import statistics
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
OUT = ROOT / "bench" / "out"
DOCS = ROOT / "docs" / "benchmarks.md"
SECTION = "## Dashboard pages"
PAGES = ["overview", "area", "lagging", "carryover", "reallocations", "assets", "data_quality"]
COPIES = 10


def build_demo(folder: Path) -> Path:
    from etl.demo_data import write_demo_files
    from etl.load import load_files

    db = folder / "demo.duckdb"
    if not db.exists():
        write_demo_files(folder / "demo_files", seed=2562)
        load_files([folder / "demo_files"], db_path=db)
    return db


def build_tenfold(demo: Path, folder: Path) -> Path:
    """The demo database with every record repeated COPIES - 1 more times under new keys."""
    from etl.store import write_session

    db = folder / "demo_x10.duckdb"
    if db.exists():
        return db
    shutil.copyfile(demo, db)
    with write_session(db) as con:
        for copy in range(1, COPIES):
            prefix = f"X{copy}-"
            con.execute(f"""INSERT INTO projects SELECT '{prefix}' || project_code, fiscal_year, owner, owner_type,
                            project_name, budget_type, implementing_agency, allocated_amount, contract_amount,
                            contract_date, planned_start, planned_end, emenscr_code, load_id
                            FROM projects WHERE project_code NOT LIKE 'X%'""")
            con.execute(f"""INSERT INTO disbursements SELECT '{prefix}' || doc_no, '{prefix}' || project_code,
                            posting_date, amount, source, load_id, source_row FROM disbursements
                            WHERE doc_no NOT LIKE 'X%'""")
            con.execute(f"""INSERT INTO reallocations SELECT '{prefix}' || ref_no, approved_date,
                            CASE WHEN from_project_code IS NOT NULL THEN '{prefix}' || from_project_code END,
                            CASE WHEN to_project_code IS NOT NULL THEN '{prefix}' || to_project_code END,
                            amount, kind, reason, load_id, source_row FROM reallocations WHERE ref_no NOT LIKE 'X%'""")
            con.execute(f"""INSERT INTO carryovers SELECT '{prefix}' || project_code, amount, with_commitment,
                            approved_date, deadline, reason, load_id, source_row FROM carryovers
                            WHERE project_code NOT LIKE 'X%'""")
            con.execute(f"""INSERT INTO asset_transfers SELECT '{prefix}' || asset_id, '{prefix}' || project_code,
                            description, value, recipient, completed_date, transferred_date, status, load_id, source_row
                            FROM asset_transfers WHERE asset_id NOT LIKE 'X%'""")
    return db


def counts(db: Path) -> dict[str, int]:
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    try:
        return {
            table: con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in ("projects", "disbursements", "reallocations")
        }
    finally:
        con.close()


def time_page(page: str, repeats: int) -> tuple[float, float, bool]:
    """(first render s, median of the next renders s, any exception) for one page."""
    from streamlit.testing.v1 import AppTest

    times, failed = [], False
    for _ in range(repeats + 1):
        app = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=300)
        start = time.perf_counter()
        app.switch_page(f"pages/{page}.py").run()
        times.append(time.perf_counter() - start)
        failed = failed or bool(app.exception) or bool(app.error)
    return times[0], statistics.median(times[1:]), failed


def measure(db: Path, repeats: int) -> dict[str, tuple[float, float, bool]]:
    os.environ["BUDGET_DB"] = str(db)
    results = {}
    for page in PAGES:
        if (ROOT / "pages" / f"{page}.py").exists():
            results[page] = time_page(page, repeats)
    return results


def markdown(runs: dict[str, dict], sizes: dict[str, dict], repeats: int) -> str:
    lines = [
        SECTION,
        "",
        "Reproduce:",
        "",
        "```bash",
        ".venv/bin/python bench/bench_pages.py                  # prints the table",
        ".venv/bin/python bench/bench_pages.py --update-docs    # and rewrites this section",
        "```",
        "",
        "Each page is rendered in Streamlit's `AppTest` through `dashboard.py` (sidebar controls",
        "included) with the default filters (FY2562, latest data date). *First* is the first",
        "render after start-up for that database (nothing cached: every read-side query runs);",
        f"*warm* is the median of the next {repeats} renders, each a new AppTest session like a",
        "new visitor, served from `st.cache_data` (keyed on the database's data version and the",
        "filters, so a new load starts cold again). Databases: *demo* is",
        "`write_demo_files(seed=2562)` loaded through the ETL; *10x* repeats every record of the",
        "demo database nine more times under prefixed keys (`X1-62-50-0001`, ...), so every",
        "province and cluster has ten times the projects, payments and transfers. Times include",
        "AppTest's own start-up per session (about 0.2 s, mostly scanning installed packages for",
        "components), which a browser session does not pay.",
        "",
        "| database | projects | disbursement docs | reallocations |",
        "|---|---|---|---|",
    ]
    for name, size in sizes.items():
        lines.append(f"| {name} | {size['projects']:,} | {size['disbursements']:,} | {size['reallocations']:,} |")
    lines += [
        "",
        "| page | demo: first | demo: warm (median) | 10x: first | 10x: warm (median) |",
        "|---|---|---|---|---|",
    ]
    for page in runs["demo"]:
        demo, big = runs["demo"][page], runs["10x"].get(page)
        flag = " (exception!)" if demo[2] or (big and big[2]) else ""
        big_text = f"{big[0]:.2f} s | {big[1]:.2f} s" if big else "- | -"
        lines.append(f"| {page}{flag} | {demo[0]:.2f} s | {demo[1]:.2f} s | {big_text} |")
    worst_demo = max(result[1] for result in runs["demo"].values())
    worst_big = max(result[1] for result in runs["10x"].values())
    lines += [
        "",
        (
            f"Measured {date.today():%d %b %Y} on {platform.machine()} / Python {platform.python_version()}, "
            f"{os.cpu_count()} cores shared with other work."
        ),
        (
            f"Target (after the first load): under 1 s per page on the demo data — "
            f"{'**met**' if worst_demo < 1 else '**not met**'} (slowest warm page {worst_demo:.2f} s); "
            f"under 2 s at 10x — {'**met**' if worst_big < 2 else '**not met**'} (slowest {worst_big:.2f} s)."
        ),
        "",
    ]
    return "\n".join(lines)


def update_docs(section: str) -> None:
    """Replace this script's section of docs/benchmarks.md (or append it), leaving the rest."""
    text = DOCS.read_text(encoding="utf-8") if DOCS.exists() else "# Benchmarks\n"
    pattern = re.compile(rf"^{re.escape(SECTION)}\n.*?(?=^## |\Z)", re.DOTALL | re.MULTILINE)
    if pattern.search(text):
        text = pattern.sub(lambda _: section + "\n", text)
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    DOCS.write_text(text, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=5, help="warm renders per page (default 5)")
    parser.add_argument("--update-docs", action="store_true", help="rewrite the section in docs/benchmarks.md")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    demo = build_demo(OUT)
    tenfold = build_tenfold(demo, OUT)
    sizes = {"demo": counts(demo), "10x": counts(tenfold)}
    runs = {"demo": measure(demo, args.repeats), "10x": measure(tenfold, args.repeats)}
    section = markdown(runs, sizes, args.repeats)
    print(section)
    if args.update_docs:
        update_docs(section)
        print(f"updated {DOCS}")


if __name__ == "__main__":
    main()
