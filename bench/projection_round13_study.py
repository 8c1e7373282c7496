"""The study behind round 13 of issue 17 (docs/projection.md, "Round 13 of issue 17"): round 10's expected 30 Sep
allocation re-measured on top of round 11's mixture, the late acts' on-plan optimism, and a house check. On the seen
years built by bench/backtest_projection.py into bench/out/backtest/ (`projection_study.seen_before(13)`: the 3 demo
seeds and the generated years of rounds 1-12):

    .venv/bin/python bench/projection_round13_study.py hash [--only NAME ...] [--out FILE]
        # sha256 of the provinces' projections, bands and pace-break columns (and each project's, the clusters' and the
        # nation's path) on 3 stores x 3 dates: the same before and after a change that must not move the model
    .venv/bin/python bench/projection_round13_study.py provinces [--only NAME ...] [--variant NAME ...]
        # provinces' median / p90 / bias / coverage and clusters' coverage on 31 Mar, 31 May, 31 Jul per variant
        # (one line per year-date, written to bench/out/round13_<study>.txt as well)
    .venv/bin/python bench/projection_round13_study.py basis [--only NAME ...] [--variant NAME ...]
        # the provinces' bias per basis (paid / on plan / overdue / no contract / allocation changes) per variant
    .venv/bin/python bench/projection_round13_study.py onplan [--only NAME ...]
        # what the year shows of its on-plan contracts by the as-of date (the contract fit's leading seen tenths,
        # milestone share and mixture weight; the signed on-plan contracts' payments so far against the plan paid in
        # full, by time since signing), beside the national on-plan bias
    .venv/bin/python bench/projection_round13_study.py provinces --variant kept 'floor 0.25' 'floor 0.5'
        # the late acts' candidate: the seen-steps reading weighs at least 0.25 / 0.5 wherever the readings differ
    .venv/bin/python bench/projection_round13_study.py speed --variant kept NAME
        # CPU and wall seconds of every level of both lines on demo seed 2562, 31 May, the variants alternating
    .venv/bin/python bench/projection_round13_study.py code-speed --revision 6c7b930
        # the whole national projection on demo seed 2562, projection.py at the revision and now, alternating
    --hold-out-13: the round-13 hold-outs instead, report only, after they were scored once

A study script: it patches model settings in memory to compare them; nothing it prints is a setting. The `returns`
variants (round 10's estimate) ran at 6c7b930: round 13 removed the estimate from the model after measuring it.
"""

from __future__ import annotations

import argparse
import hashlib
import math
import os
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
import backtest_projection as B  # noqa: E402
import projection_round8_study as R8  # noqa: E402
from projection_study import seen_before, study_years, with_settings  # noqa: E402

SEEN = seen_before(13)
DATES = R8.DATES
# The stores and columns of the `hash` check: a demo year, a late year where the two readings of the seen steps are
# mixed (round 11), and a year with a cancellation order (round 10's returns).
HASH_STORES = ("demo2562", "late_act_long_advances:111", "ordinary_cancel_order_jul:143")
HASH_COLUMNS = (
    "projected_disbursed",
    "projected_pct",
    "projected_low_pct",
    "projected_high_pct",
    "projected_carryover",
    "projected_lapse",
    "pace_break",
    "pace_break_since",
    "pace_recent_weekly",
    "pace_expected_weekly",
    "pace_needed_weekly",
)
PROJECT_COLUMNS = ("basis", "chance_paid", "completion_rate", "projected_disbursed", "projected_pct")

# (payment_timing settings, projection settings) per variant; "kept" is the committed model. Every other variant names
# the settings it changes.
RETURNS = {
    "RETURN_FORECAST": True,
    "RETURN_WINDOW_DAYS": 61,
    "RETURN_CANCELLED_SHARE": 0.5,
    "RETURN_ORDER_SHARE": 0.25,
    "RETURN_ORDER_PROJECTS": 10,
    "RETURN_SAVINGS": True,
    "RETURN_SAVINGS_BY_AGE": False,
}


def _weight_floor(floor: float):
    """Round 11's weight of the seen-steps reading (payment_timing.seen_mix_weight), at least `floor` wherever the
    two readings differ (the weight is read only there): below the mixture's range the model does not know which
    reading holds either, and the plan paid in full was too high on plan in every such seen year-date."""
    from budget_metrics import payment_timing as T

    original = T.seen_mix_weight

    def weight(milestone: float | None) -> float:
        return max(original(milestone), floor)

    return weight


VARIANTS: dict[str, tuple[dict, dict]] = {
    "kept": ({}, {}),
    # The late acts' on-plan optimism: the seen-steps reading weighs at least this much where the readings differ.
    **{f"floor {f}": ({"seen_mix_weight": _weight_floor(f)}, {}) for f in (0.25, 0.5)},
    # Round 10's estimate (its variant (b), "orders"): cancellations with orders left out, and savings. Measured at
    # 6c7b930; round 13 removed the estimate from the model, so these two variants run at that commit only.
    "returns": ({}, dict(RETURNS)),
    # ... cancellations only (round 10's (c)).
    "returns cancelled only": ({}, {**RETURNS, "RETURN_SAVINGS": False}),
}


