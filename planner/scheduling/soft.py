"""Soft labour rules of one agent, one helper per rule, each returning named penalties (weight per violation)."""

from __future__ import annotations

from dataclasses import dataclass

from ortools.sat.python import cp_model

from planner.scheduling.instance import WEEKEND_DAYS, Instance
from planner.scheduling.rules import AgentVars

SIMILAR_START_TOLERANCE_MIN = 60  # start times of consecutive worked days may differ by this much without penalty
EARLY_START_BEFORE_MIN = 10 * 60  # preference 'early': shifts start before 10:00
LATE_START_FROM_MIN = 12 * 60  # preference 'late': shifts start at 12:00 or later
DAY_TOKENS = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6}

SOFT_RULES = {
    "two_consecutive_days_off": "two consecutive days off in each week",
    "similar_start_times": f"start times of consecutive worked days within {SIMILAR_START_TOLERANCE_MIN} min",
    "fair_weekends": "not both days of a weekend (weekend work shared across the team)",
    "preferences": "agent preferences (early, late, no_weekends, off:<weekday>)",
    "requested_leave": "requested (unapproved) leave honoured",
}


@dataclass
class Penalty:
    """One possible soft-rule violation: 1 when violated (an expression over the model's bools), with its weight."""

    rule: str
    agent_id: str
    day: int
    expr: cp_model.LinearExprT
    weight: float


def two_consecutive_days_off(model: cp_model.CpModel, inst: Instance, av: AgentVars, weight: float) -> list[Penalty]:
    """Each week should hold at least one pair of consecutive days off (leave days count as off)."""
    out = []
    for week in inst.weeks:
        pairs = []
        for d in list(week)[:-1]:
            w1, w2 = av.work.get(d), av.work.get(d + 1)
            if w1 is None and w2 is None:
                pairs = None
                break
            both_off = model.new_bool_var(f"off2[{av.agent.agent_id},d{d}]")
            for w in (w1, w2):
                if w is not None:
                    model.add_implication(both_off, ~w)
            pairs.append(both_off)
        if pairs is None:
            continue
        viol = model.new_bool_var(f"viol_two_days_off[{av.agent.agent_id},w{week.start // 7}]")
        model.add_bool_or([*pairs, viol])
        out.append(Penalty("two_consecutive_days_off", av.agent.agent_id, week.start, viol, weight))
    return out


def similar_start_times(model: cp_model.CpModel, inst: Instance, av: AgentVars, weight: float) -> list[Penalty]:
    """Consecutive worked days should start within SIMILAR_START_TOLERANCE_MIN of each other (time of day)."""
    out = []
    spd, tol = inst.slots_per_day, SIMILAR_START_TOLERANCE_MIN // inst.slot_min
    for d in sorted(av.x):
        if d + 1 not in av.x:
            continue
        viol = model.new_bool_var(f"viol_start[{av.agent.agent_id},d{d + 1}]")
        both = [av.work[d], av.work[d + 1], ~viol]
        shift = av.start(d + 1) - av.start(d) - spd  # change in time of day when both days are worked
        model.add(shift <= tol).only_enforce_if(both)
        model.add(shift >= -tol).only_enforce_if(both)
        model.add_implication(viol, av.work[d + 1])
        out.append(Penalty("similar_start_times", av.agent.agent_id, d + 1, viol, weight))
    return out


def fair_weekends(model: cp_model.CpModel, inst: Instance, av: AgentVars, weight: float) -> list[Penalty]:
    """Working both days of one weekend is penalised, so weekend work is spread across the team."""
    out = []
    for week in inst.weeks:
        sat, sun = _weekend(inst, week)
        if sat in av.work and sun in av.work:
            viol = model.new_bool_var(f"viol_weekend[{av.agent.agent_id},d{sat}]")
            model.add(av.work[sat] + av.work[sun] <= 1 + viol)
            out.append(Penalty("fair_weekends", av.agent.agent_id, sat, viol, weight))
    return out


def _weekend(inst: Instance, week: range) -> tuple[int, int]:
    sat = next((d for d in week if inst.day_date(d).weekday() == 5), -1)
    return sat, sat + 1


def preferences(model: cp_model.CpModel, inst: Instance, av: AgentVars, weight: float) -> list[Penalty]:
    """Each worked day against a preference token costs one violation: early, late, no_weekends, off:<weekday>."""
    out = []
    spd = inst.slots_per_day
    for token in av.agent.preferences:
        for d, pairs in sorted(av.x.items()):
            weekday = inst.day_date(d).weekday()
            if token == "early":
                bad = [v for t, v in pairs if (t.start - d * spd) * inst.slot_min >= EARLY_START_BEFORE_MIN]
            elif token == "late":
                bad = [v for t, v in pairs if (t.start - d * spd) * inst.slot_min < LATE_START_FROM_MIN]
            elif token in ("no_weekends", "no_weekend"):
                bad = [av.work[d]] if weekday in WEEKEND_DAYS else []
            elif token.startswith("off:") and DAY_TOKENS.get(token[4:7]) == weekday:
                bad = [av.work[d]]
            else:
                bad = []
            if bad:
                out.append(Penalty("preferences", av.agent.agent_id, d, sum(bad), weight))
    return out


def requested_leave(model: cp_model.CpModel, inst: Instance, av: AgentVars, weight: float) -> list[Penalty]:
    """Working a day of requested (not yet approved) leave costs one violation."""
    return [Penalty("requested_leave", av.agent.agent_id, d, av.work[d], weight)
            for d in sorted(av.agent.requested_leave) if d in av.work]


SOFT_HELPERS = {
    "two_consecutive_days_off": two_consecutive_days_off,
    "similar_start_times": similar_start_times,
    "fair_weekends": fair_weekends,
    "preferences": preferences,
    "requested_leave": requested_leave,
}


def add_soft_rules(model: cp_model.CpModel, inst: Instance, av: AgentVars) -> list[Penalty]:
    """Every soft rule with a non-zero weight in labour_rules.soft, as penalties."""
    weights = inst.config.labour_rules.soft
    out: list[Penalty] = []
    for rule, helper in SOFT_HELPERS.items():
        weight = getattr(weights, rule)
        if weight > 0:
            out.extend(helper(model, inst, av, weight))
    return out
