"""solve_roster: build the instance and the CP-SAT model, solve within the time limit, hand back named-agent tables."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from ortools.sat.python import cp_model

from planner.config.schema import Config
from planner.errors import InfeasibleError, PlannerError
from planner.scheduling.bound import BoundNotSolved, BoundResult
from planner.scheduling.columns import boxed_completion, dive_weeks
from planner.scheduling.complete import Completion, exact_completion, greedy_completion, placed_completion, shift_counts
from planner.scheduling.costs import SCALE, demand_cost, paid_cost, roster_cost, soft_cost, unit_cost
from planner.scheduling.explain import check_agents
from planner.scheduling.extract import chosen_days, gap_metrics, hand_out_breaks, hand_out_channels, tables
from planner.scheduling.hint import greedy_weeks, hint_from_weeks
from planner.scheduling.instance import build_instance
from planner.scheduling.model import RosterModel, build_model
from planner.scheduling.params import WALL_PER_DET, solver_parameters
from planner.scheduling.phases import (
    FALLBACK_MIN_S,
    HANDOUT_BONUSES,
    WEEKS_AFTER_S,
    WEEKS_BOX_DET,
    WEEKS_ROUNDS,
    WEEKS_SHARE,
    WEEKS_STEP,
    PhaseReport,
    SolvePlan,
    choose_phases,
    choose_replan_phases,
    stopped_by,
)
from planner.scheduling.plan import lp_plan, weeks_from_plan
from planner.scheduling.replan import Replan, changed_days, start_weeks
from planner.scheduling.result import RosterResult
from planner.scheduling.rules import HARD_RULES
from planner.scheduling.soft import SOFT_RULES
from planner.scheduling.trim import surplus, trim_start

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
    replan: Replan | None = None,
) -> RosterResult:
    """Roster the agents over week_start + 1–4 weeks in the phases of phases.choose_phases; objective in planner units
    (late contacts × weight + …). The time limit (seconds) counts from the call, model building included.

    With `replan` (planner replan) the absences are taken out of the instance, every agent-day that differs from the
    published roster costs solver.weights.changed_shift, and the search starts from the published roster with the
    edits the changes force (phase published_start) instead of a new first roster; that start is priced exactly
    (phase start_check) and returned unless the search finds a cheaper roster."""
    started = time.perf_counter()
    limit = float(time_limit_s if time_limit_s is not None else config.solver.time_limit_s)
    deadline = started + limit
    inst = build_instance(config, requirements_df, agents_df, leave_df, week_start, previous_roster, weeks)
    if replan is not None:
        replan.apply(inst)
    check_agents(inst)
    rm = build_model(inst)
    choose = choose_replan_phases if replan is not None else choose_phases
    plan = choose(limit, rm.size()["agent_template_bools"])
    phases = [PhaseReport("build", time.perf_counter() - started, "done", details=rm.size())]
    progress = _Progress(on_progress, started)
    if replan is not None:
        (start, fixed), bound = _replan_start(inst, rm, deadline, phases), None
        solver, status, proven = _replan_search(inst, rm, plan, deadline, progress, phases, fixed, not replan.changes)
    else:
        greedy = _greedy_start(inst, rm, phases) if plan.greedy_first else None
        start, bound = (_plan_start(inst, rm, plan, deadline, phases, greedy) if plan.handouts else (None, None))
        if start is None:
            start = greedy if greedy is not None else _greedy_start(inst, rm, phases)
        start = _trim(inst, rm, plan, start, phases)
        if plan.weeks:
            start = _weeks_start(inst, rm, plan, start, deadline, phases)
        hint_from_weeks(inst, rm, start.weeks, start.done)
        solver, status = _search(inst, rm, plan, deadline, progress, phases)
        proven = _search_bound(solver)
    if status == cp_model.INFEASIBLE:
        raise InfeasibleError("the roster model is infeasible although every agent's week is feasible alone; "
                              "please report this with the input files")
    found = status in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    if replan is None and (not found or solver.objective_value > start.cost):
        # The search found nothing, or possibly something dearer than its start (whose soft-rule penalties the
        # start's cost leaves out): solve the start with its values fixed and keep the cheaper.
        # With a roster in hand the check only uses what is left of the limit; with none it always gets its minimum.
        cap = FALLBACK_MIN_S if not found else max(1.0, deadline - time.perf_counter())
        fixed, fixed_status = _fallback(inst, rm, phases, cap, "the search found no roster" if not found else
                                        "the search's roster may cost more than its start")
        fixed_found = fixed_status in (cp_model.OPTIMAL, cp_model.FEASIBLE)
        if fixed_found and (not found or fixed.objective_value < solver.objective_value):
            solver, status = fixed, cp_model.FEASIBLE
            phases[-1].note += "; the start roster is returned"
        elif not found:
            raise PlannerError(f"no roster found within the time limit ({solver.status_name(status)}), and the first "
                               "roster could not be completed; raise solver.time_limit_s or --time-limit")
        else:
            phases[-1].note += "; the search's roster is kept"
    elif replan is not None and not found:
        raise PlannerError(f"no roster found within the time limit ({solver.status_name(status)}), and the published "
                           "roster could not be completed; raise solver.time_limit_s or --time-limit")
    # every objective term is non-negative, so 0 is the bound when no search proved one
    result = _result(inst, rm, solver, status, time.perf_counter() - started, progress,
                     0.0 if proven is None else proven)
    result.shortfall_bound = bound
    result.solve_plan = plan
    result.phases = phases
    return result


@dataclass
class _Start:
    """A first roster: each agent's week, its breaks and channels, and its cost without soft rules (scaled units)."""

    weeks: dict[int, dict[int, int]]
    done: Completion
    cost: int
    placed: dict[tuple[int, int], tuple[int, ...]] = field(default_factory=dict)  # replan: days kept as published
    source: str = "greedy_start"  # the phase that built it: greedy_start, hand_out N or published_start


