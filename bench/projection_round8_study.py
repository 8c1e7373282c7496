"""The study behind round 8 of issue 17 (docs/projection.md, "Round 8 of issue 17"): signing in a procurement wave
read as a queue (projection.SIGNING_QUEUE_SHARE, since removed) and a back-loaded payment shape inside a plan for the
prior (payment_timing.PRIOR_PLAN_SHAPE), alone and with the honest priors of rounds 6 and 7. On the seen years built by
bench/backtest_projection.py into bench/out/backtest/ (the 3 demo seeds and the 27 generated years of rounds 1-7):

    .venv/bin/python bench/projection_round8_study.py provinces [--only NAME ...] [--variant NAME ...]
        # provinces' median / p90 / bias / coverage on 31 Mar, 31 May and 31 Jul per variant
    .venv/bin/python bench/projection_round8_study.py signing [--only NAME ...] [--variant NAME ...]
        # the mean chance of signing by 30 Sep of the investment projects unsigned on the date, and the truth
    .venv/bin/python bench/projection_round8_study.py basis [--only NAME ...] [--variant NAME ...]
        # the provinces' bias per basis (paid / on plan / overdue / no contract / allocation changes) per variant
    .venv/bin/python bench/projection_round8_study.py spread [--only NAME ...] [--variant NAME]
        # the owners' pace spread tau^2 (contracts) per date under the variant ("round 7": as measured)
    .venv/bin/python bench/projection_round8_study.py speed --variant kept 'round 7'
        # CPU and wall seconds of every level of both lines on demo seed 2562, 31 May, the variants alternating
    .venv/bin/python bench/projection_round8_study.py shape [--only NAME ...]
        # the share of a plan's payments made by each tenth of its time, read on 31 Aug (contracts)
    --hold-out-8: the round-8 hold-outs instead, report only, after they were scored once

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
from projection_study import seen_before, study_years, with_settings  # noqa: E402

SEEN = seen_before(8)
DATES = (date(2019, 3, 31), date(2019, 5, 31), date(2019, 7, 31))

# (payment_timing settings, projection settings) per variant; "kept" is the committed model.
# Variants of settings since removed from the model were dropped (SIGNING_QUEUE_SHARE: the "queue" variants);
# they run from commit e09ef55.
VARIANTS = {
    "kept": ({}, {}),
    # Round 7's model (no ceiling on the owners' pace spread): the "kept" column of every variant before round 8's
    # choice; the variants below were run against it (each names every setting it changes from round 7).
    "round 7": ({"TAU2_CEILING": math.inf}, {}),
    **{f"shape {a}": ({"PRIOR_PLAN_SHAPE": a}, {}) for a in (1.5, 2.0, 3.0)},
    # The owners' pace spread capped (payment_timing.TAU2_CEILING), alone and with the honest prior.
    **{f"tau {t}": ({"TAU2_CEILING": t}, {}) for t in (0.05, 0.1, 0.2)},
    **{
        f"tau {t} c {c}": ({"TAU2_CEILING": t, "PRIOR_PLAN_COMPLETION": c}, {}) for t in (0.05, 0.1) for c in (0.7, 0.8)
    },
    **{
        f"tau {t} seen 5 floor {f} shape {a}": (
            {"TAU2_CEILING": t, "PRIOR_SEEN_STEPS": 5, "PRIOR_SEEN_FLOOR": f, "PRIOR_PLAN_SHAPE": a},
            {},
        )
        for t in (0.1,)
        for f in (0.05, 0.6)
        for a in (1.5,)
    },
    **{
        f"tau {t} seen {m} floor {f} shape {a}": (
            {"TAU2_CEILING": t, "PRIOR_SEEN_STEPS": m, "PRIOR_SEEN_FLOOR": f, "PRIOR_PLAN_SHAPE": a},
            {},
        )
        for t in (0.1,)
        for m in (7,)
        for f in (0.05, 0.6)
        for a in (1.5,)
    },
    **{f"c {c}": ({"PRIOR_PLAN_COMPLETION": c}, {}) for c in (0.7, 0.8)},
    **{
        f"seen 5 floor {f} shape {a}": ({"PRIOR_SEEN_STEPS": 5, "PRIOR_SEEN_FLOOR": f, "PRIOR_PLAN_SHAPE": a}, {})
        for f in (0.05, 0.6)
        for a in (1.0, 1.5, 2.0)
    },
    **{
        f"seen 5 floor {f} shape {a} c {c}": (
            {"PRIOR_SEEN_STEPS": 5, "PRIOR_SEEN_FLOOR": f, "PRIOR_PLAN_SHAPE": a, "PRIOR_PLAN_COMPLETION": c},
            {},
        )
        for f in (0.05,)
        for a in (1.5,)
        for c in (0.8, 0.9)
    },
}

# Every variant but "kept" is read against round 7's model: the settings it does not name are round 7's (no ceiling
# on the owners' pace spread; the "tau" variants name theirs).
for _name, (_timing, _) in VARIANTS.items():
    if _name != "kept":
        _timing.setdefault("TAU2_CEILING", math.inf)


def _years(only: list[str] | None = None, hold_out_8: bool = False) -> dict[str, Path]:
    """The seen years (demo seeds, generated years of rounds 1-7) or the round-8 hold-outs (report only)."""
    return study_years(SEEN, B.HOLD_OUT_ROUND_8 if hold_out_8 else None, only)


def _with(variant: str, call):
    from budget_metrics import payment_timing as T
    from budget_metrics import projection as P

    return with_settings([(T, VARIANTS[variant][0]), (P, VARIANTS[variant][1])], call)


def provinces(only: list[str] | None, variants: list[str], hold_out_8: bool = False) -> None:
    """Per year and date: provinces' median abs error, p90, bias, coverage under each variant."""
    for name, db in _years(only, hold_out_8).items():
        os.environ["BUDGET_DB"] = str(db)
        for as_of in DATES:
            row = [f"{name:28s} {as_of}"]
            for label in variants:
                median, p90, bias, coverage = _with(label, lambda as_of=as_of: _province_metrics(as_of))
                row.append(f"{label}: {median:4.1f} {p90:5.1f} {bias:+5.1f} {coverage:4.0%}")
            print("  |  ".join(row), flush=True)


