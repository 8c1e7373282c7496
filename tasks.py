"""Set-up and run, on a fresh machine that has only python3.

    python3 tasks.py dashboard   # venv + packages, demo data if the database is empty, start Streamlit
    python3 tasks.py serve       # the same set-up + nginx, then nginx in front of one Streamlit worker per core
                                 # (--workers N, --port P; Ctrl-C stops all of it; deploy/serve.py)
    python3 tasks.py test        # venv + packages + system packages (Chromium, Thai fonts, nginx), `ruff check`
                                 # and `ruff format --check`,
                                 # then all tests

Both steps are idempotent: a second run skips what is already there.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
PYTHON = VENV / "bin" / "python"
REQUIREMENTS = ROOT / "requirements.txt"
STAMP = VENV / ".requirements.sha256"
UV = "uv==0.13.10"  # the installer ensure_venv uses (pinned like requirements.txt)
# Debian packages the browser tests, PDF checks and application-store tests need
# (the tests start their own PostgreSQL server from the package, see tests/pg_support.py;
# pg_ctlcluster comes with the server packages, unlike /usr/lib/postgresql, which a client alone creates),
# and the reverse proxy of `tasks.py serve` (nginx, run with its own config: no system site is used).
APT_PACKAGES = {
    "chromium": "/usr/bin/chromium",
    "fonts-thai-tlwg": "/usr/share/fonts/truetype/tlwg",
    "poppler-utils": "/usr/bin/pdftoppm",
    "postgresql": "/usr/bin/pg_ctlcluster",
    "nginx": "/usr/sbin/nginx",
}
# Installing postgresql starts its default cluster unless a policy forbids starting services;
# without systemd that start can fail (or hold port 5432) and fail the install with it.
POLICY_RC_D = Path("/usr/sbin/policy-rc.d")


def run(*command: str | Path, **kwargs) -> None:
    print("+", " ".join(str(part) for part in command), flush=True)
    subprocess.run([str(part) for part in command], check=True, cwd=ROOT, **kwargs)


def ensure_venv() -> None:
    """Create .venv and install requirements.txt when it changed since the last install."""
    if not PYTHON.exists():
        run(sys.executable, "-m", "venv", VENV)
    wanted = hashlib.sha256(REQUIREMENTS.read_bytes()).hexdigest()
    if not STAMP.exists() or STAMP.read_text() != wanted:
        install_requirements()
        STAMP.write_text(wanted)


def install_requirements() -> None:
    """requirements.txt into .venv with uv (from PyPI; it downloads in parallel: 23 s against pip's 163 s
    for a fresh venv here, the same versions installed), or with pip where uv cannot be had or fails
    (e.g. an index only pip is configured for)."""
    try:
        run(PYTHON, "-m", "pip", "install", "--quiet", UV)
        # --compile-bytecode: pip writes the .pyc files at install, uv only when asked; where
        # PYTHONDONTWRITEBYTECODE is set (CI here) no process writes them later, so without it every
        # Python process (servers, CLI runs, test workers) compiled every module it imported again.
        run(
            PYTHON,
            "-m",
            "uv",
            "pip",
            "install",
            "--quiet",
            "--compile-bytecode",
            "--python",
            PYTHON,
            "-r",
            REQUIREMENTS,
        )
    except subprocess.CalledProcessError:
        print("! uv did not install the requirements; installing them with pip", flush=True)
        run(PYTHON, "-m", "pip", "install", "--quiet", "--upgrade", "pip")
        run(PYTHON, "-m", "pip", "install", "--quiet", "-r", REQUIREMENTS)


def ensure_system_packages(only: tuple[str, ...] | None = None) -> None:
    """Install Chromium, Thai fonts, poppler, PostgreSQL and nginx (or only the named ones) through apt
    when missing (needs root)."""
    missing = [
        name for name, marker in APT_PACKAGES.items() if (only is None or name in only) and not Path(marker).exists()
    ]
    if not missing:
        return
    if shutil.which("apt-get") is None or os.geteuid() != 0:
        print(
            f"! cannot install {missing}: apt-get or root missing; browser/PDF tests will skip "
            "and PostgreSQL tests fail",
            flush=True,
        )
        return
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    run("apt-get", "update", "-q", env=env)
    added_policy = not POLICY_RC_D.exists()
    if added_policy:  # exit 101 = "do not start services now" (invoke-rc.d's policy hook)
        POLICY_RC_D.write_text("#!/bin/sh\nexit 101\n")
        POLICY_RC_D.chmod(0o755)
    try:
        run("apt-get", "install", "-y", "-q", "--no-install-recommends", *missing, env=env)
    finally:
        if added_policy:
            POLICY_RC_D.unlink()


def ensure_demo_database() -> None:
    """Generate and load the demo data through the ETL when the database has no projects."""
    check = subprocess.run([str(PYTHON), "-m", "etl", "status", "--quiet"], cwd=ROOT, check=False)
    if check.returncode != 0:
        print("+ python -m etl demo", flush=True)
        # Exit code 1 means "loaded with rejects": the demo has a few deliberately bad rows
        # so that the data-quality page has something to show.
        loaded = subprocess.run([str(PYTHON), "-m", "etl", "demo"], cwd=ROOT, check=False)
        if loaded.returncode not in (0, 1):
            sys.exit(loaded.returncode)


def dashboard(extra: list[str]) -> None:
    ensure_venv()
    ensure_demo_database()
    run(PYTHON, "-m", "streamlit", "run", "dashboard.py", *extra)


def serve(extra: list[str]) -> None:
    """nginx in front of N Streamlit workers (deploy/serve.py); the options are checked before any set-up."""
    sys.path.insert(0, str(ROOT))
    from deploy.serve import main as serve_main
    from deploy.serve import parser as serve_parser

    serve_parser().parse_args(extra[: extra.index("--")] if "--" in extra else extra)  # --help, a bad option:
    # answered now, before installing anything
    ensure_venv()
    ensure_system_packages(only=("nginx",))
    ensure_demo_database()
    os.chdir(ROOT)
    # The venv's Python runs the workers; this process stays their parent so Ctrl-C stops them all.
    sys.exit(serve_main(extra, python=PYTHON))


def test(extra: list[str]) -> None:
    ensure_venv()
    ensure_system_packages()
    # Two workers, one per core (the suite is built for it: every server takes a free port and
    # every database is private); `python3 tasks.py test -n 0 tests/x.py` runs one file alone.
    workers = [] if any(arg == "-n" or arg.startswith("-n") for arg in extra) else ["-n", "2"]
    # The style first (settings in pyproject.toml; about a second): a lint error fails the command.
    run(PYTHON, "-m", "ruff", "check", ".")
    run(PYTHON, "-m", "ruff", "format", "--check", ".")  # the layout `ruff format .` writes
    # Bytecode written once: CI's environment sets PYTHONDONTWRITEBYTECODE, so every process of the run
    # (the xdist workers, every Streamlit server, every `python -m etl` and inner pytest) compiled the
    # project's modules and pytest rewrote every test module again. Unset for the tests, the .pyc files go
    # to __pycache__/ next to the sources (git-ignored), and the packages' own .pyc files (installed with
    # --compile-bytecode) are still read: a PYTHONPYCACHEPREFIX would make every process look for the
    # packages' and the standard library's .pyc files under the prefix only, and compile them all again
    # on the first starts (docs/benchmarks.md, "Test suite time, part 10").
    env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    run(PYTHON, "-m", "pytest", *workers, *extra, env=env)


if __name__ == "__main__":
    commands = {"dashboard": dashboard, "serve": serve, "test": test}
    if len(sys.argv) < 2 or sys.argv[1] not in commands:
        sys.exit(__doc__)
    try:
        commands[sys.argv[1]](sys.argv[2:])
    except subprocess.CalledProcessError as error:
        sys.exit(error.returncode)
