"""Records of files uploaded through the dashboard: who, which file (name, SHA-256, size),
which DuckDB loads it became, and how it went. The upload page runs etl.load.load_files
itself (same lock, same rejects, same atomic publish) and records the outcome here.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import select

from appstore import audit, models, validation
from appstore.access import Principal, require_upload
from appstore.db import reading, transaction
from appstore.errors import ValidationError
from appstore.users import current

# Outcomes: the ETL's per-table statuses, plus 'failed' (the load raised) and 'refused'
# also for a file refused before loading (too large, not allowed).
STATUSES = ("loaded", "loaded_with_rejects", "unchanged", "refused", "failed")
# Worst first: the status of an upload whose tables ended differently.
_SEVERITY = {"failed": 0, "refused": 1, "loaded_with_rejects": 2, "loaded": 3, "unchanged": 4}
UPLOAD_COLUMNS = [
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
]


@dataclass(frozen=True)
class UploadOutcome:
    """What an upload became, summed over the tables of the file (etl LoadResults)."""

    load_ids: list[int]
    status: str
    rows_loaded: int
    rows_rejected: int
    message: str


def upload_area(principal: Principal) -> frozenset[tuple[str, str]] | None:
    """The owners ((owner_type, code) pairs) whose rows the principal may upload, by the
    access rules (may_write_owner) over every province and cluster of the reference data;
    None for administrators and the local mode (every area). The upload page passes it to
    etl.load.load_files, which rejects other rows with the reason `not_your_area`."""
    from appstore import reference
    from appstore.access import may_write_owner

    if principal.is_admin:
        return None
    clusters = reference.cluster_of_province()
    owners = {
        ("province", code)
        for code, cluster in clusters.items()
        if may_write_owner(principal, "province", code, cluster)
    }
    owners |= {
        ("cluster", code) for code in reference.cluster_codes() if may_write_owner(principal, "cluster", code, code)
    }
    return frozenset(owners)


def sha256_of(content: bytes) -> str:
    """Hex SHA-256 of the uploaded bytes."""
    return hashlib.sha256(content).hexdigest()


def outcome_of(results: Iterable) -> UploadOutcome:
    """Summarise etl.load.LoadResult objects of one file: load ids, the worst status,
    rows inserted + updated, rows rejected, and the messages joined."""
    results = list(results)
    if not results:
        return UploadOutcome([], "failed", 0, 0, "")
    status = min((r.status for r in results), key=lambda s: _SEVERITY.get(s, 0))
    return UploadOutcome(
        load_ids=sorted({int(r.load_id) for r in results}),
        status=status,
        rows_loaded=sum(r.rows_inserted + r.rows_updated for r in results),
        rows_rejected=sum(r.rows_rejected for r in results),
        message=" | ".join(r.message for r in results if r.message),
    )


def record_upload(
    principal: Principal,
    *,
    file_name: str,
    sha256: str,
    size_bytes: int,
    load_ids: list[int],
    status: str,
    rows_loaded: int = 0,
    rows_rejected: int = 0,
    message: str | None = None,
    url: str | None = None,
) -> int:
    """Record one uploaded file (province, cluster and admin users) and audit it; returns
    the upload's id. Long messages are cut to the column's length; everything else that
    does not fit is refused (ValidationError)."""
    principal = current(principal, url)
    require_upload(principal)
    name = validation.text("file_name", file_name, models.FILE_NAME_MAX, required=True)
    if status not in STATUSES:
        raise ValidationError("status", f"สถานะ '{status}' ไม่ถูกต้อง", f"unknown upload status '{status}'")
    if len(sha256 or "") != 64 or any(c not in "0123456789abcdef" for c in sha256):
        raise ValidationError("sha256", "ค่า SHA-256 ไม่ถูกต้อง", "sha256 must be 64 lower-case hex digits")
    message = (message or "").strip()[: models.MESSAGE_MAX] or None
    with transaction(url) as session:
        at = audit.now()
        upload = models.Upload(
            uploaded_at=at,
            uploaded_by=principal.actor,
            file_name=name,
            sha256=sha256,
            size_bytes=int(size_bytes),
            load_ids=[int(i) for i in load_ids],
            status=status,
            rows_loaded=int(rows_loaded),
            rows_rejected=int(rows_rejected),
            message=message,
        )
        session.add(upload)
        session.flush()
        audit.record(
            session,
            principal,
            "upload.record",
            name,
            {
                "upload_id": upload.id,
                "sha256": sha256,
                "size_bytes": int(size_bytes),
                "load_ids": upload.load_ids,
                "status": status,
                "rows_loaded": int(rows_loaded),
                "rows_rejected": int(rows_rejected),
            },
            at=at,
        )
        return upload.id


def record_upload_results(
    principal: Principal, *, file_name: str, content: bytes, results: Iterable, url: str | None = None
) -> int:
    """`record_upload` for a file the ETL loaded: hash, size and outcome from the bytes
    and the LoadResults of etl.load.load_files."""
    outcome = outcome_of(results)
    return record_upload(
        principal,
        file_name=file_name,
        sha256=sha256_of(content),
        size_bytes=len(content),
        load_ids=outcome.load_ids,
        status=outcome.status,
        rows_loaded=outcome.rows_loaded,
        rows_rejected=outcome.rows_rejected,
        message=outcome.message,
        url=url,
    )


def list_uploads(limit: int = 200, url: str | None = None) -> pd.DataFrame:
    """The newest uploads first: UPLOAD_COLUMNS (uploaded_at UTC, load_ids a list)."""
    with reading(url) as session:
        rows = session.scalars(select(models.Upload).order_by(models.Upload.id.desc()).limit(limit)).all()
    return pd.DataFrame([{c: getattr(r, c) for c in UPLOAD_COLUMNS} for r in rows], columns=UPLOAD_COLUMNS)
