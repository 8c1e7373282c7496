"""Starting the dashboard with `streamlit run` and driving Debian's Chromium (test helpers).

Used by tests/test_browser.py and tests/test_serving_while_loading.py. Chromium comes
from apt (`python3 tasks.py test` installs it); Playwright's own browser download is
not used.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]


def require_chromium() -> None:
    """Skip the calling test, saying why, when Debian's Chromium is not installed."""
    if not CHROMIUM.exists():
        pytest.skip("needs /usr/bin/chromium (Debian package 'chromium'; `python3 tasks.py test` "
                    "installs it with apt when run as root)")


def snapshotted_copy(db_path: Path, folder: Path, as_of_dates) -> Path:
    """A copy of `db_path` in `folder` with weekly snapshots taken for the given dates
    (through etl.snapshot, as `python -m etl snapshot --as-of` does)."""
    import shutil

    from etl.snapshot import take_snapshot

    copy = folder / "budget.duckdb"
    shutil.copyfile(db_path, copy)
    for day in as_of_dates:
        take_snapshot(2562, day, db_path=copy)
    return copy


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def streamlit_server(db_path: Path, log_path: Path, env: dict[str, str] | None = None,
                     args: tuple[str, ...] = (), port: int | None = None) -> Iterator[str]:
    """`streamlit run dashboard.py` on a free port (or `port`) against `db_path`; yields the base
    URL. `env` adds environment variables, `args` more `streamlit run` options."""
    port = port or free_port()
    env = {**os.environ, "BUDGET_DB": str(db_path), **(env or {})}
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(ROOT / "dashboard.py"),
             "--server.port", str(port), "--server.address", "127.0.0.1", "--server.headless", "true",
             "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none", *args],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                        if response.status == 200:
                            break
                except OSError:
                    pass
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"streamlit did not start; see {log_path}:\n{log_path.read_text()}")
                time.sleep(0.3)
            yield url
        finally:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()


@contextmanager
def chromium_browser() -> Iterator:
    """A headless Debian Chromium driven by Playwright."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


RUNNING_STATES = {"initial", "running", "rerunRequested"}  # Streamlit's ScriptRunState values


def settle(page, timeout_s: float = 90, quiet_s: float = 1.5) -> None:
    """Wait until the Streamlit page has a title and the app has stopped running for a moment."""
    page.wait_for_selector("h1", timeout=timeout_s * 1000)
    deadline = time.monotonic() + timeout_s
    quiet_since = None
    while time.monotonic() < deadline:
        # The app root names the script's state; "initial" means the first run has not even
        # started (a busy machine can leave a gap there that the status widget does not show).
        state = page.locator('[data-testid="stApp"]').first.get_attribute("data-test-script-state") or "initial"
        running = state in RUNNING_STATES or page.locator('[data-testid="stStatusWidget"]').count() > 0
        if running:
            quiet_since = None
        elif quiet_since is None:
            quiet_since = time.monotonic()
        elif time.monotonic() - quiet_since > quiet_s:
            return
        time.sleep(0.2)
    raise AssertionError(f"page {page.url} still running after {timeout_s} s")


def assert_no_exception(page) -> None:
    """No Streamlit exception box on the page (its text is the failure message)."""
    errors = page.locator('[data-testid="stException"]')
    assert errors.count() == 0, errors.first.inner_text()


def full_page_screenshot(page, path: Path) -> None:
    """Screenshot the whole app: Streamlit scrolls inside its main area, so grow the viewport."""
    width = page.viewport_size["width"]
    height = page.evaluate(
        "() => { const main = document.querySelector('[data-testid=\"stMain\"]');"
        " return Math.max(main ? main.scrollHeight : 0, document.body.scrollHeight); }")
    page.set_viewport_size({"width": width, "height": max(900, int(height) + 40)})
    page.wait_for_timeout(1500)  # charts re-layout to the new size
    page.screenshot(path=str(path), full_page=True)
    page.set_viewport_size({"width": width, "height": 900})
