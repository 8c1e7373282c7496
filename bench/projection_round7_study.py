"""The study behind round 7 of issue 17 (docs/projection.md, "Round 7 of issue 17"): an honest prior shape
(payment_timing.PRIOR_PLAN_COMPLETION) together with a signing rate that skips the days before the year's first
investment contract (projection.SKIP_BEFORE_FIRST_SIGNING). On the seen years built by
bench/backtest_projection.py into bench/out/backtest/ (the 3 demo seeds and the 24 generated years of rounds 1-6):

    .venv/bin/python bench/projection_round7_study.py provinces [--only NAME ...] [--variant NAME ...]
        # provinces' median / p90 / bias / coverage on 31 Mar, 31 May and 31 Jul per variant
    .venv/bin/python bench/projection_round7_study.py signing [--only NAME ...] [--variant NAME ...]
        # the mean chance of signing by 30 Sep of the investment projects unsigned on the date, per variant
    --hold-out-7: the round-7 hold-outs instead, report only, after they were scored once

A study script: it patches model settings in memory to compare them; nothing it prints is a setting.
"""

from __future__ import annotations

import argparse
import os
import sys
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
import backtest_projection as B  # noqa: E402
from projection_round3_study import _province_metrics  # noqa: E402
from projection_study import seen_before, study_years, with_settings  # noqa: E402

SEEN = seen_before(7)
DATES = (date(2019, 3, 31), date(2019, 5, 31), date(2019, 7, 31))

# (payment_timing settings, projection settings) per variant; "kept" is the committed model.
# Variants of settings since removed from the model were dropped (SKIP_BEFORE_FIRST_SIGNING: "skip", "shape C skip");
# they run from commit e09ef55.
VARIANTS = {
    "kept": ({}, {}),
    **{f"seen {m}": ({"PRIOR_SEEN_STEPS": m}, {}) for m in (3, 5, 6, 7)},
    **{f"seen {m} floor 0.6": ({"PRIOR_SEEN_STEPS": m, "PRIOR_SEEN_FLOOR": 0.6}, {}) for m in (6, 7)},
    **{f"seen 5 floor {f}": ({"PRIOR_SEEN_STEPS": 5, "PRIOR_SEEN_FLOOR": f}, {}) for f in (0.5, 0.6, 0.7)},
}


def _years(only: list[str] | None = None, hold_out_7: bool = False) -> dict[str, Path]:
    """The seen years (demo seeds, generated years of rounds 1-6) or the round-7 hold-outs (report only)."""
    return study_years(SEEN, B.HOLD_OUT_ROUND_7 if hold_out_7 else None, only)


def _with(variant: str, call):
    from budget_metrics import payment_timing as T
    from budget_metrics import projection as P

    return with_settings([(T, VARIANTS[variant][0]), (P, VARIANTS[variant][1])], call)


def provinces(only: list[str] | None, variants: list[str], hold_out_7: bool = False) -> None:
    """Per year and date: provinces' median abs error, p90, bias, coverage under each variant."""
    for name, db in _years(only, hold_out_7).items():
        os.environ["BUDGET_DB"] = str(db)
        for as_of in DATES:
            row = [f"{name:26s} {as_of}"]
            for label in variants:
                median, p90, bias, coverage = _with(label, lambda as_of=as_of: _province_metrics(as_of))
                row.append(f"{label}: {median:4.1f} {p90:5.1f} {bias:+5.1f} {coverage:4.0%}")
            print("  |  ".join(row), flush=True)


def signing(only: list[str] | None, variants: list[str], hold_out_7: bool = False) -> None:
    """Per year and date: the mean signing chance of the unsigned investment projects under each variant."""
    from budget_metrics.filters import Filters
    from budget_metrics.projection import project_projection

    for name, db in _years(only, hold_out_7).items():
        os.environ["BUDGET_DB"] = str(db)
        for as_of in DATES:
            row = [f"{name:26s} {as_of}"]
            for label in variants:
                frame = _with(label, lambda as_of=as_of: project_projection(Filters(2562, as_of=as_of)))
                unsigned = frame[frame["basis"] == "no_contract"]
                row.append(f"{label}: {unsigned['signing_chance'].mean():.2f} (n={len(unsigned)})")
            print("  |  ".join(row), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("study", choices=("provinces", "signing"))
    parser.add_argument("--only", nargs="*")
    parser.add_argument("--variant", nargs="*", default=["kept", "shape 0.7 skip"])
    parser.add_argument("--hold-out-7", action="store_true", help="the round-7 hold-outs (after their scoring)")
    args = parser.parse_args()
    {"provinces": provinces, "signing": signing}[args.study](args.only, args.variant, args.hold_out_7)


if __name__ == "__main__":
    main()
