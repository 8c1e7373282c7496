"""The dashboard's snapshot mode (issue 4, part 2), through AppTest on real databases.

Two weekly snapshots (6 and 13 Sep 2019) are taken into a copy of the demo database with
`etl.snapshot.take_snapshot`. In snapshot mode the overview and province pages must show
the FROZEN figures of the chosen snapshot with the change from the previous one; the
expected values are plain SQL over the `snapshot_projects` table (membership of an area
from the raw `projects` table). After a correcting file is loaded, the frozen figures
stay on those pages and the data-quality page lists the difference.
"""

from __future__ import annotations

import shutil
from datetime import date
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from etl.load import load_files
from etl.snapshot import take_snapshot
from tests.apptest_support import DASHBOARD
from tests.overview_figures import app_figures
from ui.kept_choices import widget_key

ROOT = Path(__file__).resolve().parents[1]
AS_OF = date(2019, 9, 13)
WEEK_BEFORE = date(2019, 9, 6)
UNIT = "ล้านบาท"
CORRECTION = Decimal("-1234.56")


@pytest.fixture(scope="module")
def snapped_db(demo_db, tmp_path_factory) -> Path:
    """A demo copy holding snapshots as of 6 and 13 Sep 2019 (read-only for the tests)."""
    copy = tmp_path_factory.mktemp("snapshot_mode") / "budget.duckdb"
    shutil.copyfile(demo_db, copy)
    take_snapshot(2562, WEEK_BEFORE, db_path=copy)
    take_snapshot(2562, AS_OF, db_path=copy)
    return copy


@pytest.fixture()
def snapshots_db(snapped_db, monkeypatch) -> Path:
    monkeypatch.setenv("BUDGET_DB", str(snapped_db))
    return snapped_db


@pytest.fixture()
def corrected_db(snapped_db, tmp_path, monkeypatch) -> tuple[Path, str]:
    """A private copy of the snapshotted database, then a file correcting one project's
    disbursements before 13 Sep; returns (database, corrected project code)."""
    copy = tmp_path / "budget.duckdb"
    shutil.copyfile(snapped_db, copy)
    monkeypatch.setenv("BUDGET_DB", str(copy))
    con = duckdb.connect(str(copy), read_only=True)
    try:  # a province-plan project in Chiang Mai that had payments by then
        code = con.execute(
            """SELECT min(p.project_code) FROM projects p JOIN disbursements d USING (project_code)
               WHERE p.owner_type = 'province' AND p.owner = '50' AND d.posting_date <= ?""",
            [date(2019, 9, 2)],
        ).fetchone()[0]
    finally:
        con.close()
    correction = tmp_path / "disbursements_late_correction.csv"
    correction.write_text(
        f"doc_no,project_code,posting_date,amount,source\nCORR-0001,{code},2019-09-02,{CORRECTION},current\n",
        encoding="utf-8",
    )
    [loaded] = load_files([correction], db_path=copy)
    assert loaded.status == "loaded"
    return copy, code


# ---------------------------------------------------------------- independent figures
def _snapshot_id(db: Path, as_of: date) -> int:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(
            "SELECT snapshot_id FROM snapshots WHERE as_of = ? AND status = 'current'", [as_of]
        ).fetchone()[0]
    finally:
        con.close()


