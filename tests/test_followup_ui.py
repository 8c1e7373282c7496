"""Sign-in modes and the follow-up form, run by Streamlit's AppTest against a store of the test's own.

- No `[auth]` in the secrets: local single-user mode, said so in the sidebar, everything allowed.
- `[auth]` configured: nobody signed in sees only the sign-in page; a signed-in e-mail that is
  not in the store is a viewer; a province user's role and area show in the sidebar.
- The follow-up panel of a lagging project (ui/followup_form.py) as a Kalasin user: saving the form
  writes the answer (read back from the store with plain SQL; the date typed in the Buddhist era),
  a second save keeps the first in the history with what changed; a Chiang Mai user gets no form
  for it. The form's drafts, refusals and outages: tests/test_followup_drafts.py.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from streamlit.testing.v1 import AppTest

from tests.appstore_support import CHIANG_MAI, KALASIN, store_rows
from tests.apptest_support import AUTH, DASHBOARD

KALASIN_USER, CHIANG_MAI_USER = "somchai@kalasin.go.th", "somsri@chiangmai.go.th"


@pytest.fixture(scope="module")
def store(demo_db, tmp_path_factory):
    """A private SQLite store with a Kalasin and a Chiang Mai province user."""
    import appstore

    url = f"sqlite:///{tmp_path_factory.mktemp('followup_ui') / 'app.sqlite'}"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("BUDGET_APP_DB", url)
        appstore.upgrade()
        appstore.set_user(appstore.cli_principal(), KALASIN_USER, "province", provinces=[KALASIN])
        appstore.set_user(appstore.cli_principal(), CHIANG_MAI_USER, "province", provinces=[CHIANG_MAI])
        yield url
    appstore.db.dispose(url)


@pytest.fixture()
def on_store(store, monkeypatch) -> str:
    monkeypatch.setenv("BUDGET_APP_DB", store)
    return store


def _texts(app: AppTest) -> str:
    parts = [
        *(item.value for item in app.caption),
        *(item.value for item in app.markdown),
        *(item.value for item in app.text),  # the sidebar's identity (plain text, ui/auth.py)
        *(item.value for item in app.info),
        *(item.value for item in app.title),
    ]
    return "\n".join(str(part) for part in parts)


def _dashboard(page: str, auth: bool, user: dict | None = None) -> AppTest:
    app = AppTest.from_file(DASHBOARD, default_timeout=120)
    if auth:
        app.secrets["auth"] = AUTH
    app.user = user or {"is_logged_in": False}
    app.switch_page(page)
    return app.run()


def test_without_auth_the_app_runs_in_local_mode_with_every_right(on_store):
    app = _dashboard("pages/upload.py", auth=False, user={})
    assert not app.exception
    assert "โหมดผู้ใช้คนเดียวบนเครื่องนี้" in _texts(app)
    assert "ทุกจังหวัดและกลุ่มจังหวัด" in _texts(app)  # the upload page: every area allowed
    assert not [button for button in app.button if button.key == "sign_in_main"]


def test_with_auth_nobody_signed_in_sees_only_the_sign_in_page(on_store):
    app = _dashboard("pages/upload.py", auth=True)
    assert not app.exception
    assert [button.label for button in app.button if button.key == "sign_in_main"] == ["เข้าสู่ระบบ"]
    assert "โปรดเข้าสู่ระบบ" in _texts(app)
    assert "อัปโหลดข้อมูล" not in [title.value for title in app.title]  # no page ran


def test_signed_in_e_mail_not_in_the_store_is_a_viewer(on_store):
    app = _dashboard("pages/upload.py", auth=True, user={"is_logged_in": True, "email": "Someone@Example.go.th"})
    assert not app.exception
    text = _texts(app)
    assert "someone@example.go.th" in text and "ผู้ดู (อ่านอย่างเดียว)" in text
    assert "ผู้ใช้ระดับจังหวัด ผู้ใช้ระดับกลุ่มจังหวัด และผู้ดูแลระบบเท่านั้นที่อัปโหลดข้อมูลได้" in text
    assert not app.get("file_uploader")


def test_signed_in_province_user_sees_role_and_area(on_store):
    app = _dashboard("pages/upload.py", auth=True, user={"is_logged_in": True, "email": KALASIN_USER.upper()})
    assert not app.exception
    text = _texts(app)
    assert "ผู้ใช้ระดับจังหวัด (46)" in text
    assert "กาฬสินธุ์" in text and "ทุกจังหวัดและกลุ่มจังหวัด" not in text


# ---------------------------------------------------------------- the follow-up panel


def _panel_script() -> None:
    """One lagging project's follow-up panel, as the lagging page draws it for a selected row."""
    from datetime import date

    import streamlit as st

    import appstore
    from appstore.followup import ResponseSource
    from budget_metrics import Filters, data_version
    from budget_metrics.lagging import lagging_projects
    from ui.context import PageContext, set_page_context
    from ui.followup import with_followup
    from ui.followup_form import followup_panel

    as_of = date(2019, 9, 13)
    filters = Filters(province=st.session_state["province"]).with_as_of(as_of)
    context = PageContext(filters, "th", data_version(), as_of)
    set_page_context(context)
    table = with_followup(lagging_projects(filters), context, ResponseSource())
    row = table[table["project_code"] == st.session_state["code"]].iloc[0]
    followup_panel(row, appstore.principal_for_email(st.session_state["email"]), context, ResponseSource())


