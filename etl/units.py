"""Amount units stated in a file's header area: found, decided, and converted exactly.

Thai reports often give money in million or thousand baht, stated anywhere around the
table: a title line `(หน่วย : ล้านบาท)`, a header cell `จำนวนเงิน (ล้านบาท)` (also the top
cell of a two-row header), or a unit row under the header. The loader stores baht, so:

- `scan_header_area` finds every such statement (`Statement`: unit, row, column, text) in
  the rows above the header, in the header row(s) and in a unit row right under it (which
  then counts as part of the header, not as data);
- `decide` says what to do with one table: nothing (baht, or no unit stated and no
  option), convert (`--unit million|thousand` agrees with what the file says, or the file
  says nothing), or refuse with the unit and where it was found (a unit other than baht
  without the option, a unit the option contradicts, units that disagree);
- `convert` rewrites the amount cells of the staged table as baht text with exact
  decimal arithmetic in SQL (HUGEINT satang; never a float). An amount whose value in baht
  is not a whole number of satang (more than 8 decimals in million, 5 in thousand) is
  marked `unit_not_whole_satang` and its row rejected.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from etl.invisible import FoldTable

# Units the option converts, and their factor to baht.
SCALES = {"thousand": 1_000, "million": 1_000_000}
# Every unit recognised in a file (others than these three refuse the file).
UNIT_WORDS: dict[str, tuple[str, str]] = {
    "baht": ("บาท", "baht"),
    "thousand": ("พันบาท", "thousand baht"),
    "ten_thousand": ("หมื่นบาท", "ten thousand baht"),
    "hundred_thousand": ("แสนบาท", "hundred thousand baht"),
    "million": ("ล้านบาท", "million baht"),
    "billion": ("พันล้านบาท", "billion baht"),
}
# Unit words as written (matched on lower-case text with single spaces), longest first.
_WORDS = (
    ("billion", r"พันล้านบาท|พันล้าน|billions?(?: (?:of )?baht)?|(?:baht|thb) ?(?:billions?|bn)|bn"),
    ("hundred_thousand", r"แสนบาท"),
    ("ten_thousand", r"หมื่นบาท"),
    (
        "million",
        (
            r"ล้านบาท|ล้าน|ลบ\.?|ล\.บ\.|millions?(?: (?:of )?baht)?|(?:baht|thb) ?(?:millions?|mn|mln|m)"
            r"|mn|mln|mil\.?(?: baht)?"
        ),
    ),
    (
        "thousand",
        (
            r"พันบาท|พัน|thousands?(?: (?:of )?baht)?|(?:baht|thb) ?(?:thousands?|'?000|k)"
            r"|'000(?: baht)?|000 baht|k baht"
        ),
    ),
    ("baht", r"บาท|baht|thb|฿"),
)
_UNIT = "(?:" + "|".join(f"(?P<{name}>{pattern})" for name, pattern in _WORDS) + ")"
_LABEL = r"(?:หน่วย\s*(?:เป็น|:|：)?|units?\s*(?:[:：]|in)?|in)"
# A cell that is only a unit ("ล้านบาท", "(หน่วย: ล้านบาท)", "Unit: million baht").
_WHOLE = re.compile(rf"^[\(\[]?\s*(?:{_LABEL}\s*)?{_UNIT}\s*[\)\]]?$")
# A unit in brackets anywhere ("... (หน่วย : ล้านบาท)", "Amount (THB million)").
_BRACKETED = re.compile(rf"[\(\[]\s*(?:{_LABEL}\s*)?{_UNIT}\s*[\)\]]")
# A labelled unit anywhere ("รายงาน ... หน่วย : ล้านบาท", "figures in thousands of baht").
_LABELLED = re.compile(rf"(?:หน่วย\s*(?:เป็น|:|：)?|\bunits?\s*[:：]?\s*(?:in\s+)?|\bin\s+){_UNIT}(?![a-z])")
# A unit after a colon at the end of a cell ("จำนวนเงิน : ล้านบาท").
_AFTER_COLON = re.compile(rf"[:：]\s*{_UNIT}\s*$")
# A header cell whose last word is a Thai unit ("จำนวนเงินล้านบาท", "งบประมาณ บาท").
_TRAILING = re.compile(
    r"(?P<name>.*?)\s*(?:พันล้านบาท(?P<billion>)|แสนบาท(?P<hundred_thousand>)"
    r"|หมื่นบาท(?P<ten_thousand>)|ล้านบาท(?P<million>)|ลบ\.(?P<million2>)|พันบาท(?P<thousand>)"
    r"|บาท(?P<baht>))$"
)


@dataclass(frozen=True)
class Statement:
    """A unit stated in the header area: which unit, where (1-based row, 0-based column), how."""

    unit: str
    row: int
    column: int | None
    text: str

    def where(self) -> str:
        """'row 1 "(หน่วย : ล้านบาท)"' for messages."""
        text = " ".join(self.text.split())
        return f'แถว row {self.row}: "{text[:80]}"'


@dataclass
class HeaderUnits:
    """Units stated around one table's header."""

    general: list[Statement] = field(default_factory=list)  # title lines, notes: every amount column
    by_column: dict[int, list[Statement]] = field(default_factory=dict)  # header and unit-row cells


