"""Opening another view of the dashboard as one browser-history step, in the same session.

Why not a plain link or `st.switch_page`: a link (`<a href>`, the tile map's provinces, the first
screen's lists) loads a new document: a new Streamlit session (the kept choices and drafts of this
one are gone) and a full visit's work on the server. `st.switch_page` with a new query string makes
Streamlit's browser code push two history entries (the query string on the old page, then the new
page), so Back stopped half-way. Streamlit's own Back / Forward handling does what is wanted: on the
browser's `popstate` it reruns the script for the page and query string of the address bar, flagged
as history navigation, and the sidebar takes every choice from that URL (ui.controls). So a click
pushes the link's address (one entry) and lets Streamlit handle it as it handles Forward.

Links inside `navigable(html)` are handled so (a left click without a modifier key; a middle or
Ctrl-click still opens a new tab, and without JavaScript the link still works as a link);
`navigate(href)` does the same from the server, for a click Streamlit reports to the script (a bar
of a Plotly ranking, a select box). Hrefs are relative to the page ('area?province=46').
"""

from __future__ import annotations

import json
import uuid

import streamlit as st

# Installed once per browser document (the flag survives Streamlit's page changes, which keep it).
_INSTALL = """<script>
(() => {
  if (window.__bmNavigate) return;
  window.__bmNavigate = (href) => {
    history.pushState({}, "", new URL(href, document.location.href));
    window.dispatchEvent(new PopStateEvent("popstate", {state: {}}));
  };
  document.addEventListener("click", (event) => {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey
        || event.altKey) return;
    const link = event.target.closest && event.target.closest("[data-bm-nav] a[href]");
    if (!link || new URL(link.href).origin !== document.location.origin) return;
    event.preventDefault();
    window.__bmNavigate(link.href);
  });
})();
</script>"""


def navigable(html: str) -> str:
    """`html` whose same-window links open their view as one history step in this session (see the
    module docstring); the text to pass to `st.html(..., unsafe_allow_javascript=True)`."""
    return f"<div data-bm-nav>{html}</div>{_INSTALL}"


def navigate(href: str) -> None:
    """Open `href` (relative to the current page, e.g. 'area?province=46') as one history step in this
    session, then end this run (what follows would be drawn only to be replaced)."""
    token = json.dumps(uuid.uuid4().hex)  # a redraw of the same element must not navigate twice
    st.html(
        f"{_INSTALL}<script>(() => {{ const done = window.__bmNavigated = window.__bmNavigated || new Set();"
        f" if (done.has({token})) return; done.add({token}); window.__bmNavigate({json.dumps(href)}); }})();"
        "</script>",
        unsafe_allow_javascript=True,
    )
    st.stop()
