"""The capacity plan in one call: forecast and staffing over the weeks, agents' hours, approved leave → Capacity."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from planner.config import Config
from planner.leave.capacity import Capacity, build_capacity, day_table, week_table
from planner.leave.horizon import DEFAULT_PLAN_WEEKS, MAX_PLAN_WEEKS, Horizon, plan_horizon
from planner.leave.hours import AgentHours, agent_hours, monday


@dataclass
class LeavePlan:
    """The horizon's requirement, the agents as leave planning sees them, and the capacity per group and day."""

    horizon: Horizon
    agents: dict[str, AgentHours]
    capacity: Capacity

    def tables(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        """(capacity_plan per group and week, leave_allowance per group and day), hours."""
        return week_table(self.capacity, self.horizon.basis), day_table(self.capacity)


def leave_plan(config: Config, history: pd.DataFrame, agents: pd.DataFrame, leave: pd.DataFrame | None,
               weeks: int = DEFAULT_PLAN_WEEKS, start: dt.date | None = None, model: str | None = None) -> LeavePlan:
    """Capacity plan of `weeks` weeks (1–53) from start (default: the first Monday after the history)."""
    horizon = plan_horizon(config, history, weeks, start, model)
    hours = agent_hours(config, agents)
    capacity = build_capacity(config, horizon.channel_day_h, hours, leave, horizon.start, horizon.weeks)
    return LeavePlan(horizon, hours, capacity)


def weeks_to_cover(history_last: dt.date, requests: pd.DataFrame) -> int:
    """Plan weeks from the first Monday after the history to the last requested day (1 to 53)."""
    first = history_last + dt.timedelta(days=1)
    start = first + dt.timedelta(days=(7 - first.weekday()) % 7)
    pending = requests[requests["status"] == "requested"]
    if pending.empty:
        return 1
    last = max(pending["end_date"])
    return max(1, min(MAX_PLAN_WEEKS, (monday(last) - start).days // 7 + 1))
