"""The weekly page's files are the week on screen; its lists say whose figures; an administrator
freezes the week from the dashboard (issue 15, item 5).

Before: after choosing 13 Sep against 30 Aug the Excel and PDF were for the sidebar's date (30 Sep),
and in snapshot mode the page showed the frozen 73.44% while its files recomputed 76.51% from live
data. Now `exports.tables.build_export(filters, snapshot_id, compared_with)` builds the files of
the chosen week, from its frozen snapshot (snapshot mode) or today's data as of its date (live
mode), with the comparison; `budget_metrics.snapshots.list_snapshots(filters=...)` gives the list's
figures for the sidebar's area; `etl.snapshot.freeze_week` freezes this week for an administrator
through the same code path and writer lock as `python -m etl snapshot`.

The database is a demo copy with snapshots of 30 Aug, 6 Sep and 13 Sep 2019, then a correcting
file loaded afterwards (payments before 30 Aug and 13 Sep), so the live figures of those dates no
longer equal the frozen ones. Expected figures: plain SQL over `snapshot_projects` (frozen) and
over the raw tables (live); files opened back with openpyxl, the csv module and pypdf.
"""

from __future__ import annotations

import csv
import io
import os
import shutil
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

import duckdb
import openpyxl
import pypdf
import pytest

from budget_metrics import Filters

AUG_30, SEP_06, SEP_13 = date(2019, 8, 30), date(2019, 9, 6), date(2019, 9, 13)
KALASIN = "46"
CORRECTION = Decimal("5000000.00")  # a late file adds this to payments made before both weeks


@pytest.fixture(scope="module")
def weekly_db(demo_db, tmp_path_factory):
    """A demo copy with three weekly snapshots, then history corrected by a later file; the read
    side points at it for the module."""
    from etl.load import load_files
    from etl.snapshot import take_snapshot

    folder = tmp_path_factory.mktemp("weekly_files")
    copy = folder / "budget.duckdb"
    shutil.copyfile(demo_db, copy)
    for day in (AUG_30, SEP_06, SEP_13):
        take_snapshot(2562, day, db_path=copy)
    con = duckdb.connect(str(copy), read_only=True)
    try:  # a Kalasin project with money left to pay on 30 Aug
        code = con.execute(
            """SELECT min(p.project_code) FROM projects p WHERE p.owner_type = 'province' AND p.owner = ?
               AND p.allocated_amount > ? + coalesce((SELECT sum(amount) FROM disbursements d
                   WHERE d.project_code = p.project_code AND d.posting_date <= ?), 0)""",
            [KALASIN, CORRECTION, AUG_30],
        ).fetchone()[0]
    finally:
        con.close()
    correction = folder / "disbursements_correction.csv"
    correction.write_text(
        f"doc_no,project_code,posting_date,amount,source\nCORR-15,{code},2019-08-20,{CORRECTION},current\n",
        encoding="utf-8",
    )
    [loaded] = load_files([correction], db_path=copy)
    assert loaded.status == "loaded", loaded.message
    before = os.environ.get("BUDGET_DB")
    os.environ["BUDGET_DB"] = str(copy)
    yield copy
    if before is None:
        os.environ.pop("BUDGET_DB", None)
    else:
        os.environ["BUDGET_DB"] = before


def _sql(db, sql: str, params) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, params).fetchall()
    finally:
        con.close()


def _frozen(db, day: date, province: str | None = None) -> dict:
    """The current snapshot of a date, from its stored rows: id, projects, allocation, paid,
    investment allocation and paid (baht), flagged project codes."""
    area = "AND s.province_code = $p" if province else ""
    [(snapshot_id, projects, allocation, paid, inv_allocation, inv_paid, flagged)] = _sql(
        db,
        f"""
        SELECT h.snapshot_id, count(*), sum(s.current_allocation), sum(s.disbursed),
               sum(s.current_allocation) FILTER (WHERE s.budget_type = 'investment'),
               sum(s.disbursed) FILTER (WHERE s.budget_type = 'investment'),
               list(s.project_code) FILTER (WHERE s.flag_codes <> '')
        FROM snapshots h JOIN snapshot_projects s USING (snapshot_id)
        WHERE h.as_of = $d AND h.status = 'current' {area} GROUP BY 1""",
        {"d": day, **({"p": province} if province else {})},
    )
    return {
        "id": snapshot_id,
        "projects": projects,
        "allocation": Decimal(allocation),
        "paid": Decimal(paid),
        "inv_allocation": Decimal(inv_allocation),
        "inv_paid": Decimal(inv_paid),
        "flagged": set(flagged or []),
    }


