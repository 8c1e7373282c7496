"""Out-of-sample fiscal years for the projection's backtest: a generator apart from the demo's.

    .venv/bin/python bench/synthetic_years.py --list                  # the named mixes
    .venv/bin/python bench/synthetic_years.py late_procurement        # write + load one year
    .venv/bin/python bench/synthetic_years.py base --seed 5 --out /tmp/y

Why a second generator: the demo (`etl/demo_data.py`) is the year the projection was first
developed on, so its dynamics are the model's comfort zone. This one is written from
docs/data-dictionary.md's input formats alone (Thai headers, Buddhist-Era dates, amounts
with thousand separators, UTF-8 with BOM), never from the projection's code, and each of
its years is a *mix* of dynamics the demo does not have: a late budget act, a slow first
quarter, a procurement wave (early or late), investment contracts paid in 2-5 large
instalments with advances, delays that pile up and a delayed final acceptance (final
payments after 30 Sep), a September rush, month-end bunching, contract price savings moved
to reserve projects or returned, cancellations and a mass cancellation, early-finishing
provinces, and provinces hit by a disaster in June whose payments stop (a pace break).

`write_year(mix, seed, folder)` writes the input files and `build_year(...)` loads them
through the real ETL (`etl.load.load_files`) into a DuckDB file; `truth.json` beside them
records what the backtest needs to know and the model must not: which provinces were hit
and when (the pace break), which provinces finish early. Everything is drawn from one
`random.Random(seed)` (same seed and mix, same files).

Money rules the ETL enforces hold by construction: a contract is at most its allocation,
payments at most the contract (or the allocation without one), savings moved out at most
allocation - contract, carry-overs at most the unpaid commitment, carry-over payments at
most the carried amount and dated 1 Oct 2019 - 31 Mar 2020.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import random
import sys
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FISCAL_YEAR_BE = 2562
FY_START, FY_END = date(2018, 10, 1), date(2019, 9, 30)
CARRY_DEADLINE = date(2020, 3, 31)
HOLIDAYS = {
    date(2018, 10, 15),
    date(2018, 10, 23),
    date(2018, 12, 5),
    date(2018, 12, 10),
    date(2018, 12, 31),
    date(2019, 1, 1),
    date(2019, 2, 19),
    date(2019, 4, 8),
    date(2019, 4, 15),
    date(2019, 4, 16),
    date(2019, 5, 1),
    date(2019, 5, 20),
    date(2019, 6, 3),
    date(2019, 7, 16),
    date(2019, 7, 29),
    date(2019, 8, 12),
    date(2019, 10, 14),
    date(2019, 10, 23),
    date(2019, 12, 5),
    date(2019, 12, 10),
    date(2019, 12, 31),
    date(2020, 1, 1),
    date(2020, 2, 10),
}
AGENCIES = (
    "สำนักงานโยธาธิการและผังเมืองจังหวัด",
    "องค์การบริหารส่วนจังหวัด",
    "สำนักงานเกษตรจังหวัด",
    "สำนักงานพัฒนาชุมชนจังหวัด",
    "สำนักงานการท่องเที่ยวและกีฬาจังหวัด",
    "แขวงทางหลวงชนบท",
    "สำนักงานพาณิชย์จังหวัด",
    "สำนักงานทรัพยากรธรรมชาติและสิ่งแวดล้อมจังหวัด",
)
WORKS = (
    "ก่อสร้างถนนคอนกรีตเสริมเหล็ก",
    "ขุดลอกแหล่งน้ำ",
    "ก่อสร้างฝายชะลอน้ำ",
    "ปรับปรุงแหล่งท่องเที่ยว",
    "จัดซื้อเครื่องจักรกลการเกษตร",
    "ก่อสร้างอาคารศูนย์เรียนรู้",
    "ติดตั้งไฟฟ้าพลังงานแสงอาทิตย์",
)
EVENTS = (
    "ฝึกอบรมเกษตรกร",
    "ส่งเสริมการตลาดสินค้าชุมชน",
    "จัดงานเทศกาลท่องเที่ยว",
    "พัฒนาศักยภาพผู้ประกอบการ",
    "ประชาสัมพันธ์การท่องเที่ยว",
)


@dataclass(frozen=True)
class Mix:
    """The dynamics of one generated year (dates inside FY2562; shares 0-1; days)."""

    name: str
    budget_act: date = FY_START  # nothing is signed, and little paid, before the budget act
    q1_pace: float = 1.0  # share of Oct-Dec operating payments that happen then (the rest slip to Jan-Feb)
    wave: tuple[date, date] = (date(2018, 10, 20), date(2019, 1, 31))  # the procurement wave
    wave_share: float = 0.75  # investment projects signed in the wave; the rest trickle in later
    trickle_end: date = date(2019, 7, 31)
    unsigned_share: float = 0.04  # never signed this year
    cancel_share: float = 0.4  # of those, cancelled (money returned) during the year
    mass_cancel: tuple[date, float] | None = None  # on the date, this share of still-unsigned projects cancelled
    savings: tuple[float, float] = (0.02, 0.12)  # contract price below the allocation by this share
    savings_moved: float = 0.5  # share of projects whose savings are moved (reserve project or returned)
    instalments: tuple[int, int] = (2, 5)
    advance_share: float = 0.3  # contracts paying a 15% advance soon after signing
    duration: tuple[int, int] = (60, 180)  # contract days
    delay_mean: float = 10.0  # contractor delay added per instalment (exponential mean, days; piles up)
    final_delay_mean: float = 14.0  # extra wait for the final acceptance (exponential mean, days)
    area_pace_sd: float = 0.35  # spread (lognormal sigma) of provinces' delay factors
    month_end_bunching: float = 0.35  # share of payments posted in their month's last working days
    september_rush: float = 0.3  # share of payments due 1 Sep - 15 Nov pulled into September
    disaster_provinces: int = 0  # provinces hit in June: their payments stop
    disaster_clusters: int = 0  # whole clusters hit (every member province and the cluster's own projects)
    disaster_date: date = date(2019, 6, 10)
    disaster_severity: float = 0.85  # share of a hit province's projects whose later payments wait
    disaster_delay: tuple[int, int] = (35, 100)  # days they wait
    early_finishers: float = 0.0  # share of provinces whose contracts run 40% shorter
    split_payments: float = 0.4  # share of payments posted as two documents a few working days apart
    # Round 2 of issue 17 (hold-out dynamics, written before any projection was scored on them):
    freeze: tuple[date, date] | None = None  # no contract signed in this window (e.g. an election), ...
    freeze_catch_up: int = 60  # ... those due in it signed within this many days after it, and ...
    freeze_operating: float = 0.5  # ... this share of operating payments due in it postponed after it
    reallocation: tuple[date, float] | None = None  # on the day, this share of the investment projects still
    # unsigned (and of the savings of signed ones) moved to a few new fast projects of the same owner
    investment_size: float = 1.0  # investment projects this many times larger (fewer, lumpier projects)
    # Round 4 of issue 17: each hit area draws its own severity from this range (partial slowdowns) instead of
    # disaster_severity (None: every hit area has disaster_severity; no draw, so earlier years are unchanged).
    disaster_severity_range: tuple[float, float] | None = None
    notes: str = ""


# The named mixes. CALIBRATION mixes are the only ones the model's settings were ever tuned on;
# the HOLD_OUT mixes (other seeds and other dynamics) were first run after the settings were frozen.
MIXES: dict[str, Mix] = {
    "base": Mix(
        "base",
        disaster_provinces=3,
        disaster_clusters=1,
        early_finishers=0.1,
        notes="a procurement wave Oct-Jan, instalments with some delay, a September rush, 3 provinces "
        "and a whole cluster hit by a disaster from 10 Jun, a few early finishers",
    ),
    "late_procurement": Mix(
        "late_procurement",
        wave=(date(2019, 1, 15), date(2019, 4, 30)),
        wave_share=0.65,
        trickle_end=date(2019, 8, 15),
        unsigned_share=0.07,
        delay_mean=14.0,
        disaster_clusters=1,
        final_delay_mean=35.0,
        q1_pace=0.6,
        september_rush=0.4,
        disaster_provinces=3,
        notes="contracts signed Feb-May and later, slow Q1, final acceptance often after "
        "30 Sep, 3 disaster provinces and a cluster",
    ),
    "fast_start": Mix(
        "fast_start",
        wave=(date(2018, 10, 15), date(2018, 12, 31)),
        wave_share=0.85,
        duration=(60, 180),
        delay_mean=8.0,
        final_delay_mean=10.0,
        september_rush=0.15,
        early_finishers=0.25,
        disaster_provinces=4,
        disaster_date=date(2019, 6, 20),
        notes="signed by December, short contracts, many early finishers, 4 disaster provinces",
    ),
    "late_act": Mix(
        "late_act",
        budget_act=date(2019, 1, 15),
        wave=(date(2019, 2, 1), date(2019, 4, 15)),
        q1_pace=0.3,
        duration=(80, 200),
        final_delay_mean=35.0,
        september_rush=0.5,
        month_end_bunching=0.5,
        disaster_provinces=4,
        disaster_date=date(2019, 6, 5),
        disaster_clusters=1,
        notes="budget act on 15 Jan: nothing signed before it, a compressed year, strong "
        "September rush and month-end bunching, 4 disaster provinces and a cluster",
    ),
    "cancellations": Mix(
        "cancellations",
        unsigned_share=0.12,
        cancel_share=0.6,
        mass_cancel=(date(2019, 7, 1), 0.5),
        savings=(0.05, 0.2),
        savings_moved=0.8,
        instalments=(3, 5),
        advance_share=0.5,
        disaster_provinces=5,
        disaster_date=date(2019, 6, 15),
        notes="many projects never signed, a mass cancellation on 1 Jul, large savings "
        "mostly moved, advances, 5 disaster provinces",
    ),
    "slow_acceptance": Mix(
        "slow_acceptance",
        wave=(date(2018, 12, 1), date(2019, 3, 31)),
        delay_mean=16.0,
        final_delay_mean=45.0,
        area_pace_sd=0.5,
        september_rush=0.2,
        month_end_bunching=0.5,
        instalments=(2, 3),
        disaster_provinces=4,
        disaster_clusters=1,
        disaster_date=date(2019, 6, 1),
        notes="long delays between instalments, final acceptance typically two months late, "
        "wide differences between provinces, 4 disaster provinces and a cluster",
    ),
    # Round 2 (issue 17): new hold-out mixes, written before the round-2 model was scored on any of them.
    "election_freeze": Mix(
        "election_freeze",
        wave=(date(2018, 11, 15), date(2019, 4, 30)),
        wave_share=0.7,
        freeze=(date(2019, 2, 1), date(2019, 5, 15)),
        freeze_catch_up=70,
        freeze_operating=0.6,
        trickle_end=date(2019, 8, 15),
        final_delay_mean=25.0,
        september_rush=0.45,
        disaster_provinces=4,
        disaster_clusters=1,
        disaster_date=date(2019, 6, 20),
        notes="an election: no contract signed 1 Feb - 15 May and operating payments held "
        "back, then a catch-up wave of signing into July, a strong September rush, "
        "4 disaster provinces and a cluster from 20 Jun",
    ),
    "reallocation": Mix(
        "reallocation",
        wave=(date(2018, 11, 1), date(2019, 3, 15)),
        wave_share=0.6,
        unsigned_share=0.1,
        cancel_share=0.2,
        reallocation=(date(2019, 4, 17), 0.7),
        final_delay_mean=20.0,
        disaster_provinces=3,
        disaster_date=date(2019, 6, 12),
        notes="a large reallocation on 17 Apr: most projects still unsigned then, and savings, "
        "moved to a few new short projects signed in May-June; 3 disaster provinces",
    ),
    "no_rush_lumpy": Mix(
        "no_rush_lumpy",
        investment_size=3.0,
        september_rush=0.0,
        month_end_bunching=0.1,
        area_pace_sd=0.5,
        final_delay_mean=25.0,
        delay_mean=12.0,
        split_payments=0.1,
        disaster_provinces=3,
        disaster_clusters=1,
        disaster_date=date(2019, 6, 10),
        notes="no September rush, few large investment projects per province (lumpy), wide "
        "differences between provinces, 3 disaster provinces and a cluster",
    ),
    # Round 3 (issue 17): new hold-out mixes, written after the round-3 signing setting was committed (cc6489e);
    # first generated (seeds 41-43) and scored once with the settings of a77e688; each a mix not seen before.
    "late_act_savings": Mix(
        "late_act_savings",
        budget_act=date(2019, 1, 31),
        wave=(date(2019, 2, 10), date(2019, 5, 15)),
        wave_share=0.7,
        q1_pace=0.4,
        savings=(0.08, 0.25),
        savings_moved=0.7,
        final_delay_mean=40.0,
        september_rush=0.3,
        disaster_provinces=3,
        disaster_clusters=1,
        disaster_date=date(2019, 6, 15),
        notes="budget act on 31 Jan, large contract price savings mostly moved or returned, final acceptance "
        "typically 40 days late, 3 disaster provinces and a cluster from 15 Jun",
    ),
    "short_freeze_lumpy": Mix(
        "short_freeze_lumpy",
        wave=(date(2018, 11, 1), date(2019, 3, 31)),
        wave_share=0.7,
        freeze=(date(2019, 3, 1), date(2019, 4, 30)),
        freeze_catch_up=45,
        freeze_operating=0.3,
        investment_size=2.0,
        september_rush=0.1,
        month_end_bunching=0.25,
        disaster_provinces=4,
        disaster_date=date(2019, 6, 25),
        notes="a signing freeze 1 Mar - 30 Apr with a 45-day catch-up, fairly lumpy investment, a weak "
        "September rush, 4 disaster provinces from 25 Jun",
    ),
    # Round 4 (issue 17): new hold-out mixes, written after the round-4 pace-break detector was committed
    # (ee9d2dc); generated (seeds 51-53) and scored once; each a mix not seen before, with disasters of varied
    # severity (some only a partial slowdown).
    "act_freeze_partial": Mix(
        "act_freeze_partial",
        budget_act=date(2019, 1, 15),
        wave=(date(2019, 1, 25), date(2019, 3, 31)),
        wave_share=0.65,
        q1_pace=0.5,
        freeze=(date(2019, 4, 10), date(2019, 5, 20)),
        freeze_catch_up=40,
        freeze_operating=0.4,
        september_rush=0.25,
        disaster_provinces=5,
        disaster_clusters=1,
        disaster_date=date(2019, 6, 12),
        disaster_severity_range=(0.5, 0.95),
        notes="budget act on 15 Jan, signing frozen 10 Apr - 20 May (40-day catch-up), 5 disaster provinces and "
        "a cluster from 12 Jun, each hit area delaying 50-95% of its projects",
    ),
    "lumpy_no_rush_partial": Mix(
        "lumpy_no_rush_partial",
        investment_size=2.5,
        september_rush=0.0,
        month_end_bunching=0.5,
        area_pace_sd=0.5,
        instalments=(2, 3),
        split_payments=0.2,
        disaster_provinces=5,
        disaster_date=date(2019, 6, 20),
        disaster_severity_range=(0.6, 0.9),
        notes="few large investment projects per province (small provinces paying a few projects a week), no "
        "September rush, strong month-end bunching, wide differences between provinces, 5 disaster provinces "
        "from 20 Jun delaying 60-90% of their projects",
    ),
    "slow_savings_early": Mix(
        "slow_savings_early",
        q1_pace=0.6,
        delay_mean=20.0,
        final_delay_mean=25.0,
        savings=(0.05, 0.2),
        savings_moved=0.6,
        early_finishers=0.3,
        split_payments=0.6,
        unsigned_share=0.07,
        disaster_provinces=3,
        disaster_clusters=1,
        disaster_date=date(2019, 7, 1),
        disaster_severity_range=(0.7, 1.0),
        notes="slow instalments and acceptance, contract savings mostly moved, 30% of provinces finishing early, "
        "many split documents, 3 disaster provinces and a cluster from 1 Jul delaying 70-100% of their projects",
    ),
    # Round 5 (issue 17): new hold-out mixes, written after the round-5 signing rule was committed (34049d4);
    # generated (seeds 61-63) and scored once; each a mix not seen before.
    "brief_freeze_severe": Mix(
        "brief_freeze_severe",
        wave=(date(2018, 11, 15), date(2019, 2, 28)),
        wave_share=0.7,
        freeze=(date(2019, 1, 20), date(2019, 2, 25)),
        freeze_catch_up=30,
        freeze_operating=0.3,
        investment_size=1.5,
        september_rush=0.2,
        disaster_provinces=4,
        disaster_date=date(2019, 6, 5),
        disaster_severity_range=(0.85, 1.0),
        notes="a signing freeze that ends early (20 Jan - 25 Feb, 30-day catch-up), somewhat lumpy investment, a "
        "weak September rush, 4 disaster provinces from 5 Jun delaying 85-100% of their projects",
    ),
    "long_freeze_cancel": Mix(
        "long_freeze_cancel",
        wave=(date(2018, 12, 1), date(2019, 4, 15)),
        wave_share=0.6,
        freeze=(date(2019, 3, 25), date(2019, 6, 15)),
        freeze_catch_up=50,
        freeze_operating=0.5,
        unsigned_share=0.08,
        cancel_share=0.6,
        delay_mean=12.0,
        final_delay_mean=20.0,
        september_rush=0.35,
        disaster_provinces=4,
        disaster_clusters=1,
        disaster_date=date(2019, 7, 5),
        disaster_severity_range=(0.4, 0.8),
        notes="a long signing freeze that ends late (25 Mar - 15 Jun, 50-day catch-up), more projects never "
        "signed and cancelled, 4 disaster provinces and a cluster from 5 Jul delaying 40-80% of their projects",
    ),
    "late_act_no_rush_lumpy": Mix(
        "late_act_no_rush_lumpy",
        budget_act=date(2019, 2, 20),
        wave=(date(2019, 3, 1), date(2019, 5, 31)),
        wave_share=0.7,
        q1_pace=0.4,
        investment_size=2.5,
        instalments=(2, 4),
        september_rush=0.0,
        month_end_bunching=0.45,
        area_pace_sd=0.45,
        final_delay_mean=20.0,
        disaster_provinces=5,
        disaster_clusters=1,
        disaster_date=date(2019, 6, 18),
        disaster_severity_range=(0.5, 0.9),
        notes="budget act on 20 Feb, contracts signed Mar-May and later, few large investment projects per "
        "province, no September rush, month-end bunching, 5 disaster provinces and a cluster from 18 Jun "
        "delaying 50-90% of their projects",
    ),
    # Round 6 (issue 17): new hold-out mixes, written after the round-6 settings were committed (007e0a5);
    # generated (seeds 71-73) and scored once; each a mix not seen before.
    "very_late_act_rush": Mix(
        "very_late_act_rush",
        budget_act=date(2019, 3, 20),
        wave=(date(2019, 3, 28), date(2019, 6, 15)),
        wave_share=0.75,
        q1_pace=0.35,
        duration=(45, 140),
        september_rush=0.5,
        trickle_end=date(2019, 8, 15),
        disaster_provinces=4,
        disaster_date=date(2019, 6, 20),
        disaster_severity_range=(0.5, 0.9),
        notes="a very late budget act (20 Mar), contracts signed from late March to mid-June and shorter, a strong "
        "September rush, 4 disaster provinces from 20 Jun delaying 50-90% of their projects",
    ),
    "late_act_lumpy_cancel": Mix(
        "late_act_lumpy_cancel",
        budget_act=date(2019, 1, 25),
        wave=(date(2019, 2, 5), date(2019, 4, 30)),
        wave_share=0.65,
        q1_pace=0.5,
        investment_size=2.0,
        instalments=(2, 4),
        unsigned_share=0.09,
        cancel_share=0.6,
        mass_cancel=(date(2019, 7, 1), 0.3),
        september_rush=0.15,
        final_delay_mean=18.0,
        disaster_provinces=3,
        disaster_clusters=1,
        disaster_date=date(2019, 6, 28),
        disaster_severity_range=(0.6, 0.95),
        notes="budget act on 25 Jan, lumpy investment, more projects never signed and cancelled (a third of the "
        "unsigned cancelled on 1 Jul), a weak September rush, 3 disaster provinces and a cluster from 28 Jun",
    ),
    "ordinary_few_large": Mix(
        "ordinary_few_large",
        investment_size=3.0,
        instalments=(2, 3),
        area_pace_sd=0.4,
        split_payments=0.3,
        september_rush=0.3,
        disaster_provinces=4,
        disaster_date=date(2019, 6, 15),
        disaster_severity_range=(0.7, 1.0),
        notes="an ordinary year with few large investment projects per province (three times larger), 4 disaster "
        "provinces from 15 Jun delaying 70-100% of their projects",
    ),
    # Round 7 (issue 17): new hold-out mixes, written after the round-7 settings were committed (8d4c83e);
    # generated (seeds 81-83) and scored once; each a mix not seen before.
    "late_act_slow_accept": Mix(
        "late_act_slow_accept",
        budget_act=date(2019, 2, 8),
        wave=(date(2019, 2, 18), date(2019, 5, 20)),
        wave_share=0.7,
        q1_pace=0.45,
        delay_mean=15.0,
        final_delay_mean=32.0,
        september_rush=0.3,
        early_finishers=0.2,
        disaster_provinces=4,
        disaster_date=date(2019, 6, 25),
        disaster_severity_range=(0.5, 0.9),
        notes="budget act on 8 Feb, contracts signed mid-Feb to May and later, slow instalments and a slow final "
        "acceptance, 20% of provinces finishing early, 4 disaster provinces from 25 Jun delaying 50-90% of their "
        "projects",
    ),
    "act_long_contracts_savings": Mix(
        "act_long_contracts_savings",
        budget_act=date(2019, 1, 5),
        wave=(date(2019, 1, 10), date(2019, 4, 10)),
        wave_share=0.7,
        q1_pace=0.6,
        duration=(100, 240),
        savings=(0.05, 0.2),
        savings_moved=0.6,
        investment_size=1.5,
        september_rush=0.15,
        disaster_provinces=3,
        disaster_clusters=1,
        disaster_date=date(2019, 6, 12),
        disaster_severity_range=(0.6, 1.0),
        notes="budget act on 5 Jan, long contracts (100-240 days), contract savings mostly moved, somewhat lumpy "
        "investment, a weak September rush, 3 disaster provinces and a cluster from 12 Jun",
    ),
    "ordinary_slow_split": Mix(
        "ordinary_slow_split",
        q1_pace=0.7,
        delay_mean=12.0,
        split_payments=0.6,
        month_end_bunching=0.5,
        september_rush=0.4,
        early_finishers=0.15,
        disaster_provinces=4,
        disaster_date=date(2019, 6, 10),
        disaster_severity_range=(0.6, 1.0),
        notes="an ordinary year with a slower first quarter, many split documents, strong month-end bunching, a "
        "strong September rush, 15% early finishers, 4 disaster provinces from 10 Jun delaying 60-100% of their "
        "projects",
    ),
    # Round 8 (issue 17): new hold-out mixes, written after the round-8 choice was committed (3795b70);
    # generated (seeds 91-93) and scored once; each a mix not seen before.
    "act_long_contracts_lumpy": Mix(
        "act_long_contracts_lumpy",
        budget_act=date(2019, 1, 20),
        wave=(date(2019, 1, 28), date(2019, 4, 30)),
        wave_share=0.7,
        q1_pace=0.55,
        duration=(120, 270),
        instalments=(3, 6),
        investment_size=1.8,
        final_delay_mean=24.0,
        september_rush=0.2,
        disaster_provinces=4,
        disaster_date=date(2019, 6, 18),
        disaster_severity_range=(0.5, 0.9),
        notes="budget act on 20 Jan, long contracts (120-270 days) in 3-6 instalments, lumpy investment, a slow "
        "final acceptance, a weak September rush, 4 disaster provinces from 18 Jun delaying 50-90% of their projects",
    ),
    "late_act_freeze_savings": Mix(
        "late_act_freeze_savings",
        budget_act=date(2018, 12, 25),
        wave=(date(2019, 1, 5), date(2019, 4, 15)),
        wave_share=0.75,
        q1_pace=0.6,
        freeze=(date(2019, 3, 20), date(2019, 4, 30)),
        freeze_catch_up=45,
        savings=(0.05, 0.18),
        savings_moved=0.7,
        early_finishers=0.15,
        september_rush=0.4,
        disaster_provinces=3,
        disaster_clusters=1,
        disaster_date=date(2019, 7, 1),
        disaster_severity_range=(0.6, 1.0),
        notes="budget act on 25 Dec, a signing freeze 20 Mar - 30 Apr caught up within 45 days, large contract "
        "savings mostly moved, 15% early finishers, a strong September rush, 3 disaster provinces and a cluster "
        "from 1 Jul",
    ),
    "ordinary_long_slow_cancel": Mix(
        "ordinary_long_slow_cancel",
        duration=(90, 220),
        delay_mean=14.0,
        unsigned_share=0.08,
        cancel_share=0.5,
        mass_cancel=(date(2019, 6, 20), 0.35),
        month_end_bunching=0.5,
        area_pace_sd=0.45,
        september_rush=0.3,
        disaster_provinces=4,
        disaster_date=date(2019, 6, 8),
        disaster_severity_range=(0.6, 1.0),
        notes="an ordinary year with longer contracts (90-220 days), slow instalments, more projects never signed "
        "and a third of the unsigned cancelled on 20 Jun, strong month-end bunching, wide differences between "
        "provinces, 4 disaster provinces from 8 Jun delaying 60-100% of their projects",
    ),
    # Round 9 (issue 17): new hold-out mixes, written after the round-9 choice was committed (167f38e);
    # generated (seeds 111-113) and scored once; each a mix not seen before.
    "late_act_long_advances": Mix(
        "late_act_long_advances",
        budget_act=date(2019, 2, 8),
        wave=(date(2019, 2, 15), date(2019, 5, 15)),
        wave_share=0.7,
        q1_pace=0.45,
        duration=(110, 250),
        instalments=(3, 6),
        advance_share=0.6,
        delay_mean=13.0,
        final_delay_mean=26.0,
        savings=(0.04, 0.15),
        savings_moved=0.6,
        september_rush=0.25,
        disaster_provinces=4,
        disaster_date=date(2019, 6, 14),
        disaster_severity_range=(0.5, 0.9),
        notes="budget act on 8 Feb, contracts signed mid-Feb to mid-May and later, long contracts (110-250 days) in "
        "3-6 instalments, advances on most contracts, slow instalments and final acceptance, savings mostly "
        "moved, a weak September rush, 4 disaster provinces from 14 Jun delaying 50-90% of their projects",
    ),
    "act_jan_short_rush_cancel": Mix(
        "act_jan_short_rush_cancel",
        budget_act=date(2019, 1, 7),
        wave=(date(2019, 1, 14), date(2019, 4, 20)),
        wave_share=0.7,
        q1_pace=0.5,
        duration=(40, 120),
        instalments=(2, 3),
        advance_share=0.15,
        unsigned_share=0.07,
        cancel_share=0.5,
        mass_cancel=(date(2019, 6, 28), 0.3),
        september_rush=0.5,
        month_end_bunching=0.45,
        disaster_provinces=3,
        disaster_clusters=1,
        disaster_date=date(2019, 6, 24),
        disaster_severity_range=(0.6, 1.0),
        notes="budget act on 7 Jan, short contracts (40-120 days) in 2-3 instalments, few advances, more projects "
        "never signed and 30% of the unsigned cancelled on 28 Jun, a strong September rush, month-end bunching, "
        "3 disaster provinces and a cluster from 24 Jun delaying 60-100% of their projects",
    ),
    "ordinary_long_lumpy_early": Mix(
        "ordinary_long_lumpy_early",
        duration=(100, 240),
        instalments=(2, 4),
        investment_size=2.0,
        delay_mean=12.0,
        final_delay_mean=20.0,
        september_rush=0.15,
        month_end_bunching=0.5,
        early_finishers=0.12,
        area_pace_sd=0.4,
        disaster_provinces=4,
        disaster_date=date(2019, 6, 12),
        disaster_severity_range=(0.5, 1.0),
        notes="an ordinary year with long contracts (100-240 days), lumpy investment (twice larger, 2-4 instalments), "
        "a weak September rush, strong month-end bunching, 12% early finishers, wide differences between "
        "provinces, 4 disaster provinces from 12 Jun delaying 50-100% of their projects",
    ),
    # Round 10 (issue 17): new hold-out mixes, written after the round-10 choice was committed (5228dc2);
    # generated (seeds 121-123) and scored once; each a mix not seen before.
    "ordinary_trickle_returns": Mix(
        "ordinary_trickle_returns",
        unsigned_share=0.09,
        cancel_share=0.7,
        savings=(0.06, 0.2),
        savings_moved=0.8,
        instalments=(2, 4),
        month_end_bunching=0.4,
        september_rush=0.3,
        disaster_provinces=3,
        disaster_date=date(2019, 6, 20),
        disaster_severity_range=(0.5, 0.9),
        notes="an ordinary year with many projects never signed and most of them cancelled one by one (no order), "
        "large contract savings mostly moved or returned, month-end bunching, 3 disaster provinces from 20 Jun "
        "delaying 50-90% of their projects",
    ),
    "late_act_order_may_slow": Mix(
        "late_act_order_may_slow",
        budget_act=date(2019, 1, 21),
        wave=(date(2019, 1, 28), date(2019, 5, 10)),
        wave_share=0.65,
        q1_pace=0.55,
        unsigned_share=0.08,
        cancel_share=0.4,
        mass_cancel=(date(2019, 5, 14), 0.4),
        delay_mean=14.0,
        final_delay_mean=24.0,
        september_rush=0.2,
        disaster_provinces=2,
        disaster_clusters=1,
        disaster_date=date(2019, 7, 2),
        disaster_severity_range=(0.6, 1.0),
        notes="budget act on 21 Jan, a cancellation order on 14 May (40% of the unsigned: before 31 May), slow "
        "instalments and final acceptance, a weak September rush, 2 disaster provinces and a cluster from 2 Jul "
        "delaying 60-100% of their projects",
    ),
    "freeze_lumpy_order_aug": Mix(
        "freeze_lumpy_order_aug",
        freeze=(date(2019, 3, 11), date(2019, 4, 26)),
        freeze_catch_up=45,
        investment_size=1.6,
        instalments=(2, 3),
        unsigned_share=0.06,
        cancel_share=0.3,
        mass_cancel=(date(2019, 8, 5), 0.5),
        savings=(0.03, 0.12),
        september_rush=0.45,
        early_finishers=0.15,
        disaster_provinces=4,
        disaster_date=date(2019, 6, 3),
        disaster_severity_range=(0.4, 0.8),
        notes="a signing freeze from 11 Mar to 26 Apr (caught up within 45 days), lumpy investment (1.6 times "
        "larger, 2-3 instalments), half the unsigned cancelled by an order on 5 Aug, a strong September rush, 15% "
        "early finishers, 4 disaster provinces from 3 Jun delaying 40-80% of their projects",
    ),
    # Round 11 (issue 17): new hold-out mixes, written after the round-11 choice was committed (ad0e944);
    # generated (seeds 131-133) and scored once; each a mix not seen before.
    "late_act_slow_milestones": Mix(
        "late_act_slow_milestones",
        budget_act=date(2019, 1, 25),
        wave=(date(2019, 2, 1), date(2019, 5, 10)),
        wave_share=0.7,
        q1_pace=0.5,
        duration=(90, 220),
        instalments=(3, 5),
        advance_share=0.45,
        delay_mean=16.0,
        final_delay_mean=28.0,
        september_rush=0.3,
        disaster_provinces=3,
        disaster_date=date(2019, 6, 18),
        disaster_severity_range=(0.5, 0.9),
        notes="budget act on 25 Jan, contracts signed Feb to mid-May and later, long contracts (90-220 days) in 3-5 "
        "instalments, advances on nearly half, slow instalments and final acceptance, 3 disaster provinces from "
        "18 Jun delaying 50-90% of their projects",
    ),
    "ordinary_bunched_savings": Mix(
        "ordinary_bunched_savings",
        savings=(0.05, 0.15),
        savings_moved=0.7,
        instalments=(2, 4),
        month_end_bunching=0.45,
        early_finishers=0.1,
        september_rush=0.35,
        disaster_provinces=3,
        disaster_clusters=1,
        disaster_date=date(2019, 6, 15),
        disaster_severity_range=(0.5, 1.0),
        notes="an ordinary year with large contract savings mostly moved or returned, 2-4 instalments, strong "
        "month-end bunching, 10% early finishers, 3 disaster provinces and a cluster from 15 Jun delaying 50-100% "
        "of their projects",
    ),
    "act_mar_short_lumpy_freeze": Mix(
        "act_mar_short_lumpy_freeze",
        budget_act=date(2019, 3, 4),
        wave=(date(2019, 3, 11), date(2019, 5, 31)),
        wave_share=0.8,
        q1_pace=0.35,
        duration=(45, 130),
        instalments=(2, 3),
        advance_share=0.2,
        investment_size=1.5,
        unsigned_share=0.06,
        freeze=(date(2019, 7, 1), date(2019, 7, 25)),
        freeze_catch_up=30,
        september_rush=0.55,
        disaster_provinces=4,
        disaster_date=date(2019, 6, 22),
        disaster_severity_range=(0.5, 1.0),
        notes="budget act on 4 Mar, contracts signed mid-Mar to May, short lumpy contracts (45-130 days, 1.5 times "
        "larger, 2-3 instalments), few advances, a signing freeze from 1 to 25 Jul (caught up within 30 days), a "
        "strong September rush, 4 disaster provinces from 22 Jun delaying 50-100% of their projects",
    ),
    # Round 12 (issue 17): new hold-out mixes, written after the round-12 choice was committed (7691e2b);
    # generated (seeds 141-143) and scored once; each a mix not seen before.
    "ordinary_short_rush_split": Mix(
        "ordinary_short_rush_split",
        duration=(45, 120),
        instalments=(1, 2),
        split_payments=0.6,
        early_finishers=0.2,
        september_rush=0.5,
        disaster_provinces=2,
        disaster_date=date(2019, 7, 1),
        disaster_severity_range=(0.4, 0.7),
        notes="an ordinary year with short contracts (45-120 days, 1-2 instalments), most payments split in two "
        "documents, 20% early finishers, a strong September rush, 2 disaster provinces from 1 Jul delaying 40-70% "
        "of their projects",
    ),
    "late_act_feb_long_savings": Mix(
        "late_act_feb_long_savings",
        budget_act=date(2019, 2, 15),
        wave=(date(2019, 2, 20), date(2019, 5, 15)),
        wave_share=0.7,
        q1_pace=0.45,
        duration=(100, 240),
        instalments=(2, 4),
        advance_share=0.35,
        savings=(0.05, 0.15),
        savings_moved=0.6,
        delay_mean=12.0,
        final_delay_mean=21.0,
        september_rush=0.35,
        disaster_provinces=3,
        disaster_date=date(2019, 6, 10),
        disaster_severity_range=(0.4, 0.8),
        notes="budget act on 15 Feb, contracts signed late Feb to mid-May and later, long contracts (100-240 days) in "
        "2-4 instalments, a third with advances, large savings (5-15%) mostly moved or returned, slowish "
        "instalments and final acceptance, 3 disaster provinces from 10 Jun delaying 40-80% of their projects",
    ),
    "ordinary_cancel_order_jul": Mix(
        "ordinary_cancel_order_jul",
        unsigned_share=0.12,
        cancel_share=0.6,
        mass_cancel=(date(2019, 7, 10), 0.5),
        instalments=(2, 5),
        delay_mean=14.0,
        final_delay_mean=25.0,
        area_pace_sd=0.45,
        month_end_bunching=0.4,
        september_rush=0.4,
        disaster_provinces=4,
        disaster_clusters=1,
        disaster_date=date(2019, 6, 20),
        disaster_severity_range=(0.5, 0.9),
        notes="an ordinary budget act, 12% of investment projects never signed (60% of them cancelled), an order on "
        "10 Jul cancelling half the still unsigned, 2-5 instalments, slow instalments and final acceptance, a wide "
        "spread of provinces' pace, month-end bunching, 4 disaster provinces and a cluster from 20 Jun delaying "
        "50-90% of their projects",
    ),
    # Round 13 (issue 17): new hold-out mixes, written after the round-13 choice was committed (370bcf9);
    # generated (seeds 151-153) and scored once; each a mix not seen before.
    "late_act_feb_many_small_slow": Mix(
        "late_act_feb_many_small_slow",
        budget_act=date(2019, 2, 8),
        wave=(date(2019, 2, 12), date(2019, 4, 30)),
        wave_share=0.8,
        trickle_end=date(2019, 8, 15),
        q1_pace=0.7,
        duration=(60, 150),
        instalments=(4, 6),
        advance_share=0.05,
        investment_size=0.7,
        delay_mean=16.0,
        final_delay_mean=28.0,
        area_pace_sd=0.25,
        month_end_bunching=0.2,
        split_payments=0.6,
        september_rush=0.2,
        disaster_provinces=3,
        disaster_date=date(2019, 6, 12),
        disaster_severity_range=(0.5, 0.9),
        notes="budget act on 8 Feb, a short wave (12 Feb-30 Apr, 80% of the contracts), smaller and more investment "
        "projects (0.7 times), contracts of 60-150 days paid in 4-6 instalments, hardly any advances, very slow "
        "instalments and final acceptance, a weak September rush, most payments split in two documents, 3 disaster "
        "provinces from 12 Jun delaying 50-90% of their projects",
    ),
    "late_wave_order_aug_savings": Mix(
        "late_wave_order_aug_savings",
        wave=(date(2018, 12, 1), date(2019, 3, 31)),
        wave_share=0.7,
        trickle_end=date(2019, 8, 15),
        unsigned_share=0.14,
        cancel_share=0.25,
        mass_cancel=(date(2019, 8, 20), 0.6),
        savings=(0.08, 0.2),
        savings_moved=0.8,
        instalments=(1, 3),
        investment_size=1.3,
        month_end_bunching=0.5,
        split_payments=0.2,
        september_rush=0.45,
        early_finishers=0.1,
        disaster_provinces=3,
        disaster_date=date(2019, 7, 15),
        disaster_severity_range=(0.3, 0.6),
        notes="an ordinary budget act with a wave from December to March, 14% of investment projects never signed "
        "(a quarter of them cancelled one by one), an order on 20 Aug cancelling 60% of the still unsigned, large "
        "savings (8-20%) mostly moved or returned, 1-3 instalments, lumpier investment (1.3 times), strong month-end "
        "bunching, a strong September rush, 10% early finishers, 3 disaster provinces from 15 Jul delaying 30-60% of "
        "their projects",
    ),
    "act_jan_freeze_may_order_jun": Mix(
        "act_jan_freeze_may_order_jun",
        budget_act=date(2019, 1, 14),
        wave=(date(2019, 1, 18), date(2019, 4, 30)),
        wave_share=0.75,
        q1_pace=0.6,
        freeze=(date(2019, 5, 6), date(2019, 5, 31)),
        freeze_catch_up=30,
        unsigned_share=0.1,
        cancel_share=0.5,
        mass_cancel=(date(2019, 6, 17), 0.45),
        duration=(30, 100),
        instalments=(1, 2),
        advance_share=0.25,
        delay_mean=7.0,
        final_delay_mean=10.0,
        area_pace_sd=0.3,
        september_rush=0.35,
        disaster_provinces=2,
        disaster_clusters=1,
        disaster_date=date(2019, 7, 8),
        disaster_severity_range=(0.6, 1.0),
        notes="budget act on 14 Jan, contracts signed mid-Jan to April and later, a signing freeze 6-31 May (caught up "
        "within 30 days), 10% of investment never signed and 45% of the still unsigned cancelled by an order on 17 "
        "Jun, short contracts (30-100 days, 1-2 instalments), quick instalments and acceptance, 2 disaster provinces "
        "and a cluster from 8 Jul delaying 60-100% of their projects",
    ),
    # Round 14 (issue 17): new hold-out mixes, written after the round-14 choice was committed (15b680c);
    # generated (seeds 161-163) and scored once; each a mix not seen before.
    "act_dec_long_end_sep_realloc": Mix(
        "act_dec_long_end_sep_realloc",
        budget_act=date(2018, 12, 20),
        wave=(date(2019, 1, 5), date(2019, 3, 31)),
        wave_share=0.7,
        trickle_end=date(2019, 7, 15),
        q1_pace=0.5,
        duration=(150, 240),
        instalments=(3, 5),
        advance_share=0.4,
        delay_mean=12.0,
        final_delay_mean=30.0,
        reallocation=(date(2019, 7, 10), 0.5),
        september_rush=0.45,
        disaster_provinces=3,
        disaster_date=date(2019, 8, 5),
        disaster_severity_range=(0.4, 0.8),
        notes="budget act on 20 Dec, a wave from January to March, long contracts (150-240 days, planned to end "
        "around or after 30 Sep) in 3-5 instalments, advances on 40%, slowish final acceptance, a reallocation on 10 "
        "Jul moving half the still unsigned projects and savings to fast new projects, a strong September rush, 3 "
        "provinces flooded from 5 Aug delaying 40-80% of their projects",
    ),
    "ordinary_stuck_unsigned_uneven": Mix(
        "ordinary_stuck_unsigned_uneven",
        unsigned_share=0.2,
        cancel_share=0.2,
        instalments=(4, 6),
        delay_mean=20.0,
        final_delay_mean=50.0,
        area_pace_sd=0.6,
        month_end_bunching=0.2,
        split_payments=0.2,
        september_rush=0.15,
        notes="an ordinary budget act and wave, 20% of investment projects never signed (land or design not ready; "
        "only a fifth of them cancelled, the rest lapse), 4-6 instalments, slow instalments and very slow final "
        "acceptance, provinces' pace very uneven, little month-end bunching, a weak September rush, no disaster",
    ),
    "fast_start_storm_aug": Mix(
        "fast_start_storm_aug",
        wave=(date(2018, 10, 10), date(2018, 12, 20)),
        wave_share=0.85,
        duration=(60, 150),
        instalments=(2, 4),
        september_rush=0.35,
        early_finishers=0.15,
        disaster_provinces=8,
        disaster_clusters=1,
        disaster_date=date(2019, 8, 30),
        disaster_severity_range=(0.6, 1.0),
        disaster_delay=(40, 90),
        notes="signed by late December, contracts of 60-150 days in 2-4 instalments, 15% early finishers, a "
        "September rush, a tropical storm on 30 Aug flooding 8 provinces and a cluster, delaying 60-100% of their "
        "projects' payments past 30 Sep",
    ),
    # Round 15 (issue 17): new hold-out mixes, written after the round-15 choice was committed; generated (seeds
    # 171-173) and scored once; each a mix not seen before.
    "act_feb_rising_wave_cancel_jul": Mix(
        "act_feb_rising_wave_cancel_jul",
        budget_act=date(2019, 2, 1),
        wave=(date(2019, 2, 10), date(2019, 6, 15)),
        wave_share=0.7,
        trickle_end=date(2019, 8, 20),
        unsigned_share=0.08,
        cancel_share=0.3,
        mass_cancel=(date(2019, 7, 15), 0.3),
        q1_pace=0.5,
        duration=(60, 160),
        instalments=(2, 4),
        advance_share=0.35,
        delay_mean=12.0,
        final_delay_mean=25.0,
        september_rush=0.4,
        disaster_provinces=2,
        disaster_date=date(2019, 6, 20),
        disaster_severity_range=(0.5, 0.9),
        notes="budget act on 1 Feb, a long wave still rising into June (10 Feb-15 Jun, 70% of the contracts), 8% "
        "of investment never signed, an order on 15 Jul cancelling 30% of the still unsigned, contracts of 60-160 "
        "days in 2-4 instalments, advances on 35%, a strong September rush, 2 provinces hit from 20 Jun (50-90%)",
    ),
    "ordinary_slow_q1_savings_bunched": Mix(
        "ordinary_slow_q1_savings_bunched",
        q1_pace=0.4,
        wave=(date(2018, 10, 25), date(2019, 2, 28)),
        wave_share=0.7,
        savings=(0.10, 0.18),
        savings_moved=0.8,
        duration=(45, 120),
        instalments=(1, 3),
        month_end_bunching=0.5,
        september_rush=0.35,
        area_pace_sd=0.45,
        disaster_provinces=4,
        disaster_date=date(2019, 7, 1),
        disaster_severity_range=(0.3, 0.7),
        notes="an ordinary act with a slow first quarter, a wave from late October to February, large contract "
        "savings (10-18%) mostly moved or returned, short contracts (45-120 days, 1-3 instalments), strong "
        "month-end bunching and September rush, uneven provinces, 4 provinces slowed from 1 Jul (30-70%)",
    ),
    "late_wave_freeze_apr_long_lumpy": Mix(
        "late_wave_freeze_apr_long_lumpy",
        wave=(date(2018, 12, 15), date(2019, 4, 30)),
        wave_share=0.6,
        trickle_end=date(2019, 8, 31),
        freeze=(date(2019, 4, 1), date(2019, 4, 30)),
        freeze_catch_up=45,
        freeze_operating=0.3,
        duration=(120, 210),
        instalments=(4, 6),
        delay_mean=15.0,
        final_delay_mean=40.0,
        investment_size=1.5,
        september_rush=0.3,
        disaster_clusters=1,
        disaster_date=date(2019, 6, 15),
        disaster_severity_range=(0.5, 0.8),
        notes="an ordinary act, a late wave (15 Dec-30 Apr, 60% of the contracts) broken by a signing freeze in "
        "April (caught up within 45 days), long contracts (120-210 days) in 4-6 instalments, slow final acceptance, "
        "larger and fewer investment projects, a cluster hit from 15 Jun (50-80%)",
    ),
    # Round 16 (issue 17): new hold-out mixes, written before the round-16 choice was scored on any of them (committed
    # after the choice); generated (seeds 181-183) and scored once; each a mix not seen before.
    "act_jan_slow_contracts_realloc_jun": Mix(
        "act_jan_slow_contracts_realloc_jun",
        budget_act=date(2019, 1, 10),
        wave=(date(2019, 1, 20), date(2019, 5, 10)),
        wave_share=0.6,
        trickle_end=date(2019, 8, 25),
        unsigned_share=0.06,
        reallocation=(date(2019, 6, 20), 0.4),
        q1_pace=0.35,
        duration=(90, 200),
        instalments=(3, 5),
        advance_share=0.15,
        delay_mean=18.0,
        final_delay_mean=45.0,
        september_rush=0.45,
        month_end_bunching=0.45,
        disaster_provinces=3,
        disaster_date=date(2019, 7, 10),
        disaster_severity_range=(0.4, 0.8),
        notes="budget act on 10 Jan, a wave 20 Jan-10 May (60% of the contracts) and a trickle to late August, "
        "contracts of 90-200 days in 3-5 instalments with few advances, slow instalments and very slow final "
        "acceptance, a reallocation on 20 Jun moving 40% of the still unsigned to fast projects, a strong rush and "
        "month-end bunching, 3 provinces hit from 10 Jul (40-80%)",
    ),
    "ordinary_early_finish_cancel_savings": Mix(
        "ordinary_early_finish_cancel_savings",
        wave=(date(2018, 10, 10), date(2019, 1, 15)),
        wave_share=0.8,
        unsigned_share=0.12,
        cancel_share=0.7,
        mass_cancel=(date(2019, 5, 20), 0.5),
        savings=(0.06, 0.15),
        savings_moved=0.3,
        duration=(45, 150),
        instalments=(1, 4),
        advance_share=0.4,
        early_finishers=0.3,
        september_rush=0.2,
        split_payments=0.6,
        area_pace_sd=0.3,
        disaster_provinces=5,
        disaster_date=date(2019, 8, 1),
        disaster_severity_range=(0.3, 0.6),
        notes="an ordinary act and an early wave (10 Oct-15 Jan, 80%), 12% of investment never signed and half of "
        "the still unsigned cancelled on 20 May, savings of 6-15% mostly kept, short contracts (45-150 days, 1-4 "
        "instalments), advances on 40%, 30% early-finishing provinces, split payments, a weak rush, 5 provinces "
        "slowed from 1 Aug (30-60%)",
    ),
    "act_dec_freeze_mar_lumpy_long": Mix(
        "act_dec_freeze_mar_lumpy_long",
        budget_act=date(2018, 12, 5),
        wave=(date(2018, 12, 15), date(2019, 4, 20)),
        wave_share=0.7,
        trickle_end=date(2019, 8, 10),
        freeze=(date(2019, 3, 1), date(2019, 3, 25)),
        freeze_catch_up=30,
        freeze_operating=0.4,
        unsigned_share=0.05,
        duration=(100, 220),
        instalments=(2, 4),
        advance_share=0.25,
        delay_mean=12.0,
        final_delay_mean=30.0,
        investment_size=1.8,
        september_rush=0.35,
        area_pace_sd=0.4,
        disaster_clusters=1,
        disaster_provinces=2,
        disaster_date=date(2019, 6, 25),
        disaster_severity_range=(0.5, 0.9),
        notes="budget act on 5 Dec, a wave 15 Dec-20 Apr (70%) broken by a signing freeze 1-25 Mar (caught up "
        "within 30 days), long contracts (100-220 days) in 2-4 instalments, much lumpier investment (1.8 times "
        "larger), uneven provinces, a cluster and 2 provinces hit from 25 Jun (50-90%)",
    ),
    # Round 17 (issue 17): new hold-out mixes, written before the round-17 choice was scored on any of them (committed
    # after the choice); generated (seeds 186-188) and scored once; each a mix not seen before.
    "ordinary_savings_returned_cancel_aug": Mix(
        "ordinary_savings_returned_cancel_aug",
        wave=(date(2018, 10, 25), date(2019, 2, 20)),
        wave_share=0.7,
        trickle_end=date(2019, 7, 20),
        unsigned_share=0.09,
        cancel_share=0.6,
        mass_cancel=(date(2019, 8, 8), 0.6),
        savings=(0.08, 0.2),
        savings_moved=0.85,
        duration=(60, 170),
        instalments=(2, 4),
        september_rush=0.2,
        month_end_bunching=0.5,
        disaster_provinces=4,
        disaster_date=date(2019, 7, 1),
        disaster_severity_range=(0.4, 0.9),
        notes="an ordinary act, a wave 25 Oct-20 Feb (70%), 9% of investment never signed and 60% of the still "
        "unsigned cancelled on 8 Aug, large savings (8-20%) mostly returned, contracts of 60-170 days in 2-4 "
        "instalments, a weak rush, heavy month-end bunching, 4 provinces hit from 1 Jul (40-90%)",
    ),
    "act_feb_realloc_may_cancel_jul": Mix(
        "act_feb_realloc_may_cancel_jul",
        budget_act=date(2019, 2, 1),
        wave=(date(2019, 2, 10), date(2019, 5, 31)),
        wave_share=0.65,
        trickle_end=date(2019, 8, 20),
        unsigned_share=0.07,
        reallocation=(date(2019, 5, 15), 0.3),
        mass_cancel=(date(2019, 7, 10), 0.4),
        q1_pace=0.5,
        duration=(60, 150),
        instalments=(2, 4),
        advance_share=0.35,
        final_delay_mean=25.0,
        september_rush=0.4,
        month_end_bunching=0.45,
        disaster_clusters=1,
        disaster_date=date(2019, 6, 15),
        disaster_severity_range=(0.5, 0.8),
        notes="budget act on 1 Feb, a wave 10 Feb-31 May (65%) and a trickle to 20 Aug, a reallocation on 15 May "
        "moving 30% of the still unsigned to fast projects and an order on 10 Jul cancelling 40% of the still "
        "unsigned, contracts of 60-150 days in 2-4 instalments, slow final acceptance, a strong rush, a cluster "
        "hit from 15 Jun (50-80%)",
    ),
    "fast_start_freeze_jan_lumpy_short": Mix(
        "fast_start_freeze_jan_lumpy_short",
        wave=(date(2018, 10, 10), date(2018, 12, 25)),
        wave_share=0.85,
        trickle_end=date(2019, 6, 30),
        freeze=(date(2019, 1, 5), date(2019, 2, 15)),
        freeze_catch_up=40,
        freeze_operating=0.3,
        unsigned_share=0.1,
        cancel_share=0.9,
        duration=(30, 120),
        instalments=(1, 3),
        advance_share=0.2,
        investment_size=1.5,
        early_finishers=0.2,
        september_rush=0.1,
        area_pace_sd=0.45,
        disaster_provinces=6,
        disaster_date=date(2019, 7, 20),
        disaster_severity_range=(0.2, 0.7),
        notes="a fast start (10 Oct-25 Dec, 85%), a signing freeze 5 Jan-15 Feb (caught up within 40 days), 10% "
        "of investment never signed and 90% of it cancelled through the year, lumpier investment (1.5 times), "
        "short contracts (30-120 days, 1-3 instalments), 20% early-finishing provinces, almost no rush, uneven "
        "provinces, 6 provinces slowed from 20 Jul (20-70%)",
    ),
    # Round 18 (issue 17): new hold-out mixes, written after the round-18 choice was committed and before any of them
    # was generated; generated (seeds 191-193) and scored once; each a mix not seen before.
    "act_feb_slow_final_returns_aug": Mix(
        "act_feb_slow_final_returns_aug",
        budget_act=date(2019, 2, 12),
        wave=(date(2019, 2, 20), date(2019, 5, 31)),
        wave_share=0.7,
        trickle_end=date(2019, 8, 20),
        unsigned_share=0.08,
        mass_cancel=(date(2019, 8, 5), 0.35),
        savings=(0.04, 0.12),
        savings_moved=0.6,
        q1_pace=0.5,
        duration=(80, 180),
        instalments=(3, 5),
        advance_share=0.2,
        delay_mean=12.0,
        final_delay_mean=50.0,
        september_rush=0.4,
        disaster_provinces=3,
        disaster_date=date(2019, 7, 1),
        disaster_severity_range=(0.4, 0.8),
        notes="budget act on 12 Feb, a wave 20 Feb-31 May (70% of the contracts) and a trickle to 20 Aug, contracts "
        "of 80-180 days in 3-5 instalments with few advances and very slow final acceptance, 35% of the still "
        "unsigned cancelled on 5 Aug, savings mostly moved or returned, 3 provinces hit from 1 Jul (40-80%)",
    ),
    "ordinary_mid_wave_short_bunched": Mix(
        "ordinary_mid_wave_short_bunched",
        wave=(date(2018, 12, 1), date(2019, 3, 15)),
        wave_share=0.65,
        trickle_end=date(2019, 7, 15),
        unsigned_share=0.1,
        cancel_share=0.6,
        savings=(0.08, 0.16),
        savings_moved=0.7,
        duration=(30, 100),
        instalments=(1, 3),
        advance_share=0.35,
        month_end_bunching=0.5,
        september_rush=0.25,
        area_pace_sd=0.3,
        split_payments=0.5,
        disaster_provinces=4,
        disaster_date=date(2019, 6, 15),
        disaster_severity_range=(0.3, 0.7),
        notes="an ordinary act, a wave 1 Dec-15 Mar (65%) and a trickle to mid-July, 10% of investment never signed "
        "(60% of it cancelled), large savings (8-16%) mostly moved or returned, short contracts (30-100 days, 1-3 "
        "instalments), strong month-end bunching, split payments, 4 provinces slowed from 15 Jun (30-70%)",
    ),
    "act_jan_freeze_apr_realloc_aug_lumpy": Mix(
        "act_jan_freeze_apr_realloc_aug_lumpy",
        budget_act=date(2019, 1, 20),
        wave=(date(2019, 2, 1), date(2019, 5, 15)),
        wave_share=0.65,
        trickle_end=date(2019, 8, 15),
        freeze=(date(2019, 4, 10), date(2019, 5, 5)),
        freeze_catch_up=40,
        freeze_operating=0.3,
        unsigned_share=0.06,
        reallocation=(date(2019, 8, 5), 0.3),
        duration=(90, 190),
        instalments=(2, 5),
        advance_share=0.3,
        delay_mean=14.0,
        final_delay_mean=30.0,
        investment_size=1.6,
        area_pace_sd=0.45,
        early_finishers=0.15,
        september_rush=0.35,
        disaster_clusters=1,
        disaster_date=date(2019, 6, 20),
        disaster_severity_range=(0.5, 0.9),
        notes="budget act on 20 Jan, a wave 1 Feb-15 May (65%) broken by a signing freeze 10 Apr-5 May (caught up "
        "within 40 days), a reallocation on 5 Aug moving 30% of the still unsigned to fast projects, contracts of "
        "90-190 days in 2-5 instalments, lumpier investment (1.6 times larger), very uneven provinces, 15% early "
        "finishers, a cluster hit from 20 Jun (50-90%)",
    ),
    # Round 19 (issue 17): new hold-out mixes, written after the round-19 choice was committed and before any of them
    # was generated; generated (seeds 196-198) and scored once; each a mix not seen before.
    "act_mar_long_advances_cancel_jul": Mix(
        "act_mar_long_advances_cancel_jul",
        budget_act=date(2019, 3, 1),
        wave=(date(2019, 3, 10), date(2019, 6, 15)),
        wave_share=0.6,
        trickle_end=date(2019, 8, 31),
        unsigned_share=0.12,
        cancel_share=0.5,
        mass_cancel=(date(2019, 7, 15), 0.4),
        q1_pace=0.4,
        duration=(120, 240),
        instalments=(3, 5),
        advance_share=0.6,
        delay_mean=12.0,
        final_delay_mean=25.0,
        september_rush=0.45,
        month_end_bunching=0.4,
        disaster_provinces=3,
        disaster_date=date(2019, 7, 1),
        disaster_severity_range=(0.5, 0.9),
        notes="budget act on 1 Mar, a wave 10 Mar-15 Jun (60% of the contracts) and a trickle to 31 Aug, long "
        "contracts (120-240 days) in 3-5 instalments, most with an advance, 12% of investment never signed and 40% of "
        "the still unsigned cancelled on 15 Jul, a strong September rush, 3 provinces hit from 1 Jul (50-90%)",
    ),
    "ordinary_slow_trickle_many_unsigned": Mix(
        "ordinary_slow_trickle_many_unsigned",
        wave=(date(2018, 11, 15), date(2019, 2, 28)),
        wave_share=0.5,
        trickle_end=date(2019, 8, 31),
        unsigned_share=0.15,
        cancel_share=0.3,
        savings=(0.03, 0.1),
        q1_pace=0.7,
        duration=(60, 150),
        instalments=(2, 4),
        delay_mean=12.0,
        final_delay_mean=20.0,
        september_rush=0.5,
        month_end_bunching=0.4,
        area_pace_sd=0.4,
        disaster_provinces=4,
        disaster_date=date(2019, 6, 10),
        disaster_severity_range=(0.4, 0.9),
        notes="an ordinary act, a half-size wave 15 Nov-28 Feb (50%) and a long trickle to 31 Aug, 15% of investment "
        "never signed (30% of it cancelled), contracts of 60-150 days, a strong September rush, uneven provinces, 4 "
        "provinces hit from 10 Jun (40-90%)",
    ),
    "act_dec_freeze_feb_short_realloc_jul": Mix(
        "act_dec_freeze_feb_short_realloc_jul",
        budget_act=date(2018, 12, 10),
        wave=(date(2018, 12, 15), date(2019, 3, 31)),
        wave_share=0.8,
        trickle_end=date(2019, 7, 31),
        freeze=(date(2019, 2, 1), date(2019, 3, 1)),
        freeze_catch_up=30,
        freeze_operating=0.4,
        unsigned_share=0.05,
        reallocation=(date(2019, 7, 15), 0.4),
        savings=(0.06, 0.18),
        savings_moved=0.5,
        duration=(40, 120),
        instalments=(1, 3),
        advance_share=0.25,
        early_finishers=0.2,
        september_rush=0.2,
        disaster_clusters=1,
        disaster_date=date(2019, 6, 15),
        disaster_severity_range=(0.5, 0.8),
        notes="budget act on 10 Dec, a wave 15 Dec-31 Mar (80%) broken by a signing freeze 1 Feb-1 Mar (caught up "
        "within 30 days), short contracts (40-120 days, 1-3 instalments), large savings, 20% early finishers, a "
        "reallocation on 15 Jul moving 40% of the still unsigned to fast projects, a cluster hit from 15 Jun (50-80%)",
    ),
    # Round 20 (issue 17): new hold-out mixes, written after the round-20 choice was committed and before any of them
    # was generated; generated (seeds 201-203) and scored once; each a mix not seen before.
    "act_apr_short_wave_savings_returned": Mix(
        "act_apr_short_wave_savings_returned",
        budget_act=date(2019, 4, 1),
        wave=(date(2019, 4, 5), date(2019, 6, 15)),
        wave_share=0.85,
        trickle_end=date(2019, 8, 15),
        unsigned_share=0.08,
        cancel_share=0.5,
        q1_pace=0.5,
        savings=(0.08, 0.2),
        savings_moved=0.8,
        duration=(30, 90),
        instalments=(1, 2),
        advance_share=0.2,
        delay_mean=6.0,
        final_delay_mean=10.0,
        september_rush=0.5,
        month_end_bunching=0.5,
        disaster_provinces=3,
        disaster_date=date(2019, 7, 20),
        disaster_severity_range=(0.4, 0.8),
        notes="budget act on 1 Apr, a short wave 5 Apr-15 Jun (85% of the contracts) and a trickle to 15 Aug, short "
        "contracts (30-90 days, 1-2 instalments) paid quickly, large savings (8-20%) mostly moved or returned, 8% of "
        "investment never signed, a strong September rush and month-end bunching, 3 provinces hit from 20 Jul (40-80%)",
    ),
    "fast_start_long_slow_accept_cancel_jun": Mix(
        "fast_start_long_slow_accept_cancel_jun",
        wave=(date(2018, 10, 10), date(2018, 12, 15)),
        wave_share=0.9,
        trickle_end=date(2019, 5, 31),
        unsigned_share=0.1,
        cancel_share=0.4,
        mass_cancel=(date(2019, 6, 30), 0.5),
        duration=(180, 300),
        instalments=(4, 6),
        advance_share=0.4,
        delay_mean=14.0,
        final_delay_mean=40.0,
        september_rush=0.2,
        area_pace_sd=0.45,
        disaster_clusters=2,
        disaster_date=date(2019, 8, 1),
        disaster_severity_range=(0.4, 0.7),
        notes="a fast start (a wave 10 Oct-15 Dec, 90% of the contracts, a trickle to 31 May), long contracts "
        "(180-300 days, planned to end from April to after 30 Sep) in 4-6 instalments with very slow final acceptance, "
        "10% of investment never signed and 50% of the still unsigned cancelled on 30 Jun, a weak rush, uneven "
        "provinces, 2 clusters hit from 1 Aug (40-70%)",
    ),
    "act_jan_freeze_mar_lumpy_early_realloc_aug": Mix(
        "act_jan_freeze_mar_lumpy_early_realloc_aug",
        budget_act=date(2019, 1, 15),
        wave=(date(2019, 1, 20), date(2019, 4, 30)),
        wave_share=0.7,
        trickle_end=date(2019, 8, 10),
        freeze=(date(2019, 3, 15), date(2019, 4, 10)),
        freeze_catch_up=45,
        freeze_operating=0.3,
        unsigned_share=0.06,
        reallocation=(date(2019, 8, 1), 0.3),
        duration=(70, 160),
        instalments=(2, 4),
        investment_size=1.8,
        early_finishers=0.3,
        area_pace_sd=0.5,
        september_rush=0.35,
        disaster_provinces=4,
        disaster_date=date(2019, 6, 25),
        disaster_severity_range=(0.3, 0.7),
        notes="budget act on 15 Jan, a wave 20 Jan-30 Apr (70%) broken by a signing freeze 15 Mar-10 Apr (caught up "
        "within 45 days), lumpier investment (1.8 times), 30% early finishers, very uneven provinces, a reallocation "
        "on 1 Aug moving 30% of the still unsigned to fast projects, 4 provinces hit from 25 Jun (30-70%)",
    ),
    # Round 22 (issue 17): new hold-out mixes, written after the round-22 choice was committed and before any of them
    # was generated; generated (seeds 206-208) and scored once; each a mix not seen before.
    "act_nov_fast_wave_long_slow_final": Mix(
        "act_nov_fast_wave_long_slow_final",
        budget_act=date(2018, 11, 15),
        wave=(date(2018, 11, 20), date(2019, 1, 15)),
        wave_share=0.85,
        trickle_end=date(2019, 6, 30),
        unsigned_share=0.05,
        duration=(150, 260),
        instalments=(3, 5),
        advance_share=0.5,
        delay_mean=12.0,
        final_delay_mean=45.0,
        september_rush=0.25,
        disaster_provinces=3,
        disaster_date=date(2019, 7, 1),
        disaster_severity_range=(0.5, 0.9),
        notes="budget act on 15 Nov, a fast wave 20 Nov-15 Jan (85% of the contracts) and a trickle to 30 Jun, long "
        "contracts (150-260 days, 3-5 instalments) with advances and very slow final acceptance, a weak rush, "
        "3 provinces hit from 1 Jul (50-90%)",
    ),
    "ordinary_slow_q1_freeze_dec_short_cancel_aug": Mix(
        "ordinary_slow_q1_freeze_dec_short_cancel_aug",
        q1_pace=0.4,
        wave=(date(2018, 10, 25), date(2019, 3, 15)),
        wave_share=0.7,
        trickle_end=date(2019, 8, 15),
        freeze=(date(2018, 12, 10), date(2019, 1, 20)),
        freeze_catch_up=30,
        freeze_operating=0.4,
        unsigned_share=0.12,
        mass_cancel=(date(2019, 8, 15), 0.6),
        duration=(40, 110),
        instalments=(1, 3),
        savings=(0.05, 0.15),
        month_end_bunching=0.55,
        september_rush=0.45,
        disaster_clusters=1,
        disaster_date=date(2019, 6, 15),
        disaster_severity_range=(0.3, 0.6),
        notes="a slow first quarter, a wave 25 Oct-15 Mar (70%) broken by a signing freeze 10 Dec-20 Jan (caught up "
        "within 30 days), short contracts (40-110 days, 1-3 instalments), savings 5-15%, 12% of investment never "
        "signed and 60% of the still unsigned cancelled on 15 Aug, month-end bunching, a strong rush, a cluster hit "
        "from 15 Jun (30-60%)",
    ),
    "act_mar_lumpy_savings_realloc_jun_uneven": Mix(
        "act_mar_lumpy_savings_realloc_jun_uneven",
        budget_act=date(2019, 3, 1),
        wave=(date(2019, 3, 5), date(2019, 5, 31)),
        wave_share=0.75,
        trickle_end=date(2019, 8, 31),
        unsigned_share=0.06,
        reallocation=(date(2019, 6, 15), 0.35),
        investment_size=2.0,
        savings=(0.06, 0.18),
        savings_moved=0.7,
        duration=(60, 150),
        instalments=(2, 4),
        area_pace_sd=0.5,
        early_finishers=0.15,
        september_rush=0.5,
        disaster_provinces=2,
        disaster_clusters=1,
        disaster_date=date(2019, 7, 10),
        disaster_severity_range=(0.4, 0.8),
        notes="budget act on 1 Mar, a wave 5 Mar-31 May (75%) and a trickle to 31 Aug, lumpy investment (2 times), "
        "savings 6-18% mostly moved, a reallocation on 15 Jun moving 35% of the still unsigned to fast projects, "
        "very uneven provinces, 15% early finishers, a strong rush, 2 provinces and a cluster hit from 10 Jul (40-80%)",
    ),
    # Round 23 (issue 17): new hold-out mixes, written after the round-23 choice was committed and before any of them
    # was generated; generated (seeds 209-211) and scored once; each a mix not seen before.
    "act_jan_wave_long_slow_final_cancel_jul": Mix(
        "act_jan_wave_long_slow_final_cancel_jul",
        budget_act=date(2019, 1, 10),
        wave=(date(2019, 1, 15), date(2019, 4, 30)),
        wave_share=0.8,
        trickle_end=date(2019, 7, 31),
        unsigned_share=0.08,
        mass_cancel=(date(2019, 7, 15), 0.5),
        duration=(100, 200),
        instalments=(2, 4),
        advance_share=0.4,
        final_delay_mean=35.0,
        september_rush=0.4,
        disaster_provinces=2,
        disaster_date=date(2019, 6, 20),
        disaster_severity_range=(0.4, 0.8),
        notes="budget act on 10 Jan, a wave 15 Jan-30 Apr (80%) and a trickle to 31 Jul, long contracts (100-200 "
        "days, 2-4 instalments) with slow final acceptance, 8% of investment never signed and half of the still "
        "unsigned cancelled on 15 Jul, a rush, 2 provinces hit from 20 Jun (40-80%)",
    ),
    "act_dec_short_savings_moved_rush": Mix(
        "act_dec_short_savings_moved_rush",
        budget_act=date(2018, 12, 1),
        wave=(date(2018, 12, 5), date(2019, 2, 28)),
        wave_share=0.8,
        trickle_end=date(2019, 8, 15),
        duration=(30, 90),
        instalments=(1, 2),
        savings=(0.08, 0.2),
        savings_moved=0.8,
        month_end_bunching=0.5,
        september_rush=0.5,
        disaster_clusters=1,
        disaster_date=date(2019, 6, 1),
        disaster_severity_range=(0.3, 0.6),
        notes="budget act on 1 Dec, a wave 5 Dec-28 Feb (80%) and a trickle to 15 Aug, short contracts (30-90 days, "
        "1-2 instalments), savings 8-20% mostly moved, month-end bunching, a strong rush, a cluster hit from 1 Jun "
        "(30-60%)",
    ),
    "ordinary_half_trickle_freeze_apr_lumpy_advances": Mix(
        "ordinary_half_trickle_freeze_apr_lumpy_advances",
        wave=(date(2018, 10, 20), date(2019, 1, 15)),
        wave_share=0.5,
        trickle_end=date(2019, 8, 20),
        freeze=(date(2019, 4, 1), date(2019, 5, 15)),
        freeze_catch_up=40,
        unsigned_share=0.06,
        investment_size=1.6,
        advance_share=0.6,
        area_pace_sd=0.45,
        early_finishers=0.2,
        september_rush=0.3,
        disaster_clusters=1,
        disaster_date=date(2019, 7, 1),
        disaster_severity_range=(0.5, 0.9),
        notes="an ordinary start, half of the contracts in a wave 20 Oct-15 Jan and the rest trickling to 20 Aug, a "
        "signing freeze 1 Apr-15 May (caught up within 40 days), lumpier investment (1.6 times), advances on 60% of "
        "contracts, uneven provinces, 20% early finishers, a cluster hit from 1 Jul (50-90%)",
    ),
    # Round 24 (issue 17): new hold-out mixes, written while the round-24 study ran (before any of its results were
    # read) and committed before any of them was generated; generated (seeds 212-214) and scored once, after the
    # round-24 choice was committed; each a mix not seen before, two of them (212, 214) with
    # a wave that starts a few days before a month end (a late budget act), 213 with a slow first quarter whose wave
    # starts on 28 Oct, so that early month ends find the year's first weeks of signing (0 < n < 200).
    "act_nov_late_wave_long_advances_cancel_aug": Mix(
        "act_nov_late_wave_long_advances_cancel_aug",
        budget_act=date(2018, 11, 20),
        wave=(date(2018, 11, 26), date(2019, 3, 15)),
        wave_share=0.75,
        trickle_end=date(2019, 8, 15),
        unsigned_share=0.08,
        mass_cancel=(date(2019, 8, 15), 0.5),
        duration=(90, 200),
        instalments=(2, 4),
        advance_share=0.5,
        september_rush=0.4,
        disaster_provinces=2,
        disaster_date=date(2019, 6, 15),
        disaster_severity_range=(0.4, 0.8),
        notes="budget act on 20 Nov, a wave 26 Nov-15 Mar (75%) and a trickle to 15 Aug, long contracts (90-200 "
        "days, 2-4 instalments), advances on half of them, 8% of investment never signed and half of the still "
        "unsigned cancelled on 15 Aug, a rush, 2 provinces hit from 15 Jun (40-80%)",
    ),
    "ordinary_slow_q1_late_oct_wave_lumpy_savings_bunched": Mix(
        "ordinary_slow_q1_late_oct_wave_lumpy_savings_bunched",
        q1_pace=0.5,
        wave=(date(2018, 10, 28), date(2019, 2, 28)),
        wave_share=0.65,
        trickle_end=date(2019, 8, 31),
        unsigned_share=0.05,
        investment_size=1.8,
        savings=(0.05, 0.15),
        savings_moved=0.6,
        month_end_bunching=0.5,
        area_pace_sd=0.4,
        september_rush=0.35,
        disaster_clusters=1,
        disaster_date=date(2019, 7, 1),
        disaster_severity_range=(0.3, 0.7),
        notes="a slow first quarter, a wave 28 Oct-28 Feb (65%) and a trickle to 31 Aug, lumpier investment (1.8 "
        "times), savings 5-15% mostly moved, month-end bunching, uneven provinces, a cluster hit from 1 Jul (30-70%)",
    ),
    "act_jan_late_wave_short_realloc_jul_early_finish": Mix(
        "act_jan_late_wave_short_realloc_jul_early_finish",
        budget_act=date(2019, 1, 24),
        wave=(date(2019, 1, 28), date(2019, 4, 15)),
        wave_share=0.7,
        trickle_end=date(2019, 8, 10),
        unsigned_share=0.06,
        reallocation=(date(2019, 7, 10), 0.3),
        duration=(30, 100),
        instalments=(1, 3),
        early_finishers=0.15,
        september_rush=0.5,
        disaster_clusters=1,
        disaster_date=date(2019, 6, 10),
        disaster_severity_range=(0.4, 0.8),
        notes="budget act on 24 Jan, a wave 28 Jan-15 Apr (70%) and a trickle to 10 Aug, short contracts (30-100 "
        "days, 1-3 instalments), a reallocation on 10 Jul moving 30% of the still unsigned to fast projects, 15% "
        "early finishers, a strong rush, a cluster hit from 10 Jun (40-80%)",
    ),
    # Round 24's fourth hold-out, written after the choice (8aaf510) and after 212-214's stores showed that a budget
    # act holds every signing 20-45 days (212 and 214 went from n = 0 to 271 / 299 within a month), before it was
    # generated: an ordinary act with a long, thin wave of lumpy projects, so that 31 Oct-30 Nov have 0 < n < 200.
    "ordinary_long_thin_wave_lumpy_slow_q1_advances": Mix(
        "ordinary_long_thin_wave_lumpy_slow_q1_advances",
        q1_pace=0.5,
        wave=(date(2018, 10, 25), date(2019, 3, 31)),
        wave_share=0.55,
        trickle_end=date(2019, 8, 31),
        unsigned_share=0.05,
        investment_size=2.5,
        advance_share=0.5,
        duration=(60, 160),
        area_pace_sd=0.4,
        september_rush=0.35,
        disaster_provinces=2,
        disaster_date=date(2019, 6, 25),
        disaster_severity_range=(0.4, 0.8),
        notes="an ordinary act, a slow first quarter, a long thin wave 25 Oct-31 Mar (55%) and a trickle to 31 Aug, "
        "lumpy investment (2.5 times), advances on half the contracts, uneven provinces, 2 provinces hit from 25 Jun "
        "(40-80%)",
    ),
    # Round 25 (issue 17): new hold-out mixes, written while the round-25 study collected its figures (before any of
    # its results were read) and committed before any of them was generated; generated (seeds 216-218) and scored
    # once, after the round-25 choice was committed; each a mix not seen before: 216 an ordinary year, 217 a December
    # act with money moved after May (savings returned, a reallocation on 1 Aug), 218 a fast start of long, lumpy
    # contracts with a cancellation order in June.
    "ordinary_nov_wave_slow_accept_instalments_jun_hit": Mix(
        "ordinary_nov_wave_slow_accept_instalments_jun_hit",
        wave=(date(2018, 11, 1), date(2019, 1, 31)),
        wave_share=0.75,
        trickle_end=date(2019, 7, 31),
        instalments=(3, 5),
        delay_mean=12.0,
        final_delay_mean=22.0,
        savings=(0.03, 0.1),
        area_pace_sd=0.3,
        september_rush=0.3,
        disaster_provinces=3,
        disaster_date=date(2019, 6, 15),
        disaster_severity_range=(0.4, 0.9),
        notes="an ordinary act, a wave 1 Nov-31 Jan (75%) and a trickle to 31 Jul, 3-5 instalments, final acceptance "
        "a little slow (22 days on average), 3 provinces hit from 15 Jun (40-90%)",
    ),
    "act_dec_savings_returned_realloc_aug_medium": Mix(
        "act_dec_savings_returned_realloc_aug_medium",
        budget_act=date(2018, 12, 14),
        wave=(date(2018, 12, 20), date(2019, 3, 31)),
        wave_share=0.75,
        trickle_end=date(2019, 8, 15),
        unsigned_share=0.07,
        cancel_share=0.6,
        reallocation=(date(2019, 8, 1), 0.4),
        savings=(0.06, 0.16),
        savings_moved=0.8,
        duration=(45, 150),
        instalments=(2, 4),
        month_end_bunching=0.45,
        september_rush=0.4,
        disaster_clusters=1,
        disaster_date=date(2019, 6, 25),
        disaster_severity_range=(0.3, 0.7),
        notes="budget act on 14 Dec, a wave 20 Dec-31 Mar (75%) and a trickle to 15 Aug, savings 6-16% mostly moved, "
        "7% of investment never signed (60% of it cancelled), a reallocation on 1 Aug moving 40% of the still "
        "unsigned to fast projects, month-end bunching, a rush, a cluster hit from 25 Jun (30-70%)",
    ),
    "fast_start_long_lumpy_cancel_jun": Mix(
        "fast_start_long_lumpy_cancel_jun",
        wave=(date(2018, 10, 10), date(2018, 12, 20)),
        wave_share=0.85,
        trickle_end=date(2019, 6, 30),
        unsigned_share=0.06,
        mass_cancel=(date(2019, 6, 20), 0.5),
        investment_size=2.0,
        duration=(120, 240),
        instalments=(3, 5),
        final_delay_mean=25.0,
        area_pace_sd=0.4,
        september_rush=0.25,
        disaster_clusters=1,
        disaster_date=date(2019, 7, 15),
        disaster_severity_range=(0.4, 0.8),
        notes="a fast start, a wave 10 Oct-20 Dec (85%) and a trickle to 30 Jun, long, lumpy contracts (120-240 days, "
        "3-5 instalments, investment 2 times larger), slow final acceptance, 6% of investment never signed and half "
        "of the still unsigned cancelled on 20 Jun, a weak rush, a cluster hit from 15 Jul (40-80%)",
    ),
    "mass_cancel_slow": Mix(
        "mass_cancel_slow",
        unsigned_share=0.1,
        cancel_share=0.5,
        mass_cancel=(date(2019, 6, 15), 0.4),
        delay_mean=15.0,
        final_delay_mean=30.0,
        advance_share=0.5,
        instalments=(3, 5),
        area_pace_sd=0.45,
        september_rush=0.35,
        disaster_provinces=5,
        disaster_clusters=1,
        disaster_date=date(2019, 6, 5),
        notes="a mass cancellation of unsigned projects on 15 Jun, slow instalments and acceptance, advances, "
        "wide differences between provinces, 5 disaster provinces and a cluster from 5 Jun",
    ),
}
# Round 8 of issue 17, the pace-break warning's own hold-outs (hold-out-8p; seeds 94-96), written after its rule
# was committed (b81568e) and scored once: breaks of different severities in provinces of whatever size the draw
# gives, a whole-cluster break, and a year with no break at all (every province untouched: false alarms only).
MIXES_ROUND_8P: dict[str, Mix] = {
    "pace_partial_breaks": Mix(
        "pace_partial_breaks",
        instalments=(2, 4),
        month_end_bunching=0.45,
        september_rush=0.3,
        disaster_provinces=6,
        disaster_date=date(2019, 6, 18),
        disaster_severity_range=(0.4, 1.0),
        notes="an ordinary year with strong month-end bunching, 6 disaster provinces from 18 Jun delaying 40-100% "
        "of their projects",
    ),
    "pace_cluster_late_act": Mix(
        "pace_cluster_late_act",
        budget_act=date(2019, 1, 20),
        wave=(date(2019, 1, 25), date(2019, 4, 30)),
        wave_share=0.7,
        q1_pace=0.6,
        final_delay_mean=28.0,
        september_rush=0.2,
        disaster_provinces=2,
        disaster_clusters=1,
        disaster_date=date(2019, 7, 8),
        disaster_severity_range=(0.7, 1.0),
        notes="budget act on 20 Jan, slow final acceptance, a weak September rush, 2 disaster provinces and a "
        "whole cluster from 8 Jul delaying 70-100% of their projects",
    ),
    "pace_no_break_lumpy": Mix(
        "pace_no_break_lumpy",
        investment_size=2.0,
        instalments=(2, 3),
        month_end_bunching=0.5,
        split_payments=0.5,
        early_finishers=0.2,
        september_rush=0.35,
        notes="no disaster at all: lumpy investment (twice larger, 2-3 instalments), strong month-end bunching, many "
        "split documents, 20% early finishers",
    ),
}
MIXES.update(MIXES_ROUND_8P)
# Round 10 of issue 17, the pace-break warning's own hold-outs (hold-out-10p; seeds 124-126), written after its rule
# was committed (4e3c730) and before any of them was generated; scored once: partial breaks in small provinces (few
# large projects each), whole clusters broken, and a year with no break at all (false alarms only).
MIXES_ROUND_10P: dict[str, Mix] = {
    "pace_small_partial_lumpy": Mix(
        "pace_small_partial_lumpy",
        investment_size=2.5,
        instalments=(2, 4),
        month_end_bunching=0.4,
        split_payments=0.3,
        area_pace_sd=0.45,
        september_rush=0.25,
        disaster_provinces=7,
        disaster_date=date(2019, 6, 24),
        disaster_severity_range=(0.4, 0.85),
        disaster_delay=(30, 90),
        notes="few large investment projects per province (small provinces paying a few projects a week), wide "
        "differences between provinces, 7 disaster provinces from 24 Jun delaying only 40-85% of their projects "
        "by 30-90 days",
    ),
    "pace_two_clusters_act": Mix(
        "pace_two_clusters_act",
        budget_act=date(2019, 1, 10),
        wave=(date(2019, 1, 17), date(2019, 4, 20)),
        wave_share=0.7,
        q1_pace=0.55,
        delay_mean=12.0,
        final_delay_mean=22.0,
        month_end_bunching=0.5,
        september_rush=0.35,
        disaster_provinces=2,
        disaster_clusters=2,
        disaster_date=date(2019, 7, 3),
        disaster_severity_range=(0.55, 1.0),
        notes="budget act on 10 Jan, strong month-end bunching, 2 disaster provinces and two whole clusters from "
        "3 Jul delaying 55-100% of their projects",
    ),
    "pace_no_break_slow_split": Mix(
        "pace_no_break_slow_split",
        duration=(80, 200),
        delay_mean=18.0,
        final_delay_mean=30.0,
        instalments=(2, 4),
        month_end_bunching=0.45,
        split_payments=0.6,
        area_pace_sd=0.5,
        early_finishers=0.15,
        september_rush=0.3,
        notes="no disaster at all: slow instalments and acceptance, longer contracts, strong month-end bunching, many "
        "split documents, wide differences between provinces, 15% early finishers",
    ),
}
MIXES.update(MIXES_ROUND_10P)
# Round 11 of issue 17, the pace-break warning's own hold-outs (hold-out-11p; seeds 127-129), written after its
# choice was committed (5832bda: nothing adopted) and before any of them was generated; scored once: a year with no
# break at all whose payers bunch at month ends in lumps, partial breaks in small provinces, and whole clusters
# broken in a late-act year.
MIXES_ROUND_11P: dict[str, Mix] = {
    "pace_no_break_month_end_lumps": Mix(
        "pace_no_break_month_end_lumps",
        investment_size=1.6,
        instalments=(2, 3),
        delay_mean=14.0,
        final_delay_mean=20.0,
        month_end_bunching=0.7,
        split_payments=0.5,
        area_pace_sd=0.4,
        early_finishers=0.1,
        september_rush=0.3,
        notes="no disaster at all: 70% of payments posted in their month's last working days, lumpy investment "
        "(1.6 times larger, 2-3 instalments), many split documents, wide differences between provinces",
    ),
    "pace_small_partial_split": Mix(
        "pace_small_partial_split",
        investment_size=2.2,
        instalments=(2, 4),
        q1_pace=0.8,
        month_end_bunching=0.4,
        split_payments=0.45,
        area_pace_sd=0.4,
        september_rush=0.3,
        disaster_provinces=6,
        disaster_date=date(2019, 6, 14),
        disaster_severity_range=(0.35, 0.8),
        disaster_delay=(40, 100),
        notes="few large investment projects per province (2.2 times larger), 6 disaster provinces from 14 Jun "
        "delaying only 35-80% of their projects by 40-100 days",
    ),
    "pace_clusters_late_act": Mix(
        "pace_clusters_late_act",
        budget_act=date(2019, 2, 5),
        wave=(date(2019, 2, 10), date(2019, 5, 15)),
        wave_share=0.7,
        trickle_end=date(2019, 8, 15),
        q1_pace=0.5,
        final_delay_mean=25.0,
        month_end_bunching=0.4,
        september_rush=0.4,
        disaster_provinces=1,
        disaster_clusters=2,
        disaster_date=date(2019, 7, 15),
        disaster_severity_range=(0.6, 1.0),
        notes="budget act on 5 Feb, contracts signed Feb-May, a strong September rush, 1 disaster province and two "
        "whole clusters from 15 Jul delaying 60-100% of their projects",
    ),
}
MIXES.update(MIXES_ROUND_11P)
# Round 12 of issue 17's pace-break part, its own hold-outs (HOLD_OUT_ROUND_13P; seeds 154-156), written after its
# choice was committed and before any of them was generated; scored once: partial breaks in small provinces, a year
# with no break whose payers are slow and uneven, and a late-act year with a whole cluster and a few provinces broken.
MIXES_ROUND_13P: dict[str, Mix] = {
    "pace_small_partial_late": Mix(
        "pace_small_partial_late",
        investment_size=2.4,
        instalments=(2, 3),
        delay_mean=12.0,
        month_end_bunching=0.45,
        split_payments=0.5,
        area_pace_sd=0.45,
        september_rush=0.3,
        disaster_provinces=7,
        disaster_date=date(2019, 7, 8),
        disaster_severity_range=(0.3, 0.75),
        disaster_delay=(35, 90),
        notes="few large investment projects per province (2.4 times larger, 2-3 instalments), wide differences "
        "between provinces, 7 disaster provinces from 8 Jul delaying only 30-75% of their projects by 35-90 days",
    ),
    "pace_no_break_slow_uneven": Mix(
        "pace_no_break_slow_uneven",
        q1_pace=0.7,
        duration=(90, 220),
        delay_mean=22.0,
        final_delay_mean=35.0,
        instalments=(2, 5),
        investment_size=1.4,
        month_end_bunching=0.5,
        split_payments=0.55,
        area_pace_sd=0.6,
        early_finishers=0.1,
        september_rush=0.35,
        notes="no disaster at all: slow and uneven payers (contractor delays of 22 days an instalment on average, "
        "final acceptance 35), longer contracts, lumpier investment (1.4 times larger), strong month-end bunching, "
        "many split documents, very wide differences between provinces",
    ),
    "pace_cluster_partial_act": Mix(
        "pace_cluster_partial_act",
        budget_act=date(2019, 1, 25),
        wave=(date(2019, 2, 1), date(2019, 4, 30)),
        wave_share=0.7,
        q1_pace=0.6,
        final_delay_mean=20.0,
        month_end_bunching=0.4,
        september_rush=0.4,
        disaster_provinces=4,
        disaster_clusters=1,
        disaster_date=date(2019, 6, 27),
        disaster_severity_range=(0.45, 1.0),
        disaster_delay=(40, 100),
        notes="budget act on 25 Jan, contracts signed Feb-Apr, a strong September rush, 4 disaster provinces and a "
        "whole cluster from 27 Jun delaying 45-100% of their projects by 40-100 days",
    ),
}
MIXES.update(MIXES_ROUND_13P)
# Pace-break round 13 of issue 17, its own hold-outs (HOLD_OUT_ROUND_15P; seeds 174-176), written after its choice
# was committed and before any of them was generated; scored once: partial breaks in sparse small provinces near
# the September rush, a year with no break but a signing freeze and lumpy, uneven payers, and provinces and a
# cluster broken with severities from slight to complete.
MIXES_ROUND_15P: dict[str, Mix] = {
    "pace_sparse_partial_aug": Mix(
        "pace_sparse_partial_aug",
        investment_size=2.6,
        instalments=(2, 3),
        advance_share=0.2,
        delay_mean=11.0,
        final_delay_mean=18.0,
        month_end_bunching=0.4,
        split_payments=0.45,
        area_pace_sd=0.5,
        september_rush=0.45,
        disaster_provinces=7,
        disaster_date=date(2019, 8, 2),
        disaster_severity_range=(0.35, 0.8),
        disaster_delay=(30, 80),
        notes="few large investment projects per province (2.6 times larger, 2-3 instalments), wide differences "
        "between provinces, a strong September rush, 7 disaster provinces from 2 Aug delaying 35-80% of their "
        "projects by 30-80 days",
    ),
    "pace_no_break_freeze_lumpy": Mix(
        "pace_no_break_freeze_lumpy",
        freeze=(date(2019, 4, 20), date(2019, 6, 10)),
        freeze_catch_up=45,
        freeze_operating=0.4,
        investment_size=1.8,
        instalments=(2, 4),
        delay_mean=16.0,
        final_delay_mean=28.0,
        month_end_bunching=0.55,
        split_payments=0.5,
        area_pace_sd=0.55,
        early_finishers=0.15,
        september_rush=0.3,
        notes="no disaster at all: signing frozen 20 Apr - 10 Jun (40% of operating payments due in it postponed), "
        "lumpy investment (1.8 times larger, 2-4 instalments), slow instalments, strong month-end bunching, many "
        "split documents, very wide differences between provinces, 15% early finishers",
    ),
    "pace_mixed_severity_cluster": Mix(
        "pace_mixed_severity_cluster",
        budget_act=date(2018, 12, 20),
        wave=(date(2019, 1, 5), date(2019, 3, 31)),
        wave_share=0.7,
        q1_pace=0.75,
        advance_share=0.45,
        delay_mean=13.0,
        final_delay_mean=22.0,
        month_end_bunching=0.4,
        split_payments=0.6,
        area_pace_sd=0.45,
        september_rush=0.35,
        disaster_provinces=6,
        disaster_clusters=1,
        disaster_date=date(2019, 6, 21),
        disaster_severity_range=(0.3, 1.0),
        disaster_delay=(30, 120),
        notes="budget act on 20 Dec, contracts signed Jan-Mar, many advances and split documents, 6 disaster "
        "provinces and a whole cluster from 21 Jun delaying 30-100% of their projects by 30-120 days",
    ),
}
MIXES.update(MIXES_ROUND_15P)
CALIBRATION = ("base", "late_procurement", "fast_start")
HOLD_OUT = ("late_act", "cancellations", "slow_acceptance")
# Written for round 2 of issue 17 and scored only once the round-2 settings were frozen.
HOLD_OUT_ROUND_2 = ("election_freeze", "reallocation", "no_rush_lumpy")
# Written for round 3 after its settings were committed, scored once.
HOLD_OUT_ROUND_3 = ("late_act_savings", "short_freeze_lumpy", "mass_cancel_slow")
# Written for round 4 after its detector was committed, scored once.
HOLD_OUT_ROUND_4 = ("act_freeze_partial", "lumpy_no_rush_partial", "slow_savings_early")
# Written for round 5 after its signing rule was committed, scored once.
HOLD_OUT_ROUND_5 = ("brief_freeze_severe", "long_freeze_cancel", "late_act_no_rush_lumpy")
# Written for round 6 after its settings were committed, scored once.
HOLD_OUT_ROUND_6 = ("very_late_act_rush", "late_act_lumpy_cancel", "ordinary_few_large")
# Written for round 7 after its settings were committed, scored once.
HOLD_OUT_ROUND_7 = ("late_act_slow_accept", "act_long_contracts_savings", "ordinary_slow_split")
# Round 8 of issue 17, the pace-break warning's hold-outs (mix, seed), scored once (bench/pace_break_round8_study.py).
HOLD_OUT_ROUND_8P = (("pace_partial_breaks", 94), ("pace_cluster_late_act", 95), ("pace_no_break_lumpy", 96))
# Round 10 of issue 17, the pace-break warning's hold-outs (mix, seed), scored once (bench/pace_break_round10_study.py).
HOLD_OUT_ROUND_10P = (
    ("pace_small_partial_lumpy", 124),
    ("pace_two_clusters_act", 125),
    ("pace_no_break_slow_split", 126),
)
# Round 11 of issue 17, the pace-break warning's hold-outs (mix, seed), scored once (bench/pace_break_round11_study.py).
HOLD_OUT_ROUND_11P = (
    ("pace_no_break_month_end_lumps", 127),
    ("pace_small_partial_split", 128),
    ("pace_clusters_late_act", 129),
)
# Round 12 of issue 17's pace-break part, its hold-outs (mix, seed) for round 13, scored once
# (bench/pace_break_round12_study.py).
HOLD_OUT_ROUND_13P = (
    ("pace_small_partial_late", 154),
    ("pace_no_break_slow_uneven", 155),
    ("pace_cluster_partial_act", 156),
)
# Pace-break round 13 of issue 17, its hold-outs (mix, seed) for round 15, scored once
# (bench/pace_break_round13_study.py).
HOLD_OUT_ROUND_15P = (
    ("pace_sparse_partial_aug", 174),
    ("pace_no_break_freeze_lumpy", 175),
    ("pace_mixed_severity_cluster", 176),
)
# Written for round 8 after its settings were committed, scored once.
HOLD_OUT_ROUND_8 = ("act_long_contracts_lumpy", "late_act_freeze_savings", "ordinary_long_slow_cancel")
# Written for round 9 after its choice was committed, scored once.
HOLD_OUT_ROUND_9 = ("late_act_long_advances", "act_jan_short_rush_cancel", "ordinary_long_lumpy_early")
# Written for round 10 after its choice was committed, scored once.
HOLD_OUT_ROUND_10 = ("ordinary_trickle_returns", "late_act_order_may_slow", "freeze_lumpy_order_aug")
# Written for round 11 after its choice was committed, scored once.
HOLD_OUT_ROUND_11 = ("late_act_slow_milestones", "ordinary_bunched_savings", "act_mar_short_lumpy_freeze")
# Written for round 12 after its choice was committed, scored once.
HOLD_OUT_ROUND_12 = ("ordinary_short_rush_split", "late_act_feb_long_savings", "ordinary_cancel_order_jul")
# Round 13 of issue 17, the projection's hold-outs (mix, seed): written after the round-13 choice was committed,
# generated and scored once (bench/backtest_projection.py --years hold-out-13).
HOLD_OUT_ROUND_13 = (
    ("late_act_feb_many_small_slow", 151),
    ("late_wave_order_aug_savings", 152),
    ("act_jan_freeze_may_order_jun", 153),
)
# Round 14 of issue 17, the projection's hold-outs (mix, seed): written after the round-14 choice was committed,
# generated and scored once (bench/backtest_projection.py --years hold-out-14).
HOLD_OUT_ROUND_14 = (
    ("act_dec_long_end_sep_realloc", 161),
    ("ordinary_stuck_unsigned_uneven", 162),
    ("fast_start_storm_aug", 163),
)
# Round 15 of issue 17, the projection's hold-outs (mix, seed): written after the round-15 choice was committed
# (1062370), generated and scored once (bench/backtest_projection.py --years hold-out-15).
HOLD_OUT_ROUND_15 = (
    ("act_feb_rising_wave_cancel_jul", 171),
    ("ordinary_slow_q1_savings_bunched", 172),
    ("late_wave_freeze_apr_long_lumpy", 173),
)
# Round 16 of issue 17, the projection's hold-outs (mix, seed): written after the round-16 choice was committed
# (db9e093), generated and scored once (bench/backtest_projection.py --years hold-out-16).
HOLD_OUT_ROUND_16 = (
    ("act_jan_slow_contracts_realloc_jun", 181),
    ("ordinary_early_finish_cancel_savings", 182),
    ("act_dec_freeze_mar_lumpy_long", 183),
)
# Round 17 of issue 17, the projection's hold-outs (mix, seed): written after the round-17 choice was committed
# (f39fbcd), generated and scored once (bench/backtest_projection.py --years hold-out-17).
HOLD_OUT_ROUND_17 = (
    ("ordinary_savings_returned_cancel_aug", 186),
    ("act_feb_realloc_may_cancel_jul", 187),
    ("fast_start_freeze_jan_lumpy_short", 188),
)

# Round 18 of issue 17, the projection's hold-outs (mix, seed): written after the round-18 choice was committed
# (53323db), generated and scored once (bench/backtest_projection.py --years hold-out-18).
HOLD_OUT_ROUND_18 = (
    ("act_feb_slow_final_returns_aug", 191),
    ("ordinary_mid_wave_short_bunched", 192),
    ("act_jan_freeze_apr_realloc_aug_lumpy", 193),
)
# Round 19 of issue 17, the projection's hold-outs (mix, seed): written after the round-19 choice was committed
# (5cb6a12), generated and scored once (bench/backtest_projection.py --years hold-out-19).
HOLD_OUT_ROUND_19 = (
    ("act_mar_long_advances_cancel_jul", 196),
    ("ordinary_slow_trickle_many_unsigned", 197),
    ("act_dec_freeze_feb_short_realloc_jul", 198),
)
# Round 20 of issue 17, the projection's hold-outs (mix, seed): written after the round-20 choice was committed
# (52a6178), generated and scored once (bench/backtest_projection.py --years hold-out-20).
HOLD_OUT_ROUND_20 = (
    ("act_apr_short_wave_savings_returned", 201),
    ("fast_start_long_slow_accept_cancel_jun", 202),
    ("act_jan_freeze_mar_lumpy_early_realloc_aug", 203),
)
# Round 22 of issue 17, the projection's hold-outs (mix, seed): written after the round-22 choice was committed
# (e230510), generated and scored once (bench/backtest_projection.py --years hold-out-22; round 21 wrote none).
HOLD_OUT_ROUND_22 = (
    ("act_nov_fast_wave_long_slow_final", 206),
    ("ordinary_slow_q1_freeze_dec_short_cancel_aug", 207),
    ("act_mar_lumpy_savings_realloc_jun_uneven", 208),
)
# Round 23 of issue 17, the projection's hold-outs (mix, seed): written after the round-23 choice was committed
# (5ede5b7), generated and scored once (bench/backtest_projection.py --years hold-out-23).
HOLD_OUT_ROUND_23 = (
    ("act_jan_wave_long_slow_final_cancel_jul", 209),
    ("act_dec_short_savings_moved_rush", 210),
    ("ordinary_half_trickle_freeze_apr_lumpy_advances", 211),
)
# Round 24 of issue 17, the projection's hold-outs (mix, seed): written and committed before the round-24 choice and
# before they were generated; scored once after the choice was committed (bench/backtest_projection.py --years
# hold-out-24).
HOLD_OUT_ROUND_24 = (
    ("act_nov_late_wave_long_advances_cancel_aug", 212),
    ("ordinary_slow_q1_late_oct_wave_lumpy_savings_bunched", 213),
    ("act_jan_late_wave_short_realloc_jul_early_finish", 214),
    # written after the choice (8aaf510), before it was generated; scored once on its own (run r24h2)
    ("ordinary_long_thin_wave_lumpy_slow_q1_advances", 215),
)
# Round 25 of issue 17, the projection's hold-outs (mix, seed): written and committed before the round-25 choice and
# before they were generated; scored once after the choice was committed (bench/backtest_projection.py --years
# hold-out-25).
HOLD_OUT_ROUND_25 = (
    ("ordinary_nov_wave_slow_accept_instalments_jun_hit", 216),
    ("act_dec_savings_returned_realloc_aug_medium", 217),
    ("fast_start_long_lumpy_cancel_jun", 218),
)


# --------------------------------------------------------------------------- calendar


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in HOLIDAYS


def next_working_day(day: date) -> date:
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def month_last_working_days(day: date, count: int = 4) -> list[date]:
    """The last `count` working days of the day's month."""
    last = date(day.year + day.month // 12, day.month % 12 + 1, 1) - timedelta(days=1)
    days = []
    while len(days) < count:
        if is_working_day(last):
            days.append(last)
        last -= timedelta(days=1)
    return days


def be_date(day: date | None) -> str:
    """'13/09/2562' (Buddhist Era), '' for none."""
    return "" if day is None else f"{day.day:02d}/{day.month:02d}/{day.year + 543}"


def money(satang: int) -> str:
    """'1,234,567.50' from satang."""
    return f"{satang // 100:,}.{satang % 100:02d}"


# --------------------------------------------------------------------------- the year


@dataclass
class Project:
    code: str
    owner: str
    owner_type: str
    province: str | None
    name: str
    budget_type: str
    agency: str
    allocation: int  # satang
    contract: int | None = None
    signed: date | None = None
    start: date | None = None
    end: date | None = None
    payments: list[tuple[date, int]] = field(default_factory=list)  # posting date, satang (any year)
    moved_out: list[tuple[date, int, str | None, str]] = field(default_factory=list)  # date, satang, to, kind


@dataclass
class Year:
    mix: Mix
    seed: int
    projects: list[Project]
    hit_provinces: dict[str, date]  # province (or cluster plan) -> the day its pace broke
    early_provinces: list[str]


def _reference() -> tuple[list[dict], list[dict]]:
    def rows(name: str) -> list[dict]:
        with open(ROOT / "data" / "reference" / name, encoding="utf-8") as handle:
            return list(csv.DictReader(handle))

    return rows("provinces.csv"), rows("clusters.csv")


@dataclass(frozen=True)
class AreaShapes:
    """Each area's own character, kept by consecutive years (issue 18): its pace (the factor on its delays
    and signing lag) and whether it finishes early; a year departs from the pace by its own noise."""

    pace: dict[str, float]
    early: frozenset[str]
    noise: float  # lognormal sigma of a year's own departure from each area's pace


def area_shapes(pair_seed: int, mix: Mix, noise: float = 0.15) -> AreaShapes:
    """Areas' paces and early finishers drawn once for a pair of years (deterministic per pair seed): the
    mix's spread of paces, and early finishers at the mix's share but at least a tenth of provinces (so a
    pair of mixes without early finishers still has some areas whose fast shape carries over)."""
    rng = random.Random(f"shapes:{pair_seed}")
    provinces, clusters = _reference()
    pace = {p["province_code"]: math.exp(rng.gauss(0, mix.area_pace_sd)) for p in provinces}
    pace.update({c["cluster_code"]: math.exp(rng.gauss(0, mix.area_pace_sd * 0.6)) for c in clusters})
    early = frozenset(p["province_code"] for p in provinces if rng.random() < max(mix.early_finishers, 0.1))
    return AreaShapes(pace, early, noise)


def generate(mix: Mix, seed: int, shapes: AreaShapes | None = None) -> Year:
    """One fiscal year of projects and payments with the mix's dynamics (deterministic per seed); with
    `shapes`, each area keeps the given pace (times this year's noise) and early finishing."""
    rng = random.Random(f"{mix.name}:{seed}")
    provinces, clusters = _reference()
    province_codes = [p["province_code"] for p in provinces]
    hit = rng.sample(province_codes, mix.disaster_provinces)  # (a province may also be in a hit cluster)
    # A whole cluster hit is one of the smaller ones (at most four provinces), so a year's disasters stay
    # a minority of provinces.
    small = [c["cluster_code"] for c in clusters if sum(p["cluster_code"] == c["cluster_code"] for p in provinces) <= 4]
    hit_clusters = rng.sample(small, mix.disaster_clusters)
    hit += [c for c in hit_clusters] + [
        p["province_code"] for p in provinces if p["cluster_code"] in hit_clusters and p["province_code"] not in hit
    ]
    # A disaster hits each province on a day of its own within a week of the mix's date (a cluster's
    # members together, on the cluster's day).
    hit_days = {code: next_working_day(mix.disaster_date + timedelta(days=rng.randint(0, 6))) for code in hit}
    for p in provinces:
        if p["cluster_code"] in hit_clusters:
            hit_days[p["province_code"]] = hit_days[p["cluster_code"]]
    severity = {code: mix.disaster_severity for code in hit_days}
    if mix.disaster_severity_range is not None:  # drawn only then: earlier mixes' random streams are unchanged
        severity = {code: rng.uniform(*mix.disaster_severity_range) for code in sorted(hit_days)}
    early = [code for code in province_codes if code not in hit_days and rng.random() < mix.early_finishers]
    # How slow each area and each agency in it is (multiplies the delays and the signing lag).
    pace = {code: math.exp(rng.gauss(0, mix.area_pace_sd)) for code in province_codes}
    pace.update({c["cluster_code"]: math.exp(rng.gauss(0, mix.area_pace_sd * 0.6)) for c in clusters})
    if shapes is not None:  # consecutive years: each area's own pace and early finishing, plus noise
        early = [code for code in province_codes if code in shapes.early and code not in hit_days]
        pace = {code: shapes.pace[code] * math.exp(rng.gauss(0, shapes.noise)) for code in pace}
    projects: list[Project] = []
    counter = 0

    def new_code() -> str:
        nonlocal counter
        counter += 1
        return f"SY{counter:05d}"

    owners = [(p["province_code"], "province", p["province_code"], rng.uniform(100, 450)) for p in provinces]
    owners += [(c["cluster_code"], "cluster", None, rng.uniform(200, 600)) for c in clusters]
    for owner, owner_type, province, budget_million in owners:
        agency_pace = {a: math.exp(rng.gauss(0, 0.25)) for a in AGENCIES}
        area_projects: list[Project] = []
        remaining = int(budget_million * 1e8)  # satang
        while remaining > 30_000_000:
            kind = rng.choices(("investment", "operating", "other"), weights=(0.55, 0.38, 0.07))[0]
            median, sigma, low, high = {
                "investment": (7e6, 0.8, 5e5, 6e7),
                "operating": (1.2e6, 0.7, 1e5, 8e6),
                "other": (2e6, 0.6, 2e5, 1e7),
            }[kind]
            if kind == "investment" and mix.investment_size != 1.0:
                median, low, high = (value * mix.investment_size for value in (median, low, high))
            amount = min(max(rng.lognormvariate(math.log(median), sigma), low), high)
            satang = min(int(round(amount, -3)) * 100, remaining)
            remaining -= satang
            agency = rng.choice(AGENCIES)
            name = (rng.choice(WORKS) if kind == "investment" else rng.choice(EVENTS)) + f" {owner}-{counter + 1}"
            project = Project(new_code(), owner, owner_type, province, name, kind, agency, satang)
            factor = pace[owner] * agency_pace[agency]
            if kind == "investment":
                _investment(rng, mix, project, factor, owner in early)
            else:
                _operating(rng, mix, project, factor)
            area_projects.append(project)
        _savings_and_cancellations(rng, mix, area_projects, new_code, pace[owner])
        if mix.reallocation:
            _reallocation(rng, mix, area_projects, new_code, pace[owner])
        projects.extend(area_projects)
    for project in projects:
        _finish_payments(rng, mix, project)
        if project.owner in hit_days:  # after the posting habits: nothing is posted the usual way then
            _disaster(rng, mix, project, hit_days[project.owner], severity[project.owner])
    return Year(mix, seed, projects, hit_days, early)


def _investment(rng: random.Random, mix: Mix, project: Project, factor: float, early: bool) -> None:
    """Signing, contract, plan and instalments of an investment project (dates may run past 30 Sep)."""
    act = max(mix.budget_act, FY_START)
    if rng.random() < mix.unsigned_share * min(factor, 2.0):
        project.start, project.end = date(2019, 3, 1), date(2019, 9, 30)  # the original plan, never signed
        return
    if rng.random() < mix.wave_share:
        first, last = mix.wave
        signed = first + timedelta(days=rng.uniform(0, (last - first).days))
        signed += timedelta(days=rng.expovariate(1 / 12) * factor)
    else:
        first, last = mix.wave[1], mix.trickle_end
        signed = first + timedelta(days=rng.uniform(0, max((last - first).days, 1)))
    signed = next_working_day(max(signed, act + timedelta(days=rng.randint(20, 45))))
    if mix.freeze and mix.freeze[0] <= signed < mix.freeze[1]:  # nothing signed while frozen: after it
        signed = next_working_day(mix.freeze[1] + timedelta(days=rng.uniform(0, mix.freeze_catch_up) * min(factor, 2)))
    if signed > date(2019, 9, 20):
        project.start, project.end = date(2019, 3, 1), date(2019, 9, 30)
        return
    project.signed = signed
    saving = rng.uniform(*mix.savings)
    project.contract = int(round(project.allocation * (1 - saving) / 100, -3)) * 100
    scale = 0.6 if early else 1.0
    size = min(max(math.log(project.allocation / 1e8 / 3) * 25, -40), 60)  # bigger contracts run longer
    days = int(max(rng.uniform(*mix.duration) + size, 45) * scale)
    project.start = signed + timedelta(days=7)
    project.end = signed + timedelta(days=days)
    low, high = mix.instalments
    parts = min(high, low + int(project.allocation > 5e8) + int(project.allocation > 2e9) + rng.randint(0, 1))
    advance = int(project.contract * 0.15) if rng.random() < mix.advance_share else 0
    weights = [rng.uniform(0.8, 1.2) for _ in range(parts)]
    weights[-1] *= 1.3  # the final instalment holds the retention
    rest = project.contract - advance
    amounts = [int(rest * w / sum(weights)) for w in weights]
    amounts[-1] = rest - sum(amounts[:-1])
    if advance:
        project.payments.append((signed + timedelta(days=rng.randint(7, 30)), advance))
    shift = 0.0
    for k, amount in enumerate(amounts, start=1):
        shift += rng.expovariate(1 / mix.delay_mean) * factor if mix.delay_mean > 0 else 0
        due = signed + timedelta(days=days * k / parts + rng.uniform(5, 20) + shift)
        if k == parts:
            due += timedelta(days=rng.expovariate(1 / mix.final_delay_mean) * factor if mix.final_delay_mean else 0)
        project.payments.append((due, amount))


def _operating(rng: random.Random, mix: Mix, project: Project, factor: float) -> None:
    """Plan and payments of an operating or other-budget project (no contract)."""
    act = mix.budget_act
    start = FY_START + timedelta(days=rng.uniform(0, 160))
    if start < act:
        start = act + timedelta(days=rng.uniform(0, 40)) if rng.random() > 0.3 else start
    length = rng.uniform(45, 200) if project.budget_type == "operating" else rng.uniform(30, 150)
    end = min(start + timedelta(days=length), date(2019, 9, 20))
    project.start, project.end = start, end
    total = int(project.allocation * rng.uniform(0.86, 1.0))
    parts = rng.randint(2, 7) if project.budget_type == "operating" else rng.randint(1, 3)
    amounts = [rng.uniform(0.5, 1.5) for _ in range(parts)]
    shares = [int(total * a / sum(amounts)) for a in amounts]
    shares[-1] = total - sum(shares[:-1])
    for k, amount in enumerate(shares, start=1):
        due = start + (end - start) * (k / parts) + timedelta(days=rng.expovariate(1 / 12) * factor)
        if due < date(2019, 1, 1) and rng.random() > mix.q1_pace:
            due = date(2019, 1, 2) + timedelta(days=rng.uniform(0, 55))  # slow first quarter: it slips
        if due < act and rng.random() > 0.2:
            due = act + timedelta(days=rng.uniform(5, 50))
        if mix.freeze and mix.freeze[0] <= due < mix.freeze[1] and rng.random() < mix.freeze_operating:
            due = mix.freeze[1] + timedelta(days=rng.uniform(0, 40))
        project.payments.append((due, amount))


def _savings_and_cancellations(rng: random.Random, mix: Mix, projects: list[Project], new_code, factor: float) -> None:
    """Savings moved to a reserve project or returned; unsigned projects cancelled (money returned)."""
    owner = projects[0]
    signed = [p for p in projects if p.contract is not None and p.signed and p.signed < date(2019, 4, 15)]
    moving = [p for p in signed if rng.random() < mix.savings_moved and p.allocation - p.contract > 1_000_000]
    reserve_money = 0
    reserve = None
    if moving and rng.random() < 0.7:
        reserve = Project(
            new_code(),
            owner.owner,
            owner.owner_type,
            owner.province,
            f"โครงการสำรองจากเงินเหลือจ่าย {owner.owner}",
            "investment",
            AGENCIES[0],
            10_000_000,
        )
    for project in moving:
        day = next_working_day(project.signed + timedelta(days=rng.uniform(15, 60)))
        amount = project.allocation - project.contract
        if reserve is not None and day < date(2019, 5, 10):
            project.moved_out.append((day, amount, reserve.code, "savings"))
            reserve_money += amount
        else:
            project.moved_out.append((day, amount, None, "return"))
    if reserve is not None and reserve_money:
        reserve.signed = next_working_day(date(2019, 5, 15) + timedelta(days=rng.uniform(0, 40) * factor))
        reserve.contract = int((reserve.allocation + reserve_money) * 0.97 / 100) * 100
        reserve.start, reserve.end = reserve.signed + timedelta(days=7), reserve.signed + timedelta(days=100)
        half = reserve.contract // 2
        reserve.payments = [
            (reserve.signed + timedelta(days=55 + rng.expovariate(1 / 15) * factor), half),
            (
                reserve.end + timedelta(days=15 + rng.expovariate(1 / mix.final_delay_mean) * factor),
                reserve.contract - half,
            ),
        ]
        projects.append(reserve)
    for project in projects:
        if project.budget_type != "investment" or project.moved_out:
            continue
        if project.contract is None and rng.random() < mix.cancel_share:
            day = next_working_day(date(2019, 3, 15) + timedelta(days=rng.uniform(0, 150)))
            project.moved_out.append((day, project.allocation, None, "return"))
        elif mix.mass_cancel and (project.signed is None or project.signed > mix.mass_cancel[0]):
            day, share = mix.mass_cancel
            if rng.random() < share:  # a policy order cancels projects not signed by then
                project.contract = project.signed = None
                project.payments = []
                project.start, project.end = date(2019, 3, 1), date(2019, 9, 30)
                project.moved_out.append((next_working_day(day), project.allocation, None, "return"))


def _reallocation(rng: random.Random, mix: Mix, projects: list[Project], new_code, factor: float) -> None:
    """A large mid-year reallocation (โอนเปลี่ยนแปลง): on the day, a share of the owner's investment projects
    not signed by then give all their money, and a share of the signed ones their savings, to one to three
    new projects of the owner, signed two to six weeks later, short, paid in two or three instalments."""
    day, share = mix.reallocation
    day = next_working_day(day)
    owner = projects[0]
    givers: list[tuple[Project, int]] = []
    for project in projects:
        if project.budget_type != "investment" or project.moved_out:
            continue
        if (project.signed is None or project.signed > day) and rng.random() < share:
            project.contract = project.signed = None
            project.payments = []
            project.start, project.end = date(2019, 3, 1), date(2019, 9, 30)
            givers.append((project, project.allocation))
        elif (
            project.signed is not None
            and project.signed <= day
            and project.contract is not None
            and project.allocation - project.contract > 1_000_000
            and rng.random() < share
        ):
            givers.append((project, project.allocation - project.contract))
    if not givers:
        return
    new = [
        Project(
            new_code(),
            owner.owner,
            owner.owner_type,
            owner.province,
            f"{rng.choice(WORKS)} (โอนเปลี่ยนแปลง) {owner.owner}-{k + 1}",
            "investment",
            rng.choice(AGENCIES),
            10_000_000,
        )
        for k in range(rng.randint(1, 3))
    ]
    received = {p.code: 0 for p in new}
    for giver, amount in givers:
        to = rng.choice(new)
        giver.moved_out.append((day, amount, to.code, "change"))
        received[to.code] += amount
    for project in new:
        total = project.allocation + received[project.code]
        project.signed = next_working_day(day + timedelta(days=rng.uniform(14, 42) * min(factor, 2)))
        project.contract = int(total * rng.uniform(0.9, 0.98) / 100) * 100
        days = rng.randint(60, 120)
        project.start, project.end = project.signed + timedelta(days=7), project.signed + timedelta(days=days)
        parts = rng.randint(2, 3)
        amounts = [project.contract // parts] * (parts - 1)
        amounts.append(project.contract - sum(amounts))
        shift = 0.0
        for k, amount in enumerate(amounts, start=1):
            shift += rng.expovariate(1 / mix.delay_mean) * factor if mix.delay_mean > 0 else 0
            due = project.signed + timedelta(days=days * k / parts + rng.uniform(5, 15) + shift)
            if k == parts and mix.final_delay_mean:
                due += timedelta(days=rng.expovariate(1 / mix.final_delay_mean) * factor)
            project.payments.append((due, amount))
        projects.append(project)


def _disaster(rng: random.Random, mix: Mix, project: Project, day: date, severity: float) -> None:
    """A hit province: most projects' (a `severity` share) payments from the disaster on wait weeks to months."""
    if rng.random() >= severity:
        return
    wait = timedelta(days=rng.uniform(*mix.disaster_delay))
    project.payments = sorted(
        (next_working_day(due + wait) if due >= day else due, amount) for due, amount in project.payments
    )


def _finish_payments(rng: random.Random, mix: Mix, project: Project) -> None:
    """The September rush, month-end bunching, working days; payments after 30 Sep become carry-over."""
    out = []
    for due, amount in project.payments:
        if date(2019, 9, 1) <= due <= date(2019, 11, 15) and rng.random() < mix.september_rush:
            due = date(2019, 9, 10) + timedelta(days=rng.uniform(0, 18))
        due = next_working_day(due)
        if rng.random() < mix.month_end_bunching:
            candidates = [d for d in month_last_working_days(due) if d >= due]
            if candidates:
                due = rng.choice(candidates)
        if amount > 200_000 and rng.random() < mix.split_payments:  # e.g. the work paid, then the retention
            first = int(amount * rng.uniform(0.6, 0.9))
            out += [(due, first), (next_working_day(due + timedelta(days=rng.randint(1, 4))), amount - first)]
        else:
            out.append((due, amount))
    project.payments = sorted(out)


# --------------------------------------------------------------------------- files


def write_year(year: Year, folder: Path) -> dict:
    """Write the year's input files (Thai headers, BE dates, UTF-8 with BOM) and truth.json; returns the truth."""
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.csv"):
        old.unlink()
    projects = [
        [
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
    ]
    budget_th = {"investment": "งบลงทุน", "operating": "งบดำเนินงาน", "other": "งบรายจ่ายอื่น"}
    payments = [["เลขที่เอกสาร", "รหัสโครงการ", "วันที่ผ่านรายการ", "จำนวนเงิน", "แหล่งเงิน"]]
    moves = [["เลขที่อนุมัติ", "วันที่อนุมัติ", "โอนจากโครงการ", "โอนไปโครงการ", "จำนวนเงิน", "ประเภทการโอน", "เหตุผล"]]
    carries = [["รหัสโครงการ", "จำนวนเงินกันเหลื่อมปี", "มีหนี้ผูกพัน", "วันที่อนุมัติ", "ขยายเวลาเบิกจ่ายถึง"]]
    kind_th = {"savings": "เงินเหลือจ่าย", "return": "ส่งคืน", "change": "โอนเปลี่ยนแปลง"}
    doc = ref = 0
    rng = random.Random(f"files:{year.mix.name}:{year.seed}")
    for p in year.projects:
        projects.append(
            [
                p.code,
                str(FISCAL_YEAR_BE),
                p.owner,
                p.name,
                budget_th[p.budget_type],
                p.agency,
                money(p.allocation),
                "" if p.contract is None else money(p.contract),
                be_date(p.signed),
                be_date(p.start),
                be_date(p.end),
            ]
        )
        for day, amount, to, kind in p.moved_out:
            ref += 1
            moves.append(
                [f"RA{ref:05d}", be_date(day), p.code, to or "", money(amount), kind_th[kind], "โอนตามมติคณะกรรมการ"]
            )
        current = [(d, a) for d, a in p.payments if d <= FY_END]
        later = [(d, a) for d, a in p.payments if FY_END < d <= CARRY_DEADLINE]
        for day, amount in current:
            doc += 1
            payments.append([f"PV{doc:07d}", p.code, be_date(day), money(amount), "งบประมาณปีปัจจุบัน"])
        unpaid = (p.contract or 0) - sum(a for _, a in current)
        if later and p.contract is not None and unpaid > 0:
            carried = min(unpaid, sum(a for _, a in later))
            approved = next_working_day(date(2019, 10, 1) + timedelta(days=rng.randint(0, 25)))
            carries.append([p.code, money(unpaid), "มี", be_date(approved), be_date(CARRY_DEADLINE)])
            left = carried
            for day, amount in later:
                amount = min(amount, left)
                if amount <= 0:
                    break
                left -= amount
                doc += 1
                payments.append([f"PV{doc:07d}", p.code, be_date(max(day, approved)), money(amount), "เงินกันเหลื่อมปี"])
    for name, rows in (
        ("projects.csv", projects),
        ("disbursements.csv", payments),
        ("reallocations.csv", moves),
        ("carryovers.csv", carries),
    ):
        with open(folder / name, "w", encoding="utf-8-sig", newline="") as handle:
            csv.writer(handle).writerows(rows)
    truth = {
        "mix": {k: (str(v) if isinstance(v, date) else v) for k, v in asdict(year.mix).items()},
        "seed": year.seed,
        "hit_provinces": {
            code: str(day) for code, day in sorted(year.hit_provinces.items()) if not code.startswith("C")
        },
        "hit_clusters": {code: str(day) for code, day in sorted(year.hit_provinces.items()) if code.startswith("C")},
        "early_provinces": sorted(year.early_provinces),
    }
    truth["mix"] = json.loads(json.dumps(truth["mix"], default=str))
    (folder / "truth.json").write_text(json.dumps(truth, ensure_ascii=False, indent=1), encoding="utf-8")
    return truth


def build_year(mix_name: str, seed: int, out: Path) -> tuple[Path, dict]:
    """The year loaded through the real ETL into out/<mix>_<seed>.duckdb (built once); (db, truth)."""
    from etl.load import load_files

    db = out / f"{mix_name}_{seed}.duckdb"
    files = out / f"files_{mix_name}_{seed}"
    if not db.exists() or not (files / "truth.json").exists():
        if db.exists():
            db.unlink()
        year = generate(MIXES[mix_name], seed)
        write_year(year, files)
        results = load_files([files], db_path=db)
        refused = [r for r in results if r.status not in ("loaded", "unchanged")]
        if refused:
            raise RuntimeError(f"the ETL did not load {mix_name} seed {seed} cleanly: {refused}")
    return db, json.loads((files / "truth.json").read_text(encoding="utf-8"))


# Pairs of consecutive years for the projection's prior from last year's shape (issue 18): (previous year's
# mix, current year's mix, whether the areas keep their shapes, what the pair tests). The previous year is
# generated as FY2562 and moved one year back (FY2561) into the same store.
PAIRS: dict[str, tuple[str, str, bool, str]] = {
    "steady_base": ("base", "base", True, "the same mix twice, each area keeping its pace (noise 0.15)"),
    "steady_late": (
        "late_procurement",
        "late_procurement",
        True,
        "a late-procurement year twice, each area keeping its pace",
    ),
    "base_to_late": (
        "base",
        "late_procurement",
        True,
        "shape changes: a base year, then a late-procurement year (areas keep their paces)",
    ),
    "reshuffled": ("base", "base", False, "shape changes: the same mix, every area's pace drawn afresh"),
    # Added after the prior's setting was chosen on the four above (hold-out pairs for that choice).
    "steady_fast": ("fast_start", "fast_start", True, "a fast-start year twice, each area keeping its pace"),
    "late_to_base": (
        "late_procurement",
        "base",
        True,
        "shape changes: a late-procurement year, then a base year (areas keep their paces)",
    ),
}
PAIR_SEED = 18
YEAR_DAYS = 365  # 1 Oct 2017 .. 30 Sep 2019 has no 29 February: a year back is 365 days back


def move_year_back(folder: Path) -> None:
    """Rewrite a FY2562 year's files (write_year) as FY2561's: every BE date 365 days earlier, the fiscal
    year 2561, and project, document and approval codes given their own prefix (codes are unique across
    the years of one store). Only the carry-over dates cross a 29 February (2020): they land a day late
    (deadline 1 Apr 2019), which the projection never reads."""
    prefixes = {"SY": "SP", "PV": "PP", "RA": "RP"}
    for path in sorted(folder.glob("*.csv")):
        with open(path, encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.reader(handle))
        header, body = rows[0], rows[1:]
        year_column = header.index("ปีงบประมาณ") if "ปีงบประมาณ" in header else None
        for row in body:
            for position, cell in enumerate(row):
                if position == year_column:
                    row[position] = str(FISCAL_YEAR_BE - 1)
                elif len(cell) == 10 and cell[2] == "/" and cell[5] == "/":
                    day = date(int(cell[6:]) - 543, int(cell[3:5]), int(cell[:2])) - timedelta(days=YEAR_DAYS)
                    row[position] = be_date(day)
                elif cell[:2] in prefixes and cell[2:].isdigit():
                    row[position] = prefixes[cell[:2]] + cell[2:]
        with open(path, "w", encoding="utf-8-sig", newline="") as handle:
            csv.writer(handle).writerows([header, *body])


def build_pair(name: str, out: Path, seed: int = 1) -> tuple[Path, dict]:
    """The pair's two years (PAIRS) loaded through the real ETL into out/pair_<name>_<seed>.duckdb (built
    once): FY2561 from the previous mix (seed + 1000), FY2562 from the current mix (seed), sharing the areas'
    shapes (area_shapes of PAIR_SEED + seed) when the pair keeps them. Returns (db, the current year's truth)."""
    from etl.load import load_files

    previous_mix, current_mix, keep, _ = PAIRS[name]
    db = out / f"pair_{name}_{seed}.duckdb"
    before, now = out / f"files_pair_{name}_{seed}" / "2561", out / f"files_pair_{name}_{seed}" / "2562"
    if not db.exists() or not (now / "truth.json").exists():
        if db.exists():
            db.unlink()
        shapes = area_shapes(PAIR_SEED + seed, MIXES[current_mix])
        write_year(generate(MIXES[previous_mix], seed + 1000, shapes), before)
        move_year_back(before)
        redrawn = area_shapes(PAIR_SEED + seed + 500, MIXES[current_mix])
        write_year(generate(MIXES[current_mix], seed, shapes if keep else redrawn), now)
        results = load_files([before, now], db_path=db)
        refused = [r for r in results if r.status not in ("loaded", "unchanged")]
        if refused:
            raise RuntimeError(f"the ETL did not load pair {name} cleanly: {refused}")
    return db, json.loads((now / "truth.json").read_text(encoding="utf-8"))


def main() -> None:
    sys.path.insert(0, str(ROOT))
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("mix", nargs="?", default="base")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "synthetic")
    parser.add_argument("--list", action="store_true")
    args = parser.parse_args()
    if args.list:
        for name, mix in MIXES.items():
            role = (
                "calibration"
                if name in CALIBRATION
                else "hold-out (round 2)"
                if name in HOLD_OUT_ROUND_2
                else "hold-out (round 3)"
                if name in HOLD_OUT_ROUND_3
                else "hold-out (round 4)"
                if name in HOLD_OUT_ROUND_4
                else "hold-out (round 5)"
                if name in HOLD_OUT_ROUND_5
                else "hold-out (round 6)"
                if name in HOLD_OUT_ROUND_6
                else "hold-out (round 7)"
                if name in HOLD_OUT_ROUND_7
                else "hold-out (round 8)"
                if name in HOLD_OUT_ROUND_8
                else "hold-out (round 9)"
                if name in HOLD_OUT_ROUND_9
                else "hold-out (round 10)"
                if name in HOLD_OUT_ROUND_10
                else "hold-out (round 11)"
                if name in HOLD_OUT_ROUND_11
                else "hold-out (round 12)"
                if name in HOLD_OUT_ROUND_12
                else "hold-out (round 13)"
                if name in dict(HOLD_OUT_ROUND_13)
                else "hold-out (round 14)"
                if name in dict(HOLD_OUT_ROUND_14)
                else "hold-out (round 15)"
                if name in dict(HOLD_OUT_ROUND_15)
                else "hold-out (round 16)"
                if name in dict(HOLD_OUT_ROUND_16)
                else "hold-out (round 17)"
                if name in dict(HOLD_OUT_ROUND_17)
                else "hold-out (round 18)"
                if name in dict(HOLD_OUT_ROUND_18)
                else "hold-out (round 19)"
                if name in dict(HOLD_OUT_ROUND_19)
                else "hold-out (round 20)"
                if name in dict(HOLD_OUT_ROUND_20)
                else "hold-out (round 22)"
                if name in dict(HOLD_OUT_ROUND_22)
                else "hold-out (round 23)"
                if name in dict(HOLD_OUT_ROUND_23)
                else "hold-out (round 24)"
                if name in dict(HOLD_OUT_ROUND_24)
                else "hold-out (round 25)"
                if name in dict(HOLD_OUT_ROUND_25)
                else "hold-out"
            )
            print(f"{name:18} {role:12} {mix.notes}")
        return
    args.out.mkdir(parents=True, exist_ok=True)
    db, truth = build_year(args.mix, args.seed, args.out)
    print(db, json.dumps(truth["hit_provinces"]))


if __name__ == "__main__":
    main()
