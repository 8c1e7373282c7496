"""Round 25 of issue 17 (docs/projection.md, "Round 25 of issue 17"): a soft cap on an area's spread from 31 May on —
beyond BAND_SOFT_CAP_PCT points of its allocation only BAND_SOFT_CAP_SHARE of the excess counts, where at most
BAND_SOFT_CAP_DAYS days are left to 30 Sep. A tiny year loaded through the real ETL
(tests/projection_fixtures.investment_year) whose one province has a wide band; the capped band is computed by hand
from the band without the cap."""

from __future__ import annotations

from datetime import date

import pytest

from budget_metrics import Filters
from budget_metrics import projection as P
from tests.projection_fixtures import investment_year, projection_setting

CAP, SHARE = 11.0, 0.5  # the shipped setting (docs/projection.md, "Round 25 of issue 17")


def _band(monkeypatch, as_of: date, cap: float | None) -> tuple[float, float, float]:
    with projection_setting(monkeypatch, "BAND_SOFT_CAP_PCT", cap):
        areas = P.area_projection(Filters(as_of=as_of), "province").set_index("code")
    row = areas.loc["50"]
    return float(row["projected_pct"]), float(row["projected_low_pct"]), float(row["projected_high_pct"])


def test_from_31_may_a_band_wider_than_the_cap_counts_only_part_of_its_excess(tmp_path, monkeypatch):
    """100 investment projects, none signed, on 31 May (122 days to 30 Sep): province 50's band without the cap is
    about ±15 points (a spread of about 11.7, neither end clipped); with the cap the spread is
    11 + 0.5 x (spread - 11) about the same projection."""
    investment_year(tmp_path, monkeypatch, signed=0)
    assert (P.BAND_SOFT_CAP_PCT, P.BAND_SOFT_CAP_SHARE, P.BAND_SOFT_CAP_DAYS) == (CAP, SHARE, 122)
    as_of = date(2019, 5, 31)
    projected, low, high = _band(monkeypatch, as_of, None)
    assert high - projected == pytest.approx(projected - low, abs=1e-9)  # not clipped at either end
    spread = (high - projected) / P.BAND_Z
    assert spread > CAP + 0.5
    capped = CAP + SHARE * (spread - CAP)
    projected_now, low_now, high_now = _band(monkeypatch, as_of, CAP)
    assert projected_now == pytest.approx(projected, abs=1e-12)  # the projection itself does not move
    assert high_now == pytest.approx(projected + P.BAND_Z * capped, abs=1e-9)
    assert low_now == pytest.approx(projected - P.BAND_Z * capped, abs=1e-9)
    assert high_now - low_now < high - low - 0.5


def test_before_31_may_and_inside_the_cap_the_band_is_unchanged(tmp_path, monkeypatch):
    """60 of 100 signed: on 31 Dec (273 days to 30 Sep) the band is about ±22 points (a spread of about 17.5, over the
    cap) and stays as it was; on 31 May it is about ±6 (inside the cap) and stays as it was."""
    investment_year(tmp_path, monkeypatch, signed=60)
    for as_of, wide in ((date(2018, 12, 31), True), (date(2019, 5, 31), False)):
        projected, low, high = _band(monkeypatch, as_of, None)
        assert ((high - projected) / P.BAND_Z > CAP) == wide
        assert _band(monkeypatch, as_of, CAP) == pytest.approx((projected, low, high), abs=1e-12)
