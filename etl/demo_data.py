"""Deterministic demo data for FY2562 (1 Oct 2018 - 30 Sep 2019), written as real exports look.

`write_demo_files(out_dir, seed)` writes about ten input files (projects, disbursements split
by quarter plus carry-over payments and a small corrections file, carry-overs,
reallocations, asset transfers) in the formats users bring: Thai headers, BE dates,
title lines above the header, amounts as text with thousand separators, UTF-8 with BOM,
TIS-620 (cp874) and xlsx. It never touches the database: `python -m etl demo` loads the
folder through the normal ETL path.

Everything is drawn from one `random.Random(seed)` stream (no wall-clock time), so the
same seed gives byte-identical files. Money is kept in integer satang internally and
the returned totals are Decimal baht computed from the in-memory records.

The money rules the ETL enforces hold by construction:
- a project's disbursed total never exceeds its current allocation, and no reversal takes
  a project below zero (a reversal follows its original payment in the same file);
- reallocation sources never receive money, and every amount moved out is at most the
  source's free balance even when "disbursed" is read as the final total (current-year
  plus carry-over payments): sum(out) <= allocation - max(contract, disbursed);
- carry-overs are at most the unpaid balance, carry-over payments at most the carried
  amount and dated between 1 Oct 2019 and the deadline.
"""

from __future__ import annotations

import bisect
import csv
import io
import itertools
import random
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import reference_data
import settings

FISCAL_YEAR_BE = 2562
FY_START = date(2018, 10, 1)
FY_END = date(2019, 9, 30)
CONTRACT_CUTOFF = date(2019, 3, 31)
CARRYOVER_DEADLINE = date(2020, 3, 31)
DATA_AS_OF = date(2020, 3, 31)  # the last date any record in the demo refers to

# National capital disbursement FY2562, cumulative share of the year by month end (Oct..Sep).
NATIONAL_CUMULATIVE_PCT = (6.6, 11.3, 19.4, 27.2, 34.8, 45.3, 52.0, 60.5, 69.3, 77.0, 85.5, 100.0)

# Thai public holidays on weekdays, Oct 2018 - Mar 2020 (approximate; only shapes posting days).
HOLIDAYS = frozenset(
    date.fromisoformat(text)
    for text in (
        "2018-10-15", "2018-10-23", "2018-12-05", "2018-12-10", "2018-12-31", "2019-01-01",
        "2019-02-19", "2019-04-08", "2019-04-15", "2019-04-16", "2019-05-01", "2019-05-06",
        "2019-05-20", "2019-06-03", "2019-07-16", "2019-07-29", "2019-08-12", "2019-10-14",
        "2019-10-23", "2019-12-05", "2019-12-10", "2019-12-31", "2020-01-01", "2020-02-10",
    )
)

MONTH_ABBR_TH = ("ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.",
                 "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค.")
MONTH_FULL_TH = ("มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน",
                 "กรกฎาคม", "สิงหาคม", "กันยายน", "ตุลาคม", "พฤศจิกายน", "ธันวาคม")

SOURCE_CURRENT = "งบประมาณปีปัจจุบัน"
SOURCE_CARRYOVER = "เงินกันเหลื่อมปี"
BUDGET_TYPE_TH = {"investment": "งบลงทุน", "operating": "งบดำเนินงาน", "other": "งบรายจ่ายอื่น"}
REALLOCATION_KIND_TH = {"savings": "เงินเหลือจ่าย", "change": "โอนเปลี่ยนแปลง", "return": "ส่งคืน"}
ASSET_STATUS_TH = {"pending": "รอโอน", "in_progress": "ระหว่างดำเนินการ", "transferred": "โอนแล้ว"}

# File names, in the order they are written. Old files with these names are removed first.
F_PROJECTS = "projects_2562.xlsx"
F_DISB_Q1 = "disbursements_2562_q1.csv"
F_DISB_Q2 = "disbursements_2562_q2_tis620.csv"
F_DISB_Q3 = "disbursements_2562_q3.xlsx"
F_DISB_Q4 = "disbursements_2562_q4.csv"
F_DISB_CARRY = "disbursements_carryover_2563.csv"
F_DISB_CORR = "disbursements_corrections.csv"
F_CARRYOVERS = "carryovers_2562.csv"
F_REALLOCATIONS = "reallocations_2562.xlsx"
F_ASSETS = "asset_transfers_2562.csv"
DEMO_FILES = (F_PROJECTS, F_DISB_Q1, F_DISB_Q2, F_DISB_Q3, F_DISB_Q4, F_DISB_CARRY,
              F_DISB_CORR, F_CARRYOVERS, F_REALLOCATIONS, F_ASSETS)

# Thai headers per record kind (issue 2, section 3).
H_PROJECTS = ("รหัสโครงการ", "ปีงบประมาณ", "จังหวัด/กลุ่มจังหวัด", "ชื่อโครงการ", "ประเภทงบรายจ่าย",
              "หน่วยดำเนินการ", "งบประมาณที่ได้รับจัดสรร", "วงเงินตามสัญญา", "วันที่ลงนามสัญญา",
              "วันเริ่มต้นโครงการ", "วันสิ้นสุดโครงการ", "รหัส eMENSCR")
H_DISBURSEMENTS = ("เลขที่เอกสาร", "รหัสโครงการ", "วันที่ผ่านรายการ", "จำนวนเงิน", "แหล่งเงิน")
H_CARRYOVERS = ("รหัสโครงการ", "จำนวนเงินกันเหลื่อมปี", "มีหนี้ผูกพัน", "วันที่อนุมัติ",
                "ขยายเวลาเบิกจ่ายถึง", "เหตุผล")
H_REALLOCATIONS = ("เลขที่อนุมัติ", "วันที่อนุมัติ", "โอนจากโครงการ", "โอนไปโครงการ", "จำนวนเงิน",
                   "ประเภทการโอน", "เหตุผล")
H_ASSETS = ("รหัสสินทรัพย์", "รหัสโครงการ", "รายการสินทรัพย์", "มูลค่า", "หน่วยงานผู้รับโอน",
            "วันที่ตรวจรับ", "วันที่โอน", "สถานะ")

# Regional irrigation office (สำนักงานชลประทานที่ N) serving each cluster, roughly.
IRRIGATION_OFFICE = {"C01": 1, "C02": 2, "C03": 3, "C04": 4, "C05": 5, "C06": 5, "C07": 6,
                     "C08": 8, "C09": 7, "C10": 10, "C11": 11, "C12": 13, "C13": 14, "C14": 9,
                     "C15": 9, "C16": 16, "C17": 15, "C18": 17}

SITE_KINDS = ("น้ำตก", "อ่างเก็บน้ำ", "วัด", "จุดชมวิว")
VILLAGE_PARTS_A = ("หนอง", "โนน", "ดอน", "ห้วย", "นา", "โคก", "ป่า", "ท่า", "บ่อ", "สระ", "ทุ่ง",
                   "วัง", "เหล่า", "แม่", "บาง", "คลอง", "ควน", "หัว", "ม่วง", "โพธิ์")
