"""The FY2562 demo generator: files read back independently (csv/openpyxl, not the ETL).

Every expected value here is recomputed from the written files with plain Python, then
compared with the totals the generator reports about itself.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from etl import demo_data
from etl.demo.generator import generate
from etl.demo.years import FY2562
from tests.demo_file_parsers import parse_date, parse_money, read_csv, read_xlsx

REFERENCE = Path(__file__).resolve().parents[1] / "data" / "reference"
NATIONAL = (6.6, 11.3, 19.4, 27.2, 34.8, 45.3, 52.0, 60.5, 69.3, 77.0, 85.5, 100.0)


# ----------------------------------------------------------------- independent parsing
# (the demo's files themselves: tests/demo_file_parsers.py)


def reference_rows(name: str) -> list[dict[str, str]]:
    with open(REFERENCE / name, encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


# ----------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def generated(demo_db):
    """(folder, the generator's totals, None): the files `demo_data.write_demo_files(seed=2562)` wrote for
    the session's `demo_db` (tests/conftest.py: `<its folder>/files`, the totals in `totals.repr`), which
    that fixture loaded; tests only read them. (The third item was the seconds generating took; how
    long that takes is measured in bench/bench_demo.py.)"""
    totals = eval((demo_db.parent / "totals.repr").read_text(), {"__builtins__": {}, "Decimal": Decimal})  # noqa: S307
    return demo_db.parent / "files", totals, None


@pytest.fixture(scope="module")
def projects(generated):
    out_dir, _, _ = generated
    header, rows = read_xlsx(out_dir / demo_data.F_PROJECTS, "รหัสโครงการ")
    return [dict(zip(header, row)) for row in rows]


@pytest.fixture(scope="module")
def disbursements(generated, projects):
    """All disbursement documents as dicts, the bad ones flagged, and the total rows seen."""
    out_dir, _, _ = generated
    known_projects = {row["รหัสโครงการ"] for row in projects}
    documents, total_rows = [], []
    for name in (
        demo_data.F_DISB_Q1,
        demo_data.F_DISB_Q2,
        demo_data.F_DISB_Q3,
        demo_data.F_DISB_Q4,
        demo_data.F_DISB_CARRY,
        demo_data.F_DISB_CORR,
    ):
        path = out_dir / name
        if name.endswith(".xlsx"):
            header, rows = read_xlsx(path, "เลขที่เอกสาร")
        else:
            table = read_csv(path, "cp874" if "tis620" in name else "utf-8-sig")
            header, rows = table[0], table[1:]
        seen_in_file: set[str] = set()
        for row in rows:
            record = dict(zip(header, row))
            if str(record["เลขที่เอกสาร"]).startswith("รวม"):
                total_rows.append((name, record, len(documents)))
                continue
            day, amount = parse_date(record["วันที่ผ่านรายการ"]), parse_money(record["จำนวนเงิน"])
            bad = (
                day is None
                or amount is None
                or record["รหัสโครงการ"] not in known_projects
                or record["เลขที่เอกสาร"] in seen_in_file
            )
            seen_in_file.add(record["เลขที่เอกสาร"])
            documents.append(
                {
                    "file": name,
                    "doc_no": record["เลขที่เอกสาร"],
                    "project": record["รหัสโครงการ"],
                    "day": day,
                    "amount": amount,
                    "source": record["แหล่งเงิน"],
                    "bad": bad,
                }
            )
    return documents, total_rows


# ----------------------------------------------------------------- tests


def test_same_seed_same_bytes(generated, tmp_path):
    out_dir, totals, _seconds = generated
    again = demo_data.write_demo_files(tmp_path / "again", seed=2562)
    assert again == totals
    for name in totals["files"]:
        assert (out_dir / name).read_bytes() == (tmp_path / "again" / name).read_bytes(), name
    # (how long generating takes is measured in bench/bench_demo.py, not asserted: machines are shared)
    # another seed, other data: seed 7's records (allocations in satang) summed, no files needed for that
    other = generate(7, None, FY2562).projects
    assert Decimal(sum(project.allocated for project in other)) / 100 != totals["allocated_total"]


def test_old_files_are_replaced(tmp_path):
    (tmp_path / demo_data.F_CARRYOVERS).write_text("stale")
    demo_data.write_demo_files(tmp_path, seed=1)
    assert (tmp_path / demo_data.F_CARRYOVERS).read_text(encoding="utf-8-sig").startswith("รหัสโครงการ")


def test_file_set_is_modest_and_mixed(generated):
    out_dir, totals, _ = generated
    names = sorted(path.name for path in out_dir.iterdir())
    assert names == sorted(totals["files"])
    assert 8 <= len(names) <= 12
    assert sum(name.endswith(".xlsx") for name in names) >= 2


def test_scale_and_allocation_total_from_xlsx_cells(generated, projects):
    _, totals, _ = generated
    assert 3000 <= len(projects) <= 6000
    assert totals["projects"] == len(projects)
    assert len({row["รหัสโครงการ"] for row in projects}) == len(projects)
    allocated = sum(parse_money(row["งบประมาณที่ได้รับจัดสรร"]) for row in projects)
    assert allocated == totals["allocated_total"]
    assert Decimal("25e9") <= allocated <= Decimal("30e9")
    assert all(row["ปีงบประมาณ"] == 2562 for row in projects)
    kinds = defaultdict(int)
    for row in projects:
        kinds[row["ประเภทงบรายจ่าย"]] += 1
    assert kinds["งบลงทุน"] > kinds["งบดำเนินงาน"] > 0 and kinds["งบรายจ่ายอื่น"] > 0


def _owner_code(text: str, provinces, clusters) -> str | None:
    text = str(text).strip()
    for row in clusters:
        if text in (row["cluster_code"], row["name_th"]):
            return row["cluster_code"]
    for prefix in ("จังหวัด", "จ."):
        text = text.removeprefix(prefix)
    for row in provinces:
        if text in (row["province_code"], row["name_th"]):
            return row["province_code"]
    return None


def test_every_province_and_cluster_has_projects_of_realistic_size(projects):
    provinces, clusters = reference_rows("provinces.csv"), reference_rows("clusters.csv")
    allocated: dict[str, Decimal] = defaultdict(Decimal)
    count: dict[str, int] = defaultdict(int)
    for row in projects:
        owner = _owner_code(row["จังหวัด/กลุ่มจังหวัด"], provinces, clusters)
        assert owner is not None, row["จังหวัด/กลุ่มจังหวัด"]
        assert row["รหัสโครงการ"].startswith(f"62-{owner}-")
        allocated[owner] += parse_money(row["งบประมาณที่ได้รับจัดสรร"])
        count[owner] += 1
    assert {r["province_code"] for r in provinces} <= set(allocated)
    assert {r["cluster_code"] for r in clusters} <= set(allocated)
    for row in provinces:
        assert Decimal("90e6") <= allocated[row["province_code"]] <= Decimal("460e6")
        assert 20 <= count[row["province_code"]] <= 100
    for row in clusters:
        assert Decimal("180e6") <= allocated[row["cluster_code"]] <= Decimal("620e6")
        assert 3 <= count[row["cluster_code"]] <= 25
    written = {row["จังหวัด/กลุ่มจังหวัด"] for row in projects}
    assert any(text.startswith("จ.") for text in written)
    assert any(text.startswith("จังหวัด") for text in written)
    assert any(text.startswith("กลุ่มจังหวัด") for text in written)


def test_tis620_file_is_cp874_not_utf8(generated):
    out_dir, _, _ = generated
    raw = (out_dir / demo_data.F_DISB_Q2).read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    assert raw.decode("cp874").startswith("เลขที่เอกสาร")


def test_disbursement_totals_and_deliberate_rejects(generated, disbursements):
    _, totals, _ = generated
    documents, total_rows = disbursements
    good = [d for d in documents if not d["bad"]]
    bad = [d for d in documents if d["bad"]]
    assert len(bad) == totals["deliberate_rejects"]
    assert 5 <= len(bad) <= 10
    assert {d["file"] for d in bad} == {demo_data.F_DISB_CORR}
    assert len(good) == totals["disbursement_docs"]
    assert len({d["doc_no"] for d in good}) == len(good)
    by_source: dict[str, Decimal] = defaultdict(Decimal)
    for d in good:
        by_source[d["source"]] += d["amount"]
    assert by_source["งบประมาณปีปัจจุบัน"] == totals["disbursed_current_total"]
    assert by_source["เงินกันเหลื่อมปี"] == totals["disbursed_carryover_total"]
    share = by_source["งบประมาณปีปัจจุบัน"] / totals["allocated_total"]
    assert Decimal("0.85") <= share <= Decimal("0.93")
    # Each trailing total row equals the sum of its file's documents.
    assert len(total_rows) >= 1
    for name, record, _ in total_rows:
        in_file = sum(d["amount"] for d in documents if d["file"] == name)
        assert parse_money(record["จำนวนเงิน"]) == in_file


def test_dates_windows_and_weekly_rhythm(disbursements):
    documents, _ = disbursements
    good = [d for d in documents if not d["bad"]]
    current = [d for d in good if d["source"] == "งบประมาณปีปัจจุบัน"]
    assert all(date(2018, 10, 1) <= d["day"] <= date(2019, 9, 30) for d in current)
    carry = [d for d in good if d["source"] == "เงินกันเหลื่อมปี"]
    assert carry and all(date(2019, 10, 1) <= d["day"] <= date(2020, 3, 31) for d in carry)
    assert all(d["day"].weekday() < 5 for d in good)
    fridays = sum(d["day"].weekday() == 4 for d in current)
    mondays = sum(d["day"].weekday() == 0 for d in current)
    assert fridays > 2 * mondays


def test_cumulative_shape_follows_national_curve(disbursements):
    documents, _ = disbursements
    current = [d for d in documents if not d["bad"] and d["source"] == "งบประมาณปีปัจจุบัน"]
    total = sum(d["amount"] for d in current)
    by_month = [Decimal(0)] * 12
    for d in current:
        by_month[(d["day"].year - 2018) * 12 + d["day"].month - 10] += d["amount"]
    running = Decimal(0)
    for month, wanted in enumerate(NATIONAL):
        running += by_month[month]
        assert abs(float(100 * running / total) - wanted) < 3.0, (month, float(100 * running / total))


def _current_allocations(generated, projects) -> dict[str, Decimal]:
    out_dir, _, _ = generated
    current = {row["รหัสโครงการ"]: parse_money(row["งบประมาณที่ได้รับจัดสรร"]) for row in projects}
    header, rows = read_xlsx(out_dir / demo_data.F_REALLOCATIONS, "เลขที่อนุมัติ")
    for row in rows:
        record = dict(zip(header, row))
        amount = parse_money(record["จำนวนเงิน"])
        if record["โอนจากโครงการ"]:
            current[record["โอนจากโครงการ"]] -= amount
        if record["โอนไปโครงการ"]:
            current[record["โอนไปโครงการ"]] += amount
    return current


def test_money_rules_hold_per_project(generated, projects, disbursements):
    documents, _ = disbursements
    current = _current_allocations(generated, projects)
    contract = {row["รหัสโครงการ"]: parse_money(row["วงเงินตามสัญญา"] or 0) for row in projects}
    running: dict[str, Decimal] = defaultdict(Decimal)
    good = sorted((d for d in documents if not d["bad"]), key=lambda d: (d["day"], d["amount"] < 0))
    reversals = 0
    for d in good:
        running[d["project"]] += d["amount"]
        assert running[d["project"]] >= 0, d
        reversals += d["amount"] < 0
    assert 1 <= reversals <= 100
    for code, paid in running.items():
        assert paid <= current[code], code
    # A reallocation never moves more than the source's free balance, even on final totals.
    out_dir, totals, _ = generated
    header, rows = read_xlsx(out_dir / demo_data.F_REALLOCATIONS, "เลขที่อนุมัติ")
    records = [dict(zip(header, row)) for row in rows]
    assert len(records) == totals["reallocations"]
    assert sum(parse_money(r["จำนวนเงิน"]) for r in records) == totals["reallocation_total"]
    assert {r["ประเภทการโอน"] for r in records} == {"เงินเหลือจ่าย", "โอนเปลี่ยนแปลง", "ส่งคืน"}
    assert any(not r["โอนจากโครงการ"] for r in records) and any(not r["โอนไปโครงการ"] for r in records)
    for r in records:
        approved = parse_date(r["วันที่อนุมัติ"])
        assert date(2018, 10, 1) <= approved <= date(2019, 9, 30)
        source = r["โอนจากโครงการ"]
        if source:
            assert current[source] >= max(contract[source], running[source]), source
            assert not any(x["โอนไปโครงการ"] == source for x in records), source


def test_carryovers_and_their_payments(generated, projects, disbursements):
    out_dir, totals, _ = generated
    documents, _ = disbursements
    table = read_csv(out_dir / demo_data.F_CARRYOVERS)
    records = [dict(zip(table[0], row)) for row in table[1:]]
    assert len(records) == totals["carryovers"]
    carried = {r["รหัสโครงการ"]: parse_money(r["จำนวนเงินกันเหลื่อมปี"]) for r in records}
    assert sum(carried.values()) == totals["carryover_total"]
    assert {r["มีหนี้ผูกพัน"] for r in records} == {"มี", "ไม่มี"}
    current = _current_allocations(generated, projects)
    paid_current: dict[str, Decimal] = defaultdict(Decimal)
    paid_carry: dict[str, Decimal] = defaultdict(Decimal)
    for d in documents:
        if not d["bad"]:
            target = paid_current if d["source"] == "งบประมาณปีปัจจุบัน" else paid_carry
            target[d["project"]] += d["amount"]
    for r in records:
        code = r["รหัสโครงการ"]
        assert carried[code] <= current[code] - paid_current[code], code
        assert date(2019, 9, 1) <= parse_date(r["วันที่อนุมัติ"]) <= date(2019, 9, 30)
        assert parse_date(r["ขยายเวลาเบิกจ่ายถึง"]) >= date(2020, 3, 31)
    for code, paid in paid_carry.items():
        assert paid <= carried[code], code
    # Some carry-overs are barely paid: the at-risk list is not empty.
    assert any(paid_carry[code] < carried[code] / 2 for code in carried)


def test_asset_transfers_every_status(generated, disbursements):
    out_dir, totals, _ = generated
    documents, _ = disbursements
    table = read_csv(out_dir / demo_data.F_ASSETS, "utf-8")
    records = [dict(zip(table[0], row)) for row in table[1:]]
    assert len(records) == totals["assets"]
    assert len({r["รหัสสินทรัพย์"] for r in records}) == len(records)
    assert sum(parse_money(r["มูลค่า"]) for r in records) == totals["asset_value_total"]
    assert {r["สถานะ"] for r in records} == {"รอโอน", "ระหว่างดำเนินการ", "โอนแล้ว"}
    paid: dict[str, Decimal] = defaultdict(Decimal)
    for d in documents:
        if not d["bad"]:
            paid[d["project"]] += d["amount"]
    value_by_project: dict[str, Decimal] = defaultdict(Decimal)
    for r in records:
        value_by_project[r["รหัสโครงการ"]] += parse_money(r["มูลค่า"])
        assert bool(r["วันที่โอน"]) == (r["สถานะ"] == "โอนแล้ว")
        assert parse_date(r["วันที่ตรวจรับ"]) is not None
    for code, value in value_by_project.items():
        assert value <= paid[code], code
    overdue = [
        r for r in records if r["สถานะ"] != "โอนแล้ว" and (date(2020, 3, 31) - parse_date(r["วันที่ตรวจรับ"])).days > 180
    ]
    assert overdue


def test_a_minority_of_provinces_lags(projects, disbursements):
    """At 31 Mar 2019 some provinces are >10 points behind the national rate, most are not."""
    documents, _ = disbursements
    owner_of = {row["รหัสโครงการ"]: row["รหัสโครงการ"].split("-")[1] for row in projects}
    allocated: dict[str, Decimal] = defaultdict(Decimal)
    for row in projects:
        allocated[owner_of[row["รหัสโครงการ"]]] += parse_money(row["งบประมาณที่ได้รับจัดสรร"])
    paid: dict[str, Decimal] = defaultdict(Decimal)
    for d in documents:
        if not d["bad"] and d["source"] == "งบประมาณปีปัจจุบัน" and d["day"] <= date(2019, 3, 31):
            paid[owner_of[d["project"]]] += d["amount"]
    provinces = [code for code in allocated if not code.startswith("C")]
    national = 100 * sum(paid[c] for c in provinces) / sum(allocated[c] for c in provinces)
    rates = {code: 100 * paid[code] / allocated[code] for code in provinces}
    behind = sum(rate < national - 10 for rate in rates.values())
    ahead = sum(rate > national + 5 for rate in rates.values())
    assert 0.05 * len(provinces) <= behind <= 0.3 * len(provinces)
    assert ahead >= 5


# ----------------------------------------------------------------- end to end (needs etl.load)


def test_demo_loads_through_the_etl_with_only_the_deliberate_rejects(generated, demo_db):
    """The files loaded by `etl.load.load_files` into a new store: the session's `demo_db` is exactly that
    (the fixture loads `generated`'s folder), so it is read here rather than loaded once more."""
    duckdb = pytest.importorskip("duckdb")
    _, totals, _ = generated
    con = duckdb.connect(str(demo_db), read_only=True)
    try:
        count, allocated = con.execute("SELECT count(*), sum(allocated_amount) FROM projects").fetchone()
        assert count == totals["projects"]
        assert allocated == totals["allocated_total"]
        by_source = dict(con.execute("SELECT source, sum(amount) FROM disbursements GROUP BY source").fetchall())
        assert by_source == {
            "current": totals["disbursed_current_total"],
            "carryover": totals["disbursed_carryover_total"],
        }
        assert con.execute("SELECT count(*) FROM disbursements").fetchone()[0] == totals["disbursement_docs"]
        assert con.execute("SELECT count(*), sum(amount) FROM carryovers").fetchone() == (
            totals["carryovers"],
            totals["carryover_total"],
        )
        assert con.execute("SELECT count(*), sum(amount) FROM reallocations").fetchone() == (
            totals["reallocations"],
            totals["reallocation_total"],
        )
        assert con.execute("SELECT count(*), sum(value) FROM asset_transfers").fetchone() == (
            totals["assets"],
            totals["asset_value_total"],
        )
        rejects = con.execute("SELECT file_name, reason_code FROM rejects").fetchall()
        assert len(rejects) == totals["deliberate_rejects"], rejects
        assert {name for name, _ in rejects} == {demo_data.F_DISB_CORR}
    finally:
        con.close()
