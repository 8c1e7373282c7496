"""Follow-up responses: history, audit, input checks alike on SQLite and PostgreSQL, exact
amounts, and saves that race each other without losing one."""

from __future__ import annotations

import itertools
import json
import threading
from datetime import date
from decimal import Decimal

import pytest

from appstore import (
    UnknownProject,
    ValidationError,
    audit_log,
    cli_principal,
    latest_responses,
    local_principal,
    principal_for_email,
    record_upload,
    remove_user,
    response_history,
    save_response,
    set_user,
)
from tests.appstore_support import KALASIN, project_of, start_together, store_rows

ADMIN = cli_principal()


def _changes(value) -> dict:
    return value if isinstance(value, dict) else json.loads(value)


def test_every_save_is_kept_with_who_when_old_and_new(demo_db, app_db_url):
    set_user(ADMIN, "kalasin@example.org", "province", [KALASIN], url=app_db_url)
    set_user(ADMIN, "c07@example.org", "cluster", clusters=["C07"], url=app_db_url)
    kalasin = principal_for_email("kalasin@example.org", url=app_db_url)
    cluster = principal_for_email("c07@example.org", url=app_db_url)
    code = project_of(demo_db, KALASIN)

    first = save_response(
        kalasin,
        code,
        cause_code="procurement_delayed",
        action_taken="ประกาศประกวดราคาใหม่",
        expected_payment_date=date(2019, 8, 30),
        expected_amount="1,250,000.50",
        url=app_db_url,
    )
    second = save_response(
        cluster,
        code,
        cause_code="contractor_performance",
        action_taken="ประกาศประกวดราคาใหม่",
        expected_payment_date="2019-09-20",
        expected_amount=Decimal("1250000.50"),
        note="ผู้รับจ้างขอขยายเวลา",
        url=app_db_url,
    )
    third = save_response(
        kalasin,
        code,
        cause_code="contractor_performance",
        action_taken="ประกาศประกวดราคาใหม่",
        expected_payment_date="2019-09-20",
        expected_amount=1250000.5,
        note="ผู้รับจ้างขอขยายเวลา",
        url=app_db_url,
    )  # the same answer, re-confirmed
    assert (first.version, second.version, third.version) == (1, 2, 3)
    assert first.saved_at < second.saved_at < third.saved_at

    rows = store_rows(
        app_db_url,
        "SELECT version, saved_by, cause_code, note, expected_amount, changes "
        "FROM followup_response_history WHERE project_code = :c ORDER BY version",
        {"c": code},
    )
    assert [(r[0], r[1], r[2], r[3]) for r in rows] == [
        (1, "kalasin@example.org", "procurement_delayed", None),
        (2, "c07@example.org", "contractor_performance", "ผู้รับจ้างขอขยายเวลา"),
        (3, "kalasin@example.org", "contractor_performance", "ผู้รับจ้างขอขยายเวลา"),
    ]
    assert all(Decimal(str(r[4])).quantize(Decimal("0.01")) == Decimal("1250000.50") for r in rows)
    assert _changes(rows[0][5]) == {
        "cause_code": {"old": None, "new": "procurement_delayed"},
        "action_taken": {"old": None, "new": "ประกาศประกวดราคาใหม่"},
        "expected_payment_date": {"old": None, "new": "2019-08-30"},
        "expected_amount": {"old": None, "new": "1250000.50"},
    }
    assert _changes(rows[1][5]) == {
        "cause_code": {"old": "procurement_delayed", "new": "contractor_performance"},
        "expected_payment_date": {"old": "2019-08-30", "new": "2019-09-20"},
        "note": {"old": None, "new": "ผู้รับจ้างขอขยายเวลา"},
    }
    assert _changes(rows[2][5]) == {}

    history = response_history(code, url=app_db_url)
    assert history["version"].tolist() == [1, 2, 3]
    assert history["saved_by"].tolist() == ["kalasin@example.org", "c07@example.org", "kalasin@example.org"]
    assert history["changed_fields"].tolist() == [
        "cause_code, action_taken, expected_payment_date, expected_amount",
        "cause_code, expected_payment_date, note",
        "",
    ]
    assert history["cause_en"].tolist() == ["Procurement delayed", "Contractor performance", "Contractor performance"]
    assert history["saved_at"].is_monotonic_increasing

    latest = latest_responses(2562, url=app_db_url)
    assert len(latest) == 1
    row = latest.iloc[0]
    assert (row["project_code"], row["version"], row["updated_by"], row["created_by"]) == (
        code,
        3,
        "kalasin@example.org",
        "kalasin@example.org",
    )
    assert row["expected_amount"] == Decimal("1250000.50") and isinstance(row["expected_amount"], Decimal)
    assert row["expected_payment_date"] == date(2019, 9, 20)
    assert row["updated_at"] == third.saved_at and row["created_at"] == first.saved_at
    assert row["cause_th"] == "ผู้รับจ้างทำงานล่าช้าหรือไม่เป็นไปตามสัญญา"


