"""Readers per format: find the header under title lines and hand rows to DuckDB as text.

CSV (UTF-8, UTF-8 with BOM, TIS-620/cp874) is read by DuckDB's own `read_csv` with
every column as VARCHAR (TIS-620 is first transcoded to a temporary UTF-8 file).
Excel (.xlsx, .xls) is read with python-calamine into strings: date cells become ISO
text and numbers their shortest form, so both formats reach the same SQL normaliser.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pyarrow as pa

from etl.kinds import ALL_ALIASES, KINDS, Kind, detect_kind, header_key, match_headers

SUPPORTED_SUFFIXES = (".csv", ".xlsx", ".xls", ".xlsm")
HEADER_SCAN_ROWS = 30  # title lines a header may sit below
ENCODING_SAMPLE = 1 << 20  # bytes examined to tell UTF-8 from TIS-620


class ReadError(ValueError):
    """The file cannot be read as a table; the message says why (Thai / English)."""


@dataclass
class Header:
    """Where the header is and what it says."""

    row_index: int  # 0-based index of the (first) header row
    rows: int  # 1 or 2 (two-row header with merged cells)
    names: list[str]  # header text per column as written (two rows joined by a space)


@dataclass
class TableSource:
    """One table in a file (a CSV, or one sheet of a workbook), ready to stage."""

    path: Path
    sheet: str | None
    header: Header
    kind: Kind | None
    columns: dict[int, str]  # position -> canonical column name
    csv_path: Path | None = None  # UTF-8 CSV DuckDB reads (maybe a transcoded temp file)
    delimiter: str = ","
    encoding: str = "utf-8"
    excel_rows: list[list[str]] | None = field(default=None, repr=False)
    temp_files: list[Path] = field(default_factory=list)

    @property
    def width(self) -> int:
        return len(self.header.names)

    @property
    def first_data_row(self) -> int:
        """1-based row number (as the user sees it) of the first row after the header."""
        return self.header.row_index + self.header.rows + 1

    def cleanup(self) -> None:
        for temp in self.temp_files:
            try:
                temp.unlink()
            except FileNotFoundError:
                pass

    def stage(self, con: duckdb.DuckDBPyConnection, table: str) -> None:
        """Create temp table `table` (row_no BIGINT, c0..cN VARCHAR) with every data row."""
        names = [f"c{i}" for i in range(self.width)]
        if self.csv_path is not None:
            columns = "{" + ", ".join(f"'{n}': 'VARCHAR'" for n in names) + "}"
            # rowid follows the file order (insertion order is preserved), so the
            # user-visible row number is rowid + first data row.
            statement = (
                f"CREATE OR REPLACE TEMP TABLE {table}_raw AS SELECT * FROM read_csv(?, "
                f"header=false, skip={self.first_data_row - 1}, columns={columns}, "
                "delim=?, quote='\"', escape='\"', null_padding=true, "
                "strict_mode=false, auto_detect=false, encoding='utf-8'PARALLEL)"
            )
            params = [str(self.csv_path), self.delimiter]
            try:
                con.execute(statement.replace("PARALLEL", ""), params)
            except duckdb.Error as error:
                # Quoted line breaks inside cells need DuckDB's single-threaded reader.
                if "parallel" not in str(error):
                    raise
                con.execute(statement.replace("PARALLEL", ", parallel=false"), params)
            con.execute(
                f"CREATE OR REPLACE TEMP VIEW {table} AS SELECT rowid + {self.first_data_row} "
                f"AS row_no, {', '.join(names)} FROM {table}_raw"
            )
            return
        rows = self.excel_rows or []
        start = self.header.row_index + self.header.rows
        data = rows[start:]
        arrays = [pa.array(range(start + 1, start + 1 + len(data)), type=pa.int64())]
        for i in range(self.width):
            arrays.append(pa.array([r[i] if i < len(r) else None for r in data], type=pa.string()))
        arrow_table = pa.Table.from_arrays(arrays, names=["row_no", *names])  # noqa: F841
        con.execute(f"CREATE OR REPLACE TEMP TABLE {table}_raw AS SELECT * FROM arrow_table")
        con.execute(f"CREATE OR REPLACE TEMP VIEW {table} AS SELECT * FROM {table}_raw")


# --------------------------------------------------------------------------- encoding


def detect_encoding(path: Path) -> str:
    """'utf-8-sig', 'utf-8' or 'cp874' (TIS-620's Windows superset), from the first 1 MB."""
    with open(path, "rb") as handle:
        sample = handle.read(ENCODING_SAMPLE)
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    try:
        # A multi-byte character may be cut at the sample's end: decode incrementally.
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=False)
        return "utf-8"
    except UnicodeDecodeError:
        return "cp874"


def _transcode_to_utf8(path: Path, encoding: str) -> Path:
    fd, name = tempfile.mkstemp(prefix="etl-", suffix=".csv")
    with os.fdopen(fd, "w", encoding="utf-8", newline="") as out, open(
        path, encoding=encoding, errors="replace", newline=""
    ) as src:
        while chunk := src.read(1 << 22):
            out.write(chunk)
    return Path(name)


def _sniff_delimiter(lines: list[str]) -> str:
    best, best_count = ",", -1
    for delimiter in (",", ";", "\t", "|"):
        count = max((line.count(delimiter) for line in lines), default=0)
        if count > best_count:
            best, best_count = delimiter, count
    return best