def hold_out_13() -> tuple:
    from synthetic_years import HOLD_OUT_ROUND_13

    return tuple(HOLD_OUT_ROUND_13)


def _years(only: list[str] | None, hold: bool):
    return study_years(SEEN, hold_out_13() if hold else None, only)


def _with(variant: str, call):
    from budget_metrics import payment_timing as T
    from budget_metrics import projection as P

    return with_settings([(T, VARIANTS[variant][0]), (P, VARIANTS[variant][1])], call)


def _digest(values) -> str:
    text = "|".join("nan" if isinstance(v, float) and math.isnan(v) else repr(v) for v in values)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def hash_check(only: list[str] | None, out: str | None) -> None:
    """One line per store and date: the digest of the provinces' columns (HASH_COLUMNS) and of every project's
    (PROJECT_COLUMNS), exact float reprs."""
    from budget_metrics.filters import Filters
    from budget_metrics.projection import area_projection, project_projection, projection_path

    lines = []
    years = study_years(SEEN, None, list(HASH_STORES))
    for name in HASH_STORES:
        if only and not any(part in name for part in only):
            continue
        os.environ["BUDGET_DB"] = str(years[name])
        for as_of in DATES:
            frame = with_settings([], lambda as_of=as_of: area_projection(Filters(2562, as_of=as_of), "province"))
            projects = project_projection(Filters(2562, as_of=as_of)).sort_values("project_code")
            clusters = area_projection(Filters(2562, as_of=as_of), "cluster")
            path = projection_path(Filters(2562, as_of=as_of))
            areas = _digest(v for column in HASH_COLUMNS for v in frame[column].tolist())
            each = _digest(v for column in PROJECT_COLUMNS for v in projects[column].tolist())
            more = _digest(
                [v for column in HASH_COLUMNS for v in clusters[column].tolist()]
                + [v for column in path.columns for v in path[column].tolist()]
            )
            lines.append(f"{name:32s} {as_of} provinces {areas} projects {each} clusters+path {more}")
            print(lines[-1], flush=True)
    if out:
        Path(out).write_text("\n".join(lines) + "\n")


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


def _write(study: str, line: str) -> None:
    print(line, flush=True)
    with (ROOT / "bench" / "out" / f"round13_{study}.txt").open("a") as handle:
        handle.write(line + "\n")


def provinces(only: list[str] | None, variants: list[str], hold: bool = False) -> None:
    """Per year and date: provinces' median abs error, p90, bias, coverage and clusters' coverage per variant."""
    for name, db in _years(only, hold).items():
        os.environ["BUDGET_DB"] = str(db)
        for as_of in DATES:
            row = [f"{name:34s} {as_of}"]
            for label in variants:
                median, p90, bias, coverage, clusters = _with(label, lambda as_of=as_of: _metrics(as_of))
                row.append(f"{label}: {median:4.1f} {p90:5.1f} {bias:+5.1f} {coverage:4.0%} cl {clusters:4.0%}")
            _write("provinces", "  |  ".join(row))


def basis_lines(years: dict, variants: list[str], with_variant) -> Iterator[str]:
    """Per year and date: the provinces' bias per basis (backtest_projection.basis_bias) per variant, one line each;
    `with_variant(label, call)` runs `call` under a variant (each round's study has its own)."""
    saved = B.MONTH_ENDS
    B.MONTH_ENDS = DATES
    try:
        for name, db in years.items():
            for label in variants:
                for row in with_variant(label, lambda db=db: B.basis_bias(db)):
                    parts = " / ".join(f"{row[key]:+.1f}" for key in (*B.BASES, "allocation"))
                    yield f"{name:34s} {row['as_of']}  {label}: {parts}"
    finally:
        B.MONTH_ENDS = saved


def basis(only: list[str] | None, variants: list[str], hold: bool = False) -> None:
    for line in basis_lines(_years(only, hold), variants, _with):
        _write("basis", line)


