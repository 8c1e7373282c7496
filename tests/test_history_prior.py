"""Last year's shape as the projection's prior (budget_metrics.history_prior, issue 18), on a tiny
two-year store loaded through the real ETL into a DuckDB file, against shapes computed by hand.

The store (amounts in baht; Chiang Mai = province 50, Lamphun = 51, both in one cluster):
- FY2561, Chiang Mai: investment A61 (allocation 1,000,000) paid 200,000 on 15 Jan 2018, 300,000 on
  15 May 2018 and 300,000 on 15 Aug 2018 (final 800,000); operating B61 (400,000) paid 100,000 on
  15 Nov 2017 and 100,000 on 15 Jun 2018 (final 200,000). Lampang (52): investment L61 (1,000,000)
  paid 100,000 on 15 Mar 2018 and 500,000 on 16 Jul 2018 (final 600,000), nothing in FY2562. Lamphun
  has nothing in FY2561.
- FY2562: Chiang Mai investment A62 (2,000,000, contract 1,800,000) paid 500,000 on 15 Feb 2019,
  operating B62 (600,000) paid 150,000 on 14 Dec 2018; Lamphun investment C62 (1,000,000, contract
  900,000) paid 300,000 on 15 Mar 2019 — a new area for the prior.

By hand, on 31 May (2019; the same day of FY2561 is 31 May 2018):
- Chiang Mai investment: paid then 500,000 of a final 800,000 -> share 0.625; still paid after it
  300,000 of a 1,000,000 allocation -> 30 points; on this year's 2,000,000: 600,000 baht.
- Chiang Mai operating: 100,000 of 200,000 -> 0.5; 100,000 of 400,000 -> 25 points; on 600,000: 150,000.
- The nation's investment last year: (800,000 + 600,000) final, (500,000 + 100,000) paid by 31 May, of
  2,000,000 -> 40 points; operating: Chiang Mai's alone, 25 points.
"""

from __future__ import annotations

import tomllib
from datetime import date
from pathlib import Path

import pytest

from budget_metrics import history_prior, projection
from budget_metrics.filters import Filters
from tests.etl_fixtures import write_csv

AS_OF = date(2019, 5, 31)
HEADERS = [
    "รหัสโครงการ",
    "ปีงบประมาณ",
    "จังหวัด/กลุ่มจังหวัด",
    "ชื่อโครงการ",
    "ประเภทงบรายจ่าย",
    "หน่วยดำเนินการ",
    "งบประมาณที่ได้รับจัดสรร",
    "วงเงินตามสัญญา",
    "วันที่ลงนามสัญญา",
    "วันเริ่มต้นโครงการ",
    "วันสิ้นสุดโครงการ",
]
PROJECTS = [
    ["A61", "2561", "จังหวัดเชียงใหม่", "ถนน 61", "งบลงทุน", "อบจ.", "1,000,000.00", "1,000,000.00"]
    + ["01/11/2560", "08/11/2560", "31/08/2561"],
    ["B61", "2561", "จังหวัดเชียงใหม่", "อบรม 61", "งบดำเนินงาน", "สนง.", "400,000.00", ""]
    + ["", "01/11/2560", "30/06/2561"],
    ["L61", "2561", "จังหวัดลำปาง", "ฝาย 61", "งบลงทุน", "อบต.", "1,000,000.00", "1,000,000.00"]
    + ["01/11/2560", "08/11/2560", "31/08/2561"],
    ["A62", "2562", "จังหวัดเชียงใหม่", "ถนน 62", "งบลงทุน", "อบจ.", "2,000,000.00", "1,800,000.00"]
    + ["01/11/2561", "08/11/2561", "31/08/2562"],
    ["B62", "2562", "จังหวัดเชียงใหม่", "อบรม 62", "งบดำเนินงาน", "สนง.", "600,000.00", ""]
    + ["", "01/11/2561", "30/06/2562"],
    ["C62", "2562", "จ.ลำพูน", "ฝาย 62", "งบลงทุน", "อบต.", "1,000,000.00", "900,000.00"]
    + ["15/12/2561", "20/12/2561", "31/07/2562"],
]
PAYMENTS = [
    ["D1", "A61", "15/01/2561", "200,000.00"],
    ["D2", "A61", "15/05/2561", "300,000.00"],
    ["D3", "A61", "15/08/2561", "300,000.00"],
    ["D4", "B61", "15/11/2560", "100,000.00"],
    ["D5", "B61", "15/06/2561", "100,000.00"],
    ["D9", "L61", "15/03/2561", "100,000.00"],
    ["D10", "L61", "16/07/2561", "500,000.00"],
    ["D6", "A62", "15/02/2562", "500,000.00"],
    ["D7", "B62", "14/12/2561", "150,000.00"],
    ["D8", "C62", "15/03/2562", "300,000.00"],
]


