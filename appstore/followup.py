"""Follow-up responses of lagging projects: saving them (with history and audit) and
the reads pages and exports show beside the read side's figures.

A response says why a flagged project lags (a cause from
data/reference/followup_causes.csv), what is being done, and when and how much it is
expected to pay. `followup_responses` holds the latest response of each project, so
pages read current answers in one query; `followup_response_history` keeps every save
with what changed. The loaded records stay in DuckDB: the reads here join the small
response table onto frames from budget_metrics in pandas.

Definitions (docs/appstore.md):
- fresh: the latest response was saved less than `followup_fresh_days` days (thresholds.toml)
  before the moment of reading. Freshness is counted from the clock, not from the data's
  as-of date, because answers are written now while the data date trails behind.
- response rate of an area: of the projects flagged now (budget_metrics.lagging), the
  percentage (0-100) with a fresh response; None where nothing is flagged.
- overdue: the latest response names an expected payment date that is before the data's
  as-of date, and no payment (a positive disbursement, current-year or carry-over) has
  been posted for the project since the day the response was saved (Bangkok date).
  The as-of date, not today, is the yardstick: payments are known only up to it. The
  expected amount is not compared: any payment since the response counts as progress.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pandas as pd
from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from appstore import audit, models, reference, validation
from appstore.access import Principal, require_project_write
from appstore.db import reading, transaction
from appstore.projects import ProjectOwner, project_owner
from appstore.users import current
from budget_metrics import reference as read_reference
from budget_metrics.filters import Filters
from budget_metrics.lagging import lagging_projects
from budget_metrics.projects import project_state, resolve_as_of

FIELDS = ("cause_code", "action_taken", "expected_payment_date", "expected_amount", "note")
BANGKOK = ZoneInfo("Asia/Bangkok")

RESPONSE_COLUMNS = [
    "fiscal_year",
    "project_code",
    "cause_code",
    "cause_th",
    "cause_en",
    "action_taken",
    "expected_payment_date",
    "expected_amount",
    "note",
    "version",
    "updated_at",
    "updated_by",
    "created_at",
    "created_by",
]
HISTORY_COLUMNS = [
    "fiscal_year",
    "project_code",
    "version",
    "saved_at",
    "saved_by",
    "cause_code",
    "cause_th",
    "cause_en",
    "action_taken",
    "expected_payment_date",
    "expected_amount",
    "note",
    "changes",
    "changed_fields",
]
# Columns `with_responses` adds to a project frame.
JOINED_COLUMNS = [
    "response_cause_code",
    "response_cause_th",
    "response_cause_en",
    "response_action_taken",
    "response_expected_payment_date",
    "response_expected_amount",
    "response_note",
    "response_version",
    "response_updated_at",
    "response_updated_by",
    "response_age_days",
    "response_fresh",
    "response_overdue",
]


@dataclass(frozen=True)
class SavedResponse:
    """The outcome of a save: the project, the new version number, when, by whom, and
    what changed ({field: {"old": ..., "new": ...}}, JSON-ready values)."""

    project_code: str
    fiscal_year: int
    version: int
    saved_at: datetime
    saved_by: str
    changes: dict


@dataclass(frozen=True)
class ResponseRate:
    """Flagged projects, how many have a fresh response, and the rate in percent 0-100
    (None when nothing is flagged)."""

    flagged: int
    responded: int
    rate_pct: float | None


def _json(value):
    """A value as the history's JSON keeps it: dates ISO, amounts as decimal strings."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    return value


def _clean(cause_code, action_taken, expected_payment_date, expected_amount, note) -> dict:
    return {
        "cause_code": validation.cause_code(cause_code),
        "action_taken": validation.text("action_taken", action_taken, models.ACTION_TAKEN_MAX),
        "expected_payment_date": validation.day("expected_payment_date", expected_payment_date),
        "expected_amount": validation.amount("expected_amount", expected_amount),
        "note": validation.text("note", note, models.NOTE_MAX),
    }


def _insert(session: Session):
    return (pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert)(models.FollowupResponse)


