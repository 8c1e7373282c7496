"""Every colour the dashboard's charts and tables use, each with one meaning across the app.

Red, amber and green are judgements and mean the same on every page: red = behind target /
overdue / past the deadline, amber = watch (not yet late, needs attention), olive = near target
(below it by no more than the watch threshold: not on target, not yet watch), green = on
target (at or above it) / done. Grey = no data, or money that left the picture (returned). Figures that carry no
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

STATUS_COLORS: dict[str, str] = {"on_track": ON_TRACK, "near_target": NEAR_TARGET, "watch": WATCH, "behind": BEHIND,
                                 "no_data": NO_DATA}
# Streamlit's markdown badge colours (":red-badge[...]") matching STATUS_COLORS.
STATUS_BADGES: dict[str, str] = {"on_track": "green", "near_target": "yellow", "watch": "orange", "behind": "red",
                                 "no_data": "gray"}

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
