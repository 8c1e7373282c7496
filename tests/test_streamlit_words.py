"""Streamlit's own English where the API lets us set the words (issue 15, item 11), checked in the
source: every form is drawn with enter_to_submit=False (its "Press Ctrl+Enter to submit form" is
English), every drop-down has a placeholder (its "Choose an option" is English) — or is drawn through
ui/controls' kept widgets, which give one — and every chart gets the project's Plotly config (no
toolbar, whose tooltips are English). The browser test tests/test_browser_borrowed_words.py sees
the result on the pages."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCES = sorted([*ROOT.glob("pages/*.py"), *ROOT.glob("ui/*.py"), ROOT / "dashboard.py"])


def _calls(name: str):
    """(file, call) for every call of st.<name>(...) in the dashboard's sources."""
    for path in SOURCES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == name
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id == "st"
            ):
                yield path.relative_to(ROOT), node


def _keyword(call: ast.Call, name: str):
    return next((keyword.value for keyword in call.keywords if keyword.arg == name), None)


def test_forms_do_not_offer_enter_to_submit():
    for path, call in _calls("form"):
        value = _keyword(call, "enter_to_submit")
        assert isinstance(value, ast.Constant) and value.value is False, (str(path), call.lineno)


def test_drop_downs_have_a_placeholder_in_the_page_language():
    for name in ("selectbox", "multiselect"):
        for path, call in _calls(name):
            assert _keyword(call, "placeholder") is not None, (str(path), call.lineno)


def test_every_chart_gets_the_project_plotly_config():
    found = list(_calls("plotly_chart"))
    assert found
    for path, call in found:
        value = _keyword(call, "config")
        assert isinstance(value, ast.Name) and value.id == "PLOTLY_CONFIG", (str(path), call.lineno)


def test_the_plotly_config_hides_the_toolbar_and_its_tips():
    from ui.charts import PLOTLY_CONFIG

    assert PLOTLY_CONFIG["displayModeBar"] is False and PLOTLY_CONFIG["showTips"] is False
