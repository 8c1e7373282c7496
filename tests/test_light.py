"""ui/light.py: text from data never becomes markup; bars stay within 0-100; figures keep their names."""

from __future__ import annotations

import pandas as pd

from tests.overview_figures import figures
from ui import light
from ui.palette import STATUS_COLORS

HOSTILE = '<img src=x onerror="alert(1)">กาฬสินธุ์ & "Kalasin"'


def test_names_from_data_are_escaped_everywhere():
    rows = [{"name": HOSTILE, "value": HOSTILE}]
    table = light.ranked_list(rows, [light.ListColumn("v", lambda row: light.text(row["value"]))], "n",
                              lambda row: light.text(row["name"]))
    boxes = light.figures([light.Figure("disbursed", HOSTILE, HOSTILE, HOSTILE)])
    card = light.card(HOSTILE, "", subtitle=HOSTILE, key=HOSTILE)
    tiles = pd.DataFrame([{"province_code": '46"><b>', "row": 0, "col": 0, "status": "behind", "headline": "overall",
                           "investment_status": "watch", "abbr_th": HOSTILE, "abbr_en": HOSTILE}])
    tile_map = light.tile_map(tiles, "th", lambda code: f"area?area=province:{code}", lambda tile: HOSTILE)
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
    hostile = '<img src=x onerror=alert(1)><b>กาฬสินธุ์</b>'
    plain = light.plain_table([hostile, "บาท"], [[hostile, "1,234.50"]], numeric=[False, True], key=hostile)
    figures = light.figure_table([hostile, "กาฬสินธุ์"], [(hostile, ["<b>1.00</b>"])], key=hostile)
    for html in (plain, figures):
        assert "<img" not in html and "<b>กาฬสินธุ์" not in html, html
        assert "&lt;img src=x onerror=alert(1)&gt;&lt;b&gt;กาฬสินธุ์&lt;/b&gt;" in html
    assert "<b>1.00</b>" in figures  # figure_table's cells are HTML by contract, built by the page
