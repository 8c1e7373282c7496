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
