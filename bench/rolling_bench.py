"""Rolling weeks: four one-week `planner run` calls, each rolling on from the previous run folder, against one
four-week solve (`planner run --weeks 4`), on the sample site with the same solver time per week.

Run from the repository root: python bench/rolling_bench.py [--time-limit 30] [--agents 150] [--weeks 4] [--out DIR]

Each run is a separate `python -m planner run` process (as a planner would call it), the first week with no previous
roster. Compared: total shortfall (agent-slots) over the four weeks, the required agent-slots, the LP floors, and
the rest / consecutive-day breaches across every week boundary, re-checked independently (planner.scheduling.check
with the previous week's roster, and the four-week roster as one). Target of issue 15: the rolling runs' shortfall
within 1% of the required agent-slots of the four-week solve's, and no breach.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import pandas as pd  # noqa: E402
from rich.console import Console  # noqa: E402
from rich.table import Table  # noqa: E402

from planner.cli.commands.demo import write_demo_config  # noqa: E402
from planner.config import load_config  # noqa: E402
from planner.io.files import write_table  # noqa: E402
from planner.io.tables import read_agents, read_leave, read_roster_table, write_contract  # noqa: E402
from planner.sample import generate_site, write_site  # noqa: E402
from planner.scheduling.check import check_roster  # noqa: E402

console = Console(width=120)
FIRST_WEEK = dt.date(2026, 11, 23)  # the first Monday after the sample history (20 weeks) ends
BOUNDARY_RULES = ("rest of", "consecutive working days")


def make_site(folder: Path, agents: int, seed: int) -> Path:
    """The sample site (20 weeks of history) with its first `agents` agents and their leave; the config's path."""
    config_path = write_demo_config(folder)
    site = generate_site(load_config(config_path), seed=seed, weeks=20)
    write_site(site, folder / "data")
    chosen = site.agents.head(agents)
    write_contract(chosen, folder / "data" / "agents.csv")
    write_table(site.leave[site.leave["agent_id"].isin(chosen["agent_id"])], folder / "data" / "leave.csv")
    return config_path


def planner_run(config: Path, week: dt.date, out: Path, time_limit: float, *extra: str) -> float:
    """One `python -m planner run` process; its wall seconds."""
    args = [sys.executable, "-m", "planner", "-q", "run", "--config", str(config), "--week", week.isoformat(),
            "--out", str(out), "--time-limit", f"{time_limit:g}", "--no-report", *extra]
    started = time.perf_counter()
    subprocess.run(args, check=True, cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)})
    return time.perf_counter() - started


def boundary_breaches(config_path: Path, folder: Path, week: dt.date, previous: Path | None) -> list[str]:
    """Rest and consecutive-day breaches of a run folder's roster, with the previous roster before it."""
    cfg = load_config(config_path)
    agents = read_agents(cfg.input_path("agents"), cfg)
    leave = read_leave(cfg.input_path("leave"), agents)
    tables = {"roster": read_roster_table(folder / "roster.csv", cfg),
              "roster_slots": pd.read_csv(folder / "roster_slots.csv")}
    prev = read_roster_table(previous, cfg) if previous is not None else None
    problems = check_roster(tables, cfg, agents, leave, pd.read_csv(folder / "requirements.csv"), previous_roster=prev,
                            week_start=week)
    return [p for p in problems if any(rule in p for rule in BOUNDARY_RULES)]


def summary(folder: Path) -> dict:
    return json.loads((folder / "schedule_summary.json").read_text())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--time-limit", type=float, default=30.0, help="solver seconds per week (default 30)")
    parser.add_argument("--agents", type=int, default=150, help="agents of the sample site (default all 150)")
    parser.add_argument("--weeks", type=int, default=4, help="weeks (2 to 4, default 4)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, default=None, help="folder for the site and the runs (default: a temp dir)")
    args = parser.parse_args()
    root = (args.out or Path(tempfile.mkdtemp(prefix="rolling_bench_"))).resolve()
    config = make_site(root / "site", args.agents, args.seed)
    weeks = [FIRST_WEEK + dt.timedelta(days=7 * k) for k in range(args.weeks)]

    rolling, rolling_s, rolling_breaches = [], 0.0, []
    for k, week in enumerate(weeks):
        folder = root / "rolling" / f"week-{week}"
        rolling_s += planner_run(config, week, folder, args.time_limit)
        rolling.append(summary(folder))
        assert rolling[-1]["previous_roster"] == (None if k == 0 else str(root / "rolling" / f"week-{weeks[k - 1]}" /
                                                                          "roster.csv"))
        previous = root / "rolling" / f"week-{weeks[k - 1]}" / "roster.csv" if k else None
        rolling_breaches += boundary_breaches(config, folder, week, previous)
    horizon_folder = root / "horizon" / f"week-{weeks[0]}"
    horizon_s = planner_run(config, weeks[0], horizon_folder, args.time_limit * args.weeks, "--weeks", str(args.weeks))
    horizon = summary(horizon_folder)
    horizon_breaches = boundary_breaches(config, horizon_folder, weeks[0], None)

    def total(s: list[dict], key: str) -> float:
        return float(sum(x[key]["total"] for x in s))

    short_r, short_h = total(rolling, "shortfall_agent_slots"), total([horizon], "shortfall_agent_slots")
    req_r, req_h = total(rolling, "required_agent_slots"), total([horizon], "required_agent_slots")
    floor_r = sum(x["lp_bound"]["shortfall_lower_bound_agent_slots"] for x in rolling)
    floor_h = horizon["lp_bound"]["shortfall_lower_bound_agent_slots"]
    table = Table(title=f"Rolling {args.weeks} one-week runs vs one {args.weeks}-week solve — sample site, "
                        f"{args.agents} agents, {args.time_limit:g} s solver time per week (seed {args.seed})")
    for column in ("approach", "shortfall", "required", "LP floor", "above floor", "boundary breaches", "wall s"):
        table.add_column(column, justify="left" if column == "approach" else "right")
    table.add_row(f"{args.weeks} × planner run (rolling)", f"{short_r:,.0f}", f"{req_r:,.0f}", f"{floor_r:,.0f}",
                  f"{(short_r - floor_r) / req_r:.2%}", str(len(rolling_breaches)), f"{rolling_s:.0f}")
    table.add_row(f"planner run --weeks {args.weeks}", f"{short_h:,.0f}", f"{req_h:,.0f}", f"{floor_h:,.0f}",
                  f"{(short_h - floor_h) / req_h:.2%}", str(len(horizon_breaches)), f"{horizon_s:.0f}")
    console.print(table)
    diff = short_r - short_h
    ok = abs(diff) <= 0.01 * req_h and not rolling_breaches and not horizon_breaches
    console.print(f"difference (rolling − one solve): {diff:+,.0f} agent-slots = {diff / req_h:+.2%} of the required "
                  f"agent-slots; target within ±1% and no breach: {'met' if ok else 'NOT met'}")
    for p in (rolling_breaches + horizon_breaches)[:10]:
        console.print(f"  breach: {p}")
    console.print(f"run folders in {root}")


if __name__ == "__main__":
    main()
