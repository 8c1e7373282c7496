"""Lagging-project flags, each with its reason in words (Thai and English).

Rules, thresholds from the reference table `thresholds`. A flag marks a project someone
must chase, so a project with nothing left to pay (fully paid, below) carries none: its
leftover is savings for the reallocation page, not a backlog.
- behind_target: disbursed % is more than `behind_target_points` below the target for
  the project's budget type on the as-of date;
- no_contract: an investment project with money allocated (current allocation > 0: a
  project whose allocation was all transferred out has nothing left to contract) that has
  still no contract on the as-of date, once the cut-off date (`no_contract_cutoff_month`/
  `_day` of the fiscal year, default 31 Mar) has passed;
- late_contract: such a project whose contract was signed after the cut-off (on or before the
  as-of date): signed late, as distinct from still unsigned;
- idle: no payment for `idle_weeks` weeks or more while not fully paid, i.e. at least
  idle_weeks x 7 days (84 for 12 weeks) between the last payment and the as-of date: a
  project last paid exactly 84 days earlier is flagged, one paid 83 days earlier is not
  (a project never paid counts from its contract date, else its planned start, else the
  FY start);
- past_end: past its planned end date and not fully paid.
"Fully paid" means `fully_paid_pct` of the signed contract amount is paid (a contract
below the allocation leaves savings, which are not a payment backlog), or of the current
allocation where no contract is signed; small leftovers are savings, not a backlog.
Money at risk is what remains unpaid of the current allocation.
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from budget_metrics import reference
from budget_metrics.calendar import BE_OFFSET, fiscal_year_bounds
from budget_metrics.connection import read_only
from budget_metrics.filters import Filters
from budget_metrics.formatting import format_date
from budget_metrics.projects import project_state, resolve_as_of, states_cte
from budget_metrics.targets import target_pct
from vocabulary import FLAGS


def contract_cutoff(fiscal_year: int, limits: dict[str, float]) -> date:
    """The date by which investment contracts should be signed (default 31 Mar of the FY)."""
    month = int(limits["no_contract_cutoff_month"])
    year = fiscal_year - BE_OFFSET - (1 if month >= 10 else 0)
    return date(year, month, int(limits["no_contract_cutoff_day"]))


def _timestamps(series: pd.Series) -> pd.Series:
    """A date column as datetime64 (missing -> NaT), for vectorised comparisons."""
    return pd.to_datetime(series)


def _fmt_dates(series: pd.Series, lang: str) -> pd.Series:
    """Format a column of dates (datetime64, NaT -> '-'); each distinct date is formatted once."""
    labels = {day: format_date(day.date(), lang) for day in series.dropna().unique()}
    return series.map(labels).astype(object).fillna("-")


def _fmt_1(series: pd.Series) -> pd.Series:
    return series.map(lambda value: f"{value:.1f}").astype(object)  # object even when empty


def project_flags(filters: Filters) -> pd.DataFrame:
    """Every selected project with boolean flag columns, reasons and money at risk.

    Adds: target_pct, fully_paid (bool: nothing left to pay, so no flag), flag_<name> (bool)
    for each rule, flags (list of codes), reasons_th / reasons_en ('; '-joined sentences),
    money_at_risk (float baht). Vectorised over projects, so a national multi-year selection
    stays fast.
    """
    as_of = resolve_as_of(filters)
    return flags_of(project_state(filters), filters.fiscal_year, as_of)


# Columns of a project's state that describe it rather than change by date: `flags_on_dates`
# leaves them out (the weekly snapshots join them once per project).
DESCRIPTIVE = (
    "project_name",
    "owner",
    "owner_type",
    "owner_name_th",
    "owner_name_en",
    "province_code",
    "cluster_code",
    "region",
    "implementing_agency",
    "emenscr_code",
)


def flags_on_dates(filters: Filters, dates: list[date]) -> pd.DataFrame:
    """`project_flags` on many as-of dates at once (the weekly snapshots of a year).

    One row per selected project and date, the date in column `as_of` (datetime64): the state
    columns of `project_state` except DESCRIPTIVE ones (join those by project_code), plus the
    columns `project_flags` adds. Row for row equal to `project_flags` on each date alone.
    """
    cte, params = states_cte(filters, list(dates))
    with read_only() as con:
        states = con.execute(
            f"{cte} SELECT * EXCLUDE ({', '.join(DESCRIPTIVE)}) FROM states ORDER BY as_of, project_code", params
        ).df()
    return flags_of(states, filters.fiscal_year, states["as_of"])


def flags_of(state: pd.DataFrame, fiscal_year: int, as_of: date | pd.Series) -> pd.DataFrame:
    """The flag columns added to a project state frame (see `project_flags`), in place; returned.

    `as_of` is the date of every row, or a column giving each row's own date (many dates at once).
    """
    limits = reference.thresholds()
    fy_start, _ = fiscal_year_bounds(fiscal_year)
    cutoff = contract_cutoff(fiscal_year, limits)
    idle_days = int(limits["idle_weeks"] * 7)
    behind_points = limits["behind_target_points"]
    fully_paid_share = limits.get("fully_paid_pct", 100.0) / 100
    if isinstance(as_of, pd.Series):
        row_day = _timestamps(as_of)
    else:
        row_day = pd.Series(pd.Timestamp(as_of), index=state.index)
    # the target of each row's date: computed once per distinct date
    day_targets = {
        day: (target_pct(fiscal_year, "overall", day.date()), target_pct(fiscal_year, "investment", day.date()))
        for day in row_day.unique()
    }
    overall = row_day.map({day: nan_if_none(values[0]) for day, values in day_targets.items()}).astype(float)
    investment = row_day.map({day: nan_if_none(values[1]) for day, values in day_targets.items()}).astype(float)

    is_investment = state["budget_type"] == "investment"
    target = investment.where(is_investment, overall).astype(float)
    allocation = state["current_allocation"].astype(float)
    disbursed = state["disbursed"].astype(float)
    contract = state["contract_amount"].astype(float)
    due = allocation.where(contract.isna(), contract.clip(upper=allocation))
    unpaid = disbursed < due * fully_paid_share - 0.005
    pct = state["pct_disbursed"].astype(float)
    signed_on = _timestamps(state["contract_date"])
    last_paid = _timestamps(state["last_payment_date"])
    planned_end = _timestamps(state["planned_end"])
    planned_start = _timestamps(state["planned_start"])
    cutoff_day = pd.Timestamp(cutoff)

    # behind target (a fully paid project is not: what it did not spend is savings)
    gap = target - pct
    behind = unpaid & (gap > behind_points).fillna(False)
    # the cut-off passed: still no contract, or one signed after the cut-off
    not_signed = signed_on.isna() | (signed_on > row_day)
    signed_late = (signed_on > cutoff_day) & (signed_on <= row_day)
    contract_due = is_investment & (allocation > 0) & (row_day > cutoff_day) & unpaid
    no_contract = contract_due & not_signed
    late_contract = contract_due & signed_late
    # no payment for N weeks (N x 7 days, the boundary day included) while not fully paid
    signed_by_now = signed_on.where(signed_on <= row_day)
    since = last_paid.fillna(signed_by_now).fillna(planned_start).fillna(pd.Timestamp(fy_start))
    days_idle = (row_day - since).dt.days
    idle = unpaid & (days_idle >= idle_days)
    # past planned end while not fully paid
    past_end = unpaid & (planned_end < row_day)

    flags = {
        "behind_target": behind,
        "no_contract": no_contract,
        "late_contract": late_contract,
        "idle": idle,
        "past_end": past_end,
    }
    state["target_pct"] = target.where(target.notna(), None)
    state["fully_paid"] = (~unpaid).to_numpy()
    for name in FLAGS:
        state[f"flag_{name}"] = flags[name].astype(bool).to_numpy()
    names = list(FLAGS)
    flag_matrix = state[[f"flag_{name}" for name in names]].to_numpy()
    # Reasons in words, written only for flagged projects (the others have none): the sentences
    # are most of the cost when many dates are done at once.
    flagged = flag_matrix.any(axis=1)
    index = state.index[flagged]
    pct, target, gap, days_idle = pct[flagged], target[flagged], gap[flagged], days_idle[flagged]
    signed_on, last_paid, since, planned_end = (
        signed_on[flagged],
        last_paid[flagged],
        since[flagged],
        planned_end[flagged],
    )
    weeks = (days_idle // 7).astype(str)
    texts = {
        "behind_target": (
            "เบิกจ่ายร้อยละ " + _fmt_1(pct) + " ต่ำกว่าเป้าหมาย (" + _fmt_1(target) + ") " + _fmt_1(gap) + " จุด",
            "disbursed " + _fmt_1(pct) + "%, " + _fmt_1(gap) + " points below the " + _fmt_1(target) + "% target",
        ),
        "no_contract": (
            pd.Series(f"งบลงทุนยังไม่ลงนามสัญญา (กำหนด {format_date(cutoff)})", index=index),
            pd.Series(
                f"investment project still without a contract (cut-off {format_date(cutoff, 'en')})", index=index
            ),
        ),
        "late_contract": (
            "ลงนามสัญญาล่าช้า " + _fmt_dates(signed_on, "th") + f" (กำหนด {format_date(cutoff)})",
            "contract signed late on " + _fmt_dates(signed_on, "en") + f" (cut-off {format_date(cutoff, 'en')})",
        ),
        "idle": (
            ("ไม่มีการเบิกจ่าย " + weeks + " สัปดาห์ (ครั้งล่าสุด " + _fmt_dates(last_paid, "th") + ")").where(
                last_paid.notna(), "ยังไม่มีการเบิกจ่ายเลย (" + weeks + " สัปดาห์นับจาก " + _fmt_dates(since, "th") + ")"
            ),
            ("no payment for " + weeks + " weeks (last " + _fmt_dates(last_paid, "en") + ")").where(
                last_paid.notna(), "nothing paid yet (" + weeks + " weeks since " + _fmt_dates(since, "en") + ")"
            ),
        ),
        "past_end": (
            "เกินกำหนดสิ้นสุดโครงการ " + _fmt_dates(planned_end, "th") + " แต่ยังเบิกจ่ายไม่ครบ",
            "past its planned end " + _fmt_dates(planned_end, "en") + " and not fully paid",
        ),
    }
    chosen = flag_matrix[flagged]
    codes = [[] for _ in range(len(state))]
    for position, row in zip(flagged.nonzero()[0], chosen, strict=True):
        codes[position] = [name for name, is_set in zip(names, row, strict=True) if is_set]
    state["flags"] = codes
    for position, column in ((0, "reasons_th"), (1, "reasons_en")):
        parts = pd.DataFrame(
            {
                name: texts[name][position].where(pd.Series(chosen[:, k], index=index), "")
                for k, name in enumerate(names)
            },
            index=index,
        )
        sentences = ["; ".join(text for text in row if text) for row in parts.to_numpy()]
        reasons = [""] * len(state)
        for position_in_state, sentence in zip(flagged.nonzero()[0], sentences, strict=True):
            reasons[position_in_state] = sentence
        state[column] = reasons
    state["money_at_risk"] = state["remaining"].clip(lower=0)
    return state


def nan_if_none(value: float | None) -> float:
    return float("nan") if value is None else value


def lagging_projects(filters: Filters, flags: list[str] | None = None) -> pd.DataFrame:
    """Flagged projects only (optionally only those with any of `flags`), by money at risk.

    Every one still has money to pay: a fully paid project carries no flag (project_flags)."""
    table = project_flags(filters)
    wanted = flags or list(FLAGS)
    mask = table[[f"flag_{name}" for name in wanted]].any(axis=1)
    return table[mask].sort_values("money_at_risk", ascending=False).reset_index(drop=True)
