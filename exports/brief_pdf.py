"""The PDF executive brief (A4, Thai, 1-3 pages), rendered by weasyprint from HTML.

Thai shaping (stacked vowels and tone marks) and Thai line breaking come from Pango
with a Thai font the project installs as a dependency: Noto Sans Thai from the PyPI
package `fontpkg-noto-sans-thai`, falling back to Debian's `fonts-thai-tlwg` (Garuda,
Loma). Nothing is downloaded at run time. The cumulative curve is an SVG drawn here
(no browser needed, deterministic and fast). Each Thai line carries its exact text for
copying and searching (exports/pdf_text.py: the glyph map alone loses SARA AM, ำ).
"""

from __future__ import annotations

import html
from pathlib import Path

import pandas as pd

from budget_metrics import reference
from budget_metrics.calendar import fiscal_year_bounds
from budget_metrics.formatting import (
    format_date,
    format_datetime,
    million_baht,
    percent,
    signed,
)
from budget_metrics.projection import caveat_kind
from budget_metrics.targets import LINES
from colours import LINE_COLOURS
from display_text import document_text, shorten
from exports.tables import ExportBundle
from vocabulary import (
    FLAGS,
    LINE_LABELS,
    NO_TARGETS_TO_JUDGE,
    PROJECTION_CAVEATS_SHORT,
    STATUSES,
)

TOP_BEHIND = 10
RISK_ROWS = 6
INTERVENTION_AREAS = 5  # provinces in the needs-intervention list
INTERVENTION_DRIVERS = 3  # driver projects shown under each
DRIVER_NAME_CHARS = 30  # a driver project's name is cut to this many characters
# Text from the data (project names, owners) is cut to this many characters with '…', and a
# project code to PDF_CODE_CHARS, so one very long value cannot turn the brief into dozens of
# pages (the workbook and the CSV files carry it whole; docs/data-dictionary.md).
PDF_TEXT_CHARS = 300
PDF_CODE_CHARS = 40


def thai_font_file() -> Path | None:
    """Noto Sans Thai from the `fontpkg-noto-sans-thai` package, or None if not installed."""
    try:
        import fontpkg_noto_sans_thai
    except ImportError:
        return None
    folder = Path(fontpkg_noto_sans_thai.__file__).parent
    found = sorted(folder.rglob("NotoSansThai*.ttf"))
    return found[0] if found else None


def _font_face() -> str:
    font = thai_font_file()
    if font is None:
        return ""
    return f"@font-face {{ font-family: 'Brief Thai'; font-weight: 100 900; src: url('{font.as_uri()}'); }}"


def _e(text) -> str:
    return html.escape("" if text is None else str(text))


def _d(text, limit: int = PDF_TEXT_CHARS) -> str:
    """Text from the data as the brief shows it: bidi and control characters as visible
    escapes, cut to `limit` characters with '…' (never off a letter's marks), HTML-escaped."""
    return _e(shorten(document_text(text), limit))


def _line_sentence(line, name: str) -> str:
    """'ร้อยละ 53.33 ต่ำกว่าเป้าหมายภาพรวม (ร้อยละ 69.33) 16.00 จุด (4,226.54 ล้านบาท)'; '' without data."""
    if line.pct is None:
        return ""
    text = f"ร้อยละ {percent(line.pct)}"
    if line.target_pct is not None and line.gap_points is not None:
        side = "ต่ำกว่า" if line.gap_points < 0 else "สูงกว่า"
        text += f" {side}เป้าหมาย{name} (ร้อยละ {percent(line.target_pct)}) {percent(abs(line.gap_points))} จุด"
        if line.gap_baht is not None:
            text += f" ({million_baht(abs(line.gap_baht))} ล้านบาท)"
    return text


def about_pct(value: float) -> str:
    """A projected percentage as the brief writes it: whole percent ('84'); the projection is
    good to a few points, so decimals would claim more than it knows."""
    return f"{value:.0f}"


def about_million(baht: float) -> str:
    """A projected amount as the brief writes it: million baht to one decimal ('35.2')."""
    return million_baht(baht, 1)


def _projection_paragraph(bundle: ExportBundle) -> str:
    """projection_sentence as the narrative box's second paragraph ('' without projects)."""
    text = projection_sentence(bundle)
    return f"<p class='projection'><b>คาดการณ์ ณ สิ้นปีงบประมาณ:</b> {_e(text)}</p>" if text else ""


