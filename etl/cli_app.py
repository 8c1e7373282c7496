"""The command-line application every command module registers on (no import loop).

etl/cli.py registers load, demo, status and rejects; etl/weekly_commands.py registers
snapshot and export; `python -m etl` runs `etl.cli.main`, which has them all. Shared
here: the Typer app, the consoles, the --db option's value, and `safe()` for printing
text that came from files (names, headers, values) so it can neither break Rich markup
nor send control sequences, bidi overrides or undecodable bytes to the terminal
(display_text.terminal_text), and very long text is cut with a visible '…'.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.text import Text

import settings
from display_text import shown

app = typer.Typer(
    help="โหลดข้อมูลงบประมาณเข้าสู่ฐานข้อมูล — load budget-execution data into the DuckDB store.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
# Piped output (logs, CI) gets a wide console so the summary table does not fold.
console = Console() if sys.stdout.isatty() else Console(width=160)
err_console = Console(stderr=True) if sys.stderr.isatty() else Console(stderr=True, width=160)

# Longest file-sourced text printed in one piece (a message, a cell of a table), in characters.
SAFE_LIMIT = 2000


def safe(text: object, style: str = "", limit: int = SAFE_LIMIT) -> Text:
    """File-sourced text as a Rich Text: never parsed as markup; control characters, bidi
    controls, invisible format characters and undecodable file-name bytes shown as visible
    escapes (\\x1b, ⟨U+202E⟩, \\xe2); cut to `limit` characters with '…'."""
    return Text(shown(text, limit), style=style)


def error_log_path(db: Path | None = None) -> Path:
    """Where tracebacks of unexpected errors are appended: next to the database."""
    path = Path(db) if db else settings.database_path()
    return path.with_name("etl-errors.log")


def _db(ctx: typer.Context) -> Path:
    return (ctx.obj or {}).get("db") or settings.database_path()


@app.callback()
def main(
    ctx: typer.Context,
    db: Annotated[
        Path | None,
        typer.Option(
            "--db",
            help="ไฟล์ฐานข้อมูล DuckDB — database file (default: env BUDGET_DB or data/budget.duckdb)",
            show_default=False,
        ),
    ] = None,
) -> None:
    """โหลดและตรวจสอบข้อมูลการเบิกจ่าย — load and inspect budget-execution data."""
    ctx.obj = {"db": db.expanduser().resolve() if db else None}


def _fail(message: str, code: int = 2) -> typer.Exit:
    """Print one error line (file-sourced text escaped) and return the Exit to raise (default 2)."""
    err_console.print(Text("ผิดพลาด — error: ", style="bold red") + safe(message), highlight=False, soft_wrap=True)
    return typer.Exit(code)
