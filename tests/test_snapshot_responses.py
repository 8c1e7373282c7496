"""Weekly snapshots freeze the follow-up responses (database schema v3).

A database written before responses were frozen (schema v2, no snapshot_responses table) is
read without error, upgraded by the next write session (the snapshot itself), and from then
on each snapshot keeps the answers as they stood when it was taken: a later save changes the
live view, not the frozen week. Checked with plain SQL on both files.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import duckdb

from budget_metrics import Filters
from tests.appstore_support import KALASIN, project_of, store_rows
from tests.etl_fixtures import query

AS_OF = date(2019, 9, 13)


def _make_version_2(db) -> None:
    con = duckdb.connect(str(db))
    try:
        con.execute("DROP TABLE snapshot_responses")
        con.execute("DELETE FROM schema_info")
        con.execute("INSERT INTO schema_info VALUES (2, now())")
    finally:
        con.close()


def _utc(value) -> datetime:
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return moment.replace(tzinfo=None) if moment.tzinfo is None else moment.astimezone(UTC).replace(tzinfo=None)


def test_a_version_2_file_upgrades_and_its_snapshots_freeze_the_answers(demo_db_copy, tmp_path, monkeypatch):
    import appstore
    from appstore.followup import response_source
    from budget_metrics.snapshots import snapshot_responses
    from etl.schema import SCHEMA_VERSION
    from etl.snapshot import take_snapshot

    url = f"sqlite:///{tmp_path / 'app.sqlite'}"
    monkeypatch.setenv("BUDGET_APP_DB", url)
    appstore.upgrade()
    _make_version_2(demo_db_copy)
    assert snapshot_responses(1).empty  # the read side copes with a v2 file

    local = appstore.local_principal()
    first, second = project_of(demo_db_copy, KALASIN, offset=0), project_of(demo_db_copy, KALASIN, offset=1)
    appstore.save_response(local, first, cause_code="design_change", expected_amount="98765.43", note="ก่อนภาพนิ่ง")
    appstore.save_response(local, second, cause_code="other", expected_payment_date=date(2019, 10, 4))
    result = take_snapshot(2562, AS_OF, db_path=demo_db_copy)

    assert query(demo_db_copy, "SELECT max(version) FROM schema_info")[0][0] == SCHEMA_VERSION == 4
    frozen = query(
        demo_db_copy,
        "SELECT project_code, cause_code, expected_amount, expected_payment_date, note, "
        "version, updated_at, updated_by FROM snapshot_responses WHERE snapshot_id = ? "
        "ORDER BY project_code",
        [result.snapshot_id],
    )
    stored = store_rows(
        url,
        "SELECT project_code, cause_code, expected_amount, expected_payment_date, note, "
        "version, updated_at, updated_by FROM followup_responses ORDER BY project_code",
    )
    assert len(frozen) == len(stored) == 2
    for got, want in zip(frozen, stored, strict=True):
        assert got[:2] == want[:2]
        assert got[2] == (None if want[2] is None else Decimal(str(want[2])))  # DECIMAL, exact
        assert (got[3], got[4], got[5], got[7]) == (
            None if want[3] is None else date.fromisoformat(str(want[3])),
            want[4],
            want[5],
            want[7],
        )
        assert got[6] == _utc(want[6])

    # a save after the snapshot: the live view moves on, the frozen week does not
    appstore.save_response(local, first, cause_code="design_change", expected_amount="98765.43", note="หลังภาพนิ่ง")
    filters = Filters(as_of=AS_OF)
    frozen_source = response_source(filters, frozen=True)
    assert frozen_source.frozen and frozen_source.snapshot_id == result.snapshot_id
    notes = dict(zip(frozen_source.responses["project_code"], frozen_source.responses["note"], strict=True))
    assert notes[first] == "ก่อนภาพนิ่ง"
    live = response_source(filters, frozen=False)
    assert not live.frozen
    live_notes = dict(store_rows(url, "SELECT project_code, note FROM followup_responses"))
    assert live_notes[first] == "หลังภาพนิ่ง"
    assert response_source(Filters(as_of=date(2019, 9, 20)), frozen=True).frozen is False  # no snapshot that day
