"""Light HTML that says where each target line and each area stands: a target line's card (its
meter against its own target, the gap, the week's change, the projection), Thailand's provinces as
a tile map of links coloured by status with the status legend, and an area's pace-break warning.

Built from the primitives of ui/light.py (`text` escaping, status colours and the ink that reads
on them, badges, meters) and drawn with its one stylesheet (`style_tag()`), like every first-screen
piece; the cards, lists and tables of general use stay there.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import pandas as pd

from ui.light import badge, meter, on_fill, status_colour, status_text_colour, text
from ui.palette import STATUS_COLORS
from vocabulary import PROJECTION_CAVEATS_SHORT, STATUSES, pick, word


# ---------------------------------------------------------------- a target line's card
@dataclass(frozen=True)
class LineCard:
    """What one target line's card shows; all text already in the page's language.

    pct / target_pct: percent 0-100; target_text: e.g. 'เป้าหมาย 69.33%' with the number in
    `target_pct_text`; gap_html: the gap in points and baht (HTML, each figure in its own
    `data-figure` span, e.g. 'ห่างเป้า <span data-figure="gap_points">-16.00</span> จุด');
    week_text: what changed since the earlier state (None when there is none);
    projection_text: the projected year end with its band (HTML, None when there is none);
    year_text: the same day of the previous fiscal year (HTML, None when not compared);
    no_target_text: set when the year has no cabinet target: said in place of the target and gap.
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
    status_text: str | None = None  # the badge's words with the status band (targets.status_text)
    year_text: str | None = None
    no_target_text: str | None = None


def line_card(card: LineCard, lang: str) -> str:
    """A target line as a card: its name and status, % disbursed against its own target on
    a meter, the gap in the status colour, the change since last week, the projection."""
    colour = status_colour(card.status)
    parts = [
        f'<section class="bm-card" data-line="{text(card.key)}" style="--bm-c:{colour}">',
        (
            f'<div class="bm-head"><span class="bm-title">{text(card.title)}</span>'
            f"{badge(card.status, lang, card.status_text)}</div>"
        ),
        f'<div class="bm-sub">{text(card.subtitle)}</div>',
        (
            f'<div class="bm-big"><span data-figure="pct">{text(card.pct_text)}</span><small>%</small>'
            + (
                f'<span class="bm-target" data-figure="no_target">{text(card.no_target_text)}</span></div>'
                if card.no_target_text
                else f'<span class="bm-target">{text(card.target_text)} <span data-figure="target">'
                f"{text(card.target_pct_text)}</span>%</span></div>"
            )
        ),
        meter(card.pct, card.target_pct, card.status),
    ]
    if not card.no_target_text:  # without a target there is no gap to show
        parts.append(f'<div class="bm-gap" style="color:{status_text_colour(card.status)}">{card.gap_html}</div>')
    if card.week_text:
        parts.append(f'<div class="bm-week" data-figure="week">{card.week_text}</div>')
    if card.year_text:
        parts.append(f'<div class="bm-week" data-figure="last_year">{card.year_text}</div>')
    if card.projection_text:
        parts.append(f'<div class="bm-proj" data-figure="projection">{card.projection_text}</div>')
    parts.append("</section>")
    return "".join(parts)


# ---------------------------------------------------------------- the tile map
def legend(entries: Sequence[tuple[str, str]]) -> str:
    """Colour squares with their words: (colour, text) pairs."""
    spans = "".join(f'<span><i style="background:{colour}"></i>{text(label)}</span>' for colour, label in entries)
    return f'<div class="bm-legend">{spans}</div>'


def tile_map(tiles: pd.DataFrame, lang: str, href: Callable[[str], str | None], hover: Callable[[dict], str]) -> str:
    """Thailand as one equal square per province, each a link, coloured by the headline (judged)
    line's status (`data-status`) with the other line's status in its corner (none when one
    line is shown: a budget type chosen).

    `tiles` is `tilemap.tiles_with_progress(area_progress(..., 'province'))`; `href(code)` the
    link of a province (its page); `hover(tile)` the tooltip text (plain text, both lines).
    """
    from budget_metrics.targets import other_line

    other = other_line(tiles)  # None: one line shown (a budget type chosen), no corner square
    rows, cols = int(tiles["row"].max()) + 1, int(tiles["col"].max()) + 1
    parts = [
        (
            f'<nav class="bm-tiles" style="grid-template-columns:repeat({cols},1fr);'
            f'grid-template-rows:repeat({rows},auto)">'
        )
    ]
    label = "abbr_th" if lang == "th" else "abbr_en"
    for tile in tiles.to_dict("records"):
        status = tile.get("status") if isinstance(tile.get("status"), str) else "no_data"
        corner = tile.get(f"{other}_status") if other and isinstance(tile.get(f"{other}_status"), str) else "no_data"
        square = f'<i style="background:{status_colour(corner)}"></i>' if other else ""
        address = href(str(tile["province_code"])) or "#"
        parts.append(
            f'<a href="{html.escape(address, quote=True)}" target="_self" data-province="{text(tile["province_code"])}"'
            f' title="{html.escape(hover(tile), quote=True)}" style="grid-row:{int(tile["row"]) + 1};'
            f'grid-column:{int(tile["col"]) + 1};{on_fill(status_colour(status))}" data-status="{text(status)}">'
            f"{text(tile[label])}{square}</a>"
        )
    parts.append("</nav>")
    return "".join(parts)


def status_legend(
    lang: str,
    texts: dict[str, str] | None = None,
    codes: Sequence[str] = ("on_track", "near_target", "watch", "behind", "no_data"),
) -> str:
    """The status colours with their words (`texts`: code -> words, e.g. with their bands), for the
    status `codes` (a year without cabinet targets: 'no_target' and 'no_data')."""
    return legend([(STATUS_COLORS[code], (texts or {}).get(code) or word(STATUSES, code, lang)) for code in codes])


def pace_break(row: dict | pd.Series, lang: str) -> str:
    """An area's pace-break warning ('อัตราการเบิกจ่ายลดลงตั้งแต่ 14 มิ.ย. 2562', budget_metrics.projection's
    words) in the 'behind' colour, in a `data-figure="pace_break"` span; '' when the warning is not up."""
    words = row.get("pace_break_th" if lang == "th" else "pace_break_en")
    if not isinstance(words, str) or not words:
        return ""
    return (
        f'<span data-figure="pace_break" style="color:{status_text_colour("behind")};font-weight:600">'
        f"&#9888; {text(words)}</span>"
    )


def projection_caveat(kind: str | None, lang: str) -> str:
    """Under a projection, its caveat (budget_metrics.projection.caveat_kind): "early" (1 Oct to 31 Jan) that it
    tends to run low then, in a `data-figure="projection_early"` block; "past_years" (fewer than
    projection.PAIR_FIRST_CONTRACTS investment contracts yet) that it leans on past years' averages and may be far
    off, in `data-figure="projection_past_years"`; '' for None."""
    if kind is None:
        return ""
    return f'<div data-figure="projection_{kind}">{text(pick(PROJECTION_CAVEATS_SHORT[kind], lang))}</div>'
