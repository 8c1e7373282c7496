"""The PDF brief's text layer: Thai lines carry their exact text (PDF "ActualText").

Why: a PDF maps each glyph to the text it stands for (the font's ToUnicode map), one entry
per glyph for the whole document. Thai SARA AM (ำ, U+0E33) is drawn with two glyphs that
HarfBuzz makes of it — NIKHAHIT and SARA AA — and with a tone mark the NIKHAHIT moves in
front of it ("ต่ำ" is drawn ต ํ ่ า). The SARA AA glyph is the same glyph as a plain า, so
one map cannot say "า" in "กว่า" and "ำ" in "ต่ำ": weasyprint keeps whatever it saw first,
and copying or searching the brief gave "ต่ากว่า" or "ต่ำกว่่ำ" although the page looked
right. This is the same for every Thai font (the decomposition is HarfBuzz's, not the
font's), so no font or font feature fixes it.

PDF's own answer is marked content with an /ActualText entry (ISO 32000-1, 14.9.4): the
text a reader should take for the glyphs inside it. `install()` wraps weasyprint's
line-drawing function so each drawn line that holds Thai is enclosed in
`/Span <</ActualText (the line's text)>> BDC ... EMC`. The drawing itself is untouched.
Readers that honour ActualText (poppler's pdftotext and viewers built on it, pdfium in
Chromium, Adobe Reader) copy and search the exact text; a reader that ignores it falls
back to the glyph map as before. A line shortened with an ellipsis (text-overflow; the
brief uses none) is left to the glyph map, since its drawn text is not the box's text.
"""

from __future__ import annotations

import re
from functools import wraps

THAI = re.compile("[\u0e00-\u0e7f]")
_MARK = "_budget_actual_text"  # set on our wrapper, so installing twice wraps once


def install() -> None:
    """Make weasyprint enclose every drawn line holding Thai in an ActualText span (idempotent,
    for the whole process: the wrapper only adds the span, so other PDFs are unaffected)."""
    import pydyf
    from weasyprint.draw import text as draw_text

    original = draw_text.draw_first_line
    if getattr(original, _MARK, False):
        return

    @wraps(original)
    def draw_first_line(stream, textbox, text_overflow, block_ellipsis, matrix):
        line = textbox.text
        if text_overflow == "ellipsis" or block_ellipsis != "none" or not THAI.search(line):
            return original(stream, textbox, text_overflow, block_ellipsis, matrix)
        stream.begin_marked_content("Span", pydyf.Dictionary({"ActualText": pydyf.String(line)}))
        try:
            return original(stream, textbox, text_overflow, block_ellipsis, matrix)
        finally:
            stream.end_marked_content()

    setattr(draw_first_line, _MARK, True)
    draw_text.draw_first_line = draw_first_line
