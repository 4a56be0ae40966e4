"""Leave planning: capacity and allowance per skill group from the forecast, decisions on requests, balances, yearly bids.

Entry points, on DataFrames: `plan.leave_plan(config, history, agents, leave, weeks)` → LeavePlan (horizon, agents'
hours, Capacity; `.tables()` gives capacity_plan and leave_allowance), `decide.decide(config, plan.agents,
plan.capacity, leave, as_of, roster_check)` → Outcome (decisions, leave table after them, balances in
`.state.ledger.table(as_of)`). Modules: groups (skill groups), hours (contract hours, leave charge), horizon
(forecast → required hours), split (the LP sharing each channel among groups), capacity (allowance), balances,
policy, roster_check, decide, files (readers of the outputs).
"""
