"""How every Excel sheet this project writes reads and prints.

One convention for the weekly workbook's sheets and every dashboard download, so that a
sheet forwarded by e-mail or printed says on its own what it is:

    row 1    the title: what the table is (bold)
    row 2    the scope: the area and the fiscal year
    row 3    the as-of date (BE in Thai, CE in English)
    rows     the rules in force and other notes, one per row (there may be none)
    (blank)
    header   frozen, with an autofilter, repeated at the top of every printed page
    data

Numbers stay numbers (sortable, summable): money rounded to 2 decimals (baht and satang)
shown with separators; percentages stored as fractions rounded to 2 decimals of a percent
(0.2872 shown as 28.72%); gaps in points rounded to 2 decimals; dates are real Excel dates
shown by the Thai Buddhist-calendar number format `[$-107041E]d mmm yyyy` ('13 ก.ย. 2562':
0x07 is the Thai Buddhist calendar, 0x041E the Thai locale; LibreOffice 7.4 renders it so
when converting to PDF, and it is the format Thai Excel itself writes) or, in English,
`[$-409]d mmm yyyy` ('13 Sep 2019').

Column widths follow the content (Thai vowel and tone marks above and below a letter take no
width); long text wraps at a cap instead of making one column a page wide. Printing: A4
landscape, one page wide and as many tall as needed, the header row repeated on every page,
and a footer with the title, scope, date and page number, so a loose page is still
identifiable. Text goes through exports/cells.py (a cell never runs as a formula, bidi and
control characters show as visible escapes, text beyond Excel's 32,767 characters is cut with
'…'; a row is at most Excel's 409 points tall), and workbooks are opened with WORKBOOK_OPTIONS
(no string becomes a formula, link or number).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache

from budget_metrics.formatting import format_date
from exports.cells import sheet_text
from exports.tables import BOOL, DATE, INT, MONEY, PCT, POINTS, TEXT, as_date

WORKBOOK_OPTIONS = {"strings_to_numbers": False, "strings_to_formulas": False, "strings_to_urls": False}
FONT = "Tahoma"  # present in every Office install and renders Thai
DATE_FORMATS = {"th": "[$-107041E]d mmm yyyy", "en": "[$-409]d mmm yyyy"}
NUMBER_FORMATS = {MONEY: "#,##0.00", PCT: "0.00%", POINTS: "+0.00;-0.00;0.00", INT: "#,##0"}
A4 = 9  # xlsxwriter's paper code
MIN_WIDTH, MAX_WIDTH = 7, 40  # characters
WIDTH_SAMPLE = 400  # characters of a text cell measured for its column's width (far beyond MAX_WIDTH)
HEADER_WRAP = 12  # a header wider than its content wraps onto more lines beyond this width
LINE_HEIGHT = 15  # points per line of 10 pt Thai text (room for marks above and below)
MAX_ROW_HEIGHT = 409  # points: Excel's largest row height (a taller row is an error in the file)
FOOTER_TEXT_LIMIT = 150  # Excel allows 255 characters for a whole footer, codes included


@dataclass(frozen=True)
class SheetColumn:
    """One column as written: its header, its kind (exports.tables kinds), an optional
    width cap in characters (None: MAX_WIDTH)."""

    header: str
    kind: str = TEXT
    max_width: float | None = None


@dataclass(frozen=True)
class SheetTitle:
    """The rows above a table's header: what it is, for which area, as of when, under which rules."""

    title: str
    scope: str
    as_of: str
    notes: tuple[str, ...] = ()

    def lines(self) -> list[str]:
        return [self.title, self.scope, self.as_of, *self.notes]

    @property
    def header_row(self) -> int:
        """The header's row (0-based): after the title lines and one blank row."""
        return len(self.lines()) + 1

    def footer(self) -> str:
        """'title · scope · as-of' for a printed page's footer (shortened to fit Excel's limit)."""
        text = f"{self.title} · {self.scope} · {self.as_of}"
        return text if len(text) <= FOOTER_TEXT_LIMIT else text[: FOOTER_TEXT_LIMIT - 1] + "…"


