"""The study behind round 15 of issue 17 (docs/projection.md, "Round 15 of issue 17"): round 14's signed-only floor on
the seen-steps reading's weight (the late acts' on-plan contracts) studied together with a signing rate that sees a
wave still rising (the unsigned projects' signing, read too low early in a wave). On the seen years built by
bench/backtest_projection.py into bench/out/backtest/ (`projection_study.seen_before(15)`: the 3 demo seeds and the
generated years of rounds 1-14):

    .venv/bin/python bench/projection_round15_study.py signing [--only NAME ...]
        # per year and date: the unsigned share of the investment allocation, the signing rates of the last 14 / 21 /
        # 30 / 42 / 61 days, the rate the model uses, whether the rising rule fires, and the chance of signing by
        # 30 Sep the model gives (kept, and under each rise cap) against the share of the unsigned projects that
        # signed by then (count and value) — the year-dates the rising rule can touch
    .venv/bin/python bench/projection_round15_study.py provinces [--only NAME ...] [--variant NAME ...]
        # provinces' median / p90 / bias / coverage and clusters' coverage on 31 Mar, 31 May, 31 Jul per variant
        # (round 13's measure; one line per year-date, written to bench/out/round15_<study>.txt as well)
    .venv/bin/python bench/projection_round15_study.py basis [--only NAME ...] [--variant NAME ...]
        # the provinces' bias per basis (paid / on plan / overdue / no contract / allocation changes) per variant
    .venv/bin/python bench/projection_round15_study.py payable [--only NAME ...] [--dates NAME@YYYY-MM-DD ...]
        # the lead left open: of the investment projects unsigned on the as-of date that signed by 30 Sep, the share
        # of their contracts paid by then against what the model expects a contract signed later to pay
        # (ModelRates.signing_payable), and the contract length it gives them against theirs
    .venv/bin/python bench/projection_round15_study.py code-speed --revision b641f7d
        # the whole national projection on demo seed 2562, projection.py at the revision and now, alternating
    --hold-out-15: the round-15 hold-outs instead (report only, after their scoring)

A study script: it patches model settings in memory to compare them; nothing it prints is a setting. It calls round
13's measures (projection_round13_study._metrics, basis_lines, code_speed). Neither candidate was adopted
(docs/projection.md, "Round 15 of issue 17") and their settings were removed from the model after the study: every
variant, "kept" included, runs budget_metrics/projection.py as it was at STUDY_REVISION (imported from git), where the
settings exist at neutral values ("kept": both off, the model on main, checked by round 13's `hash`).
"""

from __future__ import annotations

import argparse
import math
import os
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
import projection_round13_study as R13  # noqa: E402
from projection_study import seen_before, study_years, with_settings  # noqa: E402

SEEN = seen_before(15)
DATES = R13.DATES
RISE_CAPS = (1.0, 1.5, 2.0)
FLOORS = (0.25, 0.5)

# (payment_timing settings, projection settings) per variant; "kept" is the committed model.
VARIANTS: dict[str, tuple[dict, dict]] = {
    "kept": ({}, {}),
    # Round 14's signed-only floor alone (the late acts' on-plan rows).
    **{f"floor {f}": ({"SIGNED_SEEN_FLOOR": f}, {}) for f in FLOORS},
    # The rising signing rate alone: cap 1 holds the recent rate; 1.5 / 2 let it rise by the recent / window ratio
    # every SIGNING_RISE_STEP_DAYS up to that many times the recent rate.
    **{f"rise {c}": ({}, {"SIGNING_RISE_CAP": c}) for c in RISE_CAPS},
    # After the choice and the hold-outs' scoring, a pointer for the next round (not a candidate of this one): round 6's
    # honest prior completion (the plan paid 70% by its end where its steps are unseen), alone and with the recent
    # signing rate held — what a contract signed later is expected to pay is what the rising rule unmasked (`payable`).
    "prior 0.7": ({"PRIOR_PLAN_COMPLETION": 0.7}, {}),
    "rise 1.0 + prior 0.7": ({"PRIOR_PLAN_COMPLETION": 0.7}, {"SIGNING_RISE_CAP": 1.0}),
    # ... the two together (the brief's candidate).
    **{f"rise {c} + floor {f}": ({"SIGNED_SEEN_FLOOR": f}, {"SIGNING_RISE_CAP": c}) for c in RISE_CAPS for f in FLOORS},
}


