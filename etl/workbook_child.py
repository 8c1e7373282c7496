"""The Excel reader's own process: check a workbook, read it with python-calamine, write its cells.

Why a process of its own: python-calamine is native code. A workbook that claims or
spreads over a huge area makes it allocate the whole rectangle and abort the process
(SIGABRT, a Rust backtrace on the terminal); zip bombs and very wide sheets take gigabytes
and minutes. Here it runs under a memory limit (RLIMIT_AS) and a CPU limit, started by
`etl.workbooks.read_workbook` with a wall-clock timeout, so such a file is refused alone and
the load of the other files goes on. This module imports only the standard library and
python-calamine (xlrd for .xls), so it starts in a few hundredths of a second.

Before calamine sees an .xlsx/.xlsm, the zip is checked (`check_zip`): number of parts,
compression method, each part's uncompressed size and compression ratio (counted while
decompressing, not taken from the headers), and every worksheet's XML is streamed once
(`scan_worksheet`): declared dimension, rows, columns of cells holding a value, formulas
without a cached value and error cells (#DIV/0!, #N/A, ...), which calamine reads as empty
text. A .xls is bounded by its size and, after calamine has read a sheet, its cell count;
its error cells are found with xlrd. An OpenDocument .ods is checked as a zip like an .xlsx, and its
content.xml streamed once (`scan_ods`) for what calamine does not keep: error results, number formats,
merges, hidden rows and columns.

Output, in the folder given: `sheetN.csv` (row number, then the sheet's cells as text:
dates ISO, numbers as `cell_text` writes them; empty rows left out), `sheetN.defects.csv`
(row number, 0-based column, reason, text shown) and `result.json` describing the sheets.
A refusal is `{"ok": false, "reason": ...}` in result.json with exit code 0; any other end
(a crash, the memory or time limit) is judged by the parent from the exit status.

Run: python -m etl.workbook_child WORKBOOK OUT_DIR LIMITS_JSON
"""

from __future__ import annotations

import csv
import datetime as dt
import html
import json
import math
import os
import posixpath
import re
import struct
import sys
import zipfile
from dataclasses import asdict, dataclass, field
from fractions import Fraction
from pathlib import Path


@dataclass(frozen=True)
class Limits:
    """What a workbook may hold (documented in docs/data-dictionary.md, "Workbook limits")."""

    columns: int = 200  # columns up to the last one holding a value (A..GR)
    cells: int = 5_000_000  # rows x columns of a sheet's used area, counted from A1
    parts: int = 10_000  # files inside an .xlsx zip
    part_bytes: int = 512 << 20  # uncompressed size of one part
    total_bytes: int = 1 << 30  # uncompressed size of all parts
    ratio: int = 100  # uncompressed / compressed, for parts above RATIO_MIN_BYTES
    # the same for an .ods's content.xml: it writes each cell's type and text inline (an .xlsx keeps text in
    # shared strings), so one table compresses 3 to 9 times better than as .xlsx (32:1 against 10:1 for 60,000
    # varied payments, 139:1 against 16:1 for 60,000 nearly equal ones)
    ods_ratio: int = 400
    xls_bytes: int = 100 << 20  # size of an old .xls file
    memory_mb: int = 1024  # address space of this process
    seconds: int = 120  # CPU seconds of this process (the parent also waits at most this long)


RATIO_MIN_BYTES = 1 << 20  # small parts may compress well (styles, empty sheets)
CHUNK = 1 << 22
SMALL_PART_BYTES = 16 << 20  # workbook.xml and its relationships
MAX_ROW_BYTES = 64 << 20  # one <row> element; Excel's own limits keep real rows far smaller
HEAD_ROWS = 40  # rows sent back for the header search (header within 30 rows, 2 rows, unit row)
# Formula results and errors, as the reasons in vocabulary.REJECT_REASONS name them.
FORMULA_WITHOUT_VALUE, ERROR_CELL = "formula_without_value", "error_cell"
# A number shown as a percentage (the cell's style has a % format): 0.5 is shown "50%". In a
# column the kind uses (an amount, above all) it is not the value the reader sees, so its
# row is rejected rather than 0.50 stored.
PERCENT_CELL = "percent_cell"
_BUILT_IN_PERCENT_FORMATS = {b"9", b"10"}  # 0% and 0.00%
# A number shown divided by 1,000 per comma after its last digit ("#,##0," shows 1,500,000 as
# "1,500"; "0.00,," in millions): a sheet headed (พันบาท) whose cells hold baht shown in thousands
# would be converted a thousand times over. Rejected like a percent cell.
SCALED_CELL = "scaled_cell"
# A number in a format section that shows nothing (";;;", Excel's way to hide a value; "0;;" hides negatives):
# the user sees an empty cell. A zero shown as nothing is a government sheet's blank for zero, and loads 0.
HIDDEN_VALUE = "hidden_value"
# The bit of Shown's hidden signs for text: a format whose fourth section (text) shows no "@" (";;;", "0;-0;0;")
# shows a text cell as nothing, or as its literal instead of the text (a project code or name the user cannot see).
HIDDEN_TEXT = 4
# A negative number in a format whose negative section shows no sign ("#,##0;#,##0", "#,##0;[Red]#,##0"): the
# user sees 2,000 where the cell holds -2,000. Rejected, the number held shown, rather than loaded with a sign the
# sheet does not show (Shown's hidden-signs bit 8).
HIDDEN_SIGN, SIGN_NOT_SHOWN = "hidden_sign", 8
# A cell struck through while its row is not (only the amount struck, the new figure typed beside it or in a note;
# or part of the cell's own text struck, "1,500,000 1,200,000" with the first run struck): the sheet's mark for a
# figure or name that no longer holds. Rejected in a column the kind uses, the cell's text shown, rather than loaded
# as live (gaps 1 and 2 of government sheet habits VII, docs/reliability.md).
STRUCK_VALUE = "struck_value"
# A cell whose font colour is exactly its fill's (white on white, the same theme colour, white text on the default
# white background): the user sees an empty cell. Rejected like a value its format hides (gap 3 of habits VII).
INVISIBLE_VALUE = "invisible_value"
# How a cell's number format shows its number: (PERCENT_CELL or SCALED_CELL or None, the factor from the value
# stored to the one shown, which signs it hides: 1 positive, 2 negative). `shown_as`, `shown_text`.
Shown = tuple[str | None, Fraction, int]

_CONTROL_CHARS = dict.fromkeys([*range(9), 11, 12, *range(14, 32)])


# Flat OpenDocument (.fods: the content.xml of an .ods as one plain XML file, no zip) is refused with its own
# message, named .fods (etl.readers) or renamed (check_zip): calamine does not read it, and a second cell reader of
# our own for a format LibreOffice writes only when asked would be new code for every check an .ods gets (errors,
# formats, merges, hidden rows); saving it as .ods keeps every check.
FLAT_ODS_MESSAGE = (
    "ไฟล์นี้เป็น OpenDocument แบบ XML ไฟล์เดียว (.fods) ซึ่งไม่รองรับ ให้เปิดใน LibreOffice แล้วบันทึกเป็น .ods หรือ "
    ".xlsx แล้วโหลดใหม่ — flat OpenDocument spreadsheets (.fods, one XML file) are not read: open it in "
    "LibreOffice and save it as .ods or .xlsx, then load it again"
)


class Refusal(Exception):
    """The workbook is refused; the message says why (Thai — English)."""


# --------------------------------------------------------------------------- cell text

# A workbook number is binary: 0.1 + 0.2 is 0.30000000000000004. It is read as the
# shortest decimal within NOISE_ULPS units in the last place of the binary value (0.3),
# which is the decimal that was typed or that Excel shows; a real third decimal is far
# outside that noise below SATANG_CERTAIN and is kept (the loader rejects more than two
# decimals as ambiguous_amount). From SATANG_CERTAIN baht on, neighbouring binary numbers
# are a thousandth of a baht apart: a non-whole number there is written with at least
# three decimals, so the loader rejects it rather than round it.
NOISE_ULPS = 4
SATANG_CERTAIN = 2.0**39  # about 550 billion baht: 4 ulps stay below 0.0005


def number_text(value: float) -> str:
    """A workbook float as plain decimal text (see NOISE_ULPS); whole numbers without '.0'."""
    if not math.isfinite(value):
        return repr(value)
    if value.is_integer():
        return str(int(value))
    if abs(value) >= SATANG_CERTAIN:
        text = _plain(Fraction(value))
        return text + "0" * max(0, 3 - len(text.split(".")[1]))
    shown = repr(value)  # the shortest decimal that reads back as this binary number
    if "e" not in shown and len(shown) - shown.index(".") <= 3:
        return shown  # the usual case: at most two decimals, exactly as typed
    noise = NOISE_ULPS * math.ulp(value)
    if abs(value) <= noise:
        return "0"  # a few ulps of zero (subnormals such as 5e-324) are zero, not 326 decimals
    digits = len(shown.split("e")[0].replace("-", "").replace(".", "").lstrip("0"))
    for precision in range(1, digits):
        shorter = f"{value:.{precision}g}"
        if abs(float(shorter) - value) <= noise:
            return _plain(Fraction(shorter))
    return _plain(Fraction(shown))


def _plain(number: Fraction) -> str:
    """A finite decimal fraction in plain notation (no exponent), without trailing zeros."""
    sign = "-" if number < 0 else ""
    number = abs(number)
    places = 0
    while (number * 10**places).denominator != 1:
        places += 1
    digits = str((number * 10**places).numerator).rjust(places + 1, "0")
    whole, fraction = digits[: len(digits) - places], digits[len(digits) - places :]
    return sign + whole + ("." + fraction if fraction else "")


def cell_text(value: object) -> str:
    """A calamine cell as text ('' when empty): dates ISO, numbers as `number_text`, text
    without control characters."""
    kind = type(value)
    if kind is str:
        return value if value.isprintable() else value.translate(_CONTROL_CHARS)
    if kind is float:
        return number_text(value)
    if kind is int:
        return str(value)
    if value is None:
        return ""
    if kind is dt.datetime:
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(" ")
    if kind is dt.date:
        return value.isoformat()
    if kind is bool:
        return "yes" if value else "no"
    if kind is dt.timedelta or kind is dt.time:
        return str(value)
    return str(value).translate(_CONTROL_CHARS)


# --------------------------------------------------------------------------- zip checks


def _mb(size: int) -> str:
    return f"{size / (1 << 20):,.1f} MB"


def check_zip(path: Path, limits: Limits, verbose: tuple[str, ...] = ()) -> zipfile.ZipFile:
    """The workbook's zip, opened after its directory and every part passed the limits.

    Each part is decompressed once here, counting its real size (a part whose header
    understates its size fails its CRC check); raises Refusal naming the part and limit. The parts named in
    `verbose` (an .ods's content.xml) are held to `limits.ods_ratio` instead of `limits.ratio`.
    """
    size = path.stat().st_size
    suffix = ".ods" if path.suffix.lower() == ".ods" else ".xlsx"
    with open(path, "rb") as handle:
        handle.seek(max(0, size - 65_557))
        tail = handle.read()
    end = tail.rfind(b"PK\x05\x06")
    if end < 0 or len(tail) < end + 22:
        with open(path, "rb") as handle:
            head = handle.read(4096)
        if head.startswith(b"\xd0\xcf\x11\xe0"):  # an OLE2 file: an encrypted workbook, or an old .xls renamed
            raise Refusal(
                f"ไฟล์ไม่ใช่ {suffix} แต่เป็นไฟล์ที่ตั้งรหัสผ่านเปิดไฟล์ไว้ หรือเป็นไฟล์ .xls รุ่นเก่า — the file is not an "
                f"{suffix}: it is a workbook protected with a password to open (encrypted), or an old .xls "
                "renamed; remove the password (File > Info > Protect Workbook) and save it as .xlsx"
            )
        if b"office:document" in head and b"urn:oasis:names:tc:opendocument" in head:
            raise Refusal(FLAT_ODS_MESSAGE)
        raise Refusal(
            f"อ่านไฟล์ Excel ไม่ได้ ไฟล์ไม่ครบหรือไม่ใช่ {suffix} — cannot read workbook: not a complete zip "
            f"file (no zip directory found: truncated, or not an {suffix})"
        )
    entries, directory_bytes = struct.unpack_from("<HI", tail, end + 10)
    if entries != 0xFFFF and entries > limits.parts or directory_bytes > 64 * limits.parts + (1 << 20):
        raise Refusal(
            f"ไฟล์มีส่วนประกอบมากเกิน {limits.parts:,} ส่วน — the workbook holds more than {limits.parts:,} parts (limit)"
        )
    try:
        book = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise Refusal(f"อ่านไฟล์ Excel ไม่ได้ ไฟล์ zip เสีย — cannot read workbook: damaged zip: {error}") from None
    infos = book.infolist()
    if len(infos) > limits.parts:
        raise Refusal(
            f"ไฟล์มีส่วนประกอบ {len(infos):,} ส่วน เกิน {limits.parts:,} — the workbook holds "
            f"{len(infos):,} parts (limit {limits.parts:,})"
        )
    total = 0
    for info in infos:
        name = info.filename
        if info.flag_bits & 0x1:
            raise Refusal("ไฟล์ถูกเข้ารหัส — the workbook is encrypted (password protected)")
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise Refusal(
                f"ส่วน {name} ใช้การบีบอัดที่ไม่รองรับ — part {name} uses an unusual compression method ({info.compress_type})"
            )
        _check_part_size(name, info.file_size, info.compress_size, limits, name in verbose)
        total += info.file_size
        if total > limits.total_bytes:
            raise Refusal(
                f"ขนาดรวมเมื่อขยายเกิน {_mb(limits.total_bytes)} — the workbook's parts expand to "
                f"more than {_mb(limits.total_bytes)} (limit): likely a zip bomb"
            )
    return book