class SheetStyles:
    """The cell formats of one workbook in one language, created on first use and shared
    by its sheets (Excel has a limit on distinct formats, so never one per cell)."""

    def __init__(self, workbook, lang: str = "th"):
        self.workbook = workbook
        self.lang = lang
        self._made: dict[tuple, object] = {}
        self.base = {"font_name": FONT, "font_size": 10, "valign": "top"}

    def _make(self, key: tuple, properties: dict):
        if key not in self._made:
            self._made[key] = self.workbook.add_format({**self.base, **properties})
        return self._made[key]

    def cell(self, kind: str, bold: bool = False, wrap: bool = False):
        """The format of a data cell of `kind`."""
        properties: dict = {"bold": bold, "text_wrap": wrap}
        if kind == DATE:
            properties["num_format"] = DATE_FORMATS[self.lang]
        elif kind in NUMBER_FORMATS:
            properties["num_format"] = NUMBER_FORMATS[kind]
        return self._make(("cell", kind, bold, wrap), properties)

    @property
    def title(self):
        return self._make(("title",), {"bold": True, "font_size": 13, "font_color": "#123F73"})

    @property
    def note(self):
        return self._make(("note",), {"font_color": "#444444", "text_wrap": True})

    @property
    def header(self):
        return self._make(
            ("header",),
            {"bold": True, "text_wrap": True, "bg_color": "#DCE6F1", "border": 1, "border_color": "#9DB3CF"},
        )


THAI_MARKS = re.compile("[\u0e31\u0e34-\u0e3a\u0e47-\u0e4e]")  # Thai vowels and tone marks above/below
THAI = re.compile("[\u0e00-\u0e7f]")


@lru_cache(maxsize=65536)  # statuses, names and labels repeat down a column
def display_width(text: str) -> float:
    """Width of `text` in Excel's width unit (the width of a '0'): Thai vowel and tone marks
    set above or below a letter (Unicode category Mn) take no room of their own, and a Thai
    letter is narrower than a digit (measured on LibreOffice's PDF of a workbook)."""
    marks = len(THAI_MARKS.findall(text))
    thai = len(THAI.findall(text)) - marks
    return len(text) - marks - 0.15 * thai


def _shown_text(kind: str, value) -> str:
    """Roughly what a cell shows, to size its column."""
    if value is None:
        return ""
    if kind == MONEY:
        return f"{float(value):,.2f}"
    if kind == PCT:
        return f"{float(value):.2f}%"
    if kind == POINTS:
        return f"{float(value):+.2f}"
    if kind == INT:
        return f"{int(value):,}"
    if kind == DATE:
        return "30 ก.ย. 2562"  # every date shows as wide as this one
    return str(value)[:WIDTH_SAMPLE]


def column_widths(columns: Sequence[SheetColumn], rows: Sequence[Sequence]) -> list[tuple[float, bool]]:
    """(width in characters, wraps) per column, from the header and the cells' shown text.

    A header wider than its column's content wraps beyond HEADER_WRAP characters; text
    wider than the column's cap wraps at the cap.
    """
    out = []
    for index, column in enumerate(columns):
        content = max((display_width(_shown_text(column.kind, row[index])) for row in rows), default=0.0)
        cap = column.max_width or MAX_WIDTH
        header = display_width(column.header)
        wanted = max(content, min(header, HEADER_WRAP)) + 2  # room for the cell's margins
        out.append((round(min(max(wanted, MIN_WIDTH), cap), 1), content + 2 > cap))
    return out


def _lines(text: str, width: float) -> int:
    """How many lines `text` takes wrapped in a cell `width` characters wide."""
    return max(1, math.ceil(display_width(text) * 1.15 / max(width - 2, 1)))  # words do not fill a line


def write_cell(
    sheet, styles: SheetStyles, row: int, col: int, kind: str, value, bold: bool = False, wrap: bool = False
) -> None:
    """One value as its kind: money and points rounded to 2 decimals, a percentage (0-100)
    as a fraction rounded to 4 decimals (2 decimals of a percent), a date as an Excel date,
    text made safe (never a formula)."""
    fmt = styles.cell(kind, bold, wrap)
    if value is None:
        sheet.write_blank(row, col, None, fmt)
    elif kind == MONEY:
        sheet.write_number(row, col, round(float(value), 2), fmt)
    elif kind == PCT:
        sheet.write_number(row, col, round(float(value) / 100, 4), fmt)
    elif kind == POINTS:
        sheet.write_number(row, col, round(float(value), 2), fmt)
    elif kind == INT:
        sheet.write_number(row, col, int(value), fmt)
    elif kind == DATE:
        day = as_date(value)
        if day is None:
            sheet.write_blank(row, col, None, fmt)
        else:
            sheet.write_datetime(row, col, datetime(day.year, day.month, day.day), fmt)
    elif kind == BOOL:
        sheet.write_boolean(row, col, bool(value), fmt)
    else:
        sheet.write_string(row, col, sheet_text(value), fmt)


