"""The study behind round 25 of issue 17 (docs/projection.md, "Round 25 of issue 17"): the misses from 31 May — a bias a
few points low and a band too wide where the errors are small. On every seen year (`projection_study.seen_before(25)`:
the 3 demo seeds and the generated years of rounds 1-24, round 24's hold-outs 212-215 among them), on 31 May, 30 Jun
and 31 Jul 2019:

    .venv/bin/python bench/projection_round25_study.py collect [--only NAME ...] [--hold-out 25]
        # (ROUND25_PART=i/k: every k-th year from the i-th, to run side by side; ROUND25_DATES=2019-05-31,...: those
        # dates only; ROUND25_DATA: the folder under bench/out)
        # per year-date, with the working tree's model without the round's soft cap (BAND_SOFT_CAP_PCT None): per
        # province and cluster the projection, the band, the truth on 30 Sep, the band's three variance terms, and per
        # basis (paid / on plan / overdue / no contract) the allocation and the payments still expected; per year-date
        # the bias per basis and the allocation change after the as-of date (backtest_projection.basis_bias's
        # columns) -> bench/out/round25_data/<year>_<date>.pkl
    .venv/bin/python bench/projection_round25_study.py diagnose
        # per year-date (provinces / clusters): median, p90, bias, coverage, the band's median half-width, the bias per
        # basis and the allocation change; then where the bias is low and where the band is too wide
    .venv/bin/python bench/projection_round25_study.py test [--variant NAME ...]
        # variants: "band X" (the spread times X), "outcome / rate / shared X" (one variance term times X), "capC X"
        # (a soft cap: beyond C points of the allocation X of the spread's excess counts), "monthsK X" (the spread times
        # (months left / K) ** X), "onplan / nocontract X" (what that basis still expects times X), joined by " + "
        # the round's test (rounds 19-24's, projection_round17_study.round_test's conditions) of each variant against
        # kept, every variant recomputed exactly from the collected terms (a variant only rescales the band's terms
        # and / or the payments still expected on one basis; the model's cached state is the same)

A study script: it computes the model once per year-date and scores its variants from what that model gives; nothing
it prints is a setting.
"""

from __future__ import annotations

import argparse
import os
import pickle
import statistics
import sys
from datetime import date
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
import backtest_projection as B  # noqa: E402
from projection_study import seen_before, study_years  # noqa: E402

SEEN = seen_before(25)
DATES = (date(2019, 5, 31), date(2019, 6, 30), date(2019, 7, 31))
DATA = ROOT / "bench" / "out" / os.environ.get("ROUND25_DATA", "round25_data")
BASES = B.BASES  # paid, on_plan, overdue, no_contract
GOALS = ("median", "p90", "bias", "coverage")


def _file(name: str, as_of: date) -> Path:
    return DATA / f"{name.replace(':', '_')}_{as_of.isoformat()}.pkl"


