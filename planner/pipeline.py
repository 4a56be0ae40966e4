"""The weekly planning chain on DataFrames: history → forecast → requirements → roster (+ LP bound and coverage)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from planner.config import Config
from planner.errors import RequestError
from planner.forecasting import forecast_stage, forecast_tables_stage
from planner.scheduling.bound import BoundResult, shifts_within_day, shortfall_lower_bound, weeks_bound
from planner.scheduling.outputs import coverage_with_service_level
from planner.scheduling.result import RosterResult
from planner.scheduling.solve import solve_roster
from planner.staffing import requirements

MAX_WEEKS_AHEAD = 8


@dataclass
class WeekPlan:
    """Everything the chain produces for one roster week."""

    week_start: dt.date
    forecast: pd.DataFrame  # the roster weeks only
    requirements: pd.DataFrame  # the roster weeks only
    roster: RosterResult
    coverage: pd.DataFrame  # with service_level_projected
    bound: BoundResult | None  # over the whole horizon
    forecast_daily: pd.DataFrame | None = None  # the roster weeks' daily forecast with its own interval
    weeks: int = 1  # consecutive weeks rostered in one solve (1 to 4)
    week_floors: dict[dt.date, float] | None = None  # each week's own LP floor (agent-slots), for a multi-week plan


def next_monday(after: dt.date) -> dt.date:
    """The first Monday strictly after a date."""
    return after + dt.timedelta(days=7 - after.weekday())


def history_end(history: pd.DataFrame) -> dt.date:
    """Last calendar day present in a history table."""
    if history.empty:
        raise RequestError("the history table has no rows")
    return pd.Timestamp(history["interval_start"].max()).date()


def week_requirements(config: Config, history: pd.DataFrame, week_start: dt.date, model: str | None = None
                      ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Forecast and requirements tables for the 7 days from week_start (a Monday); see week_forecast."""
    forecast_df, _, req_df, _ = week_forecast(config, history, week_start, model)
    return forecast_df, req_df


