"""The CP-SAT model of yearly bids (rules and objective tiers in `planner.leave.bids`), solved per independent part.

Agents who never compete for the same allowance share no constraint: the bids split into components (agents linked
by a (group, date) whose allowance cannot hold all the bids on it), each solved as its own model. The objective
separates over components except for the max-min tier, which is solved in two phases and stays exact: (A) each
component maximises its own minimum, then its capped sum and points; the overall minimum m is the smallest of those;
(B) a component whose own minimum was above m is solved again with its floor at m only, which may free allowance for
its capped sum. Seniority stages separate over components exactly: each level's best is the sum of its components'.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import defaultdict
from dataclasses import dataclass

import pandas as pd
from ortools.sat.python import cp_model

from planner.errors import RequestError

MAX_STAGE_WEIGHT = 2**52  # strict lexicographic weights of one seniority stage stay well inside int64
STAGE_STATUSES = ["OPTIMAL", "FEASIBLE", "UNKNOWN", "MODEL_INVALID", "INFEASIBLE"]  # best first


@dataclass(frozen=True)
class Pref:
    """One ranked preference with its cost per date (minutes, dates that cost nothing left out) and its points."""

    index: int
    bid_id: str
    agent: str
    group: str
    rank: int
    start: dt.date
    end: dt.date
    submitted_at: pd.Timestamp | None
    cost_min: dict[dt.date, int]
    points: int

    @property
    def minutes(self) -> int:
        return sum(self.cost_min.values())

    def overlaps(self, other: Pref) -> bool:
        return self.start <= other.end and other.start <= self.end


@dataclass
class BidInstance:
    """Everything the model needs, in whole minutes: preferences, agents' groups, seniority and balances, allowances."""

    prefs: list[Pref]
    agents: list[str]
    group: dict[str, str]
    seniority: dict[str, float]
    balance_min: dict[str, int]
    cap_min: dict[tuple[str, dt.date], int]
    cap_heads: dict[tuple[str, dt.date], int | None]
    rank1_points: int  # the points of a rank 1: the cap of capped satisfaction

    def fits_alone(self, p: Pref) -> bool:
        """The preference fits the agent's balance and the group's allowance with nothing else granted."""
        if p.minutes > self.balance_min[p.agent]:
            return False
        for d, c in p.cost_min.items():
            heads = self.cap_heads.get((p.group, d))
            if c > self.cap_min.get((p.group, d), 0) or (heads is not None and heads < 1):
                return False
        return True

    def binding_cells(self) -> dict[tuple[str, dt.date], list[Pref]]:
        """(group, date) → the preferences costing something on it, for the cells whose allowance cannot hold them all."""
        users: dict[tuple[str, dt.date], list[Pref]] = defaultdict(list)
        for p in self.prefs:
            for d in p.cost_min:
                users[(p.group, d)].append(p)
        out = {}
        for key in sorted(users):
            cells, heads = users[key], self.cap_heads.get(key)
            if sum(p.cost_min[key[1]] for p in cells) > self.cap_min.get(key, 0) or (heads is not None and len(cells) > heads):
                out[key] = cells
        return out


@dataclass(frozen=True)
class SolveStage:
    """One CP-SAT solve: the part and tier it settled, its status, objective, bound, gap and time."""

    label: str
    status: str
    objective: float
    best_bound: float
    gap: float
    wall_s: float
    deterministic_s: float
    cut_by_wall_clock: bool


@dataclass(frozen=True)
class SolverSettings:
    """Limits and search settings of every solve: time_limit_s for the whole allocation, split by component size."""

    time_limit_s: float
    seed: int
    workers: int
    deterministic: bool


