"""A decomposed first roster: the LP bound's group plan (how many agents of each skill group work each template), then
named agents handed those shifts one by one under every per-agent hard rule.

The LP (bound.py) covers the requirement with the same templates, breaks and per-group headcount, days and hours
limits, so its shift counts are a plan of near-bound quality; handing them to named agents, most constrained first,
each taking the feasible week that matches most of what is left, starts the full model's search close to that quality.
"""

from __future__ import annotations

import numpy as np
from ortools.sat.python import cp_model

from planner.scheduling.bound import BoundResult, bound_from_instance
from planner.scheduling.instance import Instance
from planner.scheduling.rules import add_agent_choice, add_hard_rules

AGENT_DETERMINISTIC_LIMIT = 0.3  # per agent's week matched to the plan, deterministic time units
MATCH_BONUS = 4  # a template the plan still wants is worth this many shift lengths of slots on the group's profile


def lp_plan(inst: Instance) -> tuple[dict[tuple[int, int], float], BoundResult]:
    """(group, template) -> agents of the group to work it, from the LP bound's optimum (fractional), and the bound."""
    shifts: dict[tuple[int, int], float] = {}
    bound = bound_from_instance(inst, shifts=shifts)
    return shifts, bound


def weeks_from_plan(inst: Instance, plan: dict[tuple[int, int], float], seed: int,
                    match_bonus: float = MATCH_BONUS) -> dict[int, dict[int, int]]:
    """agent index -> {day: template index}: each agent, most constrained first, takes the feasible week (every hard
    rule) that matches most of what the plan still wants of their group; slots the plan staffs count for the rest.
    match_bonus weighs taking a planned template against covering the plan's profile (in shift lengths of slots)."""
    remaining = dict(plan)
    profile = np.zeros((len(inst.groups), inst.n_slots + 1))  # planned agents on shift per group and slot, still to hand out
    for (g, k), n in plan.items():
        t = inst.templates[k]
        profile[g, t.start:t.end] += n
    order = sorted(range(len(inst.agents)),
                   key=lambda i: (sum(len(ks) for ks in inst.agents[i].templates.values()), inst.agents[i].agent_id))
    weeks: dict[int, dict[int, int]] = {}
    for i in order:
        agent = inst.agents[i]
        g = agent.group
        model = cp_model.CpModel()
        av = add_agent_choice(model, inst, agent)
        add_hard_rules(model, inst, av)
        terms = []
        for pairs in av.x.values():
            for t, v in pairs:
                slots = profile[g, t.start:t.end]
                value = int(np.where(slots > 0, 1, -1).sum())
                value += round(match_bonus * t.length * min(1.0, max(0.0, remaining.get((g, t.index), 0.0))))
                terms.append((v, value))
        model.maximize(sum(c * v for v, c in terms))
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = 1
        solver.parameters.max_deterministic_time = AGENT_DETERMINISTIC_LIMIT
        solver.parameters.random_seed = seed
        if solver.solve(model) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            continue
        chosen = {}
        for day, pairs in av.x.items():
            for t, v in pairs:
                if solver.boolean_value(v):
                    chosen[day] = t.index
                    if (g, t.index) in remaining:
                        remaining[(g, t.index)] -= 1
                    profile[g, t.start:t.end] -= 1
        weeks[i] = chosen
    return weeks
