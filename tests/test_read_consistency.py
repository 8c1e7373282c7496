"""One database state per export and per page render, even while a load publishes.

A load publishes a new DuckDB file by atomic rename. These tests publish one in the
middle of an export / a page render (from `connection.read_hook`, called at every read)
and check that everything produced describes one file: the export's summary equals the
sum of its own project rows and equals plain SQL on the file as it was before the load.
"""

from __future__ import annotations

import threading
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from budget_metrics import connection
from budget_metrics.connection import data_version, pinned_read, read_only
from budget_metrics.filters import Filters
from etl.load import load_files
from tests.etl_fixtures import DISB_HEADERS, scalar, write_csv
from tests.overview_figures import app_figures

ROOT = Path(__file__).resolve().parents[1]
AS_OF = date(2019, 9, 13)
EXTRA_BAHT = Decimal("1000000000.00")  # big enough that a torn export cannot hide it


def _baht(value) -> Decimal:
    """A float baht figure from a frame or workbook as an exact satang amount."""
    return Decimal(str(float(value))).quantize(Decimal("0.01"))


def _sql_disbursed(db: Path, as_of: date) -> Decimal:
    """Current-year payments of FY2562 projects posted by the date (plain SQL)."""
    return Decimal(
        scalar(
            db,
            """SELECT sum(d.amount) FROM disbursements d
                                 JOIN projects p USING (project_code)
                                 WHERE p.fiscal_year = 2562 AND d.source = 'current'
                                   AND d.posting_date <= ?""",
            [as_of],
        )
    )


def _extra_payment_file(db: Path, folder: Path, doc_no: str) -> Path:
    """A disbursement file adding EXTRA_BAHT to a demo project before AS_OF."""
    code = scalar(db, "SELECT min(project_code) FROM projects WHERE fiscal_year = 2562")
    return write_csv(
        folder / f"{doc_no}.csv", [DISB_HEADERS, [doc_no, code, "02/09/2562", f"{EXTRA_BAHT:,.2f}", "งบประมาณปีปัจจุบัน"]]
    )


class PublishOnRead:
    """A read hook that runs a load (which publishes a new file) at the n-th read."""

    def __init__(self, db: Path, extra: Path, at_read: int):
        self.db, self.extra, self.at_read = db, extra, at_read
        self.reads = 0
        self.published = False

    def __call__(self, path: Path) -> None:
        self.reads += 1
        if self.reads == self.at_read and not self.published:
            self.published = True  # before loading: the load's own reads must not recurse
            results = load_files([self.extra], db_path=self.db)
            assert [r.status for r in results] == ["loaded"], results


@pytest.fixture()
def hook():
    installed: list[PublishOnRead] = []

    def install(publisher: PublishOnRead) -> PublishOnRead:
        connection.read_hook = publisher
        installed.append(publisher)
        return publisher

    yield install
    connection.read_hook = None


@pytest.mark.parametrize("at_read", [2, 6, 12])
def test_export_reads_one_state_while_a_load_publishes(demo_db_copy, tmp_path, hook, at_read):
    from exports.export import build_bundle

    before = _sql_disbursed(demo_db_copy, AS_OF)
    publisher = hook(PublishOnRead(demo_db_copy, _extra_payment_file(demo_db_copy, tmp_path, "X-1"), at_read))
    bundle = build_bundle(Filters(as_of=AS_OF))
    assert publisher.published, "the load did not run during the export"
    assert _sql_disbursed(demo_db_copy, AS_OF) == before + EXTRA_BAHT  # the new file is out there

    summary_total = _baht(bundle.table("summary").frame.iloc[0]["disbursed"])
    rows_total = sum((_baht(value) for value in bundle.table("projects").frame["disbursed"]), Decimal(0))
    # one file: the summary is the sum of its own rows, and both are the file before the load
    assert summary_total == rows_total == before
    assert bundle.kpis.disbursed == before


def test_without_the_pin_the_same_publish_tears_an_export(demo_db_copy, tmp_path, hook):
    """The control: the hook really publishes between reads (so the test above can fail)."""
    from exports.tables import build_export

    before = _sql_disbursed(demo_db_copy, AS_OF)
    hook(PublishOnRead(demo_db_copy, _extra_payment_file(demo_db_copy, tmp_path, "X-2"), 6))
    bundle = build_export(Filters(as_of=AS_OF))
    summary_total = _baht(bundle.table("summary").frame.iloc[0]["disbursed"])
    rows_total = sum((_baht(value) for value in bundle.table("projects").frame["disbursed"]), Decimal(0))
    assert {summary_total, rows_total} == {before, before + EXTRA_BAHT}


