"""Probe the roster model on the seeded realistic site: model size, greedy start, solve progress, shortfall, check.

Usage: python bench/schedule_model_probe.py [n_agents=150] [time_limit_s=120] [det|nondet]
The site is tests/schedule_instances.realistic_site (demo config, seeded); the proven shortfall bound comes from
bench/schedule_bench.py (the LP bound), not from here.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from schedule_instances import WEEK, realistic_site  # noqa: E402

from planner.scheduling import check_roster, solve_roster  # noqa: E402


def main(argv: list[str]) -> None:
    """Solve one realistic week and print size, progress and quality lines."""
    n = int(argv[0]) if argv else 150
    limit = float(argv[1]) if len(argv) > 1 else 120.0
    deterministic = (argv[2] if len(argv) > 2 else "det") == "det"
    site = realistic_site(ROOT / "configs" / "demo.yaml", n_agents=n)
    cfg = site.config.model_copy(update={"solver": site.config.solver.model_copy(update={"deterministic": deterministic})})
    required = int(site.requirements["agents_required"].sum())
    print(f"agents {n}, required agent-slots {required}, time limit {limit:g} s, deterministic {deterministic}")
    started = time.perf_counter()
    result = solve_roster(cfg, site.requirements, site.agents, site.leave, WEEK, time_limit_s=limit,
                          on_progress=lambda o, b, e: print(f"  {e:7.1f} s  objective {o:12.1f}  bound {b:10.1f}", flush=True))
    wall = time.perf_counter() - started
    short = sum(result.shortfall_agent_slots.values())
    print("model", result.model_size)
    print(f"status {result.status}, objective {result.objective:.1f}, CP-SAT bound {result.best_bound:.1f}, wall {wall:.1f} s")
    print(f"shortfall {short} agent-slots ({100 * short / required:.2f}% of required) {result.shortfall_agent_slots}")
    print(f"overstaffing {sum(result.overstaff_agent_slots.values())}, late contacts {result.late_contacts:.1f}")
    print("soft-rule violations", result.violations.groupby("rule").size().to_dict())
    problems = check_roster(result, site.config, site.agents, site.leave, site.requirements)
    print(f"independent check: {len(problems)} hard-rule violation(s)")


if __name__ == "__main__":
    main(sys.argv[1:])