@dataclass(frozen=True)
class Conversion:
    """Amounts of these column positions are in `unit` and are multiplied by its factor."""

    unit: str
    positions: tuple[int, ...]
    stated: str  # where the file says so, or that it says nothing

    @property
    def factor(self) -> int:
        return SCALES[self.unit]

    def note(self, headers: list[str]) -> str:
        """The words recorded in the load's message."""
        names = ", ".join(headers[p] for p in self.positions)
        thai, english = UNIT_WORDS[self.unit]
        return (
            f"จำนวนเงินแปลงจาก{thai}เป็นบาท (×{self.factor:,}) ตาม --unit {self.unit} คอลัมน์ {names} — amounts "
            f"converted from {english} to baht (×{self.factor:,}) as --unit {self.unit} says ({self.stated}): "
            f"columns {names}"
        )


# Header and title text is compared in one form, so that what looks the same on screen is
# the same (the rule keys follow, etl/normalise.py): the full-width forms of ASCII
# (`（บาท）`, `：`) and the ideographic space are ASCII; invisible characters (zero-width
# space, ZWNJ, ZWJ, word joiner, U+FEFF, soft hyphen, ...: etl/invisible.py, the set keys lose) are
# removed; Thai NIKHAHIT + SARA AA is SARA AM, with the tone mark before it; a tone mark or
# THANTHAKHAT typed before an above or below vowel comes after it (`ท่ี` is `ที่`).
# Bidi controls are kept: a header that reorders itself on screen is not matched.
_FOLD = FoldTable({0xFF01 + i: 0x21 + i for i in range(94)} | {0x3000: 0x20})
_THAI_MARKS = re.compile("([\u0e48-\u0e4c]+)([\u0e31\u0e34-\u0e3a\u0e47])")
_THAI_AM_SPLIT = re.compile("\u0e4d([\u0e48-\u0e4b]?)\u0e32")
_THAI_AM_TONE_AFTER = re.compile("\u0e33([\u0e48-\u0e4b])")


def fold_text(text: str) -> str:
    """`text` in the form headers, titles and units are compared in (see _FOLD above)."""
    if text.isascii():
        return text
    text = _THAI_MARKS.sub(r"\2\1", text.translate(_FOLD))
    return _THAI_AM_TONE_AFTER.sub("\\1\u0e33", _THAI_AM_SPLIT.sub("\\1\u0e33", text))


def _normal(text: object) -> str:
    return " ".join(fold_text(str(text or "")).lower().split())


def _unit_of(match: re.Match) -> str:
    return next(name for name, _ in _WORDS if match.group(name) is not None)


def stated_unit(text: object) -> str | None:
    """The unit a title line, note or unit-row cell states ('million', 'baht', ...), or None."""
    normal = _normal(text)
    if not normal:
        return None
    for pattern in (_WHOLE, _BRACKETED, _LABELLED, _AFTER_COLON):
        found = pattern.search(normal)
        if found:
            return _unit_of(found)
    return None


def header_unit(text: object) -> str | None:
    """The unit a header cell gives its column ('จำนวนเงิน (ล้านบาท)' -> 'million'), or None."""
    unit = stated_unit(text)
    if unit:
        return unit
    found = _TRAILING.fullmatch(_normal(text))
    if found and found.group("name"):
        return (
            "million"
            if found.group("million2") is not None
            else next(name for name in UNIT_WORDS if name in found.groupdict() and found.group(name) is not None)
        )
    return None


def strip_unit(text: object) -> str:
    """The header text (lower case, single spaces) without the unit it ends with, if any."""
    normal = _normal(text)
    found = re.search(r"[\(\[][^\(\)\[\]]*[\)\]]$", normal)
    if found and stated_unit(found.group(0)):
        return normal[: found.start()].strip()
    trailing = _TRAILING.fullmatch(normal)
    if trailing and trailing.group("name"):
        return trailing.group("name")
    return normal


def is_unit_row(cells: list[str]) -> bool:
    """Whether a row under the header holds only unit words (at least one)."""
    texts = [c for c in cells if c and c.strip()]
    return bool(texts) and all(stated_unit(c) for c in texts)


