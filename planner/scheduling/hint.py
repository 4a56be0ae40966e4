"""A greedy first roster as a solution hint: agents one by one, each taking the feasible week that covers most of what is left."""

from __future__ import annotations

import math
from collections import defaultdict

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


def add_greedy_hint(inst: Instance, rm: RosterModel) -> None:
    """Hint the model with the greedy weeks, completed into a whole consistent roster."""
    hint_from_weeks(inst, rm, greedy_weeks(inst))

def _hint(model: cp_model.CpModel, var, value: int) -> None:
    model.add_hint(var, int(value))


def hint_from_weeks(inst: Instance, rm: RosterModel, weeks: dict[int, dict[int, int]]) -> None:
    """Hint a complete roster built from the greedy weeks: breaks spread over their windows, channels by residual need.

    Every structural variable (templates, counts, breaks, working agents, channel flows, gaps and their costs) gets
    a consistent value, so CP-SAT starts from a feasible roster; the soft-rule indicators are left to its propagation.
    """
    model = rm.model
    model.clear_hints()
    chosen_t: dict[tuple[int, int], int] = defaultdict(int)  # (group, template) -> agents
    for i, av in enumerate(rm.agents):
        week = weeks.get(i, {})
        for day, pairs in av.x.items():
            _hint(model, av.work[day], day in week)
            for t, v in pairs:
                on = week.get(day) == t.index
                _hint(model, v, on)
                if on:
                    chosen_t[(av.agent.group, t.index)] += 1
            t_on = inst.templates[week[day]] if day in week else None
            if day in av._starts:
                _hint(model, av._starts[day], t_on.start if t_on else 0)
            if day in av._ends:
                _hint(model, av._ends[day], t_on.end if t_on else 0)
        for first, var in av.paid.items():
            _hint(model, var, sum(inst.templates[k].paid_min for d, k in week.items() if first <= d < first + 7))
    working: dict[tuple[int, int], int] = defaultdict(int)
    for (g, k), var in rm.counts.items():
        n = chosen_t.get((g, k), 0)
        _hint(model, var, n)
        t = inst.templates[k]
        for s in range(t.start, t.end):
            working[(g, s)] += n
    takers: dict[tuple, int] = defaultdict(int)
    for (g, k), n in chosen_t.items():
        t = inst.templates[k]
        for kind in t.breaks:
            takers[(g, t.start, kind)] += n
    spread: dict[tuple, int] = defaultdict(int)
    for (g, start, kind), n in takers.items():
        width = kind.latest_offset - kind.earliest_offset + 1
        for j in range(n):  # spread the group's breaks evenly over the window
            off = kind.earliest_offset + (j * width) // max(n, 1) if n <= width else kind.earliest_offset + j % width
            spread[(g, start, kind, off)] += 1
            for s in range(start + off, start + off + kind.duration_slots):
                working[(g, s)] -= 1
    for key, var in rm.breaks.items():
        _hint(model, var, spread.get(key, 0))
    for key, var in rm.working.items():
        _hint(model, var, working.get(key, 0))
    cover = np.zeros((len(inst.channels), inst.n_slots), dtype=int)
    flows: dict[tuple[int, int, int], int] = {}
    for (g, s), n in sorted(working.items(), key=lambda kv: (len(inst.groups[kv[0][0]]), kv[0][1], kv[0][0])):
        open_here = [inst.channels.index(c) for c in inst.groups[g] if inst.channel_open[inst.channels.index(c), s]]
        if not open_here:
            continue
        for c in open_here:
            flows[(s, g, c)] = 0
        for _ in range(n):
            c = max(open_here, key=lambda c, s=s: (inst.required[c, s] - cover[c, s], -c))
            cover[c, s] += 1
            flows[(s, g, c)] += 1
    for key, var in rm.coverage.flows.items():
        _hint(model, var, flows.get(key, 0))
    cov = rm.coverage
    for (c, s), var in cov.shortfall.items():
        _hint(model, var, max(0, inst.required[c, s] - cover[c, s]))
    for (c, s), var in cov.overstaff.items():
        _hint(model, var, max(0, cover[c, s] - inst.required[c, s]))
    for (c, s), var in cov.late_cost.items():
        u = max(0, inst.required[c, s] - cover[c, s])
        points = cov.cost_points[(c, s)]
        need = max(math.ceil(((u1 - u0) * c0 + (c1 - c0) * (u - u0)) / (u1 - u0))
                   for (u0, c0), (u1, c1) in zip(points, points[1:], strict=False))
        _hint(model, var, max(0, need))
