"""The tile-grid map of Thailand: one equal square per province (reference data).

`data/reference/tile_grid.csv` places each of the 76 provinces on a grid (row 0 at the
top = north, the southern peninsula in the bottom rows) with short labels for the
tiles: the Thai vehicle-plate abbreviation (abbr_th) and a three-letter English one.
The layout is a reference fact like the cluster list, so it lives in a file, not code
(read by `reference_data`, the one reader of data/reference/).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pandas as pd

import reference_data
from reference_data import TILE_GRID_FILE


@lru_cache(maxsize=4)
def _read(path: Path, mtime_ns: int) -> pd.DataFrame:
    return reference_data.read_tile_grid(path.parent)


def tile_grid(folder: Path | None = None) -> pd.DataFrame:
    """Columns province_code (DOPA '50'), row, col (ints, row 0 = north), abbr_th, abbr_en."""
    path = reference_data.folder_or_default(folder) / TILE_GRID_FILE
    return _read(path, path.stat().st_mtime_ns).copy()


def tiles_with_progress(area_table: pd.DataFrame, folder: Path | None = None) -> pd.DataFrame:
    """The tile grid joined with a province table from `progress.area_progress(..., 'province')`.

    Every tile is kept (a province missing from the table gets NaN figures), so the map
    always shows the whole country.
    """
    grid = tile_grid(folder)
    return grid.merge(area_table, left_on="province_code", right_on="code", how="left")
