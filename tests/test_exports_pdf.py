"""The PDF executive brief: Thai text and figures are in it, it is 1-3 A4 pages, and page 1
is kept as a PNG under artifacts/screenshots/ for a person to look at."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date
from decimal import Decimal

import duckdb
import pypdf
import pytest

from budget_metrics import Filters
from exports.export import export_files
from tests.pdf_support import pdf_text, plain

AS_OF = date(2019, 9, 13)
EARLY_WORDS = "ต้นปีงบประมาณ การคาดการณ์มักต่ำกว่าผลจริง ให้ถือเป็นค่าขั้นต่ำ"  # written out: what a reader sees
# FY2562 targets on 13 Sep 2019 by hand (DOMAIN.md): Q3 end + two monthly steps + 13/30 of the third.
TARGET_OVERALL = 77 + 2 * (100 - 77) / 3 + (100 - 77) / 3 * 13 / 30
TARGET_INVESTMENT = 65 + 2 * (88 - 65) / 3 + (88 - 65) / 3 * 13 / 30


@pytest.fixture(scope="module")
def brief(national_export):
    """`export_files(Filters(as_of=AS_OF), "pdf", ...)`: the session's national export (tests/conftest.py)."""
    [path] = national_export.paths("pdf")
    return path


@pytest.fixture(scope="module")
def brief_text(brief) -> str:
    """pdf_text(brief), extracted once for the tests that search the national brief's text."""
    return pdf_text(brief)