def hold_out(which: int | None) -> tuple | None:
    import synthetic_years

    if which is None:
        return None
    return tuple(getattr(synthetic_years, f"HOLD_OUT_ROUND_{which}"))


def _years(only: list[str] | None, which: int | None):
    return study_years(SEEN, hold_out(which), only)


STUDY_REVISION = "5f0d50e"  # where the candidates' settings exist (at neutral values)
_STUDIED: list = []


def _studied_module():
    """budget_metrics/projection.py at STUDY_REVISION (imported once), with the payment_timing setting it reads."""
    import backtest_projection as B

    from budget_metrics import payment_timing as T

    if not _STUDIED:
        _STUDIED.append(B._module_at(STUDY_REVISION))
        T.SIGNED_SEEN_FLOOR = 0.0
    return _STUDIED[0]


def _with(variant: str, call):
    """call() with the variant's settings, the projection of STUDY_REVISION standing in for budget_metrics.projection's
    public functions while it runs (round 14's way: projection_round14_study._with)."""
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
    with (ROOT / "bench" / "out" / f"round15_{study}.txt").open("a") as handle:
        handle.write(line + "\n")


def signing(only: list[str] | None, which: int | None) -> None:
    """Per year and date: what the year shows of its signing by the as-of date, the model's chance of signing by 30
    Sep (kept and per rise cap) and what happened (the stores hold the whole year)."""
    import pandas as pd

    from budget_metrics.calendar import fiscal_year_bounds

    P = _studied_module()

    start, end = fiscal_year_bounds(2562)
    for name, db in _years(only, which).items():
        os.environ["BUDGET_DB"] = str(db)
        final, _ = P._history(2562, end)
        signed_at = dict(zip(final["project_code"], pd.to_datetime(final["contract_date"]), strict=True))
        for as_of in DATES:
            frame, _ = P._history(2562, as_of)
            today, left = (as_of - start).days, (end - as_of).days
            investment = (frame["budget_type"] == "investment").to_numpy()
            with_contract = investment & frame["contract_signed"].to_numpy(bool)
            day = (pd.to_datetime(frame["contract_date"]) - pd.Timestamp(start)).dt.days.to_numpy(float)
            allocation = frame["current_allocation"].to_numpy(float)
            unsigned = investment & ~with_contract
            share = float(allocation[unsigned].sum() / max(allocation[investment].sum(), 1.0))

            def window(days: int) -> float:
                then = investment & ~(with_contract & (np.isnan(day) | (day <= today - days)))
                signed = int((then & with_contract).sum())
                return -math.log(1 - min(signed / max(int(then.sum()), 1), 0.99)) / days

            chances = []
            for cap in (0.0, *RISE_CAPS):
                rate = with_settings(
                    [(P, {"SIGNING_RISE_CAP": cap})],
                    lambda: P._signing_rate(day, with_contract, investment, today, allocation),
                )
                chances.append(float(P._signed_by(rate.daily, float(left), rate.growth, rate.cap)))
            rises = rate.growth > 1.0
            codes = frame["project_code"][unsigned]
            later = np.array([not pd.isna(signed_at.get(code)) for code in codes], dtype=bool)
            value = allocation[unsigned]
            actual = float(later.mean()) if len(later) else float("nan")
            actual_value = float(value[later].sum() / value.sum()) if value.sum() > 0 else float("nan")
            rates = " ".join(f"{days}d {1000 * window(days):5.2f}" for days in (14, 21, 30, 42, 61))
            kept = " ".join(f"{c:.2f}" for c in chances)
            _write(
                "signing",
                f"{name:34s} {as_of} unsigned {share:.2f} rates/1000 {rates} rises {'yes' if rises else 'no '} "
                f"chance kept/rise {'/'.join(str(c) for c in RISE_CAPS)} {kept} actual {actual:.2f} "
                f"(value {actual_value:.2f})",
            )


