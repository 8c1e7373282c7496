"""Weekly snapshots (รายงานประจำสัปดาห์): the frozen weeks, two weeks compared (KPI deltas, movers,
newly flagged / cleared projects), the export files of the chosen week, live-vs-frozen
differences, and for an administrator the button that freezes this week.
Layout only: the numbers come from budget_metrics.snapshots and exports (the read side).

What a user reads first is light HTML (ui/light.py, ui/headline.py: no data grid, so it draws
as fast as text): the latest snapshots, and the two weeks compared — the target lines against
their own targets with the change, the flagged projects, the money, the top movers and the
projects newly flagged or cleared. Every full table is one click away in an expander that runs
only when opened, with its CSV / Excel download.

Every list says whose figures it holds: the sidebar's area (and plan and budget type), or the
whole country. The Excel / PDF / CSV files are the week chosen on the page, compared with the
week chosen beside it: in snapshot mode built from the frozen snapshot (the figures on screen),
in live mode from today's data as of that week's date (exports.tables.build_export).
"""

from __future__ import annotations

import logging
from datetime import date

import pandas as pd
import streamlit as st

from budget_metrics import Filters
from budget_metrics import snapshots as snaps
from budget_metrics.formatting import format_datetime, percent, signed
from budget_metrics.targets import LINE_LABELS, shown_lines
from exports.export import download_for, download_name
from ui import light
from ui.auth import principal, store_available
from ui.cache import cached
from ui.context import PageContext, page_context
from ui.headline import budget_scope_note, line_cards, money_html, overall_not_shown_card, since_words
from ui.page_filters import page_choice
from ui.page_shell import no_data, render_safely
from ui.snapshot_tables import snapshot_changes, snapshot_differences_table
from ui.tables import data_table
from vocabulary import BUDGET_TYPE_SCOPE, FLAGS, PLAN_TYPES, STORE_OUTAGE, word

log = logging.getLogger(__name__)
K_FREEZE_RESULT = "weekly_freeze_result"  # (kind, message) of the session's last freeze, shown until the next

SNAPSHOTS_SHOWN = 5  # the latest snapshots listed in HTML; all of them one click away
MOVERS_SHOWN = 5  # rows of each movers / flagged list in HTML; the full tables one click away


def _export_filters(ctx: PageContext, as_of: date | None) -> Filters:
    """The CLI's export scope for the sidebar's choice: fiscal year, the week's date and one area
    (a province, else a cluster; the region, plan and budget-type filters do not apply)."""
    return Filters(
        fiscal_year=ctx.filters.fiscal_year,
        as_of=as_of,
        province=ctx.filters.province,
        cluster=None if ctx.filters.province else ctx.filters.cluster,
    )


def _scope_words(ctx: PageContext) -> str:
    """Whose figures the page's lists hold: the sidebar's area, plan and budget type, or the whole
    country ('จังหวัดกาฬสินธุ์ · เฉพาะงบลงทุน' / 'whole country')."""
    parts = [ctx.area_text()]
    if ctx.filters.plan_type != "all":
        parts.append(word(PLAN_TYPES, ctx.filters.plan_type, ctx.lang))
    if ctx.filters.budget_type:
        parts.append(ctx.t(*BUDGET_TYPE_SCOPE[ctx.filters.budget_type]))
    return " · ".join(parts)


def _file_scope_words(ctx: PageContext, filters: Filters) -> str:
    return ctx.area_text() if filters.province or filters.cluster else ctx.t("ทั้งประเทศ", "whole country")


