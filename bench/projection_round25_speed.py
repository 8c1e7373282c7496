"""Round 25 of issue 17: the national projection's CPU time with the band's soft cap on (main after round 25) and off
(BAND_SOFT_CAP_PCT None), interleaved, cold (the model's cache cleared before each run); the province, cluster and
region views of the overall line on 31 May.

    .venv/bin/python bench/projection_round25_speed.py [DUCKDB] [--rounds N]   # default: demo seed 2562's store
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
    parser.add_argument("db", nargs="?", default=str(ROOT / "bench" / "out" / "backtest" / "seed_2562.duckdb"))
    parser.add_argument("--rounds", type=int, default=9)
    args = parser.parse_args()
    os.environ["BUDGET_DB"] = args.db
    sys.path.insert(0, str(ROOT))
    from budget_metrics import Filters, projection

    shipped = projection.BAND_SOFT_CAP_PCT
    seconds: dict[str, list[float]] = {"on": [], "off": []}
    for _ in range(args.rounds):
        for label in seconds:
            projection.BAND_SOFT_CAP_PCT = shipped if label == "on" else None
            projection._cached_model.cache_clear()
            start = time.process_time()
            for level in ("province", "cluster", "region"):
                projection.area_projection(Filters(fiscal_year=2562, as_of=date(2019, 5, 31)), level)
            seconds[label].append(time.process_time() - start)
    for label, values in seconds.items():
        print(
            f"soft cap {label} ({shipped if label == 'on' else None}): best {min(values):.3f} "
            f"median {statistics.median(values):.3f} CPU-s"
        )
    print(f"load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
