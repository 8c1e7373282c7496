"""Follow-up responses in the exports, opened back: the workbook's follow-up sheets, the CSV
files, the PDF brief's response rate and the lagging page's downloads.

Three answers are saved through appstore in the test, as a Kalasin province user, on three
of Kalasin's lagging projects: one fresh, one made stale by backdating it in the store with
plain SQL, one fresh but promising a payment before the data date (overdue). What the files
show is compared with the store read back by plain SQL and the cause labels read from
data/reference/followup_causes.csv with the csv module.
"""

from __future__ import annotations

import csv
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from io import BytesIO
from pathlib import Path
from zoneinfo import ZoneInfo

import openpyxl
import pytest

from budget_metrics import Filters
from tests.appstore_support import KALASIN, store_execute, store_rows
from tests.etl_fixtures import query

ROOT = Path(__file__).resolve().parents[1]
AS_OF = date(2019, 9, 13)
BANGKOK = ZoneInfo("Asia/Bangkok")
USER = "somchai@kalasin.go.th"
THAI_MONTHS = ["ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.", "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค."]
with (ROOT / "data/reference/followup_causes.csv").open(encoding="utf-8") as _file:
    CAUSE_TH = {row["cause_code"]: row["label_th"] for row in csv.DictReader(_file)}
# (cause, action, expected payment date, expected amount, note) of the three answers
ANSWERS = [
    ("procurement_delayed", "เร่งประกวดราคารอบสอง", date(2019, 12, 20), "1250000.50", "รอผลอุทธรณ์ =SUM(A1)"),
    ("weather_disaster", "รอระดับน้ำลด", None, None, "น้ำท่วมพื้นที่ก่อสร้าง"),
    ("contractor_performance", "เรียกผู้รับจ้างชี้แจง", date(2019, 8, 1), "300000.00", None),
]


def _be(day: date) -> str:
    return f"{day.day} {THAI_MONTHS[day.month - 1]} {day.year + 543}"


@pytest.fixture(scope="module")
def answered(demo_db, tmp_path_factory):
    """A private store with the three answers; yields (store URL, {code: store row}, codes)."""
    import appstore
    from budget_metrics.lagging import lagging_projects

    folder = tmp_path_factory.mktemp("followup_exports")
    url = f"sqlite:///{folder / 'app.sqlite'}"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("BUDGET_APP_DB", url)
        appstore.upgrade()
        appstore.set_user(appstore.cli_principal(), USER, "province", provinces=[KALASIN])
        who = appstore.principal_for_email(USER)
        flagged = lagging_projects(Filters(province=KALASIN, as_of=AS_OF))
        own = flagged[(flagged["owner_type"] == "province") & (flagged["owner"] == KALASIN)]
        codes = sorted(own["project_code"])[:3]
        assert len(codes) == 3, "the demo data needs three lagging Kalasin projects on 13 Sep 2019"
        for code, (cause, action, day, amount, note) in zip(codes, ANSWERS, strict=True):
            appstore.save_response(
                who,
                code,
                cause_code=cause,
                action_taken=action,
                expected_payment_date=day,
                expected_amount=amount,
                note=note,
            )
        # the second answer: saved 40 days ago (stale: followup_fresh_days is 30)
        store_execute(
            url,
            "UPDATE followup_responses SET updated_at = :when WHERE project_code = :code",
            {"when": datetime.now(UTC).replace(tzinfo=None) - timedelta(days=40), "code": codes[1]},
        )
        rows = store_rows(
            url,
            "SELECT project_code, cause_code, note, updated_by, updated_at, expected_amount FROM followup_responses",
        )
        stored = {row[0]: row for row in rows}
        yield url, stored, codes
        appstore.db.dispose(url)


def _saved_day(value) -> date:
    """The Bangkok day of a stored UTC time (SQLite gives text, PostgreSQL a datetime)."""
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(BANGKOK).date()


