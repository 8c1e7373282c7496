"""The study behind round 22 of issue 17 (docs/projection.md, "Round 22 of issue 17"): round 19's pair weighed against
the year's own readings by the year's own evidence instead of a gate on the share unsigned — the signing table at
weight k / (n + k), n the investment contracts signed in the signing rate's window
(`projection.SIGNING_TABLE_EVIDENCE`),
and round 18's curve at weight k / (m + k), m this year's contracts at least half way through their plan
(`UNSIGNED_CURVE_EVIDENCE`, `UNSIGNED_CURVE_EVIDENCE_STEP`). Round 21's `early` / `months` on every month end 31 Oct
2018 - 31 Jul 2019, on the seen years (`projection_study.seen_before(22)`: the 3 demo seeds and the generated years
of rounds 1-20 — round 21 wrote no hold-outs, so the same 84 years as round 21):

    .venv/bin/python bench/projection_round22_study.py evidence [--only NAME ...]
        # per year and month end: the unsigned share, n (contracts signed in the signing rate's window) and m
        # (contracts half way through their plan), and the table's and the curve's weights per variant
        # (bench/out/round22_evidence.txt)
    .venv/bin/python bench/projection_round22_study.py early [--only NAME ...] [--variant NAME ...]
        # round 21's `early` with no gate: every variant computed on every year-date (bench/out/round22_provinces.txt,
        # bench/out/round22_basis.txt)
    .venv/bin/python bench/projection_round22_study.py months [--variant NAME ...]
        # round 21's `months` on those files (bench/out/round22_months.txt)
    .venv/bin/python bench/projection_round22_study.py test
        # round 20's test of the round (round 17's round_test) on every year-date of the provinces file
    .venv/bin/python bench/projection_round22_study.py provinces | basis | payable | code-speed ...
        # round 16's studies with this round's variants and seen years
    --hold-out 22: the round-22 hold-outs instead (report only, after their scoring)

A study script: it patches model settings in memory to compare them; nothing it prints is a setting. Every variant runs
budget_metrics/projection.py as it was at STUDY_REVISION (imported from git), where the candidates' settings exist at
neutral values ("kept": all off, the model on main).
"""

from __future__ import annotations

import os
import sys
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
import projection_round13_study as R13  # noqa: E402
import projection_round15_study as R15  # noqa: E402
import projection_round16_study as R16  # noqa: E402
import projection_round19_study as R19  # noqa: E402
import projection_round20_study as R20  # noqa: E402
import projection_round21_study as R21  # noqa: E402
from projection_study import seen_before  # noqa: E402

SEEN = seen_before(22)
# Every month end the pages show from October to July.
DATES = (
    date(2018, 10, 31),
    date(2018, 11, 30),
    date(2018, 12, 31),
    date(2019, 1, 31),
    date(2019, 2, 28),
    date(2019, 3, 31),
    date(2019, 4, 30),
    date(2019, 5, 31),
    date(2019, 6, 30),
    date(2019, 7, 31),
)
R21.DATES = R20.DATES = R19.DATES = R16.DATES = R15.DATES = R13.DATES = DATES
R20.PREFIX = "round22"
STUDY_REVISION = "295ca0d"
# The prior strengths (contracts) of the table and of the curve, as (table k, curve k).
STRENGTHS = ((30, 10), (30, 30), (100, 30), (100, 100))
VARIANTS: dict[str, tuple[dict, dict]] = {
    "kept": ({}, {}),
    "pair": R20.VARIANTS["pair"],
    **{
        f"evidence {t}/{c}": (
            {},
            {**R20.PAIR, "SIGNING_TABLE_EVIDENCE": float(t), "UNSIGNED_CURVE_EVIDENCE": float(c)},
        )
        for t, c in STRENGTHS
    },
    # the table alone by its evidence (the curve off)
    **{
        f"table evidence {t}": (
            {},
            {"SIGNING_TABLE_WEIGHT": 1.0, "SIGNING_TABLE_SPREAD": True, "SIGNING_TABLE_EVIDENCE": float(t)},
        )
        for t in (30, 100)
    },
}
R21.VARIANTS = VARIANTS
R21.GATED = False  # no variant but "pair" has a gate: each is computed on every year-date


def evidence(only: list[str] | None, which: int | None) -> None:
    """Per year and month end: the unsigned share, n, m and the table's and curve's weights per evidence variant
    (read from the studied module's own functions while the model runs)."""
    from budget_metrics.filters import Filters

    P = R16._studied_module()
    seen: dict[str, float] = {}
    table, curve = P._signing_table, P._unsigned_curve_weight

    def table_spy(*args):
        seen["n"] = args[4] if len(args) > 4 else 0
        out = table(*args)
        seen["table"] = out[2] if out else 0.0
        return out

    def curve_spy(*args):
        out = curve(*args)
        seen["curve"] = out
        if P.UNSIGNED_CURVE_EVIDENCE > 0 and out > 0:
            seen["m"] = P.UNSIGNED_CURVE_EVIDENCE * (P.UNSIGNED_CURVE_WEIGHT / out - 1)
        return out

    P._signing_table, P._unsigned_curve_weight = table_spy, curve_spy
    try:
        for name, db in R16._years(only, which).items():
            os.environ["BUDGET_DB"] = str(db)
            for as_of in DATES:
                parts = [f"{name:34s} {as_of} unsigned {R20.unsigned_share(P, as_of):.2f}"]
                for label in VARIANTS:
                    if not label.startswith("evidence"):
                        continue
                    seen.clear()
                    R16._with(label, lambda as_of=as_of: P.model_rates(Filters(2562, as_of=as_of)))
                    if len(parts) == 1:
                        parts.append(f"n {seen.get('n', 0)} m {seen.get('m', 0):.0f}")
                    parts.append(f"{label}: table {seen.get('table', 0):.2f} curve {seen.get('curve', 0):.2f}")
                R20._write("evidence", "  |  ".join(parts))
    finally:
        P._signing_table, P._unsigned_curve_weight = table, curve


if __name__ == "__main__":
    R16.study_cli(
        __doc__,
        {"evidence": evidence, "early": R21.early, "months": R21.months, "test": R20.test, "where": R19.where},
        SEEN,
        VARIANTS,
        STUDY_REVISION,
        R20._write,
        default_revision="f3e4e70",
    )