# --------------------------------------------------------------------------- header


def _cell_text(value: object) -> str:
    return "" if value is None else str(value).strip()


def _score(headers: list[str]) -> int:
    return sum(1 for h in headers if h and header_key(h) in ALL_ALIASES)


def _two_row_headers(top: list[str], bottom: list[str]) -> list[str]:
    """Headers of a two-row header: a merged top cell spans the blanks to its right."""
    width = max(len(top), len(bottom))
    top = [*top, *[""] * (width - len(top))]
    bottom = [*bottom, *[""] * (width - len(bottom))]
    filled, last = [], ""
    for i, text in enumerate(top):
        # Only carry a top cell rightwards over columns that have a sub-header below.
        if text:
            last = text
        filled.append(text or (last if bottom[i] else ""))
    names = []
    for upper, lower in zip(filled, bottom, strict=True):
        candidates = [f"{upper} {lower}".strip(), lower, upper]
        match = next((c for c in candidates if c and header_key(c) in ALL_ALIASES), None)
        names.append(match or f"{upper} {lower}".strip())
    return names


def find_header(rows: list[list[str]]) -> Header:
    """The header within the first rows: the row (or row pair) naming the most known columns."""
    best: Header | None = None
    best_score = 0
    for index, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        single = [_cell_text(c) for c in row]
        score = _score(single)
        candidate = Header(index, 1, single)
        if index + 1 < len(rows):
            below = [_cell_text(c) for c in rows[index + 1]]
            pair = _two_row_headers(single, below)
            pair_score = _score(pair)
            # Two rows only when together they name more columns than either row alone.
            if pair_score > max(score, _score(below)):
                score, candidate = pair_score, Header(index, 2, pair)
        if score > best_score:
            best, best_score = candidate, score
    if best is None or best_score < 2:
        raise ReadError(
            "ไม่พบแถวหัวตารางที่รู้จัก — no recognisable header row in the first "
            f"{HEADER_SCAN_ROWS} rows (see docs/data-dictionary.md for accepted headers)"
        )
    # Drop empty trailing header cells (a wider data area is padded by the reader).
    names = list(best.names)
    while names and not names[-1]:
        names.pop()
    best.names = names
    return best


def _resolve_kind(header: Header, kind: str | None) -> tuple[Kind | None, dict[int, str]]:
    chosen = KINDS[kind] if kind else detect_kind(header.names)
    if chosen is None:
        return None, {}
    return chosen, match_headers(chosen, header.names)


# --------------------------------------------------------------------------- formats


def open_csv(path: Path, kind: str | None = None) -> TableSource:
    """A CSV file as a TableSource (encoding detected, TIS-620 transcoded)."""
    encoding = detect_encoding(path)
    with open(path, encoding=encoding, errors="replace", newline="") as handle:
        head = [line for _, line in zip(range(HEADER_SCAN_ROWS + 2), handle, strict=False)]
    delimiter = _sniff_delimiter(head)
    rows = list(csv.reader(io.StringIO("".join(head)), delimiter=delimiter))
    header = find_header(rows)
    chosen, columns = _resolve_kind(header, kind)
    source = TableSource(path, None, header, chosen, columns, delimiter=delimiter,
                         encoding=encoding)
    if encoding == "cp874":
        source.csv_path = _transcode_to_utf8(path, encoding)
        source.temp_files.append(source.csv_path)
    else:
        source.csv_path = path  # DuckDB skips a UTF-8 BOM itself
    return source


def excel_cell_text(value: object) -> str | None:
    """A workbook cell as text: dates ISO, whole numbers without '.0', others shortest."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.timedelta):
        return str(value)
    return str(value)


def open_excel(path: Path, kind: str | None = None) -> list[TableSource]:
    """Every sheet of a workbook that holds a recognisable table, as TableSources."""
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_path(str(path))
    except Exception as error:  # calamine raises its own types per format
        raise ReadError(f"อ่านไฟล์ Excel ไม่ได้ — cannot read workbook: {error}") from error
    sources, errors = [], []
    for sheet_name in workbook.sheet_names:
        sheet = workbook.get_sheet_by_name(sheet_name)
        # skip_empty_area=False keeps row indexes equal to the sheet's row numbers.
        raw = sheet.to_python(skip_empty_area=False)
        rows = [[excel_cell_text(v) for v in row] for row in raw]
        while rows and not any(rows[-1]):
            rows.pop()
        if not rows:
            continue
        try:
            header = find_header([[c or "" for c in r] for r in rows])
        except ReadError as error:
            errors.append(f"{sheet_name}: {error}")
            continue
        chosen, columns = _resolve_kind(header, kind)
        sources.append(TableSource(path, sheet_name, header, chosen, columns, excel_rows=rows))
    if not sources:
        detail = "; ".join(errors) or "ไม่มีข้อมูล — workbook is empty"
        raise ReadError(detail)
    return sources


def open_sources(path: Path, kind: str | None = None) -> list[TableSource]:
    """The tables in one input file (one for CSV, one per usable sheet for workbooks)."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return [open_csv(path, kind)]
    if suffix in (".xlsx", ".xls", ".xlsm"):
        return open_excel(path, kind)
    raise ReadError(f"ไม่รองรับไฟล์ชนิด {suffix} — unsupported file type {suffix}")
