"""The rules in force, in words, for the title rows of sheets and downloads.

A table sent on its own must say by which rules its flags and statuses were set: the
thresholds come from the reference table `thresholds` (data/reference/thresholds.toml as
loaded), so a file made after a decision changed them says so. Each function returns one
sentence in the chosen language ('th' or 'en').
"""

from __future__ import annotations

from budget_metrics import reference
from budget_metrics.formatting import percent
from budget_metrics.targets import LINE_LABELS, status_text
from vocabulary import NO_TARGETS_TO_JUDGE


def _t(lang: str, thai: str, english: str) -> str:
    return thai if lang == "th" else english


def lagging_rules(lang: str) -> str:
    """The five lagging-project flags with their thresholds, and which projects carry none."""
    limits = reference.thresholds()
    cutoff = f"{int(limits['no_contract_cutoff_day'])}/{int(limits['no_contract_cutoff_month'])}"
    points, weeks = limits["behind_target_points"], limits["idle_weeks"]
    paid = limits.get("fully_paid_pct", 100.0)
    return _t(
        lang,
        f"เกณฑ์โครงการล่าช้า (เฉพาะโครงการที่ยังมีเงินต้องเบิกจ่าย: โครงการที่เบิกจ่ายแล้วอย่างน้อยร้อยละ {paid:g} ของวงเงิน"
        "สัญญา หรือของงบประมาณหากไม่มีสัญญา ถือว่าเบิกจ่ายครบ ส่วนที่เหลือเป็นเงินเหลือจ่าย ไม่ติดเกณฑ์ใด): "
        f"เบิกจ่ายต่ำกว่าเป้าหมายของประเภทงบ (งบลงทุนเทียบเป้าหมายงบลงทุน งบอื่นเทียบเป้าหมายภาพรวม) เกิน {points:g} จุด · "
        f"งบลงทุนที่เลยกำหนดลงนามสัญญา {cutoff} ของปีงบประมาณแล้ว แยกเป็น ยังไม่ลงนามสัญญา และ ลงนามสัญญาหลังกำหนด · "
        f"ไม่มีการเบิกจ่าย {weeks:g} สัปดาห์ขึ้นไป ({weeks * 7:g} วัน) · เกินกำหนดสิ้นสุดโครงการ · "
        "เงินที่เสี่ยง = งบประมาณปัจจุบันที่ยังไม่เบิกจ่าย",
        f"Lagging rules (projects with money still to pay only: a project that has paid at least {paid:g}% of its "
        "contract, or of its allocation without a contract, is fully paid, the rest is savings, and it carries "
        f"no flag): more than {points:g} points behind the target of its budget type (investment against the "
        f"investment target, others against the overall target) · investment project past the {cutoff} "
        "contract cut-off of the fiscal year, counted apart: still no contract, or contract signed after the "
        f"cut-off · no payment for {weeks:g} weeks or more ({weeks * 7:g} days) · past its planned end · money "
        "at risk = current allocation not yet paid",
    )


def status_rules(
    lang: str, overall_target: float | None, investment_target: float | None, headline: str, fiscal_year: int
) -> str:
    """How an area's status follows from each line's gap to its own target on the date; in a year
    without cabinet targets (both None), that nothing is judged and the status says 'ไม่มีเป้าหมาย'."""
    thai_line, english_line = LINE_LABELS[headline]
    if overall_target is None and investment_target is None:
        return _t(lang, NO_TARGETS_TO_JUDGE[0], NO_TARGETS_TO_JUDGE[1]).format(year=fiscal_year) + (
            f" · สถานะ: {status_text('no_target', lang)}"
            if lang == "th"
            else f" · status: {status_text('no_target', lang)}"
        )
    return _t(
        lang,
        f"สองเส้นตามแบบกรมบัญชีกลาง แต่ละเส้นเทียบเป้าหมายของตนเอง: เป้าหมายภาพรวม ณ วันที่ "
        f"ร้อยละ {percent(overall_target)} · เป้าหมายงบลงทุน ร้อยละ {percent(investment_target)} · สถานะ: "
        f"{status_words(lang)} · สถานะรวมของพื้นที่ใช้เส้น{thai_line}",
        f"Two lines as the Comptroller General reports them, each against its own target: overall target "
        f"on the date {percent(overall_target)}% · investment target {percent(investment_target)}% · status: "
        f"{status_words(lang)} · an area's status follows the {english_line.lower()} line",
    )


