"""The application store's tables (SQLAlchemy 2 ORM). Schema changes go through Alembic
(appstore/migrations/versions/): change a model here, then add a revision.

Timestamps are UTC (timezone-aware in Python on both SQLite and PostgreSQL). Money is
Numeric(18, 2) baht, read back as Decimal. Text columns have lengths that
appstore.validation checks in Python first, because SQLite would store a longer value
that PostgreSQL rejects; the limits below are the single source of both.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy import (
    JSON,
    BigInteger,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Numeric,
    String,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

# Text limits in characters (PostgreSQL varchar(n) counts characters, as Python's len does).
EMAIL_MAX = 254  # RFC 5321 path limit
ACTOR_MAX = 300  # an e-mail, 'local', or 'cli:<os user>'
ROLE_MAX = 16
AREA_CODE_MAX = 8
PROJECT_CODE_MAX = 64
CAUSE_CODE_MAX = 32
ACTION_TAKEN_MAX = 1000
NOTE_MAX = 2000
FILE_NAME_MAX = 255
UPLOAD_STATUS_MAX = 32
MESSAGE_MAX = 2000
AUDIT_ACTION_MAX = 64
AUDIT_TARGET_MAX = 255

# Named constraints, so Alembic's batch mode on SQLite can find and alter them.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator):
    """A timezone-aware UTC datetime on both backends (SQLite keeps no zone: stored as
    naive UTC and given back its zone on read)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("timestamps must be timezone-aware")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class User(Base):
    """A person who signs in. Absent from this table means: a viewer."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(EMAIL_MAX), unique=True)  # stored lower-case
    role: Mapped[str] = mapped_column(String(ROLE_MAX))  # viewer | province | cluster | admin
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_by: Mapped[str] = mapped_column(String(ACTOR_MAX))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_by: Mapped[str] = mapped_column(String(ACTOR_MAX))
    areas: Mapped[list[UserArea]] = relationship(
        back_populates="user", cascade="all, delete-orphan", order_by="UserArea.area_code"
    )


class UserArea(Base):
    """A province (DOPA code) or cluster (C01..C18) a province/cluster user writes for."""

    __tablename__ = "user_areas"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    area_type: Mapped[str] = mapped_column(String(ROLE_MAX), primary_key=True)  # province | cluster
    area_code: Mapped[str] = mapped_column(String(AREA_CODE_MAX), primary_key=True)
    user: Mapped[User] = relationship(back_populates="areas")


class FollowupResponse(Base):
    """The latest follow-up response of a lagging project: one row per project, so the
    pages read the current answers without scanning the history."""

    __tablename__ = "followup_responses"
    __table_args__ = (UniqueConstraint("fiscal_year", "project_code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    fiscal_year: Mapped[int] = mapped_column(Integer)  # BE
    project_code: Mapped[str] = mapped_column(String(PROJECT_CODE_MAX))
    cause_code: Mapped[str] = mapped_column(String(CAUSE_CODE_MAX))  # data/reference/followup_causes.csv
    action_taken: Mapped[str | None] = mapped_column(String(ACTION_TAKEN_MAX))
    expected_payment_date: Mapped[date | None] = mapped_column(Date)
    expected_amount: Mapped[Decimal | None] = mapped_column(Numeric(18, 2))  # baht
    note: Mapped[str | None] = mapped_column(String(NOTE_MAX))
    version: Mapped[int] = mapped_column(Integer)  # number of saves so far
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_by: Mapped[str] = mapped_column(String(ACTOR_MAX))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_by: Mapped[str] = mapped_column(String(ACTOR_MAX))


class FollowupResponseHistory(Base):
    """Every save of a response: the values saved and what changed (old and new)."""

    __tablename__ = "followup_response_history"
    # One row per version: two saves can never both claim the same version.
    __table_args__ = (
        UniqueConstraint("response_id", "version"),
        Index("ix_followup_history_project", "fiscal_year", "project_code"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("followup_responses.id", ondelete="CASCADE"))
    fiscal_year: Mapped[int] = mapped_column(Integer)
    project_code: Mapped[str] = mapped_column(String(PROJECT_CODE_MAX))
    version: Mapped[int] = mapped_column(Integer)
    saved_at: Mapped[datetime] = mapped_column(UTCDateTime())
    saved_by: Mapped[str] = mapped_column(String(ACTOR_MAX))
    cause_code: Mapped[str] = mapped_column(String(CAUSE_CODE_MAX))
    action_taken: Mapped[str | None] = mapped_column(String(ACTION_TAKEN_MAX))
    expected_payment_date: Mapped[date | None] = mapped_column(Date)
    expected_amount: Mapped[Decimal | None] = mapped_column(Numeric(18, 2))
    note: Mapped[str | None] = mapped_column(String(NOTE_MAX))
    # {field: {"old": value, "new": value}} with dates ISO and amounts as decimal strings;
    # on the first save "old" is null for every field given.
    changes: Mapped[dict] = mapped_column(JSON)


class Upload(Base):
    """A file uploaded through the dashboard and what the ETL made of it."""

    __tablename__ = "uploads"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    uploaded_by: Mapped[str] = mapped_column(String(ACTOR_MAX))
    file_name: Mapped[str] = mapped_column(String(FILE_NAME_MAX))
    sha256: Mapped[str] = mapped_column(String(64))
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    load_ids: Mapped[list] = mapped_column(JSON)  # DuckDB loads.load_id of each table loaded
    status: Mapped[str] = mapped_column(String(UPLOAD_STATUS_MAX))
    rows_loaded: Mapped[int] = mapped_column(Integer)
    rows_rejected: Mapped[int] = mapped_column(Integer)
    message: Mapped[str | None] = mapped_column(String(MESSAGE_MAX))


class AuditEntry(Base):
    """One row per write to the store: who, when, what, on what, with details."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    actor: Mapped[str] = mapped_column(String(ACTOR_MAX))
    action: Mapped[str] = mapped_column(String(AUDIT_ACTION_MAX))  # e.g. followup.save, user.set
    target: Mapped[str] = mapped_column(String(AUDIT_TARGET_MAX))
    details: Mapped[dict] = mapped_column(JSON)
