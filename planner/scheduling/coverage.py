"""Coverage per channel: integer flows of each skill group's working agents to channels, and the cost of the gap."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from planner.scheduling.costs import SCALE, LateCurve, SlotCost, slot_costs
from planner.scheduling.instance import Instance

__all__ = ["SCALE", "Coverage", "add_channel_flows", "add_demand_costs"]


@dataclass
class Coverage:
    """Channel flows and the demand-side variables of the model."""

    flows: dict[tuple[int, int, int], cp_model.IntVar] = field(default_factory=dict)  # (slot, group, channel) -> agents
    cover: dict[tuple[int, int], list] = field(default_factory=lambda: defaultdict(list))  # (channel, slot) -> terms
    shortfall: dict[tuple[int, int], cp_model.IntVar] = field(default_factory=dict)
    overstaff: dict[tuple[int, int], cp_model.IntVar] = field(default_factory=dict)
    late_cost: dict[tuple[int, int], cp_model.IntVar] = field(default_factory=dict)  # scaled objective units
    costs: dict[tuple[int, int], SlotCost] = field(default_factory=dict)  # the cost model of each (channel, slot)
    curves: dict[tuple[int, int], LateCurve] = field(default_factory=dict)  # sampled late-contacts curves (reports)
    constant_cost: int = 0  # slots no agent can cover: their cost is fixed (scaled units)


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
    """Shortfall and overstaffing per channel and slot, and late contacts as a convex cost (costs.slot_costs)."""
    most = {key: (upper_cover.get(key, 0) if cov.cover.get(key) else 0) for key in cov.cover}
    cov.costs, cov.curves = slot_costs(inst, most)
    for (c, s), sc in sorted(cov.costs.items()):
        terms = cov.cover.get((c, s), [])
        name = inst.channels[c]
        if not terms:
            cov.constant_cost += sc.cost(0)
            continue
        covered = sum(terms)
        r = sc.required
        if r > 0:
            u = model.new_int_var(sc.lowest, r, f"short[{name},{s}]")
            model.add(u >= r - covered)
            cov.shortfall[(c, s)] = u
            top = sc.top()
            if top > 0:
                z = model.new_int_var(0, top, f"late[{name},{s}]")
                for (u0, c0), (u1, c1) in zip(sc.points, sc.points[1:], strict=False):
                    model.add((u1 - u0) * z >= (u1 - u0) * c0 + (c1 - c0) * (u - u0))
                cov.late_cost[(c, s)] = z
        o = model.new_int_var(0, max(upper_cover.get((c, s), 0) - r, 0), f"over[{name},{s}]")
        model.add(o >= covered - r)
        cov.overstaff[(c, s)] = o