def write_title(sheet, styles: SheetStyles, title: SheetTitle, last_col: int, total_width: float) -> int:
    """The title rows; each line after the first spans the table's width and wraps, so a
    long rule is printed in full. Returns the header row (0-based)."""
    for index, line in enumerate(title.lines()):
        text = sheet_text(line)
        if index == 0 or last_col == 0:
            sheet.write_string(index, 0, text, styles.title if index == 0 else styles.note)
            continue
        sheet.merge_range(index, 0, index, last_col, text, styles.note)
        sheet.set_row(index, min(LINE_HEIGHT * _lines(text, total_width), MAX_ROW_HEIGHT))
    sheet.set_row(0, 22)
    return title.header_row


def print_setup(sheet, styles: SheetStyles, header_row: int, title: SheetTitle | None) -> None:
    """A4 landscape, one page wide, the header row repeated on every page, and a footer that
    names the table, its scope and date (when titled), with the page number."""
    sheet.set_landscape()
    sheet.set_paper(A4)
    sheet.fit_to_pages(1, 0)  # one page wide, as many pages tall as the rows need
    sheet.repeat_rows(header_row)
    sheet.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.7)
    page = "หน้า" if styles.lang == "th" else "Page"
    footer = title.footer().replace("&", "&&") if title else ""  # '&' starts a footer code
    sheet.set_footer(f"&L&8{footer}&R&8{page} &P / &N")


def write_table(
    sheet,
    styles: SheetStyles,
    title: SheetTitle | None,
    columns: Sequence[SheetColumn],
    rows: Iterable[Sequence],
    first_row_bold: bool = False,
) -> int:
    """Title rows, header and data on `sheet`, sized, frozen, filterable and set up for
    printing (see the module docstring); without a title the header is the first row.
    Returns the header row (0-based)."""
    rows = list(rows)
    widths = column_widths(columns, rows)
    last_col = len(columns) - 1
    header_row = write_title(sheet, styles, title, last_col, sum(width for width, _ in widths)) if title else 0
    header_lines = 1
    for index, (column, (width, _)) in enumerate(zip(columns, widths, strict=True)):
        sheet.write_string(header_row, index, sheet_text(column.header), styles.header)
        sheet.set_column(index, index, width)
        header_lines = max(header_lines, _lines(sheet_text(column.header), width))
    sheet.set_row(header_row, min(LINE_HEIGHT * header_lines + 3, MAX_ROW_HEIGHT))
    wrapping = [index for index, (_, wraps) in enumerate(widths) if wraps]
    for offset, row in enumerate(rows):
        bold = first_row_bold and offset == 0
        row_index = header_row + 1 + offset
        for index, (column, value) in enumerate(zip(columns, row, strict=True)):
            write_cell(sheet, styles, row_index, index, column.kind, value, bold, widths[index][1])
        # Excel and LibreOffice keep a written row at one line; wrapped text needs its height set.
        lines = max(
            (_lines(sheet_text(row[index]), widths[index][0]) for index in wrapping if row[index] is not None),
            default=1,
        )
        if lines > 1:
            sheet.set_row(row_index, min(LINE_HEIGHT * lines + 2, MAX_ROW_HEIGHT))
    sheet.freeze_panes(header_row + 1, 0)
    sheet.autofilter(header_row, 0, header_row + max(len(rows), 1), last_col)
    print_setup(sheet, styles, header_row, title)
    return header_row


def as_of_line(as_of: date | None, lang: str) -> str:
    """'ข้อมูล ณ วันที่ 13 ก.ย. 2562' / 'Data as of 13 Sep 2019'."""
    if lang == "th":
        return f"ข้อมูล ณ วันที่ {format_date(as_of, 'th')}"
    return f"Data as of {format_date(as_of, 'en')}"


def fiscal_year_text(fiscal_year: int, lang: str) -> str:
    """'ปีงบประมาณ พ.ศ. 2562' / 'fiscal year 2562 BE (Oct 2018 - Sep 2019)'."""
    if lang == "th":
        return f"ปีงบประมาณ พ.ศ. {fiscal_year}"
    first = fiscal_year - 543 - 1
    return f"fiscal year {fiscal_year} BE (Oct {first} - Sep {first + 1})"
