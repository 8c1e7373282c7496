"""The follow-up form of the lagging page: `followup_panel(row, who, context, source)` shows the selected
project's latest answer, the form a province records it with, and every save with what changed. Saving
goes through appstore.save_response, which checks the user's role and area on the server whatever the
page shows. The list side (the grid's follow-up column, the response rates) is ui/followup.py; the saved
answer and its history, read-only, are ui/followup_answers.py.

The form keeps what the user typed (docs/appstore.md, "The follow-up form"):
- a draft per project, in st.session_state under the project's code, never under the language
  or the widget's label: switching language, opening another tab or project and coming back, a
  refused or failed save, an outage — the text stays. It is dropped only when saved (or when the
  user discards it);
- no widget limits or rewrites what is typed: the date is a text box read by thai_date_input (BE or
  CE, Thai digits, Thai month names) and echoed back spelled out in both calendars, or refused with
  the reason, before Save (ui/date_field.py); the long texts have no max_chars (Streamlit's box
  would silently drop what a paste carries past it) but a live count, and a text over the limit is
  refused with its length;
- Save says "saved" only when something changed; "nothing changed" when the same answer is
  confirmed again (a new version, which keeps the answer fresh); a refused or failed save (too
  long, no longer allowed, the store down) says why and keeps the draft on screen.
The form is a fragment: typing in it reruns the form only, not the page.
"""

from __future__ import annotations

import html
import logging
from decimal import Decimal

import pandas as pd
import streamlit as st

import appstore
from appstore import Principal, models, validation
from appstore.followup import ResponseSource
from budget_metrics.formatting import baht
from thai_date_input import DateTextError, parse_date_text, typed_form
from ui.context import PageContext
from ui.date_field import date_text_input
from ui.followup import UNKNOWN
from ui.followup_answers import answer_history, latest_answer, plain
from vocabulary import FOLLOWUP_FIELDS, STORE_OUTAGE, word

log = logging.getLogger(__name__)

K_SAVED = "followup_saved"  # project code -> (version, something changed) to confirm after the rerun
K_DRAFTS = "followup_drafts"  # project code -> {field: what the form holds}, while it differs from the saved answer
K_REFUSED = "followup_refused"  # project code -> (Thai, English, the draft it was refused for)
# The form's fields, each drawn under a key of its own that names the project, never the language.
FORM_KEYS = {
    "cause_code": "cause",
    "action_taken": "action",
    "expected_payment_date": "date",
    "expected_amount": "amount",
    "note": "note",
}
TEXT_LIMITS = {"action_taken": models.ACTION_TAKEN_MAX, "note": models.NOTE_MAX}


def _given(value):
    """None for a missing value (None, NaN, NaT), else the value."""
    return None if value is None or (not isinstance(value, str) and pd.isna(value)) else value


def saved_values(row: pd.Series) -> dict:
    """The project's saved answer as the form holds it: cause code (None when none), texts ('' when
    none), the date as a person types it (d/m/yyyy BE, '' when none), the amount (float baht or None)."""
    day = _given(row.get("response_expected_payment_date"))
    amount = _given(row.get("response_expected_amount"))
    return {
        "cause_code": _given(row.get("response_cause_code")),
        "action_taken": _given(row.get("response_action_taken")) or "",
        "expected_payment_date": typed_form(pd.Timestamp(day).date()) if day is not None else "",
        "expected_amount": None if amount is None else float(amount),
        "note": _given(row.get("response_note")) or "",
    }


EMPTY_ANSWER = {
    "cause_code": None,
    "action_taken": "",
    "expected_payment_date": "",
    "expected_amount": None,
    "note": "",
}


def _drafts() -> dict:
    return st.session_state.setdefault(K_DRAFTS, {})


def draft_of(code: str) -> dict | None:
    """What the user typed for the project and has not saved (None: nothing)."""
    return _drafts().get(code)


def _key(field: str, code: str, lang: str) -> str:
    """The widget key of a form field. The cause's select box has one per language: Streamlit sends
    a select box's choice back as its displayed text, which the other language no longer offers,
    so each language draws its own box, started from the draft (as ui/controls does)."""
    suffix = f".{lang}" if field == "cause_code" else ""
    return f"followup_{FORM_KEYS[field]}_{code}{suffix}"


