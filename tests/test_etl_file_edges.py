"""What surrounds an input file: pipes, devices, sockets, undecodable file-name bytes, folders
with nothing to load, and file-sourced text on the terminal (escape sequences, bidi overrides).

Every file is written by the test; the command line runs for real (`python -m etl` in a child
process where a hang, a pseudo-terminal or raw file-name bytes matter)."""

from __future__ import annotations

import os
import pty
import select
import socket
import subprocess
import sys
import time
import unicodedata
from pathlib import Path

from typer.testing import CliRunner

from display_text import document_text, name_text, shorten, terminal_text
from etl.cli import app
from tests.etl_fixtures import DISB_HEADERS, PROJECT_HEADERS, query, scalar, write_csv, write_projects, write_xlsx

ROOT = Path(__file__).resolve().parents[1]
runner = CliRunner()
# Characters that must never reach a terminal raw (C0, DEL, C1, bidi controls, invisible
# format characters, line/paragraph separators), listed from Unicode itself.
UNSAFE_FOR_TERMINAL = [chr(c) for c in range(0x10000) if unicodedata.category(chr(c)) in ("Cc", "Cf", "Zl", "Zp")]
RLO = "\u202e"  # RIGHT-TO-LEFT OVERRIDE: "evil\u202egpj.csv" reads as "evilvsc.jpg"
ESC_TITLE = "\x1b]0;PWNED\x07"  # sets the terminal window's title
ESC_CLEAR = "\x1b[2J\x1b[3J\x1b[H"  # clears the screen and the scroll-back


def etl(*args, timeout: float = 120, env: dict | None = None) -> subprocess.CompletedProcess:
    """`python -m etl ARGS` in a child process (str or bytes arguments), killed after `timeout` s."""
    return subprocess.run(
        [sys.executable, "-m", "etl", *args],
        cwd=ROOT,
        capture_output=True,
        timeout=timeout,
        check=False,
        env={**os.environ, **(env or {})},
    )


def no_leftovers(db: Path) -> list[str]:
    """Files a writer of `db` must not leave: working copies, input copies, the lock's owner note."""
    return sorted(p.name for p in db.parent.iterdir() if ".writing-" in p.name or p.name.endswith(".lock.owner"))


# ------------------------------------------------------------------ only regular files are read


