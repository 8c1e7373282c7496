"""Display labels for the dashboard: the words of vocabulary.py under the names pages use.

Each mapping is code -> (thai, english); use `label(mapping, code, lang)`. The words
themselves live in vocabulary.py (shared with the exports) and the colours in ui/palette.py;
this module only keeps the dashboard's names for them and the `label` helper whose None
means "all" (a filter with nothing chosen).
"""

from __future__ import annotations

from ui.palette import STATUS_BADGES, STATUS_COLORS
from vocabulary import (
    ALL,
    BUDGET_TYPES,
    MILLION_BAHT,
    NO_DATA,
    OWNER_TYPES,
    PLAN_TYPES,
    STATUSES,
    pick,
    word,
)

STATUS_LABELS = STATUSES
BUDGET_TYPE_LABELS = BUDGET_TYPES
PLAN_TYPE_LABELS = PLAN_TYPES
OWNER_TYPE_LABELS = OWNER_TYPES
ALL_LABEL = ALL
NO_DATA_LABEL = NO_DATA

__all__ = [
    "ALL_LABEL",
    "BUDGET_TYPE_LABELS",
    "MILLION_BAHT",
    "NO_DATA_LABEL",
    "OWNER_TYPE_LABELS",
    "PLAN_TYPE_LABELS",
    "STATUS_BADGES",
    "STATUS_COLORS",
    "STATUS_LABELS",
    "label",
    "pick",
]


def label(mapping: dict[str, tuple[str, str]], code: str | None, lang: str) -> str:
    """The label of a code in the language ('th' / 'en'); 'all' for None; the code itself if unknown."""
    if code is None:
        return pick(ALL, lang)
    return word(mapping, code, lang)
