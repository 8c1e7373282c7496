"""Dates typed by people into a form, in the forms Thai officials write them: the ETL's forms.

Why a top-level module: a date typed into the dashboard (ui/, the follow-up form's expected
payment date) and a date in a loaded file (etl/) are written the same ways, and the two must
read them alike. Like vocabulary.py, this module imports nothing of the project, so any layer
may use it. It also says what it read back (`describe`), in both calendars, so a person sees
at once that "15/10/19" became 1976 and not 2019.

Accepted forms (the same as the ETL's, docs/data-dictionary.md "Values"; etl/normalise.py
reads them in SQL, tests/test_thai_date_input.py checks both agree):
- digits Arabic or Thai (๐-๙);
- ISO "2019-10-15", also with a BE year "2562-10-15" (a time after the date is ignored);
- d/m/yyyy in BE or CE with "/", "-" or ".": "15/10/2562", "15-10-2019", "15.10.2562";
- d/m/yy in BE: "15/10/62";
- a Thai month name or abbreviation with a 2- or 4-digit BE year, "พ.ศ." allowed:
  "15 ต.ค. 62", "15 ตุลาคม 2562", "15 ต.ค. พ.ศ. 2562"; an English month name:
  "15 Oct 2019", "15 October 2019";
- an Excel serial day number "43753" (a cell pasted from a sheet formatted as a number).
A 4-digit year above 2400 is BE, otherwise CE; a 2-digit year is BE (62 = 2562 = 2019) from 40 on: below that it
could as well be CE (18 = 2018, not 2518), so it is refused (the ETL reads it the same way).
"""

from __future__ import annotations

import re
from datetime import date, timedelta

BE_OFFSET = 543
TWO_DIGIT_BE_FROM = 40  # a 2-digit year is read as BE 25xx from here on; below, it is refused as ambiguous
THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
BLANKS = " \t\r\n\u00a0\u200b"

# Full name, abbreviation, then the English spellings the ETL accepts, by month number.
MONTH_NAMES: dict[int, tuple[str, ...]] = {
    1: ("มกราคม", "ม.ค.", "jan", "january"),
    2: ("กุมภาพันธ์", "ก.พ.", "feb", "february"),
    3: ("มีนาคม", "มี.ค.", "mar", "march"),
    4: ("เมษายน", "เม.ย.", "apr", "april"),
    5: ("พฤษภาคม", "พ.ค.", "may"),
    6: ("มิถุนายน", "มิ.ย.", "jun", "june"),
    7: ("กรกฎาคม", "ก.ค.", "jul", "july"),
    8: ("สิงหาคม", "ส.ค.", "aug", "august"),
    9: ("กันยายน", "ก.ย.", "sep", "sept", "september"),
    10: ("ตุลาคม", "ต.ค.", "oct", "october"),
    11: ("พฤศจิกายน", "พ.ย.", "nov", "november"),
    12: ("ธันวาคม", "ธ.ค.", "dec", "december"),
}
EN_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
THAI_WEEKDAYS = ("จันทร์", "อังคาร", "พุธ", "พฤหัสบดี", "ศุกร์", "เสาร์", "อาทิตย์")
EN_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
# The examples every refusal shows: what a Thai official is most likely to type, then CE.
EXAMPLES_TH = "15/10/2562, 15 ต.ค. 62, 15 ตุลาคม 2562 หรือ 2019-10-15"
EXAMPLES_EN = "15/10/2562 (Buddhist era), 15/10/2019, 15 Oct 2019 or 2019-10-15"

_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T].*)?")
_NUMERIC = re.compile(r"(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{2}|\d{4})")
_SERIAL = re.compile(r"\d{5}(?:\.\d+)?")
_NAMED = re.compile(r"(\d{1,2})\s*(\D+?)\s*(\d{2}|\d{4})")
_BE_MARK = re.compile(r"พ\.\s*ศ\.?")
EXCEL_EPOCH = date(1899, 12, 30)


def _month_key(text: str) -> str:
    return re.sub(r"[\s.]", "", text).lower()


_MONTH_KEYS = {_month_key(name): month for month, names in MONTH_NAMES.items() for name in names}


class DateTextError(ValueError):
    """A typed date that cannot be read, does not exist, or is outside the accepted range;
    `message_th` / `message_en` say which and give examples. `day` is the date that was read
    when it was only out of range (None otherwise)."""

    def __init__(self, message_th: str, message_en: str, day: date | None = None) -> None:
        super().__init__(f"{message_th} — {message_en}")
        self.message_th = message_th
        self.message_en = message_en
        self.day = day


def clean(text: str) -> str:
    """The typed text with Thai digits made Arabic and blanks around it removed."""
    return text.translate(THAI_DIGITS).strip(BLANKS)


