"""File names and atomic writes for exports.

Names carry the fiscal year, the as-of date and the area so a folder of weekly exports
sorts by date and a script can find a file without listing the folder:

    budget-2562-asof-2019-09-13.xlsx
    budget-2562-asof-2019-09-13-province-50.pdf
    budget-2562-asof-2019-09-13-cluster-C01-provinces.csv

The dashboard's weekly page adds the week it compares with and whether the figures are a
snapshot's frozen ones: budget-2562-asof-2019-09-13-province-46-vs-2019-08-30-snapshot.xlsx.

A dashboard table's download is named the same way after what it holds:

    lagging-2562-asof-2019-09-30.xlsx
    lagging-2562-asof-2019-09-30-province-46.xlsx
    assets-overdue-2562-asof-2019-09-30-region-northeast-investment.csv

A file is written under a hidden temporary name in the same folder (same file system,
so the rename is atomic) and renamed only when every file of the export is complete;
on any failure the temporary files are removed and nothing new appears in the folder.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

TEMP_PREFIX = ".partial-"


def export_stem(fiscal_year: int, as_of: date, area_kind: str | None = None,
                area_code: str | None = None, suffix: str = "") -> str:
    """'budget-2562-asof-2019-09-13' plus '-province-50' / '-cluster-C01' for an area export, then
    `suffix` (exports.tables.file_suffix: '-vs-2019-08-30-snapshot')."""
    stem = f"budget-{fiscal_year}-asof-{as_of.isoformat()}"
    if area_kind and area_code:
        stem += f"-{area_kind}-{area_code}"
    return stem + suffix


def table_file_name(table: str, fiscal_year: int, as_of: date | None, extension: str,
                    scope_parts: tuple[str, ...] = ()) -> str:
    """A dashboard table's download: 'lagging-2562-asof-2019-09-30-province-46.xlsx'.

    `table` names the table (underscores become hyphens); `scope_parts` name the area and any
    narrower filter ('province', '46', 'investment'); none for the whole country. Without a
    known as-of date the date part is left out."""
    parts = [table.replace("_", "-"), str(fiscal_year)]
    if as_of is not None:
        parts += ["asof", as_of.isoformat()]
    parts += [part.replace("_", "-") for part in scope_parts if part]
    return f"{'-'.join(parts)}.{extension}"


def export_file_name(fiscal_year: int, as_of: date, extension: str, area_kind: str | None = None,
                     area_code: str | None = None, table: str | None = None, suffix: str = "") -> str:
    """The file name for one export file; CSV files add the table name before the extension."""
    stem = export_stem(fiscal_year, as_of, area_kind, area_code, suffix)
    if table:
        stem += f"-{table}"
    return f"{stem}.{extension}"


def _remove_quietly(path: Path) -> None:
    try:
        path.unlink()
    except FileNotFoundError:
        pass


class AtomicBatch:
    """Temporary paths handed out for writing; `commit()` renames them all into place."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self._pending: list[tuple[Path, Path]] = []
        self.final_paths: list[Path] = []  # where the files will be once committed

    def path_for(self, name: str) -> Path:
        """A temporary path in the output folder to write `name` to."""
        temp = self.folder / f"{TEMP_PREFIX}{os.getpid()}-{name}"
        _remove_quietly(temp)
        self._pending.append((temp, self.folder / name))
        self.final_paths.append(self.folder / name)
        return temp

    def commit(self) -> list[Path]:
        """Flush and rename every written file to its final name; returns the final paths."""
        for temp, _ in self._pending:
            if not temp.exists():
                raise FileNotFoundError(f"export step wrote nothing to {temp}")
            with open(temp, "rb") as handle:  # durable before it becomes visible
                os.fsync(handle.fileno())
        done = []
        for temp, final in self._pending:
            os.replace(temp, final)
            done.append(final)
        self._pending = []
        return done

    def discard(self) -> None:
        for temp, _ in self._pending:
            _remove_quietly(temp)
        self._pending = []


@contextmanager
def atomic_batch(folder: Path) -> Iterator[AtomicBatch]:
    """Write several files so that either all of them appear in `folder` or none does.

    Usage: `with atomic_batch(out) as batch: write(batch.path_for(name)); ...` — the
    files are renamed into place when the block ends without an exception.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    batch = AtomicBatch(folder)
    try:
        yield batch
        batch.commit()
    except BaseException:
        batch.discard()
        raise
