"""Round 23 of issue 17 (docs/projection.md, "Round 23 of issue 17"): before the year's first investment contract
the signing chance of an unsigned investment project by 30 Sep is the fixed signing table's cell (and what it pays
after signing follows the fixed curve); from the first contract on the projection is the year's own reading, as
before. Tiny years loaded through the real ETL; the expected chance is read off the table by hand."""

from __future__ import annotations

from datetime import date

import pytest

from budget_metrics import Filters
from budget_metrics import projection as P
from budget_metrics.projection import model_rates, project_projection
from tests.projection_fixtures import investment_year, projection_setting, unsigned_chance

AS_OF = date(2018, 12, 31)  # day 91 of FY2562; 30 Sep 2019 is day 364: 273 days left


def test_a_year_that_has_signed_nothing_takes_the_tables_chance(tmp_path, monkeypatch):
    """No contract by 31 Dec: 273 days to 30 Sep (the table's row from 210 days) and none of the investment
    allocation signed (its column up to 15%): the cell 0.92. The year's own signing rate reads 0 of 100 signed in
    the window, a chance of 0, which is what the projection said before round 23."""
    investment_year(tmp_path, monkeypatch, signed=0)
    assert unsigned_chance(AS_OF) == pytest.approx(0.92, abs=1e-9)
    assert model_rates(Filters(as_of=AS_OF)).signing_chance == pytest.approx(0.92, abs=1e-9)


def test_a_year_with_50_contracts_keeps_its_own_reading(tmp_path, monkeypatch):
    """50 contracts signed on 1 Nov (round 24: the pair's weight 1 - n / 50 reaches 0 at 50; with one contract, as
    in round 23, it is 0.98): the pair is off and the projection is the one with the setting off (the year's own
    signing rate and contract hazards), project by project."""
    investment_year(tmp_path, monkeypatch, signed=50)
    P._cached_model.cache_clear()
    after = project_projection(Filters(as_of=AS_OF))
    with projection_setting(monkeypatch, "PAIR_FIRST_CONTRACTS", 0.0):
        before = project_projection(Filters(as_of=AS_OF))
    assert after.equals(before)
    assert unsigned_chance(AS_OF) != pytest.approx(0.92, abs=0.01)


def test_the_pages_and_the_brief_say_when_the_projection_comes_from_past_years(tmp_path, monkeypatch):
    """Before the year's first contract the overview's line cards say the projection leans on past years' averages
    and may be far off — not that it runs low (the early-year caveat); the PDF brief's projection sentence says the
    same; once 50 contracts are signed (round 24) the early-year caveat is back."""
    from streamlit.testing.v1 import AppTest

    from budget_metrics.projection import caveat_kind
    from exports.brief_pdf import projection_sentence
    from exports.tables import build_export
    from tests.apptest_support import DASHBOARD
    from tests.overview_figures import app_figures

    past_years = "ปีนี้ยังมีสัญญางบลงทุนไม่ถึง 50 สัญญา การคาดการณ์ใช้ค่าเฉลี่ยของปีที่ผ่านมา อาจคลาดจากผลจริงมาก"
    early = "ต้นปีงบประมาณ การคาดการณ์มักต่ำกว่าผลจริง ให้ถือเป็นค่าขั้นต่ำ"
    for signed, kind, words in ((0, "past_years", past_years), (50, "early", early)):
        folder = tmp_path / str(signed)
        folder.mkdir()
        investment_year(folder, monkeypatch, signed=signed)
        P._cached_model.cache_clear()
        assert caveat_kind(2562, AS_OF) == kind
        app = AppTest.from_file(DASHBOARD, default_timeout=120)
        app.query_params["as_of"] = AS_OF.isoformat()
        app.query_params["fy"] = "2562"
        app.run()
        assert not app.exception
        said = {key: text for key, text in app_figures(app).items() if key.endswith(f"projection_{kind}")}
        assert list(said.values()) == [words, words], signed  # the overall and investment lines
        other = "projection_early" if kind == "past_years" else "projection_past_years"
        assert not [key for key in app_figures(app) if key.endswith(other)]
        sentence = projection_sentence(build_export(Filters(fiscal_year=2562, as_of=AS_OF)))
        assert f"({words})" in sentence and f"({past_years if kind == 'early' else early})" not in sentence
