"""Words from elsewhere (issue 15, item 11): no English of Streamlit's or Plotly's own where we can
set the text, and the identity the sign-in provider returns shown as plain text.

One `streamlit run` server with sign-in (the PyPI package oidc-provider-mock as the identity
provider, as in tests/test_browser_central.py) on the session's demo data, an application store
of its own (a Kalasin province user), one Debian Chromium.

- A visitor whose e-mail, as the provider returns it, is Markdown — bold, a link and an image on
  this test's own server — sees it in the sidebar exactly as typed: no bold, no link, no image,
  and the browser fetches nothing from the image's address (in Thai at 1400 px, English at 390).
- The Kalasin user (in Thai on every page; the chart and the form in English too): no app menu (its
  "Record screen", "Print", theme names and "Made with Streamlit" are English only) on any page; every
  drop-down's placeholder in the page's language ("Choose an option" nowhere); a chart drawn with no chart toolbar (its
  tooltips are English) and no tips; typing in a text box and in the follow-up form shows no
  "Press Enter to apply" / "Press Ctrl+Enter to submit form".

Screenshots: artifacts/screenshots/borrowed_<what>_<lang>.png.
"""

from __future__ import annotations

import re

import pytest

from tests.appstore_support import KALASIN
from tests.browser_support import assert_no_exception, require_chromium, settle
from tests.sign_in_support import sign_in_page, signed_in_deployment

AS_OF = "as_of=2019-09-13"
PAGES = ["overview", "area", "lagging", "carryover", "reallocations", "assets", "data_quality", "weekly", "upload"]
KALASIN_USER = "somsri@kalasin.go.th"
ENGLISH_DEFAULTS = (
    "Choose an option",
    "Choose options",
    "Record screen",
    "Made with Streamlit",
    "Deploy",
    "Press Enter to",
    "Press Ctrl+Enter",
    "Press ⌘+Enter",
    "200MB per file",
)
THAI = re.compile("[\u0e00-\u0e7f]")


@pytest.fixture(scope="module")
def signed_in_app(demo_db, chromium, tmp_path_factory):
    """(base URL, browser, the port of the app): sign-in configured, a Kalasin province user stored."""
    require_chromium()
    folder = tmp_path_factory.mktemp("borrowed_server")
    url = f"sqlite:///{folder / 'app.sqlite'}"
    with signed_in_deployment(demo_db, folder, url, {KALASIN_USER: ("province", KALASIN)}) as deployment:
        # the worker's Chromium (tests/conftest.py); a context per test
        yield deployment.urls[0], chromium, deployment.ports[0]


def _sign_in(browser, base: str, email: str, viewport: dict, lang: str = "th"):
    """A new browser context signed in on `base` as `email` through the provider's form; returns
    (context, page, every URL the page requested)."""
    context = browser.new_context(viewport=viewport, is_mobile=viewport["width"] < 500)
    page = context.new_page()
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    sign_in_page(page, base, email, lang)
    page.locator(".st-key-account_box").get_by_role("button").first.wait_for(timeout=60_000)  # the sign-out button
    settle(page)
    return context, page, requested


def _open(page, url: str) -> None:
    page.goto(url)
    settle(page)
    assert_no_exception(page)


@pytest.mark.parametrize(("lang", "width"), [("th", 1400), ("en", 390)])
def test_identity_from_the_provider_is_plain_text(signed_in_app, screenshots_dir, lang, width):
    base, browser, port = signed_in_app
    pixel = f"http://127.0.0.1:{port}/pixel-{lang}.png"
    email = f"**bold**[link](http://127.0.0.1:{port}/track)![x]({pixel})@example.go.th"
    context, page, requested = _sign_in(browser, base, email, {"width": width, "height": 900}, lang)
    try:
        _open(page, f"{base}/overview?{AS_OF}&lang={lang}")  # the sign-in came back to the Thai start page
        if width < 500:  # on a phone the sidebar opens on demand
            page.locator(
                '[data-testid="stExpandSidebarButton"], [data-testid="stSidebarCollapsedControl"] button'
            ).first.click()
        box = page.locator(".st-key-account_box")
        box.wait_for(timeout=30_000)
        text = box.inner_text()
        assert email in text, text  # exactly as the provider returned it
        assert ("ผู้ดู (อ่านอย่างเดียว)" if lang == "th" else "viewer (read only)") in text
        assert box.locator("a, img, strong, b, em").count() == 0
        page.wait_for_timeout(1000)  # an image would have been asked for by now
        assert not [address for address in requested if "/pixel-" in address or "/track" in address], requested
        page.screenshot(path=str(screenshots_dir / f"borrowed_identity_{lang}_{width}.png"))
    finally:
        context.close()


