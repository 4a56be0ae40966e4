"""Re-plan after a mid-week absence of 5 agents on the sample site week (issue 15 item 2: ≤ 60 s, ≤ 10% of the other
agents' shifts changed, coverage loss reported).

Run from the repository root:
    python bench/replan_bench.py                          # roster the week (--roster-time-limit s), then replan at 60 s
    python bench/replan_bench.py --roster runs/demo/roster.csv --requirements runs/demo/requirements.csv
    python bench/replan_bench.py --time-limit 30 --absent 5 --change-cost 0

The week is bench/schedule_bench.py's: the demo config, the sample site (seed 7), the requirement of 2026-11-23 as
planner run computes it. The absent agents are the first --absent agents (by agent_id) with a Wednesday shift; they
are absent Wednesday to Sunday. Prints wall seconds, shifts changed (count and share of the other agents' published
shifts) and the shortfall (agent-slots) before the changes, after without repair and after the repair.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from schedule_bench import CONFIG, WEEK, sample_week  # noqa: E402

from planner.config import load_config  # noqa: E402
from planner.scheduling.check import check_roster  # noqa: E402
from planner.scheduling.replan import Change, replan_roster, with_change_cost  # noqa: E402
from planner.scheduling.solve import solve_roster  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--config", type=Path, default=CONFIG)
    parser.add_argument("--roster", type=Path, help="a published roster.csv (roster_slots.csv beside it)")
    parser.add_argument("--requirements", type=Path, help="its requirements (default: the sample week's)")
    parser.add_argument("--roster-time-limit", type=float, default=60.0, help="solve of the published roster, seconds")
    parser.add_argument("--time-limit", type=float, default=60.0, help="the re-plan's limit, seconds")
    parser.add_argument("--absent", type=int, default=5, help="agents absent from Wednesday on")
    parser.add_argument("--change-cost", type=float, help="solver.weights.changed_shift (default: the config's)")
    args = parser.parse_args()

    cfg = load_config(args.config)
    req, agents, leave = sample_week(cfg)
    if args.requirements is not None:
        from planner.io.tables import read_requirements

        req = read_requirements(args.requirements, cfg)
    if args.roster is not None:
        from planner.io.tables import read_roster_slots, read_roster_table

        roster, slots = read_roster_table(args.roster, cfg), read_roster_slots(args.roster.parent / "roster_slots.csv", cfg)
        source = roster  # its breaks column holds the published breaks
    else:
        began = time.perf_counter()
        published = solve_roster(cfg, req, agents, leave, WEEK, time_limit_s=args.roster_time_limit)
        roster, slots, source = published.roster, published.roster_slots, published  # shifts with their breaks
        print(f"published roster: {len(roster)} shifts, {time.perf_counter() - began:.1f} s")

    wed = WEEK + dt.timedelta(days=2)
    who = sorted(roster.loc[[pd.Timestamp(d).date() == wed for d in roster["date"]], "agent_id"].astype(str).unique())
    who = who[:args.absent]
    changes = [Change(n + 2, "absent", wed + dt.timedelta(days=d), agent_id=a, note="bench")
               for n, (a, d) in enumerate((a, d) for a in who for d in range(5))]
    began = time.perf_counter()
    done = replan_roster(with_change_cost(cfg, args.change_cost), source, slots, req, agents, leave, changes, WEEK,
                         time_limit_s=args.time_limit)
    wall = time.perf_counter() - began
    s = done.summary
    named = roster["agent_id"].astype(str).isin(who).to_numpy()
    removed = int((named & np.array([pd.Timestamp(d).date() >= wed for d in roster["date"]])).sum())
    problems = check_roster(done.result, cfg, agents, done.leave, done.requirements, week_start=WEEK)
    print(f"absent Wednesday–Sunday: {', '.join(who)} ({removed} published shifts lost)")
    print(f"replan wall s: {wall:.1f} (limit {args.time_limit:g} s)")
    print(f"other agents' shifts changed: {s['other_agents_shifts_changed']} of {s['other_agents_shifts']} "
          f"({s['other_agents_shifts_changed_share']:.1%}); channel-only changes: {s['other_agents_channel_only_changes']}")
    print(f"shortfall agent-slots: before {s['shortfall_before_changes']}, after without repair "
          f"{s['shortfall_without_repair']}, after repair {s['shortfall_after_repair']} "
          f"(coverage loss {s['coverage_loss']})")
    print(f"objective terms: {done.result.objective_terms}")
    print(f"phases: {[(p.name, round(p.wall_s, 1), p.stopped_by) for p in done.result.phases]}")
    print(f"independent check: {'passed' if not problems else f'{len(problems)} violation(s): {problems[:3]}'}")


if __name__ == "__main__":
    main()
