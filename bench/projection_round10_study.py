"""The study behind round 10 of issue 17 (docs/projection.md, "Round 10 of issue 17"): the allocation that 30 Sep
will have. The truth is disbursed / allocation on 30 Sep; money returned after the as-of date (unsigned projects
cancelled, contract savings returned as เงินเหลือจ่าย) lowers that allocation. The round reads, from the year's own
returns in the last two months, the money each project is expected to return (projection.RETURN_FORECAST) and
reports the projected rate over the allocation expected on 30 Sep. On the seen years built by
bench/backtest_projection.py into bench/out/backtest/ (the 3 demo seeds and the 36 generated years of rounds 1-9):

    .venv/bin/python bench/projection_round10_study.py provinces [--only NAME ...] [--variant NAME ...]
        # provinces' median / p90 / bias / coverage on 31 Mar, 31 May and 31 Jul per variant
    .venv/bin/python bench/projection_round10_study.py returns [--only NAME ...] [--variant NAME ...]
        # per date: the provinces' mean expected return (points of the allocation now) against the mean
        # actually returned after the date (the "allocation changes" of the bias per basis), and the round-9
        # model's province bias
    .venv/bin/python bench/projection_round10_study.py speed --variant kept 'round 9'
        # CPU and wall seconds of every level of both lines on demo seed 2562, 31 May, the variants alternating
    --hold-out-10: the round-10 hold-outs instead, report only, after they were scored once

A study script: it patches model settings in memory to compare them; nothing it prints is a setting. Round 13 removed
the estimate from the model (docs/projection.md, "Round 13 of issue 17"); these commands run at commit 6c7b930, and
round 13's own measure of it is bench/projection_round13_study.py's `provinces --variant kept returns` there.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
import backtest_projection as B  # noqa: E402
import projection_round8_study as R8  # noqa: E402
from projection_round3_study import _province_metrics  # noqa: E402
from projection_study import seen_before, study_years, with_settings  # noqa: E402

SEEN = seen_before(10)
HOLD_OUT_ROUND_10 = B.HOLD_OUT_ROUND_10
DATES = R8.DATES

# (payment_timing settings, projection settings) per variant; "kept" is the committed model, "round 9" the model
# before this round (no expected returns). Every other variant names the settings it uses.
BASE = {"RETURN_FORECAST": True, "RETURN_WINDOW_DAYS": 61, "RETURN_SAVINGS": True, "RETURN_CANCELLED_SHARE": 0.5}
ON = {**BASE, "RETURN_ORDER_SHARE": 0.25, "RETURN_ORDER_PROJECTS": 10, "RETURN_SAVINGS_BY_AGE": False}
AGE = {**ON, "RETURN_SAVINGS_BY_AGE": True}
NO_ORDERS = {
    **BASE,
    "RETURN_ORDER_SHARE": 2.0,
    "RETURN_SAVINGS_BY_AGE": False,
}  # every cancellation read as a rate (no day is an order)
VARIANTS = {
    "kept": ({}, {}),
    "round 9": ({}, {"RETURN_FORECAST": False}),
    "returns": ({}, dict(NO_ORDERS)),
    "orders": ({}, dict(ON)),
    "orders cancelled only": ({}, {**ON, "RETURN_SAVINGS": False}),
    "orders savings by age": ({}, dict(AGE)),
    "cancelled only": ({}, {**NO_ORDERS, "RETURN_SAVINGS": False}),
    **{f"returns window {w}": ({}, {**NO_ORDERS, "RETURN_WINDOW_DAYS": w}) for w in (30, 91, 122)},
    **{f"orders window {w}": ({}, {**ON, "RETURN_WINDOW_DAYS": w}) for w in (30, 91)},
}


def _years(only: list[str] | None = None, hold_out_10: bool = False):
    return study_years(SEEN, HOLD_OUT_ROUND_10 if hold_out_10 else None, only)


def _with(variant: str, call):
    from budget_metrics import payment_timing as T
    from budget_metrics import projection as P

    return with_settings([(T, VARIANTS[variant][0]), (P, VARIANTS[variant][1])], call)


def provinces(only: list[str] | None, variants: list[str], hold_out_10: bool = False) -> None:
    """Per year and date: provinces' median abs error, p90, bias, coverage under each variant."""
    for name, db in _years(only, hold_out_10).items():
        os.environ["BUDGET_DB"] = str(db)
        for as_of in DATES:
            row = [f"{name:28s} {as_of}"]
            for label in variants:
                median, p90, bias, coverage = _with(label, lambda as_of=as_of: _province_metrics(as_of))
                row.append(f"{label}: {median:4.1f} {p90:5.1f} {bias:+5.1f} {coverage:4.0%}")
            print("  |  ".join(row), flush=True)


def returns(only: list[str] | None, variants: list[str], hold_out_10: bool = False) -> None:
    """Per year and date: the provinces' mean expected return (points of their allocation on the date) under
    each variant, beside the mean share of the allocation that actually left by 30 Sep (points)."""
    import duckdb

    from budget_metrics.filters import Filters
    from budget_metrics.projection import area_projection

    for name, db in _years(only, hold_out_10).items():
        os.environ["BUDGET_DB"] = str(db)
        con = duckdb.connect(str(db), read_only=True)
        final = {}
        for as_of in DATES:
            final[as_of] = dict(
                con.execute(
                    """SELECT p.owner, sum(r.amount)
                       FROM reallocations r JOIN projects p ON p.project_code = r.from_project_code
                       WHERE p.owner_type = 'province' AND r.to_project_code IS NULL
                         AND r.approved_date > ? AND r.approved_date <= DATE '2019-09-30'
                       GROUP BY 1""",
                    [as_of],
                ).fetchall()
            )
        con.close()
        for as_of in DATES:
            row = [f"{name:28s} {as_of}"]
            truth = None
            for label in variants:
                frame = _with(label, lambda as_of=as_of: area_projection(Filters(2562, as_of=as_of), "province"))
                frame = frame[frame["current_allocation"] > 0]
                expected = (
                    100 * (frame["current_allocation"] - frame["expected_allocation"]) / frame["current_allocation"]
                )
                if truth is None:
                    actual = [
                        100 * float(final[as_of].get(c, 0)) / a
                        for c, a in zip(frame["code"], frame["current_allocation"])
                    ]
                    truth = statistics.fmean(actual)
                    row.append(f"returned after {truth:4.2f}")
                row.append(f"{label}: {statistics.fmean(expected):4.2f}")
            print("  |  ".join(row), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("study", choices=("provinces", "returns", "speed"))
    parser.add_argument("--only", nargs="*")
    parser.add_argument("--variant", nargs="*", default=["round 9", "returns"])
    parser.add_argument("--hold-out-10", action="store_true", help="the round-10 hold-outs (after their scoring)")
    args = parser.parse_args()
    if args.study == "speed":
        R8.VARIANTS.update(VARIANTS)
        R8.speed(args.variant)
    else:
        {"provinces": provinces, "returns": returns}[args.study](args.only, args.variant, args.hold_out_10)


if __name__ == "__main__":
    main()
