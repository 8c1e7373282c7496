"""Readers per format: read each file once, find the header under title lines, stage rows as text.

Every input file is first copied, in one read, to a private working copy that is hashed
on the way (`take_copy`): the bytes hashed are the bytes loaded, and a file rewritten
while it is being read is refused. Everything after that reads the copy only.

CSV: the encoding is decided for the whole file (UTF-8, UTF-8 with BOM, UTF-16 with BOM,
TIS-620/Windows-874), by the first line holding Thai: a line of the other encoding refuses
the file naming both lines (never mojibake); C0 control characters other than tab and
line breaks are removed. Rows are staged by DuckDB's `read_csv` in strict mode (every
column VARCHAR) when the file is a clean rectangle without empty lines between its rows
and no quoted cell runs across lines where text cannot; any other file (ragged rows,
broken quotes, blank lines between rows, a bad byte, a quote that swallows a row) is read
again row by row with Python's `csv` module, which keeps each row's true number and marks
the rows it cannot trust (`ROW_DEFECTS`) so the loader rejects them with a reason instead
of guessing.

Workbooks (.xlsx, .xlsm, .xls, and OpenDocument .ods) are read in a bounded child process (etl.workbooks,
etl.workbook_child) into text: date cells become ISO text and numbers decimal text, so
both formats reach the same SQL normaliser; cells that cannot be read (error values,
formulas without a value) are listed for the loader to reject (`etl_cell_defects`).

Headers (`find_header`) are found under title lines, over one or two rows, with the amount
units stated around them (etl.units); a header that cannot be read with certainty is a
ReadError.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import os
import re
import shutil
import stat
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import numpy as np

from etl.kinds import (
    ALL_ALIASES,
    KINDS,
    MONEY,
    TEXT,
    Kind,
    alias_index,
    detect_kind,
    header_key,
    match_headers,
)
from etl.units import (
    Conversion,
    HeaderUnits,
    Statement,
    is_unit_row,
    scan_header_area,
    stated_unit,
)
from etl.workbook_child import FLAT_ODS_MESSAGE
from etl.workbooks import SheetCells, WorkbookError, read_workbook

SUPPORTED_SUFFIXES = (".csv", ".xlsx", ".xls", ".xlsm", ".ods")  # .fods: refused with FLAT_ODS_MESSAGE
HEADER_SCAN_ROWS = 30  # title lines a header may sit below
ENCODING_SAMPLE = 1 << 20  # bytes examined before the whole file confirms the encoding
COPY_CHUNK = 1 << 22
# A CSV line (one row, with quoted line breaks) may be this long in the fast reader; longer
# rows go through the row-by-row reader, whose field limit is raised below.
MAX_LINE_BYTES = 1 << 25
csv.field_size_limit(1 << 30)  # cells of 1 MB and more (the default limit is 128 KB)
# C0 control characters other than tab, line feed and carriage return: removed from text
# (they break terminals and cannot be written to Excel files).
CONTROL_BYTES = bytes([*range(9), 11, 12, *range(14, 32)])
_CONTROL_CHARS = dict.fromkeys(CONTROL_BYTES)
# A valid UTF-8 stretch holding this many Thai letters before a bad byte is a UTF-8 file
# with a corrupt byte, not a TIS-620 file whose bytes happen to form UTF-8.
THAI_LETTERS_FOR_UTF8 = 8
_THAI_LETTER = re.compile("[\u0e01-\u0e5b]")
_NO_DEFECT = ("", "")  # defect and excerpt of a sound row
REPEATED_HEADER = "repeated_header"  # a data row that repeats the header (TableSource._mark_repeated_headers)
MERGED_AMOUNT = "merged_amount"  # an amount cell merged over several data rows (TableSource._spread_merged)
# A cell of a column the kind uses covered by a merge from a column to its left (a project name merged over the
# agency's column): Excel shows the left cell's value across both and the covered cell holds nothing of its own.
MERGED_ACROSS = "merged_across"
# A data row the sheet hides (by hand, a filter, a collapsed group, no height): the user does not see it, so it
# is not loaded (a cancelled project hidden instead of deleted would be counted). TableSource._mark_hidden_rows
HIDDEN_ROW = "hidden_row"
# A data row every filled cell of which is struck through (a government sheet's "cancelled" mark, kept instead of
# deleted): not a live row, so it is not loaded. TableSource._mark_hidden_rows
STRUCK_ROW = "struck_row"
# Cell defects whose reject shows what the defect says (the merged range) rather than the (empty) cell.
SHOWN_BY_DEFECT = (MERGED_ACROSS,)
EXCERPT_CHARS = 120

# Why the row-by-row reader could not trust a row (reason codes in etl.validate.REASONS).
EXTRA_CELLS, MISSING_CELLS, UNCLOSED_QUOTE = "extra_cells", "missing_cells", "unclosed_quote"
QUOTE_SPANS_ROWS = "quote_spans_rows"
ROW_DEFECTS = (EXTRA_CELLS, MISSING_CELLS, UNCLOSED_QUOTE, QUOTE_SPANS_ROWS)


class ReadError(ValueError):
    """The file cannot be read as a table; the message says why (Thai / English)."""


# --------------------------------------------------------------------------- the read


CHANGED = (
    "ไฟล์ถูกเขียนทับระหว่างอ่าน ลองโหลดใหม่เมื่อเขียนเสร็จ — the file changed while it was being read; "
    "load it again once it is completely written"
)
# Reading a file again through its open descriptor reaches the same inode even if the
# name is replaced meanwhile (Linux); elsewhere every text file is copied.
_PROC_FD = Path("/proc/self/fd")


def _fingerprint(stat: os.stat_result) -> tuple:
    # Any write to the inode moves ctime (which users cannot set back) and mtime.
    return stat.st_ino, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns


@dataclass
class FileCopy:
    """One input file as the loader reads it: its bytes hashed in one pass, then read from
    `path`, which is either a private copy (workbooks; text that was cleaned of control
    characters or transcoded) or the file itself through its open descriptor. In the
    second case `verify()` after the last read refuses a file that changed since it was
    hashed, so the bytes hashed are always the bytes loaded. A file read in place is
    hashed and scanned in the background while DuckDB reads it (`finish()` waits)."""

    original: Path
    path: Path
    sha256_: str
    size: int
    control_chars_removed_: int = 0
    scan_: TextScan | None = None
    magic: bytes = b""  # the file's first bytes as read (to name a wrong extension)
    fd: int | None = None  # open while `path` reads the file in place
    fingerprint: tuple = ()
    private: Path | None = None  # where this file's private copies go (name prefix)
    pending: Future | None = None  # the background hash pass of a file read in place

    def finish(self) -> None:
        """Wait for the background hash pass (ReadError if the file changed meanwhile)."""
        if self.pending is not None:
            pending, self.pending = self.pending, None
            self.sha256_, self.scan_ = pending.result()
            if self.scan_ is not None:
                self.control_chars_removed_ = self.scan_.control_chars_removed

    @property
    def sha256(self) -> str:
        """SHA-256 of the file's bytes (hex)."""
        self.finish()
        return self.sha256_

    @property
    def scan(self) -> TextScan | None:
        """Line-break facts of the text read (text files)."""
        self.finish()
        return self.scan_

    @scan.setter
    def scan(self, value: TextScan | None) -> None:
        self.finish()
        self.scan_ = value

    @property
    def control_chars_removed(self) -> int:
        self.finish()
        return self.control_chars_removed_

    @control_chars_removed.setter
    def control_chars_removed(self, value: int) -> None:
        self.finish()
        self.control_chars_removed_ = value

    def verify(self) -> None:
        """Raise ReadError if the file read in place changed since it was hashed."""
        self.finish()
        if self.fd is not None and _fingerprint(os.fstat(self.fd)) != self.fingerprint:
            raise ReadError(CHANGED)

    def settle(self, private_copy: Path) -> None:
        """From now on read `private_copy` (made from the verified bytes), not the file."""
        self.verify()
        self.release()
        self.path = private_copy

    def clean(self) -> None:
        """Read a private copy without control characters from now on (file read in place)."""
        assert self.fd is not None and self.private is not None
        with open(self.fd, "rb", closefd=False) as source, open(self.private, "wb") as out:
            source.seek(0)
            while chunk := source.read(COPY_CHUNK):
                out.write(chunk.translate(None, CONTROL_BYTES))
        self.settle(self.private)

    def release(self) -> None:
        if self.pending is not None:
            self.pending.cancel() or self.pending.exception()  # never close a file being hashed
            self.pending = None
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None

    def remove(self) -> None:
        self.release()
        if self.private is not None:
            self.private.unlink(missing_ok=True)


