"""AppTest runs of the dashboard shell, Overview, Province/cluster and Lagging pages.

Every page must render without an exception under several filter combinations, and
the KPI cards must show the sums computed here independently with plain SQL on the
same demo database (money in million baht with two decimals).
"""

from __future__ import annotations

import shutil
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from tests.apptest_support import DASHBOARD
from tests.overview_figures import app_figures
from ui.kept_choices import page_key, widget_key

ROOT = Path(__file__).resolve().parents[1]
AS_OF = date(2019, 5, 31)  # a Friday, so it is one of the offered weekly dates
CUTOFF = date(2019, 3, 31)  # thresholds.toml: investment contracts by 31 Mar of the FY


def _app(params: dict[str, str] | None = None) -> AppTest:
    app = AppTest.from_file(DASHBOARD, default_timeout=120)
    for name, value in (params or {}).items():
        app.query_params[name] = value
    return app


def _no_exceptions(app: AppTest) -> None:
    assert not app.exception, [item.value for item in app.exception]
    assert not app.error, [item.value for item in app.error]


def _metrics(app: AppTest) -> dict[str, str]:
    return {metric.label: metric.value for metric in app.metric}


def _million(amount: Decimal) -> str:
    return f"{float(amount) / 1_000_000:,.2f}"


def _sql_kpis(db: Path, as_of: date, where: str = "TRUE", params: tuple = ()) -> dict[str, Decimal]:
    """Allocation, committed, disbursed and remaining as of a date, by plain SQL.

    `where` filters the projects table (alias pr), e.g. "pr.owner = ?".
    """
    con = duckdb.connect(str(db), read_only=True)
    try:
        row = con.execute(
            f"""
            WITH chosen AS (SELECT * FROM projects pr WHERE pr.fiscal_year = 2562 AND {where}),
            per_project AS (
                SELECT c.project_code,
                       c.allocated_amount
                         + coalesce((SELECT sum(amount) FROM reallocations r
                                     WHERE r.to_project_code = c.project_code AND r.approved_date <= ?), 0)
                         - coalesce((SELECT sum(amount) FROM reallocations r
                                     WHERE r.from_project_code = c.project_code AND r.approved_date <= ?), 0)
                           AS allocation,
                       coalesce((SELECT sum(amount) FROM disbursements d
                                 WHERE d.project_code = c.project_code AND d.source = 'current'
                                   AND d.posting_date <= ?), 0) AS paid,
                       CASE WHEN c.contract_date IS NULL OR c.contract_date <= ?
                            THEN coalesce(c.contract_amount, 0) ELSE 0 END AS contract,
                       c.budget_type
                FROM chosen c)
            SELECT count(*), sum(allocation), sum(greatest(contract, paid)), sum(paid),
                   sum(allocation - paid), coalesce(sum(allocation) FILTER (WHERE budget_type = 'investment'), 0),
                   coalesce(sum(paid) FILTER (WHERE budget_type = 'investment'), 0)
            FROM per_project""",
            [*params, as_of, as_of, as_of, as_of],
        ).fetchone()
    finally:
        con.close()
    count, allocation, committed, paid, remaining, investment, investment_paid = row
    return {
        "projects": count,
        "allocation": Decimal(allocation),
        "committed": Decimal(committed),
        "disbursed": Decimal(paid),
        "remaining": Decimal(remaining),
        "investment": Decimal(investment),
        "investment_paid": Decimal(investment_paid),
    }


def _assert_kpi_cards(app: AppTest, expected: dict[str, Decimal], budget: str | None = None) -> None:
    """The KPI cards against plain SQL: the area page's metrics, or the overview's first screen
    (HTML figures, tests/overview_figures.py). With a budget type (`budget`) only that type's own
    line has a card (issue 15: never its money against the overall target)."""
    if app.metric:
        _assert_metric_cards(app, expected)
        return
    shown = app_figures(app)
    assert shown["allocation"] == _million(expected["allocation"])
    assert shown["committed"] == _million(expected["committed"])
    assert shown["disbursed"] == _million(expected["disbursed"])
    assert shown["remaining"] == _million(expected["remaining"])
    pct = float(expected["disbursed"] / expected["allocation"] * 100)
    if budget:
        assert "overall.pct" not in shown
        assert shown[f"{budget}.pct"] == f"{pct:,.2f}"
        return
    assert shown["overall.pct"] == f"{pct:,.2f}"
    if expected["investment"] > 0:
        pct = float(expected["investment_paid"] / expected["investment"] * 100)
        assert shown["investment.pct"] == f"{pct:,.2f}"
    else:
        assert shown["investment.pct"] == "-"


