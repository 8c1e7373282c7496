"""Sign-in through a real OpenID Connect provider in the browser tests (test helper): the PyPI package
oidc-provider-mock started on a port, the Streamlit secrets file that points an app server at it, and a
browser context signed in through the provider's form."""

from __future__ import annotations

import subprocess
import sys
import time
import urllib.request
from pathlib import Path


def oidc_provider(port: int, log_path: Path) -> subprocess.Popen:
    """oidc-provider-mock on `port`, once its discovery document answers."""
    command = Path(sys.executable).parent / "oidc-provider-mock"
    log = open(log_path, "w")  # noqa: SIM115 - closed with the process below
    process = subprocess.Popen([str(command), "-p", str(port)], stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/.well-known/openid-configuration", timeout=2):
                return process
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"oidc-provider-mock did not start:\n{log_path.read_text()}") from None
            time.sleep(0.2)


def secrets_file(folder: Path, app_port: int, provider_port: int) -> Path:
    path = folder / f"secrets-{app_port}.toml"
    path.write_text(
        f"""[auth]
redirect_uri = "http://127.0.0.1:{app_port}/oauth2callback"
cookie_secret = "one-secret-shared-by-every-app-server-of-the-test"
client_id = "budget-monitor"
client_secret = "not-checked-by-the-mock"
server_metadata_url = "http://127.0.0.1:{provider_port}/.well-known/openid-configuration"
""",
        encoding="utf-8",
    )
    return path


def sign_in(browser, base: str, email: str):
    """A new browser context signed in on `base` as `email` through the provider's form."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    page.goto(f"{base}/")
    page.get_by_role("button", name="เข้าสู่ระบบ").last.click()
    page.wait_for_url("**/oauth2/authorize**", timeout=30_000)
    page.fill("input[name=sub]", email)
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_url(f"{base}/**", timeout=30_000)
    page.locator(".st-key-account_box").get_by_text(email).wait_for(timeout=60_000)
    return context, page
