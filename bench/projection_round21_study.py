"""The study behind round 21 of issue 17 (docs/projection.md, "Round 21 of issue 17"): where round 19's pair acts
that no round scored — the month ends before 31 Mar, where its gate (a third or more of the investment allocation
unsigned) opens on nearly every year. Round 20's variants and functions (bench/projection_round20_study.py, through
projection_round16_study.study_cli) on the month ends 31 Oct 2018 - 30 Apr 2019 instead of 31 Mar / 31 May / 31 Jul,
on the seen years (`projection_study.seen_before(21)`: the 3 demo seeds and the generated years of rounds 1-20,
round 20's hold-outs included):

    .venv/bin/python bench/projection_round21_study.py early [--only NAME ...] [--variant NAME ...]
        # per year and month end: the unsigned share (the gate), then per variant the provinces' median / p90 / bias /
        # coverage / clusters' coverage (bench/out/round21_provinces.txt, round 16's `provinces` lines) and the bias
        # per basis (bench/out/round21_basis.txt, round 13's `basis` lines), both from one model per variant; where the
        # gate is shut a variant's figures are kept's (no variant acts there), computed once
    .venv/bin/python bench/projection_round21_study.py months [--variant NAME ...]
        # per month end and variant, from those two files: the gate's year-dates, the means, goals met and the
        # year-dates brought into / pushed out of each goal against kept; the demo seeds' lines; the bias per basis
    .venv/bin/python bench/projection_round21_study.py where [--only NAME ...]
        # round 19's `where` on these month ends: where the gate opens, the share of the unsigned allocation signed by
        # 30 Sep against the model's chance, and what a contract signed later is expected to pay (kept / table / pair)
    .venv/bin/python bench/projection_round21_study.py fires | test | provinces | basis ...
        # round 20's studies on these month ends (bench/out/round21_<study>.txt)

A study script: it patches model settings in memory to compare them; nothing it prints is a setting. Every variant runs
budget_metrics/projection.py as it was at round 20's STUDY_REVISION (f3e4e70, imported from git), where the pair's
settings exist at neutral values ("kept": all off, the model on main).
"""

from __future__ import annotations

import os
import sys
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
import backtest_projection as B  # noqa: E402
import projection_round13_study as R13  # noqa: E402
import projection_round15_study as R15  # noqa: E402
import projection_round16_study as R16  # noqa: E402
import projection_round17_study as R17  # noqa: E402
import projection_round19_study as R19  # noqa: E402
import projection_round20_study as R20  # noqa: E402
from projection_study import seen_before  # noqa: E402

SEEN = seen_before(21)
# The month ends the demo's pages show before 31 Mar, and 31 Mar / 30 Apr for continuity with rounds 19-20.
DATES = (
    date(2018, 10, 31),
    date(2018, 11, 30),
    date(2018, 12, 31),
    date(2019, 1, 31),
    date(2019, 2, 28),
    date(2019, 3, 31),
    date(2019, 4, 30),
)
R20.DATES = R16.DATES = R15.DATES = R13.DATES = DATES
R20.PREFIX = "round21"
VARIANTS = {label: R20.VARIANTS[label] for label in ("kept", "pair", "pair + floor 0.5", "pair + band 0.8")}
# round 19's `where` (the signing chance and what a contract signed later pays, kept / the table alone / the pair,
# beside the truth) names its variants as round 19 did
VARIANTS.update({label: R19.VARIANTS[label] for label in ("table 1.0", "curve 1.0 + table 1.0")})
R19.DATES = DATES
R19._write = R20._write
BASES = (*B.BASES, "allocation")
# False (a later round's candidate without the pair's gate): every variant computed on every year-date.
GATED = True


def early(only: list[str] | None, variants: list[str], which: int | None) -> None:
    """Per year and month end: the gate, the provinces' figures (R16.province_part) and the bias per basis
    (R13.basis_lines) per variant, from one model per variant; where the gate is shut every variant is kept."""
    P = R16._studied_module()
    variants = ["kept", *(label for label in variants if label != "kept")]
    for name, db in R16._years(only, which).items():
        os.environ["BUDGET_DB"] = str(db)
        for as_of in DATES:
            share = R20.unsigned_share(P, as_of)
            gate = share >= P.FREEZE_UNSIGNED_SHARE or not GATED
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
            row.append(f"unsigned {share:.2f}{' gate' if gate else ''}")
            R20._write("provinces", "  |  ".join(row))
            for line in lines:
                R20._write("basis", line)


