"""What every page gets from the sidebar: the filters and the display language.

dashboard.py draws the global controls (kept in st.query_params so a view can be
bookmarked) and stores the result in st.session_state before running the page.
Pages call `page_context()` and never read the controls themselves.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from budget_metrics import Filters


@dataclass(frozen=True)
class PageContext:
    filters: Filters
    lang: str  # 'th' or 'en'
    data_version: str  # cache key: changes when a load publishes a new database

    def t(self, thai: str, english: str) -> str:
        """The label in the current language."""
        return thai if self.lang == "th" else english


def set_page_context(context: PageContext) -> None:
    st.session_state["page_context"] = context


def page_context() -> PageContext:
    """The context dashboard.py set for this run (defaults if a page runs on its own)."""
    found = st.session_state.get("page_context")
    if found is None:
        from budget_metrics import data_version

        found = PageContext(Filters(), "th", data_version())
    return found
