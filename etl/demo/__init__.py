"""Deterministic demo data, one fiscal year at a time, written as real exports look.

`write_demo_years(out_dir, seed)` writes the three demo years FY2561-FY2563 (etl/demo/years.py:
each year's character) into one folder per year, `out_dir/2561/`, `out_dir/2562/`,
`out_dir/2563/`; `write_year_files(out_dir, seed, year)` writes one year. Neither touches the
database: `python -m etl demo` loads the folders through the normal ETL path, where each record
lands in the fiscal year of its project. FY2562 alone, as it was before there were years, is
`etl.demo_data.write_demo_files` (same seed, same bytes).

Everything is drawn from one `random.Random(seed)` stream per year (no wall-clock time), so the
same seed gives byte-identical files. Money is kept in integer satang internally and the
returned totals are Decimal baht computed from the in-memory records.

The money rules the ETL enforces hold by construction, in every year (etl/demo/checks.py):
- a project's disbursed total never exceeds its current allocation, and no reversal takes
  a project below zero (a reversal follows its original payment in the same file);
- reallocation sources never receive money, and every amount moved out is at most the
  source's free balance even when "disbursed" is read as the final total (current-year
  plus carry-over payments): sum(out) <= allocation - max(contract, disbursed);
- carry-overs are at most the unpaid balance, carry-over payments at most the carried
  amount and dated between 1 Oct of the next fiscal year and the deadline;
- current-year payments and reallocations fall inside the project's fiscal year.

Layout: years.py (calendars, characters), records.py, generator.py with projects.py, money.py,
assets.py and names.py (one record kind each), files.py (formats and writers), checks.py.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from pathlib import Path

from etl.demo.files import YearWriter, baht, file_names
from etl.demo.generator import generate
from etl.demo.years import DEMO_TODAY, DEMO_YEARS, FY2561, FY2562, FY2563, DemoYear, demo_year, year_seed

__all__ = [
    "DEMO_TODAY",
    "DEMO_YEARS",
    "FY2561",
    "FY2562",
    "FY2563",
    "DemoYear",
    "demo_year",
    "generate",
    "write_demo_years",
    "write_year_files",
    "year_folder",
    "year_seed",
]


def _old_names(year: DemoYear) -> set[str]:
    """Every name this year's files may have had (xlsx or CSV variants), removed before writing."""
    return set(file_names(year).values()) | set(file_names(replace(year, xlsx=not year.xlsx)).values())


def write_year_files(
    out_dir: Path, seed: int = 2562, year: DemoYear = FY2562, reference_dir: Path | None = None
) -> dict:
    """Write one fiscal year's demo input files under out_dir and return the generator's own totals.

    Returns a dict: counts (`projects`, `disbursement_docs`, `reallocations`, `carryovers`,
    `assets`, `deliberate_rejects`, `total_rows`) as int; money totals in Decimal baht
    (`allocated_total` = sum of original allocations, `current_allocation_total`,
    `contract_total`, `disbursed_current_total`, `disbursed_carryover_total`,
    `carryover_total`, `reallocation_total`, `returned_total`, `new_money_total`,
    `asset_value_total`); `files`, the file names written. Deliberately bad rows of the
    corrections file are excluded from every total and counted in `deliberate_rejects`;
    trailing total rows (รวม) are counted in `total_rows`.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    for name in _old_names(year):
        (out_dir / name).unlink(missing_ok=True)
    data = generate(seed, reference_dir, year)
    writer = YearWriter(data, data.rng, out_dir, year)
    files = writer.write_all()

    def total(values) -> Decimal:
        return baht(sum(values))

    payments = data.payments
    return {
        "projects": len(data.projects),
        "allocated_total": total(p.allocated for p in data.projects),
        "current_allocation_total": total(p.current for p in data.projects),
        "contract_total": total(p.contract or 0 for p in data.projects),
        "disbursed_current_total": total(p.amount for p in payments if p.source == "current"),
        "disbursed_carryover_total": total(p.amount for p in payments if p.source == "carryover"),
        "disbursement_docs": len(payments),
        "reversals": sum(1 for p in payments if p.amount < 0),
        "carryovers": len(data.carryovers),
        "carryover_total": total(c.amount for c in data.carryovers),
        "reallocations": len(data.reallocations),
        "reallocation_total": total(r.amount for r in data.reallocations),
        "returned_total": total(r.amount for r in data.reallocations if r.target is None),
        "new_money_total": total(r.amount for r in data.reallocations if r.source is None),
        "assets": len(data.assets),
        "asset_value_total": total(a.value for a in data.assets),
        "deliberate_rejects": writer.bad_rows,
        "total_rows": writer.total_rows,
        "files": files,
    }


def year_folder(out_dir: Path, fiscal_year: int) -> Path:
    """Where `write_demo_years` puts a year's files: out_dir/<fiscal year>/."""
    return Path(out_dir) / str(fiscal_year)


def write_demo_years(
    out_dir: Path, seed: int = 2562, years: tuple[DemoYear, ...] = DEMO_YEARS, reference_dir: Path | None = None
) -> dict[int, dict]:
    """Write each year's files into out_dir/<fiscal year>/ (seed of a year: `year_seed`).

    Returns {fiscal year: the totals of `write_year_files`}. With the default seed 2562 the
    FY2562 folder holds exactly the files `etl.demo_data.write_demo_files(seed=2562)` writes.
    """
    return {
        year.fiscal_year: write_year_files(
            year_folder(out_dir, year.fiscal_year), year_seed(seed, year.fiscal_year), year, reference_dir
        )
        for year in years
    }
