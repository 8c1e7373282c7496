"""Same day last year (budget_metrics.year_on_year) on the three-year demo store, against plain SQL
over the raw tables and targets by hand from data/reference/targets.csv (tests/year_on_year_sql.py)."""

from __future__ import annotations

import math
from datetime import date

import pytest

from budget_metrics import year_on_year
from budget_metrics.filters import Filters
from tests.year_on_year_sql import hand_target, same_day_a_year_before, sql_rates

FRIDAY_2563 = date(2020, 3, 27)  # a Friday of the demo's year in progress
CLOSE = {"abs": 1e-9}


@pytest.fixture()
def years_store(demo_years_db, monkeypatch):
    monkeypatch.setenv("BUDGET_DB", str(demo_years_db))
    return demo_years_db


def test_the_nation_against_the_same_day_of_the_previous_year(years_store):
    filters = Filters(fiscal_year=2563, as_of=FRIDAY_2563)
    found = year_on_year.last_year(filters)
    assert found.fiscal_year == 2562 and found.as_of == date(2019, 3, 27) and found.has_targets
    then = sql_rates(years_store, 2562, date(2019, 3, 27))[None]
    now = sql_rates(years_store, 2563, FRIDAY_2563)[None]
    for line in ("overall", "investment"):
        old = found.line(line)
        assert old.pct == pytest.approx(then[line], **CLOSE)
        assert old.target_pct == pytest.approx(hand_target(2562, line, date(2019, 3, 27)), **CLOSE)
        change = year_on_year.change_points(now[line], old.pct)
        assert change == pytest.approx(now[line] - then[line], **CLOSE)
    # 27 Mar in Q2: 32 + 2 steps of (54-32)/3 + 27/31 of the third (overall)
    assert found.line("overall").target_pct == pytest.approx(32 + 2 * 22 / 3 + 27 / 31 * 22 / 3)
    # the demo's years differ: the comparison is not a copy of this year's rate
    assert abs(now["overall"] - then["overall"]) > 0.01


def test_a_previous_year_without_targets_still_compares_rates(years_store):
    found = year_on_year.last_year(Filters(fiscal_year=2562, as_of=date(2019, 6, 28)))
    assert found.fiscal_year == 2561 and found.as_of == date(2018, 6, 28)
    assert not found.has_targets  # FY2561 has no rows in targets.csv
    then = sql_rates(years_store, 2561, date(2018, 6, 28))[None]
    assert found.line("overall").pct == pytest.approx(then["overall"], **CLOSE)
    assert found.line("overall").target_pct is None and found.line("investment").target_pct is None
    # a rate with no target to judge it by: 'no target', not 'no data' (the line has data)
    assert found.line("overall").status == "no_target"


def test_the_first_loaded_year_has_nothing_to_compare(years_store):
    assert year_on_year.last_year(Filters(fiscal_year=2561, as_of=date(2018, 6, 29))) is None
    areas = year_on_year.area_year_on_year(Filters(fiscal_year=2561, as_of=date(2018, 6, 29)))
    assert len(areas) == 76 and areas["overall_last_year_pct"].isna().all()
    assert areas["overall_year_change_points"].isna().all() and areas["last_year"].isna().all()


