"""The application store going away and coming back, with a real PostgreSQL that the tests stop (as an
administrator stopping the database server does) and start again, on a server of this module's own so
that no other test's store is disturbed.

- Every read and write of appstore then fails with one error, StoreUnavailable, whose words name no
  host, port or driver (the driver's error stays its cause, for the server log); a failed save
  writes nothing; when the server is back, the same process works again without a restart.
- The dashboard (Streamlit's AppTest): a signed-in province user whose role cannot be read is a
  viewer, never more, and the sidebar says why; the upload page says uploads wait; the local
  single-user mode stays as it is; the pages that read only the DuckDB file still draw; a typed
  follow-up stays through a failed save, and the same Save works once the store is back.
The same in a real browser, through the real server: tests/test_browser_forms.py.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from decimal import Decimal

import pytest
from streamlit.testing.v1 import AppTest

from tests.appstore_support import CHIANG_MAI, KALASIN, project_of, store_rows
from tests.apptest_support import AUTH, DASHBOARD

USER = "somchai@kalasin.go.th"
DRIVER_WORDS = ("127.0.0.1", "psycopg", "OperationalError", "postgresql", "Traceback", "connection to server")


@pytest.fixture(scope="module")
def own_postgres():
    """A PostgreSQL server for this module alone (it is stopped and started by the tests)."""
    from tests.pg_support import start_postgres

    server = start_postgres()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def pg_store(own_postgres, demo_db):
    import appstore

    url = own_postgres.create_database()
    appstore.upgrade(url)
    appstore.set_user(appstore.cli_principal(), USER, "province", provinces=[KALASIN], url=url)
    yield url
    appstore.db.dispose(url)


@contextmanager
def store_down(server):
    """The store's server stopped for the block, started again after it whatever happens."""
    server.halt()
    try:
        yield
    finally:
        server.resume()


def _no_driver_words(text: str, port: int) -> None:
    for word in (*DRIVER_WORDS, str(port)):
        assert word not in text, f"{word!r} on screen: {text}"


def test_an_outage_is_one_clear_error_and_the_store_recovers_by_itself(demo_db, own_postgres, pg_store):
    import appstore

    code = project_of(demo_db, KALASIN)
    who = appstore.principal_for_email(USER, url=pg_store)
    appstore.save_response(who, code, cause_code="other", note="before the outage", url=pg_store)
    calls = {
        "ensure_available": lambda: appstore.ensure_available(pg_store),
        "principal_for_email": lambda: appstore.principal_for_email(USER, url=pg_store),
        "latest_responses": lambda: appstore.latest_responses(url=pg_store),
        "response_history": lambda: appstore.response_history(code, url=pg_store),
        "save_response": lambda: appstore.save_response(who, code, cause_code="other", note="during", url=pg_store),
        "list_uploads": lambda: appstore.list_uploads(url=pg_store),
    }
    with store_down(own_postgres):
        for name, call in calls.items():
            with pytest.raises(appstore.StoreUnavailable) as failed:
                call()
            _no_driver_words(str(failed.value), own_postgres.port)
            assert "ระบบจัดเก็บ" in failed.value.message_th and "cannot be reached" in failed.value.message_en, name
            # the details are kept for the server log
            assert str(own_postgres.port) in str(failed.value.__cause__), name
    appstore.ensure_available(pg_store)  # the same engine, no restart: pooled connections are re-checked
    appstore.save_response(who, code, cause_code="other", note="after the outage", url=pg_store)
    assert store_rows(
        pg_store,
        "SELECT version, note FROM followup_response_history WHERE project_code = :c ORDER BY version",
        {"c": code},
    ) == [(1, "before the outage"), (2, "after the outage")]