def _start_cost(inst, rm: RosterModel, weeks: dict[int, dict[int, int]], done: Completion) -> int:
    """Demand and paid-hours cost (scaled) of a first roster by the cost model (soft rules left out: a lower bound)."""
    w = inst.config.solver.weights
    paid = sum(paid_cost(w, inst.templates[k].paid_min) for week in weeks.values() for k in week.values())
    return demand_cost(rm.coverage.costs, done.cover) + paid


def _published_start(inst, rm: RosterModel, phases: list[PhaseReport], every_agent: bool = False) -> _Start:
    """Phase published_start (replan): the published roster with the edits the changes force (replan.start_weeks:
    the days no longer possible dropped, or the agent's week repaired under their hard rules), every kept day's breaks
    and channels as published, the others placed one at a time; its cost counts the agent-days it changes."""
    began = time.perf_counter()
    weeks, placed = start_weeks(inst, every_agent)
    done = placed_completion(inst, weeks, placed, inst.published_channels or {})
    worked = {(i, day) for i, week in weeks.items() for day in week}
    changed = len(set(inst.published) - set(placed)) + len(worked - set(inst.published))
    cost = _start_cost(inst, rm, weeks, done) + changed * unit_cost(inst.config.solver.weights, "changed_shifts")
    lost = sum(1 for key in inst.published if key not in worked)
    phases.append(PhaseReport("published_start", time.perf_counter() - began, "done", objective=cost / SCALE,
                              note="objective without soft-rule penalties",
                              details={"agents_rostered": len(weeks), "published_days_lost": lost,
                                       "agent_days_changed": changed, "every_agent_checked": every_agent}))
    return _Start(weeks, done, cost, placed, source="published_start")


def _greedy_start(inst, rm: RosterModel, phases: list[PhaseReport]) -> _Start:
    """Phase greedy_start: the greedy weeks with breaks and channels placed one at a time."""
    began = time.perf_counter()
    weeks = greedy_weeks(inst, rm)
    done = greedy_completion(inst, shift_counts(inst, weeks))
    cost = _start_cost(inst, rm, weeks, done)
    phases.append(PhaseReport("greedy_start", time.perf_counter() - began, "done", objective=cost / SCALE,
                              note="objective without soft-rule penalties",
                              details={"agents_rostered": len(weeks)}))
    return _Start(weeks, done, cost)