def ce_year(year_text: str) -> int:
    """The CE year of a written year: 2 digits are BE (62 -> 2019; parse_date_text refuses those below
    TWO_DIGIT_BE_FROM first), 4 digits above 2400 are BE."""
    year = int(year_text)
    if len(year_text) == 2:
        return 2500 + year - BE_OFFSET
    return year - BE_OFFSET if year > 2400 else year


def _fields(text: str) -> tuple[str, int | None, str] | int | None:
    """(year text, month, day text) of a written date, the serial number of an Excel day, or None."""
    if found := _ISO.fullmatch(text):
        return found.group(1), int(found.group(2)), found.group(3)
    if found := _NUMERIC.fullmatch(text):
        return found.group(3), int(found.group(2)), found.group(1)
    if _SERIAL.fullmatch(text):
        return int(float(text))
    if found := _NAMED.fullmatch(text):
        month = _MONTH_KEYS.get(_month_key(_BE_MARK.sub("", found.group(2))))
        return found.group(3), month, found.group(1)
    return None


def parse_date_text(text: str | None, earliest: date | None = None, latest: date | None = None) -> date | None:
    """The date a person typed (any accepted form, see the module docstring); None for blank text.

    Raises DateTextError (Thai and English message) when the text is not a date in an accepted
    form, names a day that does not exist (31/02/2562), or falls outside earliest..latest
    (both included, either may be None).
    """
    if text is None or not clean(str(text)):
        return None
    typed = clean(str(text))
    fields = _fields(typed)
    if fields is None or (isinstance(fields, tuple) and fields[1] is None):
        raise DateTextError(
            f"อ่านวันที่ '{typed}' ไม่ได้ พิมพ์แบบ {EXAMPLES_TH}", f"cannot read the date '{typed}'; type it as {EXAMPLES_EN}"
        )
    if isinstance(fields, int):
        day = EXCEL_EPOCH + timedelta(days=fields)
    else:
        year_text, month, day_text = fields
        if len(year_text) == 2 and int(year_text) < TWO_DIGIT_BE_FROM:
            raise DateTextError(
                f"ปี '{year_text}' ใน '{typed}' อ่านได้ทั้ง ค.ศ. และ พ.ศ. พิมพ์ปีเต็ม 4 หลัก เช่น {EXAMPLES_TH}",
                f"the year '{year_text}' in '{typed}' could be CE or BE; type the full year, e.g. {EXAMPLES_EN}",
            )
        try:
            day = date(ce_year(year_text), month, int(day_text))
        except ValueError:
            raise DateTextError(
                f"ไม่มีวันที่ '{typed}' ในปฏิทิน (วัน เดือน หรือปีไม่ถูกต้อง) พิมพ์แบบ {EXAMPLES_TH}",
                f"there is no such day as '{typed}' (day, month or year out of range); type it as {EXAMPLES_EN}",
            ) from None
    if (earliest is not None and day < earliest) or (latest is not None and day > latest):
        low_th, low_en = (format_day(earliest, "th"), format_day(earliest, "en")) if earliest else ("-", "-")
        high_th, high_en = (format_day(latest, "th"), format_day(latest, "en")) if latest else ("-", "-")
        raise DateTextError(
            f"'{typed}' อ่านได้เป็น {format_day(day, 'th')} ซึ่งอยู่นอกช่วงที่รับได้ ({low_th} ถึง {high_th})",
            f"'{typed}' reads as {format_day(day, 'en')}, outside the accepted range ({low_en} to {high_en})",
            day,
        )
    return day


def format_day(day: date, lang: str) -> str:
    """'15 ต.ค. 2562' (BE) in Thai, '15 Oct 2019' in English."""
    if lang == "th":
        return f"{day.day} {MONTH_NAMES[day.month][1]} {day.year + BE_OFFSET}"
    return f"{day.day} {EN_MONTHS[day.month - 1][:3]} {day.year}"


def describe(day: date, lang: str) -> str:
    """A date spelled out in both calendars, to echo what was read: 'วันอังคารที่ 15 ตุลาคม พ.ศ. 2562
    (ค.ศ. 2019)' / 'Tuesday 15 October 2019 (BE 2562)'."""
    if lang == "th":
        return (
            f"วัน{THAI_WEEKDAYS[day.weekday()]}ที่ {day.day} {MONTH_NAMES[day.month][0]} "
            f"พ.ศ. {day.year + BE_OFFSET} (ค.ศ. {day.year})"
        )
    return f"{EN_WEEKDAYS[day.weekday()]} {day.day} {EN_MONTHS[day.month - 1]} {day.year} (BE {day.year + BE_OFFSET})"


def typed_form(day: date) -> str:
    """How the form shows a saved date for editing: d/m/yyyy in BE ('15/10/2562')."""
    return f"{day.day}/{day.month}/{day.year + BE_OFFSET}"
