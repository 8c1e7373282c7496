"""Plotly figures shared by pages: progress curve, gap ranking, tile map, split bars.

Figures take read-side DataFrames as they come (money in baht) and show million baht
and percent with Thai (or English) labels and hover text. Text that comes from input
files (agency names, project names) goes through `plain()` so Plotly shows it as text
and never interprets it as markup.
"""

from __future__ import annotations

import html
from datetime import date, datetime

import pandas as pd
import plotly.graph_objects as go

from ui.labels import STATUS_COLORS, STATUS_LABELS, label

FONT = "Sarabun, 'Noto Sans Thai', Loma, Garuda, sans-serif"


def plain(text: object) -> str:
    """Text safe to show in a Plotly label or hover (no markup interpreted)."""
    return html.escape("" if text is None or (isinstance(text, float) and pd.isna(text)) else str(text))


def _layout(fig: go.Figure, height: int, **extra) -> go.Figure:
    titled = bool(fig.layout.title.text)
    if titled:  # title on top, legend in its own band between the title and the plot
        fig.update_layout(title={"y": 0.995, "yref": "container", "yanchor": "top"})
    settings = {"margin": {"l": 10, "r": 10, "t": 80 if titled else 40, "b": 10},
                "legend": {"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0}, **extra}
    fig.update_layout(height=height, font={"family": FONT}, hoverlabel={"font": {"family": FONT}},
                      **settings)
    return fig


def progress_curve(curve: pd.DataFrame, as_of: date, lang: str, title: str | None = None,
                   height: int = 380) -> go.Figure:
    """Cumulative % disbursed by week against the overall and investment target curves.

    `curve` is `progress.weekly_curve(...)`; when it has a `target` column (the
    selection's allocation-weighted target) that curve is drawn too. The as-of date is
    marked by a dashed line.
    """
    def t(thai: str, english: str) -> str:
        return thai if lang == "th" else english

    weeks = pd.to_datetime(curve["week_end"])
    money = curve["disbursed"] / 1_000_000
    fig = go.Figure()
    fig.add_trace(go.Scatter(
        x=weeks, y=curve["target_overall"], name=t("เป้าหมายภาพรวม", "Overall target"),
        mode="lines", line={"color": "#616161", "dash": "dot"},
        hovertemplate=t("เป้าหมายภาพรวม %{y:.2f}%<extra></extra>", "Overall target %{y:.2f}%<extra></extra>")))
    fig.add_trace(go.Scatter(
        x=weeks, y=curve["target_investment"], name=t("เป้าหมายงบลงทุน", "Investment target"),
        mode="lines", line={"color": "#8d6e63", "dash": "dash"},
        hovertemplate=t("เป้าหมายงบลงทุน %{y:.2f}%<extra></extra>", "Investment target %{y:.2f}%<extra></extra>")))
    if "target" in curve:
        fig.add_trace(go.Scatter(
            x=weeks, y=curve["target"], name=t("เป้าหมายของที่เลือก", "Target for this selection"),
            mode="lines", line={"color": "#2e7d32", "width": 2},
            hovertemplate=t("เป้าหมายของที่เลือก (ถ่วงตามสัดส่วนงบลงทุน) %{y:.2f}%<extra></extra>",
                            "Target for this selection (weighted by investment share) %{y:.2f}%<extra></extra>")))
    fig.add_trace(go.Scatter(
        x=weeks, y=curve["pct_disbursed"], name=t("เบิกจ่ายสะสม", "Disbursed (cumulative)"),
        mode="lines+markers", line={"color": "#1565c0", "width": 3}, marker={"size": 4},
        customdata=money,
        hovertemplate=t("เบิกจ่ายสะสม %{y:.2f}%<br>%{customdata:,.2f} ล้านบาท<extra></extra>",
                        "Disbursed %{y:.2f}%<br>%{customdata:,.2f} million baht<extra></extra>")))
    marker_x = datetime.combine(as_of, datetime.min.time())
    fig.add_shape(type="line", x0=marker_x, x1=marker_x, y0=0, y1=1, yref="paper",
                  line={"color": "#c62828", "dash": "dash", "width": 1.5})
    as_of_text = (f"ณ {as_of.day}/{as_of.month}/{as_of.year + 543}" if lang == "th"
                  else f"as of {as_of:%d %b %Y}")
    fig.add_annotation(x=marker_x, y=1, yref="paper", text=as_of_text, showarrow=False,
                       xanchor="left", yanchor="bottom", font={"color": "#c62828"})
    fig.update_yaxes(title=t("ร้อยละของงบประมาณ", "% of allocation"), range=[0, 105], ticksuffix="%")
    fig.update_xaxes(title=None, hoverformat="%d/%m/%Y")
    fig.update_layout(hovermode="x unified")
    if title:
        fig.update_layout(title={"text": plain(title), "x": 0, "font": {"size": 15}})
    return _layout(fig, height)


def gap_ranking(table: pd.DataFrame, lang: str, height: int | None = None,
                title: str | None = None) -> go.Figure:
    """Horizontal bars of gap to target (points), worst at the top, coloured by status.

    `table` is `progress.area_progress(...)` (any level); areas without projects show
    as grey 'no data' bars of zero length.
    """
    def t(thai: str, english: str) -> str:
        return thai if lang == "th" else english

    name_col = "name_th" if lang == "th" else "name_en"
    frame = table.copy()
    frame["gap_plot"] = frame["gap_points"].fillna(0.0)
    frame = frame.sort_values("gap_plot", ascending=False)  # plotly draws bottom-up
    status_text = [label(STATUS_LABELS, status, lang) for status in frame["status"]]
    custom = list(zip(status_text, frame["pct_disbursed"].fillna(0), frame["target_pct"].fillna(0),
                      frame["disbursed"] / 1e6, frame["current_allocation"] / 1e6, frame["projects"],
                      strict=True))
    fig = go.Figure(go.Bar(
        x=frame["gap_plot"], y=[plain(name) for name in frame[name_col]], orientation="h",
        marker={"color": [STATUS_COLORS.get(status, "#bdbdbd") for status in frame["status"]]},
        customdata=custom,
        hovertemplate=t(
            "<b>%{y}</b><br>ห่างจากเป้าหมาย %{x:+.2f} จุด (%{customdata[0]})"
            "<br>เบิกจ่ายร้อยละ %{customdata[1]:.2f} / เป้าหมาย %{customdata[2]:.2f}"
            "<br>เบิกจ่าย %{customdata[3]:,.2f} จาก %{customdata[4]:,.2f} ล้านบาท"
            "<br>โครงการ %{customdata[5]:,d}<extra></extra>",
            "<b>%{y}</b><br>gap %{x:+.2f} points (%{customdata[0]})"
            "<br>disbursed %{customdata[1]:.2f}% / target %{customdata[2]:.2f}%"
            "<br>%{customdata[3]:,.2f} of %{customdata[4]:,.2f} million baht"
            "<br>%{customdata[5]:,d} projects<extra></extra>")))
    fig.update_xaxes(title=t("ห่างจากเป้าหมาย (จุดร้อยละ)", "Gap to target (points)"), zeroline=True,
                     zerolinecolor="#424242")
    fig.update_yaxes(title=None, tickfont={"size": 10 if len(frame) > 30 else 12}, automargin=True)
    if title:
        fig.update_layout(title={"text": plain(title), "x": 0, "font": {"size": 15}})
    return _layout(fig, height or max(260, 22 * len(frame) + 80), showlegend=False)


def tile_map(tiles: pd.DataFrame, lang: str, height: int = 760, selected: str | None = None) -> go.Figure:
    """Thailand as one equal square per province, coloured by gap status, with hover figures.

    `tiles` is `tilemap.tiles_with_progress(area_progress(..., 'province'))`. The squares
    are shapes in data units (equal axes scale), so they stay square at any width; a
    transparent marker at each centre carries the hover text and the click, and its
    customdata[0] is the province code, so a selection event names the province.
    """
    def t(thai: str, english: str) -> str:
        return thai if lang == "th" else english

    frame = tiles.copy()
    frame["status"] = frame["status"].fillna("no_data")
    rows, cols = int(frame["row"].max()) + 1, int(frame["col"].max()) + 1
    name_col = "name_th" if lang == "th" else "name_en"
    fig = go.Figure()
    half = 0.46
    # One layout update with every square: add_shape per tile costs ~7 ms each.
    fig.update_layout(shapes=[
        {"type": "rect", "x0": tile.col - half, "x1": tile.col + half, "y0": tile.row - half,
         "y1": tile.row + half, "layer": "below", "fillcolor": STATUS_COLORS.get(tile.status, "#bdbdbd"),
         "line": {"width": 2 if tile.province_code == selected else 0, "color": "#212121"}}
        for tile in frame.itertuples(index=False)
    ])
    for status in STATUS_COLORS:
        part = frame[frame["status"] == status]
        if part.empty:
            continue
        part_status = [label(STATUS_LABELS, status, lang)] * len(part)
        custom = list(zip(
            part["province_code"], [plain(name) for name in part[name_col]], part_status,
            part["gap_points"].fillna(0), part["pct_disbursed"].fillna(0), part["target_pct"].fillna(0),
            part["disbursed"].fillna(0) / 1e6, part["current_allocation"].fillna(0) / 1e6,
            part["projects"].fillna(0).astype(int), strict=True))
        fig.add_trace(go.Scatter(
            x=part["col"], y=part["row"], mode="markers+text", name=label(STATUS_LABELS, status, lang),
            showlegend=False,
            text=part["abbr_th" if lang == "th" else "abbr_en"],
            textfont={"color": "white" if status != "no_data" else "#424242", "size": 12},
            marker={"symbol": "square", "size": 30, "color": STATUS_COLORS[status], "opacity": 0.01},
            customdata=custom,
            selected={"marker": {"opacity": 0.01}}, unselected={"marker": {"opacity": 0.01}},
            hovertemplate=t(
                "<b>%{customdata[1]}</b> (%{customdata[2]})<br>ห่างจากเป้าหมาย %{customdata[3]:+.2f} จุด"
                "<br>เบิกจ่ายร้อยละ %{customdata[4]:.2f} / เป้าหมาย %{customdata[5]:.2f}"
                "<br>เบิกจ่าย %{customdata[6]:,.2f} จาก %{customdata[7]:,.2f} ล้านบาท"
                "<br>โครงการ %{customdata[8]:,d}<br><i>คลิกเพื่อดูรายละเอียด</i><extra></extra>",
                "<b>%{customdata[1]}</b> (%{customdata[2]})<br>gap %{customdata[3]:+.2f} points"
                "<br>disbursed %{customdata[4]:.2f}% / target %{customdata[5]:.2f}%"
                "<br>%{customdata[6]:,.2f} of %{customdata[7]:,.2f} million baht"
                "<br>%{customdata[8]:,d} projects<br><i>click to drill down</i><extra></extra>")))
    pad = 0.55
    fig.update_xaxes(range=[-pad, cols - 1 + pad], visible=False, fixedrange=True)
    fig.update_yaxes(range=[rows - 1 + pad, -pad], visible=False, fixedrange=True,
                     scaleanchor="x", scaleratio=1)
    fig.update_layout(dragmode=False, plot_bgcolor="rgba(0,0,0,0)", hoverdistance=30,
                      clickmode="event+select")
    for status in STATUS_COLORS:  # legend entries (the clickable markers are invisible)
        if (frame["status"] == status).any():
            fig.add_trace(go.Scatter(x=[None], y=[None], mode="markers", hoverinfo="skip",
                                     name=label(STATUS_LABELS, status, lang),
                                     marker={"symbol": "square", "size": 12, "color": STATUS_COLORS[status]}))
    return _layout(fig, height, legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "x": 0,
                                        "font": {"size": 11}, "itemsizing": "constant"})


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
        ("current_allocation", "งบประมาณ", "Allocation", "#90caf9"),
        ("committed", "ก่อหนี้ผูกพัน", "Committed", "#ffb74d"),
        ("disbursed", "เบิกจ่าย", "Disbursed", "#1565c0"),
    ):
        fig.add_trace(go.Bar(
            y=names, x=frame[column] / 1e6, orientation="h", name=t(thai, english), marker_color=colour,
            hovertemplate=f"%{{y}}<br>{t(thai, english)} %{{x:,.2f}} {t('ล้านบาท', 'million baht')}<extra></extra>"))
    fig.update_layout(barmode="group")
    fig.update_xaxes(title=t("ล้านบาท", "million baht"), tickformat=",.0f")
    fig.update_yaxes(title=None, autorange="reversed", automargin=True)
    if title:
        fig.update_layout(title={"text": plain(title), "x": 0, "font": {"size": 15}})
    return _layout(fig, height or max(260, 48 * len(frame) + 130))
