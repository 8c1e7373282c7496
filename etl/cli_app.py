"""The command-line application every command module registers on (no import loop).

etl/cli.py registers load, demo, status and rejects; etl/weekly_commands.py registers
snapshot and export; `python -m etl` runs `etl.cli.main`, which has them all. Shared
here: the Typer app, the consoles, the --db option's value, and `safe()` for printing
text that came from files (names, headers, values) so it can neither break Rich markup
nor send control sequences to the terminal.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.text import Text

import settings

app = typer.Typer(
    help="โหลดข้อมูลงบประมาณเข้าสู่ฐานข้อมูล — load budget-execution data into the DuckDB store.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
# Piped output (logs, CI) gets a wide console so the summary table does not fold.
console = Console() if sys.stdout.isatty() else Console(width=160)
err_console = Console(stderr=True) if sys.stderr.isatty() else Console(stderr=True, width=160)

# C0 and C1 control characters (ESC starts terminal sequences), shown as a visible mark.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def safe(text: object, style: str = "") -> Text:
    """File-sourced text as a Rich Text: never parsed as markup, control characters made visible."""
    return Text(_CONTROL.sub("\ufffd", "" if text is None else str(text)), style=style)


def _db(ctx: typer.Context) -> Path:
    return (ctx.obj or {}).get("db") or settings.database_path()


@app.callback()
def main(
    ctx: typer.Context,
    db: Annotated[Path | None, typer.Option(
        "--db", help="ไฟล์ฐานข้อมูล DuckDB — database file (default: env BUDGET_DB or data/budget.duckdb)",
        show_default=False)] = None,
) -> None:
    """โหลดและตรวจสอบข้อมูลการเบิกจ่าย — load and inspect budget-execution data."""
    ctx.obj = {"db": db.expanduser().resolve() if db else None}


def _fail(message: str, code: int = 2) -> typer.Exit:
    """Print one error line (file-sourced text escaped) and return the Exit to raise (default 2)."""
    err_console.print(Text("ผิดพลาด — error: ", style="bold red") + safe(message), highlight=False)
    return typer.Exit(code)
