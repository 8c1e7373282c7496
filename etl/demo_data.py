"""The FY2562 demo year on its own, as it was before the demo had several years.

`write_demo_files(out_dir, seed)` writes the FY2562 demo input files (about ten files: projects,
disbursements split by quarter plus carry-over payments and a small corrections file,
carry-overs, reallocations, asset transfers) straight into out_dir; the same seed gives the
same bytes as before years existed. The generator itself, its years and the multi-year demo
that `python -m etl demo` loads live in the package etl/demo/ (see its docstring).
"""

from __future__ import annotations

from pathlib import Path

from etl.demo import FY2562, write_year_files
from etl.demo import generate as _generate_year
from etl.demo.checks import check_invariants  # noqa: F401  (re-exported)
from etl.demo.files import (  # noqa: F401  (headers re-exported)
    H_ASSETS,
    H_CARRYOVERS,
    H_DISBURSEMENTS,
    H_PROJECTS,
    H_REALLOCATIONS,
    file_names,
)
from etl.demo.records import Asset, Carryover, DemoData, Payment, Project, Reallocation  # noqa: F401
from etl.demo.years import HOLIDAYS, NATIONAL_CUMULATIVE_PCT  # noqa: F401

FISCAL_YEAR_BE = FY2562.fiscal_year
FY_START = FY2562.start
FY_END = FY2562.end
CONTRACT_CUTOFF = FY2562.contract_cutoff
CARRYOVER_DEADLINE = FY2562.carryover_deadline
DATA_AS_OF = FY2562.as_of  # the last date any record in the FY2562 demo refers to

_NAMES = file_names(FY2562)
F_PROJECTS = _NAMES["projects"]
F_DISB_Q1 = _NAMES["disb_q1"]
F_DISB_Q2 = _NAMES["disb_q2"]
F_DISB_Q3 = _NAMES["disb_q3"]
F_DISB_Q4 = _NAMES["disb_q4"]
F_DISB_CARRY = _NAMES["disb_carry"]
F_DISB_CORR = _NAMES["disb_corrections"]
F_CARRYOVERS = _NAMES["carryovers"]
F_REALLOCATIONS = _NAMES["reallocations"]
F_ASSETS = _NAMES["assets"]
DEMO_FILES = (
    F_PROJECTS,
    F_DISB_Q1,
    F_DISB_Q2,
    F_DISB_Q3,
    F_DISB_Q4,
    F_DISB_CARRY,
    F_DISB_CORR,
    F_CARRYOVERS,
    F_REALLOCATIONS,
    F_ASSETS,
)


def generate(seed: int = 2562, reference_dir: Path | None = None) -> DemoData:
    """The FY2562 demo records in memory (no files); same seed, same records."""
    return _generate_year(seed, reference_dir, FY2562)


def write_demo_files(out_dir: Path, seed: int = 2562, reference_dir: Path | None = None) -> dict:
    """Write the FY2562 demo input files under out_dir and return the generator's own totals
    (the dict of `etl.demo.write_year_files`: counts, Decimal baht totals, `files`)."""
    return write_year_files(out_dir, seed, FY2562, reference_dir)
