"""The study behind round 24 of issue 17 (docs/projection.md, "Round 24 of issue 17"): round 23's pair (the signing
table and round 18's curve at weight f = max(0, 1 - n / N), n = the investment contracts the year has signed by the
as-of date) over a wider ramp, `projection.PAIR_FIRST_CONTRACTS` N = 50, 100 and 200, against main's N = 1 ("kept").
The code is main's (round 23 adopted): the variants only set N. Every month end 31 Oct 2018 - 31 Jul 2019, on the seen
years (`projection_study.seen_before(24)`: the 3 demo seeds and the generated years of rounds 1-23, round 23's
hold-outs 209-211 among them):

    .venv/bin/python bench/projection_round24_study.py zero [--only NAME ...]
        # per year and month end: n and the unsigned share; `changed` where 1 <= n < 200 (bench/out/round24_zero.txt)
    .venv/bin/python bench/projection_round24_study.py early [--only NAME ...] --variant "ramp 50" "ramp 100" "ramp 200"
        # round 21's `early` on every year-date with 1 <= n < 200 (where a variant differs from kept) and on SAMPLE
        # (four untouched year-dates, n >= 200: every variant computed, to confirm it equals kept)
        # (bench/out/round24_provinces.txt, bench/out/round24_basis.txt)
    .venv/bin/python bench/projection_round24_study.py months | test
        # round 21's `months` and round 20's test of the round on those files
    --hold-out 24: the round-24 hold-outs instead (report only, after their scoring); there `early` with
        ROUND24_SMALLEST=0 and --variant off "ramp N" compares the pair off (N = 0) with the chosen N on 31 Oct-31 Jan

    .venv/bin/python bench/projection_round24_study.py zero-early --variant ...
        # `zero` and `early` in one pass (each year-date's n read once): how the round's figures were made

A study script: it patches model settings in memory to compare them; nothing it prints is a setting. Every variant runs
the working tree's budget_metrics/projection.py: "kept" is its setting — N = 1 when the study ran (d4116e9, main with
round 23 adopted), 50 after round 24's choice (8aaf510), so the hold-outs' `--variant off` compares N = 0 with 50.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("ROUND23_PREFIX", "round24")
import projection_round16_study as R16  # noqa: E402
import projection_round19_study as R19  # noqa: E402
import projection_round20_study as R20  # noqa: E402
import projection_round21_study as R21  # noqa: E402
import projection_round23_study as R23  # noqa: E402
from projection_study import seen_before  # noqa: E402

SEEN = seen_before(24)
R20.PREFIX = os.environ.get("ROUND24_PREFIX", "round24")
STUDY_REVISION = None  # the working tree: main's projection.py, where PAIR_FIRST_CONTRACTS exists (1.0)
RAMPS = (50, 100, 200)
VARIANTS: dict[str, tuple[dict, dict]] = {
    "kept": ({}, {}),
    "off": ({}, {"PAIR_FIRST_CONTRACTS": 0.0}),
    **{f"ramp {n}": ({}, {"PAIR_FIRST_CONTRACTS": float(n)}) for n in RAMPS},
}
R21.VARIANTS = VARIANTS
R23.VARIANTS = VARIANTS
R23.SEEN = SEEN
# year-dates with SMALLEST <= n < LARGEST are where a ramp differs from kept (at n = 0 every N >= 1 is in full)
R23.LARGEST = int(os.environ.get("ROUND24_LARGEST", str(max(RAMPS))))
R23.SMALLEST = int(os.environ.get("ROUND24_SMALLEST", "1"))
# untouched year-dates (n >= 200), computed under every variant all the same, to confirm they equal kept
R23.SAMPLE = {
    ("demo2562", "2018-10-31"),
    ("demo7", "2018-11-30"),
    ("late_procurement:101", "2019-01-31"),  # n = 127: inside the ramp, so scored as changed
    ("base:101", "2018-11-30"),
    ("late_act:1", "2019-03-31"),
}


def signed_count(P, as_of) -> tuple[int, float]:
    """round 23's `signed_count` with one read of the store: (investment contracts signed by the as-of date, unsigned
    share of the investment allocation) in the store BUDGET_DB names."""
    frame, _ = P._history(2562, as_of)
    investment = (frame["budget_type"] == "investment").to_numpy()
    signed = investment & frame["contract_signed"].to_numpy(bool)
    allocation = frame["current_allocation"].to_numpy(float)
    share = float(allocation[investment & ~signed].sum() / max(allocation[investment].sum(), 1.0))
    return int(signed.sum()), share


def zero_and_early(only: list[str] | None, variants: list[str], which: int | None) -> None:
    """`zero`'s line for every year-date, then round 23's `early` where SMALLEST <= n < LARGEST or in SAMPLE: the
    two in one pass (each year-date's n read once)."""
    R23.signed_count = signed_count
    counts = {}

    def counted(P, as_of):
        n, share = signed_count(P, as_of)
        name = os.environ["ROUND24_YEAR"]
        if (name, as_of) not in counts:
            counts[name, as_of] = n
            mark = " n=0" if n == 0 else (" changed" if R23.SMALLEST <= n < R23.LARGEST else "")
            R20._write("zero", f"{name:34s} {as_of} n {n} unsigned {share:.2f}{mark}")
        return n, share

    R23.signed_count = counted
    years = R16._years
    try:
        for name, db in years(only, which).items():
            os.environ["ROUND24_YEAR"] = name
            R16._years = lambda only, which, name=name, db=db: {name: db}
            R23.early(None, variants, which)
    finally:
        R16._years, R23.signed_count = years, signed_count


R23.signed_count = signed_count

if __name__ == "__main__":
    R16.study_cli(
        __doc__,
        {
            "zero": R23.zero,
            "early": R23.early,
            "zero-early": zero_and_early,
            "months": R21.months,
            "test": R20.test,
            "where": R19.where,
        },
        SEEN,
        VARIANTS,
        STUDY_REVISION,
        R20._write,
        default_revision="HEAD",
    )
