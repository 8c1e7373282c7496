"""The study behind round 12 of issue 17's pace-break warning (docs/projection.md, "Pace-break round 12"): what a
break is for an area, set from its own season so far (its silent-week runs, its weekly paying history), not only
from the 16 weeks the warning kept; scored offline on every Friday of the seen years.

    .venv/bin/python bench/pace_break_round12_study.py record      # per seen year (demo seeds and
                                                                   # projection_study.seen_before(13)): every
                                                                   # Friday's warning inputs over the whole season
    .venv/bin/python bench/pace_break_round12_study.py curve       # the kept rule, the season's highest evidence as
                                                                   # the area's own bar, its longest silent run
    .venv/bin/python bench/pace_break_round12_study.py curve-low   # a lower bar where the season was calm
    .venv/bin/python bench/pace_break_round12_study.py curve-own   # the area's own pace from its whole season
    .venv/bin/python bench/pace_break_round12_study.py matched     # near the kept false-alarm rate; the season's
                                                                   # highest evidence of flagged and broken areas
    .venv/bin/python bench/pace_break_round12_study.py misses      # why the broken provinces missed were missed
    .venv/bin/python bench/pace_break_round12_study.py score       # the kept rule and the named candidate
    .venv/bin/python bench/pace_break_round12_study.py speed       # CPU per detector call (kept, candidate)
    .venv/bin/python bench/pace_break_round12_study.py cpu         # the whole national projection on the demo
    .venv/bin/python bench/pace_break_round12_study.py record --hold-out-13p   # after the round-12 choice was
    .venv/bin/python bench/pace_break_round12_study.py score --hold-out-13p    # committed: the hold-outs, once

Records go to bench/out/round12_pace/<year>.pkl (new files; the backtest stores are opened read-only). The
recorder keeps SEASON_WEEKS weeks (the whole fiscal year to the last Friday) of each input the projection hands to
the warning. A study script: it patches nothing permanently; nothing it prints is a setting.
"""

from __future__ import annotations

import argparse
import math
import os
import pickle
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
import backtest_projection as B  # noqa: E402
import pace_break_round10_study as R10  # noqa: E402
from projection_study import pace_scores, seen_before  # noqa: E402

import synthetic_years as SY  # noqa: E402

SEEN = seen_before(13)
RECORDS = B.OUT / "round12_pace"
# Weeks recorded per input: 3 May .. 27 Sep 2019 lie in weeks 31-52 of FY2562; 52 reaches back to 1 Oct 2018.
SEASON_WEEKS = 52


def _hold_out() -> tuple:
    return getattr(SY, "HOLD_OUT_ROUND_13P", ())


def _names(hold_out: bool) -> list[str]:
    if hold_out:
        return [f"{mix}_{seed}" for mix, seed in _hold_out()]
    return [f"demo_{seed}" for seed in B.DEMO_SEEDS] + [f"{mix}_{seed}" for mix, seed in SEEN]


def _build(name: str) -> tuple[Path, dict]:
    if name.startswith("demo_"):
        return B.build_seed(int(name[5:])), {"hit_provinces": {}, "hit_clusters": {}}
    mix, seed = name.rsplit("_", 1)
    return B.build_generated(mix, int(seed))