def test_a_named_pipe_named_or_in_a_folder_is_refused_at_once_and_the_good_file_loads(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    write_projects(folder)
    os.mkfifo(folder / "pipe.csv")  # found in the folder
    os.mkfifo(tmp_path / "named.csv")  # named on the command line
    db = tmp_path / "b.duckdb"
    started = time.monotonic()
    done = etl("--db", str(db), "load", str(folder), str(tmp_path / "named.csv"), timeout=60)
    assert time.monotonic() - started < 60
    out = done.stdout.decode()
    assert done.returncode == 2, out + done.stderr.decode()
    assert "Traceback" not in out + done.stderr.decode()
    assert out.count("named pipe (FIFO)") == 2 and "pipe.csv:" in out and "named.csv:" in out
    assert scalar(db, "SELECT count(*) FROM projects") == 3  # the good file beside them loaded
    refused = query(db, "SELECT file_name, message FROM loads WHERE status = 'refused' ORDER BY file_name")
    assert [name for name, _ in refused] == ["named.csv", "pipe.csv"]
    assert all("named pipe (FIFO)" in message for _, message in refused)
    assert no_leftovers(db) == []


def test_a_device_a_socket_a_broken_link_and_a_link_loop_are_refused_by_name(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    write_projects(folder)
    (folder / "null.csv").symlink_to("/dev/null")  # a character device behind a link
    (folder / "gone.csv").symlink_to(tmp_path / "no-such-file.csv")  # a broken link
    (folder / "loop-a.csv").symlink_to(folder / "loop-b.csv")  # two links naming each other
    (folder / "loop-b.csv").symlink_to(folder / "loop-a.csv")
    (folder / "status.csv").symlink_to("/proc/self/status")  # /proc: "regular" files that may never end
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(folder / "sock.csv"))
    try:
        db = tmp_path / "b.duckdb"
        done = etl("--db", str(db), "load", str(folder), "/dev/null", timeout=60)
    finally:
        server.close()
    out = done.stdout.decode()
    assert done.returncode == 2, out + done.stderr.decode()
    assert scalar(db, "SELECT count(*) FROM projects") == 3
    messages = dict(query(db, "SELECT file_name, message FROM loads WHERE status = 'refused'"))
    assert set(messages) == {"null.csv", "gone.csv", "sock.csv", "null", "loop-a.csv", "loop-b.csv", "status.csv"}
    assert "character device" in messages["null.csv"] and "character device" in messages["null"]
    assert "a socket" in messages["sock.csv"]
    assert "broken link" in messages["gone.csv"]
    assert "Too many levels of symbolic links" in messages["loop-a.csv"]  # was exit 3 for the whole run
    assert "kernel pseudo file system" in messages["status.csv"]
    assert "Traceback" not in out + done.stderr.decode()


# ------------------------------------------------------------------ file-name bytes


def test_a_tis620_file_name_loads_its_file_and_is_stored_as_valid_utf8(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    write_projects(folder)  # the good file beside it
    thai = "โครงการ".encode("tis-620") + b".csv"  # a Thai Windows zip unpacked on Linux
    rows = [
        PROJECT_HEADERS,
        ["P11", "2562", "จังหวัดเชียงใหม่", "ถนน", "งบลงทุน", "อบจ.", "100.00", ""],
        ["P12", "2562", "ไม่มีจังหวัดนี้", "ฝาย", "งบลงทุน", "อบต.", "200.00", ""],
    ]  # unknown owner
    write_csv(Path(os.fsdecode(os.path.join(os.fsencode(str(folder)), thai))), rows)
    garbage = b"\xff\xfe-\x80.csv"  # bytes valid in no encoding, holding bytes that are no CSV
    with open(os.path.join(os.fsencode(str(folder)), garbage), "wb") as handle:
        handle.write(b"\x00\x81\xfe" * 50)
    db = tmp_path / "b.duckdb"
    done = etl("--db", str(db), "load", str(folder))
    out, err = done.stdout.decode(), done.stderr.decode()
    assert done.returncode == 2, out + err  # the garbage file is refused; the others load
    assert "Traceback" not in out + err and "cannot write the database" not in out + err
    assert scalar(db, "SELECT count(*) FROM projects") == 4  # P01-P03 and P11
    # the documented rule: bytes that are not UTF-8 are stored as \xNN (computed here by hand)
    thai_stored = "\\xe2\\xa4\u00e7\\xa1\\xd2\\xc3.csv"  # c3 a7 happens to be UTF-8 for 'ç'
    assert thai.decode("utf-8", errors="backslashreplace") == thai_stored
    names = dict(query(db, "SELECT file_name, status FROM loads"))
    assert names == {"projects.csv": "loaded", thai_stored: "loaded_with_rejects", "\\xff\\xfe-\\x80.csv": "refused"}
    path_stored = scalar(db, "SELECT file_path FROM loads WHERE file_name = ?", [thai_stored])
    assert path_stored == f"{folder.resolve()}/{thai_stored}"
    message = scalar(db, "SELECT message FROM loads WHERE file_name = ?", [thai_stored])
    assert "not UTF-8" in message and "'โครงการ.csv'" in message  # says how it was stored and reads
    assert query(db, "SELECT file_name, row_number, reason_code FROM rejects") == [(thai_stored, 3, "unknown_owner")]
    assert thai_stored in out and "\\xff\\xfe-\\x80.csv" in out  # the summary names both, printably

    listed = etl("--db", str(db), "rejects")
    assert listed.returncode == 0 and thai_stored in listed.stdout.decode()
    assert etl("--db", str(db), "status").returncode == 0
    # the same file named on the command line by its raw bytes: read again, nothing changes
    again = etl("--db", str(db), "load", os.path.join(os.fsencode(str(folder)), thai))
    assert again.returncode == 1, again.stdout.decode() + again.stderr.decode()
    assert scalar(db, "SELECT count(*) FROM projects") == 4
    assert no_leftovers(db) == []


# ------------------------------------------------------------------ folders with nothing to load


def test_a_folder_with_files_only_in_sub_folders_exits_2_and_says_which_were_skipped(tmp_path):
    top = tmp_path / "top"
    (top / "week-36").mkdir(parents=True)
    (top / "week-37").mkdir()
    write_projects(top / "week-36")
    (top / "readme.txt").write_text("notes")
    db = tmp_path / "b.duckdb"
    result = runner.invoke(app, ["--db", str(db), "load", str(top)])
    assert result.exit_code == 2, result.output
    text = " ".join(result.output.split())
    assert "nothing to load" in text and "2 sub-folder(s) not read (week-36, week-37)" in text
    assert "readme.txt" in text and "Traceback" not in text
    assert not db.exists()  # refused before the store was touched

    too_long = tmp_path / ("ก" * 100 + ".csv")  # 304 bytes: more than a file name may have
    result = runner.invoke(app, ["--db", str(db), "load", str(too_long)])
    assert result.exit_code == 2 and "File name too long" in result.output  # was exit 3 blaming the database

    empty = tmp_path / "empty"
    empty.mkdir()
    result = runner.invoke(app, ["--db", str(db), "load", str(empty)])
    assert result.exit_code == 2 and "no loadable file" in " ".join(result.output.split())

    # files beside sub-folders load, and the skipped sub-folder is named
    write_projects(top)
    result = runner.invoke(app, ["--db", str(db), "load", str(top)])
    assert result.exit_code == 0, result.output
    assert "2 sub-folder(s) not read" in " ".join(result.output.split())
    assert scalar(db, "SELECT count(*) FROM projects") == 3


# ------------------------------------------------------------------ text on the terminal


def _run_in_terminal(args: list[str], timeout: float = 120) -> tuple[int, bytes]:
    """Run `python -m etl ARGS` with a pseudo-terminal as its stdin, stdout and stderr (a real
    terminal as far as Rich can tell, 200 columns); returns (exit code, every byte it wrote)."""
    leader, follower = pty.openpty()
    import fcntl
    import struct
    import termios

    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 50, 200, 0, 0))
    env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": "200"}
    env.pop("NO_COLOR", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "etl", *args],
        cwd=ROOT,
        stdin=follower,
        stdout=follower,
        stderr=follower,
        env=env,
        close_fds=True,
    )
    os.close(follower)
    chunks, deadline = [], time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([leader], [], [], 0.2)
            if ready:
                try:
                    data = os.read(leader, 65536)
                except OSError:  # the child closed the terminal
                    break
                if not data:
                    break
                chunks.append(data)
            elif process.poll() is not None:
                break
        code = process.wait(timeout=max(deadline - time.monotonic(), 1))
    finally:
        if process.poll() is None:
            process.kill()
        os.close(leader)
    return code, b"".join(chunks)


