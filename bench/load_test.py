"""Load test: browser-less viewers against the single process and `tasks.py serve`, beside hello world.

    .venv/bin/python bench/load_test.py                    # every target, 16 viewers, prints the tables
    .venv/bin/python bench/load_test.py --update-docs      # and rewrites "## Load test" in docs/benchmarks.md
    .venv/bin/python bench/load_test.py --targets single serve2 --viewers 8 16 24 --duration 60
    .venv/bin/python bench/load_test.py --targets serve2 --visits 500     # memory after 500 visits

Each viewer does what a new viewer's browser does (a closed loop, one viewer after the other):

1. GET the page (`/overview`, `/lagging`, ... drawn from PAGE_MIX) and every other HTTP request
   Chromium made for that page (the JavaScript and CSS chunks, fonts, favicon, the health and
   host-config probes), six connections at a time like a browser. The list is recorded once per
   app by opening each page in Debian's Chromium (Playwright), and kept in bench/out/;
2. opens a new websocket session (`/_stcore/stream`) and sends the BackMsg a browser sends
   (`rerun_script` with the page name, query string and context), then reads ForwardMsgs
   until `script_finished` (a run ended early for a rerun is followed to the end);
3. in CHANGE_SHARE of the visits, then picks another province in the sidebar: a BackMsg rerun
   with the widget states a browser sends (every sidebar choice as its displayed text), again
   to `script_finished`;
4. closes the websocket, waits THINK_S and starts over as a new viewer (new connections, no
   cookies, nothing cached).

A visit's time is from the first GET to the last `script_finished`. A visit fails when a request
answers with another status than it did for Chromium, a websocket breaks, the script reports an
exception or an error box (st.error), or it takes longer than VISIT_TIMEOUT_S.

Targets, each started and stopped by the script on a copy of the demo database (bench/out/):
`hello` (bench/hello_world_app.py, one process: the floor), `single` (`streamlit run
dashboard.py`, what `tasks.py dashboard` starts), `serveN` (`tasks.py serve --workers N`: nginx in
front of N workers, deploy/serve.py), `hello-serve2` (hello world behind the same proxy),
`serve2+loads` (serve2 while loads are published).
Server CPU is the CPU time of every server process (workers and nginx) during the measured window
over the visits completed in it; memory is each worker's resident set size (psutil) at the end and
its peak, sampled every second. In the `+loads` run a one-payment disbursement file is loaded with
`python -m etl load` every PUBLISH_EVERY seconds (new data published while viewers read).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import re
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import aiohttp
import psutil
import streamlit
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from deploy import serve as serving

OUT = ROOT / "bench" / "out"
DOCS = ROOT / "docs" / "benchmarks.md"
SECTION = "## Load test: many viewers at once"
HELLO = ROOT / "bench" / "hello_world_app.py"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
# Which page a new viewer opens: the overview most, then the province and lagging pages.
PAGE_MIX = {
    "overview": 4,
    "area": 2,
    "lagging": 2,
    "weekly": 1,
    "carryover": 1,
    "reallocations": 1,
    "assets": 1,
    "data_quality": 1,
}
THINK_S = 2.0
CHANGE_SHARE = 0.3
VISIT_TIMEOUT_S = 60.0
BROWSER_CONNECTIONS = 6  # Chromium's connections per host over HTTP/1.1
PROVINCE_LABEL = "จังหวัด"
ALL_TARGETS = ["hello", "single", "serve1", "serve2", "serve3", "hello-serve2", "serve2+loads"]
FINISHED_OK = ForwardMsg.FINISHED_SUCCESSFULLY
FINISHED_FOR_RERUN = ForwardMsg.FINISHED_EARLY_FOR_RERUN
ERROR_ALERT = 1  # Alert.Format.ERROR


# ---------------------------------------------------------------- what Chromium fetches
def _recorded_requests(base: str, paths: list[str]) -> dict[str, list[tuple[str, int]]]:
    """page -> [(path?query, status)] of every same-origin HTTP GET Chromium made for a first visit
    (the page document first; no websocket, no per-session /media files)."""
    from playwright.sync_api import sync_playwright

    from tests.browser_support import settle

    recorded: dict[str, list[tuple[str, int]]] = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for path in paths:
                context = browser.new_context(viewport={"width": 1400, "height": 900})
                page = context.new_page()
                seen: list[tuple[str, int]] = []

                def answered(response, seen=seen) -> None:
                    request = response.request
                    parts = urlsplit(response.url)
                    if (
                        request.method == "GET"
                        and response.url.startswith(base)
                        and not parts.path.startswith(("/media/", "/_stcore/stream"))
                    ):
                        seen.append((parts.path + (f"?{parts.query}" if parts.query else ""), response.status))

                page.on("response", answered)
                page.goto(f"{base}/{path}")
                settle(page)
                context.close()
                document = [entry for entry in seen if entry[0] == f"/{path}"]
                recorded[path] = document[:1] + [entry for entry in seen if entry[0] != f"/{path}"]
        finally:
            browser.close()
    return recorded


def chromium_requests(app: str, script: Path, db: Path, record: bool = False) -> dict[str, list[tuple[str, int]]]:
    """The requests Chromium makes for each page of `app`, recorded once per Streamlit version
    (bench/out/requests_<app>_<version>.json; `record` records them again, e.g. after a page changed
    what it draws)."""
    cache = OUT / f"requests_{app}_{streamlit.__version__}.json"
    if cache.exists() and not record:
        return {
            page: [tuple(entry) for entry in entries]
            for page, entries in json.loads(cache.read_text(encoding="utf-8")).items()
        }
    with single_process(script, db, OUT / f"record_{app}.log") as (base, _):
        recorded = _recorded_requests(base, list(PAGE_MIX))
    cache.write_text(json.dumps(recorded, indent=1), encoding="utf-8")
    return recorded


# ---------------------------------------------------------------- one viewer
@dataclass
class Visit:
    page: str
    started: float
    seconds: float
    error: str | None = None
    changed: bool = False
    title: str = ""  # the page's first heading (st.title), as drawn


@dataclass
class Run:
    visits: list[Visit] = field(default_factory=list)
    stop: bool = False


def _rerun(page: str, query: str, url: str, widgets: list[tuple[str, str]] = (), page_hash: str = "") -> bytes:
    """The BackMsg a browser sends to run the page (first load: no widgets; later: every widget's
    displayed value)."""
    message = BackMsg()
    state = message.rerun_script
    state.query_string = query
    state.page_name = page if not page_hash else ""
    state.page_script_hash = page_hash
    state.widget_states.SetInParent()
    for widget_id, text in widgets:
        widget = state.widget_states.widgets.add()
        widget.id = widget_id
        widget.string_value = text
    info = state.context_info
    info.timezone, info.timezone_offset, info.locale, info.url = "Asia/Bangkok", -420, "th-TH", url
    info.is_embedded, info.color_scheme = False, "light"
    return message.SerializeToString()


class ScriptRun:
    """What one run of the page sent: its widgets (id -> label, options, chosen) and problems."""

    def __init__(self) -> None:
        self.widgets: dict[str, tuple[str, list[str], str]] = {}
        self.problems: list[str] = []
        self.title = ""
        self.query = ""
        self.page_hash = ""

    def read(self, message: ForwardMsg) -> int | None:
        """Take in one ForwardMsg; the script_finished status when it is one, else None."""
        kind = message.WhichOneof("type")
        if kind == "delta" and message.delta.WhichOneof("type") == "new_element":
            element = message.delta.new_element
            shown = element.WhichOneof("type")
            if shown == "exception":
                self.problems.append(f"exception: {element.exception.message[:120]}")
            elif shown == "alert" and element.alert.format == ERROR_ALERT:
                self.problems.append(f"error box: {element.alert.body[:120]}")
            elif shown == "heading" and not self.title:
                self.title = element.heading.body
            elif shown in ("selectbox", "radio"):
                widget = getattr(element, shown)
                options = list(widget.options)
                chosen = (
                    widget.raw_value
                    if widget.HasField("raw_value")
                    else (options[widget.default] if 0 <= widget.default < len(options) else "")
                )
                self.widgets[widget.id] = (widget.label, options, chosen)
        elif kind == "page_info_changed":
            self.query = message.page_info_changed.query_string
        elif kind == "new_session":
            self.page_hash = message.new_session.page_script_hash
        elif kind == "script_finished":
            return message.script_finished
        return None


async def _run_to_end(socket, run: ScriptRun) -> None:
    """Read ForwardMsgs until the page's script finished (a run ended early for a rerun goes on)."""
    async for frame in socket:
        if frame.type != aiohttp.WSMsgType.BINARY:
            break
        message = ForwardMsg()
        message.ParseFromString(frame.data)
        status = run.read(message)
        if status is None or status == FINISHED_FOR_RERUN:
            continue
        if status != FINISHED_OK:
            run.problems.append(f"script finished with status {status}")
        return
    raise ConnectionError("websocket closed before the script finished")


