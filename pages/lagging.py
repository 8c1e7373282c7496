"""Lagging projects (โครงการล่าช้า): the provincial offices' weekly to-do list.

Projects flagged by the rules in `budget_metrics.lagging` (thresholds from reference
data), each with its reasons in words, sorted by money at risk, filterable by
province, cluster, agency and flag, downloadable as CSV and Excel.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from budget_metrics import reference
from budget_metrics.lagging import lagging_projects
from ui.context import PageContext, page_context
from ui.widgets import (
    LAGGING_DOWNLOAD_COLUMNS,
    GridColumn,
    KpiCard,
    cached,
    download_buttons,
    kpi_cards,
    no_data,
    project_detail,
    project_grid,
    render_safely,
)
from vocabulary import BUDGET_TYPES, FLAGS, word

# What a provincial office came for first, sized to fit 1400 px without sideways scrolling (the
# code pinned); the rest of each project's fields follow, and all of them are in the
# detail panel of a selected row.
GRID_COLUMNS = [
    GridColumn("project_code", "รหัสโครงการ", "Code", width=96, pinned=True),
    GridColumn("project_name", "ชื่อโครงการ", "Project", width=190),
    GridColumn("owner_name", "จังหวัด / กลุ่ม", "Province / cluster", width=118),
    GridColumn("pct_disbursed", "% เบิกจ่าย", "% paid", "pct", width=74),
    GridColumn("money_at_risk", "เงินที่เสี่ยง (ลบ.)", "At risk (m฿)", "money", width=100),
    GridColumn("reasons", "เหตุผล", "Why", width=300),
    GridColumn("flag_names", "ข้อสังเกต", "Flags", width=220),
    GridColumn("implementing_agency", "หน่วยดำเนินการ", "Implementing agency", width=200),
    GridColumn("budget_type_name", "ประเภทงบ", "Budget type", width=110),
    GridColumn("current_allocation", "งบประมาณ (ลบ.)", "Allocation (m฿)", "money", width=110),
    GridColumn("disbursed", "เบิกจ่าย (ลบ.)", "Disbursed (m฿)", "money", width=110),
    GridColumn("target_pct", "เป้าหมาย %", "Target %", "pct", width=84),
    GridColumn("last_payment_date", "เบิกจ่ายครั้งล่าสุด", "Last payment", "date", width=120),
]


def flag_names(table: pd.DataFrame, context: PageContext) -> list[str]:
    """Each project's flags in words, comma-separated."""
    return [", ".join(word(FLAGS, code, context.lang) for code in flags) for flags in table["flags"]]


def rules_text(context: PageContext) -> str:
    """The flag rules with the current thresholds, in words."""
    limits = reference.thresholds()
    cutoff = f"{int(limits['no_contract_cutoff_day'])}/{int(limits['no_contract_cutoff_month'])}"
    return context.t(
        f"เกณฑ์: เบิกจ่ายต่ำกว่าเป้าหมายของประเภทงบ (งบลงทุนเทียบเป้าหมายงบลงทุน งบอื่นเทียบเป้าหมายภาพรวม) เกิน "
        f"{limits['behind_target_points']:g} จุด · งบลงทุนที่ยังมีงบประมาณแต่ยังไม่ลงนามสัญญา"
        f"ภายใน {cutoff} ของปีงบประมาณ · ไม่มีการเบิกจ่าย {limits['idle_weeks']:g} สัปดาห์ขึ้นไป "
        f"({limits['idle_weeks'] * 7:g} วันนับรวมวันครบกำหนด) ทั้งที่ยังเบิกไม่ครบ · "
        "เกินกำหนดสิ้นสุดโครงการแต่ยังเบิกจ่ายไม่ครบ (ปรับเกณฑ์ได้ที่ data/reference/thresholds.toml)",
        f"Rules: more than {limits['behind_target_points']:g} points behind the target of its budget type "
        "(investment against the investment target, others against the overall target) · investment project "
        f"with allocation left and no contract by {cutoff} of the fiscal year · no payment for "
        f"{limits['idle_weeks']:g} weeks or more ({limits['idle_weeks'] * 7:g} days, that day included) "
        "while not fully paid · past planned end and not fully paid "
        "(thresholds in data/reference/thresholds.toml)")


