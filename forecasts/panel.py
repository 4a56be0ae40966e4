"""History table ↔ per-channel day × slot arrays (the shape every model works on)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from forecasts.errors import ForecastError

REQUIRED = ("interval_start", "channel", "offered")


@dataclass
class Series:
    """One channel's history: y[day, slot] contacts (NaN = a gap day), open mask, holiday and excluded days.

    `missing` marks open slots that had no row in the history: models see them filled in from the
    day's observed level and the weekday's profile, and scores and interval calibration skip them.
    """

    day0: np.datetime64
    y: np.ndarray
    open: np.ndarray
    holiday: np.ndarray
    excluded: np.ndarray
    missing: np.ndarray | None = None

    @property
    def observed(self) -> np.ndarray:
        """True where y[day, slot] is a value from the history (not a gap, not filled in)."""
        ok = np.isfinite(self.y)
        return ok if self.missing is None else ok & ~self.missing

    @property
    def n_days(self) -> int:
        """Number of history days."""
        return self.y.shape[0]

    def head(self, n_days: int) -> Series:
        """The first n_days days (a training window for a backtest origin)."""
        missing = None if self.missing is None else self.missing[:n_days]
        return Series(self.day0, self.y[:n_days], self.open[:n_days], self.holiday[:n_days], self.excluded[:n_days], missing)


@dataclass
class Horizon:
    """The days to forecast: first day, open mask [day, slot] and holiday flags."""

    day0: np.datetime64
    open: np.ndarray
    holiday: np.ndarray

    @property
    def n_days(self) -> int:
        """Number of days to forecast."""
        return self.open.shape[0]


@dataclass
class Panel:
    """Every channel of a history on one day × slot grid: offered, AHT and its weights."""

    day0: np.datetime64
    slot_minutes: int
    channels: list[str]
    offered: np.ndarray  # [channel, day, slot], NaN where the history has no row
    aht_s: np.ndarray | None  # same shape, NaN where unknown
    aht_weight: np.ndarray | None

    @property
    def n_days(self) -> int:
        """Days in the history grid."""
        return self.offered.shape[1]

    @property
    def slots_per_day(self) -> int:
        """Slots per calendar day."""
        return self.offered.shape[2]

    @property
    def last_day(self) -> dt.date:
        """Last calendar day of the history."""
        return (self.day0 + np.timedelta64(self.n_days - 1, "D")).astype(dt.date)


def day_range(day0: np.datetime64, n_days: int) -> np.ndarray:
    """n_days consecutive dates (datetime64[D]) from day0."""
    return day0 + np.arange(n_days).astype("timedelta64[D]")


def weekday(days: np.ndarray) -> np.ndarray:
    """Weekday of datetime64[D] dates, Monday = 0."""
    return ((days.astype("datetime64[D]").astype(np.int64) + 3) % 7).astype(np.int64)


def check_history(history: pd.DataFrame) -> pd.DataFrame:
    """The history with typed columns, or ForecastError naming what is wrong."""
    if not isinstance(history, pd.DataFrame):
        raise ForecastError("history must be a pandas DataFrame with columns interval_start, channel, offered")
    missing = [c for c in REQUIRED if c not in history.columns]
    if missing:
        raise ForecastError(f"history lacks column(s) {missing}; it needs interval_start, channel, offered")
    if history.empty:
        raise ForecastError("history is empty")
    out = history.copy()
    start = pd.to_datetime(out["interval_start"], errors="coerce")
    if getattr(start.dt, "tz", None) is not None:
        raise ForecastError("interval_start must be naive local time (no time zone); convert with .dt.tz_localize(None)")
    if start.isna().any():
        raise ForecastError(f"interval_start has {int(start.isna().sum())} value(s) that are not timestamps")
    offered = pd.to_numeric(out["offered"], errors="coerce")
    bad = offered.isna() | (offered < 0)
    if bad.any():
        first = out["offered"][bad].iloc[0]
        raise ForecastError(f"offered must be a number ≥ 0; {int(bad.sum())} row(s) are not (first: {first!r})")
    out["interval_start"] = start.astype("datetime64[ns]")
    out["offered"] = offered.astype(float)
    out["channel"] = out["channel"].astype(str)
    if "aht_s" in out.columns:
        out["aht_s"] = pd.to_numeric(out["aht_s"], errors="coerce")
    return out


def build_panel(history: pd.DataFrame, slot_minutes: int, channels: list[str]) -> Panel:
    """Pivot a checked history onto the [channel, day, slot] grid; a slot with no row is NaN (unknown, not zero)."""
    minute = history["interval_start"].dt.hour * 60 + history["interval_start"].dt.minute
    if (minute % slot_minutes).any() or history["interval_start"].dt.second.any():
        raise ForecastError(f"interval_start values are not on {slot_minutes}-minute slots")
    days = history["interval_start"].values.astype("datetime64[D]")
    day0 = days.min()
    n_days = int((days.max() - day0).astype(np.int64)) + 1
    slots = 1440 // slot_minutes
    index = {c: i for i, c in enumerate(channels)}
    known = history["channel"].map(index)
    keep = known.notna().to_numpy()
    ci = known.to_numpy()[keep].astype(np.int64)
    di = (days[keep] - day0).astype(np.int64)
    si = (minute.to_numpy()[keep] // slot_minutes).astype(np.int64)
    flat = (ci * n_days + di) * slots + si
    size = len(channels) * n_days * slots
    offered = np.bincount(flat, weights=history["offered"].to_numpy()[keep], minlength=size).reshape(len(channels), n_days, slots)
    seen = np.bincount(flat, minlength=size).reshape(offered.shape) > 0
    offered[~seen] = np.nan
    aht = weight = None
    if "aht_s" in history.columns:
        w_col = "handled" if "handled" in history.columns else "offered"
        w = pd.to_numeric(history[w_col], errors="coerce").fillna(0).to_numpy()[keep]
        a = history["aht_s"].to_numpy()[keep]
        ok = np.isfinite(a) & (a > 0) & (w > 0)
        weight = np.bincount(flat[ok], weights=w[ok], minlength=size).reshape(offered.shape)
        total = np.bincount(flat[ok], weights=(a * w)[ok], minlength=size).reshape(offered.shape)
        with np.errstate(invalid="ignore", divide="ignore"):
            aht = np.where(weight > 0, total / np.where(weight > 0, weight, 1), np.nan)
    return Panel(day0=day0, slot_minutes=slot_minutes, channels=channels, offered=offered, aht_s=aht, aht_weight=weight)


def to_frame(day0: np.datetime64, slot_minutes: int, channels: list[str], columns: dict[str, np.ndarray]) -> pd.DataFrame:
    """Long forecast table from [channel, day, slot] arrays, sorted by interval_start then channel."""
    n_ch, n_days, slots = next(iter(columns.values())).shape
    starts = (
        day0.astype("datetime64[m]")
        + (np.arange(n_days)[:, None] * 1440 + np.arange(slots)[None, :] * slot_minutes).astype("timedelta64[m]")
    ).ravel()
    frame = pd.DataFrame(
        {
            "interval_start": np.tile(starts, n_ch).astype("datetime64[ns]"),
            "channel": np.repeat(np.array(channels, dtype=object), n_days * slots),
            **{name: arr.reshape(-1) for name, arr in columns.items()},
        }
    )
    return frame.sort_values(["interval_start", "channel"], kind="stable").reset_index(drop=True)
