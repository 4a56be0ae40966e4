"""Validation at scale: read + validate a 3-year x 10-channel x 5-minute history (3.1M rows, ~100 MB CSV), then forecast it.

Run from the repository root: python bench/validate_bench.py [--repeats 3] [--keep DIR] [--no-forecast]

The history is generated (seeded) in a temporary folder as Europe/London wall-clock time without a
config, so it has the spring-forward gap and the repeated autumn hour of three years. Each measurement
runs in a fresh subprocess, which reports its wall time and its peak resident memory
(resource.getrusage ru_maxrss); the table shows the median of --repeats runs and the ratio to the
peer, plain `pandas.read_csv` of the same file. Targets (issue 11): validate <= 4 s and <= 0.8 GB.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

REPO = Path(__file__).resolve().parents[1]
CHANNELS = [f"ch{i:02d}" for i in range(10)]
FIRST_DAY, DAYS = "2023-01-02", 3 * 364
TIMEZONE = "Europe/London"

MEASURE = r"""
import json, resource, sys, time
t0 = time.perf_counter()
what, path = sys.argv[1], sys.argv[2]
if what == "read_csv":
    import pandas as pd
    rows = len(pd.read_csv(path))
elif what == "validate":
    from planner.io.tables import read_history
    rows = len(read_history(path))
else:
    import datetime as dt
    from planner.forecasting import forecast_stage
    from planner.io.tables import read_history
    history = read_history(path)
    last = history["interval_start"].max().date()
    start = last + dt.timedelta(days=7 - last.weekday())
    rows = len(forecast_stage(None, history, start, 1, None))
print(json.dumps({"s": time.perf_counter() - t0, "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "rows": rows}))
"""


def generate(path: Path, seed: int = 7) -> int:
    """Write the seeded history CSV (site wall clock, DST repeats and gaps as an ACD exports them); returns rows."""
    rng = np.random.default_rng(seed)
    utc = pd.date_range(pd.Timestamp(FIRST_DAY, tz=TIMEZONE), periods=DAYS * 288, freq="5min").tz_convert("UTC")
    local = utc.tz_convert(TIMEZONE).tz_localize(None)
    minute = (local.hour * 60 + local.minute).to_numpy()
    day_shape = np.clip(np.sin((minute - 7 * 60) / (14 * 60) * np.pi), 0, None)
    frames = []
    for k, channel in enumerate(CHANNELS):
        mean = (2 + 4 * k) * day_shape
        offered = rng.poisson(mean)
        aht = np.where(offered > 0, np.round(rng.normal(300 + 20 * k, 30, len(mean)).clip(30), 1), np.nan)
        frames.append(pd.DataFrame({"interval_start": local, "channel": channel, "offered": offered, "aht_s": aht}))
    history = pd.concat(frames).sort_values("interval_start", kind="stable")
    history.to_csv(path, index=False, date_format="%Y-%m-%dT%H:%M:%S", lineterminator="\n")
    return len(history)


def measure(what: str, path: Path) -> dict:
    """Wall time (s) and peak RSS (MB) of one fresh process doing `what` on path."""
    env = dict(os.environ, PYTHONPATH=str(REPO))
    done = subprocess.run([sys.executable, "-c", MEASURE, what, str(path)], capture_output=True, text=True, env=env,
                          cwd=REPO, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{what} failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="write the history into this folder and keep it")
    parser.add_argument("--no-forecast", action="store_true", help="skip the forecast row")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / "history.csv"
        if not path.exists():
            generate(path)
        size_mb = path.stat().st_size / 1e6
        tasks = ["read_csv", "validate"] + ([] if args.no_forecast else ["forecast"])
        results = {}
        for what in tasks:
            runs = [measure(what, path) for _ in range(args.repeats)]
            results[what] = {"s": statistics.median(r["s"] for r in runs),
                             "rss_mb": statistics.median(r["rss_mb"] for r in runs), "rows": runs[0]["rows"]}
        peer = results["read_csv"]
        print(f"history: {results['validate']['rows']:,} rows, {size_mb:.0f} MB CSV; median of {args.repeats}; "
              f"load average {os.getloadavg()[0]:.1f}")
        print(f"{'task':<28}{'time s':>9}{'peak MB':>10}{'time / peer':>13}{'memory / peer':>15}")
        for what, r in results.items():
            name = {"read_csv": "pandas.read_csv (peer)", "validate": "read + validate history",
                    "forecast": "forecast 1 week (no config)"}[what]
            print(f"{name:<28}{r['s']:>9.2f}{r['rss_mb']:>10.0f}{r['s'] / peer['s']:>13.2f}"
                  f"{r['rss_mb'] / peer['rss_mb']:>15.2f}")


if __name__ == "__main__":
    main()
