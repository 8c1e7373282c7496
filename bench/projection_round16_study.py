"""The study behind round 16 of issue 17 (docs/projection.md, "Round 16 of issue 17"): what a contract not yet signed
is expected to pay by 30 Sep, read apart from the signed contracts (`projection.UNSIGNED_PAYABLE_POWER`: the recently
signed contracts' share paid so far against what the contract hazards expected of them scales the unsigned projects'
payments after signing), together with round 15's signing rate that sees a wave still rising
(`projection.SIGNING_RISE_CAP`) and optionally round 14's signed-only floor (`payment_timing.SIGNED_SEEN_FLOOR`). On
the seen years built by bench/backtest_projection.py into bench/out/backtest/ (`projection_study.seen_before(16)`:
the 3 demo seeds and the generated years of rounds 1-15):

    .venv/bin/python bench/projection_round16_study.py where [--only NAME ...]
        # per year and date: the unsigned share of the investment allocation and the factor the candidate gives
        # (1 where it does not fire) — the year-dates it can touch (written to bench/out/round16_where.txt)
    .venv/bin/python bench/projection_round16_study.py payable [--dates NAME@YYYY-MM-DD ...] [--variant NAME ...]
        # round 15's `payable` per variant: of the projects unsigned on the as-of date that signed by 30 Sep, the
        # share of their contracts paid by then against what the model expects a contract signed later to pay
    .venv/bin/python bench/projection_round16_study.py provinces [--dates ...] [--variant NAME ...]
        # provinces' median / p90 / bias / coverage and clusters' coverage per variant (round 13's measure)
    .venv/bin/python bench/projection_round16_study.py basis [--only NAME ...] [--variant NAME ...]
        # the provinces' bias per basis (paid / on plan / overdue / no contract / allocation changes) per variant
    .venv/bin/python bench/projection_round16_study.py code-speed --revision b641f7d
        # the whole national projection on demo seed 2562, projection.py at the revision and now, alternating
    --hold-out-16: the round-16 hold-outs instead (report only, after their scoring)

A study script: it patches model settings in memory to compare them; nothing it prints is a setting. It calls round
13's measures (projection_round13_study._metrics, basis_lines, code_speed) and round 15's `payable`. Every variant runs
budget_metrics/projection.py as it was at STUDY_REVISION (imported from git; None: the working tree), where the
candidates' settings exist at neutral values ("kept": all off, the model on main).
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
import projection_round15_study as R15  # noqa: E402
from projection_study import seen_before, study_years, with_settings  # noqa: E402

SEEN = seen_before(16)
DATES = R13.DATES
POWERS = (1.0, 0.5)

# (payment_timing settings, projection settings) per variant; "kept" is the committed model.
VARIANTS: dict[str, tuple[dict, dict]] = {
    "kept": ({}, {}),
    "rise 1.0": ({}, {"SIGNING_RISE_CAP": 1.0}),
    **{f"payable {p}": ({}, {"UNSIGNED_PAYABLE_POWER": p}) for p in POWERS},
    **{f"rise 1.0 + payable {p}": ({}, {"SIGNING_RISE_CAP": 1.0, "UNSIGNED_PAYABLE_POWER": p}) for p in POWERS},
    # ... read on every contract of the year at least 6 tenths into its plan (advances weigh less) instead of the
    # signing window's contracts.
    "payable 1.0 step 6": ({}, {"UNSIGNED_PAYABLE_POWER": 1.0, "UNSIGNED_PAYABLE_MIN_STEP": 6.0}),
    "rise 1.0 + payable 1.0 step 6": (
        {},
        {"SIGNING_RISE_CAP": 1.0, "UNSIGNED_PAYABLE_POWER": 1.0, "UNSIGNED_PAYABLE_MIN_STEP": 6.0},
    ),
    "rise 1.0 + payable 1.0 step 6 + floor 0.25": (
        {"SIGNED_SEEN_FLOOR": 0.25},
        {"SIGNING_RISE_CAP": 1.0, "UNSIGNED_PAYABLE_POWER": 1.0, "UNSIGNED_PAYABLE_MIN_STEP": 6.0},
    ),
    **{
        f"rise 1.0 + payable {p} + floor 0.25": (
            {"SIGNED_SEEN_FLOOR": 0.25},
            {"SIGNING_RISE_CAP": 1.0, "UNSIGNED_PAYABLE_POWER": p},
        )
        for p in POWERS
    },
}

# where the candidates' settings exist (at neutral values); None: the working tree
STUDY_REVISION: str | None = "30db163"
_STUDIED: list = []


def _studied_module():
    """budget_metrics/projection.py at STUDY_REVISION (imported once; the working tree's when None)."""
    import backtest_projection as B

    from budget_metrics import payment_timing as T
    from budget_metrics import projection as P

    if not _STUDIED:
        if STUDY_REVISION is None:
            _STUDIED.append(P)
        else:
            _STUDIED.append(B._module_at(STUDY_REVISION))
            T.SIGNED_SEEN_FLOOR = 0.0
    return _STUDIED[0]


def _with(variant: str, call):
    """call() with the variant's settings, the studied projection standing in for budget_metrics.projection's public
    functions while it runs (round 15's way: projection_round15_study._with)."""
    from budget_metrics import payment_timing as T
    from budget_metrics import projection as P

    module = _studied_module()
    names = ("area_projection", "project_projection", "model_rates")
    saved = {name: getattr(P, name) for name in names}
    for name in names:
        setattr(P, name, getattr(module, name))
    module._cached_model.cache_clear()
    timing_settings, projection_settings = VARIANTS[variant]
    try:
        return with_settings([(T, timing_settings), (module, projection_settings)], call)
    finally:
        module._cached_model.cache_clear()
        for name, value in saved.items():
            setattr(P, name, value)


def _write(study: str, line: str) -> None:
    print(line, flush=True)
    with (ROOT / "bench" / "out" / f"round16_{study}.txt").open("a") as handle:
        handle.write(line + "\n")


def _years(only: list[str] | None, which: int | None):
    return study_years(SEEN, R15.hold_out(which), only)


def where(only: list[str] | None, which: int | None) -> None:
    """Per year and date: the unsigned share of the investment allocation and the candidate's factor."""
    from budget_metrics.filters import Filters

    P = _studied_module()
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
                off = _with("kept", lambda as_of=as_of: P.model_rates(Filters(2562, as_of=as_of)))
                on = _with("payable 1.0", lambda as_of=as_of: P.model_rates(Filters(2562, as_of=as_of)))
                factor = on.signing_payable / off.signing_payable if off.signing_payable > 0 else 1.0
                line += f" payable kept {off.signing_payable:.2f} factor {factor:.2f} fires {name}@{as_of}"
            _write("where", line)


def payable(only: list[str] | None, variants: list[str], which: int | None, dates: list[str] | None) -> None:
    """Round 15's `payable` under each variant (its lines prefixed by the variant)."""
    module = _studied_module()
    saved = R15._studied_module, R15._write, R15.SEEN
    for label in variants:
        R15._studied_module, R15.SEEN = (lambda: module), SEEN
        R15._write = lambda study, line, label=label: _write(study, f"{label:34s} {line}")
        try:
            _with(label, lambda: R15.payable(only, which, dates))
        finally:
            R15._studied_module, R15._write, R15.SEEN = saved


def provinces(only: list[str] | None, variants: list[str], which: int | None, dates: list[str] | None) -> None:
    """Per year and date: provinces' median abs error, p90, bias, coverage and clusters' coverage per variant.
    `dates` (NAME@YYYY-MM-DD): only those year-dates (a variant changes nothing where its rules do not fire)."""
    for name, db in _years(only, which).items():
        os.environ["BUDGET_DB"] = str(db)
        for as_of in DATES:
            if dates and f"{name}@{as_of}" not in dates:
                continue
            row = [f"{name:34s} {as_of}"]
            for label in variants:
                row.append(province_part(label, _with(label, lambda as_of=as_of: R13._metrics(as_of))))
            _write("provinces", "  |  ".join(row))


def province_part(label: str, figures: tuple[float, float, float, float, float]) -> str:
    """One variant's part of a `provinces` line: median, p90, bias, coverage and clusters' coverage (R13._metrics)."""
    median, p90, bias, coverage, clusters = figures
    return f"{label}: {median:4.1f} {p90:5.1f} {bias:+5.1f} {coverage:4.0%} cl {clusters:4.0%}"


def basis(only: list[str] | None, variants: list[str], which: int | None) -> None:
    """Per year and date: the provinces' bias per basis per variant (round 13's lines, this round's variants)."""
    for line in R13.basis_lines(_years(only, which), variants, _with):
        _write("basis", line)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("study", choices=("where", "provinces", "basis", "payable", "code-speed"))
    parser.add_argument("--only", nargs="*")
    parser.add_argument("--variant", nargs="*", default=["kept"])
    parser.add_argument("--revision", default="b641f7d", help="code-speed: the projection.py to time against")
    parser.add_argument("--dates", nargs="*", help="only these year-dates (NAME@YYYY-MM-DD)")
    parser.add_argument("--hold-out-16", action="store_true", help="the round-16 hold-outs (after their scoring)")
    args = parser.parse_args()
    which = 16 if args.hold_out_16 else None
    if args.study == "code-speed":
        R13.code_speed(args.revision)
    elif args.study == "where":
        where(args.only, which)
    elif args.study == "payable":
        payable(args.only, args.variant, which, args.dates)
    elif args.study == "provinces":
        provinces(args.only, args.variant, which, args.dates)
    else:
        basis(args.only, args.variant, which)


if __name__ == "__main__":
    main()


def study_cli(
    doc: str,
    extra: dict,
    seen: tuple,
    variants: dict,
    revision: str | None,
    write,
    default_revision: str = "b641f7d",
) -> None:
    """The command line a later round's study shares with this one: this module's `payable`, `provinces`, `basis`
    and round 13's `code-speed`, run with that round's seen years, variants, studied revision and output (`write`),
    and the round's own studies (`extra`: name -> function of (only, which), of (only, variants, which) or of
    nothing)."""
    import inspect

    global VARIANTS, STUDY_REVISION, SEEN, _write
    VARIANTS, STUDY_REVISION, SEEN, _write = variants, revision, seen, write
    parser = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("study", choices=(*extra, "provinces", "basis", "payable", "code-speed"))
    parser.add_argument("--only", nargs="*")
    parser.add_argument("--variant", nargs="*", default=["kept"])
    parser.add_argument("--revision", default=default_revision, help="code-speed: the projection.py to time against")
    parser.add_argument("--dates", nargs="*", help="only these year-dates (NAME@YYYY-MM-DD)")
    parser.add_argument("--hold-out", type=int, help="the hold-outs of this round (report only, after their scoring)")
    args = parser.parse_args()
    which = args.hold_out
    if args.study in extra:
        call = extra[args.study]
        parameters = inspect.signature(call).parameters
        if "variants" in parameters:
            call(args.only, args.variant, which)
        else:
            call(args.only, which) if parameters else call()
    elif args.study == "code-speed":
        R13.code_speed(args.revision)
    elif args.study == "payable":
        payable(args.only, args.variant, which, args.dates)
    elif args.study == "provinces":
        provinces(args.only, args.variant, which, args.dates)
    else:
        basis(args.only, args.variant, which)
