"""The records the demo generator decides before they are written as files (money in satang)."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date


@dataclass
class Project:
    code: str
    owner_code: str
    owner_type: str  # province / cluster
    owner_text: str  # as written in the file
    province_code: str  # where the project is carried out
    name: str
    budget_type: str  # operating / investment / other
    agency: str
    category: str  # road / water / tourism / agri / building / light / training / ...
    place: tuple[str, str]  # (tambon, amphoe) names without prefix
    allocated: int  # satang, original allocation
    emenscr: str = ""
    contract: int | None = None
    contract_date: date | None = None
    planned_start: date | None = None
    planned_end: date | None = None
    moved_in: int = 0
    moved_out: int = 0
    role: str = ""  # "" / source / receiver

    @property
    def current(self) -> int:
        """Current allocation in satang: original + reallocations in - out."""
        return self.allocated + self.moved_in - self.moved_out


@dataclass
class Payment:
    project: Project
    amount: int  # satang, negative = reversal
    day: date
    source: str  # current / carryover
    doc_no: str = ""
    file: str = ""
    reversal_of: Payment | None = None
    extra: bool = False  # paid from money received by reallocation, not the original plan


@dataclass
class Reallocation:
    ref_no: str
    approved: date
    source: Project | None
    target: Project | None
    amount: int
    kind: str
    reason: str


@dataclass
class Carryover:
    project: Project
    amount: int
    committed: bool
    approved: date
    deadline: date
    reason: str


@dataclass
class Asset:
    asset_id: str
    project: Project
    description: str
    value: int
    recipient: str
    completed: date
    transferred: date | None
    status: str


@dataclass
class DemoData:
    """Everything the generator decided for one fiscal year, before formatting."""

    projects: list[Project] = field(default_factory=list)
    payments: list[Payment] = field(default_factory=list)
    reallocations: list[Reallocation] = field(default_factory=list)
    carryovers: list[Carryover] = field(default_factory=list)
    assets: list[Asset] = field(default_factory=list)
    rng: random.Random | None = None  # the stream, handed on to the writer
