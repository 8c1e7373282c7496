"""The study behind round 19 of issue 17 (docs/projection.md, "Round 19 of issue 17"): the signing chance and what a
contract pays after signing corrected together, both from fixed tables learnt across the seen stores — round 18's curve
of the share of a contract paid by 30 Sep after signing (`projection.UNSIGNED_CURVE`, `UNSIGNED_CURVE_WEIGHT`) and a
table of the value-weighted chance that an investment project unsigned on the as-of date signs by 30 Sep
(`projection.SIGNING_TABLE`, `SIGNING_TABLE_WEIGHT`), with the band's terms kept at their size under the curve
(`UNSIGNED_CURVE_BAND_KEEP`) and the table's own across-year spread as the signing term (`SIGNING_TABLE_SPREAD`). On
the seen years built by bench/backtest_projection.py into bench/out/backtest/ (`projection_study.seen_before(19)`: the
3 demo seeds and the generated years of rounds 1-18):

    .venv/bin/python bench/projection_round19_study.py table
        # the table's cells: per bin of days to 30 Sep and of the share of the investment allocation already signed,
        # the value-weighted share of the investment allocation unsigned on the as-of date that signed by 30 Sep, on
        # the 15th and the last day of each month December-August in every seen store; year-dates per cell, the
        # across-year spread, and the same split by this year's signing pace (last 21 days against the 61 before)
    .venv/bin/python bench/projection_round19_study.py where [--only NAME ...]
        # per year and date: the unsigned share and, where the gate opens, the model's signing chance and what a
        # contract signed later is expected to pay, kept and with the tables, against the truth
    .venv/bin/python bench/projection_round19_study.py provinces [--dates ...] [--variant NAME ...]
    .venv/bin/python bench/projection_round19_study.py test
        # round 17's test of the round on the provinces lines (bench/out/round19_provinces.txt), per variant
    .venv/bin/python bench/projection_round19_study.py basis [--only NAME ...] [--variant NAME ...]
    .venv/bin/python bench/projection_round19_study.py payable [--dates ...] [--variant NAME ...]
    .venv/bin/python bench/projection_round19_study.py code-speed --revision 76e9d1f
        # round 16's studies (through projection_round16_study.study_cli) with this round's variants and seen years
    --hold-out 19: the round-19 hold-outs instead (report only, after their scoring)

A study script: it patches model settings in memory to compare them; nothing it prints is a setting. Every variant runs
budget_metrics/projection.py as it was at STUDY_REVISION (imported from git; None: the working tree), where the
candidates' settings exist at neutral values ("kept": all off, the model on main).
"""

from __future__ import annotations

import os
import sys
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
import projection_round16_study as R16  # noqa: E402
import projection_round17_study as R17  # noqa: E402
from projection_study import seen_before, study_years  # noqa: E402

SEEN = seen_before(19)
DATES = R16.DATES
YEAR_END = date(2019, 9, 30)
# The table's as-of dates: the 15th and the last day of each month, December to August.
TABLE_DATES = tuple(
    day
    for first in (date(2018, 12, 1), *(date(2019, month, 1) for month in range(1, 9)))
    for day in (first.replace(day=15), (first + timedelta(days=32)).replace(day=1) - timedelta(days=1))
)
DAYS_EDGES = (0, 90, 150, 210, 366)
SIGNED_EDGES = (0.0, 0.15, 0.3, 0.45, 2 / 3, 1.0)
PACE_SPLIT = 1.5  # the pace split: the last 21 days' daily count at least this many times the 61 days' before

