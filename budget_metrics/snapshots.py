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
    TYPE_LINES,
    TargetLine,
    add_curve_lines,
    add_line_columns,
    headline_line,
    judged_line,
    selection_lines,
    shown_lines,
)


def _table_exists(con, name: str) -> bool:
    return bool(
        con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [name]).fetchone()[0]
    )


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
        return con.execute("SELECT max(finished_at) FROM loads WHERE status <> 'refused'").fetchone()[0]


# --------------------------------------------------------------------------------------
# Frozen snapshots
# --------------------------------------------------------------------------------------

# Per-project money columns stored in snapshot_projects (DECIMAL baht).
MONEY_COLUMNS = (
    "allocated_amount",
    "reallocated_in",
    "reallocated_out",
    "current_allocation",
    "committed",
    "disbursed",
    "remaining",
    "uncommitted",
    "contract_amount",
    "disbursed_carryover",
    "money_at_risk",
    "carryover_amount",
    "carryover_paid",
    "assets_value_pending",
)


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


def list_snapshots(
    fiscal_year: int | None = None, include_replaced: bool = False, filters: Filters | None = None
) -> pd.DataFrame:
    """Stored snapshots, newest as-of first: snapshot_id, fiscal_year, as_of, taken_at,
    source_load_ids, status ('current' / 'replaced'), replaces_snapshot_id (the snapshot a
    --replace superseded), replaced_at, projects, current_allocation, disbursed (baht),
    pct_disbursed (all budget types: the overall line's rate), investment_allocation,
    investment_disbursed (baht), investment_pct (the investment line's rate). Empty when none
    were taken; replaced ones only with include_replaced. The figures are the whole country's,
    or with `filters` those of its area, plan and budget type (its fiscal year and date are
    ignored): a snapshot whose frozen rows hold none of them shows 0 projects."""
    with read_only() as con:
        if not _table_exists(con, "snapshots"):
            return pd.DataFrame(
                columns=[
                    "snapshot_id",
                    "fiscal_year",
                    "as_of",
                    "taken_at",
                    "source_load_ids",
                    "status",
                    "replaces_snapshot_id",
                    "replaced_at",
                    "projects",
                    "current_allocation",
                    "disbursed",
                    "pct_disbursed",
                    "investment_allocation",
                    "investment_disbursed",
                    "investment_pct",
                ]
            )
        clauses, params = ["1 = 1"], []
        if fiscal_year is not None:
            clauses.append("s.fiscal_year = ?")
            params.append(fiscal_year)
        if not include_replaced:
            clauses.append("s.status = 'current'")
        area, area_params = _snapshot_where(filters or Filters())
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
                FROM snapshots s LEFT JOIN snapshot_projects p ON p.snapshot_id = s.snapshot_id AND {area}
                WHERE {" AND ".join(clauses)}
                GROUP BY ALL
                ORDER BY s.as_of DESC, s.snapshot_id DESC""",
            [*area_params, *params],
        ).df()
    frame["as_of"] = pd.to_datetime(frame["as_of"]).dt.date
    frame["pct_disbursed"] = (100 * frame["disbursed"] / frame["current_allocation"]).where(
        frame["current_allocation"] > 0
    )
    frame["investment_pct"] = (100 * frame["investment_disbursed"] / frame["investment_allocation"]).where(
        frame["investment_allocation"] > 0
    )
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
SNAPSHOT_RESPONSE_COLUMNS = [
    "fiscal_year",
    "project_code",
    "cause_code",
    "action_taken",
    "expected_payment_date",
    "expected_amount",
    "note",
    "version",
    "updated_at",
    "updated_by",
    "created_at",
    "created_by",
    "frozen_at",
]


def snapshot_responses(snapshot_id: int) -> pd.DataFrame:
    """The follow-up responses frozen with a snapshot, by project code: SNAPSHOT_RESPONSE_COLUMNS
    (expected_amount DECIMAL baht as Decimal, timestamps naive UTC). Empty for a snapshot taken
    before responses were frozen (database schema version 2)."""
    with read_only() as con:
        if not _table_exists(con, "snapshot_responses"):
            return pd.DataFrame(columns=SNAPSHOT_RESPONSE_COLUMNS)
        rows = con.execute(
            f"""SELECT {", ".join(SNAPSHOT_RESPONSE_COLUMNS)} FROM snapshot_responses
                WHERE snapshot_id = ? ORDER BY project_code""",
            [snapshot_id],
        ).fetchall()
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
    for column, value in (
        ("region", filters.region),
        ("cluster_code", filters.cluster),
        ("province_code", filters.province),
        ("budget_type", filters.budget_type),
    ):
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
    """Totals of a frozen snapshot (baht Decimal; percent 0-100), with the target lines as
    `progress.Kpis` has them: `overall` (all budget types) and `investment` (investment
    budget only), each against its own target for the snapshot's as-of date; `headline`
    names the line that drives status colours. A selection of one budget type is reported by
    that type's line only, as in `progress.Kpis` (`budget_type`, `own`, `lines`)."""

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
    budget_type: str | None = None
    own: TargetLine | None = None

    def line(self, scope: str) -> TargetLine:
        """The 'overall' or 'investment' line, or the chosen type's own line."""
        from budget_metrics.progress import line_of

        return line_of(self, scope)

    @property
    def lines(self) -> tuple[TargetLine, ...]:
        """The lines the selection is reported by (progress.Kpis.lines)."""
        return tuple(self.line(scope) for scope in shown_lines(self.budget_type))

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
    budget_type = filters.budget_type
    lines = selection_lines(
        info.fiscal_year,
        info.as_of,
        budget_type,
        current,
        disbursed,
        investment_allocation,
        investment_disbursed,
        reference.thresholds(),
    )
    pct = float(Decimal(disbursed) / Decimal(current) * 100) if current and current > 0 else None
    return SnapshotKpis(
        snapshot_id,
        info.as_of,
        int(count),
        Decimal(current),
        Decimal(committed),
        Decimal(disbursed),
        Decimal(remaining),
        pct,
        int(flagged),
        lines["overall"],
        lines["investment"],
        judged_line(budget_type, headline_line()),
        budget_type,
        lines.get(budget_type) if budget_type in TYPE_LINES else None,
    )