async def one_visit(
    base: str,
    page: str,
    requests: list[tuple[str, int]],
    change: bool,
    cached_static: bool,
    rng: random.Random,
    cookies: dict[str, str] | None = None,
    seen: Visit | None = None,
) -> str | None:
    """One new viewer's visit; None when it went well, else what went wrong. `cookies`: what the
    browser already holds (e.g. a sign-in cookie), sent with every request; `seen` gets the page's title."""
    connector = aiohttp.TCPConnector(limit=BROWSER_CONNECTIONS)
    timeout = aiohttp.ClientTimeout(total=VISIT_TIMEOUT_S)
    # unsafe: keep cookies of an IP-address host (the proxy's worker cookie on 127.0.0.1)
    async with aiohttp.ClientSession(
        base_url=base,
        connector=connector,
        timeout=timeout,
        auto_decompress=False,
        cookie_jar=aiohttp.CookieJar(unsafe=True),
        cookies=cookies,
        headers={"Accept-Encoding": "gzip, deflate, br, zstd"},
    ) as session:

        async def fetch(path: str) -> int:
            async with session.get(path) as response:
                await response.read()
                return response.status

        document, *others = requests
        status = await fetch(document[0])
        if status != document[1]:
            return f"GET {document[0]}: {status}"
        wanted = [entry for entry in others if not (cached_static and entry[0].startswith("/static/"))]
        answers = await asyncio.gather(*(fetch(path) for path, _ in wanted))
        for (path, expected), answer in zip(wanted, answers, strict=True):
            if answer != expected:
                return f"GET {path}: {answer} (Chromium got {expected})"
        page_url = f"{base}/{page}"
        # As the browser: the XSRF cookie's token rides along in the subprotocol list (Streamlit reads
        # a sign-in cookie only then).
        xsrf = next((cookie.value for cookie in session.cookie_jar if cookie.key == "_streamlit_xsrf"), None)
        async with session.ws_connect(
            "/_stcore/stream",
            protocols=("streamlit", xsrf) if xsrf else ("streamlit",),
            headers={"Origin": base},
            max_msg_size=0,
            autoping=True,
        ) as socket:
            run = ScriptRun()
            await socket.send_bytes(_rerun(page, "", page_url))
            await _run_to_end(socket, run)
            if seen is not None:
                seen.title = run.title
            if run.problems:
                return "; ".join(run.problems)
            if change:
                widgets = {widget_id: chosen for widget_id, (_, _, chosen) in run.widgets.items()}
                province = next(
                    (widget_id for widget_id, (label, _, _) in run.widgets.items() if label == PROVINCE_LABEL), None
                )
                if province is not None:  # hello world has no sidebar: the same rerun without a change
                    widgets[province] = rng.choice(run.widgets[province][1][1:])
                again = ScriptRun()
                await socket.send_bytes(_rerun(page, run.query, page_url, list(widgets.items()), run.page_hash))
                await _run_to_end(socket, again)
                if again.problems:
                    return "; ".join(again.problems)
    return None


