"""Starting the dashboard with `streamlit run` and driving Debian's Chromium (test helpers).

Used by tests/test_browser.py and tests/test_serving_while_loading.py. Chromium comes
from apt (`python3 tasks.py test` installs it); Playwright's own browser download is
not used.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import pytest

from deploy.serve import free_port, wait_for_health, worker_options

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
# The features Playwright itself disables in Chromium (its chromiumSwitches, playwright 1.65) that apply on Linux.
PLAYWRIGHT_DISABLED_FEATURES = [
    "AvoidUnnecessaryBeforeUnloadCheckSync",
    "DestroyProfileOnBrowserClose",
    "HttpsUpgrades",
    "HttpsFirstBalancedModeAutoEnable",
    "LensOverlay",
    "MediaRouter",
    "PaintHolding",
    "ThirdPartyStoragePartitioning",
    "AvoidCorsURLLoaderRestartOnRedirect",
    "TcpPortRandomizationWin",
    "OptimizationHints",
    "NetworkTimeServiceQuerying",
    "AimEnabled",
    "PreconnectToSearch",
]
TOP_CHROME_WEBUI_FEATURES = [
    "WebUIReloadButton",
    "WebUIOmniboxPopup",
    "WebUIOmniboxFullPopup",
    "WebUIOmniboxAimPopup",
    "PrewarmWebUIContents",
]
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    # Chromium 156's new headless mode still builds each window's toolbar reload button and omnibox popup as
    # WebUI pages, one renderer per context: about a quarter of Chromium's CPU in the suite, for UI no test
    # sees (docs/benchmarks.md "Test suite time, part 3"). Chromium keeps only the last --disable-features,
    # so Playwright's own list comes first (tests/test_chromium_flags.py checks it is all here).
    "--disable-features=" + ",".join(PLAYWRIGHT_DISABLED_FEATURES + TOP_CHROME_WEBUI_FEATURES),
    # A context's pages on the test servers (all on 127.0.0.1, one site whatever the port) share one renderer
    # process while one of them is open: the shared contexts keep a page parked (tests/conftest.py SharedContext)
    # so a test's new page skips a renderer's start and Streamlit's script compile.
    "--process-per-site",
]
# The weekly snapshots of the shared `demo_snapshots_db` / `snapshots_server` (tests/conftest.py)
SNAPSHOT_DATES = (date(2019, 9, 6), date(2019, 9, 13))


def own_chromium() -> list[tuple[int, float, str, float]]:
    """(pid, start time, command line, CPU seconds so far) of each running Chromium process started by this
    process (its descendants: other test browsers on the shared machine must not count)."""
    import psutil

    found = []
    for process in psutil.Process().children(recursive=True):
        try:
            command = process.cmdline()
            if command and "chromium" in command[0]:
                times = process.cpu_times()
                found.append((process.pid, process.create_time(), " ".join(command), times.user + times.system))
        except psutil.NoSuchProcess:
            continue
    return found


def require_chromium() -> None:
    """Skip the calling test, saying why, when Debian's Chromium is not installed."""
    if not CHROMIUM.exists():
        pytest.skip(
            "needs /usr/bin/chromium (Debian package 'chromium'; `python3 tasks.py test` "
            "installs it with apt when run as root)"
        )


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


def streamlit_command(script: Path, port: int, *args: str) -> list[str]:
    """`streamlit run script` as the tests start it (script: a checkout's dashboard.py), with the options
    deploy/serve.py gives each worker (127.0.0.1:port, headless, no usage statistics, no file watcher);
    `args` more options."""
    return [sys.executable, "-m", "streamlit", "run", str(script), *worker_options(port), *args]


@contextmanager
def streamlit_server(
    db_path: Path,
    log_path: Path,
    env: dict[str, str] | None = None,
    args: tuple[str, ...] = (),
    port: int | None = None,
) -> Iterator[str]:
    """`streamlit run dashboard.py` on a free port (or `port`) against `db_path`; yields the base
    URL. `env` adds environment variables, `args` more `streamlit run` options."""
    port = port or free_port()
    env = {**os.environ, "BUDGET_DB": str(db_path), **(env or {})}
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            streamlit_command(ROOT / "dashboard.py", port, *args),
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            wait_for_health(url, process, log_path, timeout_s=60)
            yield url
        finally:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()


# In-page bookkeeping for settle(), added to every page of a browser from chromium_browser():
# when the page last sent or received a message on Streamlit's websocket, last changed its DOM
# and last saw a user's input (Playwright's clicks and keys are real DOM events). Times are
# performance.now() milliseconds.
SETTLE_INIT_JS = """(() => {
  if (window.__bmSettle) return;
  const s = window.__bmSettle = {send: 0, recv: 0, dom: 0, input: 0, lazy: false};
  const Native = window.WebSocket;
  const send = Native.prototype.send;
  Native.prototype.send = function (...args) { s.send = performance.now(); return send.apply(this, args); };
  window.WebSocket = class extends Native {
    constructor(...args) { super(...args); this.addEventListener('message', () => { s.recv = performance.now(); }); }
  };
  for (const type of ['pointerdown', 'keydown', 'input', 'change'])
    window.addEventListener(type, () => { s.input = performance.now(); }, true);
  new MutationObserver(() => { s.dom = performance.now(); })
    .observe(document, {childList: true, subtree: true, characterData: true});
})()"""

