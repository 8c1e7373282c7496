"""Every page readable in the light and the dark theme (issue 15, item 1; the accent colour of item 11).

One `streamlit run` server (the session's demo data with two weekly snapshots) and one Debian
Chromium. Each of the eight pages is opened once with the system in light mode (Playwright
`color_scheme="light"`) and once in dark mode, in Thai and in English, at 1400x900 and at 390x844
(each page takes the other language and width in the other scheme, so all four combinations occur
in each scheme), then the upload page with a file chosen (its primary button); the overview once
more with the system light but Streamlit's own "Dark" theme chosen earlier in this browser (the
choice Streamlit keeps in localStorage). On every load, every piece of text found on the page must
reach WCAG AA contrast (4.5:1) against its effective background (tests/contrast_support.py:
computed colours, the first opaque background up the tree), status badges included; the cards
must take the theme's own background (the bug: white cards with near-white text, 1.2:1). The
app's accent (the selected tab, the primary button) must not be a colour that means something on
this dashboard (red behind, amber watch, green on track), and its button text must read on it.

On each page's Thai load, tests/test_browser.py's page checks too (its own load of every page was folded
in here: docs/benchmarks.md "Test suite time, part 6"): the path found, Thai text, the Thai title, the sidebar.

Screenshots: artifacts/screenshots/themes_<page>_<scheme>_<lang>_<width>.png.
"""

from __future__ import annotations

import colorsys
import re
import tomllib

import pytest

from tests.browser_support import (
    ROOT,
    assert_no_exception,
    settle,
)
from tests.contrast_support import WCAG_AA, background_of, text_contrast
from ui.palette import BEHIND, ON_TRACK, WATCH

AS_OF = "as_of=2019-09-13"
PAGES = ["overview", "area", "lagging", "carryover", "reallocations", "assets", "data_quality", "weekly"]
# what each page's first screen must show in HTML cards (checked for the theme's own background)
CARDS = {
    "overview": '[data-line="overall"]',
    "area": "[data-line]",
    "weekly": "[data-line]",
    "lagging": "[data-box]",
    "carryover": "[data-box]",
    "reallocations": "[data-box]",
    "assets": "[data-box]",
    "data_quality": "[data-box]",
}
JUDGEMENT_HUES = {"behind": BEHIND, "watch": WATCH, "on_track": ON_TRACK}
# the Thai titles the pages must show (moved here with the rest of tests/test_browser.py's page checks)
TH_TITLES = {
    "overview": "ภาพรวมการเบิกจ่ายงบประมาณ",
    "area": "จังหวัด / กลุ่มจังหวัด",
    "lagging": "โครงการล่าช้า",
    "weekly": "รายงานประจำสัปดาห์",
}
THAI = re.compile("[\u0e00-\u0e7f]")


@pytest.fixture(scope="module")
def app(snapshots_server, chromium):
    return snapshots_server, chromium  # the worker's server on the demo copy with SNAPSHOT_DATES (conftest)


def _rgb(css: str) -> tuple[int, int, int]:
    """'rgb(31, 95, 168)' -> (31, 95, 168)."""
    inside = css[css.index("(") + 1 : css.index(")")].replace("/", " ").replace(",", " ").split()
    return tuple(round(float(part)) for part in inside[:3])


def _hex_rgb(colour: str) -> tuple[int, int, int]:
    return tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5))


def _hue(rgb: tuple[int, int, int]) -> float:
    """Hue in degrees, 0-360."""
    return colorsys.rgb_to_hsv(*(part / 255 for part in rgb))[0] * 360


def _luminance(rgb: tuple[int, int, int]) -> float:
    def linear(part: int) -> float:
        value = part / 255
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    red, green, blue = (linear(part) for part in rgb)
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def _theme_of(page) -> str:
    """'light' or 'dark': the scheme Streamlit drew the app in, and its background agrees."""
    scheme, background = page.evaluate(
        "() => { const app = document.querySelector('[data-testid=\"stApp\"]'); const s = getComputedStyle(app);"
        " return [s.colorScheme, s.backgroundColor]; }"
    )
    dark = _luminance(_rgb(background)) < 0.2
    assert scheme == ("dark" if dark else "light"), (scheme, background)
    return scheme


def _readable(page, where: str) -> list[dict]:
    """Assert every piece of text on the page reaches WCAG AA; returns the measurements."""
    found = text_contrast(page)
    assert len(found) > 20, (where, len(found))  # the walk found the page's text
    faint = [item for item in found if item["ratio"] < WCAG_AA]
    assert faint == [], (where, faint[:12])
    return found


def _card_background(page, selector: str) -> tuple[int, int, int]:
    """The background a page's first card is drawn on."""
    card = page.locator(selector).first
    card.wait_for(timeout=30000)
    return background_of(card)


def _open(page, url: str) -> None:
    page.goto(url)
    settle(page)
    assert_no_exception(page)


