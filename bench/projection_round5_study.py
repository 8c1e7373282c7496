"""The studies behind round 5 of issue 17 (docs/projection.md, "Round 5 of issue 17"), on the seen years built
by bench/backtest_projection.py into bench/out/backtest/ (run it first):

    .venv/bin/python bench/projection_round5_study.py signing   # chance of signing by 30 Sep after the as-of
                                                                # date: rules vs truth, every month end
    .venv/bin/python bench/projection_round5_study.py provinces # province median / p90 / bias / coverage at
                                                                # every month end, round 3's rule vs round 5's

A study script: it patches model settings in memory to compare them; nothing it prints is a setting.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
from datetime import date
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
import backtest_projection as B  # noqa: E402
from projection_round3_study import _province_metrics  # noqa: E402

SEEN = B.CALIBRATION + B.HOLD_OUT + B.HOLD_OUT_ROUND_2 + B.HOLD_OUT_ROUND_3 + B.HOLD_OUT_ROUND_4


def _years(only: list[str] | None = None, hold_out_5: bool = False) -> dict[str, Path]:
    """The seen years (demo seeds and the generated years of rounds 1-4), or the round-5 hold-outs (report
    only: they were scored once with the committed rule before this was run on them)."""
    if hold_out_5:
        years = {f"{mix}:{seed}": B.build_generated(mix, seed)[0] for mix, seed in B.HOLD_OUT_ROUND_5}
        return {name: db for name, db in years.items() if not only or any(part in name for part in only)}
    years = {f"demo{seed}": B.build_seed(seed) for seed in B.DEMO_SEEDS}
    years.update({f"{mix}:{seed}": B.build_generated(mix, seed)[0] for mix, seed in SEEN})
    return {name: db for name, db in years.items() if not only or any(part in name for part in only)}


def _with(patch: dict, call):
    from budget_metrics import projection as P

    saved = {key: getattr(P, key) for key in patch}
    for key, value in patch.items():
        setattr(P, key, value)
    P._cached_model.cache_clear()
    try:
        return call()
    finally:
        for key, value in saved.items():
            setattr(P, key, value)
        P._cached_model.cache_clear()


# Round 3's rule is round 5's with no freeze ever skipped (an unsigned share above 1 is never reached).
RULES = {
    "61 days": {"RECENT_SIGNING_DAYS": 0, "FREEZE_UNSIGNED_SHARE": 2.0},
    "round 3": {"FREEZE_UNSIGNED_SHARE": 2.0},
    "round 5": {},
}


def signing(only: list[str] | None, hold_out_5: bool = False) -> None:
    """Per seen year and month end: the share of the investment projects unsigned on the date that sign by
    30 Sep (truth) and the chance each rule gives them."""
    import duckdb
    import pandas as pd

    from budget_metrics import projection as P

    start, end = date(2018, 10, 1), date(2019, 9, 30)
    for name, db in _years(only, hold_out_5).items():
        os.environ["BUDGET_DB"] = str(db)
        con = duckdb.connect(str(db), read_only=True)
        final = dict(
            con.execute("SELECT project_code, contract_date FROM projects WHERE fiscal_year = 2562").fetchall()
        )
        con.close()
        for as_of in B.MONTH_ENDS:
            frame, _ = P._history(2562, as_of)
            investment = (frame["budget_type"] == "investment").to_numpy()
            signed = investment & frame["contract_signed"].to_numpy(bool)
            day = (pd.to_datetime(frame["contract_date"]) - pd.Timestamp(start)).dt.days.to_numpy(float)
            today, left = (as_of - start).days, (end - as_of).days
            unsigned = investment & ~signed
            allocation = frame["current_allocation"].to_numpy(float)
            later = np.array([final.get(code) is not None and final[code] <= end for code in frame["project_code"]])
            truth = later[unsigned].mean() if unsigned.any() else float("nan")
            row = [f"{name:26s} {as_of} unsigned {unsigned.sum():5d} truth {truth:.2f}"]
            for label, patch in RULES.items():
                rate = _with(patch, lambda: P._signing_rate(day, signed, investment, today, allocation).daily)
                row.append(f"{label} {1 - math.exp(-rate * left):.2f}")
            print("  ".join(row), flush=True)


def provinces(only: list[str] | None, dates: list[date], hold_out_5: bool = False) -> None:
    """Per seen year and month end: provinces' median abs error, p90, bias, coverage under each rule."""
    for name, db in _years(only, hold_out_5).items():
        os.environ["BUDGET_DB"] = str(db)
        for as_of in dates:
            row = [f"{name:26s} {as_of}"]
            for label in ("round 3", "round 5"):
                patch = RULES[label]
                median, p90, bias, coverage = _with(patch, lambda: _province_metrics(as_of))
                row.append(f"{label}: {median:4.1f} {p90:5.1f} {bias:+5.1f} {coverage:4.0%}")
            print("  |  ".join(row), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("study", choices=("signing", "provinces"))
    parser.add_argument("--only", nargs="*", help="years whose name contains one of these")
    parser.add_argument("--dates", nargs="*", help="month ends (YYYY-MM-DD), default all")
    parser.add_argument("--hold-out-5", action="store_true", help="the round-5 hold-outs instead (report only)")
    args = parser.parse_args()
    dates = [date.fromisoformat(value) for value in args.dates] if args.dates else B.MONTH_ENDS
    if args.study == "signing":
        signing(args.only, args.hold_out_5)
    else:
        provinces(args.only, dates, args.hold_out_5)


if __name__ == "__main__":
    main()