class TextScan:
    """Facts about a text file's bytes gathered chunk by chunk (numpy, so it costs little).

    Removes C0 control characters, and counts line breaks: DuckDB's reader skips empty
    lines and a quoted line break makes two lines one row, so its rows match the file's
    lines one for one only when the counts agree (see `lines_through_content`).
    """

    def __init__(self) -> None:
        self.control_chars_removed = 0
        self.line_feeds = 0
        self.carriage_returns = 0
        self.has_content = False  # any byte that is not a line break
        self._tail = b""  # the line breaks after the last other byte (so far)

    def feed(self, chunk: bytes) -> bytes:
        """The chunk without control characters; updates the counts."""
        array = np.frombuffer(chunk, np.uint8)
        low = np.count_nonzero(array < 32)
        if low:
            line_feeds = np.count_nonzero(array == 10)
            rest = low - line_feeds
            returns = np.count_nonzero(array == 13) if rest else 0
            rest -= returns
            if rest:
                rest -= np.count_nonzero(array == 9)
            if rest:
                chunk = chunk.translate(None, CONTROL_BYTES)
                self.control_chars_removed += rest
            self.line_feeds += line_feeds
            self.carriage_returns += returns
        stripped = chunk.rstrip(b"\r\n")
        if stripped:
            self.has_content = True
            self._tail = chunk[len(stripped) :]
        else:
            self._tail += chunk
        return chunk

    def lines_through_content(self) -> int:
        """Lines from the start of the file to the last one holding anything (LF, CRLF or CR)."""
        if not self.has_content:
            return 0
        breaks, mark = (self.line_feeds, b"\n") if self.line_feeds else (self.carriage_returns, b"\r")
        return breaks - self._tail.count(mark) + 1


def take_copy(path: Path, folder: Path, name: str, text: bool) -> FileCopy:
    """Read `path` once, hashing it (and scanning text), and say where to read it next.

    A clean text file is then read in place through its open descriptor (checked again
    with `FileCopy.verify` after the last read); a workbook, a text file holding control
    characters, and any file where descriptors cannot be reopened, get a private copy in
    `folder`. A file that changes while it is hashed is refused.
    """
    # O_NONBLOCK: a named pipe put in the file's place after the loader looked must not
    # block the open (etl/load.py refuses anything but a regular file before opening).
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise ReadError("ไม่ใช่ไฟล์ปกติ — not a regular file: only regular files are read")
        os.set_blocking(fd, True)
        return _take(path, fd, folder / name, text)
    except BaseException:
        os.close(fd)
        (folder / name).unlink(missing_ok=True)
        raise


def _take(path: Path, fd: int, target: Path, text: bool) -> FileCopy:
    first = _fingerprint(os.fstat(fd))
    if text and _PROC_FD.is_dir():
        # Read in place: hash and scan in the background, beside the reading that follows.
        magic = os.pread(fd, 8, 0)
        utf16 = magic.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
        copy = FileCopy(path, _PROC_FD / str(fd), "", first[1], magic=magic, fd=fd, fingerprint=first, private=target)
        copy.pending = _background().submit(_hash_pass, fd, first, not utf16)
        return copy
    digest = hashlib.sha256()
    scan = TextScan() if text else None
    size = 0
    magic = b""
    with open(fd, "rb", closefd=False) as source, open(target, "wb") as out:
        while chunk := source.read(COPY_CHUNK):
            digest.update(chunk)
            if not size:
                magic = chunk[:8]
                # UTF-16 text has zero bytes everywhere: it is scanned after transcoding.
                if chunk.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
                    scan = None
            size += len(chunk)
            out.write(scan.feed(chunk) if scan is not None else chunk)
    if _fingerprint(os.fstat(fd)) != first or size != first[1]:
        raise ReadError(CHANGED)
    os.close(fd)
    return FileCopy(
        path,
        target,
        digest.hexdigest(),
        size,
        scan.control_chars_removed if scan else 0,
        scan,
        magic,
        None,
        first,
        target,
    )


_BACKGROUND: ThreadPoolExecutor | None = None


def _background() -> ThreadPoolExecutor:
    """One background thread for hash passes (files are hashed one after another)."""
    global _BACKGROUND
    if _BACKGROUND is None:
        _BACKGROUND = ThreadPoolExecutor(max_workers=1, thread_name_prefix="etl-hash")
    return _BACKGROUND


def _hash_pass(fd: int, first: tuple, scan_text: bool) -> tuple[str, TextScan | None]:
    """SHA-256 and TextScan of a file read through `fd` (its own offsets: pread)."""
    digest = hashlib.sha256()
    scan = TextScan() if scan_text else None
    offset = 0
    while chunk := os.pread(fd, COPY_CHUNK, offset):
        digest.update(chunk)
        if scan is not None:
            scan.feed(chunk)
        offset += len(chunk)
    if _fingerprint(os.fstat(fd)) != first or offset != first[1]:
        raise ReadError(CHANGED)
    return digest.hexdigest(), scan


# --------------------------------------------------------------------------- tables


@dataclass
class Header:
    """Where the header is and what it says."""

    row_index: int  # 0-based index of the (first) header row
    rows: int  # 1 or 2 (two-row header with merged cells)
    names: list[str]  # header text per column as written (two rows joined by a space)
    cells: int = 0  # cells in the header row(s) as written, trailing empty ones included
    units: HeaderUnits = field(default_factory=HeaderUnits)  # amount units stated around it