def save_response(
    principal: Principal,
    project_code: str,
    *,
    cause_code: str,
    action_taken: str | None = None,
    expected_payment_date: date | str | None = None,
    expected_amount: Decimal | float | str | None = None,
    note: str | None = None,
    url: str | None = None,
) -> SavedResponse:
    """Save the follow-up response of a loaded project, as `principal`.

    Checks, in order: the values (ValidationError: unknown cause, text too long, amount
    not in baht and satang, a date that cannot be read, see thai_date_input), the project
    (UnknownProject), the expected payment date against the project's fiscal year
    (validation.expected_payment_window), and the principal's
    right, as the store holds it now, to write for the project's owner as the loaded
    records give it (AccessDenied).
    Then, in one transaction: the latest response is replaced, a history row records the
    values and what changed, and the audit log gets a row. Every save is a new version,
    even an unchanged one: re-confirming an answer keeps it fresh. Concurrent saves of one
    project queue on a lock, so none is lost and each sees the one before it as "old".
    `SavedResponse.changes` is empty for such a re-confirmation (pages say "nothing changed").
    StoreUnavailable when the store cannot be reached: nothing is written.
    """
    values = _clean(cause_code, action_taken, expected_payment_date, expected_amount, note)
    code = validation.text("project_code", project_code, models.PROJECT_CODE_MAX, required=True)
    project = project_owner(code)
    values["expected_payment_date"] = validation.day(
        "expected_payment_date",
        values["expected_payment_date"],
        *validation.expected_payment_window(project.fiscal_year),
    )
    principal = current(principal, url)
    require_project_write(principal, project)
    return _store(principal, project, values, url)


def _store(principal: Principal, project: ProjectOwner, values: dict, url: str | None) -> SavedResponse:
    key = (
        models.FollowupResponse.fiscal_year == project.fiscal_year,
        models.FollowupResponse.project_code == project.project_code,
    )
    with transaction(url) as session:
        # Make sure the project's row exists (version 0 until this save fills it), then lock
        # it: the first saves of a project race on the insert, and the unique key lets one win.
        placeholder = audit.now()
        session.execute(
            _insert(session)
            .values(
                fiscal_year=project.fiscal_year,
                project_code=project.project_code,
                version=0,
                created_at=placeholder,
                created_by=principal.actor,
                updated_at=placeholder,
                updated_by=principal.actor,
                **values,
            )
            .on_conflict_do_nothing(index_elements=["fiscal_year", "project_code"])
        )
        row = session.scalars(
            select(models.FollowupResponse).where(*key).with_for_update().execution_options(populate_existing=True)
        ).one()
        at = audit.now()  # after the lock: versions and times run in the same order
        first = row.version == 0
        changes = {
            name: {"old": None if first else _json(getattr(row, name)), "new": _json(values[name])}
            for name in FIELDS
            if (values[name] is not None if first else getattr(row, name) != values[name])
        }
        for name in FIELDS:
            setattr(row, name, values[name])
        row.version += 1
        row.updated_at, row.updated_by = at, principal.actor
        if first:
            row.created_at, row.created_by = at, principal.actor
        session.add(
            models.FollowupResponseHistory(
                response_id=row.id,
                fiscal_year=project.fiscal_year,
                project_code=project.project_code,
                version=row.version,
                saved_at=at,
                saved_by=principal.actor,
                changes=changes,
                **values,
            )
        )
        audit.record(
            session,
            principal,
            "followup.save",
            f"{project.fiscal_year}/{project.project_code}",
            {"version": row.version, "owner_type": project.owner_type, "owner": project.owner, "changes": changes},
            at=at,
        )
        version = row.version
    return SavedResponse(project.project_code, project.fiscal_year, version, at, principal.actor, changes)


# ------------------------------------------------------------------------------- reads


def _cause_labels(frame: pd.DataFrame) -> pd.DataFrame:
    labels = reference.causes().set_index("cause_code")
    frame.insert(frame.columns.get_loc("cause_code") + 1, "cause_th", frame["cause_code"].map(labels["label_th"]))
    frame.insert(frame.columns.get_loc("cause_th") + 1, "cause_en", frame["cause_code"].map(labels["label_en"]))
    return frame