def _english_defaults(page) -> list[str]:
    """Streamlit's English defaults shown on the page: in its text, in placeholders, in the menu."""
    text = page.locator("body").inner_text()
    found = [english for english in ENGLISH_DEFAULTS if english in text]
    placeholders = page.locator("input[placeholder], textarea[placeholder]").evaluate_all(
        "els => els.map(el => el.getAttribute('placeholder'))"
    )
    found += [
        f"placeholder {value!r}" for value in placeholders if any(english in value for english in ENGLISH_DEFAULTS)
    ]
    if page.locator('[data-testid="stMainMenu"]').count():
        found.append("the app menu")
    return found


def test_no_english_defaults_where_we_set_the_words(signed_in_app, screenshots_dir):
    """In Thai every page, a chart, a search box and the follow-up form; in English the chart and
    the form again (the sidebar's drop-downs are on every page)."""
    base, browser, _ = signed_in_app
    context, page, _ = _sign_in(browser, base, KALASIN_USER, {"width": 1400, "height": 900})
    try:
        for name in PAGES:
            _open(page, f"{base}/{name}?{AS_OF}")
            assert _english_defaults(page) == [], name
            placeholders = page.locator("input[placeholder]").evaluate_all(
                "els => els.map(el => el.getAttribute('placeholder'))"
            )
            # every drop-down in the sidebar and on the page says it in Thai
            assert placeholders and all(THAI.search(value) for value in placeholders), (name, placeholders)

        # typing in a text box (the province page's search): no English typing hint
        _open(page, f"{base}/area?area=province:{KALASIN}&{AS_OF}")
        page.get_by_role("tab", name="รายการโครงการ", exact=True).click()
        settle(page)
        search = page.locator('[data-testid="stTextInput"] input').first
        search.click()
        search.type("ถนน")
        page.wait_for_timeout(500)
        assert _english_defaults(page) == []

        for lang in ("th", "en"):
            # a chart: drawn, with no toolbar (Plotly's tooltips are English) however the pointer moves
            _open(page, f"{base}/overview?{AS_OF}&lang={lang}")
            page.get_by_role("tab", name="อันดับจังหวัด" if lang == "th" else "Province ranking", exact=True).click()
            settle(page)
            chart = page.locator('[data-testid="stPlotlyChart"] .main-svg').first
            chart.wait_for(timeout=30_000)
            chart.hover()
            page.wait_for_timeout(500)
            assert page.locator(".modebar-btn").count() == 0
            assert _english_defaults(page) == []
            page.screenshot(path=str(screenshots_dir / f"borrowed_chart_{lang}.png"))

            # the follow-up form of a selected lagging project: typing in it shows no English hint
            _open(page, f"{base}/lagging?{AS_OF}&lang={lang}")
            page.get_by_role("tab", name="ทุกโครงการ" if lang == "th" else "All projects", exact=True).click()
            settle(page)
            grid = page.locator('[data-testid="stDataFrame"]').first
            grid.scroll_into_view_if_needed()
            grid.locator('[role="columnheader"]').first.wait_for(state="attached", timeout=30_000)
            code = grid.locator("tbody tr").first.locator('[aria-colindex="1"]').inner_text()
            box = grid.bounding_box()
            page.mouse.click(box["x"] + 14, box["y"] + 35 + 17)  # the first row's selection box
            panel = page.locator(f".st-key-followup_panel_{code}")
            panel.wait_for(timeout=30_000)
            panel.scroll_into_view_if_needed()
            area = panel.locator("textarea").first
            area.click()
            area.type("ประสานหน่วยงาน")
            page.wait_for_timeout(500)
            assert _english_defaults(page) == [], lang
            page.screenshot(path=str(screenshots_dir / f"borrowed_followup_{lang}.png"))
    finally:
        context.close()