def record(hold_out: bool = False, only: list[str] | None = None, part: tuple[int, int] = (0, 1)) -> None:
    """Per year into RECORDS/<year>.pkl: (truth, members, inputs, projects) with inputs[level][friday] = (the seven
    arguments of pace_break.pace_breaks, the area codes, the areas' model-expected payers, None, the nation's
    model-expected payers, None) as round 10's recorder keeps them, but over SEASON_WEEKS weeks; projects[friday] =
    (province row, cluster row, paying (projects, weeks) bool, model-expected payers float16) per project."""
    import duckdb

    from budget_metrics import pace_break as PB
    from budget_metrics import projection as P
    from budget_metrics.filters import Filters

    RECORDS.mkdir(parents=True, exist_ok=True)
    original, kept_weeks = PB.pace_breaks, PB.WEEKS_KEPT
    calls = []

    def spy(*args):
        calls.append(args)
        return original(*args)

    PB.pace_breaks = spy
    PB.WEEKS_KEPT = weeks = SEASON_WEEKS
    try:
        for index, name in enumerate(_names(hold_out)):
            path = RECORDS / f"{name}.pkl"
            if index % part[1] != part[0] or path.exists() or (only and not any(p in name for p in only)):
                continue
            db, truth = _build(name)
            os.environ["BUDGET_DB"] = str(db)
            P._cached_model.cache_clear()
            P._selected_codes.cache_clear()
            con = duckdb.connect(str(db), read_only=True)
            members = dict(con.execute("SELECT province_code, cluster_code FROM provinces").fetchall())
            con.close()
            inputs = {level: {} for level in B.LEVELS}
            projects: dict = {}
            for friday in B.FRIDAYS:
                codes_of = {}
                for level in B.LEVELS:
                    calls.clear()
                    codes = list(P.area_projection(Filters(2562, as_of=friday), level)["code"])
                    args = calls[0]
                    inputs[level][friday] = (args[:7], codes, args[8], None, args[9], None)
                    codes_of[level] = {code: row for row, code in enumerate(codes)}
                model = P._model(2562, friday)
                tail = model.view_inputs[:, -3 * weeks :]
                frame = model.projects
                projects[friday] = (
                    np.array([codes_of["province"].get(c, -1) for c in frame["province_code"]], dtype=np.int16),
                    np.array([codes_of["cluster"].get(c, -1) for c in frame["cluster_code"]], dtype=np.int16),
                    tail[:, weeks : 2 * weeks] > 0,
                    tail[:, 2 * weeks :].astype(np.float16),
                )
                P._cached_model.cache_clear()
            path.write_bytes(pickle.dumps((truth, members, inputs, projects)))
            print(f"recorded {name}", file=sys.stderr, flush=True)
    finally:
        PB.pace_breaks, PB.WEEKS_KEPT = original, kept_weeks


def _load(hold_out: bool = False) -> dict:
    out = {}
    for name in _names(hold_out):
        path = RECORDS / f"{name}.pkl"
        if path.exists():
            out[name] = pickle.loads(path.read_bytes())
    return out


def kept_flags(record, limits=None) -> np.ndarray:
    """The kept rule (round 10's, the thresholds file's) on a recorded Friday."""
    from budget_metrics import pace_break as PB

    limits = limits or PB.PaceLimits.from_thresholds({})
    return PB.pace_breaks(*record[0], limits, record[2], record[4]).flag


def _shifted(record, shift: int):
    """The record's arrays as of `shift` weeks before its Friday (the first `shift` weeks dropped)."""
    args = record[0]
    return (
        (args[0][:, shift:], args[1][:, shift:], args[2][shift:], args[3][shift:]),
        record[2][:, shift:],
        record[4][shift:],
    )