def signing(only: list[str] | None, variants: list[str], hold_out_8: bool = False) -> None:
    """Per year and date: the share of the investment projects unsigned on the date that signed by 30 Sep (truth),
    and the mean signing chance the model gives them under each variant."""
    import duckdb

    from budget_metrics.filters import Filters
    from budget_metrics.projection import project_projection

    end = date(2019, 9, 30)
    for name, db in _years(only, hold_out_8).items():
        os.environ["BUDGET_DB"] = str(db)
        con = duckdb.connect(str(db), read_only=True)
        final = dict(
            con.execute("SELECT project_code, contract_date FROM projects WHERE fiscal_year = 2562").fetchall()
        )
        con.close()
        for as_of in DATES:
            row = [f"{name:28s} {as_of}"]
            for label in variants:
                frame = _with(label, lambda as_of=as_of: project_projection(Filters(2562, as_of=as_of)))
                unsigned = frame[frame["basis"] == "no_contract"]
                if label == variants[0]:
                    later = [final.get(code) is not None and final[code] <= end for code in unsigned["project_code"]]
                    row.append(f"truth {np.mean(later) if later else float('nan'):.2f} (n={len(unsigned)})")
                row.append(f"{label}: {unsigned['signing_chance'].mean():.2f}")
            print("  |  ".join(row), flush=True)


def basis(only: list[str] | None, variants: list[str], hold_out_8: bool = False) -> None:
    """Per year and date: the provinces' bias split by basis (paid / on plan / overdue / no contract / allocation
    changes, points of allocation; backtest_projection.basis_bias) under each variant."""
    saved = B.MONTH_ENDS
    B.MONTH_ENDS = DATES
    try:
        for name, db in _years(only, hold_out_8).items():
            for label in variants:
                for row in _with(label, lambda db=db: B.basis_bias(db)):
                    parts = " / ".join(f"{row[key]:+.1f}" for key in (*B.BASES, "allocation"))
                    print(f"{name:28s} {row['as_of']}  {label}: {parts}", flush=True)
    finally:
        B.MONTH_ENDS = saved


