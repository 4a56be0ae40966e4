"""How much overstaffing the site forces: LP floors on a roster's overstaffing (agent-slots), for diagnosis.

The LP is the shortfall bound's (planner.scheduling.bound: per group of agents with the same skills, contract and
daily window, one shift per agent and day from the allowed templates, breaks inside their windows, the contract's
maximum days and paid hours per week), with what overstaffing depends on added: every shift the group may work
(not only those that can cover a requirement), the contract's weekly minimum paid hours (less leave days, as the
model's rule) and the whole shifts it takes (each agent at least its minimum over its best-paid shift, rounded up:
least_shifts), and every worked slot serving one open channel (no working while none of the group's channels is
open), as the CP-SAT model has it. A roster maps to a feasible point of this LP with the same cover, so

- `forced`: no roster has less overstaffing, whatever shortfall it accepts;
- `at_shortfall_floor`: no roster whose shortfall is at this LP's shortfall floor has less overstaffing.

Both relax integrality, rest, consecutive days and soft rules. They answer "is the overstaffing the solver's or
the site's?": overstaffing near `forced` comes from the contracts and shift shapes, not from the search.
`overstaff_for_shifts` solves the same LP with every shift fixed to a roster's, so only breaks and channels are free:
"is the roster's overstaffing in its breaks or in its shifts?".
"""

from __future__ import annotations

import math
import time
from collections import defaultdict
from dataclasses import dataclass

import numpy as np
from ortools.linear_solver import pywraplp

from planner.scheduling.bound import LP_TOLERANCE, BoundNotSolved, _groups, _new_solver
from planner.scheduling.instance import AgentInfo, Instance
from planner.scheduling.rules import weekly_minimum_min


@dataclass(frozen=True)
class OverstaffFloor:
    """LP floors on overstaffing and the shortfall floor they are taken at, in agent-slots."""

    forced: float  # least overstaffing of any roster, whatever its shortfall (nan: not solved for, overstaff_plan)
    at_shortfall_floor: float  # least overstaffing of a roster whose shortfall is shortfall_floor
    shortfall_floor: float  # this LP's least shortfall (at least the shortfall bound's, it has more rules)
    required: float
    solve_s: float

    def as_dict(self) -> dict:
        """JSON-ready summary."""
        return {"overstaff_forced_agent_slots": self.forced,
                "overstaff_at_shortfall_floor_agent_slots": self.at_shortfall_floor,
                "shortfall_floor_agent_slots": self.shortfall_floor, "required_agent_slots": self.required,
                "solve_s": round(self.solve_s, 3)}


def overstaff_floor(inst: Instance, time_limit_s: float | None = None) -> OverstaffFloor:
    """LP floors on the roster's overstaffing (agent-slots): forced, and at the least shortfall; see the module."""
    return _solve(inst, time_limit_s, forced=True)[1]


def overstaff_plan(inst: Instance, time_limit_s: float | None = None) -> tuple[dict[tuple[int, int], float],
                                                                                 OverstaffFloor]:
    """(group, template) -> agents of the group to work it at this LP's least overstaffing with its least shortfall
    (fractional, keyed as plan.lp_plan's), and the floors (`forced` is not solved for and reads nan).

    A start the roster could take instead of the shortfall bound's plan, whose surplus shifts cost nothing; the bench
    measures it (python bench/schedule_bench.py --seeds 1,2,3 --overstaff-start)."""
    return _solve(inst, time_limit_s, forced=False)


def overstaff_for_shifts(inst: Instance, worked: list[tuple[int, int, int]],
                         time_limit_s: float | None = None) -> OverstaffFloor:
    """The floors with every shift fixed to a roster's: worked is (agent index, start slot, end slot) per shift, and
    only the breaks (inside their windows) and each working slot's channel are left to the LP, in agent-slots.

    It answers "is the roster's overstaffing in its breaks or in its shifts?": a floor near the roster's own
    overstaffing says no placement of those shifts' breaks and channels does much better, so the shifts carry it."""
    return _solve(inst, time_limit_s, forced=True, worked=worked)[1]