def scan_header_area(
    rows: list[list[str]], header_row: int, header_rows: int, header_cells: list[list[str]]
) -> HeaderUnits:
    """Units stated above the header (general) and in its cells (per column).

    `header_cells` are the header's rows as read, a top cell carried over the columns of
    its merged span (so a unit in it applies to each of them).
    """
    units = HeaderUnits()
    for index in range(header_row):
        for column, cell in enumerate(rows[index]):
            unit = stated_unit(cell)
            if unit:
                units.general.append(Statement(unit, index + 1, column, str(cell)))
    for offset, cells in enumerate(header_cells):
        for column, cell in enumerate(cells):
            unit = header_unit(cell)
            if not unit:
                continue
            statement = Statement(unit, header_row + offset + 1, column, str(cell))
            if is_note(cell):  # "หน่วย : ล้านบาท" beside the header: the table's unit
                units.general.append(statement)
            else:
                units.by_column.setdefault(column, []).append(statement)
    return units


def is_note(text: object) -> bool:
    """Whether a cell is only a unit statement ("(หน่วย : ล้านบาท)", "Unit: million baht"), naming no column."""
    normal = _normal(text)
    for pattern in (_WHOLE, _BRACKETED, _LABELLED, _AFTER_COLON):
        found = pattern.search(normal)
        if found:
            rest = re.sub(r"หมายเหตุ|\bnotes?\b|หน่วย|\bunits?\b", "", normal[: found.start()] + normal[found.end() :])
            return not rest.strip(" :：-–()[]*.")
    return False


def statements_in_rows(con, width: int) -> list[Statement]:
    """Unit statements in the rejected rows of the staged table `etl_stage` (a note under the
    table such as "หมายเหตุ: หน่วย ล้านบาท" is a row without a key or an amount, so it is
    rejected): they state the unit of the table too. Reads only rows already in `etl_rej`."""
    cells = [f"c{i}" for i in range(width)]
    rows = con.execute(
        f"SELECT row_no, {', '.join(cells)} FROM etl_stage WHERE row_no IN (SELECT row_no FROM etl_rej) "
        "ORDER BY row_no LIMIT 1000"
    ).fetchall()
    found = []
    for row_no, *texts in rows:
        for column, text in enumerate(texts):
            unit = stated_unit(text) if text else None
            if unit:
                found.append(Statement(unit, row_no, column, text))
    return found


class UnitError(ValueError):
    """The table's amount unit refuses it; the message names the unit and where it is stated."""


def decide(units: HeaderUnits, money: dict[int, str], headers: list[str], option: str | None) -> Conversion | None:
    """What to do with the amounts of one table (money: position -> column name).

    Returns None (amounts are baht), a Conversion, or raises UnitError.
    """
    if option is not None and option not in SCALES:
        raise UnitError(f"ไม่รู้จักหน่วย {option} — unknown unit {option!r}; use one of {', '.join(SCALES)}")
    if not money:
        return None
    own = {p: units.by_column.get(p, []) for p in money}
    statements = [*units.general, *(s for p in money for s in own[p])]
    found = {s.unit for s in statements}
    if len(found) > 1:
        first = statements[0]
        other = next(s for s in statements if s.unit != first.unit)
        raise UnitError(
            f"หน่วยของจำนวนเงินไม่ตรงกัน: {UNIT_WORDS[first.unit][0]} ({first.where()}) และ "
            f"{UNIT_WORDS[other.unit][0]} ({other.where()}) — the amounts' units disagree: "
            f"{UNIT_WORDS[first.unit][1]} ({first.where()}) and {UNIT_WORDS[other.unit][1]} ({other.where()}); "
            "give every amount in baht"
        )
    unit = found.pop() if found else None
    if unit is None:
        if option is None:
            return None
        return Conversion(option, tuple(sorted(money)), "ไฟล์ไม่ระบุหน่วย the file states no unit")
    where = statements[0].where()
    thai, english = UNIT_WORDS[unit]
    if unit == "baht":
        if option is None:
            return None
        raise UnitError(
            f"ไฟล์ระบุว่าจำนวนเงินเป็นบาท ({where}) แต่สั่ง --unit {option} — the file says the "
            f"amounts are in baht ({where}) but --unit {option} was given: load it without --unit"
        )
    unstated = [headers[p] for p in money if not own[p]] if not units.general else []
    if unstated:
        raise UnitError(
            f"คอลัมน์ {', '.join(unstated)} ไม่ระบุหน่วย ขณะที่คอลัมน์อื่นเป็น{thai} ({where}) — the unit of "
            f"{', '.join(unstated)} is not stated while another amount column is in {english} ({where}); "
            "state one unit for every amount column"
        )
    if unit not in SCALES:
        raise UnitError(
            f"จำนวนเงินเป็น{thai} ({where}) ซึ่งแปลงให้ไม่ได้ ให้ใส่เป็นบาท — amounts are in "
            f"{english} ({where}), which the loader does not convert: give them in baht"
        )
    if option == unit:
        return Conversion(unit, tuple(sorted(money)), f"ไฟล์ระบุ the file says: {where}")
    if option is None:
        raise UnitError(
            f"จำนวนเงินเป็น{thai} ({where}) ให้ใส่จำนวนเงินเป็นบาท "
            f"หรือโหลดด้วย --unit {unit} เพื่อแปลงเป็นบาท "
            f"— amounts are in {english} ({where}): give amounts in baht, or load with --unit {unit} "
            "to convert them exactly"
        )
    raise UnitError(
        f"จำนวนเงินเป็น{thai} ({where}) แต่สั่ง --unit {option} — amounts are in {english} ({where}) "
        f"but --unit {option} was given"
    )