class _Component:
    """One independent part: its agents and preferences as a CP-SAT model."""

    def __init__(self, inst: BidInstance, agents: list[str], binding: dict[tuple[str, dt.date], list[Pref]]) -> None:
        self.inst = inst
        self.agents = agents
        members = set(agents)
        self.prefs = [p for p in inst.prefs if p.agent in members]
        self.model = cp_model.CpModel()
        self.grant = {p.index: self.model.new_bool_var(f"grant_{p.bid_id}") for p in self.prefs}
        by_agent: dict[str, list[Pref]] = defaultdict(list)
        for p in self.prefs:
            by_agent[p.agent].append(p)
            if not inst.fits_alone(p):
                self.model.add(self.grant[p.index] == 0)
        for prefs in by_agent.values():
            self._no_overlap(prefs)
            self._balance(prefs)
        for key, cells in binding.items():
            if cells[0].agent in members:
                self._allowance(key, cells)
        self.points = {a: sum(p.points * self.grant[p.index] for p in by_agent[a]) for a in agents}
        self.capped = {}
        for a in agents:
            self.capped[a] = self.model.new_int_var(0, inst.rank1_points, f"capped_{a}")
            self.model.add(self.capped[a] <= self.points[a])
        self.able = sorted({p.agent for p in self.prefs if inst.fits_alone(p)})
        groups = sorted({inst.group[a] for a in agents})
        self.name = f"{', '.join(groups)}: {len(agents)} agent{'s' if len(agents) > 1 else ''}"
        self.values: dict[int, int] = {}

    def _no_overlap(self, prefs: list[Pref]) -> None:
        """At most one granted preference of an agent covers any date (one clique per distinct set of covering bids)."""
        cliques: set[tuple[int, ...]] = set()
        for d in sorted({p.start for p in prefs}):  # every maximal overlapping set contains some bid's first day
            covering = tuple(p.index for p in prefs if p.start <= d <= p.end)
            if len(covering) > 1:
                cliques.add(covering)
        for clique in sorted(cliques):
            self.model.add_at_most_one(self.grant[i] for i in clique)

    def _balance(self, prefs: list[Pref]) -> None:
        """The agent's granted minutes within their remaining balance."""
        balance = self.inst.balance_min[prefs[0].agent]
        if sum(p.minutes for p in prefs) > balance:
            self.model.add(sum(p.minutes * self.grant[p.index] for p in prefs) <= balance)

    def _allowance(self, key: tuple[str, dt.date], cells: list[Pref]) -> None:
        """Granted minutes within the (group, date) allowance, heads on leave within allowance_heads if given."""
        d = key[1]
        cap = self.inst.cap_min.get(key, 0)
        if sum(p.cost_min[d] for p in cells) > cap:
            self.model.add(sum(p.cost_min[d] * self.grant[p.index] for p in cells) <= cap)
        heads = self.inst.cap_heads.get(key)
        if heads is not None and len(cells) > heads:
            self.model.add(sum(self.grant[p.index] for p in cells) <= heads)

    def utility(self, agents: list[str]) -> tuple[cp_model.LinearExpr, int]:
        """Tiers (2) and (3) for these agents: weight × Σ capped + Σ points, and its largest possible value."""
        members = set(agents)
        top = sum(p.points for p in self.prefs if p.agent in members)
        expr = (top + 1) * sum(self.capped[a] for a in agents) + sum(self.points[a] for a in agents)
        return expr, (top + 1) * self.inst.rank1_points * len(agents) + top

    def floor(self) -> cp_model.IntVar:
        """The smallest capped satisfaction over the component's agents who have a preference that fits alone."""
        low = self.model.new_int_var(0, self.inst.rank1_points, "min_capped")
        for a in self.able:
            self.model.add(low <= self.capped[a])
        return low

    def keep(self, levels) -> None:
        """Later solves keep, per level, the capped sum and points of the last solution (lexicographic stages). One
        small constraint per tier rather than the stage's weighted objective: huge coefficients weaken the LP bound."""
        points = self._points_reached()
        for agents in levels:
            self.model.add(sum(self.capped[a] for a in agents) >= sum(min(points[a], self.inst.rank1_points) for a in agents))
            self.model.add(sum(self.points[a] for a in agents) >= sum(points[a] for a in agents))

    def _points_reached(self) -> dict[str, int]:
        points: dict[str, int] = defaultdict(int)
        for p in self.prefs:
            points[p.agent] += p.points * self.values.get(p.index, 0)
        return points

    def reached_floor(self) -> int:
        """The smallest capped satisfaction of the able agents in the last solution."""
        points = self._points_reached()
        return min(min(points[a], self.inst.rank1_points) for a in self.able)

    def solve(self, label: str, objective: cp_model.LinearExpr, budget_s: float, settings: SolverSettings,
              deadline: float) -> SolveStage:
        """Maximise objective from the last solution (as a hint); keeps the solution in self.values."""
        self.model.maximize(objective)
        self.model.clear_hints()
        for i, v in self.values.items():
            self.model.add_hint(self.grant[i], v)
        solver = cp_model.CpSolver()
        _parameters(solver, budget_s, max(deadline - time.perf_counter(), 0.1), settings)
        t0 = time.perf_counter()
        status = solver.solve(self.model)
        wall_s = time.perf_counter() - t0
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            raise RequestError(f"the bids solve ({label}) ended {solver.status_name(status)} after {wall_s:.1f} s "
                               "without an allocation; raise time_limit_s")
        self.values = {i: int(solver.value(g)) for i, g in self.grant.items()}
        objective_value, bound = solver.objective_value, solver.best_objective_bound
        return SolveStage(label, solver.status_name(status), objective_value, bound,
                          abs(bound - objective_value) / max(1.0, abs(objective_value)), wall_s,
                          solver.deterministic_time, _cut_by_wall(solver, status, settings.deterministic))


