"""What every page gets from the sidebar: the filters and the display language.

dashboard.py draws the global controls (kept in st.query_params so a view can be
bookmarked) and stores the result in st.session_state before running the page.
Pages call `page_context()` and never read the controls themselves.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import streamlit as st

from budget_metrics import Filters
from budget_metrics.formatting import format_date, million_baht


@dataclass(frozen=True)
class PageContext:
    """The sidebar's choices for this run.

    filters: which projects and as of which date (as_of None = latest data date);
    lang: 'th' or 'en'; data_version: cache key that changes when a load publishes a
    new database; as_of_shown: the date the figures are as of (the latest data date
    when filters.as_of is None), None when unknown; snapshot_mode: the sidebar's data
    mode is 'snapshot', so filters.as_of is the date of a stored (current) snapshot and
    the overview and province pages show its frozen figures against the previous one;
    page: the url path of the page being shown ('overview', 'lagging', ...), which owns
    its page-only filters (ui.page_filters.page_choice).
    """

    filters: Filters
    lang: str  # 'th' or 'en'
    data_version: str  # cache key: changes when a load publishes a new database
    as_of_shown: date | None = None
    snapshot_mode: bool = False
    page: str = ""

    def t(self, thai: str, english: str) -> str:
        """The label in the current language."""
        return thai if self.lang == "th" else english

    def money(self, amount: Decimal | float | None, decimals: int = 2) -> str:
        """Baht as million baht with separators, e.g. '1,234.57' (the unit goes in the label)."""
        return million_baht(amount, decimals)

    def date(self, day: date | None) -> str:
        """'13 ก.ย. 2562' in Thai, '13 Sep 2019' in English."""
        return format_date(day, self.lang)

    def name(self, thai: str | None, english: str | None) -> str:
        """Pick the Thai or English name of a reference item (falls back to the other)."""
        chosen = thai if self.lang == "th" else english
        return chosen or thai or english or "-"

    def names(self, thai: Iterable, english: Iterable, missing: str = "-") -> list[str]:
        """`name` for each pair of a Thai and an English column (NaN counts as absent);
        `missing` where both are absent."""

        def text(value) -> str | None:
            return value if isinstance(value, str) and value else None

        return [
            self.name(text(th), text(en)) if text(th) or text(en) else missing
            for th, en in zip(thai, english, strict=True)
        ]

    def area_text(self) -> str:
        """The sidebar's area in words: the province, else the cluster, else the region, else
        'ทั้งประเทศ' / 'whole country'."""
        from budget_metrics import reference

        for code, table, key in (
            (self.filters.province, reference.provinces, "province_code"),
            (self.filters.cluster, reference.clusters, "cluster_code"),
            (self.filters.region, reference.regions, "region"),
        ):
            if code:
                found = table()
                found = found[found[key] == code]
                if not found.empty:
                    return self.name(found.iloc[0]["name_th"], found.iloc[0]["name_en"])
        return self.t("ทั้งประเทศ", "whole country")

    @property
    def million_baht(self) -> str:
        """The money unit label: 'ล้านบาท' / 'million baht'."""
        return self.t("ล้านบาท", "million baht")


def set_page_context(context: PageContext) -> None:
    """Store the context for the page about to run (called by dashboard.py)."""
    st.session_state["page_context"] = context


def _run_through_dashboard() -> None:
    """Make sure a page runs under dashboard.py, never on its own.

    Streamlit starts in its legacy multipage mode when a `pages/` folder sits next to
    the main script, and stays there until some session first calls st.navigation. So
    on a fresh server, the first visitor of a bookmarked URL such as /area?area=... would
    get the page file run bare, without the sidebar controls. Leaving that mode and
    rerunning executes dashboard.py, which then runs the page the URL names.
    """
    from streamlit.runtime.pages_manager import PagesManager

    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()


def page_context() -> PageContext:
    """The context dashboard.py set for this run (defaults if a page runs on its own)."""
    _run_through_dashboard()
    found = st.session_state.get("page_context")
    if found is None:
        from budget_metrics import data_version

        found = PageContext(Filters(), "th", data_version())
    return found