async def viewer(
    number: int,
    base: str,
    requests: dict[str, list[tuple[str, int]]],
    run: Run,
    cached_static: bool,
    seed: int,
    cookies: dict[str, str] | None = None,
) -> None:
    """A closed loop of new viewers: visit, think, visit again, until the run stops."""
    rng = random.Random(seed * 1000 + number)
    pages = [page for page, weight in PAGE_MIX.items() for _ in range(weight)]
    await asyncio.sleep(rng.uniform(0, THINK_S))  # do not all arrive in the same instant
    while not run.stop:
        page, change = rng.choice(pages), rng.random() < CHANGE_SHARE
        visit = Visit(page, time.monotonic(), 0.0, None, change)
        try:
            visit.error = await asyncio.wait_for(
                one_visit(base, page, requests[page], change, cached_static, rng, cookies, visit), VISIT_TIMEOUT_S
            )
        except Exception as problem:  # noqa: BLE001 - a broken visit is a result, not a crash
            visit.error = f"{type(problem).__name__}: {problem}"[:200]
        visit.seconds = time.monotonic() - visit.started
        run.visits.append(visit)
        await asyncio.sleep(THINK_S)


# ---------------------------------------------------------------- servers
@contextmanager
def single_process(script: Path, db: Path, log: Path) -> Iterator[tuple[str, list[int]]]:
    """`streamlit run SCRIPT` alone (as `tasks.py dashboard` starts it); yields (url, [pid])."""
    port = serving.free_port()
    with open(log, "w") as handle:
        process = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(script), *serving.worker_options(port)],
            cwd=ROOT,
            env={**os.environ, "BUDGET_DB": str(db)},
            stdout=handle,
            stderr=subprocess.STDOUT,
        )
    try:
        serving.wait_for_health(f"http://127.0.0.1:{port}", process, log)
        yield f"http://127.0.0.1:{port}", [process.pid]
    finally:
        process.terminate()
        process.wait(timeout=30)


