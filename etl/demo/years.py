"""The fiscal years the demo generator makes, each with its own character, and their calendars.

A `DemoYear` says which fiscal year (BE) and how it behaves: the national shape of the year's
spending, how early investment contracts are signed, how much is paid by 30 Sep (the rest is
carried over or lapses), and until which day its records reach. Every date the generator draws
is placed with `on(month, day)` (inside the fiscal year) or `after(month, day)` (the following
fiscal year, where carry-over money is paid), so one generator serves any year.

The three demo years (`DEMO_YEARS`), as `python -m etl demo` loads them; "today" for all of
them is `DEMO_TODAY`, 31 Mar 2020 (end of FY2563's second quarter, FY2562's default
carry-over deadline):

- FY2561: a slower year. Contracts signed later, more never signed; the national curve lags and
  September carries a quarter of the year's money; more money is carried over into FY2562.
- FY2562: the original demo year, unchanged (same seed, same bytes as before years existed).
- FY2563: the year in progress. A faster start (earlier contracts, a steeper first half); its
  records stop at `DEMO_TODAY`: no payment, contract, reallocation or transfer after that day,
  and no carry-over yet.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from datetime import date, timedelta

BE_OFFSET = 543

# "Today" of the three-year demo: every year's records stop here.
DEMO_TODAY = date(2020, 3, 31)

# Thai public holidays on weekdays, Oct 2018 - Mar 2020 (approximate; only shapes posting days).
# The FY2562 demo was generated with exactly this list, so it stays as it is.
HOLIDAYS = frozenset(
    date.fromisoformat(text)
    for text in (
        "2018-10-15",
        "2018-10-23",
        "2018-12-05",
        "2018-12-10",
        "2018-12-31",
        "2019-01-01",
        "2019-02-19",
        "2019-04-08",
        "2019-04-15",
        "2019-04-16",
        "2019-05-01",
        "2019-05-06",
        "2019-05-20",
        "2019-06-03",
        "2019-07-16",
        "2019-07-29",
        "2019-08-12",
        "2019-10-14",
        "2019-10-23",
        "2019-12-05",
        "2019-12-10",
        "2019-12-31",
        "2020-01-01",
        "2020-02-10",
    )
)
HOLIDAYS_FROM, HOLIDAYS_TO = date(2018, 10, 1), date(2020, 3, 31)
# Outside that range: the fixed-date holidays (month, day) of any year (moving ones left out).
FIXED_HOLIDAYS = frozenset(
    {
        (1, 1),
        (4, 6),
        (4, 13),
        (4, 14),
        (4, 15),
        (5, 1),
        (7, 28),
        (8, 12),
        (10, 13),
        (10, 23),
        (12, 5),
        (12, 10),
        (12, 31),
    }
)


def is_working_day(day: date) -> bool:
    """Monday to Friday and not a public holiday (HOLIDAYS, else FIXED_HOLIDAYS)."""
    if day.weekday() >= 5:
        return False
    if HOLIDAYS_FROM <= day <= HOLIDAYS_TO:
        return day not in HOLIDAYS
    return (day.month, day.day) not in FIXED_HOLIDAYS


def working_days(start: date, end: date) -> list[date]:
    """Every working day from start to end inclusive."""
    days, day = [], start
    while day <= end:
        if is_working_day(day):
            days.append(day)
        day += timedelta(days=1)
    return days


def add_working_days(day: date, count: int) -> date:
    """The working day `count` working days after (negative: before) `day`."""
    step = 1 if count >= 0 else -1
    remaining = abs(count)
    while remaining:
        day += timedelta(days=step)
        if is_working_day(day):
            remaining -= 1
    return day


def next_working_day(day: date) -> date:
    """`day` itself when it is a working day, else the next one."""
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


@dataclass(frozen=True)
class DemoYear:
    """One fiscal year of demo data: its calendar and its character.

    Probabilities are 0-1; `pace` is an owner's 0 (slow) .. 1 (fast) year-end paying speed.
    never_signed / signed_late: (base, extra x (1 - pace)) chance that an investment project
    never signs a contract / signs after 1 Apr. fully_paid: (late base, late x pace, on-time
    base, on-time x pace) chance that a contract is paid in full by 30 Sep.
    """

    fiscal_year: int
    cumulative_pct: tuple[float, ...]  # national cumulative share of the year's money, Oct..Sep
    contract_month_weights: tuple[int, ...] = (30, 24, 18, 13, 8, 7)  # signing month Oct..Mar
    never_signed: tuple[float, float] = (0.02, 0.03)
    signed_late: tuple[float, float] = (0.05, 0.1)
    fully_paid: tuple[float, float, float, float] = (0.45, 0.3, 0.82, 0.18)
    lapse_uncommitted: float = 0.35  # chance an unsigned project's money lapses instead of carried
    new_money_grants: int = 12  # reallocations from the central budget (no source project)
    data_as_of: date | None = None  # the last day records reach (None: the carry-over deadline)
    corrections: bool = False  # write a late-corrections file with deliberately bad rows
    documents_per_payment: int = 1  # >1 splits each payment into that many documents (benchmarks)
    xlsx: bool = True  # False writes every file as CSV (faster, for benchmarks)
    # Which program "exported" the workbooks: FY2562 keeps openpyxl (its bytes predate the years);
    # the other years use XlsxWriter, several times faster (the demo's first start) and another
    # producer's flavour of xlsx for the readers.
    xlsx_writer: str = "xlsxwriter"

    @property
    def yy(self) -> str:
        """Two-digit year in codes: '62'."""
        return f"{self.fiscal_year % 100:02d}"

    @property
    def start(self) -> date:
        return date(self.fiscal_year - BE_OFFSET - 1, 10, 1)

    @property
    def end(self) -> date:
        return date(self.fiscal_year - BE_OFFSET, 9, 30)

    def on(self, month: int, day: int) -> date:
        """The date of (month, day) inside this fiscal year (Oct-Dec: the first CE year)."""
        year = self.fiscal_year - BE_OFFSET - (1 if month >= 10 else 0)
        return date(year, month, day)

    def after(self, month: int, day: int) -> date:
        """The date of (month, day) inside the following fiscal year (carry-over payments)."""
        return date(self.on(month, day).year + 1, month, day)

    @property
    def contract_cutoff(self) -> date:
        return self.on(3, 31)

    @property
    def carryover_deadline(self) -> date:
        """Default carry-over deadline: 31 Mar of the next calendar year (DOMAIN.md)."""
        return self.after(3, 31)

    @property
    def as_of(self) -> date:
        """The last day any record of the year refers to."""
        return self.data_as_of or self.carryover_deadline

    @property
    def in_progress(self) -> bool:
        """True when the records stop before the year ends (no carry-over yet)."""
        return self.as_of < self.end

    @property
    def report_date(self) -> date:
        """The 'data as of' date written in file titles: the year end, or today for a year in progress."""
        return min(self.end, self.as_of)

    def month_index(self, day: date) -> int:
        """0 for October ... 11 for September of this fiscal year."""
        return (day.year - self.start.year) * 12 + day.month - 10

    def quarter_end(self, day: date) -> date:
        """The last day of the fiscal quarter holding `day`."""
        ends = (self.on(12, 31), self.on(3, 31), self.on(6, 30), self.on(9, 30))
        return next(end for end in ends if day <= end)

    def current_docs_base(self) -> int:
        """First current-year document number (unique across years: FY2562 kept 5100000000)."""
        return 5_100_000_000 + (self.fiscal_year - 2562) * 10_000_000

    def carryover_docs_base(self) -> int:
        return 3_600_000_000 + (self.fiscal_year - 2562) * 10_000_000


# National capital disbursement FY2562, cumulative share of the year by month end (Oct..Sep).
NATIONAL_CUMULATIVE_PCT = (6.6, 11.3, 19.4, 27.2, 34.8, 45.3, 52.0, 60.5, 69.3, 77.0, 85.5, 100.0)

FY2561 = DemoYear(
    fiscal_year=2561,
    # slower all year, a quarter of the money in September
    cumulative_pct=(4.8, 8.6, 14.9, 21.0, 27.6, 36.4, 42.5, 50.0, 57.8, 65.1, 73.6, 100.0),
    contract_month_weights=(18, 18, 18, 17, 15, 14),
    never_signed=(0.04, 0.05),
    signed_late=(0.1, 0.14),
    fully_paid=(0.3, 0.3, 0.66, 0.2),
    lapse_uncommitted=0.25,
    new_money_grants=8,
    data_as_of=DEMO_TODAY,
)
FY2562 = DemoYear(fiscal_year=2562, cumulative_pct=NATIONAL_CUMULATIVE_PCT, corrections=True, xlsx_writer="openpyxl")
FY2563 = DemoYear(
    fiscal_year=2563,
    # an earlier start: procurement pushed into the first quarter
    cumulative_pct=(8.9, 15.2, 24.6, 32.4, 40.3, 50.2, 56.4, 64.0, 71.8, 79.0, 87.0, 100.0),
    contract_month_weights=(38, 27, 16, 9, 6, 4),
    never_signed=(0.015, 0.02),
    signed_late=(0.04, 0.07),
    fully_paid=(0.5, 0.3, 0.86, 0.12),
    new_money_grants=10,
    data_as_of=DEMO_TODAY,
)
DEMO_YEARS = (FY2561, FY2562, FY2563)


def demo_year(fiscal_year: int) -> DemoYear:
    """The demo's character of a fiscal year (KeyError for a year the demo does not make)."""
    return {year.fiscal_year: year for year in DEMO_YEARS}[fiscal_year]