class Study:
    """Per-Friday features of the recorded years (cached) and the candidate rules on them."""

    def __init__(self, years: dict):
        from dataclasses import replace

        from budget_metrics import pace_break as PB

        self.PB = PB
        self.years = years
        self.limits = PB.PaceLimits.from_thresholds({})
        self.loose = replace(self.limits, evidence=0.0, min_weeks=1, one_week_evidence=math.inf)
        self.cache: dict = {}

    def scores(self, rule) -> dict:
        return pace_scores({name: data[:3] for name, data in self.years.items()}, rule)

    def features(self, record) -> dict:
        """Per area: the kept detector's evidence, its weeks and its guards; and from the area's own season
        before the recent weeks: the highest evidence the same detector reached as of each earlier week
        (`history`: as of 5, 6, ... weeks before, while 15 weeks of inputs remain), the longest run of weeks
        without a paying project after its first paying week (`silent_run`), and its paying weeks."""
        key = id(record)
        if key in self.cache:
            return self.cache[key]
        PB, limits = self.PB, self.limits
        weekly, payments, national, national_payments, needed, remaining, as_of = record[0]
        now = PB.pace_breaks(*record[0], self.loose, record[2], record[4])
        recent, span = limits.recent_weeks, limits.recent_weeks + limits.earlier_weeks
        total = payments.shape[1]
        past_evidence = np.zeros((len(needed), total - span + 1 - recent))
        past_weeks = np.zeros((len(needed), total - span + 1 - recent), dtype=int)
        for column, shift in enumerate(range(recent, total - span + 1)):
            (w, p, n, np_), mp, nmp = _shifted(record, shift)
            past = PB.pace_breaks(w, p, n, np_, needed, remaining, as_of, self.loose, mp, nmp)
            past_evidence[:, column], past_weeks[:, column] = past.evidence, past.weeks
        history = past_evidence.max(axis=1)
        history_two = np.where(past_weeks >= 2, past_evidence, 0.0).max(axis=1)
        # silent runs: weeks recent.. oldest, from the area's first paying week on
        older = payments[:, recent:][:, ::-1] > 0  # oldest first
        started = np.maximum.accumulate(older, axis=1)
        run = np.zeros(len(needed), dtype=int)
        longest = np.zeros(len(needed), dtype=int)
        for week in range(older.shape[1]):
            run = np.where(started[:, week] & ~older[:, week], run + 1, 0)
            longest = np.maximum(longest, run)
        guards = (~np.isnan(now.ratio)) & (now.recent_weekly < limits.ratio_pct / 100 * now.expected_weekly)
        guards &= now.recent_weekly < limits.ratio_pct / 100 * needed
        out = {
            "evidence": now.evidence,
            "weeks": now.weeks,
            "guards": guards,
            "history": history,
            "history_two": history_two,
            "past_evidence": past_evidence,
            "silent_run": longest,
            "paying_weeks": older.sum(axis=1),
        }
        self.cache[key] = out
        return out

    def rule(self, evidence=3.0, one_week=5.0, scale=0.0, margin=0.0, which="history", run_weeks=False, back=None):
        """Flag when the evidence reaches need = max(evidence, scale x history + margin) over 2+ weeks (or
        max(one_week, the same) in one); back: the history only as of 5 .. `back` weeks before; run_weeks: the
        evidence must have built up over more weeks than the area's longest silent run (at least 2)."""

        def rule(record):
            f = self.features(record)
            seen = f[which] if back is None else f["past_evidence"][:, : back - 4].max(axis=1)
            extra = scale * seen + margin if scale > 0 else np.zeros(len(f["evidence"]))
            need = np.maximum(evidence, extra)
            need_one = np.maximum(one_week, extra)
            min_weeks = np.maximum(2, f["silent_run"] + 1) if run_weeks else 2
            strong = ((f["evidence"] >= need) & (f["weeks"] >= min_weeks)) | (f["evidence"] >= need_one)
            return strong & f["guards"]

        return rule


# The studied candidate named before the round-13p hold-outs were generated (not adopted): the kept test, but an
# area whose own season already gave more evidence without a break needs 0.75 x that much (at least 3; 5 in one week).
CANDIDATE = {"evidence": 3.0, "scale": 0.75}


def score(hold_out: bool = False) -> None:
    """The kept rule and the candidate: provinces flagged within 7/14/21 days of their break, untouched flagged at
    some Friday (break weeks), clusters; per year on the hold-outs."""
    years = _load(hold_out)
    study = Study(years)
    print(f"{len(years)} years recorded", flush=True)
    rules = {"kept (round 10)": kept_flags, "candidate (season x 0.75; not adopted)": study.rule(**CANDIDATE)}
    for name, rule in rules.items():
        print(short_line(name, study.scores(rule), soon(years, rule)), flush=True)
    for year, data in years.items():
        one = {year: data}
        lines = [
            short_line(f"  {year}: {name}", pace_scores({year: data[:3]}, r), soon(one, r)) for name, r in rules.items()
        ]
        if hold_out or lines[0].split(":", 2)[2] != lines[1].split(":", 2)[2]:  # seen years: where they differ
            print("\n".join(lines), flush=True)


