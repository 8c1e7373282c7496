"""Application-store migrations: from empty to head on SQLite and PostgreSQL, idempotent,
safe when two processes start at once, and in step with the models."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text

from appstore import db, migrate, models
from tests.appstore_support import start_together

ROOT = Path(__file__).resolve().parents[1]
VERSIONS = ROOT / "appstore" / "migrations" / "versions"

# What the first revision must create, written out by hand.
EXPECTED_TABLES = {
    "users": {"id", "email", "role", "created_at", "created_by", "updated_at", "updated_by"},
    "user_areas": {"user_id", "area_type", "area_code"},
    "followup_responses": {
        "id",
        "fiscal_year",
        "project_code",
        "cause_code",
        "action_taken",
        "expected_payment_date",
        "expected_amount",
        "note",
        "version",
        "created_at",
        "created_by",
        "updated_at",
        "updated_by",
    },
    "followup_response_history": {
        "id",
        "response_id",
        "fiscal_year",
        "project_code",
        "version",
        "saved_at",
        "saved_by",
        "cause_code",
        "action_taken",
        "expected_payment_date",
        "expected_amount",
        "note",
        "changes",
    },
    "uploads": {
        "id",
        "uploaded_at",
        "uploaded_by",
        "file_name",
        "sha256",
        "size_bytes",
        "load_ids",
        "status",
        "rows_loaded",
        "rows_rejected",
        "message",
    },
    "audit_log": {"id", "at", "actor", "action", "target", "details"},
}


def _plain_engine(url: str):
    """An engine of our own, not appstore's, so the checks do not go through the code under test."""
    return create_engine(url)


def _heads_in_folder() -> set[str]:
    """Revisions no other revision names as its parent, read from the files themselves."""
    revisions, parents = set(), set()
    for path in VERSIONS.glob("*.py"):
        for node in ast.parse(path.read_text()).body:
            if isinstance(node, ast.AnnAssign | ast.Assign):
                target = node.target if isinstance(node, ast.AnnAssign) else node.targets[0]
                name = getattr(target, "id", None)
                if name == "revision":
                    revisions.add(ast.literal_eval(node.value))
                elif name == "down_revision" and (value := ast.literal_eval(node.value)):
                    parents.update(value if isinstance(value, tuple | list) else [value])
    return revisions - parents


def test_one_head_revision():
    heads = _heads_in_folder()
    assert len(heads) == 1
    assert migrate.head_revision() == heads.pop()


def test_upgrade_from_empty_creates_every_table(app_db_url):
    plain = _plain_engine(app_db_url)
    assert inspect(plain).get_table_names() == []
    migrate.upgrade(app_db_url)
    tables = inspect(plain)
    for table, columns in EXPECTED_TABLES.items():
        assert {c["name"] for c in tables.get_columns(table)} == columns, table
    with plain.connect() as connection:
        versions = connection.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    assert versions == [migrate.head_revision()]
    plain.dispose()


def test_upgrade_twice_changes_nothing(app_db_url):
    migrate.upgrade(app_db_url)
    migrate.forget(app_db_url)  # make the second call really look at the store
    migrate.upgrade(app_db_url)
    plain = _plain_engine(app_db_url)
    with plain.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM alembic_version")).scalar() == 1
    plain.dispose()


def test_models_match_the_migrations(app_db_url):
    """A model changed without a new revision shows up here as a difference."""
    migrate.upgrade(app_db_url)
    with db.engine(app_db_url).connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, models.Base.metadata)
    assert differences == []


def test_downgrade_to_empty_and_back(app_db_url):
    from alembic import command

    migrate.upgrade(app_db_url)
    config = migrate.alembic_config(app_db_url)
    command.downgrade(config, "base")
    plain = _plain_engine(app_db_url)
    assert set(inspect(plain).get_table_names()) <= {"alembic_version"}
    migrate.forget(app_db_url)
    migrate.upgrade(app_db_url)
    assert set(EXPECTED_TABLES) <= set(inspect(plain).get_table_names())
    plain.dispose()


