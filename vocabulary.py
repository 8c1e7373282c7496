"""Every word the product shows for a code, in Thai and English: one place, used by all.

Why a top-level module: the dashboard (`ui/`, `pages/`), the exports (`exports/`), the
read side (`budget_metrics/`, which writes words next to codes, e.g. `risk_th`) and the
write side (`etl/`, whose reject reasons end up on the data-quality page) all show these
words. Inside any one of those packages, the others would have to import it, and `exports`
must not depend on `ui` (tests/test_house.py). This module imports nothing of the project, so
any layer may use it without a dependency between layers, and a word changed here changes
on screen, in the workbook, in the PDF and in the CSV at once.

Each mapping is code -> (thai, english); `word(mapping, code, lang)` picks one side. Names
of areas (regions, clusters, provinces) are reference data (data/reference/*.csv, read
through `budget_metrics.reference`), not words of the product, so they are not here.
Colours are in `colours.py`.
"""

from __future__ import annotations

Words = dict[str, tuple[str, str]]

# ---------------------------------------------------------------- execution against targets
# An area's (or a project's) gap to its target, by the thresholds in reference data
# (budget_metrics.targets.gap_status). Only a line at or above its target is "on target"; a
# line below it by at most `watch_gap_points` is near it, never on it.
STATUSES: Words = {
    "on_track": ("ถึงเป้าหมาย", "On target"),
    "near_target": ("ใกล้เป้าหมาย", "Near target"),
    "watch": ("เฝ้าระวัง", "Watch"),
    "behind": ("ต่ำกว่าเป้าหมาย", "Behind"),
    # money and a rate, but the year has no cabinet target (no rows in targets.csv): not judged
    "no_target": ("ไม่มีเป้าหมาย", "No target"),
    "no_data": ("ไม่มีข้อมูล", "No data"),
}
# What each status's band is, with the thresholds of thresholds.toml filled in by
# budget_metrics.targets.status_band ({watch} and {behind}: points below the line's target).
STATUS_BANDS: Words = {
    "on_track": ("ไม่ต่ำกว่าเป้าหมาย", "at or above target"),
    "near_target": ("ต่ำกว่าไม่เกิน {watch} จุด", "within {watch} points below target"),
    "watch": ("ต่ำกว่า {watch}–{behind} จุด", "{watch}-{behind} points below target"),
    "behind": ("ต่ำกว่าเกิน {behind} จุด", "more than {behind} points below target"),
    "no_target": ("ครม. ไม่ได้กำหนดเป้าหมายของปีนี้ แสดงเฉพาะอัตราการเบิกจ่าย", "no cabinet target this year: rate only"),
    "no_data": ("ไม่มีงบประมาณในส่วนนี้", "no allocation here"),
}

# The two lines the Comptroller General reports, each against its own target; and, when the
# sidebar chooses one budget type, that type's own line (budget_metrics.targets.shown_lines):
# operating and other budget have no cabinet target of their own and are measured against the
# overall target, as a single project of those types is.
LINE_LABELS: Words = {
    "overall": ("ภาพรวม", "Overall"),
    "investment": ("งบลงทุน", "Investment"),
    "operating": ("งบดำเนินงาน", "Operating"),
    "other": ("งบรายจ่ายอื่น / เงินอุดหนุน", "Other budget"),
}
LINE_DESCRIPTIONS: Words = {
    "overall": (
        "เบิกจ่ายทุกประเภทงบรายจ่าย ÷ งบประมาณปัจจุบันทั้งหมด เทียบเป้าหมายภาพรวม",
        "all budget types: disbursed ÷ current allocation, against the overall target",
    ),
    "investment": (
        "เฉพาะงบลงทุน: เบิกจ่ายงบลงทุน ÷ งบลงทุนปัจจุบัน เทียบเป้าหมายงบลงทุน",
        ("investment budget only: investment disbursed ÷ investment allocation, against the investment target"),
    ),
    "operating": (
        "เฉพาะงบดำเนินงาน: เบิกจ่าย ÷ งบประมาณ เทียบเป้าหมายภาพรวม (ครม. ไม่กำหนดเป้าหมายเฉพาะงบดำเนินงาน)",
        (
            "operating budget only: disbursed ÷ allocation, against the overall target (the cabinet "
            "sets no operating target)"
        ),
    ),
    "other": (
        "เฉพาะงบรายจ่ายอื่น/เงินอุดหนุน: เบิกจ่าย ÷ งบประมาณ เทียบเป้าหมายภาพรวม (ครม. ไม่กำหนดเป้าหมายเฉพาะงบประเภทนี้)",
        (
            "other budget only: disbursed ÷ allocation, against the overall target (the cabinet sets no "
            "target for this type)"
        ),
    ),
}
# What a page says when the sidebar chooses one budget type (one per type; budget_metrics.targets
# decides which lines are shown): the filter, the line shown, and why the overall line is not.
BUDGET_TYPE_SCOPE: Words = {
    "operating": ("เฉพาะงบดำเนินงาน", "operating budget only"),
    "investment": ("เฉพาะงบลงทุน", "investment budget only"),
    "other": ("เฉพาะงบรายจ่ายอื่น / เงินอุดหนุน", "other budget only"),
}
OVERALL_NOT_SHOWN = (
    "เส้นภาพรวม (ทุกประเภทงบเทียบเป้าหมายภาพรวม) ไม่แสดงเมื่อเลือกประเภทงบเดียว เพราะงบประเภทเดียวไม่ใช่ภาพรวม",
    "The overall line (all budget types against the overall target) is not shown for one "
    "budget type: one type's money is not the overall figure",
)