def projection_sentence(bundle: ExportBundle) -> str:
    """'ตามอัตราปัจจุบัน จังหวัดกาฬสินธุ์จะเบิกจ่ายได้ร้อยละ 79 ภายใน 30 ก.ย. 2562 (ช่วงคาดการณ์ร้อยละ
    70–87) งบลงทุนร้อยละ 76 (67–85) คาดว่าจะกันเงินเหลื่อมปีประมาณ 24.6 ล้านบาท ...': the area's
    projected year end on both lines with their bands, the money likely carried over and likely to
    lapse, and the weekly pace needed against the last four weeks'. On or after 30 Sep the actual
    year end instead. '' when the area has no projects."""
    projection = bundle.projection
    if "overall" not in projection.index:
        return ""
    overall = projection.loc["overall"]
    _, year_end = fiscal_year_bounds(bundle.filters.fiscal_year)
    carry, lapse = about_million(overall["projected_carryover"]), about_million(overall["projected_lapse"])
    if bundle.as_of >= year_end:
        return (
            f"เมื่อสิ้นปีงบประมาณ {bundle.area_name_th}เบิกจ่ายได้ร้อยละ {about_pct(overall['projected_pct'])} "
            f"ก่อหนี้ผูกพันแล้วแต่ยังไม่เบิกจ่าย (กันเงินเหลื่อมปีได้) ประมาณ {carry} ล้านบาท "
            f"ไม่ได้ก่อหนี้ผูกพันประมาณ {lapse} ล้านบาท"
        )
    text = (
        f"ตามอัตราปัจจุบัน {bundle.area_name_th}จะเบิกจ่ายได้ร้อยละ {about_pct(overall['projected_pct'])} "
        f"ภายใน {format_date(year_end)} (ช่วงคาดการณ์ร้อยละ {about_pct(overall['projected_low_pct'])}–"
        f"{about_pct(overall['projected_high_pct'])})"
    )
    if "investment" in projection.index:
        investment = projection.loc["investment"]
        text += (
            f" งบลงทุนร้อยละ {about_pct(investment['projected_pct'])} "
            f"({about_pct(investment['projected_low_pct'])}–{about_pct(investment['projected_high_pct'])})"
        )
    caveat = caveat_kind(bundle.filters.fiscal_year, bundle.as_of)  # backtested: low Oct-Jan, far off while the
    if caveat is not None:  # year has few contracts (vocabulary.PROJECTION_CAVEATS_SHORT)
        text += f" ({PROJECTION_CAVEATS_SHORT[caveat][0]})"
    text += f" คาดว่าจะกันเงินเหลื่อมปีประมาณ {carry} ล้านบาท และอาจไม่ได้ใช้หรือต้องส่งคืนประมาณ {lapse} ล้านบาท"
    if overall["required_weekly"] > 0:
        text += (
            f" ต้องเบิกจ่ายสัปดาห์ละ {million_baht(overall['required_weekly'])} ล้านบาทจึงจะถึงเป้าหมายสิ้นปี "
            f"(ร้อยละ {overall['target_year_end_pct']:g}) ขณะที่ 4 สัปดาห์ล่าสุดเบิกจ่ายเฉลี่ยสัปดาห์ละ "
            f"{million_baht(overall['recent_weekly'])} ล้านบาท"
        )
    return text + pace_break_note(overall)


def pace_break_note(area: dict | pd.Series) -> str:
    """' — อัตราการเบิกจ่ายลดลงตั้งแต่ 14 มิ.ย. 2562' when the area's pace-break warning is up
    (area_projection's words), else ''."""
    words = area.get("pace_break_th") if hasattr(area, "get") else None
    return f" — {words}" if isinstance(words, str) and words else ""


def comparison_sentence(bundle: ExportBundle) -> str:
    """'เทียบกับ 30 ส.ค. 2562: เบิกจ่ายเพิ่ม 512.34 ล้านบาท ภาพรวม +1.79 จุด (เป้าหมาย +1.53 จุด) งบลงทุน ...
    โครงการล่าช้า 840 (+12) เริ่มล่าช้า 30 พ้นสถานะล่าช้า 18': the week against the earlier one
    ('' without a comparison)."""
    comparison = bundle.comparison
    if comparison is None:
        return ""
    now, before = comparison.current, comparison.previous
    text = f"เทียบกับ {format_date(before.as_of)}: เบิกจ่ายเพิ่ม {million_baht(now.disbursed - before.disbursed)} ล้านบาท"
    for figures in now.lines:
        old = before.line(figures.scope)
        if figures.pct is None or old.pct is None:
            continue
        text += f" {LINE_LABELS[figures.scope][0]} {signed(figures.pct - old.pct)} จุด"
        if figures.target_pct is not None and old.target_pct is not None:
            text += f" (เป้าหมาย {signed(figures.target_pct - old.target_pct)} จุด)"
    flagged, earlier = comparison.flagged
    text += (
        f" โครงการล่าช้า {flagged:,} ({flagged - earlier:+,}) เริ่มล่าช้า {len(comparison.newly_flagged):,} "
        f"พ้นสถานะล่าช้า {len(comparison.cleared):,}"
    )
    return text


