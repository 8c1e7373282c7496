"""Government disbursement targets on any date, and the two lines execution is reported by.

Cabinet sets targets at quarter ends (reference table `targets`). Between quarter
ends the target steps linearly by month end (three equal steps per quarter) and is
linear by day inside a month, so 31 May 2019 (FY2562 overall) is 54 + 2*(77-54)/3.

The Comptroller General reports execution as two lines, each against its own target,
never a mix of the two:

- overall: disbursed / current allocation of all budget types, against the overall target;
- investment: investment-budget disbursed / investment current allocation, against the
  investment target.

A province, cluster, region or the nation is judged by both (`TargetLine`); which of
the two drives status colours and rankings is reference data (`headline_line()`, from
data/reference/reporting.toml). A single project is judged against the target of its
own budget type (budget_metrics.lagging).

When a selection is narrowed to one budget type (the sidebar's budget filter), its money is
no longer "all budget types", so the overall line is not computed for it (never the type's
money against the overall target under the overall line's name). The selection is reported
by its own type's line instead (`shown_lines`, `judged_line`): investment against the
investment target (the investment line itself), operating and other against the overall
target — the cabinet sets no target of their own, and a single project of those types is
judged against the overall target too — each labelled as such (vocabulary.LINE_DESCRIPTIONS).

Status words (`gap_status`): on target only at or above the target; near target within
`watch_gap_points` below it; watch down to `behind_gap_points`; behind below that.
"""

from __future__ import annotations

import calendar as _calendar
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache

import pandas as pd

from budget_metrics.calendar import fiscal_year_bounds
from budget_metrics.connection import data_version, read_only
from vocabulary import LINE_DESCRIPTIONS, LINE_LABELS, STATUS_BANDS, STATUSES, pick  # noqa: F401 - LINE_* re-exported

CENT = Decimal("0.01")
# The two reported lines, in the order they are shown; their names (Thai, English) and what
# each covers are in vocabulary.py, shared by the dashboard and the exports.
LINES = ("overall", "investment")
# The lines of a selection narrowed to a budget type without a cabinet target of its own.
TYPE_LINES = ("operating", "other")
# The cabinet target (targets.csv scope) each line is measured against.
LINE_TARGET = {"overall": "overall", "investment": "investment", "operating": "overall", "other": "overall"}
STATUS_ORDER = ("on_track", "near_target", "watch", "behind", "no_target", "no_data")  # legends, counts
JUDGED_STATUSES = ("on_track", "near_target", "watch", "behind")  # a line measured against a target


def shown_lines(budget_type: str | None) -> tuple[str, ...]:
    """The lines a selection is reported by: both cabinet lines ('overall', 'investment') when no
    budget type is chosen; only the chosen type's own line ('investment', 'operating' or 'other')
    when one is."""
    return (budget_type,) if budget_type else LINES


def whole_line(budget_type: str | None) -> str:
    """The shown line that covers every selected project ('overall', or the chosen type's own line):
    the one whose projected carry-over and lapse are the selection's."""
    return budget_type or "overall"


def judged_line(budget_type: str | None, headline: str | None = None) -> str:
    """The line that gives a selection its status, map colour and ranking: the headline line
    (reporting.toml) without a budget type, else the chosen type's own line."""
    return budget_type or headline or headline_line()


def frame_lines(frame: pd.DataFrame) -> tuple[str, ...]:
    """The lines an area table (`add_line_columns`) or weekly curve shows, in order."""
    if "lines" in frame and len(frame) and isinstance(frame["lines"].iloc[0], str):
        return tuple(frame["lines"].iloc[0].split(","))
    return LINES


def other_line(frame: pd.DataFrame) -> str | None:
    """The shown line that is not the headline (the map's corner, the ranking's diamond); None
    when the table shows one line only (a budget type chosen)."""
    headline = (
        str(frame["headline"].dropna().iloc[0])
        if "headline" in frame and frame["headline"].notna().any()
        else "overall"
    )
    others = [line for line in frame_lines(frame) if line != headline]
    return others[0] if others else None