def _live(db, day: date) -> dict:
    """Every FY2562 project's allocation and current-year payments as of a date, summed (baht)."""
    [(allocation, paid, inv_allocation, inv_paid)] = _sql(
        db,
        """
        WITH p AS (
          SELECT p.budget_type,
                 p.allocated_amount
                 + coalesce((SELECT sum(amount) FROM reallocations r WHERE r.to_project_code = p.project_code
                             AND r.approved_date <= $d), 0)
                 - coalesce((SELECT sum(amount) FROM reallocations r WHERE r.from_project_code = p.project_code
                             AND r.approved_date <= $d), 0) AS cur,
                 coalesce((SELECT sum(amount) FROM disbursements x WHERE x.project_code = p.project_code
                           AND x.source = 'current' AND x.posting_date <= $d), 0) AS paid
          FROM projects p WHERE p.fiscal_year = 2562)
        SELECT sum(cur), sum(paid), sum(cur) FILTER (WHERE budget_type = 'investment'),
               sum(paid) FILTER (WHERE budget_type = 'investment') FROM p""",
        {"d": day},
    )
    return {
        "allocation": Decimal(allocation),
        "paid": Decimal(paid),
        "inv_allocation": Decimal(inv_allocation),
        "inv_paid": Decimal(inv_paid),
    }


def _pct(paid: Decimal, allocation: Decimal) -> float:
    return float(paid / allocation * 100)


def _sheet_rows(sheet) -> list[dict]:
    header = int(sheet.print_title_rows.replace("$", "").split(":")[0])
    names = [cell.value for cell in sheet[header]]
    return [dict(zip(names, row, strict=True)) for row in sheet.iter_rows(min_row=header + 1, values_only=True)]


def _write(bundle, folder: Path, formats: tuple[str, ...] = ("xlsx", "pdf", "csv")) -> dict[str, list[Path]]:
    """The bundle written in `formats` (a test writes only the files it opens)."""
    from exports.export import write_bundle

    return {fmt: write_bundle(bundle, fmt, folder / fmt) for fmt in formats}


# ---------------------------------------------------------------- the files of the chosen week
def test_files_of_a_frozen_week_are_its_frozen_figures_compared_with_the_chosen_week(weekly_db, tmp_path):
    from exports.export import build_bundle, download_name

    now, before = _frozen(weekly_db, SEP_13), _frozen(weekly_db, AUG_30)
    live = _live(weekly_db, SEP_13)
    assert live["paid"] == now["paid"] + CORRECTION  # later files changed history: live differs
    # the sidebar says 30 Sep; the week chosen on the page is 13 Sep, compared with 30 Aug
    bundle = build_bundle(Filters(as_of=date(2019, 9, 30)), snapshot_id=now["id"], compared_with=AUG_30)
    files = _write(bundle, tmp_path)
    [book_path], [pdf_path] = files["xlsx"], files["pdf"]
    assert book_path.name == "budget-2562-asof-2019-09-13-vs-2019-08-30-snapshot.xlsx"
    assert book_path.name == download_name(Filters(as_of=SEP_13), "xlsx", frozen=True, compared_with=AUG_30)
    assert pdf_path.name == "budget-2562-asof-2019-09-13-vs-2019-08-30-snapshot.pdf"
    book = openpyxl.load_workbook(book_path)
    total = _sheet_rows(book["สรุป"])[0]
    assert total["พื้นที่ / งบรายจ่าย"] == "รวมทั้งประเทศ" and book["สรุป"]["A3"].value == "ข้อมูล ณ วันที่ 13 ก.ย. 2562"
    assert Decimal(str(total["เบิกจ่ายแล้ว บาท"])) == now["paid"]  # the frozen figure, not the live one
    assert total["ภาพรวม: ร้อยละการเบิกจ่าย"] == pytest.approx(round(_pct(now["paid"], now["allocation"]) / 100, 4))
    projects = _sheet_rows(book["โครงการ"])
    assert len(projects) == now["projects"]
    assert sum(Decimal(str(row["เบิกจ่ายแล้ว บาท"])) for row in projects) == now["paid"]
    assert {row["รหัสโครงการ"] for row in _sheet_rows(book["โครงการล่าช้า"])} == now["flagged"]
    # the comparison sheet: each line then and now, frozen on both sides
    changes = {row["Line"]: row for row in _sheet_rows(book["เทียบสัปดาห์"])}
    assert list(changes) == ["Overall", "Investment"]
    for line, paid, allocation in (("Overall", "paid", "allocation"), ("Investment", "inv_paid", "inv_allocation")):
        row = changes[line]
        pct_now, pct_before = _pct(now[paid], now[allocation]), _pct(before[paid], before[allocation])
        assert row["ร้อยละเบิกจ่าย ณ 13 ก.ย. 2562"] == pytest.approx(round(pct_now / 100, 4))
        assert row["ร้อยละเบิกจ่าย ณ 30 ส.ค. 2562"] == pytest.approx(round(pct_before / 100, 4))
        assert row["เปลี่ยน (จุด)"] == pytest.approx(round(pct_now - pct_before, 2))
        assert Decimal(str(row["เบิกจ่ายเพิ่ม บาท"])) == now[paid] - before[paid]
        assert (row["โครงการล่าช้า ณ 13 ก.ย. 2562"], row["โครงการล่าช้า ณ 30 ส.ค. 2562"]) == (
            len(now["flagged"]),
            len(before["flagged"]),
        )
        assert (row["เริ่มล่าช้า"], row["พ้นสถานะล่าช้า"]) == (
            len(now["flagged"] - before["flagged"]),
            len(before["flagged"] - now["flagged"]),
        )
    assert {row["รหัสโครงการ"] for row in _sheet_rows(book["เริ่มล่าช้า"])} == now["flagged"] - before["flagged"]
    assert {row["รหัสโครงการ"] for row in _sheet_rows(book["พ้นสถานะล่าช้า"])} == before["flagged"] - now["flagged"]
    about = "\n".join(str(row["ค่า"]) for row in _sheet_rows(book["เกี่ยวกับ"]))
    assert f"หมายเลข {now['id']}" in about and "2019-08-30" in about
    # the CSV files say the same (English keys)
    changes_csv = next(path for path in files["csv"] if path.name.endswith("-week_changes.csv"))
    rows = list(csv.DictReader(io.StringIO(changes_csv.read_bytes().decode("utf-8-sig"))))
    assert float(rows[0]["pct"]) == pytest.approx(_pct(now["paid"], now["allocation"]), abs=1e-4)
    assert float(rows[0]["pct_before"]) == pytest.approx(_pct(before["paid"], before["allocation"]), abs=1e-4)
    summary_csv = next(path for path in files["csv"] if path.name.endswith("-summary.csv"))
    assert (
        Decimal(next(csv.DictReader(io.StringIO(summary_csv.read_bytes().decode("utf-8-sig"))))["disbursed"])
        == now["paid"]
    )
    # the PDF brief: the frozen rate, the week compared, the snapshot named
    text = "".join(page.extract_text() for page in pypdf.PdfReader(pdf_path).pages).replace("\n", "")
    assert f"{_pct(now['paid'], now['allocation']):.2f}%" in text
    assert f"{_pct(live['paid'], live['allocation']):.2f}%" not in text
    assert "เทียบกับ 30 ส.ค. 2562" in text and f"หมายเลข {now['id']}" in text