def _trim(inst, rm: RosterModel, plan: SolvePlan, start: _Start, phases: list[PhaseReport]) -> _Start:
    """Phase trim: the start reshaped by the one-agent moves that save under every hard rule (trim.trim_start)."""
    began = time.perf_counter()
    passes = (plan.first_trim_passes if plan.first_trim_passes is not None and start.source != "weeks_start"
              else plan.trim_passes)
    weeks, done, report = trim_start(inst, rm.coverage.costs, start.weeks, start.done, passes)
    cost = _start_cost(inst, rm, weeks, done)
    over = {"overstaff_before": surplus(inst, start.done), "overstaff_after": surplus(inst, done)}
    stop = "done" if report.settled else "deterministic_budget"
    phases.append(PhaseReport("trim", time.perf_counter() - began, stop, budget_det=passes,
                              used_det=report.passes, objective=cost / SCALE,
                              note="objective without soft-rule penalties; overstaffing in agent-slots; budget in passes",
                              details=report.as_dict() | over | {"start": start.source}))
    return _Start(weeks, done, cost, source=start.source)


def _weeks_start(inst, rm: RosterModel, plan: SolvePlan, start: _Start, deadline: float,
                 phases: list[PhaseReport]) -> _Start:
    """Phase weeks_start: the trimmed start's weeks priced and dived to one whole week per agent (columns.py), its
    breaks boxed to the LP's, then trimmed; returned when it then costs less than `start`, else `start`."""
    began = time.perf_counter()
    weeks, report = dive_weeks(inst, start.weeks, WEEKS_ROUNDS, WEEKS_STEP,
                               deadline=deadline - plan.reserve_s - WEEKS_AFTER_S, costs=rm.coverage.costs,
                               workers=inst.config.solver.workers, share=WEEKS_SHARE)
    boxed = (boxed_completion(inst, weeks, WEEKS_BOX_DET, rm.coverage.costs, report.breaks) if weeks is not None
             else None)
    done = boxed.done if boxed is not None else None
    if done is None:
        why = ("the wall clock passed its cap before the dive began" if weeks is None
               else f"the boxed completion found no placement ({boxed.status})")
        stop = "wall_cap" if weeks is None or (boxed is not None and boxed.wall_s >= WALL_PER_DET * WEEKS_BOX_DET) \
            else "no_solution"
        phases.append(PhaseReport("weeks_start", time.perf_counter() - began, stop,
                                  note=f"{why}; the trimmed start is kept", details=report.as_dict()))
        return start
    cost = _start_cost(inst, rm, weeks, done)
    # the boxed completion is the phase's one budgeted CP-SAT solve: its wall cap cutting it is what could make
    # the phase's roster differ between runs, so that is what stopped_by reports
    stop = stopped_by(boxed.status, boxed.used_det, WEEKS_BOX_DET, boxed.wall_s, WALL_PER_DET * WEEKS_BOX_DET, True)
    cut_note = ""
    if report.pricing_wall_cuts:
        stop = "wall_cap"
        cut_note += f"; {report.pricing_wall_cuts} pricing sub-solve(s) stopped by their wall cap"
    if report.cut:
        stop = "wall_cap"
        cut_note += ("; the wall clock stopped the pricing: the agents still free took their heaviest weeks at "
                        "once")
    phases.append(PhaseReport("weeks_start", time.perf_counter() - began, stop, budget_det=WEEKS_BOX_DET,
                              used_det=boxed.used_det, wall_cap_s=WALL_PER_DET * WEEKS_BOX_DET,
                              objective=cost / SCALE, note=f"objective without soft-rule penalties{cut_note}",
                              details=report.as_dict() | {"overstaff_agent_slots": surplus(inst, done),
                                                          "completion": boxed.status}))
    # trimmed before it is compared: the dived weeks leave shortfall the trim's one-agent moves close (seed 3 at
    # 120 s: 197,821 dived against the trimmed start's 191,486, which is the cheaper only until both are trimmed)
    phase = phases[-1]
    trimmed = _trim(inst, rm, plan, _Start(weeks, done, cost, source="weeks_start"), phases)
    if trimmed.cost >= start.cost:
        phase.note += (f"; trimmed it costs {trimmed.cost / SCALE:.2f}: the first trimmed start "
                       f"({start.cost / SCALE:.2f}) costs no more and is kept")
        return start
    phase.note += f"; trimmed it costs {trimmed.cost / SCALE:.2f} and replaces the first trimmed start"
    return trimmed


