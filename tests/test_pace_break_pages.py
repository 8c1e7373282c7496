"""The pace-break warning on the dashboard (issue 17), by AppTest on the demo on Friday 16 Aug 2019: the
overview's needs-intervention list puts the broken province first with its warning, and the province's
page says it on its line card; in Thai and in English. The province expected is the one the rule flags
when recomputed from plain SQL (tests/pace_break_sql.py)."""

from __future__ import annotations

from datetime import date

from streamlit.testing.v1 import AppTest

from budget_metrics.formatting import format_date
from tests.apptest_support import DASHBOARD
from tests.etl_fixtures import query
from tests.pace_break_sql import AS_OF, expected_flags


def _run(params: dict[str, str], page: str | None = None) -> AppTest:
    app = AppTest.from_file(DASHBOARD, default_timeout=180)
    for name, value in params.items():
        app.query_params[name] = value
    if page:
        app.switch_page(page)
    app.run()
    assert not app.exception, [item.value for item in app.exception]
    return app


def _html(app: AppTest) -> str:
    return "\n".join(element.proto.body for element in app.html)


def test_overview_list_and_area_page_show_the_warning(demo_db):
    flagged = expected_flags(demo_db, "province")
    assert len(flagged) >= 1
    code, since = next(iter(flagged.items()))
    names = dict(query(demo_db, "SELECT province_code, name_th || '|' || name_en FROM provinces"))
    name_th, name_en = names[code].split("|")
    assert isinstance(since, date)
    for lang in ("th", "en"):
        params = {"as_of": AS_OF.isoformat(), **({"lang": "en"} if lang == "en" else {})}
        overview = _html(_run(params))
        warning = ("อัตราการเบิกจ่ายลดลงตั้งแต่ " if lang == "th" else "pace has fallen since ") + format_date(since, lang)
        assert warning in overview, lang
        # first in the list: the first risk item is this province's, and carries the warning
        items = overview.split("<details")[1:]
        assert items and (name_th if lang == "th" else name_en) in items[0] and warning in items[0], lang
        # the province page's first screen says it too (on the line card of the line that broke)
        area = _html(_run({**params, "area": f"province:{code}"}, "pages/area.py"))
        assert warning in area and 'data-figure="pace_break"' in area, lang
    # a province the rule does not flag shows no warning on its page
    calm = next(c for c in names if c not in flagged)
    assert "อัตราการเบิกจ่ายลดลงตั้งแต่" not in _html(
        _run({"as_of": AS_OF.isoformat(), "area": f"province:{calm}"}, "pages/area.py")
    )
