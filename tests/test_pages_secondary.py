"""AppTest of the carry-over, reallocations, asset-transfer and data-quality pages.

Each page renders without an exception under several filter combinations (and, for the
pages whose charts and tables sit in tabs, with each tab open), and one figure it shows
equals a sum written independently in plain SQL on the demo database. The carry-over,
reallocations and assets pages show their totals as light HTML (`data-figure` elements,
read with tests/overview_figures.py), not st.metric.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from budget_metrics import Filters, data_version
from tests.etl_fixtures import query
from tests.overview_figures import app_figures
from ui.context import PageContext
from ui.kept_choices import page_key

ROOT = Path(__file__).resolve().parents[1]
PAGES = ["pages/carryover.py", "pages/reallocations.py", "pages/assets.py", "pages/data_quality.py"]
AS_OF = date(2019, 12, 31)

COMBINATIONS = {
    "default": (Filters(), "th"),
    "province": (Filters(as_of=AS_OF, province="50"), "th"),
    "cluster": (Filters(as_of=AS_OF, cluster="C01"), "th"),
    "cluster_plans": (Filters(as_of=AS_OF, plan_type="cluster"), "th"),
    "investment": (Filters(as_of=date(2019, 9, 13), budget_type="investment"), "th"),
    "english": (Filters(as_of=AS_OF, region="south"), "en"),
    "empty_province": (Filters(as_of=AS_OF, province="10"), "th"),  # Bangkok: no plan of its own
}


# page -> (the key of its tabs in Thai, the tab labels in Thai): charts and tables run only in the open tab
TABS = {
    "pages/carryover.py": (
        "carryover_view.th",
        ["รายพื้นที่", "กราฟรายสัปดาห์", "กราฟรายพื้นที่", "ตารางโครงการเสี่ยง", "ตารางทุกโครงการ"],
    ),
    "pages/reallocations.py": (
        "reallocations_view.th",
        ["สุทธิรายพื้นที่", "กราฟเงินเหลือจ่าย", "เส้นทางการโอน", "กราฟสุทธิรายพื้นที่", "ทะเบียนการโอน", "กระทบยอด"],
    ),
    "pages/assets.py": (
        "assets_view.th",
        ["รายพื้นที่", "อายุสินทรัพย์และสถานะ", "กราฟและตารางรายพื้นที่", "ค้างโอนเกิน 60 วัน", "สินทรัพย์ทั้งหมด"],
    ),
}


def _run(page: str, filters: Filters, lang: str = "th", tab: str | None = None, state: dict | None = None) -> AppTest:
    """The page run once; `tab` (a Thai label of TABS) opens that tab first, `state` sets other
    session keys first (e.g. another page's tab opened)."""
    app = AppTest.from_file(str(ROOT / page), default_timeout=60)
    app.session_state["page_context"] = PageContext(filters, lang, data_version())
    if tab is not None:
        app.session_state[TABS[page][0]] = tab
    for key, value in (state or {}).items():
        app.session_state[key] = value
    app.run()
    return app


def _metric(app: AppTest, label: str) -> str:
    found = [metric.value for metric in app.metric if metric.label == label]
    assert found, f"no metric {label!r} among {[m.label for m in app.metric]}"
    return found[0]


def _million(amount) -> str:
    return f"{float(amount) / 1_000_000:,.2f}"


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("combination", list(COMBINATIONS))
def test_page_renders_without_exception(demo_db, page, combination):
    filters, lang = COMBINATIONS[combination]
    app = _run(page, filters, lang)
    assert not app.exception, [error.value for error in app.exception]
    assert not app.error, [error.value for error in app.error]
    assert app.title, "every page has a title"
    if lang == "en":
        assert all(not any("\u0e00" <= ch <= "\u0e7f" for ch in title.value) for title in app.title)
    if combination == "empty_province" and page != "pages/data_quality.py":
        assert any("ไม่มีข้อมูล" in info.value for info in app.info)


@pytest.mark.parametrize("page,tab", [(page, tab) for page, (_, labels) in TABS.items() for tab in labels])
@pytest.mark.parametrize("combination", ["default", "province", "cluster_plans"])
def test_every_tab_renders_without_exception(demo_db, page, tab, combination):
    filters, lang = COMBINATIONS[combination]  # Thai: the tab labels are Thai
    app = _run(page, filters, lang, tab)
    assert not app.exception, [error.value for error in app.exception]
    assert not app.error, [error.value for error in app.error]


def test_first_screens_draw_no_chart_and_no_grid(demo_db):
    """The first screen is light HTML: the charts and grids wait in tabs (the first tab is HTML too)."""
    for page in TABS:
        app = _run(page, Filters(as_of=AS_OF))
        assert not app.exception
        assert not app.dataframe and not app.get("plotly_chart"), page
        assert app_figures(app), page


def test_carryover_total_equals_plain_sql(demo_db):
    (carried, count) = query(
        demo_db,
        """SELECT sum(c.amount), count(*) FROM carryovers c JOIN projects p USING (project_code)
           WHERE p.fiscal_year = 2562 AND c.approved_date <= ?""",
        [AS_OF],
    )[0]
    app = _run("pages/carryover.py", Filters(as_of=AS_OF))
    shown = app_figures(app)
    assert shown["carried"] == _million(carried)
    assert shown["carried_change"] == f"{count:,} โครงการ"
    # the table of every carry-over, one tab away, lists each one
    app = _run("pages/carryover.py", Filters(as_of=AS_OF), tab="ตารางทุกโครงการ")
    assert max(len(frame.value) for frame in app.dataframe) == count


def test_carryover_paid_in_a_province_equals_plain_sql(demo_db):
    (province, paid) = query(
        demo_db,
        """SELECT p.owner, sum(d.amount) FROM disbursements d JOIN projects p USING (project_code)
           WHERE d.source = 'carryover' AND d.posting_date <= ? AND p.owner_type = 'province'
             AND d.project_code IN (SELECT project_code FROM carryovers WHERE approved_date <= ?)
           GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 1""",
        [AS_OF, AS_OF],
    )[0]
    app = _run("pages/carryover.py", Filters(as_of=AS_OF, province=province), "en")
    assert app_figures(app)["paid"] == _million(paid)


def test_reallocations_figures_equal_plain_sql(demo_db):
    day = date(2019, 9, 13)
    (count,) = query(demo_db, "SELECT count(*) FROM reallocations WHERE approved_date <= ?", [day])[0]
    (returned,) = query(
        demo_db,
        """SELECT coalesce(sum(amount), 0) FROM reallocations WHERE approved_date <= ?
           AND from_project_code IS NOT NULL AND (kind = 'return' OR to_project_code IS NULL)""",
        [day],
    )[0]
    app = _run("pages/reallocations.py", Filters(as_of=day))
    shown = app_figures(app)
    assert shown["transfers"] == f"{count:,}"
    assert shown["returned"] == _million(returned)
    assert any("ยอดตรงกันทุกโครงการ" in message.value for message in app.success)


def test_assets_overdue_count_equals_direct_date_comparison(demo_db):
    day = date(2019, 9, 13)
    (limit,) = query(demo_db, "SELECT value FROM thresholds WHERE name = 'asset_overdue_days'")[0]
    (count,) = query(
        demo_db,
        """SELECT count(*) FROM asset_transfers a JOIN projects p USING (project_code)
           WHERE p.fiscal_year = 2562 AND a.completed_date < ?
             AND NOT coalesce(a.transferred_date <= ?, a.status = 'transferred')""",
        [day - timedelta(days=int(limit)), day],
    )[0]
    app = _run("pages/assets.py", Filters(as_of=day))
    assert app_figures(app)["overdue_assets"] == f"{count:,}"


REJECTS_TAB = {"quality_view.th": "แถวที่ถูกปฏิเสธ"}  # the data-quality tab that runs the rejected rows' grid


def test_data_quality_counts_equal_plain_sql(demo_db):
    (loads, rejected) = query(demo_db, "SELECT count(*), sum(rows_rejected) FROM loads")[0]
    (reject_rows,) = query(demo_db, "SELECT count(*) FROM rejects")[0]
    app = _run("pages/data_quality.py", Filters(as_of=date(2019, 9, 13)), state=REJECTS_TAB)
    shown = app_figures(app)  # the first screen's counts (light HTML)
    assert shown["loads"] == f"{loads:,}"
    assert shown["rejected"] == f"{int(rejected):,}"
    assert shown["warnings"] == "0"
    assert len(app.dataframe[-1].value) == reject_rows  # rejected rows, unfiltered


def test_rejected_rows_filter_by_reason(demo_db):
    reason, rows = query(demo_db, "SELECT reason_code, count(*) FROM rejects GROUP BY 1 ORDER BY 2 DESC LIMIT 1")[0]
    app = _run("pages/data_quality.py", Filters(as_of=date(2019, 9, 13)), state=REJECTS_TAB)
    app.selectbox(key=page_key("", "reason", "th")).set_value(reason).run()
    assert not app.exception
    assert len(app.dataframe[-1].value) == rows


@pytest.mark.parametrize("page", PAGES)
def test_missing_database_says_who_can_load_it(page, tmp_path, monkeypatch):
    monkeypatch.setenv("BUDGET_DB", str(tmp_path / "nothing.duckdb"))
    app = AppTest.from_file(str(ROOT / page), default_timeout=60)
    app.run()
    assert not app.exception
    notice = " ".join(item.value for item in app.info)
    assert "ผู้ดูแลระบบ" in notice  # plain words: who can load the data
    assert not app.code and "python" not in notice and ".duckdb" not in notice


def test_data_quality_lists_warnings_as_html_and_every_one_a_click_away(demo_db_copy):
    """A copy with 25 reallocations to unknown projects: 25 warnings, the first 20 listed as light
    HTML (no grid on arrival), all 25 in the grid once its expander is opened."""
    import duckdb

    con = duckdb.connect(str(demo_db_copy))
    try:
        for number in range(25):
            con.execute(
                "INSERT INTO reallocations (ref_no, approved_date, from_project_code, to_project_code, "
                "amount, kind, reason, load_id) "
                "VALUES (?, DATE '2019-06-01', NULL, ?, 500.00, 'change', 'test', 0)",
                [f"BROKEN-{number}", f"NO-SUCH-{number:02d}"],
            )
        (unknown,) = con.execute(
            "SELECT count(*) FROM reallocations r "
            "WHERE r.approved_date <= DATE '2019-09-13' AND r.to_project_code IS NOT NULL "
            "AND NOT EXISTS "
            "(SELECT 1 FROM projects p WHERE p.project_code = r.to_project_code)"
        ).fetchone()
    finally:
        con.close()
    assert unknown == 25
    filters = Filters(as_of=date(2019, 9, 13))
    app = _run("pages/data_quality.py", filters)
    assert not app.exception, [error.value for error in app.exception]
    assert app_figures(app)["warnings"] == f"{unknown:,}"
    assert not app.dataframe  # the warnings and the freshness table are HTML
    listed = next(
        element.proto.body for element in app.html if 'data-table="reconciliation_warnings"' in element.proto.body
    )
    assert listed.count("<tr") == 1 + 20  # the header and the first 20
    assert "NO-SUCH-00" in listed and "0.00" in listed  # 500 baht in million baht
    app = _run("pages/data_quality.py", filters, state={"quality_warnings_all": True})
    assert not app.exception, [error.value for error in app.exception]
    assert len(app.dataframe[0].value) == unknown