def _assert_metric_cards(app: AppTest, expected: dict[str, Decimal]) -> None:
    shown = _metrics(app)
    assert shown["งบประมาณ (ล้านบาท)"] == _million(expected["allocation"])
    assert shown["ก่อหนี้ผูกพัน (ล้านบาท)"] == _million(expected["committed"])
    assert shown["เบิกจ่าย (ล้านบาท)"] == _million(expected["disbursed"])
    assert shown["คงเหลือ (ล้านบาท)"] == _million(expected["remaining"])
    pct = float(expected["disbursed"] / expected["allocation"] * 100)
    assert shown["ภาพรวม: ร้อยละเบิกจ่าย"] == f"{pct:,.2f}"
    if expected["investment"] > 0:
        pct = float(expected["investment_paid"] / expected["investment"] * 100)
        assert shown["งบลงทุน: ร้อยละเบิกจ่าย"] == f"{pct:,.2f}"
    else:
        assert shown["งบลงทุน: ร้อยละเบิกจ่าย"] == "-"


PROVINCE_WHERE = "pr.owner_type = 'province' AND pr.owner = ?"
CLUSTER_WHERE = (
    "((pr.owner_type = 'cluster' AND pr.owner = ?) OR (pr.owner_type = 'province' AND pr.owner IN "
    "(SELECT province_code FROM provinces WHERE cluster_code = ?)))"
)


# ---------------------------------------------------------------- overview
def test_overview_kpis_equal_plain_sql(demo_db):
    app = _app({"as_of": AS_OF.isoformat()}).run()
    _no_exceptions(app)
    assert app.title[0].value == "ภาพรวมการเบิกจ่ายงบประมาณ"
    _assert_kpi_cards(app, _sql_kpis(demo_db, AS_OF))
    # On 31 May 2019 the overall target is 54 + 2 x (77 - 54) / 3 and the investment one
    # 45 + 2 x (65 - 45) / 3 (DOMAIN.md): two lines, each against its own target, no mix.
    expected = _sql_kpis(demo_db, AS_OF)
    shown = app_figures(app)
    overall_target, investment_target = 54 + 2 * 23 / 3, 45 + 2 * 20 / 3
    assert shown["overall.target"] == "69.33" == f"{overall_target:.2f}"
    assert shown["investment.target"] == "58.33" == f"{investment_target:.2f}"
    overall_pct = float(expected["disbursed"] / expected["allocation"] * 100)
    investment_pct = float(expected["investment_paid"] / expected["investment"] * 100)
    assert shown["overall.gap_points"] == f"{overall_pct - overall_target:+.2f}"
    assert shown["investment.gap_points"] == f"{investment_pct - investment_target:+.2f}"
    gap = expected["disbursed"] - expected["allocation"] * Decimal(repr(overall_target)) / 100
    assert shown["overall.gap_baht"] == f"{float(gap) / 1e6:+,.2f}"
    gap = expected["investment_paid"] - expected["investment"] * Decimal(repr(investment_target)) / 100
    assert shown["investment.gap_baht"] == f"{float(gap) / 1e6:+,.2f}"
    assert "target" not in shown  # no unlabelled (blended) target outside the two line cards
    # the province status counts by each line, as the SQL in test_budget_metrics_progress counts them
    from tests.target_lines_sql import (
        INVESTMENT_31_MAY,
        OVERALL_31_MAY,
        sql_status_counts,
    )

    captions = " ".join(item.value for item in app.caption)
    for line, target, name in (("overall", OVERALL_31_MAY, "ภาพรวม"), ("investment", INVESTMENT_31_MAY, "งบลงทุน")):
        counts = sql_status_counts(demo_db, AS_OF, line, target)
        assert (
            f"{name}: ต่ำกว่าเป้าหมาย {counts['behind']} · เฝ้าระวัง {counts['watch']} · "
            f"ใกล้เป้าหมาย {counts['near_target']} · ถึงเป้าหมาย {counts['on_track']} จังหวัด"
        ) in captions, line
    # the URL keeps the view
    assert app.query_params["as_of"] == [AS_OF.isoformat()] or app.query_params["as_of"] == AS_OF.isoformat()


@pytest.mark.parametrize(
    ("params", "where", "where_params"),
    [
        ({"province": "50"}, PROVINCE_WHERE, ("50",)),
        ({"cluster": "C01"}, CLUSTER_WHERE, ("C01", "C01")),
        (
            {"budget": "investment", "plan": "province"},
            "pr.budget_type = 'investment' AND pr.owner_type = 'province'",
            (),
        ),
        (
            {"region": "south_border", "plan": "cluster"},
            "pr.owner_type = 'cluster' AND pr.owner IN "
            "(SELECT cluster_code FROM clusters WHERE region = 'south_border')",
            (),
        ),
    ],
)
def test_overview_under_filters(demo_db, params, where, where_params):
    app = _app({"as_of": AS_OF.isoformat(), **params}).run()
    _no_exceptions(app)
    expected = _sql_kpis(demo_db, AS_OF, where, where_params)
    assert expected["projects"] > 0
    _assert_kpi_cards(app, expected, params.get("budget"))


