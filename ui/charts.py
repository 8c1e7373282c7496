"""Plotly figures over time shared by pages: the progress curve and the projection fan, with the
layout, date axis and hover lines every chart shares (bars and the map: ui/map_bar_charts.py).

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
from budget_metrics.targets import frame_lines
from ui import palette
from ui.palette import LINE_COLOURS
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
    settings = {
        "margin": {"l": 10, "r": 10, "t": 80 + MODEBAR_BAND if titled else 40, "b": 10},
        "legend": {"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0},
        **extra,
    }
    fig.update_layout(
        height=height, font={"family": FONT}, hoverlabel={"font": {"family": FONT}}, separators=SEPARATORS, **settings
    )
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
    fig.update_xaxes(
        type="category",
        categoryorder="array",
        categoryarray=labels,
        range=[-0.5, len(labels) - 0.5],
        tickmode="array",
        tickangle=0,
        tickvals=[labels[position] for position, _ in ticks],
        ticktext=[text for _, text in ticks],
        title=None,
    )
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
    fig.add_shape(
        type="line", x0=x, x1=x, y0=0, y1=1, yref="paper", line={"color": colour, "dash": "dash", "width": 1.5}
    )
    right_half = x > (len(days) - 1) * 0.75  # keep the label inside the plot near the right edge
    fig.add_annotation(
        x=x,
        y=1,
        yref="paper",
        text=text,
        showarrow=False,
        xanchor="right" if right_half else "left",
        yanchor="top",
        xshift=-4 if right_half else 4,
        font={} if colour == palette.MARKER else {"color": colour},
    )


def _colours(line: str) -> tuple[str, str]:
    """A line's (actual, target) hues; a budget type's own line ('operating', 'other') is measured
    against the overall target and takes the overall line's hues."""
    return LINE_COLOURS.get(line, LINE_COLOURS["overall"])


def _paid_column(line: str) -> str:
    """The curve's disbursed column of a line (weekly_curve)."""
    return "disbursed" if line == "overall" else f"{line}_disbursed"


def _add_target_line(fig: go.Figure, x: Sequence, target_pct: pd.Series, name: str, colour: str, t) -> None:
    """A line's cabinet target (percent) as a dotted trace; none in a year without cabinet targets (all
    NaN), so the legend never names a target that does not exist. `t(thai, english)` picks the language."""
    if not target_pct.notna().any():
        return
    fig.add_trace(
        go.Scatter(
            x=x,
            y=target_pct,
            name=t(f"เป้าหมาย{name}", f"{name} target"),
            mode="lines",
            line={"color": colour, "dash": "dot", "width": 2},
            hovertemplate=t(f"เป้าหมาย{name} %{{y:.2f}}%<extra></extra>", f"{name} target %{{y:.2f}}%<extra></extra>"),
        )
    )


def progress_curve(
    curve: pd.DataFrame, as_of: date, lang: str, title: str | None = None, height: int = 400
) -> go.Figure:
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
        _add_target_line(fig, weeks, curve[f"{line}_target_pct"], name, target, t)
        money = curve[_paid_column(line)] / 1_000_000
        fig.add_trace(
            go.Scatter(
                x=weeks,
                y=curve[f"{line}_pct"],
                name=t(f"เบิกจ่ายสะสม {name}", f"{name} disbursed"),
                mode="lines+markers",
                line={"color": actual, "width": 3},
                marker={"size": 4},
                customdata=money,
                hovertemplate=t(
                    f"เบิกจ่ายสะสม {name} %{{y:.2f}}%<br>%{{customdata:,.2f}} {unit}<extra></extra>",
                    f"{name} disbursed %{{y:.2f}}%<br>%{{customdata:,.2f}} {unit}<extra></extra>",
                ),
            )
        )
    if days:
        mark_date(fig, days, as_of, t(f"ณ {format_date(as_of, 'th')}", f"as of {format_date(as_of, 'en')}"))
    fig.update_yaxes(title=t("ร้อยละของงบประมาณ", "% of allocation"), range=[0, 105], ticksuffix="%")
    fig.update_layout(hovermode="x unified")
    if title:
        fig.update_layout(title={"text": plain(title), "x": 0, "font": {"size": 15}})
    return _layout(fig, height)


def _translucent(colour: str, alpha: float) -> str:
    """'#1565c0' -> 'rgba(21,101,192,alpha)' (a band in a line's own hue)."""
    red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({red},{green},{blue},{alpha})"


