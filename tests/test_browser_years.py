"""Several fiscal years in a real browser (issue 18): the year switch and same day last year.

One `streamlit run` server on the three-year demo store (FY2561-FY2563, as `python -m etl demo`
makes it: the `demo_years_db` fixture) and one Debian Chromium, Thai and English in the same
module. Every figure checked is recounted here in plain SQL over the raw tables with the targets
by hand from data/reference/targets.csv (tests/year_on_year_sql.py); FY2561 has no rows there.

Screenshots go to artifacts/screenshots/: years_overview_<lang>.png, years_ranking_change_en.png,
years_no_targets_th.png and years_area_en.png.
"""

from __future__ import annotations

import re
from datetime import date
from urllib.parse import parse_qs, urlparse

import pytest

from tests.browser_support import (
    assert_no_exception,
    figure,
    require_chromium,
    settle,
    streamlit_server,
)
from tests.year_on_year_sql import hand_target, sql_rates
from vocabulary import STATUSES, pick

AS_OF, LAST_YEAR_DAY = date(2020, 3, 27), date(2019, 3, 27)  # a Friday of FY2563, the same day of FY2562
KALASIN = "46"
LINES = ("overall", "investment")


@pytest.fixture(scope="module")
def served(demo_years_db, chromium, tmp_path_factory):
    """(base URL, the worker's shared Chromium, database): one server on the three-year demo store."""
    require_chromium()
    folder = tmp_path_factory.mktemp("years_server")
    with streamlit_server(demo_years_db, folder / "streamlit.log") as url:
        yield url, chromium, demo_years_db


def _open(browser, url: str):
    """(the test's share of the worker's browser context, a new page on `url`, settled)."""
    context = browser.shared_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    page.goto(url)
    settle(page)
    assert_no_exception(page)
    return context, page


def _sidebar(page):
    return page.locator('[data-testid="stSidebar"]')


def _card(page, line: str):
    return page.locator(f'section.bm-card[data-line="{line}"]')


def _number(text: str) -> float:
    return float(text.replace(",", "").replace("+", ""))


def _check_cards(
    page, db, fiscal_year: int, as_of: date, last_day: date, group: str | None = None, code: str | None = None
) -> None:
    """Both line cards: this year's rate and target, last year's rate and target then and the change,
    each against plain SQL and hand targets (2-decimal display: within half a hundredth)."""
    now = sql_rates(db, fiscal_year, as_of, group)[code]
    then = sql_rates(db, fiscal_year - 1, last_day, group)[code]
    for line in LINES:
        card = _card(page, line)
        assert _number(figure(card, "pct")) == pytest.approx(now[line], abs=0.005)
        assert _number(figure(card, "target")) == pytest.approx(hand_target(fiscal_year, line, as_of), abs=0.005)
        assert _number(figure(card, "last_year_pct")) == pytest.approx(then[line], abs=0.005)
        assert _number(figure(card, "last_year_target")) == pytest.approx(
            hand_target(fiscal_year - 1, line, last_day), abs=0.005
        )
        # the change is this year's rate minus last year's, rounded once
        assert figure(card, "year_points") == f"{now[line] - then[line]:+,.2f}"


