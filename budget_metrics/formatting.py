"""How numbers and dates read in Thai and English: shared by pages, charts and exports.

Thai dates are Buddhist Era (BE = CE + 543) with Thai month names; English dates are CE
with English month names. Plotly has no Thai locale, so charts take their date tick texts
from `month_ticks` here rather than from Plotly's own date formatting.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pandas as pd

BE_OFFSET = 543  # Buddhist Era year = CE year + 543


def _missing(value) -> bool:
    return value is None or bool(pd.isna(value))


THAI_MONTHS_SHORT = ["ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.", "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค."]
THAI_MONTHS_LONG = [
    "มกราคม",
    "กุมภาพันธ์",
    "มีนาคม",
    "เมษายน",
    "พฤษภาคม",
    "มิถุนายน",
    "กรกฎาคม",
    "สิงหาคม",
    "กันยายน",
    "ตุลาคม",
    "พฤศจิกายน",
    "ธันวาคม",
]
EN_MONTHS_SHORT = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def format_date(day: date | None, lang: str = "th", long: bool = False) -> str:
    """'13 ก.ย. 2562' (BE) in Thai, '13 Sep 2019' (CE) in English; '-' for no date."""
    if _missing(day):
        return "-"
    if lang == "th":
        months = THAI_MONTHS_LONG if long else THAI_MONTHS_SHORT
        return f"{day.day} {months[day.month - 1]} {day.year + BE_OFFSET}"
    return f"{day.day} {EN_MONTHS_SHORT[day.month - 1]} {day.year}"


def format_month(day: date, lang: str = "th", year: str = "long") -> str:
    """A month: 'ต.ค. 2561' / 'Oct 2018'; year='short' gives 'ต.ค. 61' / 'Oct 18',
    year='none' just the month ('ต.ค.' / 'Oct')."""
    if lang == "th":
        month, year_number = THAI_MONTHS_SHORT[day.month - 1], day.year + BE_OFFSET
    else:
        month, year_number = EN_MONTHS_SHORT[day.month - 1], day.year
    if year == "none":
        return month
    return f"{month} {year_number % 100:02d}" if year == "short" else f"{month} {year_number}"


def month_ticks(days, lang: str = "th") -> list[tuple[int, str]]:
    """Tick marks for a date axis: (position in `days`, text) at the first day of each month.

    `days` are the axis's dates in order (e.g. the Fridays of a fiscal year). The text is the
    month; the year is added at the first tick and at each January, short BE in Thai
    ('ต.ค. 61', 'พ.ย.', ..., 'ม.ค. 62') and CE in English ('Oct 2018', 'Nov', ..., 'Jan 2019').
    """
    ticks, seen = [], None
    for position, day in enumerate(days):
        month = (day.year, day.month)
        if month == seen:
            continue
        with_year = seen is None or day.month == 1
        seen = month
        ticks.append(
            (position, format_month(day, lang, ("short" if lang == "th" else "long") if with_year else "none"))
        )
    return ticks


def format_datetime(moment: datetime | date | str | None, lang: str = "th") -> str:
    """A timestamp to the minute: '13 ก.ย. 2562 14:05' (BE) / '13 Sep 2019 14:05'; '-' for none.

    Accepts a datetime, a pandas Timestamp or ISO text (as DuckDB returns them)."""
    if _missing(moment) or moment == "":
        return "-"
    stamp = pd.Timestamp(moment)
    return f"{format_date(stamp.date(), lang)} {stamp:%H:%M}"


def million_baht(amount: Decimal | float | None, decimals: int = 2) -> str:
    """Baht shown as million baht with thousand separators: 1234567890 -> '1,234.57'."""
    if _missing(amount):
        return "-"
    return f"{float(amount) / 1_000_000:,.{decimals}f}"


def baht(amount: Decimal | float | None) -> str:
    """Baht with separators and satang: '1,234,567.50'."""
    if _missing(amount):
        return "-"
    return f"{Decimal(str(amount)):,.2f}"


def count(value: float | None) -> str:
    """A count with thousand separators: 1287 -> '1,287'; '-' for none."""
    if _missing(value):
        return "-"
    return f"{int(value):,}"


def percent(value: float | None, decimals: int = 2) -> str:
    """'69.33' (no % sign; labels carry the unit)."""
    if _missing(value):
        return "-"
    return f"{value:,.{decimals}f}"


def signed(value: float | None, decimals: int = 2) -> str:
    """'+1.25' / '-3.40' for changes and gaps."""
    if _missing(value):
        return "-"
    return f"{value:+,.{decimals}f}"
