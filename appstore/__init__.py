"""The application store: everything users write through the app.

Users and their roles, follow-up responses of lagging projects (with history), records
of uploaded files, and an audit log of every write, kept in a SQLAlchemy database named
by BUDGET_APP_DB (settings.app_database_url): an embedded SQLite file by default,
PostgreSQL for a central deployment. The loaded records and every figure stay in DuckDB
(etl/ writes them, budget_metrics/ reads them); the reads here join the small follow-up
table onto budget_metrics frames in pandas. Operator's guide: docs/appstore.md.

Modules, each named for what it holds:
    engines     one engine per URL (SQLite WAL + BEGIN IMMEDIATE; PostgreSQL)
    migrate     Alembic migrations, `upgrade()` on start (uses engines)
    db          sessions on a migrated store: transactions, reads, outages (uses migrate)
    models      the tables
    access      roles, principals, the server-side write checks (rules only: reads nothing)
    users       user management, `principal_for_email`, `current` (a principal's role as stored now)
    followup    save a response; latest, history, response rates, overdue
    uploads     upload records
    audit       the audit log
    reference   causes, area codes, the freshness threshold (data/reference/, read by reference_data)
    validation  input checks (lengths, codes, amounts, dates, e-mails)
    projects    a project's owner from the loaded records
    errors      AccessDenied, ValidationError, UnknownProject, StoreUnavailable (Thai — English messages)

The names below are the public API pages, exports and the CLI use.
"""

from __future__ import annotations

import importlib

# Public name -> the module that defines it. Imported on first use (PEP 562), so that
# `appstore.migrate` or the command line do not load pandas and the read side for nothing.
_EXPORTS = {
    "appstore.access": [
        "Principal",
        "cli_principal",
        "local_principal",
        "may_write_owner",
        "may_write_project",
        "require_upload",
        "unverified",
        "viewer",
        "writable_mask",
    ],
    "appstore.audit": ["audit_log"],
    "appstore.db": ["ensure_available"],
    "appstore.errors": ["AccessDenied", "AppStoreError", "StoreUnavailable", "UnknownProject", "ValidationError"],
    "appstore.followup": [
        "ResponseRate",
        "ResponseSource",
        "SavedResponse",
        "frozen_responses",
        "latest_responses",
        "overdue_responses",
        "response_source",
        "response_history",
        "response_rate_total",
        "response_rates",
        "save_response",
        "with_responses",
    ],
    "appstore.migrate": ["upgrade"],
    "appstore.projects": ["ProjectOwner", "project_owner"],
    "appstore.reference": ["causes", "followup_fresh_days"],
    "appstore.uploads": ["list_uploads", "record_upload", "record_upload_results", "upload_area"],
    "appstore.users": ["UserRecord", "get_user", "list_users", "principal_for_email", "remove_user", "set_user"],
}
_WHERE = {name: module for module, names in _EXPORTS.items() for name in names}
__all__ = [
    "AccessDenied",
    "AppStoreError",
    "Principal",
    "ProjectOwner",
    "ResponseRate",
    "ResponseSource",
    "SavedResponse",
    "StoreUnavailable",
    "UnknownProject",
    "UserRecord",
    "ValidationError",
    "audit_log",
    "causes",
    "cli_principal",
    "ensure_available",
    "followup_fresh_days",
    "frozen_responses",
    "get_user",
    "latest_responses",
    "list_uploads",
    "list_users",
    "local_principal",
    "may_write_owner",
    "may_write_project",
    "overdue_responses",
    "principal_for_email",
    "project_owner",
    "record_upload",
    "record_upload_results",
    "remove_user",
    "require_upload",
    "response_history",
    "response_rate_total",
    "response_rates",
    "response_source",
    "save_response",
    "set_user",
    "unverified",
    "upgrade",
    "upload_area",
    "viewer",
    "with_responses",
    "writable_mask",
]


def __getattr__(name: str):
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'appstore' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