def onplan(only: list[str] | None, variants: list[str], hold: bool = False) -> None:
    """Per year and date (the first variant): what the year's own contracts show by the as-of date, beside the
    national on-plan bias (points of the province plans' allocation: projected minus paid by 30 Sep of the on-plan
    projects). `lead`, `c`, `m`, `r`: the contract fit's leading seen tenths, the ungated seen-steps share, the
    milestone share and the mixture's weight. `pace`: of the signed contracts on plan, paid so far over what the plan
    paid in full along the prior's shape would have paid by now (value-weighted), overall and by time since signing
    (under 61 days, 61-120, over 120); `young`: the on-plan contracts' share of the on-plan value signed in the last
    61 days; `post`: the steps after the planned end seen on at least HAZARD_PRIOR_BAHT of exposure; `left`: the
    on-plan outstanding the model expects paid by 30 Sep, points of allocation."""
    import duckdb
    import pandas as pd

    from budget_metrics import payment_timing as T
    from budget_metrics.filters import Filters
    from budget_metrics.projection import project_projection

    label = variants[0]
    for name, db in _years(only, hold).items():
        os.environ["BUDGET_DB"] = str(db)
        con = duckdb.connect(str(db), read_only=True)
        final = dict(
            con.execute(
                """SELECT project_code, sum(amount)::DOUBLE FROM disbursements
                   WHERE source = 'current' AND posting_date <= DATE '2019-09-30' GROUP BY 1"""
            ).fetchall()
        )
        con.close()
        for as_of in DATES:
            captured = []
            original_fit = T.fit_hazards

            def fit(*args, **kwargs):
                hazards = original_fit(*args, **kwargs)
                captured.append((hazards, T.evidence_leading(hazards.evidence)))
                return hazards

            original_share, shares = T.milestone_share, []

            def share(*args):
                shares.append(original_share(*args))
                return shares[-1]

            T.fit_hazards, T.milestone_share = fit, share
            try:
                frame = _with(label, lambda as_of=as_of: project_projection(Filters(2562, as_of=as_of)))
            finally:
                T.fit_hazards, T.milestone_share = original_fit, original_share
            hazards, lead = captured[0]
            milestone = shares[0]
            frame = frame[frame["owner_type"] == "province"]
            actual = frame["project_code"].map(final).fillna(0.0).to_numpy()
            allocation = float(frame["current_allocation"].sum())
            on = (frame["basis"] == "on_plan").to_numpy()
            bias = 100 * float((frame["projected_disbursed"].to_numpy() - actual)[on].sum()) / allocation
            signed = on & frame["contract_signed"].to_numpy(bool) & frame["contract_date"].notna().to_numpy()
            work = frame[signed]
            start = pd.to_datetime(work["contract_date"])
            end = pd.to_datetime(work["planned_end"])
            now = pd.Timestamp(as_of)
            x = ((now - start).dt.days / np.maximum((end - start).dt.days, 1)).clip(0, 1).to_numpy()
            due = work["ceiling"].to_numpy() * T.prior_plan_share(x)
            paid = work["disbursed"].to_numpy()
            age = (now - start).dt.days.to_numpy()
            parts = []
            for low, high in ((0, 10_000), (0, 61), (61, 121), (121, 10_000)):
                pick = (age >= low) & (age < high)
                ratio = paid[pick].sum() / due[pick].sum() if due[pick].sum() > 0 else float("nan")
                parts.append(f"{ratio:4.2f}")
            value = work["ceiling"].to_numpy()
            young = value[age < 61].sum() / value.sum() if value.sum() > 0 else float("nan")
            left = 100 * float((frame["projected_disbursed"] - frame["disbursed"]).to_numpy()[on].sum()) / allocation
            text = "-" if milestone is None else f"{milestone:.2f}"
            # Steps after the planned end seen on at least the prior's weight of exposure (0-POST_STEPS).
            post = int((hazards.evidence[T.PLAN_STEPS :] >= T.HAZARD_PRIOR_BAHT).sum())
            _write(
                "onplan",
                f"{name:34s} {as_of} on-plan bias {bias:+5.1f} left {left:5.1f} | lead {lead:2d} post {post:2d} "
                f"m {text} r {hazards.seen_weight:.2f} other {'-' if hazards.other is None else 'yes'} | "
                f"pace all/<61/61-120/>120 {' '.join(parts)} young {young:.2f}",
            )


def code_speed(revision: str, repeats: int = 7) -> None:
    """CPU and wall seconds of the whole national projection (every level of both lines and the needs-intervention
    lists, backtest_projection.timing) on demo seed 2562, the whole year, caches cleared: projection.py at `revision`
    and now, alternating in one process."""
    from budget_metrics import projection

    out = B.timing(B.build_seed(2562), repeats, {revision: B._module_at(revision), "now": projection})
    for name, figures in out.items():
        print(
            f"{name}: CPU best {figures['cpu']:.3f} s; wall best {figures['wall']:.3f} s, median "
            f"{figures['median_wall']:.3f} s; first level CPU {figures['first_cpu']:.3f} s",
            flush=True,
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("study", choices=("hash", "provinces", "basis", "onplan", "speed", "code-speed"))
    parser.add_argument("--only", nargs="*")
    parser.add_argument("--variant", nargs="*", default=["kept"])
    parser.add_argument("--out")
    parser.add_argument("--revision", default="6c7b930", help="code-speed: the projection.py to time against")
    parser.add_argument("--hold-out-13", action="store_true", help="the round-13 hold-outs (after their scoring)")
    args = parser.parse_args()
    if args.study == "hash":
        hash_check(args.only, args.out)
    elif args.study == "code-speed":
        code_speed(args.revision)
    elif args.study == "speed":
        R8.VARIANTS.update(VARIANTS)
        R8.speed(args.variant)
    else:
        study = {"provinces": provinces, "basis": basis, "onplan": onplan}[args.study]
        study(args.only, args.variant, args.hold_out_13)


if __name__ == "__main__":
    main()
