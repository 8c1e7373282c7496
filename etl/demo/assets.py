"""The asset transfers of one demo year: completed investment projects' assets and their status.

Mixed into the generator (etl/demo/generator.py); every draw comes from its one random stream.
"""

from __future__ import annotations

from datetime import date, timedelta

from etl.demo.money import split
from etl.demo.names import asset_description
from etl.demo.records import Asset
from etl.demo.years import add_working_days, next_working_day


class Assets:
    """Asset records (mixed into the generator)."""

    def build_assets(self) -> None:
        """Assets of investment projects paid in full, with their transfer status on the data date."""
        rng, data_date = self.rng, self.year.as_of
        paid_by_project: dict[str, int] = {}
        last_day: dict[str, date] = {}
        for payment in self.data.payments:
            if payment.extra:
                continue  # completion is judged on the contract's own installments
            code = payment.project.code
            paid_by_project[code] = paid_by_project.get(code, 0) + payment.amount
            if payment.amount > 0:
                last_day[code] = max(last_day.get(code, payment.day), payment.day)
        seq = 0
        for project in self.data.projects:
            if project.budget_type != "investment" or not project.contract:
                continue
            paid = paid_by_project.get(project.code, 0)
            if paid < project.contract:
                continue  # not complete
            completed = add_working_days(last_day[project.code], -rng.randint(3, 12))
            items = [project.contract]
            if project.category == "agri" and rng.random() < 0.5:
                items = split(rng, project.contract, rng.randint(2, 3))
            overdue_age = (data_date - completed).days
            for item_no, value in enumerate(items, start=1):
                seq += 1
                roll = rng.random()
                if roll < (0.6 if overdue_age > 180 else 0.4):
                    status = "transferred"
                elif roll < (0.78 if overdue_age > 180 else 0.65):
                    status = "in_progress"
                else:
                    status = "pending"
                transferred = None
                if status == "transferred":
                    transferred = next_working_day(completed + timedelta(days=rng.randint(20, 150)))
                    if transferred > data_date:
                        status, transferred = "in_progress", None
                description = asset_description(project, item_no)
                self.data.assets.append(
                    Asset(
                        asset_id=f"AS{self.year.yy}-{project.owner_code}-{seq:05d}",
                        project=project,
                        description=description,
                        value=value,
                        recipient=self._recipient(project),
                        completed=completed,
                        transferred=transferred,
                        status=status,
                    )
                )
