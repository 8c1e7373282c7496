"""The studies behind round 3 of issue 17 (docs/projection.md, "Round 3 of issue 17"), on the seen years
built by bench/backtest_projection.py into bench/out/backtest/ (run it first):

    .venv/bin/python bench/projection_round3_study.py signing   # chance of signing by 30 Sep: rules vs truth
    .venv/bin/python bench/projection_round3_study.py rush      # 31 May bias with YEAR_END_RUSH 1.0 / 1.45,
                                                                # and the payment rhythm seen by 31 May
    .venv/bin/python bench/projection_round3_study.py pace      # round 3's pace-break thresholds re-scored
                                                                # offline (records every Friday's inputs
                                                                # first; its rule: bench/pace_break_round3.py)

A study script: it patches model settings in memory to compare them; nothing it prints is a setting.
"""

from __future__ import annotations

import argparse
import itertools
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
from projection_study import seen_before, study_years  # noqa: E402

SEEN = seen_before(3)
DATES = (date(2019, 4, 30), date(2019, 5, 31), date(2019, 6, 30))


def _years() -> dict[str, Path]:
    return study_years(SEEN)


def _province_metrics(as_of: date) -> tuple[float, float, float, float]:
    from budget_metrics.filters import Filters
    from budget_metrics.progress import area_progress
    from budget_metrics.projection import area_projection

    actual = area_progress(Filters(2562, as_of=date(2019, 9, 30)), "province")
    truth = dict(zip(actual["code"], actual["pct_disbursed"], strict=True))
    errors, inside = [], []
    for row in area_projection(Filters(2562, as_of=as_of), "province").itertuples(index=False):
        value = truth.get(row.code)
        if value is None or math.isnan(value) or math.isnan(row.projected_pct):
            continue
        errors.append(row.projected_pct - value)
        inside.append(row.projected_low_pct - 1e-9 <= value <= row.projected_high_pct + 1e-9)
    absolute = np.abs(errors)
    return float(np.median(absolute)), float(np.quantile(absolute, 0.9)), float(np.mean(errors)), float(np.mean(inside))


def signing() -> None:
    """Per seen year and date: the chance that the investment projects unsigned on the date sign by 30 Sep —
    the truth, the 61-day window, the last 21 days whenever they differ beyond chance, the round-3 rule, and
    exponentially weighted rates (half-life 15 and 30 days)."""
    import duckdb
    import pandas as pd

    from budget_metrics import projection as P

    start, end = date(2018, 10, 1), date(2019, 9, 30)
    for as_of in DATES:
        for name, db in _years().items():
            os.environ["BUDGET_DB"] = str(db)
            frame, _ = P._history(2562, as_of)
            con = duckdb.connect(str(db), read_only=True)
            final = dict(
                con.execute("SELECT project_code, contract_date FROM projects WHERE fiscal_year = 2562").fetchall()
            )
            con.close()
            investment = (frame["budget_type"] == "investment").to_numpy()
            signed = investment & frame["contract_signed"].to_numpy(bool)
            day = (pd.to_datetime(frame["contract_date"]) - pd.Timestamp(start)).dt.days.to_numpy(float)
            today, left = (as_of - start).days, (end - as_of).days
            unsigned = investment & ~signed
            later = np.array([final.get(code) is not None and final[code] <= end for code in frame["project_code"]])
            row = [f"{name:22s} {as_of} unsigned {unsigned.sum():5d} truth {later[unsigned].mean():.2f}"]
            for label, patch in (
                ("61 days", {"RECENT_SIGNING_DAYS": 0}),
                ("21 days beyond chance", {"SIGNING_CHANGE_RATIO": 1.0}),
                ("round 3", {}),
            ):
                saved = {key: getattr(P, key) for key in patch}
                for key, value in patch.items():
                    setattr(P, key, value)
                rate = P._signing_rate(day, signed, investment, today).daily
                for key, value in saved.items():
                    setattr(P, key, value)
                row.append(f"{label} {1 - math.exp(-rate * left):.2f}")
            known = np.where(signed & np.isnan(day), -1.0, np.where(signed, day, np.inf))[investment]
            for half in (15, 30):
                days = np.arange(today + 1)
                weight = np.exp(-(today - days) * math.log(2) / half)
                at_risk = np.array([(known >= t).sum() for t in days])
                events = np.bincount(known[np.isfinite(known) & (known >= 0)].astype(int), minlength=today + 1)
                rate = (weight * events[: today + 1]).sum() / (weight * at_risk).sum()
                row.append(f"weighted {half} {1 - math.exp(-rate * left):.2f}")
            print("  ".join(row), flush=True)


def rush() -> None:
    """31 May, provinces: median, p90, bias and coverage with YEAR_END_RUSH 1.9 (the setting), 1.45 and 1.0,
    and the month-end and quarter-end factors of the payment rhythm seen by 31 May."""
    from budget_metrics import projection as P

    as_of = date(2019, 5, 31)
    setting = P.YEAR_END_RUSH
    for name, db in _years().items():
        os.environ["BUDGET_DB"] = str(db)
        row = [f"{name:22s}"]
        for value in (setting, 1.45, 1.0):
            P.YEAR_END_RUSH = value
            P._cached_model.cache_clear()
            median, p90, bias, coverage = _province_metrics(as_of)
            row.append(f"rush {value}: median {median:.1f} p90 {p90:.1f} bias {bias:+.1f} coverage {coverage:.0%}")
        P.YEAR_END_RUSH = setting
        P._cached_model.cache_clear()
        rates = P._model(2562, as_of).rates
        row.append(f"month-end {rates.month_end_factor:.2f} quarter-end {rates.quarter_end_factor:.2f}")
        print(" | ".join(row), flush=True)


