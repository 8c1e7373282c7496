"""Backtest of the year-end projection with and without last year's shape as a prior (issue 18).

    nice -n 10 .venv/bin/python bench/backtest_prior.py                  # demo + generated pairs, prints
    nice -n 10 .venv/bin/python bench/backtest_prior.py --update-docs    # and rewrites its section of
                                                                         # docs/benchmarks.md
    nice -n 10 .venv/bin/python bench/backtest_prior.py --weights 0.25 --area-shares 0 --pairs steady_base \\
        --seed 2 --demo-seeds 7                                          # other years

Stores (each built once through the real ETL into bench/out/backtest_prior/, then reused):
- the demo's three years FY2561-FY2563 (etl.demo, seed 2562, every year complete to its carry-over
  deadline so FY2563 has a 30 Sep to score against; CSV files for speed): FY2562 is scored with FY2561
  as its prior, FY2563 with FY2562. The demo draws each year's owners' speeds afresh, so an area's shape
  does not carry over from one demo year to the next — only the national character does;
- pairs of generated years (bench/synthetic_years.py PAIRS): FY2561 from one mix, FY2562 from another
  (or the same) in one store, the areas keeping their own pace with noise, or drawn afresh; FY2562 is
  scored.

From 31 Mar, 31 May and 31 Jul of the scored year the projection (budget_metrics.projection.area_projection,
overall line) is made with the prior's weight set to each of --weights (history_prior.weight_set_to; the
model is otherwise the store's), and compared per province and per cluster with the actual rate on 30 Sep
(progress.area_progress): median and 90th-percentile absolute error (points), bias (mean projected − actual)
and the band's coverage (share of areas whose actual rate lies in projected_low_pct..projected_high_pct,
nominal 80%).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import re
import shlex
import statistics
import sys
import time
import tomllib
from dataclasses import replace
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
OUT = ROOT / "bench" / "out" / "backtest_prior"
DOCS = ROOT / "docs" / "benchmarks.md"
SECTION = "## Projection with last year's shape (issue 18)"
MONTHS = ((3, 31), (5, 31), (7, 31))
LEVELS = ("province", "cluster")
WEIGHTS = (0.0, 0.25, 0.5, 1.0)
DEMO_SEED = 2562


def demo_store(seed: int = DEMO_SEED) -> Path:
    """The demo's FY2561-FY2563, every year complete, loaded through the ETL (built once)."""
    from etl.demo import DEMO_YEARS, write_year_files, year_folder, year_seed
    from etl.load import load_files

    db = OUT / f"demo_{seed}.duckdb"
    if not db.exists():
        folder = OUT / f"files_demo_{seed}"
        years = [replace(year, data_as_of=None, xlsx=False) for year in DEMO_YEARS]
        for year in years:
            write_year_files(year_folder(folder, year.fiscal_year), year_seed(seed, year.fiscal_year), year)
        results = load_files([year_folder(folder, year.fiscal_year) for year in years], db_path=db)
        refused = [r for r in results if r.status not in ("loaded", "unchanged")]
        if refused:
            print(f"note: the demo's deliberately bad rows were refused: {len(refused)} file results", file=sys.stderr)
    return db


def _quantile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    position = share * (len(ordered) - 1)
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def score(db: Path, fiscal_year: int, settings: tuple[tuple[float, float], ...]) -> list[dict]:
    """One row per (as-of date, level, setting (weight, area share)): median / p90 absolute error (points),
    bias (points) and band coverage (0-1)."""
    os.environ["BUDGET_DB"] = str(db)
    from budget_metrics import history_prior
    from budget_metrics.calendar import fiscal_year_bounds
    from budget_metrics.filters import Filters
    from budget_metrics.progress import area_progress
    from budget_metrics.projection import area_projection

    _, end = fiscal_year_bounds(fiscal_year)
    rows = []
    for level in LEVELS:
        actual_frame = area_progress(Filters(fiscal_year, as_of=end), level)
        actual = dict(zip(actual_frame["code"], actual_frame["pct_disbursed"], strict=True))
        for month, day in MONTHS:
            as_of = date(end.year, month, day)
            for weight, area_share in settings:
                with history_prior.weight_set_to(weight, area_share):
                    projected = area_projection(Filters(fiscal_year, as_of=as_of), level, "overall")
                errors, signed, inside = [], [], []
                for row in projected.itertuples(index=False):
                    truth = actual.get(row.code)
                    if truth is None or math.isnan(truth) or math.isnan(row.projected_pct):
                        continue
                    errors.append(abs(row.projected_pct - truth))
                    signed.append(row.projected_pct - truth)
                    inside.append(row.projected_low_pct - 1e-9 <= truth <= row.projected_high_pct + 1e-9)
                rows.append(
                    {
                        "as_of": as_of.isoformat(),
                        "level": level,
                        "weight": weight,
                        "area_share": area_share,
                        "areas": len(errors),
                        "median": statistics.median(errors),
                        "p90": _quantile(errors, 0.9),
                        "bias": statistics.fmean(signed),
                        "coverage": sum(inside) / len(inside),
                    }
                )
    return rows


