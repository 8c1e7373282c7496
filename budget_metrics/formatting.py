"""How numbers and dates read in Thai and English: shared by pages and exports."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pandas as pd


def _missing(value) -> bool:
    return value is None or bool(pd.isna(value))

THAI_MONTHS_SHORT = ["ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.",
                     "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค."]
THAI_MONTHS_LONG = ["มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน",
                    "กรกฎาคม", "สิงหาคม", "กันยายน", "ตุลาคม", "พฤศจิกายน", "ธันวาคม"]
EN_MONTHS_SHORT = ["Jan", "Feb", "Mar", "Apr", "May", "Jun",
                   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def format_date(day: date | None, lang: str = "th", long: bool = False) -> str:
    """'13 ก.ย. 2562' (BE) in Thai, '13 Sep 2019' (CE) in English; '-' for no date."""
    if _missing(day):
        return "-"
    if lang == "th":
        months = THAI_MONTHS_LONG if long else THAI_MONTHS_SHORT
        return f"{day.day} {months[day.month - 1]} {day.year + 543}"
    return f"{day.day} {EN_MONTHS_SHORT[day.month - 1]} {day.year}"


def format_timestamp(moment: datetime | None, lang: str = "th") -> str:
    """A moment to the minute: '27 พ.ย. 2562 13:45' (BE) in Thai, '27 Nov 2019 13:45' (CE) in English."""
    if _missing(moment):
        return "-"
    moment = pd.Timestamp(moment)
    return f"{format_date(moment.date(), lang)} {moment:%H:%M}"


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