def _frozen_sums(db: Path, as_of: date, where: str = "TRUE", params: tuple = ()) -> dict[str, Decimal]:
    """Sums over the stored rows of the snapshot of `as_of` by plain SQL; `where` picks
    projects from the raw projects table (alias pr)."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        row = con.execute(
            f"""SELECT count(*), sum(s.current_allocation), sum(s.committed), sum(s.disbursed),
                       sum(s.remaining), sum(s.current_allocation) FILTER (WHERE s.budget_type = 'investment'),
                       sum(s.disbursed) FILTER (WHERE s.budget_type = 'investment')
                FROM snapshot_projects s JOIN snapshots h USING (snapshot_id)
                WHERE h.as_of = ? AND h.status = 'current'
                  AND s.project_code IN (SELECT pr.project_code FROM projects pr WHERE {where})""",
            [as_of, *params],
        ).fetchone()
    finally:
        con.close()
    count, allocation, committed, disbursed, remaining, investment, investment_paid = row
    return {
        "projects": count,
        "allocation": Decimal(allocation),
        "committed": Decimal(committed),
        "disbursed": Decimal(disbursed),
        "remaining": Decimal(remaining),
        "investment": Decimal(investment or 0),
        "investment_paid": Decimal(investment_paid or 0),
    }


def _live_disbursed(db: Path, as_of: date) -> Decimal:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return Decimal(
            con.execute(
                """SELECT sum(d.amount) FROM disbursements d JOIN projects p USING (project_code)
               WHERE p.fiscal_year = 2562 AND d.source = 'current' AND d.posting_date <= ?""",
                [as_of],
            ).fetchone()[0]
        )
    finally:
        con.close()


def _million(amount: Decimal) -> str:
    return f"{float(amount) / 1_000_000:,.2f}"


def _pct(sums: dict[str, Decimal]) -> float:
    return float(sums["disbursed"] / sums["allocation"] * 100)


def _investment_pct(sums: dict[str, Decimal]) -> float:
    return float(sums["investment_paid"] / sums["investment"] * 100)


# ---------------------------------------------------------------- app helpers
def _app(params: dict[str, str]) -> AppTest:
    app = AppTest.from_file(DASHBOARD, default_timeout=180)
    for name, value in params.items():
        app.query_params[name] = value
    return app


def _page(page: str, params: dict[str, str]) -> AppTest:
    """A dashboard run that opens `page` (url path) with the sidebar drawn by dashboard.py."""
    app = _app(params)
    if page != "overview":
        app.switch_page(f"pages/{page}.py")
    app.run()
    _no_exceptions(app)
    return app


def _no_exceptions(app: AppTest) -> None:
    assert not app.exception, [item.value for item in app.exception]
    assert not app.error, [item.value for item in app.error]


def _cards(app: AppTest) -> dict[str, tuple[str, str | None]]:
    """label -> (value, change) of the KPI cards; the overview's HTML headline read into the same form."""
    cards = {metric.label: (metric.value, metric.delta) for metric in app.metric}
    if cards:
        return cards
    shown = app_figures(app)  # the overview: tests/overview_figures.py
    for label, key in (
        ("งบประมาณ", "allocation"),
        ("ก่อหนี้ผูกพัน", "committed"),
        ("เบิกจ่าย", "disbursed"),
        ("คงเหลือ", "remaining"),
    ):
        change = shown.get(f"{key}_change")  # '+391.22 จากภาพนิ่ง 6 ก.ย. 2562'
        cards[f"{label} ({UNIT})"] = (shown[key], f"{change.split()[0]} {UNIT}" if change else None)
    for line, name in (("overall", "ภาพรวม"), ("investment", "งบลงทุน")):
        points = shown.get(f"{line}.week_points")
        cards[f"{name}: ร้อยละเบิกจ่าย"] = (shown[f"{line}.pct"], f"{points} จุด" if points else None)
        cards[f"{name}: เป้าหมาย (ร้อยละ)"] = (shown[f"{line}.target"], None)
    return cards


def _assert_frozen_cards(app: AppTest, now: dict[str, Decimal], before: dict[str, Decimal]) -> None:
    cards = _cards(app)
    for label, key in (
        ("งบประมาณ", "allocation"),
        ("ก่อหนี้ผูกพัน", "committed"),
        ("เบิกจ่าย", "disbursed"),
        ("คงเหลือ", "remaining"),
    ):
        value, delta = cards[f"{label} ({UNIT})"]
        assert value == _million(now[key]), label
        assert delta == f"{float(now[key] - before[key]) / 1_000_000:+,.2f} {UNIT}", label
    value, delta = cards["ภาพรวม: ร้อยละเบิกจ่าย"]
    assert value == f"{_pct(now):,.2f}"
    assert delta == f"{_pct(now) - _pct(before):+,.2f} จุด"
    # the investment line from the frozen investment rows only, against its own target
    value, delta = cards["งบลงทุน: ร้อยละเบิกจ่าย"]
    assert value == f"{_investment_pct(now):,.2f}"
    assert delta == f"{_investment_pct(now) - _investment_pct(before):+,.2f} จุด"
    # 13 Sep 2019 by hand: Q3 end + two monthly steps + 13/30 of the third (DOMAIN.md)
    assert cards["ภาพรวม: เป้าหมาย (ร้อยละ)"][0] == f"{77 + 2 * 23 / 3 + 23 / 3 * 13 / 30:.2f}"
    assert cards["งบลงทุน: เป้าหมาย (ร้อยละ)"][0] == f"{65 + 2 * 23 / 3 + 23 / 3 * 13 / 30:.2f}"


