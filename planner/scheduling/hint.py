"""A greedy first roster as a solution hint: agents one by one, each taking the feasible week that covers most of what is left."""

from __future__ import annotations

import math
from collections import defaultdict

import numpy as np
from ortools.sat.python import cp_model

from planner.scheduling.complete import Completion, complete_shifts, shift_counts
from planner.scheduling.coverage import SCALE
from planner.scheduling.instance import Instance
from planner.scheduling.model import RosterModel
from planner.scheduling.rules import add_agent_choice, add_hard_rules

AGENT_DETERMINISTIC_LIMIT = 0.5  # per agent's best-week solve, deterministic time units
GREEDY_PASSES = 1  # one constructive pass, then re-optimise each agent against the others


def _marginal_values(inst: Instance, rm: RosterModel) -> tuple[np.ndarray, dict]:
    """Objective gain (scaled units) of one more agent per channel and slot, and each slot's cost of shortfall u."""
    w = inst.config.solver.weights
    short_w, over_w = w.shortfall_agent_slot * SCALE, w.overstaff_agent_slot * SCALE
    value = np.where(inst.channel_open, -over_w, -1e9)
    costs = {}
    for (c, s) in rm.coverage.shortfall:
        r = int(inst.required[c, s])
        points = rm.coverage.cost_points.get((c, s), [(0, 0), (r, 0)])
        costs[(c, s)] = np.interp(np.arange(r + 1), [p[0] for p in points], [p[1] for p in points]) + short_w * np.arange(r + 1)
        value[c, s] = costs[(c, s)][r] - costs[(c, s)][r - 1]
    return value, costs


def _break_slots(t) -> int:
    return sum(b.duration_slots for b in t.breaks)


def greedy_weeks(inst: Instance, rm: RosterModel, passes: int = GREEDY_PASSES) -> dict[int, dict[int, int]]:
    """agent index -> {day: template index}: each agent's best week against what the others leave short.

    A slot is worth the objective gain of one more agent on the best of the agent's channels (the drop in late
    contacts and shortfall, or minus the overstaffing weight when every channel is already covered). The first pass
    adds agents one by one in a fixed order; each later pass takes every agent out and puts back their best week
    against all the others (coordinate descent), which only ever improves this estimate.
    """
    value, costs = _marginal_values(inst, rm)
    short = inst.required.copy()
    over_w = inst.config.solver.weights.overstaff_agent_slot * SCALE
    order = sorted(range(len(inst.agents)), key=lambda i: (len(inst.agents[i].skills), inst.agents[i].agent_id))
    weeks: dict[int, dict[int, int]] = {}
    served: dict[int, list[tuple[int, int]]] = {}
    models = {}

    def update(c: int, s: int) -> None:
        u = short[c, s]
        value[c, s] = costs[(c, s)][u] - costs[(c, s)][u - 1] if u > 0 else -over_w

    for _ in range(passes):
        for i in order:
            agent = inst.agents[i]
            rows = [inst.channels.index(c) for c in agent.skills]
            for c, s in served.pop(i, []):
                short[c, s] += 1
                update(c, s)
            if i not in models:
                model = cp_model.CpModel()
                av = add_agent_choice(model, inst, agent)
                add_hard_rules(model, inst, av)
                models[i] = (model, av)
            model, av = models[i]
            gain = np.concatenate([[0.0], np.cumsum(value[rows].max(axis=0))])
            # a template is worth its slots' gain less the share its breaks take off the floor
            terms = [(v, int(round((gain[t.end] - gain[t.start]) * (1 - _break_slots(t) / t.length) / SCALE)))
                     for pairs in av.x.values() for t, v in pairs]
            model.maximize(sum(c * v for v, c in terms))
            solver = cp_model.CpSolver()
            solver.parameters.num_workers = 1
            solver.parameters.max_deterministic_time = AGENT_DETERMINISTIC_LIMIT
            solver.parameters.random_seed = inst.config.solver.seed
            if solver.solve(model) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
                continue
            chosen, taken = {}, []
            for day, pairs in av.x.items():
                for t, v in pairs:
                    if solver.boolean_value(v):
                        chosen[day] = t.index
                        for s in range(t.start, t.end):
                            c = max(rows, key=lambda r, s=s: value[r, s])
                            short[c, s] -= 1
                            update(c, s)
                            taken.append((c, s))
            weeks[i], served[i] = chosen, taken
    return weeks