def _downloads(ctx: PageContext, week: date | None, snapshot_id: int | None, earlier: date | None) -> None:
    """The Excel / PDF / CSV files of the chosen week (and its comparison with `earlier`): from the
    frozen snapshot in snapshot mode, else today's data as of the week's date."""
    st.subheader(ctx.t("ไฟล์รายงานของสัปดาห์ที่เลือก", "Export files of the chosen week"))
    filters = _export_filters(ctx, week or ctx.as_of_shown or ctx.filters.as_of)
    if filters.as_of is None:
        no_data(ctx.t("ยังไม่ทราบวันที่ข้อมูล", "no as-of date yet"))
        return
    frozen = ctx.snapshot_mode and snapshot_id is not None
    day = ctx.date(filters.as_of)
    versus = "" if earlier is None else ctx.t(f" เทียบกับ {ctx.date(earlier)}", f" compared with {ctx.date(earlier)}")
    source = (
        ctx.t(
            f"ตัวเลขที่บันทึกไว้ในภาพนิ่งหมายเลข {snapshot_id} (ตรงกับหน้าจอ) · คาดการณ์ เงินกัน การโอน "
            "และสินทรัพย์ในไฟล์คำนวณจากข้อมูลปัจจุบัน ณ วันเดียวกัน",
            f"the figures frozen in snapshot {snapshot_id} (as on screen) · the projection, carry-overs, "
            "reallocations and assets in the files are today's data for the same date",
        )
        if frozen
        else ctx.t(
            "คำนวณจากข้อมูลปัจจุบัน ณ วันที่นั้น (โหมดข้อมูลล่าสุด; เลือกโหมดภาพนิ่งที่แถบด้านข้างเพื่อได้ไฟล์จากตัวเลขที่บันทึกไว้)",
            "computed from today's data as of that date (live mode; choose snapshot mode in the sidebar "
            "for files of the frozen figures)",
        )
    )
    with st.container(key="weekly_files_scope"):
        st.caption(
            ctx.t(
                f"ข้อมูล ณ วันที่ {day}{versus} · {_file_scope_words(ctx, filters)} · {source} "
                "(ตัวกรองภาค แผน และประเภทงบไม่มีผลกับไฟล์ส่งออก)",
                f"As of {day}{versus} · {_file_scope_words(ctx, filters)} · {source} "
                "(region, plan and budget-type filters do not apply to exports)",
            )
        )
    if not store_available() and snaps.snapshot_for(filters.fiscal_year, filters.as_of) is None:
        # the files read the store's answers (none frozen with a snapshot of that date): they are built
        # all the same, with the answers marked unknown (exports.tables._followup)
        with st.container(key="weekly_files_outage"):
            st.warning(word(STORE_OUTAGE, "files", ctx.lang), icon=":material/cloud_off:")
    columns = st.columns(3)
    labels = {
        "xlsx": ("Excel สำหรับเจ้าหน้าที่", "Excel workbook"),
        "pdf": ("PDF สรุปผู้บริหาร", "PDF executive brief"),
        "csv": ("CSV ทุกตาราง (zip)", "CSV tables (zip)"),
    }
    mimes = {
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "pdf": "application/pdf",
        "csv": "application/zip",
    }
    chosen = snapshot_id if frozen else None
    for column, fmt in zip(columns, ("xlsx", "pdf", "csv"), strict=True):
        with column:
            st.download_button(
                ctx.t(*labels[fmt]),
                data=lambda fmt=fmt: download_for(filters, fmt, chosen, earlier),
                file_name=download_name(filters, fmt, frozen, earlier),
                mime=mimes[fmt],
                key=f"weekly_{fmt}",
                icon=":material/download:",
                on_click="ignore",
                width="stretch",
            )


