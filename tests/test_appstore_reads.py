"""What pages and exports read from the application store beside the loaded figures:
response rates per province and cluster (recounted here by hand), overdue responses, the
freshness threshold, cause labels, upload records of a real load."""

from __future__ import annotations

import hashlib
import shutil
import tomllib
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from appstore import (
    causes,
    followup_fresh_days,
    list_uploads,
    local_principal,
    overdue_responses,
    record_upload_results,
    response_rate_total,
    response_rates,
    save_response,
    with_responses,
)
from budget_metrics.filters import Filters
from budget_metrics.lagging import lagging_projects
from tests.appstore_support import (
    CENTRAL_NE,
    CHIANG_MAI,
    KALASIN,
    store_execute,
    store_rows,
)
from tests.etl_fixtures import query, write_projects

REFERENCE = Path(__file__).resolve().parents[1] / "data" / "reference"
LOCAL = local_principal()


def _toml_fresh_days(folder: Path = REFERENCE) -> int:
    with open(folder / "thresholds.toml", "rb") as handle:
        return int(tomllib.load(handle)["followup_fresh_days"]["value"])


def _as_utc(value) -> datetime:
    """A timestamp as either backend returns it to plain SQL (SQLite: naive UTC text)."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _backdate(url: str, code: str, when: datetime) -> None:
    """Set a response's save time by plain SQL (as if it had been saved then)."""
    value = when.astimezone(UTC).replace(tzinfo=None).isoformat(sep=" ") if url.startswith("sqlite") else when
    store_execute(url, "UPDATE followup_responses SET updated_at = :t WHERE project_code = :c", {"t": value, "c": code})


def _answer(code: str, url: str, **values) -> None:
    save_response(LOCAL, code, cause_code=values.pop("cause_code", "procurement_delayed"), url=url, **values)


def test_response_rates_match_a_recount(demo_db, app_db_url):
    filters = Filters()
    flagged = lagging_projects(filters)
    fresh_days = _toml_fresh_days()
    now = datetime.now(UTC) + timedelta(minutes=5)  # after every save below
    kalasin = flagged[flagged["owner"] == KALASIN]["project_code"].tolist()
    assert len(kalasin) >= 6
    cluster_plan = flagged[(flagged["owner_type"] == "cluster")]["project_code"].tolist()[:2]
    chiang_mai = flagged[flagged["owner"] == CHIANG_MAI]["project_code"].tolist()[:1]
    all_kalasin = [row[0] for row in query(demo_db, "SELECT project_code FROM projects WHERE owner = ?", [KALASIN])]
    not_flagged = min(set(all_kalasin) - set(kalasin))
    for code in [*kalasin[:6], *cluster_plan, *chiang_mai, not_flagged]:
        _answer(code, app_db_url)
    _backdate(app_db_url, kalasin[3], now - timedelta(days=fresh_days + 1))  # stale
    _backdate(app_db_url, kalasin[4], now - timedelta(days=fresh_days) + timedelta(minutes=1))  # just fresh
    _backdate(app_db_url, kalasin[5], now - timedelta(days=fresh_days) - timedelta(minutes=1))  # just stale

    # The recount: plain SQL on both stores, plain Python over the flagged projects.
    fresh = {
        (int(year), code)
        for year, code, saved in store_rows(
            app_db_url, "SELECT fiscal_year, project_code, updated_at FROM followup_responses"
        )
        if now - _as_utc(saved) < timedelta(days=fresh_days)
    }
    cluster_of = dict(query(demo_db, "SELECT province_code, cluster_code FROM provinces"))
    by_province, by_cluster = defaultdict(lambda: [0, 0]), defaultdict(lambda: [0, 0])
    for row in flagged.itertuples():
        answered = (int(row.fiscal_year), row.project_code) in fresh
        cluster = row.owner if row.owner_type == "cluster" else cluster_of[row.owner]
        if row.owner_type == "province":
            by_province[row.owner][0] += 1
            by_province[row.owner][1] += answered
        by_cluster[cluster][0] += 1
        by_cluster[cluster][1] += answered

    provinces = response_rates(filters, "province", now=now, url=app_db_url)  # computes the flags itself
    assert len(provinces) == 76
    for row in provinces.itertuples():
        count, answered = by_province.get(row.area_code, [0, 0])
        assert (row.flagged, row.responded) == (count, answered), row.area_code
        if count:
            assert row.rate_pct == pytest.approx(100 * answered / count)
        else:  # nothing flagged (e.g. every project fully paid): no rate, not 0%
            assert row.rate_pct is None or row.rate_pct != row.rate_pct, row.area_code
    # Hand arithmetic for Kalasin: 6 answered, one of them stale and one just stale.
    kalasin_row = provinces.set_index("area_code").loc[KALASIN]
    assert (kalasin_row["flagged"], kalasin_row["responded"]) == (len(kalasin), 4)
    assert kalasin_row["rate_pct"] == pytest.approx(400 / len(kalasin))

    clusters = response_rates(filters, "cluster", flagged=flagged, now=now, url=app_db_url)
    assert len(clusters) == 18
    for row in clusters.itertuples():
        count, answered = by_cluster.get(row.area_code, [0, 0])
        assert (row.flagged, row.responded) == (count, answered), row.area_code
    total = response_rate_total(filters, flagged=flagged, now=now, url=app_db_url)
    answered_flagged = sum(
        (int(y), c) in fresh for y, c in zip(flagged["fiscal_year"], flagged["project_code"], strict=True)
    )
    assert (total.flagged, total.responded) == (len(flagged), answered_flagged)
    assert total.responded == sum(v[1] for v in by_cluster.values())  # every flagged project has a cluster
    assert total.rate_pct == pytest.approx(100 * answered_flagged / len(flagged))

    # Narrowed to one cluster: only its provinces and itself.
    narrowed = response_rates(Filters(cluster=CENTRAL_NE), "province", now=now, url=app_db_url)
    assert set(narrowed["area_code"]) == {p for p, c in cluster_of.items() if c == CENTRAL_NE}


