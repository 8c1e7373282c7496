"""The projects of one demo year: owners and their speed, sizes, names, contracts and plans.

Mixed into the generator (etl/demo/generator.py); every draw comes from its one random stream.
"""

from __future__ import annotations

from datetime import timedelta

from etl.demo.years import working_day_between


class ProjectPlans:
    """Owners (76 provinces, 18 clusters), their projects, contracts and planned dates."""

    def build_projects(self) -> None:
        rng = self.rng
        owners = [("province", row["province_code"]) for row in self.provinces]
        owners += [("cluster", row["cluster_code"]) for row in self.clusters]
        for owner_type, code in owners:
            roll = rng.random()
            # A minority lags clearly, some run ahead, most follow the national curve.
            if roll < 0.15:
                self.speed[code], self.pace[code] = rng.uniform(1.5, 2.1), rng.uniform(0.0, 0.3)
            elif roll < 0.32:
                self.speed[code], self.pace[code] = rng.uniform(0.6, 0.8), rng.uniform(0.8, 1.0)
            else:
                self.speed[code], self.pace[code] = rng.uniform(0.88, 1.12), rng.uniform(0.4, 0.8)
            if owner_type == "province":
                budget = rng.triangular(105e6, 450e6, 215e6)
                count = max(28, min(85, round(budget / 5.4e6 * rng.uniform(0.85, 1.15))))
            else:
                budget = rng.uniform(200e6, 600e6)
                count = rng.randint(5, 20)
            self._owner_projects(owner_type, code, budget, count)

    def _owner_projects(self, owner_type: str, owner_code: str, budget: float, count: int) -> None:
        rng = self.rng
        kinds, sizes = [], []
        for _ in range(count):
            roll = rng.random()
            if roll < 0.64:
                kinds.append("investment")
                sizes.append(rng.lognormvariate(0, 0.75))
            elif roll < 0.94:
                kinds.append("operating")
                sizes.append(0.16 * rng.lognormvariate(0, 0.6))
            else:
                kinds.append("other")
                sizes.append(0.3 * rng.lognormvariate(0, 0.5))
        scale = budget / sum(sizes)
        for seq, (budget_type, size) in enumerate(zip(kinds, sizes), start=1):
            allocated = max(100, round(size * scale / 1000)) * 1000 * 100  # whole thousand baht
            if owner_type == "province":
                province_code = owner_code
            else:
                province_code = rng.choice(self.members[owner_code])
            project = self._describe(owner_type, owner_code, province_code, budget_type, seq)
            project.allocated = allocated
            self.data.projects.append(project)

    def plan_projects(self) -> None:
        """Contract amounts and dates (investment), planned start and end (all)."""
        rng, year = self.rng, self.year
        for project in self.data.projects:
            pace = self.pace[project.owner_code]
            if project.budget_type == "investment":
                roll = rng.random()
                never = year.never_signed[0] + year.never_signed[1] * (1 - pace)
                late = year.signed_late[0] + year.signed_late[1] * (1 - pace)
                if roll < never:
                    signed = None
                elif roll < never + late:
                    signed = working_day_between(rng, year.on(4, 1), year.on(8, 20))
                else:
                    month_start = rng.choices(
                        [year.on(10, 1), year.on(11, 1), year.on(12, 1), year.on(1, 2), year.on(2, 1), year.on(3, 1)],
                        year.contract_month_weights,
                    )[0]
                    signed = working_day_between(rng, month_start, month_start + timedelta(days=27))
                if signed:
                    savings = rng.triangular(0.03, 0.15, 0.05)
                    project.contract = round(project.allocated * (1 - savings) / 10_000) * 10_000
                    project.contract_date = signed
                    project.planned_start = signed + timedelta(days=rng.randint(3, 15))
                else:
                    project.planned_start = working_day_between(rng, year.on(12, 1), year.on(3, 1))
                duration = rng.randint(60, 210)
            else:
                # Training and events mostly start early in the year.
                project.planned_start = working_day_between(
                    rng, year.start, rng.choice((year.on(11, 15), year.on(3, 15)))
                )
                duration = rng.randint(30, 150)
            project.planned_end = min(year.end, project.planned_start + timedelta(days=duration))
