"""Text from outside (file names, headers, sheet names, cell values) made safe to show.

Input files and their names are written by many hands, and what they hold reaches a
terminal (the ETL's messages, tables and progress bar), workbooks and PDF briefs. Three
things in such text can do harm where it is shown, so every place that shows it goes
through this module (etl/ and exports/ alike; it sits on the ground floor beside
vocabulary.py so neither reaches into the other):

- **Control characters** (C0, DEL, C1): ESC starts terminal sequences that clear the
  screen, set the window title or move the cursor; CR overwrites a line. They are shown as
  visible escapes: `\\x1b`, `\\r`, `\\n`, `\\x9b`.
- **Bidirectional controls and other invisible format characters** (U+202A-U+202E,
  U+2066-U+2069, U+200E/U+200F, U+061C; on a terminal every Unicode format character, e.g.
  zero-width space and U+FEFF, and the line/paragraph separators U+2028/U+2029): a
  right-to-left override makes `evil\u202egpj.csv` read as `evilvsc.jpg`. They are shown
  as `⟨U+202E⟩`.
- **Bytes that are not UTF-8 in a file name** (a Thai Windows zip unpacked on Linux gives
  TIS-620 names; Python holds them as lone surrogates, which cannot be printed or stored
  in DuckDB): shown and stored as `\\xNN`, one escape per byte (`name_text`).

Very long text is cut to a limit with a visible mark `…` (`shorten`), never in the middle
of a letter and its vowel or tone marks. A backslash written in the text itself is left as
it is, so `\\x1b` typed by hand reads the same as an escaped ESC: this text is for people to
read, never parsed back.
"""

from __future__ import annotations

import os
import re
import unicodedata
from functools import lru_cache

MARK = "…"

# Bidirectional controls: embeddings/overrides, isolates, marks (LRM, RLM, ALM).
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")
# Invisible letters that pass for blanks (Hangul fillers, category Lo, so not caught by Cf).
_INVISIBLE_LETTERS = frozenset("\u115f\u1160\u3164\uffa0")
_LINE_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
# Fast path: text with none of these needs no character-by-character look.
_MAYBE_UNSAFE = re.compile(
    r"[\x00-\x1f\x7f-\x9f\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2"
    r"\u115f\u1160\u180e\u200b-\u200f\u2028-\u202e\u2060-\u206f\u3164\ud800-\udfff"
    r"\ufeff\uffa0\ufff9-\ufffb\U000110bd\U000110cd\U00013430-\U0001343f"
    r"\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001-\U000e007f]"
)


def _escape(char: str) -> str:
    code = ord(char)
    if char in _LINE_ESCAPES:
        return _LINE_ESCAPES[char]
    if 0xDC80 <= code <= 0xDCFF:  # a byte that was not UTF-8 (os.fsdecode's surrogateescape)
        return f"\\x{code - 0xDC00:02x}"
    if code < 0xA0:
        return f"\\x{code:02x}"
    return f"⟨U+{code:04X}⟩"


@lru_cache(maxsize=4096)
def _unsafe_for_terminal(char: str) -> bool:
    return unicodedata.category(char) in ("Cc", "Cf", "Cs", "Zl", "Zp") or char in _INVISIBLE_LETTERS


@lru_cache(maxsize=4096)
def _unsafe_for_document(char: str) -> bool:
    category = unicodedata.category(char)
    return category in ("Cs", "Zl", "Zp") or (category == "Cc" and char not in "\n\t") or char in BIDI_CONTROLS


def terminal_text(text: object) -> str:
    """`text` as a terminal may print it: control characters (line breaks included), bidi
    controls, every invisible format character and undecodable file-name bytes shown as
    visible escapes (`\\x1b`, `\\n`, `⟨U+202E⟩`, `\\xe2`). None becomes ''."""
    value = "" if text is None else str(text)
    if not _MAYBE_UNSAFE.search(value):
        return value
    return "".join(_escape(c) if _unsafe_for_terminal(c) else c for c in value)


def document_text(text: object) -> str:
    """`text` as a workbook or PDF cell may show it: control characters other than line
    break and tab, bidi controls, line/paragraph separators and lone surrogates shown as
    visible escapes; harmless invisible characters (zero-width space, soft hyphen) kept,
    as Thai word processors insert them. None becomes ''."""
    value = "" if text is None else str(text)
    if not _MAYBE_UNSAFE.search(value):
        return value
    return "".join(_escape(c) if _unsafe_for_document(c) else c for c in value)


def utf16_length(text: str) -> int:
    """Length in UTF-16 code units (how Excel counts a cell's characters)."""
    return len(text) + sum(1 for c in text if ord(c) > 0xFFFF)


def shorten(text: str, limit: int, mark: str = MARK, utf16: bool = False) -> str:
    """`text` itself when it has at most `limit` characters; otherwise cut so that, with
    `mark` appended, it has at most `limit` (UTF-16 units when `utf16`, as Excel counts).

    The cut never leaves a vowel or tone mark without its letter (it moves back over
    combining marks), and falls at the last space when one is in the second half of the
    kept text (Thai writes spaces between phrases, not words)."""
    if len(text) <= (limit // 2 if utf16 else limit) or (utf16 and utf16_length(text) <= limit):
        return text
    end = max(limit - len(mark), 0)
    if utf16:  # the longest start that fits, counting characters beyond the BMP as two units
        budget, units = end, 0
        for index, char in enumerate(text[:end]):
            units += 2 if ord(char) > 0xFFFF else 1
            if units > budget:
                end = index
                break
    space = text.rfind(" ", 0, end)
    if space > limit // 2:
        end = space
    while 0 < end < len(text) and unicodedata.category(text[end]) in ("Mn", "Me"):
        end -= 1
    return text[:end].rstrip() + mark


def shown(text: object, limit: int | None = None) -> str:
    """`terminal_text`, cut to `limit` characters with '…' when given (escapes counted)."""
    value = terminal_text(text)
    return shorten(value, limit) if limit is not None else value


def name_text(name: str | bytes | os.PathLike) -> str:
    """A file name or path as valid UTF-8 text, to store and compare: bytes that are not
    UTF-8 become `\\xNN` (a TIS-620 name stays recognisable and no two names merge);
    everything else is kept as it is (control characters included: `terminal_text` shows them)."""
    raw = os.fsencode(name)
    return raw.decode("utf-8", errors="backslashreplace")


def name_is_utf8(name: str | bytes | os.PathLike) -> bool:
    """Whether a file name's bytes are valid UTF-8 (so `name_text` keeps it unchanged)."""
    try:
        os.fsencode(name).decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def thai_reading(name: str | bytes | os.PathLike) -> str | None:
    """How a non-UTF-8 file name reads as TIS-620 / Windows-874 (Thai Windows' encoding),
    when every byte is defined there and the result holds Thai letters; else None. A hint
    for the person renaming the file, never used as the name itself."""
    raw = os.fsencode(name)
    try:
        text = raw.decode("cp874")
    except UnicodeDecodeError:
        return None
    return text if re.search("[\u0e01-\u0e5b]", text) else None