def _freeze(ctx: PageContext) -> None:
    """For an administrator: freeze this week's snapshot (the latest Friday with data), through the
    same code path and writer lock as `python -m etl snapshot`; a refusal when another writer holds
    the lock. Others see nothing here (the save itself checks the role again)."""
    who = principal()
    # kept, not popped: a run that shows it may be replaced by another before it is drawn (a click or a
    # query-string change arriving meanwhile), and a popped result would then never be seen; the next
    # freeze replaces it
    result = st.session_state.get(K_FREEZE_RESULT)
    if not who.is_admin:
        return
    from etl.snapshot import default_as_of

    fiscal_year = ctx.filters.fiscal_year
    day = cached(default_as_of, fiscal_year)
    # a closed disclosure, so the weeks compared stay on the first screen; the last result shows open
    with st.container(key="weekly_freeze"):
        if result is not None:
            kind, message = result
            {"success": st.success, "warning": st.warning, "error": st.error}[kind](
                message,
                icon={"success": ":material/check_circle:", "warning": ":material/block:", "error": ":material/error:"}[
                    kind
                ],
            )
        box = st.expander(
            ctx.t("บันทึกภาพนิ่งสัปดาห์นี้ (ผู้ดูแลระบบ)", "Freeze this week (administrators)"),
            expanded=result is not None and result[0] != "success",
            icon=":material/photo_camera:",
        )
    with box:
        if day is None:
            st.caption(ctx.t("ยังไม่มีข้อมูลของปีงบประมาณนี้", "No data for this fiscal year yet"))
            return
        existing = cached(snaps.snapshot_for, fiscal_year, day)
        st.caption(
            ctx.t(
                f"ภาพนิ่ง ณ วันศุกร์ล่าสุดที่มีข้อมูล: {ctx.date(day)} — เหมือนภาพนิ่งประจำสัปดาห์ที่ระบบบันทึก "
                "(ตัวเลขทั้งประเทศของทุกโครงการ และคำชี้แจงขณะนี้)",
                f"A snapshot as of the latest Friday with data: {ctx.date(day)} — the same as the weekly routine "
                "takes (every project of the country, and the follow-up answers as they are now)",
            )
        )
        replace = False
        if existing is not None:
            st.info(
                ctx.t(
                    f"มีภาพนิ่งของวันที่ {ctx.date(day)} แล้ว (หมายเลข {existing})",
                    f"A snapshot of {ctx.date(day)} exists (id {existing})",
                ),
                icon=":material/info:",
            )
            replace = st.checkbox(
                ctx.t(
                    'บันทึกใหม่แทนภาพนิ่งเดิม (ภาพนิ่งเดิมเก็บไว้เป็น "ถูกแทนที่")',
                    "Take it again, replacing the existing one (kept as 'replaced')",
                ),
                key=f"weekly_freeze_replace.{ctx.lang}",
            )
        if st.button(
            ctx.t(f"บันทึกภาพนิ่ง {ctx.date(day)}", f"Freeze {ctx.date(day)}"),
            key="weekly_freeze_button",
            icon=":material/photo_camera:",
            disabled=existing is not None and not replace,
        ):
            with st.spinner(ctx.t("กำลังบันทึกภาพนิ่ง…", "Freezing the week…")):
                st.session_state[K_FREEZE_RESULT] = _freeze_now(ctx, who, fiscal_year, day, replace)
            st.rerun()


def _freeze_now(ctx: PageContext, who, fiscal_year: int, day: date, replace: bool) -> tuple[str, str]:
    """Take the snapshot; ('success' | 'warning' | 'error', message in the page's language)."""
    from appstore.errors import AccessDenied
    from etl.snapshot import SnapshotError, SnapshotExists, freeze_week
    from etl.store import LockTimeout

    try:
        result = freeze_week(who, fiscal_year, day, replace=replace)
    except LockTimeout:
        return "warning", ctx.t(
            "ยังบันทึกภาพนิ่งไม่ได้: ขณะนี้มีการเขียนฐานข้อมูลอยู่ (การโหลดข้อมูลหรือการบันทึกภาพนิ่งอื่น) "
            "ไม่มีอะไรเปลี่ยนแปลง โปรดลองใหม่เมื่อเสร็จแล้ว",
            "The week was not frozen: another writer (a load or another snapshot) is using the database. "
            "Nothing changed; try again when it has finished.",
        )
    except AccessDenied as error:
        return "warning", ctx.t(error.message_th, error.message_en)
    except SnapshotExists:
        return "warning", ctx.t(
            f"มีภาพนิ่งของวันที่ {ctx.date(day)} แล้ว เลือกบันทึกใหม่แทนเพื่อบันทึกอีกครั้ง",
            f"A snapshot of {ctx.date(day)} exists; choose to replace it to take it again",
        )
    except SnapshotError:
        return "warning", ctx.t("ไม่มีข้อมูลของปีงบประมาณนี้ให้บันทึก", "There is no data of this fiscal year to freeze")
    except Exception:  # noqa: BLE001 - say it plainly; the details go to the log, not the screen
        log.exception("freezing the week failed")
        return "error", ctx.t(
            "บันทึกภาพนิ่งไม่สำเร็จ ฐานข้อมูลยังเหมือนเดิม โปรดลองใหม่หรือแจ้งผู้ดูแลระบบ",
            "The week could not be frozen; the database is as it was. Try again or tell the system administrator.",
        )
    replaced = (
        ctx.t(f" แทนภาพนิ่งหมายเลข {result.replaced_snapshot_id}", f", replacing snapshot {result.replaced_snapshot_id}")
        if result.replaced_snapshot_id
        else ""
    )
    return "success", ctx.t(
        f"บันทึกภาพนิ่ง ณ วันที่ {ctx.date(result.as_of)} แล้ว: หมายเลข {result.snapshot_id}, "
        f"{result.projects:,} โครงการ{replaced}",
        f"Frozen as of {ctx.date(result.as_of)}: snapshot {result.snapshot_id}, {result.projects:,} projects{replaced}",
    )