def year_seed(seed: int, fiscal_year: int) -> int:
    """The seed of one year in a multi-year demo: FY2562 keeps `seed`, each other year is offset by
    its distance (seed 2562 gives 2561, 2562, 2563), so the FY2562 files stay those of the seed."""
    return seed + fiscal_year - 2562


class PostingCalendar:
    """Posting-day distribution over a fiscal year's working days.

    Each month gets a share of the year's money; inside a month, Fridays and Thursdays
    and the last days of a quarter get more weight (weekly rhythm, quarter-end bumps).
    A province's speed warps the cumulative curve: cum_s(t) = cum(t) ** speed.
    """

    def __init__(self, year: DemoYear, month_shares: list[float]):
        self.days = working_days(year.start, year.end)
        dow_weight = (0.55, 0.75, 0.9, 1.25, 1.9)
        raw = []
        for day in self.days:
            weight = dow_weight[day.weekday()]
            if day.month in (12, 3, 6, 9) and day.day >= 22:
                weight *= 2.2
            raw.append(weight)
        month_totals = [0.0] * 12
        for day, weight in zip(self.days, raw):
            month_totals[year.month_index(day)] += weight
        cumulative, running = [], 0.0
        for day, weight in zip(self.days, raw):
            month = year.month_index(day)
            running += month_shares[month] * weight / month_totals[month]
            cumulative.append(running)
        self.cdf = [value / running for value in cumulative]

    def cdf_before(self, day: date) -> float:
        """Share of the year's money posted strictly before `day`."""
        position = bisect.bisect_left(self.days, day)
        return self.cdf[position - 1] if position else 0.0

    def draw(self, u: float, start: date, speed: float) -> date:
        """The posting day for quantile u (0-1) within [start, 30 Sep] at this speed."""
        low = self.cdf_before(start) ** speed
        level = (low + u * (1.0 - low)) ** (1.0 / speed)
        position = bisect.bisect_left(self.cdf, level)
        return self.days[min(position, len(self.days) - 1)]


