"""Year-end projection: where each project, province, cluster, region and the nation will
likely stand on 30 Sep, from what is known on the as-of date only.

Why it is built this way (docs/projection.md has the full account and the backtest):
- Only what is known on the as-of date counts: the per-project state from
  `projects.state_cte` (contracts signed by then, payments posted by then,
  reallocations approved by then) and the payment history up to then. Nothing after
  the as-of date is read, so a projection made on 31 May can be checked against 30 Sep.
- Each project gets its own expected disbursement by the fiscal year's last day, from its
  unpaid balance and its plan; an area's projection is the plain sum of its projects',
  so every figure can be broken down into the projects that make it.
- The rates that turn a balance into expected payments are observed in this year's own
  data, never taken from another year or from a generator: how this year's plans are paid
  as a function of where each project stands in its own plan — the tenth of its plan's time
  elapsed, or the half-months after its planned end (budget_metrics.payment_timing: a
  chain-ladder of step hazards, each owner at its own pace by empirical Bayes, checked
  against the last quarter's payments) — how often unsigned investment projects get signed,
  and the payment rhythm for the path. The only numbers from outside the year are the
  settings below (the September rush, the priors and the band's scale), chosen on
  generated calibration years and frozen before the hold-out years were scored.
- The uncertainty band adds up the year's own uncertainties (each balance paid or not,
  each owner's pace, the national rates), wider where the data is thin, and a pace break
  (budget_metrics.pace_break) widens an area's band and flags it.

Money: per-project amounts are rounded to satang and summed as integers, so an area's
figure is exactly the sum of its projects'; DataFrame money columns are float baht for
display, percentages 0-100.
"""

from __future__ import annotations

import calendar as _calendar
import math
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal
from functools import lru_cache

import numpy as np
import pandas as pd

import settings
from budget_metrics import history_prior, pace_break, reference
from budget_metrics import payment_timing as timing
from budget_metrics.calendar import fiscal_year_bounds, fridays
from budget_metrics.connection import data_version, read_only
from budget_metrics.filters import Filters
from budget_metrics.formatting import format_date
from budget_metrics.projects import AREA_LEVELS, PROJECT_BASE, resolve_as_of, state_cte
from budget_metrics.targets import target_pct
from vocabulary import PACE_BREAK, word

# Model settings: judgement calls of the method, not decrees (those live in
# data/reference/). Chosen on the calibration years of bench/synthetic_years.py and the
# seed-2562 demo, frozen before the hold-out years were scored; see docs/projection.md and
# bench/backtest_projection.py (more settings in budget_metrics/payment_timing.py).
SIGNING_WINDOW_DAYS = 61  # investment projects unsigned this many days ago: share signed since gives the signing rate
RECENT_SIGNING_DAYS = 21  # ... unless the last three weeks' share differs from it beyond chance (then theirs)
SIGNING_CHANGE_CHANCE = 0.01  # "beyond chance": a binomial tail under 1 in 100 at the window's rate
SIGNING_CHANGE_RATIO = 2.0  # "differs": the recent daily rate at least twice the window's, or at most half
FREEZE_GAP_DAYS = 14  # this many days without an investment contract signed, after the first, are a freeze ...
FREEZE_UNSIGNED_SHARE = 1 / 3  # ... read as a pause while this share of the investment allocation is unsigned
# Round 23 (docs/projection.md, "Round 23 of issue 17"): before the year's first investment contract the year's own
# readings have nothing to read (its signing rate is 0, its contract hazards are the prior's), so round 19's pair
# stands in for them, and from the first contract on it is off. The chance that an unsigned investment project signs
# by 30 Sep is (1 - f) x the signing rate's + f x SIGNING_TABLE's cell for the days to 30 Sep (rows from
# SIGNING_TABLE_DAYS[i] days; none below the first) and the share of the investment allocation already signed
# (columns up to SIGNING_TABLE_SIGNED[j]), as the constant daily rate that gives it by 30 Sep, the band's signing term
# at the cell's spread across its year-dates (SIGNING_TABLE_SD, as a chance); what a contract signed later pays by the
# horizon is (1 - f) x what the contract hazards give + f x UNSIGNED_CURVE(x), x = the days left after signing over the
# contract's planned length. f = max(0, 1 - n / PAIR_FIRST_CONTRACTS), n = the investment contracts the year has
# signed by the as-of date (1: in full where it has signed none, off from its first; 0 = off everywhere). The table's
# cells are the value-weighted share of the investment allocation unsigned on the as-of date that signed by 30 Sep, on
# the 15th and last day of each month December-August in round 19's 78 seen stores (bench/projection_round19_study.py
# table); the curve's points the value-weighted share paid by 30 Sep of the investment contracts signed from 1 Mar in
# round 18's seen stores (bench/projection_round18_study.py curve). Round 24 (docs/projection.md, "Round 24 of issue
# 17"): N = 50, a ramp over the year's first weeks of signing (n = 10: the table at weight 0.8), where the year's own
# signing rate still reads days before its wave; scored on the 43 seen year-dates with 1 <= n < 50 it pushed no
# year-date out of a goal and took the provinces' mean |bias| 55.8 -> 27.0 and coverage 1% -> 26%.
PAIR_FIRST_CONTRACTS = 50.0
SIGNING_TABLE_DAYS = (90, 150, 210)
SIGNING_TABLE_SIGNED = (0.15, 0.3, 0.45, 2 / 3)
SIGNING_TABLE = ((0.83, 0.83, 0.83, 0.71), (0.93, 0.88, 0.88, 0.79), (0.92, 0.89, 0.88, 0.84))
SIGNING_TABLE_SD = ((0.12, 0.12, 0.12, 0.24), (0.06, 0.09, 0.08, 0.19), (0.06, 0.08, 0.11, 0.11))
UNSIGNED_CURVE = (
    (0.0, 0.0),
    (0.4, 0.21),
    (0.65, 0.37),
    (0.9, 0.52),
    (1.1, 0.65),
    (1.4, 0.77),
    (1.75, 0.86),
    (2.5, 0.93),
)
RECENT_PACE_DAYS = 28  # "the last four weeks" for the actual pace
YEAR_END_RUSH = 1.9  # hazards in the fiscal year's last month, against the pace seen so far (September rush)
BAND_SCALE = 0.9  # the band's spread over its variance terms (calibrated on generated years only)
BAND_Z = 1.2816  # the band is the central 80% (10th to 90th percentile) of a normal approximation
# Round 25 (docs/projection.md, "Round 25 of issue 17"): a soft cap on an area's spread, in points of its allocation:
# beyond BAND_SOFT_CAP_PCT only BAND_SOFT_CAP_SHARE of the excess counts (None: no cap), where at most
# BAND_SOFT_CAP_DAYS days are left to 30 Sep (from 31 May on: the month ends the study scored). Why: from 31 May the
# widest province bands (spread over 11 points: late acts, long and lumpy contracts) held the truth for 86-99% of
# provinces on most seen year-dates where they acted; of the cap's grid on the 282 seen year-dates (31 May, 30 Jun,
# 31 Jul) this one met the round's test with the most year-dates brought to all four goals (26 -> 28, none pushed out
# of a goal, no bias or cluster touched) and left the demo seeds' figures as they were. It also narrows six
# year-dates whose band already covered under 75% (money moved after the date), by 1-5 points.
BAND_SOFT_CAP_PCT: float | None = 11.0
BAND_SOFT_CAP_SHARE = 0.5
BAND_SOFT_CAP_DAYS = 122
# The rate is over the allocation known on the as-of date. Round 10 of issue 17 studied the allocation expected on
# 30 Sep (the money unsigned projects and contract savings would return by then, read from the last two months'
# returns); rounds 10 and 13 did not adopt it, and round 13 removed it (docs/projection.md, "Round 13"; the estimate
# is in git history at 6c7b930, projection._expected_returns).

# How a project's projection was reached (code -> Thai, English).
BASES = {
    "paid": ("เบิกจ่ายครบแล้ว", "fully paid"),
    "on_plan": ("ยังไม่ถึงกำหนดแล้วเสร็จ", "before its planned end"),
    "overdue": ("เกินกำหนดแล้วเสร็จ ยังเบิกไม่ครบ", "past its planned end, not fully paid"),
    "no_contract": ("งบลงทุนยังไม่ลงนามสัญญา", "investment project without a contract"),
    "no_allocation": ("ไม่มีงบประมาณคงเหลือ", "no allocation"),
}

LINES = ("overall", "investment")
# The columns areas are grouped and selected by (the rest of the numbers frame is "_" columns).
NUMBER_KEYS = ["project_code", "owner", "owner_type", "budget_type", "province_code", "cluster_code", "region"]
LEVELS = ("province", "cluster", "region", "budget_type", "nation")
# The levels whose areas the pace-break warning judges (a budget type or the nation is no area to chase).
PACE_LEVELS = ("province", "cluster", "region")
# National rates every project's projection shares: the contract and operating hazards per step, and signing.
SHARED_TERMS = 2 * timing.STEPS + 6  # + signing, + the two drift factors of each class, + the mixture
MIX_TERM = 2 * timing.STEPS + 5  # round 11: the gap between the two readings of the seen steps (baht)

# The columns the provinces and clusters CSV exports gain (see export_columns).
EXPORT_COLUMNS = [
    "projected_pct",
    "projected_low_pct",
    "projected_high_pct",
    "projected_carryover",
    "projected_lapse",
    "required_weekly",
    "pace_break_since",
]


@dataclass(frozen=True)
class ModelRates:
    """The rates observed this year up to the as-of date that drive every project's projection.

    completion_* are shares 0-1 of a plan's value paid by its planned end at the class's
    national pace (this year's step hazards and drift; each owner has its own pace factor);
    catch_up_*_monthly is the share 0-1 of a balance still unpaid at the planned end that is
    paid in the following 30 days; signing_chance is the chance 0-1 that an unsigned
    investment project signs before 30 Sep, signing_payable the expected share 0-1 of its
    contract then paid by 30 Sep; contract_days is how long a contract signed on the as-of
    date is expected to run (days); contract_ratio is contract price / allocation of this
    year's signed contracts (0-1). month_end_factor and quarter_end_factor are the payment
    rhythm seen in the months completed so far (for the path): how many times a normal day's
    payments a day in a month's last week, and a day in a quarter's last month, receive (1.0
    until there is a month to compare). from_past_years is True where the year had signed fewer than
    PAIR_FIRST_CONTRACTS investment contracts by the as-of date, so the signing chance and what a contract pays after
    signing lean on the fixed table and curve of past years (rounds 23-24: in full before the first contract, at
    weight 1 - n / PAIR_FIRST_CONTRACTS after) rather than on this year's own readings alone.
    """

    fiscal_year: int
    as_of: date
    completion_contract: float
    completion_operating: float
    catch_up_contract_monthly: float
    catch_up_operating_monthly: float
    signing_chance: float
    signing_payable: float
    contract_ratio: float
    contract_days: float
    month_end_factor: float
    quarter_end_factor: float
    from_past_years: bool = False


