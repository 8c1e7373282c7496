"""vocabulary.py: every code the read side (and the ETL behind it) can emit has a Thai and an
English word, and the dashboard and the Excel workbook show the same Thai word for a status.

The codes are gathered independently of vocabulary.py: from the read-side and ETL sources
(SQL CASE branches, the values a function appends, the enums the ETL accepts) and from what
the read side returns on the demo database at several dates.
"""

from __future__ import annotations

import inspect
import re
from datetime import date

import duckdb
import pytest

import vocabulary
from budget_metrics import Filters
from tests.conftest import ROOT

AS_OF = date(2019, 5, 31)
DATES = (date(2019, 1, 4), date(2019, 5, 31), date(2019, 9, 13), date(2020, 3, 31))


def _literals(pattern: str, source: str) -> set[str]:
    found = set(re.findall(pattern, source))
    assert found, f"pattern {pattern!r} found nothing: the source changed, update this test"
    return found


def _has_words(words: dict, codes, what: str) -> None:
    for code in codes:
        assert code in words, f"{what}: code {code!r} has no words in vocabulary.py"
        thai, english = words[code]
        assert thai.strip() and english.strip(), f"{what}: {code!r} has an empty word"
        assert re.search("[\u0e00-\u0e7f]", thai), f"{what}: the Thai word of {code!r} is not Thai: {thai!r}"
        assert not re.search("[\u0e00-\u0e7f]", english), f"{what}: the English word of {code!r} has Thai"


def test_statuses_and_flags_have_words(demo_db):
    from budget_metrics import progress, targets
    from budget_metrics.lagging import project_flags

    emitted = _literals(r'return "(\w+)"', inspect.getsource(targets.gap_status))
    assert emitted == {"on_track", "near_target", "watch", "behind", "no_data"}
    emitted |= _literals(r'return "(\w+)"', inspect.getsource(targets.line_status))  # a year without targets
    assert "no_target" in emitted
    for day in DATES[:3]:
        table = progress.area_progress(Filters(as_of=day), "province")
        emitted |= set(table["status"].dropna()) | set(table["investment_status"].dropna())
    _has_words(vocabulary.STATUSES, emitted, "status")

    frame = project_flags(Filters(as_of=AS_OF))
    flags = {column.removeprefix("flag_") for column in frame.columns if column.startswith("flag_")}
    assert len(flags) == 5  # issue 15: no_contract (still unsigned) and late_contract (signed late) apart
    assert {code for codes in frame["flags"] for code in codes} <= flags
    _has_words(vocabulary.FLAGS, flags, "lagging flag")
    _has_words(vocabulary.LINE_LABELS, targets.LINES, "target line")


def test_project_codes_have_words(demo_db):
    from etl.kinds import ENUMS, KINDS

    con = duckdb.connect(str(demo_db), read_only=True)
    try:
        budget_types = {row[0] for row in con.execute("SELECT DISTINCT budget_type FROM projects").fetchall()}
        owner_types = {row[0] for row in con.execute("SELECT DISTINCT owner_type FROM projects").fetchall()}
        regions_used = {row[0] for row in con.execute("SELECT DISTINCT region FROM provinces").fetchall()}
        load_kinds = {
            row[0] for row in con.execute("SELECT DISTINCT kind FROM loads WHERE kind IS NOT NULL").fetchall()
        }
        load_statuses = {row[0] for row in con.execute("SELECT DISTINCT status FROM loads").fetchall()}
        region_names = con.execute("SELECT region, name_th, name_en FROM regions").fetchall()
    finally:
        con.close()
    _has_words(vocabulary.BUDGET_TYPES, set(ENUMS["budget_type"]) | budget_types, "budget type")
    _has_words(vocabulary.PLAN_TYPES, owner_types | {"all"}, "plan type")
    _has_words(vocabulary.OWNER_TYPES, owner_types, "owner type")
    assert owner_types == {"province", "cluster"}
    # the record kinds users load: every kind the ETL knows, and what the demo's loads record
    _has_words(vocabulary.RECORD_KINDS, set(KINDS) | load_kinds, "record kind")
    assert load_kinds == set(KINDS)  # the demo loads one file of each kind at least
    # regions are reference data: every region a province lies in has both names there
    names = {region: (thai, english) for region, thai, english in region_names}
    assert regions_used <= set(names) and len(names) == 6
    _has_words(names, regions_used, "region (reference data)")
    # load statuses: the ones etl/load.py documents and sets, and the ones the demo recorded
    from etl import load

    documented = _literals(r"status: str  # ([\w| ]+)", inspect.getsource(load.LoadResult))
    statuses = {part.strip() for text in documented for part in text.split("|")}
    _has_words(vocabulary.LOAD_STATUSES, statuses | load_statuses, "load status")


