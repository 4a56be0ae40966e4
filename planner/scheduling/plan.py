"""A decomposed first roster: the LP bound's group plan (how many agents of each skill group work each template), then
named agents handed those shifts one by one under every per-agent hard rule.

The LP (bound.py) covers the requirement with the same templates, breaks and per-group headcount, days and hours
limits, so its shift counts are a plan of near-bound quality; handing them to named agents, most constrained first,
each taking the feasible week that matches most of what is left, starts the full model's search close to that quality.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from ortools.sat.python import cp_model

from planner.scheduling.bound import BoundResult, bound_with_plan
from planner.scheduling.instance import AgentInfo, Instance, Template
from planner.scheduling.params import WALL_PER_DET, solver_parameters
from planner.scheduling.rules import add_agent_choice, add_hard_rules

AGENT_DETERMINISTIC_LIMIT = 0.3  # per agent's week matched to the plan, deterministic time units
MATCH_BONUS = 4  # a template the plan still wants is worth this many shift lengths of slots on the group's profile


class AgentWeek:
    """One agent's week alone under every hard rule, re-solvable for any value per template (plan.py and hint.py)."""

    def __init__(self, inst: Instance, agent: AgentInfo) -> None:
        self.model = cp_model.CpModel()
        self.av = add_agent_choice(self.model, inst, agent)
        add_hard_rules(self.model, inst, self.av)
        self.config = inst.config
        self.wall_cut = False  # the last best() was stopped by its wall cap

    def best(self, worth: Callable[[Template], int], budget_det: float, presolve: bool = True) -> dict[int, int] | None:
        """day -> template index of the feasible week of most total worth, or None if none is found in budget_det;
        presolve=False skips CP-SAT's presolve, which costs more than it saves on one agent's week (the weeks
        LP's pricing, columns.py: 60 agents of the sample week priced in 1.05 s instead of 2.7 s, every one optimal
        with the same worth)."""
        pairs = [(t, v) for day_pairs in self.av.x.values() for t, v in day_pairs]
        if pairs:
            self.model.maximize(cp_model.LinearExpr.weighted_sum([v for _, v in pairs], [int(worth(t)) for t, _ in pairs]))
        solver = cp_model.CpSolver()
        solver_parameters(solver, self.config, budget_det, wall_s=WALL_PER_DET * budget_det, workers=1)
        solver.parameters.cp_model_presolve = presolve
        status = solver.solve(self.model)
        # what stopped it short of optimal: its wall cap rather than its budget is what could differ between runs
        self.wall_cut = status != cp_model.OPTIMAL and solver.wall_time >= solver.parameters.max_time_in_seconds
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return None
        return {day: t.index for day, day_pairs in self.av.x.items() for t, v in day_pairs if solver.boolean_value(v)}


def lp_plan(inst: Instance, time_limit_s: float | None = None) -> tuple[dict[tuple[int, int], float], BoundResult]:
    """(group, template) -> agents of the group to work it, from the LP bound's optimum (fractional), and the bound."""
    return bound_with_plan(inst, time_limit_s=time_limit_s)


def weeks_from_plan(inst: Instance, plan: dict[tuple[int, int], float],
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
        g = inst.agents[i].group

        def worth(t: Template, g: int = g) -> int:
            value = int(np.where(profile[g, t.start:t.end] > 0, 1, -1).sum())
            return value + round(match_bonus * t.length * min(1.0, max(0.0, remaining.get((g, t.index), 0.0))))

        chosen = AgentWeek(inst, inst.agents[i]).best(worth, AGENT_DETERMINISTIC_LIMIT)
        if chosen is None:
            continue
        for k in chosen.values():
            if (g, k) in remaining:
                remaining[(g, k)] -= 1
            t = inst.templates[k]
            profile[g, t.start:t.end] -= 1
        weeks[i] = chosen
    return weeks