def working_day_between(rng, start: date, end: date) -> date:
    """A working day drawn from [start, end] (rolled forward to a working day)."""
    return next_working_day(start + timedelta(days=rng.randint(0, (end - start).days)))


def history_years(
    first: int = 2554, last: int = 2563, documents_per_payment: int = 1, xlsx: bool = True
) -> tuple[DemoYear, ...]:
    """A run of fiscal years first..last for benchmarks and backtests, each with its own character.

    FY2561-FY2563 keep the demo's characters (FY2563 in progress to DEMO_TODAY); every other year is
    drawn between the slow FY2561 and the fast FY2563 (a blend fixed by the year, so the same
    years give the same characters), its records reaching its own carry-over deadline.
    `documents_per_payment` splits each payment into that many documents (more rows, same money);
    `xlsx=False` writes every file as CSV.
    """
    import random
    from dataclasses import replace

    years = []
    for fiscal_year in range(first, last + 1):
        if fiscal_year in (2561, 2562, 2563):
            year = demo_year(fiscal_year)
        else:
            pace = random.Random(fiscal_year * 7919).uniform(0.0, 1.0)  # 0 = like FY2561, 1 = like FY2563

            year = DemoYear(
                fiscal_year=fiscal_year,
                cumulative_pct=_blend(FY2561.cumulative_pct, FY2563.cumulative_pct, pace),
                contract_month_weights=_blend(FY2561.contract_month_weights, FY2563.contract_month_weights, pace),
                never_signed=_blend(FY2561.never_signed, FY2563.never_signed, pace),
                signed_late=_blend(FY2561.signed_late, FY2563.signed_late, pace),
                fully_paid=_blend(FY2561.fully_paid, FY2563.fully_paid, pace),
                lapse_uncommitted=_blend(FY2561.lapse_uncommitted, FY2562.lapse_uncommitted, pace),
                new_money_grants=_blend(FY2561.new_money_grants, FY2563.new_money_grants, pace),
            )
        years.append(replace(year, documents_per_payment=documents_per_payment, xlsx=xlsx))
    return tuple(years)


def _blend(slow, fast, pace: float):
    """slow + (fast - slow) x pace, element by element for tuples (ints stay ints)."""
    if isinstance(slow, tuple):
        return tuple(_blend(a, b, pace) for a, b in zip(slow, fast, strict=True))
    value = slow + (fast - slow) * pace
    return round(value) if isinstance(slow, int) else value
