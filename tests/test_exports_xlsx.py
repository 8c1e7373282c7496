"""The Excel workbook: sheets, headers, formats, frozen panes, and totals against plain SQL."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import duckdb
import openpyxl
import pytest

from budget_metrics import Filters
from budget_metrics.progress import kpis
from exports.export import export_files
from tests.target_lines_sql import INVESTMENT_31_MAY, OVERALL_31_MAY, sql_status_counts
from tests.totals_sql import sql_totals

AS_OF = date(2019, 9, 13)
SHEETS = [
    "สรุป",
    "จังหวัด",
    "กลุ่มจังหวัด",
    "โครงการ",
    "โครงการล่าช้า",
    "การชี้แจง",
    "อัตราการชี้แจง",
    "เงินกันเหลื่อมปี",
    "โอนเปลี่ยนแปลง",
    "โอนสินทรัพย์",
    "เกี่ยวกับ",
]
FIRST_HEADERS = {
    "สรุป": "ระดับ",
    "จังหวัด": "รหัสจังหวัด",
    "กลุ่มจังหวัด": "รหัสกลุ่มจังหวัด",
    "โครงการ": "รหัสโครงการ",
    "โครงการล่าช้า": "รหัสโครงการ",
    "การชี้แจง": "รหัสโครงการ",
    "อัตราการชี้แจง": "ระดับ",
    "เงินกันเหลื่อมปี": "รหัสโครงการ",
    "โอนเปลี่ยนแปลง": "เลขที่อ้างอิง",
    "โอนสินทรัพย์": "รหัสสินทรัพย์",
    "เกี่ยวกับ": "รายการ",
}
PCT_ROUNDING = 5e-5  # percentages are stored as fractions rounded to 2 decimals of a percent


@pytest.fixture(scope="module")
def national_book(national_export):
    """`export_files(Filters(as_of=AS_OF), "xlsx", ...)`: the session's national export (tests/conftest.py)."""
    [path] = national_export.paths("xlsx")
    return path


@pytest.fixture(scope="module")
def national_workbook(national_export):
    """`national_book` opened once with openpyxl (a few CPU seconds a time) for the tests that only
    read its cells; a test reads cells inside the sheets' bounds, so none changes what another reads
    (the session's, shared with test_status_words)."""
    return national_export.workbook


def _header_row(sheet) -> int:
    """The header row (1-based): the row the sheet repeats on every printed page."""
    first, last = sheet.print_title_rows.replace("$", "").split(":")
    assert first == last
    return int(first)


def _column(sheet, header: str) -> int:
    headers = [cell.value for cell in sheet[_header_row(sheet)]]
    return headers.index(header) + 1


def _values(sheet, header: str) -> list:
    col = _column(sheet, header)
    return [sheet.cell(row=r, column=col).value for r in range(_header_row(sheet) + 1, sheet.max_row + 1)]


def test_file_name_carries_fiscal_year_and_as_of(national_book):
    assert national_book.name == "budget-2562-asof-2019-09-13.xlsx"