def test_live_files_of_the_chosen_week_are_todays_data_as_of_its_date(weekly_db, tmp_path):
    from exports.export import build_bundle

    live_now, live_before = _live(weekly_db, SEP_13), _live(weekly_db, AUG_30)
    bundle = build_bundle(Filters(as_of=SEP_13), compared_with=AUG_30)
    [book_path] = _write(bundle, tmp_path, ("xlsx",))["xlsx"]
    assert book_path.name == "budget-2562-asof-2019-09-13-vs-2019-08-30.xlsx"
    book = openpyxl.load_workbook(book_path)
    assert Decimal(str(_sheet_rows(book["สรุป"])[0]["เบิกจ่ายแล้ว บาท"])) == live_now["paid"]
    overall = _sheet_rows(book["เทียบสัปดาห์"])[0]
    assert overall["ร้อยละเบิกจ่าย ณ 30 ส.ค. 2562"] == pytest.approx(
        round(_pct(live_before["paid"], live_before["allocation"]) / 100, 4)
    )
    assert Decimal(str(overall["เบิกจ่ายเพิ่ม บาท"])) == live_now["paid"] - live_before["paid"]


def test_an_area_file_of_a_frozen_week(weekly_db, tmp_path):
    from exports.export import build_bundle

    now = _frozen(weekly_db, SEP_13, KALASIN)
    bundle = build_bundle(Filters(province=KALASIN), snapshot_id=_frozen(weekly_db, SEP_13)["id"], compared_with=SEP_06)
    [book_path] = _write(bundle, tmp_path, ("xlsx",))["xlsx"]
    assert book_path.name == "budget-2562-asof-2019-09-13-province-46-vs-2019-09-06-snapshot.xlsx"
    total = _sheet_rows(openpyxl.load_workbook(book_path)["สรุป"])[0]
    assert Decimal(str(total["เบิกจ่ายแล้ว บาท"])) == now["paid"] and total["จำนวนโครงการ"] == now["projects"]


