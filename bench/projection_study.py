"""What the projection studies of issue 17 (bench/projection_round*_study.py) share: the years a round may
look at, and the model run with some settings changed for one call."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import TypeVar

sys.path.insert(0, str(Path(__file__).resolve().parent))
import backtest_projection as B  # noqa: E402

T = TypeVar("T")


def seen_before(round_number: int) -> tuple:
    """The generated years ((mix, seed) pairs) a round of issue 17 may look at: the calibration years and
    every round's hold-outs scored before it (round 1's are B.HOLD_OUT; rounds 8 and 10 wrote two sets, the
    projection's and the pace-break warning's; round 11 the pace-break warning's; round 13's pace-break
    hold-outs were written by round 12's pace-break study, round 15's by round 13's). The demo seeds come on top in
    `study_years`."""
    from synthetic_years import (
        HOLD_OUT_ROUND_8P,
        HOLD_OUT_ROUND_10P,
        HOLD_OUT_ROUND_11P,
        HOLD_OUT_ROUND_13P,
        HOLD_OUT_ROUND_15P,
    )

    by_round = [
        B.HOLD_OUT,
        B.HOLD_OUT_ROUND_2,
        B.HOLD_OUT_ROUND_3,
        B.HOLD_OUT_ROUND_4,
        B.HOLD_OUT_ROUND_5,
        B.HOLD_OUT_ROUND_6,
        B.HOLD_OUT_ROUND_7,
        B.HOLD_OUT_ROUND_8 + HOLD_OUT_ROUND_8P,
        B.HOLD_OUT_ROUND_9,
        B.HOLD_OUT_ROUND_10 + HOLD_OUT_ROUND_10P,
        B.HOLD_OUT_ROUND_11 + HOLD_OUT_ROUND_11P,
        B.HOLD_OUT_ROUND_12,
        B.HOLD_OUT_ROUND_13 + HOLD_OUT_ROUND_13P,
        B.HOLD_OUT_ROUND_14,
        # round 15's projection hold-outs (171-173) and pace-break round 13's (174-176)
        B.HOLD_OUT_ROUND_15 + HOLD_OUT_ROUND_15P,
        B.HOLD_OUT_ROUND_16,
        B.HOLD_OUT_ROUND_17,
        B.HOLD_OUT_ROUND_18,
        B.HOLD_OUT_ROUND_19,
        B.HOLD_OUT_ROUND_20,
        (),  # round 21 (a study) wrote no hold-outs
        B.HOLD_OUT_ROUND_22,
        B.HOLD_OUT_ROUND_23,
        B.HOLD_OUT_ROUND_24,
        B.HOLD_OUT_ROUND_25,
    ]
    return B.CALIBRATION + sum(by_round[: round_number - 1], ())


def study_years(seen: tuple, hold_out: tuple | None = None, only: list[str] | None = None) -> dict[str, Path]:
    """Name -> database of the years a round may look at: the demo seeds and the `seen` generated years
    ((mix, seed) pairs); or, when `hold_out` is given, only those generated years (report only, after their
    scoring). `only` keeps the years whose name contains one of its parts. Each is built once (backtest)."""
    if hold_out is not None:
        years = {f"{mix}:{seed}": B.build_generated(mix, seed)[0] for mix, seed in hold_out}
    else:
        years = {f"demo{seed}": B.build_seed(seed) for seed in B.DEMO_SEEDS}
        years.update({f"{mix}:{seed}": B.build_generated(mix, seed)[0] for mix, seed in seen})
    return {name: db for name, db in years.items() if not only or any(part in name for part in only)}


def with_settings(patches: list[tuple[ModuleType, dict]], call: Callable[[], T]) -> T:
    """`call()` with each module's named settings set to the given values, then restored; the projection's
    cached model is cleared before and after so that neither run sees the other's settings."""
    from budget_metrics import projection

    saved = [(module, {key: getattr(module, key) for key in values}) for module, values in patches]
    for module, values in patches:
        for key, value in values.items():
            setattr(module, key, value)
    projection._cached_model.cache_clear()
    try:
        return call()
    finally:
        for module, values in saved:
            for key, value in values.items():
                setattr(module, key, value)
        projection._cached_model.cache_clear()


def pace_scores(years: dict, rule: Callable) -> dict[str, tuple[int, int, int, int, int]]:
    """The pace-break warning's scores on recorded years: per level (province, cluster), (broken areas
    flagged at some Friday within B.DETECT_DAYS after their break, broken areas, untouched areas flagged at
    some Friday of the break weeks, untouched areas flagged at some Friday of the season B.FRIDAYS,
    untouched areas). years: name -> (truth, members, inputs) with inputs[level][friday] = (arguments, codes,
    ...) as the studies record them; rule(record) gives the flags (one per code) of one recorded Friday.
    Untouched: a province not hit; a cluster neither hit whole nor holding a hit province. A year without
    any break (the demo seeds) counts its areas as untouched over the whole season and adds no break weeks.
    (The same counts as the round-4 and round-5 studies' own copies, which leave out years without a
    break.)"""
    from datetime import date, timedelta

    out = {}
    for level in B.LEVELS:
        broken = detected = clean = window_alarms = season_alarms = 0
        for truth, members, inputs in years.values():
            hit_p = {code: date.fromisoformat(day) for code, day in truth["hit_provinces"].items()}
            hit_c = {code: date.fromisoformat(day) for code, day in truth.get("hit_clusters", {}).items()}
            days = [*hit_p.values(), *hit_c.values()]
            late = timedelta(days=B.DETECT_DAYS)
            window = [f for f in B.FRIDAYS if days and min(days) < f <= max(days) + late]
            touched = {members[code] for code in hit_p} | set(hit_c)
            hit = hit_p if level == "province" else hit_c
            every = members.keys() if level == "province" else set(members.values())
            calm = [c for c in every if c not in hit and (level == "province" or c not in touched)]
            flagged = {}
            for friday, record in inputs[level].items():
                flags = rule(record)
                flagged[friday] = {code for code, flag in zip(record[1], flags, strict=True) if flag}
            broken += len(hit)
            detected += sum(
                any(day < f <= day + late and code in flagged[f] for f in B.FRIDAYS) for code, day in hit.items()
            )
            clean += len(calm)
            window_alarms += sum(any(code in flagged[f] for f in window) for code in calm)
            season_alarms += sum(any(code in flagged[f] for f in B.FRIDAYS) for code in calm)
        out[level] = (detected, broken, window_alarms, season_alarms, clean)
    return out


def score_line(name: str, result: dict[str, tuple[int, int, int, int, int]]) -> str:
    """One line of pace_scores: per level, detected / broken, untouched flagged in the break weeks and at some
    Friday of the season."""
    parts = [name]
    for level, (d, b, w, s, c) in result.items():
        parts.append(f"{level} {d}/{b} ({d / max(b, 1):.0%}) window {w}/{c} season {s}/{c} ({s / max(c, 1):.1%})")
    return " | ".join(parts)
