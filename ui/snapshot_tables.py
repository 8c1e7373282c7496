"""Tables of stored weekly snapshots: `snapshot_changes(comparison, file_stem)` draws the week-over-week
movers (provinces and projects whose % disbursed moved most) and the projects newly flagged as lagging or
cleared between two snapshots; `snapshot_differences_table` the live figures that now differ from a
snapshot's frozen ones. Figures are the frozen ones; each table is offered for download.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd
import streamlit as st

from ui.columns import ColumnSpec, with_names
from ui.context import page_context
from ui.page_shell import no_data
from ui.tables import data_table

if TYPE_CHECKING:
    from budget_metrics.snapshots import Comparison


PROVINCE_MOVER_COLUMNS: list[ColumnSpec] = [
    ("province_name", "จังหวัด", "Province", "text"),
    ("pct_before", "ก่อน", "Before", "pct"),
    ("pct_after", "หลัง", "After", "pct"),
    ("change_points", "เปลี่ยน (จุด)", "Change (points)", "points"),
    ("disbursed_change", "เบิกเพิ่ม", "Paid in the week", "money"),
]
# the project name last: it is long, and the figures should be visible without scrolling
PROJECT_MOVER_COLUMNS: list[ColumnSpec] = [
    ("project_code", "รหัสโครงการ", "Code", "text"),
    ("owner_name", "พื้นที่", "Area", "text"),
    ("pct_before", "ก่อน", "Before", "pct"),
    ("pct_after", "หลัง", "After", "pct"),
    ("change_points", "เปลี่ยน (จุด)", "Change (points)", "points"),
    ("disbursed_change", "เบิกเพิ่ม", "Paid in the week", "money"),
    ("project_name", "โครงการ", "Project", "text"),
]
FLAGGED_COLUMNS: list[ColumnSpec] = [
    ("project_code", "รหัสโครงการ", "Code", "text"),
    ("project_name", "โครงการ", "Project", "text"),
    ("owner_name", "พื้นที่", "Area", "text"),
    ("flag_names", "ประเด็น", "Flags", "text"),
    ("reasons", "เหตุผล", "Reasons", "text"),
    ("pct_disbursed", "ร้อยละเบิกจ่าย", "% disbursed", "pct"),
    ("money_at_risk", "เงินที่เสี่ยง", "Money at risk", "money"),
]


def snapshot_changes(comparison: Comparison | None, file_stem: str) -> None:
    """The week-over-week section of two snapshots: provinces and projects whose % disbursed
    moved most, and the projects newly flagged as lagging or cleared (frozen figures).
    None (no earlier snapshot) shows a short notice."""
    ctx = page_context()
    if comparison is None:
        no_data(ctx.t("ยังไม่มีภาพนิ่งก่อนหน้าให้เปรียบเทียบ", "no earlier snapshot to compare with"))
        return
    st.caption(
        ctx.t(
            f"เทียบภาพนิ่ง {ctx.date(comparison.current.as_of)} กับ {ctx.date(comparison.previous.as_of)}",
            f"Snapshot of {ctx.date(comparison.current.as_of)} compared with {ctx.date(comparison.previous.as_of)}",
        )
    )
    left, right = st.columns(2)
    with left:
        st.markdown(ctx.t("**จังหวัดที่ร้อยละเบิกจ่ายเปลี่ยนมากที่สุด**", "**Provinces whose % moved most**"))
        if comparison.province_movers.empty:
            no_data()
        else:
            data_table(
                with_names(comparison.province_movers, ctx), PROVINCE_MOVER_COLUMNS, ctx, f"{file_stem}_province_movers"
            )
    with right:
        st.markdown(ctx.t("**โครงการที่ร้อยละเบิกจ่ายเปลี่ยนมากที่สุด**", "**Projects whose % moved most**"))
        if comparison.project_movers.empty:
            no_data()
        else:
            data_table(
                with_names(comparison.project_movers, ctx), PROJECT_MOVER_COLUMNS, ctx, f"{file_stem}_project_movers"
            )
    for frame, stem, title, empty in (
        (
            comparison.newly_flagged,
            "newly_flagged",
            ("โครงการที่เริ่มล่าช้า", "Newly flagged projects"),
            ("ไม่มีโครงการที่เริ่มล่าช้า", "No newly flagged project"),
        ),
        (
            comparison.cleared,
            "cleared",
            ("โครงการที่พ้นสถานะล่าช้า", "Projects cleared"),
            ("ไม่มีโครงการที่พ้นสถานะล่าช้า", "No project cleared"),
        ),
    ):
        st.markdown(f"**{ctx.t(*title)}** ({len(frame):,})")
        if frame.empty:
            st.caption(ctx.t(*empty))
        else:
            data_table(with_names(frame, ctx), FLAGGED_COLUMNS, ctx, f"{file_stem}_{stem}")


DIFFERENCE_COLUMNS: list[ColumnSpec] = [
    ("project_code", "รหัสโครงการ", "Project code", "text"),
    ("project_name", "ชื่อโครงการ", "Project", "text"),
    ("owner_name_th", "จังหวัด / กลุ่มจังหวัด", "Province / cluster", "text"),
    ("figure", "รายการ", "Figure", "text"),
    ("snapshot_value", "ในภาพนิ่ง", "In the snapshot", "money"),
    ("live_value", "ข้อมูลปัจจุบัน", "Live", "money"),
    ("difference", "ผลต่าง (ปัจจุบัน − ภาพนิ่ง)", "Difference (live − snapshot)", "money"),
]
# the figures snapshots.live_vs_snapshot compares, in words
FIGURE_LABELS = {
    "current_allocation": ("งบประมาณปัจจุบัน", "Current allocation"),
    "committed": ("ก่อหนี้ผูกพัน", "Committed"),
    "disbursed": ("เบิกจ่าย", "Disbursed"),
    "remaining": ("คงเหลือ", "Remaining"),
}


def snapshot_differences_table(differences: pd.DataFrame, file_stem: str) -> None:
    """The rows of `snapshots.live_vs_snapshot` (live figures for a snapshot's date that now
    differ from the frozen ones), figure names in words, money in million baht."""
    ctx = page_context()
    shown = differences.assign(
        figure=[ctx.t(*FIGURE_LABELS.get(column, (column, column))) for column in differences["column"]]
    )
    data_table(shown, DIFFERENCE_COLUMNS, ctx, file_stem)
