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
from budget_metrics.filters import Filters
from budget_metrics.formatting import format_date
from budget_metrics.projects import project_state, resolve_as_of
from budget_metrics.targets import target_pct
from vocabulary import FLAGS


def contract_cutoff(fiscal_year: int, limits: dict[str, float]) -> date:
    """The date by which investment contracts should be signed (default 31 Mar of the FY)."""
    month = int(limits["no_contract_cutoff_month"])
    year = fiscal_year - BE_OFFSET - (1 if month >= 10 else 0)
    return date(year, month, int(limits["no_contract_cutoff_day"]))


def _dates(series: pd.Series) -> pd.Series:
    """A column of Python dates (NaT/None -> None)."""
    return pd.Series([None if pd.isna(v) else pd.Timestamp(v).date() for v in series],
                     index=series.index, dtype=object)


def _fmt_dates(series: pd.Series, lang: str) -> pd.Series:
    """Format a column of dates; each distinct date is formatted once."""
    labels = {day: format_date(day, lang) for day in set(series) if day is not None}
    return series.map(lambda day: labels.get(day, "-") if day is not None else "-")


def _fmt_1(series: pd.Series) -> pd.Series:
    return series.map(lambda value: f"{value:.1f}")


def project_flags(filters: Filters) -> pd.DataFrame:
    """Every selected project with boolean flag columns, reasons and money at risk.

    Adds: target_pct, fully_paid (bool: nothing left to pay, so no flag), flag_<name> (bool)
    for each rule, flags (list of codes), reasons_th / reasons_en ('; '-joined sentences),
    money_at_risk (float baht). Vectorised over projects, so a national multi-year selection
    stays fast.
    """
    as_of = resolve_as_of(filters)
    limits = reference.thresholds()
    state = project_state(filters)
    fy_start, _ = fiscal_year_bounds(filters.fiscal_year)
    cutoff = contract_cutoff(filters.fiscal_year, limits)
    idle_days = int(limits["idle_weeks"] * 7)
    overall = target_pct(filters.fiscal_year, "overall", as_of)
    investment = target_pct(filters.fiscal_year, "investment", as_of)
    behind_points = limits["behind_target_points"]
    fully_paid_share = limits.get("fully_paid_pct", 100.0) / 100

    is_investment = state["budget_type"] == "investment"
    target = pd.Series(investment if investment is not None else float("nan"), index=state.index)
    target = target.where(is_investment, overall if overall is not None else float("nan")).astype(float)
    allocation = state["current_allocation"].astype(float)
    disbursed = state["disbursed"].astype(float)
    contract = state["contract_amount"].astype(float)
    due = allocation.where(contract.isna(), contract.clip(upper=allocation))
    unpaid = disbursed < due * fully_paid_share - 0.005
    pct = state["pct_disbursed"].astype(float)
    signed_on = _dates(state["contract_date"])
    last_paid = _dates(state["last_payment_date"])
    planned_end = _dates(state["planned_end"])
    planned_start = _dates(state["planned_start"])

    # behind target (a fully paid project is not: what it did not spend is savings)
    gap = target - pct
    behind = unpaid & (gap > behind_points).fillna(False)
    # the cut-off passed: still no contract, or one signed after the cut-off
    not_signed = signed_on.map(lambda day: day is None or day > as_of)
    signed_late = signed_on.map(lambda day: day is not None and cutoff < day <= as_of)
    contract_due = is_investment & (allocation > 0) & (as_of > cutoff) & unpaid
    no_contract = contract_due & not_signed
    late_contract = contract_due & signed_late
    # no payment for N weeks (N x 7 days, the boundary day included) while not fully paid
    signed_by_now = signed_on.map(lambda day: day if day is not None and day <= as_of else None)
    since = last_paid.combine_first(signed_by_now).combine_first(planned_start).fillna(fy_start)
    days_idle = since.map(lambda day: (as_of - day).days)
    idle = unpaid & (days_idle >= idle_days)
    # past planned end while not fully paid
    past_end = unpaid & planned_end.map(lambda day: day is not None and day < as_of)

    weeks = (days_idle // 7).astype(str)
    texts = {
        "behind_target": (
            "เบิกจ่ายร้อยละ " + _fmt_1(pct) + " ต่ำกว่าเป้าหมาย (" + _fmt_1(target) + ") " + _fmt_1(gap) + " จุด",
            "disbursed " + _fmt_1(pct) + "%, " + _fmt_1(gap) + " points below the " + _fmt_1(target) + "% target",
        ),
        "no_contract": (
            pd.Series(f"งบลงทุนยังไม่ลงนามสัญญา (กำหนด {format_date(cutoff)})", index=state.index),
            pd.Series(f"investment project still without a contract (cut-off {format_date(cutoff, 'en')})",
                      index=state.index),
        ),
        "late_contract": (
            "ลงนามสัญญาล่าช้า " + _fmt_dates(signed_on, "th") + f" (กำหนด {format_date(cutoff)})",
            "contract signed late on " + _fmt_dates(signed_on, "en") + f" (cut-off {format_date(cutoff, 'en')})",
        ),
        "idle": (
            ("ไม่มีการเบิกจ่าย " + weeks + " สัปดาห์ (ครั้งล่าสุด " + _fmt_dates(last_paid, "th") + ")")
            .where(last_paid.notna(), "ยังไม่มีการเบิกจ่ายเลย (" + weeks + " สัปดาห์นับจาก "
                   + _fmt_dates(since, "th") + ")"),
            ("no payment for " + weeks + " weeks (last " + _fmt_dates(last_paid, "en") + ")")
            .where(last_paid.notna(), "nothing paid yet (" + weeks + " weeks since " + _fmt_dates(since, "en") + ")"),
        ),
        "past_end": (
            "เกินกำหนดสิ้นสุดโครงการ " + _fmt_dates(planned_end, "th") + " แต่ยังเบิกจ่ายไม่ครบ",
            "past its planned end " + _fmt_dates(planned_end, "en") + " and not fully paid",
        ),
    }
    flags = {"behind_target": behind, "no_contract": no_contract, "late_contract": late_contract, "idle": idle,
             "past_end": past_end}

    state["target_pct"] = target.where(target.notna(), None)
    state["fully_paid"] = (~unpaid).to_numpy()
    for name in FLAGS:
        state[f"flag_{name}"] = flags[name].astype(bool).to_numpy()
    names = list(FLAGS)
    flag_matrix = state[[f"flag_{name}" for name in names]].to_numpy()
    state["flags"] = [[name for name, on in zip(names, row, strict=True) if on] for row in flag_matrix]
    for position, column in ((0, "reasons_th"), (1, "reasons_en")):
        parts = pd.DataFrame({name: texts[name][position].where(flags[name].astype(bool), "") for name in names})
        state[column] = ["; ".join(text for text in row if text) for row in parts.to_numpy()]
    state["money_at_risk"] = state["remaining"].clip(lower=0)
    return state


def lagging_projects(filters: Filters, flags: list[str] | None = None) -> pd.DataFrame:
    """Flagged projects only (optionally only those with any of `flags`), by money at risk.

    Every one still has money to pay: a fully paid project carries no flag (project_flags)."""
    table = project_flags(filters)
    wanted = flags or list(FLAGS)
    mask = table[[f"flag_{name}" for name in wanted]].any(axis=1)
    return table[mask].sort_values("money_at_risk", ascending=False).reset_index(drop=True)
