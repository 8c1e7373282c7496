"""The study behind round 8 of issue 17 (docs/projection.md, "Round 8 of issue 17: the pace-break warning"):
pace-break detectors that read, besides an area's own earlier weeks, what the payment-timing model expected of
its projects in each recent week, scored offline on every Friday of the seen years.

    .venv/bin/python bench/pace_break_round8_study.py record   # per seen year (demo seeds and the 27 generated
                                                               # years of rounds 1-7): every Friday's inputs
    .venv/bin/python bench/pace_break_round8_study.py score    # candidate detectors on them
    .venv/bin/python bench/pace_break_round8_study.py baht     # seen years: the detector OR a fall of the
                                                               # last 2-3 weeks' baht and paying projects (not
                                                               # adopted)
    .venv/bin/python bench/pace_break_round8_study.py speed    # CPU per call of the detectors
    .venv/bin/python bench/pace_break_round8_study.py cpu      # the whole national projection, cold, on the demo
                                                               # and at 10x: round 7's projection.py (57fb166)
                                                               # against this one, runs alternating
    .venv/bin/python bench/pace_break_round8_study.py record --hold-out-8   # after the round-8 choice was
    .venv/bin/python bench/pace_break_round8_study.py score --hold-out-8    # committed: the hold-outs, once

Records go to bench/out/round8_pace/<year>.pkl (new files; the backtest stores are opened read-only). A study
script: it patches nothing permanently; nothing it prints is a setting.
"""

from __future__ import annotations

import argparse
import math
import os
import pickle
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
import backtest_projection as B  # noqa: E402
from projection_study import pace_scores, score_line, seen_before  # noqa: E402

import synthetic_years as SY  # noqa: E402

SEEN = seen_before(8)
HOLD_OUT_8 = SY.HOLD_OUT_ROUND_8P
RECORDS = B.OUT / "round8_pace"


def _years(hold_out: bool) -> dict[str, tuple[Path, dict]]:
    """Name -> (database, truth) of the seen years (demo seeds: no break) or of the round-8 hold-outs."""
    if hold_out:
        return {f"{mix}_{seed}": B.build_generated(mix, seed) for mix, seed in HOLD_OUT_8}
    years = {f"demo_{seed}": (B.build_seed(seed), {"hit_provinces": {}, "hit_clusters": {}}) for seed in B.DEMO_SEEDS}
    years.update({f"{mix}_{seed}": B.build_generated(mix, seed) for mix, seed in SEEN})
    return years


def record(hold_out: bool = False) -> None:
    """Per year into RECORDS/<year>.pkl: (truth, members, inputs) with inputs[level][friday] = (the seven
    arguments of pace_break.pace_breaks, the area codes, the areas' model-expected payers (areas, weeks), None,
    the nation's model-expected payers (weeks,), None), as the projection hands them to pace_breaks.
    (The seen years were first recorded with a draft of this function that summed pace_break.expected_payers
    itself, with what each project had paid by each week's start from the payment ledger, into the same places
    (and the model-expected baht into the two None places, unused); checked equal to the projection's inputs
    on base_1, 21 Jun, 5 Jul and 16 Aug, both levels: the same flags.)"""
    import duckdb

    from budget_metrics import pace_break as PB
    from budget_metrics import projection as P
    from budget_metrics.filters import Filters

    RECORDS.mkdir(parents=True, exist_ok=True)
    original = PB.pace_breaks
    calls = []

    def spy(*args):
        calls.append(args)
        return original(*args)

    PB.pace_breaks = spy
    try:
        for name, (db, truth) in _years(hold_out).items():
            path = RECORDS / f"{name}.pkl"
            if path.exists():
                continue
            os.environ["BUDGET_DB"] = str(db)
            P._cached_model.cache_clear()
            P._selected_codes.cache_clear()
            con = duckdb.connect(str(db), read_only=True)
            members = dict(con.execute("SELECT province_code, cluster_code FROM provinces").fetchall())
            con.close()
            inputs = {level: {} for level in B.LEVELS}
            for friday in B.FRIDAYS:
                for level in B.LEVELS:
                    calls.clear()
                    codes = list(P.area_projection(Filters(2562, as_of=friday), level)["code"])
                    args = calls[0]
                    inputs[level][friday] = (args[:7], codes, args[8], None, args[9], None)
            path.write_bytes(pickle.dumps((truth, members, inputs)))
            print(f"recorded {name}", file=sys.stderr, flush=True)
    finally:
        PB.pace_breaks = original