def test_cli_export_reads_one_state(demo_db_copy, tmp_path, hook):
    import openpyxl
    from typer.testing import CliRunner

    from etl.cli import app

    before = _sql_disbursed(demo_db_copy, AS_OF)
    publisher = hook(PublishOnRead(demo_db_copy, _extra_payment_file(demo_db_copy, tmp_path, "X-3"), 6))
    out = tmp_path / "out"
    result = CliRunner().invoke(
        app, ["--db", str(demo_db_copy), "export", "--as-of", "2019-09-13", "--format", "xlsx", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert publisher.published
    workbook = openpyxl.load_workbook(next(out.glob("*.xlsx")), read_only=True)
    summary = list(workbook["สรุป"].iter_rows(values_only=True))
    projects = list(workbook["โครงการ"].iter_rows(values_only=True))
    # the header row sits below the title rows: find it by its first heading
    summary_head = next(n for n, row in enumerate(summary) if row[0] == "ระดับ")
    projects_head = next(n for n, row in enumerate(projects) if row[0] == "รหัสโครงการ")
    disbursed_col = summary[summary_head].index(
        next(h for h in summary[summary_head] if h and h.startswith("เบิกจ่ายแล้ว"))
    )
    project_col = projects[projects_head].index(
        next(h for h in projects[projects_head] if h and h.startswith("เบิกจ่ายแล้ว"))
    )
    summary_total = _baht(summary[summary_head + 1][disbursed_col])
    rows_total = sum(
        (_baht(row[project_col]) for row in projects[projects_head + 1 :] if row[project_col] is not None), Decimal(0)
    )
    assert summary_total == rows_total == before


def test_a_new_read_sees_a_new_file_while_another_session_holds_the_old_one(demo_db_copy, tmp_path):
    """DuckDB caches one instance per path in a process: a plain connect would return the
    old file here. Every read must open the file the path names now."""
    before = _sql_disbursed(demo_db_copy, AS_OF)
    extra = _extra_payment_file(demo_db_copy, tmp_path, "X-4")
    seen: dict[str, object] = {}
    query = """SELECT sum(d.amount) FROM disbursements d JOIN projects p USING (project_code)
               WHERE p.fiscal_year = 2562 AND d.source = 'current' AND d.posting_date <= ?"""

    def other_session() -> None:  # another Streamlit session: its own thread, not pinned
        with read_only() as con:
            seen["sum"] = con.execute(query, [AS_OF]).fetchone()[0]
        seen["version"] = data_version()

    with pinned_read() as old_version:
        load_files([extra], db_path=demo_db_copy)
        thread = threading.Thread(target=other_session)
        thread.start()
        thread.join()
        with read_only() as con:  # this session still reads its pinned file
            assert con.execute(query, [AS_OF]).fetchone()[0] == before
        assert data_version() == old_version
    assert seen["sum"] == before + EXTRA_BAHT
    assert seen["version"] != old_version
    assert data_version() == seen["version"]


def _overview_metrics() -> dict[str, str]:
    app = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    app.query_params["as_of"] = AS_OF.isoformat()
    app.run()
    assert not app.exception, [item.value for item in app.exception]
    shown = app_figures(app)  # the overview's headline figures (HTML, tests/overview_figures.py)
    assert shown.get("disbursed")
    return shown


def test_a_page_render_reads_one_state(demo_db_copy, tmp_path, hook):
    import streamlit as st

    from ui.cache import forget_views

    st.cache_data.clear()
    forget_views()
    first = _overview_metrics()
    st.cache_data.clear()  # so the render below really reads the database again
    forget_views()  # (the first screen's HTML is shared by every session of a process, per file)
    publisher = hook(PublishOnRead(demo_db_copy, _extra_payment_file(demo_db_copy, tmp_path, "X-5"), 3))
    during = _overview_metrics()
    assert publisher.published and publisher.reads > 3
    assert during == first  # every card from the file the render started with
    connection.read_hook = None
    after = _overview_metrics()  # the next render shows the new file
    assert after != first
