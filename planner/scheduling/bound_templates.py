"""Shift templates and break options for the LP bound, as plain data (start slot, length, break choices).

Kept apart from bound.py so the bound can switch to the CP-SAT model's own template builder:
the bound is only valid when these templates and breaks are at least as permissive as the model's
(same or more start times, same or fewer breaks, same or wider break windows).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import pandas as pd

from planner.config import Config
from planner.config.schema import _parse_hhmm

MINUTES_PER_DAY = 24 * 60


@dataclass(frozen=True)
class BreakOption:
    """One placement of one break: offset from the shift start and length (slots), and the paid hours it removes."""

    offset_slots: int
    length_slots: int
    unpaid_h: float


@dataclass(frozen=True)
class ShiftShape:
    """A shift length (slots, on site) with its paid hours and, per required break, the allowed placements."""

    length_h: float
    length_slots: int
    breaks: tuple[tuple[BreakOption, ...], ...]
    extra_unpaid_h: float = 0.0  # a longer unpaid lunch than the shortest, counted in hours only


@dataclass(frozen=True)
class ShiftTemplate:
    """A shift of a given shape starting at a slot of the horizon (slot 0 = week start 00:00), on day `day`."""

    day: int
    start_slot: int
    shape: ShiftShape

    @property
    def end_slot(self) -> int:
        """First slot after the shift."""
        return self.start_slot + self.shape.length_slots


def _slots(minutes: float, slot_min: int) -> int:
    return int(round(minutes / slot_min))


def _window(start_h: float, end_h: float, length_slots: int, dur_slots: int, slot_min: int) -> range:
    """Break start offsets (slots) within [start_h, end_h] after the shift start, the break inside the shift."""
    first = max(0, math.ceil(start_h * 60 / slot_min - 1e-9))
    last = min(length_slots - dur_slots, math.floor(end_h * 60 / slot_min + 1e-9))
    return range(first, last + 1)


def _shape(length_h: float, slot_min: int, lunch: object, short: object) -> ShiftShape:
    length_slots = _slots(length_h * 60, slot_min)
    breaks: list[tuple[BreakOption, ...]] = []
    lunch_window = None
    extra_unpaid_h = 0.0
    if lunch is not None and length_h >= lunch.min_shift_h:
        # Relaxation: every lunch is placed as the shortest one (its window contains the longer ones'),
        # and a longer unpaid lunch only gives back paid hours. Coverage can only be higher than the model's.
        dur_min = min(lunch.durations_min)
        dur = _slots(dur_min, slot_min)
        unpaid = 0.0 if lunch.paid else dur_min / 60
        opts = [BreakOption(off, dur, unpaid)
                for off in _window(lunch.window_start_h, lunch.window_end_h, length_slots, dur, slot_min)]
        if opts:
            breaks.append(tuple(opts))
            lunch_window = (lunch.window_start_h, lunch.window_end_h)
            if not lunch.paid:
                extra_unpaid_h = (max(lunch.durations_min) - dur_min) / 60
    if short is not None and length_h >= short.min_shift_h:
        dur = _slots(short.duration_min, slot_min)
        unpaid = 0.0 if short.paid else short.duration_min / 60
        k = 1
        # A short break at every multiple of every_h that leaves a full period after it; one that falls in
        # the lunch window is replaced by the lunch. Fewer breaks than the model only weakens the bound.
        while k * short.every_h <= length_h - short.every_h + 1e-9:
            at_h = k * short.every_h
            k += 1
            if lunch_window is not None and lunch_window[0] - 1e-9 <= at_h <= lunch_window[1] + 1e-9:
                continue
            offs = _window(at_h - short.tolerance_h, at_h + short.tolerance_h, length_slots, dur, slot_min)
            if len(offs):
                breaks.append(tuple(BreakOption(o, dur, unpaid) for o in offs))
    return ShiftShape(length_h, length_slots, tuple(breaks), extra_unpaid_h)


def shift_shape(config: Config, length_h: float) -> ShiftShape:
    """The shape (slots and break options) of a shift of length_h on-site hours under config.shift_rules."""
    rules = config.shift_rules
    return _shape(float(length_h), config.site.slot_minutes, rules.lunch, rules.short_breaks)


def _clock_min(value: object) -> int | None:
    """Minutes after midnight of an 'HH:MM' string or datetime.time; None when empty."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NaT:
        return None
    if isinstance(value, dt.time):
        return value.hour * 60 + value.minute
    text = str(value).strip()
    if not text:
        return None
    return _parse_hhmm(text[:5], allow_24=True)


def availability_window(agent: pd.Series | dict) -> tuple[int, int]:
    """The agent's daily window (minutes after midnight, end may pass 1440); whole day when not given."""
    start = _clock_min(agent.get("available_from"))
    end = _clock_min(agent.get("available_to"))
    start = 0 if start is None else start
    end = 2 * MINUTES_PER_DAY if end is None else end
    if end <= start:
        end += MINUTES_PER_DAY
    return start, end


def shift_window(config: Config) -> tuple[int, int]:
    """Earliest start and latest end of any shift (minutes after the day's midnight; end may pass 1440)."""
    rules = config.shift_rules
    start = _parse_hhmm(rules.earliest_start)
    end = _parse_hhmm(rules.latest_end, allow_24=True)
    if end <= start:
        end += MINUTES_PER_DAY
    return start, end


def templates_for(config: Config, lengths_h: list[float], window: tuple[int, int], days: int) -> list[ShiftTemplate]:
    """Every shift of the given lengths starting on each of `days` days inside the shift rules and the daily window."""
    slot_min = config.site.slot_minutes
    step = config.shift_rules.start_step_min
    rule_start, rule_end = shift_window(config)
    first = max(rule_start, window[0])
    last_end = min(rule_end, window[1])
    out: list[ShiftTemplate] = []
    for length_h in sorted(set(lengths_h)):
        shape = shift_shape(config, length_h)
        length_min = shape.length_slots * slot_min
        # Starts on the step grid counted from the earliest start of the shift rules.
        start = rule_start + math.ceil((first - rule_start) / step) * step
        starts = []
        while start + length_min <= last_end:
            if start % slot_min == 0:
                starts.append(start)
            start += step
        for day in range(days):
            for s in starts:
                out.append(ShiftTemplate(day, (day * MINUTES_PER_DAY + s) // slot_min, shape))
    return out
