"""The one calendar of the planner: which slots of a channel are open (site or channel hours, holidays applied).

Every stage that needs open slots (forecast, staffing requirements, scheduling instance, sample data) asks
here; only the independent roster checker (scheduling/check.py) keeps its own reading of the config.
A channel is open only while the site is (the config loader refuses channel hours outside the site's).
A slot is open when any part of it lies inside an opening window; the config loader only accepts windows
on the slot grid, where this is the same as "the slot starts inside the window".
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from planner.config.schema import Config

DAY_MIN = 24 * 60


def day_window(config: Config, day: dt.date, channel: str | None = None) -> tuple[int, int] | None:
    """(open, close) in minutes after the day's midnight (close > 1440 past midnight), None when closed."""
    hours = config.hours_on(day, channel)
    return None if hours is None else (hours.open_min, hours.close_min)


def open_mask(config: Config, channel: str | None, slot_starts) -> np.ndarray:
    """Bool per slot start (naive local wall-clock timestamps): True when the channel (None: the site) is open."""
    starts = pd.DatetimeIndex(pd.to_datetime(pd.Series(slot_starts)).to_numpy())
    if starts.size == 0:
        return np.zeros(0, dtype=bool)
    if channel is not None:
        # a channel is never open while the site is closed (the loader refuses such hours; a config built
        # without it still gets the same rule)
        return _window_mask(config, channel, starts) & _window_mask(config, None, starts)
    return _window_mask(config, None, starts)


def _window_mask(config: Config, channel: str | None, starts: pd.DatetimeIndex) -> np.ndarray:
    slot_min = config.site.slot_minutes
    code, unique = pd.factorize(starts.normalize())  # the windows per day, looked up once per day, not per slot
    today = np.array([day_window(config, d.date(), channel) or (0, 0) for d in unique]).reshape(-1, 2)[code]
    yesterday = np.array([day_window(config, (d - pd.Timedelta(days=1)).date(), channel) or (0, 0)
                          for d in unique]).reshape(-1, 2)[code]
    minute = (starts.hour * 60 + starts.minute).to_numpy()
    end = minute + slot_min
    # a window closing after midnight (close > 1440) spills into the next morning
    return (((end > today[:, 0]) & (minute < np.minimum(today[:, 1], DAY_MIN)) & (today[:, 1] > today[:, 0]))
            | (minute + DAY_MIN < yesterday[:, 1]))


def slot_starts(first_day: dt.date, n_slots: int, slot_minutes: int) -> pd.DatetimeIndex:
    """Naive wall-clock starts of n_slots consecutive slots from first_day 00:00."""
    return pd.Timestamp(first_day) + pd.to_timedelta(np.arange(n_slots) * slot_minutes, unit="min")
