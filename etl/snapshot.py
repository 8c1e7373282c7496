"""Taking weekly snapshots: the per-project state as of a date, frozen in the database.

Every figure is computed by the read side (`budget_metrics`: project state, lagging
flags, carry-over and asset status) from the published database, then written to
`snapshots` / `snapshot_projects` through `etl.store.write_session`, so the snapshot
is published atomically like any load. The writer lock is held from before the
figures are read until the new file is published, so no load can slip in between.

Each snapshot also freezes the follow-up responses (`snapshot_responses`): the application
store's latest response of every project of the fiscal year at the moment the snapshot is
taken, so a frozen week shows what had been answered then (a past week frozen later, e.g.
by --weekly, gets the responses of the moment it was taken).

A snapshot never changes afterwards: later loads that correct history change the
live figures only (see `budget_metrics.snapshots.live_vs_snapshot`). Taking the same
fiscal year and as-of date again needs `replace=True`; the old snapshot then stays in
the database with status 'replaced' and the new one records which it replaced.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import pandas as pd
import pyarrow as pa

import settings
from budget_metrics.assets import asset_counts_on_dates, asset_list
from budget_metrics.calendar import fiscal_year_bounds, fridays, previous_friday
from budget_metrics.carryover import carryover_on_dates, carryover_projects
from budget_metrics.connection import pinned_read, read_only
from budget_metrics.filters import Filters
from budget_metrics.lagging import DESCRIPTIVE, flags_on_dates, project_flags
from budget_metrics.projects import PROJECT_BASE, latest_data_date
from budget_metrics.snapshots import SNAPSHOT_RESPONSE_COLUMNS, snapshot_for, source_loads
from etl.store import write_session


class SnapshotExists(RuntimeError):
    """A snapshot for this fiscal year and as-of date exists and replace was not asked for."""


class SnapshotError(RuntimeError):
    """A snapshot cannot be taken: the fiscal year has no data."""


class SnapshotDateError(ValueError):
    """The as-of date lies outside the fiscal year."""


@dataclass(frozen=True)
class SnapshotResult:
    snapshot_id: int
    fiscal_year: int
    as_of: date
    projects: int
    replaced_snapshot_id: int | None
    source_load_ids: str


@contextmanager
def _database(db_path: Path | None) -> Iterator[Path]:
    """Point the read side (env BUDGET_DB) at db_path for the duration, then restore it."""
    path = Path(db_path) if db_path else settings.database_path()
    before = os.environ.get("BUDGET_DB")
    os.environ["BUDGET_DB"] = str(path)
    try:
        yield path
    finally:
        if before is None:
            os.environ.pop("BUDGET_DB", None)
        else:
            os.environ["BUDGET_DB"] = before


def data_window(fiscal_year: int) -> tuple[date, date] | None:
    """First day of the fiscal year and the last day with data in it (None: no data).

    The end is the latest data date clipped to the fiscal year's last day (carry-over
    payments after 30 Sep belong to the next year's window).
    """
    latest = latest_data_date(fiscal_year)
    if latest is None:
        return None
    start, end = fiscal_year_bounds(fiscal_year)
    return start, min(latest, end)


def default_as_of(fiscal_year: int) -> date | None:
    """The latest Friday with data in the fiscal year (the weekly reporting day)."""
    window = data_window(fiscal_year)
    if window is None:
        return None
    friday = previous_friday(window[1])
    return friday if friday >= window[0] else window[1]


def weekly_dates(fiscal_year: int) -> list[date]:
    """Every Friday of the fiscal year up to its latest data date."""
    window = data_window(fiscal_year)
    return fridays(*window) if window else []


def project_rows(filters: Filters) -> pd.DataFrame:
    """The per-project rows a snapshot stores, all from the read side (money float baht)."""
    state = project_flags(filters)
    state["gap_points"] = state["pct_disbursed"] - state["target_pct"]
    state["flag_codes"] = [",".join(codes) for codes in state["flags"]]
    carry = carryover_projects(filters)[["project_code", "carried", "paid", "deadline", "at_risk"]].rename(
        columns={
            "carried": "carryover_amount",
            "paid": "carryover_paid",
            "deadline": "carryover_deadline",
            "at_risk": "carryover_at_risk",
        }
    )
    assets = asset_list(filters)
    if len(assets):
        assets = assets.assign(
            transferred=assets["status"] == "transferred",
            pending=assets["status"] != "transferred",
            pending_value=assets["value"].where(assets["status"] != "transferred", 0.0),
        )
        per_project = assets.groupby("project_code", as_index=False).agg(
            assets_total=("asset_id", "count"),
            assets_transferred=("transferred", "sum"),
            assets_pending=("pending", "sum"),
            assets_overdue=("overdue", "sum"),
            assets_value_pending=("pending_value", "sum"),
        )
    else:
        per_project = pd.DataFrame(
            columns=[
                "project_code",
                "assets_total",
                "assets_transferred",
                "assets_pending",
                "assets_overdue",
                "assets_value_pending",
            ]
        )
    rows = state.merge(carry, on="project_code", how="left").merge(per_project, on="project_code", how="left")
    for column in ("assets_total", "assets_transferred", "assets_pending", "assets_overdue"):
        rows[column] = rows[column].fillna(0).astype(int)
    rows["assets_value_pending"] = rows["assets_value_pending"].fillna(0.0).astype(float)
    return rows


def project_rows_on_dates(filters: Filters, dates: list[date]) -> pd.DataFrame:
    """`project_rows` for many as-of dates at once (every Friday of a year in one pass).

    One row per project and date, the date in column `as_of` (datetime64): the stored columns
    that change by date (every STORED column except DESCRIPTIVE, which `_insert_rows_on_dates`
    joins once per project). Equal, date by date, to `project_rows` (tests/test_snapshot_years.py).
    """
    state = flags_on_dates(filters, dates)
    state["gap_points"] = state["pct_disbursed"] - state["target_pct"]
    state["flag_codes"] = [",".join(codes) for codes in state["flags"]]
    carry = carryover_on_dates(filters, dates)[["as_of", "project_code", "carried", "paid", "deadline", "at_risk"]]
    carry = carry.rename(
        columns={
            "carried": "carryover_amount",
            "paid": "carryover_paid",
            "deadline": "carryover_deadline",
            "at_risk": "carryover_at_risk",
        }
    )
    assets = asset_counts_on_dates(filters, dates)
    for frame in (carry, assets):
        frame["as_of"] = pd.to_datetime(frame["as_of"]).astype(state["as_of"].dtype)
    rows = state.merge(carry, on=["as_of", "project_code"], how="left").merge(
        assets, on=["as_of", "project_code"], how="left"
    )
    for column in ("assets_total", "assets_transferred", "assets_pending", "assets_overdue"):
        rows[column] = rows[column].fillna(0).astype(int)
    rows["assets_value_pending"] = rows["assets_value_pending"].fillna(0.0).astype(float)
    return rows


# Stored columns, in table order (after snapshot_id); money columns are rounded to satang.
STORED = [
    "project_code",
    "project_name",
    "owner",
    "owner_type",
    "owner_name_th",
    "owner_name_en",
    "province_code",
    "cluster_code",
    "region",
    "budget_type",
    "implementing_agency",
    "planned_end",
    "contract_date",
    "contract_amount",
    "allocated_amount",
    "reallocated_in",
    "reallocated_out",
    "current_allocation",
    "committed",
    "disbursed",
    "remaining",
    "uncommitted",
    "disbursed_carryover",
    "last_payment_date",
    "pct_disbursed",
    "target_pct",
    "gap_points",
    "flag_codes",
    "reasons_th",
    "reasons_en",
    "money_at_risk",
    "carryover_amount",
    "carryover_paid",
    "carryover_deadline",
    "carryover_at_risk",
    "assets_total",
    "assets_transferred",
    "assets_pending",
    "assets_overdue",
    "assets_value_pending",
]
MONEY = {
    "contract_amount",
    "allocated_amount",
    "reallocated_in",
    "reallocated_out",
    "current_allocation",
    "committed",
    "disbursed",
    "remaining",
    "uncommitted",
    "disbursed_carryover",
    "money_at_risk",
    "carryover_amount",
    "carryover_paid",
    "assets_value_pending",
}
DATES = {"planned_end", "contract_date", "last_payment_date", "carryover_deadline"}


# The columns of a frozen follow-up answer, as the read side lists them (frozen_at is added on freezing).
RESPONSE_COLUMNS = [column for column in SNAPSHOT_RESPONSE_COLUMNS if column != "frozen_at"]


def current_responses(fiscal_year: int) -> pd.DataFrame:
    """The application store's latest follow-up response of each project of the fiscal year
    (appstore, BUDGET_APP_DB), as a snapshot freezes them: RESPONSE_COLUMNS + frozen_at, times
    naive UTC. A store that cannot be read stops the snapshot (nothing is published)."""
    import appstore

    try:
        frame = appstore.latest_responses(fiscal_year)
    except Exception as error:
        raise RuntimeError(
            f"อ่านคำชี้แจงจากฐานข้อมูลแอป (BUDGET_APP_DB) ไม่ได้ ไม่ได้บันทึกสแนปช็อต — cannot read the follow-up "
            f"responses from the application store (BUDGET_APP_DB); no snapshot was taken: "
            f"{type(error).__name__}: {error}"
        ) from error
    frozen_at = datetime.now(UTC).replace(tzinfo=None)
    out = frame[RESPONSE_COLUMNS].copy()
    for column in ("updated_at", "created_at"):
        out[column] = [value.astimezone(UTC).replace(tzinfo=None) for value in out[column]]
    out["expected_amount"] = [None if _missing(value) else str(value) for value in out["expected_amount"]]
    out["frozen_at"] = frozen_at
    return out


def _missing(value) -> bool:
    """None, NaN or NaT (pandas fills a frame's gaps with NaN, which DuckDB would store as 'nan')."""
    return value is None or (not isinstance(value, str) and bool(pd.isna(value)))


def _insert_responses(con, snapshot_id: int, responses: pd.DataFrame) -> None:
    """Freeze the responses with the snapshot (amounts exact: passed as text, cast to DECIMAL)."""
    if responses is None or responses.empty:
        return
    frame = responses.assign(snapshot_id=snapshot_id).astype(object)
    con.executemany(
        """INSERT INTO snapshot_responses (snapshot_id, fiscal_year, project_code, cause_code, action_taken,
               expected_payment_date, expected_amount, note, version, updated_at, updated_by, created_at,
               created_by, frozen_at)
           VALUES (?, ?, ?, ?, ?, ?, CAST(? AS DECIMAL(18,2)), ?, ?, ?, ?, ?, ?, ?)""",
        [
            [row["snapshot_id"], *[None if _missing(row[c]) else row[c] for c in RESPONSE_COLUMNS], row["frozen_at"]]
            for row in frame.to_dict("records")
        ],
    )


def _select_list() -> str:
    parts = []
    for column in STORED:
        if column in MONEY:
            # round first: DECIMAL(18,2) sums read back as floats; round-to-satang restores them
            parts.append(f"round({column}::DOUBLE, 2)::DECIMAL(18,2)")
        elif column in DATES:
            parts.append(f"{column}::DATE")
        else:
            parts.append(column)
    return ", ".join(parts)


def take_snapshot(
    fiscal_year: int = 2562,
    as_of: date | None = None,
    replace: bool = False,
    db_path: Path | None = None,
    now: datetime | None = None,
    wait_seconds: float | None = None,
) -> SnapshotResult:
    """Freeze the per-project state of a fiscal year as of a date (default: latest Friday with data).

    Raises SnapshotExists when a current snapshot for that date exists and replace is
    False, SnapshotError when the year has no data or the date lies outside it, LockTimeout
    when another writer holds the lock longer than `wait_seconds` (default BUDGET_LOCK_TIMEOUT).
    """
    with _database(db_path) as path, write_session(path, wait_seconds=wait_seconds) as con:
        if as_of is None:
            as_of = default_as_of(fiscal_year)
            if as_of is None:
                raise SnapshotError(
                    f"ไม่มีข้อมูลการเบิกจ่ายของปีงบประมาณ {fiscal_year} — no data for fiscal year "
                    f"{fiscal_year}; load files first (python -m etl load FILES)"
                )
        start, end = fiscal_year_bounds(fiscal_year)
        if not start <= as_of <= end:
            raise SnapshotDateError(
                f"วันที่ {as_of} ไม่อยู่ในปีงบประมาณ {fiscal_year} ({start} ถึง {end}) — "
                f"{as_of} is outside fiscal year {fiscal_year} ({start} to {end})"
            )
        return _insert_snapshot(con, fiscal_year, as_of, replace, now or datetime.now())


def _insert_snapshot(con, fiscal_year: int, as_of: date, replace: bool, taken_at: datetime) -> SnapshotResult:
    """Compute (read side, published file) and insert one snapshot into the write session."""
    existing = snapshot_for(fiscal_year, as_of)
    if existing is not None and not replace:
        raise SnapshotExists(
            f"มีสแนปช็อต ณ วันที่ {as_of} แล้ว (หมายเลข {existing}) ใช้ --replace เพื่อแทนที่ — "
            f"a snapshot as of {as_of} exists (id {existing}); use --replace to replace it"
        )
    rows = project_rows(Filters(fiscal_year=fiscal_year, as_of=as_of))
    return _insert_header(con, fiscal_year, as_of, existing, taken_at, rows, responses=current_responses(fiscal_year))


def _insert_header(
    con,
    fiscal_year: int,
    as_of: date,
    existing: int | None,
    taken_at: datetime,
    rows: pd.DataFrame,
    pending: list | None = None,
    responses: pd.DataFrame | None = None,
) -> SnapshotResult:
    """Insert the `snapshots` row (marking the `existing` one replaced) and the project rows;
    with `pending` the rows are appended to it for one later `_insert_rows` instead."""
    load_ids = ",".join(str(int(value)) for value in source_loads()["load_id"])
    result = _new_snapshot(con, fiscal_year, as_of, existing, taken_at, len(rows), load_ids, responses)
    part = rows[STORED].assign(snapshot_id=result.snapshot_id)
    if pending is None:
        _insert_rows(con, [part])
    else:
        pending.append(part)
    return result


def _new_snapshot(
    con,
    fiscal_year: int,
    as_of: date,
    existing: int | None,
    taken_at: datetime,
    projects: int,
    load_ids: str,
    responses: pd.DataFrame | None,
) -> SnapshotResult:
    """The `snapshots` row (marking the `existing` one replaced) and its frozen responses."""
    snapshot_id = con.execute("SELECT coalesce(max(snapshot_id), 0) + 1 FROM snapshots").fetchone()[0]
    if existing is not None:
        con.execute(
            "UPDATE snapshots SET status = 'replaced', replaced_at = ? WHERE snapshot_id = ?", [taken_at, existing]
        )
    con.execute(
        """INSERT INTO snapshots (snapshot_id, fiscal_year, as_of, taken_at, source_load_ids, status,
                                  replaces_snapshot_id, replaced_at)
           VALUES (?, ?, ?, ?, ?, 'current', ?, NULL)""",
        [snapshot_id, fiscal_year, as_of, taken_at, load_ids, existing],
    )
    _insert_responses(con, snapshot_id, responses)
    return SnapshotResult(snapshot_id, fiscal_year, as_of, projects, existing, load_ids)


def _insert_rows(con, parts: list[pd.DataFrame]) -> None:
    """Insert the project rows of one or more snapshots (each frame: STORED + snapshot_id) at once."""
    if not parts:
        return
    con.register("snapshot_frame", pd.concat(parts, ignore_index=True))
    try:
        con.execute(f"INSERT INTO snapshot_projects SELECT snapshot_id::INTEGER, {_select_list()} FROM snapshot_frame")
    finally:
        con.unregister("snapshot_frame")


def _insert_rows_on_dates(con, rows: pd.DataFrame, filters: Filters) -> None:
    """Insert the rows of `project_rows_on_dates` (plus column snapshot_id), the descriptive columns
    joined from the read side's project list once per project rather than carried per date."""
    if rows.empty:
        return
    with read_only() as read:
        where, params = filters.where("p")
        descriptive = read.execute(
            f"SELECT project_code, {', '.join(DESCRIPTIVE)} FROM ({PROJECT_BASE}) p WHERE {where}", params
        ).df()
    selects = []
    for column in STORED:
        source = "d" if column in DESCRIPTIVE else "f"
        if column in MONEY:
            selects.append(f"round({source}.{column}::DOUBLE, 2)::DECIMAL(18,2)")
        elif column in DATES:
            selects.append(f"{source}.{column}::DATE")
        else:
            selects.append(f"{source}.{column}")
    # Only the stored columns, as Arrow: DuckDB scans Arrow columns natively, where a pandas
    # frame's text columns would be converted value by value.
    dynamic = rows[["snapshot_id", *(column for column in STORED if column not in DESCRIPTIVE)]]
    con.register("snapshot_frame", pa.Table.from_pandas(dynamic, preserve_index=False))
    con.register("snapshot_descriptive", descriptive)
    try:
        # Project by project, its weeks together: consecutive rows then repeat a project's names and
        # most figures, which DuckDB compresses about 3x better than week by week (docs/benchmarks.md,
        # "Ten years of weekly history"); a read of one snapshot still skips other years' row groups.
        con.execute(f"""INSERT INTO snapshot_projects SELECT f.snapshot_id::INTEGER, {", ".join(selects)}
                        FROM snapshot_frame f JOIN snapshot_descriptive d USING (project_code)
                        ORDER BY f.project_code, f.snapshot_id""")
    finally:
        con.unregister("snapshot_frame")
        con.unregister("snapshot_descriptive")


# The dashboard waits this long for another writer before it says the week cannot be frozen now.
DASHBOARD_LOCK_WAIT = 2.0


def freeze_week(
    principal, fiscal_year: int, as_of: date | None = None, replace: bool = False, db_path: Path | None = None
) -> SnapshotResult:
    """The dashboard's "freeze this week": `take_snapshot` (the same code path and writer lock as
    `python -m etl snapshot`) for an administrator only, checked here on the server
    (appstore.AccessDenied otherwise), waiting at most DASHBOARD_LOCK_WAIT seconds for another
    writer (LockTimeout then: nothing was written)."""
    from appstore.access import require_admin
    from appstore.users import current

    require_admin(current(principal), "บันทึกภาพนิ่งรายสัปดาห์", "freeze a weekly snapshot")
    return take_snapshot(fiscal_year, as_of, replace=replace, db_path=db_path, wait_seconds=DASHBOARD_LOCK_WAIT)


def take_weekly(
    fiscal_year: int = 2562, replace: bool = False, db_path: Path | None = None, log=print
) -> list[SnapshotResult]:
    """A snapshot for every Friday of the fiscal year up to its latest data date.

    Fridays that already have a snapshot are skipped unless replace is True. All of
    them are written in one write session: published together, or not at all.
    """
    return take_weekly_years([fiscal_year], replace=replace, db_path=db_path, log=log)


def take_weekly_years(
    fiscal_years: list[int], replace: bool = False, db_path: Path | None = None, log=print
) -> list[SnapshotResult]:
    """`take_weekly` of several fiscal years in one write session (published together or not at all).

    Raises SnapshotError, and publishes nothing, when one of the years has no data.
    """
    # One pinned read connection for every Friday, the figures of all a year's Fridays computed
    # in one pass of the read side (`project_rows_on_dates`), and one INSERT per year
    # (docs/benchmarks.md, "Demo data and weekly snapshots" and "Three-year demo").
    with _database(db_path) as path, write_session(path) as con, pinned_read(path):
        done = []
        taken_at = datetime.now()
        load_ids = ",".join(str(int(value)) for value in source_loads()["load_id"])
        for fiscal_year in fiscal_years:
            dates = weekly_dates(fiscal_year)
            if not dates:
                raise SnapshotError(f"ไม่มีข้อมูลของปีงบประมาณ {fiscal_year} — no data for fiscal year {fiscal_year}")
            responses = current_responses(fiscal_year)
            todo = []
            for day in dates:
                existing = snapshot_for(fiscal_year, day)
                if existing is not None and not replace:
                    log(f"snapshot {day}: มีอยู่แล้ว ข้าม — exists, skipped")
                    continue
                todo.append((day, existing))
            if not todo:
                continue
            filters = Filters(fiscal_year=fiscal_year)
            rows = project_rows_on_dates(filters, [day for day, _ in todo])
            counts = rows.groupby("as_of").size()
            ids = {}
            for day, existing in todo:
                projects = int(counts.get(pd.Timestamp(day), 0))
                result = _new_snapshot(con, fiscal_year, day, existing, taken_at, projects, load_ids, responses)
                ids[pd.Timestamp(day)] = result.snapshot_id
                log(f"snapshot {day}: id {result.snapshot_id}, {result.projects:,} projects")
                done.append(result)
            rows["snapshot_id"] = rows["as_of"].map(ids)
            _insert_rows_on_dates(con, rows, filters)
        return done


def take_demo_snapshots(
    db_path: Path | None = None, log=print, fiscal_years: list[int] | None = None
) -> list[SnapshotResult]:
    """`etl demo`'s last step: the weekly snapshots of every demo year (every Friday up to each
    year's latest data date), so snapshot mode, movers and new / cleared flags work from the
    first start. Fridays already frozen are kept."""
    from etl.demo import DEMO_YEARS

    years = fiscal_years or [year.fiscal_year for year in DEMO_YEARS]
    return take_weekly_years(years, db_path=db_path, log=log)