def test_sheets_in_order_with_thai_headers(national_workbook):
    book = national_workbook
    assert book.sheetnames == SHEETS
    summary = book["สรุป"]
    headers = [cell.value for cell in summary[_header_row(summary)]]
    assert headers[:3] == ["ระดับ", "พื้นที่ / งบรายจ่าย", "จำนวนโครงการ"]
    for wanted in (
        "งบประมาณที่ได้รับจัดสรร (ปัจจุบัน) บาท",
        "ก่อหนี้ผูกพัน บาท",
        "เบิกจ่ายแล้ว บาท",
        "คงเหลือ บาท",
        "ภาพรวม: ร้อยละการเบิกจ่าย",
        "ภาพรวม: เป้าหมาย ณ วันที่ (ร้อยละ)",
        "ภาพรวม: ห่างจากเป้าหมาย (จุด)",
        "ภาพรวม: ห่างจากเป้าหมาย บาท",
        "ภาพรวม: สถานะ",
        "งบลงทุน: งบประมาณปัจจุบัน บาท",
        "งบลงทุน: เบิกจ่ายแล้ว บาท",
        "งบลงทุน: ร้อยละการเบิกจ่าย",
        "งบลงทุน: เป้าหมาย ณ วันที่ (ร้อยละ)",
        "งบลงทุน: ห่างจากเป้าหมาย (จุด)",
        "งบลงทุน: ห่างจากเป้าหมาย บาท",
        "งบลงทุน: สถานะ",
        "เส้นที่ใช้ประเมินแถวนี้",
        "สถานะ (ตามเส้นที่ใช้ประเมิน)",
    ):
        assert wanted in headers
    # no target without its line: every target column names the line it belongs to
    assert "เป้าหมาย ณ วันที่ (ร้อยละ)" not in headers and "ห่างจากเป้าหมาย (จุด)" not in headers
    # title rows: what the sheet is, the area and fiscal year, the as-of date in BE, the rules in force
    assert summary["A1"].value == "สรุปผลการเบิกจ่าย รวม รายภาค และรายงบรายจ่าย"
    assert summary["A2"].value == "ทั้งประเทศ · ปีงบประมาณ พ.ศ. 2562"
    assert summary["A3"].value == "ข้อมูล ณ วันที่ 13 ก.ย. 2562"
    # issue 15: each status names its band ("near target" is below it by at most 5 points)
    assert "ใกล้เป้าหมาย (ต่ำกว่าไม่เกิน 5 จุด)" in summary["A4"].value and "เกิน 10 จุด" in summary["A4"].value
    lagging = book["โครงการล่าช้า"]
    assert "25 จุด" in lagging["A4"].value and "12 สัปดาห์" in lagging["A4"].value  # thresholds.toml


def test_frozen_header_autofilter_print_setup_and_number_formats(national_workbook):
    book = national_workbook
    for name in SHEETS:
        sheet = book[name]
        header = _header_row(sheet)
        assert header >= 5, name  # below the title, scope, as-of lines (and a blank row)
        assert sheet.freeze_panes == f"A{header + 1}", name
        assert sheet.auto_filter.ref and sheet.auto_filter.ref.startswith(f"A{header}"), name
        # A4 landscape, one page wide, as many tall as needed, header repeated on every page
        assert sheet.page_setup.orientation == "landscape", name
        assert int(sheet.page_setup.paperSize) == 9, name
        assert sheet.sheet_properties.pageSetUpPr.fitToPage, name
        # fitToWidth is left out of the file when 1, its OOXML default
        assert (int(sheet.page_setup.fitToWidth or 1), int(sheet.page_setup.fitToHeight)) == (1, 0), name
        assert sheet.cell(row=header, column=1).value == FIRST_HEADERS[name]  # the repeated row is the header
        assert sheet.cell(row=header - 1, column=1).value is None, name  # a blank row above it
        assert "&P" in sheet.oddFooter.right.text, name
    summary = book["สรุป"]
    first = _header_row(summary) + 1
    money_cell = summary.cell(row=first, column=_column(summary, "เบิกจ่ายแล้ว บาท"))
    pct_cell = summary.cell(row=first, column=_column(summary, "ภาพรวม: ร้อยละการเบิกจ่าย"))
    assert money_cell.number_format == "#,##0.00"
    assert pct_cell.number_format == "0.00%"
    assert 0 < pct_cell.value < 1.5  # stored as a fraction, shown as a percentage
    projects = book["โครงการ"]
    assert projects.column_dimensions["B"].width >= 30  # project names get room


