"""No live formulas in anything we write: CLI exports and every dashboard download.

Text from input files (project names, agencies, codes, reasons) is loaded through the
real ETL with formula payloads, then every CSV and XLSX the project produces is opened
back with the csv module and openpyxl: no formula cell, no text cell starting with a
trigger character (= + - @ tab CR), while money and percentages stay numbers.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from datetime import date
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from etl.load import load_files
from exports.cells import FORMULA_TRIGGERS, safe_frame, safe_text
from tests.etl_fixtures import PROJECT_HEADERS, write_csv

AS_OF = date(2019, 9, 13)
PAYLOADS = [
    '=HYPERLINK("http://example.invalid/x","คลิก")',
    "=cmd|' /C calc'!A0",
    "+1+1",
    "-2+3",
    "@SUM(1,2)",
    "=1+1",
]


NUMBER = re.compile(r"-?\d+(\.\d+)?")  # a CSV number such as "-4.6043" is data, not a formula


def _unsafe(text: object) -> bool:
    return isinstance(text, str) and text != "-" and text.startswith(FORMULA_TRIGGERS) and not NUMBER.fullmatch(text)


@pytest.fixture()
def payload_db(demo_db_copy, tmp_path) -> Path:
    """The demo data plus investment projects (no contract: flagged as lagging in Sep)
    whose code, name and agency carry formula payloads."""
    rows = [
        [f"INJ-{n}", "2562", "จังหวัดกาฬสินธุ์", payload, "งบลงทุน", payload, "1,000,000.00", ""]
        for n, payload in enumerate(PAYLOADS)
    ]
    rows.append(["=2+2", "2562", "กาฬสินธุ์", "ถนน @ตำบล", "งบลงทุน", "@agency", "500,000.00", ""])
    path = write_csv(tmp_path / "payload_projects.csv", [PROJECT_HEADERS, *rows])
    results = load_files([path], db_path=demo_db_copy)
    assert [r.status for r in results] == ["loaded"], results
    return demo_db_copy


def _assert_clean_workbook(data: bytes | Path | openpyxl.Workbook) -> int:
    """No formula cell, no unsafe text; returns how many numeric cells there are."""
    if isinstance(data, openpyxl.Workbook):
        workbook = data  # opened by the caller, not read-only
    else:
        source = io.BytesIO(data) if isinstance(data, bytes) else data
        workbook = openpyxl.load_workbook(source)  # not read-only: data_type 'f' marks formulas
    numbers = 0
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                assert not _unsafe(cell.value), (sheet.title, cell.coordinate, cell.value)
                numbers += isinstance(cell.value, int | float)
    return numbers


def _assert_clean_csv(text: str) -> None:
    for row in csv.reader(io.StringIO(text)):
        for cell in row:
            assert not _unsafe(cell), cell


def test_the_rule():
    for payload in PAYLOADS:
        assert safe_text(payload) == "'" + payload
    assert safe_text("\tx") == "'\tx" and safe_text("\rx") == "'\rx"
    assert safe_text("ถนน") == "ถนน" and safe_text("-") == "-" and safe_text("a=b") == "a=b"
    frame = safe_frame(pd.DataFrame({"=name": ["=x", "ok"], "amount": [-5.0, 1.0]}))
    assert list(frame.columns) == ["'=name", "amount"]
    assert frame["'=name"].tolist() == ["'=x", "ok"]
    assert frame["amount"].tolist() == [-5.0, 1.0]  # numbers, even negative ones, untouched


def test_cli_exports_have_no_formulas(payload_db, tmp_path):
    from typer.testing import CliRunner

    from etl.cli import app

    out = tmp_path / "out"
    result = CliRunner().invoke(
        app,
        [
            "--db",
            str(payload_db),
            "export",
            "--as-of",
            AS_OF.isoformat(),
            "--format",
            "xlsx",
            "--format",
            "csv",
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    workbook = openpyxl.load_workbook(next(out.glob("*.xlsx")))  # opened once for both checks
    assert _assert_clean_workbook(workbook) > 1000  # money stayed numeric
    texts = {
        cell
        for sheet in workbook.worksheets
        for row in sheet.iter_rows(values_only=True)
        for cell in row
        if isinstance(cell, str)
    }
    for payload in PAYLOADS:
        assert "'" + payload in texts  # the payload is there, shown as text
    csv_files = sorted(out.glob("*.csv"))
    assert csv_files
    projects_csv = next(p for p in csv_files if p.name.endswith("-projects.csv"))
    for path in csv_files:
        _assert_clean_csv(path.read_text(encoding="utf-8-sig"))
    rows = list(csv.DictReader(io.StringIO(projects_csv.read_text(encoding="utf-8-sig"))))
    injected = {
        row["project_code"]: row for row in rows if "INJ" in row["project_code"] or "2+2" in row["project_code"]
    }
    assert injected["'=2+2"]["project_name"] == "ถนน @ตำบล"
    assert injected["INJ-0"]["project_name"] == "'" + PAYLOADS[0]
    assert float(injected["INJ-0"]["allocated_amount"]) == 1_000_000.00


def test_dashboard_downloads_have_no_formulas(payload_db):
    """The lagging page's CSV/Excel buttons and the weekly page's export downloads."""
    from budget_metrics.filters import Filters
    from budget_metrics.lagging import lagging_projects
    from exports.export import download_for
    from ui.downloads import _plain_for_export, csv_bytes, excel_bytes

    lagging = _plain_for_export(lagging_projects(Filters(as_of=AS_OF)))
    assert lagging["project_code"].str.startswith("INJ").sum() == len(PAYLOADS)
    _assert_clean_csv(csv_bytes(lagging).decode("utf-8-sig"))
    assert _assert_clean_workbook(excel_bytes(lagging)) > 0
    filters = Filters(as_of=AS_OF, province="46")
    _assert_clean_workbook(download_for(filters, "xlsx"))
    with zipfile.ZipFile(io.BytesIO(download_for(filters, "csv"))) as archive:
        for name in archive.namelist():
            _assert_clean_csv(archive.read(name).decode("utf-8-sig"))
