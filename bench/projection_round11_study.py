"""The study behind round 11 of issue 17 (docs/projection.md, "Round 11 of issue 17"): a band that knows which
reading it is unsure of. Two readings of the same year's contracts — the plan paid in full (round 9's gate off) and
the plan at its seen pace (the seen-steps prior, ungated) — are mixed at a weight that rises with the milestone share
(payment_timing.SEEN_MIX_LOW to SEEN_MIX_HIGH); the projection is the readings' mean at that weight (SEEN_MIX_MEAN)
or the gate's reading, and the band gains the mixture's variance (SEEN_MIX_BAND). On the seen years built by
bench/backtest_projection.py into bench/out/backtest/ (the 3 demo seeds and the 42 generated years of rounds 1-10):

    .venv/bin/python bench/projection_round11_study.py provinces [--only NAME ...] [--variant NAME ...]
        # provinces' median / p90 / bias / coverage and clusters' coverage on 31 Mar, 31 May and 31 Jul per variant
    .venv/bin/python bench/projection_round11_study.py flags [--only NAME ...] [--variant A B]
        # the provinces whose pace-break flag differs between two variants at each Friday (B.FRIDAYS)
    .venv/bin/python bench/projection_round11_study.py speed --variant kept NAME
        # CPU and wall seconds of every level of both lines on demo seed 2562, 31 May, the variants alternating
    --hold-out-11: the round-11 hold-outs instead, report only, after they were scored once

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
import projection_round8_study as R8  # noqa: E402
from projection_study import seen_before, study_years, with_settings  # noqa: E402

SEEN = seen_before(11)
DATES = R8.DATES
OFF = {"SEEN_MIX_MEAN": False, "SEEN_MIX_BAND": False}


def _mix(low: float, high: float, mean: bool, band: bool) -> dict:
    return {"SEEN_MIX_LOW": low, "SEEN_MIX_HIGH": high, "SEEN_MIX_MEAN": mean, "SEEN_MIX_BAND": band}


# (payment_timing settings, projection settings) per variant; "kept" is the committed model, "round 10" the model
# before this round (no mixture). Every other variant names every setting of the mixture it uses.
VARIANTS = {
    "kept": ({}, {}),
    "round 10": (dict(OFF), {}),
    # The seen-steps reading at every share (round 9's ungated candidate, with the kept drift and pace factors).
    "ungated": (_mix(0.0, 0.0, True, False), {}),
    **{f"step band {lo}-{hi}": (_mix(lo, hi, False, True), {}) for lo, hi in ((0.4, 0.8), (0.5, 0.9), (0.3, 0.9))},
    **{f"ramp {lo}-{hi} band": (_mix(lo, hi, True, True), {}) for lo, hi in ((0.4, 0.8), (0.5, 0.9), (0.3, 0.9))},
    **{f"ramp {lo}-{hi}": (_mix(lo, hi, True, False), {}) for lo, hi in ((0.4, 0.8), (0.5, 0.9))},
}


def _with(variant: str, call):
    from budget_metrics import payment_timing as T
    from budget_metrics import projection as P

    return with_settings([(T, VARIANTS[variant][0]), (P, VARIANTS[variant][1])], call)


def _metrics(as_of: date) -> tuple[float, float, float, float, float]:
    """Provinces' median abs error, p90, bias (points) and band coverage (0-1); clusters' coverage (0-1)."""
    from budget_metrics.filters import Filters
    from budget_metrics.progress import area_progress
    from budget_metrics.projection import area_projection

    out = []
    for level in ("province", "cluster"):
        actual = area_progress(Filters(2562, as_of=date(2019, 9, 30)), level)
        truth = dict(zip(actual["code"], actual["pct_disbursed"], strict=True))
        errors, inside = [], []
        for row in area_projection(Filters(2562, as_of=as_of), level).itertuples(index=False):
            value = truth.get(row.code)
            if value is None or math.isnan(value) or math.isnan(row.projected_pct):
                continue
            errors.append(row.projected_pct - value)
            inside.append(row.projected_low_pct - 1e-9 <= value <= row.projected_high_pct + 1e-9)
        out.append((np.abs(errors), float(np.mean(errors)), float(np.mean(inside))))
    (absolute, bias, coverage), (_, _, clusters) = out
    return float(np.median(absolute)), float(np.quantile(absolute, 0.9)), bias, coverage, clusters


def provinces(only: list[str] | None, variants: list[str], hold_out_11: bool = False) -> None:
    """Per year and date: provinces' median abs error, p90, bias, coverage and clusters' coverage per variant."""
    for name, db in study_years(SEEN, B.HOLD_OUT_ROUND_11 if hold_out_11 else None, only).items():
        os.environ["BUDGET_DB"] = str(db)
        for as_of in DATES:
            row = [f"{name:30s} {as_of}"]
            for label in variants:
                median, p90, bias, coverage, clusters = _with(label, lambda as_of=as_of: _metrics(as_of))
                row.append(f"{label}: {median:4.1f} {p90:5.1f} {bias:+5.1f} {coverage:4.0%} cl {clusters:4.0%}")
            print("  |  ".join(row), flush=True)


def flags(only: list[str] | None, variants: list[str], hold_out_11: bool = False) -> None:
    """Per year: the Fridays and provinces (code, flag under the first variant, under the second) whose pace-break
    flag differs between two variants (the warning compares the recent pace with what the projection needs)."""
    from budget_metrics.filters import Filters
    from budget_metrics.projection import area_projection

    first, second = variants[:2]
    for name, db in study_years(SEEN, B.HOLD_OUT_ROUND_11 if hold_out_11 else None, only).items():
        os.environ["BUDGET_DB"] = str(db)
        differ = []
        for friday in B.FRIDAYS:
            read = {}
            for label in (first, second):
                frame = _with(label, lambda friday=friday: area_projection(Filters(2562, as_of=friday), "province"))
                read[label] = {code: bool(flag) for code, flag in zip(frame["code"], frame["pace_break"], strict=True)}
            moved = [(c, read[first].get(c), flag) for c, flag in read[second].items() if read[first].get(c) != flag]
            if moved:
                differ.append((f"{friday}", moved))
        print(f"{name:30s} {differ if differ else 'the same at every Friday'}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("study", choices=("provinces", "flags", "speed"))
    parser.add_argument("--only", nargs="*")
    parser.add_argument("--variant", nargs="*", default=["round 10", "step band 0.4-0.8", "ramp 0.4-0.8 band"])
    parser.add_argument("--hold-out-11", action="store_true", help="the round-11 hold-outs (after their scoring)")
    args = parser.parse_args()
    if args.study == "speed":
        R8.VARIANTS.update(VARIANTS)
        R8.speed(args.variant)
    else:
        {"provinces": provinces, "flags": flags}[args.study](args.only, args.variant, args.hold_out_11)


if __name__ == "__main__":
    main()