# Lagging-project flags (rules in budget_metrics/lagging.py).
# A project with nothing left to pay (fully paid: the rest is savings) carries no flag.
FLAGS: Words = {
    "behind_target": ("เบิกจ่ายต่ำกว่าเป้าหมาย", "Behind target"),
    "no_contract": ("งบลงทุนยังไม่ลงนามสัญญา (เลยกำหนด)", "Still no contract (cut-off passed)"),
    "late_contract": ("งบลงทุนลงนามสัญญาหลังกำหนด", "Contract signed after the cut-off"),
    "idle": ("ไม่มีการเบิกจ่ายต่อเนื่อง", "No recent payment"),
    "past_end": ("เกินกำหนดสิ้นสุดโครงการ", "Past planned end"),
}

# The week-over-week comparison: against the live figures seven days earlier, or against the
# previous weekly snapshot (the dashboard's snapshot mode).
SINCE: Words = {
    "week": ("จากสัปดาห์ก่อน", "since last week"),
    "snapshot": ("จากภาพนิ่งครั้งก่อน", "since the previous snapshot"),
}

# ---------------------------------------------------------------- several fiscal years (issue 18)
# A year with no rows in data/reference/targets.csv has no target line: said instead of drawn
# ({year}: BE, e.g. 2561).
NO_TARGETS = ("ไม่มีเป้าหมายของ ครม. สำหรับปีงบประมาณ {year}", "No cabinet targets for FY{year}")
NO_TARGETS_SHORT = ("ไม่มีเป้าหมาย", "No target")
# Where a page would judge areas or projects against the target (needs intervention, rankings by gap,
# the lagging flag "behind target"): said instead of an empty list or a count of none.
NO_TARGETS_TO_JUDGE = (
    "ไม่มีเป้าหมายของ ครม. สำหรับปีงบประมาณ {year} จึงไม่มีการประเมินพื้นที่หรือโครงการใดเทียบเป้าหมาย",
    "No cabinet targets for FY{year}: there is no target to judge any area or project against",
)
# Same day last year (budget_metrics.year_on_year): {day} is that year's date, {year} its BE year.
LAST_YEAR: Words = {
    "same_day": ("ปีก่อน ณ วันเดียวกัน ({day})", "Same day last year ({day})"),
    "target": ("เป้าหมาย", "target"),
    "change": ("เทียบปีก่อน", "vs last year"),
    "pct": ("ปีก่อน", "last year"),
    "target_then": ("เป้าหมายปีก่อน", "target then"),
    "points": ("เทียบปีก่อน (จุด)", "vs last year (pts)"),
    "sort_gap": ("ระยะห่างจากเป้าหมาย", "Gap to target"),
    "sort_change": ("เปลี่ยนแปลงจากปีก่อน ณ วันเดียวกัน", "Change against last year, same day"),
    "sort_by": ("เรียงตาม", "Rank by"),
}

# ---------------------------------------------------------------- year-end projection
# The overview's projection words. How a project's projection was reached (its `basis`) has
# its words next to the model, in budget_metrics.projection.BASES.
PROJECTION: Words = {
    "projected": ("คาดการณ์สิ้นปีงบประมาณ", "Projected year end"),
    "band": ("ช่วงคาดการณ์ 80%", "80% band"),
    "year_end_target": ("เป้าหมายสิ้นปี", "year-end target"),
    "carryover": ("คาดว่าจะกันเหลื่อมปี", "Likely carried over"),
    "lapse": ("คาดว่าจะพับคืน/ส่งคืน", "Likely lapsed or returned"),
    "at_risk": ("เงินที่เสี่ยงไม่ถึงเป้าหมายสิ้นปี", "Baht at risk"),
    "required_weekly": ("ต้องเบิกจ่ายต่อสัปดาห์", "Needed per week"),
    "recent_weekly": ("เบิกจ่ายจริงต่อสัปดาห์ (4 สัปดาห์ล่าสุด)", "Paid per week (last 4 weeks)"),
    "shortfall": ("ขาดจากเป้าหมายสิ้นปี", "Short of the year-end target"),
    "year_over": ("สิ้นปีงบประมาณแล้ว: ตัวเลขจริง", "Fiscal year over: actual figures"),
}
# The pace-break warning (budget_metrics.pace_break): an area's recent weekly pace has fallen far below its
# own earlier pace and what its projection needs. "{date}" is the day the pace fell.
PACE_BREAK: Words = {
    "since": ("อัตราการเบิกจ่ายลดลงตั้งแต่ {date}", "pace has fallen since {date}"),
    "detail": (
        "{weeks} สัปดาห์ล่าสุดเบิกจ่ายสัปดาห์ละ {recent} ล้านบาท เทียบกับ {expected} ตามอัตราก่อนหน้า",
        "last {weeks} weeks {recent} million baht a week against {expected} at its earlier pace",
    ),
}

# ---------------------------------------------------------------- projects
BUDGET_TYPES: Words = {
    "operating": ("งบดำเนินงาน", "Operating"),
    "investment": ("งบลงทุน", "Investment"),
    "other": ("งบรายจ่ายอื่น / เงินอุดหนุน", "Other"),
}

# The sidebar's plan filter ('all') and a project's plan (its owner type).
PLAN_TYPES: Words = {
    "all": ("ทั้งแผนจังหวัดและกลุ่มจังหวัด", "Province and cluster plans"),
    "province": ("แผนพัฒนาจังหวัด", "Province plans"),
    "cluster": ("แผนพัฒนากลุ่มจังหวัด", "Cluster plans"),
}

OWNER_TYPES: Words = {
    "province": ("จังหวัด", "Province"),
    "cluster": ("กลุ่มจังหวัด", "Cluster"),
}

# The record kinds users load (the tables of the same names).
RECORD_KINDS: Words = {
    "projects": ("โครงการ", "Projects"),
    "disbursements": ("การเบิกจ่าย", "Disbursements"),
    "carryovers": ("เงินกันเหลื่อมปี", "Carry-overs"),
    "reallocations": ("การโอนเปลี่ยนแปลง", "Reallocations"),
    "asset_transfers": ("การโอนสินทรัพย์", "Asset transfers"),
}

