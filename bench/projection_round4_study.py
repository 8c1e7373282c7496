"""The study behind round 4 of issue 17 (docs/projection.md, "Round 4 of issue 17"): pace-break detectors
scored offline on the warning's inputs recorded on every Friday of the seen generated years.

    .venv/bin/python bench/projection_round4_study.py record   # builds the seen years (bench/out/backtest/)
                                                               # and records every Friday's inputs
    .venv/bin/python bench/projection_round4_study.py score    # scores candidate detectors on them
    .venv/bin/python bench/projection_round4_study.py speed    # CPU per call: round 3's rule and the detector
    .venv/bin/python bench/projection_round4_study.py demo     # the demo seeds (no break): areas flagged
    .venv/bin/python bench/projection_round4_study.py band     # 31 May, after the round-4 scoring (nothing
                                                               # adopted): the band without the signing-gap
                                                               # widening
    .venv/bin/python bench/projection_round4_study.py record --hold-out-4   # after the round-4 hold-outs were
    .venv/bin/python bench/projection_round4_study.py score --hold-out-4    # scored: both rules on them (report
                                                                            # only; nothing chosen on them)

A study script: it patches nothing permanently; nothing it prints is a setting.
"""

from __future__ import annotations

import argparse
import math
import os
import pickle
import sys
from datetime import date
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
import backtest_projection as B  # noqa: E402
from projection_study import seen_before  # noqa: E402

# The round-3 hold-outs were scored in round 3 and count as seen from round 4 on.
SEEN = seen_before(4)
RECORDS = B.OUT / "round4_pace"


def record(years: tuple = SEEN) -> None:
    """Per seen generated year: the pace-break inputs of every Friday, per level, into RECORDS/<mix>_<seed>.pkl."""
    import duckdb

    from budget_metrics import pace_break as PB
    from budget_metrics import projection as P
    from budget_metrics.filters import Filters

    RECORDS.mkdir(parents=True, exist_ok=True)
    original, store = PB.pace_breaks, []

    def spy(*args):
        store.append(args)
        return original(*args)

    PB.pace_breaks = spy
    try:
        for mix, seed in years:
            path = RECORDS / f"{mix}_{seed}.pkl"
            if path.exists():
                continue
            db, truth = B.build_generated(mix, seed)
            os.environ["BUDGET_DB"] = str(db)
            P._cached_model.cache_clear()
            P._selected_codes.cache_clear()
            con = duckdb.connect(str(db), read_only=True)
            members = dict(con.execute("SELECT province_code, cluster_code FROM provinces").fetchall())
            con.close()
            inputs = {level: {} for level in B.LEVELS}
            for friday in B.FRIDAYS:
                for level in B.LEVELS:
                    store.clear()
                    frame = P.area_projection(Filters(2562, as_of=friday), level)
                    inputs[level][friday] = (store[0][:7], list(frame["code"]))
            path.write_bytes(pickle.dumps((truth, members, inputs)))
            print(f"recorded {mix}:{seed}", file=sys.stderr, flush=True)
    finally:
        PB.pace_breaks = original


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("study", choices=("record", "score", "speed", "demo", "band"))
    parser.add_argument("--hold-out-4", action="store_true", help="the round-4 hold-out years instead of the seen")
    args = parser.parse_args()
    if args.study in ("speed", "demo", "band"):
        {"speed": speed, "demo": demo, "band": band}[args.study]()
    else:
        {"record": record, "score": score}[args.study](B.HOLD_OUT_ROUND_4 if args.hold_out_4 else SEEN)


def demo() -> None:
    """The demo seeds have no pace break: per seed and level, the areas round 3's rule and the detector flag at
    some Friday 3 May - 27 Sep, and the area-Fridays flagged."""
    import pace_break_round3 as R3

    from budget_metrics import pace_break as PB
    from budget_metrics import projection as P
    from budget_metrics.filters import Filters

    original, store = PB.pace_breaks, []

    def spy(*args):
        store.append(args)
        return original(*args)

    rules = {
        "round 3 rule": (R3.pace_breaks, R3.PaceLimits.from_thresholds({})),
        "round 4 detector": (original, PB.PaceLimits.from_thresholds({})),
    }
    PB.pace_breaks = spy
    try:
        for seed in B.DEMO_SEEDS:
            os.environ["BUDGET_DB"] = str(B.build_seed(seed))
            for level in B.LEVELS:
                flagged = {name: {} for name in rules}
                for friday in B.FRIDAYS:
                    store.clear()
                    codes = list(P.area_projection(Filters(2562, as_of=friday), level)["code"])
                    for name, (rule, limits) in rules.items():
                        flags = rule(*store[0][:7], limits).flag
                        flagged[name][friday] = {code for code, flag in zip(codes, flags, strict=True) if flag}
                for name, days in flagged.items():
                    areas = set().union(*days.values())
                    checks = sum(len(codes) for codes in days.values())
                    print(
                        f"demo {seed} {level} {name}: {len(areas)} areas flagged at some Friday, {checks} area-Fridays"
                    )
    finally:
        PB.pace_breaks = original