def narrative(bundle: ExportBundle) -> str:
    """A short Thai paragraph: each reported line against its own target, the provinces
    furthest behind on the headline line, and the risks."""
    k = bundle.kpis
    parts = [
        (
            f"ณ วันที่ {format_date(bundle.as_of)} {bundle.area_name_th} เบิกจ่ายแล้ว "
            f"{million_baht(k.disbursed)} ล้านบาท จากงบประมาณที่ได้รับจัดสรร "
            f"{million_baht(k.current_allocation)} ล้านบาท"
        )
    ]
    overall = _line_sentence(k.overall, LINE_LABELS["overall"][0])
    if overall:
        parts[0] += f" คิดเป็น{overall}"
    investment = _line_sentence(k.investment, LINE_LABELS["investment"][0])
    if investment:
        parts.append(f"งบลงทุน {million_baht(k.investment.allocation)} ล้านบาท เบิกจ่ายแล้ว{investment}")
    behind = _furthest_behind(bundle, 3)
    if k.line(k.headline).target_pct is None:  # a year without cabinet targets: nobody is behind one
        parts.append(no_targets_sentence(bundle))
    elif len(behind) and bundle.area_kind != "province":
        line = k.headline
        names = ", ".join(
            f"{row['name_th']} (ร้อยละ {percent(row[f'{line}_pct'])})" for row in behind.to_dict("records")
        )
        parts.append(f"จังหวัดที่ห่างจากเป้าหมาย{LINE_LABELS[line][0]}มากที่สุด ได้แก่ {names}")
    lagging = bundle.table("lagging").frame
    if len(lagging):
        parts.append(
            f"มีโครงการที่ล่าช้า {len(lagging):,} โครงการ เงินที่ยังไม่เบิกจ่าย "
            f"{million_baht(lagging['money_at_risk'].sum())} ล้านบาท"
        )
    risky = bundle.carryovers[bundle.carryovers["at_risk"]] if len(bundle.carryovers) else bundle.carryovers
    if len(risky):
        parts.append(
            f"เงินกันเหลื่อมปีที่เสี่ยงเบิกจ่ายไม่ทัน {len(risky):,} รายการ "
            f"ยังไม่เบิกจ่าย {million_baht(risky['remaining'].sum())} ล้านบาท"
        )
    overdue = bundle.assets[bundle.assets["overdue"]] if len(bundle.assets) else bundle.assets
    if len(overdue):
        parts.append(
            f"สินทรัพย์ที่แล้วเสร็จแต่ค้างโอนเกินกำหนด {len(overdue):,} รายการ มูลค่า {million_baht(overdue['value'].sum())} ล้านบาท"
        )
    return " ".join(parts)


def no_targets_sentence(bundle: ExportBundle) -> str:
    """'ไม่มีเป้าหมายของ ครม. สำหรับปีงบประมาณ 2561 จึงไม่มีการประเมิน...' (vocabulary), said in place of
    the areas furthest behind and those needing intervention in a year without cabinet targets."""
    return NO_TARGETS_TO_JUDGE[0].format(year=bundle.filters.fiscal_year)


def _furthest_behind(bundle: ExportBundle, count: int) -> pd.DataFrame:
    """Provinces with projects, furthest behind first on the headline line's gap (points)."""
    gap = f"{bundle.kpis.headline}_gap_points"
    frame = bundle.provinces[bundle.provinces["projects"] > 0]
    frame = frame[frame[gap].notna()]
    return frame.sort_values([gap, "code"]).head(count)


# --- the curve ---------------------------------------------------------------------
# Each line is drawn in its dashboard hue (colours.LINE_COLOURS): one meaning per colour.


