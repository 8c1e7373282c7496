"""Thai fiscal calendar: FY N (BE) runs 1 Oct (N-544 CE) to 30 Sep (N-543 CE)."""

from __future__ import annotations

from datetime import date, timedelta

BE_OFFSET = 543


def fiscal_year_of(day: date) -> int:
    """The fiscal year (BE) a date falls in: 1 Oct 2018 - 30 Sep 2019 is FY2562."""
    return day.year + BE_OFFSET + (1 if day.month >= 10 else 0)


def same_day_previous_year(day: date) -> date:
    """The same day of the previous fiscal year: one calendar year earlier (29 Feb -> 28 Feb),
    e.g. 31 Mar 2020 (FY2563) -> 31 Mar 2019 (FY2562), the date "against last year at this point"
    compares with."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


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
