"""Production mode (`tasks.py serve`, deploy/serve.py): nginx in front of two Streamlit workers.

One `python -m deploy.serve --workers 2` (what `tasks.py serve` runs after its set-up) on a copy
of the demo database, with sign-in through a real OpenID Connect provider (oidc-provider-mock),
driven by Debian's Chromium through the proxy, and by the load test's browser-less viewers:

- nginx serves Streamlit's browser code itself: gzip, cached for a year, identical to the files
  of the installed package; the page document is never cached and sets the worker cookie;
- two browsers, whose worker cookies hash to different workers, each sign in, draw pages, get an
  Excel download and (the administrator) upload a file: every request of each browser (the
  websocket upgrade, the download from the worker's memory, the upload) reaches its own worker;
- a load test runs while `python -m etl load` publishes twice: no viewer error;
- Ctrl-C (SIGINT to the process group, as a terminal sends it) stops nginx and both workers and
  leaves no pid file.

Cheap parts without a server (the generated config, the compressed static files, the stale pid
file) are checked first.
"""

from __future__ import annotations

import asyncio
import gzip
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import psutil
import pytest

from deploy.serve import free_port
from tests.browser_support import ROOT, assert_no_exception, chromium_browser, require_chromium, settle
from tests.download_sheets import sheet_rows
from tests.etl_fixtures import query
from tests.lagging_sql import sql_lagging
from tests.sign_in_support import sign_in, signed_in_deployment

sys.path.insert(0, str(ROOT / "bench"))

from deploy import serve

NGINX = Path("/usr/sbin/nginx")
KALASIN = "46"
ADMIN, VIEWER = "director@moi.go.th", "viewer@moi.go.th"


def _require_nginx() -> None:
    if not NGINX.exists():
        pytest.skip("needs /usr/sbin/nginx (Debian package 'nginx'; `python3 tasks.py test` installs it)")


# ---------------------------------------------------------------- without a server
def test_tasks_installs_nginx_and_the_config_is_valid_and_keeps_browsers_by_cookie(tmp_path):
    import tasks

    assert tasks.APT_PACKAGES["nginx"] == str(NGINX)
    _require_nginx()
    static = serve.streamlit_static_dir(Path(sys.executable))
    for folder in ("logs", "tmp"):
        (tmp_path / folder).mkdir()
    config = serve.nginx_config("127.0.0.1:18080", ["127.0.0.1:18081", "127.0.0.1:18082"], static, tmp_path)
    (tmp_path / "nginx.conf").write_text(config, encoding="utf-8")
    checked = subprocess.run(
        [str(NGINX), "-t", "-c", str(tmp_path / "nginx.conf"), "-p", str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert checked.returncode == 0, checked.stderr
    directives = [line.split("#")[0].strip() for line in config.splitlines()]
    assert "hash $budget_worker_key consistent;" in directives
    assert not any(line.startswith("ip_hash") for line in directives)  # one NAT address = one worker
    assert "server 127.0.0.1:18081 max_fails=0;" in directives and "server 127.0.0.1:18082 max_fails=0;" in directives


def test_static_files_are_compressed_once_and_identical(tmp_path):
    source = tmp_path / "static"
    (source / "static" / "js").mkdir(parents=True)
    (source / "index.html").write_text("<html>" + "x" * 2000 + "</html>")
    script = "console.log('สวัสดี');\n" * 200
    (source / "static" / "js" / "main.abc123.js").write_text(script, encoding="utf-8")
    (source / "static" / "font.woff2").write_bytes(os.urandom(4000))
    built = serve.compressed_static(source, tmp_path / "cache")
    assert gzip.decompress((built / "static" / "js" / "main.abc123.js.gz").read_bytes()).decode() == script
    assert not (built / "static" / "font.woff2.gz").exists()  # already compressed
    assert (built / "static" / "font.woff2").read_bytes() == (source / "static" / "font.woff2").read_bytes()
    assert serve.compressed_static(source, tmp_path / "cache") == built  # built once, then reused


def test_a_pid_file_left_by_a_killed_run_does_not_block_the_next_start(tmp_path):
    cluster = serve.Cluster(1, free_port(), runtime_dir=tmp_path)
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    (tmp_path / "nginx.pid").write_text(f"{dead.pid}\n")
    cluster._clear_stale_pid()
    assert not (tmp_path / "nginx.pid").exists()
    (tmp_path / "nginx.pid").write_text(f"{os.getpid()}\n")  # a live process: refuse, say which
    with pytest.raises(RuntimeError, match=f"pid {os.getpid()}"):
        cluster._clear_stale_pid()


# ---------------------------------------------------------------- through the proxy
@pytest.fixture(scope="module")
def serve_cluster(demo_db, tmp_path_factory):
    """(proxy URL, the serve process, its runtime folder, DuckDB path): `python -m deploy.serve
    --workers 2` with sign-in configured, an administrator and a viewer in its application store."""
    require_chromium()
    _require_nginx()
    folder = tmp_path_factory.mktemp("serve")
    store = f"sqlite:///{folder / 'app.sqlite'}"
    users = {ADMIN: ("admin",), VIEWER: ("viewer",)}
    with signed_in_deployment(demo_db, folder, store, users, servers=0) as deployment:  # deploy.serve starts them
        port = free_port()
        runtime = folder / "runtime"
        log = open(folder / "serve.log", "w")  # noqa: SIM115 - closed below
        # its own process group, so the test can send Ctrl-C's SIGINT to the group as a terminal does
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "deploy.serve",
                "--workers",
                "2",
                "--port",
                str(port),
                "--runtime-dir",
                str(runtime),
                "--",
                "--secrets.files",
                str(deployment.secrets(port)),
            ],
            cwd=ROOT,
            env={**os.environ, "BUDGET_DB": str(deployment.database), "BUDGET_APP_DB": store},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 180
            while "Ctrl-C stops everything" not in (folder / "serve.log").read_text():
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"serve did not start:\n{(folder / 'serve.log').read_text()}")
                time.sleep(0.3)
            yield url, process, runtime, deployment.database
        finally:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGINT)
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
            log.close()


