"""Reference data (regions, clusters, provinces, targets, thresholds, reporting settings) from data/reference/.

Facts that change by decree live in those files, not in code. Every write session
replaces the reference tables from the files, so a fresh database always has them and
an edited file takes effect on the next ETL command.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import duckdb
import pandas as pd

import settings


class ReferenceError(ValueError):
    """A reference file is inconsistent; the message names the file and the problem."""


REPORTING_FILE = "reporting.toml"
# The two lines the Comptroller General reports execution by; headline_line names one of them.
TARGET_LINES = ("overall", "investment")


def read_reference(folder: Path | None = None) -> dict[str, pd.DataFrame]:
    """The reference tables as DataFrames, checked for consistency."""
    folder = Path(folder) if folder else settings.reference_dir()
    as_text = {"dtype": str, "keep_default_na": False}
    tables = {
        "regions": pd.read_csv(folder / "regions.csv", **as_text),
        "clusters": pd.read_csv(folder / "clusters.csv", **as_text),
        "provinces": pd.read_csv(folder / "provinces.csv", **as_text),
        "targets": pd.read_csv(folder / "targets.csv", **as_text),
    }
    with open(folder / "thresholds.toml", "rb") as handle:
        thresholds = tomllib.load(handle)
    tables["thresholds"] = pd.DataFrame(
        [
            {"name": name, "value": float(entry["value"]), "unit": entry["unit"],
             "description": entry["description"]}
            for name, entry in thresholds.items()
        ]
    )
    tables["report_settings"] = _reporting_settings(folder / REPORTING_FILE)
    _check(tables, folder)
    return tables


def _reporting_settings(path: Path) -> pd.DataFrame:
    """name, value, description rows from reporting.toml; headline_line must name a target line."""
    with open(path, "rb") as handle:
        entries = tomllib.load(handle)
    headline = str(entries.get("headline_line", {}).get("value", ""))
    if headline not in TARGET_LINES:
        raise ReferenceError(
            f"{path}: headline_line ต้องเป็น {' หรือ '.join(TARGET_LINES)} (พบ {headline!r}) — "
            f"headline_line must be one of {', '.join(TARGET_LINES)}, found {headline!r}")
    return pd.DataFrame(
        [{"name": name, "value": str(entry["value"]), "description": entry.get("description", "")}
         for name, entry in entries.items()])


# The largest plausibility bound that keeps every sum the read side makes inside its type:
# per-project figures stay within 2 x this (DECIMAL(18,2) and satang in BIGINT; etl/state.py).
MAX_PLAUSIBLE_CEILING = 1e12


def _check(tables: dict[str, pd.DataFrame], folder: Path) -> None:
    bound = dict(zip(tables["thresholds"]["name"], tables["thresholds"]["value"])).get("max_plausible_amount")
    if bound is None or not 0 < bound <= MAX_PLAUSIBLE_CEILING:
        raise ReferenceError(
            f"{folder / 'thresholds.toml'}: max_plausible_amount ต้องมากกว่า 0 และไม่เกิน 1,000,000,000,000 บาท "
            f"(พบ {bound}) — max_plausible_amount must be above 0 and at most 1,000,000,000,000 baht, "
            f"found {bound}")
    provinces, clusters = tables["provinces"], tables["clusters"]
    unknown = set(provinces["cluster_code"]) - set(clusters["cluster_code"])
    if unknown:
        raise ReferenceError(f"{folder / 'provinces.csv'}: unknown cluster_code {sorted(unknown)}")
    if provinces["province_code"].duplicated().any():
        raise ReferenceError(f"{folder / 'provinces.csv'}: duplicate province_code")
    regions = set(tables["regions"]["region"])
    for name in ("provinces", "clusters"):
        bad = set(tables[name]["region"]) - regions
        if bad:
            raise ReferenceError(f"{folder / (name + '.csv')}: unknown region {sorted(bad)}")


def load_reference(con: duckdb.DuckDBPyConnection, folder: Path | None = None) -> None:
    """Replace the reference tables in the database with the files' contents."""
    tables = read_reference(folder)
    clusters = tables["clusters"].copy()
    clusters["centre_province_code"] = clusters["centre_province_code"].replace("", None)
    tables["clusters"] = clusters
    con.execute("BEGIN TRANSACTION")
    try:
        for name in ("regions", "clusters", "provinces", "targets", "thresholds", "report_settings"):
            frame = tables[name]  # read by DuckDB's replacement scan
            columns = ", ".join(frame.columns)
            con.execute(f"DELETE FROM {name}")
            con.execute(f"INSERT INTO {name} ({columns}) SELECT {columns} FROM frame")
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
