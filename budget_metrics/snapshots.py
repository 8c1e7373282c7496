"""Weekly snapshots (frozen per-project states) and what the weekly exports need.

Three groups of reads, all returning baht (float columns in DataFrames, Decimal in
scalar sums) and percent 0-100:

- bookkeeping for exports and snapshots: the source loads (`source_loads`) and when
  the data was published (`data_published_at`);
- frozen snapshots: `list_snapshots`, `snapshot_projects`, `snapshot_kpis`,
  `snapshot_areas`;
- comparisons: `compare_snapshots` (KPI deltas, movers, newly flagged / cleared) and
  `live_vs_snapshot` (where live data now differs from what was frozen for a date).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

import pandas as pd

from budget_metrics import reference
from budget_metrics.connection import read_only
from budget_metrics.filters import Filters
from budget_metrics.projects import resolve_as_of
from budget_metrics.targets import (
    LINES,
    TargetLine,
    add_line_columns,
    headline_line,
    target_line,
)


def _table_exists(con, name: str) -> bool:
    return bool(con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [name]
    ).fetchone()[0])


# --------------------------------------------------------------------------------------
# Export/snapshot bookkeeping (carry-over, assets and reallocations live in
# budget_metrics.carryover / .assets / .reallocations, shared with their pages)
# --------------------------------------------------------------------------------------


def source_loads() -> pd.DataFrame:
    """Loads whose records are in the database: load_id, file_name, sha256, kind, status,
    finished_at, data_date, rows_inserted, rows_updated (refused loads excluded)."""
    with read_only() as con:
        return con.execute(
            """SELECT load_id, file_name, sha256, kind, status, finished_at, data_date,
                      rows_inserted, rows_updated
               FROM loads WHERE status <> 'refused' ORDER BY load_id"""
        ).df()


def data_published_at() -> datetime | None:
    """When the latest load finished: the time the current data was published (None if never).

    Exports show this as their 'generated from data of' time, so the same database
    always produces the same file contents.
    """
    with read_only() as con:
        return con.execute(
            "SELECT max(finished_at) FROM loads WHERE status <> 'refused'"
        ).fetchone()[0]


# --------------------------------------------------------------------------------------
# Frozen snapshots
# --------------------------------------------------------------------------------------

# Per-project money columns stored in snapshot_projects (DECIMAL baht).
MONEY_COLUMNS = ("allocated_amount", "reallocated_in", "reallocated_out", "current_allocation",
                 "committed", "disbursed", "remaining", "uncommitted", "contract_amount",
                 "disbursed_carryover", "money_at_risk", "carryover_amount", "carryover_paid",
                 "assets_value_pending")


@dataclass(frozen=True)
class SnapshotInfo:
    """One stored snapshot (status 'current' or 'replaced')."""

    snapshot_id: int
    fiscal_year: int
    as_of: date
    taken_at: datetime
    source_load_ids: str
    status: str
    replaces_snapshot_id: int | None
    projects: int


def list_snapshots(fiscal_year: int | None = None, include_replaced: bool = False) -> pd.DataFrame:
    """Stored snapshots, newest as-of first: snapshot_id, fiscal_year, as_of, taken_at,
    source_load_ids, status ('current' / 'replaced'), replaces_snapshot_id (the snapshot a
    --replace superseded), replaced_at, projects, current_allocation, disbursed (baht),
    pct_disbursed (all budget types: the overall line's rate), investment_allocation,
    investment_disbursed (baht), investment_pct (the investment line's rate). Empty when none
    were taken; replaced ones only with include_replaced."""
    with read_only() as con:
        if not _table_exists(con, "snapshots"):
            return pd.DataFrame(columns=["snapshot_id", "fiscal_year", "as_of", "taken_at",
                                         "source_load_ids", "status", "replaces_snapshot_id",
                                         "replaced_at", "projects",
                                         "current_allocation", "disbursed", "pct_disbursed",
                                         "investment_allocation", "investment_disbursed", "investment_pct"])
        clauses, params = ["1 = 1"], []
        if fiscal_year is not None:
            clauses.append("s.fiscal_year = ?")
            params.append(fiscal_year)
        if not include_replaced:
            clauses.append("s.status = 'current'")
        frame = con.execute(
            f"""SELECT s.snapshot_id, s.fiscal_year, s.as_of, s.taken_at, s.source_load_ids,
                       s.status, s.replaces_snapshot_id, s.replaced_at,
                       count(p.project_code) AS projects,
                       coalesce(sum(p.current_allocation), 0)::DOUBLE AS current_allocation,
                       coalesce(sum(p.disbursed), 0)::DOUBLE AS disbursed,
                       coalesce(sum(p.current_allocation) FILTER (WHERE p.budget_type = 'investment'), 0)::DOUBLE
                           AS investment_allocation,
                       coalesce(sum(p.disbursed) FILTER (WHERE p.budget_type = 'investment'), 0)::DOUBLE
                           AS investment_disbursed
                FROM snapshots s LEFT JOIN snapshot_projects p USING (snapshot_id)
                WHERE {' AND '.join(clauses)}
                GROUP BY ALL
                ORDER BY s.as_of DESC, s.snapshot_id DESC""",
            params,
        ).df()
    frame["as_of"] = pd.to_datetime(frame["as_of"]).dt.date
    frame["pct_disbursed"] = (100 * frame["disbursed"] / frame["current_allocation"]).where(
        frame["current_allocation"] > 0)
    frame["investment_pct"] = (100 * frame["investment_disbursed"] / frame["investment_allocation"]).where(
        frame["investment_allocation"] > 0)
    return frame


def snapshot_for(fiscal_year: int, as_of: date) -> int | None:
    """The current snapshot id for a fiscal year and as-of date, or None."""
    with read_only() as con:
        if not _table_exists(con, "snapshots"):
            return None
        row = con.execute(
            """SELECT max(snapshot_id) FROM snapshots
               WHERE fiscal_year = ? AND as_of = ? AND status = 'current'""",
            [fiscal_year, as_of],
        ).fetchone()
    return row[0]


# The follow-up responses a snapshot froze (etl/snapshot.py; columns as appstore's
# latest_responses without the cause labels, plus frozen_at).
SNAPSHOT_RESPONSE_COLUMNS = ["fiscal_year", "project_code", "cause_code", "action_taken", "expected_payment_date",
                             "expected_amount", "note", "version", "updated_at", "updated_by", "created_at",
                             "created_by", "frozen_at"]


def snapshot_responses(snapshot_id: int) -> pd.DataFrame:
    """The follow-up responses frozen with a snapshot, by project code: SNAPSHOT_RESPONSE_COLUMNS
    (expected_amount DECIMAL baht as Decimal, timestamps naive UTC). Empty for a snapshot taken
    before responses were frozen (database schema version 2)."""
    with read_only() as con:
        if not _table_exists(con, "snapshot_responses"):
            return pd.DataFrame(columns=SNAPSHOT_RESPONSE_COLUMNS)
        rows = con.execute(
            f"""SELECT {', '.join(SNAPSHOT_RESPONSE_COLUMNS)} FROM snapshot_responses
                WHERE snapshot_id = ? ORDER BY project_code""", [snapshot_id]).fetchall()
    return pd.DataFrame(rows, columns=SNAPSHOT_RESPONSE_COLUMNS, dtype=object)


def previous_snapshot(snapshot_id: int) -> int | None:
    """The current snapshot with the latest as-of date before this one's (same fiscal year)."""
    with read_only() as con:
        row = con.execute(
            """SELECT p.snapshot_id FROM snapshots s JOIN snapshots p
                 ON p.fiscal_year = s.fiscal_year AND p.as_of < s.as_of AND p.status = 'current'
               WHERE s.snapshot_id = ? ORDER BY p.as_of DESC LIMIT 1""",
            [snapshot_id],
        ).fetchone()
    return row[0] if row else None


def snapshot_info(snapshot_id: int) -> SnapshotInfo:
    """The snapshot's header row; KeyError when there is no such snapshot."""
    with read_only() as con:
        row = con.execute(
            """SELECT s.snapshot_id, s.fiscal_year, s.as_of, s.taken_at, s.source_load_ids,
                      s.status, s.replaces_snapshot_id,
                      (SELECT count(*) FROM snapshot_projects p WHERE p.snapshot_id = s.snapshot_id)
               FROM snapshots s WHERE s.snapshot_id = ?""",
            [snapshot_id],
        ).fetchone()
    if row is None:
        raise KeyError(f"no snapshot {snapshot_id}")
    return SnapshotInfo(*row)


def _snapshot_where(filters: Filters, alias: str = "p") -> tuple[str, list]:
    """The filter's project predicate applied to stored snapshot rows (fiscal year is the snapshot's)."""
    clauses, params = [], []
    if filters.plan_type in ("province", "cluster"):
        clauses.append(f"{alias}.owner_type = ?")
        params.append(filters.plan_type)
    for column, value in (("region", filters.region), ("cluster_code", filters.cluster),
                          ("province_code", filters.province), ("budget_type", filters.budget_type)):
        if value:
            clauses.append(f"{alias}.{column} = ?")
            params.append(value)
    return (" AND ".join(clauses) or "TRUE"), params


def snapshot_projects(snapshot_id: int, filters: Filters | None = None) -> pd.DataFrame:
    """The frozen per-project rows of a snapshot (money as float baht, percent 0-100),
    narrowed by the filter's area/plan/budget type (its fiscal year and as-of are ignored).
    `flags` is a list of flag codes."""
    where, params = _snapshot_where(filters or Filters())
    with read_only() as con:
        frame = con.execute(
            f"""SELECT * FROM snapshot_projects p WHERE p.snapshot_id = ? AND {where}
                ORDER BY p.project_code""",
            [snapshot_id, *params],
        ).df()
    for column in MONEY_COLUMNS:
        if column in frame:
            frame[column] = frame[column].astype(float)
    frame["flags"] = [[code for code in (text or "").split(",") if code] for text in frame["flag_codes"]]
    return frame


@dataclass(frozen=True)
class SnapshotKpis:
    """Totals of a frozen snapshot (baht Decimal; percent 0-100), with both target lines as
    `progress.Kpis` has them: `overall` (all budget types) and `investment` (investment
    budget only), each against its own target for the snapshot's as-of date; `headline`
    names the line that drives status colours."""

    snapshot_id: int
    as_of: date
    projects: int
    current_allocation: Decimal
    committed: Decimal
    disbursed: Decimal
    remaining: Decimal
    pct_disbursed: float | None
    flagged: int
    overall: TargetLine
    investment: TargetLine
    headline: str = "overall"

    def line(self, scope: str) -> TargetLine:
        """The 'overall' or 'investment' line."""
        return self.overall if scope == "overall" else self.investment

    @property
    def lines(self) -> tuple[TargetLine, TargetLine]:
        return self.overall, self.investment

    @property
    def status(self) -> str:
        """The headline line's status."""
        return self.line(self.headline).status


def snapshot_kpis(snapshot_id: int, filters: Filters | None = None) -> SnapshotKpis:
    """Sums of the frozen rows of a snapshot (baht) with both target lines for its as-of date
    (targets and thresholds from the reference data as loaded now)."""
    filters = filters or Filters()
    info = snapshot_info(snapshot_id)
    where, params = _snapshot_where(filters)
    with read_only() as con:
        row = con.execute(
            f"""SELECT count(*), coalesce(sum(current_allocation), 0), coalesce(sum(committed), 0),
                       coalesce(sum(disbursed), 0), coalesce(sum(remaining), 0),
                       count(*) FILTER (WHERE flag_codes <> ''),
                       coalesce(sum(current_allocation) FILTER (WHERE budget_type = 'investment'), 0),
                       coalesce(sum(disbursed) FILTER (WHERE budget_type = 'investment'), 0)
                FROM snapshot_projects p WHERE p.snapshot_id = ? AND {where}""",
            [snapshot_id, *params],
        ).fetchone()
    count, current, committed, disbursed, remaining, flagged, investment_allocation, investment_disbursed = row
    limits = reference.thresholds()
    overall = target_line("overall", info.fiscal_year, info.as_of, current, disbursed, limits)
    investment = target_line("investment", info.fiscal_year, info.as_of, investment_allocation,
                             investment_disbursed, limits)
    return SnapshotKpis(snapshot_id, info.as_of, int(count), Decimal(current), Decimal(committed),
                        Decimal(disbursed), Decimal(remaining), overall.pct, int(flagged), overall, investment,
                        headline_line())


def snapshot_areas(snapshot_id: int, level: str = "province",
                   filters: Filters | None = None) -> pd.DataFrame:
    """Frozen sums per province / cluster / region: code, projects, current_allocation,
    committed, disbursed, remaining, investment_allocation, investment_disbursed (float
    baht), pct_disbursed, then both lines' columns as `progress.area_progress` has them
    (overall_pct ... investment_status, headline, status). Only areas with projects; at
    province level only province-plan projects count (as in `progress.area_progress`)."""
    key = {"province": "province_code", "cluster": "cluster_code", "region": "region"}[level]
    where, params = _snapshot_where(filters or Filters())
    info = snapshot_info(snapshot_id)
    with read_only() as con:
        frame = con.execute(
            f"""SELECT {key} AS code, count(*) AS projects,
                       sum(current_allocation)::DOUBLE AS current_allocation,
                       sum(committed)::DOUBLE AS committed, sum(disbursed)::DOUBLE AS disbursed,
                       sum(remaining)::DOUBLE AS remaining,
                       coalesce(sum(current_allocation) FILTER (WHERE budget_type = 'investment'), 0)::DOUBLE
                           AS investment_allocation,
                       coalesce(sum(disbursed) FILTER (WHERE budget_type = 'investment'), 0)::DOUBLE
                           AS investment_disbursed
                FROM snapshot_projects p
                WHERE p.snapshot_id = ? AND {key} IS NOT NULL AND {where}
                GROUP BY 1 ORDER BY 1""",
            [snapshot_id, *params],
        ).df()
    frame["pct_disbursed"] = (100 * frame["disbursed"] / frame["current_allocation"]).where(
        frame["current_allocation"] > 0)
    return add_line_columns(frame, info.fiscal_year, info.as_of, reference.thresholds(), headline_line())


# --------------------------------------------------------------------------------------
# Week over week
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Comparison:
    """Two snapshots compared: `current` against `previous` (the earlier week).

    deltas: metric -> change (baht Decimal for money, points for percentages, count for
    flagged); per line L ('overall', 'investment'): L_pct, L_target_pct, L_gap_points and
    L_gap_baht. province_movers / project_movers: DataFrames sorted by the absolute
    change in % disbursed (pct_before, pct_after, change_points, disbursed_change baht).
    newly_flagged / cleared: projects flagged now but not before, and the reverse.
    """

    current: SnapshotKpis
    previous: SnapshotKpis
    deltas: dict[str, Decimal | float | int | None]
    province_movers: pd.DataFrame
    project_movers: pd.DataFrame
    newly_flagged: pd.DataFrame
    cleared: pd.DataFrame


def _delta(after, before):
    return None if after is None or before is None else after - before


def compare_snapshots(current_id: int, previous_id: int, filters: Filters | None = None,
                      movers: int = 10) -> Comparison:
    """KPI deltas, the provinces and projects whose % disbursed moved most, and the
    projects newly flagged as lagging or cleared between two snapshots."""
    filters = filters or Filters()
    now, before = snapshot_kpis(current_id, filters), snapshot_kpis(previous_id, filters)
    deltas = {
        "current_allocation": now.current_allocation - before.current_allocation,
        "committed": now.committed - before.committed,
        "disbursed": now.disbursed - before.disbursed,
        "remaining": now.remaining - before.remaining,
        "pct_disbursed": _delta(now.pct_disbursed, before.pct_disbursed),
        "flagged": now.flagged - before.flagged,
        "projects": now.projects - before.projects,
    }
    for line in LINES:
        for field in ("pct", "target_pct", "gap_points", "gap_baht"):
            deltas[f"{line}_{field}"] = _delta(getattr(now.line(line), field), getattr(before.line(line), field))

    areas_now = snapshot_areas(current_id, "province", filters)
    areas_before = snapshot_areas(previous_id, "province", filters)
    names = reference.provinces()[["province_code", "name_th", "name_en"]].rename(
        columns={"province_code": "code"})
    province_movers = _movers(areas_now, areas_before, "code").merge(names, on="code", how="left")
    province_movers = province_movers.head(movers)

    rows_now = snapshot_projects(current_id, filters)
    rows_before = snapshot_projects(previous_id, filters)
    keep = ["project_code", "project_name", "owner_name_th", "owner_name_en"]
    project_movers = _movers(rows_now, rows_before, "project_code")
    project_movers = project_movers.merge(rows_now[keep], on="project_code", how="left").head(movers)

    flags_before = dict(zip(rows_before["project_code"], rows_before["flags"], strict=True))
    flags_now = dict(zip(rows_now["project_code"], rows_now["flags"], strict=True))
    newly = [code for code, flags in flags_now.items() if flags and not flags_before.get(code)]
    cleared = [code for code, flags in flags_before.items() if flags and not flags_now.get(code)]
    show = [*keep, "flag_codes", "reasons_th", "reasons_en", "pct_disbursed", "money_at_risk"]
    newly_flagged = rows_now[rows_now["project_code"].isin(newly)][show].reset_index(drop=True)
    cleared_rows = rows_before[rows_before["project_code"].isin(cleared)][show].reset_index(drop=True)
    if not cleared_rows.empty:  # show the project's figures now, reasons from before
        pct_now = dict(zip(rows_now["project_code"], rows_now["pct_disbursed"], strict=True))
        cleared_rows["pct_disbursed_now"] = [pct_now.get(code) for code in cleared_rows["project_code"]]
    return Comparison(now, before, deltas, province_movers, project_movers, newly_flagged, cleared_rows)


def _movers(after: pd.DataFrame, before: pd.DataFrame, key: str) -> pd.DataFrame:
    """Rows present in either frame with pct_before/after, change_points and disbursed_change."""
    left = after[[key, "pct_disbursed", "disbursed"]].rename(
        columns={"pct_disbursed": "pct_after", "disbursed": "disbursed_after"})
    right = before[[key, "pct_disbursed", "disbursed"]].rename(
        columns={"pct_disbursed": "pct_before", "disbursed": "disbursed_before"})
    both = left.merge(right, on=key, how="outer")
    both["change_points"] = both["pct_after"].fillna(0) - both["pct_before"].fillna(0)
    both["disbursed_change"] = both["disbursed_after"].fillna(0) - both["disbursed_before"].fillna(0)
    both["_order"] = both["change_points"].abs()
    both = both.sort_values(["_order", key], ascending=[False, True]).drop(columns="_order")
    return both.reset_index(drop=True)


# Columns compared between a snapshot and the live state for the same date.
COMPARED = ("current_allocation", "committed", "disbursed", "remaining")


def live_vs_snapshot(snapshot_id: int, filters: Filters | None = None) -> pd.DataFrame:
    """Projects whose live figures for the snapshot's as-of date differ from the frozen ones.

    One row per project and differing column: project_code, project_name, owner_name_th,
    column, snapshot_value, live_value, difference (baht, live - snapshot). A project
    missing on one side shows with that side's values as NaN. Empty when they agree.
    """
    info = snapshot_info(snapshot_id)
    base = filters or Filters()
    live_filters = Filters(fiscal_year=info.fiscal_year, as_of=info.as_of, plan_type=base.plan_type,
                           region=base.region, cluster=base.cluster, province=base.province,
                           budget_type=base.budget_type)
    from budget_metrics.projects import project_state

    live = project_state(live_filters)
    frozen = snapshot_projects(snapshot_id, base)
    keep = ["project_code", "project_name", "owner_name_th", *COMPARED]
    both = frozen[keep].merge(live[keep], on="project_code", how="outer", suffixes=("_snap", "_live"))
    rows = []
    for row in both.itertuples(index=False):
        record = row._asdict()
        name = record["project_name_snap"] if isinstance(record["project_name_snap"], str) \
            else record["project_name_live"]
        owner = record["owner_name_th_snap"] if isinstance(record["owner_name_th_snap"], str) \
            else record["owner_name_th_live"]
        for column in COMPARED:
            snap, live_value = record[f"{column}_snap"], record[f"{column}_live"]
            missing = pd.isna(snap) or pd.isna(live_value)
            if missing or round(float(live_value) - float(snap), 2) != 0:
                rows.append({"project_code": record["project_code"], "project_name": name,
                             "owner_name_th": owner, "column": column,
                             "snapshot_value": snap, "live_value": live_value,
                             "difference": None if missing else round(float(live_value) - float(snap), 2)})
    return pd.DataFrame(rows, columns=["project_code", "project_name", "owner_name_th", "column",
                                       "snapshot_value", "live_value", "difference"])


def week_over_week(filters: Filters, movers: int = 10) -> Comparison | None:
    """For the dashboard's snapshot mode: the snapshot of the filter's as-of date (resolved)
    compared with the previous snapshot, narrowed by the filter's area; None when the
    date has no snapshot or no earlier snapshot exists."""
    current = snapshot_for(filters.fiscal_year, resolve_as_of(filters))
    if current is None:
        return None
    previous = previous_snapshot(current)
    return None if previous is None else compare_snapshots(current, previous, filters, movers)


def live_differences(filters: Filters) -> tuple[int | None, pd.DataFrame]:
    """For the data-quality page: (snapshot id, `live_vs_snapshot` rows) for the snapshot of
    the filter's as-of date (resolved); (None, empty frame) when that date has no snapshot."""
    snapshot_id = snapshot_for(filters.fiscal_year, resolve_as_of(filters))
    if snapshot_id is None:
        return None, pd.DataFrame(columns=["project_code", "project_name", "owner_name_th", "column",
                                           "snapshot_value", "live_value", "difference"])
    return snapshot_id, live_vs_snapshot(snapshot_id, filters)


def snapshot_kpis_with_previous(filters: Filters) -> tuple[SnapshotKpis, SnapshotKpis | None] | None:
    """For the dashboard's snapshot mode: the frozen KPIs of the filter's as-of date (resolved)
    and of the previous snapshot (None when it is the first), narrowed by the filter's area;
    None when the date has no snapshot."""
    current = snapshot_for(filters.fiscal_year, resolve_as_of(filters))
    if current is None:
        return None
    previous = previous_snapshot(current)
    return (snapshot_kpis(current, filters),
            None if previous is None else snapshot_kpis(previous, filters))