def _sheet_rows(sheet) -> list[dict]:
    header_row = int(sheet.print_title_rows.replace("$", "").split(":")[0])
    headers = [cell.value for cell in sheet[header_row]]
    return [
        dict(zip(headers, (cell.value for cell in row), strict=True)) for row in sheet.iter_rows(min_row=header_row + 1)
    ]


def _kalasin_flagged(db, workbook) -> int:
    """Kalasin's own-plan projects among the workbook's lagging sheet (owner by plain SQL)."""
    owned = {
        code
        for (code,) in query(
            db, "SELECT project_code FROM projects WHERE owner_type = 'province' AND owner = ?", [KALASIN]
        )
    }
    return sum(row["รหัสโครงการ"] in owned for row in _sheet_rows(workbook["โครงการล่าช้า"]))


@pytest.fixture(scope="module")
def exported(answered, tmp_path_factory):
    """Kalasin's export, built once from the answered store: {format: [paths]}."""
    from exports.export import build_bundle, write_bundle

    url, _, _ = answered
    out = tmp_path_factory.mktemp("followup_files")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("BUDGET_APP_DB", url)
        bundle = build_bundle(Filters(province=KALASIN, as_of=AS_OF))
    return {fmt: write_bundle(bundle, fmt, out / fmt) for fmt in ("xlsx", "csv", "pdf")}


def test_workbook_followup_sheet_carries_each_answer(demo_db, answered, exported):
    _, stored, codes = answered
    book = openpyxl.load_workbook(exported["xlsx"][0])
    sheet = book["การชี้แจง"]
    rows = {row["รหัสโครงการ"]: row for row in _sheet_rows(sheet)}
    assert len(rows) == len(_sheet_rows(book["โครงการล่าช้า"]))  # every flagged project, answered or not
    statuses = {"ชี้แจงแล้ว": codes[0], "คำชี้แจงเก่า": codes[1], "เลยกำหนดที่คาดว่าจะเบิกจ่าย": codes[2]}
    for status, code in statuses.items():
        row, (_, cause, note, by, when, amount) = rows[code], stored[code]
        assert row["สถานะการชี้แจง"] == status
        assert row["สาเหตุ"] == CAUSE_TH[cause]
        assert row["หมายเหตุ"] == note
        assert row["ชี้แจงโดย"] == by == USER
        assert row["ชี้แจงวันที่"] == datetime.combine(_saved_day(when), datetime.min.time())  # a real date
        assert (None if amount is None else Decimal(str(amount))) == (
            None if row["คาดว่าจะเบิกจ่ายได้ บาท"] is None else Decimal(str(row["คาดว่าจะเบิกจ่ายได้ บาท"]))
        )
    # typed text stays text (never a formula), the day shows in BE
    assert rows[codes[0]]["หมายเหตุ"].startswith("รอผลอุทธรณ์")
    header_row = int(sheet.print_title_rows.replace("$", "").split(":")[0])
    headers = [cell.value for cell in sheet[header_row]]
    day_cell = sheet.cell(row=header_row + 1 + list(rows).index(codes[0]), column=headers.index("ชี้แจงวันที่") + 1)
    assert "107041E" in day_cell.number_format  # Thai Buddhist calendar
    unanswered = [row for code, row in rows.items() if code not in codes]
    assert unanswered and all(row["สถานะการชี้แจง"] == "ยังไม่ชี้แจง" and row["ชี้แจงโดย"] is None for row in unanswered)


def test_workbook_rate_sheet_counts_fresh_and_overdue_answers(demo_db, answered, exported):
    book = openpyxl.load_workbook(exported["xlsx"][0])
    flagged = _kalasin_flagged(demo_db, book)
    [kalasin] = [row for row in _sheet_rows(book["อัตราการชี้แจง"]) if row["รหัส"] == KALASIN]
    assert kalasin["โครงการล่าช้า"] == flagged
    assert kalasin["ชี้แจงแล้ว (ยังไม่เก่า)"] == 2  # the backdated answer is stale
    assert kalasin["อัตราการชี้แจง (ร้อยละ)"] == pytest.approx(round(2 / flagged, 4), abs=1e-9)
    assert kalasin["เลยกำหนดเบิกจ่ายที่แจ้ง"] == 1