def test_audit_log_has_a_row_per_write(demo_db, app_db_url):
    set_user(ADMIN, "kalasin@example.org", "province", [KALASIN], url=app_db_url)
    set_user(ADMIN, "kalasin@example.org", "province", [KALASIN, "47"], url=app_db_url)
    kalasin = principal_for_email("kalasin@example.org", url=app_db_url)
    code = project_of(demo_db, KALASIN)
    save_response(kalasin, code, cause_code="other", url=app_db_url)
    save_response(local_principal(), code, cause_code="design_change", url=app_db_url)
    record_upload(
        kalasin,
        file_name="kalasin.xlsx",
        sha256="a" * 64,
        size_bytes=1024,
        load_ids=[7, 8],
        status="loaded_with_rejects",
        rows_loaded=10,
        rows_rejected=1,
        url=app_db_url,
    )
    remove_user(ADMIN, "kalasin@example.org", url=app_db_url)

    rows = store_rows(app_db_url, "SELECT actor, action, target FROM audit_log ORDER BY id")
    actor = ADMIN.actor
    assert rows == [
        (actor, "user.set", "kalasin@example.org"),
        (actor, "user.set", "kalasin@example.org"),
        ("kalasin@example.org", "followup.save", f"2562/{code}"),
        ("local", "followup.save", f"2562/{code}"),
        ("kalasin@example.org", "upload.record", "kalasin.xlsx"),
        (actor, "user.remove", "kalasin@example.org"),
    ]
    log = audit_log(url=app_db_url)
    assert log["action"].tolist()[0] == "user.remove"  # newest first
    second_set = log[log["action"] == "user.set"].iloc[0]["details"]
    assert second_set["old"] == {"role": "province", "provinces": [KALASIN], "clusters": []}
    assert second_set["new"] == {"role": "province", "provinces": [KALASIN, "47"], "clusters": []}
    save = log[log["actor"] == "local"].iloc[0]["details"]
    assert save["owner"] == KALASIN and save["version"] == 2
    assert save["changes"]["cause_code"] == {"old": "other", "new": "design_change"}
    stamps = log["at"].tolist()[::-1]
    assert stamps == sorted(stamps) and all(s.tzinfo is not None for s in stamps)


# Text fields: (limit, how to call the write with a value). Thai text at the limit checks
# that both backends count characters alike (PostgreSQL varchar(n) counts characters).
def _save_text(field):
    def write(value, demo_db, url):
        return save_response(
            local_principal(), project_of(demo_db, KALASIN), cause_code="other", **{field: value}, url=url
        )

    return write


def _upload_name(value, demo_db, url):
    return record_upload(
        local_principal(), file_name=value, sha256="b" * 64, size_bytes=1, load_ids=[], status="refused", url=url
    )


TEXT_LIMITS = {
    "action_taken": (1000, _save_text("action_taken")),
    "note": (2000, _save_text("note")),
    "file_name": (255, _upload_name),
}


@pytest.mark.parametrize("field", list(TEXT_LIMITS))
def test_text_limits_are_the_same_on_both_backends(demo_db, app_db_url, field):
    limit, write = TEXT_LIMITS[field]
    at_limit = ("ก่อสร้างถนน" * limit)[:limit]
    assert len(at_limit) == limit
    write(at_limit, demo_db, app_db_url)
    stored = store_rows(
        app_db_url,
        {
            "action_taken": "SELECT action_taken FROM followup_responses",
            "note": "SELECT note FROM followup_responses",
            "file_name": "SELECT file_name FROM uploads",
        }[field],
    )
    assert stored == [(at_limit,)]
    before = store_rows(app_db_url, "SELECT count(*) FROM audit_log")
    with pytest.raises(ValidationError) as refused:
        write(at_limit + "ก", demo_db, app_db_url)
    assert refused.value.field == field
    assert f"{limit + 1:,} characters long; at most {limit:,}" in refused.value.message_en
    assert store_rows(app_db_url, "SELECT count(*) FROM audit_log") == before


