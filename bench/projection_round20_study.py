"""The study behind round 20 of issue 17 (docs/projection.md, "Round 20 of issue 17"): round 19's pair — round 18's
curve of what a contract pays after signing (`projection.UNSIGNED_CURVE_WEIGHT`) and round 19's fixed signing table
(`SIGNING_TABLE_WEIGHT`, `SIGNING_TABLE_SPREAD`) — with the two errors it unmasked corrected where it is in force: (a)
the on-plan rows' optimism, by round 14's signed-only floor on the seen-steps reading's weight there
(`projection.PAIR_SIGNED_FLOOR`), and (b) a band that narrows where the pair is in force (`PAIR_BAND_SCALE`: the
unsigned projects' band terms scaled, so an area's band narrows by the pair's share of its remaining money). On the
seen years built by bench/backtest_projection.py into bench/out/backtest/ (`projection_study.seen_before(20)`: the 3
demo seeds and the generated years of rounds 1-19, round 19's hold-outs included):

    .venv/bin/python bench/projection_round20_study.py fires
        # per year and date: the unsigned share of the investment allocation; `fires NAME@DATE` where the pair is in
        # force (a third or more unsigned) — the only year-dates a variant can change (bench/out/round20_fires.txt)
    .venv/bin/python bench/projection_round20_study.py provinces --dates NAME@DATE ... --variant kept ...
    .venv/bin/python bench/projection_round20_study.py test
        # round 17's test of the round on the provinces lines (bench/out/round20_provinces.txt), per variant; then
        # per variant the year-dates brought into and pushed out of each goal, and the means over those year-dates
    .venv/bin/python bench/projection_round20_study.py basis [--only NAME ...] [--variant NAME ...]
    .venv/bin/python bench/projection_round20_study.py code-speed --revision 76e9d1f
        # round 16's studies (through projection_round16_study.study_cli) with this round's variants and seen years
    --hold-out 20: the round-20 hold-outs instead (report only, after their scoring)

A study script: it patches model settings in memory to compare them; nothing it prints is a setting. Every variant runs
budget_metrics/projection.py as it was at STUDY_REVISION (imported from git; None: the working tree), where the
candidates' settings exist at neutral values ("kept": all off, the model on main).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
import projection_round16_study as R16  # noqa: E402
import projection_round17_study as R17  # noqa: E402
from projection_study import seen_before  # noqa: E402

SEEN = seen_before(20)
DATES = R16.DATES
GOALS = ("median", "p90", "bias", "coverage")

# Round 19's pair: the curve at weight 1 and the table at weight 1 with its own spread as the signing term.
PAIR = {"UNSIGNED_CURVE_WEIGHT": 1.0, "SIGNING_TABLE_WEIGHT": 1.0, "SIGNING_TABLE_SPREAD": True}
# (payment_timing settings, projection settings) per variant; "kept" is the committed model.
VARIANTS: dict[str, tuple[dict, dict]] = {
    "kept": ({}, {}),
    "pair": ({}, {**PAIR}),
    **{f"pair + floor {f}": ({}, {**PAIR, "PAIR_SIGNED_FLOOR": f}) for f in (0.5, 1.0)},
    **{f"pair + band {k}": ({}, {**PAIR, "PAIR_BAND_SCALE": k}) for k in (0.8, 0.7, 0.5, 0.25)},
    **{
        f"pair + floor {f} + band {k}": ({}, {**PAIR, "PAIR_SIGNED_FLOOR": f, "PAIR_BAND_SCALE": k})
        for f in (0.5, 1.0)
        for k in (0.8, 0.7, 0.5, 0.25)
    },
}

# where the candidates' settings exist (at neutral values); None: the working tree
STUDY_REVISION: str | None = "f3e4e70"
# the output files' prefix (bench/out/<PREFIX>_<study>.txt); a later round's study that reuses these sets its own
PREFIX = "round20"


def _write(study: str, line: str) -> None:
    print(line, flush=True)
    with (ROOT / "bench" / "out" / f"{PREFIX}_{study}.txt").open("a") as handle:
        handle.write(line + "\n")


def unsigned_share(P, as_of) -> float:
    """The unsigned share of the investment allocation on the as-of date in the store BUDGET_DB names (P: the
    studied projection module); the pair is in force where it is P.FREEZE_UNSIGNED_SHARE or more."""
    frame, _ = P._history(2562, as_of)
    investment = (frame["budget_type"] == "investment").to_numpy()
    unsigned = investment & ~frame["contract_signed"].to_numpy(bool)
    allocation = frame["current_allocation"].to_numpy(float)
    return float(allocation[unsigned].sum() / max(allocation[investment].sum(), 1.0))


def fires(only: list[str] | None, which: int | None) -> None:
    """Per year and date: the unsigned share of the investment allocation; `fires NAME@DATE` where it is a third or
    more (the pair's gate, projection.FREEZE_UNSIGNED_SHARE)."""
    P = R16._studied_module()
    for name, db in R16._years(only, which).items():
        os.environ["BUDGET_DB"] = str(db)
        for as_of in DATES:
            share = unsigned_share(P, as_of)
            line = f"{name:34s} {as_of} unsigned {share:.2f}"
            if share >= P.FREEZE_UNSIGNED_SHARE:
                line += f" fires {name}@{as_of}"
            _write("fires", line)


def test() -> None:
    """Round 17's test of the round (R17.round_test) on this round's provinces lines, then per variant: the year-dates
    brought into and pushed out of each goal, meeting all four, and the means over those year-dates."""
    import numpy as np

    path = ROOT / "bench" / "out" / f"{PREFIX}_provinces.txt"
    R17._write = _write
    R17.round_test(path)
    figures: dict[str, list[tuple[float, ...]]] = {}
    for line in path.read_text().splitlines():
        for part in line.split("  |  ")[1:]:
            match = R17.FIGURES.match(part.strip())
            if match:
                label, *values = match.groups()
                figures.setdefault(label.strip(), []).append(tuple(float(v) for v in values))
    kept = figures.get("kept", [])
    for label, rows in figures.items():
        values = np.array(rows)
        line = (
            f"{label}: {len(rows)} year-dates, mean median {values[:, 0].mean():.2f}, "
            f"mean p90 {values[:, 1].mean():.2f}, mean |bias| {np.abs(values[:, 2]).mean():.2f}, "
            f"mean coverage {values[:, 3].mean():.1f}%, meeting all four "
            f"{sum(all(R17._goals(*row[:4])) for row in rows)}, median+p90+bias "
            f"{sum(all(R17._goals(*row[:4])[:3]) for row in rows)}"
        )
        if label != "kept" and len(kept) == len(rows):
            before = [R17._goals(*row[:4]) for row in kept]
            after = [R17._goals(*row[:4]) for row in rows]
            parts = []
            for goal, name in enumerate(GOALS):
                into = sum(not a[goal] and b[goal] for a, b in zip(before, after, strict=True))
                out = sum(a[goal] and not b[goal] for a, b in zip(before, after, strict=True))
                parts.append(f"{name} {into} / {out}")
            into_any = sum(
                any(not x and y for x, y in zip(a, b, strict=True)) for a, b in zip(before, after, strict=True)
            )
            line += f"; into / out of each goal: {', '.join(parts)}; brought into some goal {into_any}"
        _write("test", line)


if __name__ == "__main__":
    R16.study_cli(
        __doc__,
        {"fires": fires, "test": test},
        SEEN,
        VARIANTS,
        STUDY_REVISION,
        _write,
        default_revision="76e9d1f",
    )
