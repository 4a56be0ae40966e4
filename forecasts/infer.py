"""What a history says on its own: slot length, channels and, per weekday, the slots that are open."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from forecasts.errors import ForecastError
from forecasts.panel import weekday

INFER_WEEKS = 12  # recent weeks that decide the open slots (opening hours change over years)
MIN_ARRIVALS = 2  # arrivals within an hour around a slot (incl. its own) that make it open: one stray contact does not
MAX_HOLE_MIN = 60  # quiet stretches inside the day up to this long stay open


def infer_slot_minutes(starts: pd.Series) -> int:
    """Slot length in minutes: the largest divisor of the hour on which every interval_start falls."""
    minute = (starts.dt.hour * 60 + starts.dt.minute).to_numpy()
    if starts.dt.second.any():
        raise ForecastError("interval_start values have seconds; slots must start on whole minutes")
    step = 0
    for m in np.unique(minute):
        step = math.gcd(step, int(m))
    uniq = np.unique(starts.to_numpy())
    if len(uniq) > 1:
        diffs = np.diff(uniq).astype("timedelta64[m]").astype(np.int64)
        step = math.gcd(step, int(np.min(diffs)))
    step = step or 60
    for candidate in (60, 30, 20, 15, 12, 10, 6, 5, 4, 3, 2, 1):
        if step % candidate == 0:
            return candidate
    return 1


def infer_channels(history: pd.DataFrame) -> list[str]:
    """Channels of the history, sorted."""
    return sorted(history["channel"].unique().tolist())


def infer_open_pattern(y: np.ndarray, day0: np.datetime64, slot_minutes: int) -> np.ndarray:
    """Open slots per weekday [7, slot] from arrivals over the last INFER_WEEKS weeks of y [day, slot]."""
    n_days, slots = y.shape
    recent = slice(max(0, n_days - 7 * INFER_WEEKS), n_days)
    days = day0 + np.arange(n_days).astype("timedelta64[D]")
    wd = weekday(days[recent])
    vals = np.nan_to_num(y[recent], nan=0.0)
    pattern = np.zeros((7, slots), dtype=bool)
    half = max(1, 30 // slot_minutes)
    for g in range(7):
        counts = vals[wd == g].sum(axis=0)
        nearby = np.convolve(counts, np.ones(2 * half + 1), mode="same")
        open_ = (counts > 0) & (nearby >= MIN_ARRIVALS)
        pattern[g] = _fill_holes(open_, max(1, MAX_HOLE_MIN // slot_minutes))
    return pattern


def _fill_holes(open_: np.ndarray, max_hole: int) -> np.ndarray:
    """Close-free runs: closed stretches of at most max_hole slots between open slots become open."""
    out = open_.copy()
    idx = np.flatnonzero(open_)
    for a, b in zip(idx[:-1], idx[1:], strict=True):
        if 1 < b - a <= max_hole + 1:
            out[a:b] = True
    return out
