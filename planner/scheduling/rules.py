"""Hard labour rules of one agent, one helper per rule; each may be switched by enforcement literals (explanations)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from planner.scheduling.instance import AgentInfo, Instance, Template

HARD_RULES = {
    "rest": "minimum rest between shifts",
    "rest_previous": "minimum rest after the previous roster's last shift",
    "days_per_week": "maximum working days per week (contract)",
    "consecutive_days": "maximum consecutive working days",
    "weekly_hours_min": "weekly paid hours at least the contract minimum (less a contract day per leave day or holiday closure)",
    "weekly_hours_max": "weekly paid hours at most the contract maximum",
}


@dataclass
class AgentVars:
    """The decision variables of one agent: a template choice per day and the derived working-day literal."""

    agent: AgentInfo
    x: dict[int, list[tuple[Template, cp_model.IntVar]]] = field(default_factory=dict)  # day -> [(template, bool)]
    work: dict[int, cp_model.IntVar] = field(default_factory=dict)  # day -> bool, absent when the day cannot be worked
    model: cp_model.CpModel | None = None
    _starts: dict[int, cp_model.IntVar] = field(default_factory=dict)
    _ends: dict[int, cp_model.IntVar] = field(default_factory=dict)
    paid: dict[int, cp_model.IntVar] = field(default_factory=dict)  # first day of week -> paid minutes

    def start(self, day: int) -> cp_model.IntVar:
        """Start slot of the day's shift (0 when the day is off), one variable shared by every rule that needs it."""
        if day not in self._starts:
            pairs = self.x[day]
            var = self.model.new_int_var(0, max(t.start for t, _ in pairs), f"start[{self.agent.agent_id},d{day}]")
            self.model.add(var == sum(t.start * v for t, v in pairs))
            self._starts[day] = var
        return self._starts[day]

    def end(self, day: int) -> cp_model.IntVar:
        """End slot of the day's shift (0 when the day is off)."""
        if day not in self._ends:
            pairs = self.x[day]
            var = self.model.new_int_var(0, max(t.end for t, _ in pairs), f"end[{self.agent.agent_id},d{day}]")
            self.model.add(var == sum(t.end * v for t, v in pairs))
            self._ends[day] = var
        return self._ends[day]


def add_agent_choice(model: cp_model.CpModel, inst: Instance, agent: AgentInfo) -> AgentVars:
    """One bool per allowed template and day; at most one template a day, `work[d]` is their sum."""
    av = AgentVars(agent, model=model)
    for day, indices in sorted(agent.templates.items()):
        pairs = [(inst.templates[i], model.new_bool_var(f"x[{agent.agent_id},{inst.templates[i].start},{i}]")) for i in indices]
        work = model.new_bool_var(f"work[{agent.agent_id},d{day}]")
        model.add(sum(v for _, v in pairs) == work)
        av.x[day], av.work[day] = pairs, work
    return av


def _when(constraint: cp_model.Constraint, literals: list) -> None:
    if literals:
        constraint.only_enforce_if(literals)


def add_rest(model: cp_model.CpModel, inst: Instance, av: AgentVars, enforce: list | None = None) -> None:
    """At least min_rest_h between the end of one shift and the start of the next (shifts may cross midnight)."""
    rest = math.ceil(inst.config.labour_rules.min_rest_h * 60 / inst.slot_min)
    days = sorted(av.x)
    for i, d1 in enumerate(days):
        latest_end = max(t.end for t, _ in av.x[d1])
        for d2 in days[i + 1:]:
            if min(t.start for t, _ in av.x[d2]) - latest_end >= rest:
                break
            model.add(av.start(d2) - av.end(d1) >= rest).only_enforce_if([av.work[d1], av.work[d2], *(enforce or [])])


def add_rest_previous(model: cp_model.CpModel, inst: Instance, av: AgentVars, enforce: list | None = None) -> None:
    """No shift may start less than min_rest_h after the previous roster's last shift ended."""
    if av.agent.prev_end_slot is None:
        return
    rest = math.ceil(inst.config.labour_rules.min_rest_h * 60 / inst.slot_min)
    for pairs in av.x.values():
        for t, v in pairs:
            if t.start < av.agent.prev_end_slot + rest:
                _when(model.add(v == 0), enforce or [])


