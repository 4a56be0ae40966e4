"""Evaluate scenarios against the baseline week: the fixed roster meeting the scenario's demand, or a new roster.

- fixed: the roster's agents per slot and channel (roster_slots) serve the scenario's demand; shifts of agents gone
  (headcount leavers, attrition) after their last day are taken out, hires are not in it. The service level is the
  one every roster figure uses (staffing.projected_coverage: the queueing model per slot for immediate channels, every
  arrival queued in due order for deferred ones (staffing.deferred_queue), backlog carried across closed hours and the
  week).
- reroster: the scenario's requirement rostered again with the scenario's agents and leave (solve_roster), the same
  projection on the new roster.
Per channel and day: offered, required and scheduled agent-hours, shortfall hours, offered-weighted service level,
late contacts (offered − answered within target) and the target. Per scenario and mode: those totals, paid hours and
cost (each shift's paid hours × its contract's cost_per_paid_hour, else reports.cost_per_paid_hour).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from planner.config import Config, ServiceLevelTarget
from planner.pipeline import check_week, history_end, horizon_forecast
from planner.scenarios.apply import ScenarioInputs, apply_scenario, untouched_changes
from planner.scenarios.overlay import Scenario
from planner.scheduling.result import RosterResult
from planner.scheduling.solve import solve_roster
from planner.staffing import projected_coverage, requirements

KEYS = ["interval_start", "channel"]
DAY_COLUMNS = ["scenario", "mode", "channel", "date", "offered", "required_h", "scheduled_h", "short_h",
               "service_level", "target", "late_contacts"]
UNCERTAIN_COLUMNS = ["expected_service_level", "p_meets_target"]  # with replications > 0
SIMULATED_COLUMNS = ["simulated_service_level", "simulated_service_level_se"]  # with a discrete-event check
SUMMARY_COLUMNS = ["scenario", "mode", "offered", "required_h", "scheduled_h", "short_h", "service_level",
                   "late_contacts", "paid_h", "cost", "shortfall_agent_slots", "overstaffing_agent_slots", "note"]
BASELINE = "baseline"


@dataclass
class Week:
    """The baseline a scenario changes: inputs, the week, and the staffing input over the plan's horizon."""

    config: Config
    agents: pd.DataFrame
    leave: pd.DataFrame | None
    week_start: dt.date
    history_end: dt.date
    staffing_input: pd.DataFrame
    day_dispersion: dict[str, float] = field(default_factory=dict)  # the forecast's negative binomial k of day totals


@dataclass
class Outcome:
    """One scenario × mode: coverage per slot (with service_level_projected and offered) and the shifts rostered."""

    scenario: str
    mode: str
    config: Config
    coverage: pd.DataFrame
    requirements: pd.DataFrame  # agents and load; the immediate channels' service figures NaN (see _requirements)
    shifts: pd.DataFrame  # agent_id, date, paid_hours (the agents' contracts come from agents)
    agents: pd.DataFrame
    roster: RosterResult | None = None
    note: str = ""


def baseline_week(config: Config, history: pd.DataFrame, agents: pd.DataFrame, leave: pd.DataFrame | None,
                  week_start: dt.date, model: str | None = None) -> Week:
    """The week's staffing input (forecast over the horizon with the deferred warm-up) from the history."""
    check_week(history, week_start)
    _, _, staffing_input, k_day = horizon_forecast(config, history, week_start, model)
    return Week(config, agents, leave, week_start, history_end(history), staffing_input, k_day)


def scenario_inputs(week: Week, scenario: Scenario | None) -> ScenarioInputs:
    """The scenario's config, staffing input, agents and leave (the baseline's when scenario is None)."""
    if scenario is None:
        return ScenarioInputs(week.config, week.staffing_input, week.agents, week.leave, {})
    return apply_scenario(scenario, week.config, week.staffing_input, week.agents, week.leave, week.week_start,
                          week.week_start + dt.timedelta(days=6), week.history_end)


