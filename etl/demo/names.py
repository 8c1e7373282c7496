"""Thai words of the demo records: project names and agencies, reasons, recipients, places.

`ProjectWords` is mixed into the generator (etl/demo/generator.py): its methods draw from the
generator's one random stream, so the order of the draws is part of the demo's determinism.
"""

from __future__ import annotations

import csv
from functools import lru_cache
from pathlib import Path

from etl.demo.records import Project

MONTH_ABBR_TH = ("ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.", "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค.")
MONTH_FULL_TH = (
    "มกราคม",
    "กุมภาพันธ์",
    "มีนาคม",
    "เมษายน",
    "พฤษภาคม",
    "มิถุนายน",
    "กรกฎาคม",
    "สิงหาคม",
    "กันยายน",
    "ตุลาคม",
    "พฤศจิกายน",
    "ธันวาคม",
)

SOURCE_CURRENT = "งบประมาณปีปัจจุบัน"
SOURCE_CARRYOVER = "เงินกันเหลื่อมปี"
BUDGET_TYPE_TH = {"investment": "งบลงทุน", "operating": "งบดำเนินงาน", "other": "งบรายจ่ายอื่น"}
REALLOCATION_KIND_TH = {"savings": "เงินเหลือจ่าย", "change": "โอนเปลี่ยนแปลง", "return": "ส่งคืน"}
ASSET_STATUS_TH = {"pending": "รอโอน", "in_progress": "ระหว่างดำเนินการ", "transferred": "โอนแล้ว"}

# Regional irrigation office (สำนักงานชลประทานที่ N) serving each cluster, roughly.
IRRIGATION_OFFICE = {
    "C01": 1,
    "C02": 2,
    "C03": 3,
    "C04": 4,
    "C05": 5,
    "C06": 5,
    "C07": 6,
    "C08": 8,
    "C09": 7,
    "C10": 10,
    "C11": 11,
    "C12": 13,
    "C13": 14,
    "C14": 9,
    "C15": 9,
    "C16": 16,
    "C17": 15,
    "C18": 17,
}

SITE_KINDS = ("น้ำตก", "อ่างเก็บน้ำ", "วัด", "จุดชมวิว")
VILLAGE_PARTS_A = (
    "หนอง",
    "โนน",
    "ดอน",
    "ห้วย",
    "นา",
    "โคก",
    "ป่า",
    "ท่า",
    "บ่อ",
    "สระ",
    "ทุ่ง",
    "วัง",
    "เหล่า",
    "แม่",
    "บาง",
    "คลอง",
    "ควน",
    "หัว",
    "ม่วง",
    "โพธิ์",
)
VILLAGE_PARTS_B = (
    "บัว",
    "สูง",
    "แก้ว",
    "ทราย",
    "คำ",
    "ใหญ่",
    "น้อย",
    "ยาง",
    "ตะเคียน",
    "ขาม",
    "ไผ่",
    "แดง",
    "ทอง",
    "หลวง",
    "กลาง",
    "ใหม่",
    "เจริญ",
    "สะอาด",
    "พัฒนา",
    "งาม",
)

REASONS_SAVINGS = (
    "นำเงินเหลือจ่ายจากการประกวดราคาไปดำเนินโครงการที่มีความจำเป็นเร่งด่วน",
    "ใช้เงินเหลือจ่ายเพิ่มเติมปริมาณงานตามความต้องการของประชาชน",
    "โอนเงินเหลือจ่ายตามมติ ก.บ.จ. เพื่อดำเนินโครงการสำรอง",
)
REASONS_CHANGE = (
    "เปลี่ยนแปลงโครงการเนื่องจากพื้นที่ดำเนินการไม่พร้อม",
    "ยกเลิกโครงการเดิมเนื่องจากซ้ำซ้อนกับงบประมาณของหน่วยงานอื่น",
    "ปรับเปลี่ยนรายละเอียดโครงการตามมติ ก.บ.ก.",
)
REASONS_RETURN = (
    "ส่งคืนเงินเหลือจ่ายจากการจัดซื้อจัดจ้าง",
    "ส่งคืนงบประมาณเนื่องจากดำเนินการไม่ทัน",
    "ส่งคืนเงินเหลือจ่ายหลังดำเนินโครงการแล้วเสร็จ",
)
REASONS_NEW_MONEY = ("ได้รับจัดสรรงบประมาณเพิ่มเติมจากงบกลาง", "ได้รับจัดสรรเพิ่มเติมตามมติคณะรัฐมนตรี")
REASONS_CARRY_COMMITTED = (
    "ผู้รับจ้างส่งมอบงานไม่ทันภายในปีงบประมาณ",
    "อยู่ระหว่างการก่อสร้างตามสัญญา",
    "ขยายระยะเวลาสัญญาเนื่องจากฝนตกชุก",
    "รอการตรวจรับงานงวดสุดท้าย",
)
REASONS_CARRY_UNCOMMITTED = (
    "อยู่ระหว่างดำเนินการจัดซื้อจัดจ้าง",
    "ประกวดราคาแล้วไม่มีผู้เสนอราคา ต้องดำเนินการใหม่",
    "รอแบบรูปรายการจากหน่วยงานเจ้าของพื้นที่",
)


