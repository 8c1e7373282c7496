"""Data quality (คุณภาพข้อมูล): reconciliation warnings, how fresh each province's data is
(stale ones highlighted), the load log and the rejected rows with their reasons.
Layout only: every number comes from budget_metrics.quality.

The first screen is light HTML (ui/light.py): the counts, the warnings and the freshness
table draw without a data grid; the load log and the rejected rows are grids in tabs that
run only when opened (first paint, docs/benchmarks.md).
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from budget_metrics import quality, reference
from budget_metrics import snapshots as snaps
from budget_metrics.formatting import format_datetime
from budget_metrics.projects import resolve_as_of
from ui import light
from ui.cache import cached
from ui.context import PageContext, page_context
from ui.downloads import FRESHNESS_DOWNLOAD_COLUMNS, download_buttons
from ui.headline import budget_scope_note
from ui.page_filters import page_choice
from ui.page_shell import no_data, render_safely
from ui.snapshot_tables import snapshot_differences_table
from ui.tables import data_table
from vocabulary import RECORD_KINDS, REJECT_REASONS, word, words_in

STALE_COLOUR = "#ffcdd2"  # the background of a stale province's row
WARNINGS_SHOWN = 20  # warnings listed as HTML; all of them in the grid one click away and in the download
WARNING_COLUMNS = [
    ("check_label", "ประเภทคำเตือน", "Warning", "text"),
    ("project_code", "รหัสโครงการ", "Project code", "text"),
    ("project_name", "ชื่อโครงการ", "Project", "text"),
    ("owner_name", "จังหวัด / กลุ่มจังหวัด", "Province / cluster", "text"),
    ("amount", "ผลต่าง / ส่วนเกิน", "Difference / excess", "money"),
]
LOAD_COLUMNS = [
    ("load_id", "ครั้งที่โหลด", "Load", "int"),
    ("file_name", "ไฟล์", "File", "text"),
    ("kind_label", "ประเภทข้อมูล", "Kind", "text"),
    ("sheet", "ชีต", "Sheet", "text"),
    ("started_at", "เวลาเริ่ม", "Started", "text"),
    ("status_label", "สถานะ", "Status", "text"),
    ("rows_read", "อ่าน", "Read", "int"),
    ("rows_inserted", "เพิ่ม", "New", "int"),
    ("rows_updated", "แก้ไข", "Updated", "int"),
    ("rows_unchanged", "เท่าเดิม", "Unchanged", "int"),
    ("rows_rejected", "ปฏิเสธ", "Rejected", "int"),
    ("data_date", "ข้อมูลถึงวันที่", "Data up to", "date"),
    ("message", "ข้อความ", "Message", "text"),
]
REJECT_COLUMNS = [
    ("load_id", "ครั้งที่โหลด", "Load", "int"),
    ("file_name", "ไฟล์", "File", "text"),
    ("sheet", "ชีต", "Sheet", "text"),
    ("row_number", "แถวที่", "Row", "int"),
    ("column_name", "คอลัมน์", "Column", "text"),
    ("bad_value", "ค่าที่พบ", "Value found", "text"),
    ("reason", "เหตุผล", "Reason", "text"),
]


def _warnings(ctx: PageContext) -> None:
    st.subheader(ctx.t("คำเตือนการกระทบยอด", "Reconciliation warnings"))
    warnings = cached(quality.reconciliation_warnings, ctx.filters)
    if warnings.empty:
        st.success(
            ctx.t(
                "ไม่พบยอดที่ขัดกัน: งบประมาณเดิม + โอนเข้า − โอนออก = งบประมาณปัจจุบันทุกโครงการ "
                "ไม่มีโครงการเบิกจ่ายเกินงบ และไม่มีการเบิกเงินกันเกินจำนวนที่กันไว้",
                "No conflicting figures: every project balances (original + in − out = current), "
                "none is overspent and no carry-over is overpaid",
            )
        )
        return
    st.warning(ctx.t(f"พบ {len(warnings):,} รายการที่ยอดขัดกัน", f"{len(warnings):,} figures disagree"))
    warnings["check_label"] = warnings["check_th"] if ctx.lang == "th" else warnings["check_en"]
    warnings["owner_name"] = ctx.names(warnings["owner_name_th"], warnings["owner_name_en"], missing="")
    shown = warnings.head(WARNINGS_SHOWN)
    st.html(
        light.plain_table(
            [
                ctx.t(thai, english) + (f" ({ctx.million_baht})" if kind == "money" else "")
                for _, thai, english, kind in WARNING_COLUMNS
            ],
            [
                [ctx.money(row[column]) if kind == "money" else row[column] for column, _, _, kind in WARNING_COLUMNS]
                for row in shown.to_dict("records")
            ],
            numeric=[kind == "money" for *_, kind in WARNING_COLUMNS],
            key="reconciliation_warnings",
        )
    )
    if len(warnings) > len(shown):
        more = st.expander(
            ctx.t(f"ทั้งหมด {len(warnings):,} รายการ (ตาราง)", f"All {len(warnings):,} (table)"),
            key="quality_warnings_all",
            on_change="rerun",
        )
        if more.open:
            with more:
                data_table(warnings, WARNING_COLUMNS, ctx, "reconciliation_warnings", key="warnings_grid")
    download_buttons(warnings, "reconciliation_warnings", ctx, WARNING_COLUMNS)


def _snapshot_differences(ctx: PageContext) -> None:
    """Where live data for the as-of date now differs from the snapshot frozen for it
    (a later file corrected history)."""
    st.subheader(ctx.t("ข้อมูลปัจจุบันต่างจากภาพนิ่ง", "Live data differs from snapshot"))
    snapshot_id, differences = cached(snaps.live_differences, ctx.filters)
    if snapshot_id is None:
        st.caption(
            ctx.t(
                "ไม่มีภาพนิ่งรายสัปดาห์ของวันที่นี้ให้เทียบ (ผู้ดูแลระบบบันทึกภาพนิ่งทุกวันศุกร์)",
                "No weekly snapshot of this date to compare with (the system administrator takes one every Friday)",
            )
        )
        return
    if differences.empty:
        st.success(ctx.t(f"ตรงกับภาพนิ่งหมายเลข {snapshot_id} ทุกรายการ", f"Live data agrees with snapshot {snapshot_id}"))
        return
    st.warning(
        ctx.t(
            f"{differences['project_code'].nunique():,} โครงการมีตัวเลขต่างจากภาพนิ่งหมายเลข {snapshot_id} "
            "(ไฟล์ที่โหลดภายหลังแก้ไขข้อมูลย้อนหลัง ภาพนิ่งไม่เปลี่ยน)",
            f"{differences['project_code'].nunique():,} projects differ from snapshot {snapshot_id} "
            "(later files corrected history; the snapshot stays as frozen)",
        )
    )
    snapshot_differences_table(differences, "live_vs_snapshot")


def _freshness(ctx: PageContext) -> None:
    """Each province's latest data date as an HTML table, stale rows on red."""
    stale_days = int(reference.thresholds()["stale_data_days"])
    st.subheader(ctx.t("วันที่ข้อมูลล่าสุดรายจังหวัด", "Latest data date per province"))
    table = cached(quality.data_freshness, ctx.filters, "province")
    if table.empty:
        no_data()
        return
    overall = table["overall_latest"].dropna()
    stale = int(table["stale"].sum())
    st.caption(
        ctx.t(
            f"วันที่ข้อมูลล่าสุดของทั้งประเทศ {ctx.date(overall.iloc[0] if len(overall) else None)} · "
            f"ไม่เป็นปัจจุบัน = เก่ากว่าเกิน {stale_days} วัน หรือยังไม่มีข้อมูลการเบิกจ่าย (แถวสีแดง)",
            f"Latest data date nationally {ctx.date(overall.iloc[0] if len(overall) else None)} · stale = more "
            f"than {stale_days} days older, or no payment data at all (red rows)",
        )
    )
    if stale:
        st.warning(ctx.t(f"{stale:,} จังหวัดข้อมูลไม่เป็นปัจจุบัน", f"{stale:,} provinces have stale data"))
    statuses = table["status_th"] if ctx.lang == "th" else table["status_en"]
    headers = [
        ctx.t("รหัส", "Code"),
        ctx.t("จังหวัด", "Province"),
        ctx.t("จำนวนโครงการ", "Projects"),
        ctx.t("วันที่ข้อมูลล่าสุด", "Latest data date"),
        ctx.t("ช้ากว่าล่าสุด (วัน)", "Days behind latest"),
        ctx.t("สถานะ", "Status"),
    ]
    rows = [
        [code, name, f"{int(projects):,}", ctx.date(day), "-" if pd.isna(behind) else f"{int(behind):,}", status]
        for code, name, projects, day, behind, status in zip(
            table["code"],
            ctx.names(table["name_th"], table["name_en"]),
            table["projects"],
            table["latest_data_date"],
            table["days_behind"],
            statuses,
            strict=True,
        )
    ]
    st.html(
        light.plain_table(
            headers,
            rows,
            numeric=[False, False, True, False, True, False],
            row_colours=[STALE_COLOUR if flag else None for flag in table["stale"]],
            key="data_freshness",
        )
    )
    download_buttons(table.assign(status_label=statuses.to_numpy()), "data_freshness", ctx, FRESHNESS_DOWNLOAD_COLUMNS)


