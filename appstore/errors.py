"""Errors the application store raises, each with a Thai and an English message.

Pages show `str(error)` ("ไทย — English") or pick `message_th` / `message_en`; the CLI prints
it and exits 2 (3 for StoreUnavailable). None of them needs a traceback on screen, and none
carries a driver's text (host, port, SQL): StoreUnavailable keeps that as its `__cause__`, for
the server log only.
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


class StoreUnavailable(AppStoreError, ConnectionError):
    """The store cannot be reached or used now (server stopped, network down, file locked or
    unreadable). Nothing was written. The driver's error is the `__cause__`, for the log; the
    message names no host, port or driver. Pages keep what the user typed and say to try again."""

    def __init__(self) -> None:
        super().__init__(
            "ระบบจัดเก็บคำชี้แจงและข้อมูลผู้ใช้ไม่ตอบสนองในขณะนี้ จึงยังอ่านหรือบันทึกคำชี้แจงไม่ได้",
            "the application store (users, follow-up answers) cannot be reached now, so answers cannot be "
            "read or saved",
        )