def collect(only: list[str] | None, hold_out: tuple | None) -> None:
    """Per year-date: what the working tree's model gives per area, with the band's terms and the payments still
    expected per basis (see the docstring)."""
    import duckdb

    from budget_metrics import projection as P
    from budget_metrics.calendar import fiscal_year_bounds
    from budget_metrics.filters import Filters
    from budget_metrics.progress import area_progress

    DATA.mkdir(parents=True, exist_ok=True)
    # "kept" is the model without the round's cap (main before round 25); the variants are recomputed from the terms
    P.BAND_SOFT_CAP_PCT = None
    _, end = fiscal_year_bounds(B.FISCAL_YEAR)
    years = list(study_years(SEEN, hold_out, only).items())
    part = os.environ.get("ROUND25_PART")  # "i/k": every k-th year from the i-th (to run side by side)
    if part:
        first, step = map(int, part.split("/"))
        years = years[first::step]
    dates = DATES
    if os.environ.get("ROUND25_DATES"):  # a cut-down run: these dates only (ISO, comma-separated)
        dates = tuple(date.fromisoformat(day) for day in os.environ["ROUND25_DATES"].split(","))
    for name, db in years:
        if all(_file(name, as_of).exists() for as_of in dates):
            continue
        B._use(db)
        truth = {}
        for level in B.LEVELS:
            frame = area_progress(Filters(B.FISCAL_YEAR, as_of=end), level)
            truth[level] = dict(zip(frame["code"], frame["pct_disbursed"], strict=True))
        con = duckdb.connect(str(db), read_only=True)
        try:
            final = B.outcome_on_30_sep(con)
        finally:
            con.close()
        for as_of in dates:
            if _file(name, as_of).exists():
                continue
            filters = Filters(B.FISCAL_YEAR, as_of=as_of)
            model = P._model(filters.fiscal_year, P.projection_as_of(filters))
            projects = P.project_projection(filters)
            record = {"name": name, "as_of": as_of, "levels": {}}
            for level in B.LEVELS:
                out = P.area_projection(filters, level)
                frame = P._select(model.numbers, filters)
                sums = P._sums(frame, P._level_key(frame, level), model, weekly=False)
                codes = out["code"].to_numpy()
                where = sums.index.get_indexer(codes)
                terms = np.zeros((len(codes), 3))
                for i, column in enumerate(("_outcome_variance", "_rate_term", "_shared_term")):
                    values = sums[column].to_numpy(float)
                    terms[where >= 0, i] = values[where[where >= 0]]
                key = projects[P.AREA_LEVELS[level][0]].to_numpy()
                remaining = {}
                allocation = {}
                rem = (projects["projected_disbursed"] - projects["disbursed"]).to_numpy(float)
                alloc = projects["current_allocation"].to_numpy(float)
                for basis in BASES:
                    chosen = projects["basis"].to_numpy() == basis
                    remaining[basis] = np.array([rem[chosen & (key == code)].sum() for code in codes])
                    allocation[basis] = np.array([alloc[chosen & (key == code)].sum() for code in codes])
                fin = np.array([final.get(code, (0.0, 0.0)) for code in projects["project_code"]])
                final_allocation = np.array([fin[key == code, 0].sum() for code in codes])
                paid_final = np.array([fin[key == code, 1].sum() for code in codes])
                record["levels"][level] = {
                    "code": codes,
                    "allocation": out["current_allocation"].to_numpy(float),
                    "disbursed_pct": out["pct_disbursed"].to_numpy(float),
                    "projected_pct": out["projected_pct"].to_numpy(float),
                    "low": out["projected_low_pct"].to_numpy(float),
                    "high": out["projected_high_pct"].to_numpy(float),
                    "flag": out["pace_break"].to_numpy(bool),
                    "truth": np.array([truth[level].get(code, np.nan) for code in codes], dtype=float),
                    "terms": terms,
                    "remaining": remaining,
                    "basis_allocation": allocation,
                    "final_allocation": final_allocation,
                    "paid_final": paid_final,
                }
            record["basis"] = B.basis_shares(projects, final)
            with open(_file(name, as_of), "wb") as handle:
                pickle.dump(record, handle)
            print(name, as_of, flush=True)


# --------------------------------------------------------------------------- variants


