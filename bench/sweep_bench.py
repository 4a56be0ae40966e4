"""Sweep wall time: a 20-point re-rostering sweep sequential vs a local process pool vs a Dask LocalCluster(n_workers=2).

The site: the demo config's sample site (12 weeks of history, its first --agents agents), week 2026-11-23; the grid:
campaign uplift 0-45% (10 values) × voice/chat handle time ×1.0/×1.1, each point re-rostered with CP-SAT on one
worker for --time-limit seconds. Prints the median wall time of each runner over --runs and whether every runner's
table equals the sequential one exactly.

    PYTHONPATH=. python bench/sweep_bench.py --time-limit 10 --runs 1

Measured 2026-12-05 on this 2-CPU machine, that command: sequential 190.4 s, process pool (2) 97.1 s (1.96×),
Dask LocalCluster(n_workers=2) 98.7 s (1.93×); all three tables identical. One run each, not a median.
At the issue's 60 s per point, `--time-limit 60 --no-sequential` compares the pool with Dask (about 7 min each);
measured 2026-12-06, another job on the machine (load about 1): process pool 413.1 s, Dask 435.7 s (Dask at 0.95×
the pool's speed), tables identical. One run each.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ["PYTHONPATH"] = str(Path(__file__).resolve().parents[1]) + os.pathsep + os.environ.get("PYTHONPATH", "")

from planner.cli.commands.demo import write_demo_config  # noqa: E402
from planner.config import load_config  # noqa: E402
from planner.io.files import write_table  # noqa: E402
from planner.io.tables import read_agents, read_history, read_leave  # noqa: E402
from planner.sample import generate_site, write_site  # noqa: E402
from planner.scenarios.evaluate import baseline_week  # noqa: E402
from planner.scenarios.grid import parse_grid  # noqa: E402
from planner.scenarios.sweep import SweepExecutor, run_sweep  # noqa: E402

WEEK = dt.date(2026, 11, 23)
GRID = """name: bench
base: {changes: [{campaign: {channels: [voice, chat], start: 2026-11-25, end: 2026-11-27, uplift: 0.0}}]}
parameters:
  - {change: 0, field: uplift, values: [0.0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45]}
  - {add: aht, channels: [voice, chat], start: 2026-11-23, end: 2026-11-29, field: factor, values: [1.0, 1.1]}
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--time-limit", type=float, default=60.0, help="solver seconds per point (default 60)")
    parser.add_argument("--runs", type=int, default=1, help="runs per runner; the table shows medians")
    parser.add_argument("--agents", type=int, default=60, help="agents of the sample site kept")
    parser.add_argument("--workers", type=int, default=2, help="pool processes and Dask workers")
    parser.add_argument("--no-sequential", action="store_true",
                        help="skip the sequential runner (20 × the limit); the process pool is then the reference")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="sweep_bench_"))
    cfg = load_config(write_demo_config(folder))
    site = generate_site(cfg, seed=7, weeks=12)
    write_site(site, folder / "data")
    write_table(site.agents.head(args.agents), folder / "data" / "agents.csv")
    agents = read_agents(folder / "data" / "agents.csv", cfg)
    write_table(site.leave[site.leave["agent_id"].isin(agents["agent_id"])], folder / "data" / "leave.csv")
    leave = read_leave(folder / "data" / "leave.csv", agents, cfg)
    week = baseline_week(cfg, read_history(folder / "data" / "history.csv", cfg), agents, leave, WEEK)
    grid = parse_grid(GRID, "bench", cfg.channel_names, [c.name for c in cfg.contracts])

    runners = {} if args.no_sequential else {
        "sequential": lambda: run_sweep(week, grid, "reroster", None, None, args.time_limit)}
    for name, cluster in (("process pool", None), ("dask LocalCluster", "local")):
        def run(cluster=cluster):
            with SweepExecutor(cluster, args.workers) as executor:
                return run_sweep(week, grid, "reroster", None, None, args.time_limit, executor)
        runners[name] = run
    times: dict[str, list[float]] = {}
    tables = {}
    for name, run in runners.items():
        for _ in range(args.runs):
            t0 = time.perf_counter()
            tables[name] = run()
            times.setdefault(name, []).append(time.perf_counter() - t0)
            print(f"{name}: {times[name][-1]:.1f} s", file=sys.stderr)
    reference = next(iter(runners))
    view = Table(title=f"{len(grid.points())} points re-rostered, {args.time_limit:g} s per point, {args.agents} agents, "
                       f"{args.workers} workers, {os.cpu_count()} CPUs, median of {args.runs}")
    for col in ("runner", "wall s", f"speed-up vs {reference}", f"same table as {reference}"):
        view.add_column(col, justify="left" if col == "runner" else "right")
    base = statistics.median(times[reference])
    for name in runners:
        m = statistics.median(times[name])
        same = tables[name].equals(tables[reference])
        view.add_row(name, f"{m:.1f}", f"{base / m:.2f}×", "yes" if same else "NO")
    Console().print(view)


if __name__ == "__main__":
    main()
