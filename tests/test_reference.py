"""Reference data: 76 provinces, 18 clusters, each province in exactly one cluster."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import duckdb
import pytest

from etl.store import write_session
from reference_data import ReferenceError, read_owner_aliases

REFERENCE = Path(__file__).resolve().parents[1] / "data" / "reference"

# DOMAIN.md's cluster table, as cluster name -> member count (independent of the CSVs).
CLUSTER_SIZES = {
    "ภาคเหนือตอนบน 1": 4,
    "ภาคเหนือตอนบน 2": 4,
    "ภาคเหนือตอนล่าง 1": 5,
    "ภาคเหนือตอนล่าง 2": 4,
    "ภาคตะวันออกเฉียงเหนือตอนบน 1": 5,
    "ภาคตะวันออกเฉียงเหนือตอนบน 2": 3,
    "ภาคตะวันออกเฉียงเหนือตอนกลาง": 4,
    "ภาคตะวันออกเฉียงเหนือตอนล่าง 1": 4,
    "ภาคตะวันออกเฉียงเหนือตอนล่าง 2": 4,
    "ภาคกลางตอนบน": 4,
    "ภาคกลางปริมณฑล": 4,
    "ภาคกลางตอนล่าง 1": 4,
    "ภาคกลางตอนล่าง 2": 4,
    "ภาคตะวันออก 1": 4,
    "ภาคตะวันออก 2": 5,
    "ภาคใต้ฝั่งอ่าวไทย": 5,
    "ภาคใต้ฝั่งอันดามัน": 6,
    "ภาคใต้ชายแดน": 3,
}


def test_reference_files_have_76_provinces_in_18_clusters():
    with open(REFERENCE / "provinces.csv", encoding="utf-8") as handle:
        provinces = list(csv.DictReader(handle))
    with open(REFERENCE / "clusters.csv", encoding="utf-8") as handle:
        clusters = list(csv.DictReader(handle))
    assert len(provinces) == 76
    assert len({p["province_code"] for p in provinces}) == 76
    assert "10" not in {p["province_code"] for p in provinces}  # Bangkok has no provincial plan
    assert len(clusters) == 18
    sizes = {}
    for province in provinces:
        sizes[province["cluster_code"]] = sizes.get(province["cluster_code"], 0) + 1
    by_name = {c["name_th"].removeprefix("กลุ่มจังหวัด"): sizes[c["cluster_code"]] for c in clusters}
    assert by_name == CLUSTER_SIZES


def test_every_write_session_loads_reference_tables(tmp_path):
    db = tmp_path / "fresh.duckdb"
    with write_session(db):
        pass
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT count(*) FROM provinces").fetchone()[0] == 76
    assert con.execute("SELECT count(*) FROM clusters").fetchone()[0] == 18
    # each province in exactly one cluster that exists
    orphans = con.execute(
        "SELECT count(*) FROM provinces p LEFT JOIN clusters c USING (cluster_code) WHERE c.cluster_code IS NULL"
    ).fetchone()[0]
    assert orphans == 0
    assert con.execute("SELECT count(*) FROM targets WHERE fiscal_year = 2562").fetchone()[0] == 8
    assert con.execute("SELECT value FROM thresholds WHERE name = 'idle_weeks'").fetchone()[0] > 0


def test_chiang_mai_is_centre_of_upper_north_1(tmp_path):
    db = tmp_path / "fresh.duckdb"
    with write_session(db):
        pass
    con = duckdb.connect(str(db), read_only=True)
    row = con.execute(
        "SELECT p.name_th FROM clusters c JOIN provinces p ON p.province_code = c.centre_province_code "
        "WHERE c.name_th = 'กลุ่มจังหวัดภาคเหนือตอนบน 1'"
    ).fetchone()
    assert row == ("เชียงใหม่",)


def test_headline_line_setting_is_loaded_from_reporting_toml(tmp_path):
    import tomllib

    with open(REFERENCE / "reporting.toml", "rb") as handle:
        wanted = tomllib.load(handle)["headline_line"]["value"]
    assert wanted == "overall"  # the Comptroller General's headline is the default
    db = tmp_path / "fresh.duckdb"
    with write_session(db):
        pass
    con = duckdb.connect(str(db), read_only=True)
    try:
        assert con.execute("SELECT value FROM report_settings WHERE name = 'headline_line'").fetchone()[0] == wanted
        assert con.execute("SELECT max(version) FROM schema_info").fetchone()[0] == 4  # v4: held rows (etl/state.py)
    finally:
        con.close()


def test_a_version_1_file_upgrades_and_reads_overall_until_then(tmp_path, monkeypatch):
    """A database written before reporting.toml existed (schema v1, no report_settings): the
    read side falls back to the overall line; the next write session adds the table."""
    from budget_metrics.targets import headline_line
    from etl.schema import SCHEMA_VERSION

    db = tmp_path / "old.duckdb"
    with write_session(db):
        pass
    con = duckdb.connect(str(db))
    con.execute("DROP TABLE report_settings")
    con.execute("DELETE FROM schema_info")
    con.execute("INSERT INTO schema_info VALUES (1, now())")
    con.close()
    monkeypatch.setenv("BUDGET_DB", str(db))
    assert headline_line() == "overall"
    with write_session(db):
        pass
    con = duckdb.connect(str(db), read_only=True)
    try:
        assert con.execute("SELECT max(version) FROM schema_info").fetchone()[0] == SCHEMA_VERSION == 4
        assert con.execute("SELECT value FROM report_settings WHERE name = 'headline_line'").fetchone() == ("overall",)
    finally:
        con.close()


def test_owner_aliases_name_a_province_once_and_a_bad_file_is_refused(tmp_path):
    with open(REFERENCE / "provinces.csv", encoding="utf-8") as handle:
        codes = {row["province_code"] for row in csv.DictReader(handle)}
    aliases = read_owner_aliases(REFERENCE)
    assert len(aliases) > 0 and {code for _, code in aliases} <= codes
    assert len({alias.casefold() for alias, _ in aliases}) == len(aliases)
    folder = tmp_path / "reference"
    shutil.copytree(REFERENCE, folder)
    (folder / "owner_aliases.csv").write_text("alias,owner_code,note\nอยุธยา,99,\n", encoding="utf-8")
    with pytest.raises(ReferenceError, match=r"owner_aliases.csv: unknown owner_code \['99'\]"):
        read_owner_aliases(folder)
    (folder / "owner_aliases.csv").write_text("alias,owner_code,note\nKorat,30,\nkorat,30,\n", encoding="utf-8")
    with pytest.raises(ReferenceError, match="given twice"):
        read_owner_aliases(folder)
    (folder / "owner_aliases.csv").unlink()  # a folder kept from before the file: no aliases, no error
    assert read_owner_aliases(folder) == []


def _idle_weeks(db: Path):
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute("SELECT value FROM thresholds WHERE name = 'idle_weeks'").fetchone()[0]
    finally:
        con.close()


def _by_hand(db: Path, sql: str) -> None:
    con = duckdb.connect(str(db))
    try:
        con.execute(sql)
    finally:
        con.close()


def test_reference_tables_are_replaced_when_what_makes_them_changes(tmp_path, monkeypatch):
    """A write session replaces the reference tables when a file, the code that reads them or the
    tables' definitions changed, or when rows were added or removed by hand; otherwise it keeps
    them (etl/reference.py: a hand edit that keeps the row counts is therefore kept)."""
    import shutil
    import tomllib

    from etl import reference

    folder = tmp_path / "reference"
    shutil.copytree(REFERENCE, folder)
    monkeypatch.setenv("BUDGET_REFERENCE", str(folder))
    with open(folder / "thresholds.toml", "rb") as handle:
        idle = tomllib.load(handle)["idle_weeks"]["value"]
    db = tmp_path / "store.duckdb"
    with write_session(db):
        pass
    assert _idle_weeks(db) == idle

    _by_hand(db, "UPDATE thresholds SET value = 999 WHERE name = 'idle_weeks'")
    with write_session(db):
        pass
    assert _idle_weeks(db) == 999  # nothing that makes the tables changed: kept, not read again

    text = (folder / "thresholds.toml").read_text(encoding="utf-8")
    edited = text.replace(f"[idle_weeks]\nvalue = {idle}\n", f"[idle_weeks]\nvalue = {idle + 1}\n")
    assert edited != text
    (folder / "thresholds.toml").write_text(edited, encoding="utf-8")
    with write_session(db):
        pass
    assert _idle_weeks(db) == idle + 1  # an edited file: replaced

    _by_hand(db, "UPDATE thresholds SET value = 999 WHERE name = 'idle_weeks'")
    monkeypatch.setattr(reference, "DEFINITION", "another reader or table definition")
    with write_session(db):
        pass
    assert _idle_weeks(db) == idle + 1  # a changed definition: replaced

    for change in (
        "DELETE FROM provinces WHERE province_code = '50'",
        "INSERT INTO regions VALUES ('X', 'ภาคทดสอบ', 'Test', 99)",
        "DROP TABLE report_settings",
    ):
        _by_hand(db, f"UPDATE thresholds SET value = 999 WHERE name = 'idle_weeks'; {change}")
        with write_session(db):
            pass
        assert _idle_weeks(db) == idle + 1, change  # rows added or removed, a table re-created: replaced
        con = duckdb.connect(str(db), read_only=True)
        try:
            counts = con.execute(
                "SELECT (SELECT count(*) FROM provinces), (SELECT count(*) FROM regions), "
                "(SELECT count(*) FROM report_settings WHERE name = 'headline_line')"
            ).fetchone()
        finally:
            con.close()
        with open(folder / "regions.csv", encoding="utf-8") as handle:
            regions = len(list(csv.DictReader(handle)))
        assert counts == (76, regions, 1), change
