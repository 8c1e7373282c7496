"""The follow-up parts of the lagging page, on the list side: each flagged project's latest response
beside it (`with_followup`, and the grid's follow-up column through `grid_columns`), and what the ministry
watches (`response_summary`: response rate per province and cluster, overdue answers). The form a province
records an answer with, in the selected project's detail, is ui/followup_form.py.

The responses live in the application store (appstore), not in DuckDB: they are read on
every run, uncached, so an answer saved through one app server shows through every other
on its next interaction. In snapshot mode the page shows the copy frozen with the week's
snapshot instead (read only, `source_for`).
"""

from __future__ import annotations

import logging
from datetime import date
from zoneinfo import ZoneInfo

import pandas as pd
import streamlit as st

import appstore
from appstore import Principal
from appstore.followup import (
    RESPONSE_COLUMNS,
    ResponseSource,
    response_source,
    with_responses,
)
from budget_metrics.formatting import percent
from ui.cards import KpiCard, kpi_cards
from ui.context import PageContext
from ui.tables import GridColumn, data_table
from vocabulary import RESPONSE_STATUSES, STORE_OUTAGE, word

log = logging.getLogger(__name__)

BANGKOK = ZoneInfo("Asia/Bangkok")
UNKNOWN = "response_unknown"  # column: True where the store could not be read (an outage)

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
    """'none', 'overdue', 'fresh' or 'stale' for a with_responses row; 'unknown' when the store
    could not be read."""
    if bool(row.get(UNKNOWN)):
        return "unknown"
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
    try:
        joined = source.join(table, as_of).assign(**{UNKNOWN: False})
    except appstore.StoreUnavailable as error:  # the list still shows; the answers say "unknown now"
        log.warning("follow-up answers cannot be read: %s", error.__cause__ or error)
        joined = with_responses(table, as_of, responses=pd.DataFrame(columns=RESPONSE_COLUMNS, dtype=object))
        joined[UNKNOWN] = True
    statuses = [status_code(row) for row in joined.to_dict("records")]
    causes = context.names(joined["response_cause_th"], joined["response_cause_en"], missing="")
    texts = []
    for status, cause, age in zip(statuses, causes, joined["response_age_days"], strict=True):
        if status in ("none", "unknown"):
            texts.append(word(RESPONSE_STATUSES, status, context.lang))
            continue
        ago = context.t(f"{int(age)} วันก่อน", f"{int(age)} d ago")
        mark = {"overdue": "⚠ ", "stale": "◌ "}.get(status, "✓ ")
        texts.append(f"{mark}{cause} · {ago}")
    return joined.assign(
        followup=texts,
        response_cause=[cause or None for cause in causes],
        response_status=[word(RESPONSE_STATUSES, status, context.lang) for status in statuses],
        # the download's "when": the Bangkok day (a date, BE in Thai files) and the time
        response_saved_on=[
            None if moment is None else moment.astimezone(BANGKOK).date() for moment in joined["response_updated_at"]
        ],
        response_saved_time=[
            None if moment is None else f"{moment.astimezone(BANGKOK):%H:%M}"
            for moment in joined["response_updated_at"]
        ],
    )


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
    if UNKNOWN in joined and joined[UNKNOWN].any():  # rates of unread answers would read as 0 %
        st.subheader(context.t("การชี้แจงของจังหวัด", "Follow-up by the provinces"))
        st.warning(word(STORE_OUTAGE, "followup", context.lang), icon=":material/cloud_off:")
        return
    total = appstore.response_rate_total(context.filters, flagged=joined)
    overdue = joined[joined["response_overdue"]]
    fresh_days = appstore.followup_fresh_days()
    st.subheader(context.t("การชี้แจงของจังหวัด", "Follow-up by the provinces"))
    frozen = context.t(" · คำชี้แจงตามที่บันทึกไว้กับภาพนิ่ง", " · answers as frozen with the snapshot") if source.frozen else ""
    st.caption(
        context.t(
            f"อัตราการชี้แจง = โครงการล่าช้าที่มีคำชี้แจงภายใน {fresh_days} วัน ÷ โครงการล่าช้าทั้งหมด · "
            "เลยกำหนด = วันที่คาดว่าจะเบิกจ่ายผ่านไปแล้ว (ก่อนวันที่ข้อมูล) และยังไม่มีการเบิกจ่ายหลังวันที่ชี้แจง",
            f"Response rate = flagged projects answered within {fresh_days} days ÷ flagged projects · past expected "
            "payment = the expected date is before the data date and nothing was paid since the answer",
        )
        + frozen
    )
    kpi_cards(
        [
            KpiCard(
                context.t("อัตราการชี้แจง", "Response rate"),
                f"{percent(total.rate_pct)}%" if total.rate_pct is not None else "-",
            ),
            KpiCard(
                context.t("ชี้แจงแล้ว / โครงการล่าช้า", "Answered / flagged"), f"{total.responded:,} / {total.flagged:,}"
            ),
            KpiCard(context.t("เลยกำหนดเบิกจ่ายที่แจ้ง", "Past expected payment"), f"{len(overdue):,}"),
        ],
        per_row=3,
    )
    by_province, by_cluster, late = st.tabs(
        [
            context.t("รายจังหวัด", "By province"),
            context.t("รายกลุ่มจังหวัด", "By cluster"),
            context.t(f"เลยกำหนด ({len(overdue):,})", f"Overdue ({len(overdue):,})"),
        ]
    )
    for tab, level in ((by_province, "province"), (by_cluster, "cluster")):
        with tab:
            rates = appstore.response_rates(context.filters, level, flagged=joined)
            rates = rates[rates["flagged"] > 0]
            rates = rates.assign(area_name=context.names(rates["name_th"], rates["name_en"]))
            # no download buttons: the weekly workbook has these rates (sheet "การชี้แจง")
            st.dataframe(
                pd.DataFrame({context.t(th, en): rates[key] for key, th, en, _ in RATE_COLUMNS}),
                hide_index=True,
                height=300,
                column_config={
                    context.t(th, en): st.column_config.NumberColumn(format="%.2f" if kind == "pct" else "%,d")
                    for _, th, en, kind in RATE_COLUMNS
                    if kind != "text"
                },
            )
    with late:
        if overdue.empty:
            st.caption(context.t("ไม่มีคำชี้แจงที่เลยกำหนด", "No answer is past its expected payment date"))
        else:
            shown = overdue.assign(owner_name=context.names(overdue["owner_name_th"], overdue["owner_name_en"]))
            data_table(shown, OVERDUE_COLUMNS, context, "followup_overdue")
