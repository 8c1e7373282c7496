"""Round 23 of issue 17: the national projection's CPU time with the pair before the first contracts on
(PAIR_FIRST_CONTRACTS 1, main) and off (0), interleaved, cold (the model's cache cleared before each run).

    .venv/bin/python bench/projection_round23_speed.py [DUCKDB] [--rounds N]   # default bench/out/demo.duckdb
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("db", nargs="?", default=str(ROOT / "bench" / "out" / "demo.duckdb"))
    parser.add_argument("--rounds", type=int, default=9)
    args = parser.parse_args()
    os.environ["BUDGET_DB"] = args.db
    sys.path.insert(0, str(ROOT))
    from budget_metrics import Filters, projection

    seconds: dict[float, list[float]] = {1.0: [], 0.0: []}
    for _ in range(args.rounds):
        for setting in seconds:
            projection.PAIR_FIRST_CONTRACTS = setting
            projection._cached_model.cache_clear()
            start = time.process_time()
            projection.area_projection(Filters(fiscal_year=2562, as_of=date(2019, 5, 31)), "province")
            seconds[setting].append(time.process_time() - start)
    for setting, values in seconds.items():
        print(f"PAIR_FIRST_CONTRACTS {setting:g}: best {min(values):.3f} median {statistics.median(values):.3f} CPU-s")
    print(f"load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
