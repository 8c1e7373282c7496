"""Errors the application store raises, each with a Thai and an English message.

Pages show `str(error)` ("ไทย — English") or pick `message_th` / `message_en`; the CLI prints
it and exits 2. None of them needs a traceback on screen.
"""

from __future__ import annotations


class AppStoreError(Exception):
    """Base class: a refusal or bad input, explained in Thai and English."""

    def __init__(self, message_th: str, message_en: str) -> None:
        super().__init__(f"{message_th} — {message_en}")
        self.message_th = message_th
        self.message_en = message_en


class AccessDenied(AppStoreError, PermissionError):
    """The acting user's role or area does not allow this write (checked on the server)."""


class ValidationError(AppStoreError, ValueError):
    """A value is missing, too long, of the wrong kind or unknown; `field` names it."""

    def __init__(self, field: str, message_th: str, message_en: str) -> None:
        super().__init__(message_th, message_en)
        self.field = field


class UnknownProject(ValidationError, LookupError):
    """The project code is not in the loaded records (DuckDB)."""
