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

from datetime import date, timedelta
from functools import lru_cache

import streamlit as st

from budget_metrics import Filters, NoDataError, data_version, reference
from budget_metrics.calendar import fiscal_year_bounds, fridays
from budget_metrics.filters import BUDGET_TYPES, PLAN_TYPES
from budget_metrics.formatting import format_date
from budget_metrics.projects import latest_data_date, latest_progress_date
from budget_metrics.snapshots import list_snapshots
from ui.area_links import _set_area
from ui.context import PageContext
from ui.kept_choices import (
    ALL,
    AREA_LEVELS,
    CUSTOM,
    GLOBAL_URL,
    K_LANG,
    LANGS,
    LATEST,
    LIVE,
    PARAMS,
    PENDING,
    SEEDED,
    SNAPSHOT,
    URL_GIVEN,
    _force,
    _kept,
    _kept_date_field,
    _kept_widget,
    _notice,
    _param,
    _parse_date,
    _set_url_param,
    _url_given,
    current_lang,
    history_navigation,
    kept_choice,
)
from ui.labels import ALL_LABEL, BUDGET_TYPE_LABELS, PLAN_TYPE_LABELS, label, pick
from vocabulary import LINK_DATE, LINK_FIELDS, LINK_UNKNOWN, NO_TARGETS
from vocabulary import pick as pick_word


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
    for name in (
        "fy",
        "mode",
        "as_of",
        "snapshot_as_of",
        "as_of_date",
        "plan",
        "region",
        "cluster",
        "province",
        "budget",
    ):
        _force(name, kept.get(name))
    lang = st.session_state.pop(URL_GIVEN + ".lang", None)
    if lang is not None:  # current_lang() already fell back to Thai
        _notice(LINK_UNKNOWN, current_lang(), field=pick(LINK_FIELDS["lang"], current_lang()), given=lang, shown="ไทย")


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


