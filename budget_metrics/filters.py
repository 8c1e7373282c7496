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
        clauses = [f"{alias}.fiscal_year = ?"]
        params: list = [self.fiscal_year]
        if self.plan_type in ("province", "cluster"):
            clauses.append(f"{alias}.owner_type = ?")
            params.append(self.plan_type)
        if self.region:
            clauses.append(f"{alias}.region = ?")
            params.append(self.region)
        if self.cluster:
            clauses.append(f"{alias}.cluster_code = ?")
            params.append(self.cluster)
        if self.province:
            clauses.append(f"{alias}.province_code = ?")
            params.append(self.province)
        if self.budget_type:
            clauses.append(f"{alias}.budget_type = ?")
            params.append(self.budget_type)
        return " AND ".join(clauses), params

    @property
    def target_scope(self) -> str:
        """Which target row applies: the investment row for investment-only views."""
        return "investment" if self.budget_type == "investment" else "overall"
