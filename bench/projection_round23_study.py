"""The study behind round 23 of issue 17 (docs/projection.md, "Round 23 of issue 17"): round 19's pair (the signing
table and round 18's curve) in full only before the year's first investment contract, and off once it has signed
(`projection.PAIR_FIRST_CONTRACTS` N = 1; a ramp f = max(0, 1 - n / N) for N > 1), n = the investment contracts the
year has signed by the as-of date. Every month end 31 Oct 2018 - 31 Jul 2019, on the seen years
(`projection_study.seen_before(23)`: the 3 demo seeds and the generated years of rounds 1-22, round 22's hold-outs
206-208 among them):

    .venv/bin/python bench/projection_round23_study.py zero [--only NAME ...]
        # per year and month end: n (investment contracts signed by the as-of date) and the unsigned share;
        # `changed` where n < the largest N studied (bench/out/round23_zero.txt)
    .venv/bin/python bench/projection_round23_study.py early [--only NAME ...] [--variant NAME ...]
        # round 21's `early` where the candidate acts (n < N) and on a fixed sample of untouched year-dates
        # (SAMPLE: every variant computed, to confirm it equals kept); elsewhere every variant takes main's code path
        # and nothing is computed (bench/out/round23_provinces.txt, bench/out/round23_basis.txt)
    .venv/bin/python bench/projection_round23_study.py months | test
        # round 21's `months` and round 20's test of the round on those files
    --hold-out 23: the round-23 hold-outs instead (report only, after their scoring)

A study script: it patches model settings in memory to compare them; nothing it prints is a setting. Every variant runs
budget_metrics/projection.py as it was at STUDY_REVISION (imported from git), where the candidate's settings exist at
neutral values ("kept": all off, the model on main).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
import projection_round13_study as R13  # noqa: E402
import projection_round16_study as R16  # noqa: E402
import projection_round19_study as R19  # noqa: E402
import projection_round20_study as R20  # noqa: E402
import projection_round21_study as R21  # noqa: E402
import projection_round22_study as R22  # noqa: E402
from projection_study import seen_before  # noqa: E402

SEEN = seen_before(23)
DATES = R22.DATES
R20.PREFIX = os.environ.get("ROUND23_PREFIX", "round23")  # another prefix: a second run beside the first
STUDY_REVISION = "0a068b2"
PAIR = {**R20.PAIR}
VARIANTS: dict[str, tuple[dict, dict]] = {
    "kept": ({}, {}),
    "first": ({}, {**PAIR, "PAIR_FIRST_CONTRACTS": 1.0}),
    **{f"first ramp {n}": ({}, {**PAIR, "PAIR_FIRST_CONTRACTS": float(n)}) for n in (10, 20)},
    **{f"first spread {s}": ({}, {**PAIR, "PAIR_FIRST_CONTRACTS": 1.0, "PAIR_SPREAD_SCALE": s}) for s in (0.5, 2.0)},
    "first, rate's sd": ({}, {**PAIR, "SIGNING_TABLE_SPREAD": False, "PAIR_FIRST_CONTRACTS": 1.0}),
}
R21.VARIANTS = VARIANTS
# the largest N studied: year-dates with n at or above it are untouched by every variant
LARGEST = int(os.environ.get("ROUND23_LARGEST", "20"))  # 1 with ROUND23_PREFIX: a second run on n = 0 only
SMALLEST = int(os.environ.get("ROUND23_SMALLEST", "0"))  # 1: only the ramp's year-dates (0 < n < LARGEST)
# untouched year-dates (n >= LARGEST) computed under every variant all the same, to confirm they equal kept
SAMPLE = {
    ("demo2562", "2018-10-31"),
    ("demo2562", "2018-12-31"),
    ("demo7", "2018-11-30"),
    ("base:101", "2018-10-31"),
    ("late_procurement:101", "2019-01-31"),
    ("late_act:1", "2019-03-31"),
}


def signed_count(P, as_of) -> tuple[int, float]:
    """(investment contracts signed by the as-of date, unsigned share of the investment allocation) in the store
    BUDGET_DB names."""
    frame, _ = P._history(2562, as_of)
    investment = (frame["budget_type"] == "investment").to_numpy()
    signed = investment & frame["contract_signed"].to_numpy(bool)
    return int(signed.sum()), R20.unsigned_share(P, as_of)


def zero(only: list[str] | None, which: int | None) -> None:
    P = R16._studied_module()
    for name, db in R16._years(only, which).items():
        os.environ["BUDGET_DB"] = str(db)
        for as_of in DATES:
            n, share = signed_count(P, as_of)
            mark = " n=0" if n == 0 else (" changed" if n < LARGEST else "")
            R20._write("zero", f"{name:34s} {as_of} n {n} unsigned {share:.2f}{mark}")


def early(only: list[str] | None, variants: list[str], which: int | None) -> None:
    """Round 21's `early` where n < LARGEST or the year-date is in SAMPLE (marked `gate`); nothing elsewhere."""
    P = R16._studied_module()
    variants = ["kept", *(label for label in variants if label != "kept")]
    for name, db in R16._years(only, which).items():
        os.environ["BUDGET_DB"] = str(db)
        for as_of in DATES:
            n, share = signed_count(P, as_of)
            gate = SMALLEST <= n < LARGEST or (LARGEST > 1 and (name, str(as_of)) in SAMPLE)
            if not gate:
                continue  # every variant is kept's here (the code path is main's): not computed
            R13.DATES = (as_of,)
            row, lines, figures = [f"{name:34s} {as_of}"], [], {}
            for label in variants:
                if not gate and label != "kept":
                    row.append(R16.province_part(label, figures["kept"]))
                    lines.append(lines[0].replace("  kept: ", f"  {label}: ", 1))
                    continue

                def both(label, call, as_of=as_of):
                    def run():
                        figures[label] = R13._metrics(as_of)
                        return call()

                    return R16._with(label, run)

                lines.extend(R13.basis_lines({name: db}, [label], both))
                row.append(R16.province_part(label, figures[label]))
            R13.DATES = DATES
            row.append(f"n {n} unsigned {share:.2f}{' gate' if gate else ''}")
            R20._write("provinces", "  |  ".join(row))
            for line in lines:
                R20._write("basis", line)


if __name__ == "__main__":
    R16.study_cli(
        __doc__,
        {"zero": zero, "early": early, "months": R21.months, "test": R20.test, "where": R19.where},
        SEEN,
        VARIANTS,
        STUDY_REVISION,
        R20._write,
        default_revision="295ca0d",
    )
