"""Round 24 of issue 17 (docs/projection.md, "Round 24 of issue 17"): round 23's pair over a wider ramp — the chance
that an unsigned investment project signs by 30 Sep is (1 - f) x the year's own reading + f x the signing table's
cell, f = 1 - n / 50 (n = the investment contracts the year has signed by the as-of date), and from 50 contracts on
the year's own reading alone (tests/test_projection_round23.py). A tiny year loaded through the real ETL; the table's
cell is read off by hand."""

from __future__ import annotations

import re
from datetime import date

import pytest

from budget_metrics.projection import caveat_kind
from tests.projection_fixtures import investment_year, projection_setting, unsigned_chance

AS_OF = date(2018, 12, 31)  # 273 days to 30 Sep 2019: the table's row from 210 days


def test_a_year_with_ten_contracts_takes_a_chance_between_its_own_reading_and_the_tables(tmp_path, monkeypatch):
    """10 of 100 investment projects signed on 1 Nov: 10% of the investment allocation signed (the table's column up
    to 15%), so the cell is 0.92; the pair's weight is 1 - 10 / 50 = 0.8; the year's own reading is the chance with
    the pair off. Before round 24 (the pair off from the first contract) the chance was the year's own reading."""
    investment_year(tmp_path, monkeypatch, signed=10)
    with projection_setting(monkeypatch, "PAIR_FIRST_CONTRACTS", 0.0):
        own = unsigned_chance(AS_OF)
    assert own < 0.8  # the year's own reading is well below the table's (0.60 here)
    assert unsigned_chance(AS_OF) == pytest.approx(0.2 * own + 0.8 * 0.92, abs=1e-9)
    assert caveat_kind(2562, AS_OF) == "past_years"  # the pages say the projection leans on past years


def test_the_caveat_words_name_the_number_of_contracts_the_model_uses():
    """The past-years caveat's words (the pages' short and long lines, the workbook's about row and its label) say
    'fewer than N contracts' with the model's own N (PAIR_FIRST_CONTRACTS), so a changed setting cannot leave them
    naming another condition (the about row's label said 'no investment contract yet' after round 24)."""
    from budget_metrics import projection as P
    from exports.tables import PROJECTION_ABOUT
    from vocabulary import PROJECTION_PAST_YEARS_CAVEAT, PROJECTION_PAST_YEARS_SHORT

    number = f"{P.PAIR_FIRST_CONTRACTS:g}"
    [(label, _)] = [row for row in PROJECTION_ABOUT if PROJECTION_PAST_YEARS_CAVEAT[0] in row[1]]
    for words in (*PROJECTION_PAST_YEARS_CAVEAT, *PROJECTION_PAST_YEARS_SHORT, *label.split(" / ")):
        assert re.search(rf"(?<![\d.,]){number}(?![\d.,])", words), words