def line_name(line: str, lang: str) -> str:
    """A line's name, with the target it is measured against when that is not its own:
    'ภาพรวม', 'งบลงทุน', 'งบดำเนินงาน (เทียบเป้าหมายภาพรวม)' / 'Operating (against the overall target)'."""
    name = pick(LINE_LABELS[line], lang)
    if LINE_TARGET.get(line, line) == line:
        return name
    target = pick(LINE_LABELS[LINE_TARGET[line]], lang)
    return f"{name} (เทียบเป้าหมาย{target})" if lang == "th" else f"{name} (against the {target.lower()} target)"


def status_band(code: str, lang: str, thresholds: dict[str, float] | None = None) -> str:
    """What a status means in points below the line's target, thresholds filled in
    ('ต่ำกว่าไม่เกิน 5 จุด' / 'within 5 points below target')."""
    from budget_metrics import reference

    limits = thresholds or reference.thresholds()
    pair = STATUS_BANDS.get(code, STATUS_BANDS["no_data"])
    return pick(pair, lang).format(watch=f"{limits['watch_gap_points']:g}", behind=f"{limits['behind_gap_points']:g}")


def status_text(code: str, lang: str, thresholds: dict[str, float] | None = None) -> str:
    """A status with its band: 'ใกล้เป้าหมาย (ต่ำกว่าไม่เกิน 5 จุด)' / 'Near target (within 5 points below
    target)'; the bare word for no data."""
    name = pick(STATUSES.get(code, STATUSES["no_data"]), lang)
    return name if code == "no_data" else f"{name} ({status_band(code, lang, thresholds)})"


def line_status(pct: float | None, gap_points: float | None, thresholds: dict[str, float]) -> str:
    """A line's status: `gap_status` of its gap, but 'no_target' when it has a rate (money) and no
    gap: its year has no cabinet target (targets.csv), so it is neither on target, behind, nor
    without data."""
    if (gap_points is None or pd.isna(gap_points)) and pct is not None and not pd.isna(pct):
        return "no_target"
    return gap_status(gap_points, thresholds)


# Used only for a database written before reporting.toml existed (schema v1, not yet upgraded).
DEFAULT_HEADLINE = "overall"


def month_end_targets(quarter_targets: list[float]) -> list[float]:
    """Cumulative target % at the end of each fiscal month (index 0 = FY start, 1..12 = Oct..Sep)."""
    points = [0.0]
    previous = 0.0
    for quarter_target in quarter_targets:
        for step in (1, 2, 3):
            points.append(previous + step * (quarter_target - previous) / 3)
        previous = quarter_target
    return points


def target_on(quarter_targets: list[float], fiscal_year: int, day: date) -> float:
    """Target % (0-100) on a date, from the four cumulative quarter-end targets."""
    start, end = fiscal_year_bounds(fiscal_year)
    if day < start:
        return 0.0
    if day >= end:
        return float(quarter_targets[-1])
    month_index = (day.year - start.year) * 12 + day.month - start.month + 1  # Oct = 1
    ends = month_end_targets(quarter_targets)
    days_in_month = _calendar.monthrange(day.year, day.month)[1]
    before, after = ends[month_index - 1], ends[month_index]
    return before + (after - before) * day.day / days_in_month


@lru_cache(maxsize=64)
def _quarter_targets(fiscal_year: int, scope: str, version: str) -> tuple[float, ...]:
    with read_only() as con:
        rows = con.execute(
            "SELECT target_pct FROM targets WHERE fiscal_year = ? AND scope = ? ORDER BY quarter",
            [fiscal_year, scope],
        ).fetchall()
    return tuple(float(value) for (value,) in rows)


def quarter_targets(fiscal_year: int, scope: str = "overall") -> list[float]:
    """The four cumulative quarter-end targets (percent) for a fiscal year and scope.

    Falls back to the overall row when a scope has no row, and to an empty list when
    the year has no targets at all (the views then show no target rather than a wrong one).
    """
    found = _quarter_targets(fiscal_year, scope, data_version())
    if len(found) != 4 and scope != "overall":
        found = _quarter_targets(fiscal_year, "overall", data_version())
    return list(found) if len(found) == 4 else []


def target_pct(fiscal_year: int, scope: str, day: date) -> float | None:
    """Target % (0-100) on a date for 'overall' or 'investment'; None if no targets are set."""
    targets = quarter_targets(fiscal_year, scope)
    return target_on(targets, fiscal_year, day) if targets else None