def _get(url: str, headers: dict[str, str] | None = None):
    request = urllib.request.Request(url, headers=headers or {})
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.status, response.headers, response.read()


def _access_log(runtime: Path, written: Callable[[list[dict[str, str]]], bool]) -> list[dict[str, str]]:
    """nginx's access log lines as {request, status, upstream, key}, read again every 0.1 s until
    `written(lines)` holds (nginx flushes its buffered log every second) or 15 s have passed; the
    caller asserts on what was read."""
    pattern = re.compile(
        r'"(?P<request>[^"]*)" (?P<status>\d+) \d+ upstream=(?P<upstream>\S+) '
        r"worker_key=(?P<key>\S+)"
    )
    deadline = time.monotonic() + 15
    while True:
        lines = []
        for line in (runtime / "logs" / "access.log").read_text().splitlines():
            found = pattern.search(line)
            if found:
                lines.append(found.groupdict())
        if written(lines) or time.monotonic() > deadline:
            return lines
        time.sleep(0.1)


def _cookies_for_each_worker(url: str, runtime: Path, workers: list[str]) -> dict[str, str]:
    """worker address -> a worker-cookie value nginx sends to it (found by asking)."""
    for number in range(40):
        _get(f"{url}/_stcore/health", {"Cookie": f"budget_worker=probe{number}"})
    found: dict[str, str] = {}

    def probed(lines: list[dict[str, str]]) -> bool:
        return sum(line["key"].startswith("probe") for line in lines) >= 40

    for line in _access_log(runtime, probed):
        if line["key"].startswith("probe") and line["upstream"] in workers:
            found.setdefault(line["upstream"], line["key"])
    assert set(found) == set(workers), found  # 40 keys cover both workers
    return found


def _sign_in(browser, url: str, email: str, worker_cookie: str):
    """A context signed in as `email` whose requests nginx sends to the worker of `worker_cookie`."""
    cookie = {"name": "budget_worker", "value": worker_cookie, "url": url}
    return sign_in(browser, url, email, cookies=(cookie,), accept_downloads=True)


def _excel_download(page, url: str, lang: str, button: str, folder: Path):
    import openpyxl

    page.goto(f"{url}/lagging?province={KALASIN}&lang={lang}")
    settle(page)
    assert_no_exception(page)
    with page.expect_download(timeout=90_000) as info:
        page.get_by_role("button", name=button).click()
    saved = folder / f"{lang}-{info.value.suggested_filename}"
    info.value.save_as(saved)
    return openpyxl.load_workbook(saved).worksheets[0]


