"""The overview's first screen built once per published file and view (ui.cache.view_html, issue 16's
server time per visit), by AppTest on the demo database: a second viewer of the same view gets the same
HTML without it being built again; a view with another province, another language or links carrying
other sidebar choices is built for itself; a new published file builds everything again; and the HTML a
viewer gets from memory is, byte for byte, the HTML built afresh. The figures in it are recounted from
plain SQL (tests/totals_sql.py sql_totals: the nation's and Kalasin's paid baht as million baht).
"""

from __future__ import annotations

import os
import re
from datetime import date
from decimal import Decimal

import pytest
from streamlit.testing.v1 import AppTest

from tests.apptest_support import DASHBOARD

AS_OF = date(2019, 9, 30)


@pytest.fixture()
def builds(monkeypatch):
    """How many times each HTML builder of the overview ran (a counting wrapper around ui.light's
    row and risk_list and ui.light_status's tile_map, which the overview's builders call once each per build)."""
    from ui import light, light_status

    counts = {"row": 0, "risk_list": 0, "tile_map": 0}
    module_of = {"row": light, "risk_list": light, "tile_map": light_status}
    for name in counts:
        original = getattr(module_of[name], name)

        def counted(*args, _name=name, _original=original, **kwargs):
            counts[_name] += 1
            return _original(*args, **kwargs)

        monkeypatch.setattr(module_of[name], name, counted)
    return counts


def _overview(params: dict[str, str]) -> str:
    app = AppTest.from_file(DASHBOARD, default_timeout=180)
    for name, value in params.items():
        app.query_params[name] = value
    app.run()
    assert not app.exception, [item.value for item in app.exception]
    return "\n".join(element.proto.body for element in app.html)


def _paid_million(html: str) -> str:
    """The first screen's disbursed money (million baht, as shown)."""
    return re.search(r'data-figure="disbursed"[^>]*>([^<]+)<', html).group(1).strip()


def _million(amount: Decimal) -> str:
    return f"{float(amount) / 1e6:,.2f}"


def test_the_overview_first_screen_is_built_once_per_view(demo_db_copy, builds):
    from tests.totals_sql import sql_totals
    from ui import cache

    cache._VIEW_HTML.clear()
    national = {"as_of": AS_OF.isoformat()}
    first = _overview(national)
    once = dict(builds)
    assert once["row"] == 1 and once["risk_list"] >= 1 and once["tile_map"] == 1, once
    assert _paid_million(first) == _million(sql_totals(demo_db_copy, AS_OF)[2])

    # a second viewer of the same view: the same HTML, nothing built again
    assert _overview(national) == first
    assert builds == once

    # another province, another language: each built for itself, with its own figures and links
    kalasin = _overview({**national, "province": "46"})
    assert builds["row"] == 2
    assert _paid_million(kalasin) == _million(
        sql_totals(demo_db_copy, AS_OF, "owner_type = 'province' AND owner = ?", ("46",))[2]
    )
    english = _overview({**national, "lang": "en"})
    assert builds["row"] == 3
    assert "lang=en" in english and 'href="area?' in first and "lang=en" not in first  # the links' own view

    # from memory = built afresh, byte for byte
    cache._VIEW_HTML.clear()
    assert _overview(national) == first
    assert builds["row"] == 4

    # a new published file (another identity: here a new modification time) builds it again
    stat = demo_db_copy.stat()
    os.utime(demo_db_copy, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    assert _overview(national) == first
    assert builds["row"] == 5