def _sync_url(values: dict[str, str | None]) -> None:
    """Write the chosen values to the query string; defaults are left out."""
    for name in PARAMS:
        _set_url_param(name, values.get(name))
    st.session_state[GLOBAL_URL] = {name: value for name, value in values.items() if value is not None}


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
        st.radio(
            "ภาษา / Language",
            list(LANGS),
            key=K_LANG,
            persist_state="session",
            horizontal=True,
            format_func={"th": "ไทย", "en": "English"}.get,
        )
        fiscal_years = reference.fiscal_years()
        if not fiscal_years:
            raise NoDataError("no projects loaded")
        _seed_once()

        # the loaded years, newest first; the year in progress (latest payment) by default, so a
        # budget loaded for next year before its first payment does not take over the dashboard
        default_year = reference.default_fiscal_year() or fiscal_years[0]
        fy = _kept_widget(
            st.selectbox,
            "fy",
            t("ปีงบประมาณ", "Fiscal year"),
            fiscal_years,
            lang,
            default=default_year,
            format_func=lambda year: t(f"พ.ศ. {year}", f"FY{year} ({year - 544}-{str(year - 543)[-2:]})"),
        )
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
                return t(f"ล่าสุด ({format_date(latest_in_year, 'th')})", f"Latest ({format_date(latest_in_year, 'en')})")
            if option == CUSTOM:
                return t("เลือกวันที่เอง…", "Pick a date…")
            return t("ศุกร์ ", "Fri ") + format_date(date.fromisoformat(option), lang)

        as_of: date | None
        if snapshot_dates:
            # Snapshot mode: only the dates of stored snapshots can be chosen; switching
            # from live keeps the live Friday when it has a snapshot.
            if kept_choice("snapshot_as_of") not in snapshot_dates and kept_choice("as_of") in snapshot_dates:
                _force("snapshot_as_of", kept_choice("as_of"))
            as_of = date.fromisoformat(
                _kept_widget(
                    st.selectbox,
                    "snapshot_as_of",
                    t("ข้อมูล ณ วันที่ (ภาพนิ่ง)", "As of (snapshot)"),
                    snapshot_dates,
                    lang,
                    default=snapshot_dates[0],
                    format_func=lambda option: format_date(date.fromisoformat(option), lang),
                    help=t(
                        "วันที่ของภาพนิ่งรายสัปดาห์ที่บันทึกไว้ หน้าภาพรวมและหน้าจังหวัดแสดงตัวเลขที่บันทึกไว้",
                        "Dates of the stored weekly snapshots; the overview and province pages show the frozen figures",
                    ),
                )
            )
        else:
            choice = _kept_widget(
                st.selectbox,
                "as_of",
                t("ข้อมูล ณ วันที่", "As of"),
                as_of_options,
                lang,
                default=LATEST,
                format_func=as_of_label,
                help=t("รายงานรายสัปดาห์ใช้วันศุกร์; เลือกวันอื่นได้", "Weekly reports use Fridays; any date can be picked"),
            )
            if choice == LATEST:
                as_of = None
            elif choice == CUSTOM:
                lowest, highest = start, end + timedelta(days=366)  # carry-over runs past FY end
                as_of = _kept_date_field("as_of_date", t("วันที่", "Date"), lang, latest or start, lowest, highest)
            else:
                as_of = date.fromisoformat(choice)

        plan = _kept_widget(
            st.selectbox,
            "plan",
            t("ประเภทแผน", "Plan type"),
            list(PLAN_TYPES),
            lang,
            default="all",
            format_func=lambda code: label(PLAN_TYPE_LABELS, code, lang),
        )

        region_names = _area_names("region", version, lang)
        region = _kept_widget(
            st.selectbox,
            "region",
            t("ภาค", "Region"),
            [ALL, *region_names],
            lang,
            default=ALL,
            format_func=lambda code: pick(ALL_LABEL, lang) if code == ALL else region_names[code],
        )

        cluster_names = _area_names("cluster", version, lang, region)
        cluster = _kept_widget(
            st.selectbox,
            "cluster",
            t("กลุ่มจังหวัด", "Cluster"),
            [ALL, *cluster_names],
            lang,
            default=ALL,
            format_func=lambda code: pick(ALL_LABEL, lang) if code == ALL else cluster_names[code],
        )

        province_names = _area_names("province", version, lang, region, cluster)
        province = _kept_widget(
            st.selectbox,
            "province",
            t("จังหวัด", "Province"),
            [ALL, *province_names],
            lang,
            default=ALL,
            format_func=lambda code: pick(ALL_LABEL, lang) if code == ALL else province_names[code],
        )

        budget = _kept_widget(
            st.selectbox,
            "budget",
            t("ประเภทงบรายจ่าย", "Budget type"),
            [ALL, *BUDGET_TYPES],
            lang,
            default=ALL,
            format_func=lambda code: label(BUDGET_TYPE_LABELS, code or None, lang),
        )

        shown = as_of or latest_in_year
        st.caption(
            t(f"ข้อมูลล่าสุดในระบบ: {format_date(latest, 'th')}", f"Latest data in the system: {format_date(latest, 'en')}")
        )

    _sync_url(
        {
            "lang": "en" if lang == "en" else None,
            # with several years loaded the link names its year, so it still shows it after the default
            # moves on (1 October); a store of one year needs no year in its links
            "fy": str(fy) if fy != default_year or len(fiscal_years) > 1 else None,
            "mode": SNAPSHOT if snapshot_dates else None,
            "as_of": as_of.isoformat() if as_of else None,
            "plan": plan if plan != "all" else None,
            "region": region or None,
            "cluster": cluster or None,
            "province": province or None,
            "budget": budget or None,
        }
    )
    filters = Filters(
        fiscal_year=fy,
        as_of=as_of,
        plan_type=plan,
        region=region or None,
        cluster=cluster or None,
        province=province or None,
        budget_type=budget or None,
    )
    return PageContext(
        filters=filters,
        lang=lang,
        data_version=version,
        as_of_shown=shown,
        snapshot_mode=bool(snapshot_dates),
        page=page,
    )


def _check_linked_date(start: date, latest: date | None, snapshot_dates: list[str], lang: str) -> None:
    """A live-mode date the link asked for outside the year's data (before the year starts or after
    the latest data) is said and replaced by the latest data (the widgets would otherwise fall back
    silently, to a date whose figures all read +0.00)."""
    given = _parse_date(_url_given().get("as_of"))
    if given is None or snapshot_dates or latest is None or start <= given <= latest:
        return
    _notice(
        LINK_DATE, lang, given=format_date(given, lang), first=format_date(start, lang), last=format_date(latest, lang)
    )
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
    mode = _kept_widget(
        st.radio,
        "mode",
        t("โหมดข้อมูล", "Data mode"),
        [LIVE, SNAPSHOT],
        lang,
        default=LIVE,
        horizontal=True,
        disabled=not dates,
        format_func={LIVE: t("ข้อมูลปัจจุบัน", "Live"), SNAPSHOT: t("ภาพนิ่งรายสัปดาห์", "Snapshot")}.get,
        help=t(
            "ภาพนิ่ง: ตัวเลขที่บันทึกไว้ ณ วันศุกร์ เทียบกับภาพนิ่งครั้งก่อน",
            "Snapshot: the figures frozen for a Friday, compared with the previous snapshot",
        ),
    )
    if not dates:
        note = t(
            "ยังไม่มีภาพนิ่งรายสัปดาห์ของปีนี้ ผู้ดูแลระบบบันทึกภาพนิ่งได้ทุกวันศุกร์",
            "No weekly snapshot of this year yet; the system administrator takes one every Friday.",
        )
        if asked:
            st.info(note, icon=":material/info:")
        else:
            st.caption(note)
        return []
    return dates if mode == SNAPSHOT else []
