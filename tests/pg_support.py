"""A throwaway PostgreSQL server for the test session, from Debian's `postgresql` package.

`python3 tasks.py test` installs the package when missing (see tasks.py). The server runs
as the `postgres` user (initdb and pg_ctl refuse to run as root, and CI runs as root),
from a private temporary folder, on a free local port, with fsync off; it is stopped
with `pg_ctl -m immediate` at the end of the session. If it cannot start, the tests that
need it fail with the reason: they are never skipped.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from deploy.serve import free_port


class PostgresUnavailable(RuntimeError):
    """PostgreSQL could not be started; the message says why and what to install."""


@dataclass
class PostgresServer:
    folder: Path
    bin_dir: Path
    port: int
    start_seconds: float

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def _admin(self):
        import psycopg

        return psycopg.connect(host="127.0.0.1", port=self.port, user="postgres", dbname="postgres", autocommit=True)

    def create_database(self) -> str:
        """A new empty database; returns its SQLAlchemy URL."""
        name = f"app_{uuid.uuid4().hex[:12]}"
        with self._admin() as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def drop_database(self, url: str) -> None:
        name = url.rsplit("/", 1)[1]
        with self._admin() as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def stop(self) -> None:
        _run_as_postgres([self.bin_dir / "pg_ctl", "-D", self.folder / "data", "-m", "immediate", "stop"], check=False)
        shutil.rmtree(self.folder, ignore_errors=True)

    def halt(self) -> None:
        """Stop the server, as an administrator stopping PostgreSQL does (its data is kept; a fast
        shutdown, since with synchronous_commit off an immediate one would drop the last commits),
        for outage tests; `resume()` starts it again on the same port."""
        _run_as_postgres([self.bin_dir / "pg_ctl", "-D", self.folder / "data", "-m", "fast", "-w", "stop"])

    def resume(self) -> None:
        """Start a halted server again on the same port, with the same data."""
        started = _run_as_postgres(
            [
                self.bin_dir / "pg_ctl",
                "-D",
                self.folder / "data",
                "-l",
                self.folder / "log",
                "-w",
                "-t",
                "60",
                "-o",
                _options(self.port, self.folder),
                "start",
            ],
            check=False,
        )
        if started.returncode != 0:
            raise PostgresUnavailable(f"pg_ctl start failed: {started.stderr.strip() or started.stdout.strip()}")


def _bin_dir() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(Path(p).parent.name))
    if not found:
        raise PostgresUnavailable(
            "PostgreSQL is not installed (no /usr/lib/postgresql/*/bin): install Debian's package with "
            "`apt-get install postgresql` or run `python3 tasks.py test`, which does it"
        )
    return Path(found[-1])


def _as_postgres() -> list[str]:
    # As root, run the server's tools as the postgres user the Debian package creates.
    return ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []


def _run_as_postgres(command: list, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*_as_postgres(), *map(str, command)], check=check, capture_output=True, text=True, cwd="/", timeout=120
    )


def _options(port: int, folder: Path) -> str:
    return (
        f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off "
        "-c synchronous_commit=off -c full_page_writes=off"
    )


def start_postgres() -> PostgresServer:
    """Initialise and start a private server; raises PostgresUnavailable with the reason."""
    started = time.perf_counter()
    bin_dir = _bin_dir()
    folder = Path(tempfile.mkdtemp(prefix="budget-pg-"))
    try:
        if os.geteuid() == 0:
            try:
                postgres = pwd.getpwnam("postgres")
            except KeyError:
                raise PostgresUnavailable("no 'postgres' user: reinstall Debian's postgresql package") from None
            os.chown(folder, postgres.pw_uid, postgres.pw_gid)
        init = _run_as_postgres(
            [
                bin_dir / "initdb",
                "-D",
                folder / "data",
                "-U",
                "postgres",
                "-A",
                "trust",
                "--no-sync",
                "-E",
                "UTF8",
                "--locale",
                "C.UTF-8",
            ],
            check=False,
        )
        if init.returncode != 0:
            raise PostgresUnavailable(f"initdb failed: {init.stderr.strip() or init.stdout.strip()}")
        last_error = ""
        for _ in range(5):  # another process may take the free port between probe and start
            port = free_port()
            start = _run_as_postgres(
                [
                    bin_dir / "pg_ctl",
                    "-D",
                    folder / "data",
                    "-l",
                    folder / "log",
                    "-w",
                    "-t",
                    "60",
                    "-o",
                    _options(port, folder),
                    "start",
                ],
                check=False,
            )
            if start.returncode == 0:
                return PostgresServer(folder, bin_dir, port, time.perf_counter() - started)
            log = (folder / "log").read_text(errors="replace") if (folder / "log").exists() else ""
            last_error = f"{start.stderr.strip() or start.stdout.strip()}\n{log[-2000:]}"
        raise PostgresUnavailable(f"pg_ctl start failed: {last_error}")
    except BaseException:
        _run_as_postgres([bin_dir / "pg_ctl", "-D", folder / "data", "-m", "immediate", "stop"], check=False)
        shutil.rmtree(folder, ignore_errors=True)
        raise
