"""Who is using the dashboard: Streamlit's OIDC sign-in, or the local single-user mode.

Two modes, chosen by `.streamlit/secrets.toml` (example: `.streamlit/secrets.toml.example`):
- an `[auth]` section configured (a central deployment with an identity provider): the
  visitor signs in with `st.login()`; the e-mail the provider returns is looked up in the
  application store (appstore.principal_for_email), and anyone not in it is a viewer.
  Nothing is shown before sign-in: the figures are for officials.
- no `[auth]` (a fresh clone, the README's two commands): the local single-user mode,
  allowed everything (appstore.local_principal), said so in the sidebar.

The principal is kept in st.session_state for the pages (`principal()`), re-read from
the store on every run, so a role changed with `python -m etl users` applies at the
next click. Hiding a form is only a convenience: every write function of appstore checks
the principal's role and area again on the server.

When the store cannot be reached (`ensure_store()` is False), the pages that read only the
published DuckDB file keep working. A signed-in user's role cannot be read then, so they act
as `appstore.unverified(email)`: a viewer, never more, whatever their stored role (writes
re-read the role anyway, so nothing is written with rights not read from the store). The
local single-user mode stays as it is: it has no row in the store. The sidebar says what
happened (`store_notice`); the driver's error (host, port) goes to the server log only.
"""

from __future__ import annotations

import logging

import streamlit as st

import appstore
from appstore import Principal

log = logging.getLogger(__name__)

K_PRINCIPAL = "auth_principal"
ROLE_WORDS = {
    "viewer": ("ผู้ดู (อ่านอย่างเดียว)", "viewer (read only)"),
    "province": ("ผู้ใช้ระดับจังหวัด", "province user"),
    "cluster": ("ผู้ใช้ระดับกลุ่มจังหวัด", "cluster user"),
    "admin": ("ผู้ดูแลระบบ", "administrator"),
}


K_STORE_OK = "auth_store_ok"  # whether the application store answered on this run


def ensure_store() -> bool:
    """Whether the application store answers now; it is created or migrated on first use (a fresh
    clone: on first start; once per process). Checked on every run (one pooled `SELECT 1`), so an
    outage and the store's return show at the next click. False when it cannot be reached: the
    reason, with the driver's words, goes to the server log."""
    try:
        appstore.ensure_available()
        available = True
    except appstore.StoreUnavailable as error:
        log.warning("application store unavailable: %s", error.__cause__ or error)
        available = False
    except Exception:
        log.exception("application store cannot be used")
        available = False
    st.session_state[K_STORE_OK] = available
    return available


def store_available() -> bool:
    """What `ensure_store()` found on this run (True when it has not run, e.g. a page run bare)."""
    return bool(st.session_state.get(K_STORE_OK, True))


def auth_configured() -> bool:
    """True when `.streamlit/secrets.toml` has an `[auth]` section (sign-in required)."""
    try:
        return bool(st.secrets.load_if_toml_exists() and "auth" in st.secrets)
    except Exception:
        log.warning("cannot read .streamlit/secrets.toml; running without sign-in", exc_info=True)
        return False


def signed_in_email() -> str | None:
    """The e-mail the identity provider returned, or None when nobody is signed in."""
    if not st.user.is_logged_in:
        return None
    email = st.user.get("email") or st.user.get("preferred_username") or st.user.get("sub")
    return str(email).strip().lower() if email else None


def resolve_principal(store_ok: bool = True) -> Principal | None:
    """The acting principal for this run (None: sign-in configured and nobody signed in yet).
    Stored for the pages (`principal()`). With the store unavailable (`store_ok` False, or the
    look-up failing), a signed-in user is `appstore.unverified`: a viewer."""
    if not auth_configured():
        found: Principal | None = appstore.local_principal()
    else:
        email = signed_in_email()
        if email is None:
            found = None
        elif not store_ok:
            found = appstore.unverified(email)
        else:
            try:
                found = appstore.principal_for_email(email)
            except Exception as error:  # noqa: BLE001 - the role cannot be read: least privilege, say so
                log.warning(
                    "cannot read the role of %s from the application store: %s",
                    email,
                    getattr(error, "__cause__", None) or error,
                )
                st.session_state[K_STORE_OK] = False
                found = appstore.unverified(email)
    st.session_state[K_PRINCIPAL] = found
    return found


def principal() -> Principal:
    """The principal dashboard.py resolved for this run; a viewer when none (a page run bare)."""
    found = st.session_state.get(K_PRINCIPAL)
    return found if found is not None else appstore.viewer(None)


def role_text(who: Principal, lang: str) -> str:
    """The role and its areas in words, e.g. 'ผู้ใช้ระดับจังหวัด (46)'."""
    thai, english = ROLE_WORDS.get(who.role, (who.role, who.role))
    areas = ", ".join(sorted(who.provinces | who.clusters))
    text = thai if lang == "th" else english
    return f"{text} ({areas})" if areas else text


def sidebar_identity(who: Principal | None, lang: str) -> None:
    """The sidebar's account box: local mode, or the signed-in e-mail (as plain text), role and sign-out."""

    def t(thai: str, english: str) -> str:
        return thai if lang == "th" else english

    with st.sidebar.container(border=True, key="account_box"):
        if who is None:
            st.caption(t("ยังไม่ได้เข้าสู่ระบบ", "Not signed in"))
            if st.button(t("เข้าสู่ระบบ", "Sign in"), key="sign_in_sidebar", icon=":material/login:", width="stretch"):
                st.login()
        elif who.local:
            st.caption(
                t(
                    "โหมดผู้ใช้คนเดียวบนเครื่องนี้ (ไม่ได้ตั้งค่าการเข้าสู่ระบบ) ทำได้ทุกอย่าง",
                    "Local single-user mode (no sign-in configured): everything allowed",
                )
            )
        else:
            # Plain text, never markup: the e-mail comes from the identity provider, and as Markdown
            # "**x**", "[x](url)" or "![x](url)" in it became bold, a link, an image the browser fetched.
            st.text(f"{who.email or who.actor}\n{role_text(who, lang)}")
            if st.button(t("ออกจากระบบ", "Sign out"), key="sign_out", icon=":material/logout:", width="stretch"):
                st.logout()


def store_notice(who: Principal | None, lang: str) -> None:
    """The sidebar's word when the application store cannot be reached on this run: reading works,
    saving does not, and (signed in) the role could not be checked, so the user reads as a viewer."""
    from vocabulary import STORE_OUTAGE, word

    if store_available():
        return
    key = "sidebar_unverified" if who is not None and who.unverified else "sidebar"
    st.sidebar.warning(word(STORE_OUTAGE, key, lang), icon=":material/cloud_off:")


def sign_in_page(lang: str) -> None:
    """What a visitor sees before signing in (sign-in configured)."""

    def t(thai: str, english: str) -> str:
        return thai if lang == "th" else english

    st.title(t("ติดตามการเบิกจ่ายงบประมาณ", "Budget execution monitor"))
    st.info(
        t(
            "โปรดเข้าสู่ระบบด้วยบัญชีของหน่วยงานเพื่อดูข้อมูล",
            "Please sign in with your organisation's account to see the figures.",
        ),
        icon=":material/lock:",
    )
    if st.button(t("เข้าสู่ระบบ", "Sign in"), key="sign_in_main", type="primary", icon=":material/login:"):
        st.login()
