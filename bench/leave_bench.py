"""Time leave planning: the 52-week capacity plan and the decisions on a year of requests, 150 and 400 agents.

Run: python bench/leave_bench.py [--repeats N]. The site is the sample's (104 weeks of history, demo config); the
400-agent site repeats its agents with new ids, and each site gets 10 random annual-leave requests per agent over the
plan's year (1,500 and 4,000), asked in the eight weeks before it starts. `plan s` is forecast + staffing over 52
weeks + the capacity per group, `decide s` the whole decision pipeline; medians of the repeats. Targets (issue 13):
decide for 150 agents × 1,500 requests ≤ 20 s, 400 agents ≤ 3× that. There is no peer implementation; `ratio` is each
row's decide time relative to the 150-agent row of the same run.

The second table is the yearly bid round as `planner leave bids` runs it (planner.leave.bid_round: the plan over the
bids' leave year, balances, CP-SAT allocation), on the sample's bids (planner.sample.bids: 3–5 ranked ranges per agent
with summer and Christmas crunches) for the same 150 and 400 agents, fair and seniority: `round s` is the whole round,
`solve s` CP-SAT's share, with the allocation's status and optimality gap. Targets: 150 agents ≤ 60 s, 400 ≤ 3× that.
bench/leave_bench_bids.py times the allocation alone on a synthetic site with 5 bids per agent.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import time

import numpy as np
import pandas as pd

from planner.config import load_config
from planner.io.tables import validate_agents, validate_leave
from planner.leave.bid_round import bid_round
from planner.leave.decide import decide
from planner.leave.plan import leave_plan
from planner.sample import demo_config_path, generate_site
from planner.sample.bids import make_bids

REQUESTS_PER_AGENT = 10


def _agents(base: pd.DataFrame, count: int) -> pd.DataFrame:
    copies = [base.assign(agent_id=base["agent_id"] + (f"_{k}" if k else "")) for k in range(-(-count // len(base)))]
    return pd.concat(copies, ignore_index=True).head(count)


def _requests(rng: np.random.Generator, agents: pd.DataFrame, start: dt.date) -> pd.DataFrame:
    rows = []
    for k, agent in enumerate(agents["agent_id"]):
        for j in range(REQUESTS_PER_AGENT):
            first = start + dt.timedelta(days=int(rng.integers(0, 357)))
            days = int(rng.choice([1, 2, 3, 5, 7, 10]))
            asked = pd.Timestamp(start) - pd.Timedelta(minutes=int(rng.integers(1, 8 * 7 * 1440)))
            rows.append((agent, first, first + dt.timedelta(days=days - 1), "annual", "requested", f"B{k}-{j}", asked))
    cols = ["agent_id", "start_date", "end_date", "kind", "status", "request_id", "requested_at"]
    return pd.DataFrame(rows, columns=cols)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    config = load_config(demo_config_path())
    site = generate_site(config, seed=7, weeks=104)
    start = site.end + dt.timedelta(days=1)
    rows = []
    for count in (150, 400):
        agents = validate_agents(_agents(site.agents, count), config=config)
        requests = validate_leave(_requests(np.random.default_rng(count), agents, start), agents=agents)
        plans, decides = [], []
        for _ in range(args.repeats):
            t0 = time.perf_counter()
            plan = leave_plan(config, site.history, agents, requests, 52)
            t1 = time.perf_counter()
            outcome = decide(config, plan.agents, plan.capacity, requests, start)
            plans.append(t1 - t0)
            decides.append(time.perf_counter() - t1)
        counts = outcome.decisions["decision"].value_counts()
        rows.append((count, len(requests), statistics.median(plans), statistics.median(decides),
                     int(counts.get("approved", 0)), int(counts.get("waitlisted", 0) + counts.get("denied", 0))))
    base = rows[0][3]
    print(f"{'agents':>6} {'requests':>8} {'plan s':>7} {'decide s':>8} {'approved':>8} {'refused':>8} {'ratio':>6}")
    for count, n, p, d, ok, no in rows:
        print(f"{count:>6} {n:>8,} {p:>7.2f} {d:>8.2f} {ok:>8,} {no:>8,} {d / base:>6.2f}")
    print()
    bid_rows = []
    for count in (150, 400):
        agents = validate_agents(_agents(site.agents, count), config=config)
        bids = make_bids(np.random.default_rng(count), agents, site.end)
        for mode in ("fair", "seniority"):
            walls = []
            for _ in range(args.repeats):
                t0 = time.perf_counter()
                result = bid_round(config, site.history, agents, None, bids, mode=mode, time_limit_s=60)
                walls.append(time.perf_counter() - t0)
            alloc = result.allocation
            bid_rows.append((count, len(bids), mode, statistics.median(walls), alloc.solve_s, alloc.status, alloc.gap,
                             float(alloc.preferences["granted"].mean())))
    print(f"{'agents':>6} {'bids':>6} {'mode':>9} {'round s':>8} {'solve s':>8} {'status':>9} {'gap':>6} {'granted':>8}")
    for count, n, mode, wall, solve, status, gap, share in bid_rows:
        print(f"{count:>6} {n:>6,} {mode:>9} {wall:>8.2f} {solve:>8.2f} {status:>9} {gap:>6.1%} {share:>8.1%}")


if __name__ == "__main__":
    main()