def _province_gaps(db) -> list[tuple[str, float, float | None]]:
    """(Thai name, overall gap, investment gap) in points per province with projects, from raw
    tables; each line against its own target; furthest behind on the overall line first."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        rows = con.execute(
            """WITH moves AS (
                   SELECT p.project_code,
                          coalesce((SELECT sum(amount) FROM reallocations r WHERE r.to_project_code = p.project_code
                                    AND r.approved_date <= $as_of), 0)
                        - coalesce((SELECT sum(amount) FROM reallocations r WHERE r.from_project_code = p.project_code
                                    AND r.approved_date <= $as_of), 0) AS net
                   FROM projects p),
               paid AS (SELECT project_code, sum(amount) AS paid FROM disbursements
                        WHERE source = 'current' AND posting_date <= $as_of GROUP BY 1)
               SELECT v.name_th,
                      sum(p.allocated_amount + m.net) AS current,
                      sum(coalesce(d.paid, 0)) AS paid,
                      sum(p.allocated_amount + m.net) FILTER (WHERE p.budget_type = 'investment') AS inv_current,
                      sum(coalesce(d.paid, 0)) FILTER (WHERE p.budget_type = 'investment') AS inv_paid
               FROM projects p JOIN moves m USING (project_code) LEFT JOIN paid d USING (project_code)
               JOIN provinces v ON v.province_code = p.owner
               WHERE p.owner_type = 'province' AND p.fiscal_year = 2562
               GROUP BY 1""",
            {"as_of": AS_OF},
        ).fetchall()
    finally:
        con.close()
    gaps = []
    for name, current, paid, inv_current, inv_paid in rows:
        overall = 100 * float(paid) / float(current) - TARGET_OVERALL
        investment = 100 * float(inv_paid) / float(inv_current) - TARGET_INVESTMENT if inv_current else None
        gaps.append((name, overall, investment))
    return sorted(gaps, key=lambda item: item[1])


def test_brief_is_one_to_three_a4_pages(brief):
    reader = pypdf.PdfReader(brief)
    assert 1 <= len(reader.pages) <= 3
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4 in points
    assert brief.name == "budget-2562-asof-2019-09-13.pdf"


def test_brief_has_headline_figures_and_narrative(demo_db, brief_text):
    con = duckdb.connect(str(demo_db), read_only=True)
    try:
        paid = con.execute(
            """SELECT sum(amount) FROM disbursements WHERE source = 'current' AND posting_date <= ?
               AND project_code IN (SELECT project_code FROM projects WHERE fiscal_year = 2562)""",
            [AS_OF],
        ).fetchone()[0]
    finally:
        con.close()
    text = brief_text
    million = f"{Decimal(paid) / Decimal(1_000_000):,.2f}"
    assert plain(f"ณ วันที่ 13 ก.ย. 2562 ทั้งประเทศ เบิกจ่ายแล้ว {million} ล้านบาท") in text
    assert plain("คิดเป็นร้อยละ") in text
    assert plain("ต่ำกว่าเป้าหมาย") in text or plain("สูงกว่าเป้าหมาย") in text


def test_brief_names_the_ten_provinces_furthest_behind(demo_db, brief_text):
    text = brief_text
    assert plain("10 จังหวัดที่ห่างจากเป้าหมายภาพรวมมากที่สุด") in text  # ranked by the headline line
    behind = _province_gaps(demo_db)[:10]
    for name, overall, investment in behind:
        # name, then both lines' figures side by side
        assert plain(name) in text, (name, overall)
        assert plain(f"{overall:+,.2f}") in text, (name, overall)
        assert plain(f"{investment:+,.2f}") in text, (name, investment)


def test_brief_shows_each_line_against_its_own_target(demo_db, brief_text):
    text = brief_text
    assert plain(f"เป้าหมายภาพรวม {TARGET_OVERALL:.2f}%") in text
    assert plain(f"เป้าหมายงบลงทุน {TARGET_INVESTMENT:.2f}%") in text
    assert plain(f"ภาพรวม★ (เป้าหมาย {TARGET_OVERALL:.2f}%)") in text
    assert plain(f"งบลงทุน (เป้าหมาย {TARGET_INVESTMENT:.2f}%)") in text
    assert plain("ถ่วง") not in text  # no allocation-weighted blend anywhere


def test_brief_lists_the_clusters(demo_db, brief_text):
    con = duckdb.connect(str(demo_db), read_only=True)
    try:
        names = [row[0] for row in con.execute("SELECT name_th FROM clusters").fetchall()]
    finally:
        con.close()
    text = brief_text
    assert plain("ผลการเบิกจ่ายรายกลุ่มจังหวัด") in text
    for name in names:  # the table's header says กลุ่มจังหวัด, the rows drop that prefix
        assert plain(name.removeprefix("กลุ่มจังหวัด")) in text, name


def test_province_brief_is_about_that_province(demo_db, tmp_path):
    [path] = export_files(Filters(as_of=AS_OF, province="50"), "pdf", tmp_path)
    assert path.name == "budget-2562-asof-2019-09-13-province-50.pdf"
    text = pdf_text(path)
    assert plain("จังหวัดเชียงใหม่") in text
    assert plain(EARLY_WORDS) not in text  # 13 Sep is late in the year


def test_a_brief_made_before_february_says_the_projection_runs_low(demo_db, tmp_path):
    """From 1 Oct to 31 Jan the projection runs below the outcome (docs/projection.md, round 21): the brief says so
    in its projection paragraph, as the pages do."""
    [path] = export_files(Filters(as_of=date(2018, 11, 30), province="50"), "pdf", tmp_path)
    text = pdf_text(path)
    assert plain("ตามอัตราปัจจุบัน จังหวัดเชียงใหม่จะเบิกจ่ายได้ร้อยละ") in text
    assert plain(EARLY_WORDS) in text


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils (pdftoppm) not installed")
def test_page_one_rendered_for_review(brief, screenshots_dir):
    target = screenshots_dir / "brief-page1"
    subprocess.run(
        ["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile", str(brief), str(target)], check=True
    )
    png = target.with_suffix(".png")
    assert png.exists() and png.stat().st_size > 20_000


def _lagging_rows_by_sql(db, as_of, province: str) -> dict[str, tuple[str, Decimal, Decimal]]:
    """code -> (name, current allocation, money at risk = allocation - paid) of the province's
    own projects, by plain SQL."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        rows = con.execute(
            """SELECT p.project_code, p.project_name,
                      p.allocated_amount
                      + coalesce((SELECT sum(amount) FROM reallocations r WHERE r.to_project_code = p.project_code
                                  AND r.approved_date <= $d), 0)
                      - coalesce((SELECT sum(amount) FROM reallocations r WHERE r.from_project_code = p.project_code
                                  AND r.approved_date <= $d), 0) AS cur,
                      coalesce((SELECT sum(amount) FROM disbursements x WHERE x.project_code = p.project_code
                                AND x.source = 'current' AND x.posting_date <= $d), 0) AS paid
               FROM projects p WHERE p.fiscal_year = 2562 AND p.owner_type = 'province' AND p.owner = $o""",
            {"d": as_of, "o": province},
        ).fetchall()
    finally:
        con.close()
    return {code: (name, Decimal(cur), Decimal(cur) - Decimal(paid)) for code, name, cur, paid in rows}


