"""Breaks and channels for a fixed set of shifts, solved on the aggregate model alone.

Once every agent's week is chosen (the LP plan's hand-out or the greedy), where breaks go and which channel each
agent serves decide a large part of the shortfall: on the sample site week, placing them one at a time leaves about
770 agent-slots short where the best placement for the same shifts leaves 563. With the shifts fixed, the model
reduces to the group counts, break flows and channel flows (no agent variables, no labour rules), which CP-SAT
brings to 564 in about 9 s on that week; that completed roster is then the full model's starting point.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import numpy as np
from ortools.sat.python import cp_model

from planner.config.schema import Config
from planner.scheduling.breaks import BreakFlows
from planner.scheduling.coverage import Coverage
from planner.scheduling.instance import Instance
from planner.scheduling.model import add_aggregate
from planner.scheduling.params import WALL_PER_DET, solver_parameters


@dataclass
class Completion:
    """Break flows, working agents and channel flows of a fixed set of shifts, and the coverage they give."""

    breaks: dict[tuple, int]  # (group, shift start slot, break kind, offset) -> shifts taking it
    working: dict[tuple[int, int], int]  # (group, slot) -> agents on shift and not on break
    flows: dict[tuple[int, int, int], int]  # (slot, group, channel) -> agents serving it
    cover: np.ndarray  # (channels, slots) agents serving each channel
    objective: float | None  # the objective's demand part (late contacts, shortfall, overstaffing), scaled units;
    # None for the greedy placement, which is not scored


def shift_counts(inst: Instance, weeks: dict[int, dict[int, int]]) -> dict[tuple[int, int], int]:
    """(group, template) -> agents working it, from agent index -> {day: template index}."""
    counts: dict[tuple[int, int], int] = defaultdict(int)
    for i, week in weeks.items():
        for k in week.values():
            counts[(inst.agents[i].group, k)] += 1
    return dict(counts)


def greedy_completion(inst: Instance, chosen: dict[tuple[int, int], int]) -> Completion:
    """Breaks and channels of `chosen` ((group, template) -> agents) placed one at a time: each break where the group's
    best channel has most cover to spare, each working agent on the open channel least covered."""
    working: dict[tuple[int, int], int] = defaultdict(int)
    takers: dict[tuple, int] = defaultdict(int)
    for (g, k), n in chosen.items():
        t = inst.templates[k]
        for s in range(t.start, t.end):
            working[(g, s)] += n
        for kind in t.breaks:
            takers[(g, t.start, kind)] += n
    spread = _place_breaks(inst, working, takers)
    cover, flows = _allocate_channels(inst, working)
    return Completion(breaks=dict(spread), working=working, flows=flows, cover=cover, objective=None)


def placed_completion(inst: Instance, weeks: dict[int, dict[int, int]], placed: dict[tuple[int, int], tuple[int, ...]],
                      channels: dict[tuple[str, int], str]) -> Completion:
    """greedy_completion for weeks (agent index -> {day: template index}) some of whose shifts keep given breaks
    (placed: (agent index, day) -> offset of each of the template's breaks) and channels ((agent_id, slot) -> channel):
    planner replan's published roster. Those are placed as given (a channel where it is among the group's skills and
    open), every other break and agent-slot one at a time around them."""
    working: dict[tuple[int, int], int] = defaultdict(int)
    takers: dict[tuple, int] = defaultdict(int)
    breaks: dict[tuple, int] = defaultdict(int)
    on_task = []  # (agent_id, group, slot) of the placed shifts' slots off break
    for i, week in weeks.items():
        agent = inst.agents[i]
        for day, k in week.items():
            t = inst.templates[k]
            for s in range(t.start, t.end):
                working[(agent.group, s)] += 1
            offsets = placed.get((i, day))
            if offsets is None:
                for kind in t.breaks:
                    takers[(agent.group, t.start, kind)] += 1
                continue
            off_task = set()
            for kind, off in zip(t.breaks, offsets, strict=True):
                breaks[(agent.group, t.start, kind, off)] += 1
                off_task.update(range(t.start + off, t.start + off + kind.duration_slots))
            for s in off_task:
                working[(agent.group, s)] -= 1
            on_task += [(agent.agent_id, agent.group, s) for s in range(t.start, t.end) if s not in off_task]
    for key, n in _place_breaks(inst, working, takers).items():
        breaks[key] += n
    cover = np.zeros((len(inst.channels), inst.n_slots), dtype=int)
    given: dict[tuple[int, int, int], int] = defaultdict(int)
    rest = defaultdict(int, working)
    for agent_id, g, s in on_task:
        name = channels.get((agent_id, s))
        c = inst.channels.index(name) if name in inst.groups[g] else None
        if c is not None and inst.channel_open[c, s]:
            cover[c, s] += 1
            given[(s, g, c)] += 1
            rest[(g, s)] -= 1
    cover, flows = _allocate_channels(inst, rest, cover)
    for key, n in given.items():
        flows[key] = flows.get(key, 0) + n
    return Completion(breaks=dict(breaks), working=working, flows=flows, cover=cover, objective=None)


@dataclass
class ExactCompletion:
    """The exact sub-solve's outcome: its completion (None if none found) and what it used."""

    done: Completion | None
    status: str  # CP-SAT status name
    used_det: float  # deterministic units used
    wall_s: float  # CP-SAT's own wall seconds (what its wall cap is checked against)