def band() -> None:
    """Per year on 31 May (provinces): median, p90, bias and coverage as the model stands, and with the band's
    signing-gap widening taken out (the signing rate's own sampling error kept) — whether the widening added
    after a change in signing (round 3) over-widens the band. A study for a later round: run after the
    round-4 hold-outs were scored, nothing in it was adopted."""
    from dataclasses import replace

    from projection_round3_study import _province_metrics

    from budget_metrics import projection as P

    original = P._signing_rate

    def without_gap(signed_day, with_contract, investment, today):
        rate = original(signed_day, with_contract, investment, today)
        if rate.window_days == P.RECENT_SIGNING_DAYS:  # switched: recompute the recent window's own error only
            share = 1 - math.exp(-rate.daily * rate.window_days)
            count = max(int(rate.signed_since.sum() / max(share, 1e-9)), 1)
            sd = math.sqrt(share * (1 - share) / count) / max(1 - share, 0.01) / rate.window_days
            return replace(rate, daily_sd=sd)
        return rate

    as_of = date(2019, 5, 31)
    years = {f"demo{seed}": B.build_seed(seed) for seed in B.DEMO_SEEDS}
    years.update({f"{mix}:{seed}": B.build_generated(mix, seed)[0] for mix, seed in SEEN + B.HOLD_OUT_ROUND_4})
    for name, db in years.items():
        os.environ["BUDGET_DB"] = str(db)
        row = [name]
        for variant in (original, without_gap):
            P._signing_rate = variant
            P._cached_model.cache_clear()
            P._selected_codes.cache_clear()
            try:
                median, p90, bias, coverage = _province_metrics(as_of)
            finally:
                P._signing_rate = original
            row.append(f"{median:.1f} / {p90:.1f} / {bias:+.1f} / {coverage:.0%}")
        print(" | ".join(row), flush=True)


def speed() -> None:
    """CPU seconds per pace_breaks call of round 3's rule and of the detector, on every recorded Friday and level
    (76 provinces or 18 clusters per call), best of 3 passes."""
    import time

    import pace_break_round3 as R3

    from budget_metrics import pace_break as PB

    calls = [args for _, _, inputs in _load().values() for level in B.LEVELS for args, _ in inputs[level].values()]
    rules = {
        "round 3 rule": (R3.pace_breaks, R3.PaceLimits.from_thresholds({})),
        "round 4 detector": (PB.pace_breaks, PB.PaceLimits.from_thresholds({})),
    }
    for name, (rule, limits) in rules.items():
        best = math.inf
        for _ in range(3):
            start = time.process_time()
            for args in calls:
                rule(*args, limits)
            best = min(best, time.process_time() - start)
        print(f"{name}: {1000 * best / len(calls):.3f} ms CPU per call ({len(calls)} calls)")