# ---------------------------------------------------------------- carry-overs
CARRYOVER_RISKS: Words = {
    "past_deadline": ("เลยกำหนดเบิกจ่ายแล้วแต่ยังเบิกไม่ครบ", "Past the deadline, not fully paid"),
    "deadline_near": ("ใกล้ครบกำหนดแต่เบิกจ่ายได้น้อย", "Deadline near, little paid"),
}
# A carry-over with a signed commitment or without (codes: the column `with_commitment`).
COMMITMENT: dict[bool, tuple[str, str]] = {
    True: ("มีหนี้ผูกพัน", "With commitment"),
    False: ("ไม่มีหนี้ผูกพัน", "Without commitment"),
}

# ---------------------------------------------------------------- reallocations
REALLOCATION_KINDS: Words = {
    "savings": ("เงินเหลือจ่าย", "Savings"),
    "change": ("โอนเปลี่ยนแปลง", "Change"),
    "return": ("ส่งคืน", "Return"),
}
# Nodes of the flow chart that are not a project (keys as budget_metrics.reallocations uses them).
FLOW_NODES: Words = {
    "__new__": ("เงินจัดสรรเพิ่ม (ไม่มีโครงการต้นทาง)", "New money (no source project)"),
    "__returned__": ("ส่งคืน (ไม่มีโครงการปลายทาง)", "Returned (no destination project)"),
    "__unknown__": ("ไม่พบโครงการในฐานข้อมูล", "Project not in the database"),
}
# original + in - out against the current allocation, per project.
RECONCILIATION: Words = {
    "balances": ("ตรงกัน", "Balances"),
    "mismatch": ("ไม่ตรงกัน", "Mismatch"),
    "unknown": ("ไม่พบโครงการในฐานข้อมูล", "Unknown project"),
}

# ---------------------------------------------------------------- asset transfers
ASSET_STATUSES: Words = {
    "pending": ("รอโอน", "Pending"),
    "in_progress": ("ระหว่างดำเนินการ", "In progress"),
    "transferred": ("โอนแล้ว", "Transferred"),
}
# Not transferred more than `asset_overdue_days` after completion (codes: the column `overdue`).
ASSET_OVERDUE: dict[bool, tuple[str, str]] = {True: ("ค้างโอนเกินกำหนด", "Overdue"), False: ("", "")}

