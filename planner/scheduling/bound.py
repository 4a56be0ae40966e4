"""A proven lower bound on a week's total shortfall (agent-slots): the LP relaxation of covering the requirement.

The LP keeps what every roster must respect in aggregate, per group of interchangeable agents (same
skills, contract and daily availability window): the shift templates and break placements, one shift
per agent per day, approved leave, the contract's maximum days and paid hours per week, and one channel
per worked slot. It drops what ties one agent's days together (rest, consecutive days, minimum hours,
soft rules) and integrality. Any roster therefore maps to a feasible LP point with the same coverage,
so its shortfall is at least the LP optimum.
"""

from __future__ import annotations

import datetime as dt
import os
import math
import time
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from ortools.linear_solver import pywraplp

from planner.config import Config
from planner.errors import DataError, RequestError
from planner.scheduling.bound_templates import ShiftTemplate, availability_window, templates_for

MINUTES_PER_DAY = 24 * 60
# GLOP solves in floating point: an LP optimum within this of an integer is taken as that integer.
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
    required_column: str
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
            "required_column": self.required_column,
            "notes": self.notes,
        }


@dataclass
class _Group:
    skills: tuple[str, ...]
    contract: str
    window: tuple[int, int]
    agents: list[str] = field(default_factory=list)
    off_days: list[set[int]] = field(default_factory=list)


def _skills_of(value: object) -> list[str]:
    if isinstance(value, list | tuple | np.ndarray):
        return [str(s).strip() for s in value if str(s).strip()]
    return [s.strip() for s in str(value).split(";") if s.strip()]