# --------------------------------------------------------------------------- exact conversion

# Digits as the amount rule writes them (etl.normalise), but any number of decimals.
_NUMBER = r"(\d+|[1-9]\d{0,2}(,\d{3})+)(\.\d+)?"
SCALED_FORM = rf"\(\s*{_NUMBER}\s*\)|[+-]?\s*{_NUMBER}"
UNIT_REASON = "unit_not_whole_satang"


def _macros() -> list[str]:
    return [
        "CREATE OR REPLACE TEMP MACRO etl_unit_bare(x) AS etl_money_bare(etl_clean(x))",
        f"CREATE OR REPLACE TEMP MACRO etl_unit_form(b) AS regexp_full_match(b, '{SCALED_FORM}')",
        r"CREATE OR REPLACE TEMP MACRO etl_unit_fraction(b) AS rtrim(regexp_extract(b, '\.(\d+)', 1), '0')",
        # The amount in satang: whole part and decimals padded to `places` (exact; HUGEINT).
        r"""CREATE OR REPLACE TEMP MACRO etl_unit_satang(b, places) AS TRY_CAST(
            replace(regexp_extract(b, '(\d[\d,]*)', 1), ',', '') || rpad(etl_unit_fraction(b), places, '0')
            AS HUGEINT)""",
        """CREATE OR REPLACE TEMP MACRO etl_unit_exact(b, places) AS etl_unit_form(b)
            AND length(etl_unit_fraction(b)) <= places AND etl_unit_satang(b, places) IS NOT NULL""",
        """CREATE OR REPLACE TEMP MACRO etl_unit_text(b, places) AS
            CASE WHEN (starts_with(b, '(') OR starts_with(b, '-')) AND etl_unit_satang(b, places) <> 0
                 THEN '-' ELSE '' END
            || CAST(etl_unit_satang(b, places) // 100 AS VARCHAR) || '.'
            || lpad(CAST(etl_unit_satang(b, places) % 100 AS VARCHAR), 2, '0')""",
    ]


def convert(con, conversion: Conversion, names: list[str]) -> int:
    """Rewrite the staged amount columns as baht; returns the cells marked not whole satang.

    Reads and replaces the temp view `etl_stage` (columns `names`), appends the inexact
    cells to `etl_cell_defects` (row_no, position, reason, shown).
    """
    places = len(str(conversion.factor * 100)) - 1  # decimals in the unit that make whole satang
    for statement in _macros():
        con.execute(statement)
    selects = []
    for position, name in enumerate(names):
        if position in conversion.positions:
            bare = f"etl_unit_bare({name})"
            selects.append(
                f"CASE WHEN etl_unit_exact({bare}, {places}) THEN etl_unit_text({bare}, {places}) "
                f"ELSE {name} END AS {name}"
            )
        else:
            selects.append(name)
    inexact = [
        f"SELECT row_no, {p} AS position, '{UNIT_REASON}' AS reason, c{p} AS shown FROM etl_stage "
        f"WHERE etl_unit_form(etl_unit_bare(c{p})) AND NOT etl_unit_exact(etl_unit_bare(c{p}), {places})"
        for p in conversion.positions
    ]
    marked = con.execute(f"SELECT count(*) FROM ({' UNION ALL '.join(inexact)})").fetchone()[0]
    if marked:
        con.execute(f"INSERT INTO etl_cell_defects {' UNION ALL '.join(inexact)}")
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE etl_stage_units AS SELECT row_no, {', '.join(selects)}, "
        "etl_defect, etl_defect_text FROM etl_stage"
    )
    con.execute("CREATE OR REPLACE TEMP VIEW etl_stage AS SELECT * FROM etl_stage_units")
    return marked