def _forget_widgets(code: str) -> None:
    """Drop the form's widget values, so the next draw starts from the saved answer (or the draft)."""
    for field in FORM_KEYS:
        for lang in ("th", "en"):
            st.session_state.pop(_key(field, code, lang), None)


def form_problems(values: dict, fiscal_year: int) -> list[tuple[str, str]]:
    """Why the form cannot be saved as it is ((Thai, English) each), checked before Save reaches the
    store: no cause, a date that cannot be read or is outside the project's window, a text too long."""
    problems = []
    if not values["cause_code"]:
        problems.append(("ยังไม่ได้เลือกสาเหตุ", "no cause is chosen"))
    try:
        parse_date_text(values["expected_payment_date"], *validation.expected_payment_window(fiscal_year))
    except DateTextError as error:
        problems.append((error.message_th, error.message_en))
    for field, limit in TEXT_LIMITS.items():
        length = len((values[field] or "").strip())
        if length > limit:
            thai, english = FOLLOWUP_FIELDS[field]
            too_long_en = (
                f"{english} is {length:,} characters long; at most {limit:,} are allowed ({length - limit:,} too many)"
            )
            problems.append(
                (f"{thai} ยาว {length:,} ตัวอักษร เกินกำหนด {limit:,} ตัวอักษร (เกิน {length - limit:,})", too_long_en)
            )
    return problems


# A live count under each long text: the server draws it after each change, and this script (ours,
# no user text in it) updates it on every keystroke, since Streamlit sends a text area's value only
# when the box is left or Ctrl+Enter is pressed.
COUNT_SCRIPT = """<script>
(function () {
  if (window.bmFollowupCount) { return; }
  window.bmFollowupCount = true;
  document.addEventListener("input", function (event) {
    var box = event.target;
    if (!box || box.tagName !== "TEXTAREA") { return; }
    var holder = box.closest("[class*='st-key-followup_']");
    if (!holder) { return; }
    var key = Array.prototype.find.call(holder.classList, function (c) { return c.indexOf("st-key-") === 0; });
    if (!key) { return; }
    document.querySelectorAll("[data-count-for='" + key.slice(7) + "']").forEach(function (count) {
      var length = Array.from(box.value.trim()).length, limit = parseInt(count.dataset.limit, 10);
      var over = length > limit;
      count.textContent = (over ? count.dataset.over : count.dataset.ok)
        .replace("{n}", length.toLocaleString("en-US"))
        .replace("{over}", (length - limit).toLocaleString("en-US"));
      count.dataset.state = over ? "over" : "ok";
    });
  }, true);
})();
</script>"""


def _count(field: str, key: str, value: str, context: PageContext) -> None:
    """The live character count of a long text, red and saying by how much when over the limit."""
    limit = TEXT_LIMITS[field]
    length = len((value or "").strip())
    ok = context.t(f"{{n}} / {limit:,} ตัวอักษร", f"{{n}} / {limit:,} characters")
    over = context.t(
        f"{{n}} / {limit:,} ตัวอักษร — เกิน {{over}} ตัวอักษร ต้องตัดให้สั้นลงก่อนบันทึก",
        f"{{n}} / {limit:,} characters — {{over}} too many; shorten it before saving",
    )
    shown = (over if length > limit else ok).replace("{n}", f"{length:,}").replace("{over}", f"{length - limit:,}")
    st.html(
        f'<style>.bm-count{{font-size:.8rem;opacity:.8}}.bm-count[data-state="over"]'
        f"{{color:#c62828;opacity:1;font-weight:600}}</style>"
        f'<div class="bm-count" data-count-for="{html.escape(key)}" data-limit="{limit}" '
        f'data-ok="{html.escape(ok)}" data-over="{html.escape(over)}" '
        f'data-state="{"over" if length > limit else "ok"}">{html.escape(shown)}</div>{COUNT_SCRIPT}',
        unsafe_allow_javascript=True,
    )


def _refuse(code: str, values: dict, message_th: str, message_en: str) -> None:
    st.session_state.setdefault(K_REFUSED, {})[code] = (message_th, message_en, dict(values))