def _provinces(path: Path) -> list[tuple[str, str, bool, dict[str, tuple[float, ...]]]]:
    """(year, as-of date, gate open, label -> figures) per line of an `early` provinces file."""
    rows = []
    for line in path.read_text().splitlines():
        head, *parts = line.split("  |  ")
        name, as_of = head.split()
        figures = {}
        for part in parts:
            match = R17.FIGURES.match(part.strip())
            if match:
                label, *values = match.groups()
                figures[label.strip()] = tuple(float(v) for v in values)
        rows.append((name, as_of, parts[-1].endswith("gate"), figures))
    return rows


def months() -> None:
    """Per month end and variant: year-dates, the gate's, means (median, p90, bias, |bias|, coverage, clusters'
    coverage), meeting all four, goals met of 4 x year-dates, goals into / out of against kept (median, p90, bias,
    coverage), year-dates meeting more / fewer goals; the same on the year-dates the gate opens on; the demo seeds'
    lines; the bias per basis per month end and variant (mean, mean absolute and year-dates within ±2; all year-dates
    and those the gate opens on)."""
    import numpy as np

    rows = _provinces(ROOT / "bench" / "out" / f"{R20.PREFIX}_provinces.txt")
    labels = [label for label in VARIANTS if any(label in figures for *_, figures in rows)]
    for as_of in sorted({row[1] for row in rows}):
        dated = [row for row in rows if row[1] == as_of]
        gate = sum(row[2] for row in dated)
        for scope, chosen in (("all", dated), ("gate", [row for row in dated if row[2]])):
            for label in labels:
                picked = [row for row in chosen if label in row[3] and "kept" in row[3]]
                if not picked:
                    continue
                values = np.array([row[3][label] for row in picked])
                before = [R17._goals(*row[3]["kept"][:4]) for row in picked]
                after = [R17._goals(*row[3][label][:4]) for row in picked]
                moves = ", ".join(
                    f"{goal} {sum(not a[i] and b[i] for a, b in zip(before, after, strict=True))}/"
                    f"{sum(a[i] and not b[i] for a, b in zip(before, after, strict=True))}"
                    for i, goal in enumerate(R20.GOALS)
                )
                more = sum(sum(b) > sum(a) for a, b in zip(before, after, strict=True))
                fewer = sum(sum(b) < sum(a) for a, b in zip(before, after, strict=True))
                R20._write(
                    "months",
                    f"{as_of} {scope:4s} {len(picked):3d} (gate {gate:3d}) {label:18s} mean median "
                    f"{values[:, 0].mean():5.2f} p90 {values[:, 1].mean():5.2f} bias {values[:, 2].mean():+6.2f} "
                    f"|bias| {np.abs(values[:, 2]).mean():5.2f} coverage {values[:, 3].mean():5.1f}% clusters "
                    f"{values[:, 4].mean():5.1f}% | cov 75-85 {sum(75 <= v <= 85 for v in values[:, 3]):3d} "
                    f"all four {sum(all(g) for g in after):3d} goals met {sum(map(sum, after)):3d} "
                    f"| into/out {moves} | more/fewer {more}/{fewer}",
                )
    for name, as_of, gate, figures in rows:
        if name.startswith("demo"):
            parts = " | ".join(
                f"{label} {v[0]:.1f} / {v[1]:.1f} / {v[2]:+.1f} / {v[3]:.0f}% / cl {v[4]:.0f}%"
                for label, v in figures.items()
            )
            R20._write("months", f"{name} {as_of} {'gate' if gate else 'shut'}: {parts}")
    gates = {(name, as_of) for name, as_of, gate, _ in rows if gate}
    by: dict[tuple[str, str, str], list[list[float]]] = {}
    for line in (ROOT / "bench" / "out" / f"{R20.PREFIX}_basis.txt").read_text().splitlines():
        head, values = line.split(": ", 1)
        name, as_of, label = head.split(maxsplit=2)
        figures = [float(v) for v in values.split(" / ")]
        by.setdefault((as_of, "all", label), []).append(figures)
        if (name, as_of) in gates:
            by.setdefault((as_of, "gate", label), []).append(figures)
    for (as_of, scope, label), values in sorted(by.items()):
        array = np.array(values)
        parts = " / ".join(
            f"{array[:, i].mean():+.2f} ({np.abs(array[:, i]).mean():.2f}, {(np.abs(array[:, i]) <= 2).sum()})"
            for i in range(len(BASES))
        )
        R20._write("months", f"basis {as_of} {scope:4s} {label:18s} {len(values):3d}: {parts}")


if __name__ == "__main__":
    R16.study_cli(
        __doc__,
        {"early": early, "months": months, "where": R19.where, "fires": R20.fires, "test": R20.test},
        SEEN,
        VARIANTS,
        R20.STUDY_REVISION,
        R20._write,
        default_revision="76e9d1f",
    )