@dataclass
class TableSource:
    """One table in a file (a CSV, or one sheet of a workbook), ready to stage."""

    path: Path
    sheet: str | None
    header: Header
    kind: Kind | None
    columns: dict[int, str]  # position -> canonical column name
    copy: FileCopy | None = None
    csv_path: Path | None = None  # UTF-8 text DuckDB reads (the copy, or its transcoded form)
    delimiter: str = ","
    encoding: str = "utf-8"
    head_lines: int = 0  # physical lines of csv_path above the first data row
    excel: SheetCells | None = None  # a workbook sheet, as the Excel reader's process wrote it
    temp_files: list[Path] = field(default_factory=list)
    temp_dirs: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # said in the load's message (e.g. hidden sheets)
    conversion: Conversion | None = None  # amounts in another unit, converted (etl.units)
    kind_option: str | None = None
    has_defects: bool = False  # the row-by-row reader marked rows it could not trust
    reader: str = ""  # which reader staged the rows: duckdb | python | excel
    reopened: bool = False  # the encoding changed after the header was read

    @property
    def width(self) -> int:
        """Named columns (the header without its trailing empty cells)."""
        return len(self.header.names)

    @property
    def staged_width(self) -> int:
        """Columns staged: every cell of the header row, named or not."""
        return max(self.header.cells, self.width)

    @property
    def first_data_row(self) -> int:
        """1-based row number (as the user sees it) of the first row after the header."""
        return self.header.row_index + self.header.rows + 1

    @property
    def sha256(self) -> str:
        return self.copy.sha256 if self.copy else ""

    @property
    def control_chars_removed(self) -> int:
        """C0 control characters removed from the file's text (or its cells)."""
        return self.copy.control_chars_removed if self.copy else 0

    def cleanup(self) -> None:
        for temp in self.temp_files:
            temp.unlink(missing_ok=True)
        for folder in self.temp_dirs:
            shutil.rmtree(folder, ignore_errors=True)
        if self.copy is not None:
            self.copy.remove()

    # ----------------------------------------------------------------- staging

    def stage(self, con: duckdb.DuckDBPyConnection, table: str) -> None:
        """Create temp view `table` (row_no, c0..cN VARCHAR, etl_defect, etl_defect_text).

        `row_no` is the row number a user sees in a spreadsheet (blank rows count);
        etl_defect is NULL, or one of ROW_DEFECTS with a short excerpt in etl_defect_text.
        Also (re)creates `etl_cell_defects` (row_no, position, reason, shown): cells that
        cannot be read (a workbook's error cells and formulas without a value).
        """
        con.execute(
            "CREATE OR REPLACE TEMP TABLE etl_cell_defects "
            "(row_no BIGINT, position INTEGER, reason VARCHAR, shown VARCHAR)"
        )
        if self.csv_path is None:
            self._stage_excel(con, table)
        else:
            self._stage_csv(con, table)
            if self.copy is not None and self.copy.fd is not None and self.copy.control_chars_removed:
                # Read in place, the file turned out to hold control characters: read its
                # cleaned copy instead (header included).
                self.copy.clean()
                self._reopen(None)
                self._stage_csv(con, table)
            if self.copy is not None:
                self.copy.verify()  # read in place: refuse it if it changed since it was hashed
        self._mark_repeated_headers(con, table)

    def _mark_repeated_headers(self, con: duckdb.DuckDBPyConnection, table: str) -> None:
        """A data row that says the header again (a printed report's page header, two exports pasted one
        under the other) is rejected once, `repeated_header` at its key column, instead of failing every
        column's own check with the header's words as values. A row is one when at least two of the
        columns the kind uses hold their own header text (a two-row header: either of its rows' words)."""
        if self.kind is None or len(self.columns) < 2:
            return
        key = next((position for position, name in self.columns.items() if name == self.kind.key), None)
        if key is None:
            return
        terms, near = [], []
        for position in self.columns:
            written = self.header.names[position].strip() if position < len(self.header.names) else ""
            words = {written, *written.split(" ", 1)} if self.header.rows == 2 else {written}
            words.discard("")
            quoted = ["'" + word.replace("'", "''") + "'" for word in sorted(words)]
            if quoted:
                terms.append(f"(coalesce(trim(c{position}) IN ({', '.join(quoted)}), false))::INT")
                near += [f"contains(c{position}, {word})" for word in quoted]
        if len(terms) < 2:
            return
        # `near` (a cell holding a header word) is the cheap test that leaves out nearly every row first:
        # 0.21 CPU-s per million rows against 0.45 for the exact test alone
        con.execute(
            f"INSERT INTO etl_cell_defects SELECT row_no, {key}, '{REPEATED_HEADER}', c{key} FROM {table} "
            f"WHERE ({' OR '.join(near)}) AND {' + '.join(terms)} >= 2"
        )

    def _stage_csv(self, con: duckdb.DuckDBPyConnection, table: str) -> None:
        if not self._stage_csv_duckdb(con, table):
            # DuckDB refused the file: a byte past the first megabyte may show it is TIS-620.
            switched = self.encoding in ("utf-8", "utf-8-sig") and self._switch_encoding_if_needed()
            if not (switched and self._stage_csv_duckdb(con, table)):
                self._stage_csv_rows(con, table)

    def _names(self) -> list[str]:
        return [f"c{i}" for i in range(self.staged_width)]

    def _stage_csv_duckdb(self, con: duckdb.DuckDBPyConnection, table: str) -> bool:
        """DuckDB's strict reader, for files that are a clean rectangle; False otherwise."""
        if self.copy is None:
            return False
        names = self._names()
        columns = "{" + ", ".join(f"'{n}': 'VARCHAR'" for n in names) + "}"
        try:
            # rowid follows the file order (insertion order is preserved), so the
            # user-visible row number is rowid + first data row.
            con.execute(
                f"CREATE OR REPLACE TEMP TABLE {table}_raw AS SELECT * FROM read_csv(?, "
                f"header=false, skip={self.first_data_row - 1}, columns={columns}, delim=?, "
                "quote='\"', escape='\"', strict_mode=true, null_padding=false, auto_detect=false, "
                f"encoding='utf-8', max_line_size={MAX_LINE_BYTES})",
                [str(self.csv_path), self.delimiter],
            )
        except duckdb.Error:
            con.execute(f"DROP TABLE IF EXISTS {table}_raw")
            return False
        # Rows and lines below the header must match, or the row numbers would not be the
        # file's: lines = rows + line breaks inside quoted cells + empty lines (which DuckDB
        # skips). Only a file with empty lines between its rows goes the row-by-row way.
        rows = plain_rows = con.execute(f"SELECT count(*) FROM {table}_raw").fetchone()[0]
        scan = self.copy.scan  # waits for the background hash pass, which ran beside DuckDB
        lines = scan.lines_through_content() - self.head_lines if scan is not None else -1
        if rows < lines:
            mark = "chr(10)" if scan.line_feeds else "chr(13)"
            inside = " + ".join(f"coalesce(length({n}) - length(replace({n}, {mark}, '')), 0)" for n in names)
            rows += con.execute(f"SELECT coalesce(sum({inside}), 0) FROM {table}_raw").fetchone()[0]
        if rows != lines or (rows > plain_rows and self._any_spanning_problem(con, f"{table}_raw", names)):
            con.execute(f"DROP TABLE {table}_raw")
            return False
        con.execute(
            f"CREATE OR REPLACE TEMP VIEW {table} AS SELECT rowid + {self.first_data_row} AS row_no, "
            f"{', '.join(names)}, CAST(NULL AS VARCHAR) AS etl_defect, "
            f"CAST(NULL AS VARCHAR) AS etl_defect_text FROM {table}_raw"
        )
        self.reader = "duckdb"
        return True

    def _any_spanning_problem(self, con: duckdb.DuckDBPyConnection, raw: str, names: list[str]) -> bool:
        """Whether a record DuckDB read across lines must be rejected (see `spanning_problem`)."""
        broken = " OR ".join(f"contains({n}, chr(10)) OR contains({n}, chr(13))" for n in names)
        for cells in con.execute(f"SELECT {', '.join(names)} FROM {raw} WHERE {broken}").fetchall():
            if self.spanning_problem(["" if c is None else c for c in cells]):
                return True
        return False

    def spanning_problem(self, cells: list[str]) -> str | None:
        """Why a record whose quoted cells span lines cannot be trusted, or None.

        A line break is text: it may stand in a text column (names, notes) or a column the
        kind does not use. In a number, date or code it cannot; and a cell holding at least
        max(2, width - 2) delimiters with its line break holds what reads as a row of its own
        (a quote opened in one row and closed in the next).
        """
        enough = max(2, self.width - 2)
        for position, cell in enumerate(cells):
            if "\n" not in cell and "\r" not in cell:
                continue
            name = self.columns.get(position)
            header = self.header.names[position] if position < len(self.header.names) else f"c{position}"
            if name and self.kind is not None and self.kind.column(name).type != TEXT:
                return f"ขึ้นบรรทัดใหม่ในช่อง {header} — a line break in {header}"
            if cell.count(self.delimiter) >= enough:
                return (
                    f"ช่อง {header} มีตัวคั่น {cell.count(self.delimiter)} ตัวข้ามบรรทัด — {header} holds "
                    f"{cell.count(self.delimiter)} delimiters across a line break: a row of its own"
                )
        return None

    def _switch_encoding_if_needed(self) -> bool:
        """After a failed fast read of a UTF-8-looking file: check every byte.

        Returns True when the file turned out to be TIS-620 and was transcoded (and its
        header read again); raises ReadError for a UTF-8 file with a byte that is not: a
        whole line of Thai in UTF-8 before it (or a byte-order mark) decided the file.
        """
        if first_invalid_utf8(self.csv_path) is None:
            return False
        refusal = _utf8_break(self.csv_path, self.encoding)
        if refusal is not None:
            raise refusal
        self._reopen("cp874")
        return True

    def _reopen(self, force_encoding: str | None) -> None:
        """Read the header again (after the encoding changed or the text was cleaned)."""
        fresh = _open_csv_copy(self.copy, self.kind_option, self.temp_files, force_encoding=force_encoding)
        self.header, self.kind, self.columns = fresh.header, fresh.kind, fresh.columns
        self.csv_path, self.encoding, self.head_lines = fresh.csv_path, fresh.encoding, fresh.head_lines
        self.delimiter = fresh.delimiter
        self.reopened = True

    def _stage_csv_rows(self, con: duckdb.DuckDBPyConnection, table: str) -> None:
        """Python's csv reader, row by row: exact row numbers, ragged and broken rows marked.

        The rows go to a clean rectangular CSV (row number, cells, defect, excerpt) that
        DuckDB reads back: much faster than building Python columns for Arrow.
        """
        names = self._names()
        rows_path = self.copy.private if self.copy and self.copy.private else self.csv_path
        rows_path = rows_path.with_name(rows_path.name + ".rows.csv")
        self.temp_files.append(rows_path)
        with open(rows_path, "w", encoding="utf-8", newline="") as out:
            # "\r\n" rows: the writer then quotes every cell holding a "\r" or a "\n".
            csv.writer(out, lineterminator="\r\n").writerows(self.iter_csv_rows())
        # pyarrow's reader keeps a lone "\r" inside a quoted cell, which DuckDB's does not.
        # (pyarrow imported here, not at the top: a CSV DuckDB reads whole needs none of it.)
        import pyarrow as pa
        import pyarrow.csv as arrow_csv

        columns = ["row_no", *names, "etl_defect", "etl_defect_text"]
        arrow_rows = arrow_csv.read_csv(  # noqa: F841  (read by DuckDB by name)
            rows_path,
            read_options=arrow_csv.ReadOptions(column_names=columns, block_size=1 << 24),
            parse_options=arrow_csv.ParseOptions(newlines_in_values=True),
            convert_options=arrow_csv.ConvertOptions(
                column_types={n: pa.int64() if n == "row_no" else pa.string() for n in columns},
                strings_can_be_null=True,
                null_values=[""],
            ),
        )
        con.execute(f"CREATE OR REPLACE TEMP TABLE {table}_raw AS SELECT * FROM arrow_rows")
        rows_path.unlink(missing_ok=True)
        self.has_defects = bool(
            con.execute(f"SELECT count(*) FROM {table}_raw WHERE etl_defect IS NOT NULL").fetchone()[0]
        )
        con.execute(f"CREATE OR REPLACE TEMP VIEW {table} AS SELECT * FROM {table}_raw")
        self.reader = "python"

    def iter_csv_rows(self) -> Iterator[tuple]:
        """(row number, cell, cell, ..., defect, excerpt) per data row, cells padded to the
        staged width ("" = blank or none).

        Empty lines are skipped but counted in the row numbers. A quote that is not closed
        properly makes its row and every line it swallowed a row of their own, rejected as
        `unclosed_quote`; reading goes on with the next line.
        """
        width, staged = self.width, self.staged_width
        missing_row = ("",) * staged
        encoding = "utf-8-sig" if self.encoding == "utf-8-sig" else "utf-8"
        try:
            with open(self.csv_path, encoding=encoding, newline="") as handle:
                reader = csv.reader(handle, delimiter=self.delimiter, strict=True)
                lines = _PhysicalLines(self.csv_path, encoding)  # to quote broken rows
                try:
                    for _ in range(self.first_data_row - 1):  # title and header rows
                        next(reader, None)
                except csv.Error as error:
                    raise ReadError(f"อ่านแถวหัวตารางไม่ได้ — cannot read the rows above the data: {error}") from error
                row_no = self.first_data_row
                while True:
                    start = reader.line_num
                    try:
                        cells = next(reader)
                    except StopIteration:
                        return
                    except csv.Error:
                        swallowed = lines.between(start, reader.line_num)
                        for offset, line in enumerate(swallowed):
                            if line.strip() or offset == 0:
                                yield (row_no + offset, *missing_row, UNCLOSED_QUOTE, _excerpt(line))
                        row_no += max(len(swallowed), 1)
                        continue
                    count = len(cells)
                    if reader.line_num - start > 1 and cells:  # quoted line breaks: one record, many lines
                        problem = self.spanning_problem(cells) or (
                            f"{count} ช่อง หัวตารางมี {staged} — {count} cells, the header has {staged}"
                            if count != staged and any(c.strip() for c in cells)
                            else None
                        )
                        if problem:
                            swallowed = lines.between(start, reader.line_num)
                            where = (
                                f"บรรทัด {start + 1:,}–{reader.line_num:,} lines {start + 1:,}–"
                                f"{reader.line_num:,}: {problem}"
                            )
                            for offset, line in enumerate(swallowed):
                                if line.strip() or offset == 0:
                                    yield (
                                        row_no + offset,
                                        *missing_row,
                                        QUOTE_SPANS_ROWS,
                                        _excerpt(f"{where}; {line}", 3 * EXCERPT_CHARS),
                                    )
                            row_no += max(len(swallowed), 1)
                            continue
                    if count == staged:  # the usual row
                        cells.insert(0, row_no)
                        cells += _NO_DEFECT
                        yield cells
                        row_no += 1
                        continue
                    if not cells:
                        row_no += 1
                        continue
                    defect = excerpt = None
                    if any(c.strip() for c in cells[staged:]):
                        defect = EXTRA_CELLS
                        excerpt = _excerpt(
                            f"{count} ช่อง หัวตารางมี {staged} — {count} cells, the header has "
                            f"{staged}: {self.delimiter.join(cells)}"
                        )
                    elif count < width:
                        defect = MISSING_CELLS
                        missing = ", ".join(self.header.names[count:width])
                        excerpt = _excerpt(
                            f"{count} ช่อง หัวตารางมี {width} — {count} cells, the header has "
                            f"{width}; ขาด missing: {missing}"
                        )
                    padded = cells[:staged] + [""] * (staged - min(count, staged))
                    yield (row_no, *padded, defect or "", excerpt or "")
                    row_no += 1
        except UnicodeDecodeError as error:
            raise ReadError(f"อ่านข้อความไม่ได้ — cannot decode the file: {error}") from error

    def _stage_excel(self, con: duckdb.DuckDBPyConnection, table: str) -> None:
        """The sheet's cells as the Excel reader's process wrote them (CSV, read by pyarrow)."""
        import pyarrow as pa
        import pyarrow.csv as arrow_csv

        sheet = self.excel
        assert sheet is not None
        names = self._names()
        given = ["row_no", *[f"x{i}" for i in range(sheet.columns)]]
        wanted = given[: 1 + min(sheet.columns, len(names))]
        cells = arrow_csv.read_csv(  # noqa: F841  (read by DuckDB by name)
            sheet.cells_csv,
            read_options=arrow_csv.ReadOptions(column_names=given, block_size=1 << 24),
            parse_options=arrow_csv.ParseOptions(newlines_in_values=True),
            convert_options=arrow_csv.ConvertOptions(
                column_types={n: pa.int64() if n == "row_no" else pa.string() for n in given},
                include_columns=wanted,
                strings_can_be_null=True,
                null_values=[""],
            ),
        )
        columns = [
            f"x{i} AS {n}" if i < sheet.columns else f"CAST(NULL AS VARCHAR) AS {n}" for i, n in enumerate(names)
        ]
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE {table}_raw AS SELECT row_no, {', '.join(columns)}, "
            "CAST(NULL AS VARCHAR) AS etl_defect, CAST(NULL AS VARCHAR) AS etl_defect_text FROM cells "
            f"WHERE row_no >= {self.first_data_row}"
        )  # the reader writes rows in order
        con.execute(f"CREATE OR REPLACE TEMP VIEW {table} AS SELECT * FROM {table}_raw")
        if sheet.defects_csv is not None:
            defect_names = ["row_no", "position", "reason", "shown"]
            defects = arrow_csv.read_csv(  # noqa: F841  (read by DuckDB by name)
                sheet.defects_csv,
                read_options=arrow_csv.ReadOptions(column_names=defect_names),
                parse_options=arrow_csv.ParseOptions(newlines_in_values=True),
                convert_options=arrow_csv.ConvertOptions(
                    column_types={
                        "row_no": pa.int64(),
                        "position": pa.int32(),
                        "reason": pa.string(),
                        "shown": pa.string(),
                    }
                ),
            )
            con.execute(
                f"INSERT INTO etl_cell_defects SELECT * FROM defects WHERE row_no >= {self.first_data_row} "
                f"AND position < {len(names)}"
            )
        if sheet.merged:
            self._spread_merged(con, f"{table}_raw", sheet.merged)
        if sheet.hidden_rows:
            self._mark_hidden_rows(con, f"{table}_raw", sheet.hidden_rows)
        struck = set(sheet.struck_rows) - set(sheet.hidden_rows)  # a hidden row is rejected once, as hidden
        if struck:
            self._mark_hidden_rows(con, f"{table}_raw", sorted(struck), STRUCK_ROW)
        self.reader = "excel"

    def _mark_hidden_rows(
        self, con: duckdb.DuckDBPyConnection, raw: str, hidden: list[int], reason: str = HIDDEN_ROW
    ) -> None:
        """A data row the sheet hides is rejected once, `hidden_row` at the key column (its key is what the
        user looks for); hidden rows above the data (titles, the header) are not data and are left alone,
        and a hidden blank or total row is still a blank or total row (load._cell_defects). A row struck
        through (`reason` STRUCK_ROW) is rejected the same way."""
        key = next((position for position, name in self.columns.items() if self.kind and name == self.kind.key), None)
        rows = [row + 1 for row in hidden if row + 1 >= self.first_data_row]
        if key is None or not rows:
            return
        con.execute("CREATE OR REPLACE TEMP TABLE etl_hidden AS SELECT unnest(?::BIGINT[]) AS row_no", [rows])
        con.execute(
            f"INSERT INTO etl_cell_defects SELECT r.row_no, {key}, '{reason}', r.c{key} "
            f"FROM etl_hidden h JOIN {raw} r ON r.row_no = h.row_no"
        )

    def _spread_merged(self, con: duckdb.DuckDBPyConnection, raw: str, merged: list[list[int]]) -> None:
        """Merged cells over data rows. Merged down: government sheets merge a province, a year or a date typed
        once over the rows it belongs to; Excel shows it in every row but keeps it in the top cell only. A cell
        under the top one gets the top one's value, as the user sees it, except an amount: one figure shown
        over several rows cannot be split between them, so every row of the range is rejected
        (`merged_amount`) rather than the figure given to the top row alone or to each. Merged across: the
        merge's value is in its left cell; a column the kind uses under the rest of it holds nothing of its
        own while Excel shows the left cell's text over it, so each row of the merge is rejected
        `merged_across` there (shown: the range, "D5:E5"), never read as empty. A merge whose other columns
        the kind does not use (notes beside the table, a spacer column) is harmless."""
        from etl.workbook_child import column_letters

        first = self.first_data_row
        # 1-based rows as the user sees them; a range whose top is above the data (a header cell) is left out
        ranges = [(top + 1, left, bottom + 1, right) for top, left, bottom, right in merged if top + 1 >= first]
        if self.kind is None or not ranges:
            return
        across = [position for position in self.columns if any(lf < position <= rt for _, lf, _, rt in ranges)]
        down = {
            position: name
            for position, name in self.columns.items()
            if any(lf <= position <= rt for top, lf, bottom, rt in ranges if bottom > top)
        }
        if not across and not down:
            return
        shown = [f"{column_letters(lf + 1)}{top}:{column_letters(rt + 1)}{bottom}" for top, lf, bottom, rt in ranges]
        con.execute(
            "CREATE OR REPLACE TEMP TABLE etl_merged AS SELECT unnest(?::BIGINT[]) AS top, unnest(?::INT[]) AS lft, "
            "unnest(?::BIGINT[]) AS bottom, unnest(?::INT[]) AS rgt, unnest(?::VARCHAR[]) AS shown",
            [*(list(column) for column in zip(*ranges)), shown],
        )
        if across:  # a column strictly right of a merge's left cell (a merge of one column has none)
            con.execute(
                f"INSERT INTO etl_cell_defects SELECT r.row_no, c.position, '{MERGED_ACROSS}', m.shown "
                f"FROM etl_merged m JOIN (VALUES {', '.join(f'({p})' for p in across)}) c(position) "
                f"ON c.position > m.lft AND c.position <= m.rgt JOIN {raw} r ON r.row_no BETWEEN m.top AND m.bottom"
            )
        for position, name in down.items():
            within = f"m.bottom > m.top AND {position} BETWEEN m.lft AND m.rgt"
            if self.kind.column(name).type == MONEY:
                con.execute(
                    f"INSERT INTO etl_cell_defects SELECT r.row_no, {position}, '{MERGED_AMOUNT}', r.c{position} "
                    f"FROM etl_merged m JOIN {raw} r ON r.row_no BETWEEN m.top AND m.bottom WHERE {within}"
                )
            else:
                con.execute(
                    f"UPDATE {raw} SET c{position} = t.shown FROM (SELECT m.top, m.bottom, r.c{position} AS shown "
                    f"FROM etl_merged m JOIN {raw} r ON r.row_no = m.top WHERE {within}) t "
                    f"WHERE {raw}.row_no > t.top AND {raw}.row_no <= t.bottom AND {raw}.c{position} IS NULL"
                )