def _snapshot_label(row, ctx: PageContext) -> str:
    return ctx.t(f"{ctx.date(row.as_of)} (หมายเลข {row.snapshot_id})", f"{ctx.date(row.as_of)} (id {row.snapshot_id})")


# The list's % column of each line (list_snapshots): a chosen budget type's own line is its rate.
LIST_PCT = {
    "overall": "pct_disbursed",
    "investment": "investment_pct",
    "operating": "pct_disbursed",
    "other": "pct_disbursed",
}


def snapshot_columns(budget_type: str | None) -> list[tuple[str, str, str, str]]:
    """The all-snapshots table's columns: the shown lines' % (targets.shown_lines) among them."""
    lines = [
        (LIST_PCT[line], f"{LINE_LABELS[line][0]}: เบิกจ่าย", f"{LINE_LABELS[line][1]}: disbursed", "pct")
        for line in shown_lines(budget_type)
    ]
    return [
        ("snapshot_id", "หมายเลข", "ID", "int"),
        ("as_of", "ข้อมูล ณ วันที่", "As of", "date"),
        ("taken_at_text", "บันทึกเมื่อ", "Taken at", "text"),
        ("projects", "โครงการ", "Projects", "int"),
        ("disbursed", "เบิกจ่าย", "Disbursed", "money"),
        *lines,
        ("source_load_ids", "ไฟล์ข้อมูล (load)", "Source loads", "text"),
    ]


def _list(frame: pd.DataFrame, ctx: PageContext) -> None:
    """The latest snapshots as a light table, their figures the sidebar's area's (or the country's);
    all of them (grid and download) one click away."""
    frame = frame.assign(taken_at_text=[format_datetime(t, ctx.lang) for t in frame["taken_at"]])  # BE in Thai
    latest = frame.head(SNAPSHOTS_SHOWN)
    lines = shown_lines(ctx.filters.budget_type)
    rows = [
        (
            ctx.date(row["as_of"]),
            [
                f'<span data-figure="{row["snapshot_id"]}.id">{row["snapshot_id"]}</span>',
                light.text(row["taken_at_text"]),
                f'<span data-figure="{row["snapshot_id"]}.projects">{row["projects"]:,}</span>',
                f'<span data-figure="{row["snapshot_id"]}.disbursed">{ctx.money(row["disbursed"])}</span>',
                *(
                    f'<span data-figure="{row["snapshot_id"]}.{line}">{percent(row[LIST_PCT[line]])}</span>'
                    for line in lines
                ),
            ],
        )
        for row in latest.to_dict("records")
    ]
    headers = [
        ctx.t("ข้อมูล ณ วันที่", "As of"),
        ctx.t("หมายเลข", "ID"),
        ctx.t("บันทึกเมื่อ", "Taken at"),
        ctx.t("โครงการ", "Projects"),
        ctx.t(f"เบิกจ่าย ({ctx.million_baht})", f"Disbursed ({ctx.million_baht})"),
        *(ctx.t(f"{LINE_LABELS[line][0]}: เบิกจ่าย %", f"{LINE_LABELS[line][1]}: % disbursed") for line in lines),
    ]
    table = light.figure_table(headers, rows, "snapshots")
    st.html(light.style_tag() + f'<section data-card="snapshots">{table}</section>')
    everything = st.expander(
        ctx.t(
            f"ภาพนิ่งทั้งหมดของปี ({len(frame):,}) — ตารางและดาวน์โหลด",
            f"All snapshots of the year ({len(frame):,}) — table and downloads",
        ),
        key=f"weekly_all_snapshots.{ctx.lang}",
        on_change="rerun",
    )
    if everything.open:
        with everything:
            data_table(frame, snapshot_columns(ctx.filters.budget_type), ctx, f"snapshots_{ctx.filters.fiscal_year}")