VILLAGE_PARTS_B = ("บัว", "สูง", "แก้ว", "ทราย", "คำ", "ใหญ่", "น้อย", "ยาง", "ตะเคียน", "ขาม",
                   "ไผ่", "แดง", "ทอง", "หลวง", "กลาง", "ใหม่", "เจริญ", "สะอาด", "พัฒนา", "งาม")

REASONS_SAVINGS = ("นำเงินเหลือจ่ายจากการประกวดราคาไปดำเนินโครงการที่มีความจำเป็นเร่งด่วน",
                   "ใช้เงินเหลือจ่ายเพิ่มเติมปริมาณงานตามความต้องการของประชาชน",
                   "โอนเงินเหลือจ่ายตามมติ ก.บ.จ. เพื่อดำเนินโครงการสำรอง")
REASONS_CHANGE = ("เปลี่ยนแปลงโครงการเนื่องจากพื้นที่ดำเนินการไม่พร้อม",
                  "ยกเลิกโครงการเดิมเนื่องจากซ้ำซ้อนกับงบประมาณของหน่วยงานอื่น",
                  "ปรับเปลี่ยนรายละเอียดโครงการตามมติ ก.บ.ก.")
REASONS_RETURN = ("ส่งคืนเงินเหลือจ่ายจากการจัดซื้อจัดจ้าง", "ส่งคืนงบประมาณเนื่องจากดำเนินการไม่ทัน",
                  "ส่งคืนเงินเหลือจ่ายหลังดำเนินโครงการแล้วเสร็จ")
REASONS_NEW_MONEY = ("ได้รับจัดสรรงบประมาณเพิ่มเติมจากงบกลาง", "ได้รับจัดสรรเพิ่มเติมตามมติคณะรัฐมนตรี")
REASONS_CARRY_COMMITTED = ("ผู้รับจ้างส่งมอบงานไม่ทันภายในปีงบประมาณ", "อยู่ระหว่างการก่อสร้างตามสัญญา",
                           "ขยายระยะเวลาสัญญาเนื่องจากฝนตกชุก", "รอการตรวจรับงานงวดสุดท้าย")
REASONS_CARRY_UNCOMMITTED = ("อยู่ระหว่างดำเนินการจัดซื้อจัดจ้าง", "ประกวดราคาแล้วไม่มีผู้เสนอราคา ต้องดำเนินการใหม่",
                             "รอแบบรูปรายการจากหน่วยงานเจ้าของพื้นที่")


# --------------------------------------------------------------------------- records


@dataclass
class Project:
    code: str
    owner_code: str
    owner_type: str  # province / cluster
    owner_text: str  # as written in the file
    province_code: str  # where the project is carried out
    name: str
    budget_type: str  # operating / investment / other
    agency: str
    category: str  # road / water / tourism / agri / building / light / training / ...
    place: tuple[str, str]  # (tambon, amphoe) names without prefix
    allocated: int  # satang, original allocation
    emenscr: str = ""
    contract: int | None = None
    contract_date: date | None = None
    planned_start: date | None = None
    planned_end: date | None = None
    moved_in: int = 0
    moved_out: int = 0
    role: str = ""  # "" / source / receiver

    @property
    def current(self) -> int:
        """Current allocation in satang: original + reallocations in - out."""
        return self.allocated + self.moved_in - self.moved_out


@dataclass
class Payment:
    project: Project
    amount: int  # satang, negative = reversal
    day: date
    source: str  # current / carryover
    doc_no: str = ""
    file: str = ""
    reversal_of: Payment | None = None
    extra: bool = False  # paid from money received by reallocation, not the original plan


@dataclass
class Reallocation:
    ref_no: str
    approved: date
    source: Project | None
    target: Project | None
    amount: int
    kind: str
    reason: str


@dataclass
class Carryover:
    project: Project
    amount: int
    committed: bool
    approved: date
    deadline: date
    reason: str


@dataclass
class Asset:
    asset_id: str
    project: Project
    description: str
    value: int
    recipient: str
    completed: date
    transferred: date | None
    status: str


@dataclass
class DemoData:
    """Everything the generator decided, before formatting."""

    projects: list[Project] = field(default_factory=list)
    payments: list[Payment] = field(default_factory=list)
    reallocations: list[Reallocation] = field(default_factory=list)
    carryovers: list[Carryover] = field(default_factory=list)
    assets: list[Asset] = field(default_factory=list)
    rng: random.Random | None = None  # the stream, handed on to the writer


# --------------------------------------------------------------------------- calendar


def _is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in HOLIDAYS


def _working_days(start: date, end: date) -> list[date]:
    days, day = [], start
    while day <= end:
        if _is_working_day(day):
            days.append(day)
        day += timedelta(days=1)
    return days


def _add_working_days(day: date, count: int) -> date:
    step = 1 if count >= 0 else -1
    remaining = abs(count)
    while remaining:
        day += timedelta(days=step)
        if _is_working_day(day):
            remaining -= 1
    return day


def _month_index(day: date) -> int:
    """0 for October 2018 ... 11 for September 2019."""
    return (day.year - 2018) * 12 + day.month - 10


class _Calendar:
    """Posting-day distribution over FY2562's working days.

    Each month gets a share of the year's money; inside a month, Fridays and Thursdays
    and the last days of a quarter get more weight (weekly rhythm, quarter-end bumps).
    A province's speed warps the cumulative curve: cum_s(t) = cum(t) ** speed.
    """

    def __init__(self, month_shares: list[float]):
        self.days = _working_days(FY_START, FY_END)
        dow_weight = (0.55, 0.75, 0.9, 1.25, 1.9)
        raw = []
        for day in self.days:
            weight = dow_weight[day.weekday()]
            if day.month in (12, 3, 6, 9) and day.day >= 22:
                weight *= 2.2
            raw.append(weight)
        month_totals = [0.0] * 12
        for day, weight in zip(self.days, raw):
            month_totals[_month_index(day)] += weight
        cumulative, running = [], 0.0
        for day, weight in zip(self.days, raw):
            month = _month_index(day)
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


# --------------------------------------------------------------------------- formats


def _be_slash(day: date) -> str:
    """13/09/2562"""
    return f"{day.day:02d}/{day.month:02d}/{day.year + 543}"


def _be_abbr(day: date) -> str:
    """13 ก.ย. 62"""
    return f"{day.day} {MONTH_ABBR_TH[day.month - 1]} {(day.year + 543) % 100:02d}"


def _be_full(day: date) -> str:
    """13 กันยายน 2562"""
    return f"{day.day} {MONTH_FULL_TH[day.month - 1]} {day.year + 543}"


def _money_text(satang: int) -> str:
    """1,234,567.50 (negative as -1,234.00)."""
    sign = "-" if satang < 0 else ""
    baht, cents = divmod(abs(satang), 100)
    return f"{sign}{baht:,}.{cents:02d}"


def _money_number(satang: int) -> int | float:
    """An xlsx cell value: whole baht as int, otherwise a float with two decimals."""
    return satang // 100 if satang % 100 == 0 else round(satang / 100, 2)


def _baht(satang: int) -> Decimal:
    return (Decimal(satang) / 100).quantize(Decimal("0.01"))


# --------------------------------------------------------------------------- generator


