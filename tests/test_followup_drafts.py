"""The follow-up form keeps what the user typed and says the truth about every save (ui/followup_form.py),
run by Streamlit's AppTest against a SQLite store of the test's own, read back with plain SQL.

- A date typed in the Buddhist era, with Thai digits or a Thai month, is read and echoed in both
  calendars before Save; one that cannot be read is refused with the reason before Save, and
  nothing is stored; the typed text stays, also after the language changes.
- A note over the limit is neither cut by the box nor saved: the whole text stays, Save says how
  long it is, and the earlier answer is not re-saved.
- Save says "saved" only when something changed, "nothing changed" when not.
- A user removed while the form is open: on the next run (no right to write any more) the draft is
  shown read-only to copy, with the reason, until discarded; nothing is stored.
The browser walks the same in tests/test_browser_forms.py; outages in tests/test_store_outage.py.
"""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.appstore_support import KALASIN, store_rows

USER = "somchai@kalasin.go.th"
NOTE_MAX = 2000


@pytest.fixture(scope="module")
def store(demo_db, tmp_path_factory):
    import appstore

    url = f"sqlite:///{tmp_path_factory.mktemp('followup_drafts') / 'app.sqlite'}"
    appstore.upgrade(url)
    yield url
    appstore.db.dispose(url)


@pytest.fixture()
def on_store(store, monkeypatch) -> str:
    """The store, with the Kalasin user (re-)added and no answers."""
    import appstore
    from tests.appstore_support import store_execute

    monkeypatch.setenv("BUDGET_APP_DB", store)
    for table in ("followup_response_history", "followup_responses"):
        store_execute(store, f"DELETE FROM {table}")
    appstore.set_user(appstore.cli_principal(), USER, "province", provinces=[KALASIN], url=store)
    return store


def _panel_script() -> None:
    """One lagging project's follow-up panel as the lagging page draws it, in the session's language."""
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
    followup_panel(row, appstore.principal_for_email(st.session_state["email"]), context, ResponseSource())


def _code() -> str:
    from datetime import date

    from budget_metrics import Filters
    from budget_metrics.lagging import lagging_projects

    table = lagging_projects(Filters(province=KALASIN, as_of=date(2019, 9, 13)))
    return min(table[(table["owner_type"] == "province") & (table["owner"] == KALASIN)]["project_code"])


def _panel(code: str, lang: str = "th") -> AppTest:
    app = AppTest.from_function(_panel_script, default_timeout=120)
    app.session_state["code"], app.session_state["email"], app.session_state["lang"] = code, USER, lang
    return app.run()


def _said(app: AppTest) -> str:
    parts = [
        *(e.value for e in app.error),
        *(e.value for e in app.info),
        *(e.value for e in app.success),
        *(e.value for e in app.warning),
        *(e.value for e in app.caption),
        *(e.value for e in app.code),
    ]
    return "\n".join(str(part) for part in parts)


def _rows(url: str, code: str) -> list[tuple]:
    return store_rows(
        url,
        "SELECT version, cause_code, expected_payment_date, note FROM followup_response_history "
        "WHERE project_code = :c ORDER BY version",
        {"c": code},
    )


def test_a_date_is_read_in_thai_or_refused_before_save_and_the_text_stays(demo_db, on_store):
    code = _code()
    app = _panel(code)
    date_box = app.text_input(key=f"followup_date_{code}")
    date_box.input("31/02/2562").run()  # leaving the box: the form reruns, before any Save
    assert "ไม่มีวันที่ '31/02/2562' ในปฏิทิน" in _said(app)
    date_box = app.text_input(key=f"followup_date_{code}")
    date_box.input("๑๕ ต.ค. ๖๒").run()
    assert "✓ อ่านได้เป็น วันอังคารที่ 15 ตุลาคม พ.ศ. 2562 (ค.ศ. 2019)" in _said(app)
    assert "ไม่มีวันที่" not in _said(app)
    app.button(key=f"followup_save_{code}").click().run()  # no cause chosen yet: refused, nothing stored
    assert "ยังไม่ได้บันทึก: ยังไม่ได้เลือกสาเหตุ" in _said(app)
    assert _rows(on_store, code) == []

    app.session_state["lang"] = "en"  # the language changes: the typed date stays, echoed in English
    app.run()
    assert app.text_input(key=f"followup_date_{code}").value == "๑๕ ต.ค. ๖๒"
    assert "✓ Read as Tuesday 15 October 2019 (BE 2562)" in _said(app)
    app.selectbox(key=f"followup_cause_{code}.en").set_value("land_permit").run()
    app.session_state["lang"] = "th"  # and back: the cause chosen in English is still chosen
    app.run()
    assert app.selectbox(key=f"followup_cause_{code}.th").value == "land_permit"
    app.button(key=f"followup_save_{code}").click().run()
    assert "บันทึกคำชี้แจงแล้ว (ครั้งที่ 1)" in _said(app)
    assert [(v, c, str(d)[:10]) for v, c, d, _ in _rows(on_store, code)] == [(1, "land_permit", "2019-10-15")]