class ProjectWords:
    """Names, agencies, owner spellings and asset recipients (mixed into the generator)."""

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

    def _describe(self, owner_type: str, owner_code: str, province_code: str, budget_type: str, seq: int) -> Project:
        """A realistic Thai project name, category and implementing agency."""
        rng = self.rng
        province = self.province_by_code[province_code]["name_th"]
        cluster_code = self.province_by_code[province_code]["cluster_code"]
        tambon, amphoe = rng.choice(self.places.get(province_code) or [("เมือง", "เมือง")])
        where = f"ตำบล{tambon} อำเภอ{amphoe} จังหวัด{province}"
        v1, v2 = self._village(tambon), self._village(tambon)
        pao = f"องค์การบริหารส่วนจังหวัด{province}"
        if budget_type == "investment":
            category = rng.choices(["road", "water", "tourism", "agri", "building", "light"], (38, 24, 14, 12, 6, 6))[0]
            if category == "road":
                name = rng.choice(
                    [
                        f"โครงการก่อสร้างถนนคอนกรีตเสริมเหล็กสาย{v1} - {v2} {where}",
                        f"โครงการก่อสร้างถนนลาดยางแอสฟัลท์ติกคอนกรีตสาย{v1} - {v2} {where}",
                        f"โครงการปรับปรุงซ่อมแซมถนนเพื่อการเกษตรสาย{v1} {where}",
                    ]
                )
                agency = rng.choice([f"สำนักงานโยธาธิการและผังเมืองจังหวัด{province}", pao, f"แขวงทางหลวงชนบท{province}"])
            elif category == "water":
                name = rng.choice(
                    [
                        f"โครงการขุดลอกแหล่งน้ำหนอง{rng.choice(VILLAGE_PARTS_B)} {where}",
                        f"โครงการก่อสร้างฝายชะลอน้ำห้วย{rng.choice(VILLAGE_PARTS_B)} {where}",
                        f"โครงการก่อสร้างระบบประปาหมู่บ้าน{v1} {where}",
                        f"โครงการก่อสร้างระบบกระจายน้ำเพื่อการเกษตร{v1} {where}",
                    ]
                )
                agency = rng.choice(
                    [f"สำนักงานชลประทานที่ {IRRIGATION_OFFICE[cluster_code]}", pao, f"สำนักงานทรัพยากรน้ำจังหวัด{province}"]
                )
            elif category == "tourism":
                name = rng.choice(
                    [
                        f"โครงการพัฒนาแหล่งท่องเที่ยวชุมชน{v1} {where}",
                        f"โครงการปรับปรุงภูมิทัศน์แหล่งท่องเที่ยว{rng.choice(SITE_KINDS)}{tambon} {where}",
                        f"โครงการก่อสร้างศูนย์บริการนักท่องเที่ยวอำเภอ{amphoe} จังหวัด{province}",
                    ]
                )
                agency = rng.choice(
                    [f"สำนักงานการท่องเที่ยวและกีฬาจังหวัด{province}", pao, f"สำนักงานโยธาธิการและผังเมืองจังหวัด{province}"]
                )
            elif category == "agri":
                name = rng.choice(
                    [
                        f"โครงการจัดซื้อครุภัณฑ์การเกษตร (เครื่องอบลดความชื้น) กลุ่มเกษตรกร{v1} {where}",
                        f"โครงการติดตั้งระบบสูบน้ำพลังงานแสงอาทิตย์เพื่อการเกษตร{v1} {where}",
                        f"โครงการจัดซื้อเครื่องจักรกลการเกษตรสำหรับศูนย์ข้าวชุมชนอำเภอ{amphoe} จังหวัด{province}",
                    ]
                )
                agency = rng.choice(
                    [f"สำนักงานเกษตรจังหวัด{province}", f"สำนักงานปศุสัตว์จังหวัด{province}", f"สำนักงานเกษตรจังหวัด{province}"]
                )
            elif category == "building":
                name = rng.choice(
                    [
                        f"โครงการก่อสร้างอาคารศูนย์แสดงและจำหน่ายสินค้า OTOP อำเภอ{amphoe} จังหวัด{province}",
                        f"โครงการก่อสร้างลานกีฬาอเนกประสงค์{v1} {where}",
                    ]
                )
                agency = rng.choice([f"สำนักงานพัฒนาชุมชนจังหวัด{province}", pao])
            else:
                name = f"โครงการติดตั้งไฟฟ้าส่องสว่างพลังงานแสงอาทิตย์สาย{v1} - {v2} {where}"
                agency = rng.choice([pao, f"สำนักงานพลังงานจังหวัด{province}"])
        elif budget_type == "operating":
            category = "training"
            name, agency = rng.choice(
                [
                    (f"โครงการอบรมเชิงปฏิบัติการพัฒนาศักยภาพเกษตรกรอำเภอ{amphoe}", f"สำนักงานเกษตรจังหวัด{province}"),
                    (f"โครงการส่งเสริมการท่องเที่ยวเชิงวัฒนธรรมจังหวัด{province}", f"สำนักงานการท่องเที่ยวและกีฬาจังหวัด{province}"),
                    (
                        f"โครงการจัดงานแสดงและจำหน่ายสินค้า OTOP จังหวัด{province} ประจำปี {self.year.fiscal_year}",
                        f"สำนักงานพาณิชย์จังหวัด{province}",
                    ),
                    (f"โครงการส่งเสริมการตลาดสินค้าเกษตรปลอดภัยจังหวัด{province}", f"สำนักงานพาณิชย์จังหวัด{province}"),
                    (f"โครงการพัฒนาศักยภาพผู้ประกอบการวิสาหกิจชุมชนอำเภอ{amphoe}", f"สำนักงานพัฒนาชุมชนจังหวัด{province}"),
                    (f"โครงการเสริมสร้างความมั่นคงและความสงบเรียบร้อยในพื้นที่จังหวัด{province}", f"ที่ทำการปกครองจังหวัด{province}"),
                    (f"โครงการอบรมอาสาสมัครป้องกันภัยฝ่ายพลเรือนอำเภอ{amphoe}", f"ที่ทำการปกครองจังหวัด{province}"),
                    (f"โครงการส่งเสริมการปลูกพืชหลังนาตำบล{tambon}", f"สำนักงานเกษตรจังหวัด{province}"),
                ]
            )
        else:
            category = "other"
            name, agency = rng.choice(
                [
                    (f"โครงการศึกษาความเหมาะสมการพัฒนาพื้นที่เศรษฐกิจจังหวัด{province}", f"สำนักงานจังหวัด{province}"),
                    (f"โครงการบริหารจัดการแผนพัฒนาจังหวัด{province}แบบบูรณาการ", f"สำนักงานจังหวัด{province}"),
                    (f"โครงการสนับสนุนกองทุนหมู่บ้านเพื่อพัฒนาอาชีพ อำเภอ{amphoe}", f"สำนักงานพัฒนาชุมชนจังหวัด{province}"),
                ]
            )
        if owner_type == "cluster":
            cluster_name = next(r["name_th"] for r in self.clusters if r["cluster_code"] == owner_code)
            name = f"{name} ({cluster_name})"
        code = f"{self.year.yy}-{owner_code}-{seq:04d}"
        emenscr = f"มท {owner_code}-{self.year.yy}-{seq:04d}" if rng.random() < 0.85 else ""
        return Project(
            code=code,
            owner_code=owner_code,
            owner_type=owner_type,
            owner_text=self._owner_text(owner_type, owner_code),
            province_code=province_code,
            name=name,
            budget_type=budget_type,
            agency=agency,
            category=category,
            place=(tambon, amphoe),
            allocated=0,
            emenscr=emenscr,
        )

    def _recipient(self, project: Project) -> str:
        rng = self.rng
        tambon, amphoe = project.place
        province = self.province_by_code[project.province_code]["name_th"]
        if project.category == "agri":
            return rng.choice([f"วิสาหกิจชุมชนกลุ่มเกษตรกรตำบล{tambon}", f"สำนักงานเกษตรอำเภอ{amphoe}"])
        return rng.choices(
            [
                f"องค์การบริหารส่วนตำบล{tambon}",
                f"เทศบาลตำบล{tambon}",
                f"องค์การบริหารส่วนจังหวัด{province}",
                f"เทศบาลเมือง{amphoe.removeprefix('เมือง')}",
            ],
            (50, 25, 15, 10),
        )[0]


def asset_description(project: Project, item_no: int) -> str:
    tambon, _ = project.place
    return {
        "road": f"ถนนคอนกรีต/ลาดยาง ตำบล{tambon}",
        "water": f"สิ่งก่อสร้างแหล่งน้ำ ตำบล{tambon}",
        "tourism": f"อาคารและภูมิทัศน์แหล่งท่องเที่ยว ตำบล{tambon}",
        "agri": f"ครุภัณฑ์การเกษตร รายการที่ {item_no}",
        "building": f"อาคาร ตำบล{tambon}",
        "light": f"เสาไฟฟ้าส่องสว่างพลังงานแสงอาทิตย์ ตำบล{tambon}",
    }.get(project.category, project.name[:60])


@lru_cache(maxsize=1)
def places() -> dict[str, list[tuple[str, str]]]:
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


def read_csv_rows(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))
