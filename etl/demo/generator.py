"""One fiscal year of demo records from one random stream: projects, money, assets.

`generate(seed, year)` draws everything from `random.Random(seed)` (no wall-clock time), in
a fixed order (projects, contracts and plans, money, document numbers, assets), so the same
seed and year give the same records. The pieces live by record kind: etl/demo/projects.py,
money.py, assets.py, names.py (words); this class only holds the shared state.
"""

from __future__ import annotations

import random
from pathlib import Path

import settings
from etl.demo.assets import Assets
from etl.demo.checks import check_invariants
from etl.demo.money import Money
from etl.demo.names import ProjectWords, places, read_csv_rows
from etl.demo.projects import ProjectPlans
from etl.demo.records import DemoData
from etl.demo.years import FY2562, DemoYear


class Generator(ProjectWords, ProjectPlans, Money, Assets):
    """The generator's state: the random stream, the year, the reference lists, the records."""

    def __init__(self, seed: int, reference_dir: Path, year: DemoYear):
        self.rng = random.Random(seed)
        self.year = year
        self.provinces = read_csv_rows(reference_dir / "provinces.csv")
        self.clusters = read_csv_rows(reference_dir / "clusters.csv")
        self.province_by_code = {row["province_code"]: row for row in self.provinces}
        self.members: dict[str, list[str]] = {}
        for row in self.provinces:
            self.members.setdefault(row["cluster_code"], []).append(row["province_code"])
        self.places = places()
        self.data = DemoData()
        self.speed: dict[str, float] = {}  # owner code -> cumulative-curve exponent
        self.pace: dict[str, float] = {}  # owner code -> 0 (slow) .. 1 (fast) for year-end paying


def generate(seed: int = 2562, reference_dir: Path | None = None, year: DemoYear = FY2562) -> DemoData:
    """One year's demo records in memory (no files); same seed and year, same records."""
    generator = Generator(seed, Path(reference_dir) if reference_dir else settings.reference_dir(), year)
    generator.build_projects()
    generator.plan_projects()
    generator.build_money()
    generator.number_documents()
    if year.in_progress:
        generator.cut_at_data_date()
    generator.build_assets()
    generator.data.rng = generator.rng
    check_invariants(generator.data, year)
    return generator.data