# ---------------------------------------------------------------- data quality
LOAD_STATUSES: Words = {
    "loaded": ("โหลดสำเร็จ", "Loaded"),
    "loaded_with_rejects": ("โหลดแล้ว มีแถวถูกปฏิเสธ", "Loaded with rejected rows"),
    "refused": ("ไม่รับไฟล์", "Refused"),
    "unchanged": ("ไม่มีการเปลี่ยนแปลง (ไฟล์เดิม)", "Unchanged (same file)"),
}
FRESHNESS: Words = {
    "ok": ("เป็นปัจจุบัน", "Up to date"),
    "stale": ("ข้อมูลไม่เป็นปัจจุบัน", "Stale"),
    "no_payments": ("มีโครงการแต่ยังไม่มีข้อมูลการเบิกจ่าย", "Projects but no payment data"),
    "no_projects": ("ไม่มีโครงการ", "No projects"),
    "closed": ("สิ้นปีงบประมาณแล้ว ไม่มีเงินกันค้างเบิก", "Fiscal year over, no carry-over left to pay"),
}
# Figures that should agree and do not (budget_metrics/quality.py).
CHECKS: Words = {
    "reallocation_mismatch": (
        "งบประมาณเดิม + โอนเข้า − โอนออก ไม่เท่ากับงบประมาณปัจจุบัน",
        "Original + in - out differs from the current allocation",
    ),
    "unknown_project": ("รายการโอนอ้างถึงโครงการที่ไม่มีในฐานข้อมูล", "Reallocation names a project not in the database"),
    "disbursed_over_allocation": ("เบิกจ่ายเกินงบประมาณปัจจุบัน", "Disbursed more than the current allocation"),
    "carryover_overpaid": ("เบิกจ่ายจากเงินกันเกินจำนวนที่กันไว้", "Paid from carry-over more than was carried"),
}
# Why the ETL rejected an input row. The ETL (etl/validate.py REASONS) stores the words with
# each rejected row; the data-quality page shows these, looked up by code.
REJECT_REASONS: Words = {
    "missing_required": ("ไม่มีค่าในช่องที่ต้องกรอก", "required value is missing"),
    "bad_date": ("อ่านวันที่ไม่ได้", "unparseable date"),
    "bad_amount": ("อ่านจำนวนเงินไม่ได้", "unparseable amount"),
    "bad_year": ("ปีงบประมาณไม่ถูกต้อง", "invalid fiscal year"),
    "unknown_owner": ("ไม่รู้จักจังหวัดหรือกลุ่มจังหวัดนี้", "unknown province or cluster"),
    "unknown_project": ("ไม่พบรหัสโครงการในฐานข้อมูลหรือในไฟล์", "unknown project code"),
    "duplicate_key": ("รหัสซ้ำกับแถวก่อนหน้าในไฟล์เดียวกัน", "duplicate key (an earlier row of the file has it)"),
    "date_outside_window": ("วันที่อยู่นอกช่วงปีงบประมาณที่เกี่ยวข้อง", "date outside the fiscal window it belongs to"),
    "reversal_below_zero": (
        "รายการกลับรายการทำให้ยอดเบิกจ่ายสะสมของโครงการติดลบ (รอจนกว่าจะมีรายการเบิกจ่ายที่รองรับ)",
        "reversal takes the project's cumulative disbursement below zero "
        "(held until the payments it reverses are loaded)",
    ),
    "exceeds_free_balance": (
        "โอนเงินเกินยอดคงเหลือที่โอนได้ของโครงการต้นทาง ณ วันที่อนุมัติ",
        "reallocation exceeds the source project's free balance on its approval date",
    ),
    "amount_not_positive": ("จำนวนเงินต้องมากกว่าศูนย์", "amount must be greater than zero"),
    "bad_enum": ("ค่าไม่อยู่ในรายการที่กำหนด", "value not in the allowed list"),
    "ambiguous_amount": (
        "จำนวนเงินอ่านได้มากกว่าหนึ่งแบบหรือไม่ใช่รูปแบบไทย/อังกฤษ (เขียนแบบ 1,234,567.50 คั่นหลักพันด้วยจุลภาค ไม่ใช่ช่องว่าง)",
        (
            "amount could be read two ways or is not in Thai/English form (write 1,234,567.50: thousands "
            "separated by commas, not spaces)"
        ),
    ),
    # keys, amounts and state rules (issue 14: keys, amounts and state rules, docs/reliability.md)
    "bad_key": (
        "รหัสมีอักขระควบคุมหรืออักขระที่กลับทิศทางข้อความ (มองไม่เห็นบนจอ) ให้พิมพ์รหัสใหม่",
        "the key holds a control character or one that reverses the text on screen (invisible); type the key again",
    ),
    # hostile inputs III (docs/reliability.md)
    "code_as_number": (
        "รหัสถูก Excel เขียนเป็นตัวเลขแบบวิทยาศาสตร์ (เช่น 7.738E+07) ตัวเลขบางหลักหายไปแล้ว ให้จัดรูปแบบคอลัมน์เป็นข้อความแล้วส่งออกใหม่",
        "Excel wrote the code as a number in scientific notation (e.g. 7.738E+07), so some of its digits are "
        "lost; format the column as text and export again",
    ),
    "percent_cell": (
        "เซลล์จัดรูปแบบเป็นเปอร์เซ็นต์ (เช่น 50%) ค่าที่เก็บจึงไม่ใช่ค่าที่เห็น ให้พิมพ์ค่าจริง",
        "the cell is formatted as a percentage (e.g. 50%), so the value stored is not the one shown; type the value "
        "itself",
    ),
    "repeated_header": (
        "แถวนี้เป็นหัวตารางซ้ำ (เช่น หัวหน้ากระดาษที่คัดลอกมา หรือไฟล์สองไฟล์ที่วางต่อกัน) ไม่มีข้อมูล ให้ลบแถวนี้",
        "this row repeats the header (a page header copied in, or two exports pasted one under the other) and holds "
        "no data; delete it",
    ),
    "merged_amount": (
        "ช่องจำนวนเงินถูกผสานเซลล์ (Merge) ครอบหลายแถว แบ่งยอดให้แต่ละแถวไม่ได้ ให้ยกเลิกการผสานเซลล์แล้วใส่จำนวนเงินของแต่ละแถว",
        "the amount cell is merged over several rows, so it cannot be split between them; unmerge it and type each "
        "row's own amount",
    ),
    # government sheet habits V (docs/reliability.md): what the sheet hides or merges across columns
    "hidden_row": (
        "แถวนี้ถูกซ่อนไว้ในชีต (ซ่อนเอง หรือถูกตัวกรองหรือการจัดกลุ่มซ่อน) ผู้ใช้มองไม่เห็นจึงไม่ได้โหลด "
        "ให้เลิกซ่อนแถวหากต้องการโหลด หรือลบแถวนี้ออก",
        "the row is hidden in the sheet (by hand, by a filter or a collapsed group), so it is not what its user "
        "sees and is not loaded; unhide it if it belongs in the load, or delete it",
    ),
    # government sheet habits VI: a row struck through as cancelled
    "struck_row": (
        "ทุกช่องของแถวนี้ถูกขีดฆ่า (ตัวอักษรขีดทับ) ซึ่งมักหมายถึงรายการที่ยกเลิก จึงไม่ได้โหลด "
        "ให้ลบแถวนี้ออกหากยกเลิกแล้ว หรือเอาการขีดฆ่าออกหากต้องการโหลด",
        "every filled cell of the row is struck through, the sheet's mark for a cancelled entry, so it is not "
        "loaded; delete the row if it is cancelled, or remove the strikethrough if it belongs in the load",
    ),
    "hidden_sign": (
        "รูปแบบตัวเลขของเซลล์แสดงจำนวนติดลบโดยไม่มีเครื่องหมายลบหรือวงเล็บ (เช่น #,##0;#,##0 หรือแสดงเป็นสีแดงอย่างเดียว) "
        "ผู้ใช้เห็นเป็นจำนวนบวก แต่เซลล์เก็บจำนวนติดลบ ให้ใส่เครื่องหมายลบหรือใช้รูปแบบที่แสดงเครื่องหมาย",
        "the cell's number format shows a negative number without its minus sign or brackets (e.g. #,##0;#,##0, "
        "or red alone): the user sees a positive figure where the cell holds a negative one; type the sign or use "
        "a format that shows it",
    ),
    # government sheet habits VII: a cell struck through alone, or in part; a cell coloured as its fill
    "struck_value": (
        "เซลล์นี้ถูกขีดฆ่า (ทั้งเซลล์หรือบางส่วนของข้อความ) ขณะที่แถวไม่ได้ถูกขีดฆ่าทั้งแถว ซึ่งมักหมายถึงค่าเดิมที่ยกเลิกแล้ว "
        "(ค่าใหม่พิมพ์ไว้ข้าง ๆ หรือในหมายเหตุ) จึงไม่ได้โหลด ให้ใส่ค่าที่ใช้จริงในเซลล์นี้และเอาการขีดฆ่าออก",
        "the cell is struck through (all of it, or part of its text) while its row is not, the sheet's mark for a "
        "figure or name that no longer holds (the new one typed beside it or in a note), so it is not loaded; type "
        "the value that holds in this cell and remove the strikethrough",
    ),
    "invisible_value": (
        "สีตัวอักษรของเซลล์เป็นสีเดียวกับสีพื้น (เช่น ตัวอักษรสีขาวบนพื้นขาว) ผู้ใช้เห็นเซลล์ว่าง แต่เซลล์มีตัวเลขหรือข้อความ "
        "ให้เปลี่ยนสีตัวอักษรให้มองเห็น หรือลบค่าออกหากไม่ใช่ข้อมูล",
        "the cell's font colour is the colour of its fill (e.g. white text on white): the user sees an empty cell "
        "that holds a number or text; give the text a colour that shows, or clear it if it is not data",
    ),
    "merged_across": (
        "เซลล์ถูกผสาน (Merge) ข้ามคอลัมน์ ช่องนี้จึงไม่มีค่าของตัวเอง (ค่าที่เห็นเป็นของคอลัมน์ทางซ้าย) "
        "ให้ยกเลิกการผสานเซลล์แล้วใส่ค่าของแต่ละคอลัมน์",
        "cells are merged across columns, so this column holds no value of its own (the text shown over it is the "
        "column to its left's); unmerge them and type each column's own value",
    ),
    "hidden_value": (
        "รูปแบบตัวเลขของเซลล์ซ่อนค่าไว้ (เช่น ;;;) ผู้ใช้เห็นเซลล์ว่าง แต่เซลล์มีตัวเลขหรือข้อความ "
        "ให้เปลี่ยนรูปแบบตัวเลขให้แสดงค่า หรือลบค่าออกหากไม่ใช่ข้อมูล",
        "the cell's number format hides its value (e.g. ;;;): the user sees an empty cell that holds a number or "
        "text; give it a format that shows the value, or clear it if it is not data",
    ),
    "scaled_cell": (
        "เซลล์จัดรูปแบบให้แสดงตัวเลขหารด้วยพันหรือล้าน (เช่น #,##0,) ค่าที่เก็บจึงไม่ใช่ค่าที่เห็น "
        "ให้ใส่จำนวนเงินตามหน่วยที่หัวตารางระบุโดยไม่ใช้รูปแบบย่อหลัก",
        "the cell's number format shows the figure divided by a thousand or a million (e.g. #,##0,), so the value "
        "stored is not the one shown; type the amount in the unit the header states, without a scaling format",
    ),
    "implausible_amount": (
        "จำนวนเงินสูงเกินกว่าที่เป็นไปได้ (เกินเพดานใน thresholds.toml: max_plausible_amount)",
        "amount above the plausibility bound (thresholds.toml: max_plausible_amount)",
    ),
    "implausible_total": (
        "ยอดสะสมของโครงการจะสูงเกินกว่าที่เป็นไปได้ (เกินเพดาน max_plausible_amount)",
        "the project's running total would exceed the plausibility bound (max_plausible_amount)",
    ),
    "same_project": ("โอนจากโครงการไปยังโครงการเดียวกัน", "reallocation from a project to itself"),
    # the upload page (etl.load with an area rule): a province/cluster user's row for another area
    "not_your_area": (
        "แถวนี้เป็นของจังหวัดหรือกลุ่มจังหวัดนอกพื้นที่ของผู้อัปโหลด",
        "the row belongs to a province or cluster outside the uploader's area",
    ),
    # whole-row reasons from the CSV reader
    "extra_cells": (
        "แถวมีช่องมากกว่าหัวตาราง (เช่น ตัวเลขมีจุลภาคแต่ไม่อยู่ในเครื่องหมายคำพูด)",
        "row has more cells than the header (e.g. an unquoted number with commas)",
    ),
    "missing_cells": ("แถวมีช่องน้อยกว่าหัวตาราง", "row has fewer cells than the header"),
    "unclosed_quote": (
        'เครื่องหมายคำพูด (") ไม่ปิด แถวนี้และบรรทัดที่ถูกรวมเข้าไปถูกปฏิเสธ',
        ('a quote (") is not closed properly; this row and the lines it swallowed are rejected'),
    ),
    "quote_spans_rows": (
        ('ช่องในเครื่องหมายคำพูด (") ข้ามบรรทัดและกลืนอีกแถวหนึ่ง (หรือมีการขึ้นบรรทัดใหม่ในช่องตัวเลข วันที่ หรือรหัส) ทุกบรรทัดของมันถูกปฏิเสธ'),
        (
            "a quoted cell runs across lines and swallows what reads as another row (or a number, "
            "date or code holds a line break); each of its lines is rejected"
        ),
    ),
    # workbook cells (etl.workbook_child): calamine reads both as empty text, which is not "no value"
    "formula_without_value": (
        "ช่องเป็นสูตรที่ยังไม่มีค่าที่คำนวณไว้ (เปิดไฟล์ใน Excel แล้วบันทึกใหม่)",
        "formula without a calculated value (open the file in Excel and save it again)",
    ),
    "error_cell": (
        "ช่องมีค่าผิดพลาดของ Excel (#DIV/0!, #N/A, #REF!, ...)",
        "Excel error value in the cell (#DIV/0!, #N/A, #REF!, ...)",
    ),
    # `etl load --unit million|thousand` (etl.units)
    "unit_not_whole_satang": (
        "แปลงหน่วยเป็นบาทแล้วไม่เป็นจำนวนสตางค์เต็ม (ทศนิยมมากเกินไป)",
        "converted to baht the amount is not a whole number of satang (too many decimals)",
    ),
}

