"""What frames every page: `render_safely(render)` runs a page and turns any error into a clear message
instead of a traceback (a missing database into `missing_database`, the page shown when nothing is loaded
yet); `no_data()` is the friendly "ไม่มีข้อมูล" notice; `lazy_tabs` draws tabs of which only the open
one runs; `markdown_text` makes text from input files safe inside st.markdown.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable, Sequence

import pandas as pd
import streamlit as st

from budget_metrics.connection import NoDataError
from ui.context import page_context

log = logging.getLogger(__name__)


def markdown_text(text: object) -> str:
    """Text from input files, safe inside st.markdown (markdown characters escaped)."""
    if text is None or (not isinstance(text, str) and pd.isna(text)) or text == "":
        return "-"
    return "".join(f"\\{char}" if char in "\\`*_{}[]()#+-.!|<>~$:" else char for char in str(text))


def no_data(what: str | None = None) -> None:
    """The friendly 'no data' notice (e.g. a province with no projects), never an error."""
    context = page_context()
    text = context.t("ไม่มีข้อมูล", "No data")
    if what:
        text = f"{text} — {what}"
    st.info(text, icon=":material/info:")


def missing_database(error: Exception | None = None) -> None:
    """The page shown when no data is loaded: what is missing and who can fix it, in plain words
    (the commands are in the README and docs/weekly-routine.md, for administrators)."""
    context = page_context()
    st.title(context.t("ยังไม่มีข้อมูล", "No data loaded yet"))
    st.info(
        context.t(
            "ระบบยังไม่มีข้อมูลการเบิกจ่ายให้แสดง โปรดแจ้งผู้ดูแลระบบให้โหลดข้อมูล (ไฟล์รายงานการเบิกจ่ายหรือข้อมูลตัวอย่าง) แล้วรีเฟรชหน้านี้",
            "There is no budget-execution data to show yet. Please ask the system administrator to load "
            "the data (the disbursement reports, or the demo data), then refresh this page.",
        ),
        icon=":material/info:",
    )
    if error is not None:
        log.info("no data to show: %s", error)


def lazy_tabs(tabs: Sequence[tuple[str, Callable[[], None]]], key: str) -> None:
    """Tabs of which only the open one runs (and loads its chart or grid): `tabs` are
    (label, draw) pairs. The labels are the tab's value, so `key` must change with them
    (e.g. per language)."""
    containers = st.tabs([label for label, _ in tabs], key=key, on_change="rerun")
    for container, (_, draw) in zip(containers, tabs, strict=True):
        if container.open:
            with container:
                draw()


def render_safely(render: Callable[[], None]) -> None:
    """Run a page; a missing database shows `missing_database`, any other error a clear message.

    Streamlit's own control flow (st.rerun, st.stop, st.switch_page) derives from
    BaseException and passes through untouched.
    """
    context = page_context()
    try:
        render()
    except NoDataError as error:
        missing_database(error)
    except Exception as error:  # noqa: BLE001 - a viewer must never see a traceback
        log.error("page failed:\n%s", traceback.format_exc())
        st.error(
            context.t(
                f"ไม่สามารถแสดงหน้านี้ได้: {type(error).__name__}: {error} — ลองรีเฟรชหน้า หากยังพบปัญหาโปรดแจ้งผู้ดูแลระบบ",
                f"This page could not be shown: {type(error).__name__}: {error} — "
                "try refreshing; if it persists, tell the administrator.",
            ),
            icon=":material/error:",
        )
