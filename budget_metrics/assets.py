"""Asset transfers (โอนสินทรัพย์): completed assets handed to their future owners.

Status as of a date (the file records today's status; dates let us go back):
- 'transferred' when the transfer date is on or before the as-of date, or the record
  says transferred without a date;
- 'in_progress' when the record says transferred but the transfer came after the
  as-of date (it was under way then), or the record says in progress;
- 'pending' otherwise.
Assets completed after the as-of date did not exist yet and are left out.
Overdue: completed more than `asset_overdue_days` days before the as-of date and not
transferred as of it. Ageing counts days since completion of untransferred assets.

Money: Decimal baht in scalar results, float baht columns in DataFrames.
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from budget_metrics import reference
from budget_metrics.connection import read_only
from budget_metrics.filters import Filters
from budget_metrics.projects import AREA_LEVELS, PROJECT_BASE, as_dates, resolve_as_of
from vocabulary import ASSET_STATUSES

STATUSES = ASSET_STATUSES  # code -> (Thai, English); words live in vocabulary.py
# (label, lowest day, highest day or None for open-ended)
AGEING_BUCKETS = [
    ("0-30", 0, 30),
    ("31-60", 31, 60),
    ("61-90", 61, 90),
    ("91-180", 91, 180),
    (">180", 181, None),
]


def _assets_sql(filters: Filters, dates: list[date] | None = None) -> tuple[str, list, date]:
    """CTE `assets`: one row per asset of a selected project, with its status as of the date
    (with `dates`: per asset and date, the date in column `as_of`; else the filter's date)."""
    as_of = resolve_as_of(filters)
    overdue_days = reference.thresholds()["asset_overdue_days"]
    where, params = filters.where("p")
    sql = f"""
    WITH p AS ({PROJECT_BASE}),
    chosen AS (SELECT * FROM p WHERE {where}),
    days AS (SELECT unnest(?::DATE[]) AS as_of),
    assets0 AS (
        SELECT d.as_of, a.asset_id, a.project_code, c.project_name, c.owner, c.owner_type,
               c.owner_name_th, c.owner_name_en, c.province_code, c.cluster_code, c.region,
               c.budget_type, c.implementing_agency, a.description, a.value, a.recipient,
               a.completed_date, a.transferred_date, a.status AS recorded_status,
               CASE WHEN a.transferred_date <= d.as_of THEN 'transferred'
                    WHEN a.status = 'transferred' AND a.transferred_date IS NULL THEN 'transferred'
                    WHEN a.status = 'transferred' THEN 'in_progress'
                    ELSE a.status END AS status,
               date_diff('day', a.completed_date, d.as_of) AS days_since_completion
        FROM asset_transfers a JOIN chosen c USING (project_code) CROSS JOIN days d
        WHERE a.completed_date IS NULL OR a.completed_date <= d.as_of),
    assets AS (
        SELECT *, (status <> 'transferred' AND days_since_completion > ?) AS overdue
        FROM assets0)
    """
    return sql, [*params, dates if dates is not None else [as_of], overdue_days], as_of


def _with_status_labels(frame: pd.DataFrame) -> pd.DataFrame:
    frame["status_th"] = [STATUSES.get(s, (s, s))[0] for s in frame["status"]]
    frame["status_en"] = [STATUSES.get(s, (s, s))[1] for s in frame["status"]]
    return frame


def asset_list(filters: Filters) -> pd.DataFrame:
    """Every asset of the selected projects as of the date, oldest completion first.

    Columns: asset_id, project_code, project_name, owner, owner_type, owner_name_th/en,
    province_code, cluster_code, region, budget_type, implementing_agency, description,
    value (float baht), recipient, completed_date, transferred_date (dates),
    recorded_status, status (as of the date), status_th/en, days_since_completion
    (days, NaN without completion date), overdue (bool).
    """
    sql, params, _ = _assets_sql(filters)
    with read_only() as con:
        frame = con.execute(
            f"""{sql} SELECT * EXCLUDE (as_of) REPLACE (value::DOUBLE AS value) FROM assets
            ORDER BY completed_date NULLS LAST, asset_id""",
            params,
        ).df()
    as_dates(frame, ["completed_date", "transferred_date"])
    frame["overdue"] = frame["overdue"].fillna(False).astype(bool)
    return _with_status_labels(frame)


def asset_counts_on_dates(filters: Filters, dates: list[date]) -> pd.DataFrame:
    """Per project and as-of date (the weekly snapshots): the assets existing then by status.

    Columns: as_of (date), project_code, assets_total, assets_transferred, assets_pending,
    assets_overdue (counts as `asset_list` would give them on that date), assets_value_pending
    (float baht not yet transferred). Only projects with an asset on the date.
    """
    columns = [
        "as_of",
        "project_code",
        "assets_total",
        "assets_transferred",
        "assets_pending",
        "assets_overdue",
        "assets_value_pending",
    ]
    if not dates:
        return pd.DataFrame(columns=columns)
    sql, params, _ = _assets_sql(filters, list(dates))
    with read_only() as con:
        frame = con.execute(
            f"""{sql} SELECT as_of, project_code, count(asset_id) AS assets_total,
                       count(*) FILTER (WHERE status = 'transferred') AS assets_transferred,
                       count(*) FILTER (WHERE status <> 'transferred') AS assets_pending,
                       count(*) FILTER (WHERE coalesce(overdue, false)) AS assets_overdue,
                       coalesce(sum(value::DOUBLE) FILTER (WHERE status <> 'transferred'), 0.0)
                           AS assets_value_pending
            FROM assets GROUP BY 1, 2 ORDER BY 1, 2""",
            params,
        ).df()
    return as_dates(frame, ["as_of"])[columns]


def overdue_assets(filters: Filters) -> pd.DataFrame:
    """Assets overdue for transfer as of the date (see module doc), longest waiting first."""
    frame = asset_list(filters)
    overdue = frame[frame["overdue"]]
    return overdue.sort_values(["days_since_completion", "asset_id"], ascending=[False, True]).reset_index(drop=True)


def status_summary(filters: Filters) -> pd.DataFrame:
    """Count and value per status as of the date; every status present, in workflow order.

    Columns: status, status_th, status_en, assets (count), value (float baht),
    overdue (count of overdue assets in that status).
    """
    sql, params, _ = _assets_sql(filters)
    with read_only() as con:
        found = con.execute(
            f"""{sql} SELECT status, count(*) AS assets, sum(value)::DOUBLE AS value,
                       count(*) FILTER (WHERE overdue) AS overdue
            FROM assets GROUP BY 1""",
            params,
        ).df()
    frame = pd.DataFrame({"status": list(STATUSES)}).merge(found, on="status", how="left")
    frame[["assets", "overdue"]] = frame[["assets", "overdue"]].fillna(0).astype(int)
    frame["value"] = frame["value"].fillna(0.0)
    return _with_status_labels(frame)[["status", "status_th", "status_en", "assets", "value", "overdue"]]


def assets_by_area(filters: Filters, level: str = "province") -> pd.DataFrame:
    """Counts and values per status for each province (province plans) or cluster
    (its own and its provinces' plans) that has assets, most untransferred value first.

    Columns: code, name_th, name_en, then for each status s in STATUSES:
    <s>_assets (count) and <s>_value (float baht); total_assets, total_value, overdue (count).
    """
    key, table, ref_key = AREA_LEVELS[level]
    sql, params, _ = _assets_sql(filters)
    status_columns = ",\n".join(
        f"count(*) FILTER (WHERE status = '{s}') AS {s}_assets, "
        f"coalesce(sum(value) FILTER (WHERE status = '{s}'), 0)::DOUBLE AS {s}_value"
        for s in STATUSES
    )
    with read_only() as con:
        return con.execute(
            f"""{sql},
            sums AS (
                SELECT {key} AS code, {status_columns},
                       count(*) AS total_assets, sum(value)::DOUBLE AS total_value,
                       count(*) FILTER (WHERE overdue) AS overdue
                FROM assets WHERE {key} IS NOT NULL GROUP BY 1)
            SELECT s.code, r.name_th, r.name_en, s.* EXCLUDE (code)
            FROM sums s LEFT JOIN {table} r ON r.{ref_key} = s.code
            ORDER BY s.total_value - s.transferred_value DESC, s.code""",
            params,
        ).df()


def ageing(filters: Filters) -> pd.DataFrame:
    """Untransferred completed assets by days since completion, every bucket present.

    Columns: bucket ('0-30', '31-60', '61-90', '91-180', '>180' days), assets (count),
    value (float baht), overdue (count beyond `asset_overdue_days` in the bucket).
    """
    frame = asset_list(filters)
    waiting = frame[(frame["status"] != "transferred") & frame["days_since_completion"].notna()]
    rows = []
    for label, low, high in AGEING_BUCKETS:
        days = waiting["days_since_completion"]
        mask = (days >= low) & (days <= high if high is not None else True)
        chosen = waiting[mask]
        rows.append((label, len(chosen), float(chosen["value"].sum()), int(chosen["overdue"].sum())))
    return pd.DataFrame(rows, columns=["bucket", "assets", "value", "overdue"])