def test_sidebar_widgets_drive_the_filters(demo_db):
    app = _app({"as_of": AS_OF.isoformat()}).run()
    app.selectbox(key=widget_key("province", "th")).set_value("57").run()
    _no_exceptions(app)
    _assert_kpi_cards(app, _sql_kpis(demo_db, AS_OF, PROVINCE_WHERE, ("57",)))
    assert app.query_params["province"] in ("57", ["57"])


def test_overview_in_english(demo_db):
    app = _app({"lang": "en", "as_of": AS_OF.isoformat()}).run()
    _no_exceptions(app)
    assert app.title[0].value == "Budget execution overview"
    expected = _sql_kpis(demo_db, AS_OF)
    assert app_figures(app)["disbursed"] == _million(expected["disbursed"])
    assert any("Disbursed (million baht)" in element.proto.body for element in app.html)


def test_latest_date_is_the_default(demo_db):
    con = duckdb.connect(str(demo_db), read_only=True)
    latest = con.execute(
        "SELECT max(posting_date) FROM disbursements d JOIN projects p USING (project_code) WHERE p.fiscal_year = 2562"
    ).fetchone()[0]
    con.close()
    app = _app().run()
    _no_exceptions(app)
    _assert_kpi_cards(app, _sql_kpis(demo_db, latest))


def test_choosing_a_province_opens_its_page(demo_db):
    app = _app({"as_of": AS_OF.isoformat()}).run()
    app.selectbox(key="overview_pick_province.th").set_value("50").run()
    _no_exceptions(app)
    # the overview hands the browser the province page's address with the province chosen (ui.navigate: one
    # history step, tests/test_links.py); AppTest runs no JavaScript, so open that page as the browser does
    scripts = [element.proto.body for element in app.get("html") if "__bmNavigate(" in element.proto.body]
    assert scripts and f'"area?as_of={AS_OF.isoformat()}&province=50"' in scripts[-1]
    app.switch_page("pages/area.py").run()
    _no_exceptions(app)
    # the choice is the sidebar's: it stays on every page
    assert app.selectbox(key=widget_key("province", "th")).value == "50"
    assert app.query_params["province"] in ("50", ["50"])
    assert any(header.value == "เชียงใหม่" for header in app.subheader)
    _assert_kpi_cards(app, _sql_kpis(demo_db, AS_OF, PROVINCE_WHERE, ("50",)))


# ---------------------------------------------------------------- province / cluster
def _open_area_tab(app: AppTest, label: str, kind: str = "province", lang: str = "th") -> None:
    """Open one of the area page's tabs (each runs only when open; the tabs' key is per language,
    level and data mode) and run the page again."""
    app.session_state[f"area_view.{lang}.{kind}.False"] = label
    app.run()
    _no_exceptions(app)


def test_province_page_kpis_and_comparison(demo_db):
    app = _app({"as_of": AS_OF.isoformat(), "area": "province:40"})
    app.switch_page("pages/area.py").run()
    _no_exceptions(app)
    expected = _sql_kpis(demo_db, AS_OF, PROVINCE_WHERE, ("40",))
    _assert_kpi_cards(app, expected)  # the HTML first screen
    assert not app.dataframe and not app.get("plotly_chart")  # no grid or chart before a tab opens
    # the first tab: the province, its cluster and the nation side by side (HTML)
    table = next(element.proto.body for element in app.html if 'data-card="comparison"' in element.proto.body)
    assert [header in table for header in ("ขอนแก่น", "ภาคตะวันออกเฉียงเหนือตอนกลาง", "ทั้งประเทศ")] == [True] * 3
    comparison = app_figures(app)
    nation = _sql_kpis(demo_db, AS_OF)
    cluster = _sql_kpis(demo_db, AS_OF, CLUSTER_WHERE, ("C07", "C07"))
    assert [comparison[f"comparison.{key}.projects"] for key in ("area", "cluster", "nation")] == [
        f"{expected['projects']:,}",
        f"{cluster['projects']:,}",
        f"{nation['projects']:,}",
    ]
    # each line against its own target, for the province and the nation alike
    for key in ("area", "cluster", "nation"):
        assert comparison[f"comparison.{key}.overall.target"] == "69.33"
        assert comparison[f"comparison.{key}.investment.target"] == "58.33"
    pct = float(expected["investment_paid"] / expected["investment"] * 100)
    assert comparison["comparison.area.investment.pct"] == f"{pct:.2f}"
    assert comparison["comparison.area.investment.gap_points"] == f"{pct - (45 + 2 * 20 / 3):+.2f}"
    # the flagged projects: the lagging page's list for this province, now and a week before
    from budget_metrics import Filters
    from budget_metrics.lagging import lagging_projects

    lagging = lagging_projects(Filters(as_of=AS_OF, province="40"))
    earlier = lagging_projects(Filters(as_of=AS_OF - timedelta(days=7), province="40"))
    assert comparison["flags.flagged"] == f"{len(lagging):,}" and len(lagging) > 0
    assert comparison["flags.flagged_change"] == f"{len(lagging) - len(earlier):+,}"
    for flag in ("behind_target", "no_contract", "late_contract", "idle", "past_end"):
        assert comparison[f"flags.flag_{flag}"] == f"{int(lagging[f'flag_{flag}'].sum()):,}", flag
    # the project grid and its downloads, one tab away
    _open_area_tab(app, "รายการโครงการ")
    projects = app.dataframe[-1].value
    assert len(projects) == expected["projects"]
    assert len(app.get("download_button")) == 2


