"""Record kinds and the data dictionary: every table, column and alias is documented."""

from __future__ import annotations

import re
from pathlib import Path

from etl.kinds import ENUMS, KINDS, alias_index, header_key
from etl.schema import TABLES
from etl.validate import REASONS

DICTIONARY = (Path(__file__).resolve().parents[1] / "docs" / "data-dictionary.md").read_text()


def test_every_table_and_column_is_documented():
    for table, ddl in TABLES.items():
        assert f"`{table}`" in DICTIONARY, table
        for line in ddl.splitlines()[2:]:
            match = re.match(r"\s*(\w+)\s+[A-Z]", line)
            if match and match.group(1) not in ("PRIMARY",):
                assert f"`{match.group(1)}`" in DICTIONARY, f"{table}.{match.group(1)}"


def test_every_alias_enum_and_reason_is_documented():
    # Headers match after header_key(), so a documented spelling covers its variants.
    documented = {header_key(text) for text in re.findall(r"`([^`]+)`", DICTIONARY)}
    for kind in KINDS.values():
        for column in kind.columns:
            for alias in column.all_headers():
                assert header_key(alias) in documented, alias
    for values in ENUMS.values():
        for canonical in values:
            assert f"`{canonical}`" in DICTIONARY
    for code in REASONS:
        assert f"`{code}`" in DICTIONARY, code


def test_kind_columns_match_the_tables():
    for kind in KINDS.values():
        ddl = TABLES[kind.table]
        for column in kind.columns:
            assert re.search(rf"^\s*{column.name}\s", ddl, re.MULTILINE), f"{kind.name}.{column.name}"


def test_aliases_are_unambiguous_within_a_kind():
    for kind in KINDS.values():
        seen: dict[str, str] = {}
        for column in kind.columns:
            for header in column.all_headers():
                key = header_key(header)
                assert seen.setdefault(key, column.name) == column.name, (kind.name, header)
        assert set(alias_index(kind).values()) == {c.name for c in kind.columns}


def test_shared_thai_headers():
    # The issue fixes these headers across kinds.
    for kind in KINDS.values():
        index = alias_index(kind)
        if "project_code" in index.values():
            assert index[header_key("รหัสโครงการ")] == "project_code"
        if "approved_date" in index.values():
            assert index[header_key("วันที่อนุมัติ")] == "approved_date"
        if "reason" in index.values():
            assert index[header_key("เหตุผล")] == "reason"
        if "amount" in index.values():
            assert index[header_key("จำนวนเงิน")] == "amount"
    assert alias_index(KINDS["carryovers"])[header_key("จำนวนเงินกันเหลื่อมปี")] == "amount"