def snapshot_areas(snapshot_id: int, level: str = "province", filters: Filters | None = None) -> pd.DataFrame:
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
        frame["current_allocation"] > 0
    )
    return add_line_columns(
        frame, info.fiscal_year, info.as_of, reference.thresholds(), headline_line(), (filters or Filters()).budget_type
    )


def frozen_area_progress(snapshot_id: int, level: str = "province", filters: Filters | None = None) -> pd.DataFrame:
    """`progress.area_progress` from a snapshot's frozen rows: one row per province / cluster /
    region of the reference data (every one; an area without frozen projects has zeros), with
    the same columns (code, name_th, name_en, region, cluster_code for provinces, projects,
    money in float baht, pct_disbursed and the lines' columns) as of the snapshot's date."""
    ref_key = {"province": "province_code", "cluster": "cluster_code", "region": "region"}[level]
    names = {"province": reference.provinces, "cluster": reference.clusters, "region": reference.regions}[level]()
    base = pd.DataFrame(
        {"code": names[ref_key], "name_th": names["name_th"], "name_en": names["name_en"], "region": names["region"]}
    )
    if level == "province":
        base["cluster_code"] = names["cluster_code"]
    if level != "region":  # as area_progress orders them
        base = base.sort_values("name_th", kind="stable")
    money = [
        "current_allocation",
        "committed",
        "disbursed",
        "remaining",
        "investment_allocation",
        "investment_disbursed",
    ]
    frozen = snapshot_areas(snapshot_id, level, filters)[["code", "projects", *money]]
    frame = base.merge(frozen, on="code", how="left").reset_index(drop=True)
    frame[["projects", *money]] = frame[["projects", *money]].fillna(0)
    frame["projects"] = frame["projects"].astype(int)
    frame["pct_disbursed"] = (100 * frame["disbursed"] / frame["current_allocation"]).where(
        frame["current_allocation"] > 0
    )
    info = snapshot_info(snapshot_id)
    return add_line_columns(
        frame, info.fiscal_year, info.as_of, reference.thresholds(), headline_line(), (filters or Filters()).budget_type
    )


