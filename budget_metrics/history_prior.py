"""Last year's shape as a prior for the year-end projection (issue 18).

Why: the projection (budget_metrics.projection) learns only from the current year's own data up
to the as-of date, yet an area usually pays along a curve like the one it paid along last year.
When the previous fiscal year is loaded in the same store, its curve per area and budget type is
a prior for the months ahead; `projection` may blend it with its own projection of what is still
to be paid. Whether that helps is a question for the backtest (bench/backtest_prior.py,
docs/benchmarks.md "Projection with last year's shape (issue 18)"), which set the default weight.

The shape. For each **owner** (a province's plan or a cluster's own plan, the unit every area is
summed from: a province counts its plan, a cluster its plan and its provinces' plans) and budget
type, in the previous fiscal year:
- `final` = current-year payments posted by that year's 30 Sep (baht), `allocation` = its current
  allocation on 30 Sep (baht);
- `share_paid(d)` = payments posted by day d / `final` (0-1): the share of its final 30 Sep
  disbursement paid by each day of the fiscal year (`cumulative_shares` gives every day);
- on the as-of date, the **prior's remaining** for this year is last year's remaining points
  after the same day of the year (calendar.same_day_previous_year) applied to this year's
  allocation: `(final - paid by the same day) / allocation × this year's allocation` (baht) — the
  Bornhuetter-Ferguson form of the chain-ladder, steady early in the year where the ratio
  `paid now / share_paid` is not.

The prior's points can be shrunk towards the nation's (`projection_prior_area_share` s: the prior is
s × the area's remaining points + (1 − s) × the nation's of the same budget type last year), for areas
whose own year is too lumpy to be a shape (a few large projects).

The blend (`blend`): per owner and budget type, the model's remaining (projected − disbursed,
summed over its projects) and the prior's are mixed as `(1 − w) × model + w × prior`, at most what
its projects can still pay this year (each project's ceiling − disbursed: the signed contract, the
allocation without one, the expected contract when unsigned; nothing for a project already paid),
and spread back over the group's projects: a lower total scales each project's remaining down in
proportion, a higher one adds the extra in proportion to each project's room left (ceiling −
projected). Each project's `chance_paid` (and the reasons that quote it) follows. So every area stays the
exact satang sum of its projects; carry-over and lapse follow (`projected + carry-over + lapse =
allocation`: money no longer expected paid goes to carry-over as far as it is committed — a signed
contract, or an unsigned project's expected contract where the model carried one over —, the rest
lapses; operating and other budget carry nothing over). The band's spread stays the model's; the
band moves with the projection.

Units: money in baht (satang integers inside the model), shares 0-1, points of allocation 0-100.

Settings (data/reference/thresholds.toml): `projection_prior_weight` w (default 0.1) and
`projection_prior_area_share` s (default 0: the nation's shape of the budget type, on each area's
own allocation), chosen by the backtest: an area's own shape is too lumpy a prior; a small weight of
the nation's helps from 31 Mar and 31 May and no longer from 31 Jul (docs/projection.md).

No prior, projection exactly today's: weight 0, no previous fiscal year in the store (the first
loaded year), and an owner / budget type that is new (no projects last year, or nothing paid by last
30 Sep) — their projects keep the model's figures to the satang.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date
from functools import lru_cache

import numpy as np
import pandas as pd

from budget_metrics import reference
from budget_metrics.calendar import fiscal_year_bounds, same_day_previous_year
from budget_metrics.connection import data_version, read_only
from budget_metrics.filters import Filters
from budget_metrics.projects import states_cte

WEIGHT_THRESHOLD = "projection_prior_weight"
AREA_SHARE_THRESHOLD = "projection_prior_area_share"
GROUP = ["owner", "budget_type"]


@dataclass(frozen=True)
class PriorSetting:
    """How much of last year's shape the projection takes: `weight` 0-1 of the prior in the remaining
    months (0: none), and `area_share` 0-1 of each area's own remaining points in the prior, the rest
    being the nation's of the same budget type last year (1: the area's own shape only)."""

    weight: float = 0.0
    area_share: float = 1.0


_override: list[PriorSetting] = []  # set by `weight_set_to` (backtests, tests)


def prior_setting() -> PriorSetting:
    """The prior's setting from the reference thresholds (`projection_prior_weight`, default 0, and
    `projection_prior_area_share`, default 1; each clipped to 0-1), unless a backtest has set one with
    `weight_set_to`."""
    if _override:
        return _override[-1]
    limits = reference.thresholds()

    def share(name: str, default: float) -> float:
        return min(max(float(limits.get(name, default)), 0.0), 1.0)

    return PriorSetting(share(WEIGHT_THRESHOLD, 0.0), share(AREA_SHARE_THRESHOLD, 1.0))


def prior_weight() -> float:
    """The blend's weight of last year's shape, 0-1 (`prior_setting().weight`)."""
    return prior_setting().weight


@contextmanager
def weight_set_to(weight: float, area_share: float = 1.0):
    """Within the block, `prior_setting()` is this (0-1 each): how the backtest scores the projection
    with and without the prior on one store (the projection's cache is keyed by the setting)."""
    _override.append(PriorSetting(float(weight), float(area_share)))
    try:
        yield
    finally:
        _override.pop()


def shape_on(fiscal_year: int, as_of: date) -> pd.DataFrame | None:
    """The previous fiscal year's shape per owner and budget type, read on the same day of the year
    as `as_of` (a date of `fiscal_year`); None when the previous year is not loaded.

    Columns: owner, budget_type, allocation (current allocation on the previous 30 Sep, baht), final
    (current-year payments by then, baht), paid_then (payments by the same day, baht), share_paid
    (paid_then / final, 0-1; NaN when final is 0) and remaining_points (100 × (final − paid_then) /
    allocation: points of allocation still paid after that day; NaN without allocation or payments), and
    nation_points (the same over every owner of the budget type last year: the nation's remaining points).
    """
    previous = reference.previous_fiscal_year(fiscal_year)
    if previous is None:
        return None
    _, end = fiscal_year_bounds(previous)
    return _shape(previous, min(same_day_previous_year(as_of), end), data_version()).copy()


@lru_cache(maxsize=16)
def _shape(previous: int, day: date, version: str) -> pd.DataFrame:
    _, end = fiscal_year_bounds(previous)
    cte, params = states_cte(Filters(fiscal_year=previous), sorted({end, day}))  # one query, both days
    with read_only() as con:
        sums = con.execute(
            f"""{cte}
            SELECT as_of, owner, budget_type, sum(current_allocation)::DOUBLE AS allocation,
                   sum(disbursed)::DOUBLE AS paid
            FROM states GROUP BY as_of, owner, budget_type""",
            params,
        ).df()
    on = pd.to_datetime(sums["as_of"]).dt.date
    final, then = sums[on == end].drop(columns="as_of"), sums[on == day].drop(columns="as_of")
    shape = final.rename(columns={"paid": "final"}).merge(
        then[[*GROUP, "paid"]].rename(columns={"paid": "paid_then"}), on=GROUP, how="left"
    )
    shape["paid_then"] = shape["paid_then"].fillna(0.0)
    usable = (shape["final"] > 0) & (shape["allocation"] > 0)
    shape["share_paid"] = (shape["paid_then"] / shape["final"]).where(shape["final"] > 0)
    shape["remaining_points"] = (100 * (shape["final"] - shape["paid_then"]) / shape["allocation"]).where(usable)
    nation = shape.groupby("budget_type")[["allocation", "final", "paid_then"]].sum()
    nation_points = (100 * (nation["final"] - nation["paid_then"]) / nation["allocation"]).where(
        nation["allocation"] > 0
    )
    shape["nation_points"] = shape["budget_type"].map(nation_points).astype(float)
    return shape.sort_values(GROUP).reset_index(drop=True)


def cumulative_shares(fiscal_year: int) -> pd.DataFrame:
    """Every day of `fiscal_year` (its shape, as a later year's prior sees it): one row per owner,
    budget type and day from 1 Oct to 30 Sep with `share_paid` (0-1), the share of the owner's 30 Sep
    current-year disbursement of that budget type posted by the end of the day. Owners and types
    without payments by 30 Sep have no rows."""
    start, end = fiscal_year_bounds(fiscal_year)
    with read_only() as con:
        daily = con.execute(
            """SELECT p.owner, p.budget_type, d.posting_date AS day, sum(d.amount)::DOUBLE AS amount
               FROM disbursements d JOIN projects p USING (project_code)
               WHERE p.fiscal_year = ? AND d.source = 'current' AND d.posting_date BETWEEN ? AND ?
               GROUP BY ALL""",
            [fiscal_year, start, end],
        ).df()
    days = pd.date_range(start, end, freq="D").date
    rows = []
    for (owner, kind), group in daily.groupby(GROUP, sort=True):
        by_day = group.assign(day=pd.to_datetime(group["day"]).dt.date).groupby("day")["amount"].sum()
        running = by_day.reindex(days, fill_value=0.0).cumsum()
        final = running.iloc[-1]
        if final <= 0:
            continue
        rows.append(pd.DataFrame({"owner": owner, "budget_type": kind, "day": days, "share_paid": running / final}))
    if not rows:
        return pd.DataFrame(columns=["owner", "budget_type", "day", "share_paid"])
    return pd.concat(rows, ignore_index=True)


def blend(model, fiscal_year: int, as_of: date, setting: PriorSetting | None):
    """The projection model (projection._Model) with each owner's and budget type's remaining
    payments blended with last year's shape as `setting` says (module docstring). Returns the model
    itself when the weight is 0 or the previous year is not loaded; owners and types without a prior
    keep their figures to the satang."""
    weight = setting.weight if setting is not None else 0.0
    if weight <= 0:
        return model
    shape = shape_on(fiscal_year, as_of)
    if shape is None:
        return model
    numbers = model.numbers
    groups = pd.MultiIndex.from_frame(numbers[GROUP])
    # An area's own remaining points, shrunk towards the nation's by (1 - area_share); NaN: no prior.
    mixed = setting.area_share * shape["remaining_points"] + (1 - setting.area_share) * shape["nation_points"]
    points = mixed.set_axis(pd.MultiIndex.from_frame(shape[GROUP])).reindex(groups).to_numpy(float)
    allocation = numbers["_allocation_satang"].to_numpy("int64")
    paid = numbers["_disbursed_satang"].to_numpy("int64")
    projected = numbers["_projected_disbursed_satang"].to_numpy("int64")
    # What each project can still pay this year on what is known (its ceiling; nothing once settled).
    rows = model.projects.reindex(numbers.index)
    open_ = ~rows["basis"].isin(["paid", "no_allocation"]).to_numpy()
    ceiling = np.where(open_, np.rint(rows["ceiling"].to_numpy(float) * 100), 0).astype("int64")
    new = _spread(groups, ceiling, allocation, paid, projected, points, min(float(weight), 1.0))
    if np.array_equal(new, projected):
        return model
    # Carry-over is what stays committed but unpaid. The model's commitment is its projection plus its
    # carry-over where it carries any (a contract, or an unsigned project's expected one), else the contract
    # or what is paid; the new projection is committed too.
    carry = numbers["_projected_carryover_satang"].to_numpy("int64")
    signed = numbers["_committed_satang"].to_numpy("int64") if "_committed_satang" in numbers else paid
    cap = np.maximum(allocation, paid)
    committed = np.minimum(np.maximum(np.where(carry > 0, projected + carry, signed), new), cap)
    columns = {
        "_projected_disbursed_satang": new,
        "_projected_carryover_satang": np.maximum(committed - new, 0),
        "_projected_lapse_satang": np.maximum(allocation - new - np.maximum(committed - new, 0), 0),
    }
    projects, numbers = model.projects.copy(), numbers.copy()
    for column, values in columns.items():
        projects[column] = values
        numbers[column] = values
    # The expected share of the outstanding balance paid by 30 Sep (and the reasons that quote it) follows.
    outstanding = projects["_outstanding"].to_numpy(float)
    share = np.divide((new - paid) / 100, outstanding, out=np.zeros(len(new)), where=outstanding > 0)
    projects["chance_paid"] = np.where(outstanding > 0, np.clip(share, 0.0, 1.0), projects["chance_paid"])
    return replace(model, projects=projects, numbers=numbers)


def _spread(
    groups: pd.MultiIndex,
    ceiling: np.ndarray,
    allocation: np.ndarray,
    paid: np.ndarray,
    projected: np.ndarray,
    points: np.ndarray,
    weight: float,
) -> np.ndarray:
    """Each project's projected satang after its group's remaining is blended (NaN points: no prior); a
    project gains at most up to its ceiling (satang)."""
    codes = pd.factorize(groups)[0] if len(groups) else np.zeros(0, dtype=int)
    size = int(codes.max()) + 1 if len(codes) else 0
    remaining = (projected - paid).astype(float)
    room = np.maximum(np.minimum(ceiling, np.maximum(allocation, paid)) - projected, 0).astype(float)
    group_allocation = np.bincount(codes, weights=allocation.astype(float), minlength=size)
    group_remaining = np.bincount(codes, weights=remaining, minlength=size)
    group_room = np.bincount(codes, weights=room, minlength=size)
    group_points = np.full(size, np.nan)
    group_points[codes] = points
    prior = np.maximum(group_points, 0.0) * group_allocation / 100
    target = (1 - weight) * group_remaining + weight * prior
    target = np.minimum(target, group_remaining + group_room)  # at most what the projects can still pay
    has_prior = ~np.isnan(group_points)
    lower = has_prior & (target < group_remaining)
    higher = has_prior & (target > group_remaining)
    scale = np.ones(size)
    np.divide(target, group_remaining, out=scale, where=lower & (group_remaining > 0))
    extra = np.zeros(size)
    np.divide(target - group_remaining, group_room, out=extra, where=higher & (group_room > 0))
    moved = remaining * np.where(lower[codes], scale[codes], 1.0) + room * np.where(higher[codes], extra[codes], 0.0)
    return np.maximum(paid + np.rint(moved).astype("int64"), paid)
