"""Light HTML pieces for a page's first screen: status cards, meters, short lists, the tile map.

Why HTML and not Plotly or a data grid: opened in a new browser session, a page finishes
drawing only after the plotly.js chunk (or the grid's) is fetched and parsed and every chart
laid out; the overview's first screen in HTML took its first paint from about 3x to about
1.5-2x a hello-world page (docs/benchmarks.md, "First paint: the overview before and
after its light first screen"). What an executive reads first — the two target lines, what
changed since last week, the areas furthest behind — is text, numbers and coloured bars,
which plain HTML draws as fast as Streamlit draws its own text. Charts stay available below
(in tabs that run only when opened).

Every function returns an HTML string for `st.html`; `STYLE` is the one stylesheet (classes
start with `bm-`), drawn once per page with `style_tag()`. Text from reference data or
input files goes through `text()` (escaped), so a name can never become markup. Colours
come from ui/palette.py (one meaning per colour), words from vocabulary.py. Links are plain
relative links (`area?...&area=province:46`): a click opens the area page in a new session
seeded from the URL, with the sidebar's choices kept (ui/controls.py reads `?area=`).
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import pandas as pd

from ui import palette
from ui.palette import STATUS_COLORS
from vocabulary import STATUSES, pick, word

STYLE = """
.bm-row{display:grid;grid-template-columns:repeat(auto-fit,minmax(270px,1fr));gap:12px;margin:0 0 4px 0}
.bm-card{border:1px solid #e3e3e3;border-left:6px solid var(--bm-c,#bdbdbd);border-radius:8px;
  padding:8px 12px 10px 12px;background:#fff;line-height:1.35;min-width:0}
.bm-head{display:flex;justify-content:space-between;align-items:baseline;gap:8px;flex-wrap:wrap}
.bm-title{font-weight:700;font-size:1.05rem}
.bm-sub{color:#616161;font-size:.8rem}
.bm-badge{color:#fff;border-radius:10px;padding:1px 8px;font-size:.8rem;font-weight:600;white-space:nowrap}
.bm-big{font-size:2.1rem;font-weight:700;line-height:1.15;margin-top:2px}
.bm-big small{font-size:1.1rem;font-weight:600}
.bm-target{font-size:.95rem;color:#424242;font-weight:600;margin-left:6px}
.bm-meter{position:relative;height:10px;background:#eceff1;border-radius:5px;margin:6px 0 6px 0}
.bm-meter .bm-fill{position:absolute;left:0;top:0;bottom:0;border-radius:5px}
.bm-meter .bm-band{position:absolute;top:-3px;bottom:-3px;border:2px solid #212121;background:rgba(255,255,255,.55);
  border-radius:3px;box-sizing:border-box}
.bm-meter .bm-mark{position:absolute;top:-3px;bottom:-3px;width:2px;background:#212121}
.bm-gap{font-weight:700;font-size:1rem}
.bm-week{font-size:.9rem;margin-top:2px}
.bm-week b{font-size:1rem}
.bm-proj{font-size:.88rem;margin-top:4px;padding-top:4px;border-top:1px dashed #d6d6d6}
.bm-muted{color:#616161}
.bm-list{width:100%;border-collapse:collapse;font-size:.88rem;margin-top:4px}
.bm-list th{font-weight:600;color:#616161;text-align:right;padding:2px 4px;font-size:.78rem;white-space:nowrap}
.bm-list th:first-child,.bm-list th:nth-child(2){text-align:left}
.bm-list td{padding:3px 4px;text-align:right;border-top:1px solid #eeeeee;white-space:nowrap}
.bm-list td.bm-name{text-align:left;white-space:normal;max-width:10rem;overflow-wrap:break-word}
.bm-list td.bm-rank{text-align:left;color:#616161;width:1.2rem}
.bm-list td.bm-pct{width:4.6rem}
.bm-list .bm-meter{height:6px;margin:2px 0 0 0}
.bm-list .bm-meter .bm-mark{top:-2px;bottom:-2px}
.bm-money{display:grid;grid-template-columns:repeat(auto-fit,minmax(138px,1fr));gap:8px;margin:8px 0 4px 0}
.bm-money>div{border:1px solid #e3e3e3;border-radius:8px;padding:6px 10px;line-height:1.3;min-width:0}
.bm-money .bm-label{font-size:.8rem;color:#616161}
.bm-money .bm-value{font-size:1.2rem;font-weight:700}
.bm-money .bm-change{font-size:.8rem;color:#424242}
.bm-risk details{border:1px solid #e3e3e3;border-left:5px solid var(--bm-c,#bdbdbd);border-radius:6px;
  margin:0 0 6px 0;background:#fff}
.bm-risk summary{cursor:pointer;padding:6px 10px;list-style-position:inside;font-size:.92rem;line-height:1.4}
.bm-risk summary .bm-at-risk{font-weight:700}
.bm-risk .bm-drivers{padding:0 10px 8px 10px;overflow-x:auto}
.bm-risk .bm-drivers td{white-space:normal;vertical-align:top}
.bm-risk .bm-drivers td.bm-code{white-space:nowrap}
.bm-risk .bm-drivers td.bm-why{text-align:left;min-width:16rem;color:#424242}
.bm-risk .bm-drivers td.bm-name{max-width:16rem}
.bm-tiles{display:grid;gap:3px;max-width:460px;margin:4px 0}
.bm-tiles a{position:relative;display:flex;align-items:center;justify-content:center;aspect-ratio:1/1;
  border-radius:3px;color:#fff;font-size:.8rem;font-weight:600;text-decoration:none;min-width:0}
.bm-tiles a.bm-none{color:#424242}
.bm-tiles a:hover{outline:2px solid #212121;z-index:1}
.bm-tiles a i{position:absolute;right:1px;top:1px;width:28%;height:28%;border:1px solid #fff;border-radius:1px}
.bm-legend{display:flex;flex-wrap:wrap;gap:4px 14px;font-size:.82rem;margin:2px 0 6px 0}
.bm-legend span{display:inline-flex;align-items:center;gap:5px}
.bm-legend i{display:inline-block;width:12px;height:12px;border-radius:2px}
a.bm-link{color:inherit;text-decoration:none;border-bottom:1px dotted #9e9e9e}
a.bm-link:hover{border-bottom-color:#212121}
"""


def style_tag() -> str:
    """The stylesheet of every `bm-` class, for one `st.html` call per page (it takes no space)."""
    return f"<style>{STYLE}</style>"


def text(value: object) -> str:
    """Text from data shown as text, never as markup ('' for a missing value)."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    return html.escape(str(value))


def status_colour(status: str | None) -> str:
    """The palette colour of a status code (grey for no data)."""
    return STATUS_COLORS.get(status or "no_data", palette.NO_DATA)


def badge(status: str, lang: str) -> str:
    """A status word on its colour ('ต่ำกว่าเป้าหมาย' on red)."""
    return (f'<span class="bm-badge" style="background:{status_colour(status)}">'
            f"{text(word(STATUSES, status, lang))}</span>")


def meter(pct: float | None, target: float | None, status: str, band: tuple[float, float] | None = None) -> str:
    """A 0-100 bar: filled to `pct` (percent 0-100) in the status colour, a black mark at the
    target, and optionally a grey band (e.g. the projection's low..high)."""
    def clamp(value: float) -> float:
        return max(0.0, min(100.0, float(value)))

    parts = ['<div class="bm-meter">']
    if pct is not None and not pd.isna(pct):
        parts.append(f'<span class="bm-fill" style="width:{clamp(pct):.2f}%;background:{status_colour(status)}">'
                     "</span>")
    if band is not None and not any(pd.isna(value) for value in band):
        low, high = clamp(min(band)), clamp(max(band))
        parts.append(f'<span class="bm-band" style="left:{low:.2f}%;width:{max(high - low, 0.6):.2f}%"></span>')
    if target is not None and not pd.isna(target):
        parts.append(f'<span class="bm-mark" style="left:calc({clamp(target):.2f}% - 1px)"></span>')
    parts.append("</div>")
    return "".join(parts)


def link(href: str | None, label: str) -> str:
    """`label` (already HTML) as a plain link when there is an address."""
    return f'<a class="bm-link" href="{html.escape(href, quote=True)}" target="_self">{label}</a>' if href else label


# ---------------------------------------------------------------- a target line's card
@dataclass(frozen=True)
class LineCard:
    """What one target line's card shows; all text already in the page's language.

    pct / target_pct: percent 0-100; target_text: e.g. 'เป้าหมาย 69.33%' with the number in
    `target_pct_text`; gap_html: the gap in points and baht (HTML, each figure in its own
    `data-figure` span, e.g. 'ห่างเป้า <span data-figure="gap_points">-16.00</span> จุด');
    week_text: what changed since the earlier state (None when there is none);
    projection_text: the projected year end with its band (HTML, None when there is none).
    """

    key: str
    title: str
    subtitle: str
    status: str
    pct_text: str
    pct: float | None
    target_text: str
    target_pct_text: str
    target_pct: float | None
    gap_html: str
    week_text: str | None = None
    projection_text: str | None = None


def line_card(card: LineCard, lang: str) -> str:
    """A target line as a card: its name and status, % disbursed against its own target on
    a meter, the gap in the status colour, the change since last week, the projection."""
    colour = status_colour(card.status)
    parts = [
        f'<section class="bm-card" data-line="{text(card.key)}" style="--bm-c:{colour}">',
        f'<div class="bm-head"><span class="bm-title">{text(card.title)}</span>{badge(card.status, lang)}</div>',
        f'<div class="bm-sub">{text(card.subtitle)}</div>',
        (f'<div class="bm-big"><span data-figure="pct">{text(card.pct_text)}</span><small>%</small>'
         f'<span class="bm-target">{text(card.target_text)} <span data-figure="target">'
         f'{text(card.target_pct_text)}</span>%</span></div>'),
        meter(card.pct, card.target_pct, card.status),
        f'<div class="bm-gap" style="color:{colour}">{card.gap_html}</div>',
    ]
    if card.week_text:
        parts.append(f'<div class="bm-week" data-figure="week">{card.week_text}</div>')
    if card.projection_text:
        parts.append(f'<div class="bm-proj" data-figure="projection">{card.projection_text}</div>')
    parts.append("</section>")
    return "".join(parts)


# ---------------------------------------------------------------- short ranked lists
@dataclass(frozen=True)
class ListColumn:
    """A column of `ranked_list`: header text and a function of the row giving cell HTML."""

    header: str
    cell: Callable[[dict], str]
    css: str = ""


def ranked_list(rows: Sequence[dict], columns: Sequence[ListColumn], name_header: str,
                name: Callable[[dict], str], numbered: bool = True) -> str:
    """A compact table: rank, name (HTML from `name`), then `columns`."""
    head = "".join(f"<th>{text(column.header)}</th>" for column in columns)
    parts = [(f'<table class="bm-list"><thead><tr><th>{"#" if numbered else ""}</th><th>{text(name_header)}</th>'
             f"{head}</tr></thead><tbody>")]
    for position, row in enumerate(rows, start=1):
        cells = "".join(f'<td class="{column.css}">{column.cell(row)}</td>' for column in columns)
        parts.append(f'<tr><td class="bm-rank">{position if numbered else ""}</td>'
                     f'<td class="bm-name">{name(row)}</td>{cells}</tr>')
    parts.append("</tbody></table>")
    return "".join(parts)


def card(title: str, body: str, colour: str | None = None, subtitle: str | None = None, key: str = "") -> str:
    """A bordered card with a title (text) and a body (HTML)."""
    sub = f'<div class="bm-sub">{text(subtitle)}</div>' if subtitle else ""
    return (f'<section class="bm-card" data-card="{text(key)}" style="--bm-c:{colour or palette.MARKER}">'
            f'<div class="bm-head"><span class="bm-title">{text(title)}</span></div>{sub}{body}</section>')


def row(*cards: str) -> str:
    """Cards side by side; they wrap one under the other on a narrow screen, in this order."""
    return f'<div class="bm-row">{"".join(cards)}</div>'


# ---------------------------------------------------------------- money figures
@dataclass(frozen=True)
class Figure:
    """A small figure box: label, value and an optional change line (all text)."""

    key: str
    label: str
    value: str
    change: str | None = None


def figures(items: Iterable[Figure]) -> str:
    """Small figure boxes in a row (two by two on a phone)."""
    boxes = []
    for item in items:
        change = (f'<div class="bm-change" data-figure="{text(item.key)}_change">{text(item.change)}</div>'
                  if item.change else "")
        boxes.append(f'<div data-box="{text(item.key)}"><div class="bm-label">{text(item.label)}</div>'
                     f'<div class="bm-value" data-figure="{text(item.key)}">{text(item.value)}</div>{change}</div>')
    return f'<div class="bm-money">{"".join(boxes)}</div>'


# ---------------------------------------------------------------- expandable list
def details(summary: str, body: str, colour: str | None = None, key: str = "") -> str:
    """A native HTML disclosure (no rerun, no Streamlit element): summary and body are HTML."""
    return (f'<details data-key="{text(key)}" style="--bm-c:{colour or palette.MARKER}"><summary>{summary}'
            f'</summary><div class="bm-drivers">{body}</div></details>')


def risk_list(items: Iterable[str]) -> str:
    """`details` items as one list."""
    return f'<div class="bm-risk">{"".join(items)}</div>'


# ---------------------------------------------------------------- the tile map
def legend(entries: Sequence[tuple[str, str]]) -> str:
    """Colour squares with their words: (colour, text) pairs."""
    spans = "".join(f'<span><i style="background:{colour}"></i>{text(label)}</span>' for colour, label in entries)
    return f'<div class="bm-legend">{spans}</div>'


def tile_map(tiles: pd.DataFrame, lang: str, href: Callable[[str], str | None],
             hover: Callable[[dict], str]) -> str:
    """Thailand as one equal square per province, each a link, coloured by the headline line's
    status with the other line's status in its corner.

    `tiles` is `tilemap.tiles_with_progress(area_progress(..., 'province'))`; `href(code)` the
    link of a province (its page); `hover(tile)` the tooltip text (plain text, both lines).
    """
    headline = str(tiles["headline"].dropna().iloc[0]) if tiles["headline"].notna().any() else "overall"
    other = "investment" if headline == "overall" else "overall"
    rows, cols = int(tiles["row"].max()) + 1, int(tiles["col"].max()) + 1
    parts = [(f'<nav class="bm-tiles" style="grid-template-columns:repeat({cols},1fr);'
             f'grid-template-rows:repeat({rows},auto)">')]
    label = "abbr_th" if lang == "th" else "abbr_en"
    for tile in tiles.to_dict("records"):
        status = tile.get("status") if isinstance(tile.get("status"), str) else "no_data"
        corner = tile.get(f"{other}_status") if isinstance(tile.get(f"{other}_status"), str) else "no_data"
        css = ' class="bm-none"' if status == "no_data" else ""
        address = href(str(tile["province_code"])) or "#"
        parts.append(
            f'<a{css} href="{html.escape(address, quote=True)}" target="_self" data-province="{text(tile["province_code"])}"'
            f' title="{html.escape(hover(tile), quote=True)}" style="grid-row:{int(tile["row"]) + 1};'
            f'grid-column:{int(tile["col"]) + 1};background:{status_colour(status)}">'
            f'{text(tile[label])}<i style="background:{status_colour(corner)}"></i></a>')
    parts.append("</nav>")
    return "".join(parts)


def status_legend(lang: str) -> str:
    """The four status colours with their words."""
    return legend([(STATUS_COLORS[code], word(STATUSES, code, lang)) for code in ("on_track", "watch", "behind",
                                                                                  "no_data")])


def words(pair: tuple[str, str], lang: str) -> str:
    """A vocabulary pair in the language, escaped."""
    return text(pick(pair, lang))


# ---------------------------------------------------------------- figure tables (the area and weekly pages)
FIGURE_TABLE_STYLE = """
.bm-table{border-collapse:collapse;font-size:.9rem;margin:4px 0 8px 0;min-width:min(100%,560px)}
.bm-table th,.bm-table td{padding:4px 10px;border-top:1px solid #eeeeee;text-align:right;white-space:nowrap}
.bm-table thead th{font-weight:600;color:#616161;font-size:.8rem;border-top:none;white-space:normal;
  vertical-align:bottom;min-width:5rem}
.bm-table th:first-child,.bm-table td:first-child{text-align:left;white-space:normal}
.bm-table tbody th{font-weight:400;color:#424242;text-align:left;min-width:9rem}
.bm-scroll{overflow-x:auto;max-width:100%}
.bm-wide .bm-list td.bm-name{max-width:none;min-width:12rem}
.bm-wide{margin-top:10px}
"""
STYLE += FIGURE_TABLE_STYLE  # drawn by style_tag() with the rest


def wide(*cards: str) -> str:
    """Cards one under the other at full width, names in their lists unclipped (long project names)."""
    return "".join(f'<div class="bm-wide">{row(card)}</div>' for card in cards)


def figure_table(headers: Sequence[str], rows: Iterable[tuple[str, Sequence[str]]], key: str = "") -> str:
    """A plain table that scrolls sideways on a phone: `headers` (text, the first over the row labels),
    then one row per (label text, cells as HTML). Needs `style_tag()` on the page."""
    head = "".join(f'<th scope="col">{text(header)}</th>' for header in headers)
    body = "".join(f'<tr><th scope="row">{text(label)}</th>{"".join(f"<td>{cell}</td>" for cell in cells)}</tr>'
                   for label, cells in rows)
    return (f'<div class="bm-scroll"><table class="bm-table" data-table="{text(key)}"><thead><tr>{head}</tr></thead>'
            f"<tbody>{body}</tbody></table></div>")


# ---------------------------------------------------------------- a plain table (data quality)
STYLE += """
.bm-plain-wrap{max-height:560px;overflow:auto;border:1px solid #e3e3e3;border-radius:6px;margin:4px 0 6px 0}
.bm-plain{width:100%;border-collapse:collapse;font-size:.86rem}
.bm-plain th{position:sticky;top:0;background:#fafafa;font-weight:600;color:#616161;text-align:left;
  padding:4px 6px;font-size:.78rem;border-bottom:1px solid #e0e0e0}
.bm-plain td{padding:3px 6px;border-top:1px solid #eeeeee;vertical-align:top;overflow-wrap:anywhere}
.bm-plain .bm-plain-num{text-align:right;white-space:nowrap}
"""


def plain_table(headers: Sequence[str], rows: Sequence[Sequence[object]], numeric: Sequence[bool] | None = None,
                row_colours: Sequence[str | None] | None = None, key: str = "") -> str:
    """A scrollable table of text cells (escaped), headers kept in view; `numeric` right-aligns
    a column, `row_colours` gives a row a background (None = none)."""
    numeric = list(numeric or [False] * len(headers))
    head = "".join(f'<th class="{"bm-plain-num" if right else ""}">{text(header)}</th>'
                   for header, right in zip(headers, numeric, strict=True))
    body = []
    for position, cells in enumerate(rows):
        colour = row_colours[position] if row_colours is not None else None
        style = f' style="background:{html.escape(colour, quote=True)}"' if colour else ""
        body.append(f"<tr{style}>" + "".join(f'<td class="{"bm-plain-num" if right else ""}">{text(cell)}</td>'
                                             for cell, right in zip(cells, numeric, strict=True)) + "</tr>")
    return (f'<div class="bm-plain-wrap" data-table="{text(key)}"><table class="bm-plain"><thead><tr>{head}</tr>'
            f'</thead><tbody>{"".join(body)}</tbody></table></div>')


# ---------------------------------------------------------------- lists with long names (carry-over, reallocations, assets)
WIDE_LIST_STYLE = (".bm-wide-list{overflow-x:auto}"
                   ".bm-wide-list .bm-list td.bm-name{max-width:28rem;min-width:9rem}")


def wide_list(body: str) -> str:
    """`body` (a ranked_list) with room for long names such as project titles (up to 28rem before wrapping),
    scrolling sideways on a phone rather than running past its card."""
    return f'<style>{WIDE_LIST_STYLE}</style><div class="bm-wide-list">{body}</div>'


def pace_break(row: dict | pd.Series, lang: str) -> str:
    """An area's pace-break warning ('อัตราการเบิกจ่ายลดลงตั้งแต่ 14 มิ.ย. 2562', budget_metrics.projection's
    words) in the 'behind' colour, in a `data-figure="pace_break"` span; '' when the warning is not up."""
    words = row.get("pace_break_th" if lang == "th" else "pace_break_en")
    if not isinstance(words, str) or not words:
        return ""
    return (f'<span data-figure="pace_break" style="color:{status_colour("behind")};font-weight:600">'
            f"&#9888; {text(words)}</span>")
