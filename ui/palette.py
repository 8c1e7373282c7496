"""The dashboard's name for the product's colours: everything here is defined in `colours.py`.

The colours moved to the ground floor (`colours.py`, beside `vocabulary.py`) so that the exports
take them without importing the dashboard's presentation package; `ui/` and `pages/` keep
importing `ui.palette` unchanged. New code may import `colours` directly.
"""

from __future__ import annotations

from colours import (
    ALLOCATION,
    ASSET_STATUS_COLORS,
    BEHIND,
    COMMITTED,
    DARK_INK,
    DARK_SURFACES,
    DISBURSED,
    IN_PROGRESS,
    INVESTMENT,
    LIGHT_INK,
    LIGHT_SURFACES,
    LINE_COLOURS,
    LINK,
    MARKER,
    MOVED_IN,
    MOVED_OUT,
    NEAR_TARGET,
    NEW_MONEY,
    NO_DATA,
    ON_TRACK,
    RETURNED,
    STATUS_BADGES,
    STATUS_COLORS,
    TEXT_CONTRAST,
    UNPAID,
    WATCH,
    contrast,
    ink_on,
    luminance,
    text_shades,
)

__all__ = [
    "ALLOCATION",
    "ASSET_STATUS_COLORS",
    "BEHIND",
    "COMMITTED",
    "DARK_INK",
    "DARK_SURFACES",
    "DISBURSED",
    "IN_PROGRESS",
    "INVESTMENT",
    "LIGHT_INK",
    "LIGHT_SURFACES",
    "LINE_COLOURS",
    "LINK",
    "MARKER",
    "MOVED_IN",
    "MOVED_OUT",
    "NEAR_TARGET",
    "NEW_MONEY",
    "NO_DATA",
    "ON_TRACK",
    "RETURNED",
    "STATUS_BADGES",
    "STATUS_COLORS",
    "TEXT_CONTRAST",
    "UNPAID",
    "WATCH",
    "contrast",
    "ink_on",
    "luminance",
    "text_shades",
]