def gap_status(gap_points: float | None, thresholds: dict[str, float]) -> str:
    """'on_track', 'near_target', 'watch', 'behind' (or 'no_data') from the reference thresholds.

    On target only when the gap is zero or above (a line below its target is never called on
    target); near target when it is below by at most watch_gap_points; watch down to
    -behind_gap_points; behind below that (gap in points, negative = below the target).
    """
    if gap_points is None or pd.isna(gap_points):
        return "no_data"
    if gap_points >= 0:
        return "on_track"
    if gap_points >= -thresholds["watch_gap_points"]:
        return "near_target"
    if gap_points >= -thresholds["behind_gap_points"]:
        return "watch"
    return "behind"


@dataclass(frozen=True)
class TargetLine:
    """One reported line of a selection as of a date.

    scope: 'overall' (all budget types), 'investment' (investment budget only), or for a
    selection narrowed to one budget type without a target of its own, 'operating' / 'other'
    (that type's money against the overall target, LINE_TARGET); allocation and disbursed: the
    baht the line covers (current allocation, current-year payments); pct: disbursed /
    allocation (0-100, None without allocation); target_pct: the cabinet target the line is
    measured against on the date; gap_points = pct - target_pct; gap_baht = disbursed -
    target_pct% of allocation, in baht to the satang (negative = behind); status: gap_status of
    gap_points, 'no_target' with a rate but no target (`line_status`). A line a selection is not
    reported by (`shown_lines`) has no figures.
    """

    scope: str
    allocation: Decimal
    disbursed: Decimal
    pct: float | None
    target_pct: float | None
    gap_points: float | None
    gap_baht: Decimal | None
    status: str

    @property
    def target_scope(self) -> str:
        """The cabinet target this line is measured against ('overall' or 'investment')."""
        return LINE_TARGET.get(self.scope, "overall")


def blank_line(scope: str) -> TargetLine:
    """A line the selection is not reported by (e.g. the overall line of investment projects
    only): no money, no figures, status 'no_data'. Never drawn: pages draw `shown_lines`."""
    return TargetLine(scope, Decimal(0), Decimal(0), None, None, None, None, "no_data")


def selection_lines(
    fiscal_year: int,
    day: date,
    budget_type: str | None,
    allocation,
    disbursed,
    investment_allocation,
    investment_disbursed,
    thresholds: dict[str, float],
) -> dict[str, TargetLine]:
    """Every line of a selection by name: 'overall' and 'investment' always (blank when the
    chosen budget type leaves them out), plus the chosen type's own line for 'operating' and
    'other'. allocation / disbursed: all the selection's money (baht); investment_*: its
    investment projects' only."""
    lines = {"overall": blank_line("overall"), "investment": blank_line("investment")}
    if budget_type in (None, "investment"):
        lines["investment"] = target_line(
            "investment", fiscal_year, day, investment_allocation, investment_disbursed, thresholds
        )
    if budget_type is None:
        lines["overall"] = target_line("overall", fiscal_year, day, allocation, disbursed, thresholds)
    elif budget_type != "investment":
        lines[budget_type] = target_line(budget_type, fiscal_year, day, allocation, disbursed, thresholds)
    return lines


def target_line(
    scope: str, fiscal_year: int, day: date, allocation, disbursed, thresholds: dict[str, float]
) -> TargetLine:
    """The line `scope` for a selection whose line covers `allocation` and `disbursed` baht."""
    allocation, disbursed = Decimal(allocation), Decimal(disbursed)
    has_money = allocation > 0
    pct = float(disbursed / allocation * 100) if has_money else None
    target = target_pct(fiscal_year, LINE_TARGET.get(scope, "overall"), day)
    gap_points = pct - target if pct is not None and target is not None else None
    gap_baht = None
    if has_money and target is not None:
        gap_baht = (disbursed - allocation * Decimal(repr(target)) / 100).quantize(CENT)
    return TargetLine(
        scope, allocation, disbursed, pct, target, gap_points, gap_baht, line_status(pct, gap_points, thresholds)
    )


