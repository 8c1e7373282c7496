"""Benchmark: what compiling the project's modules costs a process when no .pyc files are kept (CPU seconds).

    .venv/bin/python bench/bytecode_cost.py --bare COPY [--runs 7] [--collect]

CI's environment sets PYTHONDONTWRITEBYTECODE=1, so before `tasks.py test` unset it every process of the
test run compiled the project's modules (and pytest rewrote the test modules) again. This runs the same
commands alternately in this checkout with its .pyc files read (PYTHONDONTWRITEBYTECODE unset: the first
run writes them) and in COPY, a copy of the checkout without any __pycache__ (e.g.
`git ls-files -z | xargs -0 cp --parents -t COPY`), with PYTHONDONTWRITEBYTECODE=1 (CI before); the
installed packages' .pyc files are read in both. Prints the median and best CPU seconds of each.
`--collect` adds `pytest --collect-only` over tests/ (what each xdist worker does first).
Not a test: numbers depend on the machine; docs/benchmarks.md ("Test suite time, part 10") records them.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

SERVER_IMPORTS = (
    "import sys; sys.path.insert(0, '.'); import streamlit, pandas, plotly.graph_objects, duckdb, budget_metrics, "
    "ui.page_shell, ui.context, ui.tables, ui.charts, ui.headline, ui.auth, ui.downloads, ui.project_detail, "
    "appstore, exports, vocabulary"
)
LOAD_IMPORTS = (
    "import sys; sys.path.insert(0, '.'); import etl.cli, etl.load, etl.normalise, etl.readers, etl.state, "
    "etl.store, etl.validate, etl.snapshot, etl.workbooks"
)
COMMANDS = {
    "python -m etl --help": ["-m", "etl", "--help"],
    "python -m etl status": ["-m", "etl", "status"],
    "python -m etl users list": ["-m", "etl", "users", "list"],
    "a CLI load's modules (import)": ["-c", LOAD_IMPORTS],
    "a Streamlit server's modules (import)": ["-c", SERVER_IMPORTS],
}
COLLECT = ["-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider", "-n", "0", "tests"]


def cpu_of(root: Path, args: list[str], compile_each_time: bool) -> float:
    env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    if compile_each_time:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run([sys.executable, *args], cwd=root, env=env, capture_output=True, check=False)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bare", type=Path, required=True, help="a copy of the checkout without __pycache__")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--collect", action="store_true")
    options = parser.parse_args()
    if any(options.bare.rglob("__pycache__")):
        sys.exit(f"{options.bare} holds __pycache__ folders: they would be read")
    commands = dict(COMMANDS, **({"pytest --collect-only tests/": COLLECT} if options.collect else {}))
    print(f"load average {os.getloadavg()[0]:.1f}; {options.runs} runs each, alternating")
    print(f"{'command':40} {'.pyc read':>16} {'compiled':>16} {'saved':>7}   (median / best CPU-s)")
    for label, args in commands.items():
        read, compiled = [], []
        for _ in range(options.runs):
            read.append(cpu_of(ROOT, args, compile_each_time=False))
            compiled.append(cpu_of(options.bare, args, compile_each_time=True))
        print(
            f"{label:40} {statistics.median(read):7.2f} / {min(read):6.2f} {statistics.median(compiled):7.2f} / "
            f"{min(compiled):6.2f} {statistics.median(compiled) - statistics.median(read):7.2f}"
        )


if __name__ == "__main__":
    main()