def curve_svg(bundle: ExportBundle, width: int = 680, height: int = 230) -> str:
    """Cumulative % disbursed by week of both reported lines against their own targets, as an SVG string."""
    curve = bundle.curve
    left, right, top, bottom = 44, 16, 14, 34
    plot_w, plot_h = width - left - right, height - top - bottom
    weeks = list(curve["week_end"])
    if not weeks:
        return ""
    first, last = weeks[0], weeks[-1]
    span = max((last - first).days, 1)

    def x(day) -> float:
        return left + plot_w * (day - first).days / span

    def y(pct: float) -> float:
        return top + plot_h * (1 - min(max(pct, 0), 110) / 110)

    out = [
        (
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}" font-family="DejaVu Sans, sans-serif" font-size="9">'
        )
    ]
    for tick in (0, 25, 50, 75, 100):
        out.append(
            f'<line x1="{left}" y1="{y(tick):.1f}" x2="{width - right}" y2="{y(tick):.1f}" '
            'stroke="#e3e3e3" stroke-width="1"/>'
        )
        out.append(f'<text x="{left - 6}" y="{y(tick) + 3:.1f}" text-anchor="end" fill="#555">{tick}%</text>')
    # Thai labels go in HTML around the SVG: weasyprint's SVG text does not shape Thai
    # (vowels and tone marks would float), HTML text does.
    labels = []
    months_seen = set()
    for day in weeks:
        key = (day.year, day.month)
        if key in months_seen:
            continue
        months_seen.add(key)
        labels.append((x(day), format_date(day).split(" ")[1]))

    def path(column: str, color: str, dash: str = "", stroke: float = 2.0) -> None:
        points = [
            (x(day), y(value))
            for day, value in zip(curve["week_end"], curve[column], strict=True)
            if value is not None and not pd.isna(value)
        ]
        if len(points) < 2:
            return
        d = " ".join(f"{'M' if i == 0 else 'L'}{px:.1f},{py:.1f}" for i, (px, py) in enumerate(points))
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        out.append(f'<path d="{d}" fill="none" stroke="{color}" stroke-width="{stroke}"{dash_attr}/>')

    for line in LINES:
        path(f"{line}_target_pct", LINE_COLOURS[line][1], "5,4", 1.4)
    for line in LINES:
        path(f"{line}_pct", LINE_COLOURS[line][0], "", 2.4)

    # the as-of point of each line, labelled with its figure (the as-of date may fall after
    # the last Friday of the curve: the line then runs on to it)
    for line in LINES:
        column = f"{line}_pct"
        known = curve[curve[column].notna()]
        pct_now = bundle.kpis.line(line).pct
        if not len(known) or pct_now is None:
            continue
        colour = LINE_COLOURS[line][0]
        last_row = known.iloc[-1]
        px, py = x(min(bundle.as_of, last)), y(pct_now)
        if bundle.as_of > last_row["week_end"]:
            out.append(
                f'<line x1="{x(last_row["week_end"]):.1f}" y1="{y(last_row[column]):.1f}" '
                f'x2="{px:.1f}" y2="{py:.1f}" stroke="{colour}" stroke-width="2.4"/>'
            )
        other = bundle.kpis.line("investment" if line == "overall" else "overall").pct
        below = other is not None and pct_now < other  # the lower figure's label goes under its point
        # right of the point, where no actual curve runs yet; left of it near the year's end,
        # on a white box so the curves under it do not hide it
        right_side = px < left + plot_w * 0.85
        text = f"{percent(pct_now)}%"
        text_width = 6.2 * len(text)
        tx = px + 6 if right_side else px - 6 - text_width
        ty = py + 14 if below else py - 6
        out.append(f'<circle cx="{px:.1f}" cy="{py:.1f}" r="3.5" fill="{colour}"/>')
        out.append(
            f'<rect x="{tx - 2:.1f}" y="{ty - 9:.1f}" width="{text_width + 4:.1f}" height="12" '
            'fill="white" fill-opacity="0.9"/>'
        )
        out.append(f'<text x="{tx:.1f}" y="{ty:.1f}" fill="{colour}" font-weight="bold">{text}</text>')
    out.append("</svg>")
    month_spans = "".join(
        f'<span class="month" style="left:{px - 20:.1f}px; top:{height - bottom + 5}px">{_e(label)}</span>'
        for px, label in labels
    )
    legend = []
    for line in LINES:
        name = LINE_LABELS[line][0]
        legend += [
            (LINE_COLOURS[line][0], "solid", f"เบิกจ่ายสะสม{name}"),
            (LINE_COLOURS[line][1], "dashed", f"เป้าหมาย{name}"),
        ]
    legend_html = "".join(
        f'<span class="key"><span class="swatch" style="border-top: 2px {style} {color}"></span>{_e(label)}</span>'
        for color, style, label in legend
    )
    return (
        f'<div class="chart" style="width:{width}px; height:{height}px">{"".join(out)}{month_spans}'
        f'<div class="legend" style="left:{left + 10}px">{legend_html}</div></div>'
    )


# --- HTML ----------------------------------------------------------------------------

CSS = """
@page { size: A4; margin: 13mm 13mm 14mm 13mm;
        @bottom-right { content: "หน้า " counter(page) " / " counter(pages);
                        font-family: 'Brief Thai', Garuda, sans-serif; font-size: 8pt; color: #666; }
        @bottom-left { content: string(footer); font-family: 'Brief Thai', Garuda, sans-serif;
                       font-size: 8pt; color: #666; } }
body { font-family: 'Brief Thai', Garuda, Loma, sans-serif; font-size: 9.5pt; color: #1d1d1d;
       line-height: 1.45; }
h1 { font-size: 15pt; margin: 0 0 1mm 0; color: #123f73; }
h2 { font-size: 11pt; margin: 4mm 0 1.5mm 0; color: #123f73; border-bottom: 1px solid #c9d6e6;
     padding-bottom: 0.5mm; }
.sub { color: #555; margin: 0 0 3mm 0; }
.footer { string-set: footer content(); font-size: 0; height: 0; margin: 0; }
.narrative { background: #f3f6fa; border-left: 3px solid #1f5fa8; padding: 2mm 3mm; margin: 2mm 0 3mm 0; }
.cards { display: flex; gap: 2.5mm; margin-bottom: 2mm; }
.card { flex: 1; border: 1px solid #d5dde8; border-radius: 2mm; padding: 1.8mm 2.5mm; }
.card .label { font-size: 8pt; color: #555; }
.card .value { font-size: 12pt; font-weight: bold; white-space: nowrap; }
.card .note { font-size: 7.5pt; color: #555; }
.behind { color: #b3261e; } .ahead { color: #1b7f3b; }
table { border-collapse: collapse; width: 100%; font-size: 8.5pt; }
th { background: #e6edf6; text-align: left; padding: 1mm 1.5mm; font-weight: bold; }
td { padding: 0.8mm 1.5mm; border-bottom: 1px solid #eceff3; }
td.n, th.n { text-align: right; white-space: nowrap; }
.two { display: flex; gap: 5mm; } .two > div { flex: 1; }
.small { font-size: 8pt; color: #555; }
.chart { position: relative; margin: 0 auto; }
.chart svg { position: absolute; left: 0; top: 0; }
.chart .month { position: absolute; width: 40px; text-align: center; font-size: 7.5pt; color: #555; }
.chart .legend { position: absolute; top: 4px; font-size: 8pt; color: #333; }
.chart .key { margin-right: 5mm; }
.chart .swatch { display: inline-block; width: 7mm; height: 0; margin-right: 1.5mm; vertical-align: middle; }
.status-behind { color: #b3261e; font-weight: bold; } .status-watch { color: #a86b00; }
.status-on_track { color: #1b7f3b; } .status-near_target { color: #827717; }
th.group { text-align: center; border-bottom: 1px solid #c9d6e6; }
.sep { border-left: 1px solid #c9d6e6; }
td[class^="status-"] { white-space: nowrap; }
table.areas { font-size: 8pt; } table.areas td { padding: 0.6mm 1.2mm; }
.narrative .projection { margin: 1.2mm 0 0 0; }
table.drivers td.drivers { font-size: 7.5pt; color: #333; line-height: 1.3; }
/* a table running onto the next page repeats its header there, and no row is cut in two */
thead { display: table-header-group; } tr, td, th { break-inside: avoid; page-break-inside: avoid; }
td.code { white-space: nowrap; }
h2 { break-after: avoid; }
"""

