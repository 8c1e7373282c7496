"""The follow-up parts of the lagging page: each flagged project's latest response beside it,
the form a province records it with (in the selected project's detail, with its history),
and what the ministry watches (response rate per province and cluster, overdue answers).

The responses live in the application store (appstore), not in DuckDB: they are read on
every run, uncached, so an answer saved through one app server shows through every other
on its next interaction. In snapshot mode the page shows the copy frozen with the week's
snapshot instead (read only). Saving goes through appstore.save_response, which checks the
user's role and area on the server whatever the page shows.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pandas as pd
import streamlit as st

import appstore
from appstore import Principal
from appstore.followup import ResponseSource, response_source
from budget_metrics.formatting import baht, format_datetime, percent
from ui.context import PageContext
from ui.widgets import GridColumn, KpiCard, data_table, kpi_cards
from vocabulary import FOLLOWUP_FIELDS, RESPONSE_STATUSES, word

BANGKOK = ZoneInfo("Asia/Bangkok")
K_SAVED = "followup_saved"  # (project code, version) of the save to confirm after the rerun

FOLLOWUP_GRID_COLUMN = GridColumn("followup", "การชี้แจง", "Follow-up", width=190)

RATE_COLUMNS = [
    ("area_name", "พื้นที่", "Area", "text"),
    ("flagged", "โครงการล่าช้า", "Flagged", "int"),
    ("responded", "ชี้แจงแล้ว (ยังไม่เก่า)", "Answered (fresh)", "int"),
    ("rate_pct", "อัตราการชี้แจง (%)", "Response rate (%)", "pct"),
    ("overdue", "เลยกำหนดเบิกจ่ายที่แจ้ง", "Past expected payment", "int"),
]
OVERDUE_COLUMNS = [
    ("project_code", "รหัสโครงการ", "Project code", "text"),
    ("project_name", "ชื่อโครงการ", "Project", "text"),
    ("owner_name", "จังหวัด / กลุ่มจังหวัด", "Province / cluster", "text"),
    ("response_cause", "สาเหตุ", "Cause", "text"),
    ("response_expected_payment_date", "คาดว่าจะเบิกจ่ายได้วันที่", "Expected payment date", "date"),
    ("response_expected_amount", "คาดว่าจะเบิกจ่ายได้", "Expected payment", "money"),
    ("last_payment_date", "เบิกจ่ายครั้งล่าสุด", "Last payment", "date"),
    ("response_updated_by", "ชี้แจงโดย", "Answered by", "text"),
]


def source_for(context: PageContext) -> ResponseSource:
    """Live responses, or the ones frozen with the week's snapshot in snapshot mode."""
    filters = context.filters
    if context.snapshot_mode and filters.as_of is None and context.as_of_shown is not None:
        filters = filters.with_as_of(context.as_of_shown)
    return response_source(filters, frozen=context.snapshot_mode)


def status_code(row) -> str:
    """'none', 'overdue', 'fresh' or 'stale' for a with_responses row."""
    if row.get("response_version") is None or pd.isna(row.get("response_version")):
        return "none"
    if bool(row.get("response_overdue")):
        return "overdue"
    return "fresh" if bool(row.get("response_fresh")) else "stale"


def with_followup(table: pd.DataFrame, context: PageContext, source: ResponseSource) -> pd.DataFrame:
    """The flagged projects with their latest response (appstore's response_* columns) and the
    display columns: followup (grid text), response_cause, response_status, response_saved_on (Bangkok
    date), response_saved_time ('14:05', Bangkok)."""
    as_of = context.filters.as_of or context.as_of_shown or date.today()
    joined = source.join(table, as_of)
    statuses = [status_code(row) for row in joined.to_dict("records")]
    causes = context.names(joined["response_cause_th"], joined["response_cause_en"], missing="")
    texts = []
    for status, cause, age in zip(statuses, causes, joined["response_age_days"], strict=True):
        if status == "none":
            texts.append(word(RESPONSE_STATUSES, "none", context.lang))
            continue
        ago = context.t(f"{int(age)} วันก่อน", f"{int(age)} d ago")
        mark = {"overdue": "⚠ ", "stale": "◌ "}.get(status, "✓ ")
        texts.append(f"{mark}{cause} · {ago}")
    return joined.assign(
        followup=texts, response_cause=[cause or None for cause in causes],
        response_status=[word(RESPONSE_STATUSES, status, context.lang) for status in statuses],
        # the download's "when": the Bangkok day (a date, BE in Thai files) and the time
        response_saved_on=[None if moment is None else moment.astimezone(BANGKOK).date()
                           for moment in joined["response_updated_at"]],
        response_saved_time=[None if moment is None else f"{moment.astimezone(BANGKOK):%H:%M}"
                             for moment in joined["response_updated_at"]])