def pace() -> None:
    """Records the warning's inputs on every Friday of the seen generated years, then re-scores threshold
    combinations: provinces detected within 21 days of their break, untouched provinces flagged in the
    break weeks and at some Friday of the season (bench/backtest_projection.pace_backtest's definitions)."""
    import duckdb

    from budget_metrics import pace_break as PB
    from budget_metrics import projection as P
    from budget_metrics.filters import Filters

    original, store, years = PB.pace_breaks, [], {}

    def spy(*args):
        store.append(args)
        return original(*args)

    PB.pace_breaks = spy
    for mix, seed in SEEN:
        db, truth = B.build_generated(mix, seed)
        os.environ["BUDGET_DB"] = str(db)
        con = duckdb.connect(str(db), read_only=True)
        members = dict(con.execute("SELECT province_code, cluster_code FROM provinces").fetchall())
        con.close()
        inputs = {}
        for friday in B.FRIDAYS:
            store.clear()
            frame = P.area_projection(Filters(2562, as_of=friday), "province")
            inputs[friday] = (store[0][:7], list(frame["code"]))
        years[(mix, seed)] = (truth, members, inputs)
        print(f"recorded {mix}:{seed}", file=sys.stderr, flush=True)
    PB.pace_breaks = original
    # Round 3 scored its own rule; since round 4 it lives in bench/pace_break_round3.py.
    import pace_break_round3 as PB

    original = PB.pace_breaks

    def once(args, limits) -> np.ndarray:
        return original(*args, limits).flag

    def twice(args, limits) -> np.ndarray:
        """Flagged on this Friday and on the one before (the same weeks shifted by one; the longest window
        shortened to fit the weeks kept)."""
        weekly, payments, national, national_payments, needed, remaining, as_of = args
        before = PB.PaceLimits(
            limits.recent_weeks,
            min(limits.longest_weeks, PB.WEEKS_KEPT - 1 - limits.earlier_weeks),
            limits.earlier_weeks,
            limits.ratio_pct,
            limits.min_payments,
            limits.chance_pct,
            limits.min_remaining_points,
        )
        shifted = (weekly[:, 1:], payments[:, 1:], national[1:], national_payments[1:], needed, remaining, as_of)
        return original(*args, limits).flag & original(*shifted, before).flag

    def score(limits, rule=once) -> str:
        broken = detected = clean = window_alarms = season_alarms = 0
        for truth, members, inputs in years.values():
            hit = {code: date.fromisoformat(day) for code, day in truth["hit_provinces"].items()}
            days = [*hit.values(), *(date.fromisoformat(d) for d in truth.get("hit_clusters", {}).values())]
            window = [f for f in B.FRIDAYS if min(days) < f <= max(days) + timedelta(days=B.DETECT_DAYS)]
            flagged = {}
            for friday, (args, codes) in inputs.items():
                flags = rule(args, limits)
                flagged[friday] = {code for code, flag in zip(codes, flags, strict=True) if flag}
            calm = [code for code in members if code not in hit]
            broken += len(hit)
            detected += sum(
                any(day < f <= day + timedelta(days=B.DETECT_DAYS) and code in flagged[f] for f in B.FRIDAYS)
                for code, day in hit.items()
            )
            clean += len(calm)
            window_alarms += sum(any(code in flagged[f] for f in window) for code in calm)
            season_alarms += sum(any(code in flagged[f] for f in B.FRIDAYS) for code in calm)
        return (
            f"detected {detected}/{broken} ({detected / broken:.0%}), untouched flagged in the break weeks "
            f"{window_alarms / clean:.1%}, at some Friday {season_alarms / clean:.1%}"
        )

    for chance, payments, ratio, remaining, earlier in itertools.product(
        (0.5, 1, 2, 3, 5), (8, 12, 16), (30, 50), (5, 10), (8, 10)
    ):
        limits = PB.PaceLimits.from_thresholds(
            {
                "pace_break_chance_pct": chance,
                "pace_break_min_payments": payments,
                "pace_break_ratio_pct": ratio,
                "pace_break_min_remaining_points": remaining,
                "pace_break_earlier_weeks": earlier,
            }
        )
        print(f"chance {chance}% payments {payments} ratio {ratio}% remaining {remaining} earlier {earlier}:", end=" ")
        print(score(limits), flush=True)
    for chance, ratio, recent in itertools.product((2, 5, 10), (50, 60), (1, 2)):
        limits = PB.PaceLimits.from_thresholds(
            {"pace_break_chance_pct": chance, "pace_break_ratio_pct": ratio, "pace_break_recent_weeks": recent}
        )
        print(f"two Fridays running: chance {chance}% ratio {ratio}% recent {recent} weeks:", end=" ")
        print(score(limits, twice), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("study", choices=("signing", "rush", "pace"))
    {"signing": signing, "rush": rush, "pace": pace}[parser.parse_args().study]()


if __name__ == "__main__":
    main()
