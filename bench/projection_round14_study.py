"""The study behind round 14 of issue 17 (docs/projection.md, "Round 14 of issue 17"): an on-plan-only correction for
the late acts (the signed contracts read the seen steps at a floored weight, the unsigned projects do not), and a
wider band while signing has stopped on the as-of date. On the seen years built by bench/backtest_projection.py into
bench/out/backtest/ (`projection_study.seen_before(14)`: the 3 demo seeds and the generated years of rounds 1-13):

    .venv/bin/python bench/projection_round14_study.py where [--only NAME ...]
        # per year and date: the mixture's weight r where the two readings of the seen steps differ, the unsigned share
        # of the investment allocation, and whether signing has stopped (the year-dates a variant can change)
    .venv/bin/python bench/projection_round14_study.py provinces [--only NAME ...] [--variant NAME ...]
        # provinces' median / p90 / bias / coverage and clusters' coverage on 31 Mar, 31 May, 31 Jul per variant
        # (one line per year-date, written to bench/out/round14_<study>.txt as well)
    .venv/bin/python bench/projection_round14_study.py basis [--only NAME ...] [--variant NAME ...]
        # the provinces' bias per basis (paid / on plan / overdue / no contract / allocation changes) per variant
    .venv/bin/python bench/projection_round14_study.py hash [--only NAME ...]
        # round 13's digests of the provinces', clusters', projects' and path's figures (must not move when off)
    .venv/bin/python bench/projection_round14_study.py code-speed --revision 393a5f1
        # the whole national projection on demo seed 2562, projection.py at the revision and now, alternating
    --hold-out-13 / --hold-out-14: those hold-outs instead (13: seen from round 14 on; 14: report only, after scoring)

A study script: it patches model settings in memory to compare them; nothing it prints is a setting. Neither
candidate was adopted (docs/projection.md, "Round 14 of issue 17"), and their settings were removed from the model
after the study: the variants other than "kept" run budget_metrics/projection.py as it was at 368c579 (imported from
git), where the settings exist at neutral values.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
import backtest_projection as B  # noqa: E402
import projection_round13_study as R13  # noqa: E402
from projection_study import seen_before, study_years, with_settings  # noqa: E402

SEEN = seen_before(14)
DATES = R13.DATES

# (payment_timing settings, projection settings) per variant; "kept" is the committed model.
VARIANTS: dict[str, tuple[dict, dict]] = {
    "kept": ({}, {}),
    # 1. The late acts' on-plan optimism: the signed contracts' weight of the seen-steps reading at least this much
    # wherever the readings differ; the unsigned projects keep round 11's weight.
    **{f"signed floor {f}": ({"SIGNED_SEEN_FLOOR": f}, {}) for f in (0.25, 0.5)},
    # ... only where less than a third of the investment allocation is unsigned (nothing left for the on-plan
    # optimism to offset: round 6's unmasking needs a large unsigned part).
    **{
        f"signed floor {f} little unsigned": ({"SIGNED_SEEN_FLOOR": f, "SIGNED_FLOOR_UNSIGNED_SHARE": 1 / 3}, {})
        for f in (0.25, 0.5)
    },
    # 2. While signing has stopped on the as-of date, the unsigned projects' payments move together (variance per
    # unit of them squared).
    **{f"freeze band {v}": ({}, {"FREEZE_BAND_VARIANCE": v}) for v in (0.25, 1.0)},
}


def hold_out(which: int | None) -> tuple | None:
    import synthetic_years

    if which is None:
        return None
    return tuple(getattr(synthetic_years, f"HOLD_OUT_ROUND_{which}"))


def _years(only: list[str] | None, which: int | None):
    return study_years(SEEN, hold_out(which), only)


STUDY_REVISION = "368c579"  # where the candidates' settings exist (at neutral values)
_STUDIED: list = []


def _studied_module():
    """budget_metrics/projection.py at STUDY_REVISION (imported once), with the payment_timing settings it reads."""
    from budget_metrics import payment_timing as T

    if not _STUDIED:
        _STUDIED.append(B._module_at(STUDY_REVISION))
        T.SIGNED_SEEN_FLOOR, T.SIGNED_FLOOR_UNSIGNED_SHARE = 0.0, 1.0
    return _STUDIED[0]


def _with(variant: str, call):
    """call() with the variant's settings; the variants other than "kept" run the projection of STUDY_REVISION (its
    functions stand in for budget_metrics.projection's while the call runs)."""
    from budget_metrics import payment_timing as T
    from budget_metrics import projection as P

    if variant == "kept":
        return with_settings([], call)
    module = _studied_module()
    names = ("area_projection", "project_projection", "model_rates", "_signing_stopped")
    saved = {name: getattr(P, name, None) for name in names}
    for name in names:
        setattr(P, name, getattr(module, name))
    module._cached_model.cache_clear()
    try:
        return with_settings([(T, VARIANTS[variant][0]), (module, VARIANTS[variant][1])], call)
    finally:
        module._cached_model.cache_clear()
        for name, value in saved.items():
            if value is None:
                delattr(P, name)
            else:
                setattr(P, name, value)


