"""The rules in force, in words, for the title rows of sheets and downloads.

A table sent on its own must say by which rules its flags and statuses were set: the
thresholds come from the reference table `thresholds` (data/reference/thresholds.toml as
loaded), so a file made after a decision changed them says so. Each function returns one
sentence in the chosen language ('th' or 'en').
"""

from __future__ import annotations

from budget_metrics import reference
from budget_metrics.formatting import percent
from budget_metrics.targets import LINE_LABELS


def _t(lang: str, thai: str, english: str) -> str:
    return thai if lang == "th" else english


def lagging_rules(lang: str) -> str:
    """The four lagging-project flags with their thresholds."""
    limits = reference.thresholds()
    cutoff = f"{int(limits['no_contract_cutoff_day'])}/{int(limits['no_contract_cutoff_month'])}"
    points, weeks = limits["behind_target_points"], limits["idle_weeks"]
    return _t(
        lang,
        f"เกณฑ์โครงการล่าช้า: เบิกจ่ายต่ำกว่าเป้าหมายของประเภทงบ (งบลงทุนเทียบเป้าหมายงบลงทุน งบอื่นเทียบเป้าหมาย"
        f"ภาพรวม) เกิน {points:g} จุด · งบลงทุนที่ยังมีงบประมาณแต่ยังไม่ลงนามสัญญาภายใน {cutoff} ของปีงบประมาณ · "
        f"ไม่มีการเบิกจ่าย {weeks:g} สัปดาห์ขึ้นไป ({weeks * 7:g} วัน) ทั้งที่ยังเบิกไม่ครบ · "
        "เกินกำหนดสิ้นสุดโครงการแต่ยังเบิกจ่ายไม่ครบ · เงินที่เสี่ยง = งบประมาณปัจจุบันที่ยังไม่เบิกจ่าย",
        f"Lagging rules: more than {points:g} points behind the target of its budget type (investment against "
        f"the investment target, others against the overall target) · investment project with allocation "
        f"left and no contract by {cutoff} of the fiscal year · no payment for {weeks:g} weeks or more "
        f"({weeks * 7:g} days) while not fully paid · past its planned end and not fully paid · money at "
        "risk = current allocation not yet paid")


def status_rules(lang: str, overall_target: float | None, investment_target: float | None,
                 headline: str) -> str:
    """How an area's status follows from each line's gap to its own target on the date."""
    limits = reference.thresholds()
    watch, behind = limits["watch_gap_points"], limits["behind_gap_points"]
    thai_line, english_line = LINE_LABELS[headline]
    return _t(
        lang,
        f"สองเส้นตามแบบกรมบัญชีกลาง แต่ละเส้นเทียบเป้าหมายของตนเอง: เป้าหมายภาพรวม ณ วันที่ "
        f"ร้อยละ {percent(overall_target)} · เป้าหมายงบลงทุน ร้อยละ {percent(investment_target)} · สถานะ: "
        f"ตามเป้าหมาย เมื่อต่ำกว่าเป้าหมายไม่เกิน {watch:g} จุด เฝ้าระวัง ไม่เกิน {behind:g} จุด ล่าช้า เมื่อต่ำกว่านั้น · "
        f"สถานะรวมของพื้นที่ใช้เส้น{thai_line}",
        f"Two lines as the Comptroller General reports them, each against its own target: overall target "
        f"on the date {percent(overall_target)}% · investment target {percent(investment_target)}% · status: "
        f"on track within {watch:g} points below the target, watch within {behind:g}, behind below that · "
        f"an area's status follows the {english_line.lower()} line")


def carryover_rules(lang: str) -> str:
    """When a carry-over counts as at risk."""
    limits = reference.thresholds()
    days, paid = limits["carryover_risk_days"], limits["carryover_risk_paid_pct"]
    return _t(
        lang,
        f"เสี่ยง: เหลือเวลาถึงกำหนดเบิกจ่ายไม่เกิน {days:g} วันและเบิกจ่ายได้น้อยกว่าร้อยละ {paid:g} "
        "หรือเลยกำหนดแล้วแต่ยังเบิกจ่ายไม่ครบ",
        f"At risk: the deadline is {days:g} days away or less and less than {paid:g}% is paid, "
        "or the deadline has passed with money unpaid")


def asset_rules(lang: str) -> str:
    """When an untransferred asset counts as overdue."""
    days = reference.thresholds()["asset_overdue_days"]
    return _t(lang, f"ค้างโอนเกินกำหนด: แล้วเสร็จมาเกิน {days:g} วันแล้วยังไม่โอนสินทรัพย์",
              f"Overdue: completed more than {days:g} days ago and not yet transferred")


def freshness_rules(lang: str) -> str:
    """When a province's data counts as stale."""
    days = reference.thresholds()["stale_data_days"]
    return _t(lang, f"ไม่เป็นปัจจุบัน: วันที่ข้อมูลเก่ากว่าวันที่ข้อมูลล่าสุดของทั้งประเทศเกิน {days:g} วัน "
                    "หรือยังไม่มีข้อมูลการเบิกจ่าย",
              f"Stale: the data date is more than {days:g} days older than the latest nationally, "
              "or there is no payment data at all")


def followup_rules(lang: str, frozen: bool = False) -> str:
    """How the follow-up of lagging projects is counted (fresh, response rate, overdue)."""
    from appstore import followup_fresh_days

    days = followup_fresh_days()
    source = _t(lang, " · คำชี้แจงตามที่บันทึกไว้กับภาพนิ่งรายสัปดาห์ของวันที่นี้",
                " · the answers as frozen with this date's weekly snapshot") if frozen else ""
    return _t(
        lang,
        f"อัตราการชี้แจง = โครงการล่าช้าที่มีคำชี้แจงบันทึกภายใน {days:g} วัน ÷ โครงการล่าช้าทั้งหมด · "
        "เลยกำหนด = วันที่คาดว่าจะเบิกจ่ายได้อยู่ก่อนวันที่ข้อมูล และยังไม่มีการเบิกจ่ายตั้งแต่วันที่ชี้แจง" + source,
        f"Response rate = flagged projects with an answer saved within {days:g} days ÷ flagged projects · past "
        "expected payment = the expected payment date is before the data date and nothing was paid since the "
        "answer" + source)
