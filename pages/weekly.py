"""Weekly snapshots (รายงานประจำสัปดาห์): the frozen weeks, two weeks compared (KPI
deltas, movers, newly flagged / cleared projects), live-vs-frozen differences, and the
weekly export files (the same files the command-line export writes). Layout only: the
numbers come from budget_metrics.snapshots and exports.tables (the read side).
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from budget_metrics import Filters
from budget_metrics import snapshots as snaps
from budget_metrics.formatting import format_datetime
from exports.export import download_for, download_name
from ui.context import PageContext, page_context
from ui.controls import page_choice
from ui.widgets import (
    KpiCard,
    cached,
    data_table,
    execution_kpi_cards,
    kpi_cards,
    no_data,
    render_safely,
    snapshot_changes,
    snapshot_differences_table,
)


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
    frame = frame.assign(taken_at_text=[format_datetime(t, ctx.lang) for t in frame["taken_at"]])  # BE in Thai
    data_table(frame, SNAPSHOT_COLUMNS, ctx, f"snapshots_{ctx.filters.fiscal_year}")


def _comparison(comparison: snaps.Comparison, ctx: PageContext) -> None:
    now, before, d = comparison.current, comparison.previous, comparison.deltas
    execution_kpi_cards(now, before, ctx.t(f"เทียบภาพนิ่ง {ctx.date(before.as_of)}",
                                           f"vs snapshot of {ctx.date(before.as_of)}"))
    kpi_cards([KpiCard(ctx.t("โครงการล่าช้า", "Lagging projects"), f"{now.flagged:,}", f"{d['flagged']:+,}",
                       delta_color="inverse")])
    snapshot_changes(comparison, f"weekly_{now.as_of:%Y%m%d}_{before.as_of:%Y%m%d}")


def _differences(snapshot_id: int, filters: Filters, ctx: PageContext) -> None:
    differences = cached(snaps.live_vs_snapshot, snapshot_id, filters)
    with st.expander(ctx.t(f"ข้อมูลปัจจุบันต่างจากภาพนิ่ง ({len(differences):,} รายการ)",
                           f"Live data differs from the snapshot ({len(differences):,} rows)"),
                     expanded=False):
        st.caption(ctx.t("ตัวเลข ณ วันเดียวกันที่คำนวณจากข้อมูลปัจจุบัน เทียบกับที่บันทึกไว้ (ไฟล์ที่โหลดภายหลังแก้ไขย้อนหลัง)",
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