def latest_responses(
    fiscal_year: int | None = None, project_codes: Iterable[str] | None = None, url: str | None = None
) -> pd.DataFrame:
    """The latest response of each project: RESPONSE_COLUMNS, by project code.

    expected_amount is Decimal baht (object column), dates are Python dates, updated_at
    and created_at UTC timestamps. cause_th / cause_en are the reference labels.
    """
    query = select(models.FollowupResponse).order_by(
        models.FollowupResponse.fiscal_year, models.FollowupResponse.project_code
    )
    if fiscal_year is not None:
        query = query.where(models.FollowupResponse.fiscal_year == fiscal_year)
    if project_codes is not None:
        query = query.where(models.FollowupResponse.project_code.in_(list(project_codes)))
    with reading(url) as session:
        rows = session.scalars(query.where(models.FollowupResponse.version > 0)).all()
    wanted = [c for c in RESPONSE_COLUMNS if c not in ("cause_th", "cause_en")]
    frame = pd.DataFrame([{c: getattr(r, c) for c in wanted} for r in rows], columns=wanted, dtype=object)
    return _cause_labels(frame)


def response_history(project_code: str, fiscal_year: int | None = None, url: str | None = None) -> pd.DataFrame:
    """Every save of a project's response, oldest first: HISTORY_COLUMNS.

    changes is {field: {"old": ..., "new": ...}}; changed_fields lists the changed
    fields' names joined by ', ' (empty for a save that only re-confirmed).
    """
    history = models.FollowupResponseHistory
    query = select(history).where(history.project_code == project_code).order_by(history.fiscal_year, history.version)
    if fiscal_year is not None:
        query = query.where(history.fiscal_year == fiscal_year)
    with reading(url) as session:
        rows = session.scalars(query).all()
    wanted = [c for c in HISTORY_COLUMNS if c not in ("cause_th", "cause_en", "changed_fields")]
    frame = pd.DataFrame([{c: getattr(r, c) for c in wanted} for r in rows], columns=wanted, dtype=object)
    frame["changed_fields"] = [", ".join(changes) for changes in frame["changes"]]
    return _cause_labels(frame)


def saved_day(saved_at: datetime) -> date:
    """The Bangkok calendar day of a UTC save time (posting dates are Thai dates)."""
    return saved_at.astimezone(BANGKOK).date()


def is_overdue(
    expected_payment_date: date | None, saved_at: datetime | None, last_payment_date: date | None, as_of: date
) -> bool:
    """The module docstring's rule: the expected date is before the data's as-of date and
    no payment has been posted since the day the response was saved."""
    if expected_payment_date is None or saved_at is None or not expected_payment_date < as_of:
        return False
    return last_payment_date is None or last_payment_date < saved_day(saved_at)


def _day_or_none(value) -> date | None:
    """A Python date from a date, a pandas Timestamp, or a missing value (None)."""
    if value is None or pd.isna(value):  # pandas' NaT is a datetime too
        return None
    if isinstance(value, datetime):  # pandas Timestamps are datetimes too
        return value.date()
    return value