def test_escape_sequences_in_a_file_name_do_not_reach_the_terminal_through_the_progress_bar(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    name = f"{ESC_TITLE}{ESC_CLEAR}{RLO}projects.csv"
    # larger than etl.load.PROGRESS_MIN_BYTES (5 MB), so the progress bar is drawn
    long_name = "ถนนลาดยางสายหมู่บ้าน" * 60
    rows = [[f"P{i:05d}", "2562", "จังหวัดเชียงใหม่", long_name, "งบลงทุน", "อบจ.", "1,000.00", ""] for i in range(1800)]
    path = write_projects(folder, rows, name=name)
    assert path.stat().st_size > 5_000_000
    code, output = _run_in_terminal(["--db", str(tmp_path / "b.duckdb"), "load", str(folder)])
    assert code == 0, output.decode(errors="replace")
    assert b"normalising" in output  # the progress bar was drawn (its step labels)
    for raw in (ESC_TITLE, "\x1b]0;", "\x1b[2J", "\x1b[3J", RLO):
        assert raw.encode() not in output, f"{raw!r} reached the terminal raw"
    assert b"\\x1b]0;PWNED\\x07" in output and "⟨U+202E⟩projects.csv".encode() in output
    assert b"Traceback" not in output


def test_bidi_overrides_and_escapes_from_names_headers_sheets_and_values_are_shown_as_escapes(tmp_path):
    db = tmp_path / "b.duckdb"
    folder = tmp_path / "in"
    folder.mkdir()
    write_projects(folder)
    # a workbook whose sheet name and file name carry a right-to-left override
    write_xlsx(
        folder / f"evil{RLO}xslx.xlsx",
        {f"แผ่น{RLO}1": [PROJECT_HEADERS, ["P21", "2562", "จังหวัดลำพูน", "ฝาย", "งบลงทุน", "อบต.", "5.00", ""]]},
    )
    # a CSV whose rejected cell holds an override and a C1 control (CSI, U+009B), and a 5,000-character code
    write_csv(
        folder / f"pay{RLO}vsc.csv",
        [
            DISB_HEADERS,
            ["D1", f"P01{RLO}9", "13/09/2562", "5", "current"],
            ["D2", "P02\u009b2J", "13/09/2562", "5", "current"],
            ["D3", "X" * 5000, "13/09/2562", "5", "current"],
        ],
    )
    # a refused file: its unknown header holds an override and an invisible character
    write_csv(
        folder / "refused.csv",
        [["เลขที่เอกสาร", "รหัสโครงการ", "วันที่ผ่านรายการ", f"จำนวน{RLO}เงิน\u200b"], ["D9", "P01", "13/09/2562", "1"]],
    )
    result = runner.invoke(app, ["--db", str(db), "load", str(folder)])
    assert result.exit_code == 2, result.output
    shown_load = result.output
    rejects = runner.invoke(app, ["--db", str(db), "rejects"])
    status = runner.invoke(app, ["--db", str(db), "status"])
    assert rejects.exit_code == 0 and status.exit_code == 0
    for output in (shown_load, rejects.output, status.output):
        raw = [hex(ord(c)) for c in set(output) if c in UNSAFE_FOR_TERMINAL and c != "\n"]
        assert raw == [], f"raw control or format characters on the terminal: {raw}"
    assert "evil⟨U+202E⟩xslx.xlsx" in shown_load and "แผ่น⟨U+202E⟩1" in shown_load
    assert "จำนวน⟨U+202E⟩เงิน⟨U+200B⟩" in shown_load  # the refused file's unknown header
    listed = rejects.output
    assert "pay⟨U+202E⟩vsc.csv" in listed and "P01⟨U+202E⟩9" in listed and "P02\\x9b2J" in listed
    assert 250 < listed.count("X") < 300 and "…" in listed  # the 5,000-character value is cut with a mark
    # the store keeps the values as they were written
    assert scalar(db, "SELECT count(*) FROM rejects WHERE bad_value = ?", [f"P01{RLO}9"]) == 1
    assert scalar(db, "SELECT max(length(bad_value)) FROM rejects") == 5000


def test_every_control_and_format_character_is_shown_as_a_visible_escape():
    text = "".join(UNSAFE_FOR_TERMINAL)
    shown = terminal_text(text)
    assert not any(c in UNSAFE_FOR_TERMINAL for c in shown)
    assert shown.count("⟨U+") + shown.count("\\") == len(UNSAFE_FOR_TERMINAL)
    # documents keep line breaks, tabs and harmless invisible characters, never bidi controls or ESC
    kept = document_text("ก\nข\tค\u200bง\u00ad" + RLO + "\x1b\u2066\u2028")
    assert kept == "ก\nข\tค\u200bง\u00ad⟨U+202E⟩\\x1b⟨U+2066⟩⟨U+2028⟩"
    # undecodable file-name bytes (surrogate escapes) become \xNN, never a lone surrogate
    assert terminal_text(os.fsdecode(b"a\xe9b")) == "a\\xe9b" == name_text(os.fsdecode(b"a\xe9b"))
    # shortening never leaves a vowel or tone mark without its letter
    assert shorten("กขคงจี้ฉช", 7) == "กขคง…"
    assert shorten("short", 7) == "short"


def test_the_error_log_takes_a_command_line_with_undecodable_file_name_bytes(tmp_path, monkeypatch):
    from etl.cli import error_log_path, internal_error

    db = tmp_path / "b.duckdb"
    monkeypatch.setattr(sys, "argv", ["etl", "load", os.fsdecode(b"\xe2\xa4\xc3.csv")])
    try:
        raise RuntimeError("boom in " + os.fsdecode(b"/x/\xff.csv"))
    except RuntimeError as error:
        exit_with = internal_error(error, db)  # was a UnicodeEncodeError (a traceback) instead of exit 3
    assert exit_with.exit_code == 3
    logged = error_log_path(db).read_text(encoding="utf-8")
    assert "etl load \\xe2\\xa4\\xc3.csv" in logged and "RuntimeError: boom in /x/" in logged
