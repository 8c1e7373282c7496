"""Same day last year in the weekly files (issue 18): the workbook's "เทียบปีก่อน" sheet and the PDF
brief's line cards, opened back and checked against plain SQL over the three-year demo store
with targets by hand (tests/year_on_year_sql.py); a store of one year has no such sheet."""

from __future__ import annotations

from datetime import date

import openpyxl
import pytest

from budget_metrics import Filters
from exports.export import build_bundle, export_files, write_bundle
from tests.pdf_support import pdf_text, plain
from tests.year_on_year_sql import hand_target, sql_rates

AS_OF, LAST_YEAR_DAY = date(2020, 3, 27), date(2019, 3, 27)
LINE_TH = {"overall": "ภาพรวม", "investment": "งบลงทุน"}


@pytest.fixture(scope="module")
def files(demo_years_db, tmp_path_factory):
    """The national workbook and brief of FY2563 as of 27 Mar 2020 from the three-year store."""
    import os

    before = os.environ.get("BUDGET_DB")
    os.environ["BUDGET_DB"] = str(demo_years_db)
    try:
        out = tmp_path_factory.mktemp("years_export")
        bundle = build_bundle(Filters(fiscal_year=2563, as_of=AS_OF))  # once for both (what export_files does)
        [book] = write_bundle(bundle, "xlsx", out)
        [brief] = write_bundle(bundle, "pdf", out)
    finally:
        if before is None:
            os.environ.pop("BUDGET_DB", None)
        else:
            os.environ["BUDGET_DB"] = before
    return book, brief, demo_years_db


# The workbook writes a percent as a fraction to 4 places (0.00% format) and points to 2 places.
HALF_HUNDREDTH = 0.005 + 1e-9


def _pct(cell) -> float:
    return cell * 100


def _sheet_rows(path) -> list[dict]:
    sheet = openpyxl.load_workbook(path, read_only=True)["เทียบปีก่อน"]
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    header = next(i for i, row in enumerate(rows) if row and row[0] == "ระดับ")
    names = rows[header]
    return [dict(zip(names, row, strict=False)) for row in rows[header + 1 :] if row and row[0]]


def test_the_workbook_sheet_against_plain_sql(files):
    book, _, db = files
    rows = _sheet_rows(book)
    now_nation = sql_rates(db, 2563, AS_OF)[None]
    then_nation = sql_rates(db, 2562, LAST_YEAR_DAY)[None]
    now = sql_rates(db, 2563, AS_OF, "province")
    then = sql_rates(db, 2562, LAST_YEAR_DAY, "province")
    totals = [row for row in rows if row["ระดับ"] == "รวม"]
    assert [row["เส้น"] for row in totals] == ["ภาพรวม", "งบลงทุน"]
    for row, line in zip(totals, ("overall", "investment"), strict=True):
        assert _pct(row["ร้อยละการเบิกจ่าย"]) == pytest.approx(now_nation[line], abs=HALF_HUNDREDTH)
        assert _pct(row["ปีก่อน ณ วันเดียวกัน: ร้อยละการเบิกจ่าย"]) == pytest.approx(then_nation[line], abs=HALF_HUNDREDTH)
        assert _pct(row["ปีก่อน ณ วันเดียวกัน: เป้าหมาย (ร้อยละ)"]) == pytest.approx(
            hand_target(2562, line, LAST_YEAR_DAY), abs=HALF_HUNDREDTH
        )
        assert row["เทียบปีก่อน (จุด)"] == pytest.approx(now_nation[line] - then_nation[line], abs=HALF_HUNDREDTH)
        assert row["ปีก่อน ณ วันที่"].date() == LAST_YEAR_DAY
    provinces = [row for row in rows if row["ระดับ"] == "จังหวัด"]
    assert len(provinces) == 2 * len(now)  # both lines of every province with projects
    for row in provinces:
        line = "overall" if row["เส้น"] == LINE_TH["overall"] else "investment"
        code = row["รหัส"]
        if now[code][line] is None or then[code][line] is None:  # no investment project in one of the years
            assert row["เทียบปีก่อน (จุด)"] is None
            continue
        assert _pct(row["ร้อยละการเบิกจ่าย"]) == pytest.approx(now[code][line], abs=HALF_HUNDREDTH)
        assert _pct(row["ปีก่อน ณ วันเดียวกัน: ร้อยละการเบิกจ่าย"]) == pytest.approx(then[code][line], abs=HALF_HUNDREDTH)
        assert row["เทียบปีก่อน (จุด)"] == pytest.approx(now[code][line] - then[code][line], abs=HALF_HUNDREDTH)