def frozen_curve(snapshot_id: int, filters: Filters | None = None) -> pd.DataFrame:
    """`progress.weekly_curve` from frozen figures: every Friday of the snapshot's fiscal year (and
    its own date) with each line's target, and the figures of the current snapshot taken on that
    date up to this snapshot's date (None where no snapshot was taken). Same columns as
    weekly_curve; the selection's lines as `targets.shown_lines`."""
    from budget_metrics.calendar import fiscal_year_bounds, fridays

    filters = filters or Filters()
    info = snapshot_info(snapshot_id)
    start, end = fiscal_year_bounds(info.fiscal_year)
    frozen = list_snapshots(info.fiscal_year, filters=filters)
    frozen = frozen[frozen["as_of"] <= info.as_of].drop_duplicates("as_of")
    days = sorted(set(fridays(start, end)) | {info.as_of})
    frame = pd.DataFrame({"week_end": days}).merge(
        frozen[["as_of", "disbursed", "current_allocation", "investment_disbursed", "investment_allocation"]].rename(
            columns={"as_of": "week_end"}
        ),
        on="week_end",
        how="left",
    )
    shown = shown_lines(filters.budget_type)
    add_curve_lines(frame, info.fiscal_year, filters.budget_type)
    frame["lines"] = ",".join(shown)
    return frame


# --------------------------------------------------------------------------------------
# Week over week
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Comparison:
    """Two weeks compared: `current` against `previous` (the earlier week).

    current / previous: `SnapshotKpis` of two snapshots (`compare_snapshots`), or `progress.Kpis`
    of the live data as of two dates (`compare_live`). deltas: metric -> change (baht Decimal
    for money, points for percentages, count for flagged); per line L ('overall',
    'investment', or the chosen budget type's): L_pct, L_target_pct, L_gap_points and
    L_gap_baht. flagged: (flagged projects now, before). province_movers / project_movers:
    DataFrames sorted by the absolute change in % disbursed (pct_before, pct_after,
    change_points, disbursed_change baht). newly_flagged / cleared: projects flagged now but
    not before, and the reverse.
    """

    current: SnapshotKpis
    previous: SnapshotKpis
    deltas: dict[str, Decimal | float | int | None]
    province_movers: pd.DataFrame
    project_movers: pd.DataFrame
    newly_flagged: pd.DataFrame
    cleared: pd.DataFrame
    flagged: tuple[int, int] = (0, 0)


def _delta(after, before):
    return None if after is None or before is None else after - before


def compare_snapshots(
    current_id: int, previous_id: int, filters: Filters | None = None, movers: int = 10
) -> Comparison:
    """KPI deltas, the provinces and projects whose % disbursed moved most, and the
    projects newly flagged as lagging or cleared between two snapshots (frozen figures)."""
    filters = filters or Filters()
    now, before = snapshot_kpis(current_id, filters), snapshot_kpis(previous_id, filters)
    names = reference.provinces()[["province_code", "name_th", "name_en"]].rename(columns={"province_code": "code"})
    areas = [
        snapshot_areas(snapshot_id, "province", filters).merge(names, on="code", how="left")
        for snapshot_id in (current_id, previous_id)
    ]
    rows_now, rows_before = snapshot_projects(current_id, filters), snapshot_projects(previous_id, filters)
    return _compare(now, before, filters, areas[0], areas[1], rows_now, rows_before, movers)


def compare_live(filters: Filters, earlier: date, movers: int = 10) -> Comparison:
    """`compare_snapshots` from today's data: the filters' as-of date (resolved) against `earlier`,
    both computed live (progress.Kpis, lagging flags as of each date)."""
    from budget_metrics.lagging import project_flags
    from budget_metrics.progress import area_progress, kpis

    filters = filters.with_as_of(resolve_as_of(filters))
    before_filters = filters.with_as_of(earlier)
    rows = []
    for chosen in (filters, before_filters):
        table = project_flags(chosen)
        rows.append(table.assign(flag_codes=[",".join(codes) for codes in table["flags"]]))
    return _compare(
        kpis(filters),
        kpis(before_filters),
        filters,
        area_progress(filters, "province"),
        area_progress(before_filters, "province"),
        rows[0],
        rows[1],
        movers,
    )


