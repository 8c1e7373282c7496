"""The demo's files, written as real exports look: Thai headers, BE dates, title lines above the
header, amounts as text with thousand separators, UTF-8 with BOM, TIS-620 (cp874) and xlsx.

One fiscal year's records (etl/demo/records.py) become about ten files (`file_names`): projects,
disbursements split by quarter plus the carry-over payments and (FY2562) a small corrections file
with rows a loader must refuse, carry-overs, reallocations, asset transfers. xlsx files are
rewritten with fixed timestamps so the same seed gives the same bytes.
"""

from __future__ import annotations

import csv
import io
import random
import zipfile
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path

from etl.demo.names import (
    ASSET_STATUS_TH,
    BUDGET_TYPE_TH,
    MONTH_ABBR_TH,
    MONTH_FULL_TH,
    REALLOCATION_KIND_TH,
    SOURCE_CARRYOVER,
    SOURCE_CURRENT,
)
from etl.demo.records import DemoData, Payment
from etl.demo.years import DemoYear

# Thai headers per record kind (issue 2, section 3).
H_PROJECTS = (
    "รหัสโครงการ",
    "ปีงบประมาณ",
    "จังหวัด/กลุ่มจังหวัด",
    "ชื่อโครงการ",
    "ประเภทงบรายจ่าย",
    "หน่วยดำเนินการ",
    "งบประมาณที่ได้รับจัดสรร",
    "วงเงินตามสัญญา",
    "วันที่ลงนามสัญญา",
    "วันเริ่มต้นโครงการ",
    "วันสิ้นสุดโครงการ",
    "รหัส eMENSCR",
)
H_DISBURSEMENTS = ("เลขที่เอกสาร", "รหัสโครงการ", "วันที่ผ่านรายการ", "จำนวนเงิน", "แหล่งเงิน")
H_CARRYOVERS = ("รหัสโครงการ", "จำนวนเงินกันเหลื่อมปี", "มีหนี้ผูกพัน", "วันที่อนุมัติ", "ขยายเวลาเบิกจ่ายถึง", "เหตุผล")
H_REALLOCATIONS = ("เลขที่อนุมัติ", "วันที่อนุมัติ", "โอนจากโครงการ", "โอนไปโครงการ", "จำนวนเงิน", "ประเภทการโอน", "เหตุผล")
H_ASSETS = ("รหัสสินทรัพย์", "รหัสโครงการ", "รายการสินทรัพย์", "มูลค่า", "หน่วยงานผู้รับโอน", "วันที่ตรวจรับ", "วันที่โอน", "สถานะ")

# Files of one year, in the order they are written (a year writes the ones it has records for).
FILE_ORDER = (
    "projects",
    "disb_q1",
    "disb_q2",
    "disb_q3",
    "disb_q4",
    "disb_carry",
    "disb_corrections",
    "carryovers",
    "reallocations",
    "assets",
)


def file_names(year: DemoYear) -> dict[str, str]:
    """File name of each of a year's files (FILE_ORDER keys); FY2562's are the demo's original names."""
    fy = year.fiscal_year
    sheet = "xlsx" if year.xlsx else "csv"
    return {
        "projects": f"projects_{fy}.{sheet}",
        "disb_q1": f"disbursements_{fy}_q1.csv",
        "disb_q2": f"disbursements_{fy}_q2_tis620.csv",
        "disb_q3": f"disbursements_{fy}_q3.{sheet}",
        "disb_q4": f"disbursements_{fy}_q4.csv",
        "disb_carry": f"disbursements_carryover_{fy + 1}.csv",  # paid in the next fiscal year
        # FY2562's corrections file kept the name it had before there were other years.
        "disb_corrections": "disbursements_corrections.csv" if fy == 2562 else f"disbursements_corrections_{fy}.csv",
        "carryovers": f"carryovers_{fy}.csv",
        "reallocations": f"reallocations_{fy}.{sheet}",
        "assets": f"asset_transfers_{fy}.csv",
    }


# --------------------------------------------------------------------------- formats


def be_slash(day: date) -> str:
    """13/09/2562"""
    return f"{day.day:02d}/{day.month:02d}/{day.year + 543}"