def _loads(ctx: PageContext) -> None:
    st.subheader(ctx.t("บันทึกการโหลดข้อมูล", "Load log"))
    log = cached(quality.load_log)
    if log.empty:
        no_data(ctx.t("ยังไม่มีการโหลด", "nothing loaded yet"))
        return
    log["status_label"] = log["status_th"] if ctx.lang == "th" else log["status_en"]
    log["kind_label"] = words_in(RECORD_KINDS, log["kind"], ctx.lang)  # 'การโอนสินทรัพย์', not 'asset_transfers'
    log["started_at"] = [format_datetime(value, ctx.lang) for value in log["started_at"]]  # BE in Thai
    data_table(log, LOAD_COLUMNS, ctx, "load_log")


def _rejects(ctx: PageContext) -> None:
    st.subheader(ctx.t("แถวที่ถูกปฏิเสธ", "Rejected rows"))
    options = cached(quality.reject_options)
    if options["reasons"].empty:
        st.success(ctx.t("ไม่มีแถวที่ถูกปฏิเสธ", "No rejected rows"))
        return
    every = ctx.t("ทั้งหมด", "All")
    loads = dict(zip(options["loads"]["load_id"], options["loads"]["file_name"], strict=True))
    # the vocabulary's words by code; the words the ETL stored with the row for a code it does not know
    reasons = {
        code: word(REJECT_REASONS, code, ctx.lang, missing=stored)
        for code, stored in zip(
            options["reasons"]["reason_code"],
            options["reasons"]["reason_th" if ctx.lang == "th" else "reason_en"],
            strict=True,
        )
    }
    left, middle, right = st.columns(3)
    with left:
        load_id = page_choice(
            st.selectbox,
            "load",
            ctx.t("ครั้งที่โหลด", "Load"),
            [None, *loads],
            format_func=lambda code: every if code is None else f"#{code} · {loads[code]}",
        )
    with middle:
        file_name = page_choice(
            st.selectbox,
            "file",
            ctx.t("ไฟล์", "File"),
            [None, *options["files"]["file_name"]],
            format_func=lambda name: every if name is None else name,
        )
    with right:
        reason = page_choice(
            st.selectbox,
            "reason",
            ctx.t("เหตุผล", "Reason"),
            [None, *reasons],
            format_func=lambda code: every if code is None else reasons[code],
        )
    rows = cached(quality.rejected_rows, load_id, file_name, reason)
    if rows.empty:
        no_data(ctx.t("ไม่มีแถวที่ตรงกับตัวกรอง", "no rows match these filters"))
        return
    rows["reason"] = [
        word(REJECT_REASONS, code, ctx.lang, missing=stored)
        for code, stored in zip(
            rows["reason_code"], rows["reason_th" if ctx.lang == "th" else "reason_en"], strict=True
        )
    ]
    st.caption(ctx.t(f"{len(rows):,} แถว", f"{len(rows):,} rows"))
    data_table(rows, REJECT_COLUMNS, ctx, "rejected_rows")


