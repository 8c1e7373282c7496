"""Lagging projects (โครงการล่าช้า): the provincial offices' weekly to-do list.

Projects flagged by the rules in `budget_metrics.lagging` (thresholds from reference
data), each with its reasons in words, sorted by money at risk, for the sidebar's area
(province, cluster, region, budget and plan type), filterable by flag and implementing
agency (kept in the URL: ?flag=idle&agency=...), downloadable as CSV and Excel.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from budget_metrics import reference
from budget_metrics.lagging import FLAGS, lagging_projects
from ui.context import PageContext, page_context
from ui.controls import page_choice
from ui.labels import BUDGET_TYPE_LABELS, label
from ui.widgets import (
    KpiCard,
    cached,
    download_buttons,
    kpi_cards,
    money_column,
    no_data,
    percent_column,
    render_safely,
)


def rules_text(context: PageContext) -> str:
    """The flag rules with the current thresholds, in words."""
    limits = reference.thresholds()
    cutoff = f"{int(limits['no_contract_cutoff_day'])}/{int(limits['no_contract_cutoff_month'])}"
    return context.t(
        f"เกณฑ์: เบิกจ่ายต่ำกว่าเป้าหมายของประเภทงบ (งบลงทุนเทียบเป้าหมายงบลงทุน งบอื่นเทียบเป้าหมายภาพรวม) เกิน "
        f"{limits['behind_target_points']:g} จุด · งบลงทุนที่ยังมีงบประมาณแต่ยังไม่ลงนามสัญญา"
        f"ภายใน {cutoff} ของปีงบประมาณ · ไม่มีการเบิกจ่าย {limits['idle_weeks']:g} สัปดาห์ขึ้นไป "
        f"({limits['idle_weeks'] * 7:g} วันนับรวมวันครบกำหนด) ทั้งที่ยังเบิกไม่ครบ · "
        "เกินกำหนดสิ้นสุดโครงการแต่ยังเบิกจ่ายไม่ครบ (ผู้ดูแลระบบปรับเกณฑ์ได้)",
        f"Rules: more than {limits['behind_target_points']:g} points behind the target of its budget type "
        "(investment against the investment target, others against the overall target) · investment project "
        f"with allocation left and no contract by {cutoff} of the fiscal year · no payment for "
        f"{limits['idle_weeks']:g} weeks or more ({limits['idle_weeks'] * 7:g} days, that day included) "
        "while not fully paid · past planned end and not fully paid "
        "(the system administrator can change the thresholds)")


def render() -> None:
    context = page_context()
    st.title(context.t("โครงการล่าช้า", "Lagging projects"))
    cards = st.container()  # the headline counts first (also on a phone), filled once filtered
    st.caption(context.t(f"{context.area_text()} · ข้อมูล ณ วันที่ {context.date(context.as_of_shown)} · "
                         "เรียงตามเงินที่เสี่ยง (งบคงเหลือที่ยังไม่เบิกจ่าย)",
                         f"{context.area_text()} · as of {context.date(context.as_of_shown)} · "
                         "sorted by money at risk (allocation not yet paid)"))

    with st.spinner(context.t("กำลังตรวจสอบโครงการ…", "Checking projects…")):
        table = cached(lagging_projects, context.filters)
    if table.empty:
        no_data(context.t("ไม่พบโครงการล่าช้าตามตัวกรองที่เลือก", "no lagging projects for the chosen filters"))
        st.caption(rules_text(context))
        return

    # Province, cluster, region, plan and budget type are the sidebar's; these two are
    # this page's own, kept in the URL.
    columns = st.columns(2)
    with columns[0]:
        chosen_flags = page_choice(st.multiselect, "flag", context.t("ข้อสังเกต", "Flag"), list(FLAGS), multi=True,
                                   format_func=lambda code: label(FLAGS, code, context.lang),
                                   placeholder=context.t("ทุกข้อ", "All flags"))
    with columns[1]:
        agency_options = sorted({str(agency) for agency in table["implementing_agency"].dropna()})
        chosen_agencies = page_choice(st.multiselect, "agency", context.t("หน่วยดำเนินการ", "Implementing agency"),
                                      agency_options, multi=True,
                                      placeholder=context.t("ทุกหน่วยงาน", "All agencies"))
    st.caption(rules_text(context))

    mask = pd.Series(True, index=table.index)
    if chosen_flags:
        mask &= table[[f"flag_{code}" for code in chosen_flags]].any(axis=1)
    if chosen_agencies:
        mask &= table["implementing_agency"].isin(chosen_agencies)
    table = table[mask]
    if table.empty:
        with cards:
            no_data(context.t("ไม่มีโครงการตามเงื่อนไขที่เลือก", "no projects match these choices"))
        return

    unit = context.million_baht
    with cards:  # the slot above the filters
        kpi_cards([
            KpiCard(context.t("โครงการที่มีข้อสังเกต", "Flagged projects"), f"{len(table):,}"),
            KpiCard(context.t(f"เงินที่เสี่ยง ({unit})", f"Money at risk ({unit})"),
                    context.money(table["money_at_risk"].sum()),
                    help=context.t("งบประมาณจัดสรรปัจจุบันที่ยังไม่ได้เบิกจ่าย", "current allocation not yet paid")),
            *[KpiCard(label(FLAGS, code, context.lang), f"{int(table[f'flag_{code}'].sum()):,}")
              for code in ("behind_target", "no_contract")],
            *[KpiCard(label(FLAGS, code, context.lang), f"{int(table[f'flag_{code}'].sum()):,}")
              for code in ("idle", "past_end")],
        ], per_row=3)

    owner_name = table["owner_name_th" if context.lang == "th" else "owner_name_en"]
    shown = pd.DataFrame({
        context.t("รหัสโครงการ", "Project code"): table["project_code"],
        context.t("ชื่อโครงการ", "Project"): table["project_name"],
        context.t("เจ้าของแผน", "Plan owner"): owner_name,
        context.t("หน่วยดำเนินการ", "Implementing agency"): table["implementing_agency"],
        context.t("ประเภทงบ", "Budget type"): [label(BUDGET_TYPE_LABELS, v, context.lang) for v in table["budget_type"]],
        context.t(f"งบประมาณ ({unit})", f"Allocation ({unit})"): table["current_allocation"] / 1e6,
        context.t(f"เบิกจ่าย ({unit})", f"Disbursed ({unit})"): table["disbursed"] / 1e6,
        context.t("ร้อยละเบิกจ่าย", "% disbursed"): table["pct_disbursed"],
        context.t("เป้าหมายของประเภทงบ", "Target for its budget type %"): table["target_pct"],
        context.t(f"เงินที่เสี่ยง ({unit})", f"Money at risk ({unit})"): table["money_at_risk"] / 1e6,
        context.t("ข้อสังเกต", "Flags"): [", ".join(label(FLAGS, f, context.lang) for f in flags)
                                          for flags in table["flags"]],
        context.t("เหตุผล", "Why"): table["reasons_th" if context.lang == "th" else "reasons_en"],
        context.t("การเบิกจ่ายครั้งล่าสุด", "Last payment"): [context.date(pd.Timestamp(d).date()) if pd.notna(d) else "-"
                                                               for d in table["last_payment_date"]],
    })
    config = {column: money_column(column) for column in (shown.columns[5], shown.columns[6], shown.columns[9])}
    config.update({column: percent_column(column) for column in shown.columns[7:9]})
    config[shown.columns[1]] = st.column_config.TextColumn(shown.columns[1], width="large")
    config[shown.columns[11]] = st.column_config.TextColumn(shown.columns[11], width="large")
    st.dataframe(shown, hide_index=True, column_config=config, width="stretch", height=560)
    download_buttons(shown, f"lagging_projects_{context.filters.fiscal_year}", key="lagging")


render_safely(render)