def _check_part_size(name: str, expanded: int, compressed: int, limits: Limits, verbose: bool = False) -> None:
    ratio = limits.ods_ratio if verbose else limits.ratio
    if expanded > limits.part_bytes:
        raise Refusal(
            f"ส่วน {name} ขยายได้ {_mb(expanded)} เกิน {_mb(limits.part_bytes)} — part {name} "
            f"expands to {_mb(expanded)} (limit {_mb(limits.part_bytes)})"
        )
    if expanded > RATIO_MIN_BYTES and expanded > ratio * max(compressed, 1):
        raise Refusal(
            f"ส่วน {name} ถูกบีบอัด {expanded / max(compressed, 1):,.0f} เท่า เกิน {ratio} เท่า "
            f"(zip bomb) — part {name} is compressed {expanded / max(compressed, 1):,.0f} to 1 "
            f"(limit {ratio} to 1): likely a zip bomb"
        )


def _stream(book: zipfile.ZipFile, info: zipfile.ZipInfo):
    """The part's bytes in chunks; a part that is not what its header says is refused."""
    try:
        with book.open(info) as part:
            while chunk := part.read(CHUNK):
                yield chunk
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as error:  # bad CRC, truncated, ...
        raise Refusal(f"ส่วน {info.filename} เสีย — part {info.filename} is damaged: {error}") from None


# --------------------------------------------------------------------------- sheet scan


def column_number(letters: str) -> int:
    """1-based column number of 'A', 'Z', 'AA', 'XFD'."""
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return number


def column_letters(number: int) -> str:
    """'A' for 1, 'GR' for 200, 'XFD' for 16,384."""
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def beyond_column(number: int) -> bytes:
    """Regex for the letters of any column after `number` (0: every column), followed by a digit."""
    if number <= 0:
        return rb"[A-Z]{1,3}[0-9]"
    letters = column_letters(number)
    parts = [b"[A-Z]{%d,3}" % (len(letters) + 1)] if len(letters) < 3 else []
    for i, letter in enumerate(letters):
        if letter < "Z":
            tail = b"[A-Z]{%d}" % (len(letters) - i - 1) if i < len(letters) - 1 else b""
            parts.append(letters[:i].encode() + b"[" + chr(ord(letter) + 1).encode() + b"-Z]" + tail)
    if not parts:
        return rb"(?!)"
    return b"(?:" + b"|".join(parts) + b")[0-9]"


@dataclass
class SheetScan:
    """What the XML of one worksheet holds (rows and columns 1-based)."""

    rows: int = 0  # last row with a cell holding a value (fast scan: the last row element)
    columns: int = 0  # last column with a cell holding a value
    defects: dict[tuple[int, int], tuple[str, str]] = field(default_factory=dict)  # (row0, col0) -> why
    # style index (s="…") -> (reason, factor from the value stored to the one shown) for the number
    # formats that show another number: a % (x100) or a thousands scaling (/1,000 per comma)
    shown_styles: dict[bytes, Shown] = field(default_factory=dict)
    # rows (0-based) hidden by hand, by a filter or a collapsed group, or dragged to no height, and hidden
    # columns: the user does not see them (the loader rejects a hidden data row, readers.TableSource)
    hidden_rows: set[int] = field(default_factory=set)
    hidden_columns: set[int] = field(default_factory=set)
    # merged ranges [top, left, bottom, right] (0-based) when the scan found them (.ods: calamine keeps none)
    merged: list[list[int]] | None = None
    # cells holding a value in a struck-through font, row (0-based) -> columns: a row all of whose filled cells
    # are struck through is a cancelled row (`_write_sheet` decides, knowing the row's cells)
    struck: dict[int, set[int]] = field(default_factory=dict)
    struck_styles: frozenset[bytes] = frozenset()  # .xlsx style indexes (s="…") whose font is struck through
    # .xlsx style indexes whose font colour is the colour of their fill (the text cannot be seen)
    invisible_styles: frozenset[bytes] = frozenset()
    # .xlsx shared strings (index as written in <v>) with struck-through rich-text runs: True when every run
    # holding text is struck (the cell is struck), False when only some are (`STRUCK_VALUE`)
    struck_strings: dict[bytes, bool] = field(default_factory=dict)
    # <sheetFormatPr zeroHeight="1">: every row is hidden unless its own element gives it a height (.xlsx)
    rows_hidden_by_default: bool = False
    # .xlsx conditional formats (after sheetData): (ranges, dxf ids, whether a rule paints a fill itself: a colour
    # scale, an inline x14 format's fill); `_painted_cells` keeps those that set a fill
    conditional: list[tuple[str, set[bytes], bool]] = field(default_factory=list)


class _Patterns:
    """The regexes for one worksheet, with its namespace prefix (b'' or b'x:')."""

    def __init__(self, prefix: bytes) -> None:
        p = re.escape(prefix)
        self.row_end = b"</" + prefix + b"row>"
        self.cell_end = b"</" + prefix + b"c>"
        self.cell_start = b"<" + prefix + b'c r="'
        self.row_ref = re.compile(rb"<" + p + rb'row r="(\d+)"')
        self.row_start = b"<" + prefix + b"row"
        self.cols = re.compile(rb"<" + p + rb"cols>(.*?)</" + p + rb"cols>", re.DOTALL)
        self.col = re.compile(rb"<" + p + rb"col\b([^>]*)>")
        self.row_unreferenced = re.compile(rb"<" + p + rb'row(?! r=")[\s>/]')
        self.cell_unreferenced = re.compile(rb"<" + p + rb'c(?! r=")[\s>/]')
        self.formula_or_error = re.compile(rb"<" + p + rb'f[\s>/]| t="e"')
        self.dimension = re.compile(rb"<" + p + rb'dimension\s+ref="([^"]*)"')
        self.sheet_data = b"<" + prefix + b"sheetData"
        self.value = re.compile(rb"<" + p + rb"v>(.*?)</" + p + rb"v>|<" + p + rb"v\s*/>", re.DOTALL)
        self.formula = re.compile(rb"<" + p + rb"f(?:\s[^>]*)?(?:/>|>(.*?)</" + p + rb"f>)", re.DOTALL)
        self.inline = re.compile(rb"<" + p + rb"is[\s>]")
        self.row = re.compile(rb"<" + p + rb"row\b([^>]*?)(/>|>(.*?)</" + p + rb"row>)", re.DOTALL)
        self.cell = re.compile(rb"<" + p + rb"c\b([^>]*?)(/>|>(.*?)</" + p + rb"c>)", re.DOTALL)
        self.sheet_format = re.compile(rb"<" + p + rb"sheetFormatPr\b([^>]*)>")
        self.row_tag = re.compile(rb"<" + p + rb"row\b([^>]*)>")
        self._beyond: dict[int, re.Pattern] = {}
        self._styled: dict[frozenset[bytes], re.Pattern] = {}
        self._shared: re.Pattern | None = None

    @property
    def shared_string(self) -> re.Pattern:
        """A cell holding a shared string (t="s"; attributes in any order)."""
        if self._shared is None:
            self._shared = re.compile(rb"<" + re.escape(self.cell_start[1:-4]) + rb'\b[^>]*?\st="s"')
        return self._shared

    def styled(self, styles: frozenset[bytes]) -> re.Pattern:
        """A cell whose style is one of `styles` (its start; attributes in any order)."""
        if styles not in self._styled:
            alternatives = b"|".join(re.escape(style) for style in sorted(styles))
            self._styled[styles] = re.compile(
                rb"<" + re.escape(self.cell_start[1:-4]) + rb'\b[^>]*?\ss="(?:' + alternatives + rb')"'
            )
        return self._styled[styles]

    def beyond(self, columns: int) -> re.Pattern:
        """A cell reference whose column is after `columns` (the widest seen so far)."""
        if columns not in self._beyond:
            self._beyond[columns] = re.compile(
                rb"<" + re.escape(self.cell_start[1:-4]) + rb' r="' + beyond_column(columns)
            )
        return self._beyond[columns]


_ATTRIBUTE = re.compile(rb'\b([a-zA-Z:]+)="([^"]*)"')
_REF = re.compile(r"([A-Z]{1,3})(\d+)$")
_RANGE = re.compile(r"^\$?([A-Z]{1,3})?\$?(\d+)?(?::\$?([A-Z]{1,3})\$?(\d+))?$")


def _attributes(tag: bytes) -> dict[bytes, bytes]:
    return dict(_ATTRIBUTE.findall(tag))


def _cell_defect(attributes: dict[bytes, bytes], content: bytes, patterns: _Patterns) -> tuple[str, str] | None:
    """(reason, text shown) for an error cell or a formula without a cached value, else None.

    A formula whose cached result is an empty string (t="str" with an empty <v>) has a value.
    """
    kind = attributes.get(b"t", b"n")
    value = patterns.value.search(content)
    value_text = html.unescape((value.group(1) or b"").decode("utf-8", "replace")) if value else ""
    if kind == b"e":
        return ERROR_CELL, value_text or "#ERROR"
    formula = patterns.formula.search(content)
    if formula is None:
        return None
    if value is None or (value_text == "" and kind not in (b"str", b"inlineStr")):
        text = html.unescape((formula.group(1) or b"").decode("utf-8", "replace")).strip()
        return FORMULA_WITHOUT_VALUE, "=" + (text or "(สูตร formula)")
    return None


def _shown_defect(
    attributes: dict[bytes, bytes], content: bytes | None, patterns: _Patterns, shown: Shown
) -> tuple[str, str] | None:
    """(reason, the value as shown: "50%", "1500") for a number cell whose format shows another
    number (`shown`: reason and factor), else None. A text cell whose format hides text is (HIDDEN_VALUE, None):
    its text is calamine's to read (a shared string), `_write_sheet` puts it in."""
    kind = attributes.get(b"t", b"n")
    if kind in (b"s", b"str", b"inlineStr"):
        return (HIDDEN_VALUE, None) if shown[2] & HIDDEN_TEXT and _has_value(content, patterns) else None
    if kind != b"n" or not content:
        return None
    value = patterns.value.search(content)
    try:
        number = float(value.group(1)) if value and value.group(1) else None
    except ValueError:
        return None
    if number is None or not math.isfinite(number):
        return None
    return shown_text(number, shown)


def shown_text(number: float, shown: Shown) -> tuple[str, str] | None:
    """(reason, the number as its format shows it): "50%" for 0.5 in a percent format, "1500" for
    1,500,000 shown in thousands, the number itself for one its format's section hides (shown as nothing); None
    when it is shown as it is."""
    reason, factor, hidden = shown
    if hidden & (1 if number > 0 else 2 if number < 0 else 0):
        return HIDDEN_VALUE, number_text(number)  # the value the cell holds, for the user to find it
    if hidden & SIGN_NOT_SHOWN and number < 0:
        return HIDDEN_SIGN, number_text(number)
    if reason is None:
        return None
    text = _plain(Fraction(number_text(number)) * factor)
    return reason, text + "%" if reason == PERCENT_CELL else text


def _has_value(content: bytes | None, patterns: _Patterns) -> bool:
    """Whether a cell's content holds anything calamine may place in the sheet's area."""
    if not content:
        return False
    value = patterns.value.search(content)
    return (
        bool(value and value.group(1))
        or bool(patterns.inline.search(content))
        or bool(patterns.formula.search(content))
    )


# A row or column attribute that hides it: hidden="1" (Excel's Hide, a filter, a collapsed group) or a height
# or width of zero. Searched for in the sheet's bytes (C speed: a pattern that starts with a literal; one that
# starts with \s took 110 ms on a 60,000-row sheet, this one 9 ms), then checked to be a whole attribute of a
# <row> element: rows are rarely hidden.
_HIDING = re.compile(rb'hidden="(?:1|true)"|ht="0(?:\.0*)?"')


def _hides(attributes: dict[bytes, bytes]) -> bool:
    """Whether a <row> or <col> element's attributes hide it."""
    if attributes.get(b"hidden") in (b"1", b"true"):
        return True
    size = attributes.get(b"ht", attributes.get(b"width"))
    try:
        return size is not None and float(size) == 0
    except ValueError:
        return False


def _hidden_columns(head: bytes, patterns: _Patterns) -> set[int]:
    """0-based columns the <cols> element before the sheet's data hides (each <col> covers min..max)."""
    start = head.find(patterns.sheet_data)
    found = patterns.cols.search(head, 0, start if start >= 0 else len(head))
    hidden: set[int] = set()
    for col in patterns.col.finditer(found.group(1) if found else b""):
        attributes = _attributes(col.group(1))
        if _hides(attributes):
            try:
                low, high = int(attributes.get(b"min", b"0")), int(attributes.get(b"max", b"0"))
            except ValueError:
                continue
            hidden.update(range(max(low, 1) - 1, min(high, 16_384)))
    return hidden


