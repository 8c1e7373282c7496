"""ui.controls through AppTest: one set of filters, kept across language and page switches.

Expected values come from reference data read with plain SQL and from the read side's
own lagging function, never from the screen.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
from streamlit.testing.v1 import AppTest

from budget_metrics import Filters
from budget_metrics.lagging import lagging_projects
from tests.overview_figures import app_figures
from ui.kept_choices import page_key, widget_key

ROOT = Path(__file__).resolve().parents[1]
AS_OF = date(2019, 9, 13)


def _app(params: dict[str, str | list[str]]) -> AppTest:
    app = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    for name, value in params.items():
        app.query_params[name] = value
    return app


def _ok(app: AppTest) -> None:
    assert not app.exception, [item.value for item in app.exception]
    assert not app.error, [item.value for item in app.error]


def _param(app: AppTest, name: str) -> list[str]:
    value = app.query_params.get(name, [])
    return [value] if isinstance(value, str) else list(value)


def _flagged(app: AppTest) -> str:
    """The lagging page's count of flagged projects (its first screen is light HTML)."""
    return app_figures(app)["flagged"]


def _reference(db: Path, sql: str, params: list) -> tuple:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, params).fetchone()
    finally:
        con.close()


def test_language_switch_then_page_change_keeps_the_province(demo_db):
    app = _app({"as_of": AS_OF.isoformat()}).run()
    app.selectbox(key=widget_key("province", "th")).set_value("46").run()
    app.radio(key="g_lang").set_value("en").run()
    _ok(app)
    # the English widgets are new ones, showing the kept choices in English
    province = app.selectbox(key=widget_key("province", "en"))
    assert province.value == "46"
    assert (
        province.format_func("46")
        == _reference(demo_db, "SELECT name_en FROM provinces WHERE province_code = ?", ["46"])[0]
    )
    assert app.selectbox(key=widget_key("fy", "en")).format_func(2562) == "FY2562 (2018-19)"
    assert widget_key("province", "th") not in app.session_state
    app.switch_page("pages/lagging.py").run()
    _ok(app)
    assert _param(app, "province") == ["46"] and _param(app, "lang") == ["en"]
    assert app.selectbox(key=widget_key("province", "en")).value == "46"
    expected = len(lagging_projects(Filters(fiscal_year=2562, as_of=AS_OF, province="46")))
    assert _flagged(app) == f"{expected:,}"
    # and back to Thai on another page: still the same province and date
    app.radio(key="g_lang").set_value("th").run()
    app.switch_page("pages/area.py").run()
    _ok(app)
    assert app.selectbox(key=widget_key("province", "th")).value == "46"
    assert app.selectbox(key=widget_key("as_of", "th")).value == AS_OF.isoformat()
    assert app.radio(key="area_level.th").value == "province"
    assert app.selectbox(key="area_code.th").value == "46"


def test_page_filters_come_from_the_url_and_stay_on_their_page(demo_db):
    app = _app({"as_of": AS_OF.isoformat(), "flag": ["idle", "past_end"], "province": "40"})
    app.switch_page("pages/lagging.py").run()
    _ok(app)
    assert app.multiselect(key=page_key("lagging", "flag", "th")).value == ["idle", "past_end"]
    expected = len(lagging_projects(Filters(fiscal_year=2562, as_of=AS_OF, province="40"), ["idle", "past_end"]))
    assert _flagged(app) == f"{expected:,}"
    assert _param(app, "flag") == ["idle", "past_end"]
    # another page: the lagging page's own filter leaves the URL but is kept for the return
    app.switch_page("pages/overview.py").run()
    _ok(app)
    assert _param(app, "flag") == [] and _param(app, "province") == ["40"]
    app.radio(key="g_lang").set_value("en").run()
    app.switch_page("pages/lagging.py").run()
    _ok(app)
    assert app.multiselect(key=page_key("lagging", "flag", "en")).value == ["idle", "past_end"]
    assert _param(app, "flag") == ["idle", "past_end"]
    assert _flagged(app) == f"{expected:,}"


def test_an_old_area_bookmark_selects_the_sidebar_area(demo_db):
    app = _app({"area": "cluster:C01"})
    app.switch_page("pages/area.py").run()
    _ok(app)
    assert app.selectbox(key=widget_key("cluster", "th")).value == "C01"
    assert _param(app, "cluster") == ["C01"] and _param(app, "area") == []
    name = _reference(demo_db, "SELECT name_th FROM clusters WHERE cluster_code = ?", ["C01"])[0]
    assert any(header.value == name for header in app.subheader)


def test_the_province_page_level_radio_moves_the_sidebar_to_the_cluster(demo_db):
    app = _app({"province": "46", "region": "northeast"})
    app.switch_page("pages/area.py").run()
    app.radio(key="area_level.th").set_value("cluster").run()
    _ok(app)
    cluster, region = _reference(demo_db, "SELECT cluster_code, region FROM provinces WHERE province_code = ?", ["46"])
    assert app.selectbox(key=widget_key("cluster", "th")).value == cluster
    assert app.selectbox(key=widget_key("province", "th")).value == ""  # all provinces of the cluster
    assert app.selectbox(key=widget_key("region", "th")).value == region  # still contains it: kept
    assert _param(app, "cluster") == [cluster] and _param(app, "province") == []
    # the picker changes the sidebar too, and the choice stays on the next page
    app.selectbox(key="area_code.th").set_value("C05").run()
    _ok(app)
    assert app.selectbox(key=widget_key("cluster", "th")).value == "C05"
    assert (
        app.selectbox(key=widget_key("region", "th")).value
        == _reference(demo_db, "SELECT region FROM clusters WHERE cluster_code = ?", ["C05"])[0]
    )
    app.switch_page("pages/lagging.py").run()
    _ok(app)
    assert _param(app, "cluster") == ["C05"]