class _Generator:
    def __init__(self, seed: int, reference_dir: Path):
        self.rng = random.Random(seed)
        self.provinces = reference_data.read_table("provinces", reference_dir).to_dict("records")
        self.clusters = reference_data.read_table("clusters", reference_dir).to_dict("records")
        self.province_by_code = {row["province_code"]: row for row in self.provinces}
        self.members: dict[str, list[str]] = {}
        for row in self.provinces:
            self.members.setdefault(row["cluster_code"], []).append(row["province_code"])
        self.places = _places()
        self.data = DemoData()
        self.speed: dict[str, float] = {}  # owner code -> cumulative-curve exponent
        self.pace: dict[str, float] = {}  # owner code -> 0 (slow) .. 1 (fast) for year-end paying

    # ---- projects

    def build_projects(self) -> None:
        rng = self.rng
        owners = [("province", row["province_code"]) for row in self.provinces]
        owners += [("cluster", row["cluster_code"]) for row in self.clusters]
        for owner_type, code in owners:
            roll = rng.random()
            # A minority lags clearly, some run ahead, most follow the national curve.
            if roll < 0.15:
                self.speed[code], self.pace[code] = rng.uniform(1.5, 2.1), rng.uniform(0.0, 0.3)
            elif roll < 0.32:
                self.speed[code], self.pace[code] = rng.uniform(0.6, 0.8), rng.uniform(0.8, 1.0)
            else:
                self.speed[code], self.pace[code] = rng.uniform(0.88, 1.12), rng.uniform(0.4, 0.8)
            if owner_type == "province":
                budget = rng.triangular(105e6, 450e6, 215e6)
                count = max(28, min(85, round(budget / 5.4e6 * rng.uniform(0.85, 1.15))))
            else:
                budget = rng.uniform(200e6, 600e6)
                count = rng.randint(5, 20)
            self._owner_projects(owner_type, code, budget, count)

    def _owner_projects(self, owner_type: str, owner_code: str, budget: float, count: int) -> None:
        rng = self.rng
        kinds, sizes = [], []
        for _ in range(count):
            roll = rng.random()
            if roll < 0.64:
                kinds.append("investment")
                sizes.append(rng.lognormvariate(0, 0.75))
            elif roll < 0.94:
                kinds.append("operating")
                sizes.append(0.16 * rng.lognormvariate(0, 0.6))
            else:
                kinds.append("other")
                sizes.append(0.3 * rng.lognormvariate(0, 0.5))
        scale = budget / sum(sizes)
        for seq, (budget_type, size) in enumerate(zip(kinds, sizes), start=1):
            allocated = max(100, round(size * scale / 1000)) * 1000 * 100  # whole thousand baht
            if owner_type == "province":
                province_code = owner_code
            else:
                province_code = rng.choice(self.members[owner_code])
            project = self._describe(owner_type, owner_code, province_code, budget_type, seq)
            project.allocated = allocated
            self.data.projects.append(project)

    def _owner_text(self, owner_type: str, owner_code: str) -> str:
        rng = self.rng
        if owner_type == "cluster":
            name = next(r["name_th"] for r in self.clusters if r["cluster_code"] == owner_code)
            return name if rng.random() < 0.85 else owner_code
        name = self.province_by_code[owner_code]["name_th"]
        return rng.choices([f"จังหวัด{name}", f"จ.{name}", name, owner_code], (55, 20, 15, 10))[0]

    def _village(self, tambon: str) -> str:
        rng = self.rng
        if rng.random() < 0.4:
            return f"บ้าน{tambon}"
        return f"บ้าน{rng.choice(VILLAGE_PARTS_A)}{rng.choice(VILLAGE_PARTS_B)}"

    def _describe(self, owner_type: str, owner_code: str, province_code: str, budget_type: str,
                  seq: int) -> Project:
        """A realistic Thai project name, category and implementing agency."""
        rng = self.rng
        province = self.province_by_code[province_code]["name_th"]
        cluster_code = self.province_by_code[province_code]["cluster_code"]
        tambon, amphoe = rng.choice(self.places.get(province_code) or [("เมือง", "เมือง")])
        where = f"ตำบล{tambon} อำเภอ{amphoe} จังหวัด{province}"
        v1, v2 = self._village(tambon), self._village(tambon)
        pao = f"องค์การบริหารส่วนจังหวัด{province}"
        if budget_type == "investment":
            category = rng.choices(["road", "water", "tourism", "agri", "building", "light"],
                                   (38, 24, 14, 12, 6, 6))[0]
            if category == "road":
                name = rng.choice([
                    f"โครงการก่อสร้างถนนคอนกรีตเสริมเหล็กสาย{v1} - {v2} {where}",
                    f"โครงการก่อสร้างถนนลาดยางแอสฟัลท์ติกคอนกรีตสาย{v1} - {v2} {where}",
                    f"โครงการปรับปรุงซ่อมแซมถนนเพื่อการเกษตรสาย{v1} {where}",
                ])
                agency = rng.choice([f"สำนักงานโยธาธิการและผังเมืองจังหวัด{province}", pao,
                                     f"แขวงทางหลวงชนบท{province}"])
            elif category == "water":
                name = rng.choice([
                    f"โครงการขุดลอกแหล่งน้ำหนอง{rng.choice(VILLAGE_PARTS_B)} {where}",
                    f"โครงการก่อสร้างฝายชะลอน้ำห้วย{rng.choice(VILLAGE_PARTS_B)} {where}",
                    f"โครงการก่อสร้างระบบประปาหมู่บ้าน{v1} {where}",
                    f"โครงการก่อสร้างระบบกระจายน้ำเพื่อการเกษตร{v1} {where}",
                ])
                agency = rng.choice([f"สำนักงานชลประทานที่ {IRRIGATION_OFFICE[cluster_code]}", pao,
                                     f"สำนักงานทรัพยากรน้ำจังหวัด{province}"])
            elif category == "tourism":
                name = rng.choice([
                    f"โครงการพัฒนาแหล่งท่องเที่ยวชุมชน{v1} {where}",
                    f"โครงการปรับปรุงภูมิทัศน์แหล่งท่องเที่ยว{rng.choice(SITE_KINDS)}{tambon} {where}",
                    f"โครงการก่อสร้างศูนย์บริการนักท่องเที่ยวอำเภอ{amphoe} จังหวัด{province}",
                ])
                agency = rng.choice([f"สำนักงานการท่องเที่ยวและกีฬาจังหวัด{province}", pao,
                                     f"สำนักงานโยธาธิการและผังเมืองจังหวัด{province}"])
            elif category == "agri":
                name = rng.choice([
                    f"โครงการจัดซื้อครุภัณฑ์การเกษตร (เครื่องอบลดความชื้น) กลุ่มเกษตรกร{v1} {where}",
                    f"โครงการติดตั้งระบบสูบน้ำพลังงานแสงอาทิตย์เพื่อการเกษตร{v1} {where}",
                    f"โครงการจัดซื้อเครื่องจักรกลการเกษตรสำหรับศูนย์ข้าวชุมชนอำเภอ{amphoe} จังหวัด{province}",
                ])
                agency = rng.choice([f"สำนักงานเกษตรจังหวัด{province}", f"สำนักงานปศุสัตว์จังหวัด{province}",
                                     f"สำนักงานเกษตรจังหวัด{province}"])
            elif category == "building":
                name = rng.choice([
                    f"โครงการก่อสร้างอาคารศูนย์แสดงและจำหน่ายสินค้า OTOP อำเภอ{amphoe} จังหวัด{province}",
                    f"โครงการก่อสร้างลานกีฬาอเนกประสงค์{v1} {where}",
                ])
                agency = rng.choice([f"สำนักงานพัฒนาชุมชนจังหวัด{province}", pao])
            else:
                name = f"โครงการติดตั้งไฟฟ้าส่องสว่างพลังงานแสงอาทิตย์สาย{v1} - {v2} {where}"
                agency = rng.choice([pao, f"สำนักงานพลังงานจังหวัด{province}"])
        elif budget_type == "operating":
            category = "training"
            name, agency = rng.choice([
                (f"โครงการอบรมเชิงปฏิบัติการพัฒนาศักยภาพเกษตรกรอำเภอ{amphoe}",
                 f"สำนักงานเกษตรจังหวัด{province}"),
                (f"โครงการส่งเสริมการท่องเที่ยวเชิงวัฒนธรรมจังหวัด{province}",
                 f"สำนักงานการท่องเที่ยวและกีฬาจังหวัด{province}"),
                (f"โครงการจัดงานแสดงและจำหน่ายสินค้า OTOP จังหวัด{province} ประจำปี 2562",
                 f"สำนักงานพาณิชย์จังหวัด{province}"),
                (f"โครงการส่งเสริมการตลาดสินค้าเกษตรปลอดภัยจังหวัด{province}",
                 f"สำนักงานพาณิชย์จังหวัด{province}"),
                (f"โครงการพัฒนาศักยภาพผู้ประกอบการวิสาหกิจชุมชนอำเภอ{amphoe}",
                 f"สำนักงานพัฒนาชุมชนจังหวัด{province}"),
                (f"โครงการเสริมสร้างความมั่นคงและความสงบเรียบร้อยในพื้นที่จังหวัด{province}",
                 f"ที่ทำการปกครองจังหวัด{province}"),
                (f"โครงการอบรมอาสาสมัครป้องกันภัยฝ่ายพลเรือนอำเภอ{amphoe}",
                 f"ที่ทำการปกครองจังหวัด{province}"),
                (f"โครงการส่งเสริมการปลูกพืชหลังนาตำบล{tambon}", f"สำนักงานเกษตรจังหวัด{province}"),
            ])
        else:
            category = "other"
            name, agency = rng.choice([
                (f"โครงการศึกษาความเหมาะสมการพัฒนาพื้นที่เศรษฐกิจจังหวัด{province}",
                 f"สำนักงานจังหวัด{province}"),
                (f"โครงการบริหารจัดการแผนพัฒนาจังหวัด{province}แบบบูรณาการ", f"สำนักงานจังหวัด{province}"),
                (f"โครงการสนับสนุนกองทุนหมู่บ้านเพื่อพัฒนาอาชีพ อำเภอ{amphoe}",
                 f"สำนักงานพัฒนาชุมชนจังหวัด{province}"),
            ])
        if owner_type == "cluster":
            cluster_name = next(r["name_th"] for r in self.clusters if r["cluster_code"] == owner_code)
            name = f"{name} ({cluster_name})"
        code = f"62-{owner_code}-{seq:04d}"
        emenscr = f"มท {owner_code}-62-{seq:04d}" if rng.random() < 0.85 else ""
        return Project(code=code, owner_code=owner_code, owner_type=owner_type,
                       owner_text=self._owner_text(owner_type, owner_code),
                       province_code=province_code, name=name, budget_type=budget_type,
                       agency=agency, category=category, place=(tambon, amphoe), allocated=0,
                       emenscr=emenscr)

    # ---- contracts and plans

    def plan_projects(self) -> None:
        """Contract amounts and dates (investment), planned start and end (all)."""
        rng = self.rng
        for project in self.data.projects:
            pace = self.pace[project.owner_code]
            if project.budget_type == "investment":
                roll = rng.random()
                never, late = 0.02 + 0.03 * (1 - pace), 0.05 + 0.1 * (1 - pace)
                if roll < never:
                    signed = None
                elif roll < never + late:
                    signed = _working_day_between(rng, date(2019, 4, 1), date(2019, 8, 20))
                else:
                    month_start = rng.choices(
                        [date(2018, 10, 1), date(2018, 11, 1), date(2018, 12, 1), date(2019, 1, 2),
                         date(2019, 2, 1), date(2019, 3, 1)], (30, 24, 18, 13, 8, 7))[0]
                    signed = _working_day_between(rng, month_start, month_start + timedelta(days=27))
                if signed:
                    savings = rng.triangular(0.03, 0.15, 0.05)
                    project.contract = round(project.allocated * (1 - savings) / 10_000) * 10_000
                    project.contract_date = signed
                    project.planned_start = signed + timedelta(days=rng.randint(3, 15))
                else:
                    project.planned_start = _working_day_between(rng, date(2018, 12, 1), date(2019, 3, 1))
                duration = rng.randint(60, 210)
            else:
                # Training and events mostly start early in the year.
                project.planned_start = _working_day_between(
                    rng, FY_START, rng.choice((date(2018, 11, 15), date(2019, 3, 15))))
                duration = rng.randint(30, 150)
            project.planned_end = min(FY_END, project.planned_start + timedelta(days=duration))

    # ---- money flows

    def build_money(self) -> None:
        """Payment plans, reallocations, carry-overs, then dates fitted to the national curve."""
        rng = self.rng
        projects = self.data.projects
        # 1. How much of each project's own money is paid by 30 Sep (satang), installments.
        plans: dict[str, list[int]] = {}  # installment amounts paid in the fiscal year
        unpaid_contract: dict[str, int] = {}
        for project in projects:
            pace = self.pace[project.owner_code]
            if project.budget_type == "investment":
                if project.contract is None:
                    plans[project.code] = []
                    continue
                parts = _split(rng, project.contract, rng.choice((1, 2, 2, 3, 3, 4, 5)))
                late = project.contract_date > CONTRACT_CUTOFF
                full_chance = (0.45 if late else 0.82) + (0.3 if late else 0.18) * pace
                if rng.random() < full_chance:
                    paid_count = len(parts)
                else:
                    paid_count = rng.randint(0, len(parts) - 1) if late else rng.randint(
                        1 if len(parts) > 1 else 0, len(parts) - 1)
                # An installment is often paid in more than one document (advance, retention).
                plans[project.code] = [piece for part in parts[:paid_count]
                                       for piece in _split(rng, part, rng.choice((1, 1, 2, 3)))]
                unpaid_contract[project.code] = sum(parts[paid_count:])
            else:
                share = rng.uniform(0.96, 1.0) if rng.random() < 0.85 + 0.15 * pace else rng.uniform(0.75, 0.96)
                paid = round(project.allocated * share / 100) * 100
                plans[project.code] = _split(rng, paid, rng.randint(2, 10))
        # 2. Reallocations in the fiscal year.
        self._reallocate(plans, unpaid_contract)
        # 3. Carry-overs at year end, and their payments Oct 2019 - deadline.
        self._carry_over(plans, unpaid_contract)
        # 4. Current-year payments: quantiles now, dates fitted to the national curve below.
        pending: list[tuple[Payment, float, date]] = []
        for project in projects:
            if project.contract_date:
                first = project.contract_date + timedelta(days=rng.randint(5, 30))  # advance or 1st installment
            else:
                first = project.planned_start or FY_START
            first = min(first, date(2019, 9, 20))
            quantiles = sorted(rng.random() for _ in plans[project.code])
            for amount, u in zip(plans[project.code], quantiles):
                payment = Payment(project, amount, FY_START, "current")
                pending.append((payment, u, first))
        for payment, u, first in self._receiver_payments:
            pending.append((payment, u, first))
        self._fit_dates(pending)
        current = [payment for payment, _, _ in pending]
        self._fit_planned_ends(current)
        current.sort(key=lambda p: (p.day, p.project.code))
        current = self._add_reversals(current)
        self.data.payments = current + self._carry_payments

    def _reallocate(self, plans: dict[str, list[int]], unpaid_contract: dict[str, int]) -> None:
        rng = self.rng
        by_owner: dict[str, list[Project]] = {}
        for project in self.data.projects:
            by_owner.setdefault(project.owner_code, []).append(project)
        self._receiver_payments: list[tuple[Payment, float, date]] = []
        moves: list[tuple[date, Project | None, Project | None, int, str, str]] = []

        def disbursed_final(project: Project) -> int:
            # Upper bound of everything this project will ever be paid (current + carry-over).
            return sum(plans[project.code]) + unpaid_contract.get(project.code, 0)

        def free(project: Project) -> int:
            return project.current - max(project.contract or 0, disbursed_final(project))

        for owner, group in by_owner.items():
            candidates = [p for p in group if p.budget_type != "investment" or p.contract]
            for project in group:
                roll = rng.random()
                if project.budget_type == "investment" and project.contract is None:
                    if roll < 0.2:  # procurement failed: money moved to another project
                        kind, reason = "change", rng.choice(REASONS_CHANGE)
                    elif roll < 0.35:
                        kind, reason = "return", REASONS_RETURN[1]
                    else:
                        continue
                    amount = free(project)
                    approved = _working_day_between(rng, date(2019, 4, 1), date(2019, 6, 28))
                elif project.budget_type == "investment":
                    if roll < 0.45:
                        kind, reason = "savings", rng.choice(REASONS_SAVINGS)
                    elif roll < 0.55:
                        kind, reason = "return", REASONS_RETURN[0]
                    else:
                        continue
                    amount = free(project)
                    if kind == "savings" and rng.random() < 0.3:
                        amount = round(amount * rng.uniform(0.5, 0.9) / 10_000) * 10_000
                    approved = min(date(2019, 8, 30), project.contract_date + timedelta(days=rng.randint(20, 70)))
                    approved = _next_working_day(approved)
                else:
                    if roll >= 0.06:
                        continue
                    kind, reason = "return", REASONS_RETURN[2]
                    amount = free(project)
                    approved = _working_day_between(rng, date(2019, 9, 2), date(2019, 9, 20))
                if amount < 10_000 * 100 or project.role == "receiver":
                    continue
                target = None
                if kind != "return":
                    targets = [p for p in candidates if p is not project and p.role != "source"]
                    if not targets:
                        continue
                    target = rng.choice(targets)
                    target.role = "receiver"
                project.role = "source"
                moves.append((approved, project, target, amount, kind, reason))
        # New money from the central budget to a few projects (no source project).
        for _ in range(12):
            target = rng.choice([p for p in self.data.projects if p.role != "source"
                                 and (p.budget_type != "investment" or p.contract)])
            target.role = "receiver"
            amount = rng.randint(5, 60) * 100_000 * 100
            approved = _working_day_between(rng, date(2019, 1, 7), date(2019, 6, 28))
            moves.append((approved, None, target, amount, "change", rng.choice(REASONS_NEW_MONEY)))
        moves.sort(key=lambda m: (m[0], m[1].code if m[1] else "", m[2].code if m[2] else ""))
        for seq, (approved, source, target, amount, kind, reason) in enumerate(moves, start=1):
            owner = (source or target).owner_code
            ref_no = f"มท62-{owner}/{seq:04d}"
            if source:
                source.moved_out += amount
            if target:
                target.moved_in += amount
                # The receiver spends the new money after approval, mostly in full.
                spent = amount if rng.random() < 0.85 else round(amount * rng.uniform(0.4, 0.9) / 100) * 100
                first = min(approved + timedelta(days=rng.randint(7, 30)), date(2019, 9, 25))
                for part in _split(rng, spent, rng.randint(1, 2)):
                    self._receiver_payments.append(
                        (Payment(target, part, FY_START, "current", extra=True), rng.random(), first))
            self.data.reallocations.append(
                Reallocation(ref_no, approved, source, target, amount, kind, reason))
        for project in self.data.projects:  # the promise in the module docstring
            assert project.role != "source" or free(project) >= 0, project.code

    def _carry_over(self, plans: dict[str, list[int]], unpaid_contract: dict[str, int]) -> None:
        rng = self.rng
        self._carry_payments: list[Payment] = []
        for project in self.data.projects:
            if project.budget_type == "investment" and project.contract:
                amount = unpaid_contract.get(project.code, 0)
                committed = True
                reason = rng.choice(REASONS_CARRY_COMMITTED)
            elif project.budget_type == "investment" and project.moved_out == 0:
                if rng.random() < 0.35:
                    continue  # lapses
                amount, committed = project.current, False
                reason = rng.choice(REASONS_CARRY_UNCOMMITTED)
            else:
                continue
            if amount <= 0:
                continue
            assert amount <= project.current - sum(plans[project.code]), project.code
            approved = _working_day_between(rng, date(2019, 9, 9), date(2019, 9, 27))
            deadline = CARRYOVER_DEADLINE
            if rng.random() < 0.1:
                deadline = rng.choice((date(2020, 6, 30), date(2020, 9, 30)))
            self.data.carryovers.append(Carryover(project, amount, committed, approved, deadline, reason))
            roll = rng.random()
            if roll < 0.62 and committed:
                paid = amount
            elif roll < 0.85:
                paid = round(amount * rng.uniform(0.3, 0.9) / 100) * 100
            else:
                paid = round(amount * rng.uniform(0.0, 0.15) / 100) * 100  # at risk
            if paid <= 0:
                continue
            last = min(deadline, CARRYOVER_DEADLINE)
            days = _working_days(date(2019, 10, 7), last)
            for part in _split(rng, paid, rng.randint(1, 3)):
                self._carry_payments.append(Payment(project, part, rng.choice(days), "carryover"))
        self._carry_payments.sort(key=lambda p: (p.day, p.project.code))

    def _fit_dates(self, pending: list[tuple[Payment, float, date]]) -> None:
        """Date each payment so the national monthly shape is met overall.

        Payment quantiles are drawn once; only the month weights change between passes,
        so the result is deterministic. Each pass scales a month's weight by how far the
        produced monthly total is from the national one.
        """
        increments = [NATIONAL_CUMULATIVE_PCT[0]] + [
            b - a for a, b in itertools.pairwise(NATIONAL_CUMULATIVE_PCT)]
        wanted = [value / 100 for value in increments]
        weights = list(wanted)
        total = sum(payment.amount for payment, _, _ in pending)
        for _ in range(6):
            calendar = _Calendar(weights)
            produced = [0.0] * 12
            for payment, u, first in pending:
                payment.day = calendar.draw(u, first, self.speed[payment.project.owner_code])
                produced[_month_index(payment.day)] += payment.amount / total
            weights = [w * min(3.0, max(0.33, want / max(got, 1e-9)))
                       for w, want, got in zip(weights, wanted, produced)]

    def _fit_planned_ends(self, payments: list[Payment]) -> None:
        """Planned end dates that agree with when each project is actually paid.

        Most projects end a little after their last current-year payment is due; slow
        owners' projects more often end on paper well before they are paid, which is what
        the 'past planned end' flag should catch (a realistic minority, not every project).
        """
        rng = self.rng
        last_paid: dict[str, date] = {}
        for payment in payments:
            code = payment.project.code
            if payment.day and (code not in last_paid or payment.day > last_paid[code]):
                last_paid[code] = payment.day
        for project in self.data.projects:
            start = project.planned_start or FY_START
            pace = self.pace[project.owner_code]
            paid_until = last_paid.get(project.code)
            if paid_until is None:
                continue  # never paid: keep the plan drawn with the project
            if rng.random() < 0.06 + 0.12 * (1 - pace):
                end = paid_until - timedelta(days=rng.randint(20, 100))  # overran its plan
            else:
                end = paid_until + timedelta(days=rng.randint(0, 45))
            project.planned_end = max(start + timedelta(days=14), min(FY_END, end))

    def _add_reversals(self, payments: list[Payment]) -> list[Payment]:
        """A few payments reversed a few days later and posted again (net unchanged)."""
        rng = self.rng
        result = list(payments)
        candidates = [p for p in payments if p.amount > 0]
        for original in rng.sample(candidates, min(40, len(candidates))):
            reversal_day = _add_working_days(original.day, rng.randint(1, 4))
            quarter_end = _quarter_end(original.day)
            if reversal_day > quarter_end:
                continue  # keep a reversal in the same quarterly file as its original
            repost_day = _add_working_days(reversal_day, rng.randint(1, 8))
            if repost_day > FY_END:
                continue
            reversal = Payment(original.project, -original.amount, reversal_day, "current",
                               reversal_of=original)
            repost = Payment(original.project, original.amount, repost_day, "current")
            result += [reversal, repost]
        result.sort(key=lambda p: (p.day, p.project.code, p.amount < 0))
        return result

    # ---- assets

    def build_assets(self) -> None:
        rng = self.rng
        paid_by_project: dict[str, int] = {}
        last_day: dict[str, date] = {}
        for payment in self.data.payments:
            if payment.extra:
                continue  # completion is judged on the contract's own installments
            code = payment.project.code
            paid_by_project[code] = paid_by_project.get(code, 0) + payment.amount
            if payment.amount > 0:
                last_day[code] = max(last_day.get(code, payment.day), payment.day)
        seq = 0
        for project in self.data.projects:
            if project.budget_type != "investment" or not project.contract:
                continue
            paid = paid_by_project.get(project.code, 0)
            if paid < project.contract:
                continue  # not complete
            completed = _add_working_days(last_day[project.code], -rng.randint(3, 12))
            items = [project.contract]
            if project.category == "agri" and rng.random() < 0.5:
                items = _split(rng, project.contract, rng.randint(2, 3))
            overdue_age = (DATA_AS_OF - completed).days
            for item_no, value in enumerate(items, start=1):
                seq += 1
                roll = rng.random()
                if roll < (0.6 if overdue_age > 180 else 0.4):
                    status = "transferred"
                elif roll < (0.78 if overdue_age > 180 else 0.65):
                    status = "in_progress"
                else:
                    status = "pending"
                transferred = None
                if status == "transferred":
                    transferred = _next_working_day(completed + timedelta(days=rng.randint(20, 150)))
                    if transferred > DATA_AS_OF:
                        status, transferred = "in_progress", None
                description = _asset_description(project, item_no)
                self.data.assets.append(Asset(
                    asset_id=f"AS62-{project.owner_code}-{seq:05d}", project=project,
                    description=description, value=value, recipient=self._recipient(project),
                    completed=completed, transferred=transferred, status=status))

    def _recipient(self, project: Project) -> str:
        rng = self.rng
        tambon, amphoe = project.place
        province = self.province_by_code[project.province_code]["name_th"]
        if project.category == "agri":
            return rng.choice([f"วิสาหกิจชุมชนกลุ่มเกษตรกรตำบล{tambon}", f"สำนักงานเกษตรอำเภอ{amphoe}"])
        return rng.choices([f"องค์การบริหารส่วนตำบล{tambon}", f"เทศบาลตำบล{tambon}",
                            f"องค์การบริหารส่วนจังหวัด{province}", f"เทศบาลเมือง{amphoe.removeprefix('เมือง')}"],
                           (50, 25, 15, 10))[0]

    # ---- document numbers and files

    def number_documents(self) -> None:
        rng = self.rng
        number = 5100000000 + rng.randint(1000, 9000)
        for payment in self.data.payments:
            if payment.source == "current":
                number += rng.randint(1, 4)
                payment.doc_no = str(number)
        number = 3600000000 + rng.randint(1000, 9000)
        for payment in self.data.payments:
            if payment.source == "carryover":
                number += rng.randint(1, 4)
                payment.doc_no = str(number)


