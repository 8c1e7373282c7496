"""`python -m etl users add|list|remove`, run as a real subprocess against the store named
by BUDGET_APP_DB (a SQLite file, then a PostgreSQL database): exit codes, messages, and
what ends up in the store, read back by plain SQL."""

from __future__ import annotations

import getpass
import json
import os
import subprocess
import sys
from pathlib import Path

from tests.appstore_support import store_rows

ROOT = Path(__file__).resolve().parents[1]


def etl(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    """`python -m etl ...` in a subprocess; BUDGET_APP_DB comes from the test's environment."""
    return subprocess.run(
        [sys.executable, "-m", "etl", *args],
        check=False,
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": "200", **(env or {})},
        timeout=300,
    )


# Runs `python -m etl`'s entry point once per argument list given (JSON on stdin), one after the
# other in this one process, and prints each run's exit code, standard output and standard error
# as a JSON list; an exception that escapes is written to that run's standard error as Python
# would write it (a traceback), with exit code 1.
_SEVERAL = """
import contextlib, io, json, sys, traceback
from etl.cli import main
done = []
for args in json.load(sys.stdin):
    out, err, code = io.StringIO(), io.StringIO(), 0
    sys.argv = ["python -m etl", *args]
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            main()
        except SystemExit as exit:
            code = 0 if exit.code is None else exit.code if isinstance(exit.code, int) else 1
        except BaseException:
            traceback.print_exc()
            code = 1
    done.append([code, out.getvalue(), err.getvalue()])
print("RUNS " + json.dumps(done))
"""


def etl_runs(*runs: list[str], env: dict | None = None) -> list[subprocess.CompletedProcess]:
    """`python -m etl ARGS` for each of `runs`, in order, in one subprocess (one start: the commands'
    imports cost ~1.5 CPU-s a start, and what these tests check is what each command does):
    a CompletedProcess per run, with its exit code and its own output."""
    done = subprocess.run(
        [sys.executable, "-c", _SEVERAL],
        input=json.dumps([list(run) for run in runs]),
        check=False,
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": "200", **(env or {})},
        timeout=300,
    )
    lines = [line for line in done.stdout.splitlines() if line.startswith("RUNS ")]
    assert len(lines) == 1 and "Traceback" not in done.stderr, done.stdout + done.stderr
    return [
        subprocess.CompletedProcess(["python", "-m", "etl", *run], code, out, err)
        for run, (code, out, err) in zip(runs, json.loads(lines[0].removeprefix("RUNS ")), strict=True)
    ]


def _users(url: str) -> dict[str, tuple[str, list[str]]]:
    rows = store_rows(
        url,
        "SELECT u.email, u.role, a.area_code FROM users u "
        "LEFT JOIN user_areas a ON a.user_id = u.id ORDER BY u.email, a.area_code",
    )
    found: dict[str, tuple[str, list[str]]] = {}
    for email, role, area in rows:
        found.setdefault(email, (role, []))[1].extend([area] if area else [])
    return found


def test_add_list_remove(app_db_url):
    added, cluster, viewer = etl_runs(
        ["users", "add", "Kalasin.Office@Example.go.th", "--role", "province", "--province", "46", "--province", "40"],
        ["users", "add", "c07@example.go.th", "--role", "cluster", "--cluster", "c07"],
        ["users", "add", "ministry@example.go.th", "--role", "viewer"],
    )
    assert added.returncode == 0, added.stderr
    assert "kalasin.office@example.go.th" in added.stdout and "46" in added.stdout
    assert cluster.returncode == 0
    assert viewer.returncode == 0
    assert _users(app_db_url) == {
        "kalasin.office@example.go.th": ("province", ["40", "46"]),
        "c07@example.go.th": ("cluster", ["C07"]),
        "ministry@example.go.th": ("viewer", []),
    }

    changed = etl("users", "add", "kalasin.office@example.go.th", "--role", "admin")  # same e-mail again
    assert changed.returncode == 0, changed.stderr
    assert "updated" in changed.stdout
    assert _users(app_db_url)["kalasin.office@example.go.th"] == ("admin", [])

    listed, removed, again = etl_runs(
        ["users", "list"], ["users", "remove", "C07@example.go.th"], ["users", "remove", "c07@example.go.th"]
    )
    assert listed.returncode == 0, listed.stderr
    for email in ("kalasin.office@example.go.th", "c07@example.go.th", "ministry@example.go.th"):
        assert email in listed.stdout
    assert "C07" in listed.stdout and "users (3)" in listed.stdout

    assert removed.returncode == 0, removed.stderr
    assert again.returncode == 1
    assert "ไม่พบผู้ใช้" in again.stderr and "no user c07@example.go.th" in again.stderr
    assert set(_users(app_db_url)) == {"kalasin.office@example.go.th", "ministry@example.go.th"}

    audit = store_rows(app_db_url, "SELECT actor, action FROM audit_log ORDER BY id")
    assert audit == [
        (f"cli:{getpass.getuser()}", action)
        for action in ["user.set", "user.set", "user.set", "user.set", "user.remove"]
    ]


def test_bad_input_is_refused_with_exit_2(tmp_path, monkeypatch):
    # Refused before the store is written, so the same on both backends: SQLite only, to save time.
    app_db_url = f"sqlite:///{tmp_path / 'app.sqlite'}"
    monkeypatch.setenv("BUDGET_APP_DB", app_db_url)
    cases = [
        (["not-an-email", "--role", "viewer"], "อีเมล", "not a valid e-mail address"),
        (["a@example.go.th", "--role", "province", "--province", "99"], "ไม่รู้จักรหัสจังหวัด 99", "unknown province code 99"),
        (
            ["a@example.go.th", "--role", "cluster", "--cluster", "C19"],
            "ไม่รู้จักรหัสกลุ่มจังหวัด C19",
            "unknown cluster code C19",
        ),
        (["a@example.go.th", "--role", "boss"], "ไม่รู้จักบทบาท", "unknown role 'boss'"),
        (["a@example.go.th", "--role", "province"], "ต้องระบุจังหวัด", "needs at least one --province"),
        (["a@example.go.th", "--role", "viewer", "--province", "46"], "ไม่มีพื้นที่", "has no area"),
    ]
    results = etl_runs(*(["users", "add", *args] for args, _, _ in cases))
    for (args, thai, english), result in zip(cases, results, strict=True):
        assert result.returncode == 2, (args, result.stdout, result.stderr)
        assert thai in result.stderr and english in result.stderr, result.stderr
        assert "Traceback" not in result.stderr + result.stdout
    assert store_rows(app_db_url, "SELECT count(*) FROM users") == [(0,)]
    assert store_rows(app_db_url, "SELECT count(*) FROM audit_log") == [(0,)]


def test_unreachable_store_exits_3_without_a_traceback():
    # Port 1 on the local host: nothing listens there. The password is not shown.
    result = etl("users", "list", env={"BUDGET_APP_DB": "postgresql+psycopg://app:secret@127.0.0.1:1/budget"})
    assert result.returncode == 3
    assert "cannot reach or write the application store" in result.stderr
    assert "secret" not in result.stderr and "Traceback" not in result.stderr
