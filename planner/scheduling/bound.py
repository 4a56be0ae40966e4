"""A proven lower bound on a roster's total shortfall (agent-slots): the LP relaxation of covering the requirement.

It is built on the CP-SAT model's own instance (planner.scheduling.instance: the same slot axis, required
agents, shift templates with their break windows, and each agent's allowed templates per day after
availability, open hours and approved leave). The LP keeps what every roster must respect in aggregate, per
group of agents with the same skills, contract and daily availability window: one shift per agent per day
from the group's allowed templates, every break of a shift inside its window, the contract's maximum days
and paid hours per week, and one open channel among the skills per worked slot. It drops what ties one
agent's days together (rest, consecutive days, minimum hours, soft rules) and integrality. Any roster
therefore maps to a feasible LP point with the same coverage, so its shortfall is at least the LP optimum.
"""

from __future__ import annotations

import datetime as dt
import math
import time
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from ortools.linear_solver import pywraplp

from planner.config import Config
from planner.scheduling.instance import AgentInfo, Instance, Template, build_instance

# CLP (simplex, shipped with OR-Tools) solves this LP several times faster than GLOP; GLOP is the fallback.
LP_SOLVERS = ("CLP", "GLOP")
# The LP solver works in floating point in floating point: an LP optimum within this of an integer is taken as that integer.
LP_TOLERANCE = 1e-6


@dataclass
class BoundResult:
    """Lower bound on total shortfall (agent-slots), per-channel bounds, and the required agent-slots it is against."""

    total: float
    per_channel: dict[str, float]
    required_agent_slots: dict[str, float]
    lp_objective: float
    solve_s: float
    groups: int
    templates: int
    solver: str
    notes: list[str] = field(default_factory=list)

    @property
    def required_total(self) -> float:
        """All required agent-slots of the week."""
        return float(sum(self.required_agent_slots.values()))

    def as_dict(self) -> dict:
        """JSON-ready summary."""
        return {
            "shortfall_lower_bound_agent_slots": self.total,
            "per_channel": self.per_channel,
            "required_agent_slots": self.required_agent_slots,
            "lp_objective": self.lp_objective,
            "solve_s": round(self.solve_s, 3),
            "groups": self.groups,
            "templates": self.templates,
            "solver": self.solver,
            "notes": self.notes,
        }




@dataclass
class _Group:
    """Agents the LP treats as interchangeable: same skills, contract and daily availability window."""

    skills: tuple[str, ...]
    contract: str
    agents: list[AgentInfo] = field(default_factory=list)

    def templates_on(self, day: int) -> set[int]:
        """Templates any agent of the group may work on day (a superset of each agent's: a relaxation)."""
        return set().union(*(a.templates.get(day, []) for a in self.agents))

    def available_on(self, day: int) -> int:
        """Agents of the group who may work on day (not on approved leave, some template allowed)."""
        return sum(1 for a in self.agents if a.templates.get(day))


def _groups(inst: Instance) -> list[_Group]:
    groups: dict[tuple, _Group] = {}
    for agent in inst.agents:
        key = (agent.skills, agent.contract, agent.available_from_min, agent.available_to_min)
        groups.setdefault(key, _Group(agent.skills, agent.contract)).agents.append(agent)
    return list(groups.values())


def shortfall_lower_bound(config: Config, requirements_df: pd.DataFrame, agents_df: pd.DataFrame,
                          leave_df: pd.DataFrame | None, week_start: dt.date, *, weeks: int | None = None,
                          per_channel: bool = False) -> BoundResult:
    """LP lower bound on the roster's total shortfall in agent-slots (and, if asked, each channel's own bound)."""
    inst = build_instance(config, requirements_df, agents_df, leave_df, week_start, None, weeks)
    return bound_from_instance(inst, per_channel=per_channel)


def weeks_bound(bounds: list[BoundResult]) -> BoundResult:
    """The bound of consecutive weeks from each week's own bound (their sum), when no shift crosses midnight
    (shifts_within_day): the LP's rules are per day and per week, so the weeks' LPs are then independent and the
    sum is the horizon's optimum, without solving one LP several times larger."""
    def added(field_name: str) -> dict[str, float]:
        out: dict[str, float] = {}
        for b in bounds:
            for k, v in getattr(b, field_name).items():
                out[k] = out.get(k, 0.0) + v
        return out

    notes = [*bounds[0].notes, f"the sum of {len(bounds)} weeks' own bounds (no shift crosses midnight, so no week's "
             "shifts cover another week's slots)"]
    return BoundResult(sum(b.total for b in bounds), added("per_channel"), added("required_agent_slots"),
                       sum(b.lp_objective for b in bounds), sum(b.solve_s for b in bounds), max(b.groups for b in bounds),
                       sum(b.templates for b in bounds), bounds[0].solver, notes)