def _quarter_end(day: date) -> date:
    ends = (date(2018, 12, 31), date(2019, 3, 31), date(2019, 6, 30), date(2019, 9, 30))
    return next(end for end in ends if day <= end)


def _next_working_day(day: date) -> date:
    while not _is_working_day(day):
        day += timedelta(days=1)
    return day


def _working_day_between(rng: random.Random, start: date, end: date) -> date:
    return _next_working_day(start + timedelta(days=rng.randint(0, (end - start).days)))


def _split(rng: random.Random, total: int, parts: int) -> list[int]:
    """`total` satang in `parts` positive pieces that add up exactly."""
    if parts <= 1 or total < parts * 100:
        return [total] if total > 0 else []
    weights = [rng.uniform(0.5, 1.5) for _ in range(parts)]
    scale = sum(weights)
    pieces = [round(total * w / scale) for w in weights[:-1]]
    pieces.append(total - sum(pieces))
    return pieces


def _asset_description(project: Project, item_no: int) -> str:
    tambon, _ = project.place
    return {
        "road": f"ถนนคอนกรีต/ลาดยาง ตำบล{tambon}",
        "water": f"สิ่งก่อสร้างแหล่งน้ำ ตำบล{tambon}",
        "tourism": f"อาคารและภูมิทัศน์แหล่งท่องเที่ยว ตำบล{tambon}",
        "agri": f"ครุภัณฑ์การเกษตร รายการที่ {item_no}",
        "building": f"อาคาร ตำบล{tambon}",
        "light": f"เสาไฟฟ้าส่องสว่างพลังงานแสงอาทิตย์ ตำบล{tambon}",
    }.get(project.category, project.name[:60])


