"""Reference lists for pickers and labels: regions, clusters, provinces, thresholds, and the
fiscal years the store holds (which are loaded, which have cabinet targets, the default one).

Years: every record belongs to the fiscal year of its project's budget (`projects.fiscal_year`,
BE); a carry-over paid after 30 Sep stays with the year it was carried from. A store may hold
several years; `fiscal_years()` lists them, `default_fiscal_year()` is the one the dashboard
opens on, `has_targets()` says whether a year has cabinet targets at all (a year without them
has no target line: the pages say so instead of drawing one).
"""

from __future__ import annotations

from functools import lru_cache

import pandas as pd

from budget_metrics.connection import data_version, read_only


# Room for every query below (8 today) of a few published files at once (sessions on the old and the
# new file after a load): with exactly 8 a ninth query would evict one on every page, e.g. the
# years summary, which reads every year's payments.
@lru_cache(maxsize=32)
def _table(sql: str, version: str) -> pd.DataFrame:
    with read_only() as con:
        return con.execute(sql).df()


def regions() -> pd.DataFrame:
    """region, name_th, name_en, sort_order — in display order."""
    return _table("SELECT * FROM regions ORDER BY sort_order", data_version()).copy()


def clusters() -> pd.DataFrame:
    """cluster_code, name_th, name_en, region, centre_province_code."""
    return _table("SELECT * FROM clusters ORDER BY cluster_code", data_version()).copy()


def provinces() -> pd.DataFrame:
    """province_code, name_th, name_en, region, cluster_code."""
    return _table("SELECT * FROM provinces ORDER BY name_th", data_version()).copy()


def thresholds() -> dict[str, float]:
    """Threshold name -> value, from data/reference/thresholds.toml as loaded (a copy)."""
    return dict(_thresholds(data_version()))


@lru_cache(maxsize=8)
def _thresholds(version: str) -> dict[str, float]:
    # A page asks for thresholds dozens of times per render: build the dict once per file.
    frame = _table("SELECT name, value FROM thresholds", version)
    return dict(zip(frame["name"], frame["value"].astype(float), strict=True))


def fiscal_years() -> list[int]:
    """Fiscal years (BE) that have projects, newest first."""
    frame = _table("SELECT DISTINCT fiscal_year FROM projects ORDER BY 1 DESC", data_version())
    return [int(year) for year in frame["fiscal_year"]]


def default_fiscal_year() -> int | None:
    """The fiscal year (BE) the dashboard opens on: the year of the latest current-year payment,
    i.e. the year in progress; the newest loaded year when nothing is paid yet; None when no
    projects are loaded.

    A year whose budget is loaded before its first payment (next year's plan) is not the default
    while this year's money is still being paid.
    """
    return _default_fiscal_year(data_version())


@lru_cache(maxsize=8)
def _default_fiscal_year(version: str) -> int | None:
    with read_only() as con:
        row = con.execute(
            """SELECT p.fiscal_year FROM disbursements d JOIN projects p USING (project_code)
               WHERE d.source = 'current' ORDER BY d.posting_date DESC, p.fiscal_year DESC LIMIT 1"""
        ).fetchone()
    if row is not None:
        return int(row[0])
    years = fiscal_years()
    return years[0] if years else None


def previous_fiscal_year(fiscal_year: int) -> int | None:
    """fiscal_year - 1 when that year is loaded (what "same day last year" compares with), else None."""
    return fiscal_year - 1 if fiscal_year - 1 in fiscal_years() else None


def target_years() -> list[int]:
    """Fiscal years (BE) with cabinet targets in the reference data (data/reference/targets.csv),
    newest first: a year counts when its overall line has all four quarter-end targets."""
    frame = _table(
        """SELECT fiscal_year FROM targets WHERE scope = 'overall'
                      GROUP BY 1 HAVING count(DISTINCT quarter) = 4 ORDER BY 1 DESC""",
        data_version(),
    )
    return [int(year) for year in frame["fiscal_year"]]


def has_targets(fiscal_year: int, scope: str = "overall") -> bool:
    """True when the fiscal year has cabinet targets for the line `scope` ('overall' or
    'investment'; the investment line falls back to the overall targets, as `targets.target_pct`
    does). False: no target line for that year; the pages say "no cabinet targets for FY25xx".
    (Read here from the targets table, not through budget_metrics.targets, which imports this module.)"""
    frame = _table("SELECT fiscal_year, scope, count(*) AS quarters FROM targets GROUP BY 1, 2", data_version())
    complete = {(int(year), str(line)) for year, line, quarters in frame.itertuples(index=False) if quarters == 4}
    return (fiscal_year, scope) in complete or (scope != "overall" and (fiscal_year, "overall") in complete)


def years_summary() -> pd.DataFrame:
    """One row per loaded fiscal year, newest first: fiscal_year, projects, allocated (float baht,
    original allocations), first_payment / last_payment (dates of current-year payments, None
    when none), last_carryover_payment (date or None), has_targets (bool), snapshots (count of
    current weekly snapshots)."""
    frame = _table(
        """WITH years AS (SELECT fiscal_year, count(*) AS projects, sum(allocated_amount)::DOUBLE AS allocated
                          FROM projects GROUP BY 1),
                paid AS (SELECT p.fiscal_year,
                                min(d.posting_date) FILTER (WHERE d.source = 'current') AS first_payment,
                                max(d.posting_date) FILTER (WHERE d.source = 'current') AS last_payment,
                                max(d.posting_date) FILTER (WHERE d.source = 'carryover') AS last_carryover_payment
                         FROM disbursements d JOIN projects p USING (project_code) GROUP BY 1),
                frozen AS (SELECT fiscal_year, count(*) AS snapshots FROM snapshots
                           WHERE status = 'current' GROUP BY 1)
           SELECT y.fiscal_year, y.projects, y.allocated, p.first_payment, p.last_payment,
                  p.last_carryover_payment, coalesce(f.snapshots, 0) AS snapshots
           FROM years y LEFT JOIN paid p USING (fiscal_year) LEFT JOIN frozen f USING (fiscal_year)
           ORDER BY y.fiscal_year DESC""",
        data_version(),
    ).copy()
    for column in ("first_payment", "last_payment", "last_carryover_payment"):
        frame[column] = [None if pd.isna(value) else pd.Timestamp(value).date() for value in frame[column]]
    frame["has_targets"] = [has_targets(int(year)) for year in frame["fiscal_year"]]
    columns = [
        "fiscal_year",
        "projects",
        "allocated",
        "first_payment",
        "last_payment",
        "last_carryover_payment",
        "has_targets",
        "snapshots",
    ]
    return frame[columns]
