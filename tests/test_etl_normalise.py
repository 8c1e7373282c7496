"""Thai normalisation (etl.normalise): digits, amounts, BE/CE dates, owners, years, enums."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import duckdb
import pytest

from etl import normalise, reference
from etl.kinds import BOOL, DATE, ENUM, MONEY, OWNER, YEAR
from etl.store import ensure_schema


@pytest.fixture(scope="module")
def con():
    connection = duckdb.connect()
    ensure_schema(connection)
    reference.load_reference(connection)
    normalise.install(connection)
    yield connection
    connection.close()


SEP_13_2019 = dt.date(2019, 9, 13)
# Excel's day 0 is 1899-12-30 (the 1900 leap-year bug included).
EXCEL_SERIAL = (SEP_13_2019 - dt.date(1899, 12, 30)).days


@pytest.mark.parametrize(
    "text",
    [
        "2019-09-13",
        "2562-09-13",
        "2019-09-13 00:00:00",
        "13/09/2562",
        "13/9/2562",
        "13/09/2019",
        "13-09-2562",
        "13.09.2562",
        "13/09/62",
        "13 ก.ย. 62",
        "13 ก.ย. 2562",
        "13 ก.ย.62",
        "13 กันยายน 2562",
        "13 กันยายน 62",
        "13 ก.ย. พ.ศ. 2562",
        "๑๓/๐๙/๒๕๖๒",
        "๑๓ ก.ย. ๖๒",
        "13 Sep 2019",
        " 13/09/2562 ",
        str(EXCEL_SERIAL),
        f"{EXCEL_SERIAL}.25",
    ],
)
def test_dates_in_every_form(con, text):
    assert normalise.normalise_value(con, DATE, text) == SEP_13_2019


@pytest.mark.parametrize(
    "month,abbr,full",
    [
        (1, "ม.ค.", "มกราคม"),
        (2, "ก.พ.", "กุมภาพันธ์"),
        (3, "มี.ค.", "มีนาคม"),
        (4, "เม.ย.", "เมษายน"),
        (5, "พ.ค.", "พฤษภาคม"),
        (6, "มิ.ย.", "มิถุนายน"),
        (7, "ก.ค.", "กรกฎาคม"),
        (8, "ส.ค.", "สิงหาคม"),
        (9, "ก.ย.", "กันยายน"),
        (10, "ต.ค.", "ตุลาคม"),
        (11, "พ.ย.", "พฤศจิกายน"),
        (12, "ธ.ค.", "ธันวาคม"),
    ],
)
def test_every_thai_month(con, month, abbr, full):
    expected = dt.date(2019, month, 1)
    assert normalise.normalise_value(con, DATE, f"1 {abbr} 62") == expected
    assert normalise.normalise_value(con, DATE, f"1 {full} 2562") == expected


@pytest.mark.parametrize("text", ["31/02/2562", "ไม่ระบุ", "13/13/2562", "2562", "abc", "13 xyz 62"])
def test_bad_dates_are_none(con, text):
    assert normalise.normalise_value(con, DATE, text) is None


def test_blank_date_is_none(con):
    assert normalise.normalise_value(con, DATE, "  ") is None


@pytest.mark.parametrize(
    "text,expected",
    [
        ("1,234,567.50", "1234567.50"),
        ("1234567.5", "1234567.50"),
        ("๑,๒๓๔.๕๐", "1234.50"),
        ("-500", "-500.00"),
        ("(500.00)", "-500.00"),
        ("-", "0.00"),
        (" 42 ", "42.00"),
    ],
)
def test_amounts(con, text, expected):
    assert normalise.normalise_value(con, MONEY, text) == Decimal(expected)


@pytest.mark.parametrize("text", ["", "หนึ่งหมื่น", "12,3O0.00", "1.2.3"])
def test_bad_or_blank_amounts_are_none(con, text):
    assert normalise.normalise_value(con, MONEY, text) is None


def _reference(con, sql):
    return con.execute(sql).fetchone()


@pytest.mark.parametrize(
    "form",
    ["{th}", "จังหวัด{th}", "จังหวัด {th}", "จ.{th}", "จ. {th}", "จ {th}", "{code}", "{en}", "{en_upper}", "{en_lower}"],
)
def test_province_owner_forms(con, form):
    code, th, en = _reference(
        con, "SELECT province_code, name_th, name_en FROM provinces WHERE name_en = 'Chanthaburi'"
    )
    text = form.format(th=th, code=code, en=en, en_upper=en.upper(), en_lower=en.lower())
    assert normalise.normalise_value(con, OWNER, text) == code


@pytest.mark.parametrize("form", ["{th}", "{th_bare}", "กลุ่มจังหวัด {th_bare}", "{code}", "{code_lower}", "{en}"])
def test_cluster_owner_forms(con, form):
    code, th, en = _reference(con, "SELECT cluster_code, name_th, name_en FROM clusters WHERE cluster_code = 'C05'")
    th_bare = th.removeprefix("กลุ่มจังหวัด")
    text = form.format(th=th, th_bare=th_bare, code=code, code_lower=code.lower(), en=en)
    assert normalise.normalise_value(con, OWNER, text) == code


def test_every_reference_owner_resolves(con):
    provinces = con.execute("SELECT province_code, name_th, name_en FROM provinces").fetchall()
    for code, th, en in provinces:
        for text in (th, f"จังหวัด{th}", f"จ.{th}", en, code):
            assert normalise.normalise_value(con, OWNER, text) == code, text
    clusters = con.execute("SELECT cluster_code, name_th, name_en FROM clusters").fetchall()
    for code, th, en in clusters:
        for text in (th, en, code):
            assert normalise.normalise_value(con, OWNER, text) == code, text


def test_unknown_owner(con):
    assert normalise.normalise_value(con, OWNER, "กรุงเทพมหานคร") is None


@pytest.mark.parametrize(
    "text,expected", [("2562", 2562), ("๒๕๖๒", 2562), ("พ.ศ. 2562", 2562), ("2019", 2562), ("62", None), ("x", None)]
)
def test_fiscal_year(con, text, expected):
    assert normalise.normalise_value(con, YEAR, text) == expected


@pytest.mark.parametrize(
    "text,expected",
    [
        ("มี", True),
        ("ไม่มี", False),
        ("Yes", True),
        ("no", False),
        ("มีหนี้ผูกพัน", True),
        ("ไม่มีหนี้ผูกพัน", False),
        ("บางที", None),
    ],
)
def test_yes_no(con, text, expected):
    assert normalise.normalise_value(con, BOOL, text) == expected


@pytest.mark.parametrize(
    "column,text,expected",
    [
        ("budget_type", "งบลงทุน", "investment"),
        ("budget_type", "งบดำเนินงาน", "operating"),
        ("budget_type", "งบรายจ่ายอื่น", "other"),
        ("budget_type", "Investment", "investment"),
        ("source", "งบประมาณปีปัจจุบัน", "current"),
        ("source", "เงินกันเหลื่อมปี", "carryover"),
        ("source", "Carry-over", "carryover"),
        ("kind", "เงินเหลือจ่าย", "savings"),
        ("kind", "โอนเปลี่ยนแปลง", "change"),
        ("kind", "ส่งคืน", "return"),
        ("status", "รอโอน", "pending"),
        ("status", "ระหว่างดำเนินการ", "in_progress"),
        ("status", "โอนแล้ว", "transferred"),
        ("status", "in progress", "in_progress"),
        ("budget_type", "งบกลาง", None),
    ],
)
def test_enums(con, column, text, expected):
    assert normalise.normalise_value(con, ENUM, text, column) == expected


def test_every_enum_and_yes_no_spelling_reads_as_its_value(con):
    # Every spelling kinds.py lists (as written, in capitals, with '-' and '_' and spaces around),
    # and what is none of them: the value the spelling stands for, or None.
    from etl.kinds import BOOL_VALUES, ENUMS

    for column, values in ENUMS.items():
        for canonical, aliases in values.items():
            for spelling in (canonical, *aliases):
                for text in (spelling, spelling.upper(), f"  {spelling}  ", spelling.replace(" ", "_")):
                    assert normalise.normalise_value(con, ENUM, text, column) == canonical, (column, text)
        for text in (None, "", "  ", "งบกลาง", "x" + next(iter(values))):
            assert normalise.normalise_value(con, ENUM, text, column) is None, (column, text)
    for value, spellings in BOOL_VALUES.items():
        for spelling in spellings:
            assert normalise.normalise_value(con, BOOL, spelling) is value, spelling
    assert normalise.normalise_value(con, BOOL, None) is None


# What the loader's statements call on a staged column; etl_key (the key form) alone holds 16 regex
# calls, once each.
MACRO_CALLS = [
    "etl_text_fast(c)",
    "etl_code(c)",
    "etl_code_refused(c)",
    "etl_doc_no(c)",
    "etl_money_fast(c)",
    "etl_money_ambiguous(etl_clean(c))",
    "etl_date(etl_clean(c))",
    "etl_fiscal_year(etl_clean(c))",
    "etl_owner_key(etl_clean(c))",
    "etl_bool(etl_clean(c))",
    *(f"etl_enum_{column}(etl_clean(c))" for column in ("budget_type", "source", "kind", "status")),
]


@pytest.mark.parametrize("call", MACRO_CALLS)
def test_a_macro_binds_its_argument_once(call):
    # DuckDB expands a macro in place, once per use of its argument (and `CASE e WHEN a ... WHEN b`
    # as `e = a`, `e = b`): a key's 16 regex calls used in each of 20 WHENs made one enum column a
    # statement of hundreds of regex calls, each compiled when the statement was bound (tens of ms for
    # one row). The bound expression, before the optimiser merges the copies, shows every call.
    connection = duckdb.connect()
    try:
        for statement in normalise.macros():
            connection.execute(statement)
        connection.execute("CREATE TABLE t (c VARCHAR)")
        connection.execute("PRAGMA disable_optimizer")
        plan = "\n".join(row[1] for row in connection.execute(f"EXPLAIN SELECT {call} FROM t").fetchall())
    finally:
        connection.close()
    assert call.split("(")[0] not in plan  # expanded, not called
    assert plan.count("regexp_") <= 40, (call, plan.count("regexp_"))
