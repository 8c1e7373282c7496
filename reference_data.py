"""The files of data/reference/ (BUDGET_REFERENCE), read in one place for every package that needs them.

Facts that change by decree (regions, clusters, provinces, disbursement targets, thresholds, which
target line leads, follow-up causes, the tile-map layout) live in those files, not in code. Three
rooms read them: the write side (`etl/`, which copies them into DuckDB on every write session), the
read side (`budget_metrics/`, the tile map) and the application store (`appstore/`, area codes and
causes it validates against, usable before any data is loaded). Why a top-level module (the ground
floor, beside `settings.py`): each of them reads the same files the same way without importing
another's package. This module only reads and checks files; it keeps no cache and writes nothing
(callers cache by modification time where they read often; `etl.reference` loads the tables).
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import TYPE_CHECKING

import settings

if TYPE_CHECKING:  # imported where a table is read: the ETL's write session reads no file when its tables are current
    import pandas as pd

CSV_TABLES = ("regions", "clusters", "provinces", "targets")
THRESHOLDS_FILE = "thresholds.toml"
REPORTING_FILE = "reporting.toml"
CAUSES_FILE = "followup_causes.csv"
TILE_GRID_FILE = "tile_grid.csv"
ALIASES_FILE = "owner_aliases.csv"
# The two lines the Comptroller General reports execution by; headline_line names one of them.
TARGET_LINES = ("overall", "investment")


class ReferenceError(ValueError):
    """A reference file is inconsistent; the message names the file and the problem."""


def folder_or_default(folder: Path | str | None = None) -> Path:
    """The folder given, or the configured one (env BUDGET_REFERENCE, see settings)."""
    return Path(folder) if folder else settings.reference_dir()


def read_table(name: str, folder: Path | str | None = None) -> pd.DataFrame:
    """One CSV table (`regions`, `clusters`, `provinces`, `targets`, ...) with every cell as text
    ('' for an empty cell), unchecked."""
    import pandas as pd

    return pd.read_csv(folder_or_default(folder) / f"{name}.csv", dtype=str, keep_default_na=False)


def read_thresholds(folder: Path | str | None = None) -> dict[str, dict]:
    """thresholds.toml as written: name -> {value, unit, description}."""
    with open(folder_or_default(folder) / THRESHOLDS_FILE, "rb") as handle:
        return tomllib.load(handle)


def read_reference(folder: Path | str | None = None) -> dict[str, pd.DataFrame]:
    """The reference tables the ETL loads into DuckDB, as DataFrames, checked for consistency:
    regions, clusters, provinces, targets (text cells), thresholds (name, value as float, unit,
    description), report_settings (name, value as text, description). ReferenceError names the
    file and the problem."""
    import pandas as pd

    folder = folder_or_default(folder)
    tables = {name: read_table(name, folder) for name in CSV_TABLES}
    tables["thresholds"] = pd.DataFrame(
        [
            {"name": name, "value": float(entry["value"]), "unit": entry["unit"], "description": entry["description"]}
            for name, entry in read_thresholds(folder).items()
        ]
    )
    tables["report_settings"] = _reporting_settings(folder / REPORTING_FILE)
    _check(tables, folder)
    return tables


def _reporting_settings(path: Path) -> pd.DataFrame:
    """name, value, description rows from reporting.toml; headline_line must name a target line."""
    import pandas as pd

    with open(path, "rb") as handle:
        entries = tomllib.load(handle)
    headline = str(entries.get("headline_line", {}).get("value", ""))
    if headline not in TARGET_LINES:
        raise ReferenceError(
            f"{path}: headline_line ต้องเป็น {' หรือ '.join(TARGET_LINES)} (พบ {headline!r}) — "
            f"headline_line must be one of {', '.join(TARGET_LINES)}, found {headline!r}"
        )
    return pd.DataFrame(
        [
            {"name": name, "value": str(entry["value"]), "description": entry.get("description", "")}
            for name, entry in entries.items()
        ]
    )


# The largest plausibility bound that keeps every sum the read side makes inside its type:
# per-project figures stay within 2 x this (DECIMAL(18,2) and satang in BIGINT; etl/state.py).
MAX_PLAUSIBLE_CEILING = 1e12


def _check(tables: dict[str, pd.DataFrame], folder: Path) -> None:
    bound = dict(zip(tables["thresholds"]["name"], tables["thresholds"]["value"])).get("max_plausible_amount")
    if bound is None or not 0 < bound <= MAX_PLAUSIBLE_CEILING:
        raise ReferenceError(
            f"{folder / 'thresholds.toml'}: max_plausible_amount ต้องมากกว่า 0 และไม่เกิน 1,000,000,000,000 บาท "
            f"(พบ {bound}) — max_plausible_amount must be above 0 and at most 1,000,000,000,000 baht, "
            f"found {bound}"
        )
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


def read_causes(folder: Path | str | None = None) -> pd.DataFrame:
    """Follow-up cause categories in display order: cause_code, label_th, label_en (text),
    sort_order (int)."""
    import pandas as pd

    frame = pd.read_csv(folder_or_default(folder) / CAUSES_FILE, dtype=str, keep_default_na=False)
    frame["sort_order"] = frame["sort_order"].astype(int)
    return frame.sort_values("sort_order").reset_index(drop=True)


def read_owner_aliases(folder: Path | str | None = None) -> list[tuple[str, str]]:
    """Other names users write for a province or cluster, as (alias, owner_code) pairs, checked: each
    names a province or cluster of the reference, and no alias is given twice. Read with the csv module:
    the ETL reads it on every connection, and a CSV load imports no pandas."""
    import csv
    from collections import Counter

    folder = folder_or_default(folder)
    if not (folder / ALIASES_FILE).exists():  # a reference folder kept from before the file: no aliases
        return []

    def column(name: str, key: str) -> set[str]:
        with open(folder / f"{name}.csv", encoding="utf-8", newline="") as handle:
            return {row[key] for row in csv.DictReader(handle)}

    with open(folder / ALIASES_FILE, encoding="utf-8", newline="") as handle:
        pairs = [((row["alias"] or "").strip(), row["owner_code"] or "") for row in csv.DictReader(handle)]
    unknown = sorted(
        {code for _, code in pairs} - column("provinces", "province_code") - column("clusters", "cluster_code")
    )
    if unknown:
        raise ReferenceError(f"{folder / ALIASES_FILE}: unknown owner_code {unknown}")
    counts = Counter(alias.casefold() for alias, _ in pairs)
    twice = sorted({alias for alias, _ in pairs if counts[alias.casefold()] > 1})
    if twice or any(not alias for alias, _ in pairs):
        raise ReferenceError(f"{folder / ALIASES_FILE}: an alias given twice or empty {twice}")
    return pairs


def read_tile_grid(folder: Path | str | None = None) -> pd.DataFrame:
    """The tile map's layout: province_code (DOPA '50'), row, col (ints, row 0 = north), abbr_th, abbr_en."""
    import pandas as pd

    return pd.read_csv(
        folder_or_default(folder) / TILE_GRID_FILE, dtype={"province_code": str, "abbr_th": str, "abbr_en": str}
    )