# ---------------------------------------------------------------- year-end projection
# The figures of budget_metrics.projection (keys as its columns), without units: each place
# adds the unit it shows ("บาท", "ลบ.", "%"). How a project's projection was reached (its
# `basis`) has its words next to the model, in budget_metrics.projection.BASES.
PROJECTION_FIGURES: Words = {
    "projected_pct": ("คาดการณ์ร้อยละเบิกจ่าย ณ 30 ก.ย.", "projected % disbursed by 30 Sep"),
    "projected_low_pct": ("ช่วงคาดการณ์ ต่ำ", "projection band, low"),
    "projected_high_pct": ("ช่วงคาดการณ์ สูง", "projection band, high"),
    "projected_disbursed": ("คาดว่าจะเบิกจ่ายได้ภายใน 30 ก.ย.", "projected disbursed by 30 Sep"),
    "projected_carryover": ("คาดว่าจะกันเงินเหลื่อมปี", "projected carry-over"),
    "projected_lapse": ("คาดว่าจะไม่ได้ใช้ / ส่งคืน", "projected lapse / return"),
    "projected_shortfall": ("คาดว่าจะเบิกไม่ทัน 30 ก.ย.", "projected unspent on 30 Sep"),
    "required_weekly": ("ต้องเบิกจ่ายต่อสัปดาห์ให้ถึงเป้าหมายสิ้นปี", "needed per week for the year-end target"),
    "required_weekly_next_quarter": (
        "ต้องเบิกจ่ายต่อสัปดาห์ให้ถึงเป้าหมายสิ้นไตรมาส",
        "needed per week for the quarter-end target",
    ),
    "recent_weekly": ("เบิกจ่ายเฉลี่ยต่อสัปดาห์ 4 สัปดาห์ล่าสุด", "paid per week, last 4 weeks"),
    "basis": ("หลักการคาดการณ์", "projection basis"),
    "pace_break_since": ("อัตราการเบิกจ่ายลดลงตั้งแต่ (วันที่)", "pace fallen since (date)"),
}
PROJECTION_BAND = ("ช่วงคาดการณ์ 80%", "80% band")
# What the band does not hold (docs/projection.md, "Accuracy"): tested on years the model had not seen, the
# band was too narrow where orders after the data date moved money, and late budget acts ran high.
PROJECTION_BAND_CAVEAT = (
    "ช่วงคาดการณ์ 80% มาจากความไม่แน่นอนที่เห็นในข้อมูลปีนี้ ไม่รวมเหตุการณ์หลังวันที่ข้อมูล: เมื่อทดสอบกับปีที่แบบจำลองไม่เคยเห็น "
    "ช่วงนี้แคบเกินไปในปีที่มีคำสั่งโอนเปลี่ยนแปลงหรือยกเลิกโครงการหลังวันที่ข้อมูล และคาดการณ์สูงเกินไปในปีที่ "
    "พ.ร.บ.งบประมาณประกาศใช้ล่าช้า",
    "The 80% band comes from the uncertainty seen in this year's data, not from events after the data date: "
    "tested on years the model had not seen, it was too narrow in years with reallocation or cancellation orders "
    "after that date, and the projection ran high in years whose budget act came late",
)