@dataclass(frozen=True)
class _Model:
    """The national per-project projection for one fiscal year and as-of date (cached)."""

    rates: ModelRates
    projects: pd.DataFrame  # every column, for project tables
    numbers: pd.DataFrame  # the keys and numbers areas are summed from (same rows and index)
    daily_weights: pd.Series  # rhythm weight per calendar day from the day after as-of to the year end
    # What areas add up beside the satang sums, one row per project (same rows as numbers), built once so a
    # view only groups it: satang per unit of each national rate that has an exposure (their variances in
    # shared_variance), then the baht paid in each week ending on the as-of date
    # (pace_break.WEEKS_KEPT columns), then 1 where the project was paid in the week (as many), then the
    # chance the payment-timing model gave it of paying in the week (as many; pace_break.expected_payers).
    view_inputs: np.ndarray
    shared_variance: np.ndarray
    # budget type (None: all) -> weekly sums of the same three (baht, paying projects, model-expected payers)
    national_weekly: dict[str | None, tuple[np.ndarray, np.ndarray, np.ndarray]]


def projection_as_of(filters: Filters) -> date:
    """The date the projection is made from: the filter's as-of date within the fiscal year."""
    start, end = fiscal_year_bounds(filters.fiscal_year)
    return min(max(resolve_as_of(filters), start), end)


def is_early_in_year(fiscal_year: int, as_of: date) -> bool:
    """True from 1 Oct to 31 Jan of the fiscal year: few contracts are signed yet and the backtests show the
    projection running low there (docs/projection.md, "Round 21 of issue 17"); the pages and the workbook say so
    beside it (vocabulary.PROJECTION_EARLY_CAVEAT)."""
    start, _ = fiscal_year_bounds(fiscal_year)
    return as_of < date(start.year + 1, 2, 1)


def caveat_kind(fiscal_year: int, as_of: date) -> str | None:
    """Which caveat goes beside a projection made on `as_of`: "past_years" while the year has signed fewer than
    PAIR_FIRST_CONTRACTS investment contracts and the signing chance leans on past years' table (rounds 23-24:
    backtested, it runs high before the first contract and still low after it), else
    "early" from 1 Oct to 31 Jan (`is_early_in_year`: it runs low), else None (vocabulary.PROJECTION_*_CAVEAT)."""
    if _model(fiscal_year, as_of).rates.from_past_years:
        return "past_years"
    return "early" if is_early_in_year(fiscal_year, as_of) else None


def model_rates(filters: Filters) -> ModelRates:
    """The year's observed rates behind the projection as of the filter's date (see ModelRates)."""
    return _model(filters.fiscal_year, projection_as_of(filters)).rates


def project_projection(filters: Filters) -> pd.DataFrame:
    """One row per selected project: its state on the as-of date and its expected year end.

    Columns include project_code, project_name, owner, owner_type, province_code,
    cluster_code, region, budget_type, implementing_agency, contract_signed, contract_date
    (None unless signed by the as-of date), planned_end (the plan the projection used; None
    for an unsigned investment project, whose plan dates are revised when it signs),
    current_allocation, committed, disbursed (float baht as of the date) and:
    - basis: 'paid', 'on_plan', 'overdue', 'no_contract' or 'no_allocation' (see BASES);
    - ceiling: most the project is expected to pay this year (baht): the signed contract
      plus money moved in (capped at the allocation), the allocation without a contract,
      or the expected contract price for an unsigned investment project;
    - completion_rate: share 0-1 of a plan's value paid by its planned end for this
      project's agency and area (shrunk towards the national rate);
    - signing_chance: chance 0-1 of signing before 30 Sep (unsigned investment only);
    - chance_paid: expected share 0-1 of the outstanding balance (ceiling - disbursed) paid
      by 30 Sep;
    - projected_disbursed, projected_carryover (committed but unpaid on 30 Sep),
      projected_lapse (neither committed nor spent), projected_shortfall (allocation -
      projected disbursed): float baht, with projected_disbursed + carryover + lapse =
      current_allocation; projected_pct: percent 0-100 of the current allocation;
    - reason_th / reason_en: the projection in words.
    """
    model = _model(filters.fiscal_year, projection_as_of(filters))
    frame = _select(model.projects, filters)
    names = _names(filters.fiscal_year, str(settings.database_path()), data_version())
    out = frame.drop(columns=[c for c in frame.columns if c.startswith("_")] + ["agency_id"])
    out = out.join(names, on="project_code")
    first = [
        "project_code",
        "project_name",
        "implementing_agency",
        "owner",
        "owner_type",
        "owner_name_th",
        "owner_name_en",
    ]
    out = out[first + [column for column in out.columns if column not in first]]
    for column in ("planned_end", "contract_date"):  # Python dates, None when there is none
        out[column] = [None if pd.isna(day) else day for day in out[column]]
    out["reason_th"], out["reason_en"] = _reasons(frame, model.rates.as_of)
    for column in ("projected_disbursed", "projected_carryover", "projected_lapse"):
        out[column] = frame[f"_{column}_satang"] / 100.0
    out["projected_shortfall"] = out["current_allocation"] - out["projected_disbursed"]
    out["projected_pct"] = (100.0 * out["projected_disbursed"] / out["current_allocation"]).where(
        out["current_allocation"] > 0
    )
    return out.reset_index(drop=True)


def area_projection(filters: Filters, level: str = "province", line: str = "overall") -> pd.DataFrame:
    """Projected year end per province / cluster / region / budget type / nation, for one target line.

    line 'overall': all budget types against the overall target; 'investment': investment
    projects only against the investment target (the two lines the government reports,
    never a mix). At province level only province-plan projects count, at cluster level the
    cluster's own and its provinces' projects (as in progress.area_progress). At level
    'budget_type' each type is judged against its own type's target ('investment' against
    the investment target, the others against the overall target); line 'investment' keeps
    only the investment row. Every province / cluster / region appears, even without
    projects.

    Columns: code, name_th, name_en, projects, current_allocation, disbursed,
    projected_disbursed, projected_carryover, projected_lapse, baht_at_risk (year-end target
    share of the allocation - projected disbursed, at least 0) — float baht; pct_disbursed,
    projected_pct, projected_low_pct, projected_high_pct (of the current allocation on the
    as-of date), target_pct (on the as-of date),
    target_year_end_pct, projected_gap_points (projected_pct - target_year_end_pct) —
    percent 0-100; and the required pace: next_quarter_end, target_next_quarter_pct,
    required_weekly_next_quarter, required_weekly (to the year-end target), recent_weekly
    (actual pace of the last four weeks) — baht per week; and the pace-break warning
    (budget_metrics.pace_break): pace_break (bool), pace_break_since (date the pace fell, None
    unless flagged), pace_break_th / pace_break_en (the warning in words), pace_recent_weekly,
    pace_expected_weekly (earlier pace carried forward by the nation's change) and
    pace_needed_weekly (the pace the projection assumes) — baht per week; judged for provinces,
    clusters and regions only (never flagged at the budget-type and nation levels). A flagged
    area's projected_low_pct reaches down to where its recent pace, continued to 30 Sep, would
    take it.
    """
    if level not in LEVELS:
        raise ValueError(f"level must be one of {LEVELS}")
    if line not in LINES:
        raise ValueError(f"line must be one of {LINES}")
    model = _model(filters.fiscal_year, projection_as_of(filters))
    frame = _select(model.numbers, filters)
    if line == "investment":
        frame = frame[frame["budget_type"] == "investment"]
    key = _level_key(frame, level)
    judged = level in PACE_LEVELS
    sums = _sums(frame, key, model, weekly=judged)
    names = _area_names(level)
    if names is not None:
        result = names.merge(sums, how="left", left_on="code", right_index=True)
    else:
        result = sums.reset_index().rename(columns={"index": "code", "_key": "code"})
        result.insert(1, "name_th", None)
        result.insert(2, "name_en", None)
    # The nation's weekly payments (of the line's and the filter's budget types, every area) carry an
    # area's earlier pace forward in the pace-break warning.
    kind = "investment" if line == "investment" else filters.budget_type
    empty = (np.zeros(pace_break.WEEKS_KEPT), np.zeros(pace_break.WEEKS_KEPT), np.zeros(pace_break.WEEKS_KEPT))
    national = model.national_weekly.get(kind, empty)
    return _finish(
        result,
        model.rates,
        level,
        line,
        national if judged else None,
        _weekly_rows(sums, result["code"]) if judged else None,
    )


