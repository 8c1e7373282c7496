"""The overview's first screen in a real browser (issue 8's story, issue 9's projection).

One `streamlit run` server on the session's demo database and one Debian Chromium. At
1400x900, in Thai and in English, on 31 May 2019, the first screen (no scrolling) must show:
both target lines against their own targets, coloured by status, with the gap in points and
baht; the change since the week before (24 May); the five provinces furthest behind; the
projected year end of both lines with its band. Every figure is recounted here in plain SQL
on the same DuckDB file (tests/target_lines_sql.py for the provinces) with the targets by
hand from data/reference/targets.csv; the thresholds come straight from thresholds.toml.
The needs-intervention list is checked against its rule (projection at least the threshold
below the year-end target, ranked by baht at risk).

Screenshots go to artifacts/screenshots/ (gitignored): overview_story_<lang>.png at 1400x900,
phone_<page>_th.png of every page at 390x844 and phone_overview_en.png. The phone screenshots (and the
checks: no exception, a Thai title) of the lagging and data-quality pages are taken on
tests/test_browser_lists.py's phone load of each (their default date), those of the carry-over,
reallocation and asset pages on tests/test_browser_money.py's (its dates): one load per page and
viewport (docs/benchmarks.md "Test suite time, part 4").
"""

from __future__ import annotations

import csv
import re
import tomllib
from datetime import date
from decimal import Decimal

import pytest

from tests.browser_support import settle
from tests.projection_sql import project_money
from tests.target_lines_sql import (
    INVESTMENT_31_MAY,
    OVERALL_31_MAY,
    REFERENCE,
    _status,
    sql_province_lines,
)
from ui.palette import STATUS_COLORS

AS_OF, WEEK_BEFORE = date(2019, 5, 31), date(2019, 5, 24)
TARGETS = {"overall": OVERALL_31_MAY, "investment": INVESTMENT_31_MAY}
# Pages this module opens on a phone besides the overview; the others' phone_<page>_th.png is taken on the
# one phone load of each in tests/test_browser_lists.py (lagging, data_quality) and tests/test_browser_money.py
PHONE_PAGES_HERE = ["area", "weekly"]
THAI = re.compile("[\u0e00-\u0e7f]")


@pytest.fixture(scope="module")
def browser_app(demo_server, chromium):
    return demo_server, chromium  # the worker's server on the demo database (tests/conftest.py)


# ---------------------------------------------------------------- independent figures
def _national_lines(db, as_of: date) -> dict[str, tuple[Decimal, Decimal]]:
    """line -> (current allocation, disbursed) in baht over every project of FY2562, summed from
    the plain-SQL per-project figures of tests/projection_sql.py."""
    money = project_money(db, as_of).values()
    investment = [project for project in money if project["budget_type"] == "investment"]
    return {
        line: (sum((p["allocation"] for p in projects), Decimal(0)), sum((p["paid"] for p in projects), Decimal(0)))
        for line, projects in (("overall", list(money)), ("investment", investment))
    }


def _pct(allocation: Decimal, paid: Decimal) -> float:
    return float(paid / allocation * 100)


def _year_end_targets() -> dict[str, float]:
    with open(REFERENCE / "targets.csv", encoding="utf-8") as handle:
        return {
            row["scope"]: float(row["target_pct"])
            for row in csv.DictReader(handle)
            if row["fiscal_year"] == "2562" and row["quarter"] == "4"
        }


def _threshold(name: str) -> float:
    with open(REFERENCE / "thresholds.toml", "rb") as handle:
        return float(tomllib.load(handle)[name]["value"])


def _province_names(lang: str) -> dict[str, str]:
    with open(REFERENCE / "provinces.csv", encoding="utf-8") as handle:
        return {row["province_code"]: row["name_th" if lang == "th" else "name_en"] for row in csv.DictReader(handle)}


def _number(text: str) -> float:
    return float(text.replace(",", "").replace("%", "").strip())


