"""Thai dates everywhere: the format helpers (budget_metrics/formatting.py), the date axis of
every chart (ui/charts.py `date_axis`), and the carry-over curve behind the carry-over chart.

Expected texts are built here by hand: BE year = CE year + 543, month names typed out,
Fridays counted with the standard library.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

import duckdb
import plotly.graph_objects as go
import pytest

from budget_metrics import Filters
from budget_metrics.formatting import (
    format_date,
    format_datetime,
    format_month,
    month_ticks,
)

THAI_MONTHS = ["ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.", "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค."]
EN_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
ENGLISH_MONTH = re.compile(r"\b(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)")
CE_YEAR = re.compile(r"(?<!\d)(19|20)\d\d(?!\d)")


def _fridays(start: date, end: date) -> list[date]:
    days, day = [], start
    while day <= end:
        if day.isoweekday() == 5:
            days.append(day)
        day += timedelta(days=1)
    return days


def test_format_helpers_in_both_languages():
    day = date(2019, 9, 13)
    assert format_date(day, "th") == f"13 ก.ย. {2019 + 543}"
    assert format_date(day, "en") == "13 Sep 2019"
    assert format_month(date(2018, 10, 5), "th") == "ต.ค. 2561"
    assert format_month(date(2018, 10, 5), "th", "short") == "ต.ค. 61"
    assert format_month(date(2018, 10, 5), "en") == "Oct 2018"
    assert format_month(date(2019, 1, 4), "en", "none") == "Jan"
    assert format_datetime(datetime(2019, 9, 13, 14, 5, 33), "th") == f"13 ก.ย. {2019 + 543} 14:05"
    assert format_datetime("2020-02-29 08:00:00", "en") == "29 Feb 2020 08:00"
    assert format_datetime("2020-02-29 08:00:00", "th") == f"29 ก.พ. {2020 + 543} 08:00"
    assert format_datetime(None) == "-" and format_date(None) == "-"
    # the signatures the exports already use keep working
    assert format_date(day) == format_date(day, "th", False)
    assert format_date(day, long=True) == f"13 กันยายน {2019 + 543}"


def test_month_ticks_of_a_fiscal_year():
    """FY2562: Fridays from 5 Oct 2018 to 27 Sep 2019; one tick at the first Friday of each
    month, the year (short BE in Thai, CE in English) on the first tick and on January."""
    days = _fridays(date(2018, 10, 1), date(2019, 9, 30))
    firsts = {}
    for position, day in enumerate(days):
        firsts.setdefault((day.year, day.month), position)
    expected_th, expected_en = [], []
    for (year, month), position in firsts.items():
        with_year = position == 0 or month == 1
        short_be = f"{(year + 543) % 100:02d}"
        expected_th.append((position, f"{THAI_MONTHS[month - 1]} {short_be}" if with_year else THAI_MONTHS[month - 1]))
        expected_en.append((position, f"{EN_MONTHS[month - 1]} {year}" if with_year else EN_MONTHS[month - 1]))
    assert month_ticks(days, "th") == expected_th
    assert month_ticks(days, "en") == expected_en
    assert expected_th[0] == (0, "ต.ค. 61") and expected_th[3][1] == "ม.ค. 62" and len(expected_th) == 12


def _axis(fig: go.Figure) -> tuple[list, list, list]:
    axis = fig.layout.xaxis
    return list(axis.categoryarray), list(axis.tickvals), list(axis.ticktext)


@pytest.mark.parametrize("lang", ["th", "en"])
@pytest.mark.parametrize("as_of", [date(2019, 9, 13), date(2020, 3, 31)])
def test_progress_curve_axis_stays_in_the_fiscal_year(demo_db, lang, as_of):
    """The curve's axis holds the fiscal year's Fridays only (1 Oct 2018 - 30 Sep 2019), even
    when the as-of date lies in the carry-over period; its tick texts are Thai months with BE
    years in Thai and English months with CE years in English; the as-of line stays inside."""
    from budget_metrics import progress
    from ui.charts import progress_curve

    curve = progress.weekly_curve(Filters(as_of=as_of))
    fig = progress_curve(curve, as_of, lang)
    categories, tickvals, ticktext = _axis(fig)
    fridays = _fridays(date(2018, 10, 1), date(2019, 9, 30))
    assert categories == [format_date(day, lang) for day in fridays]
    assert fig.layout.xaxis.range == (-0.5, len(fridays) - 0.5)
    assert set(tickvals) <= set(categories) and len(ticktext) == 12
    text = " ".join(ticktext)
    if lang == "th":
        assert not ENGLISH_MONTH.search(text) and not CE_YEAR.search(text)
        assert "ต.ค. 61" in ticktext and "ม.ค. 62" in ticktext
    else:
        assert not re.search("[\u0e00-\u0e7f]", text) and not re.search(r"25\d\d", text)
        assert "Oct 2018" in ticktext and "Jan 2019" in ticktext
    # every trace is plotted on the axis's own categories
    assert all(list(trace.x) == categories for trace in fig.data)
    [marker] = [shape for shape in fig.layout.shapes if shape.type == "line"]
    expected = fridays.index(as_of) if as_of in fridays else len(fridays) - 1
    assert marker.x0 == pytest.approx(expected)


def test_date_position_between_points():
    from ui.charts import date_position

    days = [date(2019, 9, 6), date(2019, 9, 13), date(2019, 9, 20)]
    assert date_position(days, date(2019, 9, 13)) == 1
    assert date_position(days, date(2019, 9, 16)) == pytest.approx(1 + 3 / 7)
    assert date_position(days, date(2019, 1, 1)) == 0 and date_position(days, date(2020, 1, 1)) == 2


def test_carryover_curve_against_plain_sql(demo_db):
    """The carry-over chart's weekly figures equal plain sums; its weeks cover the carry-over
    period (from the fiscal year's end, or the first approval if earlier, to the last deadline)."""
    from budget_metrics.carryover import carryover_curve

    as_of = date(2019, 12, 13)
    curve = carryover_curve(Filters(as_of=as_of, province="50"))
    con = duckdb.connect(str(demo_db), read_only=True)
    try:
        first, last = con.execute(
            """SELECT min(c.approved_date), max(c.deadline) FROM carryovers c JOIN projects p USING (project_code)
               WHERE p.fiscal_year = 2562 AND p.owner = '50'"""
        ).fetchone()
        weeks = _fridays(min(first, date(2019, 9, 30)), max(last, date(2019, 9, 30)))
        assert list(curve["week_end"]) == weeks
        for row in curve.itertuples():
            if row.week_end > as_of:
                assert row.carried != row.carried and row.paid != row.paid  # NaN: not known yet
                continue
            carried, paid = con.execute(
                """SELECT (SELECT coalesce(sum(c.amount), 0) FROM carryovers c JOIN projects p USING (project_code)
                           WHERE p.fiscal_year = 2562 AND p.owner = '50' AND c.approved_date <= $d),
                          (SELECT coalesce(sum(d.amount), 0) FROM disbursements d JOIN projects p USING (project_code)
                           WHERE p.fiscal_year = 2562 AND p.owner = '50' AND d.source = 'carryover'
                             AND d.posting_date <= $d)""",
                {"d": row.week_end},
            ).fetchone()
            assert row.carried == pytest.approx(float(carried))
            assert row.paid == pytest.approx(float(paid))
            assert row.remaining == pytest.approx(float(carried - paid))
    finally:
        con.close()
    assert curve["paid"].max() > 0  # payments from the carry-over had started by 13 Dec 2019


@pytest.mark.parametrize("lang", ["th", "en"])
def test_a_curve_without_targets_names_no_target_line(demo_db, lang):
    """Both charts of the cumulative curve (the overview's curve and the area page's fan) draw a dotted
    target line per reported line when the year has cabinet targets, and none when the curve carries no
    target (a year without targets: the target columns are empty), so no legend names a target."""
    from budget_metrics import progress, projection
    from ui.charts import progress_curve, projection_fan

    as_of = date(2019, 5, 31)
    curve = progress.weekly_curve(Filters(as_of=as_of))
    paths = {"overall": projection.projection_path(Filters(as_of=as_of))}
    word = "เป้าหมาย" if lang == "th" else "target"
    no_targets = curve.assign(**{column: float("nan") for column in curve.columns if column.endswith("_target_pct")})
    for draw in (
        lambda frame: progress_curve(frame, as_of, lang),
        lambda frame: projection_fan(frame, paths, as_of, lang),
    ):
        with_targets = [trace.name for trace in draw(curve).data if trace.name and word in trace.name]
        assert len(with_targets) == 2  # the overall and the investment line's targets
        assert [trace.name for trace in draw(no_targets).data if trace.name and word in trace.name] == []
