"""Checks of a loaded page's text that hold on every page and in both languages at 1400x900: no developer
furniture, no KPI label cut off. tests/test_browser_words.py runs them on its sweep's loads and
tests/test_browser_lists.py and tests/test_browser_money.py on their English loads (docs/benchmarks.md
"Test suite time, part 16": the English loads of those pages were the sweep's own before)."""

from __future__ import annotations

import re

# Developer furniture that must not reach a page: shell commands, project file paths, config files.
FURNITURE = re.compile(
    r"python3? -m|\betl (load|demo|snapshot|export|status)\b|tasks\.py|\.toml\b|\.duckdb\b|"
    r"data/reference|\.streamlit|/work/|\bpages/\w+\.py\b"
)
# Labels of KPI cards whose text does not fit (Streamlit cuts them with an ellipsis).
CUT_LABELS_JS = """() => [...document.querySelectorAll('[data-testid="stMetricLabel"]')].filter(label =>
    [label, ...label.querySelectorAll('*')].some(e => e.scrollWidth > e.clientWidth + 1)).map(l => l.innerText)"""


def assert_no_developer_furniture(page, name: str, lang: str) -> None:
    """No Deploy button, no app menu, no shell command or file path in any text of the app."""
    assert page.get_by_text("Deploy", exact=True).count() == 0, name
    assert page.locator('[data-testid="stAppDeployButton"]').count() == 0, name
    # no app menu at all (toolbarMode "minimal": its items were English only), so no developer items
    assert page.get_by_test_id("stMainMenu").count() == 0, name
    # expanders and the sidebar hold text too: read the whole app, not only what is visible
    text = page.locator('[data-testid="stApp"]').text_content()
    found = FURNITURE.search(text)
    assert found is None, (name, lang, text[max(0, found.start() - 80) : found.end() + 80])


def assert_no_cut_labels(page) -> None:
    """No KPI card's label is cut off with an ellipsis."""
    assert page.evaluate(CUT_LABELS_JS) == [], "KPI labels cut off at 1400 px"
