"""The study behind round 18 of issue 17 (docs/projection.md, "Round 18 of issue 17"): what a contract not yet signed
pays by 30 Sep after it signs, from a fixed curve of the days left after signing over the contract's planned length
(`projection.UNSIGNED_CURVE`, shrunk toward the plan by `projection.UNSIGNED_CURVE_WEIGHT`) instead of this year's few
recent contracts (round 16), together with round 15's signing rate that sees a wave still rising
(`projection.SIGNING_RISE_CAP`). On the seen years built by bench/backtest_projection.py into bench/out/backtest/
(`projection_study.seen_before(17)`: the 3 demo seeds and the generated years of rounds 1-16):

    .venv/bin/python bench/projection_round18_study.py curve
        # the curve's points: of the investment contracts signed from 1 Mar in each seen store, the value-weighted
        # share paid by 30 Sep per bin of x = days from signing to 30 Sep / planned length (signing to planned end)
    .venv/bin/python bench/projection_round18_study.py where [--only NAME ...]
        # per year and date: the unsigned share of the investment allocation and, where the gate opens, what the
        # model expects a contract signed later to pay, kept and with the curve (bench/out/round18_where.txt)
    .venv/bin/python bench/projection_round18_study.py payable [--dates NAME@YYYY-MM-DD ...] [--variant NAME ...]
        # round 15's `payable` per variant (through round 16's): of the projects unsigned on the as-of date that
        # signed by 30 Sep, the share of their contracts paid by then against what the model expects
    .venv/bin/python bench/projection_round18_study.py provinces [--dates ...] [--variant NAME ...]
        # provinces' median / p90 / bias / coverage and clusters' coverage per variant (round 13's measure)
    .venv/bin/python bench/projection_round18_study.py basis [--only NAME ...] [--variant NAME ...]
        # the provinces' bias per basis (paid / on plan / overdue / no contract / allocation changes) per variant
    .venv/bin/python bench/projection_round18_study.py code-speed --revision 76e9d1f
        # the whole national projection on demo seed 2562, projection.py at the revision and now, alternating
    --hold-out-18: the round-18 hold-outs instead (report only, after their scoring)

A study script: it patches model settings in memory to compare them; nothing it prints is a setting. It calls round
16's study (its `_with`, `payable`, `provinces`, `basis`, run with this round's variants, years and revision), round
15's `payable` and round 13's measures and `code_speed`. Every variant runs budget_metrics/projection.py as it was at
STUDY_REVISION (imported from git; None: the working tree), where the candidates' settings exist at neutral values
("kept": all off, the model on main).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
import projection_round13_study as R13  # noqa: E402
import projection_round16_study as R16  # noqa: E402
from projection_study import seen_before, study_years  # noqa: E402

SEEN = seen_before(17)
DATES = R13.DATES
WEIGHTS = (1.0, 0.5)

# (payment_timing settings, projection settings) per variant; "kept" is the committed model.
VARIANTS: dict[str, tuple[dict, dict]] = {
    "kept": ({}, {}),
    "rise 1.0": ({}, {"SIGNING_RISE_CAP": 1.0}),
    **{f"curve {w}": ({}, {"UNSIGNED_CURVE_WEIGHT": w}) for w in WEIGHTS},
    **{f"rise 1.0 + curve {w}": ({}, {"SIGNING_RISE_CAP": 1.0, "UNSIGNED_CURVE_WEIGHT": w}) for w in WEIGHTS},
}

# where the candidates' settings exist (at neutral values); None: the working tree
STUDY_REVISION: str | None = "9e87f78"


def _write(study: str, line: str) -> None:
    print(line, flush=True)
    with (ROOT / "bench" / "out" / f"round18_{study}.txt").open("a") as handle:
        handle.write(line + "\n")


def _round16_as_round18() -> None:
    """Round 16's study run with this round's variants, seen years, revision and output files."""
    R16.VARIANTS = VARIANTS
    R16.STUDY_REVISION = STUDY_REVISION
    R16.SEEN = SEEN
    R16._write = _write


def _years(only: list[str] | None, which: int | None):
    return R16._years(only, which)


def curve() -> None:
    """The curve's points from the seen stores (each holds one fiscal year: 2562, 30 Sep 2019)."""
    import duckdb
    import numpy as np

    bins = np.array([0.0, 0.25, 0.5, 0.75, 1.0, 1.25, 1.5, 2.0, 3.0, np.inf])
    value, paid, count = np.zeros(len(bins) - 1), np.zeros(len(bins) - 1), np.zeros(len(bins) - 1, int)
    for db in study_years(SEEN).values():
        con = duckdb.connect(str(db), read_only=True)
        rows = con.execute(
            """SELECT p.contract_amount::DOUBLE, date_diff('day', p.contract_date, DATE '2019-09-30'),
                      date_diff('day', p.contract_date, p.planned_end),
                      coalesce(sum(d.amount) FILTER (WHERE d.posting_date <= DATE '2019-09-30'), 0)::DOUBLE
               FROM projects p LEFT JOIN disbursements d
                 ON d.project_code = p.project_code AND d.source = 'current'
               WHERE p.budget_type = 'investment' AND p.contract_date >= DATE '2019-03-01'
                 AND p.contract_amount > 0 AND p.planned_end > p.contract_date
               GROUP BY ALL"""
        ).fetchall()
        con.close()
        if not rows:
            continue
        amount, left, length, by_end = (np.array(column, dtype=float) for column in zip(*rows, strict=True))
        where = np.searchsorted(bins, left / length, side="right") - 1
        np.add.at(value, where, amount)
        np.add.at(paid, where, np.minimum(by_end, amount))
        np.add.at(count, where, 1)
    for low, high, v, p, n in zip(bins[:-1], bins[1:], value, paid, count, strict=True):
        _write("curve", f"x {low:.2f}-{high:.2f} contracts {n:6d} share paid by 30 Sep {p / max(v, 1.0):.3f}")


