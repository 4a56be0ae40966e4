"""solve_roster: build the instance and the CP-SAT model, solve within the time limit, hand back named-agent tables."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable

import pandas as pd
from ortools.sat.python import cp_model

from planner.config.schema import Config
from planner.errors import InfeasibleError, PlannerError
from planner.scheduling.complete import complete_shifts, greedy_completion, shift_counts
from planner.scheduling.costs import SCALE, demand_cost
from planner.scheduling.explain import check_agents
from planner.scheduling.extract import chosen_days, gap_metrics, hand_out_breaks, hand_out_channels, tables
from planner.scheduling.hint import add_greedy_hint, hint_from_weeks
from planner.scheduling.instance import build_instance
from planner.scheduling.model import RosterModel, build_model
from planner.scheduling.params import solver_parameters
from planner.scheduling.plan import lp_plan, weeks_from_plan
from planner.scheduling.result import RosterResult
from planner.scheduling.rules import HARD_RULES
from planner.scheduling.soft import SOFT_RULES

LNS_ONLY_ABOVE = 5000  # agent-day template choices above which the search is LNS only
EXTRACT_RESERVE_S = 3.0  # wall seconds kept for handing out breaks and channels and building the tables
PLAN_MIN_LIMIT_S = 60.0  # time limits from which the first roster comes from the LP plan rather than the greedy
MIN_SEARCH_S = 5.0  # wall seconds the search always gets, even past the limit, so the hinted roster is found
# Deterministic units (at least EXACT_MIN_DET) per second of limit for placing the plan's breaks and channels exactly
EXACT_DET_PER_S, EXACT_MIN_DET = 0.0125, 1.5
# The plan is handed out with these match bonuses (plan.py), as many as the limit allows (one more per
# HANDOUT_EVERY_S above HANDOUT_FROM_S); the best completed roster starts the search. Which hand-out covers best
# varies from week to week by a few percent of the shortfall, and the search barely moves a roster this close.
HANDOUT_BONUSES, HANDOUT_FROM_S, HANDOUT_EVERY_S = (4.0, 2.0, 8.0), 90.0, 15.0
SEARCH_SHARE = 0.5  # deterministic search budget of small rosters (full search, not LNS only) as a share of the limit
# Large-neighbourhood search on a site week spends about 2.5 deterministic units loading the model and hint in 3 s,
# then about a quarter of a unit per wall second on 2 cores: its budget is set low enough that it, not the wall
# clock, stops the search on a normal load, so the roster is reproducible.
LNS_BASE_DET, LNS_DET_PER_S = 4.0, 0.04
ProgressFn = Callable[[float, float, float], None]


class _Progress(cp_model.CpSolverSolutionCallback):
    """Reports (objective, bound, elapsed seconds) in planner units at every improving solution."""

    def __init__(self, on_progress: ProgressFn | None, started: float) -> None:
        super().__init__()
        self._on_progress, self._started = on_progress, started
        self.trace: list[tuple[float, float, float]] = []

    def on_solution_callback(self) -> None:
        point = (self.objective_value / SCALE, self.best_objective_bound / SCALE, time.perf_counter() - self._started)
        self.trace.append(point)
        if self._on_progress is not None:
            self._on_progress(*point)


def solve_roster(
    config: Config,
    requirements_df: pd.DataFrame,
    agents_df: pd.DataFrame,
    leave_df: pd.DataFrame | None,
    week_start: dt.date,
    previous_roster: pd.DataFrame | None = None,
    on_progress: ProgressFn | None = None,
    time_limit_s: float | None = None,
    weeks: int | None = None,
) -> RosterResult:
    """Roster the agents over week_start + 1–4 weeks; objective in planner units (late contacts × weight + …), solve seconds."""
    started = time.perf_counter()
    inst = build_instance(config, requirements_df, agents_df, leave_df, week_start, previous_roster, weeks)
    check_agents(inst)
    rm = build_model(inst)
    limit = float(time_limit_s if time_limit_s is not None else config.solver.time_limit_s)
    bound = None
    # The LP plan costs tens of seconds on a site week and pays back only with time left to polish its roster;
    # short limits keep the quicker greedy start.
    if limit >= PLAN_MIN_LIMIT_S:
        handouts = min(len(HANDOUT_BONUSES), 1 + int(max(0.0, limit - HANDOUT_FROM_S) // HANDOUT_EVERY_S))
        bound = _plan_start(inst, rm, config, handouts, max(EXACT_MIN_DET, EXACT_DET_PER_S * limit))
    else:
        add_greedy_hint(inst, rm)
    solver = cp_model.CpSolver()
    wall_s = limit - (time.perf_counter() - started) - EXTRACT_RESERVE_S
    # Large rosters: every worker improves the first roster by large-neighbourhood search; the full search (and its
    # bound) is left to small ones, which it proves optimal. The proven bound of a large roster is the LP bound.
    lns_only = rm.size()["agent_template_bools"] > LNS_ONLY_ABOVE
    search_det = LNS_BASE_DET + LNS_DET_PER_S * limit if lns_only else SEARCH_SHARE * limit
    solver_parameters(solver, config, max(1.0, search_det), wall_s=max(MIN_SEARCH_S, wall_s))
    solver.parameters.use_lns_only = lns_only
    progress = _Progress(on_progress, started)
    status = solver.solve(rm.model, progress)
    if status == cp_model.INFEASIBLE:
        raise InfeasibleError("the roster model is infeasible although every agent's week is feasible alone; "
                              "please report this with the input files")
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        raise PlannerError(f"no roster found within the time limit ({solver.status_name(status)}); "
                           "raise solver.time_limit_s or --time-limit")
    result = _result(inst, rm, solver, status, time.perf_counter() - started, progress)
    result.shortfall_bound = bound
    return result


def _plan_start(inst, rm: RosterModel, config: Config, handouts: int, exact_det: float):
    """Hint the model with the best of `handouts` hand-outs of the LP plan, each with its breaks and channels placed
    exactly or greedily, whichever costs less (a sub-solve cut short can return a poor first solution); returns the bound."""
    shifts, bound = lp_plan(inst)
    best = None
    for bonus in HANDOUT_BONUSES[:handouts]:
        weeks = weeks_from_plan(inst, shifts, config.solver.seed, bonus)
        chosen = shift_counts(inst, weeks)
        for done in (complete_shifts(inst, chosen, config, exact_det), greedy_completion(inst, chosen)):
            cost = demand_cost(rm.coverage.costs, done.cover) if done is not None else None
            if cost is not None and (best is None or cost < best[0]):
                best = (cost, weeks, done)
    hint_from_weeks(inst, rm, best[1], best[2])
    return bound


def _result(inst, rm: RosterModel, solver: cp_model.CpSolver, status: int, elapsed: float, progress: _Progress) -> RosterResult:
    days = chosen_days(inst, rm, solver)
    hand_out_breaks(inst, rm, solver, days)
    hand_out_channels(inst, rm, solver, days)
    roster, slots, coverage = tables(inst, days)
    short, over, late = gap_metrics(inst, rm, coverage)
    w = inst.config.solver.weights.soft_rule
    rows = []
    for p in rm.penalties:
        value = solver.value(p.expr)
        if value:
            rows.append((p.rule, p.agent_id, inst.day_date(p.day), round(value * p.weight * w, 3)))
    violations = pd.DataFrame(rows, columns=["rule", "agent_id", "date", "penalty"])
    violations = violations.sort_values(["rule", "agent_id", "date"], kind="stable").reset_index(drop=True)
    weights = inst.config.labour_rules.soft
    applied = [f"hard: {text}" for text in HARD_RULES.values()] + [
        "hard: shifts from the contract's lengths, on the start step, inside earliest start–latest end, open hours and "
        "availability; approved leave days never worked",
        "hard: lunch and short breaks inside their windows; each worked slot serves one open channel among the agent's skills",
    ] + [f"soft ({getattr(weights, rule):g}/violation): {text}"
         for rule, text in SOFT_RULES.items() if getattr(weights, rule) > 0]
    return RosterResult(
        status="OPTIMAL" if status == cp_model.OPTIMAL else "FEASIBLE",
        roster=roster,
        roster_slots=slots,
        coverage=coverage,
        objective=solver.objective_value / SCALE,
        best_bound=solver.best_objective_bound / SCALE,
        solve_s=round(elapsed, 3),
        shortfall_agent_slots=short,
        overstaff_agent_slots=over,
        late_contacts=late,
        violations=violations,
        rules_applied=applied,
        model_size=rm.size(),
        progress=list(progress.trace),
    )
