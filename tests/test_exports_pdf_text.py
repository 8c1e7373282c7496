"""The PDF brief's text layer: what `pdftotext` (poppler) extracts is the Thai the page shows.

Thai SARA AM (ำ) is drawn with two glyphs, the second the same glyph as a plain SARA AA (า),
so a glyph-to-text map alone gave "ต่ากว่า" or "ต่ำกว่่ำ" when copying or searching the brief
(exports/pdf_text.py). Checked on real briefs of the demo data, written by the same path as
`python -m etl export --format pdf`, and on a page made to show both orders of first use.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest

from budget_metrics import Filters
from exports.brief_pdf import brief_html
from exports.export import build_bundle, write_bundle

AS_OF = date(2019, 9, 13)
THAI_RUN = re.compile("[\u0e00-\u0e7f]+")
# the words the issue names, and the provinces they come from (data/reference/provinces.csv)
NONG_BUA_LAM_PHU, AMNAT_CHAROEN = "39", "37"

pytestmark = pytest.mark.skipif(
    shutil.which("pdftotext") is None, reason="needs pdftotext (Debian package poppler-utils)"
)


def pdftotext(path: Path) -> str:
    """The PDF's text as poppler extracts it (reading order, UTF-8)."""
    return subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout


def squeeze(text: str) -> str:
    return "".join(text.split())


def _brief(filters: Filters, folder: Path) -> tuple[Path, str]:
    """A brief written as the export writes it, and the HTML it was drawn from."""
    bundle = build_bundle(filters)
    [path] = write_bundle(bundle, "pdf", folder)
    return path, brief_html(bundle)


@pytest.fixture(scope="module")
def briefs(demo_db, tmp_path_factory) -> dict[str, tuple[str, str]]:
    """code -> (pdftotext of the brief, its HTML) for the nation and the two provinces."""
    out = {}
    for code, filters in (
        ("national", Filters(as_of=AS_OF)),
        (NONG_BUA_LAM_PHU, Filters(as_of=AS_OF, province=NONG_BUA_LAM_PHU)),
        (AMNAT_CHAROEN, Filters(as_of=AS_OF, province=AMNAT_CHAROEN)),
    ):
        path, html = _brief(filters, tmp_path_factory.mktemp(f"brief_{code}"))
        out[code] = (pdftotext(path), html)
    return out


def test_the_words_of_the_issue_extract_as_written(briefs):
    text, html = briefs["national"]
    # the page shows "ต่ำกว่า" (a line behind its target on 13 Sep); the text layer must say so too
    assert "ต่ำกว่า" in html
    assert "ต่ำกว่า" in text, text[:600]
    assert "ต่ากว่า" not in text
    for code, name in ((NONG_BUA_LAM_PHU, "หนองบัวลำภู"), (AMNAT_CHAROEN, "อำนาจเจริญ")):
        text, html = briefs[code]
        assert f"จังหวัด{name}" in html
        assert name in text, (code, text[:400])


@pytest.mark.parametrize("code", ["national", NONG_BUA_LAM_PHU, AMNAT_CHAROEN])
def test_every_extracted_thai_run_is_text_the_page_shows(briefs, code):
    """No invented text (a plain า read back as ำ, a doubled tone mark): each run of Thai letters
    pdftotext gives is in the brief's HTML (white space aside; a line break may split a word), and
    every Thai word with SARA AM in the HTML's text comes back whole."""
    text, html = briefs[code]
    source = squeeze(html)
    runs = THAI_RUN.findall(text)
    assert len(runs) > 100, text[:400]
    strangers = sorted({run for run in runs if run not in source})
    assert strangers == [], strangers[:20]
    body = re.sub(r"<style.*?</style>|<[^>]+>", " ", html, flags=re.DOTALL)
    with_am = {word for word in THAI_RUN.findall(body) if "\u0e33" in word}
    assert with_am, "the brief has no word with SARA AM to check"
    flat = squeeze(text)
    missing = sorted(word for word in with_am if word not in flat)
    assert missing == [], missing[:20]


def test_either_order_of_first_use_extracts_right(tmp_path):
    """The glyph map keeps the first use of a glyph: a page that shows า before ำ and one that shows
    ำ first (with and without a tone mark) both extract exactly (the brief's font and code path)."""
    from exports import brief_pdf

    words = ["กว่า", "ต่ำกว่า", "น้ำ", "หนองบัวลำภู", "อำนาจเจริญ", "กำแพงเพชร", "ต่ากว่า"]
    for name, order in (("plain_first", words), ("am_first", list(reversed(words)))):
        path = tmp_path / f"{name}.pdf"
        body = "".join(f"<p>{word}</p>" for word in order)
        brief_pdf.render_pdf(
            f"<html lang='th'><head><meta charset='utf-8'><style>{brief_pdf._font_face()}"
            f"{brief_pdf.CSS}</style></head><body>{body}</body></html>",
            path,
        )
        assert pdftotext(path).split()[: len(order)] == order, name  # then the page footer