def shifts_within_day(config: Config) -> bool:
    """Whether every shift the rules allow ends by midnight of its start day (latest_end after earliest_start)."""
    from planner.scheduling.instance import hhmm

    return hhmm(config.shift_rules.earliest_start) < hhmm(config.shift_rules.latest_end) <= 1440


class BoundNotSolved(RuntimeError):
    """The LP did not reach its optimum (its time limit, or a numerical failure): no bound and no plan."""


def bound_with_plan(inst: Instance, time_limit_s: float | None = None) -> tuple[dict[tuple[int, int], float], BoundResult]:
    """The LP bound and its optimum's shift counts per (skill group index of the instance, template index), a
    fractional group plan; raises BoundNotSolved when time_limit_s (wall seconds) runs out first."""
    shifts: dict[tuple[int, int], float] = {}
    bound = _bound(inst, False, shifts, time_limit_s)
    return shifts, bound


def bound_from_instance(inst: Instance, per_channel: bool = False) -> BoundResult:
    """The LP bound on an already built roster instance (see shortfall_lower_bound)."""
    return _bound(inst, per_channel, None, None)


def _bound(inst: Instance, per_channel: bool, shifts: dict | None, time_limit_s: float | None) -> BoundResult:
    started = time.perf_counter()
    req = inst.required.astype(float)  # (channels, slots), whole agents
    channels = inst.channels
    required = {c: float(req[j].sum()) for j, c in enumerate(channels)}
    solver, name = _new_solver()
    if time_limit_s is not None:
        solver.SetTimeLimit(max(1, int(time_limit_s * 1000)))
    cover_terms: dict[tuple[int, int], list] = defaultdict(list)
    groups = _groups(inst)
    xs: dict[tuple[int, int], list] = defaultdict(list)
    n_templates = 0
    for g, group in enumerate(groups):
        n_templates += _add_group(solver, inst, g, group, req, cover_terms, xs)
    inf = solver.infinity()
    shortfall: dict[tuple[int, int], object] = {}
    for j, t in zip(*np.nonzero(req), strict=True):
        s = solver.NumVar(0, inf, f"short_{j}_{t}")
        shortfall[(int(j), int(t))] = s
        row = solver.Constraint(float(req[j, t]), inf, f"cover_{j}_{t}")
        row.SetCoefficient(s, 1)
        for w in cover_terms.get((int(j), int(t)), []):
            row.SetCoefficient(w, 1)
    objective = solver.Objective()
    # no requirement at all: the bound is 0 (and an empty LP is not handed to the solver, CLP crashes on it)
    total, lp_value = _minimise(solver, objective, list(shortfall.values())) if shortfall else (0.0, 0.0)
    if shifts is not None and shortfall:
        for (g, k), variables in xs.items():
            value = sum(v.solution_value() for v in variables)
            if value > LP_TOLERANCE:
                key = (inst.groups.index(groups[g].skills), k)
                shifts[key] = shifts.get(key, 0.0) + value
    per: dict[str, float] = {}
    if per_channel:
        for j, c in enumerate(channels):
            own = [v for (jj, _), v in shortfall.items() if jj == j]
            per[c] = _minimise(solver, objective, own, clear=list(shortfall.values()))[0] if own else 0.0
    notes = ["valid for every roster of planner.scheduling.solve_roster on the same instance: it relaxes integrality, "
             "rest, consecutive days, minimum hours and soft rules"]
    if per_channel:
        notes.append("per_channel: each channel's own bound (minimised alone); they need not add up to the total")
    return BoundResult(total, per, required, lp_value, time.perf_counter() - started, len(groups), n_templates, name, notes)


def _new_solver() -> tuple[pywraplp.Solver, str]:
    for name in LP_SOLVERS:
        solver = pywraplp.Solver.CreateSolver(name)
        if solver is not None:
            return solver, name
    raise RuntimeError(f"none of the LP solvers {LP_SOLVERS} is available in this OR-Tools build")