def _fix_to_worked(solver: pywraplp.Solver, inst: Instance, pairs: list[tuple[tuple[int, int], object]],
                   group_of: list[int], worked: list[tuple[int, int, int]]) -> None:
    """Each LP group's shifts of each start and end (either lunch length) are exactly the roster's."""
    wanted: dict[tuple[int, int, int], int] = defaultdict(int)
    for i, start, end in worked:
        wanted[(group_of[i], start, end)] += 1
    rows: dict[tuple[int, int, int], list] = defaultdict(list)
    for (g, k), x in pairs:
        t = inst.templates[k]
        rows[(g, t.start, t.end)].append(x)
    missing = sorted(set(wanted) - set(rows))
    if missing:
        g, start, end = missing[0]
        raise ValueError(f"no template of LP group {g} runs slots {start}-{end}: the shifts are not this instance's")
    for key, xs in rows.items():
        row = solver.Constraint(wanted.get(key, 0), wanted.get(key, 0))
        for x in xs:
            row.SetCoefficient(x, 1)


def _solve(inst: Instance, time_limit_s: float | None, forced: bool,
           worked: list[tuple[int, int, int]] | None = None) -> tuple[dict[tuple[int, int], float], OverstaffFloor]:
    started = time.perf_counter()
    req = inst.required.astype(float)
    solver, _ = _new_solver()
    if time_limit_s is not None:
        solver.SetTimeLimit(max(1, int(time_limit_s * 1000)))
    inf = solver.infinity()
    cover: dict[tuple[int, int], list] = defaultdict(list)
    shifts: list[tuple[tuple[int, int], object]] = []
    by_lp_group: list[tuple[tuple[int, int], object]] = []  # ((LP group, template), count) for worked
    for n, group in enumerate(_groups(inst)):
        g = inst.groups.index(group.skills)
        pairs = _add_group(solver, inst, group, cover)
        shifts += [((g, k), x) for k, x in pairs]
        by_lp_group += [((n, k), x) for k, x in pairs]
    if worked is not None:
        index = {id(a): n for n, group in enumerate(_groups(inst)) for a in group.agents}
        _fix_to_worked(solver, inst, by_lp_group, [index[id(a)] for a in inst.agents], worked)
    short, over = [], []
    keys = set(cover) | {(int(j), int(t)) for j, t in zip(*np.nonzero(req), strict=True)}
    for j, t in sorted(keys):
        s, o = solver.NumVar(0, inf, f"s_{j}_{t}"), solver.NumVar(0, inf, f"o_{j}_{t}")
        row = solver.Constraint(float(req[j, t]), float(req[j, t]), f"bal_{j}_{t}")  # cover − over + short = req
        for w in cover.get((j, t), []):
            row.SetCoefficient(w, 1)
        row.SetCoefficient(o, -1)
        row.SetCoefficient(s, 1)
        short.append(s)
        over.append(o)
    objective = solver.Objective()
    least = _minimise(solver, objective, over, short) if forced else math.nan
    shortfall_floor = _minimise(solver, objective, short, over)
    # Allow the LP tolerance above the floor so the second solve stays feasible in floating point.
    cap = solver.Constraint(-inf, shortfall_floor + LP_TOLERANCE * max(1.0, shortfall_floor), "short_cap")
    for s in short:
        cap.SetCoefficient(s, 1)
    at_floor = _minimise(solver, objective, over, short)
    plan: dict[tuple[int, int], float] = defaultdict(float)
    for key, x in shifts:
        if x.solution_value() > LP_TOLERANCE:
            plan[key] += x.solution_value()
    return dict(plan), OverstaffFloor(_whole(least) if forced else math.nan, _whole(at_floor), _whole(shortfall_floor),
                                      float(req.sum()), time.perf_counter() - started)


def _whole(value: float) -> float:
    """A roster's figure is a whole number of agent-slots, so an LP floor rounds up once the tolerance is off."""
    return float(max(0, math.ceil(value - LP_TOLERANCE * max(1.0, value))))


def _minimise(solver: pywraplp.Solver, objective, variables: list, clear: list) -> float:
    for v in clear:
        objective.SetCoefficient(v, 0)
    for v in variables:
        objective.SetCoefficient(v, 1)
    objective.SetMinimization()
    status = solver.Solve()
    if status != pywraplp.Solver.OPTIMAL:
        raise BoundNotSolved(f"the overstaffing LP did not solve to optimality (status {status})")
    return float(objective.Value())


