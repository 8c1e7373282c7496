"""Lagging-project flags, each with its reason in words (Thai and English).

Rules, thresholds from the reference table `thresholds`:
- behind_target: disbursed % is more than `behind_target_points` below the target for
  the project's budget type on the as-of date;
- no_contract: an investment project with no contract signed by the cut-off date
  (`no_contract_cutoff_month`/`_day` of the fiscal year, default 31 Mar), once past it;
- idle: no payment for `idle_weeks` weeks while not fully paid (a project never paid
  counts from its contract date, else its planned start, else the FY start);
- past_end: past its planned end date and not fully paid.
"Fully paid" means `fully_paid_pct` of the signed contract amount is paid (a contract
below the allocation leaves savings, which are not a payment backlog), or of the current
allocation where no contract is signed; small leftovers are savings, not a backlog. Money at risk is what remains unpaid of the current allocation.
"""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd

from budget_metrics import reference
from budget_metrics.calendar import BE_OFFSET, fiscal_year_bounds
from budget_metrics.filters import Filters
from budget_metrics.formatting import format_date
from budget_metrics.projects import project_state, resolve_as_of
from budget_metrics.targets import target_pct

FLAGS = {
    "behind_target": ("เบิกจ่ายต่ำกว่าเป้าหมาย", "Behind target"),
    "no_contract": ("งบลงทุนยังไม่ก่อหนี้ผูกพันตามกำหนด", "No contract by cut-off"),
    "idle": ("ไม่มีการเบิกจ่ายต่อเนื่อง", "No recent payment"),
    "past_end": ("เกินกำหนดสิ้นสุดโครงการ", "Past planned end"),
}


def contract_cutoff(fiscal_year: int, limits: dict[str, float]) -> date:
    """The date by which investment contracts should be signed (default 31 Mar of the FY)."""
    month = int(limits["no_contract_cutoff_month"])
    year = fiscal_year - BE_OFFSET - (1 if month >= 10 else 0)
    return date(year, month, int(limits["no_contract_cutoff_day"]))


def _as_date(value) -> date | None:
    return None if value is None or pd.isna(value) else pd.Timestamp(value).date()


def project_flags(filters: Filters) -> pd.DataFrame:
    """Every selected project with boolean flag columns, reasons and money at risk.

    Adds: target_pct, flag_<name> (bool) for each rule, flags (list of codes),
    reasons_th / reasons_en ('; '-joined sentences), money_at_risk (float baht).
    """
    as_of = resolve_as_of(filters)
    limits = reference.thresholds()
    state = project_state(filters)
    fy_start, _ = fiscal_year_bounds(filters.fiscal_year)
    cutoff = contract_cutoff(filters.fiscal_year, limits)
    idle_days = int(limits["idle_weeks"] * 7)
    targets = {scope: target_pct(filters.fiscal_year, scope, as_of) for scope in ("overall", "investment")}
    behind_points = limits["behind_target_points"]
    fully_paid_share = limits.get("fully_paid_pct", 100.0) / 100

    rows_th, rows_en, codes, target_col = [], [], [], []
    flag_cols = {name: [] for name in FLAGS}
    for row in state.itertuples(index=False):
        target = targets["investment" if row.budget_type == "investment" else "overall"]
        target_col.append(target)
        signed_amount = row.contract_amount
        due = row.current_allocation if pd.isna(signed_amount) else min(signed_amount, row.current_allocation)
        unpaid = row.disbursed < due * fully_paid_share - 0.005
        pct = row.pct_disbursed
        found_th, found_en, found = [], [], []

        if target is not None and pct is not None and not pd.isna(pct) and pct < target - behind_points:
            found.append("behind_target")
            found_th.append(f"เบิกจ่ายร้อยละ {pct:.1f} ต่ำกว่าเป้าหมาย ({target:.1f}) {target - pct:.1f} จุด")
            found_en.append(f"disbursed {pct:.1f}%, {target - pct:.1f} points below the {target:.1f}% target")

        signed_on = _as_date(row.contract_date)
        if row.budget_type == "investment" and as_of > cutoff and (signed_on is None or signed_on > cutoff):
            found.append("no_contract")
            if signed_on is None or signed_on > as_of:
                found_th.append(f"งบลงทุนยังไม่ลงนามสัญญา (กำหนด {format_date(cutoff)})")
                found_en.append(f"investment project with no contract (cut-off {format_date(cutoff, 'en')})")
            else:
                found_th.append(f"ลงนามสัญญาล่าช้า {format_date(signed_on)} (กำหนด {format_date(cutoff)})")
                found_en.append(f"contract signed late on {format_date(signed_on, 'en')} "
                                f"(cut-off {format_date(cutoff, 'en')})")

        last_paid = _as_date(row.last_payment_date)
        signed_by_now = signed_on if signed_on is not None and signed_on <= as_of else None
        since = last_paid or signed_by_now or _as_date(row.planned_start) or fy_start
        if unpaid and (as_of - since).days > idle_days:
            weeks = (as_of - since).days // 7
            found.append("idle")
            if last_paid:
                found_th.append(f"ไม่มีการเบิกจ่าย {weeks} สัปดาห์ (ครั้งล่าสุด {format_date(last_paid)})")
                found_en.append(f"no payment for {weeks} weeks (last {format_date(last_paid, 'en')})")
            else:
                found_th.append(f"ยังไม่มีการเบิกจ่ายเลย ({weeks} สัปดาห์นับจาก {format_date(since)})")
                found_en.append(f"nothing paid yet ({weeks} weeks since {format_date(since, 'en')})")

        planned_end = _as_date(row.planned_end)
        if unpaid and planned_end is not None and planned_end < as_of:
            found.append("past_end")
            found_th.append(f"เกินกำหนดสิ้นสุดโครงการ {format_date(planned_end)} แต่ยังเบิกจ่ายไม่ครบ")
            found_en.append(f"past its planned end {format_date(planned_end, 'en')} and not fully paid")

        for name in FLAGS:
            flag_cols[name].append(name in found)
        codes.append(found)
        rows_th.append("; ".join(found_th))
        rows_en.append("; ".join(found_en))

    state["target_pct"] = target_col
    for name, values in flag_cols.items():
        state[f"flag_{name}"] = values
    state["flags"] = codes
    state["reasons_th"] = rows_th
    state["reasons_en"] = rows_en
    state["money_at_risk"] = state["remaining"].clip(lower=0)
    return state


def lagging_projects(filters: Filters, flags: list[str] | None = None) -> pd.DataFrame:
    """Flagged projects only (optionally only those with any of `flags`), by money at risk."""
    table = project_flags(filters)
    wanted = flags or list(FLAGS)
    mask = table[[f"flag_{name}" for name in wanted]].any(axis=1)
    return table[mask].sort_values("money_at_risk", ascending=False).reset_index(drop=True)


def idle_since(as_of: date, weeks: float) -> date:
    """The date before which a last payment makes a project idle."""
    return as_of - timedelta(days=int(weeks * 7))