def cusum(
    args,
    rho,
    h,
    monitor=6,
    earlier=10,
    min_payments=8,
    ratio=0.5,
    remaining_min=10.0,
    dispersion=False,
    lull=False,
    min_run=1,
):
    """Flags of a Poisson CUSUM on paying projects per week (see the module docstring of pace_break)."""
    weekly, payments, national, national_payments, needed, remaining, _ = args
    lam = payments[:, monitor : monitor + earlier].sum(axis=1) / earlier
    old = national_payments[monitor : monitor + earlier].mean()
    factor = national_payments[:monitor] / old if old > 0 else np.ones(monitor)
    mu = lam[:, None] * factor[None, :]
    llr = payments[:, :monitor] * np.log(rho) + (1 - rho) * mu
    if dispersion:
        # quasi-Poisson: the earlier weeks' spread around the area's rate carried by the nation's rhythm
        own = national_payments[monitor : monitor + earlier] / old if old > 0 else np.ones(earlier)
        fitted = np.maximum(lam[:, None] * own[None, :], 1e-9)
        phi = ((payments[:, monitor : monitor + earlier] - fitted) ** 2 / fitted).mean(axis=1)
        llr = llr / np.clip(phi, 1.0, None)[:, None] ** dispersion
    areas = weekly.shape[0]
    s = np.zeros(areas)
    run = np.zeros(areas, dtype=int)
    for t in range(monitor - 1, -1, -1):
        s = np.maximum(0.0, s + llr[:, t])
        run = np.where(s > 0, run + 1, 0)
    baht_old = np.maximum(weekly[:, monitor : monitor + earlier].sum(axis=1) / earlier, 0)
    nat_old = national[monitor : monitor + earlier].mean()
    weeks = np.maximum(run, 1)
    idx = np.arange(monitor)[None, :] < weeks[:, None]
    recent = (weekly[:, :monitor] * idx).sum(axis=1) / weeks
    nat_recent = (national[None, :monitor] * idx).sum(axis=1) / weeks
    expected = baht_old * np.where(nat_old > 0, nat_recent / nat_old, 1.0)
    flag = (
        (s >= h)
        & (run >= min_run)
        & (lam * earlier >= min_payments)
        & (remaining >= remaining_min)
        & (recent < ratio * expected)
        & (recent < ratio * np.maximum(needed, 0))
    )
    if lull:
        counts = (payments[:, :monitor] * idx).sum(axis=1)
        lowest = np.full(areas, np.inf)
        for n in range(1, monitor + 1):
            st = np.stack([payments[:, a : a + n].sum(axis=1) for a in range(monitor, monitor + earlier - n + 1)], 1)
            lowest = np.where(weeks == n, st.min(axis=1), lowest)
        flag &= counts < lowest
    return flag


def _load(chosen: tuple = SEEN):
    years = {}
    for mix, seed in chosen:
        path = RECORDS / f"{mix}_{seed}.pkl"
        if path.exists():
            years[(mix, seed)] = pickle.loads(path.read_bytes())
    return years


def _score(years, rule) -> dict:
    """Per level: (detected within 21 days, broken, untouched flagged in the break weeks, at some Friday,
    untouched), by projection_study.pace_scores (the round-8 study's too); `rule` takes a Friday's seven
    recorded arguments."""
    from projection_study import pace_scores

    return pace_scores(years, lambda record: rule(record[0]))


def _line(name, result) -> str:
    parts = [name]
    for level, (d, b, w, s, c) in result.items():
        parts.append(
            f"{level} {d}/{b} ({d / max(b, 1):.0%}) window {w / max(c, 1):.1%} season {s}/{c} ({s / max(c, 1):.1%})"
        )
    return " | ".join(parts)


def score(chosen: tuple = SEEN) -> None:
    """Candidate detectors on the recorded seen years: provinces and clusters detected within 21 days of their
    break, untouched areas flagged in the break weeks and at some Friday of the season. On other years (the
    round-4 hold-outs, after they were scored) only round 3's rule and the detector."""
    import itertools

    import pace_break_round3 as R3

    from budget_metrics import pace_break as PB

    years = _load(chosen)
    print(f"{len(years)} years recorded", flush=True)
    old = R3.PaceLimits.from_thresholds({})
    print(_line("round 3 rule (window + Poisson tail)", _score(years, lambda a: R3.pace_breaks(*a, old).flag)))
    new = PB.PaceLimits.from_thresholds({})
    print(_line(f"budget_metrics.pace_break now {new}", _score(years, lambda a: PB.pace_breaks(*a, new).flag)))
    if chosen != SEEN:
        return
    rows = []
    grid = itertools.product((0.1, 0.15, 0.2, 0.3), (2.5, 3, 3.5, 4), ((5, 10), (6, 10), (4, 12)), (1, 2), (0, 0.5))
    for rho, h, (monitor, earlier), min_run, dispersion in grid:

        def rule(a, rho=rho, h=h, m=monitor, e=earlier, r=min_run, d=dispersion):
            return cusum(a, rho, h, monitor=m, earlier=e, min_run=r, dispersion=d)

        name = f"cusum share {rho} evidence {h} weeks {monitor}+{earlier} min weeks {min_run} dispersion^{dispersion}"
        result = _score(years, rule)
        rows.append((result, name))
        print(_line(name, result), flush=True)
    print("\nfrontier (provinces flagged at some Friday <= 12%, by detection):")
    near = [row for row in rows if row[0]["province"][3] <= 0.12 * row[0]["province"][4]]
    for result, name in sorted(near, key=lambda r: (-r[0]["province"][0], r[0]["province"][3]))[:25]:
        print(_line(name, result))


if __name__ == "__main__":
    main()