def test_csv_files_carry_the_answers_with_iso_dates(answered, exported):
    _, stored, codes = answered
    [path] = [p for p in exported["csv"] if p.stem.endswith("-followup")]
    with path.open(encoding="utf-8-sig") as file:
        lines = list(csv.reader(file))
    assert lines[0][0] == "project_code"  # the CSV files carry the column keys
    rows = {line[0]: dict(zip(lines[0], line, strict=True)) for line in lines[1:] if line}
    code = codes[0]
    _, cause, note, by, when, amount = stored[code]
    assert rows[code]["response_updated_by"] == by
    assert rows[code]["response_cause_th"] == CAUSE_TH[cause]
    assert rows[code]["response_saved_on"] == _saved_day(when).isoformat()
    assert rows[code]["response_expected_amount"] == f"{Decimal(str(amount)):.2f}"
    assert rows[code]["response_note"] == note


def test_pdf_brief_states_the_response_rate(demo_db, answered, exported):
    from tests.pdf_support import pdf_text, plain

    flagged = _kalasin_flagged(demo_db, openpyxl.load_workbook(exported["xlsx"][0]))
    text = pdf_text(exported["pdf"][0])
    assert plain(f"ชี้แจงแล้ว 2 จาก {flagged:,} โครงการล่าช้า ({200 / flagged:.2f}%)") in text


@pytest.mark.parametrize("lang", ["th", "en"])
def test_lagging_page_downloads_carry_the_latest_answer(demo_db, answered, lang, monkeypatch):
    """The lagging page's CSV and Excel (as ui/downloads builds them): cause, note, by whom and
    the day of the answer, in BE in Thai and CE in English."""
    from appstore.followup import ResponseSource
    from budget_metrics import data_version
    from budget_metrics.lagging import lagging_projects
    from ui.context import PageContext
    from ui.downloads import LAGGING_FOLLOWUP_DOWNLOAD_COLUMNS, csv_bytes, excel_bytes, prepared_download
    from ui.followup import with_followup

    url, stored, codes = answered
    monkeypatch.setenv("BUDGET_APP_DB", url)
    filters = Filters(province=KALASIN)
    ctx = PageContext(filters, lang, data_version(), AS_OF)
    table = with_followup(lagging_projects(filters.with_as_of(AS_OF)), ctx, ResponseSource())
    about, frame, kinds = prepared_download(table, "lagging", ctx, LAGGING_FOLLOWUP_DOWNLOAD_COLUMNS)
    sheet = openpyxl.load_workbook(BytesIO(excel_bytes(frame, about=about, kinds=kinds))).worksheets[0]
    rows = {row[next(iter(row))]: row for row in _sheet_rows(sheet)}
    code = codes[0]
    _, cause, note, by, when, _ = stored[code]
    row = rows[code]
    cause_header, note_header, by_header, day_header = (
        ("สาเหตุที่ชี้แจง", "หมายเหตุการชี้แจง", "ชี้แจงโดย", "ชี้แจงวันที่")
        if lang == "th"
        else ("Cause given", "Follow-up note", "Answered by", "Answered on")
    )
    causes = {"th": CAUSE_TH[cause], "en": "Procurement delayed"}
    assert (row[cause_header], row[note_header], row[by_header]) == (causes[lang], note, by)
    assert row[day_header] == datetime.combine(_saved_day(when), datetime.min.time())
    text = csv_bytes(frame, about, kinds).decode("utf-8-sig")
    shown_day = _be(_saved_day(when)) if lang == "th" else _saved_day(when).isoformat()
    line = next(line for line in csv.reader(text.splitlines()) if line and line[0] == code)
    assert by in line and shown_day in line and causes[lang] in line