@st.fragment
def _form(row: pd.Series, who: Principal, context: PageContext, known: bool) -> None:
    """The response form (a fragment: typing reruns the form only), started from the draft, else the
    saved answer; saving checks rights on the server. `known`: the saved answer could be read."""
    code, fiscal_year = str(row["project_code"]), int(row["fiscal_year"])
    causes = appstore.causes()
    codes = list(causes["cause_code"])
    labels = dict(zip(codes, context.names(causes["label_th"], causes["label_en"]), strict=True))
    saved = saved_values(row) if known else None
    start = draft_of(code) or saved or EMPTY_ANSWER

    def key(field: str) -> str:
        return _key(field, code, context.lang)

    for field in FORM_KEYS:  # a widget not drawn on the last run starts again from the draft
        if key(field) not in st.session_state:
            st.session_state[key(field)] = start[field]

    st.markdown(context.t("**บันทึกคำชี้แจง**", "**Record the follow-up**"))
    values = {
        "cause_code": st.selectbox(
            word(FOLLOWUP_FIELDS, "cause_code", context.lang),
            codes,
            index=None,
            format_func=lambda value: labels.get(value, value),
            key=key("cause_code"),
            placeholder=context.t("เลือกสาเหตุ", "Choose a cause"),
        )
    }
    values["action_taken"] = st.text_area(word(FOLLOWUP_FIELDS, "action_taken", context.lang), key=key("action_taken"))
    _count("action_taken", key("action_taken"), values["action_taken"], context)
    left, right = st.columns(2)
    with left:
        values["expected_payment_date"] = date_text_input(
            word(FOLLOWUP_FIELDS, "expected_payment_date", context.lang),
            key("expected_payment_date"),
            context.lang,
            *validation.expected_payment_window(fiscal_year),
        )
    with right:
        values["expected_amount"] = st.number_input(
            word(FOLLOWUP_FIELDS, "expected_amount", context.lang),
            min_value=0.0,
            step=1000.0,
            format="%.2f",
            value=None,
            key=key("expected_amount"),
        )
    values["note"] = st.text_area(word(FOLLOWUP_FIELDS, "note", context.lang), key=key("note"))
    _count("note", key("note"), values["note"], context)

    drafts = _drafts()
    if saved is not None and values == saved:
        drafts.pop(code, None)
    else:
        drafts[code] = dict(values)
        st.caption(context.t("✎ มีข้อความที่ยังไม่ได้บันทึก", "✎ Unsaved changes"))
    if st.button(
        context.t("บันทึกคำชี้แจง", "Save the follow-up"),
        type="primary",
        icon=":material/save:",
        key=f"followup_save_{code}",
    ):
        _save(code, fiscal_year, values, who)
    refused = st.session_state.get(K_REFUSED, {}).get(code)
    if refused and refused[2] == values:  # said until the user changes what was refused
        st.error(context.t(refused[0], refused[1]), icon=":material/block:")


def _save(code: str, fiscal_year: int, values: dict, who: Principal) -> None:
    """Save the form, or keep it as it is with the reason why not (K_REFUSED)."""
    problems = form_problems(values, fiscal_year)
    if problems:
        _refuse(
            code,
            values,
            "ยังไม่ได้บันทึก: " + " · ".join(th for th, _ in problems),
            "Not saved: " + " · ".join(en for _, en in problems),
        )
        return
    amount = values["expected_amount"]
    try:
        saved = appstore.save_response(
            who,
            code,
            cause_code=values["cause_code"],
            action_taken=values["action_taken"],
            expected_payment_date=values["expected_payment_date"],
            expected_amount=None if amount is None else f"{Decimal(str(amount)):.2f}",
            note=values["note"],
        )
    except appstore.StoreUnavailable as error:
        log.warning("follow-up of %s not saved, store unavailable: %s", code, error.__cause__ or error)
        _refuse(code, values, *STORE_OUTAGE["save_failed"])
        return
    except appstore.AccessDenied as error:
        _refuse(
            code,
            values,
            f"ยังไม่ได้บันทึก: {error.message_th} ข้อความที่พิมพ์ไว้ยังอยู่ คัดลอกเก็บไว้ได้",
            f"Not saved: {error.message_en}. What you typed is kept here; you can copy it.",
        )
        return
    except appstore.AppStoreError as error:
        _refuse(code, values, f"ยังไม่ได้บันทึก: {error.message_th}", f"Not saved: {error.message_en}")
        return
    _drafts().pop(code, None)
    st.session_state.get(K_REFUSED, {}).pop(code, None)
    _forget_widgets(code)
    st.session_state.setdefault(K_SAVED, {})[code] = (saved.version, bool(saved.changes))
    st.rerun(scope="app")  # the grid's follow-up column and the history show the new answer


