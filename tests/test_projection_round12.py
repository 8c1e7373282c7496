"""Round 12 of issue 17: where the projection leaves little of an area's allocation to pay, the outcome term
(each balance paid in full or not) counts at NEAR_DONE_OUTCOME_SCALE in the band (docs/projection.md, "Round 12")."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import pandas as pd
import pytest

from budget_metrics import projection as P


def _areas() -> pd.DataFrame:
    """Two areas of 10,000 baht each, the outcome term's sd 200 baht (variance in satang²), no other term:
    A paid 8,000 and projected 9,000 (10 points left), B paid 5,000 and projected 7,000 (20 points left)."""
    return pd.DataFrame(
        {
            "code": ["A", "B"],
            "name_th": ["ก", "ข"],
            "name_en": ["A", "B"],
            "projects": [3, 3],
            "_allocation_satang": [1_000_000, 1_000_000],
            "_disbursed_satang": [800_000, 500_000],
            "_projected_disbursed_satang": [900_000, 700_000],
            "_expected_return_satang": [0, 0],
            "_outcome_variance": [20_000.0**2, 20_000.0**2],
            "_rate_term": [0.0, 0.0],
            "_shared_term": [0.0, 0.0],
            "_projected_carryover_satang": [0, 0],
            "_projected_lapse_satang": [0, 0],
            "_paid_four_weeks_ago_satang": [700_000, 400_000],
        }
    )


def test_near_done_area_counts_half_the_outcome_term(demo_db):
    # demo_db: the targets are read from the reference data. By hand: BAND_Z 1.2816 x BAND_SCALE 0.9 = 1.15344.
    # A (10 points left, at most 15): sd sqrt(0.5) x 200 = 141.4214 baht -> half-width 1.15344 x 141.4214 =
    # 163.1210 baht = 1.631210 points around 90%. B (20 points left): sd 200 baht -> 230.688 baht = 2.306880
    # points around 70%.
    out = P._finish(_areas(), SimpleNamespace(fiscal_year=2562, as_of=date(2019, 7, 31)), "province", "overall")
    rows = out.set_index("code")
    assert rows.loc["A", "projected_pct"] == pytest.approx(90.0)
    assert rows.loc["A", "projected_low_pct"] == pytest.approx(90.0 - 1.631210, abs=1e-5)
    assert rows.loc["A", "projected_high_pct"] == pytest.approx(90.0 + 1.631210, abs=1e-5)
    assert rows.loc["B", "projected_low_pct"] == pytest.approx(70.0 - 2.306880, abs=1e-5)
    assert rows.loc["B", "projected_high_pct"] == pytest.approx(70.0 + 2.306880, abs=1e-5)
