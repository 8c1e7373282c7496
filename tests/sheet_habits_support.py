"""The payments file and the zip / .ods rewrites the sheet-habits tests (VI, VII) share."""

from __future__ import annotations

import re
import zipfile
from decimal import Decimal
from pathlib import Path

from tests.etl_fixtures import DISB_HEADERS

CUR = "งบประมาณปีปัจจุบัน"
PAYMENTS = [
    DISB_HEADERS,
    ["D1", "P01", "15/03/2562", 1_000, CUR],
    ["D2", "P01", "16/03/2562", 2_000, CUR],
    ["D3", "P02", "17/03/2562", 3_000, CUR],
    ["D4", "P02", "18/03/2562", 4_000, CUR],
]


def _paid(*docs: str) -> dict[str, tuple]:
    """The payments of PAYMENTS named, as the store holds them (worked out by hand from the rows)."""
    worked = {
        "D1": ("P01", "2019-03-15", Decimal("1000.00")),
        "D2": ("P01", "2019-03-16", Decimal("2000.00")),
        "D3": ("P02", "2019-03-17", Decimal("3000.00")),
        "D4": ("P02", "2019-03-18", Decimal("4000.00")),
    }
    return {doc: worked[doc] for doc in docs}


def _rewrite(path: Path, part: str, change) -> Path:
    """The zip at `path` with `part` rewritten by change(bytes) -> bytes (what the writers cannot say)."""
    with zipfile.ZipFile(path) as source:
        parts = [(info, source.read(info)) for info in source.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info, data in parts:
            target.writestr(info, change(data) if info.filename == part else data)
    return path


def _ods_style(content: bytes, style: str) -> bytes:
    """content.xml with `style` added to its automatic styles."""
    return content.replace(b"</office:automatic-styles>", style.encode() + b"</office:automatic-styles>", 1)


def _ods_row(content: bytes, number: int, change) -> bytes:
    """content.xml with the `number`-th <table:table-row> (1-based, of the first sheet) rewritten."""
    rows = list(re.finditer(rb"<table:table-row\b.*?</table:table-row>", content, re.DOTALL))
    found = rows[number - 1]
    return content[: found.start()] + change(found.group(0)) + content[found.end() :]