def test_cluster_page_lists_member_provinces(demo_db):
    app = _app({"as_of": AS_OF.isoformat(), "area": "cluster:C05"})
    app.switch_page("pages/area.py").run()
    _no_exceptions(app)
    _assert_kpi_cards(app, _sql_kpis(demo_db, AS_OF, CLUSTER_WHERE, ("C05", "C05")))
    _open_area_tab(app, "จังหวัดสมาชิก", kind="cluster")
    members = app.dataframe[0].value
    con = duckdb.connect(str(demo_db), read_only=True)
    names = {row[0] for row in con.execute("SELECT name_th FROM provinces WHERE cluster_code = 'C05'").fetchall()}
    con.close()
    assert set(members.iloc[:, 0]) == names


def _early_words(app: AppTest) -> list[str]:
    """What the line cards say under a projection made early in the year, per line."""
    return [text for key, text in app_figures(app).items() if key.endswith("projection_early")]


def test_a_projection_made_before_february_says_it_runs_low(demo_db):
    """From 1 Oct to 31 Jan the projection runs below the outcome (docs/projection.md, "Round 21 of issue 17"):
    the line cards of the overview and of the area page say so under the projected figure, and the area page's
    projection tab says by how much in the backtests; from 1 Feb (a Friday) nothing is said."""
    short = "ต้นปีงบประมาณ การคาดการณ์มักต่ำกว่าผลจริง ให้ถือเป็นค่าขั้นต่ำ"
    for day, early in ((date(2019, 1, 25), True), (date(2019, 2, 1), False)):
        app = _app({"as_of": day.isoformat()})
        app.run()
        _no_exceptions(app)
        assert _early_words(app) == ([short, short] if early else []), day  # the overall and investment lines

    app = _app({"as_of": "2018-11-30", "area": "province:46"})
    app.switch_page("pages/area.py").run()
    _no_exceptions(app)
    assert _early_words(app) == [short, short]
    _open_area_tab(app, "คาดการณ์ถึง 30 ก.ย.")
    captions = " ".join(caption.value for caption in app.caption)
    assert "ทดสอบย้อนหลังกับข้อมูลสาธิต 3 ชุด" in captions and "ต่ำกว่าผลจริงเฉลี่ย 10–28 จุด ณ สิ้นเดือน ต.ค." in captions


def test_the_overview_and_area_cards_give_the_weekly_pace_alike(demo_db):
    """The overview's line cards give the projection as the area page's do (one function, ui/headline.py): the
    weekly pace needed to reach each line's year-end target and the last four weeks' pace, each in its own figure,
    computed here from plain SQL for the whole country on 31 May (122 days to 30 Sep)."""
    from tests.projection_sql import project_money

    money = project_money(demo_db, AS_OF)
    con = duckdb.connect(str(demo_db), read_only=True)
    recent = {
        budget_type: Decimal(amount)
        for budget_type, amount in con.execute(
            """SELECT p.budget_type, sum(d.amount) FROM disbursements d JOIN projects p USING (project_code)
               WHERE p.fiscal_year = 2562 AND d.source = 'current'
                 AND d.posting_date > ? - INTERVAL 28 DAY AND d.posting_date <= ?
               GROUP BY ALL""",
            [AS_OF, AS_OF],
        ).fetchall()
    }
    year_end = {
        scope: Decimal(str(pct))
        for scope, pct in con.execute(
            "SELECT scope, target_pct FROM targets WHERE fiscal_year = 2562 AND quarter = 4"
        ).fetchall()
    }
    con.close()
    app = _app({"as_of": AS_OF.isoformat()})
    app.run()
    _no_exceptions(app)
    shown = app_figures(app)
    for line, kinds in (("overall", None), ("investment", {"investment"})):
        rows = [row for row in money.values() if kinds is None or row["budget_type"] in kinds]
        allocation = sum((row["allocation"] for row in rows), Decimal(0))
        paid = sum((row["paid"] for row in rows), Decimal(0))
        needed = (allocation * year_end[line] / 100 - paid) / (Decimal(122) / 7)
        last_four = sum((amount for kind, amount in recent.items() if kinds is None or kind in kinds), Decimal(0))
        assert shown[f"{line}.required_weekly"] == _million(needed), line
        assert shown[f"{line}.recent_weekly"] == _million(last_four / 4), line


