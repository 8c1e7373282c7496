"""The study behind round 12 of issue 17 (docs/projection.md, "Round 12 of issue 17"): where the band is too wide.
The band's variance of an area is the sum of three terms (projection._finish): each outstanding balance paid or not
(`_outcome_variance`), the owners' pace factors (`_rate_term`) and the national rates shared by every project
(`_shared_term`: hazards, signing, drift, returns, the round-11 mixture). On the seen years built by
bench/backtest_projection.py into bench/out/backtest/ (the 3 demo seeds and the generated years of rounds 1-11):

    .venv/bin/python bench/projection_round12_study.py dump [--only NAME ...] [--hold-out-12]
        # one row per area (province, cluster), year and date (31 Mar, 31 May, 31 Jul) with the three terms, the
        # projection, the paid rate, the truth and the pace-break flag, into bench/out/round12_terms.csv
    .venv/bin/python bench/projection_round12_study.py shares
        # per year and date: each term's share of the provinces' band variance, the coverage as kept and with each
        # term scaled by 0.5 and 0 (the others kept), and what the year shows by the as-of date
    .venv/bin/python bench/projection_round12_study.py rules
        # the year-dates inside 75-85% (provinces, clusters) when the outcome term counts at a share (0.5, 0.7) where
        # at most 10-20 points of the allocation are left to pay, and which year-dates move in or out

The band is recomputed from the captured terms exactly as projection._finish does (BAND_SCALE, BAND_Z, clipped to
[paid, 100]); a flagged area's low end keeps the kept model's low where that is lower (the pace-break reach). A
study script: nothing it prints is a setting. The candidate (NEAR_DONE_* below) was not adopted in the lead's review
(docs/projection.md, "Round 12"); its `flags` and `speed` commands, which compared it inside the model, ran at commit
a087c4f.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
import backtest_projection as B  # noqa: E402
import projection_round8_study as R8  # noqa: E402
from projection_study import seen_before, study_years  # noqa: E402

SEEN = seen_before(12)
DATES = R8.DATES
OUT = ROOT / "bench" / "out" / "round12_terms.csv"
TERMS = ("_outcome_variance", "_rate_term", "_shared_term")
# Round 12's candidate, studied and not adopted: where at most NEAR_DONE_LEFT_PCT points of an area's allocation are
# left to pay, the outcome term counts at NEAR_DONE_OUTCOME_SCALE.
NEAR_DONE_LEFT_PCT = 15.0
NEAR_DONE_OUTCOME_SCALE = 0.5


def dump(only: list[str] | None, hold_out_12: bool = False) -> None:
    """One row per area, year and date: the terms (baht²), allocation, paid, projected (baht), truth (%)."""
    from datetime import date

    from budget_metrics import projection as P
    from budget_metrics.filters import Filters
    from budget_metrics.progress import area_progress

    captured = {}
    original = P._finish

    def capture(result, *args, **kwargs):
        captured["sums"] = result.copy()
        return original(result, *args, **kwargs)

    P._finish = capture
    rows = []
    hold = getattr(B, "HOLD_OUT_ROUND_12", None) if hold_out_12 else None
    try:
        for name, db in study_years(SEEN, hold, only).items():
            os.environ["BUDGET_DB"] = str(db)
            P._cached_model.cache_clear()
            for level in ("province", "cluster"):
                actual = area_progress(Filters(2562, as_of=date(2019, 9, 30)), level)
                truth = dict(zip(actual["code"], actual["pct_disbursed"], strict=True))
                for as_of in DATES:
                    out = P.area_projection(Filters(2562, as_of=as_of), level)
                    sums = captured["sums"].set_index("code")
                    for row in out.itertuples(index=False):
                        value = truth.get(row.code)
                        if value is None or math.isnan(value) or math.isnan(row.projected_pct):
                            continue
                        s = sums.loc[row.code]
                        rows.append(
                            {
                                "year": name,
                                "as_of": str(as_of),
                                "level": level,
                                "code": row.code,
                                "allocation": float(s["_allocation_satang"]) / 100,
                                "disbursed": float(s["_disbursed_satang"]) / 100,
                                "projected": float(s["_projected_disbursed_satang"]) / 100,
                                **{t: float(np.nan_to_num(s[t])) for t in TERMS},
                                "projects": float(np.nan_to_num(s["projects"])),
                                "projected_pct": row.projected_pct,
                                "low": row.projected_low_pct,
                                "high": row.projected_high_pct,
                                "flag": bool(row.pace_break),
                                "truth": value,
                            }
                        )
            print(name, flush=True)
    finally:
        P._finish = original
    pd.DataFrame(rows).to_csv(OUT if not hold_out_12 else OUT.with_name("round12_terms_hold_out.csv"), index=False)


def band(frame: pd.DataFrame, scale: dict[str, np.ndarray | float], kept_rule: bool = False) -> np.ndarray:
    """Inside the band (bool per row) with each term multiplied by scale[term] (variance scale); kept_rule: round
    12's candidate (NEAR_DONE_* below) applied on top, else the model's band (the terms as captured)."""
    from budget_metrics import projection as P

    left = 100 * (frame["projected"] - frame["disbursed"]).to_numpy() / frame["allocation"].to_numpy()
    near = np.where(left <= NEAR_DONE_LEFT_PCT, NEAR_DONE_OUTCOME_SCALE, 1.0) if kept_rule else 1.0
    scale = {**scale, "_outcome_variance": np.asarray(scale.get("_outcome_variance", 1.0)) * near}
    variance = sum(frame[t].to_numpy() * np.asarray(scale.get(t, 1.0)) for t in TERMS)
    sd = P.BAND_SCALE * np.sqrt(np.maximum(variance, 0)) / 100
    alloc = frame["allocation"].to_numpy()
    paid = 100 * frame["disbursed"].to_numpy() / alloc
    proj = frame["projected"].to_numpy()
    low = np.maximum(100 * (proj - P.BAND_Z * sd) / alloc, paid)
    high = np.maximum(np.minimum(100 * (proj + P.BAND_Z * sd) / alloc, 100.0), frame["projected_pct"].to_numpy())
    low = np.where(frame["flag"].to_numpy(), np.minimum(low, frame["low"].to_numpy()), low)
    truth = frame["truth"].to_numpy()
    return (low - 1e-9 <= truth) & (truth <= high + 1e-9)


def _load(path: Path = OUT) -> pd.DataFrame:
    frame = pd.read_csv(path)
    return frame[frame["allocation"] > 0]


def shares(path: Path = OUT) -> None:
    frame = _load(path)
    inside = (frame["low"] - 1e-9 <= frame["truth"]) & (frame["truth"] <= frame["high"] + 1e-9)
    for rule in (False, True):
        agree = np.mean(band(frame, {}, rule) == inside.to_numpy())
        print(f"recomputed band ({'round 12' if rule else 'round 11'}) agrees with the model's on {agree:.4f} of rows")
    print("year as_of | cov round 11 | shares out/rate/shared | out x0.5 x0 | rate x0.5 x0 | shared x0.5 x0 | paid%")
    for (year, as_of), g in frame[frame["level"] == "province"].groupby(["year", "as_of"], sort=False):
        total = g[list(TERMS)].sum(axis=1).replace(0, np.nan)
        part = [float((g[t] / total).median()) for t in TERMS]
        covs = [band(g, {t: k}).mean() for t in TERMS for k in (0.5, 0.0)]
        paid = 100 * g["disbursed"].sum() / g["allocation"].sum()
        print(
            f"{year:34s} {as_of} | {band(g, {}).mean():4.0%} | "
            + " ".join(f"{p:4.2f}" for p in part)
            + " | "
            + " | ".join(f"{covs[i]:4.0%} {covs[i + 1]:4.0%}" for i in (0, 2, 4))
            + f" | {paid:5.1f}",
            flush=True,
        )


def rules(path: Path = OUT) -> None:
    """Year-dates in 75-85% when the outcome term counts at `share` where at most `left` points are left to pay
    (provinces, clusters); and which year-dates move in or out against the round-11 band."""
    frame = _load(path)
    frame["left"] = 100 * (frame["projected"] - frame["disbursed"]) / frame["allocation"]

    def ok(value: float) -> bool:
        return 0.75 <= value <= 0.85 + 1e-9

    for share in (0.5, 0.7):
        for left in (10.0, 12.5, 15.0, 17.5, 20.0):
            for level in ("province", "cluster"):
                inside, gain, lose = 0, [], []
                for (year, as_of), g in frame[frame["level"] == level].groupby(["year", "as_of"], sort=False):
                    before = band(g, {}).mean()
                    after = band(g, {"_outcome_variance": np.where(g["left"] <= left, share, 1.0)}).mean()
                    inside += ok(after)
                    if ok(after) != ok(before):
                        (gain if ok(after) else lose).append(f"{year} {as_of[5:]} {before:.0%}->{after:.0%}")
                print(f"share {share} left <= {left:4.1f} {level:8s} inside {inside} | in: {gain} | out: {lose}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("study", choices=("dump", "shares", "rules"))
    parser.add_argument("--only", nargs="*")
    parser.add_argument("--hold-out-12", action="store_true", help="the round-12 hold-outs (after their scoring)")
    args = parser.parse_args()
    if args.study == "dump":
        dump(args.only, args.hold_out_12)
    else:
        study = {"shares": shares, "rules": rules}[args.study]
        study(OUT.with_name("round12_terms_hold_out.csv") if args.hold_out_12 else OUT)


if __name__ == "__main__":
    main()