def first_figures(ctx: PageContext, log: pd.DataFrame, freshness: pd.DataFrame, warnings: pd.DataFrame) -> str:
    """Loads, rejected rows, provinces with stale data and reconciliation warnings (counts)."""
    return light.figures(
        [
            light.Figure("loads", ctx.t("จำนวนครั้งที่โหลด", "Loads"), f"{len(log):,}"),
            light.Figure(
                "rejected",
                ctx.t("แถวที่ถูกปฏิเสธ (ทุกครั้ง)", "Rejected rows (all loads)"),
                f"{int(log['rows_rejected'].sum()) if not log.empty else 0:,}",
            ),
            light.Figure(
                "stale", ctx.t("จังหวัดข้อมูลไม่เป็นปัจจุบัน", "Provinces with stale data"), f"{int(freshness['stale'].sum()):,}"
            ),
            light.Figure("warnings", ctx.t("คำเตือนการกระทบยอด", "Reconciliation warnings"), f"{len(warnings):,}"),
        ]
    )


REJECT_PARAMS = ("load", "file", "reason")  # the rejected rows' own filters in the URL


def views(ctx: PageContext) -> None:
    """Freshness (light HTML, open on arrival), the load log and the rejected rows (grids) as tabs;
    only the open tab runs. A bookmark with a rejected-rows filter opens that tab."""
    tabs = [
        (ctx.t("วันที่ข้อมูลรายจังหวัด", "Data date per province"), _freshness),
        (ctx.t("บันทึกการโหลดข้อมูล", "Load log"), _loads),
        (ctx.t("แถวที่ถูกปฏิเสธ", "Rejected rows"), _rejects),
    ]
    default = tabs[2][0] if any(param in st.query_params for param in REJECT_PARAMS) else None
    # one key per language: a tab's value is its label
    containers = st.tabs(
        [label for label, _ in tabs], key=f"quality_view.{ctx.lang}", on_change="rerun", default=default
    )
    for container, (_, draw) in zip(containers, tabs, strict=True):
        if container.open:
            with container:
                draw(ctx)


def render() -> None:
    ctx = page_context()
    st.title(ctx.t("คุณภาพข้อมูล", "Data quality"))
    budget_scope_note(ctx, lines=False)  # the sidebar's budget type, stated (issue 15)
    with st.spinner(ctx.t("กำลังตรวจสอบ…", "Checking…")):
        as_of = ctx.as_of_shown or cached(resolve_as_of, ctx.filters)
        log = cached(quality.load_log)
        warnings = cached(quality.reconciliation_warnings, ctx.filters)
        freshness = cached(quality.data_freshness, ctx.filters, "province")
    st.caption(ctx.t(f"ข้อมูล ณ วันที่ {ctx.date(as_of)}", f"As of {ctx.date(as_of)}"))
    st.html(light.style_tag() + first_figures(ctx, log, freshness, warnings))
    _warnings(ctx)
    _snapshot_differences(ctx)
    views(ctx)


render_safely(render)
