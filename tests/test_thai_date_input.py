"""thai_date_input.py: the dates people type into forms (the follow-up form's expected payment date).

Every date, rendered here in every form a Thai official writes it (BE and CE, d/m/yyyy with any
separator, 2-digit BE years, Thai and English month names, Thai digits, ISO, Excel serials), reads
back to itself; the ETL's SQL reader (etl/normalise.py) reads the same texts to the same dates, so
a date typed into the dashboard and the same date in a loaded file agree. Expected values are the
dates drawn, never the parser's output; month names and weekdays are typed out here.
"""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from etl import normalise
from thai_date_input import (
    DateTextError,
    describe,
    format_day,
    parse_date_text,
    typed_form,
)

THAI = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")
BOUNDED = settings(
    max_examples=200, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
THAI_MONTHS = [
    "มกราคม",
    "กุมภาพันธ์",
    "มีนาคม",
    "เมษายน",
    "พฤษภาคม",
    "มิถุนายน",
    "กรกฎาคม",
    "สิงหาคม",
    "กันยายน",
    "ตุลาคม",
    "พฤศจิกายน",
    "ธันวาคม",
]
THAI_ABBR = ["ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.", "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค."]
EN_MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]

# 2-digit years are BE 25xx from 40, so a form with one is drawn only for 1997-2056 (BE 2540-2599).
days = st.dates(min_value=dt.date(1901, 1, 1), max_value=dt.date(2199, 12, 31))


@st.composite
def typed_dates(draw) -> tuple[dt.date, str]:
    """A date and one way a person types it."""
    day = draw(days)
    be, ce = day.year + 543, day.year
    d = draw(st.sampled_from([str(day.day), f"{day.day:02d}"]))
    m = draw(st.sampled_from([str(day.month), f"{day.month:02d}"]))
    sep = draw(st.sampled_from(["/", "-", ".", " / "]))
    forms = [
        f"{d}{sep}{m}{sep}{be}",  # 15/10/2562
        f"{d}{sep}{m}{sep}{ce}",  # 15/10/2019
        f"{ce:04d}-{m}-{d}",  # 2019-10-15
        f"{be}-{m}-{d}",  # 2562-10-15
        f"{d} {THAI_MONTHS[day.month - 1]} {be}",  # 15 ตุลาคม 2562
        f"{d} {THAI_ABBR[day.month - 1]} {be}",  # 15 ต.ค. 2562
        f"{d} {THAI_ABBR[day.month - 1]} พ.ศ. {be}",  # 15 ต.ค. พ.ศ. 2562
        f"{d}{THAI_ABBR[day.month - 1]}{be}",  # 15ต.ค.2562
        f"{d} {EN_MONTHS[day.month - 1]} {ce}",  # 15 October 2019
        f"{d} {EN_MONTHS[day.month - 1][:3]} {ce}",  # 15 Oct 2019
    ]
    serial = (day - dt.date(1899, 12, 30)).days
    if 10000 <= serial <= 99999:  # an Excel serial number has 5 digits (1927-2173)
        forms.append(str(serial))  # 43753
    if 2540 <= be <= 2599:
        forms += [
            f"{d}{sep}{m}{sep}{be % 100:02d}",  # 15/10/62
            f"{d} {THAI_ABBR[day.month - 1]} {be % 100:02d}",  # 15 ต.ค. 62
            f"{d} {THAI_MONTHS[day.month - 1]} {be % 100:02d}",
        ]
    text = draw(st.sampled_from(forms))
    if draw(st.booleans()):
        text = text.translate(THAI)
    pad = draw(st.sampled_from(["", " ", "\u00a0", "\t"]))
    return day, pad + text + pad


@pytest.fixture(scope="module")
def etl_sql():
    connection = duckdb.connect()
    for statement in normalise.macros():
        connection.execute(statement)
    yield connection
    connection.close()


@BOUNDED
@given(typed_dates())
def test_every_typed_form_reads_back_to_its_date(case):
    day, text = case
    assert parse_date_text(text) == day, repr(text)


@BOUNDED
@given(typed_dates())
def test_the_form_and_the_etl_read_a_date_alike(etl_sql, case):
    day, text = case
    assert etl_sql.execute("SELECT etl_date(etl_clean(?))", [text]).fetchone()[0] == day, repr(text)


