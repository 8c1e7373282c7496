"""Who may write what. Every write function of the store calls these checks itself, on
the server, so hiding a button in a page is a convenience, never the protection: a
forged call (a save for another province's project made directly) is refused here.

Roles (a user's role and areas are kept in the `users` / `user_areas` tables):
- viewer   reads everything, writes nothing (also anyone signed in but not in the store);
- province writes follow-up responses for its provinces' province-plan projects;
- cluster  writes for its clusters' own (cluster-plan) projects and for the province-plan
           projects of the clusters' member provinces;
- admin    writes for every project, loads data, manages users.
Uploading files is open to province, cluster and admin users; the upload page must also
keep their rows to their own areas (`may_write_owner`).

Two principals exist without a row in the store: the local single-user mode of a
deployment with no sign-in configured, and the command line run by an operator on the
server. Both may do everything.

The rules here read nothing: reading a user's role from the store is `appstore.users`' work, which
imports this module (never the other way round).

When the store cannot be read (an outage), a signed-in user's role is unknown: the app then
acts for them as `unverified(email)`, a viewer (the least that still lets them read, and no
more whatever their stored role), marked so the pages can say why. Every write re-reads the
role from the store (`appstore.users.current`), so such a principal can never write with rights it was not
shown to have: while the store is down the write fails as unavailable, once it is back it
runs with the role the store holds.
"""

from __future__ import annotations

import getpass
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from appstore.errors import AccessDenied
from appstore.validation import ROLE_LABELS

if TYPE_CHECKING:  # pandas and the read side only where a function needs them (`python -m etl users`)
    import pandas as pd

    from appstore.projects import ProjectOwner

WRITER_ROLES = ("province", "cluster", "admin")


@dataclass(frozen=True)
class Principal:
    """The acting user. `actor` is what the audit log and history record."""

    actor: str  # e-mail, 'local', or 'cli:<os user>'
    role: str  # viewer | province | cluster | admin
    provinces: frozenset[str] = field(default_factory=frozenset)
    clusters: frozenset[str] = field(default_factory=frozenset)
    email: str | None = None
    local: bool = False  # local single-user mode or the server's command line
    unverified: bool = False  # the store could not be read: a viewer until it can

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @property
    def can_write(self) -> bool:
        """True when the role writes anything at all (pages: show the forms)."""
        return self.role in WRITER_ROLES


def local_principal() -> Principal:
    """Local single-user mode (no [auth] configured): allowed everything."""
    return Principal(actor="local", role="admin", local=True)


def cli_principal() -> Principal:
    """The operator at the server's shell (python -m etl users ...): an administrator."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = "unknown"
    return Principal(actor=f"cli:{user}", role="admin", local=True)


def viewer(email: str | None) -> Principal:
    """A signed-in user with no row in the store."""
    return Principal(actor=email or "anonymous", role="viewer", email=email)


def unverified(email: str | None) -> Principal:
    """A signed-in user whose role cannot be read now (the store is unavailable): a viewer."""
    return Principal(actor=email or "anonymous", role="viewer", email=email, unverified=True)


def may_write_owner(principal: Principal, owner_type: str, owner: str, cluster_code: str | None) -> bool:
    """Whether the principal writes for a project of this owner (cluster_code: the owner's
    cluster, i.e. the province's cluster for a province plan, the cluster itself otherwise)."""
    if principal.role == "admin":
        return True
    if principal.role == "province":
        return owner_type == "province" and owner in principal.provinces
    if principal.role == "cluster":
        return cluster_code is not None and cluster_code in principal.clusters
    return False


def may_write_project(principal: Principal, project: ProjectOwner) -> bool:
    """Whether the principal may save a follow-up response for the project."""
    return may_write_owner(principal, project.owner_type, project.owner, project.cluster_code)


def writable_mask(principal: Principal, projects: pd.DataFrame) -> pd.Series:
    """Per row of a read-side project frame (owner_type, owner, cluster_code columns, as
    lagging_projects returns), whether the principal may write for it. For pages only:
    the save itself checks again."""
    import pandas as pd

    return pd.Series(
        [
            may_write_owner(principal, t, o, c)
            for t, o, c in zip(projects["owner_type"], projects["owner"], projects["cluster_code"], strict=True)
        ],
        index=projects.index,
        dtype=bool,
    )


def _who(principal: Principal) -> tuple[str, str]:
    label = ROLE_LABELS.get(principal.role, principal.role)
    return f"{principal.actor} ({label})", f"{principal.actor} ({principal.role})"


def require_project_write(principal: Principal, project: ProjectOwner) -> None:
    """Refuse (AccessDenied) unless the principal may write for the project."""
    if may_write_project(principal, project):
        return
    who_th, who_en = _who(principal)
    owner_th = project.owner_name_th or project.owner
    owner_en = project.owner_name_en or project.owner
    if principal.role == "viewer":
        reason_th, reason_en = "ผู้ดูบันทึกข้อมูลไม่ได้", "viewers cannot write"
    else:
        mine = ", ".join(sorted(principal.provinces | principal.clusters)) or "-"
        reason_th = f"โครงการนี้เป็นของ {owner_th} ไม่อยู่ในพื้นที่ของท่าน ({mine})"
        reason_en = f"the project belongs to {owner_en}, outside your area ({mine})"
    raise AccessDenied(
        f"{who_th} ไม่มีสิทธิ์บันทึกคำชี้แจงโครงการ {project.project_code}: {reason_th}",
        f"{who_en} may not save a response for project {project.project_code}: {reason_en}",
    )


def require_admin(principal: Principal, what_th: str, what_en: str) -> None:
    """Refuse (AccessDenied) unless the principal is an administrator."""
    if principal.is_admin:
        return
    who_th, who_en = _who(principal)
    raise AccessDenied(f"{who_th} ไม่มีสิทธิ์{what_th}: เฉพาะผู้ดูแลระบบ", f"{who_en} may not {what_en}: administrators only")


def require_upload(principal: Principal) -> None:
    """Refuse (AccessDenied) unless the principal may upload data files."""
    if principal.can_write:
        return
    who_th, who_en = _who(principal)
    raise AccessDenied(
        f"{who_th} ไม่มีสิทธิ์อัปโหลดไฟล์: เฉพาะผู้ใช้ระดับจังหวัด กลุ่มจังหวัด และผู้ดูแลระบบ",
        f"{who_en} may not upload files: province, cluster and admin users only",
    )