def _load(hold_out: bool = False) -> dict:
    names = [f"{mix}_{seed}" for mix, seed in HOLD_OUT_8] if hold_out else list(_years(False))
    return {
        name: pickle.loads((RECORDS / f"{name}.pkl").read_bytes())
        for name in names
        if (RECORDS / f"{name}.pkl").exists()
    }


def _rules() -> dict:
    """The round-4 detector (the area's own earlier mean carried by the nation's change) and the adopted one
    (the model's expected payers carried by the nation's calendar, scaled by the area's own earlier pace),
    each as a function of one recorded Friday."""
    from budget_metrics import pace_break as PB

    limits = PB.PaceLimits.from_thresholds({})
    return {
        "round 4 detector": lambda record: PB.pace_breaks(*record[0], limits).flag,
        f"round 8 detector (model-expected payers, own prior {limits.own_prior_payments:g})": lambda record: (
            PB.pace_breaks(*record[0], limits, record[2], record[4]).flag
        ),
    }


def _variant(record, limits, prior: float | None = None, share: float | None = None, evidence: float | None = None):
    """The model-expected detector with some thresholds changed (the study grid)."""
    from dataclasses import replace

    from budget_metrics import pace_break as PB

    changed = replace(
        limits,
        own_prior_payments=limits.own_prior_payments if prior is None else prior,
        broken_share_pct=limits.broken_share_pct if share is None else share,
        evidence=limits.evidence if evidence is None else evidence,
    )
    return PB.pace_breaks(*record[0], changed, record[2], record[4]).flag


def score(hold_out: bool = False) -> None:
    """Provinces and clusters: broken areas flagged within 21 days of their break, untouched areas flagged in
    the break weeks and at some Friday of the season (projection_study.pace_scores), for the round-4 and the
    round-8 detectors; on the seen years also per half (demo seeds and rounds 1-3; rounds 4-7) and a grid of
    the round-8 detector's thresholds. On the hold-outs, only the two detectors."""
    import itertools

    from budget_metrics import pace_break as PB

    years = _load(hold_out)
    print(f"{len(years)} years recorded", flush=True)
    rules = _rules()
    for name, rule in rules.items():
        print(score_line(name, pace_scores(years, rule)), flush=True)
    if hold_out:
        for year in years:
            for name, rule in rules.items():
                print(score_line(f"  {year}: {name}", pace_scores({year: years[year]}, rule)), flush=True)
        return
    names = list(years)
    for label, part in (("demo seeds and rounds 1-3", names[:18]), ("rounds 4-7", names[18:])):
        for name, rule in rules.items():
            print(score_line(f"{label}: {name}", pace_scores({n: years[n] for n in part}, rule)), flush=True)
    limits = PB.PaceLimits.from_thresholds({})
    for prior, share, evidence in itertools.product((1.0, 3.0, 8.0), (10.0, 20.0, 30.0), (2.5, 3.0, 3.5)):
        result = pace_scores(years, lambda r, p=prior, s=share, e=evidence: _variant(r, limits, p, s, e))
        print(
            score_line(f"model-expected: own prior {prior:g}, broken share {share:g}%, evidence {evidence:g}", result)
        )