def test_a_note_over_the_limit_is_kept_whole_and_refused_and_nothing_is_resaved(demo_db, on_store):
    code = _code()
    app = _panel(code)
    app.selectbox(key=f"followup_cause_{code}.th").set_value("other")
    app.text_area(key=f"followup_note_{code}").input("คำชี้แจงเดิม")
    app.button(key=f"followup_save_{code}").click().run()
    assert _rows(on_store, code) == [(1, "other", None, "คำชี้แจงเดิม")]

    long_note = ("ก" * 1000) + ("ข" * (NOTE_MAX + 1 - 1000))  # 2,001 characters, pasted at once
    note = app.text_area(key=f"followup_note_{code}")
    assert not note.max_chars  # the box itself never drops what a paste carries past the limit
    note.input(long_note).run()
    assert app.text_area(key=f"followup_note_{code}").value == long_note
    app.button(key=f"followup_save_{code}").click().run()
    assert "หมายเหตุ ยาว 2,001 ตัวอักษร เกินกำหนด 2,000 ตัวอักษร (เกิน 1)" in _said(app)
    assert "บันทึกคำชี้แจงแล้ว" not in _said(app)
    assert app.text_area(key=f"followup_note_{code}").value == long_note  # still on screen, whole
    assert _rows(on_store, code) == [(1, "other", None, "คำชี้แจงเดิม")]  # the old answer was not re-saved


def test_save_says_saved_only_when_something_changed(demo_db, on_store):
    code = _code()
    app = _panel(code)
    app.selectbox(key=f"followup_cause_{code}.th").set_value("weather_disaster")
    app.button(key=f"followup_save_{code}").click().run()
    assert "บันทึกคำชี้แจงแล้ว (ครั้งที่ 1)" in _said(app)
    app.button(key=f"followup_save_{code}").click().run()  # nothing changed
    said = _said(app)
    assert "ไม่มีอะไรเปลี่ยนแปลง: ยืนยันคำชี้แจงเดิมอีกครั้ง (ครั้งที่ 2)" in said
    assert "บันทึกคำชี้แจงแล้ว" not in said
    history = store_rows(
        on_store,
        "SELECT version, changes FROM followup_response_history WHERE project_code = :c ORDER BY version",
        {"c": code},
    )
    assert [version for version, _ in history] == [1, 2] and history[1][1] in ({}, "{}")


def test_a_user_removed_while_the_form_is_open_keeps_the_draft(demo_db, on_store):
    import appstore

    code = _code()
    app = _panel(code, "en")
    app.selectbox(key=f"followup_cause_{code}.en").set_value("other")
    app.text_area(key=f"followup_note_{code}").input("typed before the account was removed").run()
    appstore.remove_user(appstore.cli_principal(), USER, url=on_store)  # `etl users remove` meanwhile
    # AppTest runs the whole script on the click, so the role is read again first and the form is
    # gone (in the browser the click reruns the form only, and the save is refused on the server:
    # tests/test_browser_forms.py); either way the reason and the draft stay on screen
    app.button(key=f"followup_save_{code}").click().run()
    said = _said(app)
    assert "Not saved: your account may no longer record this project's follow-up." in said
    assert "typed before the account was removed" in [block.value for block in app.code]
    assert _rows(on_store, code) == []

    app.session_state["lang"] = "th"
    app.run()
    said = _said(app)
    assert "ยังไม่ได้บันทึก: บัญชีของท่านไม่มีสิทธิ์บันทึกคำชี้แจงของโครงการนี้แล้ว" in said
    assert "typed before the account was removed" in [block.value for block in app.code]
    assert not [button for button in app.button if button.key == f"followup_save_{code}"]
    app.button(key=f"followup_discard_{code}").click().run()
    assert not app.code and "typed before the account was removed" not in _said(app)