def grid_columns(columns: list[GridColumn]) -> list[GridColumn]:
    """The page's grid columns with the follow-up column after the reasons (or last)."""
    keys = [column.key for column in columns]
    at = keys.index("reasons") + 1 if "reasons" in keys else len(columns)
    return [*columns[:at], FOLLOWUP_GRID_COLUMN, *columns[at:]]


def ministry_view(who: Principal) -> bool:
    """Viewers (the ministry), administrators and the local mode watch the response rates."""
    return who.local or who.role in ("viewer", "admin")


def response_summary(joined: pd.DataFrame, context: PageContext, source: ResponseSource) -> None:
    """Response rate (cards), per province and per cluster, and the overdue answers, of the
    flagged projects of the sidebar's area (before the page's own flag/agency choices)."""
    total = appstore.response_rate_total(context.filters, flagged=joined)
    overdue = joined[joined["response_overdue"]]
    fresh_days = appstore.followup_fresh_days()
    st.subheader(context.t("การชี้แจงของจังหวัด", "Follow-up by the provinces"))
    frozen = context.t(" · คำชี้แจงตามที่บันทึกไว้กับภาพนิ่ง", " · answers as frozen with the snapshot") \
        if source.frozen else ""
    st.caption(context.t(
        f"อัตราการชี้แจง = โครงการล่าช้าที่มีคำชี้แจงภายใน {fresh_days} วัน ÷ โครงการล่าช้าทั้งหมด · "
        "เลยกำหนด = วันที่คาดว่าจะเบิกจ่ายผ่านไปแล้ว (ก่อนวันที่ข้อมูล) และยังไม่มีการเบิกจ่ายหลังวันที่ชี้แจง",
        f"Response rate = flagged projects answered within {fresh_days} days ÷ flagged projects · past expected "
        "payment = the expected date is before the data date and nothing was paid since the answer") + frozen)
    kpi_cards([
        KpiCard(context.t("อัตราการชี้แจง", "Response rate"), f"{percent(total.rate_pct)}%"
                if total.rate_pct is not None else "-"),
        KpiCard(context.t("ชี้แจงแล้ว / โครงการล่าช้า", "Answered / flagged"),
                f"{total.responded:,} / {total.flagged:,}"),
        KpiCard(context.t("เลยกำหนดเบิกจ่ายที่แจ้ง", "Past expected payment"), f"{len(overdue):,}"),
    ], per_row=3)
    by_province, by_cluster, late = st.tabs([context.t("รายจังหวัด", "By province"),
                                             context.t("รายกลุ่มจังหวัด", "By cluster"),
                                             context.t(f"เลยกำหนด ({len(overdue):,})", f"Overdue ({len(overdue):,})")])
    for tab, level in ((by_province, "province"), (by_cluster, "cluster")):
        with tab:
            rates = appstore.response_rates(context.filters, level, flagged=joined)
            rates = rates[rates["flagged"] > 0]
            rates = rates.assign(area_name=context.names(rates["name_th"], rates["name_en"]))
            # no download buttons: the weekly workbook has these rates (sheet "การชี้แจง")
            st.dataframe(
                pd.DataFrame({context.t(th, en): rates[key] for key, th, en, _ in RATE_COLUMNS}),
                hide_index=True, height=300, column_config={
                    context.t(th, en): st.column_config.NumberColumn(format="%.2f" if kind == "pct" else "%,d")
                    for _, th, en, kind in RATE_COLUMNS if kind != "text"})
    with late:
        if overdue.empty:
            st.caption(context.t("ไม่มีคำชี้แจงที่เลยกำหนด", "No answer is past its expected payment date"))
        else:
            shown = overdue.assign(owner_name=context.names(overdue["owner_name_th"], overdue["owner_name_en"]))
            data_table(shown, OVERDUE_COLUMNS, context, "followup_overdue")


