"""The study behind round 9 of issue 17 (docs/projection.md, "Round 9 of issue 17"): round 7's prior read from the
seen steps with round 8's back-loaded plan shape (the lead candidate of round 8), and a gate on it read from the
year's own contracts: how many of the contracts that have passed the middle of their plan have been paid anything
(an advance or a first instalment after an accepted milestone). On the seen years built by
bench/backtest_projection.py into bench/out/backtest/ (the 3 demo seeds, the 30 generated years of rounds 1-8 and
the pace-break hold-outs 94-96):

    .venv/bin/python bench/projection_round9_study.py provinces [--only NAME ...] [--variant NAME ...]
        # provinces' median / p90 / bias / coverage on 31 Mar, 31 May and 31 Jul per variant
    .venv/bin/python bench/projection_round9_study.py basis [--only NAME ...] [--variant NAME ...]
        # the provinces' bias per basis (paid / on plan / overdue / no contract / allocation changes) per variant
    .venv/bin/python bench/projection_round9_study.py drivers --only NAME --variant A B [--date 2019-05-31]
        # the projects whose projection moves most between two variants (baht), with their plan and payments
    .venv/bin/python bench/projection_round9_study.py speed --variant kept NAME
        # CPU and wall seconds of every level of both lines on demo seed 2562, 31 May, the variants alternating
    --hold-out-9: the round-9 hold-outs instead, report only, after they were scored once

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
import projection_round8_study as R8  # noqa: E402
from projection_round3_study import _province_metrics  # noqa: E402
from projection_study import seen_before, study_years, with_settings  # noqa: E402

SEEN = seen_before(9)
HOLD_OUT_ROUND_9 = B.HOLD_OUT_ROUND_9
DATES = R8.DATES

# Round 8's lead candidate: the seen-steps prior (5 tenths, floor 0.6) on the back-loaded shape 1.5, ungated.
CANDIDATE = {
    "PRIOR_SEEN_STEPS": 5,
    "PRIOR_SEEN_FLOOR": 0.6,
    "PRIOR_PLAN_SHAPE": 1.5,
    "PRIOR_SEEN_GATE": 0.0,
    "PRIOR_SEEN_CONTRACTS_ONLY": False,
}
# Variants of settings since removed from the model were dropped (PRIOR_SEEN_WEIGH: "seen weigh G");
# they run from commit e09ef55.
# (payment_timing settings, projection settings) per variant; "kept" is the committed model (since the round-9 choice
# the same as "seen gate 0.7 contracts shape 1.3"); "round 8" the model before it. Every other variant names every
# setting of the seen-steps prior it uses, so its figures do not depend on the committed defaults.
VARIANTS = {
    "kept": ({}, {}),
    # Round 8's model (the seen-steps prior off, the plan paid evenly): for the speed and the tables after the choice.
    "round 8": (
        {
            "PRIOR_SEEN_STEPS": 0,
            "PRIOR_SEEN_FLOOR": 0.05,
            "PRIOR_PLAN_SHAPE": 1.0,
            "PRIOR_SEEN_GATE": 0.0,
            "PRIOR_SEEN_CONTRACTS_ONLY": False,
        },
        {},
    ),
    "seen": (dict(CANDIDATE), {}),
    "seen floor 0.05": ({**CANDIDATE, "PRIOR_SEEN_FLOOR": 0.05}, {}),
    **{f"seen gate {g}": ({**CANDIDATE, "PRIOR_SEEN_GATE": g}, {}) for g in (0.2, 0.25, 0.3, 0.4, 0.5, 0.6, 0.9)},
    **{
        f"seen gate {g} contracts": ({**CANDIDATE, "PRIOR_SEEN_GATE": g, "PRIOR_SEEN_CONTRACTS_ONLY": True}, {})
        for g in (0.3, 0.5, 0.6, 0.7)
    },
    **{
        f"seen gate {g} contracts shape {a}": (
            {**CANDIDATE, "PRIOR_SEEN_GATE": g, "PRIOR_SEEN_CONTRACTS_ONLY": True, "PRIOR_PLAN_SHAPE": a},
            {},
        )
        for g in (0.7,)
        for a in (1.0, 1.3)
    },
}


def _years(only: list[str] | None = None, hold_out_9: bool = False) -> dict[str, Path]:
    """The seen years or the round-9 hold-outs (report only, after their scoring)."""
    return study_years(SEEN, HOLD_OUT_ROUND_9 if hold_out_9 else None, only)


def _with(variant: str, call):
    from budget_metrics import payment_timing as T
    from budget_metrics import projection as P

    return with_settings([(T, VARIANTS[variant][0]), (P, VARIANTS[variant][1])], call)


def provinces(only: list[str] | None, variants: list[str], hold_out_9: bool = False) -> None:
    """Per year and date: provinces' median abs error, p90, bias, coverage under each variant."""
    for name, db in _years(only, hold_out_9).items():
        os.environ["BUDGET_DB"] = str(db)
        for as_of in DATES:
            row = [f"{name:28s} {as_of}"]
            for label in variants:
                median, p90, bias, coverage = _with(label, lambda as_of=as_of: _province_metrics(as_of))
                row.append(f"{label}: {median:4.1f} {p90:5.1f} {bias:+5.1f} {coverage:4.0%}")
            print("  |  ".join(row), flush=True)