# ---------------------------------------------------------------- the page's lists say whose figures
def test_the_snapshot_list_holds_the_chosen_areas_figures(weekly_db):
    from budget_metrics.snapshots import list_snapshots

    national = list_snapshots(2562).set_index("as_of")
    kalasin = list_snapshots(2562, filters=Filters(province=KALASIN)).set_index("as_of")
    for day in (AUG_30, SEP_06, SEP_13):
        everyone, mine = _frozen(weekly_db, day), _frozen(weekly_db, day, KALASIN)
        assert national.at[day, "projects"] == everyone["projects"]
        assert kalasin.at[day, "projects"] == mine["projects"] < everyone["projects"]
        assert kalasin.at[day, "disbursed"] == pytest.approx(float(mine["paid"]), abs=0.005)
        assert kalasin.at[day, "pct_disbursed"] == pytest.approx(_pct(mine["paid"], mine["allocation"]))


def test_the_weekly_page_says_whose_figures_each_list_holds(weekly_db):
    from streamlit.testing.v1 import AppTest

    root = Path(__file__).resolve().parents[1]
    app = AppTest.from_file(str(root / "dashboard.py"), default_timeout=180)
    ids = {day: _frozen(weekly_db, day)["id"] for day in (AUG_30, SEP_13)}
    for name, value in {
        "as_of": SEP_13.isoformat(),
        "mode": "snapshot",
        "province": KALASIN,
        "week": str(ids[SEP_13]),
        "vs": str(ids[AUG_30]),
    }.items():
        app.query_params[name] = value
    app.run()
    app.switch_page("pages/weekly.py").run()
    assert not app.exception and not app.error
    captions = [item.value for item in app.caption]
    assert "ตัวเลขในรายการ (ที่บันทึกไว้) — กาฬสินธุ์ (ตามตัวกรองด้านข้าง)" in captions
    assert "การเปรียบเทียบด้านล่าง (ตัวเลขที่บันทึกไว้) — กาฬสินธุ์ (ตามตัวกรองด้านข้าง)" in captions
    files = next(text for text in captions if text.startswith("ข้อมูล ณ วันที่"))
    assert files.startswith("ข้อมูล ณ วันที่ 13 ก.ย. 2562 เทียบกับ 30 ส.ค. 2562 · กาฬสินธุ์ · ตัวเลขที่บันทึกไว้ในภาพนิ่ง")
    mine = _frozen(weekly_db, SEP_13, KALASIN)
    listing = next(element.proto.body for element in app.html if 'data-card="snapshots"' in element.proto.body)
    assert f'data-figure="{mine["id"]}.projects">{mine["projects"]:,}<' in listing


# ---------------------------------------------------------------- freezing the week from the dashboard
@pytest.fixture()
def private_db(weekly_db, tmp_path, monkeypatch):
    copy = tmp_path / "budget.duckdb"
    shutil.copyfile(weekly_db, copy)
    monkeypatch.setenv("BUDGET_DB", str(copy))
    return copy


def test_an_administrator_freezes_this_week_as_etl_snapshot_does(private_db):
    from appstore import local_principal, viewer
    from appstore.errors import AccessDenied
    from etl.snapshot import SnapshotExists, freeze_week

    latest_friday = date(2019, 9, 27)  # the demo's data end on Mon 30 Sep 2019
    with pytest.raises(AccessDenied):
        freeze_week(viewer("someone@example.org"), 2562)
    assert _sql(private_db, "SELECT count(*) FROM snapshots WHERE as_of = ?", [latest_friday]) == [(0,)]
    result = freeze_week(local_principal(), 2562)
    assert (result.as_of, result.replaced_snapshot_id) == (latest_friday, None)
    frozen, live = _frozen(private_db, latest_friday), _live(private_db, latest_friday)
    assert frozen["id"] == result.snapshot_id and frozen["projects"] == result.projects
    assert (frozen["paid"], frozen["allocation"]) == (live["paid"], live["allocation"])
    with pytest.raises(SnapshotExists):
        freeze_week(local_principal(), 2562)
    again = freeze_week(local_principal(), 2562, replace=True)
    assert again.replaced_snapshot_id == result.snapshot_id
    assert _sql(private_db, "SELECT status FROM snapshots WHERE snapshot_id = ?", [result.snapshot_id]) == [
        ("replaced",)
    ]


def test_freezing_is_refused_while_another_writer_holds_the_lock(private_db):
    from appstore import local_principal
    from etl.snapshot import freeze_week
    from etl.store import LockTimeout, writer_lock

    lock = writer_lock(private_db)
    lock.acquire()
    try:
        started = time.monotonic()
        with pytest.raises(LockTimeout):
            freeze_week(local_principal(), 2562)
        assert time.monotonic() - started < 30  # the dashboard does not wait BUDGET_LOCK_TIMEOUT (300 s)
    finally:
        lock.release()
    assert _sql(private_db, "SELECT count(*) FROM snapshots WHERE as_of = ?", [date(2019, 9, 27)]) == [(0,)]
