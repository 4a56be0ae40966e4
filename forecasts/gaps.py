"""Open slots without a row in the history: found, filled in from the day's level and the weekday profile, and counted."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

MIN_OBSERVED_SHARE = 0.5  # a day with less of its expected volume observed than this is a gap (left out whole)
DST_LATEST_START_MIN = 240  # a single missing hour starting before 04:00 on an otherwise full day is a spring-forward change


@dataclass(frozen=True)
class Gaps:
    """What a channel's history lacked: open slots without a row, and open days without any row."""

    missing_slots: int
    missing_days: int


def fill_missing(y: np.ndarray, open_: np.ndarray, wd: np.ndarray, slot_minutes: int) -> tuple[np.ndarray, np.ndarray, Gaps]:
    """(y filled in, missing mask [day, slot], counts) for y [day, slot] with NaN where the history has no row.

    Closed slots without a row hold no contacts (0). An open slot without a row gets the day's level
    (observed contacts ÷ the profile share of the observed slots) × its weekday-profile share; a day
    with less than MIN_OBSERVED_SHARE of its profile observed becomes a gap day (all NaN).
    """
    y = np.where(~open_ & ~np.isfinite(y), 0.0, y)  # closed and no row: no contacts
    missing = open_ & ~np.isfinite(y)
    skipped = _spring_forward(missing, slot_minutes)
    y = np.where(skipped, 0.0, y)  # the hour a spring-forward change skips does not exist
    missing &= ~skipped
    whole = open_.any(axis=1) & ~(open_ & ~missing).any(axis=1)
    gaps = Gaps(int(missing.sum()), int(whole.sum()))
    if not missing.any():
        return y, missing, gaps
    prof = _weekday_profile(y, open_ & ~missing, wd)
    share = prof[wd] * open_
    total = share.sum(axis=1)
    seen = np.where(missing, 0.0, share).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        frac = np.where(total > 0, seen / total, 0.0)
        level = np.where(seen > 0, np.nansum(np.where(missing, 0.0, y), axis=1) / seen, 0.0)
    filled = np.where(missing, level[:, None] * share, y)
    gap_day = missing.any(axis=1) & (frac < MIN_OBSERVED_SHARE)
    filled[gap_day] = np.nan
    return filled, missing, gaps


def _weekday_profile(y: np.ndarray, seen: np.ndarray, wd: np.ndarray) -> np.ndarray:
    """Mean contacts per slot and weekday [7, slot] over the slots seen."""
    prof = np.zeros((7, y.shape[1]))
    vals = np.where(seen, y, 0.0)
    for g in range(7):
        rows = wd == g
        n = seen[rows].sum(axis=0)
        prof[g] = np.where(n > 0, vals[rows].sum(axis=0) / np.maximum(n, 1), 0.0)
    return prof


def _spring_forward(missing: np.ndarray, slot_minutes: int) -> np.ndarray:
    """Slots of the hour a spring-forward clock change skips: one missing hour before 04:00 on an otherwise full day."""
    hour = 60 // slot_minutes if 60 % slot_minutes == 0 else 0
    out = np.zeros_like(missing)
    if hour == 0:
        return out
    for d in np.flatnonzero(missing.sum(axis=1) == hour):
        idx = np.flatnonzero(missing[d])
        if idx[-1] - idx[0] == hour - 1 and idx[0] * slot_minutes < DST_LATEST_START_MIN:
            out[d, idx] = True
    return out
