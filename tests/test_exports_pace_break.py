"""The pace-break warning in the exports (issue 17): the provinces and clusters sheets and CSV files carry
the day each area's pace fell, and the PDF brief says it after the province's name in its list of
provinces needing intervention. The areas expected are those the rule flags when recomputed here from
plain SQL (tests/pace_break_sql.py), on the demo on Friday 16 Aug 2019."""

from __future__ import annotations

import csv
from datetime import datetime

import openpyxl
import pypdf
import pytest

from budget_metrics import Filters
from budget_metrics.formatting import format_date
from exports.export import export_files
from tests.etl_fixtures import query
from tests.pace_break_sql import AS_OF, expected_flags
from tests.pdf_support import plain

HEADER = "ภาพรวม: อัตราการเบิกจ่ายลดลงตั้งแต่ (วันที่)"


@pytest.fixture(scope="module")
def files(demo_db, tmp_path_factory):
    out = tmp_path_factory.mktemp("pace_exports")
    paths = {}
    for fmt in ("xlsx", "pdf", "csv"):
        paths[fmt] = export_files(Filters(as_of=AS_OF), fmt, out / fmt)
    return paths


def _sheet_column(sheet, key_header: str, header: str) -> dict[str, object]:
    rows = list(sheet.iter_rows(values_only=True))
    at = next(i for i, row in enumerate(rows) if key_header in row)
    key, column = rows[at].index(key_header), rows[at].index(header)
    return {row[key]: row[column] for row in rows[at + 1 :] if row[key]}


def test_area_sheets_and_csv_carry_the_day_the_pace_fell(demo_db, files):
    provinces, clusters = expected_flags(demo_db, "province"), expected_flags(demo_db, "cluster")
    assert provinces  # the demo has a province to show on this date
    book = openpyxl.load_workbook(files["xlsx"][0])
    for sheet, key_header, expected in (("จังหวัด", "รหัสจังหวัด", provinces), ("กลุ่มจังหวัด", "รหัสกลุ่มจังหวัด", clusters)):
        column = _sheet_column(book[sheet], key_header, HEADER)
        assert len(column) == (76 if sheet == "จังหวัด" else 18)
        shown = {code: value.date() for code, value in column.items() if isinstance(value, datetime)}
        assert shown == expected, sheet
        assert all(value is None for code, value in column.items() if code not in expected)
    [provinces_csv] = [p for p in files["csv"] if p.name.endswith("-provinces.csv")]
    with open(provinces_csv, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert {row["code"]: row["pace_break_since"] for row in rows if row["pace_break_since"]} == {
        code: day.isoformat() for code, day in provinces.items()
    }


def test_brief_lists_the_broken_province_first_with_its_warning(demo_db, files):
    provinces = expected_flags(demo_db, "province")
    names = dict(query(demo_db, "SELECT province_code, name_th FROM provinces"))
    text = plain("\n".join(page.extract_text() for page in pypdf.PdfReader(files["pdf"][0]).pages))
    table = text.split(plain("โครงการที่เป็นสาเหตุหลัก"), 1)[1]
    for code, since in provinces.items():
        warning = plain(f"{names[code]} — อัตราการเบิกจ่ายลดลงตั้งแต่ {format_date(since)}")
        assert warning in table, code
    # a broken province heads the list (they come first, then the others by baht at risk)
    assert any(table.startswith(plain(names[code])) for code in provinces), table[:80]