def _requirements(week: Week, inputs: ScenarioInputs) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(the week's requirement, the horizon's) for the scenario: agents, load and the deferred backlog; the immediate
    channels' service figures are NaN (never read: every outcome projects its own roster's service)."""
    horizon = requirements(inputs.staffing_input, inputs.config, measures=False)
    start = pd.Timestamp(week.week_start)
    in_week = (horizon["interval_start"] >= start) & (horizon["interval_start"] < start + pd.Timedelta(days=7))
    return horizon[in_week].reset_index(drop=True), horizon


def fixed_roster(week: Week, name: str, inputs: ScenarioInputs, roster_slots: pd.DataFrame, shifts: pd.DataFrame
                 ) -> Outcome:
    """The given roster (roster_slots: agent_id, interval_start, activity; shifts: agent_id, date, paid_hours) against
    the scenario's demand, without the shifts of agents gone after their last day."""
    req_week, horizon = _requirements(week, inputs)
    slots = roster_slots.assign(interval_start=pd.to_datetime(roster_slots["interval_start"]),
                                agent_id=roster_slots["agent_id"].astype(str))
    kept_shifts = shifts.assign(agent_id=shifts["agent_id"].astype(str))
    for aid, last in inputs.gone.items():
        slots = slots[~((slots["agent_id"] == aid) & (slots["interval_start"].dt.date > last))]
        kept_shifts = kept_shifts[~((kept_shifts["agent_id"] == aid) & (pd.to_datetime(kept_shifts["date"]).dt.date > last))]
    counts = (slots[slots["activity"].isin(inputs.config.channel_names)]
              .groupby(["interval_start", "activity"], as_index=False).size()
              .rename(columns={"activity": "channel", "size": "scheduled"}))
    cov = req_week[KEYS + ["agents_required"]].merge(counts, on=KEYS, how="left")
    cov = cov.assign(scheduled=cov["scheduled"].fillna(0).astype(float), required=cov["agents_required"].astype(float))
    cov = cov.assign(gap=cov["scheduled"] - cov["required"])[KEYS + ["required", "scheduled", "gap"]]
    projected = projected_coverage(cov, req_week, inputs.config, agents_are="scheduled", context=horizon)
    notes = [f"{len(inputs.gone)} agent(s) gone: their later shifts removed"] if inputs.gone else []
    if inputs.contracts_changed:
        notes.append(f"contract {', '.join(inputs.contracts_changed)} changed: the kept roster's shifts do not follow "
                     "it (re-roster to see it)")
    return Outcome(name, "fixed", inputs.config, projected, req_week, kept_shifts, inputs.agents, None, "; ".join(notes))


def reroster(week: Week, name: str, inputs: ScenarioInputs, time_limit_s: float | None = None,
             on_progress: Callable[[float, float, float], None] | None = None) -> Outcome:
    """The scenario's requirement rostered again with its agents and leave, projected like every roster."""
    req_week, horizon = _requirements(week, inputs)
    result = solve_roster(inputs.config, req_week, inputs.agents, inputs.leave, week.week_start,
                          time_limit_s=time_limit_s, on_progress=on_progress)
    projected = projected_coverage(result.coverage, req_week, inputs.config, agents_are="scheduled", context=horizon)
    shifts = result.roster[["agent_id", "date", "paid_hours"]]
    note = "" if result.status == "OPTIMAL" else f"solver {result.status}: best roster within the time limit"
    return Outcome(name, "reroster", inputs.config, projected, req_week, shifts, inputs.agents, result, note)


def day_table(outcome: Outcome) -> pd.DataFrame:
    """DAY_COLUMNS rows: per channel and day of the outcome (hours, contacts, service level as a fraction)."""
    cfg = outcome.config
    slot_h = cfg.site.slot_minutes / 60
    cov = outcome.coverage.assign(interval_start=pd.to_datetime(outcome.coverage["interval_start"]))
    cov = cov.assign(date=cov["interval_start"].dt.date, offered=cov["offered"].astype(float).fillna(0.0))
    sl = cov["service_level_projected"].astype(float)
    weight = cov["offered"].where(sl.notna(), 0.0)
    cov = cov.assign(short=(cov["required"] - cov["scheduled"]).clip(lower=0), _w=weight, _wsl=sl.fillna(0) * weight,
                     late=(cov["offered"] * (1 - sl.fillna(1.0))).clip(lower=0))
    rows = []
    for (channel, day), g in cov.groupby(["channel", "date"], sort=True):
        target = cfg.channel(channel).target
        rows.append({"scenario": outcome.scenario, "mode": outcome.mode, "channel": channel, "date": day,
                     "offered": g["offered"].sum(), "required_h": g["required"].sum() * slot_h,
                     "scheduled_h": g["scheduled"].sum() * slot_h, "short_h": g["short"].sum() * slot_h,
                     "service_level": g["_wsl"].sum() / g["_w"].sum() if g["_w"].sum() > 0 else np.nan,
                     "target": target.service_level if isinstance(target, ServiceLevelTarget) else np.nan,
                     "late_contacts": g["late"].sum()})
    order = {c: i for i, c in enumerate(cfg.channel_names)}
    out = pd.DataFrame(rows, columns=DAY_COLUMNS)
    return out.sort_values(["channel", "date"], key=lambda s: s.map(order) if s.name == "channel" else s,
                           kind="stable").reset_index(drop=True)