def _flags_card(comparison: snaps.Comparison, ctx: PageContext, since: str) -> str:
    """The flagged projects now, the change, and how many were newly flagged or cleared."""
    now, change = comparison.current, comparison.deltas["flagged"]
    body = (
        f'<div class="bm-big"><span data-figure="flagged">{now.flagged:,}</span></div>'
        f'<div class="bm-week"><b><span data-figure="flagged_change">{change:+,}</span></b> '
        f"{light.text(ctx.t('โครงการ', 'projects'))} {light.text(since)}</div>"
        + light.figures(
            [
                light.Figure("newly_flagged", ctx.t("เริ่มล่าช้า", "Newly flagged"), f"{len(comparison.newly_flagged):,}"),
                light.Figure("cleared", ctx.t("พ้นสถานะล่าช้า", "Cleared"), f"{len(comparison.cleared):,}"),
            ]
        )
    )
    return light.card(
        ctx.t("โครงการที่มีข้อสังเกต", "Flagged projects"),
        body,
        light.status_colour("behind" if now.flagged else "on_track"),
        ctx.t(f"จาก {now.projects:,} โครงการ", f"of {now.projects:,} projects"),
        key="flags",
    )


def _change(value: float | None) -> str:
    return "-" if value is None or pd.isna(value) else signed(value)


def _pct(value: float | None) -> str:
    return "-" if value is None or pd.isna(value) else percent(value)


def _movers_cards(comparison: snaps.Comparison, ctx: PageContext) -> str:
    """The provinces and projects whose % disbursed moved most, the first few of each (HTML)."""
    columns = [
        light.ListColumn(ctx.t("ก่อน", "Before"), lambda row: _pct(row["pct_before"])),
        light.ListColumn(ctx.t("หลัง", "After"), lambda row: _pct(row["pct_after"])),
        light.ListColumn(ctx.t("เปลี่ยน (จุด)", "Change (pts)"), lambda row: f"<b>{_change(row['change_points'])}</b>"),
        light.ListColumn(ctx.t("เบิกเพิ่ม (ลบ.)", "Paid (m฿)"), lambda row: ctx.money(row["disbursed_change"])),
    ]

    def province(row: dict) -> str:
        return light.text(ctx.name(row.get("name_th"), row.get("name_en")))

    def project(row: dict) -> str:
        area = ctx.name(row.get("owner_name_th"), row.get("owner_name_en"))
        return (
            f'<span class="bm-code">{light.text(row["project_code"])}</span> {light.text(row["project_name"])}'
            f'<div class="bm-sub">{light.text(area)}</div>'
        )

    cards = []
    for frame, title, header, name, key in (
        (
            comparison.province_movers,
            ("จังหวัดที่ร้อยละเบิกจ่ายเปลี่ยนมากที่สุด", "Provinces whose % moved most"),
            ("จังหวัด", "Province"),
            province,
            "province_movers",
        ),
        (
            comparison.project_movers,
            ("โครงการที่ร้อยละเบิกจ่ายเปลี่ยนมากที่สุด", "Projects whose % moved most"),
            ("โครงการ", "Project"),
            project,
            "project_movers",
        ),
    ):
        body = (
            light.ranked_list(frame.head(MOVERS_SHOWN).to_dict("records"), columns, ctx.t(*header), name)
            if len(frame)
            else light.text(ctx.t("ไม่มีข้อมูล", "No data"))
        )
        cards.append(light.card(ctx.t(*title), body, key=key))
    return light.wide(*cards)


