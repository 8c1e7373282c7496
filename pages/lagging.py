"""Lagging projects (โครงการล่าช้า): the provincial offices' weekly to-do list.

Projects flagged by the rules in `budget_metrics.lagging` (thresholds from reference
data), each with its reasons in words, sorted by money at risk, for the sidebar's area
(province, cluster, region, budget and plan type), filterable by flag and implementing
agency (kept in the URL: ?flag=idle&agency=...), downloadable as CSV and Excel.
Each project's follow-up (ui/followup.py, ui/followup_form.py): the latest answer in the grid, the form and the
history in the selected project's detail, and for the ministry the response rates.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from appstore import writable_mask
from budget_metrics import reference
from budget_metrics.formatting import percent
from budget_metrics.lagging import lagging_projects
from budget_metrics.projection import BASES, project_projection
from exports import rules
from ui import light
from ui.auth import principal
from ui.cache import cached
from ui.context import PageContext, page_context
from ui.downloads import LAGGING_FOLLOWUP_DOWNLOAD_COLUMNS, download_buttons
from ui.followup import (
    grid_columns,
    ministry_view,
    response_summary,
    source_for,
    with_followup,
)
from ui.followup_form import followup_panel
from ui.headline import budget_scope_note
from ui.page_filters import page_choice
from ui.page_shell import markdown_text, no_data, render_safely
from ui.project_detail import project_detail
from ui.tables import GridColumn, project_grid
from vocabulary import BUDGET_TYPES, FLAGS, NO_TARGETS_SHORT, NO_TARGETS_TO_JUDGE, PROJECTION_FIGURES, pick, word

# What a provincial office came for first, sized to fit 1400 px without sideways scrolling (the
# code pinned), the follow-up column (ui/followup.grid_columns, after the reasons) included; the
# rest of each project's fields follow, and all of them are in the detail panel of a selected
# row. The two figures come right after the code, so a phone (390 px) shows them beside it.
GRID_COLUMNS = [
    GridColumn("project_code", "รหัสโครงการ", "Code", width=96, pinned=True),
    GridColumn("pct_disbursed", "% เบิกจ่าย", "% paid", "pct", width=74),
    GridColumn("money_at_risk", "เงินที่เสี่ยง (ลบ.)", "At risk (m฿)", "money", width=100),
    GridColumn("project_name", "ชื่อโครงการ", "Project", width=160),
    GridColumn("owner_name", "จังหวัด / กลุ่ม", "Province / cluster", width=104),
    GridColumn("reasons", "เหตุผล", "Why", width=150),
    # projected unspent on 30 Sep, first after the reason (which must stay in view at 1400 px);
    # the detail under the grid says it is a projection and why
    GridColumn("projected_shortfall", "คาดเบิกไม่ทัน (ลบ.)", "Likely unspent (m฿)", "money", width=128),
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
    """The flag rules with the current thresholds, in words (the same sentence as the exports')."""
    return rules.lagging_rules(context.lang) + context.t(
        " (ผู้ดูแลระบบปรับเกณฑ์ได้)", " (the system administrator can change the thresholds)"
    )


PROJECTION_DETAIL = [
    "projected_disbursed",
    "projected_pct",
    "projected_shortfall",
    "projected_carryover",
    "projected_lapse",
    "basis",
    "reason_th",
    "reason_en",
]


def with_projection(table: pd.DataFrame, context: PageContext) -> pd.DataFrame:
    """The lagging projects with their projected year end (budget_metrics.projection), by project code."""
    projected = cached(project_projection, context.filters)[["project_code", *PROJECTION_DETAIL]]
    return table.merge(
        projected.rename(columns={"reason_th": "projection_reason_th", "reason_en": "projection_reason_en"}),
        on="project_code",
        how="left",
    )


def projection_detail(row: pd.Series, context: PageContext) -> None:
    """The selected project's projected year end: what it will likely have paid by 30 Sep, what
    it will likely leave unspent, carry over or lose, and why."""
    if pd.isna(row.get("projected_disbursed")):
        return
    baht = context.t("บาท", "baht")

    def name(key: str) -> str:
        return context.t(*PROJECTION_FIGURES[key])

    fields = [
        (
            name("projected_disbursed"),
            f"{row['projected_disbursed']:,.2f} {baht} "
            + context.t(f"(ร้อยละ {row['projected_pct']:.1f})", f"({row['projected_pct']:.1f}%)"),
        ),
        (name("projected_shortfall"), f"{row['projected_shortfall']:,.2f} {baht}"),
        (name("projected_carryover"), f"{row['projected_carryover']:,.2f} {baht}"),
        (name("projected_lapse"), f"{row['projected_lapse']:,.2f} {baht}"),
        (name("basis"), word(BASES, row["basis"], context.lang)),
    ]
    with st.container(border=True, key=f"projection_detail_{row['project_code']}"):
        st.markdown(
            f"**{context.t('คาดการณ์ ณ สิ้นปีงบประมาณ (30 ก.ย.)', 'Projected year end (30 Sep)')}**  \n"
            + "  \n".join(f"{label}: **{markdown_text(value)}**" for label, value in fields)
        )
        reason = row.get("projection_reason_th" if context.lang == "th" else "projection_reason_en")
        st.markdown(f"{context.t('เหตุผล', 'Why')}: {markdown_text(reason)}")


# ---------------------------------------------------------------- the first screen (light HTML)
TOP_SHOWN = 10  # projects in the first screen's list; every one is in the "all projects" tab


def first_figures(table: pd.DataFrame, context: PageContext) -> str:
    """The counts: flagged projects and their money at risk (million baht), then each flag's
    projects and their money at risk (a project with two flags counts under both)."""
    unit = context.million_baht
    short = context.t("ลบ.", "m฿")
    items = [
        light.Figure("flagged", context.t("โครงการที่มีข้อสังเกต", "Flagged projects"), f"{len(table):,}"),
        light.Figure(
            "money_at_risk",
            context.t(f"เงินที่เสี่ยง ({unit})", f"Money at risk ({unit})"),
            context.money(table["money_at_risk"].sum()),
            context.t("งบประมาณจัดสรรปัจจุบันที่ยังไม่ได้เบิกจ่าย", "current allocation not yet paid"),
        ),
    ]
    year = context.filters.fiscal_year
    for code in FLAGS:
        flagged = table[table[f"flag_{code}"]]
        if code == "behind_target" and not reference.has_targets(year):  # no target to be behind: not "0"
            items.append(
                light.Figure(
                    f"flag_{code}",
                    word(FLAGS, code, context.lang),
                    pick(NO_TARGETS_SHORT, context.lang),
                    pick(NO_TARGETS_TO_JUDGE, context.lang).format(year=year),
                )
            )
            continue
        items.append(
            light.Figure(
                f"flag_{code}",
                word(FLAGS, code, context.lang),
                f"{len(flagged):,}",
                context.t(
                    f"เสี่ยง {context.money(flagged['money_at_risk'].sum())} {short}",
                    f"{context.money(flagged['money_at_risk'].sum())} {short} at risk",
                ),
            )
        )
    return light.figures(items)


def projection_html(row: dict, context: PageContext) -> str:
    """A project's projected year end in words (HTML), '' without a projection."""
    if pd.isna(row.get("projected_disbursed")):
        return ""
    baht = context.t("บาท", "baht")

    def name(key: str) -> str:
        return light.text(context.t(*PROJECTION_FIGURES[key]))

    fields = [
        (
            name("projected_disbursed"),
            f"{row['projected_disbursed']:,.2f} {baht} "
            + context.t(f"(ร้อยละ {row['projected_pct']:.1f})", f"({row['projected_pct']:.1f}%)"),
        ),
        (name("projected_shortfall"), f"{row['projected_shortfall']:,.2f} {baht}"),
        (name("projected_carryover"), f"{row['projected_carryover']:,.2f} {baht}"),
        (name("projected_lapse"), f"{row['projected_lapse']:,.2f} {baht}"),
        (name("basis"), word(BASES, row["basis"], context.lang)),
    ]
    reason = row.get("projection_reason_th" if context.lang == "th" else "projection_reason_en")
    return (
        f'<div class="bm-proj" data-figure="projection"><b>'
        f"{light.text(context.t('คาดการณ์ ณ สิ้นปีงบประมาณ (30 ก.ย.)', 'Projected year end (30 Sep)'))}</b><br>"
        + "<br>".join(f"{label}: <b>{light.text(value)}</b>" for label, value in fields)
        + f"<br>{light.text(context.t('เหตุผล', 'Why'))}: {light.text(reason)}</div>"
    )


def top_items(table: pd.DataFrame, context: PageContext) -> list[str]:
    """One disclosure per project, largest money at risk first: code, name, province or cluster,
    % paid against its target, money at risk and its flags; open, the reasons in full, its money
    and dates, its latest follow-up answer and its projected year end."""
    short = context.t("ลบ.", "m฿")
    items = []
    for position, row in enumerate(table.to_dict("records"), start=1):
        owner = str(context.name(row["owner_name_th"], row["owner_name_en"])).replace("กลุ่มจังหวัด", "กลุ่ม", 1)
        flags = ", ".join(word(FLAGS, code, context.lang) for code in row["flags"])
        target = (
            f"{context.t('เป้าหมาย', 'target')} {percent(row['target_pct'])}%"
            if not pd.isna(row["target_pct"])
            else pick(NO_TARGETS_SHORT, context.lang)  # a year without cabinet targets
        )
        summary = (
            f'{position}. <b data-figure="code">{light.text(row["project_code"])}</b> '
            f"{light.text(row['project_name'])} · {light.text(owner)} · "
            f'{light.text(context.t("เบิกจ่าย", "paid"))} <span data-figure="pct">'
            f"{percent(row['pct_disbursed'])}</span>% "
            f"({light.text(target)}) · "
            f'<span class="bm-at-risk">{light.text(context.t("เสี่ยง", "at risk"))} '
            f'<span data-figure="money_at_risk">{context.money(row["money_at_risk"])}</span> {short}</span>'
            f'<br><span class="bm-muted">{light.text(flags)}</span>'
        )
        reasons = str(row["reasons_th" if context.lang == "th" else "reasons_en"] or "")
        last_paid = row.get("last_payment_date")
        facts = [
            (context.t("งบประมาณปัจจุบัน", "Current allocation"), f"{context.money(row['current_allocation'])} {short}"),
            (context.t("เบิกจ่ายแล้ว", "Disbursed"), f"{context.money(row['disbursed'])} {short}"),
            (
                context.t("เบิกจ่ายครั้งล่าสุด", "Last payment"),
                context.date(None if pd.isna(last_paid) else pd.Timestamp(last_paid).date()),
            ),
            (context.t("หน่วยดำเนินการ", "Implementing agency"), row.get("implementing_agency") or "-"),
            (context.t("การชี้แจง", "Follow-up"), row.get("followup") or "-"),
        ]
        body = (
            light.meter(row["pct_disbursed"], row["target_pct"], "behind")
            + f'<div data-figure="reasons"><b>{light.text(context.t("เหตุผล", "Why"))}</b><ul>'
            + "".join(f"<li>{light.text(part)}</li>" for part in reasons.split("; ") if part)
            + "</ul></div><div>"
            + " · ".join(f"{light.text(name)}: <b>{light.text(value)}</b>" for name, value in facts)
            + "</div>"
            + projection_html(row, context)
        )
        items.append(light.details(summary, body, light.status_colour("behind"), key=str(row["project_code"])))
    return items


def top_view(table: pd.DataFrame, context: PageContext) -> None:
    """The projects with the most money at risk as a light list (no grid)."""
    shown = table.head(TOP_SHOWN)
    st.caption(
        context.t(
            f"{len(shown):,} โครงการที่มีเงินที่เสี่ยงมากที่สุดจาก {len(table):,} โครงการ · "
            "คลิกเพื่อดูเหตุผลและคาดการณ์สิ้นปี · "
            'ทุกโครงการ รายละเอียดทุกช่อง และการบันทึกคำชี้แจง อยู่ในแท็บ "ทุกโครงการ"',
            f"The {len(shown):,} projects with the most money at risk of {len(table):,} · "
            "click one for its reasons and "
            'projected year end · every project, every field and the follow-up form are in the "All projects" tab',
        )
    )
    st.html(light.risk_list(top_items(shown, context)))


K_VIEW = "lagging_view"  # the open tab ('top', 'all', 'followup'), whatever the language
K_SELECTED = "lagging_selected_project"  # the selected project's code, whatever the language
K_GRID_CODES = "lagging_grid_codes"  # the grid's project codes as last drawn, in order
GRID_KEY = "lagging_grid"


def keep_view(tab_key: str, labels: dict[str, str]) -> None:
    """Tab callback: keep the tab the user opened (its view, whatever the language)."""
    opened = st.session_state.get(tab_key)
    st.session_state[K_VIEW] = next((view for view, label in labels.items() if label == opened), None)


def keep_selection(grid: pd.DataFrame) -> None:
    """Keep the selected project selected, by its code: Streamlit keeps a row number, which names
    another project once the rows change (another filter, a role read again) and is forgotten while
    the grid is not drawn (another tab). A half-typed follow-up thus stays open across a language
    switch, a tab and a filter that keeps the project; a click of the user's own always wins."""
    codes = [str(code) for code in grid["project_code"]]
    drawn, st.session_state[K_GRID_CODES] = st.session_state.get(K_GRID_CODES), codes
    kept = st.session_state.get(K_SELECTED)
    if kept is None or (GRID_KEY in st.session_state and drawn == codes):
        return
    rows = [codes.index(kept)] if kept in codes else []
    st.session_state[GRID_KEY] = {"selection": {"rows": rows, "columns": [], "cells": []}}


def all_view(table: pd.DataFrame, context: PageContext, who, source) -> None:
    """Every flagged project in a grid; a selected row opens its detail, projection and follow-up."""
    owner_name = table["owner_name_th" if context.lang == "th" else "owner_name_en"]
    budget_names = [word(BUDGET_TYPES, v, context.lang) for v in table["budget_type"]]
    grid = table.assign(
        # 'กลุ่ม…' instead of 'กลุ่มจังหวัด…', so a cluster's name fits its narrow column
        owner_name=[str(name).replace("กลุ่มจังหวัด", "กลุ่ม", 1) for name in owner_name],
        flag_names=flag_names(table, context),
        budget_type_name=budget_names,
        reasons=table["reasons_th" if context.lang == "th" else "reasons_en"],
    )
    keep_selection(grid)
    selected = project_grid(grid, grid_columns(GRID_COLUMNS), context, key=GRID_KEY, height=560)
    st.session_state[K_SELECTED] = None if selected is None else str(selected["project_code"])
    if selected is not None:
        project_detail(selected, context)
        projection_detail(selected, context)
        followup_panel(selected, who, context, source)


def view_labels(context: PageContext) -> dict[str, str]:
    """The tabs' labels by view: the light top list first (open on arrival), then the grid."""
    return {
        "top": context.t(f"{TOP_SHOWN} อันดับเงินที่เสี่ยงสูงสุด", f"Top {TOP_SHOWN} by money at risk"),
        "all": context.t("ทุกโครงการ", "All projects"),
        "followup": context.t("การชี้แจงของจังหวัด", "Follow-up by the provinces"),
    }


def render() -> None:
    context = page_context()
    st.title(context.t("โครงการล่าช้า", "Lagging projects"))
    cards = st.container()  # the headline counts first (also on a phone), filled once filtered
    st.caption(
        context.t(
            f"{context.area_text()} · ข้อมูล ณ วันที่ {context.date(context.as_of_shown)} · "
            "โครงการที่ยังมีเงินต้องเบิกจ่าย (โครงการที่เบิกจ่ายครบแล้วไม่อยู่ในรายการ) "
            "เรียงตามเงินที่เสี่ยง (งบคงเหลือที่ยังไม่เบิกจ่าย)",
            f"{context.area_text()} · as of {context.date(context.as_of_shown)} · "
            "projects with money still to pay (fully paid projects are not listed), "
            "sorted by money at risk (allocation not yet paid)",
        )
    )
    budget_scope_note(context)

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
        chosen_flags = page_choice(
            st.multiselect,
            "flag",
            context.t("ข้อสังเกต", "Flag"),
            list(FLAGS),
            multi=True,
            format_func=lambda code: word(FLAGS, code, context.lang),
            placeholder=context.t("ทุกข้อ", "All flags"),
        )
    with columns[1]:
        agency_options = sorted({str(agency) for agency in table["implementing_agency"].dropna()})
        chosen_agencies = page_choice(
            st.multiselect,
            "agency",
            context.t("หน่วยดำเนินการ", "Implementing agency"),
            agency_options,
            multi=True,
            placeholder=context.t("ทุกหน่วยงาน", "All agencies"),
        )
    st.caption(rules_text(context))

    who = principal()
    source = source_for(context)
    table = with_followup(table, context, source)  # each project's latest follow-up answer
    flagged_in_area = table
    mask = pd.Series(True, index=table.index)
    if (
        who.role in ("province", "cluster")
        and not who.local
        and st.toggle(context.t("เฉพาะโครงการในพื้นที่ของฉัน", "Only my area's projects"), value=True, key="followup_mine")
    ):
        mask &= writable_mask(who, table)
    if chosen_flags:
        mask &= table[[f"flag_{code}" for code in chosen_flags]].any(axis=1)
    if chosen_agencies:
        mask &= table["implementing_agency"].isin(chosen_agencies)
    table = table[mask]
    if table.empty:
        with cards:
            no_data(context.t("ไม่มีโครงการตามเงื่อนไขที่เลือก", "no projects match these choices"))
        return

    with cards:  # the slot above the filters: light HTML, no grid or chart on the first screen
        st.html(light.style_tag() + first_figures(table, context))

    table = with_projection(table, context)
    labels = view_labels(context)
    views = ["top", "all", *(["followup"] if ministry_view(who) else [])]
    # only the open tab runs; one key per language (a tab's value is its label), opened on the tab
    # kept under K_VIEW (a click keeps it, in a callback, before this run), so switching language,
    # or a role read again that adds or removes a tab, keeps the grid and the selected project open
    tab_key, kept_view = f"lagging_view.{context.lang}", st.session_state.get(K_VIEW)
    if kept_view in views:  # set on every run: a changed set of tabs is a new widget to Streamlit
        st.session_state[tab_key] = labels[kept_view]
    tabs = st.tabs([labels[view] for view in views], key=tab_key, on_change=keep_view, args=(tab_key, labels))
    for tab, view in zip(tabs, views, strict=True):
        if not tab.open:
            continue
        st.session_state[K_VIEW] = view
        with tab:
            if view == "top":
                top_view(table, context)
            elif view == "all":
                all_view(table, context, who, source)
            else:
                response_summary(flagged_in_area, context, source)
    download_buttons(table, "lagging", context, LAGGING_FOLLOWUP_DOWNLOAD_COLUMNS, key="lagging")


render_safely(render)
