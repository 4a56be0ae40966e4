"""Coverage per channel: integer flows of each skill group's working agents to channels, and the cost of the gap."""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
from ortools.sat.python import cp_model

from planner.scheduling.costs import late_contacts_curve, shortfall_cost
from planner.scheduling.instance import Instance

SCALE = 100  # objective units per planner unit (CP-SAT needs integer coefficients)


@dataclass
class Coverage:
    """Channel flows and the demand-side variables of the model."""

    flows: dict[tuple[int, int, int], cp_model.IntVar] = field(default_factory=dict)  # (slot, group, channel) -> agents
    cover: dict[tuple[int, int], list] = field(default_factory=lambda: defaultdict(list))  # (channel, slot) -> terms
    shortfall: dict[tuple[int, int], cp_model.IntVar] = field(default_factory=dict)
    overstaff: dict[tuple[int, int], cp_model.IntVar] = field(default_factory=dict)
    late_cost: dict[tuple[int, int], cp_model.IntVar] = field(default_factory=dict)  # scaled objective units
    curves: dict[tuple[int, int], np.ndarray] = field(default_factory=dict)
    cost_points: dict[tuple[int, int], list[tuple[int, int]]] = field(default_factory=dict)  # scaled (u, cost) breakpoints
    constant_cost: int = 0


def add_channel_flows(model: cp_model.CpModel, inst: Instance, working: dict[tuple[int, int], cp_model.LinearExprT],
                      upper: dict[tuple[int, int], int]) -> Coverage:
    """Each working, not-on-break agent of a group serves one open channel among the group's skills."""
    cov = Coverage()
    for (g, s), expr in sorted(working.items(), key=lambda kv: kv[0]):
        open_here = [inst.channels.index(c) for c in inst.groups[g] if inst.channel_open[inst.channels.index(c), s]]
        if not open_here:
            model.add(expr == 0)
        elif len(open_here) == 1:
            cov.cover[(open_here[0], s)].append(expr)
        else:
            parts = []
            for c in open_here:
                var = model.new_int_var(0, upper[(g, s)], f"serve[{s},g{g},{inst.channels[c]}]")
                cov.flows[(s, g, c)] = var
                cov.cover[(c, s)].append(var)
                parts.append(var)
            model.add(sum(parts) == expr)
    return cov


def add_demand_costs(model: cp_model.CpModel, inst: Instance, cov: Coverage, upper_cover: dict[tuple[int, int], int]) -> None:
    """Shortfall and overstaffing per channel and slot; late contacts from the staffing curve as a convex cost."""
    w = inst.config.solver.weights
    interval_s = inst.slot_min * 60
    for c, name in enumerate(inst.channels):
        channel = inst.config.channel(name)
        slots = sorted({s for (cc, s) in cov.cover if cc == c} | set(np.flatnonzero(inst.required[c]).tolist()))
        if not slots:
            continue
        req = inst.required[c, slots]
        max_agents = int(max(req.max(), np.ceil(inst.productive[c, slots].max())) + 2)
        curves = late_contacts_curve(inst.offered[c, slots], inst.aht_s[c, slots], interval_s, channel, max_agents,
                                     open_mask=inst.channel_open[c, slots])
        for i, s in enumerate(slots):
            r = int(req[i])
            cov.curves[(c, s)] = curves[i]
            terms = cov.cover.get((c, s), [])
            hull = shortfall_cost(curves[i], r, float(inst.productive[c, s]))
            points = [(u, round(cost * w.late_contact * SCALE)) for u, cost in hull]
            if not terms:
                cov.constant_cost += points[-1][1] if r else 0
                continue
            covered = sum(terms)
            if r > 0:
                u = model.new_int_var(0, r, f"short[{name},{s}]")
                model.add(u >= r - covered)
                cov.shortfall[(c, s)] = u
                # rounding the costs to integers may bend the hull slightly: bound z by every segment's value at u = r
                top = max([points[-1][1]] + [math.ceil(c0 + (c1 - c0) * (r - u0) / (u1 - u0))
                                             for (u0, c0), (u1, c1) in zip(points, points[1:], strict=False)])
                if top > 0:
                    z = model.new_int_var(0, top, f"late[{name},{s}]")
                    for (u0, c0), (u1, c1) in zip(points, points[1:], strict=False):
                        model.add((u1 - u0) * z >= (u1 - u0) * c0 + (c1 - c0) * (u - u0))
                    cov.late_cost[(c, s)] = z
                    cov.cost_points[(c, s)] = points
            o = model.new_int_var(0, max(upper_cover.get((c, s), 0) - r, 0), f"over[{name},{s}]")
            model.add(o >= covered - r)
            cov.overstaff[(c, s)] = o