def test_overview_same_day_last_year_and_the_ranking_by_change(served, screenshots_dir):
    url, browser, db = served
    context, page = _open(browser, f"{url}/?fy=2563&as_of={AS_OF.isoformat()}")
    try:
        # Thai: the year chosen from the URL, the cards against the same day of FY2562
        assert _sidebar(page).get_by_role("combobox", name="ปีงบประมาณ", exact=True).input_value() == "พ.ศ. 2563"
        _check_cards(page, db, 2563, AS_OF, LAST_YEAR_DAY)
        words = _card(page, "overall").locator('[data-figure="last_year"]').inner_text()
        assert "ปีก่อน ณ วันเดียวกัน (27 มี.ค. 2562)" in words and "เทียบปีก่อน" in words
        page.screenshot(path=str(screenshots_dir / "years_overview_th.png"))

        # English, same session: the same figures and English words
        _sidebar(page).get_by_text("English", exact=True).click()
        settle(page)
        assert_no_exception(page)
        query = parse_qs(urlparse(page.url).query)
        assert query["fy"] == ["2563"] and query["lang"] == ["en"]
        _check_cards(page, db, 2563, AS_OF, LAST_YEAR_DAY)
        words = _card(page, "investment").locator('[data-figure="last_year"]').inner_text()
        assert "Same day last year (27 Mar 2019)" in words and "vs last year" in words
        assert not re.search("[\u0e00-\u0e7f]", words)
        page.screenshot(path=str(screenshots_dir / "years_overview_en.png"))

        # the province ranking ordered by the change against last year (largest fall first)
        page.get_by_role("tab", name="Province ranking", exact=True).click()
        settle(page)
        page.get_by_text("Change against last year, same day", exact=True).click()
        settle(page)
        assert_no_exception(page)
        table = page.locator('[data-testid="year-change-ranking"]')
        rows = table.locator("tbody tr")
        now = sql_rates(db, 2563, AS_OF, "province")
        then = sql_rates(db, 2562, LAST_YEAR_DAY, "province")
        expected = {
            code: now[code]["overall"] - then[code]["overall"]
            for code in now
            if code in then and now[code]["overall"] is not None and then[code]["overall"] is not None
        }
        assert rows.count() == len(now)  # every province with projects this year
        shown = []
        for row in rows.all():
            href = row.locator("a").first.get_attribute("href")
            code = parse_qs(urlparse(href).query)["province"][0]  # the link chooses the province
            assert _number(figure(row, "pct")) == pytest.approx(now[code]["overall"], abs=0.005)
            assert _number(figure(row, "last_year_pct")) == pytest.approx(then[code]["overall"], abs=0.005)
            assert figure(row, "year_points") == f"{expected[code]:+,.2f}"
            assert _number(figure(row, "last_year_target")) == pytest.approx(
                hand_target(2562, "overall", LAST_YEAR_DAY), abs=0.005
            )
            shown.append(code)
        assert shown == sorted(expected, key=lambda code: (expected[code], code))
        table.scroll_into_view_if_needed()
        page.screenshot(path=str(screenshots_dir / "years_ranking_change_en.png"))
    finally:
        context.close()


def test_the_year_switch_and_a_year_without_targets(served, screenshots_dir):
    url, browser, db = served
    context, page = _open(browser, f"{url}/")
    try:
        # without ?fy= the year in progress (the latest payment's year), and the list of loaded years
        year_box = _sidebar(page).get_by_role("combobox", name="ปีงบประมาณ", exact=True)
        assert year_box.input_value() == "พ.ศ. 2563"
        year_box.click()
        options = [option.inner_text().strip() for option in page.get_by_role("option").all()]
        assert options == ["พ.ศ. 2563", "พ.ศ. 2562", "พ.ศ. 2561"]
        page.get_by_role("option", name="พ.ศ. 2561", exact=True).click()
        settle(page)
        assert_no_exception(page)
        assert parse_qs(urlparse(page.url).query)["fy"] == ["2561"]
        # FY2561 has no cabinet targets: said in the sidebar and on each card, no target line drawn
        assert _sidebar(page).get_by_text("ไม่มีเป้าหมายของ ครม. สำหรับปีงบประมาณ 2561").count() == 1
        latest = sql_rates(db, 2561, date(2018, 9, 30))[None]
        for line in LINES:
            card = _card(page, line)
            assert figure(card, "no_target") == "ไม่มีเป้าหมายของ ครม. สำหรับปีงบประมาณ 2561"
            assert card.locator('[data-figure="target"]').count() == 0
            assert card.locator('[data-figure="gap_points"]').count() == 0
            assert card.locator(".bm-mark").count() == 0  # no target mark on the meter
            assert _number(figure(card, "pct")) == pytest.approx(latest[line], abs=0.005)
            assert card.locator('[data-figure="last_year"]').count() == 0  # no earlier year loaded
        page.screenshot(path=str(screenshots_dir / "years_no_targets_th.png"))
        # the pages follow the year: every sidebar page link carries fy=2561
        links = _sidebar(page).locator('[data-testid="stPageLink"] a')
        assert links.count() >= 5
        for link in links.all():
            assert parse_qs(urlparse(link.get_attribute("href")).query).get("fy") == ["2561"]

        # FY2562 against FY2561, which has no targets: the rate then, and the words instead of a target
        page.goto(f"{url}/?fy=2562&as_of=2019-06-28")
        settle(page)
        assert_no_exception(page)
        then = sql_rates(db, 2561, date(2018, 6, 28))[None]
        now = sql_rates(db, 2562, date(2019, 6, 28))[None]
        for line in LINES:
            card = _card(page, line)
            assert _number(figure(card, "last_year_pct")) == pytest.approx(then[line], abs=0.005)
            assert card.locator('[data-figure="last_year_target"]').count() == 0
            assert "ไม่มีเป้าหมายของ ครม. สำหรับปีงบประมาณ 2561" in figure(card, "last_year")
            assert figure(card, "year_points") == f"{now[line] - then[line]:+,.2f}"
            assert _number(figure(card, "target")) == pytest.approx(
                hand_target(2562, line, date(2019, 6, 28)), abs=0.005
            )
    finally:
        context.close()