def where(only: list[str] | None, which: int | None) -> None:
    """Per year and date: the unsigned share of the investment allocation and, where the gate opens, the model's
    expected share paid of a contract signed later (ModelRates.signing_payable), kept and with the curve at 1."""
    from budget_metrics.filters import Filters

    P = R16._studied_module()
    for name, db in _years(only, which).items():
        os.environ["BUDGET_DB"] = str(db)
        for as_of in DATES:
            frame, _ = P._history(2562, as_of)
            investment = (frame["budget_type"] == "investment").to_numpy()
            signed = investment & frame["contract_signed"].to_numpy(bool)
            allocation = frame["current_allocation"].to_numpy(float)
            share = float(allocation[investment & ~signed].sum() / max(allocation[investment].sum(), 1.0))
            line = f"{name:34s} {as_of} unsigned {share:.2f}"
            if share >= P.FREEZE_UNSIGNED_SHARE:
                rates = {
                    label: R16._with(label, lambda as_of=as_of: P.model_rates(Filters(2562, as_of=as_of)))
                    for label in ("kept", "curve 1.0", "rise 1.0 + curve 1.0")
                }
                line += " payable " + " ".join(f"{k} {v.signing_payable:.2f}" for k, v in rates.items())
                line += f" fires {name}@{as_of}"
            _write("where", line)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("study", choices=("curve", "where", "provinces", "basis", "payable", "code-speed"))
    parser.add_argument("--only", nargs="*")
    parser.add_argument("--variant", nargs="*", default=["kept"])
    parser.add_argument("--revision", default="76e9d1f", help="code-speed: the projection.py to time against")
    parser.add_argument("--dates", nargs="*", help="only these year-dates (NAME@YYYY-MM-DD)")
    parser.add_argument("--hold-out-18", action="store_true", help="the round-18 hold-outs (after their scoring)")
    args = parser.parse_args()
    which = 18 if args.hold_out_18 else None
    _round16_as_round18()
    if args.study == "code-speed":
        R13.code_speed(args.revision)
    elif args.study == "curve":
        curve()
    elif args.study == "where":
        where(args.only, which)
    elif args.study == "payable":
        R16.payable(args.only, args.variant, which, args.dates)
    elif args.study == "provinces":
        R16.provinces(args.only, args.variant, which, args.dates)
    else:
        R16.basis(args.only, args.variant, which)


if __name__ == "__main__":
    main()