def _hidden_rows_fast(piece: bytes, patterns: _Patterns, scan: SheetScan) -> None:
    """Rows of a piece whose element hides them (every row has its r="…" in a fast scan)."""
    position = 0
    while found := _HIDING.search(piece, position):
        position = found.end()
        if piece[found.start() - 1 : found.start()] not in (b" ", b"\t", b"\r", b"\n"):
            continue  # the tail of another attribute (customHeight="0")
        begin = piece.rfind(b"<", 0, found.start())
        after = piece[begin + len(patterns.row_start) : begin + len(patterns.row_start) + 1]
        if begin >= 0 and piece.startswith(patterns.row_start, begin) and after in (b" ", b"\t", b"\r", b"\n"):
            tag_end = piece.find(b">", begin)
            attributes = _attributes(piece[begin : tag_end if tag_end >= 0 else len(piece)])
            reference = attributes.get(b"r", b"")
            if reference.isdigit() and _hides(attributes):
                scan.hidden_rows.add(int(reference) - 1)


_ROW_NUMBER = re.compile(rb'(?:^|\s)r="(\d+)"')
_CUSTOM_HEIGHT, _HEIGHT = re.compile(rb'\scustomHeight="(?:1|true)"'), re.compile(rb'\sht="([^"]*)"')


def _rows_not_shown_fast(piece: bytes, patterns: _Patterns, scan: SheetScan) -> None:
    """In a sheet whose rows are hidden by default: every row of the piece whose element gives it no height of its
    own (one regex pass over the row tags: 60,000 rows in about a tenth of a second)."""
    for tag in patterns.row_tag.finditer(piece):
        attributes = tag.group(1)
        if b"hidden" not in attributes and _CUSTOM_HEIGHT.search(attributes):
            height = _HEIGHT.search(attributes)
            try:
                if height and float(height.group(1)) > 0:
                    continue  # given a height of its own: shown
            except ValueError:
                pass
        reference = _ROW_NUMBER.search(attributes)
        if reference:
            scan.hidden_rows.add(int(reference.group(1)) - 1)


def _position(reference: bytes) -> tuple[int, int] | None:
    match = _REF.match(reference.decode("ascii", "replace"))
    return (int(match.group(2)), column_number(match.group(1))) if match else None


def scan_worksheet(
    chunks,
    limits: Limits,
    name: str,
    shown_styles: dict[bytes, Shown] | None = None,
    struck_styles: frozenset[bytes] = frozenset(),
    invisible_styles: frozenset[bytes] = frozenset(),
    struck_strings: dict[bytes, bool] | None = None,
) -> SheetScan:
    """Stream a worksheet's XML once; raise Refusal when it is beyond the limits.

    Most sheets give every row and cell its reference (r="B7"): then rows come from the
    row elements and the width from a regex search for a cell beyond the widest seen so
    far (C speed, a handful of searches per sheet). Sheets with rows or cells without a
    reference are read cell by cell, numbering them as calamine does.
    """
    scan = SheetScan()
    scan.shown_styles = shown_styles or {}
    scan.struck_styles = struck_styles
    scan.invisible_styles = invisible_styles
    scan.struck_strings = struck_strings or {}
    buffer = b""
    patterns: _Patterns | None = None
    precise = False
    row_number = 0  # precise scan: the row being read (rows without r count on)
    for chunk in chunks:
        buffer += chunk
        if patterns is None:
            root = re.search(rb"<(\w+:)?worksheet\b", buffer)
            patterns = _Patterns(root.group(1) or b"" if root else b"")
            _check_dimension(buffer, patterns, limits, name)
            scan.hidden_columns = _hidden_columns(buffer, patterns)
            scan.rows_hidden_by_default = _rows_hidden_by_default(buffer, patterns)
        cut = buffer.rfind(patterns.row_end)
        if cut < 0:
            if len(buffer) > MAX_ROW_BYTES:
                raise Refusal(
                    f"ชีต {name}: แถวใหญ่เกิน {_mb(MAX_ROW_BYTES)} — sheet {name}: a row larger than {_mb(MAX_ROW_BYTES)}"
                )
            continue
        cut += len(patterns.row_end)
        piece, buffer = buffer[:cut], buffer[cut:]
        precise = precise or bool(patterns.row_unreferenced.search(piece) or patterns.cell_unreferenced.search(piece))
        row_number = _scan_piece(piece, patterns, scan, precise, row_number, limits)
        _check_extent(scan, limits, name)
    if patterns is not None and buffer:
        precise = precise or bool(patterns.row_unreferenced.search(buffer) or patterns.cell_unreferenced.search(buffer))
        _scan_piece(buffer, patterns, scan, precise, row_number, limits)
        _check_extent(scan, limits, name)
        if invisible_styles and b"onditionalFormatting" in buffer:  # after sheetData: in the last piece
            scan.conditional = _conditional_formats(buffer)
    return scan


_CONDITIONAL = re.compile(rb"<(\w+:)?conditionalFormatting\b([^>]*)>(.*?)</\1?conditionalFormatting>", re.DOTALL)


def _conditional_formats(tail: bytes) -> list[tuple[str, set[bytes], bool]]:
    """(ranges as written, dxf ids its rules use, whether a rule paints a fill of its own) of each conditional
    format (`<conditionalFormatting sqref>` and Excel 2010's `<x14:conditionalFormatting>` with `<xm:sqref>`)."""
    found = []
    for element in _CONDITIONAL.finditer(tail):
        sqref = _attributes(element.group(2)).get(b"sqref")
        if sqref is None:
            inner = re.search(rb"<(?:\w+:)?sqref>(.*?)</", element.group(3), re.DOTALL)
            sqref = inner.group(1) if inner else b""
        body = element.group(3)
        ids = set(re.findall(rb'\bdxfId="(\d+)"', body))
        own = b"colorScale" in body or bool(re.search(rb"<(?:\w+:)?fill\b", body))
        found.append((sqref.decode("ascii", "replace"), ids, own))
    return found


def _cell_ranges(text: str) -> list[tuple[int, int, int, int]]:
    """0-based (top, left, bottom, right) of each range of a space-separated list ("D2:D9 F4", "B:B", "3:5")."""
    ranges = []
    for part in text.replace("$", "").upper().split():
        match = re.fullmatch(r"([A-Z]{1,3})?(\d+)?(?::([A-Z]{1,3})?(\d+)?)?", part)
        if not match or not (match.group(1) or match.group(2)):
            continue
        first_column, first_row = match.group(1), match.group(2)
        last_column = match.group(3) or (first_column if ":" not in part else None)
        last_row = match.group(4) or (first_row if ":" not in part else None)
        top = int(first_row) - 1 if first_row else 0
        bottom = int(last_row) - 1 if last_row else 1 << 21
        left = column_number(first_column) - 1 if first_column else 0
        right = column_number(last_column) - 1 if last_column else 16_383
        ranges.append((top, left, bottom, right))
    return ranges


def _scan_piece(
    piece: bytes, patterns: _Patterns, scan: SheetScan, precise: bool, row_number: int, limits: Limits
) -> int:
    if precise:
        return _scan_precise(piece, patterns, scan, row_number)
    _scan_fast(piece, patterns, scan, limits)
    _hidden_rows_fast(piece, patterns, scan)
    if scan.rows_hidden_by_default:
        _rows_not_shown_fast(piece, patterns, scan)
    return row_number


def _rows_hidden_by_default(head: bytes, patterns: _Patterns) -> bool:
    """Whether the sheet's <sheetFormatPr> before its data says zeroHeight="1": rows are hidden unless their own
    element gives them a height (Excel's "hide every unused row" habit, and a way to hide all but a few)."""
    start = head.find(patterns.sheet_data)
    found = patterns.sheet_format.search(head, 0, start if start >= 0 else len(head))
    return bool(found) and _attributes(found.group(1)).get(b"zeroHeight") in (b"1", b"true")


def _shown_by_height(attributes: dict[bytes, bytes]) -> bool:
    """Whether a <row> element gives its row a height of its own (customHeight with ht above 0): in a sheet
    whose rows are hidden by default, the rows shown."""
    if attributes.get(b"customHeight") not in (b"1", b"true"):
        return False
    try:
        return float(attributes.get(b"ht", b"0")) > 0
    except ValueError:
        return False


def _check_dimension(head: bytes, patterns: _Patterns, limits: Limits, name: str) -> None:
    start = head.find(patterns.sheet_data)
    found = patterns.dimension.search(head, 0, start if start >= 0 else len(head))
    if not found:
        return
    text = found.group(1).decode("ascii", "replace").upper()
    match = _RANGE.match(text)
    if not match:
        return
    column = column_number(match.group(3) or match.group(1) or "A")
    row = int(match.group(4) or match.group(2) or 1)
    if column > limits.columns or row * column > limits.cells:
        raise Refusal(
            f"ชีต {name} ระบุขนาด {text} ({column:,} คอลัมน์ × {row:,} แถว) เกินขีดจำกัด — sheet {name} declares "
            f"its area as {text} ({column:,} columns × {row:,} rows); the limits are {limits.columns} columns "
            f"and {limits.cells:,} cells: save a copy holding only the table"
        )


def _check_extent(scan: SheetScan, limits: Limits, name: str) -> None:
    if scan.columns > limits.columns:
        raise Refusal(
            f"ชีต {name} มีข้อมูลถึงคอลัมน์ {column_letters(scan.columns)} ({scan.columns:,} คอลัมน์) เกิน "
            f"{limits.columns} — sheet {name} has values up to column {column_letters(scan.columns)} "
            f"({scan.columns:,} columns; limit {limits.columns}): delete the columns that are not the table"
        )
    if scan.rows * max(scan.columns, 1) > limits.cells:
        raise Refusal(
            f"ชีต {name} มี {scan.rows:,} แถว × {scan.columns:,} คอลัมน์ เกิน {limits.cells:,} ช่อง — sheet "
            f"{name} spans {scan.rows:,} rows × {scan.columns:,} columns, more than {limits.cells:,} cells "
            "(limit): split it or save it as CSV"
        )


def _scan_fast(piece: bytes, patterns: _Patterns, scan: SheetScan, limits: Limits) -> None:
    """Rows from the row elements; the width by searching for a cell beyond the widest so far."""
    rows = patterns.row_ref.findall(piece)
    if rows:
        scan.rows = max(scan.rows, int(max(rows, key=lambda text: (len(text), text))))
    position = 0
    while found := patterns.beyond(scan.columns).search(piece, position):
        position = found.end()
        cell = _cell_at(piece, found.start(), patterns)
        if cell is None:
            continue
        attributes, content = cell
        where = _position(attributes.get(b"r", b""))
        if where and _has_value(content, patterns):
            scan.columns = max(scan.columns, where[1])
            scan.rows = max(scan.rows, where[0])
            if scan.columns > limits.columns:  # refused: measure the width once for the message
                scan.columns = max(
                    scan.columns,
                    *(
                        column_number(letters.decode())
                        for letters in re.findall(
                            rb"<" + re.escape(patterns.cell_start[1:-4]) + rb' r="([A-Z]{1,3})[0-9]', piece
                        )
                    ),
                )
                return
    for attributes, content, where in _cells_matching(piece, patterns.formula_or_error, patterns):
        defect = _cell_defect(attributes, content or b"", patterns)
        if where and defect:
            scan.defects[(where[0] - 1, where[1] - 1)] = defect
            scan.rows = max(scan.rows, where[0])
            scan.columns = max(scan.columns, where[1])
    if scan.struck_styles:
        for attributes, content, where in _cells_matching(piece, patterns.styled(scan.struck_styles), patterns):
            if where and attributes.get(b"s") in scan.struck_styles and _has_value(content, patterns):
                scan.struck.setdefault(where[0] - 1, set()).add(where[1] - 1)
    if scan.invisible_styles:
        for attributes, content, where in _cells_matching(piece, patterns.styled(scan.invisible_styles), patterns):
            _mark_cell(scan, attributes, content, where, patterns)
    if scan.struck_strings:
        for attributes, content, where in _cells_matching(piece, patterns.shared_string, patterns):
            _mark_cell(scan, attributes, content, where, patterns)
    if b"strike" in piece:  # an inline string of rich text with struck runs (the writers of libraries)
        for attributes, content, where in _cells_matching(piece, _STRUCK, patterns):
            if attributes.get(b"t") == b"inlineStr":
                _mark_cell(scan, attributes, content, where, patterns)
    if not scan.shown_styles:
        return
    for attributes, content, where in _cells_matching(piece, patterns.styled(frozenset(scan.shown_styles)), patterns):
        shown = scan.shown_styles.get(attributes.get(b"s", b""))
        if where and shown and (where[0] - 1, where[1] - 1) not in scan.defects:
            defect = _shown_defect(attributes, content, patterns, shown)
            if defect:
                scan.defects[(where[0] - 1, where[1] - 1)] = defect


def _mark_cell(scan: SheetScan, attributes: dict, content: bytes | None, where, patterns: _Patterns) -> None:
    """A cell of a colour its fill hides (INVISIBLE_VALUE), or a rich text (shared or inline) of struck runs: all
    struck (the cell is struck, `scan.struck`) or some (STRUCK_VALUE); the defect's text is calamine's, put in by
    `_write_sheet`."""
    if not where or not _has_value(content, patterns):
        return
    cell = (where[0] - 1, where[1] - 1)
    if attributes.get(b"s") in scan.invisible_styles:
        scan.defects.setdefault(cell, (INVISIBLE_VALUE, None))
    whole = None
    if scan.struck_strings and attributes.get(b"t") == b"s":
        value = patterns.value.search(content)
        whole = scan.struck_strings.get(value.group(1).strip() if value and value.group(1) else b"")
    elif attributes.get(b"t") == b"inlineStr" and content and b"strike" in content:
        whole = _struck_runs(content)
    if whole:
        scan.struck.setdefault(cell[0], set()).add(cell[1])
    elif whole is not None:
        scan.defects.setdefault(cell, (STRUCK_VALUE, None))