# ---------------------------------------------------------------- tests
@pytest.mark.parametrize("lang", ["th", "en"])
def test_first_screen_tells_the_story_at_1400x900(browser_app, demo_db, screenshots_dir, lang):
    url, browser = browser_app
    context = browser.shared_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    try:
        page.goto(f"{url}/overview?as_of={AS_OF.isoformat()}&lang={lang}")
        settle(page)
        assert page.locator('[data-testid="stException"]').count() == 0
        page.locator('[data-card="laggards"] tbody tr').nth(4).wait_for(timeout=30000)
        page.screenshot(path=str(screenshots_dir / f"overview_story_{lang}.png"))

        def in_first_screen(locator) -> bool:
            box = locator.bounding_box()
            return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= 900

        now, before = _national_lines(demo_db, AS_OF), _national_lines(demo_db, WEEK_BEFORE)
        year_end = _year_end_targets()
        for line, target in TARGETS.items():
            card = page.locator(f'[data-line="{line}"]')

            def figure(name: str, card=card) -> str:
                return card.locator(f'[data-figure="{name}"]').inner_text().strip()

            allocation, paid = now[line]
            pct = _pct(allocation, paid)
            gap = pct - target
            assert figure("pct") == f"{pct:,.2f}", line
            assert figure("target") == f"{target:.2f}", line
            assert figure("gap_points") == f"{gap:+.2f}", line
            gap_baht = paid - allocation * Decimal(repr(target)) / 100
            assert figure("gap_baht") == f"{float(gap_baht) / 1e6:+,.2f}", line
            # coloured by its own status (thresholds.toml), in the palette's colour
            style = card.get_attribute("style").replace(" ", "")
            assert f"--bm-c:{STATUS_COLORS[_status(gap)]}" in style, (line, style)
            # the week's change, visible on the card (not in a tooltip)
            week = pct - _pct(*before[line])
            assert figure("week_points") == f"{week:+.2f}", line
            assert figure("week_paid") == f"{float(paid - before[line][1]) / 1e6:,.2f}", line
            # the projected year end with its band, against the year-end target
            low, projected, high = (
                _number(figure(name)) for name in ("projected_low", "projected_pct", "projected_high")
            )
            assert low <= projected <= high and pct <= projected <= 100, line
            assert _number(figure("year_end_target")) == year_end[line]
            for name in ("pct", "gap_points", "gap_baht", "week_points", "projected_pct"):
                assert in_first_screen(card.locator(f'[data-figure="{name}"]')), (line, name)

        # the five provinces furthest behind on the headline line (overall), week change by SQL
        lines_now, lines_before = sql_province_lines(demo_db, AS_OF), sql_province_lines(demo_db, WEEK_BEFORE)
        gaps = sorted(
            (figures["overall_pct"] - OVERALL_31_MAY, code)
            for code, figures in lines_now.items()
            if figures["overall_pct"] is not None
        )
        names = _province_names(lang)
        rows = page.locator('[data-card="laggards"] tbody tr')
        assert rows.count() == 5
        for position, (gap, code) in enumerate(gaps[:5]):
            cells = [text.strip() for text in rows.nth(position).locator("td").all_inner_texts()]
            change = lines_now[code]["overall_pct"] - lines_before[code]["overall_pct"]
            assert cells == [
                str(position + 1),
                names[code],
                f"{lines_now[code]['overall_pct']:,.2f}%",
                f"{gap:+.2f}",
                f"{change:+.2f}",
            ], (position, cells)
            assert in_first_screen(rows.nth(position))

        # the money below the cards: disbursed and the week's change
        disbursed = page.locator('[data-figure="disbursed"]')
        assert disbursed.inner_text().strip() == f"{float(now['overall'][1]) / 1e6:,.2f}"
        assert in_first_screen(disbursed)

        # needs intervention: projected at least the threshold below the year-end target, by baht at risk
        limit = _threshold("projection_shortfall_points")
        items = page.locator(".bm-risk details:visible")  # the headline line's tab, open first
        assert items.count() >= 1
        at_risk = []
        for item in items.all():
            summary = item.locator("summary").inner_text()
            numbers = re.findall(r"-?[\d,]+\.\d\d", summary)
            baht, projected, target = _number(numbers[0]), _number(numbers[1]), _number(numbers[4])
            assert target == year_end["overall"], summary
            assert projected <= target - limit, summary
            at_risk.append(baht)
        assert at_risk == sorted(at_risk, reverse=True)
        # the first screen speaks the chosen language (Thai renders: see the screenshot)
        story = " ".join(page.locator('[data-line], [data-card="laggards"]').all_inner_texts())
        assert bool(THAI.search(story)) == (lang == "th"), story[:300]
    finally:
        context.close()


def test_phone_puts_the_target_card_first_and_every_page_is_captured(browser_app, screenshots_dir):
    url, browser = browser_app
    context = browser.shared_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = context.new_page()
    try:
        for lang in ("th", "en"):
            page.goto(f"{url}/overview?as_of={AS_OF.isoformat()}&lang={lang}")
            settle(page)
            first = page.locator("[data-line]").first
            assert first.get_attribute("data-line") == "overall"
            pct = first.locator('[data-figure="pct"]').bounding_box()
            target = first.locator('[data-figure="target"]').bounding_box()
            assert pct["y"] + pct["height"] <= 844 and target["y"] + target["height"] <= 844
            page.screenshot(path=str(screenshots_dir / f"phone_overview_{lang}.png"))
        # the lagging, data-quality and money pages are captured (phone_<page>_th.png, Thai title, no
        # exception) on the phone loads of tests/test_browser_lists.py and tests/test_browser_money.py
        for path in PHONE_PAGES_HERE:
            page.goto(f"{url}/{path}?as_of={AS_OF.isoformat()}")
            settle(page)
            assert page.locator('[data-testid="stException"]').count() == 0, path
            assert THAI.search(page.locator("h1").first.inner_text()), path
            page.screenshot(path=str(screenshots_dir / f"phone_{path}_th.png"))
    finally:
        context.close()