def test_area_page_same_day_last_year(served, screenshots_dir):
    url, browser, db = served
    context, page = _open(browser, f"{url}/area?lang=en&fy=2563&as_of={AS_OF.isoformat()}&area=province:{KALASIN}")
    try:
        assert page.locator("h3", has_text="Kalasin").count() >= 1
        _check_cards(page, db, 2563, AS_OF, LAST_YEAR_DAY, "province", KALASIN)
        assert "Same day last year (27 Mar 2019)" in figure(_card(page, "overall"), "last_year")
        page.screenshot(path=str(screenshots_dir / "years_area_en.png"))
        # Thai, same page and area
        _sidebar(page).get_by_text("ไทย", exact=True).click()
        settle(page)
        assert_no_exception(page)
        _check_cards(page, db, 2563, AS_OF, LAST_YEAR_DAY, "province", KALASIN)
        assert "ปีก่อน ณ วันเดียวกัน (27 มี.ค. 2562)" in figure(_card(page, "investment"), "last_year")
    finally:
        context.close()


def _sql_earlier_carryover(db, as_of: date) -> tuple[float, float, float, int]:
    """FY2562's carry-overs approved by the date: (carried, paid from them by the date, lapsed =
    unpaid past the deadline, projects) in plain SQL."""
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    try:
        carried, paid, lapsed, projects = con.execute(
            """WITH c AS (
                   SELECT c.amount, c.deadline,
                          coalesce((SELECT sum(d.amount) FROM disbursements d WHERE d.project_code = c.project_code
                                    AND d.source = 'carryover' AND d.posting_date <= $d), 0) AS paid
                   FROM carryovers c JOIN projects p USING (project_code)
                   WHERE p.fiscal_year = 2562 AND c.approved_date <= $d)
               SELECT sum(amount), sum(paid),
                      coalesce(sum(amount - paid) FILTER (WHERE deadline < $d AND amount > paid), 0), count(*)
               FROM c""",
            {"d": as_of},
        ).fetchone()
    finally:
        con.close()
    return float(carried), float(paid), float(lapsed), int(projects)


