"""What a project's follow-up already holds, read-only: `latest_answer` (the saved answer with who saved
it and when) and `answer_history` (every save with what changed), shown above and below the form of
ui/followup_form.py. `plain` escapes typed text for st.markdown; `field_value` spells one field's value.
"""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime

import pandas as pd
import streamlit as st

import appstore
from budget_metrics.formatting import baht, format_datetime
from ui.context import PageContext
from ui.followup import BANGKOK, status_code
from vocabulary import FOLLOWUP_FIELDS, RESPONSE_STATUSES, STORE_OUTAGE, word

log = logging.getLogger(__name__)


def field_value(field: str, value, context: PageContext) -> str:
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


def when(moment: datetime | None, context: PageContext) -> str:
    if moment is None or pd.isna(moment):
        return "-"
    if isinstance(moment, datetime) and moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return format_datetime(pd.Timestamp(moment).tz_convert(BANGKOK).tz_localize(None), context.lang)


def latest_answer(row: pd.Series, context: PageContext) -> None:
    if status_code(row) == "unknown":
        st.warning(word(STORE_OUTAGE, "followup", context.lang), icon=":material/cloud_off:")
        return
    if status_code(row) == "none":
        st.caption(word(RESPONSE_STATUSES, "none", context.lang))
        return
    values = {
        "cause_code": row.get("response_cause_code"),
        "action_taken": row.get("response_action_taken"),
        "expected_payment_date": row.get("response_expected_payment_date"),
        "expected_amount": row.get("response_expected_amount"),
        "note": row.get("response_note"),
    }
    lines = [
        f"{word(FOLLOWUP_FIELDS, field, context.lang)}: **{plain(field_value(field, value, context))}**"
        for field, value in values.items()
    ]
    lines.append(context.t("สถานะ", "Status") + f": **{word(RESPONSE_STATUSES, status_code(row), context.lang)}**")
    lines.append(
        context.t(
            f"บันทึกโดย {row.get('response_updated_by')} เมื่อ "
            f"{when(row.get('response_updated_at'), context)} (ครั้งที่ {row.get('response_version')})",
            f"saved by {row.get('response_updated_by')} at "
            f"{when(row.get('response_updated_at'), context)} (version {row.get('response_version')})",
        )
    )
    st.markdown("  \n".join(lines))


def plain(text: str) -> str:
    """Typed text, safe inside st.markdown (markdown characters escaped)."""
    return "".join(f"\\{char}" if char in "\\`*_{}[]()#+-.!|<>~$:" else char for char in str(text))


def answer_history(row: pd.Series, context: PageContext) -> None:
    try:
        history = appstore.response_history(str(row["project_code"]), int(row["fiscal_year"]))
    except appstore.StoreUnavailable as error:
        log.warning("follow-up history cannot be read: %s", error.__cause__ or error)
        st.caption(word(STORE_OUTAGE, "history", context.lang))
        return
    with st.expander(
        context.t(f"ประวัติการชี้แจง ({len(history):,} ครั้ง)", f"Follow-up history ({len(history):,})"), expanded=False
    ):
        if history.empty:
            st.caption(context.t("ยังไม่มีการบันทึก", "Nothing saved yet"))
            return
        rows = []
        for record in history.sort_values("version", ascending=False).to_dict("records"):
            changes = record["changes"] or {}
            changed = "; ".join(
                f"{word(FOLLOWUP_FIELDS, field, context.lang)}: {field_value(field, change.get('old'), context)} → "
                f"{field_value(field, change.get('new'), context)}"
                for field, change in changes.items()
            )
            rows.append(
                {
                    context.t("ครั้งที่", "Version"): record["version"],
                    context.t("เมื่อ", "When"): when(record["saved_at"], context),
                    context.t("โดย", "By"): record["saved_by"],
                    context.t("สิ่งที่เปลี่ยน", "What changed"): changed
                    or context.t("ยืนยันคำชี้แจงเดิม", "confirmed, unchanged"),
                }
            )
        st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
