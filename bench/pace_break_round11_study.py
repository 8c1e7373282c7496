"""The study behind round 11 of issue 17 (docs/projection.md, "Round 11 of issue 17: weekly counts that clump"):
an over-dispersion-aware pace-break test, scored offline on every Friday of the seen years.

    .venv/bin/python bench/pace_break_round10_study.py record              # the records (round 10's recorder)
    .venv/bin/python bench/pace_break_round10_study.py record --hold-out-10
    .venv/bin/python bench/pace_break_round11_study.py record-seen  # the rest of seen_before(11)
    .venv/bin/python bench/pace_break_round11_study.py dispersion   # how clumped the seen years' weekly counts are
    .venv/bin/python bench/pace_break_round11_study.py grid         # the candidates on the seen years
    .venv/bin/python bench/pace_break_round11_study.py matched      # the same near the goal's false-alarm level
    .venv/bin/python bench/pace_break_round11_study.py clumps       # are the false alarms' earlier weeks clumpier?
    .venv/bin/python bench/pace_break_round11_study.py record --hold-out-11   # after the round-11 choice was
    .venv/bin/python bench/pace_break_round11_study.py score --hold-out-11    # committed: the hold-outs, once
    .venv/bin/python bench/pace_break_round11_study.py speed        # CPU per call of the kept detector

Seen years: the demo seeds and projection_study.seen_before(11) (round 10's pace-break hold-outs included; 42 years
when the round-11 choice was made, 45 since main's round-10 projection hold-outs were merged into it), recorded by
round 10's recorder into bench/out/round10_pace/. A study script: nothing it prints is a setting.
"""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
import backtest_projection as B  # noqa: E402
import pace_break_round10_study as R10  # noqa: E402
from projection_study import pace_scores, score_line, seen_before  # noqa: E402

import synthetic_years as SY  # noqa: E402

SEEN = seen_before(11)


def _load_seen() -> dict:
    """The demo seeds and the generated years of seen_before(11) (round 10's records; `record-seen` records those
    round 10's recorder does not: the projection's round-10 hold-outs, merged after the round-11 choice)."""
    years = {name: data for name, data in R10._load(False).items() if name.startswith("demo_")}
    saved = R10._hold_out
    R10._hold_out = lambda: SEEN
    try:
        years.update(R10._load(True))
    finally:
        R10._hold_out = saved
    want = {f"demo_{seed}" for seed in B.DEMO_SEEDS} | {f"{mix}_{seed}" for mix, seed in SEEN}
    missing = want - set(years)
    if missing:
        raise SystemExit(f"not recorded: {sorted(missing)} (run record-seen)")
    return years


def record_seen() -> None:
    """Round 10's recorder on the generated years of seen_before(11) it has not recorded yet."""
    R10._hold_out = lambda: SEEN
    R10.record(True)


def _hold_out_11() -> tuple:
    return getattr(SY, "HOLD_OUT_ROUND_11P", ())


def _load_hold_out() -> dict:
    R10._hold_out = _hold_out_11
    return R10._load(True)


def expected_span(record, prior: float = 3.0, recent: int = 5, earlier: int = 10):
    """(paying projects, expected paying projects) per area over the recent and the earlier weeks (areas, 15),
    the expectation as pace_break._model_expected computes it (carried by the nation, the area's own pace)."""
    payments = record[0][1]
    national_payments = record[0][3]
    model_payers, national_model_payers = record[2], record[4]
    span = recent + earlier
    nation = np.asarray(national_model_payers[:span], dtype=float)
    calendar = np.divide(national_payments[:span], nation, out=np.zeros(span), where=nation > 0)
    carried = model_payers[:, :span] * calendar[None, :]
    own = (payments[:, recent:span].sum(axis=1) + prior) / (carried[:, recent:span].sum(axis=1) + prior)
    return payments[:, :span].astype(float), own[:, None] * carried


def dispersion(x: np.ndarray, e: np.ndarray, weeks: float, recent: int = 5, kind: str = "nb"):
    """Per area, from the earlier weeks only: the negative binomial's alpha (variance e + alpha e^2; method of
    moments, sum((x - e)^2 - x) / sum(e^2)) or the quasi-Poisson's phi (variance phi e; Pearson's
    sum((x - e)^2 / e) / weeks), each shrunk towards the pooled value of all areas that Friday with `weeks`
    pseudo-weeks (inf: the pooled value only; 0: the area's own)."""
    xe, ee = x[:, recent:], e[:, recent:]
    n = xe.shape[1]
    if kind == "nb":
        num = ((xe - ee) ** 2 - xe).sum(axis=1)
        den = (ee**2).sum(axis=1)
        pooled = max(num.sum(), 0.0) / max(den.sum(), 1e-9)
        own = np.divide(num, den, out=np.full(len(num), pooled), where=den > 0)
    else:
        resid = np.divide((xe - ee) ** 2, ee, out=np.zeros_like(ee), where=ee > 0)
        active = (ee > 0).sum(axis=1)
        pooled = resid.sum() / max(active.sum(), 1)
        own = np.divide(resid.sum(axis=1), active, out=np.full(len(active), pooled), where=active > 0)
    if math.isinf(weeks):
        value = np.full(len(own), pooled)
    else:
        value = (n * own + weeks * pooled) / (n + weeks)
    return np.maximum(value, 0.0), pooled


