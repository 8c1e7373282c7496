"""Reference lists for pickers and labels: regions, clusters, provinces, thresholds."""

from __future__ import annotations

from functools import lru_cache

import pandas as pd

from budget_metrics.connection import data_version, read_only


@lru_cache(maxsize=8)
def _table(sql: str, version: str) -> pd.DataFrame:
    with read_only() as con:
        return con.execute(sql).df()


def regions() -> pd.DataFrame:
    """region, name_th, name_en, sort_order — in display order."""
    return _table("SELECT * FROM regions ORDER BY sort_order", data_version()).copy()


def clusters() -> pd.DataFrame:
    """cluster_code, name_th, name_en, region, centre_province_code."""
    return _table("SELECT * FROM clusters ORDER BY cluster_code", data_version()).copy()


def provinces() -> pd.DataFrame:
    """province_code, name_th, name_en, region, cluster_code."""
    return _table("SELECT * FROM provinces ORDER BY name_th", data_version()).copy()


def thresholds() -> dict[str, float]:
    """Threshold name -> value, from data/reference/thresholds.toml as loaded (a copy)."""
    return dict(_thresholds(data_version()))


@lru_cache(maxsize=8)
def _thresholds(version: str) -> dict[str, float]:
    # A page asks for thresholds dozens of times per render: build the dict once per file.
    frame = _table("SELECT name, value FROM thresholds", version)
    return dict(zip(frame["name"], frame["value"].astype(float), strict=True))


def fiscal_years() -> list[int]:
    """Fiscal years (BE) that have projects, newest first."""
    frame = _table("SELECT DISTINCT fiscal_year FROM projects ORDER BY 1 DESC", data_version())
    return [int(year) for year in frame["fiscal_year"]]
