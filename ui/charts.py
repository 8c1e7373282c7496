"""Plotly figures shared by pages: progress curve, gap ranking, tile map, split bars.

Figures take read-side DataFrames as they come (money in baht) and show million baht
and percent with Thai (or English) labels and hover text. Text that comes from input
files (agency names, project names) goes through `plain()` so Plotly shows it as text
and never interprets it as markup. Colours come from ui/palette.py (one meaning per
colour), words from vocabulary.py.

Dates: Plotly has no Thai locale, so every date axis goes through `date_axis`, which puts
the dates on the axis as text (BE with Thai months in Thai, CE in English) with month
ticks from `formatting.month_ticks`; the hover title then reads the same date text.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from datetime import date

import pandas as pd
import plotly.graph_objects as go

from budget_metrics.formatting import format_date, month_ticks
from budget_metrics.targets import frame_lines, other_line
from ui import palette
from ui.palette import LINE_COLOURS, STATUS_COLORS
from vocabulary import LINE_LABELS, MILLION_BAHT, PROJECTION_BAND, STATUSES, pick, word

FONT = "Sarabun, 'Noto Sans Thai', Loma, Garuda, sans-serif"

# st.plotly_chart(..., config=PLOTLY_CONFIG), on every chart: no chart toolbar (modebar) and no
# tips. Plotly ships no Thai locale, so its toolbar's tooltips ("Zoom in", "Download plot as a
# png", ...) and its tips ("Double-click to zoom back out") would be English in the Thai UI;
# zooming by dragging and a double-click to reset still work, and Streamlit's own fullscreen
# button stays. Numbers use the same separators in both languages (layout.separators, _layout).
PLOTLY_CONFIG = {"displayModeBar": False, "displaylogo": False, "showTips": False}
SEPARATORS = ".,"  # decimal point, thousands separator: 1,234.56 in Thai and in English
MODEBAR_BAND = 36  # px above a chart's title kept free for the modebar (25 px tall, 2 px from the top)


def clicked_code(event, position: int) -> str | None:
    """The area code a click selected: customdata[position] of the first selected point of a
    `st.plotly_chart(..., on_select="rerun")` event (tile_map: 0, gap_ranking: -1), else None."""
    points = event.selection.points if event and event.selection else []
    for point in points:
        custom = point.get("customdata")
        if custom:
            return str(custom[position])
    return None


def plain(text: object) -> str:
    """Text safe to show in a Plotly label or hover (no markup interpreted)."""
    return html.escape("" if text is None or (isinstance(text, float) and pd.isna(text)) else str(text))


def _layout(fig: go.Figure, height: int, **extra) -> go.Figure:
    titled = bool(fig.layout.title.text)
    if titled:  # modebar band, then the title, then the legend in its own band, then the plot
        fig.update_layout(title={"y": 1, "yref": "container", "yanchor": "top", "pad": {"t": MODEBAR_BAND}})
    settings = {"margin": {"l": 10, "r": 10, "t": 80 + MODEBAR_BAND if titled else 40, "b": 10},
                "legend": {"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0}, **extra}
    fig.update_layout(height=height, font={"family": FONT}, hoverlabel={"font": {"family": FONT}},
                      separators=SEPARATORS, **settings)
    return fig


def date_axis(fig: go.Figure, days: Sequence[date], lang: str) -> list[str]:
    """Make the x axis a date axis in the language; returns the x values to plot for `days`.

    `days` are every point's date, in order and distinct (e.g. a curve's Fridays). Each is
    plotted as its date text ('13 ก.ย. 2562' / '13 Sep 2019') on a category axis, so the
    hover title shows that text; ticks mark each month (`formatting.month_ticks`: 'ต.ค. 61',
    'พ.ย.', ... in Thai). The axis spans exactly the given dates, so a fiscal year's curve
    stays inside 1 Oct - 30 Sep and a carry-over chart inside its period.
    """
    labels = [format_date(day, lang) for day in days]
    ticks = month_ticks(days, lang)
    fig.update_xaxes(type="category", categoryorder="array", categoryarray=labels,
                     range=[-0.5, len(labels) - 0.5], tickmode="array", tickangle=0,
                     tickvals=[labels[position] for position, _ in ticks],
                     ticktext=[text for _, text in ticks], title=None)
    return labels


def date_position(days: Sequence[date], day: date) -> float:
    """Where `day` falls on a `date_axis` of `days` (category index, fractional between two
    points, clamped to the axis), for marker lines such as the as-of date."""
    if not days:
        return 0.0
    if day <= days[0]:
        return 0.0
    if day >= days[-1]:
        return float(len(days) - 1)
    after = next(index for index, known in enumerate(days) if known >= day)
    before = after - 1
    span = (days[after] - days[before]).days
    return before + (day - days[before]).days / span if span else float(after)


def mark_date(fig: go.Figure, days: Sequence[date], day: date, text: str, colour: str = palette.MARKER) -> None:
    """A dashed vertical line at `day` on a date axis with its label at the top of the plot (the label
    in the theme's text colour when the line is the default marker grey, so it reads in dark mode)."""
    x = date_position(days, day)
    fig.add_shape(type="line", x0=x, x1=x, y0=0, y1=1, yref="paper", line={"color": colour, "dash": "dash",
                                                                             "width": 1.5})
    right_half = x > (len(days) - 1) * 0.75  # keep the label inside the plot near the right edge
    fig.add_annotation(x=x, y=1, yref="paper", text=text, showarrow=False, xanchor="right" if right_half else "left",
                       yanchor="top", xshift=-4 if right_half else 4,
                       font={} if colour == palette.MARKER else {"color": colour})


def _colours(line: str) -> tuple[str, str]:
    """A line's (actual, target) hues; a budget type's own line ('operating', 'other') is measured
    against the overall target and takes the overall line's hues."""
    return LINE_COLOURS.get(line, LINE_COLOURS["overall"])


def _paid_column(line: str) -> str:
    """The curve's disbursed column of a line (weekly_curve)."""
    return "disbursed" if line == "overall" else f"{line}_disbursed"


def progress_curve(curve: pd.DataFrame, as_of: date, lang: str, title: str | None = None,
                   height: int = 400) -> go.Figure:
    """Cumulative % disbursed by week for both reported lines, each against its own target.

    `curve` is `progress.weekly_curve(...)`: the overall line (all budget types, against the
    overall target) and the investment line (investment projects only, against the
    investment target). The as-of date is marked by a dashed line.
    """
    def t(thai: str, english: str) -> str:
        return thai if lang == "th" else english

    fig = go.Figure()
    days = [pd.Timestamp(day).date() for day in curve["week_end"]]
    weeks = date_axis(fig, days, lang)
    unit = pick(MILLION_BAHT, lang)
    for line in frame_lines(curve):
        name = t(*LINE_LABELS[line])
        actual, target = _colours(line)
        if curve[f"{line}_target_pct"].notna().any():  # a year without cabinet targets has no target line
            fig.add_trace(go.Scatter(
                x=weeks, y=curve[f"{line}_target_pct"], name=t(f"เป้าหมาย{name}", f"{name} target"),
                mode="lines", line={"color": target, "dash": "dot", "width": 2},
                hovertemplate=t(f"เป้าหมาย{name} %{{y:.2f}}%<extra></extra>",
                                f"{name} target %{{y:.2f}}%<extra></extra>")))
        money = curve[_paid_column(line)] / 1_000_000
        fig.add_trace(go.Scatter(
            x=weeks, y=curve[f"{line}_pct"], name=t(f"เบิกจ่ายสะสม {name}", f"{name} disbursed"),
            mode="lines+markers", line={"color": actual, "width": 3}, marker={"size": 4},
            customdata=money,
            hovertemplate=t(f"เบิกจ่ายสะสม {name} %{{y:.2f}}%<br>%{{customdata:,.2f}} {unit}<extra></extra>",
                            f"{name} disbursed %{{y:.2f}}%<br>%{{customdata:,.2f}} {unit}<extra></extra>")))
    if days:
        mark_date(fig, days, as_of, t(f"ณ {format_date(as_of, 'th')}", f"as of {format_date(as_of, 'en')}"))
    fig.update_yaxes(title=t("ร้อยละของงบประมาณ", "% of allocation"), range=[0, 105], ticksuffix="%")
    fig.update_layout(hovermode="x unified")
    if title:
        fig.update_layout(title={"text": plain(title), "x": 0, "font": {"size": 15}})
    return _layout(fig, height)


def _translucent(colour: str, alpha: float) -> str:
    """'#1565c0' -> 'rgba(21,101,192,alpha)' (a band in a line's own hue)."""
    red, green, blue = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return f"rgba({red},{green},{blue},{alpha})"


def projection_fan(curve: pd.DataFrame, paths: Mapping[str, pd.DataFrame], as_of: date, lang: str,
                   title: str | None = None, height: int = 420) -> go.Figure:
    """The cumulative curve of both reported lines continued to 30 Sep as a projection fan.

    `curve` is `progress.weekly_curve(...)` (rows may run on to the year's last day with
    only the targets); `paths` maps a line ('overall', 'investment') to
    `projection.projection_path(...)` of that line's projects (a line not in it gets no
    fan). Per line: actual % solid, target dotted (as `progress_curve`), the projection
    dashed from the as-of date with its 80% band shaded in the line's hue, and the
    projected year-end % written at the fan's end. Percent 0-100 of each line's allocation.
    """
    def t(thai: str, english: str) -> str:
        return thai if lang == "th" else english

    fig = go.Figure()
    as_day = {line: [pd.Timestamp(day).date() for day in path["week_end"]] for line, path in paths.items()}
    curve_days = [pd.Timestamp(day).date() for day in curve["week_end"]]
    days = sorted(set(curve_days).union(*as_day.values()))
    labels = dict(zip(days, date_axis(fig, days, lang), strict=True))
    # a year's months run past the as-of date here, so ticks are closer: the year under its month
    fig.update_xaxes(ticktext=[text.replace(" ", "<br>") for text in fig.layout.xaxis.ticktext])
    unit = pick(MILLION_BAHT, lang)
    curve_x = [labels[day] for day in curve_days]
    band_name = pick(PROJECTION_BAND, lang)
    ends = {line: path["projected_pct"].iloc[-1] for line, path in paths.items() if len(path)}
    for line in frame_lines(curve):
        name = t(*LINE_LABELS[line])
        actual, target = _colours(line)
        fig.add_trace(go.Scatter(
            x=curve_x, y=curve[f"{line}_target_pct"], name=t(f"เป้าหมาย{name}", f"{name} target"),
            mode="lines", line={"color": target, "dash": "dot", "width": 2},
            hovertemplate=t(f"เป้าหมาย{name} %{{y:.2f}}%<extra></extra>",
                            f"{name} target %{{y:.2f}}%<extra></extra>")))
        fig.add_trace(go.Scatter(
            x=curve_x, y=curve[f"{line}_pct"], name=t(f"เบิกจ่ายสะสม {name}", f"{name} disbursed"),
            mode="lines+markers", line={"color": actual, "width": 3}, marker={"size": 4},
            hovertemplate=t(f"เบิกจ่ายสะสม {name} %{{y:.2f}}%<extra></extra>",
                            f"{name} disbursed %{{y:.2f}}%<extra></extra>")))
        path = paths.get(line)
        if path is None or not len(path):
            continue
        x = [labels[day] for day in as_day[line]]
        group = f"projection_{line}"
        # the band: its low edge (no line, no hover), then the high edge filled down to it
        fig.add_trace(go.Scatter(
            x=x, y=path["projected_low_pct"], mode="lines", line={"width": 0, "color": actual},
            legendgroup=group, showlegend=False, hoverinfo="skip", name=f"{name} {band_name}"))
        fig.add_trace(go.Scatter(
            x=x, y=path["projected_high_pct"], mode="lines", line={"width": 0, "color": actual},
            fill="tonexty", fillcolor=_translucent(actual, 0.18), legendgroup=group, showlegend=False,
            hoverinfo="skip", name=f"{name} {band_name}"))
        custom = list(zip(path["projected_low_pct"], path["projected_high_pct"],
                          path["projected_disbursed"] / 1_000_000, strict=True))
        fig.add_trace(go.Scatter(
            x=x, y=path["projected_pct"], mode="lines", line={"color": actual, "dash": "dash", "width": 2.5},
            legendgroup=group, customdata=custom,
            name=t(f"คาดการณ์{name} (แถบ: {band_name})", f"{name} projected ({band_name})"),
            hovertemplate=t(
                f"คาดการณ์{name} %{{y:.1f}}% (ช่วง %{{customdata[0]:.1f}}–%{{customdata[1]:.1f}}%)"
                f"<br>%{{customdata[2]:,.2f}} {unit}<extra></extra>",
                f"{name} projected %{{y:.1f}}% (band %{{customdata[0]:.1f}}–%{{customdata[1]:.1f}}%)"
                f"<br>%{{customdata[2]:,.2f}} {unit}<extra></extra>")))
        if line in ends and not pd.isna(ends[line]):
            # the year-end figure just right of the fan's end; two close figures pushed apart
            higher = all(ends[line] >= other for other in ends.values() if not pd.isna(other))
            close = len(ends) == 2 and abs(float(max(ends.values())) - float(min(ends.values()))) < 6
            fig.add_annotation(x=x[-1], y=ends[line], text=f"<b>{ends[line]:.1f}%</b>", showarrow=False,
                               xanchor="left", xshift=4, yshift=(8 if higher else -8) if close else 0,
                               font={"color": actual, "size": 13})
    if days:
        mark_date(fig, days, as_of, t(f"ณ {format_date(as_of, 'th')}", f"as of {format_date(as_of, 'en')}"))
        if ends:  # room right of 30 Sep for the year-end figures
            fig.update_xaxes(range=[-0.5, len(days) - 0.5 + max(3, len(days) // 12)])
    fig.update_yaxes(title=t("ร้อยละของงบประมาณ", "% of allocation"), range=[0, 105], ticksuffix="%")
    fig.update_layout(hovermode="x unified")
    if title:
        fig.update_layout(title={"text": plain(title), "x": 0, "font": {"size": 15}})
    # six legend entries: below the plot, where they may take two rows without covering the title
    return _layout(fig, height, margin={"l": 10, "r": 10, "t": (60 if title else 20) + MODEBAR_BAND, "b": 10},
                   legend={"orientation": "h", "yanchor": "top", "y": -0.2, "x": 0})


def _line_hover(lang: str, first: int, lines: Sequence[str]) -> str:
    """Hover lines for the shown lines; customdata[first..first+5n-1] = for each line (overall,
    investment; or a budget type's own line): status label, pct, target, gap points, gap million
    baht. Three short lines per line, so the box fits beside the map at 1400 px."""
    parts = []
    for offset, line in enumerate(lines):
        base = first + 5 * offset
        name = LINE_LABELS[line][0 if lang == "th" else 1]
        if lang == "th":
            parts.append(f"<br><b>{name}</b> · %{{customdata[{base}]}}"
                         f"<br>เบิกจ่าย %{{customdata[{base + 1}]:.2f}}% · เป้าหมาย %{{customdata[{base + 2}]:.2f}}%"
                         f"<br>ห่าง %{{customdata[{base + 3}]:+.2f}} จุด · %{{customdata[{base + 4}]:+,.2f}} ล้านบาท")
        else:
            parts.append(f"<br><b>{name}</b> · %{{customdata[{base}]}}"
                         f"<br>disbursed %{{customdata[{base + 1}]:.2f}}% · target %{{customdata[{base + 2}]:.2f}}%"
                         f"<br>gap %{{customdata[{base + 3}]:+.2f}} pts · %{{customdata[{base + 4}]:+,.2f}} "
                         "million baht")
    return "".join(parts)


def _line_custom(frame: pd.DataFrame, lang: str) -> list[list]:
    """Per row: status label, pct, target, gap points, gap million baht, for each line (see _line_hover).
    Missing figures show as NaN, which Plotly prints as 'NaN'; areas without data are grey anyway."""
    columns = []
    for line in frame_lines(frame):
        columns.append([word(STATUSES, status, lang) for status in frame[f"{line}_status"].fillna("no_data")])
        columns.append(list(frame[f"{line}_pct"]))
        columns.append(list(frame[f"{line}_target_pct"]))
        columns.append(list(frame[f"{line}_gap_points"]))
        columns.append(list(frame[f"{line}_gap_baht"] / 1e6))
    return [list(row) for row in zip(*columns, strict=True)]


RANKING_SHORT = 10  # a ranking of more areas than 2 x this shows the 10 furthest behind and the 10 best


def ranking_extremes(table: pd.DataFrame, count: int = RANKING_SHORT) -> pd.DataFrame:
    """The `count` areas furthest behind and the `count` furthest ahead on the headline line's
    gap (all of them when there are at most 2 x count), worst first."""
    headline = str(table["headline"].iloc[0]) if len(table) else "overall"
    ordered = table.assign(_gap=table[f"{headline}_gap_points"].fillna(0.0)).sort_values(["_gap", "code"])
    if len(ordered) > 2 * count:
        ordered = pd.concat([ordered.head(count), ordered.tail(count)])
    return ordered.drop(columns="_gap")


def gap_ranking(table: pd.DataFrame, lang: str, height: int | None = None,
                title: str | None = None, skipped: int = 0,
                unit: tuple[str, str] = ("พื้นที่", "areas")) -> go.Figure:
    """Areas ranked by the headline line's gap to target (points), worst at the top.

    `table` is `progress.area_progress(...)` (any level), or a part of it such as
    `ranking_extremes(...)`; `skipped` areas in the middle of the ranking that are not shown
    are counted (in `unit`, e.g. ('จังหวัด', 'provinces')) at a dotted line between the two
    halves. The bar is the headline line (coloured by its status) with its gap written at its
    end; the diamond is the other line's gap, so both lines show side by side; the hover gives
    each line's %, target, gap in points and in baht, status.
    """
    def t(thai: str, english: str) -> str:
        return thai if lang == "th" else english

    headline = str(table["headline"].iloc[0]) if len(table) else "overall"
    other = other_line(table)  # None: a budget type chosen, its own line only (no diamond)
    lines = frame_lines(table)
    extra = 5 * len(lines)  # customdata after the lines' figures
    name_col = "name_th" if lang == "th" else "name_en"
    frame = table.copy()
    frame["gap_plot"] = frame[f"{headline}_gap_points"].fillna(0.0)
    frame = frame.sort_values(["gap_plot", "code"], ascending=[False, False])  # plotly draws bottom-up
    # a cluster's name without its common prefix (the chart's title says what the bars are)
    names = [plain(str(name).removeprefix("กลุ่มจังหวัด")) for name in frame[name_col]]
    # the area code last: a click on a bar names the area (clicked_code(event, -1))
    custom = [[*row, projects, allocation / 1e6, disbursed / 1e6, code] for row, projects, allocation, disbursed, code
              in zip(_line_custom(frame, lang), frame["projects"], frame["current_allocation"],
                     frame["disbursed"], frame["code"], strict=True)]
    hover = (f"<b>%{{y}}</b>{_line_hover(lang, 0, lines)}"
             + t(f"<br>เบิกจ่าย %{{customdata[{extra + 2}]:,.2f}} จาก %{{customdata[{extra + 1}]:,.2f}} ล้านบาท"
                 f"<br>โครงการ %{{customdata[{extra}]:,d}}<extra></extra>",
                 f"<br>%{{customdata[{extra + 2}]:,.2f}} of %{{customdata[{extra + 1}]:,.2f}} million baht"
                 f"<br>%{{customdata[{extra}]:,d}} projects<extra></extra>"))
    head_name = t(*LINE_LABELS[headline])
    other_name = t(*LINE_LABELS[other]) if other else None
    fig = go.Figure(go.Bar(
        x=frame["gap_plot"], y=names, orientation="h",
        name=t(f"ห่างจากเป้าหมาย {head_name} (สีตามสถานะ)", f"{head_name} gap (bar, status colour)"),
        marker={"color": [STATUS_COLORS.get(status, palette.NO_DATA) for status in frame["status"]]},
        text=[f"{value:+.1f}" for value in frame["gap_plot"]], textposition="outside", cliponaxis=False,
        textfont={"size": 11},  # the theme's text colour (light or dark)
        customdata=custom, hovertemplate=hover))
    if other:
        fig.add_trace(go.Scatter(
            x=frame[f"{other}_gap_points"], y=names, mode="markers",
            name=t(f"ห่างจากเป้าหมาย {other_name}", f"{other_name} gap"),
            marker={"symbol": "diamond", "size": 8, "color": palette.MARKER, "line": {"color": "white", "width": 1}},
            customdata=custom, hovertemplate=hover))
    if skipped and len(frame) % 2 == 0:
        middle = len(frame) / 2 - 0.5  # between the best half (drawn first, at the bottom) and the worst
        fig.add_shape(type="line", xref="paper", x0=0, x1=1, y0=middle, y1=middle,
                      line={"color": palette.MARKER, "dash": "dot", "width": 1})
        fig.add_annotation(xref="paper", x=1, y=middle, xanchor="right", yanchor="bottom", showarrow=False,
                           font={"size": 11},
                           text=t(f"อีก {skipped:,} {unit[0]}", f"{skipped:,} more {unit[1]}"))
    # room beyond the longest bar for its value
    values = [0.0, *frame["gap_plot"], *(frame[f"{other}_gap_points"].dropna() if other else [])]
    low, high = min(values), max(values)
    span = (high - low) or 1.0
    axis = t(f"ห่างเป้า (จุด) · แท่ง = {head_name}", f"Gap (points) · bar = {head_name}")
    if other:
        axis += f", ◆ = {other_name}"
    fig.update_xaxes(title=axis,
                     range=[low - 0.14 * span, high + 0.1 * span], zeroline=True, zerolinecolor=palette.MARKER)
    fig.update_yaxes(title=None, tickfont={"size": 12}, automargin=True)
    if title:
        fig.update_layout(title={"text": plain(title), "x": 0, "font": {"size": 15}})
    # the axis title says which mark is which line; a legend would show the first bar's colour
    return _layout(fig, height or max(260, 24 * len(frame) + 110), showlegend=False, hovermode="closest")


def tile_map(tiles: pd.DataFrame, lang: str, height: int = 760, selected: str | None = None) -> go.Figure:
    """Thailand as one equal square per province, coloured by the headline line's status.

    `tiles` is `tilemap.tiles_with_progress(area_progress(..., 'province'))`. The big square
    is the headline line's status; the small square in its corner the other line's, so both
    lines show on the map; the hover gives both lines' figures. The squares are shapes in
    data units (equal axes scale), so they stay square at any width; a transparent marker
    at each centre carries the hover text and the click, and its customdata[0] is the
    province code, so a selection event names the province.
    """
    def t(thai: str, english: str) -> str:
        return thai if lang == "th" else english

    frame = tiles.copy()
    headline = str(frame["headline"].dropna().iloc[0]) if frame["headline"].notna().any() else "overall"
    other = other_line(frame)
    lines = frame_lines(frame)
    extra = 2 + 5 * len(lines)  # customdata after the code, the name and the lines' figures
    frame["status"] = frame["status"].fillna("no_data")
    if other:
        frame[f"{other}_status"] = frame[f"{other}_status"].fillna("no_data")
    rows, cols = int(frame["row"].max()) + 1, int(frame["col"].max()) + 1
    name_col = "name_th" if lang == "th" else "name_en"
    fig = go.Figure()
    half, inset = 0.46, 0.13
    # One layout update with every square: add_shape per tile costs ~7 ms each.
    shapes = []
    for tile in frame.to_dict("records"):
        shapes.append({"type": "rect", "x0": tile["col"] - half, "x1": tile["col"] + half,
                       "y0": tile["row"] - half, "y1": tile["row"] + half, "layer": "below",
                       "fillcolor": STATUS_COLORS.get(tile["status"], palette.NO_DATA),
                       "line": {"width": 2 if tile["province_code"] == selected else 0, "color": "#212121"}})
        if other:
            shapes.append({"type": "rect", "x0": tile["col"] + half - 2 * inset, "x1": tile["col"] + half,
                           "y0": tile["row"] + half - 2 * inset, "y1": tile["row"] + half, "layer": "below",
                           "fillcolor": STATUS_COLORS.get(tile[f"{other}_status"], palette.NO_DATA),
                           "line": {"width": 1.5, "color": "white"}})
    fig.update_layout(shapes=shapes)
    hover = t("<b>%{customdata[1]}</b>", "<b>%{customdata[1]}</b>") + _line_hover(lang, 2, lines) + t(
        f"<br>เบิกจ่าย %{{customdata[{extra + 1}]:,.2f}} จาก %{{customdata[{extra}]:,.2f}} ล้านบาท"
        f"<br>โครงการ %{{customdata[{extra + 2}]:,d}}<br><i>คลิกเพื่อดูรายละเอียด</i><extra></extra>",
        f"<br>%{{customdata[{extra + 1}]:,.2f}} of %{{customdata[{extra}]:,.2f}} million baht"
        f"<br>%{{customdata[{extra + 2}]:,d}} projects<br><i>click to drill down</i><extra></extra>")
    for status in STATUS_COLORS:
        part = frame[frame["status"] == status]
        if part.empty:
            continue
        custom = [[code, plain(name), *lines, allocation / 1e6, disbursed / 1e6, int(projects)]
                  for code, name, lines, allocation, disbursed, projects in zip(
                      part["province_code"], part[name_col], _line_custom(part, lang),
                      part["current_allocation"].fillna(0), part["disbursed"].fillna(0),
                      part["projects"].fillna(0), strict=True)]
        fig.add_trace(go.Scatter(
            x=part["col"], y=part["row"], mode="markers+text", name=word(STATUSES, status, lang),
            showlegend=False,
            text=part["abbr_th" if lang == "th" else "abbr_en"],
            textfont={"color": palette.ink_on(STATUS_COLORS[status]), "size": 12},
            marker={"symbol": "square", "size": 30, "color": STATUS_COLORS[status], "opacity": 0.01},
            customdata=custom,
            selected={"marker": {"opacity": 0.01}}, unselected={"marker": {"opacity": 0.01}},
            hovertemplate=hover))
    pad = 0.55
    fig.update_xaxes(range=[-pad, cols - 1 + pad], visible=False, fixedrange=True)
    fig.update_yaxes(range=[rows - 1 + pad, -pad], visible=False, fixedrange=True,
                     scaleanchor="x", scaleratio=1)
    fig.update_layout(dragmode=False, plot_bgcolor="rgba(0,0,0,0)", hoverdistance=30,
                      clickmode="event+select")
    shown = set(frame["status"]) | (set(frame[f"{other}_status"]) if other else set())
    for status in STATUS_COLORS:  # legend entries (the clickable markers are invisible)
        if status in shown:
            fig.add_trace(go.Scatter(x=[None], y=[None], mode="markers", hoverinfo="skip",
                                     name=word(STATUSES, status, lang),
                                     marker={"symbol": "square", "size": 12, "color": STATUS_COLORS[status]}))
    head_name = t(*LINE_LABELS[headline])
    key = t(f"สี่เหลี่ยมใหญ่ = สถานะ{head_name}", f"big square = {head_name} status")
    if other:
        other_name = t(*LINE_LABELS[other])
        key += t(f"<br>มุมล่างขวา = สถานะ{other_name}", f"<br>corner = {other_name} status")
    fig.add_annotation(
        x=0, y=0, xref="paper", yref="paper", xanchor="left", yanchor="bottom", showarrow=False, align="left",
        font={"size": 11}, text=key)  # the theme's text colour (light or dark)
    return _layout(fig, height, legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "x": 0,
                                        "font": {"size": 11}, "itemsizing": "constant"})


def add_bar_totals(fig: go.Figure, names: Sequence[str], totals: Sequence[float], decimals: int = 1) -> None:
    """Write each stacked bar's total (million baht, thousand separators) just past its end."""
    fig.add_trace(go.Scatter(x=list(totals), y=list(names), mode="text",
                             text=[f"{value:,.{decimals}f}" for value in totals], textposition="middle right",
                             textfont={"size": 11}, showlegend=False,
                             hoverinfo="skip", cliponaxis=False))


def split_bars(frame: pd.DataFrame, category: str, lang: str, title: str | None = None,
               height: int | None = None) -> go.Figure:
    """Grouped horizontal bars per category: current allocation, committed, disbursed (million baht).

    `frame` needs columns `category`, current_allocation, committed, disbursed (baht).
    """
    def t(thai: str, english: str) -> str:
        return thai if lang == "th" else english

    names = [plain(value) for value in frame[category]]
    fig = go.Figure()
    for column, thai, english, colour in (
        ("current_allocation", "งบประมาณ", "Allocation", palette.ALLOCATION),
        ("committed", "ก่อหนี้ผูกพัน", "Committed", palette.COMMITTED),
        ("disbursed", "เบิกจ่าย", "Disbursed", palette.DISBURSED),
    ):
        fig.add_trace(go.Bar(
            y=names, x=frame[column] / 1e6, orientation="h", name=t(thai, english), marker_color=colour,
            hovertemplate=f"%{{y}}<br>{t(thai, english)} %{{x:,.2f}} {pick(MILLION_BAHT, lang)}<extra></extra>"))
    fig.update_layout(barmode="group")
    fig.update_xaxes(title=pick(MILLION_BAHT, lang), tickformat=",.0f")
    fig.update_yaxes(title=None, autorange="reversed", automargin=True)
    if title:
        fig.update_layout(title={"text": plain(title), "x": 0, "font": {"size": 15}})
    return _layout(fig, height or max(260, 48 * len(frame) + 130))