def _plan_start(inst, rm: RosterModel, plan: SolvePlan, deadline: float, phases: list[PhaseReport],
                greedy: _Start | None = None) -> tuple[_Start | None, BoundResult | None]:
    """Phases lp_plan, then hand_out and complete_breaks per match bonus: the cheapest completed hand-out (each placed
    exactly or greedily, whichever costs less: a sub-solve cut short can return a poor first solution), or the greedy
    start when one ran first and costs less, and the LP bound; (greedy, None) when the wall clock leaves no room for
    the LP, which then falls back to the greedy start."""
    began = time.perf_counter()
    cap = max(1.0, deadline - began - plan.reserve_s)
    try:
        shifts, bound = lp_plan(inst, time_limit_s=cap)
    except BoundNotSolved as exc:
        phases.append(PhaseReport("lp_plan", time.perf_counter() - began, "wall_cap", wall_cap_s=cap,
                                  note=f"{exc}; greedy start instead"))
        return greedy, None
    wall = time.perf_counter() - began
    # CLP's time limit counts its CPU seconds: on a loaded machine the wall clock can run past the cap
    over = f"ran {wall - cap:.1f} s past its wall cap (the LP's time limit counts CPU seconds)" if wall > cap else ""
    phases.append(PhaseReport("lp_plan", wall, "optimal", wall_cap_s=cap, note=over,
                              details={"shortfall_lower_bound_agent_slots": bound.total}))
    best: _Start | None = greedy
    for n, bonus in enumerate(HANDOUT_BONUSES[:plan.handouts]):
        began = time.perf_counter()
        left = deadline - began - plan.reserve_s
        if best is not None and left <= 0:
            phases.append(PhaseReport("hand_out", 0.0, "wall_cap", note=f"hand-out {n + 1} skipped: no wall time left",
                                      details={"match_bonus": bonus}))
            continue
        weeks = weeks_from_plan(inst, shifts, bonus)
        phases.append(PhaseReport("hand_out", time.perf_counter() - began, "done",
                                  details={"match_bonus": bonus, "agents_rostered": len(weeks)}))
        began = time.perf_counter()
        chosen = shift_counts(inst, weeks)
        greedy_done = greedy_completion(inst, chosen)  # first: a complete roster exists from here on
        greedy_ready_s = time.perf_counter() - began
        costs = {"greedy": _start_cost(inst, rm, weeks, greedy_done)}
        if plan.exact_det > 0:
            cap = max(1.0, min(WALL_PER_DET * plan.exact_det, deadline - time.perf_counter() - plan.reserve_s))
            exact = exact_completion(inst, chosen, inst.config, plan.exact_det, wall_s=cap)
            if exact.done is not None:
                costs["exact"] = _start_cost(inst, rm, weeks, exact.done)
            stop = stopped_by(exact.status, exact.used_det, plan.exact_det, exact.wall_s, cap, exact.done is not None)
            used, exact_done = exact.used_det, exact.done
        else:
            stop, used, cap, exact_done = "done", None, None, None
        pick = min(costs, key=lambda k: (costs[k], k))
        skipped = "" if plan.exact_det > 0 else " (no exact sub-solve at site scale)"
        phases.append(PhaseReport("complete_breaks", time.perf_counter() - began, stop, budget_det=plan.exact_det,
                                  used_det=used, wall_cap_s=cap, objective=costs[pick] / SCALE,
                                  note=f"{pick} placement kept{skipped}; objective without soft-rule penalties",
                                  details={**{f"{k}_objective": v / SCALE for k, v in costs.items()},
                                           "greedy_ready_s": round(greedy_ready_s, 3)}))
        if best is None or costs[pick] < best.cost:
            best = _Start(weeks, exact_done if pick == "exact" else greedy_done, costs[pick], source=f"hand_out {n + 1}")
    if greedy is not None and best is greedy:
        ran = sum(1 for p in phases if p.name == "complete_breaks")
        phases[-1].note += (f"; the greedy start ({greedy.cost / SCALE:.2f}) costs no more than the {ran} hand-out(s) "
                            "and is kept" if ran else "; no hand-out ran: the greedy start is kept")
    return best, bound