def _data_rows(sheet) -> list[str]:
    """The project codes of a lagging workbook (the first column below its print-title header row)."""
    return [row[0] for row in sheet_rows(sheet) if row[0]]


def test_two_workers_behind_nginx(serve_cluster, tmp_path, screenshots_dir):
    import aiohttp  # noqa: F401 - the load test's client; fail here, clearly, if it is missing
    import load_test

    url, process, runtime, database = serve_cluster
    workers = [
        f"127.0.0.1:{port}"
        for port in re.findall(r"worker \d+: http://127\.0\.0\.1:(\d+)", (runtime.parent / "serve.log").read_text())
    ]
    assert len(workers) == 2

    # ---- nginx serves the browser code: compressed, cached for a year, the package's own bytes
    status, headers, body = _get(f"{url}/overview")
    assert status == 200 and headers["Cache-Control"] == "no-cache"
    assert re.fullmatch(r"budget_worker=\w+; Path=/; HttpOnly; SameSite=Lax", headers["Set-Cookie"])
    script = re.search(r'src="\./(static/js/index\.[\w-]+\.js)"', body.decode()).group(1)
    status, headers, packed = _get(f"{url}/{script}", {"Accept-Encoding": "gzip"})
    assert status == 200 and headers["Server"] == "nginx" and headers["Content-Encoding"] == "gzip"
    assert headers["Content-Type"] == "application/javascript"
    assert headers["Cache-Control"] == "public, max-age=31536000, immutable"
    original = (serve.streamlit_static_dir(Path(sys.executable)) / script).read_bytes()
    assert gzip.decompress(packed) == original and len(packed) < len(original) / 2
    assert _get(f"{url}/{script}")[2] == original  # a client without gzip gets it plain

    # ---- two browsers on two workers: sign-in, pages, a download each, an upload
    cookies = _cookies_for_each_worker(url, runtime, workers)
    with chromium_browser() as browser:
        first, page = _sign_in(browser, url, ADMIN, cookies[workers[0]])
        second, other = _sign_in(browser, url, VIEWER, cookies[workers[1]])
        recorded: list[str] = []
        other.on("request", lambda request: recorded.append(request.url))
        other.goto(f"{url}/overview")
        settle(other)
        assert_no_exception(other)
        assert other.locator("h1").first.inner_text().strip() == "ภาพรวมการเบิกจ่ายงบประมาณ"
        other.screenshot(path=str(screenshots_dir / "serve_overview_th.png"))

        expected = sorted(sql_lagging(database, KALASIN))
        sheet = _excel_download(page, url, "th", "ดาวน์โหลด Excel", tmp_path)
        assert sheet["A1"].value == "โครงการล่าช้า" and sorted(_data_rows(sheet)) == expected
        sheet = _excel_download(other, url, "en", "Download Excel", tmp_path)
        assert sheet["A1"].value == "Lagging projects" and sorted(_data_rows(sheet)) == expected

        project = query(
            database,
            "SELECT min(project_code) FROM projects WHERE owner = ? AND owner_type = 'province' AND fiscal_year = 2562",
            [KALASIN],
        )[0][0]
        upload = tmp_path / "one_payment.csv"
        upload.write_text(
            "เลขที่เอกสาร,รหัสโครงการ,วันที่ผ่านรายการ,จำนวนเงิน,แหล่งเงิน\n"
            f'SERVE-0001,{project},30/09/2562,"4,321.00",งบประมาณปีปัจจุบัน\n',
            encoding="utf-8",
        )
        page.goto(f"{url}/upload")
        settle(page)
        page.locator('[data-testid="stFileUploader"] input[type=file]').set_input_files(str(upload))
        page.locator('[data-testid="stFileUploader"]').get_by_text(upload.name).wait_for(timeout=30_000)
        page.get_by_role("button", name="โหลดข้อมูล").click()
        page.get_by_text("ผลการโหลด").wait_for(timeout=120_000)
        settle(page)
        assert_no_exception(page)
        page.screenshot(path=str(screenshots_dir / "serve_upload_th.png"))
        assert query(database, "SELECT project_code, amount FROM disbursements WHERE doc_no = 'SERVE-0001'") == [
            (project, Decimal("4321.00"))
        ]
        viewer_cookies = {
            cookie["name"]: cookie["value"]
            for cookie in second.cookies()
            if cookie["name"].startswith("_streamlit_user")
        }
        first.close()
        second.close()

    # every request of a browser reached its own worker: the websocket (upgraded: 101), the
    # download from the worker's memory, the upload
    # (a websocket's line is written when it closes: wait for both, and the admin's upload)
    lines = _access_log(
        runtime,
        lambda lines: (
            all(
                any(line["key"] == cookies[worker] and "/_stcore/stream" in line["request"] for line in lines)
                for worker in workers
            )
            and any("/_stcore/upload_file/" in line["request"] for line in lines)
        ),
    )
    for worker in workers:
        mine = [line for line in lines if line["key"] == cookies[worker]]
        # ("-": what nginx answered itself, the page document and the probes below a page's path)
        assert {line["upstream"] for line in mine} - {"-"} == {worker}, mine
        requests = " ".join(f"{line['request']} {line['status']}" for line in mine)
        assert "GET /_stcore/stream HTTP/1.1 101" in requests
        assert re.search(r"GET /media/\S+ HTTP/1.1 200", requests)
    admin_requests = [line["request"] for line in lines if line["key"] == cookies[workers[0]]]
    assert any(re.match(r"PUT /_stcore/upload_file/", request) for request in admin_requests)

    # ---- a load test while two loads are published: no viewer error
    static = sorted({re.sub(r"^https?://[^/]+", "", seen) for seen in recorded if seen.startswith(f"{url}/static/")})
    requests = {
        page_name: [
            (f"/{page_name}", 200),
            *[(path, 200) for path in static],
            ("/_stcore/health", 200),
            ("/_stcore/host-config", 200),
        ]
        for page_name in load_test.PAGE_MIX
    }
    publisher = load_test.Publisher(database, tmp_path, every=4, count=2)

    async def load() -> list:
        run = load_test.Run()
        viewers = [
            asyncio.create_task(load_test.viewer(number, url, requests, run, False, 3, viewer_cookies))
            for number in range(4)
        ]
        publisher.start()
        await asyncio.to_thread(publisher.join, 180)  # two loads, 4 s apart, with the viewers visiting
        # and four visits begun after the last publish, done (was: 4 s more, however many visits that made)
        published, deadline = time.monotonic(), time.monotonic() + 120
        while sum(visit.started >= published for visit in run.visits) < 4:
            assert time.monotonic() < deadline, "no visit after the last publish within 120 s"
            await asyncio.sleep(0.1)
        run.stop = True
        await asyncio.gather(*viewers)
        return run.visits

    visits = asyncio.run(load())
    assert len(publisher.results) == 2 and set(publisher.results) <= {0, 1}, publisher.results
    assert query(database, "SELECT count(*) FROM disbursements WHERE doc_no LIKE 'LOADTEST-%'")[0][0] == 2
    assert len(visits) >= 8 and [visit.error for visit in visits if visit.error] == []
    titles = {"overview": "ภาพรวมการเบิกจ่ายงบประมาณ", "lagging": "โครงการล่าช้า"}  # signed in: the pages drew
    drawn = [(visit.page, visit.title) for visit in visits if visit.page in titles]
    assert drawn and all(title == titles[page] for page, title in drawn), drawn

    # ---- Ctrl-C: nginx and both workers stop, no pid file is left
    running = [psutil.Process(process.pid), *psutil.Process(process.pid).children(recursive=True)]
    assert len(running) >= 4  # serve, two workers, nginx (and nginx's worker)
    os.killpg(process.pid, signal.SIGINT)
    assert process.wait(timeout=60) == 0
    time.sleep(0.5)
    assert [item.pid for item in running if item.is_running() and item.status() != psutil.STATUS_ZOMBIE] == []
    assert not (runtime / "nginx.pid").exists()
    with socket.socket() as probe:  # the proxy's port is free again (nobody listens; closed connections may linger)
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.bind(("127.0.0.1", int(url.rsplit(":", 1)[1])))
