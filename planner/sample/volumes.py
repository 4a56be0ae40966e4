"""Expected contact volumes and handle times per slot: weekly and intraday shape, seasonality, trend, holidays, campaigns.

Time runs on a naive local wall-clock slot axis (the site's time zone, like the history files). At a
DST change the axis follows the wall clock: the slots of the hour skipped when clocks go forward do
not exist and carry no contacts; the slots of the hour repeated when clocks go back appear once and
carry the contacts of both real hours (rate doubled), as a wall-clock export would show them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from planner.calendar import open_mask, slot_starts
from planner.config import Config
from planner.config.schema import Event
from planner.sample.params import Anchors, ChannelParams, SiteParams

DAY_MIN = 24 * 60


@dataclass(frozen=True)
class SlotAxis:
    """Every wall-clock slot of [first_day, first_day + days): times, and which exist / repeat at DST changes."""

    first_day: dt.date
    days: int
    slot_minutes: int
    times: np.ndarray  # datetime64[s], naive local, days * slots_per_day
    exists: np.ndarray  # False in the hour skipped when clocks go forward
    repeated: np.ndarray  # True in the hour repeated when clocks go back

    @property
    def slots_per_day(self) -> int:
        """Number of slots in a calendar day of the axis."""
        return DAY_MIN // self.slot_minutes

    def dates(self) -> list[dt.date]:
        """The calendar days of the axis."""
        return [self.first_day + dt.timedelta(days=i) for i in range(self.days)]


@dataclass(frozen=True)
class ChannelSlots:
    """One channel on the slot axis: expected offered, planned offered, mean handle time, and when it is served."""

    name: str
    kind: str
    rate: np.ndarray  # expected offered per slot (contacts)
    planned: np.ndarray  # what the planners expected (campaigns partly anticipated)
    aht_s: np.ndarray  # mean handle time incl. wrap of a contact arriving in the slot, seconds
    open: np.ndarray  # served in the slot (opening hours with holidays applied)
    rows: np.ndarray  # slot appears in the history (immediate: regular or actual opening; deferred: every existing slot)


def slot_axis(config: Config, first_day: dt.date, days: int) -> SlotAxis:
    """The wall-clock slot axis of `days` days from first_day in the site's time zone."""
    step = config.site.slot_minutes
    start = np.datetime64(first_day, "s")
    times = start + np.arange(days * (DAY_MIN // step)) * np.timedelta64(step * 60, "s")
    index = pd.DatetimeIndex(times)
    tz = config.site.timezone
    missing = np.asarray(index.tz_localize(tz, ambiguous=np.ones(len(index), dtype=bool), nonexistent="NaT").isna())
    either = np.asarray(index.tz_localize(tz, ambiguous="NaT", nonexistent="NaT").isna())
    return SlotAxis(first_day, days, step, times, ~missing, either & ~missing)


def interpolate(anchors: Anchors, hours: np.ndarray, outside: float | None = 0.0) -> np.ndarray:
    """Piecewise-linear weight at each hour of day from (hour, weight) anchors; `outside` (None: the edge weight) beyond them."""
    xs = np.array([a[0] for a in anchors])
    ys = np.array([a[1] for a in anchors])
    return np.interp(hours, xs, ys, left=outside, right=outside)


def event_factors(events: list[Event], channel: str, dates: list[dt.date]) -> np.ndarray:
    """Volume multiplier per day from campaigns on `channel`: ramp up over ramp_days, full to end, decay over decay_days."""
    factor = np.ones(len(dates))
    ordinal = np.array([d.toordinal() for d in dates])
    for event in events:
        if event.channels != "all" and channel not in event.channels:
            continue
        full = event.factor - 1
        start, end = event.start.toordinal(), event.end.toordinal()
        share = np.zeros(len(dates))
        inside = (ordinal >= start) & (ordinal <= end)
        share[inside] = np.minimum(1.0, (ordinal[inside] - start + 1) / (event.ramp_days + 1))
        after = (ordinal > end) & (ordinal <= end + event.decay_days)
        share[after] = 1 - (ordinal[after] - end) / (event.decay_days + 1)
        factor *= 1 + full * share
    return factor


def _daily_factors(p: ChannelParams, dates: list[dt.date], end: dt.date) -> np.ndarray:
    """Weekday x yearly seasonality x Christmas dip x trend, per day (1 = an average weekday at the end)."""
    weekday = np.array([p.weekday_factors[d.weekday()] for d in dates]) / np.mean(p.weekday_factors)
    doy = np.array([d.timetuple().tm_yday for d in dates])
    season = 1 + p.yearly_amplitude * np.cos(2 * np.pi * (doy - p.yearly_peak_doy) / 365.25)
    to_christmas = np.array([(d - dt.date(d.year, 12, 25)).days for d in dates])
    season *= 1 - p.christmas_dip * np.exp(-0.5 * (to_christmas / 5.0) ** 2)
    years = np.array([(d - end).days for d in dates]) / 365.25
    return weekday * season * (1 + p.trend_per_year) ** years


def _intraday(p: ChannelParams, dates: list[dt.date], slots: int) -> np.ndarray:
    """Share of a day's volume in each slot (days x slots), Monday surge added on top."""
    hours = (np.arange(slots) + 0.5) * 24 / slots
    shapes = {}
    for key, anchors in (("weekday", p.intraday_weekday), ("saturday", p.intraday_saturday), ("sunday", p.intraday_sunday)):
        shape = interpolate(anchors, hours)
        shapes[key] = shape / shape.sum()
    surge = 1 + interpolate(p.monday_surge, hours) if p.monday_surge else np.ones(slots)
    rows = []
    for d in dates:
        key = "saturday" if d.weekday() == 5 else "sunday" if d.weekday() == 6 else "weekday"
        rows.append(shapes[key] * (surge if d.weekday() == 0 else 1))
    return np.vstack(rows)


def _window_mask(config: Config, axis: SlotAxis, channel: str, holidays: bool) -> np.ndarray:
    """Slots inside the channel's opening windows (with or without the holiday rule), spilling past midnight if needed."""
    regular = config.model_copy(update={"site": config.site.model_copy(update={"holidays": None})})
    starts = slot_starts(axis.first_day, axis.days * axis.slots_per_day, axis.slot_minutes)
    return open_mask(config if holidays else regular, channel, starts) & axis.exists


def channel_slots(config: Config, axis: SlotAxis, params: SiteParams, end: dt.date) -> list[ChannelSlots]:
    """Expected volumes and handle times of every configured channel on the axis; the trend is anchored at `end`."""
    dates = axis.dates()
    per_day = axis.slots_per_day
    holiday_days = config.holiday_calendar(dates[0].year, dates[-1].year)
    is_holiday = np.repeat([d in holiday_days for d in dates], per_day)
    hours = ((np.arange(axis.days * per_day) % per_day) + 0.5) * 24 / per_day
    weekend = np.repeat([d.weekday() >= 5 for d in dates], per_day)
    years = np.repeat([(d - end).days / 365.25 for d in dates], per_day)
    out = []
    for ch in config.channels:
        p = params.channel(ch.name, ch.kind)
        daily = p.weekly_volume / 7 * _daily_factors(p, dates, end)
        base = (daily[:, None] * _intraday(p, dates, per_day)).ravel()
        uplift = np.repeat(event_factors(config.forecast.events, ch.name, dates), per_day)
        open_ = _window_mask(config, axis, ch.name, holidays=True)
        quiet = np.where(is_holiday, params.queue.holiday_quiet_factor, 1.0)
        fold = np.where(axis.repeated, 2.0, 1.0)
        if ch.kind == "immediate":
            served = open_
            rows = open_ | _window_mask(config, axis, ch.name, holidays=False)
        else:
            served = axis.exists
            rows = axis.exists.copy()
        rate = np.where(served, base * quiet * fold, 0.0)
        planned = rate * (1 + (uplift - 1) * params.queue.event_anticipation)
        rate = rate * uplift
        aht = ch.aht_s * interpolate(p.aht_by_hour, hours, outside=None)
        aht = aht * np.where(weekend, p.aht_weekend_factor, 1.0) * (1 + p.aht_trend_per_year) ** years
        out.append(ChannelSlots(ch.name, ch.kind, rate, planned, aht, open_, rows))
    return out