# `python -m etl users add` in a process of its own; which of Alembic and pandas it had imported when it ended.
USERS_ADD_IMPORTS = """
import sys, etl.__main__ as entry
sys.argv = ["etl", "users", "add", "it@moi.go.th", "--role", "admin"]
try:
    entry.main()
except SystemExit as done:
    print("IMPORTED", sorted(m for m in ("alembic", "pandas") if m in sys.modules), done.code)
"""


def test_a_store_at_head_is_checked_without_alembic(app_db_url):
    """A store already at the head revision is left as it is without importing Alembic (a fifth of a
    `python -m etl users` start; docs/benchmarks.md, "Test suite time, part 10"), and a user added to it
    by an administrator starts without pandas; a store below the head is still migrated by Alembic."""
    from alembic import command

    assert migrate.head_from_files() == migrate.head_revision() == _heads_in_folder().pop()

    def users_add() -> str:
        done = subprocess.run(
            [sys.executable, "-c", USERS_ADD_IMPORTS],
            cwd=ROOT,
            env={**os.environ, "BUDGET_APP_DB": app_db_url},
            capture_output=True,
            text=True,
            check=False,
            timeout=120,
        )
        return "\n".join(line for line in done.stdout.splitlines() if line.startswith("IMPORTED")) or done.stderr

    migrate.upgrade(app_db_url)
    assert users_add() == "IMPORTED [] 0"
    plain = _plain_engine(app_db_url)
    with plain.connect() as connection:
        assert connection.execute(text("SELECT version_num FROM alembic_version")).scalars().all() == [
            migrate.head_revision()
        ]
        assert connection.execute(text("SELECT email, role FROM users")).all() == [("it@moi.go.th", "admin")]

    command.downgrade(migrate.alembic_config(app_db_url), "base")  # below the head: Alembic migrates it
    assert set(inspect(plain).get_table_names()) <= {"alembic_version"}
    assert users_add() == "IMPORTED ['alembic'] 0"
    assert set(EXPECTED_TABLES) <= set(inspect(plain).get_table_names())
    with plain.connect() as connection:
        assert connection.execute(text("SELECT version_num FROM alembic_version")).scalars().all() == [
            migrate.head_revision()
        ]
        assert connection.execute(text("SELECT email, role FROM users")).all() == [("it@moi.go.th", "admin")]
    plain.dispose()


def test_sqlite_store_runs_in_wal_mode(tmp_path):
    url = f"sqlite:///{tmp_path / 'nested' / 'app.sqlite'}"  # the folder is created too
    migrate.upgrade(url)
    import sqlite3

    with sqlite3.connect(tmp_path / "nested" / "app.sqlite") as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    db.dispose(url)
    migrate.forget(url)


def test_default_url_is_data_app_sqlite_under_the_project(monkeypatch):
    import settings

    monkeypatch.delenv("BUDGET_APP_DB", raising=False)
    assert settings.app_database_url() == f"sqlite:///{ROOT / 'data' / 'app.sqlite'}"
    monkeypatch.setenv("BUDGET_APP_DB", "postgresql+psycopg://app@db.example/budget")
    assert settings.app_database_url() == "postgresql+psycopg://app@db.example/budget"


UPGRADE_TOGETHER = """
import sys, time
from pathlib import Path
from appstore import migrate
url, folder, me = sys.argv[1], Path(sys.argv[2]), sys.argv[3]
(folder / f"ready-{me}").touch()
while not (folder / "go").exists():  # start together, whatever each import took
    time.sleep(0.002)
migrate.upgrade(url)
print(migrate.current_revision(url))
"""


def test_processes_starting_together_migrate_once(app_db_url, tmp_path):
    results = start_together(UPGRADE_TOGETHER, [[app_db_url, str(tmp_path), str(n)] for n in range(3)], tmp_path)
    for code, out, err in results:
        assert code == 0, err
        assert out.strip() == migrate.head_revision()
    plain = _plain_engine(app_db_url)
    with plain.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM alembic_version")).scalar() == 1
    assert set(EXPECTED_TABLES) <= set(inspect(plain).get_table_names())
    plain.dispose()


def test_public_names_resolve():
    import appstore

    assert sorted(appstore.__all__) == sorted(appstore._WHERE)
    for name in appstore.__all__:
        assert getattr(appstore, name) is not None
