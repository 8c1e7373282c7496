"""The kept choices behind every sidebar and page filter, and the URL they are read from and written to.

Each choice is kept once, language-neutral (the code: '46', 'province'), in `st.session_state[KEPT]`;
`_kept_widget` draws its widget in the current language seeded from it and keeps the answer, and
`_kept_date_field` does the same for a typed date. Here too: the widgets' session keys
(`widget_key`, `page_key`), the language (`current_lang`), whether a run came from Back / Forward
(`history_navigation`), the notices a link's unknown values cause (`_notice`, `link_notices`) and
the writing of one URL parameter. ui/controls.py draws the sidebar from these, ui/page_filters.py a
page's own filters, ui/area_links.py the links that choose an area; why the choices are kept apart
from the widgets is told in ui/controls.py's docstring.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

import streamlit as st

from budget_metrics.formatting import format_date
from thai_date_input import DateTextError, parse_date_text, typed_form
from ui.date_field import date_text_input
from ui.labels import pick
from vocabulary import CHOOSE_PLACEHOLDER, LINK_FIELDS, LINK_UNKNOWN
from vocabulary import pick as pick_word

PARAMS = ("lang", "fy", "mode", "as_of", "plan", "region", "cluster", "province", "budget")
LANGS = ("th", "en")
LATEST = "latest"
CUSTOM = "custom"
ALL = ""  # the "all" option of a select box (None would show as an empty box)
LIVE, SNAPSHOT = "live", "snapshot"  # the data modes

K_LANG = "g_lang"  # the language radio (its labels do not change with the language)
KEPT = "_kept_choices"  # name -> language-neutral value of every sidebar and page choice
KEPT_LANG = "_kept_lang"  # name -> the language its widget was last drawn in
FORCED = "_forced_choices"  # names whose widget must show the kept value on the next draw
PAGE_PARAMS = "_page_params"  # URL parameter -> the page (url path) it belongs to
PAGE_URL = "_page_url_values"  # page -> {URL parameter: its value in the URL (None: left out)}
GLOBAL_URL = "_global_url_values"  # the sidebar's URL parameters as last written (defaults left out)
SEEDED = "_controls_seeded"
URL_GIVEN = "_url_given"  # URL parameter -> the text this run took a choice from (cleared every run)
NOTICES = "_link_notices"  # (view, [notice]) of the last run that read the URL
PENDING = "_link_notices_pending"  # notices found during this run
AREA_LEVELS = ("province", "cluster")
# Kept choices whose widget shows another URL parameter than their own name.
URL_PARAM_OF = {"snapshot_as_of": "as_of", "as_of_date": "as_of"}


def widget_key(name: str, lang: str) -> str:
    """The session-state key of the widget showing choice `name` in one language ('g_province.th')."""
    return f"g_{name}.{lang}"


def page_key(page: str, param: str, lang: str) -> str:
    """The session-state key of a page-only filter's widget (`page_choice`), e.g. ('lagging', 'flag', 'th')."""
    return widget_key(f"{page}:{param}", lang)


def _param(name: str) -> str | None:
    value = st.query_params.get(name)
    return value.strip() if value else None