def baht() -> None:
    """Seen years: the round-4 detector OR-ed with a fall seen over the last w (2, 3) weeks: their baht below r
    of the smaller of the needed pace and the expected one (the area's earlier baht carried by the nation's
    change, or the model-expected baht scaled by the area's earlier paid / expected), and their paying projects
    below c of the expected ones (round 4's or the model's), at least 8 earlier paying project-weeks and 10
    points still expected. For partial breaks, whose paying projects only halve (not adopted)."""
    import itertools

    import numpy as np

    from budget_metrics import pace_break as PB

    years = _load()
    limits = PB.PaceLimits.from_thresholds({})
    recent, earlier = limits.recent_weeks, limits.earlier_weeks
    cache = {}

    def features(record):
        if id(record) in cache:
            return cache[id(record)]
        (weekly, payments, national, national_payments, needed, remaining, _), _, model, model_baht, nation_model = (
            record[:5]
        )
        nation_baht = record[5]
        base = PB.pace_breaks(*record[0], limits).flag
        before = national_payments[recent : recent + earlier].sum() / earlier
        carried = national_payments / before if before > 0 else np.ones_like(national_payments)
        own_count = (payments[:, recent : recent + earlier].sum(1) / earlier)[:, None] * carried[None, :recent]
        model_count = PB._model_expected(payments, model, national_payments, nation_model, limits)
        before_baht = national[recent : recent + earlier].sum() / earlier
        carried_baht = national / before_baht if before_baht > 0 else np.ones_like(national)
        own_baht = np.maximum(weekly[:, recent : recent + earlier].sum(1) / earlier, 0)
        calendar = np.divide(national, nation_baht, out=np.zeros_like(nation_baht), where=nation_baht > 0)
        fitted = model_baht * calendar[None, :]
        scale = (weekly[:, recent : recent + earlier].sum(1) + 1) / (fitted[:, recent : recent + earlier].sum(1) + 1)
        out = {}
        for w in (2, 3):
            paid, count, need = weekly[:, :w].sum(1), payments[:, :w].sum(1), np.maximum(needed, 0) * w
            expected_baht = (own_baht * carried_baht[:w].sum(), scale * fitted[:, :w].sum(1))
            out[w] = (
                [paid / np.maximum(np.minimum(e, need), 1) for e in expected_baht],
                [count / np.maximum(e[:, :w].sum(1), 1e-9) for e in (own_count, model_count)],
            )
        judged = (payments[:, recent : recent + earlier].sum(1) >= 8) & (remaining >= 10)
        cache[id(record)] = (base, out, judged)
        return cache[id(record)]

    print(score_line("round 4 detector", pace_scores(years, lambda r: features(r)[0])), flush=True)
    for w, r, c, baht_kind, count_kind in itertools.product((2, 3), (0.1, 0.2, 0.3), (0.3, 0.5, 0.7), (0, 1), (0, 1)):

        def rule(record, w=w, r=r, c=c, b=baht_kind, k=count_kind):
            base, out, judged = features(record)
            return base | (judged & (out[w][0][b] < r) & (out[w][1][k] < c))

        name = (
            f"OR last {w} weeks: baht < {r} ({('earlier', 'model')[baht_kind]}), paying < {c} "
            f"({('earlier', 'model')[count_kind]})"
        )
        print(score_line(name, pace_scores(years, rule)), flush=True)


def speed() -> None:
    """CPU seconds per pace_breaks call of the round-4 and the round-8 detector on every recorded Friday and
    level of the seen years (76 provinces or 18 clusters per call), best of 3 passes."""
    import time

    calls = [record for _, _, inputs in _load().values() for level in B.LEVELS for record in inputs[level].values()]
    for name, rule in _rules().items():
        best = math.inf
        for _ in range(3):
            start = time.process_time()
            for record in calls:
                rule(record)
            best = min(best, time.process_time() - start)
        print(f"{name}: {1000 * best / len(calls):.3f} ms CPU per call ({len(calls)} calls)")


def cpu(repeats: int = 5) -> None:
    """Best wall and CPU seconds of the whole national projection (backtest_projection.timing: every level and
    line, the needs-intervention lists, cold) with projection.py as it was before round 8 (57fb166, no
    model-expected payers) and as it is, alternating in one process so both share the machine's load."""
    from bench_pages import build_tenfold

    from budget_metrics import projection as P

    modules = {"before round 8 (57fb166)": B._module_at("57fb166"), "round 8": P}
    demo = B.build_seed(2562)
    for name, db in (("demo", demo), ("10x", build_tenfold(demo, B.OUT))):
        for module, result in B.timing(db, repeats, modules).items():
            print(
                f"{name} {module}: wall {result['wall']:.3f} s (median {result['median_wall']:.3f}), "
                f"CPU {result['cpu']:.3f} s",
                flush=True,
            )
        print(f"  load average {os.getloadavg()}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("study", choices=("record", "score", "speed", "cpu", "baht"))
    parser.add_argument("--hold-out-8", action="store_true", help="the round-8 hold-out years instead of the seen")
    args = parser.parse_args()
    if args.study == "record":
        record(args.hold_out_8)
    elif args.study == "score":
        score(args.hold_out_8)
    elif args.study == "baht":
        baht()
    elif args.study == "speed":
        speed()
    else:
        cpu()


if __name__ == "__main__":
    main()