def test_province_page_projects_the_year_end(demo_db):
    """Kalasin on 31 May: the projected 30 Sep cards, the fan's end and the weekly pace needed,
    against each project's projection (budget_metrics.projection, tested on its own) added up
    here over plain-SQL allocations and paid amounts."""
    import base64
    import json

    import numpy as np

    from budget_metrics import Filters
    from budget_metrics.projection import project_projection
    from tests.projection_sql import area_projects, project_money

    app = _app({"as_of": AS_OF.isoformat(), "area": "province:46"})
    app.switch_page("pages/area.py").run()
    _open_area_tab(app, "คาดการณ์ถึง 30 ก.ย.")
    money = project_money(demo_db, AS_OF)
    mine = area_projects(money, "province", "46")
    projected = project_projection(Filters(as_of=AS_OF, province="46")).set_index("project_code")
    assert sorted(projected.index) == sorted(mine)

    def total(codes, column):
        return sum((Decimal(repr(float(projected.loc[c, column]))) for c in codes), Decimal(0))

    investment = [c for c in mine if money[c]["budget_type"] == "investment"]
    allocation = {
        line: sum((money[c]["allocation"] for c in codes), Decimal(0))
        for line, codes in (("overall", mine), ("investment", investment))
    }
    pct = {
        "overall": total(mine, "projected_disbursed") / allocation["overall"] * 100,
        "investment": total(investment, "projected_disbursed") / allocation["investment"] * 100,
    }
    shown = _metrics(app)
    assert shown["ภาพรวม: ณ 30 ก.ย."] == f"{pct['overall']:.1f}%"
    assert shown["งบลงทุน: ณ 30 ก.ย."] == f"{pct['investment']:.1f}%"
    assert shown["คาดกันเหลื่อมปี (ล้านบาท)"] == _million(total(mine, "projected_carryover"))
    assert shown["คาดไม่ได้ใช้ (ล้านบาท)"] == _million(total(mine, "projected_lapse"))
    # the same projection on the first screen's line cards, inside its band
    first = app_figures(app)
    for line in ("overall", "investment"):
        assert first[f"{line}.projected_pct"] == f"{float(pct[line]):.2f}", line
        assert float(first[f"{line}.projected_low"]) <= float(pct[line]) <= float(first[f"{line}.projected_high"])
    assert first["projected_carryover"] == _million(total(mine, "projected_carryover"))
    # what the band does not hold is said beside it (out-of-sample tests, docs/projection.md)
    captions = " ".join(caption.value for caption in app.caption)
    assert "ไม่รวมเหตุการณ์หลังวันที่ข้อมูล" in captions and "พ.ร.บ.งบประมาณประกาศใช้ล่าช้า" in captions
    # 31 May is past the early months: nothing says the projection runs low
    assert "ทดสอบย้อนหลังกับข้อมูลสาธิต 3 ชุด" not in captions
    assert not [key for key in first if key.endswith("projection_early")]

    # the fan: from the rate paid on 31 May to the projected year end, on both lines
    def values(series):  # plotly writes numbers as base64 ('bdata') in its JSON
        if isinstance(series, dict):
            return np.frombuffer(base64.b64decode(series["bdata"]), dtype=series["dtype"]).tolist()
        return series

    traces = {trace.get("name"): trace for trace in json.loads(app.get("plotly_chart")[0].proto.spec)["data"]}
    paid = sum((money[c]["paid"] for c in mine), Decimal(0))
    overall = traces["คาดการณ์ภาพรวม (แถบ: ช่วงคาดการณ์ 80%)"]
    assert overall["x"][0] == "31 พ.ค. 2562" and overall["x"][-1] == "30 ก.ย. 2562"
    y = values(overall["y"])
    assert abs(y[0] - float(paid / allocation["overall"] * 100)) < 1e-6
    assert abs(y[-1] - float(pct["overall"])) < 1e-6
    assert abs(values(traces["คาดการณ์งบลงทุน (แถบ: ช่วงคาดการณ์ 80%)"]["y"])[-1] - float(pct["investment"])) < 1e-6
    # to reach 100% by 30 Sep: what is unpaid over the 122 days (DOMAIN.md targets) in weeks
    needed = (allocation["overall"] - paid) / (Decimal(122) / 7)
    text = " ".join(item.value for item in app.markdown)
    assert f"ต้องเบิกจ่ายสัปดาห์ละ **{_million(needed)}** ล้านบาท" in text


