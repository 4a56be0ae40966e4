"""Seeded synthetic interval histories with known structure, for tests and benchmarks (not a model of any real site)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from forecasts.calendar import holiday_flags
from forecasts.panel import weekday

WEEKDAY_HOURS = {g: (8 * 60, 20 * 60) for g in range(5)} | {5: (9 * 60, 17 * 60), 6: None}


@dataclass(frozen=True)
class SyntheticChannel:
    """One channel: mean contacts per open day, hours (weekday → (open_min, close_min) or None), AHT and noise."""

    name: str
    daily_volume: float
    hours: dict[int, tuple[int, int] | None] = field(default_factory=lambda: dict(WEEKDAY_HOURS))
    aht_s: float = 300.0
    weekday_level: tuple[float, ...] = (1.25, 1.05, 1.0, 0.98, 0.92, 0.55, 0.35)
    day_noise: float = 0.06  # sd of the log day level (weather, news)
    slot_noise: float = 0.0  # gamma over-dispersion of slot counts (0 = Poisson)


@dataclass(frozen=True)
class SyntheticSite:
    """A site history: channels, length, slot length, trend, yearly swing, holidays, outages and one campaign."""

    channels: tuple[SyntheticChannel, ...]
    weeks: int = 104
    slot_minutes: int = 15
    end: dt.date = dt.date(2026, 11, 22)
    trend_per_year: float = 0.08
    yearly_amplitude: float = 0.15
    holidays_country: str | None = None
    outage_days: int = 2
    campaign: tuple[str, dt.date, dt.date, float] | None = None  # channel, start, end, factor


def bank_like(slot_minutes: int = 5, weeks: int = 52, seed_volume: float = 2500.0) -> SyntheticSite:
    """A weekday-only site open 07:00–21:00 with short slots (the shape of bank call data)."""
    hours = {g: (7 * 60, 21 * 60) for g in range(5)} | {5: None, 6: None}
    return SyntheticSite(
        channels=(
            SyntheticChannel("calls", seed_volume, hours, 210.0, (1.2, 1.05, 1.0, 0.97, 0.9, 0, 0),
                             day_noise=0.07, slot_noise=0.02),
            SyntheticChannel("callback", seed_volume / 8, hours, 330.0, (1.1, 1.0, 1.0, 1.0, 0.95, 0, 0), day_noise=0.1),
        ),
        weeks=weeks,
        slot_minutes=slot_minutes,
        trend_per_year=0.05,
        yearly_amplitude=0.12,
        holidays_country="US",
        outage_days=3,
    )


def four_channel_site(weeks: int = 104, slot_minutes: int = 15) -> SyntheticSite:
    """A voice/chat/email/social site open every day (email and social arrive around the clock), England holidays closed."""
    full_day = {g: (0, 1440) for g in range(7)}
    voice_hours = {g: (8 * 60, 20 * 60) for g in range(5)} | {5: (9 * 60, 17 * 60), 6: (10 * 60, 16 * 60)}
    chat_hours = {g: (8 * 60, 22 * 60) for g in range(5)} | {5: (9 * 60, 18 * 60), 6: (10 * 60, 16 * 60)}
    return SyntheticSite(
        channels=(
            SyntheticChannel("voice", 3000.0, voice_hours, 300.0, slot_noise=0.03),
            SyntheticChannel("chat", 1200.0, chat_hours, 600.0, (1.15, 1.05, 1.0, 1.0, 0.95, 0.7, 0.5)),
            SyntheticChannel("email", 800.0, full_day, 420.0, (1.2, 1.1, 1.0, 1.0, 0.9, 0.5, 0.45), day_noise=0.08),
            SyntheticChannel("social", 300.0, full_day, 240.0, (1.0, 1.0, 1.0, 1.0, 1.0, 0.9, 0.9), day_noise=0.1),
        ),
        weeks=weeks,
        slot_minutes=slot_minutes,
        holidays_country="GB",
        campaign=("chat", dt.date(2026, 9, 14), dt.date(2026, 9, 27), 1.6),
    )


def generate(site: SyntheticSite, seed: int = 7) -> pd.DataFrame:
    """History rows (interval_start, channel, offered, aht_s, handled) for every open slot; closed days have no rows."""
    rng = np.random.default_rng(seed)
    n_days = 7 * site.weeks
    day0 = np.datetime64(site.end, "D") - np.timedelta64(n_days - 1, "D")
    days = day0 + np.arange(n_days).astype("timedelta64[D]")
    wd = weekday(days)
    slots = 1440 // site.slot_minutes
    minute = np.arange(slots) * site.slot_minutes + site.slot_minutes / 2
    years = (np.arange(n_days) - n_days) / 365.25
    phase = 2 * np.pi * days.astype(np.int64) / 365.25
    season = 1 + site.yearly_amplitude * (0.7 * np.cos(phase - 0.3) + 0.3 * np.sin(2 * phase))
    holiday = holiday_flags(site.holidays_country, None, day0, n_days)
    outages = rng.choice(n_days, size=site.outage_days, replace=False) if site.outage_days else np.array([], dtype=int)
    frames = []
    for ch in site.channels:
        level = ch.daily_volume * np.exp(site.trend_per_year * years) * season * np.asarray(ch.weekday_level)[wd]
        level *= np.exp(rng.normal(0, ch.day_noise, n_days))
        if site.campaign and site.campaign[0] == ch.name:
            inside = (days >= np.datetime64(site.campaign[1])) & (days <= np.datetime64(site.campaign[2]))
            level[inside] *= site.campaign[3]
        open_ = np.zeros((n_days, slots), dtype=bool)
        shape = np.zeros((n_days, slots))
        for g in range(7):
            window = ch.hours.get(g)
            if window is None:
                continue
            rows = wd == g
            mask = (minute >= window[0]) & (minute < window[1])
            open_[rows] = mask
            shape[rows] = _intraday_shape(minute, g, window) * mask
        full_day = all(ch.hours.get(g) == (0, 1440) for g in range(7))
        if not full_day:
            open_[holiday] = False
        shape /= np.maximum(shape.sum(axis=1, keepdims=True), 1e-12)
        lam = level[:, None] * shape
        if ch.slot_noise > 0:
            lam = lam * rng.gamma(1 / ch.slot_noise, ch.slot_noise, lam.shape)
        offered = rng.poisson(lam).astype(float)
        for d in outages:  # an outage: the phones were down from late morning
            offered[d, slots // 2 - slots // 6 :] = 0
        hour = minute / 60
        aht = ch.aht_s * (1 + 0.08 * np.sin((hour - 9) / 12 * np.pi))[None, :] * (1 + 0.05 * (wd >= 5))[:, None]
        aht = aht * np.exp(rng.normal(0, 0.15 / np.sqrt(np.maximum(offered, 1))))
        d_idx, s_idx = np.nonzero(open_)
        starts = days[d_idx].astype("datetime64[m]") + (s_idx * site.slot_minutes).astype("timedelta64[m]")
        vals = offered[d_idx, s_idx]
        frames.append(
            pd.DataFrame(
                {
                    "interval_start": starts.astype("datetime64[ns]"),
                    "channel": ch.name,
                    "offered": vals.astype(int),
                    "handled": vals.astype(int),
                    "aht_s": np.where(vals > 0, np.round(aht[d_idx, s_idx], 1), np.nan),
                }
            )
        )
    return pd.concat(frames, ignore_index=True).sort_values(["interval_start", "channel"], kind="stable").reset_index(drop=True)


def _intraday_shape(minute: np.ndarray, g: int, window: tuple[int, int]) -> np.ndarray:
    """Two-peaked day (late morning and early afternoon); weekends later and flatter; a thin night tail."""
    hour = minute / 60
    shift = 1.0 if g >= 5 else 0.0
    peaks = 1.0 * np.exp(-0.5 * ((hour - 10.5 - shift) / 1.6) ** 2) + 0.75 * np.exp(-0.5 * ((hour - 14.5 - shift) / 2.0) ** 2)
    monday_rush = 0.3 * np.exp(-0.5 * ((hour - 9) / 0.7) ** 2) if g == 0 else 0.0
    return 0.04 + peaks + monday_rush + 0.15 * np.exp(-0.5 * ((hour - 19) / 1.5) ** 2)
