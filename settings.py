"""One place for paths and settings, read once from the environment.

BUDGET_DB        path of the DuckDB file            (default: data/budget.duckdb)
BUDGET_REFERENCE folder of reference CSV/TOML files (default: data/reference)
BUDGET_DEMO_DIR  where the demo generator writes    (default: data/demo)
BUDGET_APP_DB    SQLAlchemy URL of the application store: users, follow-up responses,
                 uploads, audit log (default: sqlite:///<project>/data/app.sqlite;
                 e.g. postgresql+psycopg://user@host/budget_app for a central deployment)
BUDGET_LOCK_TIMEOUT seconds a writer waits for another writer's lock (default: 300)
BUDGET_UPLOAD_MAX_MB largest file the dashboard's upload page accepts, in megabytes (default: 50)
"""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent


def _path_from_env(name: str, default: Path) -> Path:
    value = os.environ.get(name)
    return Path(value).expanduser().resolve() if value else default


def database_path() -> Path:
    """The DuckDB file every reader and writer uses (env BUDGET_DB)."""
    return _path_from_env("BUDGET_DB", PROJECT_ROOT / "data" / "budget.duckdb")


def reference_dir() -> Path:
    """Folder holding provinces.csv, clusters.csv, targets.csv, thresholds.toml."""
    return _path_from_env("BUDGET_REFERENCE", PROJECT_ROOT / "data" / "reference")


def demo_dir() -> Path:
    """Folder the demo generator writes its input files to."""
    return _path_from_env("BUDGET_DEMO_DIR", PROJECT_ROOT / "data" / "demo")


def app_database_url() -> str:
    """SQLAlchemy URL of the application store (env BUDGET_APP_DB).

    Default: the SQLite file data/app.sqlite under the project root (absolute, so every
    command finds the same file whatever its working directory). A URL given in the
    environment is used as written; a relative SQLite path is then relative to the
    working directory, as SQLAlchemy reads it.
    """
    return os.environ.get("BUDGET_APP_DB") or f"sqlite:///{PROJECT_ROOT / 'data' / 'app.sqlite'}"


DEFAULT_LOCK_TIMEOUT = 300.0


def lock_timeout_seconds() -> float:
    """Seconds a writer waits for another writer to finish (env BUDGET_LOCK_TIMEOUT)."""
    value = os.environ.get("BUDGET_LOCK_TIMEOUT", "")
    try:
        seconds = float(value) if value.strip() else DEFAULT_LOCK_TIMEOUT
    except ValueError:
        seconds = DEFAULT_LOCK_TIMEOUT
    return max(seconds, 0.0)


DEFAULT_UPLOAD_MAX_MB = 50.0


def upload_max_bytes() -> int:
    """The largest file the upload page loads, in bytes (env BUDGET_UPLOAD_MAX_MB, megabytes;
    default 50). Streamlit's own limit (server.maxUploadSize, 200 MB) stays above it."""
    value = os.environ.get("BUDGET_UPLOAD_MAX_MB", "")
    try:
        megabytes = float(value) if value.strip() else DEFAULT_UPLOAD_MAX_MB
    except ValueError:
        megabytes = DEFAULT_UPLOAD_MAX_MB
    return int(max(megabytes, 0.0) * 1_000_000)