def week_forecast(config: Config, history: pd.DataFrame, week_start: dt.date, model: str | None = None, weeks: int = 1
                  ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Slot forecast, daily forecast and requirements for the `weeks` weeks from week_start (a Monday), and the
    requirements over the whole staffing horizon (warm-up and cool-down weeks included; there the immediate
    channels' service figures are NaN: only the deferred channels' backlog is carried across the roster weeks).

    Deferred channels carry a backlog across slots, so their plan is computed over a warm-up week
    of actual history before the forecast and a cool-down week after the roster weeks, then cropped:
    Monday then inherits the weekend's email and Sunday is not forced to clear everything.
    """
    check_week(history, week_start)
    week_end = week_start + dt.timedelta(days=7 * weeks)
    forecast_all, daily_all, staffing_input, _ = horizon_forecast(config, history, week_start, model, weeks)
    req_all = requirements(staffing_input, config, measures_between=(pd.Timestamp(week_start), pd.Timestamp(week_end)))
    in_week = _between(week_start, week_end)
    daily_in_week = (daily_all["date"] >= week_start) & (daily_all["date"] < week_end)
    return (forecast_all[in_week(forecast_all)].reset_index(drop=True),
            daily_all[daily_in_week].reset_index(drop=True),
            req_all[in_week(req_all)].reset_index(drop=True), req_all)


def check_week(history: pd.DataFrame, week_start: dt.date) -> None:
    """RequestError unless week_start is a Monday after the history, at most MAX_WEEKS_AHEAD weeks ahead."""
    if week_start.weekday() != 0:
        raise RequestError(f"the roster week must start on a Monday; {week_start} is a {week_start:%A}")
    first_forecast_day = history_end(history) + dt.timedelta(days=1)
    if week_start < first_forecast_day:
        last = first_forecast_day - dt.timedelta(days=1)
        raise RequestError(f"week {week_start} is inside the history (which runs to {last}); "
                           f"plan a week starting on or after {next_monday(last)}")
    if (week_start - first_forecast_day).days > 7 * MAX_WEEKS_AHEAD:
        raise RequestError(f"week {week_start} is more than {MAX_WEEKS_AHEAD} weeks after the history ends; "
                           "update the history first")


def horizon_forecast(config: Config, history: pd.DataFrame, week_start: dt.date, model: str | None = None,
                     weeks: int = 1) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, dict[str, float]]:
    """(slot forecast, daily forecast, staffing input, daily dispersion k per channel) from the day after the history
    to a cool-down week after the `weeks` roster weeks; the staffing input (interval_start, channel, offered, aht_s) has the
    deferred channels' warm-up week of actual history before the forecast (week_forecast checks week_start first)."""
    first_forecast_day = history_end(history) + dt.timedelta(days=1)
    horizon_days = (week_start + dt.timedelta(days=7 * (weeks + 1)) - first_forecast_day).days
    tables = forecast_tables_stage(config, history, first_forecast_day, weeks=-(-horizon_days // 7), model=model)
    warmup = _warmup_rows(config, history, first_forecast_day)
    staffing_input = pd.concat([warmup, tables.slots[["interval_start", "channel", "offered", "aht_s"]]],
                               ignore_index=True)
    return tables.slots, tables.daily, staffing_input, dict(tables.day_dispersion)


def holdout_forecast(config: Config, history: pd.DataFrame, weeks: int = 4, model: str | None = None) -> pd.DataFrame:
    """The forecast the model would have made `weeks` weeks before the history ends, for those weeks (to compare with actuals)."""
    origin = next_monday(history_end(history)) - dt.timedelta(days=7 * weeks)
    before = history[history["interval_start"] < pd.Timestamp(origin)]
    return forecast_stage(config, before, origin, weeks=weeks, model=model)


def plan_week(
    config: Config,
    history: pd.DataFrame,
    agents: pd.DataFrame,
    leave: pd.DataFrame | None,
    week_start: dt.date,
    *,
    previous_roster: pd.DataFrame | None = None,
    model: str | None = None,
    time_limit_s: float | None = None,
    on_progress: Callable[[float, float, float], None] | None = None,
    with_bound: bool = True,
    weeks: int = 1,
) -> WeekPlan:
    """Run forecast → staffing → CP-SAT roster for `weeks` consecutive weeks (one solve, 1 to 4 weeks) and project
    the service level of the roster. A previous roster carries rest and consecutive days into the first week."""
    forecast_df, daily_df, req_df, req_horizon = week_forecast(config, history, week_start, model=model, weeks=weeks)
    result = solve_roster(config, req_df, agents, leave, week_start, previous_roster=previous_roster,
                          on_progress=on_progress, time_limit_s=time_limit_s, weeks=weeks)
    bound, floors = None, None
    if with_bound and weeks > 1:
        each = week_bounds(config, req_df, agents, leave, week_start, weeks)
        floors = {monday: b.total for monday, b in each.items()}
        if result.shortfall_bound is not None:
            bound = result.shortfall_bound
        elif shifts_within_day(config):
            bound = weeks_bound(list(each.values()))
        else:
            bound = shortfall_lower_bound(config, req_df, agents, leave, week_start, weeks=weeks)
    elif with_bound:  # the roster solve already solved the LP bound on its instance (same requirement, agents, leave)
        bound = result.shortfall_bound or shortfall_lower_bound(config, req_df, agents, leave, week_start, weeks=weeks)
    coverage = coverage_with_service_level(result, config, req_df, context=req_horizon)
    return WeekPlan(week_start, forecast_df, req_df, result, coverage, bound, daily_df, weeks, floors)


def week_bounds(config: Config, requirements_df: pd.DataFrame, agents: pd.DataFrame, leave: pd.DataFrame | None,
                week_start: dt.date, weeks: int) -> dict[dt.date, BoundResult]:
    """Each week's LP bound on its own shortfall (agent-slots). The LP ties no week to another (its rules are per
    day and per week), so a week's floor alone holds inside the multi-week roster too, as long as no shift of one
    week covers a slot of the next (a night shift on Sunday: see bound.shifts_within_day)."""
    bounds = {}
    for w in range(weeks):
        monday = week_start + dt.timedelta(days=7 * w)
        rows = requirements_df[_between(monday, monday + dt.timedelta(days=7))(requirements_df)]
        bounds[monday] = shortfall_lower_bound(config, rows, agents, leave, monday, weeks=1)
    return bounds


def _warmup_rows(config: Config, history: pd.DataFrame, first_forecast_day: dt.date) -> pd.DataFrame:
    """The last week of actual deferred-channel history before the forecast, with AHT gaps filled from the config."""
    deferred = [c.name for c in config.channels if c.kind == "deferred"]
    since = pd.Timestamp(first_forecast_day - dt.timedelta(days=7))
    rows = history[(history["interval_start"] >= since) & history["channel"].isin(deferred)]
    rows = rows[["interval_start", "channel", "offered"]].assign(
        aht_s=history.loc[rows.index, "aht_s"] if "aht_s" in history else float("nan"))
    default_aht = rows["channel"].map({c.name: c.aht_s for c in config.channels})
    return rows.assign(aht_s=rows["aht_s"].astype(float).fillna(default_aht)).reset_index(drop=True)


def _between(start: dt.date, end: dt.date) -> Callable[[pd.DataFrame], pd.Series]:
    lo, hi = pd.Timestamp(start), pd.Timestamp(end)
    return lambda df: (df["interval_start"] >= lo) & (df["interval_start"] < hi)
