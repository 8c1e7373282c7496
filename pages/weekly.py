"""Weekly snapshots (รายงานประจำสัปดาห์): the weekly export files, the frozen weeks, two weeks
compared (KPI deltas, movers, newly flagged / cleared projects) and live-vs-frozen differences.
Layout only: the numbers come from budget_metrics.snapshots and exports (the read side).

What a user reads first is light HTML (ui/light.py, ui/headline.py: no data grid, so it draws
as fast as text): the latest snapshots, and the two weeks compared — both target lines against
their own targets with the change, the flagged projects, the money, the top movers and the
projects newly flagged or cleared. Every full table is one click away in an expander that runs
only when opened, with its CSV / Excel download.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from budget_metrics import Filters
from budget_metrics import snapshots as snaps
from budget_metrics.formatting import format_datetime, percent, signed
from exports.export import download_for, download_name
from ui import light
from ui.context import PageContext, page_context
from ui.controls import page_choice
from ui.headline import line_cards, money_html, since_words
from ui.widgets import (
    cached,
    data_table,
    no_data,
    render_safely,
    snapshot_changes,
    snapshot_differences_table,
)
from vocabulary import FLAGS, word

SNAPSHOTS_SHOWN = 5  # the latest snapshots listed in HTML; all of them one click away
MOVERS_SHOWN = 5  # rows of each movers / flagged list in HTML; the full tables one click away


def _export_filters(ctx: PageContext) -> Filters:
    """The CLI's export scope for the sidebar's choice: fiscal year, as-of date and one area."""
    return Filters(fiscal_year=ctx.filters.fiscal_year, as_of=ctx.as_of_shown or ctx.filters.as_of,
                   province=ctx.filters.province,
                   cluster=None if ctx.filters.province else ctx.filters.cluster)


def _downloads(ctx: PageContext) -> None:
    st.subheader(ctx.t("ไฟล์รายงานประจำสัปดาห์", "Weekly export files"))
    filters = _export_filters(ctx)
    if filters.as_of is None:
        no_data(ctx.t("ยังไม่ทราบวันที่ข้อมูล", "no as-of date yet"))
        return
    area = ctx.area_text() if filters.province or filters.cluster else ctx.t("ทั้งประเทศ", "national")
    st.caption(ctx.t(
        f"ข้อมูล ณ วันที่ {ctx.date(filters.as_of)} · {area} · ไฟล์เดียวกับรายงานที่ส่งออกประจำสัปดาห์ "
        "(ตัวกรองภาค แผน และงบรายจ่ายไม่มีผลกับไฟล์ส่งออก)",
        f"As of {ctx.date(filters.as_of)} · {area} · the same files as the weekly export "
        "(region, plan and budget-type filters do not apply to exports)"))
    columns = st.columns(3)
    labels = {"xlsx": ("Excel สำหรับเจ้าหน้าที่", "Excel workbook"),
              "pdf": ("PDF สรุปผู้บริหาร", "PDF executive brief"),
              "csv": ("CSV ทุกตาราง (zip)", "CSV tables (zip)")}
    mimes = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
             "pdf": "application/pdf", "csv": "application/zip"}
    for column, fmt in zip(columns, ("xlsx", "pdf", "csv"), strict=True):
        with column:
            st.download_button(
                ctx.t(*labels[fmt]), data=lambda fmt=fmt: download_for(filters, fmt),
                file_name=download_name(filters, fmt), mime=mimes[fmt], key=f"weekly_{fmt}",
                icon=":material/download:", on_click="ignore", width="stretch")


def _snapshot_label(row, ctx: PageContext) -> str:
    return ctx.t(f"{ctx.date(row.as_of)} (หมายเลข {row.snapshot_id})",
                 f"{ctx.date(row.as_of)} (id {row.snapshot_id})")


SNAPSHOT_COLUMNS = [
    ("snapshot_id", "หมายเลข", "ID", "int"),
    ("as_of", "ข้อมูล ณ วันที่", "As of", "date"),
    ("taken_at_text", "บันทึกเมื่อ", "Taken at", "text"),
    ("projects", "โครงการ", "Projects", "int"),
    ("disbursed", "เบิกจ่าย", "Disbursed", "money"),
    ("pct_disbursed", "ภาพรวม: เบิกจ่าย", "Overall: disbursed", "pct"),
    ("investment_pct", "งบลงทุน: เบิกจ่าย", "Investment: disbursed", "pct"),
    ("source_load_ids", "ไฟล์ข้อมูล (load)", "Source loads", "text"),
]


def _list(frame: pd.DataFrame, ctx: PageContext) -> None:
    """The latest snapshots as a light table; all of them (grid and download) one click away."""
    frame = frame.assign(taken_at_text=[format_datetime(t, ctx.lang) for t in frame["taken_at"]])  # BE in Thai
    latest = frame.head(SNAPSHOTS_SHOWN)
    rows = [(ctx.date(row.as_of), [
        f'<span data-figure="{row.snapshot_id}.id">{row.snapshot_id}</span>',
        light.text(row.taken_at_text),
        f'<span data-figure="{row.snapshot_id}.projects">{row.projects:,}</span>',
        f'<span data-figure="{row.snapshot_id}.disbursed">{ctx.money(row.disbursed)}</span>',
        f'<span data-figure="{row.snapshot_id}.overall">{percent(row.pct_disbursed)}</span>',
        f'<span data-figure="{row.snapshot_id}.investment">{percent(row.investment_pct)}</span>',
    ]) for row in latest.itertuples(index=False)]
    headers = [ctx.t("ข้อมูล ณ วันที่", "As of"), ctx.t("หมายเลข", "ID"), ctx.t("บันทึกเมื่อ", "Taken at"),
               ctx.t("โครงการ", "Projects"), ctx.t(f"เบิกจ่าย ({ctx.million_baht})", f"Disbursed ({ctx.million_baht})"),
               ctx.t("ภาพรวม: เบิกจ่าย %", "Overall: % disbursed"),
               ctx.t("งบลงทุน: เบิกจ่าย %", "Investment: % disbursed")]
    table = light.figure_table(headers, rows, "snapshots")
    st.html(light.style_tag() + f'<section data-card="snapshots">{table}</section>')
    everything = st.expander(ctx.t(f"ภาพนิ่งทั้งหมดของปี ({len(frame):,}) — ตารางและดาวน์โหลด",
                                   f"All snapshots of the year ({len(frame):,}) — table and downloads"),
                             key=f"weekly_all_snapshots.{ctx.lang}", on_change="rerun")
    if everything.open:
        with everything:
            data_table(frame, SNAPSHOT_COLUMNS, ctx, f"snapshots_{ctx.filters.fiscal_year}")


def _flags_card(comparison: snaps.Comparison, ctx: PageContext, since: str) -> str:
    """The flagged projects now, the change, and how many were newly flagged or cleared."""
    now, change = comparison.current, comparison.deltas["flagged"]
    body = (f'<div class="bm-big"><span data-figure="flagged">{now.flagged:,}</span></div>'
            f'<div class="bm-week"><b><span data-figure="flagged_change">{change:+,}</span></b> '
            f"{light.text(ctx.t('โครงการ', 'projects'))} {light.text(since)}</div>"
            + light.figures([
                light.Figure("newly_flagged", ctx.t("เริ่มล่าช้า", "Newly flagged"),
                             f"{len(comparison.newly_flagged):,}"),
                light.Figure("cleared", ctx.t("พ้นสถานะล่าช้า", "Cleared"), f"{len(comparison.cleared):,}")]))
    return light.card(ctx.t("โครงการที่มีข้อสังเกต", "Flagged projects"), body,
                      light.status_colour("behind" if now.flagged else "on_track"),
                      ctx.t(f"จาก {now.projects:,} โครงการ", f"of {now.projects:,} projects"), key="flags")


def _change(value: float | None) -> str:
    return "-" if value is None or pd.isna(value) else signed(value)


def _pct(value: float | None) -> str:
    return "-" if value is None or pd.isna(value) else percent(value)


def _movers_cards(comparison: snaps.Comparison, ctx: PageContext) -> str:
    """The provinces and projects whose % disbursed moved most, the first few of each (HTML)."""
    columns = [light.ListColumn(ctx.t("ก่อน", "Before"), lambda row: _pct(row["pct_before"])),
               light.ListColumn(ctx.t("หลัง", "After"), lambda row: _pct(row["pct_after"])),
               light.ListColumn(ctx.t("เปลี่ยน (จุด)", "Change (pts)"),
                                lambda row: f"<b>{_change(row['change_points'])}</b>"),
               light.ListColumn(ctx.t("เบิกเพิ่ม (ลบ.)", "Paid (m฿)"), lambda row: ctx.money(row["disbursed_change"]))]

    def province(row: dict) -> str:
        return light.text(ctx.name(row.get("name_th"), row.get("name_en")))

    def project(row: dict) -> str:
        area = ctx.name(row.get("owner_name_th"), row.get("owner_name_en"))
        return (f'<span class="bm-code">{light.text(row["project_code"])}</span> {light.text(row["project_name"])}'
                f'<div class="bm-sub">{light.text(area)}</div>')

    cards = []
    for frame, title, header, name, key in (
            (comparison.province_movers, ("จังหวัดที่ร้อยละเบิกจ่ายเปลี่ยนมากที่สุด", "Provinces whose % moved most"),
             ("จังหวัด", "Province"), province, "province_movers"),
            (comparison.project_movers, ("โครงการที่ร้อยละเบิกจ่ายเปลี่ยนมากที่สุด", "Projects whose % moved most"),
             ("โครงการ", "Project"), project, "project_movers")):
        body = (light.ranked_list(frame.head(MOVERS_SHOWN).to_dict("records"), columns, ctx.t(*header), name)
                if len(frame) else light.text(ctx.t("ไม่มีข้อมูล", "No data")))
        cards.append(light.card(ctx.t(*title), body, key=key))
    return light.wide(*cards)


def _flagged_cards(comparison: snaps.Comparison, ctx: PageContext) -> str:
    """The projects newly flagged as lagging and those cleared, largest money at risk first (HTML)."""
    def project(row: dict) -> str:
        area = ctx.name(row.get("owner_name_th"), row.get("owner_name_en"))
        flags = ", ".join(word(FLAGS, code, ctx.lang) for code in str(row.get("flag_codes") or "").split(",")
                          if code in FLAGS)
        return (f'<span class="bm-code">{light.text(row["project_code"])}</span> {light.text(row["project_name"])}'
                f'<div class="bm-sub">{light.text(area)} · {light.text(flags)}</div>')

    columns = [light.ListColumn(ctx.t("% เบิกจ่าย", "% paid"), lambda row: _pct(row["pct_disbursed"])),
               light.ListColumn(ctx.t("เงินที่เสี่ยง (ลบ.)", "At risk (m฿)"),
                                lambda row: ctx.money(row["money_at_risk"]))]
    cards = []
    for frame, title, empty, key, colour in (
            (comparison.newly_flagged, ("โครงการที่เริ่มล่าช้า", "Newly flagged projects"),
             ("ไม่มีโครงการที่เริ่มล่าช้า", "No newly flagged project"), "newly_flagged", "behind"),
            (comparison.cleared, ("โครงการที่พ้นสถานะล่าช้า", "Projects cleared"),
             ("ไม่มีโครงการที่พ้นสถานะล่าช้า", "No project cleared"), "cleared", "on_track")):
        shown = frame.sort_values(["money_at_risk", "project_code"], ascending=[False, True]).head(MOVERS_SHOWN)
        body = (light.ranked_list(shown.to_dict("records"), columns, ctx.t("โครงการ", "Project"), project)
                if len(frame) else light.text(ctx.t(*empty)))
        if len(frame) > len(shown):
            more = len(frame) - len(shown)
            body += (f'<div class="bm-sub">'
                     f'{light.text(ctx.t(f"และอีก {more:,} โครงการ", f"and {more:,} more"))}</div>')
        cards.append(light.card(f"{ctx.t(*title)} ({len(frame):,})", body, light.status_colour(colour), key=key))
    return light.wide(*cards)


def _comparison(comparison: snaps.Comparison, ctx: PageContext) -> None:
    """Two snapshots compared: the headline cards, the top movers and flag changes (HTML), and
    every table with its download one click away."""
    now, before = comparison.current, comparison.previous
    since = since_words(ctx, before, frozen=True)
    st.html(light.style_tag() + light.row(*line_cards(ctx, now, before, since), _flags_card(comparison, ctx, since))
            + money_html(ctx, now, before, since) + _movers_cards(comparison, ctx) + _flagged_cards(comparison, ctx))
    tables = st.expander(ctx.t("ตารางทั้งหมดและดาวน์โหลด (จังหวัด โครงการ ที่เริ่มล่าช้า และที่พ้นสถานะล่าช้า)",
                               "All tables and downloads (provinces, projects, newly flagged and cleared)"),
                         key=f"weekly_tables.{ctx.lang}", on_change="rerun")
    if tables.open:
        with tables:
            snapshot_changes(comparison, f"weekly_{now.as_of:%Y%m%d}_{before.as_of:%Y%m%d}")


def _differences(snapshot_id: int, filters: Filters, ctx: PageContext) -> None:
    differences = cached(snaps.live_vs_snapshot, snapshot_id, filters)
    shown = st.expander(ctx.t(f"ข้อมูลปัจจุบันต่างจากภาพนิ่ง ({len(differences):,} รายการ)",
                              f"Live data differs from the snapshot ({len(differences):,} rows)"),
                        key=f"weekly_differences.{ctx.lang}", on_change="rerun")
    if not shown.open:
        return
    with shown:
        st.caption(ctx.t("ตัวเลข ณ วันเดียวกันที่คำนวณจากข้อมูลปัจจุบัน เทียบกับที่บันทึกไว้ "
                         "(ไฟล์ที่โหลดภายหลังแก้ไขย้อนหลัง)",
                         "The same date's figures from today's data against the frozen ones "
                         "(later files corrected history)"))
        if differences.empty:
            st.success(ctx.t("ตรงกันทั้งหมด", "All figures agree"))
        else:
            snapshot_differences_table(differences, f"live_vs_snapshot_{snapshot_id}")


def render() -> None:
    ctx = page_context()
    st.title(ctx.t("รายงานประจำสัปดาห์", "Weekly snapshots"))
    _downloads(ctx)

    st.subheader(ctx.t("ภาพนิ่งที่บันทึกไว้", "Stored snapshots"))
    frame = cached(snaps.list_snapshots, ctx.filters.fiscal_year)
    if frame.empty:
        no_data(ctx.t("ยังไม่มีภาพนิ่ง ผู้ดูแลระบบบันทึกภาพนิ่งทุกวันศุกร์",
                      "no snapshot yet; the system administrator takes one every Friday"))
        return
    _list(frame, ctx)

    st.subheader(ctx.t("เปรียบเทียบสองสัปดาห์", "Compare two weeks"))
    rows = {int(row.snapshot_id): row for row in frame.itertuples(index=False)}
    options = list(rows)
    if len(options) < 2:
        no_data(ctx.t("ต้องมีภาพนิ่งอย่างน้อยสองสัปดาห์", "at least two snapshots are needed"))
        _differences(options[0], ctx.filters, ctx)
        return
    left, right = st.columns(2)
    with left:  # snapshot ids, kept in the URL (?week=52&vs=51)
        current = rows[page_choice(st.selectbox, "week", ctx.t("สัปดาห์นี้", "This week"), options,
                                   format_func=lambda snapshot_id: _snapshot_label(rows[snapshot_id], ctx))]
    earlier = [key for key in options if rows[key].as_of < current.as_of] or options[1:]
    with right:
        previous = rows[page_choice(st.selectbox, "vs", ctx.t("เทียบกับ", "Compared with"), earlier,
                                    format_func=lambda snapshot_id: _snapshot_label(rows[snapshot_id], ctx))]
    comparison = cached(snaps.compare_snapshots, int(current.snapshot_id), int(previous.snapshot_id),
                        ctx.filters)
    _comparison(comparison, ctx)
    _differences(int(current.snapshot_id), ctx.filters, ctx)


render_safely(render)