def be_abbr(day: date) -> str:
    """13 ก.ย. 62"""
    return f"{day.day} {MONTH_ABBR_TH[day.month - 1]} {(day.year + 543) % 100:02d}"


def be_full(day: date) -> str:
    """13 กันยายน 2562"""
    return f"{day.day} {MONTH_FULL_TH[day.month - 1]} {day.year + 543}"


def money_text(satang: int) -> str:
    """1,234,567.50 (negative as -1,234.00)."""
    sign = "-" if satang < 0 else ""
    baht, cents = divmod(abs(satang), 100)
    return f"{sign}{baht:,}.{cents:02d}"


def money_number(satang: int) -> int | float:
    """An xlsx cell value: whole baht as int, otherwise a float with two decimals."""
    return satang // 100 if satang % 100 == 0 else round(satang / 100, 2)


def baht(satang: int) -> Decimal:
    """Satang as Decimal baht with two places."""
    return (Decimal(satang) / 100).quantize(Decimal("0.01"))


# --------------------------------------------------------------------------- writers


def write_csv(path: Path, rows: list[list[object]], encoding: str) -> None:
    """CRLF CSV in the given encoding (None as an empty cell, dates as BE text)."""
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator="\r\n").writerows(
        [[be_slash(value) if isinstance(value, date) else value for value in row] for row in rows]
    )
    path.write_bytes(buffer.getvalue().encode(encoding))