def projection_fan(
    curve: pd.DataFrame,
    paths: Mapping[str, pd.DataFrame],
    as_of: date,
    lang: str,
    title: str | None = None,
    height: int = 420,
) -> go.Figure:
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
        _add_target_line(fig, curve_x, curve[f"{line}_target_pct"], name, target, t)
        fig.add_trace(
            go.Scatter(
                x=curve_x,
                y=curve[f"{line}_pct"],
                name=t(f"เบิกจ่ายสะสม {name}", f"{name} disbursed"),
                mode="lines+markers",
                line={"color": actual, "width": 3},
                marker={"size": 4},
                hovertemplate=t(
                    f"เบิกจ่ายสะสม {name} %{{y:.2f}}%<extra></extra>", f"{name} disbursed %{{y:.2f}}%<extra></extra>"
                ),
            )
        )
        path = paths.get(line)
        if path is None or not len(path):
            continue
        x = [labels[day] for day in as_day[line]]
        group = f"projection_{line}"
        # the band: its low edge (no line, no hover), then the high edge filled down to it
        fig.add_trace(
            go.Scatter(
                x=x,
                y=path["projected_low_pct"],
                mode="lines",
                line={"width": 0, "color": actual},
                legendgroup=group,
                showlegend=False,
                hoverinfo="skip",
                name=f"{name} {band_name}",
            )
        )
        fig.add_trace(
            go.Scatter(
                x=x,
                y=path["projected_high_pct"],
                mode="lines",
                line={"width": 0, "color": actual},
                fill="tonexty",
                fillcolor=_translucent(actual, 0.18),
                legendgroup=group,
                showlegend=False,
                hoverinfo="skip",
                name=f"{name} {band_name}",
            )
        )
        custom = list(
            zip(
                path["projected_low_pct"],
                path["projected_high_pct"],
                path["projected_disbursed"] / 1_000_000,
                strict=True,
            )
        )
        fig.add_trace(
            go.Scatter(
                x=x,
                y=path["projected_pct"],
                mode="lines",
                line={"color": actual, "dash": "dash", "width": 2.5},
                legendgroup=group,
                customdata=custom,
                name=t(f"คาดการณ์{name} (แถบ: {band_name})", f"{name} projected ({band_name})"),
                hovertemplate=t(
                    f"คาดการณ์{name} %{{y:.1f}}% (ช่วง %{{customdata[0]:.1f}}–%{{customdata[1]:.1f}}%)"
                    f"<br>%{{customdata[2]:,.2f}} {unit}<extra></extra>",
                    f"{name} projected %{{y:.1f}}% (band %{{customdata[0]:.1f}}–%{{customdata[1]:.1f}}%)"
                    f"<br>%{{customdata[2]:,.2f}} {unit}<extra></extra>",
                ),
            )
        )
        if line in ends and not pd.isna(ends[line]):
            # the year-end figure just right of the fan's end; two close figures pushed apart
            higher = all(ends[line] >= other for other in ends.values() if not pd.isna(other))
            close = len(ends) == 2 and abs(float(max(ends.values())) - float(min(ends.values()))) < 6
            fig.add_annotation(
                x=x[-1],
                y=ends[line],
                text=f"<b>{ends[line]:.1f}%</b>",
                showarrow=False,
                xanchor="left",
                xshift=4,
                yshift=(8 if higher else -8) if close else 0,
                font={"color": actual, "size": 13},
            )
    if days:
        mark_date(fig, days, as_of, t(f"ณ {format_date(as_of, 'th')}", f"as of {format_date(as_of, 'en')}"))
        if ends:  # room right of 30 Sep for the year-end figures
            fig.update_xaxes(range=[-0.5, len(days) - 0.5 + max(3, len(days) // 12)])
    fig.update_yaxes(title=t("ร้อยละของงบประมาณ", "% of allocation"), range=[0, 105], ticksuffix="%")
    fig.update_layout(hovermode="x unified")
    if title:
        fig.update_layout(title={"text": plain(title), "x": 0, "font": {"size": 15}})
    # six legend entries: below the plot, where they may take two rows without covering the title
    return _layout(
        fig,
        height,
        margin={"l": 10, "r": 10, "t": (60 if title else 20) + MODEBAR_BAND, "b": 10},
        legend={"orientation": "h", "yanchor": "top", "y": -0.2, "x": 0},
    )


def _line_hover(lang: str, first: int, lines: Sequence[str]) -> str:
    """Hover lines for the shown lines; customdata[first..first+5n-1] = for each line (overall,
    investment; or a budget type's own line): status label, pct, target, gap points, gap million
    baht. Three short lines per line, so the box fits beside the map at 1400 px."""
    parts = []
    for offset, line in enumerate(lines):
        base = first + 5 * offset
        name = LINE_LABELS[line][0 if lang == "th" else 1]
        if lang == "th":
            parts.append(
                f"<br><b>{name}</b> · %{{customdata[{base}]}}"
                f"<br>เบิกจ่าย %{{customdata[{base + 1}]:.2f}}% · เป้าหมาย %{{customdata[{base + 2}]:.2f}}%"
                f"<br>ห่าง %{{customdata[{base + 3}]:+.2f}} จุด · %{{customdata[{base + 4}]:+,.2f}} ล้านบาท"
            )
        else:
            parts.append(
                f"<br><b>{name}</b> · %{{customdata[{base}]}}"
                f"<br>disbursed %{{customdata[{base + 1}]:.2f}}% · target %{{customdata[{base + 2}]:.2f}}%"
                f"<br>gap %{{customdata[{base + 3}]:+.2f}} pts · %{{customdata[{base + 4}]:+,.2f}} "
                "million baht"
            )
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