def basis(only: list[str] | None, variants: list[str], hold_out_9: bool = False) -> None:
    """Per year and date: the provinces' bias per basis under each variant (round 8's study, these variants)."""
    saved = B.MONTH_ENDS
    B.MONTH_ENDS = DATES
    try:
        for name, db in _years(only, hold_out_9).items():
            for label in variants:
                for row in _with(label, lambda db=db: B.basis_bias(db)):
                    parts = " / ".join(f"{row[key]:+.1f}" for key in (*B.BASES, "allocation"))
                    print(f"{name:28s} {row['as_of']}  {label}: {parts}", flush=True)
    finally:
        B.MONTH_ENDS = saved


def drivers(only: list[str] | None, variants: list[str], as_of: date, top: int = 15) -> None:
    """The province projects whose projection (baht) moves most from the first variant to the second on `as_of`,
    with their basis, plan, paid by the date and by 30 Sep (the truth)."""
    import duckdb

    from budget_metrics.filters import Filters
    from budget_metrics.projection import project_projection

    for name, db in _years(only).items():
        os.environ["BUDGET_DB"] = str(db)
        con = duckdb.connect(str(db), read_only=True)
        truth = dict(
            con.execute(
                "SELECT project_code, coalesce(sum(amount), 0) FROM disbursements WHERE source = 'current' "
                "AND posting_date <= DATE '2019-09-30' GROUP BY project_code"
            ).fetchall()
        )
        con.close()
        a, b = (_with(v, lambda: project_projection(Filters(2562, as_of=as_of))) for v in variants[:2])
        a = a[a["owner_type"] == "province"].set_index("project_code")
        b = b[b["owner_type"] == "province"].set_index("project_code")
        moved = (b["projected_disbursed"] - a["projected_disbursed"]).sort_values()
        a["truth"] = [float(truth.get(code, 0.0)) for code in a.index]
        print(f"{name} {as_of}: moved {moved.sum() / 1e6:+.1f} M baht over {len(moved)} province projects")
        for basis_name, group in a.assign(moved=moved).groupby("basis"):
            print(
                f"  {basis_name:12s} moved {group['moved'].sum() / 1e6:+8.1f} M  {variants[0]} err "
                f"{(group['projected_disbursed'] - group['truth']).sum() / 1e6:+8.1f} M  {variants[1]} err "
                f"{(group['projected_disbursed'] + group['moved'] - group['truth']).sum() / 1e6:+8.1f} M"
            )
        cols = ["basis", "current_allocation", "disbursed", "contract_amount", "projected_disbursed", "truth"]
        print(a.loc[moved.index[:top], cols].assign(moved=moved.iloc[:top]).to_string())


def evidence(only: list[str] | None, hold_out_9: bool = False) -> None:
    """Per year and date (contracts): the leading plan steps seen, the prior's share c they give (the candidate's
    reading) and the milestone share (payment_timing.milestone_share) the gate reads."""
    from budget_metrics import payment_timing as T
    from budget_metrics.filters import Filters
    from budget_metrics.projection import project_projection

    for name, db in _years(only, hold_out_9).items():
        os.environ["BUDGET_DB"] = str(db)
        row = [f"{name:28s}"]
        for as_of in DATES:
            captured = []
            original_share, original_seen = T.milestone_share, T._seen_completion

            def share(*args):
                captured.append(["m", original_share(*args)])
                return captured[-1][1]

            def seen(increment, evidence):
                # The ungated reading, read once per fit since round 13 (the gate is applied by the caller).
                lead = T.evidence_leading(evidence)
                captured[-1] += [lead, original_seen(increment, evidence)]
                return captured[-1][-1]

            T.milestone_share, T._seen_completion = share, seen
            try:
                _with("seen gate 0.9", lambda as_of=as_of: project_projection(Filters(2562, as_of=as_of)))
            finally:
                T.milestone_share, T._seen_completion = original_share, original_seen
            _, milestone, lead, c = captured[0]  # the first fit of the date: contracts
            text = "-" if milestone is None else f"{milestone:.2f}"
            row.append(f"{as_of:%d %b} lead {lead:2d} c {'-' if c is None else f'{c:.2f}'} milestone {text}")
        print("  |  ".join(row), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("study", choices=("provinces", "basis", "drivers", "evidence", "speed"))
    parser.add_argument("--only", nargs="*")
    parser.add_argument("--variant", nargs="*", default=["kept", "seen"])
    parser.add_argument("--date", default="2019-05-31")
    parser.add_argument("--hold-out-9", action="store_true", help="the round-9 hold-outs (after their scoring)")
    args = parser.parse_args()
    if args.study == "speed":
        R8.VARIANTS.update(VARIANTS)
        R8.speed(args.variant)
    elif args.study == "evidence":
        evidence(args.only, args.hold_out_9)
    elif args.study == "drivers":
        drivers(args.only, args.variant, date.fromisoformat(args.date))
    else:
        {"provinces": provinces, "basis": basis}[args.study](args.only, args.variant, args.hold_out_9)


if __name__ == "__main__":
    main()
