"""Infeasibility explained: each agent's week alone, with one assumption per hard rule, names the rules in conflict.

Coverage is soft (a shortfall costs, it never forbids), so the roster is feasible exactly when every agent's own week
is; solving the agents one by one is fast and says which agent and which rule.
"""

from __future__ import annotations

from ortools.sat.python import cp_model

from planner.errors import InfeasibleError, PlannerError
from planner.scheduling.instance import AgentInfo, Instance
from planner.scheduling.params import WALL_PER_DET, solver_parameters
from planner.scheduling.rules import HARD_RULES, add_agent_choice, add_hard_rules, days_off_minimum, weekly_minimum_min

MAX_AGENTS_NAMED = 20
CHECK_DET = 5.0  # deterministic units per agent-week check: the sample site week's checks take at most 0.011 each


def agent_conflict(inst: Instance, agent: AgentInfo, budget_det: float = CHECK_DET) -> list[str] | None:
    """The hard rules that cannot all hold for this agent (a sufficient subset), or None when the agent's week is
    feasible; raises PlannerError when budget_det deterministic units decide neither (never taken as feasible)."""
    model = cp_model.CpModel()
    av = add_agent_choice(model, inst, agent)
    literals = {rule: model.new_bool_var(f"assume[{rule}]") for rule in HARD_RULES}
    add_hard_rules(model, inst, av, literals)
    model.add_assumptions(list(literals.values()))
    solver = cp_model.CpSolver()
    solver_parameters(solver, inst.config, budget_det, wall_s=WALL_PER_DET * budget_det, workers=1)
    status = solver.solve(model)
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    if status != cp_model.INFEASIBLE:
        raise PlannerError(f"could not decide within {budget_det:g} deterministic units whether agent {agent.agent_id}'s "
                           f"week can satisfy the hard rules ({solver.status_name(status)}, or its wall cap on a loaded "
                           "machine); rerun, or simplify the agent's contract and availability")
    core = set(solver.sufficient_assumptions_for_infeasibility())
    names = [rule for rule, lit in literals.items() if lit.index in core]
    return names or ["the shift templates themselves"]


def describe(inst: Instance, agent: AgentInfo, rules: list[str]) -> str:
    """One sentence naming the agent, the rules in conflict and the facts that drive them."""
    contract = inst.config.contract(agent.contract)
    facts = [f"contract {contract.name}: {contract.weekly_hours_min:g}–{contract.weekly_hours_max:g} paid h/week, "
             f"at most {contract.days_per_week_max} days, shifts of {', '.join(f'{h:g}' for h in contract.shift_lengths_h)} h"]
    if agent.available_from_min is not None:
        facts.append(f"available {_clock(agent.available_from_min)}–{_clock(agent.available_to_min)}")
    if agent.approved_leave:
        facts.append("approved leave on " + ", ".join(str(inst.day_date(d)) for d in sorted(agent.approved_leave)))
    if inst.holiday_closed:
        facts.append("site closed for public holiday on " + ", ".join(str(inst.day_date(d)) for d in sorted(inst.holiday_closed)))
    workable = sorted(agent.templates)
    facts.append(f"{len(workable)} of {inst.n_days} days have a shift that fits the site hours, shift rules and availability")
    best = [max(inst.templates[k].paid_min for k in agent.templates[d]) for d in workable]
    most = sum(sorted(best, reverse=True)[: contract.days_per_week_max]) / 60 if best else 0.0
    if inst.n_days == 7:
        week = inst.weeks[0]
        off = days_off_minimum(inst, agent, week)
        lowered = f" after {off} leave or holiday day(s)" if off else ""
        facts.append(f"at most {most:g} paid h fit in the week, the minimum is "
                     f"{round(weekly_minimum_min(inst, agent, week) / 60, 2):g} h{lowered}")
    if agent.prev_end_slot is not None:
        facts.append(f"previous roster: last shift ended {inst.slot_time(agent.prev_end_slot)}, "
                     f"{agent.prev_consecutive_days} day(s) worked in a row before the week")
    rules_text = " + ".join(f"'{r}' ({HARD_RULES.get(r, r)})" for r in rules)
    return f"agent {agent.agent_id} ({agent.name}): {rules_text} cannot all hold — " + "; ".join(facts)


def _clock(minutes: int) -> str:
    return f"{minutes // 60 % 24:02d}:{minutes % 60:02d}"


def check_agents(inst: Instance) -> None:
    """Raise InfeasibleError naming every agent whose hard rules cannot all hold (agents with the same week share a check)."""
    verdicts: dict[tuple, list[str] | None] = {}
    problems = []
    for agent in inst.agents:
        key = (agent.contract, tuple((d, tuple(ks)) for d, ks in sorted(agent.templates.items())),
               tuple(sorted(agent.approved_leave)), agent.prev_end_slot, agent.prev_consecutive_days)
        if key not in verdicts:
            verdicts[key] = agent_conflict(inst, agent)
        if verdicts[key] is not None:
            problems.append(describe(inst, agent, verdicts[key]))
    if problems:
        shown = problems[:MAX_AGENTS_NAMED]
        more = f"\n  … and {len(problems) - len(shown)} more agent(s)" if len(problems) > len(shown) else ""
        raise InfeasibleError(
            f"no roster can satisfy the hard rules for {len(problems)} agent(s); change the contract, availability or leave "
            "of each, or relax the rule named:\n  - " + "\n  - ".join(shown) + more
        )
