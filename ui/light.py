"""Light HTML pieces for a page's first screen: cards, meters, short lists, figures and tables (a target
line's card, the tile map and the pace-break warning: ui/light_status.py).

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

Every colour follows the viewer's light or dark theme (`THEME`: CSS light-dark() on Streamlit's
color-scheme), status colours drawn as text take a readable shade of their hue
(`status_text_colour`), text on a fill takes the ink that reads on it (`on_fill`), and on a phone
the wide tables show their rows stacked, each figure under its header (`STACKED`). The rules and
their tests: docs/themes.md.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import pandas as pd

from ui import palette
from ui.palette import STATUS_COLORS
from vocabulary import STATUSES, pick, word

# The colours of every piece in the light and the dark theme. Streamlit sets `color-scheme` on
# the app to its theme (the viewer's system setting, or a choice stored in the browser), and
# CSS `light-dark(a, b)` picks a in the light theme and b in the dark one, so nothing here
# needs a rerun when the theme changes. Browsers without light-dark() (before 2024) get the
# light values, with the boxes' own white background and dark text, so they stay readable.
# Two rules reach into Streamlit's own parts (no comments inside the CSS: it is sent to every page):
# - primary buttons: Streamlit writes white on the theme's primary colour; the dark theme's primary
#   is a light blue (the selected tab's text must read on the dark page), so there: dark ink;
# - the typing hint under text and number inputs ("Press Enter to apply", "Press Ctrl+Enter to
#   apply") is English and cannot be set: it goes, the character count stays. A form's hint goes
#   with enter_to_submit=False, so in a form the first item is the count and stays.
THEME = """
:root{--bm-surface:light-dark(#ffffff,rgba(255,255,255,.045));--bm-muted:light-dark(#5c5c5c,#b8b8b8);
  --bm-strong:light-dark(#3d3d3d,#dadada);--bm-line:light-dark(#e3e3e3,#4a4b52);
  --bm-line-soft:light-dark(#eeeeee,#393a40);--bm-track:light-dark(#e3e7ea,#3d3f46);--bm-ink:light-dark(#212121,#f2f2f2);
  --bm-band:light-dark(rgba(255,255,255,.55),rgba(0,0,0,.45));--bm-head:light-dark(#fafafa,#26272d)}
[data-testid^="stBaseButton-primary"]{color:light-dark(#ffffff,#0f1318)}
[data-testid="InputInstructions"]>span:first-child{display:none}
[data-testid="InputInstructions"]>span:first-child+span::before{display:none}
[data-testid="stForm"] [data-testid="InputInstructions"]>span:first-child{display:inline}
@supports not (color:light-dark(#fff,#000)){
  :root{--bm-surface:#fff;--bm-muted:#5c5c5c;--bm-strong:#3d3d3d;--bm-line:#e3e3e3;--bm-line-soft:#eeeeee;
    --bm-track:#e3e7ea;--bm-ink:#212121;--bm-band:rgba(255,255,255,.55);--bm-head:#fafafa}
  .bm-card,.bm-money>div,.bm-risk details,.bm-plain-wrap,.bm-table{background:#fff;color:#262626}}
"""

STYLE = (
    THEME
    + """
.bm-row{display:grid;grid-template-columns:repeat(auto-fit,minmax(270px,1fr));gap:12px;margin:0 0 4px 0}
.bm-card{border:1px solid var(--bm-line);border-left:6px solid var(--bm-c,#bdbdbd);border-radius:8px;
  padding:8px 12px 10px 12px;background:var(--bm-surface);line-height:1.35;min-width:0}
.bm-head{display:flex;justify-content:space-between;align-items:baseline;gap:8px;flex-wrap:wrap}
.bm-title{font-weight:700;font-size:1.05rem}
.bm-sub{color:var(--bm-muted);font-size:.8rem}
.bm-badge{border-radius:10px;padding:1px 8px;font-size:.8rem;font-weight:600;white-space:nowrap}
.bm-big{font-size:2.1rem;font-weight:700;line-height:1.15;margin-top:2px}
.bm-big small{font-size:1.1rem;font-weight:600}
.bm-target{font-size:.95rem;color:var(--bm-strong);font-weight:600;margin-left:6px}
.bm-meter{position:relative;height:10px;background:var(--bm-track);border-radius:5px;margin:6px 0 6px 0}
.bm-meter .bm-fill{position:absolute;left:0;top:0;bottom:0;border-radius:5px}
.bm-meter .bm-band{position:absolute;top:-3px;bottom:-3px;border:2px solid var(--bm-ink);background:var(--bm-band);
  border-radius:3px;box-sizing:border-box}
.bm-meter .bm-mark{position:absolute;top:-3px;bottom:-3px;width:2px;background:var(--bm-ink)}
.bm-gap{font-weight:700;font-size:1rem}
.bm-week{font-size:.9rem;margin-top:2px}
.bm-week b{font-size:1rem}
.bm-proj{font-size:.88rem;margin-top:4px;padding-top:4px;border-top:1px dashed var(--bm-line)}
.bm-muted{color:var(--bm-muted)}
.bm-list{width:100%;border-collapse:collapse;font-size:.88rem;margin-top:4px}
.bm-list th{font-weight:600;color:var(--bm-muted);text-align:right;padding:2px 4px;font-size:.78rem;white-space:nowrap}
.bm-list th:first-child,.bm-list th:nth-child(2){text-align:left}
.bm-list td{padding:3px 4px;text-align:right;border-top:1px solid var(--bm-line-soft);white-space:nowrap}
.bm-list td.bm-name{text-align:left;white-space:normal;max-width:10rem;overflow-wrap:break-word}
.bm-list td.bm-rank{text-align:left;color:var(--bm-muted);width:1.2rem}
.bm-list td.bm-pct{width:4.6rem}
.bm-list .bm-meter{height:6px;margin:2px 0 0 0}
.bm-list .bm-meter .bm-mark{top:-2px;bottom:-2px}
.bm-money{display:grid;grid-template-columns:repeat(auto-fit,minmax(138px,1fr));gap:8px;margin:8px 0 4px 0}
.bm-money>div{border:1px solid var(--bm-line);border-radius:8px;padding:6px 10px;line-height:1.3;min-width:0;
  background:var(--bm-surface)}
.bm-money .bm-label{font-size:.8rem;color:var(--bm-muted)}
.bm-money .bm-value{font-size:1.2rem;font-weight:700}
.bm-money .bm-change{font-size:.8rem;color:var(--bm-strong)}
.bm-risk details{border:1px solid var(--bm-line);border-left:5px solid var(--bm-c,#bdbdbd);border-radius:6px;
  margin:0 0 6px 0;background:var(--bm-surface)}
.bm-risk summary{cursor:pointer;padding:6px 10px;list-style-position:inside;font-size:.92rem;line-height:1.4}
.bm-risk summary .bm-at-risk{font-weight:700}
.bm-risk .bm-drivers{padding:0 10px 8px 10px;overflow-x:auto}
.bm-risk .bm-drivers td{white-space:normal;vertical-align:top}
.bm-risk .bm-drivers td.bm-code{white-space:nowrap}
.bm-risk .bm-drivers td.bm-why{text-align:left;min-width:16rem;color:var(--bm-strong)}
.bm-risk .bm-drivers td.bm-name{max-width:16rem}
.bm-tiles{display:grid;gap:3px;max-width:460px;margin:4px 0}
.bm-tiles a{position:relative;display:flex;align-items:center;justify-content:center;aspect-ratio:1/1;
  border-radius:3px;font-size:.8rem;font-weight:600;text-decoration:none;min-width:0}
.bm-tiles a:hover{outline:2px solid var(--bm-ink);z-index:1}
.bm-tiles a i{position:absolute;right:1px;top:1px;width:28%;height:28%;border:1px solid #fff;border-radius:1px}
.bm-legend{display:flex;flex-wrap:wrap;gap:4px 14px;font-size:.82rem;margin:2px 0 6px 0}
.bm-legend span{display:inline-flex;align-items:center;gap:5px}
.bm-legend i{display:inline-block;width:12px;height:12px;border-radius:2px}
a.bm-link{color:inherit;text-decoration:none;border-bottom:1px dotted #9e9e9e}
a.bm-link:hover{border-bottom-color:var(--bm-ink)}
"""
)


def style_tag() -> str:
    """The stylesheet of every `bm-` class, for one `st.html` call per page (it takes no space)."""
    return f"<style>{STYLE}</style>"


def text(value: object) -> str:
    """Text from data shown as text, never as markup ('' for a missing value)."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    return html.escape(str(value))


def status_colour(status: str | None) -> str:
    """The palette colour of a status code (grey for no data), for fills: a badge, a bar, a border."""
    return STATUS_COLORS.get(status or "no_data", palette.NO_DATA)


def text_colour(colour: str) -> str:
    """A palette colour ('#rrggbb') for text, as CSS: the same hue in a shade that reads on the
    light theme and one that reads on the dark theme (`light-dark(...)`, see THEME)."""
    on_light, on_dark = palette.text_shades(colour)
    return on_light if on_light == on_dark else f"light-dark({on_light},{on_dark})"


def status_text_colour(status: str | None) -> str:
    """A status colour for text (a gap, a count) in both themes: `text_colour(status_colour(status))`."""
    return text_colour(status_colour(status))


def on_fill(colour: str) -> str:
    """Inline CSS for text drawn on a fill: the fill and the ink that reads on it (white on red
    and green, near-black on amber and grey), the same in both themes."""
    return f"background:{colour};color:{palette.ink_on(colour)}"


def badge(status: str, lang: str, words: str | None = None) -> str:
    """A status word on its colour ('ต่ำกว่าเป้าหมาย' on red); `words` instead of the bare word
    (e.g. with the status band: 'ใกล้เป้าหมาย (ต่ำกว่าไม่เกิน 5 จุด)')."""
    return (
        f'<span class="bm-badge" data-status="{text(status)}" style="{on_fill(status_colour(status))}">'
        f"{text(words or word(STATUSES, status, lang))}</span>"
    )


def meter(pct: float | None, target: float | None, status: str, band: tuple[float, float] | None = None) -> str:
    """A 0-100 bar: filled to `pct` (percent 0-100) in the status colour, a black mark at the
    target, and optionally a grey band (e.g. the projection's low..high)."""

    def clamp(value: float) -> float:
        return max(0.0, min(100.0, float(value)))

    parts = ['<div class="bm-meter">']
    if pct is not None and not pd.isna(pct):
        parts.append(
            f'<span class="bm-fill" style="width:{clamp(pct):.2f}%;background:{status_colour(status)}"></span>'
        )
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


# ---------------------------------------------------------------- short ranked lists
@dataclass(frozen=True)
class ListColumn:
    """A column of `ranked_list`: header text and a function of the row giving cell HTML."""

    header: str
    cell: Callable[[dict], str]
    css: str = ""


def ranked_list(
    rows: Sequence[dict],
    columns: Sequence[ListColumn],
    name_header: str,
    name: Callable[[dict], str],
    numbered: bool = True,
) -> str:
    """A compact table: rank, name (HTML from `name`), then `columns`."""
    head = "".join(f"<th>{text(column.header)}</th>" for column in columns)
    parts = [
        (
            f'<table class="bm-list"><thead><tr><th>{"#" if numbered else ""}</th><th>{text(name_header)}</th>'
            f"{head}</tr></thead><tbody>"
        )
    ]
    # each figure cell carries its header: a phone shows the rows stacked, each figure under its name
    labels = [html.escape(column.header, quote=True) for column in columns]
    for position, row in enumerate(rows, start=1):
        cells = "".join(
            f'<td class="{column.css}" data-label="{label}">{column.cell(row)}</td>'
            for column, label in zip(columns, labels, strict=True)
        )
        parts.append(
            f'<tr><td class="bm-rank">{position if numbered else ""}</td>'
            f'<td class="bm-name">{name(row)}</td>{cells}</tr>'
        )
    parts.append("</tbody></table>")
    return "".join(parts)


def card(title: str, body: str, colour: str | None = None, subtitle: str | None = None, key: str = "") -> str:
    """A bordered card with a title (text) and a body (HTML)."""
    sub = f'<div class="bm-sub">{text(subtitle)}</div>' if subtitle else ""
    return (
        f'<section class="bm-card" data-card="{text(key)}" style="--bm-c:{colour or palette.MARKER}">'
        f'<div class="bm-head"><span class="bm-title">{text(title)}</span></div>{sub}{body}</section>'
    )


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
        change = (
            f'<div class="bm-change" data-figure="{text(item.key)}_change">{text(item.change)}</div>'
            if item.change
            else ""
        )
        boxes.append(
            f'<div data-box="{text(item.key)}"><div class="bm-label">{text(item.label)}</div>'
            f'<div class="bm-value" data-figure="{text(item.key)}">{text(item.value)}</div>{change}</div>'
        )
    return f'<div class="bm-money">{"".join(boxes)}</div>'


# ---------------------------------------------------------------- expandable list
def details(summary: str, body: str, colour: str | None = None, key: str = "") -> str:
    """A native HTML disclosure (no rerun, no Streamlit element): summary and body are HTML."""
    return (
        f'<details data-key="{text(key)}" style="--bm-c:{colour or palette.MARKER}"><summary>{summary}'
        f'</summary><div class="bm-drivers">{body}</div></details>'
    )


def risk_list(items: Iterable[str]) -> str:
    """`details` items as one list."""
    return f'<div class="bm-risk">{"".join(items)}</div>'


def words(pair: tuple[str, str], lang: str) -> str:
    """A vocabulary pair in the language, escaped."""
    return text(pick(pair, lang))


# ---------------------------------------------------------------- figure tables (the area and weekly pages)
FIGURE_TABLE_STYLE = """
.bm-table{border-collapse:collapse;font-size:.9rem;margin:4px 0 8px 0;min-width:min(100%,560px)}
.bm-table th,.bm-table td{padding:4px 10px;border-top:1px solid var(--bm-line-soft);text-align:right;white-space:nowrap}
.bm-table thead th{font-weight:600;color:var(--bm-muted);font-size:.8rem;border-top:none;white-space:normal;
  vertical-align:bottom;min-width:5rem}
.bm-table th:first-child,.bm-table td:first-child{text-align:left;white-space:normal}
.bm-table tbody th{font-weight:400;color:var(--bm-strong);text-align:left;min-width:9rem}
.bm-scroll{overflow-x:auto;max-width:100%}
.bm-wide .bm-list td.bm-name{max-width:none;min-width:12rem}
.bm-wide{margin-top:10px}
"""
STYLE += FIGURE_TABLE_STYLE  # drawn by style_tag() with the rest


def wide(*cards: str) -> str:
    """Cards one under the other at full width, names in their lists unclipped (long project names)."""
    return "".join(f'<div class="bm-wide">{row(card)}</div>' for card in cards)


def figure_table(headers: Sequence[str], rows: Iterable[tuple[str, Sequence[str]]], key: str = "") -> str:
    """A plain table, its rows stacked on a phone (each figure under its header): `headers` (text, the
    first over the row labels), then one row per (label text, cells as HTML). Needs `style_tag()`."""
    head = "".join(f'<th scope="col">{text(header)}</th>' for header in headers)
    labels = [html.escape(header, quote=True) for header in headers[1:]]

    def cells_of(cells: Sequence[str]) -> str:
        return "".join(f'<td data-label="{label}">{cell}</td>' for label, cell in zip(labels, cells, strict=False))

    body = "".join(f'<tr><th scope="row">{text(label)}</th>{cells_of(cells)}</tr>' for label, cells in rows)
    return (
        f'<div class="bm-scroll"><table class="bm-table" data-table="{text(key)}"><thead><tr>{head}</tr></thead>'
        f"<tbody>{body}</tbody></table></div>"
    )


# ---------------------------------------------------------------- a plain table (data quality)
STYLE += """
.bm-plain-wrap{max-height:560px;overflow:auto;border:1px solid var(--bm-line);border-radius:6px;margin:4px 0 6px 0}
.bm-plain{width:100%;border-collapse:collapse;font-size:.86rem}
.bm-plain th{position:sticky;top:0;background:var(--bm-head);font-weight:600;color:var(--bm-muted);text-align:left;
  padding:4px 6px;font-size:.78rem;border-bottom:1px solid var(--bm-line)}
.bm-plain td{padding:3px 6px;border-top:1px solid var(--bm-line-soft);vertical-align:top;overflow-wrap:anywhere}
.bm-plain .bm-plain-num{text-align:right;white-space:nowrap}
"""


def plain_table(
    headers: Sequence[str],
    rows: Sequence[Sequence[object]],
    numeric: Sequence[bool] | None = None,
    row_colours: Sequence[str | None] | None = None,
    key: str = "",
) -> str:
    """A scrollable table of text cells (escaped), headers kept in view; `numeric` right-aligns
    a column, `row_colours` gives a row a background ('#rrggbb', None = none) and the ink that reads on it."""
    numeric = list(numeric or [False] * len(headers))
    head = "".join(
        f'<th class="{"bm-plain-num" if right else ""}">{text(header)}</th>'
        for header, right in zip(headers, numeric, strict=True)
    )
    body = []
    for position, cells in enumerate(rows):
        colour = row_colours[position] if row_colours is not None else None
        style = f' style="{html.escape(on_fill(colour), quote=True)}"' if colour else ""  # its ink on it
        body.append(
            f"<tr{style}>"
            + "".join(
                f'<td class="{"bm-plain-num" if right else ""}" data-label="{text(header)}">{text(cell)}</td>'
                for cell, right, header in zip(cells, numeric, headers, strict=True)
            )
            + "</tr>"
        )
    return (
        f'<div class="bm-plain-wrap" data-table="{text(key)}"><table class="bm-plain"><thead><tr>{head}</tr>'
        f"</thead><tbody>{''.join(body)}</tbody></table></div>"
    )


# ------------------------------------------------------- lists with long names (carry-over, reallocations, assets)
WIDE_LIST_STYLE = ".bm-wide-list{overflow-x:auto}.bm-wide-list .bm-list td.bm-name{max-width:28rem;min-width:9rem}"


def wide_list(body: str) -> str:
    """`body` (a ranked_list) with room for long names such as project titles (up to 28rem before wrapping),
    scrolling sideways on a phone rather than running past its card."""
    return f'<style>{WIDE_LIST_STYLE}</style><div class="bm-wide-list">{body}</div>'


# ---------------------------------------------------------------- phones: tables as stacked rows
# Below 640 px (a phone held upright) the wide tables — figure_table, plain_table, wide_list, the
# full-width `wide` cards, and any ranked_list with four figures or more — show each row as a
# block: the name on its own line, then every figure under its header, two to a line. Every
# figure stays in view without scrolling sideways (a sideways scroll started at the names and hid
# the figures). The header row stays in the page for screen readers. Short ranked lists (up to
# three figures, e.g. the five provinces furthest behind) keep their table form: they fit.
STACKED = (
    ".bm-wide-list table.bm-list",
    ".bm-wide table.bm-list",
    "table.bm-list:has(>tbody>tr>td:nth-child(6))",
    ".bm-scroll table.bm-table",
    "table.bm-plain",
)


def _stacked_style() -> str:
    def each(suffix: str) -> str:
        return ",".join(f"{table}{suffix}" for table in STACKED)

    return (
        "@media (max-width:640px){"
        f"{each('')},{each(' tbody')},{each(' tr')},{each(' td')},{each(' tbody th')}{{display:block;width:auto}}"
        f"{each(' thead')}{{position:absolute;width:1px;height:1px;overflow:hidden;clip-path:inset(50%);"
        "white-space:nowrap}"
        f"{each(' tbody tr')}{{display:flex;flex-wrap:wrap;gap:2px 14px;padding:6px 0;"
        "border-top:1px solid var(--bm-line-soft)}"
        f"{each(' td')},{each(' tbody th')}{{border:none;padding:0;text-align:left;white-space:normal;"
        "min-width:0;max-width:none}"
        f"{each(' td.bm-rank')}{{flex:0 0 auto;width:auto}}{each(' td.bm-plain-num')}{{text-align:left}}"
        f"{each(' td.bm-name')},{each(' tbody th')}{{flex:1 1 calc(100% - 2.5rem);min-width:0;max-width:none;"
        "font-weight:600}"
        f"{each(' td[data-label]')}{{flex:1 1 calc(50% - 14px)}}"
        f"{each(' td[data-label]::before')}{{content:attr(data-label);display:block;font-size:.72rem;"
        "font-weight:400;color:var(--bm-muted)}"
        f"{each(' td .bm-meter')}{{max-width:10rem}}"
        ".bm-plain-wrap table.bm-plain tbody tr{padding:6px 8px}.bm-wide-list,.bm-scroll{overflow-x:visible}}"
    )


STYLE += _stacked_style()