def run(
    settings: tuple[tuple[float, float], ...], pairs: list[str], demo_seeds: list[int], seed: int = 1
) -> list[dict]:
    """Every scored year: {name, note, fiscal_year, rows}."""
    from synthetic_years import PAIRS, build_pair

    OUT.mkdir(parents=True, exist_ok=True)
    years = []
    for demo_seed in demo_seeds:
        db = demo_store(demo_seed)
        for fiscal_year in (2562, 2563):
            years.append(
                {
                    "name": f"demo FY{fiscal_year}" + ("" if demo_seed == DEMO_SEED else f" (seed {demo_seed})"),
                    "note": f"prior FY{fiscal_year - 1}; each demo year draws its areas' speeds afresh",
                    "fiscal_year": fiscal_year,
                    "rows": score(db, fiscal_year, settings),
                }
            )
            print(f"scored demo FY{fiscal_year}", file=sys.stderr)
    for name in pairs:
        db, _ = build_pair(name, OUT, seed)
        label = name if seed == 1 else f"{name} (seed {seed})"
        years.append({"name": label, "note": PAIRS[name][3], "fiscal_year": 2562, "rows": score(db, 2562, settings)})
        print(f"scored {name}", file=sys.stderr)
    return years


def default_setting() -> tuple[float, float]:
    """(weight, area share) as data/reference/thresholds.toml sets them now (a store built earlier may hold
    older values)."""
    with open(ROOT / "data" / "reference" / "thresholds.toml", "rb") as handle:
        limits = tomllib.load(handle)
    return (
        float(limits["projection_prior_weight"]["value"]),
        float(limits.get("projection_prior_area_share", {"value": 1.0})["value"]),
    )


def timing(db: Path, fiscal_year: int, as_of: date, repeats: int = 5) -> dict[str, tuple[float, float]]:
    """Best wall and CPU seconds of the whole national projection cold (every level, both lines, the
    needs-intervention list), without the prior and with the default setting (thresholds.toml), alternating in
    one process."""
    os.environ["BUDGET_DB"] = str(db)
    from budget_metrics import history_prior, projection
    from budget_metrics.filters import Filters

    best: dict[str, tuple[float, float]] = {}
    for _ in range(repeats):
        for name, setting in (("without", (0.0, 1.0)), ("with", default_setting())):
            projection._cached_model.cache_clear()
            history_prior._shape.cache_clear()
            wall, cpu = time.perf_counter(), time.process_time()
            with history_prior.weight_set_to(*setting):
                for level in projection.LEVELS:
                    for line in projection.LINES:
                        projection.area_projection(Filters(fiscal_year, as_of=as_of), level, line)
                projection.needs_intervention(Filters(fiscal_year, as_of=as_of), "province")
            took = (time.perf_counter() - wall, time.process_time() - cpu)
            best[name] = took if name not in best else (min(best[name][0], took[0]), min(best[name][1], took[1]))
    return best


def _row(rows: list[dict], as_of: str, level: str, setting: tuple[float, float]) -> dict:
    return next(
        r
        for r in rows
        if r["as_of"] == as_of and r["level"] == level and (r["weight"], r["area_share"]) == tuple(setting)
    )


def _label(setting: tuple[float, float]) -> str:
    weight, area_share = setting
    return "w = 0 (no prior)" if weight == 0 else f"w = {weight:g}, s = {area_share:g}"


def _month(as_of: str) -> str:
    day = date.fromisoformat(as_of)
    return f"{day.day} {day.strftime('%b')}"