def _panel(code: str, province: str, email: str) -> AppTest:
    app = AppTest.from_function(_panel_script, default_timeout=120)
    app.session_state["code"], app.session_state["province"], app.session_state["email"] = code, province, email
    return app.run()


def _lagging_code(province: str) -> str:
    from budget_metrics import Filters
    from budget_metrics.lagging import lagging_projects

    table = lagging_projects(Filters(province=province, as_of=date(2019, 9, 13)))
    own = table[(table["owner_type"] == "province") & (table["owner"] == province)]
    return max(own["project_code"])


def test_form_saves_the_answer_and_a_second_save_keeps_history(demo_db, on_store):
    code = _lagging_code(KALASIN)
    app = _panel(code, KALASIN, KALASIN_USER)
    assert not app.exception
    app.selectbox(key=f"followup_cause_{code}.th").set_value("land_permit")
    app.text_area(key=f"followup_action_{code}").input("ขอใช้พื้นที่ป่าสงวน")
    app.text_input(key=f"followup_date_{code}").input("29/11/2562")  # typed in the Buddhist era
    app.number_input(key=f"followup_amount_{code}").set_value(420000.25)
    app.text_area(key=f"followup_note_{code}").input("รอกรมป่าไม้อนุมัติ")
    app.button(key=f"followup_save_{code}").click().run()
    assert not app.exception and not app.error
    assert any("บันทึกคำชี้แจงแล้ว (ครั้งที่ 1)" in item.value for item in app.success)
    [row] = store_rows(
        on_store,
        "SELECT cause_code, action_taken, expected_payment_date, expected_amount, note, "
        "version, updated_by FROM followup_responses WHERE project_code = :c",
        {"c": code},
    )
    assert row[:2] == ("land_permit", "ขอใช้พื้นที่ป่าสงวน")
    assert str(row[2]) == "2019-11-29" and Decimal(str(row[3])) == Decimal("420000.25")
    assert row[4:] == ("รอกรมป่าไม้อนุมัติ", 1, KALASIN_USER)

    app.text_area(key=f"followup_note_{code}").input("อนุมัติแล้ว รอลงนามสัญญา")
    app.button(key=f"followup_save_{code}").click().run()
    assert any("ครั้งที่ 2" in item.value for item in app.success)
    history = store_rows(
        on_store,
        "SELECT version, saved_by, note FROM followup_response_history WHERE project_code = :c ORDER BY version",
        {"c": code},
    )
    assert history == [(1, KALASIN_USER, "รอกรมป่าไม้อนุมัติ"), (2, KALASIN_USER, "อนุมัติแล้ว รอลงนามสัญญา")]
    assert any(expander.label == "ประวัติการชี้แจง (2 ครั้ง)" for expander in app.expander)
    shown = app.dataframe[-1].value  # the history table, newest first, with what changed
    assert list(shown["ครั้งที่"]) == [2, 1]
    assert shown["สิ่งที่เปลี่ยน"].iloc[0] == "หมายเหตุ: รอกรมป่าไม้อนุมัติ → อนุมัติแล้ว รอลงนามสัญญา"
    assert "บันทึกโดย somchai@kalasin.go.th" in _texts(app)


def test_a_user_of_another_province_gets_no_form(demo_db, on_store):
    app = _panel(_lagging_code(KALASIN), KALASIN, CHIANG_MAI_USER)
    assert not app.exception
    assert not app.get("form") and not app.button
    assert "ผู้ใช้ระดับจังหวัดหรือกลุ่มจังหวัดของโครงการนี้เป็นผู้บันทึกคำชี้แจง" in _texts(app)
