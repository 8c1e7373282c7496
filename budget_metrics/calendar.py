"""Thai fiscal calendar: FY N (BE) runs 1 Oct (N-544 CE) to 30 Sep (N-543 CE)."""

from __future__ import annotations

from datetime import date, timedelta

BE_OFFSET = 543


def fiscal_year_bounds(fiscal_year: int) -> tuple[date, date]:
    """First and last day (CE dates) of a BE fiscal year."""
    ce_end = fiscal_year - BE_OFFSET
    return date(ce_end - 1, 10, 1), date(ce_end, 9, 30)


def fridays(start: date, end: date) -> list[date]:
    """Every Friday from start to end inclusive (the weekly reporting day)."""
    first = start + timedelta(days=(4 - start.weekday()) % 7)
    count = max(0, (end - first).days // 7 + 1)
    return [first + timedelta(weeks=n) for n in range(count)]


def previous_friday(day: date) -> date:
    """The latest Friday on or before day."""
    return day - timedelta(days=(day.weekday() - 4) % 7)
