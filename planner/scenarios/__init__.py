"""What-if: a staffing plan or roster under simulated contacts, and under forecast uncertainty.

Entry points: `simulate.simulate(agents, load, config, replications, seed)` (discrete-event simulation, a slot table
per replication; `simulate.daily` and `simulate.summary` aggregate it), `uncertainty.monte_carlo(load, agents, config,
replications, seed, rate_cv=…)` (day-level forecast error through the analytic models), and
`agents.from_coverage(coverage, config)` (a roster's productive agents). Both call the staffing stage's models and
never re-implement them.
"""

from planner.scenarios.agents import from_coverage
from planner.scenarios.simulate import daily, simulate, summary
from planner.scenarios.uncertainty import UncertaintyResult, monte_carlo

__all__ = ["UncertaintyResult", "daily", "from_coverage", "monte_carlo", "simulate", "summary"]
