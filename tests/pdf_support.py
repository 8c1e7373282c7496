"""Reading the text of the PDF exports (test helper): pypdf's extraction, compared without white space."""

from __future__ import annotations

import pypdf


def plain(text: str) -> str:
    """Text without white space; sara am (ำ) as extracted from a PDF may lose its nikhahit."""
    return "".join(text.split()).replace("\u0e33", "\u0e32").replace("\u0e4d", "")


def pdf_text(path) -> str:
    return plain("\n".join(page.extract_text() for page in pypdf.PdfReader(path).pages))
