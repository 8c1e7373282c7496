"""The filter every read takes: which projects, and as of which date."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

PLAN_TYPES = ("all", "province", "cluster")
BUDGET_TYPES = ("operating", "investment", "other")


@dataclass(frozen=True)
class Filters:
    """Which projects a number covers and the date it is as of.

    fiscal_year is BE (2562). as_of None means "the latest data date". A province
    selects that province's own plan projects; a cluster selects the cluster's own
    projects plus its member provinces' projects; plan_type narrows to one plan kind.
    """

    fiscal_year: int = 2562
    as_of: date | None = None
    plan_type: str = "all"
    region: str | None = None
    cluster: str | None = None
    province: str | None = None
    budget_type: str | None = None

    def with_as_of(self, as_of: date) -> Filters:
        return replace(self, as_of=as_of)

    def where(self, alias: str = "p") -> tuple[str, list]:
        """SQL predicate over the project base (see projects.PROJECT_BASE) and its parameters."""
        plan_type = self.plan_type if self.plan_type in ("province", "cluster") else None
        wanted = [
            ("fiscal_year", self.fiscal_year),
            ("owner_type", plan_type),
            ("region", self.region),
            ("cluster_code", self.cluster),
            ("province_code", self.province),
            ("budget_type", self.budget_type),
        ]
        chosen = [(column, value) for column, value in wanted if value]
        clauses = [f"{alias}.{column} = ?" for column, _ in chosen]
        params: list = [value for _, value in chosen]
        return " AND ".join(clauses), params