# ---------------------------------------------------------------- tests
def test_overview_in_snapshot_mode_shows_frozen_kpis_and_change(snapshots_db):
    app = _page("overview", {"mode": "snapshot", "as_of": AS_OF.isoformat()})
    assert app.title[0].value == "ภาพรวมการเบิกจ่ายงบประมาณ"
    _assert_frozen_cards(app, _frozen_sums(snapshots_db, AS_OF), _frozen_sums(snapshots_db, WEEK_BEFORE))
    assert app.radio(key=widget_key("mode", "th")).value == "snapshot"
    assert app.selectbox(key=widget_key("snapshot_as_of", "th")).value == AS_OF.isoformat()
    assert app.selectbox(key=widget_key("snapshot_as_of", "th")).options == ["13 ก.ย. 2562", "6 ก.ย. 2562"]
    headers = [item.value for item in app.subheader] + [item.value.strip("*") for item in app.markdown]
    assert "การเปลี่ยนแปลงจากภาพนิ่งครั้งก่อน" in headers
    # the movers tables: provinces and projects whose % moved most, largest move first
    now_id, before_id = _snapshot_id(snapshots_db, AS_OF), _snapshot_id(snapshots_db, WEEK_BEFORE)
    con = duckdb.connect(str(snapshots_db), read_only=True)
    try:
        moves = [
            row[0]
            for row in con.execute(
                """SELECT abs(coalesce(a.disbursed / nullif(a.current_allocation, 0), 0)
                          - coalesce(b.disbursed / nullif(b.current_allocation, 0), 0)) * 100 AS move
               FROM snapshot_projects a JOIN snapshot_projects b USING (project_code)
               WHERE a.snapshot_id = ? AND b.snapshot_id = ? ORDER BY move DESC LIMIT 10""",
                [now_id, before_id],
            ).fetchall()
        ]
    finally:
        con.close()
    project_movers = next(
        frame.value
        for frame in app.dataframe
        if "รหัสโครงการ" in frame.value.columns and "เปลี่ยน (จุด)" in frame.value.columns
    )
    assert [abs(value) for value in project_movers["เปลี่ยน (จุด)"]] == pytest.approx(
        [float(move) for move in moves], abs=1e-6
    )
    assert app.query_params["mode"] in ("snapshot", ["snapshot"])


def test_earlier_snapshot_and_live_mode_differ_as_expected(snapshots_db):
    # the first snapshot of the year has no previous one: frozen figures, no change shown
    app = _page("overview", {"mode": "snapshot", "as_of": WEEK_BEFORE.isoformat()})
    first = _frozen_sums(snapshots_db, WEEK_BEFORE)
    cards = _cards(app)
    value, delta = cards[f"เบิกจ่าย ({UNIT})"]
    assert value == _million(first["disbursed"]) and not delta
    assert any("ยังไม่มีภาพนิ่งก่อนหน้า" in item.value for item in app.info)
    # live mode again: the change is against seven days earlier, so it no longer is the snapshots'
    app.radio(key=widget_key("mode", "th")).set_value("live").run()
    _no_exceptions(app)
    assert "mode" not in app.query_params
    assert app.selectbox(key=widget_key("as_of", "th")).value in (WEEK_BEFORE.isoformat(), "latest")


def test_province_page_in_snapshot_mode(snapshots_db):
    app = _page("area", {"mode": "snapshot", "as_of": AS_OF.isoformat(), "area": "province:50"})
    where, params = "pr.owner_type = 'province' AND pr.owner = ?", ("50",)
    now = _frozen_sums(snapshots_db, AS_OF, where, params)
    before = _frozen_sums(snapshots_db, WEEK_BEFORE, where, params)
    _assert_frozen_cards(app, now, before)
    # the frozen changes: the first tab in snapshot mode
    markdown = " ".join(item.value for item in app.markdown)
    assert "การเปลี่ยนแปลงจากภาพนิ่งครั้งก่อน" in markdown
    assert "โครงการที่เริ่มล่าช้า" in markdown and "โครงการที่พ้นสถานะล่าช้า" in markdown
    # the side-by-side table (its tab): the province, its cluster and the nation, all frozen
    app.session_state["area_view.th.province.True"] = "เทียบกลุ่มจังหวัดและทั้งประเทศ"
    app.run()
    _no_exceptions(app)
    shown = app_figures(app)
    nation = _frozen_sums(snapshots_db, AS_OF)
    assert shown["comparison.area.projects"] == f"{now['projects']:,}"
    assert shown["comparison.nation.projects"] == f"{nation['projects']:,}"
    assert shown["comparison.nation.disbursed"] == _million(nation["disbursed"])
    assert shown["comparison.nation.investment.pct"] == f"{_investment_pct(nation):,.2f}"