@pytest.fixture(scope="module")
def two_years(tmp_path_factory) -> Path:
    from etl.load import load_files

    folder = tmp_path_factory.mktemp("two_years")
    write_csv(folder / "projects.csv", [HEADERS, *PROJECTS])
    write_csv(
        folder / "disbursements.csv",
        [
            ["เลขที่เอกสาร", "รหัสโครงการ", "วันที่ผ่านรายการ", "จำนวนเงิน", "แหล่งเงิน"],
            *[[*row, "งบประมาณปีปัจจุบัน"] for row in PAYMENTS],
        ],
    )
    db = folder / "budget.duckdb"
    results = load_files([folder / "projects.csv", folder / "disbursements.csv"], db_path=db)
    assert all(result.status == "loaded" for result in results), [r.message for r in results]
    return db


@pytest.fixture()
def store(two_years, monkeypatch):
    monkeypatch.setenv("BUDGET_DB", str(two_years))
    return two_years


def _area(level: str, weight: float, fiscal_year: int = 2562, as_of: date = AS_OF, area_share: float = 1.0):
    with history_prior.weight_set_to(weight, area_share):
        frame = projection.area_projection(Filters(fiscal_year, as_of=as_of), level)
    return frame.set_index("code")


def test_the_previous_years_shape_per_owner_and_budget_type(store):
    shape = history_prior.shape_on(2562, AS_OF).set_index(["owner", "budget_type"])
    assert set(shape.index) == {("50", "investment"), ("50", "operating"), ("52", "investment")}  # not Lamphun
    investment, operating = shape.loc[("50", "investment")], shape.loc[("50", "operating")]
    assert (investment["allocation"], investment["final"], investment["paid_then"]) == (1_000_000, 800_000, 500_000)
    assert investment["share_paid"] == pytest.approx(500_000 / 800_000)
    assert investment["remaining_points"] == pytest.approx(30.0)
    assert (operating["allocation"], operating["final"], operating["paid_then"]) == (400_000, 200_000, 100_000)
    assert operating["share_paid"] == pytest.approx(0.5)
    assert operating["remaining_points"] == pytest.approx(25.0)
    assert shape.loc[("52", "investment"), "remaining_points"] == pytest.approx(50.0)
    assert shape["nation_points"].tolist() == pytest.approx([40.0, 25.0, 40.0])


def test_the_share_paid_by_each_day(store):
    curve = history_prior.cumulative_shares(2561)
    investment = curve[(curve["owner"] == "50") & (curve["budget_type"] == "investment")].set_index("day")
    assert len(investment) == 365  # 1 Oct 2017 .. 30 Sep 2018, every day
    expected = {
        date(2017, 10, 1): 0.0,
        date(2018, 1, 14): 0.0,
        date(2018, 1, 15): 0.25,
        date(2018, 5, 14): 0.25,
        date(2018, 5, 15): 0.625,
        date(2018, 8, 15): 1.0,
        date(2018, 9, 30): 1.0,
    }
    for day, share in expected.items():
        assert investment.loc[day, "share_paid"] == pytest.approx(share), day
    operating = curve[(curve["owner"] == "50") & (curve["budget_type"] == "operating")].set_index("day")
    assert operating.loc[date(2018, 5, 31), "share_paid"] == pytest.approx(0.5)
    assert set(curve["owner"]) == {"50", "52"}


def test_full_weight_projects_last_years_remaining_points_by_hand(store):
    # w = 1: each group's remaining is the prior's alone, 600,000 (investment) + 150,000 (operating) on top
    # of the 650,000 paid by 31 May 2019 -- whatever the model would have said.
    areas = _area("province", 1.0)
    assert areas.loc["50", "disbursed"] == pytest.approx(650_000)
    assert areas.loc["50", "projected_disbursed"] == pytest.approx(650_000 + 600_000 + 150_000, abs=0.02)
    assert areas.loc["50", "projected_pct"] == pytest.approx(100 * 1_400_000 / 2_600_000, abs=1e-6)
    assert areas.loc["50", "projected_disbursed"] != pytest.approx(
        _area("province", 0.0).loc["50", "projected_disbursed"]
    )
    # what is no longer expected paid: carried over as far as the contract commits it, else it lapses
    with history_prior.weight_set_to(1.0):
        rows = projection.project_projection(Filters(2562, as_of=AS_OF)).set_index("project_code")
    a62, b62 = rows.loc["A62"], rows.loc["B62"]
    assert (a62["projected_disbursed"], a62["projected_carryover"], a62["projected_lapse"]) == pytest.approx(
        (1_100_000, 1_800_000 - 1_100_000, 2_000_000 - 1_800_000), abs=0.01
    )
    assert (b62["projected_disbursed"], b62["projected_carryover"], b62["projected_lapse"]) == pytest.approx(
        (300_000, 0, 300_000), abs=0.01
    )  # operating budget commits nothing beyond what is paid
    # Lamphun is new: no prior, exactly the model's figures
    without = _area("province", 0.0)
    for column in ("projected_disbursed", "projected_carryover", "projected_lapse", "projected_low_pct"):
        assert areas.loc["51", column] == without.loc["51", column], column
    # a cluster is the sum of its owners' projects, blended or not
    cluster = _area("cluster", 1.0)
    code = cluster.index[cluster["projects"] == 3][0]
    assert cluster.loc[code, "projected_disbursed"] == pytest.approx(
        areas.loc["50", "projected_disbursed"] + without.loc["51", "projected_disbursed"], abs=0.02
    )


