"""The demo's files read back independently (test helper): csv and openpyxl, not the ETL; Thai dates
and money parsed with plain Python. Used by the tests of the one-year and the three-year demo."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path

import openpyxl

THAI_MONTHS = {
    abbr: i
    for i, abbr in enumerate(
        ("ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.", "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค."), start=1
    )
}
THAI_MONTHS.update(
    {
        full: i
        for i, full in enumerate(
            (
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
            ),
            start=1,
        )
    }
)


def parse_date(value) -> date | None:
    """BE text (13/09/2562, 13 ก.ย. 62, 13 กันยายน 2562) or an Excel date cell; None if bad."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value or "").strip()
    try:
        if "/" in text:
            day, month, year = (int(part) for part in text.split("/"))
        else:
            day_text, month_text, year_text = text.split()
            day, month, year = int(day_text), THAI_MONTHS[month_text], int(year_text)
            if year < 100:
                year += 2500
        return date(year - 543, month, day)
    except (ValueError, KeyError):
        return None


def parse_money(value) -> Decimal | None:
    """Text "1,234.50" / "-1,234.00" or an xlsx number, as Decimal baht; None if bad."""
    if isinstance(value, (int, float)):
        return Decimal(repr(value)).quantize(Decimal("0.01"))
    try:
        return Decimal(str(value).replace(",", "").strip()).quantize(Decimal("0.01"))
    except InvalidOperation:
        return None


def read_csv(path: Path, encoding: str = "utf-8-sig") -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_bytes().decode(encoding))))


def read_xlsx(path: Path, header_first_cell: str) -> tuple[list[str], list[tuple]]:
    """Header and data rows of the first sheet; the header is the row starting with that text."""
    sheet = openpyxl.load_workbook(path, read_only=True).worksheets[0]
    rows = [row for row in sheet.iter_rows(values_only=True)]
    start = next(i for i, row in enumerate(rows) if row and row[0] == header_first_cell)
    return list(rows[start]), [row for row in rows[start + 1 :] if any(v is not None for v in row)]