def test_carryover_asset_reallocation_and_quality_codes_have_words(demo_db):
    from budget_metrics import assets, carryover, quality, reallocations
    from etl.kinds import ENUMS
    from etl.validate import REASONS

    risks = _literals(r"THEN '(\w+)'", inspect.getsource(carryover._carryover_sql))
    for day in DATES:
        risks |= set(carryover.carryover_projects(Filters(as_of=day))["risk"].dropna())
    assert risks == {"past_deadline", "deadline_near"}
    _has_words(vocabulary.CARRYOVER_RISKS, risks, "carry-over risk")
    _has_words(vocabulary.COMMITMENT, [True, False], "commitment")

    states = _literals(r"THEN '(\w+)'", inspect.getsource(assets._assets_sql)) | set(ENUMS["status"])
    for day in DATES:
        states |= set(assets.asset_list(Filters(as_of=day))["status"])
    _has_words(vocabulary.ASSET_STATUSES, states, "asset-transfer state")
    assert vocabulary.ASSET_OVERDUE[True][0] and vocabulary.ASSET_OVERDUE[True][1]

    _has_words(vocabulary.REALLOCATION_KINDS, set(ENUMS["kind"]), "reallocation kind")
    _has_words(
        vocabulary.FLOW_NODES, {reallocations.NEW_MONEY, reallocations.RETURNED, reallocations.UNKNOWN}, "flow node"
    )
    _has_words(vocabulary.RECONCILIATION, {"balances", "mismatch", "unknown"}, "reconciliation check")

    freshness = _literals(r'statuses\.append\("(\w+)"\)', inspect.getsource(quality.data_freshness))
    _has_words(vocabulary.FRESHNESS, freshness, "data freshness")
    checks = _literals(r'rows\.append\(\("(\w+)"', inspect.getsource(quality.reconciliation_warnings))
    _has_words(vocabulary.CHECKS, checks, "reconciliation warning")
    # Reject reasons: the ETL stores its words with each rejected row; the page shows the
    # vocabulary's. Until etl/validate.py takes its words from vocabulary.py, they must agree.
    _has_words(vocabulary.REJECT_REASONS, set(REASONS), "reject reason")
    assert vocabulary.REJECT_REASONS == REASONS


def test_read_side_words_come_from_the_vocabulary(demo_db):
    """The words the read side writes next to its codes are the vocabulary's, not its own."""
    from budget_metrics import assets, carryover, quality, reallocations

    frame = assets.asset_list(Filters(as_of=AS_OF))
    assert all(
        vocabulary.ASSET_STATUSES[code] == (th, en)
        for code, th, en in zip(frame["status"], frame["status_th"], frame["status_en"], strict=True)
    )
    carry = carryover.carryover_projects(Filters(as_of=date(2020, 3, 31)))
    risky = carry[carry["at_risk"]]
    assert len(risky) and all(
        vocabulary.CARRYOVER_RISKS[code][0] == th for code, th in zip(risky["risk"], risky["risk_th"], strict=True)
    )
    moves = reallocations.ledger(Filters(as_of=AS_OF))
    assert set(zip(moves["kind"], moves["kind_th"], strict=True)) <= {
        (code, th) for code, (th, _) in vocabulary.REALLOCATION_KINDS.items()
    }
    log = quality.load_log()
    assert all(
        vocabulary.LOAD_STATUSES[code][1] == en for code, en in zip(log["status"], log["status_en"], strict=True)
    )


