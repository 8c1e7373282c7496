"""A fresh `python -m etl demo` gives the week-over-week story from the first start.

The demo runs as an administrator would run it (a subprocess, BUDGET_DB and
BUDGET_DEMO_DIR pointing at a temporary folder): the session's `demo_years_db` (tests/conftest.py),
run once per test run and shared with the other tests on the three-year store. It loads three
fiscal years (FY2561-FY2563) and must also freeze the weekly snapshots of every year: every Friday
up to the year's latest data date, counted here by date arithmetic and plain SQL. The dashboard
(AppTest) then opens on the year in progress (FY2563), offers snapshot mode and shows the movers
and the newly flagged / cleared projects, compared here with plain SQL over the stored snapshot
rows; the same for FY2562 chosen in the URL.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from ui.kept_choices import widget_key

ROOT = Path(__file__).resolve().parents[1]
YEARS = (2561, 2562, 2563)


def _bounds(fiscal_year: int) -> tuple[date, date]:
    """1 Oct (BE year - 544) to 30 Sep (BE year - 543): FY2562 = 1 Oct 2018 - 30 Sep 2019 (DOMAIN.md)."""
    return date(fiscal_year - 544, 10, 1), date(fiscal_year - 543, 9, 30)


@pytest.fixture()
def fresh_demo(demo_years_db) -> Path:
    """The store `python -m etl demo` made (the session's `demo_years_db`); tests only read it."""
    return demo_years_db


def test_the_demo_command_wrote_the_generators_files_and_the_store(fresh_demo, demo_years_files):
    """`python -m etl demo` exits 0 or 1 (1: the demo's deliberate rejects), writes its files into
    BUDGET_DEMO_DIR and its store at BUDGET_DB; the files are byte for byte what the generator
    (`write_demo_years`, the default seed 2562) writes in this process."""
    import json

    done = json.loads((fresh_demo.parent / "etl_demo.json").read_text(encoding="utf-8"))
    assert done["returncode"] in (0, 1), done["stdout"] + done["stderr"]
    assert (fresh_demo.parent / "files").is_dir() and fresh_demo.exists()
    generated, totals = demo_years_files
    for year in YEARS:
        names = sorted(path.name for path in (fresh_demo.parent / "files" / str(year)).iterdir())
        assert names == sorted(totals[year]["files"]), year
        for name in names:
            written = (fresh_demo.parent / "files" / str(year) / name).read_bytes()
            assert written == (generated / str(year) / name).read_bytes(), (year, name)


def _sql(database: Path, sql: str, params: list | None = None) -> list[tuple]:
    con = duckdb.connect(str(database), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def _fridays_with_data(database: Path, fiscal_year: int) -> list[date]:
    """Every Friday of the year up to the latest payment date of the year's projects (capped at 30 Sep)."""
    start, end = _bounds(fiscal_year)
    latest = _sql(
        database,
        """SELECT max(d.posting_date) FROM disbursements d JOIN projects p USING (project_code)
                               WHERE p.fiscal_year = ?""",
        [fiscal_year],
    )[0][0]
    last = min(latest, end)
    day = start + timedelta(days=(4 - start.weekday()) % 7)  # the first Friday
    found = []
    while day <= last:
        found.append(day)
        day += timedelta(days=7)
    return found


@pytest.mark.parametrize("fiscal_year", YEARS)
def test_demo_freezes_every_friday_of_every_year(fresh_demo, fiscal_year):
    fridays = _fridays_with_data(fresh_demo, fiscal_year)
    # FY2561 and FY2562 run to the end of September; FY2563 is in progress (data to 31 Mar 2020)
    assert len(fridays) > 40 if fiscal_year < 2563 else fridays[-1] == date(2020, 3, 27)
    stored = _sql(fresh_demo, "SELECT as_of, status FROM snapshots WHERE fiscal_year = ? ORDER BY as_of", [fiscal_year])
    assert [row[0] for row in stored] == fridays
    assert {row[1] for row in stored} == {"current"}
    projects = _sql(fresh_demo, "SELECT count(*) FROM projects WHERE fiscal_year = ?", [fiscal_year])[0][0]
    per_snapshot = _sql(
        fresh_demo,
        """SELECT count(*) FROM snapshot_projects s JOIN snapshots n USING (snapshot_id)
                                       WHERE n.fiscal_year = ? GROUP BY snapshot_id""",
        [fiscal_year],
    )
    assert len(per_snapshot) == len(fridays) and {row[0] for row in per_snapshot} == {projects}
    # only the year's own projects are frozen in its snapshots
    assert (
        _sql(
            fresh_demo,
            """SELECT count(*) FROM snapshot_projects s JOIN snapshots n USING (snapshot_id)
                               JOIN projects p USING (project_code) WHERE n.fiscal_year = ?
                               AND p.fiscal_year <> n.fiscal_year""",
            [fiscal_year],
        )[0][0]
        == 0
    )
    # each frozen week's disbursed total is the sum of the year's payments posted by that Friday
    for day in (fridays[0], fridays[len(fridays) // 2], fridays[-1]):
        frozen = _sql(
            fresh_demo,
            """SELECT sum(s.disbursed) FROM snapshot_projects s
                                     JOIN snapshots n USING (snapshot_id) WHERE n.as_of = ?""",
            [day],
        )[0][0]
        paid = _sql(
            fresh_demo,
            """SELECT coalesce(sum(d.amount), 0) FROM disbursements d
                                   JOIN projects p USING (project_code) WHERE p.fiscal_year = ?
                                   AND d.source = 'current' AND d.posting_date <= ?""",
            [fiscal_year, day],
        )[0][0]
        assert frozen == paid, day


def test_weekly_rows_equal_a_snapshot_taken_alone(fresh_demo, tmp_path):
    """The demo computes all of a year's Fridays in one pass and writes them in one INSERT
    (etl.snapshot.project_rows_on_dates); one Friday frozen alone (`take_snapshot`, the per-date
    read side, into a copy holding no snapshot of that date) stores the same rows, in every year."""
    import shutil

    from etl.snapshot import take_snapshot

    days = {year: _fridays_with_data(fresh_demo, year)[-5] for year in YEARS}
    copy = tmp_path / "copy.duckdb"
    shutil.copyfile(fresh_demo, copy)
    con = duckdb.connect(str(copy))
    for day in days.values():
        con.execute(
            "DELETE FROM snapshot_projects WHERE snapshot_id IN (SELECT snapshot_id FROM snapshots WHERE as_of = ?)",
            [day],
        )
        con.execute("DELETE FROM snapshots WHERE as_of = ?", [day])
    con.close()
    query = """SELECT s.* EXCLUDE (snapshot_id) FROM snapshot_projects s JOIN snapshots n USING (snapshot_id)
               WHERE n.as_of = ? AND n.snapshot_id = coalesce(?, n.snapshot_id) ORDER BY project_code"""
    for year, day in days.items():
        alone = take_snapshot(year, day, db_path=copy)
        con = duckdb.connect(str(fresh_demo), read_only=True)
        from_demo = con.execute(query, [day, None]).df()
        con.close()
        con = duckdb.connect(str(copy), read_only=True)
        single = con.execute(query, [day, alone.snapshot_id]).df()
        con.close()
        assert len(single) > 3000, year
        pd.testing.assert_frame_equal(from_demo, single)


@pytest.mark.parametrize("fiscal_year", [None, 2562])
def test_snapshot_mode_and_movers_work_on_the_fresh_demo(fresh_demo, monkeypatch, fiscal_year):
    """Without ?fy= the dashboard opens on the year in progress (FY2563, the year of the latest
    payment); ?fy=2562 shows that year's weeks."""
    monkeypatch.setenv("BUDGET_DB", str(fresh_demo))
    year = (
        fiscal_year
        or _sql(
            fresh_demo,
            """SELECT p.fiscal_year FROM disbursements d JOIN projects p
                                              USING (project_code) WHERE d.source = 'current'
                                              ORDER BY d.posting_date DESC LIMIT 1""",
        )[0][0]
    )
    assert year == (fiscal_year or 2563)
    fridays = _fridays_with_data(fresh_demo, year)
    app = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    app.query_params["mode"] = "snapshot"
    if fiscal_year:
        app.query_params["fy"] = str(fiscal_year)
    app.run()
    assert not app.exception and not app.error
    assert app.selectbox(key=widget_key("fy", "th")).value == year
    assert app.radio(key=widget_key("mode", "th")).value == "snapshot"
    assert not app.radio(key=widget_key("mode", "th")).disabled
    chosen = app.selectbox(key=widget_key("snapshot_as_of", "th"))
    assert len(chosen.options) == len(fridays) and chosen.value == fridays[-1].isoformat()
    headers = [item.value for item in app.subheader] + [item.value.strip("*") for item in app.markdown]
    assert "การเปลี่ยนแปลงจากภาพนิ่งครั้งก่อน" in headers

    now_id, before_id = (
        _sql(fresh_demo, "SELECT snapshot_id FROM snapshots WHERE as_of = ?", [day])[0][0]
        for day in (fridays[-1], fridays[-2])
    )
    moves = [
        float(row[0])
        for row in _sql(
            fresh_demo,
            """SELECT abs(coalesce(a.disbursed / nullif(a.current_allocation, 0), 0)
                      - coalesce(b.disbursed / nullif(b.current_allocation, 0), 0)) * 100 AS move
           FROM snapshot_projects a JOIN snapshot_projects b USING (project_code)
           WHERE a.snapshot_id = ? AND b.snapshot_id = ? ORDER BY move DESC LIMIT 10""",
            [now_id, before_id],
        )
    ]
    assert moves[0] > 0  # the last week moved
    movers = next(
        frame.value
        for frame in app.dataframe
        if "รหัสโครงการ" in frame.value.columns and "เปลี่ยน (จุด)" in frame.value.columns
    )
    assert [abs(value) for value in movers["เปลี่ยน (จุด)"]] == pytest.approx(moves, abs=1e-6)
    newly, cleared = (
        _sql(
            fresh_demo,
            f"""SELECT count(*) FROM snapshot_projects a JOIN snapshot_projects b USING (project_code)
            WHERE a.snapshot_id = ? AND b.snapshot_id = ? AND {condition}""",
            [now_id, before_id],
        )[0][0]
        for condition in (
            "coalesce(a.flag_codes, '') <> '' AND coalesce(b.flag_codes, '') = ''",
            "coalesce(a.flag_codes, '') = '' AND coalesce(b.flag_codes, '') <> ''",
        )
    )
    markdown = " ".join(item.value for item in app.markdown)
    assert f"**โครงการที่เริ่มล่าช้า** ({newly:,})" in markdown
    assert f"**โครงการที่พ้นสถานะล่าช้า** ({cleared:,})" in markdown
