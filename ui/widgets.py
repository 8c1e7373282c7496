"""Reusable page pieces: cached read-side calls, KPI cards, downloads, no-data notices.

Every page uses these so the dashboard looks and behaves the same everywhere:

- `cached(fn, *args)` calls a read-side function through `st.cache_data`, keyed on the
  data version and the arguments (filters included), so a page opens from memory
  after its first load and a new ETL load invalidates everything at once.
- `kpi_cards([KpiCard(...), ...])` draws a row of bordered metric cards.
- `download_buttons(frame, "lagging")` offers a DataFrame as CSV (UTF-8 with BOM, so
  Excel shows Thai correctly) and as an Excel workbook.
- `no_data()` is the friendly "ไม่มีข้อมูล" notice; `missing_database(error)` the page
  shown when there is nothing loaded yet; `render_safely(fn)` turns any error into a
  clear message instead of a traceback.
- `money_frame(frame, columns)` / `money_column(label)` show baht columns as million
  baht with separators while keeping them numeric (sortable).
"""

from __future__ import annotations

import importlib
import io
import logging
import traceback
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import pandas as pd
import streamlit as st

from budget_metrics.connection import LOAD_HINT, NoDataError
from ui.context import page_context

T = TypeVar("T")
log = logging.getLogger(__name__)


# ---------------------------------------------------------------- caching
@st.cache_data(show_spinner=False, max_entries=1024)
def _cached_call(module: str, qualname: str, version: str, args: tuple, kwargs: tuple) -> Any:
    # `version` is unused in the body on purpose: it is part of the cache key, so a new
    # database file (new data_version) makes every earlier entry unreachable.
    target: Any = importlib.import_module(module)
    for part in qualname.split("."):
        target = getattr(target, part)
    return target(*args, **dict(kwargs))


def cached(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """`fn(*args, **kwargs)` from the Streamlit cache, keyed on (data_version, fn, args).

    fn must be a module-level function (e.g. `progress.kpis`); arguments must be
    hashable/picklable (Filters, dates, strings, tuples). The result is a copy, so a
    page may modify a returned DataFrame freely.
    """
    version = page_context().data_version
    return _cached_call(fn.__module__, fn.__qualname__, version, args, tuple(sorted(kwargs.items())))


# ---------------------------------------------------------------- KPI cards
@dataclass(frozen=True)
class KpiCard:
    """One metric card: label, value text, optional change text and colouring.

    delta_color: 'normal' (up = green), 'inverse' (up = red) or 'off'.
    """

    label: str
    value: str
    delta: str | None = None
    delta_color: str = "normal"
    help: str | None = None


def kpi_cards(cards: Sequence[KpiCard], per_row: int = 4) -> None:
    """Draw cards in rows of `per_row` bordered st.metric boxes."""
    for start in range(0, len(cards), per_row):
        columns = st.columns(per_row)
        for column, card in zip(columns, cards[start:start + per_row], strict=False):
            with column:
                st.metric(card.label, card.value, card.delta, delta_color=card.delta_color,
                          help=card.help, border=True)


# ---------------------------------------------------------------- tables and downloads
def money_column(label: str, decimals: int = 2) -> Any:
    """A numeric column config showing million baht with thousand separators."""
    return st.column_config.NumberColumn(label, format=f"%,.{decimals}f")


def percent_column(label: str, decimals: int = 2) -> Any:
    """A numeric column config for percent values 0-100 (shown with 2 decimals)."""
    return st.column_config.NumberColumn(label, format=f"%.{decimals}f")


def money_frame(frame: pd.DataFrame, columns: Iterable[str]) -> pd.DataFrame:
    """A copy with the given baht columns converted to million baht (float, for display)."""
    out = frame.copy()
    for column in columns:
        out[column] = pd.to_numeric(out[column], errors="coerce").astype(float) / 1_000_000
    return out


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """CSV in UTF-8 with a byte-order mark, so Excel opens Thai text correctly."""
    return frame.to_csv(index=False).encode("utf-8-sig")


def excel_bytes(frame: pd.DataFrame, sheet_name: str = "data") -> bytes:
    """An .xlsx workbook with the frame on one sheet (header row frozen)."""
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="xlsxwriter") as writer:
        frame.to_excel(writer, index=False, sheet_name=sheet_name[:31])
        writer.sheets[sheet_name[:31]].freeze_panes(1, 0)
    return buffer.getvalue()


def _plain_for_export(frame: pd.DataFrame) -> pd.DataFrame:
    """Lists become '; '-joined text and timezone-free values, so CSV/Excel accept them."""
    out = frame.copy()
    for column in out.columns:
        if out[column].map(lambda value: isinstance(value, list | tuple)).any():
            out[column] = out[column].map(
                lambda value: "; ".join(map(str, value)) if isinstance(value, list | tuple) else value)
    return out


def download_buttons(frame: pd.DataFrame, file_stem: str, key: str | None = None,
                     sheet_name: str = "data") -> None:
    """Two buttons: the frame as CSV (UTF-8 BOM) and as Excel, named <file_stem>.csv/.xlsx.

    The files are built only when a button is clicked, so a large table costs nothing
    until someone asks for it.
    """
    context = page_context()
    key = key or file_stem
    plain = _plain_for_export(frame)
    left, right = st.columns(2)
    with left:
        st.download_button(context.t("ดาวน์โหลด CSV", "Download CSV"), data=lambda: csv_bytes(plain),
                           file_name=f"{file_stem}.csv", mime="text/csv", key=f"{key}_csv",
                           icon=":material/download:", on_click="ignore")
    with right:
        st.download_button(
            context.t("ดาวน์โหลด Excel", "Download Excel"),
            data=lambda: excel_bytes(plain, sheet_name), file_name=f"{file_stem}.xlsx",
            mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            key=f"{key}_xlsx", icon=":material/download:", on_click="ignore")


# ---------------------------------------------------------------- notices
def no_data(what: str | None = None) -> None:
    """The friendly 'no data' notice (e.g. a province with no projects), never an error."""
    context = page_context()
    text = context.t("ไม่มีข้อมูล", "No data")
    if what:
        text = f"{text} — {what}"
    st.info(text, icon=":material/info:")


def missing_database(error: Exception | None = None) -> None:
    """The page shown when no data is loaded: what happened and the one command to run."""
    context = page_context()
    st.title(context.t("ยังไม่มีข้อมูล", "No data loaded yet"))
    st.write(context.t(
        "ฐานข้อมูลยังว่างหรือยังไม่ได้สร้าง โหลดข้อมูลตัวอย่าง (หรือไฟล์ของท่าน) ด้วยคำสั่งนี้ "
        "แล้วกดรีเฟรชหน้านี้:",
        "The database is empty or missing. Load the demo data (or your files) with this "
        "command, then refresh this page:"))
    st.code(LOAD_HINT, language="bash")
    st.caption(context.t("หรือโหลดไฟล์ของท่าน: python -m etl load <ไฟล์หรือโฟลเดอร์>",
                         "or load your own files: python -m etl load <files or folder>"))
    if error is not None:
        st.caption(str(error))


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
        st.error(context.t(
            f"ไม่สามารถแสดงหน้านี้ได้: {type(error).__name__}: {error} — "
            "ลองรีเฟรชหน้า หากยังพบปัญหาโปรดแจ้งผู้ดูแลระบบ",
            f"This page could not be shown: {type(error).__name__}: {error} — "
            "try refreshing; if it persists, tell the administrator."),
            icon=":material/error:")