def _search(inst, rm: RosterModel, plan: SolvePlan, deadline: float, progress: _Progress, phases: list[PhaseReport]):
    """Phase search: CP-SAT on the full model from the hinted first roster, within its deterministic budget and what
    is left of the wall clock (LNS only on large rosters, whose proven bound is the LP bound)."""
    solver = cp_model.CpSolver()
    began = time.perf_counter()
    cap = deadline - began - plan.reserve_s
    if cap < 1.0:
        phases.append(PhaseReport("search", 0.0, "wall_cap", budget_det=plan.search_det, wall_cap_s=max(cap, 0.0),
                                  note="skipped: the earlier phases used the time limit"))
        return solver, cp_model.UNKNOWN
    solver_parameters(solver, inst.config, plan.search_det, wall_s=cap)
    solver.parameters.use_lns_only = plan.lns_only
    status = solver.solve(rm.model, progress)
    found = status in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    wall = time.perf_counter() - began
    phases.append(PhaseReport("search", wall, stopped_by(solver.status_name(status), solver.deterministic_time,
                                                         plan.search_det, solver.wall_time, cap, found),
                              budget_det=plan.search_det, used_det=solver.deterministic_time, wall_cap_s=cap,
                              objective=solver.objective_value / SCALE if found else None,
                              note="" if found else f"no roster ({solver.status_name(status)})",
                              details={"solver_wall_s": round(solver.wall_time, 3)}))
    return solver, status


def _fallback(inst, rm: RosterModel, phases: list[PhaseReport], wall_s: float, why: str):
    """Phase fallback: the hinted first roster solved with every hinted variable fixed (only the soft-rule indicators
    are left to find), within wall_s wall seconds (FALLBACK_MIN_S, even past the limit, when nothing else was found)."""
    solver = cp_model.CpSolver()
    began = time.perf_counter()
    solver_parameters(solver, inst.config, FALLBACK_MIN_S, wall_s=wall_s)
    solver.parameters.fix_variables_to_their_hinted_value = True
    status = solver.solve(rm.model)
    found = status in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    wall = time.perf_counter() - began
    phases.append(PhaseReport("fallback", wall, stopped_by(solver.status_name(status), solver.deterministic_time,
                                                           FALLBACK_MIN_S, solver.wall_time, wall_s, found),
                              budget_det=FALLBACK_MIN_S, used_det=solver.deterministic_time, wall_cap_s=wall_s,
                              objective=solver.objective_value / SCALE if found else None, note=why))
    return solver, status


def _replan_start(inst, rm: RosterModel, deadline: float, phases: list[PhaseReport]):
    """A re-plan's start (phase published_start), hinted and solved with every hinted value fixed (phase start_check),
    which prices it exactly, soft rules included: (start, (solver, status)). When that finds no roster a published
    week breaks a hard rule of today's inputs: every agent's week is checked and repaired, and the start solved again."""
    for every_agent in (False, True):
        start = _published_start(inst, rm, phases, every_agent)
        hint_from_weeks(inst, rm, start.weeks, start.done)
        for key, var in rm.kept.items():
            rm.model.add_hint(var, key in start.placed)
        fixed, status = _fallback(inst, rm, phases, max(FALLBACK_MIN_S, deadline - time.perf_counter()),
                                  "the start priced exactly")
        phases[-1].name = "start_check"
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return start, (fixed, status)
        phases[-1].note += ("; no roster: a published week breaks a hard rule" if not every_agent else
                            "; no roster: the search starts from its hint alone")
    return start, (fixed, status)