def needs_intervention(
    filters: Filters, level: str = "province", line: str = "overall", drivers: int = 5
) -> pd.DataFrame:
    """Areas whose projection falls short of the year-end target by more than the threshold, and
    areas whose pace has broken (`pace_break`, budget_metrics.pace_break) even if not short.

    The threshold is `projection_shortfall_points` (reference thresholds, points). Rows
    are area_projection's, the pace-broken areas first (an early warning is read first), then
    by baht_at_risk (largest first), with `drivers`: the
    projects that drive the shortfall, largest first, each a dict with project_code,
    project_name, budget_type, basis, current_allocation, disbursed, projected_disbursed,
    shortfall (baht below the line's year-end target share of its allocation) and
    reason_th / reason_en.
    """
    limit = reference.thresholds().get("projection_shortfall_points", 10.0)
    areas = area_projection(filters, level, line)
    behind = areas[(areas["projected_gap_points"] < -limit) | areas["pace_break"]].copy()
    behind = behind.sort_values(["pace_break", "baht_at_risk", "code"], ascending=[False, False, True]).reset_index(
        drop=True
    )
    if behind.empty:
        behind["drivers"] = pd.Series(dtype=object)
        return behind
    model = _model(filters.fiscal_year, projection_as_of(filters))
    numbers = _select(model.numbers, filters)
    if line == "investment":
        numbers = numbers[numbers["budget_type"] == "investment"]
    year_end = _year_end_targets(filters.fiscal_year)
    if level == "budget_type":  # each type against its own target
        target = np.where(numbers["budget_type"] == "investment", year_end["investment"], year_end["overall"])
    else:
        target = np.full(len(numbers), year_end[line], dtype=float)
    # A project's shortfall: the line's year-end target share of its allocation not projected to be paid.
    shortfall_satang = np.rint(numbers["_allocation_satang"] * target / 100) - numbers["_projected_disbursed_satang"]
    work = pd.DataFrame(
        {
            "key": _level_key(numbers, level).values,
            "shortfall": shortfall_satang.values,
            "project_code": numbers["project_code"].values,
        },
        index=numbers.index,
    )
    work = work[work["key"].isin(set(behind["code"])) & (work["shortfall"] > 0)]
    work = work.sort_values(["key", "shortfall", "project_code"], ascending=[True, False, True])
    top = work.groupby("key", sort=False).head(drivers)
    rows = model.projects.loc[top.index]
    reason_th, reason_en = _reasons(rows, model.rates.as_of)
    names = _names(filters.fiscal_year, str(settings.database_path()), data_version())
    table = pd.DataFrame(
        {
            "project_code": rows["project_code"],
            "project_name": rows["project_code"].map(names["project_name"]),
            "budget_type": rows["budget_type"],
            "basis": rows["basis"],
            "current_allocation": rows["current_allocation"],
            "disbursed": rows["disbursed"],
            "projected_disbursed": rows["_projected_disbursed_satang"] / 100,
            "shortfall": top["shortfall"] / 100,
            "reason_th": reason_th,
            "reason_en": reason_en,
        }
    )
    by_area: dict[str, list[dict]] = {}
    for key, record in zip(top["key"], table.to_dict("records"), strict=True):
        by_area.setdefault(key, []).append(record)
    behind["drivers"] = [by_area.get(code, []) for code in behind["code"]]
    return behind


def export_columns(filters: Filters, level: str = "province") -> pd.DataFrame:
    """The projection columns the provinces / clusters CSV exports join on the area code.

    One row per area (overall line): code, projected_pct, projected_low_pct,
    projected_high_pct (percent 0-100), projected_carryover, projected_lapse (baht),
    required_weekly (baht per week needed from the as-of date to reach the year-end
    overall target; 0 when already reached, NaN on the year's last day) and
    pace_break_since (the day the area's pace fell when the pace-break warning is up, else None).
    """
    if level not in ("province", "cluster"):
        raise ValueError("level must be 'province' or 'cluster'")
    frame = area_projection(filters, level, "overall")
    return frame[["code", *EXPORT_COLUMNS]].reset_index(drop=True)


def projection_path(filters: Filters) -> pd.DataFrame:
    """The selection's curve continued to 30 Sep: weekly cumulative projected disbursement.

    Rows: the as-of date, then every Friday after it, then the fiscal year's last day.
    Columns: week_end, projected_disbursed (cumulative baht), projected_pct,
    projected_low_pct, projected_high_pct (percent 0-100 of the current allocation). Each
    project's expected payments are spread from the as-of date to its planned end (to 30 Sep
    when overdue or unsigned) following the payment rhythm seen so far this year (month-end
    and quarter-end peaks); the year-end point equals area_projection's nation row for the
    same selection.
    """
    model = _model(filters.fiscal_year, projection_as_of(filters))
    as_of = model.rates.as_of
    _, fy_end = fiscal_year_bounds(filters.fiscal_year)
    days = [as_of, *[d for d in fridays(as_of + timedelta(days=1), fy_end) if d < fy_end]]
    if fy_end > as_of:
        days.append(fy_end)
    weights = model.daily_weights
    frame = _select(model.numbers, filters)
    cumulative = np.concatenate([[0.0], weights.cumsum().to_numpy()])  # index 0 = as-of day
    offset = {day: (day - as_of).days for day in days}
    ends = np.clip(frame["_spread_days"].to_numpy(), 0, len(weights))
    remaining = (frame["_projected_disbursed_satang"] - frame["_disbursed_satang"]).to_numpy()
    paid = int(frame["_disbursed_satang"].sum())
    allocation = int(frame["_allocation_satang"].sum())
    sums = _sums(frame, pd.Series("all", index=frame.index), model, weekly=False)
    low_total = high_total = None
    if allocation > 0:
        whole = sums.reset_index().rename(columns={"_key": "code"}).assign(name_th=None, name_en=None)
        row = _finish(whole, model.rates, "nation", "overall")
        low_total, high_total = row["projected_low_pct"].iloc[0], row["projected_high_pct"].iloc[0]
    rows = []
    total_expected = remaining.sum()
    for day in days:
        upto = np.minimum(offset[day], ends)
        share = np.divide(cumulative[upto], cumulative[ends], out=np.ones(len(ends)), where=cumulative[ends] > 0)
        expected = float((remaining * share).sum())
        amount = (paid + expected) / 100
        pct = low = high = None
        if allocation > 0:
            progress = expected / total_expected if total_expected > 0 else 1.0
            pct = 100 * amount * 100 / allocation
            base_pct = 100 * paid / allocation
            low = base_pct + (low_total - base_pct) * progress
            high = base_pct + (high_total - base_pct) * progress
        rows.append(
            {
                "week_end": day,
                "projected_disbursed": amount,
                "projected_pct": pct,
                "projected_low_pct": low,
                "projected_high_pct": high,
            }
        )
    return pd.DataFrame(rows)


def projected_total(filters: Filters) -> Decimal:
    """Projected disbursement of the selected projects by 30 Sep, exact Decimal baht."""
    model = _model(filters.fiscal_year, projection_as_of(filters))
    frame = _select(model.numbers, filters)
    return Decimal(int(frame["_projected_disbursed_satang"].sum())) / 100


# --------------------------------------------------------------------------- aggregation


def _select(projects: pd.DataFrame, filters: Filters) -> pd.DataFrame:
    """The national per-project frame narrowed to the filter's projects (Filters.where decides)."""
    where, params = filters.where("p")
    codes = _selected_codes(filters.fiscal_year, where, tuple(params), str(settings.database_path()), data_version())
    if codes is None:
        return projects
    return projects[projects["project_code"].isin(codes)]


@lru_cache(maxsize=64)
def _selected_codes(fiscal_year: int, where: str, params: tuple, db: str, version: str) -> frozenset | None:
    """The selected project codes, or None when the filter selects the whole fiscal year."""
    with read_only() as con:
        total = con.execute("SELECT count(*) FROM projects WHERE fiscal_year = ?", [fiscal_year]).fetchone()[0]
        rows = con.execute(f"SELECT project_code FROM ({PROJECT_BASE}) p WHERE {where}", list(params)).fetchall()
    return None if len(rows) == total else frozenset(code for (code,) in rows)


def _level_key(frame: pd.DataFrame, level: str) -> pd.Series:
    if level == "nation":
        return pd.Series("all", index=frame.index)
    if level == "budget_type":
        return frame["budget_type"]
    return frame[AREA_LEVELS[level][0]]


def _area_names(level: str) -> pd.DataFrame | None:
    if level == "province":
        table = reference.provinces()[["province_code", "name_th", "name_en"]]
        return table.rename(columns={"province_code": "code"})
    if level == "cluster":
        return reference.clusters()[["cluster_code", "name_th", "name_en"]].rename(columns={"cluster_code": "code"})
    if level == "region":
        return reference.regions()[["region", "name_th", "name_en"]].rename(columns={"region": "code"})
    return None


SATANG_SUMS = [
    "_allocation_satang",
    "_disbursed_satang",
    "_projected_disbursed_satang",
    "_projected_carryover_satang",
    "_projected_lapse_satang",
    "_paid_four_weeks_ago_satang",
]


def _group_rows(matrix: np.ndarray, codes: np.ndarray, size: int) -> np.ndarray:
    """(size, columns): the rows of `matrix` added up per code 0..size-1 (one sort, one np.add.reduceat;
    exact for integers)."""
    out = np.zeros((size, matrix.shape[1]), dtype=matrix.dtype)
    if len(codes) == 0:
        return out
    order = np.argsort(codes, kind="stable")
    ordered = codes[order]
    starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
    out[ordered[starts]] = np.add.reduceat(matrix[order], starts, axis=0)
    return out


def _sums(frame: pd.DataFrame, key: pd.Series, model: _Model, weekly: bool = True) -> pd.DataFrame:
    """Per key: exact satang sums (int64), the project count, the band's variance terms and (weekly) the
    weekly payments of the pace-break warning."""
    codes, uniques = pd.factorize(key.to_numpy(), use_na_sentinel=True)
    keep = codes >= 0
    codes = codes[keep]
    size = len(uniques)
    sums: dict[str, np.ndarray] = {}
    satang = _group_rows(frame[SATANG_SUMS].to_numpy(dtype="int64")[keep], codes, size)
    for position, column in enumerate(SATANG_SUMS):
        sums[column] = satang[:, position]
    sums["projects"] = np.bincount(codes, minlength=size)
    sums["_outcome_variance"] = np.bincount(
        codes, weights=frame["_outcome_variance"].to_numpy(float)[keep], minlength=size
    )
    # One pace factor per owner and class is shared by its projects: its error moves them together.
    groups = frame["_rate_group"].to_numpy(dtype="int64")[keep]
    pair = codes * (int(groups.max()) + 1 if len(groups) else 1) + groups
    pairs, pair_codes = np.unique(pair, return_inverse=True)
    exposure = np.bincount(pair_codes, weights=frame["_rate_exposure"].to_numpy(float)[keep])
    variance = np.zeros(len(pairs))
    np.maximum.at(variance, pair_codes, frame["_rate_variance"].to_numpy(float)[keep])
    sums["_rate_term"] = np.bincount(
        pairs // (int(groups.max()) + 1 if len(groups) else 1), weights=exposure**2 * variance, minlength=size
    )
    # The national rates are shared by every project: their errors add up within an area.
    rows = frame.index.to_numpy()[keep]
    rates = len(model.shared_variance)
    inputs = model.view_inputs if weekly else model.view_inputs[:, :rates]
    whole = len(rows) == len(inputs) and bool((rows == np.arange(len(rows))).all())
    grouped = _group_rows(inputs if whole else inputs[rows], codes, size)
    sums["_shared_term"] = (grouped[:, :rates] ** 2 * model.shared_variance).sum(axis=1)
    table = pd.DataFrame(sums, index=pd.Index(uniques, name="_key"))
    # The weekly baht and paying projects (pace-break warning) stay a matrix beside the table, same rows.
    table.attrs["weekly"] = grouped[:, rates:] if weekly else None
    return table