def _field_value(field: str, value, context: PageContext) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)) or value == "":
        return "-"
    if field == "cause_code":
        found = appstore.causes().set_index("cause_code")
        if value in found.index:
            return context.name(found.loc[value, "label_th"], found.loc[value, "label_en"])
        return str(value)
    if field == "expected_payment_date":
        return context.date(value if isinstance(value, date) else date.fromisoformat(str(value)))
    if field == "expected_amount":
        return baht(value)
    return str(value)


def _when(moment: datetime | None, context: PageContext) -> str:
    if moment is None or pd.isna(moment):
        return "-"
    if isinstance(moment, datetime) and moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return format_datetime(pd.Timestamp(moment).tz_convert(BANGKOK).tz_localize(None), context.lang)


def _latest(row: pd.Series, context: PageContext) -> None:
    if status_code(row) == "none":
        st.caption(word(RESPONSE_STATUSES, "none", context.lang))
        return
    values = {"cause_code": row.get("response_cause_code"), "action_taken": row.get("response_action_taken"),
              "expected_payment_date": row.get("response_expected_payment_date"),
              "expected_amount": row.get("response_expected_amount"), "note": row.get("response_note")}
    lines = [f"{word(FOLLOWUP_FIELDS, field, context.lang)}: **{_plain(_field_value(field, value, context))}**"
             for field, value in values.items()]
    lines.append(context.t("สถานะ", "Status") + f": **{word(RESPONSE_STATUSES, status_code(row), context.lang)}**")
    lines.append(context.t(f"บันทึกโดย {row.get('response_updated_by')} เมื่อ "
                           f"{_when(row.get('response_updated_at'), context)} (ครั้งที่ {row.get('response_version')})",
                           f"saved by {row.get('response_updated_by')} at "
                           f"{_when(row.get('response_updated_at'), context)} (version {row.get('response_version')})"))
    st.markdown("  \n".join(lines))


def _plain(text: str) -> str:
    """Typed text, safe inside st.markdown (markdown characters escaped)."""
    return "".join(f"\\{char}" if char in "\\`*_{}[]()#+-.!|<>~$:" else char for char in str(text))


