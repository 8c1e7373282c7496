"""Schema migrations of the application store (Alembic), run by the app and the CLI on start.

`upgrade()` brings the store named by BUDGET_APP_DB to the newest revision, so a fresh
clone needs no set-up: the first start creates data/app.sqlite with every table. It is
idempotent (at head it does nothing) and safe when several processes start at once:
- SQLite: the whole run is one BEGIN IMMEDIATE transaction (appstore.engines), so a second
  process waits for the first, then finds the schema at head;
- PostgreSQL: the run holds an advisory lock; DDL is transactional there as well.
Within one process a URL is checked once.

For developers, after changing appstore/models.py:
    .venv/bin/python -m appstore.migrate revision "what changed"   # autogenerate a revision
    .venv/bin/python -m appstore.migrate upgrade                   # apply it
    .venv/bin/python -m appstore.migrate current                   # show the store's revision
"""

from __future__ import annotations

import sys
import threading
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text

from appstore.engines import dialect_name, engine, resolve_url

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# Any fixed 64-bit number, the same in every process of the deployment ("budgetap").
PG_MIGRATION_LOCK = 0x6275646765746170

_done: set[str] = set()
_done_lock = threading.Lock()


def alembic_config(url: str | None = None) -> Config:
    """An Alembic configuration for the store (no alembic.ini needed)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", resolve_url(url).replace("%", "%%"))
    return config


def head_revision() -> str:
    """The newest revision in appstore/migrations/versions/."""
    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()


def current_revision(url: str | None = None) -> str | None:
    """The revision the store is at (None for an empty store)."""
    with engine(url).connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(url: str | None = None) -> None:
    """Bring the store to the newest revision (see the module docstring)."""
    url = resolve_url(url)
    if url in _done:
        return
    with _done_lock:
        if url in _done:
            return
        config = alembic_config(url)
        postgres = dialect_name(url) == "postgresql"
        with engine(url).connect() as connection:
            if postgres:
                connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": PG_MIGRATION_LOCK})
                connection.commit()
            try:
                config.attributes["connection"] = connection
                command.upgrade(config, "head")
            finally:
                if postgres:
                    connection.rollback()
                    connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": PG_MIGRATION_LOCK})
                    connection.commit()
        _done.add(url)


def forget(url: str | None = None) -> None:
    """Make the next `upgrade()` of this URL check the store again (tests drop stores)."""
    with _done_lock:
        _done.discard(resolve_url(url))


def main(argv: list[str]) -> int:
    if argv[:1] == ["upgrade"]:
        upgrade()
        print(current_revision())
    elif argv[:1] == ["current"]:
        print(current_revision() or "(empty)")
    elif argv[:1] == ["revision"] and len(argv) == 2:
        upgrade()
        command.revision(alembic_config(), message=argv[1], autogenerate=True)
    else:
        print(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