def nb_step(x: np.ndarray, mu: np.ndarray, alpha: np.ndarray, share: float) -> np.ndarray:
    """Log likelihood ratio of x under a negative binomial of mean share * mu against mean mu, both of variance
    m + alpha m^2: x ln(share) + (x + 1/alpha) ln((mu + 1/alpha) / (share mu + 1/alpha)); Poisson at alpha 0."""
    a = np.broadcast_to(alpha, mu.shape)
    poisson = x * math.log(share) + (1 - share) * mu
    safe = np.where(a > 1e-9, a, 1.0)
    nb = x * math.log(share) + (x + 1 / safe) * np.log1p((1 - share) * mu * safe / (share * mu * safe + 1))
    return np.where(a > 1e-9, nb, poisson)


class Study(R10.Study):
    def __init__(self, years):
        super().__init__(years)

    def steps(self, record, kind: str, weeks: float, floor: float, cap: float):
        """Per area, the recent weeks' evidence steps under the candidate (cached)."""
        key = ("steps", id(record), kind, weeks, floor, cap)
        if key in self.cache:
            return self.cache[key]
        recent = self.limits.recent_weeks
        share = self.limits.broken_share_pct / 100
        x, e = expected_span(record, self.limits.own_prior_payments, recent, self.limits.earlier_weeks)
        if kind == "poisson":
            step = x[:, :recent] * math.log(share) + (1 - share) * e[:, :recent]
        elif kind == "nb":
            alpha, _ = dispersion(x, e, weeks, recent, "nb")
            alpha = np.clip(alpha, floor, cap)
            step = nb_step(x[:, :recent], e[:, :recent], alpha[:, None], share)
        else:  # quasi-Poisson: the Poisson steps over phi ("qprel": over phi / the pooled phi)
            phi, pooled = dispersion(x, e, weeks, recent, "qp")
            if kind == "qprel":
                phi = phi / max(pooled, 1e-9)
            phi = np.clip(phi, floor, cap)
            step = (x[:, :recent] * math.log(share) + (1 - share) * e[:, :recent]) / phi[:, None]
        self.cache[key] = step
        return step

    def rule(self, kind="nb", weeks=10.0, floor=0.0, cap=10.0, evidence=3.0, one_week=5.0, min_weeks=2):
        def rule(record):
            step = self.steps(record, kind, weeks, floor, cap)
            ev, wk = R10._cusum(step)
            strong = ((ev >= evidence) & (wk >= min_weeks)) | (ev >= one_week)
            return strong & R10._guards(record, wk, self.limits)

        return rule


def show_dispersion() -> None:
    """The pooled alpha and phi per seen year (provinces, averaged over the Fridays)."""
    years = _load_seen()
    for name, (_, _, inputs, _) in sorted(years.items()):
        line = [name]
        for level in B.LEVELS:
            alphas, phis = [], []
            for record in inputs[level].values():
                x, e = expected_span(record)
                alphas.append(dispersion(x, e, math.inf, kind="nb")[1])
                phis.append(dispersion(x, e, math.inf, kind="qp")[1])
            line.append(f"{level} alpha {np.mean(alphas):.3f} phi {np.mean(phis):.2f}")
        print(" | ".join(line), flush=True)


def grid() -> None:
    """NB with the pooled or shrunk alpha, quasi-Poisson with phi floored at 0.5 or 1: evidence x one week."""
    years = _load_seen()
    study = Study(years)
    print(f"{len(years)} years recorded", flush=True)
    print(score_line("kept (round 10)", study.scores(study.adopted)), flush=True)
    print(score_line("poisson recomputed (= kept)", study.scores(study.rule("poisson"))), flush=True)
    for kind, floors in (("nb", (0.0,)), ("qp", (0.5, 1.0))):
        for weeks in (math.inf, 10.0, 3.0):
            for floor in floors:
                for evidence in (2.0, 2.5, 3.0):
                    for one_week in (4.0, 5.0, math.inf):
                        rule = study.rule(kind, weeks, floor, 10.0, evidence, one_week)
                        name = f"{kind} shrink {weeks} floor {floor} evidence {evidence} one week {one_week}"
                        print(score_line(name, study.scores(rule)), flush=True)


