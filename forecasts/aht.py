"""Handle-time forecast: hour-of-day × day-type means of recent weeks, shrunk toward the channel mean where data are thin."""

from __future__ import annotations

import numpy as np

RECENT_WEEKS = 8
SHRINK_CONTACTS = 50.0  # a cell with this many contacts is half its own mean, half the broader one


def day_type(wd: np.ndarray, holiday: np.ndarray) -> np.ndarray:
    """0 Monday–Friday, 1 Saturday, 2 Sunday or public holiday."""
    return np.where(holiday | (wd == 6), 2, np.where(wd == 5, 1, 0))


def fit_aht(aht_s: np.ndarray | None, weight: np.ndarray | None, wd: np.ndarray, holiday: np.ndarray,
            fallback_s: float | None) -> np.ndarray:
    """Table [day type, hour] of AHT seconds from history arrays [day, slot] (NaN = unknown).

    Without recent handle times the table is the fallback, or all NaN without one: a contacts
    forecast does not need handle times (staffing asks for them).
    """
    has_data = aht_s is not None and weight is not None and np.nansum(weight[-7 * RECENT_WEEKS :]) > 0
    if not has_data:
        return np.full((3, 24), np.nan if fallback_s is None else float(fallback_s))
    a, w = aht_s[-7 * RECENT_WEEKS :], weight[-7 * RECENT_WEEKS :]
    types = day_type(wd[-7 * RECENT_WEEKS :], holiday[-7 * RECENT_WEEKS :])
    slots = a.shape[1]
    hour = (np.arange(slots) * 24) // slots
    aw = np.where(np.isfinite(a), a * w, 0.0)
    w = np.where(np.isfinite(a), w, 0.0)
    num = np.zeros((3, 24))
    den = np.zeros((3, 24))
    for t in range(3):
        rows = types == t
        np.add.at(num[t], hour, aw[rows].sum(axis=0))
        np.add.at(den[t], hour, w[rows].sum(axis=0))
    mean = num.sum() / den.sum()
    by_hour = (num.sum(axis=0) + SHRINK_CONTACTS * mean) / (den.sum(axis=0) + SHRINK_CONTACTS)
    return (num + SHRINK_CONTACTS * by_hour) / (den + SHRINK_CONTACTS)


def predict_aht(table: np.ndarray, wd: np.ndarray, holiday: np.ndarray, slots: int) -> np.ndarray:
    """AHT seconds [day, slot] for forecast days from the [day type, hour] table."""
    hour = (np.arange(slots) * 24) // slots
    return table[day_type(wd, holiday)][:, hour]
