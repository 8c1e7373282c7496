"""Run an export: build the tables once, write the chosen format atomically.

Used by `python -m etl export` and by the dashboard's download buttons, so both give
the same files (same names, same contents) for the same filters. Every table of a
bundle is read from one published database file (`build_bundle`), even when a load
publishes a new file while the export runs.
"""

from __future__ import annotations

import io
import tempfile
import zipfile
from collections.abc import Callable
from datetime import date
from pathlib import Path

from budget_metrics.connection import pinned_read
from budget_metrics.filters import Filters
from exports.files import atomic_batch, export_file_name, export_stem
from exports.tables import ExportBundle, build_export, file_suffix

FORMATS = ("xlsx", "pdf", "csv")


def write_bundle(bundle: ExportBundle, fmt: str, out_dir: Path, say: Callable[[str], None] | None = None) -> list[Path]:
    """Write one format of an already-built bundle into out_dir; returns the final paths.

    All files of the format appear together or none does (temporary names, then rename).
    Temporary files of killed exports in out_dir are removed first; `say` is told of each.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    fy, suffix = bundle.filters.fiscal_year, bundle.name_suffix
    with atomic_batch(out_dir, say) as batch:
        if fmt == "xlsx":
            from exports.workbook import write_workbook

            name = export_file_name(fy, bundle.as_of, "xlsx", bundle.area_kind, bundle.area_code, suffix=suffix)
            write_workbook(bundle, batch.path_for(name))
        elif fmt == "pdf":
            from exports.brief_pdf import write_brief

            name = export_file_name(fy, bundle.as_of, "pdf", bundle.area_kind, bundle.area_code, suffix=suffix)
            write_brief(bundle, batch.path_for(name))
        else:
            from exports.csv_tables import write_csv

            for table in bundle.tables:
                name = export_file_name(fy, bundle.as_of, "csv", bundle.area_kind, bundle.area_code, table.name, suffix)
                write_csv(table, batch.path_for(name))
    return list(batch.final_paths)


def build_bundle(filters: Filters, snapshot_id: int | None = None, compared_with: date | None = None) -> ExportBundle:
    """The export's tables, all read through one connection to one published file.

    Without the pin, a load publishing mid-export gives a summary from one file and the
    project sheet from the next (the summary then is not the sum of its own rows).
    `snapshot_id` and `compared_with` as in `tables.build_export` (the weekly page's week).
    """
    with pinned_read():
        return build_export(filters, snapshot_id, compared_with)


def export_files(filters: Filters, fmt: str, out_dir: Path) -> list[Path]:
    """Build the export for the filters (as-of None = latest data date) and write one format."""
    return write_bundle(build_bundle(filters), fmt, out_dir)


def download(bundle: ExportBundle, fmt: str) -> tuple[str, bytes, str]:
    """(file name, bytes, MIME type) for a dashboard download: the CLI's file itself, or
    for CSV a zip holding the CLI's CSV files under their CLI names."""
    with tempfile.TemporaryDirectory() as folder:
        paths = write_bundle(bundle, fmt, Path(folder))
        if fmt == "xlsx":
            return (
                paths[0].name,
                paths[0].read_bytes(),
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
        if fmt == "pdf":
            return paths[0].name, paths[0].read_bytes(), "application/pdf"
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in paths:
                # fixed timestamp: the same data gives the same zip
                info = zipfile.ZipInfo(path.name, date_time=(1980, 1, 1, 0, 0, 0))
                info.compress_type = zipfile.ZIP_DEFLATED
                archive.writestr(info, path.read_bytes())
        stem = export_stem(
            bundle.filters.fiscal_year, bundle.as_of, bundle.area_kind, bundle.area_code, bundle.name_suffix
        )
        return f"{stem}-csv.zip", buffer.getvalue(), "application/zip"


def download_name(filters: Filters, fmt: str, frozen: bool = False, compared_with: date | None = None) -> str:
    """The file name `download_for` produces (the CLI's name; CSV: '<stem>-csv.zip'), with
    '-vs-<date>' / '-snapshot' for a weekly-page download of a compared or frozen week.

    filters.as_of must be set (the date the dashboard shows, or the snapshot's)."""
    kind, code = (
        ("province", filters.province)
        if filters.province
        else ("cluster", filters.cluster)
        if filters.cluster
        else (None, None)
    )
    suffix = file_suffix(frozen, compared_with)
    if fmt == "csv":
        return f"{export_stem(filters.fiscal_year, filters.as_of, kind, code, suffix)}-csv.zip"
    return export_file_name(filters.fiscal_year, filters.as_of, fmt, kind, code, suffix=suffix)


def download_for(
    filters: Filters, fmt: str, snapshot_id: int | None = None, compared_with: date | None = None
) -> bytes:
    """The bytes of the export file for a dashboard download button (see `download`): the live
    export for the filters, or the weekly page's week (`snapshot_id`, `compared_with`)."""
    return download(build_bundle(filters, snapshot_id, compared_with), fmt)[1]