def soon(years: dict, rule, level: str = "province") -> tuple[int, int, int, int]:
    """Broken areas flagged within 7, 14 and 21 days after their break (at some Friday), and broken areas."""
    from datetime import date

    counts = [0, 0, 0]
    broken = 0
    for truth, _, inputs, *_ in years.values():
        hit = truth["hit_provinces"] if level == "province" else truth.get("hit_clusters", {})
        flagged = {}
        for friday, record in inputs[level].items():
            flagged[friday] = {code for code, flag in zip(record[1], rule(record), strict=True) if flag}
        for code, day in hit.items():
            broken += 1
            day = date.fromisoformat(day)
            first = min(((f - day).days for f in B.FRIDAYS if f > day and code in flagged[f]), default=None)
            for index, limit in enumerate((7, 14, 21)):
                counts[index] += first is not None and first <= limit
    return (*counts, broken)


def misses() -> None:
    """Why the kept rule misses broken provinces within 21 days: per missed province, over the Fridays within 21
    days of its break, the highest evidence, whether it was judged, the baht guard, its earlier paying
    project-weeks and its paying weeks in the season before."""
    from datetime import date, timedelta

    years = _load()
    study = Study(years)
    why: dict[str, int] = {}
    for name, (truth, _, inputs, _) in years.items():
        for code, day in truth["hit_provinces"].items():
            day = date.fromisoformat(day)
            fridays = [f for f in B.FRIDAYS if day < f <= day + timedelta(days=21)]
            rows = []
            for friday in fridays:
                record = inputs["province"][friday]
                row = record[1].index(code)
                f = study.features(record)
                flag = study.rule()(record)[row]
                judged = record[0][1][row, 5:15].sum()
                rows.append((flag, f["evidence"][row], f["weeks"][row], f["guards"][row], judged, f["history"][row]))
            if any(r[0] for r in rows):
                continue
            best = max(rows, key=lambda r: r[1]) if rows else None
            if best is None:
                kind = "no Friday"
            elif best[4] < study.limits.min_payments:
                kind = "not judged (few earlier payers)"
            elif best[1] < 3:
                kind = "evidence below 3"
            else:
                kind = "evidence reached, guard failed"
            why[kind] = why.get(kind, 0) + 1
            detail = (
                ""
                if best is None
                else f"ev {best[1]:.2f} wk {best[2]} guard {best[3]} earlier {best[4]:.0f} hist {best[5]:.2f}"
            )
            print(f"{name} {code} {day}: {kind} {detail}", flush=True)
    print(why)


def short_line(name: str, result: dict, days: tuple) -> str:
    """Provinces detected within 7/14/21 days of broken, untouched flagged at some Friday (break weeks);
    clusters detected of broken, untouched flagged at some Friday."""
    d, b, w, s, c = result["province"]
    cd, cb, _, cs, cc = result["cluster"]
    return (
        f"{name}: provinces {days[0]}/{days[1]}/{d} of {b}, untouched {s} of {c} ({s / max(c, 1):.1%}) ({w})"
        f" | clusters {cd} of {cb}, {cs} of {cc}"
    )


def curve() -> None:
    """The kept rule and the candidates at several evidence levels (detection at equal false alarms)."""
    years = _load()
    study = Study(years)
    print(f"{len(years)} years recorded", flush=True)

    def show(name, rule):
        print(short_line(name, study.scores(rule), soon(years, rule)), flush=True)

    for ev in (2.5, 2.75, 3.0, 3.25, 3.5):
        show(f"kept at evidence {ev}", study.rule(ev))
    for which in ("history", "history_two"):
        for scale in (0.75, 1.0, 1.25):
            for ev in (2.5, 2.75, 3.0):
                show(f"{which} x {scale}, evidence {ev}", study.rule(ev, scale=scale, which=which))
    for ev in (2.5, 2.75, 3.0):
        show(f"weeks beyond the longest silent run, evidence {ev}", study.rule(ev, run_weeks=True))


