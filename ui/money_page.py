"""The opening and the download row the three money pages share (carry-over, reallocations and
savings, asset transfers): `open_money_page` draws the title and the sidebar's budget type stated
(issue 15), `as_of_caption` the line under it (as-of date, fiscal year, what the page counts), and
`download_pair` the two download boxes side by side above the tabs. One place, so the three pages
open the same way and a change to the opening is made once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import pandas as pd
import streamlit as st

from ui.context import PageContext, page_context
from ui.downloads import download_buttons
from ui.headline import budget_scope_note


def open_money_page(title_th: str, title_en: str) -> PageContext:
    """The page's context after drawing its title and the budget type the sidebar filters by."""
    ctx = page_context()
    st.title(ctx.t(title_th, title_en))
    budget_scope_note(ctx, lines=False)
    return ctx


def as_of_caption(ctx: PageContext, as_of: date, counts_th: str, counts_en: str) -> None:
    """'As of DATE · FY · what the page counts', under the title."""
    st.caption(
        ctx.t(
            f"ข้อมูล ณ วันที่ {ctx.date(as_of)} · ปีงบประมาณ พ.ศ. {ctx.filters.fiscal_year} · {counts_th}",
            f"As of {ctx.date(as_of)} · FY{ctx.filters.fiscal_year} · {counts_en}",
        )
    )


@dataclass(frozen=True)
class DownloadFile:
    """One download box: its caption, the table (already labelled) and the file's name and columns."""

    caption_th: str
    caption_en: str
    table: pd.DataFrame
    name: str
    columns: Sequence[tuple]


def download_pair(ctx: PageContext, left: DownloadFile | None, right: DownloadFile | None) -> None:
    """Two download boxes side by side; a box with no file (None or an empty table) is left empty."""
    for column, file in zip(st.columns(2), (left, right), strict=True):
        if file is None or file.table.empty:
            continue
        with column:
            st.caption(ctx.t(file.caption_th, file.caption_en))
            download_buttons(file.table, file.name, ctx, file.columns)


def area_section_heading(ctx: PageContext) -> None:
    """The heading over the tabs (by area, charts, tables)."""
    st.subheader(ctx.t("รายพื้นที่ กราฟ และตาราง", "By area, charts and tables"))