def assert_page_ran_in_thai(page, name: str, title: str | None) -> None:
    """The page's own checks from tests/test_browser.py: its path was found, its main area has Thai text,
    its title (when given) and dashboard.py's sidebar controls are there (the page ran under dashboard.py)."""
    assert page.locator("text=Page not found").count() == 0, name
    assert THAI.search(page.locator('[data-testid="stMain"]').inner_text()), f"no Thai text on {name}"
    if title:
        assert page.locator("h1").first.inner_text().strip() == title, name
    # attached, not visible: on a phone the sidebar starts collapsed
    page.locator('[data-testid="stSidebar"]').get_by_text("ปีงบประมาณ").first.wait_for(state="attached", timeout=30_000)


def _plan() -> list[tuple[str, str, str, int]]:
    """(page, scheme, language, width): each page in both schemes, the language and the width
    alternating so each scheme sees Thai and English at 1400 and at 390."""
    plan = []
    for position, name in enumerate(PAGES):
        for scheme, flip in (("light", 0), ("dark", 1)):
            lang = ("th", "en")[(position + flip) % 2]
            width = (1400, 390)[((position // 2) + flip) % 2]
            plan.append((name, scheme, lang, width))
    return plan


def _no_judgement_hue(rgb: tuple[int, int, int], where: str) -> None:
    """The colour's hue is at least 40 degrees from red, amber and green (ui/palette.py)."""
    for meaning, colour in JUDGEMENT_HUES.items():
        distance = abs(_hue(rgb) - _hue(_hex_rgb(colour)))
        assert min(distance, 360 - distance) > 40, (where, rgb, meaning)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_page_reads_in_the_system_theme(app, screenshots_dir, tmp_path, scheme):
    url, browser = app
    runs = [run for run in _plan() if run[1] == scheme]
    assert {(lang, width) for _, _, lang, width in runs} == {("th", 1400), ("th", 390), ("en", 1400), ("en", 390)}
    contexts = {}
    try:
        for name, _, lang, width in runs:
            if width not in contexts:
                contexts[width] = browser.shared_context(
                    viewport={"width": width, "height": 900 if width > 500 else 844},
                    color_scheme=scheme,
                    is_mobile=width < 500,
                    has_touch=width < 500,
                )
                contexts[width].new_page()
            page = contexts[width].pages[0]
            _open(page, f"{url}/{name}?{AS_OF}&lang={lang}")
            assert _theme_of(page) == scheme, name
            if lang == "th":  # each page has one Thai load in the two schemes (_plan)
                assert_page_ran_in_thai(page, name, TH_TITLES.get(name))
            background = _card_background(page, CARDS[name])
            # the cards take the theme's background: light on light, dark on dark (not white on dark)
            assert (_luminance(background) > 0.5) == (scheme == "light"), (name, background)
            found = _readable(page, f"{name} {scheme} {lang} {width}")
            if name in ("overview", "area", "weekly"):  # a status badge on a line card, readable
                assert [item for item in found if "bm-badge" in item["cls"]], name
            if name == "overview":  # the accent of the selected tab is no judgement colour
                tab = page.locator('[role="tab"][aria-selected="true"]').first
                _no_judgement_hue(_rgb(tab.evaluate("el => getComputedStyle(el).color")), f"tab {scheme}")
            page.screenshot(path=str(screenshots_dir / f"themes_{name}_{scheme}_{lang}_{width}.png"))

        # the primary button (upload, a file chosen): the accent, and its words readable on it
        config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
        primary = config["theme"][scheme]["primaryColor"]
        _no_judgement_hue(_hex_rgb(primary), f"primaryColor {scheme}")
        sample = tmp_path / "rows.csv"
        sample.write_text("a,b\n1,2\n", encoding="utf-8")
        page = contexts[1400].pages[0]
        _open(page, f"{url}/upload")
        page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(sample))
        page.wait_for_function(
            "() => { const b = document.querySelector('[data-testid^=\"stBaseButton-primary\"]');"
            " return b && !b.disabled; }",
            timeout=30000,
        )
        settle(page)
        found = _readable(page, f"upload {scheme}")
        labels = [item for item in found if item["text"] == "โหลดข้อมูล"]
        assert labels and labels[0]["bg"] == list(_hex_rgb(primary)), labels
        page.screenshot(path=str(screenshots_dir / f"themes_upload_{scheme}.png"))
    finally:
        for context in contexts.values():
            context.close()


def test_streamlit_dark_theme_chosen_in_the_browser(app, screenshots_dir):
    """The system is light, but Streamlit's "Dark" was chosen earlier (Streamlit keeps the choice in
    localStorage): the page's own cards follow Streamlit's theme, not the system's."""
    url, browser = app
    context = browser.new_context(viewport={"width": 1400, "height": 900}, color_scheme="light")
    context.add_init_script("localStorage.setItem('stActiveTheme-' + location.pathname + '-v2', '\"Dark\"');")
    page = context.new_page()
    try:
        _open(page, f"{url}/overview?{AS_OF}")
        assert _theme_of(page) == "dark"
        assert _luminance(_card_background(page, CARDS["overview"])) < 0.2
        _readable(page, "overview streamlit-dark")
        page.screenshot(path=str(screenshots_dir / "themes_overview_streamlit_dark_th.png"))
    finally:
        context.close()
