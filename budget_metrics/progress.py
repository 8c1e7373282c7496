"""Spending progress against target: KPIs, per-area tables and the weekly curve.

Every figure comes as the two lines the Comptroller General reports (see
budget_metrics.targets): overall (all budget types against the overall target) and
investment (investment budget only against the investment target), side by side. The
headline line (reference data) gives `status` and orders rankings. A selection narrowed to
one budget type is reported by that type's own line only (`targets.shown_lines`), which then
gives `status` and orders rankings; its overall line is blank, never the type's money against
the overall target.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import pandas as pd

from budget_metrics import reference
from budget_metrics.calendar import fiscal_year_bounds, fridays
from budget_metrics.connection import read_only
from budget_metrics.filters import Filters
from budget_metrics.projects import AREA_LEVELS, resolve_as_of, state_cte
from budget_metrics.targets import (
    TYPE_LINES,
    TargetLine,
    add_curve_lines,
    add_line_columns,
    gap_status,
    headline_line,
    judged_line,
    selection_lines,
    shown_lines,
)

__all__ = ["Kpis", "area_progress", "gap_status", "kpis", "kpis_with_previous_week", "weekly_curve"]


@dataclass(frozen=True)
class Kpis:
    """Headline figures for a set of projects as of a date (baht Decimal; percent 0-100).

    pct_disbursed is disbursed / current allocation of the selection (the overall line's
    rate when no budget type is chosen). `overall` and `investment` are the two reported
    lines, each with its own target and gap; `headline` names the one that drives status
    colours ('overall' by default, from reference data). With a budget type chosen
    (`budget_type`), `lines` holds only that type's own line (`own` for operating and other,
    the investment line for investment), `headline` names it, and the lines the selection is
    not reported by are blank (`targets.blank_line`).
    """

    as_of: date
    projects: int
    allocated: Decimal
    current_allocation: Decimal
    committed: Decimal
    disbursed: Decimal
    remaining: Decimal
    uncommitted: Decimal
    pct_disbursed: float | None
    overall: TargetLine
    investment: TargetLine
    headline: str = "overall"
    budget_type: str | None = None
    own: TargetLine | None = None  # the 'operating' / 'other' line of a selection of that type

    def line(self, scope: str) -> TargetLine:
        """The 'overall' or 'investment' line, or the chosen type's own line ('operating', 'other')."""
        return line_of(self, scope)

    @property
    def lines(self) -> tuple[TargetLine, ...]:
        """The lines the selection is reported by, in the order they are shown: (overall,
        investment) without a budget type, else only the chosen type's line."""
        return tuple(self.line(scope) for scope in shown_lines(self.budget_type))

    @property
    def status(self) -> str:
        """The headline (judged) line's status (on_track / near_target / watch / behind / no_data)."""
        return self.line(self.headline).status


def line_of(figures, scope: str) -> TargetLine:
    """A line of `Kpis` or `snapshots.SnapshotKpis` by name."""
    if scope == "overall":
        return figures.overall
    if scope == "investment":
        return figures.investment
    if figures.own is not None and figures.own.scope == scope:
        return figures.own
    raise KeyError(f"no {scope!r} line in this selection")


def kpis(filters: Filters) -> Kpis:
    """Sums over the selected projects as of the filter's date, with their target lines.

    The overall line covers every selected project; the investment line only those of
    budget type 'investment' (allocation 0 and no data when there are none). With a budget
    type chosen, only that type's own line (targets.selection_lines).
    """
    as_of = resolve_as_of(filters)
    cte, params = state_cte(filters, as_of)
    with read_only() as con:
        row = con.execute(
            f"""{cte}
            SELECT count(*), coalesce(sum(allocated_amount), 0), coalesce(sum(current_allocation), 0),
                   coalesce(sum(committed), 0), coalesce(sum(disbursed), 0),
                   coalesce(sum(remaining), 0), coalesce(sum(uncommitted), 0),
                   coalesce(sum(current_allocation) FILTER (WHERE budget_type = 'investment'), 0),
                   coalesce(sum(disbursed) FILTER (WHERE budget_type = 'investment'), 0)
            FROM state3""",
            params,
        ).fetchone()
    (
        count,
        allocated,
        current,
        committed,
        disbursed,
        remaining,
        uncommitted,
        investment_allocation,
        investment_disbursed,
    ) = row
    lines = selection_lines(
        filters.fiscal_year,
        as_of,
        filters.budget_type,
        current,
        disbursed,
        investment_allocation,
        investment_disbursed,
        reference.thresholds(),
    )
    pct = float(Decimal(disbursed) / Decimal(current) * 100) if current and current > 0 else None
    return Kpis(
        as_of,
        int(count),
        Decimal(allocated),
        Decimal(current),
        Decimal(committed),
        Decimal(disbursed),
        Decimal(remaining),
        Decimal(uncommitted),
        pct,
        lines["overall"],
        lines["investment"],
        judged_line(filters.budget_type, headline_line()),
        filters.budget_type,
        lines.get(filters.budget_type) if filters.budget_type in TYPE_LINES else None,
    )


def kpis_with_previous_week(filters: Filters) -> tuple[Kpis, Kpis]:
    """KPIs as of the date and as of seven days earlier (for the 'change since last week')."""
    current = kpis(filters)
    previous = kpis(filters.with_as_of(current.as_of - timedelta(days=7)))
    return current, previous


