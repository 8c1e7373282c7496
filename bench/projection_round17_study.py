"""The study behind round 17 of issue 17 (docs/projection.md, "Round 17 of issue 17"): a band term for money moved
by orders after the as-of date (`projection.MOVED_BAND_SCALE`, `MOVED_BAND_SAVINGS`: the money still movable — the
unsigned investment allocation and the savings below signed contracts not yet returned — moving every area together,
by a share scaled by how much of the movable money this year's orders have moved so far per day, times the days
left). On the seen years built by bench/backtest_projection.py into bench/out/backtest/
(`projection_study.seen_before(17)`: the 3 demo seeds and the generated years of rounds 1-16):

    .venv/bin/python bench/projection_round17_study.py where [--only NAME ...]
        # per year and date: the movable share of the allocation, the share moved out so far, and the term's
        # standard deviation at scale 1 (points of the nation's allocation) (bench/out/round17_where.txt)
    .venv/bin/python bench/projection_round17_study.py orders [--only NAME ...]
        # per year and date: the allocation moved out so far (each project's, and the year's net decrease) and the
        # net decrease after the date by 30 Sep (bench/out/round17_orders.txt)
    .venv/bin/python bench/projection_round17_study.py provinces [--only NAME ...] [--variant NAME ...]
        # provinces' median / p90 / bias / coverage and clusters' coverage per variant (round 13's measure), one
        # line per year-date (bench/out/round17_provinces.txt)
    .venv/bin/python bench/projection_round17_study.py test [--file PATH]
        # the round's test on the provinces lines: per variant, year-dates changed, meeting all four goals (kept ->
        # variant), a goal pushed out, bias worse by > 0.5, coverage into / out of 75-85% (provinces, clusters),
        # clusters' coverage worse, bands already >= 85% made wider by > 2 points of coverage
    .venv/bin/python bench/projection_round17_study.py basis [--only NAME ...] [--variant NAME ...]
        # the provinces' bias per basis (paid / on plan / overdue / no contract / allocation changes)
    .venv/bin/python bench/projection_round17_study.py code-speed --revision 76e9d1f
        # the whole national projection on demo seed 2562, projection.py at the revision and now, alternating
    --hold-out-17: the round-17 hold-outs instead (report only, after their scoring)

A study script: it patches model settings in memory to compare them; nothing it prints is a setting. It calls round
13's measures (projection_round13_study._metrics, basis_lines, code_speed) and runs its variants through round 16's
`_with` (projection_round16_study, with this round's variants and revision). Every variant runs
budget_metrics/projection.py as it was at STUDY_REVISION (imported from git; None: the working tree), where the
candidate's settings exist at neutral values ("kept": off, the model on main).
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
import projection_round13_study as R13  # noqa: E402
import projection_round16_study as R16  # noqa: E402
from projection_study import seen_before, study_years  # noqa: E402

SEEN = seen_before(17)
DATES = R13.DATES
SCALES = (0.5, 1.0, 2.0)

# (payment_timing settings, projection settings) per variant; "kept" is the committed model.
VARIANTS: dict[str, tuple[dict, dict]] = {
    "kept": ({}, {}),
    **{f"moved {k}": ({}, {"MOVED_BAND_SCALE": k}) for k in SCALES},
    **{f"moved {k} unsigned": ({}, {"MOVED_BAND_SCALE": k, "MOVED_BAND_SAVINGS": False}) for k in SCALES},
    # the money moved so far read as the net decrease of the year's allocation (what left the year)
    **{f"net {k}": ({}, {"MOVED_BAND_SCALE": k, "MOVED_BAND_NET": True}) for k in (*SCALES, 3.0)},
}

# where the candidate's settings exist (at neutral values); None: the working tree
STUDY_REVISION: str | None = "6de1be1"


def _with(variant: str, call):
    """call() under the variant: round 16's runner with this round's variants and studied revision."""
    _runner()
    return R16._with(variant, call)


def _runner():
    """Round 16's runner set to this round's variants and studied revision; the studied projection module."""
    R16.VARIANTS, R16.STUDY_REVISION = VARIANTS, STUDY_REVISION
    return R16._studied_module()


def _write(study: str, line: str) -> None:
    print(line, flush=True)
    with (ROOT / "bench" / "out" / f"round17_{study}.txt").open("a") as handle:
        handle.write(line + "\n")


def hold_out(which: int | None):
    """The round's hold-outs (report only), or None: the seen years."""
    if which is None:
        return None
    import backtest_projection as B

    return B.HOLD_OUTS_BY_ROUND[which]


def _years(only: list[str] | None, which: int | None):
    return study_years(SEEN, hold_out(which), only)


def where(only: list[str] | None, which: int | None) -> None:
    """Per year and date: movable and moved shares, and the term's sd at scale 1 (points, nation)."""
    import numpy as np

    P = _runner()
    for name, db in _years(only, which).items():
        os.environ["BUDGET_DB"] = str(db)
        for as_of in DATES:
            frame, _ = P._history(2562, as_of)
            allocation = frame["current_allocation"].to_numpy(float)
            first = frame["allocated_amount"].to_numpy(float)
            moved = float(np.nansum(np.maximum(first - allocation, 0.0)))
            total = float(allocation.sum())
            model = _with("moved 1.0", lambda as_of=as_of: P._model(2562, as_of))
            column = model.view_inputs[:, : len(model.shared_variance)]
            sds = np.sqrt((column.sum(axis=0) / 100) ** 2 * model.shared_variance)
            _write(
                "where",
                f"{name:34s} {as_of} moved so far {moved / total:6.1%} of the allocation; the largest shared term's sd "
                f"{sds.max() / total:6.2%}, all {np.sqrt((sds**2).sum()) / total:6.2%} (scale 1, nation)",
            )


