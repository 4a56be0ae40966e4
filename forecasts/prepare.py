"""A history and a spec made ready for models: per-channel series, and horizons with open slots and holidays."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from forecasts import calendar, events, infer
from forecasts.errors import ForecastError
from forecasts.gaps import Gaps, fill_missing
from forecasts.panel import Horizon, Panel, Series, build_panel, check_history, day_range, weekday
from forecasts.spec import ForecastSpec


@dataclass
class Prepared:
    """The history on its grid with everything a model or backtest needs per channel."""

    spec: ForecastSpec
    panel: Panel
    series: dict[str, Series]
    patterns: dict[str, np.ndarray]  # inferred open slots per weekday, for channels without configured hours
    closed_on_holidays: set[str]  # channels without configured hours whose history shows them closed on holidays
    gaps: dict[str, Gaps]  # open slots and days without a row in the history, per channel

    @property
    def channels(self) -> list[str]:
        """Channels in output order."""
        return self.panel.channels

    @property
    def last_day(self) -> dt.date:
        """Last day of the history."""
        return self.panel.last_day

    def horizon(self, channel: str, day0: np.datetime64, n_days: int) -> Horizon:
        """Open slots and holidays of n_days days from day0 for a channel."""
        hours = self.spec.open_hours.get(channel)
        if hours is not None:
            open_ = calendar.mask_from_hours(hours, day0, n_days, self.panel.slot_minutes)
        else:
            open_ = calendar.mask_from_pattern(self.patterns[channel], day0, n_days)
        hol = calendar.holiday_flags(self.spec.holidays_country, self.spec.holidays_subdivision, day0, n_days)
        if channel in self.closed_on_holidays:
            open_ = open_ & ~hol[:, None]
        return Horizon(day0=day0, open=open_, holiday=hol)

    def event_factor(self, channel: str, day0: np.datetime64, n_days: int) -> np.ndarray:
        """Per-day volume multiplier of the spec's events on this channel."""
        return events.event_factor(self.spec.events, channel, day0, n_days)


def prepare(history: pd.DataFrame, spec: ForecastSpec) -> Prepared:
    """Check the history, put it on its slot grid and build each channel's series (open slots, holidays, event days)."""
    history = check_history(history)
    slot = spec.slot_minutes or infer.infer_slot_minutes(history["interval_start"])
    if 1440 % slot:
        raise ForecastError(f"slot length {slot} minutes does not divide a day")
    channels = list(spec.channels) if spec.channels else infer.infer_channels(history)
    absent = sorted(set(channels) - set(history["channel"].unique()))
    if absent:
        raise ForecastError(f"channel(s) {absent} have no rows in the history; channels there: {infer.infer_channels(history)}")
    if spec.history_weeks:
        first = history["interval_start"].max().normalize() - pd.Timedelta(weeks=spec.history_weeks) + pd.Timedelta(days=1)
        history = history[history["interval_start"] >= first]
    panel = build_panel(history, slot, channels)
    n = panel.n_days
    hol = calendar.holiday_flags(spec.holidays_country, spec.holidays_subdivision, panel.day0, n)
    series, patterns, closed, found = {}, {}, set(), {}
    wd = weekday(day_range(panel.day0, n))
    for i, ch in enumerate(channels):
        y = panel.offered[i]
        hours = spec.open_hours.get(ch)
        if hours is not None:
            open_ = calendar.mask_from_hours(hours, panel.day0, n, slot)
        else:
            patterns[ch] = infer.infer_open_pattern(y, panel.day0, slot)
            open_ = calendar.mask_from_pattern(patterns[ch], panel.day0, n)
            if _closed_on_holidays(y, open_, hol):
                closed.add(ch)
                open_ = open_ & ~hol[:, None]
        y, missing, found[ch] = fill_missing(y, open_, wd, slot)
        excluded = events.event_days(spec.events, ch, panel.day0, n)
        series[ch] = Series(day0=panel.day0, y=y, open=open_, holiday=hol, excluded=excluded, missing=missing)
    return Prepared(spec=spec, panel=panel, series=series, patterns=patterns, closed_on_holidays=closed, gaps=found)


def _closed_on_holidays(y: np.ndarray, open_: np.ndarray, hol: np.ndarray) -> bool:
    """True when most past holidays on normally open days had no contacts (no rows, or zeros)."""
    days = hol & open_.any(axis=1)
    if not days.any():
        return False
    rows = np.isfinite(y[days]) & open_[days]
    quiet = ~rows.any(axis=1) | (np.nansum(np.where(rows, y[days], 0.0), axis=1) == 0)
    return bool(quiet.sum() >= 0.5 * days.sum())