def _write(study: str, line: str) -> None:
    print(line, flush=True)
    with (ROOT / "bench" / "out" / f"round14_{study}.txt").open("a") as handle:
        handle.write(line + "\n")


def where(only: list[str] | None, which: int | None) -> None:
    """Per year and date: the mixture's weight where the readings differ, the unsigned investment share and whether
    signing has stopped (`_signing_stopped` of the projection at STUDY_REVISION), from the model's own reading."""
    import numpy as np

    from budget_metrics import payment_timing as T
    from budget_metrics.filters import Filters

    P = _studied_module()
    for name, db in _years(only, which).items():
        os.environ["BUDGET_DB"] = str(db)
        for as_of in DATES:
            captured, stopped = [], []
            original_fit, original_stop = T.fit_hazards, P._signing_stopped

            def fit(*args, **kwargs):
                captured.append(original_fit(*args, **kwargs))
                return captured[-1]

            def stop(*args):
                stopped.append(original_stop(*args))
                return stopped[-1]

            T.fit_hazards, P._signing_stopped = fit, stop
            try:
                P._cached_model.cache_clear()
                with_settings(
                    [(P, {"FREEZE_BAND_VARIANCE": 1e-12})],
                    lambda as_of=as_of: P.model_rates(Filters(2562, as_of=as_of)),
                )
                P._cached_model.cache_clear()
            finally:
                T.fit_hazards, P._signing_stopped = original_fit, original_stop
            frame, _ = P._history(2562, as_of)
            investment = (frame["budget_type"] == "investment").to_numpy()
            unsigned = investment & ~frame["contract_signed"].to_numpy(bool)
            allocation = frame["current_allocation"].to_numpy(float)
            share = float(allocation[unsigned].sum() / max(allocation[investment].sum(), 1.0))
            contract = captured[0]
            differ = "differ" if contract.other is not None else "agree"
            _write(
                "where",
                f"{name:34s} {as_of} readings {differ} r {contract.seen_weight:.2f} unsigned {share:.2f} "
                f"stopped {'yes' if stopped and stopped[0] else 'no'} lead {T.evidence_leading(contract.evidence)} "
                f"post {int(np.sum(contract.evidence[T.PLAN_STEPS :] >= T.HAZARD_PRIOR_BAHT))}",
            )


def provinces(only: list[str] | None, variants: list[str], which: int | None) -> None:
    """Per year and date: provinces' median abs error, p90, bias, coverage and clusters' coverage per variant."""
    for name, db in _years(only, which).items():
        os.environ["BUDGET_DB"] = str(db)
        for as_of in DATES:
            row = [f"{name:34s} {as_of}"]
            for label in variants:
                median, p90, bias, coverage, clusters = _with(label, lambda as_of=as_of: R13._metrics(as_of))
                row.append(f"{label}: {median:4.1f} {p90:5.1f} {bias:+5.1f} {coverage:4.0%} cl {clusters:4.0%}")
            _write("provinces", "  |  ".join(row))


def basis(only: list[str] | None, variants: list[str], which: int | None) -> None:
    """Per year and date: the provinces' bias per basis per variant (round 13's lines, this round's variants)."""
    for line in R13.basis_lines(_years(only, which), variants, _with):
        _write("basis", line)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("study", choices=("where", "provinces", "basis", "hash", "code-speed"))
    parser.add_argument("--only", nargs="*")
    parser.add_argument("--variant", nargs="*", default=["kept"])
    parser.add_argument("--revision", default="393a5f1", help="code-speed: the projection.py to time against")
    parser.add_argument("--hold-out-13", action="store_true", help="the round-13 hold-outs (seen from round 14 on)")
    parser.add_argument("--hold-out-14", action="store_true", help="the round-14 hold-outs (after their scoring)")
    args = parser.parse_args()
    which = 14 if args.hold_out_14 else 13 if args.hold_out_13 else None
    if args.study == "hash":
        R13.hash_check(args.only, None)
    elif args.study == "code-speed":
        R13.code_speed(args.revision)
    elif args.study == "where":
        where(args.only, which)
    else:
        {"provinces": provinces, "basis": basis}[args.study](args.only, args.variant, which)


if __name__ == "__main__":
    main()