def _parse_date(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def history_navigation() -> bool:
    """True when this run comes from the browser's Back or Forward button (the URL is an earlier one)."""
    from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

    context = get_script_run_ctx()
    return bool(context is not None and getattr(context, "is_history_navigation", False))


def current_lang() -> str:
    """'th' or 'en': the language widget's value, first taken from ?lang= (default Thai), and again
    from the URL after Back / Forward."""
    if K_LANG not in st.session_state or history_navigation():
        given = _param("lang")
        st.session_state[K_LANG] = "en" if given == "en" else "th"
        if given not in (None, "th", "en"):
            st.session_state[URL_GIVEN + ".lang"] = given  # said once the controls are drawn
    return st.session_state[K_LANG]


def _kept() -> dict[str, Any]:
    return st.session_state.setdefault(KEPT, {})


def kept_choice(name: str, default: Any = None) -> Any:
    """The kept (language-neutral) value of a choice, e.g. kept_choice('province') -> '46' or ''."""
    return _kept().get(name, default)


def _force(name: str, value: Any) -> None:
    """Set a choice from outside its widget; its widget shows it on its next draw."""
    _kept()[name] = value
    st.session_state.setdefault(FORCED, set()).add(name)


def _kept_widget(
    draw: Callable[..., Any],
    name: str,
    label_text: str,
    options: Sequence | None,
    lang: str,
    default: Any,
    valid: Callable[[Any], bool] | None = None,
    **kwargs: Any,
) -> Any:
    """Draw `draw(label, options, key=..., **kwargs)` showing the kept value of `name`; keep its answer.

    `options` None draws `draw(label, key=..., **kwargs)` (a date or text input). `valid(value)`
    says whether a value can be shown (default: it is one of the options); an invalid kept
    value falls back to `default`, else the first option.
    """
    if valid is None:

        def valid(value: Any) -> bool:
            return value in options

    kept = _kept()
    value = kept.get(name, default)
    if not valid(value):
        value = default if valid(default) or not options else options[0]
        param = URL_PARAM_OF.get(name, name)
        given = _url_given().get(param)
        if given is not None:  # the link asked for something not offered: say so
            field = pick(LINK_FIELDS.get(param, (label_text, label_text)), lang)
            _notice(LINK_UNKNOWN, lang, field=field, given=given, shown=kwargs.get("format_func", str)(value))
            _force(name, value)
    key = widget_key(name, lang)
    for other in LANGS:
        if other != lang:
            st.session_state.pop(widget_key(name, other), None)
    forced = st.session_state.setdefault(FORCED, set())
    drawn_in = st.session_state.setdefault(KEPT_LANG, {})
    # Seed the widget when it is new, was told a new value, was last drawn in the other
    # language (the browser may still hold its old answer), or holds a value no longer offered.
    if name in forced or drawn_in.get(name) != lang or key not in st.session_state or not valid(st.session_state[key]):
        st.session_state[key] = value
    forced.discard(name)
    drawn_in[name] = lang
    if draw in (st.selectbox, st.multiselect):  # not Streamlit's English "Choose an option"
        kwargs.setdefault("placeholder", pick_word(CHOOSE_PLACEHOLDER, lang))
    chosen = (
        draw(label_text, options, key=key, **kwargs) if options is not None else draw(label_text, key=key, **kwargs)
    )
    kept[name] = chosen
    return chosen


def _kept_date_field(name: str, label_text: str, lang: str, default: date, earliest: date, latest: date) -> date:
    """A date typed the way Thai officials write it (ui.date_field: BE or CE, Thai digits, Thai month
    names), kept like `_kept_widget`: the kept value is the date, the box is seeded with it (d/m/BE in
    Thai, ISO in English) when new, told a new value or drawn in the other language. Returns the date shown: the one
    typed when it is read and within earliest..latest, else the previous one (the box says why, in the
    user's language, and the caption under it which date is still shown).

    Why not st.date_input: its typed field refuses a Buddhist-era year (2562 is "outside allowed range").
    """
    kept = _kept()
    previous = kept.get(name, default)
    if not (isinstance(previous, date) and earliest <= previous <= latest):
        previous = default
    key = widget_key(name, lang)
    for other in LANGS:
        if other != lang:
            st.session_state.pop(widget_key(name, other), None)
    forced = st.session_state.setdefault(FORCED, set())
    drawn_in = st.session_state.setdefault(KEPT_LANG, {})
    if name in forced or drawn_in.get(name) != lang or not isinstance(st.session_state.get(key), str):
        st.session_state[key] = typed_form(previous) if lang == "th" else previous.isoformat()  # 10/9/2562
    forced.discard(name)
    drawn_in[name] = lang
    text = date_text_input(label_text, key, lang, earliest, latest)  # says what it read, or why not
    try:
        typed = parse_date_text(text, earliest, latest)
    except DateTextError:
        typed = None
    if typed is None:
        shown = format_date(previous, lang)
        st.caption(f"แสดงข้อมูล ณ วันที่ {shown} (วันที่เดิม)" if lang == "th" else f"Showing {shown} (the date before)")
    kept[name] = typed or previous
    return kept[name]


def _url_given() -> dict[str, str]:
    """URL parameter -> the text this run's choices were taken from (empty on most runs)."""
    return st.session_state.setdefault(URL_GIVEN, {})


def _notice(words: tuple[str, str], lang: str, **values: str) -> None:
    """Remember one 'the link asked for X; showing Y instead' notice for this view."""
    text = pick(words, lang).format(**values)
    pending = st.session_state.setdefault(PENDING, [])
    if text not in pending:
        pending.append(text)


def link_notices(page: str) -> list[str]:
    """What the link of this view asked for that is not shown (unknown province, date outside the
    data, ...), each a sentence in the user's language; empty for a well-formed link. The notices
    stay while the view is the one the link opened, and go at the first change."""
    view = (page, tuple(sorted(st.session_state.get(GLOBAL_URL, {}).items())))
    pending = st.session_state.pop(PENDING, [])
    if pending:
        st.session_state[NOTICES] = (view, pending)
    found = st.session_state.get(NOTICES)
    if found is None or found[0] != view:
        st.session_state.pop(NOTICES, None)
        return []
    return list(found[1])


def _set_url_param(name: str, wanted: str | list[str] | None) -> None:
    if wanted is None or wanted == []:
        if name in st.query_params:
            del st.query_params[name]
    elif isinstance(wanted, list):
        if st.query_params.get_all(name) != wanted:
            st.query_params[name] = wanted
    elif st.query_params.get(name) != wanted:
        st.query_params[name] = wanted


def drop_other_pages_params(page: str) -> None:
    """Remove from the URL the page-only filters of pages other than `page` (their values
    stay kept, and come back to the URL when their page is shown again)."""
    for name, owner in st.session_state.get(PAGE_PARAMS, {}).items():
        if owner != page and name in st.query_params:
            del st.query_params[name]