TABLE = {"SIGNING_TABLE_WEIGHT": 1.0, "SIGNING_TABLE_SPREAD": True}
KEEP = {"UNSIGNED_CURVE_BAND_KEEP": True}
# (payment_timing settings, projection settings) per variant; "kept" is the committed model.
VARIANTS: dict[str, tuple[dict, dict]] = {
    "kept": ({}, {}),
    "curve 1.0": ({}, {"UNSIGNED_CURVE_WEIGHT": 1.0}),
    "curve 1.0 + table 1.0 (no spread)": ({}, {"UNSIGNED_CURVE_WEIGHT": 1.0, "SIGNING_TABLE_WEIGHT": 1.0}),
    "curve 1.0 + table 0.5": (
        {},
        {"UNSIGNED_CURVE_WEIGHT": 1.0, "SIGNING_TABLE_WEIGHT": 0.5, "SIGNING_TABLE_SPREAD": True},
    ),
    "table 1.0": ({}, {**TABLE}),
    "curve 1.0 + table 1.0": ({}, {"UNSIGNED_CURVE_WEIGHT": 1.0, **TABLE}),
    "curve 1.0 + table 1.0 + keep": ({}, {"UNSIGNED_CURVE_WEIGHT": 1.0, **TABLE, **KEEP}),
    "curve 0.5 + table 0.5 + keep": (
        {},
        {"UNSIGNED_CURVE_WEIGHT": 0.5, "SIGNING_TABLE_WEIGHT": 0.5, "SIGNING_TABLE_SPREAD": True, **KEEP},
    ),
    "curve 1.0 + table 1.0 (no spread) + keep": (
        {},
        {"UNSIGNED_CURVE_WEIGHT": 1.0, "SIGNING_TABLE_WEIGHT": 1.0, **KEEP},
    ),
}

# where the candidates' settings exist (at neutral values); None: the working tree
STUDY_REVISION: str | None = "87bedb1"


def _write(study: str, line: str) -> None:
    print(line, flush=True)
    with (ROOT / "bench" / "out" / f"round19_{study}.txt").open("a") as handle:
        handle.write(line + "\n")


def _observations() -> list[tuple[str, date, float, float, float, float]]:
    """Per seen store and TABLE_DATES day: (year, as-of, days to 30 Sep, share of the investment allocation signed,
    share of the unsigned allocation signed by 30 Sep, the last 21 days' daily signing count over the 61 days'
    before) — where at least 1% of the investment allocation is unsigned."""
    import duckdb

    out = []
    for name, db in study_years(SEEN).items():
        con = duckdb.connect(str(db), read_only=True)
        rows = con.execute(
            """SELECT allocated_amount::DOUBLE, contract_date FROM projects
               WHERE budget_type = 'investment' AND allocated_amount > 0"""
        ).fetchall()
        con.close()
        total = sum(amount for amount, _ in rows)
        for as_of in TABLE_DATES:
            signed = sum(a for a, day in rows if day is not None and day <= as_of)
            unsigned = total - signed
            if total <= 0 or unsigned < 0.01 * total:
                continue
            later = sum(a for a, day in rows if day is not None and as_of < day <= YEAR_END)
            recent = sum(1 for _, day in rows if day is not None and as_of - timedelta(days=21) < day <= as_of)
            before = sum(
                1
                for _, day in rows
                if day is not None and as_of - timedelta(days=82) < day <= as_of - timedelta(days=21)
            )
            pace = (recent / 21) / (before / 61) if before else float("inf") if recent else 0.0
            out.append((name, as_of, float((YEAR_END - as_of).days), signed / total, later / unsigned, pace))
    return out


def table() -> None:
    """The table's cells (value-weighted over the pooled unsigned allocation of each cell's year-dates)."""
    import numpy as np

    rows = _observations()
    days = np.array([r[2] for r in rows])
    signed = np.array([r[3] for r in rows])
    chance = np.array([r[4] for r in rows])
    pace = np.array([r[5] for r in rows])
    # weights: each year-date by its unsigned share (value-weighted within a year; years weigh alike)
    weight = 1 - signed
    _write("table", f"{len(rows)} year-dates from {len({r[0] for r in rows})} seen stores")
    for d_low, d_high in zip(DAYS_EDGES[:-1], DAYS_EDGES[1:], strict=True):
        cells = []
        for s_low, s_high in zip(SIGNED_EDGES[:-1], SIGNED_EDGES[1:], strict=True):
            pick = (days >= d_low) & (days < d_high) & (signed >= s_low) & (signed < s_high)
            if not pick.any():
                cells.append(f"signed {s_low:.2f}-{s_high:.2f}: -")
                continue
            mean = float(np.average(chance[pick], weights=weight[pick]))
            sd = float(np.sqrt(np.average((chance[pick] - mean) ** 2, weights=weight[pick])))
            parts = []
            for label, mask in (("slow", pace < PACE_SPLIT), ("rising", pace >= PACE_SPLIT)):
                inner = pick & mask
                parts.append(
                    f"{label} {np.average(chance[inner], weights=weight[inner]):.2f} ({inner.sum()})"
                    if inner.any()
                    else f"{label} - (0)"
                )
            cells.append(
                f"signed {s_low:.2f}-{s_high:.2f}: n {pick.sum():3d} chance {mean:.2f} sd {sd:.2f} | {' '.join(parts)}"
            )
        _write("table", f"days to 30 Sep {d_low:3d}-{d_high:3d}: " + "  ||  ".join(cells))