def test_the_earlier_years_carry_over_in_the_next_years_view(served, screenshots_dir):
    url, browser, db = served
    day = date(2020, 3, 31)
    carried, paid, lapsed, projects = _sql_earlier_carryover(db, day)
    context, page = _open(browser, f"{url}/carryover?fy=2563")
    try:
        for lang, title, note in (
            ("th", "เงินกันเหลื่อมปีจากปีงบประมาณ 2562: ภาระผูกพันของปีก่อน", "ไม่นับในอัตราการเบิกจ่ายของปี 2563"),
            ("en", "Carried over from FY2562: the earlier year's obligations", "never part of FY2563's execution rate"),
        ):
            if lang == "en":
                _sidebar(page).get_by_text("English", exact=True).click()
                settle(page)
                assert_no_exception(page)
            card = page.locator('[data-card="earlier_year"]')
            assert title in card.inner_text() and note in card.inner_text()
            assert _number(figure(card, "earlier_carried")) == pytest.approx(carried / 1e6, abs=0.005)
            assert _number(figure(card, "earlier_paid")) == pytest.approx(paid / 1e6, abs=0.005)
            assert _number(figure(card, "earlier_remaining")) == pytest.approx((carried - paid) / 1e6, abs=0.005)
            assert _number(figure(card, "earlier_lapsed")) == pytest.approx(lapsed / 1e6, abs=0.005)
            assert f"{projects:,}" in figure(card, "earlier_carried_change")
            own = {
                "th": "เงินกันเหลื่อมปีของปี 2563 เอง: ยังไม่มีที่อนุมัติ ณ วันที่ 31 มี.ค. 2563",
                "en": "FY2563's own carry-over: none approved by 31 Mar 2020",
            }[lang]
            assert page.get_by_text(own).first.is_visible()  # FY2563 carried nothing over of its own yet
            page.screenshot(path=str(screenshots_dir / f"years_carryover_{lang}.png"))
        # the link opens FY2562's own carry-over view, the same figures as that year's totals
        card.locator("a").first.click()
        settle(page)
        assert_no_exception(page)
        assert parse_qs(urlparse(page.url).query)["fy"] == ["2562"]
        # FY2562's own view: the same carry-overs as its own (the link keeps no date: its latest data)
        import duckdb

        with duckdb.connect(str(db), read_only=True) as con:
            latest = con.execute("""SELECT max(posting_date) FROM disbursements JOIN projects USING (project_code)
                                    WHERE fiscal_year = 2562""").fetchone()[0]
        assert _number(figure(page, "carried")) == pytest.approx(_sql_earlier_carryover(db, latest)[0] / 1e6, abs=0.005)
        assert "FY2561" in page.locator('[data-card="earlier_year"]').inner_text()  # and FY2561's before it
    finally:
        context.close()


# ---------------------------------------------------------------- a year without targets says so
NO_TARGETS_DAY = date(2018, 9, 30)  # FY2561's last day: its latest data (no row in targets.csv)
JUDGED_WORDS = {
    "th": ("ถึงเป้าหมาย", "ใกล้เป้าหมาย", "เฝ้าระวัง", "ต่ำกว่าเป้าหมาย"),
    "en": ("On target", "Near target", "Watch", "Behind"),
}
NO_TARGET_WORD = {"th": "ไม่มีเป้าหมาย", "en": "No target"}
NOTHING_TO_JUDGE = {
    "th": "ไม่มีเป้าหมายของ ครม. สำหรับปีงบประมาณ 2561 จึงไม่มีการประเมินพื้นที่หรือโครงการใดเทียบเป้าหมาย",
    "en": "No cabinet targets for FY2561: there is no target to judge any area or project against",
}


def _provinces_with_money(db) -> dict[str, int]:
    """Provinces with province-plan projects in FY2561 whose overall / investment line has money at
    its last day (plain SQL), and how many have projects at all."""
    rates = sql_rates(db, 2561, NO_TARGETS_DAY, "province")
    return {
        "projects": len(rates),
        "overall": sum(1 for rate in rates.values() if rate["overall"] is not None),
        "investment": sum(1 for rate in rates.values() if rate["investment"] is not None),
    }


