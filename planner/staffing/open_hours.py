"""Which slots of a channel are open, from the config's opening hours (holidays and channel overrides applied)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from planner.config.schema import Config

DAY_MIN = 24 * 60


def open_slots(config: Config, channel: str, interval_start) -> np.ndarray:
    """Bool per slot start (naive local timestamps): True when the channel is open at that slot."""
    starts = pd.DatetimeIndex(pd.to_datetime(pd.Series(interval_start)).to_numpy())
    if starts.size == 0:
        return np.zeros(0, dtype=bool)
    days = starts.normalize()
    minute = (starts.hour * 60 + starts.minute).to_numpy()
    windows: dict[dt.date, tuple[int, int]] = {}
    for day in pd.DatetimeIndex(days.unique()).union(pd.DatetimeIndex(days.unique()) - pd.Timedelta(days=1)):
        hours = config.hours_on(day.date(), channel)
        windows[day.date()] = (hours.open_min, hours.close_min) if hours is not None else (0, 0)
    today = [windows[d] for d in days.date]
    yesterday = [windows[d - dt.timedelta(days=1)] for d in days.date]
    open_t = np.array([w[0] for w in today])
    close_t = np.array([w[1] for w in today])
    close_y = np.array([w[1] for w in yesterday])
    # a window closing after midnight (close > 1440) spills into the next morning
    return ((minute >= open_t) & (minute < np.minimum(close_t, DAY_MIN))) | (minute + DAY_MIN < close_y)