def test_overdue_responses(demo_db, app_db_url):
    as_of = date(2019, 9, 13)
    last_paid = dict(
        query(
            demo_db,
            """
        SELECT p.project_code, max(d.posting_date) FILTER (WHERE d.amount > 0 AND d.posting_date <= ?)
        FROM projects p LEFT JOIN disbursements d USING (project_code)
        WHERE p.owner = ? GROUP BY 1 ORDER BY 1""",
            [as_of, KALASIN],
        )
    )
    paid = sorted((day, code) for code, day in last_paid.items() if day is not None and day < as_of - timedelta(5))
    never_paid = sorted(code for code, day in last_paid.items() if day is None)
    assert len(paid) >= 5 and never_paid
    (_, a), (_, b), (l_c, c), (l_d, d), (l_g, g) = paid[0], paid[1], paid[2], paid[3], paid[4]
    e, f = paid[5][1], never_paid[0]

    _answer(a, app_db_url, expected_payment_date=date(2019, 8, 1))  # saved now, nothing paid since
    _answer(b, app_db_url, expected_payment_date=date(2019, 12, 31))  # not due by the data date
    _answer(c, app_db_url, expected_payment_date=l_c - timedelta(5))
    _backdate(app_db_url, c, datetime(l_c.year, l_c.month, l_c.day, tzinfo=UTC) - timedelta(days=10))  # paid after
    _answer(d, app_db_url, expected_payment_date=l_d + timedelta(2))
    _backdate(app_db_url, d, datetime(l_d.year, l_d.month, l_d.day, tzinfo=UTC) + timedelta(days=1))  # paid before
    _answer(e, app_db_url)  # no expected date
    _answer(f, app_db_url, expected_payment_date=date(2019, 9, 1))  # never paid
    # Saved 20:00 UTC on the payment day = 03:00 the next day in Bangkok: the payment came before.
    _answer(g, app_db_url, expected_payment_date=l_g + timedelta(2))
    _backdate(app_db_url, g, datetime(l_g.year, l_g.month, l_g.day, 20, tzinfo=UTC))

    overdue = overdue_responses(Filters(as_of=as_of, province=KALASIN), url=app_db_url)
    expected = {
        a: (as_of - date(2019, 8, 1)).days,
        d: (as_of - (l_d + timedelta(2))).days,
        f: (as_of - date(2019, 9, 1)).days,
        g: (as_of - (l_g + timedelta(2))).days,
    }
    assert dict(zip(overdue["project_code"], overdue["days_overdue"], strict=True)) == expected
    assert overdue["days_overdue"].is_monotonic_decreasing
    assert set(overdue["response_overdue"]) == {True}