def test_project_search_narrows_the_table(demo_db):
    app = _app({"as_of": AS_OF.isoformat(), "area": "province:50"})
    app.switch_page("pages/area.py").run()
    _open_area_tab(app, "รายการโครงการ")
    code = app.dataframe[-1].value.iloc[0, 0]
    app.text_input(key=page_key("area", "search", "th")).input(code).run()
    _no_exceptions(app)
    assert list(app.dataframe[-1].value.iloc[:, 0]) == [code]


def test_province_without_projects_says_no_data(demo_db, tmp_path, monkeypatch):
    copy = tmp_path / "budget.duckdb"
    shutil.copyfile(demo_db, copy)
    con = duckdb.connect(str(copy))
    con.execute(
        "DELETE FROM disbursements WHERE project_code IN (SELECT project_code FROM projects WHERE owner = '96')"
    )
    con.execute("DELETE FROM projects WHERE owner = '96'")
    con.close()
    monkeypatch.setenv("BUDGET_DB", str(copy))
    app = _app({"area": "province:96"})
    app.switch_page("pages/area.py").run()
    _no_exceptions(app)
    assert any("ไม่มีข้อมูล" in item.value for item in app.info)
    overview = _app({"province": "96"}).run()
    _no_exceptions(overview)
    assert any("ไม่มีข้อมูล" in item.value for item in overview.info)


# ---------------------------------------------------------------- lagging
def _lagging_grid_open(app: AppTest, lang: str = "th") -> AppTest:
    """The lagging page's grid is in its "all projects" tab, which runs only when open."""
    app.session_state[f"lagging_view.{lang}"] = "ทุกโครงการ" if lang == "th" else "All projects"
    return app


def test_lagging_page_counts_equal_plain_sql(demo_db):
    app = _lagging_grid_open(_app({"as_of": AS_OF.isoformat()}))
    app.switch_page("pages/lagging.py").run()
    _no_exceptions(app)
    shown = app_figures(app)  # the first screen's counts (light HTML)
    con = duckdb.connect(str(demo_db), read_only=True)
    try:
        # Past planned end and not fully paid: less than 95% (reference default) of the
        # contract signed by the date, or else of the current allocation, is paid.
        past_end = con.execute(
            """WITH s AS (
                 SELECT p.planned_end, p.contract_amount, p.contract_date,
                        p.allocated_amount
                        + coalesce((SELECT sum(amount) FROM reallocations r WHERE r.to_project_code = p.project_code
                                    AND r.approved_date <= $d), 0)
                        - coalesce((SELECT sum(amount) FROM reallocations r WHERE r.from_project_code = p.project_code
                                    AND r.approved_date <= $d), 0) AS cur,
                        coalesce((SELECT sum(amount) FROM disbursements d WHERE d.project_code = p.project_code
                                  AND d.source = 'current' AND d.posting_date <= $d), 0) AS paid
                 FROM projects p WHERE p.fiscal_year = 2562)
               SELECT count(*) FROM s
               WHERE planned_end < $d
                 AND paid < 0.95 * (CASE WHEN contract_amount IS NOT NULL
                                              AND (contract_date IS NULL OR contract_date <= $d)
                                         THEN least(contract_amount, cur) ELSE cur END) - 0.005""",
            {"d": AS_OF},
        ).fetchone()[0]
        # investment, money still allocated and still to pay on the date, past the cut-off: still no
        # contract, or (issue 15, counted apart) one signed after the cut-off
        counts = con.execute(
            """WITH s AS (
                 SELECT p.contract_date, p.contract_amount,
                        p.allocated_amount
                        + coalesce((SELECT sum(amount) FROM reallocations r WHERE r.to_project_code = p.project_code
                                    AND r.approved_date <= $d), 0)
                        - coalesce((SELECT sum(amount) FROM reallocations r WHERE r.from_project_code = p.project_code
                                    AND r.approved_date <= $d), 0) AS cur,
                        coalesce((SELECT sum(amount) FROM disbursements d WHERE d.project_code = p.project_code
                                  AND d.source = 'current' AND d.posting_date <= $d), 0) AS paid
                 FROM projects p WHERE fiscal_year = 2562 AND budget_type = 'investment'),
               due AS (SELECT * FROM s WHERE cur > 0 AND $d > $cutoff
                         AND paid < 0.95 * (CASE WHEN contract_amount IS NOT NULL
                                                      AND (contract_date IS NULL OR contract_date <= $d)
                                                 THEN least(contract_amount, cur) ELSE cur END) - 0.005)
               SELECT count(*) FILTER (WHERE contract_date IS NULL OR contract_date > $d),
                      count(*) FILTER (WHERE contract_date > $cutoff AND contract_date <= $d) FROM due""",
            {"cutoff": CUTOFF, "d": AS_OF},
        ).fetchone()
        no_contract, late_contract = counts
    finally:
        con.close()
    assert shown["flag_past_end"] == f"{past_end:,}"
    assert shown["flag_no_contract"] == f"{no_contract:,}"
    assert shown["flag_late_contract"] == f"{late_contract:,}"
    table = app.dataframe[0].value
    assert int(shown["flagged"].replace(",", "")) == len(table)
    risk = table["เงินที่เสี่ยง (ลบ.)"]
    assert list(risk) == sorted(risk, reverse=True)  # sorted by money at risk
    assert len(app.get("download_button")) == 2