def test_word_helpers():
    assert vocabulary.word(vocabulary.STATUSES, "behind", "th") == vocabulary.STATUSES["behind"][0]
    assert vocabulary.word(vocabulary.STATUSES, "behind", "en") == "Behind"
    assert vocabulary.word(vocabulary.STATUSES, "new_code", "th") == "new_code"
    assert vocabulary.word(vocabulary.STATUSES, "new_code", "th", missing="-") == "-"
    assert vocabulary.words_in(vocabulary.COMMITMENT, [True, None, False, float("nan")], "en") == [
        "With commitment",
        "",
        "Without commitment",
        "",
    ]


def _sheet_column(sheet, header: str) -> list:
    for row in sheet.iter_rows(min_row=1, max_row=8):
        for cell in row:
            if cell.value == header:
                return [sheet.cell(row=r, column=cell.column).value for r in range(cell.row + 1, sheet.max_row + 1)]
    raise AssertionError(f"no column {header!r} in sheet {sheet.title}")


def test_dashboard_and_workbook_show_the_same_status_words(demo_db, national_exports):
    """The overview's cluster table and the workbook's cluster sheet name each cluster's status
    by both lines with the same Thai word (before: 'ล่าช้า' in the workbook, 'ล่าช้ากว่าเป้าหมาย'
    on the dashboard)."""
    from streamlit.testing.v1 import AppTest

    from budget_metrics import reference

    # export_files(Filters(as_of=AS_OF), "xlsx", ...) opened with openpyxl: the session's (tests/conftest.py)
    sheet = national_exports(AS_OF).workbook["กลุ่มจังหวัด"]
    names = _sheet_column(sheet, "กลุ่มจังหวัด")
    workbook = {
        line: dict(zip(names, _sheet_column(sheet, f"{thai}: สถานะ"), strict=True))
        for line, thai in (("overall", "ภาพรวม"), ("investment", "งบลงทุน"))
    }

    app = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    app.query_params["as_of"] = AS_OF.isoformat()
    app.session_state["overview_view.th.False"] = "กลุ่มจังหวัด"  # the overview's cluster tab open
    app.run()
    assert not app.exception
    table = next(
        frame.value for frame in app.dataframe if hasattr(frame.value, "columns") and "กลุ่มจังหวัด" in frame.value.columns
    )
    table = getattr(table, "data", table)  # a pandas Styler shows its frame
    status_columns = [column for column in table.columns if column.startswith("สถานะ")]
    assert len(status_columns) == 2  # the overall line's, then the investment line's
    cluster_names = reference.clusters()["name_th"]
    assert len(table) == len(cluster_names) == 18
    compared = 0
    for _, row in table.iterrows():
        full_name = "กลุ่มจังหวัด" + row["กลุ่มจังหวัด"]  # the dashboard drops the common prefix
        for line, column in zip(("overall", "investment"), status_columns, strict=True):
            assert row[column] == workbook[line][full_name], (full_name, line)
            compared += 1
    assert compared == 36
    shown = {row[column] for _, row in table.iterrows() for column in status_columns}
    thai_words = {thai for thai, _ in vocabulary.STATUSES.values()}
    assert shown <= thai_words and len(shown) >= 2  # two statuses at least, so a mix-up would show


@pytest.mark.parametrize("lang", ["th", "en"])
def test_pages_use_the_vocabulary_words_for_budget_types(demo_db, lang):
    """The area page's split by budget type is labelled with the vocabulary's words."""
    from streamlit.testing.v1 import AppTest

    app = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    app.query_params.update({"as_of": AS_OF.isoformat(), "lang": lang, "area": "province:50"})
    app.run()
    app.session_state[f"area_view.{lang}.province.False"] = "รายการโครงการ" if lang == "th" else "Projects"
    app.switch_page("pages/area.py").run()  # the project grid's tab open
    assert not app.exception
    words = {pair[0 if lang == "th" else 1] for pair in vocabulary.BUDGET_TYPES.values()}
    grid = next(
        frame.value
        for frame in app.dataframe
        if "สถานะ" in str(frame.value.columns) or "Status" in str(frame.value.columns)
    )
    grid = getattr(grid, "data", grid)
    budget_header = "ประเภทงบ" if lang == "th" else "Budget type"
    assert set(grid[budget_header]) <= words and len(set(grid[budget_header])) >= 2