# The first four months of a fiscal year, before most contracts are signed: the projection runs low there
# (docs/projection.md, "Round 21 of issue 17": the three demo seeds' provinces, kept model, at the month ends
# 31 Oct / 30 Nov / 31 Dec / 31 Jan were 9.7-28.0 / 6.6-15.1 / 3.9-10.5 / 5.7-8.0 points below their 30 Sep
# outcome on average, and the 80% band held 3-75% of them). Said beside the projection while the as-of date is
# before 1 Feb (`projection.is_early_in_year`).
PROJECTION_EARLY_CAVEAT = (
    "ต้นปีงบประมาณ (ต.ค.–ม.ค.) ยังลงนามสัญญาได้น้อย การคาดการณ์จึงมักต่ำกว่าผลจริง: ทดสอบย้อนหลังกับข้อมูลสาธิต 3 ชุด "
    "รายจังหวัดต่ำกว่าผลจริงเฉลี่ย 10–28 จุด ณ สิ้นเดือน ต.ค. 7–15 จุด ณ สิ้นเดือน พ.ย. 4–11 จุด ณ สิ้นเดือน ธ.ค. "
    "และ 6–8 จุด ณ สิ้นเดือน ม.ค. โดยช่วง 80% ครอบคลุมผลจริงได้น้อยกว่าที่ระบุ (3–75%) จึงควรถือเป็นค่าขั้นต่ำ",
    "Early in the fiscal year (Oct-Jan) few contracts are signed yet, so the projection tends to run below the "
    "outcome: backtested on three demo years, the provinces were projected on average 10-28 points too low at the "
    "end of October, 7-15 at the end of November, 4-11 at the end of December and 6-8 at the end of January, and the "
    "80% band held the outcome less often than it says (3-75%); read it as a floor",
)

# The same, short, on the line cards beside the projected figure (overview and area page).
PROJECTION_EARLY_SHORT = (
    "ต้นปีงบประมาณ การคาดการณ์มักต่ำกว่าผลจริง ให้ถือเป็นค่าขั้นต่ำ",
    "Early in the fiscal year the projection tends to run low: read it as a floor",
)

# While the year has signed fewer than 50 investment contracts the signing chance and what a contract pays after
# signing lean on past years' table and curve (budget_metrics.projection, rounds 23-24, PAIR_FIRST_CONTRACTS;
# `projection.caveat_kind` "past_years"), said instead of the early caveat (docs/projection.md, "Round 23 of issue 17":
# on the 163 seen year-dates with no contract yet, in 48 generated years, the provinces were +7.4 points above their
# outcome on average, over +20 in years of long contracts paid late, and the 80% band held 70% of them; "Round 24 of
# issue 17": on the 43 seen year-dates with 1-49 contracts, −26.0 points on average and the band held 26%).
PROJECTION_PAST_YEARS_CAVEAT = (
    "ปีนี้ลงนามสัญญางบลงทุนแล้วไม่ถึง 50 สัญญา การคาดการณ์จึงใช้โอกาสการลงนามและการเบิกจ่ายหลังลงนามเฉลี่ยของปีที่ผ่านมา "
    "มากกว่าข้อมูลของปีนี้: ทดสอบย้อนหลังกับปีจำลอง ณ วันที่ยังไม่มีสัญญาเลย รายจังหวัดสูงกว่าผลจริงเฉลี่ย 7 จุด "
    "(เกิน 20 จุดในปีที่สัญญายาวและเบิกจ่ายช้า) และช่วง 80% ครอบคลุมผลจริงราว 70% ส่วน ณ วันที่มีสัญญา 1–49 สัญญา "
    "ยังต่ำกว่าผลจริงเฉลี่ย 26 จุด และช่วง 80% ครอบคลุมผลจริงราว 26% จึงควรถือเป็นค่าประมาณคร่าว ๆ",
    "Fewer than 50 investment contracts have been signed this year so far, so the projection leans on past years' "
    "average chance of signing and payments after signing more than on this year's data: backtested on generated "
    "years, on dates before their first contract the provinces were projected 7 points too high on average (over 20 "
    "in years of long contracts paid late) and the 80% band held the outcome about 70% of the time; with 1-49 "
    "contracts they were still 26 points too low on average and the band held the outcome 26% of the time; read it "
    "as a rough estimate",
)