def test_a_user_whose_role_cannot_be_read_has_no_more_rights_than_a_viewer(demo_db, pg_store):
    import appstore

    unknown = appstore.unverified(USER)
    kalasin, chiang_mai = project_of(demo_db, KALASIN), project_of(demo_db, CHIANG_MAI)
    assert unknown.role == "viewer" and not unknown.can_write and not unknown.local
    assert not appstore.may_write_project(unknown, appstore.project_owner(kalasin))
    with pytest.raises(appstore.AccessDenied):
        appstore.require_upload(unknown)
    # a write re-reads the role: with the store back it is the stored one, no more
    appstore.save_response(unknown, kalasin, cause_code="other", url=pg_store)
    with pytest.raises(appstore.AccessDenied):
        appstore.save_response(unknown, chiang_mai, cause_code="other", url=pg_store)


# ---------------------------------------------------------------- the dashboard (AppTest)


def _texts(app: AppTest) -> str:
    kinds = (
        "title",
        "header",
        "subheader",
        "markdown",
        "caption",
        "info",
        "warning",
        "error",
        "success",
        "exception",
        "code",
        "text",
    )
    return "\n".join(str(getattr(element, "value", element)) for kind in kinds for element in getattr(app, kind))


def _dashboard(page: str, user: dict | None) -> AppTest:
    app = AppTest.from_file(DASHBOARD, default_timeout=180)
    if user is not None:
        app.secrets["auth"] = AUTH
        app.user = user
    app.switch_page(page)
    return app.run()


def test_the_dashboard_while_the_store_is_down(demo_db, own_postgres, pg_store, monkeypatch):
    monkeypatch.setenv("BUDGET_APP_DB", pg_store)
    signed_in = {"is_logged_in": True, "email": USER}
    with store_down(own_postgres):
        upload = _dashboard("pages/upload.py", signed_in)  # a province user whose role cannot be read
        assert not upload.exception
        text = _texts(upload)
        assert "ตรวจสอบสิทธิ์ของบัญชีไม่ได้ในขณะนี้" in text and "ผู้ดู (อ่านอย่างเดียว)" in text
        assert "ผู้ใช้ระดับจังหวัด (46)" not in text
        assert "ตรวจสอบสิทธิ์อัปโหลดของบัญชีไม่ได้ในขณะนี้" in text and not upload.get("file_uploader")
        _no_driver_words(text, own_postgres.port)

        local = _dashboard("pages/upload.py", None)  # the local single-user mode: as it is, the store down said
        assert not local.exception
        text = _texts(local)
        assert "โหมดผู้ใช้คนเดียวบนเครื่องนี้" in text and "ระบบจัดเก็บคำชี้แจงไม่ตอบสนองในขณะนี้" in text
        assert "อ่านรายการอัปโหลดล่าสุดไม่ได้ในขณะนี้" in text and local.get("file_uploader")
        _no_driver_words(text, own_postgres.port)

        overview = _dashboard("pages/overview.py", signed_in)  # DuckDB only: drawn as always
        assert not overview.exception and not overview.error
        assert overview.title and "ภาพรวม" in overview.title[0].value
        _no_driver_words(_texts(overview), own_postgres.port)
    upload.run()  # the store is back: the next run reads the role again
    text = _texts(upload)
    assert "ผู้ใช้ระดับจังหวัด (46)" in text and "ตรวจสอบสิทธิ์" not in text and upload.get("file_uploader")


def _panel_script() -> None:
    """The follow-up panel of one Kalasin project as the lagging page draws it (local mode)."""
    from datetime import date

    import streamlit as st

    import appstore
    from appstore.followup import ResponseSource
    from budget_metrics import Filters, data_version
    from budget_metrics.lagging import lagging_projects
    from ui.context import PageContext, set_page_context
    from ui.followup import with_followup
    from ui.followup_form import followup_panel

    filters = Filters(province="46").with_as_of(date(2019, 9, 13))
    context = PageContext(filters, st.session_state["lang"], data_version(), date(2019, 9, 13))
    set_page_context(context)
    table = with_followup(lagging_projects(filters), context, ResponseSource())
    row = table[table["project_code"] == st.session_state["code"]].iloc[0]
    followup_panel(row, appstore.local_principal(), context, ResponseSource())


