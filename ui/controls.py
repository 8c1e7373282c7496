"""The global sidebar controls and every page filter, kept in the URL so a view can be bookmarked.

Query-string names: lang (th/en), fy (BE year), mode (absent = live, 'snapshot' = the
frozen weekly snapshots), as_of (YYYY-MM-DD, absent = latest data date; in snapshot
mode the as-of date of a stored snapshot), plan (all/province/cluster), region,
cluster (C01..), province (DOPA '50'), budget (operating/investment/other). Page-only
filters (`page_choice`, e.g. the lagging page's ?flag=idle&agency=...) live in the URL
while their page is shown. An old bookmark's ?area=province:50 (the province page's
former own picker) sets the sidebar's province.

Why the choices are kept apart from the widgets: Streamlit sends a select box's or
radio's choice back as its displayed text. When the language changes that text, the
old choice matches no option and the widget falls back to its first one — Kalasin
became "all provinces" on the next page change. So every choice is kept once,
language-neutral (the code: '46', 'province'), in `st.session_state[KEPT]`, and each
language draws its own widget (key 'g_province.en') seeded from it. A new browser
session starts from the URL; after that the kept choices are the truth and the URL is
rewritten on every run to match them (defaults are left out), except when the browser's
Back or Forward button brought an earlier URL: then the choices are taken from that URL
again, so Back undoes exactly one step. A click elsewhere (a map tile, a ranking bar)
changes the sidebar's area through `request_area`, applied before the widgets are drawn.

A value a link asks for that is not among the choices (?province=999, a date outside the
data, ?lang=fr, an unknown page filter) is not silently replaced: `link_notices` says what
was ignored and what is shown instead, in the user's language (words in vocabulary.py).

History entries: Streamlit's browser code adds one entry when the query string changes
(history.pushState) and one when the page changes; its sidebar navigation drops query
parameters it does not know on a page switch, so the next run writing them back added a
second entry per page. The sidebar's page links (`page_link_params`) therefore carry the
target page's parameters, and a page switch leaves one entry, a filter change one entry.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, timedelta
from functools import lru_cache
from typing import Any

import streamlit as st

from budget_metrics import Filters, NoDataError, data_version, reference
from budget_metrics.calendar import fiscal_year_bounds, fridays
from budget_metrics.filters import BUDGET_TYPES, PLAN_TYPES
from budget_metrics.formatting import format_date
from budget_metrics.projects import latest_data_date, latest_progress_date
from budget_metrics.snapshots import list_snapshots
from thai_date_input import DateTextError, parse_date_text, typed_form
from ui.context import PageContext
from ui.date_field import date_text_input
from ui.labels import ALL_LABEL, BUDGET_TYPE_LABELS, PLAN_TYPE_LABELS, label, pick
from vocabulary import CHOOSE_PLACEHOLDER, LINK_DATE, LINK_FIELDS, LINK_UNKNOWN, NO_TARGETS
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


def _kept_widget(draw: Callable[..., Any], name: str, label_text: str, options: Sequence | None, lang: str,
                 default: Any, valid: Callable[[Any], bool] | None = None, **kwargs: Any) -> Any:
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
    if (name in forced or drawn_in.get(name) != lang or key not in st.session_state
            or not valid(st.session_state[key])):
        st.session_state[key] = value
    forced.discard(name)
    drawn_in[name] = lang
    if draw in (st.selectbox, st.multiselect):  # not Streamlit's English "Choose an option"
        kwargs.setdefault("placeholder", pick_word(CHOOSE_PLACEHOLDER, lang))
    chosen = draw(label_text, options, key=key, **kwargs) if options is not None \
        else draw(label_text, key=key, **kwargs)
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


def _seed_from_url() -> None:
    """Take every sidebar choice from the URL (a new browser session, or Back / Forward).

    Values are kept as the URL gives them; the widgets check them against their options
    and say when one is not offered (`_kept_widget`). A missing parameter means its default.
    """
    given = _url_given()

    def raw(name: str) -> str | None:
        value = _param(name)
        if value is not None:
            given[name] = value
        return value

    kept = _kept()
    fy = raw("fy")
    try:
        kept["fy"] = int(fy) if fy else None
    except ValueError:
        kept["fy"] = fy  # not a year: the widget says so and shows the newest year
    mode = raw("mode")
    kept["mode"] = LIVE if mode is None else mode
    as_of_text = raw("as_of")
    as_of = _parse_date(as_of_text)
    kept["snapshot_as_of"] = as_of.isoformat() if as_of else as_of_text  # checked against the snapshots' dates
    if as_of_text is None:
        kept["as_of"] = LATEST
    elif as_of is None:
        kept["as_of"] = as_of_text  # not a date: said, and the latest data shown
    else:
        kept["as_of"] = as_of.isoformat() if as_of.weekday() == 4 else CUSTOM
        kept["as_of_date"] = as_of
    kept["plan"] = raw("plan") or "all"
    for name in ("region", "cluster", "province", "budget"):
        kept[name] = raw(name) or ALL  # checked against the options when drawn
    for name in ("fy", "mode", "as_of", "snapshot_as_of", "as_of_date", "plan", "region", "cluster", "province",
                 "budget"):
        _force(name, kept.get(name))
    lang = st.session_state.pop(URL_GIVEN + ".lang", None)
    if lang is not None:  # current_lang() already fell back to Thai
        _notice(LINK_UNKNOWN, current_lang(), field=pick(LINK_FIELDS["lang"], current_lang()), given=lang,
                shown="ไทย")


def _seed_once() -> None:
    """Take the kept choices from the URL the first time this browser session runs, and again when
    Back / Forward brought an earlier URL."""
    st.session_state[URL_GIVEN] = {}  # only this run's reading of the URL can cause a notice
    st.session_state[PENDING] = []
    if st.session_state.get(SEEDED) and not history_navigation():
        return
    first = not st.session_state.get(SEEDED)
    st.session_state[SEEDED] = True
    _seed_from_url()
    if not first:
        return
    # ?area=province:50 / cluster:C01: bookmarks of the province page from before it
    # followed the sidebar
    kind, _, code = (_param("area") or "").partition(":")
    if kind in AREA_LEVELS and code:
        _set_area(kind, code)
    if "area" in st.query_params:
        del st.query_params["area"]


def _area_chosen(kind: str, code: str, region: str, cluster: str, province: str) -> dict[str, str] | None:
    """The sidebar's region, cluster and province (ALL for none) once one province or cluster is
    chosen: a region or cluster that does not contain it is cleared (so it stays among the offered
    options), a cluster choice clears the province. None for an unknown kind or code."""
    provinces, clusters = _area_parents(data_version())
    if kind == "province":
        if code not in provinces:
            return None
        own_region, own_cluster = provinces[code]
        province = code
        cluster = cluster if cluster in (ALL, own_cluster) else ALL
    elif kind == "cluster":
        if code not in clusters:
            return None
        own_region = clusters[code]
        cluster, province = code, ALL
    else:
        return None
    return {"region": region if region in (ALL, own_region) else ALL, "cluster": cluster, "province": province}


@lru_cache(maxsize=8)
def _area_parents(version: str) -> tuple[dict[str, tuple[str, str]], dict[str, str]]:
    """({province: (region, cluster)}, {cluster: region}) of the reference data, once per published file
    (the overview's tile map asks it for each of its 76 links)."""
    provinces = reference.provinces()
    clusters = reference.clusters()
    return ({code: (region, cluster) for code, region, cluster in
             zip(provinces["province_code"], provinces["region"], provinces["cluster_code"], strict=True)},
            dict(zip(clusters["cluster_code"], clusters["region"], strict=True)))


def _set_area(kind: str, code: str) -> None:
    """Make the sidebar select one province or cluster (`_area_chosen`'s rule)."""
    before = {name: kept_choice(name, ALL) for name in ("region", "cluster", "province")}
    after = _area_chosen(kind, code, **before)
    for name, value in (after or {}).items():
        if value != before[name] or (name == kind):
            _force(name, value)


def request_area(kind: str, code: str) -> None:
    """Select a province or cluster (kind 'province' / 'cluster') in the sidebar.

    Safe anywhere: in a widget callback (before this run draws the sidebar) or in a page
    body followed by `st.switch_page` / `st.rerun` (the next run draws it).
    """
    _set_area(kind, code)


def _sync_url(values: dict[str, str | None]) -> None:
    """Write the chosen values to the query string; defaults are left out."""
    for name in PARAMS:
        _set_url_param(name, values.get(name))
    st.session_state[GLOBAL_URL] = {name: value for name, value in values.items() if value is not None}


def area_link_params(kind: str, code: str) -> list[tuple[str, str]]:
    """The sidebar's query parameters as they will be once the province or cluster `code` (kind
    'province' / 'cluster') is chosen (`request_area`): what a link or page switch that chooses it
    carries, so that the page it opens writes nothing new to the URL (one history entry).

    Depends only on this view's sidebar choices (filters, language, mode), never on a page's own
    filters: a first screen's links may be drawn once for every session with the same view."""
    values = dict(st.session_state.get(GLOBAL_URL, {}))
    chosen = _area_chosen(kind, code, values.get("region") or ALL, values.get("cluster") or ALL,
                          values.get("province") or ALL)
    if chosen is not None:
        values.update({name: value or None for name, value in chosen.items()})
    return [(name, values[name]) for name in PARAMS if values.get(name) is not None]


def page_link_params(page: str, area: tuple[str, str] | None = None) -> list[tuple[str, str]]:
    """The query parameters of a link to `page` (its url path): the sidebar's choices (with the
    province or cluster `area` = (kind, code) chosen, see `area_link_params`) and that page's own
    filters as they were last shown, so that opening it writes nothing new to the URL (one history
    entry per page switch)."""
    params = (area_link_params(*area) if area is not None else list(st.session_state.get(GLOBAL_URL, {}).items()))
    for name, value in st.session_state.get(PAGE_URL, {}).get(page, {}).items():
        if isinstance(value, list):
            params += [(name, item) for item in value]
        elif value is not None:
            params.append((name, value))
    return params


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


def global_controls(page: str = "") -> PageContext:
    """Draw the sidebar controls and return the context pages read (`page`: the url path
    of the page about to run).

    Raises NoDataError when the database is missing or holds no fiscal year.
    """
    version = data_version()
    lang = current_lang()

    def t(thai: str, english: str) -> str:
        return thai if lang == "th" else english

    with st.sidebar:
        st.radio("ภาษา / Language", list(LANGS), key=K_LANG, persist_state="session", horizontal=True,
                 format_func={"th": "ไทย", "en": "English"}.get)
        fiscal_years = reference.fiscal_years()
        if not fiscal_years:
            raise NoDataError("no projects loaded")
        _seed_once()

        # the loaded years, newest first; the year in progress (latest payment) by default, so a
        # budget loaded for next year before its first payment does not take over the dashboard
        default_year = reference.default_fiscal_year() or fiscal_years[0]
        fy = _kept_widget(st.selectbox, "fy", t("ปีงบประมาณ", "Fiscal year"), fiscal_years, lang,
                          default=default_year,
                          format_func=lambda year: t(f"พ.ศ. {year}", f"FY{year} ({year - 544}-{str(year - 543)[-2:]})"))
        if not reference.has_targets(fy):
            with st.container(key="no_targets"):
                st.caption(pick_word(NO_TARGETS, lang).format(year=fy))

        start, end = fiscal_year_bounds(fy)
        snapshot_dates = _snapshot_mode_control(fy, lang, t)
        latest = latest_data_date(fy)
        _check_linked_date(start, latest, snapshot_dates, lang)
        # "Latest" means the latest data within the year: progress against target ends on
        # 30 Sep, while carry-over payments (and the caption below) go on after it.
        latest_in_year = latest_progress_date(fy)
        last_friday = min(latest or end, end)
        friday_options = [day.isoformat() for day in reversed(fridays(start, last_friday))]
        as_of_options = [LATEST, *friday_options, CUSTOM]

        def as_of_label(option: str) -> str:
            if option == LATEST:
                return t(f"ล่าสุด ({format_date(latest_in_year, 'th')})",
                         f"Latest ({format_date(latest_in_year, 'en')})")
            if option == CUSTOM:
                return t("เลือกวันที่เอง…", "Pick a date…")
            return t("ศุกร์ ", "Fri ") + format_date(date.fromisoformat(option), lang)

        as_of: date | None
        if snapshot_dates:
            # Snapshot mode: only the dates of stored snapshots can be chosen; switching
            # from live keeps the live Friday when it has a snapshot.
            if kept_choice("snapshot_as_of") not in snapshot_dates and kept_choice("as_of") in snapshot_dates:
                _force("snapshot_as_of", kept_choice("as_of"))
            as_of = date.fromisoformat(_kept_widget(
                st.selectbox, "snapshot_as_of", t("ข้อมูล ณ วันที่ (ภาพนิ่ง)", "As of (snapshot)"), snapshot_dates,
                lang, default=snapshot_dates[0],
                format_func=lambda option: format_date(date.fromisoformat(option), lang),
                help=t("วันที่ของภาพนิ่งรายสัปดาห์ที่บันทึกไว้ หน้าภาพรวมและหน้าจังหวัดแสดงตัวเลขที่บันทึกไว้",
                       "Dates of the stored weekly snapshots; the overview and province pages show the "
                       "frozen figures")))
        else:
            choice = _kept_widget(st.selectbox, "as_of", t("ข้อมูล ณ วันที่", "As of"), as_of_options, lang,
                                  default=LATEST, format_func=as_of_label,
                                  help=t("รายงานรายสัปดาห์ใช้วันศุกร์; เลือกวันอื่นได้",
                                         "Weekly reports use Fridays; any date can be picked"))
            if choice == LATEST:
                as_of = None
            elif choice == CUSTOM:
                lowest, highest = start, end + timedelta(days=366)  # carry-over runs past FY end
                as_of = _kept_date_field("as_of_date", t("วันที่", "Date"), lang, latest or start, lowest, highest)
            else:
                as_of = date.fromisoformat(choice)

        plan = _kept_widget(st.selectbox, "plan", t("ประเภทแผน", "Plan type"), list(PLAN_TYPES), lang,
                            default="all", format_func=lambda code: label(PLAN_TYPE_LABELS, code, lang))

        region_names = _area_names("region", version, lang)
        region = _kept_widget(st.selectbox, "region", t("ภาค", "Region"), [ALL, *region_names], lang,
                              default=ALL,
                              format_func=lambda code: pick(ALL_LABEL, lang) if code == ALL else region_names[code])

        cluster_names = _area_names("cluster", version, lang, region)
        cluster = _kept_widget(st.selectbox, "cluster", t("กลุ่มจังหวัด", "Cluster"),
                               [ALL, *cluster_names], lang, default=ALL,
                               format_func=lambda code: pick(ALL_LABEL, lang) if code == ALL else cluster_names[code])

        province_names = _area_names("province", version, lang, region, cluster)
        province = _kept_widget(st.selectbox, "province", t("จังหวัด", "Province"),
                                [ALL, *province_names], lang, default=ALL,
                                format_func=lambda code: pick(ALL_LABEL, lang) if code == ALL
                                else province_names[code])

        budget = _kept_widget(st.selectbox, "budget", t("ประเภทงบรายจ่าย", "Budget type"), [ALL, *BUDGET_TYPES],
                              lang, default=ALL, format_func=lambda code: label(BUDGET_TYPE_LABELS, code or None, lang))

        shown = as_of or latest_in_year
        st.caption(t(f"ข้อมูลล่าสุดในระบบ: {format_date(latest, 'th')}",
                     f"Latest data in the system: {format_date(latest, 'en')}"))

    _sync_url({
        "lang": "en" if lang == "en" else None,
        # with several years loaded the link names its year, so it still shows it after the default
        # moves on (1 October); a store of one year needs no year in its links
        "fy": str(fy) if fy != default_year or len(fiscal_years) > 1 else None,
        "mode": SNAPSHOT if snapshot_dates else None,
        "as_of": as_of.isoformat() if as_of else None,
        "plan": plan if plan != "all" else None,
        "region": region or None, "cluster": cluster or None, "province": province or None,
        "budget": budget or None,
    })
    filters = Filters(fiscal_year=fy, as_of=as_of, plan_type=plan, region=region or None,
                      cluster=cluster or None, province=province or None, budget_type=budget or None)
    return PageContext(filters=filters, lang=lang, data_version=version, as_of_shown=shown,
                       snapshot_mode=bool(snapshot_dates), page=page)


def _check_linked_date(start: date, latest: date | None, snapshot_dates: list[str], lang: str) -> None:
    """A live-mode date the link asked for outside the year's data (before the year starts or after
    the latest data) is said and replaced by the latest data (the widgets would otherwise fall back
    silently, to a date whose figures all read +0.00)."""
    given = _parse_date(_url_given().get("as_of"))
    if given is None or snapshot_dates or latest is None or start <= given <= latest:
        return
    _notice(LINK_DATE, lang, given=format_date(given, lang), first=format_date(start, lang),
            last=format_date(latest, lang))
    _force("as_of", LATEST)
    _url_given().pop("as_of", None)  # said once; the widgets need not say it again


def _area_names(level: str, version: str, lang: str, region: str = ALL, cluster: str = ALL) -> dict[str, str]:
    """code -> name of the regions, the clusters (of `region`) or the provinces (of `region` and
    `cluster`, by name), in the order the sidebar offers them: a copy of a list built once per
    published file, language and choice (every run draws the sidebar; the reference frames need
    not be copied, filtered and sorted each time)."""
    return dict(_area_names_once(level, version, lang, region, cluster))


@lru_cache(maxsize=256)
def _area_names_once(level: str, version: str, lang: str, region: str, cluster: str) -> tuple[tuple[str, str], ...]:
    name = "name_th" if lang == "th" else "name_en"
    if level == "region":
        table, code = reference.regions(), "region"
    elif level == "cluster":
        table, code = reference.clusters(), "cluster_code"
        table = table[table["region"] == region] if region != ALL else table
    else:
        table, code = reference.provinces(), "province_code"
        table = table[table["region"] == region] if region != ALL else table
        table = table[table["cluster_code"] == cluster] if cluster != ALL else table
        table = table.sort_values(name)
    return tuple(zip(table[code], table[name], strict=True))


def _snapshot_dates(fiscal_year: int, version: str) -> list[str]:
    """The year's stored snapshots' as-of dates (ISO, newest first), once per published file."""
    return list(_snapshot_dates_once(fiscal_year, version))


@lru_cache(maxsize=64)
def _snapshot_dates_once(fiscal_year: int, version: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(day.isoformat() for day in list_snapshots(fiscal_year)["as_of"]))


def _snapshot_mode_control(fiscal_year: int, lang: str, t) -> list[str]:
    """Draw the live / snapshot toggle; return the stored snapshots' as-of dates (ISO, newest
    first) when snapshot mode is on, else an empty list.

    Without any snapshot of the year the toggle stays on live and the sidebar says so.
    """
    dates = _snapshot_dates(fiscal_year, data_version())
    asked = kept_choice("mode") == SNAPSHOT
    if not dates and asked:
        _force("mode", LIVE)  # before the widget is drawn, so it shows live
    mode = _kept_widget(st.radio, "mode", t("โหมดข้อมูล", "Data mode"), [LIVE, SNAPSHOT], lang, default=LIVE,
                        horizontal=True, disabled=not dates,
                        format_func={LIVE: t("ข้อมูลปัจจุบัน", "Live"),
                                     SNAPSHOT: t("ภาพนิ่งรายสัปดาห์", "Snapshot")}.get,
                        help=t("ภาพนิ่ง: ตัวเลขที่บันทึกไว้ ณ วันศุกร์ เทียบกับภาพนิ่งครั้งก่อน",
                               "Snapshot: the figures frozen for a Friday, compared with the previous snapshot"))
    if not dates:
        note = t("ยังไม่มีภาพนิ่งรายสัปดาห์ของปีนี้ ผู้ดูแลระบบบันทึกภาพนิ่งได้ทุกวันศุกร์",
                 "No weekly snapshot of this year yet; the system administrator takes one every Friday.")
        if asked:
            st.info(note, icon=":material/info:")
        else:
            st.caption(note)
        return []
    return dates if mode == SNAPSHOT else []


# ---------------------------------------------------------------- page-only filters
def page_choice(draw: Callable[..., Any], param: str, label_text: str, options: Sequence, *,
                default: Any = None, multi: bool = False, **kwargs: Any) -> Any:
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
                _notice(LINK_UNKNOWN, context.lang, field=label_text, given=", ".join(unknown),
                        shown=", ".join(str(kwargs.get("format_func", str)(item)) for item in kept[name])
                        or pick(ALL_LABEL, context.lang))
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
                _notice(LINK_UNKNOWN, context.lang, field=label_text, given=given,
                        shown=str(kwargs.get("format_func", str)(default)))
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
    text = _kept_widget(st.text_input, name, label_text, None, context.lang, default="",
                        valid=lambda value: isinstance(value, str), **kwargs)
    _set_url_param(param, text.strip() or None)
    st.session_state.setdefault(PAGE_URL, {}).setdefault(context.page, {})[param] = text.strip() or None
    return text
