"""The CP-SAT roster model: per agent-day template choice, aggregated breaks and channel flows, and the objective.

What it decides, exactly:
- each agent works at most one shift template a day (start on the start step, a contract length, inside the site's
  open hours, earliest start–latest end and the agent's availability, never on approved leave); the slot axis runs
  through the whole horizon, so a shift may cross midnight where the site is open;
- per skill group (agents with the same skill set) and shift start, how many of those shifts take each break kind
  at each allowed offset (lunch of the template's length, short breaks): any such split can be handed to named
  agents one to one, and break windows are built so that two breaks of one shift never overlap;
- per slot and skill group, how many of the group's working, not-on-break agents serve each open channel among
  their skills: any integer split can be realised by named agents (done after the solve, keeping agents on one
  channel as long as possible), so coverage per channel is exact;
- every hard labour rule per agent (rules.py) and soft rule as named penalties (soft.py).
Objective (SCALE units): the terms of costs.py (late contacts from the staffing curve as a convex piecewise-linear
cost of each slot's shortfall, a weight per missing and per extra agent-slot, soft-rule penalties and paid hours, and
when re-planning a weight per agent-day that differs from the published roster: hours, lunch or break times).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from planner.scheduling.breaks import BreakFlows, add_break_flows
from planner.scheduling.costs import paid_cost, soft_cost, unit_cost
from planner.scheduling.coverage import Coverage, add_channel_flows, add_demand_costs
from planner.scheduling.instance import Instance
from planner.scheduling.rules import AgentVars, add_agent_choice, add_hard_rules
from planner.scheduling.soft import Penalty, add_soft_rules


@dataclass
class RosterModel:
    """A built model and handles on every variable the extraction and the report need."""

    model: cp_model.CpModel
    agents: list[AgentVars]
    counts: dict[tuple[int, int], cp_model.IntVar]  # (group, template) -> agents of the group working it
    breaks: BreakFlows
    coverage: Coverage
    penalties: list[Penalty]
    working: dict[tuple[int, int], cp_model.IntVar] = field(default_factory=dict)  # (group, slot) -> agents on task
    kept: dict[tuple[int, int], cp_model.IntVar] = field(default_factory=dict)  # replan: (agent, day) -> kept as published

    def size(self) -> dict[str, int]:
        """Model size: variables and constraints after building (before presolve)."""
        proto = self.model.proto
        return {"variables": len(proto.variables), "constraints": len(proto.constraints),
                "agent_template_bools": sum(len(p) for av in self.agents for p in av.x.values()),
                "group_template_counts": len(self.counts), "break_flows": len(self.breaks),
                "channel_flows": len(self.coverage.flows)}


def _working(model, inst: Instance, counts, bounds, breaks: BreakFlows):
    """Agents of each group on shift and not on break per slot, by differences: starts - ends - breaks begun + breaks over.

    Written as w[s] - w[s-1] = events at s, each count and break flow appears in two short constraints instead of
    one long constraint per slot it covers.
    """
    delta: dict[tuple[int, int], list] = defaultdict(list)
    upper: dict[tuple[int, int], int] = defaultdict(int)
    for (g, k), var in counts.items():
        t = inst.templates[k]
        delta[(g, t.start)].append(var)
        delta[(g, t.end)].append(-var)
        for s in range(t.start, t.end):
            upper[(g, s)] += bounds[(g, k)]
    for (g, start, kind, off), var in breaks.items():
        delta[(g, start + off)].append(-var)
        delta[(g, start + off + kind.duration_slots)].append(var)
    group_size = defaultdict(int)
    for a in inst.agents:
        group_size[a.group] += 1
    upper = {key: min(v, group_size[key[0]]) for key, v in upper.items()}
    working = {}
    for (g, s) in sorted(upper):
        var = model.new_int_var(0, upper[(g, s)], f"working[g{g},{s}]")
        previous = working.get((g, s - 1), 0)
        model.add(var == previous + sum(delta.get((g, s), [])))
        working[(g, s)] = var
    return working, upper


def add_aggregate(model: cp_model.CpModel, inst: Instance, counts: dict, bounds: dict):
    """Breaks, working agents, channel flows and demand costs over the group-template counts; returns them and the
    demand part of the objective as (expr, scaled weight) terms."""
    breaks = add_break_flows(model, inst, counts, bounds)
    working, upper = _working(model, inst, counts, bounds, breaks)
    coverage = add_channel_flows(model, inst, working, upper)
    upper_cover: dict[tuple[int, int], int] = defaultdict(int)
    for (g, s), ub in upper.items():
        for name in inst.groups[g]:
            upper_cover[(inst.channels.index(name), s)] += ub
    add_demand_costs(model, inst, coverage, upper_cover)

    w = inst.config.solver.weights
    terms: list[tuple[cp_model.LinearExprT, int]] = [(z, 1) for z in coverage.late_cost.values()]
    terms += [(u, unit_cost(w, "shortfall")) for u in coverage.shortfall.values()]
    terms += [(o, unit_cost(w, "overstaff")) for o in coverage.overstaff.values()]
    return breaks, working, coverage, [(e, c) for e, c in terms if c]


def build_model(inst: Instance) -> RosterModel:
    """The whole model of an instance; the objective is minimised in SCALE units of the planner's objective."""
    model = cp_model.CpModel()
    agents = [add_agent_choice(model, inst, a) for a in inst.agents]
    penalties: list[Penalty] = []
    for av in agents:
        add_hard_rules(model, inst, av)
        penalties.extend(add_soft_rules(model, inst, av))

    members: dict[tuple[int, int], list[cp_model.IntVar]] = defaultdict(list)
    for av in agents:
        for pairs in av.x.values():
            for t, v in pairs:
                members[(av.agent.group, t.index)].append(v)
    counts, bounds = {}, {}
    for (g, k), lits in sorted(members.items()):
        var = model.new_int_var(0, len(lits), f"n[g{g},t{k}]")
        model.add(var == sum(lits))
        counts[(g, k)], bounds[(g, k)] = var, len(lits)

    breaks, working, coverage, terms = add_aggregate(model, inst, counts, bounds)
    w = inst.config.solver.weights
    terms += [(p.expr, soft_cost(w, p.weight)) for p in penalties]
    terms += [(v, paid_cost(w, t.paid_min)) for av in agents for pairs in av.x.values() for t, v in pairs]
    fixed, kept = coverage.constant_cost, {}
    if inst.published is not None:
        from planner.scheduling.replan import change_terms

        # published days no longer possible cost a change whatever is chosen
        lost, changed, kept = change_terms(inst, model, agents, breaks)
        terms += [(v, unit_cost(w, "changed_shifts")) for v in changed]
        fixed += lost * unit_cost(w, "changed_shifts")
    terms = [(e, c) for e, c in terms if c]
    model.minimize(cp_model.LinearExpr.weighted_sum([e for e, _ in terms], [c for _, c in terms]) + fixed)
    return RosterModel(model, agents, counts, breaks, coverage, penalties, working, kept)
