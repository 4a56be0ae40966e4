"""What-if: a staffing plan or roster under simulated contacts, and under forecast uncertainty.

Entry points (import them from their modules; the package re-exports nothing, so `planner.scenarios.simulate`
stays the module and is not shadowed by its function):
- `simulate.simulate(agents, load, config, replications, seed)`: discrete-event simulation, a slot table per
  replication; `simulate.daily` and `simulate.summary` aggregate it.
- `uncertainty.monte_carlo(load, agents, config, replications, seed, rate_cv=…)`: day-level forecast error through
  the analytic models.
- `agents.from_coverage(coverage, config)`: a roster's productive agents per slot and channel.
Both call the staffing stage's models and never re-implement them.
"""
