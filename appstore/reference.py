"""Reference data the store validates against, read from data/reference/ (BUDGET_REFERENCE).

- follow-up causes: followup_causes.csv (code, Thai and English label, display order);
- province and cluster codes for user areas: provinces.csv / clusters.csv, checked as the ETL
  checks them (`reference_data`, the one reader), so `users add` works before any data is loaded;
- `followup_fresh_days` from thresholds.toml, as loaded into DuckDB with the other
  thresholds, or from the file while the published database predates the entry.
Files are re-read when they change (cached per modification time).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import reference_data
import settings
from reference_data import CAUSES_FILE, THRESHOLDS_FILE

if TYPE_CHECKING:  # reference_data reads with pandas when a table is asked for
    import pandas as pd

FRESH_DAYS = "followup_fresh_days"


def _stamp(path: Path) -> tuple[str, int]:
    return str(path), path.stat().st_mtime_ns


@lru_cache(maxsize=4)
def _causes(stamp: tuple[str, int]) -> pd.DataFrame:
    return reference_data.read_causes(Path(stamp[0]).parent)


def causes() -> pd.DataFrame:
    """Follow-up cause categories: cause_code, label_th, label_en, sort_order (display order)."""
    return _causes(_stamp(settings.reference_dir() / CAUSES_FILE)).copy()


@lru_cache(maxsize=4)
def _areas(stamps: tuple[tuple[str, int], ...]) -> tuple[frozenset[str], frozenset[str], dict[str, str]]:
    tables = reference_data.read_reference(Path(stamps[0][0]).parent)
    provinces = tables["provinces"]
    return (
        frozenset(provinces["province_code"]),
        frozenset(tables["clusters"]["cluster_code"]),
        dict(zip(provinces["province_code"], provinces["cluster_code"], strict=True)),
    )


def _area_tables() -> tuple[frozenset[str], frozenset[str], dict[str, str]]:
    folder = settings.reference_dir()
    return _areas(
        tuple(
            _stamp(folder / name)
            for name in ("provinces.csv", "clusters.csv", "regions.csv", "targets.csv", THRESHOLDS_FILE)
        )
    )


def province_codes() -> frozenset[str]:
    """DOPA codes of the 76 provinces with plans."""
    return _area_tables()[0]


def cluster_codes() -> frozenset[str]:
    """Cluster codes C01..C18."""
    return _area_tables()[1]


def cluster_of_province() -> dict[str, str]:
    """Province code -> its cluster code."""
    return dict(_area_tables()[2])


@lru_cache(maxsize=4)
def _file_threshold(stamp: tuple[str, int], name: str) -> float:
    return float(reference_data.read_thresholds(Path(stamp[0]).parent)[name]["value"])


def followup_fresh_days() -> int:
    """Days a follow-up response counts as current for the response rate (thresholds.toml)."""
    from budget_metrics import reference as read_side
    from budget_metrics.connection import NoDataError

    try:
        loaded = read_side.thresholds()
    except NoDataError:
        loaded = {}
    if FRESH_DAYS in loaded:
        return int(loaded[FRESH_DAYS])
    return int(_file_threshold(_stamp(settings.reference_dir() / THRESHOLDS_FILE), FRESH_DAYS))