def test_with_responses_puts_the_latest_answer_beside_each_project(demo_db, app_db_url):
    filters = Filters()
    flagged = lagging_projects(filters)
    code = flagged["project_code"].iloc[0]
    _answer(code, app_db_url, cause_code="land_permit", expected_amount="10.10", note="รอใบอนุญาต")
    joined = with_responses(flagged, date(2019, 9, 30), url=app_db_url)
    assert len(joined) == len(flagged) and joined["project_code"].tolist() == flagged["project_code"].tolist()
    row = joined[joined["project_code"] == code].iloc[0]
    assert (row["response_cause_en"], row["response_note"], row["response_version"]) == (
        "Land or permit",
        "รอใบอนุญาต",
        1,
    )
    assert str(row["response_expected_amount"]) == "10.10"
    assert (row["response_age_days"], bool(row["response_fresh"]), bool(row["response_overdue"])) == (0, True, False)
    others = joined[joined["project_code"] != code]
    assert others["response_cause_code"].isna().all() and not others["response_fresh"].any()


def test_fresh_days_come_from_the_loaded_thresholds_or_the_file(demo_db_copy, tmp_path, monkeypatch):
    assert (
        followup_fresh_days()
        == _toml_fresh_days()
        == int(query(demo_db_copy, "SELECT value FROM thresholds WHERE name = 'followup_fresh_days'")[0][0])
    )
    # An edited file counts once loaded; a database loaded before the entry existed falls back to the file.
    folder = tmp_path / "reference"
    shutil.copytree(REFERENCE, folder)
    text = (folder / "thresholds.toml").read_text()
    (folder / "thresholds.toml").write_text(
        text.replace(f"[followup_fresh_days]\nvalue = {_toml_fresh_days()}", "[followup_fresh_days]\nvalue = 45")
    )
    monkeypatch.setenv("BUDGET_REFERENCE", str(folder))
    assert followup_fresh_days() == _toml_fresh_days()  # the loaded value still rules
    with duckdb.connect(str(demo_db_copy)) as con:
        con.execute("DELETE FROM thresholds WHERE name = 'followup_fresh_days'")
    assert followup_fresh_days() == 45


def test_causes_are_the_seven_categories():
    frame = causes()
    assert frame["label_en"].tolist() == [
        "Procurement delayed",
        "Contractor performance",
        "Weather or disaster",
        "Land or permit",
        "Design change",
        "Reallocation pending",
        "Other",
    ]
    assert frame["label_th"].str.len().min() > 0 and frame["cause_code"].is_unique


def test_upload_record_of_a_real_load(demo_db_copy, app_db_url, tmp_path):
    from etl.load import load_files

    source = write_projects(tmp_path)
    results = load_files([source], db_path=demo_db_copy)
    content = source.read_bytes()
    upload_id = record_upload_results(LOCAL, file_name=source.name, content=content, results=results, url=app_db_url)
    ((load_id, rows, status),) = query(
        demo_db_copy,
        "SELECT load_id, rows_inserted, status FROM loads WHERE load_id = (SELECT max(load_id) FROM loads)",
    )
    recorded = list_uploads(url=app_db_url).iloc[0]
    assert recorded["id"] == upload_id
    assert recorded["sha256"] == hashlib.sha256(content).hexdigest()
    assert (recorded["file_name"], recorded["size_bytes"], recorded["uploaded_by"]) == (
        "projects.csv",
        len(content),
        "local",
    )
    assert (list(recorded["load_ids"]), recorded["status"], recorded["rows_loaded"], recorded["rows_rejected"]) == (
        [load_id],
        status,
        rows,
        0,
    )
    assert rows == 3
