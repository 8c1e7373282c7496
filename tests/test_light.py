"""ui/light.py: text from data never becomes markup; bars stay within 0-100; figures keep their names."""

from __future__ import annotations

import pandas as pd

from tests.overview_figures import figures
from ui import light, light_status
from ui.palette import STATUS_COLORS

HOSTILE = '<img src=x onerror="alert(1)">กาฬสินธุ์ & "Kalasin"'


def test_names_from_data_are_escaped_everywhere():
    rows = [{"name": HOSTILE, "value": HOSTILE}]
    table = light.ranked_list(
        rows, [light.ListColumn("v", lambda row: light.text(row["value"]))], "n", lambda row: light.text(row["name"])
    )
    boxes = light.figures([light.Figure("disbursed", HOSTILE, HOSTILE, HOSTILE)])
    card = light.card(HOSTILE, "", subtitle=HOSTILE, key=HOSTILE)
    tiles = pd.DataFrame(
        [
            {
                "province_code": '46"><b>',
                "row": 0,
                "col": 0,
                "status": "behind",
                "headline": "overall",
                "investment_status": "watch",
                "abbr_th": HOSTILE,
                "abbr_en": HOSTILE,
            }
        ]
    )
    tile_map = light_status.tile_map(tiles, "th", lambda code: f"area?area=province:{code}", lambda tile: HOSTILE)
    for html in (table, boxes, card, tile_map):
        assert "<img" not in html and "<b>" not in html, html
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;กาฬสินธุ์ &amp; &quot;Kalasin&quot;" in boxes
    # the parser the tests use reads the escaped text back as the original
    assert figures([boxes]) == {"disbursed": HOSTILE, "disbursed_change": HOSTILE}


def test_meter_clamps_to_the_bar_and_marks_the_target():
    html = light.meter(130.0, -5.0, "behind", band=(95.0, 120.0))
    assert "width:100.00%" in html and f"background:{STATUS_COLORS['behind']}" in html
    assert "left:calc(0.00% - 1px)" in html  # a negative target sits at the start
    assert "left:95.00%;width:5.00%" in html  # the band is cut at 100
    assert "bm-fill" not in light.meter(float("nan"), 50.0, "no_data")


def test_new_table_helpers_escape_names_from_data():
    """The speed pass's table helpers: headers, row labels and cells from input files stay text."""
    hostile = "<img src=x onerror=alert(1)><b>กาฬสินธุ์</b>"
    plain = light.plain_table([hostile, "บาท"], [[hostile, "1,234.50"]], numeric=[False, True], key=hostile)
    figures = light.figure_table([hostile, "กาฬสินธุ์"], [(hostile, ["<b>1.00</b>"])], key=hostile)
    for html in (plain, figures):
        assert "<img" not in html and "<b>กาฬสินธุ์" not in html, html
        assert "&lt;img src=x onerror=alert(1)&gt;&lt;b&gt;กาฬสินธุ์&lt;/b&gt;" in html
    assert "<b>1.00</b>" in figures  # figure_table's cells are HTML by contract, built by the page


# ---------------------------------------------------------------- light and dark (issue 15, item 1)
def _wcag(first: str, second: str) -> float:
    """WCAG 2 contrast of two '#rrggbb' colours, computed here (not ui.palette's)."""

    def lum(colour: str) -> float:
        parts = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        parts = [p / 12.92 if p <= 0.03928 else ((p + 0.055) / 1.055) ** 2.4 for p in parts]
        return 0.2126 * parts[0] + 0.7152 * parts[1] + 0.0722 * parts[2]

    high, low = sorted((lum(first), lum(second)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_status_colours_as_text_read_on_both_themes_and_keep_their_hue():
    """Each status colour drawn as text: a shade that reaches 4.5:1 on the light page (white) and on
    Streamlit's dark page (#0e1117), the same hue family (red stays reddest, green greenest)."""
    from ui.palette import text_shades

    for status, colour in STATUS_COLORS.items():
        on_light, on_dark = text_shades(colour)
        assert _wcag(on_light, "#ffffff") >= 4.5, (status, on_light)
        assert _wcag(on_dark, "#0e1117") >= 4.5, (status, on_dark)
        for shade in (on_light, on_dark):
            red, green, blue = (int(shade[i : i + 2], 16) for i in (1, 3, 5))
            if status == "behind":
                assert red > green and red > blue, shade
            if status == "on_track":
                assert green > red and green > blue, shade
    # the CSS a gap or a count is written in: both shades, picked by the theme
    assert light.status_text_colour("watch").startswith("light-dark(")


def test_text_on_a_fill_reads_on_it():
    """A badge's and a map tile's word on its status colour: white on red and green, dark on amber
    and grey (white on amber was 1.9:1)."""
    for status, colour in STATUS_COLORS.items():
        html = light.badge(status, "th")
        ink = html.split("color:")[1][:7]
        assert f"background:{colour}" in html
        assert _wcag(ink, colour) >= 4.5, (status, ink, colour)


def test_wide_tables_carry_their_headers_for_phones():
    """Every figure cell names its column (data-label), so a phone can show it under its header."""
    rows = [{"name": "ก", "value": 1}]
    table = light.ranked_list(
        rows,
        [light.ListColumn('คงเหลือ "ลบ."', lambda row: str(row["value"]))],
        "n",
        lambda row: light.text(row["name"]),
    )
    assert 'data-label="คงเหลือ &quot;ลบ.&quot;">1</td>' in table
    figures_html = light.figure_table(["รายการ", "กาฬสินธุ์"], [("โครงการ", ["12"])])
    assert '<td data-label="กาฬสินธุ์">12</td>' in figures_html
    plain = light.plain_table(["รหัส", "สถานะ"], [["46", "ok"]])
    assert 'data-label="สถานะ">ok</td>' in plain
    assert "@media (max-width:640px)" in light.STYLE and "content:attr(data-label)" in light.STYLE
