"""Sign-in through a real OpenID Connect provider in the browser tests (test helper): the PyPI package
oidc-provider-mock started on a port, the Streamlit secrets file that points an app server at it, the
whole signed-in deployment a browser module shares (`signed_in_deployment`), and a browser context
signed in through the provider's form."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from deploy.serve import free_port
from tests.browser_support import streamlit_server


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


@dataclass
class SignedInDeployment:
    """What `signed_in_deployment` started: the DuckDB copy and the application store the servers
    read, the provider (its port, process and log) and each Streamlit server's URL, port and log."""

    database: Path
    store: str
    provider_port: int
    provider: subprocess.Popen
    provider_log: Path
    urls: list[str] = field(default_factory=list)
    ports: list[int] = field(default_factory=list)
    logs: list[Path] = field(default_factory=list)

    def secrets(self, app_port: int) -> Path:
        """The secrets file of an app server on `app_port` (in the deployment's folder), pointing at the provider."""
        return secrets_file(self.provider_log.parent, app_port, self.provider_port)


@contextmanager
def signed_in_deployment(
    demo_db: Path,
    folder: Path,
    store: str,
    users: Mapping[str, tuple[str, ...]],
    servers: int = 1,
    env: Mapping[str, str] | None = None,
) -> Iterator[SignedInDeployment]:
    """A copy of `demo_db` (folder/budget.duckdb), the application store at `store` upgraded and
    holding `users` ({e-mail: (role, province codes...)}), oidc-provider-mock on a free port, and
    `servers` `streamlit run` servers on that copy and store (`env` added to theirs), each with a
    secrets file that signs in through the provider and a log in `folder`. A caller that starts its
    own app servers (deploy.serve) asks for none and writes their secrets with `secrets`. On exit
    the servers stop, then the provider; the store's pooled connections are closed."""
    import appstore

    database = folder / "budget.duckdb"
    shutil.copyfile(demo_db, database)
    appstore.upgrade(store)
    for email, (role, *provinces) in users.items():
        appstore.set_user(appstore.cli_principal(), email, role, provinces=provinces, url=store)
    provider_port, provider_log = free_port(), folder / "provider.log"
    provider = oidc_provider(provider_port, provider_log)
    deployment = SignedInDeployment(database, store, provider_port, provider, provider_log)
    try:
        with ExitStack() as stack:
            for _ in range(servers):
                port = free_port()
                log = folder / f"streamlit-{port}.log"
                deployment.urls.append(
                    stack.enter_context(
                        streamlit_server(
                            database,
                            log,
                            env={"BUDGET_APP_DB": store, **(env or {})},
                            port=port,
                            args=("--secrets.files", str(deployment.secrets(port))),
                        )
                    )
                )
                deployment.ports.append(port)
                deployment.logs.append(log)
            yield deployment
    finally:
        provider.terminate()
        provider.wait(timeout=10)
        appstore.db.dispose(store)


def sign_in_page(page, base: str, email: str, lang: str | None = None) -> None:
    """Sign `page` in on `base` as `email` through the provider's form (the start page in `lang`
    when given); returns once the provider has sent the browser back to `base`."""
    page.goto(f"{base}/" if lang is None else f"{base}/?lang={lang}")
    page.get_by_role("button", name="Sign in" if lang == "en" else "เข้าสู่ระบบ").last.click()
    page.wait_for_url("**/oauth2/authorize**", timeout=30_000)
    page.fill("input[name=sub]", email)
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_url(f"{base}/**", timeout=30_000)


def sign_in(browser, base: str, email: str, cookies: tuple[dict, ...] = (), **context_options):
    """A new browser context (1400 x 900 unless `context_options` say otherwise, holding `cookies`)
    signed in on `base` as `email` through the provider's form, once the sidebar shows the e-mail;
    (context, page)."""
    context = browser.new_context(**{"viewport": {"width": 1400, "height": 900}, **context_options})
    if cookies:
        context.add_cookies(list(cookies))
    page = context.new_page()
    sign_in_page(page, base, email)
    page.locator(".st-key-account_box").get_by_text(email).wait_for(timeout=60_000)
    return context, page