def _flagged_cards(comparison: snaps.Comparison, ctx: PageContext) -> str:
    """The projects newly flagged as lagging and those cleared, largest money at risk first (HTML)."""

    def project(row: dict) -> str:
        area = ctx.name(row.get("owner_name_th"), row.get("owner_name_en"))
        flags = ", ".join(
            word(FLAGS, code, ctx.lang) for code in str(row.get("flag_codes") or "").split(",") if code in FLAGS
        )
        return (
            f'<span class="bm-code">{light.text(row["project_code"])}</span> {light.text(row["project_name"])}'
            f'<div class="bm-sub">{light.text(area)} · {light.text(flags)}</div>'
        )

    columns = [
        light.ListColumn(ctx.t("% เบิกจ่าย", "% paid"), lambda row: _pct(row["pct_disbursed"])),
        light.ListColumn(ctx.t("เงินที่เสี่ยง (ลบ.)", "At risk (m฿)"), lambda row: ctx.money(row["money_at_risk"])),
    ]
    cards = []
    for frame, title, empty, key, colour in (
        (
            comparison.newly_flagged,
            ("โครงการที่เริ่มล่าช้า", "Newly flagged projects"),
            ("ไม่มีโครงการที่เริ่มล่าช้า", "No newly flagged project"),
            "newly_flagged",
            "behind",
        ),
        (
            comparison.cleared,
            ("โครงการที่พ้นสถานะล่าช้า", "Projects cleared"),
            ("ไม่มีโครงการที่พ้นสถานะล่าช้า", "No project cleared"),
            "cleared",
            "on_track",
        ),
    ):
        shown = frame.sort_values(["money_at_risk", "project_code"], ascending=[False, True]).head(MOVERS_SHOWN)
        body = (
            light.ranked_list(shown.to_dict("records"), columns, ctx.t("โครงการ", "Project"), project)
            if len(frame)
            else light.text(ctx.t(*empty))
        )
        if len(frame) > len(shown):
            more = len(frame) - len(shown)
            body += f'<div class="bm-sub">{light.text(ctx.t(f"และอีก {more:,} โครงการ", f"and {more:,} more"))}</div>'
        cards.append(light.card(f"{ctx.t(*title)} ({len(frame):,})", body, light.status_colour(colour), key=key))
    return light.wide(*cards)


def _comparison(comparison: snaps.Comparison, ctx: PageContext) -> None:
    """Two snapshots compared: the headline cards, the top movers and flag changes (HTML), and
    every table with its download one click away."""
    now, before = comparison.current, comparison.previous
    since = since_words(ctx, before, frozen=True)
    cards = line_cards(ctx, now, before, since)
    if ctx.filters.budget_type:
        cards.insert(0, overall_not_shown_card(ctx, "weekly"))
    st.html(
        light.style_tag()
        + light.row(*cards, _flags_card(comparison, ctx, since))
        + money_html(ctx, now, before, since)
        + _movers_cards(comparison, ctx)
        + _flagged_cards(comparison, ctx)
    )
    tables = st.expander(
        ctx.t(
            "ตารางทั้งหมดและดาวน์โหลด (จังหวัด โครงการ ที่เริ่มล่าช้า และที่พ้นสถานะล่าช้า)",
            "All tables and downloads (provinces, projects, newly flagged and cleared)",
        ),
        key=f"weekly_tables.{ctx.lang}",
        on_change="rerun",
    )
    if tables.open:
        with tables:
            snapshot_changes(comparison, f"weekly_{now.as_of:%Y%m%d}_{before.as_of:%Y%m%d}")