def markdown(years: list[dict], settings: tuple, detail: tuple, command: str, seconds: float, part: str) -> str:
    """The part `part` (a ### subsection) of the benchmarks.md section: a summary over every setting, then per
    year and as-of date the setting without the prior against the `detail` settings."""
    lines = [
        f"### {part}",
        "",
        f"Command: `{command}` ({seconds:.0f} s; {platform.processor() or platform.machine()}, "
        f"{os.cpu_count()} cores shared). Written by bench/backtest_prior.py (its docstring says how each "
        "store is built and scored); the projection's model is the one on this branch, only the prior's "
        "setting changes between columns: w = `projection_prior_weight` (share of the remaining months taken "
        "from last year's shape), s = `projection_prior_area_share` (share of the area's own shape in the "
        "prior, the rest the nation's).",
        "",
        f"**Summary over the {len(years)} scored years** (provinces, overall line): mean over the years of the "
        "median abs error, of the p90, of |bias| (points) and of |coverage − 80%| (points), per as-of date.",
        "",
        "| setting | " + " | ".join(f"{_month(a)}: median / p90 / abs bias / cov. gap" for a in _dates(years)) + " |",
        "|---|" + "---|" * len(_dates(years)),
    ]
    for setting in settings:
        cells = []
        for index in range(len(MONTHS)):
            picked = [_row(y["rows"], _dates([y])[index], "province", setting) for y in years]
            cells.append(
                f"{statistics.fmean(r['median'] for r in picked):.2f} / "
                f"{statistics.fmean(r['p90'] for r in picked):.2f} / "
                f"{statistics.fmean(abs(r['bias']) for r in picked):.2f} / "
                f"{statistics.fmean(abs(100 * r['coverage'] - 80) for r in picked):.1f}"
            )
        lines.append(f"| {_label(setting)} | " + " | ".join(cells) + " |")
    lines += ["", "**Years in which the prior did better than none** (provinces, overall line):", ""]
    lines += [*improved_counts(years), ""]
    shown = [(0.0, 1.0), *[tuple(d) for d in detail if d[0] != 0]]
    for level in LEVELS:
        lines += [
            f"**{level.capitalize()}s, overall line**: median abs error / p90 / bias (points) / band coverage "
            "(nominal 80%).",
            "",
            "| year | as of | " + " | ".join(_label(d) for d in shown) + " |",
            "|---|---|" + "---|" * len(shown),
        ]
        for year in years:
            for as_of in _dates([year]):
                cells = []
                for setting in shown:
                    r = _row(year["rows"], as_of, level, setting)
                    cells.append(f"{r['median']:.2f} / {r['p90']:.2f} / {r['bias']:+.2f} / {100 * r['coverage']:.0f}%")
                lines.append(f"| {year['name']} | {_month(as_of)} | " + " | ".join(cells) + " |")
        lines.append("")
    lines += ["Years: " + "; ".join(f"**{y['name']}**: {y['note']}" for y in years) + ".", ""]
    return "\n".join(lines)


def improved_counts(years: list[dict], level: str = "province") -> list[str]:
    """Markdown rows: per setting with a prior and per as-of date, in how many years it beat no prior on the
    median abs error, the p90, |bias| and |coverage − 80%| (ties count as not better; coverage ties as
    better)."""
    settings = list(dict.fromkeys((r["weight"], r["area_share"]) for r in years[0]["rows"] if r["weight"] > 0))
    lines = [
        "| setting | " + " | ".join(f"{_month(a)}: median / p90 / bias / coverage" for a in _dates(years)) + " |",
        "|---|" + "---|" * len(_dates(years)),
    ]
    for setting in settings:
        cells = []
        for index in range(len(MONTHS)):
            counts = [0, 0, 0, 0]
            for year in years:
                as_of = _dates([year])[index]
                base, r = _row(year["rows"], as_of, level, (0.0, 1.0)), _row(year["rows"], as_of, level, setting)
                counts[0] += r["median"] < base["median"]
                counts[1] += r["p90"] < base["p90"]
                counts[2] += abs(r["bias"]) < abs(base["bias"])
                counts[3] += abs(r["coverage"] - 0.8) <= abs(base["coverage"] - 0.8)
            cells.append(" / ".join(f"{c} of {len(years)}" for c in counts))
        lines.append(f"| {_label(setting)} | " + " | ".join(cells) + " |")
    return lines