@BOUNDED
@given(st.text(alphabet="0123456789๐๑๒๓๔๕๖๗๘๙/-. กขคงตยพศมีเ", max_size=14))
def test_any_text_is_a_date_or_a_clear_refusal(etl_sql, text):
    """Junk never raises anything but DateTextError, and never reads as a date the ETL would not."""
    try:
        read = parse_date_text(text)
    except DateTextError as error:
        assert error.message_th and error.message_en
        return
    if read is not None:
        assert etl_sql.execute("SELECT etl_date(etl_clean(?))", [text]).fetchone()[0] == read, repr(text)


def test_the_issue_example_and_its_neighbours():
    october_15 = dt.date(2019, 10, 15)
    for text in (
        "15/10/2562",
        "๑๕/๑๐/๒๕๖๒",
        "15/10/2019",
        "15-10-62",
        "15 ต.ค. 62",
        "15 ตุลาคม 2562",
        "15 ต.ค. พ.ศ. 2562",
        "2019-10-15",
        "2562-10-15",
        "15 Oct 2019",
        " 15/10/2562 ",
        "43753",
    ):
        assert parse_date_text(text) == october_15, text
    assert parse_date_text("") is None and parse_date_text("   ") is None and parse_date_text(None) is None


def test_refusals_say_why_in_thai_and_english():
    with pytest.raises(DateTextError) as unreadable:
        parse_date_text("next Friday")
    assert "อ่านวันที่ 'next Friday' ไม่ได้" in unreadable.value.message_th
    assert "15/10/2562" in unreadable.value.message_th and "cannot read the date" in unreadable.value.message_en

    with pytest.raises(DateTextError) as no_such_day:
        parse_date_text("31/02/2562")  # February has no 31st
    assert "ไม่มีวันที่ '31/02/2562'" in no_such_day.value.message_th
    assert "no such day" in no_such_day.value.message_en and no_such_day.value.day is None

    with pytest.raises(DateTextError):
        parse_date_text("15 ตุลา 2562")  # not a month name or abbreviation the ETL reads

    # 2-digit years from 40 are BE: "15/10/41" is 15 Oct 2541 = 1998, refused by the range with the date it read
    earliest, latest = dt.date(2018, 10, 1), dt.date(2021, 9, 30)
    with pytest.raises(DateTextError) as outside:
        parse_date_text("15/10/41", earliest, latest)
    assert outside.value.day == dt.date(1998, 10, 15)
    assert "15 ต.ค. 2541" in outside.value.message_th and "1 ต.ค. 2561 ถึง 30 ก.ย. 2564" in outside.value.message_th
    assert "15 Oct 1998" in outside.value.message_en and "1 Oct 2018 to 30 Sep 2021" in outside.value.message_en
    assert parse_date_text("1/10/2561", earliest, latest) == earliest  # both ends included
    assert parse_date_text("30/9/2564", earliest, latest) == latest


def test_echo_and_typed_form():
    day = dt.date(2019, 10, 15)  # a Tuesday
    assert describe(day, "th") == "วันอังคารที่ 15 ตุลาคม พ.ศ. 2562 (ค.ศ. 2019)"
    assert describe(day, "en") == "Tuesday 15 October 2019 (BE 2562)"
    assert format_day(day, "th") == "15 ต.ค. 2562" and format_day(day, "en") == "15 Oct 2019"
    assert typed_form(day) == "15/10/2562" and parse_date_text(typed_form(day)) == day


@pytest.mark.parametrize("text", ["1/1/39", "15/11/18", "15 ต.ค. 00", "๑/๑/๓๙"])
def test_a_two_digit_year_below_40_is_refused_by_the_form_and_the_etl(etl_sql, text):
    """'18' could be CE 2018 or BE 2518 (1975): neither reading is taken. The form says to type the full year;
    the ETL reads no date (the row is rejected bad_date)."""
    with pytest.raises(DateTextError) as refused:
        parse_date_text(text)
    assert "4 หลัก" in refused.value.message_th and "full year" in refused.value.message_en
    assert etl_sql.execute("SELECT etl_date(etl_clean(?))", [text]).fetchone()[0] is None


def test_a_two_digit_year_from_40_is_be():
    assert parse_date_text("1/1/40") == dt.date(1997, 1, 1)  # BE 2540
    assert parse_date_text("15/10/62") == dt.date(2019, 10, 15)  # BE 2562
