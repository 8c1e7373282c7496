"""The study behind round 10 of issue 17 (docs/projection.md, "Round 10 of issue 17: the pace-break warning"):
evidence beyond the count of paying projects per week, scored offline on every Friday of the seen years.

    .venv/bin/python bench/pace_break_round10_study.py record   # per seen year (demo seeds and the 36 generated
                                                                # years before round 10): every Friday's inputs
                                                                # of the warning and each project's own ones
    .venv/bin/python bench/pace_break_round10_study.py score    # candidate expectations and tests on them: each
                                                                # contract's own rhythm, a Bernoulli CUSUM per
                                                                # project, implementing agencies paying, area size
    .venv/bin/python bench/pace_break_round10_study.py grid     # the CUSUM's thresholds: evidence in a single
                                                                # week, the baht guard, evidence by area size
    .venv/bin/python bench/pace_break_round10_study.py speed    # CPU per call of the kept and the new detector
    .venv/bin/python bench/pace_break_round10_study.py money    # after the hold-outs (report only): a lower count
                                                                # evidence when the baht fell further
    .venv/bin/python bench/pace_break_round10_study.py cpu      # the whole national projection, cold, on the demo
                                                                # and at 10x, with either rule, runs alternating
    .venv/bin/python bench/pace_break_round10_study.py record --hold-out-10   # after the round-10 choice was
    .venv/bin/python bench/pace_break_round10_study.py score --hold-out-10    # committed: the hold-outs, once

Records go to bench/out/round10_pace/<year>.pkl (new files; the backtest stores are opened read-only). A study
script: it patches nothing permanently; nothing it prints is a setting.
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
from projection_study import pace_scores, score_line, seen_before  # noqa: E402

import synthetic_years as SY  # noqa: E402

SEEN = seen_before(10)
RECORDS = B.OUT / "round10_pace"
# Days silent over a contract's own mean interval: the bins of the rhythm's chance of paying in a week.
BINS = np.array([0.5, 0.8, 1.0, 1.2, 1.5, 2.0, 3.0])


def _hold_out() -> tuple:
    return getattr(SY, "HOLD_OUT_ROUND_10P", ())


def _years(hold_out: bool) -> dict[str, tuple[Path, dict]]:
    """Name -> (database, truth) of the seen years (demo seeds: no break) or of the round-10 hold-outs."""
    if hold_out:
        return {f"{mix}_{seed}": B.build_generated(mix, seed) for mix, seed in _hold_out()}
    years = {f"demo_{seed}": (B.build_seed(seed), {"hit_provinces": {}, "hit_clusters": {}}) for seed in B.DEMO_SEEDS}
    years.update({f"{mix}_{seed}": B.build_generated(mix, seed) for mix, seed in SEEN})
    return years


def record(hold_out: bool = False, only: list[str] | None = None) -> None:
    """Per year into RECORDS/<year>.pkl: (truth, members, inputs, projects) with inputs[level][friday] = (the
    seven arguments of pace_break.pace_breaks, the area codes, the areas' model-expected payers, None, the
    nation's model-expected payers, None) as the projection hands them over (round 8's layout), and
    projects = {"frame": per project province, cluster, owner, budget type, contract date, planned end, ceiling
    (last Friday's), "ledger": every current-year payment to the last Friday (position, day, amount),
    friday: (each project's weekly baht, paying and model-expected payers, float32 (projects, 16 weeks),
    ceiling)}."""
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
    weeks = PB.WEEKS_KEPT
    try:
        for name, (db, truth) in _years(hold_out).items():
            path = RECORDS / f"{name}.pkl"
            if path.exists() or (only and not any(part in name for part in only)):
                continue
            os.environ["BUDGET_DB"] = str(db)
            P._cached_model.cache_clear()
            P._selected_codes.cache_clear()
            con = duckdb.connect(str(db), read_only=True)
            members = dict(con.execute("SELECT province_code, cluster_code FROM provinces").fetchall())
            con.close()
            inputs = {level: {} for level in B.LEVELS}
            projects: dict = {}
            for friday in B.FRIDAYS:
                for level in B.LEVELS:
                    calls.clear()
                    codes = list(P.area_projection(Filters(2562, as_of=friday), level)["code"])
                    args = calls[0]
                    inputs[level][friday] = (args[:7], codes, args[8], None, args[9], None)
                model = P._model(2562, friday)
                tail = model.view_inputs[:, -3 * weeks :].astype(np.float32)
                frame = model.projects
                projects[friday] = (tail, frame["ceiling"].to_numpy(float))
                P._cached_model.cache_clear()
            frame = model.projects
            projects["frame"] = {
                "province": frame["province_code"].to_numpy(object),
                "cluster": frame["cluster_code"].to_numpy(object),
                "owner": frame["owner"].to_numpy(object),
                "budget_type": frame["budget_type"].to_numpy(object),
                "contract_date": frame["contract_date"].to_numpy(object),
                "planned_end": frame["planned_end"].to_numpy(object),
                "project_code": frame["project_code"].to_numpy(object),
            }
            con = duckdb.connect(str(db), read_only=True)
            agency = dict(con.execute("SELECT project_code, implementing_agency FROM projects").fetchall())
            con.close()
            projects["frame"]["agency"] = np.array([agency.get(code) for code in frame["project_code"]], dtype=object)
            _, ledger = P._history(2562, B.FRIDAYS[-1])
            projects["ledger"] = ledger
            path.write_bytes(pickle.dumps((truth, members, inputs, projects)))
            print(f"recorded {name}", file=sys.stderr, flush=True)
    finally:
        PB.pace_breaks = original


def _load(hold_out: bool = False) -> dict:
    """The recorded years (each project's implementing agency added from its store when the record lacks it)."""
    import duckdb

    names = [f"{mix}_{seed}" for mix, seed in _hold_out()] if hold_out else list(_years(False))
    out = {}
    for name in names:
        path = RECORDS / f"{name}.pkl"
        if not path.exists():
            continue
        data = pickle.loads(path.read_bytes())
        frame = data[3]["frame"]
        if "agency" not in frame:
            store = B.OUT / "backtest" / (f"seed_{name[5:]}" if name.startswith("demo_") else name)
            con = duckdb.connect(f"{store}.duckdb", read_only=True)
            agency = dict(con.execute("SELECT project_code, implementing_agency FROM projects").fetchall())
            con.close()
            frame["agency"] = np.array([agency.get(code) for code in frame["project_code"]], dtype=object)
        out[name] = data
    return out


class _Year:
    """One recorded year's per-project arrays, built once: area rows per level, payment events (payments on
    days within MERGE_DAYS of the event before are one event: split documents, the retention)."""

    MERGE_DAYS = 7

    def __init__(self, truth, members, inputs, projects):
        frame = projects["frame"]
        self.n = len(frame["province"])
        self.rows = {}
        for level, key in (("province", "province"), ("cluster", "cluster")):
            codes = inputs[level][B.FRIDAYS[0]][1]
            where = {code: row for row, code in enumerate(codes)}
            self.rows[level] = np.array([where.get(code, -1) for code in frame[key]])
            self.rows[level + "_n"] = len(codes)
        self.owner = np.unique(frame["owner"].astype(str), return_inverse=True)[1]
        self.agency = np.unique(frame["agency"].astype(str), return_inverse=True)[1] if "agency" in frame else None
        self.investment = frame["budget_type"] == "investment"
        ledger = projects["ledger"]
        keep = ledger["amount"] > 0
        position, day = ledger["position"][keep].astype(np.int64), ledger["day"][keep].astype(np.int64)
        order = np.lexsort((day, position))
        position, day = position[order], day[order]
        new = np.r_[True, (position[1:] != position[:-1]) | (day[1:] - day[:-1] > self.MERGE_DAYS)]
        # chained merging is fine for a rhythm: events are the starts of payment runs
        self.event_position, self.event_day = position[new], day[new]
        self.key = self.event_position * 100_000 + self.event_day

    def rhythm(self, start_day: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Per project, at each day of start_day (weeks,): events before the day, the last one's day and the
        mean interval between them (NaN with fewer than two)."""
        weeks = len(start_day)
        count = np.zeros((self.n, weeks))
        last = np.full((self.n, weeks), np.nan)
        interval = np.full((self.n, weeks), np.nan)
        first_index = np.searchsorted(self.key, np.arange(self.n) * 100_000)
        for week, day in enumerate(start_day):
            end_index = np.searchsorted(self.key, np.arange(self.n) * 100_000 + day)  # events before `day`
            c = end_index - first_index
            count[:, week] = c
            has = c > 0
            last[has, week] = self.event_day[end_index[has] - 1]
            two = c > 1
            first = self.event_day[first_index[two]]
            interval[two, week] = (last[two, week] - first) / (c[two] - 1)
        return count, last, interval


def _cusum(step: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Evidence and its weeks from per-week steps (areas, recent weeks; column 0 the most recent)."""
    evidence = np.zeros(step.shape[0])
    weeks = np.zeros(step.shape[0], dtype=int)
    for week in range(step.shape[1] - 1, -1, -1):
        evidence = np.maximum(evidence + step[:, week], 0.0)
        weeks = np.where(evidence > 0, weeks + 1, 0)
    return evidence, weeks


def _guards(record, weeks, limits) -> np.ndarray:
    """pace_breaks' guards (enough history, points still expected, the baht below ratio of both paces over the
    weeks of the evidence) for evidence of `weeks` weeks."""
    weekly, payments, national, _, needed, remaining, _ = record[0]
    recent, earlier = limits.recent_weeks, limits.earlier_weeks
    before = national[recent : recent + earlier].sum() / earlier
    carried = national[:recent] / before if before > 0 else np.ones(recent)
    span = np.maximum(weeks, 1)
    inside = np.arange(recent)[None, :] < span[:, None]
    recent_weekly = (weekly[:, :recent] * inside).sum(axis=1) / span
    expected_weekly = np.maximum(weekly[:, recent : recent + earlier].sum(axis=1) / earlier, 0.0) * (
        (carried[None, :] * inside).sum(axis=1) / span
    )
    below = limits.ratio_pct / 100
    return (
        (payments[:, recent : recent + earlier].sum(axis=1) >= limits.min_payments)
        & (np.minimum(expected_weekly, np.maximum(needed, 0)) > 0)
        & (remaining >= limits.min_remaining_points)
        & (recent_weekly < below * expected_weekly)
        & (recent_weekly < below * needed)
    )


class Study:
    """Per-Friday features of the recorded years, cached, and the candidate rules on them."""

    def __init__(self, years: dict):
        from budget_metrics import pace_break as PB

        self.PB = PB
        # round 8's rule (the kept one: no single-week evidence) and round 10's (the thresholds file's)
        self.limits = PB.PaceLimits.from_thresholds({"pace_break_one_week_evidence": math.inf})
        self.adopted_limits = PB.PaceLimits.from_thresholds({})
        self.years = years
        self.info = {name: _Year(*data) for name, data in years.items()}
        self.cache: dict = {}
        # record id -> (year name, level, friday)
        self.where = {
            id(record): (name, level, friday)
            for name, (_, _, inputs, _) in years.items()
            for level in B.LEVELS
            for friday, record in inputs[level].items()
        }

    def scores(self, rule) -> dict:
        return pace_scores({name: data[:3] for name, data in self.years.items()}, rule)

    def kept(self, record) -> np.ndarray:
        return self.PB.pace_breaks(*record[0], self.limits, record[2], record[4]).flag

    def adopted(self, record) -> np.ndarray:
        return self.PB.pace_breaks(*record[0], self.adopted_limits, record[2], record[4]).flag

    def project_week(self, record):
        """(tail (projects, 48), ceiling, year info, level rows, area count, today day number)."""
        name, level, friday = self.where[id(record)]
        data = self.years[name][3][friday]
        info = self.info[name]
        return data[0].astype(float), data[1], info, info.rows[level], info.rows[level + "_n"], friday

    def rhythm_chance(self, name: str, friday, grace: float, bins: np.ndarray):
        """Per project and week (projects, 16): u = days silent at the week's start over the project's mean interval
        (NaN without a rhythm), and the national chance of paying in a week by u bin, from the earlier weeks."""
        key = ("rhythm", name, friday, grace, tuple(bins))
        if key in self.cache:
            return self.cache[key]
        from datetime import date

        info = self.info[name]
        tail = self.years[name][3][friday][0].astype(float)
        today = (friday - date(2018, 10, 1)).days
        weeks = tail.shape[1] // 3
        starts = today - 7 * np.arange(1, weeks + 1) + 1  # week k's first day
        count, last, interval = info.rhythm(starts)
        open_ = tail[:, 2 * weeks :] > 0  # the model expected something (not paid in full, plan started)
        u = np.where(open_ & (count >= 2) & (interval > 0), (starts[None, :] - last) / interval, np.nan)
        paid = tail[:, weeks : 2 * weeks] > 0
        recent, earlier = self.limits.recent_weeks, self.limits.earlier_weeks
        which = np.digitize(u, bins)
        hazard = np.zeros(len(bins) + 1)
        part = slice(recent, recent + earlier)
        ok = ~np.isnan(u[:, part])
        for b in range(len(bins) + 1):
            sel = ok & (which[:, part] == b)
            hazard[b] = (paid[:, part][sel].sum() + 1) / (sel.sum() + 2)
        chance = np.where(np.isnan(u), np.nan, hazard[which])
        self.cache[key] = (u, chance, paid, open_)
        return self.cache[key]


def _area_sum(rows: np.ndarray, values: np.ndarray, areas: int) -> np.ndarray:
    """(areas, columns): sums of the projects' rows (rows -1: in no area of the level)."""
    keep = rows >= 0
    out = np.zeros((areas, values.shape[1]))
    np.add.at(out, rows[keep], values[keep])
    return out


def _chances(study: Study, record, source: str = "model", grace: float = 0.0, bins=None):
    """Per project and week (projects, 16): the chance of paying carried by the nation's calendar and scaled by
    the area's own earlier pace (the kept detector's expectation, per project), from the model's class hazards
    ("model") or, for contracts with a rhythm, their own rhythm ("rhythm": the nation's chance of paying in a week
    by days silent over the contract's own interval; the rest keep the model's); and the paying indicators, the
    area rows and the area count."""
    from datetime import date

    tail, _, info, rows, areas, friday = study.project_week(record)
    weeks = tail.shape[1] // 3
    paid = tail[:, weeks : 2 * weeks] > 0
    model = tail[:, 2 * weeks :]
    name = study.where[id(record)][0]
    key = ("carried", name, friday, source, grace, None if bins is None else tuple(bins))
    if key not in study.cache:
        groups = [model]
        masks = [np.ones(model.shape, dtype=bool)]
        if source == "rhythm":
            u, chance, _, _ = study.rhythm_chance(name, friday, grace, bins)
            rhythmic = ~np.isnan(chance)
            groups = [np.where(rhythmic, 0.0, model), np.where(rhythmic, chance, 0.0)]
            masks = [~rhythmic, rhythmic]
        carried = np.zeros(model.shape)
        for values, mask in zip(groups, masks, strict=True):
            nation = values.sum(axis=0)
            nation_paid = (paid & mask).sum(axis=0)
            calendar = np.divide(nation_paid, nation, out=np.zeros(weeks), where=nation > 0)
            carried += values * calendar[None, :]
        study.cache[key] = carried.astype(np.float32)
    carried = study.cache[key].astype(float)
    limits = study.limits
    recent, span = limits.recent_weeks, limits.recent_weeks + limits.earlier_weeks
    prior = limits.own_prior_payments
    area_paid = _area_sum(rows, paid[:, recent:span].astype(float), areas).sum(axis=1)
    area_expected = _area_sum(rows, carried[:, recent:span], areas).sum(axis=1)
    own = (area_paid + prior) / (area_expected + prior)
    scaled = carried * np.where(rows >= 0, own[np.maximum(rows, 0)], 0.0)[:, None]
    del date
    return scaled, paid, rows, areas


def rule_poisson(study: Study, source="model", share=None, evidence=None, min_weeks=None, bins=None):
    """The kept Poisson CUSUM on a (per-project) expectation."""
    limits = study.limits
    share = limits.broken_share_pct / 100 if share is None else share
    threshold = limits.evidence if evidence is None else evidence
    least = limits.min_weeks if min_weeks is None else min_weeks

    def rule(record):
        scaled, paid, rows, areas = _chances(study, record, source, bins=bins)
        recent = limits.recent_weeks
        expected = _area_sum(rows, scaled[:, :recent], areas)
        count = _area_sum(rows, paid[:, :recent].astype(float), areas)
        step = count * math.log(share) + (1 - share) * expected
        ev, weeks = _cusum(step)
        limit = threshold(record) if callable(threshold) else threshold
        return (ev >= limit) & (weeks >= least) & _guards(record, weeks, limits)

    return rule


def rule_bernoulli(study: Study, source="model", share=None, evidence=None, cap=0.9, bins=None):
    """A CUSUM on each project's paying or not in each week (Bernoulli, chance p capped at `cap`, broken chance
    share x p), summed per area: a silent week of a project that was surely due weighs more than under Poisson."""
    limits = study.limits
    share = limits.broken_share_pct / 100 if share is None else share
    threshold = limits.evidence if evidence is None else evidence

    def rule(record):
        scaled, paid, rows, areas = _chances(study, record, source, bins=bins)
        recent = limits.recent_weeks
        p = np.minimum(scaled[:, :recent], cap)
        x = paid[:, :recent]
        llr = np.where(x, math.log(share), np.log1p(-share * p) - np.log1p(-p))
        step = _area_sum(rows, llr, areas)
        ev, weeks = _cusum(step)
        return (ev >= threshold) & (weeks >= limits.min_weeks) & _guards(record, weeks, limits)

    return rule


def rule_agencies(study: Study, share=None, evidence=None):
    """The Poisson CUSUM on implementing agencies paying per week (an agency pays in a week when any of its
    projects does), expected 1 - prod(1 - p) over each agency's projects of the area: a break of one lumpy
    agency counts once, a break across agencies counts for each."""
    limits = study.limits
    share = limits.broken_share_pct / 100 if share is None else share
    threshold = limits.evidence if evidence is None else evidence

    def rule(record):
        scaled, paid, rows, areas = _chances(study, record)
        name = study.where[id(record)][0]
        owner = study.info[name].agency
        recent = limits.recent_weeks
        keep = rows >= 0
        # (area, owner) pairs
        pair = rows[keep] * (owner.max() + 1) + owner[keep]
        pairs, inverse = np.unique(pair, return_inverse=True)
        log_none = np.zeros((len(pairs), recent))
        np.add.at(log_none, inverse, np.log1p(-np.minimum(scaled[keep, :recent], 0.95)))
        any_paid = np.zeros((len(pairs), recent))
        np.maximum.at(any_paid, inverse, paid[keep, :recent].astype(float))
        area_of = pairs // (owner.max() + 1)
        expected = np.zeros((areas, recent))
        count = np.zeros((areas, recent))
        np.add.at(expected, area_of, -np.expm1(log_none))
        np.add.at(count, area_of, any_paid)
        step = count * math.log(share) + (1 - share) * expected
        ev, weeks = _cusum(step)
        return (ev >= threshold) & (weeks >= limits.min_weeks) & _guards(record, weeks, limits)

    return rule


def _features(study: Study, record, source: str = "model") -> dict:
    """Per area on one recorded Friday (cached): the CUSUM's evidence and weeks on the model's expectation
    (the kept detector) or the contracts' own rhythm, and what the guards read: judged (enough earlier paying
    project-weeks, points still expected, a positive bar), the recent, expected and needed baht paces over the
    weeks of the evidence, the earlier paying project-weeks."""
    key = ("features", id(record), source)
    if key in study.cache:
        return study.cache[key]
    from dataclasses import replace

    loose = replace(study.limits, evidence=0.0, min_weeks=1)
    if source == "model":
        result = study.PB.pace_breaks(*record[0], loose, record[2], record[4])
        evidence, weeks = result.evidence, result.weeks
    else:
        scaled, paid, rows, areas = _chances(study, record, source, bins=BINS)
        recent = study.limits.recent_weeks
        expected = _area_sum(rows, scaled[:, :recent], areas)
        count = _area_sum(rows, paid[:, :recent].astype(float), areas)
        share = study.limits.broken_share_pct / 100
        evidence, weeks = _cusum(count * math.log(share) + (1 - share) * expected)
    # the paces over the weeks of the evidence (the guards), as pace_breaks computes them
    payments = record[0][1]
    recent, earlier = study.limits.recent_weeks, study.limits.earlier_weeks
    weekly, national, needed, remaining = record[0][0], record[0][2], record[0][4], record[0][5]
    before = national[recent : recent + earlier].sum() / earlier
    carried = national[:recent] / before if before > 0 else np.ones(recent)
    span = np.maximum(weeks, 1)
    inside = np.arange(recent)[None, :] < span[:, None]
    recent_weekly = (weekly[:, :recent] * inside).sum(axis=1) / span
    expected_weekly = np.maximum(weekly[:, recent : recent + earlier].sum(axis=1) / earlier, 0.0) * (
        (carried[None, :] * inside).sum(axis=1) / span
    )
    earlier_count = payments[:, recent : recent + earlier].sum(axis=1)
    judged = (
        (earlier_count >= study.limits.min_payments)
        & (np.minimum(expected_weekly, np.maximum(needed, 0)) > 0)
        & (remaining >= study.limits.min_remaining_points)
    )
    out = {
        "evidence": evidence,
        "weeks": weeks,
        "judged": judged,
        "recent": recent_weekly,
        "expected": expected_weekly,
        "needed": needed,
        "earlier": earlier_count,
    }
    study.cache[key] = out
    return out


def rule_thresholds(study: Study, source="model", evidence=3.0, one_week=math.inf, ratio=0.5, small=None):
    """The CUSUM with other thresholds: flagged when the evidence reaches `evidence` over at least two weeks, or
    `one_week` in a single week; the baht below `ratio` of both paces; small = (paying project-weeks, evidence):
    areas with fewer earlier paying project-weeks need this evidence instead."""

    def rule(record):
        f = _features(study, record, source)
        need = np.full(len(f["evidence"]), evidence)
        if small is not None:
            need = np.where(f["earlier"] < small[0], small[1], need)
        strong = ((f["weeks"] >= 2) & (f["evidence"] >= need)) | ((f["weeks"] >= 1) & (f["evidence"] >= one_week))
        return (
            strong
            & f["judged"]
            & (f["recent"] < ratio * f["expected"])
            & (f["recent"] < ratio * np.maximum(f["needed"], 0))
        )

    return rule


def rule_money(study: Study, low: float, ratio: float, one_week: float = math.inf):
    """Money with the count (looked at after the round-10 hold-outs were scored; nothing chosen on it): the kept
    rule, or a second route where the count evidence needs only `low` (over at least two weeks) when the baht
    over its weeks are below `ratio` of both the earlier (carried) and the needed pace."""
    kept = rule_thresholds(study, one_week=one_week)

    def rule(record):
        f = _features(study, record)
        money = (
            f["judged"]
            & (f["weeks"] >= 2)
            & (f["evidence"] >= low)
            & (f["recent"] < ratio * f["expected"])
            & (f["recent"] < ratio * np.maximum(f["needed"], 0))
        )
        return kept(record) | money

    return rule


def money() -> None:
    """Seen years: rule_money over a grid (after the round-10 hold-outs were scored: report only)."""
    years = _load()
    study = Study(years)
    print(score_line("kept (round 8)", study.scores(study.kept)), flush=True)
    for low in (1.5, 2.0, 2.5):
        for ratio in (0.1, 0.2, 0.3):
            rule = rule_money(study, low, ratio, one_week=5.0)
            name = f"round 10 OR evidence {low} over 2+ weeks with the baht below {ratio} of both paces"
            print(score_line(name, study.scores(rule)), flush=True)


def grid(hold_out: bool = False) -> None:
    """Seen years: the thresholds of the kept CUSUM (single-week evidence, the baht guard, by area size) on the
    model's expectation and on the contracts' rhythm."""
    years = _load(hold_out)
    study = Study(years)
    print(f"{len(years)} years recorded", flush=True)
    print(score_line("kept (round 8)", study.scores(study.kept)), flush=True)
    for source in ("model", "rhythm"):
        print(score_line(f"{source}: kept thresholds", study.scores(rule_thresholds(study, source))), flush=True)
        for one_week in (4.0, 5.0, 6.0, 8.0):
            for ratio in (0.5, 0.6):
                rule = rule_thresholds(study, source, one_week=one_week, ratio=ratio)
                print(score_line(f"{source}: one week {one_week}, ratio {ratio}", study.scores(rule)), flush=True)
        for ratio in (0.6, 0.7):
            rule = rule_thresholds(study, source, ratio=ratio)
            print(score_line(f"{source}: ratio {ratio}", study.scores(rule)), flush=True)
        for cut, small_ev in ((30, 2.5), (20, 2.5), (30, 2.0), (20, 2.0)):
            for large in (3.0, 3.25):
                rule = rule_thresholds(study, source, evidence=large, small=(cut, small_ev))
                name = f"{source}: evidence {small_ev} below {cut} earlier paying project-weeks, else {large}"
                print(score_line(name, study.scores(rule)), flush=True)


def score(hold_out: bool = False) -> None:
    """Provinces and clusters: broken areas flagged within 21 days, untouched flagged in the break weeks and at
    some Friday (projection_study.pace_scores): the kept detector and the candidates."""
    years = _load(hold_out)
    study = Study(years)
    print(f"{len(years)} years recorded", flush=True)
    print(score_line("kept (round 8)", study.scores(study.kept)), flush=True)
    print(score_line("round 10 (single-week evidence 5)", study.scores(study.adopted)), flush=True)
    if hold_out:
        for year, data in years.items():
            for name, rule in (("kept (round 8)", study.kept), ("round 10", study.adopted)):
                print(score_line(f"  {year}: {name}", pace_scores({year: data[:3]}, rule)), flush=True)
        return
    print(score_line("per-project Poisson, model (= kept)", study.scores(rule_poisson(study))), flush=True)
    for ev in (1.5, 2.0, 2.5):
        print(
            score_line(f"agencies paying, evidence {ev}", study.scores(rule_agencies(study, evidence=ev))), flush=True
        )
    bins = BINS
    for ev in (2.5, 3.5):
        print(score_line(f"kept, evidence {ev}", study.scores(rule_poisson(study, evidence=ev))), flush=True)
    for ev in (2.5, 2.75, 3.0, 3.25, 3.5):
        rule = rule_poisson(study, "rhythm", evidence=ev, bins=bins)
        print(score_line(f"rhythm Poisson, evidence {ev}", study.scores(rule)), flush=True)
    for other in (
        np.array([0.8, 1.2, 2.0]),
        np.array([0.3, 0.6, 0.8, 0.9, 1.0, 1.1, 1.2, 1.4, 1.7, 2.0, 2.5, 3.0, 4.0]),
    ):
        for ev in (3.0, 3.25):
            rule = rule_poisson(study, "rhythm", evidence=ev, bins=other)
            print(
                score_line(f"rhythm Poisson, bins {[float(b) for b in other]}, evidence {ev}", study.scores(rule)),
                flush=True,
            )
    for ev in (3.5, 4.0, 4.5):
        print(
            score_line(f"Bernoulli, model, evidence {ev}", study.scores(rule_bernoulli(study, evidence=ev))), flush=True
        )
        rule = rule_bernoulli(study, "rhythm", evidence=ev, bins=bins)
        print(score_line(f"Bernoulli, rhythm, evidence {ev}", study.scores(rule)), flush=True)
    for share in (0.2, 0.3):
        for ev in (2.5, 3.0):
            rule = rule_poisson(study, "rhythm", evidence=ev, share=share, bins=bins)
            print(score_line(f"rhythm Poisson, broken share {share}, evidence {ev}", study.scores(rule)), flush=True)

    def by_size(small_ev, large_ev, cut):
        def threshold(record):
            payments = record[0][1]
            earlier = payments[:, study.limits.recent_weeks : study.limits.recent_weeks + study.limits.earlier_weeks]
            return np.where(earlier.sum(axis=1) < cut, small_ev, large_ev)

        return threshold

    for cut in (30, 60):
        for small_ev, large_ev in ((2.5, 3.0), (2.5, 3.5), (3.0, 3.5), (2.0, 3.0)):
            for source in ("model", "rhythm"):
                rule = rule_poisson(study, source, evidence=by_size(small_ev, large_ev, cut), bins=bins)
                name = (
                    f"{source} Poisson, evidence {small_ev} below {cut} earlier paying project-weeks, else {large_ev}"
                )
                print(score_line(name, study.scores(rule)), flush=True)


def speed() -> None:
    """CPU seconds per pace_breaks call with round 8's thresholds (no single-week evidence) and round 10's, on
    every recorded Friday and level of the seen years (76 provinces or 18 clusters per call), best of 5 passes,
    the two alternating."""
    import time

    from budget_metrics import pace_break as PB

    calls = [record for _, _, inputs, _ in _load().values() for level in B.LEVELS for record in inputs[level].values()]
    rules = {
        "round 8 (no single-week evidence)": PB.PaceLimits.from_thresholds({"pace_break_one_week_evidence": math.inf}),
        "round 10 (single-week evidence 5)": PB.PaceLimits.from_thresholds({}),
    }
    best = dict.fromkeys(rules, math.inf)
    for _ in range(5):
        for name, limits in rules.items():
            start = time.process_time()
            for record in calls:
                PB.pace_breaks(*record[0], limits, record[2], record[4])
            best[name] = min(best[name], time.process_time() - start)
    for name, seconds in best.items():
        print(f"{name}: {1000 * seconds / len(calls):.3f} ms CPU per call ({len(calls)} calls)")


def cpu(repeats: int = 5) -> None:
    """Best wall and CPU seconds of the whole national projection (backtest_projection._one_run: every level and
    line, the needs-intervention lists, cold) with round 8's rule (no single-week evidence) and round 10's,
    alternating in one process so both share the machine's load; on the demo and at 10x."""
    from bench_pages import build_tenfold

    from budget_metrics import pace_break as PB
    from budget_metrics import projection as P
    from budget_metrics.filters import Filters

    original = PB.PaceLimits.from_thresholds

    def round_8(thresholds):
        return original({**thresholds, "pace_break_one_week_evidence": math.inf})

    settings = {"round 8": round_8, "round 10": original}
    demo = B.build_seed(2562)
    for name, db in (("demo", demo), ("10x", build_tenfold(demo, B.OUT))):
        B._use(db)
        filters = Filters(B.FISCAL_YEAR)
        for level in P.LEVELS:
            P.area_projection(filters, level)
        runs = {setting: [] for setting in settings}
        try:
            for _ in range(repeats):
                for setting, function in settings.items():
                    PB.PaceLimits.from_thresholds = function
                    runs[setting].append(B._one_run(P, filters))
        finally:
            PB.PaceLimits.from_thresholds = original
        for setting, values in runs.items():
            print(
                f"{name} {setting}: wall {min(v[2] for v in values):.3f} s, CPU {min(v[3] for v in values):.3f} s",
                flush=True,
            )
        print(f"  load average {os.getloadavg()}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("study", choices=("record", "score", "grid", "speed", "cpu", "money"))
    parser.add_argument("--hold-out-10", action="store_true", help="the round-10 hold-out years instead of the seen")
    parser.add_argument("--only", nargs="*", help="record only the years whose name holds one of these")
    args = parser.parse_args()
    if args.study == "record":
        record(args.hold_out_10, args.only)
    elif args.study == "score":
        score(args.hold_out_10)
    elif args.study == "grid":
        grid()
    elif args.study == "speed":
        speed()
    elif args.study == "money":
        money()
    else:
        cpu()


if __name__ == "__main__":
    main()
