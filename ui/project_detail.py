"""The project detail panel: `project_detail(row, ctx)` shows every field of one project (a row of
`lagging.project_flags` / `breakdown.project_table`, e.g. the row a `project_grid` click selected) in the
page's language: who owns it, its money in baht, its dates, its progress against its budget type's
target, its flags and the reasons in full.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from budget_metrics import reference
from budget_metrics.formatting import baht, percent, signed
from ui.context import PageContext
from ui.page_shell import markdown_text
from vocabulary import BUDGET_TYPES, FLAGS, PLAN_TYPES, STATUSES, word


def _day(value: Any) -> Any:
    return None if value is None or pd.isna(value) else pd.Timestamp(value).date()


def project_detail(row: pd.Series, ctx: PageContext) -> None:
    """Every field of one project (a row of `lagging.project_flags` / `breakdown.project_table`)
    in the current language: who owns it, its money in baht, its dates, its progress against
    its budget type's target, its flags and the reasons in full."""

    def money(column: str) -> str:
        value = row.get(column)
        return "-" if value is None or pd.isna(value) else f"{baht(value)} {ctx.t('บาท', 'baht')}"

    def area(table: pd.DataFrame, key: str, code: Any) -> str:
        match = table[table[key] == code] if isinstance(code, str) and code else table.iloc[0:0]
        return ctx.name(match.iloc[0]["name_th"], match.iloc[0]["name_en"]) if len(match) else "-"

    flags = row.get("flags")
    flags = list(flags) if isinstance(flags, list | tuple) or hasattr(flags, "tolist") else []
    gap = row.get("gap_points")
    if gap is None and row.get("target_pct") is not None and row.get("pct_disbursed") is not None:
        gap = row["pct_disbursed"] - row["target_pct"]
    groups = [
        [
            (ctx.t("แผน", "Plan"), word(PLAN_TYPES, row.get("owner_type"), ctx.lang)),
            (ctx.t("เจ้าของแผน", "Plan owner"), ctx.name(row.get("owner_name_th"), row.get("owner_name_en"))),
            (ctx.t("จังหวัด", "Province"), area(reference.provinces(), "province_code", row.get("province_code"))),
            (ctx.t("กลุ่มจังหวัด", "Cluster"), area(reference.clusters(), "cluster_code", row.get("cluster_code"))),
            (ctx.t("ภาค", "Region"), area(reference.regions(), "region", row.get("region"))),
            (ctx.t("ประเภทงบ", "Budget type"), word(BUDGET_TYPES, row.get("budget_type"), ctx.lang)),
            (ctx.t("หน่วยดำเนินการ", "Implementing agency"), row.get("implementing_agency")),
            (ctx.t("รหัส eMENSCR", "eMENSCR code"), row.get("emenscr_code")),
        ],
        [
            (ctx.t("งบประมาณที่ได้รับจัดสรร", "Allocated"), money("allocated_amount")),
            (ctx.t("โอนเข้า", "Reallocated in"), money("reallocated_in")),
            (ctx.t("โอนออก", "Reallocated out"), money("reallocated_out")),
            (ctx.t("งบประมาณปัจจุบัน", "Current allocation"), money("current_allocation")),
            (ctx.t("วงเงินตามสัญญา", "Contract amount"), money("contract_amount")),
            (ctx.t("ก่อหนี้ผูกพัน", "Committed"), money("committed")),
            (ctx.t("เบิกจ่ายแล้ว", "Disbursed"), money("disbursed")),
            (ctx.t("เบิกจากเงินกันเหลื่อมปี", "Paid from carry-over"), money("disbursed_carryover")),
            (ctx.t("คงเหลือ", "Remaining"), money("remaining")),
            (ctx.t("เงินที่เสี่ยง", "Money at risk"), money("money_at_risk")),
        ],
        [
            (ctx.t("ร้อยละเบิกจ่าย", "% disbursed"), percent(row.get("pct_disbursed"))),
            (ctx.t("เป้าหมายของประเภทงบ (ร้อยละ)", "Target for its budget type (%)"), percent(row.get("target_pct"))),
            (ctx.t("ห่างเป้า (จุด)", "Gap (points)"), signed(gap)),
            *([(ctx.t("สถานะ", "Status"), word(STATUSES, row["status"], ctx.lang))] if "status" in row else []),
            (ctx.t("วันเริ่มโครงการ", "Planned start"), ctx.date(_day(row.get("planned_start")))),
            (ctx.t("กำหนดแล้วเสร็จ", "Planned end"), ctx.date(_day(row.get("planned_end")))),
            (ctx.t("วันที่ลงนามสัญญา", "Contract signed"), ctx.date(_day(row.get("contract_date")))),
            (ctx.t("เบิกจ่ายครั้งล่าสุด", "Last payment"), ctx.date(_day(row.get("last_payment_date")))),
        ],
    ]
    with st.container(border=True, key=f"project_detail_{row['project_code']}"):
        st.markdown(f"**{markdown_text(row['project_code'])}** · {markdown_text(row.get('project_name'))}")
        for column, fields in zip(st.columns(3), groups, strict=True):
            with column:
                st.markdown("  \n".join(f"{name}: **{markdown_text(value)}**" for name, value in fields))
        flag_words = ", ".join(word(FLAGS, code, ctx.lang) for code in flags) or ctx.t("ไม่มี", "none")
        st.markdown(f"{ctx.t('ข้อสังเกต', 'Flags')}: **{markdown_text(flag_words)}**")
        reasons = row.get("reasons_th" if ctx.lang == "th" else "reasons_en")
        if isinstance(reasons, str) and reasons:
            st.markdown(
                f"{ctx.t('เหตุผล', 'Why')}:  \n"
                + "  \n".join(f"• {markdown_text(part)}" for part in reasons.split("; "))
            )