def test_without_snapshots_the_sidebar_says_so_and_stays_live(demo_db, monkeypatch):
    monkeypatch.setenv("BUDGET_DB", str(demo_db))  # the session database has no snapshot
    app = _page("overview", {"mode": "snapshot"})
    sidebar_text = " ".join(item.value for item in app.sidebar.info)
    assert "ยังไม่มีภาพนิ่งรายสัปดาห์" in sidebar_text and "ผู้ดูแลระบบ" in sidebar_text
    assert "python" not in sidebar_text
    assert app.radio(key=widget_key("mode", "th")).value == "live"
    assert "mode" not in app.query_params
    assert app.selectbox(key=widget_key("as_of", "th")).value == "latest"


def test_correction_after_snapshot_frozen_pages_stay_and_data_quality_lists_it(corrected_db):
    db, code = corrected_db
    frozen = _frozen_sums(db, AS_OF)
    # the live figure moved by the correction; the frozen one did not
    assert _live_disbursed(db, AS_OF) == frozen["disbursed"] + CORRECTION
    app = _page("overview", {"mode": "snapshot", "as_of": AS_OF.isoformat()})
    assert _cards(app)[f"เบิกจ่าย ({UNIT})"][0] == _million(frozen["disbursed"])
    live = _page("overview", {"as_of": AS_OF.isoformat()})
    assert _cards(live)[f"เบิกจ่าย ({UNIT})"][0] == _million(frozen["disbursed"] + CORRECTION)

    quality = _page("data_quality", {"as_of": AS_OF.isoformat()})
    assert "ข้อมูลปัจจุบันต่างจากภาพนิ่ง" in [item.value for item in quality.subheader]
    table = next(frame.value for frame in quality.dataframe if "ในภาพนิ่ง (ล้านบาท)" in frame.value.columns)
    rows = table[table["รหัสโครงการ"] == code]
    disbursed = rows[rows["รายการ"] == "เบิกจ่าย"]
    assert len(disbursed) == 1
    con = duckdb.connect(str(db), read_only=True)
    try:
        stored = con.execute(
            "SELECT disbursed FROM snapshot_projects WHERE snapshot_id = ? AND project_code = ?",
            [_snapshot_id(db, AS_OF), code],
        ).fetchone()[0]
    finally:
        con.close()
    assert disbursed["ในภาพนิ่ง (ล้านบาท)"].iloc[0] == pytest.approx(float(stored) / 1e6)
    assert disbursed["ข้อมูลปัจจุบัน (ล้านบาท)"].iloc[0] == pytest.approx(float(stored + CORRECTION) / 1e6)
    assert disbursed["ผลต่าง (ปัจจุบัน − ภาพนิ่ง) (ล้านบาท)"].iloc[0] == pytest.approx(float(CORRECTION) / 1e6)
    assert set(table["รหัสโครงการ"]) == {code}  # nothing else differs


def test_data_quality_without_a_snapshot_of_the_date_says_so(snapshots_db):
    app = _page("data_quality", {"as_of": "2019-09-20"})
    assert any("ไม่มีภาพนิ่งรายสัปดาห์ของวันที่นี้" in item.value for item in app.caption)


@pytest.mark.parametrize("page", ["overview", "area", "lagging", "data_quality", "weekly"])
def test_pages_render_in_snapshot_mode_in_english_for_a_cluster(snapshots_db, page):
    app = _page(page, {"mode": "snapshot", "as_of": AS_OF.isoformat(), "cluster": "C01", "lang": "en"})
    assert app.radio(key=widget_key("mode", "en")).value == "snapshot"
    if page in ("overview", "area"):
        where = (
            "(pr.owner_type = 'cluster' AND pr.owner = ?) OR (pr.owner_type = 'province' AND pr.owner IN "
            "(SELECT province_code FROM provinces WHERE cluster_code = ?))"
        )
        now = _frozen_sums(snapshots_db, AS_OF, where, ("C01", "C01"))
        assert app_figures(app)["disbursed"] == _million(now["disbursed"])  # the HTML first screen