def rule_own_window(study: Study, window: int, evidence: float = 3.0, one_week: float = 5.0, prior: float = 3.0):
    """The kept test with the area's own pace (paid against the model's carried expectation) read from the
    `window` weeks before the recent ones instead of the 10 earlier weeks (its whole weekly-paying history so
    far when the window is longer than its season); the guards as kept."""
    limits = study.limits
    recent = limits.recent_weeks
    share = limits.broken_share_pct / 100

    def rule(record):
        key = ("own", id(record), window, prior)
        if key not in study.cache:
            payments = record[0][1]
            national_payments, model, nation = record[0][3], record[2], record[4]
            span = min(recent + window, payments.shape[1])
            calendar = np.divide(
                national_payments[:span], nation[:span], out=np.zeros(span), where=np.asarray(nation[:span]) > 0
            )
            carried = model[:, :span] * calendar[None, :]
            own = (payments[:, recent:span].sum(axis=1) + prior) / (carried[:, recent:span].sum(axis=1) + prior)
            ev, weeks = R10._cusum(
                payments[:, :recent] * math.log(share) + (1 - share) * own[:, None] * carried[:, :recent]
            )
            study.cache[key] = (ev, weeks, R10._guards(record, weeks, limits))
        ev, weeks, guards = study.cache[key]
        return (((ev >= evidence) & (weeks >= 2)) | (ev >= one_week)) & guards

    return rule


def curve_own() -> None:
    """The area's own pace from a longer stretch of its season (one curve per window)."""
    years = _load()
    study = Study.__new__(Study)
    Study.__init__(study, years)
    print(f"{len(years)} years recorded", flush=True)
    for window in (10, 15, 20, 30, 47):
        for ev in (2.5, 2.75, 3.0, 3.25):
            rule = rule_own_window(study, window, ev)
            print(short_line(f"own pace over {window} weeks, evidence {ev}", study.scores(rule), soon(years, rule)))


def matched() -> None:
    """Near the kept rule's false-alarm rate: the kept rule and the season's-evidence candidate (x 0.5, 0.75) at
    evidence 2.8-3.0; and the season's highest evidence of the areas flagged (untouched, and broken within 21 days)."""
    from datetime import date, timedelta

    years = _load()
    study = Study(years)
    print(f"{len(years)} years recorded", flush=True)
    for ev in (2.8, 2.85, 2.9, 2.95, 3.0):
        for scale in (0.0, 0.5, 0.75):
            rule = study.rule(ev, scale=scale)
            print(short_line(f"evidence {ev}, season x {scale}", study.scores(rule), soon(years, rule)), flush=True)
    groups: dict[str, list] = {"untouched flagged": [], "untouched not flagged": [], "broken flagged in 21 days": []}
    kept = study.rule()
    for truth, _, inputs, _ in years.values():
        hit = {code: date.fromisoformat(day) for code, day in truth["hit_provinces"].items()}
        for friday, record in inputs["province"].items():
            f, flags = study.features(record), kept(record)
            for row, code in enumerate(record[1]):
                if code in hit:
                    if flags[row] and hit[code] < friday <= hit[code] + timedelta(days=21):
                        groups["broken flagged in 21 days"].append(f["history"][row])
                elif f["guards"][row]:
                    groups["untouched flagged" if flags[row] else "untouched not flagged"].append(f["history"][row])
    for group, values in groups.items():
        deciles = np.percentile(values, [10, 25, 50, 75, 90]).round(2)
        print(f"{group}: {len(values)} area-Fridays, season's highest evidence at 10/25/50/75/90%: {deciles}")


def curve_low() -> None:
    """A lower evidence where the area's own season was calm, its own season's highest evidence times a scale
    (plus a margin) where it was not."""
    years = _load()
    study = Study(years)
    print(f"{len(years)} years recorded", flush=True)

    def show(name, rule):
        print(short_line(name, study.scores(rule), soon(years, rule)), flush=True)

    show("kept", study.rule())
    for ev in (1.5, 2.0, 2.25, 2.5):
        for scale, margin in ((1.0, 0.0), (1.25, 0.0), (1.5, 0.0), (1.0, 0.5), (1.0, 1.0)):
            show(f"evidence {ev}, history x {scale} + {margin}", study.rule(ev, scale=scale, margin=margin))
    for back in (10, 15, 20):
        for ev, scale in ((2.0, 1.25), (2.5, 1.0), (2.75, 0.75)):
            show(f"evidence {ev}, history x {scale}, 5-{back} weeks back", study.rule(ev, scale=scale, back=back))