def test_summary_totals_equal_sql_and_dashboard(demo_db, national_workbook):
    current, committed, paid, count = sql_totals(demo_db, AS_OF)
    summary = national_workbook["สรุป"]
    header = _header_row(summary)
    row = {cell.value: summary.cell(row=header + 1, column=cell.column).value for cell in summary[header]}
    assert row["พื้นที่ / งบรายจ่าย"] == "รวมทั้งประเทศ"
    assert row["จำนวนโครงการ"] == count
    assert Decimal(str(row["งบประมาณที่ได้รับจัดสรร (ปัจจุบัน) บาท"])) == current
    assert Decimal(str(row["ก่อหนี้ผูกพัน บาท"])) == committed
    assert Decimal(str(row["เบิกจ่ายแล้ว บาท"])) == paid
    assert Decimal(str(row["คงเหลือ บาท"])) == current - paid
    assert row["ภาพรวม: ร้อยละการเบิกจ่าย"] == pytest.approx(float(paid / current), abs=PCT_ROUNDING)
    dashboard = kpis(Filters(as_of=AS_OF))  # the overview page's KPI cards
    assert row["ภาพรวม: ร้อยละการเบิกจ่าย"] * 100 == pytest.approx(dashboard.overall.pct, abs=PCT_ROUNDING * 100)
    # 13 Sep 2019 by hand: Q3 end + two monthly steps + 13/30 of the third (DOMAIN.md)
    overall_target = 77 + 2 * 23 / 3 + 23 / 3 * 13 / 30
    investment_target = 65 + 2 * 23 / 3 + 23 / 3 * 13 / 30
    assert row["ภาพรวม: เป้าหมาย ณ วันที่ (ร้อยละ)"] * 100 == pytest.approx(overall_target, abs=PCT_ROUNDING * 100)
    assert row["งบลงทุน: เป้าหมาย ณ วันที่ (ร้อยละ)"] * 100 == pytest.approx(investment_target, abs=PCT_ROUNDING * 100)
    inv_current, _, inv_paid, _ = sql_totals(demo_db, AS_OF, "budget_type = 'investment'")
    assert Decimal(str(row["งบลงทุน: งบประมาณปัจจุบัน บาท"])) == inv_current
    assert Decimal(str(row["งบลงทุน: เบิกจ่ายแล้ว บาท"])) == inv_paid
    assert row["งบลงทุน: ร้อยละการเบิกจ่าย"] == pytest.approx(float(inv_paid / inv_current), abs=PCT_ROUNDING)
    assert row["งบลงทุน: ห่างจากเป้าหมาย บาท"] == pytest.approx(
        float(inv_paid - inv_current * Decimal(repr(investment_target)) / 100), abs=0.01
    )
    # the region rows, and the budget-type rows, each add up to the national row
    levels = _values(summary, "ระดับ")
    amounts = _values(summary, "เบิกจ่ายแล้ว บาท")
    for level, count_wanted in (("ภาค", 6), ("งบรายจ่าย", 3)):
        rows = [Decimal(str(v)) for lv, v in zip(levels, amounts, strict=True) if lv == level]
        assert len(rows) == count_wanted and sum(rows) == paid, level
    investment = sql_totals(demo_db, AS_OF, "budget_type = 'investment'")[2]
    names = _values(summary, "พื้นที่ / งบรายจ่าย")
    assert Decimal(str(amounts[names.index("งบลงทุน")])) == investment


def test_province_and_project_sheets_add_up_to_sql(demo_db, national_workbook):
    book = national_workbook
    _, _, province_paid, province_count = sql_totals(demo_db, AS_OF, "owner_type = 'province'")
    provinces = book["จังหวัด"]
    assert len(_values(provinces, "รหัสจังหวัด")) == 76
    assert sum(Decimal(str(v)) for v in _values(provinces, "เบิกจ่ายแล้ว บาท")) == province_paid
    assert sum(_values(provinces, "จำนวนโครงการ")) == province_count
    current, _, paid, count = sql_totals(demo_db, AS_OF)
    projects = book["โครงการ"]
    assert len(_values(projects, "รหัสโครงการ")) == count
    assert sum(Decimal(str(v)) for v in _values(projects, "เบิกจ่ายแล้ว บาท")) == paid
    assert sum(Decimal(str(v)) for v in _values(projects, "งบประมาณปัจจุบัน บาท")) == current
    clusters = book["กลุ่มจังหวัด"]
    assert len(_values(clusters, "รหัสกลุ่มจังหวัด")) == 18


