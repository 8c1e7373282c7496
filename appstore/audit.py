"""The audit log: one row per write, written in the same transaction as the write."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from appstore import models
from appstore.access import Principal
from appstore.db import reading

if TYPE_CHECKING:  # imported by the function that returns a frame (`python -m etl users add` needs none)
    import pandas as pd


def now() -> datetime:
    """The current time, timezone-aware UTC (every timestamp the store writes)."""
    return datetime.now(UTC)


def record(
    session: Session, principal: Principal, action: str, target: str, details: dict, at: datetime | None = None
) -> None:
    """Add an audit row to the session's transaction (details must be JSON-serialisable)."""
    session.add(
        models.AuditEntry(
            at=at or now(),
            actor=principal.actor[: models.ACTOR_MAX],
            action=action,
            target=target[: models.AUDIT_TARGET_MAX],
            details=details,
        )
    )


def audit_log(limit: int = 500, action: str | None = None, url: str | None = None) -> pd.DataFrame:
    """The newest audit rows first: id, at (UTC), actor, action, target, details (dict)."""
    query = select(models.AuditEntry).order_by(models.AuditEntry.id.desc()).limit(limit)
    if action:
        query = query.where(models.AuditEntry.action == action)
    with reading(url) as session:
        rows = session.scalars(query).all()
    import pandas as pd

    return pd.DataFrame(
        [
            {"id": r.id, "at": r.at, "actor": r.actor, "action": r.action, "target": r.target, "details": r.details}
            for r in rows
        ],
        columns=["id", "at", "actor", "action", "target", "details"],
    )
