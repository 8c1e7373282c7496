"""The studies behind round 5 of issue 17 (docs/projection.md, "Round 5 of issue 17"), on the seen years built
by bench/backtest_projection.py into bench/out/backtest/ (run it first):

    .venv/bin/python bench/projection_round5_study.py signing   # chance of signing by 30 Sep after the as-of
                                                                # date: rules vs truth, every month end
    .venv/bin/python bench/projection_round5_study.py provinces # province median / p90 / bias / coverage at
                                                                # every month end, round 3's rule vs round 5's
    .venv/bin/python bench/projection_round5_study.py due       # pace-break provinces: the round-4 detector OR a
                                                                # flag from owed contracts past their planned end
                                                                # that paid nothing for 5 weeks (after the round-5
                                                                # scoring; needs projection_round4_study.py record
                                                                # and record --hold-out-4 first; nothing adopted)
    .venv/bin/python bench/projection_round5_study.py band      # 31 May: the band's terms per province, coverage
                                                                # with one scaled (after the scoring; nothing adopted)

A study script: it patches model settings in memory to compare them; nothing it prints is a setting.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
from datetime import date, timedelta
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
import backtest_projection as B  # noqa: E402
from projection_round3_study import _province_metrics  # noqa: E402
from projection_study import seen_before, study_years, with_settings  # noqa: E402

SEEN = seen_before(5)


def _years(only: list[str] | None = None, hold_out_5: bool = False) -> dict[str, Path]:
    """The seen years (demo seeds and the generated years of rounds 1-4), or the round-5 hold-outs (report
    only: they were scored once with the committed rule before this was run on them)."""
    return study_years(SEEN, B.HOLD_OUT_ROUND_5 if hold_out_5 else None, only)


def _with(patch: dict, call):
    from budget_metrics import projection as P

    return with_settings([(P, patch)], call)


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
    parser.add_argument("study", choices=("signing", "provinces", "due", "band"))
    parser.add_argument("--only", nargs="*", help="years whose name contains one of these")
    parser.add_argument("--dates", nargs="*", help="month ends (YYYY-MM-DD), default all")
    parser.add_argument("--hold-out-5", action="store_true", help="the round-5 hold-outs instead (report only)")
    args = parser.parse_args()
    dates = [date.fromisoformat(value) for value in args.dates] if args.dates else B.MONTH_ENDS
    if args.study == "due":
        due()
    elif args.study == "band":
        band(args.only)
    elif args.study == "signing":
        signing(args.only, args.hold_out_5)
    else:
        provinces(args.only, dates, args.hold_out_5)


# --------------------------------------------------------------------------- pace-break evidence from what was due
# A study for a later round: run after the round-5 hold-outs were scored (nothing in it was adopted). It reads the
# round-4 recordings (bench/projection_round4_study.py record, and record --hold-out-4) of the 18 seen generated
# years and plain SQL on their databases.


def _due_counts(db: Path, fridays: list[date], ended: tuple[int, int], quiet: int) -> dict:
    """Per Friday and province: (due, silent) — province-plan contracts signed at least `quiet` days before the
    Friday, whose planned end fell `ended[1]`..`ended[0]` days before it, less than 90% paid `quiet` days before
    it (a final instalment still owed); silent: those that paid nothing in the last `quiet` days."""
    import duckdb
    import pandas as pd

    con = duckdb.connect(str(db), read_only=True)
    projects = con.execute(
        "SELECT project_code, owner, contract_amount, contract_date, planned_end FROM projects "
        "WHERE owner_type = 'province' AND contract_date IS NOT NULL AND contract_amount > 0"
    ).df()
    pays = con.execute("SELECT project_code, posting_date, amount FROM disbursements").df()
    con.close()
    pays["posting_date"] = pd.to_datetime(pays["posting_date"])
    out = {}
    for friday in fridays:
        day = pd.Timestamp(friday)
        start = day - pd.Timedelta(days=quiet)
        due = projects[
            (pd.to_datetime(projects["contract_date"]) <= start)
            & (pd.to_datetime(projects["planned_end"]) <= day - pd.Timedelta(days=ended[0]))
            & (pd.to_datetime(projects["planned_end"]) >= day - pd.Timedelta(days=ended[1]))
        ]
        before = pays[pays["posting_date"] <= start].groupby("project_code")["amount"].sum()
        recent = pays[(pays["posting_date"] > start) & (pays["posting_date"] <= day)].groupby("project_code")["amount"]
        recent = recent.sum()
        paid = due["project_code"].map(before).fillna(0).astype(float)
        owed = due[paid < 0.9 * due["contract_amount"].astype(float)]
        silent = ~owed["project_code"].isin(recent.index)
        counts = (
            pd.DataFrame({"owner": owed["owner"], "silent": silent}).groupby("owner")["silent"].agg(["count", "sum"])
        )
        out[friday] = {code: (int(row["count"]), int(row["sum"])) for code, row in counts.iterrows()}
    return out


def due() -> None:
    """Pace-break provinces on the 18 seen generated years: the round-4 detector alone, and OR-ed with a flag from
    what was due (at least `n` owed contracts past their planned end, a share `s` or more of them silent for the
    last 5 weeks, at least 10 points still expected)."""
    import itertools

    import projection_round4_study as R4

    from budget_metrics import pace_break as PB

    years = R4._load(SEEN)
    limits = PB.PaceLimits.from_thresholds({})
    grids = list(itertools.product(((7, 63), (14, 56), (0, 42)), (35,)))
    counts = {}
    for (mix, seed), _ in years.items():
        db = B.build_generated(mix, seed)[0]
        counts[(mix, seed)] = {grid: _due_counts(db, B.FRIDAYS, *grid) for grid in grids}
        print(f"counted {mix}:{seed}", file=sys.stderr, flush=True)

    def scored(rule_for_year) -> tuple[int, int, int, int]:
        detected = broken = season = clean = 0
        for key, (truth, members, inputs) in years.items():
            hit = {code: date.fromisoformat(day) for code, day in truth["hit_provinces"].items()}
            if not hit and not truth.get("hit_clusters"):
                continue
            calm = [c for c in members if c not in hit]
            rule = rule_for_year(key)
            flagged = {}
            for friday, (args, codes) in inputs["province"].items():
                flags = rule(friday, args, codes)
                flagged[friday] = {code for code, flag in zip(codes, flags, strict=True) if flag}
            broken += len(hit)
            detected += sum(
                any(day < f <= day + timedelta(days=B.DETECT_DAYS) and code in flagged[f] for f in B.FRIDAYS)
                for code, day in hit.items()
            )
            clean += len(calm)
            season += sum(any(code in flagged[f] for f in B.FRIDAYS) for code in calm)
        return detected, broken, season, clean

    def show(name, result):
        d, b, s, c = result
        print(
            f"{name}: provinces {d}/{b} ({d / max(b, 1):.0%}) within 21 days, untouched at some Friday {s}/{c} "
            f"({s / max(c, 1):.1%})",
            flush=True,
        )

    show("round 4 detector", scored(lambda key: lambda f, a, codes: PB.pace_breaks(*a, limits).flag))
    # Against the nation: the province's silent count is improbable at the nation's silent share that Friday
    # (exact binomial upper tail under `alpha`): the lag of final acceptance is shared by every province.
    for grid, n, alpha in itertools.product(grids, (3, 4, 6), (0.01, 0.001, 0.0001)):

        def relative_for_year(key, grid=grid, n=n, alpha=alpha):
            table = counts[key][grid]

            def rule(friday, args, codes):
                base = PB.pace_breaks(*args, limits).flag
                remaining = np.asarray(args[5], float)
                by_code = table[friday]
                total = sum(count for count, _ in by_code.values())
                share = sum(silent for _, silent in by_code.values()) / total if total else 0.0
                extra = []
                for code in codes:
                    count, silent = by_code.get(code, (0, 0))
                    tail = sum(
                        math.comb(count, k) * share**k * (1 - share) ** (count - k) for k in range(silent, count + 1)
                    )
                    extra.append(count >= n and tail < alpha)
                return base | (np.array(extra) & (remaining >= 10))

            return rule

        show(
            f"detector or due against the nation (ended {grid[0][0]}-{grid[0][1]} days ago, n>={n}, tail<{alpha})",
            scored(relative_for_year),
        )
    for grid, n, share in itertools.product(grids, (2, 3, 4, 6), (0.6, 0.75, 0.9, 1.0)):

        def rule_for_year(key, grid=grid, n=n, share=share):
            table = counts[key][grid]

            def rule(friday, args, codes):
                base = PB.pace_breaks(*args, limits).flag
                remaining = np.asarray(args[5], float)
                by_code = table[friday]
                extra = np.array(
                    [
                        by_code.get(code, (0, 0))[0] >= n and by_code[code][1] >= share * by_code[code][0]
                        for code in codes
                    ]
                )
                return base | (extra & (remaining >= 10))

            return rule

        show(
            f"detector or due (ended {grid[0][0]}-{grid[0][1]} days ago, n>={n}, silent>={share})",
            scored(rule_for_year),
        )


# --------------------------------------------------------------------------- the band's terms (priority 3)
# A study for a later round: run after the round-5 hold-outs were scored (nothing in it was adopted).

BAND_TERMS = ("_outcome_variance", "_rate_term", "_shared_term")


def band(only: list[str] | None) -> None:
    """31 May, provinces, every seen year: each band term's median share of a province's variance, and the
    coverage as the model stands and with one term scaled (outcome x0.5, the owners' pace factors x0, the
    national rates x0) — which term over-covers in the lumpy years."""
    from budget_metrics import projection as P

    as_of = date(2019, 5, 31)
    original = P._sums
    scale: dict[str, float] = {}
    shares: list[np.ndarray] = []

    def scaled(*args, **kwargs):
        table = original(*args, **kwargs)
        total = sum(table[term].to_numpy(float) for term in BAND_TERMS)
        shares.append(np.stack([table[term].to_numpy(float) / np.maximum(total, 1e-12) for term in BAND_TERMS]))
        for term, factor in scale.items():
            table[term] = table[term] * factor
        return table

    P._sums = scaled
    try:
        for name, db in _years(only).items():
            os.environ["BUDGET_DB"] = str(db)
            row = [f"{name:26s}"]
            for label, patch in (
                ("as is", {}),
                ("outcome x0.5", {"_outcome_variance": 0.5}),
                ("pace factors x0", {"_rate_term": 0.0}),
                ("national x0", {"_shared_term": 0.0}),
            ):
                scale.clear()
                scale.update(patch)
                shares.clear()
                P._cached_model.cache_clear()
                median, p90, bias, coverage = _province_metrics(as_of)
                if not patch:
                    first = shares[-1]
                    row.append(
                        "shares outcome/pace/national "
                        + "/".join(f"{np.median(first[i]):.2f}" for i in range(len(BAND_TERMS)))
                    )
                row.append(f"{label} {coverage:4.0%}")
            print("  ".join(row), flush=True)
    finally:
        P._sums = original
        P._cached_model.cache_clear()


if __name__ == "__main__":
    main()