def test_lagging_filters_by_flag_and_province(demo_db):
    app = _lagging_grid_open(_app({"as_of": AS_OF.isoformat()}))
    app.switch_page("pages/lagging.py").run()
    app.multiselect(key=page_key("lagging", "flag", "th")).set_value(["no_contract"]).run()
    app.selectbox(key=widget_key("province", "th")).set_value("50").run()  # the sidebar's province
    _no_exceptions(app)
    assert app.query_params["flag"] in ("no_contract", ["no_contract"])  # the page's own filter: in the URL
    table = app.dataframe[0].value
    assert len(table) > 0
    assert set(table["จังหวัด / กลุ่ม"]) == {"เชียงใหม่"}
    assert all("งบลงทุนยังไม่ลงนามสัญญา (เลยกำหนด)" in flags for flags in table["ข้อสังเกต"])


@pytest.mark.parametrize("page", ["pages/overview.py", "pages/area.py", "pages/lagging.py"])
@pytest.mark.parametrize(
    "params", [{}, {"budget": "operating", "lang": "en"}, {"plan": "cluster", "as_of": "2019-01-04"}]
)
def test_pages_render_under_filter_combinations(demo_db, page, params):
    app = _app(params)
    app.switch_page(page).run()
    _no_exceptions(app)


# ---------------------------------------------------------------- no data
def _assert_plain_no_data_notice(app: AppTest) -> None:
    """What is missing and who can fix it, in plain words: no command, no file path."""
    assert app.title[0].value == "ยังไม่มีข้อมูล"
    notice = " ".join(item.value for item in app.info)
    assert "ผู้ดูแลระบบ" in notice and "โหลดข้อมูล" in notice
    assert not app.code and "python" not in notice and ".duckdb" not in notice


def test_missing_database_says_who_can_load_it(tmp_path, monkeypatch):
    monkeypatch.setenv("BUDGET_DB", str(tmp_path / "nothing-here.duckdb"))
    app = _app().run()
    _no_exceptions(app)
    _assert_plain_no_data_notice(app)


def test_empty_database_says_who_can_load_it(tmp_path, monkeypatch):
    from etl.store import write_session

    db = tmp_path / "empty.duckdb"
    with write_session(db):
        pass  # schema and reference data only, no projects
    monkeypatch.setenv("BUDGET_DB", str(db))
    app = _app()
    app.switch_page("pages/lagging.py").run()
    _no_exceptions(app)
    _assert_plain_no_data_notice(app)


def test_no_page_renders_data_as_html():
    for path in [
        ROOT / "dashboard.py",
        *(ROOT / "ui").glob("*.py"),
        *(ROOT / "pages" / name for name in ("overview.py", "area.py", "lagging.py")),
    ]:
        assert "unsafe_allow_html" not in path.read_text(encoding="utf-8"), path


# ---------------------------------------------------------------- weekly change, new loads
def test_weekly_change_equals_plain_sql(demo_db):
    app = _app({"as_of": AS_OF.isoformat()}).run()
    now = _sql_kpis(demo_db, AS_OF)
    week_before = _sql_kpis(demo_db, date(2019, 5, 24))
    shown = app_figures(app)
    change = float(now["disbursed"] - week_before["disbursed"]) / 1e6
    assert shown["disbursed_change"] == f"{change:+,.2f} จากสัปดาห์ก่อน"
    assert shown["overall.week_paid"] == f"{change:,.2f}"
    # the overall line's points since last week: each % from its own plain-SQL sums
    points = float(now["disbursed"] / now["allocation"] - week_before["disbursed"] / week_before["allocation"]) * 100
    assert shown["overall.week_points"] == f"{points:+.2f}"