STATUS_TH = {code: thai for code, (thai, _) in STATUSES.items()}  # the dashboard's words (vocabulary.py)


def _card(label: str, value: str, note: str = "", css: str = "") -> str:
    return (
        f'<div class="card"><div class="label">{_e(label)}</div>'
        f'<div class="value {css}">{_e(value)}</div><div class="note">{_e(note)}</div></div>'
    )


def _area_rows(frame: pd.DataFrame) -> str:
    """Rows of an area table: name, allocation, disbursed, then per line %, gap in points and
    in million baht, status."""
    rows = []
    for row in frame.to_dict("records"):
        name = str(row["name_th"]).removeprefix("กลุ่มจังหวัด")  # the header says what the rows are
        cells = [
            f"<td>{_d(name)}</td><td class='n'>{million_baht(row['current_allocation'])}</td>",
            f"<td class='n'>{million_baht(row['disbursed'])}</td>",
        ]
        for line in LINES:
            status = row[f"{line}_status"]
            gap_baht = row[f"{line}_gap_baht"]
            cells.append(
                f"<td class='n sep'>{percent(row[f'{line}_pct'])}</td>"
                f"<td class='n'>{signed(row[f'{line}_gap_points'])}</td>"
                f"<td class='n'>{signed(None if pd.isna(gap_baht) else gap_baht / 1e6)}</td>"
                f"<td class='status-{status}'>{_e(STATUS_TH.get(status, ''))}</td>"
            )
        rows.append(f"<tr>{''.join(cells)}</tr>")
    return "".join(rows)


def _area_head(name: str, bundle: ExportBundle) -> str:
    """Two header rows: the lines (with their target on the date; ★ the headline) over their columns."""
    k = bundle.kpis
    groups = "".join(
        f"<th colspan='4' class='group sep'>{LINE_LABELS[line][0]}{'★' if line == k.headline else ''} "
        + (
            f"(เป้าหมาย {percent(k.line(line).target_pct)}%)</th>"
            if k.line(line).target_pct is not None
            else f"({STATUSES['no_target'][0]})</th>"  # a year without cabinet targets
        )
        for line in LINES
    )
    columns = "".join(
        "<th class='n sep'>ร้อยละ</th><th class='n'>ห่าง (จุด)</th><th class='n'>ห่าง (ลบ.)</th><th>สถานะ</th>"
        for _ in LINES
    )
    return (
        f"<thead><tr><th rowspan='2'>{_e(name)}</th><th rowspan='2' class='n'>งบประมาณ (ลบ.)</th>"
        f"<th rowspan='2' class='n'>เบิกจ่าย (ลบ.)</th>{groups}</tr><tr>{columns}</tr></thead>"
    )


def _line_card(bundle: ExportBundle, line: str) -> str:
    """A KPI card for one reported line: its %, its own target, gap in points and million baht."""
    figures = bundle.kpis.line(line)
    name = LINE_LABELS[line][0]
    star = "★" if line == bundle.kpis.headline else ""
    gap = (
        f"ห่าง {signed(figures.gap_points)} จุด / "
        f"{signed(None if figures.gap_baht is None else float(figures.gap_baht) / 1e6)} ลบ."
    )
    css = f"status-{figures.status}"
    note = (
        f"เป้าหมาย{name} {percent(figures.target_pct)}% · {gap}"
        if figures.target_pct is not None
        else f"ไม่มีเป้าหมายของ ครม. สำหรับปีงบประมาณ {bundle.filters.fiscal_year}"
    )
    return _card(f"{name}{star}: ร้อยละการเบิกจ่าย", f"{percent(figures.pct)}%", note + last_year_note(bundle, line), css)


