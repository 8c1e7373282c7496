"""Characters that do not show on screen, defined once for the two places text is compared as the
eye sees it: keys (etl/normalise.py, RE2 patterns run in DuckDB) and header, title and unit text
(etl/units.py, Python). Both remove the same characters, so a cell and a header pasted from the same
source are cleaned alike.

Invisible: the format characters (Unicode category Cf: zero-width space, ZWNJ, ZWJ, word joiner,
U+FEFF, soft hyphen, LRM/RLM, ...) and the other default-ignorable code points below. The bidi
embeddings, overrides and isolates are format characters too, but they reorder what is on screen:
a key holding one is refused (normalise.KEY_REFUSED) and a header holding one is not matched, so
they are never removed.
"""

from __future__ import annotations

import unicodedata

# Default-ignorable code points that are not Cf: combining grapheme joiner, Hangul fillers, Khmer
# inherent vowels, Mongolian variation selectors, variation selectors. (first, last) inclusive.
IGNORABLE_NOT_CF = (
    (0x034F, 0x034F),
    (0x115F, 0x1160),
    (0x17B4, 0x17B5),
    (0x180B, 0x180F),
    (0x3164, 0x3164),
    (0xFE00, 0xFE0F),
    (0xFFA0, 0xFFA0),
)
# Bidi embeddings, overrides (U+202A-202E) and isolates (U+2066-2069): never removed.
BIDI_CONTROLS = ((0x202A, 0x202E), (0x2066, 0x2069))


def _re2_class(ranges: tuple[tuple[int, int], ...]) -> str:
    return "".join(f"\\x{{{a:04x}}}" if a == b else f"\\x{{{a:04x}}}-\\x{{{b:04x}}}" for a, b in ranges)


# RE2 class contents (no brackets) for DuckDB's regexp functions. \p{Cf} includes the bidi
# controls; keys refuse those before this removal runs.
INVISIBLE_RE2 = r"\p{Cf}" + _re2_class(IGNORABLE_NOT_CF)
BIDI_CONTROLS_RE2 = _re2_class(BIDI_CONTROLS)


def _in(ranges: tuple[tuple[int, int], ...], code: int) -> bool:
    return any(a <= code <= b for a, b in ranges)


def is_invisible(char: str) -> bool:
    """True for a character removed before text is compared (see the module docstring)."""
    code = ord(char)
    if unicodedata.category(char) == "Cf":
        return not _in(BIDI_CONTROLS, code)
    return _in(IGNORABLE_NOT_CF, code)


class FoldTable(dict):
    """A `str.translate` table that also removes the invisible characters: `mapping` as given, and
    every other code point looked up once (`is_invisible`) and remembered, so folding costs what a
    plain table costs after the first sight of each character."""

    def __missing__(self, code: int) -> int | None:
        self[code] = None if is_invisible(chr(code)) else code
        return self[code]
