"""Breaks placed by the solver, aggregated: how many shifts of a skill group starting at a slot take a break at each offset."""

from __future__ import annotations

from collections import defaultdict

from ortools.sat.python import cp_model

from planner.scheduling.instance import BreakKind, Instance

# (group, shift start slot, break kind, offset in slots) -> number of such shifts taking that break at that offset
BreakFlows = dict[tuple[int, int, BreakKind, int], cp_model.IntVar]


def add_break_flows(
    model: cp_model.CpModel, inst: Instance, counts: dict[tuple[int, int], cp_model.IntVar], bounds: dict[tuple[int, int], int]
) -> BreakFlows:
    """Split every group's shifts starting at a slot over their allowed break offsets.

    Shifts of one group starting at the same slot have identical break windows for a given break kind, and any split
    of their number over offsets can be handed back to named agents one to one, so the aggregation is exact.
    """
    needing: dict[tuple[int, int, BreakKind], list[cp_model.IntVar]] = defaultdict(list)
    upper: dict[tuple[int, int, BreakKind], int] = defaultdict(int)
    for (g, k), count in counts.items():
        t = inst.templates[k]
        for kind in t.breaks:
            needing[(g, t.start, kind)].append(count)
            upper[(g, t.start, kind)] += bounds[(g, k)]
    flows: BreakFlows = {}
    for (g, start, kind), shift_counts in needing.items():
        parts = []
        for off in range(kind.earliest_offset, kind.latest_offset + 1):
            var = model.new_int_var(0, upper[(g, start, kind)], f"break[g{g},{start},{kind.name}{kind.duration_slots},+{off}]")
            flows[(g, start, kind, off)] = var
            parts.append(var)
        model.add(sum(parts) == sum(shift_counts))
    return flows