@contextmanager
def target_servers(target: str, db: Path, folder: Path) -> Iterator[tuple[str, list[int], list[int]]]:
    """Start a target; yields (url, worker pids, proxy pids)."""
    script = HELLO if target.startswith("hello") else ROOT / "dashboard.py"
    if target in ("hello", "single"):
        with single_process(script, db, folder / f"{target}.log") as (url, pids):
            yield url, pids, []
        return
    workers = int(target.removeprefix("hello-").removeprefix("serve").removesuffix("+loads"))
    with serving.Cluster(
        workers=workers,
        port=serving.free_port(),
        python=Path(sys.executable),
        script=script,
        runtime_dir=folder / f"serve-{target}",
        env={"BUDGET_DB": str(db)},
        log=lambda _: None,
    ) as cluster:
        yield cluster.url, cluster.worker_pids(), cluster.proxy_pids()


def _cpu_seconds(pids: list[int]) -> float:
    total = 0.0
    for pid in pids:
        try:
            process = psutil.Process(pid)
            times = process.cpu_times()
            total += times.user + times.system
            for child in process.children(recursive=True):
                child_times = child.cpu_times()
                total += child_times.user + child_times.system
        except psutil.NoSuchProcess:
            pass
    return total


def _rss_mb(pid: int) -> float:
    try:
        return psutil.Process(pid).memory_info().rss / 2**20
    except psutil.NoSuchProcess:
        return float("nan")


class Publisher(threading.Thread):
    """Loads a one-payment disbursement file with `python -m etl load` every `every` seconds (at most
    `count` times); `results` holds each load's exit code."""

    def __init__(self, db: Path, folder: Path, every: float, count: int | None = None) -> None:
        super().__init__(daemon=True)
        self.db, self.folder, self.every, self.count = db, folder, every, count
        self.done = threading.Event()
        self.results: list[int] = []

    def run(self) -> None:
        import duckdb

        con = duckdb.connect(str(self.db), read_only=True)
        try:
            project = con.execute("SELECT min(project_code) FROM projects WHERE fiscal_year = 2562").fetchone()[0]
        finally:
            con.close()
        number = 0
        # (the count first: no wait after the last load)
        while (self.count is None or number < self.count) and not self.done.wait(self.every):
            number += 1
            path = self.folder / f"disbursements_during_load_{os.getpid()}_{number:03d}.csv"
            path.write_text(
                "เลขที่เอกสาร,รหัสโครงการ,วันที่ผ่านรายการ,จำนวนเงิน,แหล่งเงิน\n"
                f'LOADTEST-{os.getpid()}-{number:04d},{project},13/09/2562,"1,000.00",'
                "งบประมาณปีปัจจุบัน\n",
                encoding="utf-8",
            )
            done = subprocess.run(
                [sys.executable, "-m", "etl", "--db", str(self.db), "load", str(path)],
                cwd=ROOT,
                capture_output=True,
                check=False,
            )
            self.results.append(done.returncode)


# ---------------------------------------------------------------- one measured run
@dataclass
class Result:
    target: str
    viewers: int
    visits: list[Visit]
    seconds: float
    cpu_s: float
    rss_end_mb: list[float]
    rss_peak_mb: list[float]
    client_cpu_s: float
    loads: list[int]
    load_average: float

    @property
    def ok(self) -> list[Visit]:
        return [visit for visit in self.visits if visit.error is None]

    @property
    def errors(self) -> int:
        return len(self.visits) - len(self.ok)


