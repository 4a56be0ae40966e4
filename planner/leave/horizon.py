"""The requirement a capacity plan rests on: the forecast for up to 53 weeks through the staffing models, per channel and day.

The forecast (yearly shape, holidays, campaigns in forecast.events) and the staffing models (Erlang C/A per slot,
deferred backlog) are the planner's own stages, called here, never re-implemented. Each slot's productive agents
become required hours grossed up by the channel's shrinkage other than planned leave (channel shrinkage minus
leave.leave_in_shrinkage): planned leave is taken off the available hours instead, so it is never counted twice.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from planner.config import Config
from planner.errors import RequestError
from planner.forecasting import forecast_tables_stage
from planner.staffing import requirements

MAX_PLAN_WEEKS = 53  # a leave year from the Monday of its first day
DEFAULT_PLAN_WEEKS = 52
YEARLY_SHAPE_WEEKS = 60  # forecasts.models.seasonal.Seasonal(min_yearly_weeks=60): shorter histories get no yearly shape


@dataclass(frozen=True)
class Horizon:
    """Required hours per channel and day over the plan's weeks, and what the forecast rests on."""

    start: dt.date  # a Monday
    weeks: int
    channel_day_h: pd.DataFrame  # date, channel, required_h, offered
    basis: str  # one sentence: what the forecast of these weeks rests on


def other_shrinkage(config: Config, channel: str) -> float:
    """The channel's shrinkage without its planned-leave share (a fraction)."""
    return config.roster_shrinkage(channel)


def required_by_day(config: Config, requirements_df: pd.DataFrame) -> pd.DataFrame:
    """date, channel, required_h, offered: productive agent-hours per day grossed up by the non-leave shrinkage (hours)."""
    slot_h = config.site.slot_minutes / 60
    df = requirements_df.assign(date=pd.to_datetime(requirements_df["interval_start"]).dt.date)
    keep = {c: 1 - other_shrinkage(config, c) for c in config.channel_names}
    df = df.assign(required_h=df["agents_productive"].astype(float) * slot_h / df["channel"].map(keep))
    out = df.groupby(["date", "channel"], sort=True, as_index=False).agg(required_h=("required_h", "sum"),
                                                                        offered=("offered", "sum"))
    return out


def basis_text(history_first: dt.date, history_last: dt.date, start: dt.date, weeks: int) -> str:
    """What a plan from start for weeks rests on, given the history's span (one sentence)."""
    span_weeks = ((history_last - history_first).days + 1) // 7
    end = start + dt.timedelta(weeks=weeks) - dt.timedelta(days=1)
    yearly = (f"the yearly shape of {span_weeks} weeks of history ({history_first} to {history_last})"
              if span_weeks >= YEARLY_SHAPE_WEEKS else
              f"no yearly shape: the history has {span_weeks} weeks ({history_first} to {history_last}), fewer than "
              f"the {YEARLY_SHAPE_WEEKS} the seasonal model needs, so weeks to {end} rest on the weekday pattern, a damped "
              "trend, public holidays and forecast.events only")
    return f"forecast {start} to {end} from {yearly}"


def plan_horizon(config: Config, history: pd.DataFrame, weeks: int, start: dt.date | None = None,
                 model: str | None = None) -> Horizon:
    """Forecast and staff `weeks` weeks (1–53) from start (default: the first Monday after the history) by day and channel."""
    if not 1 <= weeks <= MAX_PLAN_WEEKS:
        raise RequestError(f"a capacity plan covers 1 to {MAX_PLAN_WEEKS} weeks; got {weeks}")
    if history.empty:
        raise RequestError("the history has no rows: a capacity plan needs a forecast, and a forecast needs history")
    times = pd.to_datetime(history["interval_start"])
    first_day, last_day = times.min().date(), times.max().date()
    forecast_from = last_day + dt.timedelta(days=1)
    start = start or forecast_from + dt.timedelta(days=(7 - forecast_from.weekday()) % 7)
    if start.weekday() != 0:
        raise RequestError(f"a capacity plan starts on a Monday; {start} is a {start:%A}")
    if start < forecast_from:
        raise RequestError(f"the plan starts {start}, inside the history (which runs to {last_day}); "
                           f"start on or after {forecast_from}")
    end = start + dt.timedelta(weeks=weeks)
    days = (end - forecast_from).days
    tables = forecast_tables_stage(config, history, forecast_from, weeks=-(-days // 7), model=model)
    slots = tables.slots[["interval_start", "channel", "offered", "aht_s"]]
    req = requirements(slots, config, measures=False)  # required_by_day reads the agents only
    by_day = required_by_day(config, req)
    by_day = by_day[(by_day["date"] >= start) & (by_day["date"] < end)].reset_index(drop=True)
    return Horizon(start, weeks, by_day, basis_text(first_day, last_day, start, weeks))
