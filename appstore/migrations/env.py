"""Alembic environment of the application store; run through appstore.migrate."""

from __future__ import annotations

from alembic import context

from appstore.engines import engine
from appstore.models import Base, UTCDateTime

config = context.config


def _render_item(type_: str, item, autogen_context):
    """Write UTCDateTime into revisions as a plain timezone-aware DateTime, so a revision
    does not depend on model code that may change later."""
    if type_ == "type" and isinstance(item, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def _run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=True,  # SQLite cannot ALTER most things: copy-and-move tables
        transactional_ddl=True,  # on SQLite too: appstore.engines makes its DDL transactional
        compare_type=True,
        render_item=_render_item,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    with engine(config.get_main_option("sqlalchemy.url")).connect() as connection:
        _run(connection)


def run_offline() -> None:
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=Base.metadata,
        literal_binds=True,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