def least_shifts(inst: Instance, agents: list[AgentInfo], days: range) -> int:
    """Shifts the agents must work in the week between them: each agent at least its paid-minutes minimum over the
    most paid minutes one of its shifts gives, rounded up (a 35 h minimum with at most 8 paid hours a shift is 5
    shifts, where the group's hours alone would allow 4.4 on average), capped at the days it may work."""
    total = 0
    for agent in agents:
        least_min = weekly_minimum_min(inst, agent, days)
        most_min = max((inst.templates[k].paid_min for d in days for k in agent.templates.get(d, [])), default=0)
        if least_min > 0 and most_min > 0:
            may_work = sum(1 for d in days if agent.templates.get(d))
            days_max = inst.config.contract(agent.contract).days_per_week_max
            # never above the days it may work: the model has no roster where the minimum cannot be met anyway
            total += min(math.ceil(least_min / most_min), may_work, days_max)
    return total


def _add_group(solver: pywraplp.Solver, inst: Instance, group, cover: dict) -> list[tuple[int, object]]:
    """One group's shifts, breaks, day and week limits (minimum paid hours and the shifts they take included) and its
    cover per channel; returns its (template, shift count variable) pairs."""
    inf = solver.infinity()
    contract = inst.config.contract(group.contract)
    skill_cols = [inst.channels.index(c) for c in group.skills]
    open_cols = inst.channel_open[skill_cols]  # (skills, slots)
    working: dict[int, list[tuple[object, float]]] = defaultdict(list)
    per_day: dict[int, list] = defaultdict(list)
    paid: dict[int, list[tuple[object, float]]] = defaultdict(list)
    need_break: dict[tuple[int, object], list] = defaultdict(list)
    week_of = {d: w for w, days in enumerate(inst.weeks) for d in days}
    n_slots = open_cols.shape[1]
    counts: list[tuple[int, object]] = []
    for day in range(inst.n_days):
        for k in sorted(group.templates_on(day)):
            tpl = inst.templates[k]
            x = solver.NumVar(0, inf, f"x_{k}")
            counts.append((k, x))
            per_day[day].append(x)
            paid[week_of[day]].append((x, tpl.paid_min / 60))
            for t in range(tpl.start, min(tpl.end, n_slots)):
                working[t].append((x, 1.0))
            for kind in tpl.breaks:
                need_break[(tpl.start, kind)].append(x)
    for (start, kind), xs in need_break.items():
        row = solver.Constraint(0, 0)
        for x in xs:
            row.SetCoefficient(x, -1)
        for off in range(kind.earliest_offset, kind.latest_offset + 1):
            z = solver.NumVar(0, inf, "")
            row.SetCoefficient(z, 1)
            for t in range(start + off, min(start + off + kind.duration_slots, n_slots)):
                working[t].append((z, -1.0))
    for day, xs in per_day.items():
        row = solver.Constraint(0, group.available_on(day))
        for x in xs:
            row.SetCoefficient(x, 1)
    for w, days in enumerate(inst.weeks):
        max_days = sum(min(contract.days_per_week_max, sum(1 for d in days if a.templates.get(d))) for a in group.agents)
        row = solver.Constraint(least_shifts(inst, group.agents, days), max_days)
        for d in days:
            for x in per_day.get(d, []):
                row.SetCoefficient(x, 1)
        least_h = sum(weekly_minimum_min(inst, a, days) for a in group.agents) / 60
        row = solver.Constraint(least_h, len(group.agents) * contract.weekly_hours_max)
        for x, hours in paid.get(w, []):
            row.SetCoefficient(x, hours)
    for t, terms in working.items():
        row = solver.Constraint(0, 0)  # every worked slot serves one open channel among the skills
        for var, coef in terms:
            row.SetCoefficient(var, -coef)
        for i, j in enumerate(skill_cols):
            if open_cols[i, t]:
                w = solver.NumVar(0, inf, "")
                row.SetCoefficient(w, 1)
                cover[(j, t)].append(w)
    return counts
