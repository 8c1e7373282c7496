"""User management commands, registered on the ETL command line (etl/cli_app.py's app; etl/cli.py imports this).

    python -m etl users add EMAIL --role province --province 46 [--province 47]
    python -m etl users add EMAIL --role cluster --cluster C07
    python -m etl users add EMAIL --role admin|viewer
    python -m etl users list
    python -m etl users remove EMAIL

They write to the application store named by BUDGET_APP_DB (default data/app.sqlite;
docs/appstore.md), creating or upgrading its schema first. The operator at the server's
shell acts as an administrator; every change goes to the audit log as 'cli:<user>'.
`add` on an existing e-mail replaces that user's role and areas.

Exit codes: 0 done; 1 `remove` found no such user; 2 refused (bad e-mail, role or area
code); 3 the store could not be reached or written.
"""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

import settings
from etl.cli_app import _fail, app, console

EXIT_OK, EXIT_NOT_FOUND, EXIT_REFUSED, EXIT_FAILED = 0, 1, 2, 3

users_app = typer.Typer(
    help="จัดการผู้ใช้และสิทธิ์ — manage users, roles and areas in the application store (BUDGET_APP_DB).",
    no_args_is_help=True,
)
app.add_typer(users_app, name="users")


def _store_label() -> str:
    """The store's URL without its password, for messages."""
    from sqlalchemy.engine import make_url

    return make_url(settings.app_database_url()).render_as_string(hide_password=True)


def _open_store() -> None:
    """Create or upgrade the store's schema first, as the app does on start."""
    from sqlalchemy.exc import SQLAlchemyError

    from appstore.migrate import upgrade

    try:
        upgrade()
    except SQLAlchemyError as error:
        raise _store_failed(error) from None


def _store_failed(error: Exception) -> typer.Exit:
    from appstore import StoreUnavailable

    if isinstance(error, StoreUnavailable) and error.__cause__ is not None:
        error = error.__cause__  # the operator at the shell gets the driver's own words
    return _fail(
        f"ติดต่อหรือบันทึกฐานข้อมูลแอปไม่ได้ ({_store_label()}) — cannot reach or write the "
        f"application store ({_store_label()}): {error}",
        EXIT_FAILED,
    )


@users_app.command("add")
def add(
    email: Annotated[
        str, typer.Argument(help="อีเมลที่ใช้เข้าสู่ระบบ — the e-mail the user signs in with", show_default=False)
    ],
    role: Annotated[
        str, typer.Option("--role", help="บทบาท — role: viewer | province | cluster | admin", show_default=False)
    ],
    province: Annotated[
        list[str] | None,
        typer.Option(
            "--province", help="รหัสจังหวัด (ซ้ำได้) — DOPA province code, repeatable (e.g. 46 Kalasin); for --role province"
        ),
    ] = None,
    cluster: Annotated[
        list[str] | None,
        typer.Option("--cluster", help="รหัสกลุ่มจังหวัด (ซ้ำได้) — cluster code C01..C18, repeatable; for --role cluster"),
    ] = None,
) -> None:
    """เพิ่มหรือแก้ไขผู้ใช้ — add a user, or replace an existing user's role and areas."""
    from sqlalchemy.exc import SQLAlchemyError

    from appstore import AppStoreError, StoreUnavailable, cli_principal, set_user

    _open_store()
    try:
        user, created = set_user(cli_principal(), email, role, province or [], cluster or [])
    except (SQLAlchemyError, StoreUnavailable) as error:
        raise _store_failed(error) from None
    except AppStoreError as error:
        raise _fail(str(error), EXIT_REFUSED) from None
    areas = ", ".join(user.provinces + user.clusters) or "-"
    verb = "เพิ่ม — added" if created else "แก้ไข — updated"
    console.print(f"{verb}: {user.email} role {user.role}, areas {areas} ({_store_label()})", highlight=False)


@users_app.command("list")
def list_command() -> None:
    """รายชื่อผู้ใช้ — list users with their roles and areas."""
    from sqlalchemy.exc import SQLAlchemyError

    from appstore import StoreUnavailable, list_users

    _open_store()
    try:
        frame = list_users()
    except (SQLAlchemyError, StoreUnavailable) as error:
        raise _store_failed(error) from None
    table = Table(title=f"ผู้ใช้ — users ({len(frame)}) in {_store_label()}")
    for header in (
        "อีเมล email",
        "บทบาท role",
        "จังหวัด provinces",
        "กลุ่มจังหวัด clusters",
        "แก้ไขล่าสุด updated (UTC)",
        "โดย by",
    ):
        table.add_column(header, overflow="fold")
    for row in frame.itertuples(index=False):
        table.add_row(
            row.email,
            row.role,
            row.provinces or "-",
            row.clusters or "-",
            f"{row.updated_at:%Y-%m-%d %H:%M}",
            row.updated_by,
        )
    console.print(table)


@users_app.command("remove")
def remove(
    email: Annotated[str, typer.Argument(help="อีเมลของผู้ใช้ — the user's e-mail", show_default=False)],
) -> None:
    """ลบผู้ใช้ — remove a user (they can still sign in, as a viewer); exit 1 if not found."""
    from sqlalchemy.exc import SQLAlchemyError

    from appstore import AppStoreError, StoreUnavailable, cli_principal, remove_user

    _open_store()
    try:
        removed = remove_user(cli_principal(), email)
    except (SQLAlchemyError, StoreUnavailable) as error:
        raise _store_failed(error) from None
    except AppStoreError as error:
        raise _fail(str(error), EXIT_REFUSED) from None
    if not removed:
        raise _fail(f"ไม่พบผู้ใช้ {email} — no user {email} in {_store_label()}", EXIT_NOT_FOUND)
    console.print(f"ลบแล้ว — removed: {email.strip().lower()}", highlight=False)