def matched() -> None:
    """The kept rule and the dispersion-aware candidates around the goal's false-alarm level (one week 5)."""
    years = _load_seen()
    study = Study(years)
    for evidence in (2.75, 3.0, 3.25, 3.5):
        rule = study.rule("poisson", evidence=evidence)
        print(score_line(f"kept at evidence {evidence}", study.scores(rule)), flush=True)
    for kind, weeks, floor, cap in (
        ("qp", 0.0, 1.0, 10.0),
        ("qp", 3.0, 1.0, 10.0),
        ("qp", 3.0, 0.8, 10.0),
        ("qp", 3.0, 0.9, 10.0),
        ("qprel", 3.0, 0.0, 10.0),
        ("qprel", 10.0, 0.0, 10.0),
        ("qprel", 3.0, 1.0, 10.0),
        ("qprel", 3.0, 0.8, 1.5),
        ("nb", 0.0, 0.0, 10.0),
    ):
        for evidence in (2.5, 2.75, 3.0, 3.25):
            rule = study.rule(kind, weeks, floor, cap, evidence, 5.0)
            name = f"{kind} shrink {weeks} floor {floor} cap {cap} evidence {evidence}"
            print(score_line(name, study.scores(rule)), flush=True)


def clumps() -> None:
    """Are the false alarms clumpier? Per judged province and Friday (kept rule): each area's own quasi-Poisson phi
    over its earlier weeks, for untouched provinces flagged, untouched not flagged, and broken provinces flagged."""
    years = _load_seen()
    study = Study(years)
    groups: dict[str, list] = {"untouched flagged": [], "untouched not flagged": [], "broken flagged": []}
    for truth, _, inputs, _ in years.values():
        hit = set(truth["hit_provinces"])
        for record in inputs["province"].values():
            flags = study.adopted(record)
            x, e = expected_span(record)
            phi, _ = dispersion(x, e, 0.0, kind="qp")
            judged = record[0][1][:, 5:15].sum(axis=1) >= study.limits.min_payments
            for row, code in enumerate(record[1]):
                if not judged[row] or (code in hit and not flags[row]):
                    continue
                group = (
                    "broken flagged" if code in hit else "untouched flagged" if flags[row] else "untouched not flagged"
                )
                groups[group].append(phi[row])
    for group, values in groups.items():
        deciles = np.percentile(values, [10, 25, 50, 75, 90]).round(2)
        print(f"{group}: {len(values)} area-Fridays, phi at 10/25/50/75/90%: {deciles}", flush=True)


# The best studied candidate, named before the round-11 hold-outs were generated: scored beside the kept rule on
# them, report only (not adopted).
CANDIDATE = {"kind": "nb", "weeks": 0.0, "floor": 0.0, "cap": 10.0, "evidence": 3.0, "one_week": 5.0}


def record_hold_out() -> None:
    """Round 10's recorder on the round-11 hold-outs (bench/out/round10_pace/<year>.pkl)."""
    R10._hold_out = _hold_out_11
    R10.record(True)


def score_hold_out() -> None:
    """The round-11 hold-outs, once: the kept rule (round 10's) and the candidate, overall and per year."""
    years = _load_hold_out()
    study = Study(years)
    print(f"{len(years)} years recorded", flush=True)
    candidate = study.rule(**CANDIDATE)
    print(score_line("kept (round 10)", study.scores(study.adopted)), flush=True)
    print(score_line("candidate (NB, own alpha; not adopted)", study.scores(candidate)), flush=True)
    for year, data in years.items():
        for name, rule in (("kept (round 10)", study.adopted), ("candidate", candidate)):
            print(score_line(f"  {year}: {name}", pace_scores({year: data[:3]}, rule)), flush=True)


def speed() -> None:
    """CPU seconds per pace_breaks call (the kept detector, unchanged by round 11) on every recorded Friday and
    level of the seen years, best of 5 passes."""
    import time

    from budget_metrics import pace_break as PB

    calls = [rec for _, _, inputs, _ in _load_seen().values() for level in B.LEVELS for rec in inputs[level].values()]
    limits = PB.PaceLimits.from_thresholds({})
    best = math.inf
    for _ in range(5):
        start = time.process_time()
        for record in calls:
            PB.pace_breaks(*record[0], limits, record[2], record[4])
        best = min(best, time.process_time() - start)
    print(f"kept (round 10): {1000 * best / len(calls):.3f} ms CPU per call ({len(calls)} calls)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = {
        "record-seen": record_seen,
        "dispersion": show_dispersion,
        "grid": grid,
        "matched": matched,
        "clumps": clumps,
        "speed": speed,
    }
    parser.add_argument("study", choices=(*commands, "record", "score"))
    parser.add_argument("--hold-out-11", action="store_true", help="record or score the round-11 hold-outs")
    args = parser.parse_args()
    if args.study == "record" and args.hold_out_11:
        record_hold_out()
    elif args.study == "score" and args.hold_out_11:
        score_hold_out()
    elif args.study in commands:
        commands[args.study]()
    else:
        parser.error("record and score take --hold-out-11 (the seen years are recorded by round 10's recorder)")


if __name__ == "__main__":
    main()