def requirement_matrix(requirements_df: pd.DataFrame, config: Config, week_start: dt.date, days: int,
                       column: str = "agents_required") -> np.ndarray:
    """Required agents per horizon slot × channel (config order), rounded up to whole agents; 0 where absent."""
    if column not in requirements_df.columns:
        raise DataError(f"requirements: column '{column}' is missing; columns are {list(requirements_df.columns)}")
    slot_min = config.site.slot_minutes
    n_slots = (days + 1) * MINUTES_PER_DAY // slot_min  # one spare day for shifts crossing the last midnight
    channels = config.channel_names
    out = np.zeros((n_slots, len(channels)))
    start = pd.Timestamp(week_start)
    ts = pd.to_datetime(requirements_df["interval_start"])
    idx = ((ts - start) / pd.Timedelta(minutes=slot_min)).to_numpy()
    col = requirements_df["channel"].map({c: i for i, c in enumerate(channels)})
    values = pd.to_numeric(requirements_df[column], errors="coerce").fillna(0).to_numpy(dtype=float)
    keep = (idx >= 0) & (idx < days * MINUTES_PER_DAY // slot_min) & col.notna().to_numpy()
    rows = np.floor(idx[keep] + 1e-9).astype(int)
    np.add.at(out, (rows, col[keep].astype(int).to_numpy()), np.ceil(values[keep] - 1e-9))
    return np.maximum(out, 0)


def _leave_days(leave_df: pd.DataFrame | None, week_start: dt.date, days: int) -> dict[str, set[int]]:
    """Day indices of approved leave per agent (requested leave is soft: the agent may still work)."""
    off: dict[str, set[int]] = defaultdict(set)
    if leave_df is None or leave_df.empty:
        return off
    approved = leave_df if "status" not in leave_df.columns else leave_df[leave_df["status"].astype(str) == "approved"]
    for row in approved.itertuples(index=False):
        first = pd.Timestamp(row.start_date).date()
        last = pd.Timestamp(row.end_date).date()
        for d in range(days):
            if first <= week_start + dt.timedelta(days=d) <= last:
                off[str(row.agent_id)].add(d)
    return off


def _groups(config: Config, agents_df: pd.DataFrame, leave_df: pd.DataFrame | None,
            week_start: dt.date, days: int) -> list[_Group]:
    off = _leave_days(leave_df, week_start, days)
    known = set(config.channel_names)
    groups: dict[tuple, _Group] = {}
    for _, agent in agents_df.sort_values("agent_id").iterrows():
        skills = tuple(sorted(set(_skills_of(agent["skills"])) & known))
        try:
            config.contract(str(agent["contract"]))
        except KeyError:
            raise DataError(f"agent {agent['agent_id']}: unknown contract '{agent['contract']}'; "
                            f"contracts are {[c.name for c in config.contracts]}") from None
        if not skills:
            continue
        key = (skills, str(agent["contract"]), availability_window(agent))
        group = groups.setdefault(key, _Group(*key))
        group.agents.append(str(agent["agent_id"]))
        group.off_days.append(off.get(str(agent["agent_id"]), set()))
    return list(groups.values())


def shortfall_lower_bound(config: Config, requirements_df: pd.DataFrame, agents_df: pd.DataFrame,
                          leave_df: pd.DataFrame | None, week_start: dt.date, *, days: int = 7,
                          required_column: str = "agents_required", per_channel: bool = True) -> BoundResult:
    """LP lower bound on the week's total shortfall in agent-slots (and per channel), against `required_column`."""
    if week_start.weekday() != 0:
        raise RequestError(f"week {week_start} is a {week_start:%A}; give the Monday the week starts on")
    started = time.perf_counter()
    channels = config.channel_names
    req = requirement_matrix(requirements_df, config, week_start, days, required_column)
    required = {c: float(req[:, j].sum()) for j, c in enumerate(channels)}
    groups = _groups(config, agents_df, leave_df, week_start, days)

    solver = pywraplp.Solver.CreateSolver(os.environ.get("LPS", "GLOP"))
    if solver is None:  # pragma: no cover - GLOP ships with every OR-Tools wheel
        raise RuntimeError("OR-Tools GLOP is not available")
    if os.environ.get("GLOPP"):
        solver.SetSolverSpecificParametersAsString(os.environ["GLOPP"])
    inf = solver.infinity()
    # coverage[t, c]: the terms of sum_g w[g, t, c]; one shortfall variable per slot and channel with demand
    cover_terms: dict[tuple[int, int], list] = defaultdict(list)
    n_templates = 0
    for g, group in enumerate(groups):
        contract = config.contract(group.contract)
        skill_cols = [channels.index(s) for s in group.skills]
        useful = req[:, skill_cols].sum(axis=1) > 0
        templates = [t for t in templates_for(config, contract.shift_lengths_h, group.window, days)
                     if useful[t.start_slot:t.end_slot].any()]
        n_templates += len(templates)
        _add_group(solver, g, group, contract, templates, skill_cols, req, cover_terms, days)

    shortfall: dict[tuple[int, int], pywraplp.Variable] = {}
    for t, j in zip(*np.nonzero(req), strict=True):
        s = solver.NumVar(0, inf, f"short_{t}_{j}")
        shortfall[(int(t), int(j))] = s
        row = solver.Constraint(float(req[t, j]), inf, f"cover_{t}_{j}")
        row.SetCoefficient(s, 1)
        for w in cover_terms.get((int(t), int(j)), []):
            row.SetCoefficient(w, 1)

    integral = bool(np.all(np.equal(np.mod(req, 1), 0)))
    objective = solver.Objective()
    total, lp_value = _minimise(solver, objective, list(shortfall.values()), integral)
    per: dict[str, float] = {}
    if per_channel:
        for j, c in enumerate(channels):
            vars_c = [v for (t, jj), v in shortfall.items() if jj == j]
            per[c] = _minimise(solver, objective, vars_c, integral, clear=list(shortfall.values()))[0] if vars_c else 0.0
    notes = [
        "valid for any roster that works at most one shift per agent per day, "
        "from the shift templates and break options of planner.scheduling.bound_templates",
        "per_channel values are each channel's own bound (minimised alone); they need not add up to the total",
    ]
    return BoundResult(total, per, required, lp_value, time.perf_counter() - started, len(groups), n_templates,
                       required_column, notes)


def _minimise(solver: pywraplp.Solver, objective, variables: list, integral: bool, clear: list | None = None):
    for v in clear or []:
        objective.SetCoefficient(v, 0)
    for v in variables:
        objective.SetCoefficient(v, 1)
    objective.SetMinimization()
    t0 = time.perf_counter()
    status = solver.Solve()
    if os.environ.get("LPDEBUG"):
        print("vars", solver.NumVariables(), "rows", solver.NumConstraints(), "solve", time.perf_counter() - t0)
    if status != pywraplp.Solver.OPTIMAL:
        raise RuntimeError(f"the LP bound did not solve to optimality (GLOP status {status})")
    value = objective.Value()
    bound = math.ceil(value - LP_TOLERANCE * max(1.0, value)) if integral else max(0.0, value - LP_TOLERANCE * max(1.0, value))
    return float(max(bound, 0)), float(value)


def _add_group(solver, g: int, group: _Group, contract, templates: list[ShiftTemplate], skill_cols: list[int],
               req: np.ndarray, cover_terms: dict, days: int) -> None:
    """Add one group's shift counts, break placements, daily/weekly limits and channel split to the LP."""
    inf = solver.infinity()
    useful = req[:, skill_cols].sum(axis=1) > 0
    working: dict[int, list[tuple[object, float]]] = defaultdict(list)  # + shifts on duty, − breaks, per slot
    per_day: dict[int, list] = defaultdict(list)
    paid_terms: list[tuple[object, float]] = []
    lunch_shifts: dict[float, list] = defaultdict(list)
    for k, tpl in enumerate(templates):
        x = solver.NumVar(0, inf, f"x_{g}_{k}")
        per_day[tpl.day].append(x)
        paid_terms.append((x, tpl.shape.length_h))
        if tpl.shape.extra_unpaid_h:
            lunch_shifts[tpl.shape.extra_unpaid_h].append(x)
        for t in range(tpl.start_slot, tpl.end_slot):
            if useful[t]:
                working[t].append((x, 1.0))
        for b, options in enumerate(tpl.shape.breaks):
            link = solver.Constraint(0, 0, f"brk_{g}_{k}_{b}")  # each shift takes each break once
            link.SetCoefficient(x, -1)
            for o, opt in enumerate(options):
                z = solver.NumVar(0, inf, f"z_{g}_{k}_{b}_{o}")
                link.SetCoefficient(z, 1)
                if opt.unpaid_h:
                    paid_terms.append((z, -opt.unpaid_h))
                start = tpl.start_slot + opt.offset_slots
                for t in range(start, start + opt.length_slots):
                    if useful[t]:
                        working[t].append((z, -1.0))
    # longer unpaid lunches: at most one per shift with a lunch, each giving back extra_h paid hours
    for extra_h, xs in lunch_shifts.items():
        longer = solver.NumVar(0, inf, f"long_lunch_{g}_{extra_h}")
        row = solver.Constraint(-inf, 0, f"long_lunch_{g}_{extra_h}")
        row.SetCoefficient(longer, 1)
        for x in xs:
            row.SetCoefficient(x, -1)
        paid_terms.append((longer, -extra_h))
    # one shift per agent per day, only agents not on approved leave
    for day, xs in per_day.items():
        available = sum(1 for off in group.off_days if day not in off)
        row = solver.Constraint(0, available, f"day_{g}_{day}")
        for x in xs:
            row.SetCoefficient(x, 1)
    # days per week within the contract, per week; paid hours summed over the horizon (valid for any length)
    weeks = math.ceil(days / 7)
    for week in range(weeks):
        week_days = range(week * 7, min(days, week * 7 + 7))
        max_days = sum(min(contract.days_per_week_max, sum(1 for d in week_days if d not in off)) for off in group.off_days)
        row = solver.Constraint(0, max_days, f"days_{g}_{week}")
        for d in week_days:
            for x in per_day.get(d, []):
                row.SetCoefficient(x, 1)
    row = solver.Constraint(-inf, len(group.agents) * contract.weekly_hours_max * weeks, f"hours_{g}")
    for var, coef in paid_terms:
        row.SetCoefficient(var, row.GetCoefficient(var) + coef)
    # each worked slot serves one channel among the group's skills (only channels short of nothing are skipped)
    for t, terms in working.items():
        row = solver.Constraint(-inf, 0, f"split_{g}_{t}")
        for var, coef in terms:
            row.SetCoefficient(var, row.GetCoefficient(var) - coef)
        for j in skill_cols:
            if req[t, j] <= 0:
                continue
            w = solver.NumVar(0, inf, f"w_{g}_{t}_{j}")
            row.SetCoefficient(w, 1)
            cover_terms[(t, j)].append(w)
