"""The five input record kinds: their columns, Thai/English header aliases, types and keys.

One place says what a file of each kind must contain. Headers are matched after
`header_key()` (lower case, no spaces/underscores, no unit suffix such as "(บาท)"), so
"Project Code", "project_code" and "รหัส โครงการ" all find `project_code`.
docs/data-dictionary.md lists every alias; keep it in step with this file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

from etl.units import strip_unit
from vocabulary import RECORD_KINDS

# Column value types understood by etl.normalise.
TEXT = "text"  # kept as written (trimmed)
CODE = "code"  # identifier: trimmed, Thai digits -> Arabic
YEAR = "year"  # fiscal year in BE (CE accepted and converted)
MONEY = "money"  # DECIMAL(18,2) baht
DATE = "date"
BOOL = "bool"  # yes/no, มี/ไม่มี
OWNER = "owner"  # province or cluster, resolved to its code
ENUM = "enum"  # one of ENUMS[column name]


@dataclass(frozen=True)
class Column:
    """One canonical column of a record kind."""

    name: str
    type: str
    required: bool
    aliases: tuple[str, ...] = ()  # Thai and other accepted headers (the name itself is implied)
    label_th: str = ""

    def all_headers(self) -> tuple[str, ...]:
        """Every header text accepted for this column, canonical name first."""
        return (self.name, self.name.replace("_", " "), *self.aliases)


@dataclass(frozen=True)
class Kind:
    """A record kind: the table it loads into, its key and its columns."""

    name: str
    label_th: str
    key: str
    columns: tuple[Column, ...]
    # Columns whose presence in the headers points to this kind (besides the key).
    markers: tuple[str, ...] = field(default=())

    @property
    def table(self) -> str:
        return self.name

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.required)


# Canonical enum values -> accepted spellings (matched after enum_key()).
ENUMS: dict[str, dict[str, tuple[str, ...]]] = {
    "budget_type": {
        "operating": ("operating", "operation", "งบดำเนินงาน", "ดำเนินงาน"),
        "investment": ("investment", "capital", "งบลงทุน", "ลงทุน"),
        "other": ("other", "others", "งบรายจ่ายอื่น", "รายจ่ายอื่น", "งบเงินอุดหนุน", "เงินอุดหนุน", "อื่นๆ", "อื่น"),
    },
    "source": {
        "current": ("current", "current year", "งบประมาณปีปัจจุบัน", "งบปีปัจจุบัน", "ปีปัจจุบัน", "งบประมาณปีปัจจุบัน"),
        "carryover": ("carryover", "carry-over", "carry over", "เงินกันเหลื่อมปี", "กันเหลื่อมปี", "เงินกันไว้เบิกเหลื่อมปี", "เหลื่อมปี"),
    },
    "kind": {
        "savings": ("savings", "saving", "เงินเหลือจ่าย", "เหลือจ่าย"),
        "change": ("change", "โอนเปลี่ยนแปลง", "เปลี่ยนแปลง", "โอนเปลี่ยนแปลงโครงการ"),
        "return": ("return", "returned", "ส่งคืน", "คืน"),
    },
    "status": {
        "pending": ("pending", "รอโอน"),
        "in_progress": ("in_progress", "in progress", "ระหว่างดำเนินการ", "อยู่ระหว่างดำเนินการ"),
        "transferred": ("transferred", "done", "โอนแล้ว"),
    },
}

BOOL_VALUES: dict[bool, tuple[str, ...]] = {
    True: ("yes", "y", "true", "1", "มี", "มีหนี้ผูกพัน", "ใช่"),
    False: ("no", "n", "false", "0", "ไม่มี", "ไม่มีหนี้ผูกพัน", "ไม่ใช่"),
}


def _c(name: str, type_: str, required: bool, label: str, *aliases: str) -> Column:
    return Column(name=name, type=type_, required=required, aliases=(label, *aliases), label_th=label)


# Columns several kinds share: one definition, so their Thai headers cannot drift apart.
PROJECT_CODE = _c("project_code", CODE, True, "รหัสโครงการ", "project id", "project no")
APPROVED_DATE = _c("approved_date", DATE, True, "วันที่อนุมัติ", "approval date")
REASON = _c("reason", TEXT, False, "เหตุผล", "หมายเหตุ")

KINDS: dict[str, Kind] = {
    "projects": Kind(
        name="projects",
        label_th=RECORD_KINDS["projects"][0],
        key="project_code",
        markers=("project_name", "allocated_amount", "budget_type", "owner", "fiscal_year"),
        columns=(
            PROJECT_CODE,
            _c("fiscal_year", YEAR, True, "ปีงบประมาณ", "ปีงบประมาณ พ.ศ.", "fy", "fiscal year"),
            _c(
                "owner",
                OWNER,
                True,
                "จังหวัด/กลุ่มจังหวัด",
                "จังหวัด / กลุ่มจังหวัด",
                "จังหวัดหรือกลุ่มจังหวัด",
                "จังหวัด",
                "กลุ่มจังหวัด",
                "province/cluster",
                "province",
            ),
            _c("project_name", TEXT, True, "ชื่อโครงการ", "โครงการ", "name", "project"),
            _c("budget_type", ENUM, True, "ประเภทงบรายจ่าย", "งบรายจ่าย", "ประเภทงบ", "budget type"),
            _c("implementing_agency", TEXT, True, "หน่วยดำเนินการ", "หน่วยงานดำเนินการ", "หน่วยงานรับผิดชอบ", "agency"),
            _c(
                "allocated_amount",
                MONEY,
                True,
                "งบประมาณที่ได้รับจัดสรร",
                "งบประมาณ",
                "งบประมาณที่ได้รับ",
                "วงเงินงบประมาณ",
                "allocation",
                "allocated",
            ),
            _c("contract_amount", MONEY, False, "วงเงินตามสัญญา", "วงเงินสัญญา", "contract value"),
            _c("contract_date", DATE, False, "วันที่ลงนามสัญญา", "วันที่ลงนามในสัญญา", "วันที่ทำสัญญา"),
            _c("planned_start", DATE, False, "วันเริ่มต้นโครงการ", "วันเริ่มโครงการ", "start date"),
            _c("planned_end", DATE, False, "วันสิ้นสุดโครงการ", "end date"),
            _c("emenscr_code", CODE, False, "รหัส eMENSCR", "รหัสemenscr", "emenscr"),
        ),
    ),
    "disbursements": Kind(
        name="disbursements",
        label_th=RECORD_KINDS["disbursements"][0],
        key="doc_no",
        markers=("posting_date", "source"),
        columns=(
            _c("doc_no", CODE, True, "เลขที่เอกสาร", "document no", "doc no", "เลขที่เอกสาร gfmis"),
            PROJECT_CODE,
            _c("posting_date", DATE, True, "วันที่ผ่านรายการ", "posting date", "วันที่บันทึกรายการ"),
            _c("amount", MONEY, True, "จำนวนเงิน", "จำนวนเงินเบิกจ่าย", "เบิกจ่าย"),
            _c("source", ENUM, True, "แหล่งเงิน", "แหล่งของเงิน", "fund source"),
        ),
    ),
    "carryovers": Kind(
        name="carryovers",
        label_th=RECORD_KINDS["carryovers"][0],
        key="project_code",
        markers=("with_commitment", "deadline"),
        columns=(
            PROJECT_CODE,
            _c("amount", MONEY, True, "จำนวนเงินกันเหลื่อมปี", "จำนวนเงิน", "เงินกันเหลื่อมปี"),
            _c("with_commitment", BOOL, True, "มีหนี้ผูกพัน", "หนี้ผูกพัน", "commitment"),
            APPROVED_DATE,
            _c("deadline", DATE, True, "ขยายเวลาเบิกจ่ายถึง", "กำหนดเบิกจ่ายถึง", "วันสิ้นสุดการเบิกจ่าย"),
            REASON,
        ),
    ),
    "reallocations": Kind(
        name="reallocations",
        label_th=RECORD_KINDS["reallocations"][0],
        key="ref_no",
        markers=("from_project_code", "to_project_code"),
        columns=(
            _c("ref_no", CODE, True, "เลขที่อนุมัติ", "reference no", "ref"),
            APPROVED_DATE,
            _c("from_project_code", CODE, False, "โอนจากโครงการ", "จากโครงการ", "from project"),
            _c("to_project_code", CODE, False, "โอนไปโครงการ", "ไปโครงการ", "to project"),
            _c("amount", MONEY, True, "จำนวนเงิน", "จำนวนเงินโอน"),
            _c("kind", ENUM, True, "ประเภทการโอน", "ประเภท", "type"),
            REASON,
        ),
    ),
    "asset_transfers": Kind(
        name="asset_transfers",
        label_th=RECORD_KINDS["asset_transfers"][0],
        key="asset_id",
        markers=("recipient", "transferred_date", "completed_date"),
        columns=(
            _c("asset_id", CODE, True, "รหัสสินทรัพย์", "asset no", "asset code"),
            PROJECT_CODE,
            _c("description", TEXT, True, "รายการสินทรัพย์", "สินทรัพย์", "รายการ"),
            _c("value", MONEY, True, "มูลค่า", "มูลค่าสินทรัพย์", "asset value"),
            _c("recipient", TEXT, False, "หน่วยงานผู้รับโอน", "ผู้รับโอน"),
            _c("completed_date", DATE, False, "วันที่ตรวจรับ", "วันตรวจรับ", "completion date"),
            _c("transferred_date", DATE, False, "วันที่โอน", "transfer date"),
            _c("status", ENUM, True, "สถานะ", "สถานะการโอน"),
        ),
    ),
}

# Load order: kinds that others check against come first (projects before everything;
# carry-overs before disbursements for the carry-over deadline; disbursements before
# reallocations for the free-balance check).
LOAD_ORDER = ("projects", "carryovers", "disbursements", "reallocations", "asset_transfers")

_YEAR_SUFFIX = re.compile(r"\((พ\.ศ\.|be)\)$")
_SPACES = re.compile(r"[\s_\-]+")


def header_key(text: object) -> str:
    """The form a header is matched in: lower case, without spaces, '_', '-' or a unit suffix.

    Any amount unit is taken off (`(บาท)`, `(ล้านบาท)`, `(THB million)`, `ล้านบาท`): the
    column is recognised, and etl.units decides what its unit means for the file (baht is
    loaded, another unit refuses the file unless `--unit` converts it).
    """
    key = _SPACES.sub("", strip_unit(str(text or "").replace("\ufeff", "")))
    return _YEAR_SUFFIX.sub("", key)


def enum_key(text: str) -> str:
    """The form enum and yes/no values are matched in (same rule as headers)."""
    return header_key(text)


@cache
def alias_index(kind: Kind) -> dict[str, str]:
    """header_key(alias) -> canonical column name, for one kind."""
    index: dict[str, str] = {}
    for column in kind.columns:
        for header in column.all_headers():
            index.setdefault(header_key(header), column.name)
    return index


ALL_ALIASES: frozenset[str] = frozenset(key for kind in KINDS.values() for key in alias_index(kind))


def match_headers(kind: Kind, headers: list[str]) -> dict[int, str]:
    """Column position -> canonical name, for the headers this kind recognises (the first of
    two headers naming one column; `ambiguous_headers` finds such pairs, which refuse a file)."""
    index = alias_index(kind)
    found: dict[int, str] = {}
    used: set[str] = set()
    for position, header in enumerate(headers):
        name = index.get(header_key(header))
        if name and name not in used:
            found[position] = name
            used.add(name)
    return found


def ambiguous_headers(kind: Kind, headers: list[str]) -> dict[str, list[int]]:
    """Canonical column -> positions, for every column that more than one header names."""
    index = alias_index(kind)
    positions: dict[str, list[int]] = {}
    for position, header in enumerate(headers):
        name = index.get(header_key(header))
        if name:
            positions.setdefault(name, []).append(position)
    return {name: found for name, found in positions.items() if len(found) > 1}


def detect_kind(headers: list[str]) -> Kind | None:
    """The kind these headers describe best, or None when nothing fits.

    A kind whose key column is present wins over one whose key is missing; then the
    number of recognised columns decides. Carry-overs and disbursements share
    project_code and amount, so their markers (deadline, posting date) tip the balance.
    """
    best: tuple[int, int, int] | None = None
    chosen: Kind | None = None
    for name in LOAD_ORDER:
        kind = KINDS[name]
        matched = set(match_headers(kind, headers).values())
        if not matched:
            continue
        has_key = int(kind.key in matched and (kind.key != "project_code" or bool(set(kind.markers) & matched)))
        markers = len(set(kind.markers) & matched)
        score = (has_key, markers, len(matched))
        if best is None or score > best:
            best, chosen = score, kind
    if best is None or best[1] == 0 and best[0] == 0:
        return None
    return chosen
