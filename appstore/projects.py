"""Where a project belongs, from the loaded records (the DuckDB read side).

The access rules need a project's owner (a province plan's province and cluster, or a
cluster plan's cluster) from the data, never from the caller, so a forged request cannot
claim another owner. The query reuses budget_metrics.projects.PROJECT_BASE, the read
side's one definition of where a project belongs; budget_metrics is the better home for
this function, and it can move there unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from appstore.errors import UnknownProject
from budget_metrics.connection import data_version, read_only
from budget_metrics.projects import PROJECT_BASE


@dataclass(frozen=True)
class ProjectOwner:
    """A project's fiscal year (BE) and owner. province_code is None for a cluster plan."""

    project_code: str
    fiscal_year: int
    owner_type: str  # 'province' or 'cluster'
    owner: str  # province code or cluster code
    province_code: str | None
    cluster_code: str | None
    owner_name_th: str | None
    owner_name_en: str | None


def project_owner(project_code: str) -> ProjectOwner:
    """The loaded project's owner; UnknownProject when the code is not loaded."""
    found = _owners(data_version()).get(project_code)
    if found is None:
        raise UnknownProject(
            "project_code",
            f"ไม่พบโครงการรหัส '{project_code}' ในข้อมูลที่โหลด",
            f"no loaded project has the code '{project_code}'",
        )
    return found


# Every save looks up one owner; reading them all once per published file (a few thousand
# rows) beats opening the DuckDB file on each save, and a new load changes the version.
@lru_cache(maxsize=2)
def _owners(version: str) -> dict[str, ProjectOwner]:
    with read_only() as con:
        rows = con.execute(
            f"""SELECT project_code, fiscal_year, owner_type, owner, province_code, cluster_code,
                       owner_name_th, owner_name_en
                FROM ({PROJECT_BASE})"""
        ).fetchall()
    return {row[0]: ProjectOwner(row[0], int(row[1]), *row[2:]) for row in rows}