def test_a_typed_answer_survives_a_failed_save_and_saves_when_the_store_is_back(
    demo_db, own_postgres, pg_store, monkeypatch
):
    from datetime import date

    from budget_metrics import Filters
    from budget_metrics.lagging import lagging_projects

    monkeypatch.setenv("BUDGET_APP_DB", pg_store)
    flagged = lagging_projects(Filters(province=KALASIN, as_of=date(2019, 9, 13)))
    code = max(flagged[(flagged["owner_type"] == "province") & (flagged["owner"] == KALASIN)]["project_code"])
    app = AppTest.from_function(_panel_script, default_timeout=120)
    app.session_state["code"], app.session_state["lang"] = code, "en"
    app.run()
    app.selectbox(key=f"followup_cause_{code}.en").set_value("procurement_delayed")
    app.text_input(key=f"followup_date_{code}").input("20/12/2562")
    app.text_area(key=f"followup_note_{code}").input("typed while the store was up").run()
    with store_down(own_postgres):
        app.button(key=f"followup_save_{code}").click().run()
        text = _texts(app)
        assert "Not saved: the application store is not answering now." in text
        assert "The follow-up answers cannot be shown or saved now" in text  # the latest answer: unknown
        assert app.text_area(key=f"followup_note_{code}").value == "typed while the store was up"
        assert app.text_input(key=f"followup_date_{code}").value == "20/12/2562"
        _no_driver_words(text, own_postgres.port)
        app.session_state["lang"] = "th"
        app.run()
        assert "ระบบจัดเก็บคำชี้แจงไม่ตอบสนองในขณะนี้" in _texts(app)
        assert app.text_area(key=f"followup_note_{code}").value == "typed while the store was up"
    app.button(key=f"followup_save_{code}").click().run()  # the same Save, the store back
    assert "บันทึกคำชี้แจงแล้ว (ครั้งที่ 1)" in _texts(app)
    assert [
        (cause, str(day)[:10], note)
        for cause, day, note in store_rows(
            pg_store,
            "SELECT cause_code, expected_payment_date, note FROM followup_responses WHERE project_code = :c",
            {"c": code},
        )
    ] == [("procurement_delayed", "2019-12-20", "typed while the store was up")]


# ---------------------------------------------------------------- the weekly files (issue 15 follow-up)
UNKNOWN_IN_FILES = "ไม่ทราบในขณะนี้ — unknown now"


def _rows(sheet) -> list[dict]:
    header = int(sheet.print_title_rows.replace("$", "").split(":")[0])
    names = [cell.value for cell in sheet[header]]
    return [dict(zip(names, row, strict=True)) for row in sheet.iter_rows(min_row=header + 1, values_only=True)]


def _followup_sheets(path) -> tuple[dict[str, dict], list[dict], str]:
    """The workbook's follow-up rows by project code, its response-rate rows, and its about sheet's text."""
    import openpyxl

    book = openpyxl.load_workbook(path)
    followup = {row["รหัสโครงการ"]: row for row in _rows(book["การชี้แจง"])}
    about = "\n".join(f"{row['รายการ']}: {row['ค่า']}" for row in _rows(book["เกี่ยวกับ"]))
    notes = "\n".join(str(cell.value) for cell in book["การชี้แจง"]["A"][:6] if cell.value)
    return followup, _rows(book["อัตราการชี้แจง"]), about + "\n" + notes


def _assert_figures_match_sql(workbook, db, as_of) -> None:
    """Kalasin's summary (paid) and project sheet (count, current allocation) against a plain-SQL recount."""
    import openpyxl

    from tests.totals_sql import sql_totals

    current, _, paid, count = sql_totals(db, as_of, "owner_type = 'province' AND owner = ?", (KALASIN,))
    book = openpyxl.load_workbook(workbook)
    projects = _rows(book["โครงการ"])
    assert len(projects) == count and {row["รหัสจังหวัด"] for row in projects} == {KALASIN}
    assert sum(Decimal(str(row["งบประมาณปัจจุบัน บาท"])) for row in projects) == current
    assert Decimal(str(_rows(book["สรุป"])[0]["เบิกจ่ายแล้ว บาท"])) == paid