def _dates(years: list[dict]) -> list[str]:
    return sorted({r["as_of"] for r in years[0]["rows"]})


def update_docs(part_text: str, part: str) -> None:
    """Replace the part's ### subsection in this script's section of docs/benchmarks.md (appending the part,
    or the section, when missing), leaving the rest: the section's opening text is written by hand."""
    text = DOCS.read_text(encoding="utf-8")
    section = re.compile(rf"^{re.escape(SECTION)}\n.*?(?=^## |\Z)", re.DOTALL | re.MULTILINE)
    found = section.search(text)
    if found is None:
        text = text.rstrip("\n") + "\n\n" + SECTION + "\n\n" + part_text + "\n"
    else:
        body = found.group(0)
        subsection = re.compile(rf"^### {re.escape(part)}\n.*?(?=^### |\Z)", re.DOTALL | re.MULTILINE)
        if subsection.search(body):
            body = subsection.sub(lambda _: part_text + "\n", body)
        else:
            body = body.rstrip("\n") + "\n\n" + part_text + "\n"
        body = body.rstrip("\n") + "\n"
        text = text[: found.start()] + body + ("\n" + text[found.end() :] if found.end() < len(text) else "")
    DOCS.write_text(text, encoding="utf-8")


def main() -> None:
    from synthetic_years import PAIRS

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--weights", type=float, nargs="+", default=list(WEIGHTS), help="prior weights w")
    parser.add_argument(
        "--area-shares", type=float, nargs="+", default=[1.0], help="area shares s of the prior (1: own shape)"
    )
    parser.add_argument(
        "--detail", nargs="*", default=None, help="settings W:S shown per year beside w = 0 (default: every one)"
    )
    parser.add_argument("--pairs", nargs="*", default=list(PAIRS)[:4], help=f"generated pairs (of {', '.join(PAIRS)})")
    parser.add_argument("--seed", type=int, default=1, help="the pairs' seed (default 1)")
    parser.add_argument(
        "--demo-seeds", type=int, nargs="*", default=[DEMO_SEED], help="demo seeds (none: only the pairs)"
    )
    parser.add_argument("--part", default="Scores", help="the ### subsection of the docs this run writes")
    parser.add_argument("--update-docs", action="store_true", help="rewrite the part in docs/benchmarks.md")
    parser.add_argument(
        "--timing", action="store_true", help="only time the national projection with and without the prior (demo)"
    )
    parser.add_argument("--counts", metavar="PART", help="only print improved_counts of a saved run's part")
    args = parser.parse_args()
    if args.counts:
        name = re.sub(r"[^a-z0-9]+", "_", args.counts.lower())
        years = json.loads((OUT / f"last_run_{name}.json").read_text(encoding="utf-8"))
        for level in LEVELS:
            print(f"{level}s:", *improved_counts(years, level), sep="\n")
        return
    if args.timing:
        db = demo_store(args.demo_seeds[0] if args.demo_seeds else DEMO_SEED)
        for fiscal_year, as_of in ((2563, date(2020, 3, 31)), (2562, date(2019, 5, 31))):
            found = timing(db, fiscal_year, as_of)
            print(
                f"FY{fiscal_year} as of {as_of}: "
                + ", ".join(
                    f"{name} the prior {wall:.3f} s wall, {cpu:.3f} s CPU" for name, (wall, cpu) in found.items()
                )
            )
        return
    settings = ((0.0, 1.0), *[(w, a) for w in args.weights if w > 0 for a in args.area_shares])
    detail = settings if args.detail is None else tuple(tuple(map(float, d.split(":"))) for d in args.detail)
    started = time.perf_counter()
    years = run(settings, args.pairs, args.demo_seeds, args.seed)
    seconds = time.perf_counter() - started
    (OUT / "last_run.json").write_text(json.dumps(years, indent=1), encoding="utf-8")
    command = "nice -n 10 .venv/bin/python bench/backtest_prior.py " + shlex.join(sys.argv[1:])
    (OUT / f"last_run_{re.sub(r'[^a-z0-9]+', '_', args.part.lower())}.json").write_text(
        json.dumps(years, indent=1), encoding="utf-8"
    )
    section = markdown(years, settings, detail, command.strip(), seconds, args.part)
    print(section)
    if args.update_docs:
        update_docs(section, args.part)


if __name__ == "__main__":
    main()
