"""Every colour the product draws with, each with one meaning across the dashboard and the exports.

Why a top-level module (the ground floor, beside `vocabulary.py`): the dashboard (`ui/`, `pages/`)
and the exports (`exports/`, e.g. the PDF brief's target lines) draw the same meanings in the same
colours, and the exports must not reach up into the dashboard's presentation package for them.
This module imports nothing of the project. `ui/palette.py` re-exports it for the dashboard.

Red, amber and green are judgements and mean the same on every page: red = behind target /
overdue / past the deadline, amber = watch (not yet late, needs attention), olive = near target
(below it by no more than the watch threshold: not on target, not yet watch), green = on
target (at or above it) / done. Grey = no data, or money that left the picture (returned); blue-grey = a
rate in a year without cabinet targets (not judged). Figures that carry no
judgement (allocation, committed, disbursed, the two target lines, transfers) use blues,
teals, purples and browns, never red, amber or green.
"""

from __future__ import annotations

# ---------------------------------------------------------------- judgements
BEHIND = "#c62828"  # red: behind target, overdue, past the deadline
WATCH = "#f9a825"  # amber: watch, waiting but not yet overdue
ON_TRACK = "#2e7d32"  # green: on target (at or above it), transferred, done
NEAR_TARGET = "#827717"  # olive: below target by at most the watch threshold (white text on it: 4.6:1)
NO_DATA = "#bdbdbd"  # grey: no data
NO_TARGET = "#78909c"  # blue-grey: a rate with no cabinet target to judge it by (no judgement)

STATUS_COLORS: dict[str, str] = {
    "on_track": ON_TRACK,
    "near_target": NEAR_TARGET,
    "watch": WATCH,
    "behind": BEHIND,
    "no_target": NO_TARGET,
    "no_data": NO_DATA,
}
# Streamlit's markdown badge colours (":red-badge[...]") matching STATUS_COLORS.
STATUS_BADGES: dict[str, str] = {
    "on_track": "green",
    "near_target": "yellow",
    "watch": "orange",
    "behind": "red",
    "no_target": "violet",
    "no_data": "gray",
}

# ---------------------------------------------------------------- figures without judgement
ALLOCATION = "#90caf9"  # light blue: the budget
COMMITTED = "#5c6bc0"  # indigo: contracts signed
DISBURSED = "#1565c0"  # blue: money paid
UNPAID = "#b0bec5"  # blue-grey: still to pay (not a judgement by itself)
RETURNED = "#757575"  # dark grey: money returned, out of the picture
MOVED_IN = "#00897b"  # teal: money reallocated into an area / project
MOVED_OUT = "#8d6e63"  # brown: money reallocated out of an area / project
NEW_MONEY = "#263238"  # dark slate: new money with no source project
INVESTMENT = "#6a1b9a"  # purple: the investment line
IN_PROGRESS = "#64b5f6"  # mid blue: an asset transfer under way
MARKER = "#424242"  # near-black: the as-of date line, zero lines, the other line's diamond
LINK = "rgba(21,101,192,0.25)"  # translucent blue: flows in the Sankey chart

# Each reported line has one hue: its actual % solid, its target dotted.
LINE_COLOURS: dict[str, tuple[str, str]] = {"overall": (DISBURSED, "#5c8fd6"), "investment": (INVESTMENT, "#ab47bc")}

# Asset-transfer states: waiting is amber (watch), overdue red, done green, under way blue.
ASSET_STATUS_COLORS: dict[str, str] = {"pending": WATCH, "in_progress": IN_PROGRESS, "transferred": ON_TRACK}


# ---------------------------------------------------------------- light and dark themes
# The dashboard follows the viewer's theme (light or dark; .streamlit/config.toml, docs/themes.md).
# A status colour stays the same fill in both (a badge, a meter, a map tile); drawn as text it
# takes a shade of the same hue that reads on that theme's background (`text_shades`), and text
# drawn on a fill takes the ink that reads on the fill (`ink_on`). Contrast as WCAG 2 defines it.
LIGHT_SURFACES = ("#ffffff", "#eef0f3")  # the light theme's page, and its greyest panel
DARK_SURFACES = ("#0e1117", "#2b2c33")  # the dark theme's darkest page, and its lightest panel
DARK_INK, LIGHT_INK = "#1f1f1f", "#ffffff"
TEXT_CONTRAST = 4.5  # WCAG AA for body text


def _rgb(colour: str) -> tuple[int, int, int]:
    """'#c62828' -> (198, 40, 40)."""
    value = colour.lstrip("#")
    if len(value) == 3:
        value = "".join(part * 2 for part in value)
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def _hex(rgb: tuple[float, float, float]) -> str:
    return "#" + "".join(f"{max(0, min(255, round(part))):02x}" for part in rgb)


def luminance(colour: str) -> float:
    """WCAG relative luminance of a '#rrggbb' colour, 0 (black) to 1 (white)."""

    def linear(part: int) -> float:
        value = part / 255
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    red, green, blue = (linear(part) for part in _rgb(colour))
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast(first: str, second: str) -> float:
    """WCAG contrast ratio of two '#rrggbb' colours (1 to 21)."""
    high, low = sorted((luminance(first), luminance(second)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def ink_on(fill: str) -> str:
    """The text colour (near-black or white) that reads best on a '#rrggbb' fill."""
    return DARK_INK if contrast(DARK_INK, fill) >= contrast(LIGHT_INK, fill) else LIGHT_INK


def _shade_for(colour: str, surfaces: tuple[str, ...], toward: str) -> str:
    """`colour` mixed toward `toward` (black or white) in small steps until it reaches TEXT_CONTRAST
    (plus a margin for rounding) against every one of `surfaces`."""
    start, target = _rgb(colour), _rgb(toward)
    for step in range(101):
        share = step / 100
        mixed = _hex(tuple(a + (b - a) * share for a, b in zip(start, target, strict=True)))
        if all(contrast(mixed, surface) >= TEXT_CONTRAST + 0.2 for surface in surfaces):
            return mixed
    return toward


def text_shades(colour: str) -> tuple[str, str]:
    """(on the light theme, on the dark theme): `colour` as text, in the same hue, darkened or
    lightened only as far as it needs to read (e.g. amber #f9a825 -> a dark amber and itself)."""
    return _shade_for(colour, LIGHT_SURFACES, "#000000"), _shade_for(colour, DARK_SURFACES, "#ffffff")