def _weekly_rows(sums: pd.DataFrame, codes: pd.Series) -> np.ndarray:
    """The sums' weekly matrix (baht, paying projects, model-expected payers) in the order of `codes` (zeros for an area
    without projects)."""
    matrix = sums.attrs["weekly"]
    where = sums.index.get_indexer(codes.to_numpy())
    rows = np.zeros((len(where), matrix.shape[1]))
    found = where >= 0
    rows[found] = matrix[where[found]]
    return rows


def _finish(
    result: pd.DataFrame,
    rates: ModelRates,
    level: str,
    line: str,
    national: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None,
    weekly_rows: np.ndarray | None = None,
) -> pd.DataFrame:
    """Percentages, band, targets, required pace and the pace-break warning from the sums (numpy: this
    runs per view). national: the country's weekly baht and payments for the warning, weekly_rows the
    areas' (same rows as result); without them (the path's single row) no area is flagged."""
    fy, as_of = rates.fiscal_year, rates.as_of
    _, fy_end = fiscal_year_bounds(fy)

    def column(name: str) -> np.ndarray:
        return result[name].fillna(0).to_numpy(dtype=float)

    allocation = column("_allocation_satang") / 100
    disbursed = column("_disbursed_satang") / 100
    projected = column("_projected_disbursed_satang") / 100
    has = allocation > 0
    safe = np.where(has, allocation, 1.0)

    def pct(amount: np.ndarray) -> np.ndarray:
        return np.where(has, 100 * amount / safe, np.nan)

    pct_disbursed, projected_pct = pct(disbursed), pct(projected)
    sd = BAND_SCALE * np.sqrt(column("_outcome_variance") + column("_rate_term") + column("_shared_term")) / 100
    if BAND_SOFT_CAP_PCT is not None and (fy_end - as_of).days <= BAND_SOFT_CAP_DAYS:
        cap = BAND_SOFT_CAP_PCT / 100 * allocation
        sd = np.minimum(sd, cap) + BAND_SOFT_CAP_SHARE * np.maximum(sd - cap, 0.0)
    low = np.maximum(pct(projected - BAND_Z * sd), pct_disbursed)
    high = np.maximum(np.minimum(pct(projected + BAND_Z * sd), 100.0), projected_pct)

    # The pace-break warning; a flagged area's band reaches down to where its recent pace would take it.
    weeks_left = (fy_end - as_of).days / 7
    needed = (projected - disbursed) / weeks_left if weeks_left > 0 else np.full(len(result), np.nan)
    if national is not None and weekly_rows is not None and weeks_left > 0:
        weekly, payments, model_payers = np.hsplit(weekly_rows, 3)
        breaks = pace_break.pace_breaks(
            weekly,
            payments,
            national[0],
            national[1],
            needed,
            pct(projected - disbursed),
            as_of,
            pace_break.PaceLimits.from_thresholds(reference.thresholds()),
            model_payers,
            national[2],
        )
        flag, since, recent_pace, expected_pace = (
            breaks.flag & has,
            breaks.since,
            breaks.recent_weekly,
            breaks.expected_weekly,
        )
        low = np.where(flag, np.minimum(low, np.maximum(pct(disbursed + recent_pace * weeks_left), pct_disbursed)), low)
    else:
        flag = np.zeros(len(result), dtype=bool)
        since, recent_pace, expected_pace = (
            [None] * len(result),
            np.full(len(result), np.nan),
            np.full(len(result), np.nan),
        )

    # Targets: the line's scope, or each budget type's own scope at the budget-type level.
    codes = result["code"].to_numpy()
    investment_scope = (codes == "investment") if level == "budget_type" else np.full(len(codes), line == "investment")
    next_end = next((day for day in _quarter_ends(fy) if day > as_of), None)

    def by_scope(values: dict[str, float | None]) -> np.ndarray:
        def number(value: float | None) -> float:
            return np.nan if value is None else float(value)

        return np.where(investment_scope, number(values["investment"]), number(values["overall"]))

    target_now = by_scope({s: target_pct(fy, s, as_of) for s in LINES})
    target_year_end = by_scope(_year_end_targets(fy))
    target_next = by_scope({s: target_pct(fy, s, next_end) if next_end else None for s in LINES})
    recent = (column("_disbursed_satang") - column("_paid_four_weeks_ago_satang")) / 100
    flagged_since = [day if flagged else None for day, flagged in zip(since, flag, strict=True)]
    out = pd.DataFrame(
        {
            "code": codes,
            "name_th": result["name_th"].to_numpy(),
            "name_en": result["name_en"].to_numpy(),
            "projects": column("projects").astype(int),
            "current_allocation": allocation,
            "disbursed": disbursed,
            "projected_disbursed": projected,
            "projected_carryover": column("_projected_carryover_satang") / 100,
            "projected_lapse": column("_projected_lapse_satang") / 100,
            "pct_disbursed": pct_disbursed,
            "projected_pct": projected_pct,
            "projected_low_pct": np.where(has, low, np.nan),
            "projected_high_pct": np.where(has, high, np.nan),
            "target_pct": target_now,
            "target_year_end_pct": target_year_end,
            "projected_gap_points": projected_pct - target_year_end,
            "baht_at_risk": np.round(np.maximum(allocation * target_year_end / 100 - projected, 0), 2),
            "next_quarter_end": [next_end] * len(codes),
            "target_next_quarter_pct": target_next,
            "required_weekly_next_quarter": _required_weekly(allocation, disbursed, target_next, as_of, next_end),
            "required_weekly": _required_weekly(
                allocation, disbursed, target_year_end, as_of, fy_end if fy_end > as_of else None
            ),
            "recent_weekly": recent / (RECENT_PACE_DAYS / 7),
            "pace_break": flag,
            "pace_break_since": flagged_since,
            "pace_break_th": [_pace_words(day, "th") for day in flagged_since],
            "pace_break_en": [_pace_words(day, "en") for day in flagged_since],
            "pace_recent_weekly": recent_pace,
            "pace_expected_weekly": expected_pace,
            "pace_needed_weekly": needed,
        }
    )
    if level == "budget_type" and line == "investment":
        out = out[out["code"] == "investment"].reset_index(drop=True)
    return out


def _pace_words(day: date | None, lang: str) -> str | None:
    """'อัตราการเบิกจ่ายลดลงตั้งแต่ 14 มิ.ย. 2562' / 'pace has fallen since 14 Jun 2019'; None without a date."""
    return None if day is None else word(PACE_BREAK, "since", lang).format(date=format_date(day, lang))


def _required_weekly(
    allocation: np.ndarray, disbursed: np.ndarray, target: np.ndarray, as_of: date, until: date | None
) -> np.ndarray:
    """Baht per week from as_of to `until` to bring disbursed up to target % of the allocation (NaN: no date)."""
    if until is None or until <= as_of:
        return np.full(len(allocation), np.nan)
    weeks = (until - as_of).days / 7
    return np.round(np.maximum(allocation * target / 100 - disbursed, 0) / weeks, 2)


def _quarter_ends(fiscal_year: int) -> list[date]:
    start, _ = fiscal_year_bounds(fiscal_year)
    ends = []
    for months in (3, 6, 9, 12):
        year, month = start.year + (start.month - 1 + months - 1) // 12, (start.month - 1 + months - 1) % 12 + 1
        ends.append(date(year, month, _calendar.monthrange(year, month)[1]))
    return ends


def _year_end_targets(fiscal_year: int) -> dict[str, float | None]:
    _, end = fiscal_year_bounds(fiscal_year)
    return {scope: target_pct(fiscal_year, scope, end) for scope in LINES}


@lru_cache(maxsize=8)
def _names(fiscal_year: int, db: str, version: str) -> pd.DataFrame:
    """Project texts by project_code: project_name, implementing_agency, owner_name_th / _en.

    Kept apart from the numbers: turning long Thai text into pandas costs more than the
    whole model at national scale, and the texts do not depend on the as-of date.
    """
    with read_only() as con:
        frame = con.execute(
            f"""SELECT project_code, project_name, implementing_agency, owner_name_th, owner_name_en
                FROM ({PROJECT_BASE}) p WHERE p.fiscal_year = ?""",
            [fiscal_year],
        ).df()
    return frame.set_index("project_code")


# --------------------------------------------------------------------------- the model


def _model(fiscal_year: int, as_of: date) -> _Model:
    prior = history_prior.prior_setting()  # issue 18: last year's shape (weight 0: none)
    return _cached_model(fiscal_year, as_of, str(settings.database_path()), data_version(), prior)


@lru_cache(maxsize=16)
def _cached_model(
    fiscal_year: int, as_of: date, db: str, version: str, prior: history_prior.PriorSetting | None = None
) -> _Model:
    frame, payments = _history(fiscal_year, as_of)
    limits = reference.thresholds()
    model = _project(frame, payments, fiscal_year, as_of, limits.get("fully_paid_pct", 100.0) / 100)
    return history_prior.blend(model, fiscal_year, as_of, prior)


def _history(fiscal_year: int, as_of: date) -> tuple[pd.DataFrame, dict[str, np.ndarray]]:
    """Every project of the year as of the date, and every current-year payment up to it
    (position of its project in the frame, day number from the fiscal year's first day, baht)."""
    cte, params = state_cte(Filters(fiscal_year=fiscal_year), as_of)
    start, _ = fiscal_year_bounds(fiscal_year)
    with read_only() as con:
        frame = con.execute(
            f"""{cte}
            SELECT s.project_code, s.owner, s.owner_type, s.province_code, s.cluster_code, s.region,
                   s.budget_type,
                   -- an agency as a number (its name is long text, slow to hand to pandas)
                   dense_rank() OVER (ORDER BY coalesce(nullif(trim(s.implementing_agency), ''), '-')) AS agency_id,
                   s.planned_start, s.planned_end,
                   CASE WHEN s.contract_date <= ? THEN s.contract_date END AS contract_date,
                   s.contract_amount IS NOT NULL AS contract_signed,
                   s.contract_amount::DOUBLE AS contract_amount,
                   s.allocated_amount::DOUBLE AS allocated_amount,
                   s.reallocated_in::DOUBLE AS reallocated_in,
                   s.current_allocation::DOUBLE AS current_allocation,
                   s.committed::DOUBLE AS committed,
                   s.disbursed::DOUBLE AS disbursed,
                   (s.current_allocation * 100)::BIGINT AS _allocation_satang,
                   (s.disbursed * 100)::BIGINT AS _disbursed_satang,
                   (s.committed * 100)::BIGINT AS _committed_satang
            FROM state3 s
            ORDER BY s.project_code""",
            [*params, as_of],
        ).df()
        # Positions follow the frame's order (project_code) so payments index straight into it.
        payments = con.execute(
            """WITH pos AS (SELECT project_code,
                                   (row_number() OVER (ORDER BY project_code) - 1)::INTEGER AS position
                            FROM projects WHERE fiscal_year = ?)
               SELECT pos.position, datediff('day', ?::DATE, d.posting_date)::INTEGER AS day,
                      d.amount::DOUBLE AS amount
               FROM disbursements d JOIN pos USING (project_code)
               WHERE d.source = 'current' AND d.posting_date <= ?""",
            [fiscal_year, start, as_of],
        ).fetchnumpy()
    for column in ("planned_start", "planned_end", "contract_date"):
        frame[column] = pd.to_datetime(frame[column]).dt.date
    return frame, {name: np.asarray(values) for name, values in payments.items()}


