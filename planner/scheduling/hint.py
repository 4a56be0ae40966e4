"""A greedy first roster as a solution hint: agents one by one, each taking the feasible week that covers most of what is left."""

from __future__ import annotations

from collections import defaultdict

import numpy as np
from ortools.sat.python import cp_model

from planner.scheduling.complete import Completion, greedy_completion, hint_aggregate
from planner.scheduling.costs import SCALE, unit_cost
from planner.scheduling.instance import Instance
from planner.scheduling.model import RosterModel
from planner.scheduling.plan import AgentWeek

AGENT_DETERMINISTIC_LIMIT = 0.5  # per agent's best-week solve, deterministic time units
GREEDY_PASSES = 1  # one constructive pass, then re-optimise each agent against the others


def _marginal_values(inst: Instance, rm: RosterModel) -> np.ndarray:
    """Objective gain (scaled units, costs.SlotCost.gain) of one more agent per channel and slot at the full shortfall."""
    value = np.where(inst.channel_open, -float(unit_cost(inst.config.solver.weights, "overstaff")), -1e9)
    for (c, s) in rm.coverage.shortfall:
        value[c, s] = rm.coverage.costs[(c, s)].gain(int(inst.required[c, s]))
    return value


def _break_slots(t) -> int:
    return sum(b.duration_slots for b in t.breaks)


def greedy_weeks(inst: Instance, rm: RosterModel, passes: int = GREEDY_PASSES) -> dict[int, dict[int, int]]:
    """agent index -> {day: template index}: each agent's best week against what the others leave short.

    A slot is worth the objective gain of one more agent on the best of the agent's channels (the drop in late
    contacts and shortfall, or minus the overstaffing weight when every channel is already covered). The first pass
    adds agents one by one in a fixed order; each later pass takes every agent out and puts back their best week
    against all the others (coordinate descent), which only ever improves this estimate.
    """
    value = _marginal_values(inst, rm)
    short = inst.required.copy()
    costs = rm.coverage.costs
    order = sorted(range(len(inst.agents)), key=lambda i: (len(inst.agents[i].skills), inst.agents[i].agent_id))
    weeks: dict[int, dict[int, int]] = {}
    served: dict[int, list[tuple[int, int]]] = {}
    models = {}

    def update(c: int, s: int) -> None:
        if (c, s) in costs:
            value[c, s] = costs[(c, s)].gain(int(short[c, s]))

    for _ in range(passes):
        for i in order:
            agent = inst.agents[i]
            rows = [inst.channels.index(c) for c in agent.skills]
            for c, s in served.pop(i, []):
                short[c, s] += 1
                update(c, s)
            if i not in models:
                models[i] = AgentWeek(inst, agent)
            gain = np.concatenate([[0.0], np.cumsum(value[rows].max(axis=0))])

            def worth(t, gain=gain) -> int:  # a template's slots' gain less the share its breaks take off the floor
                return int(round((gain[t.end] - gain[t.start]) * (1 - _break_slots(t) / t.length) / SCALE))

            chosen = models[i].best(worth, AGENT_DETERMINISTIC_LIMIT)
            if chosen is None:
                continue
            taken = []
            for k in chosen.values():
                t = inst.templates[k]
                for s in range(t.start, t.end):
                    c = max(rows, key=lambda r, s=s: value[r, s])
                    short[c, s] -= 1
                    update(c, s)
                    taken.append((c, s))
            weeks[i], served[i] = chosen, taken
    return weeks


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
    for (g, k), var in rm.counts.items():
        _hint(model, var, chosen_t.get((g, k), 0))
    hint_aggregate(model, inst, rm.breaks, rm.working, rm.coverage, done or greedy_completion(inst, chosen_t))