def _million(amount: Decimal) -> str:
    return f"{float(amount) / 1e6:,.2f}"


@pytest.mark.parametrize(("province", "rows", "name_repeats"), [("46", 10, 1), ("53", 22, 2)])
def test_lagging_table_keeps_rows_whole_and_repeats_its_header(
    demo_db, tmp_path, monkeypatch, province, rows, name_repeats
):
    """A province brief lists its lagging projects with their codes. The table runs onto the
    next page: every page it is on carries its header, and each row sits whole on one page
    (its code, its full name and its amounts together).

    Kalasin (46) is the brief as made. The second case stresses the page breaks: all 22 of
    Uttaradit's (53) lagging projects (23 before issue 15 took the fully paid one off the list),
    each name written twice so rows are tall; without
    `break-inside: avoid` on the rows two of them are cut across pages (checked by hand).
    """
    import copy
    import re

    import exports.brief_pdf
    from exports.export import build_bundle

    monkeypatch.setattr(exports.brief_pdf, "TOP_BEHIND", rows)
    bundle = build_bundle(Filters(as_of=AS_OF, province=province))
    lagging = copy.copy(bundle.table("lagging"))
    lagging.frame = lagging.frame.assign(
        project_name=[" / ".join([name] * name_repeats) for name in lagging.frame["project_name"]]
    )
    bundle.tables = [lagging if table.name == "lagging" else table for table in bundle.tables]
    path = exports.brief_pdf.write_brief(bundle, tmp_path / "brief.pdf")

    expected = _lagging_rows_by_sql(demo_db, AS_OF, province)
    pages = [plain(page.extract_text()) for page in pypdf.PdfReader(path).pages]
    seen, pages_with_rows = [], 0
    for number, text in enumerate(pages, start=1):
        codes = re.findall(rf"62-{province}-\d{{4}}", text)
        if not codes:
            continue
        pages_with_rows += 1
        assert plain("รหัสโครงการโครงการงบประมาณ(ลบ.)ร้อยละยังไม่เบิกจ่าย(ลบ.)ประเด็น") in text, number  # the header
        for code in codes:
            name, allocation, at_risk = expected[code]
            full_name = " / ".join([name] * name_repeats)
            # code, the whole name, the allocation, the % and the money at risk: one row, on this page
            assert plain(f"{code}{full_name}{_million(allocation)}") in text, (number, code)
            assert plain(_million(at_risk)) in text, (number, code)
        seen += codes
    assert pages_with_rows >= 2  # the table does run onto another page
    assert len(seen) == len(set(seen)) == rows  # every row once, none cut into two pages
    risks = [expected[code][2] for code in seen]
    assert risks == sorted(risks, reverse=True)  # most money unpaid first


def test_footer_dates_are_buddhist_era(demo_db, brief):
    """Every page's footer: the area, the as-of date and the load time, in BE."""
    con = duckdb.connect(str(demo_db), read_only=True)
    try:
        published = con.execute("SELECT max(finished_at) FROM loads WHERE status <> 'refused'").fetchone()[0]
    finally:
        con.close()
    months = ["ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.", "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค."]
    loaded = f"{published.day} {months[published.month - 1]} {published.year + 543} {published:%H:%M}"
    for page in pypdf.PdfReader(brief).pages:
        text = plain(page.extract_text())
        assert plain(f"ทั้งประเทศ · ข้อมูล ณ วันที่ 13 ก.ย. 2562 · ข้อมูลโหลดล่าสุด {loaded}") in text
        assert str(published.year) not in text  # no CE year anywhere on the page


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils (pdftoppm) not installed")
def test_province_brief_pages_rendered_for_review(demo_db, tmp_path, screenshots_dir):
    """Kalasin's brief, every page, kept as PNGs: its lagging table runs onto page 2."""
    [path] = export_files(Filters(as_of=AS_OF, province="46"), "pdf", tmp_path)
    pages = len(pypdf.PdfReader(path).pages)
    target = screenshots_dir / "brief-province-46"
    subprocess.run(["pdftoppm", "-png", "-r", "80", str(path), str(target)], check=True)
    pngs = sorted(screenshots_dir.glob("brief-province-46-*.png"))
    assert len(pngs) >= pages >= 2 and all(png.stat().st_size > 20_000 for png in pngs)


