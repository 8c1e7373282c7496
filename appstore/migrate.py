"""Schema migrations of the application store (Alembic), run by the app and the CLI on start.

`upgrade()` brings the store named by BUDGET_APP_DB to the newest revision, so a fresh
clone needs no set-up: the first start creates data/app.sqlite with every table. It is
idempotent (at head it does nothing) and safe when several processes start at once:
- SQLite: the whole run is one BEGIN IMMEDIATE transaction (appstore.engines), so a second
  process waits for the first, then finds the schema at head;
- PostgreSQL: the run holds an advisory lock; DDL is transactional there as well.
Within one process a URL is checked once. A store already at the newest revision (its
alembic_version row equals the head read from the revision files) is left as it is without
importing Alembic: every server start and `python -m etl users` call checks the store, and
Alembic's import was a fifth of such a CLI start; Alembic runs only when there is something to do.

For developers, after changing appstore/models.py:
    .venv/bin/python -m appstore.migrate revision "what changed"   # autogenerate a revision
    .venv/bin/python -m appstore.migrate upgrade                   # apply it
    .venv/bin/python -m appstore.migrate current                   # show the store's revision
"""

from __future__ import annotations

import ast
import sys
import threading
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import inspect, text

from appstore.engines import dialect_name, engine, resolve_url

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# Any fixed 64-bit number, the same in every process of the deployment ("budgetap").
PG_MIGRATION_LOCK = 0x6275646765746170

_done: set[str] = set()
_done_lock = threading.Lock()


def alembic_config(url: str | None = None) -> Config:
    """An Alembic configuration for the store (no alembic.ini needed)."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", resolve_url(url).replace("%", "%%"))
    return config


def head_revision() -> str:
    """The newest revision in appstore/migrations/versions/."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()


@lru_cache(maxsize=1)
def head_from_files() -> str | None:
    """The one head revision, read from the `revision` and `down_revision` constants of the revision
    files without importing Alembic; None when it cannot be told that way (a file whose values are
    not plain strings, several heads, no file), and then Alembic decides."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in sorted((MIGRATIONS / "versions").glob("*.py")):
        values: dict[str, object] = {}
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.AnnAssign | ast.Assign):
                targets = [node.target] if isinstance(node, ast.AnnAssign) else node.targets
                for target in targets:
                    if isinstance(target, ast.Name) and target.id in ("revision", "down_revision"):
                        try:
                            values[target.id] = ast.literal_eval(node.value) if node.value is not None else None
                        except ValueError:
                            return None
        revision, parent = values.get("revision"), values.get("down_revision")
        if not isinstance(revision, str):
            return None
        revisions.add(revision)
        if isinstance(parent, str):
            parents.add(parent)
        elif isinstance(parent, tuple | list) and all(isinstance(item, str) for item in parent):
            parents.update(parent)
        elif parent is not None:
            return None
    heads = revisions - parents
    return next(iter(heads)) if len(heads) == 1 else None


def _at_head(connection) -> bool:
    """Whether the store's alembic_version holds exactly the head revision (read without Alembic)."""
    head = head_from_files()
    if head is None or not inspect(connection).has_table("alembic_version"):
        return False
    return connection.execute(text("SELECT version_num FROM alembic_version")).scalars().all() == [head]


def current_revision(url: str | None = None) -> str | None:
    """The revision the store is at (None for an empty store)."""
    from alembic.runtime.migration import MigrationContext

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
        # a read (DEFERRED on SQLite, as appstore.db's reads): a writer elsewhere does not hold it up, and a
        # migration running elsewhere shows the old revision until it commits (then Alembic, locked, decides)
        with engine(url).execution_options(sqlite_begin="DEFERRED").connect() as connection:
            at_head = _at_head(connection)
            connection.rollback()
        if at_head:  # nothing to migrate: Alembic is not imported (see the module docstring)
            _done.add(url)
            return
        from alembic import command

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
        from alembic import command

        upgrade()
        command.revision(alembic_config(), message=argv[1], autogenerate=True)
    else:
        print(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