PROJECTION_PAST_YEARS_SHORT = (
    "ปีนี้ยังมีสัญญางบลงทุนไม่ถึง 50 สัญญา การคาดการณ์ใช้ค่าเฉลี่ยของปีที่ผ่านมา อาจคลาดจากผลจริงมาก",
    "Fewer than 50 investment contracts yet this year: the projection leans on past years' averages and may be far off",
)

# The words of each caveat kind (budget_metrics.projection.caveat_kind), long (the area page's method note) and
# short (the line cards, the PDF brief).
PROJECTION_CAVEATS = {"early": PROJECTION_EARLY_CAVEAT, "past_years": PROJECTION_PAST_YEARS_CAVEAT}
PROJECTION_CAVEATS_SHORT = {"early": PROJECTION_EARLY_SHORT, "past_years": PROJECTION_PAST_YEARS_SHORT}

# ---------------------------------------------------------------- follow-up of lagging projects
# The fields of a follow-up response (appstore.followup), as the form, history and exports name them.
FOLLOWUP_FIELDS: Words = {
    "cause_code": ("สาเหตุ", "Cause"),
    "action_taken": ("การดำเนินการ", "Action taken"),
    "expected_payment_date": ("คาดว่าจะเบิกจ่ายได้วันที่", "Expected payment date"),
    "expected_amount": ("คาดว่าจะเบิกจ่ายได้ (บาท)", "Expected payment (baht)"),
    "note": ("หมายเหตุ", "Note"),
}
# Where a flagged project's follow-up stands (appstore: fresh, overdue by the rules in docs/appstore.md).
RESPONSE_STATUSES: Words = {
    "none": ("ยังไม่ชี้แจง", "No response"),
    "fresh": ("ชี้แจงแล้ว", "Answered"),
    "stale": ("คำชี้แจงเก่า", "Answer out of date"),
    "overdue": ("เลยกำหนดที่คาดว่าจะเบิกจ่าย", "Past the expected payment date"),
    # the application store cannot be read now (docs/appstore.md "When the store is down")
    "unknown": ("ไม่ทราบในขณะนี้", "Unknown now"),
}
# A date field people type into (ui/date_field.py; the forms thai_date_input.py reads).
DATE_INPUT: Words = {
    "placeholder": ("เช่น 15/10/2562 หรือ 15 ต.ค. 62", "e.g. 15/10/2562 or 15 Oct 2019"),
    "help": (
        (
            "พิมพ์ปี พ.ศ. หรือ ค.ศ. ก็ได้ เลขไทยหรือเลขอารบิก เช่น 15/10/2562, ๑๕/๑๐/๒๕๖๒, 15 ต.ค. 62, "
            "15 ตุลาคม 2562, 2019-10-15 (ปี 2 หลักเป็น พ.ศ.)"
        ),
        (
            "Buddhist-era or Common-era year, Thai or Arabic digits: 15/10/2562, 15/10/2019, 15 Oct 2019, "
            "2019-10-15 (a 2-digit year is Buddhist era)"
        ),
    ),
    "read_as": ("✓ อ่านได้เป็น", "✓ Read as"),
}
# When the application store (users, follow-up answers, upload records) cannot be reached: what
# the sidebar, the follow-up parts and the upload page say. Never the driver's words.
STORE_OUTAGE: Words = {
    "sidebar": (
        ("ระบบจัดเก็บคำชี้แจงไม่ตอบสนองในขณะนี้ ดูข้อมูลได้ตามปกติ แต่ยังบันทึกคำชี้แจงหรืออัปโหลดไฟล์ไม่ได้ จนกว่าระบบจะกลับมา"),
        (
            "The application store is not answering now. Every figure can be read as usual, but follow-up "
            "answers and uploads cannot be saved until it is back."
        ),
    ),
    "sidebar_unverified": (
        (
            "ตรวจสอบสิทธิ์ของบัญชีไม่ได้ในขณะนี้ (ระบบจัดเก็บข้อมูลผู้ใช้ไม่ตอบสนอง) "
            "ท่านดูข้อมูลได้ตามปกติในฐานะผู้ดู "
            "แต่ยังบันทึกคำชี้แจงหรืออัปโหลดไฟล์ไม่ได้จนกว่าระบบจะกลับมา"
        ),
        (
            "Your sign-in details (role and areas) cannot be checked now: the application store is "
            "not answering. You can read everything as a viewer; follow-up answers and uploads "
            "cannot be saved until it is back."
        ),
    ),
    "followup": (
        ("ระบบจัดเก็บคำชี้แจงไม่ตอบสนองในขณะนี้ จึงแสดงและบันทึกคำชี้แจงไม่ได้ ข้อมูลโครงการด้านบนยังเป็นปัจจุบัน"),
        (
            "The follow-up answers cannot be shown or saved now: the application store is not answering. "
            "The project figures above are up to date."
        ),
    ),
    "save_failed": (
        ("ยังไม่ได้บันทึก: ระบบจัดเก็บคำชี้แจงไม่ตอบสนองในขณะนี้ ข้อความที่พิมพ์ไว้ยังอยู่ในแบบฟอร์ม กดบันทึกอีกครั้งเมื่อระบบกลับมา"),
        (
            "Not saved: the application store is not answering now. What you typed is still in the form; "
            "press Save again when it is back."
        ),
    ),
    "no_form": (
        ("บันทึกคำชี้แจงใหม่ไม่ได้ในขณะนี้ เพราะอ่านคำชี้แจงเดิมไม่ได้ (ระบบจัดเก็บไม่ตอบสนอง) ลองอีกครั้งภายหลัง"),
        (
            "A new answer cannot be recorded now, because the saved one cannot be read (the application "
            "store is not answering); try again later."
        ),
    ),
    "files": (
        (
            "อ่านคำชี้แจงไม่ได้ในขณะนี้ (ระบบจัดเก็บคำชี้แจงไม่ตอบสนอง): ในไฟล์ที่ดาวน์โหลด สถานะการชี้แจงจะเป็น "
            "“ไม่ทราบในขณะนี้” และไม่มีอัตราการชี้แจง ตัวเลขอื่นครบถ้วน ดาวน์โหลดใหม่เมื่อระบบกลับมา"
        ),
        (
            "The follow-up answers cannot be read now (the application store is not answering): in the files, "
            "every follow-up status says “unknown now” and there are no response rates; every other figure is "
            "complete. Download again once the store is back."
        ),
    ),
    "upload": (
        (
            "อัปโหลดไฟล์ไม่ได้ในขณะนี้: ระบบจัดเก็บข้อมูลผู้ใช้และบันทึกการอัปโหลดไม่ตอบสนอง ไม่มีข้อมูลใดถูกโหลด "
            "ไฟล์ที่เลือกไว้ยังอยู่ กดโหลดข้อมูลอีกครั้งเมื่อระบบกลับมา"
        ),
        (
            "Files cannot be uploaded now: the application store (users and upload records) is not answering. "
            "Nothing was loaded; the chosen files are still here; press Load again when it is back."
        ),
    ),
    "upload_rights": (
        ("ตรวจสอบสิทธิ์อัปโหลดของบัญชีไม่ได้ในขณะนี้ (ระบบจัดเก็บข้อมูลผู้ใช้ไม่ตอบสนอง) อัปโหลดได้อีกครั้งเมื่อระบบกลับมา"),
        (
            "Your right to upload cannot be checked now (the application store is not answering); "
            "uploading works again when it is back."
        ),
    ),
    "recent_uploads": (
        "อ่านรายการอัปโหลดล่าสุดไม่ได้ในขณะนี้ (ระบบจัดเก็บไม่ตอบสนอง)",
        "The list of recent uploads cannot be read now (the application store is not answering).",
    ),
    "history": (
        "อ่านประวัติการชี้แจงไม่ได้ในขณะนี้ (ระบบจัดเก็บไม่ตอบสนอง)",
        "The follow-up history cannot be read now (the application store is not answering).",
    ),
}

