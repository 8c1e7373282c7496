"""The global sidebar controls, kept in the URL so a view can be bookmarked.

Query-string names: lang (th/en), fy (BE year), mode (absent = live, 'snapshot' = the
frozen weekly snapshots), as_of (YYYY-MM-DD, absent = latest data date; in snapshot
mode the as-of date of a stored snapshot), plan (all/province/cluster), region,
cluster (C01..), province (DOPA '50'), budget (operating/investment/other). A new
browser session starts from the URL; after that the widgets (whose state lives in st.session_state) are the truth and the
URL is rewritten after every run to match them.
"""

from __future__ import annotations

from datetime import date, timedelta

import streamlit as st

from budget_metrics import Filters, NoDataError, data_version, reference
from budget_metrics.calendar import fiscal_year_bounds, fridays
from budget_metrics.filters import BUDGET_TYPES, PLAN_TYPES
from budget_metrics.formatting import format_date
from budget_metrics.projects import latest_data_date, latest_progress_date
from budget_metrics.snapshots import list_snapshots
from ui.context import PageContext
from ui.labels import ALL_LABEL, BUDGET_TYPE_LABELS, PLAN_TYPE_LABELS, label, pick

PARAMS = ("lang", "fy", "mode", "as_of", "plan", "region", "cluster", "province", "budget")
LATEST = "latest"
CUSTOM = "custom"
ALL = ""  # the "all" option of a select box (None would show as an empty box)
LIVE, SNAPSHOT = "live", "snapshot"  # the data modes
SNAPSHOT_HINT = "python -m etl snapshot --weekly"

# widget keys in st.session_state
K_LANG, K_FY, K_AS_OF, K_AS_OF_DATE = "g_lang", "g_fy", "g_as_of", "g_as_of_date"
K_PLAN, K_REGION, K_CLUSTER, K_PROVINCE, K_BUDGET = "g_plan", "g_region", "g_cluster", "g_province", "g_budget"
K_MODE, K_SNAPSHOT_AS_OF = "g_mode", "g_snapshot_as_of"


def _param(name: str) -> str | None:
    value = st.query_params.get(name)
    return value.strip() if value else None


