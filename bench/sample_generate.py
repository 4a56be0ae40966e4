"""Time the sample site: generate_site and write_site for 12, 52 and 104 weeks (median of repeated runs).

Run: python bench/sample_generate.py [--repeats N]. There is no peer implementation to compare with;
the `ratio` column is the time of each size relative to the 12-week site in the same run.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time

from planner.config import load_config
from planner.sample import demo_config_path, generate_site, write_site


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    config = load_config(demo_config_path())
    rows = []
    for weeks in (12, 52, 104):
        gen, write = [], []
        for _ in range(args.repeats):
            t0 = time.perf_counter()
            site = generate_site(config, weeks=weeks)
            t1 = time.perf_counter()
            with tempfile.TemporaryDirectory() as out:
                write_site(site, out)
            gen.append(t1 - t0)
            write.append(time.perf_counter() - t1)
        rows.append((weeks, len(site.history), len(site.contacts), statistics.median(gen), statistics.median(write)))
    base = rows[0][3] + rows[0][4]
    print(f"{'weeks':>5} {'history rows':>12} {'contacts':>9} {'generate s':>10} {'write s':>8} {'total s':>8} {'ratio':>6}")
    for weeks, n_hist, n_cont, g, w in rows:
        print(f"{weeks:>5} {n_hist:>12,} {n_cont:>9,} {g:>10.2f} {w:>8.2f} {g + w:>8.2f} {(g + w) / base:>6.2f}")


if __name__ == "__main__":
    main()