def with_responses(
    projects: pd.DataFrame,
    as_of: date,
    *,
    now: datetime | None = None,
    fresh_days: int | None = None,
    url: str | None = None,
    responses: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """A copy of a read-side project frame (fiscal_year, project_code and last_payment_date
    columns, e.g. from lagging_projects or project_state) with each project's latest
    response beside it: the JOINED_COLUMNS, None where a project has no response.

    response_age_days is whole days since the save; response_fresh and response_overdue
    (booleans, False without a response) follow the module docstring, with `as_of` the
    data's as-of date the frame was computed for and `now` the time of reading (UTC).
    `responses` (a latest_responses frame, e.g. the copy a weekly snapshot froze, see
    `response_source`) replaces reading the store.
    """
    now = now or datetime.now(UTC)
    fresh_days = reference.followup_fresh_days() if fresh_days is None else fresh_days
    if responses is None:
        years = sorted({int(year) for year in projects["fiscal_year"]})
        found = [latest_responses(year, url=url) for year in years]
        responses = pd.concat(found, ignore_index=True) if found else latest_responses(url=url).iloc[0:0]
    responses = responses.drop(columns=["created_at", "created_by"]).rename(
        columns=lambda c: c if c in ("fiscal_year", "project_code") else f"response_{c}"
    )
    responses["fiscal_year"] = responses["fiscal_year"].astype("int64")
    left = projects.copy()
    left["fiscal_year"] = left["fiscal_year"].astype("int64")
    joined = left.merge(responses, on=["fiscal_year", "project_code"], how="left")
    for column in responses.columns.drop(["fiscal_year", "project_code"]):
        joined[column] = joined[column].astype(object).where(joined[column].notna(), None)

    cutoff = now - timedelta(days=fresh_days)
    saved = joined["response_updated_at"]
    last_paid = joined["last_payment_date"] if "last_payment_date" in joined else [None] * len(joined)
    joined["response_age_days"] = [
        None if when is None else int((now - when).total_seconds() // 86400) for when in saved
    ]
    joined["response_fresh"] = [when is not None and when > cutoff for when in saved]
    joined["response_overdue"] = [
        is_overdue(_day_or_none(expected), when, _day_or_none(paid), as_of)
        for expected, when, paid in zip(joined["response_expected_payment_date"], saved, last_paid, strict=True)
    ]
    joined["response_fresh"] = joined["response_fresh"].astype(bool)
    joined["response_overdue"] = joined["response_overdue"].astype(bool)
    return joined


def overdue_responses(filters: Filters, *, url: str | None = None) -> pd.DataFrame:
    """Projects of the selection whose latest response is overdue (module docstring), most
    overdue first: the project state columns, the JOINED_COLUMNS and days_overdue (days
    from the expected payment date to the data's as-of date)."""
    as_of = resolve_as_of(filters)
    joined = with_responses(project_state(filters), as_of, url=url)
    overdue = joined[joined["response_overdue"]].copy()
    overdue["days_overdue"] = [(as_of - day).days for day in overdue["response_expected_payment_date"]]
    return overdue.sort_values(["days_overdue", "project_code"], ascending=[False, True]).reset_index(drop=True)


def _areas(filters: Filters, level: str) -> pd.DataFrame:
    """The areas of a level within the filter's region/cluster/province, with names."""
    if level == "province":
        areas = read_reference.provinces()
        keep = pd.Series(True, index=areas.index)
        for column, wanted in (
            ("region", filters.region),
            ("cluster_code", filters.cluster),
            ("province_code", filters.province),
        ):
            if wanted:
                keep &= areas[column] == wanted
        return areas[keep].rename(columns={"province_code": "area_code"})[["area_code", "name_th", "name_en"]]
    if level == "cluster":
        areas = read_reference.clusters()
        keep = pd.Series(True, index=areas.index)
        if filters.region:
            keep &= areas["region"] == filters.region
        if filters.cluster:
            keep &= areas["cluster_code"] == filters.cluster
        if filters.province:
            cluster = read_reference.provinces().set_index("province_code")["cluster_code"].get(filters.province)
            keep &= areas["cluster_code"] == cluster
        return areas[keep].rename(columns={"cluster_code": "area_code"})[["area_code", "name_th", "name_en"]]
    raise ValueError(f"level must be 'province' or 'cluster', not {level!r}")


def _flagged_with_responses(
    filters: Filters,
    flagged: pd.DataFrame | None,
    now: datetime | None,
    fresh_days: int | None,
    url: str | None,
    responses: pd.DataFrame | None = None,
) -> pd.DataFrame:
    flagged = lagging_projects(filters) if flagged is None else flagged
    if "response_fresh" in flagged:  # already joined (with_responses): count it as it is
        return flagged
    return with_responses(flagged, resolve_as_of(filters), now=now, fresh_days=fresh_days, url=url, responses=responses)


def response_rates(
    filters: Filters,
    level: str = "province",
    *,
    flagged: pd.DataFrame | None = None,
    now: datetime | None = None,
    fresh_days: int | None = None,
    url: str | None = None,
    responses: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Response rate per province or cluster, in the reference order of the areas.

    Columns: area_code, name_th, name_en, flagged (projects flagged now), responded (of
    them, with a fresh response), rate_pct (percent 0-100, None when nothing is flagged),
    overdue (of them, with an overdue response). A province counts its own plan's
    projects; a cluster its own plan's projects and its member provinces'. Pass the
    page's lagging_projects(filters) frame as `flagged` to avoid computing it twice (or that
    frame already joined by `with_responses`, to avoid reading the store again).
    """
    joined = _flagged_with_responses(filters, flagged, now, fresh_days, url, responses)
    column = {"province": "province_code", "cluster": "cluster_code"}.get(level)
    areas = _areas(filters, level)
    counts = (
        joined[joined[column].notna()]
        .groupby(column)
        .agg(flagged=("project_code", "size"), responded=("response_fresh", "sum"), overdue=("response_overdue", "sum"))
    )
    table = areas.merge(counts, left_on="area_code", right_index=True, how="left")
    for name in ("flagged", "responded", "overdue"):
        table[name] = table[name].fillna(0).astype(int)
    table["rate_pct"] = [
        100.0 * r / f if f else None for r, f in zip(table["responded"], table["flagged"], strict=True)
    ]
    return table[["area_code", "name_th", "name_en", "flagged", "responded", "rate_pct", "overdue"]].reset_index(
        drop=True
    )


def response_rate_total(
    filters: Filters,
    *,
    flagged: pd.DataFrame | None = None,
    now: datetime | None = None,
    fresh_days: int | None = None,
    url: str | None = None,
    responses: pd.DataFrame | None = None,
) -> ResponseRate:
    """The response rate over the whole selection (e.g. national for the PDF brief)."""
    joined = _flagged_with_responses(filters, flagged, now, fresh_days, url, responses)
    count, responded = len(joined), int(joined["response_fresh"].sum())
    return ResponseRate(count, responded, 100.0 * responded / count if count else None)


# ------------------------------------------------------------------ frozen with a weekly snapshot


@dataclass(frozen=True)
class ResponseSource:
    """Where a view's responses come from: the store as it is now (responses None, now None),
    or the copy a weekly snapshot froze (responses: a latest_responses frame; now: when it
    was frozen, so freshness is counted as it stood then; snapshot_id: which snapshot)."""

    responses: pd.DataFrame | None = None
    now: datetime | None = None
    snapshot_id: int | None = None

    @property
    def frozen(self) -> bool:
        return self.snapshot_id is not None

    def join(self, projects: pd.DataFrame, as_of: date, url: str | None = None) -> pd.DataFrame:
        """`with_responses` of a project frame from this source."""
        return with_responses(projects, as_of, now=self.now, url=url, responses=self.responses)


def frozen_responses(snapshot_id: int) -> tuple[pd.DataFrame, datetime | None]:
    """The responses a weekly snapshot froze (etl/snapshot.py), shaped like latest_responses
    (cause labels from today's reference data), and when they were frozen (UTC; None when the
    snapshot froze none)."""
    from budget_metrics.snapshots import snapshot_responses

    frame = snapshot_responses(snapshot_id)
    frozen_at = None
    if len(frame):
        frozen_at = pd.Timestamp(frame["frozen_at"].max()).to_pydatetime().replace(tzinfo=UTC)
    frame = frame.drop(columns=["frozen_at"])
    wanted = [c for c in RESPONSE_COLUMNS if c not in ("cause_th", "cause_en")]
    out = pd.DataFrame({c: frame.get(c) for c in wanted}, dtype=object)
    out["fiscal_year"] = [int(year) for year in out["fiscal_year"]]
    out["expected_payment_date"] = [_day_or_none(day) for day in out["expected_payment_date"]]
    out["expected_amount"] = [
        None if value is None or pd.isna(value) else Decimal(str(value)) for value in out["expected_amount"]
    ]
    for column in ("updated_at", "created_at"):
        out[column] = [
            None if value is None or pd.isna(value) else pd.Timestamp(value).to_pydatetime().replace(tzinfo=UTC)
            for value in out[column]
        ]
    return _cause_labels(out.reset_index(drop=True)), frozen_at


def response_source(filters: Filters, frozen: bool) -> ResponseSource:
    """The responses a view of `filters` shows: with `frozen`, those frozen by the current
    weekly snapshot of the filters' fiscal year and as-of date, when there is one; otherwise
    (or when there is no such snapshot) the store's current responses."""
    if frozen and filters.as_of is not None:
        from budget_metrics.snapshots import snapshot_for

        snapshot_id = snapshot_for(filters.fiscal_year, filters.as_of)
        if snapshot_id is not None:
            responses, frozen_at = frozen_responses(snapshot_id)
            return ResponseSource(responses, frozen_at, int(snapshot_id))
    return ResponseSource()
