"""Planning tables shaped like the forecast, coverage and roster contracts, derived from a history, for report tests."""

from __future__ import annotations

import numpy as np
import pandas as pd


def naive_forecast(history: pd.DataFrame, weeks_back: int = 1, weeks_ahead: int = 1) -> pd.DataFrame:
    """Seasonal-naive forecast (same slot one week earlier) over the last weeks_back history weeks and weeks_ahead after."""
    h = history[["interval_start", "channel", "offered", "aht_s"]].copy()
    h["interval_start"] = pd.to_datetime(h["interval_start"])
    end = h["interval_start"].max().normalize() + pd.Timedelta(days=1)
    start = end - pd.Timedelta(weeks=weeks_back)
    parts = []
    for k in range(weeks_back + weeks_ahead):
        week_start = start + pd.Timedelta(weeks=k)
        src = h[(h["interval_start"] >= week_start - pd.Timedelta(weeks=1)) & (h["interval_start"] < week_start)].copy()
        if k >= weeks_back and k > 0:  # beyond the history: repeat the last forecast week
            src = parts[-1].copy()
        src["interval_start"] = src["interval_start"] + pd.Timedelta(weeks=1)
        parts.append(src[["interval_start", "channel", "offered", "aht_s"]])
    f = pd.concat(parts, ignore_index=True)
    f["offered"] = f["offered"].astype(float)
    f["aht_s"] = f["aht_s"].fillna(300.0)
    f["offered_lo"] = (f["offered"] * 0.85).round(2)
    f["offered_hi"] = (f["offered"] * 1.15).round(2)
    return f.sort_values(["interval_start", "channel"]).reset_index(drop=True)


def coverage_for(forecast: pd.DataFrame, interval_s: int = 900, seed: int = 3) -> pd.DataFrame:
    """Required agents from the forecast workload at 85% occupancy; scheduled within ±1 of it; projected SL from the gap."""
    rng = np.random.default_rng(seed)
    c = forecast[["interval_start", "channel"]].copy()
    workload = forecast["offered"].to_numpy() * forecast["aht_s"].to_numpy() / interval_s
    c["required"] = np.ceil(workload / 0.85).astype(int)
    c["scheduled"] = np.clip(c["required"] + rng.integers(-1, 2, len(c)), 0, None)
    c["gap"] = c["scheduled"] - c["required"]
    sl = np.clip(0.82 + 0.06 * c["gap"].to_numpy(), 0, 1)
    c["service_level_projected"] = np.where(c["required"] > 0, sl.round(4), np.nan)
    return c


def roster_for(dates: list, agents: int = 40) -> pd.DataFrame:
    """A roster of `agents` agents working 09:00-17:00 (7.5 paid hours) on each of dates."""
    rows = []
    for day in dates:
        day = pd.Timestamp(day)
        for i in range(agents):
            rows.append({"agent_id": f"A{i:03d}", "date": day.date().isoformat(),
                         "shift_start": (day + pd.Timedelta(hours=9)).isoformat(),
                         "shift_end": (day + pd.Timedelta(hours=17)).isoformat(),
                         "breaks": "12:00-12:30", "paid_hours": 7.5})
    return pd.DataFrame(rows)