def test_a_new_load_shows_on_the_next_run(demo_db_copy, tmp_path):
    from etl.load import load_files

    app = _app({"as_of": AS_OF.isoformat()}).run()
    before = _sql_kpis(demo_db_copy, AS_OF)
    assert app_figures(app)["disbursed"] == _million(before["disbursed"])
    con = duckdb.connect(str(demo_db_copy), read_only=True)
    project = con.execute("SELECT min(project_code) FROM projects").fetchone()[0]
    con.close()
    extra = tmp_path / "more.csv"
    extra.write_text(
        "เลขที่เอกสาร,รหัสโครงการ,วันที่ผ่านรายการ,จำนวนเงิน,แหล่งเงิน\n"
        f'APPTEST-1,{project},31/05/2562,"2,500,000.00",งบประมาณปีปัจจุบัน\n',
        encoding="utf-8-sig",
    )
    load_files([extra], db_path=demo_db_copy)
    after = _sql_kpis(demo_db_copy, AS_OF)
    assert after["disbursed"] == before["disbursed"] + Decimal("2500000.00")
    app.run()  # the same session's next interaction, no cache clearing, no restart
    _no_exceptions(app)
    assert app_figures(app)["disbursed"] == _million(after["disbursed"])


# ---------------------------------------------------------------- tile map and downloads
def test_tile_grid_covers_every_province_once_north_on_top():
    import csv

    with open(ROOT / "data" / "reference" / "tile_grid.csv", encoding="utf-8") as handle:
        tiles = {row["province_code"]: (int(row["row"]), int(row["col"])) for row in csv.DictReader(handle)}
    with open(ROOT / "data" / "reference" / "provinces.csv", encoding="utf-8") as handle:
        provinces = {row["province_code"]: row["region"] for row in csv.DictReader(handle)}
    assert set(tiles) == set(provinces) and len(tiles) == 76
    assert len(set(tiles.values())) == 76  # one square each, no overlap
    rows = {
        region: [tiles[code][0] for code, r in provinces.items() if r == region] for region in set(provinces.values())
    }
    assert tiles["57"][0] == 0  # Chiang Rai, the northern tip, on the top row
    assert max(rows["north"]) < min(rows["south"]) and max(rows["central"]) < min(rows["south"])
    assert max(rows["south"] + rows["south_border"]) == max(tiles[code][0] for code in tiles)
    assert tiles["96"][0] == max(row for row, _ in tiles.values())  # Narathiwat at the bottom


def test_tile_map_figure_has_a_square_per_province(demo_db):
    from budget_metrics import Filters, progress
    from budget_metrics.tilemap import tiles_with_progress
    from tests.target_lines_sql import (
        INVESTMENT_31_MAY,
        OVERALL_31_MAY,
        sql_status_counts,
    )
    from ui.labels import STATUS_COLORS
    from ui.map_bar_charts import tile_map

    figure = tile_map(tiles_with_progress(progress.area_progress(Filters(as_of=AS_OF), "province")), "th")
    big, corner = figure.layout.shapes[0::2], figure.layout.shapes[1::2]
    assert len(big) == len(corner) == 76
    widths = {round(shape.x1 - shape.x0, 6) for shape in big}
    heights = {round(shape.y1 - shape.y0, 6) for shape in big}
    assert widths == heights and len(widths) == 1  # equal squares
    assert figure.layout.yaxis.scaleanchor == "x"
    codes = {point[0] for trace in figure.data if trace.customdata is not None for point in trace.customdata}
    assert len(codes) == 76
    # the big squares are coloured by the overall line (the headline default), the corner
    # squares by the investment line, with the counts plain SQL gives
    for shapes, line, target in ((big, "overall", OVERALL_31_MAY), (corner, "investment", INVESTMENT_31_MAY)):
        counts = sql_status_counts(demo_db, AS_OF, line, target)
        colours = [shape.fillcolor for shape in shapes]
        for status in ("behind", "watch", "near_target", "on_track"):
            assert colours.count(STATUS_COLORS[status]) == counts[status], (line, status)


def test_downloads_are_excel_friendly():
    import io

    import openpyxl
    import pandas as pd

    from ui.downloads import csv_bytes, excel_bytes

    frame = pd.DataFrame({"ชื่อโครงการ": ["โครงการ <b>ทดสอบ</b>", "ถนน"], "เบิกจ่าย (ล้านบาท)": [1.5, 2.25]})
    data = csv_bytes(frame)
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM: Excel shows Thai correctly
    assert data.decode("utf-8-sig").splitlines()[1] == "โครงการ <b>ทดสอบ</b>,1.50"  # 2 decimals
    sheet = openpyxl.load_workbook(io.BytesIO(excel_bytes(frame, "lagging"))).active
    assert sheet.title == "lagging"
    assert [cell.value for cell in sheet[2]] == ["โครงการ <b>ทดสอบ</b>", 1.5]