def _quantile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def measure(
    target: str,
    viewers: int,
    requests,
    db: Path,
    folder: Path,
    duration: float,
    warmup: float,
    cached_static: bool,
    publish_every: float | None,
    visits_wanted: int | None,
    seed: int,
) -> Result:
    """Start the target, warm it (one visit of every page), run `viewers` for warmup + duration (or until
    `visits_wanted` visits were measured) and return the measured window's figures."""
    with target_servers(target, db, folder) as (url, workers, proxies):

        async def drive() -> Result:
            for page in PAGE_MIX:  # the shared caches warm, as after any earlier visitor
                await one_visit(url, page, requests[page], False, cached_static, random.Random(0))
            run = Run()
            tasks = [
                asyncio.create_task(viewer(number, url, requests, run, cached_static, seed))
                for number in range(viewers)
            ]
            await asyncio.sleep(warmup)
            publisher = Publisher(db, folder, publish_every) if publish_every else None
            if publisher:
                publisher.start()
            first = len(run.visits)
            start, cpu_start = time.monotonic(), _cpu_seconds(workers + proxies)
            client_start = time.process_time()
            peaks = [0.0] * len(workers)
            while True:
                await asyncio.sleep(1)
                peaks = [max(peak, _rss_mb(pid)) for peak, pid in zip(peaks, workers, strict=True)]
                elapsed = time.monotonic() - start
                measured = len(run.visits) - first
                if (
                    (visits_wanted and measured >= visits_wanted)
                    or (not visits_wanted and elapsed >= duration)
                    or elapsed > 3600
                ):
                    break
            cpu = _cpu_seconds(workers + proxies) - cpu_start
            client_cpu = time.process_time() - client_start
            window = run.visits[first:]
            run.stop = True
            if publisher:
                publisher.done.set()
                publisher.join(timeout=120)
            await asyncio.gather(*tasks, return_exceptions=True)
            return Result(
                target,
                viewers,
                window,
                elapsed,
                cpu,
                [_rss_mb(pid) for pid in workers],
                peaks,
                client_cpu,
                publisher.results if publisher else [],
                os.getloadavg()[0],
            )

        return asyncio.run(drive())


