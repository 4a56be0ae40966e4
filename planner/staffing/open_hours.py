"""Which slots of a channel are open: the staffing stage's name for planner.calendar.open_mask."""

from __future__ import annotations

import numpy as np
import pandas as pd

from planner.calendar import open_mask
from planner.config.schema import Config


def open_slots(config: Config, channel: str, interval_start) -> np.ndarray:
    """Bool per slot start (naive local timestamps): True when the channel is open at that slot."""
    return open_mask(config, channel, interval_start)


def openings(config: Config, channel: str, interval_start) -> np.ndarray:
    """Bool per slot start: True when the channel is open at that slot and closed in the slot before (it opens)."""
    starts = pd.DatetimeIndex(pd.to_datetime(pd.Series(interval_start)))
    before = starts - pd.Timedelta(seconds=config.site.interval_s)
    return open_mask(config, channel, starts) & ~open_mask(config, channel, before)