def write_xlsx(
    path: Path, sheet_title: str, rows: list[list[object]], fixed: datetime, date_format: str = "dd/mm/yyyy"
) -> None:
    """Write rows to one sheet; then rewrite the zip with fixed timestamps (same bytes per seed)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    workbook = Workbook(write_only=True)
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
    fix_zip_timestamps(path, fixed)


def write_xlsx_fast(
    path: Path, sheet_title: str, rows: list[list[object]], fixed: datetime, date_format: str = "dd/mm/yyyy"
) -> None:
    """The same sheet written with XlsxWriter (same bytes per seed: its zip entries carry the
    document's creation time, set here)."""
    import xlsxwriter

    workbook = xlsxwriter.Workbook(str(path), {"strings_to_urls": False})
    workbook.set_properties({"created": fixed, "author": "etl.demo"})
    sheet = workbook.add_worksheet(sheet_title)
    date_cell = workbook.add_format({"num_format": date_format})
    for row_number, row in enumerate(rows):
        for column, value in enumerate(row):
            if value is None:
                continue
            if isinstance(value, date):
                sheet.write_datetime(row_number, column, datetime.combine(value, time()), date_cell)
            elif isinstance(value, str):
                sheet.write_string(row_number, column, value)
            else:
                sheet.write_number(row_number, column, value)
    workbook.close()


def fix_zip_timestamps(path: Path, when: datetime) -> None:
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
                    text = text[:start] + '<dcterms:modified xsi:type="dcterms:W3CDTF">' + stamp + text[end:]
                content = text.encode("utf-8")
            info = zipfile.ZipInfo(name, date_time=when.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(info, content)


def _excel_day(value: date | None) -> date | None:
    return value


def _be_slash_or_none(value: date | None) -> str | None:
    return be_slash(value) if value else None


class YearWriter:
    """Formats the generated records as the files users bring."""

    def __init__(self, data: DemoData, rng: random.Random, out_dir: Path, year: DemoYear):
        self.data, self.rng, self.out_dir, self.year = data, rng, out_dir, year
        self.names = file_names(year)
        self.written: list[str] = []  # file names, in the order of FILE_ORDER
        self.total_rows = 0
        self.bad_rows = 0
        self.corrected: list[Payment] = []

    def _csv(self, key: str, rows: list[list[object]], encoding: str) -> None:
        write_csv(self.out_dir / self.names[key], rows, encoding)
        self.written.append(self.names[key])

    def _sheet(self, key: str, title: str, rows: list[list[object]]) -> None:
        """An xlsx sheet, or for a CSV-only year (benchmarks) a UTF-8 CSV with the same rows."""
        if self.year.xlsx:
            stamp = datetime.combine(self.year.report_date + timedelta(days=1), time())
            write = write_xlsx if self.year.xlsx_writer == "openpyxl" else write_xlsx_fast
            write(self.out_dir / self.names[key], title, rows, stamp)
            self.written.append(self.names[key])
        else:
            self._csv(key, rows, "utf-8-sig")

    def write_all(self) -> list[str]:
        """Write every file of the year; returns the names written, in FILE_ORDER."""
        self.projects()
        self.disbursements()
        self.carryovers()
        self.reallocations()
        self.assets()
        return sorted(self.written, key=lambda name: [self.names[k] for k in FILE_ORDER].index(name))

    def projects(self) -> None:
        rng = self.rng
        rows: list[list[object]] = [
            [f"แผนพัฒนาจังหวัดและกลุ่มจังหวัด ประจำปีงบประมาณ พ.ศ. {self.year.fiscal_year}"],
            [f"ข้อมูล ณ วันที่ {be_full(self.year.report_date)}"],
            [],
            list(H_PROJECTS),
        ]
        for p in self.data.projects:
            # Half the rows hold real Excel date cells, half BE text.
            day = _excel_day if rng.random() < 0.5 else _be_slash_or_none
            rows.append(
                [
                    p.code,
                    self.year.fiscal_year,
                    p.owner_text,
                    p.name,
                    BUDGET_TYPE_TH[p.budget_type],
                    p.agency,
                    money_number(p.allocated),
                    money_number(p.contract) if p.contract else None,
                    day(p.contract_date),
                    day(p.planned_start),
                    day(p.planned_end),
                    p.emenscr or None,
                ]
            )
        self._sheet("projects", "โครงการ", rows)

    def disbursements(self) -> None:
        current = [p for p in self.data.payments if p.source == "current"]
        carry = [p for p in self.data.payments if p.source == "carryover"]
        # Payments that later appear in the corrections file: plain ones, untouched by reversals.
        reversed_ids = {id(p.reversal_of) for p in current if p.reversal_of}
        plain = [p for p in current if p.amount > 0 and id(p) not in reversed_ids and p.day.month == 9]
        if self.year.corrections:
            self.corrected = sorted(self.rng.sample(plain, 6), key=lambda p: p.doc_no)
        corrected_ids = {id(p) for p in self.corrected}
        quarters: dict[int, list[Payment]] = {1: [], 2: [], 3: [], 4: []}
        for payment in current:
            if id(payment) not in corrected_ids:
                quarter = (self.year.month_index(payment.day) // 3) + 1
                quarters[quarter].append(payment)

        def row(p: Payment, fmt) -> list[str]:
            return [p.doc_no, p.project.code, fmt(p.day), money_text(p.amount), SOURCE_CURRENT]

        # Q1: UTF-8 with BOM, dd/mm/BE, trailing total row.
        # (Every quarter of a past year has payments; a year in progress writes the quarters it has.)
        rows = [list(H_DISBURSEMENTS)] + [row(p, be_slash) for p in quarters[1]]
        rows.append(["รวม", "", "", money_text(sum(p.amount for p in quarters[1])), ""])
        self.total_rows += 1
        self._csv("disb_q1", rows, "utf-8-sig")
        # Q2: TIS-620 (cp874), "13 ม.ค. 62".
        if quarters[2]:
            rows = [list(H_DISBURSEMENTS)] + [row(p, be_abbr) for p in quarters[2]]
            self._csv("disb_q2", rows, "cp874")
        # Q3: xlsx with title lines, Excel date cells, numeric amounts.
        if quarters[3]:
            title = (
                "รายงานผลการเบิกจ่ายงบประมาณ แผนพัฒนาจังหวัดและกลุ่มจังหวัด ประจำปีงบประมาณ "
                f"พ.ศ. {self.year.fiscal_year} ไตรมาสที่ 3"
            )
            xrows: list[list[object]] = [[title], [f"ข้อมูล ณ วันที่ {be_abbr(self.year.on(6, 30))}"], list(H_DISBURSEMENTS)]
            xrows += [[p.doc_no, p.project.code, p.day, money_number(p.amount), SOURCE_CURRENT] for p in quarters[3]]
            self._sheet("disb_q3", "เบิกจ่าย", xrows)
        # Q4: UTF-8 with BOM, mixed date styles, trailing total row.
        if quarters[4]:
            rows = [list(H_DISBURSEMENTS)]
            for p in quarters[4]:
                rows.append(row(p, be_slash if self.rng.random() < 0.7 else be_abbr))
            rows.append(["รวมทั้งสิ้น", "", "", money_text(sum(p.amount for p in quarters[4])), ""])
            self.total_rows += 1
            self._csv("disb_q4", rows, "utf-8-sig")
        # Carry-over payments, from October of the next fiscal year to the deadline.
        rows = [list(H_DISBURSEMENTS)]
        rows += [[p.doc_no, p.project.code, be_slash(p.day), money_text(p.amount), SOURCE_CARRYOVER] for p in carry]
        if carry:
            self._csv("disb_carry", rows, "utf-8-sig")
        if self.year.corrections:
            self._corrections()

    def _corrections(self) -> None:
        """Late documents sent separately, mixed with rows a loader must refuse."""
        good = [
            [p.doc_no, p.project.code, be_slash(p.day), money_text(p.amount), SOURCE_CURRENT] for p in self.corrected
        ]
        some = self.corrected[0]
        fy, yy = self.year.fiscal_year, self.year.yy

        def doc(number: int) -> str:  # FY2562: 5199000001 ...
            return str(self.year.current_docs_base() + 99_000_000 + number)

        bad = [
            [doc(1), f"{yy}-99-9999", f"16/09/{fy}", "125,000.00", SOURCE_CURRENT],  # unknown project
            [doc(2), some.project.code, f"31/02/{fy}", "48,500.00", SOURCE_CURRENT],  # no such day
            [doc(3), some.project.code, "ไม่ระบุ", "12,000.00", SOURCE_CURRENT],  # not a date
            [doc(4), some.project.code, f"17/09/{fy}", "หนึ่งหมื่นบาท", SOURCE_CURRENT],  # not a number
            [doc(5), some.project.code, f"18/09/{fy}", "12,3O0.00", SOURCE_CURRENT],  # letter O
            # The same document number twice in one file: the second occurrence is refused.
            [self.corrected[1].doc_no, self.corrected[1].project.code, f"19/09/{fy}", "1,000.00", SOURCE_CURRENT],
        ]
        rows = [list(H_DISBURSEMENTS)] + good[:3] + bad[:3] + good[3:] + bad[3:]
        self.bad_rows = len(bad)
        self._csv("disb_corrections", rows, "utf-8-sig")

    def carryovers(self) -> None:
        rows = [list(H_CARRYOVERS)]
        for c in self.data.carryovers:
            rows.append(
                [
                    c.project.code,
                    money_text(c.amount),
                    "มี" if c.committed else "ไม่มี",
                    be_slash(c.approved),
                    be_slash(c.deadline),
                    c.reason,
                ]
            )
        if self.data.carryovers:
            self._csv("carryovers", rows, "utf-8-sig")

    def reallocations(self) -> None:
        rows: list[list[object]] = [
            [f"รายงานการโอนเปลี่ยนแปลงโครงการและเงินเหลือจ่าย ประจำปีงบประมาณ พ.ศ. {self.year.fiscal_year}"],
            list(H_REALLOCATIONS),
        ]
        for r in self.data.reallocations:
            rows.append(
                [
                    r.ref_no,
                    be_full(r.approved),
                    r.source.code if r.source else None,
                    r.target.code if r.target else None,
                    money_number(r.amount),
                    REALLOCATION_KIND_TH[r.kind],
                    r.reason,
                ]
            )
        self._sheet("reallocations", "โอนเปลี่ยนแปลง", rows)

    def assets(self) -> None:
        rows = [list(H_ASSETS)]
        for a in self.data.assets:
            rows.append(
                [
                    a.asset_id,
                    a.project.code,
                    a.description,
                    money_text(a.value),
                    a.recipient,
                    be_slash(a.completed),
                    be_slash(a.transferred) if a.transferred else "",
                    ASSET_STATUS_TH[a.status],
                ]
            )
        if self.data.assets:
            self._csv("assets", rows, "utf-8")