def components(inst: BidInstance) -> list[list[str]]:
    """Agents linked through (group, date) cells whose allowance binds, as sorted lists in order of first agent."""
    parent = {a: a for a in inst.agents}

    def root(a: str) -> str:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    for cells in inst.binding_cells().values():
        first = root(cells[0].agent)
        for p in cells[1:]:
            other = root(p.agent)
            if other != first:
                parent[max(first, other)] = min(first, other)
                first = min(first, other)
    parts: dict[str, list[str]] = defaultdict(list)
    for a in inst.agents:
        parts[root(a)].append(a)
    return sorted(parts.values(), key=lambda agents: agents[0])


def solve_fair(inst: BidInstance, settings: SolverSettings) -> tuple[set[int], list[SolveStage]]:
    """Granted preference indices under the fair objective (max-min, capped sum, points), and the solves' reports."""
    parts, budgets, deadline = _parts(inst, settings, solves_each=2)
    stages, floors = [], {}
    for k, (part, budget) in enumerate(zip(parts, budgets, strict=True)):
        utility, utility_max = part.utility(part.agents)
        if part.able:
            low = part.floor()
            stages.append(part.solve(f"{part.name}: max-min", (utility_max + 1) * low + utility, budget, settings,
                                     deadline))
            floors[k] = (low, part.reached_floor())
        else:
            stages.append(part.solve(f"{part.name}: capped sum", utility, budget, settings, deadline))
    overall = min((reached for _, reached in floors.values()), default=0)
    for k, (part, budget) in enumerate(zip(parts, budgets, strict=True)):
        if k in floors and floors[k][1] > overall:
            part.model.add(floors[k][0] >= overall)
            stages.append(part.solve(f"{part.name}: capped sum at the overall minimum {overall}",
                                     part.utility(part.agents)[0], budget, settings, deadline))
    return _granted(parts), stages


def solve_seniority(inst: BidInstance, settings: SolverSettings) -> tuple[set[int], list[SolveStage]]:
    """Granted preference indices, lexicographic over seniority levels (most senior first), and the solves' reports."""
    plans = [(agents, _seniority_stages(inst, agents)) for agents in components(inst)]
    parts, budgets, deadline = _parts(inst, settings, solves_each=1, agent_sets=[a for a, _ in plans],
                                      solves=[len(p) for _, p in plans])
    stages = []
    for part, budget, (_, plan) in zip(parts, budgets, plans, strict=True):
        for seniorities, levels in plan:
            expr = sum(weight * part.utility(agents)[0] for agents, weight in levels)
            label = f"{part.name}: seniority {seniorities[0]:g}" + \
                (f" to {seniorities[-1]:g}" if len(seniorities) > 1 else "")
            stage = part.solve(label, expr, budget, settings, deadline)
            stages.append(stage)
            if len(plan) > 1:
                part.keep(agents for agents, _ in levels)
    return _granted(parts), stages


