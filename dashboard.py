"""The dashboard entry point: `streamlit run dashboard.py` (or `python3 tasks.py dashboard`).

Builds the page list (st.navigation), draws the global sidebar controls (kept in the
URL), hands the pages their context (ui.context) and runs the chosen page so that a
missing database or a failure shows a friendly message, never a traceback. Pages hold
layout only; every number comes from the read-side package `budget_metrics`.
"""

from __future__ import annotations

import re
from pathlib import Path

import streamlit as st

from budget_metrics import Filters, NoDataError, data_version, has_data, pinned_read
from ui.area_links import page_link_params
from ui.auth import (
    ensure_store,
    resolve_principal,
    sidebar_identity,
    sign_in_page,
    store_notice,
)
from ui.context import PageContext, set_page_context
from ui.controls import global_controls
from ui.kept_choices import current_lang, drop_other_pages_params, link_notices
from ui.page_shell import missing_database, render_safely
from vocabulary import LINK_PAGE, pick

ROOT = Path(__file__).resolve().parent

# (file, Thai title, English title, icon, url path). A file another engineer has not
# written yet is skipped, so the app always runs.
PAGES = [
    ("pages/overview.py", "ภาพรวม", "Overview", ":material/dashboard:", "overview"),
    ("pages/area.py", "จังหวัด / กลุ่มจังหวัด", "Province / cluster", ":material/location_city:", "area"),
    ("pages/lagging.py", "โครงการล่าช้า", "Lagging projects", ":material/warning:", "lagging"),
    ("pages/carryover.py", "กันเงินเหลื่อมปี", "Carry-over", ":material/event_upcoming:", "carryover"),
    ("pages/reallocations.py", "โอนเปลี่ยนแปลง / เงินเหลือจ่าย", "Reallocations", ":material/swap_horiz:", "reallocations"),
    ("pages/assets.py", "โอนสินทรัพย์", "Asset transfers", ":material/handshake:", "assets"),
    ("pages/data_quality.py", "คุณภาพข้อมูล", "Data quality", ":material/fact_check:", "data_quality"),
    ("pages/weekly.py", "รายงานประจำสัปดาห์", "Weekly snapshots", ":material/date_range:", "weekly"),
    ("pages/upload.py", "อัปโหลดข้อมูล", "Upload data", ":material/upload_file:", "upload"),
]
DEFAULT = "overview"
# Streamlit serves the default page at "/" only, and its url_path names nothing, so a
# bookmark of /overview would open "Page not found". The default page therefore gets an
# unused path, and a hidden second page serves the same file at /overview.
DEFAULT_PAGE_PATH = "start"
# A page path the browser asked for that is none of ours (/nosuchpage): Streamlit would show its
# own English "Page not found" box; instead a hidden page of that path shows the overview under a
# notice in the user's language. (A path with a slash cannot be a page path; Streamlit answers it.)
UNKNOWN_PAGE = re.compile(r"[A-Za-z0-9_.~-]+")


def asked_page_name() -> str:
    """The page path the browser asked for in this run ('' for the default page or a page picked by link)."""
    from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

    context = get_script_run_ctx()
    manager = getattr(context, "pages_manager", None)
    if manager is None or manager.intended_page_script_hash:
        return ""
    return manager.intended_page_name or ""


lang = current_lang()
st.set_page_config(
    page_title="ติดตามการเบิกจ่ายงบประมาณ" if lang == "th" else "Budget execution monitor", page_icon="📊", layout="wide"
)

# The application store (users, follow-up responses, uploads) is created or migrated once per
# process and checked on every run; then who is using the app: the signed-in user, or the local
# single-user mode. When the store cannot be reached, every page that needs only the published
# DuckDB file still works: a signed-in user reads as a viewer, the sidebar says why, the follow-up
# and upload parts say that nothing can be saved now (ui.auth; the driver's error goes to the log).
store_ok = ensure_store()
principal = resolve_principal(store_ok)
if principal is None:  # sign-in configured ([auth] in .streamlit/secrets.toml), nobody signed in yet
    sidebar_identity(None, lang)
    sign_in_page(lang)
    st.stop()

