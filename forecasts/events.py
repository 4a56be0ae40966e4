"""Campaigns and special days: the daily volume factor they add, and the days they disturb in a history."""

from __future__ import annotations

import numpy as np

from forecasts.panel import day_range
from forecasts.spec import EventSpec


def event_curve(event: EventSpec, day0: np.datetime64, n_days: int) -> np.ndarray:
    """Multiplier per day from day0 (1 outside the event; linear ramp in, full strength, linear fade after end)."""
    days = day_range(day0, n_days)
    start, end = np.datetime64(event.start, "D"), np.datetime64(event.end, "D")
    since = (days - start).astype(np.int64)
    after = (days - end).astype(np.int64)
    strength = np.zeros(n_days)
    inside = (since >= 0) & (after <= 0)
    strength[inside] = 1.0
    if event.ramp_days:
        ramp = inside & (since < event.ramp_days)
        strength[ramp] = (since[ramp] + 1) / (event.ramp_days + 1)
    if event.decay_days:
        fade = (after > 0) & (after <= event.decay_days)
        strength[fade] = 1 - after[fade] / (event.decay_days + 1)
    return 1 + (event.factor - 1) * strength


def event_factor(events: tuple[EventSpec, ...], channel: str, day0: np.datetime64, n_days: int) -> np.ndarray:
    """Product of the multipliers of every event on this channel, per day."""
    factor = np.ones(n_days)
    for event in events:
        if event.applies_to(channel):
            factor *= event_curve(event, day0, n_days)
    return factor


def event_days(events: tuple[EventSpec, ...], channel: str, day0: np.datetime64, n_days: int) -> np.ndarray:
    """True on days an event (incl. ramp and fade) moves this channel's volume: left out of a baseline fit."""
    return event_factor(events, channel, day0, n_days) != 1.0