# ---------------------------------------------------------------- report
def summary_table(results: list[Result]) -> list[str]:
    lines = [
        (
            "| target | viewers | visits | visits/s | p50 / p95 | errors | server CPU | CPU-s per visit |"
            " RSS per worker, end (peak) | loads published |"
        ),
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for result in results:
        times = [visit.seconds for visit in result.ok]
        rss = ", ".join(
            f"{end:.0f} ({peak:.0f})" for end, peak in zip(result.rss_end_mb, result.rss_peak_mb, strict=True)
        )
        visits = len(result.visits)
        per_visit = result.cpu_s / visits if visits else float("nan")
        loads = (
            f"{len(result.loads)} (exit {', '.join(sorted({str(code) for code in result.loads}))})"
            if result.loads
            else "-"
        )
        lines.append(
            f"| {result.target} | {result.viewers} | {visits} | {visits / result.seconds:.2f} | "
            f"{_quantile(times, 0.5):.2f} / {_quantile(times, 0.95):.2f} s | {result.errors} | "
            f"{100 * result.cpu_s / result.seconds:.0f}% | {per_visit:.3f} | {rss} MB | {loads} |"
        )
    return lines


def pages_table(results: list[Result]) -> list[str]:
    lines = ["| target | viewers | " + " | ".join(PAGE_MIX) + " |", "|---|---|" + "---|" * len(PAGE_MIX)]
    for result in results:
        cells = []
        for page in PAGE_MIX:
            times = [visit.seconds for visit in result.ok if visit.page == page]
            cells.append(f"{_quantile(times, 0.5):.2f} / {_quantile(times, 0.95):.2f}" if times else "-")
        lines.append(f"| {result.target} | {result.viewers} | " + " | ".join(cells) + " |")
    return lines


def markdown(results: list[Result], args: argparse.Namespace, started_load: float) -> str:
    command = ".venv/bin/python bench/load_test.py " + " ".join(
        arg for arg in sys.argv[1:] if arg not in ("--update-docs", "--record")
    )
    errors = sorted({visit.error for result in results for visit in result.visits if visit.error})[:5]
    lines = [
        SECTION,
        "",
        ("Reproduce (starts and stops its own servers on a copy of the demo database; about two minutes per target):"),
        "",
        "```bash",
        ".venv/bin/python bench/load_test.py                # prints the tables",
        ".venv/bin/python bench/load_test.py --update-docs  # and rewrites this section",
        "```",
        "",
        "What a viewer does and how it is measured: the docstring of bench/load_test.py. In short: GET the",
        "page and every request Chromium made for it, a new websocket session running the page to",
        (
            f"`script_finished`, in {CHANGE_SHARE:.0%} of the visits a sidebar province change (a rerun), then "
            f"{THINK_S:.0f} s think time and a new viewer; pages drawn with weights "
            + ", ".join(f"{page} {weight}" for page, weight in PAGE_MIX.items())
            + "."
        ),
        f"{'Static files cached by the browser (not fetched again).' if args.cached_static else ''}"
        f"Warm-up {args.warmup:.0f} s, then a measured window of "
        + (f"{args.visits} visits." if args.visits else f"{args.duration:.0f} s.")
        + (
            f" In the `+loads` run `python -m etl load` published a one-payment file every "
            f"{args.publish_every:.0f} s (each publish starts every cache of the new file cold)."
            if any(target.endswith("+loads") for target in args.targets)
            else ""
        ),
        "",
        f"Command: `{command.strip()}`",
        "",
        *summary_table(results),
        "",
        "Visit time per page, p50 / p95 in seconds:",
        "",
        *pages_table(results),
        "",
        (
            f"Measured {date.today():%d %b %Y} on {platform.machine()} / Python {platform.python_version()}, "
            f"{os.cpu_count()} cores, the load-test client on the same machine (its own CPU: "
            + ", ".join(f"{result.target} {result.client_cpu_s / result.seconds:.0%}" for result in results)
            + f" of a core). Load average {started_load:.1f} at the start, "
            + ", ".join(f"{result.load_average:.1f}" for result in results)
            + " after each run."
        ),
    ]
    if errors:
        lines += ["", "Errors seen: " + "; ".join(errors)]
    return "\n".join(lines) + "\n"


def update_docs(section: str) -> None:
    text = DOCS.read_text(encoding="utf-8")
    pattern = re.compile(rf"^{re.escape(SECTION)}\n.*?(?=^## |\Z)", re.DOTALL | re.MULTILINE)
    text = pattern.sub(lambda _: section + "\n", text) if pattern.search(text) else text.rstrip("\n") + "\n\n" + section
    DOCS.write_text(text, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--targets", nargs="+", default=ALL_TARGETS, choices=ALL_TARGETS + ["serve4"])
    parser.add_argument("--viewers", nargs="+", type=int, default=[16], help="concurrent viewers (default 16)")
    parser.add_argument("--duration", type=float, default=90, help="measured seconds per run (default 90)")
    parser.add_argument("--visits", type=int, default=None, help="measure until this many visits instead")
    parser.add_argument("--warmup", type=float, default=15, help="seconds before measuring (default 15)")
    parser.add_argument(
        "--publish-every",
        type=float,
        default=20,
        help="seconds between loads published during the +loads runs (default 20)",
    )
    parser.add_argument(
        "--cached-static", action="store_true", help="static files come from the browser cache (returning viewers)"
    )
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument(
        "--record", action="store_true", help="record again the requests Chromium makes per page (kept in bench/out/)"
    )
    parser.add_argument("--update-docs", action="store_true", help=f'rewrite "{SECTION}" in docs/benchmarks.md')
    args = parser.parse_args()

    from bench_first_paint import build_demo_with_snapshots

    OUT.mkdir(parents=True, exist_ok=True)
    demo = build_demo_with_snapshots(OUT)
    started_load = os.getloadavg()[0]
    requests = {
        "dashboard": chromium_requests("dashboard", ROOT / "dashboard.py", demo, args.record),
        "hello": chromium_requests("hello", HELLO, demo, args.record),
    }
    results = []
    for target in args.targets:
        for viewers in args.viewers:
            folder = OUT / f"load_{target}_{viewers}"
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir(parents=True)
            db = folder / "budget.duckdb"
            shutil.copyfile(demo, db)
            publish = args.publish_every if target.endswith("+loads") else None
            result = measure(
                target,
                viewers,
                requests["hello" if target.startswith("hello") else "dashboard"],
                db,
                folder,
                args.duration,
                args.warmup,
                args.cached_static,
                publish,
                args.visits,
                args.seed,
            )
            results.append(result)
            print("\n".join(summary_table([result])[2:]), flush=True)
            for error in sorted({visit.error for visit in result.visits if visit.error})[:3]:
                print("   error:", error, flush=True)
    section = markdown(results, args, started_load)
    print()
    print(section)
    if args.update_docs:
        update_docs(section)


if __name__ == "__main__":
    main()
