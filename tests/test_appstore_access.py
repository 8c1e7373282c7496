"""Server-side access rules of the application store: who may save a follow-up response
for which project, who may manage users and record uploads. Every refusal is checked to
leave nothing behind (no response, no history, no audit row)."""

from __future__ import annotations

import pytest

from appstore import (
    AccessDenied,
    Principal,
    cli_principal,
    local_principal,
    principal_for_email,
    record_upload,
    remove_user,
    save_response,
    set_user,
)
from tests.appstore_support import (
    CENTRAL_NE,
    CHIANG_MAI,
    KALASIN,
    KHON_KAEN,
    UPPER_NORTH_1,
    project_of,
    store_rows,
)

ADMIN = cli_principal()


def _counts(url: str) -> tuple[int, int, int]:
    return tuple(
        store_rows(url, f"SELECT count(*) FROM {table}")[0][0]
        for table in ("followup_responses", "followup_response_history", "audit_log")
    )


def _save(principal, code, url):
    return save_response(principal, code, cause_code="procurement_delayed", action_taken="เร่งรัดผู้รับจ้าง", url=url)


def _refused(principal, code, url) -> AccessDenied:
    before = _counts(url)
    with pytest.raises(AccessDenied) as refused:
        _save(principal, code, url)
    assert isinstance(refused.value, PermissionError)
    assert _counts(url) == before  # nothing written, not even the audit row
    return refused.value


def test_province_user_writes_for_its_province_only(demo_db, app_db_url):
    set_user(ADMIN, "kalasin@example.org", "province", [KALASIN], url=app_db_url)
    kalasin = principal_for_email("Kalasin@Example.org", url=app_db_url)
    assert (kalasin.role, kalasin.provinces) == ("province", frozenset({KALASIN}))

    saved = _save(kalasin, project_of(demo_db, KALASIN), app_db_url)
    assert saved.version == 1

    # A forged call: the save function itself, for a Chiang Mai project.
    error = _refused(kalasin, project_of(demo_db, CHIANG_MAI), app_db_url)
    assert "เชียงใหม่" in error.message_th and "Chiang Mai" in error.message_en
    assert "kalasin@example.org" in str(error)
    # A principal made up in code, claiming Chiang Mai for the Kalasin user: the store decides.
    claimed = Principal(
        actor="kalasin@example.org", role="province", provinces=frozenset({CHIANG_MAI}), email="kalasin@example.org"
    )
    _refused(claimed, project_of(demo_db, CHIANG_MAI), app_db_url)
    # Nor for its own cluster's plan or a neighbouring province of the same cluster.
    _refused(kalasin, project_of(demo_db, CENTRAL_NE, "cluster"), app_db_url)
    _refused(kalasin, project_of(demo_db, KHON_KAEN), app_db_url)


def test_province_user_with_two_provinces(demo_db, app_db_url):
    set_user(ADMIN, "two@example.org", "province", [KALASIN, CHIANG_MAI], url=app_db_url)
    both = principal_for_email("two@example.org", url=app_db_url)
    assert _save(both, project_of(demo_db, KALASIN), app_db_url).version == 1
    assert _save(both, project_of(demo_db, CHIANG_MAI), app_db_url).version == 1
    _refused(both, project_of(demo_db, KHON_KAEN), app_db_url)


def test_cluster_user_writes_for_its_cluster_and_member_provinces(demo_db, app_db_url):
    set_user(ADMIN, "c07@example.org", "cluster", clusters=["c07"], url=app_db_url)
    cluster = principal_for_email("c07@example.org", url=app_db_url)
    assert cluster.clusters == frozenset({CENTRAL_NE})
    for code in (
        project_of(demo_db, KALASIN),
        project_of(demo_db, KHON_KAEN),
        project_of(demo_db, CENTRAL_NE, "cluster"),
    ):
        assert _save(cluster, code, app_db_url).version == 1
    _refused(cluster, project_of(demo_db, CHIANG_MAI), app_db_url)
    _refused(cluster, project_of(demo_db, UPPER_NORTH_1, "cluster"), app_db_url)


def test_viewer_and_unknown_users_cannot_write(demo_db, app_db_url):
    set_user(ADMIN, "viewer@example.org", "viewer", url=app_db_url)
    code = project_of(demo_db, KALASIN)
    for email in ("viewer@example.org", "stranger@example.org", None):
        principal = principal_for_email(email, url=app_db_url)
        assert principal.role == "viewer"
        error = _refused(principal, code, app_db_url)
        assert "ผู้ดูบันทึกข้อมูลไม่ได้" in error.message_th and "viewers cannot write" in error.message_en
        with pytest.raises(AccessDenied):
            record_upload(
                principal,
                file_name="x.csv",
                sha256="0" * 64,
                size_bytes=1,
                load_ids=[],
                status="refused",
                url=app_db_url,
            )
        with pytest.raises(AccessDenied):
            set_user(principal, "someone@example.org", "admin", url=app_db_url)


def test_removed_user_is_a_viewer_again(demo_db, app_db_url):
    set_user(ADMIN, "kalasin@example.org", "province", [KALASIN], url=app_db_url)
    assert remove_user(ADMIN, "KALASIN@example.org", url=app_db_url) is True
    assert remove_user(ADMIN, "kalasin@example.org", url=app_db_url) is False
    principal = principal_for_email("kalasin@example.org", url=app_db_url)
    assert principal.role == "viewer"
    _refused(principal, project_of(demo_db, KALASIN), app_db_url)


def test_admin_and_local_mode_write_everywhere(demo_db, app_db_url):
    set_user(ADMIN, "boss@example.org", "admin", url=app_db_url)
    for principal in (principal_for_email("boss@example.org", url=app_db_url), local_principal()):
        for code in (project_of(demo_db, CHIANG_MAI), project_of(demo_db, UPPER_NORTH_1, "cluster")):
            _save(principal, code, app_db_url)
    who = store_rows(app_db_url, "SELECT updated_by, version FROM followup_responses ORDER BY project_code")
    assert who == [("local", 2), ("local", 2)]


def test_only_administrators_manage_users(app_db_url):
    set_user(ADMIN, "kalasin@example.org", "province", [KALASIN], url=app_db_url)
    kalasin = principal_for_email("kalasin@example.org", url=app_db_url)
    with pytest.raises(AccessDenied) as refused:
        set_user(kalasin, "kalasin@example.org", "admin", url=app_db_url)  # no promoting oneself
    assert "administrators only" in refused.value.message_en
    with pytest.raises(AccessDenied):
        remove_user(kalasin, "kalasin@example.org", url=app_db_url)
    assert store_rows(app_db_url, "SELECT role FROM users") == [("province",)]


def test_rights_taken_away_apply_to_a_principal_kept_from_before(demo_db, app_db_url):
    """A page may keep the principal in its session; the save reads the role again."""
    set_user(ADMIN, "kalasin@example.org", "province", [KALASIN], url=app_db_url)
    kept = principal_for_email("kalasin@example.org", url=app_db_url)
    code = project_of(demo_db, KALASIN)
    assert _save(kept, code, app_db_url).version == 1
    set_user(ADMIN, "kalasin@example.org", "viewer", url=app_db_url)
    _refused(kept, code, app_db_url)
    remove_user(ADMIN, "kalasin@example.org", url=app_db_url)
    _refused(kept, code, app_db_url)
    with pytest.raises(AccessDenied):
        record_upload(
            kept, file_name="x.csv", sha256="0" * 64, size_bytes=1, load_ids=[], status="refused", url=app_db_url
        )