def add_curve_lines(frame: pd.DataFrame, fiscal_year: int, budget_type: str | None) -> dict[str, tuple[str, str]]:
    """Add each line's `{line}_pct` and `{line}_target_pct` to a weekly frame (a `week_end` column and
    current_allocation, disbursed, investment_allocation, investment_disbursed), in place: the lines the
    selection does not show get None. A budget type's own line (operating, other) is the selection's
    money. Returns line -> (allocation column, disbursed column)."""
    shown = shown_lines(budget_type)
    money = {
        "overall": ("current_allocation", "disbursed"),
        "investment": ("investment_allocation", "investment_disbursed"),
    }
    for line in shown:
        if line in TYPE_LINES:
            frame[f"{line}_allocation"], frame[f"{line}_disbursed"] = frame["current_allocation"], frame["disbursed"]
            money[line] = (f"{line}_allocation", f"{line}_disbursed")
    for line, (allocation, disbursed) in money.items():
        with_alloc = (frame[allocation] > 0) & (line in shown)
        frame[f"{line}_pct"] = (100 * frame[disbursed] / frame[allocation].where(with_alloc)).where(with_alloc)
        frame[f"{line}_target_pct"] = [
            target_pct(fiscal_year, LINE_TARGET[line], day) if line in shown else None for day in frame["week_end"]
        ]
    return money


def add_line_columns(
    frame: pd.DataFrame,
    fiscal_year: int,
    day: date,
    thresholds: dict[str, float],
    headline: str,
    budget_type: str | None = None,
) -> pd.DataFrame:
    """Add the lines' columns to a per-area frame, in place, and return it.

    Needs current_allocation and disbursed (the selection's money, float baht) and
    investment_allocation / investment_disbursed (its investment projects only). Adds, for each
    line L in ('overall', 'investment'): L_allocation, L_disbursed, L_pct, L_target_pct,
    L_gap_points (0-100 and points), L_gap_baht (float baht), L_status; with `budget_type`
    'operating' or 'other' the same columns for that line (the selection's money against the
    overall target). A line the selection is not reported by (`shown_lines(budget_type)`) has
    NaN figures and status 'no_data'; a line with money in a year without targets 'no_target'. Then
    lines (the shown lines, comma-joined; see
    `frame_lines`), headline (the judged line: `headline` without a budget type, else the
    type's line) and status (= that line's status, which colours maps and orders rankings).
    """
    shown = shown_lines(budget_type)
    frame["overall_allocation"] = frame["current_allocation"]
    frame["overall_disbursed"] = frame["disbursed"]
    if budget_type in TYPE_LINES:
        frame[f"{budget_type}_allocation"] = frame["current_allocation"]
        frame[f"{budget_type}_disbursed"] = frame["disbursed"]
    for line in (*LINES, *(line for line in shown if line not in LINES)):
        allocation = frame[f"{line}_allocation"].astype(float)
        disbursed = frame[f"{line}_disbursed"].astype(float)
        with_money = (allocation > 0) & (line in shown)
        pct = (100 * disbursed / allocation.where(with_money)).where(with_money)
        target = target_pct(fiscal_year, LINE_TARGET[line], day)
        if line not in shown:  # e.g. the overall line of investment projects only: not this selection's line
            frame[f"{line}_allocation"] = float("nan")
            frame[f"{line}_disbursed"] = float("nan")
        frame[f"{line}_pct"] = pct
        frame[f"{line}_target_pct"] = target if line in shown else float("nan")
        frame[f"{line}_gap_points"] = pct - target if target is not None else float("nan")
        frame[f"{line}_gap_baht"] = (
            (disbursed - allocation * target / 100).where(with_money) if target is not None else float("nan")
        )
        frame[f"{line}_status"] = [
            line_status(rate, gap, thresholds)
            for rate, gap in zip(frame[f"{line}_pct"], frame[f"{line}_gap_points"], strict=True)
        ]
    judged = judged_line(budget_type, headline)
    frame["lines"] = ",".join(shown)
    frame["headline"] = judged
    frame["status"] = frame[f"{judged}_status"]
    return frame


@lru_cache(maxsize=16)
def _headline(version: str) -> str:
    with read_only() as con:
        exists = con.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = 'report_settings'"
        ).fetchone()[0]
        row = (
            con.execute("SELECT value FROM report_settings WHERE name = 'headline_line'").fetchone() if exists else None
        )
    return row[0] if row and row[0] in LINES else DEFAULT_HEADLINE


def headline_line() -> str:
    """'overall' or 'investment': the line that drives status colours, map colours and rankings.

    From data/reference/reporting.toml (`headline_line`) as loaded into `report_settings`.
    """
    return _headline(data_version())