def test_weekly_files_are_built_with_the_answers_unknown_while_the_store_is_down(
    demo_db, own_postgres, pg_store, monkeypatch, tmp_path
):
    """The weekly page's Excel/PDF/CSV and `python -m etl export`, for a date with no weekly snapshot
    (so the answers are the store's), while PostgreSQL is stopped: every file is built, each flagged
    project's follow-up says "unknown now" (not "no answer"), the response rates are blank, the about
    sheet and the PDF say why; the command exits 4 with one line saying so. The page says it before
    the click. Expected projects: plain SQL (tests/lagging_sql.py sql_lagging, Kalasin on 30 Sep 2019)."""
    import csv
    import io
    import subprocess
    import sys
    import zipfile
    from datetime import date
    from pathlib import Path

    import appstore
    from budget_metrics import Filters
    from exports.export import build_bundle, download_for, write_bundle
    from tests.lagging_sql import sql_lagging

    monkeypatch.setenv("BUDGET_APP_DB", pg_store)
    expected = sql_lagging(demo_db, KALASIN)
    answered = min(expected)
    who = appstore.principal_for_email(USER, url=pg_store)
    appstore.save_response(who, answered, cause_code="procurement_delayed", note="ตอบไว้ก่อนระบบล่ม", url=pg_store)
    filters = Filters(province=KALASIN, as_of=date(2019, 9, 30))
    up = build_bundle(filters)  # the store up: the answer is in the files
    assert not up.responses_unknown
    followup = up.table("followup").frame.set_index("project_code")
    assert followup.at[answered, "response_status_th"] == "ชี้แจงแล้ว"
    assert followup.at[answered, "response_note"] == "ตอบไว้ก่อนระบบล่ม"

    with store_down(own_postgres):
        bundle = build_bundle(filters)
        assert bundle.responses_unknown
        files = {fmt: write_bundle(bundle, fmt, tmp_path / fmt) for fmt in ("xlsx", "pdf", "csv")}
        rows, rates, about = _followup_sheets(files["xlsx"][0])
        assert set(rows) == set(expected)
        for code, row in rows.items():  # unknown, never "no answer"; nothing of an answer
            assert row["สถานะการชี้แจง"] == UNKNOWN_IN_FILES, code
            assert row["สาเหตุ"] is None and row["หมายเหตุ"] is None and row["ชี้แจงโดย"] is None, code
            # the money is there all the same, to the satang of a plain-SQL recount
            assert Decimal(str(row["เงินที่ยังไม่เบิกจ่าย บาท"])) == expected[code][2], code
        _assert_figures_match_sql(files["xlsx"][0], demo_db, filters.as_of)
        [kalasin] = [row for row in rates if row["รหัส"] == KALASIN]
        assert kalasin["โครงการล่าช้า"] == len(expected)
        assert kalasin["ชี้แจงแล้ว (ยังไม่เก่า)"] is None and kalasin["อัตราการชี้แจง (ร้อยละ)"] is None
        assert "ไม่ทราบในขณะนี้: ระบบจัดเก็บคำชี้แจงไม่ตอบสนองขณะสร้างไฟล์นี้" in about
        assert "unknown now: the application store could not be read when this file was built" in about
        followup_csv = next(path for path in files["csv"] if path.name.endswith("-followup.csv"))
        statuses = {
            row["response_status_th"]
            for row in csv.DictReader(io.StringIO(followup_csv.read_bytes().decode("utf-8-sig")))
        }
        assert statuses == {UNKNOWN_IN_FILES}
        pdf_text = "".join(
            subprocess.run(
                ["pdftotext", str(files["pdf"][0]), "-"], capture_output=True, text=True, check=True
            ).stdout.split()
        )  # the text layer, as copied (no spaces)
        assert "การชี้แจงของจังหวัด:ไม่ทราบในขณะนี้:ระบบจัดเก็บคำชี้แจงไม่ตอบสนองขณะสร้างไฟล์นี้" in pdf_text
        assert "ชี้แจงแล้ว1จาก" not in pdf_text

        # ---- what the weekly page's buttons call (download_for), the week compared with an earlier one
        compared = download_for(filters, "xlsx", None, date(2019, 8, 30))
        rows = _followup_sheets(io.BytesIO(compared))[0]
        assert set(rows) == set(expected) and {row["สถานะการชี้แจง"] for row in rows.values()} == {UNKNOWN_IN_FILES}
        _assert_figures_match_sql(io.BytesIO(compared), demo_db, filters.as_of)
        with zipfile.ZipFile(io.BytesIO(download_for(filters, "csv", None, date(2019, 8, 30)))) as archive:
            names = archive.namelist()
            assert "budget-2562-asof-2019-09-30-province-46-vs-2019-08-30-week_changes.csv" in names
            [followup_name] = [name for name in names if name.endswith("-followup.csv")]
            followup_rows = list(csv.DictReader(io.StringIO(archive.read(followup_name).decode("utf-8-sig"))))
        assert {row["project_code"] for row in followup_rows} == set(expected)
        assert {row["response_status_th"] for row in followup_rows} == {UNKNOWN_IN_FILES}
        assert download_for(filters, "pdf", None, date(2019, 8, 30)).startswith(b"%PDF-")

        # ---- the command line: the same files, exit 4 and one line that says so
        out = tmp_path / "cli"
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "etl",
                "export",
                "--as-of",
                "2019-09-30",
                "--province",
                KALASIN,
                "--format",
                "all",
                "--out",
                str(out),
            ],
            cwd=Path(__file__).resolve().parents[1],
            env={**os.environ, "BUDGET_DB": str(demo_db), "BUDGET_APP_DB": pg_store},
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        assert done.returncode == 4, done.stderr
        assert done.stderr.strip().splitlines() == [
            (
                'export: เขียนไฟล์แล้ว แต่อ่านคำชี้แจงไม่ได้ (ระบบจัดเก็บไม่ตอบสนอง) การชี้แจงในไฟล์เป็น "ไม่ทราบในขณะนี้" — '
                "files written; follow-up answers unknown (store not answering)"
            )
        ]
        _no_driver_words(done.stderr + done.stdout, own_postgres.port)
        details = (demo_db.parent / "etl-errors.log").read_text(encoding="utf-8")  # the driver's words: in the log
        assert "export built without follow-up answers, store unavailable" in details
        assert f"port {own_postgres.port}" in details
        [workbook] = out.glob("*.xlsx")
        assert workbook.name == "budget-2562-asof-2019-09-30-province-46.xlsx" and len(list(out.glob("*.pdf"))) == 1
        assert {row["สถานะการชี้แจง"] for row in _followup_sheets(workbook)[0].values()} == {UNKNOWN_IN_FILES}

        # ---- the weekly page says it before the click, in the user's language
        for lang, words in (
            ("th", "อ่านคำชี้แจงไม่ได้ในขณะนี้ (ระบบจัดเก็บคำชี้แจงไม่ตอบสนอง)"),
            ("en", ("The follow-up answers cannot be read now (the application store is not answering)")),
        ):
            app = AppTest.from_file(DASHBOARD, default_timeout=180)
            app.query_params["province"] = KALASIN
            if lang == "en":
                app.query_params["lang"] = "en"
            app.switch_page("pages/weekly.py").run()
            assert not app.exception and not app.error, [item.value for item in app.error]
            assert any(words in item.value for item in app.warning), [item.value for item in app.warning]
            _no_driver_words(_texts(app), own_postgres.port)
    # the store back: the answer is in the files again, the page says nothing
    assert (
        build_bundle(filters).table("followup").frame.set_index("project_code").at[answered, "response_status_th"]
        == "ชี้แจงแล้ว"
    )
    app.run()
    assert not any("cannot be read now" in item.value for item in app.warning)