def test_brief_projects_the_year_end_and_lists_provinces_needing_help(demo_db, brief_text):
    """The projection paragraph and the needs-intervention table, against sums made here: each
    project's projected 30 Sep payment (budget_metrics.projection, tested on its own) added up
    per area over plain-SQL allocations, ranked here by baht below the 100% year-end target."""
    from budget_metrics.projection import project_projection
    from tests.projection_sql import area_projects, project_money

    money = project_money(demo_db, AS_OF)
    projected = {
        row.project_code: (Decimal(repr(row.projected_disbursed)), Decimal(repr(row.projected_carryover)))
        for row in project_projection(Filters(as_of=AS_OF)).itertuples()
    }
    allocation = sum((row["allocation"] for row in money.values()), Decimal(0))
    paid_by_30_sep = sum((p for p, _ in projected.values()), Decimal(0))
    carryover = sum((c for _, c in projected.values()), Decimal(0))
    text = brief_text
    assert (
        plain(f"ตามอัตราปัจจุบัน ทั้งประเทศจะเบิกจ่ายได้ร้อยละ {paid_by_30_sep / allocation * 100:.0f} ภายใน 30 ก.ย. 2562")
        in text
    )
    assert plain(f"คาดว่าจะกันเงินเหลื่อมปีประมาณ {carryover / 1_000_000:,.1f} ล้านบาท") in text

    con = duckdb.connect(str(demo_db), read_only=True)
    try:
        names = dict(con.execute("SELECT province_code, name_th FROM provinces").fetchall())
    finally:
        con.close()
    short = []  # (baht below the 100% target, name) of provinces projected more than 10 points short
    for code, name in names.items():
        mine = area_projects(money, "province", code)
        area_allocation = sum((money[c]["allocation"] for c in mine), Decimal(0))
        area_projected = sum((projected[c][0] for c in mine), Decimal(0))
        if mine and area_projected / area_allocation * 100 < 100 - 10:
            short.append((area_allocation - area_projected, name))
    short.sort(reverse=True)
    assert plain(f"จังหวัดที่ต้องเร่งรัด (5 อันดับแรกจาก {len(short)} จังหวัด ตามเงินที่เสี่ยง)") in text
    table = text.split(plain("โครงการที่เป็นสาเหตุหลัก"), 1)[1]
    positions = [table.index(plain(f"{name}")) for _, name in short[:5]]
    assert positions == sorted(positions)
    for at_risk, _ in short[:5]:
        assert f"{at_risk / 1_000_000:,.2f}" in table


def test_curve_lines_in_the_dashboards_colours(brief, tmp_path):
    """The PDF's curve draws each line in the dashboard's hue (ui/palette.py: overall blue,
    investment purple) and no line in orange, which means 'watch' on the dashboard. Read from
    page one rendered to pixels (poppler), not from the program's SVG."""
    import numpy
    from PIL import Image

    from ui.palette import LINE_COLOURS, WATCH

    subprocess.run(
        ["pdftoppm", "-png", "-r", "110", "-f", "1", "-l", "1", "-singlefile", str(brief), str(tmp_path / "page1")],
        check=True,
    )
    pixels = numpy.asarray(Image.open(tmp_path / "page1.png").convert("RGB"), dtype=int).reshape(-1, 3)

    def count(hex_colour: str, tolerance: int = 18) -> int:
        wanted = numpy.array([int(hex_colour[i : i + 2], 16) for i in (1, 3, 5)])
        return int((numpy.abs(pixels - wanted) <= tolerance).all(axis=1).sum())

    assert count(LINE_COLOURS["overall"][0]) > 200  # the overall line, solid
    assert count(LINE_COLOURS["investment"][0]) > 200  # the investment line, solid
    assert count("#d35400") == 0 and count(WATCH) == 0  # no orange line