def test_the_brief_shows_the_same_day_last_year(files):
    _, brief, db = files
    text = pdf_text(brief)
    now = sql_rates(db, 2563, AS_OF)[None]
    then = sql_rates(db, 2562, LAST_YEAR_DAY)[None]
    for line in ("overall", "investment"):
        expected = (
            f"ปีก่อน ณ วันเดียวกัน (27 มี.ค. 2562) {then[line]:,.2f}% "
            f"(เป้าหมาย {hand_target(2562, line, LAST_YEAR_DAY):,.2f}%) · "
            f"เทียบปีก่อน {now[line] - then[line]:+,.2f} จุด"
        )
        assert plain(expected) in text


def test_a_store_of_one_year_has_no_last_year_sheet(demo_db, tmp_path):
    [book] = export_files(Filters(as_of=date(2019, 9, 13)), "xlsx", tmp_path)
    assert "เทียบปีก่อน" not in openpyxl.load_workbook(book, read_only=True).sheetnames


def test_a_year_without_targets_says_so_in_every_file(demo_years_db, tmp_path, monkeypatch):
    """FY2561 has no rows in targets.csv: the workbook's province sheet, the CSV tables and the PDF brief
    call every province with money 'ไม่มีเป้าหมาย' (as many as plain SQL finds), never 'ไม่มีข้อมูล' nor a
    judgement, and the brief says there is nothing to judge instead of listing the areas furthest behind."""
    import csv

    monkeypatch.setenv("BUDGET_DB", str(demo_years_db))
    day = date(2018, 9, 28)  # FY2561's last Friday with data
    filters = Filters(fiscal_year=2561, as_of=day)
    bundle = build_bundle(filters)  # built once, written in each format (what export_files does per format)
    [book] = write_bundle(bundle, "xlsx", tmp_path)
    [brief] = write_bundle(bundle, "pdf", tmp_path)
    tables = {path.stem.rsplit("-", 1)[-1]: path for path in write_bundle(bundle, "csv", tmp_path)}
    rates = sql_rates(demo_years_db, 2561, day, "province")
    with_money = {line: {code for code, rate in rates.items() if rate[line] is not None} for line in LINE_TH}
    assert with_money["overall"]
    judged = ("ถึงเป้าหมาย", "ใกล้เป้าหมาย", "เฝ้าระวัง", "ต่ำกว่าเป้าหมาย", "ไม่มีข้อมูล")

    rows = [list(row) for row in openpyxl.load_workbook(book, read_only=True)["จังหวัด"].iter_rows(values_only=True)]
    header = next(i for i, row in enumerate(rows) if row and row[0] == "รหัสจังหวัด")
    names = rows[header]
    provinces = [dict(zip(names, row, strict=False)) for row in rows[header + 1 :] if row and row[0]]
    notes = [str(row[0]) for row in rows[:header] if row and row[0]]
    # the rules under the title: no target instead of "target -%" and the four judgements
    [rules] = [note for note in notes if note.startswith("ไม่มีเป้าหมายของ ครม. สำหรับปีงบประมาณ 2561")]
    assert "ไม่มีเป้าหมาย (" in rules and not any(word in rules for word in judged)
    assert not any("ร้อยละ -" in note or note.startswith("สองเส้นตามแบบกรมบัญชีกลาง") for note in notes)
    for line, thai in LINE_TH.items():
        status = {row["รหัสจังหวัด"]: row[f"{thai}: สถานะ"] for row in provinces}
        assert {code for code, word in status.items() if word == "ไม่มีเป้าหมาย"} == with_money[line]
        assert not any(word in judged[:-1] for word in status.values())
        assert {code for code, word in status.items() if word == "ไม่มีข้อมูล"} == set(rates) - with_money[line]

    with open(tables["provinces"], encoding="utf-8-sig") as handle:
        csv_rows = list(csv.DictReader(handle))
    for line in LINE_TH:
        assert {row["code"] for row in csv_rows if row[f"{line}_status_th"] == "ไม่มีเป้าหมาย"} == with_money[line]
        assert not any(row[f"{line}_status_th"] in judged[:-1] for row in csv_rows)

    text = pdf_text(brief)
    assert plain("ไม่มีเป้าหมายของ ครม. สำหรับปีงบประมาณ 2561 จึงไม่มีการประเมินพื้นที่หรือโครงการใดเทียบเป้าหมาย") in text
    assert plain("จังหวัดที่ห่างจากเป้าหมาย") not in text and plain("เป้าหมาย -%") not in text
    assert not any(plain(word) in text for word in judged[:-2])  # no area on, near or watching a target
