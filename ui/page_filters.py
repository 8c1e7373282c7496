"""A page's own filters (a select box, radio, multiselect or text box drawn by the page, not the
sidebar): kept across language and page switches like the sidebar's choices (ui/kept_choices.py),
and in the URL as ?param=... while their page shows (e.g. the lagging page's ?flag=idle&agency=...).
A value the link asks for that is not offered is said (`link_notices`) rather than silently replaced.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import streamlit as st

from ui.kept_choices import (
    PAGE_PARAMS,
    PAGE_URL,
    _force,
    _kept,
    _kept_widget,
    _notice,
    _param,
    _set_url_param,
    history_navigation,
)
from ui.labels import ALL_LABEL, pick
from vocabulary import LINK_UNKNOWN


# ---------------------------------------------------------------- page-only filters
def page_choice(
    draw: Callable[..., Any],
    param: str,
    label_text: str,
    options: Sequence,
    *,
    default: Any = None,
    multi: bool = False,
    **kwargs: Any,
) -> Any:
    """A page's own filter (st.selectbox, st.radio, st.multiselect, st.segmented_control ...),
    kept across language and page switches and in the URL as ?param=... while its page shows.

    Values are written to the URL as text (`str(option)`); a multi-choice widget
    (`multi=True`, e.g. st.multiselect) repeats the parameter. `default` (None = the first
    option, or nothing chosen for multi) is left out of the URL. Call it from a page.
    """
    from ui.context import page_context

    context = page_context()
    options = list(options)
    by_text = {str(option): option for option in options}
    name = f"{context.page}:{param}"  # widget key: page_key(page, param, lang)
    kept = _kept()
    from_url = name not in kept or history_navigation()  # first use in this session, or Back / Forward
    if multi:
        default = list(default or [])
        if from_url:
            given = st.query_params.get_all(param)
            kept[name] = [by_text[text] for text in given if text in by_text]
            unknown = [text for text in given if text not in by_text]
            if unknown:
                _notice(
                    LINK_UNKNOWN,
                    context.lang,
                    field=label_text,
                    given=", ".join(unknown),
                    shown=", ".join(str(kwargs.get("format_func", str)(item)) for item in kept[name])
                    or pick(ALL_LABEL, context.lang),
                )
            _force(name, kept[name])

        def valid(value: Any) -> bool:
            return isinstance(value, list) and all(item in options for item in value)
    else:
        if default is None and options:
            default = options[0]
        if from_url:
            given = _param(param)
            kept[name] = by_text.get(given or "", default)
            if given and given not in by_text:
                _notice(
                    LINK_UNKNOWN,
                    context.lang,
                    field=label_text,
                    given=given,
                    shown=str(kwargs.get("format_func", str)(default)),
                )
            _force(name, kept[name])

        def valid(value: Any) -> bool:
            return value in options

    st.session_state.setdefault(PAGE_PARAMS, {})[param] = context.page
    chosen = _kept_widget(draw, name, label_text, options, context.lang, default=default, valid=valid, **kwargs)
    if multi:
        wanted = [str(item) for item in chosen] if chosen != default else None
    else:
        wanted = None if chosen == default or chosen is None else str(chosen)
    _set_url_param(param, wanted)
    st.session_state.setdefault(PAGE_URL, {}).setdefault(context.page, {})[param] = wanted
    return chosen


def page_text(param: str, label_text: str, **kwargs: Any) -> str:
    """A page's own text box (e.g. a search), kept like `page_choice` (?param=text)."""
    from ui.context import page_context

    context = page_context()
    name = f"{context.page}:{param}"
    kept = _kept()
    if name not in kept or history_navigation():
        kept[name] = _param(param) or ""
        _force(name, kept[name])
    st.session_state.setdefault(PAGE_PARAMS, {})[param] = context.page
    text = _kept_widget(
        st.text_input,
        name,
        label_text,
        None,
        context.lang,
        default="",
        valid=lambda value: isinstance(value, str),
        **kwargs,
    )
    _set_url_param(param, text.strip() or None)
    st.session_state.setdefault(PAGE_URL, {}).setdefault(context.page, {})[param] = text.strip() or None
    return text