def _cells_matching(piece: bytes, pattern: re.Pattern, patterns: _Patterns):
    """(attributes, content, (row, column) or None) of each cell element holding a match of `pattern`."""
    position = 0
    while found := pattern.search(piece, position):
        position = found.end()
        cell = _cell_at(piece, found.start(), patterns)
        if cell is not None:
            attributes, content = cell
            yield attributes, content, _position(attributes.get(b"r", b""))


def _cell_at(piece: bytes, at: int, patterns: _Patterns) -> tuple[dict, bytes | None] | None:
    """(attributes, content or None when self-closing) of the <c r="..."> element holding `at`."""
    begin = piece.rfind(patterns.cell_start, 0, at + len(patterns.cell_start))
    if begin < 0:
        return None
    tag_end = piece.find(b">", begin)
    if tag_end < 0:
        return None
    tag = piece[begin:tag_end]
    if tag.endswith(b"/"):
        return (_attributes(tag), None) if at <= tag_end else None
    end = piece.find(patterns.cell_end, tag_end)
    if end < 0:
        end = len(piece)
    if at > end:
        return None  # `at` lies after that cell: not inside one
    return _attributes(tag), piece[tag_end + 1 : end]


def _scan_precise(piece: bytes, patterns: _Patterns, scan: SheetScan, row_number: int) -> int:
    """Every row and cell, numbering those without a reference as calamine does."""
    for row in patterns.row.finditer(piece):
        row_attributes = _attributes(row.group(1))
        reference = row_attributes.get(b"r")
        row_number = int(reference) if reference and reference.isdigit() else row_number + 1
        hidden = _hides(row_attributes) or (scan.rows_hidden_by_default and not _shown_by_height(row_attributes))
        if hidden and (reference or not re.search(rb'\sr="', row.group(3) or b"")):
            scan.hidden_rows.add(row_number - 1)  # else its cells say which row they are in (below)
        column = 0
        for cell in patterns.cell.finditer(row.group(3) or b""):
            attributes = _attributes(cell.group(1))
            where = _position(attributes.get(b"r", b""))
            column = where[1] if where else column + 1
            cell_row = where[0] if where else row_number
            if hidden:  # a row element without r="…" whose cells say which row they are in
                scan.hidden_rows.add(cell_row - 1)
            content = cell.group(3)
            defect = _cell_defect(attributes, content or b"", patterns)
            if defect is None and attributes.get(b"s") in scan.shown_styles:
                defect = _shown_defect(attributes, content, patterns, scan.shown_styles[attributes[b"s"]])
            if defect:
                scan.defects[(cell_row - 1, column - 1)] = defect
            if attributes.get(b"s") in scan.struck_styles and _has_value(content, patterns):
                scan.struck.setdefault(cell_row - 1, set()).add(column - 1)
            if scan.invisible_styles or scan.struck_strings or (content and b"strike" in content):
                _mark_cell(scan, attributes, content, (cell_row, column), patterns)
            if defect or _has_value(content, patterns):
                scan.rows = max(scan.rows, cell_row)
                scan.columns = max(scan.columns, column)
    return row_number


# --------------------------------------------------------------------------- workbook layout