def _parse_date(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def current_lang() -> str:
    """'th' or 'en': the language widget's value, first taken from ?lang= (default Thai)."""
    if K_LANG not in st.session_state:
        st.session_state[K_LANG] = "en" if _param("lang") == "en" else "th"
    return st.session_state[K_LANG]


def _seed_once(fiscal_years: list[int]) -> None:
    """Initialise the widgets from the URL the first time this browser session runs."""
    if st.session_state.get("_controls_seeded"):
        return
    st.session_state["_controls_seeded"] = True
    try:
        fy = int(_param("fy") or fiscal_years[0])
    except ValueError:
        fy = fiscal_years[0]
    st.session_state[K_FY] = fy if fy in fiscal_years else fiscal_years[0]
    as_of = _parse_date(_param("as_of"))
    st.session_state[K_MODE] = SNAPSHOT if _param("mode") == SNAPSHOT else LIVE
    if as_of is not None:  # checked against the stored snapshots' dates below
        st.session_state[K_SNAPSHOT_AS_OF] = as_of.isoformat()
    if as_of is None:
        st.session_state[K_AS_OF] = LATEST
    else:
        st.session_state[K_AS_OF] = as_of.isoformat() if as_of.weekday() == 4 else CUSTOM
        st.session_state[K_AS_OF_DATE] = as_of
    plan = _param("plan")
    st.session_state[K_PLAN] = plan if plan in PLAN_TYPES else "all"
    for key, name in ((K_REGION, "region"), (K_CLUSTER, "cluster"), (K_PROVINCE, "province")):
        st.session_state[key] = _param(name) or ALL  # checked against the options below
    budget = _param("budget")
    st.session_state[K_BUDGET] = budget if budget in BUDGET_TYPES else ALL


def _keep_valid(key: str, options: list) -> None:
    """Reset a widget's stored value to its first option when it is no longer offered."""
    if st.session_state.get(key) not in options:
        st.session_state[key] = options[0]


def _sync_url(values: dict[str, str | None]) -> None:
    """Write the chosen values to the query string; defaults are left out."""
    for name in PARAMS:
        wanted = values.get(name)
        if wanted is None:
            if name in st.query_params:
                del st.query_params[name]
        elif st.query_params.get(name) != wanted:
            st.query_params[name] = wanted


def global_controls() -> PageContext:
    """Draw the sidebar controls and return the context pages read.

    Raises NoDataError when the database is missing or holds no fiscal year.
    """
    version = data_version()
    lang = current_lang()

    def t(thai: str, english: str) -> str:
        return thai if lang == "th" else english

    with st.sidebar:
        st.radio("ภาษา / Language", ["th", "en"], key=K_LANG, persist_state="session", horizontal=True,
                 format_func={"th": "ไทย", "en": "English"}.get)
        fiscal_years = reference.fiscal_years()
        if not fiscal_years:
            raise NoDataError("no projects loaded")
        _seed_once(fiscal_years)

        _keep_valid(K_FY, fiscal_years)
        fy = st.selectbox(t("ปีงบประมาณ", "Fiscal year"), fiscal_years, key=K_FY, persist_state="session",
                          format_func=lambda year: t(f"พ.ศ. {year}", f"FY{year} ({year - 544}-{str(year - 543)[-2:]})"))

        start, end = fiscal_year_bounds(fy)
        snapshot_dates = _snapshot_mode_control(fy, t)
        latest = latest_data_date(fy)
        # "Latest" means the latest data within the year: progress against target ends on
        # 30 Sep, while carry-over payments (and the caption below) go on after it.
        latest_in_year = latest_progress_date(fy)
        last_friday = min(latest or end, end)
        friday_options = [day.isoformat() for day in reversed(fridays(start, last_friday))]
        as_of_options = [LATEST, *friday_options, CUSTOM]
        _keep_valid(K_AS_OF, as_of_options)

        def as_of_label(option: str) -> str:
            if option == LATEST:
                return t(f"ล่าสุด ({format_date(latest_in_year, 'th')})",
                         f"Latest ({format_date(latest_in_year, 'en')})")
            if option == CUSTOM:
                return t("เลือกวันที่เอง…", "Pick a date…")
            return t("ศุกร์ ", "Fri ") + format_date(date.fromisoformat(option), lang)

        as_of: date | None
        if snapshot_dates:
            # Snapshot mode: only the dates frozen by `python -m etl snapshot` can be chosen;
            # switching from live keeps the live Friday when it has a snapshot.
            if st.session_state.get(K_SNAPSHOT_AS_OF) not in snapshot_dates \
                    and st.session_state.get(K_AS_OF) in snapshot_dates:
                st.session_state[K_SNAPSHOT_AS_OF] = st.session_state[K_AS_OF]
            _keep_valid(K_SNAPSHOT_AS_OF, snapshot_dates)
            as_of = date.fromisoformat(st.selectbox(
                t("ข้อมูล ณ วันที่ (ภาพนิ่ง)", "As of (snapshot)"), snapshot_dates, key=K_SNAPSHOT_AS_OF,
                persist_state="session", format_func=lambda option: format_date(date.fromisoformat(option), lang),
                help=t("วันที่ของภาพนิ่งรายสัปดาห์ที่บันทึกไว้ หน้าภาพรวมและหน้าจังหวัดแสดงตัวเลขที่บันทึกไว้",
                       "Dates of the stored weekly snapshots; the overview and province pages show the "
                       "frozen figures")))
        else:
            choice = st.selectbox(t("ข้อมูล ณ วันที่", "As of"), as_of_options, key=K_AS_OF, persist_state="session",
                                  format_func=as_of_label,
                                  help=t("รายงานรายสัปดาห์ใช้วันศุกร์; เลือกวันอื่นได้",
                                         "Weekly reports use Fridays; any date can be picked"))
            if choice == LATEST:
                as_of = None
            elif choice == CUSTOM:
                lowest, highest = start, end + timedelta(days=366)  # carry-over runs past FY end
                stored = st.session_state.get(K_AS_OF_DATE)
                if not isinstance(stored, date) or not lowest <= stored <= highest:
                    st.session_state[K_AS_OF_DATE] = latest or start
                as_of = st.date_input(t("วันที่", "Date"), key=K_AS_OF_DATE, persist_state="session",
                                      min_value=lowest, max_value=highest, format="DD/MM/YYYY")
                st.caption(format_date(as_of, lang))
            else:
                as_of = date.fromisoformat(choice)

        plan = st.selectbox(t("ประเภทแผน", "Plan type"), list(PLAN_TYPES), key=K_PLAN, persist_state="session",
                            format_func=lambda code: label(PLAN_TYPE_LABELS, code, lang))

        regions = reference.regions()
        region_names = dict(zip(regions["region"], regions["name_th" if lang == "th" else "name_en"], strict=True))
        region_options = [ALL, *regions["region"]]
        _keep_valid(K_REGION, region_options)
        region = st.selectbox(t("ภาค", "Region"), region_options, key=K_REGION, persist_state="session",
                              format_func=lambda code: pick(ALL_LABEL, lang) if code == ALL else region_names[code])

        clusters = reference.clusters()
        if region != ALL:
            clusters = clusters[clusters["region"] == region]
        cluster_names = dict(zip(clusters["cluster_code"], clusters["name_th" if lang == "th" else "name_en"],
                                 strict=True))
        cluster_options = [ALL, *clusters["cluster_code"]]
        _keep_valid(K_CLUSTER, cluster_options)
        cluster = st.selectbox(t("กลุ่มจังหวัด", "Cluster"), cluster_options, key=K_CLUSTER, persist_state="session",
                               format_func=lambda code: pick(ALL_LABEL, lang) if code == ALL else cluster_names[code])

        provinces = reference.provinces()
        if region:
            provinces = provinces[provinces["region"] == region]
        if cluster:
            provinces = provinces[provinces["cluster_code"] == cluster]
        provinces = provinces.sort_values("name_th" if lang == "th" else "name_en")
        province_names = dict(zip(provinces["province_code"],
                                  provinces["name_th" if lang == "th" else "name_en"], strict=True))
        province_options = [ALL, *provinces["province_code"]]
        _keep_valid(K_PROVINCE, province_options)
        province = st.selectbox(t("จังหวัด", "Province"), province_options, key=K_PROVINCE, persist_state="session",
                                format_func=lambda code: pick(ALL_LABEL, lang) if code == ALL else province_names[code])

        budget_options = [ALL, *BUDGET_TYPES]
        _keep_valid(K_BUDGET, budget_options)
        budget = st.selectbox(t("ประเภทงบรายจ่าย", "Budget type"), budget_options, key=K_BUDGET, persist_state="session",
                              format_func=lambda code: label(BUDGET_TYPE_LABELS, code or None, lang))

        shown = as_of or latest_in_year
        st.caption(t(f"ข้อมูลล่าสุดในระบบ: {format_date(latest, 'th')}",
                     f"Latest data in the system: {format_date(latest, 'en')}"))

    _sync_url({
        "lang": "en" if lang == "en" else None,
        "fy": str(fy),
        "mode": SNAPSHOT if snapshot_dates else None,
        "as_of": as_of.isoformat() if as_of else None,
        "plan": plan if plan != "all" else None,
        "region": region or None, "cluster": cluster or None, "province": province or None,
        "budget": budget or None,
    })
    filters = Filters(fiscal_year=fy, as_of=as_of, plan_type=plan, region=region or None,
                      cluster=cluster or None, province=province or None, budget_type=budget or None)
    return PageContext(filters=filters, lang=lang, data_version=version, as_of_shown=shown,
                       snapshot_mode=bool(snapshot_dates))


def _snapshot_mode_control(fiscal_year: int, t) -> list[str]:
    """Draw the live / snapshot toggle; return the stored snapshots' as-of dates (ISO, newest
    first) when snapshot mode is on, else an empty list.

    Without any snapshot of the year the toggle stays on live and the sidebar names the
    command that takes them.
    """
    dates = list(dict.fromkeys(day.isoformat() for day in list_snapshots(fiscal_year)["as_of"]))
    asked = st.session_state.get(K_MODE) == SNAPSHOT
    if not dates and asked:
        st.session_state[K_MODE] = LIVE  # before the widget is drawn, so it shows live
    st.radio(t("โหมดข้อมูล", "Data mode"), [LIVE, SNAPSHOT], key=K_MODE, persist_state="session",
             horizontal=True, disabled=not dates,
             format_func={LIVE: t("ข้อมูลปัจจุบัน", "Live"), SNAPSHOT: t("ภาพนิ่งรายสัปดาห์", "Snapshot")}.get,
             help=t("ภาพนิ่ง: ตัวเลขที่บันทึกไว้ ณ วันศุกร์ เทียบกับภาพนิ่งครั้งก่อน",
                    "Snapshot: the figures frozen for a Friday, compared with the previous snapshot"))
    if not dates:
        note = t("ยังไม่มีภาพนิ่งรายสัปดาห์ของปีนี้ บันทึกได้ด้วยคำสั่ง",
                 "No weekly snapshot of this year yet; take them with")
        if asked:
            st.info(f"{note} `{SNAPSHOT_HINT}`", icon=":material/info:")
        else:
            st.caption(f"{note} `{SNAPSHOT_HINT}`")
        return []
    return dates if st.session_state.get(K_MODE) == SNAPSHOT else []


def request_area(kind: str, code: str) -> None:
    """Ask the province/cluster page to open on an area (kind 'province' or 'cluster').

    Call before `st.switch_page("pages/area.py", ...)`; the page reads it on its next run.
    """
    st.session_state["area_selection"] = (kind, code)
    for key in ("area_kind_w", "area_code_w"):
        st.session_state.pop(key, None)