def test_the_prior_shrunk_to_the_nations_shape_by_hand(store):
    # area share 0: Chiang Mai's investment takes the nation's 40 points (800,000 on 2,000,000), its
    # operating the nation's 25 (Chiang Mai's own); area share 0.5: (30 + 40) / 2 = 35 points, 700,000.
    nation = _area("province", 1.0, area_share=0.0)
    assert nation.loc["50", "projected_disbursed"] == pytest.approx(650_000 + 800_000 + 150_000, abs=0.02)
    half = _area("province", 1.0, area_share=0.5)
    assert half.loc["50", "projected_disbursed"] == pytest.approx(650_000 + 700_000 + 150_000, abs=0.02)
    assert nation.loc["51", "projected_disbursed"] == _area("province", 0.0).loc["51", "projected_disbursed"]


def test_half_weight_blends_the_models_remaining_with_the_priors(store):
    with history_prior.weight_set_to(0.0):
        model = projection.project_projection(Filters(2562, as_of=AS_OF)).set_index("project_code")
    remaining = model["projected_disbursed"] - model["disbursed"]
    # per group: half the model's remaining, half the prior's (at most what is unpaid of the contract)
    investment = min(0.5 * remaining["A62"] + 0.5 * 600_000, 1_800_000 - 500_000)
    operating = min(0.5 * remaining["B62"] + 0.5 * 150_000, 600_000 - 150_000)
    areas = _area("province", 0.5)
    assert areas.loc["50", "projected_disbursed"] == pytest.approx(650_000 + investment + operating, abs=0.02)
    with history_prior.weight_set_to(0.5):
        blended = projection.project_projection(Filters(2562, as_of=AS_OF)).set_index("project_code")
    assert blended.loc["A62", "projected_disbursed"] == pytest.approx(500_000 + investment, abs=0.01)
    # its expected share of the 1,300,000 outstanding on the contract follows, and so do its words
    assert blended.loc["A62", "chance_paid"] == pytest.approx(investment / 1_300_000, abs=1e-8)
    assert f"{round(100 * investment / 1_300_000)}%" in blended.loc["A62", "reason_en"]
    # every project still adds up: paid by 30 Sep + carried over + lapsed = allocation
    total = blended["projected_disbursed"] + blended["projected_carryover"] + blended["projected_lapse"]
    assert (total - blended["current_allocation"]).abs().max() < 0.011
    assert (blended["projected_disbursed"] >= blended["disbursed"]).all()


def test_no_previous_year_leaves_the_projection_unchanged(store):
    day = date(2018, 5, 31)  # FY2561: FY2560 is not loaded
    assert history_prior.shape_on(2561, day) is None
    with history_prior.weight_set_to(1.0):
        on = projection.project_projection(Filters(2561, as_of=day))
    with history_prior.weight_set_to(0.0):
        off = projection.project_projection(Filters(2561, as_of=day))
    columns = ["project_code", "projected_disbursed", "projected_carryover", "projected_lapse", "chance_paid"]
    assert on[columns].equals(off[columns])
    assert _area("province", 1.0, 2561, day)["projected_pct"].equals(_area("province", 0.0, 2561, day)["projected_pct"])


def test_the_default_setting_is_the_reference_thresholds(store):
    with open(Path(__file__).resolve().parents[1] / "data" / "reference" / "thresholds.toml", "rb") as handle:
        limits = tomllib.load(handle)
    weight = limits["projection_prior_weight"]["value"]
    area_share = limits["projection_prior_area_share"]["value"]
    assert history_prior.prior_setting() == history_prior.PriorSetting(weight, area_share)
    assert history_prior.prior_weight() == weight
    # the store's default (no override) is exactly the projection at that setting
    default = projection.area_projection(Filters(2562, as_of=AS_OF), "province").set_index("code")
    chosen = _area("province", weight, area_share=area_share)
    assert default["projected_disbursed"].equals(chosen["projected_disbursed"])
    if weight > 0:  # and the default does use the prior where there is one
        assert default.loc["50", "projected_disbursed"] != _area("province", 0.0).loc["50", "projected_disbursed"]