def test_carryover_and_asset_sheets_match_sql(demo_db, national_workbook):
    con = duckdb.connect(str(demo_db), read_only=True)
    try:
        carried, carry_count = con.execute(
            "SELECT coalesce(sum(amount), 0), count(*) FROM carryovers WHERE approved_date <= ?", [AS_OF]
        ).fetchone()
        assets = con.execute(
            "SELECT count(*) FROM asset_transfers WHERE completed_date IS NULL OR completed_date <= ?", [AS_OF]
        ).fetchone()[0]
        moves = con.execute("SELECT count(*) FROM reallocations WHERE approved_date <= ?", [AS_OF]).fetchone()[0]
    finally:
        con.close()
    book = national_workbook
    carry = book["เงินกันเหลื่อมปี"]
    assert len(_values(carry, "รหัสโครงการ")) == carry_count
    assert sum((Decimal(str(v)) for v in _values(carry, "เงินกัน บาท")), Decimal(0)) == carried
    assert len(_values(book["โอนสินทรัพย์"], "รหัสสินทรัพย์")) == assets
    assert len(_values(book["โอนเปลี่ยนแปลง"], "เลขที่อ้างอิง")) == moves


def test_about_sheet_lists_loads_with_checksums(demo_db, national_workbook):
    con = duckdb.connect(str(demo_db), read_only=True)
    try:
        hashes = [row[0] for row in con.execute("SELECT sha256 FROM loads WHERE status <> 'refused'").fetchall()]
    finally:
        con.close()
    about = national_workbook["เกี่ยวกับ"]
    text = "\n".join(str(cell.value) for row in about.iter_rows() for cell in row if cell.value)
    assert "2019-09-13" in text and "Q4 100%" in text
    for digest in hashes:
        assert digest in text


def test_province_export_holds_only_that_province(demo_db, tmp_path):
    [path] = export_files(Filters(as_of=AS_OF, province="50"), "xlsx", tmp_path)
    assert path.name == "budget-2562-asof-2019-09-13-province-50.xlsx"
    current, _, paid, count = sql_totals(demo_db, AS_OF, "owner_type = 'province' AND owner = ?", ("50",))
    book = openpyxl.load_workbook(path)
    projects = book["โครงการ"]
    assert set(_values(projects, "รหัสจังหวัด")) == {"50"}
    assert len(_values(projects, "รหัสโครงการ")) == count
    summary = book["สรุป"]
    total_row = _header_row(summary) + 1
    assert Decimal(str(summary.cell(row=total_row, column=_column(summary, "เบิกจ่ายแล้ว บาท")).value)) == paid
    assert sum(Decimal(str(v)) for v in _values(projects, "งบประมาณปัจจุบัน บาท")) == current
    assert _values(book["จังหวัด"], "รหัสจังหวัด") == ["50"]


def test_same_database_same_cell_values(demo_db, national_workbook, tmp_path):
    [again] = export_files(Filters(as_of=AS_OF), "xlsx", tmp_path)
    first, second = national_workbook, openpyxl.load_workbook(again)
    for name in SHEETS:
        rows_a = [[c.value for c in row] for row in first[name].iter_rows()]
        rows_b = [[c.value for c in row] for row in second[name].iter_rows()]
        assert rows_a == rows_b, name


def test_dashboard_download_is_the_cli_file(demo_db, tmp_path):
    from exports.export import download_for, download_name

    filters = Filters(as_of=AS_OF, province="50")
    [cli_file] = export_files(filters, "xlsx", tmp_path)
    assert download_name(filters, "xlsx") == cli_file.name
    assert download_for(filters, "xlsx") == cli_file.read_bytes()