def band(
    level: dict,
    projected: np.ndarray,
    scale: np.ndarray | float,
    weights: tuple[float, float, float] = (1, 1, 1),
    cap: tuple[float, float] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """The band as projection._finish makes it, with the spread times `scale` (per area or one number) and the three
    variance terms (each balance, the owners' pace, the national rates) times `weights`; a flagged area keeps the kept
    band's low end where it was lower (its recent pace's reach)."""
    from budget_metrics import projection as P

    allocation = level["allocation"]
    has = allocation > 0
    variance = (level["terms"] * np.array(weights)).sum(axis=1)
    sd_pct = np.where(has, P.BAND_SCALE * np.sqrt(variance) / np.where(has, allocation, 1), 0)
    sd_pct = sd_pct * scale
    if cap is not None:  # a soft cap on the spread (points): beyond `cap[0]` only `cap[1]` of the excess counts
        sd_pct = np.minimum(sd_pct, cap[0]) + cap[1] * np.maximum(sd_pct - cap[0], 0)
    low = np.maximum(projected - P.BAND_Z * sd_pct, level["disbursed_pct"])
    high = np.maximum(np.minimum(projected + P.BAND_Z * sd_pct, 100.0), projected)
    low = np.where(level["flag"], np.minimum(low, level["low"]), low)
    return low, high


def features(record: dict, level: dict) -> dict[str, np.ndarray | float]:
    """What the year's own data shows by the as-of date, per area: the shares of the allocation per basis and the
    band's relative width; per year-date the months left."""
    allocation = np.where(level["allocation"] > 0, level["allocation"], 1)
    months_left = (date(2019, 9, 30) - record["as_of"]).days / 30.4
    return {
        **{f"share_{basis}": level["basis_allocation"][basis] / allocation for basis in BASES},
        **{f"left_{basis}": 100 * level["remaining"][basis] / allocation for basis in BASES},
        "months_left": months_left,
    }


def variant(record: dict, level_name: str, name: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(projected, low, high) per area of one variant."""
    level = record["levels"][level_name]
    projected = level["projected_pct"].copy()
    if name == "kept":
        return projected, level["low"], level["high"]
    scale: np.ndarray | float = 1.0
    weights = [1.0, 1.0, 1.0]
    cap = None
    for part in name.split(" + "):
        word, value = part.rsplit(" ", 1)
        value = float(value)
        if word == "band":
            scale = scale * value
        elif word.startswith("onplan"):
            projected = projected + (value - 1) * features(record, level)["left_on_plan"]
        elif word.startswith("nocontract"):
            projected = projected + (value - 1) * features(record, level)["left_no_contract"]
        elif word.startswith("months"):
            # the spread times (months left / K) ** value where fewer than K months are left
            months = float(word[6:])
            scale = scale * min(1.0, features(record, level)["months_left"] / months) ** value
        elif word.startswith("cap"):
            cap = (float(word[3:]), value)
        elif word in ("outcome", "rate", "shared"):
            weights[("outcome", "rate", "shared").index(word)] = value
        elif word == "band by paid":
            # the band's spread shrinks with the share of the allocation already paid (little left to be unsure of)
            paid = np.nan_to_num(level["disbursed_pct"]) / 100
            scale = scale * np.clip(1 - value * (paid - 0.5), 0.3, 1.5)
        else:
            raise SystemExit(f"unknown variant part {part!r}")
    projected = np.minimum(projected, 100.0)
    low, high = band(level, projected, scale, tuple(weights), cap)
    return projected, low, high


def figures(record: dict, level_name: str, name: str) -> tuple[float, float, float, float, float]:
    """(median, p90, bias, coverage %, median band width) of one variant at one level."""
    level = record["levels"][level_name]
    projected, low, high = variant(record, level_name, name)
    truth = level["truth"]
    ok = ~np.isnan(truth) & ~np.isnan(projected) & (level["allocation"] > 0)
    errors = np.abs(projected[ok] - truth[ok])
    inside = (low[ok] - 1e-9 <= truth[ok]) & (truth[ok] <= high[ok] + 1e-9)
    return (
        float(np.median(errors)),
        B._quantile(list(errors), 0.9),
        float(np.mean(projected[ok] - truth[ok])),
        100 * float(inside.mean()),
        float(np.median(high[ok] - low[ok])),
    )


def goals(median: float, p90: float, bias: float, coverage: float) -> tuple[bool, bool, bool, bool]:
    return (median <= 5, p90 <= 12, abs(bias) <= 2, 75 <= coverage <= 85)


def _records(hold_out: bool = False) -> list[dict]:
    records = []
    for path in sorted(DATA.glob("*.pkl")):
        with open(path, "rb") as handle:
            records.append(pickle.load(handle))
    order = {f"demo{s}": i for i, s in enumerate(B.DEMO_SEEDS)}
    order.update({f"{mix}:{seed}": 10 + i for i, (mix, seed) in enumerate(SEEN)})
    if not hold_out:
        records = [r for r in records if r["name"] in order]
    return sorted(records, key=lambda r: (order.get(r["name"], 999), r["as_of"]))


def diagnose() -> None:
    records = _records()
    print(f"{len(records)} year-dates ({len({r['name'] for r in records})} years)")
    print(
        "year                                              as of      | provinces median / p90 / bias / cov / width |"
        " clusters cov | basis paid / on plan / overdue / no contract / allocation change | goals"
    )
    rows = []
    for record in records:
        p = figures(record, "province", "kept")
        c = figures(record, "cluster", "kept")
        b = record["basis"]
        met = goals(*p[:4])
        rows.append((record, p, c, b, met))
        print(
            f"{record['name']:49s} {record['as_of']} | {p[0]:4.1f} / {p[1]:4.1f} / {p[2]:+5.1f} / {p[3]:3.0f}% / "
            f"{p[4]:4.1f} | {c[3]:3.0f}% | {b['paid']:+5.1f} / {b['on_plan']:+5.1f} / {b['overdue']:+5.1f} / "
            f"{b['no_contract']:+5.1f} / {b['allocation']:+5.1f} | {''.join('x' if m else '.' for m in met)}"
        )
    for as_of in DATES:
        dated = [row for row in rows if row[0]["as_of"] == as_of]
        low = [row for row in dated if row[1][2] < -2]
        high = [row for row in dated if row[1][2] > 2]
        wide = [row for row in dated if row[1][3] > 85]
        narrow = [row for row in dated if row[1][3] < 75]
        print(f"\n{as_of}: {len(dated)} year-dates; all four {sum(all(r[4]) for r in dated)}")
        groups = (("bias < -2", low), ("bias > +2", high), ("coverage > 85", wide), ("coverage < 75", narrow))
        for label, chosen in groups:
            if not chosen:
                continue
            means = {k: statistics.fmean(r[3][k] for r in chosen) for k in (*BASES, "allocation")}
            print(
                f"  {label:14s} {len(chosen):3d}: mean bias {statistics.fmean(r[1][2] for r in chosen):+5.2f}, "
                f"by basis paid {means['paid']:+5.2f} on plan {means['on_plan']:+5.2f} overdue {means['overdue']:+5.2f}"
                f" no contract {means['no_contract']:+5.2f} allocation change {means['allocation']:+5.2f}; "
                f"median err {statistics.fmean(r[1][0] for r in chosen):4.2f}, coverage "
                f"{statistics.fmean(r[1][3] for r in chosen):4.1f}%, "
                f"width {statistics.fmean(r[1][4] for r in chosen):4.1f}"
            )
        if low:
            # which basis (or the allocation change after the date) carries most of each low bias
            carriers = [min((*BASES, "allocation"), key=lambda k, r=r: r[3][k]) for r in low]
            print(
                "  low bias carried most by: " + ", ".join(f"{k} {carriers.count(k)}" for k in dict.fromkeys(carriers))
            )
        both = [row for row in dated if row[1][2] < -2 and row[1][3] > 85]
        print(
            f"  low bias AND coverage > 85: {len(both)}; low bias with coverage < 75: "
            f"{sum(1 for r in dated if r[1][2] < -2 and r[1][3] < 75)}"
        )
        # the band against the errors: coverage > 85 with median error <= 5
        print(
            f"  coverage > 85 with median err <= 5: {sum(1 for r in wide if r[1][0] <= 5)}; mean bias there "
            f"{statistics.fmean([r[1][2] for r in wide if r[1][0] <= 5] or [0]):+.2f}"
        )


def test(variants: list[str], hold_out: bool = False) -> None:
    """The round's test per variant against kept (provinces; clusters' coverage)."""
    records = _records(hold_out)
    kept = {(r["name"], r["as_of"]): (figures(r, "province", "kept"), figures(r, "cluster", "kept")) for r in records}
    for name in variants:
        into = out_ = worse_bias = wide = cov_in = cov_out = cl_in = cl_out = cl_further = 0
        met_before = met_after = 0
        goal_in = [0, 0, 0, 0]
        goal_out = [0, 0, 0, 0]
        means = []
        detail = []
        for r in records:
            (kp, kc) = kept[r["name"], r["as_of"]]
            vp, vc = figures(r, "province", name), figures(r, "cluster", name)
            gk, gv = goals(*kp[:4]), goals(*vp[:4])
            met_before += all(gk)
            met_after += all(gv)
            for i in range(4):
                goal_in[i] += (not gk[i]) and gv[i]
                goal_out[i] += gk[i] and not gv[i]
            if any(gk[i] and not gv[i] for i in range(4)):
                out_ += 1
                detail.append(f"    out: {r['name']} {r['as_of']} {kp[:4]} -> {vp[:4]}")
            if all(gv) and not all(gk):
                into += 1
                detail.append(
                    f"    in:  {r['name']} {r['as_of']} {tuple(round(x, 1) for x in kp[:4])} -> "
                    f"{tuple(round(x, 1) for x in vp[:4])}"
                )
            if abs(vp[2]) > abs(kp[2]) + 0.5:
                worse_bias += 1
                detail.append(f"    bias worse: {r['name']} {r['as_of']} {kp[2]:+.2f} -> {vp[2]:+.2f}")
            cov_in += not (75 <= kp[3] <= 85) and 75 <= vp[3] <= 85
            cov_out += 75 <= kp[3] <= 85 and not (75 <= vp[3] <= 85)
            cl_in += not (75 <= kc[3] <= 85) and 75 <= vc[3] <= 85
            cl_out += 75 <= kc[3] <= 85 and not (75 <= vc[3] <= 85)
            wide += kp[3] >= 85 and vp[3] > kp[3] + 2
            if abs(vc[3] - 80) > abs(kc[3] - 80) + 1e-9:
                cl_further += 1
                detail.append(f"    clusters further: {r['name']} {r['as_of']} {kc[3]:.0f}% -> {vc[3]:.0f}%")
            means.append((*vp[:2], abs(vp[2]), vp[3], vc[3]))
        m = np.array(means)
        print(
            f"{name:34s} {len(records)} year-dates | all four {met_before} -> {met_after} (in {into}) | pushed out "
            f"{out_} | bias worse {worse_bias} | cov in/out {cov_in}/{cov_out} | clusters in/out {cl_in}/{cl_out}, "
            f"further {cl_further} | bands >= 85% wider by > 2 {wide} | goals in {'/'.join(map(str, goal_in))} "
            f"out {'/'.join(map(str, goal_out))} | "
            f"mean {m[:, 0].mean():.2f} / {m[:, 1].mean():.2f} / |bias| {m[:, 2].mean():.2f} / "
            f"cov {m[:, 3].mean():.1f}% / clusters {m[:, 4].mean():.1f}%"
        )
        if os.environ.get("ROUND25_DETAIL"):
            print("\n".join(detail))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("study", choices=("collect", "diagnose", "test"))
    parser.add_argument("--only", nargs="*")
    parser.add_argument("--hold-out", type=int)
    parser.add_argument("--variant", nargs="*", default=[])
    args = parser.parse_args()
    if args.study == "collect":
        collect(args.only, B.HOLD_OUTS_BY_ROUND[args.hold_out] if args.hold_out else None)
    elif args.study == "diagnose":
        diagnose()
    else:
        test(args.variant, bool(args.hold_out))