def _replan_search(inst, rm: RosterModel, plan: SolvePlan, deadline: float, progress: _Progress,
                   phases: list[PhaseReport], start: tuple[cp_model.CpSolver, int],
                   nothing_changed: bool) -> tuple[cp_model.CpSolver, int, float | None]:
    """A re-plan's search from its start ((solver, status) of start_check), whose roster is kept only when it costs
    less, so a re-plan never ends worse than the published roster with the edits the changes force. With no change
    to repair there is no search: the published roster is returned as it is."""
    fixed, fixed_status = start
    fixed_found = fixed_status in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    if nothing_changed and fixed_found:
        phases.append(PhaseReport("search", 0.0, "skipped", note="no change to repair: the published roster is returned"))
        return fixed, cp_model.FEASIBLE, None
    solver, status = _search(inst, rm, plan, deadline, progress, phases)
    found = status in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    if fixed_found and (not found or fixed.objective_value <= solver.objective_value):
        phases[-1].note += ("; " if phases[-1].note else "") + "the start roster is returned (the search found none cheaper)"
        # optimal only when the search proved it: the fixed solve proves only the start's own cost
        proved = found and status == cp_model.OPTIMAL and fixed.objective_value == solver.objective_value
        return fixed, cp_model.OPTIMAL if proved else cp_model.FEASIBLE, _search_bound(solver)
    return solver, status, _search_bound(solver)


def _search_bound(solver: cp_model.CpSolver) -> float | None:
    """CP-SAT's proven lower bound on the full model's objective (scaled units), None when the search never ran.

    A solve with every value fixed proves only that roster's own cost, so its bound is never the run's."""
    try:
        return solver.best_objective_bound
    except RuntimeError:  # solve() never called: the search was skipped
        return None


def _result(inst, rm: RosterModel, solver: cp_model.CpSolver, status: int, elapsed: float, progress: _Progress,
            proven_bound_scaled: float) -> RosterResult:
    """The roster tables and figures of a solved model, objective and bound in planner units."""
    days = chosen_days(inst, rm, solver)
    hand_out_breaks(inst, rm, solver, days)
    hand_out_channels(inst, rm, solver, days)
    roster, slots, coverage = tables(inst, days)
    short, over, late = gap_metrics(inst, rm, coverage)
    weights = inst.config.solver.weights
    rows, soft = [], []
    for p in rm.penalties:
        value = solver.value(p.expr)
        if value:
            rows.append((p.rule, p.agent_id, inst.day_date(p.day), value * soft_cost(weights, p.weight) / SCALE))
            soft.append((p.weight, value))
    terms = roster_cost(weights, rm.coverage.costs, _cover(inst, coverage),
                        [round(h * 60) for h in roster["paid_hours"]], soft,
                        changed=changed_days(inst, days) if inst.published is not None else 0)
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
        # the cost model on the extracted roster: CP-SAT's value of a solution not proven optimal may sit above it
        # (a gap or late-cost variable left above its floor), never below
        objective=terms["total"] / SCALE,
        best_bound=min(proven_bound_scaled, terms["total"]) / SCALE,
        solve_s=round(elapsed, 3),
        shortfall_agent_slots=short,
        overstaff_agent_slots=over,
        late_contacts=late,
        violations=violations,
        rules_applied=applied,
        model_size=rm.size(),
        progress=list(progress.trace),
        objective_terms={name: value / SCALE for name, value in terms.items()},
    )


def _cover(inst, coverage: pd.DataFrame) -> np.ndarray:
    """Agents scheduled per channel and slot, from the coverage table."""
    cover = np.zeros((len(inst.channels), inst.n_slots), dtype=int)
    start = pd.Timestamp(inst.week_start)
    slot = ((coverage["interval_start"] - start).dt.total_seconds() // 60 // inst.slot_min).astype(int).to_numpy()
    chan = coverage["channel"].map({c: i for i, c in enumerate(inst.channels)}).to_numpy()
    cover[chan, slot] = coverage["scheduled"].to_numpy()
    return cover
