"""The tables every export format writes, built once from the read side.

`build_export(filters)` gathers, for one as-of date and one area (the whole country,
a province or a cluster), the summary, provinces, clusters, projects, lagging
projects, the provinces' follow-up of them (responses and response rates, from the
application store, or as frozen with the date's weekly snapshot when there is one),
carry-overs, reallocations, asset transfers and the "about" facts. The
workbook, the CSV files and the PDF brief all render this one object, and it holds
only figures from `budget_metrics` — no SQL here — so they match the dashboard.

The dashboard's weekly page builds the same bundle for the week it shows: from a weekly
snapshot's frozen rows (`snapshot_id`: the summary, areas, projects, lagging list, follow-up and
curve are the figures frozen that week; the projection, carry-overs, reallocations and assets
stay today's data for that date, as on the dashboard in snapshot mode), and compared with an
earlier week (`compared_with`: four more tables, week_changes, newly_flagged, cleared and
province_movers, and a paragraph of the PDF brief).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd

from budget_metrics import reference, year_on_year
from budget_metrics.assets import asset_list
from budget_metrics.carryover import carryover_projects
from budget_metrics.filters import Filters
from budget_metrics.formatting import format_date
from budget_metrics.lagging import lagging_projects, project_flags
from budget_metrics.progress import Kpis, area_progress, kpis, weekly_curve
from budget_metrics.projection import (
    BASES,
    EXPORT_COLUMNS,
    area_projection,
    export_columns,
    needs_intervention,
    project_projection,
)
from budget_metrics.projects import resolve_as_of
from budget_metrics.reallocations import ledger
from budget_metrics.snapshots import (
    Comparison,
    compare_live,
    compare_snapshots,
    data_published_at,
    frozen_area_progress,
    frozen_curve,
    snapshot_for,
    snapshot_info,
    snapshot_kpis,
    snapshot_projects,
    source_loads,
)
from budget_metrics.targets import (
    LINE_DESCRIPTIONS,
    LINE_LABELS,
    LINE_TARGET,
    LINES,
    line_name,
    quarter_targets,
)
from vocabulary import (
    ASSET_OVERDUE,
    BUDGET_TYPES,
    COMMITMENT,
    FLAGS,
    PLAN_TYPES,
    PROJECTION_BAND_CAVEAT,
    PROJECTION_EARLY_CAVEAT,
    PROJECTION_FIGURES,
    PROJECTION_PAST_YEARS_CAVEAT,
    RESPONSE_STATUSES,
    STATUSES,
    words_in,
)

log = logging.getLogger(__name__)

# Column kinds: how a value is written (workbook number format, CSV text).
TEXT, INT, MONEY, PCT, POINTS, DATE, BOOL = "text", "int", "money", "pct", "points", "date", "bool"


@dataclass(frozen=True)
class Col:
    """One exported column: key in the frame, Thai header, English header, kind."""

    key: str
    th: str
    en: str
    kind: str = TEXT
    width: int | None = None  # characters; None = from the kind


@dataclass
class ExportTable:
    """One sheet / one CSV file: `name` is the CSV suffix, `sheet` the Thai sheet name."""

    name: str
    sheet: str
    title_th: str
    columns: list[Col]
    frame: pd.DataFrame
    total_row: bool = False  # the first row is a total (summary sheet: national)

    def rows(self) -> list[list]:
        """Cell values in column order; NaN/NaT become None."""
        out = []
        for record in self.frame.to_dict("records"):
            row = []
            for col in self.columns:
                value = record.get(col.key)
                if isinstance(value, list):
                    value = ", ".join(str(v) for v in value)
                if value is not None and not isinstance(value, (list, str)) and pd.isna(value):
                    value = None
                row.append(value)
            out.append(row)
        return out


@dataclass
class ExportBundle:
    """Everything one export shows, for one as-of date and area."""

    filters: Filters
    as_of: date
    area_kind: str | None  # None (national), 'province' or 'cluster'
    area_code: str | None
    area_name_th: str
    area_name_en: str
    kpis: Kpis
    generated_at: datetime | None  # when the data was published (deterministic per database)
    tables: list[ExportTable]
    curve: pd.DataFrame
    provinces: pd.DataFrame  # area_progress at province level (as shown, area rows only)
    clusters: pd.DataFrame
    carryovers: pd.DataFrame
    assets: pd.DataFrame
    loads: pd.DataFrame
    targets: dict[str, list[float]] = field(default_factory=dict)
    # The export's own area projected to 30 Sep: area_projection's row per line, indexed by line
    # ('overall', 'investment'; a line without projects is absent).
    projection: pd.DataFrame = field(default_factory=pd.DataFrame)
    # needs_intervention's provinces on the headline line (national and cluster exports; empty
    # for a province), ranked by baht at risk, each with its driver projects.
    interventions: pd.DataFrame = field(default_factory=pd.DataFrame)
    response_rate: Any = None  # appstore.ResponseRate of the area's flagged projects (None: answers unknown)
    responses_frozen: bool = False  # True: the responses frozen with the as-of date's weekly snapshot
    # True: the application store could not be read while the bundle was built (appstore.StoreUnavailable):
    # the follow-up columns say "unknown now" and the response rates are left blank
    responses_unknown: bool = False
    snapshot_id: int | None = None  # built from this weekly snapshot's frozen rows (None: live data)
    comparison: Comparison | None = None  # compared with an earlier week (compared_with)
    # the same selection on the same day of the previous fiscal year (None: that year not loaded)
    last_year: year_on_year.LastYear | None = None

    @property
    def name_suffix(self) -> str:
        """What the file names add after the area: '-vs-2019-08-30' for a comparison, '-snapshot'
        for frozen figures ('' for the command line's export)."""
        return file_suffix(
            self.snapshot_id is not None, self.comparison.previous.as_of if self.comparison is not None else None
        )

    def response_rate_text(self) -> str:
        """'ชี้แจงแล้ว 12 จาก 40 โครงการล่าช้า (30.00%)' (the PDF brief and the about sheet)."""
        if self.responses_unknown:
            return FOLLOWUP_UNKNOWN_NOTE
        rate = self.response_rate
        if rate is None or not rate.flagged:
            return "ไม่มีโครงการล่าช้า"
        pct = "-" if rate.rate_pct is None else f"{rate.rate_pct:.2f}%"
        frozen = " ตามที่บันทึกไว้กับภาพนิ่งรายสัปดาห์" if self.responses_frozen else ""
        return f"ชี้แจงแล้ว {rate.responded:,} จาก {rate.flagged:,} โครงการล่าช้า ({pct}){frozen}"

    def table(self, name: str) -> ExportTable:
        return next(t for t in self.tables if t.name == name)


AREA_MONEY = [
    Col("current_allocation", "งบประมาณที่ได้รับจัดสรร (ปัจจุบัน) บาท", "current allocation (baht)", MONEY),
    Col("committed", "ก่อหนี้ผูกพัน บาท", "committed (baht)", MONEY),
    Col("disbursed", "เบิกจ่ายแล้ว บาท", "disbursed (baht)", MONEY),
    Col("remaining", "คงเหลือ บาท", "remaining (baht)", MONEY),
]


def _projection_col(key: str) -> Col:
    """An area's projection column (projection.export_columns): the percentages and the pace are
    the overall line's; carry-over and lapse cover every budget type (the overall line's projects)."""
    thai, english = PROJECTION_FIGURES[key]
    line_th, line_en = LINE_LABELS["overall"]
    if key.endswith("_pct"):
        return Col(key, f"{line_th}: {thai} (ร้อยละ)", f"{line_en.lower()}: {english} (%)", PCT)
    if key == "required_weekly":
        return Col(key, f"{line_th}: {thai} บาท/สัปดาห์", f"{line_en.lower()}: {english} (baht per week)", MONEY)
    if key == "pace_break_since":  # the pace-break warning (budget_metrics.pace_break); blank when not raised
        return Col(key, f"{line_th}: {thai}", f"{line_en.lower()}: {english}", DATE)
    return Col(key, f"{thai} ณ 30 ก.ย. บาท", f"{english} on 30 Sep (baht)", MONEY)


# The columns the provinces and clusters tables (and so their CSV files) gain, keys as the read side names them.
PROJECTION_COLUMNS = [_projection_col(key) for key in EXPORT_COLUMNS]


def line_columns(headline: str, status: bool = True) -> list[Col]:
    """Both reported lines side by side, each against its own target (keys as in
    `progress.area_progress`), then (with `status`) the status of the headline line (it colours
    the dashboard's map and orders its rankings)."""
    cols = []
    for line in LINES:
        thai, english = LINE_LABELS[line]
        english = english.lower()
        if line == "investment":
            cols += [
                Col(
                    "investment_allocation", "งบลงทุน: งบประมาณปัจจุบัน บาท", "investment: current allocation (baht)", MONEY
                ),
                Col("investment_disbursed", "งบลงทุน: เบิกจ่ายแล้ว บาท", "investment: disbursed (baht)", MONEY),
            ]
        cols += [
            Col(f"{line}_pct", f"{thai}: ร้อยละการเบิกจ่าย", f"{english}: % disbursed", PCT),
            Col(f"{line}_target_pct", f"{thai}: เป้าหมาย ณ วันที่ (ร้อยละ)", f"{english}: target % on the date", PCT),
            Col(f"{line}_gap_points", f"{thai}: ห่างจากเป้าหมาย (จุด)", f"{english}: gap (points)", POINTS),
            Col(f"{line}_gap_baht", f"{thai}: ห่างจากเป้าหมาย บาท", f"{english}: gap (baht)", MONEY),
            Col(f"{line}_status_th", f"{thai}: สถานะ", f"{english}: status", TEXT, 12),
        ]
    if status:
        cols.append(
            Col("status_th", f"สถานะ (ตามเส้น{LINE_LABELS[headline][0]})", f"status (by the {headline} line)", TEXT, 14)
        )
    return cols


# The summary's last columns: the line each row is judged by (the headline line for the total and the
# regions; a budget-type row's own type's line), with its figures and status.
JUDGED_COLUMNS = [
    Col("judged_line_th", "เส้นที่ใช้ประเมินแถวนี้", "judged line", TEXT, 24),
    Col("judged_pct", "เส้นที่ใช้ประเมิน: ร้อยละการเบิกจ่าย", "judged line: % disbursed", PCT),
    Col("judged_target_pct", "เส้นที่ใช้ประเมิน: เป้าหมาย ณ วันที่ (ร้อยละ)", "judged line: target % on the date", PCT),
    Col("judged_gap_points", "เส้นที่ใช้ประเมิน: ห่างจากเป้าหมาย (จุด)", "judged line: gap (points)", POINTS),
    Col("judged_gap_baht", "เส้นที่ใช้ประเมิน: ห่างจากเป้าหมาย บาท", "judged line: gap (baht)", MONEY),
    Col("status_th", "สถานะ (ตามเส้นที่ใช้ประเมิน)", "status (by the judged line)", TEXT, 16),
]


def with_judged_columns(frame: pd.DataFrame) -> pd.DataFrame:
    """A summary part with JUDGED_COLUMNS filled from each row's judged line (`headline`)."""
    frame = frame.copy()
    lines = list(frame["headline"])
    frame["judged_line_th"] = [line_name(line, "th") for line in lines]
    for figure in ("pct", "target_pct", "gap_points", "gap_baht"):
        frame[f"judged_{figure}"] = [
            frame.at[index, f"{line}_{figure}"] for index, line in zip(frame.index, lines, strict=True)
        ]
    return frame


# Thai words of the codes, from vocabulary.py (the dashboard shows the same words).
STATUS_TH = {code: thai for code, (thai, _) in STATUSES.items()}
PLAN_TH = {code: thai for code, (thai, _) in PLAN_TYPES.items() if code != "all"}
BUDGET_TH = {code: thai for code, (thai, _) in BUDGET_TYPES.items()}


def area_scope(filters: Filters) -> tuple[str | None, str | None, str, str]:
    """(area_kind, area_code, name_th, name_en) of the filter's area; national when none."""
    if filters.province:
        table = reference.provinces().set_index("province_code")
        row = table.loc[filters.province]
        return "province", filters.province, f"จังหวัด{row['name_th']}", f"{row['name_en']} province"
    if filters.cluster:
        table = reference.clusters().set_index("cluster_code")
        row = table.loc[filters.cluster]
        return "cluster", filters.cluster, row["name_th"], f"{row['name_en']} cluster"
    return None, None, "ทั้งประเทศ", "national"


def _national_row(k: Kpis, name_th: str, name_en: str) -> dict:
    """A summary row from KPIs, with its lines' columns as `area_progress` names them (a line the
    selection is not reported by is blank: a budget-type row has no overall line) and its judged
    line's figures (JUDGED_COLUMNS)."""
    row = {
        "code": "",
        "name_th": name_th,
        "name_en": name_en,
        "projects": k.projects,
        "current_allocation": float(k.current_allocation),
        "committed": float(k.committed),
        "disbursed": float(k.disbursed),
        "remaining": float(k.remaining),
        "pct_disbursed": k.pct_disbursed,
        "headline": k.headline,
        "status": k.status,
    }
    for line in dict.fromkeys([*LINES, k.headline]):
        figures = k.line(line)
        if line not in {shown.scope for shown in k.lines}:  # blank, never another type's money
            row.update(
                {
                    f"{line}_{name}": None
                    for name in ("allocation", "disbursed", "pct", "target_pct", "gap_points", "gap_baht")
                }
            )
            row[f"{line}_status"] = None
            continue
        row.update(
            {
                f"{line}_allocation": float(figures.allocation),
                f"{line}_disbursed": float(figures.disbursed),
                f"{line}_pct": figures.pct,
                f"{line}_target_pct": figures.target_pct,
                f"{line}_gap_points": figures.gap_points,
                f"{line}_gap_baht": float(figures.gap_baht) if figures.gap_baht is not None else None,
                f"{line}_status": figures.status,
            }
        )
    return with_judged_columns(_with_status_th(pd.DataFrame([row]))).iloc[0].to_dict()


def _with_status_th(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.copy()
    for column in ("status", *(f"{line}_status" for line in LINES)):
        frame[f"{column}_th"] = frame[column].map(STATUS_TH)
    return frame


def file_suffix(frozen: bool, compared_with: date | None) -> str:
    """The part of an export's file names after the area: '-vs-<date>' when compared with an earlier
    week, then '-snapshot' when built from a snapshot's frozen figures."""
    return (f"-vs-{compared_with.isoformat()}" if compared_with else "") + ("-snapshot" if frozen else "")


@dataclass(frozen=True)
class _Source:
    """Where a bundle's headline figures come from: live reads, or one snapshot's frozen rows."""

    snapshot_id: int | None

    def kpis(self, filters: Filters):
        return snapshot_kpis(self.snapshot_id, filters) if self.snapshot_id else kpis(filters)

    def areas(self, filters: Filters, level: str) -> pd.DataFrame:
        if self.snapshot_id:
            return frozen_area_progress(self.snapshot_id, level, filters)
        return area_progress(filters, level)

    def projects(self, filters: Filters) -> pd.DataFrame:
        """Every selected project with its flags (project_flags, or the frozen rows with the
        project attributes a snapshot does not store)."""
        if not self.snapshot_id:
            return project_flags(filters)
        from budget_metrics.projects import project_state

        frozen = snapshot_projects(self.snapshot_id, filters).assign(fiscal_year=filters.fiscal_year)
        attributes = project_state(filters)[["project_code", "emenscr_code", "planned_start"]]
        return frozen.merge(attributes, on="project_code", how="left")

    def curve(self, filters: Filters) -> pd.DataFrame:
        return frozen_curve(self.snapshot_id, filters) if self.snapshot_id else weekly_curve(filters)


def build_export(filters: Filters, snapshot_id: int | None = None, compared_with: date | None = None) -> ExportBundle:
    """Every table of the weekly export for the filter's as-of date and area.

    The filter's as_of is resolved first (None = latest data date) so every read uses
    the same date. Area tables keep every area for a national export and only the
    areas with projects for a province or cluster export. With `snapshot_id` the date is the
    snapshot's and the headline figures are its frozen ones (module docstring); with
    `compared_with` (an earlier date) the bundle also compares the week with that one: frozen
    against the current snapshot of that date when built from a snapshot, else live.
    """
    source = _Source(snapshot_id)
    if snapshot_id:
        info = snapshot_info(snapshot_id)
        filters = replace(filters, fiscal_year=info.fiscal_year)
        as_of = info.as_of
    else:
        as_of = resolve_as_of(filters)
    filters = filters.with_as_of(as_of)
    area_kind, area_code, name_th, name_en = area_scope(filters)
    national = source.kpis(filters)
    regions = _with_status_th(source.areas(filters, "region"))
    provinces = _with_status_th(source.areas(filters, "province"))
    clusters = _with_status_th(source.areas(filters, "cluster"))
    if area_kind:
        regions = regions[regions["projects"] > 0]
        provinces = provinces[provinces["projects"] > 0]
        clusters = clusters[clusters["projects"] > 0]

    total_label = "รวมทั้งประเทศ" if not area_kind else f"รวม {name_th}"
    area_cols = [*AREA_MONEY, *line_columns(national.headline)]
    parts = [pd.DataFrame([_national_row(national, total_label, name_en)]).assign(level_th="รวม")]
    if not area_kind:  # an area export lies inside one region: its region row would repeat the total
        parts.append(with_judged_columns(regions).assign(level_th="ภาค"))
    if not filters.budget_type:  # one row per budget type, each judged by its own type's line only
        for budget_type, label in BUDGET_TH.items():
            figures = source.kpis(replace(filters, budget_type=budget_type))
            if figures.projects:
                row = _national_row(figures, label, budget_type)
                parts.append(pd.DataFrame([row]).assign(level_th="งบรายจ่าย"))
    summary = pd.concat(parts, ignore_index=True)
    summary_cols = [
        Col("level_th", "ระดับ", "level", TEXT, 11),
        Col("name_th", "พื้นที่ / งบรายจ่าย", "area", TEXT, 30),
        Col("projects", "จำนวนโครงการ", "projects", INT),
        *AREA_MONEY,
        *line_columns(national.headline, status=False),
        *JUDGED_COLUMNS,
    ]

    region_names = reference.regions().set_index("region")["name_th"].to_dict()
    cluster_names = reference.clusters().set_index("cluster_code")["name_th"].to_dict()
    provinces = provinces.merge(export_columns(filters, "province"), on="code", how="left")
    provinces["region_th"] = provinces["region"].map(region_names)
    provinces["cluster_th"] = provinces["cluster_code"].map(cluster_names)
    clusters = clusters.merge(export_columns(filters, "cluster"), on="code", how="left")
    clusters["region_th"] = clusters["region"].map(region_names)

    every_project = source.projects(filters)
    projects = _with_project_projection(_project_labels(every_project), filters)
    if snapshot_id:  # lagging_projects' rule on the frozen flags: flagged, largest money at risk first
        flagged = every_project[[bool(flags) for flags in every_project["flags"]]]
        flagged = flagged.sort_values("money_at_risk", ascending=False).reset_index(drop=True)
    else:
        flagged = lagging_projects(filters)
    lagging = _project_labels(flagged)
    followup, rates, rate, frozen, unknown = _followup(filters, flagged)
    carry = carryover_projects(filters)
    assets = asset_list(filters)
    moves = ledger(filters).sort_values(["approved_date", "ref_no"]).reset_index(drop=True)
    loads = source_loads()
    if snapshot_id:  # the loads the snapshot was taken from
        taken_from = {int(value) for value in str(info.source_load_ids or "").split(",") if value.strip()}
        loads = loads[loads["load_id"].isin(taken_from)].reset_index(drop=True)
    comparison = None
    if compared_with is not None:
        if snapshot_id:
            earlier = snapshot_for(filters.fiscal_year, compared_with)
            if earlier is None:
                raise ValueError(f"no snapshot of {compared_with} to compare with")
            comparison = compare_snapshots(snapshot_id, earlier, filters)
        else:
            comparison = compare_live(filters, compared_with)

    tables = [
        ExportTable("summary", "สรุป", "สรุปผลการเบิกจ่าย รวม รายภาค และรายงบรายจ่าย", summary_cols, summary, True),
        ExportTable(
            "provinces",
            "จังหวัด",
            "ผลการเบิกจ่ายรายจังหวัด (แผนพัฒนาจังหวัด)",
            [
                Col("code", "รหัสจังหวัด", "province code", TEXT, 10),
                Col("name_th", "จังหวัด", "province", TEXT, 18),
                Col("name_en", "Province", "province (English)", TEXT, 18),
                Col("cluster_th", "กลุ่มจังหวัด", "cluster", TEXT, 32),
                Col("region_th", "ภาค", "region", TEXT, 22),
                Col("projects", "จำนวนโครงการ", "projects", INT),
                *area_cols,
                *PROJECTION_COLUMNS,
            ],
            provinces,
        ),
        ExportTable(
            "clusters",
            "กลุ่มจังหวัด",
            "ผลการเบิกจ่ายรายกลุ่มจังหวัด (รวมโครงการจังหวัดในกลุ่ม)",
            [
                Col("code", "รหัสกลุ่มจังหวัด", "cluster code", TEXT, 10),
                Col("name_th", "กลุ่มจังหวัด", "cluster", TEXT, 34),
                Col("name_en", "Cluster", "cluster (English)", TEXT, 20),
                Col("region_th", "ภาค", "region", TEXT, 22),
                Col("projects", "จำนวนโครงการ", "projects", INT),
                *area_cols,
                *PROJECTION_COLUMNS,
            ],
            clusters,
        ),
        ExportTable("projects", "โครงการ", "รายโครงการ", [*PROJECT_COLUMNS, *PROJECT_PROJECTION_COLUMNS], projects),
        ExportTable(
            "lagging",
            "โครงการล่าช้า",
            "โครงการที่ล่าช้า เรียงตามเงินที่ยังไม่เบิกจ่าย",
            [
                Col("project_code", "รหัสโครงการ", "project code", TEXT, 14),
                Col("project_name", "ชื่อโครงการ", "project", TEXT, 40),
                Col("owner_name_th", "จังหวัด/กลุ่มจังหวัด", "owner", TEXT, 24),
                Col("budget_type_th", "งบรายจ่าย", "budget type", TEXT, 14),
                Col("current_allocation", "งบประมาณปัจจุบัน บาท", "current allocation (baht)", MONEY),
                Col("disbursed", "เบิกจ่ายแล้ว บาท", "disbursed (baht)", MONEY),
                Col("pct_disbursed", "ร้อยละการเบิกจ่าย", "% disbursed", PCT),
                Col("target_pct", "เป้าหมายของประเภทงบ (ร้อยละ)", "target % for its budget type", PCT),
                Col("money_at_risk", "เงินที่ยังไม่เบิกจ่าย บาท", "money at risk (baht)", MONEY),
                Col("flag_labels_th", "ประเด็น", "flags", TEXT, 36),
                Col("reasons_th", "เหตุผล", "reasons", TEXT, 70),
                Col("reasons_en", "Reasons", "reasons (English)", TEXT, 70),
            ],
            lagging,
        ),
        ExportTable(
            "followup", "การชี้แจง", "คำชี้แจงของโครงการล่าช้า (จังหวัดและกลุ่มจังหวัดบันทึกในแดชบอร์ด)", FOLLOWUP_COLUMNS, followup
        ),
        ExportTable(
            "followup_rates",
            "อัตราการชี้แจง",
            "อัตราการชี้แจงโครงการล่าช้า รายจังหวัดและรายกลุ่มจังหวัด",
            FOLLOWUP_RATE_COLUMNS,
            rates,
        ),
        ExportTable(
            "carryover",
            "เงินกันเหลื่อมปี",
            "เงินกันไว้เบิกเหลื่อมปี",
            [
                Col("project_code", "รหัสโครงการ", "project code", TEXT, 14),
                Col("project_name", "ชื่อโครงการ", "project", TEXT, 40),
                Col("owner_name_th", "จังหวัด/กลุ่มจังหวัด", "owner", TEXT, 24),
                Col("carried", "เงินกัน บาท", "carry-over (baht)", MONEY),
                Col("with_commitment_th", "หนี้ผูกพัน", "commitment", TEXT, 14),
                Col("approved_date", "วันที่อนุมัติ", "approved", DATE),
                Col("deadline", "กำหนดเบิกจ่าย", "deadline", DATE),
                Col("paid", "เบิกจ่ายแล้ว บาท", "paid (baht)", MONEY),
                Col("remaining", "คงเหลือ บาท", "unpaid (baht)", MONEY),
                Col("pct_paid", "ร้อยละที่เบิกจ่าย", "% paid", PCT),
                Col("days_to_deadline", "เหลือเวลา (วัน)", "days to deadline", INT),
                Col("risk_th", "ความเสี่ยง", "risk", TEXT, 30),
                Col("reason", "เหตุผลการกันเงิน", "reason", TEXT, 30),
            ],
            _carry_labels(carry),
        ),
        ExportTable(
            "reallocations",
            "โอนเปลี่ยนแปลง",
            "การโอนเปลี่ยนแปลงงบประมาณ",
            [
                Col("ref_no", "เลขที่อ้างอิง", "reference", TEXT, 14),
                Col("approved_date", "วันที่อนุมัติ", "approved", DATE),
                Col("kind_th", "ประเภท", "kind", TEXT, 18),
                Col("from_project_code", "จากโครงการ", "from project", TEXT, 14),
                Col("from_project_name", "ชื่อโครงการต้นทาง", "from project name", TEXT, 34),
                Col("from_owner_name_th", "จังหวัด/กลุ่มต้นทาง", "from owner", TEXT, 20),
                Col("to_project_code", "ไปโครงการ", "to project", TEXT, 14),
                Col("to_project_name", "ชื่อโครงการปลายทาง", "to project name", TEXT, 34),
                Col("to_owner_name_th", "จังหวัด/กลุ่มปลายทาง", "to owner", TEXT, 20),
                Col("amount", "จำนวนเงิน บาท", "amount (baht)", MONEY),
                Col("reason", "เหตุผล", "reason", TEXT, 30),
            ],
            moves,
        ),
        ExportTable(
            "assets",
            "โอนสินทรัพย์",
            "การโอนสินทรัพย์ของโครงการที่แล้วเสร็จ",
            [
                Col("asset_id", "รหัสสินทรัพย์", "asset id", TEXT, 14),
                Col("project_code", "รหัสโครงการ", "project code", TEXT, 14),
                Col("project_name", "ชื่อโครงการ", "project", TEXT, 36),
                Col("owner_name_th", "จังหวัด/กลุ่มจังหวัด", "owner", TEXT, 22),
                Col("description", "รายการ", "description", TEXT, 30),
                Col("value", "มูลค่า บาท", "value (baht)", MONEY),
                Col("recipient", "หน่วยรับโอน", "recipient", TEXT, 22),
                Col("completed_date", "วันที่แล้วเสร็จ", "completed", DATE),
                Col("transferred_date", "วันที่โอน", "transferred", DATE),
                Col("status_th", "สถานะ ณ วันที่", "status on the date", TEXT, 16),
                Col("days_since_completion", "แล้วเสร็จมาแล้ว (วัน)", "days since completed", INT),
                Col("overdue_th", "ค้างโอนเกินกำหนด", "overdue", TEXT, 12),
            ],
            _asset_labels(assets),
        ),
    ]
    last_year = year_on_year.last_year(filters, as_of)
    if last_year is not None:  # after the provinces and clusters: the same day of the previous fiscal year
        tables.insert(3, year_on_year_table(filters, national, provinces, last_year, total_label))
    if comparison is not None:
        tables += comparison_tables(comparison)
    targets = {scope: quarter_targets(filters.fiscal_year, scope) for scope in ("overall", "investment")}
    bundle = ExportBundle(
        filters=filters,
        as_of=as_of,
        area_kind=area_kind,
        area_code=area_code,
        area_name_th=name_th,
        area_name_en=name_en,
        kpis=national,
        generated_at=info.taken_at if snapshot_id else data_published_at(),
        tables=tables,
        curve=source.curve(filters),
        provinces=provinces,
        clusters=clusters,
        carryovers=carry,
        assets=assets,
        loads=loads,
        targets=targets,
        response_rate=rate,
        responses_frozen=frozen,
        responses_unknown=unknown,
        projection=_own_projection(filters, area_kind, area_code),
        interventions=needs_intervention(filters, "province", LINE_TARGET[national.headline])
        if area_kind != "province"
        else pd.DataFrame(),
        snapshot_id=snapshot_id,
        comparison=comparison,
        last_year=last_year,
    )
    bundle.tables.append(_about_table(bundle))
    return bundle


YEAR_ON_YEAR_COLUMNS = [
    Col("level_th", "ระดับ", "level", TEXT, 9),
    Col("code", "รหัส", "code", TEXT, 8),
    Col("name_th", "พื้นที่", "area", TEXT, 24),
    Col("line_th", "เส้น", "line", TEXT, 12),
    Col("pct", "ร้อยละการเบิกจ่าย", "% disbursed", PCT),
    Col("target_pct", "เป้าหมาย (ร้อยละ)", "target %", PCT),
    Col("last_year_as_of", "ปีก่อน ณ วันที่", "last year's date", DATE),
    Col("last_year_pct", "ปีก่อน ณ วันเดียวกัน: ร้อยละการเบิกจ่าย", "same day last year: % disbursed", PCT),
    Col("last_year_target_pct", "ปีก่อน ณ วันเดียวกัน: เป้าหมาย (ร้อยละ)", "same day last year: target %", PCT),
    Col("year_change_points", "เทียบปีก่อน (จุด)", "change against last year (points)", POINTS),
]


def year_on_year_table(
    filters: Filters, national: Kpis, provinces: pd.DataFrame, last: year_on_year.LastYear, total_label: str
) -> ExportTable:
    """The selection's lines (the total, then each province with projects) beside the same day of
    the previous fiscal year: rate and target now, rate and that year's target then (blank when that
    year has no cabinet targets), and the change in points (budget_metrics.year_on_year)."""
    earlier = year_on_year.last_year_filters(filters, national.as_of)
    before = area_progress(earlier, "province").set_index("code")
    rows = []
    for line in (figures.scope for figures in national.lines):
        now, then = national.line(line), last.line(line)
        rows.append(
            {
                "level_th": "รวม",
                "code": None,
                "name_th": total_label,
                "line_th": LINE_LABELS[line][0],
                "pct": now.pct,
                "target_pct": now.target_pct,
                "last_year_as_of": last.as_of,
                "last_year_pct": then.pct,
                "last_year_target_pct": then.target_pct,
                "year_change_points": year_on_year.change_points(now.pct, then.pct),
            }
        )
    for province in provinces[provinces["projects"] > 0].to_dict("records"):
        code = province["code"]
        for line in (figures.scope for figures in national.lines):
            then = before[f"{line}_pct"].get(code)
            rows.append(
                {
                    "level_th": "จังหวัด",
                    "code": code,
                    "name_th": province["name_th"],
                    "line_th": LINE_LABELS[line][0],
                    "pct": province[f"{line}_pct"],
                    "target_pct": province[f"{line}_target_pct"],
                    "last_year_as_of": last.as_of,
                    "last_year_pct": then,
                    "last_year_target_pct": before[f"{line}_target_pct"].get(code),
                    "year_change_points": year_on_year.change_points(province[f"{line}_pct"], then),
                }
            )
    return ExportTable(
        "last_year",
        "เทียบปีก่อน",
        f"เทียบปีงบประมาณ {last.fiscal_year} ณ วันเดียวกัน ({format_date(last.as_of, 'th')})",
        YEAR_ON_YEAR_COLUMNS,
        pd.DataFrame(rows),
    )


def comparison_tables(comparison: Comparison) -> list[ExportTable]:
    """The week compared with an earlier one: each line's figures then and now (week_changes),
    the projects newly flagged and cleared, and the provinces whose % moved most."""
    now, before = comparison.current, comparison.previous
    rows = []
    for figures in now.lines:
        line, old = figures.scope, before.line(figures.scope)
        rows.append(
            {
                "line_th": line_name(line, "th"),
                "line_en": line_name(line, "en"),
                "allocation": float(figures.allocation),
                "disbursed": float(figures.disbursed),
                "disbursed_before": float(old.disbursed),
                "paid_in_between": float(figures.disbursed - old.disbursed),
                "pct": figures.pct,
                "pct_before": old.pct,
                "change_points": None if figures.pct is None or old.pct is None else figures.pct - old.pct,
                "target_pct": figures.target_pct,
                "target_pct_before": old.target_pct,
                "gap_points": figures.gap_points,
                "gap_points_before": old.gap_points,
                "status_th": STATUS_TH.get(figures.status),
                "status_before_th": STATUS_TH.get(old.status),
                "flagged": comparison.flagged[0],
                "flagged_before": comparison.flagged[1],
                "newly_flagged": len(comparison.newly_flagged),
                "cleared": len(comparison.cleared),
            }
        )
    day, earlier = format_date(now.as_of), format_date(before.as_of)
    changes = ExportTable(
        "week_changes",
        "เทียบสัปดาห์",
        f"ข้อมูล ณ {day} เทียบกับ {earlier}",
        [
            Col("line_th", "เส้น", "line", TEXT, 30),
            Col("line_en", "Line", "line (English)", TEXT, 24),
            Col("allocation", f"งบประมาณ ณ {day} บาท", "allocation (baht)", MONEY),
            Col("disbursed", f"เบิกจ่าย ณ {day} บาท", "disbursed (baht)", MONEY),
            Col("disbursed_before", f"เบิกจ่าย ณ {earlier} บาท", "disbursed before (baht)", MONEY),
            Col("paid_in_between", "เบิกจ่ายเพิ่ม บาท", "paid in between (baht)", MONEY),
            Col("pct", f"ร้อยละเบิกจ่าย ณ {day}", "% disbursed", PCT),
            Col("pct_before", f"ร้อยละเบิกจ่าย ณ {earlier}", "% disbursed before", PCT),
            Col("change_points", "เปลี่ยน (จุด)", "change (points)", POINTS),
            Col("target_pct", f"เป้าหมาย ณ {day} (ร้อยละ)", "target %", PCT),
            Col("target_pct_before", f"เป้าหมาย ณ {earlier} (ร้อยละ)", "target % before", PCT),
            Col("gap_points", f"ห่างเป้า ณ {day} (จุด)", "gap (points)", POINTS),
            Col("gap_points_before", f"ห่างเป้า ณ {earlier} (จุด)", "gap before (points)", POINTS),
            Col("status_th", f"สถานะ ณ {day}", "status", TEXT, 16),
            Col("status_before_th", f"สถานะ ณ {earlier}", "status before", TEXT, 16),
            Col("flagged", f"โครงการล่าช้า ณ {day}", "flagged projects", INT),
            Col("flagged_before", f"โครงการล่าช้า ณ {earlier}", "flagged before", INT),
            Col("newly_flagged", "เริ่มล่าช้า", "newly flagged", INT),
            Col("cleared", "พ้นสถานะล่าช้า", "cleared", INT),
        ],
        pd.DataFrame(rows),
    )
    project_cols = [
        Col("project_code", "รหัสโครงการ", "project code", TEXT, 14),
        Col("project_name", "ชื่อโครงการ", "project", TEXT, 40),
        Col("owner_name_th", "จังหวัด/กลุ่มจังหวัด", "owner", TEXT, 24),
        Col("flag_labels_th", "ประเด็น", "flags", TEXT, 36),
        Col("reasons_th", "เหตุผล", "reasons", TEXT, 60),
        Col("pct_disbursed", "ร้อยละการเบิกจ่าย", "% disbursed", PCT),
        Col("money_at_risk", "เงินที่ยังไม่เบิกจ่าย บาท", "money at risk (baht)", MONEY),
    ]

    def labelled(frame: pd.DataFrame) -> pd.DataFrame:
        codes = [[code for code in str(text or "").split(",") if code] for text in frame["flag_codes"]]
        return frame.assign(
            flag_labels_th=["; ".join(FLAGS[code][0] for code in found if code in FLAGS) for found in codes]
        )

    movers = comparison.province_movers
    return [
        changes,
        ExportTable(
            "newly_flagged",
            "เริ่มล่าช้า",
            f"โครงการที่เริ่มล่าช้า ณ {day} (ไม่ล่าช้าเมื่อ {earlier})",
            project_cols,
            labelled(comparison.newly_flagged),
        ),
        ExportTable(
            "cleared",
            "พ้นสถานะล่าช้า",
            f"โครงการที่พ้นสถานะล่าช้า ณ {day} (ล่าช้าเมื่อ {earlier}: เหตุผลขณะนั้น)",
            project_cols,
            labelled(comparison.cleared),
        ),
        ExportTable(
            "province_movers",
            "จังหวัดที่เปลี่ยนมากที่สุด",
            f"จังหวัดที่ร้อยละเบิกจ่ายเปลี่ยนมากที่สุด {earlier} ถึง {day}",
            [
                Col("code", "รหัสจังหวัด", "province code", TEXT, 10),
                Col("name_th", "จังหวัด", "province", TEXT, 18),
                Col("pct_before", f"ร้อยละ ณ {earlier}", "% before", PCT),
                Col("pct_after", f"ร้อยละ ณ {day}", "% after", PCT),
                Col("change_points", "เปลี่ยน (จุด)", "change (points)", POINTS),
                Col("disbursed_change", "เบิกจ่ายเพิ่ม บาท", "paid in between (baht)", MONEY),
            ],
            movers,
        ),
    ]


# The backtest's figures the about sheet quotes (docs/benchmarks.md, "Year-end projection", demo seed
# 2562, overall line, per province: median absolute error in points, the straight-line baseline's
# median, and how often the actual 30 Sep rate fell inside the 80% band). A test reads them back from
# benchmarks.md, so a rerun of bench/backtest_projection.py that changes them fails until this follows.
PROJECTION_BACKTEST = {
    "31 Jan": {"median": 7.9, "baseline_median": 23.4, "coverage": 70},
    "31 May": {"median": 3.6, "baseline_median": 10.3, "coverage": 75},
    "31 Aug": {"median": 1.2, "baseline_median": 6.2, "coverage": 80},
}
_MONTHS_TH = {"Jan": "ม.ค.", "May": "พ.ค.", "Aug": "ส.ค."}


def _backtest_text(lang: str) -> str:
    """'from 31 Jan 5.4 points (straight-line pace 23.4; actual inside the band for 88% of
    provinces), ...' for each quoted month end, in Thai ('th') or English."""
    parts = []
    for day, figures in PROJECTION_BACKTEST.items():
        number, month = day.split()
        if lang == "th":
            parts.append(
                f"จาก {number} {_MONTHS_TH[month]} คลาดเคลื่อน {figures['median']:g} จุด (เส้นตรงตามอัตราปัจจุบัน "
                f"{figures['baseline_median']:g} จุด; ค่าจริงอยู่ในช่วง {figures['coverage']}% ของจังหวัด)"
            )
        else:
            parts.append(
                f"from {day} {figures['median']:g} points (straight-line pace {figures['baseline_median']:g}; "
                f"actual inside the band for {figures['coverage']}% of provinces)"
            )
    return ", ".join(parts)


# How the projection columns are made and how far to trust them: three lines of the about sheet.
PROJECTION_ABOUT = [
    (
        "คาดการณ์ ณ 30 ก.ย. / year-end projection",
        (
            "แต่ละโครงการ: เบิกจ่ายแล้ว + ยอดคงค้าง × โอกาสเบิกได้ภายใน 30 ก.ย. ตามอัตราที่สังเกตได้ในปีนี้จนถึงวันที่ข้อมูล "
            "(สัญญา กำหนดแล้วเสร็จ การลงนามสัญญา และจังหวะการเบิกจ่าย) รวมเป็นจังหวัด/กลุ่มจังหวัด; "
            "กันเงินเหลื่อมปี = ก่อหนี้ผูกพันแล้วแต่คาดว่าเบิกไม่ทัน, ไม่ได้ใช้/ส่งคืน = ส่วนที่เหลือ; "
            "ต้องเบิกจ่ายต่อสัปดาห์ = (เป้าหมายสิ้นปี × งบประมาณ − เบิกจ่ายแล้ว) ÷ จำนวนสัปดาห์ถึง 30 ก.ย. / "
            "per project: paid + outstanding × the chance of paying it by 30 Sep at the rates seen this year up to "
            "the as-of date (contracts, planned ends, signing, payment rhythm), summed per area; carry-over = "
            "committed but not expected paid, lapse = the rest; needed per week = (year-end target × allocation − "
            "paid) ÷ weeks to 30 Sep (docs/projection.md)"
        ),
    ),
    (
        "ช่วงคาดการณ์ / projection band",
        (
            "ต่ำ–สูง คือช่วง 80% (เปอร์เซ็นไทล์ที่ 10–90) จากความไม่แน่นอนในข้อมูลของปีนี้เอง: "
            "แต่ละโครงการอาจเบิกหรือไม่เบิกยอดคงค้าง อัตราการเบิกจ่ายของแต่ละพื้นที่และของทั้งประเทศเป็นค่าประมาณ "
            "ช่วงจะกว้างขึ้นเมื่อข้อมูลยังน้อยหรือเหลือเวลามาก และเมื่ออัตราการเบิกจ่ายของพื้นที่ลดลงผิดปกติ / "
            "the low-high band is the central 80% (10th-90th percentile) from this year's own data: each project "
            "pays its balance or not, and each area's and the nation's pace are estimates; it is wider where the data "
            "is thin or much of the year is left, and when an area's pace has broken (docs/projection.md)"
        ),
    ),
    (
        "สิ่งที่ช่วงคาดการณ์ไม่ครอบคลุม / what the band does not hold",
        f"{PROJECTION_BAND_CAVEAT[0]} / {PROJECTION_BAND_CAVEAT[1]} (docs/projection.md, 'Accuracy')",
    ),
    (
        "ต้นปีงบประมาณ (ต.ค.–ม.ค.) / early in the fiscal year (Oct-Jan)",
        f"{PROJECTION_EARLY_CAVEAT[0]} / {PROJECTION_EARLY_CAVEAT[1]} (docs/projection.md, 'Round 21 of issue 17')",
    ),
    (
        "สัญญางบลงทุนในปีนี้ยังไม่ถึง 50 สัญญา / fewer than 50 investment contracts yet this year",
        f"{PROJECTION_PAST_YEARS_CAVEAT[0]} / {PROJECTION_PAST_YEARS_CAVEAT[1]} "
        "(docs/projection.md, 'Round 23 of issue 17' and 'Round 24 of issue 17')",
    ),
    (
        "ความคลาดเคลื่อนจากการทดสอบย้อนหลัง / backtested error",
        (
            f"ข้อมูลสาธิต คาดการณ์จากสิ้นเดือน ม.ค.–ส.ค. เทียบผลจริง 30 ก.ย. รายจังหวัด เส้นภาพรวม ค่ามัธยฐานของความคลาดเคลื่อน: "
            f"{_backtest_text('th')} / demo data, projections from each month end January-August against the actual "
            f"30 Sep, per province, overall line, median absolute error: {_backtest_text('en')} "
            "(docs/benchmarks.md, 'Year-end projection', bench/backtest_projection.py)"
        ),
    ),
]


# The projects table's projection columns (project_projection), after its own columns.
PROJECT_PROJECTION_COLUMNS = [
    Col(
        "projected_disbursed",
        f"{PROJECTION_FIGURES['projected_disbursed'][0]} บาท",
        f"{PROJECTION_FIGURES['projected_disbursed'][1]} (baht)",
        MONEY,
    ),
    Col(
        "projected_pct",
        f"{PROJECTION_FIGURES['projected_pct'][0]} (ร้อยละ)",
        f"{PROJECTION_FIGURES['projected_pct'][1]} (%)",
        PCT,
    ),
    Col(
        "projected_carryover",
        f"{PROJECTION_FIGURES['projected_carryover'][0]} ณ 30 ก.ย. บาท",
        f"{PROJECTION_FIGURES['projected_carryover'][1]} on 30 Sep (baht)",
        MONEY,
    ),
    Col(
        "projected_lapse",
        f"{PROJECTION_FIGURES['projected_lapse'][0]} ณ 30 ก.ย. บาท",
        f"{PROJECTION_FIGURES['projected_lapse'][1]} on 30 Sep (baht)",
        MONEY,
    ),
    Col("basis_th", PROJECTION_FIGURES["basis"][0], PROJECTION_FIGURES["basis"][1], TEXT, 24),
    Col("projection_reason_th", "เหตุผลของคาดการณ์", "projection reason", TEXT, 60),
]


def _with_project_projection(projects: pd.DataFrame, filters: Filters) -> pd.DataFrame:
    """The projects table with each project's projected year end (project_projection), by code."""
    projected = project_projection(filters)[
        [
            "project_code",
            "projected_disbursed",
            "projected_pct",
            "projected_carryover",
            "projected_lapse",
            "basis",
            "reason_th",
        ]
    ]
    projected = projected.assign(basis_th=words_in(BASES, projected["basis"], "th")).rename(
        columns={"reason_th": "projection_reason_th"}
    )
    return projects.merge(projected.drop(columns="basis"), on="project_code", how="left")


def _own_projection(filters: Filters, area_kind: str | None, area_code: str | None) -> pd.DataFrame:
    """area_projection's row of the export's area (the nation without one) for each line with projects."""
    rows = []
    for line in LINES:
        frame = area_projection(filters, area_kind or "nation", line)
        if area_code:
            frame = frame[frame["code"] == area_code]
        frame = frame[frame["projects"] > 0]
        if len(frame):
            rows.append(frame.iloc[[0]].assign(line=line))
    return pd.concat(rows).set_index("line") if rows else pd.DataFrame()


PROJECT_COLUMNS = [
    Col("project_code", "รหัสโครงการ", "project code", TEXT, 14),
    Col("project_name", "ชื่อโครงการ", "project", TEXT, 40),
    Col("plan_th", "แผน", "plan", TEXT, 18),
    Col("owner_name_th", "จังหวัด/กลุ่มจังหวัด", "owner", TEXT, 24),
    Col("province_code", "รหัสจังหวัด", "province code", TEXT, 10),
    Col("cluster_code", "รหัสกลุ่มจังหวัด", "cluster code", TEXT, 10),
    Col("region_th", "ภาค", "region", TEXT, 22),
    Col("budget_type_th", "งบรายจ่าย", "budget type", TEXT, 14),
    Col("implementing_agency", "หน่วยดำเนินการ", "implementing agency", TEXT, 24),
    Col("emenscr_code", "รหัส eMENSCR", "eMENSCR code", TEXT, 14),
    Col("allocated_amount", "งบประมาณที่ได้รับจัดสรร บาท", "allocated (baht)", MONEY),
    Col("reallocated_in", "โอนเข้า บาท", "reallocated in (baht)", MONEY),
    Col("reallocated_out", "โอนออก บาท", "reallocated out (baht)", MONEY),
    Col("current_allocation", "งบประมาณปัจจุบัน บาท", "current allocation (baht)", MONEY),
    Col("contract_date", "วันที่ลงนามสัญญา", "contract date", DATE),
    Col("committed", "ก่อหนี้ผูกพัน บาท", "committed (baht)", MONEY),
    Col("disbursed", "เบิกจ่ายแล้ว บาท", "disbursed (baht)", MONEY),
    Col("remaining", "คงเหลือ บาท", "remaining (baht)", MONEY),
    Col("pct_disbursed", "ร้อยละการเบิกจ่าย", "% disbursed", PCT),
    Col("target_pct", "เป้าหมายของประเภทงบ (ร้อยละ)", "target % for its budget type", PCT),
    Col("gap_points", "ห่างจากเป้าหมายของประเภทงบ (จุด)", "gap to its budget type's target (points)", POINTS),
    Col("last_payment_date", "เบิกจ่ายครั้งล่าสุด", "last payment", DATE),
    Col("planned_end", "กำหนดแล้วเสร็จ", "planned end", DATE),
    Col("disbursed_carryover", "เบิกจากเงินกัน บาท", "paid from carry-over (baht)", MONEY),
    Col("flag_labels_th", "ประเด็นล่าช้า", "lagging flags", TEXT, 36),
]


FOLLOWUP_COLUMNS = [
    Col("project_code", "รหัสโครงการ", "project code", TEXT, 14),
    Col("project_name", "ชื่อโครงการ", "project", TEXT, 40),
    Col("owner_name_th", "จังหวัด/กลุ่มจังหวัด", "owner", TEXT, 24),
    Col("money_at_risk", "เงินที่ยังไม่เบิกจ่าย บาท", "money at risk (baht)", MONEY),
    Col("response_status_th", "สถานะการชี้แจง", "follow-up status", TEXT, 18),
    Col("response_cause_th", "สาเหตุ", "cause", TEXT, 26),
    Col("response_action_taken", "การดำเนินการ", "action taken", TEXT, 40),
    Col("response_expected_payment_date", "คาดว่าจะเบิกจ่ายได้วันที่", "expected payment date", DATE),
    Col("response_expected_amount", "คาดว่าจะเบิกจ่ายได้ บาท", "expected payment (baht)", MONEY),
    Col("response_note", "หมายเหตุ", "note", TEXT, 30),
    Col("response_saved_on", "ชี้แจงวันที่", "answered on (Bangkok date)", DATE),
    Col("response_saved_time", "เวลา", "time (Bangkok)", TEXT, 7),
    Col("response_updated_by", "ชี้แจงโดย", "answered by", TEXT, 24),
]
FOLLOWUP_RATE_COLUMNS = [
    Col("level_th", "ระดับ", "level", TEXT, 11),
    Col("area_code", "รหัส", "code", TEXT, 8),
    Col("name_th", "พื้นที่", "area", TEXT, 30),
    Col("flagged", "โครงการล่าช้า", "flagged projects", INT),
    Col("responded", "ชี้แจงแล้ว (ยังไม่เก่า)", "answered (fresh)", INT),
    Col("rate_pct", "อัตราการชี้แจง (ร้อยละ)", "response rate %", PCT),
    Col("overdue", "เลยกำหนดเบิกจ่ายที่แจ้ง", "past expected payment", INT),
]
BANGKOK = ZoneInfo("Asia/Bangkok")
# The follow-up status of every flagged project when the application store could not be read (an
# outage): the lagging page's "unknown now" (vocabulary.RESPONSE_STATUSES), in both languages.
FOLLOWUP_UNKNOWN = f"{RESPONSE_STATUSES['unknown'][0]} — {RESPONSE_STATUSES['unknown'][1].lower()}"
FOLLOWUP_UNKNOWN_NOTE = (
    "ไม่ทราบในขณะนี้: ระบบจัดเก็บคำชี้แจงไม่ตอบสนองขณะสร้างไฟล์นี้ จึงไม่มีคำชี้แจงและอัตราการชี้แจงในไฟล์ "
    "(สร้างไฟล์ใหม่เมื่อระบบกลับมา) / unknown now: the application store could not be read when this file "
    "was built, so it holds no follow-up answers or response rates (build it again once the store answers)"
)


def _followup(filters: Filters, flagged: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame, Any, bool, bool]:
    """The flagged projects with their latest follow-up answer, the response rate per province and
    cluster (areas with flagged projects), the total rate, whether the answers are the ones frozen
    with the as-of date's weekly snapshot (else the application store's current ones), and whether
    they are unknown: the store could not be read (appstore.StoreUnavailable). Then every project's
    status says "unknown now", its answer columns are blank, and the rates' answered, rate and
    overdue columns are blank (unread answers are not "no answer": a rate would read 0%)."""
    import appstore
    from appstore.followup import (
        RESPONSE_COLUMNS,
        response_rate_total,
        response_rates,
        response_source,
        with_responses,
    )

    unknown = False
    try:
        source = response_source(filters, frozen=True)
        joined = source.join(flagged, filters.as_of)
        frozen = source.frozen
    except appstore.StoreUnavailable as error:  # the files are still built; the answers say "unknown now"
        log.warning("export built without follow-up answers, store unavailable: %s", error.__cause__ or error)
        joined = with_responses(flagged, filters.as_of, responses=pd.DataFrame(columns=RESPONSE_COLUMNS, dtype=object))
        unknown, frozen = True, False
    statuses = [
        "unknown" if unknown else "none" if version is None else "overdue" if overdue else "fresh" if fresh else "stale"
        for version, overdue, fresh in zip(
            joined["response_version"], joined["response_overdue"], joined["response_fresh"], strict=True
        )
    ]
    joined["response_status_th"] = [
        FOLLOWUP_UNKNOWN if code == "unknown" else RESPONSE_STATUSES[code][0] for code in statuses
    ]
    # the day (an Excel date, shown in BE) and the time of the save, both in Bangkok time
    saved = [None if moment is None else moment.astimezone(BANGKOK) for moment in joined["response_updated_at"]]
    joined["response_saved_on"] = [None if moment is None else moment.date() for moment in saved]
    joined["response_saved_time"] = [None if moment is None else f"{moment:%H:%M}" for moment in saved]
    joined["response_expected_amount"] = [
        None if amount is None else float(amount) for amount in joined["response_expected_amount"]
    ]
    parts = []
    # a province export counts the province's projects only: a cluster row would not be the cluster's rate
    levels = (("province", "จังหวัด"),) if filters.province else (("province", "จังหวัด"), ("cluster", "กลุ่มจังหวัด"))
    for level, label in levels:
        rates = response_rates(filters, level, flagged=joined)
        parts.append(rates[rates["flagged"] > 0].assign(level_th=label))
    rates = pd.concat(parts, ignore_index=True)
    if unknown:
        rates = rates.astype({name: object for name in ("responded", "rate_pct", "overdue")})
        rates[["responded", "rate_pct", "overdue"]] = None
        return joined, rates, None, frozen, True
    return joined, rates, response_rate_total(filters, flagged=joined), frozen, False


def _project_labels(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.copy()
    frame["plan_th"] = frame["owner_type"].map(PLAN_TH)
    frame["budget_type_th"] = frame["budget_type"].map(BUDGET_TH).fillna(frame["budget_type"])
    frame["gap_points"] = frame["pct_disbursed"] - frame["target_pct"]
    frame["flag_labels_th"] = ["; ".join(FLAGS[code][0] for code in codes) for codes in frame["flags"]]
    frame["region_th"] = frame["region"].map(reference.regions().set_index("region")["name_th"])
    return frame


def _carry_labels(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.copy()
    frame["with_commitment_th"] = words_in(COMMITMENT, frame["with_commitment"], "th")
    return frame


def _asset_labels(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.copy()
    frame["overdue_th"] = words_in(ASSET_OVERDUE, frame["overdue"], "th")
    return frame


def _about_table(bundle: ExportBundle) -> ExportTable:
    """Key/value facts about the export, then the source loads with their checksums."""
    published = bundle.generated_at.strftime("%Y-%m-%d %H:%M:%S") if bundle.generated_at else "-"
    fy = bundle.filters.fiscal_year
    rows = [
        ("ข้อมูล ณ วันที่ / as of", f"{format_date(bundle.as_of)} ({bundle.as_of.isoformat()})"),
        ("ปีงบประมาณ / fiscal year", f"พ.ศ. {fy}"),
        ("ขอบเขต / scope", f"{bundle.area_name_th} / {bundle.area_name_en}"),
        (
            "สร้างจากข้อมูลที่โหลดเมื่อ / generated from data published at"
            if bundle.snapshot_id is None
            else "บันทึกภาพนิ่งเมื่อ / snapshot taken at",
            published,
        ),
        ("จำนวนโครงการ / projects", str(bundle.kpis.projects)),
    ]
    if bundle.snapshot_id is not None:
        rows.append(
            (
                "ภาพนิ่งรายสัปดาห์ / weekly snapshot",
                (
                    f"หมายเลข {bundle.snapshot_id}: ตัวเลขสรุป รายภาค รายจังหวัด รายกลุ่มจังหวัด รายโครงการ โครงการล่าช้า "
                    "คำชี้แจง และกราฟ เป็นตัวเลขที่บันทึกไว้ในภาพนิ่ง; คาดการณ์ เงินกันเหลื่อมปี การโอนเปลี่ยนแปลง "
                    f"และสินทรัพย์ คำนวณจากข้อมูลปัจจุบัน ณ วันเดียวกัน / snapshot {bundle.snapshot_id}: the summary, "
                    "regions, provinces, clusters, projects, lagging projects, follow-up and curve are the frozen "
                    "figures; the projection, carry-overs, reallocations and assets are today's data for the same "
                    "date"
                ),
            )
        )
    if bundle.comparison is not None:
        earlier = bundle.comparison.previous.as_of
        how = (
            "ภาพนิ่งของวันนั้น / that date's snapshot"
            if bundle.snapshot_id is not None
            else "ข้อมูลปัจจุบัน ณ วันนั้น / today's data as of that date"
        )
        rows.append(("เทียบกับ / compared with", f"{format_date(earlier)} ({earlier.isoformat()}) — {how}"))
    for scope, label in (("overall", "ภาพรวม / overall"), ("investment", "งบลงทุน / investment")):
        found = bundle.targets.get(scope) or []
        text = ", ".join(f"Q{n} {value:g}%" for n, value in enumerate(found, start=1)) or "-"
        rows.append((f"เป้าหมายการเบิกจ่ายสะสม {label}", text))
    rows.append(
        (
            "วิธีคิดเป้าหมาย ณ วันที่ / target on a date",
            (
                "เป้าหมายสะสม ณ สิ้นไตรมาสตามมติคณะรัฐมนตรี เพิ่มเท่ากันทุกสิ้นเดือนภายในไตรมาส "
                "และเป็นเส้นตรงตามวันภายในเดือน / cabinet quarter-end targets, equal monthly steps "
                "within a quarter, linear by day within a month"
            ),
        )
    )
    k = bundle.kpis
    rows.append(
        (
            "การรายงานเทียบเป้าหมาย / reporting against targets",
            (
                "รายงานสองเส้นตามแบบกรมบัญชีกลาง แต่ละเส้นเทียบเป้าหมายของตนเอง ไม่นำมาเฉลี่ยรวมกัน / "
                "two lines as the Comptroller General reports them, each against its own target, never a mix"
            ),
        )
    )
    for line in LINES:
        thai, english = LINE_LABELS[line]
        figures = k.line(line)
        target = "-" if figures.target_pct is None else f"{figures.target_pct:.2f}%"
        rows.append(
            (
                f"เส้น{thai} / {english.lower()} line",
                (
                    f"{LINE_DESCRIPTIONS[line][0]} / {LINE_DESCRIPTIONS[line][1]}; "
                    f"เป้าหมาย ณ {format_date(bundle.as_of)} / target on {bundle.as_of.isoformat()}: {target}"
                ),
            )
        )
    rows.append(
        (
            "ห่างจากเป้าหมาย / gap",
            (
                "แต่ละเส้น: ร้อยละการเบิกจ่าย − เป้าหมายของเส้นนั้น (จุด) "
                "และ เบิกจ่าย − เป้าหมาย × งบประมาณของเส้นนั้น (บาท); ติดลบ = ต่ำกว่าเป้าหมาย / "
                "per line: % disbursed minus the line's target (points) and "
                "disbursed minus target × the line's allocation (baht); negative = behind"
            ),
        )
    )
    from exports.rules import budget_type_rules, status_words

    headline_th, headline_en = LINE_LABELS[k.headline]
    rows.append(
        (
            "สถานะ / status",
            (
                f"{status_words('th')} (thresholds.toml); คอลัมน์ "
                f'"สถานะ" และสีแผนที่/อันดับในแดชบอร์ดใช้เส้น{headline_th} (reporting.toml: headline_line = '
                f"{k.headline}) / {status_words('en')}; the 'status' column and the dashboard's map "
                f"colours and rankings follow the {headline_en.lower()} line"
            ),
        )
    )
    rows.append(("แถวรายงบรายจ่าย / budget-type rows", f"{budget_type_rules('th')} / {budget_type_rules('en')}"))
    rows.append(
        (
            "เป้าหมายรายโครงการ / a project's target",
            (
                "โครงการเทียบเป้าหมายของประเภทงบของตนเอง: งบลงทุนเทียบเป้าหมายงบลงทุน งบอื่นเทียบเป้าหมายภาพรวม / "
                "a project is judged against the target of its own budget type"
            ),
        )
    )
    rows += PROJECTION_ABOUT
    rows.append(("การชี้แจงโครงการล่าช้า / follow-up of lagging projects", bundle.response_rate_text()))
    for _, load in bundle.loads.iterrows():
        finished = load["finished_at"]
        finished_text = pd.Timestamp(finished).strftime("%Y-%m-%d %H:%M:%S") if not pd.isna(finished) else "-"
        rows.append(
            (
                f"ไฟล์ข้อมูล / source load {int(load['load_id'])}",
                (
                    f"{load['file_name']} | {load['kind'] or '-'} | {load['status']} | "
                    f"{finished_text} | sha256 {load['sha256']}"
                ),
            )
        )
    frame = pd.DataFrame(rows, columns=["item", "value"])
    return ExportTable(
        "about",
        "เกี่ยวกับ",
        "เกี่ยวกับรายงานนี้ / about this export",
        [Col("item", "รายการ", "item", TEXT, 46), Col("value", "ค่า", "value", TEXT, 110)],
        frame,
    )


def money(value) -> Decimal | None:
    """A float baht value from a frame as an exact 2-decimal Decimal (None for missing)."""
    if value is None or pd.isna(value):
        return None
    return Decimal(repr(float(value))).quantize(Decimal("0.01"))


def as_date(value) -> date | None:
    """A date from a frame cell (Timestamp, datetime, date or ISO text); None for missing."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return pd.Timestamp(value).date()
