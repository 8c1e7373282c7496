"""Production mode on one machine: nginx in front of several Streamlit workers.

    python3 tasks.py serve [--workers N] [--port P]      # set-up first (venv, nginx, demo data), then this
    .venv/bin/python -m deploy.serve --workers 2 --port 8600 --runtime-dir /tmp/serve
    .venv/bin/python -m deploy.serve -- --secrets.files /etc/budget/secrets.toml   # after --: streamlit options

Why: one Streamlit process runs every session's script in one Python interpreter, so it uses
one core at most (the GIL) however many the machine has. N worker processes (default one per
core) behind a reverse proxy use them all. The proxy (Debian's nginx, config from
deploy/nginx.conf.template) serves Streamlit's browser code itself, compressed ahead of time
and cached for a year, passes the websocket, and keeps each browser on one worker with a
cookie it sets (downloads and uploads are held in the memory of the worker that drew the
page; an address hash would put a whole office behind NAT on one worker).

Everything this writes goes under the runtime folder (default `.serve/` in the checkout: the
generated nginx.conf, logs, nginx's pid and temp files) and the compressed copy of the browser
code under `.serve/static/<streamlit version>/`. Ctrl-C (or SIGTERM) stops nginx and every
worker and removes the pid file; a pid file left by a killed run is removed at the next start.
A worker that dies is restarted on its port. Standard library only: tasks.py imports it with
the system python3 before the venv exists.
"""

from __future__ import annotations

import argparse
import grp
import gzip
import hashlib
import os
import pwd
import random
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Self

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = Path(__file__).resolve().parent / "nginx.conf.template"
NGINX = "/usr/sbin/nginx"
COOKIE = "budget_worker"
# Compressed ahead of time; fonts (woff2) and images are compressed already.
COMPRESSED_SUFFIXES = (".js", ".css", ".json", ".svg", ".map", ".txt", ".html", ".ttf")
START_TIMEOUT_S = 120
STOP_TIMEOUT_S = 15
MAX_BODY = "60m"  # above BUDGET_UPLOAD_MAX_MB's default (50), as docs/deployment.md says
# Streamlit keeps a session whose websocket closed for 120 s by default, in case the browser comes
# back; under many short visits those kept sessions were the largest part of a worker's growth
# (about 60 MB at 1.6 visits/s, docs/benchmarks.md). A browser back within 30 s resumes its
# session; later it starts a new one from its URL, as after a restart.
SESSION_TTL_S = 30


# Worker ports come from below the kernel's ephemeral range. A port bind(0) gives is from that range, the one
# every outgoing connection's source port is taken from: between the choice and Streamlit's bind, a connection
# could take it ("Port … is not available"), and a worker restarted on its port could find it gone.
LOWEST_PORT = 10_000
_port_chooser = random.SystemRandom()  # the system's randomness: no seeding of `random` makes two callers alike
_ports_given: set[int] = set()


def _ephemeral_start() -> int:
    try:
        return int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return 32768  # Linux's default


def free_port() -> int:
    """A local TCP port nobody listens on now, below the ephemeral range (bind(0)'s if there is no room),
    never given twice by one process."""
    start = _ephemeral_start()
    for _ in range(200 if start > LOWEST_PORT + 1_000 else 0):
        port = _port_chooser.randrange(LOWEST_PORT, start)
        if port in _ports_given:
            continue
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
        _ports_given.add(port)
        return port
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def worker_options(port: int, address: str = "127.0.0.1") -> list[str]:
    """`streamlit run` options of one worker (also what the benchmarks give a single process)."""
    return [
        "--server.port",
        str(port),
        "--server.address",
        address,
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
        "--server.fileWatcherType",
        "none",
    ]


def wait_for_health(url: str, process: subprocess.Popen, log: Path, timeout_s: float = START_TIMEOUT_S) -> None:
    """Return once `url`/_stcore/health answers; raise with the log's tail when the process dies first."""
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            tail = log.read_text(errors="replace")[-3000:] if log.exists() else ""
            raise RuntimeError(f"{url} did not start (see {log}):\n{tail}")
        time.sleep(0.2)


def streamlit_static_dir(python: Path) -> Path:
    """The `static` folder of the streamlit package `python` imports (index.html, static/js, ...)."""
    found = subprocess.run(
        [str(python), "-c", "import os, streamlit; print(os.path.dirname(streamlit.__file__))"],
        capture_output=True,
        text=True,
        check=True,
    )
    return Path(found.stdout.strip()) / "static"