def _check_overview_without_targets(page, lang: str, counts: dict[str, int]) -> None:
    """The map, its caption and legend, the needs-intervention list, the cards and the status key of
    FY2561's overview: 'no target' with the counts of plain SQL, never 'no data' for areas with money,
    never a judgement (on target, behind, none below target)."""
    no_target, unit = NO_TARGET_WORD[lang], {"th": "จังหวัด", "en": "provinces"}[lang]
    caption = page.get_by_text({"th": "จังหวัดที่มีโครงการตามแผนพัฒนาจังหวัด —", "en": "Provinces with province-plan"}[lang])
    words = caption.first.inner_text()
    names = {"th": ("ภาพรวม", "งบลงทุน"), "en": ("Overall", "Investment")}[lang]
    for line, name in zip(LINES, names, strict=True):
        expected = f"{name}: {no_target} {counts[line]:,}"
        without_money = counts["projects"] - counts[line]  # projects, but none of this line's money
        if without_money:
            expected += f" · {pick(STATUSES['no_data'], lang)} {without_money:,}"
        assert f"{expected} {unit}" in words, words
    assert NOTHING_TO_JUDGE[lang] in words
    for judged in JUDGED_WORDS[lang]:
        assert judged not in words
    # the tiles: every province with money coloured as 'no target', none judged
    tiles = page.locator("nav.bm-tiles a")
    assert page.locator('nav.bm-tiles a[data-status="no_target"]').count() == counts["overall"]
    statuses = {tile.get_attribute("data-status") for tile in tiles.all()}
    assert statuses <= {"no_target", "no_data"}, statuses
    legend = page.locator(".bm-legend").first.inner_text()
    assert no_target in legend and not any(judged in legend for judged in JUDGED_WORDS[lang])
    # needs intervention: no target to fall short of, said for each line instead of "none below target"
    for line in LINES:
        box = page.locator(f".st-key-no_targets_risk_{line}")
        if box.count():  # the line's tab is open (the headline line's is)
            assert box.inner_text().strip() == NOTHING_TO_JUDGE[lang]
    assert page.locator(".st-key-no_targets_risk_overall").is_visible()
    none_below = {"th": "ไม่มีพื้นที่ที่คาดว่าจะต่ำกว่าเป้าหมาย", "en": "No area is projected to miss"}[lang]
    assert page.get_by_text(none_below).count() == 0
    for line in LINES:
        assert _card(page, line).locator(".bm-badge").inner_text().strip() == no_target
    # the status key under the tabs explains the colour of 'no target', not the judgements
    key = page.get_by_text({"th": "สถานะ: ", "en": "Status: "}[lang]).last.inner_text()
    assert no_target in key and not any(judged in key for judged in JUDGED_WORDS[lang])


def test_a_year_without_targets_judges_nothing(served, screenshots_dir):
    url, browser, db = served
    counts = _provinces_with_money(db)
    assert counts["overall"] > 0
    context, page = _open(browser, f"{url}/?fy=2561")
    try:
        _check_overview_without_targets(page, "th", counts)
        page.screenshot(path=str(screenshots_dir / "years_no_targets_map_th.png"))
        # the province ranking: no gap to rank by, said so
        page.get_by_role("tab", name="อันดับจังหวัด", exact=True).click()
        settle(page)
        assert_no_exception(page)
        assert page.locator(".st-key-no_targets_ranking").inner_text().strip() == NOTHING_TO_JUDGE["th"]

        _sidebar(page).get_by_text("English", exact=True).click()
        settle(page)
        assert_no_exception(page)
        _check_overview_without_targets(page, "en", counts)
        page.screenshot(path=str(screenshots_dir / "years_no_targets_map_en.png"))

        # the lagging page: "behind target" is not a count of none, the list names no target
        page.goto(f"{url}/lagging?fy=2561&lang=en")
        settle(page)
        assert_no_exception(page)
        assert figure(page, "flag_behind_target") == "No target"
        box = page.locator('[data-box="flag_behind_target"]').inner_text()
        assert NOTHING_TO_JUDGE["en"] in box
        first = page.locator(".bm-risk details summary").first.inner_text()
        assert "(No target)" in first and "target -%" not in first

        # the province page (Thai): its flags and its year-end projection
        page.goto(f"{url}/area?fy=2561&area=province:{KALASIN}")
        settle(page)
        assert_no_exception(page)
        assert figure(page, "flag_behind_target") == "ไม่มีเป้าหมาย"
        for line in LINES:
            card = _card(page, line)
            assert card.locator(".bm-badge").inner_text().strip() == "ไม่มีเป้าหมาย"
            projection = card.locator('[data-figure="projection"]').inner_text()
            assert "-%" not in projection and "ไม่มีเป้าหมาย" in projection
        page.screenshot(path=str(screenshots_dir / "years_no_targets_area_th.png"))

        # a cluster's member provinces: no gap ranking, the words instead
        page.goto(f"{url}/area?fy=2561&area=cluster:C07&lang=en")
        settle(page)
        page.get_by_role("tab", name="Member provinces", exact=True).click()
        settle(page)
        assert_no_exception(page)
        assert page.locator(".st-key-no_targets_members").inner_text().strip() == NOTHING_TO_JUDGE["en"]
        assert page.locator('[data-testid="stPlotlyChart"]').count() == 0
    finally:
        context.close()