def payable(only: list[str] | None, which: int | None, dates: list[str] | None = None) -> None:
    """Per year and date (the model on main): of the investment projects unsigned on the as-of date that signed by 30
    Sep, what share of their contracts was paid by then (value-weighted) against the model's expected share paid of a
    contract signed after the as-of date (ModelRates.signing_payable), and their median contract length (planned end
    - signing, days) against the model's (ModelRates.contract_days)."""
    import duckdb
    import pandas as pd

    from budget_metrics.calendar import fiscal_year_bounds
    from budget_metrics.filters import Filters

    P = _studied_module()
    start, end = fiscal_year_bounds(2562)
    for name, db in _years(only, which).items():
        os.environ["BUDGET_DB"] = str(db)
        final, _ = P._history(2562, end)
        con = duckdb.connect(str(db), read_only=True)
        paid = dict(
            con.execute(
                """SELECT project_code, sum(amount)::DOUBLE FROM disbursements
                   WHERE source = 'current' AND posting_date <= DATE '2019-09-30' GROUP BY 1"""
            ).fetchall()
        )
        con.close()
        final = final[(final["budget_type"] == "investment") & final["contract_signed"].astype(bool)]
        signed_on = pd.to_datetime(final["contract_date"])
        for as_of in DATES:
            if dates and f"{name}@{as_of}" not in dates:
                continue
            later = final[(signed_on > pd.Timestamp(as_of)).to_numpy()]
            if later.empty:
                continue
            rates = with_settings([], lambda as_of=as_of: P.model_rates(Filters(2562, as_of=as_of)))
            contract = later["contract_amount"].to_numpy(float)
            share = float(later["project_code"].map(paid).fillna(0.0).sum() / contract.sum())
            lengths = (pd.to_datetime(later["planned_end"]) - pd.to_datetime(later["contract_date"])).dt.days
            _write(
                "payable",
                f"{name:34s} {as_of} signed later {len(later):4d} paid by 30 Sep {share:.2f} model "
                f"{rates.signing_payable:.2f} | length median {float(lengths.median()):5.0f} model "
                f"{rates.contract_days:5.0f} days",
            )


def provinces(only: list[str] | None, variants: list[str], which: int | None, dates: list[str] | None = None) -> None:
    """Per year and date: provinces' median abs error, p90, bias, coverage and clusters' coverage per variant.
    `dates` (NAME@YYYY-MM-DD): only those year-dates (a variant changes nothing where its rule does not fire)."""
    for name, db in _years(only, which).items():
        os.environ["BUDGET_DB"] = str(db)
        for as_of in DATES:
            if dates and f"{name}@{as_of}" not in dates:
                continue
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
    parser.add_argument("study", choices=("signing", "provinces", "basis", "payable", "code-speed"))
    parser.add_argument("--only", nargs="*")
    parser.add_argument("--variant", nargs="*", default=["kept"])
    parser.add_argument("--revision", default="b641f7d", help="code-speed: the projection.py to time against")
    parser.add_argument("--dates", nargs="*", help="provinces: only these year-dates (NAME@YYYY-MM-DD)")
    parser.add_argument("--hold-out-15", action="store_true", help="the round-15 hold-outs (after their scoring)")
    args = parser.parse_args()
    which = 15 if args.hold_out_15 else None
    if args.study == "code-speed":
        R13.code_speed(args.revision)
    elif args.study == "signing":
        signing(args.only, which)
    elif args.study == "payable":
        payable(args.only, which, args.dates)
    elif args.study == "provinces":
        provinces(args.only, args.variant, which, args.dates)
    else:
        basis(args.only, args.variant, which)


if __name__ == "__main__":
    main()