def orders(only: list[str] | None, which: int | None) -> None:
    """Per year and date: the allocation that has left the year by then (the net decrease of its whole allocation) and
    what leaves after it by 30 Sep (shares of the allocation), and every project's money moved out so far."""
    from datetime import date

    import numpy as np

    P = _runner()
    for name, db in _years(only, which).items():
        os.environ["BUDGET_DB"] = str(db)
        end = float(P._history(2562, date(2019, 9, 30))[0]["current_allocation"].sum())
        for as_of in DATES:
            frame, _ = P._history(2562, as_of)
            allocation = frame["current_allocation"].to_numpy(float)
            first = frame["allocated_amount"].to_numpy(float)
            total, now = float(np.nansum(first)), float(allocation.sum())
            gross = float(np.nansum(np.maximum(first - allocation, 0.0)))
            _write(
                "orders",
                f"{name:34s} {as_of} moved out {gross / total:6.1%}, net {(total - now) / total:6.1%} so far; "
                f"net after it {(now - end) / now:6.1%}",
            )


def provinces(only: list[str] | None, variants: list[str], which: int | None, part: str | None = None) -> None:
    """Per year and date: provinces' median abs error, p90, bias, coverage and clusters' coverage per variant.
    part "i/n": only every n-th year from the i-th (to run in n processes)."""
    years = list(_years(only, which).items())
    if part:
        first, step = (int(x) for x in part.split("/"))
        years = years[first::step]
    for name, db in years:
        os.environ["BUDGET_DB"] = str(db)
        for as_of in DATES:
            row = [f"{name:34s} {as_of}"]
            for label in variants:
                median, p90, bias, coverage, clusters = _with(label, lambda as_of=as_of: R13._metrics(as_of))
                row.append(f"{label}: {median:4.1f} {p90:5.1f} {bias:+5.1f} {coverage:4.0%} cl {clusters:4.0%}")
            _write("provinces", "  |  ".join(row))


FIGURES = re.compile(r"(.+?): +(\S+) +(\S+) +(\S+) +(\d+)% cl +(\d+)%")


def _goals(median: float, p90: float, bias: float, coverage: float) -> tuple[bool, bool, bool, bool]:
    return median <= 5, p90 <= 12, abs(bias) <= 2, 75 <= coverage <= 85


def round_test(path: Path) -> None:
    """The round's test, per variant, on the provinces lines of `path` (each with "kept")."""
    rows = []
    for line in path.read_text().splitlines():
        head, *parts = line.split("  |  ")
        figures = {}
        for part in parts:
            match = FIGURES.match(part.strip())
            if match:
                label, *values = match.groups()
                figures[label.strip()] = tuple(float(v) for v in values)
        rows.append((head.strip(), figures))
    labels = sorted({label for _, figures in rows for label in figures if label != "kept"})
    for label in labels:
        changed = meets = meets_kept = pushed = worse = into = out = cl_into = cl_out = cl_worse = wide = 0
        moved_lines = []
        for head, figures in rows:
            if "kept" not in figures or label not in figures:
                continue
            kept, new = figures["kept"], figures[label]
            if kept != new:
                changed += 1
                moved_lines.append(f"  {head}: {kept} -> {new}")
            a, b = _goals(*kept[:4]), _goals(*new[:4])
            meets_kept += all(a)
            meets += all(b)
            pushed += any(x and not y for x, y in zip(a, b, strict=True))
            worse += abs(new[2]) > abs(kept[2]) + 0.5
            into += not a[3] and b[3]
            out += a[3] and not b[3]
            cl_into += not 75 <= kept[4] <= 85 and 75 <= new[4] <= 85
            cl_out += 75 <= kept[4] <= 85 and not 75 <= new[4] <= 85
            cl_worse += abs(new[4] - 80) > abs(kept[4] - 80)
            wide += kept[3] >= 85 and new[3] > kept[3] + 2
        _write(
            "test",
            f"{label}: {len(rows)} year-dates, changed {changed}, meeting all four {meets_kept} -> {meets}, a goal "
            f"pushed out {pushed}, bias worse by > 0.5 {worse}, coverage into / out of 75-85% {into} / {out}, clusters "
            f"{cl_into} / {cl_out}, clusters further from 80% {cl_worse}, bands >= 85% wider by > 2 {wide}",
        )
        for text in moved_lines:
            _write("test", text)


def basis(only: list[str] | None, variants: list[str], which: int | None) -> None:
    """Per year and date: the provinces' bias per basis per variant (round 13's lines, this round's variants)."""
    for line in R13.basis_lines(_years(only, which), variants, _with):
        _write("basis", line)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("study", choices=("where", "orders", "provinces", "test", "basis", "code-speed"))
    parser.add_argument("--only", nargs="*")
    parser.add_argument("--variant", nargs="*", default=["kept"])
    parser.add_argument("--revision", default="76e9d1f", help="code-speed: the projection.py to time against")
    parser.add_argument("--file", default=str(ROOT / "bench" / "out" / "round17_provinces.txt"))
    parser.add_argument("--part", help="provinces: i/n, every n-th year from the i-th")
    parser.add_argument("--hold-out-17", action="store_true", help="the round-17 hold-outs (after their scoring)")
    args = parser.parse_args()
    which = 17 if args.hold_out_17 else None
    if args.study == "code-speed":
        R13.code_speed(args.revision)
    elif args.study == "where":
        where(args.only, which)
    elif args.study == "orders":
        orders(args.only, which)
    elif args.study == "provinces":
        provinces(args.only, args.variant, which, args.part)
    elif args.study == "test":
        round_test(Path(args.file))
    else:
        basis(args.only, args.variant, which)


if __name__ == "__main__":
    main()