# ---------------------------------------------------------------- links (the URL's query parameters)
# What a link can ask for, as the notice names it when the value is unknown (ui.controls).
LINK_FIELDS: Words = {
    "lang": ("ภาษา", "language"),
    "fy": ("ปีงบประมาณ", "fiscal year"),
    "mode": ("โหมดข้อมูล", "data mode"),
    "as_of": ("วันที่ข้อมูล", "as-of date"),
    "plan": ("ประเภทแผน", "plan type"),
    "region": ("ภาค", "region"),
    "cluster": ("กลุ่มจังหวัด", "cluster"),
    "province": ("จังหวัด", "province"),
    "budget": ("ประเภทงบรายจ่าย", "budget type"),
}
# {field}: a LINK_FIELDS word (or a page filter's label); {given}: the link's text; {shown}: what is shown.
LINK_UNKNOWN = (
    "ลิงก์นี้ระบุ{field} “{given}” ซึ่งไม่มีในตัวเลือก จึงแสดง “{shown}” แทน",
    "The link asks for {field} “{given}”, which is not one of the choices; showing “{shown}” instead.",
)
LINK_DATE = (
    "ไม่มีข้อมูล ณ วันที่ {given} (ข้อมูลปีงบประมาณนี้มีตั้งแต่ {first} ถึง {last}) จึงแสดงข้อมูลล่าสุดแทน",
    "There is no data for {given} (this fiscal year's data runs from {first} to {last}); "
    "showing the latest data instead.",
)
LINK_PAGE = (
    "ไม่มีหน้า “/{given}” ในระบบ จึงแสดงหน้าภาพรวมแทน",
    "There is no page “/{given}”; showing the overview instead.",
)

# ---------------------------------------------------------------- common words
ALL = ("ทั้งหมด", "All")
NO_DATA = ("ไม่มีข้อมูล", "No data")
MILLION_BAHT = ("ล้านบาท", "million baht")
WHOLE_COUNTRY = ("ทั้งประเทศ", "whole country")
# What a drop-down list shows while nothing is typed or chosen (Streamlit's own is English:
# "Choose an option" / "Choose options").
CHOOSE_PLACEHOLDER = ("พิมพ์เพื่อค้นหาหรือเลือก", "Type to search or choose")


def pick(pair: tuple[str, str], lang: str) -> str:
    """One side of a (thai, english) pair: Thai for 'th', English otherwise."""
    return pair[0] if lang == "th" else pair[1]


def word(words: dict, code, lang: str, missing: str | None = None) -> str:
    """The word for a code in the language ('th' / 'en').

    An unknown code reads as itself (or `missing` when given), so a code added to the data
    before its word shows up plainly instead of failing; tests keep that from happening.
    """
    pair = words.get(code)
    if pair is None:
        return str(code) if missing is None else missing
    return pick(pair, lang)


def _missing(code) -> bool:
    import pandas as pd  # here, not at the top: the CLI's commands import the words without pandas

    return code is None or (not isinstance(code, str | bool) and bool(pd.isna(code)))


def words_in(words: dict, codes, lang: str) -> list[str]:
    """The words of a column of codes in the language; a missing code (None, NaN) gives ''."""
    return ["" if _missing(code) else word(words, code, lang) for code in codes]
