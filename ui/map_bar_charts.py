"""Plotly bar charts and the chart tile map: areas ranked by their gap to target, Thailand as one
square per province, and the money bars (stacked totals, allocation / committed / disbursed side by
side) of the carry-over, assets and area pages.

They share ui/charts.py's layout (`_layout`: fonts, separators, modebar room), its hover lines for
the two target lines (`_line_hover`, `_line_custom`) and `plain()` for text from input files, so
every chart reads the same; the time curves (progress, projection fan) stay in ui/charts.py.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import plotly.graph_objects as go

from budget_metrics.targets import frame_lines, other_line
from ui import palette
from ui.charts import _layout, _line_custom, _line_hover, plain
from ui.palette import STATUS_COLORS
from vocabulary import LINE_LABELS, MILLION_BAHT, STATUSES, pick, word

RANKING_SHORT = 10  # a ranking of more areas than 2 x this shows the 10 furthest behind and the 10 best


def ranking_extremes(table: pd.DataFrame, count: int = RANKING_SHORT) -> pd.DataFrame:
    """The `count` areas furthest behind and the `count` furthest ahead on the headline line's
    gap (all of them when there are at most 2 x count), worst first."""
    headline = str(table["headline"].iloc[0]) if len(table) else "overall"
    ordered = table.assign(_gap=table[f"{headline}_gap_points"].fillna(0.0)).sort_values(["_gap", "code"])
    if len(ordered) > 2 * count:
        ordered = pd.concat([ordered.head(count), ordered.tail(count)])
    return ordered.drop(columns="_gap")


def gap_ranking(
    table: pd.DataFrame,
    lang: str,
    height: int | None = None,
    title: str | None = None,
    skipped: int = 0,
    unit: tuple[str, str] = ("พื้นที่", "areas"),
) -> go.Figure:
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
    custom = [
        [*row, projects, allocation / 1e6, disbursed / 1e6, code]
        for row, projects, allocation, disbursed, code in zip(
            _line_custom(frame, lang),
            frame["projects"],
            frame["current_allocation"],
            frame["disbursed"],
            frame["code"],
            strict=True,
        )
    ]
    hover = f"<b>%{{y}}</b>{_line_hover(lang, 0, lines)}" + t(
        f"<br>เบิกจ่าย %{{customdata[{extra + 2}]:,.2f}} จาก %{{customdata[{extra + 1}]:,.2f}} ล้านบาท"
        f"<br>โครงการ %{{customdata[{extra}]:,d}}<extra></extra>",
        f"<br>%{{customdata[{extra + 2}]:,.2f}} of %{{customdata[{extra + 1}]:,.2f}} million baht"
        f"<br>%{{customdata[{extra}]:,d}} projects<extra></extra>",
    )
    head_name = t(*LINE_LABELS[headline])
    other_name = t(*LINE_LABELS[other]) if other else None
    fig = go.Figure(
        go.Bar(
            x=frame["gap_plot"],
            y=names,
            orientation="h",
            name=t(f"ห่างจากเป้าหมาย {head_name} (สีตามสถานะ)", f"{head_name} gap (bar, status colour)"),
            marker={"color": [STATUS_COLORS.get(status, palette.NO_DATA) for status in frame["status"]]},
            text=[f"{value:+.1f}" for value in frame["gap_plot"]],
            textposition="outside",
            cliponaxis=False,
            textfont={"size": 11},  # the theme's text colour (light or dark)
            customdata=custom,
            hovertemplate=hover,
        )
    )
    if other:
        fig.add_trace(
            go.Scatter(
                x=frame[f"{other}_gap_points"],
                y=names,
                mode="markers",
                name=t(f"ห่างจากเป้าหมาย {other_name}", f"{other_name} gap"),
                marker={
                    "symbol": "diamond",
                    "size": 8,
                    "color": palette.MARKER,
                    "line": {"color": "white", "width": 1},
                },
                customdata=custom,
                hovertemplate=hover,
            )
        )
    if skipped and len(frame) % 2 == 0:
        middle = len(frame) / 2 - 0.5  # between the best half (drawn first, at the bottom) and the worst
        fig.add_shape(
            type="line",
            xref="paper",
            x0=0,
            x1=1,
            y0=middle,
            y1=middle,
            line={"color": palette.MARKER, "dash": "dot", "width": 1},
        )
        fig.add_annotation(
            xref="paper",
            x=1,
            y=middle,
            xanchor="right",
            yanchor="bottom",
            showarrow=False,
            font={"size": 11},
            text=t(f"อีก {skipped:,} {unit[0]}", f"{skipped:,} more {unit[1]}"),
        )
    # room beyond the longest bar for its value
    values = [0.0, *frame["gap_plot"], *(frame[f"{other}_gap_points"].dropna() if other else [])]
    low, high = min(values), max(values)
    span = (high - low) or 1.0
    axis = t(f"ห่างเป้า (จุด) · แท่ง = {head_name}", f"Gap (points) · bar = {head_name}")
    if other:
        axis += f", ◆ = {other_name}"
    fig.update_xaxes(
        title=axis, range=[low - 0.14 * span, high + 0.1 * span], zeroline=True, zerolinecolor=palette.MARKER
    )
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
        shapes.append(
            {
                "type": "rect",
                "x0": tile["col"] - half,
                "x1": tile["col"] + half,
                "y0": tile["row"] - half,
                "y1": tile["row"] + half,
                "layer": "below",
                "fillcolor": STATUS_COLORS.get(tile["status"], palette.NO_DATA),
                "line": {"width": 2 if tile["province_code"] == selected else 0, "color": "#212121"},
            }
        )
        if other:
            shapes.append(
                {
                    "type": "rect",
                    "x0": tile["col"] + half - 2 * inset,
                    "x1": tile["col"] + half,
                    "y0": tile["row"] + half - 2 * inset,
                    "y1": tile["row"] + half,
                    "layer": "below",
                    "fillcolor": STATUS_COLORS.get(tile[f"{other}_status"], palette.NO_DATA),
                    "line": {"width": 1.5, "color": "white"},
                }
            )
    fig.update_layout(shapes=shapes)
    hover = (
        t("<b>%{customdata[1]}</b>", "<b>%{customdata[1]}</b>")
        + _line_hover(lang, 2, lines)
        + t(
            f"<br>เบิกจ่าย %{{customdata[{extra + 1}]:,.2f}} จาก %{{customdata[{extra}]:,.2f}} ล้านบาท"
            f"<br>โครงการ %{{customdata[{extra + 2}]:,d}}<br><i>คลิกเพื่อดูรายละเอียด</i><extra></extra>",
            f"<br>%{{customdata[{extra + 1}]:,.2f}} of %{{customdata[{extra}]:,.2f}} million baht"
            f"<br>%{{customdata[{extra + 2}]:,d}} projects<br><i>click to drill down</i><extra></extra>",
        )
    )
    for status in STATUS_COLORS:
        part = frame[frame["status"] == status]
        if part.empty:
            continue
        custom = [
            [code, plain(name), *lines, allocation / 1e6, disbursed / 1e6, int(projects)]
            for code, name, lines, allocation, disbursed, projects in zip(
                part["province_code"],
                part[name_col],
                _line_custom(part, lang),
                part["current_allocation"].fillna(0),
                part["disbursed"].fillna(0),
                part["projects"].fillna(0),
                strict=True,
            )
        ]
        fig.add_trace(
            go.Scatter(
                x=part["col"],
                y=part["row"],
                mode="markers+text",
                name=word(STATUSES, status, lang),
                showlegend=False,
                text=part["abbr_th" if lang == "th" else "abbr_en"],
                textfont={"color": palette.ink_on(STATUS_COLORS[status]), "size": 12},
                marker={"symbol": "square", "size": 30, "color": STATUS_COLORS[status], "opacity": 0.01},
                customdata=custom,
                selected={"marker": {"opacity": 0.01}},
                unselected={"marker": {"opacity": 0.01}},
                hovertemplate=hover,
            )
        )
    pad = 0.55
    fig.update_xaxes(range=[-pad, cols - 1 + pad], visible=False, fixedrange=True)
    fig.update_yaxes(range=[rows - 1 + pad, -pad], visible=False, fixedrange=True, scaleanchor="x", scaleratio=1)
    fig.update_layout(dragmode=False, plot_bgcolor="rgba(0,0,0,0)", hoverdistance=30, clickmode="event+select")
    shown = set(frame["status"]) | (set(frame[f"{other}_status"]) if other else set())
    for status in STATUS_COLORS:  # legend entries (the clickable markers are invisible)
        if status in shown:
            fig.add_trace(
                go.Scatter(
                    x=[None],
                    y=[None],
                    mode="markers",
                    hoverinfo="skip",
                    name=word(STATUSES, status, lang),
                    marker={"symbol": "square", "size": 12, "color": STATUS_COLORS[status]},
                )
            )
    head_name = t(*LINE_LABELS[headline])
    key = t(f"สี่เหลี่ยมใหญ่ = สถานะ{head_name}", f"big square = {head_name} status")
    if other:
        other_name = t(*LINE_LABELS[other])
        key += t(f"<br>มุมล่างขวา = สถานะ{other_name}", f"<br>corner = {other_name} status")
    fig.add_annotation(
        x=0,
        y=0,
        xref="paper",
        yref="paper",
        xanchor="left",
        yanchor="bottom",
        showarrow=False,
        align="left",
        font={"size": 11},
        text=key,
    )  # the theme's text colour (light or dark)
    return _layout(
        fig,
        height,
        legend={
            "orientation": "h",
            "yanchor": "bottom",
            "y": 1.0,
            "x": 0,
            "font": {"size": 11},
            "itemsizing": "constant",
        },
    )


def add_bar_totals(fig: go.Figure, names: Sequence[str], totals: Sequence[float], decimals: int = 1) -> None:
    """Write each stacked bar's total (million baht, thousand separators) just past its end."""
    fig.add_trace(
        go.Scatter(
            x=list(totals),
            y=list(names),
            mode="text",
            text=[f"{value:,.{decimals}f}" for value in totals],
            textposition="middle right",
            textfont={"size": 11},
            showlegend=False,
            hoverinfo="skip",
            cliponaxis=False,
        )
    )


def split_bars(
    frame: pd.DataFrame, category: str, lang: str, title: str | None = None, height: int | None = None
) -> go.Figure:
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
        fig.add_trace(
            go.Bar(
                y=names,
                x=frame[column] / 1e6,
                orientation="h",
                name=t(thai, english),
                marker_color=colour,
                hovertemplate=f"%{{y}}<br>{t(thai, english)} %{{x:,.2f}} {pick(MILLION_BAHT, lang)}<extra></extra>",
            )
        )
    fig.update_layout(barmode="group")
    fig.update_xaxes(title=pick(MILLION_BAHT, lang), tickformat=",.0f")
    fig.update_yaxes(title=None, autorange="reversed", automargin=True)
    if title:
        fig.update_layout(title={"text": plain(title), "x": 0, "font": {"size": 15}})
    return _layout(fig, height or max(260, 48 * len(frame) + 130))
