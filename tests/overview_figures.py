"""Reading the overview's first screen (light HTML from ui/light.py) as figures, for tests.

The overview draws its headline with `st.html`, not `st.metric`: every figure a test checks
sits in an element with a `data-figure` attribute, inside a card marked `data-line`
(the target line) or `data-card`. `figures(bodies)` returns {"overall.pct": "53.33",
"investment.gap_baht": "-1,692.68", "disbursed": "14,083.33", "laggards...": ...}: the
scope (line or card) and the figure name joined by a dot, or the figure name alone
outside any card. Parsed with the standard library's HTML parser.
"""

from __future__ import annotations

from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class _FigureParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[tuple[str, str | None, str | None]] = []  # (tag, scope, figure)
        self.texts: dict[str, list[str]] = {}

    def handle_starttag(self, tag, attrs):
        if tag in VOID:
            return
        values = dict(attrs)
        scope = values.get("data-line") or values.get("data-card")
        self.open.append((tag, scope, values.get("data-figure")))

    def handle_endtag(self, tag):
        for position in range(len(self.open) - 1, -1, -1):
            if self.open[position][0] == tag:
                del self.open[position:]
                return

    def handle_data(self, data):
        scope = next((item[1] for item in reversed(self.open) if item[1]), None)
        for _, _, figure in self.open:
            if figure:
                self.texts.setdefault(f"{scope}.{figure}" if scope else figure, []).append(data)


def figures(bodies) -> dict[str, str]:
    """Every `data-figure` of the HTML bodies as text (whitespace collapsed); a name seen twice keeps the first."""
    shown: dict[str, str] = {}
    for body in bodies:
        parser = _FigureParser()
        parser.feed(body)
        for key, parts in parser.texts.items():
            shown.setdefault(key, " ".join("".join(parts).split()))
    return shown


def app_figures(app) -> dict[str, str]:
    """The figures of an AppTest run's `st.html` elements."""
    return figures(element.proto.body for element in app.html)