def _kept_draft(code: str, draft: dict, context: PageContext, reason_th: str, reason_en: str) -> None:
    """A draft the user can no longer save here (their right was taken away): shown read-only, to
    copy, with the reason, until they discard it."""
    st.warning(
        context.t(
            f"{reason_th} ข้อความที่พิมพ์ไว้แต่ยังไม่ได้บันทึกอยู่ด้านล่าง คัดลอกเก็บไว้ได้",
            f"{reason_en} What you typed and did not save is below, to copy.",
        ),
        icon=":material/edit_off:",
    )
    for field in ("action_taken", "expected_payment_date", "note"):
        if draft.get(field):
            st.caption(word(FOLLOWUP_FIELDS, field, context.lang))
            st.code(draft[field], language=None, wrap_lines=True)
    if draft.get("expected_amount") is not None:
        st.caption(f"{word(FOLLOWUP_FIELDS, 'expected_amount', context.lang)}: {baht(draft['expected_amount'])}")
    if st.button(
        context.t("ทิ้งข้อความที่พิมพ์ไว้", "Discard what I typed"), key=f"followup_discard_{code}", icon=":material/delete:"
    ):
        _drafts().pop(code, None)
        _forget_widgets(code)
        st.rerun()


def _saved_message(code: str, context: PageContext) -> None:
    """After a save's rerun: 'saved' when something changed, 'nothing changed' when not."""
    found = st.session_state.get(K_SAVED, {}).pop(code, None)
    if found is None:
        return
    version, changed = found
    if changed:
        st.success(
            context.t(f"บันทึกคำชี้แจงแล้ว (ครั้งที่ {version})", f"Follow-up saved (version {version})"),
            icon=":material/check_circle:",
        )
    else:
        days = appstore.followup_fresh_days()
        st.info(
            context.t(
                f"ไม่มีอะไรเปลี่ยนแปลง: ยืนยันคำชี้แจงเดิมอีกครั้ง (ครั้งที่ {version}) คำชี้แจงนับเป็นปัจจุบันต่อไปอีก {days} วัน",
                f"Nothing changed: the same answer was confirmed again (version {version}) and counts "
                f"as up to date for another {days} days",
            ),
            icon=":material/info:",
        )


def followup_panel(row: pd.Series, who: Principal, context: PageContext, source: ResponseSource) -> None:
    """The selected project's follow-up: latest answer, the form (users who may write for the
    project's area, live data only), and every save with what changed. A draft is never dropped
    from view: a user whose right was taken away sees it read-only, and while the store is down
    (an unverified user, or the local mode) the form stays with it, and Save tries again."""
    code = str(row["project_code"])
    with st.container(border=True, key=f"followup_panel_{code}"):
        st.markdown(context.t(f"**การชี้แจงโครงการ {plain(code)}**", f"**Follow-up of {plain(code)}**"))
        _saved_message(code, context)
        latest_answer(row, context)
        known = not bool(row.get(UNKNOWN))
        draft = draft_of(code)
        may_write = appstore.may_write_owner(who, row.get("owner_type"), row.get("owner"), row.get("cluster_code"))
        if source.frozen:
            st.caption(
                context.t(
                    "คำชี้แจงตามที่บันทึกไว้กับภาพนิ่ง (แก้ไขได้ในโหมดข้อมูลปัจจุบัน)",
                    "The answer as frozen with the snapshot (answer in live mode)",
                )
            )
        elif draft is not None and (may_write or who.unverified):
            _form(row, who, context, known)  # an outage: the form keeps the draft, and Save retries
        elif may_write and known:
            _form(row, who, context, known)
        elif may_write:  # no saved answer to start from: a form now could blank it on save
            st.caption(word(STORE_OUTAGE, "no_form", context.lang))
        elif draft is not None:
            _kept_draft(
                code,
                draft,
                context,
                "ยังไม่ได้บันทึก: บัญชีของท่านไม่มีสิทธิ์บันทึกคำชี้แจงของโครงการนี้แล้ว",
                "Not saved: your account may no longer record this project's follow-up.",
            )
        else:
            st.caption(
                context.t(
                    "ผู้ใช้ระดับจังหวัดหรือกลุ่มจังหวัดของโครงการนี้เป็นผู้บันทึกคำชี้แจง",
                    "The project's province or cluster users record its follow-up",
                )
            )
        answer_history(row, context)