def _parts(inst: BidInstance, settings: SolverSettings, solves_each: int, agent_sets: list[list[str]] | None = None,
           solves: list[int] | None = None) -> tuple[list[_Component], list[float], float]:
    """The components as models, each solve's deterministic budget (the time limit shared by number of preferences),
    and the wall-clock deadline of the whole allocation."""
    deadline = time.perf_counter() + settings.time_limit_s
    binding = inst.binding_cells()
    agent_sets = agent_sets if agent_sets is not None else components(inst)
    parts = [_Component(inst, agents, binding) for agents in agent_sets]
    counts = solves if solves is not None else [solves_each] * len(parts)
    total = max(1, len(inst.prefs))
    budgets = [settings.time_limit_s * len(part.prefs) / total / max(1, n) for part, n in zip(parts, counts, strict=True)]
    return parts, budgets, deadline


def _granted(parts: list[_Component]) -> set[int]:
    return {i for part in parts for i, v in part.values.items() if v}


def _seniority_stages(inst: BidInstance, agents: list[str]) -> list[tuple[list[float], list[tuple[list[str], int]]]]:
    """Seniority levels of these agents (most senior first) packed into stages: per stage its levels and each level's
    agents and strict weight (a unit of a more senior level outweighs every less senior level of the stage together)."""
    levels: dict[float, list[str]] = defaultdict(list)
    for a in agents:
        levels[inst.seniority[a]].append(a)
    points: dict[str, int] = defaultdict(int)
    for p in inst.prefs:
        points[p.agent] += p.points
    stages: list[list[tuple[float, list[str], int]]] = []
    span = MAX_STAGE_WEIGHT + 1
    for s in sorted(levels, reverse=True):
        members = levels[s]
        top = sum(points[a] for a in members)
        size = (top + 1) * inst.rank1_points * len(members) + top + 1  # distinct values of the level's utility
        if span * size > MAX_STAGE_WEIGHT:
            stages.append([])
            span = 1
        stages[-1].append((s, members, size))
        span *= size
    out = []
    for stage in stages:
        weight, weighted = 1, []
        for s, members, size in reversed(stage):  # least senior first: weight 1, each next outweighs all below
            weighted.append((s, members, weight))
            weight *= size
        weighted.reverse()
        out.append(([s for s, _, _ in weighted], [(members, w) for _, members, w in weighted]))
    return out


def _parameters(solver: cp_model.CpSolver, deterministic_s: float, wall_s: float, settings: SolverSettings) -> None:
    """Workers, seed and limits, as scheduling.params does: interleaved search stopped on deterministic time (about a
    second of one core per unit) when deterministic, the wall clock as a safety net."""
    params = solver.parameters
    params.num_workers = settings.workers
    params.random_seed = settings.seed
    # Interleaved workers stopped on deterministic time give the same allocation whatever the machine's load.
    params.interleave_search = settings.deterministic and settings.workers > 1
    # The allowance rows are knapsacks over weighted grants: the full LP relaxation proves optima several times faster
    # (bench, 150 agents fair: 1.9 s against 25 s at the default level).
    params.linearization_level = 2
    if settings.deterministic:
        params.max_deterministic_time = max(deterministic_s, 0.01)
    params.max_time_in_seconds = max(wall_s, 0.1)


def _cut_by_wall(solver: cp_model.CpSolver, status: int, deterministic: bool) -> bool:
    if status == cp_model.OPTIMAL:
        return False
    params = solver.parameters
    if deterministic and solver.deterministic_time >= params.max_deterministic_time * 0.999:
        return False
    return solver.wall_time >= params.max_time_in_seconds * 0.99
