"""Contract hours of agents and the hours a leave period costs them (its charge), per day.

Rules, in hours:
- An agent's week is the contract's planned weekly hours, the middle of weekly_hours_min and _max, capped by
  days_per_week_max × the length of the agent's daily availability window when one is given.
- A leave day of an agent is one contract day: the week / days_per_week_max.
- A leave period costs one leave day for each day of it the site is open (public holidays the site closes on cost
  nothing), at most one week per calendar week (Monday to Sunday): a fortnight off costs two weeks, not 14 days.
  The charge of a week is spread evenly over its open leave days. The same hours leave the capacity plan, so the
  balance and the allowance count the same leave.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from planner.config import Config, Contract
from planner.leave.groups import agent_groups


def contract_week_h(contract: Contract) -> float:
    """Planned paid hours per week of a contract: the middle of its weekly minimum and maximum (hours)."""
    return (contract.weekly_hours_min + contract.weekly_hours_max) / 2


def _window_h(start: object, end: object) -> float | None:
    if start is None or end is None or pd.isna(start) or pd.isna(end):
        return None
    lo = int(str(start)[:2]) * 60 + int(str(start)[3:5])
    hi = int(str(end)[:2]) * 60 + int(str(end)[3:5])
    return ((hi - lo) % 1440 or 1440) / 60


@dataclass(frozen=True)
class AgentHours:
    """One agent as leave planning sees them: skill group, team, contract, week and leave-day hours, employment dates."""

    agent_id: str
    group: str
    team: str | None
    contract: str
    week_h: float
    day_h: float
    employed_from: dt.date | None
    employed_to: dt.date | None
    seniority: float
    priority: int

    def employed_on(self, day: dt.date) -> bool:
        """True when the agent is employed on day."""
        return (self.employed_from is None or day >= self.employed_from) and (self.employed_to is None or day <= self.employed_to)


def agent_hours(config: Config, agents: pd.DataFrame) -> dict[str, AgentHours]:
    """agent_id → AgentHours from a typed agents table (io.tables.validate_agents)."""
    groups = agent_groups(agents)
    out = {}
    for row in agents.to_dict("records"):
        contract = config.contract(str(row["contract"]))
        week = contract_week_h(contract)
        window = _window_h(row.get("available_from"), row.get("available_to"))
        if window is not None:
            week = min(week, contract.days_per_week_max * window)
        aid = str(row["agent_id"])
        out[aid] = AgentHours(
            agent_id=aid, group=groups[aid], team=None if pd.isna(row.get("team")) else str(row.get("team")),
            contract=contract.name, week_h=week, day_h=week / contract.days_per_week_max,
            employed_from=_date(row.get("employed_from")), employed_to=_date(row.get("employed_to")),
            seniority=0.0 if pd.isna(row.get("seniority", None)) else float(row["seniority"]),
            priority=0 if pd.isna(row.get("priority", None)) else int(row["priority"]))
    return out


def _date(value: object) -> dt.date | None:
    if value is None or (not isinstance(value, dt.date) and pd.isna(value)):
        return None
    return value if isinstance(value, dt.date) else pd.Timestamp(value).date()


class OpenDays:
    """Whether the site is open on a calendar day (opening hours and public holidays), cached per day."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self._cache: dict[dt.date, bool] = {}

    def __call__(self, day: dt.date) -> bool:
        """True when the site opens on day."""
        hit = self._cache.get(day)
        if hit is None:
            hit = self._cache[day] = self.config.hours_on(day) is not None
        return hit


def monday(day: dt.date) -> dt.date:
    """The Monday of day's calendar week."""
    return day - dt.timedelta(days=day.weekday())


def leave_charge(start: dt.date, end: dt.date, agent: AgentHours, is_open: OpenDays) -> dict[dt.date, float]:
    """Hours each day of [start, end] costs the agent (open days while employed; at most week_h per calendar week)."""
    days = [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]
    counted = [d for d in days if is_open(d) and agent.employed_on(d)]
    per_week: dict[dt.date, list[dt.date]] = {}
    for d in counted:
        per_week.setdefault(monday(d), []).append(d)
    out: dict[dt.date, float] = {}
    for week_days in per_week.values():
        each = min(len(week_days) * agent.day_h, agent.week_h) / len(week_days)
        out.update({d: each for d in week_days})
    return out
