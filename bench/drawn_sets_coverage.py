"""Which branches of etl/ the drawn file sets of test_etl_state_rules' random-orders property run.

    PYTHONPATH=FOLDER_WITH_COVERAGE .venv/bin/python bench/drawn_sets_coverage.py [--sets 25] [--skip 1]

Draws `--sets` file sets with `file_sets().example()` (the orders from `random.Random(i)` for set i), runs
the test's body on each under coverage.py (branch coverage of etl/, one measurement per set) and prints: the
branches any set ran, how many ran in every set, how many a random 1, 2, 3 or 5 sets miss, the branches few
sets ran (file:line), and a greedy choice of sets that together run them all, with their files. The first
`--skip` sets are left out of the figures: the first set in a process also runs first-use caches. coverage.py
is not in requirements.txt: `pip install --target FOLDER coverage`. Not a test; docs/benchmarks.md ("Test
suite time, part 17") records what it gave.
"""

from __future__ import annotations

import argparse
import collections
import random
import sys
import tempfile
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


class _Folders:
    def mktemp(self, name: str) -> Path:
        return Path(tempfile.mkdtemp(prefix=name))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", type=int, default=25)
    parser.add_argument("--skip", type=int, default=1)
    args = parser.parse_args()
    import coverage

    warnings.filterwarnings("ignore")
    sys.path.insert(0, str(ROOT))
    import tests.test_etl_state_rules as module

    body = module.test_random_orders_and_groupings_of_a_file_set_give_the_same_store.hypothesis.inner_test
    drawn = []
    for i in range(args.sets):
        case = (module.file_sets().example()[0], random.Random(i))
        cov = coverage.Coverage(data_file=None, branch=True, include=[str(ROOT / "etl" / "*")])
        cov.start()
        body(_Folders(), case)
        cov.stop()
        data = cov.get_data()
        arcs = {(Path(f).name, arc) for f in data.measured_files() for arc in (data.arcs(f) or [])}
        drawn.append((i, case[0], arcs))
        print(f"set {i}: {len(case[0])} files, {len(arcs)} branches", flush=True)
    drawn = drawn[args.skip :]
    arcsets = [arcs for _, _, arcs in drawn]
    union = set().union(*arcsets)
    seen = collections.Counter(arc for arcs in arcsets for arc in arcs)
    print(f"{len(drawn)} sets: {len(union)} branches in any, {sum(seen[a] == len(drawn) for a in union)} in every set")
    rng = random.Random(0)
    for k in [k for k in (1, 2, 3, 5) if k <= len(drawn)]:
        missed = sorted(
            len(union - set().union(*(arcsets[j] for j in rng.sample(range(len(drawn)), k)))) for _ in range(400)
        )
        print(f"{k} random sets miss {missed[len(missed) // 2]} (median), {missed[int(len(missed) * 0.9)]} (p90)")
    rare = collections.Counter()
    for name, (a, b) in (arc for arc in union if seen[arc] <= len(drawn) // 5):
        rare[(name, a if a > 0 else b)] = min(rare.get((name, a if a > 0 else b), 99), seen[(name, (a, b))])
    for (name, line), count in sorted(rare.items()):
        print(f"  {name}:{line} run by {count} set(s)")
    left, chosen = set(union), []
    while left:
        best = max(range(len(drawn)), key=lambda j: len(arcsets[j] & left))
        chosen.append(best)
        left -= arcsets[best]
    for j in chosen:
        i, files, _ = drawn[j]
        print(f"set {i} (random.Random({i})):")
        for name, rows in files.items():
            print(f"  {name}: {rows[1:]}")


if __name__ == "__main__":
    main()
