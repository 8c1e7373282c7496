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

from contextlib import contextmanager

import pytest
from streamlit.testing.v1 import AppTest

from tests.appstore_support import CHIANG_MAI, KALASIN, project_of, store_rows
from tests.test_followup_ui import AUTH, DASHBOARD

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
    assert store_rows(pg_store, "SELECT version, note FROM followup_response_history WHERE project_code = :c "
                                "ORDER BY version", {"c": code}) == [(1, "before the outage"), (2, "after the outage")]


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
    kinds = ("title", "header", "subheader", "markdown", "caption", "info", "warning", "error", "success",
             "exception", "code", "text")
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
    from ui.followup import followup_panel, with_followup

    filters = Filters(province="46").with_as_of(date(2019, 9, 13))
    context = PageContext(filters, st.session_state["lang"], data_version(), date(2019, 9, 13))
    set_page_context(context)
    table = with_followup(lagging_projects(filters), context, ResponseSource())
    row = table[table["project_code"] == st.session_state["code"]].iloc[0]
    followup_panel(row, appstore.local_principal(), context, ResponseSource())


def test_a_typed_answer_survives_a_failed_save_and_saves_when_the_store_is_back(demo_db, own_postgres, pg_store,
                                                                                  monkeypatch):
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
    assert [(cause, str(day)[:10], note) for cause, day, note in store_rows(
        pg_store, "SELECT cause_code, expected_payment_date, note FROM followup_responses WHERE project_code = :c",
        {"c": code})] == [("procurement_delayed", "2019-12-20", "typed while the store was up")]