def last_year_note(bundle: ExportBundle, line: str) -> str:
    """' · ปีก่อน ณ วันเดียวกัน (29 มี.ค. 2562) 55.12% (เป้าหมาย 54.00%) · เทียบปีก่อน +3.74 จุด' (a line card's
    note, plain text);
    '' when the previous fiscal year is not loaded (budget_metrics.year_on_year)."""
    last = bundle.last_year
    if last is None:
        return ""
    then = last.line(line)
    target = (
        f"เป้าหมาย {percent(then.target_pct)}%"
        if then.target_pct is not None
        else f"ไม่มีเป้าหมายของ ครม. ปี {last.fiscal_year}"
    )
    change = signed(
        None if then.pct is None or bundle.kpis.line(line).pct is None else bundle.kpis.line(line).pct - then.pct
    )
    return (
        f" · ปีก่อน ณ วันเดียวกัน ({format_date(last.as_of, 'th')}) {percent(then.pct)}% ({target}) · เทียบปีก่อน {change} จุด"
    )


def brief_html(bundle: ExportBundle) -> str:
    """The brief as an HTML document (Thai), ready for weasyprint."""
    k = bundle.kpis
    fy = bundle.filters.fiscal_year
    headline = LINE_LABELS[k.headline][0]
    source = "ข้อมูลโหลดล่าสุด" if bundle.snapshot_id is None else f"ภาพนิ่งหมายเลข {bundle.snapshot_id} บันทึกเมื่อ"
    frozen = (
        ""
        if bundle.snapshot_id is None
        else f" · ภาพนิ่งรายสัปดาห์หมายเลข {bundle.snapshot_id} (ตัวเลขที่บันทึกไว้ คาดการณ์และความเสี่ยงจากข้อมูลปัจจุบัน)"
    )
    compared = comparison_sentence(bundle)
    compared = f"<p class='projection'><b>สัปดาห์นี้:</b> {_e(compared)}</p>" if compared else ""
    cards = "".join(
        [
            _card(
                "งบประมาณ (ล้านบาท)",
                million_baht(k.current_allocation),
                f"{k.projects:,} โครงการ · งบลงทุน {million_baht(k.investment.allocation)}",
            ),
            _card(
                "ก่อหนี้ผูกพัน (ล้านบาท)",
                million_baht(k.committed),
                f"ร้อยละ {percent(float(k.committed / k.current_allocation * 100))}" if k.current_allocation else "",
            ),
            _card("เบิกจ่ายแล้ว (ล้านบาท)", million_baht(k.disbursed), f"คงเหลือ {million_baht(k.remaining)} ลบ."),
            *(_line_card(bundle, figures.scope) for figures in k.lines),
        ]
    )
    parts = [
        "<!doctype html><html lang='th'><head><meta charset='utf-8'>",
        f"<style>{_font_face()}{CSS}</style></head><body>",
        (
            f"<div class='footer'>ที่มา: ระบบติดตามผลการเบิกจ่าย · {_e(bundle.area_name_th)} · ข้อมูล ณ วันที่ "
            f"{format_date(bundle.as_of)} · {_e(source)} {_e(format_datetime(bundle.generated_at))}</div>"
        ),
        f"<h1>สรุปผลการเบิกจ่ายงบประมาณ แผนพัฒนาจังหวัดและกลุ่มจังหวัด ปีงบประมาณ พ.ศ. {fy}</h1>",
        f"<p class='sub'>ข้อมูล ณ วันที่ {format_date(bundle.as_of, long=True)} · {_e(bundle.area_name_th)}{frozen}</p>",
        f"<div class='narrative'>{_e(narrative(bundle))}{compared}{_projection_paragraph(bundle)}</div>",
        f"<div class='cards'>{cards}</div>",
        "<h2>การเบิกจ่ายสะสมเทียบเป้าหมาย ภาพรวมและงบลงทุน (ร้อยละของงบประมาณของแต่ละเส้น)</h2>",
        curve_svg(bundle),
    ]
    behind = _furthest_behind(bundle, TOP_BEHIND)
    if k.line(k.headline).target_pct is None:
        parts.append(f"<p class='no-targets'>{_e(no_targets_sentence(bundle))}</p>")
    elif bundle.area_kind != "province" and len(behind):
        parts.append(f"<h2>{len(behind)} จังหวัดที่ห่างจากเป้าหมาย{headline}มากที่สุด</h2>")
        parts.append(f"<table class='areas'>{_area_head('จังหวัด', bundle)}<tbody>{_area_rows(behind)}</tbody></table>")
    if bundle.area_kind == "province":
        parts.append(_lagging_html(bundle))
    else:
        parts.append(_interventions_html(bundle))
    clusters = bundle.clusters[bundle.clusters["projects"] > 0]
    if len(clusters) and bundle.area_kind != "province":  # a province's own rows are no cluster figure
        parts.append("<h2>ผลการเบิกจ่ายรายกลุ่มจังหวัด</h2>")
        parts.append(
            f"<table class='areas'>{_area_head('กลุ่มจังหวัด', bundle)}<tbody>{_area_rows(clusters)}</tbody></table>"
        )
    parts.append(_risks_html(bundle))
    parts.append(
        "<p class='small'>รายงานสองเส้นตามแบบกรมบัญชีกลาง แต่ละเส้นเทียบเป้าหมายของตนเอง: "
        "ภาพรวม = เบิกจ่ายทุกประเภทงบรายจ่าย ÷ งบประมาณปัจจุบันทั้งหมด เทียบเป้าหมายภาพรวม; "
        "งบลงทุน = เบิกจ่ายงบลงทุน ÷ งบลงทุนปัจจุบัน เทียบเป้าหมายงบลงทุน · "
        f"★ เส้น{headline}ใช้จัดอันดับและกำหนดสถานะ · "
        "เป้าหมาย ณ วันที่ คำนวณจากเป้าหมายสะสมรายไตรมาสตามมติคณะรัฐมนตรี "
        "(เพิ่มเท่ากันทุกสิ้นเดือน และเป็นเส้นตรงตามวันภายในเดือน) · ลบ. = ล้านบาท · "
        "ห่าง = ร้อยละการเบิกจ่าย − เป้าหมายของเส้นนั้น (จุด) และ เบิกจ่าย − เป้าหมาย × งบประมาณของเส้นนั้น "
        "(ลบ.)</p>"
    )
    parts.append("</body></html>")
    return "".join(parts)