@pytest.mark.parametrize("budget_type", [None, "investment"])
def test_every_province_against_the_same_day_of_the_previous_year(years_store, budget_type):
    day = date(2020, 3, 31)
    areas = year_on_year.area_year_on_year(Filters(fiscal_year=2563, as_of=day, budget_type=budget_type))
    assert len(areas) == 76
    assert set(areas["last_year"]) == {2562} and set(areas["last_year_as_of"]) == {date(2019, 3, 31)}
    now = sql_rates(years_store, 2563, day, "province", budget_type)
    then = sql_rates(years_store, 2562, date(2019, 3, 31), "province", budget_type)
    line = budget_type or "overall"
    compared = 0
    for row in areas.to_dict("records"):
        code = row["code"]
        expected_now = now.get(code, {}).get("overall")
        expected_then = then.get(code, {}).get("overall")
        if expected_then is None:
            assert math.isnan(row[f"{line}_last_year_pct"])
        else:
            assert row[f"{line}_last_year_pct"] == pytest.approx(expected_then, **CLOSE), code
        if expected_now is not None and expected_then is not None:
            assert row[f"{line}_year_change_points"] == pytest.approx(expected_now - expected_then, **CLOSE), code
            compared += 1
        assert row[f"{line}_last_year_target_pct"] == pytest.approx(hand_target(2562, line, date(2019, 3, 31)))
    assert compared >= 70
    if budget_type is None:  # both lines, the investment one against its own target then
        for row in areas.to_dict("records"):
            expected = then.get(row["code"], {}).get("investment")
            if expected is not None:
                assert row["investment_last_year_pct"] == pytest.approx(expected, **CLOSE)
        assert areas["investment_last_year_target_pct"].tolist() == [pytest.approx(45.0)] * 76  # Q2 end
    else:  # the overall line is not this selection's line
        assert "overall_year_change_points" not in areas or areas["overall_year_change_points"].isna().all()
    # rankable by the change: some provinces did better than last year and some worse
    changes = areas[f"{line}_year_change_points"].dropna()
    assert (changes > 0).any() and (changes < 0).any()


def test_the_default_date_is_the_latest_data_of_the_year(years_store):
    found = year_on_year.last_year(Filters(fiscal_year=2563))
    assert found.as_of == date(2019, 3, 31)  # the demo's FY2563 stops on 31 Mar 2020


def test_29_february_compares_with_28_february(years_store):
    assert same_day_a_year_before(date(2020, 2, 29)) == date(2019, 2, 28)
    earlier = year_on_year.last_year_filters(Filters(fiscal_year=2563, as_of=date(2020, 2, 29), province="50"))
    assert earlier == Filters(fiscal_year=2562, as_of=date(2019, 2, 28), province="50")


def test_the_earlier_years_carry_over_in_the_next_years_view_never_in_its_rate(years_store):
    import duckdb

    from budget_metrics import carryover, progress

    day = date(2020, 3, 31)
    found = carryover.earlier_year_carryover(Filters(fiscal_year=2563, as_of=day))
    assert found is not None and found[0] == 2562
    totals = found[1]
    con = duckdb.connect(str(years_store), read_only=True)
    try:
        carried, projects, paid, lapsed = con.execute(
            """WITH c AS (
                   SELECT c.project_code, c.amount, c.deadline,
                          coalesce((SELECT sum(d.amount) FROM disbursements d WHERE d.project_code = c.project_code
                                    AND d.source = 'carryover' AND d.posting_date <= $d), 0) AS paid
                   FROM carryovers c JOIN projects p USING (project_code)
                   WHERE p.fiscal_year = 2562 AND c.approved_date <= $d)
               SELECT sum(amount), count(*), sum(paid),
                      coalesce(sum(amount - paid) FILTER (WHERE deadline < $d AND amount > paid), 0) FROM c""",
            {"d": day},
        ).fetchone()
        paid_in_2563_months, current_2563 = con.execute(
            """SELECT sum(d.amount) FILTER (WHERE p.fiscal_year = 2562 AND d.source = 'carryover'
                                              AND d.posting_date BETWEEN DATE '2019-10-01' AND $d),
                      sum(d.amount) FILTER (WHERE p.fiscal_year = 2563 AND d.source = 'current'
                                              AND d.posting_date <= $d)
               FROM disbursements d JOIN projects p USING (project_code)""",
            {"d": day},
        ).fetchone()
    finally:
        con.close()
    assert (totals.carried, totals.projects, totals.paid) == (carried, projects, paid)
    assert totals.past_deadline_remaining == lapsed
    assert totals.paid == paid_in_2563_months > 0  # all of it paid in FY2563's months
    # FY2563's own execution holds only FY2563's current-year money
    assert progress.kpis(Filters(fiscal_year=2563, as_of=day)).disbursed == current_2563
    # and the first loaded year has no earlier year to carry from
    assert carryover.earlier_year_carryover(Filters(fiscal_year=2561, as_of=date(2018, 9, 28))) is None
