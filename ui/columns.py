"""Table columns: `ColumnSpec` (source column, Thai and English header, kind) describes a column of a
data table or a download; `money_column` / `percent_column` are Streamlit column configs (million baht
with separators, percentages with two decimals, kept numeric so they sort); `money_frame` converts baht
columns to million baht for display; `with_names` adds the display columns a read-side frame lacks
(area, province, flag, budget-type and status names in the page's language).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pandas as pd
import streamlit as st

from ui.context import PageContext
from ui.labels import BUDGET_TYPE_LABELS, STATUS_LABELS, label
from vocabulary import FLAGS


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


# A column of a `data_table`: (source column, Thai header, English header, kind), kind one of
# 'money' (baht), 'pct' (0-100), 'points' (a change of a percentage, the unit in the header),
# 'date', 'int' or 'text'.
ColumnSpec = tuple[str, str, str, str]


def with_names(frame: pd.DataFrame, ctx: PageContext) -> pd.DataFrame:
    """Add display columns: owner_name / province_name in the current language, flag names
    (from flag_codes text or a flags list), reasons, budget_type_name."""
    out = frame.copy()
    if "owner_name_th" in out and "owner_name_en" in out:
        out["owner_name"] = ctx.names(out["owner_name_th"], out["owner_name_en"])
    if "name_th" in out and "name_en" in out:
        out["province_name"] = ctx.names(out["name_th"], out["name_en"])
    if "flag_codes" in out:
        out["flag_names"] = [
            ", ".join(ctx.t(*FLAGS[code]) for code in str(codes).split(",") if code in FLAGS)
            for codes in out["flag_codes"]
        ]
        out["reasons"] = out["reasons_th" if ctx.lang == "th" else "reasons_en"]
    elif "flags" in out:
        out["flag_names"] = [
            ", ".join(ctx.t(*FLAGS[code]) for code in codes if code in FLAGS) for codes in out["flags"]
        ]
        out["reasons"] = out["reasons_th" if ctx.lang == "th" else "reasons_en"]
    if "budget_type" in out:
        out["budget_type_name"] = [label(BUDGET_TYPE_LABELS, code, ctx.lang) for code in out["budget_type"]]
    if "status" in out:
        out["status_name"] = [label(STATUS_LABELS, code, ctx.lang) for code in out["status"]]
    return out