def test_province_statuses_on_31_may_are_the_cabinet_lines(demo_db, national_exports):
    """The provinces sheet (and its CSV) judge each province by both lines with their own
    targets; the counts equal the plain-SQL recount (63 / 11 / 2 by the overall line)."""
    import csv
    import io

    may = date(2019, 5, 31)
    files = national_exports(may)  # export_files(Filters(as_of=may), fmt, ...) per format, made once a session
    sheet = files.workbook["จังหวัด"]
    with_projects = [count > 0 for count in _values(sheet, "จำนวนโครงการ")]
    names = {"behind": "ต่ำกว่าเป้าหมาย", "watch": "เฝ้าระวัง", "near_target": "ใกล้เป้าหมาย", "on_track": "ถึงเป้าหมาย"}
    for line, thai, target in (("overall", "ภาพรวม", OVERALL_31_MAY), ("investment", "งบลงทุน", INVESTMENT_31_MAY)):
        expected = sql_status_counts(demo_db, may, line, target)
        shown = [status for status, keep in zip(_values(sheet, f"{thai}: สถานะ"), with_projects, strict=True) if keep]
        assert {code: shown.count(word) for code, word in names.items()} == {code: expected[code] for code in names}, (
            line
        )
        targets = _values(sheet, f"{thai}: เป้าหมาย ณ วันที่ (ร้อยละ)")
        assert targets == [pytest.approx(target / 100, abs=PCT_ROUNDING)] * len(targets)
    assert _values(sheet, "สถานะ (ตามเส้นภาพรวม)") == _values(sheet, "ภาพรวม: สถานะ")
    csv_paths = files.paths("csv")
    provinces = next(path for path in csv_paths if path.name.endswith("-provinces.csv"))
    rows = list(csv.DictReader(io.StringIO(provinces.read_bytes().decode("utf-8-sig"))))
    expected = sql_status_counts(demo_db, may, "overall", OVERALL_31_MAY)
    shown = [row["overall_status_th"] for row in rows if int(row["projects"]) > 0]
    assert [shown.count(names[code]) for code in names] == [expected[code] for code in names]
    assert (expected["behind"], expected["watch"], expected["near_target"] + expected["on_track"]) == (63, 11, 2)
    assert {
        "overall_pct",
        "overall_target_pct",
        "overall_gap_points",
        "overall_gap_baht",
        "investment_pct",
        "investment_target_pct",
        "investment_gap_points",
        "investment_gap_baht",
    } <= set(rows[0])
    assert "target_pct" not in rows[0]


def test_about_sheet_describes_two_lines_not_a_blend(national_workbook):
    about = national_workbook["เกี่ยวกับ"]
    text = "\n".join(str(cell.value) for row in about.iter_rows() for cell in row if cell.value)
    assert "เส้นภาพรวม" in text and "เส้นงบลงทุน" in text
    assert "never a mix" in text and "headline_line = overall" in text
    assert "weighted" not in text and "ถ่วง" not in text


def test_dates_are_real_dates_shown_in_be_and_regions_read_in_thai(demo_db, national_workbook):
    """A date stays an Excel date (it sorts) with the Thai Buddhist-calendar format, which
    Excel and LibreOffice show as '31 มี.ค. 2563'; a project's region reads in Thai."""
    from datetime import datetime

    book = national_workbook
    carry = book["เงินกันเหลื่อมปี"]
    column = _column(carry, "กำหนดเบิกจ่าย")
    cells = [carry.cell(row=r, column=column) for r in range(_header_row(carry) + 1, carry.max_row + 1)]
    assert cells and all(isinstance(cell.value, datetime) for cell in cells)
    assert {cell.number_format for cell in cells} == {"[$-107041E]d mmm yyyy"}
    con = duckdb.connect(str(demo_db), read_only=True)
    try:
        deadlines = sorted(
            row[0]
            for row in con.execute("SELECT deadline FROM carryovers WHERE approved_date <= ?", [AS_OF]).fetchall()
        )
        regions = dict(con.execute("SELECT region, name_th FROM regions").fetchall())
    finally:
        con.close()
    assert sorted(cell.value.date() for cell in cells) == deadlines
    shown = set(_values(book["โครงการ"], "ภาค"))
    assert shown == set(regions.values()) and not shown & set(regions)  # 'ภาคตะวันออก', never 'east'


CARRYOVER = "คาดว่าจะกันเงินเหลื่อมปี ณ 30 ก.ย. บาท"
LAPSE = "คาดว่าจะไม่ได้ใช้ / ส่งคืน ณ 30 ก.ย. บาท"