def render() -> None:
    context = page_context()
    st.title(context.t("โครงการล่าช้า", "Lagging projects"))
    st.caption(context.t(f"ข้อมูล ณ วันที่ {context.date(context.as_of_shown)} · เรียงตามเงินที่เสี่ยง (งบคงเหลือที่ยังไม่เบิกจ่าย)",
                         f"As of {context.date(context.as_of_shown)} · sorted by money at risk (allocation not yet paid)"))
    st.caption(rules_text(context))

    with st.spinner(context.t("กำลังตรวจสอบโครงการ…", "Checking projects…")):
        table = cached(lagging_projects, context.filters)
    if table.empty:
        no_data(context.t("ไม่พบโครงการล่าช้าตามตัวกรองที่เลือก", "no lagging projects for the chosen filters"))
        return

    name_col = "name_th" if context.lang == "th" else "name_en"
    provinces = reference.provinces().set_index("province_code")[name_col].to_dict()
    clusters = reference.clusters().set_index("cluster_code")[name_col].to_dict()
    columns = st.columns(4)
    with columns[0]:
        chosen_flags = st.multiselect(context.t("ข้อสังเกต", "Flag"), list(FLAGS), key="lagging_flags",
                                      format_func=lambda code: word(FLAGS, code, context.lang),
                                      placeholder=context.t("ทุกข้อ", "All flags"))
    with columns[1]:
        province_options = sorted({code for code in table["province_code"].dropna()}, key=lambda c: provinces.get(c, c))
        chosen_provinces = st.multiselect(context.t("จังหวัด", "Province"), province_options, key="lagging_provinces",
                                          format_func=lambda code: provinces.get(code, code),
                                          placeholder=context.t("ทุกจังหวัด", "All provinces"))
    with columns[2]:
        cluster_options = sorted({code for code in table["cluster_code"].dropna()})
        chosen_clusters = st.multiselect(context.t("กลุ่มจังหวัด", "Cluster"), cluster_options, key="lagging_clusters",
                                         format_func=lambda code: clusters.get(code, code),
                                         placeholder=context.t("ทุกกลุ่มจังหวัด", "All clusters"))
    with columns[3]:
        agency_options = sorted({str(agency) for agency in table["implementing_agency"].dropna()})
        chosen_agencies = st.multiselect(context.t("หน่วยดำเนินการ", "Implementing agency"), agency_options,
                                         key="lagging_agencies",
                                         placeholder=context.t("ทุกหน่วยงาน", "All agencies"))

    mask = pd.Series(True, index=table.index)
    if chosen_flags:
        mask &= table[[f"flag_{code}" for code in chosen_flags]].any(axis=1)
    if chosen_provinces:
        mask &= table["province_code"].isin(chosen_provinces)
    if chosen_clusters:
        mask &= table["cluster_code"].isin(chosen_clusters)
    if chosen_agencies:
        mask &= table["implementing_agency"].isin(chosen_agencies)
    table = table[mask]
    if table.empty:
        no_data(context.t("ไม่มีโครงการตามเงื่อนไขที่เลือก", "no projects match these choices"))
        return

    unit = context.million_baht
    kpi_cards([
        KpiCard(context.t("โครงการที่มีข้อสังเกต", "Flagged projects"), f"{len(table):,}"),
        KpiCard(context.t(f"เงินที่เสี่ยง ({unit})", f"Money at risk ({unit})"),
                context.money(table["money_at_risk"].sum()),
                help=context.t("งบประมาณจัดสรรปัจจุบันที่ยังไม่ได้เบิกจ่าย", "current allocation not yet paid")),
        *[KpiCard(word(FLAGS, code, context.lang), f"{int(table[f'flag_{code}'].sum()):,}")
          for code in ("behind_target", "no_contract")],
        *[KpiCard(word(FLAGS, code, context.lang), f"{int(table[f'flag_{code}'].sum()):,}")
          for code in ("idle", "past_end")],
    ], per_row=3)

    owner_name = table["owner_name_th" if context.lang == "th" else "owner_name_en"]
    budget_names = [word(BUDGET_TYPES, v, context.lang) for v in table["budget_type"]]
    grid = table.assign(
        # 'กลุ่ม…' instead of 'กลุ่มจังหวัด…', so a cluster's name fits its narrow column
        owner_name=[str(name).replace("กลุ่มจังหวัด", "กลุ่ม", 1) for name in owner_name],
        flag_names=flag_names(table, context), budget_type_name=budget_names,
        reasons=table["reasons_th" if context.lang == "th" else "reasons_en"])
    selected = project_grid(grid, GRID_COLUMNS, context, key="lagging_grid", height=560)
    if selected is not None:
        project_detail(selected, context)
    download_buttons(table, "lagging", context, LAGGING_DOWNLOAD_COLUMNS, key="lagging")


render_safely(render)
