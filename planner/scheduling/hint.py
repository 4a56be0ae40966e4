"""A greedy first roster as a solution hint: agents one by one, each taking the feasible week that covers most of what is left."""

from __future__ import annotations

import numpy as np
from ortools.sat.python import cp_model

from planner.scheduling.instance import Instance
from planner.scheduling.model import RosterModel
from planner.scheduling.rules import add_agent_choice, add_hard_rules

AGENT_TIME_LIMIT_S = 0.5


def greedy_weeks(inst: Instance) -> dict[int, dict[int, int]]:
    """agent index -> {day: template index}: each agent's best week against the residual requirement, in a fixed order."""
    residual = inst.required.astype(float).copy()
    order = sorted(range(len(inst.agents)), key=lambda i: (len(inst.agents[i].skills), inst.agents[i].agent_id))
    weeks: dict[int, dict[int, int]] = {}
    for i in order:
        agent = inst.agents[i]
        rows = [inst.channels.index(c) for c in agent.skills]
        gain = np.clip(residual[rows], 0, 1).max(axis=0)  # a slot is worth covering while some skill channel is short
        model = cp_model.CpModel()
        av = add_agent_choice(model, inst, agent)
        add_hard_rules(model, inst, av)
        values = []
        for pairs in av.x.values():
            for t, v in pairs:
                values.append((v, int(round(100 * gain[t.start:t.end].sum())) - t.lunch_slots))
        model.maximize(sum(c * v for v, c in values))
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = 1
        solver.parameters.max_time_in_seconds = AGENT_TIME_LIMIT_S
        solver.parameters.random_seed = inst.config.solver.seed
        if solver.solve(model) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            continue
        chosen = {}
        for day, pairs in av.x.items():
            for t, v in pairs:
                if solver.boolean_value(v):
                    chosen[day] = t.index
                    for s in range(t.start, t.end):
                        c = max(rows, key=lambda r, s=s: residual[r, s])
                        residual[c, s] -= 1
        weeks[i] = chosen
    return weeks


def add_greedy_hint(inst: Instance, rm: RosterModel, time_limit_s: float) -> bool:
    """Hint a complete first roster: the greedy weeks, with breaks and channels placed optimally for them by CP-SAT.

    The model is cloned with every template choice fixed to the greedy week, solved (only the aggregated breaks,
    channel flows and penalties are left free), and the whole solution becomes the hint of the real model, so its
    search starts from a feasible roster at once. Returns False when no completion was found in time (no hint).
    """
    weeks = greedy_weeks(inst)
    fixed = rm.model.clone()
    for i, av in enumerate(rm.agents):
        chosen = weeks.get(i, {})
        for pairs in av.x.values():
            for t, v in pairs:
                value = int(chosen.get(t.day) == t.index)
                domain = fixed.proto.variables[v.index].domain
                domain.clear()
                domain.extend([value, value])
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = inst.config.solver.workers
    solver.parameters.random_seed = inst.config.solver.seed
    solver.parameters.max_time_in_seconds = time_limit_s
    solver.parameters.interleave_search = True  # deterministic completion
    solver.parameters.cp_model_probing_level = 0
    solver.parameters.symmetry_level = 0
    status = solver.solve(fixed)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return False
    rm.model.clear_hints()
    values = list(solver.response_proto.solution)
    hint = rm.model.proto.solution_hint
    hint.vars.extend(range(len(values)))
    hint.values.extend(values)
    return True