# True once the app has finished its runs: the script is not running, no element waits for its code
# (a skeleton), for `quiet` ms nothing went over the websocket and nothing changed in the DOM, and
# the user's last input was answered by a message to the server (a widget sends its value at once)
# or lies `grace` ms back (an input that starts no run, e.g. opening a disclosure). A page whose
# bookkeeping was not there from its start (a context made elsewhere) gets it now and waits the
# longer of the two.
SETTLED_JS = """([quiet, grace]) => {
  if (!window.__bmSettle) {
    const now = performance.now();
    const s = window.__bmSettle = {send: now, recv: now, dom: now, input: 0, lazy: true};
    new MutationObserver(() => { s.dom = performance.now(); })
      .observe(document, {childList: true, subtree: true, characterData: true});
  }
  const s = window.__bmSettle;
  const app = document.querySelector('[data-testid="stApp"]');
  const state = (app && app.getAttribute('data-test-script-state')) || 'initial';
  if (state === 'initial' || state === 'running' || state === 'rerunRequested') return false;
  if (document.querySelector('[data-testid="stStatusWidget"]')) return false;
  // an element whose code is still loading shows a skeleton in its place
  if (document.querySelector('[data-testid="stSkeleton"], [data-testid="stAppSkeleton"]')) return false;
  const now = performance.now();
  if (now - Math.max(s.send, s.recv, s.dom) < (s.lazy ? Math.max(quiet, grace) : quiet)) return false;
  return !(s.input > s.send && now - s.input < grace);
}"""


def instrument(browser):
    """Give every page of `browser` the bookkeeping settle() waits on (SETTLE_INIT_JS); returns it."""
    new_context, new_page = browser.new_context, browser.new_page

    def instrumented_context(*args, **kwargs):
        context = new_context(*args, **kwargs)
        context.add_init_script(SETTLE_INIT_JS)
        return context

    def instrumented_page(*args, **kwargs):
        page = new_page(*args, **kwargs)
        page.context.add_init_script(SETTLE_INIT_JS)
        return page

    browser.new_context, browser.new_page = instrumented_context, instrumented_page
    return browser


@contextmanager
def chromium_browser() -> Iterator:
    """A headless Debian Chromium driven by Playwright (its pages carry settle()'s bookkeeping)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield instrument(browser)
        finally:
            browser.close()


# The DOM has not changed for 300 ms since `since` (performance.now() ms; settle()'s bookkeeping).
LAID_OUT_JS = """(since) => { const s = window.__bmSettle;
  return performance.now() - Math.max(since, s ? s.dom : 0) >= 300; }"""


def settle(page, timeout_s: float = 90, quiet_s: float = 0.5, input_grace_s: float = 1.5) -> None:
    """Wait until the Streamlit page has a title and the app has finished its runs: not running,
    no websocket message and no DOM change for `quiet_s`, and the last click or key either sent
    to the server (whose run was then awaited) or lies `input_grace_s` back (SETTLED_JS).
    Event-driven: Playwright polls the condition inside the page."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    page.wait_for_selector("h1", timeout=timeout_s * 1000)
    try:
        page.wait_for_function(
            SETTLED_JS, arg=[quiet_s * 1000, input_grace_s * 1000], polling=100, timeout=timeout_s * 1000
        )
    except PlaywrightTimeout:
        raise AssertionError(f"page {page.url} still running after {timeout_s} s") from None


def assert_no_exception(page) -> None:
    """No Streamlit exception box on the page (its text is the failure message)."""
    errors = page.locator('[data-testid="stException"]')
    assert errors.count() == 0, errors.first.inner_text()


def full_page_screenshot(page, path: Path, restore: bool = True) -> None:
    """Screenshot the whole app: Streamlit scrolls inside its main area, so grow the viewport (set back to the size
    it had after, unless `restore` is False: bench/screenshot_cost.py times the shot without it). A full-page shot
    costs about three times a viewport shot (two re-layouts: docs/benchmarks.md "Test suite time", parts 12 and 14):
    only where the artifact is the whole page."""
    width, before = page.viewport_size["width"], page.viewport_size["height"]
    height = page.evaluate(
        "() => { const main = document.querySelector('[data-testid=\"stMain\"]');"
        " return Math.max(main ? main.scrollHeight : 0, document.body.scrollHeight); }"
    )
    resized = page.evaluate("() => performance.now()")
    page.set_viewport_size({"width": width, "height": max(900, int(height) + 40)})
    # charts and grids re-layout to the new size: two frames drawn, then the DOM quiet for 300 ms
    page.evaluate("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")
    page.wait_for_function(LAID_OUT_JS, arg=resized, polling=100, timeout=30_000)
    page.screenshot(path=str(path), full_page=True)
    if restore:
        page.set_viewport_size({"width": width, "height": before})


def figure(page, name: str) -> str:
    """A figure of a page's light HTML first screen (ui/light.figures), e.g. 'flagged'."""
    return page.locator(f'[data-figure="{name}"]').first.inner_text().strip()


def open_tab(page, name: str) -> None:
    page.get_by_role("tab", name=name).click()
    settle(page)
