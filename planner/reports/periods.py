"""Reporting periods (slot, hour, day, week, month) as the start timestamp of the period each time falls in."""

from __future__ import annotations

import pandas as pd

PERIODS = ("slot", "hour", "day", "week", "month")


def period_start(times: pd.Series, period: str, slot_minutes: int = 15) -> pd.Series:
    """Start of the period (naive local time) containing each timestamp; weeks start on Monday."""
    times = pd.to_datetime(times)
    if period == "slot":
        return times.dt.floor(f"{slot_minutes}min")
    if period == "hour":
        return times.dt.floor("h")
    if period == "day":
        return times.dt.normalize()
    if period == "week":
        day = times.dt.normalize()
        return day - pd.to_timedelta(day.dt.weekday, unit="D")
    if period == "month":
        return times.dt.to_period("M").dt.start_time
    raise ValueError(f"unknown period {period!r}; use one of {', '.join(PERIODS)}")