def test_projection_columns_on_area_and_project_sheets(demo_db, national_workbook):
    """Projects: projected paid + carry-over + lapse = the SQL allocation, to the satang; each
    province's carry-over and lapse are the sums of its projects' rows on the projects sheet;
    the band holds the projected %; the sheets say what the columns are."""
    from tests.projection_sql import area_projects, project_money

    book = national_workbook
    money = project_money(demo_db, AS_OF)
    projects = book["โครงการ"]
    codes = _values(projects, "รหัสโครงการ")
    sheet_money = {}
    for code, projected, carry, lapse in zip(
        codes,
        _values(projects, "คาดว่าจะเบิกจ่ายได้ภายใน 30 ก.ย. บาท"),
        _values(projects, CARRYOVER),
        _values(projects, LAPSE),
        strict=True,
    ):
        projected, carry, lapse = (Decimal(str(v)) for v in (projected, carry, lapse))
        assert projected + carry + lapse == money[code]["allocation"], code
        sheet_money[code] = (carry, lapse)
    provinces = book["จังหวัด"]
    rows = zip(
        _values(provinces, "รหัสจังหวัด"),
        _values(provinces, CARRYOVER),
        _values(provinces, LAPSE),
        _values(provinces, "ภาพรวม: ช่วงคาดการณ์ ต่ำ (ร้อยละ)"),
        _values(provinces, "ภาพรวม: คาดการณ์ร้อยละเบิกจ่าย ณ 30 ก.ย. (ร้อยละ)"),
        _values(provinces, "ภาพรวม: ช่วงคาดการณ์ สูง (ร้อยละ)"),
        strict=True,
    )
    for code, carry, lapse, low, pct, high in rows:
        mine = area_projects(money, "province", code)
        assert Decimal(str(carry)) == sum((sheet_money[c][0] for c in mine), Decimal(0)), code
        assert Decimal(str(lapse)) == sum((sheet_money[c][1] for c in mine), Decimal(0)), code
        assert low <= pct <= high
    for sheet in ("จังหวัด", "กลุ่มจังหวัด", "โครงการ"):
        notes = " ".join(str(book[sheet].cell(row=r, column=1).value) for r in range(1, _header_row(book[sheet])))
        assert "คอลัมน์คาดการณ์ (ท้ายตาราง)" in notes, sheet


def test_about_sheet_quotes_the_backtest_as_benchmarks_md_records_it(national_book):
    """The about sheet's backtested errors are the figures of docs/benchmarks.md (seed 2562,
    overall line, provinces), read here from the markdown table."""
    import re
    from pathlib import Path

    from exports.tables import PROJECTION_BACKTEST

    doc = (Path(__file__).resolve().parents[1] / "docs" / "benchmarks.md").read_text(encoding="utf-8")
    section = doc.split("### Seed 2562, overall line", 1)[1].split("###", 1)[0]
    table = {
        cells[0]: cells
        for cells in (
            [c.strip() for c in line.strip("|").split("|")]
            for line in section.splitlines()
            if re.match(r"\| \d+ \w{3} \|", line)
        )
    }
    about = openpyxl.load_workbook(national_book, read_only=True)["เกี่ยวกับ"]
    text = "\n".join(str(cell.value) for row in about.iter_rows() for cell in row if cell.value)
    assert "ช่วง 80%" in text and "central 80%" in text
    # and what the band does not hold, as the area page says it (out-of-sample tests)
    assert "ไม่รวมเหตุการณ์หลังวันที่ข้อมูล" in text and "not from events after the data date" in text
    # and that early in the year it runs low (the backtests of October-January)
    assert "ต้นปีงบประมาณ (ต.ค.–ม.ค.)" in text and "10-28 points too low at the end of October" in text
    for day, figures in PROJECTION_BACKTEST.items():
        median, _, _, baseline, _, coverage = table[day][1:7]
        assert (figures["median"], figures["baseline_median"], figures["coverage"]) == (
            float(median),
            float(baseline),
            int(coverage.rstrip("%")),
        ), day
        assert (
            f"from {day} {median} points (straight-line pace {baseline}; actual inside the band for "
            f"{coverage} of provinces)" in text
        )