def status_words(lang: str) -> str:
    """Every status with its band, thresholds filled in: 'ถึงเป้าหมาย (ไม่ต่ำกว่าเป้าหมาย), ใกล้เป้าหมาย
    (ต่ำกว่าไม่เกิน 5 จุด), เฝ้าระวัง (ต่ำกว่า 5–10 จุด), ต่ำกว่าเป้าหมาย (ต่ำกว่าเกิน 10 จุด)'."""
    return ", ".join(status_text(code, lang) for code in ("on_track", "near_target", "watch", "behind"))


def budget_type_rules(lang: str) -> str:
    """How the summary's budget-type rows are judged: each by its own type's line."""
    return _t(
        lang,
        "แถวรายงบรายจ่าย: แต่ละแถวเทียบเป้าหมายของประเภทงบของตนเองเท่านั้น (งบลงทุนเทียบเป้าหมายงบลงทุน; "
        'งบดำเนินงานและงบรายจ่ายอื่นไม่มีเป้าหมายเฉพาะจาก ครม. จึงเทียบเป้าหมายภาพรวม) ในคอลัมน์ "เส้นที่ใช้ประเมิน" · '
        "คอลัมน์เส้นภาพรวมของแถวเหล่านี้ว่างไว้ เพราะเส้นภาพรวมนับทุกประเภทงบ (ดูแถวรวม)",
        "Budget-type rows: each judged only against its own type's target (investment against the investment "
        "target; operating and other budget have no cabinet target of their own and are measured against the "
        "overall target) in the 'judged line' columns · their overall-line columns are blank: the overall line "
        "counts every budget type (see the total row)",
    )


def carryover_rules(lang: str) -> str:
    """When a carry-over counts as at risk."""
    limits = reference.thresholds()
    days, paid = limits["carryover_risk_days"], limits["carryover_risk_paid_pct"]
    return _t(
        lang,
        f"เสี่ยง: เหลือเวลาถึงกำหนดเบิกจ่ายไม่เกิน {days:g} วันและเบิกจ่ายได้น้อยกว่าร้อยละ {paid:g} หรือเลยกำหนดแล้วแต่ยังเบิกจ่ายไม่ครบ",
        f"At risk: the deadline is {days:g} days away or less and less than {paid:g}% is paid, "
        "or the deadline has passed with money unpaid",
    )


def asset_rules(lang: str) -> str:
    """When an untransferred asset counts as overdue."""
    days = reference.thresholds()["asset_overdue_days"]
    return _t(
        lang,
        f"ค้างโอนเกินกำหนด: แล้วเสร็จมาเกิน {days:g} วันแล้วยังไม่โอนสินทรัพย์",
        f"Overdue: completed more than {days:g} days ago and not yet transferred",
    )


def freshness_rules(lang: str) -> str:
    """When a province's data counts as stale."""
    days = reference.thresholds()["stale_data_days"]
    return _t(
        lang,
        f"ไม่เป็นปัจจุบัน: วันที่ข้อมูลเก่ากว่าวันที่ข้อมูลล่าสุดของทั้งประเทศเกิน {days:g} วัน หรือยังไม่มีข้อมูลการเบิกจ่าย",
        f"Stale: the data date is more than {days:g} days older than the latest nationally, "
        "or there is no payment data at all",
    )


def followup_rules(lang: str, frozen: bool = False) -> str:
    """How the follow-up of lagging projects is counted (fresh, response rate, overdue)."""
    from appstore import followup_fresh_days

    days = followup_fresh_days()
    source = (
        _t(
            lang,
            " · คำชี้แจงตามที่บันทึกไว้กับภาพนิ่งรายสัปดาห์ของวันที่นี้",
            " · the answers as frozen with this date's weekly snapshot",
        )
        if frozen
        else ""
    )
    return _t(
        lang,
        f"อัตราการชี้แจง = โครงการล่าช้าที่มีคำชี้แจงบันทึกภายใน {days:g} วัน ÷ โครงการล่าช้าทั้งหมด · "
        "เลยกำหนด = วันที่คาดว่าจะเบิกจ่ายได้อยู่ก่อนวันที่ข้อมูล และยังไม่มีการเบิกจ่ายตั้งแต่วันที่ชี้แจง" + source,
        f"Response rate = flagged projects with an answer saved within {days:g} days ÷ flagged projects · past "
        "expected payment = the expected payment date is before the data date and nothing was paid since the "
        "answer" + source,
    )