def _lagging_html(bundle: ExportBundle) -> str:
    """A province brief's own list: its lagging projects with the most money unpaid."""
    lagging = bundle.table("lagging").frame.head(TOP_BEHIND)
    if lagging.empty:
        return "<h2>โครงการล่าช้า</h2><p>ไม่มีโครงการล่าช้าที่ยังต้องเบิกจ่ายตามเกณฑ์</p>"
    rows = "".join(
        f"<tr><td class='code'>{_d(r.project_code, PDF_CODE_CHARS)}</td><td>{_d(r.project_name)}</td>"
        f"<td class='n'>{million_baht(r.current_allocation)}</td>"
        f"<td class='n'>{percent(r.pct_disbursed)}</td><td class='n'>{million_baht(r.money_at_risk)}</td>"
        f"<td>{_e(r.flag_labels_th)}</td></tr>"
        for r in lagging.itertuples()
    )
    return (
        f"<h2>{len(lagging)} โครงการล่าช้าที่ยังต้องเบิกจ่ายมากที่สุด</h2>"
        "<p class='small'>เฉพาะโครงการที่ยังมีเงินต้องเบิกจ่าย: โครงการที่เบิกจ่ายครบแล้ว (ส่วนที่เหลือเป็นเงินเหลือจ่าย) "
        "ไม่อยู่ในรายการ แม้จะลงนามสัญญาหลังกำหนด</p>"
        "<table class='lagging'><thead><tr><th>รหัสโครงการ</th><th>โครงการ</th>"
        "<th class='n'>งบประมาณ (ลบ.)</th><th class='n'>ร้อยละ</th>"
        f"<th class='n'>ยังไม่เบิกจ่าย (ลบ.)</th><th>ประเด็น</th></tr></thead><tbody>{rows}</tbody></table>"
    )


def _short(text: str, limit: int = DRIVER_NAME_CHARS) -> str:
    """A long project name cut to about `limit` characters with '…' (the workbook has it whole):
    at the last space when there is one in the second half (Thai writes no spaces between
    words, but between phrases), so no word and no vowel mark is cut off its letter."""
    return shorten(str(text or ""), limit)