def summary_row(outcome: Outcome, days: pd.DataFrame) -> dict:
    """SUMMARY_COLUMNS: the outcome's week totals, paid hours and cost."""
    cfg = outcome.config
    rate = _rates(cfg, outcome.agents)
    shifts = outcome.shifts
    paid = float(shifts["paid_hours"].astype(float).sum())
    cost = float((shifts["paid_hours"].astype(float) * shifts["agent_id"].astype(str).map(rate).fillna(np.nan)).sum())
    cov = outcome.coverage
    w = days["offered"].where(days["service_level"].notna(), 0.0)
    return {"scenario": outcome.scenario, "mode": outcome.mode, "offered": days["offered"].sum(),
            "required_h": days["required_h"].sum(), "scheduled_h": days["scheduled_h"].sum(),
            "short_h": days["short_h"].sum(),
            "service_level": float((days["service_level"].fillna(0) * w).sum() / w.sum()) if w.sum() > 0 else np.nan,
            "late_contacts": days["late_contacts"].sum(), "paid_h": paid, "cost": cost,
            "shortfall_agent_slots": int((cov["required"] - cov["scheduled"]).clip(lower=0).sum()),
            "overstaffing_agent_slots": int((cov["scheduled"] - cov["required"]).clip(lower=0).sum()),
            "note": outcome.note}


def _rates(cfg: Config, agents: pd.DataFrame) -> dict[str, float]:
    flat = cfg.reports.cost_per_paid_hour
    out = {}
    for aid, contract in zip(agents["agent_id"].astype(str), agents["contract"].astype(str), strict=True):
        own = next((c.cost_per_paid_hour for c in cfg.contracts if c.name == contract), None)
        out[aid] = float(own if own is not None else flat if flat is not None else np.nan)
    return out


def evaluate(week: Week, scenarios: list[Scenario], modes: tuple[str, ...], roster_slots: pd.DataFrame | None,
             shifts: pd.DataFrame | None, time_limit_s: float | None = None,
             on_step: Callable[[str], None] | None = None) -> list[Outcome]:
    """Baseline and every scenario in each mode; without roster_slots and shifts the fixed mode keeps the baseline's
    own roster, solved first."""
    outcomes = []
    base_roster = None
    if "fixed" in modes and (roster_slots is None or shifts is None):
        if on_step is not None:
            on_step(f"{BASELINE}, rostering the roster the fixed mode keeps")
        base_roster = reroster(week, BASELINE, scenario_inputs(week, None), time_limit_s)
        roster_slots = base_roster.roster.roster_slots
        shifts = base_roster.shifts
    for scenario in [None, *scenarios]:
        name = BASELINE if scenario is None else scenario.name
        inputs = scenario_inputs(week, scenario)
        unused = untouched_changes(scenario, *week_days(week)) if scenario is not None else []
        for mode in modes:
            if on_step is not None:
                on_step(f"{name}, {mode}")
            if mode == "fixed":
                outcome = fixed_roster(week, name, inputs, roster_slots, shifts)
            elif scenario is None and base_roster is not None:
                outcome = base_roster
            else:
                outcome = reroster(week, name, inputs, time_limit_s)
            if unused:  # said in the summary as well as by the CLI's warning
                said = f"not applied, no day in the week: {'; '.join(unused)}"
                outcome.note = f"{outcome.note}; {said}" if outcome.note else said
            outcomes.append(outcome)
    return outcomes


def week_days(week: Week) -> tuple[dt.date, dt.date]:
    """The first and last day evaluated (the week's Monday and Sunday)."""
    return week.week_start, week.week_start + dt.timedelta(days=6)


def _load(outcome: Outcome) -> pd.DataFrame:
    """The week's demand as the simulators take it (every slot, closed hours included)."""
    return outcome.requirements[["interval_start", "channel", "offered", "aht_s"]]


def with_uncertainty(days: pd.DataFrame, outcome: Outcome, week: Week, replications: int, seed: int) -> pd.DataFrame:
    """days with expected_service_level and P(service level ≥ target) per channel and day when each day's volume is
    off the forecast by the forecast's own measured day-level dispersion (uncertainty.monte_carlo, rate CV = √k)."""
    from planner.scenarios.agents import from_coverage
    from planner.scenarios.uncertainty import monte_carlo, rate_cv_from_k

    cv = {name: rate_cv_from_k(week.day_dispersion.get(name, 0.0)) for name in outcome.config.channel_names}
    result = monte_carlo(_load(outcome), from_coverage(outcome.coverage, outcome.config), outcome.config,
                         replications, seed, rate_cv=cv)
    return days.merge(result.daily[["date", "channel", *UNCERTAIN_COLUMNS]], on=["date", "channel"], how="left")


def with_simulation(days: pd.DataFrame, outcome: Outcome, replications: int, seed: int) -> pd.DataFrame:
    """days with the discrete-event simulation's mean daily service level and its standard error (simulate.simulate
    of the outcome's roster against Poisson arrivals at the forecast)."""
    from planner.scenarios import simulate
    from planner.scenarios.agents import from_coverage

    slots = simulate.simulate(from_coverage(outcome.coverage, outcome.config), _load(outcome), outcome.config,
                              replications, seed)
    summary = simulate.summary(simulate.daily(slots)).rename(
        columns={"service_level": SIMULATED_COLUMNS[0], "service_level_se": SIMULATED_COLUMNS[1]})
    return days.merge(summary[["date", "channel", *SIMULATED_COLUMNS]], on=["date", "channel"], how="left")