def _places() -> dict[str, list[tuple[str, str]]]:
    """province code -> [(tambon, amphoe)] real names from geothai."""
    import geothai

    result: dict[str, list[tuple[str, str]]] = {}
    for province in geothai.provinces():
        pairs = []
        for district in geothai.districts(province.code):
            for sub in geothai.subdistricts(district.code):
                pairs.append((sub.name_th, district.name_th))
        result[province.code] = pairs
    return result


# --------------------------------------------------------------------------- writers


def _write_csv(path: Path, rows: list[list[str]], encoding: str) -> None:
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))


def _write_xlsx(path: Path, sheet_title: str, rows: list[list[object]],
                date_format: str = "dd/mm/yyyy") -> None:
    """Write rows to one sheet; then rewrite the zip with fixed timestamps (same bytes per seed)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    workbook = Workbook(write_only=True)
    fixed = datetime(2019, 10, 1)
    workbook.properties.created = fixed
    workbook.properties.modified = fixed
    workbook.properties.creator = "etl.demo_data"
    sheet = workbook.create_sheet(sheet_title)
    for row in rows:
        cells = []
        for value in row:
            if isinstance(value, date):
                cell = WriteOnlyCell(sheet, value=value)
                cell.number_format = date_format
                cells.append(cell)
            else:
                cells.append(value)
        sheet.append(cells)
    workbook.save(path)
    _fix_zip_timestamps(path, fixed)


def _fix_zip_timestamps(path: Path, when: datetime) -> None:
    with zipfile.ZipFile(path) as source:
        entries = [(info.filename, source.read(info.filename)) for info in source.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, content in entries:
            if name == "docProps/core.xml":
                text = content.decode("utf-8")
                # openpyxl stamps `modified` with the save time whatever we set.
                start = text.find("<dcterms:modified")
                end = text.find("</dcterms:modified>")
                if start >= 0 and end >= 0:
                    stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ")
                    text = (text[:start] + '<dcterms:modified xsi:type="dcterms:W3CDTF">'
                            + stamp + text[end:])
                content = text.encode("utf-8")
            info = zipfile.ZipInfo(name, date_time=when.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(info, content)


def _excel_day(value: date | None) -> date | None:
    return value


def _be_slash_or_none(value: date | None) -> str | None:
    return _be_slash(value) if value else None


class _Writer:
    """Formats the generated records as the files users bring."""

    def __init__(self, data: DemoData, rng: random.Random, out_dir: Path):
        self.data, self.rng, self.out_dir = data, rng, out_dir
        self.total_rows = 0
        self.bad_rows = 0
        self.corrected: list[Payment] = []

    def projects(self) -> None:
        rng = self.rng
        rows: list[list[object]] = [
            ["แผนพัฒนาจังหวัดและกลุ่มจังหวัด ประจำปีงบประมาณ พ.ศ. 2562"],
            [f"ข้อมูล ณ วันที่ {_be_full(FY_END)}"],
            [],
            list(H_PROJECTS),
        ]
        for p in self.data.projects:
            # Half the rows hold real Excel date cells, half BE text.
            day = _excel_day if rng.random() < 0.5 else _be_slash_or_none
            rows.append([
                p.code, FISCAL_YEAR_BE, p.owner_text, p.name, BUDGET_TYPE_TH[p.budget_type],
                p.agency, _money_number(p.allocated),
                _money_number(p.contract) if p.contract else None,
                day(p.contract_date), day(p.planned_start), day(p.planned_end), p.emenscr or None,
            ])
        _write_xlsx(self.out_dir / F_PROJECTS, "โครงการ", rows)

    def disbursements(self) -> None:
        current = [p for p in self.data.payments if p.source == "current"]
        carry = [p for p in self.data.payments if p.source == "carryover"]
        # Payments that later appear in the corrections file: plain ones, untouched by reversals.
        reversed_ids = {id(p.reversal_of) for p in current if p.reversal_of}
        plain = [p for p in current if p.amount > 0 and id(p) not in reversed_ids
                 and p.day.month == 9]
        self.corrected = sorted(self.rng.sample(plain, 6), key=lambda p: p.doc_no)
        corrected_ids = {id(p) for p in self.corrected}
        quarters: dict[int, list[Payment]] = {1: [], 2: [], 3: [], 4: []}
        for payment in current:
            if id(payment) not in corrected_ids:
                quarter = (_month_index(payment.day) // 3) + 1
                quarters[quarter].append(payment)

        def row(p: Payment, fmt) -> list[str]:
            return [p.doc_no, p.project.code, fmt(p.day), _money_text(p.amount), SOURCE_CURRENT]

        # Q1: UTF-8 with BOM, dd/mm/BE, trailing total row.
        rows = [list(H_DISBURSEMENTS)] + [row(p, _be_slash) for p in quarters[1]]
        rows.append(["รวม", "", "", _money_text(sum(p.amount for p in quarters[1])), ""])
        self.total_rows += 1
        _write_csv(self.out_dir / F_DISB_Q1, rows, "utf-8-sig")
        # Q2: TIS-620 (cp874), "13 ม.ค. 62".
        rows = [list(H_DISBURSEMENTS)] + [row(p, _be_abbr) for p in quarters[2]]
        _write_csv(self.out_dir / F_DISB_Q2, rows, "cp874")
        # Q3: xlsx with title lines, Excel date cells, numeric amounts.
        xrows: list[list[object]] = [
            ["รายงานผลการเบิกจ่ายงบประมาณ แผนพัฒนาจังหวัดและกลุ่มจังหวัด ประจำปีงบประมาณ พ.ศ. 2562 ไตรมาสที่ 3"],
            [f"ข้อมูล ณ วันที่ {_be_abbr(date(2019, 6, 30))}"],
            list(H_DISBURSEMENTS),
        ]
        xrows += [[p.doc_no, p.project.code, p.day, _money_number(p.amount), SOURCE_CURRENT]
                  for p in quarters[3]]
        _write_xlsx(self.out_dir / F_DISB_Q3, "เบิกจ่าย", xrows)
        # Q4: UTF-8 with BOM, mixed date styles, trailing total row.
        rows = [list(H_DISBURSEMENTS)]
        for p in quarters[4]:
            rows.append(row(p, _be_slash if self.rng.random() < 0.7 else _be_abbr))
        rows.append(["รวมทั้งสิ้น", "", "", _money_text(sum(p.amount for p in quarters[4])), ""])
        self.total_rows += 1
        _write_csv(self.out_dir / F_DISB_Q4, rows, "utf-8-sig")
        # Carry-over payments, Oct 2019 - Mar 2020.
        rows = [list(H_DISBURSEMENTS)]
        rows += [[p.doc_no, p.project.code, _be_slash(p.day), _money_text(p.amount), SOURCE_CARRYOVER]
                 for p in carry]
        _write_csv(self.out_dir / F_DISB_CARRY, rows, "utf-8-sig")
        self._corrections()

    def _corrections(self) -> None:
        """Late documents sent separately, mixed with rows a loader must refuse."""
        good = [[p.doc_no, p.project.code, _be_slash(p.day), _money_text(p.amount), SOURCE_CURRENT]
                for p in self.corrected]
        some = self.corrected[0]
        bad = [
            ["5199000001", "62-99-9999", "16/09/2562", "125,000.00", SOURCE_CURRENT],  # unknown project
            ["5199000002", some.project.code, "31/02/2562", "48,500.00", SOURCE_CURRENT],  # no such day
            ["5199000003", some.project.code, "ไม่ระบุ", "12,000.00", SOURCE_CURRENT],  # not a date
            ["5199000004", some.project.code, "17/09/2562", "หนึ่งหมื่นบาท", SOURCE_CURRENT],  # not a number
            ["5199000005", some.project.code, "18/09/2562", "12,3O0.00", SOURCE_CURRENT],  # letter O
            # The same document number twice in one file: the second occurrence is refused.
            [self.corrected[1].doc_no, self.corrected[1].project.code, "19/09/2562", "1,000.00",
             SOURCE_CURRENT],
        ]
        rows = [list(H_DISBURSEMENTS)] + good[:3] + bad[:3] + good[3:] + bad[3:]
        self.bad_rows = len(bad)
        _write_csv(self.out_dir / F_DISB_CORR, rows, "utf-8-sig")

    def carryovers(self) -> None:
        rows = [list(H_CARRYOVERS)]
        for c in self.data.carryovers:
            rows.append([c.project.code, _money_text(c.amount), "มี" if c.committed else "ไม่มี",
                         _be_slash(c.approved), _be_slash(c.deadline), c.reason])
        _write_csv(self.out_dir / F_CARRYOVERS, rows, "utf-8-sig")

    def reallocations(self) -> None:
        rows: list[list[object]] = [
            ["รายงานการโอนเปลี่ยนแปลงโครงการและเงินเหลือจ่าย ประจำปีงบประมาณ พ.ศ. 2562"],
            list(H_REALLOCATIONS),
        ]
        for r in self.data.reallocations:
            rows.append([r.ref_no, _be_full(r.approved), r.source.code if r.source else None,
                         r.target.code if r.target else None, _money_number(r.amount),
                         REALLOCATION_KIND_TH[r.kind], r.reason])
        _write_xlsx(self.out_dir / F_REALLOCATIONS, "โอนเปลี่ยนแปลง", rows)

    def assets(self) -> None:
        rows = [list(H_ASSETS)]
        for a in self.data.assets:
            rows.append([a.asset_id, a.project.code, a.description, _money_text(a.value), a.recipient,
                         _be_slash(a.completed), _be_slash(a.transferred) if a.transferred else "",
                         ASSET_STATUS_TH[a.status]])
        _write_csv(self.out_dir / F_ASSETS, rows, "utf-8")


# --------------------------------------------------------------------------- checks


def check_invariants(data: DemoData) -> None:
    """Raise AssertionError when the records break a rule the ETL enforces (see module doc)."""
    current_paid: dict[str, int] = {}
    total_paid: dict[str, int] = {}
    for payment in sorted(data.payments, key=lambda p: (p.day, p.amount < 0)):
        code = payment.project.code
        total_paid[code] = total_paid.get(code, 0) + payment.amount
        assert total_paid[code] >= 0, f"{code} below zero on {payment.day}"
        if payment.source == "current":
            assert FY_START <= payment.day <= FY_END, payment
            current_paid[code] = current_paid.get(code, 0) + payment.amount
    for project in data.projects:
        assert total_paid.get(project.code, 0) <= project.current, project.code
        assert project.moved_out == 0 or project.moved_in == 0, project.code
        if project.moved_out:
            assert project.current >= max(project.contract or 0, total_paid.get(project.code, 0))
    carry_paid: dict[str, int] = {}
    for payment in data.payments:
        if payment.source == "carryover":
            carry_paid[payment.project.code] = carry_paid.get(payment.project.code, 0) + payment.amount
    carried = {c.project.code: c for c in data.carryovers}
    for code, paid in carry_paid.items():
        assert code in carried and paid <= carried[code].amount, code
    for c in data.carryovers:
        unpaid = c.project.current - current_paid.get(c.project.code, 0)
        assert 0 < c.amount <= unpaid, c.project.code
    for payment in data.payments:
        if payment.source == "carryover":
            assert date(2019, 10, 1) <= payment.day <= carried[payment.project.code].deadline
    for r in data.reallocations:
        assert r.amount > 0 and FY_START <= r.approved <= FY_END, r.ref_no
    for a in data.assets:
        assert a.value <= total_paid.get(a.project.code, 0), a.asset_id
        assert (a.transferred is not None) == (a.status == "transferred"), a.asset_id


# --------------------------------------------------------------------------- entry point


def generate(seed: int = 2562, reference_dir: Path | None = None) -> DemoData:
    """The demo records in memory (no files); same seed, same records."""
    generator = _Generator(seed, Path(reference_dir) if reference_dir else settings.reference_dir())
    generator.build_projects()
    generator.plan_projects()
    generator.build_money()
    generator.number_documents()
    generator.build_assets()
    generator.data.rng = generator.rng
    check_invariants(generator.data)
    return generator.data


def write_demo_files(out_dir: Path, seed: int = 2562, reference_dir: Path | None = None) -> dict:
    """Write the FY2562 demo input files under out_dir and return the generator's own totals.

    Returns a dict: counts (`projects`, `disbursement_docs`, `reallocations`, `carryovers`,
    `assets`, `deliberate_rejects`, `total_rows`) as int; money totals in Decimal baht
    (`allocated_total` = sum of original allocations, `current_allocation_total`,
    `contract_total`, `disbursed_current_total`, `disbursed_carryover_total`,
    `carryover_total`, `reallocation_total`, `returned_total`, `new_money_total`,
    `asset_value_total`); `files`, the file names written. Deliberately bad rows of the
    corrections file are excluded from every total and counted in `deliberate_rejects`;
    trailing total rows (รวม) are counted in `total_rows`.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    for name in DEMO_FILES:
        (out_dir / name).unlink(missing_ok=True)
    data = generate(seed, reference_dir)
    writer = _Writer(data, data.rng, out_dir)
    writer.projects()
    writer.disbursements()
    writer.carryovers()
    writer.reallocations()
    writer.assets()

    def total(values) -> Decimal:
        return _baht(sum(values))

    payments = data.payments
    return {
        "projects": len(data.projects),
        "allocated_total": total(p.allocated for p in data.projects),
        "current_allocation_total": total(p.current for p in data.projects),
        "contract_total": total(p.contract or 0 for p in data.projects),
        "disbursed_current_total": total(p.amount for p in payments if p.source == "current"),
        "disbursed_carryover_total": total(p.amount for p in payments if p.source == "carryover"),
        "disbursement_docs": len(payments),
        "reversals": sum(1 for p in payments if p.amount < 0),
        "carryovers": len(data.carryovers),
        "carryover_total": total(c.amount for c in data.carryovers),
        "reallocations": len(data.reallocations),
        "reallocation_total": total(r.amount for r in data.reallocations),
        "returned_total": total(r.amount for r in data.reallocations if r.target is None),
        "new_money_total": total(r.amount for r in data.reallocations if r.source is None),
        "assets": len(data.assets),
        "asset_value_total": total(a.value for a in data.assets),
        "deliberate_rejects": writer.bad_rows,
        "total_rows": writer.total_rows,
        "files": list(DEMO_FILES),
    }