def speed() -> None:
    """CPU seconds per detector call, best of 5 passes, alternating, on every recorded Friday and level of the demo
    (seed 2562) and of all seen years: the kept rule on the 16 weeks the projection keeps, and the candidate (the
    kept test as of now and as of each earlier week of the season, SEASON_WEEKS weeks kept)."""
    import time
    from dataclasses import replace

    from budget_metrics import pace_break as PB

    limits = PB.PaceLimits.from_thresholds({})
    loose = replace(limits, evidence=0.0, min_weeks=1, one_week_evidence=math.inf)
    span = limits.recent_weeks + limits.earlier_weeks

    def kept(record):
        args = record[0]
        cut = (args[0][:, :16], args[1][:, :16], args[2][:16], args[3][:16], *args[4:])
        PB.pace_breaks(*cut, limits, record[2][:, :16], record[4][:16])

    def candidate(record):
        PB.pace_breaks(*record[0], limits, record[2], record[4])
        needed, remaining, as_of = record[0][4:7]
        for shift in range(limits.recent_weeks, record[0][1].shape[1] - span + 1):
            (w, p, n, np_), mp, nmp = _shifted(record, shift)
            PB.pace_breaks(w, p, n, np_, needed, remaining, as_of, loose, mp, nmp)

    years = _load()
    for label, names in (("demo (seed 2562)", ["demo_2562"]), ("all seen years", list(years))):
        calls = [rec for name in names for level in B.LEVELS for rec in years[name][2][level].values()]
        best = {"kept (round 10)": math.inf, "candidate": math.inf}
        for _ in range(5):
            for name, function in (("kept (round 10)", kept), ("candidate", candidate)):
                start = time.process_time()
                for record in calls:
                    function(record)
                best[name] = min(best[name], time.process_time() - start)
        for name, seconds in best.items():
            print(
                f"{label}, {name}: {1000 * seconds / len(calls):.3f} ms CPU per call ({len(calls)} calls)", flush=True
            )


def cpu(repeats: int = 5) -> None:
    """Best wall and CPU seconds of the whole national projection on the demo (backtest_projection._one_run: every
    level and line, the needs-intervention lists, cold) with the kept rule as it is (16 weeks kept per project) and
    with SEASON_WEEKS kept (what the candidate would need), alternating in one process (the same load)."""
    from budget_metrics import pace_break as PB
    from budget_metrics import projection as P
    from budget_metrics.filters import Filters

    kept_weeks = PB.WEEKS_KEPT
    B._use(B.build_seed(2562))
    filters = Filters(B.FISCAL_YEAR)
    for level in P.LEVELS:
        P.area_projection(filters, level)
    runs: dict[int, list] = {kept_weeks: [], SEASON_WEEKS: []}
    try:
        for _ in range(repeats):
            for weeks in runs:
                PB.WEEKS_KEPT = weeks
                runs[weeks].append(B._one_run(P, filters))
    finally:
        PB.WEEKS_KEPT = kept_weeks
    for weeks, values in runs.items():
        wall, cpu_s = min(v[2] for v in values), min(v[3] for v in values)
        print(f"demo, {weeks} weeks kept: wall {wall:.3f} s, CPU {cpu_s:.3f} s", flush=True)
    print(f"  load average {os.getloadavg()}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "study", choices=("record", "score", "curve", "curve-low", "curve-own", "matched", "misses", "speed", "cpu")
    )
    parser.add_argument("--hold-out-13p", action="store_true", help="the round-13 pace-break hold-outs")
    parser.add_argument("--only", nargs="*", help="record only the years whose name holds one of these")
    parser.add_argument("--part", nargs=2, type=int, default=(0, 1), help="record every n-th year from k: k n")
    args = parser.parse_args()
    if args.study == "record":
        record(args.hold_out_13p, args.only, tuple(args.part))
    elif args.study == "score":
        score(args.hold_out_13p)
    elif args.study == "curve":
        curve()
    elif args.study == "curve-low":
        curve_low()
    elif args.study == "misses":
        misses()
    elif args.study == "matched":
        matched()
    elif args.study == "curve-own":
        curve_own()
    elif args.study == "speed":
        speed()
    elif args.study == "cpu":
        cpu()


if __name__ == "__main__":
    main()