def where(only: list[str] | None, which: int | None) -> None:
    """Per year and date: the unsigned share of the investment allocation and, where the gate opens, the model's
    chance that an unsigned project signs by 30 Sep and what a contract signed later is expected to pay
    (ModelRates.signing_chance, signing_payable), kept and with the tables, beside the truth: the share of the unsigned
    allocation signed by 30 Sep (the as-of date's allocation)."""
    import duckdb

    from budget_metrics.filters import Filters

    P = R16._studied_module()
    labels = ("kept", "table 1.0", "curve 1.0 + table 1.0")
    for name, db in R16._years(only, which).items():
        os.environ["BUDGET_DB"] = str(db)
        con = duckdb.connect(str(db), read_only=True)
        signed_by_end = {
            code
            for (code,) in con.execute(
                "SELECT project_code FROM projects WHERE contract_date <= DATE '2019-09-30'"
            ).fetchall()
        }
        con.close()
        for as_of in DATES:
            frame, _ = P._history(2562, as_of)
            investment = (frame["budget_type"] == "investment").to_numpy()
            unsigned = investment & ~frame["contract_signed"].to_numpy(bool)
            allocation = frame["current_allocation"].to_numpy(float)
            share = float(allocation[unsigned].sum() / max(allocation[investment].sum(), 1.0))
            line = f"{name:34s} {as_of} unsigned {share:.2f}"
            if share >= P.FREEZE_UNSIGNED_SHARE:
                later = frame["project_code"].isin(signed_by_end).to_numpy()
                truth = float(allocation[unsigned & later].sum() / max(allocation[unsigned].sum(), 1.0))
                rates = {
                    label: R16._with(label, lambda as_of=as_of: P.model_rates(Filters(2562, as_of=as_of)))
                    for label in labels
                }
                line += f" signs true {truth:.2f} model " + " ".join(
                    f"{k} {v.signing_chance:.2f}" for k, v in rates.items()
                )
                line += " payable " + " ".join(f"{k} {v.signing_payable:.2f}" for k, v in rates.items())
                line += f" fires {name}@{as_of}"
            _write("where", line)


def test() -> None:
    """Round 17's test of the round (R17.round_test) on this round's provinces lines, then per variant the mean
    median error, mean |bias| and mean coverage over those year-dates."""
    import numpy as np

    path = ROOT / "bench" / "out" / "round19_provinces.txt"
    R17._write = _write
    R17.round_test(path)
    figures: dict[str, list[tuple[float, ...]]] = {}
    for line in path.read_text().splitlines():
        for part in line.split("  |  ")[1:]:
            match = R17.FIGURES.match(part.strip())
            if match:
                label, *values = match.groups()
                figures.setdefault(label.strip(), []).append(tuple(float(v) for v in values))
    for label, rows in figures.items():
        values = np.array(rows)
        _write(
            "test",
            f"{label}: {len(rows)} year-dates, mean median {values[:, 0].mean():.2f}, "
            f"mean p90 {values[:, 1].mean():.2f}, "
            f"mean |bias| {np.abs(values[:, 2]).mean():.2f}, mean coverage {values[:, 3].mean():.1f}%, "
            f"coverage in 75-85% {((values[:, 3] >= 75) & (values[:, 3] <= 85)).sum()}, "
            f"|bias| <= 2 {(np.abs(values[:, 2]) <= 2).sum()}",
        )


if __name__ == "__main__":
    R16.study_cli(
        __doc__,
        {"table": table, "where": where, "test": test},
        SEEN,
        VARIANTS,
        STUDY_REVISION,
        _write,
        default_revision="76e9d1f",
    )
