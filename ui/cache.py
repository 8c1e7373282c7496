"""Page results kept between runs: `cached(fn, *args)` calls a read-side function through
`st.cache_data`, keyed on the published file (data_version) and the arguments (filters included), so a
page opens from memory after its first load and a new ETL load invalidates everything at once (each
call returns a copy); `view_html(build, ctx, *args)` keeps what a first screen's HTML builder returns,
once per published file and sidebar view, shared by every session of the process (no copy, no rebuild).
"""

from __future__ import annotations

import importlib
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, TypeVar

import streamlit as st

from ui.context import PageContext, page_context

T = TypeVar("T")


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


# Built first-screen HTML (view_html): a few hundred KB at most (the overview's longest list is ~30 KB)
_VIEW_HTML: OrderedDict[tuple, Any] = OrderedDict()
_VIEW_HTML_LOCK = threading.Lock()
VIEW_HTML_ENTRIES = 512


def view_html(build: Callable[..., T], ctx: PageContext, *args: Any) -> T:
    """`build(ctx, *args)`, built once per published file and view and then shared by every session
    of this process: the HTML (or other immutable result) a first screen draws.

    The key is the published file (ctx.data_version), the whole page context (filters, language,
    mode, the date shown, the page), the sidebar's URL parameters (what the links in the HTML carry:
    ui.area_links.area_link_params) and args. So `build` must depend on nothing else: no st calls, no
    session state, no page-only filters; its result must not be changed by the caller (it is not
    copied: that is the saving over `cached`). The least recently used of VIEW_HTML_ENTRIES go first;
    a new published file makes every earlier entry unreachable.
    """
    from ui.kept_choices import GLOBAL_URL

    url = tuple(sorted((name, repr(value)) for name, value in st.session_state.get(GLOBAL_URL, {}).items()))
    key = (build.__module__, build.__qualname__, ctx, url, args)
    with _VIEW_HTML_LOCK:
        if key in _VIEW_HTML:
            _VIEW_HTML.move_to_end(key)
            return _VIEW_HTML[key]
    value = build(ctx, *args)  # outside the lock: two sessions may build the same view once each
    with _VIEW_HTML_LOCK:
        _VIEW_HTML[key] = value
        while len(_VIEW_HTML) > VIEW_HTML_ENTRIES:
            _VIEW_HTML.popitem(last=False)
    return value


def forget_views() -> None:
    """Forget every view view_html built (as st.cache_data.clear() forgets cached reads): the next
    render builds from the database again."""
    with _VIEW_HTML_LOCK:
        _VIEW_HTML.clear()