def _interventions_html(bundle: ExportBundle) -> str:
    """The provinces projected furthest below the year-end target (needs_intervention on the
    headline line), by baht at risk, each with its projected carry-over and lapse and the
    projects that drive its shortfall."""
    areas = bundle.interventions
    if areas.empty:
        return ""
    line = bundle.kpis.headline
    name = LINE_LABELS[line][0]
    limit = reference.thresholds().get("projection_shortfall_points", 10.0)
    target = areas["target_year_end_pct"].iloc[0]
    rows = []
    for area in areas.head(INTERVENTION_AREAS).to_dict("records"):
        drivers = "<br>".join(
            f"{_d(d['project_code'], PDF_CODE_CHARS)} {_d(_short(d['project_name']))} ({million_baht(d['shortfall'])})"
            for d in area["drivers"][:INTERVENTION_DRIVERS]
        )
        rows.append(
            f"<tr><td>{_d(area['name_th'])}{_e(pace_break_note(area))}</td>"
            f"<td class='n'>{about_pct(area['projected_pct'])} "
            f"({about_pct(area['projected_low_pct'])}–{about_pct(area['projected_high_pct'])})</td>"
            f"<td class='n'>{million_baht(area['baht_at_risk'])}</td>"
            f"<td class='n'>{million_baht(area['projected_carryover'])}</td>"
            f"<td class='n'>{million_baht(area['projected_lapse'])}</td><td class='drivers'>{drivers}</td></tr>"
        )
    shown = min(len(areas), INTERVENTION_AREAS)
    return (
        f"<h2>จังหวัดที่ต้องเร่งรัด ({shown} อันดับแรกจาก {len(areas):,} จังหวัด ตามเงินที่เสี่ยง)</h2>"
        f"<p class='small'>คาดการณ์ว่าจะเบิกจ่าย{name}ได้ต่ำกว่าเป้าหมายสิ้นปี (ร้อยละ {target:g}) เกิน {limit:g} จุด; "
        "เสี่ยง = เป้าหมายสิ้นปี × งบประมาณ − ที่คาดว่าจะเบิกจ่ายได้ ณ 30 ก.ย.; "
        "ในวงเล็บหลังโครงการ = ส่วนที่คาดว่าจะต่ำกว่าเป้าหมาย (ลบ.); "
        "จังหวัดที่อัตราการเบิกจ่ายลดลงผิดปกติ (ระบุหลังชื่อ) อยู่ลำดับแรก</p>"
        "<table class='areas drivers'><thead><tr><th>จังหวัด</th><th class='n'>คาดการณ์ร้อยละ (ช่วง 80%)</th>"
        "<th class='n'>เสี่ยง (ลบ.)</th><th class='n'>กันเหลื่อมปี (ลบ.)</th><th class='n'>ไม่ได้ใช้ (ลบ.)</th>"
        f"<th>โครงการที่เป็นสาเหตุหลัก</th></tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )


def _risks_html(bundle: ExportBundle) -> str:
    out = ["<h2>ความเสี่ยง: เงินกันเหลื่อมปีและการโอนสินทรัพย์</h2><div class='two'>"]
    carry = bundle.carryovers
    risky = carry[carry["at_risk"]] if len(carry) else carry
    out.append("<div>")
    if len(carry):
        out.append(
            f"<p>เงินกันเหลื่อมปี {len(carry):,} รายการ {million_baht(carry['carried'].sum())} ล้านบาท "
            f"เบิกจ่ายแล้ว {million_baht(carry['paid'].sum())} ล้านบาท · "
            f"<b>เสี่ยง {len(risky):,} รายการ</b></p>"
        )
        if len(risky):
            rows = "".join(
                f"<tr><td>{_d(r.owner_name_th)}</td><td>{_d(r.project_name)}</td>"
                f"<td class='n'>{million_baht(r.remaining)}</td><td class='n'>{format_date(r.deadline)}</td></tr>"
                for r in risky.sort_values(["days_to_deadline", "project_code"]).head(RISK_ROWS).itertuples()
            )
            out.append(
                "<table><thead><tr><th>พื้นที่</th><th>โครงการ</th><th class='n'>ค้างเบิก (ลบ.)</th>"
                f"<th class='n'>กำหนด</th></tr></thead><tbody>{rows}</tbody></table>"
            )
    else:
        out.append("<p>ยังไม่มีเงินกันเหลื่อมปี ณ วันที่นี้</p>")
    out.append("</div><div>")
    assets = bundle.assets
    if len(assets):
        pending = assets[assets["status"] != "transferred"]
        overdue = assets[assets["overdue"]]
        done = assets[assets["status"] == "transferred"]
        out.append(
            f"<p>สินทรัพย์ {len(assets):,} รายการ โอนแล้ว {len(done):,} · รอโอน {len(pending):,} "
            f"({million_baht(pending['value'].sum())} ล้านบาท) · "
            f"<b>ค้างโอนเกินกำหนด {len(overdue):,} รายการ</b></p>"
        )
        if len(overdue):
            by_area = (
                overdue.groupby("owner_name_th", as_index=False)
                .agg(count=("asset_id", "count"), value=("value", "sum"))
                .sort_values(["count", "value", "owner_name_th"], ascending=[False, False, True])
                .head(RISK_ROWS)
            )
            rows = "".join(
                f"<tr><td>{_d(r.owner_name_th)}</td><td class='n'>{r.count:,}</td>"
                f"<td class='n'>{million_baht(r.value)}</td></tr>"
                for r in by_area.itertuples()
            )
            out.append(
                "<table><thead><tr><th>พื้นที่</th><th class='n'>ค้างโอน (รายการ)</th>"
                f"<th class='n'>มูลค่า (ลบ.)</th></tr></thead><tbody>{rows}</tbody></table>"
            )
    else:
        out.append("<p>ไม่มีรายการสินทรัพย์ที่ต้องโอน</p>")
    out.append("</div></div>")
    lagging = bundle.table("lagging").frame
    if len(lagging):
        counts = {code: int(sum(code in flags for flags in lagging["flags"])) for code in FLAGS}
        text = " · ".join(f"{FLAGS[code][0]} {count:,}" for code, count in counts.items() if count)
        out.append(
            f"<p class='small'>โครงการล่าช้า {len(lagging):,} โครงการ: {_e(text)} · "
            f"การชี้แจงของจังหวัด: {_e(bundle.response_rate_text())}</p>"
        )
    return "".join(out)


def render_pdf(document: str, path: Path) -> Path:
    """Render an HTML document (the brief's) to a PDF file at `path`, each Thai line with its exact
    text for copying and searching (exports/pdf_text.py: the glyph map alone loses SARA AM, ำ)."""
    from weasyprint import HTML  # imported here: heavy, and only the PDF needs it

    from exports import pdf_text

    pdf_text.install()
    pdf = HTML(string=document, base_url=str(Path.cwd())).write_pdf()
    with open(path, "wb") as handle:  # one plain write: a full disk is one OSError, nothing left open
        handle.write(pdf)
    return path


def write_brief(bundle: ExportBundle, path: Path) -> Path:
    """Render the brief to a PDF file at `path` (the caller makes it atomic)."""
    return render_pdf(brief_html(bundle), path)