def _sheet_parts(book: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> its part's name inside the zip (from workbook.xml and its relationships)."""

    def small(name: str) -> bytes:
        try:
            info = book.getinfo(name)
        except KeyError:
            return b""
        if info.file_size > SMALL_PART_BYTES:
            raise Refusal(f"ส่วน {name} ใหญ่ผิดปกติ — part {name} is unusually large ({_mb(info.file_size)})")
        return b"".join(_stream(book, info))

    workbook = small("xl/workbook.xml")
    relations = small("xl/_rels/workbook.xml.rels")
    targets = {}
    for tag in re.findall(rb"<(?:\w+:)?Relationship\b[^>]*>", relations):
        attributes = _attributes(tag)
        if b"Id" in attributes and b"Target" in attributes:
            target = html.unescape(attributes[b"Target"].decode("utf-8", "replace"))
            targets[attributes[b"Id"].decode("utf-8", "replace")] = (
                target.lstrip("/") if target.startswith("/") else posixpath.normpath("xl/" + target)
            )
    parts = {}
    for tag in re.findall(rb"<(?:\w+:)?sheet\b[^>]*>", workbook):
        attributes = _attributes(tag)
        name = html.unescape(attributes.get(b"name", b"").decode("utf-8", "replace"))
        relation = next((value for key, value in attributes.items() if key.endswith(b":id")), b"")
        target = targets.get(relation.decode("utf-8", "replace"))
        if target:
            parts[name] = target
    return parts


def shows_percent(format_code: str) -> bool:
    """Whether an Excel number format shows a percentage: a % outside quoted text and escapes."""
    return "%" in re.sub(r'"[^"]*"|\\.', "", format_code)


# A run of commas after a digit placeholder that no digit placeholder follows: Excel's scaling by 1,000
# per comma ("#,##0," and "0.0,,"; the comma inside "#,##0" is the thousands separator).
_SCALING_COMMAS = re.compile(r"[0#?](,+)(?![,0#?])")


def _sections(format_code: str) -> list[str]:
    """A number format's sections (positive;negative;zero;text), split at the ';' outside quotes and escapes."""
    sections, current, quoted, escaped = [], [], False, False
    for character in format_code:
        if escaped:
            escaped = False
        elif character == "\\":
            escaped = True
        elif character == '"':
            quoted = not quoted
        elif character == ";" and not quoted:
            sections.append("".join(current))
            current = []
            continue
        current.append(character)
    return [*sections, "".join(current)]


def hidden_signs(format_code: str) -> int:
    """Which signs of number a format shows as nothing: 1 positive, 2 negative (";;;" hides both, "0;;"
    negatives); and HIDDEN_TEXT (4) when its fourth section, the one for text, shows no "@" (";;;", "0;-0;0;",
    '0;-0;0;"-"'): a text cell is shown as nothing or as that literal, not as its text. A section with a
    [condition] changes which numbers it takes: not judged (0)."""
    sections = _sections(format_code)
    if len(sections) < 2 or any(re.search(r"\[[<>=]", section) for section in sections):
        return 0

    def empty(section: str) -> bool:
        return not re.sub(r"\[[^\]]*\]", "", section).strip()

    text_hidden = len(sections) >= 4 and "@" not in re.sub(r'"[^"]*"|\\.', "", sections[3])
    # the negative section shows its sign as a literal ("-", "(", quoted or escaped too); [Red] and [$-41E] are not
    negative = re.sub(r"\[[^\]]*\]", "", sections[1])
    # (a second section holding "@" is the text's, as in Excel's "d/m/yyyy;@": not a negative section)
    unsigned = not empty(sections[1]) and not any(mark in negative for mark in ("-", "(", "\u2212", "@"))
    return (
        (1 if empty(sections[0]) else 0)
        | (2 if empty(sections[1]) else 0)
        | (HIDDEN_TEXT if text_hidden else 0)
        | (SIGN_NOT_SHOWN if unsigned else 0)
    )


def shown_as(format_code: str) -> Shown | None:
    """(reason, factor, hidden signs) when an Excel number format shows a number other than the one stored:
    a percentage (x100), or the number divided by 1,000 per scaling comma, judged on the format's first
    section (positive numbers) outside quoted text, escapes and [colour]/[condition] brackets; or a sign of
    number shown as nothing (`hidden_signs`). None when every number is shown as it is."""
    hidden = hidden_signs(format_code)
    if shows_percent(format_code):
        return PERCENT_CELL, Fraction(100), hidden
    plain = re.sub(r'"[^"]*"|\\.|\[[^\]]*\]', "", format_code).split(";")[0]
    found = _SCALING_COMMAS.search(plain)
    if found:
        return SCALED_CELL, Fraction(1, 1000 ** len(found.group(1))), hidden
    return (None, Fraction(1), hidden) if hidden else None


_STRUCK = re.compile(rb"<(?:\w+:)?strike\b([^>]*)>")


def _struck_fonts(styles: bytes) -> set[int]:
    """Indexes of the <font> elements of <fonts> that strike text through (<strike/>, not val="0")."""
    fonts = re.search(rb"<(?:\w+:)?fonts\b.*?</(?:\w+:)?fonts>", styles, re.DOTALL)
    if not fonts or b"strike" not in fonts.group(0):
        return set()
    found = set()
    for index, font in enumerate(
        re.findall(rb"<(?:\w+:)?font\b(?:[^>]*/>|.*?</(?:\w+:)?font>)", fonts.group(0), re.DOTALL)
    ):
        strike = _STRUCK.search(font)
        if strike and _attributes(strike.group(1)).get(b"val", b"1") not in (b"0", b"false"):
            found.add(index)
    return found


# Colours, resolved only where certain: an RGB (alpha left out), a theme colour from the workbook's theme, a legacy
# index of the default palette (none when the workbook has its own), each with its tint; a fill of no pattern is the
# window's white. Font and fill the same (rgb, tint): the text cannot be seen. Anything else (a pattern, a gradient,
# an index of a palette of its own, a colour the theme does not give) is not judged: no contrast arithmetic.
Colour = tuple[str, float]
_WHITE: Colour = ("FFFFFF", 0.0)
# indexed="n": 0-7 and 8-15 the same eight colours, 64 the system's text (black), 65 its window (white)
_BASIC = ["000000", "FFFFFF", "FF0000", "00FF00", "0000FF", "FFFF00", "FF00FF", "00FFFF"]
_DEFAULT_PALETTE = {**dict(enumerate(_BASIC)), **{i + 8: c for i, c in enumerate(_BASIC)}, 64: "000000", 65: "FFFFFF"}
# theme="n" of a font or fill: 0 lt1, 1 dk1, 2 lt2, 3 dk2 (Excel swaps the first two pairs), then accents, links
_THEME_ORDER = ["lt1", "dk1", "lt2", "dk2", "accent1", "accent2", "accent3", "accent4", "accent5", "accent6"]
_THEME_ORDER += ["hlink", "folHlink"]
_COLOUR_TAG = rb"<(?:\w+:)?(?:color|fgColor)\b([^>]*)>"


def _theme_colours(book: zipfile.ZipFile) -> list[str | None]:
    """The theme's colours in the order fonts and fills number them (xl/theme/theme1.xml's colour scheme)."""
    try:
        info = book.getinfo("xl/theme/theme1.xml")
    except KeyError:
        return []
    if info.file_size > SMALL_PART_BYTES:
        return []
    theme = b"".join(_stream(book, info))
    found = []
    for name in _THEME_ORDER:
        element = re.search(rb"<(?:\w+:)?" + name.encode() + rb">(.*?)</", theme, re.DOTALL)
        colour = element and re.search(rb'(?:srgbClr val|lastClr)="([0-9A-Fa-f]{6})"', element.group(1))
        found.append(colour.group(1).decode().upper() if colour else None)
    return found


def _colour(attributes: dict[bytes, bytes], theme: list[str | None], palette: bool) -> Colour | None:
    """A <color>/<fgColor>'s colour and tint, or None when not certain."""
    try:
        tint = round(float(attributes.get(b"tint", b"0")), 6)
    except ValueError:
        return None
    rgb = attributes.get(b"rgb")
    if rgb is not None:
        text = rgb.decode("ascii", "replace").upper()
        return (text[-6:], tint) if re.fullmatch(r"(?:[0-9A-F]{2})?[0-9A-F]{6}", text) else None
    number = attributes.get(b"theme") or attributes.get(b"indexed")
    if number is None or not number.isdigit():
        return ("000000", 0.0) if attributes.get(b"auto") in (b"1", b"true") else None
    if b"theme" in attributes:
        name = theme[int(number)] if int(number) < len(theme) else None
        return (name, tint) if name else None
    name = None if palette else _DEFAULT_PALETTE.get(int(number))
    return (name, tint) if name else None


def white_sections(format_code: str) -> int:
    """Which signs a format paints white ([White], [Color2]): 1 positive, 2 negative (the first section's colour
    when it is the only one), HIDDEN_TEXT when its text section is white; on a white fill they cannot be seen.
    A section with a [condition] is not judged (0)."""
    sections = _sections(format_code)
    if any(re.search(r"\[[<>=]", section) for section in sections):
        return 0
    white = [bool(re.search(r"\[(?:white|color0?2)\]", section, re.IGNORECASE)) for section in sections]
    negative = white[1] if len(white) > 1 else white[0]
    return (1 if white[0] else 0) | (2 if negative else 0) | (HIDDEN_TEXT if len(white) >= 4 and white[3] else 0)


def _invisible_styles(
    styles: bytes, cell_xfs: bytes, theme: list[str | None]
) -> tuple[frozenset[bytes], frozenset[bytes]]:
    """Style indexes whose font colour is exactly their fill's (white on white, the same theme colour, white text
    on no fill: the window's white); and those whose fill is white (where a format's [White] hides)."""
    palette = b"<indexedColors" in styles or b":indexedColors" in styles
    fonts_part = re.search(rb"<(?:\w+:)?fonts\b.*?</(?:\w+:)?fonts>", styles, re.DOTALL)
    fills_part = re.search(rb"<(?:\w+:)?fills\b.*?</(?:\w+:)?fills>", styles, re.DOTALL)
    if not fonts_part or not fills_part:
        return frozenset(), frozenset()
    fonts = []
    for font in re.findall(rb"<(?:\w+:)?font\b(?:[^>]*/>|.*?</(?:\w+:)?font>)", fonts_part.group(0), re.DOTALL):
        colour = re.search(_COLOUR_TAG, font)
        fonts.append(_colour(_attributes(colour.group(1)), theme, palette) if colour else ("000000", 0.0))
    fills = []
    for fill in re.findall(rb"<(?:\w+:)?fill\b(?:[^>]*/>|.*?</(?:\w+:)?fill>)", fills_part.group(0), re.DOTALL):
        pattern = re.search(rb"<(?:\w+:)?patternFill\b([^>]*)>", fill)
        kind = _attributes(pattern.group(1)).get(b"patternType", b"none") if pattern else b""
        if pattern and kind == b"none":
            fills.append(_WHITE)
        elif kind == b"solid":
            colour = re.search(_COLOUR_TAG, fill)
            fills.append(_colour(_attributes(colour.group(1)), theme, palette) if colour else None)
        else:  # a pattern of two colours, a gradient: not judged
            fills.append(None)
    found, white = set(), set()
    for index, tag in enumerate(re.findall(rb"<(?:\w+:)?xf\b[^>]*>", cell_xfs)):
        attributes = _attributes(tag)
        font, fill = attributes.get(b"fontId", b"0"), attributes.get(b"fillId", b"0")
        if font.isdigit() and fill.isdigit() and int(font) < len(fonts) and int(fill) < len(fills):
            if fills[int(fill)] == _WHITE:
                white.add(str(index).encode())
            if fonts[int(font)] is not None and fonts[int(font)] == fills[int(fill)]:
                found.add(str(index).encode())
    return frozenset(found), frozenset(white)


def _struck_strings(book: zipfile.ZipFile, info: zipfile.ZipInfo | None) -> dict[bytes, bool]:
    """Shared strings (index as written in a cell's <v>) holding struck-through rich-text runs: True when every
    run holding text is struck, False when some are. The part is read (counted and CRC-checked) here, once;
    its runs are looked at only when it names a strike at all."""
    if info is None:
        return {}
    data = b"".join(_stream(book, info))
    if b"strike" not in data:
        return {}
    found = {}
    items = re.finditer(rb"<(?:\w+:)?si\b[^>]*?(?:/>|>(.*?)</(?:\w+:)?si>)", data, re.DOTALL)
    for index, item in enumerate(items):
        whole = _struck_runs(item.group(1) or b"")
        if whole is not None:
            found[str(index).encode()] = whole
    return found


def _struck_runs(item: bytes) -> bool | None:
    """Of a rich text (a shared string's <si>, an inline string's <is>): True when every run holding text is
    struck through, False when some are, None when none is."""
    if b"strike" not in item:
        return None
    struck = plain = False
    for run in re.findall(rb"<(?:\w+:)?r>(.*?)</(?:\w+:)?r>", item, re.DOTALL):
        text = re.search(rb"<(?:\w+:)?t\b[^>]*>(.*?)</", run, re.DOTALL)
        if not text or not html.unescape(text.group(1).decode("utf-8", "replace")).strip():
            continue
        strike = _STRUCK.search(run.split(b"<t", 1)[0])
        if strike and _attributes(strike.group(1)).get(b"val", b"1") not in (b"0", b"false"):
            struck = True
        else:
            plain = True
    return (not plain) if struck else None


def _shown_styles(
    book: zipfile.ZipFile,
) -> tuple[dict[bytes, Shown], frozenset[bytes], frozenset[bytes], frozenset[bytes]]:
    """Cell style index (as written in s="…") -> shown_as() of its number format, for the styles whose
    format shows another number; the style indexes whose font is struck through; those whose font colour is
    their fill's; and the differential formats (dxfId) that set a fill (a conditional format's)."""
    try:
        info = book.getinfo("xl/styles.xml")
    except KeyError:
        return {}, frozenset(), frozenset(), frozenset()
    if info.file_size > SMALL_PART_BYTES:
        raise Refusal(f"ส่วน xl/styles.xml ใหญ่ผิดปกติ — part xl/styles.xml is unusually large ({_mb(info.file_size)})")
    styles = b"".join(_stream(book, info))
    formats = dict.fromkeys(_BUILT_IN_PERCENT_FORMATS, (PERCENT_CELL, Fraction(100), 0))
    whites: dict[bytes, int] = {}  # format id -> the signs it paints white (white_sections)
    for tag in re.findall(rb"<(?:\w+:)?numFmt\b[^>]*>", styles):
        attributes = _attributes(tag)
        code = html.unescape(attributes.get(b"formatCode", b"").decode("utf-8", "replace"))
        shown = shown_as(code)
        if shown:
            formats[attributes.get(b"numFmtId", b"")] = shown
        white = white_sections(code) if "[" in code else 0
        if white:
            whites[attributes.get(b"numFmtId", b"")] = white
    cell_xfs = re.search(rb"<(?:\w+:)?cellXfs\b.*?</(?:\w+:)?cellXfs>", styles, re.DOTALL)
    if not cell_xfs:
        return {}, frozenset(), frozenset(), frozenset()
    invisible, on_white = _invisible_styles(styles, cell_xfs.group(0), _theme_colours(book))
    struck_fonts = _struck_fonts(styles)
    found, struck = {}, set()
    for index, tag in enumerate(re.findall(rb"<(?:\w+:)?xf\b[^>]*>", cell_xfs.group(0))):
        attributes = _attributes(tag)
        shown = formats.get(attributes.get(b"numFmtId", b"0"))
        white = whites.get(attributes.get(b"numFmtId", b"0"), 0) if str(index).encode() in on_white else 0
        if white:  # a format painting white on a white fill: what it paints is a value its format hides
            shown = (shown[0], shown[1], shown[2] | white) if shown else (None, Fraction(1), white)
        if shown:
            found[str(index).encode()] = shown
        font = attributes.get(b"fontId", b"0")
        if struck_fonts and font.isdigit() and int(font) in struck_fonts:
            struck.add(str(index).encode())
    dxfs = re.search(rb"<(?:\w+:)?dxfs\b.*?</(?:\w+:)?dxfs>", styles, re.DOTALL)
    dxf_list = re.findall(rb"<(?:\w+:)?dxf\b(?:[^>]*/>|.*?</(?:\w+:)?dxf>)", dxfs.group(0)) if dxfs else []
    filling = {str(i).encode() for i, dxf in enumerate(dxf_list) if re.search(rb"<(?:\w+:)?fill\b", dxf)}
    return found, frozenset(struck), invisible, frozenset(filling)


# Excel's built-in table styles whose body rows have no fill or a pale one: text judged on its own fill there
_LIGHT_TABLE_STYLE = re.compile(r"(?:TableStyleLight\d+)?")


def _table_painted(book: zipfile.ZipFile, part: str) -> list[tuple[int, int, int, int]]:
    """0-based ranges of the Excel tables (ListObjects) of the worksheet `part` whose style may paint their cells
    a fill of their own (a medium or dark built-in style, a style of the workbook's): text there is not judged
    on the cell's own fill."""
    folder, name = posixpath.split(part)
    try:
        info = book.getinfo(f"{folder}/_rels/{name}.rels")
    except KeyError:
        return []
    if info.file_size > SMALL_PART_BYTES:
        return []
    ranges = []
    for tag in re.findall(rb"<(?:\w+:)?Relationship\b[^>]*>", b"".join(_stream(book, info))):
        attributes = _attributes(tag)
        if not attributes.get(b"Type", b"").endswith(b"/table"):
            continue
        target = html.unescape(attributes.get(b"Target", b"").decode("utf-8", "replace"))
        target = target.lstrip("/") if target.startswith("/") else posixpath.normpath(f"{folder}/{target}")
        try:
            table_info = book.getinfo(target)
        except KeyError:
            continue
        if table_info.file_size > SMALL_PART_BYTES:
            continue
        table = b"".join(_stream(book, table_info))
        root = re.search(rb"<(?:\w+:)?table\b([^>]*)>", table)
        style = re.search(rb"<(?:\w+:)?tableStyleInfo\b([^>]*)>", table)
        style_name = _attributes(style.group(1)).get(b"name", b"").decode("utf-8", "replace") if style else ""
        if root and not _LIGHT_TABLE_STYLE.fullmatch(style_name):
            ranges += _cell_ranges(_attributes(root.group(1)).get(b"ref", b"").decode("ascii", "replace"))
    return ranges


def _not_claimed_invisible(scan: SheetScan, painted: list[tuple[int, int, int, int]]) -> None:
    """Drop INVISIBLE_VALUE where a table style or a conditional format may paint the cell another fill: its
    text may be seen (what is painted is not certain without Excel's engine, so nothing is claimed)."""
    for cell in [cell for cell, defect in scan.defects.items() if defect[0] == INVISIBLE_VALUE]:
        if any(top <= cell[0] <= bottom and left <= cell[1] <= right for top, left, bottom, right in painted):
            del scan.defects[cell]


def scan_xlsx(path: Path, limits: Limits) -> dict[str, SheetScan]:
    """Check the zip and scan every part; sheet name -> SheetScan. Raises Refusal."""
    book = check_zip(path, limits)
    with book:
        parts = _sheet_parts(book)
        shown, struck, invisible, filling = _shown_styles(book)
        strings = next((i for i in book.infolist() if i.filename.lower().endswith("sharedstrings.xml")), None)
        struck_strings = _struck_strings(book, strings)
        names_by_part: dict[str, list[str]] = {}
        for name, part in parts.items():
            names_by_part.setdefault(part, []).append(name)
        scans: dict[str, SheetScan] = {}
        for info in book.infolist():
            names = names_by_part.get(info.filename)
            if info is strings and not names:
                continue  # read above
            if not names:
                for _ in _stream(book, info):  # counted and CRC-checked: calamine may read it
                    pass
                continue
            scan = scan_worksheet(_stream(book, info), limits, names[0], shown, struck, invisible, struck_strings)
            if any(defect[0] == INVISIBLE_VALUE for defect in scan.defects.values()):
                painted = _table_painted(book, info.filename)
                for sqref, ids, own in scan.conditional:
                    if own or ids & filling:
                        painted += _cell_ranges(sqref)
                _not_claimed_invisible(scan, painted)
            for name in names:  # a name in the zip twice: keep the larger reading of both
                if name in scans:
                    scan.rows = max(scan.rows, scans[name].rows)
                    scan.columns = max(scan.columns, scans[name].columns)
                    scan.defects = {**scans[name].defects, **scan.defects}
                    scan.hidden_rows |= scans[name].hidden_rows
                    scan.hidden_columns |= scans[name].hidden_columns
                    for row, columns in scans[name].struck.items():
                        scan.struck.setdefault(row, set()).update(columns)
                scans[name] = scan
    return scans


# --------------------------------------------------------------------------- OpenDocument (.ods)

# An .ods is a zip whose content.xml holds every sheet (LibreOffice, OpenOffice; ODF is a Thai national
# standard). calamine reads its values (an error cell as '', no merges); content.xml is streamed here once with
# the standard library's XML pull parser for what calamine does not keep: error results, number formats that
# show another number, merges, hidden rows and columns. LibreOffice writes runs of equal rows and cells once
# (`table:number-rows-repeated`, `number-columns-repeated`), and pads a formatted sheet to its last row with one
# row repeated a million times: repeats are counted, never expanded (empty ones are skipped).
_ODS = {
    "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "style": "urn:oasis:names:tc:opendocument:xmlns:style:1.0",
    "number": "urn:oasis:names:tc:opendocument:xmlns:datastyle:1.0",
    "calcext": "urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0",
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
    "fo": "urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0",
}


def _odf(prefix: str, name: str) -> str:
    return "{" + _ODS[prefix] + "}" + name


_T_TABLE, _T_ROW, _T_COLUMN = _odf("table", "table"), _odf("table", "table-row"), _odf("table", "table-column")
_T_CELL, _T_COVERED = _odf("table", "table-cell"), _odf("table", "covered-table-cell")
_A_NAME, _A_STYLE = _odf("table", "name"), _odf("table", "style-name")
_A_ROWS_REPEATED, _A_COLUMNS_REPEATED = _odf("table", "number-rows-repeated"), _odf("table", "number-columns-repeated")
_A_ROWS_SPANNED, _A_COLUMNS_SPANNED = _odf("table", "number-rows-spanned"), _odf("table", "number-columns-spanned")
_A_VISIBILITY, _A_DEFAULT_STYLE = _odf("table", "visibility"), _odf("table", "default-cell-style-name")
_A_VALUE_TYPE, _A_VALUE = _odf("office", "value-type"), _odf("office", "value")
_A_CALC_TYPE, _A_FORMULA = _odf("calcext", "value-type"), _odf("table", "formula")
_A_STYLE_NAME, _A_DATA_STYLE = _odf("style", "name"), _odf("style", "data-style-name")
_A_PARENT_STYLE = _odf("style", "parent-style-name")
_S_STYLE = _odf("style", "style")
_A_FAMILY = _odf("style", "family")
_S_ROW_PROPERTIES, _A_ROW_HEIGHT = _odf("style", "table-row-properties"), _odf("style", "row-height")
_S_COLUMN_PROPERTIES, _A_COLUMN_WIDTH = _odf("style", "table-column-properties"), _odf("style", "column-width")
_S_TEXT_PROPERTIES, _A_LINE_THROUGH = _odf("style", "text-properties"), _odf("style", "text-line-through-style")
_N_TEXT_CONTENT = _odf("number", "text-content")
_S_CELL_PROPERTIES, _S_DEFAULT_STYLE = _odf("style", "table-cell-properties"), _odf("style", "default-style")
_A_COLOUR, _A_BACKGROUND = _odf("fo", "color"), _odf("fo", "background-color")
_A_WINDOW_COLOUR = _odf("style", "use-window-font-color")
_C_FORMAT, _A_TARGET = _odf("calcext", "conditional-format"), _odf("calcext", "target-range-address")
_A_TEXT_STYLE = _odf("text", "style-name")
_LENGTH = re.compile(r"^\s*([-+]?[0-9]*\.?[0-9]+)\s*[a-z]*\s*$")
_S_MAP, _A_CONDITION, _A_APPLY = _odf("style", "map"), _odf("style", "condition"), _odf("style", "apply-style-name")
_N_NUMBER, _N_TEXT, _A_FACTOR = _odf("number", "number"), _odf("number", "text"), _odf("number", "display-factor")
_NUMBER_PREFIX = "{" + _ODS["number"] + "}"
_NUMBER_CELLS = {"float", "percentage", "currency"}
_HIDING_VISIBILITY = {"collapse", "collapsed", "filter"}  # ODF says "collapse"; accepted as written either way
_CONDITION = re.compile(r"^\s*value\(\)\s*(>=|<=|!=|=|>|<)\s*(-?[0-9.]+)\s*$")
# How an .ods data style shows a number of each sign (1, -1, 0): (reason or None, factor, 3 when shown as nothing,
# SIGN_NOT_SHOWN when a negative is shown without its sign, else 0)
OdsShown = dict[int, tuple[str | None, Fraction, int]]


def _ods_data_style(element) -> dict:
    """What one <number:*-style> element says: its kind, display factor, whether it shows anything, its maps."""
    kind = element.tag.rsplit("}", 1)[-1]
    factor, shows, maps, literals = Fraction(1), False, [], ""
    text_content = any(child.tag == _N_TEXT_CONTENT for child in element)
    for child in element:
        if child.tag == _S_MAP:
            maps.append((child.get(_A_CONDITION, ""), child.get(_A_APPLY, "")))
        elif child.tag == _N_TEXT:
            shows = shows or bool((child.text or "").strip())
            literals += child.text or ""
        elif child.tag.startswith(_NUMBER_PREFIX):
            shows = True
            if child.tag == _N_NUMBER and child.get(_A_FACTOR):
                try:
                    factor = Fraction(1) / Fraction(child.get(_A_FACTOR))
                except (ValueError, ZeroDivisionError):
                    pass
    # a text style without <number:text-content/> (the text section of ";;;" or '0;-0;0;"-"') shows a text cell
    # as nothing or as its literal, not its text
    return {
        "literals": literals,  # the text it writes around the number (a negative section's "-" or "(")
        "kind": kind,
        "factor": factor,
        "shows": shows,
        "maps": maps,
        "hides_text": kind == "text-style" and not text_content,
    }


def _zero_length(text: str | None) -> bool:
    """Whether an ODF length ("0cm", "0in", "0.000mm", "0") is zero: a row or column dragged shut."""
    found = _LENGTH.match(text or "")
    return bool(found) and float(found.group(1)) == 0


def _ods_shown(data_styles: dict[str, dict], name: str) -> OdsShown | None:
    """How the data style `name` shows a number per sign (a section's style chosen by its style:map conditions,
    as LibreOffice writes a format's sections); None when every number is shown as it is, or a condition is not
    one on the sign (not judged, as an Excel [condition])."""
    main = data_styles.get(name)
    if main is None:
        return None
    found: OdsShown = {}
    for sign in (1, -1, 0):
        style = main
        for condition, applied in main["maps"]:
            match = _CONDITION.match(condition)
            if not match or float(match.group(2)) != 0:
                return None
            operator = match.group(1)
            holds = {
                ">": sign > 0,
                ">=": sign >= 0,
                "<": sign < 0,
                "<=": sign <= 0,
                "=": sign == 0,
                "!=": sign != 0,
            }[operator]
            if holds:
                style = data_styles.get(applied, main)
                break
        reason = PERCENT_CELL if style["kind"] == "percentage-style" else None
        factor = Fraction(100) if reason else style["factor"]
        if reason is None and factor != 1:
            reason = SCALED_CELL
        # a negative section of its own (a map) writes its sign as text; without one the number shows unsigned
        unsigned = sign < 0 and style is not main and not any(m in style["literals"] for m in ("-", "(", "\u2212"))
        found[sign] = (reason, factor, 3 if not style["shows"] else SIGN_NOT_SHOWN if unsigned else 0)
    if all(reason is None and not hidden for reason, _, hidden in found.values()):
        return None
    return found


def _ods_defect(value: str | None, value_type: str, shown: OdsShown | None) -> tuple[str, str] | None:
    """(reason, the number as shown) for a number cell its style shows otherwise, else None."""
    try:
        number = float(value) if value is not None else None
    except ValueError:
        return None
    if number is None or not math.isfinite(number):
        return None
    sign = 1 if number > 0 else -1 if number < 0 else 0
    reason, factor, hidden = shown[sign] if shown else (None, Fraction(1), 0)
    if value_type == "percentage" and reason is None:
        reason, factor = PERCENT_CELL, Fraction(100)  # a percentage cell whose style says nothing more
    return shown_text(number, (reason, factor, hidden))  # hidden: 3 this sign shows as nothing, 8 without sign


def _positive(text: str | None, most: int) -> int:
    try:
        return min(max(int(text), 1), most) if text else 1
    except ValueError:
        return 1


def scan_ods(path: Path, limits: Limits) -> dict[str, SheetScan]:
    """Check the zip and stream its content.xml (styles.xml for the common styles); sheet name -> SheetScan with
    the error cells (`error_cell`), numbers shown as a percentage, scaled or as nothing, merged ranges and
    hidden rows and columns. Raises Refusal (the limits of `check_zip`, and the sheet's extent)."""
    from xml.etree.ElementTree import ParseError, XMLPullParser

    book = check_zip(path, limits, verbose=("content.xml",))
    with book:
        names = set(book.namelist())
        if "content.xml" not in names:
            raise Refusal(
                "อ่านไฟล์ .ods ไม่ได้ ไม่พบ content.xml — cannot read the .ods file: it holds no content.xml "
                "(damaged, or not an OpenDocument spreadsheet)"
            )
        stream = _OdsStream(limits)
        for part in ("styles.xml", "content.xml"):
            if part not in names:
                continue
            parser = XMLPullParser(("start", "end"))
            feeder = _OdsFeeder(parser, stream) if part == "content.xml" else None
            try:
                for chunk in _stream(book, book.getinfo(part)):
                    if feeder:
                        feeder.feed(chunk)
                    else:
                        parser.feed(chunk)
                        stream.read(parser)
                if feeder:
                    feeder.finish()
                parser.close()
                stream.read(parser)
            except ParseError as error:
                raise Refusal(f"ส่วน {part} เสีย — part {part} is damaged: {error}") from None
        for info in book.infolist():
            if info.filename not in ("styles.xml", "content.xml"):
                for _ in _stream(book, info):  # counted and CRC-checked: calamine may read it (the manifest)
                    pass
    return stream.scans


# A row that may need the XML parser: repeats, merges, hidden rows, error and percentage cells (any prefix); and
# formulas without a result (`_OdsFeeder._marked`).
_ODS_ROW_MARKERS = (
    b"-repeated=",
    b"-spanned=",
    b"visibility=",
    b"covered-table-cell",
    b'value-type="error"',
    b'value-type="percentage"',
)


class _OdsFeeder:
    """Gives content.xml to the XML parser, but for the plain rows (most rows of a sheet: no formulas without a
    result, repeats, merges, hiding, error, percentage or specially formatted cells), counted at C speed (bytes
    searches) and given as one placeholder row per run, `<table:table-row plain="rows" last="last row holding a value"
    width="cells"/>`: the parser's work per element (3-4 CPU-s for 60,000 rows) is left for the rows it is needed
    for. A plain row's width is its number of cells (it has no repeated ones). Used only when the document names
    the table namespace with a prefix declared in its root element (as every writer does); otherwise every row
    goes to the parser."""

    def __init__(self, parser, stream: _OdsStream) -> None:
        self.parser, self.stream = parser, stream
        self.buffer = b""
        self.prefix: bytes | None = None  # b"table" as a rule; b"" when not found (no fast path)
        self.markers: list[bytes] | None = None
        self.rows = self.last = self.width = 0  # the run of plain rows not yet given

    def feed(self, chunk: bytes) -> None:
        self.buffer += chunk
        if self.prefix is None:
            root = self.buffer.find(b"document-content")
            if root < 0 or self.buffer.find(b">", root) < 0:
                if len(self.buffer) > MAX_ROW_BYTES:
                    self.prefix = b""
                return
            found = re.search(rb'xmlns:(\w+)="' + re.escape(_ODS["table"].encode()) + b'"', self.buffer)
            self.prefix = found.group(1) if found else b""
            self.row_end = b"</" + self.prefix + b":table-row>"
            self.row_start = b"<" + self.prefix + b":table-row"
            self.table_open, self.cell_open = b"<" + self.prefix + b":table", b"<" + self.prefix + b":table-cell"
        if not self.prefix:
            self._give(self.buffer)
            self.buffer = b""
            return
        cut = self.buffer.rfind(self.row_end)
        if cut < 0:
            if len(self.buffer) > MAX_ROW_BYTES:
                self._give(self.buffer)
                self.buffer = b""
            return
        cut += len(self.row_end)
        body, self.buffer = self.buffer[:cut], self.buffer[cut:]
        if self.markers is None:  # the styles and the first row go to the parser: then the styles are known
            first = body.find(self.row_end) + len(self.row_end)
            self._give(body[:first])
            body = body[first:]
        hits = self._marked(body)
        start, next_hit = 0, 0
        for piece in body.split(self.row_end)[:-1]:
            end = start + len(piece)
            marked = False
            while next_hit < len(hits) and hits[next_hit] < end:
                marked = marked or hits[next_hit] >= start
                next_hit += 1
            start = end + len(self.row_end)
            cells = -1 if marked or self.stream.all_rows else self._plain_cells(piece)
            if cells < 0:
                self._give(piece + self.row_end)
                continue
            self.rows += 1
            if b"value-type=" in piece or b":p>" in piece or b":p " in piece:
                self.last = self.rows
                self.width = max(self.width, cells)

    def finish(self) -> None:
        self._give(self.buffer)
        self.buffer = b""

    def _marked(self, body: bytes) -> list[int]:
        """Where in `body` a row may need the parser (bytes searches for each marker: C speed)."""
        if self.markers is None:  # the cell styles are known once the rows begin (styles come first)
            styles = sorted(
                {*(name for name in self.stream.cell_styles if self.stream.marks(name)), *self.stream.zero_rows}
            )
            self.markers = [*_ODS_ROW_MARKERS, *(b'style-name="' + name.encode() + b'"' for name in styles)]
        hits = []
        for marker in self.markers:
            at = body.find(marker)
            while at >= 0:
                hits.append(at)
                at = body.find(marker, at + 1)
        at = body.find(b"formula=")
        while at >= 0:  # a formula with its result is plain (a column of sums); one without it needs the parser
            begin, end = body.rfind(b"<", 0, at), body.find(b">", at)
            if b"value-type=" not in body[begin:end] or end < 0:
                hits.append(at)
            at = body.find(b"formula=", at + 1)
        return sorted(hits)

    def _plain_cells(self, piece: bytes) -> int:
        """The number of cells of a piece that is one plain row and nothing else, else -1."""
        text = piece.lstrip()
        if not text.startswith(self.row_start):
            return -1
        cells = text.count(self.cell_open)
        return cells if text.count(self.table_open) == cells + 1 else -1

    def _give(self, data: bytes) -> None:
        if self.rows:
            self.parser.feed(
                b'<%s:table-row plain="%d" last="%d" width="%d"/>' % (self.prefix, self.rows, self.last, self.width)
            )
            self.rows = self.last = self.width = 0
        if data:
            self.parser.feed(data)
        self.stream.read(self.parser)


class _OdsSheet:
    """The state of the sheet being streamed."""

    def __init__(self, name: str) -> None:
        self.scan = SheetScan(merged=[])
        self.name = name
        self.row = 0  # 0-based row of the next <table:table-row>
        self.column_styles: list[tuple[int, int, str | None]] = []  # (first column, last + 1, default style)
        self.next_column = 0


class _OdsStream:
    """What the parts of one .ods tell, event by event: the styles, then each sheet's scan."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.data_styles: dict[str, dict] = {}
        self.cell_styles: dict[str, tuple[str | None, str | None]] = {}  # name -> (data style, parent style)
        self.shown: dict[str, OdsShown | None] = {}  # cell style -> how its data style shows numbers
        self.scans: dict[str, SheetScan] = {}
        self.stack: list = []  # the open elements (a finished row or sheet is removed from its parent)
        self.sheet: _OdsSheet | None = None
        self.all_rows = False  # a column's default cell style shows numbers otherwise: every row is parsed
        self.zero_rows: set[str] = set()  # row styles of no height (style:row-height="0cm"): rows hidden
        self.zero_columns: set[str] = set()  # column styles of no width
        self.struck: dict[str, bool] = {}  # cell style -> its text is struck through (or not), when it says
        # cell style -> its font colour ("#rrggbb", or "auto": the window's, which the program keeps readable), its
        # background ("#rrggbb"; "transparent" is the white page), when it says; styles of a conditional map
        self.font_colour: dict[str, str] = {}
        self.fill_colour: dict[str, str] = {}
        self.default_fill = "#ffffff"
        self.mapped: set[str] = set()
        self.invisible: dict[str | None, bool] = {}  # invisible_for's answers (the styles come before the rows)

    def read(self, parser) -> None:
        stack = self.stack
        for event, element in parser.read_events():
            tag = element.tag
            if event == "start":
                stack.append(element)
                if tag == _T_TABLE:
                    self.sheet = _OdsSheet(element.get(_A_NAME, ""))
                continue
            stack.pop()
            sheet = self.sheet
            if tag == _T_ROW and sheet is not None:
                _ods_row(element, sheet, self)
                if stack:
                    stack[-1].remove(element)
            elif tag == _T_COLUMN and sheet is not None:
                repeat = _positive(element.get(_A_COLUMNS_REPEATED), 16_384)
                first = sheet.next_column
                sheet.next_column = min(first + repeat, 16_384)
                style = element.get(_A_DEFAULT_STYLE)
                if style and style != "Default":
                    sheet.column_styles.append((first, sheet.next_column, style))
                    self.all_rows = self.all_rows or self.marks(style)
                if element.get(_A_VISIBILITY) in _HIDING_VISIBILITY or element.get(_A_STYLE) in self.zero_columns:
                    sheet.scan.hidden_columns.update(range(first, min(first + repeat, self.limits.columns + 1)))
            elif tag == _T_TABLE and sheet is not None:
                _ods_conditional_painted(element, sheet.scan)
                self.scans.setdefault(sheet.name, sheet.scan)
                self.sheet = None
                if stack:
                    stack[-1].remove(element)
            elif tag == _S_STYLE:
                name = element.get(_A_STYLE_NAME)
                if name:
                    self.cell_styles[name] = (element.get(_A_DATA_STYLE), element.get(_A_PARENT_STYLE))
                    self._style_properties(name, element)
            elif tag == _S_DEFAULT_STYLE and element.get(_A_FAMILY) == "table-cell":
                for child in element:
                    if child.tag == _S_CELL_PROPERTIES and child.get(_A_BACKGROUND):
                        self.default_fill = _ods_colour(child.get(_A_BACKGROUND))
            elif tag.startswith(_NUMBER_PREFIX) and tag.endswith("-style"):
                name = element.get(_A_STYLE_NAME)
                if name:
                    self.data_styles[name] = _ods_data_style(element)

    def _style_properties(self, name: str, element) -> None:
        """A row style of no height, a column style of no width, a cell style striking its text through."""
        family = element.get(_A_FAMILY)
        for child in element:
            if family == "table-row" and child.tag == _S_ROW_PROPERTIES and _zero_length(child.get(_A_ROW_HEIGHT)):
                self.zero_rows.add(name)
            elif (
                family == "table-column"
                and child.tag == _S_COLUMN_PROPERTIES
                and _zero_length(child.get(_A_COLUMN_WIDTH))
            ):
                self.zero_columns.add(name)
            elif child.tag == _S_TEXT_PROPERTIES and child.get(_A_LINE_THROUGH) is not None:
                self.struck[name] = child.get(_A_LINE_THROUGH) != "none"
            if child.tag == _S_TEXT_PROPERTIES and child.get(_A_WINDOW_COLOUR) == "true":
                self.font_colour[name] = "auto"
            elif child.tag == _S_TEXT_PROPERTIES and child.get(_A_COLOUR):
                self.font_colour[name] = _ods_colour(child.get(_A_COLOUR))
            elif child.tag == _S_CELL_PROPERTIES and child.get(_A_BACKGROUND):
                self.fill_colour[name] = _ods_colour(child.get(_A_BACKGROUND))
            elif child.tag == _S_MAP:
                self.mapped.add(name)

    def _inherited(self, style: str | None, own) -> object:
        """The first of `own(name)` not None along the style and the styles it inherits from."""
        seen = set()
        while style and style not in seen:
            seen.add(style)
            found = own(style)
            if found is not None:
                return found
            style = self.cell_styles.get(style, (None, None))[1]
        return None

    def struck_for(self, style: str | None) -> bool:
        """Whether the cell style `style` (or the style it inherits from) strikes its text through."""
        return bool(self._inherited(style, self.struck.get))

    def hides_text_for(self, style: str | None) -> bool:
        """Whether the data style of the cell style `style` shows a text cell as nothing or a literal."""
        data = self._inherited(style, lambda name: self.cell_styles.get(name, (None, None))[0])
        return bool(data) and self.data_styles.get(data, {}).get("hides_text", False)

    def invisible_for(self, style: str | None) -> bool:
        """Whether the cell style `style` (with what it inherits) gives its text exactly its background's colour: a
        colour set by hand (not the automatic one) on the same background, no background being the white page; a
        style with a conditional map is not judged (what it paints depends on the value)."""
        if not self.font_colour:
            return False
        if style not in self.invisible:
            font = self._inherited(style, self.font_colour.get)
            self.invisible[style] = (
                font not in (None, "auto")
                and not self._inherited(style, lambda name: True if name in self.mapped else None)
                and font == (self._inherited(style, self.fill_colour.get) or self.default_fill)
            )
        return self.invisible[style]

    def marks(self, style: str | None) -> bool:
        """Whether cells of the style need the parser: it shows numbers otherwise, hides text, strikes it, or gives
        it its background's colour."""
        return (
            self.shown_for(style) is not None
            or self.hides_text_for(style)
            or self.struck_for(style)
            or self.invisible_for(style)
        )

    def shown_for(self, style: str | None) -> OdsShown | None:
        """How the cell style `style` (or the style it inherits its data style from) shows numbers."""
        if style is None:
            return None
        if style not in self.shown:
            name, data, seen = style, None, set()
            while name and name in self.cell_styles and name not in seen and data is None:
                seen.add(name)
                data, name = self.cell_styles[name]
            self.shown[style] = _ods_shown(self.data_styles, data) if data else None
        return self.shown[style]


def _ods_colour(text: str) -> str:
    """An .ods colour as "#rrggbb" (lower case); "transparent" (no background) is the white page."""
    text = text.strip().lower()
    return "#ffffff" if text == "transparent" else text


def _ods_conditional_painted(table, scan: SheetScan) -> None:
    """Drop INVISIBLE_VALUE from the cells a conditional format of the sheet (`calcext:conditional-format`,
    written after the rows) may paint: what it paints depends on the value, so nothing is claimed."""
    if not any(defect[0] == INVISIBLE_VALUE for defect in scan.defects.values()):
        return
    painted = []
    for element in table.iter(_C_FORMAT):
        for part in (element.get(_A_TARGET) or "").split():
            cells = [piece.rsplit(".", 1)[-1] for piece in part.split(":")]
            painted += _cell_ranges(":".join(cells))
    _not_claimed_invisible(scan, painted)


def _ods_struck_runs(element, stream: _OdsStream, struck: bool, texts: list[str]) -> list[str]:
    """[text not struck, text struck] of a cell's paragraphs, its text:span runs in a struck-through style
    (or inheriting one) struck."""
    style = element.get(_A_TEXT_STYLE)
    struck = struck or (style is not None and stream.struck_for(style))
    texts[struck] += element.text or ""
    for child in element:
        _ods_struck_runs(child, stream, struck, texts)
        texts[struck] += child.tail or ""
    return texts


def _ods_row(row, sheet: _OdsSheet, stream: _OdsStream) -> None:
    """One <table:table-row> (with its repeats): its defects, merges and whether it hides rows holding a value."""
    scan, limits = sheet.scan, stream.limits
    plain = row.get("plain")
    if plain is not None:  # a run of plain rows counted by _OdsFeeder
        last = int(row.get("last", "0"))
        if last:
            scan.rows = max(scan.rows, sheet.row + last)
            scan.columns = max(scan.columns, int(row.get("width", "0")))
            _check_extent(scan, limits, sheet.name)
        sheet.row += int(plain)
        return
    repeat = _positive(row.get(_A_ROWS_REPEATED), 1 << 21)
    top = sheet.row
    sheet.row += repeat
    row_style = row.get(_A_DEFAULT_STYLE)
    column = 0
    holds = False
    for cell in row:
        if cell.tag != _T_CELL and cell.tag != _T_COVERED:
            continue
        count = _positive(cell.get(_A_COLUMNS_REPEATED), 16_384)
        left = column
        column += count
        if cell.tag == _T_COVERED:
            continue
        value_type = cell.get(_A_VALUE_TYPE)
        error = cell.get(_A_CALC_TYPE) == "error"
        formula = cell.get(_A_FORMULA)
        down, across = _positive(cell.get(_A_ROWS_SPANNED), 1 << 21), _positive(cell.get(_A_COLUMNS_SPANNED), 16_384)
        if (down > 1 or across > 1) and top + down <= limits.cells:
            scan.merged.append([top, left, top + down - 1, left + across - 1])
        if value_type is None and not error and not formula and not len(cell):
            continue  # an empty cell (the runs LibreOffice pads rows with)
        holds = True
        scan.rows = max(scan.rows, top + repeat)
        scan.columns = max(scan.columns, column)
        _check_extent(scan, limits, sheet.name)
        defect = None
        if error:
            defect = (ERROR_CELL, "".join(cell.itertext()).strip() or "#ERROR")
        elif formula and value_type is None:  # a program wrote the formula without its result: calamine reads ''
            text = formula.split(":", 1)[1] if formula.startswith(("of:", "oooc:", "msoxl:")) else formula
            defect = (FORMULA_WITHOUT_VALUE, text if text.startswith("=") else "=" + text)
        style = cell.get(_A_STYLE) or row_style
        if style is None:
            style = next((s for first, last, s in sheet.column_styles if first <= left < last), None)
        if defect is None and value_type in _NUMBER_CELLS:
            shown = stream.shown_for(style)
            if shown or value_type == "percentage":
                defect = _ods_defect(cell.get(_A_VALUE), value_type, shown)
        elif defect is None and value_type == "string" and stream.hides_text_for(style):
            text = "".join(cell.itertext()).strip()
            defect = (HIDDEN_VALUE, text) if text else None
        if defect is None and stream.invisible_for(style):
            defect = (INVISIBLE_VALUE, None)  # the text calamine reads is put in by `_write_sheet`
        if defect:
            for r in range(top, top + repeat):
                for c in range(left, column):
                    scan.defects[(r, c)] = defect
        struck = stream.struck_for(style)
        if not struck and value_type == "string" and stream.struck:
            runs = _ods_struck_runs(cell, stream, False, ["", ""])
            if runs[1].strip():  # a struck run of text: all of the text (the cell is struck) or part of it
                struck = not runs[0].strip()
                if not struck:
                    for r in range(top, top + repeat):
                        for c in range(left, column):
                            scan.defects.setdefault((r, c), (STRUCK_VALUE, "".join(cell.itertext()).strip()))
        if struck:
            for r in range(top, top + repeat):
                scan.struck.setdefault(r, set()).update(range(left, column))
    if holds and (row.get(_A_VISIBILITY) in _HIDING_VISIBILITY or row.get(_A_STYLE) in stream.zero_rows):
        scan.hidden_rows.update(range(top, top + repeat))


# BIFF8 records (MS-XLS): a FORMULA record's cached result "empty text" (bytes 6-13 of its data), and the
# RECALCID record Excel writes in the workbook globals when its engine calculated the formulas.
_BIFF_FORMULA, _BIFF_RECALC_ID, _BIFF_BOF, _BIFF_EOF = 0x0006, 0x01C1, 0x0809, 0x000A
_EMPTY_TEXT_RESULT = b"\x03\x00\x00\x00\x00\x00\xff\xff"
_EMPTY_TEXT_FORMULA = re.compile(rb"\x06\x00.{8}" + re.escape(_EMPTY_TEXT_RESULT), re.DOTALL)


def _biff_records(mem, start: int):
    """(code, data offset, length) of the records of the substream at `start`, to its EOF (nested substreams,
    such as a chart's, are walked through)."""
    depth, position = 0, start
    while position + 4 <= len(mem):
        code, length = struct.unpack_from("<HH", mem, position)
        yield code, position + 4, length
        position += 4 + length
        if code == _BIFF_BOF:
            depth += 1
        elif code == _BIFF_EOF:
            depth -= 1
            if depth <= 0:
                return


def uncalculated_xls_formulas(book, sheet_index: int) -> set[tuple[int, int]]:
    """(row, column), 0-based, of the formulas of an .xls sheet that hold the result "empty text" in a workbook
    no Excel engine calculated (no RECALCID record: programs such as xlwt write every formula so, and Excel
    calculates them on opening, showing a figure calamine never sees). Empty when Excel calculated the book:
    there an empty result is what the cell shows. `book`: an xlrd Book opened on_demand (its stream in memory)."""
    mem, starts = getattr(book, "mem", None), getattr(book, "_sh_abs_posn", None)
    if mem is None or starts is None or sheet_index >= len(starts):
        return set()
    start = starts[sheet_index]
    end = min([position for position in starts if position > start] or [len(mem)])
    if not _EMPTY_TEXT_FORMULA.search(mem, start, end):
        return set()  # the usual case: no formula with an empty result (one C search)
    if any(code == _BIFF_RECALC_ID for code, _, _ in _biff_records(mem, book.base)):
        return set()
    found = set()
    for code, offset, length in _biff_records(mem, start):
        if code == _BIFF_FORMULA and length >= 20 and mem[offset + 6 : offset + 14] == _EMPTY_TEXT_RESULT:
            row, column = struct.unpack_from("<HH", mem, offset)
            found.add((row, column))
    return found


def xls_defects(path: Path, names: list[str]) -> dict[str, SheetScan]:
    """Error cells (#DIV/0!, #N/A, ...), numbers shown as a percentage or scaled, and hidden rows and
    columns of an old .xls, per sheet (SheetScan's defects, hidden_rows, hidden_columns): calamine reads
    errors as '' and a percent cell as its number (0.5 for "50%"), and keeps no hidden rows. xlrd reads the
    formats too (formatting_info: about 0.5 CPU-s more on a 60,000-row file, docs/benchmarks.md); the rows'
    and columns' records come with them. Formulas a program wrote without calculating them:
    `uncalculated_xls_formulas`."""
    import xlrd

    book = xlrd.open_workbook(str(path), on_demand=True, formatting_info=True)
    shown_xfs = {
        index: shown
        for index, xf in enumerate(book.xf_list)
        if xf.format_key in book.format_map and (shown := shown_as(book.format_map[xf.format_key].format_str))
    }
    hiding_text = {index for index, shown in shown_xfs.items() if shown[2] & HIDDEN_TEXT}
    struck_xfs = {
        index
        for index, xf in enumerate(book.xf_list)
        if xf.font_index < len(book.font_list) and book.font_list[xf.font_index].struck_out
    }
    invisible_xfs = _invisible_xfs(book)
    found: dict[str, SheetScan] = {}
    try:
        for name in names:
            sheet = book.sheet_by_name(name)
            cells = {}
            scan = SheetScan(defects=cells)
            scan.hidden_rows = {
                row
                for row, info in sheet.rowinfo_map.items()
                if info.hidden or (info.height_mismatch and info.height == 0)
            }
            if sheet.default_row_hidden:  # rows hidden by default (DEFAULTROWHEIGHT): shown only with a height
                scan.hidden_rows |= {
                    row
                    for row in range(sheet.nrows)
                    if not (
                        (info := sheet.rowinfo_map.get(row)) is not None
                        and info.height_mismatch
                        and info.height > 0
                        and not info.hidden
                    )
                }
            scan.hidden_columns = {column for column, info in sheet.colinfo_map.items() if info.hidden}
            for where in uncalculated_xls_formulas(book, book.sheet_names().index(name)):
                cells[where] = (FORMULA_WITHOUT_VALUE, "=(สูตร formula)")
            for row in range(sheet.nrows):
                for column, kind in enumerate(sheet.row_types(row)):
                    if kind == xlrd.XL_CELL_ERROR:
                        code = sheet.cell_value(row, column)
                        cells[(row, column)] = (ERROR_CELL, xlrd.error_text_from_code.get(code, "#ERROR"))
                    elif kind == xlrd.XL_CELL_NUMBER and shown_xfs and sheet.cell_xf_index(row, column) in shown_xfs:
                        number = sheet.cell_value(row, column)
                        if math.isfinite(number) and (
                            shown := shown_text(number, shown_xfs[sheet.cell_xf_index(row, column)])
                        ):
                            cells[(row, column)] = shown
                    elif kind == xlrd.XL_CELL_TEXT and hiding_text and sheet.cell_xf_index(row, column) in hiding_text:
                        if text := sheet.cell_value(row, column):
                            cells[(row, column)] = (HIDDEN_VALUE, text)
                    if struck_xfs and kind not in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
                        if sheet.cell_xf_index(row, column) in struck_xfs:
                            scan.struck.setdefault(row, set()).add(column)
                    if invisible_xfs and kind in (xlrd.XL_CELL_NUMBER, xlrd.XL_CELL_TEXT):
                        if sheet.cell_xf_index(row, column) in invisible_xfs and (row, column) not in cells:
                            cells[(row, column)] = (INVISIBLE_VALUE, None)  # calamine's text, by `_write_sheet`
            found[name] = scan
            book.unload_sheet(name)
    finally:
        book.release_resources()
    return found


def _invisible_xfs(book) -> set[int]:
    """The XF indexes of an old .xls whose font colour is exactly their fill's: the colours as the workbook's
    palette gives them (xlrd's colour_map, a PALETTE record included); no fill is the window's white; a pattern
    other than solid, the automatic font colour or a system colour is not judged."""
    colours = book.colour_map
    found = set()
    for index, xf in enumerate(book.xf_list):
        if xf.font_index >= len(book.font_list):
            continue
        font = colours.get(book.font_list[xf.font_index].colour_index)
        pattern = xf.background.fill_pattern
        fill = (
            (255, 255, 255)
            if pattern == 0
            else colours.get(xf.background.pattern_colour_index)
            if pattern == 1
            else None
        )
        if font is not None and font == fill:
            found.add(index)
    return found


# --------------------------------------------------------------------------- the read


def read_workbook(path: Path, out: Path, limits: Limits) -> dict:
    """Check and read the workbook; write its sheets to `out`; the result.json content.

    Hidden and very hidden sheets, and sheets that are not worksheets (charts, macros),
    are not read: they are listed under "skipped" so the load can name them.
    """
    from python_calamine import CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum

    suffix = path.suffix.lower()
    scans: dict[str, SheetScan] = {}
    if suffix == ".xls":
        if path.stat().st_size > limits.xls_bytes:
            raise Refusal(
                f"ไฟล์ .xls ใหญ่เกิน {_mb(limits.xls_bytes)} — the .xls file is larger than "
                f"{_mb(limits.xls_bytes)} (limit): save it as .xlsx or CSV"
            )
    elif suffix == ".ods":
        scans = scan_ods(path, limits)
    else:
        scans = scan_xlsx(path, limits)
    try:
        workbook = CalamineWorkbook.from_path(str(path))
        metadata = workbook.sheets_metadata
    except Exception as error:  # noqa: BLE001  (calamine raises its own types per format)
        raise Refusal(f"อ่านไฟล์ Excel ไม่ได้ — cannot read workbook: {_first_line(error)}") from None
    readable, skipped = [], []
    for meta in metadata:
        if meta.typ != SheetTypeEnum.WorkSheet:
            skipped.append({"name": meta.name, "why": "not_a_worksheet"})
        elif meta.visible == SheetVisibleEnum.Hidden:
            skipped.append({"name": meta.name, "why": "hidden"})
        elif meta.visible == SheetVisibleEnum.VeryHidden:
            skipped.append({"name": meta.name, "why": "very_hidden"})
        else:
            readable.append(meta.name)
    if suffix != ".xls":
        unmatched = [name for name in readable if name not in scans]
        if unmatched:
            raise Refusal(
                f"หาส่วนของชีต {unmatched[0]} ไม่พบ — cannot find the part of sheet {unmatched[0]} "
                "in the workbook (damaged workbook)"
            )
    if suffix == ".xls" and readable:
        try:
            scans = xls_defects(path, readable)
        except Exception as error:  # noqa: BLE001  (xlrd raises its own types)
            raise Refusal(f"อ่านไฟล์ .xls ไม่ได้ — cannot read the .xls file: {_first_line(error)}") from None
    sheets = []
    for index, name in enumerate(readable):
        try:
            sheet = workbook.get_sheet_by_name(name)
        except Exception as error:  # noqa: BLE001
            raise Refusal(f"อ่านชีต {name} ไม่ได้ — cannot read sheet {name}: {_first_line(error)}") from None
        sheets.append(_write_sheet(sheet, name, out, index, scans.get(name) or SheetScan(), limits))
        del sheet
    return {"ok": True, "sheets": sheets, "skipped": skipped}


def _write_sheet(sheet, name: str, out: Path, index: int, scan: SheetScan, limits: Limits) -> dict:
    """Write one sheet's non-empty rows (and its cell defects) as CSV; describe it (with its merged
    ranges and hidden rows and columns, which the loader judges knowing the header).

    calamine's iter_rows gives rows from the first row of the sheet but columns from the
    first used column: cells are shifted back into place. Cells calamine reads as empty
    text (error cells, formulas without a value) show their error or formula instead, so
    the row is not taken for a blank one.
    """
    defects = scan.defects
    start, end = sheet.start, sheet.end
    first_column = start[1] if start else 0
    columns = max(end[1] + 1 if end else 0, max((column + 1 for _, column in defects), default=0))
    last_row = max(end[0] if end else -1, max((row for row, _ in defects), default=-1))
    _check_extent(SheetScan(rows=last_row + 1, columns=columns), limits, name)
    by_row: dict[int, list[tuple[int, str]]] = {}
    for (row, column), (_, text) in defects.items():
        by_row.setdefault(row, []).append((column, text))
    cells_path = out / f"sheet{index}.csv"
    head: dict[int, list[str]] = {}
    written = 0
    struck_rows: list[int] = []
    with open(cells_path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")

        def emit(row: int, texts: list[str]) -> None:
            nonlocal written
            texts += [""] * (columns - len(texts))  # every row as wide as the sheet (one CSV shape)
            for column, text in by_row.get(row, ()):
                if text is not None:
                    texts[column] = text
                elif texts[column]:  # text hidden or struck: the defect shows the cell's own text
                    defects[(row, column)] = (defects[(row, column)][0], texts[column])
                else:  # an empty text shows nothing anyway
                    del defects[(row, column)]
            struck = scan.struck.get(row)
            if struck and any(texts):
                if all(column in struck for column, text in enumerate(texts) if text):
                    struck_rows.append(row)  # every filled cell struck through: the row is cancelled
                elif row not in scan.hidden_rows:  # some cells struck: each is a figure or name that no longer holds
                    for column in struck:
                        if column < len(texts) and texts[column]:
                            defects.setdefault((row, column), (STRUCK_VALUE, texts[column]))
            if row < HEAD_ROWS:
                head[row] = texts
            if any(texts):
                writer.writerow([row + 1, *texts])
                written += 1

        seen = -1
        if end is not None:
            padding = [""] * first_column
            for seen, raw in enumerate(sheet.iter_rows()):
                emit(seen, [*padding, *map(cell_text, raw)])
        for row in sorted(row for row in by_row if row > seen):
            emit(row, [])
    defects_path = None
    if defects:  # (a hidden text's defect may have been dropped above)
        defects_path = out / f"sheet{index}.defects.csv"
        with open(defects_path, "w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\r\n")
            for (row, column), (reason, text) in sorted(defects.items()):
                writer.writerow([row + 1, column, reason, text])
    top = max(head, default=-1) + 1
    return {
        "name": name,
        "rows": written,
        "columns": columns,
        "head": [head.get(row, []) for row in range(top)],
        "cells_csv": str(cells_path),
        "defects_csv": str(defects_path) if defects_path else None,
        "defects": len(defects),
        "merged": scan.merged if scan.merged is not None else _merged(sheet),
        "hidden_rows": sorted(row for row in scan.hidden_rows if row <= last_row),
        "hidden_columns": sorted(column for column in scan.hidden_columns if column < columns),
        "struck_rows": struck_rows,
    }


def _merged(sheet) -> list[list[int]]:
    """The sheet's merged ranges of more than one cell, as [first row, first column, last row, last column]
    (0-based): calamine gives the value to the top-left cell only, and the loader decides what the other
    cells hold (readers.TableSource._spread_merged)."""
    try:
        ranges = sheet.merged_cell_ranges or []
    except Exception:  # noqa: BLE001  (a format calamine keeps no merges for)
        return []
    return [[top, left, bottom, right] for (top, left), (bottom, right) in ranges if bottom > top or right > left]


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0][:300] if text else type(error).__name__


def _limit_self(limits: Limits) -> None:
    """Memory and CPU limits on this process; die with the parent (Linux)."""
    import resource

    memory = limits.memory_mb << 20
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CPU, (limits.seconds, limits.seconds + 5))
    try:
        import ctypes
        import signal

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def main(argv: list[str]) -> int:
    path, out = Path(argv[0]), Path(argv[1])
    limits = Limits(**json.loads(argv[2])) if len(argv) > 2 else Limits()
    _limit_self(limits)
    try:
        result = read_workbook(path, out, limits)
    except Refusal as refusal:
        result = {"ok": False, "reason": str(refusal)}
    except MemoryError:
        result = {"ok": False, "memory": True, "reason": "MemoryError"}
    temporary = out / "result.json.partial"
    temporary.write_text(json.dumps(result, ensure_ascii=False), encoding="utf-8")
    os.replace(temporary, out / "result.json")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))


__all__ = [
    "ERROR_CELL",
    "FORMULA_WITHOUT_VALUE",
    "HIDDEN_VALUE",
    "PERCENT_CELL",
    "SCALED_CELL",
    "Limits",
    "Refusal",
    "asdict",
    "cell_text",
    "number_text",
]