def add_days_per_week(model: cp_model.CpModel, inst: Instance, av: AgentVars, enforce: list | None = None) -> None:
    """Worked days in each week at most the contract's days_per_week_max."""
    cap = inst.config.contract(av.agent.contract).days_per_week_max
    for week in inst.weeks:
        days = [av.work[d] for d in week if d in av.work]
        if len(days) > cap:
            _when(model.add(sum(days) <= cap), enforce or [])


def add_consecutive_days(model: cp_model.CpModel, inst: Instance, av: AgentVars, enforce: list | None = None) -> None:
    """No more than max_consecutive_days worked in a row, counting the days just before the horizon."""
    cap = inst.config.labour_rules.max_consecutive_days
    prior = min(av.agent.prev_consecutive_days, cap + 1)
    for first in range(-prior, inst.n_days - cap):
        window = range(first, first + cap + 1)
        fixed = sum(1 for d in window if d < 0)
        lits = [av.work[d] for d in window if d >= 0 and d in av.work]
        if fixed + len(lits) > cap:
            _when(model.add(sum(lits) <= cap - fixed), enforce or [])


def days_off_minimum(inst: Instance, agent: AgentInfo, week: range) -> int:
    """Days of the week that lower the agent's weekly minimum: approved leave days and days a public holiday closes
    the site on a normally open weekday (Instance.holiday_closed), a day that is both counted once."""
    return sum(1 for d in week if d in agent.approved_leave or d in inst.holiday_closed)


def weekly_minimum_min(inst: Instance, agent: AgentInfo, week: range) -> int:
    """The week's paid-minutes minimum: the contract's, less a contract day's share (weekly_hours_min /
    days_per_week_max) for each approved leave day and each day the site is closed for a public holiday."""
    contract = inst.config.contract(agent.contract)
    per_day = contract.weekly_hours_min * 60 / contract.days_per_week_max
    off = days_off_minimum(inst, agent, week)
    return max(0, math.ceil(contract.weekly_hours_min * 60 - off * per_day - 1e-6))


def paid_minutes(av: AgentVars, week: range) -> cp_model.IntVar:
    """Paid minutes worked in a week (shift length less unpaid breaks), one variable shared by the min and max rules."""
    if week.start not in av.paid:
        terms = [(t.paid_min, v) for d in week if d in av.x for t, v in av.x[d]]
        var = av.model.new_int_var(0, sum(c for c, _ in terms), f"paid_min[{av.agent.agent_id},w{week.start // 7}]")
        av.model.add(var == sum(c * v for c, v in terms))
        av.paid[week.start] = var
    return av.paid[week.start]


def add_weekly_hours_min(model: cp_model.CpModel, inst: Instance, av: AgentVars, enforce: list | None = None) -> None:
    """Paid hours each week at least the contract minimum (reduced for approved leave days and holiday closures)."""
    for week in inst.weeks:
        low = weekly_minimum_min(inst, av.agent, week)
        if low > 0:
            _when(model.add(paid_minutes(av, week) >= low), enforce or [])


def add_weekly_hours_max(model: cp_model.CpModel, inst: Instance, av: AgentVars, enforce: list | None = None) -> None:
    """Paid hours each week at most the contract maximum."""
    high = round(inst.config.contract(av.agent.contract).weekly_hours_max * 60)
    for week in inst.weeks:
        _when(model.add(paid_minutes(av, week) <= high), enforce or [])


RULE_HELPERS = {
    "rest": add_rest,
    "rest_previous": add_rest_previous,
    "days_per_week": add_days_per_week,
    "consecutive_days": add_consecutive_days,
    "weekly_hours_min": add_weekly_hours_min,
    "weekly_hours_max": add_weekly_hours_max,
}


def add_hard_rules(model: cp_model.CpModel, inst: Instance, av: AgentVars, literals: dict | None = None) -> None:
    """Every hard labour rule of one agent; with `literals` (rule -> bool) each rule holds only when its literal does."""
    for rule, helper in RULE_HELPERS.items():
        helper(model, inst, av, [literals[rule]] if literals else None)