def _project(
    frame: pd.DataFrame,
    payments: dict[str, np.ndarray],
    fiscal_year: int,
    as_of: date,
    fully_paid_share: float,
    horizon_date: date | None = None,
) -> _Model:
    """The per-project projection (module docstring, budget_metrics.payment_timing, docs/projection.md): what
    each project is expected to have paid by the horizon (the fiscal year's last day unless given: an earlier
    horizon is the in-year check of the band, _in_year_check)."""
    fy_start, fy_end = fiscal_year_bounds(fiscal_year)
    today = (as_of - fy_start).days
    year_end = (fy_end - fy_start).days
    horizon = year_end if horizon_date is None else min(max((horizon_date - fy_start).days, today), year_end)
    days_left = horizon - today
    n = len(frame)
    ledger = timing.Ledger.build(payments["position"], payments["day"], payments["amount"], n)

    # The payment rhythm for the path: a weight per day of the year (month and quarter ends weigh more).
    daily = np.bincount(np.clip(payments["day"], 0, year_end), weights=payments["amount"], minlength=year_end + 1)
    seen = np.flatnonzero(daily[: today + 1])
    month_end_factor, quarter_end_factor = _rhythm(
        pd.DataFrame({"day": [fy_start + timedelta(days=int(d)) for d in seen], "amount": daily[seen]}),
        fiscal_year,
        as_of,
    )
    day_weights = _year_weights(fiscal_year, month_end_factor, quarter_end_factor)

    allocation = frame["current_allocation"].to_numpy(float)
    disbursed = frame["disbursed"].to_numpy(float)
    contract = frame["contract_amount"].to_numpy(float)
    investment = (frame["budget_type"] == "investment").to_numpy()
    with_contract = investment & frame["contract_signed"].to_numpy(bool)
    unsigned = investment & ~with_contract
    operating = ~investment

    def day_number(column: str) -> np.ndarray:
        return (pd.to_datetime(frame[column]) - pd.Timestamp(fy_start)).dt.days.to_numpy(float)

    signed_day = day_number("contract_date")  # NaN: not signed by the as-of date, or on an unknown day
    # Each plan runs from its contract signing (or planned start) to its planned end. An unsigned
    # investment project's plan dates are not used: they are revised when it signs.
    plan_start = np.where(with_contract & ~np.isnan(signed_day), signed_day, day_number("planned_start"))
    plan_start = np.where(np.isnan(plan_start), 0.0, plan_start)
    plan_end = day_number("planned_end")
    plan_end = np.maximum(np.where(np.isnan(plan_end), float(year_end), plan_end), plan_start + 1)

    # The most each project can pay this year on what is known: its contract plus money moved in.
    ceiling = allocation.copy()
    ceiling[with_contract] = np.minimum(allocation, contract + frame["reallocated_in"].to_numpy(float))[with_contract]
    outstanding = np.maximum(ceiling - disbursed, 0.0)
    owners = pd.factorize(frame["owner"])[0]
    owner_count = int(owners.max()) + 1 if n else 0

    chance = np.zeros(n)  # expected share of the outstanding balance paid by 30 Sep
    completion = np.full(n, np.nan)  # expected share of a plan paid by its planned end (owner's pace)
    factor_exposure = np.zeros(n)  # baht the projection moves per unit of the owner's log pace factor
    factor_variance = np.zeros(n)
    shared = np.zeros((n, SHARED_TERMS))  # baht per unit of each national hazard (and per sd of signing)
    shared_variance = np.zeros(SHARED_TERMS)
    g_now = timing.development(np.full(n, float(today)), plan_start, plan_end)
    g_end = timing.development(np.full(n, float(horizon)), plan_start, plan_end)
    # Where each project will stand when the year's last month starts (its hazards weigh YEAR_END_RUSH there).
    last_month = float((date(fy_end.year, fy_end.month, 1) - fy_start).days)
    g_rush = np.clip(timing.development(np.full(n, last_month), plan_start, plan_end), g_now, g_end)
    fitted: dict[str, tuple[timing.Hazards, timing.PaceFactors, timing.Drift]] = {}
    # Round 11: each contract's chance under the plan paid in full and under the plan at its seen pace, where the
    # two readings differ (NaN elsewhere).
    plan_chance = np.full(n, np.nan)
    seen_chance = np.full(n, np.nan)
    for column, (name, members) in enumerate((("contract", with_contract), ("operating", operating))):
        index = np.flatnonzero(members)
        at_steps = timing.paid_at_steps(ledger, index, plan_start[index], plan_end[index], ceiling[index], today)
        hazards = timing.fit_hazards(
            ledger, index, plan_start[index], plan_end[index], ceiling[index], today, at_steps, name == "contract"
        )
        factors = timing.pace_factors(owners[index], owner_count, hazards.actual, hazards.expected, hazards.residual2)
        drift = timing.drift(
            ledger,
            index,
            plan_start[index],
            plan_end[index],
            ceiling[index],
            today,
            fully_paid_share,
            at_steps,
            name == "contract",
        )
        fitted[name] = (hazards, factors, drift)
        theta = np.exp(factors.log_factor[owners[index]])
        inside, after = _paths(hazards.hazard, g_now[index], g_rush[index], g_end[index])
        change = drift.plan_factor * inside + drift.post_factor * after  # log survival to 30 Sep, class pace
        left = np.exp(theta * change)
        chance[index] = 1 - left
        if hazards.other is not None:
            inside_other, after_other = _paths(hazards.other, g_now[index], g_rush[index], g_end[index])
            other = 1 - np.exp(theta * (drift.plan_factor * inside_other + drift.post_factor * after_other))
            seen_chance[index], plan_chance[index] = (
                (chance[index], other) if hazards.seen_primary else (other, chance[index])
            )
        completion[index] = 1 - np.exp(
            theta * drift.plan_factor * timing.log_survival(hazards.hazard, np.full(len(index), 10.0))
        )
        factor_exposure[index] = -outstanding[index] * left * theta * change
        factor_variance[index] = factors.variance[owners[index]]
        block = slice(column * timing.STEPS, (column + 1) * timing.STEPS)
        weight = _step_weights(drift, g_now[index], g_rush[index], g_end[index])
        shared[index, block] = (outstanding[index] * left * theta)[:, None] * weight / (1 - hazards.hazard)[None, :]
        shared_variance[block] = hazards.variance
        # The drift factors are one national estimate each: their errors move every project of the class.
        drift_column = 2 * timing.STEPS + 1 + 2 * column
        shared[index, drift_column] = -outstanding[index] * left * theta * drift.plan_factor * inside
        shared[index, drift_column + 1] = -outstanding[index] * left * theta * drift.post_factor * after
        shared_variance[drift_column : drift_column + 2] = (drift.plan_log_variance, drift.post_log_variance)

    # Signing: of the investment projects unsigned SIGNING_WINDOW_DAYS ago, the share signed since, unless the
    # last RECENT_SIGNING_DAYS clearly differ from it (a catch-up after a freeze): then theirs. While much is
    # unsigned, a freeze's days are skipped and that reading is a floor (round 5).
    signing = _signing_rate(signed_day, with_contract, investment, today, allocation)
    signing_daily = signing.daily
    signed_since = signing.signed_since
    allocated = frame["allocated_amount"].to_numpy(float)
    contract_ratio = (
        float(contract[with_contract].sum() / allocated[with_contract].sum()) if with_contract.any() else 1.0
    )
    # How long a contract signed later will run. Either plans are fitted to the year (a contract runs a
    # share of what is left of the year when it is signed) or they have a length of their own: whichever
    # describes this year's signed contracts more tightly (median absolute deviation of the log), and
    # then its median over the contracts signed recently (all dated ones when fewer than five).
    dated = with_contract & ~np.isnan(signed_day) & (signed_day < year_end)
    pool = signed_since & dated if (signed_since & dated).sum() >= 5 else dated
    lengths = np.maximum(plan_end - signed_day, 1.0)
    shares = lengths / np.maximum(year_end - signed_day, 1.0)
    fitted_to_year = dated.sum() >= 5 and _log_spread(shares[dated]) < _log_spread(lengths[dated])
    if not pool.any():
        length_share, contract_days = 0.5, max(days_left / 2, 1.0)
    elif fitted_to_year:
        length_share, contract_days = float(np.median(shares[pool])), None
    else:
        length_share, contract_days = None, float(np.median(lengths[pool]))
    first = _first_contracts_share(with_contract)
    table = _signing_table(with_contract, investment, allocation, year_end - today, first)
    if table is not None:
        # Round 23: before the year's first contract, the chance of signing by 30 Sep from the fixed table's cell,
        # as a constant daily rate from today to 30 Sep; the band's signing term at the cell's spread.
        cell, cell_sd = table
        to_end = float(year_end - today)
        chance_by_end = min((1 - first) * float(_signed_by(signing_daily, to_end)) + first * cell, 0.99)
        signing_daily = -math.log(1 - chance_by_end) / to_end
        table_sd = cell_sd / ((1 - chance_by_end) * to_end)
        signing = replace(signing, daily_sd=(1 - first) * signing.daily_sd + first * table_sd)
    signing_chance = float(_signed_by(signing_daily, float(max(days_left, 0))))
    contract_fit, _, contract_drift = fitted["contract"]
    contract_hazard = contract_fit.hazard
    expected_contract = allocation * contract_ratio

    def _payable(
        log_factors: np.ndarray, daily_rate: float, hazard: np.ndarray = contract_hazard
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Unsigned projects of owners at these pace factors (logs): the expected share of a contract paid by
        the horizon (signing at the daily rate (a constant share: `_signed_by`), then paid along
        the contract hazards (`hazard`) at the owner's pace and this year's drift), its slope by each hazard (owners,
        STEPS), and by the log of each drift factor — one row per owner (the paths are the same for every owner;
        only the pace differs)."""
        owners_given = len(log_factors)
        if days_left <= 0 or daily_rate <= 0:
            return (
                np.zeros(owners_given),
                np.zeros((owners_given, timing.STEPS)),
                np.zeros(owners_given),
                np.zeros(owners_given),
            )
        offsets = np.arange(0, days_left, 7, dtype=float) + today  # signing in the week starting here
        edges = np.append(offsets[1:], float(horizon))
        density = _signed_by(daily_rate, edges - today) - _signed_by(daily_rate, offsets - today)
        signed = (offsets + edges) / 2
        ends = signed + (
            np.maximum(length_share * (year_end - signed), 1.0) if contract_days is None else contract_days
        )
        g_start = np.zeros(len(signed))
        g_final = timing.development(np.full(len(signed), float(horizon)), signed, ends)
        g_month = np.clip(timing.development(np.full(len(signed), last_month), signed, ends), 0, g_final)
        inside, after = _paths(hazard, g_start, g_month, g_final)
        theta = np.exp(np.asarray(log_factors, dtype=float))[:, None]  # (owners, 1)
        change = contract_drift.plan_factor * inside + contract_drift.post_factor * after
        left = np.exp(theta * change[None, :])  # (owners, weeks)
        weight = _step_weights(contract_drift, g_start, g_month, g_final)  # (weeks, STEPS)
        slope = ((density[None, :] * left * theta) @ weight) / (1 - hazard)[None, :]
        plan_slope = -(density[None, :] * left * theta * (contract_drift.plan_factor * inside)[None, :]).sum(axis=1)
        post_slope = -(density[None, :] * left * theta * (contract_drift.post_factor * after)[None, :]).sum(axis=1)
        paid = 1 - left
        if first > 0:
            # Round 23: before the year's first contract, each signing week's share paid by the horizon from the
            # fixed curve of the days left after signing over the contract's length; the curve has no pace or drift
            # term, so the slopes keep (1 - f) of theirs.
            points = np.asarray(UNSIGNED_CURVE, dtype=float)
            x = (float(horizon) - signed) / np.maximum(ends - signed, 1.0)
            paid = (1 - first) * paid + first * np.interp(x, points[:, 0], points[:, 1])[None, :]
            slope, plan_slope, post_slope = (part * (1 - first) for part in (slope, plan_slope, post_slope))
        return (density[None, :] * paid).sum(axis=1), slope, plan_slope, post_slope

    signing_payable_total = float(_payable(np.zeros(1), signing_daily)[0][0])
    if unsigned.any():
        outstanding[unsigned] = np.maximum(expected_contract - disbursed, 0.0)[unsigned]
        ceiling[unsigned] = np.maximum(expected_contract, disbursed)[unsigned]
        contract_factors = fitted["contract"][1]
        signing_sd = signing.daily_sd
        rows = np.flatnonzero(unsigned)
        log_factor = contract_factors.log_factor[owners[rows]]
        owner_set, position = np.unique(owners[rows], return_inverse=True)
        factors_of = contract_factors.log_factor[owner_set]
        share, slope, plan_slope, post_slope = (part[position] for part in _payable(factors_of, signing_daily))
        faster = _payable(factors_of + 0.1, signing_daily)[0][position]
        up = _payable(factors_of, signing_daily + signing_sd)[0][position]
        down = _payable(factors_of, max(signing_daily - signing_sd, 0.0))[0][position]
        chance[rows] = share
        completion[rows] = 1 - np.exp(
            np.exp(log_factor) * contract_drift.plan_factor * timing.log_survival(contract_hazard, np.array(10.0))
        )
        factor_exposure[rows] = outstanding[rows] * (faster - share) / 0.1
        factor_variance[rows] = contract_factors.variance[owners[rows]]
        shared[rows, : timing.STEPS] = outstanding[rows, None] * slope
        shared[rows, 2 * timing.STEPS] = outstanding[rows] * (up - down) / 2  # per sd of the signing rate
        shared[rows, 2 * timing.STEPS + 1] = outstanding[rows] * plan_slope
        shared[rows, 2 * timing.STEPS + 2] = outstanding[rows] * post_slope
        shared_variance[2 * timing.STEPS] = 1.0
        if contract_fit.other is not None:
            other = _payable(factors_of, signing_daily, contract_fit.other)[0][position]
            seen_chance[rows], plan_chance[rows] = (share, other) if contract_fit.seen_primary else (other, share)

    # Round 11: where the two readings of the seen steps differ, the projection at the seen-steps reading's weight
    # (SEEN_MIX_MEAN; else the gate's reading) and the band's variance the mixture's around it (SEEN_MIX_BAND).
    mixed = ~np.isnan(plan_chance)
    if mixed.any():
        chance[mixed], shared[mixed, MIX_TERM], shared_variance[MIX_TERM] = timing.seen_mixture(
            plan_chance[mixed], seen_chance[mixed], outstanding[mixed], contract_fit
        )

    # Fully paid: fully_paid_pct of the contract (or of the allocation without one); the rest is savings.
    fully_paid = ~unsigned & (disbursed >= fully_paid_share * ceiling - 0.005)
    no_allocation = allocation <= 0
    settled = fully_paid | no_allocation
    chance[settled] = 0.0
    factor_exposure[settled] = 0.0
    shared[settled] = 0.0
    chance = np.clip(chance, 0.0, 1.0)
    due = ~unsigned & (g_now >= timing.PLAN_STEPS)
    basis = np.where(unsigned, "no_contract", np.where(due, "overdue", "on_plan")).astype(object)
    basis[fully_paid] = "paid"
    basis[no_allocation] = "no_allocation"

    projected = np.minimum(disbursed + outstanding * chance, np.maximum(allocation, disbursed))
    allocation_satang = frame["_allocation_satang"].to_numpy("int64")
    disbursed_satang = frame["_disbursed_satang"].to_numpy("int64")
    projected_satang = np.maximum(np.rint(projected * 100).astype("int64"), disbursed_satang)
    # Carry-over: committed on 30 Sep but not paid; lapse: the rest of the allocation.
    committed = frame["_committed_satang"].to_numpy(float)
    committed[unsigned] = np.maximum(committed, np.rint(expected_contract * signing_chance * 100))[unsigned]
    committed = np.minimum(
        np.maximum(committed, projected_satang), np.maximum(allocation_satang, disbursed_satang)
    ).astype("int64")
    carryover_satang = np.maximum(committed - projected_satang, 0)
    lapse_satang = np.maximum(allocation_satang - projected_satang - carryover_satang, 0)
    recent_satang = np.rint(100 * (disbursed - ledger.paid_by(np.arange(n), np.full(n, today - RECENT_PACE_DAYS))))

    result = frame.copy()
    result["planned_end"] = frame["planned_end"].where(~unsigned, None)  # the plan the projection used
    result["basis"] = basis
    result["ceiling"] = ceiling.round(2)
    result["completion_rate"] = np.where(settled, np.nan, completion)
    result["signing_chance"] = np.where(unsigned & ~no_allocation, signing_chance, np.nan)
    result["chance_paid"] = chance
    result["_outstanding"] = outstanding
    result["_projected_disbursed_satang"] = projected_satang
    result["_projected_carryover_satang"] = carryover_satang
    result["_projected_lapse_satang"] = lapse_satang
    result["_paid_four_weeks_ago_satang"] = disbursed_satang - recent_satang.astype("int64")
    # The band's terms (satang): each balance paid or not (a Bernoulli outcome); the owner's pace factor,
    # shared by its projects of a class; the national hazards and signing rate, shared by every project.
    result["_outcome_variance"] = (outstanding * 100) ** 2 * chance * (1 - chance)
    result["_rate_exposure"] = factor_exposure * 100
    result["_rate_variance"] = factor_variance
    result["_rate_group"] = pd.factorize(frame["owner"] + np.where(operating, "|operating", "|contract"))[0]
    # Where the path spreads the expected payments: up to the planned end, else to 30 Sep.
    result["_spread_days"] = np.where(basis == "on_plan", np.clip(plan_end - today, 1, days_left), days_left).astype(
        int
    )

    contract_hazards, operating_hazards = fitted["contract"][0].hazard, fitted["operating"][0].hazard

    def by_end(hazard: np.ndarray) -> float:
        return float(1 - np.exp(timing.log_survival(hazard, np.array(float(timing.PLAN_STEPS)))))

    def first_month(hazard: np.ndarray) -> float:
        ten = float(timing.PLAN_STEPS)
        return float(
            1
            - np.exp(
                timing.log_survival(hazard, np.array(ten + 30 / timing.POST_STEP_DAYS))
                - timing.log_survival(hazard, np.array(ten))
            )
        )

    rates = ModelRates(
        fiscal_year=fiscal_year,
        as_of=as_of,
        completion_contract=by_end(contract_hazards),
        completion_operating=by_end(operating_hazards),
        catch_up_contract_monthly=first_month(contract_hazards),
        catch_up_operating_monthly=first_month(operating_hazards),
        signing_chance=signing_chance,
        signing_payable=signing_payable_total / signing_chance if signing_chance > 0 else 0.0,
        contract_ratio=contract_ratio,
        contract_days=contract_days if contract_days is not None else max(length_share * days_left, 1.0),
        month_end_factor=month_end_factor,
        quarter_end_factor=quarter_end_factor,
        from_past_years=table is not None,
    )
    numbers = result[[*NUMBER_KEYS, *[c for c in result.columns if c.startswith("_")]]]
    # Each project's payments in the weeks ending on the as-of date (for the pace-break warning): week 0
    # holds the 7 days to the as-of date.
    weeks = pace_break.WEEKS_KEPT
    week = (today - payments["day"]) // 7
    recent = (week >= 0) & (week < weeks)
    cell = payments["position"][recent].astype(np.int64) * weeks + week[recent]
    weekly = np.bincount(cell, weights=payments["amount"][recent], minlength=n * weeks).reshape(n, weeks)
    # Paying projects, not documents: one payment is often posted as several documents, which would make
    # the count clump and the warning's Poisson test too eager.
    paying = cell[payments["amount"][recent] > 0]
    weekly_payments = (np.bincount(paying, minlength=n * weeks) > 0).reshape(n, weeks).astype(float)
    # What the class's hazards expected each signed contract and operating project to pay in those weeks
    # (the pace-break warning's evidence weighs a silent week by how due the area's projects were).
    model_payers = np.zeros((n, weeks))
    for name, members in (("contract", with_contract), ("operating", operating)):
        index = np.flatnonzero(members)
        model_payers[index] = pace_break.expected_payers(
            disbursed[index],  # paid by the as-of date (the ledger's sum to today: the same figures)
            weekly[index],
            plan_start[index],
            plan_end[index],
            ceiling[index],
            fitted[name][0].hazard,
            today,
            fully_paid_share,
        )
    exposed = np.flatnonzero((shared_variance > 0) & (np.abs(shared).sum(axis=0) > 0))
    view_inputs = np.hstack([shared[:, exposed] * 100, weekly, weekly_payments, model_payers])
    national_weekly = {None: (weekly.sum(axis=0), weekly_payments.sum(axis=0), model_payers.sum(axis=0))}
    for kind in np.unique(frame["budget_type"].to_numpy()):
        of_kind = (frame["budget_type"] == kind).to_numpy()
        national_weekly[str(kind)] = (
            weekly[of_kind].sum(axis=0),
            weekly_payments[of_kind].sum(axis=0),
            model_payers[of_kind].sum(axis=0),
        )
    return _Model(
        rates,
        result,
        numbers.copy(),
        pd.Series(day_weights[today + 1 :], dtype=float),
        view_inputs,
        shared_variance[exposed],
        national_weekly,
    )


# --------------------------------------------------------------------------- the in-year check


IN_YEAR_MIN_DAYS = 60  # the check's earlier projection is made at least this many days into the year
IN_YEAR_LONGEST_DAYS = 366  # and at most this many days before the as-of date


@dataclass(frozen=True)
class InYearCheck:
    """The projection made earlier this year checked against what has been paid since (`_in_year_check`).

    checked_from: the earlier as-of date; codes: the provinces checked; projected, paid, spread: per province
    the projection made on checked_from for the as-of date, what was actually paid by the as-of date, and
    the model's standard deviation of that projection (baht, before BAND_SCALE); allocation: the
    provinces' allocation (baht)."""

    checked_from: date | None
    codes: np.ndarray
    projected: np.ndarray
    paid: np.ndarray
    spread: np.ndarray
    allocation: np.ndarray


def _state_on(
    frame: pd.DataFrame, payments: dict[str, np.ndarray], fiscal_year: int, day: date
) -> tuple[pd.DataFrame, dict[str, np.ndarray]]:
    """The projects' state and payments on an earlier `day`, from the as-of date's (no query): payments up to
    the day, contracts dated after it unsigned. Allocations stay the as-of date's (reallocations between the
    two dates are few; the check compares money paid)."""
    start, _ = fiscal_year_bounds(fiscal_year)
    upto = payments["day"] <= (day - start).days
    earlier = {name: values[upto] for name, values in payments.items()}
    paid = np.bincount(earlier["position"], weights=earlier["amount"], minlength=len(frame))
    later = np.array(
        [value is not None and not pd.isna(value) and value > day for value in frame["contract_date"]], dtype=bool
    )
    state = frame.copy()
    state["disbursed"] = paid
    state["_disbursed_satang"] = np.rint(paid * 100).astype("int64")
    state.loc[later, "contract_date"] = None
    state.loc[later, "contract_signed"] = False
    state.loc[later, "contract_amount"] = np.nan
    committed = np.where(
        state["contract_signed"].to_numpy(bool), state["contract_amount"].fillna(0).to_numpy(float), 0.0
    )
    state["committed"] = np.maximum(committed, paid)
    state["_committed_satang"] = np.rint(state["committed"].to_numpy(float) * 100).astype("int64")
    return state, earlier


def _in_year_check(
    frame: pd.DataFrame,
    payments: dict[str, np.ndarray],
    fiscal_year: int,
    as_of: date,
    fully_paid_share: float,
    longest_days: int | None = None,
) -> InYearCheck:
    """The projection the model would have made earlier this year for the as-of date, per province, beside
    what was paid by then: the year's own record of how far the model has been off, over a horizon as long
    as the one still ahead (at most the days since IN_YEAR_MIN_DAYS into the year)."""
    fy_start, fy_end = fiscal_year_bounds(fiscal_year)
    today = (as_of - fy_start).days
    horizon = min((fy_end - as_of).days, today - IN_YEAR_MIN_DAYS, longest_days or IN_YEAR_LONGEST_DAYS)
    empty = np.zeros(0)
    if horizon < 14 or frame.empty:
        return InYearCheck(None, np.zeros(0, dtype=object), empty, empty, empty, empty)
    earlier_day = as_of - timedelta(days=horizon)
    state, earlier = _state_on(frame, payments, fiscal_year, earlier_day)
    model = _project(state, earlier, fiscal_year, earlier_day, fully_paid_share, horizon_date=as_of)
    numbers = model.numbers
    key = _level_key(numbers, "province")
    sums = _sums(numbers, key, model, weekly=False)
    paid_now = (
        pd.Series(frame["_disbursed_satang"].to_numpy("int64"), index=numbers.index)
        .groupby(key)
        .sum()
        .reindex(sums.index)
        .fillna(0)
        .to_numpy(float)
    )
    spread = np.sqrt(sums["_outcome_variance"] + sums["_rate_term"] + sums["_shared_term"]).to_numpy(float)
    return InYearCheck(
        earlier_day,
        sums.index.to_numpy(),
        sums["_projected_disbursed_satang"].to_numpy(float) / 100,
        paid_now / 100,
        spread / 100,
        sums["_allocation_satang"].to_numpy(float) / 100,
    )


@dataclass(frozen=True)
class SigningRate:
    """The daily chance that an unsigned investment project signs (constant to 30 Sep), its standard error
    (per day), the window it was read from (days) and which projects signed in that window (bool array)."""

    daily: float
    daily_sd: float
    window_days: int
    signed_since: np.ndarray


def _first_contracts_share(with_contract: np.ndarray) -> float:
    """Round 23: the pair's share f = max(0, 1 - n / PAIR_FIRST_CONTRACTS), n = the investment contracts the year
    has signed by the as-of date (`with_contract`); 0 when off."""
    if PAIR_FIRST_CONTRACTS <= 0:
        return 0.0
    return max(0.0, 1.0 - float(with_contract.sum()) / PAIR_FIRST_CONTRACTS)


def _signing_table(
    with_contract: np.ndarray, investment: np.ndarray, allocation: np.ndarray, days_to_end: int, first: float
) -> tuple[float, float] | None:
    """Round 23: SIGNING_TABLE's cell and its spread (chances by 30 Sep) for the days to 30 Sep and the share of the
    investment allocation signed; None where the pair is off (`first` 0), below the table's first row, or beyond its
    last column (no seen year-date gave a cell there)."""
    if first <= 0 or days_to_end < SIGNING_TABLE_DAYS[0]:
        return None
    total = float(allocation[investment].sum())
    if total <= 0:
        return None
    signed_share = float(allocation[investment & with_contract].sum()) / total
    if signed_share > SIGNING_TABLE_SIGNED[-1]:
        return None
    row = int(np.searchsorted(SIGNING_TABLE_DAYS, days_to_end, side="right")) - 1
    column = min(int(np.searchsorted(SIGNING_TABLE_SIGNED, signed_share, side="right")), len(SIGNING_TABLE_SIGNED) - 1)
    return SIGNING_TABLE[row][column], SIGNING_TABLE_SD[row][column]


def _signed_by(daily: float, days: np.ndarray | float) -> np.ndarray:
    """The chance (0-1) that an unsigned project has signed `days` days from now at a constant daily share."""
    return 1.0 - np.exp(-daily * np.maximum(np.asarray(days, dtype=float), 0.0))


def _signing_rate(
    signed_day: np.ndarray,
    with_contract: np.ndarray,
    investment: np.ndarray,
    today: int,
    allocation: np.ndarray | None = None,
) -> SigningRate:
    """Of the investment projects unsigned `window` days before `today` (day numbers from 1 Oct), the share
    signed since, as a constant daily rate: the SIGNING_WINDOW_DAYS window, or the last RECENT_SIGNING_DAYS
    when so many (or so few) signed in them that the window's rate would give them less than a
    SIGNING_CHANGE_CHANCE chance (binomial tails): signing that resumes after a freeze, or stops.

    A freeze is a pause, not an end, while much of the year's signing is still to come: while at least
    FREEZE_UNSIGNED_SHARE of the investment allocation (`allocation`, baht; project counts when None) is
    unsigned, the same rule is read once more with the days of each freeze left out — a run of at least
    FREEZE_GAP_DAYS days, after the year's first contract, on which no investment contract was signed, the
    current one included; each window then reaches back over them to hold its number of days on which signing
    went on — and the higher of the two rates is used (the rate before the stop is a floor). Once less is left, a
    stop counts as the end of the year's signing, as before. `window_days` stays the window's nominal length (61 or
    21) either way.
    """
    weights = np.ones(len(investment)) if allocation is None else np.asarray(allocation, float)
    total = float(weights[investment].sum())
    unsigned_share = float(weights[investment & ~with_contract].sum()) / total if total > 0 else 0.0
    calendar = _signing_rate_over(signed_day, with_contract, investment, today, np.ones(max(today, 0) + 1, bool))
    if unsigned_share < FREEZE_UNSIGNED_SHARE or today <= 0:
        return calendar
    counted = np.ones(today + 1, bool)  # counted[d]: day d (1..today) is not inside a freeze; [0] unused
    days = signed_day[with_contract & ~np.isnan(signed_day) & (signed_day >= 1) & (signed_day <= today)]
    signed_on = np.bincount(days.astype(int), minlength=today + 1)[1 : today + 1] > 0
    if not signed_on.any():
        return calendar
    run = 0
    # Day position + 1; the run of days without a signing that ends on it. Only a stop after signing began is
    # a freeze: the weeks before the year's first contract (a late budget act, a slow start) are not skipped.
    for position in range(int(np.argmax(signed_on)), today):
        run = 0 if signed_on[position] else run + 1
        if run >= FREEZE_GAP_DAYS:
            counted[position + 2 - run : position + 2] = False
    if counted.all():
        return calendar
    skipped = _signing_rate_over(signed_day, with_contract, investment, today, counted)
    return skipped if skipped.daily > calendar.daily else calendar


def _signing_rate_over(
    signed_day: np.ndarray, with_contract: np.ndarray, investment: np.ndarray, today: int, counted: np.ndarray
) -> SigningRate:
    """`_signing_rate`'s rule on the days marked in `counted` (index = day number, 1..today): each window
    holds its number of counted days and its rate is per counted day."""
    counted_from = np.cumsum(counted[::-1])[::-1]  # counted_from[d]: counted days in d..today

    def window(days: int) -> tuple[SigningRate, int, int]:
        """The rate read from the last `days` counted days, with the projects unsigned then and how many of
        them signed."""
        if counted.all():
            start, span = today - days, days
        else:
            reaches = np.flatnonzero(counted_from[1:] >= days)
            start = int(reaches[-1]) if len(reaches) else 0
            span = max(min(days, int(counted_from[start + 1])), 1)
        signed_then = with_contract & (np.isnan(signed_day) | (signed_day <= start))
        unsigned_then = investment & ~signed_then
        since = unsigned_then & with_contract
        count, signed = int(unsigned_then.sum()), int(since.sum())
        share = signed / count if count else 0.0
        # The rate's sampling error (binomial on the projects unsigned then), as a daily rate.
        sd = math.sqrt(share * (1 - share) / count) / max(1 - share, 0.01) / span if count else 0.0
        rate = SigningRate(-math.log(1 - min(share, 0.99)) / span, sd, days, since)
        return rate, count, signed

    usual, _, _ = window(SIGNING_WINDOW_DAYS)
    if RECENT_SIGNING_DAYS <= 0 or today <= SIGNING_WINDOW_DAYS:
        return usual
    recent, recent_count, recent_signed = window(RECENT_SIGNING_DAYS)
    expected_share = 1 - math.exp(-usual.daily * RECENT_SIGNING_DAYS)
    changed = recent.daily >= SIGNING_CHANGE_RATIO * usual.daily or recent.daily * SIGNING_CHANGE_RATIO <= usual.daily
    if (
        recent_count
        and changed
        and _binomial_tails(recent_signed, recent_count, expected_share) < SIGNING_CHANGE_CHANCE
    ):
        # The band knows the rate changed: the gap between the two rates counts as the rate's uncertainty too.
        return replace(recent, daily_sd=math.hypot(recent.daily_sd, recent.daily - usual.daily))
    return usual


def _binomial_tails(observed: int, trials: int, share: float) -> float:
    """The smaller tail chance of `observed` or more extreme successes in `trials` at `share` (0-1): the chance
    of at least `observed` when it is above the mean, of at most `observed` when below (normal approximation
    with continuity correction; exact enough for the hundreds of projects a signing window holds)."""
    mean = trials * share
    sd = math.sqrt(max(trials * share * (1 - share), 1e-12))
    if observed >= mean:
        return 0.5 * math.erfc((observed - 0.5 - mean) / sd / math.sqrt(2))
    return 0.5 * math.erfc((mean - observed - 0.5) / sd / math.sqrt(2))


def _log_spread(values: np.ndarray) -> float:
    """Median absolute deviation of the log of positive values."""
    logs = np.log(np.maximum(values, 1e-9))
    return float(np.median(np.abs(logs - np.median(logs))))


def _paths(
    hazard: np.ndarray, g_now: np.ndarray, g_rush: np.ndarray, g_end: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Log survival from now to 30 Sep at the hazards' pace, split into the steps inside the plan and
    those after its end; the part in the year's last month (from g_rush) counts YEAR_END_RUSH times."""
    inside = timing.path_log_survival(hazard, g_now, g_rush, 1.0, 0.0) + YEAR_END_RUSH * timing.path_log_survival(
        hazard, g_rush, g_end, 1.0, 0.0
    )
    after = timing.path_log_survival(hazard, g_now, g_rush, 0.0, 1.0) + YEAR_END_RUSH * timing.path_log_survival(
        hazard, g_rush, g_end, 0.0, 1.0
    )
    return inside, after


def _step_weights(drift: timing.Drift, g_now: np.ndarray, g_rush: np.ndarray, g_end: np.ndarray) -> np.ndarray:
    """(n, STEPS): how much each step's hazard counts on each project's path to 30 Sep (its overlap,
    times the drift factor of its regime and YEAR_END_RUSH in the last month)."""
    regime = np.where(np.arange(timing.STEPS) < timing.PLAN_STEPS, drift.plan_factor, drift.post_factor)
    overlap = timing.step_overlap(g_now, g_rush) + YEAR_END_RUSH * timing.step_overlap(g_rush, g_end)
    return overlap * regime[None, :]


def _reasons(frame: pd.DataFrame, as_of: date) -> tuple[pd.Series, pd.Series]:
    """Each project's projection in a sentence (Thai, English), for the rows given."""
    end_th = _date_labels(frame["planned_end"], "th")
    end_en = _date_labels(frame["planned_end"], "en")
    chance = (100 * frame["chance_paid"]).round().astype(int).astype(str)
    money = (frame["_outstanding"] / 1e6).map("{:,.2f}".format)
    rate = (100 * frame["completion_rate"].fillna(0)).round().astype(int).astype(str)
    signing = (100 * frame["signing_chance"].fillna(0)).round().astype(int).astype(str)
    basis = frame["basis"]
    on_plan = (
        "คงค้าง "
        + money
        + " ล้านบาท กำหนดแล้วเสร็จ "
        + end_th
        + "; คาดว่าจะเบิกได้ร้อยละ "
        + chance
        + " ภายในสิ้นปีงบประมาณ (หน่วยงาน/พื้นที่เบิกจ่ายได้ร้อยละ "
        + rate
        + " ของแผนเมื่อถึงกำหนด)",
        money
        + " million baht outstanding, planned end "
        + end_en
        + "; "
        + chance
        + "% expected paid by year end (agency/area paid "
        + rate
        + "% of plans by their end)",
    )
    overdue = (
        "เกินกำหนดแล้วเสร็จ "
        + end_th
        + " คงค้าง "
        + money
        + " ล้านบาท; คาดว่าจะเบิกได้ร้อยละ "
        + chance
        + " ภายในสิ้นปีงบประมาณ ตามอัตราการเบิกจ่ายส่วนที่เกินกำหนดในปีนี้",
        "past its planned end "
        + end_en
        + " with "
        + money
        + " million baht outstanding; "
        + chance
        + "% expected paid by year end at this year's catch-up rate",
    )
    no_contract = (
        "ยังไม่ลงนามสัญญา ณ "
        + format_date(as_of, "th")
        + "; โอกาสลงนามทันร้อยละ "
        + signing
        + " คาดว่าจะเบิกได้ร้อยละ "
        + chance
        + " ของวงเงินสัญญาที่คาด ("
        + money
        + " ล้านบาท)",
        "no contract on "
        + format_date(as_of, "en")
        + "; "
        + signing
        + "% chance of signing in time, "
        + chance
        + "% of the expected contract ("
        + money
        + " million baht) expected paid",
    )
    texts = []
    for position in (0, 1):
        text = pd.Series(BASES["paid"][position], index=frame.index)
        text = text.where(basis != "no_allocation", BASES["no_allocation"][position])
        text = text.where(basis != "on_plan", on_plan[position])
        text = text.where(basis != "overdue", overdue[position])
        text = text.where(basis != "no_contract", no_contract[position])
        texts.append(text)
    return texts[0], texts[1]


def _date_labels(series: pd.Series, lang: str) -> pd.Series:
    """Dates formatted once per distinct date ('-' for none)."""
    labels = {day: format_date(day, lang) for day in set(series.dropna())}
    # object first: with no dates at all the mapped series is float NaN, which refuses text fill
    return series.map(labels).astype(object).fillna("-").astype(str)


# --------------------------------------------------------------------------- rhythm


def _rhythm(daily: pd.DataFrame, fiscal_year: int, as_of: date) -> tuple[float, float]:
    """(month-end factor, quarter-end factor) from the months completed by the as-of date.

    Month-end: payments per day in a month's last seven days against its other days.
    Quarter-end: payments per day in Dec / Mar / Jun against the other months. 1.0 when
    there is no completed month of the kind to compare.
    """
    start, _ = fiscal_year_bounds(fiscal_year)
    if daily.empty:
        return 1.0, 1.0
    frame = daily.copy()
    frame["month"] = frame["day"].map(lambda day: (day.year, day.month))
    frame["last_week"] = frame["day"].map(lambda day: day.day > _calendar.monthrange(day.year, day.month)[1] - 7)
    complete = []
    month = (start.year, start.month)
    while True:
        last = date(month[0], month[1], _calendar.monthrange(*month)[1])
        if last > as_of:
            break
        complete.append(month)
        month = (month[0] + (month[1] // 12), month[1] % 12 + 1)
    if not complete:
        return 1.0, 1.0
    done = frame[frame["month"].isin(complete)]
    lengths = {m: _calendar.monthrange(*m)[1] for m in complete}
    last_amount = float(done.loc[done["last_week"], "amount"].sum())
    other_amount = float(done.loc[~done["last_week"], "amount"].sum())
    other_days = sum(lengths.values()) - 7 * len(complete)
    month_end = (last_amount / (7 * len(complete))) / (other_amount / other_days) if other_amount > 0 else 1.0
    quarter_months = {m for m in complete if m[1] in _quarter_end_months(fiscal_year)}
    plain_months = [m for m in complete if m not in quarter_months]
    if not quarter_months or not plain_months:
        return float(max(month_end, 0.0)) or 1.0, 1.0
    by_month = done.groupby("month")["amount"].sum()
    per_day_quarter = sum(by_month.get(m, 0.0) for m in quarter_months) / sum(lengths[m] for m in quarter_months)
    per_day_plain = sum(by_month.get(m, 0.0) for m in plain_months) / sum(lengths[m] for m in plain_months)
    quarter_end = per_day_quarter / per_day_plain if per_day_plain > 0 else 1.0
    return float(max(month_end, 0.0)) or 1.0, float(max(quarter_end, 0.0)) or 1.0


def _quarter_end_months(fiscal_year: int) -> set[int]:
    return {day.month for day in _quarter_ends(fiscal_year)}


def _year_weights(fiscal_year: int, month_end: float, quarter_end: float) -> np.ndarray:
    """Rhythm weight of each day of the fiscal year (index 0 = 1 Oct): 1 for a normal day."""
    start, end = fiscal_year_bounds(fiscal_year)
    quarter_months = _quarter_end_months(fiscal_year)
    days = pd.date_range(start, end, freq="D")
    last_week = days.day > days.days_in_month - 7
    weights = np.where(last_week, month_end, 1.0) * np.where(days.month.isin(quarter_months), quarter_end, 1.0)
    return weights.astype(float)