class _PhysicalLines:
    """The lines of a text file, read forward on demand (to quote rows the csv reader rejects)."""

    def __init__(self, path: Path, encoding: str) -> None:
        self._path, self._encoding = path, encoding
        self._handle: io.TextIOBase | None = None
        self._next = 0  # index of the next line the handle gives

    def between(self, start: int, end: int) -> list[str]:
        """Lines start+1 .. end (1-based), i.e. what the csv reader consumed from `start` on."""
        if self._handle is None:
            self._handle = open(self._path, encoding=self._encoding, newline="")  # noqa: SIM115
        for _ in range(start - self._next):
            self._handle.readline()
        lines = [self._handle.readline() for _ in range(end - start)]
        self._next = end
        return lines

    def __del__(self) -> None:
        if self._handle is not None:
            self._handle.close()


def _excerpt(text: str, limit: int = EXCERPT_CHARS) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --------------------------------------------------------------------------- encoding


def first_invalid_utf8(path: Path) -> tuple[int, int, int] | None:
    """(byte offset, byte value, Thai letters before it) of the first non-UTF-8 byte, or None."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    offset = thai = 0
    with open(path, "rb") as handle:
        while chunk := handle.read(COPY_CHUNK):
            try:
                text = decoder.decode(chunk, final=False)
            except UnicodeDecodeError as error:
                valid = chunk[: error.start].decode("utf-8", errors="ignore")
                thai += len(_THAI_LETTER.findall(valid))
                return offset + error.start, chunk[error.start], thai
            if thai < THAI_LETTERS_FOR_UTF8:
                thai += len(_THAI_LETTER.findall(text))
            offset += len(chunk)
        pending = decoder.getstate()[0]
        if pending:  # the file ends inside a multi-byte character: where it starts
            return offset - len(pending), pending[0], thai
    return None


def ends_inside_a_character(path: Path, offset: int) -> bool:
    """Whether the bytes from `offset` to the end of the file are the start of one UTF-8
    character and nothing else: the file was cut short (a copy or download that stopped)."""
    with open(path, "rb") as handle:
        handle.seek(offset)
        tail = handle.read(8)
    if not 1 <= len(tail) <= 3:
        return False
    try:
        return codecs.getincrementaldecoder("utf-8")().decode(tail, final=False) == ""
    except UnicodeDecodeError:
        return False


# Text that is UTF-8 beyond doubt: a Thai letter, digit or sign (U+0E00..U+0E7F: E0 B8 xx,
# E0 B9 xx) on a line that is valid UTF-8 as a whole (TIS-620 Thai forms such a run only by
# rare chance, and then the rest of its line is not valid UTF-8); or general punctuation
# (U+2000..U+203F: dashes, quotes, ellipsis: E2 80 xx), which TIS-620 text never holds
# (it would read "โ€…").


def _utf8_runs(data: bytes) -> np.ndarray:
    """Offsets of E0 B8|B9 xx and E2 80 xx runs (xx a continuation byte), vectorised: TIS-620
    text is full of E0 ("เ"), which a regex would stop at one by one."""
    array = np.frombuffer(data, np.uint8)
    if len(array) < 3:
        return np.empty(0, np.int64)
    lead = np.flatnonzero((array[:-2] & 0xFD) == 0xE0)  # E0 or E2: one pass over the bytes
    first, second, third = array[lead], array[lead + 1], array[lead + 2]
    thai = (first == 0xE0) & ((second | 1) == 0xB9)
    punctuation = (first == 0xE2) & (second == 0x80)
    return lead[(thai | punctuation) & ((third & 0xC0) == 0x80)]


def first_utf8_thai_line(path: Path, before: int | None = None) -> int | None:
    """1-based number of the first line that is wholly valid UTF-8 and holds Thai or punctuation in UTF-8,
    among the whole lines before byte offset `before` (None: the whole file).

    A TIS-620 line is almost never valid UTF-8 as a whole (its Thai letters are lone
    continuation bytes), so such a line is evidence that the file holds UTF-8 text.
    """
    limit = path.stat().st_size if before is None else before
    with open(path, "rb") as handle:
        first = handle.read(min(COPY_CHUNK, limit))
        mark = b"\n" if b"\n" in first or b"\r" not in first else b"\r"
        handle.seek(0)
        carry, line_base, offset = b"", 1, 0
        while offset < limit:
            chunk = handle.read(min(COPY_CHUNK, limit - offset))
            if not chunk:
                break
            offset += len(chunk)
            buffer = carry + chunk
            # Whole lines only: the last line is whole at the end of the file, but not when
            # it is cut at `before` (the bad byte's own line).
            cut = len(buffer) if offset >= limit and before is None else buffer.rfind(mark) + 1
            body, carry = buffer[:cut], buffer[cut:]
            checked = 0
            for at in _utf8_runs(body):
                if at < checked:
                    continue  # on a line already found not to be UTF-8
                start = body.rfind(mark, 0, at) + 1
                stop = body.find(mark, at)
                stop = len(body) if stop < 0 else stop
                if body[at] == 0xE0:  # Thai: only a whole line of valid UTF-8 counts
                    try:
                        body[start:stop].decode("utf-8")
                    except UnicodeDecodeError:
                        checked = stop
                        continue
                return line_base + body.count(mark, 0, start)
            line_base += body.count(mark)
    return None


def _utf8_break(path: Path, encoding: str) -> ReadError | None:
    """For a file read as UTF-8 that holds a byte that is not: the refusal when UTF-8 was
    decided before that byte (a whole line of Thai in UTF-8, or a byte-order mark), or None
    when nothing before it was UTF-8 text (then the file is TIS-620)."""
    problem = first_invalid_utf8(path)
    if problem is None:
        return None
    offset, byte, _ = problem
    line = _line_of(path, offset)
    if ends_inside_a_character(path, offset):
        return ReadError(
            f"ไฟล์จบกลางตัวอักษร (ไบต์ 0x{byte:02X} ที่ตำแหน่ง {offset:,} บรรทัด {line:,}) ไฟล์อาจถูกตัดสั้น — the file "
            f"ends in the middle of a character (byte 0x{byte:02X} at offset {offset:,}, line {line:,}): it looks "
            "cut short (a copy or download that stopped); copy or export it again"
        )
    utf8_line = first_utf8_thai_line(path, before=offset)
    if utf8_line is None and encoding != "utf-8-sig":
        return None
    if utf8_line is not None:
        why_th, why_en = f"บรรทัด {utf8_line:,} เป็นข้อความ UTF-8", f"line {utf8_line:,} is UTF-8 text"
    else:
        why_th, why_en = "ขึ้นต้นด้วย BOM ของ UTF-8", "it starts with a UTF-8 byte-order mark"
    return ReadError(
        f"ไฟล์เป็น UTF-8 ({why_th}) แต่ไบต์ 0x{byte:02X} ที่ตำแหน่ง {offset:,} (บรรทัด {line:,}) ไม่ใช่ UTF-8 — "
        f"the file is UTF-8 ({why_en}) but byte 0x{byte:02X} at offset {offset:,} (line {line:,}) is not "
        f"valid UTF-8 (TIS-620?); fix line {line:,} or save the whole file in one encoding, UTF-8"
    )


def _mixed_encodings(path: Path, utf8_line: int) -> ReadError:
    """A file decided as TIS-620 whose line `utf8_line` is UTF-8 (or the other way round)."""
    problem = first_invalid_utf8(path)
    tis_line = _line_of(path, problem[0]) if problem else 0
    first, second = sorted((utf8_line, tis_line))
    names = {utf8_line: ("UTF-8", "UTF-8"), tis_line: ("TIS-620", "TIS-620 (not UTF-8)")}
    return ReadError(
        f"ไฟล์ใช้รหัสอักขระปนกัน: บรรทัด {first:,} เป็น {names[first][0]} "
        f"แต่บรรทัด {second:,} เป็น {names[second][0]} — "
        f"the file mixes encodings: line {first:,} is {names[first][1]} but line {second:,} is {names[second][1]}; "
        f"fix line {second:,} or save the whole file in one encoding, UTF-8"
    )


def _line_of(path: Path, offset: int) -> int:
    """1-based line number of a byte offset (for messages)."""
    with open(path, "rb") as handle:
        head = handle.read(offset)
    return head.count(b"\n") + 1 if b"\n" in head else head.count(b"\r") + 1


def detect_encoding(path: Path) -> str:
    """'utf-8-sig', 'utf-8', 'utf-16' or 'cp874' (TIS-620's Windows superset), from every byte.

    Raises ReadError when the bytes are neither (naming the first byte that fails).
    """
    with open(path, "rb") as handle:
        sample = handle.read(4)
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    problem = first_invalid_utf8(path)
    if problem is None:
        return "utf-8-sig" if sample.startswith(codecs.BOM_UTF8) else "utf-8"
    if problem[2] >= THAI_LETTERS_FOR_UTF8:
        raise ReadError(f"not valid UTF-8 at byte offset {problem[0]}")
    with open(path, "rb") as handle:
        try:
            handle.read().decode("cp874")
        except UnicodeDecodeError as error:
            raise ReadError(f"neither UTF-8 nor TIS-620 at byte offset {error.start}") from error
    return "cp874"


def utf16_without_bom(sample: bytes) -> str | None:
    """'utf-16-le' or 'utf-16-be' for UTF-16 text saved without a byte-order mark, else None.

    Such text is valid UTF-8 by chance (ASCII is `x\\0`, Thai `\\x07\\x0e`), so it would be read
    as UTF-8 with its NULs and Thai bytes removed as control characters: Thai names turned to
    stray digits and letters. It is told by its NUL bytes: at least 10% of one byte position
    (the high byte of every ASCII character) and none in the other, and the sample decodes.
    A text file never holds that many NULs; a stray NUL or two is a control character.
    """
    if len(sample) < 4 or b"\0" not in sample:
        return None
    low, high = sample[0::2].count(0), sample[1::2].count(0)
    if high >= len(sample) // 20 and low == 0:
        encoding = "utf-16-le"
    elif low >= len(sample) // 20 and high == 0:
        encoding = "utf-16-be"
    else:
        return None
    try:
        codecs.getincrementaldecoder(encoding)().decode(sample[: len(sample) // 2 * 2], final=False)
    except UnicodeDecodeError:
        return None
    return encoding


def _not_text(copy: FileCopy, offset: int, byte: int) -> ReadError:
    # The line number, not the offset: the copy may have lost control characters already.
    line = _line_of(copy.path, offset)
    return ReadError(
        f"ไฟล์ไม่ใช่ข้อความ UTF-8 หรือ TIS-620: ไบต์ 0x{byte:02X} ในบรรทัด {line:,} — not a text file in UTF-8 "
        f"or TIS-620: byte 0x{byte:02X} in line {line:,} fits neither{_looks_like(copy.magic)}"
    )


def _looks_like(magic: bytes) -> str:
    if magic.startswith(b"PK\x03\x04"):
        return "; ดูเหมือนไฟล์ Excel (.xlsx) — it looks like an Excel workbook: name it .xlsx"
    if magic.startswith(b"\xd0\xcf\x11\xe0"):
        return "; ดูเหมือนไฟล์ Excel รุ่นเก่า (.xls) — it looks like an old Excel workbook: name it .xls"
    if magic.startswith(b"%PDF"):
        return "; เป็นไฟล์ PDF — it is a PDF file, not a table"
    return ""


def _transcode(copy: FileCopy, encoding: str, temp_files: list[Path]) -> tuple[Path, TextScan]:
    """The copy re-encoded as UTF-8 (strictly: a byte that does not decode refuses the file)."""
    copy.finish()
    if encoding == "cp874":  # a line in UTF-8 as well would become mojibake (เธ—เธฒเธช)
        utf8_line = first_utf8_thai_line(copy.path)
        if utf8_line is not None:
            raise _mixed_encodings(copy.path, utf8_line)
    target = copy.private.with_name(copy.private.name + ".utf8.csv")
    temp_files.append(target)
    decoder = codecs.getincrementaldecoder(encoding)()
    scan = TextScan()
    offset = 0
    with open(copy.path, "rb") as source, open(target, "wb") as out:
        while chunk := source.read(COPY_CHUNK):
            try:
                text = decoder.decode(chunk)
            except UnicodeDecodeError as error:
                raise _not_text(copy, offset + error.start, chunk[error.start]) from error
            out.write(scan.feed(_strip_bom(text, offset).encode("utf-8")))
            offset += len(chunk)
        try:
            out.write(scan.feed(decoder.decode(b"", final=True).encode("utf-8")))
        except UnicodeDecodeError as error:
            raise _not_text(copy, max(offset - 1, 0), 0) from error
    copy.scan = scan
    copy.control_chars_removed = max(copy.control_chars_removed, scan.control_chars_removed)
    copy.settle(target)  # the transcoded text is read from now on, never the file again
    return target, scan


def _strip_bom(text: str, offset: int) -> str:
    return text[1:] if offset == 0 and text.startswith("\ufeff") else text


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
    """How many different known columns the headers name (a repeated name counts once)."""
    return len({header_key(h) for h in headers if h and header_key(h) in ALL_ALIASES})


def _two_row_headers(top: list[str], bottom: list[str]) -> tuple[list[str], list[str], list[str]]:
    """Names of a two-row header, and its rows as read (a merged top cell carried rightwards
    over the blanks that have a sub-header below, so its words, e.g. a unit, reach them).

    A column's name is its two cells joined, or its lower cell alone; its upper cell alone
    only when nothing is below it: a sub-header that is not understood ("จำนวนเงิน" over
    "คงเหลือ") names an unknown column, never the amount.
    """
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
        candidates = [f"{upper} {lower}".strip(), lower] if lower else [upper]
        match = next((c for c in candidates if c and header_key(c) in ALL_ALIASES), None)
        names.append(match or f"{upper} {lower}".strip())
    return names, filled, bottom


_NUMBER_LIKE = re.compile(r"^[\s\-+(]*[0-9๐-๙][0-9๐-๙\s.,/:\-()฿%]*$")


def _sub_header_row(header: Header, cells: list[str], kind: str | None) -> bool:
    """Whether the row under a header continues it: sub-headers under known columns, no key,
    no number or date anywhere (a data row of every kind holds amounts or dates)."""
    chosen = KINDS[kind] if kind else detect_kind(header.names)
    if chosen is None or not any(cells):
        return False
    matched = match_headers(chosen, header.names)
    key = next((p for p, name in matched.items() if name == chosen.key), None)
    if key is not None and key < len(cells) and cells[key]:
        return False
    texts = [c for c in cells if c]
    return any(p < len(cells) and cells[p] for p in matched) and not any(_NUMBER_LIKE.match(c) for c in texts)


def _canonical(names: list[str], kind: str | None) -> set[str]:
    chosen = KINDS[kind] if kind else detect_kind(names)
    return set(match_headers(chosen, names).values()) if chosen else set()


def find_header(rows: list[list[str]], kind: str | None = None) -> Header:
    """The header within the first rows: the row (or row pair) naming the most known columns.

    A unit row right under it (cells such as "(ล้านบาท)" only) belongs to the header; the
    units stated above, in and under the header are in `Header.units` (etl.units). A row of
    sub-headers under a one-row header makes it a two-row header when the pair names every
    column the row named (a sub-header may say which amount is meant: "จำนวนเงิน" over
    "ขอเบิก" / "เบิกจ่าย"); otherwise, and for any row of sub-headers under a two-row header,
    the header is not understood: ReadError, never a half-read header.
    """
    best: Header | None = None
    best_score = 0
    best_cells: list[list[str]] = []
    for index, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        single = [_cell_text(c) for c in row]
        score = _score(single)
        candidate, cells = Header(index, 1, single, len(row)), [single]
        if index + 1 < len(rows):
            below = [_cell_text(c) for c in rows[index + 1]]
            pair, filled, lower = _two_row_headers(single, below)
            pair_score = _score(pair)
            # Two rows only when together they name more columns than either row alone.
            if pair_score > max(score, _score(below)):
                score = pair_score
                candidate, cells = Header(index, 2, pair, max(len(row), len(below))), [filled, lower]
        if score > best_score:
            best, best_score, best_cells = candidate, score, cells
    if best is None or best_score < 2:
        raise ReadError(
            "ไม่พบแถวหัวตารางที่รู้จัก — no recognisable header row in the first "
            f"{HEADER_SCAN_ROWS} rows (see docs/data-dictionary.md for accepted headers)"
        )
    texts = [[_cell_text(c) for c in row] for row in rows]
    below = best.row_index + best.rows
    if below < len(texts) and not is_unit_row(texts[below]) and _sub_header_row(best, texts[below], kind):
        pair, filled, lower = _two_row_headers(texts[best.row_index], texts[below])
        if best.rows == 1 and _canonical(pair, kind) >= _canonical(best.names, kind):
            best = Header(best.row_index, 2, pair, max(len(texts[best.row_index]), len(texts[below])))
            best_cells = [filled, lower]
        else:
            shown = ", ".join(c for c in texts[below] if c)
            raise ReadError(
                f"หัวตารางต่อเนื่องถึงแถว {below + 1} ({shown}) ซึ่งอ่านไม่ได้ "
                "ให้ทำหัวตารางหนึ่งหรือสองแถวที่ชื่อคอลัมน์ชัดเจน — "
                f"the header goes on in row {below + 1} ({shown}) and cannot be read with certainty: headers of "
                "more than two rows, or sub-headers that do not name a known column, are not understood; make "
                "the header one or two rows with one known name per column"
            )
    best.units = scan_header_area(texts, best.row_index, best.rows, best_cells)
    below = best.row_index + best.rows
    if below < len(texts) and is_unit_row(texts[below]):
        for column, cell in enumerate(texts[below]):
            unit = stated_unit(cell)
            if unit:
                best.units.by_column.setdefault(column, []).append(Statement(unit, below + 1, column, cell))
        best.rows += 1
        below += 1
    if below < len(texts) and _sub_header_row(best, texts[below], kind):
        shown = ", ".join(c for c in texts[below] if c)
        raise ReadError(
            f"หัวตารางต่อเนื่องถึงแถว {below + 1} ({shown}) ซึ่งอ่านไม่ได้ ให้ทำหัวตารางหนึ่งหรือสองแถว — the header "
            f"goes on in row {below + 1} ({shown}): headers of more than two rows are not understood; make the "
            "header one or two rows"
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


def _open_csv_copy(
    copy: FileCopy, kind: str | None, temp_files: list[Path], force_encoding: str | None = None
) -> TableSource:
    """A CSV copy as a TableSource: encoding chosen, header found (rows are staged later)."""
    if copy.size == 0:
        raise ReadError("ไฟล์ว่าง — the file is empty")
    binary = _looks_like(copy.magic)
    if binary:  # a workbook or PDF named .csv: judged by its signature, whatever its other bytes decode as
        raise ReadError(f"ไฟล์ไม่ใช่ไฟล์ข้อความ CSV — not a CSV text file{binary}")
    with open(copy.path, "rb") as handle:
        sample = handle.read(ENCODING_SAMPLE)
    if force_encoding:
        encoding = force_encoding
    elif sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    elif sample.startswith(codecs.BOM_UTF8):
        encoding = "utf-8-sig"
    elif utf16 := utf16_without_bom(sample):
        encoding = utf16
    else:
        try:
            # A multi-byte character may be cut at the sample's end: decode incrementally.
            codecs.getincrementaldecoder("utf-8")().decode(sample, final=False)
            encoding = "utf-8"  # confirmed for the whole file when the rows are read
        except UnicodeDecodeError:
            encoding = "cp874"
    csv_path = copy.path
    if encoding in ("utf-16", "utf-16-le", "utf-16-be", "cp874"):
        csv_path, _ = _transcode(copy, encoding, temp_files)
    text_encoding = "utf-8-sig" if encoding == "utf-8-sig" else "utf-8"
    head: list[str] = []
    try:
        with open(csv_path, encoding=text_encoding, newline="") as handle:
            for line in handle:
                head.append(line)
                if len(head) >= HEADER_SCAN_ROWS + 4:  # header (2 rows), unit row, next row
                    break
    except UnicodeDecodeError:
        refusal = _utf8_break(csv_path, encoding) if encoding in ("utf-8", "utf-8-sig") else None
        if refusal is not None:
            raise refusal from None
        if force_encoding is None and encoding == "utf-8":  # a long first line hid a TIS-620 byte
            return _open_csv_copy(copy, kind, temp_files, force_encoding="cp874")
        raise
    delimiter = _sniff_delimiter(head)
    try:
        # The lines as read (any line ending), so CR-only files split into rows too.
        rows = list(csv.reader(head, delimiter=delimiter))
    except csv.Error as error:
        raise ReadError(f"อ่านแถวหัวตารางไม่ได้ — cannot read the first rows as CSV: {error}") from error
    header = find_header(rows, kind)
    chosen, columns = _resolve_kind(header, kind)
    head_lines = _physical_lines(head, delimiter, header.row_index + header.rows)
    return TableSource(
        copy.original,
        None,
        header,
        chosen,
        columns,
        copy=copy,
        csv_path=csv_path,
        delimiter=delimiter,
        encoding=encoding,
        head_lines=head_lines,
        temp_files=temp_files,
        kind_option=kind,
    )


def _physical_lines(head: list[str], delimiter: str, records: int) -> int:
    """How many physical lines the first `records` CSV records take."""
    if records == 0:
        return 0
    reader = csv.reader(iter(head), delimiter=delimiter)
    for _ in range(records):
        next(reader, None)
    return reader.line_num


def open_csv(copy: FileCopy, kind: str | None = None) -> TableSource:
    """A CSV file (its private copy) as a TableSource."""
    return _open_csv_copy(copy, kind, [])


def open_excel(copy: FileCopy, kind: str | None = None) -> list[TableSource]:
    """Every visible sheet of a workbook (its private copy) that holds a recognisable table.

    The workbook is read in a bounded child process (etl.workbooks); hidden sheets are not
    loaded, and every table of the workbook says so in its notes.
    """
    folder = copy.private.with_name(copy.private.name + ".sheets") if copy.private else Path(str(copy.path) + ".sheets")
    try:
        book = read_workbook(copy.path, folder)
    except WorkbookError as error:
        raise ReadError(str(error)) from None
    note = book.skipped_note()
    sources, errors = [], []
    for sheet in book.sheets:
        if not sheet.rows:
            continue
        try:
            header = find_header(sheet.head, kind)
        except ReadError as error:
            errors.append(f"{sheet.name}: {error}")
            continue
        header.cells = len(header.names)  # cells beyond the header are notes, not data
        chosen, columns = _resolve_kind(header, kind)
        notes = [note] if note else []
        if chosen is not None and sheet.hidden_columns:
            try:
                hidden_note = _leave_out_hidden_columns(header, chosen, sheet)
            except ReadError:  # refuses the file: its sheets' cells go with it
                shutil.rmtree(folder, ignore_errors=True)
                raise
            if hidden_note:
                notes.append(hidden_note)
                chosen, columns = _resolve_kind(header, kind)
        sources.append(
            TableSource(
                copy.original,
                sheet.name,
                header,
                chosen,
                columns,
                copy=copy,
                excel=sheet,
                kind_option=kind,
                temp_dirs=[folder],
                notes=notes,
            )
        )
    if not sources:
        shutil.rmtree(folder, ignore_errors=True)
        detail = "; ".join(errors) or "ไม่มีข้อมูล — workbook is empty"
        raise ReadError(f"{detail}; {note}" if note else detail)
    return sources


def _leave_out_hidden_columns(header: Header, kind: Kind, sheet: SheetCells) -> str:
    """What the user sees of a table with hidden columns. A hidden column whose header names a column the
    kind uses, beside a visible one naming the same column (an old amount hidden next to the new one), is
    not read: its header is blanked, and the returned note says so. Alone (the only amount, or the only
    contract column, is hidden) it is not what the user sees, and leaving it out would drop what the file
    holds: ReadError, the file refused naming the column. '' when no hidden column is one the kind uses."""
    from etl.workbook_child import column_letters

    index = alias_index(kind)
    meaning = {position: index.get(header_key(name)) for position, name in enumerate(header.names) if name}
    hidden = set(sheet.hidden_columns)
    left_out = {position: name for position, name in meaning.items() if name and position in hidden}
    if not left_out:
        return ""
    # the first visible column naming each field (the one the loader reads)
    visible = {name: p for p, name in sorted(meaning.items(), reverse=True) if name and p not in hidden}

    def label(position: int) -> str:
        return f'{column_letters(position + 1)} ({position + 1}) "{header.names[position]}"'

    alone = [position for position, name in left_out.items() if name not in visible]
    if alone:
        shown = ", ".join(label(position) for position in alone)
        raise ReadError(
            f"ชีต {sheet.name}: คอลัมน์ {shown} ถูกซ่อนอยู่ ผู้ใช้มองไม่เห็นค่าในคอลัมน์นี้ ให้เลิกซ่อนคอลัมน์หากต้องการโหลด "
            f"หรือลบคอลัมน์ออก — sheet {sheet.name}: column {shown} is hidden in the sheet, so what it holds is not "
            "what its user sees: unhide it if it belongs in the load, or delete it"
        )
    pairs_th = "; ".join(f"{label(p)} ที่ซ่อนอยู่ (ใช้ {label(visible[n])} ที่มองเห็นแทน)" for p, n in left_out.items())
    pairs_en = "; ".join(f"{label(p)}, hidden (the visible {label(visible[n])} is read)" for p, n in left_out.items())
    names = list(header.names)
    for position in left_out:
        names[position] = ""
    while names and not names[-1]:
        names.pop()
    header.names = names
    return f"ไม่ได้อ่านคอลัมน์ {pairs_th} — not read: column {pairs_en}"


def open_sources(
    path: Path, kind: str | None = None, workdir: Path | None = None, copy_name: str | None = None
) -> list[TableSource]:
    """The tables in one input file (one for CSV, one per usable sheet for workbooks).

    The file is copied once into `workdir` (a fresh temporary folder when omitted); the
    sources read that copy and `cleanup()` removes it. Any failure to read the file is a
    ReadError whose message says why.
    """
    suffix = path.suffix.lower()
    if suffix == ".fods":
        raise ReadError(FLAT_ODS_MESSAGE)
    if suffix not in SUPPORTED_SUFFIXES:
        shown = suffix or "(no extension)"
        raise ReadError(
            f"ไม่รองรับไฟล์ชนิด {shown} ให้บันทึกเป็น .xlsx หรือ .csv (UTF-8) แล้วโหลดใหม่ — unsupported file type "
            f"{shown}: save it as .xlsx or .csv (UTF-8) and load it again"
        )
    if workdir is None:
        import tempfile

        workdir = Path(tempfile.mkdtemp(prefix="etl-"))
    name = copy_name or f"input{suffix}"
    copy = take_copy(path, workdir, name, text=suffix == ".csv")
    try:
        if suffix == ".csv":
            return [_open_csv_copy(copy, kind, [])]
        return open_excel(copy, kind)
    except ReadError:
        copy.remove()
        raise
    except (csv.Error, UnicodeError, OSError, MemoryError, ValueError, duckdb.Error) as error:
        copy.remove()
        first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise ReadError(f"อ่านไฟล์ไม่ได้ — cannot read the file: {first}") from error
