"""Breaks and channels for a fixed set of shifts, solved on the aggregate model alone.

Once every agent's week is chosen (the LP plan's hand-out or the greedy), where breaks go and which channel each
agent serves decide a large part of the shortfall: on the sample site week, placing them one at a time leaves about
770 agent-slots short where the best placement for the same shifts leaves 563. With the shifts fixed, the model
reduces to the group counts, break flows and channel flows (no agent variables, no labour rules), which CP-SAT
solves to optimality or close in a few seconds; that completed roster is then the full model's starting point.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import numpy as np
from ortools.sat.python import cp_model

from planner.config.schema import Config
from planner.scheduling.instance import Instance
from planner.scheduling.model import add_aggregate
from planner.scheduling.params import solver_parameters

WALL_MARGIN = 1.5  # wall seconds per deterministic budget second before the sub-solve is cut


@dataclass
class Completion:
    """Break flows, working agents and channel flows of a fixed set of shifts, and the coverage they give."""

    breaks: dict[tuple, int]  # (group, shift start slot, break kind, offset) -> shifts taking it
    working: dict[tuple[int, int], int]  # (group, slot) -> agents on shift and not on break
    flows: dict[tuple[int, int, int], int]  # (slot, group, channel) -> agents serving it
    cover: np.ndarray  # (channels, slots) agents serving each channel
    objective: float  # the roster objective's demand part (late contacts, shortfall, overstaffing), scaled units


def shift_counts(inst: Instance, weeks: dict[int, dict[int, int]]) -> dict[tuple[int, int], int]:
    """(group, template) -> agents working it, from agent index -> {day: template index}."""
    counts: dict[tuple[int, int], int] = defaultdict(int)
    for i, week in weeks.items():
        for k in week.values():
            counts[(inst.agents[i].group, k)] += 1
    return dict(counts)


def complete_shifts(inst: Instance, chosen: dict[tuple[int, int], int], config: Config, budget_s: float) -> Completion | None:
    """Best breaks and channels for `chosen` ((group, template) -> agents) within budget_s seconds; None if none found."""
    model = cp_model.CpModel()
    counts = {key: model.new_constant(n) for key, n in sorted(chosen.items()) if n > 0}
    breaks, working, coverage, terms = add_aggregate(model, inst, counts, {key: chosen[key] for key in counts})
    terms = [(e, c) for e, c in terms if c]
    if terms:
        model.minimize(cp_model.LinearExpr.weighted_sum([e for e, _ in terms], [c for _, c in terms]))
    solver = cp_model.CpSolver()
    # the wall cap is a safety net; on a normal load the deterministic budget stops it, so the result is reproducible
    solver_parameters(solver, config, budget_s, wall_s=WALL_MARGIN * budget_s)
    if solver.solve(model) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    cover = np.zeros((len(inst.channels), inst.n_slots), dtype=int)
    for (c, s), exprs in coverage.cover.items():
        cover[c, s] = sum(solver.value(e) for e in exprs)
    return Completion(
        breaks={key: solver.value(v) for key, v in breaks.items()},
        working=defaultdict(int, {key: solver.value(v) for key, v in working.items()}),
        flows={key: solver.value(v) for key, v in coverage.flows.items()},
        cover=cover,
        objective=solver.objective_value,
    )