def compressed_static(source: Path, cache: Path) -> Path:
    """A copy of Streamlit's static folder with `file.gz` beside every text file, for nginx's
    gzip_static (each file is compressed once here, never per request). Built once per Streamlit
    installation (keyed by the folder's path and index.html's time) and reused; returns its path."""
    key = f"{hashlib.sha256(str(source).encode()).hexdigest()[:10]}-{int((source / 'index.html').stat().st_mtime)}"
    target = cache / key
    if (target / ".complete").exists():
        return target
    building = cache / f"{key}.building-{os.getpid()}"
    shutil.rmtree(building, ignore_errors=True)
    for folder, _, files in os.walk(source):
        relative = Path(folder).relative_to(source)
        (building / relative).mkdir(parents=True, exist_ok=True)
        for name in files:
            original = Path(folder) / name
            copy = building / relative / name
            shutil.copy2(original, copy)
            if name.endswith(COMPRESSED_SUFFIXES) and original.stat().st_size > 1024:
                with open(original, "rb") as read, gzip.open(f"{copy}.gz", "wb", compresslevel=9) as write:
                    shutil.copyfileobj(read, write)
                shutil.copystat(original, f"{copy}.gz")  # gzip_static wants both with the same time
    (building / ".complete").write_text("ok")
    try:
        building.rename(target)
    except OSError:  # another start built it at the same time: use theirs
        shutil.rmtree(building, ignore_errors=True)
    return target


def _user_line() -> str:
    """nginx's `user` line: as root, nginx would run its workers as `nobody`, who may not read the
    checkout; run them as the checkout's owner instead. Not root: nginx keeps the caller's user."""
    if os.geteuid() != 0:
        return ""
    owner = pwd.getpwuid(ROOT.stat().st_uid)
    return f"user {owner.pw_name} {grp.getgrgid(owner.pw_gid).gr_name};"


def nginx_config(listen: str, upstreams: list[str], static: Path, runtime: Path, nginx_workers: int = 1) -> str:
    """The nginx.conf text from deploy/nginx.conf.template."""
    values = {
        "user": _user_line(),
        "nginx_workers": str(nginx_workers),
        "runtime": str(runtime),
        "listen": listen,
        "max_body": MAX_BODY,
        "static": str(static),
        "servers": "\n".join(f"        server {address} max_fails=0;" for address in upstreams),
    }
    text = TEMPLATE.read_text(encoding="utf-8")
    for name, value in values.items():
        text = text.replace("{{" + name + "}}", value)
    return text