def _form(row: pd.Series, who: Principal, context: PageContext) -> None:
    """The response form, prefilled with the latest answer; saving checks rights on the server."""
    causes = appstore.causes()
    codes = list(causes["cause_code"])
    labels = dict(zip(codes, context.names(causes["label_th"], causes["label_en"]), strict=True))
    current = row.get("response_cause_code")
    code = str(row["project_code"])
    amount = row.get("response_expected_amount")
    with st.form(key=f"followup_form_{code}", border=True, enter_to_submit=False):
        st.markdown(context.t("**บันทึกคำชี้แจง**", "**Record the follow-up**"))
        cause = st.selectbox(word(FOLLOWUP_FIELDS, "cause_code", context.lang), codes,
                             index=codes.index(current) if current in codes else 0,
                             format_func=lambda value: labels[value], key=f"followup_cause_{code}",
                             placeholder=context.t("เลือกสาเหตุ", "Choose a cause"))
        action = st.text_area(word(FOLLOWUP_FIELDS, "action_taken", context.lang),
                              value=row.get("response_action_taken") or "", max_chars=1000,
                              key=f"followup_action_{code}")
        left, right = st.columns(2)
        with left:
            expected_date = st.date_input(word(FOLLOWUP_FIELDS, "expected_payment_date", context.lang),
                                          value=row.get("response_expected_payment_date"),
                                          format="DD/MM/YYYY", key=f"followup_date_{code}")
        with right:
            expected_amount = st.number_input(
                word(FOLLOWUP_FIELDS, "expected_amount", context.lang), min_value=0.0, step=1000.0, format="%.2f",
                value=None if amount is None or pd.isna(amount) else float(amount), key=f"followup_amount_{code}")
        note = st.text_area(word(FOLLOWUP_FIELDS, "note", context.lang), value=row.get("response_note") or "",
                            max_chars=2000, key=f"followup_note_{code}")
        submitted = st.form_submit_button(context.t("บันทึกคำชี้แจง", "Save the follow-up"), type="primary",
                                          icon=":material/save:")
    if not submitted:
        return
    try:
        saved = appstore.save_response(who, code, cause_code=cause, action_taken=action,
                                       expected_payment_date=expected_date,
                                       expected_amount=None if expected_amount is None else f"{expected_amount:.2f}",
                                       note=note)
    except appstore.AppStoreError as error:
        st.error(context.t(error.message_th, error.message_en), icon=":material/block:")
        return
    st.session_state[K_SAVED] = (saved.project_code, saved.version)
    st.rerun()  # the grid's follow-up column and the history show the new answer


def _history(row: pd.Series, context: PageContext) -> None:
    history = appstore.response_history(str(row["project_code"]), int(row["fiscal_year"]))
    with st.expander(context.t(f"ประวัติการชี้แจง ({len(history):,} ครั้ง)", f"Follow-up history ({len(history):,})"),
                     expanded=False):
        if history.empty:
            st.caption(context.t("ยังไม่มีการบันทึก", "Nothing saved yet"))
            return
        rows = []
        for record in history.sort_values("version", ascending=False).to_dict("records"):
            changes = record["changes"] or {}
            changed = "; ".join(
                f"{word(FOLLOWUP_FIELDS, field, context.lang)}: {_field_value(field, change.get('old'), context)} → "
                f"{_field_value(field, change.get('new'), context)}" for field, change in changes.items())
            rows.append({context.t("ครั้งที่", "Version"): record["version"],
                         context.t("เมื่อ", "When"): _when(record["saved_at"], context),
                         context.t("โดย", "By"): record["saved_by"],
                         context.t("สิ่งที่เปลี่ยน", "What changed"):
                             changed or context.t("ยืนยันคำชี้แจงเดิม", "confirmed, unchanged")})
        st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")


def followup_panel(row: pd.Series, who: Principal, context: PageContext, source: ResponseSource) -> None:
    """The selected project's follow-up: latest answer, the form (users who may write for the
    project's area, live data only), and every save with what changed."""
    code = str(row["project_code"])
    with st.container(border=True, key=f"followup_panel_{code}"):
        st.markdown(context.t(f"**การชี้แจงโครงการ {_plain(code)}**", f"**Follow-up of {_plain(code)}**"))
        saved = st.session_state.get(K_SAVED)
        if saved and saved[0] == code:
            st.success(context.t(f"บันทึกคำชี้แจงแล้ว (ครั้งที่ {saved[1]})", f"Follow-up saved (version {saved[1]})"),
                       icon=":material/check_circle:")
            st.session_state.pop(K_SAVED, None)
        _latest(row, context)
        if source.frozen:
            st.caption(context.t("คำชี้แจงตามที่บันทึกไว้กับภาพนิ่ง (แก้ไขได้ในโหมดข้อมูลปัจจุบัน)",
                                 "The answer as frozen with the snapshot (answer in live mode)"))
        elif appstore.may_write_owner(who, row.get("owner_type"), row.get("owner"), row.get("cluster_code")):
            _form(row, who, context)
        else:
            st.caption(context.t("ผู้ใช้ระดับจังหวัดหรือกลุ่มจังหวัดของโครงการนี้เป็นผู้บันทึกคำชี้แจง",
                                 "The project's province or cluster users record its follow-up"))
        _history(row, context)