def add_greedy_hint(inst: Instance, rm: RosterModel, exact_s: float = 0.0) -> None:
    """Hint the model with the greedy weeks, completed into a whole consistent roster (breaks and channels placed
    exactly within exact_s seconds when > 0)."""
    weeks = greedy_weeks(inst, rm)
    done = complete_shifts(inst, shift_counts(inst, weeks), inst.config, exact_s) if exact_s > 0 else None
    hint_from_weeks(inst, rm, weeks, done)


def _allocate_channels(inst: Instance, working: dict[tuple[int, int], int]):
    """Each group's working agents to its open channels one by one, where the requirement is least covered."""
    cover = np.zeros((len(inst.channels), inst.n_slots), dtype=int)
    flows: dict[tuple[int, int, int], int] = {}
    for (g, s), n in sorted(working.items(), key=lambda kv: (len(inst.groups[kv[0][0]]), kv[0][1], kv[0][0])):
        open_here = [inst.channels.index(c) for c in inst.groups[g] if inst.channel_open[inst.channels.index(c), s]]
        for c in open_here:
            flows[(s, g, c)] = 0
        for _ in range(n if open_here else 0):
            c = max(open_here, key=lambda c, s=s: (inst.required[c, s] - cover[c, s], -c))
            cover[c, s] += 1
            flows[(s, g, c)] += 1
    return cover, flows


def _place_breaks(inst: Instance, working: dict[tuple[int, int], int], takers: dict[tuple, int]) -> dict[tuple, int]:
    """Breaks one by one at the offset where the group's best channel has the most cover to spare (updates working)."""
    cover, _ = _allocate_channels(inst, working)
    spare = cover - inst.required
    spread: dict[tuple, int] = defaultdict(int)
    for (g, start, kind), n in sorted(takers.items(), key=lambda kv: (kv[0][1], kv[0][0], kv[0][2].name)):
        rows = [inst.channels.index(c) for c in inst.groups[g]]
        for _ in range(n):
            best, best_value = kind.earliest_offset, None
            for off in range(kind.earliest_offset, kind.latest_offset + 1):
                span = slice(start + off, start + off + kind.duration_slots)
                value = spare[rows, span].max(axis=0).sum()
                if best_value is None or value > best_value:
                    best, best_value = off, value
            spread[(g, start, kind, best)] += 1
            for s in range(start + best, start + best + kind.duration_slots):
                working[(g, s)] -= 1
                c = max(rows, key=lambda r, s=s: spare[r, s])
                spare[c, s] -= 1
    return spread


def _hint(model: cp_model.CpModel, var, value: int) -> None:
    model.add_hint(var, int(value))


def hint_from_weeks(inst: Instance, rm: RosterModel, weeks: dict[int, dict[int, int]], done: Completion | None = None) -> None:
    """Hint a complete roster built from the weeks: breaks and channels from `done` (their exact placement for these
    shifts, complete.py) when given, else one by one (breaks where cover is spare, channels by residual need).

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
    if done is None:
        takers: dict[tuple, int] = defaultdict(int)
        for (g, k), n in chosen_t.items():
            t = inst.templates[k]
            for kind in t.breaks:
                takers[(g, t.start, kind)] += n
        spread = _place_breaks(inst, working, takers)
        cover, flows = _allocate_channels(inst, working)
    else:
        spread, working, flows, cover = done.breaks, done.working, done.flows, done.cover
    for key, var in rm.breaks.items():
        _hint(model, var, spread.get(key, 0))
    for key, var in rm.working.items():
        _hint(model, var, working.get(key, 0))
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