def _minimise(solver: pywraplp.Solver, objective, variables: list, clear: list | None = None) -> tuple[float, float]:
    """Minimise the sum of variables; returns (bound rounded up to whole agent-slots, LP value)."""
    for v in clear or []:
        objective.SetCoefficient(v, 0)
    for v in variables:
        objective.SetCoefficient(v, 1)
    objective.SetMinimization()
    status = solver.Solve()
    if status != pywraplp.Solver.OPTIMAL:
        raise BoundNotSolved(f"the LP bound did not solve to optimality (status {status})")
    value = objective.Value()
    # Every roster's shortfall is a whole number of agent-slots, so the bound may be rounded up once the
    # solver's floating-point tolerance is taken off.
    return float(max(0, math.ceil(value - LP_TOLERANCE * max(1.0, value)))), float(value)


def _add_group(solver: pywraplp.Solver, inst: Instance, g: int, group: _Group, req: np.ndarray, cover_terms: dict,
               xs: dict) -> int:
    """Add one group's shift counts, break placements, day/week limits and channel split; returns its template count."""
    inf = solver.infinity()
    contract = inst.config.contract(group.contract)
    skill_cols = [inst.channels.index(c) for c in group.skills]
    servable = inst.channel_open[skill_cols] & (req[skill_cols] > 0)  # (skills, slots)
    useful = servable.any(axis=0)
    working: dict[int, list[tuple[object, float]]] = defaultdict(list)  # + shifts on duty, − breaks, per slot
    per_day: dict[int, list] = defaultdict(list)
    paid: dict[int, list[tuple[object, float]]] = defaultdict(list)  # per week: (var, paid hours)
    need_break: dict[tuple[int, object], list] = defaultdict(list)  # (start, break kind) -> shift counts
    week_of = {d: w for w, days in enumerate(inst.weeks) for d in days}
    count = 0
    for day in range(inst.n_days):
        for k in sorted(group.templates_on(day)):
            tpl: Template = inst.templates[k]
            if not useful[tpl.start:tpl.end].any():
                continue  # a shift that can cover nothing never lowers the shortfall
            count += 1
            x = solver.NumVar(0, inf, f"x_{g}_{k}")
            xs[(g, k)].append(x)
            per_day[day].append(x)
            paid[week_of[day]].append((x, tpl.paid_min / 60))
            for t in np.flatnonzero(useful[tpl.start:tpl.end]) + tpl.start:
                working[int(t)].append((x, 1.0))
            for kind in tpl.breaks:
                need_break[(tpl.start, kind)].append(x)
    # Breaks aggregated as in the model: shifts of the group starting at a slot share each break kind's window.
    for (start, kind), xs in need_break.items():
        row = solver.Constraint(0, 0, f"brk_{g}_{start}_{kind.name}_{kind.duration_slots}")
        for x in xs:
            row.SetCoefficient(x, -1)
        for off in range(kind.earliest_offset, kind.latest_offset + 1):
            z = solver.NumVar(0, inf, f"b_{g}_{start}_{kind.name}_{kind.duration_slots}_{off}")
            row.SetCoefficient(z, 1)
            first = start + off
            for t in range(first, min(first + kind.duration_slots, len(useful))):
                if useful[t]:
                    working[t].append((z, -1.0))
    for day, xs in per_day.items():
        row = solver.Constraint(0, group.available_on(day), f"day_{g}_{day}")
        for x in xs:
            row.SetCoefficient(x, 1)
    for w, days in enumerate(inst.weeks):
        max_days = sum(min(contract.days_per_week_max, sum(1 for d in days if a.templates.get(d))) for a in group.agents)
        row = solver.Constraint(0, max_days, f"days_{g}_{w}")
        for d in days:
            for x in per_day.get(d, []):
                row.SetCoefficient(x, 1)
        row = solver.Constraint(0, len(group.agents) * contract.weekly_hours_max, f"hours_{g}_{w}")
        for x, hours in paid.get(w, []):
            row.SetCoefficient(x, hours)
    for t, terms in working.items():
        row = solver.Constraint(-inf, 0, f"split_{g}_{t}")
        for var, coef in terms:
            row.SetCoefficient(var, -coef)
        for i, j in enumerate(skill_cols):
            if servable[i, t]:
                w = solver.NumVar(0, inf, f"w_{g}_{t}_{j}")
                row.SetCoefficient(w, 1)
                cover_terms[(j, t)].append(w)
    return count
