"""The study behind round 6 of issue 17 (docs/projection.md, "Round 6 of issue 17"): the contract payment rates
early in a late year. On the seen years built by bench/backtest_projection.py into bench/out/backtest/:

    .venv/bin/python bench/projection_round6_study.py provinces [--only NAME ...] [--variant NAME ...]
        # provinces' median / p90 / bias / coverage on 31 Mar, 31 May and 31 Jul, the kept prior (round 5's)
        # vs the variants below
    .venv/bin/python bench/projection_round6_study.py payable [--only NAME ...]
        # the chance a contract signed after the as-of date is paid by 30 Sep and the contract completion by
        # plan end, per variant
    --hold-out-6 (either study): the round-6 hold-outs instead, report only, after they were scored once

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

SEEN = seen_before(6)
DATES = (date(2019, 3, 31), date(2019, 5, 31), date(2019, 7, 31))

# payment_timing settings per variant. "kept" is the committed model (round 5's prior: the plan paid in full by its
# end, shrunk by baht only); "shape C" pays a share C of the plan by its end.
# Variants of settings since removed from the model were dropped (PRIOR_PROJECTS: the variants "projects N");
# they run from commit e09ef55.
VARIANTS = {
    "kept": {},
    **{f"shape {c}": {"PRIOR_PLAN_COMPLETION": c} for c in (0.6, 0.7, 0.8, 0.9)},
}


def _years(only: list[str] | None = None, hold_out_6: bool = False) -> dict[str, Path]:
    """The seen years: demo seeds and the generated years of rounds 1-5; or the round-6 hold-outs (report only:
    they were scored once with the committed settings before this was run on them)."""
    return study_years(SEEN, B.HOLD_OUT_ROUND_6 if hold_out_6 else None, only)


def _with(patch: dict, call):
    from budget_metrics import payment_timing as T

    return with_settings([(T, patch)], call)


def provinces(only: list[str] | None, variants: list[str], hold_out_6: bool = False) -> None:
    """Per seen year and date: provinces' median abs error, p90, bias, coverage under each variant."""
    for name, db in _years(only, hold_out_6).items():
        os.environ["BUDGET_DB"] = str(db)
        for as_of in DATES:
            row = [f"{name:26s} {as_of}"]
            for label in variants:
                median, p90, bias, coverage = _with(VARIANTS[label], lambda as_of=as_of: _province_metrics(as_of))
                row.append(f"{label}: {median:4.1f} {p90:5.1f} {bias:+5.1f} {coverage:4.0%}")
            print("  |  ".join(row), flush=True)


def payable(only: list[str] | None, variants: list[str], hold_out_6: bool = False) -> None:
    """Per seen year and date: signing_payable and the contract completion by plan end under each variant."""
    from budget_metrics import projection as P

    for name, db in _years(only, hold_out_6).items():
        os.environ["BUDGET_DB"] = str(db)
        for as_of in DATES:
            row = [f"{name:26s} {as_of}"]
            for label in variants:
                rates = _with(VARIANTS[label], lambda as_of=as_of: P._model(2562, as_of).rates)
                row.append(f"{label}: payable {rates.signing_payable:.2f} by end {rates.completion_contract:.2f}")
            print("  |  ".join(row), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("study", choices=("provinces", "payable"))
    parser.add_argument("--only", nargs="*")
    parser.add_argument("--variant", nargs="*", default=["kept", "shape 0.7", "shape 0.9", "shape 0.7 projects 10"])
    parser.add_argument("--hold-out-6", action="store_true", help="the round-6 hold-outs (after their scoring)")
    args = parser.parse_args()
    {"provinces": provinces, "payable": payable}[args.study](args.only, args.variant, args.hold_out_6)


if __name__ == "__main__":
    main()