def _differences(snapshot_id: int, filters: Filters, ctx: PageContext) -> None:
    differences = cached(snaps.live_vs_snapshot, snapshot_id, filters)
    scope = _scope_words(ctx)
    shown = st.expander(
        ctx.t(
            f"ข้อมูลปัจจุบันต่างจากภาพนิ่ง ({len(differences):,} รายการ) — {scope}",
            f"Live data differs from the snapshot ({len(differences):,} rows) — {scope}",
        ),
        key=f"weekly_differences.{ctx.lang}",
        on_change="rerun",
    )
    if not shown.open:
        return
    with shown:
        st.caption(
            ctx.t(
                "ตัวเลข ณ วันเดียวกันที่คำนวณจากข้อมูลปัจจุบัน เทียบกับที่บันทึกไว้ (ไฟล์ที่โหลดภายหลังแก้ไขย้อนหลัง)",
                "The same date's figures from today's data against the frozen ones (later files corrected history)",
            )
        )
        if differences.empty:
            st.success(ctx.t("ตรงกันทั้งหมด", "All figures agree"))
        else:
            snapshot_differences_table(differences, f"live_vs_snapshot_{snapshot_id}")


def _scope_caption(ctx: PageContext, what: tuple[str, str]) -> None:
    """Under a section's heading: whose figures it holds (the sidebar's area or the country)."""
    scope = _scope_words(ctx)
    st.caption(ctx.t(f"{what[0]} — {scope} (ตามตัวกรองด้านข้าง)", f"{what[1]} — {scope} (the sidebar's filters)"))


def render() -> None:
    ctx = page_context()
    st.title(ctx.t("รายงานประจำสัปดาห์", "Weekly snapshots"))
    budget_scope_note(ctx)
    _freeze(ctx)

    st.subheader(ctx.t("ภาพนิ่งที่บันทึกไว้", "Stored snapshots"))
    frame = cached(snaps.list_snapshots, ctx.filters.fiscal_year, False, ctx.filters)
    if frame.empty:
        no_data(
            ctx.t(
                "ยังไม่มีภาพนิ่ง ผู้ดูแลระบบบันทึกภาพนิ่งทุกวันศุกร์",
                "no snapshot yet; the system administrator takes one every Friday",
            )
        )
        _downloads(ctx, None, None, None)
        return
    with st.container(key="weekly_list_scope"):
        _scope_caption(ctx, ("ตัวเลขในรายการ (ที่บันทึกไว้)", "The list's figures (frozen)"))
    _list(frame, ctx)

    st.subheader(ctx.t("เปรียบเทียบสองสัปดาห์", "Compare two weeks"))
    with st.container(key="weekly_compare_scope"):
        _scope_caption(ctx, ("การเปรียบเทียบด้านล่าง (ตัวเลขที่บันทึกไว้)", "The comparison below (frozen figures)"))
    rows = {int(row.snapshot_id): row for row in frame.itertuples(index=False)}
    options = list(rows)
    if len(options) < 2:
        no_data(ctx.t("ต้องมีภาพนิ่งอย่างน้อยสองสัปดาห์", "at least two snapshots are needed"))
        _downloads(ctx, rows[options[0]].as_of, options[0], None)
        _differences(options[0], ctx.filters, ctx)
        return
    left, right = st.columns(2)
    with left:  # snapshot ids, kept in the URL (?week=52&vs=51)
        current = rows[
            page_choice(
                st.selectbox,
                "week",
                ctx.t("สัปดาห์นี้", "This week"),
                options,
                format_func=lambda snapshot_id: _snapshot_label(rows[snapshot_id], ctx),
            )
        ]
    earlier = [key for key in options if rows[key].as_of < current.as_of] or options[1:]
    with right:
        previous = rows[
            page_choice(
                st.selectbox,
                "vs",
                ctx.t("เทียบกับ", "Compared with"),
                earlier,
                format_func=lambda snapshot_id: _snapshot_label(rows[snapshot_id], ctx),
            )
        ]
    _downloads(ctx, current.as_of, int(current.snapshot_id), previous.as_of)
    comparison = cached(snaps.compare_snapshots, int(current.snapshot_id), int(previous.snapshot_id), ctx.filters)
    _comparison(comparison, ctx)
    _differences(int(current.snapshot_id), ctx.filters, ctx)


render_safely(render)