page_names: dict[int, str] = {}  # id(st.Page) -> the page's name (url path)
pages = []
linked = []  # the pages of the sidebar's links, in order
for path, thai, english, icon, url in PAGES:
    if not (ROOT / path).exists():
        continue
    title = thai if lang == "th" else english
    shown = st.Page(
        str(ROOT / path),
        title=title,
        icon=icon,
        url_path=DEFAULT_PAGE_PATH if url == DEFAULT else url,
        default=url == DEFAULT,
    )
    pages.append(shown)
    linked.append(shown)
    page_names[id(shown)] = url
    if url == DEFAULT:
        alias = st.Page(str(ROOT / path), title=title, icon=icon, url_path=url, visibility="hidden")
        pages.append(alias)
        page_names[id(alias)] = url
asked = asked_page_name()
unknown_page = (
    asked
    if asked and UNKNOWN_PAGE.fullmatch(asked) and asked != DEFAULT_PAGE_PATH and asked not in set(page_names.values())
    else None
)
if unknown_page is not None:
    missing = st.Page(
        str(ROOT / PAGES[0][0]),
        title=PAGES[0][1] if lang == "th" else PAGES[0][2],
        url_path=unknown_page,
        visibility="hidden",
    )
    pages.append(missing)
    page_names[id(missing)] = DEFAULT
# Streamlit's own sidebar navigation drops our query parameters on a page switch, and writing them
# back made a second browser-history entry per page; the links below carry them (ui.controls).
navigation = st.navigation(pages, position="hidden")

with st.sidebar:
    st.markdown(
        "**ติดตามการเบิกจ่ายงบประมาณ แผนพัฒนาจังหวัด/กลุ่มจังหวัด**"
        if lang == "th"
        else "**Provincial and cluster plan budget execution**"
    )
    page_links = st.container(key="page_links")
sidebar_identity(principal, lang)
store_notice(principal, lang)


def draw_page_links() -> None:
    """The sidebar's page list: one link per page, carrying the view's query parameters. On /overview
    (the default page's alias) its link is the alias, so it shows as the current page."""
    current = page_names.get(id(navigation)) if unknown_page is None else None
    with page_links:
        for shown in linked:
            name = page_names[id(shown)]
            st.page_link(navigation if name == current else shown, query_params=page_link_params(name), width="stretch")


def draw_link_notices(box, page: str) -> None:
    """What the link asked for that is not shown, at the top of the page (ui.kept_choices.link_notices)."""
    notices = link_notices(page)
    if unknown_page is not None:
        notices.insert(0, pick(LINK_PAGE, lang).format(given=unknown_page))
    with box:
        for text in notices:
            st.warning(text, icon=":material/link_off:")


def render(navigation) -> None:
    """The sidebar controls, then the chosen page (or a clear notice instead of a traceback)."""
    page = page_names.get(id(navigation), "")
    context: PageContext | None = None
    notices = st.container()
    try:
        if has_data():
            context = global_controls(page)
    except NoDataError:
        context = None
    except Exception as error:  # noqa: BLE001 - e.g. an unreadable database file: say so, no traceback
        set_page_context(PageContext(Filters(), lang, data_version(), page=page))
        draw_page_links()
        st.error(
            ("ไม่สามารถอ่านฐานข้อมูลได้: " if lang == "th" else "The database cannot be read: ")
            + f"{type(error).__name__}: {error}",
            icon=":material/error:",
        )
        st.stop()

    draw_page_links()
    if context is None:
        set_page_context(PageContext(Filters(), lang, data_version(), page=page))
        draw_link_notices(notices, page)
        if page == "upload":  # the first files may come through the upload page
            render_safely(navigation.run)
            return
        missing_database()
    else:
        set_page_context(context)
        # Another page's own filters (?flag=...) do not follow the user here; they stay kept.
        drop_other_pages_params(page)
        render_safely(navigation.run)
        draw_link_notices(notices, page)  # after the page: its own filters may have something to say too


# One published database file for the whole run: a load that publishes mid-render shows
# on the next interaction, never half in this one.
with pinned_read():
    render(navigation)
