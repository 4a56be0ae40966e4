"""Open-slot masks and holiday flags for a run of days."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import numpy as np

from forecasts.errors import ForecastError
from forecasts.panel import day_range, weekday
from forecasts.spec import OpenHoursFn


def mask_from_hours(hours: OpenHoursFn, day0: np.datetime64, n_days: int, slot_minutes: int) -> np.ndarray:
    """Open mask [day, slot] from a day → (open_min, close_min) function; a window past midnight spills into the next day."""
    slots = 1440 // slot_minutes
    flat = np.zeros((n_days + 1) * slots, dtype=bool)
    # the day before day0 may spill into day0 after midnight
    first = day0 - np.timedelta64(1, "D")
    for i, day in enumerate(day_range(first, n_days + 1)):
        window = hours(day.astype(dt.date))
        if window is None:
            continue
        open_min, close_min = window
        a = (i - 1) * slots + open_min // slot_minutes
        b = (i - 1) * slots + -(-close_min // slot_minutes)
        flat[max(a, 0) : max(min(b, len(flat)), 0)] = True
    return flat[: n_days * slots].reshape(n_days, slots)


def mask_from_pattern(pattern: np.ndarray, day0: np.datetime64, n_days: int) -> np.ndarray:
    """Open mask [day, slot] repeating a weekday pattern [7, slot]."""
    return pattern[weekday(day_range(day0, n_days))]


def holiday_flags(country: str | None, subdivision: str | None, day0: np.datetime64, n_days: int) -> np.ndarray:
    """True on the public holidays of country/subdivision (all False without a country)."""
    if country is None or n_days <= 0:
        return np.zeros(max(n_days, 0), dtype=bool)
    days = day_range(day0, n_days)
    first, last = days[0].astype(dt.date), days[-1].astype(dt.date)
    dates = _holidays(country, subdivision, first.year, last.year)
    return np.isin(days, np.array(sorted(dates), dtype="datetime64[D]")) if dates else np.zeros(n_days, dtype=bool)


@lru_cache(maxsize=32)
def _holidays(country: str, subdivision: str | None, first_year: int, last_year: int) -> frozenset:
    import holidays

    try:
        cal = holidays.country_holidays(country, subdiv=subdivision, years=range(first_year, last_year + 1))
    except NotImplementedError as exc:
        raise ForecastError(f"the holidays package does not know country {country!r}") from exc
    return frozenset(np.datetime64(d, "D") for d in cal)


def weekdays_of(day0: np.datetime64, n_days: int) -> np.ndarray:
    """Weekday (Monday = 0) of each of n_days days from day0."""
    return weekday(day_range(day0, n_days))