def spread(only: list[str] | None, variants: list[str], hold_out_8: bool = False) -> None:
    """Per year and date: the spread tau^2 of the owners' log pace factors on the contract hazards (as measured and
    as used, under the first variant) and the standard deviation of the owners' factors that result."""
    from budget_metrics import payment_timing as T
    from budget_metrics.filters import Filters
    from budget_metrics.projection import project_projection

    label = variants[0]
    for name, db in _years(only, hold_out_8).items():
        os.environ["BUDGET_DB"] = str(db)
        row = [f"{name:28s} {label}:"]
        for as_of in DATES:
            captured = []
            original = T.pace_factors

            def capture(*args, **kwargs):
                factors = original(*args, **kwargs)
                captured.append(factors)
                return factors

            T.pace_factors = capture
            try:
                _with(label, lambda as_of=as_of: project_projection(Filters(2562, as_of=as_of)))
            finally:
                T.pace_factors = original
            factors = captured[0]  # the first fit of the date: contracts
            moved = factors.log_factor[factors.log_factor != 0]
            sd = float(np.std(moved)) if len(moved) else 0.0
            row.append(f"{as_of:%d %b} tau2 {factors.tau2:.3f} sd(log factor) {sd:.2f}")
        print("  |  ".join(row), flush=True)


def speed(variants: list[str], repeats: int = 7) -> None:
    """CPU (process time) and wall seconds of every level of both lines on demo seed 2562 as of 31 May, caches
    cleared, the variants alternating in one process (best and median of `repeats` runs each)."""
    import time

    from budget_metrics.filters import Filters
    from budget_metrics.projection import area_projection

    os.environ["BUDGET_DB"] = str(B.build_seed(2562))
    filters = Filters(2562, as_of=date(2019, 5, 31))

    def run() -> tuple[float, float]:
        cpu, wall = time.process_time(), time.perf_counter()
        for line in ("overall", "investment"):
            for level in ("province", "cluster", "region", "budget_type", "nation"):
                area_projection(filters, level, line)
        return time.process_time() - cpu, time.perf_counter() - wall

    _with(variants[0], run)  # warm the reference caches
    times: dict[str, list[tuple[float, float]]] = {label: [] for label in variants}
    for _ in range(repeats):
        for label in variants:
            times[label].append(_with(label, run))
    for label, runs in times.items():
        cpu, wall = sorted(r[0] for r in runs), sorted(r[1] for r in runs)
        middle = len(runs) // 2
        print(
            f"{label}: CPU best {cpu[0]:.3f} s, median {cpu[middle]:.3f} s; wall best {wall[0]:.3f} s, median "
            f"{wall[middle]:.3f} s"
        )


def shape(only: list[str] | None) -> None:
    """Per year: the share of the plan's own payments by its end made by each tenth of its time (contracts, read
    on 31 Aug from the fitted hazards of the kept model: the curve the prior's shape stands for), and the exponent
    a of x ** a that fits it best (least squares on the tenths)."""
    from budget_metrics import payment_timing as T
    from budget_metrics.filters import Filters
    from budget_metrics.projection import project_projection

    grid = np.arange(1, T.PLAN_STEPS + 1) / T.PLAN_STEPS
    exponents = np.arange(0.5, 4.01, 0.05)
    for name, db in _years(only).items():
        os.environ["BUDGET_DB"] = str(db)
        captured = []
        original = T.fit_hazards

        def capture(*args, **kwargs):
            hazards = original(*args, **kwargs)
            captured.append(hazards)
            return hazards

        T.fit_hazards = capture
        try:
            with_settings([], lambda: project_projection(Filters(2562, as_of=date(2019, 8, 31))))
        finally:
            T.fit_hazards = original
        hazard = captured[0].hazard[: T.PLAN_STEPS]  # the first fit of the as-of date: contracts
        paid = 1 - np.cumprod(1 - hazard)
        curve = paid / paid[-1]
        errors = [float(((grid**a - curve) ** 2).sum()) for a in exponents]
        best = float(exponents[int(np.argmin(errors))])
        print(f"{name:28s} by end {paid[-1]:.2f}  a {best:.2f}  " + " ".join(f"{v:.2f}" for v in curve), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("study", choices=("provinces", "signing", "shape", "basis", "spread", "speed"))
    parser.add_argument("--only", nargs="*")
    parser.add_argument("--variant", nargs="*", default=["kept", "round 7"])
    parser.add_argument("--hold-out-8", action="store_true", help="the round-8 hold-outs (after their scoring)")
    args = parser.parse_args()
    if args.study == "shape":
        shape(args.only)
    elif args.study == "speed":
        speed(args.variant)
    else:
        {"provinces": provinces, "signing": signing, "basis": basis, "spread": spread}[args.study](
            args.only, args.variant, args.hold_out_8
        )


if __name__ == "__main__":
    main()