def _compare(
    now,
    before,
    filters: Filters,
    areas_now: pd.DataFrame,
    areas_before: pd.DataFrame,
    rows_now: pd.DataFrame,
    rows_before: pd.DataFrame,
    movers: int,
) -> Comparison:
    """The comparison of two states of a selection (KPIs, province rows with names, project rows
    with flags), frozen or live alike."""
    flagged = (sum(bool(flags) for flags in rows_now["flags"]), sum(bool(flags) for flags in rows_before["flags"]))
    deltas = {
        "current_allocation": now.current_allocation - before.current_allocation,
        "committed": now.committed - before.committed,
        "disbursed": now.disbursed - before.disbursed,
        "remaining": now.remaining - before.remaining,
        "pct_disbursed": _delta(now.pct_disbursed, before.pct_disbursed),
        "flagged": flagged[0] - flagged[1],
        "projects": now.projects - before.projects,
    }
    for line in dict.fromkeys([*LINES, *shown_lines(filters.budget_type)]):
        for field in ("pct", "target_pct", "gap_points", "gap_baht"):
            deltas[f"{line}_{field}"] = _delta(getattr(now.line(line), field), getattr(before.line(line), field))

    with_projects = [areas[areas["projects"] > 0] for areas in (areas_now, areas_before)]
    province_movers = _movers(*with_projects, "code")
    names = pd.concat([frame[["code", "name_th", "name_en"]] for frame in with_projects]).drop_duplicates("code")
    province_movers = province_movers.merge(names, on="code", how="left").head(movers)

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
    return Comparison(now, before, deltas, province_movers, project_movers, newly_flagged, cleared_rows, flagged)


def _movers(after: pd.DataFrame, before: pd.DataFrame, key: str) -> pd.DataFrame:
    """Rows present in either frame with pct_before/after, change_points and disbursed_change."""
    left = after[[key, "pct_disbursed", "disbursed"]].rename(
        columns={"pct_disbursed": "pct_after", "disbursed": "disbursed_after"}
    )
    right = before[[key, "pct_disbursed", "disbursed"]].rename(
        columns={"pct_disbursed": "pct_before", "disbursed": "disbursed_before"}
    )
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
    live_filters = Filters(
        fiscal_year=info.fiscal_year,
        as_of=info.as_of,
        plan_type=base.plan_type,
        region=base.region,
        cluster=base.cluster,
        province=base.province,
        budget_type=base.budget_type,
    )
    from budget_metrics.projects import project_state

    live = project_state(live_filters)
    frozen = snapshot_projects(snapshot_id, base)
    keep = ["project_code", "project_name", "owner_name_th", *COMPARED]
    both = frozen[keep].merge(live[keep], on="project_code", how="outer", suffixes=("_snap", "_live"))
    rows = []
    for row in both.itertuples(index=False):
        record = row._asdict()
        name = (
            record["project_name_snap"] if isinstance(record["project_name_snap"], str) else record["project_name_live"]
        )
        owner = (
            record["owner_name_th_snap"]
            if isinstance(record["owner_name_th_snap"], str)
            else record["owner_name_th_live"]
        )
        for column in COMPARED:
            snap, live_value = record[f"{column}_snap"], record[f"{column}_live"]
            missing = pd.isna(snap) or pd.isna(live_value)
            if missing or round(float(live_value) - float(snap), 2) != 0:
                rows.append(
                    {
                        "project_code": record["project_code"],
                        "project_name": name,
                        "owner_name_th": owner,
                        "column": column,
                        "snapshot_value": snap,
                        "live_value": live_value,
                        "difference": None if missing else round(float(live_value) - float(snap), 2),
                    }
                )
    return pd.DataFrame(
        rows,
        columns=[
            "project_code",
            "project_name",
            "owner_name_th",
            "column",
            "snapshot_value",
            "live_value",
            "difference",
        ],
    )


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
        return None, pd.DataFrame(
            columns=[
                "project_code",
                "project_name",
                "owner_name_th",
                "column",
                "snapshot_value",
                "live_value",
                "difference",
            ]
        )
    return snapshot_id, live_vs_snapshot(snapshot_id, filters)


def snapshot_kpis_with_previous(filters: Filters) -> tuple[SnapshotKpis, SnapshotKpis | None] | None:
    """For the dashboard's snapshot mode: the frozen KPIs of the filter's as-of date (resolved)
    and of the previous snapshot (None when it is the first), narrowed by the filter's area;
    None when the date has no snapshot."""
    current = snapshot_for(filters.fiscal_year, resolve_as_of(filters))
    if current is None:
        return None
    previous = previous_snapshot(current)
    return (snapshot_kpis(current, filters), None if previous is None else snapshot_kpis(previous, filters))