def test_email_and_project_code_limits(demo_db, app_db_url):
    local = "a" * 64
    domain = ".".join(["b" * 63, "c" * 63, "d" * 57]) + ".org"  # 63+1+63+1+57+4 = 189
    email = f"{local}@{domain}"
    assert len(email) == 254
    set_user(ADMIN, email, "viewer", url=app_db_url)
    assert store_rows(app_db_url, "SELECT email FROM users") == [(email,)]
    with pytest.raises(ValidationError) as refused:
        set_user(ADMIN, "e" + email, "viewer", url=app_db_url)
    assert refused.value.field == "email"
    with pytest.raises(ValidationError) as refused:
        save_response(local_principal(), "X" * 65, cause_code="other", url=app_db_url)
    assert refused.value.field == "project_code"
    with pytest.raises(UnknownProject):
        save_response(local_principal(), "X" * 64, cause_code="other", url=app_db_url)


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        (Decimal("9999999999999.99"), Decimal("9999999999999.99")),  # the largest accepted amount
        (1234.5, Decimal("1234.50")),  # a float from a number input
        ("1,234,567.05", Decimal("1234567.05")),
        (0, Decimal("0.00")),
        (None, None),
    ],
)
def test_amounts_are_exact(demo_db, app_db_url, given, stored):
    code = project_of(demo_db, KALASIN)
    save_response(local_principal(), code, cause_code="other", expected_amount=given, url=app_db_url)
    assert latest_responses(url=app_db_url)["expected_amount"].tolist() == [stored]
    raw = store_rows(app_db_url, "SELECT expected_amount FROM followup_responses")[0][0]
    assert (None if raw is None else Decimal(str(raw)).quantize(Decimal("0.01"))) == stored


@pytest.mark.parametrize(
    ("field", "values"),
    [
        ("expected_amount", [Decimal("1e13"), "-1", "0.001", "12,3a", float("nan"), True]),
        # no such day; a 2-digit year is BE (2519 = 1976) and a CE-typed BE year (2562 CE) are outside
        # the project's fiscal year 2562 and the two after it; not a date at all
        (
            "expected_payment_date",
            ["31/02/2562", "2019-02-30", "30/09/19", date(2562, 10, 15), "30/09/2565", "next week"],
        ),
        ("cause_code", ["late", "", None]),
    ],
)
def test_bad_values_are_refused_before_anything_is_written(demo_db, app_db_url, field, values):
    code = project_of(demo_db, KALASIN)
    for value in values:
        arguments = {"cause_code": "other", field: value}
        with pytest.raises(ValidationError) as refused:
            save_response(local_principal(), code, **arguments, url=app_db_url)
        assert refused.value.field == field
        assert refused.value.message_th and refused.value.message_en
    assert latest_responses(url=app_db_url).empty


def test_dates_typed_in_thai_are_stored_as_the_day_they_name(demo_db, app_db_url):
    """The ways a Thai official types 15 Oct 2019 (BE, Thai digits, month names, CE) all store
    2019-10-15; the first and last day of the accepted window (1 Oct 2561 .. 30 Sep 2564) too."""
    code = project_of(demo_db, KALASIN)
    typed = ["15/10/2562", "๑๕/๑๐/๒๕๖๒", "15 ต.ค. 62", "15 ตุลาคม 2562", "15/10/2019", "2019-10-15"]
    for text in typed:
        save_response(local_principal(), code, cause_code="other", expected_payment_date=text, url=app_db_url)
    for text in ("1/10/2561", "30/9/2564"):
        save_response(local_principal(), code, cause_code="other", expected_payment_date=text, url=app_db_url)
    stored = store_rows(
        app_db_url,
        "SELECT version, expected_payment_date FROM followup_response_history WHERE project_code = :c ORDER BY version",
        {"c": code},
    )
    assert [str(day)[:10] for _, day in stored] == ["2019-10-15"] * len(typed) + ["2018-10-01", "2021-09-30"]


