"""Users, their roles and areas; and the principal a signed-in e-mail acts as.

Managing users is for administrators (the command line acts as one, see
etl/users_commands.py). Each change is audited.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from appstore import audit, models, validation
from appstore.access import Principal, require_admin, viewer
from appstore.db import reading, transaction

if TYPE_CHECKING:  # imported by list_users, the one function returning a frame
    import pandas as pd


@dataclass(frozen=True)
class UserRecord:
    """A user as stored: e-mail (lower-case), role, province and cluster codes."""

    email: str
    role: str
    provinces: tuple[str, ...]
    clusters: tuple[str, ...]


def _record(user: models.User) -> UserRecord:
    return UserRecord(
        user.email,
        user.role,
        tuple(a.area_code for a in user.areas if a.area_type == "province"),
        tuple(a.area_code for a in user.areas if a.area_type == "cluster"),
    )


def set_user(
    principal: Principal,
    email: str,
    role: str,
    provinces: list[str] | tuple[str, ...] = (),
    clusters: list[str] | tuple[str, ...] = (),
    url: str | None = None,
) -> tuple[UserRecord, bool]:
    """Create the user, or replace an existing user's role and areas (administrators only).

    Returns (the user as stored, True when created). Raises ValidationError for a bad
    e-mail, role or area code, AccessDenied for a non-administrator.
    """
    require_admin(current(principal, url), "จัดการผู้ใช้", "manage users")
    email = validation.email(email)
    role = validation.role(role)
    provinces, clusters = validation.areas(role, provinces, clusters)
    try:
        return _set_user(principal, email, role, provinces, clusters, url)
    except IntegrityError:
        # Two administrators added the same new e-mail at once and the other one won the
        # unique key: this attempt now finds the user and replaces its role and areas.
        return _set_user(principal, email, role, provinces, clusters, url)


def _set_user(
    principal: Principal, email: str, role: str, provinces: list[str], clusters: list[str], url: str | None
) -> tuple[UserRecord, bool]:
    with transaction(url) as session:
        user = session.scalars(
            select(models.User)
            .where(models.User.email == email)
            .options(selectinload(models.User.areas))
            .with_for_update()
        ).one_or_none()
        at = audit.now()
        created = user is None
        before = None if created else _record(user)
        if created:
            user = models.User(email=email, created_at=at, created_by=principal.actor)
            session.add(user)
        user.role, user.updated_at, user.updated_by = role, at, principal.actor
        user.areas = [models.UserArea(area_type="province", area_code=code) for code in provinces] + [
            models.UserArea(area_type="cluster", area_code=code) for code in clusters
        ]
        session.flush()
        after = _record(user)
        audit.record(
            session,
            principal,
            "user.set",
            email,
            {
                "created": created,
                "old": None
                if before is None
                else {"role": before.role, "provinces": list(before.provinces), "clusters": list(before.clusters)},
                "new": {"role": role, "provinces": provinces, "clusters": clusters},
            },
            at=at,
        )
    return after, created


def remove_user(principal: Principal, email: str, url: str | None = None) -> bool:
    """Delete a user (administrators only); False when there was no such user."""
    require_admin(current(principal, url), "จัดการผู้ใช้", "manage users")
    email = validation.email(email)
    with transaction(url) as session:
        user = session.scalars(
            select(models.User).where(models.User.email == email).options(selectinload(models.User.areas))
        ).one_or_none()
        if user is None:
            return False
        before = _record(user)
        session.delete(user)
        audit.record(
            session,
            principal,
            "user.remove",
            email,
            {"old": {"role": before.role, "provinces": list(before.provinces), "clusters": list(before.clusters)}},
        )
    return True


def get_user(email: str, url: str | None = None) -> UserRecord | None:
    """The stored user with this e-mail (any case), or None."""
    try:
        email = validation.email(email)
    except validation.ValidationError:
        return None
    with reading(url) as session:
        user = session.scalars(
            select(models.User).where(models.User.email == email).options(selectinload(models.User.areas))
        ).one_or_none()
        return None if user is None else _record(user)


def list_users(url: str | None = None) -> pd.DataFrame:
    """All users by e-mail: email, role, provinces, clusters (codes joined by ', '),
    updated_at (UTC), updated_by."""
    with reading(url) as session:
        users = session.scalars(
            select(models.User).options(selectinload(models.User.areas)).order_by(models.User.email)
        ).all()
        rows = [
            {
                "email": u.email,
                "role": u.role,
                **{k: ", ".join(v) for k, v in (("provinces", r.provinces), ("clusters", r.clusters))},
                "updated_at": u.updated_at,
                "updated_by": u.updated_by,
            }
            for u in users
            for r in [_record(u)]
        ]
    import pandas as pd

    return pd.DataFrame(rows, columns=["email", "role", "provinces", "clusters", "updated_at", "updated_by"])


def current(principal: Principal, url: str | None = None) -> Principal:
    """The principal with its role and areas as the store holds them now.

    Write functions call this first, so a page that kept a principal in its session state
    cannot write with rights an administrator has since taken away. The local mode and
    the command line have no row in the store and stay as they are.
    """
    if principal.local:
        return principal
    return principal_for_email(principal.email, url)


def principal_for_email(email: str | None, url: str | None = None) -> Principal:
    """The principal a signed-in user acts as: the stored role and areas, or a viewer when
    the e-mail is not in the store (or missing)."""
    found = get_user(email, url) if email else None
    if found is None:
        return viewer(email.strip().lower() if email else None)
    return Principal(
        actor=found.email,
        role=found.role,
        provinces=frozenset(found.provinces),
        clusters=frozenset(found.clusters),
        email=found.email,
    )