def complete_shifts(inst: Instance, chosen: dict[tuple[int, int], int], config: Config, budget_det: float) -> Completion | None:
    """Best breaks and channels for `chosen` ((group, template) -> agents) within budget_det deterministic time units
    (about a second of one core each); None if none is found in that budget."""
    return exact_completion(inst, chosen, config, budget_det).done


def exact_completion(inst: Instance, chosen: dict[tuple[int, int], int], config: Config, budget_det: float,
                     wall_s: float | None = None, box: dict[tuple, tuple[int, int]] | None = None) -> ExactCompletion:
    """complete_shifts with its status, deterministic units and wall seconds; wall_s caps the wall clock (default
    WALL_PER_DET seconds per unit of budget); box bounds break flows ((group, start, kind, offset) -> (least, most))."""
    model = cp_model.CpModel()
    counts = {key: model.new_constant(n) for key, n in sorted(chosen.items()) if n > 0}
    breaks, working, coverage, terms = add_aggregate(model, inst, counts, {key: chosen[key] for key in counts})
    for key, (least, most) in (box or {}).items():
        if key in breaks:
            model.add(breaks[key] >= least)
            model.add(breaks[key] <= most)
    if terms:
        model.minimize(cp_model.LinearExpr.weighted_sum([e for e, _ in terms], [c for _, c in terms])
                       + coverage.constant_cost)
    # No hint from the greedy placement: on the sample week the search then stays at the greedy's 768 short for 26 s,
    # where without it it reaches 564 in 9 s.
    solver = cp_model.CpSolver()
    solver_parameters(solver, config, budget_det, wall_s=WALL_PER_DET * budget_det if wall_s is None else wall_s)
    status = solver.solve(model)
    stats = (solver.status_name(status), solver.deterministic_time, solver.wall_time)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return ExactCompletion(None, *stats)
    cover = np.zeros((len(inst.channels), inst.n_slots), dtype=int)
    for (c, s), exprs in coverage.cover.items():
        cover[c, s] = sum(solver.value(e) for e in exprs)
    done = Completion(
        breaks={key: solver.value(v) for key, v in breaks.items()},
        working=defaultdict(int, {key: solver.value(v) for key, v in working.items()}),
        flows={key: solver.value(v) for key, v in coverage.flows.items()},
        cover=cover,
        objective=solver.objective_value,
    )
    return ExactCompletion(done, *stats)


def hint_aggregate(model: cp_model.CpModel, inst: Instance, breaks: BreakFlows, working: dict, coverage: Coverage,
                   done: Completion) -> None:
    """Hint every aggregate variable (break flows, working agents, channel flows, gaps and their late cost) from done."""
    for key, var in breaks.items():
        model.add_hint(var, int(done.breaks.get(key, 0)))
    for key, var in working.items():
        model.add_hint(var, int(done.working.get(key, 0)))
    for key, var in coverage.flows.items():
        model.add_hint(var, int(done.flows.get(key, 0)))
    cover = done.cover
    for (c, s), var in coverage.shortfall.items():
        model.add_hint(var, int(max(0, inst.required[c, s] - cover[c, s])))
    for (c, s), var in coverage.overstaff.items():
        model.add_hint(var, int(max(0, cover[c, s] - inst.required[c, s])))
    for (c, s), var in coverage.late_cost.items():
        model.add_hint(var, coverage.costs[(c, s)].late(max(0, int(inst.required[c, s] - cover[c, s]))))


def _allocate_channels(inst: Instance, working: dict[tuple[int, int], int], cover: np.ndarray | None = None):
    """Each group's working agents to its open channels one by one, where the requirement is least covered (on top
    of `cover`, agents per channel and slot already placed)."""
    cover = np.zeros((len(inst.channels), inst.n_slots), dtype=int) if cover is None else cover.copy()
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