def test_unknown_project_is_refused(demo_db, app_db_url):
    with pytest.raises(UnknownProject) as refused:
        save_response(local_principal(), "62-99-9999", cause_code="other", url=app_db_url)
    assert "62-99-9999" in refused.value.message_en


def _check_no_save_lost(url: str, code: str, saves: int, actions: set[str]) -> None:
    """Versions 1..saves, every saved text in the history, and each save's "old" value is
    exactly what the save before it stored: no save overwrote another unseen."""
    rows = store_rows(
        url,
        "SELECT version, action_taken, changes FROM followup_response_history WHERE project_code = :c ORDER BY version",
        {"c": code},
    )
    assert [r[0] for r in rows] == list(range(1, saves + 1))
    assert {r[1] for r in rows} == actions
    for previous, this in itertools.pairwise(rows):
        assert _changes(this[2])["action_taken"] == {"old": previous[1], "new": this[1]}
    assert store_rows(
        url, "SELECT version, action_taken FROM followup_responses WHERE project_code = :c", {"c": code}
    ) == [(saves, rows[-1][1])]
    assert store_rows(url, "SELECT count(*) FROM audit_log WHERE action = 'followup.save'") == [(saves,)]


def test_concurrent_saves_from_threads_lose_nothing(demo_db, app_db_url):
    set_user(ADMIN, "kalasin@example.org", "province", [KALASIN], url=app_db_url)
    kalasin = principal_for_email("kalasin@example.org", url=app_db_url)
    code = project_of(demo_db, KALASIN, offset=1)  # never saved before: the first saves race on the insert
    threads, per_thread = 6, 4
    barrier = threading.Barrier(threads)
    errors: list[BaseException] = []

    def work(n: int) -> None:
        try:
            barrier.wait()
            for k in range(per_thread):
                save_response(kalasin, code, cause_code="other", action_taken=f"thread {n} save {k}", url=app_db_url)
        except BaseException as error:  # noqa: BLE001  (reported below)
            errors.append(error)

    running = [threading.Thread(target=work, args=(n,)) for n in range(threads)]
    for thread in running:
        thread.start()
    for thread in running:
        thread.join(timeout=300)
    assert errors == []
    _check_no_save_lost(
        app_db_url,
        code,
        threads * per_thread,
        {f"thread {n} save {k}" for n in range(threads) for k in range(per_thread)},
    )


SAVE_TOGETHER = """
import sys, time
from pathlib import Path
from appstore import local_principal, save_response, upgrade
url, folder, me, code, count = sys.argv[1], Path(sys.argv[2]), sys.argv[3], sys.argv[4], int(sys.argv[5])
upgrade(url)
(folder / f"ready-{me}").touch()
while not (folder / "go").exists():
    time.sleep(0.002)
for k in range(count):
    save_response(local_principal(), code, cause_code="other", action_taken=f"process {me} save {k}", url=url)
"""


def test_concurrent_saves_from_processes_lose_nothing(demo_db, app_db_url, tmp_path):
    code = project_of(demo_db, KALASIN, offset=2)
    processes, per_process = 2, 8
    results = start_together(
        SAVE_TOGETHER, [[app_db_url, str(tmp_path), str(n), code, str(per_process)] for n in range(processes)], tmp_path
    )
    for returncode, _out, err in results:
        assert returncode == 0, err
    _check_no_save_lost(
        app_db_url,
        code,
        processes * per_process,
        {f"process {n} save {k}" for n in range(processes) for k in range(per_process)},
    )


def test_a_project_loaded_after_a_save_can_be_answered(demo_db_copy, app_db_url, tmp_path):
    """Owners are cached per published DuckDB file; a new load publishes a new one."""
    from etl.load import load_files
    from tests.etl_fixtures import write_projects

    save_response(local_principal(), project_of(demo_db_copy, KALASIN), cause_code="other", url=app_db_url)
    with pytest.raises(UnknownProject):
        save_response(local_principal(), "P01", cause_code="other", url=app_db_url)
    load_files([write_projects(tmp_path)], db_path=demo_db_copy)  # P01: a Chiang Mai project
    set_user(ADMIN, "cm@example.org", "province", ["50"], url=app_db_url)
    saved = save_response(
        principal_for_email("cm@example.org", url=app_db_url), "P01", cause_code="other", url=app_db_url
    )
    assert (saved.project_code, saved.fiscal_year, saved.version) == ("P01", 2562, 1)