class Cluster:
    """N `streamlit run` workers on free local ports and nginx on `port`, started together.

    Use as a context manager (stops everything on exit), or `start()` / `stop()`. `url` is the
    proxy's address; `upstreams` the workers' addresses in order.
    """

    def __init__(
        self,
        workers: int,
        port: int,
        python: Path = Path(sys.executable),
        script: Path = ROOT / "dashboard.py",
        runtime_dir: Path = ROOT / ".serve",
        env: dict[str, str] | None = None,
        host: str = "127.0.0.1",
        log: Callable[[str], None] = print,
        worker_args: tuple[str, ...] = (),
    ) -> None:
        if workers < 1:
            raise ValueError("at least one worker")
        self.workers, self.port, self.python, self.script = workers, port, python, script
        self.runtime = runtime_dir.resolve()
        self.env = {**os.environ, **(env or {})}
        self.host, self.log, self.worker_args = host, log, worker_args
        self.url = f"http://{'127.0.0.1' if host in ('0.0.0.0', '') else host}:{port}"
        self.ports = [free_port() for _ in range(workers)]
        self.upstreams = [f"127.0.0.1:{worker_port}" for worker_port in self.ports]
        self.processes: list[subprocess.Popen | None] = [None] * workers
        self.nginx: subprocess.Popen | None = None

    # ------------------------------------------------------------ start
    def _start_worker(self, number: int) -> subprocess.Popen:
        log_path = self.runtime / "logs" / f"worker-{number + 1}.log"
        with open(log_path, "a") as log:
            process = subprocess.Popen(
                [
                    str(self.python),
                    "-m",
                    "streamlit",
                    "run",
                    str(self.script),
                    *worker_options(self.ports[number]),
                    "--server.disconnectedSessionTTL",
                    str(SESSION_TTL_S),
                    *self.worker_args,
                ],
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        self.processes[number] = process
        return process

    def _clear_stale_pid(self) -> None:
        """A pid file left by a run that was killed (not stopped) would name a dead process."""
        pid_file = self.runtime / "nginx.pid"
        if not pid_file.exists():
            return
        try:
            pid = int(pid_file.read_text().strip() or 0)
            os.kill(pid, 0)
        except (ValueError, ProcessLookupError):
            pid_file.unlink(missing_ok=True)
            return
        except PermissionError:
            pass
        raise RuntimeError(
            f"nginx of an earlier `serve` is still running (pid {pid}, {pid_file}); stop it first (kill {pid})"
        )

    def start(self) -> Cluster:
        """Start the workers, wait until each answers, then nginx; returns self."""
        if not Path(NGINX).exists():
            raise RuntimeError(f"{NGINX} is missing: install Debian's nginx (python3 tasks.py serve does)")
        for folder in ("logs", "tmp"):
            (self.runtime / folder).mkdir(parents=True, exist_ok=True)
        self._clear_stale_pid()
        try:
            for number in range(self.workers):
                self._start_worker(number)
            static = compressed_static(streamlit_static_dir(self.python), ROOT / ".serve" / "static")
            config = self.runtime / "nginx.conf"
            config.write_text(
                nginx_config(f"{self.host}:{self.port}", self.upstreams, static, self.runtime), encoding="utf-8"
            )
            for number, process in enumerate(self.processes):
                wait_for_health(
                    f"http://{self.upstreams[number]}", process, self.runtime / "logs" / f"worker-{number + 1}.log"
                )
            check = subprocess.run(
                [NGINX, "-t", "-q", "-c", str(config), "-p", str(self.runtime)],
                capture_output=True,
                text=True,
                check=False,
            )
            if check.returncode != 0:
                raise RuntimeError(f"nginx refused {config}:\n{check.stderr}")
            with open(self.runtime / "logs" / "nginx.log", "a") as log:
                self.nginx = subprocess.Popen(
                    [NGINX, "-c", str(config), "-p", str(self.runtime)], stdout=log, stderr=subprocess.STDOUT
                )
            wait_for_health(self.url, self.nginx, self.runtime / "logs" / "error.log")
        except BaseException:
            self.stop()
            raise
        return self

    # ------------------------------------------------------------ run and stop
    def worker_pids(self) -> list[int]:
        return [process.pid for process in self.processes if process is not None]

    def proxy_pids(self) -> list[int]:
        """nginx's master process (its worker processes are its children)."""
        return [self.nginx.pid] if self.nginx is not None else []

    def watch(self, poll_s: float = 1.0) -> None:
        """Block while serving: restart a worker that died; return when nginx stops."""
        while self.nginx is not None and self.nginx.poll() is None:
            for number, process in enumerate(self.processes):
                if process is not None and process.poll() is not None:
                    self.log(
                        f"! worker {number + 1} (port {self.ports[number]}) stopped with exit code "
                        f"{process.returncode}; starting it again"
                    )
                    self._start_worker(number)
            time.sleep(poll_s)
        code = self.nginx.returncode if self.nginx is not None else None
        raise RuntimeError(f"nginx stopped (exit code {code}); see {self.runtime / 'logs' / 'error.log'}")

    def stop(self) -> None:
        """Stop nginx first (no new requests), then every worker; wait for all, kill what hangs."""
        running = [process for process in [self.nginx, *self.processes] if process is not None]
        for process in running:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + STOP_TIMEOUT_S
        for process in running:
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        (self.runtime / "nginx.pid").unlink(missing_ok=True)
        self.nginx = None
        self.processes = [None] * self.workers

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self.stop()


def _stop_on_sigterm(signum, frame) -> None:
    raise KeyboardInterrupt


def parser() -> argparse.ArgumentParser:
    """The options of `tasks.py serve` / `python -m deploy.serve`."""
    parser = argparse.ArgumentParser(
        prog="tasks.py serve",
        description="nginx in front of N Streamlit workers of dashboard.py (production mode); "
        "Ctrl-C stops them all. Run through `python3 tasks.py serve`, which sets up the venv, nginx and the demo data.",
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=os.cpu_count() or 1,
        help="Streamlit worker processes (default: one per core, here %(default)s)",
    )
    parser.add_argument("--port", type=int, default=8501, help="the proxy's port (default %(default)s)")
    parser.add_argument(
        "--host", default="127.0.0.1", help="the proxy's address (default %(default)s; 0.0.0.0 for every interface)"
    )
    parser.add_argument(
        "--runtime-dir",
        type=Path,
        default=ROOT / ".serve",
        help="generated config, logs and pid file (default .serve/ in the checkout)",
    )
    return parser


def main(argv: list[str] | None = None, python: Path = Path(sys.executable)) -> int:
    """Serve until Ctrl-C or SIGTERM; 0 after a clean stop, 1 when something could not start.
    Arguments after `--` go to every worker's `streamlit run` (e.g. --secrets.files PATH)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    streamlit_args = argv[argv.index("--") + 1 :] if "--" in argv else []
    args = parser().parse_args(argv[: argv.index("--")] if "--" in argv else argv)
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    # Ctrl-C stops everything even when this was started with SIGINT ignored (a shell's `... &`)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    cluster = Cluster(
        args.workers,
        args.port,
        python=python,
        runtime_dir=args.runtime_dir,
        host=args.host,
        worker_args=tuple(streamlit_args),
    )
    try:
        cluster.start()
        print(
            f"Serving {cluster.url} (nginx, config {cluster.runtime / 'nginx.conf'}) in front of "
            f"{args.workers} worker(s):",
            flush=True,
        )
        for number, (address, pid) in enumerate(zip(cluster.upstreams, cluster.worker_pids(), strict=True)):
            print(f"  worker {number + 1}: http://{address} (pid {pid})", flush=True)
        print(f"Logs in {cluster.runtime / 'logs'}. Ctrl-C stops everything.", flush=True)
        cluster.watch()
    except KeyboardInterrupt:
        print("Stopping nginx and the workers ...", flush=True)
        return 0
    except RuntimeError as error:
        print(f"! {error}", file=sys.stderr, flush=True)
        return 1
    finally:
        # Ctrl-C in a terminal also reaches the workers and nginx (one process group); a second
        # Ctrl-C while they stop must not leave them behind.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        cluster.stop()
        print("Stopped.", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