def area_progress(filters: Filters, level: str = "province") -> pd.DataFrame:
    """One row per province / cluster / region (every one, even without projects).

    Columns: code, name_th, name_en, region, cluster_code (provinces), projects,
    current_allocation, committed, disbursed, remaining (float baht), pct_disbursed
    (all budget types), investment_allocation, investment_disbursed (investment budget
    only, float baht), then both lines' columns from `targets.add_line_columns`
    (overall_pct ... overall_status, investment_pct ... investment_status), headline and
    status (the headline line's status). At province level only province-plan projects
    count (a cluster plan's projects belong to no single province).
    """
    key, table, ref_key = AREA_LEVELS[level]
    as_of = resolve_as_of(filters)
    cte, params = state_cte(filters, as_of)
    extra = ", r.cluster_code" if level == "province" else ""
    order = "r.sort_order" if level == "region" else "r.name_th"
    with read_only() as con:
        frame = con.execute(
            f"""{cte},
            sums AS (
                SELECT {key} AS code, count(*) AS projects,
                       sum(current_allocation) AS current_allocation, sum(committed) AS committed,
                       sum(disbursed) AS disbursed, sum(remaining) AS remaining,
                       sum(current_allocation) FILTER (WHERE budget_type = 'investment')
                           AS investment_allocation,
                       sum(disbursed) FILTER (WHERE budget_type = 'investment') AS investment_disbursed
                FROM state3 GROUP BY 1)
            SELECT r.{ref_key} AS code, r.name_th, r.name_en, r.region AS region{extra},
                   coalesce(s.projects, 0) AS projects,
                   coalesce(s.current_allocation, 0)::DOUBLE AS current_allocation,
                   coalesce(s.committed, 0)::DOUBLE AS committed,
                   coalesce(s.disbursed, 0)::DOUBLE AS disbursed,
                   coalesce(s.remaining, 0)::DOUBLE AS remaining,
                   CASE WHEN s.current_allocation > 0
                        THEN 100.0 * s.disbursed::DOUBLE / s.current_allocation::DOUBLE END
                       AS pct_disbursed,
                   coalesce(s.investment_allocation, 0)::DOUBLE AS investment_allocation,
                   coalesce(s.investment_disbursed, 0)::DOUBLE AS investment_disbursed
            FROM {table} r LEFT JOIN sums s ON s.code = r.{ref_key}
            ORDER BY {order}""",
            params,
        ).df()
    return add_line_columns(
        frame, filters.fiscal_year, as_of, reference.thresholds(), headline_line(), filters.budget_type
    )


def weekly_curve(filters: Filters) -> pd.DataFrame:
    """Cumulative disbursement by week (Fridays) over the fiscal year, each shown line against its target.

    Columns: week_end; disbursed and current_allocation (the selection's money, float baht,
    allocation as of the week); investment_disbursed and investment_allocation (investment
    projects only); overall_pct and investment_pct (0-100, None after the as-of date or
    without allocation); overall_target_pct and investment_target_pct (each line's cabinet
    target on the week's Friday); lines (`targets.frame_lines`). With a budget type chosen only
    that type's line has figures: investment_*, or operating_pct / operating_target_pct /
    operating_disbursed (likewise 'other'; against the overall target); the rest are None.
    """
    as_of = resolve_as_of(filters)
    start, end = fiscal_year_bounds(filters.fiscal_year)
    weeks = fridays(start, end)
    cte, params = state_cte(filters, end)
    with read_only() as con:
        frame = con.execute(
            f"""{cte},
            weeks AS (SELECT unnest(?::DATE[]) AS week_end),
            chosen_types AS (SELECT project_code, budget_type = 'investment' AS is_investment, allocated_amount
                             FROM state3),
            pay AS (SELECT d.posting_date, c.is_investment, sum(d.amount) AS amount
                    FROM disbursements d JOIN chosen_types c USING (project_code)
                    WHERE d.source = 'current' GROUP BY 1, 2),
            moves AS (
                SELECT r.approved_date, c.is_investment, sum(r.amount) AS net
                FROM reallocations r JOIN chosen_types c ON c.project_code = r.to_project_code GROUP BY 1, 2
                UNION ALL
                SELECT r.approved_date, c.is_investment, -sum(r.amount) AS net
                FROM reallocations r JOIN chosen_types c ON c.project_code = r.from_project_code GROUP BY 1, 2),
            base AS (SELECT coalesce(sum(allocated_amount), 0) AS allocated,
                            coalesce(sum(allocated_amount) FILTER (WHERE is_investment), 0) AS investment
                     FROM chosen_types)
            SELECT w.week_end,
                   coalesce((SELECT sum(amount) FROM pay WHERE posting_date <= w.week_end), 0)::DOUBLE
                       AS disbursed,
                   ((SELECT allocated FROM base)
                    + coalesce((SELECT sum(net) FROM moves WHERE approved_date <= w.week_end), 0))::DOUBLE
                       AS current_allocation,
                   coalesce((SELECT sum(amount) FROM pay WHERE posting_date <= w.week_end AND is_investment), 0)
                       ::DOUBLE AS investment_disbursed,
                   ((SELECT investment FROM base)
                    + coalesce((SELECT sum(net) FROM moves WHERE approved_date <= w.week_end AND is_investment), 0))
                       ::DOUBLE AS investment_allocation
            FROM weeks w ORDER BY w.week_end""",
            [*params, weeks],
        ).df()
    frame["week_end"] = pd.to_datetime(frame["week_end"]).dt.date
    after = frame["week_end"] > as_of
    shown = shown_lines(filters.budget_type)
    money = add_curve_lines(frame, filters.fiscal_year, filters.budget_type)
    paid = ["disbursed", *(disbursed for _, disbursed in money.values() if disbursed != "disbursed")]
    frame.loc[after, [*dict.fromkeys(paid), *(f"{line}_pct" for line in money)]] = None
    frame["lines"] = ",".join(shown)
    return frame
